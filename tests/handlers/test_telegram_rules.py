"""The Bot API's rules on every note screen: HTML, 4096 characters, 64-byte data, 429s."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from bot.fakeapi import MAX_CALLBACK_DATA_BYTES, MAX_TEXT_LENGTH
from bot.storage.models import DiaryNote, NoteDraft
from bot.texts import plain
from tests import factories
from tests.handlers.conftest import (
    KOMM,
    SUNDHED,
    Team,
    add_note,
    all_drafts,
    all_notes,
    card_draft_id,
    edited_update,
)
from tests.tg import BotHarness

SHORTENED_HINT = "(Teksten er forkortet her; hele teksten gemmes.)"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _failed(bot: BotHarness) -> list[tuple[str, dict[str, Any]]]:
    return [(c.method, c.params) for c in bot.api.calls if not c.ok]


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "sagde <b>nej</b> højt",
        "Tom & Jerry i fjernsynet",
        "<script>alert(1)</script>",
        "a < b > c",
        "skrev &amp; og &lt; selv",
        "<i>kursiv uden slut",
        "</b> slut-tag først",
        "citat \"hej\" & 'farvel'",
    ],
    ids=[
        "bold-tag",
        "ampersand",
        "script",
        "angles",
        "entities",
        "open-tag",
        "close-tag",
        "quotes",
    ],
)
async def test_note_text_is_shown_exactly_as_typed_everywhere(
    bot: BotHarness, team: Team, body: str
) -> None:
    await bot.send(team.user, f"mia komm {body}")
    card = bot.last(team.user)
    assert card.text == f"📝 Ny note\nBeboer: Mia\nType: {KOMM}\n\n{body}"
    # No formatting leaks into the note text: every entity ends before it starts.
    body_start = _utf16_len(card.text) - _utf16_len(body)
    assert all(e["offset"] + e["length"] <= body_start for e in card.entities)

    await bot.press(team.user, "Gem")
    assert (bot.last(team.user).text or "").endswith(f"\n\n{body}")
    [note] = all_notes(bot.uow.engine)
    assert note.text == body

    await bot.send(team.user, "/mine")
    assert (bot.last(team.user).text or "").endswith(f"\n{body}")
    await bot.send(team.user, "/noter mia")
    assert (bot.last(team.user).text or "").endswith(f"\n{body}")
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "🗑 Slet 1")
    assert (bot.last(team.user).text or "").endswith(f"\n{body}")
    await bot.press(team.user, "Nej, behold")
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")
    assert f"Nu står der:\n{body}\n" in (bot.last(team.user).text or "")
    await bot.send(team.user, f"{body} (rettet)")
    assert all_notes(bot.uow.engine)[0].text == f"{body} (rettet)"

    assert _failed(bot) == []


async def test_names_with_html_characters_are_escaped(bot: BotHarness, team: Team) -> None:
    now = bot.clock.now()
    factories.resident(bot.uow, "Ida <3 & Co", team.dep_a, now)

    await bot.send(team.user, "/note")
    await bot.press(team.user, "Ida <3 & Co")
    await bot.press(team.user, SUNDHED)
    await bot.send(team.user, "sov godt")
    await bot.press(team.user, "Gem")
    await bot.send(team.user, "/mine")

    assert "· Ida <3 & Co · " in (bot.last(team.user).text or "")
    assert _failed(bot) == []


# --- length -----------------------------------------------------------------------------------


def _long_text(length: int) -> str:
    words = " ".join(f"ord{i % 10}" for i in range(length))
    return words[:length].rstrip() + "x" * (length - len(words[:length].rstrip()))


async def test_long_note_is_stored_whole_and_the_card_is_shortened(
    bot: BotHarness, team: Team
) -> None:
    body = _long_text(5000)
    assert len(body) == 5000

    await bot.send(team.user, f"mia komm {body}")

    card = bot.last(team.user)
    assert card.text is not None
    assert len(card.text) <= MAX_TEXT_LENGTH
    assert card.text.endswith(SHORTENED_HINT)
    assert "forkortet" in card.text
    shown = card.text.split("\n\n", 1)[1].removesuffix("\n" + SHORTENED_HINT)
    assert shown.endswith("…")
    assert body.startswith(shown.removesuffix("…"))
    [draft] = all_drafts(bot.uow.engine)
    assert draft.text == body

    await bot.press(team.user, "Gem")

    saved = bot.last(team.user)
    assert saved.text is not None
    assert saved.text.startswith("✅ Gemt")
    assert len(saved.text) <= MAX_TEXT_LENGTH
    assert saved.text.endswith(SHORTENED_HINT)
    [note] = all_notes(bot.uow.engine)
    assert note.text == body

    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "🗑 Slet 1")
    await bot.send(team.user, "/noter mia")
    assert _failed(bot) == []
    assert all(len(t) <= MAX_TEXT_LENGTH for t in bot.texts(team.user))


async def test_short_note_has_no_shortened_hint(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm kort")

    assert "forkortet" not in (bot.last(team.user).text or "")


async def test_ten_long_notes_fit_in_mine_and_noter(bot: BotHarness, team: Team) -> None:
    for minutes in range(10):
        add_note(
            bot.uow.engine,
            author_id=team.staff_a,
            resident_id=team.mia,
            diary_type_id=team.types["Følelses- og adfærdsmæssige forhold"],
            text=_long_text(4000),
            created_at=bot.clock.now() - timedelta(minutes=minutes),
        )

    await bot.send(team.user, "/mine")
    await bot.send(team.user, "/noter mia")

    assert _failed(bot) == []
    texts = bot.texts(team.user)
    assert len(texts) == 2
    assert all(len(t) <= MAX_TEXT_LENGTH for t in texts)


@pytest.mark.parametrize(
    ("length", "stored"),
    [(20_000, True), (20_001, False)],
    ids=["at-the-limit", "one-over"],
)
async def test_a_pasted_novel_is_refused_with_a_hint(
    bot: BotHarness, team: Team, length: int, stored: bool
) -> None:
    # The limit counts the whole message, name and type words included.
    body = "x" * (length - len("mia komm "))

    await bot.send(team.user, f"mia komm {body}")

    if stored:
        assert len(bot.last(team.user).text or "") <= MAX_TEXT_LENGTH
        assert [d.text for d in all_drafts(bot.uow.engine)] == [body]
    else:
        assert bot.last(team.user).text == plain("notes.too_long", limit=20_000)
        assert all_drafts(bot.uow.engine) == []


# --- callback data ----------------------------------------------------------------------------


def _callback_datas(bot: BotHarness) -> list[str]:
    datas = []
    for call in bot.api.calls:
        markup = call.params.get("reply_markup")
        if not isinstance(markup, dict):
            continue
        for row in markup.get("inline_keyboard", []):
            datas.extend(b["callback_data"] for b in row if "callback_data" in b)
    return datas


async def test_every_button_fits_in_64_bytes_even_with_large_ids(
    bot: BotHarness, team: Team
) -> None:
    big = 10**15 - 10  # ids as a long-lived PostgreSQL sequence could hand out
    now = bot.clock.now()
    with Session(bot.uow.engine) as session:
        session.add(NoteDraft(id=big, author_id=team.staff_b, created_at=now, updated_at=now))
        session.commit()
    for i in range(10):
        factories.resident(bot.uow, f"Beboer {i}", team.dep_a, now)
    add_note(
        bot.uow.engine,
        author_id=team.staff_a,
        resident_id=team.oliver,
        diary_type_id=team.types[KOMM],
        text="gammel",
        created_at=now - timedelta(hours=1),
    )
    with Session(bot.uow.engine) as session:
        note = session.get(DiaryNote, 1)
        assert note is not None
        session.delete(note)
        session.add(
            DiaryNote(
                id=big,
                resident_id=team.oliver,
                diary_type_id=team.types[KOMM],
                author_id=team.staff_a,
                text="gammel",
                created_at=now - timedelta(hours=1),
            )
        )
        session.commit()

    # Quick note with a suggestion, paging and every picker.
    await bot.send(team.user, "oliv komm vinkede")
    assert card_draft_id(bot.last(team.user)) > big
    await bot.press(team.user, "Flere ›")  # the whole list, Oliver (written on) first
    await bot.press(team.user, "Flere ›")
    await bot.press(team.user, "‹ Forrige")
    await bot.press(team.user, "Flere ›")
    await bot.press(team.user, "Olivia")
    await bot.press(team.user, "Skift type")
    await bot.press(team.user, "Tilbage")
    await bot.press(team.user, "Gem")
    await bot.press(team.user, "Fortryd")
    # Step by step.
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Flere ›")
    await bot.press(team.user, "Mia")
    await bot.press(team.user, SUNDHED)
    await bot.send(team.user, "sov godt")
    await bot.press(team.user, "Annullér")
    # Lists.
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "🗑 Slet 1")
    await bot.send(team.user, "/noter oliv")

    datas = _callback_datas(bot)
    assert len(set(datas)) >= 40
    assert any(str(big) in d for d in datas)
    too_long = [d for d in datas if len(d.encode()) > MAX_CALLBACK_DATA_BYTES]
    assert too_long == []
    assert _failed(bot) == []


async def test_every_press_is_answered_exactly_once(bot: BotHarness, team: Team) -> None:
    presses = 0

    async def press(label: str) -> None:
        nonlocal presses
        presses += 1
        await bot.press(team.user, label)

    await bot.send(team.user, "oliv komm vinkede")
    await press("Olivia")
    await press("Skift beboer")
    await press("Tilbage")
    await press("Gem")
    bot.clock.advance(timedelta(minutes=11))
    await press("Fortryd")  # too late: answered with an alert
    await bot.send(team.user, "/mine")
    await press("🗑 Slet 1")
    await press("Nej, behold")
    await bot.send(team.user, "/mine")
    await press("✏️ Ret 1")
    await bot.press_data(team.user, "n:999:s:0")  # a card that does not exist
    await bot.press_data(team.user, "n:x:s")  # not this bot's shape
    presses += 2

    answers = bot.api.calls_to("answerCallbackQuery")
    assert len(answers) == presses
    assert all(c.ok for c in answers)


async def test_repeated_press_on_an_unchanged_card_is_not_an_error(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "mia komm vinkede")
    await bot.press(team.user, "Skift type")
    before = bot.last(team.user)
    back = next(d for t, d in bot.api.buttons(before) if t == "Tilbage")

    await bot.press(team.user, "Tilbage")
    await bot.press_data(team.user, back, message_id=before.message_id)

    not_modified = [c for c in bot.api.calls_to("editMessageText") if not c.ok]
    assert len(not_modified) == 1  # Telegram said "not modified"; the bot took it calmly
    assert plain("error.sorry") not in bot.alerts()
    assert not any(plain("error.sorry") in t for t in bot.texts(team.user))


# --- flood control ----------------------------------------------------------------------------


async def test_a_429_on_the_card_is_waited_out_and_the_card_arrives(
    bot: BotHarness, team: Team
) -> None:
    # PTB reads retry_after=0 as "no retry_after" (a plain NetworkError), and Telegram never
    # sends 0, so this waits out the shortest real answer: one second.
    bot.api.fail_next(1, retry_after=1, methods={"sendMessage"})

    await bot.send(team.user, "mia komm vinkede")

    sends = bot.api.calls_to("sendMessage")
    assert [c.ok for c in sends] == [False, True]
    assert sends[0].params["text"] == sends[1].params["text"]
    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Mia\nType: {KOMM}\n\nvinkede"
    assert len(all_drafts(bot.uow.engine)) == 1


# --- edited messages ------------------------------------------------------------------------


async def test_correcting_a_sent_message_never_shows_a_stale_card(
    bot: BotHarness, team: Team
) -> None:
    original = bot.updates.message(team.user, "mia komm pegede på sft")
    await bot.process(original)
    cards_before = len(bot.texts(team.user))

    await bot.process(edited_update(bot, original, "mia komm pegede på saft"))

    [draft] = all_drafts(bot.uow.engine)
    stale_card_sent = len(bot.texts(team.user)) > cards_before and draft.text != "pegede på saft"
    assert not stale_card_sent, bot.texts(team.user)


async def test_correcting_an_old_message_while_editing_is_not_the_new_text(
    bot: BotHarness, team: Team
) -> None:
    note_id = add_note(
        bot.uow.engine,
        author_id=team.staff_a,
        resident_id=team.mia,
        diary_type_id=team.types[KOMM],
        text="pegede på saft",
        created_at=bot.clock.now() - timedelta(hours=1),
    )
    original = bot.updates.message(team.user, "ella komm vinkede")
    await bot.process(original)
    await bot.press(team.user, "Annullér")  # the message stays in the chat, editable
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")

    await bot.process(edited_update(bot, original, "ella komm vinkede glad"))

    [note] = all_notes(bot.uow.engine)
    assert (note.id, note.text) == (note_id, "pegede på saft")
