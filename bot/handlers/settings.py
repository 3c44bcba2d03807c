"""/indstillinger: when my reminders may reach me, changed with one tap per step (issue 4 §3)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import CustomContext
from bot.domain.calendar import (
    DEFAULT_HOURS,
    MINUTES_PER_DAY,
    ReminderHours,
    format_minute,
    next_window_start,
)
from bot.domain.goals import format_date
from bot.handlers.callbacks import BadCallbackData, SettingsPress
from bot.handlers.common import callback_message, handles_domain_errors, safe_edit
from bot.handlers.flow import Flow
from bot.services import settings
from bot.services.settings import HoursChange, SettingsChanged
from bot.texts import Markup, Texts

log = logging.getLogger(__name__)

# Action codes of SettingsPress; `arg` is the value the button was built against
# (settings.shown_value), so a second tap on the same card changes nothing twice.
START_EARLIER = "se"
START_LATER = "sl"
END_EARLIER = "ee"
END_LATER = "el"
WEEKENDS = "w"
HOLIDAYS = "h"
RESET = "d"
CHANGES: dict[str, HoursChange] = {
    START_EARLIER: HoursChange.START_EARLIER,
    START_LATER: HoursChange.START_LATER,
    END_EARLIER: HoursChange.END_EARLIER,
    END_LATER: HoursChange.END_LATER,
    WEEKENDS: HoursChange.WEEKENDS,
    HOLIDAYS: HoursChange.HOLIDAYS,
    RESET: HoursChange.RESET,
}
_MINUTE_CHANGES = frozenset({START_EARLIER, START_LATER, END_EARLIER, END_LATER})
_TOGGLES = frozenset({WEEKENDS, HOLIDAYS})


def _button(label: str, action: str, hours: ReminderHours) -> InlineKeyboardButton:
    seen = settings.shown_value(hours, CHANGES[action])
    return InlineKeyboardButton(label, callback_data=SettingsPress(action, seen).pack())


def _keyboard(tx: Texts, hours: ReminderHours) -> InlineKeyboardMarkup:
    weekends = "settings.btn_weekends_off" if hours.weekends else "settings.btn_weekends_on"
    holidays = "settings.btn_holidays_off" if hours.holidays else "settings.btn_holidays_on"
    reset = tx.plain(
        "settings.btn_reset",
        start=format_minute(DEFAULT_HOURS.start_minute),
        end=format_minute(DEFAULT_HOURS.end_minute),
    )
    return InlineKeyboardMarkup(
        [
            [
                _button(tx.plain("settings.btn_start_earlier"), START_EARLIER, hours),
                _button(tx.plain("settings.btn_start_later"), START_LATER, hours),
            ],
            [
                _button(tx.plain("settings.btn_end_earlier"), END_EARLIER, hours),
                _button(tx.plain("settings.btn_end_later"), END_LATER, hours),
            ],
            [_button(tx.plain(weekends), WEEKENDS, hours)],
            [_button(tx.plain(holidays), HOLIDAYS, hours)],
            [_button(reset, RESET, hours)],
        ]
    )


def _next(tx: Texts, hours: ReminderHours, now: datetime) -> str:
    """Say when a reminder could reach the person next, seen from `now` (local time)."""
    at = next_window_start(hours, now)
    if at == now:
        return tx.plain("settings.next_now")
    time = at.strftime("%H:%M")
    if at.date() == now.date():
        return tx.plain("settings.next_today", time=time)
    if at.date() == now.date() + timedelta(days=1):
        return tx.plain("settings.next_tomorrow", time=time)
    weekday = tx.plain(f"settings.weekday_{at.weekday()}")
    return tx.plain("settings.next_day", weekday=weekday, date=format_date(at.date()), time=time)


def render(tx: Texts, hours: ReminderHours, now: datetime) -> tuple[Markup, InlineKeyboardMarkup]:
    """Render the settings card: the hours, the next possible reminder, and the buttons."""
    on_off = {True: tx.plain("settings.on"), False: tx.plain("settings.off")}
    text = tx(
        "settings.card",
        days=tx.plain("settings.days_all" if hours.weekends else "settings.days_weekdays"),
        start=format_minute(hours.start_minute),
        end=format_minute(hours.end_minute),
        weekends=on_off[hours.weekends],
        holidays=on_off[hours.holidays],
        next=_next(tx, hours, now),
    )
    return text, _keyboard(tx, hours)


def _press(data: str | None) -> tuple[HoursChange, int]:
    """Parse a press into the change and the value it was made against; refuse forged ones."""
    press = SettingsPress.parse(data)
    change = CHANGES.get(press.action)
    if change is None:
        raise BadCallbackData(data)
    if press.action in _MINUTE_CHANGES:
        valid = 0 <= press.arg <= MINUTES_PER_DAY
    elif press.action in _TOGGLES:
        valid = press.arg in {0, 1}
    else:
        valid = press.arg == 0
    if not valid:
        raise BadCallbackData(data)
    return change, press.arg


@handles_domain_errors
async def cmd_settings(update: Update, context: CustomContext) -> None:
    """Show my reminder hours with the buttons that change them: /indstillinger."""
    message = update.effective_message
    assert message is not None
    s = context.services
    hours = await context.read(settings.reminder_settings, context.me)
    text, markup = render(context.tx, hours, s.clock.now().astimezone(s.tz))
    await message.reply_text(text, reply_markup=markup)


@handles_domain_errors
async def on_settings_press(update: Update, context: CustomContext) -> None:
    """Change my own reminder hours by one step and show the card again, edited in place."""
    query = update.callback_query
    assert query is not None
    change, seen = _press(query.data)
    message = callback_message(update)
    s, tx, me = context.services, context.tx, context.me
    # Whatever the data says, only the presser's own settings are read and changed.
    try:
        hours = await context.run(settings.change_reminder_settings, s.clock, me, change, seen=seen)
        toast = tx.plain("settings.saved_toast")
        log.info("reminder hours changed by staff %s: %s", me.staff_id, change.value)
    except SettingsChanged as exc:
        # An older card or a double tap: show the settings as they are, change nothing.
        hours = await context.read(settings.reminder_settings, me)
        toast = tx.plain(exc.text_key)
    text, markup = render(tx, hours, s.clock.now().astimezone(s.tz))
    await asyncio.gather(query.answer(toast), safe_edit(message, text, markup))


def flow() -> Flow:
    """Return this feature's guided flow: none, every change is one tap."""
    return Flow(entry_points=[])


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return /indstillinger and its buttons."""
    return [
        CommandHandler("indstillinger", cmd_settings),
        CallbackQueryHandler(on_settings_press, pattern=SettingsPress.pattern()),
    ]
