"""Use cases of the guided evaluation (/evaluer): evidence, a draft per answer, the decision,
saving in one transaction, and the hand-over to the journal.

Every answer is written to the evaluation_draft row as it is given, so a restart, /annuller or
a few days off lose nothing; one draft per goal or sub-goal, held by the person who started it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.domain.access import Actor
from bot.domain.dates import parse_danish_date
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.evaluations import Answers, EvaluationRecord, Evidence
from bot.domain.goals import (
    Decision,
    EvaluationInterval,
    MandatoryArea,
    ScoringFrequency,
    clean_text,
    evaluation_period_start,
    format_date,
    missing_mandatory_areas,
    next_evaluation_date,
)
from bot.domain.notes import shorten
from bot.domain.scores import (
    LOW_RATE_THRESHOLD,
    ScoreSummary,
    combine,
)
from bot.services.goals import end_sub_goal_row, goal_snapshot, sub_goal_snapshot
from bot.services.plans import owned_resident, owns_resident_plan
from bot.services.scores import period_scores
from bot.storage.models import (
    EVALUATION_TEXT_MAX,
    Evaluation,
    EvaluationDraft,
    Goal,
    Resident,
    SubGoal,
)
from bot.storage.repositories import MISSING_WORK_KIND
from bot.storage.uow import UnitOfWork

Kind = Literal["goal", "sub_goal"]
LATEST_NOTES = 3
LATEST_NOTE_CHARS = 300
PAST_EVALUATIONS = 5

# The steps in order; "adjust_*" only after Justér ("adjust_method" only for a sub-goal),
# "next_date" not after Afslut.
TEXT_STEPS = ("progress", "effect", "methods", "changes", "participation")
STEPS = (
    "date",
    *TEXT_STEPS,
    "decision",
    "adjust_text",
    "adjust_method",
    "next_date",
    "summary",
)


@dataclass(frozen=True, slots=True)
class Target:
    """A goal or sub-goal that can be evaluated, as the menu lists it."""

    kind: Kind
    id: int
    label: str
    next_evaluation_on: date | None
    draft_holder: str | None  # who holds a draft on it, if anybody
    mine: bool  # the draft is the acting person's


@dataclass(frozen=True, slots=True)
class PastEvaluation:
    """A finished evaluation in the menu's list."""

    id: int
    label: str
    evaluated_on: date
    decision: Decision
    transferred: bool


@dataclass(frozen=True, slots=True)
class Menu:
    """What /evaluer NAVN shows: what can be evaluated, and the latest evaluations."""

    resident_id: int
    resident_name: str
    targets: tuple[Target, ...]
    past: tuple[PastEvaluation, ...]
    missing: tuple[MandatoryArea, ...] = ()  # mandatory goals the plan lacks


@dataclass(frozen=True, slots=True)
class DraftView:
    """A draft evaluation and what to ask next."""

    draft_id: int
    kind: Kind
    target_id: int
    target_label: str
    target_text: str
    target_method: str | None  # sub-goals only
    resident_name: str
    step: str
    answers: dict[str, str]
    evidence: Evidence
    chart_points: tuple[tuple[date, int], ...]
    today: date
    proposed_next: date | None  # the default next evaluation date (decision not Afslut)
    resumed: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Finished:
    """A saved evaluation, ready to be laid out for the journal."""

    evaluation_id: int
    record: EvaluationRecord
    transferred_at: datetime | None = None
    transferred_by: str | None = None
    target_kind: Kind = "goal"


def target_key(kind: Kind, target_id: int) -> str:
    """Return the draft key of a target ("goal:12", "sub_goal:34")."""
    return f"{kind}:{target_id}"


def _interval(goal: Goal) -> EvaluationInterval:
    return EvaluationInterval(goal.interval_count, goal.interval_unit)  # type: ignore[arg-type]


