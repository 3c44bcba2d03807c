"""Indicator scores: the scale, scoring slots, response rate, trend and the period summary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.goals import ScoringFrequency
from bot.domain.scores import (
    DEFAULT_SCALE,
    DEFAULT_SHIFTS,
    LOW_RATE_THRESHOLD,
    IndicatorScale,
    ScaleLevel,
    ScoreSummary,
    Shift,
    Slot,
    Trend,
    active_days,
    combine,
    opportunities,
    response_rate,
    slope_per_30_days,
    slot_for,
    slot_span,
    summarize,
    trend,
    week_key,
)

CPH = ZoneInfo("Europe/Copenhagen")
DAILY = ScoringFrequency.DAILY
PER_SHIFT = ScoringFrequency.PER_SHIFT
WEEKLY = ScoringFrequency.WEEKLY
NONE = ScoringFrequency.NONE


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """Return a Copenhagen wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=CPH)


def utc_as_local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Return a UTC instant as Copenhagen shows it (the way a handler converts scored_at)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).astimezone(CPH)


# --- the scale ---------------------------------------------------------------------------


def test_default_scale_has_the_danish_labels() -> None:
    assert DEFAULT_SCALE.values == (1, 2, 3, 4, 5)
    assert [DEFAULT_SCALE.label(v) for v in DEFAULT_SCALE.values] == [
        "Meget stort støttebehov",
        "Stort støttebehov",
        "Noget støttebehov",
        "Lidt støttebehov",
        "Intet støttebehov",
    ]
    assert DEFAULT_SCALE.label(5, "en") == "No support need"
    assert (DEFAULT_SCALE.low, DEFAULT_SCALE.high) == (1, 5)


@pytest.mark.parametrize("score", [1, 3, 5])
def test_scale_accepts_its_values(score: int) -> None:
    assert DEFAULT_SCALE.check(score) == score


