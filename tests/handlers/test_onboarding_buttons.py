"""Substitute onboarding (issue 5) at its edges: the /inviter → Vikar flow with typed dates and
wrong choices, refusals of /tjekliste and /vikarer, forged callback data, double ticks, the
leader's buttons, access that ends by itself, a substitute's quick notes and the brief's content.

Real Application on the fake Bot API and a real SQLite file; see test_onboarding.py for the
happy path. Every refusal is checked for its Danish answer and for an unchanged database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.storage.models import (
    AuditEvent,
    BriefRead,
    DiaryNote,
    DiaryType,
    Invite,
    InviteResident,
    NoteDraft,
    OnboardingStep,
    ResidentAssignment,
    Staff,
)
from tests import factories, goal_factories
from tests.handlers.conftest import add_note
from tests.tg import BotHarness

LINK = re.compile(r"\?start=([A-Za-z0-9_-]{32})")
TODAY = date(2026, 11, 23)  # the clock's local day (tests/conftest.py START)

# The Danish answers under test (bot/texts), spelled out so that a changed text is noticed.
NOT_ALLOWED = "Det har du ikke adgang til."
BAD_BUTTON = "Den knap kender jeg ikke. Start forfra med kommandoen."
STALE_BUTTON = "Den knap hører til noget, der er afsluttet. Start forfra med kommandoen."
ACCESS_ENDED = "Din adgang til botten er ophørt. Kontakt din leder, hvis det er en fejl."
NOT_SUBSTITUTE = "Tjeklisten og beboer-briefs er for vikarer. Ledere ser vikarerne med /vikarer."
LEADERS_ONLY = "Kun ledere kan se vikarerne og tjeklisten."
END_BEFORE_START = "Den sidste dag med adgang kan ikke ligge før startdatoen."
END_IN_PAST = "Den sidste dag med adgang kan ikke ligge før i dag."
START_TOO_EARLY = "Startdatoen kan højst ligge 30 dage tilbage."
NO_RESIDENTS = "Vælg mindst én beboer, vikaren skal arbejde med."
ASK_START = "Hvornår starter vikaren?"
ASK_RESIDENTS = "Hvilke beboere skal vikaren arbejde med?"
ASK_END = "Hvor længe skal adgangen vare?"
KOMM = "Kommunikationsforhold"
IPEL = "Indflydelse på eget liv"
SUNDHED = "Sundhedsforhold"
VIKARMOEDE = "Vikarmøde"


@dataclass
class Home:
    """Afd A (Mia, Noah, Olivia; leader Karen, medarbejder Anna) and Afd B (Bo; leader Bent)."""

    dep_a: int
    dep_b: int
    mia: int
    noah: int
    olivia: int
    bo: int
    karen: int
    bent: int
    anna: int


@pytest.fixture
def home(bot: BotHarness) -> Home:
    now = bot.clock.now()
    dep_a = factories.department(bot.uow, "Afd A", now)
    dep_b = factories.department(bot.uow, "Afd B", now)
    return Home(
        dep_a=dep_a,
        dep_b=dep_b,
        mia=factories.resident(bot.uow, "Mia", dep_a, now),
        noah=factories.resident(bot.uow, "Noah", dep_a, now),
        olivia=factories.resident(bot.uow, "Olivia", dep_a, now),
        bo=factories.resident(bot.uow, "Bo", dep_b, now),
        karen=factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep_a], now, name="Karen"),
        bent=factories.staff(bot.uow, 2, Role.AFDELINGSLEDER, [dep_b], now, name="Bent"),
        anna=factories.staff(bot.uow, 42, Role.MEDARBEJDER, [dep_a], now, name="Anna"),
    )


# --- chat helpers ------------------------------------------------------------------------------


def text(bot: BotHarness, user: dict[str, Any]) -> str:
    """Return the text of the newest bot message in the user's chat."""
    return bot.last(user).text or ""


