"""Evaluation use cases on SQLite and PostgreSQL: one draft per target under a race, the
evidence period, saving in one transaction, and the transfer mark that only the first sets."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict, DomainError, InvalidInput, NotAllowed
from bot.services import evaluations
from bot.storage.models import DiaryNote, Evaluation, EvaluationDraft, SubGoal
from bot.storage.uow import UnitOfWorkFactory
from tests import goal_factories
from tests.goal_factories import PlanWorld

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
JOIN_TIMEOUT = 120


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> PlanWorld:
    """Two residents, two members of staff (both on Mia's kontaktteam), two contexts."""
    world = goal_factories.plan_world(make_uow, NOW)
    with make_uow() as uow:
        uow.contact_teams.add(world.resident, world.staff, added_at=NOW, added_by_id=None)
        uow.contact_teams.add(world.resident, world.other_staff, added_at=NOW, added_by_id=None)
        uow.commit()
    return world


def _actor(make_uow: UnitOfWorkFactory, telegram_id: int) -> Actor:
    with make_uow() as uow:
        actor = uow.staff.actor(telegram_id)
    assert actor is not None
    return actor


def _sub_goal(make_uow: UnitOfWorkFactory, world: PlanWorld) -> int:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW, start_date=date(2026, 9, 1))
    return goal_factories.sub_goal(make_uow, goal_id, NOW, start_date=date(2026, 9, 1))


def _answer_everything(
    make_uow: UnitOfWorkFactory, clock: FixedClock, actor: Actor, draft_id: int
) -> None:
    evaluations.choose(make_uow(), clock, TZ, actor, draft_id, "today")
    for text in ("går godt", "mere ro", "billeder virker", "ingen ændringer", "Mia deltog"):
        evaluations.answer_text(make_uow(), clock, TZ, actor, draft_id, text)
    evaluations.choose(make_uow(), clock, TZ, actor, draft_id, "decide", 0)  # Fortsæt
    evaluations.choose(make_uow(), clock, TZ, actor, draft_id, "next")


def test_two_people_starting_at_once_get_one_draft(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    actors = [_actor(make_uow, 41), _actor(make_uow, 42)]
    barrier = threading.Barrier(len(actors))
    outcomes: list[object] = []

    def start(actor: Actor) -> None:
        barrier.wait()
        try:
            outcomes.append(
                evaluations.start_evaluation(make_uow(), clock, TZ, actor, "sub_goal", sub_goal_id)
            )
        except DomainError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=start, args=(a,)) for a in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    views = [o for o in outcomes if isinstance(o, evaluations.DraftView)]
    refusals = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(views), len(refusals)) == (1, 1)
    assert refusals[0].text_key == "evaluations.held_by"
    with Session(make_uow.engine) as session:
        [draft] = session.exec(select(EvaluationDraft)).all()
    assert draft.id == views[0].draft_id


def test_the_period_starts_the_day_after_the_last_evaluation(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    actor = _actor(make_uow, 41)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, actor, "sub_goal", sub_goal_id)
    assert view.evidence.period_start == date(2026, 9, 1)
    _answer_everything(make_uow, clock, actor, view.draft_id)
    evaluations.finish_evaluation(make_uow(), clock, TZ, actor, view.draft_id)

    # A note on the evaluation day belongs to the old period; one the day after, to the new.
    with Session(make_uow.engine) as session:
        for at in (NOW, NOW + timedelta(days=1)):
            session.add(
                DiaryNote(
                    resident_id=world.resident,
                    diary_type_id=world.context_types[0],
                    author_id=world.staff,
                    text="observation",
                    created_at=at,
                    sub_goal_id=sub_goal_id,
                )
            )
        session.commit()
    clock.advance(timedelta(days=30))
    view = evaluations.start_evaluation(make_uow(), clock, TZ, actor, "sub_goal", sub_goal_id)
    assert view.evidence.period_start == date(2026, 11, 24)
    assert view.evidence.note_count == 1


