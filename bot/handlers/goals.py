"""The plan in the chat: /kontaktteam (leaders choose the team) and /maal (goals, sub-goals).

/maal NAVN shows the resident's active goals to everyone who may see the resident; owners
(kontaktteam and leaders) also get buttons that start the guided flows: a new goal, a new
sub-goal, editing one field, ending. The answers live in UserData.goal_form (strings only),
so a half-done flow stores nothing and survives a restart. Every press and every typed
answer re-checks ownership against the database; button data is never trusted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Sequence
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import CustomContext
from bot.domain.dates import parse_danish_date
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.goals import (
    EvaluationInterval,
    GoalSource,
    GoalType,
    IntervalUnit,
    MandatoryArea,
    ScoringFrequency,
    clean_rationale,
    clean_text,
    format_date,
    next_evaluation_date,
)
from bot.domain.notes import TELEGRAM_TEXT_LIMIT, shorten
from bot.handlers.callbacks import ContactTeamPress, GoalPress
from bot.handlers.common import (
    button_rows,
    callback_message,
    handles_domain_errors,
    safe_edit,
    tell,
)
from bot.handlers.flow import TEXT, Flow, flow_step, reset_flow_data
from bot.services import goals
from bot.services.goals import (
    GOAL_FIELDS,
    SUB_GOAL_FIELDS,
    ContactTeamView,
    FieldValue,
    GoalDraft,
    GoalView,
    PlanView,
    SubGoalDraft,
    SubGoalView,
)
from bot.services.plans import ResidentChoice, resolve_resident
from bot.texts import Markup, Texts

ASK_TEXT = "goal_ask_text"
ASK_RATIONALE = "goal_ask_rationale"
ASK_TYPE = "goal_ask_type"
ASK_SOURCE = "goal_ask_source"
ASK_CONTEXTS = "goal_ask_contexts"
ASK_AREA = "goal_ask_area"
ASK_START = "goal_ask_start"
ASK_END = "goal_ask_end"
ASK_INTERVAL = "goal_ask_interval"
ASK_CONFIRM = "goal_ask_confirm"
ASK_SUB_TEXT = "subgoal_ask_text"
ASK_SUB_RATIONALE = "subgoal_ask_rationale"
ASK_SUB_METHOD = "subgoal_ask_method"
ASK_SUB_FREQUENCY = "subgoal_ask_frequency"
ASK_SUB_CONFIRM = "subgoal_ask_confirm"
ASK_FIELD = "goal_ask_field"
ASK_VALUE = "goal_ask_value"
ASK_REASON = "goal_ask_reason"

# Flow modes (goal_form["mode"]) and what their subject id is.
NEW_GOAL, NEW_SUB, EDIT_GOAL, EDIT_SUB, END_GOAL, END_SUB = (
    "new_goal", "new_sub", "edit_goal", "edit_sub", "end_goal", "end_sub",
)  # fmt: skip

GOAL_TYPES = tuple(GoalType)
SOURCES = tuple(GoalSource)
AREAS: tuple[MandatoryArea | None, ...] = (*MandatoryArea, None)
FREQUENCIES = tuple(ScoringFrequency)
INTERVAL_BUTTON_MONTHS = (1, 2, 3)
REASON_KEYS = ("plans.btn_reason_reached", "plans.btn_reason_irrelevant")
REASON_OTHER = len(REASON_KEYS)  # the "Andet" button: the reason is typed
SKIP = "-"  # typed instead of a rationale

# Fields edited by typing; the rest are picked with buttons.
TYPED_FIELDS = {"text", "rationale", "method", "start_date", "end_date", "interval"}
DATE_FIELDS = {"start_date", "end_date"}
# The button family that answers each picked field.
FIELD_ACTIONS = {
    "goal_type": GoalPress.TYPE,
    "source": GoalPress.SOURCE,
    "mandatory_area": GoalPress.AREA,
    "scoring_frequency": GoalPress.FREQUENCY,
    "contexts": GoalPress.CONTEXT,
}

# Room on a plan message; one goal or sub-goal is never split over two messages.
PLAN_TEXT_LIMIT = TELEGRAM_TEXT_LIMIT
PLAN_MAX_BUTTONS = 90  # Telegram allows 100 buttons on a message
PLAN_GOAL_CHARS = 1500
PLAN_SUB_CHARS = 1000
SUMMARY_CHARS = 1200
SUB_SUMMARY_CHARS = 700
LABEL_CHARS = 60
CANDIDATE_LIMIT = 10

Step = Callable[[Update, CustomContext], Coroutine[Any, Any, object]]


# --- small helpers ----------------------------------------------------------------------------


def _press(action: str, target: int, arg: int = 0) -> str:
    return GoalPress(action, target, arg).pack()


def _button(label: str, action: str, target: int, arg: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:LABEL_CHARS], callback_data=_press(action, target, arg))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _form(context: CustomContext) -> dict[str, str]:
    assert context.user_data is not None
    return context.user_data.goal_form


def _subject(context: CustomContext) -> int:
    return int(_form(context).get("subject", "0"))


def _text_of(update: Update) -> str:
    message = update.effective_message
    assert message is not None and message.text is not None
    return message.text


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None
    return message


def _interval_text(tx: Texts, interval: EvaluationInterval) -> str:
    if interval.unit is IntervalUnit.MONTHS:
        key = "plans.interval_month" if interval.count == 1 else "plans.interval_months"
    else:
        key = "plans.interval_week" if interval.count == 1 else "plans.interval_weeks"
    return tx.plain(key, count=interval.count)


def _interval_of(raw: str) -> EvaluationInterval:
    count, unit = raw.split(" ", 1)
    return EvaluationInterval(int(count), IntervalUnit(unit))


def _area_text(tx: Texts, area: MandatoryArea | None) -> str:
    return tx.plain(f"plans.area_{area.value}") if area else tx.plain("plans.area_none")


def missing_mandatory_line(tx: Texts, missing: tuple[MandatoryArea, ...]) -> Markup:
    """Render the warning that a mandatory goal is missing (empty when none is)."""
    if not missing:
        return Markup("")
    areas = ", ".join(_area_text(tx, area) for area in missing)
    return tx("plans.missing_mandatory", areas=areas)


def _context_ids(raw: str) -> tuple[int, ...]:
    return tuple(int(part) for part in raw.split(",") if part)


def _day(raw: str) -> date:
    return date.fromisoformat(raw)


async def _close_buttons(update: Update) -> None:
    """Take the buttons off the question just answered, so it cannot be answered twice."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


