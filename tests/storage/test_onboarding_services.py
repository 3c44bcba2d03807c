"""Substitute onboarding use cases (issue 5) on a migrated database, SQLite and PostgreSQL.

Invites with a substitute's terms, joining, ticking steps, briefs, the leader's overview,
access ends and the checklist import: through the services, no mocks.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.onboarding import DEFAULT_CHECKLIST, StepOwner, StepTemplate
from bot.services import onboarding, staff
from bot.services.imports import ImportResult
from bot.services.onboarding import SubstituteInvite
from bot.storage.models import (
    AuditEvent,
    BriefRead,
    DiaryNote,
    DiaryType,
    Invite,
    InviteResident,
    OnboardingStep,
    OnboardingTemplate,
    Resident,
    Substitute,
)
from bot.storage.onboarding_repositories import template_of
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import plain
from tests import factories, goal_factories

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 23.11.2026, 10:00 in Copenhagen
TODAY = date(2026, 11, 23)
START = date(2026, 11, 30)  # the substitute's first day
END = date(2027, 2, 28)  # their last day of access
TTL = timedelta(days=7)
JOIN_TIMEOUT = 120  # seconds; only reached if a thread hangs, which is itself a failure

# Telegram ids of who acts.
COLLEAGUE = 42  # medarbejder, Afd A
LEADER = 45  # afdelingsleder, Afd A
LEADER_B = 46  # afdelingsleder, Afd B
TOP = 47  # tilbudsleder (in Afd A, sees everything)
VIKAR = 60  # the substitute who joins in most tests
VIKAR_2 = 61
VIKAR_3 = 62
VIKAR_B = 63

# Due dates of the default checklist for a substitute starting 30.11.2026.
DEFAULT_DUE = {
    "bureau_tjek": date(2026, 11, 30),
    "introforloeb": date(2026, 11, 30),
    "regler": date(2026, 11, 30),
    "voksenansvar": date(2026, 11, 30),
    "overlevering": date(2026, 12, 1),
    "foel": date(2026, 12, 7),
    "dokumentation": date(2026, 12, 14),
    "konflikt": date(2027, 1, 29),
    "vikarmoede": date(2027, 2, 28),
}

T = TypeVar("T")


@dataclass(frozen=True)
class World:
    """Afd A: Mia, Noah, Ida (moved out). Afd B: Bo. A leader per department, a tilbudsleder."""

    make_uow: UnitOfWorkFactory
    dep_a: int
    dep_b: int
    mia: int
    noah: int
    ida: int
    bo: int
    colleague: int
    leader: int
    leader_b: int
    top: int


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> World:
    dep_a = factories.department(make_uow, "Afd A", NOW)
    dep_b = factories.department(make_uow, "Afd B", NOW)
    return World(
        make_uow=make_uow,
        dep_a=dep_a,
        dep_b=dep_b,
        mia=factories.resident(make_uow, "Mia", dep_a, NOW),
        noah=factories.resident(make_uow, "Noah", dep_a, NOW),
        ida=factories.resident(make_uow, "Ida", dep_a, NOW, moved_out_on=date(2026, 10, 1)),
        bo=factories.resident(make_uow, "Bo", dep_b, NOW),
        colleague=factories.staff(make_uow, COLLEAGUE, Role.MEDARBEJDER, [dep_a], NOW, name="Carl"),
        leader=factories.staff(make_uow, LEADER, Role.AFDELINGSLEDER, [dep_a], NOW, name="Lene L"),
        leader_b=factories.staff(
            make_uow, LEADER_B, Role.AFDELINGSLEDER, [dep_b], NOW, name="Bent B"
        ),
        top=factories.staff(make_uow, TOP, Role.TILBUDSLEDER, [dep_a], NOW, name="Tove T"),
    )


# --- helpers --------------------------------------------------------------------------------


def actor(world: World, telegram_id: int) -> Actor:
    with world.make_uow() as uow:
        found = uow.staff.actor(telegram_id)
    assert found is not None
    return found


def at(day: date, hour: int = 10, minute: int = 0) -> FixedClock:
    """A clock at a Copenhagen wall-clock time."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return FixedClock(local.astimezone(UTC))


def terms(
    residents: Sequence[int],
    *,
    agency: bool = False,
    starts_on: date = START,
    ends_on: date = END,
) -> SubstituteInvite:
    return SubstituteInvite(starts_on, ends_on, agency, tuple(residents))


def invite(
    world: World,
    wanted: SubstituteInvite,
    *,
    who: int = LEADER,
    department: int | None = None,
) -> str:
    """A leader invites a substitute; return the code."""
    made = staff.create_invite(
        world.make_uow(),
        FixedClock(NOW),
        actor(world, who),
        Role.VIKAR,
        department_id=department or world.dep_a,
        ttl=TTL,
        substitute=wanted,
        today=TODAY,
    )
    return made.code


def join(world: World, code: str, telegram_id: int = VIKAR, name: str = "Vera V") -> staff.Joined:
    return staff.join_with_code(world.make_uow(), FixedClock(NOW), code, telegram_id, name)


def onboard(
    world: World,
    *,
    telegram_id: int = VIKAR,
    name: str = "Vera V",
    residents: Sequence[int] | None = None,
    agency: bool = False,
    starts_on: date = START,
    ends_on: date = END,
    who: int = LEADER,
    department: int | None = None,
) -> int:
    """Invite a substitute and let them join; return their staff id."""
    wanted = terms(
        (world.mia, world.noah) if residents is None else residents,
        agency=agency,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    code = invite(world, wanted, who=who, department=department)
    return join(world, code, telegram_id, name).actor.staff_id


def steps(world: World, staff_id: int) -> dict[tuple[str, int], OnboardingStep]:
    """Return a substitute's steps by (template code, occurrence), in the order made."""
    with world.make_uow() as uow:
        rows = uow.session.exec(
            select(OnboardingTemplate.code, OnboardingStep)
            .join(OnboardingTemplate, col(OnboardingTemplate.id) == col(OnboardingStep.template_id))
            .where(OnboardingStep.staff_id == staff_id)
            .order_by(col(OnboardingStep.id))
        ).all()
        uow.session.expunge_all()  # kept readable after the unit of work rolls back
        return {(code, step.occurrence): step for code, step in rows}


def step_id(world: World, staff_id: int, code: str, occurrence: int = 1) -> int:
    found = steps(world, staff_id)[(code, occurrence)].id
    assert found is not None
    return found


def tick(world: World, who: int, step: int, clock: FixedClock | None = None) -> onboarding.StepDone:
    return onboarding.complete_step(
        world.make_uow(), clock or FixedClock(NOW), TZ, actor(world, who), step
    )


def change(
    world: World, staff_id: int, action: str, who: int = LEADER, clock: FixedClock | None = None
) -> onboarding.AccessChanged:
    return onboarding.change_access(
        world.make_uow(), clock or FixedClock(NOW), TZ, actor(world, who), staff_id, action
    )


def open_briefs(world: World, staff_id: int, telegram_id: int = VIKAR) -> None:
    """Do every gating step: the leader's and the substitute's own."""
    for step in steps(world, staff_id).values():
        if step.gates_briefs and step.occurrence == 1 and step.done_on is None:
            assert step.id is not None
            tick(world, LEADER if step.owner == "leder" else telegram_id, step.id)


def audit(engine: Engine, entity: str) -> list[tuple[str, int | None, int | None, int | None]]:
    """Return (action, actor, entity id, resident) of one kind of audit events."""
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(col(AuditEvent.id))
        )
        return [(e.action, e.actor_id, e.entity_id, e.resident_id) for e in rows]


