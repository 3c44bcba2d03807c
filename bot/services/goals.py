"""Use cases of the plan in the chat: the kontaktteam, and goals and sub-goals (/maal).

Every use case re-checks who the actor is against the database: ids come from buttons,
and buttons are never trusted. Changes keep the fields as they were in goal_revision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from bot.clock import Clock
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.goals import (
    EvaluationInterval,
    GoalSource,
    GoalType,
    MandatoryArea,
    ScoringFrequency,
    clean_rationale,
    clean_text,
    missing_mandatory_areas,
    next_evaluation_date,
    validate_goal_fields,
)
from bot.services.plans import audit as _audit
from bot.services.plans import led_resident, owned_resident, visible_resident
from bot.storage.models import Goal, Resident, Staff, SubGoal
from bot.storage.uow import UnitOfWork

ACTIVE = "active"
ENDED = "ended"
CONTEXT_KIND = "context"  # diary types that are plan contexts (not Magtanvendelse and the like)

GOAL_FIELDS = (
    "text",
    "rationale",
    "goal_type",
    "source",
    "contexts",
    "mandatory_area",
    "start_date",
    "end_date",
    "interval",
)
SUB_GOAL_FIELDS = ("text", "rationale", "method", "scoring_frequency")

E = TypeVar("E", GoalType, GoalSource, MandatoryArea, ScoringFrequency)
FieldValue = str | date | EvaluationInterval | tuple[int, ...] | None


@dataclass(frozen=True, slots=True)
class Option:
    """Something to pick by id: a resident, a plan context, a member of staff."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class SubGoalView:
    """A sub-goal as the plan screens show it."""

    id: int
    goal_id: int
    text: str
    rationale: str
    method: str
    scoring_frequency: ScoringFrequency
    start_date: date
    next_evaluation_on: date | None
    status: str
    ended_on: date | None
    end_reason: str | None
    version: int


