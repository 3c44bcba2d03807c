"""The reminder sweep end to end on SQLite and PostgreSQL (issue 4 §3 and §4).

The real application (bot.app.build_application through tests.tg.BotHarness) runs on the fake
Bot API and on this test's database; its ReminderEngine sweeps with a controlled clock. Every
test reads what arrived in the chats and what the ledger (reminder_delivery) holds.

The residents here are "quiet": enrolled just before the scenario, so none of their recurring
deadlines (status meeting, DPU, kompas, IPEL, ...) falls inside it; only the goals, sub-goals
and status steps a test creates are due.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, TelegramError, TimedOut

from bot.clock import FixedClock
from bot.domain.access import Role
from bot.domain.calendar import ReminderHours, is_public_holiday
from bot.fakeapi import StoredMessage
from bot.handlers.callbacks import ReminderPress
from bot.reminders.rules import RULE_CODES
from bot.reminders.sweep import DEFAULT_LEASE, ReminderEngine, SweepReport
from bot.storage.models import (
    ContactTeamMember,
    Evaluation,
    Goal,
    ReminderDelivery,
    ReminderPerson,
    Resident,
    Staff,
    StaffDepartment,
    StatusMeeting,
    StatusStep,
    SubGoal,
)
from bot.storage.uow import UnitOfWorkFactory
from tests import factories
from tests.storage.conftest import settings_for
from tests.tg import BotHarness

TZ = ZoneInfo("Europe/Copenhagen")
ALL_DAYS = ReminderHours(weekends=True, holidays=True)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Return a wall-clock time in Copenhagen."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


class Killed(BaseException):
    """The process dies here (like SIGKILL: no except Exception catches it)."""


# --- the world ----------------------------------------------------------------------------------


@dataclass
class Home:
    """Seeds one care home on the test's database and reads back what happened."""

    h: BotHarness
    clock: FixedClock
    dep: int = 0
    people: dict[int, int] = field(default_factory=dict)  # staff id -> chat id
    _author: int | None = None

    @property
    def uow(self) -> UnitOfWorkFactory:
        return self.h.uow

    def now(self) -> datetime:
        return self.clock.now()

    def department(self, name: str) -> int:
        return factories.department(self.uow, name, self.now())

    def staff(
        self,
        chat: int,
        name: str,
        *,
        role: Role = Role.MEDARBEJDER,
        hours: ReminderHours | None = None,
        dep: int | None = None,
    ) -> int:
        staff_id = factories.staff(self.uow, chat, role, [dep or self.dep], self.now(), name=name)
        self.people[staff_id] = chat
        if hours is not None:
            with self.uow() as uow:
                uow.reminders.set_hours(staff_id, hours, self.now())
                uow.commit()
        return staff_id

    def chat(self, staff_id: int) -> int:
        return self.people[staff_id]

    def author(self) -> int:
        """Someone who wrote the earlier evaluations (never responsible for anything)."""
        if self._author is None:
            self._author = factories.staff(
                self.uow, 999_999, Role.MEDARBEJDER, [self.dep], self.now(), name="Arkiv"
            )
        return self._author

    def resident(
        self,
        name: str,
        enrolled: date,
        *,
        team: tuple[int, ...] = (),
        birth: date = date(2012, 5, 17),
        dep: int | None = None,
    ) -> int:
        rid = factories.resident(
            self.uow, name, dep or self.dep, self.now(), birth_date=birth, enrolment_date=enrolled
        )
        with self.uow() as uow:
            for offset, staff_id in enumerate(team):
                uow.session.add(
                    ContactTeamMember(
                        resident_id=rid,
                        staff_id=staff_id,
                        added_at=self.now() + timedelta(seconds=offset),
                    )
                )
            uow.commit()
        return rid

    def goal(self, resident: int, due: date, text: str = "Går i skole hver dag") -> int:
        """An active goal last evaluated a month before `due`, next to be evaluated on `due`."""
        now = self.now()
        with self.uow() as uow:
            goal = uow.goals.add(
                Goal(
                    resident_id=resident,
                    text=text,
                    rationale="Kommunens formål",
                    goal_type="udviklingsmaal",
                    source="kommune",
                    start_date=due - timedelta(days=120),
                    end_date=due + timedelta(days=300),
                    interval_count=3,
                    interval_unit="months",
                    created_at=now,
                    updated_at=now,
                )
            )
            uow.commit()
            assert goal.id is not None
        self.evaluate(goal.id, due - timedelta(days=30), due)
        return goal.id

    def sub_goal(self, goal_id: int, due: date, text: str = "Møder til første time") -> int:
        now = self.now()
        with self.uow() as uow:
            sub = uow.goals.add_sub_goal(
                SubGoal(
                    goal_id=goal_id,
                    text=text,
                    rationale="Fremmøde",
                    method="Vækning kl. 7",
                    scoring_frequency="none",
                    start_date=due - timedelta(days=120),
                    created_at=now,
                    updated_at=now,
                )
            )
            uow.commit()
            assert sub.id is not None
        self.evaluate(goal_id, due - timedelta(days=30), due, sub_goal_id=sub.id)
        return sub.id

    def evaluate(
        self, goal_id: int, on: date, next_on: date, *, sub_goal_id: int | None = None
    ) -> None:
        """Record an evaluation, as the guided evaluation does (the item is then done)."""
        author = self.author()
        with self.uow() as uow:
            goal = uow.session.get(Goal, goal_id)
            assert goal is not None
            uow.session.add(
                Evaluation(
                    resident_id=goal.resident_id,
                    goal_id=goal_id,
                    sub_goal_id=sub_goal_id,
                    evaluated_on=on,
                    period_start=on - timedelta(days=90),
                    progress="Fremskridt",
                    effect="Virkning",
                    methods="Metoder",
                    changes="Ændringer",
                    participation="Deltagelse",
                    decision="fortsaet",
                    next_evaluation_on=next_on,
                    evidence="",
                    created_at=self.now(),
                    created_by_id=author,
                )
            )
            target: Goal | SubGoal | None = (
                goal if sub_goal_id is None else uow.session.get(SubGoal, sub_goal_id)
            )
            assert target is not None
            target.next_evaluation_on = next_on
            uow.session.add(target)
            uow.commit()

    def meeting(self, resident: int, on: date) -> int:
        """A planned status meeting (its chain of steps becomes due before it)."""
        with self.uow() as uow:
            row = StatusMeeting(
                resident_id=resident,
                meeting_on=on,
                scheduled_by_id=self.author(),
                scheduled_at=self.now(),
            )
            uow.session.add(row)
            uow.commit()
            assert row.id is not None
            return row.id

    def tick(self, meeting_id: int, step: str, by: int) -> None:
        with self.uow() as uow:
            uow.session.add(
                StatusStep(meeting_id=meeting_id, step=step, done_by_id=by, done_at=self.now())
            )
            uow.commit()

    def move_out(self, subject: str) -> None:
        """The resident of a subject ('goal:3' or 'resident:4') moves out: no more items."""
        kind, ref = subject.split(":")
        with self.uow() as uow:
            rid = uow.reminders.resident_of(kind, int(ref))
            resident = uow.session.get(Resident, rid)
            assert resident is not None
            resident.moved_out_on = self.now().astimezone(TZ).date()
            uow.session.add(resident)
            uow.commit()

    # --- reading back ---------------------------------------------------------------------------

    def inbox(self, staff_id: int) -> list[StoredMessage]:
        return inbox(self.h, self.chat(staff_id))

    def ledger(self, staff_id: int | None = None) -> list[Row]:
        return ledger(self.uow, staff_id)


def inbox(h: BotHarness, chat: int) -> list[StoredMessage]:
    """The bot's messages in a chat, oldest first."""
    return [m for m in h.api.messages(chat) if m.from_bot]


@dataclass(frozen=True)
class Row:
    """One outbox row as read back."""

    rule: str
    subject: str
    due: date
    stage: str
    recipient_id: int
    status: str
    message_id: int | None


def ledger(uow: UnitOfWorkFactory, staff_id: int | None = None) -> list[Row]:
    """The outbox rows (of one recipient), oldest first."""
    query = select(ReminderDelivery).order_by(col(ReminderDelivery.id))
    if staff_id is not None:
        query = query.where(ReminderDelivery.recipient_id == staff_id)
    with uow(read_only=True) as u:
        return [
            Row(r.rule, r.subject, r.due, r.stage, r.recipient_id, r.status, r.message_id)
            for r in u.session.exec(query)
        ]


def stages(rows: list[Row], status: str | None = None) -> list[str]:
    return [r.stage for r in rows if status is None or r.status == status]


def engine_of(h: BotHarness) -> ReminderEngine:
    assert h.app is not None
    engine = h.app.bot_data.reminders
    assert engine is not None
    return engine


