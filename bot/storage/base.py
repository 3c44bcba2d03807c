"""What every repository stands on: its unit of work's transaction, never a commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session

from bot.storage import prepared


class Transaction(Protocol):
    """The open transaction of a unit of work, as a Core connection and as an ORM session."""

    @property
    def connection(self) -> sa.Connection:
        """The connection in the transaction (begun on first use)."""

    @property
    def session(self) -> Session:
        """An ORM session on the same connection and transaction (made on first use)."""


class Repository:
    """The queries of one aggregate, run in the unit of work's transaction."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    @property
    def session(self) -> Session:
        """The ORM session (made on first use: the hot path's Core queries never need one)."""
        return self._transaction.session

    @property
    def connection(self) -> sa.Connection:
        """The transaction's connection, for Core statements (no session needed)."""
        return self._transaction.connection

    def _core(self, stmt: sa.Executable, params: Mapping[str, Any] | None = None) -> prepared.Rows:
        # A prebuilt Core statement straight on the transaction's connection: none of the ORM's
        # work, and none of SQLAlchemy's per-execution machinery (bot.storage.prepared).
        return prepared.execute(self._transaction.connection, stmt, params)
