"""The status cycle in the chat: /statusmoede NAVN (leaders plan, move, hold and cancel the
meeting) and /status NAVN (where the cycle stands, with `Udført` for the steps I tick off).

Every press goes back to the database through a use case: callback data only names what was
pressed, and a forged or stale button is refused or answered (already done by someone else),
never trusted. A typed date is the one guided step: the resident it is for lives in
UserData.goal_form under STATUS_RESIDENT, which every new flow clears.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import CustomContext
from bot.domain.dates import parse_danish_date
from bot.domain.errors import Conflict, NotAllowed, NotFound
from bot.domain.goals import format_date
from bot.handlers.callbacks import BadCallbackData, StatusPress
from bot.handlers.common import callback_message, day_label, handles_domain_errors, safe_edit, tell
from bot.handlers.flow import TEXT, Flow, flow_step, reset_flow_data
from bot.reminders.rules import STATUS_STEPS, STEPS_AFTER
from bot.services import status
from bot.services.plans import ResidentChoice, resolve_resident
from bot.services.status import (
    Closed,
    MeetingView,
    Scheduled,
    StatusOverview,
    StepView,
    TickResult,
    suggested_day,
)
from bot.texts import Markup, Texts

# StatusPress action codes (the dataclass is in bot.handlers.callbacks; its codes live here).
SHOW = "s"  # target: resident; /status of a resident chosen among candidates
PLAN = "p"  # target: resident; /statusmoede of a resident chosen among candidates
DATE = "d"  # target: resident, arg: the day's ordinal; plan the meeting, or move the planned one
TYPE_DATE = "w"  # target: resident; ask for a typed date (the guided step)
MOVE = "m"  # target: meeting; offer dates to move it to
HELD = "h"  # target: meeting; mark it held, then ask for the next date
CANCEL = "x"  # target: meeting; ask whether to cancel it
CONFIRM_CANCEL = "xy"  # target: meeting
KEEP = "k"  # target: resident; do not cancel, show the card again
TICK = "t"  # target: meeting, arg: the step's index in STATUS_STEPS
STATELESS_ACTIONS = (SHOW, PLAN, DATE, MOVE, HELD, CANCEL, CONFIRM_CANCEL, KEEP, TICK)

ASK_DATE = "status_ask_date"

PICKER_DAYS = 8  # the suggested day and the same weekday in the weeks around it
PICKER_WEEKS_BEFORE = 3
PICKER_WIDTH = 2
CANDIDATE_LIMIT = 10
LABEL_CHARS = 60

Step = Callable[[Update, CustomContext], Coroutine[Any, Any, object]]


# --- rendering --------------------------------------------------------------------------------


def _press(action: str, target: int, arg: int = 0) -> str:
    return StatusPress(action, target, arg).pack()


def _button(label: str, action: str, target: int, arg: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:LABEL_CHARS], callback_data=_press(action, target, arg))


def _step_name(tx: Texts, step: str) -> str:
    return tx.plain(f"status.step_{step}")


def picker_days(anchor: date, today: date, count: int = PICKER_DAYS) -> list[date]:
    """Return the days a date picker offers: the anchor's weekday around it, none before today."""
    days = [
        day
        for week in range(-PICKER_WEEKS_BEFORE, count - PICKER_WEEKS_BEFORE)
        if (day := anchor + timedelta(weeks=week)) >= today
    ]
    week = count - PICKER_WEEKS_BEFORE
    while len(days) < count:
        days.append(anchor + timedelta(weeks=week))
        week += 1
    return days


def picker_markup(tx: Texts, resident_id: int, anchor: date, today: date) -> InlineKeyboardMarkup:
    """Render the date picker: the suggested day (⭐), its weekday around it, "Skriv en dato"."""
    anchor = suggested_day(anchor, today)
    buttons = [
        _button(
            tx.plain(
                "status.btn_date_suggested" if day == anchor else "status.btn_date",
                day=day_label(tx, day),
            ),
            DATE,
            resident_id,
            day.toordinal(),
        )
        for day in picker_days(anchor, today)
    ]
    rows = [buttons[i : i + PICKER_WIDTH] for i in range(0, len(buttons), PICKER_WIDTH)]
    rows.append([_button(tx.plain("status.btn_type"), TYPE_DATE, resident_id)])
    return InlineKeyboardMarkup(rows)


