"""Substitute onboarding in the chat (issue 5): /tjekliste, briefs, /vikarer, the vikar invite.

Thin: every press is parsed, handed to bot.services.onboarding (which re-reads and checks it),
and the answer rendered from the text catalogue. Nothing in the callback data is trusted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import CustomContext
from bot.domain.access import Role, invitable_roles
from bot.domain.dates import parse_near_date
from bot.domain.errors import Conflict, NotAllowed
from bot.domain.goals import add_months, format_date
from bot.domain.invites import deep_link
from bot.domain.notes import shorten
from bot.domain.onboarding import BRIEF_STEP_KIND, StepFacts, StepOwner, StepStatus, status
from bot.handlers.callbacks import BadCallbackData, InvitePress, OnboardingPress
from bot.handlers.common import (
    button_rows,
    callback_message,
    day_label,
    handles_domain_errors,
    safe_edit,
)
from bot.handlers.flow import TEXT, Flow, flow_step, reset_flow_data
from bot.handlers.note_views import local_datetime
from bot.services import onboarding, staff
from bot.services.onboarding import Brief, Checklist, SubstituteInvite, SubstituteProgress
from bot.texts import Markup, Texts

log = logging.getLogger(__name__)

LABEL_CHARS = 48  # a button label longer than this is cut (phones show ~30 characters)
START_DAYS = 7  # start-date buttons: today and the next six days
END_CHOICES = (("w", 2), ("w", 4), ("m", 3))  # 2 weeks, 4 weeks, 3 months from the start
NOTE_CHARS = 300

# OnboardingPress actions.
CHECKLIST, TICK, BRIEF, READ = "c", "d", "b", "l"
OVERVIEW, SUBSTITUTE, CONFIRM, EXTEND, END, END_YES, TEMPLATE = "o", "s", "k", "x", "e", "y", "t"
START, RESIDENT, NEXT, AGENCY, UNTIL = "sd", "sr", "sn", "sa", "se"
EXTEND_CODES = {days: code for code, days in onboarding.EXTEND_DAYS.items()}

ASK_START, ASK_RESIDENTS, ASK_AGENCY, ASK_END = "ob_start", "ob_residents", "ob_agency", "ob_end"


def _button(label: str, action: str, target: int = 0, arg: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        shorten(label, LABEL_CHARS), callback_data=OnboardingPress(action, target, arg).pack()
    )


def _access(tx: Texts, ends: date | None, today: date) -> str:
    if ends is None:
        return tx.plain("onboarding.access_open")
    if ends < today:
        return tx.plain("onboarding.access_over", date=format_date(ends))
    return tx.plain("onboarding.access_until", date=format_date(ends))


# --- rendering a checklist ---------------------------------------------------------------------


def _step_line(tx: Texts, number: int, step: StepFacts, checklist: Checklist) -> str:
    today = checklist.today
    state = status(step, today)
    if state is StepStatus.DONE:
        assert step.done_on is not None
        who = checklist.names.get(step.done_by_id or 0, "")
        return tx(
            "onboarding.step_done",
            number=number,
            title=step.title,
            date=format_date(step.done_on),
            name=who,
        )
    if state is StepStatus.OVERDUE:
        line = tx(
            "onboarding.step_overdue",
            number=number,
            title=step.title,
            date=format_date(step.due_on),
            days=(today - step.due_on).days,
        )
    elif state is StepStatus.DUE:
        line = tx("onboarding.step_due_today", number=number, title=step.title)
    else:
        line = tx(
            "onboarding.step_upcoming",
            number=number,
            title=step.title,
            date=format_date(step.due_on),
        )
    hints = []
    if step.owner is StepOwner.LEDER:
        hints.append(tx("onboarding.step_waiting_leader"))
    if step.kind == BRIEF_STEP_KIND:
        hints.append(tx("onboarding.step_brief_hint"))
    if step.gates_briefs and step.occurrence == 1:
        hints.append(tx("onboarding.step_gates"))
    return "\n".join([line, *hints])


def _briefs_block(tx: Texts, checklist: Checklist, numbers: dict[int, int], *, leader: bool) -> str:
    if not checklist.residents:
        return tx("onboarding.no_residents_assigned")
    lines = "\n".join(
        tx("onboarding.brief_resident_read", name=r.name, date=format_date(r.read_at.date()))
        if r.read_at is not None
        else tx("onboarding.brief_resident_unread", name=r.name)
        for r in checklist.residents
    )
    of = "_of" if leader else ""  # "dine beboere" to the substitute, "vikarens" to a leader
    if checklist.briefs_open:
        return tx(f"onboarding.briefs_open{of}", residents=Markup(lines))
    missing = ", ".join(str(numbers[s.id]) for s in checklist.missing_gates)
    return tx(f"onboarding.briefs_locked{of}", numbers=missing, residents=Markup(lines))


def checklist_message(
    tx: Texts, checklist: Checklist, *, leader: bool
) -> tuple[Markup, InlineKeyboardMarkup]:
    """Render a checklist for the substitute (tick their steps, open briefs) or a leader
    (confirm the leader's steps, extend or end access)."""
    steps = sorted(checklist.steps, key=lambda s: (s.due_on, s.id))
    numbers = {step.id: number for number, step in enumerate(steps, start=1)}
    shown = "\n".join(_step_line(tx, numbers[s.id], s, checklist) for s in steps)
    params: dict[str, Any] = {
        "start": format_date(checklist.starts_on),
        "access": _access(tx, checklist.access_ends_on, checklist.today),
        "steps": Markup(shown or tx("onboarding.no_steps")),
        "briefs": Markup(_briefs_block(tx, checklist, numbers, leader=leader)),
    }
    rows: list[list[InlineKeyboardButton]] = []
    open_steps = [s for s in steps if not s.done and s.kind != BRIEF_STEP_KIND]
    if leader:
        for step in open_steps:
            if step.owner is StepOwner.LEDER:
                label = tx.plain(
                    "onboarding.btn_confirm", number=numbers[step.id], title=step.title
                )
                rows.append([_button(label, CONFIRM, step.id)])
        rows.append(
            [
                _button(
                    tx.plain("onboarding.btn_extend_week"),
                    EXTEND,
                    checklist.staff_id,
                    onboarding.EXTEND_DAYS["w"],
                ),
                _button(
                    tx.plain("onboarding.btn_extend_month"),
                    EXTEND,
                    checklist.staff_id,
                    onboarding.EXTEND_DAYS["m"],
                ),
            ]
        )
        if checklist.access_ends_on is None or checklist.access_ends_on >= checklist.today:
            rows.append([_button(tx.plain("onboarding.btn_end"), END, checklist.staff_id)])
        rows.append([_button(tx.plain("onboarding.btn_back"), OVERVIEW)])
        agency = tx.plain("onboarding.agency_mark") if checklist.agency else ""
        text = tx("onboarding.checklist_of", name=checklist.name, agency=agency, **params)
        return text, InlineKeyboardMarkup(rows)
    for step in open_steps:
        if step.owner is StepOwner.VIKAR:
            label = tx.plain("onboarding.btn_done", number=numbers[step.id], title=step.title)
            rows.append([_button(label, TICK, step.id)])
    briefs = [
        _button(tx.plain("onboarding.btn_brief", name=r.name), BRIEF, r.resident_id)
        for r in checklist.residents
    ]
    rows.extend(button_rows(briefs, 2))
    return tx("onboarding.checklist", **params), InlineKeyboardMarkup(rows)


def brief_message(tx: Texts, brief: Brief, tz: Any) -> tuple[Markup, InlineKeyboardMarkup]:
    """Render a resident's brief, read-only, with `Læst`."""
    goal_lines: list[str] = []
    for goal in brief.goals:
        goal_lines.append(tx("onboarding.brief_goal", text=goal.text))
        for sub in goal.sub_goals:
            goal_lines.append(tx("onboarding.brief_sub_goal", text=sub.text))
            if sub.method.strip():
                goal_lines.append(tx("onboarding.brief_method", method=sub.method))
    note_lines = [
        tx(
            "onboarding.brief_note",
            type=kind,
            date=local_datetime(written, tz),
            text=shorten(" ".join(text.split()), NOTE_CHARS),
        )
        for kind, written, text in brief.notes
    ]
    read = (
        tx("onboarding.brief_was_read", date=local_datetime(brief.read_at, tz))
        if brief.read_at is not None
        else tx("onboarding.brief_unread")
    )
    text = tx(
        "onboarding.brief",
        name=brief.name,
        goals=Markup("\n".join(goal_lines) or tx("onboarding.brief_no_goals")),
        notes=Markup("\n".join(note_lines) or tx("onboarding.brief_no_notes")),
        read=read,
    )
    markup = InlineKeyboardMarkup(
        [
            [
                _button(tx.plain("onboarding.btn_read"), READ, brief.resident_id),
                _button(tx.plain("onboarding.btn_checklist"), CHECKLIST),
            ]
        ]
    )
    return text, markup


def overview_message(
    tx: Texts, progress: list[SubstituteProgress], today: date
) -> tuple[Markup, InlineKeyboardMarkup]:
    """Render /vikarer: each substitute's progress, overdue first, one button each."""
    rows: list[list[InlineKeyboardButton]] = []
    lines: list[str] = []
    for number, item in enumerate(progress, start=1):
        row = item.row
        late = (
            tx(
                "onboarding.substitute_late",
                count=len(item.overdue),
                titles="; ".join(s.title for s in item.overdue),
            )
            if item.overdue and item.has_access
            else ""
        )
        waiting = (
            tx(
                "onboarding.substitute_waiting",
                titles="; ".join(s.title for s in item.waiting_for_leader),
            )
            if item.waiting_for_leader and item.has_access
            else ""
        )
        lines.append(
            tx(
                "onboarding.substitute_line",
                number=number,
                name=row.name,
                agency=tx.plain("onboarding.agency_mark") if row.agency else "",
                done=item.done,
                total=item.total,
                access=_access(tx, row.access_ends_on, today),
                late=Markup(late),
                waiting=Markup(waiting),
            )
        )
        label = tx.plain("onboarding.btn_substitute", number=number, name=row.name)
        rows.append([_button(label, SUBSTITUTE, row.staff_id)])
    rows.append([_button(tx.plain("onboarding.btn_template"), TEMPLATE)])
    if not lines:
        return tx("onboarding.no_substitutes"), InlineKeyboardMarkup(rows)
    return tx("onboarding.substitutes", lines=Markup("\n".join(lines))), InlineKeyboardMarkup(rows)


def template_message(tx: Texts, steps: list[Any]) -> Markup:
    """Render the facility's checklist for a leader."""
    lines = []
    for number, step in enumerate(steps, start=1):
        flags = ""
        if step.gates_briefs:
            flags += tx.plain("onboarding.flag_gates")
        if step.recurs_months:
            flags += tx.plain("onboarding.flag_recurs", months=step.recurs_months)
        if step.agency_only:
            flags += tx.plain("onboarding.flag_agency")
        lines.append(
            tx(
                "onboarding.template_line",
                number=number,
                title=step.title,
                owner=tx.plain(f"onboarding.owner_{step.owner.value}"),
                days=step.due_days,
                flags=flags,
                description=step.description,
            )
        )
    return tx("onboarding.template", lines=Markup("\n".join(lines)))


# --- commands ----------------------------------------------------------------------------------


@handles_domain_errors
async def cmd_tjekliste(update: Update, context: CustomContext) -> None:
    """/tjekliste: the substitute's steps, done and due, and their residents' briefs."""
    s = context.services
    checklist = await context.run(onboarding.my_checklist, s.clock, s.tz, context.me)
    text, markup = checklist_message(context.tx, checklist, leader=False)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


@handles_domain_errors
async def cmd_vikarer(update: Update, context: CustomContext) -> None:
    """/vikarer: the leader's substitutes and their progress."""
    s = context.services
    progress = await context.run(onboarding.substitutes_overview, s.clock, s.tz, context.me)
    text, markup = overview_message(context.tx, progress, context.today)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


async def send_welcome_checklist(update: Update, context: CustomContext) -> None:
    """Greet a substitute who just joined with their checklist (called by /start)."""
    s = context.services
    checklist = await context.run(onboarding.my_checklist, s.clock, s.tz, context.me)
    text, markup = checklist_message(context.tx, checklist, leader=False)
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.tx("onboarding.welcome"))
    await update.effective_message.reply_text(text, reply_markup=markup)


