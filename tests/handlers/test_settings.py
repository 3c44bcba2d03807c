"""/indstillinger: my reminder hours, one tap per change, edited in place; forged buttons."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from bot.storage.models import ReminderPerson
from tests.handlers.conftest import HarnessFactory, Team, audit_events, button_data, labels
from tests.tg import BotHarness

CPH = ZoneInfo("Europe/Copenhagen")
BAD_BUTTON = "Den knap kender jeg ikke. Start forfra med kommandoen."
SAVED = "Gemt"
CHANGED_MEANWHILE = "Dine indstillinger var allerede ændret. Her er de, som de er nu."
FOOTER = "Påmindelser uden for dine timer venter til næste gang, de kan nå dig."
RESET = "Standard: hverdage 07:00–21:00"
DEFAULT_LABELS = [
    "Start −1 t",
    "Start +1 t",
    "Slut −1 t",
    "Slut +1 t",
    "Weekender: slå til",
    "Helligdage: slå til",
    RESET,
]


def card(
    hours: str = "hverdage 07:00–21:00",
    weekends: str = "fra",
    holidays: str = "fra",
    next_time: str = "nu",
) -> str:
    """Return the settings card as Telegram shows it."""
    return (
        f"🔔 Påmindelser: {hours}\nWeekender: {weekends}\nHelligdage: {holidays}\n\n"
        f"Næste gang en påmindelse kan nå dig: {next_time}\n\n{FOOTER}"
    )


def stored(bot: BotHarness) -> dict[int, tuple[int, int, bool, bool]]:
    """Return each person's stored hours by staff id."""
    with Session(bot.uow.engine) as session:
        rows = session.exec(select(ReminderPerson).order_by(col(ReminderPerson.staff_id)))
        return {r.staff_id: (r.start_minute, r.end_minute, r.weekends, r.holidays) for r in rows}


def set_local(bot: BotHarness, when: tuple[int, int, int, int, int]) -> None:
    """Set the clock to a wall-clock time in Copenhagen."""
    year, month, day, hour, minute = when
    bot.clock.set(datetime(year, month, day, hour, minute, tzinfo=CPH))


def edits(bot: BotHarness) -> int:
    return len(bot.api.calls_to("editMessageText"))


def last_answer(bot: BotHarness) -> tuple[str, bool]:
    """Return the text of the newest callback answer and whether it was an alert."""
    call = bot.api.calls_to("answerCallbackQuery")[-1]
    return str(call.params.get("text", "")), bool(call.params.get("show_alert", False))


async def open_settings(bot: BotHarness, user: dict[str, Any]) -> int:
    """Send /indstillinger and return the id of the card."""
    await bot.send(user, "/indstillinger")
    return bot.last(user).message_id


# --- /indstillinger ------------------------------------------------------------------------------


async def test_shows_the_defaults_with_the_buttons(bot: BotHarness, team: Team) -> None:
    await bot.send(team.user, "/indstillinger")

    shown = bot.last(team.user)
    assert shown.text == card()
    assert labels(shown) == DEFAULT_LABELS
    assert shown.inline_keyboard is not None
    assert [len(row) for row in shown.inline_keyboard] == [2, 2, 1, 1, 1]
    # Reading changes nothing and stores nothing.
    assert stored(bot) == {}
    assert audit_events(bot.uow.engine, entity="reminder_hours") == []


@pytest.mark.parametrize(
    ("when", "next_time"),
    [
        pytest.param((2026, 11, 23, 10, 0), "nu", id="monday-morning"),
        pytest.param((2026, 11, 23, 5, 30), "i dag kl. 07:00", id="before-the-window"),
        pytest.param((2026, 11, 23, 21, 0), "i morgen kl. 07:00", id="end-is-exclusive"),
        pytest.param((2026, 11, 27, 22, 0), "mandag 30.11.2026 kl. 07:00", id="friday-night"),
        pytest.param((2026, 12, 24, 22, 0), "mandag 28.12.2026 kl. 07:00", id="christmas"),
    ],
)
async def test_says_when_a_reminder_could_reach_me(
    bot: BotHarness, team: Team, when: tuple[int, int, int, int, int], next_time: str
) -> None:
    set_local(bot, when)
    await bot.send(team.user, "/indstillinger")
    assert bot.last(team.user).text == card(next_time=next_time)


async def test_english_locale(harness: HarnessFactory, team: Team) -> None:
    async with harness(bot_locale="en") as bot:
        set_local(bot, (2026, 11, 27, 22, 0))
        await bot.send(team.user, "/indstillinger")
        shown = bot.last(team.user)
        assert shown.text == (
            "🔔 Reminders: weekdays 07:00–21:00\nWeekends: off\nPublic holidays: off\n\n"
            "Next time a reminder can reach you: Monday 30.11.2026 at 07:00\n\n"
            "Reminders outside your hours wait until they can reach you."
        )
        assert labels(shown)[-1] == "Default: weekdays 07:00–21:00"
        await bot.press(team.user, "Weekends: turn on")
        assert "Next time a reminder can reach you: tomorrow at 07:00" in (
            bot.last(team.user).text or ""
        )


