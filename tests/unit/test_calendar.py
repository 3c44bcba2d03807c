"""Danish public holidays, reminder hours and the next reminder window across DST changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import (
    DEFAULT_HOURS,
    ReminderHours,
    danish_public_holidays,
    easter_sunday,
    format_minute,
    is_public_holiday,
    next_window_start,
    within_hours,
)

CPH = ZoneInfo("Europe/Copenhagen")
EVERY_DAY = ReminderHours(weekends=True, holidays=True)
SPRING_FORWARD = date(2027, 3, 28)  # also Påskedag 2027
FALL_BACK = date(2027, 10, 31)


def cph(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """Build a Copenhagen wall time (fold=0, the first occurrence of a repeated hour)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=CPH)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Build a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def is_valid_wall_time(at: datetime) -> bool:
    """Tell whether `at` is a wall time that occurs, with the fold that names its instant."""
    again = at.astimezone(UTC).astimezone(at.tzinfo)
    return (again.replace(tzinfo=None), again.fold) == (at.replace(tzinfo=None), at.fold)


# --- Easter and holidays -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(1818, date(1818, 3, 22), id="1818-earliest-possible"),
        pytest.param(1943, date(1943, 4, 25), id="1943-latest-possible"),
        pytest.param(2000, date(2000, 4, 23), id="2000"),
        pytest.param(2008, date(2008, 3, 23), id="2008"),
        pytest.param(2011, date(2011, 4, 24), id="2011"),
        pytest.param(2019, date(2019, 4, 21), id="2019"),
        pytest.param(2023, date(2023, 4, 9), id="2023"),
        pytest.param(2024, date(2024, 3, 31), id="2024"),
        pytest.param(2025, date(2025, 4, 20), id="2025"),
        pytest.param(2026, date(2026, 4, 5), id="2026"),
        pytest.param(2027, date(2027, 3, 28), id="2027-on-spring-forward"),
        pytest.param(2038, date(2038, 4, 25), id="2038-latest-possible"),
        pytest.param(2285, date(2285, 3, 22), id="2285-earliest-possible"),
    ],
)
def test_easter_sunday_known_years(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_easter_is_a_sunday_between_22_march_and_25_april() -> None:
    for year in range(1583, 3000):
        easter = easter_sunday(year)
        assert easter.weekday() == 6, year
        assert date(year, 3, 22) <= easter <= date(year, 4, 25), year


def test_holidays_2023_include_store_bededag() -> None:
    assert dict(danish_public_holidays(2023)) == {
        date(2023, 1, 1): "Nytårsdag",
        date(2023, 4, 6): "Skærtorsdag",
        date(2023, 4, 7): "Langfredag",
        date(2023, 4, 9): "Påskedag",
        date(2023, 4, 10): "2. påskedag",
        date(2023, 5, 5): "Store bededag",
        date(2023, 5, 18): "Kristi himmelfartsdag",
        date(2023, 5, 28): "Pinsedag",
        date(2023, 5, 29): "2. pinsedag",
        date(2023, 12, 25): "Juledag",
        date(2023, 12, 26): "2. juledag",
    }


def test_holidays_2024_have_no_store_bededag() -> None:
    assert dict(danish_public_holidays(2024)) == {
        date(2024, 1, 1): "Nytårsdag",
        date(2024, 3, 28): "Skærtorsdag",
        date(2024, 3, 29): "Langfredag",
        date(2024, 3, 31): "Påskedag",
        date(2024, 4, 1): "2. påskedag",
        date(2024, 5, 9): "Kristi himmelfartsdag",
        date(2024, 5, 19): "Pinsedag",
        date(2024, 5, 20): "2. pinsedag",
        date(2024, 12, 25): "Juledag",
        date(2024, 12, 26): "2. juledag",
    }


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(date(2027, 3, 25), "Skærtorsdag", id="skaertorsdag-2027"),
        pytest.param(date(2027, 3, 26), "Langfredag", id="langfredag-2027"),
        pytest.param(date(2027, 3, 28), "Påskedag", id="paaskedag-2027"),
        pytest.param(date(2027, 3, 29), "2. påskedag", id="2-paaskedag-2027"),
        pytest.param(date(2027, 5, 6), "Kristi himmelfartsdag", id="kristi-himmelfart-2027"),
        pytest.param(date(2027, 5, 16), "Pinsedag", id="pinsedag-2027"),
        pytest.param(date(2027, 5, 17), "2. pinsedag", id="2-pinsedag-2027"),
        pytest.param(date(2022, 5, 13), "Store bededag", id="store-bededag-2022"),
        pytest.param(date(2285, 3, 19), "Skærtorsdag", id="skaertorsdag-before-earliest-easter"),
        pytest.param(date(2038, 6, 14), "2. pinsedag", id="2-pinsedag-after-latest-easter"),
    ],
)
def test_movable_holidays(day: date, name: str) -> None:
    assert danish_public_holidays(day.year)[day] == name


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2025, 1, 1), True, id="nytaarsdag"),
        pytest.param(date(2025, 12, 25), True, id="juledag"),
        pytest.param(date(2025, 12, 26), True, id="2-juledag"),
        pytest.param(date(2023, 5, 5), True, id="store-bededag-2023"),
        pytest.param(date(2024, 4, 26), False, id="store-bededag-abolished-2024"),
        pytest.param(date(2027, 4, 23), False, id="store-bededag-abolished-2027"),
        pytest.param(date(2024, 6, 5), False, id="grundlovsdag"),
        pytest.param(date(2024, 12, 24), False, id="juleaftensdag"),
        pytest.param(date(2024, 12, 31), False, id="nytaarsaftensdag"),
        pytest.param(date(2027, 5, 5), False, id="day-before-kristi-himmelfart"),
        pytest.param(date(2027, 5, 6), True, id="kristi-himmelfart-2027"),
        pytest.param(date(2027, 3, 27), False, id="paaskelørdag"),
    ],
)
def test_is_public_holiday(day: date, expected: bool) -> None:
    assert is_public_holiday(day) is expected