def test_finishing_an_unfinished_draft_writes_nothing(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    actor = _actor(make_uow, 41)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, actor, "sub_goal", sub_goal_id)
    evaluations.choose(make_uow(), clock, TZ, actor, view.draft_id, "today")

    with pytest.raises(Conflict):
        evaluations.finish_evaluation(make_uow(), clock, TZ, actor, view.draft_id)

    with Session(make_uow.engine) as session:
        assert session.exec(select(Evaluation)).all() == []
        sub_goal = session.get(SubGoal, sub_goal_id)
        assert sub_goal is not None
        assert sub_goal.next_evaluation_on is None
        [draft] = session.exec(select(EvaluationDraft)).all()
        assert draft.step == "progress"


def test_only_the_holder_answers_and_only_owners_start(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    holder, colleague = _actor(make_uow, 41), _actor(make_uow, 42)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, holder, "sub_goal", sub_goal_id)
    with pytest.raises(NotAllowed):
        evaluations.answer_text(make_uow(), clock, TZ, colleague, view.draft_id, "mit svar")
    with make_uow() as uow:
        uow.contact_teams.remove(world.resident, world.staff)
        uow.commit()
    # Off the team now: not even their own draft can be carried on.
    holder = _actor(make_uow, 41)
    with pytest.raises(NotAllowed):
        evaluations.answer_text(make_uow(), clock, TZ, holder, view.draft_id, "svar")
    assert holder.role is Role.MEDARBEJDER


def test_the_first_transfer_mark_stands(make_uow: UnitOfWorkFactory, world: PlanWorld) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    first, second = _actor(make_uow, 41), _actor(make_uow, 42)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, first, "sub_goal", sub_goal_id)
    _answer_everything(make_uow, clock, first, view.draft_id)
    done = evaluations.finish_evaluation(make_uow(), clock, TZ, first, view.draft_id)

    marked = evaluations.mark_transferred(make_uow(), clock, first, done.evaluation_id)
    clock.advance(timedelta(hours=1))
    again = evaluations.mark_transferred(make_uow(), clock, second, done.evaluation_id)

    assert marked.transferred_at == NOW
    assert (again.transferred_at, again.transferred_by) == (NOW, "Bo")


def test_a_draft_whose_holder_left_the_team_is_taken_over(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    holder, colleague = _actor(make_uow, 41), _actor(make_uow, 42)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, holder, "sub_goal", sub_goal_id)
    evaluations.choose(make_uow(), clock, TZ, holder, view.draft_id, "today")
    with pytest.raises(Conflict):
        evaluations.start_evaluation(make_uow(), clock, TZ, colleague, "sub_goal", sub_goal_id)
    with make_uow() as uow:
        uow.contact_teams.remove(world.resident, world.staff)
        uow.commit()

    taken = evaluations.start_evaluation(make_uow(), clock, TZ, colleague, "sub_goal", sub_goal_id)

    assert (taken.draft_id, taken.step, taken.resumed) == (view.draft_id, "progress", True)
    with Session(make_uow.engine) as session:
        [draft] = session.exec(select(EvaluationDraft)).all()
    assert draft.holder_id == world.other_staff


def test_the_holder_can_discard_a_draft_after_leaving_the_team(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    holder = _actor(make_uow, 41)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, holder, "sub_goal", sub_goal_id)
    with make_uow() as uow:
        uow.contact_teams.remove(world.resident, world.staff)
        uow.commit()
    with pytest.raises(NotAllowed):
        evaluations.discard_draft(make_uow(), clock, _actor(make_uow, 42), view.draft_id)

    evaluations.discard_draft(make_uow(), clock, holder, view.draft_id)

    with Session(make_uow.engine) as session:
        assert session.exec(select(EvaluationDraft)).all() == []


