"""Repositories: the queries, one class per aggregate. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from bot.domain.access import Actor, Role
from bot.storage.base import Repository
from bot.storage.models import (
    AuditEvent,
    Department,
    DiaryNote,
    DiaryNoteRevision,
    DiaryType,
    DiaryTypeAlias,
    Goal,
    Invite,
    NoteDraft,
    Resident,
    ResidentAssignment,
    Staff,
    StaffDepartment,
    SubGoal,
)


def _table(model: Any) -> sa.Table:
    return cast(sa.Table, model.__table__)


# The per-update hot path (who is acting, the quick-note draft, Gem) runs on these prebuilt
# Core statements over the tables: no ORM identity map, flush or attribute events, and no
# SQLAlchemy execution context either (Repository._core, bot.storage.prepared). The ORM costs
# ~0.3 ms per statement here, Core ~0.04 ms, a prepared statement ~0.01 ms (bench components).
_STAFF = _table(Staff)
_STAFF_DEPARTMENT = _table(StaffDepartment)
_ASSIGNMENT = _table(ResidentAssignment)
_DRAFT = _table(NoteDraft)
_NOTE = _table(DiaryNote)
_RESIDENT = _table(Resident)
_TYPE = _table(DiaryType)
_AUDIT = _table(AuditEvent)
_GOAL = _table(Goal)
_SUB_GOAL = _table(SubGoal)

# diary_type.kind of "Manglende arbejde med delmål" (seeded by migration 0002). The type is
# matched by kind, never by name: a facility may rename it.
MISSING_WORK_KIND = "missing_subgoal_work"

_ACTOR_ROW = sa.select(
    _STAFF.c.id, _STAFF.c.display_name, _STAFF.c.role, _STAFF.c.active, _STAFF.c.access_ends_on
).where(_STAFF.c.telegram_user_id == sa.bindparam("uid"))
_ACTOR_DEPARTMENTS = sa.select(_STAFF_DEPARTMENT.c.department_id).where(
    _STAFF_DEPARTMENT.c.staff_id == sa.bindparam("sid")
)
_ACTOR_ASSIGNED = sa.select(_ASSIGNMENT.c.resident_id).where(
    _ASSIGNMENT.c.staff_id == sa.bindparam("sid")
)
_DRAFT_COLUMNS = (
    _DRAFT.c.id,
    _DRAFT.c.author_id,
    _DRAFT.c.resident_id,
    _DRAFT.c.diary_type_id,
    _DRAFT.c.text,
    _DRAFT.c.mode,
    _DRAFT.c.status,
    _DRAFT.c.source_chat_id,
    _DRAFT.c.source_message_id,
    _DRAFT.c.note_id,
    _DRAFT.c.sub_goal_id,
    _DRAFT.c.missing_reason,
)
# Whether the draft's resident has an active sub-goal (of an active goal): returned by the
# draft's INSERT itself, so the quick-note card knows whether to offer `Delmål` without a query.
# Literal SQL because SQLAlchemy cannot correlate a subquery with the row an INSERT returns.
_DRAFT_RESIDENT_HAS_SUB_GOALS = sa.literal_column(
    f"EXISTS (SELECT 1 FROM {_GOAL.name} JOIN {_SUB_GOAL.name}"
    f" ON {_SUB_GOAL.name}.goal_id = {_GOAL.name}.id"
    f" WHERE {_GOAL.name}.resident_id = {_DRAFT.name}.resident_id"
    f" AND {_GOAL.name}.status = 'active' AND {_SUB_GOAL.name}.status = 'active')",
    sa.Boolean,
)
# Aliases: the save query below also joins the draft's own sub-goal and its goal.
_ANY_GOAL = _GOAL.alias("any_goal")
_ANY_SUB_GOAL = _SUB_GOAL.alias("any_sub_goal")
_ACTIVE_SUB_GOAL_OF_DRAFT_RESIDENT = (
    sa.exists()
    .where(
        _ANY_GOAL.c.resident_id == _DRAFT.c.resident_id,
        _ANY_GOAL.c.status == "active",
        _ANY_SUB_GOAL.c.goal_id == _ANY_GOAL.c.id,
        _ANY_SUB_GOAL.c.status == "active",
    )
    .correlate(_DRAFT)
)
_SAVE_CONTEXT = (
    sa.select(
        *_DRAFT_COLUMNS,
        _RESIDENT.c.display_name,
        _RESIDENT.c.department_id,
        _RESIDENT.c.moved_out_on,
        _TYPE.c.name,
        _TYPE.c.active,
        _TYPE.c.kind.label("type_kind"),
        _NOTE.c.created_at,
        _SUB_GOAL.c.text.label("sub_goal_text"),
        _SUB_GOAL.c.status.label("sub_goal_status"),
        _SUB_GOAL.c.scoring_frequency.label("sub_goal_frequency"),
        _GOAL.c.resident_id.label("goal_resident_id"),
        _GOAL.c.status.label("goal_status"),
        # Only asked (CASE evaluates lazily) for a "Manglende arbejde" draft without sub-goal.
        sa.case(
            (
                sa.and_(_TYPE.c.kind == MISSING_WORK_KIND, _DRAFT.c.sub_goal_id.is_(None)),
                _ACTIVE_SUB_GOAL_OF_DRAFT_RESIDENT,
            ),
            else_=sa.null(),
        ).label("resident_has_sub_goals"),
    )
    .select_from(_DRAFT)
    .outerjoin(_RESIDENT, _RESIDENT.c.id == _DRAFT.c.resident_id)
    .outerjoin(_TYPE, _TYPE.c.id == _DRAFT.c.diary_type_id)
    .outerjoin(_NOTE, _NOTE.c.id == _DRAFT.c.note_id)
    # A plain note has no sub-goal: these two joins find nothing and cost next to nothing.
    .outerjoin(_SUB_GOAL, _SUB_GOAL.c.id == _DRAFT.c.sub_goal_id)
    .outerjoin(_GOAL, _GOAL.c.id == _SUB_GOAL.c.goal_id)
    .where(_DRAFT.c.id == sa.bindparam("draft_id"))
)
_SAVE_CONTEXT_LOCKED = _SAVE_CONTEXT.with_for_update(of=_DRAFT)
_MARK_SAVED = (
    sa.update(_DRAFT)
    .where(_DRAFT.c.id == sa.bindparam("draft_id"))
    .values(status="saved", note_id=sa.bindparam("note_id"), updated_at=sa.bindparam("now"))
)
_INSERT_NOTE = sa.insert(_NOTE).returning(_NOTE.c.id)
_INSERT_DRAFT = {
    name: insert(_DRAFT)
    .on_conflict_do_nothing(index_elements=["source_chat_id", "source_message_id"])
    .returning(_DRAFT.c.id, _DRAFT_RESIDENT_HAS_SUB_GOALS)
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}
_FINGERPRINT = sa.select(sa.func.count(), sa.func.max(_RESIDENT.c.updated_at))
_FINGERPRINT_BY_SCOPE = {
    "all": _FINGERPRINT,
    "assigned": _FINGERPRINT.where(_RESIDENT.c.id.in_(sa.bindparam("ids", expanding=True))),
    "departments": _FINGERPRINT.where(
        _RESIDENT.c.department_id.in_(sa.bindparam("ids", expanding=True))
    ),
}
_INSERT_AUDIT = sa.insert(_AUDIT)
_SUB_GOAL_CHOICES = (
    sa.select(_SUB_GOAL.c.id, _SUB_GOAL.c.text, _SUB_GOAL.c.scoring_frequency)
    .select_from(_SUB_GOAL)
    .join(_GOAL, _GOAL.c.id == _SUB_GOAL.c.goal_id)
    .where(
        _GOAL.c.resident_id == sa.bindparam("resident_id"),
        _GOAL.c.status == "active",
        _SUB_GOAL.c.status == "active",
    )
    .order_by(_GOAL.c.start_date, _GOAL.c.id, _SUB_GOAL.c.id)
)


@dataclass(frozen=True, slots=True)
class DraftRow:
    """A draft's fields as the note card needs them (the hot path's plain-row NoteDraft)."""

    id: int
    author_id: int
    resident_id: int | None
    diary_type_id: int | None
    text: str
    mode: str
    status: str
    source_chat_id: int | None
    source_message_id: int | None
    note_id: int | None
    sub_goal_id: int | None = None
    missing_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SaveContext:
    """A draft with what saving it needs: resident, type, sub-goal and any note made from it."""

    draft: DraftRow
    resident_name: str | None
    resident_department_id: int | None
    resident_moved_out_on: date | None
    type_name: str | None
    type_active: bool | None
    note_created_at: datetime | None
    type_kind: str | None = None
    sub_goal_text: str | None = None
    sub_goal_status: str | None = None
    sub_goal_frequency: str | None = None
    goal_resident_id: int | None = None
    goal_status: str | None = None
    # Set for a "Manglende arbejde" draft without sub-goal: does its resident have any?
    resident_has_sub_goals: bool | None = None


@dataclass(frozen=True, slots=True)
class SubGoalChoice:
    """An active sub-goal a note can be attached to (of an active goal of the resident)."""

    id: int
    text: str
    scoring_frequency: str


class OrgRepository(Repository):
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


class StaffRepository(Repository):
    """Registered people and what they may see."""

    def by_telegram_id(self, telegram_user_id: int) -> Staff | None:
        """Find a person by Telegram user id."""
        return self.session.exec(
            select(Staff).where(Staff.telegram_user_id == telegram_user_id)
        ).first()

    def get(self, staff_id: int) -> Staff | None:
        """Return a person by id."""
        return self.session.get(Staff, staff_id)

    def names(self, staff_ids: Iterable[int]) -> dict[int, str]:
        """Return display names by staff id (who ticked, who is responsible ...)."""
        wanted = sorted(set(staff_ids))
        if not wanted:
            return {}
        stmt = select(Staff.id, Staff.display_name).where(col(Staff.id).in_(wanted))
        return {int(sid): name for sid, name in self.session.exec(stmt) if sid is not None}

    def actor(self, telegram_user_id: int) -> Actor | None:
        """Load the acting person with departments and assignments, or None if unknown."""
        # Runs for every update: prebuilt Core statements, two or three small indexed queries.
        row = self._core(_ACTOR_ROW, {"uid": telegram_user_id}).first()
        if row is None:
            return None
        staff_id, display_name, role, active, access_ends_on = tuple(row)
        departments = self._core(_ACTOR_DEPARTMENTS, {"sid": staff_id}).scalars()
        assigned: Sequence[int] = ()
        if role == Role.VIKAR:
            assigned = self._core(_ACTOR_ASSIGNED, {"sid": staff_id}).scalars()
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

    def departments_of(self, staff_id: int) -> list[int]:
        """Return the ids of a person's departments."""
        stmt = select(StaffDepartment.department_id).where(StaffDepartment.staff_id == staff_id)
        return sorted(self.session.exec(stmt))

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


