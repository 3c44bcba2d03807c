"""Shared handler plumbing: rendering expected failures, safe edits, and callback parsing."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import CustomContext
from bot.domain.errors import DomainError
from bot.domain.goals import format_date
from bot.domain.notes import shorten
from bot.handlers.callbacks import BadCallbackData
from bot.texts import Texts

log = logging.getLogger(__name__)

R = TypeVar("R")
ALERT_CHARS = 200  # Telegram refuses a longer callback answer
Handler = Callable[[Update, CustomContext], Coroutine[Any, Any, R]]


def handles_domain_errors(fn: Handler[R]) -> Handler[R | None]:
    """Turn expected failures into a short Danish answer; bugs still reach the error handler."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: CustomContext) -> R | None:
        try:
            return await fn(update, context)
        except DomainError as exc:
            await tell(update, context, context.tx.plain(exc.text_key, **exc.params))
            return None
        except BadCallbackData:
            await tell(update, context, context.tx.plain("error.bad_button"))
            return None

    return wrapper


async def tell(update: Update, context: CustomContext, text: str) -> None:
    """Answer a button press with an alert, or a message with a reply."""
    if update.callback_query is not None:
        await update.callback_query.answer(shorten(text, ALERT_CHARS), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.tx("common.plain", text=text))


async def safe_edit(
    message: Message | Any, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit a bot message in place; an unchanged card (a repeated press) is not an error."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


# Everything a button can carry besides its text and callback data.
_OTHER_BUTTON_FIELDS = tuple(
    sorted(set(InlineKeyboardButton.__slots__) - {"text", "callback_data"})
)


def keyboard_json(markup: InlineKeyboardMarkup) -> dict[str, object] | InlineKeyboardMarkup:
    """Return a keyboard of plain callback buttons as the JSON Telegram takes, else itself.

    python-telegram-bot's generic to_dict() walks every object's fields: ~40 µs for a note
    card's keyboard, on every card. A card's buttons have text and callback data only, so
    their JSON is built here; any other button (a link, a web app ...) makes the whole
    keyboard go through to_dict() as before.
    """
    if markup.api_kwargs:
        return markup
    rows: list[list[dict[str, str]]] = []
    for row in markup.inline_keyboard:
        out: list[dict[str, str]] = []
        for button in row:
            data = button.callback_data
            if (
                type(button) is not InlineKeyboardButton
                or not isinstance(data, str)
                or button.api_kwargs
                or any(getattr(button, f) is not None for f in _OTHER_BUTTON_FIELDS)
            ):
                return markup
            out.append({"text": button.text, "callback_data": data})
        rows.append(out)
    return {"inline_keyboard": rows}


def _text_params(
    context: CustomContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> dict[str, object]:
    """A text message's parameters as bot.send_message sends them (the bot's parse mode)."""
    defaults = context.bot.defaults
    params: dict[str, object] = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": defaults.parse_mode if defaults is not None else None,
    }
    if markup is not None:
        params["reply_markup"] = keyboard_json(markup)
    return params


async def send_unparsed(
    context: CustomContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a message whose answer nobody reads, without building a Message from the answer.

    python-telegram-bot turns every answer into objects: for a note card with its buttons that
    is about 0.4 ms of CPU, on every note, for an answer no handler looks at. The request is
    the one bot.send_message makes: the defaults (HTML) applied by the bot, the rate limiter and
    its retries, and the same errors raised.
    """
    await context.bot._post("sendMessage", _text_params(context, chat_id, text, markup))


async def edit_unparsed(
    context: CustomContext,
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """safe_edit without building a Message from Telegram's answer (see send_unparsed)."""
    params = _text_params(context, message.chat_id, text, markup)
    params["message_id"] = message.message_id
    try:
        await context.bot._post("editMessageText", params)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


def callback_message(update: Update) -> Message:
    """Return the message a pressed button sits on."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        raise BadCallbackData("button without an accessible message")
    return query.message


def button_rows(
    buttons: list[InlineKeyboardButton], width: int
) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out `width` to a row."""
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def day_label(tx: Texts, day: date) -> str:
    """A day as "tirs. 15.12.2026"."""
    return tx.plain(
        "status.day", weekday=tx.plain(f"status.weekday_{day.weekday()}"), date=format_date(day)
    )
