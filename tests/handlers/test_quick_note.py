"""Quick notes end to end: free text, the card, Gem, and what is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.domain.access import Role
from bot.storage.models import DiaryNote, Resident
from bot.texts import plain
from tests import factories
from tests.handlers.conftest import (
    ADFAERD,
    IPEL,
    KOMM,
    SUNDHED,
    HarnessFactory,
    Team,
    all_drafts,
    all_notes,
    audit_events,
    button_data,
    card_draft_id,
    labels,
    last_user_message,
    on_edit_with,
)
from tests.tg import BotHarness

ALL_TYPES = [
    "Familieforhold",
    SUNDHED,
    KOMM,
    IPEL,
    ADFAERD,
    "Identitetsforhold",
    "Selvstændighedsforhold",
    "Skoleforhold",
    "Fritidsforhold",
    "Venskabsforhold",
    "Magtanvendelse",
    "Manglende arbejde med delmål",
]
CONFIRM_BUTTONS = ["Gem", "Skift beboer", "Skift type", "Annullér"]


def details(resident: str, diary_type: str, body: str) -> str:
    """Return the card's details block as Telegram displays it."""
    return f"Beboer: {resident}\nType: {diary_type}\n\n{body}"


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


# --- what the matcher makes of the first words ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "resident", "diary_type", "body"),
    [
        ("mia komm pegede på saft", "Mia", KOMM, "pegede på saft"),
        ("MIA Komm pegede på saft", "Mia", KOMM, "pegede på saft"),
        ("Mia: komm - pegede på saft", "Mia", KOMM, "pegede på saft"),
        ("olivr komm vinkede", "Oliver", KOMM, "vinkede"),
        ("oliver kommunikation vinkede", "Oliver", KOMM, "vinkede"),
        ("ella ipel valgte selv tøj", "Ella", IPEL, "valgte selv tøj"),
        ("ella indflydelse valgte selv tøj", "Ella", IPEL, "valgte selv tøj"),
        ("mia adfærd slog ud efter maden", "Mia", ADFAERD, "slog ud efter maden"),
        ("mia adfaerd slog ud efter maden", "Mia", ADFAERD, "slog ud efter maden"),
        ("mia følelser græd", "Mia", ADFAERD, "græd"),
        ("mia foelelser græd", "Mia", ADFAERD, "græd"),
        ("mia selvstændighed tog selv sko på", "Mia", "Selvstændighedsforhold", "tog selv sko på"),
        ("mia selvstaendighed tog selv sko på", "Mia", "Selvstændighedsforhold", "tog selv sko på"),
        ("mia delmål ingen tid i dag", "Mia", "Manglende arbejde med delmål", "ingen tid i dag"),
        ("mia delmaal ingen tid i dag", "Mia", "Manglende arbejde med delmål", "ingen tid i dag"),
    ],
    ids=[
        "exact",
        "upper-case",
        "separators",
        "typo-olivr-is-oliver",
        "type-full-alias",
        "alias-ipel",
        "alias-indflydelse",
        "alias-adfaerd-with-ae-letter",
        "alias-adfaerd-typed-ae",
        "alias-foelelser-with-oe-letter",
        "alias-foelelser-typed-oe",
        "alias-with-ae-letter",
        "alias-typed-ae",
        "alias-with-aa-letter",
        "alias-typed-aa",
    ],
)
async def test_sure_match_shows_the_confirm_card(
    bot: BotHarness, team: Team, text: str, resident: str, diary_type: str, body: str
) -> None:
    await bot.send(team.user, text)

    card = bot.last(team.user)
    assert card.text == "📝 Ny note\n" + details(resident, diary_type, body)
    assert labels(card) == CONFIRM_BUTTONS
    [draft] = all_drafts(bot.uow.engine)
    assert (draft.resident_id, draft.diary_type_id, draft.text, draft.status) == (
        {"Mia": team.mia, "Oliver": team.oliver, "Ella": team.ella}[resident],
        team.types[diary_type],
        body,
        "open",
    )
    assert all_notes(bot.uow.engine) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("søren komm hej", "Søren"),
        ("soeren komm hej", "Søren"),
        ("SØREN komm hej", "Søren"),
        ("åse komm hej", "Åse"),
        ("aase komm hej", "Åse"),
        ("Aase komm hej", "Åse"),
        ("bjørn komm hej", "Bjørn"),
        ("bjoern komm hej", "Bjørn"),
        ("kæmpe komm hej", "Kæmpe"),
        ("kaempe komm hej", "Kæmpe"),
    ],
    ids=[
        "oe-letter",
        "oe-typed",
        "oe-upper",
        "aa-letter",
        "aa-typed",
        "aa-typed-capital",
        "oe-inside-letter",
        "oe-inside-typed",
        "ae-letter",
        "ae-typed",
    ],
)
async def test_danish_letters_and_their_spellings_find_the_resident(
    bot: BotHarness, team: Team, text: str, name: str
) -> None:
    now = bot.clock.now()
    ids = {
        n: factories.resident(bot.uow, n, team.dep_a, now)
        for n in ("Søren", "Åse", "Bjørn", "Kæmpe")
    }

    await bot.send(team.user, text)

    assert bot.last(team.user).text == "📝 Ny note\n" + details(name, KOMM, "hej")
    [draft] = all_drafts(bot.uow.engine)
    assert draft.resident_id == ids[name]


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("mai komm hej", ["Mia"]),
        ("oliv komm hej", ["Oliver", "Olivia"]),
    ],
    ids=["short-typo-mai-is-not-silently-mia", "oliv-is-oliver-or-olivia"],
)
async def test_uncertain_name_offers_candidates_instead_of_guessing(
    bot: BotHarness, team: Team, text: str, offered: list[str]
) -> None:
    await bot.send(team.user, text)

    card = bot.last(team.user)
    assert card.text == (
        "📝 Hvem mente du? Jeg gætter ikke – vælg beboeren.\n" + details("?", KOMM, "hej")
    )
    assert labels(card) == [*offered, "Flere ›", "Annullér"]
    [draft] = all_drafts(bot.uow.engine)
    assert draft.resident_id is None
    assert draft.diary_type_id == team.types[KOMM]


