"""Engine creation, SQLite pragmas, and migrations run at start-up."""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

from bot.config import sqlite_path

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_db_engine(url: str, *, synchronous: str = "NORMAL") -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and immediate writes.

    Parameters are hidden from SQLAlchemy's error messages: they hold note text and names,
    which must never reach the log.
    """
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is None:
            # In-memory SQLite exists once per connection: share that one connection.
            engine = sa.create_engine(
                url,
                connect_args={"check_same_thread": False},
                poolclass=sa.pool.StaticPool,
                hide_parameters=True,
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                pool_size=8,
                max_overflow=8,
                hide_parameters=True,
            )
        _configure_sqlite(engine, synchronous)
        if path is not None:
            _WRITE_LOCKS[engine] = _WriteLock()
        return engine
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=8, max_overflow=8, hide_parameters=True
    )


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    if synchronous not in {"NORMAL", "FULL"}:
        raise ValueError("synchronous must be NORMAL or FULL")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transactions out of pysqlite's hands so "begin" below decides how they start.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # A reader in WAL mode never blocks and is never blocked: a plain snapshot.
            conn.exec_driver_sql("BEGIN")
            return
        # BEGIN IMMEDIATE takes the write lock up front, so two writers wait for each other
        # (busy timeout) instead of one failing when it upgrades a read lock to a write lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


READ_ONLY = "dagbogsbot_read_only"


class _WriteLock:
    """A re-entrant lock whose wait is bounded by SQLite's own busy timeout."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._held = threading.local()

    def __enter__(self) -> _WriteLock:
        # Bounded: past the busy timeout SQLite itself reports "database is locked", as it
        # would without this lock, instead of a thread waiting here for ever.
        acquired = self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        stack: list[bool] = getattr(self._held, "stack", [])
        stack.append(acquired)
        self._held.stack = stack
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._held.stack.pop():
            self._lock.release()


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, _WriteLock] = weakref.WeakKeyDictionary()


def write_lock(engine: Engine) -> contextlib.AbstractContextManager[object]:
    """Return the in-process lock that writers to a SQLite file take before BEGIN IMMEDIATE.

    SQLite has one writer at a time. Threads of this process queue on this lock and wake the
    moment it is free; without it they would poll in SQLite's busy handler, which sleeps up
    to 100 ms between tries. Other processes still meet the busy timeout. PostgreSQL locks
    rows itself: no lock there.
    """
    lock = _WRITE_LOCKS.get(engine)
    return lock if lock is not None else contextlib.nullcontext()


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic config that runs the packaged migrations on this engine."""
    from alembic.config import Config  # noqa: PLC0415  (alembic costs ~0.2 s to import)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command  # noqa: PLC0415  (imported only when migrating)

    with write_lock(engine):
        command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None when it has none."""
    with engine.connect() as conn:
        try:
            row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
        except sa.exc.DatabaseError:
            return None
    return None if row is None else str(row[0])


def integrity_ok(engine: Engine) -> bool:
    """Run SQLite's integrity check (other databases: True)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
