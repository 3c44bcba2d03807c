"""Note rules: time windows, shortening for cards and lists, splitting for Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.notes import (
    ELLIPSIS,
    TELEGRAM_TEXT_LIMIT,
    clean_note_text,
    shorten,
    split_for_telegram,
    within,
)

PROSE = (
    "Mia pegede på saften ved frokost og smilede, da hun fik den. "
    "Hun brugte sit talekort to gange uden hjælp, og vi ventede roligt på svaret. "
) * 200  # about 28,000 characters of ordinary words

# --- within ------------------------------------------------------------------------------

CREATED = datetime(2024, 6, 15, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=5)
MICRO = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(CREATED, True, id="at-creation"),
        pytest.param(CREATED + timedelta(minutes=2), True, id="inside"),
        pytest.param(CREATED + WINDOW - MICRO, True, id="just-before-end"),
        pytest.param(CREATED + WINDOW, True, id="exactly-at-end"),
        pytest.param(CREATED + WINDOW + MICRO, False, id="one-microsecond-after"),
        pytest.param(CREATED + timedelta(days=1), False, id="long-after"),
        pytest.param(CREATED - MICRO, False, id="before-creation"),
    ],
)
def test_within(now: datetime, expected: bool) -> None:
    assert within(CREATED, now, WINDOW) is expected


def test_within_compares_instants_across_time_zones() -> None:
    from zoneinfo import ZoneInfo

    copenhagen = (CREATED + WINDOW).astimezone(ZoneInfo("Europe/Copenhagen"))
    assert within(CREATED, copenhagen, WINDOW)
    assert not within(CREATED, copenhagen + MICRO, WINDOW)


# --- shorten -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("", 10, "", id="empty"),
        pytest.param("kort", 10, "kort", id="under-limit"),
        pytest.param("a" * 10, 10, "a" * 10, id="exactly-at-limit"),
        pytest.param("a" * 11, 10, "a" * 9 + ELLIPSIS, id="one-over-cuts-word"),
        pytest.param("aaaa bbbb cccc", 12, "aaaa bbbb" + ELLIPSIS, id="prefers-word-boundary"),
        pytest.param("aa bbbbbbbbbbbb", 12, "aa bbbbbbbb" + ELLIPSIS, id="early-space-ignored"),
        pytest.param("aaaaaaaa    bbbb", 12, "aaaaaaaa" + ELLIPSIS, id="no-trailing-space-kept"),
        pytest.param("abc", 1, ELLIPSIS, id="limit-one"),
        pytest.param("hej\nmed dig", 8, "hej\nmed" + ELLIPSIS, id="keeps-line-break"),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        pytest.param(PROSE, 200, id="prose-list-limit"),
        pytest.param(PROSE, 3000, id="prose-card-limit"),
        pytest.param("x" * 5000, 200, id="one-long-word"),
        pytest.param(" " * 50 + "y" * 50, 60, id="leading-spaces"),
        pytest.param("ord " * 100, 37, id="odd-limit"),
        pytest.param("æøå " * 100, 2, id="limit-two"),
    ],
)
def test_shorten_stays_within_limit_and_is_a_prefix(text: str, limit: int) -> None:
    result = shorten(text, limit)
    assert len(result) <= limit
    assert result.endswith(ELLIPSIS)
    assert text.startswith(result.removesuffix(ELLIPSIS))


def test_shorten_never_cuts_prose_mid_word() -> None:
    result = shorten(PROSE, 200).removesuffix(ELLIPSIS)
    assert PROSE[len(result)] == " "


# --- split_for_telegram ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        pytest.param(PROSE, TELEGRAM_TEXT_LIMIT, id="prose-default-limit"),
        pytest.param(PROSE, 100, id="prose-small-limit"),
        pytest.param(PROSE.replace(". ", ".\n"), 500, id="prose-with-lines"),
        pytest.param("ord " * 3000, 4096, id="repeated-words"),
        pytest.param("a\n" * 5000, 4096, id="many-short-lines"),
    ],
)
def test_split_keeps_every_word_and_limit(text: str, limit: int) -> None:
    parts = split_for_telegram(text, limit)
    assert len(parts) > 1
    assert all(0 < len(part) <= limit for part in parts)
    assert " ".join(parts).split() == text.split()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [""], id="empty-is-one-empty-part"),
        pytest.param("kort note", ["kort note"], id="short-unchanged"),
        pytest.param("x" * 4096, ["x" * 4096], id="exactly-at-limit"),
        pytest.param("  hej  ", ["  hej  "], id="short-text-not-stripped"),
    ],
)
def test_split_short_texts(text: str, expected: list[str]) -> None:
    assert split_for_telegram(text) == expected


def test_split_single_huge_word() -> None:
    word = "x" * 10_000
    parts = split_for_telegram(word)
    assert [len(p) for p in parts] == [4096, 4096, 10_000 - 2 * 4096]
    assert "".join(parts) == word


def test_split_prefers_line_break_to_space() -> None:
    text = "aaaa bbbb ccc\ndd ee ff gg hh"
    assert split_for_telegram(text, 20) == ["aaaa bbbb ccc", "dd ee ff gg hh"]


def test_split_ignores_line_break_in_first_half() -> None:
    # A break early in the window would make a tiny part; the last space is used instead.
    text = "aa\nbbbb cccc dddd eeee ffff"
    assert split_for_telegram(text, 20) == ["aa\nbbbb cccc dddd", "eeee ffff"]


def test_split_cuts_hard_without_breaks_in_second_half() -> None:
    text = "aa " + "b" * 30
    assert split_for_telegram(text, 20) == ["aa " + "b" * 17, "b" * 13]


@pytest.mark.parametrize("limit", [pytest.param(0, id="zero"), pytest.param(1, id="one")])
def test_split_refuses_tiny_limits(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        split_for_telegram("abc", limit)


def test_split_never_yields_an_empty_part_for_non_blank_text() -> None:
    parts = split_for_telegram(" " * 60 + "y" * 60, 100)
    assert all(part.strip() for part in parts)


# --- clean_note_text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("  hej  ", "hej", id="spaces"),
        pytest.param("\n\thej\n\n", "hej", id="line-breaks-and-tabs"),
        pytest.param("hej\n\nmed dig", "hej\n\nmed dig", id="inner-line-breaks-kept"),
        pytest.param("a  b", "a  b", id="inner-spaces-kept"),
        pytest.param("", "", id="empty"),
        pytest.param(" \n ", "", id="blank"),
        pytest.param("\u00a0hej\u00a0", "hej", id="no-break-spaces"),
    ],
)
def test_clean_note_text(text: str, expected: str) -> None:
    assert clean_note_text(text) == expected
