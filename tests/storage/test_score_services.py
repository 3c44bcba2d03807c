"""Score and sub-goal note use cases on SQLite and PostgreSQL alike."""

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
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.scores import Trend
from bot.services import notes, scores
from bot.services.directory import Directory
from bot.storage.models import AuditEvent, DiaryNote, DiaryType, IndicatorScore, Resident
from bot.storage.uow import UnitOfWorkFactory
from tests import factories, goal_factories
from tests.sql_log import statements

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen, ISO week 48
JOIN_TIMEOUT = 120  # seconds; only reached if a thread hangs, which is itself a failure
UNDO = timedelta(minutes=10)


@dataclass(frozen=True)
class World:
    """Afd A (Mia with sub-goals, Noah without) and Afd B (Bo) with their sub-goals.

    Telegram ids of who acts: 41 Bo and 42 Anne (Afd A), 43 (Afd B), 44 a substitute assigned
    to Mia, 45 a substitute assigned to Noah.
    """

    make_uow: UnitOfWorkFactory
    mia: int
    noah: int
    bo: int
    daily: int
    shift: int
    weekly: int
    unscored: int
    ended: int
    bo_daily: int


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> World:
    plan = goal_factories.plan_world(make_uow, NOW)
    dep_b = factories.department(make_uow, "Afd B", NOW)
    bo = factories.resident(make_uow, "Bo", dep_b, NOW)
    goal = goal_factories.goal(make_uow, plan.resident, NOW)
    bo_goal = goal_factories.goal(make_uow, bo, NOW, text="Bo går tur")

    def sub_goal(text: str, frequency: str, **extra: object) -> int:
        return goal_factories.sub_goal(
            make_uow, goal, NOW, text=text, scoring_frequency=frequency, **extra
        )

    factories.staff(make_uow, 43, Role.MEDARBEJDER, [dep_b], NOW)
    factories.staff(make_uow, 44, Role.VIKAR, [plan.department], NOW, assigned=[plan.resident])
    factories.staff(
        make_uow, 45, Role.VIKAR, [plan.department], NOW, assigned=[plan.other_resident]
    )
    return World(
        make_uow=make_uow,
        mia=plan.resident,
        noah=plan.other_resident,
        bo=bo,
        daily=sub_goal("Mia møder til første time", "daily"),
        shift=sub_goal("Mia siger godmorgen", "per_shift"),
        weekly=sub_goal("Mia rydder op", "weekly"),
        unscored=sub_goal("Mia vælger tøj", "none"),
        ended=sub_goal("Mia tager sko på", "daily", status="ended", ended_on=date(2026, 11, 1)),
        bo_daily=goal_factories.sub_goal(make_uow, bo_goal, NOW, text="Bo går til bussen"),
    )


def actor(world: World, telegram_id: int) -> Actor:
    with world.make_uow() as uow:
        found = uow.staff.actor(telegram_id)
    assert found is not None
    return found


def local(day: date, hour: int, minute: int = 0) -> FixedClock:
    """A clock at a Copenhagen wall-clock time in November (UTC+1)."""
    return FixedClock(
        datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=1)
    )


def give(world: World, clock: FixedClock, sub_goal: int, score: int, who: int = 41) -> object:
    return scores.give_score(world.make_uow(), clock, TZ, actor(world, who), sub_goal, score)


def stored(engine: Engine) -> list[tuple[int, str, date, int]]:
    with Session(engine) as session:
        rows = session.exec(select(IndicatorScore).order_by(col(IndicatorScore.id)))
        return [(r.sub_goal_id, r.slot_key, r.slot_date, r.score) for r in rows]


def audit(engine: Engine, entity: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(col(AuditEvent.id))
        )
        return [(e.action, e.detail) for e in rows]


# --- give_score ---------------------------------------------------------------------------------