@pytest.mark.parametrize("score", [0, 6, -1, 100, True])
def test_scale_refuses_other_values(score: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        DEFAULT_SCALE.check(score)
    assert caught.value.text_key == "scores.off_scale"
    assert caught.value.params == {"low": 1, "high": 5}


def test_label_of_a_value_off_the_scale_fails_loudly() -> None:
    with pytest.raises(KeyError):
        DEFAULT_SCALE.label(7)


@pytest.mark.parametrize(
    "levels",
    [
        pytest.param((), id="empty"),
        pytest.param((ScaleLevel(2, "a", "a"), ScaleLevel(1, "b", "b")), id="decreasing"),
        pytest.param((ScaleLevel(1, "a", "a"), ScaleLevel(1, "b", "b")), id="duplicate"),
        pytest.param((ScaleLevel(1, " ", "a"),), id="blank-danish-label"),
        pytest.param((ScaleLevel(1, "a", ""),), id="empty-english-label"),
    ],
)
def test_a_broken_scale_is_refused(levels: tuple[ScaleLevel, ...]) -> None:
    with pytest.raises(ValueError, match="scale"):
        IndicatorScale(levels)


# --- slots -------------------------------------------------------------------------------


S, D, W = PER_SHIFT, DAILY, WEEKLY


@pytest.mark.parametrize(
    ("frequency", "when", "key"),
    [
        pytest.param(D, local(2026, 11, 23, 9), "2026-11-23", id="daily"),
        pytest.param(D, local(2026, 11, 23, 0, 5), "2026-11-23", id="daily-after-midnight"),
        pytest.param(NONE, local(2026, 11, 23, 23, 59), "2026-11-23", id="none-is-daily"),
        pytest.param(S, local(2026, 11, 23, 7), "2026-11-23/dag", id="dag-starts"),
        pytest.param(S, local(2026, 11, 23, 14, 59), "2026-11-23/dag", id="dag-ends"),
        pytest.param(S, local(2026, 11, 23, 15), "2026-11-23/aften", id="aften-starts"),
        pytest.param(S, local(2026, 11, 23, 22, 59), "2026-11-23/aften", id="aften-ends"),
        pytest.param(S, local(2026, 11, 23, 23), "2026-11-23/nat", id="nat-starts"),
        pytest.param(S, local(2026, 11, 24, 2), "2026-11-23/nat", id="nat-2am-is-day-before"),
        pytest.param(S, local(2026, 11, 24, 6, 59), "2026-11-23/nat", id="nat-ends"),
        pytest.param(S, local(2027, 1, 1, 3), "2026-12-31/nat", id="nat-new-years-eve"),
        pytest.param(S, local(2028, 3, 1, 1), "2028-02-29/nat", id="nat-leap-day"),
    ],
)
def test_slot_for_daily_and_shifts(frequency: ScoringFrequency, when: datetime, key: str) -> None:
    assert slot_for(frequency, when) == Slot(key, date.fromisoformat(key[:10]))


@pytest.mark.parametrize(
    ("when", "key", "monday"),
    [
        pytest.param(local(2026, 11, 23), "2026-W48", date(2026, 11, 23), id="monday"),
        pytest.param(local(2026, 11, 29, 23, 59), "2026-W48", date(2026, 11, 23), id="sunday"),
        pytest.param(local(2024, 12, 30), "2025-W01", date(2024, 12, 30), id="iso-year-ahead"),
        pytest.param(local(2027, 1, 1), "2026-W53", date(2026, 12, 28), id="iso-week-53"),
    ],
)
def test_slot_for_weekly_belongs_to_the_monday(when: datetime, key: str, monday: date) -> None:
    assert slot_for(WEEKLY, when) == Slot(key, monday)


# Europe/Copenhagen: summer time starts Sunday 29 March 2026 at 01:00 UTC (02:00 -> 03:00)
# and ends Sunday 25 October 2026 at 01:00 UTC (03:00 -> 02:00, so 02:00-03:00 runs twice).
# The ids give the local wall-clock time.
@pytest.mark.parametrize(
    ("frequency", "when", "key"),
    [
        pytest.param(S, utc_as_local(2026, 3, 28, 22, 30), "2026-03-28/nat", id="mar-2330-cet"),
        pytest.param(S, utc_as_local(2026, 3, 29, 0, 30), "2026-03-28/nat", id="mar-0130-cet"),
        pytest.param(S, utc_as_local(2026, 3, 29, 1, 30), "2026-03-28/nat", id="mar-0330-cest"),
        pytest.param(S, utc_as_local(2026, 3, 29, 4, 59), "2026-03-28/nat", id="mar-0659-cest"),
        pytest.param(S, utc_as_local(2026, 3, 29, 5, 0), "2026-03-29/dag", id="mar-0700-cest"),
        pytest.param(S, utc_as_local(2026, 3, 29, 13, 0), "2026-03-29/aften", id="mar-1500"),
        pytest.param(S, utc_as_local(2026, 3, 29, 21, 0), "2026-03-29/nat", id="mar-2300-cest"),
        pytest.param(D, utc_as_local(2026, 3, 28, 23, 30), "2026-03-29", id="mar-daily-0030"),
        pytest.param(D, utc_as_local(2026, 3, 29, 21, 59), "2026-03-29", id="mar-daily-2359"),
        pytest.param(S, utc_as_local(2026, 10, 24, 21, 0), "2026-10-24/nat", id="oct-2300-cest"),
        pytest.param(S, utc_as_local(2026, 10, 25, 0, 30), "2026-10-24/nat", id="oct-0230-first"),
        pytest.param(S, utc_as_local(2026, 10, 25, 1, 30), "2026-10-24/nat", id="oct-0230-again"),
        pytest.param(S, utc_as_local(2026, 10, 25, 5, 59), "2026-10-24/nat", id="oct-0659-cet"),
        pytest.param(S, utc_as_local(2026, 10, 25, 6, 0), "2026-10-25/dag", id="oct-0700-cet"),
        pytest.param(S, utc_as_local(2026, 10, 25, 13, 59), "2026-10-25/dag", id="oct-1459-cet"),
        pytest.param(S, utc_as_local(2026, 10, 25, 14, 0), "2026-10-25/aften", id="oct-1500"),
        pytest.param(D, utc_as_local(2026, 10, 24, 22, 30), "2026-10-25", id="oct-daily-0030"),
        pytest.param(D, utc_as_local(2026, 10, 25, 22, 59), "2026-10-25", id="oct-daily-2359"),
        pytest.param(W, utc_as_local(2026, 10, 25, 22, 59), "2026-W43", id="oct-weekly-sun-2359"),
        pytest.param(W, utc_as_local(2026, 10, 25, 23, 0), "2026-W44", id="oct-weekly-mon-0000"),
    ],
)
def test_slot_for_on_dst_change_days(frequency: ScoringFrequency, when: datetime, key: str) -> None:
    assert slot_for(frequency, when).key == key


def test_slot_for_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        slot_for(DAILY, datetime(2026, 11, 23, 9))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("hour", "key"),
    [
        pytest.param(0, "2026-11-23/nat", id="midnight-starts-a-shift"),
        pytest.param(7, "2026-11-23/nat", id="before-next"),
        pytest.param(8, "2026-11-23/dag", id="dag"),
        pytest.param(20, "2026-11-23/aften", id="aften"),
    ],
)
def test_slot_for_custom_shifts_given_in_any_order(hour: int, key: str) -> None:
    shifts = (Shift("aften", 16), Shift("nat", 0), Shift("dag", 8))
    assert slot_for(PER_SHIFT, local(2026, 11, 23, hour), shifts).key == key