def keyboard(bot: BotHarness, user: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (label, data) of the newest keyboard in the user's chat."""
    message = bot.api.last_message_with_buttons(int(user["id"]))
    assert message is not None, "no keyboard in the chat"
    return bot.api.buttons(message)


def labels(bot: BotHarness, user: dict[str, Any]) -> list[str]:
    return [label for label, _ in keyboard(bot, user)]


def label_with(bot: BotHarness, user: dict[str, Any], part: str) -> str:
    """Return the first label of the newest keyboard containing part."""
    found = [label for label in labels(bot, user) if part in label]
    assert found, f"no button with {part!r} in {labels(bot, user)}"
    return found[0]


def data_of(bot: BotHarness, user: dict[str, Any], label: str) -> str:
    return next(data for text_, data in keyboard(bot, user) if text_ == label)


def last_alert(bot: BotHarness) -> str:
    alerts = bot.alerts()
    assert alerts, "no callback was answered"
    return str(alerts[-1])


async def start_vikar_invite(bot: BotHarness, leader: dict[str, Any]) -> None:
    await bot.send(leader, "/inviter")
    await bot.press(leader, "Vikar")


async def invite(
    bot: BotHarness,
    leader: dict[str, Any],
    residents: tuple[str, ...] = ("Mia", "Noah"),
    *,
    agency: bool = False,
    length: str = "2 uger",
) -> str:
    """Invite a substitute starting today through the buttons; return the invite code."""
    await start_vikar_invite(bot, leader)
    await bot.press(leader, "I dag")
    for name in residents:
        await bot.press(leader, name)
    await bot.press(leader, "Videre »")
    await bot.press(leader, "Ja, bureau" if agency else "Nej")
    await bot.press(leader, label_with(bot, leader, length))
    match = LINK.search(text(bot, leader))
    assert match is not None, text(bot, leader)
    return match[1]


async def join(bot: BotHarness, code: str, telegram_id: int, name: str) -> dict[str, Any]:
    """The substitute joins with the invite; their checklist is the newest message."""
    user = bot.user(telegram_id, name)
    await bot.send(user, f"/start {code}")
    assert "Din tjekliste" in text(bot, user)
    return user


async def peter_joins(
    bot: BotHarness, residents: tuple[str, ...] = ("Mia", "Noah"), *, agency: bool = False
) -> dict[str, Any]:
    code = await invite(bot, bot.user(1, "Karen"), residents, agency=agency)
    return await join(bot, code, 50, "Peter")


# --- database helpers --------------------------------------------------------------------------


def staff_row(bot: BotHarness, telegram_id: int) -> Staff:
    with Session(bot.uow.engine) as session:
        return session.exec(select(Staff).where(Staff.telegram_user_id == telegram_id)).one()


def staff_id(bot: BotHarness, telegram_id: int) -> int:
    found = staff_row(bot, telegram_id).id
    assert found is not None
    return found


def steps_of(bot: BotHarness, telegram_id: int) -> list[OnboardingStep]:
    sid = staff_id(bot, telegram_id)
    with Session(bot.uow.engine) as session:
        return list(
            session.exec(
                select(OnboardingStep)
                .where(OnboardingStep.staff_id == sid)
                .order_by(col(OnboardingStep.due_on), col(OnboardingStep.id))
            )
        )


def step_titled(bot: BotHarness, telegram_id: int, part: str) -> OnboardingStep:
    found = [s for s in steps_of(bot, telegram_id) if part in s.title]
    assert len(found) == 1, found
    return found[0]


def invites(bot: BotHarness) -> list[Invite]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Invite).order_by(col(Invite.id))))


def invite_residents(bot: BotHarness, invite_id: int | None) -> set[int]:
    with Session(bot.uow.engine) as session:
        rows = session.exec(
            select(InviteResident.resident_id).where(InviteResident.invite_id == invite_id)
        )
        return set(rows)


def audit(bot: BotHarness, entity: str) -> list[AuditEvent]:
    with Session(bot.uow.engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.entity == entity).order_by(col(AuditEvent.id))
            )
        )


def snapshot(bot: BotHarness) -> tuple[object, ...]:
    """Everything a refused onboarding press could have changed."""
    with Session(bot.uow.engine) as session:
        steps = [
            (s.id, s.staff_id, s.occurrence, s.due_on, s.done_on, s.done_by_id)
            for s in session.exec(select(OnboardingStep).order_by(col(OnboardingStep.id)))
        ]
        people = [
            (s.id, s.role, s.active, s.access_ends_on)
            for s in session.exec(select(Staff).order_by(col(Staff.id)))
        ]
        reads = [(r.staff_id, r.resident_id) for r in session.exec(select(BriefRead))]
        assigned = sorted(
            (a.staff_id, a.resident_id) for a in session.exec(select(ResidentAssignment))
        )
        logged = [
            (a.action, a.entity, a.entity_id)
            for a in session.exec(
                select(AuditEvent).where(
                    col(AuditEvent.entity).in_(
                        ["brief", "brief_read", "onboarding_step", "access", "invite"]
                    )
                )
            )
        ]
        notes = len(session.exec(select(DiaryNote)).all())
        invite_count = len(session.exec(select(Invite)).all())
    return steps, people, reads, assigned, logged, notes, invite_count


def open_briefs(bot: BotHarness, telegram_id: int) -> None:
    """Mark the gating steps done in the database (the ticking itself is tested elsewhere)."""
    with Session(bot.uow.engine) as session:
        sid = session.exec(select(Staff.id).where(Staff.telegram_user_id == telegram_id)).one()
        for step in session.exec(
            select(OnboardingStep).where(
                OnboardingStep.staff_id == sid, col(OnboardingStep.gates_briefs).is_(True)
            )
        ):
            step.done_on = TODAY
            step.done_by_id = sid
            session.add(step)
        session.commit()