def bot_of(h: BotHarness) -> Bot:
    assert h.app is not None
    bot: Bot = h.app.bot
    return bot


async def sweep(h: BotHarness) -> SweepReport:
    return await engine_of(h).sweep(bot_of(h))


@pytest.fixture
def home(harness: BotHarness, clock: FixedClock) -> Home:
    home = Home(harness, clock)
    home.dep = home.department("Afd A")
    return home


@asynccontextmanager
async def second_process(url: str, clock: FixedClock) -> AsyncIterator[BotHarness]:
    """Another bot process on the same database: its own engine, token and Bot API."""
    h = BotHarness(settings_for(url), clock)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


# --- the ledger: sweep twice ---------------------------------------------------------------------


async def test_sweeping_again_or_after_a_graceful_restart_sends_nothing(home: Home) -> None:
    day = date(2026, 11, 25)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    mia = home.resident("Mia", day, team=(anna, bo))
    goal = home.goal(mia, day)

    first = await sweep(home.h)
    second = await sweep(home.h)

    assert first.sent == 2
    assert (second.sent, second.cancelled, second.busy) == (0, 0, 0)
    assert len(home.inbox(anna)) == len(home.inbox(bo)) == 1
    rows = home.ledger()
    keys = [(r.rule, r.subject, r.due, r.stage, r.recipient_id) for r in rows]
    assert sorted(keys) == [
        ("goal_evaluation", f"goal:{goal}", day, "due", anna),
        ("goal_evaluation", f"goal:{goal}", day, "due", bo),
    ]
    assert {r.status for r in rows} == {"sent"}
    for row in rows:  # marked with the message that carried it
        assert row.message_id == home.inbox(row.recipient_id)[0].message_id

    # A graceful restart is a new process: a new token and an empty cache of known keys.
    for _ in range(2):
        token = engine_of(home.h).token
        await home.h.restart()
        assert engine_of(home.h).token != token
        assert (await sweep(home.h)).sent == 0
        home.clock.advance(DEFAULT_LEASE * 2)
        assert (await sweep(home.h)).sent == 0

    assert home.ledger() == rows
    assert len(home.h.api.calls_to("sendMessage")) == 2
    assert _claims(home) == {anna: None, bo: None}


async def test_the_report_counts_the_rows_it_recorded(home: Home) -> None:
    """On PostgreSQL too (INSERT ... RETURNING: psycopg's executemany rowcount is -1)."""
    day = date(2026, 11, 25)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    home.goal(home.resident("Mia", day, team=(anna, bo)), day)

    first = await sweep(home.h)
    await home.h.restart()  # an empty cache: the keys meet the unique constraint instead
    second = await sweep(home.h)

    assert len(home.ledger()) == 2
    assert (first.recorded, second.recorded) == (2, 0)

    # A new key next to known ones (the cache is warm again): only it counts.
    home.clock.set(at(day + timedelta(days=1)))
    third = await sweep(home.h)
    assert third.recorded == 2  # overdue0 for Anna and Bo
    assert len(home.ledger()) == 4


def _moves_back_in(home: Home, rid: int) -> None:
    with home.uow() as uow:
        resident = uow.session.get(Resident, rid)
        assert resident is not None
        resident.moved_out_on = None
        uow.session.add(resident)
        uow.commit()


async def test_a_plan_that_was_never_recorded_is_recorded_by_the_next_sweep(home: Home) -> None:
    # A sweep that planned and failed before recording, after sweeps that did record: the next
    # one meets the same facts and reuses each resident's part of that plan, but the new
    # goal's deliveries are not in the ledger yet.
    day = date(2026, 11, 25)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    mia = home.resident("Mia", day, team=(anna,))
    home.goal(mia, day)
    assert (await sweep(home.h)).recorded == 1
    added = home.goal(mia, day, text="Spiser morgenmad hver dag")
    engine_of(home.h).plan(home.now())

    report = await sweep(home.h)

    assert report.recorded == 1
    assert f"goal:{added}" in {r.subject for r in home.ledger()}
    assert [r.status for r in home.ledger()] == ["sent", "sent"]


async def test_a_resident_whose_facts_changed_gets_only_the_new_rows(home: Home) -> None:
    day = date(2026, 11, 25)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    mia = home.resident("Mia", day, team=(anna,))
    home.goal(mia, day)
    home.goal(home.resident("Noah", day, team=(anna,)), day)
    engine = engine_of(home.h)
    assert engine.record(engine.plan(home.now()), home.now()) == 2

    added = home.goal(mia, day, text="Spiser morgenmad hver dag")
    changed = engine.plan(home.now())

    # Only the new goal is offered to the ledger: Mia's old goal and Noah's are in it.
    assert [(d.subject, d.recipient_id) for d in changed.fresh] == [(f"goal:{added}", anna)]
    assert len(changed.deliveries) == 3
    assert engine.record(changed, home.now()) == 1
    again = engine.plan(home.now())
    assert again.fresh == []
    assert engine.record(again, home.now()) == 0
    assert len(home.ledger()) == 3


async def test_a_resident_back_after_an_unrecorded_plan_is_recorded(home: Home) -> None:
    # Mia's part of a plan that was never recorded must not pass for recorded once she is
    # back: the engine keeps the parts of its last plan only.
    day = date(2026, 11, 25)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    mia = home.resident("Mia", day, team=(anna,))
    goal = home.goal(mia, day)
    noah = home.goal(home.resident("Noah", day, team=(anna,)), day)
    engine_of(home.h).plan(home.now())  # Mia in it; never recorded
    home.move_out(f"goal:{goal}")
    assert (await sweep(home.h)).recorded == 1  # Noah's
    _moves_back_in(home, mia)

    back = await sweep(home.h)

    assert back.recorded == 1
    assert {r.subject for r in home.ledger()} == {f"goal:{goal}", f"goal:{noah}"}


# --- the digest ----------------------------------------------------------------------------------

_ITEM = re.compile(r"^(\d+)\. (\w+): (.+)$", re.MULTILINE)


def numbered_items(message: StoredMessage) -> dict[str, int]:
    """Map 'Resident: title' to the item's number in a digest."""
    assert message.text is not None
    return {f"{name}: {what}": int(n) for n, name, what in _ITEM.findall(message.text)}


def buttons_by_number(message: StoredMessage) -> dict[int, list[tuple[str, ReminderPress]]]:
    found: dict[int, list[tuple[str, ReminderPress]]] = {}
    for row in message.inline_keyboard or []:
        for button in row:
            label = str(button["text"])
            number = int(label.split(".", 1)[0])
            found.setdefault(number, []).append(
                (label, ReminderPress.parse(str(button["callback_data"])))
            )
    return found


async def test_one_digest_per_person_with_every_item_and_its_buttons(home: Home) -> None:
    day = date(2026, 11, 25)  # a Wednesday
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    mia = home.resident("Mia", day, team=(anna, bo))
    noah = home.resident("Noah", day, team=(anna,))
    # Turns 18 in three days: informational, a heads-up without buttons.
    ella = home.resident("Ella", day, team=(anna,), birth=date(2008, 11, 28))
    goal = home.goal(mia, day, "Mia går i skole")
    sub = home.sub_goal(goal, day, "Mia møder til tiden")
    # Report drafted 21 days before (due today), sent to the caseworker 14 days before
    # (heads-up today); the approval and the meeting are the (absent) leader's.
    meeting = home.meeting(noah, day + timedelta(days=21))

    report = await sweep(home.h)

    assert report.sent == 2
    assert [len(home.inbox(anna)), len(home.inbox(bo))] == [1, 1]
    assert len(home.h.api.calls_to("sendMessage")) == 2
    message = home.inbox(anna)[0]
    numbers = numbered_items(message)
    expected = {
        "Mia: Evaluering af målet Mia går i skole": ("evaluate", "goal_evaluation", goal, day),
        "Mia: Evaluering af delmålet Mia møder til tiden": (
            "evaluate",
            "sub_goal_evaluation",
            sub,
            day,
        ),
        "Noah: Statusrapporten skrives (statusmøde 16.12.2026)": (
            "tick",
            "report_draft",
            meeting,
            day,
        ),
        "Noah: Rapport og dagsorden sendes til rådgiver (statusmøde 16.12.2026)": (
            "tick",
            "sent_to_caseworker",
            meeting,
            day + timedelta(days=7),
        ),
        "Ella: Fylder 18: status én gang om året og voksenområdets skabelon (VUM) fra nu af": (
            "none",
            "birthday_18",
            ella,
            date(2026, 11, 28),
        ),
    }
    assert set(numbers) == set(expected), message.text
    buttons = buttons_by_number(message)
    assert len(buttons) == 4  # every item but the informational one
    first_label = {"evaluate": "Evaluer nu", "tick": "Udført"}
    for title, (action, rule, ref, due) in expected.items():
        n = numbers[title]
        if action == "none":
            assert n not in buttons, title
            continue
        labels = [label for label, _ in buttons[n]]
        assert labels == [f"{n}. {first_label[action]}", f"{n}. Udsæt 1 dag", f"{n}. Udsæt 1 uge"]
        presses = [press for _, press in buttons[n]]
        assert [p.action for p in presses] == ["a", "d", "w"]
        assert {(p.rule, p.ref, p.due) for p in presses} == {
            (RULE_CODES[rule], ref, due.toordinal())
        }, title
    # Bo is only on Mia's kontaktteam: one message with Mia's two items.
    assert set(numbered_items(home.inbox(bo)[0])) == {
        "Mia: Evaluering af målet Mia går i skole",
        "Mia: Evaluering af delmålet Mia møder til tiden",
    }