@pytest.mark.parametrize(
    "shifts",
    [
        pytest.param((), id="none"),
        pytest.param((Shift("dag", 7), Shift("dag", 15)), id="same-name"),
        pytest.param((Shift("dag", 7), Shift("aften", 7)), id="same-hour"),
        pytest.param((Shift("dag", 24),), id="hour-24"),
        pytest.param((Shift("d/ag", 7),), id="slash-in-name"),
        pytest.param((Shift("", 7),), id="empty-name"),
    ],
)
def test_broken_shifts_are_refused(shifts: tuple[Shift, ...]) -> None:
    with pytest.raises(ValueError, match="shift"):
        slot_for(PER_SHIFT, local(2026, 11, 23, 9), shifts)


@pytest.mark.parametrize(
    ("key", "span"),
    [
        pytest.param("2026-11-23", (date(2026, 11, 23),) * 2, id="daily"),
        pytest.param("2026-11-23/nat", (date(2026, 11, 23),) * 2, id="per-shift"),
        pytest.param("2026-W48", (date(2026, 11, 23), date(2026, 11, 29)), id="weekly"),
        pytest.param("2026-W53", (date(2026, 12, 28), date(2027, 1, 3)), id="week-53"),
    ],
)
def test_slot_span(key: str, span: tuple[date, date]) -> None:
    assert slot_span(key) == span


