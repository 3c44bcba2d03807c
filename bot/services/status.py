"""Use cases of the status cycle: plan, move, hold and cancel status meetings, tick off the
chain of steps, record milestones, and show where a resident's cycle stands (issue 4 §2).

Who may do what (checked against the database on every call; ids from buttons are forged
until proven otherwise, and an unknown id is refused exactly like another department's):
- seeing the cycle: everyone who may see the resident;
- planning, moving, holding and cancelling a meeting: the department's leaders (the
  afdelingsleder of the resident's department, or a tilbudsleder);
- ticking a step: the kontaktteam ticks the team's steps, the leaders tick the leaders' steps
  (LEADER_STEPS) and may tick the team's too; "Statusmødet holdt" is ticked only by marking
  the meeting held, which also closes it;
- recording a milestone (DPU, autonomt kompas ...): the kontaktteam and the leaders.

Decisions:
- Moving a planned meeting keeps the steps already ticked: a report drafted for the old date
  is still drafted. Moving is "scheduling" while a meeting is planned; a resident never has
  two planned meetings.
- A meeting is planned for today or later, after the last held meeting, and at most
  MAX_MONTHS_AHEAD ahead (a typed 2072 for 2027 is caught). Less than 21 days ahead is allowed
  but the steps already past their date are returned, so the leader is warned.
- A meeting can be marked held on its day or later, never before.
- The steps before the meeting belong to the planned meeting and can be ticked while it is
  planned; the steps after belong to the held meeting and can be ticked once it is held.
- A second tick of a step (a colleague was quicker, a stale button) is not an error: the
  result says who ticked it and when. The same holds for a milestone recorded twice a day.
- The suggested next date is the rule's date (cycle_due: 6 months after the last meeting
  under 18, 12 from 18; from enrolment when none was held), moved back to the Friday before
  when it falls on a weekend, and never before today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock, local_today
from bot.domain.access import Actor, can_manage_residents
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.goals import add_months, format_date
from bot.reminders.rules import (
    LEADER_STEPS,
    MILESTONE_RULES,
    RULE_MEETING_HELD,
    STATUS_STEPS,
    STEPS_AFTER,
    STEPS_BEFORE,
    MeetingFacts,
    cycle_due,
    status_chain,
)
from bot.services.plans import audit as _audit
from bot.services.plans import owns_resident_plan, visible_resident
from bot.storage.models import Resident, ResidentMilestone, StatusMeeting
from bot.storage.status_repositories import CANCELLED, HELD, PLANNED
from bot.storage.uow import UnitOfWork

MAX_MONTHS_AHEAD = 24
FRIDAY = 4
# Two leaders planning the first meeting at once: the second's INSERT meets the partial unique
# index; once more in a new transaction moves the first one's meeting instead.
SCHEDULE_ATTEMPTS = 2
ENTITY_MEETING = "status_meeting"
ENTITY_STEP = "status_step"
ENTITY_MILESTONE = "resident_milestone"


@dataclass(frozen=True, slots=True)
class StepView:
    """One step of a meeting's chain: when it is due, and who ticked it off when (if done)."""

    step: str
    due: date
    done_by: str | None
    done_at: datetime | None
    overdue: bool
    can_tick: bool  # open, belongs to the meeting's current state, and the actor's to tick

    @property
    def done(self) -> bool:
        """Tell whether the step is ticked off."""
        return self.done_at is not None


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A planned or held meeting with its whole chain of steps, in order."""

    id: int
    on: date
    status: str
    steps: tuple[StepView, ...]
    closed_by: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """When the next status meeting is due by the rule, and the day suggested for it."""

    resident_id: int
    resident: str
    due: date
    suggested: date
    last_held: date | None


@dataclass(frozen=True, slots=True)
class StatusOverview:
    """Where a resident's status cycle stands, as /status and /statusmoede show it."""

    resident_id: int
    resident: str
    today: date
    planned: MeetingView | None
    last_held: MeetingView | None
    suggestion: Suggestion
    milestones: tuple[tuple[str, date | None], ...]  # MILESTONE_RULES order; None: never
    can_plan: bool  # a leader of the department: may plan, move, hold and cancel


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    """A planned meeting a leader is about to move or cancel."""

    meeting_id: int
    resident_id: int
    resident: str
    on: date


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A meeting planned (previous is None) or moved (from previous; equal: unchanged)."""

    meeting_id: int
    resident_id: int
    resident: str
    on: date
    previous: date | None
    late_steps: tuple[str, ...]  # open steps before the meeting whose date has already passed


@dataclass(frozen=True, slots=True)
class Closed:
    """A meeting marked held or cancelled, with the suggestion for the next one."""

    meeting_id: int
    resident_id: int
    resident: str
    on: date
    status: str
    next: Suggestion


@dataclass(frozen=True, slots=True)
class TickResult:
    """A ticked step; already is True when someone had ticked it before this press."""

    meeting_id: int
    resident_id: int
    resident: str
    step: str
    done_by: str
    done_at: datetime
    already: bool


@dataclass(frozen=True, slots=True)
class MilestoneRecorded:
    """A recorded milestone; already is True when it had been recorded today before."""

    resident_id: int
    resident: str
    kind: str
    done_on: date
    recorded_by: str
    already: bool


# --- pure helpers -----------------------------------------------------------------------------


def suggested_day(due: date, today: date) -> date:
    """Return a weekday for a meeting due on a day: a weekend moves back to Friday, and a
    date already passed becomes today (or the Monday after, on a weekend)."""
    day = due - timedelta(days=max(0, due.weekday() - FRIDAY))
    if day < today:
        day = today + timedelta(days=(7 - today.weekday()) % 7 if today.weekday() > FRIDAY else 0)
    return day


def late_steps(meeting: MeetingFacts, today: date) -> tuple[str, ...]:
    """Return the open steps before a meeting whose date has already passed."""
    return tuple(
        step
        for step, due, done in status_chain(meeting)
        if step in STEPS_BEFORE and step != RULE_MEETING_HELD and not done and due < today
    )


def may_tick(step: str, *, leader: bool, owner: bool) -> bool:
    """Tell whether someone may tick a step: leaders theirs and the team's, the team theirs."""
    if step == RULE_MEETING_HELD:
        return False  # ticked by marking the meeting held
    if step in LEADER_STEPS:
        return leader
    return owner


