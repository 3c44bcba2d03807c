"""Indicator scores: the scale, scoring slots, response rate (svarprocent) and trend."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from bot.domain.errors import InvalidInput
from bot.domain.goals import ScoringFrequency

LOW_RATE_THRESHOLD = 0.60  # below this the scores cannot carry an evaluation
TREND_STEP = 0.25  # scale steps per 30 days that count as a change
TREND_MIN_SCORES = 3
TREND_DAYS = 30
_DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class Shift:
    """A named shift that starts at a whole local hour and lasts until the next one starts."""

    name: str
    start_hour: int


DEFAULT_SHIFTS: tuple[Shift, ...] = (Shift("dag", 7), Shift("aften", 15), Shift("nat", 23))


@dataclass(frozen=True, slots=True)
class ScaleLevel:
    """One step of an indicator scale with its Danish and English label."""

    value: int
    label_da: str
    label_en: str


@dataclass(frozen=True, slots=True)
class IndicatorScale:
    """An ordinal scale of support need; levels in increasing order of value."""

    levels: tuple[ScaleLevel, ...]

    def __post_init__(self) -> None:
        values = [level.value for level in self.levels]
        if not values or values != sorted(set(values)):
            raise ValueError("a scale needs distinct values in increasing order")
        if not all(level.label_da.strip() and level.label_en.strip() for level in self.levels):
            raise ValueError("every scale level needs a Danish and an English label")

    @property
    def values(self) -> tuple[int, ...]:
        """Return the values of the scale, lowest first."""
        return tuple(level.value for level in self.levels)

    @property
    def low(self) -> int:
        """Return the lowest value."""
        return self.levels[0].value

    @property
    def high(self) -> int:
        """Return the highest value."""
        return self.levels[-1].value

    def label(self, value: int, locale: Literal["da", "en"] = "da") -> str:
        """Return the label of a value on the scale (KeyError if it is not on it)."""
        for level in self.levels:
            if level.value == value:
                return level.label_en if locale == "en" else level.label_da
        raise KeyError(value)

    def check(self, score: int) -> int:
        """Return the score if it is on the scale, else raise InvalidInput."""
        # bool is an int; True must not pass as the score 1.
        if isinstance(score, bool) or score not in self.values:
            raise InvalidInput("scores.off_scale", low=self.low, high=self.high)
        return score


DEFAULT_SCALE = IndicatorScale(
    (
        ScaleLevel(1, "Meget stort støttebehov", "Very high support need"),
        ScaleLevel(2, "Stort støttebehov", "High support need"),
        ScaleLevel(3, "Noget støttebehov", "Some support need"),
        ScaleLevel(4, "Lidt støttebehov", "Little support need"),
        ScaleLevel(5, "Intet støttebehov", "No support need"),
    )
)


class Trend(StrEnum):
    """Which way the scores of a period go."""

    FOR_FAA = "for_faa"  # too few scores to tell
    STIGENDE = "stigende"
    FALDENDE = "faldende"
    STABIL = "stabil"


@dataclass(frozen=True, slots=True)
class Slot:
    """A scoring slot: its key (unique per sub-goal) and the local day it belongs to.

    For a weekly slot the day is the Monday of the ISO week, so the day follows from the key.
    """

    key: str
    day: date


def _ordered_shifts(shifts: Sequence[Shift]) -> tuple[Shift, ...]:
    ordered = tuple(sorted(shifts, key=lambda shift: shift.start_hour))
    names = [shift.name for shift in ordered]
    hours = [shift.start_hour for shift in ordered]
    if not ordered or len(set(names)) != len(names) or len(set(hours)) != len(hours):
        raise ValueError("shifts need distinct names and distinct start hours")
    if not all(0 <= hour <= 23 for hour in hours):
        raise ValueError("a shift starts at an hour from 0 to 23")
    if not all(name and "/" not in name for name in names):
        raise ValueError("a shift name is a non-empty word without '/'")
    return ordered


def week_key(day: date) -> str:
    """Return the ISO week key of a day, e.g. 2026-W48."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def slot_for(
    frequency: ScoringFrequency, local_dt: datetime, shifts: Sequence[Shift] = DEFAULT_SHIFTS
) -> Slot:
    """Return the slot a score given at a local (Europe/Copenhagen) wall-clock time fills."""
    if local_dt.tzinfo is None:
        raise ValueError("slot_for needs an aware local datetime")
    day = local_dt.date()
    if frequency is ScoringFrequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Slot(week_key(day), monday)
    if frequency is ScoringFrequency.PER_SHIFT:
        ordered = _ordered_shifts(shifts)
        started = [shift for shift in ordered if shift.start_hour <= local_dt.hour]
        if started:
            shift = started[-1]
        else:
            # Before the first shift of the day: still the last shift that began yesterday.
            shift, day = ordered[-1], day - timedelta(days=1)
        return Slot(f"{day.isoformat()}/{shift.name}", day)
    return Slot(day.isoformat(), day)


def _days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def active_days(
    period_start: date, period_end: date, active_from: date, active_until: date | None
) -> tuple[date, date] | None:
    """Return the first and last day of the period the sub-goal was active, or None."""
    first = max(period_start, active_from)
    last = period_end if active_until is None else min(period_end, active_until)
    return (first, last) if first <= last else None