@pytest.mark.parametrize("key", ["", "hej", "2026-13-01", "2026-W60"])
def test_slot_span_refuses_malformed_keys(key: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - date parsing words its own messages
        slot_span(key)


def test_week_key_pads_the_week() -> None:
    assert week_key(date(2026, 1, 5)) == "2026-W02"


# --- opportunities -----------------------------------------------------------------------

NOV1, NOV30 = date(2026, 11, 1), date(2026, 11, 30)  # Sunday (W44) to Monday (W49)
OCT1 = date(2026, 10, 1)


@pytest.mark.parametrize(
    ("frequency", "active_from", "active_until", "count"),
    [
        pytest.param(DAILY, OCT1, None, 30, id="daily-whole-period"),
        pytest.param(PER_SHIFT, OCT1, None, 90, id="per-shift-whole-period"),
        pytest.param(WEEKLY, OCT1, None, 6, id="weekly-partial-weeks-count"),
        pytest.param(NONE, OCT1, None, 0, id="none"),
        pytest.param(DAILY, date(2026, 11, 21), None, 10, id="daily-started-mid-period"),
        pytest.param(PER_SHIFT, date(2026, 11, 21), None, 30, id="per-shift-started-mid-period"),
        pytest.param(WEEKLY, date(2026, 11, 24), None, 2, id="weekly-started-mid-week"),
        pytest.param(DAILY, OCT1, date(2026, 11, 10), 10, id="daily-ended-mid-period"),
        pytest.param(WEEKLY, OCT1, date(2026, 11, 2), 2, id="weekly-ended-on-a-monday"),
        pytest.param(DAILY, date(2026, 11, 5), date(2026, 11, 6), 2, id="started-and-ended"),
        pytest.param(DAILY, date(2026, 11, 30), None, 1, id="started-on-the-last-day"),
        pytest.param(DAILY, date(2026, 12, 1), None, 0, id="starts-after-period"),
        pytest.param(PER_SHIFT, OCT1, date(2026, 10, 31), 0, id="ended-before-period"),
    ],
)
def test_opportunities_count(
    frequency: ScoringFrequency, active_from: date, active_until: date | None, count: int
) -> None:
    assert len(opportunities(frequency, NOV1, NOV30, active_from, active_until)) == count


def test_opportunities_are_the_slot_keys_in_order() -> None:
    days = opportunities(DAILY, NOV1, date(2026, 11, 3), OCT1, None)
    shifts = opportunities(PER_SHIFT, NOV1, date(2026, 11, 2), OCT1, None)
    weeks = opportunities(WEEKLY, NOV1, NOV30, OCT1, None)
    assert days == ("2026-11-01", "2026-11-02", "2026-11-03")
    assert shifts == tuple(f"2026-11-0{d}/{s}" for d in (1, 2) for s in ("dag", "aften", "nat"))
    assert weeks == ("2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49")


def test_per_shift_opportunities_across_dst_changes_are_three_a_day() -> None:
    since = date(2026, 1, 1)
    spring = opportunities(PER_SHIFT, date(2026, 3, 28), date(2026, 3, 30), since, None)
    autumn = opportunities(PER_SHIFT, date(2026, 10, 24), date(2026, 10, 26), since, None)
    assert len(spring) == len(autumn) == 9


def test_every_slot_of_a_day_is_an_opportunity() -> None:
    # Whatever hour a score is given, its slot is one that was expected that day or the day before.
    expected = set(opportunities(PER_SHIFT, date(2026, 10, 24), date(2026, 10, 25), OCT1, None))
    start = datetime(2026, 10, 24, 5, 0, tzinfo=UTC)  # 07:00 CEST on the 24th
    for quarter in range(4 * 48):
        when = (start + timedelta(minutes=15 * quarter)).astimezone(CPH)
        if when.date() <= date(2026, 10, 25) or when.hour < 7:
            assert slot_for(PER_SHIFT, when).key in expected, when


NOV10, NOV12 = date(2026, 11, 10), date(2026, 11, 12)


@pytest.mark.parametrize(
    ("active_from", "active_until", "expected"),
    [
        pytest.param(OCT1, None, (NOV1, NOV30), id="whole"),
        pytest.param(NOV10, NOV12, (NOV10, NOV12), id="inside"),
        pytest.param(OCT1, date(2026, 10, 31), None, id="before"),
    ],
)
def test_active_days(
    active_from: date, active_until: date | None, expected: tuple[date, date] | None
) -> None:
    assert active_days(NOV1, NOV30, active_from, active_until) == expected


# --- response rate -----------------------------------------------------------------------

NOV_DAYS = opportunities(DAILY, NOV1, NOV30, OCT1, None)
THREE_SHIFTS = ["2026-11-01/dag", "2026-11-01/nat", "2026-11-02/aften"]


@pytest.mark.parametrize(
    ("frequency", "scored", "expected"),
    [
        pytest.param(DAILY, [f"2026-11-{d:02d}" for d in range(1, 19)], 0.6, id="daily-18-of-30"),
        pytest.param(DAILY, [f"2026-11-{d:02d}" for d in range(1, 31)], 1.0, id="daily-all"),
        pytest.param(DAILY, [], 0.0, id="daily-none-scored"),
        pytest.param(S, THREE_SHIFTS, 3 / 90, id="per-shift"),
        pytest.param(WEEKLY, ["2026-W44", "2026-W46", "2026-W49"], 0.5, id="weekly"),
        pytest.param(NONE, ["2026-11-01"], None, id="none-has-no-rate"),
    ],
)
def test_response_rate_per_frequency(
    frequency: ScoringFrequency, scored: list[str], expected: float | None
) -> None:
    rate = response_rate(scored, opportunities(frequency, NOV1, NOV30, OCT1, None))
    assert rate == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("scored", "expected"),
    [
        pytest.param([*NOV_DAYS, "2026-10-31", "2026-12-01"], 1.0, id="extra-slots-never-above-1"),
        pytest.param(["2026-11-05", "2026-11-05", "2026-11-05"], 1 / 30, id="duplicates-once"),
        pytest.param(["2026-10-31", "2026-12-01"], 0.0, id="outside-the-period"),
        pytest.param(["2026-11-05/dag"], 0.0, id="other-frequency-key"),
    ],
)
def test_response_rate_counts_only_opportunities(scored: list[str], expected: float) -> None:
    assert response_rate(scored, NOV_DAYS) == pytest.approx(expected)


