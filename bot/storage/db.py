"""Engine creation, SQLite pragmas, and migrations run at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine

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
        # BEGIN IMMEDIATE takes the write lock up front, so two writers wait for each other
        # (busy timeout) instead of one failing when it upgrades a read lock to a write lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic config that runs the packaged migrations on this engine."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
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
