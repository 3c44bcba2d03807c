"""Callback data: every button family packs to <= 64 bytes and parses only its own shape."""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Any, get_type_hints

import pytest

from bot.handlers import callbacks
from bot.handlers.callbacks import (
    MAX_CALLBACK_BYTES,
    BadCallbackData,
    CallbackData,
    InvitePress,
    MyNotePress,
    NoteCardPress,
)

FAMILIES: list[type[CallbackData]] = sorted(
    (
        cls
        for _, cls in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(cls, CallbackData)
        and cls is not CallbackData
        and cls.__module__ == callbacks.__name__
    ),
    key=lambda cls: cls.__name__,
)
WORD = re.compile(r"[a-z]{1,8}")
BIG = 10**15 - 1  # the largest 15-digit id
INTS = (0, 1, -1, BIG, -BIG)
WORDS = ("a", "zz", "abcdefgh")


def _family_id(cls: type[CallbackData]) -> str:
    return cls.__name__


def _int_fields(cls: type[CallbackData]) -> list[str]:
    hints = get_type_hints(cls)
    return [f.name for f in dataclasses.fields(cls) if hints[f.name] is int]  # type: ignore[arg-type]


def _fields(cls: type[CallbackData]) -> list[dataclasses.Field[Any]]:
    return list(dataclasses.fields(cls))  # type: ignore[arg-type]


def _codes(cls: type[CallbackData]) -> list[str]:
    """The word constants a family declares for its buttons (SAVE = "s" …)."""
    return sorted(
        {
            value
            for name, value in vars(cls).items()
            if name.isupper() and name != "PREFIX" and isinstance(value, str)
        }
    )


def _instance(cls: type[CallbackData], number: int, word: str) -> CallbackData:
    ints = set(_int_fields(cls))
    return cls(**{f.name: number if f.name in ints else word for f in _fields(cls)})


def _extreme_cases() -> list[Any]:
    cases = []
    for cls in FAMILIES:
        for number in INTS:
            for word in (*WORDS, *_codes(cls)):
                cases.append(
                    pytest.param(_instance(cls, number, word), id=f"{cls.__name__}-{number}-{word}")
                )
    return cases


def _valid(cls: type[CallbackData]) -> str:
    return _instance(cls, 7, "a").pack()


def test_families_are_discovered() -> None:
    names = {cls.__name__ for cls in FAMILIES}
    assert {"NoteCardPress", "MyNotePress", "ResidentNotesPress", "InvitePress"} <= names
    assert "ResidentPress" in names


def test_prefixes_are_unique_words() -> None:
    prefixes = [cls.PREFIX for cls in FAMILIES]
    assert len(prefixes) == len(set(prefixes))
    assert all(WORD.fullmatch(p) for p in prefixes)


@pytest.mark.parametrize("cls", FAMILIES, ids=_family_id)
def test_family_is_a_frozen_dataclass(cls: type[CallbackData]) -> None:
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert _fields(cls)
    hints = get_type_hints(cls)
    assert all(hints[f.name] in {int, str} for f in _fields(cls))


@pytest.mark.parametrize("cls", FAMILIES, ids=_family_id)
def test_button_codes_are_valid_words(cls: type[CallbackData]) -> None:
    for code in _codes(cls):
        assert WORD.fullmatch(code), code


def test_note_card_actions_list_every_code() -> None:
    codes = {
        value
        for name, value in vars(NoteCardPress).items()
        if name.isupper() and name not in {"PREFIX", "ACTIONS"}
    }
    assert codes == NoteCardPress.ACTIONS


def test_invite_role_codes_are_valid_words() -> None:
    from bot.handlers.invites import CODE_ROLES, ROLE_CODES

    assert len(CODE_ROLES) == len(ROLE_CODES)
    for code in ROLE_CODES.values():
        press = InvitePress(code, BIG)
        assert InvitePress.parse(press.pack()) == press


@pytest.mark.parametrize("press", _extreme_cases())
def test_round_trip(press: CallbackData) -> None:
    data = press.pack()
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert type(press).parse(data) == press
    assert type(press).pattern().match(data)


@pytest.mark.parametrize("cls", FAMILIES, ids=_family_id)
def test_longest_packing_fits(cls: type[CallbackData]) -> None:
    data = _instance(cls, -BIG, "abcdefgh").pack()
    assert len(data.encode()) <= MAX_CALLBACK_BYTES


@pytest.mark.parametrize("cls", FAMILIES, ids=_family_id)
def test_patterns_route_only_their_own_family(cls: type[CallbackData]) -> None:
    own = _valid(cls)
    for other in FAMILIES:
        assert bool(other.pattern().match(own)) is (other is cls), other.__name__


