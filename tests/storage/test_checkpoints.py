"""WAL checkpoints off the commit: the bot copies the WAL into the SQLite file from a job, so
a commit (a quick write on the event loop) never pays for the copy and its fsync."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage.db import WAL_AUTOCHECKPOINT_PAGES, checkpoint, create_db_engine, sqlite_file

PAGE = 4096
ROWS = WAL_AUTOCHECKPOINT_PAGES + 500  # one page of text each: past SQLite's own threshold


def _fill(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE filler (text TEXT NOT NULL)")
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO filler (text) VALUES (:text)"),
            [{"text": f"{i:08d}" + "x" * PAGE} for i in range(ROWS)],
        )


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_a_commit_leaves_the_copy_to_the_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    engine = create_db_engine(f"sqlite:///{path}", background_checkpoints=True)
    try:
        _fill(engine)
        wal = path.with_name(path.name + "-wal")
        # Everything is in the WAL; the database file holds no more than the empty table.
        assert _size(wal) > ROWS * PAGE
        assert _size(path) < 10 * PAGE
        busy, pages, copied = checkpoint(engine) or (1, 0, 0)
        assert busy == 0
        assert copied == pages > ROWS
        assert _size(path) > ROWS * PAGE
        with engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM filler").scalar()
        assert count == ROWS
    finally:
        engine.dispose()


def test_without_the_job_sqlite_copies_at_commit(tmp_path: Path) -> None:
    # The command line (imports, invites) runs no job: SQLite's own checkpoint stays on.
    path = tmp_path / "cli.db"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        _fill(engine)
        assert _size(path) > ROWS * PAGE
    finally:
        engine.dispose()


def test_only_a_sqlite_file_has_a_checkpoint(tmp_path: Path) -> None:
    memory = create_db_engine("sqlite://", background_checkpoints=True)
    try:
        assert sqlite_file(memory) is None
        assert checkpoint(memory) is None
    finally:
        memory.dispose()
    path = tmp_path / "f.db"
    file = create_db_engine(f"sqlite:///{path}", background_checkpoints=True)
    try:
        assert sqlite_file(file) == path
        assert checkpoint(file) is not None
    finally:
        file.dispose()


def test_postgresql_has_no_checkpoint_to_run(backend: Engine) -> None:
    if backend.dialect.name == "sqlite":
        assert sqlite_file(backend) is not None
    else:
        assert sqlite_file(backend) is None
        assert checkpoint(backend) is None
