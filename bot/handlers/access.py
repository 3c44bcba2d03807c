"""Guards that run before every feature: private chats only, and only registered people."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.context import CustomContext
from bot.services import staff

log = logging.getLogger(__name__)

GROUP_CHAT_GUARD = -30
ACTOR_GUARD = -20


async def private_only(update: Update, context: CustomContext) -> None:
    """Answer once in a group that the bot works in private chats only; store nothing."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    told = context.bot_data.group_chats_told
    if chat.id not in told:
        told.add(chat.id)
        await context.bot.send_message(chat.id, context.tx("access.private_only"))
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop


async def load_actor(update: Update, context: CustomContext) -> None:
    """Find the registered person behind the update; refuse everybody else."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    actor = await context.read_quick(staff.load_actor, user.id)
    if actor is not None and actor.has_access(context.today):
        context.actor = actor
        return
    if actor is None and _is_start_command(update):
        return  # /start CODE is the way in for newcomers; the start handler checks the code
    # A known person whose access ended is refused even with an invite: a leader reopens
    # their access (a used invite must not silently unlock a closed account).
    key = "access.access_ended" if actor is not None else "access.not_registered"
    log.info("refused update from an unregistered or inactive user")
    if update.callback_query is not None:
        await update.callback_query.answer(context.tx.plain(key), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.tx(key))
    raise ApplicationHandlerStop


def _is_start_command(update: Update) -> bool:
    message = update.message
    if message is None or not message.text:
        return False
    command = message.text.split(maxsplit=1)[0].split("@")[0]
    return command.lower() == "/start"


def guards() -> list[tuple[int, BaseHandler[Update, CustomContext, object]]]:
    """Return the guards with the handler groups they run in (before everything else)."""
    return [
        (GROUP_CHAT_GUARD, TypeHandler(Update, private_only)),
        (ACTOR_GUARD, TypeHandler(Update, load_actor)),
    ]