def _generic_rejects(cls: type[CallbackData]) -> list[Any]:
    valid = _valid(cls)
    prefix, *parts = valid.split(":")
    other_prefix = "q" if cls.PREFIX != "q" else "w"
    cases = {
        "none": None,
        "empty": "",
        "prefix-only": prefix,
        "prefix-colon": prefix + ":",
        "wrong-prefix": ":".join([other_prefix, *parts]),
        "prefix-uppercase": ":".join([prefix.upper(), *parts]),
        "too-many-parts": valid + ":1",
        "trailing-colon": valid + ":",
        "too-long": valid + ":" + "1" * MAX_CALLBACK_BYTES,
    }
    if len(parts) > 1:
        cases["too-few-parts"] = ":".join([prefix, *parts[:-1]])
    hints = get_type_hints(cls)
    for i, field in enumerate(_fields(cls)):

        def with_part(value: str, i: int = i) -> str:
            return ":".join([prefix, *parts[:i], value, *parts[i + 1 :]])

        if hints[field.name] is int:
            cases[f"{field.name}-word"] = with_part("abc")
            cases[f"{field.name}-float"] = with_part("1.5")
            cases[f"{field.name}-empty"] = with_part("")
            cases[f"{field.name}-16-digits"] = with_part("1" * 16)
            cases[f"{field.name}-plus-sign"] = with_part("+1")
            cases[f"{field.name}-space"] = with_part(" 1")
            cases[f"{field.name}-underscore"] = with_part("1_000")
        else:
            cases[f"{field.name}-uppercase"] = with_part("A")
            cases[f"{field.name}-9-letters"] = with_part("abcdefghi")
            cases[f"{field.name}-empty"] = with_part("")
            cases[f"{field.name}-digit"] = with_part("a1")
            cases[f"{field.name}-non-ascii"] = with_part("æ")
            cases[f"{field.name}-semicolon"] = with_part("a;drop")
    return [pytest.param(cls, data, id=f"{cls.__name__}-{name}") for name, data in cases.items()]


@pytest.mark.parametrize(
    ("cls", "data"), [case for cls in FAMILIES for case in _generic_rejects(cls)]
)
def test_parse_rejects_malformed(cls: type[CallbackData], data: str | None) -> None:
    with pytest.raises(BadCallbackData):
        cls.parse(data)


@pytest.mark.parametrize(
    ("cls", "data"),
    [
        pytest.param(NoteCardPress, "n:1:s:0:extra", id="note-extra-part"),
        pytest.param(NoteCardPress, "n:1:s;DROP", id="note-sql-ish"),
        pytest.param(NoteCardPress, "n:1:s;DROP:0", id="note-sql-ish-in-word"),
        pytest.param(NoteCardPress, "n:1:s:0;DROP TABLE", id="note-sql-ish-in-int"),
        pytest.param(NoteCardPress, "m:e:1", id="note-given-my-note-data"),
        pytest.param(MyNotePress, "n:1:s:0", id="my-note-given-note-data"),
        pytest.param(NoteCardPress, "n:1:<b>:0", id="note-html"),
        pytest.param(NoteCardPress, "n::s:0", id="note-empty-id"),
        pytest.param(NoteCardPress, "n:1:s:0 ", id="note-trailing-space"),
        pytest.param(NoteCardPress, "n:" + "1" * 70, id="note-over-64-bytes"),
        pytest.param(NoteCardPress, "n:1:" + "ø" * 31 + ":0", id="note-over-64-utf8-bytes"),
        pytest.param(MyNotePress, "m:e:1e3", id="my-note-exponent"),
        pytest.param(MyNotePress, "m:e:0x1f", id="my-note-hex"),
        pytest.param(MyNotePress, "m:e:--1", id="my-note-double-minus"),
        pytest.param(InvitePress, "i:medarbejder:0", id="invite-full-role-name"),
    ],
)
def test_parse_rejects_forged(cls: type[CallbackData], data: str) -> None:
    with pytest.raises(BadCallbackData):
        cls.parse(data)


def test_bad_callback_data_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="x:1"):
        NoteCardPress.parse("x:1")


# parse() promises to accept "exactly the packed shape" only; these forms are never packed.
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            "n:1\n:s:0",
            id="int-trailing-newline",
        ),
        pytest.param(
            "n:1:s\n:0",
            id="word-trailing-newline",
        ),
        pytest.param(
            "n:\u0661\u0662:s:0",
            id="arabic-indic-digits",
        ),
        pytest.param(
            "n:007:s:0",
            id="leading-zeros",
        ),
        pytest.param(
            "n:-0:s:0",
            id="minus-zero",
        ),
    ],
)
def test_parse_rejects_non_canonical(data: str) -> None:
    with pytest.raises(BadCallbackData):
        NoteCardPress.parse(data)


@pytest.mark.parametrize(
    "press",
    [
        pytest.param(NoteCardPress(1, "S"), id="uppercase-word"),
        pytest.param(NoteCardPress(1, "a:b"), id="colon-in-word"),
        pytest.param(NoteCardPress(10**15, "s"), id="16-digit-int"),
        pytest.param(InvitePress("medarbejder"), id="word-over-8-letters"),
    ],
)
def test_pack_refuses_what_parse_rejects(press: CallbackData) -> None:
    with pytest.raises((AssertionError, ValueError)):
        press.pack()