def test_a_second_score_in_the_slot_replaces_the_first_and_is_audited(
    backend: Engine, world: World
) -> None:
    clock = FixedClock(NOW)
    first = give(world, clock, world.daily, 3)
    clock.advance(timedelta(hours=8))
    second = give(world, clock, world.daily, 4, who=42)

    assert isinstance(first, scores.ScoreGiven)
    assert isinstance(second, scores.ScoreGiven)
    assert (first.previous, second.previous, second.score) == (None, 3, 4)
    assert stored(backend) == [(world.daily, "2026-11-23", date(2026, 11, 23), 4)]
    with Session(backend) as session:
        [row] = session.exec(select(IndicatorScore)).all()
    anne = actor(world, 42).staff_id
    assert (row.author_id, row.scored_at, row.created_at, row.resident_id) == (
        anne,
        NOW + timedelta(hours=8),
        NOW,
        world.mia,
    )
    assert audit(backend, "indicator_score") == [
        ("create", "slot=2026-11-23 score=3"),
        ("update", "slot=2026-11-23 old=3 new=4"),
    ]


@pytest.mark.parametrize(
    ("frequency", "when", "key", "day"),
    [
        ("daily", (date(2026, 11, 23), 23, 59), "2026-11-23", date(2026, 11, 23)),
        ("daily", (date(2026, 11, 24), 0, 1), "2026-11-24", date(2026, 11, 24)),
        ("shift", (date(2026, 11, 23), 6, 59), "2026-11-22/nat", date(2026, 11, 22)),
        ("shift", (date(2026, 11, 23), 7, 0), "2026-11-23/dag", date(2026, 11, 23)),
        ("shift", (date(2026, 11, 23), 15, 0), "2026-11-23/aften", date(2026, 11, 23)),
        ("shift", (date(2026, 11, 23), 23, 0), "2026-11-23/nat", date(2026, 11, 23)),
        ("weekly", (date(2026, 11, 29), 23, 59), "2026-W48", date(2026, 11, 23)),
        ("weekly", (date(2026, 11, 30), 0, 0), "2026-W49", date(2026, 11, 30)),
    ],
)
def test_the_slot_follows_the_frequency_in_copenhagen_time(
    backend: Engine,
    world: World,
    frequency: str,
    when: tuple[date, int, int],
    key: str,
    day: date,
) -> None:
    sub_goal = {"daily": world.daily, "shift": world.shift, "weekly": world.weekly}[frequency]

    give(world, local(*when), sub_goal, 2)

    assert stored(backend) == [(sub_goal, key, day, 2)]


