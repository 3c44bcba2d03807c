"""/maal: the plan, and new goals, sub-goals, edits and ends through the guided flows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.fakeapi import MAX_TEXT_LENGTH, StoredMessage
from bot.storage.models import AuditEvent, Goal, GoalContext, GoalRevision, NoteDraft, SubGoal
from tests import factories, goal_factories
from tests.handlers.conftest import Team
from tests.tg import BotHarness

TODAY = date(2026, 11, 23)  # the clock fixture's day in Copenhagen
SCHOOL_GOAL = "Mia går i skole hver dag"
SCHOOL_SUB = "Mia møder til første time"
NOT_ALLOWED = "Det har du ikke adgang til."
NOT_OWNER = "Det er kun beboerens kontaktteam og afdelingens ledere, der arbejder med målene."
NOT_REGISTERED = (
    "Hej! Denne bot er kun for registrerede medarbejdere. Bed din leder om et invitationslink."
)
EXPIRED = "Den knap hører til noget, der er afsluttet. Start forfra med kommandoen."
CANCELLED = "Annulleret. Intet er gemt."
USE_BUTTONS = "Brug knapperne ovenfor (eller /annuller)."
ASK_RATIONALE = "Begrundelse (fx kommunens formål)? Skriv den, eller »-« / »Spring over«."
ASK_TYPE = "Hvilken type mål?"
ASK_SOURCE = "Hvor kommer målet fra?"
ASK_CONTEXTS = (
    "Hvilke kontekster i planen hører målet til? Tryk for at vælge (✅), og tryk »Færdig«."
)
ASK_AREA = "Er det et af de obligatoriske mål?"
ASK_START = "Startdato? Tryk »I dag« eller skriv datoen, fx 1.12.2026."
ASK_INTERVAL = "Hvor ofte evalueres målet? Vælg, eller skriv fx »6 uger« (højst 3 måneder)."
ASK_METHOD = "Fremgangsmåde og metode: hvordan arbejder I med delmålet?"
ASK_FREQUENCY = "Hvor ofte skal delmålet scores?"
MISSING_BOTH = (
    "⚠️ Obligatorisk mål mangler: Skolegang og uddannelse, Kompetencer til sociale relationer"
)
MISSING_SOCIAL = "⚠️ Obligatorisk mål mangler: Kompetencer til sociale relationer"
GOAL_BUTTONS = ["Ret mål 1", "Afslut mål 1", "➕ Delmål til mål 1"]
SUB_BUTTONS = ["Ret delmål 1.1", "Afslut delmål 1.1"]
MIA_PLAN = (
    "Mål for Mia\n"
    f"{MISSING_SOCIAL}\n\n"
    f"1. {SCHOOL_GOAL}\n"
    "Udviklingsmål · Kommunen · Obligatorisk: Skolegang og uddannelse\n"
    "Kontekster: Skoleforhold\n"
    "Periode: 1.9.2026–31.8.2027\n"
    "Evalueringsinterval: 3 måneder\n"
    "Næste evaluering: 1.12.2026\n"
    f"↳ Delmål 1.1: {SCHOOL_SUB}\n"
    "Fremgangsmåde og metode: Vækning kl. 7\n"
    "Scoring: Dagligt"
)


@dataclass(frozen=True)
class Plan:
    """Team (Afd A: Mia, Oliver, Olivia, Ella; Afd B: Bo) plus leaders and a plan for Mia."""

    team: Team
    karen: dict[str, Any]  # afdelingsleder, Afd A
    ole: dict[str, Any]  # medarbejder, Afd A, not on Mia's kontaktteam
    anna: dict[str, Any]  # medarbejder, Afd A, on Mia's kontaktteam (the team fixture's user)
    bent: dict[str, Any]  # medarbejder, Afd B
    vera: dict[str, Any]  # vikar assigned to Mia
    karen_id: int
    ole_id: int
    anna_id: int
    goal: int  # Mia's school goal
    sub: int
    bo_goal: int
    bo_sub: int
    context_school: int


@pytest.fixture
def plan(bot: BotHarness, team: Team) -> Plan:
    now = bot.clock.now()
    karen_id = factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [team.dep_a], now, name="Karen")
    ole_id = factories.staff(bot.uow, 2, Role.MEDARBEJDER, [team.dep_a], now, name="Ole")
    factories.staff(bot.uow, 9, Role.VIKAR, [team.dep_a], now, name="Vera", assigned=[team.mia])
    school = team.types["Skoleforhold"]
    goal = goal_factories.goal(
        bot.uow,
        team.mia,
        now,
        text=SCHOOL_GOAL,
        context_ids=(school,),
        mandatory_area="skole",
        next_evaluation_on=date(2026, 12, 1),
    )
    sub = goal_factories.sub_goal(bot.uow, goal, now, text=SCHOOL_SUB)
    bo_goal = goal_factories.goal(bot.uow, team.bo, now, text="Bo cykler", context_ids=(school,))
    bo_sub = goal_factories.sub_goal(bot.uow, bo_goal, now, text="Bo tager hjelm på")
    with bot.uow() as uow:
        uow.contact_teams.add(team.mia, team.staff_a, added_at=now, added_by_id=karen_id)
        uow.commit()
    return Plan(
        team=team,
        karen=bot.user(1, "Karen"),
        ole=bot.user(2, "Ole"),
        anna=team.user,
        bent=team.user_b,
        vera=bot.user(9, "Vera"),
        karen_id=karen_id,
        ole_id=ole_id,
        anna_id=team.staff_a,
        goal=goal,
        sub=sub,
        bo_goal=bo_goal,
        bo_sub=bo_sub,
        context_school=school,
    )


# --- helpers --------------------------------------------------------------------------------


def labels(bot: BotHarness, user: dict[str, Any]) -> list[str]:
    """Return the labels of the newest keyboard in the user's chat."""
    message = bot.api.last_message_with_buttons(user["id"])
    assert message is not None
    return [label for label, _ in bot.api.buttons(message)]


