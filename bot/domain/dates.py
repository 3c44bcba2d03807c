"""Dates as Danish staff type them: 12.3.2015, 12-03-2015, 2015-03-12, 12. marts 2015, i dag."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.errors import InvalidInput

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})$")


def parse_danish_date(text: str, today: date) -> date:
    """Parse a typed date, or raise InvalidInput with the key 'error.date_format'."""
    raw = text.strip().lower()
    if raw in {"i dag", "idag", "today"}:
        return today
    if raw in {"i går", "igår", "i gaar", "yesterday"}:
        return today - timedelta(days=1)
    if raw in {"i morgen", "imorgen", "tomorrow"}:
        return today + timedelta(days=1)
    year = month = day = 0
    if m := _ISO.match(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.match(raw):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            # Two-digit years: the latest century that puts the date at most 10 years ahead.
            year += today.year // 100 * 100
            if year > today.year + 10:
                year -= 100
            elif year + 100 <= today.year + 10:
                year += 100
    elif (m := _WORDS.match(raw)) and m[2] in MONTHS:
        day, month, year = int(m[1]), MONTHS[m[2]], int(m[3])
    else:
        raise InvalidInput("error.date_format", value=text.strip())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("error.date_invalid", value=text.strip()) from None


_DM = re.compile(r"^(\d{1,2})[./-](\d{1,2})\.?$")
_DM_WORDS = re.compile(r"^(\d{1,2})\.?\s+([a-zæøå]+)\.?$")


def parse_near_date(text: str, today: date) -> date:
    """Parse a typed date near today: also without a year ("1.12", "1. dec"), which is then
    the one of last, this or next year closest to today (typed 22.11: 1.12 is 1.12 this year,
    2.1 is next January, 18.11 is four days ago)."""
    raw = text.strip().lower()
    day = month = 0
    if m := _DM.match(raw):
        day, month = int(m[1]), int(m[2])
    elif (m := _DM_WORDS.match(raw)) and m[2] in MONTHS:
        day, month = int(m[1]), MONTHS[m[2]]
    else:
        return parse_danish_date(text, today)
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29.2 outside a leap year, or 31.4
    if not candidates:
        raise InvalidInput("error.date_invalid", value=text.strip())
    return min(candidates, key=lambda d: abs((d - today).days))


def age_on(birth_date: date, on: date) -> int:
    """Return the age in whole years on a day (born 29 February: birthday 1 March)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


WEEKDAYS = {
    "mandag": 0, "man": 0, "monday": 0, "mon": 0,
    "tirsdag": 1, "tir": 1, "tuesday": 1, "tue": 1,
    "onsdag": 2, "ons": 2, "wednesday": 2, "wed": 2,
    "torsdag": 3, "tor": 3, "thursday": 3, "thu": 3,
    "fredag": 4, "fre": 4, "friday": 4, "fri": 4,
    "lørdag": 5, "lør": 5, "saturday": 5, "sat": 5,
    "søndag": 6, "søn": 6, "sunday": 6, "sun": 6,
}  # fmt: skip
WEEKDAY_NAMES_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def parse_weekday(text: str) -> int:
    """Parse a weekday name (Danish or English, or 1–7 from Monday) to 0 = Monday … 6."""
    raw = text.strip().lower().rstrip(".")
    if raw.isdigit() and 1 <= int(raw) <= 7:
        return int(raw) - 1
    if raw in WEEKDAYS:
        return WEEKDAYS[raw]
    raise InvalidInput("error.weekday", value=text.strip())
