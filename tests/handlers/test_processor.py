"""PerUserUpdateProcessor: one person's updates in order, different people side by side."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Update

from bot.fakeapi import UpdateFactory
from bot.processor import PerUserUpdateProcessor, ordering_key
from tests.tg import BotHarness

ANNA, BENT = 42, 43
WAIT = 5.0  # seconds; only a safety net so a broken lock fails instead of hanging


def _update(factory: UpdateFactory, user_id: int, text: str = "hej") -> Update:
    update = Update.de_json(factory.message(factory.user(user_id), text), None)
    assert update is not None
    return update


class Recorder:
    """Coroutines that log when they start and end, optionally held until released."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.started: dict[str, asyncio.Event] = {}

    def job(self, name: str, hold: asyncio.Event | None = None, *, fail: bool = False) -> Any:
        self.started[name] = asyncio.Event()

        async def run() -> None:
            self.log.append(f"{name}:start")
            self.started[name].set()
            if hold is not None:
                await hold.wait()
            if fail:
                raise RuntimeError(name)
            self.log.append(f"{name}:end")

        return run()


@pytest.fixture
def factory() -> UpdateFactory:
    return UpdateFactory(clock=lambda: 1_790_000_000.0)


async def test_same_person_waits_while_another_person_goes_ahead(
    factory: UpdateFactory,
) -> None:
    processor = PerUserUpdateProcessor()
    rec = Recorder()
    slow = asyncio.Event()

    first = asyncio.create_task(
        processor.process_update(_update(factory, ANNA), rec.job("a1", slow))
    )
    await asyncio.wait_for(rec.started["a1"].wait(), WAIT)
    second = asyncio.create_task(processor.process_update(_update(factory, ANNA), rec.job("a2")))
    other = asyncio.create_task(processor.process_update(_update(factory, BENT), rec.job("b1")))

    # Bent's update finishes although Anna's first one is still held up.
    await asyncio.wait_for(other, WAIT)
    assert rec.log == ["a1:start", "b1:start", "b1:end"]
    assert not second.done()

    slow.set()
    await asyncio.wait_for(asyncio.gather(first, second), WAIT)
    assert rec.log == ["a1:start", "b1:start", "b1:end", "a1:end", "a2:start", "a2:end"]


async def test_one_persons_updates_run_in_arrival_order(factory: UpdateFactory) -> None:
    processor = PerUserUpdateProcessor()
    rec = Recorder()
    slow = asyncio.Event()
    tasks = [
        asyncio.create_task(processor.process_update(_update(factory, ANNA), rec.job("a1", slow)))
    ]
    await asyncio.wait_for(rec.started["a1"].wait(), WAIT)
    for name in ("a2", "a3", "a4", "a5"):
        tasks.append(
            asyncio.create_task(processor.process_update(_update(factory, ANNA), rec.job(name)))
        )

    slow.set()
    await asyncio.wait_for(asyncio.gather(*tasks), WAIT)

    assert rec.log == [f"a{i}:{what}" for i in range(1, 6) for what in ("start", "end")]


async def test_a_failing_update_does_not_block_the_next_one(factory: UpdateFactory) -> None:
    processor = PerUserUpdateProcessor()
    rec = Recorder()
    release = asyncio.Event()
    failing = asyncio.create_task(
        processor.process_update(_update(factory, ANNA), rec.job("a1", release, fail=True))
    )
    await asyncio.wait_for(rec.started["a1"].wait(), WAIT)
    after = asyncio.create_task(processor.process_update(_update(factory, ANNA), rec.job("a2")))

    release.set()
    with pytest.raises(RuntimeError, match="a1"):
        await asyncio.wait_for(failing, WAIT)
    await asyncio.wait_for(after, WAIT)

    assert rec.log == ["a1:start", "a2:start", "a2:end"]


async def test_idle_people_are_forgotten(factory: UpdateFactory) -> None:
    processor = PerUserUpdateProcessor()
    rec = Recorder()
    for user_id in range(100, 150):
        await processor.process_update(_update(factory, user_id), rec.job(f"u{user_id}"))

    assert len(rec.log) == 100
    # The lock table only holds people with updates in flight.
    assert processor._locks == {}
    assert processor._holders == {}


async def test_updates_without_a_person_are_not_held_up(factory: UpdateFactory) -> None:
    processor = PerUserUpdateProcessor()
    rec = Recorder()
    slow = asyncio.Event()
    held = asyncio.create_task(
        processor.process_update(_update(factory, ANNA), rec.job("a1", slow))
    )
    await asyncio.wait_for(rec.started["a1"].wait(), WAIT)

    await asyncio.wait_for(processor.process_update(object(), rec.job("job")), WAIT)

    assert rec.log == ["a1:start", "job:start", "job:end"]
    slow.set()
    await asyncio.wait_for(held, WAIT)


def _channel_post() -> dict[str, Any]:
    return {
        "update_id": 9,
        "channel_post": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": -1001234, "type": "channel", "title": "Kanal"},
            "text": "hej",
        },
    }


@pytest.mark.parametrize(
    ("build", "key"),
    [
        (lambda f: f.message(f.user(ANNA), "hej"), ANNA),
        (lambda f: f.message(f.user(ANNA), "hej", chat=f.group_chat(77, "Vagt")), ANNA),
        (
            lambda f: f.callback(
                f.user(BENT),
                "n:1:s:0",
                {"message_id": 1000, "chat": f.private_chat(f.user(BENT)), "date": 1},
                check_buttons=False,
            ),
            BENT,
        ),
        (lambda _f: _channel_post(), -1001234),
    ],
    ids=["message", "group-message-is-the-sender", "button-press", "channel-post-is-the-chat"],
)
def test_ordering_key_is_the_person_else_the_chat(
    factory: UpdateFactory, build: Any, key: int
) -> None:
    update = Update.de_json(build(factory), None)

    assert ordering_key(update) == key


def test_ordering_key_of_something_else_is_none() -> None:
    assert ordering_key(object()) is None


async def test_the_application_uses_the_per_person_processor(bot: BotHarness) -> None:
    assert bot.app is not None
    assert isinstance(bot.app.update_processor, PerUserUpdateProcessor)
    assert bot.app.update_processor.max_concurrent_updates > 1