def test_holidays_are_cached_and_read_only() -> None:
    holidays = danish_public_holidays(2026)
    assert danish_public_holidays(2026) is holidays
    with pytest.raises(TypeError):
        holidays[date(2026, 6, 5)] = "Grundlovsdag"  # type: ignore[index]
    assert date(2026, 6, 5) not in danish_public_holidays(2026)


# --- ReminderHours -------------------------------------------------------------------------------


def test_default_hours() -> None:
    assert dataclasses.astuple(DEFAULT_HOURS) == (7 * 60, 21 * 60, False, False)


def test_hours_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_HOURS.start_minute = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(420, 420, id="empty"),
        pytest.param(1260, 420, id="reversed"),
        pytest.param(-1, 420, id="start-before-midnight"),
        pytest.param(420, 1441, id="end-after-midnight"),
        pytest.param(1440, 1440, id="start-at-midnight"),
    ],
)
def test_bad_hours_raise(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="start < end"):
        ReminderHours(start, end)


def test_whole_day_is_allowed() -> None:
    hours = ReminderHours(0, 24 * 60)
    assert (hours.start_minute, hours.end_minute) == (0, 1440)


@pytest.mark.parametrize(
    ("minute", "text"),
    [
        pytest.param(0, "00:00", id="midnight"),
        pytest.param(59, "00:59", id="minute-59"),
        pytest.param(7 * 60, "07:00", id="seven"),
        pytest.param(21 * 60 + 30, "21:30", id="half-past-nine"),
        pytest.param(24 * 60, "24:00", id="end-of-day"),
    ],
)
def test_format_minute(minute: int, text: str) -> None:
    assert format_minute(minute) == text


