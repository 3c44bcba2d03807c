"""Sub-goal diary notes and "Manglende arbejde med delmål" on the quick-note card, end to end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from bot.clock import FixedClock
from bot.domain.access import Role
from bot.storage.models import IndicatorScore, ResidentAssignment, SubGoal
from bot.storage.uow import UnitOfWorkFactory
from tests import factories, goal_factories
from tests.handlers.conftest import (
    KOMM,
    Team,
    all_drafts,
    all_notes,
    audit_events,
    card_draft_id,
    labels,
)
from tests.tg import BotHarness

MISSING = "Manglende arbejde med delmål"
FIRST = "Mia møder til første time"
SECOND = "Mia siger godmorgen til personalet"
ENDED = "Mia tager selv sko på"
REASONS = [
    "Sygdom",
    "Personalemangel",
    "Barnet/den unge ønskede det ikke",
    "Aktivitet aflyst",
    "Andet – skriv selv",
]
CONFIRM_BUTTONS = ["Gem", "Skift beboer", "Skift type", "Annullér"]
NOT_ALLOWED = "Det har du ikke adgang til."
SUB_GOAL_ENDED = "Det delmål er ikke længere aktivt. Vælg et andet delmål."
SCALE = ["1", "2", "3", "4", "5"]


@dataclass(frozen=True)
class Plan:
    """Mia's goal with two active sub-goals (daily, none) and an ended one; Oliver and Bo too."""

    first: int
    second: int
    ended: int
    oliver: int
    bo: int


@pytest.fixture
def plan(uow_factory: UnitOfWorkFactory, clock: FixedClock, team: Team) -> Plan:
    now = clock.now()
    goal = goal_factories.goal(uow_factory, team.mia, now)
    first = goal_factories.sub_goal(uow_factory, goal, now, text=FIRST, scoring_frequency="daily")
    second = goal_factories.sub_goal(uow_factory, goal, now, text=SECOND, scoring_frequency="none")
    ended = goal_factories.sub_goal(
        uow_factory, goal, now, text=ENDED, status="ended", ended_on=date(2026, 11, 1)
    )
    oliver_goal = goal_factories.goal(uow_factory, team.oliver, now, text="Oliver spiser selv")
    oliver = goal_factories.sub_goal(uow_factory, oliver_goal, now, text="Oliver bruger ske")
    bo_goal = goal_factories.goal(uow_factory, team.bo, now, text="Bo går tur")
    bo = goal_factories.sub_goal(uow_factory, bo_goal, now, text="Bo går til bussen")
    return Plan(first, second, ended, oliver, bo)


def card_text(bot: BotHarness, team: Team) -> str:
    return bot.last(team.user).text or ""


def end_sub_goal(uow_factory: UnitOfWorkFactory, sub_goal_id: int) -> None:
    with Session(uow_factory.engine) as session:
        row = session.get(SubGoal, sub_goal_id)
        assert row is not None
        row.status, row.ended_on = "ended", date(2026, 11, 23)
        session.add(row)
        session.commit()


def scores(bot: BotHarness) -> list[IndicatorScore]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(IndicatorScore)))


# --- the Delmål choice on a quick note ---------------------------------------------------------


async def test_delmaal_is_offered_only_for_a_resident_with_active_sub_goals(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "ella komm vinkede")
    assert labels(bot.last(team.user)) == CONFIRM_BUTTONS

    await bot.send(team.user, "mia komm pegede på saft")
    assert card_text(bot, team) == (f"📝 Ny note\nBeboer: Mia\nType: {KOMM}\n\npegede på saft")
    assert labels(bot.last(team.user)) == [
        "Gem",
        "Skift beboer",
        "Skift type",
        "Delmål",
        "Annullér",
    ]


