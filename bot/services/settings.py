"""Use cases for a person's own settings: the hours in which reminders may reach them."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.clock import Clock
from bot.domain.access import Actor
from bot.domain.calendar import DEFAULT_HOURS, MINUTES_PER_DAY, ReminderHours, format_minute
from bot.domain.errors import Conflict, InvalidInput
from bot.storage.uow import UnitOfWork

STEP_MINUTES = 60  # one press moves the start or the end by an hour
# A window the buttons make never gets shorter than this; a shorter one is almost always a
# mis-tap, and one more press on the other end is the way to move it instead.
MIN_WINDOW_MINUTES = 60


class HoursChange(StrEnum):
    """One press in /indstillinger."""

    START_EARLIER = "start_earlier"
    START_LATER = "start_later"
    END_EARLIER = "end_earlier"
    END_LATER = "end_later"
    WEEKENDS = "weekends"  # toggle
    HOLIDAYS = "holidays"  # toggle
    RESET = "reset"  # back to the defaults


class SettingsChanged(Conflict):
    """The settings a press was made against are no longer the stored ones (a double tap)."""

    text_key = "settings.changed_meanwhile"


def shown_value(hours: ReminderHours, change: HoursChange) -> int:
    """Return the value a change's button is built against: a minute, or 0/1 for a toggle."""
    match change:
        case HoursChange.START_EARLIER | HoursChange.START_LATER:
            return hours.start_minute
        case HoursChange.END_EARLIER | HoursChange.END_LATER:
            return hours.end_minute
        case HoursChange.WEEKENDS:
            return int(hours.weekends)
        case HoursChange.HOLIDAYS:
            return int(hours.holidays)
        case HoursChange.RESET:
            return 0


def changed_hours(hours: ReminderHours, change: HoursChange) -> ReminderHours:
    """Apply one change, clamped to the day; raise InvalidInput when it cannot be made at all."""
    start, end = hours.start_minute, hours.end_minute
    match change:
        case HoursChange.START_EARLIER:
            if start == 0:
                raise InvalidInput("settings.start_earliest")
            return dataclasses.replace(hours, start_minute=max(0, start - STEP_MINUTES))
        case HoursChange.START_LATER:
            new_start = min(start + STEP_MINUTES, end - MIN_WINDOW_MINUTES)
            if new_start <= start:
                raise InvalidInput(
                    "settings.too_short", start=format_minute(start), end=format_minute(end)
                )
            return dataclasses.replace(hours, start_minute=new_start)
        case HoursChange.END_EARLIER:
            new_end = max(end - STEP_MINUTES, start + MIN_WINDOW_MINUTES)
            if new_end >= end:
                raise InvalidInput(
                    "settings.too_short", start=format_minute(start), end=format_minute(end)
                )
            return dataclasses.replace(hours, end_minute=new_end)
        case HoursChange.END_LATER:
            if end == MINUTES_PER_DAY:
                raise InvalidInput("settings.end_latest")
            return dataclasses.replace(hours, end_minute=min(MINUTES_PER_DAY, end + STEP_MINUTES))
        case HoursChange.WEEKENDS:
            return dataclasses.replace(hours, weekends=not hours.weekends)
        case HoursChange.HOLIDAYS:
            return dataclasses.replace(hours, holidays=not hours.holidays)
        case HoursChange.RESET:
            return DEFAULT_HOURS


def describe(hours: ReminderHours) -> str:
    """Return the hours as an audit detail: start-end, weekends and holidays on or off."""
    on_off = {True: "on", False: "off"}
    return (
        f"{format_minute(hours.start_minute)}-{format_minute(hours.end_minute)} "
        f"weekends={on_off[hours.weekends]} holidays={on_off[hours.holidays]}"
    )


def reminder_settings(uow: UnitOfWork, actor: Actor) -> ReminderHours:
    """Return the actor's own reminder hours (the defaults until they change them)."""
    with uow:
        return uow.reminders.hours(actor.staff_id)


def change_reminder_settings(
    uow: UnitOfWork, clock: Clock, actor: Actor, change: str, *, seen: int | None = None
) -> ReminderHours:
    """Make one change to the actor's own reminder hours, audited, and return the new hours.

    `seen` is the value the pressed button was built against (see shown_value); when the
    stored settings no longer have it, nothing changes and SettingsChanged is raised, so a
    double tap never moves the hours twice. Only the actor's own settings can be changed.
    """
    kind = HoursChange(change)  # an unknown change is a bug in the caller: ValueError
    with uow:
        before = uow.reminders.hours(actor.staff_id)
        if seen is not None and shown_value(before, kind) != seen:
            raise SettingsChanged()
        after = changed_hours(before, kind)
        if after == before:
            return before  # "Standard" when the defaults are already set: nothing to record
        now = clock.now()
        uow.reminders.set_hours(actor.staff_id, after, now)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="update",
            entity="reminder_hours",
            entity_id=actor.staff_id,
            detail=f"{kind.value}: {describe(before)} -> {describe(after)}",
        )
        uow.commit()
        return after