def details(engine: Engine, entity: str) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(col(AuditEvent.id))
        )
        return [e.detail for e in rows]


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def run_at_once(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run work(index) in n threads released together; return results or exceptions."""
    barrier = threading.Barrier(n)
    results: list[T | BaseException] = [RuntimeError("not run")] * n

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[index] = work(index)
        except BaseException as exc:  # reported, not lost in the thread
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


# --- the seeded checklist -------------------------------------------------------------------


def test_the_migration_seeds_the_default_checklist(world: World) -> None:
    with world.make_uow() as uow:
        rows = [
            (template_of(row), row.active, row.position)
            for row in uow.onboarding.templates(include_inactive=True)
        ]
    assert [t for t, _, _ in rows] == list(DEFAULT_CHECKLIST)
    assert all(active for _, active, _ in rows)
    assert [p for _, _, p in rows] == [10 * i for i in range(1, len(rows) + 1)]


def test_the_checklist_is_for_leaders(world: World) -> None:
    for who in (LEADER, TOP):
        assert onboarding.checklist_template(world.make_uow(), actor(world, who)) == list(
            DEFAULT_CHECKLIST
        )
    with pytest.raises(NotAllowed) as raised:
        onboarding.checklist_template(world.make_uow(), actor(world, COLLEAGUE))
    assert raised.value.text_key == "onboarding.leaders_only"


# --- inviting ---------------------------------------------------------------------------------


def test_a_leader_invites_a_substitute_for_two_residents(backend: Engine, world: World) -> None:
    invite(world, terms((world.noah, world.mia), agency=True))

    with Session(backend) as session:
        [row] = session.exec(select(Invite)).all()
        assert (row.role, row.department_id, row.created_by_id) == (
            "vikar",
            world.dep_a,
            world.leader,
        )
        assert (row.starts_on, row.access_ends_on, row.agency) == (START, END, True)
        assert row.used_at is None
        assigned = session.exec(
            select(InviteResident.resident_id).where(InviteResident.invite_id == row.id)
        ).all()
    assert sorted(assigned) == sorted([world.mia, world.noah])
    assert audit(backend, "invite") == [("create", world.leader, row.id, None)]


def test_the_residents_a_leader_may_pick_live_in_the_department(world: World) -> None:
    rows = onboarding.department_residents(world.make_uow(), actor(world, LEADER), world.dep_a)
    assert list(rows) == [(world.mia, "Mia"), (world.noah, "Noah")]  # not Ida: moved out
    top = onboarding.department_residents(world.make_uow(), actor(world, TOP), world.dep_b)
    assert list(top) == [(world.bo, "Bo")]
    for who, department in ((LEADER, world.dep_b), (COLLEAGUE, world.dep_a)):
        with pytest.raises(NotAllowed):
            onboarding.department_residents(world.make_uow(), actor(world, who), department)


def test_a_resident_of_another_department_is_refused_and_nothing_is_written(
    backend: Engine, world: World
) -> None:
    with pytest.raises(InvalidInput) as raised:
        invite(world, terms((world.mia, world.bo)))
    assert raised.value.text_key == "onboarding.resident_other_department"
    assert raised.value.params == {"name": "Bo"}
    assert count(backend, Invite) == 0
    assert count(backend, InviteResident) == 0
    assert audit(backend, "invite") == []


def test_a_resident_who_moved_out_is_refused_and_nothing_is_written(
    backend: Engine, world: World
) -> None:
    with pytest.raises(NotFound) as raised:
        invite(world, terms((world.mia, world.ida)))
    assert raised.value.text_key == "onboarding.resident_gone"
    assert count(backend, Invite) == 0
    assert count(backend, InviteResident) == 0


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "residents", "key"),
    [
        pytest.param(TODAY, TODAY - timedelta(days=1), True, "onboarding.end_in_past", id="past"),
        pytest.param(
            START, START - timedelta(days=1), True, "onboarding.end_before_start", id="before"
        ),
        pytest.param(
            START, START + timedelta(days=367), True, "onboarding.end_too_far", id="too-far"
        ),
        pytest.param(
            TODAY - timedelta(days=31), END, True, "onboarding.start_too_early", id="old-start"
        ),
        pytest.param(START, END, False, "onboarding.no_residents", id="no-residents"),
    ],
)
def test_terms_that_cannot_be_used_are_refused_and_nothing_is_written(
    backend: Engine,
    world: World,
    starts_on: date,
    ends_on: date,
    residents: bool,
    key: str,
) -> None:
    chosen = (world.mia,) if residents else ()
    with pytest.raises(InvalidInput) as raised:
        invite(world, terms(chosen, starts_on=starts_on, ends_on=ends_on))
    assert raised.value.text_key == key
    assert count(backend, Invite) == 0


def test_the_boundaries_of_the_terms_are_allowed(backend: Engine, world: World) -> None:
    # A start 30 days back, ending today; and a year and a day from the start.
    invite(world, terms((world.mia,), starts_on=TODAY - timedelta(days=30), ends_on=TODAY))
    invite(world, terms((world.noah,), starts_on=START, ends_on=START + timedelta(days=366)))
    assert count(backend, Invite) == 2


def test_who_may_invite_a_substitute_where(backend: Engine, world: World) -> None:
    with pytest.raises(NotAllowed):
        invite(world, terms((world.mia,)), who=COLLEAGUE)
    with pytest.raises(NotAllowed):  # a leader of Afd A into Afd B
        invite(world, terms((world.bo,)), department=world.dep_b)
    assert count(backend, Invite) == 0
    invite(world, terms((world.bo,)), who=TOP, department=world.dep_b)
    invite(world, terms((world.bo,)), who=LEADER_B, department=world.dep_b)
    assert count(backend, Invite) == 2


def test_terms_belong_on_a_substitute_invite_only(world: World) -> None:
    with pytest.raises(ValueError, match="vikar invite"):
        staff.create_invite(
            world.make_uow(),
            FixedClock(NOW),
            actor(world, LEADER),
            Role.MEDARBEJDER,
            department_id=world.dep_a,
            ttl=TTL,
            substitute=terms((world.mia,)),
            today=TODAY,
        )


# --- joining ----------------------------------------------------------------------------------


def test_joining_makes_a_substitute_with_residents_steps_and_an_access_end(
    backend: Engine, world: World
) -> None:
    code = invite(world, terms((world.mia, world.noah)))

    joined = join(world, code)

    me = joined.actor
    assert (me.role, me.display_name, me.access_ends_on) == (Role.VIKAR, "Vera V", END)
    assert me.assigned_resident_ids == frozenset({world.mia, world.noah})
    assert me.department_ids == frozenset({world.dep_a})
    assert not joined.already_registered
    assert me.has_access(TODAY)
    assert me.has_access(END)
    assert not me.has_access(END + timedelta(days=1))
    # The actor loaded afresh says the same.
    assert actor(world, VIKAR) == me
    with Session(backend) as session:
        sub = session.get(Substitute, me.staff_id)
        assert sub is not None
        assert (sub.starts_on, sub.agency, sub.invited_by_id) == (START, False, world.leader)
        [used] = session.exec(select(Invite)).all()
        assert (used.used_by_id, used.used_at) == (me.staff_id, NOW)
    got = steps(world, me.staff_id)
    expected = {code: due for code, due in DEFAULT_DUE.items() if code != "bureau_tjek"}
    assert {code: s.due_on for (code, _), s in got.items()} == expected
    assert all(occurrence == 1 for _, occurrence in got)
    assert all(s.done_on is None for s in got.values())
    # Each step is a copy of its checklist step.
    by_code = {t.code: t for t in DEFAULT_CHECKLIST}
    for (code, _), s in got.items():
        t = by_code[code]
        assert (s.title, s.owner, s.gates_briefs, s.kind, s.recurs_months) == (
            t.title,
            t.owner.value,
            t.gates_briefs,
            t.kind,
            t.recurs_months,
        ), code


def test_an_agency_substitute_also_gets_the_agency_check(world: World) -> None:
    me = onboard(world, agency=True, residents=(world.mia,))

    got = steps(world, me)
    assert {code: s.due_on for (code, _), s in got.items()} == DEFAULT_DUE
    check = got[("bureau_tjek", 1)]
    assert (check.owner, check.gates_briefs) == ("leder", True)
    assert actor(world, VIKAR).assigned_resident_ids == frozenset({world.mia})


def test_a_start_in_the_past_gives_overdue_steps(world: World) -> None:
    start = TODAY - timedelta(days=10)
    me = onboard(world, starts_on=start)
    got = steps(world, me)
    assert got[("regler", 1)].due_on == start
    assert got[("foel", 1)].due_on == start + timedelta(days=7)
    checklist = onboarding.my_checklist(world.make_uow(), FixedClock(NOW), TZ, actor(world, VIKAR))
    assert [s.title for s in checklist.overdue] == [
        "Introforløb for tilkaldevikarer",
        "Læst: selv- og medbestemmelse, forebyggelse af overgreb, alenearbejde",
        "E-learning: Lov om voksenansvar",
        "Overlevering: læs briefen om hver beboer",
        "Føl-dage med en fastansat kollega",
    ]


def test_permanent_staff_cannot_use_a_substitute_invite(backend: Engine, world: World) -> None:
    code = invite(world, terms((world.mia,)))

    with pytest.raises(Conflict) as raised:
        join(world, code, COLLEAGUE, "Carl")

    assert raised.value.text_key == "onboarding.invite_not_for_staff"
    me = actor(world, COLLEAGUE)
    assert (me.role, me.access_ends_on) == (Role.MEDARBEJDER, None)
    assert count(backend, Substitute) == 0
    assert count(backend, OnboardingStep) == 0
    with Session(backend) as session:
        [row] = session.exec(select(Invite)).all()
        assert row.used_at is None  # still usable by the substitute it was meant for
    join(world, code)
    assert count(backend, Substitute) == 1


def test_a_substitute_invited_again_keeps_their_checklist(backend: Engine, world: World) -> None:
    me = onboard(world, residents=(world.mia,))
    tick(world, VIKAR, step_id(world, me, "regler"))
    before = {key: (s.due_on, s.done_on) for key, s in steps(world, me).items()}
    later = END + timedelta(days=30)

    code = invite(world, terms((world.noah,), starts_on=TODAY, ends_on=later))
    joined = join(world, code)

    assert joined.already_registered
    assert joined.actor.staff_id == me
    assert joined.actor.assigned_resident_ids == frozenset({world.mia, world.noah})
    assert joined.actor.access_ends_on == later
    assert {key: (s.due_on, s.done_on) for key, s in steps(world, me).items()} == before
    assert count(backend, Substitute) == 1


# --- ticking steps ----------------------------------------------------------------------------


def test_the_substitute_ticks_their_own_step(backend: Engine, world: World) -> None:
    me = onboard(world)
    regler = step_id(world, me, "regler")

    done = tick(world, VIKAR, regler)

    assert (done.step.id, done.step.done_on, done.step.done_by_id) == (regler, TODAY, me)
    assert (done.next_due, done.substitute_id, done.substitute_name) == (None, me, "Vera V")
    stored = steps(world, me)[("regler", 1)]
    assert (stored.done_on, stored.done_by_id, stored.done_at) == (TODAY, me, NOW)
    assert audit(backend, "onboarding_step") == [("update", me, regler, None)]
    # Nothing else was ticked.
    assert [key for key, s in steps(world, me).items() if s.done_on] == [("regler", 1)]


def test_a_leaders_step_is_confirmed_by_the_leader_not_the_substitute(
    backend: Engine, world: World
) -> None:
    me = onboard(world)
    intro = step_id(world, me, "introforloeb")

    with pytest.raises(NotAllowed) as raised:
        tick(world, VIKAR, intro)
    assert raised.value.text_key == "onboarding.leader_step"
    assert steps(world, me)[("introforloeb", 1)].done_on is None

    done = tick(world, LEADER, intro)
    assert (done.step.done_on, done.step.done_by_id) == (TODAY, world.leader)
    assert audit(backend, "onboarding_step") == [("update", world.leader, intro, None)]


def test_a_leader_cannot_tick_the_substitutes_own_step(world: World) -> None:
    me = onboard(world)
    with pytest.raises(NotAllowed) as raised:
        tick(world, LEADER, step_id(world, me, "regler"))
    assert raised.value.text_key == "onboarding.substitute_step"


def test_the_tilbudsleder_confirms_a_leaders_step(world: World) -> None:
    me = onboard(world)
    done = tick(world, TOP, step_id(world, me, "konflikt"))
    assert done.step.done_by_id == world.top


@pytest.mark.parametrize("who", [LEADER_B, COLLEAGUE], ids=["other-leader", "medarbejder"])
def test_others_cannot_tick_a_substitutes_steps(backend: Engine, world: World, who: int) -> None:
    me = onboard(world)
    for code in ("introforloeb", "regler"):
        with pytest.raises(NotAllowed) as raised:
            tick(world, who, step_id(world, me, code))
        assert raised.value.text_key == "error.not_allowed"
    assert all(s.done_on is None for s in steps(world, me).values())
    assert audit(backend, "onboarding_step") == []


def test_another_substitute_cannot_tick_my_steps(world: World) -> None:
    me = onboard(world)
    onboard(world, telegram_id=VIKAR_2, name="Alma A")
    with pytest.raises(NotAllowed) as raised:
        tick(world, VIKAR_2, step_id(world, me, "regler"))
    assert raised.value.text_key == "error.not_allowed"


def test_an_unknown_step_says_no_more_than_a_forbidden_one(world: World) -> None:
    onboard(world)
    with pytest.raises(NotAllowed) as raised:
        tick(world, LEADER, 987654)
    assert raised.value.text_key == "error.not_allowed"


def test_a_second_tick_says_who_was_first(backend: Engine, world: World) -> None:
    me = onboard(world)
    intro = step_id(world, me, "introforloeb")
    tick(world, LEADER, intro)

    with pytest.raises(Conflict) as raised:
        tick(world, TOP, intro, clock=at(TODAY + timedelta(days=1)))

    assert raised.value.text_key == "onboarding.already_done"
    assert raised.value.params == {"name": "Lene L", "date": "23.11.2026"}
    assert steps(world, me)[("introforloeb", 1)].done_by_id == world.leader
    assert len(audit(backend, "onboarding_step")) == 1


def test_the_brief_step_cannot_be_ticked_by_hand(world: World) -> None:
    me = onboard(world)
    with pytest.raises(Conflict) as raised:
        tick(world, VIKAR, step_id(world, me, "overlevering"))
    assert raised.value.text_key == "onboarding.brief_step"
    assert steps(world, me)[("overlevering", 1)].done_on is None


def test_the_vikarmoede_recurs_six_months_after_its_due_date(backend: Engine, world: World) -> None:
    me = onboard(world)
    first = step_id(world, me, "vikarmoede")

    done = tick(world, LEADER, first)

    assert done.next_due == date(2027, 8, 28)  # 28.2.2027 + 6 months
    got = steps(world, me)
    second = got[("vikarmoede", 2)]
    assert (second.due_on, second.done_on, second.owner, second.title) == (
        date(2027, 8, 28),
        None,
        "leder",
        "Vikarmøde",
    )
    assert len([key for key in got if key[0] == "vikarmoede"]) == 2
    # The next one in turn, ticked on its day, gives the one after it.
    assert second.id is not None
    again = tick(world, LEADER, second.id, clock=at(date(2027, 8, 28)))
    assert again.next_due == date(2028, 2, 28)
    assert steps(world, me)[("vikarmoede", 3)].due_on == date(2028, 2, 28)


def test_a_meeting_long_overdue_gets_its_next_occurrence_ahead(world: World) -> None:
    me = onboard(world)
    done = tick(world, LEADER, step_id(world, me, "vikarmoede"), clock=at(date(2027, 9, 10)))
    assert done.next_due == date(2028, 2, 28)  # 28.8.2027 is already past
    assert steps(world, me)[("vikarmoede", 2)].due_on == date(2028, 2, 28)


def test_ticks_at_once_store_one_and_tell_the_others_who(backend: Engine, world: World) -> None:
    me = onboard(world)
    intro = step_id(world, me, "introforloeb")
    who = (LEADER, TOP, LEADER, TOP)

    results = run_at_once(len(who), lambda i: tick(world, who[i], intro))

    done = [r for r in results if isinstance(r, onboarding.StepDone)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(done) == 1, results
    assert len(refused) == len(who) - 1, results
    assert {r.text_key for r in refused} == {"onboarding.already_done"}
    first = steps(world, me)[("introforloeb", 1)].done_by_id
    assert first == done[0].step.done_by_id
    names = {world.leader: "Lene L", world.top: "Tove T"}
    assert {r.params["name"] for r in refused} == {names[first or 0]}
    assert len(audit(backend, "onboarding_step")) == 1


def test_a_recurring_step_ticked_at_once_has_one_next_occurrence(
    backend: Engine, world: World
) -> None:
    me = onboard(world)
    meeting = step_id(world, me, "vikarmoede")

    results = run_at_once(2, lambda i: tick(world, (LEADER, TOP)[i], meeting))

    assert sum(isinstance(r, onboarding.StepDone) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert sorted(key for key in steps(world, me) if key[0] == "vikarmoede") == [
        ("vikarmoede", 1),
        ("vikarmoede", 2),
    ]


# --- the checklists -------------------------------------------------------------------------


def test_my_checklist_shows_my_steps_residents_and_who_ticked(world: World) -> None:
    me = onboard(world, agency=True)
    tick(world, LEADER, step_id(world, me, "bureau_tjek"))
    tick(world, VIKAR, step_id(world, me, "regler"))

    mine = onboarding.my_checklist(world.make_uow(), FixedClock(NOW), TZ, actor(world, VIKAR))

    assert (mine.staff_id, mine.name, mine.starts_on, mine.agency, mine.access_ends_on) == (
        me,
        "Vera V",
        START,
        True,
        END,
    )
    assert len(mine.steps) == len(DEFAULT_CHECKLIST)
    assert [(r.resident_id, r.name, r.read_at) for r in mine.residents] == [
        (world.mia, "Mia", None),
        (world.noah, "Noah", None),
    ]
    assert mine.names == {world.leader: "Lene L", me: "Vera V"}
    assert not mine.briefs_open
    assert [s.title for s in mine.missing_gates] == [
        "Introforløb for tilkaldevikarer",
        "E-learning: Lov om voksenansvar",
    ]
    assert mine.overdue == []  # nothing is due before 30.11

    with pytest.raises(NotAllowed) as raised:
        onboarding.my_checklist(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER))
    assert raised.value.text_key == "onboarding.not_substitute"


def test_a_leader_opens_a_substitutes_checklist_in_their_departments(world: World) -> None:
    me = onboard(world)
    for who in (LEADER, TOP):
        seen = onboarding.substitute_checklist(
            world.make_uow(), FixedClock(NOW), TZ, actor(world, who), me
        )
        assert (seen.staff_id, len(seen.steps)) == (me, len(DEFAULT_CHECKLIST) - 1)
    for who in (LEADER_B, COLLEAGUE, VIKAR):
        with pytest.raises(NotAllowed):
            onboarding.substitute_checklist(
                world.make_uow(), FixedClock(NOW), TZ, actor(world, who), me
            )


# --- briefs -----------------------------------------------------------------------------------


def diary_type(world: World, name: str) -> int:
    with world.make_uow() as uow:
        found = uow.session.exec(select(DiaryType.id).where(DiaryType.name == name)).one()
    assert found is not None
    return found


def seed_plan_and_notes(world: World) -> None:
    """Mia: two active goals (one with an active and an ended sub-goal), an ended goal, and
    notes of several diary types; Noah: a goal and a note that must not show in Mia's brief."""
    make = world.make_uow
    school = goal_factories.goal(make, world.mia, NOW, text="Mia går i skole hver dag")
    goal_factories.sub_goal(make, school, NOW, text="Mia møder til første time")
    goal_factories.sub_goal(
        make,
        school,
        NOW,
        text="Mia spiser morgenmad",
        status="ended",
        ended_on=date(2026, 10, 1),
    )
    goal_factories.goal(
        make,
        world.mia,
        NOW,
        text="Gammelt mål",
        start_date=date(2025, 9, 1),
        status="ended",
        ended_on=date(2026, 6, 1),
    )
    goal_factories.goal(
        make, world.mia, NOW, text="Mia siger til og fra", start_date=date(2026, 10, 1)
    )
    goal_factories.goal(make, world.noah, NOW, text="Noah cykler selv")
    komm = diary_type(world, "Kommunikationsforhold")
    ipel = diary_type(world, "Indflydelse på eget liv")
    family = diary_type(world, "Familieforhold")
    notes = [
        (world.mia, komm, "k1", NOW - timedelta(days=4), False),
        (world.mia, komm, "k2", NOW - timedelta(days=3), False),
        (world.mia, komm, "k3", NOW - timedelta(days=2), False),
        (world.mia, komm, "k4", NOW - timedelta(days=1), False),
        (world.mia, komm, "k5 deleted", NOW - timedelta(hours=1), True),
        (world.mia, ipel, "i1", NOW - timedelta(days=5), False),
        (world.mia, family, "f1", NOW - timedelta(hours=2), False),
        (world.noah, komm, "n1", NOW - timedelta(hours=3), False),
    ]
    with Session(make.engine) as session:
        for resident, kind, text, written, deleted in notes:
            session.add(
                DiaryNote(
                    resident_id=resident,
                    diary_type_id=kind,
                    author_id=world.colleague,
                    text=text,
                    created_at=written,
                    deleted=deleted,
                    deleted_at=written if deleted else None,
                )
            )
        session.commit()


def read(world: World, resident: int, who: int = VIKAR) -> onboarding.Brief:
    return onboarding.read_brief(world.make_uow(), FixedClock(NOW), actor(world, who), resident)


def confirm(
    world: World, resident: int, clock: FixedClock | None = None
) -> onboarding.BriefConfirmed:
    return onboarding.confirm_brief(
        world.make_uow(), clock or FixedClock(NOW), TZ, actor(world, VIKAR), resident
    )


def test_briefs_stay_locked_until_the_gating_steps_are_done(backend: Engine, world: World) -> None:
    me = onboard(world, agency=True)
    tick(world, VIKAR, step_id(world, me, "regler"))

    with pytest.raises(NotAllowed) as raised:
        read(world, world.mia)

    assert raised.value.text_key == "onboarding.brief_locked"
    assert raised.value.params == {
        "steps": "Bureauvikar: kompetencer bekræftet; Introforløb for tilkaldevikarer; "
        "E-learning: Lov om voksenansvar"
    }
    with pytest.raises(NotAllowed) as confirming:
        confirm(world, world.mia)
    assert confirming.value.text_key == "onboarding.brief_locked"
    assert audit(backend, "brief") == []
    assert count(backend, BriefRead) == 0


def test_an_open_brief_shows_current_goals_methods_and_the_latest_notes(
    backend: Engine, world: World
) -> None:
    seed_plan_and_notes(world)
    me = onboard(world)
    open_briefs(world, me)

    brief = read(world, world.mia)

    assert (brief.resident_id, brief.name, brief.read_at) == (world.mia, "Mia", None)
    assert brief.goals == (
        onboarding.BriefGoal(
            "Mia går i skole hver dag",
            (onboarding.BriefSubGoal("Mia møder til første time", "Vækning kl. 7"),),
        ),
        onboarding.BriefGoal("Mia siger til og fra", ()),
    )
    assert [tuple(note) for note in brief.notes] == [
        ("Kommunikationsforhold", NOW - timedelta(days=1), "k4"),
        ("Kommunikationsforhold", NOW - timedelta(days=2), "k3"),
        ("Kommunikationsforhold", NOW - timedelta(days=3), "k2"),
        ("Indflydelse på eget liv", NOW - timedelta(days=5), "i1"),
    ]
    assert audit(backend, "brief") == [("read", me, world.mia, world.mia)]

    noah = read(world, world.noah)
    assert [g.text for g in noah.goals] == ["Noah cykler selv"]
    assert [note[2] for note in noah.notes] == ["n1"]
    read(world, world.mia)
    assert audit(backend, "brief") == [
        ("read", me, world.mia, world.mia),
        ("read", me, world.noah, world.noah),
        ("read", me, world.mia, world.mia),
    ]


def test_a_brief_is_only_for_the_residents_assigned(backend: Engine, world: World) -> None:
    me = onboard(world, residents=(world.mia,))
    open_briefs(world, me)

    for resident in (world.noah, world.bo, world.ida, 987654):
        with pytest.raises(NotAllowed) as raised:
            read(world, resident)
        assert raised.value.text_key == "error.not_allowed"
    with pytest.raises(NotAllowed) as leader:
        read(world, world.mia, who=LEADER)
    assert leader.value.text_key == "onboarding.not_substitute"
    assert audit(backend, "brief") == []


def test_reading_every_brief_completes_the_handover(backend: Engine, world: World) -> None:
    me = onboard(world)
    open_briefs(world, me)
    later = FixedClock(NOW + timedelta(hours=3))

    first = confirm(world, world.mia)
    assert (first.name, first.first_time, first.handover_done) == ("Mia", True, False)
    assert steps(world, me)[("overlevering", 1)].done_on is None
    again = confirm(world, world.mia, clock=later)
    assert (again.first_time, again.handover_done) == (False, False)
    assert read(world, world.mia).read_at == NOW

    last = confirm(world, world.noah, clock=later)

    assert (last.name, last.first_time, last.handover_done) == ("Noah", True, True)
    handover = steps(world, me)[("overlevering", 1)]
    assert (handover.done_on, handover.done_by_id) == (TODAY, me)
    with Session(backend) as session:
        reads = session.exec(select(BriefRead).order_by(col(BriefRead.resident_id))).all()
        stored = [(r.staff_id, r.resident_id, r.first_read_at, r.last_read_at) for r in reads]
    assert stored == [
        (me, world.mia, NOW, later.now()),
        (me, world.noah, later.now(), later.now()),
    ]
    assert [a[3] for a in audit(backend, "brief_read")] == [world.mia, world.mia, world.noah]
    mine = onboarding.my_checklist(world.make_uow(), FixedClock(NOW), TZ, actor(world, VIKAR))
    assert [(r.name, r.read_at) for r in mine.residents] == [
        ("Mia", NOW),
        ("Noah", later.now()),
    ]
    # Confirming once more does not tick anything again.
    assert not confirm(world, world.noah).handover_done


def test_a_resident_who_moved_out_does_not_hold_up_the_handover(world: World) -> None:
    me = onboard(world)
    open_briefs(world, me)
    with world.make_uow() as uow:
        noah = uow.session.get(Resident, world.noah)
        assert noah is not None
        noah.moved_out_on = TODAY
        uow.session.add(noah)
        uow.commit()

    assert confirm(world, world.mia).handover_done
    assert steps(world, me)[("overlevering", 1)].done_on == TODAY


# --- the leader's overview --------------------------------------------------------------------


def overview(world: World, who: int, clock: FixedClock | None = None) -> list[str]:
    found = onboarding.substitutes_overview(
        world.make_uow(), clock or FixedClock(NOW), TZ, actor(world, who)
    )
    return [p.row.name for p in found]


def test_the_overview_shows_the_leaders_substitutes_overdue_first(world: World) -> None:
    vera = onboard(world, starts_on=TODAY - timedelta(days=10))  # steps overdue
    onboard(world, telegram_id=VIKAR_2, name="Alma A")  # starts next week
    anders = onboard(world, telegram_id=VIKAR_3, name="Anders E")
    onboard(
        world,
        telegram_id=VIKAR_B,
        name="Birk B",
        residents=(world.bo,),
        who=LEADER_B,
        department=world.dep_b,
    )
    onboarding.change_access(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), anders, "end"
    )
    tick(world, VIKAR, step_id(world, vera, "regler"))

    assert overview(world, LEADER) == ["Vera V", "Alma A", "Anders E"]
    assert overview(world, LEADER_B) == ["Birk B"]
    assert overview(world, TOP) == ["Vera V", "Alma A", "Birk B", "Anders E"]

    progress = onboarding.substitutes_overview(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER)
    )
    first = progress[0]
    assert (first.row.staff_id, first.done, first.total, first.has_access) == (vera, 1, 8, True)
    assert (first.row.starts_on, first.row.agency, first.row.department_ids) == (
        TODAY - timedelta(days=10),
        False,
        (world.dep_a,),
    )
    assert [s.title for s in first.overdue] == [
        "Introforløb for tilkaldevikarer",
        "E-learning: Lov om voksenansvar",
        "Overlevering: læs briefen om hver beboer",
        "Føl-dage med en fastansat kollega",
    ]
    waiting = [s.title for s in first.waiting_for_leader]
    assert "Introforløb for tilkaldevikarer" in waiting  # overdue and the leader's
    assert "Konflikthåndtering (kursus)" not in waiting  # due in January
    assert all(s.owner is StepOwner.LEDER for s in first.waiting_for_leader)
    assert [p.has_access for p in progress] == [True, True, False]
    assert progress[1].overdue == ()


