"""The command menu, /hjaelp, /annuller, unknown commands and messages that are not text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, func, select

from bot.domain.access import Role
from bot.handlers import COMMANDS_DA, COMMANDS_EN
from bot.storage.models import AuditEvent, DiaryNote, NoteDraft
from tests import factories
from tests.tg import BotHarness

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
REQUIRED = {"note", "mine", "noter", "hjaelp", "annuller"}
UNKNOWN = "Den kommando kender jeg ikke. Skriv /hjaelp for at se, hvad jeg kan."
TEXT_ONLY = "Jeg gemmer kun tekst. Skriv noten som en besked, fx mia komm pegede på saft."
NOTHING_TO_CANCEL = "Der er ikke noget at annullere."
CANCELLED = "Annulleret. Intet er gemt."


@pytest.fixture
def dep(bot: BotHarness) -> int:
    now = bot.clock.now()
    dep = factories.department(bot.uow, "Afd A", now)
    factories.resident(bot.uow, "Mia", dep, now)
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep], now, name="Karen")
    factories.staff(bot.uow, 2, Role.MEDARBEJDER, [dep], now, name="Ole")
    factories.staff(bot.uow, 3, Role.TILBUDSLEDER, [], now, name="Tove")
    return dep


def count(bot: BotHarness, model: Any) -> int:
    with Session(bot.uow.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def stored(bot: BotHarness) -> tuple[int, int, int]:
    return count(bot, NoteDraft), count(bot, DiaryNote), count(bot, AuditEvent)


# --- the command menu ----------------------------------------------------------------------------


async def test_post_init_sets_danish_and_english_command_lists(bot: BotHarness) -> None:
    assert bot.app is not None
    assert bot.app.post_init is not None

    await bot.app.post_init(bot.app)

    calls = bot.api.calls_to("setMyCommands")
    assert [c.ok for c in calls] == [True, True]
    by_language = {c.params.get("language_code"): c.params for c in calls}
    assert set(by_language) == {None, "en"}
    danish, english = by_language[None], by_language["en"]
    assert danish["scope"] == {"type": "default"}
    assert english.get("scope", {"type": "default"}) == {"type": "default"}
    for params in (danish, english):
        names = [c["command"] for c in params["commands"]]
        assert all(COMMAND_NAME.fullmatch(n) for n in names), names
        assert len(names) == len(set(names))
        assert set(names) >= REQUIRED
        assert all(1 <= len(c["description"]) <= 256 for c in params["commands"])
    assert [c["command"] for c in danish["commands"]] == [c["command"] for c in english["commands"]]
    descriptions = {c["command"]: c["description"] for c in danish["commands"]}
    assert descriptions["note"] == "Skriv en note trin for trin"
    assert descriptions["hjaelp"] == "Kort hjælp"
    english_descriptions = {c["command"]: c["description"] for c in english["commands"]}
    assert english_descriptions["note"] == "Write a note step by step"


async def test_getmycommands_returns_what_was_set(bot: BotHarness) -> None:
    assert bot.app is not None
    assert bot.app.post_init is not None
    await bot.app.post_init(bot.app)

    danish = await bot.app.bot.get_my_commands()
    english = await bot.app.bot.get_my_commands(language_code="en")

    assert [(c.command, c.description) for c in danish] == COMMANDS_DA
    assert [(c.command, c.description) for c in english] == COMMANDS_EN


@pytest.mark.parametrize("command", [c for c, _ in COMMANDS_DA])
async def test_every_menu_command_is_known_to_a_leader(
    bot: BotHarness, dep: int, command: str
) -> None:
    karen = bot.user(1, "Karen")

    await bot.send(karen, f"/{command}")

    assert bot.texts(karen)
    assert UNKNOWN not in bot.texts(karen)


# --- help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "leader"),
    [(2, False), (1, True), (3, True)],
    ids=["medarbejder", "afdelingsleder", "tilbudsleder"],
)
@pytest.mark.parametrize("command", ["/hjaelp", "/help"])
async def test_help(bot: BotHarness, dep: int, user_id: int, leader: bool, command: str) -> None:
    user = bot.user(user_id)

    await bot.send(user, command)

    texts = bot.texts(user)
    assert texts[0].startswith("Sådan skriver du en note")
    assert "/noter NAVN" in texts[0]
    if leader:
        assert len(texts) == 2
        assert texts[1].startswith("For ledere")
        assert "/beboere" in texts[1]
        assert "/inviter" in texts[1]
    else:
        assert len(texts) == 1
    assert stored(bot) == (0, 0, 0)


# --- unknown commands and other messages ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["/foo", "/FOO", "/noter_alle", "/foo@dagbogsbot_demo_bot", "/mine@some_other_bot"],
    ids=["foo", "capital", "near-miss", "addressed", "other-bot"],
)
async def test_unknown_command_is_answered(bot: BotHarness, dep: int, text: str) -> None:
    user = bot.user(2, "Ole")

    await bot.send(user, text)

    assert bot.texts(user) == [UNKNOWN]
    assert stored(bot) == (0, 0, 0)


async def test_commands_ignore_case_like_telegram_clients(bot: BotHarness, dep: int) -> None:
    user = bot.user(2, "Ole")

    await bot.send(user, "/Hjaelp")

    assert bot.texts(user)[0].startswith("Sådan skriver du en note")


def non_text_message(bot: BotHarness, user: dict[str, Any], kind: str) -> dict[str, Any]:
    update = bot.updates.message(user, "x")
    message = update["message"]
    del message["text"]
    message.pop("entities", None)
    if kind == "photo":
        message["photo"] = [
            {"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90, "file_size": 10}
        ]
        message["caption"] = "mia komm pegede på saft"
    elif kind == "sticker":
        message["sticker"] = {
            "file_id": "s1",
            "file_unique_id": "su1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    elif kind == "voice":
        message["voice"] = {"file_id": "v1", "file_unique_id": "vu1", "duration": 3}
    elif kind == "location":
        message["location"] = {"latitude": 55.67, "longitude": 12.57}
    return update


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice", "location"])
async def test_non_text_message_gets_kun_tekst(bot: BotHarness, dep: int, kind: str) -> None:
    user = bot.user(2, "Ole")

    await bot.process(non_text_message(bot, user, kind))

    assert bot.texts(user) == [TEXT_ONLY]
    assert stored(bot) == (0, 0, 0)


async def test_non_text_message_from_a_stranger_is_refused(bot: BotHarness, dep: int) -> None:
    user = bot.user(666, "Fremmed")

    await bot.process(non_text_message(bot, user, "photo"))

    assert len(bot.texts(user)) == 1
    assert bot.texts(user)[0].startswith("Hej! Denne bot er kun for registrerede medarbejdere.")


async def test_non_text_message_in_a_flow_keeps_the_flow(bot: BotHarness, dep: int) -> None:
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/beboere")
    await bot.press(karen, "➕ Tilføj beboer")

    await bot.process(non_text_message(bot, karen, "sticker"))
    await bot.send(karen, "Sofie")

    assert bot.texts(karen)[-2:] == [TEXT_ONLY, "Fødselsdato? Skriv fx 24.12.2012."]


# --- /annuller -----------------------------------------------------------------------------------


@pytest.mark.parametrize("user_id", [1, 2], ids=["leader", "medarbejder"])
async def test_annuller_outside_any_flow(bot: BotHarness, dep: int, user_id: int) -> None:
    user = bot.user(user_id)

    await bot.send(user, "/annuller")

    assert bot.texts(user) == [NOTHING_TO_CANCEL]
    assert stored(bot) == (0, 0, 0)


async def test_annuller_in_note_flow_cancels_then_nothing_left(bot: BotHarness, dep: int) -> None:
    user = bot.user(2, "Ole")
    await bot.send(user, "/note")

    await bot.send(user, "/annuller")
    await bot.send(user, "/annuller")

    assert bot.texts(user)[-2:] == [CANCELLED, NOTHING_TO_CANCEL]
    with Session(bot.uow.engine) as session:
        assert [d.status for d in session.exec(select(NoteDraft))] == ["cancelled"]
    assert count(bot, DiaryNote) == 0


async def test_annuller_after_restart_in_a_flow(bot: BotHarness, dep: int) -> None:
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/beboere")
    await bot.press(karen, "➕ Tilføj beboer")
    await bot.restart()

    await bot.send(karen, "/annuller")

    assert bot.texts(karen)[-1] == CANCELLED


# --- edited messages -----------------------------------------------------------------------------


def edited(bot: BotHarness, update: dict[str, Any], new_text: str) -> dict[str, Any]:
    """Return the edited_message update Telegram sends when the user edits a sent message."""
    message = dict(update["message"])
    message["text"] = new_text
    message["edit_date"] = message["date"] + 30
    return {"update_id": bot.updates.next_update_id(), "edited_message": message}


async def test_editing_an_earlier_answer_is_not_the_next_answer(bot: BotHarness, dep: int) -> None:
    """An edit of an earlier message is not the answer to the current step."""
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/beboere")
    await bot.press(karen, "➕ Tilføj beboer")
    name = bot.updates.message(karen, "Sofie")
    await bot.process(name)
    asked = len(bot.texts(karen))

    await bot.process(edited(bot, name, "Sofia"))
    await bot.send(karen, "17.5.2012")

    assert bot.texts(karen)[asked:] == ["Indskrivningsdato? Skriv fx 01.08.2024 eller »i dag«."]


async def test_editing_a_quick_note_message_does_not_resend_the_old_text(
    bot: BotHarness, dep: int
) -> None:
    """An edited message never brings back a card with the text before the edit."""
    user = bot.user(2, "Ole")
    note = bot.updates.message(user, "mia komm pegede på saft ved frokst")
    await bot.process(note)
    shown = len(bot.texts(user))

    await bot.process(edited(bot, note, "mia komm pegede på saft ved frokost"))

    assert all("frokst" not in t for t in bot.texts(user)[shown:])
