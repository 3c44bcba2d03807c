"""Unit of work: one transaction per use case, committed only when the use case says so."""

from __future__ import annotations

import threading
import weakref
from contextlib import ExitStack
from functools import cached_property
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.storage.db import READ_ONLY, write_lock
from bot.storage.goal_repositories import (
    ContactTeamRepository,
    EvaluationDraftRepository,
    EvaluationRepository,
    GoalRepository,
    ScoreRepository,
)
from bot.storage.onboarding_repositories import OnboardingRepository
from bot.storage.reminder_repositories import ReminderRepository
from bot.storage.repositories import (
    AuditRepository,
    DiaryTypeRepository,
    DraftRepository,
    InviteRepository,
    NoteRepository,
    OrgRepository,
    ResidentRepository,
    StaffRepository,
)
from bot.storage.status_repositories import StatusRepository


class UnitOfWork:
    """Open a transaction, expose repositories, roll back unless commit() was called.

    The connection and its transaction start with the first statement; an ORM session on
    that same connection only when a repository asks for one. The per-update hot path (who is
    acting, the note's draft and Gem) runs prebuilt Core statements only, and a Session's set-up
    and tear-down cost more than its queries there.

    A read-only unit of work reads a snapshot and never waits for writers; it must not write.
    """

    def __init__(
        self, engine: Engine, *, read_only: bool = False, kept: KeptConnection | None = None
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._kept = kept
        self._borrowed = False
        self._open = False
        self._connection: sa.Connection | None = None
        self._session: Session | None = None
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        if not self._read_only:
            self._stack.enter_context(write_lock(self._engine))
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, connection = self._session, self._connection
        self._open = False
        self._session = self._connection = None
        try:
            if session is not None:
                session.close()  # rolls back what it began; the connection stays open
        finally:
            try:
                if connection is not None and self._borrowed:
                    self._borrowed = False
                    assert self._kept is not None
                    self._kept.take_back(connection)  # rolls back anything left uncommitted
                elif connection is not None:
                    connection.close()  # rolls back anything left uncommitted
            finally:
                self._stack.close()

    # Repositories are made on first use: a use case touches two or three of the sixteen.
    @cached_property
    def org(self) -> OrgRepository:
        """Departments."""
        return OrgRepository(self)

    @cached_property
    def staff(self) -> StaffRepository:
        """Registered people and what they may see."""
        return StaffRepository(self)

    @cached_property
    def residents(self) -> ResidentRepository:
        """Residents."""
        return ResidentRepository(self)

    @cached_property
    def diary_types(self) -> DiaryTypeRepository:
        """Diary types and their aliases."""
        return DiaryTypeRepository(self)

    @cached_property
    def drafts(self) -> DraftRepository:
        """Note drafts (cards)."""
        return DraftRepository(self)

    @cached_property
    def notes(self) -> NoteRepository:
        """Saved diary notes and their history."""
        return NoteRepository(self)

    @cached_property
    def invites(self) -> InviteRepository:
        """Invites."""
        return InviteRepository(self)

    @cached_property
    def audit(self) -> AuditRepository:
        """The audit log."""
        return AuditRepository(self)

    @cached_property
    def contact_teams(self) -> ContactTeamRepository:
        """Contact teams."""
        return ContactTeamRepository(self)

    @cached_property
    def goals(self) -> GoalRepository:
        """Goals and sub-goals."""
        return GoalRepository(self)

    @cached_property
    def scores(self) -> ScoreRepository:
        """Indicator scores."""
        return ScoreRepository(self)

    @cached_property
    def evaluations(self) -> EvaluationRepository:
        """Evaluations."""
        return EvaluationRepository(self)

    @cached_property
    def evaluation_drafts(self) -> EvaluationDraftRepository:
        """Evaluations in progress."""
        return EvaluationDraftRepository(self)

    @cached_property
    def status(self) -> StatusRepository:
        """Status meetings, steps and milestones."""
        return StatusRepository(self)

    @cached_property
    def reminders(self) -> ReminderRepository:
        """Reminder hours, the delivery ledger and the sweep's reads."""
        return ReminderRepository(self)

    @cached_property
    def onboarding(self) -> OnboardingRepository:
        """Substitute onboarding."""
        return OnboardingRepository(self)

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("UnitOfWork used outside its with-block")

    @property
    def connection(self) -> sa.Connection:
        """The connection this unit of work's transaction runs on (begun on first use)."""
        self._check_open()
        connection = self._connection
        if connection is None and self._kept is not None:
            connection = self._kept.lend()
            self._borrowed = connection is not None
        if connection is None:
            connection = _connect(self._engine, read_only=self._read_only)
        self._connection = connection
        if not connection.in_transaction():
            connection.begin()
        return connection

    @property
    def session(self) -> Session:
        """An ORM session in the same transaction (only inside `with`)."""
        if self._session is None:
            # control_fully: the session's commit and rollback are the transaction's own.
            self._session = Session(
                self.connection, expire_on_commit=False, join_transaction_mode="control_fully"
            )
        return self._session

    def commit(self) -> None:
        """Commit everything done in this unit of work."""
        self._check_open()
        if self._session is not None:
            self._session.commit()  # flushes; commits the transaction if the session joined it
        if self._connection is not None and self._connection.in_transaction():
            self._connection.commit()  # Core work of a session that had not joined yet

    def rollback(self) -> None:
        """Undo everything done in this unit of work so far."""
        self._check_open()
        if self._session is not None:
            self._session.rollback()
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()

    def flush(self) -> None:
        """Send pending changes so that ids and constraints are known before commit."""
        self.session.flush()


def _connect(engine: Engine, *, read_only: bool) -> sa.Connection:
    """A new connection from the pool; a read-only one begins plain snapshots (db._on_begin)."""
    connection = engine.connect()
    if read_only:
        connection.execution_options(**{READ_ONLY: True})
    return connection


class KeptConnection:
    """A connection kept open for the quick units of work of one thread: the event loop's.

    Checking a connection out of SQLAlchemy's pool and back in (a Connection object, pool
    events, the reset) costs ~70 µs of CPU, more than the two indexed reads of "who is acting"
    that every update makes on the event loop (bot.context.read_quick, run_quick). Those
    units of work take turns on this one connection instead; each still runs in its own
    transaction (BEGIN ... COMMIT or ROLLBACK), and whatever one leaves open is rolled back
    before the next. A unit of work that starts while another holds it (a use case inside a
    use case), one on another thread, and one after the connection broke get a connection of
    their own from the pool, as before.
    """

    def __init__(self, engine: Engine, *, read_only: bool) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: sa.Connection | None = None
        self._lent = False
        self._thread: int | None = None

    def lend(self) -> sa.Connection | None:
        """Return the kept connection for one unit of work, or None when it cannot be had."""
        thread = threading.get_ident()
        if self._lent or self._thread not in (None, thread):
            return None
        connection = self._connection
        if connection is None or connection.closed or connection.invalidated:
            connection = _connect(self._engine, read_only=self._read_only)
            self._connection = connection
            self._thread = thread
        self._lent = True
        return connection

    def take_back(self, connection: sa.Connection) -> None:
        """End the unit of work's transaction if it is still open; keep a sound connection."""
        self._lent = False
        try:
            if connection.in_transaction():
                connection.rollback()
        except BaseException:
            self._drop(connection)
            raise
        if connection.invalidated or connection is not self._connection:
            self._drop(connection)  # broken, or closed meanwhile (close())

    def _drop(self, connection: sa.Connection) -> None:
        if self._connection is connection:
            self._connection = None
        connection.close()

    def close(self) -> None:
        """Give the connection back to the pool (a unit of work still on it: at its end)."""
        connection, self._connection = self._connection, None
        self._thread = None
        if connection is not None and not self._lent:
            connection.close()


def _close_kept(kept: list[KeptConnection]) -> None:
    for connection in kept:
        connection.close()


class UnitOfWorkFactory:
    """Make units of work on one engine; what the application hands to every use case."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._kept = {
            read_only: KeptConnection(engine, read_only=read_only) for read_only in (False, True)
        }
        # Connections still kept when the factory goes are handed back, never left to the GC.
        self._finalizer = weakref.finalize(self, _close_kept, list(self._kept.values()))

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=read_only)

    def on_loop(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work on the connection kept for the event loop (KeptConnection)."""
        if not self._finalizer.alive:  # closed: nothing is kept any more
            return UnitOfWork(self.engine, read_only=read_only)
        return UnitOfWork(self.engine, read_only=read_only, kept=self._kept[read_only])

    def close(self) -> None:
        """Hand the kept connections back and close every connection of the engine."""
        self._finalizer()
        self.engine.dispose()
