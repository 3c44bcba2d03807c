"""Substitute onboarding through the reminder engine (issue 5 §3), on SQLite and PostgreSQL.

A substitute is invited and joins through the use cases (bot.services.staff), so their steps
are the default checklist of migration 0006 (bot.domain.onboarding.DEFAULT_CHECKLIST), due at
their start date plus each step's offset. The real application (tests.tg.BotHarness) sweeps
with a controlled clock, exactly as in tests/storage/test_reminder_sweep.py, whose helpers
this module reuses; every test reads the chats and the ledger (reminder_delivery).

Dates: the substitute is invited on Monday 22.2.2027 and starts on Monday 1.3.2027 (S). Their
own steps due at S are `regler` and `voksenansvar`; the leader confirms `introforloeb` at S
(`bureau_tjek` is for agency substitutes only); `overlevering` (the briefs) is due at S + 1.
The residents are "quiet" (enrolled on the day of the invite): none of their own deadlines
falls inside a scenario.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.onboarding import DEFAULT_CHECKLIST
from bot.fakeapi import StoredMessage
from bot.handlers.callbacks import ReminderPress
from bot.services import onboarding, staff
from bot.services.onboarding import SubstituteInvite
from bot.storage.models import OnboardingStep, OnboardingTemplate
from bot.texts import plain
from tests import factories
from tests.storage.test_reminder_sweep import (
    TZ,
    Home,
    Row,
    at,
    buttons_by_number,
    sweep,
)
from tests.tg import BotHarness

S = date(2027, 3, 1)  # Monday: the substitute's first day
INVITED = S - timedelta(days=7)  # Monday 22.2.2027: invited, joined, first sweep
END = date(2027, 4, 30)  # their last day of access (unless a test says otherwise)
TTL = timedelta(days=7)

# Telegram ids (chats) of who takes part.
LENE = 44  # afdelingsleder, Afd A
LARS = 45  # afdelingsleder, Afd B
ULLA = 46  # afdelingsleder of both Afd A and Afd B
VERA = 60  # the substitute
VITO = 61  # another substitute, Afd A

TITLES = {template.code: template.title for template in DEFAULT_CHECKLIST}
STEP = "onboarding_step"
CONFIRM = "onboarding_confirm"


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture
def home(harness: BotHarness, clock: FixedClock) -> Home:
    clock.set(at(INVITED))
    home = Home(harness, clock)
    home.dep = home.department("Afd A")
    return home


@dataclass(frozen=True)
class World:
    """Afd A with its leader Lene, the resident Mia, and Vera, a substitute for Mia."""

    home: Home
    lene: int
    mia: int
    vera: int


def actor(home: Home, chat: int) -> Actor:
    with home.uow() as uow:
        found = uow.staff.actor(chat)
    assert found is not None
    return found


def today(home: Home) -> date:
    return home.now().astimezone(TZ).date()


def substitute(
    home: Home,
    chat: int,
    name: str,
    *,
    by: int,
    dep: int,
    residents: Sequence[int],
    ends_on: date = END,
) -> int:
    """A leader invites a substitute starting at S; they join. Return their staff id."""
    made = staff.create_invite(
        home.uow(),
        home.clock,
        actor(home, by),
        Role.VIKAR,
        department_id=dep,
        ttl=TTL,
        substitute=SubstituteInvite(S, ends_on, False, tuple(residents)),
        today=today(home),
    )
    joined = staff.join_with_code(home.uow(), home.clock, made.code, chat, name)
    home.people[joined.actor.staff_id] = chat
    return joined.actor.staff_id


def make_world(home: Home, *, ends_on: date = END) -> World:
    lene = home.staff(LENE, "Lene", role=Role.AFDELINGSLEDER)
    mia = home.resident("Mia", INVITED)
    vera = substitute(
        home, VERA, "Vera V", by=LENE, dep=home.dep, residents=(mia,), ends_on=ends_on
    )
    return World(home, lene, mia, vera)


@pytest.fixture
def world(home: Home) -> World:
    return make_world(home)


def steps(home: Home, staff_id: int) -> dict[str, OnboardingStep]:
    """A substitute's steps (first occurrences) by checklist code."""
    with home.uow(read_only=True) as uow:
        rows = uow.session.exec(
            select(OnboardingTemplate.code, OnboardingStep)
            .join(OnboardingTemplate, col(OnboardingTemplate.id) == col(OnboardingStep.template_id))
            .where(OnboardingStep.staff_id == staff_id, OnboardingStep.occurrence == 1)
        ).all()
        uow.session.expunge_all()  # kept readable after the unit of work ends
        return dict(rows)