def diary_type(bot: BotHarness, name: str) -> int:
    with Session(bot.uow.engine) as session:
        found = session.exec(select(DiaryType.id).where(DiaryType.name == name)).one()
        assert found is not None
        return found


# === 1. the invite flow ==========================================================================


async def test_typed_start_and_last_day_make_the_invite_with_its_terms(
    bot: BotHarness, home: Home
) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    assert ASK_START in text(bot, karen)
    assert "Vikar i Afd A" in text(bot, karen)

    await bot.send(karen, "1.12.2026")
    assert text(bot, karen).startswith("Start 1.12.2026. " + ASK_RESIDENTS)
    await bot.press(karen, "Mia")
    await bot.press(karen, "Olivia")
    await bot.press(karen, "Videre »")
    await bot.press(karen, "Ja, bureau")
    assert ASK_END in text(bot, karen)
    # The offered lengths count from the start date, not from today.
    assert labels(bot, karen) == [
        "2 uger (14.12.2026)",
        "4 uger (28.12.2026)",
        "3 mdr. (28.2.2027)",
    ]

    await bot.send(karen, "31.1.2027")
    created = text(bot, karen)
    assert "Invitation til en vikar i Afd A" in created
    assert "Start 1.12.2026, adgang til og med 31.1.2027, bureauvikar" in created
    assert "Beboere: Mia, Olivia" in created
    assert LINK.search(created) is not None

    [row] = invites(bot)
    assert (row.role, row.department_id, row.created_by_id) == ("vikar", home.dep_a, home.karen)
    assert (row.starts_on, row.access_ends_on, row.agency) == (
        date(2026, 12, 1),
        date(2027, 1, 31),
        True,
    )
    assert row.used_at is None
    assert invite_residents(bot, row.id) == {home.mia, home.olivia}


async def test_pressed_lengths_store_the_last_day_and_no_agency(
    bot: BotHarness, home: Home
) -> None:
    await invite(bot, bot.user(1, "Karen"), ("Noah",), agency=False, length="4 uger")

    [row] = invites(bot)
    assert (row.starts_on, row.access_ends_on, row.agency) == (TODAY, date(2026, 12, 20), False)
    assert invite_residents(bot, row.id) == {home.noah}


async def test_a_start_typed_as_the_prompt_suggests_is_understood(
    bot: BotHarness, home: Home
) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    assert "fx 1.12" in text(bot, karen)

    await bot.send(karen, "1.12")
    assert text(bot, karen).startswith("Start 1.12.2026. " + ASK_RESIDENTS)


async def test_a_last_day_typed_as_the_prompt_suggests_is_understood(
    bot: BotHarness, home: Home
) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    await bot.press(karen, "I dag")
    await bot.press(karen, "Mia")
    await bot.press(karen, "Videre »")
    await bot.press(karen, "Nej")
    assert "fx 31.12" in text(bot, karen)

    await bot.send(karen, "31.12")
    assert "adgang til og med 31.12.2026" in text(bot, karen)
    [row] = invites(bot)
    assert row.access_ends_on == date(2026, 12, 31)


async def test_a_start_long_past_is_refused_and_the_leader_types_again(
    bot: BotHarness, home: Home
) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)

    await bot.send(karen, "14.10.2026")  # 40 days ago
    refusal = text(bot, karen)
    assert ASK_RESIDENTS not in refusal
    assert "dag" in refusal  # a Danish answer, not a crash
    await bot.send(karen, "hej")
    assert text(bot, karen) == (
        "»hej« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24."
    )

    await bot.send(karen, "1.12.2026")  # still in the flow: the leader just types again
    assert text(bot, karen).startswith("Start 1.12.2026. " + ASK_RESIDENTS)
    assert invites(bot) == []


async def test_a_start_more_than_30_days_back_names_the_limit(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)

    await bot.send(karen, "14.10.2026")
    assert text(bot, karen) == START_TOO_EARLY


async def test_a_start_a_few_days_back_is_accepted(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)

    await bot.send(karen, "18.11.2026")
    assert text(bot, karen).startswith("Start 18.11.2026. " + ASK_RESIDENTS)