# --- buttons -----------------------------------------------------------------------------------


async def _tell_substitute(context: CustomContext, chat_id: int, text: str) -> None:
    """Tell the substitute about their access; best effort (the guard tells them anyway)."""
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as exc:
        log.warning("could not tell a substitute about their access: %s", exc)


@handles_domain_errors
async def on_press(update: Update, context: CustomContext) -> None:
    """Every button of /tjekliste, briefs and /vikarer (the invite's are in the flow)."""
    query = update.callback_query
    assert query is not None
    press = OnboardingPress.parse(query.data)
    tx, s, me = context.tx, context.services, context.me
    message = callback_message(update)
    if press.action == CHECKLIST:
        checklist = await context.run(onboarding.my_checklist, s.clock, s.tz, me)
        await query.answer()
        text, markup = checklist_message(tx, checklist, leader=False)
        await message.reply_text(text, reply_markup=markup)
    elif press.action == TICK:
        done = await context.run(onboarding.complete_step, s.clock, s.tz, me, press.target)
        await query.answer(_ticked(tx, done.next_due))
        checklist = await context.run(onboarding.my_checklist, s.clock, s.tz, me)
        await safe_edit(message, *checklist_message(tx, checklist, leader=False))
    elif press.action == BRIEF:
        brief = await context.run(onboarding.read_brief, s.clock, me, press.target)
        await query.answer()
        text, markup = brief_message(tx, brief, s.tz)
        await message.reply_text(text, reply_markup=markup)
    elif press.action == READ:
        confirmed = await context.run(onboarding.confirm_brief, s.clock, s.tz, me, press.target)
        key = "onboarding.read_all" if confirmed.handover_done else "onboarding.read_recorded"
        await query.answer(tx.plain(key), show_alert=confirmed.handover_done)
        brief = await context.run(onboarding.read_brief, s.clock, me, press.target)
        await safe_edit(message, *brief_message(tx, brief, s.tz))
    elif press.action == OVERVIEW:
        progress = await context.run(onboarding.substitutes_overview, s.clock, s.tz, me)
        await query.answer()
        await safe_edit(message, *overview_message(tx, progress, context.today))
    elif press.action == SUBSTITUTE:
        await _show_substitute(update, context, press.target)
    elif press.action == CONFIRM:
        done = await context.run(onboarding.complete_step, s.clock, s.tz, me, press.target)
        await query.answer(_ticked(tx, done.next_due))
        await _show_substitute(update, context, done.substitute_id, answered=True)
    elif press.action in (EXTEND, END_YES):
        code = "end" if press.action == END_YES else EXTEND_CODES.get(press.arg)
        if code is None:
            raise BadCallbackData(query.data)
        changed = await context.run(onboarding.change_access, s.clock, s.tz, me, press.target, code)
        if changed.ended:
            await query.answer(tx.plain("onboarding.ended", name=changed.name), show_alert=True)
            told = tx("onboarding.told_ended")
        else:
            day = format_date(changed.access_ends_on)
            await query.answer(tx.plain("onboarding.extended", name=changed.name, date=day))
            told = tx("onboarding.told_extended", date=day)
        await _tell_substitute(context, changed.telegram_user_id, told)
        await _show_substitute(update, context, changed.staff_id, answered=True)
    elif press.action == END:
        # Ask first; the check of who may end it is in the use case behind the next press.
        checklist = await context.run(
            onboarding.substitute_checklist, s.clock, s.tz, me, press.target
        )
        await query.answer()
        markup = InlineKeyboardMarkup(
            [
                [_button(tx.plain("onboarding.btn_end_confirm"), END_YES, press.target)],
                [_button(tx.plain("onboarding.btn_back"), SUBSTITUTE, press.target)],
            ]
        )
        await safe_edit(message, tx("onboarding.confirm_end", name=checklist.name), markup)
    elif press.action == TEMPLATE:
        steps = await context.run(onboarding.checklist_template, me)
        await query.answer()
        markup = InlineKeyboardMarkup([[_button(tx.plain("onboarding.btn_back"), OVERVIEW)]])
        await safe_edit(message, template_message(tx, steps), markup)
    else:
        raise BadCallbackData(query.data)


