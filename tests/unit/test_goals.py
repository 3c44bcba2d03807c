"""Goal rules: vocabulary, intervals with month-end clamping, validation, next evaluation."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.goals import (
    MAX_TEXT_CHARS,
    Decision,
    EvaluationInterval,
    GoalSource,
    GoalType,
    IntervalUnit,
    MandatoryArea,
    ScoringFrequency,
    add_months,
    clean_rationale,
    clean_text,
    evaluation_period_start,
    format_date,
    latest_next_evaluation,
    missing_mandatory_areas,
    next_evaluation_date,
    validate_goal_fields,
)

MONTHS = IntervalUnit.MONTHS
WEEKS = IntervalUnit.WEEKS

# --- vocabulary --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        pytest.param(GoalType, ["udviklingsmaal", "vedligeholdelsesmaal", "andet"], id="type"),
        pytest.param(GoalSource, ["kommune", "tilbud"], id="source"),
        pytest.param(MandatoryArea, ["skole", "sociale_relationer"], id="area"),
        pytest.param(ScoringFrequency, ["daily", "per_shift", "weekly", "none"], id="frequency"),
        pytest.param(Decision, ["fortsaet", "juster", "afslut"], id="decision"),
        pytest.param(IntervalUnit, ["weeks", "months"], id="unit"),
    ],
)
def test_enum_values_match_the_spec(enum: type, values: list[str]) -> None:
    assert [member.value for member in enum] == values  # type: ignore[attr-defined]


def test_enums_compare_equal_to_their_stored_strings() -> None:
    assert ScoringFrequency("per_shift") is ScoringFrequency.PER_SHIFT
    assert Decision.FORTSAET == "fortsaet"


# --- add_months and intervals ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2026, 8, 31), 3, date(2026, 11, 30), id="31-aug-plus-3"),
        pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="31-jan-plus-1"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="31-jan-plus-1-leap"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="leap-day-plus-12"),
        pytest.param(date(2028, 2, 29), 1, date(2028, 3, 29), id="leap-day-plus-1"),
        pytest.param(date(2026, 11, 30), 3, date(2027, 2, 28), id="over-new-year"),
        pytest.param(date(2026, 12, 15), 1, date(2027, 1, 15), id="december-plus-1"),
        pytest.param(date(2026, 3, 31), -1, date(2026, 2, 28), id="backwards"),
        pytest.param(date(2026, 5, 17), 0, date(2026, 5, 17), id="zero"),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("interval", "day", "expected"),
    [
        pytest.param((3, MONTHS), date(2026, 8, 31), date(2026, 11, 30), id="31-aug-3-months"),
        pytest.param((1, MONTHS), date(2026, 1, 31), date(2026, 2, 28), id="31-jan-1-month"),
        pytest.param((2, MONTHS), date(2027, 12, 31), date(2028, 2, 29), id="into-leap-feb"),
        pytest.param((1, WEEKS), date(2026, 12, 28), date(2027, 1, 4), id="week-over-new-year"),
        pytest.param((13, WEEKS), date(2026, 1, 1), date(2026, 4, 2), id="13-weeks"),
    ],
)
def test_interval_add_to(interval: tuple[int, IntervalUnit], day: date, expected: date) -> None:
    assert EvaluationInterval(*interval).add_to(day) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3 måneder", (3, MONTHS), id="maaneder"),
        pytest.param("1 måned", (1, MONTHS), id="maaned"),
        pytest.param("2 mdr.", (2, MONTHS), id="mdr-dotted"),
        pytest.param("3mdr", (3, MONTHS), id="no-space"),
        pytest.param("3 maaneder", (3, MONTHS), id="folded"),
        pytest.param("1 month", (1, MONTHS), id="month-en"),
        pytest.param("6 uger", (6, WEEKS), id="uger"),
        pytest.param("1 uge", (1, WEEKS), id="uge"),
        pytest.param(" 13 UGER ", (13, WEEKS), id="upper-case-and-spaces"),
        pytest.param("2 weeks", (2, WEEKS), id="weeks-en"),
    ],
)
def test_interval_parse(text: str, expected: tuple[int, IntervalUnit]) -> None:
    assert EvaluationInterval.parse(text) == EvaluationInterval(*expected)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param("4 måneder", "goals.interval_too_long", id="4-months"),
        pytest.param("14 uger", "goals.interval_too_long", id="14-weeks"),
        pytest.param("0 uger", "goals.interval_too_short", id="zero"),
        pytest.param("3", "goals.interval_format", id="no-unit"),
        pytest.param("måneder", "goals.interval_format", id="no-count"),
        pytest.param("3 år", "goals.interval_format", id="years"),
        pytest.param("-1 uge", "goals.interval_format", id="negative"),
        pytest.param("tre måneder", "goals.interval_format", id="words"),
        pytest.param("", "goals.interval_format", id="empty"),
    ],
)
def test_interval_parse_refuses(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        EvaluationInterval.parse(text)
    assert caught.value.text_key == key


@pytest.mark.parametrize(
    ("count", "unit", "key"),
    [
        pytest.param(4, "months", "goals.interval_too_long", id="4-months"),
        pytest.param(14, "weeks", "goals.interval_too_long", id="14-weeks"),
        pytest.param(0, "months", "goals.interval_too_short", id="zero-months"),
        pytest.param(-2, "weeks", "goals.interval_too_short", id="negative-weeks"),
        pytest.param(2, "days", "goals.interval_format", id="unknown-unit"),
    ],
)
def test_interval_refuses_bad_values(count: int, unit: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        EvaluationInterval(count, unit)  # type: ignore[arg-type]
    assert caught.value.text_key == key


def test_interval_from_stored_strings_uses_the_enum() -> None:
    interval = EvaluationInterval(3, "months")  # type: ignore[arg-type]
    assert interval.unit is IntervalUnit.MONTHS
    assert interval.add_to(date(2026, 8, 31)) == date(2026, 11, 30)


# --- validation --------------------------------------------------------------------------

QUARTER = EvaluationInterval(3, MONTHS)


def test_validate_goal_fields_returns_the_trimmed_text() -> None:
    text = validate_goal_fields(
        "  Mia bruger talekort  \n", date(2026, 1, 1), date(2026, 1, 1), QUARTER
    )
    assert text == "Mia bruger talekort"


@pytest.mark.parametrize(
    ("text", "start", "end", "key"),
    [
        pytest.param("", date(2026, 1, 1), date(2026, 6, 1), "goals.text_empty", id="empty"),
        pytest.param(" \n\t", date(2026, 1, 1), date(2026, 6, 1), "goals.text_empty", id="blank"),
        pytest.param(
            "x" * (MAX_TEXT_CHARS + 1),
            date(2026, 1, 1),
            date(2026, 6, 1),
            "goals.text_too_long",
            id="too-long",
        ),
        pytest.param(
            "Mål", date(2026, 6, 2), date(2026, 6, 1), "goals.end_before_start", id="end-first"
        ),
    ],
)
def test_validate_goal_fields_refuses(text: str, start: date, end: date, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_goal_fields(text, start, end, QUARTER)
    assert caught.value.text_key == key


def test_text_at_the_limit_is_accepted() -> None:
    assert clean_text("x" * MAX_TEXT_CHARS) == "x" * MAX_TEXT_CHARS


def test_too_long_text_names_the_limit() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_text("x" * (MAX_TEXT_CHARS + 1))
    assert caught.value.params == {"limit": MAX_TEXT_CHARS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "", id="empty-allowed"),
        pytest.param("  fordi  ", "fordi", id="trimmed"),
        pytest.param("x" * MAX_TEXT_CHARS, "x" * MAX_TEXT_CHARS, id="at-limit"),
    ],
)
def test_clean_rationale(text: str, expected: str) -> None:
    assert clean_rationale(text) == expected


def test_clean_rationale_refuses_too_long() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_rationale("x" * (MAX_TEXT_CHARS + 1))
    assert caught.value.text_key == "goals.rationale_too_long"


# --- mandatory areas ---------------------------------------------------------------------

SKOLE = MandatoryArea.SKOLE
SOCIAL = MandatoryArea.SOCIALE_RELATIONER


@pytest.mark.parametrize(
    ("areas", "missing"),
    [
        pytest.param([], (SKOLE, SOCIAL), id="no-goals"),
        pytest.param([None, None], (SKOLE, SOCIAL), id="only-other-goals"),
        pytest.param([SOCIAL], (SKOLE,), id="school-missing"),
        pytest.param([None, SKOLE], (SOCIAL,), id="social-missing"),
        pytest.param([SOCIAL, SKOLE, SKOLE], (), id="both-covered"),
    ],
)
def test_missing_mandatory_areas(
    areas: list[MandatoryArea | None], missing: tuple[MandatoryArea, ...]
) -> None:
    assert missing_mandatory_areas(areas) == missing


# --- next evaluation ---------------------------------------------------------------------

EVALUATED = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("interval", "proposed", "expected"),
    [
        pytest.param((3, MONTHS), None, date(2027, 2, 28), id="default-3-months-clamped"),
        pytest.param((1, MONTHS), None, date(2026, 12, 30), id="default-1-month"),
        pytest.param((6, WEEKS), None, date(2027, 1, 11), id="default-6-weeks"),
        pytest.param((13, WEEKS), None, date(2027, 2, 28), id="13-weeks-capped-at-3-months"),
        pytest.param((1, MONTHS), date(2027, 1, 20), date(2027, 1, 20), id="proposed-later"),
        pytest.param((3, MONTHS), date(2026, 12, 10), date(2026, 12, 10), id="proposed-sooner"),
        pytest.param((3, MONTHS), date(2027, 2, 28), date(2027, 2, 28), id="proposed-at-cap"),
        pytest.param((3, MONTHS), EVALUATED, EVALUATED, id="proposed-same-day"),
    ],
)
def test_next_evaluation_date(
    interval: tuple[int, IntervalUnit], proposed: date | None, expected: date
) -> None:
    assert next_evaluation_date(EVALUATED, EvaluationInterval(*interval), proposed) == expected


@pytest.mark.parametrize(
    ("proposed", "key", "params"),
    [
        pytest.param(
            date(2026, 11, 29),
            "goals.next_date_past",
            {"evaluated_on": "30.11.2026"},
            id="day-before",
        ),
        pytest.param(
            date(2027, 3, 1), "goals.next_date_too_late", {"latest": "28.2.2027"}, id="after-cap"
        ),
        pytest.param(
            date(2028, 1, 1), "goals.next_date_too_late", {"latest": "28.2.2027"}, id="far-ahead"
        ),
    ],
)
def test_next_evaluation_date_refuses(proposed: date, key: str, params: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        next_evaluation_date(EVALUATED, QUARTER, proposed)
    assert caught.value.text_key == key
    assert caught.value.params == params


def test_latest_next_evaluation_is_three_months_on() -> None:
    assert latest_next_evaluation(date(2026, 8, 31)) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("last", "start", "expected"),
    [
        pytest.param(None, date(2026, 3, 4), date(2026, 3, 4), id="never-evaluated"),
        pytest.param(date(2026, 6, 30), date(2026, 3, 4), date(2026, 7, 1), id="day-after-last"),
        pytest.param(date(2026, 12, 31), date(2026, 3, 4), date(2027, 1, 1), id="over-new-year"),
        pytest.param(date(2026, 1, 10), date(2026, 3, 4), date(2026, 3, 4), id="start-moved"),
    ],
)
def test_evaluation_period_start(last: date | None, start: date, expected: date) -> None:
    assert evaluation_period_start(last, start) == expected


@pytest.mark.parametrize(
    ("day", "text"),
    [
        pytest.param(date(2026, 11, 23), "23.11.2026", id="two-digits"),
        pytest.param(date(2026, 3, 1), "1.3.2026", id="no-leading-zeros"),
    ],
)
def test_format_date(day: date, text: str) -> None:
    assert format_date(day) == text
