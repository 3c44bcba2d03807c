"""`import goals`: the municipality's goals from CSV; all or none, idempotent, both databases."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, func, select

from bot.clock import FixedClock
from bot.domain.access import Role
from bot.services import goals
from bot.services.goal_imports import GoalImportResult, import_goals, parse_goals
from bot.storage.models import AuditEvent, Goal, GoalContext, SubGoal
from bot.storage.uow import UnitOfWorkFactory
from tests import factories, goal_factories

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
HEADER = (
    "resident_name,resident_birth_date,ref,goal_text,rationale,goal_type,contexts,"
    "mandatory_area,start_date,end_date,interval,sub_goal_text,sub_goal_method,scoring_frequency"
)
MIA_1 = (
    "Mia,2012-05-17,HP-1,Mia går i skole hver dag,Kommunens formål,Udviklingsmål,"
    "Skoleforhold;venskab,skole,2026-09-01,2027-08-31,3 måneder"
)
GOOD_ROWS = [
    f"{MIA_1},Mia møder til første time,Vækning kl. 7,dagligt",
    f"{MIA_1},Mia læser 10 minutter,Højtlæsning,weekly",
    "mia,2012-05-17,HP-2,Mia leger med andre,,vedligeholdelsesmaal,Venskabsforhold,"
    "sociale_relationer,2026-10-01,2027-09-30,6 uger,,,",
    "Noah,2012-05-17,HP-1,Noah spiser selv,,andet,selvst,,2026-11-01,2027-04-30,1 md,,,",
]
GOOD_FILE = HEADER + "\n" + "\n".join(GOOD_ROWS) + "\n"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> goal_factories.PlanWorld:
    return goal_factories.plan_world(make_uow, NOW)


def run(make_uow: UnitOfWorkFactory, clock: FixedClock, text: str) -> GoalImportResult:
    return import_goals(make_uow(), clock, io.StringIO(text), tz=TZ, locale="da")


def counts(make_uow: UnitOfWorkFactory) -> tuple[int, int, int, int]:
    """(goals, goal contexts, sub-goals, audit events)."""
    with Session(make_uow.engine) as session:
        return tuple(  # type: ignore[return-value]
            int(session.exec(select(func.count()).select_from(model)).one())
            for model in (Goal, GoalContext, SubGoal, AuditEvent)
        )


def stored_goals(make_uow: UnitOfWorkFactory) -> list[Goal]:
    with Session(make_uow.engine) as session:
        return list(session.exec(select(Goal).order_by(col(Goal.id))))


def stored_subs(make_uow: UnitOfWorkFactory) -> list[SubGoal]:
    with Session(make_uow.engine) as session:
        return list(session.exec(select(SubGoal).order_by(col(SubGoal.id))))


def context_names(make_uow: UnitOfWorkFactory, goal_id: int) -> list[str]:
    with make_uow() as uow:
        return [t.name for t in uow.goals.contexts(goal_id)]


# --- a good file --------------------------------------------------------------------------


def test_good_file_creates_goals_and_sub_goals(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    result = run(make_uow, clock, GOOD_FILE)

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged, result.sub_goals_created) == (
        3,
        0,
        0,
        2,
    )
    school, social, noah = stored_goals(make_uow)
    assert (school.resident_id, school.external_ref, school.text, school.rationale) == (
        world.resident,
        "HP-1",
        "Mia går i skole hver dag",
        "Kommunens formål",
    )
    assert (school.goal_type, school.source, school.mandatory_area, school.created_by_id) == (
        "udviklingsmaal",
        "kommune",
        "skole",
        None,
    )
    assert (school.start_date, school.end_date, school.next_evaluation_on) == (
        date(2026, 9, 1),
        date(2027, 8, 31),
        date(2026, 12, 1),
    )
    assert context_names(make_uow, school.id or 0) == ["Skoleforhold", "Venskabsforhold"]
    assert (social.resident_id, social.mandatory_area, social.interval_count) == (
        world.resident,
        "sociale_relationer",
        6,
    )
    assert (social.interval_unit, social.rationale) == ("weeks", "")
    assert (noah.resident_id, noah.external_ref, noah.goal_type, noah.mandatory_area) == (
        world.other_resident,
        "HP-1",  # the same ref for another resident is another goal
        "andet",
        None,
    )
    assert context_names(make_uow, noah.id or 0) == ["Selvstændighedsforhold"]
    first, second = stored_subs(make_uow)
    assert (first.goal_id, first.text, first.method, first.scoring_frequency) == (
        school.id,
        "Mia møder til første time",
        "Vækning kl. 7",
        "daily",
    )
    # A sub-goal starts the day it enters the plan, and is evaluated with the goal's rhythm.
    assert (first.start_date, first.next_evaluation_on, first.created_by_id) == (
        TODAY,
        date(2027, 2, 23),
        None,
    )
    assert second.scoring_frequency == "weekly"
    with make_uow() as uow:
        events = [(e.action, e.entity, e.actor_id, e.detail) for e in uow.audit.events()]
    assert events == [
        ("create", "goal", None, "import"),
        ("create", "sub_goal", None, "import"),
        ("create", "sub_goal", None, "import"),
        ("create", "goal", None, "import"),
        ("create", "goal", None, "import"),
    ]


def test_importing_the_same_file_again_changes_nothing(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    run(make_uow, clock, GOOD_FILE)
    before = counts(make_uow)
    snapshot = [g.model_dump() for g in stored_goals(make_uow)]

    again = run(make_uow, clock, GOOD_FILE)

    assert (again.created, again.updated, again.unchanged, again.sub_goals_created) == (0, 0, 3, 0)
    assert again.kept == []
    assert counts(make_uow) == before
    assert [g.model_dump() for g in stored_goals(make_uow)] == snapshot


def test_a_later_file_adds_new_sub_goals_only(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    run(make_uow, clock, GOOD_FILE)
    more = GOOD_FILE + (
        "Mia,2012-05-17,HP-2,Mia leger med andre,,vedligeholdelsesmaal,Venskabsforhold,"
        "sociale_relationer,2026-10-01,2027-09-30,6 uger,Mia inviterer en ven,Aftale med "
        "forældre,ugentligt\n"
    )

    result = run(make_uow, clock, more)

    assert (result.created, result.updated, result.unchanged, result.sub_goals_created) == (
        0,
        1,
        2,
        1,
    )
    new = stored_subs(make_uow)[-1]
    assert (new.text, new.scoring_frequency, new.next_evaluation_on) == (
        "Mia inviterer en ven",
        "weekly",
        date(2027, 1, 4),  # six weeks, the goal's interval
    )


def test_a_goal_edited_in_the_chat_is_kept(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    run(make_uow, clock, GOOD_FILE)
    leader = factories.staff(make_uow, 1, Role.AFDELINGSLEDER, [world.department], NOW)
    with make_uow() as uow:
        actor = uow.staff.actor(1)
    assert actor is not None
    assert actor.staff_id == leader
    school = stored_goals(make_uow)[0]
    goals.edit_goal(
        make_uow(), clock, actor, school.id or 0, "text", "Mia går i skole", today=TODAY
    )

    result = run(make_uow, clock, GOOD_FILE)

    assert result.kept == [(2, "HP-1")]
    assert stored_goals(make_uow)[0].text == "Mia går i skole"


def test_semicolon_file_with_a_bom_and_quoted_contexts(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    text = (
        "\ufeff" + HEADER.replace(",", ";") + "\n"
        'Mia;2012-05-17;7;Mia svømmer;;ANDET;"Sundhedsforhold; fritid";;2026-11-01;2027-11-01;'
        "13 uger;;;\n"
    )

    result = run(make_uow, clock, text)

    assert result.errors == []
    [goal] = stored_goals(make_uow)
    assert context_names(make_uow, goal.id or 0) == ["Sundhedsforhold", "Fritidsforhold"]
    # 13 weeks from 1.11.2026 would be 31.1.2027: the 3-month rule caps it.
    assert goal.next_evaluation_on == date(2027, 1, 31)


# --- bad rows -----------------------------------------------------------------------------

ROW = dict(
    zip(
        HEADER.split(","),
        [
            "Mia",
            "2012-05-17",
            "HP-9",
            "Et mål",
            "",
            "andet",
            "Skoleforhold",
            "",
            "2026-11-01",
            "2027-11-01",
            "3 mdr",
            "",
            "",
            "",
        ],
        strict=True,
    )
)


def _row(**changes: str) -> str:
    cells = {**ROW, **changes}
    return ",".join(cells[name] for name in HEADER.split(","))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param({"resident_name": ""}, "resident_name: skal udfyldes.", id="no-name"),
        pytest.param(
            {"resident_birth_date": "17.5.2012"},
            "resident_birth_date: »17.5.2012« er ikke en dato på formen ÅÅÅÅ-MM-DD "
            "(fx 2012-05-17).",
            id="birth-format",
        ),
        pytest.param({"ref": ""}, "ref: skal udfyldes.", id="no-ref"),
        pytest.param({"ref": "r" * 121}, "ref: er for lang (højst 120 tegn).", id="long-ref"),
        pytest.param(
            {"goal_text": ""}, "goal_text: Teksten må ikke være tom. Skriv den igen.", id="no-text"
        ),
        pytest.param(
            {"goal_text": "x" * 2001},
            "goal_text: Teksten er for lang: højst 2000 tegn.",
            id="long-text",
        ),
        pytest.param(
            {"goal_type": "smart"},
            "goal_type: »smart« er ikke en måltype: brug udviklingsmaal, vedligeholdelsesmaal "
            "eller andet.",
            id="goal-type",
        ),
        pytest.param({"goal_type": ""}, "goal_type: skal udfyldes.", id="no-goal-type"),
        pytest.param({"contexts": " ; "}, "contexts: skal udfyldes.", id="no-contexts"),
        pytest.param(
            {"mandatory_area": "sport"},
            "mandatory_area: »sport« er ikke et obligatorisk område: brug skole, "
            "sociale_relationer eller tomt.",
            id="area",
        ),
        pytest.param(
            {"end_date": "2026-10-01"},
            "end_date: Slutdatoen skal ligge efter startdatoen.",
            id="end-before-start",
        ),
        pytest.param(
            {"start_date": "2026-13-01"},
            "start_date: »2026-13-01« er ikke en dato på formen ÅÅÅÅ-MM-DD (fx 2012-05-17).",
            id="no-such-month",
        ),
        pytest.param(
            {"interval": "4 måneder"},
            "interval: Mål og delmål evalueres mindst hver 3. måned: højst 3 måneder (13 uger).",
            id="interval-too-long",
        ),
        pytest.param({"interval": ""}, "interval: skal udfyldes.", id="no-interval"),
        pytest.param(
            {"sub_goal_text": "Delmål", "scoring_frequency": "tit"},
            "scoring_frequency: »tit« er ikke en scoringsfrekvens: brug daily, per_shift, "
            "weekly eller none.",
            id="frequency",
        ),
        pytest.param(
            {"sub_goal_text": "Delmål"}, "scoring_frequency: skal udfyldes.", id="no-frequency"
        ),
        pytest.param(
            {"sub_goal_method": "Metode"},
            "sub_goal_method og scoring_frequency kræver et delmål i sub_goal_text.",
            id="method-without-sub-goal",
        ),
    ],
)
def test_every_bad_row_is_reported_with_its_line(changes: dict[str, str], reason: str) -> None:
    text = f"{HEADER}\n{_row()}\n{_row(**{'ref': 'HP-10', **changes})}\n"

    rows, errors = parse_goals(io.StringIO(text), locale="da")

    assert errors == [(3, reason)]
    assert [r.line for r in rows] == [2]


def test_all_problems_of_a_row_are_reported_together() -> None:
    text = f"{HEADER}\n{_row(resident_name='', goal_type='x', interval='1 år')}\n"

    _, errors = parse_goals(io.StringIO(text), locale="da")

    assert [line for line, _ in errors] == [2, 2, 2]
    assert [reason.split(":")[0] for _, reason in errors] == [
        "resident_name",
        "goal_type",
        "interval",
    ]


def test_rows_of_one_goal_must_agree_and_sub_goals_must_differ() -> None:
    text = (
        f"{HEADER}\n"
        f"{_row(sub_goal_text='A', scoring_frequency='daily')}\n"
        f"{_row(sub_goal_text='B', scoring_frequency='daily', goal_text='Et andet mål')}\n"
        f"{_row(sub_goal_text='A', scoring_frequency='weekly')}\n"
        f"{_row(resident_name='MIA', sub_goal_text='C', scoring_frequency='none')}\n"
    )

    rows, errors = parse_goals(io.StringIO(text), locale="da")

    assert errors == [
        (3, "Samme ref »HP-9« som på linje 2, men målets felter er anderledes."),
        (4, "Samme delmål som på linje 2."),
    ]
    assert [r.line for r in rows] == [2, 5]  # "MIA" is the same resident as "Mia"


def test_a_header_without_the_required_columns_is_refused() -> None:
    _, errors = parse_goals(io.StringIO("resident_name,ref\nMia,1\n"), locale="da")

    assert [line for line, _ in errors] == [1]
    assert "goal_text" in errors[0][1]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        pytest.param(
            {"resident_name": "Sofie"},
            "Der er ingen beboer »Sofie« født 2012-05-17.",
            id="unknown-resident",
        ),
        pytest.param(
            {"resident_birth_date": "2012-05-18"},
            "Der er ingen beboer »Mia« født 2012-05-18.",
            id="wrong-birth-date",
        ),
        pytest.param(
            {"resident_name": "Alma"},
            "Beboeren »Alma« født 2012-05-17 er fraflyttet.",
            id="moved-out",
        ),
        pytest.param(
            {"resident_name": "Ida"},
            "Flere beboere hedder »Ida« og er født 2012-05-17; ret dem først med /beboere.",
            id="ambiguous",
        ),
        pytest.param(
            {"contexts": "Skoleforhold;Sport"},
            "»Sport« er ikke en kontekst i planen (en aktiv dagbogstype eller et alias).",
            id="unknown-context",
        ),
        pytest.param(
            {"contexts": "Magtanvendelse"},
            "»Magtanvendelse« er ikke en kontekst i planen (en aktiv dagbogstype eller et alias).",
            id="not-a-plan-context",
        ),
    ],
)
def test_rows_the_database_cannot_place_write_nothing(
    make_uow: UnitOfWorkFactory,
    clock: FixedClock,
    world: goal_factories.PlanWorld,
    changes: dict[str, str],
    reason: str,
) -> None:
    factories.resident(make_uow, "Alma", world.department, NOW, moved_out_on=date(2026, 1, 1))
    other = factories.department(make_uow, "Afd B", NOW)
    factories.resident(make_uow, "Ida", world.department, NOW)
    factories.resident(make_uow, "Ida", other, NOW)
    text = GOOD_FILE + _row(**changes) + "\n"

    result = run(make_uow, clock, text)

    assert result.errors == [(6, reason)]
    assert counts(make_uow) == (0, 0, 0, 0)  # the good rows above were not written either


def test_a_sub_goal_for_an_ended_goal_is_refused(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    goal_factories.goal(
        make_uow,
        world.resident,
        NOW,
        external_ref="HP-9",
        status="ended",
        ended_on=date(2026, 11, 1),
    )
    before = counts(make_uow)
    text = f"{HEADER}\n{_row(sub_goal_text='Nyt', scoring_frequency='daily')}\n"

    result = run(make_uow, clock, text)

    assert result.errors == [
        (2, "Målet med ref »HP-9« er afsluttet; der kan ikke tilføjes delmål til det.")
    ]
    assert counts(make_uow) == before


def test_all_or_none_when_one_row_of_many_is_bad(
    make_uow: UnitOfWorkFactory, clock: FixedClock, world: goal_factories.PlanWorld
) -> None:
    rows = [*GOOD_ROWS[:2], _row(interval="hver uge"), *GOOD_ROWS[2:]]

    result = run(make_uow, clock, HEADER + "\n" + "\n".join(rows) + "\n")

    assert [line for line, _ in result.errors] == [4]
    assert result.errors[0][1].startswith("interval: Jeg forstod ikke intervallet »hver uge«.")
    assert counts(make_uow) == (0, 0, 0, 0)
    assert run(make_uow, clock, GOOD_FILE).created == 3  # fixed, the whole file goes in
