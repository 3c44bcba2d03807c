"""The reminder ledger (outbox), snoozes, each person's reminder hours, and the bulk reads the
sweep turns into the rules' facts (issue 4 §3).

The bulk reads are set-based: a sweep over 10,000 residents is a handful of queries, never one
per resident. They return plain tuples; bot.reminders.facts assembles them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.domain.access import Role
from bot.domain.calendar import DEFAULT_HOURS, ReminderHours
from bot.storage.base import Repository
from bot.storage.models import (
    ContactTeamMember,
    Department,
    Goal,
    ReminderDelivery,
    ReminderPerson,
    ReminderSnooze,
    Resident,
    ResidentMilestone,
    Staff,
    StaffDepartment,
    StatusMeeting,
    SubGoal,
)


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


_PERSON = _table(ReminderPerson)
_DELIVERY = _table(ReminderDelivery)
_SNOOZE = _table(ReminderSnooze)
_RESIDENT = _table(Resident)
_DEPARTMENT = _table(Department)
_STAFF = _table(Staff)
_STAFF_DEPARTMENT = _table(StaffDepartment)
_TEAM = _table(ContactTeamMember)
_GOAL = _table(Goal)
_SUB_GOAL = _table(SubGoal)
_MEETING = _table(StatusMeeting)
_MILESTONE = _table(ResidentMilestone)

PENDING = "pending"
SENT = "sent"
CANCELLED = "cancelled"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PendingRow:
    """One undelivered ledger row."""

    id: int
    rule: str
    subject: str
    due: date
    stage: str
    resident_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person with reminders waiting: where to send them and when they want them."""

    staff_id: int
    chat_id: int
    name: str
    hours: ReminderHours


# The residents living here whose ids are from..to (both included): a chunk of the sweep.
Span = tuple[int, int]


def _scoped(
    query: sa.Select[Any],
    resident_id: sa.ColumnElement[int],
    ids: Sequence[int] | None,
    span: Span | None,
) -> sa.Select[Any]:
    """Limit a bulk read to the residents of ids, or to those living here in span."""
    if span is not None:
        query = query.join(
            _RESIDENT,
            sa.and_(
                _RESIDENT.c.id == resident_id,
                _RESIDENT.c.moved_out_on.is_(None),
                _RESIDENT.c.id.between(*span),
            ),
        ).where(resident_id.between(*span))
    if ids is not None:
        query = query.where(resident_id.in_(ids))
    return query


def _can_be_due(
    next_on: sa.ColumnElement[date],
    last_evaluated_on: sa.ColumnElement[date],
    due_by: date,
    evaluated_after: date,
) -> sa.ColumnElement[bool]:
    """No next date, a next date by due_by, or no evaluation after evaluated_after."""
    return sa.or_(
        next_on.is_(None),
        next_on <= due_by,
        last_evaluated_on.is_(None),
        last_evaluated_on <= evaluated_after,
    )


def _active_staff(today: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        _STAFF.c.active.is_(True),
        sa.or_(_STAFF.c.access_ends_on.is_(None), _STAFF.c.access_ends_on >= today),
    )