def _step_line(tx: Texts, tz: ZoneInfo, view: StepView) -> Markup:
    name = _step_name(tx, view.step)
    if view.done_at is not None:
        local = view.done_at.astimezone(tz)
        return tx(
            "status.line_done",
            step=name,
            by=view.done_by or "?",
            date=format_date(local.date()),
            time=local.strftime("%H:%M"),
        )
    key = "status.line_overdue" if view.overdue else "status.line_open"
    return tx(key, step=name, due=format_date(view.due))


def _chain(tx: Texts, tz: ZoneInfo, meeting: MeetingView, steps: tuple[str, ...]) -> str:
    return "\n".join(_step_line(tx, tz, view) for view in meeting.steps if view.step in steps)


def _planned_block(tx: Texts, tz: ZoneInfo, meeting: MeetingView) -> str:
    """The planned meeting: its day and its whole chain, before and after."""
    header = tx("status.planned_header", day=day_label(tx, meeting.on))
    return f"{header}\n{_chain(tx, tz, meeting, STATUS_STEPS)}"


def _held_block(tx: Texts, tz: ZoneInfo, meeting: MeetingView) -> str:
    """The last held meeting: its day and the steps after it."""
    header = tx("status.last_header", day=day_label(tx, meeting.on), by=meeting.closed_by or "?")
    return f"{header}\n{_chain(tx, tz, meeting, STEPS_AFTER)}"


def _tick_buttons(tx: Texts, meeting: MeetingView | None) -> list[list[InlineKeyboardButton]]:
    if meeting is None:
        return []
    return [
        [
            _button(
                tx.plain("status.btn_tick", step=tx.plain(f"status.short_{view.step}")),
                TICK,
                meeting.id,
                STATUS_STEPS.index(view.step),
            )
        ]
        for view in meeting.steps
        if view.can_tick
    ]


def overview_message(
    tx: Texts, tz: ZoneInfo, overview: StatusOverview
) -> tuple[Markup, InlineKeyboardMarkup | None]:
    """Render /status: the planned meeting, the last held one, the milestones, and buttons."""
    parts = [str(tx("status.overview_title", name=overview.resident))]
    if overview.planned is not None:
        parts.append(_planned_block(tx, tz, overview.planned))
    else:
        none = tx("status.none_planned", due=format_date(overview.suggestion.due))
        if overview.can_plan:
            none = Markup(f"{none}\n{tx('status.plan_hint', name=overview.resident)}")
        parts.append(none)
    if overview.last_held is not None:
        parts.append(_held_block(tx, tz, overview.last_held))
    else:
        parts.append(tx("status.none_held"))
    lines = [
        tx(
            "status.milestone_line",
            kind=tx.plain(f"status.milestone_{kind}"),
            date=format_date(done_on) if done_on is not None else tx.plain("status.never"),
        )
        for kind, done_on in overview.milestones
    ]
    parts.append("\n".join([tx("status.milestones_header"), *lines]))
    rows = _tick_buttons(tx, overview.planned) + _tick_buttons(tx, overview.last_held)
    return Markup("\n\n".join(parts)), InlineKeyboardMarkup(rows) if rows else None


def _card_markup(tx: Texts, meeting: MeetingView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(tx.plain("status.btn_move"), MOVE, meeting.id),
                _button(tx.plain("status.btn_held"), HELD, meeting.id),
            ],
            [_button(tx.plain("status.btn_cancel"), CANCEL, meeting.id)],
        ]
    )


def plan_message(
    tx: Texts, tz: ZoneInfo, overview: StatusOverview
) -> tuple[Markup, InlineKeyboardMarkup]:
    """Render /statusmoede: the planned meeting with its buttons, or the date picker."""
    title = tx("status.plan_title", name=overview.resident)
    planned = overview.planned
    if planned is not None:
        text = Markup(f"{title}\n\n{_planned_block(tx, tz, planned)}")
        return text, _card_markup(tx, planned)
    suggestion = overview.suggestion
    last = (
        tx("status.last_line", date=format_date(suggestion.last_held))
        if suggestion.last_held is not None
        else tx("status.none_held")
    )
    text = Markup(
        f"{title}\n{last}\n{tx('status.none_planned', due=format_date(suggestion.due))}\n\n"
        f"{tx('status.ask_date')}"
    )
    return text, picker_markup(tx, overview.resident_id, suggestion.suggested, overview.today)


