"""/kontaktteam: leaders pick the team among the department's staff; every press re-checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.storage.models import AuditEvent, ContactTeamMember
from tests import factories
from tests.handlers.conftest import Team
from tests.tg import BotHarness

NOT_ALLOWED = "Det har du ikke adgang til."
NOT_LEADER = "Det er kun afdelingens ledere, der vælger kontaktteamet."
NOT_REGISTERED = (
    "Hej! Denne bot er kun for registrerede medarbejdere. Bed din leder om et invitationslink."
)
HINT = "Tryk på en medarbejder for at tilføje eller fjerne (✅ = i kontaktteamet)."


@dataclass(frozen=True)
class Org:
    """The team fixture (Anna A in Afd A, Bent B in Afd B) plus leaders and other staff."""

    team: Team
    karen: dict[str, Any]  # afdelingsleder, Afd A
    ole: dict[str, Any]  # medarbejder, Afd A
    tove: dict[str, Any]  # tilbudsleder
    birte: dict[str, Any]  # afdelingsleder, Afd B
    karen_id: int
    ole_id: int
    tove_id: int
    vera_id: int  # vikar, Afd A
    ivan_id: int  # inactive, Afd A
    lise_id: int  # access ended yesterday, Afd A
    birte_id: int


@pytest.fixture
def org(bot: BotHarness, team: Team) -> Org:
    now = bot.clock.now()
    dep_a, dep_b = team.dep_a, team.dep_b
    karen_id = factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep_a], now, name="Karen")
    ole_id = factories.staff(bot.uow, 2, Role.MEDARBEJDER, [dep_a], now, name="Ole")
    tove_id = factories.staff(bot.uow, 3, Role.TILBUDSLEDER, [], now, name="Tove")
    birte_id = factories.staff(bot.uow, 4, Role.AFDELINGSLEDER, [dep_b], now, name="Birte")
    vera_id = factories.staff(
        bot.uow, 9, Role.VIKAR, [dep_a], now, name="Vera", assigned=[team.mia]
    )
    ivan_id = factories.staff(
        bot.uow, 10, Role.MEDARBEJDER, [dep_a], now, name="Ivan", active=False
    )
    lise_id = factories.staff(
        bot.uow, 11, Role.MEDARBEJDER, [dep_a], now, name="Lise", access_ends_on=date(2026, 11, 22)
    )
    return Org(
        team=team,
        karen=bot.user(1, "Karen"),
        ole=bot.user(2, "Ole"),
        tove=bot.user(3, "Tove"),
        birte=bot.user(4, "Birte"),
        karen_id=karen_id,
        ole_id=ole_id,
        tove_id=tove_id,
        vera_id=vera_id,
        ivan_id=ivan_id,
        lise_id=lise_id,
        birte_id=birte_id,
    )


def labels(bot: BotHarness, user: dict[str, Any]) -> list[str]:
    message = bot.api.last_message_with_buttons(user["id"])
    assert message is not None
    return [label for label, _ in bot.api.buttons(message)]


def alerts(bot: BotHarness) -> list[str]:
    return [a for a in bot.alerts() if a]


def members(bot: BotHarness, resident_id: int) -> list[tuple[int, int | None]]:
    """Return (staff id, added by) of a resident's kontaktteam."""
    with Session(bot.uow.engine) as session:
        rows = session.exec(
            select(ContactTeamMember)
            .where(ContactTeamMember.resident_id == resident_id)
            .order_by(col(ContactTeamMember.staff_id))
        )
        return [(m.staff_id, m.added_by_id) for m in rows]


def audit(bot: BotHarness) -> list[tuple[str, int | None, int | None, int | None, str]]:
    with Session(bot.uow.engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == "contact_team")
            .order_by(col(AuditEvent.id))
        )
        return [(a.action, a.actor_id, a.entity_id, a.resident_id, a.detail) for a in rows]


# --- showing the team ---------------------------------------------------------------------