@pytest.mark.parametrize("who", [COLLEAGUE, VIKAR], ids=["medarbejder", "vikar"])
def test_the_overview_is_for_leaders(world: World, who: int) -> None:
    onboard(world)
    with pytest.raises(NotAllowed) as raised:
        overview(world, who)
    assert raised.value.text_key == "onboarding.leaders_only"


# --- access -----------------------------------------------------------------------------------


def test_a_leader_extends_access_from_the_current_end(backend: Engine, world: World) -> None:
    me = onboard(world)

    week = change(world, me, "w")
    assert (week.staff_id, week.name, week.telegram_user_id) == (me, "Vera V", VIKAR)
    assert (week.access_ends_on, week.ended) == (date(2027, 3, 7), False)
    month = change(world, me, "m", who=TOP)
    assert month.access_ends_on == date(2027, 4, 6)
    assert actor(world, VIKAR).access_ends_on == date(2027, 4, 6)
    assert audit(backend, "access") == [
        ("update", world.leader, me, None),
        ("update", world.top, me, None),
    ]
    assert details(backend, "access") == [
        "extended last_day=2027-03-07",
        "extended last_day=2027-04-06",
    ]


def test_ending_access_now_makes_yesterday_the_last_day(backend: Engine, world: World) -> None:
    me = onboard(world)

    ended = change(world, me, "end")

    yesterday = TODAY - timedelta(days=1)
    assert (ended.access_ends_on, ended.ended) == (yesterday, True)
    them = actor(world, VIKAR)
    assert them.access_ends_on == yesterday
    assert not them.has_access(TODAY)
    assert details(backend, "access") == [f"ended last_day={yesterday}"]

    with pytest.raises(Conflict) as raised:
        change(world, me, "end")
    assert (raised.value.text_key, raised.value.params) == (
        "onboarding.already_ended",
        {"name": "Vera V"},
    )
    assert len(audit(backend, "access")) == 1

    # Extending an ended access counts from today.
    reopened = change(world, me, "w")
    assert reopened.access_ends_on == TODAY + timedelta(days=7)
    assert actor(world, VIKAR).has_access(TODAY)


