"""Repositories: the queries, one class per aggregate. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.domain.access import Actor, Role
from bot.storage.models import (
    AuditEvent,
    Department,
    DiaryNote,
    DiaryNoteRevision,
    DiaryType,
    DiaryTypeAlias,
    Invite,
    NoteDraft,
    Resident,
    ResidentAssignment,
    Staff,
    StaffDepartment,
)


class _Repository:
    def __init__(self, session: Session) -> None:
        self.session = session


class OrgRepository(_Repository):
    """Departments."""

    def department_by_name(self, name: str) -> Department | None:
        """Find a department by its exact name, ignoring case (Æ/Ø/Å too)."""
        # SQLite's lower() folds ASCII only; departments are few, so compare here.
        wanted = name.strip().casefold()
        return next(
            (d for d in self.session.exec(select(Department)) if d.name.casefold() == wanted),
            None,
        )

    def get_or_create_department(self, name: str, now: datetime) -> tuple[Department, bool]:
        """Return the named department, creating it when missing."""
        found = self.department_by_name(name)
        if found is not None:
            return found, False
        department = Department(name=name.strip(), created_at=now)
        self.session.add(department)
        self.session.flush()
        return department, True

    def department(self, department_id: int) -> Department | None:
        """Return a department by id."""
        return self.session.get(Department, department_id)

    def departments(self, ids: Iterable[int] | None = None) -> list[Department]:
        """Return departments by name, all of them or those with the given ids."""
        stmt = select(Department).order_by(Department.name)
        if ids is not None:
            stmt = stmt.where(col(Department.id).in_(list(ids)))
        return list(self.session.exec(stmt))


class StaffRepository(_Repository):
    """Registered people and what they may see."""

    def by_telegram_id(self, telegram_user_id: int) -> Staff | None:
        """Find a person by Telegram user id."""
        return self.session.exec(
            select(Staff).where(Staff.telegram_user_id == telegram_user_id)
        ).first()

    def get(self, staff_id: int) -> Staff | None:
        """Return a person by id."""
        return self.session.get(Staff, staff_id)

    def actor(self, telegram_user_id: int) -> Actor | None:
        """Load the acting person with departments and assignments, or None if unknown."""
        # Runs for every update: plain rows, no ORM objects, two small indexed queries.
        row = self.session.execute(
            sa.select(
                col(Staff.id),
                col(Staff.display_name),
                col(Staff.role),
                col(Staff.active),
                col(Staff.access_ends_on),
            ).where(col(Staff.telegram_user_id) == telegram_user_id)
        ).first()
        if row is None:
            return None
        staff_id, display_name, role, active, access_ends_on = row
        departments = self.session.execute(
            sa.select(col(StaffDepartment.department_id)).where(
                col(StaffDepartment.staff_id) == staff_id
            )
        ).scalars()
        assigned: Sequence[int] = ()
        if role == Role.VIKAR:
            assigned = (
                self.session.execute(
                    sa.select(col(ResidentAssignment.resident_id)).where(
                        col(ResidentAssignment.staff_id) == staff_id
                    )
                )
                .scalars()
                .all()
            )
        return Actor(
            staff_id=staff_id,
            telegram_user_id=telegram_user_id,
            display_name=display_name,
            role=Role(role),
            department_ids=frozenset(departments),
            assigned_resident_ids=frozenset(assigned),
            active=active,
            access_ends_on=access_ends_on,
        )

    def add(self, staff: Staff, department_ids: Iterable[int]) -> Staff:
        """Add a person and their departments."""
        self.session.add(staff)
        self.session.flush()
        assert staff.id is not None
        for department_id in department_ids:
            self.add_department(staff.id, department_id)
        return staff

    def add_department(self, staff_id: int, department_id: int) -> None:
        """Put a person in a department (no-op when already there)."""
        if self.session.get(StaffDepartment, (staff_id, department_id)) is None:
            self.session.add(StaffDepartment(staff_id=staff_id, department_id=department_id))
            self.session.flush()

    def in_departments(self, department_ids: Iterable[int]) -> list[Staff]:
        """Return active staff of these departments, by name."""
        stmt = (
            select(Staff)
            .join(StaffDepartment, col(StaffDepartment.staff_id) == col(Staff.id))
            .where(col(StaffDepartment.department_id).in_(list(department_ids)), Staff.active)
            .order_by(Staff.display_name)
            .distinct()
        )
        return list(self.session.exec(stmt))


class ResidentRepository(_Repository):
    """Residents."""

    def get(self, resident_id: int) -> Resident | None:
        """Return a resident by id."""
        return self.session.get(Resident, resident_id)

    def by_natural_key(self, department_id: int, name: str, birth_date: date) -> Resident | None:
        """Find a resident by department, name and birth date (the import key)."""
        stmt = select(Resident).where(
            Resident.department_id == department_id,
            Resident.display_name == name,
            Resident.birth_date == birth_date,
        )
        return self.session.exec(stmt).first()

    def _scope(self, actor: Actor) -> sa.ColumnElement[bool]:
        if actor.role is Role.TILBUDSLEDER:
            return sa.true()
        if actor.role is Role.VIKAR:
            return col(Resident.id).in_(list(actor.assigned_resident_ids))
        return col(Resident.department_id).in_(list(actor.department_ids))

    def visible_rows(self, actor: Actor) -> list[tuple[int, str, int]]:
        """Return (id, name, department id) of the active residents the actor may see."""
        stmt = (
            select(Resident.id, Resident.display_name, Resident.department_id)
            .where(self._scope(actor), col(Resident.moved_out_on).is_(None))
            .order_by(Resident.display_name)
        )
        return [(int(i or 0), n, d) for i, n, d in self.session.exec(stmt)]

    def visible_fingerprint(self, actor: Actor) -> tuple[int, datetime | None]:
        """Return (count, newest change) of the actor's residents: a cheap staleness check."""
        stmt = select(sa.func.count(), sa.func.max(Resident.updated_at)).where(self._scope(actor))
        count, newest = self.session.exec(stmt).one()
        return int(count), newest

    def visible(self, actor: Actor, *, include_moved_out: bool = False) -> list[Resident]:
        """Return the residents the actor may see, by name."""
        stmt = select(Resident).where(self._scope(actor)).order_by(Resident.display_name)
        if not include_moved_out:
            stmt = stmt.where(col(Resident.moved_out_on).is_(None))
        return list(self.session.exec(stmt))

    def recent_for_author(self, author_id: int, limit: int) -> list[int]:
        """Return ids of the residents this author wrote on most recently, newest first."""
        stmt = (
            select(DiaryNote.resident_id, sa.func.max(DiaryNote.created_at).label("last"))
            .where(DiaryNote.author_id == author_id, col(DiaryNote.deleted).is_(False))
            .group_by(col(DiaryNote.resident_id))
            .order_by(sa.desc("last"))
            .limit(limit)
        )
        return [int(r) for r, _ in self.session.exec(stmt)]

    def add(self, resident: Resident) -> Resident:
        """Add a resident."""
        self.session.add(resident)
        self.session.flush()
        return resident


