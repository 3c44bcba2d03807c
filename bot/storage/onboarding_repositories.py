"""Substitute onboarding (issue 5): the checklist, substitutes, their steps, brief reads.

No commits here: the use cases in bot.services.onboarding own the transactions. The sweep's
read (open_steps) is one query for everybody, never one per substitute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from bot.domain.access import Role
from bot.domain.onboarding import StepFacts, StepOwner, StepTemplate
from bot.reminders.onboarding import StepFact
from bot.storage.base import Repository
from bot.storage.models import (
    BriefRead,
    DiaryNote,
    DiaryType,
    InviteResident,
    OnboardingStep,
    OnboardingTemplate,
    ResidentAssignment,
    Staff,
    StaffDepartment,
    Substitute,
)


def _table(model: Any) -> sa.Table:
    return cast(sa.Table, model.__table__)


_STEP = _table(OnboardingStep)
_STAFF = _table(Staff)
_SUBSTITUTE = _table(Substitute)
_STAFF_DEPARTMENT = _table(StaffDepartment)
_READ = _table(BriefRead)

_INSERT_READ = {
    name: insert(_READ)
    .on_conflict_do_nothing(index_elements=["staff_id", "resident_id"])
    .returning(_READ.c.staff_id)
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


@dataclass(frozen=True, slots=True)
class SubstituteRow:
    """A substitute as the leader's overview shows them."""

    staff_id: int
    name: str
    starts_on: date
    agency: bool
    access_ends_on: date | None
    active: bool
    department_ids: tuple[int, ...]


def step_facts(step: OnboardingStep) -> StepFacts:
    """Return the pure view of a stored step."""
    assert step.id is not None
    return StepFacts(
        id=step.id,
        code="",
        title=step.title,
        description=step.description,
        owner=StepOwner(step.owner),
        gates_briefs=step.gates_briefs,
        kind=step.kind,
        occurrence=step.occurrence,
        due_on=step.due_on,
        done_on=step.done_on,
        done_by_id=step.done_by_id,
    )


def template_of(row: OnboardingTemplate) -> StepTemplate:
    """Return the pure view of a stored checklist step."""
    return StepTemplate(
        code=row.code,
        title=row.title,
        description=row.description,
        owner=StepOwner(row.owner),
        due_days=row.due_days,
        gates_briefs=row.gates_briefs,
        recurs_months=row.recurs_months,
        agency_only=row.agency_only,
        kind=row.kind,
    )


