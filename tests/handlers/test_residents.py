"""Leaders manage residents in the chat: /beboere, add step by step, edit a field, move out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session, select

from bot.domain.access import Role
from bot.storage.models import AuditEvent, NoteDraft, Resident
from tests import factories
from tests.tg import BotHarness

TODAY = date(2026, 11, 23)  # the clock fixture's day in Copenhagen
LEADERS_ONLY = "Kun ledere kan ændre beboere."
NOT_ALLOWED = "Det har du ikke adgang til."
CANCELLED = "Annulleret. Intet er gemt."
ASK_NAME = "Hvad hedder beboeren? Brug fornavn eller initialer – aldrig CPR-nummer."
ASK_BIRTH = "Fødselsdato? Skriv fx 24.12.2012."
ASK_ENROLMENT = "Indskrivningsdato? Skriv fx 01.08.2024 eller »i dag«."
NAME_DIGITS = "Navnet må ikke indeholde tal (aldrig CPR-nummer). Brug fornavn eller initialer."


@dataclass
class Org:
    dep_a: int
    dep_b: int
    mia: int
    bo: int


@pytest.fixture
def org(bot: BotHarness) -> Org:
    now = bot.clock.now()
    dep_a = factories.department(bot.uow, "Afd A", now)
    dep_b = factories.department(bot.uow, "Afd B", now)
    mia = factories.resident(bot.uow, "Mia", dep_a, now, enrolment_date=date(2020, 8, 1))
    bo = factories.resident(bot.uow, "Bo", dep_b, now)
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep_a], now, name="Karen")
    factories.staff(bot.uow, 2, Role.MEDARBEJDER, [dep_a], now, name="Ole")
    factories.staff(bot.uow, 3, Role.AFDELINGSLEDER, [dep_b], now, name="Birte")
    return Org(dep_a, dep_b, mia, bo)


def residents(bot: BotHarness) -> list[Resident]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Resident).order_by(Resident.id)))  # type: ignore[arg-type]


def resident(bot: BotHarness, resident_id: int) -> Resident:
    with Session(bot.uow.engine) as session:
        row = session.get(Resident, resident_id)
        assert row is not None
        return row


def audit(bot: BotHarness, entity: str = "resident") -> list[tuple[str, int | None, str]]:
    with Session(bot.uow.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.entity == entity)).all()
    return [(a.action, a.resident_id, a.detail) for a in rows]


def drafts(bot: BotHarness) -> list[NoteDraft]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(NoteDraft)))


def alerts(bot: BotHarness) -> list[str]:
    """Return the texts shown for button presses (silent answers left out)."""
    return [a for a in bot.alerts() if a]


def labels(bot: BotHarness, user: dict[str, object]) -> list[str]:
    message = bot.api.last_message_with_buttons(int(str(user["id"])))
    assert message is not None
    return [label for label, _ in bot.api.buttons(message)]


async def start_add(bot: BotHarness, user: dict[str, object]) -> None:
    await bot.send(user, "/beboere")
    await bot.press(user, "➕ Tilføj beboer")
    assert bot.texts(user)[-1] == ASK_NAME


async def open_resident(bot: BotHarness, user: dict[str, object], name: str) -> None:
    await bot.send(user, "/beboere")
    await bot.press(user, name)


# --- listing -------------------------------------------------------------------------------------


async def test_beboere_lists_own_department_only(bot: BotHarness, org: Org) -> None:
    now = bot.clock.now()
    factories.resident(bot.uow, "Alma", org.dep_a, now, moved_out_on=date(2025, 1, 1))
    karen = bot.user(1, "Karen")

    await bot.send(karen, "/beboere")

    assert bot.last(karen).text == "Beboere (2)"
    assert labels(bot, karen) == ["Mia", "Alma (fraflyttet)", "➕ Tilføj beboer"]
    assert "Bo" not in labels(bot, karen)


async def test_tilbudsleder_lists_every_department(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 4, Role.TILBUDSLEDER, [], bot.clock.now(), name="Tove")
    tove = bot.user(4, "Tove")

    await bot.send(tove, "/beboere")

    assert labels(bot, tove) == ["Bo", "Mia", "➕ Tilføj beboer"]


@pytest.mark.parametrize("role", [Role.MEDARBEJDER, Role.VIKAR], ids=lambda r: r.value)
async def test_non_leaders_get_kun_ledere(bot: BotHarness, org: Org, role: Role) -> None:
    factories.staff(bot.uow, 9, role, [org.dep_a], bot.clock.now(), name="Vera", assigned=[org.mia])
    user = bot.user(9, "Vera")

    await bot.send(user, "/beboere")
    for data in (f"b:o:{org.mia}:0", "b:a:0:0", f"b:e:{org.mia}:0", f"b:m:{org.mia}:0", "b:l:0:0"):
        await bot.press_data(user, data)
    await bot.send(user, "Sofie")  # no resident form was opened: this is a quick note attempt

    assert bot.texts(user)[0] == LEADERS_ONLY
    assert alerts(bot) == [LEADERS_ONLY] * 5
    assert all("Hvad hedder beboeren" not in t for t in bot.texts(user))
    assert len(residents(bot)) == 2
    assert audit(bot) == []


# --- adding --------------------------------------------------------------------------------------


async def test_add_resident_step_by_step(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)

    await bot.send(karen, "Sofie")
    assert bot.texts(karen)[-1] == ASK_BIRTH
    await bot.send(karen, "17.5.2012")
    assert bot.texts(karen)[-1] == ASK_ENROLMENT
    await bot.send(karen, "i dag")
    assert bot.last(karen).text == (
        "Tilføj denne beboer?\nSofie\nFødt: 17.05.2012\nIndskrevet: 23.11.2026\nAfdeling: Afd A"
    )
    assert residents(bot)[-1].display_name != "Sofie"  # nothing is stored before Gem
    await bot.press(karen, "Gem")

    assert bot.last(karen).text == "✅ Sofie er tilføjet i Afd A."
    new = residents(bot)[-1]
    assert (new.display_name, new.birth_date, new.enrolment_date, new.department_id) == (
        "Sofie",
        date(2012, 5, 17),
        TODAY,
        org.dep_a,
    )
    assert new.moved_out_on is None
    assert audit(bot) == [("create", new.id, "")]
    assert drafts(bot) == []  # no typed answer became a quick note


async def test_added_resident_can_be_written_about_at_once(bot: BotHarness, org: Org) -> None:
    karen, ole = bot.user(1, "Karen"), bot.user(2, "Ole")
    await start_add(bot, karen)
    for answer in ("Sofie", "17.5.2012", "1.8.2024"):
        await bot.send(karen, answer)
    await bot.press(karen, "Gem")

    await bot.send(ole, "sofie komm pegede på saft")

    [draft] = drafts(bot)
    assert draft.resident_id == residents(bot)[-1].id


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        pytest.param("120512-1234", NAME_DIGITS, id="cpr"),
        pytest.param("Mia 2", NAME_DIGITS, id="digit"),
        pytest.param("A" * 81, "Navnet er for langt (højst 80 tegn).", id="too-long"),
    ],
)
async def test_bad_name_is_refused_and_the_step_repeats(
    bot: BotHarness, org: Org, bad: str, reason: str
) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)

    await bot.send(karen, bad)
    assert bot.texts(karen)[-1] == reason
    await bot.send(karen, "Sofie")

    assert bot.texts(karen)[-1] == ASK_BIRTH
    assert drafts(bot) == []
    assert len(residents(bot)) == 2


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        pytest.param("1.1.2027", "Fødselsdatoen kan ikke ligge i fremtiden.", id="future"),
        pytest.param("i morgen", "Fødselsdatoen kan ikke ligge i fremtiden.", id="tomorrow"),
        pytest.param(
            "banan",
            "»banan« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24.",
            id="unreadable",
        ),
        pytest.param("31.2.2012", "»31.2.2012« er ikke en rigtig dato. Prøv igen.", id="31-feb"),
        pytest.param(
            "1.1.1950", "Den fødselsdato er for langt tilbage. Tjek årstallet.", id="too-old"
        ),
    ],
)
async def test_bad_birth_date_is_refused_and_the_step_repeats(
    bot: BotHarness, org: Org, bad: str, reason: str
) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    await bot.send(karen, "Sofie")

    await bot.send(karen, bad)
    assert bot.texts(karen)[-1] == reason
    await bot.send(karen, "17. maj 2012")

    assert bot.texts(karen)[-1] == ASK_ENROLMENT
    assert drafts(bot) == []


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        pytest.param(
            "1.1.2010", "Indskrivningsdatoen kan ikke ligge før fødselsdatoen.", id="before-birth"
        ),
        pytest.param(
            "1.1.2028", "Indskrivningsdatoen ligger for langt ude i fremtiden.", id="far-future"
        ),
        pytest.param(
            "snart",
            "»snart« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24.",
            id="unreadable",
        ),
    ],
)
async def test_bad_enrolment_is_refused_and_the_step_repeats(
    bot: BotHarness, org: Org, bad: str, reason: str
) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    await bot.send(karen, "Sofie")
    await bot.send(karen, "17.5.2012")

    await bot.send(karen, bad)
    assert bot.texts(karen)[-1] == reason
    await bot.send(karen, "2024-08-01")

    assert bot.last(karen).text is not None
    assert bot.last(karen).text.startswith("Tilføj denne beboer?")
    assert labels(bot, karen) == ["Gem", "Annullér"]


@pytest.mark.parametrize("answers", [[], ["Sofie"], ["Sofie", "17.5.2012"]], ids=["0", "1", "2"])
async def test_annuller_leaves_the_add_flow_without_storing(
    bot: BotHarness, org: Org, answers: list[str]
) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    for answer in answers:
        await bot.send(karen, answer)

    await bot.send(karen, "/annuller")
    await bot.send(karen, "/annuller")

    assert bot.texts(karen)[-2:] == [CANCELLED, "Der er ikke noget at annullere."]
    assert len(residents(bot)) == 2
    assert audit(bot) == []
    assert bot.app is not None
    assert bot.app.user_data[1].resident_form == {}


async def test_annuller_button_at_the_end_stores_nothing(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    for answer in ("Sofie", "17.5.2012", "i dag"):
        await bot.send(karen, answer)

    await bot.press(karen, "Annullér")

    assert bot.last(karen).text == CANCELLED
    assert len(residents(bot)) == 2


async def test_another_command_quietly_ends_the_add_flow(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)

    await bot.send(karen, "/hjaelp")
    await bot.send(karen, "mia komm pegede på saft")

    assert "Sådan skriver du en note" in bot.texts(karen)[-3]
    [draft] = drafts(bot)  # the text is a note now, not a resident's name
    assert draft.resident_id == org.mia
    assert len(residents(bot)) == 2


async def test_name_with_html_is_shown_literally(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    for answer in ("Ali <b> & Co", "17.5.2012", "i dag"):
        await bot.send(karen, answer)

    await bot.press(karen, "Gem")

    assert bot.last(karen).text == "✅ Ali <b> & Co er tilføjet i Afd A."
    assert residents(bot)[-1].display_name == "Ali <b> & Co"


async def test_same_resident_twice_is_refused(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    for answer in ("Mia", "17.5.2012", "i dag"):
        await bot.send(karen, answer)

    await bot.press(karen, "Gem")

    assert alerts(bot)[-1] == "Mia med den fødselsdato findes allerede i afdelingen."
    assert len(residents(bot)) == 2


async def test_tilbudsleder_chooses_the_department(bot: BotHarness, org: Org) -> None:
    factories.staff(bot.uow, 4, Role.TILBUDSLEDER, [], bot.clock.now(), name="Tove")
    tove = bot.user(4, "Tove")
    await start_add(bot, tove)
    for answer in ("Sofie", "17.5.2012", "i dag"):
        await bot.send(tove, answer)
    assert bot.texts(tove)[-1] == "Hvilken afdeling?"
    assert labels(bot, tove) == ["Afd A", "Afd B"]

    await bot.press(tove, "Afd B")
    await bot.press(tove, "Gem")

    assert residents(bot)[-1].department_id == org.dep_b


async def test_forged_department_during_add_is_refused(bot: BotHarness, org: Org) -> None:
    now = bot.clock.now()
    dep_c = factories.department(bot.uow, "Afd C", now)
    factories.staff(bot.uow, 5, Role.AFDELINGSLEDER, [org.dep_a, dep_c], now, name="Kim")
    kim = bot.user(5, "Kim")
    await start_add(bot, kim)
    for answer in ("Sofie", "17.5.2012", "i dag"):
        await bot.send(kim, answer)
    assert labels(bot, kim) == ["Afd A", "Afd C"]

    await bot.press_data(kim, f"b:d:0:{org.dep_b}")
    assert alerts(bot) == [NOT_ALLOWED]
    await bot.press(kim, "Afd C")
    await bot.press(kim, "Gem")

    assert residents(bot)[-1].department_id == dep_c


async def test_restart_in_the_middle_of_adding_continues(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await start_add(bot, karen)
    await bot.send(karen, "Sofie")

    await bot.restart()
    await bot.send(karen, "17.5.2012")
    await bot.send(karen, "i dag")
    await bot.press(karen, "Gem")

    assert bot.last(karen).text == "✅ Sofie er tilføjet i Afd A."
    assert residents(bot)[-1].display_name == "Sofie"
    assert drafts(bot) == []


# --- editing -------------------------------------------------------------------------------------


async def test_open_resident_shows_the_card(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")

    await open_resident(bot, karen, "Mia")

    assert bot.last(karen).text == (
        "Mia \nFødt: 17.05.2012\nIndskrevet: 01.08.2020\nAfdeling: Afd A\nRådgiver: – (–)"
    )
    assert labels(bot, karen) == [
        "Ret navn",
        "Ret fødselsdato",
        "Ret indskrivningsdato",
        "Rådgivers navn",
        "Rådgivers e-mail",
        "Fraflyt",
        "‹ Alle beboere",
    ]
    await bot.press(karen, "‹ Alle beboere")
    assert bot.last(karen).text == "Beboere (1)"


async def test_edit_name(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Ret navn")
    assert bot.texts(karen)[-1] == "Ret navn for Mia: send den nye værdi (eller /annuller)."

    await bot.send(karen, "120512-1234")
    assert bot.texts(karen)[-1] == NAME_DIGITS
    assert resident(bot, org.mia).display_name == "Mia"
    await bot.send(karen, "Mia Sofie")

    assert resident(bot, org.mia).display_name == "Mia Sofie"
    assert (bot.last(karen).text or "").startswith("Mia Sofie")
    assert audit(bot) == [("edit", org.mia, "field=name")]
    assert drafts(bot) == []


async def test_edit_caseworker_email_bad_then_good(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Rådgivers e-mail")

    await bot.send(karen, "hanne at kommune")
    assert bot.texts(karen)[-1] == "Det ligner ikke en e-mailadresse."
    assert resident(bot, org.mia).caseworker_email is None
    await bot.send(karen, " hanne@kommune.dk ")

    assert resident(bot, org.mia).caseworker_email == "hanne@kommune.dk"
    assert "Rådgiver: – (hanne@kommune.dk)" in (bot.last(karen).text or "")
    assert audit(bot) == [("edit", org.mia, "field=caseworker_email")]
    assert drafts(bot) == []


async def test_edit_caseworker_name_and_birth_date(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Rådgivers navn")
    await bot.send(karen, "Hanne Holm")
    await bot.press(karen, "Ret fødselsdato")
    await bot.send(karen, "1.1.2030")
    assert bot.texts(karen)[-1] == "Fødselsdatoen kan ikke ligge i fremtiden."
    await bot.send(karen, "3.4.2011")

    row = resident(bot, org.mia)
    assert (row.caseworker_name, row.birth_date) == ("Hanne Holm", date(2011, 4, 3))


async def test_annuller_while_editing_keeps_the_value(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Ret navn")

    await bot.send(karen, "/annuller")

    assert bot.texts(karen)[-1] == CANCELLED
    assert resident(bot, org.mia).display_name == "Mia"
    assert audit(bot) == []


async def test_renaming_onto_an_existing_resident_is_a_clear_refusal(
    bot: BotHarness, org: Org
) -> None:
    factories.resident(bot.uow, "Mie", org.dep_a, bot.clock.now())  # born 17.5.2012 like Mia
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mie")
    await bot.press(karen, "Ret navn")

    await bot.send(karen, "Mia")

    assert bot.texts(karen)[-1] == "Mia med den fødselsdato findes allerede i afdelingen."


@pytest.mark.parametrize("field", [-1, 5, 99])
async def test_forged_field_number_is_refused(bot: BotHarness, org: Org, field: int) -> None:
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")

    await bot.press_data(karen, f"b:e:{org.mia}:{field}")
    await bot.send(karen, "Mia Sofie")  # no field is being edited: this is a quick note attempt

    assert alerts(bot) == ["Den knap kender jeg ikke. Start forfra med kommandoen."]
    assert resident(bot, org.mia).display_name == "Mia"


# --- other departments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("b:o:{mia}:0", id="open"),
        pytest.param("b:e:{mia}:0", id="edit"),
        pytest.param("b:m:{mia}:0", id="move-out"),
    ],
)
async def test_leader_of_another_department_cannot_touch_the_resident(
    bot: BotHarness, org: Org, data: str
) -> None:
    birte = bot.user(3, "Birte")
    await bot.send(birte, "/beboere")
    before = bot.last(birte).text

    await bot.press_data(birte, data.format(mia=org.mia))
    await bot.send(birte, "Mia Sofie")

    assert alerts(bot) == [NOT_ALLOWED]
    assert bot.last(birte).text is not None
    assert all("17.05.2012" not in t for t in bot.texts(birte))
    assert before == "Beboere (1)"
    row = resident(bot, org.mia)
    assert (row.display_name, row.moved_out_on) == ("Mia", None)
    assert audit(bot) == []


async def test_forged_open_of_a_missing_resident(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await bot.send(karen, "/beboere")

    await bot.press_data(karen, "b:o:999999:0")

    assert alerts(bot) == ["Det findes ikke (længere)."]


# --- moving out ----------------------------------------------------------------------------------


async def test_move_out_today(bot: BotHarness, org: Org) -> None:
    karen, ole = bot.user(1, "Karen"), bot.user(2, "Ole")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Fraflyt")
    assert bot.texts(karen)[-1] == (
        "Hvornår flyttede Mia ud? Tryk »I dag« eller skriv datoen (eller /annuller)."
    )

    await bot.press(karen, "I dag")

    assert bot.texts(karen)[-1] == "Mia er fraflyttet pr. 23.11.2026. Noterne bevares."
    assert resident(bot, org.mia).moved_out_on == TODAY
    assert audit(bot) == [("edit", org.mia, "moved_out")]

    await bot.send(ole, "mia komm pegede på saft")
    assert bot.texts(ole)[-1] == "Du har ingen beboere, du kan skrive om endnu. Kontakt din leder."
    assert drafts(bot) == []


async def test_move_out_on_a_typed_date(bot: BotHarness, org: Org) -> None:
    now = bot.clock.now()
    ida = factories.resident(bot.uow, "Ida", org.dep_a, now)
    karen, ole = bot.user(1, "Karen"), bot.user(2, "Ole")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Fraflyt")

    await bot.send(karen, "1.12.2026")
    assert bot.texts(karen)[-1] == "Fraflytningsdatoen kan ikke ligge i fremtiden."
    await bot.send(karen, "1.1.2019")
    assert bot.texts(karen)[-1] == "Fraflytningen kan ikke ligge før indskrivningen."
    await bot.send(karen, "20.11.2026")

    assert resident(bot, org.mia).moved_out_on == date(2026, 11, 20)
    await bot.send(ole, "mia komm pegede på saft")
    [draft] = drafts(bot)
    assert draft.resident_id != org.mia
    assert "Mia" not in (bot.last(ole).text or "")
    assert [label for label, d in bot.api.buttons(bot.last(ole)) if ":pr:" in d] == ["Ida"]
    assert ida


async def test_moved_out_resident_has_no_move_out_button(bot: BotHarness, org: Org) -> None:
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Fraflyt")
    await bot.press(karen, "I dag")

    await open_resident(bot, karen, "Mia (fraflyttet)")

    assert "(fraflyttet 23.11.2026)" in (bot.last(karen).text or "")
    assert "Fraflyt" not in labels(bot, karen)


@pytest.mark.parametrize("case", ["enrolment-ahead", "moved-out-meanwhile"])
async def test_refused_move_out_today_is_explained(bot: BotHarness, org: Org, case: str) -> None:
    """A refusal after »I dag« is shown as the one answer to the press."""
    now = bot.clock.now()
    if case == "enrolment-ahead":
        # Enrolment up to a year ahead is allowed; moving out "today" is then before it.
        factories.resident(bot.uow, "Ida", org.dep_a, now, enrolment_date=date(2026, 12, 15))
        expected = "Fraflytningen kan ikke ligge før indskrivningen."
    else:
        factories.resident(bot.uow, "Ida", org.dep_a, now)
        expected = "Ida er allerede fraflyttet."
    factories.staff(bot.uow, 6, Role.AFDELINGSLEDER, [org.dep_a], now, name="Lis")
    karen, lis = bot.user(1, "Karen"), bot.user(6, "Lis")
    await open_resident(bot, karen, "Ida")
    await bot.press(karen, "Fraflyt")
    if case == "moved-out-meanwhile":
        await open_resident(bot, lis, "Ida")
        await bot.press(lis, "Fraflyt")
        await bot.press(lis, "I dag")
    start = len(bot.api.calls)

    await bot.press(karen, "I dag")

    answers = [c for c in bot.api.calls[start:] if c.method == "answerCallbackQuery"]
    assert [(c.ok, c.params.get("text")) for c in answers] == [(True, expected)]


async def test_i_dag_under_an_older_question_moves_out_that_resident(
    bot: BotHarness, org: Org
) -> None:
    now = bot.clock.now()
    ida = factories.resident(bot.uow, "Ida", org.dep_a, now)
    karen = bot.user(1, "Karen")
    await open_resident(bot, karen, "Mia")
    await bot.press(karen, "Fraflyt")
    mia_question = bot.last(karen).message_id
    await open_resident(bot, karen, "Ida")
    await bot.press(karen, "Fraflyt")

    await bot.press_data(karen, f"b:mt:{org.mia}:0", message_id=mia_question)

    assert resident(bot, ida).moved_out_on is None
    assert resident(bot, org.mia).moved_out_on == TODAY
    assert bot.texts(karen)[-1] == "Mia er fraflyttet pr. 23.11.2026. Noterne bevares."
