"""Diary notes in the chat: quick notes, the note card, /note step by step, /mine, /noter."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import CustomContext
from bot.domain.errors import Expired, NotAllowed, NotFound
from bot.handlers.callbacks import BadCallbackData, MyNotePress, NoteCardPress, ResidentNotesPress
from bot.handlers.common import (
    callback_message,
    edit_unparsed,
    handles_domain_errors,
    safe_edit,
    send_unparsed,
    tell,
)
from bot.handlers.flow import TEXT, Flow, flow_step, reset_flow_data
from bot.handlers.note_views import note_card, note_list, reason_text
from bot.handlers.scores import after_note_scale
from bot.services import notes
from bot.services.notes import Card

log = logging.getLogger(__name__)

WAITING_TEXT = "waiting_text"
EDITING_TEXT = "editing_text"
WAITING_REASON = "waiting_reason"
# Card presses that can leave the card asking for the reason of a "Manglende arbejde" note run
# in the flow conversation, so that the reason typed next is not taken for a new quick note.
# Gem, Annullér, Fortryd and the resident picker never lead there and stay stateless.
STEP_ACTIONS = frozenset(
    {
        NoteCardPress.PICK_TYPE,
        NoteCardPress.BACK,
        NoteCardPress.SUB_GOALS,
        NoteCardPress.PICK_SUB_GOAL,
        NoteCardPress.CLEAR_SUB_GOAL,
        NoteCardPress.REASONS,
        NoteCardPress.PICK_REASON,
        NoteCardPress.TYPE_REASON,
    }
)


async def _show_card(update: Update, context: CustomContext, card: Card) -> None:
    text, markup = note_card(context.tx, card, context.services.tz, context.services.clock.now())
    message = update.effective_message
    assert message is not None
    # Every note shows a card: the answer (the card as a Message) is not needed.
    await send_unparsed(context, message.chat_id, text, markup)


@handles_domain_errors
async def on_quick_note(update: Update, context: CustomContext) -> None:
    """Turn a free-text message into a note card."""
    await _quick_note(update, context)


async def _quick_note(update: Update, context: CustomContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    log.info("quick note from staff %s", context.me.staff_id)
    s = context.services
    card = await context.run_quick(
        notes.start_quick_note,
        s.clock,
        s.directory,
        context.me,
        message.chat_id,
        message.message_id,
        message.text,
    )
    await _show_card(update, context, card)


async def _delete_source(
    context: CustomContext, chat_id: int | None, message_id: int | None
) -> None:
    if not context.services.settings.delete_note_messages or chat_id is None or message_id is None:
        return
    try:
        await context.bot.delete_message(chat_id, message_id)
    except (BadRequest, Forbidden) as exc:
        # Gone already or older than Telegram allows: the note is saved, that is what matters.
        log.debug("could not delete the note message: %s", exc)


async def _press_card(update: Update, context: CustomContext) -> tuple[NoteCardPress, Card] | None:
    """Act on a note card button, re-checking the presser and their access every time."""
    query = update.callback_query
    assert query is not None
    press = NoteCardPress.parse(query.data)
    if press.action not in NoteCardPress.ACTIONS:
        await query.answer(context.tx.plain("error.bad_button"), show_alert=True)
        return None
    s, me = context.services, context.me
    args = (s.clock, s.directory, me, press.draft_id)
    answer = ""
    if press.action == NoteCardPress.SAVE:
        card = await context.run_quick(notes.save_note, *args, undo_window=context.undo_window)
        answer = context.tx.plain("notes.saved_toast")
    elif press.action == NoteCardPress.CANCEL:
        card = await context.run_quick(notes.cancel_draft, *args)
    elif press.action == NoteCardPress.RESIDENTS:
        card = await context.run_quick(notes.show_card, *args, picking="resident", page=press.arg)
    elif press.action == NoteCardPress.TYPES:
        card = await context.run_quick(notes.show_card, *args, picking="type")
    elif press.action == NoteCardPress.PICK_RESIDENT:
        card = await context.run_quick(notes.pick_resident, *args, press.arg)
    elif press.action == NoteCardPress.PICK_TYPE:
        card = await context.run_quick(notes.pick_type, *args, press.arg)
    elif press.action == NoteCardPress.UNDO:
        card = await context.run_quick(notes.undo_save, *args, undo_window=context.undo_window)
        answer = context.tx.plain("notes.undone_toast")
    elif press.action == NoteCardPress.SUB_GOALS:
        card = await context.run_quick(notes.show_card, *args, picking="sub_goal")
    elif press.action == NoteCardPress.PICK_SUB_GOAL:
        card = await context.run_quick(notes.pick_sub_goal, *args, press.arg)
    elif press.action == NoteCardPress.CLEAR_SUB_GOAL:
        card = await context.run_quick(notes.clear_sub_goal, *args)
    elif press.action == NoteCardPress.REASONS:
        card = await context.run_quick(notes.clear_reason, *args)
    elif press.action == NoteCardPress.TYPE_REASON:
        card = await context.run_quick(notes.clear_reason, *args)
        answer = context.tx.plain("notes.write_reason_toast")
    elif press.action == NoteCardPress.PICK_REASON:
        try:
            reason = reason_text(context.tx, press.arg)
        except IndexError:
            raise BadCallbackData(query.data) from None
        card = await context.run_quick(notes.give_reason, *args, reason)
    else:
        card = await context.run_quick(notes.show_card, *args, undo_window=context.undo_window)
    text, markup = note_card(context.tx, card, s.tz, s.clock.now())
    # The toast and the new card are independent requests: one round trip instead of two.
    await asyncio.gather(
        query.answer(answer), edit_unparsed(context, callback_message(update), text, markup)
    )
    if press.action == NoteCardPress.SAVE and card.status == "saved":
        await _delete_source(context, card.source_chat_id, card.source_message_id)
        if card.offer_score and card.sub_goal is not None and card.resident is not None:
            # Only right after saving a note on a scored sub-goal: the scale as one row.
            scale_text, scale_markup = after_note_scale(
                context.tx,
                context.services.settings.scale,
                card.sub_goal.id,
                card.resident.label,
                card.sub_goal.label,
            )
            await context.bot.send_message(
                callback_message(update).chat_id, scale_text, reply_markup=scale_markup
            )
    return press, card


@handles_domain_errors
async def on_card_press(update: Update, context: CustomContext) -> None:
    """Act on a note card button (save, cancel, pickers, undo)."""
    await _press_card(update, context)


@flow_step
async def on_card_step(update: Update, context: CustomContext) -> str | int | None:
    """Act on a card button that may make the card wait for a typed reason."""
    done = await _press_card(update, context)
    if done is None:
        return None
    press, card = done
    if card.status == "open" and card.picking == "reason":
        assert context.user_data is not None
        # Only this card takes the next text as its reason; any other text is a quick note.
        context.user_data.reason_draft_id = card.draft_id
        return WAITING_REASON
    if press.action == NoteCardPress.PICK_REASON:
        return ConversationHandler.END
    return None  # whatever flow was going on goes on


@flow_step
async def take_missing_reason(update: Update, context: CustomContext) -> int:
    """Put the typed text on the card waiting for a reason, and show the card again."""
    message = update.effective_message
    assert message is not None and message.text is not None
    s = context.services
    assert context.user_data is not None
    draft_id = context.user_data.reason_draft_id
    card = await context.run(
        notes.give_typed_reason, s.clock, s.directory, context.me, draft_id, message.text
    )
    context.user_data.reason_draft_id = None  # taken, or (None) no card waits any more
    if card is None:
        # No card waits for a reason any more (saved or cancelled): a quick note of its own.
        await _quick_note(update, context)
        return ConversationHandler.END
    await _show_card(update, context, card)
    return ConversationHandler.END


@flow_step
async def cmd_note(update: Update, context: CustomContext) -> str | int:
    """Start a note step by step: resident, type, then the text."""
    reset_flow_data(context)
    s = context.services
    card = await context.run(notes.start_guided_note, s.clock, s.directory, context.me)
    await _show_card(update, context, card)
    return WAITING_TEXT


@flow_step
async def take_note_text(update: Update, context: CustomContext) -> int:
    """Put the typed text on the step-by-step draft and show the card."""
    message = update.effective_message
    assert message is not None and message.text is not None
    s = context.services
    card = await context.run(
        notes.give_guided_text,
        s.clock,
        s.directory,
        context.me,
        message.chat_id,
        message.message_id,
        message.text,
    )
    if card is None:
        # The draft was closed from its card; this text is a quick note of its own.
        await _quick_note(update, context)
        return ConversationHandler.END
    await _show_card(update, context, card)
    return ConversationHandler.END


@handles_domain_errors
async def cmd_mine(update: Update, context: CustomContext) -> None:
    """List my last ten notes with edit and delete for those still inside the window."""
    s = context.services
    views = await context.run(notes.my_notes, s.clock, context.me, edit_window=context.edit_window)
    text, markup = note_list(
        context.tx, context.tx("notes.mine_title"), views, s.tz, with_actions=True
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


@handles_domain_errors
async def on_delete_press(update: Update, context: CustomContext) -> None:
    """Ask before deleting, then delete (kept, marked deleted) or keep."""
    query = update.callback_query
    assert query is not None
    press = MyNotePress.parse(query.data)
    s, tx = context.services, context.tx
    if press.action == MyNotePress.DELETE:
        view = await context.run(
            notes.note_for_change,
            s.clock,
            context.me,
            press.note_id,
            edit_window=context.edit_window,
        )
        await query.answer()
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        tx.plain("notes.btn_confirm_delete"),
                        callback_data=MyNotePress(MyNotePress.CONFIRM_DELETE, press.note_id).pack(),
                    ),
                    InlineKeyboardButton(
                        tx.plain("notes.btn_keep"),
                        callback_data=MyNotePress(MyNotePress.KEEP, press.note_id).pack(),
                    ),
                ]
            ]
        )
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            tx(
                "notes.confirm_delete",
                resident=view.resident,
                type=view.diary_type,
                text=view.text[:300],
            ),
            reply_markup=markup,
        )
    elif press.action == MyNotePress.CONFIRM_DELETE:
        await context.run(
            notes.delete_note, s.clock, context.me, press.note_id, edit_window=context.edit_window
        )
        await query.answer(tx.plain("notes.deleted_toast"))
        await safe_edit(callback_message(update), tx("notes.deleted"))
    elif press.action == MyNotePress.KEEP:
        await query.answer()
        await safe_edit(callback_message(update), tx("notes.kept"))
    else:
        await query.answer(tx.plain("error.bad_button"), show_alert=True)


@flow_step
async def on_edit_press(update: Update, context: CustomContext) -> str | int:
    """Start editing one of my notes: show it and ask for the new text."""
    query = update.callback_query
    assert query is not None
    press = MyNotePress.parse(query.data)
    reset_flow_data(context)
    view = await context.run(
        notes.note_for_change,
        context.services.clock,
        context.me,
        press.note_id,
        edit_window=context.edit_window,
    )
    context.user_data.editing_note_id = view.id  # type: ignore[union-attr]
    await query.answer()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.tx(
            "notes.ask_edit", resident=view.resident, type=view.diary_type, text=view.text[:3500]
        )
    )
    return EDITING_TEXT


@flow_step
async def take_edit_text(update: Update, context: CustomContext) -> int:
    """Save the edited text; the earlier text is kept as history."""
    message = update.effective_message
    assert message is not None and message.text is not None
    user_data = context.user_data
    assert user_data is not None
    note_id = user_data.editing_note_id
    if note_id is None:
        # No note is waiting for text (flow data lost): the text is a quick note of its own.
        await _quick_note(update, context)
        return ConversationHandler.END
    try:
        view = await context.run(
            notes.edit_note,
            context.services.clock,
            context.me,
            note_id,
            message.text,
            edit_window=context.edit_window,
        )
    except (Expired, NotFound, NotAllowed) as exc:
        # The note can no longer be edited: say why and end the flow, so the next message is
        # not swallowed. A bad text (InvalidInput) keeps the flow: the person can try again.
        user_data.editing_note_id = None
        await tell(update, context, context.tx.plain(exc.text_key, **exc.params))
        return ConversationHandler.END
    user_data.editing_note_id = None
    await message.reply_text(
        context.tx("notes.edited", resident=view.resident, type=view.diary_type)
    )
    return ConversationHandler.END


@flow_step
async def cmd_noter(update: Update, context: CustomContext) -> None:
    """Show recent notes on a resident I may see: /noter NAVN."""
    query_text = " ".join(context.args or []).strip()
    assert update.effective_message is not None
    if not query_text:
        await update.effective_message.reply_text(context.tx("notes.noter_usage"))
        return
    s = context.services
    result = await context.run(
        notes.resident_notes,
        s.clock,
        s.directory,
        context.me,
        query=query_text,
        edit_window=context.edit_window,
    )
    await _send_resident_notes(update, context, result)


@handles_domain_errors
async def on_resident_notes_press(update: Update, context: CustomContext) -> None:
    """Show the notes of the resident chosen among candidates."""
    query = update.callback_query
    assert query is not None
    press = ResidentNotesPress.parse(query.data)
    s = context.services
    result = await context.run(
        notes.resident_notes,
        s.clock,
        s.directory,
        context.me,
        resident_id=press.resident_id,
        edit_window=context.edit_window,
    )
    await query.answer()
    await _send_resident_notes(update, context, result)


async def _send_resident_notes(
    update: Update, context: CustomContext, result: notes.ResidentNotes
) -> None:
    tx = context.tx
    message = update.effective_message
    assert message is not None
    if result.resident is None:
        if not result.candidates:
            await message.reply_text(tx("notes.noter_none"))
            return
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(c.label, callback_data=ResidentNotesPress(c.id).pack())]
                for c in result.candidates
            ]
        )
        await message.reply_text(tx("notes.noter_which"), reply_markup=markup)
        return
    title = tx("notes.noter_title", resident=result.resident.label)
    text, _ = note_list(tx, title, result.notes, context.services.tz, with_actions=False)
    await message.reply_text(text)


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the stateless note handlers (commands and buttons)."""
    return [
        CommandHandler("mine", cmd_mine),
        CommandHandler("noter", cmd_noter),
        CallbackQueryHandler(on_card_press, pattern=NoteCardPress.pattern()),
        CallbackQueryHandler(on_delete_press, pattern=r"^m:[dyk]:"),
        CallbackQueryHandler(on_resident_notes_press, pattern=ResidentNotesPress.pattern()),
    ]


def flow() -> Flow:
    """Return the note flows: /note step by step, editing a note, a typed missing-work reason."""
    return Flow(
        entry_points=[
            CommandHandler("note", cmd_note),
            CallbackQueryHandler(on_edit_press, pattern=r"^m:e:"),
            CallbackQueryHandler(on_card_step, pattern=NoteCardPress.actions_pattern(STEP_ACTIONS)),
        ],
        states={
            WAITING_TEXT: [MessageHandler(TEXT, take_note_text)],
            EDITING_TEXT: [MessageHandler(TEXT, take_edit_text)],
            WAITING_REASON: [MessageHandler(TEXT, take_missing_reason)],
        },
    )


def quick_note_handler() -> BaseHandler[Update, CustomContext, object]:
    """Return the catch-all for free text: the quick note (runs after every flow)."""
    return MessageHandler(TEXT & filters.ChatType.PRIVATE, on_quick_note)
