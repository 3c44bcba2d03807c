"""A graceful restart in the middle of a flow: conversation state and cards survive it."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from bot.storage.models import PersistedState
from bot.texts import plain
from tests.handlers.conftest import (
    KOMM,
    SUNDHED,
    Team,
    add_note,
    all_drafts,
    all_notes,
    button_data,
    card_draft_id,
    revisions,
)
from tests.tg import BotHarness


def persisted(bot: BotHarness) -> dict[tuple[str, str], object]:
    """Return the PTB state rows: (kind, key) -> decoded JSON value."""
    with Session(bot.uow.engine) as session:
        rows = session.exec(select(PersistedState)).all()
        return {(r.kind, r.key): json.loads(r.value) for r in rows}


async def test_note_flow_survives_a_restart_before_the_text(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Olivia")
    await bot.press(team.user, SUNDHED)

    await bot.restart()

    # The conversation state was written on shutdown and read back on start.
    assert persisted(bot)[("conversation", "flows|[42, 42]")] == "waiting_text"
    await bot.send(team.user, "havde ondt i maven")
    card = bot.last(team.user)
    assert card.text == f"📝 Ny note\nBeboer: Olivia\nType: {SUNDHED}\n\nhavde ondt i maven"
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.diary_type_id, note.text) == (
        team.olivia,
        team.types[SUNDHED],
        "havde ondt i maven",
    )
    [draft] = all_drafts(bot.uow.engine)
    assert (draft.mode, draft.status) == ("guided", "saved")


async def test_note_flow_annuller_works_after_a_restart(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")

    await bot.restart()
    await bot.send(team.user, "/annuller")

    assert bot.last(team.user).text == plain("common.cancelled")
    assert [d.status for d in all_drafts(bot.uow.engine)] == ["cancelled"]
    await bot.restart()
    assert ("conversation", "flows|[42, 42]") not in persisted(bot)


async def test_unsaved_quick_note_card_can_be_saved_after_a_restart(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "oliv komm vinkede")

    await bot.restart()
    await bot.press(team.user, "Olivia")
    await bot.press(team.user, "Skift type")
    await bot.press(team.user, KOMM)

    await bot.restart()
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.diary_type_id, note.text) == (
        team.olivia,
        team.types[KOMM],
        "vinkede",
    )
    assert (bot.last(team.user).text or "").startswith("✅ Gemt kl. 10:00")


async def test_fortryd_works_after_a_restart(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm vinkede")
    await bot.press(team.user, "Gem")

    await bot.restart()
    bot.clock.advance(timedelta(minutes=5))
    await bot.press(team.user, "Fortryd")

    [note] = all_notes(bot.uow.engine)
    assert note.deleted is True


async def test_gem_pressed_on_an_old_card_after_restart_saves_once(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "mia komm vinkede")
    card = bot.last(team.user)
    gem = button_data(card, "Gem")
    await bot.press(team.user, "Gem")

    await bot.restart()
    await bot.press_data(team.user, gem, message_id=card.message_id)

    assert len(all_notes(bot.uow.engine)) == 1
    assert card_draft_id(card) == all_drafts(bot.uow.engine)[0].id


async def test_edit_from_mine_survives_a_restart(bot: BotHarness, team: Team) -> None:
    note_id = add_note(
        bot.uow.engine,
        author_id=team.staff_a,
        resident_id=team.mia,
        diary_type_id=team.types[KOMM],
        text="pegede på saft",
        created_at=bot.clock.now() - timedelta(hours=1),
    )
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")

    await bot.restart()

    state = persisted(bot)
    assert state[("conversation", "flows|[42, 42]")] == "editing_text"
    user_data = state[("user_data", "42")]
    assert isinstance(user_data, dict)
    assert user_data["editing_note_id"] == note_id
    await bot.send(team.user, "pegede på æblejuice")

    assert bot.last(team.user).text == f"✏️ Noten om Mia ({KOMM}) er rettet."
    [note] = all_notes(bot.uow.engine)
    assert note.text == "pegede på æblejuice"
    assert [r.text for r in revisions(bot.uow.engine)] == ["pegede på saft"]

    # Finished: nothing is left over for the next start.
    await bot.restart()
    state = persisted(bot)
    assert ("conversation", "flows|[42, 42]") not in state
    assert ("user_data", "42") not in state
    await bot.send(team.user, "ella komm vinkede")
    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Ella\nType: {KOMM}\n\nvinkede"
    assert all_notes(bot.uow.engine)[0].text == "pegede på æblejuice"


async def test_finished_note_flow_leaves_no_state_after_a_restart(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, KOMM)
    await bot.send(team.user, "vinkede")
    await bot.press(team.user, "Gem")

    await bot.restart()
    await bot.send(team.user, "sov godt")

    assert ("conversation", "flows|[42, 42]") not in persisted(bot)
    assert bot.last(team.user).text == "📝 Hvem handler noten om?\nBeboer: ?\nType: ?\n\nsov godt"
    assert [(d.mode, d.status) for d in all_drafts(bot.uow.engine)] == [
        ("guided", "saved"),
        ("quick", "open"),
    ]
