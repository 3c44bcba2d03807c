"""Substitute onboarding in the chat (issue 5): the leader invites a substitute for two
residents, the substitute ticks steps, a brief stays locked until the gating steps are done,
the leader confirms their steps and sees the progress, and after the end date the substitute
sees nothing. Real Application, real SQLite file, updates shaped as Telegram sends them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.storage.models import AuditEvent, BriefRead, OnboardingStep, ResidentAssignment, Staff
from tests import factories
from tests.tg import BotHarness

LINK = re.compile(r"\?start=([A-Za-z0-9_-]{32})")


@dataclass
class Home:
    dep_a: int
    dep_b: int
    mia: int
    noah: int
    bo: int  # lives in Afd B


@pytest.fixture
def home(bot: BotHarness) -> Home:
    now = bot.clock.now()
    dep_a = factories.department(bot.uow, "Afd A", now)
    dep_b = factories.department(bot.uow, "Afd B", now)
    home = Home(
        dep_a,
        dep_b,
        factories.resident(bot.uow, "Mia", dep_a, now),
        factories.resident(bot.uow, "Noah", dep_a, now),
        factories.resident(bot.uow, "Bo", dep_b, now),
    )
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep_a], now, name="Karen")
    factories.staff(bot.uow, 2, Role.AFDELINGSLEDER, [dep_b], now, name="Bent")
    return home


def labels(bot: BotHarness, user: dict[str, object]) -> list[str]:
    message = bot.api.last_message_with_buttons(int(str(user["id"])))
    assert message is not None, "no keyboard in the chat"
    return [label for label, _ in bot.api.buttons(message)]


def press_data(bot: BotHarness, user: dict[str, object], label: str) -> str:
    message = bot.api.last_message_with_buttons(int(str(user["id"])))
    assert message is not None
    return next(data for text, data in bot.api.buttons(message) if text == label)


async def invite_substitute(bot: BotHarness, karen: dict[str, object], agency: bool) -> str:
    """Karen invites a substitute for Mia and Noah, starting today, for 2 weeks."""
    await bot.send(karen, "/inviter")
    await bot.press(karen, "Vikar")
    assert "Hvornår starter vikaren?" in bot.last(karen).text
    await bot.press(karen, "I dag")
    assert "Hvilke beboere" in bot.last(karen).text
    assert sorted(labels(bot, karen)) == ["Mia", "Noah"]  # only Afd A's residents
    await bot.press(karen, "Mia")
    await bot.press(karen, "Noah")
    assert "✅ Mia" in labels(bot, karen)
    assert "✅ Noah" in labels(bot, karen)
    await bot.press(karen, "Videre »")
    await bot.press(karen, "Ja, bureau" if agency else "Nej")
    assert "Hvor længe skal adgangen vare?" in bot.last(karen).text
    two_weeks = next(label for label in labels(bot, karen) if label.startswith("2 uger"))
    await bot.press(karen, two_weeks)
    text = bot.last(karen).text
    assert "Invitation til en vikar" in text
    assert "Beboere: Mia, Noah" in text
    match = LINK.search(text)
    assert match is not None, text
    return match[1]


def steps_of(bot: BotHarness, telegram_id: int) -> list[OnboardingStep]:
    with Session(bot.uow.engine) as session:
        staff = session.exec(select(Staff).where(Staff.telegram_user_id == telegram_id)).one()
        return list(
            session.exec(
                select(OnboardingStep)
                .where(OnboardingStep.staff_id == staff.id)
                .order_by(col(OnboardingStep.due_on), col(OnboardingStep.id))
            )
        )


async def test_the_whole_story(bot: BotHarness, home: Home) -> None:
    karen, peter = bot.user(1, "Karen"), bot.user(50, "Peter")
    code = await invite_substitute(bot, karen, agency=True)

    await bot.send(peter, f"/start {code}")
    texts = bot.texts(peter)
    assert any("registreret som vikar" in t for t in texts)
    checklist = bot.last(peter).text
    assert "Din tjekliste" in checklist
    assert "Bureauvikar: kompetencer bekræftet" in checklist  # an agency substitute
    assert "adgang til og med" in checklist
    with Session(bot.uow.engine) as session:
        assigned = session.exec(select(ResidentAssignment.resident_id)).all()
    assert sorted(assigned) == sorted([home.mia, home.noah])

    # The brief is locked until the gating steps are done.
    await bot.press(peter, "📄 Mia")
    assert bot.alerts()[-1].startswith("Briefen åbner, når disse trin er udført")
    # Peter ticks his own gating steps; the leader's steps are not his to tick.
    own = [label for label in labels(bot, peter) if label.startswith("✓")]
    assert any("Lov om voksenansvar" in label for label in own)
    assert not any("Introforløb" in label for label in own)
    for label in own:
        if "voksenansvar" in label or "Læst: selv" in label:
            await bot.press(peter, label)
            assert bot.alerts()[-1] == "Udført ✓"
    await bot.press(peter, "📄 Mia")
    assert bot.alerts()[-1].startswith("Briefen åbner")  # the leader's steps are still open

    # Karen confirms her steps in /vikarer.
    await bot.send(karen, "/vikarer")
    overview = bot.last(karen).text
    assert "Peter" in overview
    assert "(bureauvikar)" in overview
    await bot.press(karen, "1. Peter")
    confirm = [label for label in labels(bot, karen) if label.startswith("✓ Bekræft")]
    gating = [label for label in confirm if "Introforløb" in label or "Bureauvikar" in label]
    assert len(gating) == 2
    for label in gating:
        await bot.press(karen, label)
    # Peter cannot forge a press on the leader's step.
    leader_step = next(s for s in steps_of(bot, 50) if s.owner == "leder" and not s.done_on)
    await bot.press_data(peter, f"v:d:{leader_step.id}:0")
    assert bot.alerts()[-1] == "Det trin bekræfter din leder."

    # Now the brief opens, read-only, and Læst is recorded.
    await bot.send(peter, "/tjekliste")
    await bot.press(peter, "📄 Mia")
    assert "Brief: Mia" in bot.last(peter).text
    await bot.press(peter, "✓ Læst")
    await bot.send(peter, "/tjekliste")
    await bot.press(peter, "📄 Noah")
    await bot.press(peter, "✓ Læst")
    assert "overleveringen er udført" in bot.alerts()[-1]
    with Session(bot.uow.engine) as session:
        reads = session.exec(select(BriefRead)).all()
        audit = session.exec(select(AuditEvent).where(AuditEvent.entity == "brief")).all()
    assert len(reads) == 2
    assert len(audit) >= 2

    # A resident he is not assigned to: refused (forged data).
    await bot.press_data(peter, f"v:b:{home.bo}:0")
    assert bot.alerts()[-1] == "Det har du ikke adgang til."

    # The leader of the other department sees nothing of Peter.
    bent = bot.user(2, "Bent")
    await bot.send(bent, "/vikarer")
    assert "Peter" not in bot.last(bent).text
    peter_id = steps_of(bot, 50)[0].staff_id
    await bot.press_data(bent, f"v:s:{peter_id}:0")
    assert bot.alerts()[-1] == "Det har du ikke adgang til."

    # After the end date Peter sees nothing.
    with Session(bot.uow.engine) as session:
        ends = session.exec(select(Staff.access_ends_on).where(Staff.id == peter_id)).one()
    assert ends is not None
    bot.clock.advance(timedelta(days=(ends - date(2026, 11, 23)).days + 1))
    await bot.send(peter, "/tjekliste")
    assert bot.last(peter).text.startswith("Din adgang til botten er ophørt")


async def test_leader_ends_access_now(bot: BotHarness, home: Home) -> None:
    karen, peter = bot.user(1, "Karen"), bot.user(50, "Peter")
    code = await invite_substitute(bot, karen, agency=False)
    await bot.send(peter, f"/start {code}")
    assert "Bureauvikar" not in bot.last(peter).text  # not from an agency

    await bot.send(karen, "/vikarer")
    await bot.press(karen, "1. Peter")
    await bot.press(karen, "Afslut adgang")
    await bot.press(karen, "Ja, afslut adgangen nu")
    assert any("afsluttet af din leder" in t for t in bot.texts(peter))

    await bot.send(peter, "mia komm pegede på saft")
    assert bot.last(peter).text.startswith("Din adgang til botten er ophørt")
