"""Danish public holidays and the hours in which reminders may be sent.

Pure rules: no clock, no I/O. Callers pass aware datetimes that are already in the person's
local zone (Europe/Copenhagen); every comparison with the reminder hours is on wall-clock time,
so a window of 07:00–21:00 stays 07:00–21:00 across the summer-time changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from types import MappingProxyType

MINUTES_PER_DAY = 24 * 60
# Any valid ReminderHours opens within a week; the bound only guards against a zone in which
# the window never exists as a wall time.
MAX_SEARCH_DAYS = 400
# Saturday and Sunday in date.weekday() numbering.
_WEEKEND = frozenset({5, 6})


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of a Gregorian year (the anonymous Meeus/Jones/Butcher algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7  # "L" in the published algorithm
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def danish_public_holidays(year: int) -> Mapping[date, str]:
    """Return the official Danish public holidays (helligdage) of a year, by date.

    Store bededag (Easter + 26 days) counts up to and including 2023; it was abolished from 2024.
    Grundlovsdag (5 June), juleaftensdag (24 December) and nytårsaftensdag (31 December) are not
    official public holidays and are left out, even though many workplaces close on them.
    The mapping is cached per year and read-only.
    """
    easter = easter_sunday(year)
    movable = {
        -3: "Skærtorsdag",
        -2: "Langfredag",
        0: "Påskedag",
        1: "2. påskedag",
        39: "Kristi himmelfartsdag",
        49: "Pinsedag",
        50: "2. pinsedag",
    }
    if year <= 2023:
        movable[26] = "Store bededag"
    holidays = {date(year, 1, 1): "Nytårsdag"}
    holidays.update({easter + timedelta(days=days): name for days, name in movable.items()})
    holidays[date(year, 12, 25)] = "Juledag"
    holidays[date(year, 12, 26)] = "2. juledag"
    return MappingProxyType(dict(sorted(holidays.items())))


def is_public_holiday(day: date) -> bool:
    """Tell whether a day is an official Danish public holiday."""
    return day in danish_public_holidays(day.year)


@dataclass(frozen=True, slots=True)
class ReminderHours:
    """When reminders may reach a person.

    Minutes count from local midnight; the window is [start_minute, end_minute), so an
    end_minute of 24 * 60 means "until midnight". Weekends and Danish public holidays are
    excluded unless opted in; a holiday on a weekend needs both opt-ins.
    """

    start_minute: int = 7 * 60
    end_minute: int = 21 * 60
    weekends: bool = False
    holidays: bool = False

    def __post_init__(self) -> None:
        """Reject windows that are empty or leave the day."""
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(
                f"reminder hours need 0 <= start < end <= {MINUTES_PER_DAY}, "
                f"got start={self.start_minute} end={self.end_minute}"
            )


DEFAULT_HOURS = ReminderHours()


def within_hours(hours: ReminderHours, local: datetime) -> bool:
    """Tell whether an aware local datetime falls inside the reminder hours on an allowed day."""
    _zone_of(local)
    minute = local.hour * 60 + local.minute
    return hours.start_minute <= minute < hours.end_minute and _day_allowed(hours, local.date())


def next_window_start(hours: ReminderHours, local: datetime) -> datetime:
    """Return the earliest aware local datetime at or after `local` that is within the hours.

    `local` itself is returned when it is already within the hours. Otherwise the result is a
    whole minute and a valid wall time in `local`'s zone: a start that falls in the spring-forward
    gap (02:00–03:00 in Europe/Copenhagen) moves to the end of the gap, and in the repeated
    autumn hour the result is never an instant before `local`. A non-existent `local` is first
    read as the instant it denotes.
    """
    zone = _zone_of(local)
    local = local.astimezone(UTC).astimezone(zone)
    if within_hours(hours, local):
        return local
    not_before = local.astimezone(UTC)
    for offset in range(MAX_SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if not _day_allowed(hours, day):
            continue
        candidates = _window_openings(hours, day, zone)
        if offset == 0:
            candidates += _reentry_after_fall_back(hours, local)
        later = [at for at in candidates if at.astimezone(UTC) >= not_before]
        if later:
            return min(later, key=lambda at: at.astimezone(UTC))
    raise ValueError(f"no reminder window within {MAX_SEARCH_DAYS} days of {local.isoformat()}")


def format_minute(minute: int) -> str:
    """Render minutes after midnight as HH:MM; 1440 renders as 24:00."""
    if not 0 <= minute <= MINUTES_PER_DAY:
        raise ValueError(f"minute must be within 0..{MINUTES_PER_DAY}, got {minute}")
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _zone_of(local: datetime) -> tzinfo:
    """Return the zone of an aware datetime, or raise ValueError for a naive one."""
    if local.tzinfo is None or local.utcoffset() is None:
        raise ValueError("expected an aware datetime in the person's local zone")
    return local.tzinfo


def _day_allowed(hours: ReminderHours, day: date) -> bool:
    """Tell whether reminders may be sent on a day at all (weekday check, then holiday check)."""
    if day.weekday() in _WEEKEND and not hours.weekends:
        return False
    return hours.holidays or not is_public_holiday(day)


def _wall(day: date, minute: int, zone: tzinfo, fold: int = 0) -> datetime:
    """Build the aware wall time `minute` minutes after midnight of `day`."""
    return datetime.combine(day, time(minute // 60, minute % 60, fold=fold), tzinfo=zone)


def _exists(at: datetime) -> bool:
    """Tell whether a wall time occurs at all (it does not in the spring-forward gap)."""
    # Naive comparison ignores fold, so only the wall time itself is compared.
    return at.astimezone(UTC).astimezone(at.tzinfo).replace(tzinfo=None) == at.replace(tzinfo=None)


def _ambiguous(at: datetime) -> bool:
    """Tell whether a wall time occurs twice (the repeated hour when the clocks go back)."""
    return _exists(at) and at.replace(fold=0).utcoffset() != at.replace(fold=1).utcoffset()


def _window_openings(hours: ReminderHours, day: date, zone: tzinfo) -> list[datetime]:
    """Return the instants at which the day's window opens: the first existing minute >= start.

    A repeated wall time yields both of its occurrences, so the caller can pick the one that is
    not before its starting point.
    """
    for minute in range(hours.start_minute, hours.end_minute):
        at = _wall(day, minute, zone)
        if _exists(at):
            return [at, at.replace(fold=1)] if _ambiguous(at) else [at]
    return []


def _reentry_after_fall_back(hours: ReminderHours, local: datetime) -> list[datetime]:
    """Return the instant the clocks go back, if that puts the wall time back inside the hours.

    Only possible when `local` is in the first pass of the repeated autumn hour and the window
    ends inside that hour (say 01:00–02:45 while the clocks go from 03:00 back to 02:00).
    """
    if local.fold == 1 or not _ambiguous(local):
        return []
    zone = _zone_of(local)
    minute = local.hour * 60 + local.minute
    while minute > 0 and _ambiguous(_wall(local.date(), minute - 1, zone)):
        minute -= 1
    back = _wall(local.date(), minute, zone, fold=1)
    return [back] if within_hours(hours, back) else []