# --- stages over a controlled clock --------------------------------------------------------------


def _when_line(message: StoredMessage) -> str:
    assert message.text is not None
    return message.text.splitlines()[-1]


async def test_stages_heads_up_due_overdue_every_three_days_and_one_escalation(
    home: Home,
) -> None:
    due = date(2026, 11, 30)  # a Monday
    start = due - timedelta(days=9)
    home.clock.set(at(start))
    anna = home.staff(42, "Anna", hours=ALL_DAYS)
    lene = home.staff(43, "Lene", role=Role.AFDELINGSLEDER)
    home.goal(home.resident("Mia", start, team=(anna,)), due)

    received: dict[int, tuple[int, int]] = {}
    for offset in range(-9, 12):
        day = due + timedelta(days=offset)
        home.clock.set(at(day))
        before = (len(home.inbox(anna)), len(home.inbox(lene)))
        await sweep(home.h)
        home.clock.set(at(day, 15))
        await sweep(home.h)  # a later sweep the same day adds nothing
        after = (len(home.inbox(anna)), len(home.inbox(lene)))
        received[offset] = (after[0] - before[0], after[1] - before[1])

    new_for_anna = {offset for offset, (a, _) in received.items() if a}
    new_for_lene = {offset for offset, (_, b) in received.items() if b}
    assert new_for_anna == {-7, 0, 1, 4, 7, 10}
    assert all(a <= 1 for a, _ in received.values())
    # The escalation comes once, on day 7 (a Monday: with the weekly overview, same message).
    assert new_for_lene == {7}
    assert received[7][1] == 1
    assert stages(home.ledger(anna), "sent") == [
        "heads_up",
        "due",
        "overdue0",
        "overdue1",
        "overdue2",
        "overdue3",
    ]
    assert sorted(stages(home.ledger(lene), "sent")) == ["escalation", "weekly"]
    lines = [_when_line(m) for m in home.inbox(anna)]
    assert lines == [
        "🗓 Frist 30.11.2026 (om 7 dage)",
        "⏰ Frist i dag",
        "⚠️ Fristen var i går, 30.11.2026",
        "⚠️ Fristen var 30.11.2026 – 4 dage over",
        "⚠️ Fristen var 30.11.2026 – 7 dage over",
        "⚠️ Fristen var 30.11.2026 – 10 dage over",
    ]
    escalation = home.inbox(lene)[0].text or ""
    assert "🚨 Fristen var 30.11.2026 – 7 dage over. Ansvarlig: Anna" in escalation
    assert "Ugeoversigt, Afd A" in escalation


async def test_the_report_draft_heads_up_comes_14_days_before(home: Home) -> None:
    meeting_on = date(2027, 1, 25)
    draft_due = meeting_on - timedelta(days=21)  # 4.1.2027
    start = draft_due - timedelta(days=16)
    home.clock.set(at(start))
    anna = home.staff(42, "Anna", hours=ALL_DAYS)
    home.meeting(home.resident("Noah", start, team=(anna,)), meeting_on)

    home.clock.set(at(draft_due - timedelta(days=15)))
    await sweep(home.h)
    assert home.inbox(anna) == []
    home.clock.set(at(draft_due - timedelta(days=14)))
    await sweep(home.h)

    assert len(home.inbox(anna)) == 1
    text = home.inbox(anna)[0].text or ""
    assert "Statusrapporten skrives" in text
    assert "Frist 4.1.2027 (om 14 dage)" in text
    assert "Rapport og dagsorden" not in text  # its heads-up is 7 days before 11.1
    assert [(r.rule, r.stage) for r in home.ledger(anna)] == [("report_draft", "heads_up")]


# --- calm: hours, weekends, holidays, summer time -----------------------------------------------


async def test_quiet_hours_keep_rows_pending_until_seven(home: Home) -> None:
    due = date(2027, 3, 10)  # a Wednesday
    home.clock.set(at(due - timedelta(days=8)))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo", hours=ReminderHours(start_minute=8 * 60, end_minute=22 * 60))
    home.goal(home.resident("Mia", due - timedelta(days=8), team=(anna, bo)), due)

    home.clock.set(at(due - timedelta(days=7), 21, 30))
    late = await sweep(home.h)
    home.clock.set(at(due - timedelta(days=6), 6, 30))
    early = await sweep(home.h)
    home.clock.set(at(due - timedelta(days=6), 6, 59))
    await sweep(home.h)

    assert (late.sent, late.outside_hours) == (1, 1)  # Bo's own hours run until 22:00
    assert (early.sent, early.outside_hours) == (0, 1)
    assert (home.inbox(anna), len(home.inbox(bo))) == ([], 1)
    assert [(r.stage, r.status) for r in home.ledger(anna)] == [("heads_up", "pending")]

    home.clock.set(at(due - timedelta(days=6), 7, 0))
    seven = await sweep(home.h)

    assert (seven.sent, seven.outside_hours) == (1, 0)
    assert len(home.inbox(anna)) == 1
    assert "om 6 dage" in (home.inbox(anna)[0].text or "")
    assert [(r.stage, r.status) for r in home.ledger(anna)] == [("heads_up", "sent")]

    # The window is [07:00, 21:00): at 21:00 the due-day reminder waits for the morning,
    # 07:59 is inside Anna's hours but not Bo's.
    home.clock.set(at(due, 21, 0))
    assert (await sweep(home.h)).sent == 1
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 2)
    home.clock.set(at(due + timedelta(days=1), 7, 59))
    assert (await sweep(home.h)).sent == 1
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (2, 2)
    assert [r.status for r in home.ledger(bo)] == ["sent", "sent", "pending"]


# Who may get reminders on a day: Anna keeps the defaults, Bo takes holidays, Carl weekends,
# Dora both. Each case is a stretch of days, a new item due on each.
DAY_CASES: list[tuple[str, list[tuple[date, str]]]] = [
    ("juleaftensdag is no public holiday", [(date(2026, 12, 24), "ABCD")]),
    ("a Saturday", [(date(2027, 3, 6), "CD")]),
    ("a Sunday", [(date(2027, 3, 14), "CD")]),
    (
        "Easter",
        [
            (date(2027, 3, 25), "BD"),  # skærtorsdag
            (date(2027, 3, 26), "BD"),  # langfredag
            (date(2027, 3, 27), "CD"),  # a Saturday
            (date(2027, 3, 28), "D"),  # påskedag: a Sunday and a holiday
            (date(2027, 3, 29), "BD"),  # 2. påskedag
        ],
    ),
    ("store bededag, abolished from 2024", [(date(2027, 4, 23), "ABCD")]),
    ("Kristi himmelfartsdag", [(date(2027, 5, 6), "BD")]),
]


def _next_workday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5 or is_public_holiday(day):
        day += timedelta(days=1)
    return day


async def test_weekends_and_holidays_are_off_unless_the_person_says_so(home: Home) -> None:
    for number, (case, days) in enumerate(DAY_CASES):
        first = days[0][0]
        home.clock.set(at(first - timedelta(days=1)))
        people = {
            "A": home.staff(100 + 4 * number, f"Anna{number}"),
            "B": home.staff(101 + 4 * number, f"Bo{number}", hours=ReminderHours(holidays=True)),
            "C": home.staff(102 + 4 * number, f"Carl{number}", hours=ReminderHours(weekends=True)),
            "D": home.staff(103 + 4 * number, f"Dora{number}", hours=ALL_DAYS),
        }
        team = tuple(people.values())
        residents = [home.resident(f"Mia{number}-{day}", first, team=team) for day, _ in days]
        for resident, (day, _) in zip(residents, days, strict=True):
            home.goal(resident, day)

        for day, allowed in days:
            home.clock.set(at(day))
            before = {key: len(home.inbox(staff_id)) for key, staff_id in people.items()}
            await sweep(home.h)
            got = {
                key for key, staff_id in people.items() if len(home.inbox(staff_id)) > before[key]
            }
            assert got == set(allowed), (case, day)
            assert all(len(home.inbox(p)) <= before[k] + 1 for k, p in people.items())

        # 07:00 on the next ordinary workday: everyone gets one message with all that waited.
        home.clock.set(at(_next_workday(days[-1][0]), 7, 0))
        before = {key: len(home.inbox(staff_id)) for key, staff_id in people.items()}
        await sweep(home.h)
        for key, staff_id in people.items():
            assert len(home.inbox(staff_id)) == before[key] + 1, (case, key)
            assert {r.status for r in home.ledger(staff_id)} == {"sent"}, (case, key)
        for resident in residents:  # keep the later cases' sweeps small
            home.move_out(f"resident:{resident}")