def all_labels(message: StoredMessage) -> list[str]:
    return [str(b.get("text", "")) for row in message.inline_keyboard or [] for b in row]


def alerts(bot: BotHarness) -> list[str]:
    return [a for a in bot.alerts() if a]


def goals(bot: BotHarness) -> list[Goal]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Goal).order_by(col(Goal.id))))


def goal(bot: BotHarness, goal_id: int) -> Goal:
    with Session(bot.uow.engine) as session:
        row = session.get(Goal, goal_id)
        assert row is not None
        return row


def sub_goals(bot: BotHarness) -> list[SubGoal]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(SubGoal).order_by(col(SubGoal.id))))


def sub_goal(bot: BotHarness, sub_goal_id: int) -> SubGoal:
    with Session(bot.uow.engine) as session:
        row = session.get(SubGoal, sub_goal_id)
        assert row is not None
        return row


def contexts(bot: BotHarness, goal_id: int) -> set[int]:
    with Session(bot.uow.engine) as session:
        stmt = select(GoalContext.diary_type_id).where(GoalContext.goal_id == goal_id)
        return set(session.exec(stmt))


def revisions(bot: BotHarness) -> list[GoalRevision]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(GoalRevision).order_by(col(GoalRevision.id))))


def audit(bot: BotHarness, *entities: str) -> list[tuple[str, str, int | None, int | None, str]]:
    with Session(bot.uow.engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.entity).in_(entities))
            .order_by(col(AuditEvent.id))
        )
        return [(a.action, a.entity, a.actor_id, a.resident_id, a.detail) for a in rows]


def quick_drafts(bot: BotHarness) -> list[NoteDraft]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(NoteDraft)))


def goal_form(bot: BotHarness, user: dict[str, Any]) -> dict[str, str]:
    assert bot.app is not None
    return bot.app.user_data[user["id"]].goal_form


async def answer_new_goal(bot: BotHarness, user: dict[str, Any], resident: str) -> None:
    """Go through the new-goal flow up to the summary with typical answers."""
    await bot.send(user, f"/maal {resident}")
    await bot.press(user, "➕ Nyt mål")
    await bot.send(user, "Deltager i fritidsaktiviteter med andre børn")
    await bot.send(user, "Kommunens formål: venskaber")
    await bot.press(user, "Udviklingsmål")
    await bot.press(user, "Tilbuddet")
    await bot.press(user, "Fritidsforhold")
    await bot.press(user, "Færdig")
    await bot.press(user, "Sociale relationer")
    await bot.press(user, "I dag")
    await bot.send(user, "30.6.2027")
    await bot.press(user, "3 måneder")


# --- /maal: viewing ---------------------------------------------------------------------------


async def test_maal_without_a_name_explains_itself(bot: BotHarness, plan: Plan) -> None:
    await bot.send(plan.ole, "/maal")

    assert bot.texts(plan.ole) == ["Skriv /maal og beboerens navn, fx /maal Mia."]
    assert audit(bot, "plan") == []


async def test_owner_sees_the_plan_with_buttons(bot: BotHarness, plan: Plan) -> None:
    await bot.send(plan.anna, "/maal mia")

    message = bot.last(plan.anna)
    assert message.text == MIA_PLAN
    assert all_labels(message) == [*GOAL_BUTTONS, *SUB_BUTTONS, "➕ Nyt mål"]


async def test_colleague_not_on_the_team_sees_the_plan_without_buttons(
    bot: BotHarness, plan: Plan
) -> None:
    await bot.send(plan.ole, "/maal Mia")

    message = bot.last(plan.ole)
    assert message.text == MIA_PLAN
    assert message.inline_keyboard is None
    # Reading a plan is logged like reading notes.
    assert audit(bot, "plan") == [("read", "plan", plan.ole_id, plan.team.mia, "goals=1")]


async def test_vikar_assigned_to_the_resident_may_read_but_not_edit(
    bot: BotHarness, plan: Plan
) -> None:
    await bot.send(plan.vera, "/maal Mia")

    assert bot.last(plan.vera).text == MIA_PLAN
    assert bot.last(plan.vera).inline_keyboard is None
    await bot.press_data(plan.vera, f"g:n:{plan.team.mia}:0")
    assert alerts(bot) == [NOT_OWNER]


async def test_ambiguous_name_offers_the_candidates(bot: BotHarness, plan: Plan) -> None:
    await bot.send(plan.ole, "/maal oli")

    assert bot.last(plan.ole).text == "Hvilken beboer mener du?"
    assert sorted(labels(bot, plan.ole)) == ["Oliver", "Olivia"]
    assert audit(bot, "plan") == []  # nothing was shown yet
    await bot.press(plan.ole, "Olivia")

    assert bot.last(plan.ole).text == (f"Mål for Olivia\n{MISSING_BOTH}\n\nIngen aktive mål endnu.")
    assert [(a, r) for a, _, _, r, _ in audit(bot, "plan")] == [("read", plan.team.olivia)]


async def test_unknown_name_is_said_plainly(bot: BotHarness, plan: Plan) -> None:
    await bot.send(plan.ole, "/maal Zacharias")

    assert bot.texts(plan.ole) == ["Jeg fandt ingen beboer, der hedder »Zacharias«."]


