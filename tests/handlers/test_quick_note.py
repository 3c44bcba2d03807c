"""Quick notes end to end: free text, the card, Gem, and what is stored."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.domain.access import Role
from bot.storage.models import DiaryNote
from tests import factories
from tests.tg import BotHarness


async def test_quick_note_is_saved_after_gem(bot: BotHarness) -> None:
    now = bot.clock.now()
    dep = factories.department(bot.uow, "Afd A", now)
    mia = factories.resident(bot.uow, "Mia", dep, now)
    factories.staff(bot.uow, 42, Role.MEDARBEJDER, [dep], now)
    user = bot.user(42)

    await bot.send(user, "mia komm pegede på saft ved frokost")
    card = bot.last(user)
    assert "Mia" in (card.text or "")
    assert "Kommunikationsforhold" in (card.text or "")

    await bot.press(user, "Gem")

    assert "Gemt" in (bot.last(user).text or "")
    with Session(bot.uow.engine) as session:
        notes = session.exec(select(DiaryNote)).all()
    assert [(n.resident_id, n.text) for n in notes] == [(mia, "pegede på saft ved frokost")]