def _scheduled_text(tx: Texts, result: Scheduled, today: date) -> Markup:
    day = day_label(tx, result.on)
    if result.previous is None:
        text = tx("status.scheduled", day=day)
    elif result.previous == result.on:
        text = tx("status.unchanged", day=day)
    else:
        text = tx("status.moved", old=format_date(result.previous), day=day)
    if result.late_steps:
        steps = ", ".join(_step_name(tx, step) for step in result.late_steps)
        warning = tx("status.late_warning", days=(result.on - today).days, steps=steps)
        text = Markup(f"{text}\n{warning}")
    return text


def _ticked_answer(tx: Texts, tz: ZoneInfo, result: TickResult) -> tuple[str, bool]:
    """Return the answer to a tick and whether it is an alert (someone had ticked it)."""
    if not result.already:
        return tx.plain("status.ticked_toast", step=tx.plain(f"status.short_{result.step}")), False
    local = result.done_at.astimezone(tz)
    text = tx.plain(
        "status.already_ticked",
        by=result.done_by,
        date=format_date(local.date()),
        time=local.strftime("%H:%M"),
    )
    return text, True


# --- commands ---------------------------------------------------------------------------------


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None
    return message


async def _reply_candidates(
    message: Message, tx: Texts, choice: ResidentChoice, query: str, action: str
) -> None:
    if not choice.candidates:
        await message.reply_text(tx("status.no_resident", query=query))
        return
    markup = InlineKeyboardMarkup(
        [[_button(name, action, rid)] for rid, name in choice.candidates[:CANDIDATE_LIMIT]]
    )
    await message.reply_text(tx("status.which_resident"), reply_markup=markup)


async def _resolve(
    update: Update, context: CustomContext, usage_key: str, action: str
) -> int | None:
    """Return the resident the command names, or answer with usage or candidates."""
    message = _message(update)
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(context.tx(usage_key))
        return None
    choice = await context.read(resolve_resident, context.services.directory, context.me, query)
    if choice.resident_id is None:
        await _reply_candidates(message, context.tx, choice, query, action)
        return None
    return choice.resident_id


@handles_domain_errors
async def cmd_status(update: Update, context: CustomContext) -> None:
    """Show where a resident's status cycle stands: /status NAVN."""
    resident_id = await _resolve(update, context, "status.usage_status", SHOW)
    if resident_id is None:
        return
    s = context.services
    overview = await context.run(status.status_overview, s.clock, s.tz, context.me, resident_id)
    text, markup = overview_message(context.tx, s.tz, overview)
    await _message(update).reply_text(text, reply_markup=markup)


@handles_domain_errors
async def cmd_statusmoede(update: Update, context: CustomContext) -> None:
    """Plan a resident's status meeting, or show the planned one: /statusmoede NAVN."""
    if not context.me.role.is_leader:
        raise NotAllowed("status.not_leader")
    resident_id = await _resolve(update, context, "status.usage_plan", PLAN)
    if resident_id is None:
        return
    s = context.services
    overview = await context.run(status.meeting_plan, s.clock, s.tz, context.me, resident_id)
    text, markup = plan_message(context.tx, s.tz, overview)
    await _message(update).reply_text(text, reply_markup=markup)


# --- buttons ----------------------------------------------------------------------------------


def _parse(update: Update) -> StatusPress:
    query = update.callback_query
    assert query is not None
    return StatusPress.parse(query.data)


def _day_of(press: StatusPress) -> date:
    try:
        return date.fromordinal(press.arg)
    except (ValueError, OverflowError):
        raise BadCallbackData(f"no day {press.arg}") from None


def _step_of(press: StatusPress) -> str:
    if not 0 <= press.arg < len(STATUS_STEPS):
        raise BadCallbackData(f"no step {press.arg}")
    return STATUS_STEPS[press.arg]


async def _answer_and_edit(
    update: Update, text: str, markup: InlineKeyboardMarkup | None, answer: str | None = None
) -> None:
    query = update.callback_query
    assert query is not None
    await asyncio.gather(query.answer(answer), safe_edit(callback_message(update), text, markup))