@pytest.mark.parametrize(
    ("text", "choice"),
    [("oliv komm vinkede", "Olivia"), ("oliv komm vinkede", "Oliver"), ("mai komm vinkede", "Mia")],
    ids=["olivia", "oliver", "mia"],
)
async def test_choosing_a_candidate_shows_the_confirm_card_then_gem_saves_it(
    bot: BotHarness, team: Team, text: str, choice: str
) -> None:
    await bot.send(team.user, text)
    await bot.press(team.user, choice)

    card = bot.last(team.user)
    assert card.text == "📝 Ny note\n" + details(choice, KOMM, "vinkede")
    assert labels(card) == CONFIRM_BUTTONS

    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    expected = {"Olivia": team.olivia, "Oliver": team.oliver, "Mia": team.mia}[choice]
    assert (note.resident_id, note.diary_type_id, note.text) == (
        expected,
        team.types[KOMM],
        "vinkede",
    )


async def test_more_on_a_suggestion_opens_the_whole_resident_list(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "mai komm hej")
    await bot.press(team.user, "Flere ›")

    card = bot.last(team.user)
    assert card.text == "📝 Hvem handler noten om?\n" + details("?", KOMM, "hej")
    assert labels(card) == ["Ella", "Mia", "Oliver", "Olivia", "Annullér"]


async def test_unknown_type_offers_every_type_and_the_choice_is_saved(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "ella fooo havde ondt i maven")

    card = bot.last(team.user)
    assert card.text == "📝 Hvilken type note?\n" + details("Ella", "?", "fooo havde ondt i maven")
    assert labels(card) == [*ALL_TYPES, "Annullér"]

    await bot.press(team.user, SUNDHED)
    assert bot.last(team.user).text == "📝 Ny note\n" + details(
        "Ella", SUNDHED, "fooo havde ondt i maven"
    )
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.diary_type_id) == (team.ella, team.types[SUNDHED])