def _ticked(tx: Texts, next_due: date | None) -> str:
    if next_due is None:
        return tx.plain("onboarding.ticked")
    return tx.plain("onboarding.ticked_next", date=format_date(next_due))


async def _show_substitute(
    update: Update, context: CustomContext, staff_id: int, *, answered: bool = False
) -> None:
    s = context.services
    checklist = await context.run(
        onboarding.substitute_checklist, s.clock, s.tz, context.me, staff_id
    )
    query = update.callback_query
    assert query is not None
    if not answered:
        await query.answer()
    await safe_edit(
        callback_message(update), *checklist_message(context.tx, checklist, leader=True)
    )


# --- the substitute's invite (a guided flow) -----------------------------------------------------


def _form(context: CustomContext) -> dict[str, Any]:
    assert context.user_data is not None
    form = context.user_data.substitute_invite
    if not form:
        raise Conflict("onboarding.invite_expired_flow")
    return form


def _start_markup(tx: Texts, today: date) -> InlineKeyboardMarkup:
    days = [today + timedelta(days=n) for n in range(START_DAYS)]
    buttons = [
        _button(
            tx.plain("onboarding.btn_today") if day == today else day_label(tx, day),
            START,
            0,
            day.toordinal(),
        )
        for day in days
    ]
    return InlineKeyboardMarkup(button_rows(buttons, 2))


