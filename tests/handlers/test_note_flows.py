"""/note step by step: resident, type, text, the card; leaving the flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.storage.models import DiaryNote
from bot.texts import plain
from tests.handlers.conftest import (
    KOMM,
    SUNDHED,
    Team,
    add_note,
    all_drafts,
    all_notes,
    audit_events,
    card_draft_id,
    labels,
    last_user_message,
)
from tests.tg import BotHarness

ASK_RESIDENT = "📝 Hvem handler noten om?\nBeboer: ?\nType: ?"


async def test_note_walks_through_resident_type_text_and_saves(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/note")
    card = bot.last(team.user)
    assert card.text == ASK_RESIDENT
    assert labels(card) == ["Ella", "Mia", "Oliver", "Olivia", "Annullér"]

    await bot.press(team.user, "Olivia")
    card = bot.last(team.user)
    assert card.text == "📝 Hvilken type note?\nBeboer: Olivia\nType: ?"
    assert labels(card)[-1] == "Annullér"
    assert len(labels(card)) == 13  # the twelve types and Annullér

    await bot.press(team.user, SUNDHED)
    card = bot.last(team.user)
    assert card.text == f"📝 Skriv noten nu som en besked.\nBeboer: Olivia\nType: {SUNDHED}"
    assert labels(card) == ["Annullér"]

    await bot.send(team.user, "havde ondt i maven efter frokost")
    text_message = last_user_message(bot, team.user)
    card = bot.last(team.user)
    assert card.text == (
        f"📝 Ny note\nBeboer: Olivia\nType: {SUNDHED}\n\nhavde ondt i maven efter frokost"
    )
    assert labels(card) == ["Gem", "Skift beboer", "Skift type", "Annullér"]
    assert all_notes(bot.uow.engine) == []

    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.author_id, note.resident_id, note.diary_type_id, note.text) == (
        team.staff_a,
        team.olivia,
        team.types[SUNDHED],
        "havde ondt i maven efter frokost",
    )
    [draft] = all_drafts(bot.uow.engine)
    assert (draft.mode, draft.status, draft.note_id) == ("guided", "saved", note.id)
    assert [e.action for e in audit_events(bot.uow.engine, entity="diary_note")] == ["create"]
    # The typed text is the note's source message and is tidied away like a quick note.
    assert [int(c.params["message_id"]) for c in bot.api.calls_to("deleteMessage")] == [
        text_message.message_id
    ]


async def test_text_after_the_flow_is_a_quick_note_again(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, KOMM)
    await bot.send(team.user, "pegede på saft")
    await bot.press(team.user, "Gem")

    await bot.send(team.user, "ella komm vinkede")

    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Ella\nType: {KOMM}\n\nvinkede"
    assert [d.mode for d in all_drafts(bot.uow.engine)] == ["guided", "quick"]


async def test_text_before_the_choices_is_kept_and_the_card_asks_for_the_rest(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "/note")
    await bot.send(team.user, "sov til middag")

    card = bot.last(team.user)
    assert card.text == "📝 Hvem handler noten om?\nBeboer: ?\nType: ?\n\nsov til middag"
    await bot.press(team.user, "Ella")
    await bot.press(team.user, SUNDHED)
    assert bot.last(team.user).text == (
        f"📝 Ny note\nBeboer: Ella\nType: {SUNDHED}\n\nsov til middag"
    )
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.text) == (team.ella, "sov til middag")


async def test_resident_i_wrote_on_last_comes_first(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "olivia komm vinkede")
    await bot.press(team.user, "Gem")

    await bot.send(team.user, "/note")

    assert labels(bot.last(team.user)) == ["Olivia", "Ella", "Mia", "Oliver", "Annullér"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ([], ["Ella", "Mia", "Oliver", "Olivia"]),
        (["Ella"], ["Ella", "Mia", "Oliver", "Olivia"]),
        (["Oliver"], ["Oliver", "Ella", "Mia", "Olivia"]),
        (["Olivia", "Mia"], ["Mia", "Olivia", "Ella", "Oliver"]),
        (["Mia", "Olivia", "Mia"], ["Mia", "Olivia", "Ella", "Oliver"]),
    ],
    ids=["none-by-name", "ella", "oliver", "newest-first", "repeat-counts-once"],
)
async def test_resident_buttons_are_most_recent_first(
    bot: BotHarness, team: Team, written: list[str], expected: list[str]
) -> None:
    ids = {"Mia": team.mia, "Oliver": team.oliver, "Olivia": team.olivia, "Ella": team.ella}
    start = bot.clock.now() - timedelta(hours=5)
    for minutes, name in enumerate(written):
        add_note(
            bot.uow.engine,
            author_id=team.staff_a,
            resident_id=ids[name],
            diary_type_id=team.types[KOMM],
            text=f"note {minutes}",
            created_at=start + timedelta(minutes=minutes),
        )

    await bot.send(team.user, "/note")

    assert labels(bot.last(team.user)) == [*expected, "Annullér"]


async def test_deleted_and_colleagues_notes_do_not_reorder_my_buttons(
    bot: BotHarness, team: Team
) -> None:
    mine = add_note(
        bot.uow.engine,
        author_id=team.staff_a,
        resident_id=team.oliver,
        diary_type_id=team.types[KOMM],
        text="slettet",
        created_at=bot.clock.now() - timedelta(hours=1),
    )
    with Session(bot.uow.engine) as session:
        note = session.get(DiaryNote, mine)
        assert note is not None
        note.deleted = True
        session.add(note)
        session.commit()

    await bot.send(team.user, "/note")

    assert labels(bot.last(team.user)) == ["Ella", "Mia", "Oliver", "Olivia", "Annullér"]


@pytest.mark.parametrize(
    "presses",
    [[], ["Mia"], ["Mia", KOMM]],
    ids=["before-resident", "after-resident", "after-type"],
)
async def test_annuller_leaves_the_flow_and_stores_nothing(
    bot: BotHarness, team: Team, presses: list[str]
) -> None:
    await bot.send(team.user, "/note")
    for label in presses:
        await bot.press(team.user, label)

    await bot.send(team.user, "/annuller")

    assert bot.last(team.user).text == plain("common.cancelled")
    assert [d.status for d in all_drafts(bot.uow.engine)] == ["cancelled"]

    # The flow is over: free text is a quick note of its own, not this draft's text.
    await bot.send(team.user, "sov godt")
    assert bot.last(team.user).text == "📝 Hvem handler noten om?\nBeboer: ?\nType: ?\n\nsov godt"
    drafts = all_drafts(bot.uow.engine)
    assert [(d.mode, d.status, d.text) for d in drafts] == [
        ("guided", "cancelled", ""),
        ("quick", "open", "sov godt"),
    ]
    assert all_notes(bot.uow.engine) == []


async def test_annuller_outside_a_flow_says_there_is_nothing(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/annuller")

    assert bot.last(team.user).text == plain("common.nothing_to_cancel")


async def test_cancel_button_on_the_card_ends_the_draft_and_text_becomes_a_quick_note(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, KOMM)
    await bot.press(team.user, "Annullér")

    await bot.send(team.user, "ella komm vinkede")

    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Ella\nType: {KOMM}\n\nvinkede"
    drafts = all_drafts(bot.uow.engine)
    assert [(d.mode, d.status, d.text) for d in drafts] == [
        ("guided", "cancelled", ""),
        ("quick", "open", "vinkede"),
    ]


@pytest.mark.parametrize(
    ("command", "reply_start"),
    [
        ("/mine", "Dine seneste noter"),
        ("/hjaelp", "Sådan skriver du en note"),
        ("/noter mia", "Seneste noter om Mia"),
        ("/findesikke", "Den kommando kender jeg ikke."),
    ],
    ids=["mine", "hjaelp", "noter", "unknown-command"],
)
async def test_another_command_mid_flow_ends_it_and_runs(
    bot: BotHarness, team: Team, command: str, reply_start: str
) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, KOMM)

    await bot.send(team.user, command)
    replies = [m.text or "" for m in bot.api.messages(42) if m.from_bot and not m.inline_keyboard]
    assert replies
    assert replies[0].startswith(reply_start)

    await bot.send(team.user, "sov godt")

    # The text did not complete the /note draft: it started a quick note of its own.
    assert bot.last(team.user).text == "📝 Hvem handler noten om?\nBeboer: ?\nType: ?\n\nsov godt"
    guided = next(d for d in all_drafts(bot.uow.engine) if d.mode == "guided")
    assert guided.text == ""
    assert all_notes(bot.uow.engine) == []


async def test_note_again_mid_flow_starts_over(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/note")
    first = card_draft_id(bot.last(team.user))
    await bot.press(team.user, "Mia")

    await bot.send(team.user, "/note")
    second = card_draft_id(bot.last(team.user))
    assert bot.last(team.user).text == ASK_RESIDENT
    await bot.press(team.user, "Ella")
    await bot.press(team.user, KOMM)
    await bot.send(team.user, "vinkede")
    await bot.press(team.user, "Gem")

    statuses = {d.id: d.status for d in all_drafts(bot.uow.engine)}
    assert statuses == {first: "cancelled", second: "saved"}
    [note] = all_notes(bot.uow.engine)
    assert note.resident_id == team.ella


async def test_redelivered_text_in_the_flow_shows_the_same_card_and_saves_once(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, KOMM)
    update = bot.updates.message(team.user, "pegede på saft")

    await bot.process(update)
    first = bot.last(team.user)
    await bot.process(update)
    second = bot.last(team.user)

    assert second.message_id != first.message_id
    assert card_draft_id(second) == card_draft_id(first)
    assert second.text == first.text
    assert len(all_drafts(bot.uow.engine)) == 1
    await bot.press(team.user, "Gem")
    assert len(all_notes(bot.uow.engine)) == 1


async def test_note_without_any_residents_says_so(bot: BotHarness, team: Team) -> None:
    from bot.domain.access import Role
    from tests import factories

    now = bot.clock.now()
    empty = factories.department(bot.uow, "Afd C", now)
    factories.staff(bot.uow, 44, Role.MEDARBEJDER, [empty], now)
    user = bot.user(44)

    await bot.send(user, "/note")
    await bot.send(user, "mia komm hej")

    assert bot.texts(user) == [plain("notes.no_residents")] * 2
    assert all_drafts(bot.uow.engine) == []
    assert team.mia  # Afd A's residents exist, just not for this person
