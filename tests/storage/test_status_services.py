"""Status-cycle use cases and the bulk reads of the reminder sweep, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.reminders.rules import MeetingFacts
from bot.services import status
from bot.storage.models import AuditEvent, ResidentMilestone, StatusMeeting, StatusStep
from bot.storage.uow import UnitOfWorkFactory
from tests import factories
from tests.sql_log import statements

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 23.11.2026, 10:00 in Copenhagen
TODAY = date(2026, 11, 23)
JOIN_TIMEOUT = 120  # seconds; only reached if a thread hangs, which is itself a failure

# Telegram ids of who acts.
TEAM = 41  # medarbejder, Afd A, on Mia's kontaktteam
COLLEAGUE = 42  # medarbejder, Afd A, not on the team
VIKAR = 44  # substitute assigned to Mia
LEADER = 45  # afdelingsleder, Afd A
LEADER_B = 46  # afdelingsleder, Afd B
TOP = 47  # tilbudsleder


@dataclass(frozen=True)
class World:
    """Afd A: Mia (14, enrolled 1.8.2020), Noah (adult), Ida (moved out). Afd B: Bo."""

    make_uow: UnitOfWorkFactory
    mia: int
    noah: int
    ida: int
    bo: int
    team: int
    leader: int


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> World:
    dep_a = factories.department(make_uow, "Afd A", NOW)
    dep_b = factories.department(make_uow, "Afd B", NOW)
    mia = factories.resident(make_uow, "Mia", dep_a, NOW, birth_date=date(2012, 5, 17))
    noah = factories.resident(make_uow, "Noah", dep_a, NOW, birth_date=date(2006, 3, 1))
    ida = factories.resident(
        make_uow, "Ida", dep_a, NOW, birth_date=date(2011, 1, 1), moved_out_on=date(2026, 10, 1)
    )
    bo = factories.resident(make_uow, "Bo", dep_b, NOW)
    team = factories.staff(make_uow, TEAM, Role.MEDARBEJDER, [dep_a], NOW, name="Anna A")
    factories.staff(make_uow, COLLEAGUE, Role.MEDARBEJDER, [dep_a], NOW, name="Carl C")
    vikar = factories.staff(
        make_uow, VIKAR, Role.VIKAR, [dep_a], NOW, name="Vera V", assigned=[mia]
    )
    leader = factories.staff(make_uow, LEADER, Role.AFDELINGSLEDER, [dep_a], NOW, name="Lene L")
    factories.staff(make_uow, LEADER_B, Role.AFDELINGSLEDER, [dep_b], NOW, name="Bent B")
    factories.staff(make_uow, TOP, Role.TILBUDSLEDER, [dep_a], NOW, name="Tove T")
    with make_uow() as uow:
        uow.contact_teams.add(mia, team, added_at=NOW, added_by_id=None)
        # The substitute is on Mia's team by mistake: a vikar still never owns a plan.
        uow.contact_teams.add(mia, vikar, added_at=NOW, added_by_id=None)
        uow.commit()
    return World(make_uow, mia, noah, ida, bo, team, leader)


def actor(world: World, telegram_id: int) -> Actor:
    with world.make_uow() as uow:
        found = uow.staff.actor(telegram_id)
    assert found is not None
    return found


def at(day: date, hour: int = 10) -> FixedClock:
    """A clock at a Copenhagen wall-clock hour (winter: UTC+1; summer: UTC+2)."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
    return FixedClock(local.astimezone(UTC))


def schedule(world: World, day: date, who: int = LEADER, clock: FixedClock | None = None,
             resident: int | None = None) -> status.Scheduled:  # fmt: skip
    return status.schedule_meeting(
        world.make_uow(),
        clock or FixedClock(NOW),
        TZ,
        actor(world, who),
        resident or world.mia,
        day,
    )


