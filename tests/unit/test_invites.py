"""Invite codes: unguessable, link-safe, stored only as a hash."""

from __future__ import annotations

import base64
import hashlib
import re
import string

import pytest

from bot.domain.invites import (
    CODE_BYTES,
    deep_link,
    hash_invite_code,
    looks_like_code,
    new_invite_code,
)

BASE64URL = frozenset(string.ascii_letters + string.digits + "-_")
DRAWS = 10_000


@pytest.fixture(scope="module")
def codes() -> list[str]:
    return [new_invite_code() for _ in range(DRAWS)]


def test_codes_are_32_base64url_characters(codes: list[str]) -> None:
    for code in codes:
        assert len(code) == 32
        assert set(code) <= BASE64URL


def test_codes_carry_at_least_128_random_bits(codes: list[str]) -> None:
    assert CODE_BYTES * 8 >= 128
    assert CODE_BYTES == 24
    for code in codes[:100]:
        assert len(base64.urlsafe_b64decode(code)) == CODE_BYTES


def test_codes_use_the_whole_alphabet(codes: list[str]) -> None:
    # 320,000 characters from 64 symbols: a code built from a narrower alphabet would show.
    assert set("".join(codes)) == BASE64URL


def test_codes_are_unique(codes: list[str]) -> None:
    assert len(set(codes)) == DRAWS


def test_fresh_codes_look_like_codes(codes: list[str]) -> None:
    assert all(looks_like_code(code) for code in codes)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("a" * 31, id="31-chars"),
        pytest.param("a" * 33, id="33-chars"),
        pytest.param("a" * 64, id="64-chars"),
        pytest.param("a" * 31 + "+", id="plus"),
        pytest.param("a" * 31 + "/", id="slash"),
        pytest.param("a" * 31 + "=", id="padding"),
        pytest.param("a" * 15 + " " + "a" * 16, id="inner-space"),
        pytest.param(" " + "a" * 31, id="leading-space"),
        pytest.param("a" * 31 + "ø", id="non-ascii-letter"),
        pytest.param("a" * 31 + "١", id="non-ascii-digit"),
        pytest.param("hej", id="word"),
        pytest.param("/start " + "a" * 25, id="command"),
    ],
)
def test_garbage_does_not_look_like_a_code(text: str) -> None:
    assert not looks_like_code(text)


def test_code_with_trailing_newline_does_not_look_like_a_code() -> None:
    assert not looks_like_code("a" * 32 + "\n")


def test_hash_is_sha256_hex_and_stable(codes: list[str]) -> None:
    code = codes[0]
    digest = hash_invite_code(code)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == hash_invite_code(code)
    assert digest == hashlib.sha256(code.encode()).hexdigest()
    assert code not in digest


def test_hash_of_known_code() -> None:
    code = "A" * 32
    assert hash_invite_code(code) == hashlib.sha256(b"A" * 32).hexdigest()


def test_different_codes_hash_differently(codes: list[str]) -> None:
    hashes = {hash_invite_code(code) for code in codes[:1000]}
    assert len(hashes) == 1000


@pytest.mark.parametrize(
    ("username", "code", "expected"),
    [
        pytest.param(
            "DagbogsBot",
            "abc_DEF-123" + "x" * 21,
            "https://t.me/DagbogsBot?start=abc_DEF-123" + "x" * 21,
            id="plain",
        ),
        pytest.param(
            "dagbog_test_bot",
            "Z" * 32,
            "https://t.me/dagbog_test_bot?start=" + "Z" * 32,
            id="underscores",
        ),
    ],
)
def test_deep_link(username: str, code: str, expected: str) -> None:
    assert deep_link(username, code) == expected


def test_deep_link_payload_fits_telegram(codes: list[str]) -> None:
    # Telegram allows start parameters of 1-64 characters from [A-Za-z0-9_-].
    link = deep_link("DagbogsBot", codes[0])
    payload = link.split("?start=", 1)[1]
    assert payload == codes[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