# --- the buttons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "hours", "expected_card"),
    [
        pytest.param(
            "Start −1 t", (360, 1260, False, False), card(hours="hverdage 06:00–21:00"), id="s-"
        ),
        pytest.param(
            "Start +1 t", (480, 1260, False, False), card(hours="hverdage 08:00–21:00"), id="s+"
        ),
        pytest.param(
            "Slut −1 t", (420, 1200, False, False), card(hours="hverdage 07:00–20:00"), id="e-"
        ),
        pytest.param(
            "Slut +1 t", (420, 1320, False, False), card(hours="hverdage 07:00–22:00"), id="e+"
        ),
        pytest.param(
            "Weekender: slå til",
            (420, 1260, True, False),
            card(hours="alle dage 07:00–21:00", weekends="til"),
            id="weekends",
        ),
        pytest.param(
            "Helligdage: slå til",
            (420, 1260, False, True),
            card(holidays="til"),
            id="holidays",
        ),
    ],
)
async def test_each_button_changes_my_hours_in_place(
    bot: BotHarness,
    team: Team,
    label: str,
    hours: tuple[int, int, bool, bool],
    expected_card: str,
) -> None:
    card_id = await open_settings(bot, team.user)

    await bot.press(team.user, label)

    assert stored(bot) == {team.staff_a: hours}
    assert last_answer(bot) == (SAVED, False)
    # Edited in place: still one bot message, the same one, with the new state.
    assert [m.message_id for m in bot.api.messages(team.user["id"]) if m.from_bot] == [card_id]
    assert bot.last(team.user).text == expected_card
    [event] = audit_events(bot.uow.engine, entity="reminder_hours")
    assert (event.actor_id, event.entity_id, event.action) == (
        team.staff_a,
        team.staff_a,
        "update",
    )


async def test_toggles_flip_their_label_and_back(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)

    await bot.press(team.user, "Weekender: slå til")
    await bot.press(team.user, "Helligdage: slå til")
    assert labels(bot.last(team.user))[4:6] == ["Weekender: slå fra", "Helligdage: slå fra"]
    assert bot.last(team.user).text == card(
        hours="alle dage 07:00–21:00", weekends="til", holidays="til"
    )

    await bot.press(team.user, "Weekender: slå fra")
    assert stored(bot) == {team.staff_a: (420, 1260, False, True)}
    assert labels(bot.last(team.user))[4] == "Weekender: slå til"


async def test_next_time_follows_the_change(bot: BotHarness, team: Team) -> None:
    set_local(bot, (2026, 11, 28, 6, 30))  # Saturday morning
    await open_settings(bot, team.user)
    assert bot.last(team.user).text == card(next_time="mandag 30.11.2026 kl. 07:00")

    await bot.press(team.user, "Weekender: slå til")
    assert bot.last(team.user).text == card(
        hours="alle dage 07:00–21:00", weekends="til", next_time="i dag kl. 07:00"
    )
    await bot.press(team.user, "Start −1 t")
    assert bot.last(team.user).text == card(hours="alle dage 06:00–21:00", weekends="til")