class DiaryTypeRepository(_Repository):
    """Diary types and their aliases."""

    def active_with_aliases(self) -> list[tuple[DiaryType, list[str]]]:
        """Return the active types in display order, each with its aliases."""
        types = list(
            self.session.exec(
                select(DiaryType)
                .where(DiaryType.active)
                .order_by(col(DiaryType.sort_order), col(DiaryType.name))
            )
        )
        aliases: dict[int, list[str]] = {}
        for type_id, alias in self.session.exec(
            select(DiaryTypeAlias.diary_type_id, DiaryTypeAlias.alias).order_by(
                col(DiaryTypeAlias.id).asc()
            )
        ):
            aliases.setdefault(type_id, []).append(alias)
        return [(t, aliases.get(t.id or 0, [])) for t in types]

    def get(self, type_id: int) -> DiaryType | None:
        """Return a type by id."""
        return self.session.get(DiaryType, type_id)

    def by_name(self, name: str) -> DiaryType | None:
        """Find a type by name, ignoring case (Æ/Ø/Å too; SQLite's lower() folds ASCII only)."""
        wanted = name.strip().casefold()
        return next(
            (t for t in self.session.exec(select(DiaryType)) if t.name.casefold() == wanted),
            None,
        )

    def alias_owner(self, alias: str) -> int | None:
        """Return the id of the type that owns an alias (case-insensitive), if any."""
        wanted = alias.strip().casefold()
        rows = self.session.exec(select(DiaryTypeAlias.diary_type_id, DiaryTypeAlias.alias))
        return next((type_id for type_id, a in rows if a.casefold() == wanted), None)

    def add(self, diary_type: DiaryType) -> DiaryType:
        """Add a type."""
        self.session.add(diary_type)
        self.session.flush()
        return diary_type

    def add_alias(self, type_id: int, alias: str) -> None:
        """Give a type one more alias."""
        self.session.add(DiaryTypeAlias(diary_type_id=type_id, alias=alias))
        self.session.flush()


