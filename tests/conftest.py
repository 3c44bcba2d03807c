"""Shared fixtures: a migrated SQLite file per test, a controlled clock, the bot harness."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

# PTB 22 warns while building RetryAfter unless durations are timedeltas; with warnings as
# errors that warning would replace the exception the tests expect.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.storage.db import create_db_engine, upgrade
from tests.pgserver import PostgresServer, PostgresServerError
from tests.tg import BotHarness

# 10:00 in Copenhagen on a weekday: within everyone's hours.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """Start one throwaway PostgreSQL server for the session, only when a test asks for it
    (the storage tests, the two-process reminder test); fail loudly if it cannot start.
    `make test` installs PostgreSQL (scripts/ensure-postgres), so this is never a skip."""
    try:
        server = PostgresServer.start(tmp_path_factory.mktemp("pg"))
    except PostgresServerError as exc:
        pytest.fail(f"PostgreSQL could not be started for the tests:\n{exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file per session; each test copies it (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> str:
    """Return the URL of a fresh, migrated SQLite file for this test."""
    path = tmp_path / "bot.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> FixedClock:
    """A clock that only moves when the test moves it."""
    return FixedClock(START)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings for tests: no .env, no token, the test's database."""
    return Settings(_env_file=None, database_url=db_url, telegram_bot_token=None)  # type: ignore[call-arg]


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock) -> AsyncIterator[BotHarness]:
    """The real application on the fake Bot API, initialised, on this test's database."""
    harness = BotHarness(settings, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
def engine(db_url: str) -> Iterator[object]:
    """An engine on this test's database, for direct checks of what was stored."""
    eng = create_db_engine(db_url)
    yield eng
    eng.dispose()