def step_id(home: Home, staff_id: int, code: str) -> int:
    found = steps(home, staff_id)[code].id
    assert found is not None
    return found


def subject(home: Home, staff_id: int, code: str) -> str:
    return f"onboarding_step:{step_id(home, staff_id, code)}"


Key = tuple[str, str, date, str, int]


def keys(rows: Sequence[Row]) -> list[Key]:
    return sorted((r.rule, r.subject, r.due, r.stage, r.recipient_id) for r in rows)


_ITEM = re.compile(r"^(\d+)\. (.+?): (.+)$", re.MULTILINE)


def numbered(message: StoredMessage) -> dict[str, int]:
    """Map 'Name: title' to the item's number in a digest or /paamindelser."""
    return {f"{name}: {what}": int(n) for n, name, what in _ITEM.findall(message.text or "")}


def own(code: str, name: str = "Vera V") -> str:
    """How a substitute's own step is listed."""
    return f"{name}: Tjekliste: {TITLES[code]}"


def confirm(code: str, name: str = "Vera V") -> str:
    """How a step the leader confirms is listed."""
    return f"{name}: Vikar, bekræft: {TITLES[code]}"


def weekly(message: StoredMessage) -> list[str]:
    text = message.text or ""
    start = text.find("📋 Ugeoversigt")
    assert start >= 0, text
    return text[start:].splitlines()


# --- 1. the heads-up a week before the start ------------------------------------------------------


async def test_a_week_before_the_start_each_gets_one_digest_once(world: World) -> None:
    home, vera, lene = world.home, world.vera, world.lene
    first = await sweep(home.h)
    home.clock.set(at(INVITED, 15))
    second = await sweep(home.h)

    assert first.sent == 2
    assert (second.recorded, second.sent, second.cancelled) == (0, 0, 0)
    assert len(home.h.api.calls_to("sendMessage")) == 2
    [digest] = home.inbox(vera)
    items = numbered(digest)
    assert set(items) == {own("regler"), own("voksenansvar")}, digest.text
    assert (digest.text or "").count("🗓 Frist 1.3.2027 (om 7 dage)") == 2
    [leader_digest] = home.inbox(lene)
    leader_items = numbered(leader_digest)
    assert set(leader_items) == {confirm("introforloeb")}, leader_digest.text
    assert "🗓 Frist 1.3.2027 (om 7 dage)" in (leader_digest.text or "")

    rows = home.ledger()
    assert keys(rows) == sorted(
        [
            (STEP, subject(home, vera, "regler"), S, "heads_up", vera),
            (STEP, subject(home, vera, "voksenansvar"), S, "heads_up", vera),
            (CONFIRM, subject(home, vera, "introforloeb"), S, "heads_up", lene),
        ]
    )
    assert {r.status for r in rows} == {"sent"}

    # Each item's own button is `Udført`; it names the step (rule code ob / oc) and its day.
    buttons = buttons_by_number(digest)
    for code in ("regler", "voksenansvar"):
        n = items[own(code)]
        labels = [label for label, _ in buttons[n]]
        assert labels == [f"{n}. Udført", f"{n}. Udsæt 1 dag", f"{n}. Udsæt 1 uge"]
        assert {(p.rule, p.ref, p.due) for _, p in buttons[n]} == {
            ("ob", step_id(home, vera, code), S.toordinal())
        }
    [(label, press), *_] = buttons_by_number(leader_digest)[1]
    assert label == "1. Udført"
    assert (press.action, press.rule, press.ref, press.due) == (
        "a",
        "oc",
        step_id(home, vera, "introforloeb"),
        S.toordinal(),
    )

    # The next day the steps due at S are at the same stage: only the briefs' step (due
    # S + 1) is new, with its own heads-up.
    home.clock.set(at(INVITED + timedelta(days=1)))
    third = await sweep(home.h)
    assert (third.recorded, third.sent) == (1, 1)
    assert home.ledger()[: len(rows)] == rows
    assert keys(home.ledger()[len(rows) :]) == [
        (STEP, subject(home, vera, "overlevering"), S + timedelta(days=1), "heads_up", vera)
    ]