async def test_hours_are_wall_clock_hours_on_summer_time_change_days(home: Home) -> None:
    """Both change days are Sundays (and 28.3.2027 is påskedag): Dora takes every day."""
    for number, day in enumerate([date(2027, 3, 28), date(2027, 10, 31)]):
        home.clock.set(at(day - timedelta(days=1)))
        dora = home.staff(42 + 2 * number, f"Dora{number}", hours=ALL_DAYS)
        night = home.staff(
            43 + 2 * number,
            f"Nat{number}",
            hours=ReminderHours(start_minute=0, weekends=True, holidays=True),
        )
        home.goal(home.resident(f"Mia{number}", day, team=(dora, night)), day)

        # 00:30 in Copenhagen is still the day before in UTC: the item is due today.
        home.clock.set(at(day, 0, 30))
        assert home.now().date() == day - timedelta(days=1)
        await sweep(home.h)
        assert len(home.inbox(night)) == 1
        assert "Frist i dag" in (home.inbox(night)[0].text or "")
        assert home.inbox(dora) == []
        assert [r.stage for r in home.ledger(dora)] == ["due"]

        home.clock.set(at(day, 6, 59))
        await sweep(home.h)
        assert home.inbox(dora) == []
        home.clock.set(at(day, 7, 0))
        await sweep(home.h)
        assert len(home.inbox(dora)) == 1
        assert "Frist i dag" in (home.inbox(dora)[0].text or "")
        home.clock.set(at(day, 20, 59))
        await sweep(home.h)
        assert len(home.inbox(dora)) == len(home.inbox(night)) == 1
        home.move_out(home.ledger(dora)[0].subject)


# --- snoozes and items done meanwhile ------------------------------------------------------------


def _snooze(home: Home, staff_id: int, goal_id: int, due: date, until: date) -> None:
    with home.uow() as uow:
        uow.reminders.snooze("goal_evaluation", f"goal:{goal_id}", due, staff_id, until, home.now())
        uow.commit()


async def test_a_snoozed_item_waits_for_that_person_only(home: Home) -> None:
    due = date(2027, 3, 10)
    start = due - timedelta(days=8)
    home.clock.set(at(start))
    anna = home.staff(42, "Anna", hours=ALL_DAYS)
    bo = home.staff(43, "Bo", hours=ALL_DAYS)
    goal = home.goal(home.resident("Mia", start, team=(anna, bo)), due)
    _snooze(home, anna, goal, due, until=due - timedelta(days=5))

    home.clock.set(at(due - timedelta(days=7)))
    await sweep(home.h)
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (0, 1)
    assert home.ledger(anna) == []
    home.clock.set(at(due - timedelta(days=6)))
    await sweep(home.h)
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (0, 1)

    home.clock.set(at(due - timedelta(days=5)))  # the snooze has ended
    await sweep(home.h)
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 1)
    assert "om 5 dage" in (home.inbox(anna)[0].text or "")

    # Snoozed after the due-day rows were written but before they went out: cancelled.
    home.clock.set(at(due, 6, 30))
    await sweep(home.h)
    assert [(r.stage, r.status) for r in home.ledger()][-2:] == [
        ("due", "pending"),
        ("due", "pending"),
    ]
    _snooze(home, bo, goal, due, until=due + timedelta(days=1))
    home.clock.set(at(due, 7, 0))
    report = await sweep(home.h)

    assert (report.sent, report.cancelled) == (1, 1)
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (2, 1)
    assert [(r.stage, r.status) for r in home.ledger(bo)] == [
        ("heads_up", "sent"),
        ("due", "cancelled"),
    ]


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_udsaet_1_dag_reminds_again_the_next_day(home: Home) -> None:
    due = date(2027, 3, 10)
    start = due - timedelta(days=8)
    home.clock.set(at(start))
    anna = home.staff(42, "Anna", hours=ALL_DAYS)
    home.goal(home.resident("Mia", start, team=(anna,)), due)
    home.clock.set(at(due - timedelta(days=7)))
    await sweep(home.h)
    assert len(home.inbox(anna)) == 1

    await home.h.press(home.h.user(42, "Anna"), "1. Udsæt 1 dag")
    answer = home.h.texts(home.h.user(42, "Anna"))[-1]
    assert "Udsat til 4.3.2027: jeg minder dig om det igen den dag." in answer

    home.clock.set(at(due - timedelta(days=6)))
    await sweep(home.h)
    digests = [m for m in home.inbox(anna) if "Påmindelser" in (m.text or "")]
    assert len(digests) == 2
    assert _when_line(digests[-1]) == "🗓 Frist 10.3.2027 (om 6 dage)"
    # The heads-up was sent already: it comes once more under a stage of its own.
    again = f"again{date(2027, 3, 4).toordinal()}"
    assert [(r.stage, r.status) for r in home.ledger(anna)] == [
        ("heads_up", "sent"),
        (again, "sent"),
    ]
    # Once only: not again the next days, until the next stage (the due date).
    for offset in (-5, -4, -1):
        home.clock.set(at(due + timedelta(days=offset)))
        await sweep(home.h)
    assert len(home.inbox(anna)) == len(digests) + 1  # + the answer to the press
    home.clock.set(at(due))
    await sweep(home.h)
    assert _when_line(home.inbox(anna)[-1]) == "⏰ Frist i dag"
    assert stages(home.ledger(anna)) == ["heads_up", again, "due"]


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_snooze_that_ended_over_30_days_ago_brings_nothing_back(home: Home) -> None:
    due = date(2027, 1, 10)
    today = due + timedelta(days=40)  # overdue13 since day 40
    home.clock.set(at(due - timedelta(days=8)))
    anna = home.staff(42, "Anna", hours=ALL_DAYS)
    mia = home.resident("Mia", due - timedelta(days=8), team=(anna,))
    recent = home.goal(mia, due, "Mia går i skole")
    old = home.goal(mia, due, "Mia cykler")
    _snooze(home, anna, recent, due, until=today - timedelta(days=30))
    _snooze(home, anna, old, due, until=today - timedelta(days=31))

    home.clock.set(at(today))
    await sweep(home.h)

    rows = {(r.subject, r.stage) for r in home.ledger(anna) if r.rule == "goal_evaluation"}
    assert rows == {
        (f"goal:{recent}", "overdue13"),
        (f"goal:{recent}", f"again{(today - timedelta(days=30)).toordinal()}"),
        (f"goal:{old}", "overdue13"),
    }
    assert len(home.inbox(anna)) == 1  # one digest, each item once
    text = home.inbox(anna)[0].text or ""
    assert text.count("Mia går i skole") == text.count("Mia cykler") == 1


async def test_items_done_before_delivery_are_cancelled_not_sent(home: Home) -> None:
    due = date(2027, 3, 10)
    home.clock.set(at(due, 6, 30))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    mia = home.resident("Mia", due, team=(anna, bo))
    noah = home.resident("Noah", due, team=(anna,))
    goal = home.goal(mia, due, "Mia går i skole")
    meeting = home.meeting(noah, due + timedelta(days=21))  # report draft due today
    await sweep(home.h)
    # Anna: the goal, the draft (due) and the sending to the caseworker (heads-up); Bo: the goal.
    assert [r.status for r in home.ledger()] == ["pending"] * 4

    # Someone evaluates Mia's goal before 07:00: the next evaluation is in three months.
    home.evaluate(goal, due, due + timedelta(days=91))
    home.clock.set(at(due, 7, 0))
    report = await sweep(home.h)

    assert (report.sent, report.cancelled) == (1, 2)
    assert home.inbox(bo) == []
    text = home.inbox(anna)[0].text or ""
    assert "Statusrapporten skrives" in text
    assert "Mia går i skole" not in text
    assert {(r.rule, r.status) for r in home.ledger(anna)} == {
        ("goal_evaluation", "cancelled"),
        ("report_draft", "sent"),
        ("sent_to_caseworker", "sent"),
    }
    assert [r.status for r in home.ledger(bo)] == ["cancelled"]

    # The next day the draft is overdue; it is ticked off before it goes out.
    home.clock.set(at(due + timedelta(days=1), 6, 30))
    await sweep(home.h)
    assert [(r.stage, r.status) for r in home.ledger(anna)][-1] == ("overdue0", "pending")
    home.tick(meeting, "report_draft", anna)
    home.clock.set(at(due + timedelta(days=1), 7, 0))
    later = await sweep(home.h)

    assert (later.sent, later.cancelled) == (0, 1)
    assert len(home.inbox(anna)) == 1
    assert [(r.stage, r.status) for r in home.ledger(anna)][-1] == ("overdue0", "cancelled")