def test_response_rate_without_opportunities_is_none() -> None:
    assert response_rate(["2026-11-05"], ()) is None
    assert response_rate([], opportunities(DAILY, NOV1, NOV30, date(2027, 1, 1), None)) is None


# --- trend -------------------------------------------------------------------------------

T0 = datetime(2026, 9, 1, 10, tzinfo=UTC)


def series(*points: tuple[float, int]) -> list[tuple[datetime, int]]:
    """Return (time, score) points from (days after T0, score)."""
    return [(T0 + timedelta(days=days), score) for days, score in points]


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        pytest.param([], Trend.FOR_FAA, id="no-scores"),
        pytest.param(series((0, 1), (30, 5)), Trend.FOR_FAA, id="two-scores"),
        pytest.param(series((0, 1), (1, 2), (2, 3)), Trend.STIGENDE, id="rising-fast"),
        pytest.param(series((0, 4), (10, 3), (20, 2), (30, 2)), Trend.FALDENDE, id="falling"),
        pytest.param(series((0, 3), (10, 3), (20, 3)), Trend.STABIL, id="flat"),
        pytest.param(series((0, 3), (1, 4), (2, 3), (3, 4), (4, 3)), Trend.STABIL, id="zigzag"),
        pytest.param(series((0, 1), (120, 2), (240, 3)), Trend.STABIL, id="exactly-0.25"),
        pytest.param(series((0, 1), (110, 2), (220, 3)), Trend.STIGENDE, id="just-above-0.25"),
        pytest.param(series((0, 3), (110, 2), (220, 1)), Trend.FALDENDE, id="below-minus-0.25"),
        pytest.param(series((0, 3), (0, 4), (0, 5)), Trend.STABIL, id="all-at-one-instant"),
        pytest.param(series((20, 3), (0, 1), (10, 2)), Trend.STIGENDE, id="unordered-input"),
    ],
)
def test_trend(points: list[tuple[datetime, int]], expected: Trend) -> None:
    assert trend(points) is expected


@pytest.mark.parametrize(
    ("points", "slope"),
    [
        pytest.param(series((0, 1), (30, 2)), 1.0, id="one-step-a-month"),
        pytest.param(series((0, 5), (15, 4), (30, 3)), -2.0, id="two-steps-down"),
        pytest.param(series((0, 1), (0.5, 2)), 60.0, id="hours-count"),
        pytest.param(series((0, 1)), None, id="one-point"),
    ],
)
def test_slope_per_30_days(points: list[tuple[datetime, int]], slope: float | None) -> None:
    assert slope_per_30_days(points) == (None if slope is None else pytest.approx(slope))


# --- the summary of a period -------------------------------------------------------------


def scored(
    day: int, score: int, key: str | None = None, month: int = 11
) -> tuple[datetime, int, str]:
    """Return a (scored_at, score, slot_key) row scored at noon in Copenhagen."""
    when = local(2026, month, day, 12).astimezone(UTC)
    return when, score, key or f"2026-{month:02d}-{day:02d}"


