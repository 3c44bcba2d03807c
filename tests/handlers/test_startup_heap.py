"""A long-running bot process freezes its start-up heap; tests and the demo do not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.fakeapi import FakeBotApi
from tests.handlers.conftest import HarnessFactory


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (this test process goes on)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _tracked(obj: object) -> bool:
    """Whether the garbage collector still walks obj (frozen objects it skips)."""
    return any(o is obj for o in gc.get_objects())


@pytest.mark.parametrize("primary", [True, False])
async def test_a_bot_process_freezes_what_start_up_built(
    settings: Settings, clock: FixedClock, primary: bool
) -> None:
    app = build_application(
        settings,
        request=FakeBotApi(),
        clock=clock,
        migrate=False,
        primary=primary,
        freeze_heap=True,  # as `python -m bot run` and its workers build it
    )
    await app.initialize()
    try:
        assert app.post_init is not None
        assert _tracked(app.bot_data)

        await app.post_init(app)

        assert gc.get_freeze_count() > 10_000  # the modules, PTB, SQLAlchemy, the models
        assert not _tracked(app.bot_data)
        made_later: list[object] = []
        assert _tracked(made_later)  # what updates build is collected as before
    finally:
        await app.shutdown()
        assert app.bot_data.services is not None
        app.bot_data.services.uow.close()


async def test_without_the_flag_nothing_is_frozen(harness: HarnessFactory) -> None:
    async with harness() as bot:
        assert bot.app is not None
        assert bot.app.post_init is not None
        assert bot.app.bot_data.freeze_heap is False  # tests and the demo: the default

        await bot.app.post_init(bot.app)

        assert gc.get_freeze_count() == 0
        assert _tracked(bot.app.bot_data)