async def test_skift_beboer_pages_through_the_department_and_picks(
    bot: BotHarness, team: Team
) -> None:
    now = bot.clock.now()
    extra = [f"Beboer {letter}" for letter in "ABCDEFGHIJ"]
    ids = {name: factories.resident(bot.uow, name, team.dep_a, now) for name in extra}
    everybody = sorted([*extra, "Mia", "Oliver", "Olivia", "Ella"])  # 14, by name

    await bot.send(team.user, "mia komm hej")
    await bot.press(team.user, "Skift beboer")
    first = bot.last(team.user)
    assert first.text == "📝 Hvem handler noten om?\n" + details("Mia", KOMM, "hej")
    assert labels(first) == [*everybody[:8], "Flere ›", "Tilbage", "Annullér"]

    await bot.press(team.user, "Flere ›")
    second = bot.last(team.user)
    assert second.message_id == first.message_id  # the card is edited in place
    assert labels(second) == [*everybody[8:], "‹ Forrige", "Tilbage", "Annullér"]

    await bot.press(team.user, "‹ Forrige")
    assert labels(bot.last(team.user))[:8] == everybody[:8]
    await bot.press(team.user, "Flere ›")
    assert "Beboer J" in everybody[8:]
    await bot.press(team.user, "Beboer J")

    assert bot.last(team.user).text == "📝 Ny note\n" + details("Beboer J", KOMM, "hej")
    await bot.press(team.user, "Gem")
    [note] = all_notes(bot.uow.engine)
    assert note.resident_id == ids["Beboer J"]
    assert "Bo" not in everybody


async def test_skift_type_lists_every_type_and_back_keeps_the_card(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "mia komm hej")
    await bot.press(team.user, "Skift type")

    card = bot.last(team.user)
    assert card.text == "📝 Hvilken type note?\n" + details("Mia", KOMM, "hej")
    assert labels(card) == [*ALL_TYPES, "Tilbage", "Annullér"]

    await bot.press(team.user, "Tilbage")
    assert bot.last(team.user).text == "📝 Ny note\n" + details("Mia", KOMM, "hej")

    await bot.press(team.user, "Skift type")
    await bot.press(team.user, "Skoleforhold")
    assert bot.last(team.user).text == "📝 Ny note\n" + details("Mia", "Skoleforhold", "hej")
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert note.diary_type_id == team.types["Skoleforhold"]