def test_summarize_daily() -> None:
    rows = [scored(d, 2 + d // 10) for d in range(1, 19)]  # 18 of 30 days, rising 2 -> 3 -> 3
    summary = summarize(rows, DAILY, (NOV1, NOV30), (OCT1, None))
    assert summary.count == 18
    assert summary.latest == 3
    assert summary.mean == pytest.approx(sum(2 + d // 10 for d in range(1, 19)) / 18)
    assert summary.trend is Trend.STIGENDE
    assert summary.response_rate == pytest.approx(0.6)
    assert (summary.scored_slots, summary.opportunities) == (18, 30)
    assert summary.low is False  # 60 % is not below 60 %


def test_summarize_flags_a_low_rate() -> None:
    rows = [scored(d, 3) for d in range(1, 18)]  # 17 of 30
    summary = summarize(rows, DAILY, (NOV1, NOV30), (OCT1, None))
    assert summary.response_rate == pytest.approx(17 / 30)
    assert summary.low is True
    assert summarize(rows, DAILY, (NOV1, NOV30), (OCT1, None), threshold=0.5).low is False
    assert LOW_RATE_THRESHOLD == 0.60


def test_summarize_leaves_out_scores_outside_the_period() -> None:
    rows = [
        scored(31, 1, month=10),
        scored(5, 4),
        scored(6, 4),
        scored(7, 4),
        scored(1, 5, month=12),
    ]
    summary = summarize(rows, DAILY, (NOV1, NOV30), (OCT1, None))
    assert summary.count == 3
    assert summary.latest == 4
    assert summary.mean == 4.0
    assert summary.trend is Trend.STABIL
    assert summary.scored_slots == 3


def test_summarize_sub_goal_started_mid_period() -> None:
    rows = [scored(d, 3) for d in range(21, 31)]
    summary = summarize(rows, DAILY, (NOV1, NOV30), (date(2026, 11, 21), None))
    assert summary.response_rate == 1.0
    assert summary.opportunities == 10


def test_summarize_sub_goal_ended_mid_period() -> None:
    rows = [scored(d, 3) for d in range(1, 6)]
    summary = summarize(rows, DAILY, (NOV1, NOV30), (OCT1, date(2026, 11, 10)))
    assert summary.response_rate == pytest.approx(0.5)
    assert summary.low is True


def test_summarize_night_slot_scored_after_the_last_day() -> None:
    # The nat shift of 30 November is scored at 02:00 on 1 December: it belongs to the period.
    night = local(2026, 12, 1, 2)
    slot = slot_for(PER_SHIFT, night)
    rows = [(night.astimezone(UTC), 4, slot.key)]
    summary = summarize(rows, PER_SHIFT, (NOV1, NOV30), (OCT1, None))
    assert slot.key == "2026-11-30/nat"
    assert summary.count == 1
    assert summary.scored_slots == 1


def test_summarize_weekly_counts_a_week_that_straddles_the_start() -> None:
    rows = [(local(2026, 11, 1).astimezone(UTC), 3, "2026-W44"), scored(30, 4, "2026-W49")]
    summary = summarize(rows, WEEKLY, (NOV1, NOV30), (OCT1, None))
    assert summary.count == 2
    assert summary.response_rate == pytest.approx(2 / 6)


def test_summarize_frequency_none_keeps_scores_but_has_no_rate() -> None:
    rows = [scored(d, 2) for d in (3, 9, 20)]
    summary = summarize(rows, NONE, (NOV1, NOV30), (OCT1, None))
    assert summary.count == 3
    assert summary.response_rate is None
    assert summary.low is False
    assert summary.opportunities == 0


def test_summarize_no_scores() -> None:
    summary = summarize([], DAILY, (NOV1, NOV30), (OCT1, None))
    assert (summary.count, summary.latest, summary.mean) == (0, None, None)
    assert summary.trend is Trend.FOR_FAA
    assert summary.response_rate == 0.0
    assert summary.low is True


def test_summarize_latest_follows_time_not_input_order() -> None:
    rows = [scored(20, 5), scored(2, 1), scored(11, 3)]
    assert summarize(rows, DAILY, (NOV1, NOV30), (OCT1, None)).latest == 5


def test_default_shifts_are_dag_aften_nat() -> None:
    assert [(s.name, s.start_hour) for s in DEFAULT_SHIFTS] == [
        ("dag", 7),
        ("aften", 15),
        ("nat", 23),
    ]


def test_combine_pools_the_sub_goals_of_a_goal() -> None:
    day = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    daily = ScoreSummary(2, 4, 3.0, Trend.FOR_FAA, 0.5, False, 2, 4)
    weekly = ScoreSummary(1, 1, 1.0, Trend.FOR_FAA, 1.0, False, 1, 1)
    pooled = combine(
        [
            (daily, [(day, 2), (day + timedelta(days=2), 4)]),
            (weekly, [(day + timedelta(days=1), 1)]),
        ],
        threshold=0.7,
    )
    assert pooled is not None
    assert (pooled.count, pooled.latest, pooled.scored_slots, pooled.opportunities) == (3, 4, 3, 5)
    assert pooled.mean == pytest.approx(7 / 3)
    assert pooled.response_rate == pytest.approx(0.6)
    assert pooled.low is True
    assert combine([]) is None