@flow_step
async def start_invite(update: Update, context: CustomContext) -> str | None:
    """`Vikar` pressed in /inviter: choose the department if needed, then ask the start date."""
    query = update.callback_query
    assert query is not None
    press = InvitePress.parse(query.data)
    if Role.VIKAR not in invitable_roles(context.me):
        raise NotAllowed()
    tx = context.tx
    options = dict(await context.run(staff.invite_options, context.me))
    if not options:
        raise NotAllowed("invites.no_departments")
    department_id = press.department_id
    if department_id == 0 and len(options) > 1:
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(name, callback_data=InvitePress(press.role, dep).pack())]
                for dep, name in options.items()
            ]
        )
        await query.answer()
        await safe_edit(
            callback_message(update),
            tx("invites.ask_department", role=tx.plain("role.vikar")),
            markup,
        )
        return None
    if department_id == 0:
        department_id = next(iter(options))
    if department_id not in options:
        raise NotAllowed()
    residents = await context.run(onboarding.department_residents, context.me, department_id)
    if not residents:
        raise Conflict("onboarding.no_residents_department", department=options[department_id])
    reset_flow_data(context)
    assert context.user_data is not None
    context.user_data.substitute_invite = {
        "department_id": department_id,
        "department": options[department_id],
        "residents": [],
    }
    await query.answer()
    await safe_edit(
        callback_message(update),
        tx("onboarding.ask_start", department=options[department_id]),
        _start_markup(tx, context.today),
    )
    return ASK_START