async def test_usage_without_a_name(bot: BotHarness, org: Org) -> None:
    await bot.send(org.karen, "/kontaktteam")

    assert bot.texts(org.karen) == ["Skriv /kontaktteam og beboerens navn, fx /kontaktteam Mia."]


async def test_leader_sees_the_team_and_the_departments_staff(bot: BotHarness, org: Org) -> None:
    await bot.send(org.karen, "/kontaktteam mia")

    assert (
        bot.last(org.karen).text == f"Kontaktteam for Mia\nIngen i kontaktteamet endnu.\n\n{HINT}"
    )
    # Vikar, inactive and ended access are not offered; staff of Afd B neither.
    assert labels(bot, org.karen) == ["Anna A", "Karen", "Ole"]


@pytest.mark.parametrize("user_id", [2, 9], ids=["medarbejder", "vikar"])
async def test_non_leaders_are_refused(bot: BotHarness, org: Org, user_id: int) -> None:
    user = bot.user(user_id)

    await bot.send(user, "/kontaktteam Mia")
    await bot.press_data(user, f"k:a:{org.team.mia}:{org.ole_id}")
    await bot.press_data(user, f"k:s:{org.team.mia}:0")

    assert bot.texts(user) == [NOT_LEADER]
    assert alerts(bot) == [NOT_LEADER, NOT_LEADER]
    assert members(bot, org.team.mia) == []


async def test_ambiguous_name_offers_the_candidates(bot: BotHarness, org: Org) -> None:
    await bot.send(org.karen, "/kontaktteam oli")
    assert bot.last(org.karen).text == "Hvilken beboer mener du?"
    assert sorted(labels(bot, org.karen)) == ["Oliver", "Olivia"]

    await bot.press(org.karen, "Oliver")

    assert bot.last(org.karen).text == (
        f"Kontaktteam for Oliver\nIngen i kontaktteamet endnu.\n\n{HINT}"
    )
    assert len(bot.texts(org.karen)) == 1  # the question became the card


async def test_tilbudsleder_chooses_in_every_department(bot: BotHarness, org: Org) -> None:
    await bot.send(org.tove, "/kontaktteam Bo")
    assert labels(bot, org.tove) == ["Bent B", "Birte"]

    await bot.press(org.tove, "Bent B")

    assert members(bot, org.team.bo) == [(org.team.staff_b, org.tove_id)]
    assert bot.last(org.tove).text == f"Kontaktteam for Bo\nMedlemmer: Bent B\n\n{HINT}"


async def test_a_department_without_staff_says_how_to_get_them(bot: BotHarness, org: Org) -> None:
    dep_c = factories.department(bot.uow, "Afd C", bot.clock.now())
    factories.resident(bot.uow, "Sara", dep_c, bot.clock.now())

    await bot.send(org.tove, "/kontaktteam Sara")

    assert bot.last(org.tove).text == (
        "Kontaktteam for Sara\nIngen i kontaktteamet endnu.\n\n"
        "Der er ingen registrerede medarbejdere i afdelingen endnu. Inviter dem med /inviter."
    )
    assert bot.last(org.tove).inline_keyboard is None


# --- adding and removing --------------------------------------------------------------------


async def test_leader_adds_and_removes_members(bot: BotHarness, org: Org) -> None:
    karen, mia = org.karen, org.team.mia
    await bot.send(karen, "/kontaktteam Mia")

    await bot.press(karen, "Anna A")
    assert bot.alerts()[-1] == "Anna A er nu i kontaktteamet."
    await bot.press(karen, "Ole")
    assert members(bot, mia) == [(org.team.staff_a, org.karen_id), (org.ole_id, org.karen_id)]
    assert bot.last(karen).text == f"Kontaktteam for Mia\nMedlemmer: Anna A, Ole\n\n{HINT}"
    assert labels(bot, karen) == ["✅ Anna A", "✅ Ole", "Karen"]

    await bot.press(karen, "✅ Anna A")

    assert bot.alerts()[-1] == "Anna A er taget ud af kontaktteamet."
    assert members(bot, mia) == [(org.ole_id, org.karen_id)]
    assert labels(bot, karen) == ["✅ Ole", "Anna A", "Karen"]
    assert audit(bot) == [
        ("update", org.karen_id, org.team.staff_a, mia, "add"),
        ("update", org.karen_id, org.ole_id, mia, "add"),
        ("update", org.karen_id, org.team.staff_a, mia, "remove"),
    ]
    assert len(bot.texts(karen)) == 1  # one card, edited in place