def _load_target(
    uow: UnitOfWork, actor: Actor, kind: Kind, target_id: int, *, lock: bool = False
) -> tuple[Goal, SubGoal | None, Resident]:
    """Return the goal (and sub-goal) of a target the actor owns; refuse anything else.

    lock=True holds the rows (PostgreSQL) until commit, as /maal's edits do: a decision and a
    concurrent edit or end of the same goal then happen one after the other.
    """
    sub_goal: SubGoal | None = None
    if kind == "sub_goal":
        sub_goal = uow.goals.get_sub_goal(target_id, lock=lock)
        if sub_goal is None:
            raise NotFound()
        goal = uow.goals.get(sub_goal.goal_id, lock=lock)
    else:
        goal = uow.goals.get(target_id, lock=lock)
    if goal is None:
        raise NotFound()
    resident = owned_resident(uow, actor, goal.resident_id)
    return goal, sub_goal, resident


def _label(goal: Goal, sub_goal: SubGoal | None) -> str:
    if sub_goal is not None:
        return f"Delmål: {sub_goal.text}"
    return f"Mål: {goal.text}"


def _local_day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _period_start(uow: UnitOfWork, goal: Goal, sub_goal: SubGoal | None) -> date:
    """Return the first day of the period under evaluation: after the last one, or the start."""
    if sub_goal is not None:
        assert sub_goal.id is not None
        last = uow.evaluations.last_for_sub_goal(sub_goal.id)
        return evaluation_period_start(last.evaluated_on if last else None, sub_goal.start_date)
    assert goal.id is not None
    last_goal = uow.evaluations.last_for_goal(goal.id)
    return evaluation_period_start(last_goal.evaluated_on if last_goal else None, goal.start_date)