@pytest.mark.parametrize(
    ("areas", "warning"),
    [
        pytest.param((), MISSING_BOTH, id="none"),
        pytest.param(("skole",), MISSING_SOCIAL, id="school-only"),
        pytest.param(
            ("sociale_relationer",),
            "⚠️ Obligatorisk mål mangler: Skolegang og uddannelse",
            id="social-only",
        ),
        pytest.param(("skole", "sociale_relationer"), None, id="both"),
        pytest.param(("skole", None), MISSING_SOCIAL, id="plus-an-ordinary-goal"),
    ],
)
async def test_missing_mandatory_goals_are_flagged(
    bot: BotHarness, plan: Plan, areas: tuple[str | None, ...], warning: str | None
) -> None:
    now = bot.clock.now()
    for area in areas:
        goal_factories.goal(bot.uow, plan.team.ella, now, mandatory_area=area)
    # An ended goal covers nothing.
    goal_factories.goal(
        bot.uow,
        plan.team.ella,
        now,
        mandatory_area="sociale_relationer",
        status="ended",
        ended_on=date(2026, 10, 1),
    )

    await bot.send(plan.ole, "/maal Ella")

    lines = (bot.last(plan.ole).text or "").split("\n")
    assert lines[0] == "Mål for Ella"
    if warning is None:
        assert not any(line.startswith("⚠️") for line in lines)
    else:
        assert lines[1] == warning


async def test_a_long_plan_is_split_into_messages_within_telegrams_limits(
    bot: BotHarness, plan: Plan
) -> None:
    now = bot.clock.now()
    for g in range(8):
        goal_id = goal_factories.goal(
            bot.uow, plan.team.ella, now, text=f"Mål {g} " + "lang tekst " * 180
        )
        for s in range(3):
            goal_factories.sub_goal(
                bot.uow,
                goal_id,
                now,
                text=f"Delmål {g}.{s} " + "meget lang " * 180,
                method="metode " * 280,
            )

    await bot.send(plan.karen, "/maal Ella")

    messages = [m for m in bot.api.messages(plan.karen["id"]) if m.from_bot]
    assert len(messages) > 2
    assert all(len(m.text or "") <= MAX_TEXT_LENGTH for m in messages)
    assert (messages[0].text or "").startswith("Mål for Ella\n")
    every = [label for m in messages for label in all_labels(m)]
    expected = [
        label
        for g in range(1, 9)
        for label in (
            f"Ret mål {g}",
            f"Afslut mål {g}",
            f"➕ Delmål til mål {g}",
            *(x for s in range(1, 4) for x in (f"Ret delmål {g}.{s}", f"Afslut delmål {g}.{s}")),
        )
    ]
    assert every == [*expected, "➕ Nyt mål"]
    assert all_labels(messages[-1])[-1] == "➕ Nyt mål"
    assert [a for a, *_ in audit(bot, "plan")] == ["read"]


# --- a new goal -------------------------------------------------------------------------------