async def _schedule(update: Update, context: CustomContext, resident_id: int, day: date) -> None:
    """Plan (or move) the meeting on a picked or typed day; show the result with the card."""
    s, tx, me = context.services, context.tx, context.me
    result = await context.run(status.schedule_meeting, s.clock, s.tz, me, resident_id, day)
    overview = await context.run(status.meeting_plan, s.clock, s.tz, me, resident_id)
    card, markup = plan_message(tx, s.tz, overview)
    text = Markup(f"{_scheduled_text(tx, result, overview.today)}\n\n{card}")
    if update.callback_query is not None:
        await _answer_and_edit(update, text, markup, tx.plain("status.scheduled_toast"))
    else:
        await _message(update).reply_text(text, reply_markup=markup)


def _closed_text(tx: Texts, closed: Closed) -> Markup:
    day = day_label(tx, closed.on)
    due = format_date(closed.next.due)
    if closed.status == "held":
        return tx("status.ask_next", name=closed.resident, day=day, due=due)
    return tx("status.cancelled", name=closed.resident, day=day, due=due)


@handles_domain_errors
async def on_status_press(update: Update, context: CustomContext) -> None:
    """Act on a /status or /statusmoede button, re-checking everything in the database."""
    press = _parse(update)
    s, tx, me = context.services, context.tx, context.me
    if press.action == SHOW:
        overview = await context.run(status.status_overview, s.clock, s.tz, me, press.target)
        await _answer_and_edit(update, *overview_message(tx, s.tz, overview))
    elif press.action in {PLAN, KEEP}:
        overview = await context.run(status.meeting_plan, s.clock, s.tz, me, press.target)
        await _answer_and_edit(update, *plan_message(tx, s.tz, overview))
    elif press.action == DATE:
        await _schedule(update, context, press.target, _day_of(press))
    elif press.action == MOVE:
        meeting = await context.run(status.planned_meeting, s.clock, s.tz, me, press.target)
        text = tx("status.ask_move", name=meeting.resident, day=day_label(tx, meeting.on))
        markup = picker_markup(tx, meeting.resident_id, meeting.on, context.today)
        await _answer_and_edit(update, Markup(f"{text}\n\n{tx('status.ask_date')}"), markup)
    elif press.action == HELD:
        closed = await context.run(status.mark_held, s.clock, s.tz, me, press.target)
        markup = picker_markup(tx, closed.resident_id, closed.next.suggested, context.today)
        await _answer_and_edit(
            update, _closed_text(tx, closed), markup, tx.plain("status.held_toast")
        )
    elif press.action == CANCEL:
        meeting = await context.run(status.planned_meeting, s.clock, s.tz, me, press.target)
        markup = InlineKeyboardMarkup(
            [
                [
                    _button(
                        tx.plain("status.btn_confirm_cancel"), CONFIRM_CANCEL, meeting.meeting_id
                    ),
                    _button(tx.plain("status.btn_keep"), KEEP, meeting.resident_id),
                ]
            ]
        )
        text = tx("status.confirm_cancel", name=meeting.resident, day=day_label(tx, meeting.on))
        await _answer_and_edit(update, text, markup)
    elif press.action == CONFIRM_CANCEL:
        closed = await context.run(status.cancel_meeting, s.clock, s.tz, me, press.target)
        markup = picker_markup(tx, closed.resident_id, closed.next.suggested, context.today)
        await _answer_and_edit(
            update, _closed_text(tx, closed), markup, tx.plain("status.cancelled_toast")
        )
    elif press.action == TICK:
        await _tick(update, context, press)
    else:
        raise BadCallbackData(press.action)


async def _tick(update: Update, context: CustomContext, press: StatusPress) -> None:
    s, tx = context.services, context.tx
    step = _step_of(press)
    result = await context.run(status.tick_step, s.clock, s.tz, context.me, press.target, step)
    answer, alert = _ticked_answer(tx, s.tz, result)
    overview = await context.run(
        status.status_overview, s.clock, s.tz, context.me, result.resident_id
    )
    text, markup = overview_message(tx, s.tz, overview)
    query = update.callback_query
    assert query is not None
    await asyncio.gather(
        query.answer(answer, show_alert=alert), safe_edit(callback_message(update), text, markup)
    )


# --- entered from elsewhere (a reminder's buttons) -------------------------------------------