class DraftRepository(_Repository):
    """Notes being composed."""

    def get(self, draft_id: int, *, lock: bool = False) -> NoteDraft | None:
        """Return a draft by id; lock=True holds its row until commit (PostgreSQL)."""
        return self.session.get(NoteDraft, draft_id, with_for_update=lock)

    def by_source(self, chat_id: int, message_id: int) -> NoteDraft | None:
        """Find the draft made from one incoming message."""
        stmt = select(NoteDraft).where(
            NoteDraft.source_chat_id == chat_id, NoteDraft.source_message_id == message_id
        )
        return self.session.exec(stmt).first()

    def open_guided(self, author_id: int) -> NoteDraft | None:
        """Return the author's open step-by-step draft, if any."""
        stmt = (
            select(NoteDraft)
            .where(
                NoteDraft.author_id == author_id,
                NoteDraft.mode == "guided",
                NoteDraft.status == "open",
            )
            .order_by(col(NoteDraft.id).desc())
        )
        return self.session.exec(stmt).first()

    def add(self, draft: NoteDraft) -> NoteDraft:
        """Add a draft."""
        self.session.add(draft)
        self.session.flush()
        return draft


class NoteRepository(_Repository):
    """Saved diary notes and their history."""

    def get(self, note_id: int) -> DiaryNote | None:
        """Return a note by id."""
        return self.session.get(DiaryNote, note_id)

    def by_source(self, chat_id: int, message_id: int) -> DiaryNote | None:
        """Find the note saved from one incoming message."""
        stmt = select(DiaryNote).where(
            DiaryNote.source_chat_id == chat_id, DiaryNote.source_message_id == message_id
        )
        return self.session.exec(stmt).first()

    def add(self, note: DiaryNote) -> DiaryNote:
        """Add a note."""
        self.session.add(note)
        self.session.flush()
        return note

    def recent_by_author(self, author_id: int, limit: int) -> list[DiaryNote]:
        """Return the author's latest notes that are not deleted, newest first."""
        stmt = (
            select(DiaryNote)
            .where(DiaryNote.author_id == author_id, col(DiaryNote.deleted).is_(False))
            .order_by(col(DiaryNote.created_at).desc(), col(DiaryNote.id).desc())
            .limit(limit)
        )
        return list(self.session.exec(stmt))

    def recent_for_resident(self, resident_id: int, limit: int) -> list[DiaryNote]:
        """Return a resident's latest notes that are not deleted, newest first."""
        stmt = (
            select(DiaryNote)
            .where(DiaryNote.resident_id == resident_id, col(DiaryNote.deleted).is_(False))
            .order_by(col(DiaryNote.created_at).desc(), col(DiaryNote.id).desc())
            .limit(limit)
        )
        return list(self.session.exec(stmt))

    def add_revision(self, revision: DiaryNoteRevision) -> None:
        """Keep an earlier version of a note."""
        self.session.add(revision)

    def revisions(self, note_id: int) -> list[DiaryNoteRevision]:
        """Return a note's earlier versions, oldest first."""
        stmt = (
            select(DiaryNoteRevision)
            .where(DiaryNoteRevision.note_id == note_id)
            .order_by(col(DiaryNoteRevision.id))
        )
        return list(self.session.exec(stmt))


class InviteRepository(_Repository):
    """Invites."""

    def by_hash(self, code_hash: str) -> Invite | None:
        """Find an invite by the hash of its code, locking it against a second use."""
        stmt = select(Invite).where(Invite.code_hash == code_hash).with_for_update()
        return self.session.exec(stmt).first()

    def add(self, invite: Invite) -> Invite:
        """Add an invite."""
        self.session.add(invite)
        self.session.flush()
        return invite


class AuditRepository(_Repository):
    """The audit log."""

    def record(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None = None,
        resident_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Write one audit event; detail must never hold note text."""
        self.session.add(
            AuditEvent(
                at=at,
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                resident_id=resident_id,
                detail=detail[:500],
            )
        )

    def events(self, *, entity: str | None = None) -> list[AuditEvent]:
        """Return audit events in order, optionally for one kind of entity."""
        stmt = select(AuditEvent).order_by(col(AuditEvent.id))
        if entity is not None:
            stmt = stmt.where(AuditEvent.entity == entity)
        return list(self.session.exec(stmt))