# --- 2. escalation and the weekly overview --------------------------------------------------------


async def test_a_step_7_days_overdue_is_escalated_and_in_the_monday_overview(world: World) -> None:
    home, vera, lene = world.home, world.vera, world.lene
    # Sunday, 6 days overdue: the rows are recorded (and wait for Monday), no escalation.
    home.clock.set(at(S + timedelta(days=6)))
    await sweep(home.h)
    assert [r for r in home.ledger(lene) if r.stage == "escalation"] == []
    assert home.inbox(lene) == []
    assert home.inbox(vera) == []

    monday = S + timedelta(days=7)
    home.clock.set(at(monday))
    await sweep(home.h)

    escalated = {(r.rule, r.subject) for r in home.ledger(lene) if r.stage == "escalation"}
    assert (STEP, subject(home, vera, "regler")) in escalated
    assert (STEP, subject(home, vera, "voksenansvar")) in escalated
    # The brief step is 6 days overdue: not escalated yet.
    assert (STEP, subject(home, vera, "overlevering")) not in escalated
    assert {r.status for r in home.ledger(lene)} == {"sent"}

    [message] = home.inbox(lene)
    text = message.text or ""
    assert text.count("🚨 Fristen var 1.3.2027 – 7 dage over. Ansvarlig: Vera V") == 2
    assert own("regler") in numbered(message)
    assert own("voksenansvar") in numbered(message)
    assert weekly(message) == [
        "📋 Ugeoversigt, Afd A: overskredne frister",
        "Vikar Vera V",
        f"  • Vikar, bekræft: {TITLES['introforloeb']} – 7 dage over (Lene)",
        f"  • Tjekliste: {TITLES['regler']} – 7 dage over (Vera V)",
        f"  • Tjekliste: {TITLES['voksenansvar']} – 7 dage over (Vera V)",
        f"  • Tjekliste: {TITLES['overlevering']} – 6 dage over (Vera V)",
    ]
    weekly_rows = [r for r in home.ledger(lene) if r.rule == "weekly_digest"]
    assert [(r.subject, r.due, r.status) for r in weekly_rows] == [
        (f"department:{home.dep}", monday, "sent")
    ]

    # Vera hears of her own steps, never the escalation nor the overview.
    [vera_message] = home.inbox(vera)
    assert "Ugeoversigt" not in (vera_message.text or "")
    assert "🚨" not in (vera_message.text or "")
    assert {r.stage for r in home.ledger(vera)} >= {"overdue2"}
    assert all(r.stage != "escalation" for r in home.ledger(vera))

    # The escalated step is still Vera's to do: Lene's `Udført` on it is refused.
    h, lene_user = home.h, home.h.user(LENE, "Lene")
    n = numbered(message)[own("regler")]
    await h.press(lene_user, f"{n}. Udført")
    assert h.alerts()[-1] == plain("onboarding.substitute_step")
    assert steps(home, vera)["regler"].done_on is None
    # Her /paamindelser shows it as escalated to her.
    await h.send(lene_user, "/paamindelser")
    mine = h.last(lene_user)
    assert own("regler") in numbered(mine)
    assert "🚨 Fristen var 1.3.2027 – 7 dage over. Ansvarlig: Vera V" in (mine.text or "")


