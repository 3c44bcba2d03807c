"""Conversation plumbing: steps that stop later handler groups, and leaving a flow."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ConversationHandler

from bot.context import CustomContext
from bot.domain.errors import DomainError
from bot.handlers.callbacks import BadCallbackData
from bot.handlers.common import tell

Step = Callable[[Update, CustomContext], Coroutine[Any, Any, object]]


def flow_step(fn: Step) -> Callable[[Update, CustomContext], Coroutine[Any, Any, NoReturn]]:
    """Wrap a conversation step: render expected failures, then stop later handler groups.

    Stopping matters: text consumed by a flow must never also become a quick note. An expected
    failure keeps the flow in its current state (None), so the person can simply try again.
    """

    @functools.wraps(fn)
    async def wrapper(update: Update, context: CustomContext) -> NoReturn:
        state: object = None
        try:
            state = await fn(update, context)
        except DomainError as exc:
            await tell(update, context, context.tx.plain(exc.text_key, **exc.params))
        except BadCallbackData:
            await tell(update, context, context.tx.plain("error.bad_button"))
        raise ApplicationHandlerStop(state)

    return wrapper


async def end_flow(_update: Update, _context: CustomContext) -> int:
    """Leave the flow quietly when another command comes in; that command runs as usual."""
    return ConversationHandler.END