def _check_target(update: Update, context: CustomContext) -> GoalPress:
    """Parse a press of the flow's buttons; one from another (older) question is refused."""
    query = update.callback_query
    assert query is not None
    press = GoalPress.parse(query.data)
    if press.target != _subject(context):
        raise InvalidInput("error.button_expired")
    return press


async def _recheck(context: CustomContext) -> None:
    """Check against the database that the person still owns what the flow works on."""
    mode, subject = _form(context).get("mode"), _subject(context)
    me = context.me
    if mode == NEW_GOAL:
        await context.read(goals.owned_plan, me, subject)
    elif mode in {NEW_SUB, EDIT_GOAL, END_GOAL}:
        await context.read(goals.owned_goal, me, subject)
    elif mode in {EDIT_SUB, END_SUB}:
        await context.read(goals.owned_sub_goal, me, subject)
    else:
        raise Conflict("error.button_expired")


def goal_step(fn: Step) -> Callable[[Update, CustomContext], Coroutine[Any, Any, Any]]:
    """Wrap a step inside a flow: losing access (or the goal ending meanwhile) ends the flow.

    A mistyped answer keeps the step, as in every flow; a refusal would only repeat itself.
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


# --- /maal: the plan ----------------------------------------------------------------------


def _goal_block(tx: Texts, number: int, goal: GoalView) -> Markup:
    area = (
        tx("plans.goal_area", area=_area_text(tx, goal.mandatory_area))
        if goal.mandatory_area
        else ""
    )
    next_evaluation = (
        tx("plans.goal_next", date=format_date(goal.next_evaluation_on))
        if goal.next_evaluation_on
        else ""
    )
    return tx(
        "plans.goal_block",
        number=number,
        text=shorten(goal.text, PLAN_GOAL_CHARS),
        type=tx.plain(f"plans.type_{goal.goal_type.value}"),
        source=tx.plain(f"plans.source_{goal.source.value}"),
        area=area,
        contexts=", ".join(c.label for c in goal.contexts) or "–",
        start=format_date(goal.start_date),
        end=format_date(goal.end_date),
        interval=_interval_text(tx, goal.interval),
        next=next_evaluation,
    )


def _sub_block(tx: Texts, number: str, sub: SubGoalView) -> Markup:
    return tx(
        "plans.sub_block",
        number=number,
        text=shorten(sub.text, PLAN_SUB_CHARS),
        method=shorten(sub.method, PLAN_SUB_CHARS) or "–",
        frequency=tx.plain(f"plans.frequency_{sub.scoring_frequency.value}"),
    )


def plan_messages(tx: Texts, plan: PlanView) -> list[tuple[Markup, InlineKeyboardMarkup | None]]:
    """Render a plan as one or more messages, each within Telegram's limits, with buttons."""
    header = tx("plans.plan_title", name=plan.resident.label)
    if plan.missing:
        header = Markup(header + "\n" + missing_mandatory_line(tx, plan.missing))
    if not plan.goals:
        header = Markup(header + "\n\n" + tx("plans.no_goals"))
    # Units: a goal or a sub-goal with its buttons; a message holds whole units only.
    units: list[tuple[str, Markup, list[list[InlineKeyboardButton]]]] = []
    for n, goal in enumerate(plan.goals, start=1):
        rows: list[list[InlineKeyboardButton]] = []
        if plan.can_edit:
            rows = [
                [
                    _button(tx.plain("plans.btn_edit_goal", number=n), GoalPress.EDIT, goal.id),
                    _button(tx.plain("plans.btn_end_goal", number=n), GoalPress.END, goal.id),
                ],
                [_button(tx.plain("plans.btn_new_sub", number=n), GoalPress.SUB, goal.id)],
            ]
        units.append(("\n\n", _goal_block(tx, n, goal), rows))
        for m, sub in enumerate(goal.sub_goals, start=1):
            number = f"{n}.{m}"
            sub_rows: list[list[InlineKeyboardButton]] = []
            if plan.can_edit:
                sub_rows = [
                    [
                        _button(
                            tx.plain("plans.btn_edit_sub", number=number),
                            GoalPress.EDIT_SUB,
                            sub.id,
                        ),
                        _button(
                            tx.plain("plans.btn_end_sub", number=number), GoalPress.END_SUB, sub.id
                        ),
                    ]
                ]
            units.append(("\n", _sub_block(tx, number, sub), sub_rows))
    messages: list[tuple[Markup, list[list[InlineKeyboardButton]]]] = []
    text, rows = str(header), []
    for separator, block, unit_rows in units:
        buttons = sum(len(r) for r in rows) + sum(len(r) for r in unit_rows)
        if _utf16(text + separator + block) > PLAN_TEXT_LIMIT or buttons > PLAN_MAX_BUTTONS:
            messages.append((Markup(text), rows))
            text, rows = str(block), []
        else:
            text += separator + block
        rows = rows + unit_rows
    messages.append((Markup(text), rows))
    if plan.can_edit:
        new = _button(tx.plain("plans.btn_new_goal"), GoalPress.NEW, plan.resident.id)
        messages[-1][1].append([new])
    return [(t, InlineKeyboardMarkup(r) if r else None) for t, r in messages]


async def send_plan(message: Message, context: CustomContext, resident_id: int) -> None:
    """Send the resident's plan (goals and sub-goals), as /maal shows it."""
    plan = await context.run(goals.show_plan, context.services.clock, context.me, resident_id)
    for text, markup in plan_messages(context.tx, plan):
        await message.reply_text(text, reply_markup=markup)


async def _reply_candidates(
    message: Message,
    tx: Texts,
    choice: ResidentChoice,
    query: str,
    pack: Callable[[int], str],
) -> None:
    if not choice.candidates:
        await message.reply_text(tx("plans.no_resident", query=query))
        return
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name[:LABEL_CHARS], callback_data=pack(rid))]
            for rid, name in choice.candidates[:CANDIDATE_LIMIT]
        ]
    )
    await message.reply_text(tx("plans.which_resident"), reply_markup=markup)


@handles_domain_errors
async def cmd_maal(update: Update, context: CustomContext) -> None:
    """Show a resident's goals and sub-goals: /maal NAVN."""
    message = _message(update)
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(context.tx("plans.maal_usage"))
        return
    choice = await context.read(resolve_resident, context.services.directory, context.me, query)
    if choice.resident_id is None:
        await _reply_candidates(
            message, context.tx, choice, query, lambda rid: _press(GoalPress.OPEN, rid)
        )
        return
    await send_plan(message, context, choice.resident_id)