def test_an_extension_beyond_a_year_is_refused(world: World) -> None:
    me = onboard(world, starts_on=TODAY, ends_on=TODAY + timedelta(days=366))
    with pytest.raises(InvalidInput) as raised:
        change(world, me, "w")
    assert raised.value.text_key == "onboarding.end_too_far"
    assert actor(world, VIKAR).access_ends_on == TODAY + timedelta(days=366)


@pytest.mark.parametrize("who", [COLLEAGUE, LEADER_B, VIKAR], ids=["medarbejder", "other", "self"])
def test_only_the_substitutes_leaders_change_access(
    backend: Engine, world: World, who: int
) -> None:
    me = onboard(world)
    for action in ("end", "w"):
        with pytest.raises(NotAllowed):
            change(world, me, action, who=who)
    assert actor(world, VIKAR).access_ends_on == END
    assert audit(backend, "access") == []


def test_access_changes_are_for_substitutes_and_known_buttons(world: World) -> None:
    me = onboard(world)
    with pytest.raises(NotAllowed):  # a medarbejder has no access end to change
        change(world, world.colleague, "end", who=TOP)
    with pytest.raises(InvalidInput) as raised:
        change(world, me, "x")
    assert raised.value.text_key == "error.bad_button"
    assert actor(world, VIKAR).access_ends_on == END