def tick_text(tx: Texts, tz: ZoneInfo, result: TickResult) -> Markup:
    """Render a tick as a message: done now, or already done by whom and when."""
    step = _step_name(tx, result.step)
    if not result.already:
        return tx("status.ticked", step=step, name=result.resident)
    local = result.done_at.astimezone(tz)
    return tx(
        "status.already_ticked_for",
        step=step,
        name=result.resident,
        by=result.done_by,
        date=format_date(local.date()),
        time=local.strftime("%H:%M"),
    )


async def hold_meeting(update: Update, context: CustomContext, meeting_id: int) -> int:
    """Mark a meeting held from a button elsewhere, then ask (in a new message) for the next."""
    s, tx = context.services, context.tx
    closed = await context.run(status.mark_held, s.clock, s.tz, context.me, meeting_id)
    markup = picker_markup(tx, closed.resident_id, closed.next.suggested, context.today)
    if update.callback_query is not None:
        await update.callback_query.answer(tx.plain("status.held_toast"))
    await _message(update).reply_text(_closed_text(tx, closed), reply_markup=markup)
    return ConversationHandler.END


async def open_meeting_menu(update: Update, context: CustomContext, resident_id: int) -> int:
    """Show /statusmoede for a resident (in a new message) from a button elsewhere."""
    s = context.services
    overview = await context.run(status.meeting_plan, s.clock, s.tz, context.me, resident_id)
    text, markup = plan_message(context.tx, s.tz, overview)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _message(update).reply_text(text, reply_markup=markup)
    return ConversationHandler.END


# --- the typed date (a guided step) -----------------------------------------------------------


def status_step(fn: Step) -> Callable[[Update, CustomContext], Coroutine[Any, Any, Any]]:
    """Wrap the typed-date step: losing the right to plan (or the resident) ends the flow.

    A date that cannot be used keeps the step, so the leader simply types again.
    """

    @functools.wraps(fn)
    async def guarded(update: Update, context: CustomContext) -> object:
        try:
            return await fn(update, context)
        except (NotAllowed, NotFound, Conflict) as exc:
            reset_flow_data(context)
            await tell(update, context, context.tx.plain(exc.text_key, **exc.params))
            return ConversationHandler.END

    return flow_step(guarded)


@flow_step
async def ask_typed_date(update: Update, context: CustomContext) -> str:
    """Ask for the meeting's date typed (»Skriv en dato«), after checking the leader again."""
    press = _parse(update)
    s = context.services
    suggestion = await context.run(
        status.suggest_next_meeting, s.clock, s.tz, context.me, press.target
    )
    reset_flow_data(context)
    assert context.user_data is not None
    context.user_data.status_resident_id = suggestion.resident_id
    query = update.callback_query
    assert query is not None
    await query.answer()
    await callback_message(update).reply_text(
        context.tx("status.ask_typed", name=suggestion.resident)
    )
    return ASK_DATE


@status_step
async def take_typed_date(update: Update, context: CustomContext) -> int:
    """Plan (or move) the meeting on the typed day; a bad or past date is asked again."""
    message = _message(update)
    assert message.text is not None
    day = parse_danish_date(message.text, context.today)
    assert context.user_data is not None
    resident_id = context.user_data.status_resident_id
    if not resident_id:
        raise Conflict("error.button_expired")
    await _schedule(update, context, resident_id, day)
    reset_flow_data(context)
    return ConversationHandler.END


@status_step
async def take_picked_date(update: Update, context: CustomContext) -> int:
    """A date button pressed instead of typing: plan on that day and leave the step."""
    press = _parse(update)
    await _schedule(update, context, press.target, _day_of(press))
    reset_flow_data(context)
    return ConversationHandler.END


# --- registration -----------------------------------------------------------------------------


def _actions(*actions: str) -> str:
    return rf"^{StatusPress.PREFIX}:(?:{'|'.join(actions)}):"


def flow() -> Flow:
    """Return the typed date of a status meeting: the one guided step of this feature."""
    return Flow(
        entry_points=[CallbackQueryHandler(ask_typed_date, pattern=_actions(TYPE_DATE))],
        states={
            ASK_DATE: [
                MessageHandler(TEXT, take_typed_date),
                CallbackQueryHandler(take_picked_date, pattern=_actions(DATE)),
            ]
        },
    )


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return /status, /statusmoede and their buttons."""
    return [
        CommandHandler("status", cmd_status),
        CommandHandler("statusmoede", cmd_statusmoede),
        CallbackQueryHandler(on_status_press, pattern=_actions(*STATELESS_ACTIONS)),
    ]