class OnboardingRepository(Repository):
    """The checklist template, substitutes, their steps and brief reads."""

    # --- the checklist ---------------------------------------------------------------------

    def templates(self, *, include_inactive: bool = False) -> list[OnboardingTemplate]:
        """Return the checklist in its order."""
        stmt = select(OnboardingTemplate).order_by(
            col(OnboardingTemplate.position), col(OnboardingTemplate.id)
        )
        if not include_inactive:
            stmt = stmt.where(col(OnboardingTemplate.active))
        return list(self.session.exec(stmt))

    def replace_templates(
        self, steps: Sequence[StepTemplate], now: datetime
    ) -> tuple[int, int, int, int]:
        """Make the checklist exactly `steps` (matched by code); steps left out are deactivated.

        Returns (created, updated, unchanged, deactivated).
        """
        existing = {row.code: row for row in self.templates(include_inactive=True)}
        created = updated = unchanged = deactivated = 0
        wanted = set()
        for position, step in enumerate(steps, start=1):
            wanted.add(step.code)
            values: dict[str, Any] = {
                "title": step.title,
                "description": step.description,
                "owner": step.owner.value,
                "due_days": step.due_days,
                "gates_briefs": step.gates_briefs,
                "recurs_months": step.recurs_months,
                "agency_only": step.agency_only,
                "kind": step.kind,
                "position": position * 10,
                "active": True,
            }
            row = existing.get(step.code)
            if row is None:
                self.session.add(OnboardingTemplate(code=step.code, updated_at=now, **values))
                created += 1
                continue
            if all(getattr(row, name) == value for name, value in values.items()):
                unchanged += 1
                continue
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            self.session.add(row)
            updated += 1
        for code, row in existing.items():
            if code not in wanted and row.active:
                row.active = False
                row.updated_at = now
                self.session.add(row)
                deactivated += 1
        self.session.flush()
        return created, updated, unchanged, deactivated

    # --- invites ---------------------------------------------------------------------------

    def set_invite_residents(self, invite_id: int, resident_ids: Iterable[int]) -> None:
        """Record the residents a substitute's invite assigns."""
        for resident_id in sorted(set(resident_ids)):
            self.session.add(InviteResident(invite_id=invite_id, resident_id=resident_id))
        self.session.flush()

    def invite_residents(self, invite_id: int) -> list[int]:
        """Return the residents a substitute's invite assigns."""
        stmt = select(InviteResident.resident_id).where(InviteResident.invite_id == invite_id)
        return sorted(self.session.exec(stmt))

    # --- substitutes -----------------------------------------------------------------------

    def substitute(self, staff_id: int) -> Substitute | None:
        """Return a substitute's onboarding record."""
        return self.session.get(Substitute, staff_id)

    def add_substitute(self, substitute: Substitute) -> None:
        """Add a substitute's onboarding record."""
        self.session.add(substitute)
        self.session.flush()

    def assign(self, staff_id: int, resident_ids: Iterable[int]) -> None:
        """Assign residents to a substitute (no-op for those already assigned)."""
        for resident_id in sorted(set(resident_ids)):
            if self.session.get(ResidentAssignment, (staff_id, resident_id)) is None:
                self.session.add(ResidentAssignment(staff_id=staff_id, resident_id=resident_id))
        self.session.flush()

    def assigned(self, staff_id: int) -> list[int]:
        """Return the residents assigned to a substitute."""
        stmt = select(ResidentAssignment.resident_id).where(ResidentAssignment.staff_id == staff_id)
        return sorted(self.session.exec(stmt))

    def substitutes(self, department_ids: Iterable[int] | None) -> list[SubstituteRow]:
        """Return the substitutes of these departments (all when None), by name."""
        stmt = (
            sa.select(
                _STAFF.c.id,
                _STAFF.c.display_name,
                _SUBSTITUTE.c.starts_on,
                _SUBSTITUTE.c.agency,
                _STAFF.c.access_ends_on,
                _STAFF.c.active,
                _STAFF_DEPARTMENT.c.department_id,
            )
            .join(_SUBSTITUTE, _SUBSTITUTE.c.staff_id == _STAFF.c.id)
            .join(_STAFF_DEPARTMENT, _STAFF_DEPARTMENT.c.staff_id == _STAFF.c.id)
            .where(_STAFF.c.role == Role.VIKAR.value)
            .order_by(_STAFF.c.display_name, _STAFF.c.id)
        )
        wanted = None if department_ids is None else set(department_ids)
        found: dict[int, SubstituteRow] = {}
        departments: dict[int, list[int]] = {}
        for sid, name, starts, agency, ends, active, dep in self.connection.execute(stmt):
            departments.setdefault(sid, []).append(dep)
            found.setdefault(sid, SubstituteRow(sid, name, starts, agency, ends, active, ()))
        rows = []
        for sid, row in found.items():
            deps = tuple(sorted(departments[sid]))
            if wanted is not None and not wanted.intersection(deps):
                continue
            rows.append(replace(row, department_ids=deps))
        return rows

    def lock_person(self, staff_id: int) -> Staff | None:
        """Return a person's row locked until the end of the transaction (on PostgreSQL; the
        SQLite write lock already serialises writers): changes to one substitute's access
        or checklist then happen one after the other."""
        return self.session.get(Staff, staff_id, with_for_update=True, populate_existing=True)

    def set_access_end(self, staff_id: int, last_day: date) -> None:
        """Set a substitute's last day of access (lock_person first)."""
        staff = self.session.get(Staff, staff_id)
        assert staff is not None
        staff.access_ends_on = last_day
        self.session.add(staff)
        self.session.flush()

    # --- steps -----------------------------------------------------------------------------

    def add_step(self, step: OnboardingStep) -> OnboardingStep:
        """Give a substitute a step."""
        self.session.add(step)
        self.session.flush()
        return step

    def steps(self, staff_id: int) -> list[OnboardingStep]:
        """Return a substitute's steps (every occurrence), by due date."""
        stmt = (
            select(OnboardingStep)
            .where(OnboardingStep.staff_id == staff_id)
            .order_by(col(OnboardingStep.due_on), col(OnboardingStep.id))
        )
        return list(self.session.exec(stmt))

    def steps_of(self, staff_ids: Sequence[int]) -> dict[int, list[OnboardingStep]]:
        """Return the steps of several substitutes at once."""
        if not staff_ids:
            return {}
        stmt = (
            select(OnboardingStep)
            .where(col(OnboardingStep.staff_id).in_(list(staff_ids)))
            .order_by(col(OnboardingStep.due_on), col(OnboardingStep.id))
        )
        found: dict[int, list[OnboardingStep]] = {sid: [] for sid in staff_ids}
        for step in self.session.exec(stmt):
            found[step.staff_id].append(step)
        return found

    def step(self, step_id: int, *, lock: bool = False) -> OnboardingStep | None:
        """Return a step by id (locked against a second tick when asked)."""
        return self.session.get(OnboardingStep, step_id, with_for_update=lock)

    def open_steps(self, until: date, today: date) -> list[StepFact]:
        """Return the open steps due by `until` of substitutes who have access today."""
        stmt = (
            sa.select(
                _STEP.c.id,
                _STEP.c.staff_id,
                _STAFF.c.display_name,
                _STEP.c.title,
                _STEP.c.owner,
                _STEP.c.due_on,
                _STAFF_DEPARTMENT.c.department_id,
            )
            .join(_STAFF, _STAFF.c.id == _STEP.c.staff_id)
            .join(_STAFF_DEPARTMENT, _STAFF_DEPARTMENT.c.staff_id == _STAFF.c.id)
            .where(
                _STEP.c.done_on.is_(None),
                _STEP.c.due_on <= until,
                _STAFF.c.active.is_(True),
                _STAFF.c.role == Role.VIKAR.value,
                sa.or_(_STAFF.c.access_ends_on.is_(None), _STAFF.c.access_ends_on >= today),
            )
            .order_by(_STEP.c.id, _STAFF_DEPARTMENT.c.department_id)
        )
        found: dict[int, StepFact] = {}
        departments: dict[int, list[int]] = {}
        for sid, staff_id, name, title, owner, due, dep in self.connection.execute(stmt):
            departments.setdefault(sid, []).append(dep)
            if sid not in found:
                found[sid] = StepFact(sid, staff_id, name, title, StepOwner(owner), due, ())
        return [replace(s, department_ids=tuple(departments[i])) for i, s in found.items()]

    def access_ending(self, first: date, last: date) -> list[tuple[int, str, date]]:
        """Return (staff id, name, last day) of substitutes whose access ends between two days."""
        stmt = (
            sa.select(_STAFF.c.id, _STAFF.c.display_name, _STAFF.c.access_ends_on)
            .where(
                _STAFF.c.role == Role.VIKAR.value,
                _STAFF.c.active.is_(True),
                _STAFF.c.access_ends_on >= first,
                _STAFF.c.access_ends_on <= last,
            )
            .order_by(_STAFF.c.id)
        )
        return [(int(i), n, d) for i, n, d in self.connection.execute(stmt)]

    # --- briefs ----------------------------------------------------------------------------

    def record_read(self, staff_id: int, resident_id: int, now: datetime) -> bool:
        """Record `Læst`; return True the first time this person read this resident's brief.

        INSERT ... ON CONFLICT DO NOTHING: a double tap (two presses at once) never fails the
        second transaction; it only moves last_read_at.
        """
        self.session.flush()  # pending ORM changes first: the insert goes round the ORM
        values = {
            "staff_id": staff_id,
            "resident_id": resident_id,
            "first_read_at": now,
            "last_read_at": now,
        }
        stmt = _INSERT_READ[self.connection.dialect.name]
        if self.connection.execute(stmt, values).first() is not None:
            return True
        self.connection.execute(
            sa.update(_READ)
            .where(_READ.c.staff_id == staff_id, _READ.c.resident_id == resident_id)
            .values(last_read_at=now)
        )
        return False

    def reads(self, staff_ids: Sequence[int]) -> dict[int, dict[int, datetime]]:
        """Return, per substitute, when they first confirmed each resident's brief."""
        if not staff_ids:
            return {}
        stmt = select(BriefRead).where(col(BriefRead.staff_id).in_(list(staff_ids)))
        found: dict[int, dict[int, datetime]] = {sid: {} for sid in staff_ids}
        for row in self.session.exec(stmt):
            found[row.staff_id][row.resident_id] = row.first_read_at
        return found

    def latest_notes(
        self, resident_id: int, type_names: Sequence[str], per_type: int
    ) -> list[tuple[str, datetime, str]]:
        """Return (diary type, created, text) of the latest notes of some diary types."""
        found: list[tuple[str, datetime, str]] = []
        for name in type_names:
            stmt = (
                select(DiaryType.name, DiaryNote.created_at, DiaryNote.text)
                .join(DiaryType, col(DiaryType.id) == col(DiaryNote.diary_type_id))
                .where(
                    DiaryNote.resident_id == resident_id,
                    DiaryType.name == name,
                    col(DiaryNote.deleted).is_(False),
                )
                .order_by(col(DiaryNote.created_at).desc(), col(DiaryNote.id).desc())
                .limit(per_type)
            )
            found.extend(self.session.exec(stmt))
        return found