async def _ask_residents(
    update: Update,
    context: CustomContext,
    message: Message | None,
    residents: Sequence[tuple[int, str]] | None = None,
) -> str:
    """Show the department's residents to choose from (read here unless the caller has them)."""
    form = _form(context)
    tx = context.tx
    if residents is None:
        residents = await context.run(
            onboarding.department_residents, context.me, form["department_id"]
        )
    chosen = set(form["residents"])
    buttons = [
        _button(("✅ " if rid in chosen else "") + name, RESIDENT, rid) for rid, name in residents
    ]
    rows = button_rows(buttons, 2)
    if chosen:
        rows.append([_button(tx.plain("onboarding.btn_next"), NEXT)])
    text = tx("onboarding.ask_residents", start=format_date(date.fromisoformat(form["starts_on"])))
    if message is None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await safe_edit(message, text, InlineKeyboardMarkup(rows))
    return ASK_RESIDENTS


@flow_step
async def take_start_typed(update: Update, context: CustomContext) -> str:
    """A typed start date."""
    assert update.effective_message is not None and update.effective_message.text is not None
    form = _form(context)
    day = parse_near_date(update.effective_message.text, context.today)
    onboarding.check_start(day, context.today)  # all terms are checked again at the end
    form["starts_on"] = day.isoformat()
    return await _ask_residents(update, context, None)


