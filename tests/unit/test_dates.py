"""Danish date input and ages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import age_on, parse_danish_date
from bot.domain.errors import InvalidInput

TODAY = date(2024, 6, 15)
XMAS_2015 = date(2015, 12, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("24.12.2015", XMAS_2015, id="dots"),
        pytest.param("24-12-2015", XMAS_2015, id="dashes"),
        pytest.param("24/12/2015", XMAS_2015, id="slashes"),
        pytest.param("24/12/15", XMAS_2015, id="two-digit-year"),
        pytest.param("2015-12-24", XMAS_2015, id="iso"),
        pytest.param("1.3.2015", date(2015, 3, 1), id="single-digit-day-month"),
        pytest.param("2015-3-1", date(2015, 3, 1), id="iso-single-digits"),
        pytest.param("24. december 2015", XMAS_2015, id="month-name-with-dot"),
        pytest.param("24 december 2015", XMAS_2015, id="month-name"),
        pytest.param("24 dec 2015", XMAS_2015, id="month-abbreviation"),
        pytest.param("24. dec. 2015", XMAS_2015, id="month-abbreviation-dotted"),
        pytest.param("12. marts 2015", date(2015, 3, 12), id="marts"),
        pytest.param("1 maj 2020", date(2020, 5, 1), id="maj"),
        pytest.param("5 okt 2019", date(2019, 10, 5), id="okt"),
        pytest.param("24. DECEMBER 2015", XMAS_2015, id="upper-case"),
        pytest.param("  24.12.2015 \n", XMAS_2015, id="surrounding-space"),
        pytest.param("29.02.2020", date(2020, 2, 29), id="leap-day"),
        pytest.param("i dag", TODAY, id="i-dag"),
        pytest.param("idag", TODAY, id="idag"),
        pytest.param("I dag", TODAY, id="i-dag-capital"),
        pytest.param("igår", date(2024, 6, 14), id="igaar"),
        pytest.param("i går", date(2024, 6, 14), id="i-gaar"),
        pytest.param("i morgen", date(2024, 6, 16), id="i-morgen"),
        pytest.param("imorgen", date(2024, 6, 16), id="imorgen"),
    ],
)
def test_parse_danish_date(text: str, expected: date) -> None:
    assert parse_danish_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2024, 3, 1), date(2024, 2, 29), id="into-leap-day"),
        pytest.param(date(2024, 1, 1), date(2023, 12, 31), id="into-last-year"),
    ],
)
def test_yesterday_crosses_boundaries(today: date, expected: date) -> None:
    assert parse_danish_date("igår", today) == expected


def test_tomorrow_crosses_the_year() -> None:
    assert parse_danish_date("i morgen", date(2024, 12, 31)) == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param("31.02.2020", "error.date_invalid", id="31-february"),
        pytest.param("29.02.2021", "error.date_invalid", id="leap-day-in-common-year"),
        pytest.param("00.01.2020", "error.date_invalid", id="day-zero"),
        pytest.param("01.13.2020", "error.date_invalid", id="month-13"),
        pytest.param("2020-13-01", "error.date_invalid", id="iso-month-13"),
        pytest.param("31. april 2020", "error.date_invalid", id="31-april-by-name"),
        pytest.param("hej", "error.date_format", id="word"),
        pytest.param("", "error.date_format", id="empty"),
        pytest.param("   ", "error.date_format", id="blank"),
        pytest.param("24.12", "error.date_format", id="no-year"),
        pytest.param("24.12.215", "error.date_format", id="three-digit-year"),
        pytest.param("24 decembr 2015", "error.date_format", id="misspelt-month"),
        pytest.param("24 dec 15", "error.date_format", id="month-name-two-digit-year"),
        pytest.param("2015/12/24", "error.date_format", id="iso-with-slashes"),
        pytest.param("24.12.2015 kl 10", "error.date_format", id="trailing-words"),
        pytest.param("i overmorgen", "error.date_format", id="day-after-tomorrow"),
    ],
)
def test_parse_danish_date_rejects(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_danish_date(text, TODAY)
    assert caught.value.text_key == key
    assert caught.value.params == {"value": text.strip()}


# The pivot: a two-digit year is 20yy unless that is more than 10 years after today's year.
@pytest.mark.parametrize(
    ("text", "today", "expected_year"),
    [
        pytest.param("01.01.00", date(2024, 6, 15), 2000, id="00-is-2000"),
        pytest.param("01.01.34", date(2024, 6, 15), 2034, id="ten-years-ahead-is-2000s"),
        pytest.param("01.01.35", date(2024, 6, 15), 1935, id="eleven-years-ahead-is-1900s"),
        pytest.param("01.01.99", date(2024, 6, 15), 1999, id="99-is-1999"),
        pytest.param("01.01.24", date(2024, 6, 15), 2024, id="this-year"),
        pytest.param("01.01.35", date(2025, 1, 1), 2035, id="pivot-moves-with-today"),
        pytest.param("01.01.36", date(2025, 12, 31), 1936, id="pivot-ends-at-plus-ten"),
    ],
)
def test_two_digit_years(text: str, today: date, expected_year: int) -> None:
    assert parse_danish_date(text, today).year == expected_year


def test_two_digit_year_follows_the_comment_past_2090() -> None:
    assert parse_danish_date("01.01.05", date(2099, 6, 1)) == date(2105, 1, 1)


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        pytest.param(date(2010, 5, 10), date(2010, 5, 10), 0, id="day-of-birth"),
        pytest.param(date(2010, 5, 10), date(2011, 5, 9), 0, id="day-before-first-birthday"),
        pytest.param(date(2010, 5, 10), date(2011, 5, 10), 1, id="first-birthday"),
        pytest.param(date(2006, 5, 10), date(2024, 5, 9), 17, id="day-before-18th"),
        pytest.param(date(2006, 5, 10), date(2024, 5, 10), 18, id="18th-birthday"),
        pytest.param(date(2006, 5, 10), date(2024, 5, 11), 18, id="day-after-18th"),
        pytest.param(date(2006, 12, 31), date(2024, 12, 31), 18, id="18th-on-new-years-eve"),
        pytest.param(date(2007, 1, 1), date(2024, 12, 31), 17, id="born-new-year-not-yet-18"),
        pytest.param(date(2000, 2, 29), date(2001, 2, 28), 0, id="leap-born-28-feb-common-year"),
        pytest.param(date(2000, 2, 29), date(2001, 3, 1), 1, id="leap-born-1-march-common-year"),
        pytest.param(date(2000, 2, 29), date(2004, 2, 28), 3, id="leap-born-28-feb-leap-year"),
        pytest.param(date(2000, 2, 29), date(2004, 2, 29), 4, id="leap-born-29-feb-leap-year"),
        pytest.param(date(2006, 2, 28), date(2024, 2, 28), 18, id="born-28-feb-18th"),
        pytest.param(date(2004, 2, 29), date(2022, 2, 28), 17, id="leap-born-not-18-on-28-feb"),
        pytest.param(date(2004, 2, 29), date(2022, 3, 1), 18, id="leap-born-18-on-1-march"),
    ],
)
def test_age_on(birth: date, on: date, expected: int) -> None:
    assert age_on(birth, on) == expected