# --- crashes and restarts ------------------------------------------------------------------------


def _claims(home: Home) -> dict[int, str | None]:
    with home.uow(read_only=True) as uow:
        return {p.staff_id: p.claim_token for p in uow.session.exec(select(ReminderPerson))}


def _two_people_with_an_item_due(home: Home, day: date) -> tuple[int, int]:
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    home.goal(home.resident("Mia", day, team=(anna,)), day)
    home.goal(home.resident("Noah", day, team=(bo,)), day)
    return anna, bo


async def test_a_crash_after_recording_loses_nothing(home: Home) -> None:
    anna, bo = _two_people_with_an_item_due(home, date(2027, 3, 10))
    engine = engine_of(home.h)
    engine.record(engine.plan(home.now()), home.now())
    # The process dies here: written to the outbox, nothing claimed, nothing sent.
    assert [r.status for r in home.ledger()] == ["pending", "pending"]

    await home.h.restart()
    assert engine_of(home.h).token != engine.token
    report = await sweep(home.h)

    assert report.sent == 2
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 1)
    assert {r.status for r in home.ledger()} == {"sent"}


async def test_a_fresh_claim_of_a_dead_process_is_respected_until_the_lease_ends(
    home: Home,
) -> None:
    anna, bo = _two_people_with_an_item_due(home, date(2027, 3, 10))
    dead = engine_of(home.h)
    dead.record(dead.plan(home.now()), home.now())
    with home.uow() as uow:  # the dead process had claimed Anna, then was killed
        assert uow.reminders.claim(anna, dead.token, home.now(), home.now() - DEFAULT_LEASE)
        uow.commit()

    await home.h.restart()
    report = await sweep(home.h)
    assert (report.sent, report.busy) == (1, 1)
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (0, 1)

    home.clock.advance(DEFAULT_LEASE - timedelta(seconds=1))
    assert (await sweep(home.h)).busy == 1
    assert home.inbox(anna) == []

    home.clock.advance(timedelta(seconds=2))  # the claim is stale now: taken over
    taken = await sweep(home.h)
    assert (taken.sent, taken.busy) == (1, 0)
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 1)
    assert {r.status for r in home.ledger()} == {"sent"}
    assert _claims(home) == {anna: None, bo: None}

    home.clock.advance(timedelta(hours=1))
    assert (await sweep(home.h)).sent == 0
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 1)


async def _until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


class _DiesWhileSending:
    """A Bot whose process dies inside send_message, before Telegram got the message."""

    def __init__(self) -> None:
        self.attempts = 0

    async def send_message(self, **kwargs: Any) -> Message:
        self.attempts += 1
        raise Killed


async def test_dying_while_sending_gives_the_claim_back_and_the_next_sweep_delivers(
    home: Home,
) -> None:
    home.clock.set(at(date(2027, 3, 10)))
    anna = home.staff(42, "Anna")
    home.goal(home.resident("Mia", date(2027, 3, 10), team=(anna,)), date(2027, 3, 10))
    dying = _DiesWhileSending()

    with pytest.raises(Killed):
        await engine_of(home.h).sweep(cast(Bot, dying))

    assert dying.attempts == 1
    assert [r.status for r in home.ledger()] == ["pending"]
    assert _claims(home) == {anna: None}
    await home.h.restart()
    assert (await sweep(home.h)).sent == 1
    assert len(home.inbox(anna)) == 1
    assert [r.status for r in home.ledger()] == ["sent"]


async def test_a_kill_between_sending_and_marking_duplicates_one_digest_at_most(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna, bo = _two_people_with_an_item_due(home, date(2027, 3, 10))
    engine = engine_of(home.h)
    original = engine._finish

    def die_for_anna(staff_id: int, *args: Any, **kwargs: Any) -> None:
        if staff_id == anna:
            raise Killed  # the message went out; the process dies before marking it sent
        original(staff_id, *args, **kwargs)

    monkeypatch.setattr(engine, "_finish", die_for_anna)
    with pytest.raises(Killed):
        await engine.sweep(bot_of(home.h))
    # Bo's delivery runs on (the kill of Anna's does not cancel it): wait until it is marked.
    await _until(lambda: [r.status for r in home.ledger(bo)] == ["sent"])
    assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 1)
    assert _claims(home)[anna] == engine.token  # never given back

    await home.h.restart()
    assert (await sweep(home.h)).busy == 1  # the lease still holds
    home.clock.advance(DEFAULT_LEASE + timedelta(seconds=1))
    assert (await sweep(home.h)).sent == 1
    home.clock.advance(timedelta(hours=2))
    assert (await sweep(home.h)).sent == 0

    # The one allowed duplicate: the same digest twice for Anna, once for Bo.
    texts = [m.text for m in home.inbox(anna)]
    assert len(texts) == 2
    assert texts[0] == texts[1]
    assert len(home.inbox(bo)) == 1
    assert {r.status for r in home.ledger()} == {"sent"}


# --- two processes on one database ---------------------------------------------------------------


def _deliver_together(engine: ReminderEngine, barrier: asyncio.Barrier) -> Any:
    """Wrap engine.deliver so that both processes start delivering at the same instant."""
    deliver = engine.deliver

    async def aligned(bot: Bot, plan: Any, now: datetime) -> Any:
        await barrier.wait()
        return await deliver(bot, plan, now)

    return aligned