@dataclass(frozen=True, slots=True)
class GoalView:
    """A goal with its plan contexts and (active) sub-goals."""

    id: int
    resident_id: int
    text: str
    rationale: str
    goal_type: GoalType
    source: GoalSource
    mandatory_area: MandatoryArea | None
    contexts: tuple[Option, ...]
    start_date: date
    end_date: date
    interval: EvaluationInterval
    next_evaluation_on: date | None
    status: str
    ended_on: date | None
    end_reason: str | None
    version: int
    sub_goals: tuple[SubGoalView, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """A resident's active goals, the mandatory areas none of them covers, and who may edit."""

    resident: Option
    goals: tuple[GoalView, ...]
    missing: tuple[MandatoryArea, ...]
    can_edit: bool


@dataclass(frozen=True, slots=True)
class GoalDraft:
    """The answers of the new-goal flow, before they are checked once more and saved."""

    text: str
    rationale: str
    goal_type: GoalType
    source: GoalSource
    context_ids: tuple[int, ...]
    mandatory_area: MandatoryArea | None
    start_date: date
    end_date: date
    interval: EvaluationInterval


@dataclass(frozen=True, slots=True)
class SubGoalDraft:
    """The answers of the new-sub-goal flow."""

    text: str
    rationale: str
    method: str
    scoring_frequency: ScoringFrequency


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A member of staff on the kontaktteam screen: on the team or not."""

    id: int
    name: str
    on_team: bool


@dataclass(frozen=True, slots=True)
class ContactTeamView:
    """A resident's kontaktteam and the staff of the department who could join it."""

    resident: Option
    members: tuple[TeamMember, ...]  # the team first, then the rest of the department


# --- pure checks, shared by the chat steps and the use cases ----------------------------------


def check_dates(start_date: date, end_date: date, today: date | None = None) -> None:
    """Refuse an end date that is not after the start (or, from the chat, already past)."""
    if end_date <= start_date:
        raise InvalidInput("goals.end_before_start")
    if today is not None and end_date < today:
        raise InvalidInput("plans.end_in_past")


def clean_method(text: str) -> str:
    """Return a sub-goal's method (fremgangsmåde og metode): not empty, not too long."""
    if not text.strip():
        raise InvalidInput("plans.method_empty")
    clean_rationale(text)  # the length rule
    return text.strip()


# --- reading ------------------------------------------------------------------------------


def _interval(goal: Goal) -> EvaluationInterval:
    return EvaluationInterval(goal.interval_count, goal.interval_unit)  # type: ignore[arg-type]


def _sub_view(sub: SubGoal) -> SubGoalView:
    assert sub.id is not None
    return SubGoalView(
        id=sub.id,
        goal_id=sub.goal_id,
        text=sub.text,
        rationale=sub.rationale,
        method=sub.method,
        scoring_frequency=ScoringFrequency(sub.scoring_frequency),
        start_date=sub.start_date,
        next_evaluation_on=sub.next_evaluation_on,
        status=sub.status,
        ended_on=sub.ended_on,
        end_reason=sub.end_reason,
        version=sub.version,
    )


def _goal_view(uow: UnitOfWork, goal: Goal) -> GoalView:
    assert goal.id is not None
    return GoalView(
        id=goal.id,
        resident_id=goal.resident_id,
        text=goal.text,
        rationale=goal.rationale,
        goal_type=GoalType(goal.goal_type),
        source=GoalSource(goal.source),
        mandatory_area=MandatoryArea(goal.mandatory_area) if goal.mandatory_area else None,
        contexts=tuple(Option(t.id or 0, t.name) for t in uow.goals.contexts(goal.id)),
        start_date=goal.start_date,
        end_date=goal.end_date,
        interval=_interval(goal),
        next_evaluation_on=goal.next_evaluation_on,
        status=goal.status,
        ended_on=goal.ended_on,
        end_reason=goal.end_reason,
        version=goal.version,
        sub_goals=tuple(_sub_view(s) for s in uow.goals.sub_goals_of(goal.id)),
    )


def _owns(uow: UnitOfWork, actor: Actor, resident_id: int) -> bool:
    try:
        owned_resident(uow, actor, resident_id)
    except NotAllowed:
        return False
    return True


def show_plan(uow: UnitOfWork, clock: Clock, actor: Actor, resident_id: int) -> PlanView:
    """Return a visible resident's plan (/maal); the read is audited like /noter."""
    with uow:
        resident = visible_resident(uow, actor, resident_id)
        assert resident.id is not None
        goals = tuple(_goal_view(uow, g) for g in uow.goals.goals_of(resident.id))
        view = PlanView(
            resident=Option(resident.id, resident.display_name),
            goals=goals,
            missing=missing_mandatory_areas(g.mandatory_area for g in goals),
            can_edit=_owns(uow, actor, resident.id),
        )
        uow.audit.record(
            at=clock.now(),
            actor_id=actor.staff_id,
            action="read",
            entity="plan",
            resident_id=resident.id,
            detail=f"goals={len(goals)}",
        )
        uow.commit()
        return view


def _owned_goal(uow: UnitOfWork, actor: Actor, goal_id: int, *, lock: bool = False) -> Goal:
    """Return an active goal of a resident whose plan the actor owns."""
    goal = uow.goals.get(goal_id, lock=lock)
    if goal is None:
        # An unknown id says no more than a forbidden one: both are simply not allowed.
        raise NotAllowed()
    owned_resident(uow, actor, goal.resident_id)
    if goal.status != ACTIVE:
        raise Conflict("plans.goal_ended")
    return goal


def _owned_sub_goal(
    uow: UnitOfWork, actor: Actor, sub_goal_id: int, *, lock: bool = False
) -> tuple[Goal, SubGoal]:
    """Return an active sub-goal (and its goal) of a plan the actor owns."""
    sub = uow.goals.get_sub_goal(sub_goal_id, lock=lock)
    if sub is None:
        raise NotAllowed()
    goal = uow.goals.get(sub.goal_id)
    if goal is None:
        raise NotAllowed()
    owned_resident(uow, actor, goal.resident_id)
    if sub.status != ACTIVE:
        raise Conflict("plans.sub_goal_ended")
    return goal, sub


def owned_plan(uow: UnitOfWork, actor: Actor, resident_id: int) -> Option:
    """Check that the actor owns the resident's plan; return the resident."""
    with uow:
        resident = owned_resident(uow, actor, resident_id)
        return Option(resident.id or 0, resident.display_name)


def owned_goal(uow: UnitOfWork, actor: Actor, goal_id: int) -> GoalView:
    """Return an active goal of a plan the actor owns."""
    with uow:
        return _goal_view(uow, _owned_goal(uow, actor, goal_id))


def owned_sub_goal(uow: UnitOfWork, actor: Actor, sub_goal_id: int) -> SubGoalView:
    """Return an active sub-goal of a plan the actor owns."""
    with uow:
        _, sub = _owned_sub_goal(uow, actor, sub_goal_id)
        return _sub_view(sub)


def _context_options(uow: UnitOfWork) -> tuple[Option, ...]:
    return tuple(
        Option(t.id or 0, t.name)
        for t, _ in uow.diary_types.active_with_aliases()
        if t.kind == CONTEXT_KIND
    )


def context_options(uow: UnitOfWork, actor: Actor, resident_id: int) -> tuple[Option, ...]:
    """Return the plan contexts to choose from (the active context diary types)."""
    with uow:
        owned_resident(uow, actor, resident_id)
        return _context_options(uow)


# --- writing goals ----------------------------------------------------------------------------


def _check_contexts(uow: UnitOfWork, context_ids: tuple[int, ...]) -> tuple[int, ...]:
    if not context_ids:
        raise InvalidInput("plans.contexts_empty")
    allowed = {o.id for o in _context_options(uow)}
    if not set(context_ids) <= allowed:
        raise InvalidInput("error.bad_button")
    return tuple(sorted(set(context_ids)))


def create_goal(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    resident_id: int,
    draft: GoalDraft,
    *,
    today: date,
) -> GoalView:
    """Save a new goal with its plan contexts in one transaction, checking every answer again."""
    text = validate_goal_fields(draft.text, draft.start_date, draft.end_date, draft.interval)
    rationale = clean_rationale(draft.rationale)
    check_dates(draft.start_date, draft.end_date, today)
    with uow:
        resident = owned_resident(uow, actor, resident_id)
        assert resident.id is not None
        contexts = _check_contexts(uow, draft.context_ids)
        now = clock.now()
        goal = uow.goals.add(
            Goal(
                resident_id=resident.id,
                text=text,
                rationale=rationale,
                goal_type=GoalType(draft.goal_type).value,
                source=GoalSource(draft.source).value,
                mandatory_area=MandatoryArea(draft.mandatory_area).value
                if draft.mandatory_area
                else None,
                start_date=draft.start_date,
                end_date=draft.end_date,
                interval_count=draft.interval.count,
                interval_unit=draft.interval.unit.value,
                next_evaluation_on=next_evaluation_date(draft.start_date, draft.interval),
                created_at=now,
                created_by_id=actor.staff_id,
                updated_at=now,
            )
        )
        assert goal.id is not None
        uow.goals.set_contexts(goal.id, contexts)
        _audit(uow, clock, actor, "create", "goal", goal.id, resident.id)
        view = _goal_view(uow, goal)
        uow.commit()
        return view


def create_sub_goal(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    goal_id: int,
    draft: SubGoalDraft,
    *,
    today: date,
) -> SubGoalView:
    """Add a sub-goal to an active goal; it starts today and is evaluated with the goal's rhythm."""
    text = clean_text(draft.text)
    rationale = clean_rationale(draft.rationale)
    method = clean_method(draft.method)
    frequency = ScoringFrequency(draft.scoring_frequency)
    with uow:
        goal = _owned_goal(uow, actor, goal_id, lock=True)
        assert goal.id is not None
        now = clock.now()
        sub = uow.goals.add_sub_goal(
            SubGoal(
                goal_id=goal.id,
                text=text,
                rationale=rationale,
                method=method,
                scoring_frequency=frequency.value,
                start_date=today,
                next_evaluation_on=next_evaluation_date(today, _interval(goal)),
                created_at=now,
                created_by_id=actor.staff_id,
                updated_at=now,
            )
        )
        _audit(uow, clock, actor, "create", "sub_goal", sub.id, goal.resident_id)
        view = _sub_view(sub)
        uow.commit()
        return view


def goal_snapshot(uow: UnitOfWork, goal: Goal) -> str:
    """Return a goal's fields (contexts too) as the JSON a goal_revision keeps."""
    assert goal.id is not None
    contexts = sorted(t.id or 0 for t in uow.goals.contexts(goal.id))
    return json.dumps(
        {
            "text": goal.text,
            "rationale": goal.rationale,
            "goal_type": goal.goal_type,
            "source": goal.source,
            "mandatory_area": goal.mandatory_area,
            "context_ids": contexts,
            "start_date": goal.start_date.isoformat(),
            "end_date": goal.end_date.isoformat(),
            "interval_count": goal.interval_count,
            "interval_unit": goal.interval_unit,
            "next_evaluation_on": _iso(goal.next_evaluation_on),
            "status": goal.status,
            "ended_on": _iso(goal.ended_on),
            "end_reason": goal.end_reason,
            "version": goal.version,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def sub_goal_snapshot(sub: SubGoal) -> str:
    """Return a sub-goal's fields as the JSON a goal_revision keeps."""
    return json.dumps(
        {
            "text": sub.text,
            "rationale": sub.rationale,
            "method": sub.method,
            "scoring_frequency": sub.scoring_frequency,
            "start_date": sub.start_date.isoformat(),
            "next_evaluation_on": _iso(sub.next_evaluation_on),
            "status": sub.status,
            "ended_on": _iso(sub.ended_on),
            "end_reason": sub.end_reason,
            "version": sub.version,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _evaluation_base(uow: UnitOfWork, goal: Goal) -> date:
    """The day the next evaluation counts from: the last evaluation, else the start."""
    assert goal.id is not None
    last = uow.evaluations.last_for_goal(goal.id)
    return last.evaluated_on if last is not None else goal.start_date


def _apply_goal_field(
    uow: UnitOfWork, goal: Goal, field: str, value: FieldValue, today: date
) -> bool:
    """Set one field of a goal after checking the value; tell whether anything changed."""
    assert goal.id is not None
    if field == "text":
        new_text = clean_text(_as_str(value))
        changed, goal.text = new_text != goal.text, new_text
    elif field == "rationale":
        new_rationale = clean_rationale(_as_str(value))
        changed, goal.rationale = new_rationale != goal.rationale, new_rationale
    elif field == "goal_type":
        new_type = _enum(GoalType, value).value
        changed, goal.goal_type = new_type != goal.goal_type, new_type
    elif field == "source":
        new_source = _enum(GoalSource, value).value
        changed, goal.source = new_source != goal.source, new_source
    elif field == "mandatory_area":
        area = _enum(MandatoryArea, value).value if value else None
        changed, goal.mandatory_area = area != goal.mandatory_area, area
    elif field == "contexts":
        if not isinstance(value, tuple):
            raise InvalidInput()
        wanted = _check_contexts(uow, value)
        current = tuple(sorted(t.id or 0 for t in uow.goals.contexts(goal.id)))
        changed = wanted != current
        if changed:
            uow.goals.set_contexts(goal.id, wanted)
    elif field in {"start_date", "end_date"}:
        if not isinstance(value, date):
            raise InvalidInput("error.date_format", value=str(value))
        start = value if field == "start_date" else goal.start_date
        end = value if field == "end_date" else goal.end_date
        # Only a new end date must lie ahead: a running goal may have passed its end.
        check_dates(start, end, today if field == "end_date" else None)
        changed = (start, end) != (goal.start_date, goal.end_date)
        goal.start_date, goal.end_date = start, end
        if changed and field == "start_date":
            goal.next_evaluation_on = next_evaluation_date(
                _evaluation_base(uow, goal), _interval(goal)
            )
    elif field == "interval":
        if not isinstance(value, EvaluationInterval):
            raise InvalidInput()
        interval = EvaluationInterval(value.count, value.unit)
        changed = interval != _interval(goal)
        goal.interval_count, goal.interval_unit = interval.count, interval.unit.value
        if changed:
            # A new rhythm moves the next evaluation: one new interval after the last one.
            goal.next_evaluation_on = next_evaluation_date(_evaluation_base(uow, goal), interval)
    else:
        raise InvalidInput("error.bad_button")
    return changed


def _apply_sub_goal_field(sub: SubGoal, field: str, value: FieldValue) -> bool:
    if field == "text":
        new_text = clean_text(_as_str(value))
        changed, sub.text = new_text != sub.text, new_text
    elif field == "rationale":
        new_rationale = clean_rationale(_as_str(value))
        changed, sub.rationale = new_rationale != sub.rationale, new_rationale
    elif field == "method":
        method = clean_method(_as_str(value))
        changed, sub.method = method != sub.method, method
    elif field == "scoring_frequency":
        frequency = _enum(ScoringFrequency, value).value
        changed, sub.scoring_frequency = frequency != sub.scoring_frequency, frequency
    else:
        raise InvalidInput("error.bad_button")
    return changed


def _as_str(value: FieldValue) -> str:
    if not isinstance(value, str):
        raise InvalidInput()
    return value


def _enum(kind: type[E], value: FieldValue) -> E:
    try:
        return kind(_as_str(value))
    except ValueError:
        raise InvalidInput("error.bad_button") from None


def edit_goal(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    goal_id: int,
    field: str,
    value: FieldValue,
    *,
    today: date,
) -> tuple[GoalView, bool]:
    """Change one field of an active goal, keeping the old fields as a revision.

    Returns the goal and whether anything changed (the same value again changes nothing).
    """
    if field not in GOAL_FIELDS:
        raise InvalidInput("error.bad_button")
    with uow:
        goal = _owned_goal(uow, actor, goal_id, lock=True)
        assert goal.id is not None
        snapshot = goal_snapshot(uow, goal)
        old_version = goal.version
        if not _apply_goal_field(uow, goal, field, value, today):
            return _goal_view(uow, goal), False
        now = clock.now()
        uow.goals.add_revision(
            goal_id=goal.id,
            version=old_version,
            snapshot=snapshot,
            change="edit",
            changed_at=now,
            changed_by_id=actor.staff_id,
        )
        goal.version = old_version + 1
        goal.updated_at = now
        uow.session.add(goal)
        _audit(uow, clock, actor, "edit", "goal", goal.id, goal.resident_id, f"field={field}")
        view = _goal_view(uow, goal)
        uow.commit()
        return view, True


def edit_sub_goal(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    sub_goal_id: int,
    field: str,
    value: FieldValue,
) -> tuple[SubGoalView, bool]:
    """Change one field of an active sub-goal, keeping the old fields as a revision."""
    if field not in SUB_GOAL_FIELDS:
        raise InvalidInput("error.bad_button")
    with uow:
        goal, sub = _owned_sub_goal(uow, actor, sub_goal_id, lock=True)
        assert sub.id is not None
        snapshot = sub_goal_snapshot(sub)
        old_version = sub.version
        if not _apply_sub_goal_field(sub, field, value):
            return _sub_view(sub), False
        now = clock.now()
        uow.goals.add_revision(
            sub_goal_id=sub.id,
            version=old_version,
            snapshot=snapshot,
            change="edit",
            changed_at=now,
            changed_by_id=actor.staff_id,
        )
        sub.version = old_version + 1
        sub.updated_at = now
        uow.session.add(sub)
        _audit(uow, clock, actor, "edit", "sub_goal", sub.id, goal.resident_id, f"field={field}")
        view = _sub_view(sub)
        uow.commit()
        return view, True


def clean_end_reason(reason: str) -> str:
    """Return why a goal or sub-goal ends: not empty, not too long."""
    if not reason.strip():
        raise InvalidInput("plans.reason_empty")
    return clean_text(reason)


def end_sub_goal_row(
    uow: UnitOfWork, clock: Clock, actor: Actor, sub: SubGoal, reason: str, today: date
) -> None:
    """End a sub-goal inside the caller's unit of work, keeping its fields as a revision."""
    now = clock.now()
    uow.goals.add_revision(
        sub_goal_id=sub.id,
        version=sub.version,
        snapshot=sub_goal_snapshot(sub),
        change="end",
        changed_at=now,
        changed_by_id=actor.staff_id,
    )
    sub.status = ENDED
    sub.ended_on = today
    sub.end_reason = reason
    sub.next_evaluation_on = None  # nothing left to evaluate
    sub.version += 1
    sub.updated_at = now
    uow.session.add(sub)


def end_goal(
    uow: UnitOfWork, clock: Clock, actor: Actor, goal_id: int, reason: str, *, today: date
) -> tuple[GoalView, int]:
    """End an active goal today with a reason; its active sub-goals end with it.

    Returns the ended goal and how many sub-goals ended with it.
    """
    reason = clean_end_reason(reason)
    with uow:
        goal = _owned_goal(uow, actor, goal_id, lock=True)
        assert goal.id is not None
        subs = uow.goals.sub_goals_of(goal.id)
        now = clock.now()
        uow.goals.add_revision(
            goal_id=goal.id,
            version=goal.version,
            snapshot=goal_snapshot(uow, goal),
            change="end",
            changed_at=now,
            changed_by_id=actor.staff_id,
        )
        for sub in subs:
            end_sub_goal_row(uow, clock, actor, sub, reason, today)
            _audit(uow, clock, actor, "end", "sub_goal", sub.id, goal.resident_id, "with_goal")
        goal.status = ENDED
        goal.ended_on = today
        goal.end_reason = reason
        goal.next_evaluation_on = None
        goal.version += 1
        goal.updated_at = now
        uow.session.add(goal)
        _audit(
            uow, clock, actor, "end", "goal", goal.id, goal.resident_id, f"sub_goals={len(subs)}"
        )
        uow.session.flush()
        view = _goal_view(uow, goal)
        uow.commit()
        return view, len(subs)


def end_sub_goal(
    uow: UnitOfWork, clock: Clock, actor: Actor, sub_goal_id: int, reason: str, *, today: date
) -> SubGoalView:
    """End an active sub-goal today with a reason."""
    reason = clean_end_reason(reason)
    with uow:
        goal, sub = _owned_sub_goal(uow, actor, sub_goal_id, lock=True)
        end_sub_goal_row(uow, clock, actor, sub, reason, today)
        _audit(uow, clock, actor, "end", "sub_goal", sub.id, goal.resident_id)
        view = _sub_view(sub)
        uow.commit()
        return view


# --- the kontaktteam ----------------------------------------------------------------------


def _eligible(person: Staff, department_id: int, uow: UnitOfWork, today: date) -> bool:
    """Tell whether a person may join a kontaktteam of the department: active permanent staff."""
    if not person.active or person.role == Role.VIKAR.value:
        return False  # a substitute never owns a plan (bot.domain.access.owns_plan)
    if person.access_ends_on is not None and person.access_ends_on < today:
        return False
    assert person.id is not None
    return any(s.id == person.id for s in uow.staff.in_departments([department_id]))


def _team_view(uow: UnitOfWork, resident: Resident, today: date) -> ContactTeamView:
    assert resident.id is not None
    members = uow.contact_teams.members(resident.id)
    member_ids = {m.id for m in members}
    others = [
        p
        for p in uow.staff.in_departments([resident.department_id])
        if p.id not in member_ids
        and p.role != Role.VIKAR.value
        and (p.access_ends_on is None or p.access_ends_on >= today)
    ]
    return ContactTeamView(
        resident=Option(resident.id, resident.display_name),
        members=(
            *(TeamMember(m.id or 0, m.display_name, True) for m in members),
            *(TeamMember(p.id or 0, p.display_name, False) for p in others),
        ),
    )


def contact_team(
    uow: UnitOfWork, actor: Actor, resident_id: int, *, today: date
) -> ContactTeamView:
    """Return a resident's kontaktteam and the department's staff (leaders only)."""
    with uow:
        resident = led_resident(uow, actor, resident_id)
        return _team_view(uow, resident, today)


def change_contact_team(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    resident_id: int,
    staff_id: int,
    action: Literal["add", "remove"],
    *,
    today: date,
) -> tuple[ContactTeamView, str, bool]:
    """Add a member of the department to the kontaktteam, or take one off; audited.

    Returns the team, the person's name and whether anything changed (a repeated press on an
    old keyboard changes nothing).
    """
    with uow:
        resident = led_resident(uow, actor, resident_id)
        assert resident.id is not None
        person = uow.staff.get(staff_id)
        if person is None or person.id is None:
            raise NotAllowed()
        if action == "add":
            if not _eligible(person, resident.department_id, uow, today):
                raise NotAllowed("plans.team_not_eligible", name=person.display_name)
            changed = uow.contact_teams.add(
                resident.id, person.id, added_at=clock.now(), added_by_id=actor.staff_id
            )
        else:
            changed = uow.contact_teams.remove(resident.id, person.id)
        if changed:
            _audit(uow, clock, actor, "update", "contact_team", person.id, resident.id, action)
        view = _team_view(uow, resident, today)
        uow.commit()
        return view, person.display_name, changed