async def test_standard_restores_the_defaults(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    for label in ("Start −1 t", "Slut +1 t", "Weekender: slå til", "Helligdage: slå til"):
        await bot.press(team.user, label)
    assert stored(bot) == {team.staff_a: (360, 1320, True, True)}

    await bot.press(team.user, RESET)

    assert stored(bot) == {team.staff_a: (420, 1260, False, False)}
    assert bot.last(team.user).text == card()
    assert labels(bot.last(team.user)) == DEFAULT_LABELS
    assert len(audit_events(bot.uow.engine, entity="reminder_hours")) == 5


async def test_changes_persist_across_a_restart(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    await bot.press(team.user, "Weekender: slå til")
    await bot.press(team.user, "Slut +1 t")

    await bot.restart()
    await bot.send(team.user, "/indstillinger")

    assert bot.last(team.user).text == card(hours="alle dage 07:00–22:00", weekends="til")
    assert labels(bot.last(team.user))[4] == "Weekender: slå fra"


# --- limits --------------------------------------------------------------------------------------


async def test_start_stops_at_midnight_with_a_danish_message(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    for _ in range(7):
        await bot.press(team.user, "Start −1 t")
    assert bot.last(team.user).text == card(hours="hverdage 00:00–21:00")
    before = edits(bot)

    await bot.press(team.user, "Start −1 t")

    assert last_answer(bot) == ("Start kan ikke være før 00:00. Intet er ændret.", True)
    assert edits(bot) == before
    assert bot.last(team.user).text == card(hours="hverdage 00:00–21:00")
    assert stored(bot) == {team.staff_a: (0, 1260, False, False)}
    assert len(audit_events(bot.uow.engine, entity="reminder_hours")) == 7


async def test_end_stops_at_midnight(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    for _ in range(3):
        await bot.press(team.user, "Slut +1 t")
    assert bot.last(team.user).text == card(hours="hverdage 07:00–24:00")

    await bot.press(team.user, "Slut +1 t")

    assert last_answer(bot) == ("Slut kan ikke være efter 24:00 (midnat). Intet er ændret.", True)
    assert stored(bot) == {team.staff_a: (420, 1440, False, False)}


async def test_start_never_reaches_the_end(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    for _ in range(13):
        await bot.press(team.user, "Start +1 t")
    assert bot.last(team.user).text == card(
        hours="hverdage 20:00–21:00", next_time="i dag kl. 20:00"
    )
    before = edits(bot)

    for label in ("Start +1 t", "Slut −1 t"):
        await bot.press(team.user, label)
        assert last_answer(bot) == (
            "Der skal være mindst en time mellem start og slut (nu 20:00–21:00). "
            "Flyt den anden ende først. Intet er ændret.",
            True,
        )
    assert edits(bot) == before
    assert stored(bot) == {team.staff_a: (1200, 1260, False, False)}


# --- who and what a press may change -------------------------------------------------------------


async def test_two_peoples_settings_are_independent(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    await open_settings(bot, team.user_b)
    await bot.press(team.user, "Weekender: slå til")
    await bot.press(team.user_b, "Slut −1 t")
    await bot.press(team.user_b, "Slut −1 t")

    assert stored(bot) == {
        team.staff_a: (420, 1260, True, False),
        team.staff_b: (420, 1140, False, False),
    }
    await bot.send(team.user_b, "/indstillinger")
    assert bot.last(team.user_b).text == card(hours="hverdage 07:00–19:00")

    # Anna's reset leaves Bent's hours alone.
    await bot.press(team.user, RESET)
    assert stored(bot)[team.staff_b] == (420, 1140, False, False)


async def test_a_press_changes_only_the_pressers_own_settings(bot: BotHarness, team: Team) -> None:
    await open_settings(bot, team.user)
    anna_weekends = button_data(bot.last(team.user), "Weekender: slå til")
    await open_settings(bot, team.user_b)

    # Bent sends the very data of Anna's button: it can only ever mean Bent's own settings.
    await bot.press_data(team.user_b, anna_weekends)

    assert stored(bot) == {team.staff_b: (420, 1260, True, False)}


async def test_a_second_tap_on_an_old_card_changes_nothing_twice(
    bot: BotHarness, team: Team
) -> None:
    card_id = await open_settings(bot, team.user)
    old_start = button_data(bot.last(team.user), "Start −1 t")
    old_weekends = button_data(bot.last(team.user), "Weekender: slå til")
    await bot.press(team.user, "Start −1 t")
    await bot.press(team.user, "Weekender: slå til")

    bot.clock.advance(timedelta(seconds=2))
    await bot.press_data(team.user, old_start, card_id)
    assert last_answer(bot) == (CHANGED_MEANWHILE, False)
    await bot.press_data(team.user, old_weekends, card_id)

    assert stored(bot) == {team.staff_a: (360, 1260, True, False)}
    assert len(audit_events(bot.uow.engine, entity="reminder_hours")) == 2
    assert bot.last(team.user).text == card(hours="alle dage 06:00–21:00", weekends="til")


async def test_a_press_on_an_old_card_shows_the_current_settings(
    bot: BotHarness, team: Team
) -> None:
    old_card = await open_settings(bot, team.user)
    await open_settings(bot, team.user)
    await bot.press(team.user, "Slut +1 t")

    await bot.press_data(team.user, "p:w:1", old_card)  # "turn off" as if weekends were on

    assert last_answer(bot) == (CHANGED_MEANWHILE, False)
    assert stored(bot) == {team.staff_a: (420, 1320, False, False)}
    old = next(m for m in bot.api.messages(team.user["id"]) if m.message_id == old_card)
    assert old.text == card(hours="hverdage 07:00–22:00")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("p:zz:0", id="unknown-action"),
        pytest.param("p:x:0", id="unknown-one-letter"),
        pytest.param("p:w:2", id="toggle-not-0-or-1"),
        pytest.param("p:h:-1", id="toggle-negative"),
        pytest.param("p:se:-60", id="minute-negative"),
        pytest.param("p:el:1441", id="minute-past-midnight"),
        pytest.param("p:se:999999999", id="minute-huge"),
        pytest.param("p:d:420", id="reset-with-arg"),
        pytest.param("p:se", id="missing-field"),
        pytest.param("p:se:420:1", id="extra-field"),
        pytest.param("p:se:0420", id="zero-padded"),
        pytest.param("p:SE:420", id="upper-case"),
        pytest.param("p:se:abc", id="garbage-arg"),
    ],
)
async def test_forged_presses_are_refused_and_change_nothing(
    bot: BotHarness, team: Team, data: str
) -> None:
    await open_settings(bot, team.user)
    before = edits(bot)

    await bot.press_data(team.user, data)

    assert last_answer(bot) == (BAD_BUTTON, True)
    assert edits(bot) == before
    assert bot.last(team.user).text == card()
    assert stored(bot) == {}
    assert audit_events(bot.uow.engine, entity="reminder_hours") == []