class ResidentRepository(Repository):
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
        # Runs for every quick note: a prebuilt statement per kind of scope.
        if actor.role is Role.TILBUDSLEDER:
            result = self._core(_FINGERPRINT_BY_SCOPE["all"])
        elif actor.role is Role.VIKAR:
            ids = list(actor.assigned_resident_ids)
            result = self._core(_FINGERPRINT_BY_SCOPE["assigned"], {"ids": ids})
        else:
            ids = list(actor.department_ids)
            result = self._core(_FINGERPRINT_BY_SCOPE["departments"], {"ids": ids})
        count, newest = tuple(result.one())
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


class DiaryTypeRepository(Repository):
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


class DraftRepository(Repository):
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

    def insert_from_message(self, values: dict[str, Any]) -> tuple[int, bool] | None:
        """Insert a draft made from an incoming message; None if that message has one already.

        Returns the new id and whether its resident has an active sub-goal (same statement).
        ON CONFLICT DO NOTHING keeps a redelivered message (or two processes handling it) from
        failing the transaction: the caller then shows the existing draft.
        """
        stmt = _INSERT_DRAFT[self._transaction.connection.dialect.name]
        row = self._core(stmt, values).first()
        if row is None:
            return None
        draft_id, has_sub_goals = tuple(row)
        return int(draft_id), bool(has_sub_goals)

    def sub_goal_choices(self, resident_id: int) -> list[SubGoalChoice]:
        """Return the resident's active sub-goals of active goals, in plan order."""
        rows = self._core(_SUB_GOAL_CHOICES, {"resident_id": resident_id})
        return [SubGoalChoice(*tuple(row)) for row in rows]

    def awaiting_reason(self, draft_id: int, author_id: int, missing_kind: str) -> NoteDraft | None:
        """Return the author's draft if it is open, of this kind, with a sub-goal but no reason."""
        stmt = (
            select(NoteDraft)
            .join(DiaryType, col(DiaryType.id) == col(NoteDraft.diary_type_id))
            .where(
                NoteDraft.id == draft_id,
                NoteDraft.author_id == author_id,
                NoteDraft.status == "open",
                DiaryType.kind == missing_kind,
                col(NoteDraft.sub_goal_id).is_not(None),
                col(NoteDraft.missing_reason).is_(None),
            )
        )
        return self.session.exec(stmt).first()

    def save_context(self, draft_id: int, *, lock: bool) -> SaveContext | None:
        """Return a draft with its resident, type and note in one query (lock: FOR UPDATE)."""
        stmt = _SAVE_CONTEXT_LOCKED if lock else _SAVE_CONTEXT
        found = self._core(stmt, {"draft_id": draft_id})
        row = found.first_by_name()
        if row is None:
            return None
        first = found.rows[0]
        has_sub_goals = row["resident_has_sub_goals"]
        return SaveContext(
            draft=DraftRow(*first[: len(_DRAFT_COLUMNS)]),
            resident_name=row["display_name"],
            resident_department_id=row["department_id"],
            resident_moved_out_on=row["moved_out_on"],
            type_name=row["name"],
            type_active=row["active"],
            note_created_at=row["created_at"],
            type_kind=row["type_kind"],
            sub_goal_text=row["sub_goal_text"],
            sub_goal_status=row["sub_goal_status"],
            sub_goal_frequency=row["sub_goal_frequency"],
            goal_resident_id=row["goal_resident_id"],
            goal_status=row["goal_status"],
            resident_has_sub_goals=None if has_sub_goals is None else bool(has_sub_goals),
        )

    def mark_saved(self, draft_id: int, note_id: int, now: datetime) -> None:
        """Close a draft as saved into a note."""
        self._core(_MARK_SAVED, {"draft_id": draft_id, "note_id": note_id, "now": now})


class NoteRepository(Repository):
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

    def insert(self, values: dict[str, Any]) -> int:
        """Insert a note from plain values and return its id (IntegrityError on a known source)."""
        return cast(int, self._core(_INSERT_NOTE, values).scalar_one())

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


class InviteRepository(Repository):
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


class AuditRepository(Repository):
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
        self._core(
            _INSERT_AUDIT,
            {
                "at": at,
                "actor_id": actor_id,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "resident_id": resident_id,
                "detail": detail[:500],
            },
        )

    def events(self, *, entity: str | None = None) -> list[AuditEvent]:
        """Return audit events in order, optionally for one kind of entity."""
        stmt = select(AuditEvent).order_by(col(AuditEvent.id))
        if entity is not None:
            stmt = stmt.where(AuditEvent.entity == entity)
        return list(self.session.exec(stmt))