@flow_step
async def take_start_pressed(update: Update, context: CustomContext) -> str:
    """A start-date button."""
    query = update.callback_query
    assert query is not None
    press = OnboardingPress.parse(query.data)
    form = _form(context)
    if not 1 <= press.arg <= date.max.toordinal():
        raise BadCallbackData(query.data)
    day = date.fromordinal(press.arg)
    onboarding.check_start(day, context.today)  # all terms are checked again at the end
    form["starts_on"] = day.isoformat()
    await query.answer()
    return await _ask_residents(update, context, callback_message(update))


@flow_step
async def toggle_resident(update: Update, context: CustomContext) -> str:
    """Choose or un-choose a resident (only those of the department are offered or taken)."""
    query = update.callback_query
    assert query is not None
    press = OnboardingPress.parse(query.data)
    form = _form(context)
    residents = await context.run(
        onboarding.department_residents, context.me, form["department_id"]
    )
    if press.target not in dict(residents):
        raise NotAllowed()
    chosen = set(form["residents"])
    chosen.symmetric_difference_update({press.target})
    form["residents"] = sorted(chosen)
    await query.answer()
    return await _ask_residents(update, context, callback_message(update), residents)


@flow_step
async def residents_chosen(update: Update, context: CustomContext) -> str:
    """`Videre`: ask whether the substitute comes from an agency."""
    query = update.callback_query
    assert query is not None
    form = _form(context)
    if not form["residents"]:
        raise Conflict("onboarding.no_residents")
    tx = context.tx
    await query.answer()
    markup = InlineKeyboardMarkup(
        [
            [
                _button(tx.plain("onboarding.btn_yes_agency"), AGENCY, 0, 1),
                _button(tx.plain("onboarding.btn_no_agency"), AGENCY, 0, 0),
            ]
        ]
    )
    await safe_edit(callback_message(update), tx("onboarding.ask_agency"), markup)
    return ASK_AGENCY


@flow_step
async def take_agency(update: Update, context: CustomContext) -> str:
    """Agency or not; then ask how long access lasts."""
    query = update.callback_query
    assert query is not None
    press = OnboardingPress.parse(query.data)
    if press.arg not in (0, 1):
        raise BadCallbackData(query.data)
    form = _form(context)
    form["agency"] = bool(press.arg)
    tx = context.tx
    start = date.fromisoformat(form["starts_on"])
    buttons = []
    for unit, count in END_CHOICES:
        if unit == "w":
            last = start + timedelta(weeks=count) - timedelta(days=1)
            label = tx.plain("onboarding.btn_weeks", count=count)
        else:
            last = add_months(start, count) - timedelta(days=1)
            label = tx.plain("onboarding.btn_months", count=count)
        buttons.append(_button(f"{label} ({format_date(last)})", UNTIL, 0, last.toordinal()))
    await query.answer()
    await safe_edit(
        callback_message(update),
        tx("onboarding.ask_end"),
        InlineKeyboardMarkup([[b] for b in buttons]),
    )
    return ASK_END


