"""Indicator scores in the chat: /score NAVN, one tap per score, slots, forged buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.clock import FixedClock
from bot.domain.access import Role
from bot.storage.models import IndicatorScore, Resident
from bot.storage.uow import UnitOfWorkFactory
from tests import factories, goal_factories
from tests.handlers.conftest import Team, audit_events, labels
from tests.tg import BotHarness

DAILY = "Mia møder til første time"
SHIFT = "Mia siger godmorgen"
WEEKLY = "Mia rydder sit værelse"
UNSCORED = "Mia vælger selv tøj"
SCALE = ["1", "2", "3", "4", "5"]
SCALE_TEXT = (
    "1 = Meget stort støttebehov\n2 = Stort støttebehov\n3 = Noget støttebehov\n"
    "4 = Lidt støttebehov\n5 = Intet støttebehov"
)
NOT_ALLOWED = "Det har du ikke adgang til."
BAD_BUTTON = "Den knap kender jeg ikke. Start forfra med kommandoen."
OFF_SCALE = "Scoren skal være mellem 1 og 5."
NO_RESIDENT = "Jeg fandt ingen beboer med det navn blandt dine beboere."


@dataclass(frozen=True)
class Plan:
    """Mia's sub-goals of every frequency, an ended one, and Bo's (Afd B) sub-goal."""

    daily: int
    shift: int
    weekly: int
    unscored: int
    ended: int
    bo: int


@pytest.fixture
def plan(uow_factory: UnitOfWorkFactory, clock: FixedClock, team: Team) -> Plan:
    now = clock.now()
    goal = goal_factories.goal(uow_factory, team.mia, now)

    def sub_goal(text: str, frequency: str, **extra: object) -> int:
        return goal_factories.sub_goal(
            uow_factory, goal, now, text=text, scoring_frequency=frequency, **extra
        )

    bo_goal = goal_factories.goal(uow_factory, team.bo, now, text="Bo går tur")
    return Plan(
        daily=sub_goal(DAILY, "daily"),
        shift=sub_goal(SHIFT, "per_shift"),
        weekly=sub_goal(WEEKLY, "weekly"),
        unscored=sub_goal(UNSCORED, "none"),
        ended=sub_goal(
            "Mia tager selv sko på", "daily", status="ended", ended_on=date(2026, 11, 1)
        ),
        bo=goal_factories.sub_goal(uow_factory, bo_goal, now, text="Bo går til bussen"),
    )


def stored(bot: BotHarness) -> list[tuple[int, str, date, int, int]]:
    """Return (sub-goal, slot key, slot date, score, author) of every score, in slot order."""
    with Session(bot.uow.engine) as session:
        rows = session.exec(select(IndicatorScore).order_by(col(IndicatorScore.id)))
        return [(r.sub_goal_id, r.slot_key, r.slot_date, r.score, r.author_id) for r in rows]


def at_local(clock: FixedClock, day: date, hour: int, minute: int = 0) -> None:
    """Set the clock to a wall-clock time in Copenhagen (November: UTC+1)."""
    clock.set(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=1))


async def open_scale(bot: BotHarness, team: Team, sub_goal: str) -> None:
    await bot.send(team.user, "/score mia")
    await bot.press(team.user, sub_goal)


# --- /score NAVN ---------------------------------------------------------------------------------


async def test_score_lists_the_scored_active_sub_goals(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "/score mia")

    menu = bot.last(team.user)
    assert menu.text == "📊 Score for Mia\nHvilket delmål vil du score?"
    # Not the one without scoring, not the ended one.
    assert labels(menu) == [DAILY, SHIFT, WEEKLY]
    [event] = audit_events(bot.uow.engine, entity="sub_goals")
    assert (event.action, event.resident_id, event.detail) == ("read", team.mia, "count=3")


async def test_score_then_a_second_score_in_the_same_slot_replaces_it(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await open_scale(bot, team, DAILY)

    scale = bot.last(team.user)
    assert scale.text == (
        f"📊 Score for Mia\nDelmål: {DAILY}\nGælder: 23.11.2026\n\n{SCALE_TEXT}\n\nTryk på et tal."
    )
    assert scale.inline_keyboard is not None
    assert [[b["text"] for b in row] for row in scale.inline_keyboard] == [SCALE]

    await bot.press(team.user, "3")
    assert stored(bot) == [(plan.daily, "2026-11-23", date(2026, 11, 23), 3, team.staff_a)]
    assert bot.alerts()[-1] == "Score 3 gemt"
    assert (bot.last(team.user).text or "").startswith(
        "✅ Score 3 (Noget støttebehov) er gemt for Mia, 23.11.2026.\n"
    )

    bot.clock.advance(timedelta(hours=5))
    await bot.press(team.user, "4")

    assert stored(bot) == [(plan.daily, "2026-11-23", date(2026, 11, 23), 4, team.staff_a)]
    assert bot.alerts()[-1] == "Erstattede 3 med 4"
    assert (bot.last(team.user).text or "").startswith(
        "✅ Erstattede 3 med 4 (Lidt støttebehov) for Mia, 23.11.2026.\n"
    )
    with Session(bot.uow.engine) as session:
        [row] = session.exec(select(IndicatorScore)).all()
    assert row.scored_at == bot.clock.now()
    events = audit_events(bot.uow.engine, entity="indicator_score")
    assert [(e.action, e.entity_id, e.resident_id, e.detail) for e in events] == [
        ("create", row.id, team.mia, "slot=2026-11-23 score=3"),
        ("update", row.id, team.mia, "slot=2026-11-23 old=3 new=4"),
    ]

    # The next day is another slot: a new score, the first one stays.
    bot.clock.advance(timedelta(days=1))
    await bot.press(team.user, "2")
    assert stored(bot) == [
        (plan.daily, "2026-11-23", date(2026, 11, 23), 4, team.staff_a),
        (plan.daily, "2026-11-24", date(2026, 11, 24), 2, team.staff_a),
    ]


async def test_reopening_the_scale_shows_the_score_already_given(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await open_scale(bot, team, DAILY)
    await bot.press(team.user, "5")

    await open_scale(bot, team, DAILY)

    assert (bot.last(team.user).text or "").endswith(
        "Tryk på et tal.\nAllerede givet: 5. Et nyt tryk erstatter den."
    )


async def test_a_colleagues_second_score_replaces_and_records_the_new_author(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    karl = bot.user(44, "Karl")
    karl_id = factories.staff(bot.uow, 44, Role.MEDARBEJDER, [team.dep_a], bot.clock.now())
    await open_scale(bot, team, DAILY)
    await bot.press(team.user, "2")

    await bot.send(karl, "/score mia")
    await bot.press(karl, DAILY)
    await bot.press(karl, "3")

    assert stored(bot) == [(plan.daily, "2026-11-23", date(2026, 11, 23), 3, karl_id)]


@pytest.mark.parametrize(
    ("local", "slot_key", "slot_day", "shown"),
    [
        ((date(2026, 11, 23), 7, 0), "2026-11-23/dag", date(2026, 11, 23), "dagvagten 23.11.2026"),
        (
            (date(2026, 11, 23), 14, 59),
            "2026-11-23/dag",
            date(2026, 11, 23),
            "dagvagten 23.11.2026",
        ),
        (
            (date(2026, 11, 23), 15, 0),
            "2026-11-23/aften",
            date(2026, 11, 23),
            "aftenvagten 23.11.2026",
        ),
        ((date(2026, 11, 23), 23, 0), "2026-11-23/nat", date(2026, 11, 23), "natvagten 23.11.2026"),
        # 02:00 on the 24th is still the night shift that began on the 23rd.
        ((date(2026, 11, 24), 2, 0), "2026-11-23/nat", date(2026, 11, 23), "natvagten 23.11.2026"),
    ],
    ids=["dag-start", "dag-end", "aften", "nat", "nat-after-midnight"],
)
async def test_per_shift_scores_fill_the_shift_slot(
    bot: BotHarness,
    team: Team,
    plan: Plan,
    local: tuple[date, int, int],
    slot_key: str,
    slot_day: date,
    shown: str,
) -> None:
    at_local(bot.clock, *local)
    await open_scale(bot, team, SHIFT)
    assert f"Gælder: {shown}\n" in (bot.last(team.user).text or "")

    await bot.press(team.user, "4")

    assert stored(bot) == [(plan.shift, slot_key, slot_day, 4, team.staff_a)]


async def test_per_shift_scores_in_two_shifts_are_two_scores(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await open_scale(bot, team, SHIFT)
    await bot.press(team.user, "2")
    at_local(bot.clock, date(2026, 11, 23), 16)
    await bot.press(team.user, "3")
    at_local(bot.clock, date(2026, 11, 23), 22, 59)
    await bot.press(team.user, "4")

    assert [(key, score) for _, key, _, score, _ in stored(bot)] == [
        ("2026-11-23/dag", 2),
        ("2026-11-23/aften", 4),
    ]
    assert bot.alerts()[-1] == "Erstattede 3 med 4"


async def test_weekly_scores_fill_the_iso_week_dated_on_its_monday(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    at_local(bot.clock, date(2026, 11, 25), 12)  # a Wednesday in week 48
    await open_scale(bot, team, WEEKLY)
    assert "Gælder: uge 48, 2026\n" in (bot.last(team.user).text or "")
    await bot.press(team.user, "2")

    at_local(bot.clock, date(2026, 11, 29), 23, 30)  # Sunday, same week: replaces
    await bot.press(team.user, "3")
    at_local(bot.clock, date(2026, 11, 30), 8)  # Monday of week 49: a new slot
    await bot.press(team.user, "5")

    assert stored(bot) == [
        (plan.weekly, "2026-W48", date(2026, 11, 23), 3, team.staff_a),
        (plan.weekly, "2026-W49", date(2026, 11, 30), 5, team.staff_a),
    ]


async def test_an_ambiguous_name_offers_the_candidates(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "/score oli")

    assert bot.last(team.user).text == "Hvem mente du?"
    assert sorted(labels(bot.last(team.user))) == ["Oliver", "Olivia"]
    await bot.press(team.user, "Oliver")

    assert bot.last(team.user).text == "Oliver har ingen aktive delmål, der scores."


async def test_score_without_a_name_explains_how(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/score")

    assert bot.last(team.user).text == "Skriv navnet efter kommandoen, fx /score mia."


# --- access and forged buttons ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "alert"),
    [
        pytest.param("s:v:{daily}:9", OFF_SCALE, id="score-9"),
        pytest.param("s:v:{daily}:0", OFF_SCALE, id="score-0"),
        pytest.param("s:v:{daily}:-1", OFF_SCALE, id="score-negative"),
        pytest.param("s:v:{bo}:3", NOT_ALLOWED, id="other-department"),
        pytest.param("s:g:{bo}:0", NOT_ALLOWED, id="other-department-scale"),
        pytest.param("s:r:{bo_resident}:0", NOT_ALLOWED, id="other-department-resident"),
        pytest.param("s:v:999999:3", NOT_ALLOWED, id="unknown-sub-goal"),
        pytest.param(
            "s:v:{ended}:3",
            "Det delmål er ikke længere aktivt, så det kan ikke scores.",
            id="ended",
        ),
        pytest.param(
            "s:v:{unscored}:3", "Det delmål scores ikke (Ingen scoring).", id="not-scored"
        ),
        pytest.param("s:v:abc:3", BAD_BUTTON, id="garbage-id"),
        pytest.param("s:zz:{daily}:3", BAD_BUTTON, id="unknown-action"),
        pytest.param("s:v:{daily}", BAD_BUTTON, id="missing-field"),
        pytest.param("s:v:{daily}:3:3", BAD_BUTTON, id="extra-field"),
        pytest.param("s:v:{daily}:03", BAD_BUTTON, id="zero-padded"),
    ],
)
async def test_forged_score_presses_are_refused_and_change_nothing(
    bot: BotHarness, team: Team, plan: Plan, data: str, alert: str
) -> None:
    await bot.send(team.user, "/hjaelp")
    before = len(bot.texts(team.user))

    await bot.press_data(
        team.user,
        data.format(
            daily=plan.daily,
            bo=plan.bo,
            bo_resident=team.bo,
            ended=plan.ended,
            unscored=plan.unscored,
        ),
    )

    assert bot.alerts() == [alert]
    assert stored(bot) == []
    assert audit_events(bot.uow.engine, entity="indicator_score") == []
    assert len(bot.texts(team.user)) == before
    assert all("Bo går" not in text for text in bot.texts(team.user))


async def test_staff_of_another_department_can_neither_find_nor_score_mia(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user_b, "/score mia")
    assert bot.last(team.user_b).text == NO_RESIDENT

    await bot.press_data(team.user_b, f"s:v:{plan.daily}:3")
    await bot.press_data(team.user_b, f"s:g:{plan.daily}:0")

    assert bot.alerts() == [NOT_ALLOWED, NOT_ALLOWED]
    assert stored(bot) == []
    assert all(DAILY not in text for text in bot.texts(team.user_b))


async def test_a_substitute_scores_only_assigned_residents(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    vera = bot.user(30, "Vera")
    vera_id = factories.staff(
        bot.uow, 30, Role.VIKAR, [team.dep_a], bot.clock.now(), name="Vera", assigned=[team.oliver]
    )

    await bot.send(vera, "/score mia")
    assert bot.last(vera).text == NO_RESIDENT
    await bot.press_data(vera, f"s:v:{plan.daily}:3")
    assert bot.alerts() == [NOT_ALLOWED]
    assert stored(bot) == []

    eva = bot.user(31, "Eva")
    eva_id = factories.staff(
        bot.uow, 31, Role.VIKAR, [team.dep_a], bot.clock.now(), name="Eva", assigned=[team.mia]
    )
    await bot.send(eva, "/score mia")
    await bot.press(eva, DAILY)
    await bot.press(eva, "4")
    assert stored(bot) == [(plan.daily, "2026-11-23", date(2026, 11, 23), 4, eva_id)]
    assert vera_id != eva_id


async def test_a_moved_out_resident_cannot_be_scored(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await open_scale(bot, team, DAILY)
    with Session(bot.uow.engine) as session:
        mia = session.get(Resident, team.mia)
        assert mia is not None
        mia.moved_out_on = date(2026, 11, 23)
        mia.updated_at = bot.clock.now()
        session.add(mia)
        session.commit()

    await bot.press(team.user, "3")

    assert bot.alerts()[-1] == "Mia er fraflyttet, så der kan ikke skrives noter."
    assert stored(bot) == []