@pytest.mark.parametrize("score", [0, 6, -1, 9, True], ids=str)
def test_a_score_off_the_scale_is_refused(backend: Engine, world: World, score: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        give(world, FixedClock(NOW), world.daily, score)

    assert raised.value.text_key == "scores.off_scale"
    assert stored(backend) == []


@pytest.mark.parametrize(
    ("who", "sub_goal", "error", "key"),
    [
        (43, "daily", NotAllowed, "error.not_allowed"),  # another department's staff
        (45, "daily", NotAllowed, "error.not_allowed"),  # a substitute not assigned to Mia
        (41, "bo_daily", NotAllowed, "error.not_allowed"),  # a sub-goal of another department
        (41, "missing", NotAllowed, "error.not_allowed"),  # no such sub-goal
        (41, "ended", Conflict, "scores.sub_goal_ended"),
        (41, "unscored", Conflict, "scores.not_scored"),
    ],
    ids=["other-department", "unassigned-vikar", "foreign-sub-goal", "unknown", "ended", "none"],
)
def test_scores_the_actor_may_not_give_are_refused(
    backend: Engine, world: World, who: int, sub_goal: str, error: type[Exception], key: str
) -> None:
    sub_goal_id = {
        "daily": world.daily,
        "bo_daily": world.bo_daily,
        "missing": 99_999,
        "ended": world.ended,
        "unscored": world.unscored,
    }[sub_goal]

    with pytest.raises(error) as raised:
        give(world, FixedClock(NOW), sub_goal_id, 3, who=who)
    with pytest.raises(error):
        scores.score_prompt(world.make_uow(), FixedClock(NOW), TZ, actor(world, who), sub_goal_id)

    assert getattr(raised.value, "text_key", None) == key
    assert stored(backend) == []
    assert audit(backend, "indicator_score") == []


def test_an_assigned_substitute_may_score(backend: Engine, world: World) -> None:
    give(world, FixedClock(NOW), world.daily, 5, who=44)

    assert stored(backend) == [(world.daily, "2026-11-23", date(2026, 11, 23), 5)]


def test_a_moved_out_resident_is_not_scored(backend: Engine, world: World) -> None:
    with Session(backend) as session:
        mia = session.get(Resident, world.mia)
        assert mia is not None
        mia.moved_out_on = date(2026, 11, 20)
        session.add(mia)
        session.commit()

    with pytest.raises(Conflict) as raised:
        give(world, FixedClock(NOW), world.daily, 3)

    assert raised.value.text_key == "notes.resident_moved_out"
    assert stored(backend) == []


def test_scores_given_at_once_end_as_one_score_in_the_slot(backend: Engine, world: World) -> None:
    count = 6
    barrier = threading.Barrier(count)
    errors: list[BaseException | None] = [None] * count
    who = actor(world, 41)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            scores.give_score(
                world.make_uow(), FixedClock(NOW), TZ, who, world.daily, 1 + index % 5
            )
        except BaseException as exc:  # reported, not lost in the thread
            errors[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == [None] * count
    [(sub_goal, key, _, _)] = stored(backend)
    assert (sub_goal, key) == (world.daily, "2026-11-23")
    actions = [action for action, _ in audit(backend, "indicator_score")]
    assert sorted(actions) == ["create"] + ["update"] * (count - 1)


def test_score_menu_lists_scored_sub_goals_and_offers_candidates(
    backend: Engine, world: World
) -> None:
    bo = actor(world, 41)

    menu = scores.score_menu(world.make_uow(), FixedClock(NOW), Directory(), bo, query="mia")
    ambiguous = scores.score_menu(world.make_uow(), FixedClock(NOW), Directory(), bo, query="x")

    assert (menu.resident_id, menu.resident) == (world.mia, "Mia")
    assert [sid for sid, _ in menu.sub_goals] == [world.daily, world.shift, world.weekly]
    assert (ambiguous.resident_id, ambiguous.sub_goals) == (None, ())
    with pytest.raises(NotAllowed):
        scores.score_menu(world.make_uow(), FixedClock(NOW), Directory(), bo, resident_id=world.bo)


# --- score_summary ------------------------------------------------------------------------------


def test_summary_of_daily_scores_over_a_period(backend: Engine, world: World) -> None:
    for day, score in ((16, 2), (18, 3), (20, 4)):
        give(world, local(date(2026, 11, day), 12), world.daily, score)

    summary = scores.score_summary(
        world.make_uow(), world.daily, date(2026, 11, 16), date(2026, 11, 22), date(2026, 11, 23)
    )

    assert (summary.count, summary.latest, summary.mean) == (3, 4, 3.0)
    assert (summary.scored_slots, summary.opportunities) == (3, 7)
    assert summary.response_rate == pytest.approx(3 / 7)
    assert summary.low is True
    assert summary.trend is Trend.STIGENDE


def test_summary_counts_the_week_a_mid_week_period_starts_in(backend: Engine, world: World) -> None:
    # The week-48 score is dated Monday the 23rd, before the period's first day.
    give(world, local(date(2026, 11, 26), 12), world.weekly, 3)
    give(world, local(date(2026, 12, 2), 12), world.weekly, 4)

    summary = scores.score_summary(
        world.make_uow(), world.weekly, date(2026, 11, 25), date(2026, 12, 6), date(2026, 12, 6)
    )

    assert (summary.count, summary.scored_slots, summary.opportunities) == (2, 2, 2)
    assert summary.response_rate == 1.0
    assert summary.latest == 4


def test_summary_counts_no_opportunities_after_today(backend: Engine, world: World) -> None:
    give(world, local(date(2026, 11, 23), 8), world.shift, 3)
    give(world, local(date(2026, 11, 23), 16), world.shift, 4)

    summary = scores.score_summary(
        world.make_uow(), world.shift, date(2026, 11, 23), date(2026, 11, 30), date(2026, 11, 23)
    )

    assert (summary.scored_slots, summary.opportunities) == (2, 3)  # today's three shifts


def test_summary_of_an_ended_or_unscored_sub_goal(backend: Engine, world: World) -> None:
    ended = scores.score_summary(
        world.make_uow(), world.ended, date(2026, 10, 1), date(2026, 11, 23), date(2026, 11, 23)
    )
    unscored = scores.score_summary(
        world.make_uow(), world.unscored, date(2026, 10, 1), date(2026, 11, 23), date(2026, 11, 23)
    )

    # Active from the sub-goal's start (1 Sep) to its end (1 Nov): 1 Oct .. 1 Nov.
    assert ended.opportunities == 32
    assert (unscored.opportunities, unscored.response_rate, unscored.low) == (0, None, False)
    with pytest.raises(NotFound):
        scores.score_summary(
            world.make_uow(), 99_999, date(2026, 10, 1), date(2026, 11, 23), date(2026, 11, 23)
        )


def test_summary_is_a_pure_read(backend: Engine, world: World) -> None:
    give(world, FixedClock(NOW), world.daily, 3)
    read_only = UnitOfWorkFactory(backend)(read_only=True)

    with statements(backend) as sent:
        summary = scores.score_summary(
            read_only, world.daily, date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 23)
        )

    assert summary.count == 1
    assert all(s.lstrip().upper().startswith("SELECT") for s in sent), sent


# --- sub-goal notes -------------------------------------------------------------------------------


def _quick(world: World, who: Actor, text: str, message_id: int) -> notes.Card:
    return notes.start_quick_note(
        world.make_uow(), FixedClock(NOW), Directory(), who, 1000, message_id, text
    )


def test_quick_note_card_knows_from_the_insert_whether_to_offer_a_sub_goal(
    backend: Engine, world: World
) -> None:
    bo = actor(world, 41)
    directory = Directory()
    clock = FixedClock(NOW)
    # Warm the caches (types, residents) so the counts below are the steady state.
    notes.start_quick_note(world.make_uow(), clock, directory, bo, 1000, 1, "mia komm hej")

    with statements(backend) as with_sub_goals:
        mia = notes.start_quick_note(world.make_uow(), clock, directory, bo, 1000, 2, "mia komm a")
    with statements(backend) as without:
        noah = notes.start_quick_note(
            world.make_uow(), clock, directory, bo, 1000, 3, "noah komm b"
        )

    assert (mia.has_sub_goals, mia.picking) == (True, None)
    assert (noah.has_sub_goals, noah.picking) == (False, None)
    assert len(with_sub_goals) == len(without)
    # The only statement that looks at sub-goals is the draft's INSERT itself.
    assert [s for s in without if "sub_goal" in s] == [s for s in without if "INSERT" in s]


def test_saving_a_plain_note_costs_the_same_statements_as_before(
    backend: Engine, world: World
) -> None:
    bo = actor(world, 41)
    directory = Directory()
    clock = FixedClock(NOW)
    card = notes.start_quick_note(world.make_uow(), clock, directory, bo, 1000, 1, "noah komm b")

    with statements(backend) as sent:
        saved = notes.save_note(
            world.make_uow(), clock, directory, bo, card.draft_id, undo_window=UNDO
        )

    assert (saved.status, saved.offer_score, saved.sub_goal) == ("saved", False, None)
    # One read of draft, resident, type (and sub-goal) and three writes: note, draft, audit.
    assert [s.split()[0].upper() for s in sent] == ["SELECT", "INSERT", "UPDATE", "INSERT"]


def test_a_missing_work_note_with_sub_goal_and_reason(backend: Engine, world: World) -> None:
    bo = actor(world, 41)
    clock = FixedClock(NOW)
    directory = Directory()
    card = notes.start_quick_note(
        world.make_uow(), clock, directory, bo, 1000, 1, "mia delmål ingen tid"
    )
    assert (card.picking, card.needs_sub_goal) == ("sub_goal", True)
    assert [o.id for o in card.options] == [world.daily, world.shift, world.weekly, world.unscored]

    with pytest.raises(InvalidInput):
        notes.save_note(world.make_uow(), clock, directory, bo, card.draft_id, undo_window=UNDO)
    card = notes.pick_sub_goal(world.make_uow(), clock, directory, bo, card.draft_id, world.shift)
    assert card.picking == "reason"
    with pytest.raises(InvalidInput):
        notes.save_note(world.make_uow(), clock, directory, bo, card.draft_id, undo_window=UNDO)
    with pytest.raises(InvalidInput):
        notes.give_reason(world.make_uow(), clock, directory, bo, card.draft_id, "x" * 501)
    card = notes.give_reason(world.make_uow(), clock, directory, bo, card.draft_id, " Sygdom ")
    saved = notes.save_note(world.make_uow(), clock, directory, bo, card.draft_id, undo_window=UNDO)

    assert (saved.status, saved.offer_score, saved.reason) == ("saved", False, "Sygdom")
    with Session(backend) as session:
        [note] = session.exec(select(DiaryNote)).all()
        kind = session.get(DiaryType, note.diary_type_id)
    assert (note.sub_goal_id, note.missing_reason) == (world.shift, "Sygdom")
    assert kind is not None
    assert kind.kind == notes.MISSING_WORK_KIND


def test_missing_work_for_a_resident_without_sub_goals_is_kept_without_one(
    backend: Engine, world: World
) -> None:
    bo = actor(world, 41)
    directory = Directory()
    card = notes.start_quick_note(
        world.make_uow(), FixedClock(NOW), directory, bo, 1000, 1, "noah delmål ingen tid"
    )
    assert (card.picking, card.needs_sub_goal, card.has_sub_goals, card.savable) == (
        None,
        True,
        False,
        True,
    )

    with statements(backend) as sent:
        saved = notes.save_note(
            world.make_uow(), FixedClock(NOW), directory, bo, card.draft_id, undo_window=UNDO
        )

    assert (saved.status, saved.sub_goal, saved.needs_sub_goal) == ("saved", None, True)
    # Whether Noah has sub-goals is part of the one read: no extra query on this path either.
    assert [s.split()[0].upper() for s in sent] == ["SELECT", "INSERT", "UPDATE", "INSERT"]
    with Session(backend) as session:
        [note] = session.exec(select(DiaryNote)).all()
    assert (note.resident_id, note.sub_goal_id, note.missing_reason) == (world.noah, None, None)


def test_a_sub_goal_note_offers_a_score_unless_the_sub_goal_is_unscored(
    backend: Engine, world: World
) -> None:
    bo = actor(world, 41)
    clock = FixedClock(NOW)
    directory = Directory()
    offers = []
    for message_id, sub_goal in ((1, world.daily), (2, world.unscored)):
        card = _quick(world, bo, "mia komm hej", message_id)
        notes.pick_sub_goal(world.make_uow(), clock, directory, bo, card.draft_id, sub_goal)
        saved = notes.save_note(
            world.make_uow(), clock, directory, bo, card.draft_id, undo_window=UNDO
        )
        offers.append(saved.offer_score)

    assert offers == [True, False]
    with Session(backend) as session:
        stored_ids = [
            n.sub_goal_id for n in session.exec(select(DiaryNote).order_by(col(DiaryNote.id)))
        ]
    assert stored_ids == [world.daily, world.unscored]


@pytest.mark.parametrize(
    "forged", ["bo_daily", "ended", "missing"], ids=["other-department", "ended", "unknown"]
)
def test_a_forged_sub_goal_is_not_attached(backend: Engine, world: World, forged: str) -> None:
    bo = actor(world, 41)
    card = _quick(world, bo, "mia komm hej", 1)
    sub_goal = {"bo_daily": world.bo_daily, "ended": world.ended, "missing": 99_999}[forged]

    with pytest.raises((NotAllowed, Conflict)):
        notes.pick_sub_goal(
            world.make_uow(), FixedClock(NOW), Directory(), bo, card.draft_id, sub_goal
        )

    with world.make_uow() as uow:
        draft = uow.drafts.get(card.draft_id)
        assert draft is not None
        assert draft.sub_goal_id is None
