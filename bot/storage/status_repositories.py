"""Status meetings, their ticked-off steps and recorded milestones (issue 4 §2). No commits.

A resident has at most one planned meeting (the partial unique index uq_status_meeting_planned):
two units of work planning one at once end with an IntegrityError for the second at flush, and
a retry in a new unit of work finds the first one's meeting. A step is ticked with INSERT ... ON
CONFLICT DO NOTHING, so a second tick (a colleague pressing at the same moment) never fails the
transaction: it reads back who ticked first.

The bulk read for the reminder sweep (meetings_for) is set-based: one query per chunk of
residents, never one per resident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from bot.reminders.rules import MeetingFacts
from bot.storage.base import Repository
from bot.storage.models import Resident, ResidentMilestone, StatusMeeting, StatusStep

PLANNED = "planned"
HELD = "held"
CANCELLED = "cancelled"

# Residents per bulk query when ids are given: far below SQLite's 32,766 bound parameters.
BULK_CHUNK = 5000


def _table(model: Any) -> sa.Table:
    return cast(sa.Table, model.__table__)


_MEETING = _table(StatusMeeting)
_STEP = _table(StatusStep)
_MILESTONE = _table(ResidentMilestone)
_RESIDENT = _table(Resident)

_INSERT_STEP = {
    name: insert(_STEP)
    .on_conflict_do_nothing(index_elements=["meeting_id", "step"])
    .returning(_STEP.c.step)
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}

# The bulk reads. A scope names the residents: those living here (None), or a chunk of ids.
# The latest held meeting of each resident is found with MAX over the (resident_id,
# meeting_on) index and joined back; the planned one through the partial unique index; each
# meeting's ticked steps come along aggregated into one string, so a row is a meeting.
_STEPS_DONE = (
    sa.select(sa.func.aggregate_strings(_STEP.c.step, ","))
    .where(_STEP.c.meeting_id == _MEETING.c.id)
    .scalar_subquery()
)
_MEETING_COLUMNS = (
    _MEETING.c.id,
    _MEETING.c.resident_id,
    _MEETING.c.meeting_on,
    _MEETING.c.status,
    _STEPS_DONE,
)


def _in_scope(
    stmt: sa.Select[Any], resident: sa.ColumnElement[int], ids: Sequence[int] | None
) -> sa.Select[Any]:
    """Limit a bulk read to residents living here (ids None) or to the given ids."""
    if ids is None:
        living = sa.select(_RESIDENT.c.id).where(_RESIDENT.c.moved_out_on.is_(None))
        return stmt.where(resident.in_(living))
    return stmt.where(resident.in_(ids))


def _meetings_statement(ids: Sequence[int] | None) -> sa.CompoundSelect[Any]:
    last = _in_scope(
        sa.select(_MEETING.c.resident_id, sa.func.max(_MEETING.c.meeting_on).label("last"))
        .where(_MEETING.c.status == HELD)
        .group_by(_MEETING.c.resident_id),
        _MEETING.c.resident_id,
        ids,
    ).subquery("last_held")
    held = (
        sa.select(*_MEETING_COLUMNS)
        .join(
            last,
            sa.and_(
                last.c.resident_id == _MEETING.c.resident_id,
                last.c.last == _MEETING.c.meeting_on,
            ),
        )
        .where(_MEETING.c.status == HELD)
    )
    planned = _in_scope(
        sa.select(*_MEETING_COLUMNS).where(_MEETING.c.status == PLANNED),
        _MEETING.c.resident_id,
        ids,
    )
    return sa.union_all(held, planned)


def _living_in(span: tuple[int, int]) -> sa.ColumnElement[bool]:
    """The residents living here whose ids are in span (both ends included)."""
    return sa.and_(_RESIDENT.c.moved_out_on.is_(None), _RESIDENT.c.id.between(*span))


def _span_meetings_statement(span: tuple[int, int]) -> sa.CompoundSelect[Any]:
    """The latest held and the planned meeting of each resident living here in span.

    Driven by the residents: the latest held meeting is found through the (resident_id,
    meeting_on) index, one resident at a time, not by grouping every meeting ever held.
    """
    other = _MEETING.alias("held")
    latest = (
        sa.select(other.c.id)
        .where(other.c.resident_id == _RESIDENT.c.id, other.c.status == HELD)
        .order_by(other.c.meeting_on.desc(), other.c.id.desc())  # the later recorded of a day
        .limit(1)
        .correlate(_RESIDENT)
        .scalar_subquery()
    )
    held = sa.select(*_MEETING_COLUMNS).where(
        _MEETING.c.id.in_(sa.select(latest).where(_living_in(span)))
    )
    planned = (
        sa.select(*_MEETING_COLUMNS)
        .join(_RESIDENT, sa.and_(_RESIDENT.c.id == _MEETING.c.resident_id, _living_in(span)))
        .where(_MEETING.c.status == PLANNED, _MEETING.c.resident_id.between(*span))
    )
    return sa.union_all(held, planned)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BULK_CHUNK):
        yield ids[start : start + BULK_CHUNK]


class StatusRepository(Repository):
    """Status meetings, status steps and resident milestones."""

    # --- one resident's meetings --------------------------------------------------------------

    def get(self, meeting_id: int, *, lock: bool = False) -> StatusMeeting | None:
        """Return a meeting by id; lock=True holds its row until commit (PostgreSQL)."""
        return self.session.get(StatusMeeting, meeting_id, with_for_update=lock)

    def planned(self, resident_id: int, *, lock: bool = False) -> StatusMeeting | None:
        """Return the resident's planned meeting, if any (locked until commit if asked)."""
        stmt = select(StatusMeeting).where(
            StatusMeeting.resident_id == resident_id, StatusMeeting.status == PLANNED
        )
        if lock:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def last_held(self, resident_id: int) -> StatusMeeting | None:
        """Return the resident's latest held meeting, if any."""
        stmt = (
            select(StatusMeeting)
            .where(StatusMeeting.resident_id == resident_id, StatusMeeting.status == HELD)
            .order_by(col(StatusMeeting.meeting_on).desc(), col(StatusMeeting.id).desc())
        )
        return self.session.exec(stmt).first()

    def add_meeting(self, meeting: StatusMeeting) -> StatusMeeting:
        """Add a planned meeting; a second planned one for the resident fails at this flush."""
        self.session.add(meeting)
        self.session.flush()
        return meeting

    def move(self, meeting: StatusMeeting, day: date) -> None:
        """Give a planned meeting a new date (its ticked steps stay)."""
        meeting.meeting_on = day
        self.session.add(meeting)
        self.session.flush()

    def close(self, meeting: StatusMeeting, status: str, *, by_id: int, at: datetime) -> None:
        """Close a planned meeting as held or cancelled."""
        if status not in {HELD, CANCELLED}:
            raise ValueError(f"a meeting is closed as held or cancelled, not {status!r}")
        meeting.status = status
        meeting.closed_by_id = by_id
        meeting.closed_at = at
        self.session.add(meeting)
        self.session.flush()

    # --- steps ----------------------------------------------------------------------------------

    def steps(self, meeting_id: int) -> list[StatusStep]:
        """Return the ticked steps of a meeting, in the order they were ticked."""
        stmt = (
            select(StatusStep)
            .where(StatusStep.meeting_id == meeting_id)
            .order_by(col(StatusStep.done_at), col(StatusStep.step))
        )
        return list(self.session.exec(stmt))

    def step(self, meeting_id: int, step: str) -> StatusStep | None:
        """Return one ticked step, or None while it is open."""
        return self.session.get(StatusStep, (meeting_id, step))

    def tick(
        self, meeting_id: int, step: str, *, by_id: int, at: datetime
    ) -> tuple[StatusStep, bool]:
        """Tick a step off; return the stored tick and whether this call made it.

        When someone else ticked it first (even in a transaction that committed a moment ago),
        nothing is written and their tick is returned.
        """
        stmt = _INSERT_STEP[self.connection.dialect.name]
        values = {"meeting_id": meeting_id, "step": step, "done_by_id": by_id, "done_at": at}
        self.session.flush()  # pending ORM changes first: the insert goes round the ORM
        made = self.connection.execute(stmt, values).first() is not None
        row = self.session.get(StatusStep, (meeting_id, step), populate_existing=True)
        assert row is not None, "a tick that neither inserted nor exists"
        return row, made

    # --- milestones -----------------------------------------------------------------------------

    def add_milestone(self, milestone: ResidentMilestone) -> ResidentMilestone:
        """Record a milestone."""
        self.session.add(milestone)
        self.session.flush()
        return milestone

    def latest_milestones(self, resident_id: int) -> dict[str, ResidentMilestone]:
        """Return the resident's latest recorded milestone of each kind."""
        stmt = (
            select(ResidentMilestone)
            .where(ResidentMilestone.resident_id == resident_id)
            .order_by(col(ResidentMilestone.done_on), col(ResidentMilestone.id))
        )
        # Ascending: a later row of a kind replaces the earlier one.
        return {row.kind: row for row in self.session.exec(stmt)}

    # --- bulk reads for the reminder sweep ------------------------------------------------------

    def _bulk(
        self, build: Callable[[Sequence[int] | None], sa.Executable], ids: list[int] | None
    ) -> list[Any]:
        """Run a bulk read for residents living here (None), or chunk by chunk for ids."""
        scopes: Iterable[Sequence[int] | None] = (
            [None] if ids is None else _chunks(sorted(set(ids)))
        )
        rows: list[Any] = []
        for scope in scopes:
            # all(): one fetch of the whole result, not a row at a time.
            rows.extend(self.connection.execute(build(scope)).all())
        return rows

    def meetings_for(
        self, resident_ids: list[int] | None, *, span: tuple[int, int] | None = None
    ) -> dict[int, tuple[MeetingFacts | None, MeetingFacts | None]]:
        """Return (latest held, planned) meeting with its ticked steps, per resident.

        For the residents living here when None, else for the ids given, or (span) for those
        living here with an id from span[0] to span[1]; a resident with neither meeting is
        left out (look up with .get(id, (None, None))). One query per chunk of residents,
        whatever their number.
        """
        held: dict[int, MeetingFacts] = {}
        planned: dict[int, MeetingFacts] = {}
        nothing: frozenset[str] = frozenset()
        if span is not None:
            rows = self.connection.execute(_span_meetings_statement(span)).all()
        else:
            rows = self._bulk(_meetings_statement, resident_ids)
        ticked: dict[str, frozenset[str]] = {}  # few different sets of ticked steps
        for meeting_id, resident_id, meeting_on, state, done in rows:
            steps = nothing
            if done:
                steps = ticked.get(done) or ticked.setdefault(done, frozenset(done.split(",")))
            facts = MeetingFacts(meeting_id, meeting_on, steps)
            if state == PLANNED:
                planned[resident_id] = facts
            else:
                # Two meetings held on the same day: the one recorded later counts.
                earlier = held.get(resident_id)
                if earlier is None or earlier.id < meeting_id:
                    held[resident_id] = facts
        return {rid: (held.get(rid), planned.get(rid)) for rid in held.keys() | planned.keys()}
