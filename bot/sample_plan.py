"""A resident's plan with three months of history: for the offline demo and the benchmark.

Three goals (a development goal and the two mandatory ones: school and social relations), a
daily-scored and a weekly-scored sub-goal of the first, and for every day of the period: a
sub-goal diary note on most days, an indicator score on most days (slowly rising), and now and
then a "Manglende arbejde med delmål" note with its reason. Deterministic for a given seed.

For a tidy facility (the demo's) there are also small plans (the two mandatory goals, for the
other residents) and past evaluations (record_evaluation): an evaluation, like one saved in
the chat, with the evidence of its period, which sets when the goal or sub-goal is next due.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.domain.goals import Decision, MandatoryArea, ScoringFrequency
from bot.domain.scores import DEFAULT_SHIFTS, slot_for
from bot.services.evaluations import build_evidence
from bot.storage.models import DiaryNote, Evaluation, Goal, IndicatorScore, SubGoal
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

DAILY_NOTES = (
    "Mia pegede på billedet af saft ved frokost og fik det.",
    "Brugte talekortet uden hjælp ved morgenmaden.",
    "Havde brug for at vi viste kortet først; pegede så selv.",
    "Valgte mellem to billeder ved aftensmaden, tydeligt og roligt.",
    "Ville ikke bruge kortet i dag; var træt efter skole.",
    "Pegede på »mere« og »færdig« – første gang med »færdig«.",
)
MISSING_REASONS = ("Personalemangel", "Sygdom", "Aktivitet aflyst", "Barnet ønskede det ikke")
# The answers of a past evaluation that went well (decision: continue).
PAST_PROGRESS = "Det går fremad; målet er nået de fleste dage i perioden."
PAST_EFFECT = "Mere ro i hverdagen og flere gode oplevelser."
PAST_METHODS = "Metoden virker; vi fortsætter som aftalt i kontaktteamet."
PAST_CHANGES = "Ingen ændringer."
PAST_PARTICIPATION = "Barnet var med til at se på billeder og noter fra perioden."


@dataclass(frozen=True, slots=True)
class SmallGoal:
    """A goal of a small plan: what, why, which mandatory area, and its plan context."""

    text: str
    rationale: str
    area: MandatoryArea
    context: str  # a diary type's name


# The demo's other residents: each with the two mandatory goals and nothing more.
SMALL_PLANS: dict[str, tuple[SmallGoal, ...]] = {
    "Oliver": (
        SmallGoal(
            "Oliver møder i skole til tiden fire dage om ugen",
            "Kommunens formål: stabil skolegang",
            MandatoryArea.SKOLE,
            "Skoleforhold",
        ),
        SmallGoal(
            "Oliver spiller fodbold i klubben med to faste kammerater",
            "Venskaber uden for skolen",
            MandatoryArea.SOCIALE_RELATIONER,
            "Venskabsforhold",
        ),
    ),
    "Ella": (
        SmallGoal(
            "Ella læser højt ti minutter hver dag",
            "Understøtter skolegang",
            MandatoryArea.SKOLE,
            "Skoleforhold",
        ),
        SmallGoal(
            "Ella inviterer en veninde hjem en gang om måneden",
            "Kommunens formål: flere venskaber",
            MandatoryArea.SOCIALE_RELATIONER,
            "Venskabsforhold",
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class SamplePlan:
    """The ids of what seed_sample_plan made."""

    goal_id: int
    school_goal_id: int
    social_goal_id: int
    daily_sub_goal_id: int
    weekly_sub_goal_id: int
    notes: int
    scores: int


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=tz).astimezone(UTC)


def seed_sample_plan(
    uow_factory: UnitOfWorkFactory,
    *,
    resident_id: int,
    author_ids: list[int],
    context_type_id: int,
    note_type_id: int,
    missing_type_id: int,
    today: date,
    tz: ZoneInfo,
    days: int = 92,
    seed: int = 3,
    note_rate: float = 0.85,
    score_rate: float = 0.75,
    missing_rate: float = 0.08,
) -> SamplePlan:
    """Write the sample plan and its history in one transaction; return the ids."""
    with uow_factory() as uow:
        plan = add_sample_plan(
            uow,
            resident_id=resident_id,
            author_ids=author_ids,
            context_type_id=context_type_id,
            note_type_id=note_type_id,
            missing_type_id=missing_type_id,
            today=today,
            tz=tz,
            days=days,
            seed=seed,
            note_rate=note_rate,
            score_rate=score_rate,
            missing_rate=missing_rate,
        )
        uow.commit()
        return plan


def add_sample_plan(
    uow: UnitOfWork,
    *,
    resident_id: int,
    author_ids: list[int],
    context_type_id: int,
    note_type_id: int,
    missing_type_id: int,
    today: date,
    tz: ZoneInfo,
    days: int = 92,
    seed: int = 3,
    note_rate: float = 0.85,
    score_rate: float = 0.75,
    missing_rate: float = 0.08,
    social_context_id: int | None = None,
) -> SamplePlan:
    """Add the sample plan and its history in the open unit of work (not committed); return
    the ids. The social-relations goal's plan context is social_context_id (else the first's)."""
    rng = random.Random(seed)
    start = today - timedelta(days=days)
    created = _at(start, 9, tz)
    goal = uow.goals.add(
        Goal(
            resident_id=resident_id,
            text="Mia udtrykker sine ønsker med talekort i hverdagen",
            rationale="Kommunens formål: mere indflydelse på eget liv",
            goal_type="udviklingsmaal",
            source="kommune",
            start_date=start,
            end_date=start + timedelta(days=365),
            interval_count=3,
            interval_unit="months",
            next_evaluation_on=today + timedelta(days=2),
            created_at=created,
            updated_at=created,
        )
    )
    school = uow.goals.add(
        Goal(
            resident_id=resident_id,
            text="Mia deltager i skolens morgensamling tre dage om ugen",
            rationale="Understøtter skolegang",
            goal_type="udviklingsmaal",
            source="tilbud",
            mandatory_area=MandatoryArea.SKOLE.value,
            start_date=start,
            end_date=start + timedelta(days=365),
            interval_count=3,
            interval_unit="months",
            next_evaluation_on=today + timedelta(days=30),
            created_at=created,
            updated_at=created,
        )
    )
    social = uow.goals.add(
        Goal(
            resident_id=resident_id,
            text="Mia leger med en kammerat i frikvarteret",
            rationale="Kompetencer til sociale relationer",
            goal_type="udviklingsmaal",
            source="tilbud",
            mandatory_area=MandatoryArea.SOCIALE_RELATIONER.value,
            start_date=start,
            end_date=start + timedelta(days=365),
            interval_count=3,
            interval_unit="months",
            next_evaluation_on=today + timedelta(days=45),
            created_at=created,
            updated_at=created,
        )
    )
    assert goal.id is not None and school.id is not None and social.id is not None
    uow.goals.set_contexts(goal.id, [context_type_id])
    uow.goals.set_contexts(school.id, [context_type_id])
    uow.goals.set_contexts(social.id, [social_context_id or context_type_id])
    daily = uow.goals.add_sub_goal(
        SubGoal(
            goal_id=goal.id,
            text="Mia bruger sit talekort ved måltider",
            rationale="Måltider er dagens faste valg-situationer",
            method="Talekortet ligger ved hendes plads; vent 5 sekunder, før du hjælper",
            scoring_frequency=ScoringFrequency.DAILY.value,
            start_date=start,
            created_at=created,
            updated_at=created,
        )
    )
    weekly = uow.goals.add_sub_goal(
        SubGoal(
            goal_id=goal.id,
            text="Mia vælger selv fredagens aktivitet",
            rationale="Indflydelse på eget liv",
            method="Tre billeder at vælge mellem torsdag aften",
            scoring_frequency=ScoringFrequency.WEEKLY.value,
            start_date=start,
            created_at=created,
            updated_at=created,
        )
    )
    assert daily.id is not None and weekly.id is not None
    notes: list[dict[str, object]] = []
    scores: list[dict[str, object]] = []
    weeks_scored: set[str] = set()
    for offset in range(days):
        day = start + timedelta(days=offset)
        author = author_ids[offset % len(author_ids)]
        if rng.random() < missing_rate:
            reason = rng.choice(MISSING_REASONS)
            text = "Ingen træning i dag."
            notes.append(
                _note(resident_id, missing_type_id, author, daily.id, day, tz, text, reason)
            )
            continue
        if rng.random() < note_rate:
            text = rng.choice(DAILY_NOTES)
            notes.append(_note(resident_id, note_type_id, author, daily.id, day, tz, text))
        if rng.random() < score_rate:
            # Support need falls slowly over the period: the score rises from ~2 to ~4.
            level = 2 + 2 * offset / days + rng.uniform(-0.8, 0.8)
            at = _at(day, 12, tz)
            slot = slot_for(ScoringFrequency.DAILY, at.astimezone(tz), DEFAULT_SHIFTS)
            scores.append(_score(daily.id, resident_id, author, slot.key, slot.day, at,
                                 max(1, min(5, round(level)))))  # fmt: skip
        if day.weekday() == 4:
            at = _at(day, 15, tz)
            slot = slot_for(ScoringFrequency.WEEKLY, at.astimezone(tz), DEFAULT_SHIFTS)
            if slot.key not in weeks_scored and rng.random() < 0.7:
                weeks_scored.add(slot.key)
                scores.append(_score(weekly.id, resident_id, author, slot.key, slot.day, at,
                                     rng.choice((3, 3, 4))))  # fmt: skip
    connection = uow.connection
    if notes:
        connection.execute(sa.insert(DiaryNote.__table__), notes)  # type: ignore[attr-defined]
    if scores:
        connection.execute(sa.insert(IndicatorScore.__table__), scores)  # type: ignore[attr-defined]
    return SamplePlan(goal.id, school.id, social.id, daily.id, weekly.id, len(notes), len(scores))


def add_small_plan(
    uow: UnitOfWork,
    *,
    resident_id: int,
    goals: Sequence[SmallGoal],
    context_ids: dict[str, int],
    start: date,
    tz: ZoneInfo,
) -> list[Goal]:
    """Add a plan of a few goals without sub-goals, started on start (not committed)."""
    created = _at(start, 9, tz)
    added: list[Goal] = []
    for small in goals:
        goal = uow.goals.add(
            Goal(
                resident_id=resident_id,
                text=small.text,
                rationale=small.rationale,
                goal_type="udviklingsmaal",
                source="tilbud",
                mandatory_area=small.area.value,
                start_date=start,
                end_date=start + timedelta(days=365),
                interval_count=3,
                interval_unit="months",
                created_at=created,
                updated_at=created,
            )
        )
        assert goal.id is not None
        uow.goals.set_contexts(goal.id, [context_ids[small.context]])
        added.append(goal)
    return added


def record_evaluation(
    uow: UnitOfWork,
    tz: ZoneInfo,
    *,
    goal: Goal,
    sub_goal: SubGoal | None,
    evaluated_on: date,
    next_on: date,
    author_id: int,
) -> Evaluation:
    """Add a past evaluation (decision: continue) as the chat would have saved it: with the
    evidence of its period, transferred to the journal; the target is next due on next_on.

    The caller keeps next_on within three months of evaluated_on, as the chat does.
    """
    evidence, _ = build_evidence(uow, tz, goal, sub_goal, evaluated_on)
    at = _at(evaluated_on, 14, tz)
    assert goal.id is not None
    evaluation = uow.evaluations.add(
        Evaluation(
            resident_id=goal.resident_id,
            goal_id=goal.id,
            sub_goal_id=sub_goal.id if sub_goal is not None else None,
            evaluated_on=evaluated_on,
            period_start=evidence.period_start,
            decision=Decision.FORTSAET.value,
            next_evaluation_on=next_on,
            evidence=json.dumps(evidence.to_dict(), ensure_ascii=False),
            created_at=at,
            created_by_id=author_id,
            transferred_at=at,
            transferred_by_id=author_id,
            progress=PAST_PROGRESS,
            effect=PAST_EFFECT,
            methods=PAST_METHODS,
            changes=PAST_CHANGES,
            participation=PAST_PARTICIPATION,
        )
    )
    target: Goal | SubGoal = sub_goal if sub_goal is not None else goal
    target.next_evaluation_on = next_on
    target.updated_at = at
    uow.session.add(target)
    uow.session.flush()
    return evaluation


def _note(
    resident_id: int,
    type_id: int,
    author_id: int,
    sub_goal_id: int,
    day: date,
    tz: ZoneInfo,
    text: str,
    reason: str | None = None,
) -> dict[str, object]:
    return {
        "resident_id": resident_id,
        "diary_type_id": type_id,
        "author_id": author_id,
        "text": text,
        "created_at": _at(day, 13, tz),
        "deleted": False,
        "sub_goal_id": sub_goal_id,
        "missing_reason": reason,
    }


def _score(
    sub_goal_id: int,
    resident_id: int,
    author_id: int,
    slot_key: str,
    slot_day: date,
    at: datetime,
    score: int,
) -> dict[str, object]:
    return {
        "sub_goal_id": sub_goal_id,
        "resident_id": resident_id,
        "slot_key": slot_key,
        "slot_date": slot_day,
        "score": score,
        "author_id": author_id,
        "scored_at": at,
        "created_at": at,
    }
