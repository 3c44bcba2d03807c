"""Leaders invite colleagues in the chat: /inviter, role, department, link; and who may not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.domain.access import Role
from bot.storage.models import AuditEvent, Invite, Staff, StaffDepartment
from tests import factories
from tests.tg import BotHarness

LINK = re.compile(r"https://t\.me/dagbogsbot_demo_bot\?start=([A-Za-z0-9_-]{32})")
NOT_ALLOWED = "Det har du ikke adgang til."
LEADERS_ONLY = "Kun ledere kan invitere kolleger."
BAD_BUTTON = "Den knap kender jeg ikke. Start forfra med kommandoen."


@dataclass
class Org:
    dep_a: int
    dep_b: int


@pytest.fixture
def org(bot: BotHarness) -> Org:
    now = bot.clock.now()
    return Org(
        factories.department(bot.uow, "Afd A", now), factories.department(bot.uow, "Afd B", now)
    )


def invites(bot: BotHarness) -> list[Invite]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Invite).order_by(Invite.id)))  # type: ignore[arg-type]


def button_labels(bot: BotHarness, user: dict[str, object]) -> list[str]:
    message = bot.api.last_message_with_buttons(int(str(user["id"])))
    assert message is not None, "no keyboard in the chat"
    return [label for label, _ in bot.api.buttons(message)]


def code_in(text: str) -> str:
    match = LINK.search(text)
    assert match is not None, text
    code = match[1]
    assert f"/start {code}" in text
    return code


async def test_afdelingsleder_invites_medarbejder_or_vikar_only(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [org.dep_a], bot.clock.now(), name="Karen")
    karen = bot.user(1, "Karen")

    await bot.send(karen, "/inviter")

    assert bot.last(karen).text == "Hvilken rolle skal den nye kollega have?"
    assert button_labels(bot, karen) == ["Medarbejder", "Vikar"]
    assert invites(bot) == []


@pytest.mark.parametrize(
    ("label", "role"),
    [("Medarbejder", Role.MEDARBEJDER)],
    ids=["medarbejder"],  # a substitute's invite asks more first: tests/handlers/test_onboarding.py
)
async def test_invite_link_from_the_chat_registers_the_new_colleague(
    bot: BotHarness, org: Org, label: str, role: Role
) -> None:
    karen_id = factories.staff(
        bot.uow, 1, Role.AFDELINGSLEDER, [org.dep_a], bot.clock.now(), name="Karen"
    )
    karen, newcomer = bot.user(1, "Karen"), bot.user(77, "Nina")
    await bot.send(karen, "/inviter")

    await bot.press(karen, label)

    text = bot.last(karen).text or ""
    assert text.startswith(f"Invitation til en {label} i Afd A.")
    assert "udløber 26.11. 10:00" in text  # 72 hours, in Copenhagen time
    assert bot.api.last_message_with_buttons(1) is None  # the role buttons are gone
    code = code_in(text)
    [invite] = invites(bot)
    assert (invite.role, invite.department_id, invite.created_by_id, invite.used_at) == (
        role.value,
        org.dep_a,
        karen_id,
        None,
    )
    assert code not in invite.code_hash

    await bot.send(newcomer, f"/start {code}")

    assert bot.texts(newcomer)[0] == f"Velkommen, Nina! Du er registreret som {role.value} i Afd A."
    with Session(bot.uow.engine) as session:
        nina = session.exec(select(Staff).where(Staff.telegram_user_id == 77)).one()
        deps = session.exec(
            select(StaffDepartment.department_id).where(StaffDepartment.staff_id == nina.id)
        ).all()
        audit = session.exec(select(AuditEvent).where(AuditEvent.entity == "invite")).all()
    assert nina.role == role.value
    assert list(deps) == [org.dep_a]
    assert [(a.actor_id, a.action, a.detail) for a in audit] == [
        (karen_id, "create", f"role={role.value}")
    ]


@pytest.mark.parametrize("role", [Role.MEDARBEJDER, Role.VIKAR], ids=lambda r: r.value)
async def test_non_leaders_cannot_invite(bot: BotHarness, org: Org, role: Role) -> None:
    factories.staff(bot.uow, 2, role, [org.dep_a], bot.clock.now(), name="Ole")
    ole = bot.user(2, "Ole")

    await bot.send(ole, "/inviter")
    await bot.press_data(ole, "i:med:0")
    await bot.press_data(ole, f"i:vikar:{org.dep_a}")

    assert bot.texts(ole) == [LEADERS_ONLY]
    assert bot.alerts() == [NOT_ALLOWED, NOT_ALLOWED]
    assert invites(bot) == []


@pytest.mark.parametrize(
    ("data", "alert"),
    [
        pytest.param("i:tilb:0", NOT_ALLOWED, id="tilbudsleder"),
        pytest.param("i:tilb:{dep_a}", NOT_ALLOWED, id="tilbudsleder-own-dep"),
        pytest.param("i:afd:{dep_a}", NOT_ALLOWED, id="afdelingsleder"),
        pytest.param("i:med:{dep_b}", NOT_ALLOWED, id="other-department"),
        pytest.param("i:med:99999", "Det findes ikke (længere).", id="no-such-department"),
        pytest.param("i:boss:0", BAD_BUTTON, id="role"),
        pytest.param("i:med:x", BAD_BUTTON, id="dep"),
    ],
)
async def test_forged_invite_press_from_afdelingsleder_is_refused(
    bot: BotHarness, org: Org, data: str, alert: str
) -> None:
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [org.dep_a], bot.clock.now(), name="Karen")
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/inviter")
    before = bot.texts(karen)

    await bot.press_data(karen, data.format(dep_a=org.dep_a, dep_b=org.dep_b))

    assert bot.alerts() == [alert]
    assert invites(bot) == []
    assert bot.texts(karen) == before


async def test_tilbudsleder_picks_role_and_department(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 3, Role.TILBUDSLEDER, [org.dep_a], bot.clock.now(), name="Tove")
    tove, newcomer = bot.user(3, "Tove"), bot.user(78, "Anders")

    await bot.send(tove, "/inviter")
    assert button_labels(bot, tove) == ["Medarbejder", "Vikar", "Afdelingsleder", "Tilbudsleder"]

    await bot.press(tove, "Afdelingsleder")
    assert bot.last(tove).text == "Hvilken afdeling skal den nye Afdelingsleder høre til?"
    assert button_labels(bot, tove) == ["Afd A", "Afd B"]
    assert invites(bot) == []

    await bot.press(tove, "Afd B")
    code = code_in(bot.last(tove).text or "")
    await bot.send(newcomer, f"/start {code}")

    assert bot.texts(newcomer)[0] == (
        "Velkommen, Anders! Du er registreret som afdelingsleder i Afd B."
    )
    assert "For ledere" in bot.texts(newcomer)[-1]


async def test_afdelingsleder_of_two_departments_chooses_among_own(
    bot: BotHarness, org: Org
) -> None:
    now = bot.clock.now()
    dep_c = factories.department(bot.uow, "Afd C", now)
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [org.dep_a, dep_c], now, name="Karen")
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/inviter")

    await bot.press(karen, "Medarbejder")

    assert button_labels(bot, karen) == ["Afd A", "Afd C"]
    await bot.press(karen, "Afd C")
    [invite] = invites(bot)
    assert (invite.role, invite.department_id) == ("medarbejder", dep_c)


async def test_afdelingsleder_without_department_is_told(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [], bot.clock.now(), name="Karen")
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/inviter")

    await bot.press(karen, "Medarbejder")

    assert bot.alerts() == ["Du er ikke knyttet til en afdeling, du kan invitere til."]
    assert invites(bot) == []


async def test_invite_made_in_the_chat_expires(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [org.dep_a], bot.clock.now(), name="Karen")
    karen, newcomer = bot.user(1, "Karen"), bot.user(77, "Nina")
    await bot.send(karen, "/inviter")
    await bot.press(karen, "Medarbejder")
    code = code_in(bot.last(karen).text or "")
    bot.clock.advance(timedelta(hours=bot.settings.invite_ttl_hours, seconds=1))

    await bot.send(newcomer, f"/start {code}")

    assert bot.texts(newcomer) == ["Den invitation er udløbet. Bed din leder om en ny."]


async def test_each_press_makes_a_fresh_code(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [org.dep_a], bot.clock.now(), name="Karen")
    karen = bot.user(1, "Karen")
    codes = []
    for _ in range(2):
        await bot.send(karen, "/inviter")
        await bot.press(karen, "Medarbejder")
        codes.append(code_in(bot.last(karen).text or ""))

    assert len(set(codes)) == 2
    assert len({i.code_hash for i in invites(bot)}) == 2
