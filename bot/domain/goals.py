"""Goals and sub-goals: their vocabulary, evaluation intervals and the next-evaluation rules."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.errors import InvalidInput

MAX_TEXT_CHARS = 2000  # goal text and rationale alike (the column width in storage)
MAX_INTERVAL_MONTHS = 3  # evaluated at least every 3rd month (DOMAIN.md, seed 004)
MAX_INTERVAL_WEEKS = 13


class GoalType(StrEnum):
    """What kind of goal it is (seed 001, "Ved oprettelse af mål")."""

    UDVIKLINGSMAAL = "udviklingsmaal"
    VEDLIGEHOLDELSESMAAL = "vedligeholdelsesmaal"
    ANDET = "andet"


class GoalSource(StrEnum):
    """Where a goal comes from: the municipality's handleplan or the offer itself."""

    KOMMUNE = "kommune"
    TILBUD = "tilbud"


class MandatoryArea(StrEnum):
    """The two areas every resident must have an individual goal for (seed 004)."""

    SKOLE = "skole"
    SOCIALE_RELATIONER = "sociale_relationer"


class ScoringFrequency(StrEnum):
    """How often a sub-goal is expected to get an indicator score."""

    DAILY = "daily"
    PER_SHIFT = "per_shift"
    WEEKLY = "weekly"
    NONE = "none"


class Decision(StrEnum):
    """How an evaluation ends (seed 004): continue, adjust or end the goal."""

    FORTSAET = "fortsaet"
    JUSTER = "juster"
    AFSLUT = "afslut"


class IntervalUnit(StrEnum):
    """The unit an evaluation interval is counted in."""

    WEEKS = "weeks"
    MONTHS = "months"


_UNIT_WORDS = {
    IntervalUnit.MONTHS: (
        "m", "md", "mdr", "mdrs", "måned", "måneder", "måneds", "maaned", "maaneder",
        "month", "months", "mo",
    ),
    IntervalUnit.WEEKS: ("u", "uge", "uger", "ugers", "w", "wk", "wks", "week", "weeks"),
}  # fmt: skip
_UNITS = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_INTERVAL = re.compile(r"^(\d{1,3})\s*([a-zæøå]+)\.?$")


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """Return day moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if day.day <= 28:  # every month has the day: no month length (monthrange is slow)
        return date(year, month + 1, day.day)
    last = 29 if month == 1 and calendar.isleap(year) else _DAYS_IN_MONTH[month]
    return date(year, month + 1, min(day.day, last))


def format_date(day: date) -> str:
    """Format a date the Danish way without leading zeros: 23.11.2026."""
    return f"{day.day}.{day.month}.{day.year}"


@dataclass(frozen=True, slots=True)
class EvaluationInterval:
    """How often a goal or sub-goal is evaluated: 1..3 months or 1..13 weeks."""

    count: int
    unit: IntervalUnit

    def __post_init__(self) -> None:
        try:
            # Storage hands the unit over as a plain string; keep the enum so `is` works.
            object.__setattr__(self, "unit", IntervalUnit(self.unit))
        except ValueError:
            raise InvalidInput("goals.interval_format", value=f"{self.count} {self.unit}") from None
        if self.count < 1:
            raise InvalidInput("goals.interval_too_short")
        limit = MAX_INTERVAL_MONTHS if self.unit is IntervalUnit.MONTHS else MAX_INTERVAL_WEEKS
        if self.count > limit:
            raise InvalidInput("goals.interval_too_long")

    @classmethod
    def parse(cls, text: str) -> EvaluationInterval:
        """Parse a typed interval such as "3 måneder", "3 mdr", "6 uger" or "2 weeks"."""
        raw = text.strip().lower()
        match = _INTERVAL.match(raw)
        if match is None or match[2] not in _UNITS:
            raise InvalidInput("goals.interval_format", value=text.strip())
        return cls(int(match[1]), _UNITS[match[2]])

    def add_to(self, day: date) -> date:
        """Return the day one interval after day (months clamp to the month's end)."""
        if self.unit is IntervalUnit.MONTHS:
            return add_months(day, self.count)
        return day + timedelta(weeks=self.count)


def clean_text(text: str) -> str:
    """Return a goal or sub-goal text trimmed, or raise InvalidInput if empty or too long."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("goals.text_empty")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise InvalidInput("goals.text_too_long", limit=MAX_TEXT_CHARS)
    return cleaned


def clean_rationale(text: str) -> str:
    """Return a rationale or method text trimmed (it may be empty), or raise if too long."""
    cleaned = text.strip()
    if len(cleaned) > MAX_TEXT_CHARS:
        raise InvalidInput("goals.rationale_too_long", limit=MAX_TEXT_CHARS)
    return cleaned


def validate_goal_fields(
    text: str, start_date: date, end_date: date, interval: EvaluationInterval
) -> str:
    """Check a goal's text, dates and interval together; return the cleaned text."""
    cleaned = clean_text(text)
    if end_date < start_date:
        raise InvalidInput("goals.end_before_start")
    # The interval re-checks itself, so a value built around __post_init__ is caught too.
    EvaluationInterval(interval.count, interval.unit)
    return cleaned


def missing_mandatory_areas(areas: Iterable[MandatoryArea | None]) -> tuple[MandatoryArea, ...]:
    """Return the mandatory areas that none of the given (active goals') areas covers."""
    covered = {area for area in areas if area is not None}
    return tuple(area for area in MandatoryArea if area not in covered)


def latest_next_evaluation(evaluated_on: date) -> date:
    """Return the latest allowed next evaluation: three months after this one."""
    return add_months(evaluated_on, MAX_INTERVAL_MONTHS)


def next_evaluation_date(
    evaluated_on: date, interval: EvaluationInterval, proposed: date | None = None
) -> date:
    """Return the next evaluation date: the proposed one if allowed, else one interval on."""
    latest = latest_next_evaluation(evaluated_on)
    if proposed is None:
        # 13 weeks can be a day or two more than 3 months; the 3-month rule wins.
        return min(interval.add_to(evaluated_on), latest)
    if proposed < evaluated_on:
        raise InvalidInput("goals.next_date_past", evaluated_on=format_date(evaluated_on))
    if proposed > latest:
        raise InvalidInput("goals.next_date_too_late", latest=format_date(latest))
    return proposed


def evaluation_period_start(last_evaluated_on: date | None, start_date: date) -> date:
    """Return the first day of the period an evaluation covers."""
    if last_evaluated_on is None:
        return start_date
    # An evaluation dated before the (since moved) start must not stretch the period back.
    return max(last_evaluated_on + timedelta(days=1), start_date)