async def test_udsaet_1_uge_on_a_step_keeps_it_quiet_for_the_substitute(world: World) -> None:
    home, vera = world.home, world.vera
    h, vera_user = home.h, home.h.user(VERA, "Vera")
    home.clock.set(at(S))
    await sweep(home.h)
    items = numbered(home.inbox(vera)[-1])
    await h.press(vera_user, f"{items[own('voksenansvar')]}. Udsæt 1 uge")
    assert h.texts(vera_user)[-1] == plain("reminders.snoozed", date="8.3.2027")
    voksenansvar = subject(home, vera, "voksenansvar")

    for offset in (1, 4):  # overdue0 and overdue1 of the other step, not of this one
        home.clock.set(at(S + timedelta(days=offset)))
        await sweep(home.h)
        text = home.inbox(vera)[-1].text or ""
        assert TITLES["regler"] in text
        assert TITLES["voksenansvar"] not in text
    assert [r.stage for r in home.ledger(vera) if r.subject == voksenansvar] == ["due"]

    # When the snooze ends it is back (and the leader's escalation was never snoozed).
    home.clock.set(at(S + timedelta(days=7)))
    await sweep(home.h)
    assert own("voksenansvar") in numbered(home.inbox(vera)[-1])
    assert {r.stage for r in home.ledger(vera) if r.subject == voksenansvar} == {
        "due",
        "overdue2",
        f"again{(S + timedelta(days=7)).toordinal()}",
    }
    assert [r.stage for r in home.ledger(world.lene) if r.subject == voksenansvar] == ["escalation"]


# --- 3. a step ticked before its digest goes out --------------------------------------------------


async def test_steps_ticked_before_the_digest_are_cancelled_not_sent(world: World) -> None:
    home, vera, lene = world.home, world.vera, world.lene
    home.clock.set(at(S, 6, 30))  # before everyone's hours
    early = await sweep(home.h)
    assert early.sent == 0
    regler = subject(home, vera, "regler")
    intro = subject(home, vera, "introforloeb")
    assert {(r.subject, r.status) for r in home.ledger() if r.subject in (regler, intro)} == {
        (regler, "pending"),
        (intro, "pending"),
    }

    # Vera ticks a step of hers, Lene confirms the introduction, before 07:00.
    onboarding.complete_step(
        home.uow(), home.clock, TZ, actor(home, VERA), step_id(home, vera, "regler")
    )
    onboarding.complete_step(
        home.uow(), home.clock, TZ, actor(home, LENE), step_id(home, vera, "introforloeb")
    )
    home.clock.set(at(S, 7, 0))
    report = await sweep(home.h)

    assert (report.sent, report.cancelled) == (1, 2)
    assert home.inbox(lene) == []
    assert [(r.subject, r.stage, r.status) for r in home.ledger(lene)] == [
        (intro, "due", "cancelled")
    ]
    [message] = home.inbox(vera)
    assert TITLES["regler"] not in (message.text or "")
    assert own("voksenansvar") in numbered(message)
    statuses = {r.subject: r.status for r in home.ledger(vera)}
    assert statuses[regler] == "cancelled"
    assert statuses[subject(home, vera, "voksenansvar")] == "sent"

    # Later sweeps bring neither back.
    home.clock.set(at(S + timedelta(days=1)))
    await sweep(home.h)
    assert all(r.subject not in (regler, intro) for r in home.ledger() if r.due != S)
    assert [r.status for r in home.ledger() if r.subject in (regler, intro)] == [
        "cancelled",
        "cancelled",
    ]


# --- 4. the Udført button -------------------------------------------------------------------------


