"""Unit of work: one transaction per use case, committed only when the use case says so."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.engine import Engine
from sqlmodel import Session

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


class UnitOfWork:
    """Open a session, expose repositories, roll back unless commit() was called."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._session: Session | None = None

    def __enter__(self) -> Self:
        session = Session(self._engine, expire_on_commit=False)
        self._session = session
        self.org = OrgRepository(session)
        self.staff = StaffRepository(session)
        self.residents = ResidentRepository(session)
        self.diary_types = DiaryTypeRepository(session)
        self.drafts = DraftRepository(session)
        self.notes = NoteRepository(session)
        self.invites = InviteRepository(session)
        self.audit = AuditRepository(session)
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

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.engine)