class ReminderRepository(Repository):
    """Reminder hours, the delivery ledger, snoozes, and the sweep's bulk reads."""

    # --- hours ---------------------------------------------------------------------------

    def hours(self, staff_id: int) -> ReminderHours:
        """Return the person's reminder hours (the defaults until they choose otherwise)."""
        row = self.session.get(ReminderPerson, staff_id)
        if row is None:
            return DEFAULT_HOURS
        return ReminderHours(row.start_minute, row.end_minute, row.weekends, row.holidays)

    def set_hours(self, staff_id: int, hours: ReminderHours, now: datetime) -> None:
        """Store the person's reminder hours (creating their row if needed).

        One upsert: a sweep creating the person's row at the same moment cannot make it fail.
        """
        values = {
            "start_minute": hours.start_minute,
            "end_minute": hours.end_minute,
            "weekends": hours.weekends,
            "holidays": hours.holidays,
            "updated_at": now,
        }
        upsert = (
            self._insert(_PERSON)
            .values(staff_id=staff_id, **values)
            .on_conflict_do_update(index_elements=["staff_id"], set_=values)
        )
        self.connection.execute(upsert)
        self.session.expire_all()

    # --- the sweep's bulk reads ----------------------------------------------------------

    def residents(
        self,
        ids: Sequence[int] | None,
        *,
        span: Span | None = None,
        milestones: Sequence[str] = (),
        areas: Sequence[str] = (),
    ) -> list[Any]:
        """(id, name, birth_date, enrolment_date, department_id) of residents living here
        (all; those of ids; or those with an id in span), then the latest day of each of the
        milestones (kinds) and, for each of the mandatory areas, whether an active goal has it.

        One row a resident: each milestone and area is one look-up in an index
        (ix_milestone_resident_kind; the resident's goals), not a row of its own.
        """
        latest = [
            sa.select(_MILESTONE.c.done_on)
            .where(_MILESTONE.c.resident_id == _RESIDENT.c.id, _MILESTONE.c.kind == kind)
            .order_by(_MILESTONE.c.done_on.desc())  # the index's last entry, not max()
            .limit(1)
            .scalar_subquery()
            for kind in milestones
        ]
        covered = [
            sa.exists().where(
                _GOAL.c.resident_id == _RESIDENT.c.id,
                _GOAL.c.status == "active",
                _GOAL.c.mandatory_area == area,
            )
            for area in areas
        ]
        query = (
            sa.select(
                _RESIDENT.c.id,
                _RESIDENT.c.display_name,
                _RESIDENT.c.birth_date,
                _RESIDENT.c.enrolment_date,
                _RESIDENT.c.department_id,
                *latest,
                *covered,
            )
            .where(_RESIDENT.c.moved_out_on.is_(None))
            .order_by(_RESIDENT.c.id)
        )
        if span is not None:
            query = query.where(_RESIDENT.c.id.between(*span))
        if ids is not None:
            query = query.where(_RESIDENT.c.id.in_(ids))
        return list(self.connection.execute(query).all())

    def living_ids(self) -> list[int]:
        """The ids of the residents living here, in order."""
        query = (
            sa.select(_RESIDENT.c.id)
            .where(_RESIDENT.c.moved_out_on.is_(None))
            .order_by(_RESIDENT.c.id)
        )
        return list(self.connection.execute(query).scalars().all())

    def team_meetings(self) -> list[Any]:
        """(department id, weekday, every_weeks, anchor) of every department."""
        query = sa.select(
            _DEPARTMENT.c.id,
            _DEPARTMENT.c.team_meeting_weekday,
            _DEPARTMENT.c.team_meeting_every_weeks,
            _DEPARTMENT.c.team_meeting_anchor,
        )
        return list(self.connection.execute(query).all())

    def department_leaders(self, today: date) -> dict[int, tuple[int, ...]]:
        """The active afdelingsledere of each department."""
        query = (
            sa.select(_STAFF_DEPARTMENT.c.department_id, _STAFF.c.id)
            .join(_STAFF, _STAFF.c.id == _STAFF_DEPARTMENT.c.staff_id)
            .where(_STAFF.c.role == Role.AFDELINGSLEDER.value, _active_staff(today))
            .order_by(_STAFF_DEPARTMENT.c.department_id, _STAFF.c.id)
        )
        found: dict[int, list[int]] = {}
        for department_id, staff_id in self.connection.execute(query).all():
            found.setdefault(department_id, []).append(staff_id)
        return {k: tuple(v) for k, v in found.items()}

    def contact_teams(
        self, ids: Sequence[int] | None, today: date, *, span: Span | None = None
    ) -> dict[int, tuple[int, ...]]:
        """The active kontaktteam members of each resident, in the order they joined."""
        query = _scoped(
            sa.select(_TEAM.c.resident_id, _TEAM.c.staff_id)
            .join(_STAFF, _STAFF.c.id == _TEAM.c.staff_id)
            .where(_active_staff(today))
            .order_by(_TEAM.c.resident_id, _TEAM.c.added_at, _TEAM.c.staff_id),
            _TEAM.c.resident_id,
            ids,
            span,
        )
        rows = self.connection.execute(query).all()
        return {
            resident_id: tuple(staff_id for _, staff_id in members)
            for resident_id, members in groupby(rows, key=itemgetter(0))
        }

    def active_goals(
        self,
        ids: Sequence[int] | None,
        *,
        span: Span | None = None,
        due_by: date | None = None,
        evaluated_after: date | None = None,
    ) -> list[Any]:
        """(id, resident_id, text, created_at, next_evaluation_on, interval_count,
        interval_unit, last evaluation day) of active goals.

        With due_by and evaluated_after, only the goals with no next date, a next date on or
        before due_by, or no evaluation after evaluated_after; the others are not read.
        """
        query = sa.select(
            _GOAL.c.id,
            _GOAL.c.resident_id,
            _GOAL.c.text,
            sa.type_coerce(_GOAL.c.created_at, sa.DateTime()),  # not UTCDateTime per row
            _GOAL.c.next_evaluation_on,
            _GOAL.c.interval_count,
            _GOAL.c.interval_unit,
            _GOAL.c.last_evaluated_on,
        ).where(_GOAL.c.status == "active")
        if due_by is not None and evaluated_after is not None:
            query = query.where(
                _can_be_due(
                    _GOAL.c.next_evaluation_on, _GOAL.c.last_evaluated_on, due_by, evaluated_after
                )
            )
        return list(self.connection.execute(_scoped(query, _GOAL.c.resident_id, ids, span)).all())

    def active_sub_goals(
        self,
        ids: Sequence[int] | None,
        *,
        span: Span | None = None,
        due_by: date | None = None,
        evaluated_after: date | None = None,
    ) -> list[Any]:
        """(id, resident_id, text, created_at, next_evaluation_on, the goal's interval_count
        and interval_unit, last evaluation day) of active sub-goals of active goals; due_by and
        evaluated_after as in active_goals."""
        query = (
            sa.select(
                _SUB_GOAL.c.id,
                _GOAL.c.resident_id,
                _SUB_GOAL.c.text,
                sa.type_coerce(_SUB_GOAL.c.created_at, sa.DateTime()),
                _SUB_GOAL.c.next_evaluation_on,
                _GOAL.c.interval_count,
                _GOAL.c.interval_unit,
                _SUB_GOAL.c.last_evaluated_on,
            )
            .join(_GOAL, _GOAL.c.id == _SUB_GOAL.c.goal_id)
            .where(_SUB_GOAL.c.status == "active", _GOAL.c.status == "active")
        )
        if due_by is not None and evaluated_after is not None:
            query = query.where(
                _can_be_due(
                    _SUB_GOAL.c.next_evaluation_on,
                    _SUB_GOAL.c.last_evaluated_on,
                    due_by,
                    evaluated_after,
                )
            )
        return list(self.connection.execute(_scoped(query, _GOAL.c.resident_id, ids, span)).all())

    def snoozed(self, today: date) -> frozenset[tuple[str, str, date, int]]:
        """(rule, subject, due, person) of every snooze still running today."""
        query = sa.select(
            _SNOOZE.c.rule, _SNOOZE.c.subject, _SNOOZE.c.due, _SNOOZE.c.recipient_id
        ).where(_SNOOZE.c.until > today)
        return frozenset(tuple(row) for row in self.connection.execute(query))

    def ended_snoozes(self, today: date, since: date) -> dict[tuple[str, str, date, int], date]:
        """The last day of each snooze that ran out between `since` and today."""
        query = sa.select(
            _SNOOZE.c.rule,
            _SNOOZE.c.subject,
            _SNOOZE.c.due,
            _SNOOZE.c.recipient_id,
            _SNOOZE.c.until,
        ).where(_SNOOZE.c.until <= today, _SNOOZE.c.until >= since)
        return {
            (rule, subject, due, person): until
            for rule, subject, due, person, until in self.connection.execute(query)
        }

    # --- the ledger ----------------------------------------------------------------------

    def record(self, rows: Iterable[dict[str, Any]], now: datetime) -> int:
        """Write deliveries to the ledger; a key already there is left as it is. Also make
        sure each recipient has a reminder_person row (the claim lives there)."""
        batch = [{**row, "status": PENDING, "created_at": now} for row in rows]
        if not batch:
            return 0
        insert = (
            self._insert(_DELIVERY)
            .on_conflict_do_nothing(
                index_elements=["rule", "subject", "due", "stage", "recipient_id"]
            )
            .returning(_DELIVERY.c.id)
        )
        connection = self.connection
        # With RETURNING, executemany reports each inserted row (rowcount is -1 on psycopg).
        written = len(connection.execute(insert, batch).all())
        people = sorted({row["recipient_id"] for row in batch})
        person = self._insert(_PERSON).on_conflict_do_nothing(index_elements=["staff_id"])
        connection.execute(
            person,
            [
                {
                    "staff_id": staff_id,
                    "start_minute": DEFAULT_HOURS.start_minute,
                    "end_minute": DEFAULT_HOURS.end_minute,
                    "weekends": DEFAULT_HOURS.weekends,
                    "holidays": DEFAULT_HOURS.holidays,
                }
                for staff_id in people
            ],
        )
        return written

    def _insert(self, table: sa.Table) -> Any:
        if self.connection.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def recipients_waiting(self, today: date) -> list[Recipient]:
        """Everyone with a pending reminder, with their chat and hours."""
        waiting = (
            sa.select(_DELIVERY.c.recipient_id)
            .where(_DELIVERY.c.status == PENDING)
            .distinct()
            .subquery()
        )
        query = (
            sa.select(
                _STAFF.c.id,
                _STAFF.c.telegram_user_id,
                _STAFF.c.display_name,
                _PERSON.c.start_minute,
                _PERSON.c.end_minute,
                _PERSON.c.weekends,
                _PERSON.c.holidays,
            )
            .join(waiting, waiting.c.recipient_id == _STAFF.c.id)
            .join(_PERSON, _PERSON.c.staff_id == _STAFF.c.id)
            .where(_active_staff(today))
            .order_by(_STAFF.c.id)
        )
        return [
            Recipient(row[0], row[1], row[2], ReminderHours(row[3], row[4], row[5], row[6]))
            for row in self.connection.execute(query)
        ]

    def claim(self, staff_id: int, token: str, now: datetime, stale_before: datetime) -> bool:
        """Take the right to deliver this person's reminders, unless another process holds
        it (a claim older than stale_before is from a process that died and is taken over)."""
        update = (
            sa.update(_PERSON)
            .where(
                _PERSON.c.staff_id == staff_id,
                sa.or_(_PERSON.c.claim_token.is_(None), _PERSON.c.claimed_at < stale_before),
            )
            .values(claim_token=token, claimed_at=now)
        )
        return self.connection.execute(update).rowcount == 1

    def renew(self, staff_id: int, token: str, now: datetime) -> bool:
        """Keep a claim fresh while its digest is on the way; False if it is no longer ours."""
        update = (
            sa.update(_PERSON)
            .where(_PERSON.c.staff_id == staff_id, _PERSON.c.claim_token == token)
            .values(claimed_at=now)
        )
        return self.connection.execute(update).rowcount == 1

    def release(self, staff_id: int, token: str) -> None:
        """Give the claim back (only if it is still ours)."""
        update = (
            sa.update(_PERSON)
            .where(_PERSON.c.staff_id == staff_id, _PERSON.c.claim_token == token)
            .values(claim_token=None, claimed_at=None)
        )
        self.connection.execute(update)

    def pending(self, staff_id: int) -> list[PendingRow]:
        """The person's undelivered rows, oldest first."""
        query = (
            sa.select(
                _DELIVERY.c.id,
                _DELIVERY.c.rule,
                _DELIVERY.c.subject,
                _DELIVERY.c.due,
                _DELIVERY.c.stage,
                _DELIVERY.c.resident_id,
                _DELIVERY.c.created_at,
            )
            .where(_DELIVERY.c.recipient_id == staff_id, _DELIVERY.c.status == PENDING)
            .order_by(_DELIVERY.c.id)
        )
        return [PendingRow(*row) for row in self.connection.execute(query)]

    def close(
        self,
        ids: Sequence[int],
        status: str,
        now: datetime,
        message_id: int | None = None,
    ) -> None:
        """Mark pending rows sent (with the message that carried them), cancelled or failed."""
        if not ids:
            return
        update = (
            sa.update(_DELIVERY)
            .where(_DELIVERY.c.id.in_(ids), _DELIVERY.c.status == PENDING)
            .values(status=status, sent_at=now, message_id=message_id)
        )
        self.connection.execute(update)

    def cancel_item(self, rule: str, subject: str, due: date, staff_id: int, now: datetime) -> None:
        """Cancel a person's pending rows of one item (it was snoozed or done)."""
        update = (
            sa.update(_DELIVERY)
            .where(
                _DELIVERY.c.rule == rule,
                _DELIVERY.c.subject == subject,
                _DELIVERY.c.due == due,
                _DELIVERY.c.recipient_id == staff_id,
                _DELIVERY.c.status == PENDING,
            )
            .values(status=CANCELLED, sent_at=now)
        )
        self.connection.execute(update)

    def snooze(
        self, rule: str, subject: str, due: date, staff_id: int, until: date, now: datetime
    ) -> None:
        """Keep one item quiet for one person until a day (a later snooze replaces it)."""
        row = self.session.get(ReminderSnooze, (rule, subject, due, staff_id))
        if row is None:
            row = ReminderSnooze(
                rule=rule,
                subject=subject,
                due=due,
                recipient_id=staff_id,
                until=until,
                created_at=now,
            )
        else:
            row.until = until
            row.created_at = now
        self.session.add(row)
        self.session.flush()

    def resident_of(self, kind: str, ref: int) -> int | None:
        """Return the resident an item's subject (goal, sub-goal, meeting, resident) is about."""
        query: sa.Select[Any]
        if kind == "goal":
            query = sa.select(_GOAL.c.resident_id).where(_GOAL.c.id == ref)
        elif kind == "sub_goal":
            query = (
                sa.select(_GOAL.c.resident_id)
                .join(_SUB_GOAL, _SUB_GOAL.c.goal_id == _GOAL.c.id)
                .where(_SUB_GOAL.c.id == ref)
            )
        elif kind == "status_meeting":
            query = sa.select(_MEETING.c.resident_id).where(_MEETING.c.id == ref)
        elif kind == "resident":
            query = sa.select(_RESIDENT.c.id).where(_RESIDENT.c.id == ref)
        else:
            return None
        found: int | None = self.connection.execute(query).scalar()
        return found