async def test_annuller_stores_nothing_and_closes_the_card(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    card = bot.last(team.user)
    gem = button_data(card, "Gem")

    await bot.press(team.user, "Annullér")

    closed = bot.last(team.user)
    assert closed.message_id == card.message_id
    assert closed.text == "✖️ Annulleret – intet er gemt.\n" + details("Mia", KOMM, "pegede på saft")
    assert closed.inline_keyboard is None
    assert [d.status for d in all_drafts(bot.uow.engine)] == ["cancelled"]

    # An old Gem press (a second device, a forged update) saves nothing either.
    await bot.press_data(team.user, gem, message_id=card.message_id)
    assert bot.alerts()[-1] == plain("notes.card_closed")
    assert all_notes(bot.uow.engine) == []
    assert audit_events(bot.uow.engine, entity="diary_note") == []


# --- other departments ------------------------------------------------------------------------


async def test_resident_of_another_department_is_never_matched(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "bo komm var glad")

    card = bot.last(team.user)
    # "bo" is not a name in Afd A: nothing is consumed, the whole text is the body.
    assert card.text == "📝 Hvem handler noten om?\n" + details("?", "?", "bo komm var glad")
    assert labels(card) == ["Ella", "Mia", "Oliver", "Olivia", "Annullér"]
    [draft] = all_drafts(bot.uow.engine)
    assert draft.resident_id is None


async def test_forged_pick_of_another_departments_resident_is_refused(
    bot: BotHarness, team: Team
) -> None:
    await bot.send(team.user, "mia komm var glad")
    draft_id = card_draft_id(bot.last(team.user))

    await bot.press_data(team.user, f"n:{draft_id}:pr:{team.bo}")
    await bot.press(team.user, "Gem")

    assert bot.alerts()[0] == plain("error.not_allowed")
    [note] = all_notes(bot.uow.engine)
    assert note.resident_id == team.mia


async def test_each_department_matches_its_own_residents(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user_b, "bo komm var glad")
    await bot.press(team.user_b, "Gem")
    await bot.send(team.user_b, "mia komm var glad")

    assert bot.last(team.user_b).text == "📝 Hvem handler noten om?\n" + details(
        "?", "?", "mia komm var glad"
    )
    assert labels(bot.last(team.user_b)) == ["Bo", "Annullér"]
    [note] = all_notes(bot.uow.engine)
    assert (note.resident_id, note.author_id) == (team.bo, team.staff_b)


async def test_someone_elses_card_cannot_be_saved(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm var glad")
    gem = button_data(bot.last(team.user), "Gem")
    await bot.send(team.user_b, "/mine")

    await bot.press_data(team.user_b, gem)

    assert bot.alerts() == [plain("notes.not_your_card")]
    assert all_notes(bot.uow.engine) == []


# --- empty body -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["mia komm", "mia", "Mia: komm:   ", "mia komm -"],
    ids=["name-and-type", "name-only", "trailing-colon", "trailing-dash"],
)
async def test_empty_body_gets_a_danish_hint_and_stores_nothing(
    bot: BotHarness, team: Team, text: str
) -> None:
    await bot.send(team.user, text)

    hint = bot.last(team.user)
    assert hint.text == plain("notes.empty_body")
    assert hint.inline_keyboard is None
    assert all_drafts(bot.uow.engine) == []
    assert all_notes(bot.uow.engine) == []


# --- Gem --------------------------------------------------------------------------------------


async def test_gem_stores_one_note_with_an_audit_event(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm pegede på saft ved frokost")
    source_id = last_user_message(bot, team.user).message_id
    await bot.press(team.user, "Gem")

    [note] = all_notes(bot.uow.engine)
    assert (note.author_id, note.resident_id, note.diary_type_id, note.text) == (
        team.staff_a,
        team.mia,
        team.types[KOMM],
        "pegede på saft ved frokost",
    )
    assert (note.created_at, note.deleted, note.edited_at) == (bot.clock.now(), False, None)
    assert (note.source_chat_id, note.source_message_id) == (42, source_id)
    [event] = audit_events(bot.uow.engine, entity="diary_note")
    assert (event.action, event.entity_id, event.actor_id, event.resident_id) == (
        "create",
        note.id,
        team.staff_a,
        team.mia,
    )
    assert "pegede" not in event.detail  # the audit never holds note text
    card = bot.last(team.user)
    assert card.text == "✅ Gemt kl. 10:00\n" + details("Mia", KOMM, "pegede på saft ved frokost")
    assert labels(card) == ["Fortryd"]
    assert bot.alerts() == [plain("notes.saved_toast")]


async def test_card_says_gemt_only_once_the_note_is_committed(bot: BotHarness, team: Team) -> None:
    stored_when_shown: list[int] = []

    def check() -> None:
        # A separate connection sees only committed rows.
        stored_when_shown.append(len(all_notes(bot.uow.engine)))

    listener, seen = on_edit_with("Gemt", check)
    bot.api.add_listener(listener)
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Gem")

    assert len(seen) == 1
    assert stored_when_shown == [1]


async def test_pressing_gem_twice_stores_one_note(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    card = bot.last(team.user)
    gem = button_data(card, "Gem")

    await bot.press(team.user, "Gem")
    await bot.press_data(team.user, gem, message_id=card.message_id)

    assert len(all_notes(bot.uow.engine)) == 1
    assert len(audit_events(bot.uow.engine, entity="diary_note")) == 1
    assert (bot.last(team.user).text or "").startswith("✅ Gemt")
    # The repeated press changes nothing on the card and is answered, not an error.
    assert len(bot.api.calls_to("answerCallbackQuery")) == 2
    assert plain("error.sorry") not in bot.alerts()


async def test_redelivered_message_shows_the_same_draft_and_saves_once(
    bot: BotHarness, team: Team
) -> None:
    update = bot.updates.message(team.user, "mia komm pegede på saft")

    await bot.process(update)
    first = bot.last(team.user)
    await bot.process(update)
    second = bot.last(team.user)

    assert second.message_id != first.message_id
    assert card_draft_id(second) == card_draft_id(first)
    assert second.text == first.text
    assert len(all_drafts(bot.uow.engine)) == 1

    await bot.press(team.user, "Gem")
    await bot.process(update)  # once more, after saving
    await bot.press_data(team.user, button_data(first, "Gem"), message_id=first.message_id)

    assert len(all_notes(bot.uow.engine)) == 1
    assert (bot.last(team.user).text or "").startswith("✅ Gemt")


async def test_gem_deletes_the_users_message_when_configured(bot: BotHarness, team: Team) -> None:
    assert bot.settings.delete_note_messages
    await bot.send(team.user, "mia komm pegede på saft")
    source = last_user_message(bot, team.user)

    assert bot.api.calls_to("deleteMessage") == []  # not before the note is saved
    await bot.press(team.user, "Gem")

    [call] = bot.api.calls_to("deleteMessage")
    assert (int(call.params["chat_id"]), int(call.params["message_id"])) == (42, source.message_id)
    assert call.ok
    stored = bot.api.message(42, source.message_id)
    assert stored is not None
    assert stored.deleted
    assert len(all_notes(bot.uow.engine)) == 1


async def test_gem_keeps_the_users_message_when_not_configured(
    harness: HarnessFactory, team: Team
) -> None:
    async with harness(delete_note_messages=False) as bot:
        await bot.send(team.user, "mia komm pegede på saft")
        await bot.press(team.user, "Gem")

        assert bot.api.calls_to("deleteMessage") == []
        assert len(all_notes(bot.uow.engine)) == 1
        assert not any(m.deleted for m in bot.api.messages(42, include_deleted=True))


async def test_cancelled_card_never_deletes_the_users_message(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Annullér")

    assert bot.api.calls_to("deleteMessage") == []


# --- Fortryd ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "after",
    [timedelta(0), timedelta(minutes=9, seconds=59), timedelta(minutes=10)],
    ids=["at-once", "just-before-10-min", "at-10-min"],
)
async def test_fortryd_within_ten_minutes_marks_the_note_deleted(
    bot: BotHarness, team: Team, after: timedelta
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Gem")
    bot.clock.advance(after)

    await bot.press(team.user, "Fortryd")

    [note] = all_notes(bot.uow.engine)  # kept in the database
    assert (note.deleted, note.deleted_at, note.text) == (True, bot.clock.now(), "pegede på saft")
    events = audit_events(bot.uow.engine, entity="diary_note")
    assert [(e.action, e.entity_id, e.detail) for e in events] == [
        ("create", note.id, ""),
        ("delete", note.id, "undo"),
    ]
    card = bot.last(team.user)
    assert card.text == (
        "↩️ Fortrudt – noten er ikke længere gemt.\n" + details("Mia", KOMM, "pegede på saft")
    )
    assert card.inline_keyboard is None
    assert bot.alerts()[-1] == plain("notes.undone_toast")


@pytest.mark.parametrize(
    "after",
    [timedelta(minutes=10, seconds=1), timedelta(minutes=11), timedelta(hours=3)],
    ids=["one-second-late", "11-min", "hours-later"],
)
async def test_fortryd_after_ten_minutes_is_too_late_and_the_note_stays(
    bot: BotHarness, team: Team, after: timedelta
) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Gem")
    bot.clock.advance(after)

    await bot.press(team.user, "Fortryd")

    assert bot.alerts()[-1] == plain("notes.undo_expired")
    [answer] = [c for c in bot.api.calls_to("answerCallbackQuery") if c.params.get("show_alert")]
    assert answer.params["text"] == plain("notes.undo_expired")
    [note] = all_notes(bot.uow.engine)
    assert (note.deleted, note.deleted_at) == (False, None)
    assert [e.action for e in audit_events(bot.uow.engine, entity="diary_note")] == ["create"]


async def test_undone_note_leaves_mine(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm pegede på saft")
    await bot.press(team.user, "Gem")
    await bot.press(team.user, "Fortryd")

    await bot.send(team.user, "/mine")

    assert "pegede på saft" not in (bot.last(team.user).text or "")
    assert "Ingen noter endnu." in (bot.last(team.user).text or "")


# --- substitutes, settings, time zone -------------------------------------------------------


async def test_a_vikar_only_matches_assigned_residents(bot: BotHarness, team: Team) -> None:
    now = bot.clock.now()
    factories.staff(bot.uow, 45, Role.VIKAR, [team.dep_a], now, assigned=[team.mia])
    vikar = bot.user(45)

    await bot.send(vikar, "oliver komm vinkede")
    assert bot.last(vikar).text == "📝 Hvem handler noten om?\n" + details(
        "?", "?", "oliver komm vinkede"
    )
    assert labels(bot.last(vikar)) == ["Mia", "Annullér"]
    draft_id = card_draft_id(bot.last(vikar))
    await bot.press_data(vikar, f"n:{draft_id}:pr:{team.oliver}")
    assert bot.alerts() == [plain("error.not_allowed")]

    await bot.send(vikar, "mia komm vinkede")
    await bot.press(vikar, "Gem")
    [note] = all_notes(bot.uow.engine)
    assert note.resident_id == team.mia


@pytest.mark.parametrize(
    ("undo_minutes", "after", "undone"),
    [
        (1, timedelta(seconds=59), True),
        (1, timedelta(seconds=61), False),
        (30, timedelta(minutes=29), True),
        (30, timedelta(minutes=31), False),
    ],
    ids=["1min-in", "1min-out", "30min-in", "30min-out"],
)
async def test_the_undo_window_follows_the_setting(
    harness: HarnessFactory,
    team: Team,
    undo_minutes: int,
    after: timedelta,
    undone: bool,
) -> None:
    async with harness(undo_minutes=undo_minutes) as bot:
        await bot.send(team.user, "mia komm vinkede")
        await bot.press(team.user, "Gem")
        bot.clock.advance(after)

        await bot.press(team.user, "Fortryd")

        [note] = all_notes(bot.uow.engine)
        assert note.deleted is undone
        expected = plain("notes.undone_toast") if undone else plain("notes.undo_expired")
        assert bot.alerts()[-1] == expected


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "10:00"),
        (datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "11:00"),
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "01:59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "03:00"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "00:30"),
    ],
    ids=["winter", "summer", "before-dst-switch", "after-dst-switch", "new-year"],
)
async def test_saved_time_is_copenhagen_wall_clock(
    bot: BotHarness, team: Team, utc: datetime, shown: str
) -> None:
    bot.clock.set(utc)
    await bot.send(team.user, "mia komm vinkede")
    await bot.press(team.user, "Gem")

    assert (bot.last(team.user).text or "").startswith(f"✅ Gemt kl. {shown}\n")
    [note] = all_notes(bot.uow.engine)
    assert note.created_at == utc


async def test_gem_after_the_resident_moved_out_stores_nothing(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "mia komm vinkede")
    with Session(bot.uow.engine) as session:
        mia = session.get(Resident, team.mia)
        assert mia is not None
        mia.moved_out_on = bot.clock.now().date()
        mia.updated_at = bot.clock.now()
        session.add(mia)
        session.commit()

    await bot.press(team.user, "Gem")

    assert bot.alerts() == [plain("notes.resident_moved_out", name="Mia")]
    assert all_notes(bot.uow.engine) == []
    assert [d.status for d in all_drafts(bot.uow.engine)] == ["open"]