@pytest.mark.parametrize("minute", [-1, 24 * 60 + 1])
def test_format_minute_rejects_out_of_range(minute: int) -> None:
    with pytest.raises(ValueError, match="minute"):
        format_minute(minute)


# --- within_hours --------------------------------------------------------------------------------

WEDNESDAY = (2027, 3, 3)
SATURDAY = (2027, 3, 6)
SUNDAY = (2027, 3, 7)


@pytest.mark.parametrize(
    ("hours", "local", "expected"),
    [
        pytest.param(DEFAULT_HOURS, cph(*WEDNESDAY, 6, 59), False, id="06:59"),
        pytest.param(DEFAULT_HOURS, cph(*WEDNESDAY, 6, 59, 59), False, id="06:59:59"),
        pytest.param(DEFAULT_HOURS, cph(*WEDNESDAY, 7, 0), True, id="07:00"),
        pytest.param(DEFAULT_HOURS, cph(*WEDNESDAY, 20, 59), True, id="20:59"),
        pytest.param(DEFAULT_HOURS, cph(*WEDNESDAY, 20, 59, 59), True, id="20:59:59"),
        pytest.param(DEFAULT_HOURS, cph(*WEDNESDAY, 21, 0), False, id="21:00"),
        pytest.param(ReminderHours(end_minute=1440), cph(*WEDNESDAY, 23, 59), True, id="end-24"),
        pytest.param(ReminderHours(0, 60), cph(*WEDNESDAY, 0, 0), True, id="start-midnight"),
        pytest.param(ReminderHours(0, 60), cph(*WEDNESDAY, 1, 0), False, id="end-01:00"),
        pytest.param(DEFAULT_HOURS, cph(*SATURDAY, 10, 0), False, id="saturday"),
        pytest.param(DEFAULT_HOURS, cph(*SUNDAY, 10, 0), False, id="sunday"),
        pytest.param(ReminderHours(weekends=True), cph(*SATURDAY, 10), True, id="saturday-opt-in"),
        pytest.param(ReminderHours(weekends=True), cph(*SUNDAY, 10), True, id="sunday-opt-in"),
        pytest.param(ReminderHours(weekends=True), cph(*SUNDAY, 6, 59), False, id="sunday-early"),
        pytest.param(DEFAULT_HOURS, cph(2027, 3, 29, 10), False, id="2-paaskedag"),
        pytest.param(ReminderHours(holidays=True), cph(2027, 3, 29, 10), True, id="holiday-opt-in"),
        pytest.param(
            ReminderHours(holidays=True), cph(2027, 3, 29, 21), False, id="holiday-after-hours"
        ),
        pytest.param(DEFAULT_HOURS, cph(2023, 5, 5, 10), False, id="store-bededag-2023"),
        pytest.param(DEFAULT_HOURS, cph(2024, 4, 26, 10), True, id="ex-store-bededag-2024"),
        pytest.param(DEFAULT_HOURS, cph(2024, 6, 5, 10), True, id="grundlovsdag-is-workday"),
        pytest.param(DEFAULT_HOURS, cph(2025, 12, 24, 10), True, id="juleaftensdag-is-workday"),
        pytest.param(ReminderHours(weekends=True), cph(2027, 3, 28, 10), False, id="sun-holiday"),
        pytest.param(ReminderHours(holidays=True), cph(2027, 3, 28, 10), False, id="holiday-sun"),
        pytest.param(EVERY_DAY, cph(2027, 3, 28, 10), True, id="sunday-holiday-both-opt-ins"),
    ],
)
def test_within_hours(hours: ReminderHours, local: datetime, expected: bool) -> None:
    assert within_hours(hours, local) is expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Spring forward 2027-03-28: 07:00 is 05:00 UTC that day, 06:00 UTC the day before.
        pytest.param(utc(2027, 3, 27, 5, 59), False, id="sat-06:59-cet"),
        pytest.param(utc(2027, 3, 27, 6, 0), True, id="sat-07:00-cet"),
        pytest.param(utc(2027, 3, 28, 4, 59), False, id="sun-06:59-cest"),
        pytest.param(utc(2027, 3, 28, 5, 0), True, id="sun-07:00-cest"),
        pytest.param(utc(2027, 3, 28, 18, 59), True, id="sun-20:59-cest"),
        pytest.param(utc(2027, 3, 28, 19, 0), False, id="sun-21:00-cest"),
        # Fall back 2027-10-31: 07:00 is 05:00 UTC the day before, 06:00 UTC that day.
        pytest.param(utc(2027, 10, 30, 5, 0), True, id="sat-07:00-cest"),
        pytest.param(utc(2027, 10, 31, 5, 0), False, id="sun-06:00-cet"),
        pytest.param(utc(2027, 10, 31, 5, 59), False, id="sun-06:59-cet"),
        pytest.param(utc(2027, 10, 31, 6, 0), True, id="sun-07:00-cet"),
        pytest.param(utc(2027, 10, 31, 19, 59), True, id="sun-20:59-cet"),
        pytest.param(utc(2027, 10, 31, 20, 0), False, id="sun-21:00-cet"),
    ],
)
def test_within_hours_uses_wall_clock_across_dst(instant: datetime, expected: bool) -> None:
    assert within_hours(EVERY_DAY, instant.astimezone(CPH)) is expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        pytest.param(utc(2027, 10, 31, 0, 30), True, id="02:30-cest-first-pass"),
        pytest.param(utc(2027, 10, 31, 1, 30), True, id="02:30-cet-second-pass"),
        pytest.param(utc(2027, 10, 31, 2, 0), False, id="03:00-cet"),
        pytest.param(utc(2027, 3, 28, 0, 59), False, id="01:59-cet-before-gap"),
        pytest.param(utc(2027, 3, 28, 1, 0), False, id="03:00-cest-after-gap"),
    ],
)
def test_within_hours_in_the_changing_hour(instant: datetime, expected: bool) -> None:
    assert within_hours(ReminderHours(2 * 60, 3 * 60, True, True), instant.astimezone(CPH)) is (
        expected
    )