async def test_a_start_date_far_ahead_never_crashes_the_flow(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    await bot.send(karen, "31.12.9999")
    if ASK_RESIDENTS in text(bot, karen):  # taken: the next steps must then work
        await bot.press(karen, "Mia")
        await bot.press(karen, "Videre »")
        await bot.press(karen, "Nej")
        assert ASK_END in text(bot, karen)

    assert not any("Beklager" in str(a) for a in bot.alerts())
    assert not any("Beklager" in t for t in bot.texts(karen))


async def test_a_last_day_before_the_start_or_today_is_refused_and_typed_again(
    bot: BotHarness, home: Home
) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    await bot.send(karen, "1.12.2026")
    await bot.press(karen, "Mia")
    await bot.press(karen, "Videre »")
    await bot.press(karen, "Nej")

    await bot.send(karen, "30.11.2026")
    assert text(bot, karen) == END_BEFORE_START
    await bot.send(karen, "20.11.2026")
    assert text(bot, karen) == END_IN_PAST
    await bot.send(karen, "1.12.2028")
    assert text(bot, karen) == "Adgang kan gives for højst et år ad gangen. Forlæng den senere."
    assert invites(bot) == []

    await bot.send(karen, "15.12.2026")
    assert "Start 1.12.2026, adgang til og med 15.12.2026" in text(bot, karen)
    [row] = invites(bot)
    assert (row.starts_on, row.access_ends_on, row.agency) == (
        date(2026, 12, 1),
        date(2026, 12, 15),
        False,
    )
    assert invite_residents(bot, row.id) == {home.mia}


async def test_videre_appears_only_once_a_resident_is_chosen(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    await bot.press(karen, "I dag")
    assert labels(bot, karen) == ["Mia", "Noah", "Olivia"]  # Afd A only, no Videre yet

    await bot.press(karen, "Noah")
    assert labels(bot, karen) == ["Mia", "✅ Noah", "Olivia", "Videre »"]
    await bot.press(karen, "✅ Noah")  # a second press un-chooses
    assert labels(bot, karen) == ["Mia", "Noah", "Olivia"]

    # A forged Videre with nobody chosen is refused and the flow stays.
    await bot.press_data(karen, "v:sn:0:0")
    assert last_alert(bot) == NO_RESIDENTS
    assert labels(bot, karen) == ["Mia", "Noah", "Olivia"]

    await bot.press(karen, "Mia")
    await bot.press(karen, "Videre »")
    await bot.press(karen, "Nej")
    await bot.press(karen, label_with(bot, karen, "2 uger"))
    [row] = invites(bot)
    assert invite_residents(bot, row.id) == {home.mia}


async def test_a_forged_resident_of_another_department_is_refused_and_not_added(
    bot: BotHarness, home: Home
) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    await bot.press(karen, "I dag")
    await bot.press(karen, "Mia")

    await bot.press_data(karen, f"v:sr:{home.bo}:0")
    assert last_alert(bot) == NOT_ALLOWED
    assert labels(bot, karen) == ["✅ Mia", "Noah", "Olivia", "Videre »"]

    await bot.press(karen, "Videre »")
    await bot.press(karen, "Nej")
    await bot.press(karen, label_with(bot, karen, "2 uger"))
    assert "Beboere: Mia\n" in text(bot, karen)
    [row] = invites(bot)
    assert invite_residents(bot, row.id) == {home.mia}


async def test_annuller_in_the_middle_leaves_no_invite(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await start_vikar_invite(bot, karen)
    await bot.press(karen, "I dag")
    await bot.press(karen, "Mia")
    await bot.press(karen, "Videre »")
    await bot.press(karen, "Nej")
    two_weeks = data_of(bot, karen, label_with(bot, karen, "2 uger"))
    length_message = bot.api.last_message_with_buttons(1)
    assert length_message is not None

    await bot.send(karen, "/annuller")
    assert text(bot, karen) == "Annulleret. Intet er gemt."
    assert invites(bot) == []

    # Neither a typed date nor the old length button makes the invite afterwards.
    await bot.send(karen, "31.12.2026")
    await bot.press_data(karen, two_weeks, message_id=length_message.message_id)
    assert last_alert(bot) == STALE_BUTTON
    assert invites(bot) == []


async def test_a_leader_of_two_departments_picks_the_department_first(
    bot: BotHarness, home: Home
) -> None:
    factories.staff(
        bot.uow, 3, Role.AFDELINGSLEDER, [home.dep_a, home.dep_b], bot.clock.now(), name="Dorte"
    )
    dorte = bot.user(3, "Dorte")
    await start_vikar_invite(bot, dorte)
    assert labels(bot, dorte) == ["Afd A", "Afd B"]

    await bot.press(dorte, "Afd B")
    assert "Vikar i Afd B" in text(bot, dorte)
    assert ASK_START in text(bot, dorte)
    await bot.press(dorte, "I dag")
    assert labels(bot, dorte) == ["Bo"]  # only Afd B's residents
    await bot.press(dorte, "Bo")
    await bot.press(dorte, "Videre »")
    await bot.press(dorte, "Nej")
    await bot.press(dorte, label_with(bot, dorte, "2 uger"))

    [row] = invites(bot)
    assert row.department_id == home.dep_b
    assert invite_residents(bot, row.id) == {home.bo}


async def test_a_medarbejder_pressing_a_forged_vikar_invite_is_refused(
    bot: BotHarness, home: Home
) -> None:
    anna = bot.user(42, "Anna")
    await bot.send(anna, "/hjaelp")

    await bot.press_data(anna, f"i:vikar:{home.dep_a}")
    assert last_alert(bot) == NOT_ALLOWED
    await bot.press_data(anna, "i:vikar:0")
    assert last_alert(bot) == NOT_ALLOWED

    # No flow was started: a typed date is not taken as a start date.
    await bot.send(anna, "1.12.2026")
    assert ASK_RESIDENTS not in text(bot, anna)
    assert invites(bot) == []


async def test_a_department_without_residents_gets_a_danish_message(
    bot: BotHarness, home: Home
) -> None:
    now = bot.clock.now()
    dep_c = factories.department(bot.uow, "Afd C", now)
    factories.staff(bot.uow, 4, Role.AFDELINGSLEDER, [dep_c], now, name="Carl")
    carl = bot.user(4, "Carl")

    await start_vikar_invite(bot, carl)

    assert last_alert(bot) == "Der bor ingen beboere i Afd C endnu."
    assert ASK_START not in text(bot, carl)
    assert invites(bot) == []


# === 2. commands for the wrong people ============================================================


@pytest.mark.parametrize(("telegram_id", "name"), [(42, "Anna"), (1, "Karen")])
async def test_tjekliste_is_for_substitutes_only(
    bot: BotHarness, home: Home, telegram_id: int, name: str
) -> None:
    user = bot.user(telegram_id, name)
    await bot.send(user, "/tjekliste")
    assert text(bot, user) == NOT_SUBSTITUTE
    assert bot.api.last_message_with_buttons(telegram_id) is None


async def test_vikarer_is_refused_for_a_medarbejder_and_a_substitute(
    bot: BotHarness, home: Home
) -> None:
    anna = bot.user(42, "Anna")
    await bot.send(anna, "/vikarer")
    assert text(bot, anna) == LEADERS_ONLY

    peter = await peter_joins(bot)
    await bot.send(peter, "/vikarer")
    assert text(bot, peter) == LEADERS_ONLY
    assert "Peter" not in text(bot, peter)


# === 3. forged callback data ====================================================================


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("v:d:abc:0", BAD_BUTTON),
        ("v:d:1", BAD_BUTTON),
        ("v:d:1:0:0", BAD_BUTTON),
        ("v:d:01:0", BAD_BUTTON),
        ("v:b::0", BAD_BUTTON),
        ("v:zz:1:0", STALE_BUTTON),
        ("v:x:1:5", BAD_BUTTON),  # extend by a number of days the bot never offers
    ],
)
async def test_malformed_callback_data_is_refused(
    bot: BotHarness, home: Home, data: str, answer: str
) -> None:
    peter = await peter_joins(bot)
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/vikarer")
    before = snapshot(bot)

    user = karen if data.startswith("v:x") else peter
    await bot.press_data(user, data.replace("v:x:1:", f"v:x:{staff_id(bot, 50)}:"))

    assert last_alert(bot) == answer
    assert snapshot(bot) == before


async def test_a_step_of_another_substitute_or_no_step_is_refused(
    bot: BotHarness, home: Home
) -> None:
    peter = await peter_joins(bot)
    lise = await join(bot, await invite(bot, bot.user(1, "Karen"), ("Olivia",)), 51, "Lise")
    lises = step_titled(bot, 51, "voksenansvar")
    before = snapshot(bot)

    await bot.press_data(peter, f"v:d:{lises.id}:0")
    assert last_alert(bot) == NOT_ALLOWED
    await bot.press_data(peter, "v:d:999999:0")
    assert last_alert(bot) == NOT_ALLOWED
    await bot.press_data(peter, "v:d:0:0")
    assert last_alert(bot) == NOT_ALLOWED
    # The handover step is done by Læst on every brief, never by a tick.
    handover = step_titled(bot, 50, "Overlevering")
    await bot.press_data(peter, f"v:d:{handover.id}:0")
    assert last_alert(bot) == (
        "Det trin er udført, når du har trykket Læst på briefen om hver af dine beboere."
    )
    # Nor may Lise confirm a leader's step of her own.
    intro = step_titled(bot, 51, "Introforløb")
    await bot.press_data(lise, f"v:k:{intro.id}:0")
    assert last_alert(bot) == "Det trin bekræfter din leder."

    assert snapshot(bot) == before


async def test_briefs_and_laest_of_residents_not_assigned_are_refused(
    bot: BotHarness, home: Home
) -> None:
    peter = await peter_joins(bot, ("Mia",))
    open_briefs(bot, 50)
    before = snapshot(bot)

    for resident in (home.noah, home.bo, 999999):
        await bot.press_data(peter, f"v:b:{resident}:0")
        assert last_alert(bot) == NOT_ALLOWED
        await bot.press_data(peter, f"v:l:{resident}:0")
        assert last_alert(bot) == NOT_ALLOWED

    assert snapshot(bot) == before
    assert not any("Brief: Noah" in t or "Brief: Bo" in t for t in bot.texts(peter))


async def test_a_leader_of_another_department_cannot_confirm_extend_or_end(
    bot: BotHarness, home: Home
) -> None:
    peter = await peter_joins(bot)
    pid = staff_id(bot, 50)
    intro = step_titled(bot, 50, "Introforløb")
    bent, anna = bot.user(2, "Bent"), bot.user(42, "Anna")
    await bot.send(bent, "/vikarer")
    await bot.send(anna, "/hjaelp")
    peters_messages = len(bot.texts(peter))
    before = snapshot(bot)

    for user in (bent, anna, peter):
        for data in (
            f"v:k:{intro.id}:0",
            f"v:x:{pid}:7",
            f"v:x:{pid}:30",
            f"v:y:{pid}:0",
            f"v:e:{pid}:0",
            f"v:s:{pid}:0",
        ):
            await bot.press_data(user, data)
            answer = last_alert(bot)
            if user is peter and data.startswith("v:k"):
                assert answer == "Det trin bekræfter din leder.", data
            else:
                assert answer == NOT_ALLOWED, (user["first_name"], data)

    assert snapshot(bot) == before
    assert len(bot.texts(peter)) == peters_messages  # told nothing about his access
    assert "Peter" not in "".join(bot.texts(bent))


# === 4. double ticks and the recurring vikarmøde =================================================


async def test_pressing_the_same_tick_twice_does_it_once(bot: BotHarness, home: Home) -> None:
    peter = await peter_joins(bot)
    label = label_with(bot, peter, "voksenansvar")
    assert label.startswith("✓ ")
    old = data_of(bot, peter, label)

    await bot.press(peter, label)
    assert last_alert(bot) == "Udført ✓"
    assert label not in labels(bot, peter)  # the checklist was redrawn without it
    await bot.press_data(peter, old)  # the same button, from the old keyboard

    assert last_alert(bot) == "Det trin er allerede udført (23.11.2026, Peter)."
    step = step_titled(bot, 50, "voksenansvar")
    assert (step.done_on, step.done_by_id) == (TODAY, staff_id(bot, 50))
    assert len(audit(bot, "onboarding_step")) == 1


async def test_already_done_shows_the_date_as_elsewhere(bot: BotHarness, home: Home) -> None:
    peter = await peter_joins(bot)
    bot.clock.advance(timedelta(days=12))  # 5.12.2026
    await bot.send(peter, "/tjekliste")
    old = data_of(bot, peter, label_with(bot, peter, "voksenansvar"))
    await bot.press_data(peter, old)
    await bot.press_data(peter, old)

    assert last_alert(bot) == "Det trin er allerede udført (5.12.2026, Peter)."


async def test_the_vikarmoede_confirmed_comes_back_six_months_later(
    bot: BotHarness, home: Home
) -> None:
    await peter_joins(bot)
    karen = bot.user(1, "Karen")
    first = step_titled(bot, 50, VIKARMOEDE)
    assert first.due_on == date(2027, 2, 21)  # day 90 from the start
    following = date(2027, 8, 21)

    await bot.send(karen, "/vikarer")
    await bot.press(karen, "1. Peter")
    label = label_with(bot, karen, f". {VIKARMOEDE}")
    assert label == f"✓ Bekræft 8. {VIKARMOEDE}"
    old = data_of(bot, karen, label)
    await bot.press(karen, label)

    assert last_alert(bot) == "Udført ✓ Næste gang: 21.8.2027"
    with Session(bot.uow.engine) as session:
        rows = list(
            session.exec(
                select(OnboardingStep)
                .where(OnboardingStep.title == VIKARMOEDE)
                .order_by(col(OnboardingStep.occurrence))
            )
        )
    assert [(r.occurrence, r.due_on, r.done_on, r.done_by_id) for r in rows] == [
        (1, first.due_on, TODAY, home.karen),
        (2, following, None, None),
    ]
    # The next one is still the leader's to confirm.
    assert any(VIKARMOEDE in label for label in labels(bot, karen))

    # The old button pressed again: reported, and no third occurrence.
    await bot.press_data(karen, old)
    assert last_alert(bot) == "Det trin er allerede udført (23.11.2026, Karen)."
    with Session(bot.uow.engine) as session:
        count = len(
            session.exec(select(OnboardingStep).where(OnboardingStep.title == VIKARMOEDE)).all()
        )
    assert count == 2


# === 5. the leader's buttons ======================================================================


async def test_forlaeng_1_uge_moves_the_last_day_and_tells_the_substitute(
    bot: BotHarness, home: Home
) -> None:
    peter = await peter_joins(bot)
    karen = bot.user(1, "Karen")
    ends = staff_row(bot, 50).access_ends_on
    assert ends == date(2026, 12, 6)

    await bot.send(karen, "/vikarer")
    await bot.press(karen, "1. Peter")
    await bot.press(karen, "Forlæng 1 uge")

    assert staff_row(bot, 50).access_ends_on == date(2026, 12, 13)
    assert last_alert(bot) == "Peter har nu adgang til og med 13.12.2026."
    assert text(bot, peter) == "Din adgang til Dagbogsbot er forlænget til og med 13.12.2026."
    assert "adgang til og med 13.12.2026" in text(bot, karen)  # the card is redrawn
    [event] = audit(bot, "access")
    assert (event.actor_id, event.entity_id) == (home.karen, staff_id(bot, 50))

    await bot.press(karen, "Forlæng 1 måned")
    assert staff_row(bot, 50).access_ends_on == date(2027, 1, 12)


async def test_tjeklistens_trin_shows_the_checklist_template(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/vikarer")
    assert "ingen vikarer" in text(bot, karen)
    await bot.press(karen, "Tjeklistens trin")

    shown = text(bot, karen)
    assert shown.startswith("Tjeklisten for nye vikarer")
    for title in (
        "Bureauvikar: kompetencer bekræftet",
        "Introforløb for tilkaldevikarer",
        "E-learning: Lov om voksenansvar",
        "Overlevering: læs briefen om hver beboer",
        "Konflikthåndtering (kursus)",
        VIKARMOEDE,
    ):
        assert title in shown
    assert "lederen bekræfter, dag 90, hver 6. måned" in shown
    assert "kun bureauvikarer" in shown
    assert "åbner briefs" in shown
    assert labels(bot, karen) == ["« Vikarer"]
    await bot.press(karen, "« Vikarer")
    assert "ingen vikarer" in text(bot, karen)


async def test_a_substitute_whose_access_ended_is_listed_last(bot: BotHarness, home: Home) -> None:
    karen = bot.user(1, "Karen")
    await join(bot, await invite(bot, karen, ("Mia",)), 52, "Anders")  # two weeks
    await join(bot, await invite(bot, karen, ("Noah",), length="3 mdr."), 50, "Peter")
    bot.clock.advance(timedelta(days=14))  # 7.12.2026: Anders's last day was 6.12.

    await bot.send(karen, "/vikarer")

    overview = text(bot, karen)
    lines = [line for line in overview.splitlines() if re.match(r"\d+\. ", line)]
    assert [line.split(":")[0] for line in lines] == ["1. Peter", "2. Anders"]
    assert lines[1].endswith("adgangen sluttede 6.12.2026")
    assert "adgang til og med 22.2.2027" in lines[0]
    assert labels(bot, karen) == ["1. Peter", "2. Anders", "Tjeklistens trin"]
    # Anders's card offers no "Afslut adgang" any more, only extending.
    await bot.press(karen, "2. Anders")
    assert "Afslut adgang" not in labels(bot, karen)
    assert "Forlæng 1 uge" in labels(bot, karen)


# === 6. access ends by itself =====================================================================


async def test_access_ends_the_day_after_the_last_day_and_nothing_is_written(
    bot: BotHarness, home: Home
) -> None:
    peter = await peter_joins(bot)
    tick = data_of(bot, peter, label_with(bot, peter, "voksenansvar"))
    brief = data_of(bot, peter, "📄 Mia")
    checklist_id = bot.api.last_message_with_buttons(50)
    assert checklist_id is not None

    bot.clock.advance(timedelta(days=13))  # 6.12.2026, the last day
    await bot.send(peter, "/tjekliste")
    assert "Din tjekliste" in text(bot, peter)
    assert "adgang til og med 6.12.2026" in text(bot, peter)

    bot.clock.advance(timedelta(days=1))  # 7.12.2026
    before = snapshot(bot)
    await bot.send(peter, "mia komm pegede på saft")
    assert text(bot, peter) == ACCESS_ENDED
    await bot.press_data(peter, tick, message_id=checklist_id.message_id)
    assert last_alert(bot) == ACCESS_ENDED
    await bot.press_data(peter, brief, message_id=checklist_id.message_id)
    assert last_alert(bot) == ACCESS_ENDED
    await bot.send(peter, "/tjekliste")
    assert text(bot, peter) == ACCESS_ENDED

    assert snapshot(bot) == before
    assert step_titled(bot, 50, "voksenansvar").done_on is None
    with Session(bot.uow.engine) as session:
        assert session.exec(select(NoteDraft)).all() == []
        assert session.exec(select(DiaryNote)).all() == []


# === 7. a substitute's quick notes ================================================================


async def test_a_substitute_writes_notes_on_assigned_residents_only(
    bot: BotHarness, home: Home
) -> None:
    peter = await peter_joins(bot, ("Mia",))
    pid = staff_id(bot, 50)

    await bot.send(peter, "mia komm pegede på saft")
    assert text(bot, peter) == (
        "📝 Ny note\nBeboer: Mia\nType: Kommunikationsforhold\n\npegede på saft"
    )
    await bot.press(peter, "Gem")
    assert "Gemt" in text(bot, peter)

    # Noah lives in the same department, but Peter is not assigned to him.
    await bot.send(peter, "noah komm vinkede")
    card = text(bot, peter)
    assert card.startswith("📝 Hvem handler noten om?")
    assert "Noah" not in card.split("\n\n")[0]
    assert labels(bot, peter) == ["Mia", "Annullér"]
    draft_data = data_of(bot, peter, "Mia")
    await bot.press_data(peter, draft_data.replace(f":{home.mia}", f":{home.noah}"))
    assert last_alert(bot) == NOT_ALLOWED

    with Session(bot.uow.engine) as session:
        notes = session.exec(select(DiaryNote)).all()
        drafts = session.exec(select(NoteDraft)).all()
    assert [(n.resident_id, n.author_id, n.text) for n in notes] == [
        (home.mia, pid, "pegede på saft")
    ]
    assert all(d.resident_id != home.noah for d in drafts)


# === 8. the brief =================================================================================


async def test_the_brief_shows_goals_methods_and_notes_read_only(
    bot: BotHarness, home: Home
) -> None:
    now = bot.clock.now()
    goal = goal_factories.goal(bot.uow, home.mia, now, text="Mia går i skole hver dag")
    goal_factories.sub_goal(
        bot.uow, goal, now, text="Mia møder til første time", method="Vækning kl. 7 & morgenmad"
    )
    other = goal_factories.goal(bot.uow, home.noah, now, text="Noah cykler selv")
    goal_factories.sub_goal(bot.uow, other, now, text="Noah låser cyklen")
    engine = bot.uow.engine
    komm, ipel, sundhed = diary_type(bot, KOMM), diary_type(bot, IPEL), diary_type(bot, SUNDHED)
    komm_notes = (
        (5, "gammel komm-note"),
        (4, "peger <på> saft"),
        (3, "siger nej"),
        (2, "bruger tegn"),
    )
    notes = [(home.mia, komm, days, body) for days, body in komm_notes] + [
        (home.mia, ipel, 1, "valgte selv tøj"),
        (home.mia, sundhed, 1, "tog sin medicin"),
        (home.noah, komm, 1, "noah vinkede"),
    ]
    for resident_id, type_id, days, body in notes:
        add_note(
            engine,
            author_id=home.anna,
            resident_id=resident_id,
            diary_type_id=type_id,
            text=body,
            created_at=now - timedelta(days=days),
        )
    peter = await peter_joins(bot, ("Mia",))
    pid = staff_id(bot, 50)
    open_briefs(bot, 50)
    await bot.send(peter, "/tjekliste")

    await bot.press(peter, "📄 Mia")

    brief = text(bot, peter)
    assert brief.startswith("Brief: Mia (kun læsning)")
    assert "🎯 Mia går i skole hver dag\n  • Mia møder til første time" in brief
    assert "Metode: Vækning kl. 7 & morgenmad" in brief
    assert "Kommunikationsforhold, 21.11. 10:00: bruger tegn" in brief
    assert "Kommunikationsforhold, 20.11. 10:00: siger nej" in brief
    assert "Kommunikationsforhold, 19.11. 10:00: peger <på> saft" in brief
    assert "Indflydelse på eget liv, 22.11. 10:00: valgte selv tøj" in brief
    assert "gammel komm-note" not in brief  # three per type
    assert "medicin" not in brief  # other diary types are not in the brief
    assert "Noah" not in brief
    assert "Tryk Læst, når du har læst briefen." in brief
    assert labels(bot, peter) == ["✓ Læst", "Tjekliste"]  # read-only: nothing to edit

    [event] = audit(bot, "brief")
    assert (event.action, event.actor_id, event.resident_id, event.entity_id) == (
        "read",
        pid,
        home.mia,
        home.mia,
    )
    await bot.press(peter, "Tjekliste")
    await bot.press(peter, "📄 Mia")
    assert len(audit(bot, "brief")) == 2  # every read is logged

    await bot.press(peter, "✓ Læst")
    assert last_alert(bot) == "Læst ✓ Du har læst alle briefs: overleveringen er udført."
    assert "Du bekræftede, at du læste briefen 23.11. 10:00." in text(bot, peter)
    with Session(engine) as session:
        reads = [(r.staff_id, r.resident_id) for r in session.exec(select(BriefRead))]
    assert reads == [(pid, home.mia)]
    assert len(audit(bot, "brief_read")) == 1
    assert step_titled(bot, 50, "Overlevering").done_on == TODAY


async def test_a_brief_without_goals_or_notes_says_so(bot: BotHarness, home: Home) -> None:
    peter = await peter_joins(bot, ("Noah",))
    open_briefs(bot, 50)
    await bot.send(peter, "/tjekliste")
    await bot.press(peter, "📄 Noah")

    brief = text(bot, peter)
    assert "Ingen aktuelle mål." in brief
    assert "Ingen noter endnu." in brief
    assert len(audit(bot, "brief")) == 1