async def test_two_processes_sweeping_at_once_deliver_each_item_once(
    home: Home, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    people = [home.staff(1000 + i, f"Person{i}") for i in range(24)]
    for i, person in enumerate(people):
        resident = home.resident(f"Beboer{i}", day, team=(person,))
        home.goal(resident, day)
        if i % 3 == 0:  # some people have two items: still one message
            home.goal(resident, day + timedelta(days=3), "Andet mål")
    items = len(people) + len(people[::3])

    async with second_process(url, home.clock) as other:
        # Both plan and record, then both see all 24 people waiting and go for the same
        # claims at once; each send takes a little while, as over the network.
        barrier = asyncio.Barrier(2)
        for h in (home.h, other):
            h.api.latency = 0.005
            monkeypatch.setattr(engine_of(h), "deliver", _deliver_together(engine_of(h), barrier))
        assert engine_of(other).token != engine_of(home.h).token
        assert engine_of(other).uow.engine is not engine_of(home.h).uow.engine
        one, two = await asyncio.gather(sweep(home.h), sweep(other))
        again = await asyncio.gather(sweep(home.h), sweep(other))

        per_chat = Counter(
            m.chat_id for h in (home.h, other) for p in people for m in inbox(h, home.chat(p))
        )
    assert per_chat == Counter({home.chat(p): 1 for p in people})
    assert one.sent + two.sent == len(people)
    assert one.busy + two.busy > 0  # they did meet on the same people
    assert sum(r.sent for r in again) == 0
    rows = home.ledger()
    assert len(rows) == items
    assert {r.status for r in rows} == {"sent"}
    assert len({(r.rule, r.subject, r.due, r.stage, r.recipient_id) for r in rows}) == items


async def test_a_row_written_after_the_plan_is_left_for_the_next_sweep(
    home: Home, url: str
) -> None:
    """A plans; B, from newer facts, writes a new row for the same person; A then delivers
    its older plan. A cannot judge B's row: it neither sends nor cancels it."""
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    mia = home.resident("Mia", day, team=(anna,))
    home.goal(mia, day, "Mia går i skole")
    a = engine_of(home.h)
    planned_at = home.now()
    plan = a.plan(planned_at)
    a.record(plan, planned_at)

    async with second_process(url, home.clock) as other:
        home.clock.advance(timedelta(seconds=1))
        newer = home.goal(mia, day, "Mia cykler")  # after A's plan was made
        b = engine_of(other)
        assert b.token != a.token
        assert b.record(b.plan(home.now()), home.now()) == 1  # the new goal's row only
    assert [r.status for r in home.ledger(anna)] == ["pending", "pending"]

    tally = await a.deliver(bot_of(home.h), plan, planned_at)

    assert (tally.sent, tally.cancelled, tally.busy) == (1, 0, 0)
    [first] = home.inbox(anna)
    assert "Mia går i skole" in (first.text or "")
    assert "Mia cykler" not in (first.text or "")
    assert [(r.subject, r.status) for r in home.ledger(anna)] == [
        (home.ledger(anna)[0].subject, "sent"),
        (f"goal:{newer}", "pending"),
    ]
    assert _claims(home) == {anna: None}

    # The next sweep plans from the newer facts and delivers it.
    home.clock.advance(timedelta(minutes=5))
    report = await sweep(home.h)

    assert (report.sent, report.cancelled) == (1, 0)
    assert len(home.inbox(anna)) == 2
    second = home.inbox(anna)[1].text or ""
    assert "Mia cykler" in second
    assert "Mia går i skole" not in second
    assert {r.status for r in home.ledger(anna)} == {"sent"}


# --- a send slower than the lease ---------------------------------------------------------------


def _claim_of(home: Home, staff_id: int) -> tuple[str | None, datetime | None]:
    with home.uow(read_only=True) as uow:
        row = uow.session.get(ReminderPerson, staff_id)
        assert row is not None
        return row.claim_token, row.claimed_at


class _SlowSend:
    """A Bot whose sendMessage hangs (a long rate-limit wait) until the test lets it go on."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.started = asyncio.Event()
        self.go_on = asyncio.Event()
        self.attempts = 0

    async def send_message(self, **kwargs: Any) -> Message:
        self.attempts += 1
        self.started.set()
        await self.go_on.wait()
        return await self.bot.send_message(**kwargs)


async def test_a_claim_is_renewed_while_a_send_outlasts_the_lease(home: Home) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    home.goal(home.resident("Mia", day, team=(anna,)), day)
    other = engine_of(home.h)
    # lease/3 = 0.1 s of real time between renewals.
    slow_engine = ReminderEngine(
        home.uow, home.clock, TZ, other.texts, lease=timedelta(seconds=0.3)
    )
    slow = _SlowSend(bot_of(home.h))

    running = asyncio.create_task(slow_engine.sweep(cast(Bot, slow)))
    try:
        await asyncio.wait_for(slow.started.wait(), 10)
        assert _claim_of(home, anna) == (slow_engine.token, home.now())
        # The send takes longer than any lease: the clock passes both engines' leases ...
        home.clock.advance(DEFAULT_LEASE + timedelta(minutes=1))
        # ... and the heartbeat keeps the claim fresh at the clock's time.
        await _until(lambda: _claim_of(home, anna) == (slow_engine.token, home.now()), 5)

        meanwhile = await other.sweep(bot_of(home.h))

        assert (meanwhile.sent, meanwhile.busy) == (0, 1)
        assert home.inbox(anna) == []
    finally:
        slow.go_on.set()
    report = await running

    assert (report.sent, slow.attempts) == (1, 1)
    assert len(home.inbox(anna)) == 1
    assert [r.status for r in home.ledger(anna)] == ["sent"]
    assert _claims(home) == {anna: None}
    # The heartbeat stopped with the send: the claim stays given back.
    await asyncio.sleep(0.25)
    assert _claim_of(home, anna) == (None, None)


async def test_the_claim_is_stamped_when_taken_not_when_the_sweep_began(home: Home) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    home.goal(home.resident("Mia", day, team=(anna,)), day)
    other = engine_of(home.h)
    late = ReminderEngine(home.uow, home.clock, TZ, other.texts)  # no renewal within the test
    began = home.now()
    plan = late.plan(began)
    late.record(plan, began)
    # A long plan (or a queue of people before Anna): the claim comes after the lease.
    home.clock.advance(DEFAULT_LEASE + timedelta(minutes=1))
    slow = _SlowSend(bot_of(home.h))

    running = asyncio.create_task(late.deliver(cast(Bot, slow), plan, began))
    try:
        await asyncio.wait_for(slow.started.wait(), 10)
        assert _claim_of(home, anna) == (late.token, home.now())

        meanwhile = await other.sweep(bot_of(home.h))

        assert (meanwhile.sent, meanwhile.busy) == (0, 1)
    finally:
        slow.go_on.set()
    tally = await running

    assert tally.sent == 1
    assert len(home.inbox(anna)) == 1
    assert [r.status for r in home.ledger(anna)] == ["sent"]
    assert _claims(home) == {anna: None}


# --- 500 people and Telegram's flood control ----------------------------------------------------


def _seed_many(home: Home, count: int, day: date) -> list[int]:
    """count people, each on the kontaktteam of one resident whose goal is due today."""
    now = home.now()
    author = home.author()
    with home.uow() as uow:
        staff = [
            Staff(
                telegram_user_id=10_000 + i,
                display_name=f"Person {i}",
                role=Role.MEDARBEJDER.value,
                created_at=now,
            )
            for i in range(count)
        ]
        residents = [
            Resident(
                display_name=f"Beboer {i}",
                birth_date=date(2012, 5, 17),
                department_id=home.dep,
                enrolment_date=day,
                created_at=now,
                updated_at=now,
            )
            for i in range(count)
        ]
        uow.session.add_all([*staff, *residents])
        uow.session.flush()
        goals = [
            Goal(
                resident_id=r.id or 0,
                text="Går i skole",
                goal_type="udviklingsmaal",
                source="kommune",
                start_date=day - timedelta(days=60),
                end_date=day + timedelta(days=300),
                interval_count=1,
                interval_unit="months",
                next_evaluation_on=day,
                created_at=now,
                updated_at=now,
            )
            for r in residents
        ]
        uow.session.add_all(goals)
        uow.session.flush()
        uow.session.add_all(
            [StaffDepartment(staff_id=s.id or 0, department_id=home.dep) for s in staff]
            + [
                ContactTeamMember(resident_id=r.id or 0, staff_id=s.id or 0, added_at=now)
                for r, s in zip(residents, staff, strict=True)
            ]
            + [
                Evaluation(
                    resident_id=g.resident_id,
                    goal_id=g.id or 0,
                    evaluated_on=day - timedelta(days=30),
                    period_start=day - timedelta(days=60),
                    progress="p",
                    effect="e",
                    methods="m",
                    changes="c",
                    participation="d",
                    decision="fortsaet",
                    next_evaluation_on=day,
                    evidence="",
                    created_at=now,
                    created_by_id=author,
                )
                for g in goals
            ]
        )
        uow.commit()
        ids = [s.id or 0 for s in staff]
    for i, staff_id in enumerate(ids):
        home.people[staff_id] = 10_000 + i
    return ids


async def test_500_people_each_get_one_message_whatever_429s_telegram_answers(
    home: Home,
) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    people = _seed_many(home, 500, day)
    api = home.h.api
    api.latency = 0.001  # each call takes a moment: several are in flight when the 429s come
    bursts: list[int] = []

    def flood(call: Any, _result: Any) -> None:
        # A third of the way into the sweep Telegram answers the next eight calls with 429.
        if call.method == "sendMessage" and not bursts and len(api.calls_to(call.method)) >= 160:
            bursts.append(1)
            api.fail_next(8, retry_after=1, methods={"sendMessage"})

    api.add_listener(flood)
    report = await sweep(home.h)

    flooded = [c for c in api.calls_to("sendMessage") if not c.ok]
    assert len(flooded) == 8
    assert (report.sent, report.failed, report.busy, report.outside_hours) == (500, 0, 0, 0)
    delivered = Counter(int(c.params["chat_id"]) for c in api.calls_to("sendMessage") if c.ok)
    assert delivered == Counter({home.chat(p): 1 for p in people})
    rows = home.ledger()
    assert len(rows) == 500
    assert {r.status for r in rows} == {"sent"}
    assert (await sweep(home.h)).sent == 0


async def test_a_network_error_leaves_the_rows_pending_for_the_next_sweep(
    url: str, clock: FixedClock
) -> None:
    """With no retries left a 429 surfaces as an error: nothing is lost, the next sweep sends."""
    h = BotHarness(settings_for(url, telegram_max_retries=0), clock)
    await h.start()
    try:
        home = Home(h, clock)
        home.dep = home.department("Afd A")
        anna, bo = _two_people_with_an_item_due(home, date(2027, 3, 10))
        h.api.fail_next(1, retry_after=1, methods={"sendMessage"})

        first = await sweep(h)
        assert (first.sent, first.failed) == (1, 0)
        assert sorted(r.status for r in home.ledger()) == ["pending", "sent"]
        assert set(_claims(home).values()) == {None}
        second = await sweep(h)
        assert second.sent == 1
        assert (len(home.inbox(anna)), len(home.inbox(bo))) == (1, 1)
        assert {r.status for r in home.ledger()} == {"sent"}
    finally:
        await h.stop()


async def test_a_blocked_chat_fails_its_rows_and_the_others_are_delivered(home: Home) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    carl = home.staff(44, "Carl")
    mia = home.resident("Mia", day, team=(anna, bo, carl))
    home.goal(mia, day)
    home.goal(mia, day + timedelta(days=2), "Andet mål")
    home.h.api.block_chat(home.chat(bo))

    report = await sweep(home.h)

    assert (report.sent, report.failed) == (2, 2)
    assert (len(home.inbox(anna)), len(home.inbox(bo)), len(home.inbox(carl))) == (1, 0, 1)
    assert [r.status for r in home.ledger(bo)] == ["failed", "failed"]
    assert {r.status for r in home.ledger(anna) + home.ledger(carl)} == {"sent"}
    assert _claims(home)[bo] is None
    attempts = len(home.h.api.calls_to("sendMessage"))
    home.clock.advance(timedelta(hours=1))
    assert (await sweep(home.h)).failed == 0  # failed rows are not tried again
    assert len(home.h.api.calls_to("sendMessage")) == attempts


class _Refuses:
    """A Bot whose sendMessage Telegram answers with an error (nothing is delivered)."""

    def __init__(self, error: TelegramError) -> None:
        self.error = error
        self.attempts = 0

    async def send_message(self, **kwargs: Any) -> Message:
        self.attempts += 1
        raise self.error


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("error", "gone"),
    [
        pytest.param(Forbidden("Forbidden: bot was blocked by the user"), True, id="blocked"),
        pytest.param(BadRequest("Chat not found"), True, id="chat-not-found"),
        pytest.param(BadRequest("Message is too long"), False, id="too-long"),
        pytest.param(
            BadRequest("Can't parse entities: unclosed tag"),
            False,
            id="bad-html",
        ),
        pytest.param(TimedOut(), False, id="timed-out"),
    ],
)
async def test_only_a_person_telegram_cannot_reach_fails_the_rows(
    home: Home, error: TelegramError, gone: bool
) -> None:
    """Blocked or no such chat: retrying fails the same way, so the rows are 'failed'. Any
    other error (a message Telegram refused, a timeout) keeps them pending: nothing is lost."""
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    home.goal(home.resident("Mia", day, team=(anna,)), day)
    refusing = _Refuses(error)

    report = await engine_of(home.h).sweep(cast(Bot, refusing))

    # HTML Telegram cannot parse is tried once more as plain text.
    assert refusing.attempts == (2 if "parse" in str(error) else 1)
    assert (report.sent, report.failed) == (0, 1 if gone else 0)
    assert [r.status for r in home.ledger(anna)] == ["failed" if gone else "pending"]
    assert _claims(home) == {anna: None}
    # The next sweep (Telegram answering again) delivers what is still pending.
    home.clock.advance(timedelta(minutes=5))
    again = await sweep(home.h)
    assert again.sent == (0 if gone else 1)
    assert len(home.inbox(anna)) == (0 if gone else 1)
    assert [r.status for r in home.ledger(anna)] == ["failed" if gone else "sent"]


class _BugFor:
    """A Bot with a bug for one chat: sendMessage raises RuntimeError there, sends elsewhere."""

    def __init__(self, bot: Bot, chat: int) -> None:
        self.bot = bot
        self.chat = chat

    async def send_message(self, **kwargs: Any) -> Message:
        if kwargs["chat_id"] == self.chat:
            raise RuntimeError("a bug in one person's delivery")
        return await self.bot.send_message(**kwargs)


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_an_unexpected_error_for_one_person_does_not_stop_the_others(
    home: Home, caplog: pytest.LogCaptureFixture
) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    bo = home.staff(43, "Bo")  # first in line: his delivery fails before the others finish
    anna = home.staff(42, "Anna")
    carl = home.staff(44, "Carl")
    dora = home.staff(45, "Dora")
    for person in (bo, anna, carl, dora):
        home.goal(home.resident(f"Beboer{person}", day, team=(person,)), day)
    home.h.api.latency = 0.1  # the others' sends are still on their way when Bo's fails
    buggy = _BugFor(bot_of(home.h), home.chat(bo))

    with (
        caplog.at_level(logging.ERROR, logger="bot.reminders.sweep"),
        pytest.raises(RuntimeError, match="a bug in one person's delivery"),
    ):
        await engine_of(home.h).sweep(cast(Bot, buggy))

    # When the sweep raises, everyone else has their digest, marked sent.
    assert [len(home.inbox(p)) for p in (bo, anna, carl, dora)] == [0, 1, 1, 1]
    for person in (anna, carl, dora):
        assert [r.status for r in home.ledger(person)] == ["sent"]
    assert [r.status for r in home.ledger(bo)] == ["pending"]
    assert _claims(home) == {bo: None, anna: None, carl: None, dora: None}
    failures = [r for r in caplog.records if r.getMessage() == "reminder delivery failed"]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert failures[0].exc_info[0] is RuntimeError

    # Bo's rows were kept: the next sweep (the bug gone) delivers them, and only them.
    home.clock.advance(timedelta(minutes=5))
    report = await sweep(home.h)
    assert (report.sent, report.busy) == (1, 0)
    assert [len(home.inbox(p)) for p in (bo, anna, carl, dora)] == [1, 1, 1, 1]
    assert {r.status for r in home.ledger()} == {"sent"}


class _RefusesHtmlOnce:
    """A Bot whose first sendMessage Telegram refuses for its HTML; later ones go through."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.calls: list[dict[str, Any]] = []

    async def send_message(self, **kwargs: Any) -> Message:
        self.calls.append(kwargs)
        if len(self.calls) == 1:
            raise BadRequest('Can\'t parse entities: unsupported start tag "x" at byte offset 9')
        return await self.bot.send_message(**kwargs)


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_digest_refused_as_html_is_sent_once_more_as_plain_text(home: Home) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    home.goal(home.resident("Mia", day, team=(anna,)), day, 'Mia & Noah <3 "sammen"')
    refusing = _RefusesHtmlOnce(bot_of(home.h))

    report = await engine_of(home.h).sweep(cast(Bot, refusing))

    assert (report.sent, report.failed) == (1, 0)
    html_call, plain_call = refusing.calls
    assert "<b>Mia</b>" in html_call["text"]
    assert "Mia &amp; Noah &lt;3" in html_call["text"]
    # Once more, as plain text: tags dropped, entities decoded, the buttons kept.
    assert plain_call["parse_mode"] is None
    assert plain_call["text"] == (
        '🔔 Påmindelser\n\n1. Mia: Evaluering af målet Mia & Noah <3 "sammen"\n⏰ Frist i dag'
    )
    assert plain_call["reply_markup"] is html_call["reply_markup"]
    [message] = home.inbox(anna)
    assert message.text == plain_call["text"]
    assert (message.parse_mode, message.entities) == (None, [])
    assert len(message.inline_keyboard or []) == 1
    [row] = home.ledger(anna)
    assert (row.status, row.message_id) == ("sent", message.message_id)
    assert _claims(home) == {anna: None}
    home.clock.advance(timedelta(minutes=5))
    assert (await sweep(home.h)).sent == 0
    assert len(home.inbox(anna)) == 1


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_digest_of_long_goals_still_reaches_the_person(home: Home) -> None:
    day = date(2027, 3, 10)
    home.clock.set(at(day))
    anna = home.staff(42, "Anna")
    mia = home.resident("Mia", day, team=(anna,))
    for n in range(3):  # goal texts may be 2,000 characters long
        home.goal(mia, day, f"Mål {n}: " + "Mia øver sig i at klare hverdagen selv. " * 40)

    report = await sweep(home.h)

    assert (report.sent, report.failed) == (1, 0)
    [message] = home.inbox(anna)
    assert [r.status for r in home.ledger(anna)] == ["sent"] * 3
    # All three goals, each shortened (to 120 characters with an ellipsis).
    titles = [line for line in (message.text or "").splitlines() if line[:1].isdigit()]
    assert len(titles) == 3
    for n, line in enumerate(titles, start=1):
        assert line.startswith(f"{n}. Mia: Evaluering af målet Mål "), line
        goal = line.split(": Evaluering af målet ", 1)[1]
        assert len(goal) <= 120
        assert goal.endswith("…")


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_leaders_monday_digest_of_a_busy_department_is_delivered(home: Home) -> None:
    monday = date(2027, 3, 1)
    home.clock.set(at(monday))
    anna = home.staff(42, "Anna")
    lene = home.staff(43, "Lene", role=Role.AFDELINGSLEDER)
    for i in range(6):  # enrolled in 2020; no DPU, kompas, ... recorded yet (as after go-live)
        home.resident(f"Beboer{i}", date(2020, 8, 1), team=(anna,))

    report = await sweep(home.h)

    assert report.failed == 0
    [message] = home.inbox(lene)
    rows = home.ledger(lene)
    assert {r.status for r in rows} == {"sent"}
    assert {"escalation", "weekly"} <= {r.stage for r in rows}
    text = message.text or ""
    assert text.startswith("🔔 Påmindelser\n\n1. Beboer")
    assert "🚨 Fristen var" in text
    # The weekly overview rides along, clipped by whole lines when it is too long.
    overview = _weekly(message)
    assert overview.startswith("📋 Ugeoversigt, Afd A: overskredne frister\nBeboer0\n")
    assert overview.endswith("\n…")
    # The items that do not fit are counted (each item once, whatever its stages), and more
    # than 8 are shown, so the buttons are said to cover the first 8.
    blocks = text.split("\n\n")
    items = [b for b in blocks if b[:1].isdigit()]
    distinct = {(r.rule, r.subject, r.due) for r in rows if r.stage != "weekly"}
    assert 8 < len(items) < len(distinct)
    assert blocks[len(items) + 1 :] == [  # after the heading and the items
        "Knapperne gælder de første 8; /paamindelser har knapper til dem alle.",
        f"… og {len(distinct) - len(items)} mere. Se dem alle med /paamindelser.",
        overview,
    ]
    assert len(message.inline_keyboard or []) == 8


# --- the weekly overview -------------------------------------------------------------------------


def _weekly(message: StoredMessage) -> str:
    text = message.text or ""
    start = text.find("📋 Ugeoversigt")
    assert start >= 0, text
    return text[start:]


async def test_the_weekly_overview_lists_overdue_items_by_resident_once_a_week(
    home: Home,
) -> None:
    monday = date(2027, 3, 8)
    start = monday - timedelta(days=12)
    home.clock.set(at(start))
    dep_b = home.department("Afd B")
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    lene = home.staff(44, "Lene", role=Role.AFDELINGSLEDER)
    lars = home.staff(45, "Lars", role=Role.AFDELINGSLEDER, dep=dep_b)
    ole = home.staff(46, "Ole", dep=dep_b)
    mia = home.resident("Mia", start, team=(anna,))
    noah = home.resident("Noah", start, team=(bo, anna))
    ella = home.resident("Ella", start, team=(anna,))
    home.goal(mia, monday - timedelta(days=3), "Mia går i skole")
    home.goal(noah, monday - timedelta(days=10), "Noah spiser morgenmad")
    home.goal(noah, monday - timedelta(days=2), "Noah rydder op")
    home.goal(ella, monday + timedelta(days=3), "Ella cykler")  # not overdue yet
    home.goal(home.resident("Bo B", start, team=(ole,), dep=dep_b), monday - timedelta(days=2))

    home.clock.set(at(monday))
    await sweep(home.h)
    await sweep(home.h)

    assert len(home.inbox(lene)) == 1
    overview = _weekly(home.inbox(lene)[0])
    assert overview.splitlines() == [
        "📋 Ugeoversigt, Afd A: overskredne frister",
        "Mia",
        "  • Evaluering af målet Mia går i skole – 3 dage over (Anna)",
        "Noah",
        "  • Evaluering af målet Noah spiser morgenmad – 10 dage over (Bo, Anna)",
        "  • Evaluering af målet Noah rydder op – 2 dage over (Bo, Anna)",
    ]
    # Lars leads Afd B: his overview has only Afd B's resident.
    assert _weekly(home.inbox(lars)[0]).splitlines()[1:] == [
        "Bo B",
        "  • Evaluering af målet Går i skole hver dag – 2 dage over (Ole)",
    ]
    weekly_rows = [r for r in home.ledger(lene) if r.rule == "weekly_digest"]
    assert [(r.due, r.status) for r in weekly_rows] == [(monday, "sent")]

    for offset in range(1, 7):  # the rest of the week: no second overview
        home.clock.set(at(monday + timedelta(days=offset)))
        await sweep(home.h)
    assert all("Ugeoversigt" not in (m.text or "") for m in home.inbox(lene)[1:])

    home.clock.set(at(monday + timedelta(days=7)))
    await sweep(home.h)
    assert "Ugeoversigt" in (home.inbox(lene)[-1].text or "")
    weekly_rows = [r for r in home.ledger(lene) if r.rule == "weekly_digest"]
    assert [(r.due, r.status) for r in weekly_rows] == [
        (monday, "sent"),
        (monday + timedelta(days=7), "sent"),
    ]

    # 29.3.2027 is 2. påskedag: Lene's overview waits for Tuesday morning, and comes once.
    holiday = date(2027, 3, 29)
    home.clock.set(at(holiday))
    received = len(home.inbox(lene))
    await sweep(home.h)
    assert len(home.inbox(lene)) == received
    home.clock.set(at(holiday + timedelta(days=1), 7, 0))
    await sweep(home.h)
    home.clock.set(at(holiday + timedelta(days=1), 12, 0))
    await sweep(home.h)

    assert len(home.inbox(lene)) == received + 1
    overview = _weekly(home.inbox(lene)[-1])
    assert "  • Evaluering af målet Mia går i skole – 25 dage over (Anna)" in overview
    weekly_rows = [r for r in home.ledger(lene) if r.rule == "weekly_digest"]
    assert [(r.due, r.status) for r in weekly_rows][-1] == (holiday, "sent")


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_weekly_overview_shows_overdue_items_nobody_is_reminded_of(
    home: Home,
) -> None:
    monday = date(2027, 3, 8)
    start = monday - timedelta(days=12)
    home.clock.set(at(start))
    anna = home.staff(42, "Anna")
    bo = home.staff(43, "Bo")
    lene = home.staff(44, "Lene", role=Role.AFDELINGSLEDER)
    home.goal(home.resident("Mia", start, team=(anna,)), monday - timedelta(days=3))
    home.goal(home.resident("Otto", start), monday - timedelta(days=2), "Otto læser")
    # Everybody on Pia's kontaktteam snoozed her goal, overdue since yesterday.
    pia_due = monday - timedelta(days=1)
    pia_goal = home.goal(home.resident("Pia", start, team=(anna, bo)), pia_due, "Pia svømmer")
    for person in (anna, bo):
        _snooze(home, person, pia_goal, pia_due, until=monday + timedelta(days=2))

    home.clock.set(at(monday))
    await sweep(home.h)

    assert len(home.inbox(lene)) == 1
    assert _weekly(home.inbox(lene)[0]).splitlines() == [
        "📋 Ugeoversigt, Afd A: overskredne frister",
        "Mia",
        "  • Evaluering af målet Går i skole hver dag – 3 dage over (Anna)",
        "Otto",
        "  • Evaluering af målet Otto læser – 2 dage over (ingen i kontaktteamet)",
        "Pia",
        "  • Evaluering af målet Pia svømmer – 1 dag over (Anna, Bo)",
    ]
    # Nobody is reminded of Otto's or Pia's goals (Anna's digest has Mia's only).
    assert [r.subject for r in home.ledger(anna)] == [home.ledger(anna)[0].subject]
    assert home.ledger(bo) == []


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_weekly_overview_says_1_dag_over(home: Home) -> None:
    monday = date(2027, 3, 8)
    home.clock.set(at(monday - timedelta(days=5)))
    anna = home.staff(42, "Anna")
    lene = home.staff(44, "Lene", role=Role.AFDELINGSLEDER)
    mia = home.resident("Mia", monday - timedelta(days=5), team=(anna,))
    home.goal(mia, monday - timedelta(days=1), "Mia går i skole")
    home.goal(mia, monday - timedelta(days=2), "Mia cykler")

    home.clock.set(at(monday))
    await sweep(home.h)

    assert _weekly(home.inbox(lene)[0]).splitlines()[1:] == [
        "Mia",
        "  • Evaluering af målet Mia cykler – 2 dage over (Anna)",
        "  • Evaluering af målet Mia går i skole – 1 dag over (Anna)",
    ]


# Plain Python (no SQL differs from one backend to the other): shown on SQLite.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "count",
    [
        pytest.param(2, id="two"),
        pytest.param(3, id="three"),
    ],
)
async def test_the_monday_digest_of_a_leader_of_several_busy_departments_is_delivered(
    home: Home, count: int
) -> None:
    monday = date(2027, 3, 1)
    home.clock.set(at(monday))
    departments = [home.dep, *(home.department(f"Afd {n}") for n in range(1, count))]
    lene = factories.staff(home.uow, 43, Role.AFDELINGSLEDER, departments, home.now(), name="Lene")
    home.people[lene] = 43
    for dep in departments:  # as after go-live: nothing recorded yet
        for i in range(6):
            home.resident(f"Beboer{dep}x{i}", date(2020, 8, 1), dep=dep)

    report = await sweep(home.h)

    assert report.failed == 0
    [message] = home.inbox(lene)
    assert (message.text or "").count("📋 Ugeoversigt") == count
    assert {r.status for r in home.ledger(lene)} == {"sent"}