def test_within_hours_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        within_hours(DEFAULT_HOURS, datetime(2027, 3, 3, 10, 0))  # noqa: DTZ001 - naive on purpose


# --- next_window_start ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "local", "expected"),
    [
        pytest.param(
            DEFAULT_HOURS, cph(2027, 3, 19, 22), cph(2027, 3, 22, 7), id="friday-night-to-monday"
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2027, 3, 26, 22), cph(2027, 3, 30, 7), id="langfredag-to-tuesday"
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2027, 3, 24, 22), cph(2027, 3, 30, 7), id="whole-easter-skipped"
        ),
        pytest.param(
            ReminderHours(holidays=True),
            cph(2027, 3, 26, 22),
            cph(2027, 3, 29, 7),
            id="holiday-opt-in-lands-2-paaskedag",
        ),
        pytest.param(
            ReminderHours(weekends=True),
            cph(2027, 3, 26, 22),
            cph(2027, 3, 27, 7),
            id="weekend-opt-in-lands-paaskelørdag",
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2027, 3, 22, 6, 0), cph(2027, 3, 22, 7), id="early-same-day"
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2027, 3, 22, 6, 59, 59), cph(2027, 3, 22, 7), id="one-second-early"
        ),
        pytest.param(DEFAULT_HOURS, cph(2027, 3, 22, 21, 0), cph(2027, 3, 23, 7), id="at-end"),
        pytest.param(
            DEFAULT_HOURS, cph(2027, 5, 5, 21, 0), cph(2027, 5, 7, 7), id="kristi-himmelfart-2027"
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2027, 5, 14, 22), cph(2027, 5, 18, 7), id="pinse-2027-to-tuesday"
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2023, 5, 4, 22), cph(2023, 5, 8, 7), id="store-bededag-2023"
        ),
        pytest.param(
            DEFAULT_HOURS, cph(2024, 4, 25, 22), cph(2024, 4, 26, 7), id="no-store-bededag-2024"
        ),
        pytest.param(DEFAULT_HOURS, cph(2025, 12, 23, 22), cph(2025, 12, 24, 7), id="juleaften"),
        pytest.param(
            DEFAULT_HOURS, cph(2025, 12, 24, 22), cph(2025, 12, 29, 7), id="christmas-to-monday"
        ),
        pytest.param(DEFAULT_HOURS, cph(2025, 12, 31, 22), cph(2026, 1, 2, 7), id="over-new-year"),
        pytest.param(
            ReminderHours(22 * 60, 24 * 60),
            cph(2027, 3, 3, 23, 59, 30),
            cph(2027, 3, 3, 23, 59, 30),
            id="inside-window-until-midnight",
        ),
        pytest.param(
            ReminderHours(0, 60), cph(2027, 3, 3, 1, 0), cph(2027, 3, 4, 0, 0), id="from-midnight"
        ),
    ],
)
def test_next_window_start(hours: ReminderHours, local: datetime, expected: datetime) -> None:
    assert next_window_start(hours, local) == expected