@handles_domain_errors
async def on_open_plan(update: Update, context: CustomContext) -> None:
    """Show the plan of the resident chosen among candidates."""
    query = update.callback_query
    assert query is not None
    press = GoalPress.parse(query.data)
    message = callback_message(update)
    plan = await context.run(goals.show_plan, context.services.clock, context.me, press.target)
    await query.answer()
    for text, markup in plan_messages(context.tx, plan):
        await message.reply_text(text, reply_markup=markup)


# --- a new goal ---------------------------------------------------------------------------


def _pick_markup(
    tx: Texts, action: str, target: int, labels: Sequence[str], width: int = 1
) -> InlineKeyboardMarkup:
    buttons = [_button(label, action, target, i) for i, label in enumerate(labels)]
    return InlineKeyboardMarkup(
        [
            *button_rows(buttons, width),
            [_button(tx.plain("plans.btn_cancel"), GoalPress.CANCEL, target)],
        ]
    )


def _type_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    labels = [tx.plain(f"plans.type_{t.value}") for t in GOAL_TYPES]
    return _pick_markup(tx, GoalPress.TYPE, target, labels)


def _source_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    labels = [tx.plain(f"plans.source_{s.value}") for s in SOURCES]
    return _pick_markup(tx, GoalPress.SOURCE, target, labels, width=2)


def _area_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    labels = [
        tx.plain(f"plans.btn_area_{a.value}") if a else tx.plain("plans.btn_area_none")
        for a in AREAS
    ]
    return _pick_markup(tx, GoalPress.AREA, target, labels)


def _frequency_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    labels = [tx.plain(f"plans.frequency_{f.value}") for f in FREQUENCIES]
    return _pick_markup(tx, GoalPress.FREQUENCY, target, labels, width=2)


def _interval_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    buttons = [
        _button(tx.plain(f"plans.btn_interval_{months}"), GoalPress.INTERVAL, target, months)
        for months in INTERVAL_BUTTON_MONTHS
    ]
    return InlineKeyboardMarkup([buttons])


def _skip_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(tx.plain("plans.btn_skip"), GoalPress.SKIP, target)]])


def _today_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(tx.plain("plans.btn_today"), GoalPress.TODAY, target)]])


def _contexts_markup(
    tx: Texts, target: int, options: Sequence[goals.Option], chosen: set[int]
) -> InlineKeyboardMarkup:
    buttons = [
        _button(
            tx.plain("plans.chosen", label=o.label) if o.id in chosen else o.label,
            GoalPress.CONTEXT,
            target,
            o.id,
        )
        for o in options
    ]
    return InlineKeyboardMarkup(
        [
            *button_rows(buttons, 2),
            [
                _button(tx.plain("plans.btn_done"), GoalPress.DONE, target),
                _button(tx.plain("plans.btn_cancel"), GoalPress.CANCEL, target),
            ],
        ]
    )


def _confirm_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(tx.plain("plans.btn_save"), GoalPress.SAVE, target),
                _button(tx.plain("plans.btn_cancel"), GoalPress.CANCEL, target),
            ]
        ]
    )


@flow_step
async def start_new_goal(update: Update, context: CustomContext) -> str:
    """Start a new goal for a resident whose plan I own: ask for the goal text."""
    query = update.callback_query
    assert query is not None
    press = GoalPress.parse(query.data)
    resident = await context.read(goals.owned_plan, context.me, press.target)
    reset_flow_data(context)
    _form(context).update(mode=NEW_GOAL, subject=str(resident.id), resident=resident.label)
    await query.answer()
    await callback_message(update).reply_text(
        context.tx("plans.ask_goal_text", name=resident.label)
    )
    return ASK_TEXT


@goal_step
async def take_goal_text(update: Update, context: CustomContext) -> str:
    """Take the goal text, then ask for the rationale."""
    await _recheck(context)
    _form(context)["text"] = clean_text(_text_of(update))
    await _message(update).reply_text(
        context.tx("plans.ask_rationale"), reply_markup=_skip_markup(context.tx, _subject(context))
    )
    return ASK_RATIONALE


async def _take_rationale(update: Update, context: CustomContext) -> None:
    """Store the typed rationale ("-" for none) or the skip button's empty one."""
    if update.callback_query is not None:
        _check_target(update, context)
        rationale = ""
    else:
        typed = _text_of(update).strip()
        rationale = "" if typed == SKIP else clean_rationale(typed)
    await _recheck(context)
    _form(context)["rationale"] = rationale
    if update.callback_query is not None:
        await update.callback_query.answer()
        await _close_buttons(update)


@goal_step
async def take_goal_rationale(update: Update, context: CustomContext) -> str:
    """Take the rationale (or none), then ask for the goal type."""
    await _take_rationale(update, context)
    await _message(update).reply_text(
        context.tx("plans.ask_goal_type"), reply_markup=_type_markup(context.tx, _subject(context))
    )
    return ASK_TYPE


def _pick(press: GoalPress, options: Sequence[Any]) -> Any:
    if not 0 <= press.arg < len(options):
        raise InvalidInput("error.bad_button")
    return options[press.arg]


@goal_step
async def take_goal_type(update: Update, context: CustomContext) -> str:
    """Take the goal type from its button, then ask where the goal comes from."""
    press = _check_target(update, context)
    goal_type: GoalType = _pick(press, GOAL_TYPES)
    await _recheck(context)
    _form(context)["goal_type"] = goal_type.value
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _close_buttons(update)
    await _message(update).reply_text(
        context.tx("plans.ask_source"), reply_markup=_source_markup(context.tx, press.target)
    )
    return ASK_SOURCE


async def _ask_contexts(update: Update, context: CustomContext, resident_id: int) -> None:
    options = await context.read(goals.context_options, context.me, resident_id)
    chosen = set(_context_ids(_form(context).get("contexts", "")))
    await _message(update).reply_text(
        context.tx("plans.ask_contexts"),
        reply_markup=_contexts_markup(context.tx, _subject(context), options, chosen),
    )