def opportunities(
    frequency: ScoringFrequency,
    period_start: date,
    period_end: date,
    active_from: date,
    active_until: date | None,
    shifts: Sequence[Shift] = DEFAULT_SHIFTS,
) -> tuple[str, ...]:
    """Return the keys of the slots expected to be scored in a period, oldest first."""
    span = active_days(period_start, period_end, active_from, active_until)
    if span is None or frequency is ScoringFrequency.NONE:
        return ()
    days = _days(*span)
    if frequency is ScoringFrequency.DAILY:
        return tuple(day.isoformat() for day in days)
    if frequency is ScoringFrequency.PER_SHIFT:
        ordered = _ordered_shifts(shifts)
        return tuple(f"{day.isoformat()}/{shift.name}" for day in days for shift in ordered)
    return tuple(dict.fromkeys(week_key(day) for day in days))


def response_rate(
    scored_slot_keys: Collection[str], opportunity_keys: Collection[str]
) -> float | None:
    """Return the share of opportunities that got a score, or None when there were none."""
    expected = set(opportunity_keys)
    if not expected:
        return None
    return len(expected & set(scored_slot_keys)) / len(expected)


def slot_span(key: str) -> tuple[date, date]:
    """Return the first and last local day a slot key covers (ValueError if malformed)."""
    if "-W" in key:
        year, week = key.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        return monday, monday + timedelta(days=6)
    day = date.fromisoformat(key.split("/", 1)[0])
    return day, day


def slope_per_30_days(points: Sequence[tuple[datetime, int]]) -> float | None:
    """Return the least-squares slope of the scores in scale steps per 30 days, or None."""
    if len(points) < 2:
        return None
    ordered = sorted(points, key=lambda point: point[0])
    origin = ordered[0][0]
    xs = [(when - origin).total_seconds() / _DAY_SECONDS for when, _ in ordered]
    ys = [float(score) for _, score in ordered]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None  # all at one instant: no direction in time
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope * TREND_DAYS


def trend(points: Sequence[tuple[datetime, int]]) -> Trend:
    """Tell whether the scores rise, fall or hold; too few (under 3) tell nothing."""
    if len(points) < TREND_MIN_SCORES:
        return Trend.FOR_FAA
    slope = slope_per_30_days(points)
    if slope is None:
        return Trend.STABIL
    if slope > TREND_STEP:
        return Trend.STIGENDE
    if slope < -TREND_STEP:
        return Trend.FALDENDE
    return Trend.STABIL


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """The quantitative part of an evaluation for one sub-goal over one period."""

    count: int  # scores whose slot lies in the period
    latest: int | None
    mean: float | None
    trend: Trend
    response_rate: float | None
    low: bool  # the response rate is below the threshold: the scores cannot carry it
    scored_slots: int  # opportunities that got a score
    opportunities: int


def summarize(
    scores: Sequence[tuple[datetime, int, str]],
    frequency: ScoringFrequency,
    period: tuple[date, date],
    active: tuple[date, date | None],
    *,
    shifts: Sequence[Shift] = DEFAULT_SHIFTS,
    threshold: float = LOW_RATE_THRESHOLD,
) -> ScoreSummary:
    """Summarize (scored_at, score, slot_key) rows of a sub-goal for an evaluation period."""
    period_start, period_end = period
    in_period = sorted(
        (row for row in scores if _overlaps(slot_span(row[2]), period_start, period_end)),
        key=lambda row: row[0],
    )
    expected = opportunities(frequency, period_start, period_end, *active, shifts=shifts)
    scored = set(expected) & {key for _, _, key in in_period}
    rate = response_rate(scored, expected)
    values = [score for _, score, _ in in_period]
    return ScoreSummary(
        count=len(in_period),
        latest=values[-1] if values else None,
        mean=sum(values) / len(values) if values else None,
        trend=trend([(when, score) for when, score, _ in in_period]),
        response_rate=rate,
        low=rate is not None and rate < threshold,
        scored_slots=len(scored),
        opportunities=len(expected),
    )


def _overlaps(span: tuple[date, date], start: date, end: date) -> bool:
    return span[0] <= end and start <= span[1]


def combine(
    parts: Sequence[tuple[ScoreSummary, Sequence[tuple[datetime, int]]]],
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> ScoreSummary | None:
    """Pool the summaries of a goal's sub-goals (each with its scores in the period).

    Counts and slots add up, the mean is over all scores, the latest is the newest score of
    any sub-goal, the trend is fitted to all of them; None when no sub-goal is scored.
    """
    if not parts:
        return None
    points = sorted((point for _, scores in parts for point in scores), key=lambda p: p[0])
    values = [score for _, score in points]
    scored = sum(summary.scored_slots for summary, _ in parts)
    expected = sum(summary.opportunities for summary, _ in parts)
    rate = min(1.0, scored / expected) if expected else None
    return ScoreSummary(
        count=len(values),
        latest=values[-1] if values else None,
        mean=sum(values) / len(values) if values else None,
        trend=trend(points),
        response_rate=rate,
        low=rate is not None and rate < threshold,
        scored_slots=scored,
        opportunities=expected,
    )