def test_next_window_start_returns_local_when_inside() -> None:
    local = cph(2027, 3, 3, 10, 15, 30)
    assert next_window_start(DEFAULT_HOURS, local).isoformat() == local.isoformat()


@pytest.mark.parametrize(
    ("hours", "local", "expected_utc"),
    [
        pytest.param(
            DEFAULT_HOURS,
            cph(2027, 3, 26, 22),
            utc(2027, 3, 30, 5),
            id="cet-friday-to-cest-tuesday",
        ),
        pytest.param(
            EVERY_DAY, cph(2027, 3, 27, 22), utc(2027, 3, 28, 5), id="spring-forward-07:00-cest"
        ),
        pytest.param(
            ReminderHours(2 * 60 + 30, 21 * 60, True, True),
            cph(2027, 3, 28, 0, 0),
            utc(2027, 3, 28, 1, 0),
            id="start-02:30-in-gap-gives-03:00",
        ),
        pytest.param(
            ReminderHours(2 * 60, 21 * 60, True, True),
            cph(2027, 3, 28, 1, 30),
            utc(2027, 3, 28, 1, 0),
            id="start-02:00-in-gap-gives-03:00",
        ),
        pytest.param(
            ReminderHours(3 * 60, 21 * 60, True, True),
            cph(2027, 3, 28, 1, 30),
            utc(2027, 3, 28, 1, 0),
            id="start-03:00-after-gap",
        ),
        pytest.param(
            ReminderHours(2 * 60 + 30, 2 * 60 + 45, True, True),
            cph(2027, 3, 28, 0, 0),
            utc(2027, 3, 29, 0, 30),
            id="window-inside-gap-skips-the-day",
        ),
        pytest.param(
            EVERY_DAY, cph(2027, 10, 30, 22), utc(2027, 10, 31, 6), id="fall-back-07:00-cet"
        ),
        pytest.param(
            DEFAULT_HOURS,
            cph(2027, 10, 29, 22),
            utc(2027, 11, 1, 6),
            id="cest-friday-to-cet-monday",
        ),
        pytest.param(
            ReminderHours(2 * 60 + 30, 21 * 60, True, True),
            cph(2027, 10, 31, 0, 0),
            utc(2027, 10, 31, 0, 30),
            id="ambiguous-start-first-occurrence",
        ),
        pytest.param(
            ReminderHours(2 * 60 + 30, 21 * 60, True, True),
            utc(2027, 10, 31, 1, 10).astimezone(CPH),
            utc(2027, 10, 31, 1, 30),
            id="ambiguous-start-second-occurrence-after-02:10-cet",
        ),
        pytest.param(
            ReminderHours(2 * 60 + 30, 2 * 60 + 40, True, True),
            cph(2027, 10, 31, 2, 50),
            utc(2027, 10, 31, 1, 30),
            id="short-window-repeats-after-fall-back",
        ),
        pytest.param(
            ReminderHours(60, 2 * 60 + 45, True, True),
            cph(2027, 10, 31, 2, 50),
            utc(2027, 10, 31, 1, 0),
            id="clocks-going-back-re-enter-window",
        ),
        pytest.param(
            ReminderHours(60, 2 * 60 + 45, True, True),
            utc(2027, 10, 31, 1, 50).astimezone(CPH),
            utc(2027, 11, 1, 0, 0),
            id="second-pass-after-window-waits-a-day",
        ),
    ],
)
def test_next_window_start_across_dst(
    hours: ReminderHours, local: datetime, expected_utc: datetime
) -> None:
    result = next_window_start(hours, local)
    assert result.astimezone(UTC) == expected_utc
    assert result.tzinfo is CPH
    assert is_valid_wall_time(result)
    assert within_hours(hours, result)


