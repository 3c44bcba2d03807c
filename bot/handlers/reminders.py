"""Reminders in the chat: the buttons on a digest item, and /paamindelser (issue 4 §3).

Every press is checked afresh (bot.services.reminders.find_item): the item is recomputed from
the database, so a press on something already done, moved or not the presser's is answered,
never acted on. `Evaluer nu` enters the evaluation flow, so its press is a flow entry point.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.context import CustomContext
from bot.domain.goals import format_date
from bot.handlers import evaluations as evaluation_handlers
from bot.handlers import goals as goal_handlers
from bot.handlers import status as status_handlers
from bot.handlers.callbacks import ReminderPress
from bot.handlers.common import callback_message, handles_domain_errors
from bot.handlers.flow import Flow, flow_step
from bot.reminders import digest as render
from bot.reminders.rules import RULE_MEETING_HELD
from bot.services import reminders, status
from bot.services.evaluations import Kind
from bot.texts import Markup

ACT_PATTERN = rf"^{ReminderPress.PREFIX}:{ReminderPress.ACT}:"
SNOOZE_PATTERN = rf"^{ReminderPress.PREFIX}:[{ReminderPress.DAY}{ReminderPress.WEEK}]:"


@handles_domain_errors
async def cmd_paamindelser(update: Update, context: CustomContext) -> None:
    """List everything due for me: overdue, and due within the next 30 days."""
    assert update.effective_message is not None
    s = context.services
    today, entries, names = await context.read(
        reminders.my_items, s.directory, s.clock, s.tz, context.me
    )
    tx = context.tx
    if not entries:
        await update.effective_message.reply_text(
            tx("reminders.mine_none", days=reminders.MINE_DAYS)
        )
        return
    shown = entries[: render.MAX_ITEMS_IN_TEXT]
    blocks, rows = render.render_items(tx, shown, today, names)
    if len(entries) > len(shown):
        blocks.append(tx("reminders.more", count=len(entries) - len(shown)))
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


@flow_step
async def on_act(update: Update, context: CustomContext) -> object:
    """The item's own button: evaluate, tick, record as done, schedule, or show the plan."""
    query = update.callback_query
    assert query is not None
    press = ReminderPress.parse(query.data)
    s = context.services
    pressed = await context.read(
        reminders.pressed_item, s.clock, s.tz, context.me, press.rule, press.ref, press.due
    )
    item = pressed.item
    tx = context.tx
    message = callback_message(update)
    action = item.action
    if action == "evaluate":
        kind: Kind = "goal" if item.subject.startswith("goal:") else "sub_goal"
        return await evaluation_handlers.open_evaluation(update, context, kind, item.subject_id)
    if action == "tick" and item.rule == RULE_MEETING_HELD:
        return await status_handlers.hold_meeting(update, context, item.subject_id)
    if action == "schedule":
        return await status_handlers.open_meeting_menu(update, context, pressed.resident_id)
    await query.answer()
    if action == "tick":
        ticked = await context.run(
            status.tick_step, s.clock, s.tz, context.me, item.subject_id, item.rule
        )
        await message.reply_text(status_handlers.tick_text(tx, s.tz, ticked))
    elif action == "done":
        recorded = await context.run(
            status.record_milestone, s.clock, s.tz, context.me, pressed.resident_id, item.rule
        )
        await message.reply_text(
            tx(
                "reminders.milestone_done_final",
                title=render.title(tx, item),
                name=recorded.resident,
                date=format_date(recorded.done_on),
            )
        )
    elif action == "plan":
        await goal_handlers.send_plan(message, context, pressed.resident_id)
    else:
        await message.reply_text(tx("reminders.no_action"))
    return ConversationHandler.END


def flow() -> Flow:
    """`Evaluer nu` (and a status meeting's date) continue in a guided flow: entry points."""
    return Flow(entry_points=[CallbackQueryHandler(on_act, pattern=ACT_PATTERN)])


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """/paamindelser and the snooze buttons."""
    return [
        CommandHandler("paamindelser", cmd_paamindelser),
        CallbackQueryHandler(on_snooze, pattern=SNOOZE_PATTERN),
    ]