async def test_the_udfoert_button_ticks_the_step_and_refuses_anyone_else(
    world: World,
) -> None:
    home, vera, lene = world.home, world.vera, world.lene
    dep_b = home.department("Afd B")
    home.staff(LARS, "Lars", role=Role.AFDELINGSLEDER, dep=dep_b)
    vito = substitute(home, VITO, "Vito", by=LENE, dep=home.dep, residents=(world.mia,))
    day = S - timedelta(days=6)  # Tuesday: the briefs' step (due S + 1) has its heads-up too
    home.clock.set(at(day))
    await sweep(home.h)

    h = home.h
    vera_user, vito_user, lars_user = h.user(VERA, "Vera"), h.user(VITO, "Vito"), h.user(LARS)
    [digest] = home.inbox(vera)
    items = numbered(digest)
    assert set(items) == {own("regler"), own("voksenansvar"), own("overlevering")}
    assert len(home.inbox(vito)) == 1  # Vito's own digest
    n = items[own("voksenansvar")]
    [(_, press), *_] = buttons_by_number(digest)[n]
    data = press.pack()
    target = step_id(home, vera, "voksenansvar")

    def is_open(step: int, of: int = vera) -> bool:
        [found] = [s for s in steps(home, of).values() if s.id == step]
        return found.done_on is None

    # Forged presses: another substitute, a leader of another department.
    await h.press_data(vito_user, data)
    assert h.alerts()[-1] == plain("error.not_allowed")
    await h.send(lars_user, "/paamindelser")  # so Lars has a message to press on
    await h.press_data(lars_user, data)
    assert h.alerts()[-1] == plain("error.not_allowed")
    # Vera cannot confirm the leader's step, even with forged data.
    intro = step_id(home, vera, "introforloeb")
    await h.press_data(vera_user, ReminderPress("a", "oc", intro, S.toordinal()).pack())
    assert h.alerts()[-1] == plain("onboarding.leader_step")
    # The briefs' step is done by reading the briefs, not by the button.
    await h.press(vera_user, f"{items[own('overlevering')]}. Udført")
    assert h.alerts()[-1] == plain("onboarding.brief_step")
    assert is_open(target)
    assert is_open(intro)
    assert is_open(step_id(home, vera, "overlevering"))
    assert is_open(step_id(home, vito, "voksenansvar"), vito)

    # Vera presses her button: the step is done, by her, today.
    await h.press(vera_user, f"{n}. Udført")
    done = steps(home, vera)["voksenansvar"]
    assert (done.done_on, done.done_by_id) == (day, vera)
    assert h.texts(vera_user)[-1] == f"✅ {TITLES['voksenansvar']} er udført (Vera V)."
    assert is_open(step_id(home, vito, "voksenansvar"), vito)  # Vito's own step is untouched

    # The same button once more: already done.
    sent = len(h.texts(vera_user))
    await h.press(vera_user, f"{n}. Udført")
    assert h.alerts()[-1] == plain("reminders.already_done")
    assert len(h.texts(vera_user)) == sent
    assert steps(home, vera)["voksenansvar"].done_at == done.done_at

    # Lene confirms Vera's introduction from her digest (Vito's is in it too).
    [leader_digest] = home.inbox(lene)
    listed = numbered(leader_digest)
    assert set(listed) == {confirm("introforloeb"), confirm("introforloeb", "Vito")}
    await h.press(h.user(LENE, "Lene"), f"{listed[confirm('introforloeb')]}. Udført")
    confirmed = steps(home, vera)["introforloeb"]
    assert (confirmed.done_on, confirmed.done_by_id) == (day, lene)
    assert h.texts(h.user(LENE))[-1] == f"✅ {TITLES['introforloeb']} er udført (Vera V)."


# --- 5. the end of access -------------------------------------------------------------------------


