"""Joining with `/start CODE`: one-time, expiring invites that are stored only as a hash."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.domain.access import Role
from bot.services import staff as staff_service
from bot.services.staff import NewInvite
from bot.storage.models import AuditEvent, Department, Invite, Staff, StaffDepartment
from tests import factories
from tests.tg import BotHarness

TTL = timedelta(hours=72)


def invite(bot: BotHarness, role: Role, department: str = "Afd A") -> NewInvite:
    """Make an invite as the operator does from the command line."""
    return staff_service.create_invite(
        bot.uow(), bot.clock, None, role, department_name=department, ttl=TTL
    )


def hash_of(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def staff_rows(bot: BotHarness) -> list[Staff]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Staff)))


def invites(bot: BotHarness) -> list[Invite]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Invite)))


def all_text_values(bot: BotHarness) -> list[str]:
    """Return every text value in every table of the database."""
    values: list[str] = []
    with bot.uow.engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        for table in tables:
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                values.extend(v for v in row if isinstance(v, str))
    return values


@pytest.mark.parametrize(
    "role",
    [Role.MEDARBEJDER, Role.VIKAR, Role.AFDELINGSLEDER, Role.TILBUDSLEDER],
    ids=lambda r: r.value,
)
async def test_start_with_code_registers_role_and_department(bot: BotHarness, role: Role) -> None:
    new = invite(bot, role, "Afd Solsikken")
    user = bot.user(42, "Sara")

    await bot.send(user, f"/start {new.code}")

    [person] = staff_rows(bot)
    assert (person.telegram_user_id, person.display_name, person.role, person.active) == (
        42,
        "Sara",
        role.value,
        True,
    )
    with Session(bot.uow.engine) as session:
        links = session.exec(select(StaffDepartment)).all()
        department = session.exec(select(Department)).one()
        audit = session.exec(select(AuditEvent).where(AuditEvent.entity == "registration")).all()
    assert [(link.staff_id, link.department_id) for link in links] == [(person.id, department.id)]
    assert department.name == "Afd Solsikken"
    assert [(a.actor_id, a.action) for a in audit] == [(person.id, "create")]
    [stored] = invites(bot)
    assert stored.used_at == bot.clock.now()
    assert stored.used_by_id == person.id

    welcome, *rest = bot.texts(user)
    assert welcome == f"Velkommen, Sara! Du er registreret som {role.value} i Afd Solsikken."
    assert "Sådan skriver du en note" in rest[0]
    assert any("For ledere" in t for t in rest) == role.is_leader


async def test_registered_person_can_use_the_bot_right_after_joining(bot: BotHarness) -> None:
    new = invite(bot, Role.MEDARBEJDER)
    user = bot.user(42, "Sara")
    await bot.send(user, f"/start {new.code}")

    await bot.send(user, "/start")

    assert bot.texts(user)[-1] == "Hej igen, Sara. Skriv en note, eller send /hjaelp."


async def test_code_works_only_once(bot: BotHarness) -> None:
    new = invite(bot, Role.MEDARBEJDER)
    first, second = bot.user(42, "Sara"), bot.user(43, "Ole")
    await bot.send(first, f"/start {new.code}")

    await bot.send(second, f"/start {new.code}")

    assert bot.texts(second) == ["Den invitation er allerede brugt. Bed din leder om en ny."]
    assert [s.telegram_user_id for s in staff_rows(bot)] == [42]
    [stored] = invites(bot)
    assert stored.used_by_id == staff_rows(bot)[0].id


async def test_expired_code_is_refused(bot: BotHarness) -> None:
    new = invite(bot, Role.MEDARBEJDER)
    bot.clock.advance(TTL + timedelta(seconds=1))
    user = bot.user(42, "Sara")

    await bot.send(user, f"/start {new.code}")

    assert bot.texts(user) == ["Den invitation er udløbet. Bed din leder om en ny."]
    assert staff_rows(bot) == []
    assert invites(bot)[0].used_at is None


async def test_code_still_works_at_the_last_second(bot: BotHarness) -> None:
    new = invite(bot, Role.MEDARBEJDER)
    bot.clock.advance(TTL)
    user = bot.user(42, "Sara")

    await bot.send(user, f"/start {new.code}")

    assert [s.telegram_user_id for s in staff_rows(bot)] == [42]


@pytest.mark.parametrize(
    "code",
    [
        "A" * 32,  # the right shape, but no such invite
        "garbage",
        "'; DROP TABLE staff; --",
        "<b>x</b>",
        "A" * 31 + "!",
    ],
    ids=["unknown-code", "short", "sql", "html", "bad-char"],
)
async def test_unknown_or_garbage_code_is_refused_politely(bot: BotHarness, code: str) -> None:
    real = invite(bot, Role.AFDELINGSLEDER, "Afd Hemmelig")
    user = bot.user(42, "Sara")

    await bot.send(user, f"/start {code}")

    # One polite answer that tells nothing: not the department, not that other invites exist.
    assert bot.texts(user) == [
        "Den invitationskode kender jeg ikke. Tjek linket, eller bed din leder om et nyt."
    ]
    assert staff_rows(bot) == []
    [stored] = invites(bot)
    assert (stored.used_at, stored.code_hash) == (None, hash_of(real.code))


async def test_unknown_code_and_used_code_differ_only_in_the_reason(bot: BotHarness) -> None:
    """A stranger probing codes meets the same one-message refusal, with no other side effects."""
    user = bot.user(42, "Sara")

    await bot.send(user, "/start " + "B" * 32)
    await bot.send(user, "/start " + "C" * 32)

    assert len(bot.texts(user)) == 2
    assert len(bot.api.calls_to("sendMessage")) == 2
    assert staff_rows(bot) == []


async def test_only_the_sha256_of_the_code_is_stored(bot: BotHarness) -> None:
    new = invite(bot, Role.VIKAR)
    user = bot.user(42, "Sara")
    await bot.send(user, f"/start {new.code}")
    await bot.app.update_persistence()  # type: ignore[union-attr]

    [stored] = invites(bot)
    assert stored.code_hash == hash_of(new.code)
    values = all_text_values(bot)
    assert values, "the scan found no text at all"
    assert not [v for v in values if new.code in v]


async def test_start_without_code_from_a_stranger_is_refused(bot: BotHarness) -> None:
    user = bot.user(42, "Sara")

    await bot.send(user, "/start")

    assert bot.texts(user) == [
        "Hej! Denne bot er kun for registrerede medarbejdere. Bed din leder om et invitationslink."
    ]
    assert staff_rows(bot) == []


async def test_known_person_with_a_new_invite_joins_one_more_department(bot: BotHarness) -> None:
    now = bot.clock.now()
    dep_a = factories.department(bot.uow, "Afd A", now)
    person = factories.staff(bot.uow, 42, Role.MEDARBEJDER, [dep_a], now, name="Sara")
    new = invite(bot, Role.AFDELINGSLEDER, "Afd B")
    user = bot.user(42, "Sara")

    await bot.send(user, f"/start {new.code}")

    [row] = staff_rows(bot)
    assert row.role == Role.MEDARBEJDER.value  # an invite never changes a role
    with Session(bot.uow.engine) as session:
        deps = session.exec(
            select(Department.name)
            .join(StaffDepartment, StaffDepartment.department_id == Department.id)  # type: ignore[arg-type]
            .where(StaffDepartment.staff_id == person)
            .order_by(Department.name)
        ).all()
    assert list(deps) == ["Afd A", "Afd B"]


async def test_two_people_racing_for_one_code_register_once(bot: BotHarness) -> None:
    new = invite(bot, Role.MEDARBEJDER)
    first, second = bot.user(42, "Sara"), bot.user(43, "Ole")

    await asyncio.gather(
        bot.send(first, f"/start {new.code}"), bot.send(second, f"/start {new.code}")
    )

    assert len(staff_rows(bot)) == 1
    answers = sorted([bot.texts(first)[0], bot.texts(second)[0]])
    assert answers[0] == "Den invitation er allerede brugt. Bed din leder om en ny."
    assert answers[1].startswith("Velkommen, ")


async def test_opening_the_invite_link_again_does_not_ask_for_a_new_invite(
    bot: BotHarness,
) -> None:
    new = invite(bot, Role.MEDARBEJDER)
    user = bot.user(42, "Sara")
    await bot.send(user, f"/start {new.code}")
    before = len(bot.texts(user))

    await bot.send(user, f"/start {new.code}")

    [answer] = bot.texts(user)[before:]
    assert "Bed din leder om en ny" not in answer
