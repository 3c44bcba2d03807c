"""The plan's use cases (bot.services.goals) on SQLite and PostgreSQL: create, edit, end, team."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.goals import (
    EvaluationInterval,
    GoalSource,
    GoalType,
    IntervalUnit,
    MandatoryArea,
    ScoringFrequency,
)
from bot.services import goals
from bot.services.goals import GoalDraft, SubGoalDraft
from bot.storage.models import AuditEvent, Evaluation, Goal, GoalRevision, SubGoal
from bot.storage.repositories import AuditRepository
from bot.storage.uow import UnitOfWorkFactory
from tests import factories, goal_factories
from tests.goal_factories import PlanWorld

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
THREE_MONTHS = EvaluationInterval(3, IntervalUnit.MONTHS)


@dataclass(frozen=True)
class World:
    """plan_world (Mia, Noah; medarbejdere Bo and Anne) plus a leader and another department."""

    plan: PlanWorld
    leader: Actor
    member: Actor  # Bo, on Mia's kontaktteam
    colleague: Actor  # Anne, not on the team
    stranger_leader: Actor  # leader of another department
    other_resident: int  # in the other department
    other_staff: int  # medarbejder of the other department
    magt: int  # the Magtanvendelse diary type: not a plan context


def _actor(make_uow: UnitOfWorkFactory, telegram_id: int) -> Actor:
    with make_uow() as uow:
        actor = uow.staff.actor(telegram_id)
    assert actor is not None
    return actor


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> World:
    plan = goal_factories.plan_world(make_uow, NOW)
    factories.staff(make_uow, 1, Role.AFDELINGSLEDER, [plan.department], NOW, name="Karen")
    other_dep = factories.department(make_uow, "Afd B", NOW)
    factories.staff(make_uow, 2, Role.AFDELINGSLEDER, [other_dep], NOW, name="Birte")
    other_staff = factories.staff(make_uow, 3, Role.MEDARBEJDER, [other_dep], NOW, name="Bent")
    other_resident = factories.resident(make_uow, "Bo", other_dep, NOW)
    with make_uow() as uow:
        uow.contact_teams.add(plan.resident, plan.staff, added_at=NOW, added_by_id=None)
        magt = uow.diary_types.by_name("Magtanvendelse")
        uow.commit()
    assert magt is not None
    assert magt.id is not None
    return World(
        plan=plan,
        leader=_actor(make_uow, 1),
        member=_actor(make_uow, 41),
        colleague=_actor(make_uow, 42),
        stranger_leader=_actor(make_uow, 2),
        other_resident=other_resident,
        other_staff=other_staff,
        magt=magt.id,
    )


def draft(world: World, **changes: object) -> GoalDraft:
    values: dict[str, object] = {
        "text": "  Mia går i skole hver dag  ",
        "rationale": "Kommunens formål",
        "goal_type": GoalType.UDVIKLINGSMAAL,
        "source": GoalSource.TILBUD,
        "context_ids": world.plan.context_types,
        "mandatory_area": MandatoryArea.SKOLE,
        "start_date": TODAY,
        "end_date": date(2027, 6, 30),
        "interval": THREE_MONTHS,
    }
    values.update(changes)
    return GoalDraft(**values)  # type: ignore[arg-type]


def all_goals(make_uow: UnitOfWorkFactory) -> list[Goal]:
    # A plain session: a unit of work rolls back on leaving, which expires what it read.
    with Session(make_uow.engine) as session:
        return list(session.exec(select(Goal).order_by(col(Goal.id))))


def all_revisions(make_uow: UnitOfWorkFactory) -> list[GoalRevision]:
    with Session(make_uow.engine) as session:
        return list(session.exec(select(GoalRevision).order_by(col(GoalRevision.id))))


def audit(make_uow: UnitOfWorkFactory, entity: str) -> list[tuple[str, int | None, str]]:
    with make_uow() as uow:
        return [(e.action, e.actor_id, e.detail) for e in uow.audit.events(entity=entity)]


# --- creating -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "member"])
def test_owner_creates_a_goal_with_contexts_and_audit(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World, who: str
) -> None:
    actor: Actor = getattr(world, who)

    view = goals.create_goal(
        make_uow(), clock, actor, world.plan.resident, draft(world), today=TODAY
    )

    [row] = all_goals(make_uow)
    assert view.id == row.id
    assert (row.text, row.source, row.mandatory_area, row.created_by_id) == (
        "Mia går i skole hver dag",
        "tilbud",
        "skole",
        actor.staff_id,
    )
    assert (row.next_evaluation_on, row.version, row.status) == (date(2027, 2, 23), 1, "active")
    assert {c.id for c in view.contexts} == set(world.plan.context_types)
    assert audit(make_uow, "goal") == [("create", actor.staff_id, "")]


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        pytest.param({"end_date": date(2026, 11, 1)}, "goals.end_before_start", id="end-before"),
        pytest.param({"end_date": TODAY}, "goals.end_before_start", id="end-on-start"),
        pytest.param(
            {"start_date": date(2026, 1, 1), "end_date": date(2026, 6, 1)},
            "plans.end_in_past",
            id="end-past",
        ),
        pytest.param({"text": "   "}, "goals.text_empty", id="empty-text"),
        pytest.param({"rationale": "x" * 2001}, "goals.rationale_too_long", id="long-rationale"),
        pytest.param({"context_ids": ()}, "plans.contexts_empty", id="no-context"),
    ],
)
def test_a_bad_goal_is_refused_and_nothing_is_stored(
    make_uow: UnitOfWorkFactory,
    clock: FixedClock,
    world: World,
    changes: dict[str, object],
    key: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        goals.create_goal(
            make_uow(),
            clock,
            world.leader,
            world.plan.resident,
            draft(world, **changes),
            today=TODAY,
        )

    assert caught.value.text_key == key
    assert all_goals(make_uow) == []


def test_a_diary_type_that_is_no_plan_context_is_refused(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    with pytest.raises(InvalidInput):
        goals.create_goal(
            make_uow(),
            clock,
            world.leader,
            world.plan.resident,
            draft(world, context_ids=(world.magt,)),
            today=TODAY,
        )

    assert all_goals(make_uow) == []


@pytest.mark.parametrize(
    ("who", "resident"),
    [
        pytest.param("colleague", "own", id="not-on-the-team"),
        pytest.param("stranger_leader", "own", id="leader-of-another-department"),
        pytest.param("leader", "other", id="resident-of-another-department"),
    ],
)
def test_only_owners_create_goals(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World, who: str, resident: str
) -> None:
    resident_id = world.plan.resident if resident == "own" else world.other_resident

    with pytest.raises(NotAllowed):
        goals.create_goal(
            make_uow(), clock, getattr(world, who), resident_id, draft(world), today=TODAY
        )

    assert all_goals(make_uow) == []


def test_goal_contexts_and_audit_are_one_transaction(
    make_uow: UnitOfWorkFactory,
    clock: FixedClock,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditRepository, "record", fail)

    with pytest.raises(RuntimeError, match="disk full"):
        goals.create_goal(
            make_uow(), clock, world.leader, world.plan.resident, draft(world), today=TODAY
        )

    assert all_goals(make_uow) == []
    with make_uow() as uow:
        assert uow.session.exec(select(AuditEvent)).all() == []


def test_sub_goal_starts_today_with_the_goals_rhythm(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(
        make_uow, world.plan.resident, NOW, interval_count=6, interval_unit="weeks"
    )

    view = goals.create_sub_goal(
        make_uow(),
        clock,
        world.member,
        goal_id,
        SubGoalDraft(" Tager selv tasken ", "", "Tasken ved døren", ScoringFrequency.WEEKLY),
        today=TODAY,
    )

    assert (view.text, view.start_date, view.next_evaluation_on) == (
        "Tager selv tasken",
        TODAY,
        date(2027, 1, 4),
    )
    assert view.scoring_frequency is ScoringFrequency.WEEKLY
    assert audit(make_uow, "sub_goal") == [("create", world.member.staff_id, "")]
    with pytest.raises(InvalidInput) as caught:
        goals.create_sub_goal(
            make_uow(),
            clock,
            world.member,
            goal_id,
            SubGoalDraft("Noget", "", "  ", ScoringFrequency.DAILY),
            today=TODAY,
        )
    assert caught.value.text_key == "plans.method_empty"


# --- editing ------------------------------------------------------------------------------


def test_edit_keeps_the_old_fields_and_bumps_the_version(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(
        make_uow, world.plan.resident, NOW, context_ids=world.plan.context_types
    )

    view, changed = goals.edit_goal(
        make_uow(), clock, world.member, goal_id, "text", "Ny tekst", today=TODAY
    )
    again, changed_again = goals.edit_goal(
        make_uow(), clock, world.member, goal_id, "text", "Ny tekst", today=TODAY
    )

    assert (changed, changed_again) == (True, False)
    assert (view.text, view.version, again.version) == ("Ny tekst", 2, 2)
    [revision] = all_revisions(make_uow)
    assert (revision.goal_id, revision.version, revision.change) == (goal_id, 1, "edit")
    assert revision.changed_by_id == world.member.staff_id
    snapshot = json.loads(revision.snapshot)
    assert snapshot["text"] == "Mia går i skole hver dag"
    assert snapshot["context_ids"] == sorted(world.plan.context_types)
    assert audit(make_uow, "goal") == [("edit", world.member.staff_id, "field=text")]


def test_edit_checks_the_value_of_each_field(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(make_uow, world.plan.resident, NOW)

    def edit(field: str, value: goals.FieldValue) -> None:
        goals.edit_goal(make_uow(), clock, world.leader, goal_id, field, value, today=TODAY)

    for field, value, key in [
        ("text", "", "goals.text_empty"),
        ("end_date", date(2026, 8, 1), "goals.end_before_start"),
        ("start_date", date(2027, 9, 1), "goals.end_before_start"),
        ("end_date", date(2026, 11, 1), "plans.end_in_past"),
        ("goal_type", "smart", "error.bad_button"),
        ("contexts", (), "plans.contexts_empty"),
        ("contexts", (world.magt,), "error.bad_button"),
        ("status", "ended", "error.bad_button"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            edit(field, value)
        assert caught.value.text_key == key, field
    assert all_revisions(make_uow) == []
    with make_uow() as uow:
        row = uow.goals.get(goal_id)
        assert row is not None
        assert (row.version, row.end_date) == (1, date(2027, 8, 31))


def test_a_new_interval_moves_the_next_evaluation_from_the_last_one(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(
        make_uow, world.plan.resident, NOW, next_evaluation_on=date(2026, 12, 1)
    )
    with make_uow() as uow:
        uow.evaluations.add(
            Evaluation(
                resident_id=world.plan.resident,
                goal_id=goal_id,
                evaluated_on=date(2026, 11, 10),
                period_start=date(2026, 9, 1),
                progress="",
                effect="",
                methods="",
                changes="",
                participation="",
                decision="fortsaet",
                next_evaluation_on=date(2027, 2, 10),
                evidence="{}",
                created_at=NOW,
                created_by_id=world.leader.staff_id,
            )
        )
        uow.commit()

    view, _ = goals.edit_goal(
        make_uow(),
        clock,
        world.leader,
        goal_id,
        "interval",
        EvaluationInterval(4, IntervalUnit.WEEKS),
        today=TODAY,
    )

    assert (view.interval.count, view.interval.unit) == (4, IntervalUnit.WEEKS)
    assert view.next_evaluation_on == date(2026, 12, 8)


def test_edit_sub_goal_keeps_a_revision(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(make_uow, world.plan.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)

    view, changed = goals.edit_sub_goal(
        make_uow(), clock, world.member, sub_id, "scoring_frequency", "per_shift"
    )

    assert changed
    assert (view.scoring_frequency, view.version) == (ScoringFrequency.PER_SHIFT, 2)
    [revision] = all_revisions(make_uow)
    assert (revision.goal_id, revision.sub_goal_id, revision.change) == (None, sub_id, "edit")
    assert json.loads(revision.snapshot)["scoring_frequency"] == "daily"
    with pytest.raises(NotAllowed):
        goals.edit_sub_goal(make_uow(), clock, world.colleague, sub_id, "method", "Andet")


# --- ending -------------------------------------------------------------------------------


def test_ending_a_goal_ends_its_active_sub_goals(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(make_uow, world.plan.resident, NOW)
    first = goal_factories.sub_goal(make_uow, goal_id, NOW)
    second = goal_factories.sub_goal(make_uow, goal_id, NOW, text="Andet delmål")

    view, ended = goals.end_goal(make_uow(), clock, world.leader, goal_id, "Nået", today=TODAY)

    assert (view.status, view.ended_on, view.end_reason, view.version, ended) == (
        "ended",
        TODAY,
        "Nået",
        2,
        2,
    )
    assert view.sub_goals == ()  # no active ones left
    with Session(make_uow.engine) as session:
        subs = list(session.exec(select(SubGoal).order_by(col(SubGoal.id))))
    assert [(s.id, s.status, s.ended_on, s.end_reason) for s in subs] == [
        (first, "ended", TODAY, "Nået"),
        (second, "ended", TODAY, "Nået"),
    ]
    assert [(r.goal_id, r.sub_goal_id, r.change) for r in all_revisions(make_uow)] == [
        (goal_id, None, "end"),
        (None, first, "end"),
        (None, second, "end"),
    ]
    with pytest.raises(Conflict) as caught:
        goals.end_goal(make_uow(), clock, world.leader, goal_id, "Igen", today=TODAY)
    assert caught.value.text_key == "plans.goal_ended"
    with pytest.raises(Conflict):
        goals.create_sub_goal(
            make_uow(),
            clock,
            world.leader,
            goal_id,
            SubGoalDraft("Nyt", "", "Metode", ScoringFrequency.DAILY),
            today=TODAY,
        )


def test_ending_a_sub_goal_needs_a_reason(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_id = goal_factories.goal(make_uow, world.plan.resident, NOW)
    sub_id = goal_factories.sub_goal(make_uow, goal_id, NOW)

    with pytest.raises(InvalidInput):
        goals.end_sub_goal(make_uow(), clock, world.member, sub_id, "  ", today=TODAY)
    view = goals.end_sub_goal(
        make_uow(), clock, world.member, sub_id, "Ikke relevant længere", today=TODAY
    )

    assert (view.status, view.end_reason) == ("ended", "Ikke relevant længere")
    with make_uow() as uow:
        parent = uow.goals.get(goal_id)
        assert parent is not None
        assert parent.status == "active"


# --- the plan and the kontaktteam ---------------------------------------------------------


def test_show_plan_audits_the_read_and_flags_missing_areas(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    goal_factories.goal(make_uow, world.plan.resident, NOW, mandatory_area="skole")

    seen_by_colleague = goals.show_plan(make_uow(), clock, world.colleague, world.plan.resident)
    seen_by_member = goals.show_plan(make_uow(), clock, world.member, world.plan.resident)

    assert seen_by_colleague.missing == (MandatoryArea.SOCIALE_RELATIONER,)
    assert (seen_by_colleague.can_edit, seen_by_member.can_edit) == (False, True)
    assert audit(make_uow, "plan") == [
        ("read", world.colleague.staff_id, "goals=1"),
        ("read", world.member.staff_id, "goals=1"),
    ]
    with pytest.raises(NotAllowed):
        goals.show_plan(make_uow(), clock, world.stranger_leader, world.plan.resident)


def test_leader_changes_the_kontaktteam(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World
) -> None:
    resident, anne = world.plan.resident, world.plan.other_staff

    view, name, changed = goals.change_contact_team(
        make_uow(), clock, world.leader, resident, anne, "add", today=TODAY
    )
    _, _, changed_again = goals.change_contact_team(
        make_uow(), clock, world.leader, resident, anne, "add", today=TODAY
    )

    assert (name, changed, changed_again) == ("Anne", True, False)
    assert [(m.name, m.on_team) for m in view.members] == [
        ("Anne", True),
        ("Bo", True),
        ("Karen", False),
    ]
    assert goals.owned_plan(make_uow(), world.colleague, resident).label == "Mia"
    goals.change_contact_team(
        make_uow(), clock, world.leader, resident, anne, "remove", today=TODAY
    )
    with pytest.raises(NotAllowed):
        goals.owned_plan(make_uow(), world.colleague, resident)
    assert audit(make_uow, "contact_team") == [
        ("update", world.leader.staff_id, "add"),
        ("update", world.leader.staff_id, "remove"),
    ]


@pytest.mark.parametrize(
    ("who", "staff", "key"),
    [
        pytest.param("member", "colleague", "plans.not_leader", id="medarbejder"),
        pytest.param("stranger_leader", "colleague", "error.not_allowed", id="other-leader"),
        pytest.param("leader", "other_staff", "plans.team_not_eligible", id="other-dep-staff"),
    ],
)
def test_kontaktteam_changes_are_checked(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: World, who: str, staff: str, key: str
) -> None:
    staff_id = world.other_staff if staff == "other_staff" else world.colleague.staff_id

    with pytest.raises(NotAllowed) as caught:
        goals.change_contact_team(
            make_uow(),
            clock,
            getattr(world, who),
            world.plan.resident,
            staff_id,
            "add",
            today=TODAY,
        )

    assert caught.value.text_key == key
    assert audit(make_uow, "contact_team") == []
