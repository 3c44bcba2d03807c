"""Use cases for indicator scores: what /score offers, one-tap scores, and a period's summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.domain.access import Actor
from bot.domain.errors import Conflict, NotAllowed, NotFound
from bot.domain.goals import ScoringFrequency
from bot.domain.scores import (
    DEFAULT_SCALE,
    DEFAULT_SHIFTS,
    LOW_RATE_THRESHOLD,
    IndicatorScale,
    ScoreSummary,
    Slot,
    slot_for,
    summarize,
)
from bot.services.directory import Directory
from bot.services.plans import resolve_resident, scorable_resident
from bot.storage.models import Resident, SubGoal
from bot.storage.uow import UnitOfWork

# A weekly slot is dated on the Monday of its ISO week, up to six days before a period starts.
WEEK_REACH_BACK = timedelta(days=6)
UTC_ZONE = ZoneInfo("UTC")
# Two people scoring an empty slot at the same moment: the second's INSERT meets the unique
# slot constraint; once more in a new transaction replaces the first one's score instead.
UPSERT_ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class ScoreTarget:
    """A sub-goal that can be scored now, with the slot a score would fill."""

    sub_goal_id: int
    sub_goal: str
    resident_id: int
    resident: str
    frequency: ScoringFrequency
    slot: Slot
    current: int | None = None  # the score the slot already holds


@dataclass(frozen=True, slots=True)
class ScoreMenu:
    """The scored sub-goals of the resident /score NAVN means, or the residents it might mean."""

    resident_id: int | None
    resident: str | None
    sub_goals: tuple[tuple[int, str], ...]
    candidates: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class ScoreGiven:
    """A stored score; previous is the score it replaced in the same slot, if any."""

    target: ScoreTarget
    score: int
    previous: int | None


def _scored_sub_goals(uow: UnitOfWork, resident_id: int) -> tuple[tuple[int, str], ...]:
    found = []
    for goal in uow.goals.goals_of(resident_id):
        assert goal.id is not None
        for sub_goal in uow.goals.sub_goals_of(goal.id):
            if sub_goal.id is not None and sub_goal.scoring_frequency != ScoringFrequency.NONE:
                found.append((sub_goal.id, sub_goal.text))
    return tuple(found)


def score_menu(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    *,
    query: str | None = None,
    resident_id: int | None = None,
) -> ScoreMenu:
    """Return a resident's active, scored sub-goals (/score NAVN), or candidates to choose from."""
    if resident_id is None:
        # resolve_resident is a use case of its own: it opens (and closes) the unit of work.
        choice = resolve_resident(uow, directory, actor, query or "")
        if choice.resident_id is None:
            return ScoreMenu(None, None, (), choice.candidates)
        resident_id = choice.resident_id
    with uow:
        resident = scorable_resident(uow, actor, resident_id)
        assert resident.id is not None
        sub_goals = _scored_sub_goals(uow, resident.id)
        uow.audit.record(
            at=clock.now(),
            actor_id=actor.staff_id,
            action="read",
            entity="sub_goals",
            resident_id=resident.id,
            detail=f"count={len(sub_goals)}",
        )
        uow.commit()
        return ScoreMenu(resident.id, resident.display_name, sub_goals, ())


def _scorable_sub_goal(uow: UnitOfWork, actor: Actor, sub_goal_id: int) -> tuple[SubGoal, Resident]:
    """Return an active, scored sub-goal of a resident the actor may score (ids are forged)."""
    sub_goal = uow.goals.get_sub_goal(sub_goal_id)
    goal = uow.goals.get(sub_goal.goal_id) if sub_goal is not None else None
    if sub_goal is None or goal is None:
        raise NotAllowed()  # the same answer as for a sub-goal the actor may not see
    # Who may see the resident comes first: nothing about a hidden sub-goal is revealed.
    resident = scorable_resident(uow, actor, goal.resident_id)
    if sub_goal.status != "active" or goal.status != "active":
        raise Conflict("scores.sub_goal_ended")
    if sub_goal.scoring_frequency == ScoringFrequency.NONE:
        raise Conflict("scores.not_scored")
    return sub_goal, resident