async def test_access_ends_heads_up_then_nothing_after_the_last_day(home: Home) -> None:
    last = date(2027, 3, 7)  # a Sunday: the day after is the Monday of the overview
    world = make_world(home, ends_on=last)
    vera, lene = world.vera, world.lene
    told = "Din adgang slutter efter 7.3.2027"

    home.clock.set(at(last - timedelta(days=4)))
    await sweep(home.h)
    assert all(r.rule != "access_ends" for r in home.ledger())
    assert all(told not in (m.text or "") for m in home.inbox(vera))

    home.clock.set(at(last - timedelta(days=3)))
    await sweep(home.h)
    message = home.inbox(vera)[-1]
    assert told in (message.text or "")
    access = [r for r in home.ledger() if r.rule == "access_ends"]
    assert keys(access) == [("access_ends", f"staff:{vera}", last, "heads_up", vera)]
    assert access[0].status == "sent"
    n = numbered(message)[f"Vera V: {told}"]
    assert n not in buttons_by_number(message)  # informational: no buttons

    # The last day (a Sunday): recorded, waiting for Monday.
    home.clock.set(at(last))
    await sweep(home.h)
    assert ("access_ends", f"staff:{vera}", last, "due", vera) in keys(home.ledger(vera))
    vera_before, lene_before = home.ledger(vera), home.ledger(lene)
    vera_inbox, lene_inbox = len(home.inbox(vera)), len(home.inbox(lene))
    assert any(r.status == "pending" for r in lene_before)  # her confirm step, overdue

    # The day after: nothing for Vera, and nothing about her for anyone, not even the
    # steps Lene confirms, the escalation (7 days overdue) or the Monday overview.
    home.clock.set(at(last + timedelta(days=1)))
    report = await sweep(home.h)

    assert report.recorded == 0
    assert report.sent == 0
    assert len(home.inbox(vera)) == vera_inbox
    assert len(home.inbox(lene)) == lene_inbox
    assert keys(home.ledger(vera)) == keys(vera_before)
    assert keys([r for r in home.ledger(vera) if r.status == "sent"]) == keys(
        [r for r in vera_before if r.status == "sent"]
    )
    assert keys(home.ledger(lene)) == keys(lene_before)
    # What waited for Lene about Vera is cancelled, not sent.
    waited = [r for r in lene_before if r.status == "pending"]
    assert keys([r for r in home.ledger(lene) if r.status == "cancelled"]) == keys(waited)
    assert all(r.status != "pending" for r in home.ledger(lene))

    # Lene's /paamindelser no longer lists Vera's steps (only Mia's own deadline).
    await home.h.send(home.h.user(LENE, "Lene"), "/paamindelser")
    answer = home.h.last(home.h.user(LENE))
    assert "Dine frister" in (answer.text or "")
    assert "Vera V" not in (answer.text or "")


async def test_a_substitute_whose_access_the_leader_ends_hears_nothing_more(
    world: World,
) -> None:
    home, vera, lene = world.home, world.vera, world.lene
    home.clock.set(at(S, 6, 30))
    await sweep(home.h)
    assert {r.status for r in home.ledger()} == {"pending"}
    assert home.ledger(lene)
    assert home.ledger(vera)

    ended = onboarding.change_access(home.uow(), home.clock, TZ, actor(home, LENE), vera, "end")
    assert ended.access_ends_on == S - timedelta(days=1)
    home.clock.set(at(S, 7, 0))
    report = await sweep(home.h)

    assert report.sent == 0
    assert home.inbox(vera) == []
    assert home.inbox(lene) == []
    assert {r.status for r in home.ledger(lene)} == {"cancelled"}
    assert all(r.status != "sent" for r in home.ledger(vera))

    # Not on the following days either, the Monday overview included.
    for offset in (1, 7):
        home.clock.set(at(S + timedelta(days=offset)))
        assert (await sweep(home.h)).recorded == 0
    assert home.inbox(vera) == []
    assert home.inbox(lene) == []


# --- 6. /paamindelser -----------------------------------------------------------------------------


