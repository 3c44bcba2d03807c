"""Unit of work: one transaction per use case, committed only when the use case says so."""

from __future__ import annotations

from contextlib import ExitStack
from types import TracebackType
from typing import Self

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
    """Open a session, expose repositories, roll back unless commit() was called.

    A read-only unit of work reads a snapshot and never waits for writers; it must not write.
    """

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._session: Session | None = None
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        if not self._read_only:
            self._stack.enter_context(write_lock(self._engine))
        session = Session(self._engine, expire_on_commit=False)
        if self._read_only:
            session.connection(execution_options={READ_ONLY: True})
        self._session = session
        self.org = OrgRepository(session)
        self.staff = StaffRepository(session)
        self.residents = ResidentRepository(session)
        self.diary_types = DiaryTypeRepository(session)
        self.drafts = DraftRepository(session)
        self.notes = NoteRepository(session)
        self.invites = InviteRepository(session)
        self.audit = AuditRepository(session)
        self.contact_teams = ContactTeamRepository(session)
        self.goals = GoalRepository(session)
        self.scores = ScoreRepository(session)
        self.evaluations = EvaluationRepository(session)
        self.evaluation_drafts = EvaluationDraftRepository(session)
        self.status = StatusRepository(session)
        self.reminders = ReminderRepository(session)
        self.onboarding = OnboardingRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None
            self._stack.close()

    @property
    def session(self) -> Session:
        """The open session (only inside `with`)."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its with-block")
        return self._session

    def commit(self) -> None:
        """Commit everything done in this unit of work."""
        self.session.commit()

    def flush(self) -> None:
        """Send pending changes so that ids and constraints are known before commit."""
        self.session.flush()


class UnitOfWorkFactory:
    """Make units of work on one engine; what the application hands to every use case."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=read_only)