def test_access_expires_after_the_last_day_in_local_time(world: World) -> None:
    me = onboard(world)
    last_evening = at(END, 23, 30)
    next_night = at(END + timedelta(days=1), 0, 30)  # still 28.2 in UTC
    assert next_night.now().date() == END

    them = actor(world, VIKAR)
    assert them.has_access(END)
    assert not them.has_access(END + timedelta(days=1))
    [before] = onboarding.substitutes_overview(
        world.make_uow(), last_evening, TZ, actor(world, LEADER)
    )
    [after] = onboarding.substitutes_overview(
        world.make_uow(), next_night, TZ, actor(world, LEADER)
    )
    assert (before.row.staff_id, before.has_access) == (me, True)
    assert (after.row.staff_id, after.has_access) == (me, False)
    # Ending access on the last day itself still takes it away at once.
    ended = change(world, me, "end", clock=last_evening)
    assert ended.access_ends_on == END - timedelta(days=1)
    assert not actor(world, VIKAR).has_access(END)


# --- the checklist import ---------------------------------------------------------------------

COLUMNS = (
    "code",
    "title",
    "owner",
    "due_days",
    "description",
    "gates_briefs",
    "recurs_months",
    "agency_only",
    "kind",
)


def checklist_csv(steps_: Sequence[StepTemplate], sep: str = ",") -> str:
    """Write a checklist file the way a leader would (Danish words with semicolons)."""
    danish = sep == ";"
    yes, no = ("ja", "nej") if danish else ("yes", "no")
    owners = (
        {StepOwner.VIKAR: "vikar", StepOwner.LEDER: "leder"}
        if danish
        else {StepOwner.VIKAR: "substitute", StepOwner.LEDER: "leader"}
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in steps_:
        writer.writerow(
            [
                s.code,
                s.title,
                owners[s.owner],
                s.due_days,
                s.description,
                yes if s.gates_briefs else no,
                s.recurs_months or "",
                yes if s.agency_only else no,
                s.kind,
            ]
        )
    return out.getvalue()


def run_import(world: World, text: str) -> ImportResult:
    return onboarding.import_checklist(world.make_uow(), FixedClock(NOW), io.StringIO(text))


def checklist(world: World) -> list[StepTemplate]:
    return onboarding.checklist_template(world.make_uow(), actor(world, LEADER))


def edited_checklist() -> list[StepTemplate]:
    """The default without Dokumentation, Føl-dage moved to day 10, and a new first step."""
    by_code = {s.code: s for s in DEFAULT_CHECKLIST}
    new = StepTemplate(
        "tavshedspligt",
        "Tavshedspligt, underskrevet",
        "Underskriv erklæringen om tavshedspligt.",
        StepOwner.VIKAR,
        -2,
        gates_briefs=True,
    )
    kept = [s for s in DEFAULT_CHECKLIST if s.code != "dokumentation"]
    kept[kept.index(by_code["foel"])] = replace(
        by_code["foel"], due_days=10, title="Føl-dage (tre vagter)"
    )
    return [*kept, new]


def test_the_default_checklist_imports_unchanged(backend: Engine, world: World) -> None:
    result = run_import(world, checklist_csv(DEFAULT_CHECKLIST))
    assert (result.ok, result.created, result.updated, result.unchanged) == (
        True,
        0,
        0,
        len(DEFAULT_CHECKLIST),
    )
    assert checklist(world) == list(DEFAULT_CHECKLIST)


@pytest.mark.parametrize("sep", [",", ";"], ids=["comma", "semicolon"])
def test_a_good_file_replaces_the_checklist(backend: Engine, world: World, sep: str) -> None:
    wanted = edited_checklist()

    result = run_import(world, checklist_csv(wanted, sep))

    assert result.errors == []
    # foel changed; konflikt and vikarmoede moved up a place; five steps as they were.
    assert (result.created, result.updated, result.unchanged) == (1, 3, 5)
    assert checklist(world) == wanted
    with world.make_uow() as uow:
        rows = {
            r.code: (r.active, r.updated_at)
            for r in uow.onboarding.templates(include_inactive=True)
        }
    assert rows["dokumentation"] == (False, NOW)
    assert rows["tavshedspligt"] == (True, NOW)
    assert details(backend, "onboarding_template") == ["import created=1 updated=3 removed=1"]


def test_the_checklist_order_follows_the_file(world: World) -> None:
    wanted = list(reversed(DEFAULT_CHECKLIST))
    result = run_import(world, checklist_csv(wanted, ";"))
    # Only the middle step keeps its place.
    assert (result.created, result.updated, result.unchanged) == (0, 8, 1)
    assert [s.code for s in checklist(world)] == [s.code for s in wanted]

    # A step taken off and put back is active again.
    run_import(world, checklist_csv(edited_checklist()))
    back = run_import(world, checklist_csv(DEFAULT_CHECKLIST))
    # dokumentation back, foel as it was, konflikt and vikarmoede a place down.
    assert (back.created, back.updated, back.unchanged) == (0, 4, 5)
    assert checklist(world) == list(DEFAULT_CHECKLIST)  # without tavshedspligt


BAD_FILE = (
    "code,title,owner,due_days,gates_briefs,kind\n"
    "introforloeb,Intro,leder,0,ja,task\n"  # 2: fine
    "regler,Regler,chef,0,ja,task\n"  # 3: unknown owner
    "Bad Code,Noget,vikar,0,nej,task\n"  # 4: bad code
    "foel,Føl,vikar,ti,nej,task\n"  # 5: due_days not a number
    "introforloeb,Igen,leder,0,nej,task\n"  # 6: the code of line 2
    "overlevering,Læs,vikar,1,ja,brief\n"  # 7: a brief step cannot open the briefs
    "konflikt,Kursus,leder,400,nej,task\n"  # 8: too far from the start
    "moede,Møde,leder,90,maaske,task\n"  # 9: not yes or no
)


def test_bad_rows_are_reported_by_line_and_nothing_is_written(
    backend: Engine, world: World
) -> None:
    me = onboard(world)
    before = {key: s.due_on for key, s in steps(world, me).items()}

    result = run_import(world, BAD_FILE)

    limits = {"low": -366, "high": 366}
    assert result.errors == [
        (3, plain("onboarding.import_owner", "en", value="chef")),
        (4, plain("onboarding.import_code", "en", value="Bad Code", limit=32)),
        (5, plain("onboarding.import_number", "en", value="ti", **limits)),
        (6, plain("onboarding.import_repeated", "en", line=2)),
        (7, plain("onboarding.import_brief_kind", "en")),
        (8, plain("onboarding.import_number", "en", value="400", **limits)),
        (9, plain("onboarding.import_flag", "en", value="maaske")),
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert checklist(world) == list(DEFAULT_CHECKLIST)
    assert details(backend, "onboarding_template") == []
    assert {key: s.due_on for key, s in steps(world, me).items()} == before


NUMBER = {"low": -366, "high": 366}


@pytest.mark.parametrize(
    ("text", "line", "key", "params"),
    [
        pytest.param(
            "code,title,owner,due_days,kind\nlaes,Læs,leder,1,brief\n",
            2,
            "onboarding.import_brief_kind",
            {},
            id="brief-by-a-leader",
        ),
        pytest.param(
            "code,title,owner,due_days,kind,recurs_months\nlaes,Læs,vikar,1,brief,6\n",
            2,
            "onboarding.import_brief_kind",
            {},
            id="brief-that-recurs",
        ),
        pytest.param(
            "code,title,owner,due_days,kind\nx,X,vikar,1,quiz\n",
            2,
            "onboarding.import_kind",
            {"value": "quiz"},
            id="unknown-kind",
        ),
        pytest.param(
            "code,title,owner,due_days\nx,,vikar,1\n",
            2,
            "onboarding.import_title",
            {"limit": 120},
            id="no-title",
        ),
        pytest.param(
            "code,title,owner,due_days\nx,X,vikar,\n",
            2,
            "onboarding.import_number",
            {"value": "", **NUMBER},
            id="no-due-days",
        ),
        pytest.param(
            "code,title,owner,due_days,recurs_months\nx,X,leder,1,25\n",
            2,
            "onboarding.import_number",
            {"value": "25", "low": 1, "high": 24},
            id="recurs-too-seldom",
        ),
        pytest.param(
            f"code,title,owner,due_days\n{'a' * 33},X,vikar,1\n",
            2,
            "onboarding.import_code",
            {"value": "a" * 33, "limit": 32},
            id="code-too-long",
        ),
        pytest.param("code,title,owner,due_days\n", 1, "onboarding.import_empty", {}, id="no-rows"),
        pytest.param(
            "code,title,owner,due_days\n" + "".join(f"s{i},S{i},vikar,{i}\n" for i in range(41)),
            1,
            "onboarding.import_too_many",
            {"limit": 40},
            id="41-steps",
        ),
    ],
)
def test_a_single_problem_writes_nothing(
    backend: Engine, world: World, text: str, line: int, key: str, params: dict[str, object]
) -> None:
    result = run_import(world, text)
    assert result.errors == [(line, plain(key, "en", **params))]
    assert not result.ok
    assert checklist(world) == list(DEFAULT_CHECKLIST)
    assert details(backend, "onboarding_template") == []


@pytest.mark.parametrize(
    ("header", "word"),
    [
        pytest.param("code,title,owner", "due_days", id="missing-column"),
        pytest.param("code,title,owner,due_days,gate_briefs", "gate_briefs", id="misspelt"),
    ],
)
def test_a_bad_header_is_reported_on_line_one(
    backend: Engine, world: World, header: str, word: str
) -> None:
    result = run_import(world, f"{header}\nx,X,vikar,1,ja\n")
    assert [n for n, _ in result.errors] == [1]
    assert word in result.errors[0][1]
    assert checklist(world) == list(DEFAULT_CHECKLIST)
    assert details(backend, "onboarding_template") == []


def test_a_substitute_who_joined_before_an_import_keeps_their_steps(world: World) -> None:
    vera = onboard(world)
    before = {
        key: (s.title, s.owner, s.gates_briefs, s.due_on) for key, s in steps(world, vera).items()
    }

    assert run_import(world, checklist_csv(edited_checklist())).ok

    after = {
        key: (s.title, s.owner, s.gates_briefs, s.due_on) for key, s in steps(world, vera).items()
    }
    assert after == before
    # The step taken off the checklist is still theirs to do.
    tick(world, VIKAR, step_id(world, vera, "dokumentation"))
    # Who joins now gets the new checklist.
    alma = onboard(world, telegram_id=VIKAR_2, name="Alma A")
    got = steps(world, alma)
    assert ("dokumentation", 1) not in got
    assert got[("foel", 1)].due_on == START + timedelta(days=10)
    assert got[("foel", 1)].title == "Føl-dage (tre vagter)"
    assert got[("tavshedspligt", 1)].due_on == START - timedelta(days=2)
    # The new gating step holds up Alma's briefs, not Vera's.
    open_briefs(world, vera)
    assert read(world, world.mia).name == "Mia"
    for code in ("introforloeb", "regler", "voksenansvar"):
        tick(world, LEADER if code == "introforloeb" else VIKAR_2, step_id(world, alma, code))
    with pytest.raises(NotAllowed) as raised:
        read(world, world.mia, who=VIKAR_2)
    assert raised.value.params == {"steps": "Tavshedspligt, underskrevet"}


# --- races (PostgreSQL has no process-wide write lock: rows are locked, or not) -------------


def in_thread(work: Callable[[], T]) -> tuple[threading.Thread, list[T | BaseException]]:
    """Start work in a thread; its result or exception lands in the returned list."""
    out: list[T | BaseException] = []

    def run() -> None:
        try:
            out.append(work())
        except BaseException as exc:  # reported, not lost in the thread
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def let_it_race(backend: Engine, thread: threading.Thread) -> None:
    """Let the racing thread run up to where it waits for the first, uncommitted transaction
    (or, on PostgreSQL, to its end if nothing makes it wait)."""
    if backend.dialect.name != "postgresql":
        thread.join(0.5)  # SQLite: it queues on the write lock until the first commits
        return
    waiting = sa.text(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE NOT l.granted AND a.datname = current_database()"
    )
    deadline = time.monotonic() + JOIN_TIMEOUT
    with backend.connect() as conn:
        while thread.is_alive() and time.monotonic() < deadline:
            if conn.execute(waiting).scalar_one():
                return
            conn.rollback()
            time.sleep(0.01)


def test_opening_the_same_invite_twice_at_once_registers_once(
    backend: Engine, world: World
) -> None:
    code = invite(world, terms((world.mia,)))

    results = run_at_once(3, lambda _: join(world, code))

    joined = [r for r in results if isinstance(r, staff.Joined)]
    assert len(joined) == 3, results
    assert sum(not r.link_reopened for r in joined) == 1
    assert count(backend, Substitute) == 1
    assert len(steps(world, joined[0].actor.staff_id)) == len(DEFAULT_CHECKLIST) - 1


def test_a_brief_confirmed_while_another_confirm_is_uncommitted_is_not_the_first(
    request: pytest.FixtureRequest, backend: Engine, world: World
) -> None:
    me = onboard(world)
    open_briefs(world, me)
    later = FixedClock(NOW + timedelta(minutes=1))
    first = world.make_uow()
    with first:
        assert first.onboarding.record_read(me, world.mia, NOW)  # what confirm_brief does first
        thread, out = in_thread(lambda: confirm(world, world.mia, clock=later))
        let_it_race(backend, thread)
        assert thread.is_alive(), "the second Læst must wait for the first transaction"
        first.commit()
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive()

    [result] = out
    assert isinstance(result, onboarding.BriefConfirmed), result
    assert (result.first_time, result.handover_done) == (False, False)
    with Session(backend) as session:
        [row] = session.exec(select(BriefRead)).all()
        assert (row.first_read_at, row.last_read_at) == (NOW, later.now())


def test_the_last_two_briefs_confirmed_at_once_complete_the_handover(
    request: pytest.FixtureRequest, backend: Engine, world: World
) -> None:
    me = onboard(world)
    open_briefs(world, me)
    first = world.make_uow()
    with first:
        # Mia's Læst has recorded its read and seen Noah's brief unread; not yet committed.
        first.onboarding.record_read(me, world.mia, NOW)
        assert set(first.onboarding.reads([me])[me]) == {world.mia}
        thread, out = in_thread(lambda: confirm(world, world.noah))
        let_it_race(backend, thread)
        first.commit()
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive()

    [result] = out
    assert isinstance(result, onboarding.BriefConfirmed), result
    assert count(backend, BriefRead) == 2
    # Every assigned resident's brief is read: the handover is done.
    assert steps(world, me)[("overlevering", 1)].done_on == TODAY


def test_two_extensions_at_once_both_count(
    request: pytest.FixtureRequest, backend: Engine, world: World
) -> None:
    me = onboard(world)
    first = world.make_uow()
    with first:
        # A leader's "+1 week" has set the new end; not yet committed.
        first.onboarding.set_access_end(me, END + timedelta(days=7))
        thread, out = in_thread(lambda: change(world, me, "w", who=TOP))
        let_it_race(backend, thread)
        assert thread.is_alive(), "the second extension must wait for the first"
        first.commit()
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive()

    [result] = out
    assert isinstance(result, onboarding.AccessChanged), result
    assert result.access_ends_on == END + timedelta(days=14)
    assert actor(world, VIKAR).access_ends_on == END + timedelta(days=14)