async def test_paamindelser_lists_the_substitutes_steps_and_the_leaders_confirm_steps(
    world: World,
) -> None:
    home, vera = world.home, world.vera
    h = home.h
    home.clock.set(at(S - timedelta(days=3)))  # Friday

    vera_user = h.user(VERA, "Vera")
    await h.send(vera_user, "/paamindelser")
    mine = h.last(vera_user)
    assert "Dine frister" in (mine.text or "")
    items = numbered(mine)
    # Her open steps due within 30 days (konflikt and vikarmøde are the leader's and later).
    assert set(items) == {
        own("regler"),
        own("voksenansvar"),
        own("overlevering"),
        own("foel"),
        own("dokumentation"),
    }, mine.text
    buttons = buttons_by_number(mine)
    for code in ("regler", "voksenansvar", "overlevering", "foel", "dokumentation"):
        n = items[own(code)]
        assert buttons[n][0][0] == f"{n}. Udført"
        assert (buttons[n][0][1].rule, buttons[n][0][1].ref) == ("ob", step_id(home, vera, code))

    lene_user = h.user(LENE, "Lene")
    await h.send(lene_user, "/paamindelser")
    leader = h.last(lene_user)
    listed = {k: n for k, n in numbered(leader).items() if k.startswith("Vera V: ")}
    assert set(listed) == {confirm("introforloeb")}, leader.text  # not Vera's own steps
    n = listed[confirm("introforloeb")]
    [(label, press), *_] = buttons_by_number(leader)[n]
    assert label == f"{n}. Udført"
    assert (press.rule, press.ref) == ("oc", step_id(home, vera, "introforloeb"))

    # A step done is no longer listed.
    onboarding.complete_step(
        home.uow(), home.clock, TZ, actor(home, VERA), step_id(home, vera, "regler")
    )
    await h.send(vera_user, "/paamindelser")
    assert own("regler") not in numbered(h.last(vera_user))


# --- 7. a substitute in two departments -----------------------------------------------------------


async def test_the_confirm_step_reaches_the_leaders_of_both_departments_once_each(
    world: World,
) -> None:
    home, vera, lene = world.home, world.vera, world.lene
    dep_b = home.department("Afd B")
    lars = home.staff(LARS, "Lars", role=Role.AFDELINGSLEDER, dep=dep_b)
    ulla = factories.staff(
        home.uow, ULLA, Role.AFDELINGSLEDER, [home.dep, dep_b], home.now(), name="Ulla"
    )
    home.people[ulla] = ULLA
    bo = home.resident("Bo", INVITED, dep=dep_b)
    # Lars invites Vera into Afd B too: she keeps her checklist and gets Bo.
    assert substitute(home, VERA, "Vera V", by=LARS, dep=dep_b, residents=(bo,)) == vera
    with home.uow(read_only=True) as uow:
        assert uow.staff.departments_of(vera) == sorted([home.dep, dep_b])
    assert len(steps(home, vera)) == len([t for t in DEFAULT_CHECKLIST if not t.agency_only])

    report = await sweep(home.h)

    intro = subject(home, vera, "introforloeb")
    assert keys(home.ledger()) == sorted(
        [
            (STEP, subject(home, vera, "regler"), S, "heads_up", vera),
            (STEP, subject(home, vera, "voksenansvar"), S, "heads_up", vera),
            (CONFIRM, intro, S, "heads_up", lene),
            (CONFIRM, intro, S, "heads_up", lars),
            (CONFIRM, intro, S, "heads_up", ulla),
        ]
    )
    assert report.sent == 4
    for leader in (lene, lars, ulla):
        [message] = home.inbox(leader)
        assert numbered(message) == {confirm("introforloeb"): 1}, message.text
        assert (message.text or "").count(TITLES["introforloeb"]) == 1
    [message] = home.inbox(vera)
    assert set(numbered(message)) == {own("regler"), own("voksenansvar")}

    # Either leader confirms it: the other leaders' reminders of it stop.
    await home.h.press(home.h.user(LARS, "Lars"), "1. Udført")
    assert steps(home, vera)["introforloeb"].done_by_id == lars
    home.clock.set(at(S))
    await sweep(home.h)
    assert all(r.stage == "heads_up" for r in home.ledger() if r.subject == intro)
