"""A worker process's loop (bot.shards.serve): updates as JSON lines in, the real bot behind.

The worker is the whole application without a poller; here it reads from an in-memory
stream, exactly as `python -m bot worker` reads the front's pipe.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.fakeapi import ApiCall, FakeBotApi, UpdateFactory
from bot.shards import encode, serve
from tests.handlers.conftest import Team, all_notes, button_data

WAIT_SECONDS = 10.0


async def test_worker_saves_a_quick_note_from_lines_and_stops_after_the_last(
    settings: Settings, clock: FixedClock, team: Team, engine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeBotApi(clock=lambda: clock.now().timestamp())
    updates = UpdateFactory(api, clock=lambda: clock.now().timestamp())
    app = build_application(
        settings, request=api, clock=clock, migrate=False, primary=False, polling=False
    )
    card_sent = asyncio.Event()

    def on_call(call: ApiCall, _result: object) -> None:
        if call.method == "sendMessage":
            card_sent.set()  # the fake answers inside the bot's own request: same loop

    api.add_listener(on_call)
    reader = asyncio.StreamReader()
    worker = asyncio.create_task(serve(app, reader))

    reader.feed_data(encode(updates.message(team.user, "mia komm pegede på saft ved frokost")))
    reader.feed_data(b"this is not an update\n")
    await asyncio.wait_for(card_sent.wait(), WAIT_SECONDS)
    card = api.last_message_with_buttons(42)
    assert card is not None
    gem = button_data(card, "Gem")
    pressed = updates.callback(team.user, gem, api.message_dict(42, card.message_id))
    reader.feed_data(encode(pressed))
    stranger = updates.user(555, "Fremmed")
    reader.feed_data(encode(updates.message(stranger, "hej")))
    reader.feed_eof()
    with caplog.at_level(logging.ERROR, logger="bot.shards"):
        handed_on = await asyncio.wait_for(worker, WAIT_SECONDS)

    # Three updates reached the bot; the garbage line was logged and skipped.
    assert handed_on == 3
    assert "not a Telegram update" in caplog.text
    # stop() waited for the last updates: the note is saved and the card says so.
    notes = all_notes(engine)
    assert [(n.resident_id, n.text) for n in notes] == [(team.mia, "pegede på saft ved frokost")]
    assert "Gemt" in (api.message(42, card.message_id).text or "")  # type: ignore[union-attr]
    assert any("kun for registrerede" in t for t in api.sent_texts(555))
    # A secondary worker leaves the command list to the primary one.
    assert api.calls_to("setMyCommands") == []


async def test_the_primary_worker_sets_the_command_list(
    settings: Settings, clock: FixedClock
) -> None:
    api = FakeBotApi(clock=lambda: clock.now().timestamp())
    app = build_application(settings, request=api, clock=clock, migrate=False, polling=False)
    reader = asyncio.StreamReader()
    reader.feed_eof()
    assert await asyncio.wait_for(serve(app, reader), WAIT_SECONDS) == 0
    assert len(api.calls_to("setMyCommands")) == 2  # Danish and English