def test_spring_forward_gap_start_reads_03_00() -> None:
    result = next_window_start(
        ReminderHours(2 * 60 + 30, 21 * 60, True, True), cph(2027, 3, 28, 0, 0)
    )
    assert (result.hour, result.minute, result.utcoffset()) == (3, 0, timedelta(hours=2))


def test_next_window_start_reads_non_existent_local_as_its_instant() -> None:
    # 02:30 does not exist on 2027-03-28; fold=0 reads it with the winter offset: 03:30 CEST.
    result = next_window_start(ReminderHours(2 * 60, 21 * 60, True, True), cph(2027, 3, 28, 2, 30))
    assert result.astimezone(UTC) == utc(2027, 3, 28, 1, 30)
    assert (result.hour, result.minute) == (3, 30)
    assert is_valid_wall_time(result)


def test_next_window_start_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_window_start(DEFAULT_HOURS, datetime(2027, 3, 3, 22))  # noqa: DTZ001 - on purpose


def _brute_force_next(hours: ReminderHours, local: datetime) -> datetime:
    """Find the next in-window instant by walking whole UTC minutes (the oracle)."""
    if within_hours(hours, local):
        return local
    step = local.astimezone(UTC).replace(second=0, microsecond=0)
    for _ in range(3 * 24 * 60):
        step += timedelta(minutes=1)
        if within_hours(hours, step.astimezone(CPH)):
            return step.astimezone(CPH)
    raise AssertionError("no window within three days")


@pytest.mark.parametrize(
    "hours",
    [
        pytest.param(EVERY_DAY, id="07-21"),
        pytest.param(ReminderHours(2 * 60, 3 * 60, True, True), id="02-03"),
        pytest.param(ReminderHours(2 * 60 + 30, 21 * 60, True, True), id="0230-21"),
        pytest.param(ReminderHours(60, 2 * 60 + 45, True, True), id="01-0245"),
        pytest.param(ReminderHours(2 * 60 + 15, 2 * 60 + 45, True, True), id="0215-0245"),
        pytest.param(ReminderHours(0, 24 * 60, True, True), id="all-day"),
    ],
)
@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK], ids=["spring", "fall"])
def test_next_window_start_matches_minute_by_minute_search(hours: ReminderHours, day: date) -> None:
    # Every 10 minutes (plus 20 seconds) from 23:00 to 04:00 local, around the change at 01:00 UTC.
    first = datetime.combine(day - timedelta(days=1), time(22, 0, 20), tzinfo=UTC)
    for step in range(6 * 6):
        local = (first + timedelta(minutes=10 * step)).astimezone(CPH)
        expected = _brute_force_next(hours, local)
        result = next_window_start(hours, local)
        assert result.astimezone(UTC) == expected.astimezone(UTC), local
        assert is_valid_wall_time(result), result