def build_evidence(
    uow: UnitOfWork,
    tz: ZoneInfo,
    goal: Goal,
    sub_goal: SubGoal | None,
    today: date,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> tuple[Evidence, tuple[tuple[date, int], ...]]:
    """Gather the period's sub-goal diary, missing work and scores, and the chart's points."""
    # A goal's evidence is its sub-goals' together: their diaries, and their scores pooled.
    subs = (
        [sub_goal]
        if sub_goal is not None
        else uow.goals.sub_goals_of(goal.id or 0, include_ended=True)
    )
    sub_goal_ids = [s.id for s in subs if s.id is not None]
    start = min(_period_start(uow, goal, sub_goal), today)
    rows = uow.evaluations.sub_goal_notes(
        sub_goal_ids, _local_day_start(start, tz), _local_day_start(today + timedelta(days=1), tz)
    )
    diary = [(note, author) for note, kind, author in rows if kind != MISSING_WORK_KIND]
    missing = tuple(
        (note.created_at.astimezone(tz).date(), note.missing_reason or "")
        for note, kind, _ in rows
        if kind == MISSING_WORK_KIND
    )
    latest = tuple(
        (note.created_at, author, shorten(note.text, LATEST_NOTE_CHARS))
        for note, author in reversed(diary[-LATEST_NOTES:])
    )
    parts: list[tuple[ScoreSummary, list[tuple[datetime, int]]]] = []
    chart: list[tuple[date, int]] = []
    for scored_sub in subs:
        summary, in_period = period_scores(uow, scored_sub, start, today, tz, threshold=threshold)
        unscored = ScoringFrequency(scored_sub.scoring_frequency) is ScoringFrequency.NONE
        if unscored and not in_period:
            continue
        parts.append((summary, in_period))
        chart += [(when.astimezone(tz).date(), score) for when, score in in_period]
    scores = parts[0][0] if sub_goal is not None and parts else combine(parts, threshold=threshold)
    points = tuple(sorted(chart))
    evidence = Evidence(
        period_start=start,
        period_end=today,
        note_count=len(diary),
        latest_notes=latest,
        missing_work=missing,
        scores=scores,
    )
    return evidence, points


def evaluation_menu(uow: UnitOfWork, actor: Actor, resident_id: int) -> Menu:
    """List what the actor can evaluate for a resident whose plan they own."""
    with uow:
        resident = owned_resident(uow, actor, resident_id)
        assert resident.id is not None
        targets: list[Target] = []
        goals = uow.goals.goals_of(resident.id)
        for goal in goals:
            assert goal.id is not None
            targets.append(_target(uow, actor, "goal", goal.id, goal, None))
            for sub_goal in uow.goals.sub_goals_of(goal.id):
                assert sub_goal.id is not None
                targets.append(_target(uow, actor, "sub_goal", sub_goal.id, goal, sub_goal))
        past: list[PastEvaluation] = []
        for evaluation in uow.evaluations.list_for_resident(resident.id, PAST_EVALUATIONS):
            assert evaluation.id is not None
            evaluated_goal = uow.goals.get(evaluation.goal_id)
            sub = (
                uow.goals.get_sub_goal(evaluation.sub_goal_id)
                if evaluation.sub_goal_id is not None
                else None
            )
            past.append(
                PastEvaluation(
                    id=evaluation.id,
                    label=_label(evaluated_goal, sub) if evaluated_goal is not None else "?",
                    evaluated_on=evaluation.evaluated_on,
                    decision=Decision(evaluation.decision),
                    transferred=evaluation.transferred_at is not None,
                )
            )
        missing = missing_mandatory_areas(
            MandatoryArea(g.mandatory_area) if g.mandatory_area else None for g in goals
        )
        return Menu(resident.id, resident.display_name, tuple(targets), tuple(past), missing)


def _target(
    uow: UnitOfWork, actor: Actor, kind: Kind, target_id: int, goal: Goal, sub: SubGoal | None
) -> Target:
    draft = uow.evaluation_drafts.by_target(target_key(kind, target_id))
    holder = None
    if draft is not None:
        staff = uow.staff.get(draft.holder_id)
        holder = staff.display_name if staff else "?"
    return Target(
        kind=kind,
        id=target_id,
        label=_label(goal, sub),
        next_evaluation_on=(sub or goal).next_evaluation_on,
        draft_holder=holder,
        mine=draft is not None and draft.holder_id == actor.staff_id,
    )


def _answers(draft: EvaluationDraft) -> dict[str, str]:
    data = json.loads(draft.answers or "{}")
    return {str(k): str(v) for k, v in data.items()}


def _view(
    uow: UnitOfWork,
    tz: ZoneInfo,
    draft: EvaluationDraft,
    goal: Goal,
    sub_goal: SubGoal | None,
    resident: Resident,
    today: date,
    *,
    resumed: bool = False,
    threshold: float = LOW_RATE_THRESHOLD,
) -> DraftView:
    assert draft.id is not None
    answers = _answers(draft)
    evidence, points = build_evidence(uow, tz, goal, sub_goal, today, threshold=threshold)
    evaluated_on = (
        date.fromisoformat(answers["evaluated_on"]) if "evaluated_on" in answers else today
    )
    proposed = None
    if answers.get("decision") != Decision.AFSLUT.value:
        proposed = next_evaluation_date(evaluated_on, _interval(goal))
    kind: Kind = "sub_goal" if sub_goal is not None else "goal"
    target = sub_goal or goal
    assert target.id is not None
    return DraftView(
        draft_id=draft.id,
        kind=kind,
        target_id=target.id,
        target_label=_label(goal, sub_goal),
        target_text=target.text,
        target_method=sub_goal.method if sub_goal is not None else None,
        resident_name=resident.display_name,
        step=draft.step,
        answers=answers,
        evidence=evidence,
        chart_points=points,
        today=today,
        proposed_next=proposed,
        resumed=resumed,
        updated_at=draft.updated_at,
    )


def start_evaluation(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    kind: Kind,
    target_id: int,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> DraftView:
    """Open (or resume) the actor's draft on a goal or sub-goal and gather the evidence."""
    now = clock.now()
    today = now.astimezone(tz).date()
    key = target_key(kind, target_id)
    with uow:
        goal, sub_goal, resident = _load_target(uow, actor, kind, target_id)
        if (sub_goal or goal).status != "active":
            raise Conflict("evaluations.target_ended")
        draft = uow.evaluation_drafts.by_target(key, lock=True)
        resumed = draft is not None
        if draft is not None and draft.holder_id != actor.staff_id:
            if _holder_owns(uow, draft, resident, today):
                raise _held_by(uow, draft, tz)
            # The holder left the kontaktteam or lost access: the draft, answers and all, is
            # carried on by whoever owns the plan now, rather than blocking the goal for good.
            uow.audit.record(
                at=now,
                actor_id=actor.staff_id,
                action="update",
                entity="evaluation_draft",
                entity_id=draft.id,
                resident_id=resident.id,
                detail=f"taken over from staff {draft.holder_id}",
            )
            draft.holder_id = actor.staff_id
            draft.updated_at = now
            uow.session.add(draft)
            uow.flush()
        if draft is None:
            assert goal.id is not None
            draft = EvaluationDraft(
                target_key=key,
                goal_id=goal.id,
                sub_goal_id=sub_goal.id if sub_goal is not None else None,
                holder_id=actor.staff_id,
                step="date",
                answers="{}",
                started_at=now,
                updated_at=now,
            )
            try:
                uow.evaluation_drafts.add(draft)
            except IntegrityError:
                # Somebody started the same target this very moment: tell who.
                uow.rollback()
                other = uow.evaluation_drafts.by_target(key)
                if other is None:
                    raise
                raise _held_by(uow, other, tz) from None
        view = _view(
            uow, tz, draft, goal, sub_goal, resident, today, resumed=resumed, threshold=threshold
        )
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="read",
            entity="evaluation_evidence",
            entity_id=target_id,
            resident_id=resident.id,
            detail=key,
        )
        uow.commit()
        return view


def _holder_owns(uow: UnitOfWork, draft: EvaluationDraft, resident: Resident, today: date) -> bool:
    staff = uow.staff.get(draft.holder_id)
    holder = uow.staff.actor(staff.telegram_user_id) if staff is not None else None
    if holder is None or not holder.has_access(today):
        return False
    return owns_resident_plan(uow, holder, resident)


def _held_by(uow: UnitOfWork, draft: EvaluationDraft, tz: ZoneInfo) -> Conflict:
    holder = uow.staff.get(draft.holder_id)
    return Conflict(
        "evaluations.held_by",
        name=holder.display_name if holder else "?",
        since=format_date(draft.started_at.astimezone(tz).date()),
    )


def _own_draft(
    uow: UnitOfWork, actor: Actor, draft_id: int, *, lock_target: bool = False
) -> tuple[EvaluationDraft, Goal, SubGoal | None, Resident]:
    draft = uow.evaluation_drafts.get(draft_id, lock=True)
    if draft is None:
        raise NotFound("evaluations.draft_gone")
    if draft.holder_id != actor.staff_id:
        raise NotAllowed("evaluations.not_your_draft")
    kind: Kind = "sub_goal" if draft.sub_goal_id is not None else "goal"
    target_id = draft.sub_goal_id if draft.sub_goal_id is not None else draft.goal_id
    goal, sub_goal, resident = _load_target(uow, actor, kind, target_id, lock=lock_target)
    if (sub_goal or goal).status != "active":
        # Ended through /maal while the draft waited: there is nothing left to evaluate.
        raise Conflict("evaluations.target_ended")
    return draft, goal, sub_goal, resident


def show_draft(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    draft_id: int,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> DraftView:
    """Return the actor's draft as it stands (after a restart, or to show the summary)."""
    with uow:
        draft, goal, sub_goal, resident = _own_draft(uow, actor, draft_id)
        today = clock.now().astimezone(tz).date()
        return _view(uow, tz, draft, goal, sub_goal, resident, today, threshold=threshold)


def _next_step(step: str, answers: dict[str, str], kind: Kind) -> str:
    if step == "date":
        return TEXT_STEPS[0]
    if step in TEXT_STEPS:
        index = TEXT_STEPS.index(step)
        return TEXT_STEPS[index + 1] if index + 1 < len(TEXT_STEPS) else "decision"
    if step == "decision":
        decision = answers.get("decision")
        if decision == Decision.JUSTER.value:
            return "adjust_text"
        return "summary" if decision == Decision.AFSLUT.value else "next_date"
    if step == "adjust_text":
        return "adjust_method" if kind == "sub_goal" else "next_date"
    if step == "adjust_method":
        return "next_date"
    return "summary"


def _store(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    draft: EvaluationDraft,
    goal: Goal,
    sub_goal: SubGoal | None,
    resident: Resident,
    answers: dict[str, str],
    threshold: float,
) -> DraftView:
    kind: Kind = "sub_goal" if sub_goal is not None else "goal"
    draft.answers = json.dumps(answers, ensure_ascii=False)
    draft.step = _next_step(draft.step, answers, kind)
    draft.updated_at = clock.now()
    uow.session.add(draft)
    uow.flush()
    today = clock.now().astimezone(tz).date()
    view = _view(uow, tz, draft, goal, sub_goal, resident, today, threshold=threshold)
    uow.commit()
    return view


def answer_text(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    draft_id: int,
    text: str,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> DraftView:
    """Take a typed answer for the draft's current step, validate it and move on."""
    today = clock.now().astimezone(tz).date()
    with uow:
        draft, goal, sub_goal, resident = _own_draft(uow, actor, draft_id)
        answers = _answers(draft)
        step = draft.step
        if step == "date":
            day = parse_danish_date(text, today)
            if day > today:
                raise InvalidInput("evaluations.date_in_future")
            start = _period_start(uow, goal, sub_goal)
            if day < start:
                raise InvalidInput("evaluations.date_before_period", start=format_date(start))
            answers["evaluated_on"] = day.isoformat()
        elif step in TEXT_STEPS:
            answers[step] = _answer(text)
        elif step == "adjust_text":
            answers["new_text"] = clean_text(text)
        elif step == "adjust_method":
            answers["new_method"] = clean_text(text)  # the method column's limit, as in /maal
        elif step == "next_date":
            evaluated_on = date.fromisoformat(answers.get("evaluated_on", today.isoformat()))
            proposed = parse_danish_date(text, today)
            answers["next_evaluation_on"] = next_evaluation_date(
                evaluated_on, _interval(goal), proposed
            ).isoformat()
        else:
            raise Conflict("evaluations.use_buttons")
        return _store(uow, clock, tz, draft, goal, sub_goal, resident, answers, threshold)


def _answer(text: str) -> str:
    cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines()).strip()
    if not cleaned:
        raise InvalidInput("evaluations.answer_empty")
    if len(cleaned) > EVALUATION_TEXT_MAX:
        raise InvalidInput("evaluations.answer_too_long", limit=EVALUATION_TEXT_MAX)
    return cleaned


Choice = Literal["today", "decide", "keep", "next", "back"]


def choose(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    draft_id: int,
    choice: Choice,
    arg: int = 0,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> DraftView:
    """Take a button answer: today's date, the decision, keep the text, the proposed date."""
    today = clock.now().astimezone(tz).date()
    with uow:
        draft, goal, sub_goal, resident = _own_draft(uow, actor, draft_id)
        answers = _answers(draft)
        expected = {
            "today": "date",
            "decide": "decision",
            "keep": draft.step if draft.step in {"adjust_text", "adjust_method"} else "adjust_text",
            "next": "next_date",
        }.get(choice)
        if expected is None or draft.step != expected:
            # A button from an earlier step (or forged): the draft moved on; show where it is.
            raise Conflict("evaluations.step_passed")
        if choice == "today":
            answers["evaluated_on"] = today.isoformat()
        elif choice == "decide":
            decisions = list(Decision)
            if not 0 <= arg < len(decisions):
                raise InvalidInput("error.bad_button")
            answers["decision"] = decisions[arg].value
            if decisions[arg] is Decision.AFSLUT:
                answers.pop("next_evaluation_on", None)
        elif choice == "keep":
            answers.pop("new_text" if draft.step == "adjust_text" else "new_method", None)
        elif choice == "next":
            evaluated_on = date.fromisoformat(answers.get("evaluated_on", today.isoformat()))
            answers["next_evaluation_on"] = next_evaluation_date(
                evaluated_on, _interval(goal)
            ).isoformat()
        return _store(uow, clock, tz, draft, goal, sub_goal, resident, answers, threshold)


def discard_draft(uow: UnitOfWork, clock: Clock, actor: Actor, draft_id: int) -> None:
    """Throw the actor's draft away; nothing is saved."""
    with uow:
        # The holder may always throw their own draft away, also after leaving the team.
        draft = uow.evaluation_drafts.get(draft_id, lock=True)
        if draft is None:
            raise NotFound("evaluations.draft_gone")
        if draft.holder_id != actor.staff_id:
            raise NotAllowed("evaluations.not_your_draft")
        goal = uow.goals.get(draft.goal_id)
        uow.evaluation_drafts.delete(draft)
        uow.audit.record(
            at=clock.now(),
            actor_id=actor.staff_id,
            action="delete",
            entity="evaluation_draft",
            entity_id=draft_id,
            resident_id=goal.resident_id if goal is not None else None,
        )
        uow.commit()


def finish_evaluation(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    draft_id: int,
    *,
    threshold: float = LOW_RATE_THRESHOLD,
) -> Finished:
    """Save the evaluation, apply the decision to the goal or sub-goal, and drop the draft."""
    now = clock.now()
    today = now.astimezone(tz).date()
    with uow:
        draft, goal, sub_goal, resident = _own_draft(uow, actor, draft_id, lock_target=True)
        if draft.step != "summary":
            raise Conflict("evaluations.not_complete")
        answers = _answers(draft)
        decision = Decision(answers["decision"])
        evaluated_on = date.fromisoformat(answers.get("evaluated_on", today.isoformat()))
        next_on = None
        if decision is not Decision.AFSLUT:
            next_on = date.fromisoformat(answers["next_evaluation_on"])
        evidence, _ = build_evidence(uow, tz, goal, sub_goal, evaluated_on, threshold=threshold)
        target: Goal | SubGoal = sub_goal if sub_goal is not None else goal
        assert goal.id is not None and target.id is not None and resident.id is not None
        evaluation = uow.evaluations.add(
            Evaluation(
                resident_id=resident.id,
                goal_id=goal.id,
                sub_goal_id=sub_goal.id if sub_goal is not None else None,
                evaluated_on=evaluated_on,
                period_start=evidence.period_start,
                progress=answers.get("progress", ""),
                effect=answers.get("effect", ""),
                methods=answers.get("methods", ""),
                changes=answers.get("changes", ""),
                participation=answers.get("participation", ""),
                decision=decision.value,
                next_evaluation_on=next_on,
                evidence=json.dumps(evidence.to_dict(), ensure_ascii=False),
                created_at=now,
                created_by_id=actor.staff_id,
            )
        )
        assert evaluation.id is not None
        changed = decision is Decision.AFSLUT or "new_text" in answers or "new_method" in answers
        if changed:
            change = "end" if decision is Decision.AFSLUT else "adjust"
            uow.goals.add_revision(
                goal_id=goal.id if sub_goal is None else None,
                sub_goal_id=sub_goal.id if sub_goal is not None else None,
                version=target.version,
                snapshot=sub_goal_snapshot(sub_goal)
                if sub_goal is not None
                else goal_snapshot(uow, goal),
                change=change,
                changed_at=now,
                changed_by_id=actor.staff_id,
            )
            target.version += 1
        if "new_text" in answers:
            target.text = answers["new_text"]
        if sub_goal is not None and "new_method" in answers:
            sub_goal.method = answers["new_method"]
        if decision is Decision.AFSLUT:
            target.status = "ended"
            target.ended_on = evaluated_on
            target.end_reason = "evaluering"
            if sub_goal is None:
                for child in uow.goals.sub_goals_of(goal.id):
                    end_sub_goal_row(uow, clock, actor, child, "mål", evaluated_on)
        target.next_evaluation_on = next_on
        target.updated_at = now
        uow.session.add(target)
        uow.evaluation_drafts.delete(draft)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="create",
            entity="evaluation",
            entity_id=evaluation.id,
            resident_id=resident.id,
            detail=f"{draft.target_key} {decision.value}",
        )
        record = _record(evaluation, goal, sub_goal, resident, evidence)
        uow.commit()
        return Finished(evaluation.id, record, target_kind="sub_goal" if sub_goal else "goal")


def _record(
    evaluation: Evaluation,
    goal: Goal,
    sub_goal: SubGoal | None,
    resident: Resident,
    evidence: Evidence | None,
) -> EvaluationRecord:
    return EvaluationRecord(
        target_label=_label(goal, sub_goal),
        resident_name=resident.display_name,
        evaluated_on=evaluation.evaluated_on,
        answers=Answers(
            progress=evaluation.progress,
            effect=evaluation.effect,
            methods=evaluation.methods,
            changes=evaluation.changes,
            participation=evaluation.participation,
        ),
        decision=Decision(evaluation.decision),
        next_evaluation_on=evaluation.next_evaluation_on,
        evidence=evidence,
    )


def _owned_evaluation(
    uow: UnitOfWork, actor: Actor, evaluation_id: int
) -> tuple[Evaluation, Goal, SubGoal | None, Resident]:
    evaluation = uow.evaluations.get(evaluation_id)
    if evaluation is None:
        raise NotFound()
    resident = owned_resident(uow, actor, evaluation.resident_id)
    goal = uow.goals.get(evaluation.goal_id)
    if goal is None:
        raise NotFound()
    sub_goal = (
        uow.goals.get_sub_goal(evaluation.sub_goal_id)
        if evaluation.sub_goal_id is not None
        else None
    )
    return evaluation, goal, sub_goal, resident


def get_evaluation(uow: UnitOfWork, clock: Clock, actor: Actor, evaluation_id: int) -> Finished:
    """Return a finished evaluation for the journal (the read is audited as an export)."""
    with uow:
        evaluation, goal, sub_goal, resident = _owned_evaluation(uow, actor, evaluation_id)
        assert evaluation.id is not None
        evidence = Evidence.from_dict(json.loads(evaluation.evidence))
        by = None
        if evaluation.transferred_by_id is not None:
            staff = uow.staff.get(evaluation.transferred_by_id)
            by = staff.display_name if staff else "?"
        uow.audit.record(
            at=clock.now(),
            actor_id=actor.staff_id,
            action="export",
            entity="evaluation",
            entity_id=evaluation.id,
            resident_id=resident.id,
        )
        uow.commit()
        return Finished(
            evaluation.id,
            _record(evaluation, goal, sub_goal, resident, evidence),
            transferred_at=evaluation.transferred_at,
            transferred_by=by,
            target_kind="sub_goal" if sub_goal else "goal",
        )


def mark_transferred(uow: UnitOfWork, clock: Clock, actor: Actor, evaluation_id: int) -> Finished:
    """Record that the evaluation is in the journal (who, when); the first mark stands."""
    now = clock.now()
    with uow:
        evaluation, goal, sub_goal, resident = _owned_evaluation(uow, actor, evaluation_id)
        assert evaluation.id is not None
        if uow.evaluations.mark_transferred(evaluation.id, at=now, by_id=actor.staff_id):
            uow.audit.record(
                at=now,
                actor_id=actor.staff_id,
                action="transfer",
                entity="evaluation",
                entity_id=evaluation.id,
                resident_id=resident.id,
            )
        uow.session.refresh(evaluation)
        staff = (
            uow.staff.get(evaluation.transferred_by_id)
            if evaluation.transferred_by_id is not None
            else None
        )
        evidence = Evidence.from_dict(json.loads(evaluation.evidence))
        uow.commit()
        return Finished(
            evaluation.id,
            _record(evaluation, goal, sub_goal, resident, evidence),
            transferred_at=evaluation.transferred_at,
            transferred_by=staff.display_name if staff else None,
            target_kind="sub_goal" if sub_goal else "goal",
        )
