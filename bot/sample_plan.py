"""A resident's plan with three months of history: for the offline demo and the benchmark.

Two goals (one of them the mandatory school goal, so the demo shows the missing social-relations
goal), a daily-scored and a weekly-scored sub-goal, and for every day of the period: a sub-goal
diary note on most days, an indicator score on most days (slowly rising), and now and then a
"Manglende arbejde med delmål" note with its reason. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.domain.goals import ScoringFrequency
from bot.domain.scores import DEFAULT_SHIFTS, slot_for
from bot.storage.models import DiaryNote, Goal, IndicatorScore, SubGoal
from bot.storage.uow import UnitOfWorkFactory

DAILY_NOTES = (
    "Mia pegede på billedet af saft ved frokost og fik det.",
    "Brugte talekortet uden hjælp ved morgenmaden.",
    "Havde brug for at vi viste kortet først; pegede så selv.",
    "Valgte mellem to billeder ved aftensmaden, tydeligt og roligt.",
    "Ville ikke bruge kortet i dag; var træt efter skole.",
    "Pegede på »mere« og »færdig« – første gang med »færdig«.",
)
MISSING_REASONS = ("Personalemangel", "Sygdom", "Aktivitet aflyst", "Barnet ønskede det ikke")


@dataclass(frozen=True, slots=True)
class SamplePlan:
    """The ids of what seed_sample_plan made."""

    goal_id: int
    school_goal_id: int
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
    rng = random.Random(seed)
    start = today - timedelta(days=days)
    created = _at(start, 9, tz)
    with uow_factory() as uow:
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
                mandatory_area="skole",
                start_date=start,
                end_date=start + timedelta(days=365),
                interval_count=3,
                interval_unit="months",
                next_evaluation_on=today + timedelta(days=30),
                created_at=created,
                updated_at=created,
            )
        )
        assert goal.id is not None and school.id is not None
        uow.goals.set_contexts(goal.id, [context_type_id])
        uow.goals.set_contexts(school.id, [context_type_id])
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
        connection = uow.session.connection()
        if notes:
            connection.execute(sa.insert(DiaryNote.__table__), notes)  # type: ignore[attr-defined]
        if scores:
            connection.execute(sa.insert(IndicatorScore.__table__), scores)  # type: ignore[attr-defined]
        uow.commit()
        return SamplePlan(goal.id, school.id, daily.id, weekly.id, len(notes), len(scores))


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