def test_answers_are_held_to_the_period_and_the_columns(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    actor = _actor(make_uow, 41)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, actor, "sub_goal", sub_goal_id)
    with pytest.raises(InvalidInput) as before:
        evaluations.answer_text(make_uow(), clock, TZ, actor, view.draft_id, "31.8.2026")
    assert before.value.text_key == "evaluations.date_before_period"
    evaluations.answer_text(make_uow(), clock, TZ, actor, view.draft_id, "1.9.2026")
    for text in ("går godt", "mere ro", "billeder virker", "ingen ændringer", "Mia deltog"):
        evaluations.answer_text(make_uow(), clock, TZ, actor, view.draft_id, text)
    evaluations.choose(make_uow(), clock, TZ, actor, view.draft_id, "decide", 1)  # Justér
    evaluations.choose(make_uow(), clock, TZ, actor, view.draft_id, "keep")
    with pytest.raises(InvalidInput) as long_method:
        evaluations.answer_text(make_uow(), clock, TZ, actor, view.draft_id, "m" * 2001)
    assert long_method.value.text_key == "goals.text_too_long"
    evaluations.answer_text(make_uow(), clock, TZ, actor, view.draft_id, "m" * 2000)
    evaluations.choose(make_uow(), clock, TZ, actor, view.draft_id, "next")
    evaluations.finish_evaluation(make_uow(), clock, TZ, actor, view.draft_id)
    with Session(make_uow.engine) as session:
        sub_goal = session.get(SubGoal, sub_goal_id)
        assert sub_goal is not None
        assert sub_goal.method == "m" * 2000


def test_ending_a_goal_by_evaluation_keeps_its_sub_goals_history(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    goal_id = goal_factories.goal(make_uow, world.resident, NOW, start_date=date(2026, 9, 1))
    sub_goal_id = goal_factories.sub_goal(
        make_uow, goal_id, NOW, start_date=date(2026, 9, 1), next_evaluation_on=date(2026, 12, 1)
    )
    clock = FixedClock(NOW)
    actor = _actor(make_uow, 41)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, actor, "goal", goal_id)
    evaluations.choose(make_uow(), clock, TZ, actor, view.draft_id, "today")
    for text in ("nået", "stor", "gode", "afsluttes", "Mia deltog"):
        evaluations.answer_text(make_uow(), clock, TZ, actor, view.draft_id, text)
    evaluations.choose(make_uow(), clock, TZ, actor, view.draft_id, "decide", 2)  # Afslut
    evaluations.finish_evaluation(make_uow(), clock, TZ, actor, view.draft_id)

    with make_uow() as uow:
        [revision] = uow.goals.revisions_of(sub_goal_id=sub_goal_id)
        sub_goal = uow.goals.get_sub_goal(sub_goal_id)
        assert (revision.change, revision.version) == ("end", 1)
        assert sub_goal is not None
        ended = (sub_goal.status, sub_goal.version, sub_goal.next_evaluation_on)
    assert ended == ("ended", 2, None)


def test_saving_locks_the_goal_or_sub_goal_it_changes(
    make_uow: UnitOfWorkFactory, world: PlanWorld
) -> None:
    sub_goal_id = _sub_goal(make_uow, world)
    clock = FixedClock(NOW)
    actor = _actor(make_uow, 41)
    view = evaluations.start_evaluation(make_uow(), clock, TZ, actor, "sub_goal", sub_goal_id)
    _answer_everything(make_uow, clock, actor, view.draft_id)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    sa.event.listen(make_uow.engine, "before_cursor_execute", record)
    try:
        evaluations.finish_evaluation(make_uow(), clock, TZ, actor, view.draft_id)
    finally:
        sa.event.remove(make_uow.engine, "before_cursor_execute", record)

    locked = [s for s in statements if s.endswith("FOR UPDATE") and "FROM sub_goal" in s]
    # SQLite has no row locks (its writers take the whole database with BEGIN IMMEDIATE).
    expected = 1 if make_uow.engine.dialect.name == "postgresql" else 0
    assert len(locked) == expected
