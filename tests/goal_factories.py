"""Factories for the plan: goals and sub-goals written straight to the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.access import Role
from bot.storage.models import Goal, SubGoal
from bot.storage.uow import UnitOfWorkFactory
from tests import factories


@dataclass(frozen=True)
class PlanWorld:
    """One department with two residents, two members of staff and two plan contexts."""

    department: int
    resident: int
    other_resident: int
    staff: int
    other_staff: int
    context_types: tuple[int, int]


def plan_world(uow_factory: UnitOfWorkFactory, now: datetime) -> PlanWorld:
    """Create the people a plan needs and return their ids."""
    dep = factories.department(uow_factory, "Afd A", now)
    with uow_factory() as uow:
        types = [t.id for t, _ in uow.diary_types.active_with_aliases() if t.kind == "context"]
    first, second = types[0], types[1]
    assert first is not None
    assert second is not None
    return PlanWorld(
        department=dep,
        resident=factories.resident(uow_factory, "Mia", dep, now),
        other_resident=factories.resident(uow_factory, "Noah", dep, now),
        staff=factories.staff(uow_factory, 41, Role.MEDARBEJDER, [dep], now, name="Bo"),
        other_staff=factories.staff(uow_factory, 42, Role.MEDARBEJDER, [dep], now, name="Anne"),
        context_types=(first, second),
    )


def goal(
    uow_factory: UnitOfWorkFactory,
    resident_id: int,
    now: datetime,
    *,
    text: str = "Mia går i skole hver dag",
    start_date: date = date(2026, 9, 1),
    end_date: date = date(2027, 8, 31),
    created_by_id: int | None = None,
    external_ref: str | None = None,
    context_ids: tuple[int, ...] = (),
    **overrides: object,
) -> int:
    """Create an active goal with a three-month interval and return its id."""
    values: dict[str, object] = {
        "resident_id": resident_id,
        "text": text,
        "rationale": "Kommunens formål",
        "goal_type": "udviklingsmaal",
        "source": "kommune",
        "start_date": start_date,
        "end_date": end_date,
        "interval_count": 3,
        "interval_unit": "months",
        "created_at": now,
        "created_by_id": created_by_id,
        "updated_at": now,
        "external_ref": external_ref,
    }
    values.update(overrides)
    with uow_factory() as uow:
        row = uow.goals.add(Goal(**values))
        assert row.id is not None
        if context_ids:
            uow.goals.set_contexts(row.id, context_ids)
        uow.commit()
        return row.id


def sub_goal(
    uow_factory: UnitOfWorkFactory,
    goal_id: int,
    now: datetime,
    *,
    text: str = "Mia møder til første time",
    scoring_frequency: str = "daily",
    start_date: date = date(2026, 9, 1),
    **overrides: object,
) -> int:
    """Create an active sub-goal of a goal and return its id."""
    values: dict[str, object] = {
        "goal_id": goal_id,
        "text": text,
        "rationale": "Fremmøde",
        "method": "Vækning kl. 7",
        "scoring_frequency": scoring_frequency,
        "start_date": start_date,
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    with uow_factory() as uow:
        row = uow.goals.add_sub_goal(SubGoal(**values))
        uow.commit()
        assert row.id is not None
        return row.id