def tick(
    world: World, meeting: int, step: str, who: int = TEAM, clock: FixedClock | None = None
) -> status.TickResult:
    return status.tick_step(
        world.make_uow(), clock or FixedClock(NOW), TZ, actor(world, who), meeting, step
    )


def meetings(engine: Engine) -> list[tuple[int, date, str]]:
    with Session(engine) as session:
        rows = session.exec(select(StatusMeeting).order_by(col(StatusMeeting.id)))
        return [(m.resident_id, m.meeting_on, m.status) for m in rows]


def steps(engine: Engine) -> list[tuple[int, str, int]]:
    with Session(engine) as session:
        rows = session.exec(select(StatusStep).order_by(col(StatusStep.done_at)))
        return [(s.meeting_id, s.step, s.done_by_id) for s in rows]


def audit(engine: Engine, entity: str) -> list[tuple[str, int | None, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(col(AuditEvent.id))
        )
        return [(e.action, e.resident_id, e.detail) for e in rows]


def run_at_once(count: int, work: object) -> list[object]:
    """Run work(index) in count threads released together; return results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[index] = work(index)  # type: ignore[operator]
        except BaseException as exc:  # reported, not lost in the thread
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


# --- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        pytest.param(date(2026, 12, 15), TODAY, date(2026, 12, 15), id="a-tuesday-stays"),
        pytest.param(date(2026, 12, 19), TODAY, date(2026, 12, 18), id="saturday-to-friday"),
        pytest.param(date(2026, 12, 20), TODAY, date(2026, 12, 18), id="sunday-to-friday"),
        pytest.param(date(2021, 2, 1), TODAY, TODAY, id="overdue-is-today"),
        pytest.param(date(2026, 1, 1), date(2026, 11, 28), date(2026, 11, 30), id="sat-to-monday"),
        pytest.param(date(2026, 11, 28), date(2026, 11, 27), date(2026, 11, 27), id="friday-today"),
    ],
)
def test_suggested_day_is_a_weekday_not_before_today(
    due: date, today: date, expected: date
) -> None:
    assert status.suggested_day(due, today) == expected


def test_late_steps_are_the_open_steps_before_the_meeting_already_past() -> None:
    meeting = MeetingFacts(1, date(2026, 12, 4), frozenset({"report_draft"}))
    # report_draft 13.11 (ticked), report_approved 18.11, sent_to_caseworker 20.11: both late.
    assert status.late_steps(meeting, TODAY) == ("report_approved", "sent_to_caseworker")
    assert status.late_steps(MeetingFacts(1, TODAY + timedelta(days=21)), TODAY) == ()
    assert status.late_steps(MeetingFacts(1, TODAY + timedelta(days=20)), TODAY) == (
        "report_draft",
    )


# --- planning ---------------------------------------------------------------------------------


def test_a_leader_plans_a_meeting_and_it_is_audited(backend: Engine, world: World) -> None:
    result = schedule(world, date(2027, 1, 12))

    assert result.previous is None
    assert (result.resident, result.on, result.late_steps) == ("Mia", date(2027, 1, 12), ())
    assert meetings(backend) == [(world.mia, date(2027, 1, 12), "planned")]
    assert audit(backend, "status_meeting") == [("create", world.mia, "on=2027-01-12")]
    with Session(backend) as session:
        row = session.get(StatusMeeting, result.meeting_id)
        assert row is not None
        assert (row.scheduled_by_id, row.scheduled_at) == (world.leader, NOW)


def test_a_meeting_less_than_21_days_ahead_is_planned_with_the_late_steps(
    backend: Engine, world: World
) -> None:
    result = schedule(world, date(2026, 12, 1))

    assert result.late_steps == ("report_draft", "report_approved", "sent_to_caseworker")
    assert meetings(backend) == [(world.mia, date(2026, 12, 1), "planned")]


def test_a_tilbudsleder_plans_in_any_department(backend: Engine, world: World) -> None:
    schedule(world, date(2027, 1, 12), who=TOP, resident=world.bo)
    assert meetings(backend) == [(world.bo, date(2027, 1, 12), "planned")]


@pytest.mark.parametrize(
    ("who", "key"),
    [
        pytest.param(TEAM, "status.not_leader", id="kontaktteam"),
        pytest.param(COLLEAGUE, "status.not_leader", id="colleague"),
        pytest.param(LEADER_B, "error.not_allowed", id="leader-of-another-department"),
        pytest.param(VIKAR, "status.not_leader", id="substitute"),
    ],
)
def test_only_the_departments_leaders_plan(
    backend: Engine, world: World, who: int, key: str
) -> None:
    with pytest.raises(NotAllowed) as raised:
        schedule(world, date(2027, 1, 12), who=who)
    assert raised.value.text_key == key
    assert meetings(backend) == []


@pytest.mark.parametrize(
    ("day", "key"),
    [
        pytest.param(date(2026, 11, 22), "status.date_past", id="yesterday"),
        pytest.param(date(2028, 11, 24), "status.date_far", id="more-than-24-months"),
    ],
)
def test_a_day_that_cannot_be_used_is_refused(
    backend: Engine, world: World, day: date, key: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        schedule(world, day)
    assert raised.value.text_key == key
    assert meetings(backend) == []


def test_today_and_24_months_ahead_are_allowed(backend: Engine, world: World) -> None:
    schedule(world, TODAY)
    schedule(world, date(2028, 11, 23), resident=world.noah)
    assert meetings(backend) == [
        (world.mia, TODAY, "planned"),
        (world.noah, date(2028, 11, 23), "planned"),
    ]


def test_no_meeting_for_a_resident_who_moved_out(backend: Engine, world: World) -> None:
    with pytest.raises(Conflict) as raised:
        schedule(world, date(2027, 1, 12), resident=world.ida)
    assert (raised.value.text_key, raised.value.params) == ("status.moved_out", {"name": "Ida"})


def test_moving_keeps_the_ticked_steps_and_is_audited(backend: Engine, world: World) -> None:
    first = schedule(world, date(2027, 1, 12))
    tick(world, first.meeting_id, "report_draft")

    moved = schedule(world, date(2026, 12, 8))

    assert moved.meeting_id == first.meeting_id
    assert (moved.previous, moved.on) == (date(2027, 1, 12), date(2026, 12, 8))
    # report_draft (17.11) is ticked; approved (22.11) is late; sent (24.11) is not yet.
    assert moved.late_steps == ("report_approved",)
    assert meetings(backend) == [(world.mia, date(2026, 12, 8), "planned")]
    assert steps(backend) == [(first.meeting_id, "report_draft", world.team)]
    assert audit(backend, "status_meeting")[-1] == (
        "update",
        world.mia,
        "old=2027-01-12 new=2026-12-08",
    )


def test_planning_the_same_day_again_changes_nothing(backend: Engine, world: World) -> None:
    schedule(world, date(2027, 1, 12))
    again = schedule(world, date(2027, 1, 12))
    assert again.previous == again.on
    assert len(audit(backend, "status_meeting")) == 1


def test_two_leaders_planning_at_once_end_with_one_planned_meeting(
    backend: Engine, world: World
) -> None:
    days = [date(2027, 1, 12), date(2027, 1, 19)]
    results = run_at_once(2, lambda i: schedule(world, days[i], who=(LEADER, TOP)[i]))

    assert all(isinstance(r, status.Scheduled) for r in results), results
    [(resident, day, state)] = meetings(backend)
    assert (resident, state) == (world.mia, "planned")
    assert day in days
    assert sorted(a for a, _, _ in audit(backend, "status_meeting")) == ["create", "update"]


# --- holding, cancelling ----------------------------------------------------------------------


def test_a_meeting_is_held_on_its_day_and_the_next_is_suggested(
    backend: Engine, world: World
) -> None:
    meeting = schedule(world, date(2026, 12, 15)).meeting_id
    with pytest.raises(Conflict) as raised:
        status.mark_held(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), meeting)
    assert (raised.value.text_key, raised.value.params) == (
        "status.not_yet",
        {"date": "15.12.2026"},
    )

    clock = at(date(2026, 12, 15), 14)
    held = status.mark_held(world.make_uow(), clock, TZ, actor(world, LEADER), meeting)

    assert (held.status, held.on, held.resident) == ("held", date(2026, 12, 15), "Mia")
    # Mia is 14: six months on, 15.6.2027 (a Tuesday).
    assert held.next == status.Suggestion(
        world.mia, "Mia", date(2027, 6, 15), date(2027, 6, 15), date(2026, 12, 15)
    )
    assert meetings(backend) == [(world.mia, date(2026, 12, 15), "held")]
    assert steps(backend) == [(meeting, "meeting_held", world.leader)]
    with Session(backend) as session:
        row = session.get(StatusMeeting, meeting)
        assert row is not None
        assert (row.closed_by_id, row.closed_at) == (world.leader, clock.now())
    assert audit(backend, "status_meeting")[-1] == ("update", world.mia, "held on=2026-12-15")

    with pytest.raises(Conflict) as again:
        status.mark_held(world.make_uow(), clock, TZ, actor(world, LEADER), meeting)
    assert again.value.text_key == "status.already_held"


def test_after_a_held_meeting_the_next_one_is_planned_after_it(
    backend: Engine, world: World
) -> None:
    meeting = schedule(world, TODAY).meeting_id
    status.mark_held(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), meeting)

    with pytest.raises(InvalidInput) as raised:
        schedule(world, TODAY)
    assert raised.value.text_key == "status.date_not_after_last"

    schedule(world, date(2027, 5, 21))
    assert meetings(backend) == [
        (world.mia, TODAY, "held"),
        (world.mia, date(2027, 5, 21), "planned"),
    ]


def test_an_adult_is_suggested_a_meeting_a_year_on(backend: Engine, world: World) -> None:
    meeting = schedule(world, TODAY, resident=world.noah).meeting_id
    held = status.mark_held(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), meeting)
    assert (held.next.due, held.next.suggested) == (date(2027, 11, 23), date(2027, 11, 23))


def test_no_meeting_held_suggests_from_enrolment_and_never_before_today(
    backend: Engine, world: World
) -> None:
    suggestion = status.suggest_next_meeting(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), world.mia
    )
    # Enrolled 1.8.2020: the first meeting was due 1.2.2021, long ago.
    assert suggestion == status.Suggestion(world.mia, "Mia", date(2021, 2, 1), TODAY, None)
    with pytest.raises(NotAllowed):
        status.suggest_next_meeting(
            world.make_uow(), FixedClock(NOW), TZ, actor(world, TEAM), world.mia
        )


def test_holding_and_cancelling_are_for_the_departments_leaders(
    backend: Engine, world: World
) -> None:
    meeting = schedule(world, TODAY).meeting_id
    for who, key in ((TEAM, "status.not_leader"), (LEADER_B, "error.not_allowed")):
        for use_case in (status.mark_held, status.cancel_meeting, status.planned_meeting):
            with pytest.raises(NotAllowed) as raised:
                use_case(world.make_uow(), FixedClock(NOW), TZ, actor(world, who), meeting)
            assert raised.value.text_key == key
    # An id that does not exist says no more than a forbidden one.
    with pytest.raises(NotAllowed) as unknown:
        status.mark_held(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), 9999)
    assert unknown.value.text_key == "error.not_allowed"
    assert meetings(backend) == [(world.mia, TODAY, "planned")]


def test_a_cancelled_meeting_is_closed_and_a_new_one_can_be_planned(
    backend: Engine, world: World
) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    tick(world, meeting, "report_draft")

    cancelled = status.cancel_meeting(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), meeting
    )

    assert (cancelled.status, cancelled.on) == ("cancelled", date(2027, 1, 12))
    assert cancelled.next.suggested == TODAY
    assert audit(backend, "status_meeting")[-1] == (
        "update",
        world.mia,
        "cancelled on=2027-01-12",
    )
    with pytest.raises(Conflict) as raised:
        tick(world, meeting, "sent_to_caseworker")
    assert raised.value.text_key == "status.meeting_cancelled"
    with pytest.raises(Conflict):
        status.cancel_meeting(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), meeting)

    fresh = schedule(world, date(2027, 1, 19))
    assert fresh.meeting_id != meeting
    assert fresh.late_steps == ()  # the old meeting's ticks stay with it
    assert meetings(backend) == [
        (world.mia, date(2027, 1, 12), "cancelled"),
        (world.mia, date(2027, 1, 19), "planned"),
    ]


# --- ticking ----------------------------------------------------------------------------------


def test_the_responsible_tick_their_steps(backend: Engine, world: World) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    later = FixedClock(NOW + timedelta(hours=2))

    drafted = tick(world, meeting, "report_draft")
    approved = tick(world, meeting, "report_approved", who=LEADER, clock=later)
    sent = tick(world, meeting, "sent_to_caseworker", who=LEADER, clock=later)  # leaders may too

    assert (drafted.done_by, drafted.done_at, drafted.already) == ("Anna A", NOW, False)
    assert (approved.done_by, approved.done_at, approved.already) == (
        "Lene L",
        later.now(),
        False,
    )
    assert not sent.already
    assert steps(backend) == [
        (meeting, "report_draft", world.team),
        (meeting, "report_approved", world.leader),
        (meeting, "sent_to_caseworker", world.leader),
    ]
    assert [d for _, _, d in audit(backend, "status_step")] == [
        "step=report_draft",
        "step=report_approved",
        "step=sent_to_caseworker",
    ]


@pytest.mark.parametrize(
    ("who", "step", "key"),
    [
        pytest.param(TEAM, "report_approved", "status.not_yours_leader", id="team-leader-step"),
        pytest.param(COLLEAGUE, "report_draft", "status.not_yours", id="not-on-the-team"),
        pytest.param(VIKAR, "report_draft", "status.not_yours", id="substitute-on-the-team"),
        pytest.param(LEADER_B, "report_draft", "error.not_allowed", id="another-department"),
    ],
)
def test_a_step_is_ticked_only_by_those_responsible(
    backend: Engine, world: World, who: int, step: str, key: str
) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    with pytest.raises(NotAllowed) as raised:
        tick(world, meeting, step, who=who)
    assert raised.value.text_key == key
    assert steps(backend) == []


def test_a_second_tick_says_who_was_first(backend: Engine, world: World) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    tick(world, meeting, "report_draft")

    second = tick(world, meeting, "report_draft", who=LEADER, clock=FixedClock(NOW + timedelta(1)))

    assert (second.already, second.done_by, second.done_at) == (True, "Anna A", NOW)
    assert steps(backend) == [(meeting, "report_draft", world.team)]
    assert len(audit(backend, "status_step")) == 1


def test_ticks_at_once_store_one_and_tell_the_others_who(backend: Engine, world: World) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    who = (TEAM, LEADER, TOP, TEAM)

    results = run_at_once(len(who), lambda i: tick(world, meeting, "report_draft", who=who[i]))

    assert all(isinstance(r, status.TickResult) for r in results), results
    ticks = [r for r in results if isinstance(r, status.TickResult)]
    assert sum(not r.already for r in ticks) == 1
    [(_, _, first)] = steps(backend)
    names = {world.team: "Anna A", world.leader: "Lene L"}
    assert {r.done_by for r in ticks} == {names.get(first, "Tove T")}
    assert len(audit(backend, "status_step")) == 1


def test_steps_belong_to_the_meetings_state(backend: Engine, world: World) -> None:
    meeting = schedule(world, TODAY).meeting_id
    with pytest.raises(Conflict) as held_step:
        tick(world, meeting, "meeting_held", who=LEADER)
    assert held_step.value.text_key == "status.held_by_button"
    with pytest.raises(Conflict) as too_early:
        tick(world, meeting, "minutes_written")
    assert too_early.value.text_key == "status.not_held_yet"
    with pytest.raises(InvalidInput):
        tick(world, meeting, "no_such_step")

    status.mark_held(world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), meeting)
    written = tick(world, meeting, "minutes_written")
    approved = tick(world, meeting, "minutes_approved", who=LEADER)
    assert not written.already
    assert not approved.already
    with pytest.raises(Conflict) as passed:
        tick(world, meeting, "report_draft")
    assert passed.value.text_key == "status.step_passed"


# --- the overview -----------------------------------------------------------------------------


def test_the_overview_shows_both_meetings_their_steps_and_the_milestones(
    backend: Engine, world: World
) -> None:
    june = date(2026, 6, 2)
    held = schedule(world, june, clock=at(date(2026, 5, 1))).meeting_id
    status.mark_held(world.make_uow(), at(june, 15), TZ, actor(world, LEADER), held)
    tick(world, held, "minutes_written", clock=at(date(2026, 6, 5), 9))
    planned = schedule(world, date(2026, 12, 4)).meeting_id
    tick(world, planned, "report_draft")
    status.record_milestone(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, TEAM), world.mia, "dpu"
    )

    view = status.status_overview(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, TEAM), world.mia
    )

    assert (view.resident, view.today, view.can_plan) == ("Mia", TODAY, False)
    assert view.planned is not None
    assert (view.planned.id, view.planned.on, view.planned.status) == (
        planned,
        date(2026, 12, 4),
        "planned",
    )
    assert [(s.step, s.due, s.done_by, s.overdue, s.can_tick) for s in view.planned.steps] == [
        ("report_draft", date(2026, 11, 13), "Anna A", False, False),
        ("report_approved", date(2026, 11, 18), None, True, False),  # the leader's
        ("sent_to_caseworker", date(2026, 11, 20), None, True, True),
        ("meeting_held", date(2026, 12, 4), None, False, False),
        ("minutes_written", date(2026, 12, 8), None, False, False),  # after the meeting
        ("minutes_approved", date(2026, 12, 10), None, False, False),
        ("minutes_sent", date(2026, 12, 11), None, False, False),
    ]
    assert view.last_held is not None
    assert (view.last_held.id, view.last_held.closed_by) == (held, "Lene L")
    after = {s.step: (s.done_by, s.overdue, s.can_tick) for s in view.last_held.steps}
    assert after["meeting_held"] == ("Lene L", False, False)
    assert after["minutes_written"] == ("Anna A", False, False)
    assert after["minutes_approved"] == (None, True, False)
    assert after["minutes_sent"] == (None, True, True)
    assert after["report_draft"] == (None, False, False)  # before a held meeting: gone by
    done_at = {s.step: s.done_at for s in view.last_held.steps}
    assert done_at["minutes_written"] == datetime(2026, 6, 5, 7, 0, tzinfo=UTC)  # 9:00 CEST
    assert view.suggestion.due == date(2026, 12, 2)  # six months after 2.6.2026
    assert view.milestones == (
        ("ipel_evaluation", None),
        ("komm_evaluation", None),
        ("dpu", TODAY),
        ("autonomt_kompas", None),
        ("samarbejdsaftale", None),
    )
    assert audit(backend, "status_cycle") == [("read", world.mia, "")]


def test_who_may_tick_what_in_the_overview(backend: Engine, world: World) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    del meeting

    def tickable(who: int) -> list[str]:
        view = status.status_overview(
            world.make_uow(), FixedClock(NOW), TZ, actor(world, who), world.mia
        )
        assert view.planned is not None
        return [s.step for s in view.planned.steps if s.can_tick]

    assert tickable(LEADER) == ["report_draft", "report_approved", "sent_to_caseworker"]
    assert tickable(TEAM) == ["report_draft", "sent_to_caseworker"]
    assert tickable(COLLEAGUE) == []
    assert tickable(VIKAR) == []
    with pytest.raises(NotAllowed):
        status.status_overview(
            world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER_B), world.mia
        )


def test_meeting_plan_is_for_leaders(backend: Engine, world: World) -> None:
    view = status.meeting_plan(
        world.make_uow(), FixedClock(NOW), TZ, actor(world, LEADER), world.mia
    )
    assert (view.planned, view.last_held, view.can_plan) == (None, None, True)
    with pytest.raises(NotAllowed) as raised:
        status.meeting_plan(world.make_uow(), FixedClock(NOW), TZ, actor(world, TEAM), world.mia)
    assert raised.value.text_key == "status.not_leader"


# --- milestones -------------------------------------------------------------------------------


def test_a_milestone_is_recorded_once_a_day(backend: Engine, world: World) -> None:
    def record(who: int, clock: FixedClock) -> status.MilestoneRecorded:
        return status.record_milestone(
            world.make_uow(), clock, TZ, actor(world, who), world.mia, "autonomt_kompas"
        )

    first = record(TEAM, FixedClock(NOW))
    again = record(LEADER, FixedClock(NOW + timedelta(hours=3)))
    tomorrow = record(LEADER, FixedClock(NOW + timedelta(days=1)))

    assert (first.done_on, first.recorded_by, first.already) == (TODAY, "Anna A", False)
    assert (again.done_on, again.recorded_by, again.already) == (TODAY, "Anna A", True)
    assert (tomorrow.done_on, tomorrow.already) == (date(2026, 11, 24), False)
    with Session(backend) as session:
        rows = session.exec(select(ResidentMilestone).order_by(col(ResidentMilestone.id))).all()
    assert [(r.kind, r.done_on, r.recorded_by_id) for r in rows] == [
        ("autonomt_kompas", TODAY, world.team),
        ("autonomt_kompas", date(2026, 11, 24), world.leader),
    ]
    assert [d for _, _, d in audit(backend, "resident_milestone")] == [
        "kind=autonomt_kompas on=2026-11-23",
        "kind=autonomt_kompas on=2026-11-24",
    ]


@pytest.mark.parametrize(
    ("who", "kind", "error", "key"),
    [
        pytest.param(COLLEAGUE, "dpu", NotAllowed, "status.not_owner", id="not-on-the-team"),
        pytest.param(VIKAR, "dpu", NotAllowed, "status.not_owner", id="substitute"),
        pytest.param(LEADER_B, "dpu", NotAllowed, "error.not_allowed", id="another-department"),
        pytest.param(TEAM, "birthday_18", InvalidInput, "error.bad_button", id="not-a-milestone"),
    ],
)
def test_milestones_are_recorded_by_the_team_and_leaders_only(
    backend: Engine, world: World, who: int, kind: str, error: type[Exception], key: str
) -> None:
    with pytest.raises(error) as raised:
        status.record_milestone(
            world.make_uow(), FixedClock(NOW), TZ, actor(world, who), world.mia, kind
        )
    assert raised.value.text_key == key  # type: ignore[attr-defined]
    with Session(backend) as session:
        assert session.exec(select(ResidentMilestone)).all() == []


# --- the bulk reads of the reminder sweep -----------------------------------------------------


def _add_meeting(engine: Engine, resident: int, on: date, state: str, by: int) -> int:
    with Session(engine) as session:
        row = StatusMeeting(
            resident_id=resident, meeting_on=on, status=state, scheduled_by_id=by, scheduled_at=NOW
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def _add_step(engine: Engine, meeting: int, step: str, by: int) -> None:
    with Session(engine) as session:
        session.add(StatusStep(meeting_id=meeting, step=step, done_by_id=by, done_at=NOW))
        session.commit()


def test_meetings_for_returns_the_last_held_and_the_planned_meeting(
    backend: Engine, world: World
) -> None:
    by = world.leader
    old = _add_meeting(backend, world.mia, date(2025, 12, 1), "held", by)
    last = _add_meeting(backend, world.mia, date(2026, 6, 2), "held", by)
    _add_meeting(backend, world.mia, date(2026, 9, 1), "cancelled", by)
    planned = _add_meeting(backend, world.mia, date(2026, 12, 4), "planned", by)
    noah_planned = _add_meeting(backend, world.noah, date(2027, 2, 1), "planned", by)
    # Two held on one day (a correction): the one recorded last counts.
    _add_meeting(backend, world.bo, date(2026, 3, 3), "held", by)
    bo_held = _add_meeting(backend, world.bo, date(2026, 3, 3), "held", by)
    ida_held = _add_meeting(backend, world.ida, date(2026, 6, 1), "held", by)
    for meeting, step in [
        (old, "minutes_sent"),
        (last, "meeting_held"),
        (last, "minutes_written"),
        (planned, "report_draft"),
    ]:
        _add_step(backend, meeting, step, by)

    with world.make_uow() as uow, statements(backend) as sql:
        found = uow.status.meetings_for(None)
    assert len(sql) == 1

    # Ida moved out: not among those living here. A resident without meetings is left out.
    assert found == {
        world.mia: (
            MeetingFacts(last, date(2026, 6, 2), frozenset({"meeting_held", "minutes_written"})),
            MeetingFacts(planned, date(2026, 12, 4), frozenset({"report_draft"})),
        ),
        world.noah: (None, MeetingFacts(noah_planned, date(2027, 2, 1))),
        world.bo: (MeetingFacts(bo_held, date(2026, 3, 3)), None),
    }
    with world.make_uow() as uow:
        asked = uow.status.meetings_for([world.ida, world.noah, 9999])
        assert uow.status.meetings_for([]) == {}
    assert asked == {
        world.ida: (MeetingFacts(ida_held, date(2026, 6, 1)), None),
        world.noah: (None, MeetingFacts(noah_planned, date(2027, 2, 1))),
    }


def test_bulk_reads_cost_one_query_per_chunk_of_residents(
    backend: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.storage import status_repositories

    # Chunks of 2 residents: 4 residents asked for cost 2 queries per read, not 4.
    monkeypatch.setattr(status_repositories, "BULK_CHUNK", 2)
    by = world.leader
    meetings_made = {
        rid: _add_meeting(backend, rid, date(2027, 1, 5), "planned", by)
        for rid in (world.mia, world.noah, world.ida, world.bo)
    }
    ids = list(meetings_made)

    with world.make_uow() as uow, statements(backend) as sql:
        found = uow.status.meetings_for(ids)
    assert len(sql) == 2

    assert found == {
        rid: (None, MeetingFacts(mid, date(2027, 1, 5))) for rid, mid in meetings_made.items()
    }


def test_a_tick_racing_an_uncommitted_tick_waits_and_returns_the_first(
    backend: Engine, world: World
) -> None:
    meeting = schedule(world, date(2027, 1, 12)).meeting_id
    seen: list[tuple[int, bool]] = []
    first = world.make_uow()
    with first:
        first.status.tick(meeting, "report_draft", by_id=world.team, at=NOW)

        def second() -> None:
            # Straight on the repository: no meeting lock in front of the INSERT.
            with world.make_uow() as uow:
                row, made = uow.status.tick(
                    meeting, "report_draft", by_id=world.leader, at=NOW + timedelta(hours=1)
                )
                seen.append((row.done_by_id, made))
                uow.commit()

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second tick must wait for the first transaction"
        first.commit()
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive()

    assert seen == [(world.team, False)]
    assert steps(backend) == [(meeting, "report_draft", world.team)]
