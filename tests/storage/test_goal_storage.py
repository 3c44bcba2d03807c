"""Goals, sub-goals, scores and evaluations in storage, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col

from bot.storage.db import alembic_config, current_revision, upgrade
from bot.storage.models import (
    ContactTeamMember,
    Evaluation,
    EvaluationDraft,
    Goal,
    GoalContext,
    GoalRevision,
    IndicatorScore,
    SubGoal,
)
from bot.storage.uow import UnitOfWorkFactory
from tests import goal_factories
from tests.goal_factories import PlanWorld
from tests.sql_log import statements

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GOAL_TABLES = {
    "contact_team_member",
    "goal",
    "goal_context",
    "sub_goal",
    "goal_revision",
    "indicator_score",
    "evaluation",
    "evaluation_draft",
}
JOIN_TIMEOUT = 120  # seconds; only reached if a thread hangs, which is itself a failure


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> PlanWorld:
    """Two residents, two members of staff, two plan contexts."""
    return goal_factories.plan_world(make_uow, NOW)


def _count(engine: Engine, model: type[SQLModel], *where: sa.ColumnElement[bool]) -> int:
    with engine.connect() as conn:
        stmt = sa.select(sa.func.count()).select_from(model).where(*where)
        return int(conn.execute(stmt).scalar_one())


def _evaluation(world: PlanWorld, goal_id: int, **overrides: object) -> Evaluation:
    values: dict[str, object] = {
        "resident_id": world.resident,
        "goal_id": goal_id,
        "evaluated_on": date(2026, 11, 20),
        "period_start": date(2026, 9, 1),
        "progress": "Det går fremad",
        "effect": "Mia er gladere",
        "methods": "Vækning virker",
        "changes": "Ingen",
        "participation": "Mia var med til mødet",
        "decision": "fortsaet",
        "next_evaluation_on": date(2027, 2, 20),
        "evidence": "{}",
        "created_at": NOW,
        "created_by_id": world.staff,
    }
    values.update(overrides)
    return Evaluation(**values)


def _draft(world: PlanWorld, goal_id: int, **overrides: object) -> EvaluationDraft:
    values: dict[str, object] = {
        "target_key": f"goal:{goal_id}",
        "goal_id": goal_id,
        "holder_id": world.staff,
        "step": "progress",
        "started_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return EvaluationDraft(**values)


def _score(
    make_uow: UnitOfWorkFactory,
    world: PlanWorld,
    sub_goal_id: int,
    slot_key: str,
    score: int,
    *,
    author_id: int | None = None,
    at: datetime = NOW,
) -> int | None:
    """Score a slot in its own unit of work and return the score it replaced."""
    with make_uow() as uow:
        _, previous = uow.scores.upsert(
            sub_goal_id=sub_goal_id,
            resident_id=world.resident,
            slot_key=slot_key,
            slot_date=date.fromisoformat(slot_key[:10]),
            score=score,
            author_id=author_id or world.staff,
            scored_at=at,
            now=at,
        )
        uow.commit()
    return previous


def _together(count: int, work: Callable[[int], object]) -> list[BaseException | None]:
    """Run work(0..count-1) in threads released at once; return each one's error or None."""
    barrier = threading.Barrier(count)
    errors: list[BaseException | None] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            work(index)
        except BaseException as exc:  # reported, not lost in the thread
            errors[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


# --- kontaktteam -----------------------------------------------------------------------------


def test_contact_team_members_are_added_once_and_removed(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    with make_uow() as uow:
        assert uow.contact_teams.add(
            world.resident, world.staff, added_at=NOW, added_by_id=world.other_staff
        )
        assert uow.contact_teams.add(
            world.resident, world.other_staff, added_at=NOW, added_by_id=None
        )
        assert not uow.contact_teams.add(
            world.resident, world.staff, added_at=NOW, added_by_id=None
        )
        assert uow.contact_teams.add(
            world.other_resident, world.staff, added_at=NOW, added_by_id=None
        )
        uow.commit()

    with make_uow() as uow:
        member = uow.session.get(ContactTeamMember, (world.resident, world.staff))
        assert member is not None
        assert (member.added_at, member.added_by_id) == (NOW, world.other_staff)
        # By name: Anne before Bo.
        assert [s.id for s in uow.contact_teams.members(world.resident)] == [
            world.other_staff,
            world.staff,
        ]
        assert uow.contact_teams.is_member(world.resident, world.staff)
        assert not uow.contact_teams.is_member(world.other_resident, world.other_staff)
        assert uow.contact_teams.residents_of(world.staff) == sorted(
            [world.resident, world.other_resident]
        )
        assert uow.contact_teams.remove(world.resident, world.staff)
        assert not uow.contact_teams.remove(world.resident, world.staff)
        uow.commit()

    with make_uow() as uow:
        assert [s.id for s in uow.contact_teams.members(world.resident)] == [world.other_staff]
        assert uow.contact_teams.residents_of(world.staff) == [world.other_resident]


def test_a_member_added_twice_at_once_is_a_unique_violation(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    with backend.begin() as conn:
        conn.execute(
            sa.insert(ContactTeamMember).values(
                resident_id=world.resident, staff_id=world.staff, added_at=NOW
            )
        )
    with pytest.raises(IntegrityError), backend.begin() as conn:
        conn.execute(
            sa.insert(ContactTeamMember).values(
                resident_id=world.resident, staff_id=world.staff, added_at=NOW
            )
        )


# --- goals, contexts, sub-goals, revisions ----------------------------------------------------


def test_goal_with_contexts_and_sub_goals(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    first, second = world.context_types
    goal_id = goal_factories.goal(
        make_uow, world.resident, NOW, created_by_id=world.staff, context_ids=(second, first)
    )
    ended_goal = goal_factories.goal(
        make_uow,
        world.resident,
        NOW,
        text="Gammelt mål",
        start_date=date(2026, 1, 1),
        status="ended",
        ended_on=date(2026, 8, 31),
        end_reason="Nået",
    )
    goal_factories.goal(make_uow, world.other_resident, NOW, text="Noahs mål")
    sub_a = goal_factories.sub_goal(make_uow, goal_id, NOW, scoring_frequency="per_shift")
    sub_b = goal_factories.sub_goal(
        make_uow, goal_id, NOW, text="Afsluttet", status="ended", ended_on=date(2026, 10, 1)
    )

    with make_uow() as uow:
        goal = uow.goals.get(goal_id)
        assert goal is not None
        assert (goal.version, goal.status, goal.mandatory_area) == (1, "active", None)
        assert goal.created_at == NOW
        assert goal.created_at.tzinfo is UTC
        # Display order of the diary types, not the order given.
        assert [t.id for t in uow.goals.contexts(goal_id)] == [first, second]
        assert [g.id for g in uow.goals.goals_of(world.resident)] == [goal_id]
        # Oldest start first.
        assert [g.id for g in uow.goals.goals_of(world.resident, include_ended=True)] == [
            ended_goal,
            goal_id,
        ]
        assert [s.id for s in uow.goals.sub_goals_of(goal_id)] == [sub_a]
        assert [s.id for s in uow.goals.sub_goals_of(goal_id, include_ended=True)] == [
            sub_a,
            sub_b,
        ]
        sub = uow.goals.get_sub_goal(sub_a)
        assert sub is not None
        assert (sub.scoring_frequency, sub.method, sub.version) == ("per_shift", "Vækning kl. 7", 1)
        assert uow.goals.get(999_999) is None
        assert uow.goals.get_sub_goal(999_999) is None

        uow.goals.set_contexts(goal_id, [second])
        uow.commit()

    with make_uow() as uow:
        assert [t.id for t in uow.goals.contexts(goal_id)] == [second]
        uow.goals.set_contexts(goal_id, [])
        uow.commit()
    assert _count(backend, GoalContext) == 0


def test_goal_by_external_ref_is_unique_per_resident(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW, external_ref="HP-7")
    other = goal_factories.goal(make_uow, world.other_resident, NOW, external_ref="HP-7")
    # Goals made in the bot have no import key; any number of them may exist.
    goal_factories.goal(make_uow, world.resident, NOW)
    goal_factories.goal(make_uow, world.resident, NOW)

    with make_uow() as uow:
        found = uow.goals.by_external_ref(world.resident, "HP-7")
        assert found is not None
        assert found.id == goal_id
        found_other = uow.goals.by_external_ref(world.other_resident, "HP-7")
        assert found_other is not None
        assert found_other.id == other
        assert uow.goals.by_external_ref(world.resident, "HP-8") is None

    with pytest.raises(IntegrityError):
        goal_factories.goal(make_uow, world.resident, NOW, external_ref="HP-7")


def test_revisions_of_goal_and_sub_goal(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    later = NOW + timedelta(days=1)

    with make_uow() as uow:
        uow.goals.add_revision(
            goal_id=goal_id,
            version=1,
            snapshot='{"text": "før"}',
            change="edit",
            changed_at=NOW,
            changed_by_id=world.staff,
        )
        uow.goals.add_revision(
            goal_id=goal_id,
            version=2,
            snapshot='{"text": "før igen"}',
            change="adjust",
            changed_at=later,
            changed_by_id=None,
        )
        uow.goals.add_revision(
            sub_goal_id=sub_id,
            version=1,
            snapshot='{"method": "gammel"}',
            change="end",
            changed_at=NOW,
            changed_by_id=world.other_staff,
        )
        uow.commit()

    with make_uow() as uow:
        goal_revisions = uow.goals.revisions_of(goal_id=goal_id)
        sub_revisions = uow.goals.revisions_of(sub_goal_id=sub_id)
        assert [(r.version, r.change, r.snapshot) for r in goal_revisions] == [
            (1, "edit", '{"text": "før"}'),
            (2, "adjust", '{"text": "før igen"}'),
        ]
        assert goal_revisions[1].changed_at == later
        assert [(r.sub_goal_id, r.goal_id, r.change) for r in sub_revisions] == [
            (sub_id, None, "end")
        ]
        with pytest.raises(ValueError, match="exactly one"):
            uow.goals.revisions_of()
        with pytest.raises(ValueError, match="exactly one"):
            uow.goals.revisions_of(goal_id=goal_id, sub_goal_id=sub_id)
        with pytest.raises(ValueError, match="exactly one"):
            uow.goals.add_revision(
                goal_id=goal_id,
                sub_goal_id=sub_id,
                version=1,
                snapshot="{}",
                change="edit",
                changed_at=NOW,
                changed_by_id=None,
            )


@pytest.mark.parametrize(
    ("goal_id_set", "sub_goal_id_set"),
    [(True, True), (False, False)],
    ids=["both", "neither"],
)
def test_a_revision_names_exactly_one_target(
    backend: Engine,
    make_uow: UnitOfWorkFactory,
    world: PlanWorld,
    goal_id_set: bool,
    sub_goal_id_set: bool,
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    with pytest.raises(IntegrityError), backend.begin() as conn:
        conn.execute(
            sa.insert(GoalRevision).values(
                goal_id=goal_id if goal_id_set else None,
                sub_goal_id=sub_id if sub_goal_id_set else None,
                version=1,
                snapshot="{}",
                change="edit",
                changed_at=NOW,
            )
        )


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "ended"},  # ended without an end date
        {"ended_on": date(2026, 10, 1)},  # active with an end date
        {"status": "paused"},
        {"interval_unit": "months", "interval_count": 4},
        {"interval_unit": "weeks", "interval_count": 14},
        {"interval_unit": "weeks", "interval_count": 0},
        {"interval_unit": "days", "interval_count": 30},
        {"version": 0},
    ],
    ids=[
        "ended-no-date",
        "active-with-date",
        "unknown-status",
        "4-months",
        "14-weeks",
        "0-weeks",
        "days",
        "version-0",
    ],
)
def test_goal_checks_refuse_a_meaningless_row(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld, overrides: dict[str, object]
) -> None:
    with pytest.raises(IntegrityError):
        goal_factories.goal(make_uow, world.resident, NOW, **overrides)
    assert _count(backend, Goal) == 0


def test_goal_interval_limits_are_accepted(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    for unit, count in [("weeks", 1), ("weeks", 13), ("months", 1), ("months", 3)]:
        goal_factories.goal(make_uow, world.resident, NOW, interval_unit=unit, interval_count=count)
    assert _count(backend, Goal) == 4


def test_sub_goal_ended_needs_an_end_date(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    with pytest.raises(IntegrityError):
        goal_factories.sub_goal(make_uow, goal_id, NOW, status="ended")
    assert _count(backend, SubGoal) == 0


def test_lock_reads_are_for_update_on_postgresql(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    with make_uow() as uow:
        uow.evaluation_drafts.add(_draft(world, goal_id))
        uow.commit()

    with make_uow() as uow, statements(backend) as plain:
        assert uow.goals.get(goal_id) is not None
        assert uow.goals.get_sub_goal(sub_id) is not None
        assert uow.evaluation_drafts.by_target(f"goal:{goal_id}") is not None
    with make_uow() as uow, statements(backend) as locked:
        assert uow.goals.get(goal_id, lock=True) is not None
        assert uow.goals.get_sub_goal(sub_id, lock=True) is not None
        assert uow.evaluation_drafts.by_target(f"goal:{goal_id}", lock=True) is not None
        uow.scores.upsert(
            sub_goal_id=sub_id,
            resident_id=world.resident,
            slot_key="2026-11-23",
            slot_date=date(2026, 11, 23),
            score=3,
            author_id=world.staff,
            scored_at=NOW,
            now=NOW,
        )

    def reads(sent: list[str]) -> list[str]:
        tables = ("FROM goal ", "FROM sub_goal ", "FROM evaluation_draft ", "FROM indicator_score ")
        return [s for s in sent if any(t in s.replace("\n", " ") + " " for t in tables)]

    assert len(reads(plain)) == 3
    assert len(reads(locked)) == 4
    assert not any("FOR UPDATE" in s for s in reads(plain))
    # SQLite has no row locks (its writers are serialised by BEGIN IMMEDIATE instead).
    expect_lock = backend.dialect.name == "postgresql"
    assert all(("FOR UPDATE" in s) is expect_lock for s in reads(locked))


# --- indicator scores ------------------------------------------------------------------------


def test_score_upsert_replaces_in_the_same_slot_and_keeps_other_slots(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW, scoring_frequency="per_shift")
    later = NOW + timedelta(hours=2)

    assert _score(make_uow, world, sub_id, "2026-11-23/dag", 3) is None
    assert _score(make_uow, world, sub_id, "2026-11-23/aften", 4) is None
    assert (
        _score(make_uow, world, sub_id, "2026-11-23/dag", 5, author_id=world.other_staff, at=later)
        == 3
    )

    with make_uow() as uow:
        scores = uow.scores.scores_between(sub_id, date(2026, 11, 23), date(2026, 11, 23))
        assert [(s.slot_key, s.score) for s in scores] == [
            ("2026-11-23/aften", 4),  # ordered by scored_at: the replaced one is now later
            ("2026-11-23/dag", 5),
        ]
        replaced = scores[1]
        assert (replaced.author_id, replaced.scored_at, replaced.created_at) == (
            world.other_staff,
            later,
            NOW,
        )
        assert replaced.slot_date == date(2026, 11, 23)
    assert _count(backend, IndicatorScore) == 2


def test_a_raw_duplicate_slot_is_a_unique_violation(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    values = {
        "sub_goal_id": sub_id,
        "resident_id": world.resident,
        "slot_key": "2026-11-23",
        "slot_date": date(2026, 11, 23),
        "score": 2,
        "author_id": world.staff,
        "scored_at": NOW,
        "created_at": NOW,
    }
    with backend.begin() as conn:
        conn.execute(sa.insert(IndicatorScore).values(**values))

    with pytest.raises(IntegrityError), backend.begin() as conn:
        conn.execute(sa.insert(IndicatorScore).values(**{**values, "score": 4}))

    # The same key on another sub-goal is another slot.
    other_sub = goal_factories.sub_goal(make_uow, goal_id, NOW)
    with backend.begin() as conn:
        conn.execute(sa.insert(IndicatorScore).values(**{**values, "sub_goal_id": other_sub}))
    assert _count(backend, IndicatorScore) == 2


def test_a_score_below_one_is_refused(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    with pytest.raises(IntegrityError):
        _score(make_uow, world, sub_id, "2026-11-23", 0)
    assert _count(backend, IndicatorScore) == 0


def test_scores_between_includes_both_bounds_in_time_order(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    other_sub = goal_factories.sub_goal(make_uow, goal_id, NOW)
    # Written out of order; scored at noon UTC of the slot's day.
    for day, score in [(12, 5), (9, 1), (10, 2), (11, 3), (13, 4)]:
        _score(
            make_uow,
            world,
            sub_id,
            f"2026-11-{day:02d}",
            score,
            at=datetime(2026, 11, day, 12, tzinfo=UTC),
        )
    _score(make_uow, world, other_sub, "2026-11-11", 1)

    with make_uow() as uow:
        inside = uow.scores.scores_between(sub_id, date(2026, 11, 10), date(2026, 11, 12))
        assert [(s.slot_date.day, s.score) for s in inside] == [(10, 2), (11, 3), (12, 5)]
        assert uow.scores.scores_between(sub_id, date(2026, 11, 14), date(2026, 11, 30)) == []
        single = uow.scores.scores_between(sub_id, date(2026, 11, 9), date(2026, 11, 9))
        assert [s.score for s in single] == [1]


def test_a_slot_scored_twice_at_once_keeps_one_row(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    # Either the second writer sees the first's row and replaces it, or (PostgreSQL, both
    # found the slot empty) its insert hits the unique slot and IntegrityError reaches it;
    # a retry then replaces. Never two rows, never a lost error.
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_ids = [goal_factories.sub_goal(make_uow, goal_id, NOW) for _ in range(5)]
    for sub_id in sub_ids:
        errors = _together(
            2, lambda i, sub_id=sub_id: _score(make_uow, world, sub_id, "2026-11-23", 2 + i)
        )
        assert all(e is None or isinstance(e, IntegrityError) for e in errors), errors
        assert any(e is None for e in errors)
        for index, error in enumerate(errors):
            if error is not None:
                assert _score(make_uow, world, sub_id, "2026-11-23", 2 + index) in {2, 3}
        assert _count(backend, IndicatorScore, col(IndicatorScore.sub_goal_id) == sub_id) == 1


# --- evaluations and drafts -------------------------------------------------------------------


def test_evaluation_last_for_goal_and_sub_goal(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    other_goal = goal_factories.goal(make_uow, world.other_resident, NOW)

    with make_uow() as uow:
        assert uow.evaluations.last_for_goal(goal_id) is None
        assert uow.evaluations.last_for_sub_goal(sub_id) is None
        newest_goal = uow.evaluations.add(
            _evaluation(world, goal_id, evaluated_on=date(2026, 11, 20))
        )
        # Added later but evaluated earlier: not the last one.
        uow.evaluations.add(_evaluation(world, goal_id, evaluated_on=date(2026, 8, 20)))
        # A sub-goal's evaluation is newer, yet never the goal's own last evaluation.
        newest_sub = uow.evaluations.add(
            _evaluation(world, goal_id, sub_goal_id=sub_id, evaluated_on=date(2026, 11, 22))
        )
        uow.evaluations.add(
            _evaluation(world, goal_id, sub_goal_id=sub_id, evaluated_on=date(2026, 10, 1))
        )
        # Same day twice: the one added last wins.
        uow.evaluations.add(_evaluation(world, other_goal, resident_id=world.other_resident))
        same_day = uow.evaluations.add(
            _evaluation(
                world,
                other_goal,
                resident_id=world.other_resident,
                decision="afslut",
                next_evaluation_on=None,
            )
        )
        uow.commit()

    with make_uow() as uow:
        last_goal = uow.evaluations.last_for_goal(goal_id)
        last_sub = uow.evaluations.last_for_sub_goal(sub_id)
        last_other = uow.evaluations.last_for_goal(other_goal)
        assert last_goal is not None
        assert last_sub is not None
        assert last_other is not None
        assert last_goal.id == newest_goal.id
        assert last_sub.id == newest_sub.id
        assert (last_other.id, last_other.decision) == (same_day.id, "afslut")

        listed = uow.evaluations.list_for_resident(world.resident, 3)
        assert [e.evaluated_on for e in listed] == [
            date(2026, 11, 22),
            date(2026, 11, 20),
            date(2026, 10, 1),
        ]
        assert len(uow.evaluations.list_for_resident(world.resident, 10)) == 4
        fetched = uow.evaluations.get(newest_goal.id or 0)
        assert fetched is not None
        assert (fetched.progress, fetched.created_at) == ("Det går fremad", NOW)


def _last_days(engine: Engine, goal_id: int, sub_id: int) -> tuple[date | None, date | None]:
    with engine.connect() as conn:
        goal_day = conn.execute(
            sa.select(col(Goal.last_evaluated_on)).where(col(Goal.id) == goal_id)
        ).scalar_one()
        sub_day = conn.execute(
            sa.select(col(SubGoal.last_evaluated_on)).where(col(SubGoal.id) == sub_id)
        ).scalar_one()
    return goal_day, sub_day


def test_last_evaluated_on_is_kept_by_the_database(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    # The reminder sweep reads goal/sub_goal.last_evaluated_on instead of the evaluations; the
    # triggers of migration 0008 keep it equal to the latest evaluated_on, whoever writes.
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    assert _last_days(backend, goal_id, sub_id) == (None, None)

    with make_uow() as uow:
        newest = uow.evaluations.add(_evaluation(world, goal_id, evaluated_on=date(2026, 11, 20)))
        older = uow.evaluations.add(_evaluation(world, goal_id, evaluated_on=date(2026, 8, 20)))
        uow.evaluations.add(
            _evaluation(world, goal_id, sub_goal_id=sub_id, evaluated_on=date(2026, 11, 22))
        )
        uow.commit()
    # Added later but evaluated earlier changes nothing; a sub-goal's day is not the goal's.
    assert _last_days(backend, goal_id, sub_id) == (date(2026, 11, 20), date(2026, 11, 22))

    table = Evaluation.__table__  # type: ignore[attr-defined]
    with backend.begin() as conn:
        conn.execute(
            sa.update(table).where(table.c.id == newest.id).values(evaluated_on=date(2026, 7, 1))
        )
    assert _last_days(backend, goal_id, sub_id) == (date(2026, 8, 20), date(2026, 11, 22))
    with backend.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.id == older.id))
        conn.execute(sa.delete(table).where(table.c.sub_goal_id == sub_id))
    assert _last_days(backend, goal_id, sub_id) == (date(2026, 7, 1), None)


def test_migration_0008_fills_last_evaluated_on_from_the_evaluations(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    quiet_goal = goal_factories.goal(make_uow, world.resident, NOW, text="Ingen evaluering")
    quiet_sub = goal_factories.sub_goal(make_uow, quiet_goal, NOW)
    with make_uow() as uow:
        for day in (date(2026, 6, 1), date(2026, 9, 1)):
            uow.evaluations.add(_evaluation(world, goal_id, evaluated_on=day))
        uow.evaluations.add(
            _evaluation(world, goal_id, sub_goal_id=sub_id, evaluated_on=date(2026, 10, 1))
        )
        uow.commit()
    config = alembic_config(backend)
    command.downgrade(config, "0007")  # the evaluations stay; the columns go

    command.upgrade(config, "0008")

    assert _last_days(backend, goal_id, sub_id) == (date(2026, 9, 1), date(2026, 10, 1))
    assert _last_days(backend, quiet_goal, quiet_sub) == (None, None)
    with make_uow() as uow:  # and the triggers are back
        uow.evaluations.add(_evaluation(world, quiet_goal, evaluated_on=date(2026, 11, 2)))
        uow.commit()
    assert _last_days(backend, quiet_goal, quiet_sub) == (date(2026, 11, 2), None)


def test_last_evaluated_on_keeps_the_later_day_when_two_commit_out_of_order(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    # The later day is inserted and committed first while the earlier one waits for its lock
    # (PostgreSQL: the goal row; SQLite: the database); the earlier one must not win.
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    table = Evaluation.__table__  # type: ignore[attr-defined]

    def values(day: date) -> dict[str, object]:
        row = _evaluation(world, goal_id, evaluated_on=day)
        return {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"}

    errors: list[BaseException] = []

    def second() -> None:
        try:
            with backend.begin() as conn:
                conn.execute(sa.insert(table).values(values(date(2026, 11, 1))))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    with backend.begin() as conn:
        conn.execute(sa.insert(table).values(values(date(2026, 11, 20))))
        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(0.5)  # it blocks on the first one's lock until the commit below
        assert waiting.is_alive()
    waiting.join(JOIN_TIMEOUT)
    assert not waiting.is_alive()
    assert errors == []
    assert _count(backend, Evaluation, col(Evaluation.goal_id) == goal_id) == 2
    assert _last_days(backend, goal_id, sub_id) == (date(2026, 11, 20), None)


def test_evaluation_is_marked_transferred_once(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    later = NOW + timedelta(days=1)
    with make_uow() as uow:
        evaluation_id = uow.evaluations.add(_evaluation(world, goal_id)).id
        uow.commit()
    assert evaluation_id is not None

    with make_uow() as uow:
        assert uow.evaluations.mark_transferred(evaluation_id, at=NOW, by_id=world.staff)
        assert not uow.evaluations.mark_transferred(
            evaluation_id, at=later, by_id=world.other_staff
        )
        assert not uow.evaluations.mark_transferred(999_999, at=NOW, by_id=world.staff)
        uow.commit()

    with make_uow() as uow:
        stored = uow.evaluations.get(evaluation_id)
        assert stored is not None
        assert (stored.transferred_at, stored.transferred_by_id) == (NOW, world.staff)


@pytest.mark.parametrize(
    "overrides",
    [
        {"decision": "afslut"},  # ending with a next evaluation date
        {"decision": "fortsaet", "next_evaluation_on": None},
        {"transferred_at": NOW},  # transferred by nobody
    ],
    ids=["afslut-with-next", "fortsaet-without-next", "transferred-by-nobody"],
)
def test_evaluation_checks_refuse_a_meaningless_row(
    backend: Engine,
    make_uow: UnitOfWorkFactory,
    world: PlanWorld,
    overrides: dict[str, object],
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    with pytest.raises(IntegrityError), make_uow() as uow:
        uow.evaluations.add(_evaluation(world, goal_id, **overrides))
    assert _count(backend, Evaluation) == 0


def test_one_draft_per_target(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    later = NOW + timedelta(minutes=5)
    with make_uow() as uow:
        uow.evaluation_drafts.add(_draft(world, goal_id))
        uow.evaluation_drafts.add(
            _draft(
                world,
                goal_id,
                target_key=f"sub_goal:{sub_id}",
                sub_goal_id=sub_id,
                updated_at=later,
            )
        )
        uow.commit()

    with pytest.raises(IntegrityError), make_uow() as uow:
        uow.evaluation_drafts.add(_draft(world, goal_id, holder_id=world.other_staff))

    with make_uow() as uow:
        found = uow.evaluation_drafts.by_target(f"goal:{goal_id}")
        assert found is not None
        assert (found.holder_id, found.answers, found.step) == (world.staff, "{}", "progress")
        assert uow.evaluation_drafts.by_target("goal:999999") is None
        assert [d.target_key for d in uow.evaluation_drafts.drafts_of(world.staff)] == [
            f"sub_goal:{sub_id}",
            f"goal:{goal_id}",
        ]
        assert uow.evaluation_drafts.drafts_of(world.other_staff) == []
        by_id = uow.evaluation_drafts.get(found.id or 0)
        assert by_id is not None
        assert by_id.target_key == f"goal:{goal_id}"
        uow.evaluation_drafts.delete(found)
        uow.commit()

    with make_uow() as uow:
        assert uow.evaluation_drafts.by_target(f"goal:{goal_id}") is None
        # Once the first is gone the target is free again.
        uow.evaluation_drafts.add(_draft(world, goal_id, holder_id=world.other_staff))
        uow.commit()
    assert _count(backend, EvaluationDraft) == 2


def test_two_people_starting_the_same_draft_at_once(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    holders = [world.staff, world.other_staff]

    def start(index: int) -> None:
        with make_uow() as uow:
            uow.evaluation_drafts.add(_draft(world, goal_id, holder_id=holders[index]))
            uow.commit()

    errors = _together(2, start)

    assert sorted(type(e).__name__ for e in errors) == ["IntegrityError", "NoneType"]
    with make_uow() as uow:
        draft = uow.evaluation_drafts.by_target(f"goal:{goal_id}")
        assert draft is not None
        assert draft.holder_id == holders[errors.index(None)]


# --- cascade ---------------------------------------------------------------------------------


def test_deleting_a_goal_deletes_its_children(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    kept = goal_factories.goal(make_uow, world.resident, NOW, context_ids=world.context_types)
    kept_sub = goal_factories.sub_goal(make_uow, kept, NOW)
    doomed = goal_factories.goal(make_uow, world.resident, NOW, context_ids=world.context_types)
    doomed_sub = goal_factories.sub_goal(make_uow, doomed, NOW)
    for goal_id, sub_id in [(kept, kept_sub), (doomed, doomed_sub)]:
        _score(make_uow, world, sub_id, "2026-11-23", 3)
        with make_uow() as uow:
            for target in ({"goal_id": goal_id}, {"sub_goal_id": sub_id}):
                uow.goals.add_revision(
                    **target,
                    version=1,
                    snapshot="{}",
                    change="edit",
                    changed_at=NOW,
                    changed_by_id=world.staff,
                )
            uow.evaluations.add(_evaluation(world, goal_id))
            uow.evaluations.add(_evaluation(world, goal_id, sub_goal_id=sub_id))
            uow.evaluation_drafts.add(_draft(world, goal_id))
            uow.evaluation_drafts.add(
                _draft(world, goal_id, target_key=f"sub_goal:{sub_id}", sub_goal_id=sub_id)
            )
            uow.commit()
    children: list[type[SQLModel]] = [
        GoalContext,
        SubGoal,
        GoalRevision,
        IndicatorScore,
        Evaluation,
        EvaluationDraft,
    ]
    before = {model.__name__: _count(backend, model) for model in children}
    assert before == {
        "GoalContext": 4,
        "SubGoal": 2,
        "GoalRevision": 4,
        "IndicatorScore": 2,
        "Evaluation": 4,
        "EvaluationDraft": 4,
    }

    with backend.begin() as conn:
        conn.execute(sa.delete(Goal).where(col(Goal.id) == doomed))

    after = {model.__name__: _count(backend, model) for model in children}
    assert after == {name: count // 2 for name, count in before.items()}
    with make_uow() as uow:
        assert uow.goals.get(kept) is not None
        assert [s.id for s in uow.goals.sub_goals_of(kept)] == [kept_sub]
        assert len(uow.goals.revisions_of(sub_goal_id=kept_sub)) == 1
        assert uow.evaluations.last_for_sub_goal(kept_sub) is not None
        assert uow.evaluation_drafts.by_target(f"sub_goal:{kept_sub}") is not None
        assert uow.goals.revisions_of(goal_id=doomed) == []
        assert uow.scores.scores_between(doomed_sub, date(2026, 1, 1), date(2027, 1, 1)) == []


def test_deleting_a_sub_goal_keeps_its_goal(
    backend: Engine, make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)
    _score(make_uow, world, sub_id, "2026-11-23", 3)
    with make_uow() as uow:
        uow.evaluations.add(_evaluation(world, goal_id))
        uow.evaluations.add(_evaluation(world, goal_id, sub_goal_id=sub_id))
        uow.commit()

    with backend.begin() as conn:
        conn.execute(sa.delete(SubGoal).where(col(SubGoal.id) == sub_id))

    assert _count(backend, IndicatorScore) == 0
    assert _count(backend, Evaluation) == 1
    assert _count(backend, Goal) == 1


# --- migration 0003 --------------------------------------------------------------------------


def _table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_migration_0003_creates_exactly_the_goal_tables_and_drops_them_again(
    empty_backend: Engine,
) -> None:
    config = alembic_config(empty_backend)
    command.upgrade(config, "0002")
    at_0002 = _table_names(empty_backend)
    # The table as it is at 0002 (the model has columns of later migrations).
    department_0002 = sa.table("department", sa.column("name"), sa.column("created_at"))
    with empty_backend.begin() as conn:
        conn.execute(sa.insert(department_0002).values(name="Afd A", created_at=NOW))

    command.upgrade(config, "0003")

    assert current_revision(empty_backend) == "0003"
    assert _table_names(empty_backend) - at_0002 == GOAL_TABLES

    command.downgrade(config, "0002")

    assert current_revision(empty_backend) == "0002"
    assert _table_names(empty_backend) == at_0002
    with empty_backend.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM department")).scalars().all() == ["Afd A"]

    upgrade(empty_backend)

    head = ScriptDirectory.from_config(config).get_current_head()
    assert current_revision(empty_backend) == head
    assert _table_names(empty_backend) >= GOAL_TABLES
