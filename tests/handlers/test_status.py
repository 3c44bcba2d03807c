"""Status meetings in the chat: /statusmoede (plan, move, hold, cancel), the typed date,
/status with `Udført`, and every forged or stale button refused or answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.handlers import status as status_handlers
from bot.handlers.callbacks import StatusPress
from bot.reminders.rules import STATUS_STEPS
from bot.services import status
from bot.storage.models import StatusMeeting, StatusStep
from bot.texts import Texts
from tests import factories
from tests.handlers.conftest import Team, labels
from tests.tg import BotHarness

TZ = ZoneInfo("Europe/Copenhagen")
TODAY = date(2026, 11, 23)  # the clock fixture's day: Monday 23.11.2026, 10:00 in Copenhagen
NOT_ALLOWED = "Det har du ikke adgang til."
NOT_LEADER = "Det er kun afdelingens ledere, der planlægger statusmøder."
BAD_BUTTON = "Den knap kender jeg ikke. Start forfra med kommandoen."
PICKER = [
    "tirs. 24.11.2026",
    "tirs. 1.12.2026",
    "tirs. 8.12.2026",
    "⭐ tirs. 15.12.2026",
    "tirs. 22.12.2026",
    "tirs. 29.12.2026",
    "tirs. 5.1.2027",
    "tirs. 12.1.2027",
    "✏️ Skriv en dato",
]
CARD = ["Flyt dato", "Mødet er holdt", "Aflys"]
CHAIN_15_12 = (
    "⬜ Statusrapport skrevet (udkast) – frist 24.11.2026\n"
    "⬜ Statusrapport godkendt af afdelingsleder – frist 29.11.2026\n"
    "⬜ Rapport og dagsorden sendt til rådgiver – frist 1.12.2026\n"
    "⬜ Statusmødet holdt – frist 15.12.2026\n"
    "⬜ Referat skrevet – frist 19.12.2026\n"
    "⬜ Referat godkendt af afdelingsleder – frist 21.12.2026\n"
    "⬜ Referat journaliseret og sendt – frist 22.12.2026"
)


@dataclass(frozen=True)
class Cycle:
    """Mia's last status meeting was held 15.6.2026 (so the next is due 15.12.2026).

    Lene (45) leads Afd A, Bodil (46) leads Afd B; Anna (42) is on Mia's kontaktteam and
    Carl (44) works in Afd A without being on it.
    """

    held: int
    lene: dict[str, Any]
    bodil: dict[str, Any]
    carl: dict[str, Any]
    lene_id: int


@pytest.fixture
def cycle(bot: BotHarness, team: Team) -> Cycle:
    now = bot.clock.now()
    lene_id = factories.staff(bot.uow, 45, Role.AFDELINGSLEDER, [team.dep_a], now, name="Lene L")
    factories.staff(bot.uow, 46, Role.AFDELINGSLEDER, [team.dep_b], now, name="Bodil B")
    factories.staff(bot.uow, 44, Role.MEDARBEJDER, [team.dep_a], now, name="Carl C")
    with bot.uow() as uow:
        uow.contact_teams.add(team.mia, team.staff_a, added_at=now, added_by_id=None)
        held = uow.status.add_meeting(
            StatusMeeting(
                resident_id=team.mia,
                meeting_on=date(2026, 6, 15),
                status="held",
                scheduled_by_id=lene_id,
                scheduled_at=datetime(2026, 1, 5, tzinfo=UTC),
                closed_by_id=lene_id,
                closed_at=datetime(2026, 6, 15, 12, tzinfo=UTC),
            )
        )
        assert held.id is not None
        uow.commit()
    return Cycle(
        held=held.id,
        lene=bot.user(45, "Lene"),
        bodil=bot.user(46, "Bodil"),
        carl=bot.user(44, "Carl"),
        lene_id=lene_id,
    )


def meetings(bot: BotHarness) -> list[tuple[int, date, str]]:
    with Session(bot.uow.engine) as session:
        rows = session.exec(select(StatusMeeting).order_by(col(StatusMeeting.id)))
        return [(m.resident_id, m.meeting_on, m.status) for m in rows]


def ticks(bot: BotHarness) -> list[tuple[int, str, int]]:
    with Session(bot.uow.engine) as session:
        rows = session.exec(select(StatusStep).order_by(col(StatusStep.done_at)))
        return [(s.meeting_id, s.step, s.done_by_id) for s in rows]


def plan(bot: BotHarness, resident: int, day: date) -> int:
    """Plan a meeting straight through the use case, as Lene."""
    with bot.uow() as uow:
        lene = uow.staff.actor(45)
    assert lene is not None
    return status.schedule_meeting(bot.uow(), bot.clock, TZ, lene, resident, day).meeting_id


def text(bot: BotHarness, user: dict[str, Any]) -> str:
    return bot.last(user).text or ""


def tick_data(meeting: int, step: str) -> str:
    return StatusPress(status_handlers.TICK, meeting, STATUS_STEPS.index(step)).pack()


# --- /statusmoede: planning -------------------------------------------------------------------


async def test_statusmoede_offers_the_suggested_date_and_the_weeks_around_it(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    await bot.send(cycle.lene, "/statusmoede mia")

    assert text(bot, cycle.lene) == (
        "📅 Statusmøde for Mia\n"
        "Seneste statusmøde: 15.6.2026\n"
        "Der er ikke planlagt et statusmøde. Næste skal holdes senest 15.12.2026.\n\n"
        "Vælg en dato (⭐ er forslaget), eller skriv en:"
    )
    assert labels(bot.last(cycle.lene)) == PICKER
    assert meetings(bot) == [(team.mia, date(2026, 6, 15), "held")]


async def test_picking_a_date_plans_the_meeting_and_shows_its_card(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "⭐ tirs. 15.12.2026")

    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 15), "planned")
    assert bot.alerts()[-1] == "Statusmødet er planlagt"
    # The picker message itself becomes the meeting's card.
    assert text(bot, cycle.lene) == (
        "✅ Statusmødet er planlagt: tirs. 15.12.2026.\n\n"
        "📅 Statusmøde for Mia\n\n"
        "Næste statusmøde: tirs. 15.12.2026\n" + CHAIN_15_12
    )
    assert labels(bot.last(cycle.lene)) == CARD


async def test_a_date_less_than_21_days_ahead_is_planned_with_a_warning(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "tirs. 1.12.2026")

    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 1), "planned")
    assert text(bot, cycle.lene).startswith(
        "✅ Statusmødet er planlagt: tirs. 1.12.2026.\n"
        "⚠️ Mødet er om kun 8 dage, så disse trin er allerede forsinket: "
        "Statusrapport skrevet (udkast), Statusrapport godkendt af afdelingsleder, "
        "Rapport og dagsorden sendt til rådgiver.\n\n"
    )
    assert "⚠️ Statusrapport skrevet (udkast) – frist 10.11.2026 (overskredet)" in text(
        bot, cycle.lene
    )


async def test_a_typed_date_is_checked_before_anything_is_saved(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "✏️ Skriv en dato")
    assert text(bot, cycle.lene) == (
        "Skriv datoen for statusmødet for Mia, fx 12.3.2027 eller 12. marts 2027."
    )

    for typed, answer in [
        ("32.13.2027", "»32.13.2027« er ikke en rigtig dato. Prøv igen."),
        (
            "på tirsdag",
            "»på tirsdag« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24.",
        ),
        ("1.11.2026", "1.11.2026 er overstået. Vælg en dato fra i dag og frem."),
        (
            "12.3.2072",
            "12.3.2072 er mere end 24 måneder ude i fremtiden. Er årstallet rigtigt?",
        ),
    ]:
        await bot.send(cycle.lene, typed)
        assert text(bot, cycle.lene) == answer
        assert meetings(bot) == [(team.mia, date(2026, 6, 15), "held")]

    await bot.send(cycle.lene, "12. marts 2027")

    assert meetings(bot)[-1] == (team.mia, date(2027, 3, 12), "planned")
    assert text(bot, cycle.lene).startswith("✅ Statusmødet er planlagt: fre. 12.3.2027.\n\n")
    assert labels(bot.last(cycle.lene)) == CARD
    # The step is over: another date typed now is no answer to anything.
    await bot.send(cycle.lene, "13.3.2027")
    assert meetings(bot)[-1] == (team.mia, date(2027, 3, 12), "planned")


async def test_a_date_button_pressed_instead_of_typing_plans_and_ends_the_step(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "✏️ Skriv en dato")
    await bot.press(cycle.lene, "tirs. 8.12.2026")

    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 8), "planned")
    await bot.send(cycle.lene, "12.3.2027")
    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 8), "planned")


async def test_annuller_leaves_the_typed_date(bot: BotHarness, team: Team, cycle: Cycle) -> None:
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "✏️ Skriv en dato")
    await bot.send(cycle.lene, "/annuller")
    await bot.send(cycle.lene, "12.3.2027")

    assert meetings(bot) == [(team.mia, date(2026, 6, 15), "held")]


async def test_only_leaders_plan(bot: BotHarness, team: Team, cycle: Cycle) -> None:
    await bot.send(team.user, "/statusmoede mia")
    assert text(bot, team.user) == NOT_LEADER

    # Bodil leads Afd B: Mia is not among her residents at all.
    await bot.send(cycle.bodil, "/statusmoede mia")
    assert text(bot, cycle.bodil) == "Jeg fandt ingen beboer, der hedder »mia«."
    assert meetings(bot) == [(team.mia, date(2026, 6, 15), "held")]


async def test_statusmoede_without_a_name_and_with_candidates(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    await bot.send(cycle.lene, "/statusmoede")
    assert text(bot, cycle.lene) == "Skriv /statusmoede og beboerens navn, fx /statusmoede Mia."

    await bot.send(cycle.lene, "/statusmoede oli")
    assert text(bot, cycle.lene) == "Hvilken beboer mener du?"
    assert labels(bot.last(cycle.lene)) == ["Oliver", "Olivia"]
    await bot.press(cycle.lene, "Olivia")

    assert text(bot, cycle.lene).startswith(
        "📅 Statusmøde for Olivia\nIntet statusmøde holdt endnu.\n"
    )
    # Never held, enrolled 1.8.2020: long overdue, so the picker starts today.
    assert labels(bot.last(cycle.lene))[0] == "⭐ man. 23.11.2026"


# --- /statusmoede: the planned meeting's buttons ----------------------------------------------


async def test_flyt_dato_moves_the_meeting_and_keeps_the_ticks(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    meeting = plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(team.user, "/status mia")
    await bot.press(team.user, "✅ Udført: Rapport skrevet")

    await bot.send(cycle.lene, "/statusmoede mia")
    assert labels(bot.last(cycle.lene)) == CARD
    await bot.press(cycle.lene, "Flyt dato")
    assert text(bot, cycle.lene) == (
        "📅 Flyt statusmødet for Mia (nu tirs. 15.12.2026).\nAfkrydsede trin bevares.\n\n"
        "Vælg en dato (⭐ er forslaget), eller skriv en:"
    )
    assert labels(bot.last(cycle.lene)) == PICKER
    await bot.press(cycle.lene, "tirs. 22.12.2026")

    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 22), "planned")
    assert ticks(bot) == [(meeting, "report_draft", team.staff_a)]
    assert text(bot, cycle.lene).startswith(
        "✅ Statusmødet er flyttet fra 15.12.2026 til tirs. 22.12.2026. "
        "Afkrydsede trin er bevaret.\n\n"
    )
    assert "✅ Statusrapport skrevet (udkast) – Anna A, 23.11.2026 kl. 10:00" in text(
        bot, cycle.lene
    )


async def test_a_meeting_is_not_marked_held_before_its_day(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "Mødet er holdt")

    assert bot.alerts()[-1] == (
        "Statusmødet er først 15.12.2026. Markér det holdt på dagen eller bagefter."
    )
    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 15), "planned")
    assert labels(bot.last(cycle.lene)) == CARD


async def test_held_then_the_bot_asks_for_the_next_date(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    meeting = plan(bot, team.mia, date(2026, 12, 15))
    bot.clock.set(datetime(2026, 12, 15, 13, 0, tzinfo=UTC))  # 14:00 in Copenhagen
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "Mødet er holdt")

    assert bot.alerts()[-1] == "Mødet er markeret holdt"
    assert text(bot, cycle.lene) == (
        "✅ Statusmødet for Mia tirs. 15.12.2026 er holdt.\n\n"
        "Hvornår er næste statusmøde? Efter reglen senest 15.6.2027."
    )
    assert labels(bot.last(cycle.lene)) == [
        "tirs. 25.5.2027",
        "tirs. 1.6.2027",
        "tirs. 8.6.2027",
        "⭐ tirs. 15.6.2027",
        "tirs. 22.6.2027",
        "tirs. 29.6.2027",
        "tirs. 6.7.2027",
        "tirs. 13.7.2027",
        "✏️ Skriv en dato",
    ]
    assert ticks(bot) == [(meeting, "meeting_held", cycle.lene_id)]

    await bot.press(cycle.lene, "⭐ tirs. 15.6.2027")

    assert meetings(bot)[1:] == [
        (team.mia, date(2026, 12, 15), "held"),
        (team.mia, date(2027, 6, 15), "planned"),
    ]
    # The minutes of the meeting just held are now the team's to tick off.
    await bot.send(team.user, "/status mia")
    assert labels(bot.last(team.user)) == [
        "✅ Udført: Rapport skrevet",
        "✅ Udført: Sendt til rådgiver",
        "✅ Udført: Referat skrevet",
        "✅ Udført: Referat sendt",
    ]
    await bot.press(team.user, "✅ Udført: Referat skrevet")
    assert ticks(bot)[-1] == (meeting, "minutes_written", team.staff_a)
    assert "✅ Referat skrevet – Anna A, 15.12.2026 kl. 14:00" in text(bot, team.user)


async def test_aflys_asks_first_and_then_offers_a_new_date(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(cycle.lene, "/statusmoede mia")
    await bot.press(cycle.lene, "Aflys")
    assert text(bot, cycle.lene) == "Aflys statusmødet for Mia tirs. 15.12.2026?"
    assert labels(bot.last(cycle.lene)) == ["Ja, aflys mødet", "Nej, behold det"]

    await bot.press(cycle.lene, "Nej, behold det")
    assert labels(bot.last(cycle.lene)) == CARD
    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 15), "planned")

    await bot.press(cycle.lene, "Aflys")
    await bot.press(cycle.lene, "Ja, aflys mødet")

    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 15), "cancelled")
    assert bot.alerts()[-1] == "Mødet er aflyst"
    assert text(bot, cycle.lene) == (
        "Statusmødet for Mia tirs. 15.12.2026 er aflyst.\n\n"
        "Næste skal holdes senest 15.12.2026. Vælg en ny dato, eller skriv en:"
    )
    assert labels(bot.last(cycle.lene)) == PICKER


async def test_buttons_of_a_meeting_already_closed_are_answered(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(cycle.lene, "/statusmoede mia")
    card = bot.last(cycle.lene)
    # The card turns into the question and then the picker: keep its buttons' data.
    card_buttons = dict(bot.api.buttons(card))
    await bot.press(cycle.lene, "Aflys")
    await bot.press(cycle.lene, "Ja, aflys mødet")

    for label in CARD:
        await bot.press_data(cycle.lene, card_buttons[label], card.message_id)
        assert bot.alerts()[-1] == "Statusmødet 15.12.2026 er aflyst."
    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 15), "cancelled")


# --- /status and Udført -----------------------------------------------------------------------


async def test_status_without_a_planned_meeting(bot: BotHarness, team: Team, cycle: Cycle) -> None:
    await bot.send(team.user, "/status mia")

    assert text(bot, team.user) == (
        "📋 Statuscyklus for Mia\n\n"
        "Der er ikke planlagt et statusmøde. Næste skal holdes senest 15.12.2026.\n\n"
        "Seneste statusmøde: man. 15.6.2026 (holdt, markeret af Lene L)\n"
        "⚠️ Referat skrevet – frist 19.6.2026 (overskredet)\n"
        "⚠️ Referat godkendt af afdelingsleder – frist 21.6.2026 (overskredet)\n"
        "⚠️ Referat journaliseret og sendt – frist 22.6.2026 (overskredet)\n\n"
        "Andre frister – senest udført\n"
        "Evaluering af »Indflydelse på eget liv«: ikke registreret\n"
        "Evaluering af »Kommunikationsforhold«: ikke registreret\n"
        "DPU (Dansk pædagogisk udviklingsbeskrivelse): ikke registreret\n"
        "Autonomt kompas: ikke registreret\n"
        "Samarbejdsaftale revideret: ikke registreret"
    )
    # Nobody ticked the minutes of 15.6 off: they are overdue, and still the team's to tick.
    assert labels(bot.last(team.user)) == [
        "✅ Udført: Referat skrevet",
        "✅ Udført: Referat sendt",
    ]
    await bot.send(cycle.lene, "/status mia")
    assert "Planlæg det med /statusmoede Mia." in text(bot, cycle.lene)


async def test_udfoert_ticks_and_a_stale_press_says_who_was_first(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    meeting = plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(team.user, "/status mia")
    assert labels(bot.last(team.user))[:2] == [
        "✅ Udført: Rapport skrevet",
        "✅ Udført: Sendt til rådgiver",
    ]
    await bot.send(cycle.lene, "/status mia")
    assert labels(bot.last(cycle.lene))[:3] == [
        "✅ Udført: Rapport skrevet",
        "✅ Udført: Rapport godkendt",
        "✅ Udført: Sendt til rådgiver",
    ]
    lene_card = bot.last(cycle.lene)

    await bot.press(team.user, "✅ Udført: Rapport skrevet")

    assert bot.alerts()[-1] == "Udført: Rapport skrevet"
    assert ticks(bot) == [(meeting, "report_draft", team.staff_a)]
    assert "✅ Statusrapport skrevet (udkast) – Anna A, 23.11.2026 kl. 10:00" in text(
        bot, team.user
    )
    assert "✅ Udført: Rapport skrevet" not in labels(bot.last(team.user))

    # Lene's card still shows the button: her press is answered, not stored again.
    bot.clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    await bot.press(cycle.lene, "✅ Udført: Rapport skrevet")

    assert bot.alerts()[-1] == "Allerede udført af Anna A 23.11.2026 kl. 10:00."
    assert ticks(bot) == [(meeting, "report_draft", team.staff_a)]
    refreshed = bot.api.message(cycle.lene["id"], lene_card.message_id)
    assert refreshed is not None
    assert "✅ Udført: Rapport skrevet" not in labels(refreshed)

    await bot.press(cycle.lene, "✅ Udført: Rapport godkendt")
    assert ticks(bot)[-1] == (meeting, "report_approved", cycle.lene_id)


async def test_status_candidates_and_usage(bot: BotHarness, team: Team, cycle: Cycle) -> None:
    await bot.send(team.user, "/status")
    assert text(bot, team.user) == "Skriv /status og beboerens navn, fx /status Mia."

    await bot.send(team.user, "/status oli")
    await bot.press(team.user, "Oliver")
    assert text(bot, team.user).startswith("📋 Statuscyklus for Oliver\n\n")

    await bot.send(team.user, "/status zzz")
    assert text(bot, team.user) == "Jeg fandt ingen beboer, der hedder »zzz«."


async def test_a_colleague_not_on_the_team_sees_the_cycle_without_buttons(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(cycle.carl, "/status mia")

    assert text(bot, cycle.carl).startswith(
        "📋 Statuscyklus for Mia\n\nNæste statusmøde: tirs. 15.12.2026\n" + CHAIN_15_12
    )
    assert bot.last(cycle.carl).inline_keyboard is None


# --- forged and foreign callback data ---------------------------------------------------------


async def test_forged_presses_on_another_departments_meeting_are_refused(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    meeting = plan(bot, team.mia, date(2026, 12, 15))
    before = meetings(bot)
    await bot.send(cycle.bodil, "/status bo")  # any bot message to press on
    forged = [
        StatusPress(status_handlers.DATE, team.mia, date(2026, 12, 22).toordinal()),
        StatusPress(status_handlers.MOVE, meeting),
        StatusPress(status_handlers.HELD, meeting),
        StatusPress(status_handlers.CANCEL, meeting),
        StatusPress(status_handlers.CONFIRM_CANCEL, meeting),
        StatusPress(status_handlers.KEEP, team.mia),
        StatusPress(status_handlers.PLAN, team.mia),
        StatusPress(status_handlers.SHOW, team.mia),
        StatusPress(status_handlers.TICK, meeting, STATUS_STEPS.index("report_approved")),
        StatusPress(status_handlers.TYPE_DATE, team.mia),
    ]
    for press in forged:
        await bot.press_data(cycle.bodil, press.pack())
        assert bot.alerts()[-1] == NOT_ALLOWED, press

    # No step was started by the forged "Skriv en dato": a typed date plans nothing.
    await bot.send(cycle.bodil, "12.3.2027")
    assert meetings(bot) == before
    assert ticks(bot) == []
    # An id that does not exist gets the same answer as a forbidden one.
    await bot.send(cycle.lene, "/hjaelp")
    await bot.press_data(cycle.lene, StatusPress(status_handlers.HELD, 9999).pack())
    assert bot.alerts()[-1] == NOT_ALLOWED


@pytest.mark.parametrize(
    ("who", "step", "answer"),
    [
        pytest.param(
            "carl",
            "report_draft",
            "Det trin krydses af af beboerens kontaktteam eller afdelingens ledere.",
            id="not-on-the-team",
        ),
        pytest.param(
            "anna",
            "report_approved",
            "Det trin krydses af af afdelingens ledere.",
            id="team-presses-a-leader-step",
        ),
        pytest.param("bent", "report_draft", NOT_ALLOWED, id="another-department"),
        pytest.param(
            "lene",
            "meeting_held",
            "Det trin krydses af med »Mødet er holdt« under /statusmoede.",
            id="held-only-by-its-button",
        ),
        pytest.param(
            "anna",
            "minutes_written",
            "Det trin hører til efter mødet 15.12.2026, som ikke er markeret holdt endnu.",
            id="after-a-meeting-not-held",
        ),
    ],
)
async def test_forged_ticks_are_refused(
    bot: BotHarness, team: Team, cycle: Cycle, who: str, step: str, answer: str
) -> None:
    meeting = plan(bot, team.mia, date(2026, 12, 15))
    user = {"carl": cycle.carl, "anna": team.user, "bent": team.user_b, "lene": cycle.lene}[who]
    await bot.send(user, "/hjaelp")  # any bot message to press on

    await bot.press_data(user, tick_data(meeting, step))

    assert bot.alerts()[-1] == answer
    assert ticks(bot) == []


async def test_the_team_cannot_plan_hold_or_cancel_by_forging(
    bot: BotHarness, team: Team, cycle: Cycle
) -> None:
    meeting = plan(bot, team.mia, date(2026, 12, 15))
    await bot.send(team.user, "/status mia")
    for press in [
        StatusPress(status_handlers.DATE, team.mia, date(2026, 12, 22).toordinal()),
        StatusPress(status_handlers.MOVE, meeting),
        StatusPress(status_handlers.HELD, meeting),
        StatusPress(status_handlers.CONFIRM_CANCEL, meeting),
        StatusPress(status_handlers.TYPE_DATE, team.mia),
    ]:
        await bot.press_data(team.user, press.pack())
        assert bot.alerts()[-1] == NOT_LEADER, press
    assert meetings(bot)[-1] == (team.mia, date(2026, 12, 15), "planned")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(StatusPress(status_handlers.TICK, 1, 99).pack(), id="step-out-of-range"),
        pytest.param(StatusPress(status_handlers.TICK, 1, -1).pack(), id="negative-step"),
        pytest.param(StatusPress(status_handlers.DATE, 1, 0).pack(), id="day-zero"),
        pytest.param(StatusPress(status_handlers.DATE, 1, 10**14).pack(), id="day-too-late"),
    ],
)
async def test_malformed_presses_are_refused(
    bot: BotHarness, team: Team, cycle: Cycle, data: str
) -> None:
    await bot.send(cycle.lene, "/hjaelp")
    await bot.press_data(cycle.lene, data)
    assert bot.alerts()[-1] == BAD_BUTTON
    assert meetings(bot) == [(team.mia, date(2026, 6, 15), "held")]


async def test_an_unknown_action_is_an_old_button(bot: BotHarness, cycle: Cycle) -> None:
    await bot.send(cycle.lene, "/hjaelp")
    await bot.press_data(cycle.lene, "t:zz:1:0")
    assert bot.alerts()[-1] == (
        "Den knap hører til noget, der er afsluttet. Start forfra med kommandoen."
    )


# --- for the reminder digest ------------------------------------------------------------------


def test_tick_text_says_done_or_who_was_first() -> None:
    tx = Texts("da")
    at = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    done = status.TickResult(1, 2, "Mia", "report_draft", "Anna A", at, already=False)
    assert tick_plain(tx, done) == "✅ Statusrapport skrevet (udkast) er krydset af for Mia."
    first = status.TickResult(1, 2, "Mia", "report_draft", "Anna A", at, already=True)
    assert tick_plain(tx, first) == (
        "Statusrapport skrevet (udkast) for Mia er allerede udført af Anna A 23.11.2026 kl. 10:05."
    )


def tick_plain(tx: Texts, result: status.TickResult) -> str:
    from bot.fakeapi import parse_html

    plain, _ = parse_html(status_handlers.tick_text(tx, TZ, result), strict=True)
    return str(plain)