async def _make_invite(update: Update, context: CustomContext, last_day: date) -> int:
    form = _form(context)
    s, tx = context.services, context.tx
    wanted = SubstituteInvite(
        starts_on=date.fromisoformat(form["starts_on"]),
        access_ends_on=last_day,
        agency=bool(form.get("agency")),
        resident_ids=tuple(form["residents"]),
    )
    invite = await context.run(
        staff.create_invite,
        s.clock,
        context.me,
        Role.VIKAR,
        department_id=form["department_id"],
        ttl=timedelta(hours=s.settings.invite_ttl_hours),
        substitute=wanted,
        today=context.today,
    )
    names = dict(
        await context.run(onboarding.department_residents, context.me, form["department_id"])
    )
    reset_flow_data(context)
    text = tx(
        "onboarding.invite_created",
        department=invite.department,
        start=format_date(wanted.starts_on),
        end=format_date(last_day),
        agency=tx.plain("onboarding.invite_agency") if wanted.agency else "",
        residents=", ".join(names.get(r, "?") for r in wanted.resident_ids),
        expires=local_datetime(invite.expires_at, s.tz),
        link=deep_link(context.bot.username, invite.code),
        code=invite.code,
    )
    if update.callback_query is not None:
        await update.callback_query.answer()
        await safe_edit(callback_message(update), text)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


@flow_step
async def take_end_pressed(update: Update, context: CustomContext) -> int:
    """An access-length button: make the invite."""
    query = update.callback_query
    assert query is not None
    press = OnboardingPress.parse(query.data)
    if not 1 <= press.arg <= date.max.toordinal():
        raise BadCallbackData(query.data)
    return await _make_invite(update, context, date.fromordinal(press.arg))


@flow_step
async def take_end_typed(update: Update, context: CustomContext) -> int:
    """A typed last day of access: make the invite."""
    assert update.effective_message is not None and update.effective_message.text is not None
    _form(context)
    day = parse_near_date(update.effective_message.text, context.today)
    return await _make_invite(update, context, day)


# --- registration ------------------------------------------------------------------------------


def _actions(*actions: str) -> str:
    return rf"^{OnboardingPress.PREFIX}:(?:{'|'.join(actions)}):"


def flow() -> Flow:
    """Return the substitute's invite: start date, residents, agency, last day of access."""
    return Flow(
        entry_points=[CallbackQueryHandler(start_invite, pattern=r"^i:vikar:")],
        states={
            ASK_START: [
                MessageHandler(TEXT, take_start_typed),
                CallbackQueryHandler(take_start_pressed, pattern=_actions(START)),
            ],
            ASK_RESIDENTS: [
                CallbackQueryHandler(toggle_resident, pattern=_actions(RESIDENT)),
                CallbackQueryHandler(residents_chosen, pattern=_actions(NEXT)),
            ],
            ASK_AGENCY: [CallbackQueryHandler(take_agency, pattern=_actions(AGENCY))],
            ASK_END: [
                MessageHandler(TEXT, take_end_typed),
                CallbackQueryHandler(take_end_pressed, pattern=_actions(UNTIL)),
            ],
        },
    )


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return /tjekliste, /vikarer and their buttons."""
    return [
        CommandHandler("tjekliste", cmd_tjekliste),
        CommandHandler("vikarer", cmd_vikarer),
        CallbackQueryHandler(
            on_press,
            pattern=_actions(
                CHECKLIST,
                TICK,
                BRIEF,
                READ,
                OVERVIEW,
                SUBSTITUTE,
                CONFIRM,
                EXTEND,
                END,
                END_YES,
                TEMPLATE,
            ),
        ),
    ]
