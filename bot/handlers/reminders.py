"""Reminders in the chat: the buttons on a digest item, and /paamindelser (issue 4 §3).

Every press is checked afresh (bot.services.reminders.find_item): the item is recomputed from
the database, so a press on something already done, moved or not the presser's is answered,
never acted on. `Evaluer nu` enters the evaluation flow, so its press is a flow entry point;
the other buttons are stateless and leave any flow the person is in as it was.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import CustomContext
from bot.domain.goals import format_date
from bot.handlers import evaluations as evaluation_handlers
from bot.handlers import goals as goal_handlers
from bot.handlers import status as status_handlers
from bot.handlers.callbacks import BadCallbackData, ReminderPress
from bot.handlers.common import callback_message, handles_domain_errors
from bot.handlers.flow import Flow, flow_step
from bot.reminders import digest as render
from bot.reminders.rules import EVALUATION_RULES, RULE_CODES, RULE_MEETING_HELD
from bot.services import onboarding, reminders, status
from bot.services.evaluations import Kind
from bot.texts import Markup

_EVALUATE_CODES = "|".join(RULE_CODES[rule] for rule in EVALUATION_RULES)
# `Evaluer nu` starts the evaluation flow, so it is an entry point of the conversation; the
# other actions are stateless, so pressing one never ends a flow the person is in.
EVALUATE_PATTERN = rf"^{ReminderPress.PREFIX}:{ReminderPress.ACT}:(?:{_EVALUATE_CODES}):"
ACT_PATTERN = rf"^{ReminderPress.PREFIX}:{ReminderPress.ACT}:"
SNOOZE_PATTERN = rf"^{ReminderPress.PREFIX}:[{ReminderPress.DAY}{ReminderPress.WEEK}]:"


@handles_domain_errors
async def cmd_paamindelser(update: Update, context: CustomContext) -> None:
    """List everything due for me: overdue, and due within the next 30 days."""
    assert update.effective_message is not None
    s = context.services
    today, entries, names = await context.run(
        reminders.my_items, s.directory, s.clock, s.tz, context.me
    )
    tx = context.tx
    if not entries:
        await update.effective_message.reply_text(
            tx("reminders.mine_none", days=reminders.MINE_DAYS)
        )
        return
    # Every item listed here has its buttons (25 × 3 stay under Telegram's 100).
    shown = entries[: render.MAX_ITEMS_IN_TEXT]
    blocks, rows = render.render_items(tx, shown, today, names, with_buttons=len(shown))
    if len(entries) > len(blocks):
        blocks.append(tx("reminders.more_mine", count=len(entries) - len(blocks)))
    text = tx("reminders.mine", days=reminders.MINE_DAYS, items=Markup("\n\n".join(blocks)))
    await update.effective_message.reply_text(
        text, reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


@handles_domain_errors
async def on_snooze(update: Update, context: CustomContext) -> None:
    """`Udsæt 1 dag` / `Udsæt 1 uge`: quiet for me until then."""
    query = update.callback_query
    assert query is not None
    press = ReminderPress.parse(query.data)
    s = context.services
    until = await context.run(
        reminders.snooze, s.clock, s.tz, context.me, press.rule, press.ref, press.due, press.action
    )
    await query.answer()
    await callback_message(update).reply_text(
        context.tx("reminders.snoozed", date=format_date(until))
    )


async def _pressed(context: CustomContext, data: str | None) -> reminders.PressedItem:
    """Recompute the item a button names (every press: the data is never trusted)."""
    press = ReminderPress.parse(data)
    s = context.services
    return await context.read(
        reminders.pressed_item, s.clock, s.tz, context.me, press.rule, press.ref, press.due
    )


@flow_step
async def on_evaluate(update: Update, context: CustomContext) -> object:
    """`Evaluer nu`: the guided evaluation of the item's goal or sub-goal."""
    query = update.callback_query
    assert query is not None
    pressed = await _pressed(context, query.data)
    item = pressed.item
    if item.action != "evaluate":
        raise BadCallbackData(query.data)
    kind: Kind = "goal" if item.subject.startswith("goal:") else "sub_goal"
    return await evaluation_handlers.open_evaluation(update, context, kind, item.subject_id)


@handles_domain_errors
async def on_act(update: Update, context: CustomContext) -> None:
    """The item's own button (besides Evaluer nu): tick, record as done, schedule, the plan."""
    query = update.callback_query
    assert query is not None
    pressed = await _pressed(context, query.data)
    item = pressed.item
    s, tx = context.services, context.tx
    message = callback_message(update)
    action = item.action
    if action == "evaluate":
        raise BadCallbackData(query.data)  # routed to on_evaluate; this shape is forged
    if action == "tick" and item.rule == RULE_MEETING_HELD:
        await status_handlers.hold_meeting(update, context, item.subject_id)
        return
    if action == "schedule":
        await status_handlers.open_meeting_menu(update, context, pressed.resident_id)
        return
    # The press is answered after the use case: a refusal answers it with its alert instead.
    if action == "tick":
        ticked = await context.run(
            status.tick_step, s.clock, s.tz, context.me, item.subject_id, item.rule
        )
        await query.answer()
        await message.reply_text(status_handlers.tick_text(tx, s.tz, ticked))
    elif action == "done":
        recorded = await context.run(
            status.record_milestone, s.clock, s.tz, context.me, pressed.resident_id, item.rule
        )
        await query.answer()
        await message.reply_text(
            tx(
                "reminders.milestone_done_final",
                title=render.title(tx, item),
                name=recorded.resident,
                date=format_date(recorded.done_on),
            )
        )
    elif action == "step":
        done = await context.run(
            onboarding.complete_step, s.clock, s.tz, context.me, item.subject_id
        )
        await query.answer()
        await message.reply_text(
            tx("reminders.step_done", title=done.step.title, name=done.substitute_name)
        )
    elif action == "plan":
        await goal_handlers.send_plan(message, context, pressed.resident_id)
        await query.answer()
    else:
        await query.answer()
        await message.reply_text(tx("reminders.no_action"))


def flow() -> Flow:
    """`Evaluer nu` (and a status meeting's date) continue in a guided flow: entry points."""
    return Flow(entry_points=[CallbackQueryHandler(on_evaluate, pattern=EVALUATE_PATTERN)])


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """/paamindelser, the items' own buttons and the snooze buttons."""
    return [
        CommandHandler("paamindelser", cmd_paamindelser),
        CallbackQueryHandler(on_act, pattern=ACT_PATTERN),
        CallbackQueryHandler(on_snooze, pattern=SNOOZE_PATTERN),
    ]