async def test_picking_a_sub_goal_attaches_the_note_and_saves_a_sub_goal_note(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")

    picker = bot.last(team.user)
    assert picker.text == (
        f"📝 Hvilket delmål handler noten om?\nBeboer: Mia\nType: {KOMM}\n\npegede på saft"
    )
    # Only the active sub-goals of Mia's active goals; the ended one is not offered.
    assert labels(picker) == [FIRST, SECOND, "Tilbage", "Annullér"]

    await bot.press(team.user, FIRST)
    card = bot.last(team.user)
    assert card.text == (
        f"📝 Ny note\nBeboer: Mia\nType: {KOMM}\nDelmål: {FIRST}\n\npegede på saft"
    )
    assert labels(card) == [
        "Gem",
        "Skift beboer",
        "Skift type",
        "Skift delmål",
        "Fjern delmål",
        "Annullér",
    ]
    [draft] = all_drafts(bot.uow.engine)
    assert draft.sub_goal_id == plan.first

    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.sub_goal_id, note.missing_reason, note.text) == (
        team.mia,
        plan.first,
        None,
        "pegede på saft",
    )
    saved = bot.api.message(team.user["id"], card.message_id)
    assert saved is not None
    assert saved.text is not None
    assert saved.text.startswith("✅ Gemt kl. 10:00\n")
    assert f"Delmål: {FIRST}" in saved.text
    [event] = audit_events(bot.uow.engine, entity="diary_note")
    assert (event.action, event.entity_id, event.detail) == (
        "create",
        note.id,
        f"sub_goal={plan.first}",
    )


async def test_fjern_delmaal_saves_a_plain_note(bot: BotHarness, team: Team, plan: Plan) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, FIRST)

    await bot.press(team.user, "Fjern delmål")

    assert card_text(bot, team) == f"📝 Ny note\nBeboer: Mia\nType: {KOMM}\n\npegede på saft"
    assert "Delmål" in labels(bot.last(team.user))
    await bot.press(team.user, "Gem")
    [note] = all_notes(bot.uow.engine)
    assert note.sub_goal_id is None
    # A plain note offers no score.
    assert labels(bot.last(team.user)) == ["Fortryd"]


async def test_tilbage_leaves_the_sub_goal_picker_without_a_sub_goal(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, "Tilbage")

    assert card_text(bot, team) == f"📝 Ny note\nBeboer: Mia\nType: {KOMM}\n\npegede på saft"
    [draft] = all_drafts(bot.uow.engine)
    assert draft.sub_goal_id is None


async def test_changing_the_resident_clears_the_sub_goal(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, FIRST)

    await bot.press(team.user, "Skift beboer")
    await bot.press(team.user, "Oliver")

    assert card_text(bot, team) == (f"📝 Ny note\nBeboer: Oliver\nType: {KOMM}\n\npegede på saft")
    [draft] = all_drafts(bot.uow.engine)
    assert (draft.resident_id, draft.sub_goal_id) == (team.oliver, None)
    await bot.press(team.user, "Gem")
    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.sub_goal_id) == (team.oliver, None)


async def test_a_sub_goal_note_offers_the_scale_as_one_row(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, FIRST)
    await bot.press(team.user, "Gem")

    offer = bot.last(team.user)
    assert offer.inline_keyboard is not None
    assert [[b["text"] for b in row] for row in offer.inline_keyboard] == [SCALE]
    assert offer.text == (
        f"📊 Score for Mia\nDelmål: {FIRST}\n\n"
        "1 = Meget stort støttebehov\n2 = Stort støttebehov\n3 = Noget støttebehov\n"
        "4 = Lidt støttebehov\n5 = Intet støttebehov\n\n"
        "Tryk på et tal for at give en score."
    )
    assert scores(bot) == []

    await bot.press(team.user, "4")

    [score] = scores(bot)
    assert (score.sub_goal_id, score.resident_id, score.score, score.author_id) == (
        plan.first,
        team.mia,
        4,
        team.staff_a,
    )
    assert (score.slot_key, score.slot_date, score.scored_at) == (
        "2026-11-23",
        date(2026, 11, 23),
        bot.clock.now(),
    )
    assert (bot.last(team.user).text or "").startswith(
        "✅ Score 4 (Lidt støttebehov) er gemt for Mia, 23.11.2026."
    )


async def test_no_scale_after_a_note_on_a_sub_goal_without_scoring(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, SECOND)
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert note.sub_goal_id == plan.second
    assert (card_text(bot, team)).startswith("✅ Gemt")
    assert labels(bot.last(team.user)) == ["Fortryd"]