def _target(
    sub_goal: SubGoal, resident: Resident, clock: Clock, tz: ZoneInfo, current: int | None = None
) -> ScoreTarget:
    assert sub_goal.id is not None
    assert resident.id is not None
    frequency = ScoringFrequency(sub_goal.scoring_frequency)
    return ScoreTarget(
        sub_goal_id=sub_goal.id,
        sub_goal=sub_goal.text,
        resident_id=resident.id,
        resident=resident.display_name,
        frequency=frequency,
        slot=slot_for(frequency, clock.now().astimezone(tz), DEFAULT_SHIFTS),
        current=current,
    )


def score_prompt(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, sub_goal_id: int
) -> ScoreTarget:
    """Return what the scale asks about: the sub-goal, the slot now, and its score so far."""
    with uow:
        sub_goal, resident = _scorable_sub_goal(uow, actor, sub_goal_id)
        target = _target(sub_goal, resident, clock, tz)
        in_slot = [
            row.score
            for row in uow.scores.scores_between(sub_goal_id, target.slot.day, target.slot.day)
            if row.slot_key == target.slot.key
        ]
        return _target(sub_goal, resident, clock, tz, in_slot[-1] if in_slot else None)


def give_score(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    sub_goal_id: int,
    score: int,
    *,
    scale: IndicatorScale = DEFAULT_SCALE,
) -> ScoreGiven:
    """Store a score in the sub-goal's current slot; a second one in the slot replaces it."""
    scale.check(score)
    for attempt in range(1, UPSERT_ATTEMPTS + 1):
        try:
            return _give_score(uow, clock, tz, actor, sub_goal_id, score)
        except IntegrityError:
            if attempt == UPSERT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _give_score(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, sub_goal_id: int, score: int
) -> ScoreGiven:
    with uow:
        sub_goal, resident = _scorable_sub_goal(uow, actor, sub_goal_id)
        target = _target(sub_goal, resident, clock, tz)
        now = clock.now()
        row, previous = uow.scores.upsert(
            sub_goal_id=target.sub_goal_id,
            resident_id=target.resident_id,
            slot_key=target.slot.key,
            slot_date=target.slot.day,
            score=score,
            author_id=actor.staff_id,
            scored_at=now,
            now=now,
        )
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="create" if previous is None else "update",
            entity="indicator_score",
            entity_id=row.id,
            resident_id=target.resident_id,
            detail=(
                f"slot={target.slot.key} score={score}"
                if previous is None
                else f"slot={target.slot.key} old={previous} new={score}"
            ),
        )
        uow.commit()
        return ScoreGiven(target, score, previous)


def period_scores(
    uow: UnitOfWork,
    sub_goal: SubGoal,
    period_start: date,
    period_end: date,
    tz: ZoneInfo,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> tuple[ScoreSummary, list[tuple[datetime, int]]]:
    """Summarize a sub-goal's scores over a period, with the (time, score) points in it.

    Runs inside the caller's unit of work; no access check (the caller checks).
    """
    assert sub_goal.id is not None
    # Weekly slots are dated on their Monday: reach back so the first week is included.
    rows = uow.scores.scores_between(sub_goal.id, period_start - WEEK_REACH_BACK, period_end)
    summary = summarize(
        [(row.scored_at, row.score, row.slot_key) for row in rows],
        ScoringFrequency(sub_goal.scoring_frequency),
        (period_start, period_end),
        (sub_goal.start_date, sub_goal.ended_on),
        shifts=DEFAULT_SHIFTS,
        threshold=threshold,
    )
    points = [
        (row.scored_at, row.score)
        for row in rows
        if row.scored_at.astimezone(tz).date() >= period_start
    ]
    return summary, points


def score_summary(
    uow: UnitOfWork,
    sub_goal_id: int,
    period_start: date,
    period_end: date,
    today: date,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> ScoreSummary:
    """Summarize a sub-goal's scores over a period (inclusive, cut at today); no access check."""
    with uow:
        sub_goal = uow.goals.get_sub_goal(sub_goal_id)
        if sub_goal is None:
            raise NotFound()
        end = min(period_end, today)
        # Only the summary is wanted here, so the zone of the points does not matter.
        return period_scores(uow, sub_goal, period_start, end, UTC_ZONE, threshold=threshold)[0]
