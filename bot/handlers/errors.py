"""The one global error handler: a short apology for the user, the details for the log."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import CustomContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: CustomContext) -> None:
    """Log the failure (never note text) and apologise; the unit of work already rolled back."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(context.tx.plain("error.sorry"), show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, context.tx("error.sorry"))
    except TelegramError:
        log.warning("could not tell the user about the failure of update %s", update_id)
    # Nothing else may act on this update: its text must not also become a quick note.
    raise ApplicationHandlerStop
