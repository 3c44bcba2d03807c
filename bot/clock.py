"""Clocks: the only way code asks what time it is, so tests and the demo can move time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


def local_today(clock: Clock, tz: ZoneInfo) -> date:
    """Return the clock's current day in the time zone the home lives in."""
    return clock.now().astimezone(tz).date()


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests, the demo and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by delta."""
        self._now += delta

    def set(self, when: datetime) -> None:
        """Jump to an aware datetime."""
        self._now = when.astimezone(UTC)


class OffsetClock:
    """The system clock shifted by a fixed offset (`demo --today`)."""

    def __init__(self, offset: timedelta) -> None:
        self._offset = offset

    def now(self) -> datetime:
        """Return the shifted current time in UTC."""
        return datetime.now(UTC) + self._offset
