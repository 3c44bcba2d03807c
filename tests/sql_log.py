"""Record the SQL a block of code sends to the database (before_cursor_execute)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL sent to the database inside the block (SQLite's BEGIN left out).

    A listener makes bot.storage.prepared send its statements through Core, so that every
    statement is seen.
    """
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
        # SQLite opens its transactions with an explicit BEGIN; that is not a query.
        seen[:] = [s for s in seen if s.strip().upper() not in {"BEGIN", "BEGIN IMMEDIATE"}]
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