# --- access -----------------------------------------------------------------------------------


def _is_leader(actor: Actor, resident: Resident) -> bool:
    return can_manage_residents(actor, resident.department_id)


def _led(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    """Return a resident whose status meetings the actor plans (a leader of the department)."""
    resident = visible_resident(uow, actor, resident_id)
    if not _is_leader(actor, resident):
        raise NotAllowed("status.not_leader")
    return resident


def _meeting(
    uow: UnitOfWork, actor: Actor, meeting_id: int, *, lock: bool = False
) -> tuple[StatusMeeting, Resident]:
    """Return a meeting of a resident the actor may see (an unknown id: not allowed either)."""
    meeting = uow.status.get(meeting_id, lock=lock)
    if meeting is None:
        raise NotAllowed()
    return meeting, visible_resident(uow, actor, meeting.resident_id)


def _led_meeting(
    uow: UnitOfWork, actor: Actor, meeting_id: int, *, lock: bool = False
) -> tuple[StatusMeeting, Resident]:
    """Return a planned meeting of a resident whose meetings the actor plans."""
    meeting, resident = _meeting(uow, actor, meeting_id, lock=lock)
    if not _is_leader(actor, resident):
        raise NotAllowed("status.not_leader")
    if meeting.status == HELD:
        raise Conflict("status.already_held", date=format_date(meeting.meeting_on))
    if meeting.status == CANCELLED:
        raise Conflict("status.meeting_cancelled", date=format_date(meeting.meeting_on))
    return meeting, resident


# --- reading ----------------------------------------------------------------------------------


def _suggestion(uow: UnitOfWork, resident: Resident, today: date) -> Suggestion:
    assert resident.id is not None
    last = uow.status.last_held(resident.id)
    last_on = last.meeting_on if last is not None else None
    return _suggestion_after(resident, last_on, today)


def _suggestion_after(resident: Resident, last_held: date | None, today: date) -> Suggestion:
    assert resident.id is not None
    due = cycle_due(last_held or resident.enrolment_date, resident.birth_date)
    return Suggestion(resident.id, resident.display_name, due, suggested_day(due, today), last_held)


def _meeting_view(
    uow: UnitOfWork, meeting: StatusMeeting, today: date, *, leader: bool, owner: bool
) -> MeetingView:
    assert meeting.id is not None
    ticks = {row.step: row for row in uow.status.steps(meeting.id)}
    people = [row.done_by_id for row in ticks.values()]
    if meeting.closed_by_id is not None:
        people.append(meeting.closed_by_id)
    names = uow.staff.names(people)
    active: tuple[str, ...] = {PLANNED: STEPS_BEFORE, HELD: STEPS_AFTER}.get(meeting.status, ())
    facts = MeetingFacts(meeting.id, meeting.meeting_on, frozenset(ticks))
    steps = []
    for step, due, done in status_chain(facts):
        tick = ticks.get(step)
        open_here = not done and step in active
        steps.append(
            StepView(
                step=step,
                due=due,
                done_by=names.get(tick.done_by_id) if tick is not None else None,
                done_at=tick.done_at if tick is not None else None,
                overdue=open_here and due < today,
                can_tick=open_here and may_tick(step, leader=leader, owner=owner),
            )
        )
    closed_by = names.get(meeting.closed_by_id) if meeting.closed_by_id is not None else None
    return MeetingView(meeting.id, meeting.meeting_on, meeting.status, tuple(steps), closed_by)


def _overview(uow: UnitOfWork, actor: Actor, resident: Resident, today: date) -> StatusOverview:
    assert resident.id is not None
    leader = _is_leader(actor, resident)
    owner = owns_resident_plan(uow, actor, resident)
    planned = uow.status.planned(resident.id)
    last = uow.status.last_held(resident.id)
    latest = uow.status.latest_milestones(resident.id)
    return StatusOverview(
        resident_id=resident.id,
        resident=resident.display_name,
        today=today,
        planned=(
            _meeting_view(uow, planned, today, leader=leader, owner=owner)
            if planned is not None
            else None
        ),
        last_held=(
            _meeting_view(uow, last, today, leader=leader, owner=owner)
            if last is not None
            else None
        ),
        suggestion=_suggestion_after(resident, last.meeting_on if last else None, today),
        milestones=tuple(
            (kind, latest[kind].done_on if kind in latest else None) for kind in MILESTONE_RULES
        ),
        can_plan=leader,
    )


def status_overview(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int
) -> StatusOverview:
    """Return where a visible resident's status cycle stands (/status); the read is audited."""
    with uow:
        resident = visible_resident(uow, actor, resident_id)
        overview = _overview(uow, actor, resident, local_today(clock, tz))
        _audit(uow, clock, actor, "read", "status_cycle", None, overview.resident_id)
        uow.commit()
        return overview


def meeting_plan(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int
) -> StatusOverview:
    """Return the status cycle of a resident whose meetings the actor plans (/statusmoede)."""
    with uow:
        resident = _led(uow, actor, resident_id)
        overview = _overview(uow, actor, resident, local_today(clock, tz))
        _audit(uow, clock, actor, "read", "status_cycle", None, overview.resident_id)
        uow.commit()
        return overview


def suggest_next_meeting(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int
) -> Suggestion:
    """Return when the next status meeting is due and a day to suggest, to a planning leader."""
    with uow:
        resident = _led(uow, actor, resident_id)
        return _suggestion(uow, resident, local_today(clock, tz))


def planned_meeting(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, meeting_id: int
) -> PlannedMeeting:
    """Return a planned meeting the actor may move or cancel (before asking how)."""
    del clock, tz  # the same signature as the other use cases; nothing here depends on time
    with uow:
        meeting, resident = _led_meeting(uow, actor, meeting_id)
        assert meeting.id is not None
        return PlannedMeeting(
            meeting.id, meeting.resident_id, resident.display_name, meeting.meeting_on
        )


# --- planning ---------------------------------------------------------------------------------


def check_meeting_day(day: date, today: date, last_held: date | None = None) -> None:
    """Refuse a day a meeting cannot be planned on: past, too far ahead, not after the last."""
    if day < today:
        raise InvalidInput("status.date_past", date=format_date(day))
    if day > add_months(today, MAX_MONTHS_AHEAD):
        raise InvalidInput("status.date_far", date=format_date(day), months=MAX_MONTHS_AHEAD)
    if last_held is not None and day <= last_held:
        raise InvalidInput("status.date_not_after_last", last=format_date(last_held))


def schedule_meeting(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int, day: date
) -> Scheduled:
    """Plan the resident's next status meeting on a day, or move the planned one there."""
    check_meeting_day(day, local_today(clock, tz))
    for attempt in range(1, SCHEDULE_ATTEMPTS + 1):
        try:
            return _schedule(uow, clock, tz, actor, resident_id, day)
        except IntegrityError:
            if attempt == SCHEDULE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _schedule(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int, day: date
) -> Scheduled:
    today = local_today(clock, tz)
    with uow:
        resident = _led(uow, actor, resident_id)
        assert resident.id is not None
        if resident.moved_out_on is not None:
            raise Conflict("status.moved_out", name=resident.display_name)
        last = uow.status.last_held(resident.id)
        check_meeting_day(day, today, last.meeting_on if last is not None else None)
        meeting = uow.status.planned(resident.id, lock=True)
        previous: date | None = None
        if meeting is None:
            meeting = uow.status.add_meeting(
                StatusMeeting(
                    resident_id=resident.id,
                    meeting_on=day,
                    status=PLANNED,
                    scheduled_by_id=actor.staff_id,
                    scheduled_at=clock.now(),
                )
            )
            assert meeting.id is not None
            detail = f"on={day.isoformat()}"
            _audit(uow, clock, actor, "create", ENTITY_MEETING, meeting.id, resident.id, detail)
        else:
            previous = meeting.meeting_on
            if previous != day:
                uow.status.move(meeting, day)
                detail = f"old={previous.isoformat()} new={day.isoformat()}"
                _audit(uow, clock, actor, "update", ENTITY_MEETING, meeting.id, resident.id, detail)
        assert meeting.id is not None
        done = frozenset(row.step for row in uow.status.steps(meeting.id))
        uow.commit()
        return Scheduled(
            meeting_id=meeting.id,
            resident_id=resident.id,
            resident=resident.display_name,
            on=day,
            previous=previous,
            late_steps=late_steps(MeetingFacts(meeting.id, day, done), today),
        )


def mark_held(uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, meeting_id: int) -> Closed:
    """Close a planned meeting as held (on its day or later) and tick "Statusmødet holdt"."""
    today = local_today(clock, tz)
    with uow:
        meeting, resident = _led_meeting(uow, actor, meeting_id, lock=True)
        assert meeting.id is not None
        if meeting.meeting_on > today:
            raise Conflict("status.not_yet", date=format_date(meeting.meeting_on))
        now = clock.now()
        uow.status.close(meeting, HELD, by_id=actor.staff_id, at=now)
        uow.status.tick(meeting.id, RULE_MEETING_HELD, by_id=actor.staff_id, at=now)
        detail = f"held on={meeting.meeting_on.isoformat()}"
        _audit(uow, clock, actor, "update", ENTITY_MEETING, meeting.id, meeting.resident_id, detail)
        uow.commit()
        return Closed(
            meeting_id=meeting.id,
            resident_id=meeting.resident_id,
            resident=resident.display_name,
            on=meeting.meeting_on,
            status=HELD,
            next=_suggestion_after(resident, meeting.meeting_on, today),
        )


def cancel_meeting(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, meeting_id: int
) -> Closed:
    """Cancel a planned meeting; its ticked steps stay on it, and a new one must be planned."""
    today = local_today(clock, tz)
    with uow:
        meeting, resident = _led_meeting(uow, actor, meeting_id, lock=True)
        assert meeting.id is not None
        uow.status.close(meeting, CANCELLED, by_id=actor.staff_id, at=clock.now())
        detail = f"cancelled on={meeting.meeting_on.isoformat()}"
        _audit(uow, clock, actor, "update", ENTITY_MEETING, meeting.id, meeting.resident_id, detail)
        next_meeting = _suggestion(uow, resident, today)
        uow.commit()
        return Closed(
            meeting_id=meeting.id,
            resident_id=meeting.resident_id,
            resident=resident.display_name,
            on=meeting.meeting_on,
            status=CANCELLED,
            next=next_meeting,
        )


# --- ticking off ------------------------------------------------------------------------------


def tick_step(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, meeting_id: int, step: str
) -> TickResult:
    """Tick a step of a meeting's chain off as done now, by the person responsible for it."""
    del tz  # a tick is a moment, stored in UTC
    if step not in STATUS_STEPS:
        raise InvalidInput("error.bad_button")
    with uow:
        meeting, resident = _meeting(uow, actor, meeting_id, lock=True)
        assert meeting.id is not None
        if step == RULE_MEETING_HELD:
            raise Conflict("status.held_by_button")
        leader = _is_leader(actor, resident)
        if not may_tick(step, leader=leader, owner=owns_resident_plan(uow, actor, resident)):
            raise NotAllowed(
                "status.not_yours_leader" if step in LEADER_STEPS else "status.not_yours"
            )
        existing = uow.status.step(meeting.id, step)
        if existing is None:
            _check_tickable(meeting, step)
            existing, made = uow.status.tick(meeting.id, step, by_id=actor.staff_id, at=clock.now())
            if made:
                detail = f"step={step}"
                _audit(
                    uow,
                    clock,
                    actor,
                    "create",
                    ENTITY_STEP,
                    meeting.id,
                    meeting.resident_id,
                    detail,
                )
        else:
            made = False
        names = uow.staff.names([existing.done_by_id])
        uow.commit()
        return TickResult(
            meeting_id=meeting.id,
            resident_id=meeting.resident_id,
            resident=resident.display_name,
            step=step,
            done_by=names.get(existing.done_by_id, "?"),
            done_at=existing.done_at,
            already=not made,
        )


def _check_tickable(meeting: StatusMeeting, step: str) -> None:
    """Refuse a step that does not belong to the meeting's state."""
    on = format_date(meeting.meeting_on)
    if meeting.status == CANCELLED:
        raise Conflict("status.meeting_cancelled", date=on)
    if meeting.status == PLANNED and step in STEPS_AFTER:
        raise Conflict("status.not_held_yet", date=on)
    if meeting.status == HELD and step in STEPS_BEFORE:
        raise Conflict("status.step_passed", date=on)


# --- milestones -------------------------------------------------------------------------------


def record_milestone(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int, kind: str
) -> MilestoneRecorded:
    """Record a milestone (DPU, autonomt kompas ...) as done today; twice a day is once."""
    if kind not in MILESTONE_RULES:
        raise InvalidInput("error.bad_button")
    today = local_today(clock, tz)
    with uow:
        resident = visible_resident(uow, actor, resident_id)
        assert resident.id is not None
        if not owns_resident_plan(uow, actor, resident):
            raise NotAllowed("status.not_owner")
        latest = uow.status.latest_milestones(resident.id).get(kind)
        already = latest is not None and latest.done_on == today
        if latest is None or not already:
            latest = uow.status.add_milestone(
                ResidentMilestone(
                    resident_id=resident.id,
                    kind=kind,
                    done_on=today,
                    recorded_by_id=actor.staff_id,
                    recorded_at=clock.now(),
                )
            )
            detail = f"kind={kind} on={today.isoformat()}"
            _audit(uow, clock, actor, "create", ENTITY_MILESTONE, latest.id, resident.id, detail)
        names = uow.staff.names([latest.recorded_by_id])
        uow.commit()
        return MilestoneRecorded(
            resident_id=resident.id,
            resident=resident.display_name,
            kind=kind,
            done_on=latest.done_on,
            recorded_by=names.get(latest.recorded_by_id, "?"),
            already=already,
        )