async def test_pressing_gem_twice_offers_the_scale_once(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, FIRST)
    card = bot.last(team.user)
    gem = f"n:{card_draft_id(card)}:s:0"

    await bot.press_data(team.user, gem, card.message_id)
    await bot.press_data(team.user, gem, card.message_id)

    assert len(all_notes(bot.uow.engine)) == 1
    offers = [t for t in bot.texts(team.user) if t.startswith("📊 Score for Mia")]
    assert len(offers) == 1


# --- every press re-checks the sub-goal and the resident ----------------------------------------


@pytest.mark.parametrize("which", ["bo", "oliver"], ids=["other-department", "other-resident"])
async def test_forged_pick_of_a_sub_goal_not_of_the_drafts_resident_is_refused(
    bot: BotHarness, team: Team, plan: Plan, which: str
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    card = bot.last(team.user)
    forged = {"bo": plan.bo, "oliver": plan.oliver}[which]

    await bot.press_data(team.user, f"n:{card_draft_id(card)}:pg:{forged}")

    assert bot.alerts() == [NOT_ALLOWED]
    [draft] = all_drafts(bot.uow.engine)
    assert draft.sub_goal_id is None
    assert bot.last(team.user).text == card.text
    assert all("Bo går" not in t and "Oliver bruger" not in t for t in bot.texts(team.user))


async def test_forged_pick_of_an_ended_sub_goal_is_refused(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    card = bot.last(team.user)

    await bot.press_data(team.user, f"n:{card_draft_id(card)}:pg:{plan.ended}")

    assert bot.alerts() == [SUB_GOAL_ENDED]
    [draft] = all_drafts(bot.uow.engine)
    assert draft.sub_goal_id is None


async def test_a_sub_goal_ended_before_gem_is_not_saved(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, FIRST)
    end_sub_goal(bot.uow, plan.first)

    await bot.press(team.user, "Gem")

    assert bot.alerts()[-1] == SUB_GOAL_ENDED
    assert all_notes(bot.uow.engine) == []
    [draft] = all_drafts(bot.uow.engine)
    assert draft.status == "open"


async def test_a_substitute_no_longer_assigned_cannot_pick_a_sub_goal(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    vera = bot.user(30, "Vera")
    now = bot.clock.now()
    staff_id = factories.staff(
        bot.uow, 30, Role.VIKAR, [team.dep_a], now, name="Vera", assigned=[team.mia]
    )
    await bot.send(vera, "mia komm pegede på saft")
    card = bot.last(vera)
    assert "Delmål" in labels(card)
    with Session(bot.uow.engine) as session:
        row = session.get(ResidentAssignment, (staff_id, team.mia))
        session.delete(row)
        session.commit()

    await bot.press(vera, "Delmål")
    await bot.press_data(vera, f"n:{card_draft_id(card)}:pg:{plan.first}", card.message_id)

    assert bot.alerts() == [NOT_ALLOWED, NOT_ALLOWED]
    assert all(FIRST not in t for t in bot.texts(vera))
    [draft] = all_drafts(bot.uow.engine)
    assert draft.sub_goal_id is None


# --- "Manglende arbejde med delmål": sub-goal and reason first, then Gem -----------------------


async def test_missing_work_asks_for_sub_goal_then_reason_before_gem(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")

    card = bot.last(team.user)
    assert card.text == (
        "📝 Hvilket delmål blev der ikke arbejdet med?\n"
        f"Beboer: Mia\nType: {MISSING}\n\ningen tid i dag"
    )
    assert labels(card) == [FIRST, SECOND, "Skift beboer", "Skift type", "Annullér"]

    await bot.press(team.user, FIRST)
    card = bot.last(team.user)
    assert card.text == (
        "📝 Hvorfor blev der ikke arbejdet med delmålet? "
        "Vælg en årsag, eller skriv den som en besked.\n"
        f"Beboer: Mia\nType: {MISSING}\nDelmål: {FIRST}\n\ningen tid i dag"
    )
    assert labels(card) == [*REASONS, "Skift delmål", "Annullér"]
    assert "Gem" not in labels(card)

    await bot.press(team.user, "Sygdom")
    card = bot.last(team.user)
    assert card.text == (
        f"📝 Ny note\nBeboer: Mia\nType: {MISSING}\nDelmål: {FIRST}\nÅrsag: Sygdom\n\n"
        "ingen tid i dag"
    )
    assert labels(card) == [
        "Gem",
        "Skift beboer",
        "Skift type",
        "Skift delmål",
        "Skift årsag",
        "Annullér",
    ]

    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.sub_goal_id, note.missing_reason, note.text) == (
        team.mia,
        plan.first,
        "Sygdom",
        "ingen tid i dag",
    )
    # Missing work is not scored: the saved card is the last message, no scale follows.
    assert card_text(bot, team).startswith("✅ Gemt")
    assert labels(bot.last(team.user)) == ["Fortryd"]


async def test_a_forged_gem_before_the_reason_saves_nothing(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    draft_id = card_draft_id(bot.last(team.user))

    await bot.press_data(team.user, f"n:{draft_id}:s:0")
    await bot.press(team.user, FIRST)
    await bot.press_data(team.user, f"n:{draft_id}:s:0")

    assert [alert for alert in bot.alerts() if alert] == [
        "Vælg delmålet, før du gemmer.",
        "Vælg eller skriv årsagen, før du gemmer.",
    ]
    assert all_notes(bot.uow.engine) == []


async def test_a_typed_reason_is_taken_and_does_not_become_a_quick_note(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)

    await bot.send(team.user, "oliver komm vikaren kom ikke")

    [draft] = all_drafts(bot.uow.engine)
    assert draft.missing_reason == "oliver komm vikaren kom ikke"
    card = bot.last(team.user)
    assert card.text == (
        f"📝 Ny note\nBeboer: Mia\nType: {MISSING}\nDelmål: {FIRST}\n"
        "Årsag: oliver komm vikaren kom ikke\n\ningen tid i dag"
    )
    await bot.press(team.user, "Gem")
    [note] = all_notes(bot.uow.engine)
    assert note.missing_reason == "oliver komm vikaren kom ikke"

    # The reason is given: the next text is a quick note again.
    await bot.send(team.user, "oliver komm vinkede")
    assert len(all_drafts(bot.uow.engine)) == 2
    assert card_text(bot, team) == f"📝 Ny note\nBeboer: Oliver\nType: {KOMM}\n\nvinkede"


async def test_andet_asks_for_the_reason_as_a_message(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)

    await bot.press(team.user, "Andet – skriv selv")
    assert bot.alerts()[-1] == "Skriv årsagen som en besked."
    await bot.send(team.user, "Bussen kørte ikke")

    [draft] = all_drafts(bot.uow.engine)
    assert draft.missing_reason == "Bussen kørte ikke"
    assert "Gem" in labels(bot.last(team.user))


async def test_a_too_long_typed_reason_is_refused_and_the_card_still_waits(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)

    await bot.send(team.user, "x" * 501)

    assert card_text(bot, team) == "Årsagen er for lang (højst 500 tegn). Skriv den kortere."
    [draft] = all_drafts(bot.uow.engine)
    assert draft.missing_reason is None
    await bot.send(team.user, "y" * 500)
    [draft] = all_drafts(bot.uow.engine)
    assert draft.missing_reason == "y" * 500


async def test_reason_survives_a_restart(bot: BotHarness, team: Team, plan: Plan) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)

    await bot.restart()
    await bot.send(team.user, "Personalet var på kursus")

    [draft] = all_drafts(bot.uow.engine)
    assert draft.missing_reason == "Personalet var på kursus"


async def test_skift_aarsag_replaces_the_reason(bot: BotHarness, team: Team, plan: Plan) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)
    await bot.press(team.user, "Sygdom")

    await bot.press(team.user, "Skift årsag")
    assert labels(bot.last(team.user)) == [*REASONS, "Skift delmål", "Annullér"]
    [draft] = all_drafts(bot.uow.engine)
    assert draft.missing_reason is None
    await bot.send(team.user, "Aktiviteten blev flyttet")
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert note.missing_reason == "Aktiviteten blev flyttet"


@pytest.mark.parametrize("leave", ["/annuller", "Annullér"])
async def test_leaving_the_reason_makes_text_a_quick_note_again(
    bot: BotHarness, team: Team, plan: Plan, leave: str
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)

    if leave.startswith("/"):
        await bot.send(team.user, leave)
    else:
        await bot.press(team.user, leave)
    await bot.send(team.user, "oliver komm vinkede")

    first, second = all_drafts(bot.uow.engine)
    assert first.missing_reason is None
    assert (second.resident_id, second.text) == (team.oliver, "vinkede")
    assert all_notes(bot.uow.engine) == []


async def test_switching_a_sub_goal_note_to_missing_work_asks_only_for_the_reason(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia komm ingen tid i dag")
    await bot.press(team.user, "Delmål")
    await bot.press(team.user, FIRST)
    await bot.press(team.user, "Skift type")
    await bot.press(team.user, MISSING)

    assert labels(bot.last(team.user)) == [*REASONS, "Skift delmål", "Annullér"]
    await bot.send(team.user, "Mia sov længe")
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.diary_type_id, note.sub_goal_id, note.missing_reason) == (
        team.types[MISSING],
        plan.first,
        "Mia sov længe",
    )


async def test_switching_away_from_missing_work_drops_the_reason(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)
    await bot.press(team.user, "Sygdom")
    await bot.press(team.user, "Skift type")
    await bot.press(team.user, KOMM)
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.diary_type_id, note.sub_goal_id, note.missing_reason) == (
        team.types[KOMM],
        plan.first,
        None,
    )


async def test_missing_work_for_a_resident_without_sub_goals_says_it_needs_one(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "ella delmål ingen tid i dag")
    card = bot.last(team.user)
    assert labels(card) == CONFIRM_BUTTONS

    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.sub_goal_id, note.missing_reason) == (team.ella, None, None)
    saved = bot.api.message(team.user["id"], card.message_id)
    assert saved is not None
    assert saved.text == (
        f"✅ Gemt kl. 10:00\nBeboer: Ella\nType: {MISSING}\n\ningen tid i dag\n\n"
        "⚠️ Typen kræver et delmål, men Ella har ingen aktive delmål. Noten er gemt uden delmål "
        "og kommer ikke med i en evaluering. Fortryd og vælg en anden type, hvis det passer bedre."
    )
    assert labels(bot.last(team.user)) == ["Fortryd"]


