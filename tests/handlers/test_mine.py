"""/mine (my last notes: edit, delete) and /noter NAVN (a resident's recent notes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.domain.access import Role
from bot.storage.models import DiaryNote
from bot.texts import plain
from tests import factories
from tests.handlers.conftest import (
    KOMM,
    SUNDHED,
    HarnessFactory,
    Team,
    add_note,
    audit_events,
    button_data,
    labels,
    revisions,
)
from tests.tg import BotHarness

EDIT_WINDOW = timedelta(hours=24)


def _note(bot: BotHarness, team: Team, text: str, *, ago: timedelta, **kw: int) -> int:
    return add_note(
        bot.uow.engine,
        author_id=kw.get("author_id", team.staff_a),
        resident_id=kw.get("resident_id", team.mia),
        diary_type_id=kw.get("diary_type_id", team.types[KOMM]),
        text=text,
        created_at=bot.clock.now() - ago,
    )


def _get(bot: BotHarness, note_id: int) -> DiaryNote:
    with Session(bot.uow.engine) as session:
        note = session.get(DiaryNote, note_id)
        assert note is not None
        return note


# --- /mine --------------------------------------------------------------------------------


async def test_mine_lists_my_last_ten_notes_newest_first(bot: BotHarness, team: Team) -> None:
    for number in range(1, 13):
        _note(bot, team, f"tekst-{number:02d}", ago=timedelta(minutes=60 - number))
    _note(bot, team, "kollegas note", ago=timedelta(minutes=1), author_id=team.staff_b)

    await bot.send(team.user, "/mine")

    listing = bot.last(team.user)
    text = listing.text or ""
    shown = [f"tekst-{n:02d}" for n in range(12, 0, -1) if f"tekst-{n:02d}" in text]
    assert shown == [f"tekst-{n:02d}" for n in range(12, 2, -1)]
    assert "kollegas note" not in text
    assert text.startswith("Dine seneste noter\n\n1. 23.11. 09:12 · Mia · Kommunikationsforhold\n")
    assert f"10. 23.11. 09:03 · Mia · {KOMM}\ntekst-03" in text
    assert labels(listing) == [
        label for n in range(1, 11) for label in (f"✏️ Ret {n}", f"🗑 Slet {n}")
    ]
    [read] = audit_events(bot.uow.engine, entity="own_notes")
    assert (read.action, read.actor_id, read.detail) == ("read", team.staff_a, "count=10")


async def test_mine_without_notes_says_so(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/mine")

    assert bot.last(team.user).text == "Dine seneste noter\n\nIngen noter endnu."
    assert bot.last(team.user).inline_keyboard is None


async def test_edit_from_mine_replaces_the_text_and_keeps_the_old_one(
    bot: BotHarness, team: Team
) -> None:
    older = _note(bot, team, "sov dårligt", ago=timedelta(hours=2))
    newest = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")

    await bot.press(team.user, "✏️ Ret 1")
    prompt = bot.last(team.user).text or ""
    assert prompt.startswith(f"Send den nye tekst til noten om Mia ({KOMM}).")
    assert "Nu står der:\npegede på saft\n" in prompt

    bot.clock.advance(timedelta(minutes=5))
    await bot.send(team.user, "pegede på æblejuice ved frokost")

    assert bot.last(team.user).text == f"✏️ Noten om Mia ({KOMM}) er rettet."
    note = _get(bot, newest)
    assert (note.text, note.edited_at, note.deleted) == (
        "pegede på æblejuice ved frokost",
        bot.clock.now(),
        False,
    )
    assert _get(bot, older).text == "sov dårligt"
    [revision] = revisions(bot.uow.engine)
    assert (revision.note_id, revision.text, revision.replaced_by_id) == (
        newest,
        "pegede på saft",
        team.staff_a,
    )
    assert (revision.diary_type_id, revision.replaced_at) == (team.types[KOMM], bot.clock.now())
    [edit] = [e for e in audit_events(bot.uow.engine, entity="diary_note") if e.action == "edit"]
    assert (edit.entity_id, edit.actor_id, edit.resident_id) == (newest, team.staff_a, team.mia)

    await bot.send(team.user, "/mine")
    listing = bot.last(team.user).text or ""
    assert f"1. 23.11. 09:00 · Mia · {KOMM} (rettet)\npegede på æblejuice ved frokost" in listing
    assert f"2. 23.11. 08:00 · Mia · {KOMM}\nsov dårligt" in listing
    assert listing.count("(rettet)") == 1


async def test_edit_with_the_same_text_writes_no_history(bot: BotHarness, team: Team) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")

    await bot.send(team.user, "  pegede på saft ")

    assert revisions(bot.uow.engine) == []
    assert _get(bot, note_id).edited_at is None
    assert [e.action for e in audit_events(bot.uow.engine, entity="diary_note")] == []


async def test_annuller_while_editing_keeps_the_note(bot: BotHarness, team: Team) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")

    await bot.send(team.user, "/annuller")
    assert bot.last(team.user).text == plain("common.cancelled")
    await bot.send(team.user, "ella komm vinkede")

    assert _get(bot, note_id).text == "pegede på saft"
    assert revisions(bot.uow.engine) == []
    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Ella\nType: {KOMM}\n\nvinkede"


@pytest.mark.parametrize(
    ("age", "changeable"),
    [
        (timedelta(hours=23, minutes=59), True),
        (EDIT_WINDOW, True),
        (EDIT_WINDOW + timedelta(seconds=1), False),
        (timedelta(days=3), False),
    ],
    ids=["23h59", "exactly-24h", "24h-and-1s", "3-days"],
)
async def test_edit_and_delete_buttons_only_within_24_hours(
    bot: BotHarness, team: Team, age: timedelta, changeable: bool
) -> None:
    _note(bot, team, "pegede på saft", ago=timedelta(0))
    bot.clock.advance(age)

    await bot.send(team.user, "/mine")

    listing = bot.last(team.user)
    assert "pegede på saft" in (listing.text or "")
    assert labels(listing) == (["✏️ Ret 1", "🗑 Slet 1"] if changeable else [])


@pytest.mark.parametrize("action", ["e", "d", "y"], ids=["edit", "delete", "confirm-delete"])
async def test_forged_press_after_24_hours_gets_the_24_timer_alert(
    bot: BotHarness, team: Team, action: str
) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(0))
    await bot.send(team.user, "/mine")
    bot.clock.advance(EDIT_WINDOW + timedelta(minutes=1))

    await bot.press_data(team.user, f"m:{action}:{note_id}")

    assert bot.alerts() == [plain("notes.edit_expired")]
    assert "24 timer" in bot.alerts()[0]
    note = _get(bot, note_id)
    assert (note.text, note.deleted) == ("pegede på saft", False)
    # No prompt was sent: the flow did not start.
    assert len([m for m in bot.api.messages(42) if m.from_bot]) == 1
    await bot.send(team.user, "ella komm vinkede")
    assert _get(bot, note_id).text == "pegede på saft"


async def test_pressing_ret_late_from_an_old_list_is_refused(bot: BotHarness, team: Team) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=23))
    await bot.send(team.user, "/mine")
    bot.clock.advance(timedelta(hours=2))

    await bot.press(team.user, "✏️ Ret 1")

    assert bot.alerts() == [plain("notes.edit_expired")]
    assert _get(bot, note_id).text == "pegede på saft"


@pytest.mark.parametrize("action", ["e", "d", "y"], ids=["edit", "delete", "confirm-delete"])
async def test_a_colleagues_note_cannot_be_changed(
    bot: BotHarness, team: Team, action: str
) -> None:
    colleague = factories.staff(bot.uow, 44, Role.MEDARBEJDER, [team.dep_a], bot.clock.now())
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(0), author_id=colleague)
    await bot.send(team.user, "/mine")

    await bot.press_data(team.user, f"m:{action}:{note_id}")

    assert bot.alerts() == [plain("error.not_allowed")]
    note = _get(bot, note_id)
    assert (note.text, note.deleted) == ("pegede på saft", False)


async def test_delete_from_mine_after_ja_slet(bot: BotHarness, team: Team) -> None:
    keep = _note(bot, team, "sov dårligt", ago=timedelta(hours=2))
    gone = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")

    await bot.press(team.user, "🗑 Slet 1")
    confirm = bot.last(team.user)
    assert confirm.text == f"Slet denne note?\nMia · {KOMM}\npegede på saft"
    assert labels(confirm) == ["Ja, slet", "Nej, behold"]
    assert _get(bot, gone).deleted is False

    await bot.press(team.user, "Ja, slet")

    done = bot.last(team.user)
    assert (done.message_id, done.text, done.inline_keyboard) == (
        confirm.message_id,
        "🗑 Noten er slettet.",
        None,
    )
    assert bot.alerts()[-1] == plain("notes.deleted_toast")
    note = _get(bot, gone)  # kept in the database, marked deleted
    assert (note.deleted, note.deleted_at, note.text) == (True, bot.clock.now(), "pegede på saft")
    assert _get(bot, keep).deleted is False
    [event] = audit_events(bot.uow.engine, entity="diary_note")
    assert (event.action, event.entity_id, event.actor_id) == ("delete", gone, team.staff_a)

    await bot.send(team.user, "/mine")
    listing = bot.last(team.user)
    assert "pegede på saft" not in (listing.text or "")
    assert "1. 23.11. 08:00 · Mia" in (listing.text or "")
    assert labels(listing) == ["✏️ Ret 1", "🗑 Slet 1"]


async def test_nej_behold_keeps_the_note(bot: BotHarness, team: Team) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "🗑 Slet 1")

    await bot.press(team.user, "Nej, behold")

    assert bot.last(team.user).text == "Noten er beholdt."
    assert bot.last(team.user).inline_keyboard is None
    assert _get(bot, note_id).deleted is False
    assert audit_events(bot.uow.engine, entity="diary_note") == []
    await bot.send(team.user, "/mine")
    assert "pegede på saft" in (bot.last(team.user).text or "")


async def test_confirming_a_delete_twice_is_answered_not_repeated(
    bot: BotHarness, team: Team
) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "🗑 Slet 1")
    confirm = bot.last(team.user)
    ja = button_data(confirm, "Ja, slet")
    await bot.press(team.user, "Ja, slet")

    await bot.press_data(team.user, ja, message_id=confirm.message_id)

    assert bot.alerts()[-1] == plain("notes.note_gone")
    assert [e.action for e in audit_events(bot.uow.engine, entity="diary_note")] == ["delete"]
    assert _get(bot, note_id).deleted is True


async def test_a_failed_edit_does_not_swallow_the_next_message(bot: BotHarness, team: Team) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=23, minutes=59))
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")
    bot.clock.advance(timedelta(minutes=2))  # the window closes while the person types

    await bot.send(team.user, "pegede på æblejuice")
    assert bot.last(team.user).text == plain("notes.edit_expired")
    assert _get(bot, note_id).text == "pegede på saft"

    await bot.send(team.user, "ella komm vinkede")

    # The next message is either a quick note or answered, never silently dropped.
    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Ella\nType: {KOMM}\n\nvinkede"


async def test_starting_note_while_editing_ends_the_edit(bot: BotHarness, team: Team) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")
    await bot.press(team.user, "✏️ Ret 1")

    await bot.send(team.user, "/note")
    await bot.press(team.user, "Ella")
    await bot.press(team.user, SUNDHED)
    await bot.send(team.user, "sov til middag")
    await bot.press(team.user, "Gem")
    await bot.send(team.user, "oliver komm vinkede")

    assert _get(bot, note_id).text == "pegede på saft"
    assert revisions(bot.uow.engine) == []
    assert bot.last(team.user).text == f"📝 Ny note\nBeboer: Oliver\nType: {KOMM}\n\nvinkede"


# --- /noter NAVN ----------------------------------------------------------------------------


async def test_noter_shows_a_residents_recent_notes_and_logs_the_read(
    bot: BotHarness, team: Team
) -> None:
    colleague = factories.staff(bot.uow, 44, Role.MEDARBEJDER, [team.dep_a], bot.clock.now())
    _note(bot, team, "sov godt", ago=timedelta(hours=3))
    _note(bot, team, "spiste det hele", ago=timedelta(hours=2), author_id=colleague)
    _note(bot, team, "om oliver", ago=timedelta(hours=1), resident_id=team.oliver)
    deleted = _note(bot, team, "slettet note", ago=timedelta(minutes=30))
    with Session(bot.uow.engine) as session:
        row = session.get(DiaryNote, deleted)
        assert row is not None
        row.deleted = True
        session.add(row)
        session.commit()

    await bot.send(team.user, "/noter mia")

    listing = bot.last(team.user)
    assert listing.text == (
        "Seneste noter om Mia\n\n"
        f"1. 23.11. 08:00 · Mia · {KOMM}\nspiste det hele\n"
        f"2. 23.11. 07:00 · Mia · {KOMM}\nsov godt"
    )
    assert listing.inline_keyboard is None  # no edit buttons here, not even on my own notes
    [read] = audit_events(bot.uow.engine, entity="resident_notes")
    assert (read.action, read.actor_id, read.resident_id, read.detail) == (
        "read",
        team.staff_a,
        team.mia,
        "count=2",
    )


async def test_noter_shows_at_most_ten(bot: BotHarness, team: Team) -> None:
    for number in range(1, 13):
        _note(bot, team, f"tekst-{number:02d}", ago=timedelta(minutes=60 - number))

    await bot.send(team.user, "/noter Mia")

    text = bot.last(team.user).text or ""
    assert [n for n in range(1, 13) if f"tekst-{n:02d}" in text] == list(range(3, 13))
    assert text.index("tekst-12") < text.index("tekst-03")


@pytest.mark.parametrize(
    ("query", "offered"),
    [("oliv", ["Oliver", "Olivia"]), ("mai", ["Mia"])],
    ids=["oliv", "short-typo"],
)
async def test_noter_with_an_uncertain_name_offers_buttons(
    bot: BotHarness, team: Team, query: str, offered: list[str]
) -> None:
    _note(bot, team, "om olivia", ago=timedelta(hours=1), resident_id=team.olivia)
    _note(bot, team, "om mia", ago=timedelta(hours=1))

    await bot.send(team.user, f"/noter {query}")

    which = bot.last(team.user)
    assert which.text == "Hvem mente du?"
    assert labels(which) == offered
    assert audit_events(bot.uow.engine, entity="resident_notes") == []

    await bot.press(team.user, offered[-1])

    resident_id = {"Olivia": team.olivia, "Mia": team.mia}[offered[-1]]
    assert (bot.last(team.user).text or "").startswith(f"Seneste noter om {offered[-1]}\n")
    assert f"om {offered[-1].lower()}" in (bot.last(team.user).text or "")
    [read] = audit_events(bot.uow.engine, entity="resident_notes")
    assert read.resident_id == resident_id


@pytest.mark.parametrize(
    "query", ["bo", "Bo", "xyzzy"], ids=["other-dept", "other-dept-cap", "nobody"]
)
async def test_noter_finds_nobody_outside_my_residents(
    bot: BotHarness, team: Team, query: str
) -> None:
    _note(bot, team, "om bo", ago=timedelta(hours=1), resident_id=team.bo, author_id=team.staff_b)

    await bot.send(team.user, f"/noter {query}")

    assert bot.last(team.user).text == plain("notes.noter_none")
    assert "fandt ingen" in plain("notes.noter_none")
    assert audit_events(bot.uow.engine, entity="resident_notes") == []


async def test_forged_noter_press_for_another_department_is_refused(
    bot: BotHarness, team: Team
) -> None:
    _note(bot, team, "om bo", ago=timedelta(hours=1), resident_id=team.bo, author_id=team.staff_b)
    await bot.send(team.user, "/noter oliv")

    await bot.press_data(team.user, f"o:{team.bo}")

    assert bot.alerts() == [plain("error.not_allowed")]
    assert not any("om bo" in t for t in bot.texts(team.user))
    assert audit_events(bot.uow.engine, entity="resident_notes") == []


async def test_noter_without_a_name_explains_itself(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/noter")

    assert bot.last(team.user).text == "Skriv navnet efter kommandoen, fx /noter mia."
    assert team.mia


async def test_ret_pressed_while_note_waits_for_text_gets_the_text(
    bot: BotHarness, team: Team
) -> None:
    note_id = _note(bot, team, "pegede på saft", ago=timedelta(hours=1))
    await bot.send(team.user, "/mine")
    mine = bot.last(team.user)
    await bot.send(team.user, "/note")
    await bot.press(team.user, "Ella")
    await bot.press(team.user, SUNDHED)

    await bot.press_data(team.user, button_data(mine, "✏️ Ret 1"), message_id=mine.message_id)
    await bot.send(team.user, "pegede på æblejuice")

    assert _get(bot, note_id).text == "pegede på æblejuice"
    assert bot.last(team.user).text == f"✏️ Noten om Mia ({KOMM}) er rettet."


@pytest.mark.parametrize(
    ("hours", "age", "changeable"),
    [(2, timedelta(hours=1, minutes=59), True), (2, timedelta(hours=2, minutes=1), False)],
    ids=["inside-2h", "outside-2h"],
)
async def test_the_edit_window_follows_the_setting(
    harness: HarnessFactory, team: Team, hours: int, age: timedelta, changeable: bool
) -> None:
    async with harness(edit_window_hours=hours) as bot:
        note_id = _note(bot, team, "pegede på saft", ago=age)

        await bot.send(team.user, "/mine")
        assert labels(bot.last(team.user)) == (["✏️ Ret 1", "🗑 Slet 1"] if changeable else [])
        await bot.press_data(team.user, f"m:e:{note_id}")
        await bot.send(team.user, "ny tekst")

        assert _get(bot, note_id).text == ("ny tekst" if changeable else "pegede på saft")
