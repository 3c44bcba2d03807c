"""Routing updates to worker processes (bot.shards): from Telegram's JSON, without objects."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telegram import Update

from bot.fakeapi import UpdateFactory
from bot.processor import ordering_key
from bot.shards import encode, sender_of, shard_of

FACTORY = UpdateFactory()
ANNA = FACTORY.user(42, "Anna")
BENT = FACTORY.user(43, "Bent")


def _message_update(text: str = "mia komm pegede på saft") -> dict[str, Any]:
    return FACTORY.message(ANNA, text)


def _press() -> dict[str, Any]:
    card = {
        "message_id": 1000,
        "from": {"id": 1, "is_bot": True, "first_name": "Dagbogsbot"},
        "chat": UpdateFactory.private_chat(ANNA),
        "date": 0,
        "text": "kort",
    }
    return FACTORY.callback(ANNA, "n:1:s:0", card, check_buttons=False)


UPDATES: list[tuple[str, dict[str, Any], int | None]] = [
    ("message", _message_update(), 42),
    ("callback_query", _press(), 42),
    (
        "edited_message",
        {"update_id": 9, "edited_message": {**_message_update()["message"], "edit_date": 1}},
        42,
    ),
    (
        "poll_answer",
        {"update_id": 10, "poll_answer": {"poll_id": "p", "user": BENT, "option_ids": [0],
                                          "option_persistent_ids": ["a"]}},
        43,
    ),
    (
        "my_chat_member in a group",
        FACTORY.my_chat_member(BENT, UpdateFactory.group_chat(77, "Afd A")),
        43,
    ),
    (
        "channel post (a chat, no sender)",
        {"update_id": 11, "channel_post": {
            "message_id": 5, "date": 0, "text": "x",
            "chat": {"id": -100_5, "type": "channel", "title": "K"},
        }},
        -100_5,
    ),
    ("nobody", {"update_id": 12}, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("update", "expected"), [(u, e) for _, u, e in UPDATES], ids=[n for n, _, _ in UPDATES]
)
def test_sender_of_agrees_with_the_update_processor(
    update: dict[str, Any], expected: int | None
) -> None:
    assert sender_of(update) == expected
    # The worker's PerUserUpdateProcessor orders by the same person, read from the objects.
    assert ordering_key(Update.de_json(update, None)) == expected


def test_a_person_always_reaches_the_same_worker_and_people_spread() -> None:
    workers = 3
    seen: dict[int, set[int]] = {}
    for user_id in range(1000, 1060):
        user = FACTORY.user(user_id)
        for update in (FACTORY.message(user, "tekst"), FACTORY.message(user, "mere")):
            seen.setdefault(user_id, set()).add(shard_of(update, workers))
    assert all(len(shards) == 1 for shards in seen.values())
    assert {next(iter(s)) for s in seen.values()} == {0, 1, 2}
    assert shard_of({"update_id": 1}, workers) == 0


def test_encode_writes_one_line_per_update_whatever_the_text() -> None:
    update = _message_update("første linje\nanden linje\r\nmed æøå og \u2028 og \"citat\"")
    line = encode(update)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert json.loads(line) == update