async def test_missing_work_in_the_step_by_step_note(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, MISSING)
    await bot.send(team.user, "ingen tid i dag")

    assert labels(bot.last(team.user)) == [FIRST, SECOND, "Skift beboer", "Skift type", "Annullér"]
    await bot.press(team.user, SECOND)
    await bot.send(team.user, "Personalemøde")
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.sub_goal_id, note.missing_reason, note.text) == (
        plan.second,
        "Personalemøde",
        "ingen tid i dag",
    )
    assert len(all_drafts(bot.uow.engine)) == 1


async def test_an_older_card_waiting_for_a_reason_never_takes_a_later_text(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    # Monday: a card left waiting for its reason.
    await bot.send(team.user, "mia delmål ingen tid i dag")
    await bot.press(team.user, FIRST)
    monday = all_drafts(bot.uow.engine)[0]
    await bot.send(team.user, "/mine")  # another command quietly leaves the waiting
    # Tuesday: a second card to the same point, then cancelled from its own button.
    bot.clock.advance(timedelta(days=1))
    await bot.send(team.user, "mia delmål heller ikke i dag")
    await bot.press(team.user, FIRST)
    await bot.press(team.user, "Annullér")

    await bot.send(team.user, "oliver komm vinkede")

    drafts = {d.id: d for d in all_drafts(bot.uow.engine)}
    assert drafts[monday.id].missing_reason is None  # Monday's card did not take the text
    assert card_text(bot, team) == f"📝 Ny note\nBeboer: Oliver\nType: {KOMM}\n\nvinkede"