async def test_leader_adds_a_goal_step_by_step(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    assert bot.last(karen).text == f"Mål for Ella\n{MISSING_BOTH}\n\nIngen aktive mål endnu."
    assert labels(bot, karen) == ["➕ Nyt mål"]

    await bot.press(karen, "➕ Nyt mål")
    assert bot.texts(karen)[-1] == (
        "Nyt mål for Ella. Skriv målet (»Målet er …«): konkret, målbart og tidsbestemt. "
        "(/annuller stopper)"
    )
    await bot.send(karen, "Ella deltager i fritidsaktiviteter med andre børn")
    assert bot.texts(karen)[-1] == ASK_RATIONALE
    await bot.send(karen, "Kommunens formål: venskaber")
    assert bot.texts(karen)[-1] == ASK_TYPE
    assert labels(bot, karen) == ["Udviklingsmål", "Vedligeholdelsesmål", "Andet", "Annullér"]
    await bot.press(karen, "Udviklingsmål")
    assert bot.texts(karen)[-1] == ASK_SOURCE
    assert labels(bot, karen) == ["Kommunen", "Tilbuddet", "Annullér"]
    await bot.press(karen, "Tilbuddet")
    assert bot.texts(karen)[-1] == ASK_CONTEXTS
    for name in ("Fritidsforhold", "Venskabsforhold", "Familieforhold", "✅ Familieforhold"):
        await bot.press(karen, name)
    chosen = [label for label in labels(bot, karen) if label.startswith("✅")]
    assert chosen == ["✅ Fritidsforhold", "✅ Venskabsforhold"]
    assert "Magtanvendelse" not in labels(bot, karen)  # not a plan context
    assert "Manglende arbejde med delmål" not in labels(bot, karen)
    await bot.press(karen, "Færdig")
    assert bot.texts(karen)[-1] == ASK_AREA
    assert labels(bot, karen) == [
        "Skolegang og uddannelse",
        "Sociale relationer",
        "Ingen",
        "Annullér",
    ]
    await bot.press(karen, "Sociale relationer")
    assert bot.texts(karen)[-1] == ASK_START
    await bot.press(karen, "I dag")
    assert bot.texts(karen)[-1] == "Slutdato? Skriv datoen, fx 30.6.2027 (efter 23.11.2026)."
    await bot.send(karen, "30.6.2027")
    assert bot.texts(karen)[-1] == ASK_INTERVAL
    assert labels(bot, karen) == ["1 måned", "2 måneder", "3 måneder"]
    await bot.press(karen, "3 måneder")
    assert bot.last(karen).text == (
        "Nyt mål for Ella\n\n"
        "Målet: Ella deltager i fritidsaktiviteter med andre børn\n"
        "Begrundelse: Kommunens formål: venskaber\n"
        "Type: Udviklingsmål\n"
        "Kilde: Tilbuddet\n"
        "Kontekster: Fritidsforhold, Venskabsforhold\n"
        "Obligatorisk område: Kompetencer til sociale relationer\n"
        "Periode: 23.11.2026–30.6.2027\n"
        "Evalueringsinterval: 3 måneder (første evaluering 23.2.2027)\n\n"
        "Gem målet?"
    )
    assert len(goals(bot)) == 2  # nothing is stored before Gem

    await bot.press(karen, "Gem")

    new = goals(bot)[-1]
    assert (new.resident_id, new.text, new.rationale) == (
        plan.team.ella,
        "Ella deltager i fritidsaktiviteter med andre børn",
        "Kommunens formål: venskaber",
    )
    assert (new.goal_type, new.source, new.mandatory_area) == (
        "udviklingsmaal",
        "tilbud",
        "sociale_relationer",
    )
    assert (new.start_date, new.end_date, new.interval_count, new.interval_unit) == (
        TODAY,
        date(2027, 6, 30),
        3,
        "months",
    )
    assert (new.next_evaluation_on, new.status, new.version, new.created_by_id) == (
        date(2027, 2, 23),
        "active",
        1,
        plan.karen_id,
    )
    assert new.external_ref is None
    types = plan.team.types
    assert contexts(bot, new.id or 0) == {types["Fritidsforhold"], types["Venskabsforhold"]}
    assert audit(bot, "goal") == [("create", "goal", plan.karen_id, plan.team.ella, "")]
    texts = bot.texts(karen)
    assert texts[-2] == "✅ Målet er gemt for Ella. Første evaluering: 23.2.2027."
    assert texts[-1].startswith(
        "Mål for Ella\n⚠️ Obligatorisk mål mangler: Skolegang og uddannelse\n\n"
        "1. Ella deltager i fritidsaktiviteter med andre børn\n"
        "Udviklingsmål · Tilbuddet · Obligatorisk: Kompetencer til sociale relationer\n"
    )
    assert goal_form(bot, karen) == {}
    assert quick_drafts(bot) == []  # no typed answer became a quick note


async def test_kontaktteam_member_adds_a_goal_with_typed_answers(
    bot: BotHarness, plan: Plan
) -> None:
    anna = plan.anna
    await bot.send(anna, "/maal Mia")
    await bot.press(anna, "➕ Nyt mål")
    await bot.send(anna, "Mia leger med en kammerat i frikvarteret")
    await bot.send(anna, "-")
    await bot.press(anna, "Vedligeholdelsesmål")
    await bot.press(anna, "Kommunen")
    await bot.press(anna, "Venskabsforhold")
    await bot.press(anna, "Færdig")
    await bot.press(anna, "Sociale relationer")
    await bot.send(anna, "1.12.2026")
    await bot.send(anna, "1. december 2027")
    await bot.send(anna, "6 uger")
    assert "Begrundelse: –" in (bot.last(anna).text or "")
    assert "Evalueringsinterval: 6 uger (første evaluering 12.1.2027)" in (
        bot.last(anna).text or ""
    )
    await bot.press(anna, "Gem")

    new = goals(bot)[-1]
    assert (new.rationale, new.goal_type, new.source) == ("", "vedligeholdelsesmaal", "kommune")
    assert (new.start_date, new.end_date) == (date(2026, 12, 1), date(2027, 12, 1))
    assert (new.interval_count, new.interval_unit) == (6, "weeks")
    assert new.next_evaluation_on == date(2027, 1, 12)
    assert new.created_by_id == plan.anna_id
    # Both mandatory areas are covered now: no warning.
    assert not any(line.startswith("⚠️") for line in bot.texts(anna)[-1].split("\n"))


@pytest.mark.parametrize(
    ("step", "bad", "reason", "good"),
    [
        pytest.param(
            "start",
            "banan",
            "»banan« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24.",
            "1.12.2026",
            id="start-unreadable",
        ),
        pytest.param(
            "start", "31.2.2027", "»31.2.2027« er ikke en rigtig dato. Prøv igen.", "i dag",
            id="start-no-such-day",
        ),
        pytest.param(
            "end", "1.11.2026", "Slutdatoen skal ligge efter startdatoen.", "30.6.2027",
            id="end-before-start",
        ),
        pytest.param(
            "end", "i dag", "Slutdatoen skal ligge efter startdatoen.", "30.6.2027",
            id="end-on-start",
        ),
        pytest.param(
            "end",
            "snart",
            "»snart« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24.",
            "30.6.2027",
            id="end-unreadable",
        ),
        pytest.param(
            "interval",
            "4 måneder",
            "Mål og delmål evalueres mindst hver 3. måned: højst 3 måneder (13 uger).",
            "2 mdr",
            id="interval-too-long",
        ),
        pytest.param(
            "interval",
            "hver anden uge",
            "Jeg forstod ikke intervallet »hver anden uge«. Skriv fx »3 måneder« eller »6 uger«.",
            "2 uger",
            id="interval-unreadable",
        ),
    ],
)  # fmt: skip
async def test_bad_answers_are_explained_and_the_step_repeats(
    bot: BotHarness, plan: Plan, step: str, bad: str, reason: str, good: str
) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    await bot.send(karen, "Ella cykler selv til skole")
    await bot.press(karen, "Spring over")
    await bot.press(karen, "Andet")
    await bot.press(karen, "Kommunen")
    await bot.press(karen, "Skoleforhold")
    await bot.press(karen, "Færdig")
    await bot.press(karen, "Ingen")
    answers = {"start": "i dag", "end": "30.6.2027"}
    for name in ("start", "end"):
        if name == step:
            break
        await bot.send(karen, answers[name])

    await bot.send(karen, bad)
    assert bot.texts(karen)[-1] == reason
    await bot.send(karen, bad)  # still the same step: the same answer, the same reason
    assert bot.texts(karen)[-1] == reason
    await bot.send(karen, good)

    following = {"start": "Slutdato?", "end": ASK_INTERVAL, "interval": "Nyt mål for Ella"}
    assert bot.texts(karen)[-1].startswith(following[step])
    assert len(goals(bot)) == 2
    assert quick_drafts(bot) == []


async def test_end_date_in_the_past_is_refused(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    for answer in ("Ella cykler selv", "-"):
        await bot.send(karen, answer)
    for label in ("Andet", "Kommunen", "Skoleforhold", "Færdig", "Ingen"):
        await bot.press(karen, label)
    await bot.send(karen, "1.1.2026")

    await bot.send(karen, "1.6.2026")

    assert bot.texts(karen)[-1] == "Slutdatoen ligger før i dag. Skriv en dato fra i dag og frem."
    await bot.send(karen, "1.6.2027")
    assert bot.texts(karen)[-1] == ASK_INTERVAL


async def test_contexts_need_at_least_one(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    await bot.send(karen, "Ella cykler selv")
    await bot.send(karen, "-")
    await bot.press(karen, "Andet")
    await bot.press(karen, "Kommunen")

    await bot.press(karen, "Færdig")
    assert alerts(bot)[-1] == "Vælg mindst én kontekst."
    await bot.press(karen, "Skoleforhold")
    await bot.press(karen, "✅ Skoleforhold")
    await bot.press(karen, "Færdig")
    assert alerts(bot)[-1] == "Vælg mindst én kontekst."
    assert bot.texts(karen)[-1] == ASK_CONTEXTS

    await bot.press(karen, "Skoleforhold")
    await bot.press(karen, "Færdig")
    assert bot.texts(karen)[-1] == ASK_AREA


async def test_empty_or_too_long_goal_text_is_refused(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")

    await bot.send(karen, "x" * 2001)
    assert bot.texts(karen)[-1] == "Teksten er for lang: højst 2000 tegn."
    await bot.send(karen, "Ella cykler selv")
    assert bot.texts(karen)[-1] == ASK_RATIONALE


async def test_typing_where_a_button_is_expected_is_no_quick_note(
    bot: BotHarness, plan: Plan
) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    await bot.send(karen, "Ella cykler selv")
    await bot.send(karen, "-")

    await bot.send(karen, "ella komm udviklingsmål")

    assert bot.texts(karen)[-1] == USE_BUTTONS
    assert quick_drafts(bot) == []
    await bot.press(karen, "Andet")
    assert bot.texts(karen)[-1] == ASK_SOURCE


async def test_annuller_button_at_the_summary_stores_nothing(bot: BotHarness, plan: Plan) -> None:
    await answer_new_goal(bot, plan.karen, "Ella")

    await bot.press(plan.karen, "Annullér")

    assert bot.last(plan.karen).text == CANCELLED
    assert len(goals(bot)) == 2
    assert audit(bot, "goal") == []
    assert goal_form(bot, plan.karen) == {}


async def test_a_half_done_flow_stores_nothing_and_annuller_leaves_it(
    bot: BotHarness, plan: Plan
) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    await bot.send(karen, "Ella cykler selv")
    await bot.send(karen, "-")
    await bot.press(karen, "Andet")
    form = goal_form(bot, karen)
    assert form["text"] == "Ella cykler selv"
    assert all(isinstance(v, str) for v in form.values())  # JSON-ready for the persistence

    await bot.send(karen, "/annuller")
    await bot.send(karen, "ella komm vinkede")

    assert bot.texts(karen)[-2] == CANCELLED
    assert len(goals(bot)) == 2
    assert goal_form(bot, karen) == {}
    [draft] = quick_drafts(bot)  # the flow is over: the text is a note now
    assert draft.resident_id == plan.team.ella


async def test_a_restart_mid_flow_keeps_the_answers(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    await bot.send(karen, "Ella cykler selv til skole")
    await bot.send(karen, "Selvstændighed")
    await bot.press(karen, "Udviklingsmål")
    await bot.press(karen, "Tilbuddet")
    await bot.press(karen, "Skoleforhold")

    await bot.restart()
    await bot.press(karen, "Færdig")
    await bot.press(karen, "Skolegang og uddannelse")

    await bot.restart()
    await bot.send(karen, "i dag")
    await bot.send(karen, "30.6.2027")
    await bot.press(karen, "2 måneder")
    await bot.press(karen, "Gem")

    new = goals(bot)[-1]
    assert (new.text, new.rationale, new.goal_type, new.source, new.mandatory_area) == (
        "Ella cykler selv til skole",
        "Selvstændighed",
        "udviklingsmaal",
        "tilbud",
        "skole",
    )
    assert (new.interval_count, new.next_evaluation_on) == (2, date(2027, 1, 23))
    assert contexts(bot, new.id or 0) == {plan.team.types["Skoleforhold"]}


# --- access -------------------------------------------------------------------------------


def entry_presses(plan: Plan, resident: int, goal_id: int, sub_id: int) -> list[str]:
    return [
        f"g:n:{resident}:0",
        f"g:s:{goal_id}:0",
        f"g:e:{goal_id}:0",
        f"g:x:{goal_id}:0",
        f"g:es:{sub_id}:0",
        f"g:xs:{sub_id}:0",
    ]


async def test_medarbejder_not_on_the_team_cannot_add_or_change_goals(
    bot: BotHarness, plan: Plan
) -> None:
    await bot.send(plan.ole, "/maal Mia")
    for data in entry_presses(plan, plan.team.mia, plan.goal, plan.sub):
        await bot.press_data(plan.ole, data)
    await bot.send(plan.ole, "Et nyt mål")  # no flow was opened: nobody asks for a rationale

    assert alerts(bot) == [NOT_OWNER] * 6
    assert ASK_RATIONALE not in bot.texts(plan.ole)
    assert goal_form(bot, plan.ole) == {}
    assert len(goals(bot)) == 2
    assert len(sub_goals(bot)) == 2
    assert revisions(bot) == []


async def test_kontaktteam_member_gets_the_flows(bot: BotHarness, plan: Plan) -> None:
    await bot.send(plan.anna, "/maal Mia")
    for data in entry_presses(plan, plan.team.mia, plan.goal, plan.sub):
        await bot.press_data(plan.anna, data)

    assert alerts(bot) == []
    assert bot.texts(plan.anna)[-1].startswith("Afslut delmålet?")


async def test_staff_of_another_department_sees_and_touches_nothing(
    bot: BotHarness, plan: Plan
) -> None:
    await bot.send(plan.bent, "/maal Mia")
    assert bot.texts(plan.bent) == ["Jeg fandt ingen beboer, der hedder »Mia«."]

    await bot.press_data(plan.bent, f"g:o:{plan.team.mia}:0")
    for data in entry_presses(plan, plan.team.mia, plan.goal, plan.sub):
        await bot.press_data(plan.bent, data)

    assert alerts(bot) == [NOT_ALLOWED] * 7
    assert "Mia" not in " ".join(bot.texts(plan.bent)[1:])
    assert audit(bot, "plan", "goal", "sub_goal") == []


async def test_forged_ids_of_another_departments_plan_are_refused(
    bot: BotHarness, plan: Plan
) -> None:
    await bot.send(plan.karen, "/maal Mia")

    await bot.press_data(plan.karen, f"g:o:{plan.team.bo}:0")
    for data in entry_presses(plan, plan.team.bo, plan.bo_goal, plan.bo_sub):
        await bot.press_data(plan.karen, data)
    for data in ("g:e:999999:0", "g:es:999999:0"):  # ids that do not exist at all
        await bot.press_data(plan.karen, data)

    assert alerts(bot) == [NOT_ALLOWED] * 9
    assert goal(bot, plan.bo_goal).version == 1
    assert sub_goal(bot, plan.bo_sub).status == "active"
    assert goal_form(bot, plan.karen) == {}


async def test_a_stranger_pressing_a_goal_button_is_refused(bot: BotHarness, plan: Plan) -> None:
    stranger = bot.user(777, "Fremmed")
    assert bot.app is not None
    message = await bot.app.bot.send_message(777, "Gammelt kort")

    await bot.press_data(stranger, f"g:n:{plan.team.mia}:0", message.message_id)
    await bot.press_data(stranger, f"g:x:{plan.goal}:0", message.message_id)

    assert alerts(bot) == [NOT_REGISTERED] * 2
    assert goal(bot, plan.goal).status == "active"


async def test_a_forged_choice_for_another_subject_is_refused_mid_flow(
    bot: BotHarness, plan: Plan
) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Ella")
    await bot.press(karen, "➕ Nyt mål")
    await bot.send(karen, "Ella cykler selv")
    await bot.send(karen, "-")

    await bot.press_data(karen, f"g:t:{plan.team.bo}:0")
    await bot.press_data(karen, f"g:t:{plan.team.ella}:7")  # no such goal type

    assert alerts(bot) == [
        EXPIRED,
        "Den knap kender jeg ikke. Start forfra med kommandoen.",
    ]
    await bot.press(karen, "Andet")  # the flow is still at the type step
    assert bot.texts(karen)[-1] == ASK_SOURCE


async def test_losing_ownership_mid_flow_ends_the_flow(bot: BotHarness, plan: Plan) -> None:
    anna = plan.anna
    await bot.send(anna, "/maal Mia")
    await bot.press(anna, "➕ Nyt mål")
    with bot.uow() as uow:
        uow.contact_teams.remove(plan.team.mia, plan.anna_id)
        uow.commit()

    await bot.send(anna, "Mia spiser selv")

    assert bot.texts(anna)[-1] == NOT_OWNER
    assert goal_form(bot, anna) == {}
    await bot.send(anna, "mia komm vinkede")  # the flow is over: this is a note again
    assert len(quick_drafts(bot)) == 1
    assert len(goals(bot)) == 2


# --- a new sub-goal -----------------------------------------------------------------------


async def test_kontaktteam_member_adds_a_sub_goal(bot: BotHarness, plan: Plan) -> None:
    anna = plan.anna
    await bot.send(anna, "/maal Mia")
    await bot.press(anna, "➕ Delmål til mål 1")
    assert bot.texts(anna)[-1] == (
        f"Nyt delmål til målet\n{SCHOOL_GOAL}\n\nSkriv delmålet. (/annuller stopper)"
    )
    await bot.send(anna, "Mia tager selv skoletasken")
    assert bot.texts(anna)[-1] == ASK_RATIONALE
    await bot.press(anna, "Spring over")
    assert bot.texts(anna)[-1] == ASK_METHOD
    await bot.send(anna, "   ")
    assert bot.texts(anna)[-1] == "Skriv fremgangsmåden og metoden – den må ikke være tom."
    await bot.send(anna, "Tasken står klar ved døren")
    assert bot.texts(anna)[-1] == ASK_FREQUENCY
    assert labels(bot, anna) == ["Dagligt", "Hver vagt", "Ugentligt", "Ingen scoring", "Annullér"]
    await bot.press(anna, "Hver vagt")
    assert bot.last(anna).text == (
        f"Nyt delmål til målet {SCHOOL_GOAL}\n\n"
        "Delmålet: Mia tager selv skoletasken\n"
        "Begrundelse: –\n"
        "Fremgangsmåde og metode: Tasken står klar ved døren\n"
        "Scoring: Hver vagt\n"
        "Første evaluering: 23.2.2027\n\n"
        "Gem delmålet?"
    )
    assert len(sub_goals(bot)) == 2

    await bot.press(anna, "Gem")

    new = sub_goals(bot)[-1]
    assert (new.goal_id, new.text, new.rationale, new.method, new.scoring_frequency) == (
        plan.goal,
        "Mia tager selv skoletasken",
        "",
        "Tasken står klar ved døren",
        "per_shift",
    )
    assert (new.start_date, new.next_evaluation_on, new.status, new.version) == (
        TODAY,
        date(2027, 2, 23),
        "active",
        1,
    )
    assert new.created_by_id == plan.anna_id
    assert audit(bot, "sub_goal") == [("create", "sub_goal", plan.anna_id, plan.team.mia, "")]
    assert bot.texts(anna)[-2] == "✅ Delmålet er gemt. Første evaluering: 23.2.2027."
    assert "↳ Delmål 1.2: Mia tager selv skoletasken" in bot.texts(anna)[-1]


# --- editing ------------------------------------------------------------------------------


async def test_editing_the_goal_text_keeps_a_revision(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Ret mål 1")
    assert bot.texts(karen)[-1] == f"Hvad vil du rette i målet?\n{SCHOOL_GOAL}"
    assert labels(bot, karen) == [
        "Målet",
        "Begrundelse",
        "Type",
        "Kilde",
        "Kontekster",
        "Obligatorisk område",
        "Startdato",
        "Slutdato",
        "Evalueringsinterval",
        "Annullér",
    ]
    await bot.press(karen, "Målet")
    assert bot.texts(karen)[-1] == (f"Målet nu:\n{SCHOOL_GOAL}\n\nSkriv det nye (eller /annuller).")

    await bot.send(karen, "Mia går i skole alle hverdage")

    row = goal(bot, plan.goal)
    assert (row.text, row.version) == ("Mia går i skole alle hverdage", 2)
    [revision] = revisions(bot)
    assert (revision.goal_id, revision.sub_goal_id, revision.version, revision.change) == (
        plan.goal,
        None,
        1,
        "edit",
    )
    assert revision.changed_by_id == plan.karen_id
    snapshot = json.loads(revision.snapshot)
    assert snapshot["text"] == SCHOOL_GOAL
    assert snapshot["context_ids"] == [plan.context_school]
    assert snapshot["mandatory_area"] == "skole"
    assert audit(bot, "goal") == [("edit", "goal", plan.karen_id, plan.team.mia, "field=text")]
    assert bot.texts(karen)[-2] == "✅ Målet er rettet: Målet."
    assert "1. Mia går i skole alle hverdage" in bot.texts(karen)[-1]


@pytest.mark.parametrize(
    ("field", "answers", "check"),
    [
        pytest.param(
            "Type", ["Vedligeholdelsesmål"], ("goal_type", "vedligeholdelsesmaal"), id="type"
        ),
        pytest.param("Kilde", ["Tilbuddet"], ("source", "tilbud"), id="source"),
        pytest.param("Obligatorisk område", ["Ingen"], ("mandatory_area", None), id="area"),
        pytest.param("Begrundelse", ["Spring over"], ("rationale", ""), id="rationale-skip"),
        pytest.param("Slutdato", ["1.9.2027"], ("end_date", date(2027, 9, 1)), id="end-date"),
        pytest.param(
            "Evalueringsinterval",
            ["1 måned"],
            ("next_evaluation_on", date(2026, 10, 1)),  # one interval after the start
            id="interval-button",
        ),
        pytest.param(
            "Evalueringsinterval",
            ["8 uger"],
            ("interval_count", 8),
            id="interval-typed",
        ),
        pytest.param("Startdato", ["I dag"], ("start_date", TODAY), id="start-today"),
    ],
)  # fmt: skip
async def test_editing_one_field(
    bot: BotHarness, plan: Plan, field: str, answers: list[str], check: tuple[str, object]
) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Ret mål 1")
    await bot.press(karen, field)
    for answer in answers:
        if answer in labels(bot, karen):
            await bot.press(karen, answer)
        else:
            await bot.send(karen, answer)

    row = goal(bot, plan.goal)
    name, expected = check
    assert getattr(row, name) == expected
    assert row.version == 2
    [revision] = revisions(bot)
    assert (revision.version, revision.change) == (1, "edit")
    assert bot.texts(karen)[-2].startswith("✅ Målet er rettet: ")


async def test_editing_the_contexts_toggles_them(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Ret mål 1")
    await bot.press(karen, "Kontekster")
    assert "✅ Skoleforhold" in labels(bot, karen)

    await bot.press(karen, "✅ Skoleforhold")
    await bot.press(karen, "Færdig")
    assert alerts(bot)[-1] == "Vælg mindst én kontekst."
    await bot.press(karen, "Venskabsforhold")
    await bot.press(karen, "Identitetsforhold")
    await bot.press(karen, "Færdig")

    types = plan.team.types
    assert contexts(bot, plan.goal) == {types["Venskabsforhold"], types["Identitetsforhold"]}
    [revision] = revisions(bot)
    assert json.loads(revision.snapshot)["context_ids"] == [plan.context_school]


async def test_an_edited_end_date_before_the_start_is_refused(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Ret mål 1")
    await bot.press(karen, "Slutdato")

    await bot.send(karen, "1.8.2026")
    assert bot.texts(karen)[-1] == "Slutdatoen skal ligge efter startdatoen."
    await bot.send(karen, "1.9.2027")

    assert goal(bot, plan.goal).end_date == date(2027, 9, 1)


async def test_the_same_value_again_changes_nothing(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Ret mål 1")
    await bot.press(karen, "Type")

    await bot.press(karen, "Udviklingsmål")

    assert bot.texts(karen)[-2] == "Uændret: det var den samme værdi."
    assert goal(bot, plan.goal).version == 1
    assert revisions(bot) == []
    assert audit(bot, "goal") == []


async def test_editing_a_sub_goal_keeps_a_revision(bot: BotHarness, plan: Plan) -> None:
    anna = plan.anna
    await bot.send(anna, "/maal Mia")
    await bot.press(anna, "Ret delmål 1.1")
    assert labels(bot, anna) == [
        "Delmålet",
        "Begrundelse",
        "Fremgangsmåde og metode",
        "Scoring",
        "Annullér",
    ]
    await bot.press(anna, "Fremgangsmåde og metode")
    await bot.send(anna, "Vækning kl. 6.45 med musik")
    await bot.press(anna, "Ret delmål 1.1")
    await bot.press(anna, "Scoring")
    await bot.press(anna, "Ugentligt")

    row = sub_goal(bot, plan.sub)
    assert (row.method, row.scoring_frequency, row.version) == (
        "Vækning kl. 6.45 med musik",
        "weekly",
        3,
    )
    first, second = revisions(bot)
    assert (first.sub_goal_id, first.goal_id, first.version, first.change) == (
        plan.sub,
        None,
        1,
        "edit",
    )
    assert json.loads(first.snapshot)["method"] == "Vækning kl. 7"
    assert json.loads(second.snapshot)["scoring_frequency"] == "daily"
    assert [a[4] for a in audit(bot, "sub_goal")] == ["field=method", "field=scoring_frequency"]


async def test_typing_at_a_pick_step_of_an_edit_asks_for_the_buttons(
    bot: BotHarness, plan: Plan
) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Ret mål 1")
    await bot.press(karen, "Type")

    await bot.send(karen, "andet")

    assert bot.texts(karen)[-1] == USE_BUTTONS
    assert goal(bot, plan.goal).goal_type == "udviklingsmaal"
    assert quick_drafts(bot) == []


# --- ending -------------------------------------------------------------------------------


async def test_ending_a_goal_ends_its_sub_goals(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    second_sub = goal_factories.sub_goal(bot.uow, plan.goal, bot.clock.now(), text="Mia læser")
    ended_sub = goal_factories.sub_goal(
        bot.uow, plan.goal, bot.clock.now(), text="Gammelt", status="ended",
        ended_on=date(2026, 10, 1), end_reason="Nået",
    )  # fmt: skip
    await bot.send(karen, "/maal Mia")
    old_plan = bot.last(karen)
    await bot.press(karen, "Afslut mål 1")
    assert bot.texts(karen)[-1] == (
        f"Afslut målet?\n{SCHOOL_GOAL}\nDets 2 aktive delmål afsluttes også.\n\n"
        "Vælg begrundelsen, eller skriv den:"
    )
    assert labels(bot, karen) == ["Nået", "Ikke relevant længere", "Andet", "Annullér"]

    await bot.press(karen, "Nået")

    row = goal(bot, plan.goal)
    assert (row.status, row.ended_on, row.end_reason, row.version) == ("ended", TODAY, "Nået", 2)
    assert row.next_evaluation_on is None
    for sub_id in (plan.sub, second_sub):
        sub = sub_goal(bot, sub_id)
        assert (sub.status, sub.ended_on, sub.end_reason, sub.version) == (
            "ended",
            TODAY,
            "Nået",
            2,
        )
    assert sub_goal(bot, ended_sub).ended_on == date(2026, 10, 1)  # left as it was
    changes = [(r.goal_id, r.sub_goal_id, r.change) for r in revisions(bot)]
    assert changes == [(plan.goal, None, "end"), (None, plan.sub, "end"), (None, second_sub, "end")]
    assert json.loads(revisions(bot)[0].snapshot)["status"] == "active"
    assert bot.texts(karen)[-2] == "✅ Målet er afsluttet (Nået). 2 delmål er afsluttet med det."
    assert bot.texts(karen)[-1] == f"Mål for Mia\n{MISSING_BOTH}\n\nIngen aktive mål endnu."
    assert [a[:2] for a in audit(bot, "goal", "sub_goal")] == [
        ("end", "sub_goal"),
        ("end", "sub_goal"),
        ("end", "goal"),
    ]

    # The buttons of the plan shown before still name the goal: they are refused now.
    for label in ("Ret mål 1", "➕ Delmål til mål 1", "Afslut delmål 1.1"):
        data = dict(bot.api.buttons(old_plan))[label]
        await bot.press_data(karen, data, old_plan.message_id)
    assert alerts(bot)[-3:] == [
        "Målet er afsluttet og kan ikke ændres. Se /maal.",
        "Målet er afsluttet og kan ikke ændres. Se /maal.",
        "Delmålet er afsluttet og kan ikke ændres. Se /maal.",
    ]


async def test_ending_a_sub_goal_with_a_typed_reason(bot: BotHarness, plan: Plan) -> None:
    anna = plan.anna
    await bot.send(anna, "/maal Mia")
    await bot.press(anna, "Afslut delmål 1.1")
    await bot.press(anna, "Andet")
    assert bot.texts(anna)[-1] == "Skriv begrundelsen:"

    await bot.send(anna, "Mia kommer nu selv op")

    sub = sub_goal(bot, plan.sub)
    assert (sub.status, sub.end_reason, sub.ended_on) == ("ended", "Mia kommer nu selv op", TODAY)
    assert goal(bot, plan.goal).status == "active"
    [revision] = revisions(bot)
    assert (revision.sub_goal_id, revision.change, revision.changed_by_id) == (
        plan.sub,
        "end",
        plan.anna_id,
    )
    assert bot.texts(anna)[-2] == "✅ Delmålet er afsluttet (Mia kommer nu selv op)."
    assert "Delmål 1.1" not in bot.texts(anna)[-1]


async def test_annuller_button_when_ending_keeps_the_goal(bot: BotHarness, plan: Plan) -> None:
    karen = plan.karen
    await bot.send(karen, "/maal Mia")
    await bot.press(karen, "Afslut mål 1")

    await bot.press(karen, "Annullér")

    assert bot.last(karen).text == CANCELLED
    assert goal(bot, plan.goal).status == "active"
    assert revisions(bot) == []


async def test_typed_html_is_shown_literally(bot: BotHarness, plan: Plan) -> None:
    goal_factories.goal(
        bot.uow, plan.team.ella, bot.clock.now(), text="Ella <b>siger</b> hej & vinker"
    )

    await bot.send(plan.karen, "/maal Ella")
    await bot.press(plan.karen, "Ret mål 1")

    assert "1. Ella <b>siger</b> hej & vinker\n" in bot.texts(plan.karen)[0]
    assert bot.texts(plan.karen)[-1] == "Hvad vil du rette i målet?\nElla <b>siger</b> hej & vinker"