@goal_step
async def take_goal_source(update: Update, context: CustomContext) -> str:
    """Take the source (Kommunen/Tilbuddet), then ask for the plan contexts."""
    press = _check_target(update, context)
    source: GoalSource = _pick(press, SOURCES)
    await _recheck(context)
    form = _form(context)
    form["source"] = source.value
    form["contexts"] = ""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _close_buttons(update)
    await _ask_contexts(update, context, int(form["subject"]))
    return ASK_CONTEXTS


def _resident_of_flow(context: CustomContext) -> int:
    """The resident whose plan contexts the flow picks (new goal: the subject)."""
    form = _form(context)
    return int(form.get("resident_id") or form["subject"])


async def _toggle_context(update: Update, context: CustomContext) -> None:
    """Switch one plan context on or off and redraw the buttons in place."""
    press = _check_target(update, context)
    options = await context.read(goals.context_options, context.me, _resident_of_flow(context))
    if press.arg not in {o.id for o in options}:
        raise InvalidInput("error.bad_button")
    form = _form(context)
    chosen = set(_context_ids(form.get("contexts", "")))
    chosen ^= {press.arg}
    form["contexts"] = ",".join(str(i) for i in sorted(chosen))
    query = update.callback_query
    assert query is not None
    await query.answer()
    try:
        await callback_message(update).edit_reply_markup(
            reply_markup=_contexts_markup(context.tx, press.target, options, chosen)
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


@goal_step
async def toggle_goal_context(update: Update, context: CustomContext) -> None:
    """Choose or unchoose a plan context; the step stays until Færdig."""
    await _toggle_context(update, context)


def _chosen_contexts(context: CustomContext) -> tuple[int, ...]:
    chosen = _context_ids(_form(context).get("contexts", ""))
    if not chosen:
        raise InvalidInput("plans.contexts_empty")
    return chosen


@goal_step
async def take_goal_contexts(update: Update, context: CustomContext) -> str:
    """Finish the plan contexts (at least one), then ask for the mandatory area."""
    press = _check_target(update, context)
    _chosen_contexts(context)
    await _recheck(context)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _close_buttons(update)
    await _message(update).reply_text(
        context.tx("plans.ask_area"), reply_markup=_area_markup(context.tx, press.target)
    )
    return ASK_AREA


@goal_step
async def take_goal_area(update: Update, context: CustomContext) -> str:
    """Take the mandatory area (or none), then ask for the start date."""
    press = _check_target(update, context)
    area: MandatoryArea | None = _pick(press, AREAS)
    await _recheck(context)
    _form(context)["area"] = area.value if area else ""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _close_buttons(update)
    await _message(update).reply_text(
        context.tx("plans.ask_start"), reply_markup=_today_markup(context.tx, press.target)
    )
    return ASK_START


def _typed_or_today(update: Update, context: CustomContext) -> date:
    if update.callback_query is not None:
        _check_target(update, context)
        return context.today
    return parse_danish_date(_text_of(update), context.today)


@goal_step
async def take_goal_start(update: Update, context: CustomContext) -> str:
    """Take the start date (typed, or today from the button), then ask for the end date."""
    start = _typed_or_today(update, context)
    await _recheck(context)
    _form(context)["start"] = start.isoformat()
    if update.callback_query is not None:
        await update.callback_query.answer()
        await _close_buttons(update)
    await _message(update).reply_text(context.tx("plans.ask_end", start=format_date(start)))
    return ASK_END


@goal_step
async def take_goal_end(update: Update, context: CustomContext) -> str:
    """Take the end date (after the start, not past), then ask for the evaluation interval."""
    form = _form(context)
    end = parse_danish_date(_text_of(update), context.today)
    goals.check_dates(_day(form["start"]), end, context.today)
    await _recheck(context)
    form["end"] = end.isoformat()
    await _message(update).reply_text(
        context.tx("plans.ask_interval"),
        reply_markup=_interval_markup(context.tx, _subject(context)),
    )
    return ASK_INTERVAL


def _typed_or_pressed_interval(update: Update, context: CustomContext) -> EvaluationInterval:
    if update.callback_query is not None:
        press = _check_target(update, context)
        if press.arg not in INTERVAL_BUTTON_MONTHS:
            raise InvalidInput("error.bad_button")
        return EvaluationInterval(press.arg, IntervalUnit.MONTHS)
    return EvaluationInterval.parse(_text_of(update))


def _goal_draft(form: dict[str, str]) -> GoalDraft:
    return GoalDraft(
        text=form["text"],
        rationale=form["rationale"],
        goal_type=GoalType(form["goal_type"]),
        source=GoalSource(form["source"]),
        context_ids=_context_ids(form["contexts"]),
        mandatory_area=MandatoryArea(form["area"]) if form["area"] else None,
        start_date=_day(form["start"]),
        end_date=_day(form["end"]),
        interval=_interval_of(form["interval"]),
    )


@goal_step
async def take_goal_interval(update: Update, context: CustomContext) -> str:
    """Take the evaluation interval (at most 3 months), then show the summary to save."""
    interval = _typed_or_pressed_interval(update, context)
    await _recheck(context)
    form = _form(context)
    form["interval"] = f"{interval.count} {interval.unit.value}"
    if update.callback_query is not None:
        await update.callback_query.answer()
        await _close_buttons(update)
    draft = _goal_draft(form)
    tx = context.tx
    options = await context.read(goals.context_options, context.me, _subject(context))
    names = {o.id: o.label for o in options}
    await _message(update).reply_text(
        tx(
            "plans.confirm_goal",
            name=form["resident"],
            text=shorten(draft.text, SUMMARY_CHARS),
            rationale=shorten(draft.rationale, SUMMARY_CHARS) or "–",
            type=tx.plain(f"plans.type_{draft.goal_type.value}"),
            source=tx.plain(f"plans.source_{draft.source.value}"),
            contexts=", ".join(names.get(i, "?") for i in draft.context_ids),
            area=_area_text(tx, draft.mandatory_area),
            start=format_date(draft.start_date),
            end=format_date(draft.end_date),
            interval=_interval_text(tx, interval),
            next=format_date(next_evaluation_date(draft.start_date, interval)),
        ),
        reply_markup=_confirm_markup(tx, _subject(context)),
    )
    return ASK_CONFIRM


async def _cancelled(update: Update, context: CustomContext) -> int:
    """Drop the form after the Annullér button; nothing is stored."""
    reset_flow_data(context)
    query = update.callback_query
    assert query is not None
    await query.answer()
    await safe_edit(callback_message(update), context.tx("common.cancelled"))
    return ConversationHandler.END


@goal_step
async def take_goal_confirm(update: Update, context: CustomContext) -> int:
    """Save the new goal with its contexts in one go, or drop the form."""
    press = _check_target(update, context)
    if press.action == GoalPress.CANCEL:
        return await _cancelled(update, context)
    form = _form(context)
    resident_id, resident = int(form["subject"]), form["resident"]
    goal = await context.run(
        goals.create_goal,
        context.services.clock,
        context.me,
        resident_id,
        _goal_draft(form),
        today=context.today,
    )
    reset_flow_data(context)
    assert update.callback_query is not None
    await update.callback_query.answer()
    next_evaluation = format_date(goal.next_evaluation_on) if goal.next_evaluation_on else "–"
    message = callback_message(update)
    await safe_edit(message, context.tx("plans.goal_saved", name=resident, next=next_evaluation))
    await send_plan(message, context, resident_id)
    return ConversationHandler.END


# --- a new sub-goal -----------------------------------------------------------------------


@flow_step
async def start_new_sub_goal(update: Update, context: CustomContext) -> str:
    """Start a new sub-goal of an active goal I own: ask for its text."""
    query = update.callback_query
    assert query is not None
    press = GoalPress.parse(query.data)
    goal = await context.read(goals.owned_goal, context.me, press.target)
    reset_flow_data(context)
    _form(context).update(mode=NEW_SUB, subject=str(goal.id), resident_id=str(goal.resident_id))
    await query.answer()
    await callback_message(update).reply_text(
        context.tx("plans.ask_sub_text", goal=shorten(goal.text, SUMMARY_CHARS))
    )
    return ASK_SUB_TEXT


@goal_step
async def take_sub_text(update: Update, context: CustomContext) -> str:
    """Take the sub-goal text, then ask for its rationale."""
    await _recheck(context)
    _form(context)["text"] = clean_text(_text_of(update))
    await _message(update).reply_text(
        context.tx("plans.ask_rationale"), reply_markup=_skip_markup(context.tx, _subject(context))
    )
    return ASK_SUB_RATIONALE


@goal_step
async def take_sub_rationale(update: Update, context: CustomContext) -> str:
    """Take the rationale (or none), then ask for the method."""
    await _take_rationale(update, context)
    await _message(update).reply_text(context.tx("plans.ask_method"))
    return ASK_SUB_METHOD


@goal_step
async def take_sub_method(update: Update, context: CustomContext) -> str:
    """Take the method (fremgangsmåde og metode), then ask how often it is scored."""
    method = goals.clean_method(_text_of(update))
    await _recheck(context)
    _form(context)["method"] = method
    await _message(update).reply_text(
        context.tx("plans.ask_frequency"),
        reply_markup=_frequency_markup(context.tx, _subject(context)),
    )
    return ASK_SUB_FREQUENCY


@goal_step
async def take_sub_frequency(update: Update, context: CustomContext) -> str:
    """Take the scoring frequency, then show the summary to save."""
    press = _check_target(update, context)
    frequency: ScoringFrequency = _pick(press, FREQUENCIES)
    goal = await context.read(goals.owned_goal, context.me, _subject(context))
    form = _form(context)
    form["frequency"] = frequency.value
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _close_buttons(update)
    tx = context.tx
    await _message(update).reply_text(
        tx(
            "plans.confirm_sub",
            goal=shorten(goal.text, SUB_SUMMARY_CHARS),
            text=shorten(form["text"], SUB_SUMMARY_CHARS),
            rationale=shorten(form["rationale"], SUB_SUMMARY_CHARS) or "–",
            method=shorten(form["method"], SUB_SUMMARY_CHARS),
            frequency=tx.plain(f"plans.frequency_{frequency.value}"),
            next=format_date(next_evaluation_date(context.today, goal.interval)),
        ),
        reply_markup=_confirm_markup(tx, press.target),
    )
    return ASK_SUB_CONFIRM


@goal_step
async def take_sub_confirm(update: Update, context: CustomContext) -> int:
    """Save the new sub-goal, or drop the form."""
    press = _check_target(update, context)
    if press.action == GoalPress.CANCEL:
        return await _cancelled(update, context)
    form = _form(context)
    draft = SubGoalDraft(
        text=form["text"],
        rationale=form["rationale"],
        method=form["method"],
        scoring_frequency=ScoringFrequency(form["frequency"]),
    )
    resident_id = int(form["resident_id"])
    sub = await context.run(
        goals.create_sub_goal,
        context.services.clock,
        context.me,
        press.target,
        draft,
        today=context.today,
    )
    reset_flow_data(context)
    assert update.callback_query is not None
    await update.callback_query.answer()
    next_evaluation = format_date(sub.next_evaluation_on) if sub.next_evaluation_on else "–"
    message = callback_message(update)
    await safe_edit(message, context.tx("plans.sub_saved", next=next_evaluation))
    await send_plan(message, context, resident_id)
    return ConversationHandler.END


# --- editing one field --------------------------------------------------------------------


def _fields(form: dict[str, str]) -> tuple[str, ...]:
    return GOAL_FIELDS if form.get("mode") == EDIT_GOAL else SUB_GOAL_FIELDS


def _field_label(tx: Texts, mode: str, field: str) -> str:
    if mode == EDIT_GOAL:
        return tx.plain(f"plans.goal_field_{field}")
    return tx.plain(f"plans.sub_field_{field}")


def _field_markup(tx: Texts, mode: str, target: int) -> InlineKeyboardMarkup:
    fields = GOAL_FIELDS if mode == EDIT_GOAL else SUB_GOAL_FIELDS
    return _pick_markup(
        tx, GoalPress.FIELD, target, [_field_label(tx, mode, f) for f in fields], width=2
    )


async def _open_form(
    update: Update, context: CustomContext, mode: str, *, sub_goal: bool
) -> tuple[GoalView, SubGoalView | None]:
    """Start an edit or end form on the pressed goal or sub-goal, which I must own."""
    query = update.callback_query
    assert query is not None
    press = GoalPress.parse(query.data)
    sub = await context.read(goals.owned_sub_goal, context.me, press.target) if sub_goal else None
    goal_id = sub.goal_id if sub is not None else press.target
    goal = await context.read(goals.owned_goal, context.me, goal_id)
    reset_flow_data(context)
    subject = sub.id if sub is not None else goal.id
    _form(context).update(mode=mode, subject=str(subject), resident_id=str(goal.resident_id))
    await query.answer()
    return goal, sub


@flow_step
async def start_edit_goal(update: Update, context: CustomContext) -> str:
    """Start editing a goal I own: ask which field."""
    goal, _ = await _open_form(update, context, EDIT_GOAL, sub_goal=False)
    await callback_message(update).reply_text(
        context.tx("plans.ask_field_goal", text=shorten(goal.text, SUMMARY_CHARS)),
        reply_markup=_field_markup(context.tx, EDIT_GOAL, goal.id),
    )
    return ASK_FIELD


@flow_step
async def start_edit_sub_goal(update: Update, context: CustomContext) -> str:
    """Start editing a sub-goal I own: ask which field."""
    _, sub = await _open_form(update, context, EDIT_SUB, sub_goal=True)
    assert sub is not None
    await callback_message(update).reply_text(
        context.tx("plans.ask_field_sub", text=shorten(sub.text, SUMMARY_CHARS)),
        reply_markup=_field_markup(context.tx, EDIT_SUB, sub.id),
    )
    return ASK_FIELD


def _current_value(tx: Texts, field: str, goal: GoalView | None, sub: SubGoalView | None) -> str:
    """The value a field has now, as the person reads it."""
    if sub is not None:
        if field == "scoring_frequency":
            return tx.plain(f"plans.frequency_{sub.scoring_frequency.value}")
        value: str = getattr(sub, field)
        return value
    assert goal is not None
    shown: dict[str, str] = {
        "text": goal.text,
        "rationale": goal.rationale,
        "goal_type": tx.plain(f"plans.type_{goal.goal_type.value}"),
        "source": tx.plain(f"plans.source_{goal.source.value}"),
        "contexts": ", ".join(c.label for c in goal.contexts),
        "mandatory_area": _area_text(tx, goal.mandatory_area),
        "start_date": format_date(goal.start_date),
        "end_date": format_date(goal.end_date),
        "interval": _interval_text(tx, goal.interval),
    }
    return shown[field]


@goal_step
async def take_field(update: Update, context: CustomContext) -> str:
    """Take the field to edit, then ask for its new value (typed or picked)."""
    press = _check_target(update, context)
    form = _form(context)
    mode = form["mode"]
    field: str = _pick(press, _fields(form))
    goal: GoalView | None = None
    sub: SubGoalView | None = None
    if mode == EDIT_GOAL:
        goal = await context.read(goals.owned_goal, context.me, press.target)
    else:
        sub = await context.read(goals.owned_sub_goal, context.me, press.target)
    form["field"] = field
    tx = context.tx
    label = _field_label(tx, mode, field)
    current = _current_value(tx, field, goal, sub) or "–"
    markup: InlineKeyboardMarkup | None = None
    if field == "contexts":
        assert goal is not None
        form["contexts"] = ",".join(str(c.id) for c in goal.contexts)
        options = await context.read(goals.context_options, context.me, goal.resident_id)
        markup = _contexts_markup(tx, press.target, options, {c.id for c in goal.contexts})
        text = tx("plans.ask_value_contexts", field=label)
    elif field in TYPED_FIELDS:
        hint = {
            "rationale": "plans.hint_rationale",
            "start_date": "plans.hint_date",
            "end_date": "plans.hint_date",
            "interval": "plans.hint_interval",
        }.get(field, "plans.hint_text")
        text = tx("plans.ask_value", field=label, current=current, hint=tx(hint))
        if field == "rationale":
            markup = _skip_markup(tx, press.target)
        elif field == "start_date":
            markup = _today_markup(tx, press.target)
        elif field == "interval":
            markup = _interval_markup(tx, press.target)
    else:
        text = tx("plans.ask_value_pick", field=label, current=current)
        markup = {
            "goal_type": _type_markup,
            "source": _source_markup,
            "mandatory_area": _area_markup,
            "scoring_frequency": _frequency_markup,
        }[field](tx, press.target)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _close_buttons(update)
    await _message(update).reply_text(text, reply_markup=markup)
    return ASK_VALUE


def _typed_value(update: Update, context: CustomContext, field: str) -> FieldValue:
    """Read a typed (or one-tap) new value of a field."""
    query = update.callback_query
    if field == "interval":
        return _typed_or_pressed_interval(update, context)
    if field == "start_date":
        return _typed_or_today(update, context)
    if field == "end_date":
        if query is not None:
            raise InvalidInput("error.button_expired")
        return parse_danish_date(_text_of(update), context.today)
    if field == "rationale":
        if query is not None:
            _check_target(update, context)
            return ""
        typed = _text_of(update).strip()
        return "" if typed == SKIP else typed
    if query is not None:
        raise InvalidInput("error.button_expired")
    return _text_of(update)


def _picked_value(press: GoalPress, field: str) -> FieldValue:
    """Read a picked new value of a field from its button."""
    if press.action != FIELD_ACTIONS.get(field):
        raise InvalidInput("error.button_expired")
    if field == "goal_type":
        return str(_pick(press, GOAL_TYPES).value)
    if field == "source":
        return str(_pick(press, SOURCES).value)
    if field == "scoring_frequency":
        return str(_pick(press, FREQUENCIES).value)
    area: MandatoryArea | None = _pick(press, AREAS)
    return area.value if area else None


async def _save_field(update: Update, context: CustomContext, value: FieldValue) -> int:
    form = _form(context)
    mode, field, subject = form["mode"], form["field"], _subject(context)
    resident_id = int(form["resident_id"])
    tx = context.tx
    label = _field_label(tx, mode, field)
    if mode == EDIT_GOAL:
        _, changed = await context.run(
            goals.edit_goal,
            context.services.clock,
            context.me,
            subject,
            field,
            value,
            today=context.today,
        )
        done = "plans.goal_edited"
    else:
        _, changed = await context.run(
            goals.edit_sub_goal, context.services.clock, context.me, subject, field, value
        )
        done = "plans.sub_edited"
    reset_flow_data(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await _close_buttons(update)
    message = _message(update)
    await message.reply_text(tx(done, field=label) if changed else tx("plans.unchanged"))
    await send_plan(message, context, resident_id)
    return ConversationHandler.END


@goal_step
async def take_value_text(update: Update, context: CustomContext) -> int | None:
    """Save a typed new value of the field being edited."""
    field = _form(context).get("field", "")
    if field not in TYPED_FIELDS:
        await _message(update).reply_text(context.tx("plans.use_buttons"))
        return None
    value = _typed_value(update, context, field)
    if field in DATE_FIELDS:
        assert isinstance(value, date)
        # Checked here too, so a bad date is told before any database work.
        goal = await context.read(goals.owned_goal, context.me, _subject(context))
        start = value if field == "start_date" else goal.start_date
        end = value if field == "end_date" else goal.end_date
        goals.check_dates(start, end, context.today if field == "end_date" else None)
    return await _save_field(update, context, value)


@goal_step
async def take_value_press(update: Update, context: CustomContext) -> int | None:
    """Save a picked new value, or toggle a plan context until Færdig."""
    press = _check_target(update, context)
    form = _form(context)
    field = form.get("field", "")
    if press.action == GoalPress.CANCEL:
        return await _cancelled(update, context)
    if field == "contexts":
        if press.action == GoalPress.CONTEXT:
            await _toggle_context(update, context)
            return None
        if press.action != GoalPress.DONE:
            raise InvalidInput("error.button_expired")
        return await _save_field(update, context, _chosen_contexts(context))
    if field in TYPED_FIELDS:
        return await _save_field(update, context, _typed_value(update, context, field))
    return await _save_field(update, context, _picked_value(press, field))


# --- ending -------------------------------------------------------------------------------


def _reason_markup(tx: Texts, target: int) -> InlineKeyboardMarkup:
    labels = [*(tx.plain(key) for key in REASON_KEYS), tx.plain("plans.btn_reason_other")]
    return _pick_markup(tx, GoalPress.REASON, target, labels)


@flow_step
async def start_end_goal(update: Update, context: CustomContext) -> str:
    """Ask why a goal I own ends (its active sub-goals end with it)."""
    goal, _ = await _open_form(update, context, END_GOAL, sub_goal=False)
    tx = context.tx
    await callback_message(update).reply_text(
        tx(
            "plans.ask_end_goal",
            text=shorten(goal.text, SUMMARY_CHARS),
            subs=tx("plans.end_goal_subs", count=len(goal.sub_goals)) if goal.sub_goals else "",
        ),
        reply_markup=_reason_markup(tx, goal.id),
    )
    return ASK_REASON


@flow_step
async def start_end_sub_goal(update: Update, context: CustomContext) -> str:
    """Ask why a sub-goal I own ends."""
    _, sub = await _open_form(update, context, END_SUB, sub_goal=True)
    assert sub is not None
    await callback_message(update).reply_text(
        context.tx("plans.ask_end_sub", text=shorten(sub.text, SUMMARY_CHARS)),
        reply_markup=_reason_markup(context.tx, sub.id),
    )
    return ASK_REASON


async def _end(update: Update, context: CustomContext, reason: str) -> int:
    form = _form(context)
    subject, resident_id = _subject(context), int(form["resident_id"])
    tx = context.tx
    if form["mode"] == END_GOAL:
        goal, ended_subs = await context.run(
            goals.end_goal,
            context.services.clock,
            context.me,
            subject,
            reason,
            today=context.today,
        )
        text = tx("plans.goal_ended_done", reason=goal.end_reason or reason, count=ended_subs)
    else:
        sub = await context.run(
            goals.end_sub_goal,
            context.services.clock,
            context.me,
            subject,
            reason,
            today=context.today,
        )
        text = tx("plans.sub_ended_done", reason=sub.end_reason or reason)
    reset_flow_data(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await _close_buttons(update)
    message = _message(update)
    await message.reply_text(text)
    await send_plan(message, context, resident_id)
    return ConversationHandler.END


@goal_step
async def take_reason_press(update: Update, context: CustomContext) -> int | None:
    """End with the reason on the button; »Andet« asks for it typed."""
    press = _check_target(update, context)
    if press.action == GoalPress.CANCEL:
        return await _cancelled(update, context)
    if press.arg == REASON_OTHER:
        await _recheck(context)
        assert update.callback_query is not None
        await update.callback_query.answer()
        await _close_buttons(update)
        await _message(update).reply_text(context.tx("plans.ask_reason_text"))
        return None
    key: str = _pick(press, REASON_KEYS)
    return await _end(update, context, context.tx.plain(key))


@goal_step
async def take_reason_text(update: Update, context: CustomContext) -> int:
    """End with the typed reason."""
    reason = goals.clean_end_reason(_text_of(update))
    return await _end(update, context, reason)


# --- buttons where typing does not help ---------------------------------------------------


@flow_step
async def use_the_buttons(update: Update, context: CustomContext) -> None:
    """Typed text where a button is expected: say so (it must not become a quick note)."""
    await _message(update).reply_text(context.tx("plans.use_buttons"))


@goal_step
async def take_cancel(update: Update, context: CustomContext) -> int:
    """The Annullér button of a question: leave the flow, nothing stored."""
    _check_target(update, context)
    return await _cancelled(update, context)


# --- /kontaktteam -------------------------------------------------------------------------


def team_message(tx: Texts, view: ContactTeamView) -> tuple[Markup, InlineKeyboardMarkup | None]:
    """Render the kontaktteam card: members, and the department's staff as toggle buttons."""
    members = [m.name for m in view.members if m.on_team]
    status = (
        tx("plans.team_members", names=", ".join(members)) if members else tx("plans.team_empty")
    )
    if not view.members:
        return tx("plans.team_no_staff", name=view.resident.label, status=status), None
    buttons = [
        InlineKeyboardButton(
            tx.plain("plans.chosen", label=m.name[:LABEL_CHARS]) if m.on_team else m.name,
            callback_data=ContactTeamPress(
                ContactTeamPress.REMOVE if m.on_team else ContactTeamPress.ADD,
                view.resident.id,
                m.id,
            ).pack(),
        )
        for m in view.members
    ]
    text = tx("plans.team_title", name=view.resident.label, status=status)
    return text, InlineKeyboardMarkup(button_rows(buttons, 2))


def _require_leader(context: CustomContext) -> None:
    if not context.me.role.is_leader:
        raise NotAllowed("plans.not_leader")


@handles_domain_errors
async def cmd_kontaktteam(update: Update, context: CustomContext) -> None:
    """Show a resident's kontaktteam to a leader, with the department's staff to pick."""
    _require_leader(context)
    message = _message(update)
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(context.tx("plans.kontaktteam_usage"))
        return
    choice = await context.read(resolve_resident, context.services.directory, context.me, query)
    if choice.resident_id is None:
        await _reply_candidates(
            message,
            context.tx,
            choice,
            query,
            lambda rid: ContactTeamPress(ContactTeamPress.SHOW, rid).pack(),
        )
        return
    view = await context.read(
        goals.contact_team, context.me, choice.resident_id, today=context.today
    )
    text, markup = team_message(context.tx, view)
    await message.reply_text(text, reply_markup=markup)


@handles_domain_errors
async def on_contact_team_press(update: Update, context: CustomContext) -> None:
    """Show the team of a chosen resident, or add or remove one person (re-checked)."""
    query = update.callback_query
    assert query is not None
    press = ContactTeamPress.parse(query.data)
    message = callback_message(update)
    tx = context.tx
    if press.action == ContactTeamPress.SHOW:
        view = await context.read(
            goals.contact_team, context.me, press.resident_id, today=context.today
        )
        answer = ""
    elif press.action in {ContactTeamPress.ADD, ContactTeamPress.REMOVE}:
        adding = press.action == ContactTeamPress.ADD
        view, name, changed = await context.run(
            goals.change_contact_team,
            context.services.clock,
            context.me,
            press.resident_id,
            press.staff_id,
            "add" if adding else "remove",
            today=context.today,
        )
        answer = ""
        if changed:
            answer = tx.plain("plans.team_added" if adding else "plans.team_removed", name=name)
    else:
        await query.answer(tx.plain("error.button_expired"), show_alert=True)
        return
    await query.answer(answer or None)
    text, markup = team_message(tx, view)
    await safe_edit(message, text, markup)


# --- registration -------------------------------------------------------------------------


def _actions(*actions: str) -> str:
    return rf"^{GoalPress.PREFIX}:(?:{'|'.join(actions)}):"


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the stateless plan handlers: /maal, /kontaktteam and their buttons."""
    return [
        CommandHandler("maal", cmd_maal),
        CommandHandler("kontaktteam", cmd_kontaktteam),
        CallbackQueryHandler(on_open_plan, pattern=_actions(GoalPress.OPEN)),
        CallbackQueryHandler(on_contact_team_press, pattern=ContactTeamPress.pattern()),
    ]


def flow() -> Flow:
    """Return the plan flows: new goal, new sub-goal, edit a field, end."""
    press = GoalPress
    buttons_only: BaseHandler[Update, CustomContext, object] = MessageHandler(TEXT, use_the_buttons)
    cancel: BaseHandler[Update, CustomContext, object] = CallbackQueryHandler(
        take_cancel, pattern=_actions(press.CANCEL)
    )
    return Flow(
        entry_points=[
            CallbackQueryHandler(start_new_goal, pattern=_actions(press.NEW)),
            CallbackQueryHandler(start_new_sub_goal, pattern=_actions(press.SUB)),
            CallbackQueryHandler(start_edit_goal, pattern=_actions(press.EDIT)),
            CallbackQueryHandler(start_edit_sub_goal, pattern=_actions(press.EDIT_SUB)),
            CallbackQueryHandler(start_end_goal, pattern=_actions(press.END)),
            CallbackQueryHandler(start_end_sub_goal, pattern=_actions(press.END_SUB)),
        ],
        states={
            ASK_TEXT: [MessageHandler(TEXT, take_goal_text)],
            ASK_RATIONALE: [
                MessageHandler(TEXT, take_goal_rationale),
                CallbackQueryHandler(take_goal_rationale, pattern=_actions(press.SKIP)),
            ],
            ASK_TYPE: [
                CallbackQueryHandler(take_goal_type, pattern=_actions(press.TYPE)),
                cancel,
                buttons_only,
            ],
            ASK_SOURCE: [
                CallbackQueryHandler(take_goal_source, pattern=_actions(press.SOURCE)),
                cancel,
                buttons_only,
            ],
            ASK_CONTEXTS: [
                CallbackQueryHandler(toggle_goal_context, pattern=_actions(press.CONTEXT)),
                CallbackQueryHandler(take_goal_contexts, pattern=_actions(press.DONE)),
                cancel,
                buttons_only,
            ],
            ASK_AREA: [
                CallbackQueryHandler(take_goal_area, pattern=_actions(press.AREA)),
                cancel,
                buttons_only,
            ],
            ASK_START: [
                MessageHandler(TEXT, take_goal_start),
                CallbackQueryHandler(take_goal_start, pattern=_actions(press.TODAY)),
            ],
            ASK_END: [MessageHandler(TEXT, take_goal_end)],
            ASK_INTERVAL: [
                MessageHandler(TEXT, take_goal_interval),
                CallbackQueryHandler(take_goal_interval, pattern=_actions(press.INTERVAL)),
            ],
            ASK_CONFIRM: [
                CallbackQueryHandler(take_goal_confirm, pattern=_actions(press.SAVE, press.CANCEL)),
                buttons_only,
            ],
            ASK_SUB_TEXT: [MessageHandler(TEXT, take_sub_text)],
            ASK_SUB_RATIONALE: [
                MessageHandler(TEXT, take_sub_rationale),
                CallbackQueryHandler(take_sub_rationale, pattern=_actions(press.SKIP)),
            ],
            ASK_SUB_METHOD: [MessageHandler(TEXT, take_sub_method)],
            ASK_SUB_FREQUENCY: [
                CallbackQueryHandler(take_sub_frequency, pattern=_actions(press.FREQUENCY)),
                cancel,
                buttons_only,
            ],
            ASK_SUB_CONFIRM: [
                CallbackQueryHandler(take_sub_confirm, pattern=_actions(press.SAVE, press.CANCEL)),
                buttons_only,
            ],
            ASK_FIELD: [
                CallbackQueryHandler(take_field, pattern=_actions(press.FIELD)),
                cancel,
                buttons_only,
            ],
            ASK_VALUE: [
                MessageHandler(TEXT, take_value_text),
                CallbackQueryHandler(
                    take_value_press,
                    pattern=_actions(
                        press.TYPE,
                        press.SOURCE,
                        press.AREA,
                        press.FREQUENCY,
                        press.CONTEXT,
                        press.DONE,
                        press.INTERVAL,
                        press.TODAY,
                        press.SKIP,
                        press.CANCEL,
                    ),
                ),
            ],
            ASK_REASON: [
                MessageHandler(TEXT, take_reason_text),
                CallbackQueryHandler(
                    take_reason_press, pattern=_actions(press.REASON, press.CANCEL)
                ),
            ],
        },
    )