async def test_a_repeated_press_on_an_old_card_changes_nothing(bot: BotHarness, org: Org) -> None:
    karen = org.karen
    await bot.send(karen, "/kontaktteam Mia")
    card = bot.last(karen)
    add_anna = dict(bot.api.buttons(card))["Anna A"]
    await bot.press(karen, "Anna A")

    await bot.press_data(karen, add_anna, card.message_id)

    assert members(bot, org.team.mia) == [(org.team.staff_a, org.karen_id)]
    assert len(audit(bot)) == 1
    assert bot.alerts()[-1] == ""  # answered quietly


async def test_a_new_member_owns_the_plan_at_once(bot: BotHarness, org: Org) -> None:
    await bot.send(org.karen, "/kontaktteam Mia")
    await bot.press(org.karen, "Ole")

    await bot.send(org.ole, "/maal Mia")
    assert labels(bot, org.ole) == ["➕ Nyt mål"]

    await bot.press(org.karen, "✅ Ole")
    await bot.send(org.ole, "/maal Mia")
    assert bot.last(org.ole).inline_keyboard is None


@pytest.mark.parametrize(
    ("who", "name"),
    [
        pytest.param("staff_b", "Bent B", id="other-department"),
        pytest.param("vera_id", "Vera", id="vikar"),
        pytest.param("ivan_id", "Ivan", id="inactive"),
        pytest.param("lise_id", "Lise", id="access-ended"),
    ],
)
async def test_forged_add_of_someone_who_may_not_join_is_refused(
    bot: BotHarness, org: Org, who: str, name: str
) -> None:
    staff_id = getattr(org.team, who) if who == "staff_b" else getattr(org, who)
    await bot.send(org.karen, "/kontaktteam Mia")

    await bot.press_data(org.karen, f"k:a:{org.team.mia}:{staff_id}")

    assert alerts(bot) == [
        f"{name} kan ikke komme i kontaktteamet: kun aktive, faste medarbejdere i beboerens "
        "afdeling."
    ]
    assert members(bot, org.team.mia) == []
    assert audit(bot) == []


async def test_forged_presses_on_another_departments_resident_are_refused(
    bot: BotHarness, org: Org
) -> None:
    await bot.send(org.karen, "/kontaktteam Mia")
    bo = org.team.bo

    await bot.press_data(org.karen, f"k:a:{bo}:{org.team.staff_b}")
    await bot.press_data(org.karen, f"k:r:{bo}:{org.team.staff_b}")
    await bot.press_data(org.karen, f"k:s:{bo}:0")
    await bot.press_data(org.karen, f"k:a:{org.team.mia}:999999")  # nobody
    await bot.send(org.birte, "/kontaktteam Mia")
    await bot.press_data(org.birte, f"k:a:{org.team.mia}:{org.birte_id}")

    assert alerts(bot) == [NOT_ALLOWED] * 5
    assert bot.texts(org.birte) == ["Jeg fandt ingen beboer, der hedder »Mia«."]
    assert members(bot, bo) == []
    assert members(bot, org.team.mia) == []
    assert audit(bot) == []


async def test_a_stranger_pressing_a_team_button_is_refused(bot: BotHarness, org: Org) -> None:
    stranger = bot.user(777, "Fremmed")
    assert bot.app is not None
    message = await bot.app.bot.send_message(777, "Gammelt kort")

    await bot.press_data(stranger, f"k:a:{org.team.mia}:{org.ole_id}", message.message_id)

    assert alerts(bot) == [NOT_REGISTERED]
    assert members(bot, org.team.mia) == []
