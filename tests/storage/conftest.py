"""Storage fixtures: every test here runs once on SQLite and once on a real PostgreSQL server.

One PostgreSQL server is started for the whole session, and only when a PostgreSQL test
asks for it; each test gets a database of its own on it. `make test` installs PostgreSQL
(scripts/ensure-postgres), so a server that cannot start is an error, never a skip.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.config import Settings
from bot.storage.db import create_db_engine, upgrade
from bot.storage.uow import UnitOfWorkFactory
from tests.pgserver import PostgresServer
from tests.tg import BotHarness

BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def _fresh_database(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of the given kind; drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'storage.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = create_db_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated engine on a fresh database of this test's backend."""
    if request.param == "sqlite":
        # Copying the session's migrated template is much faster than migrating again.
        template: Path = request.getfixturevalue("migrated_template")
        path = tmp_path / "storage.db"
        shutil.copyfile(template, path)
        with _engine(f"sqlite:///{path}") as engine:
            yield engine
        return
    with _fresh_database(request.param, request, tmp_path) as url, _engine(url) as engine:
        upgrade(engine)
        yield engine


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def empty_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a fresh database of this test's backend with no schema at all."""
    with _fresh_database(request.param, request, tmp_path) as url, _engine(url) as engine:
        yield engine


@pytest.fixture
def make_uow(backend: Engine) -> Iterator[UnitOfWorkFactory]:
    """Units of work on the test's backend, as the application hands them to use cases."""
    factory = UnitOfWorkFactory(backend)
    yield factory
    factory.close()  # the event loop's kept connections too, as the bot does at shutdown


# High enough that 500 messages do not wait seconds for the overall limit; the limiter (and its
# retries of 429 answers) is still PTB's AIORateLimiter.
MAX_RATE = 1000.0


def settings_for(url: str, **changes: Any) -> Settings:
    """Settings of a bot on this database: no token, no .env, a generous overall rate."""
    return Settings(
        _env_file=None,
        database_url=url,
        telegram_bot_token=None,
        telegram_overall_max_rate=MAX_RATE,
        **changes,
    )


@pytest.fixture
def url(backend: Engine) -> str:
    """The URL of this test's migrated database (SQLite file or PostgreSQL database)."""
    return backend.url.render_as_string(hide_password=False)


@pytest.fixture
async def harness(url: str, clock: FixedClock) -> AsyncIterator[BotHarness]:
    """The real application on the fake Bot API, on this test's backend (the reminder tests)."""
    h = BotHarness(settings_for(url), clock)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
