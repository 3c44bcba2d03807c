"""Who may use the bot and what they may touch: strangers, groups, departments, forged buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

from bot.domain.access import Role
from bot.storage.models import AuditEvent, DiaryNote, Invite, NoteDraft, PersistedState, Resident
from tests import factories
from tests.tg import BotHarness

NOT_REGISTERED = (
    "Hej! Denne bot er kun for registrerede medarbejdere. Bed din leder om et invitationslink."
)
ACCESS_ENDED = "Din adgang til botten er ophørt. Kontakt din leder, hvis det er en fejl."
PRIVATE_ONLY = (
    "Jeg virker kun i private chats, så ingen oplysninger om beboere deles i grupper. "
    "Skriv til mig direkte."
)
NOT_ALLOWED = "Det har du ikke adgang til."
NOT_YOUR_CARD = "Det kort er ikke dit, så det kan du ikke ændre."

STRANGER = 666
NAMES = ("Mia", "Bo", "Karen", "Ole")


@dataclass
class Org:
    """Two departments with a resident each, a leader and a staff member in Afd A."""

    dep_a: int
    dep_b: int
    mia: int
    bo: int
    leader: int
    staff: int


@pytest.fixture
def org(bot: BotHarness) -> Org:
    now = bot.clock.now()
    dep_a = factories.department(bot.uow, "Afd A", now)
    dep_b = factories.department(bot.uow, "Afd B", now)
    mia = factories.resident(bot.uow, "Mia", dep_a, now)
    bo = factories.resident(bot.uow, "Bo", dep_b, now)
    leader = factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep_a], now, name="Karen")
    staff = factories.staff(bot.uow, 2, Role.MEDARBEJDER, [dep_a], now, name="Ole")
    return Org(dep_a, dep_b, mia, bo, leader, staff)


def count(bot: BotHarness, model: Any) -> int:
    with Session(bot.uow.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def stored_counts(bot: BotHarness) -> dict[str, int]:
    return {m.__name__: count(bot, m) for m in (NoteDraft, DiaryNote, AuditEvent, Invite, Resident)}


def drafts(bot: BotHarness) -> list[NoteDraft]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(NoteDraft).order_by(NoteDraft.id)))  # type: ignore[arg-type]


def notes(bot: BotHarness) -> list[DiaryNote]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(DiaryNote)))


async def ptb_state_keys(bot: BotHarness) -> list[str]:
    assert bot.app is not None
    await bot.app.update_persistence()
    with Session(bot.uow.engine) as session:
        return [f"{r.kind}:{r.key}" for r in session.exec(select(PersistedState))]


async def old_button_message(bot: BotHarness, chat_id: int) -> int:
    """Put a bot message with a button in a chat, as an old card from earlier times would be."""
    assert bot.app is not None
    message = await bot.app.bot.send_message(chat_id, "Gammelt kort")
    return message.message_id


def calls_in(bot: BotHarness, start: int) -> list[tuple[str, dict[str, Any]]]:
    return [(c.method, c.params) for c in bot.api.calls[start:] if c.ok]


# --- strangers and people without access ------------------------------------------------------

MESSAGES = [
    pytest.param("mia komm pegede på saft ved frokost", id="quick-note"),
    pytest.param("/mine", id="mine"),
    pytest.param("/noter mia", id="noter"),
    pytest.param("/beboere", id="beboere"),
    pytest.param("/inviter", id="inviter"),
    pytest.param("/note", id="note"),
    pytest.param("/hjaelp", id="hjaelp"),
    pytest.param("/annuller", id="annuller"),
    pytest.param("/ukendt", id="unknown-command"),
]
CALLBACKS = [
    pytest.param("n:1:s:0", id="save-card"),
    pytest.param("n:1:pr:1", id="pick-resident"),
    pytest.param("b:o:1:0", id="open-resident"),
    pytest.param("b:a:0:0", id="add-resident"),
    pytest.param("b:e:1:0", id="edit-resident"),
    pytest.param("i:med:0", id="invite"),
    pytest.param("m:d:1", id="delete-note"),
    pytest.param("m:e:1", id="edit-note"),
    pytest.param("o:1", id="resident-notes"),
    pytest.param("zz:1", id="unknown"),
]


def assert_no_names(text: str) -> None:
    for name in NAMES:
        assert name not in text


@pytest.mark.parametrize("text", MESSAGES)
async def test_stranger_message_gets_one_refusal_and_nothing_is_stored(
    bot: BotHarness, org: Org, text: str
) -> None:
    user = bot.user(STRANGER, "Fremmed")
    before = stored_counts(bot)
    start = len(bot.api.calls)

    await bot.send(user, text)

    calls = calls_in(bot, start)
    assert [(m, p["chat_id"]) for m, p in calls] == [("sendMessage", STRANGER)]
    assert calls[0][1]["text"] == NOT_REGISTERED
    assert_no_names(calls[0][1]["text"])
    assert stored_counts(bot) == before
    assert await ptb_state_keys(bot) == []


@pytest.mark.parametrize("data", CALLBACKS)
async def test_stranger_button_press_gets_one_alert_and_changes_nothing(
    bot: BotHarness, org: Org, data: str
) -> None:
    user = bot.user(STRANGER, "Fremmed")
    message_id = await old_button_message(bot, STRANGER)
    before = stored_counts(bot)
    start = len(bot.api.calls)

    await bot.press_data(user, data, message_id)

    calls = calls_in(bot, start)
    assert [m for m, _ in calls] == ["answerCallbackQuery"]
    params = calls[0][1]
    assert params["text"] == NOT_REGISTERED
    assert params["show_alert"] is True
    assert_no_names(params["text"])
    assert stored_counts(bot) == before
    assert await ptb_state_keys(bot) == []


@pytest.mark.parametrize(
    ("active", "access_ends_on", "expected"),
    [
        pytest.param(False, None, ACCESS_ENDED, id="inactive"),
        pytest.param(True, date(2026, 11, 22), ACCESS_ENDED, id="vikar-ended-yesterday"),
    ],
)
@pytest.mark.parametrize("text", ["mia komm pegede på saft", "/mine", "/noter mia", "/note"])
async def test_people_without_access_are_refused(
    bot: BotHarness, org: Org, active: bool, access_ends_on: date | None, expected: str, text: str
) -> None:
    now = bot.clock.now()
    factories.staff(
        bot.uow,
        50,
        Role.VIKAR,
        [org.dep_a],
        now,
        name="Vera",
        assigned=[org.mia],
        active=active,
        access_ends_on=access_ends_on,
    )
    user = bot.user(50, "Vera")
    before = stored_counts(bot)

    await bot.send(user, text)

    assert bot.texts(user) == [expected]
    assert stored_counts(bot) == before


async def test_people_without_access_cannot_press_buttons(bot: BotHarness, org: Org) -> None:
    now = bot.clock.now()
    factories.staff(bot.uow, 50, Role.MEDARBEJDER, [org.dep_a], now, name="Vera", active=False)
    user = bot.user(50, "Vera")
    message_id = await old_button_message(bot, 50)

    await bot.press_data(user, f"b:o:{org.mia}:0", message_id)

    assert bot.alerts() == [ACCESS_ENDED]


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        # 23 November, Copenhagen: access ends "today", so it still works all day.
        pytest.param(datetime(2026, 11, 23, 22, 30, tzinfo=UTC), True, id="last-evening"),
        # 00:30 on 24 November in Copenhagen is still 23 November in UTC.
        pytest.param(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), False, id="after-midnight-cph"),
    ],
)
async def test_vikar_access_ends_at_local_midnight(
    bot: BotHarness, org: Org, now: datetime, allowed: bool
) -> None:
    factories.staff(
        bot.uow,
        50,
        Role.VIKAR,
        [org.dep_a],
        bot.clock.now(),
        name="Vera",
        assigned=[org.mia],
        access_ends_on=date(2026, 11, 23),
    )
    bot.clock.set(now)
    user = bot.user(50, "Vera")

    await bot.send(user, "/hjaelp")

    assert (bot.texts(user)[0] == ACCESS_ENDED) is not allowed


async def test_start_from_person_whose_access_ended_says_access_ended(
    bot: BotHarness, org: Org
) -> None:
    now = bot.clock.now()
    factories.staff(bot.uow, 50, Role.VIKAR, [org.dep_a], now, access_ends_on=date(2026, 11, 1))
    user = bot.user(50, "Vera")

    await bot.send(user, "/start")

    assert bot.texts(user) == [ACCESS_ENDED]


async def test_inactive_person_with_an_invite_is_not_welcomed_into_a_locked_account(
    bot: BotHarness, org: Org
) -> None:
    from bot.services import staff as staff_service

    now = bot.clock.now()
    factories.staff(bot.uow, 50, Role.MEDARBEJDER, [org.dep_a], now, name="Vera", active=False)
    new = staff_service.create_invite(
        bot.uow(), bot.clock, None, Role.MEDARBEJDER, department_name="Afd B", ttl=timedelta(days=1)
    )
    user = bot.user(50, "Vera")

    await bot.send(user, f"/start {new.code}")
    welcomed = any(t.startswith("Velkommen") for t in bot.texts(user))
    await bot.send(user, "/hjaelp")
    can_use_the_bot = bot.texts(user)[-1] != ACCESS_ENDED

    # Either the invite lets Vera in again, or she is told her access has ended: not both.
    assert welcomed == can_use_the_bot


@pytest.mark.parametrize("text", ["/startside", "/start_admin", "/starte mia"])
async def test_stranger_command_that_only_begins_with_start_is_refused(
    bot: BotHarness, org: Org, text: str
) -> None:
    user = bot.user(STRANGER, "Fremmed")
    before = stored_counts(bot)

    await bot.send(user, text)

    assert bot.texts(user) == [NOT_REGISTERED]
    assert stored_counts(bot) == before


async def test_stranger_start_addressed_to_the_bot_is_refused(bot: BotHarness, org: Org) -> None:
    user = bot.user(STRANGER, "Fremmed")

    await bot.send(user, "/start@dagbogsbot_demo_bot")

    assert bot.texts(user) == [NOT_REGISTERED]


# --- group chats --------------------------------------------------------------------------------

GROUPS = [
    pytest.param({"id": -4001, "title": "Personalegruppe", "type": "group"}, id="group"),
    pytest.param(
        {"id": -1001234567890, "title": "Personalegruppe", "type": "supergroup"}, id="supergroup"
    ),
]


@pytest.mark.parametrize("chat", GROUPS)
async def test_group_message_gets_one_notice_then_silence(
    bot: BotHarness, org: Org, chat: dict[str, Any]
) -> None:
    ole = bot.user(2, "Ole")
    karen = bot.user(1, "Karen")
    stranger = bot.user(STRANGER, "Fremmed")
    before = stored_counts(bot)

    await bot.process(bot.updates.message(ole, "mia komm pegede på saft", chat=chat))
    await bot.process(bot.updates.message(ole, "mia komm smilede", chat=chat))
    await bot.process(bot.updates.message(karen, "/beboere", chat=chat))
    await bot.process(bot.updates.message(stranger, "/start", chat=chat))

    sends = [c for c in bot.api.calls if c.ok and c.method == "sendMessage"]
    assert [(c.params["chat_id"], c.params["text"]) for c in sends] == [(chat["id"], PRIVATE_ONLY)]
    assert stored_counts(bot) == before
    assert await ptb_state_keys(bot) == []


async def test_bot_added_to_group_says_once_that_it_works_in_private_chats(
    bot: BotHarness, org: Org
) -> None:
    chat = bot.updates.group_chat(4002, "Weekendholdet")
    karen = bot.user(1, "Karen")
    before = stored_counts(bot)

    await bot.process(bot.updates.my_chat_member(karen, chat))
    await bot.process(bot.updates.message(karen, "mia komm pegede på saft", chat=chat))
    await bot.process(
        bot.updates.my_chat_member(karen, chat, old_status="member", new_status="left")
    )

    sends = [c for c in bot.api.calls if c.ok and c.method == "sendMessage"]
    assert [(c.params["chat_id"], c.params["text"]) for c in sends] == [(-4002, PRIVATE_ONLY)]
    assert stored_counts(bot) == before


async def test_each_group_is_told_once(bot: BotHarness, org: Org) -> None:
    ole = bot.user(2, "Ole")
    first = bot.updates.group_chat(4003, "Dag")
    second = bot.updates.group_chat(4004, "Aften")

    for chat in (first, second, first, second):
        await bot.process(bot.updates.message(ole, "hej", chat=chat))

    sends = [c.params["chat_id"] for c in bot.api.calls if c.ok and c.method == "sendMessage"]
    assert sends == [-4003, -4004]


async def test_button_press_in_a_group_is_answered_and_ignored(bot: BotHarness, org: Org) -> None:
    bot.api.register_chat(bot.updates.group_chat(4005, "Dag"))
    assert bot.app is not None
    old = await bot.app.bot.send_message(-4005, "Gammelt kort")
    karen = bot.user(1, "Karen")
    before = stored_counts(bot)

    message = bot.api.message_dict(-4005, old.message_id)
    await bot.process(bot.updates.callback(karen, f"b:o:{org.mia}:0", message, check_buttons=False))

    answers = bot.api.calls_to("answerCallbackQuery")
    assert len(answers) == 1
    assert "Mia" not in str(answers[0].params.get("text", ""))
    assert bot.api.sent_texts(-4005) == ["Gammelt kort", PRIVATE_ONLY]
    assert stored_counts(bot) == before


# --- what each person may see -------------------------------------------------------------------


async def test_staff_of_another_department_cannot_match_or_find_a_resident(
    bot: BotHarness, org: Org
) -> None:
    now = bot.clock.now()
    factories.staff(bot.uow, 20, Role.MEDARBEJDER, [org.dep_b], now, name="Per")
    user = bot.user(20, "Per")

    await bot.send(user, "mia komm pegede på saft")
    card = bot.last(user)
    await bot.send(user, "/noter mia")

    [draft] = drafts(bot)
    assert draft.resident_id != org.mia
    assert "Mia" not in (card.text or "")
    assert all("Mia" not in label for label, _ in bot.api.buttons(card))
    assert all(f":pr:{org.mia}" not in data for _, data in bot.api.buttons(card))
    assert bot.texts(user)[-1] == "Jeg fandt ingen beboer med det navn blandt dine beboere."
    with Session(bot.uow.engine) as session:
        reads = session.exec(select(AuditEvent).where(AuditEvent.resident_id == org.mia)).all()
    assert reads == []


async def test_staff_of_the_department_match_their_resident(bot: BotHarness, org: Org) -> None:
    user = bot.user(2, "Ole")

    await bot.send(user, "mia komm pegede på saft")

    [draft] = drafts(bot)
    assert draft.resident_id == org.mia


async def test_vikar_sees_only_assigned_residents(bot: BotHarness, org: Org) -> None:
    now = bot.clock.now()
    ida = factories.resident(bot.uow, "Ida", org.dep_a, now)
    factories.staff(bot.uow, 30, Role.VIKAR, [org.dep_a], now, name="Vera", assigned=[ida])
    user = bot.user(30, "Vera")

    await bot.send(user, "mia komm pegede på saft")
    mia_card = bot.last(user)
    await bot.send(user, "ida komm pegede på saft")
    await bot.send(user, "/noter mia")

    mia_draft, ida_draft = drafts(bot)
    assert mia_draft.resident_id is None
    assert "Mia" not in (mia_card.text or "")
    assert [label for label, data in bot.api.buttons(mia_card) if ":pr:" in data] == ["Ida"]
    assert ida_draft.resident_id == ida
    assert bot.texts(user)[-1] == "Jeg fandt ingen beboer med det navn blandt dine beboere."


async def test_tilbudsleder_sees_every_department(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 40, Role.TILBUDSLEDER, [], bot.clock.now(), name="Tove")
    user = bot.user(40, "Tove")

    await bot.send(user, "mia komm pegede på saft")
    await bot.send(user, "bo komm pegede på vand")
    await bot.send(user, "/noter bo")

    assert [d.resident_id for d in drafts(bot)] == [org.mia, org.bo]
    assert "Seneste noter om Bo" in bot.texts(user)[-1]


# --- forged and malformed buttons ---------------------------------------------------------------


async def test_picking_a_resident_of_another_department_on_own_card_is_refused(
    bot: BotHarness, org: Org
) -> None:
    user = bot.user(2, "Ole")
    await bot.send(user, "mia komm pegede på saft")
    [draft] = drafts(bot)
    card_before = bot.last(user).text

    await bot.press_data(user, f"n:{draft.id}:pr:{org.bo}")

    assert bot.alerts() == [NOT_ALLOWED]
    [after] = drafts(bot)
    assert (after.resident_id, after.status) == (org.mia, "open")
    assert bot.last(user).text == card_before
    assert notes(bot) == []


async def test_pressing_someone_elses_card_is_refused(bot: BotHarness, org: Org) -> None:
    ole, karen = bot.user(2, "Ole"), bot.user(1, "Karen")
    await bot.send(ole, "mia komm tegnede en hest")
    [draft] = drafts(bot)
    await bot.send(karen, "/hjaelp")

    for action in ("s", "x", "r", "u"):
        await bot.press_data(karen, f"n:{draft.id}:{action}:0")

    assert bot.alerts() == [NOT_YOUR_CARD] * 4
    assert notes(bot) == []
    [after] = drafts(bot)
    assert after.status == "open"
    assert "hest" not in "".join(bot.texts(karen))


async def test_forged_resident_notes_press_for_another_department_is_refused(
    bot: BotHarness, org: Org
) -> None:
    user = bot.user(2, "Ole")
    await bot.send(user, "/hjaelp")
    before = stored_counts(bot)

    await bot.press_data(user, f"o:{org.bo}")

    assert bot.alerts() == [NOT_ALLOWED]
    assert stored_counts(bot) == before
    assert all("Bo" not in t for t in bot.texts(user))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("n:abc", id="n-abc"),
        pytest.param("n:1:s", id="missing-field"),
        pytest.param("n:1:s:0:9", id="extra-field"),
        pytest.param("n:x:s:0", id="word-for-int"),
        pytest.param("n:1:zz:0", id="unknown-action"),
        pytest.param("n:1:S:0", id="upper-case"),
        pytest.param("n:1234567890123456:s:0", id="huge-int"),
        pytest.param("n:1:s:" + "0" * 59, id="65-bytes"),
        pytest.param("m:q:1", id="unknown-mine-action"),
        pytest.param("o:abc", id="o-abc"),
        pytest.param("zz:1", id="zz"),
        pytest.param("", id="empty"),
    ],
)
async def test_malformed_button_data_gets_a_knap_alert_and_changes_nothing(
    bot: BotHarness, org: Org, data: str
) -> None:
    user = bot.user(2, "Ole")
    await bot.send(user, "mia komm pegede på saft")
    [draft] = drafts(bot)
    before = stored_counts(bot)
    start = len(bot.api.calls)

    await bot.press_data(user, data.replace(":1:", f":{draft.id}:", 1))

    calls = calls_in(bot, start)
    assert [m for m, _ in calls] == ["answerCallbackQuery"]
    assert "knap" in calls[0][1]["text"]
    assert calls[0][1]["show_alert"] is True
    assert stored_counts(bot) == before
    [after] = drafts(bot)
    assert (after.status, after.resident_id) == ("open", org.mia)


async def test_valid_own_card_press_still_works_after_forgeries(bot: BotHarness, org: Org) -> None:
    user = bot.user(2, "Ole")
    await bot.send(user, "mia komm pegede på saft")
    [draft] = drafts(bot)
    await bot.press_data(user, f"n:{draft.id}:pr:{org.bo}")

    await bot.press(user, "Gem")

    assert [(n.resident_id, n.text) for n in notes(bot)] == [(org.mia, "pegede på saft")]
