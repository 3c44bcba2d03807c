"""The buttons on a reminder digest and /paamindelser, driven through the real application.

Every digest here is sent by a real sweep (harness.app.bot_data.reminders) through the fake
Bot API, and every button is pressed by its label on that message, as a person would; forged
presses put made-up callback data on a real bot message. Residents are "settled" unless a test
says otherwise: their recurring work was done recently, so only what a test adds is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.domain.calendar import ReminderHours
from bot.fakeapi import StoredMessage
from bot.handlers.callbacks import ReminderPress
from bot.reminders.rules import MILESTONE_RULES, RULE_CODES
from bot.reminders.sweep import ReminderEngine, SweepReport
from bot.services import status as status_service
from bot.storage.models import (
    AuditEvent,
    ContactTeamMember,
    DiaryNote,
    Evaluation,
    EvaluationDraft,
    Goal,
    NoteDraft,
    ReminderDelivery,
    ReminderSnooze,
    ResidentMilestone,
    StatusMeeting,
    StatusStep,
    SubGoal,
)
from tests import factories, goal_factories
from tests.handlers.conftest import labels
from tests.tg import BotHarness

TZ = ZoneInfo("Europe/Copenhagen")
TODAY = date(2026, 11, 23)  # the clock fixture's day: Monday 23.11.2026, 10:00 in Copenhagen
ENROLLED = date(2024, 1, 8)
SETTLED = date(2026, 11, 2)  # when a settled resident's recurring work was last done
NEXT_MEETING = date(2027, 3, 1)  # a settled resident's planned status meeting


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Return a wall-clock time in Copenhagen."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def dk(day: date) -> str:
    """Return a date as the bot writes it (23.11.2026)."""
    return f"{day.day}.{day.month}.{day.year}"


@dataclass
class World:
    """Afd A: Anna and Carl (kontaktteam), Dora (in Afd A, on no team), Lene (afdelingsleder);
    Afd B: Bent (medarbejder) and Bodil (afdelingsleder). Residents are added per test."""

    bot: BotHarness
    dep_a: int = 0
    dep_b: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.bot.clock.now()

    def person(self, chat: int, name: str, role: Role, dep: int) -> None:
        first = name.split(maxsplit=1)[0]
        self.ids[first] = factories.staff(self.bot.uow, chat, role, [dep], self.now(), name=name)
        self.users[first] = {
            "id": chat,
            "is_bot": False,
            "first_name": first,
            "language_code": "da",
        }

    def user(self, name: str) -> dict[str, Any]:
        return self.users[name]

    # --- residents and their facts ------------------------------------------------------

    def resident(
        self,
        name: str,
        *,
        team: tuple[str, ...] = ("Anna", "Carl"),
        dep: int | None = None,
        enrolled: date = ENROLLED,
        birth: date = date(2012, 5, 17),
        settled: bool = True,
        meeting: date | None = NEXT_MEETING,
        last: dict[str, date | None] | None = None,
    ) -> int:
        """A resident; a settled one has every recurring deadline done on SETTLED, both
        mandatory goals (evaluated on SETTLED) and a status meeting planned far ahead, so
        nothing of theirs is due in the next 30 days unless a test adds it. `last` moves
        (or, with None, removes) the last time a recurring piece of work was done."""
        rid = factories.resident(
            self.bot.uow,
            name,
            dep or self.dep_a,
            self.now(),
            birth_date=birth,
            enrolment_date=enrolled,
        )
        with self.bot.uow() as uow:
            for offset, member in enumerate(team):
                uow.session.add(
                    ContactTeamMember(
                        resident_id=rid,
                        staff_id=self.ids[member],
                        added_at=self.now() + timedelta(seconds=offset),
                    )
                )
            uow.commit()
        if settled:
            done: dict[str, date | None] = dict.fromkeys(MILESTONE_RULES, SETTLED)
            done.update(last or {})
            self.milestones(rid, {kind: on for kind, on in done.items() if on is not None})
            for area, text in (("skole", "går i skole"), ("sociale_relationer", "har venner")):
                gid = goal_factories.goal(
                    self.bot.uow, rid, self.now(), text=f"{name} {text}", mandatory_area=area
                )
                self.evaluate(gid, SETTLED, date(2027, 2, 2))
            if meeting is not None:
                self.meeting(rid, meeting)
        return rid

    def goal(self, resident: int, due: date, text: str) -> int:
        """An active goal evaluated a month before `due`, next to be evaluated on `due`."""
        gid = goal_factories.goal(self.bot.uow, resident, self.now(), text=text)
        self.evaluate(gid, due - timedelta(days=30), due)
        return gid

    def sub_goal(self, goal_id: int, due: date, text: str) -> int:
        """An unscored sub-goal (no chart to draw), next to be evaluated on `due`."""
        sid = goal_factories.sub_goal(
            self.bot.uow, goal_id, self.now(), text=text, scoring_frequency="none"
        )
        self.evaluate(goal_id, due - timedelta(days=30), due, sub_goal_id=sid)
        return sid

    def evaluate(
        self, goal_id: int, on: date, next_on: date, *, sub_goal_id: int | None = None
    ) -> None:
        """Store a finished evaluation (by Lene) and the next date it set."""
        with self.bot.uow() as uow:
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
                    created_by_id=self.ids["Lene"],
                )
            )
            target: Goal | SubGoal | None = (
                goal if sub_goal_id is None else uow.session.get(SubGoal, sub_goal_id)
            )
            assert target is not None
            target.next_evaluation_on = next_on
            uow.session.add(target)
            uow.commit()

    def meeting(self, resident: int, on: date, *, status: str = "planned") -> int:
        """A status meeting planned (or held) by Lene."""
        with self.bot.uow() as uow:
            row = StatusMeeting(
                resident_id=resident,
                meeting_on=on,
                status=status,
                scheduled_by_id=self.ids["Lene"],
                scheduled_at=self.now(),
                closed_by_id=self.ids["Lene"] if status == "held" else None,
                closed_at=at(on, 12) if status == "held" else None,
            )
            uow.session.add(row)
            uow.commit()
            assert row.id is not None
            return row.id

    def tick(self, meeting: int, *steps: str) -> None:
        """Steps ticked off (by Lene) before the test starts."""
        with self.bot.uow() as uow:
            for step in steps:
                uow.session.add(
                    StatusStep(
                        meeting_id=meeting,
                        step=step,
                        done_by_id=self.ids["Lene"],
                        done_at=self.now(),
                    )
                )
            uow.commit()

    def milestones(self, resident: int, done: dict[str, date]) -> None:
        """Recurring work (DPU, samarbejdsaftale ...) recorded as done (by Lene)."""
        with self.bot.uow() as uow:
            for kind, on in done.items():
                uow.session.add(
                    ResidentMilestone(
                        resident_id=resident,
                        kind=kind,
                        done_on=on,
                        recorded_by_id=self.ids["Lene"],
                        recorded_at=self.now(),
                    )
                )
            uow.commit()

    # --- the chat -----------------------------------------------------------------------

    async def sweep(self, when: datetime | None = None) -> SweepReport:
        """Move the clock (if given) and run one sweep of the running application."""
        if when is not None:
            self.bot.clock.set(when)
        assert self.bot.app is not None
        engine: ReminderEngine | None = self.bot.app.bot_data.reminders
        assert engine is not None
        return await engine.sweep(self.bot.app.bot)

    def digests(self, name: str) -> list[StoredMessage]:
        """The reminder digests in a person's chat, oldest first."""
        return [
            m
            for m in self.bot.api.messages(self.users[name]["id"])
            if m.from_bot and (m.text or "").startswith("🔔 Påmindelser")
        ]

    def digest(self, name: str) -> StoredMessage:
        found = self.digests(name)
        assert found, f"{name} got no digest"
        return found[-1]

    def text(self, name: str) -> str:
        return self.bot.last(self.users[name]).text or ""

    async def press(self, name: str, label: str, message: StoredMessage | None = None) -> None:
        """Press a button by its label on a message (the person's newest digest by default)."""
        message = message or self.digest(name)
        data = dict(self.bot.api.buttons(message))[label]
        await self.bot.press_data(self.users[name], data, message.message_id)

    def alert(self) -> str:
        return self.bot.alerts()[-1]


@pytest.fixture
def world(bot: BotHarness) -> World:
    w = World(bot)
    now = bot.clock.now()
    w.dep_a = factories.department(bot.uow, "Afd A", now)
    w.dep_b = factories.department(bot.uow, "Afd B", now)
    w.person(42, "Anna A", Role.MEDARBEJDER, w.dep_a)
    w.person(44, "Carl C", Role.MEDARBEJDER, w.dep_a)
    w.person(45, "Lene L", Role.AFDELINGSLEDER, w.dep_a)
    w.person(47, "Dora D", Role.MEDARBEJDER, w.dep_a)
    w.person(43, "Bent B", Role.MEDARBEJDER, w.dep_b)
    w.person(46, "Bodil B", Role.AFDELINGSLEDER, w.dep_b)
    return w


# --- database checks ------------------------------------------------------------------------------


def ticks(bot: BotHarness) -> list[tuple[int, str, int, datetime]]:
    with Session(bot.uow.engine) as session:
        found = session.exec(select(StatusStep).order_by(col(StatusStep.done_at)))
        return [(s.meeting_id, s.step, s.done_by_id, s.done_at) for s in found]


def drafts(bot: BotHarness) -> list[tuple[int, int | None, int, str]]:
    """(goal, sub-goal, holder, step) of every evaluation draft."""
    with Session(bot.uow.engine) as session:
        found = session.exec(select(EvaluationDraft).order_by(col(EvaluationDraft.id)))
        return [(d.goal_id, d.sub_goal_id, d.holder_id, d.step) for d in found]


def evaluations_of(bot: BotHarness, goal: int) -> list[tuple[int, date, date | None]]:
    """(by, evaluated on, next) of a goal's own evaluations, oldest first."""
    with Session(bot.uow.engine) as session:
        found = session.exec(
            select(Evaluation)
            .where(Evaluation.goal_id == goal, col(Evaluation.sub_goal_id).is_(None))
            .order_by(col(Evaluation.id))
        )
        return [(e.created_by_id, e.evaluated_on, e.next_evaluation_on) for e in found]


def milestones(bot: BotHarness, kind: str) -> list[tuple[int, date, int]]:
    """(resident, done on, recorded by) of one kind of milestone, oldest first."""
    with Session(bot.uow.engine) as session:
        found = session.exec(
            select(ResidentMilestone)
            .where(ResidentMilestone.kind == kind)
            .order_by(col(ResidentMilestone.id))
        )
        return [(m.resident_id, m.done_on, m.recorded_by_id) for m in found]


def snoozes(bot: BotHarness) -> list[tuple[str, str, date, int, date]]:
    with Session(bot.uow.engine) as session:
        found = session.exec(select(ReminderSnooze))
        return [(s.rule, s.subject, s.due, s.recipient_id, s.until) for s in found]


def deliveries(bot: BotHarness, staff_id: int) -> list[tuple[str, str, date, str, str]]:
    """(rule, subject, due, stage, status) of a person's outbox rows, oldest first."""
    with Session(bot.uow.engine) as session:
        found = session.exec(
            select(ReminderDelivery)
            .where(ReminderDelivery.recipient_id == staff_id)
            .order_by(col(ReminderDelivery.id))
        )
        return [(r.rule, r.subject, r.due, r.stage, r.status) for r in found]


def meetings(bot: BotHarness, resident: int) -> list[tuple[date, str]]:
    with Session(bot.uow.engine) as session:
        found = session.exec(
            select(StatusMeeting)
            .where(StatusMeeting.resident_id == resident)
            .order_by(col(StatusMeeting.id))
        )
        return [(m.meeting_on, m.status) for m in found]


def reads(bot: BotHarness) -> list[tuple[datetime, int | None, str, int | None, str]]:
    """(at, actor, action, resident, detail) of the audit's entries on reminder lists."""
    with Session(bot.uow.engine) as session:
        found = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "reminders").order_by(col(AuditEvent.id))
        )
        return [(e.at, e.actor_id, e.action, e.resident_id, e.detail) for e in found]


def count(bot: BotHarness, model: Any) -> int:
    with Session(bot.uow.engine) as session:
        return len(session.exec(select(model)).all())


def number(message: StoredMessage, fragment: str) -> int:
    """Return the number of the digest item whose first line contains fragment."""
    for line in (message.text or "").splitlines():
        head, dot, rest = line.partition(". ")
        if dot and head.isdigit() and fragment in rest:
            return int(head)
    raise LookupError(f"no item {fragment!r} in {message.text!r}")


def data(action: str, rule: str, ref: int, due: date) -> str:
    """The callback data of a reminder button (to forge one)."""
    return ReminderPress(action, RULE_CODES[rule], ref, due.toordinal()).pack()


NOT_ALLOWED = "Det har du ikke adgang til."
ALREADY_DONE = (
    "Den frist er allerede klaret eller flyttet – der er ikke mere at gøre her. "
    "Se /paamindelser for det, der venter."
)
BAD_BUTTON = "Den knap kender jeg ikke. Start forfra med kommandoen."
OLD_BUTTON = "Den knap hører til noget, der er afsluttet. Start forfra med kommandoen."
GOAL_TEXT = "Mia taler i hele sætninger"
SUB_TEXT = "Mia bruger sit talekort"


def not_yours(name: str) -> str:
    return f"Den opgave er ikke din: den hører til {name}s kontaktteam og afdelingsleder."


def not_yours_leader(name: str) -> str:
    """The answer to a kontaktteam member pressing one of the afdelingsleder's items."""
    return f"Det er afdelingslederens opgave – den kan du ikke markere for {name}."


def moved(day: date) -> str:
    """The answer to a press on an item done or moved meanwhile whose next due date is day."""
    return f"Den frist er allerede klaret eller flyttet – næste frist er {dk(day)}."


# --- Evaluer nu -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "heading", "kind"),
    [
        pytest.param(f"målet {GOAL_TEXT}", f"🎯 Mål: {GOAL_TEXT}\nMia\n", "goal", id="goal"),
        pytest.param(f"delmålet {SUB_TEXT}", f"🎯 Delmål: {SUB_TEXT}\nMia\n", "sub", id="sub"),
    ],
)
async def test_evaluer_nu_lands_in_the_evaluation_and_the_next_text_is_the_answer(
    world: World, fragment: str, heading: str, kind: str
) -> None:
    mia = world.resident("Mia")
    goal = world.goal(mia, TODAY, GOAL_TEXT)
    sub = world.sub_goal(goal, TODAY + timedelta(days=3), SUB_TEXT)
    await world.sweep()
    digest = world.digest("Anna")
    assert digest.text == (
        "🔔 Påmindelser\n\n"
        f"1. Mia: Evaluering af målet {GOAL_TEXT}\n⏰ Frist i dag\n\n"
        f"2. Mia: Evaluering af delmålet {SUB_TEXT}\n🗓 Frist 26.11.2026 (om 3 dage)"
    )
    n = number(digest, fragment)

    await world.press("Anna", f"{n}. Evaluer nu")

    texts = world.bot.texts(world.user("Anna"))
    evidence = texts[-2]
    assert evidence.startswith(heading), evidence
    assert world.text("Anna") == (
        "1. Dato for evaluering\nTryk »I dag« eller skriv datoen (fx 20.11.2026)."
    )
    assert labels(world.bot.last(world.user("Anna"))) == ["I dag (23.11.2026)"]
    assert drafts(world.bot) == [(goal, sub if kind == "sub" else None, world.ids["Anna"], "date")]

    # The flow's state is set: typed text is the answer, never a quick note.
    await world.bot.send(world.user("Anna"), "20.11.2026")
    assert world.text("Anna") == "2. Hvordan går det med at nå målet/delmålet?"
    await world.bot.send(world.user("Anna"), "Det går fremad.")
    assert world.text("Anna") == "3. Hvilken virkning har indsatsen for barnet/den unge?"
    assert [step for *_, step in drafts(world.bot)] == ["effect"]
    assert count(world.bot, DiaryNote) == 0
    assert count(world.bot, NoteDraft) == 0


async def test_evaluer_nu_while_a_colleague_holds_the_draft_says_who(world: World) -> None:
    mia = world.resident("Mia")
    goal = world.goal(mia, TODAY, GOAL_TEXT)
    await world.sweep()
    await world.press("Carl", "1. Evaluer nu")

    await world.press("Anna", "1. Evaluer nu")

    assert world.alert() == (
        "Carl C er i gang med at evaluere dette (kladde fra 23.11.2026). Tal sammen først."
    )
    assert drafts(world.bot) == [(goal, None, world.ids["Carl"], "date")]
    # Anna is in no flow: her next text is a quick note, not an answer in Carl's draft.
    await world.bot.send(world.user("Anna"), "20.11.2026")
    assert drafts(world.bot) == [(goal, None, world.ids["Carl"], "date")]
    assert count(world.bot, NoteDraft) == 1


async def test_a_leader_evaluates_from_an_escalated_item(world: World) -> None:
    mia = world.resident("Mia")
    goal = world.goal(mia, TODAY - timedelta(days=8), GOAL_TEXT)
    await world.sweep()
    # A Monday: the weekly overview rides along in the same message.
    assert (world.digest("Lene").text or "").startswith(
        "🔔 Påmindelser\n\n"
        f"1. Mia: Evaluering af målet {GOAL_TEXT}\n"
        "🚨 Fristen var 15.11.2026 – 8 dage over. Ansvarlig: Anna A, Carl C\n\n"
        "📋 Ugeoversigt, Afd A: overskredne frister\n"
    )

    await world.press("Lene", "1. Evaluer nu")

    assert drafts(world.bot) == [(goal, None, world.ids["Lene"], "date")]
    assert world.text("Lene").startswith("1. Dato for evaluering")


# --- Udført on the status cycle's steps -----------------------------------------------------------


async def test_udfoert_ticks_a_team_step_and_the_next_sweep_no_longer_lists_it(
    world: World,
) -> None:
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=21))  # report draft due today
    meeting = _planned(world, noah)
    world.goal(noah, TODAY + timedelta(days=1), "Noah cykler selv")
    await world.sweep()
    assert (
        world.digest("Anna").text
        == world.digest("Carl").text
        == (
            "🔔 Påmindelser\n\n"
            "1. Noah: Statusrapporten skrives (statusmøde 14.12.2026)\n⏰ Frist i dag\n\n"
            "2. Noah: Evaluering af målet Noah cykler selv\n🗓 Frist i morgen, 24.11.2026\n\n"
            "3. Noah: Rapport og dagsorden sendes til rådgiver (statusmøde 14.12.2026)\n"
            "🗓 Frist 30.11.2026 (om 7 dage)"
        )
    )
    carls_digest = world.digest("Carl")

    await world.press("Anna", "1. Udført")

    assert world.text("Anna") == "✅ Statusrapport skrevet (udkast) er krydset af for Noah."
    assert ticks(world.bot) == [(meeting, "report_draft", world.ids["Anna"], at(TODAY))]

    # Carl's digest still has the button: his press is answered, nothing is ticked again.
    await world.press("Carl", "1. Udført", carls_digest)
    assert world.alert() == ALREADY_DONE
    assert ticks(world.bot) == [(meeting, "report_draft", world.ids["Anna"], at(TODAY))]

    # The next day the draft would be overdue; it is done, so only the goal comes.
    await world.sweep(at(TODAY + timedelta(days=1)))
    for name in ("Anna", "Carl"):
        assert len(world.digests(name)) == 2
        assert world.digest(name).text == (
            "🔔 Påmindelser\n\n1. Noah: Evaluering af målet Noah cykler selv\n⏰ Frist i dag"
        )
    assert [r for r in deliveries(world.bot, world.ids["Anna"]) if r[0] == "report_draft"] == [
        ("report_draft", f"status_meeting:{meeting}", TODAY, "due", "sent")
    ]


def _planned(world: World, resident: int) -> int:
    with Session(world.bot.uow.engine) as session:
        row = session.exec(
            select(StatusMeeting).where(
                StatusMeeting.resident_id == resident, StatusMeeting.status == "planned"
            )
        ).one()
        assert row.id is not None
        return row.id


async def test_a_leader_step_is_refused_to_the_team_and_ticked_by_the_leader(
    world: World,
) -> None:
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=21))
    meeting = _planned(world, noah)
    await world.sweep()
    assert world.digest("Lene").text == (
        "🔔 Påmindelser\n\n"
        "1. Noah: Statusrapporten godkendes af afdelingsleder (statusmøde 14.12.2026)\n"
        "🗓 Frist 28.11.2026 (om 5 dage)"
    )
    approve = TODAY + timedelta(days=5)

    # Anna's digest has no such button; forged onto it, every button of it is refused, and
    # the answer says it is the afdelingsleder's task (Anna is on Noah's kontaktteam).
    for action in ("a", "d", "w"):
        await world.bot.press_data(
            world.user("Anna"),
            data(action, "report_approved", meeting, approve),
            world.digest("Anna").message_id,
        )
        assert world.alert() == not_yours_leader("Noah")
    assert ticks(world.bot) == []
    assert snoozes(world.bot) == []

    await world.press("Lene", "1. Udført")

    assert world.text("Lene") == (
        "✅ Statusrapport godkendt af afdelingsleder er krydset af for Noah."
    )
    assert ticks(world.bot) == [(meeting, "report_approved", world.ids["Lene"], at(TODAY))]


@pytest.mark.parametrize("rule", ["meeting_held", "minutes_approved"])
async def test_the_leaders_steps_are_refused_to_the_team_as_the_leaders(
    world: World, rule: str
) -> None:
    noah = world.resident("Noah", meeting=None)
    if rule == "meeting_held":
        meeting = world.meeting(noah, TODAY + timedelta(days=21))
        due = TODAY + timedelta(days=21)
    else:  # held two days ago; the minutes are approved 6 days after
        meeting = world.meeting(noah, TODAY - timedelta(days=2), status="held")
        world.tick(meeting, "meeting_held", "minutes_written")
        due = TODAY + timedelta(days=4)
    await world.bot.send(world.user("Anna"), "/hjaelp")  # a bot message to forge onto
    before = meetings(world.bot, noah)

    for action in ("a", "d"):
        await world.bot.press_data(world.user("Anna"), data(action, rule, meeting, due))
        assert world.alert() == not_yours_leader("Noah")
    assert meetings(world.bot, noah) == before
    assert [tick[1] for tick in ticks(world.bot)] == (
        [] if rule == "meeting_held" else ["meeting_held", "minutes_written"]
    )
    assert snoozes(world.bot) == []


async def test_udfoert_on_meeting_held_holds_it_and_asks_for_the_next_date(
    world: World,
) -> None:
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=7))
    meeting = _planned(world, noah)
    world.tick(meeting, "report_draft", "report_approved", "sent_to_caseworker")
    await world.sweep()
    assert world.digest("Lene").text == (
        "🔔 Påmindelser\n\n"
        "1. Noah: Statusmødet 30.11.2026: markér det som holdt, og aftal næste dato\n"
        "🗓 Frist 30.11.2026 (om 7 dage)"
    )
    # A week early: the meeting cannot be held yet.
    await world.press("Lene", "1. Udført")
    assert world.alert() == (
        "Statusmødet er først 30.11.2026. Markér det holdt på dagen eller bagefter."
    )
    assert meetings(world.bot, noah)[-1] == (TODAY + timedelta(days=7), "planned")

    day = TODAY + timedelta(days=7)
    await world.sweep(at(day, 13))
    assert (world.digest("Lene").text or "").startswith(
        "🔔 Påmindelser\n\n"
        "1. Noah: Statusmødet 30.11.2026: markér det som holdt, og aftal næste dato\n"
        "⏰ Frist i dag"
    )
    await world.press("Lene", "1. Udført")

    assert world.alert() == "Mødet er markeret holdt"
    assert world.text("Lene") == (
        "✅ Statusmødet for Noah man. 30.11.2026 er holdt.\n\n"
        "Hvornår er næste statusmøde? Efter reglen senest 30.5.2027."
    )
    assert meetings(world.bot, noah)[-1] == (day, "held")
    assert ticks(world.bot)[-1] == (meeting, "meeting_held", world.ids["Lene"], at(day, 13))
    picker = labels(world.bot.last(world.user("Lene")))
    assert "⭐ fre. 28.5.2027" in picker
    assert picker[-1] == "✏️ Skriv en dato"

    await world.press("Lene", "⭐ fre. 28.5.2027", world.bot.last(world.user("Lene")))

    assert meetings(world.bot, noah)[-2:] == [(day, "held"), (date(2027, 5, 28), "planned")]
    # The minutes now follow: the team's next digest has them.
    await world.sweep(at(day, 14))
    assert world.digest("Anna").text == (
        "🔔 Påmindelser\n\n"
        "1. Noah: Referatet skrives (statusmøde 30.11.2026)\n"
        "🗓 Frist 4.12.2026 (om 4 dage)\n\n"
        "2. Noah: Referatet journaliseres og sendes til alle deltagere (statusmøde 30.11.2026)\n"
        "🗓 Frist 7.12.2026 (om 7 dage)"
    )


# --- Udført on a milestone, Planlæg, Se plan ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "last", "enrolled", "title", "moved_to"),
    [
        pytest.param(
            "dpu",
            date(2024, 11, 23),  # then every 2 years
            ENROLLED,
            "DPU (Dansk pædagogisk udviklingsbeskrivelse)",
            date(2028, 11, 23),
            id="dpu",
        ),
        pytest.param(
            "samarbejdsaftale",
            date(2025, 11, 23),  # yearly
            ENROLLED,
            "Samarbejdsaftalen med forældre/værge revideres",
            date(2027, 11, 23),
            id="samarbejdsaftale",
        ),
        pytest.param(
            "ipel_evaluation",
            date(2026, 5, 23),  # twice a year under 18
            ENROLLED,
            "Evaluering af Indflydelse på eget liv",
            date(2027, 5, 23),
            id="ipel",
        ),
        pytest.param(
            "komm_evaluation",
            date(2026, 5, 23),
            ENROLLED,
            "Evaluering af Kommunikationsforhold",
            date(2027, 5, 23),
            id="komm",
        ),
        pytest.param(
            "autonomt_kompas",
            None,  # starts 6 months after enrolment, once
            date(2026, 5, 23),
            "Arbejdet med autonomt kompas skal i gang",
            None,
            id="kompas",
        ),
    ],
)
async def test_udfoert_records_a_milestone_today_and_moves_the_next_due_date(
    world: World,
    kind: str,
    last: date | None,
    enrolled: date,
    title: str,
    moved_to: date | None,
) -> None:
    mia = world.resident("Mia", enrolled=enrolled, last={kind: last})
    before = milestones(world.bot, kind)
    await world.sweep()
    assert world.digest("Anna").text == f"🔔 Påmindelser\n\n1. Mia: {title}\n⏰ Frist i dag"
    carls_digest = world.digest("Carl")

    await world.press("Anna", "1. Udført")

    assert world.text("Anna") == f"✅ Registreret: {title} for Mia, udført 23.11.2026."
    assert milestones(world.bot, kind) == [*before, (mia, TODAY, world.ids["Anna"])]

    # Carl's button now meets an item that moved on (or, for the kompas, is gone).
    await world.press("Carl", "1. Udført", carls_digest)
    expected = ALREADY_DONE if moved_to is None else moved(moved_to)
    assert world.alert() == expected
    await world.press("Carl", "1. Udsæt 1 uge", carls_digest)
    assert world.alert() == expected
    assert milestones(world.bot, kind) == [*before, (mia, TODAY, world.ids["Anna"])]
    assert snoozes(world.bot) == []

    # Nothing is overdue the next day.
    await world.sweep(at(TODAY + timedelta(days=1)))
    assert len(world.digests("Anna")) == len(world.digests("Carl")) == 1


async def test_planlaeg_opens_the_statusmoede_date_picker(world: World) -> None:
    mia = world.resident("Mia", meeting=None)
    held = world.meeting(mia, date(2026, 5, 25), status="held")
    world.tick(held, "meeting_held", "minutes_written", "minutes_approved", "minutes_sent")
    await world.sweep()
    assert world.digests("Anna") == []
    assert world.digest("Lene").text == (
        "🔔 Påmindelser\n\n1. Mia: Næste statusmøde skal planlægges\n🗓 Frist 25.11.2026 (om 2 dage)"
    )
    assert labels(world.digest("Lene")) == ["1. Planlæg", "1. Udsæt 1 dag", "1. Udsæt 1 uge"]

    await world.press("Lene", "1. Planlæg")

    assert world.text("Lene") == (
        "📅 Statusmøde for Mia\n"
        "Seneste statusmøde: 25.5.2026\n"
        "Der er ikke planlagt et statusmøde. Næste skal holdes senest 25.11.2026.\n\n"
        "Vælg en dato (⭐ er forslaget), eller skriv en:"
    )
    picker = world.bot.last(world.user("Lene"))
    assert labels(picker)[0] == "⭐ ons. 25.11.2026"
    assert labels(picker)[-1] == "✏️ Skriv en dato"
    await world.press("Lene", "✏️ Skriv en dato", picker)
    await world.bot.send(world.user("Lene"), "15.1.2027")

    assert meetings(world.bot, mia) == [(date(2026, 5, 25), "held"), (date(2027, 1, 15), "planned")]
    assert world.text("Lene").startswith("✅ Statusmødet er planlagt: fre. 15.1.2027.")
    # Planned now: the old button is answered, and no second meeting is made.
    await world.press("Lene", "1. Planlæg", world.digest("Lene"))
    assert world.alert() == ALREADY_DONE
    assert len(meetings(world.bot, mia)) == 2


async def test_planlaeg_is_refused_to_the_team(world: World) -> None:
    mia = world.resident("Mia", meeting=None)
    held = world.meeting(mia, date(2026, 5, 25), status="held")
    world.tick(held, "meeting_held", "minutes_written", "minutes_approved", "minutes_sent")
    await world.bot.send(world.user("Anna"), "/hjaelp")  # a bot message to forge onto

    await world.bot.press_data(
        world.user("Anna"), data("a", "status_meeting", mia, date(2026, 11, 25))
    )

    assert world.alert() == not_yours_leader("Mia")
    assert len(meetings(world.bot, mia)) == 1


async def test_se_plan_on_missing_mandatory_goals_shows_the_plan(world: World) -> None:
    # Enrolled a month ago with no goals: both mandatory goals are due today.
    ella = world.resident("Ella", enrolled=date(2026, 10, 23), settled=False)
    await world.sweep()
    for name in ("Anna", "Carl", "Lene"):
        assert world.digest(name).text == (
            "🔔 Påmindelser\n\n"
            "1. Ella: Mangler obligatorisk mål: Skolegang og uddannelse, "
            "Kompetencer til sociale relationer\n⏰ Frist i dag"
        )
    assert labels(world.digest("Anna")) == ["1. Se plan", "1. Udsæt 1 dag", "1. Udsæt 1 uge"]

    await world.press("Anna", "1. Se plan")

    assert world.text("Anna") == (
        "Mål for Ella\n⚠️ Obligatorisk mål mangler: Skolegang og uddannelse, "
        "Kompetencer til sociale relationer\n\n"
        "Ingen aktive mål endnu."
    )
    del ella


# --- Udsæt 1 dag / 1 uge --------------------------------------------------------------------------


async def test_udsaet_1_dag_cancels_my_pending_rows_and_reminds_me_after_it(world: World) -> None:
    mia = world.resident("Mia")
    tomorrow = TODAY + timedelta(days=1)
    goal = world.goal(mia, tomorrow, GOAL_TEXT)
    subject = f"goal:{goal}"
    await world.sweep()  # the heads-up, to Anna and Carl
    assert world.digest("Anna").text == (
        f"🔔 Påmindelser\n\n1. Mia: Evaluering af målet {GOAL_TEXT}\n🗓 Frist i morgen, 24.11.2026"
    )
    # Before seven the next morning the due-day rows are written but not sent.
    await world.sweep(at(tomorrow, 6, 30))
    anna, carl = world.ids["Anna"], world.ids["Carl"]
    assert deliveries(world.bot, anna)[-1] == (
        "goal_evaluation",
        subject,
        tomorrow,
        "due",
        "pending",
    )

    await world.press("Anna", "1. Udsæt 1 dag")

    assert world.text("Anna") == "⏸ Udsat til 25.11.2026: jeg minder dig om det igen den dag."
    assert snoozes(world.bot) == [("goal_evaluation", subject, tomorrow, anna, date(2026, 11, 25))]
    assert deliveries(world.bot, anna) == [
        ("goal_evaluation", subject, tomorrow, "heads_up", "sent"),
        ("goal_evaluation", subject, tomorrow, "due", "cancelled"),
    ]
    assert deliveries(world.bot, carl)[-1][-1] == "pending"  # Carl's are his own

    # During the snooze the item goes to Carl, not to Anna.
    await world.sweep(at(tomorrow, 10))
    assert len(world.digests("Anna")) == 1
    assert len(world.digests("Carl")) == 2
    assert world.digest("Carl").text == (
        f"🔔 Påmindelser\n\n1. Mia: Evaluering af målet {GOAL_TEXT}\n⏰ Frist i dag"
    )
    # The day the snooze ends, it comes back to Anna.
    await world.sweep(at(tomorrow + timedelta(days=1)))
    assert len(world.digests("Anna")) == 2
    assert world.digest("Anna").text == (
        f"🔔 Påmindelser\n\n1. Mia: Evaluering af målet {GOAL_TEXT}\n"
        "⚠️ Fristen var i går, 24.11.2026"
    )


async def test_udsaet_1_uge_keeps_it_from_me_for_a_week_and_then_it_comes_back(
    world: World,
) -> None:
    mia = world.resident("Mia")
    goal = world.goal(mia, TODAY, GOAL_TEXT)
    await world.sweep()

    await world.press("Anna", "1. Udsæt 1 uge")

    assert world.text("Anna") == "⏸ Udsat til 30.11.2026: jeg minder dig om det igen den dag."
    anna = world.ids["Anna"]
    assert snoozes(world.bot) == [
        ("goal_evaluation", f"goal:{goal}", TODAY, anna, date(2026, 11, 30))
    ]
    # Carl gets the overdue reminders on days 1 and 4; Anna gets none of them.
    for offset in range(1, 7):
        await world.sweep(at(TODAY + timedelta(days=offset)))
    assert len(world.digests("Carl")) == 3
    assert len(world.digests("Anna")) == 1
    assert [stage for *_, stage, _ in deliveries(world.bot, anna)] == ["due"]

    await world.sweep(at(TODAY + timedelta(days=7)))
    assert len(world.digests("Anna")) == 2
    assert world.digest("Anna").text == (
        f"🔔 Påmindelser\n\n1. Mia: Evaluering af målet {GOAL_TEXT}\n"
        "⚠️ Fristen var 23.11.2026 – 7 dage over"
    )
    # A snooze is the presser's only: it was not escalated away from Lene either.
    assert "🚨 Fristen var 23.11.2026 – 7 dage over" in (world.digest("Lene").text or "")


async def test_a_snoozed_escalation_comes_back_to_the_leader(world: World) -> None:
    mia = world.resident("Mia")
    world.goal(mia, TODAY - timedelta(days=8), GOAL_TEXT)
    await world.sweep()
    await world.press("Lene", "1. Udsæt 1 dag")

    await world.sweep(at(TODAY + timedelta(days=1)))

    assert len(world.digests("Lene")) == 2
    stages = [stage for rule, _, _, stage, _ in deliveries(world.bot, world.ids["Lene"])]
    until = TODAY + timedelta(days=1)
    assert stages == ["escalation", "weekly", f"again{until.toordinal()}"]
    assert (world.digest("Lene").text or "").startswith(
        f"🔔 Påmindelser\n\n1. Mia: Evaluering af målet {GOAL_TEXT}\n"
    )


async def test_a_snoozed_escalation_comes_back_as_an_escalation(world: World) -> None:
    mia = world.resident("Mia")
    world.goal(mia, TODAY - timedelta(days=8), GOAL_TEXT)
    await world.sweep()
    await world.press("Lene", "1. Udsæt 1 dag")

    await world.sweep(at(TODAY + timedelta(days=1)))

    assert world.digest("Lene").text == (
        f"🔔 Påmindelser\n\n1. Mia: Evaluering af målet {GOAL_TEXT}\n"
        "🚨 Fristen var 15.11.2026 – 9 dage over. Ansvarlig: Anna A, Carl C"
    )


# --- pressed after a colleague did it -------------------------------------------------------------


async def test_evaluer_nu_after_a_colleague_evaluated_the_goal_is_answered(world: World) -> None:
    mia = world.resident("Mia")
    goal = world.goal(mia, TODAY, GOAL_TEXT)
    await world.sweep()
    carl = world.user("Carl")
    await world.press("Carl", "1. Evaluer nu")
    await world.bot.press(carl, "I dag (23.11.2026)")
    for answer in ("Godt.", "Mere ro.", "Billeder virker.", "Ingen ændringer.", "Mia var med."):
        await world.bot.send(carl, answer)
    await world.bot.press(carl, "Fortsæt")
    await world.bot.press(carl, "Brug 23.2.2027")
    await world.bot.press(carl, "💾 Gem evaluering")
    done = [(world.ids["Carl"], TODAY, date(2027, 2, 23))]
    assert evaluations_of(world.bot, goal)[1:] == done
    assert drafts(world.bot) == []

    for label in ("1. Evaluer nu", "1. Udsæt 1 dag", "1. Udsæt 1 uge"):
        await world.press("Anna", label)
        assert world.alert() == moved(date(2027, 2, 23))
    assert drafts(world.bot) == []
    assert snoozes(world.bot) == []
    assert evaluations_of(world.bot, goal)[1:] == done
    # Nor does the evaluation come back overdue the next day.
    await world.sweep(at(TODAY + timedelta(days=1)))
    assert len(world.digests("Anna")) == 1


async def test_udsaet_after_a_colleague_ticked_the_step_is_answered(world: World) -> None:
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=21))
    meeting = _planned(world, noah)
    await world.sweep()
    await world.press("Carl", "1. Udført")

    for label in ("1. Udført", "1. Udsæt 1 dag", "1. Udsæt 1 uge"):
        await world.press("Anna", label)
        assert world.alert() == ALREADY_DONE
    assert ticks(world.bot) == [(meeting, "report_draft", world.ids["Carl"], at(TODAY))]
    assert snoozes(world.bot) == []


async def test_udfoert_after_the_leader_moved_the_meeting_says_where_to(world: World) -> None:
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=21))
    await world.sweep()
    with world.bot.uow() as uow:
        lene = uow.staff.actor(45)
    assert lene is not None
    status_service.schedule_meeting(
        world.bot.uow(), world.bot.clock, TZ, lene, noah, date(2027, 1, 11)
    )

    for label in ("1. Udført", "1. Udsæt 1 dag"):
        await world.press("Anna", label)
        assert world.alert() == moved(date(2026, 12, 21))
    assert ticks(world.bot) == []
    assert snoozes(world.bot) == []
    assert meetings(world.bot, noah) == [(date(2027, 1, 11), "planned")]


async def test_a_resident_who_moved_out_has_nothing_left_to_press(world: World) -> None:
    mia = world.resident("Mia")
    world.goal(mia, TODAY, GOAL_TEXT)
    await world.sweep()
    await world.bot.send(world.user("Lene"), "/hjaelp")
    with world.bot.uow() as uow:
        resident = uow.residents.get(mia)
        assert resident is not None
        resident.moved_out_on = TODAY
        uow.session.add(resident)
        uow.commit()

    for label in ("1. Evaluer nu", "1. Udsæt 1 dag"):
        await world.press("Anna", label)
        assert world.alert() == ALREADY_DONE
    assert drafts(world.bot) == []
    assert snoozes(world.bot) == []


# --- forged and malformed presses -----------------------------------------------------------------


@dataclass(frozen=True)
class Forgery:
    """Mia (Afd A: Anna and Carl's) and Bo (Afd B: Bent's) each have a goal due today."""

    mia: int
    mia_goal: int
    bo: int
    bo_goal: int


@pytest.fixture
def forgery(world: World) -> Forgery:
    mia = world.resident("Mia")
    bo = world.resident("Bo", team=("Bent",), dep=world.dep_b)
    return Forgery(
        mia=mia,
        mia_goal=world.goal(mia, TODAY, GOAL_TEXT),
        bo=bo,
        bo_goal=world.goal(bo, TODAY, "Bo spiser med de andre"),
    )


def nothing_changed(world: World) -> None:
    assert drafts(world.bot) == []
    assert snoozes(world.bot) == []
    assert ticks(world.bot) == []
    assert count(world.bot, StatusMeeting) == 2  # Mia's and Bo's planned meetings


@pytest.mark.parametrize("action", ["a", "d", "w"])
async def test_forged_presses_are_refused_and_change_nothing(
    world: World, forgery: Forgery, action: str
) -> None:
    await world.sweep()
    anna, dora = world.user("Anna"), world.user("Dora")
    await world.bot.send(dora, "/hjaelp")  # Dora has no digest: a bot message to forge onto
    due = TODAY.toordinal()
    cases: list[tuple[dict[str, Any], str, str]] = [
        # An unknown rule code, and an id that does not exist.
        (anna, f"r:{action}:zz:{forgery.mia_goal}:{due}", NOT_ALLOWED),
        (anna, f"r:{action}:ge:999999:{due}", NOT_ALLOWED),
        # A goal of a resident in another department.
        (anna, data(action, "goal_evaluation", forgery.bo_goal, TODAY), NOT_ALLOWED),
        # A resident Dora may see (Afd A), but whose kontaktteam she is not on.
        (dora, data(action, "goal_evaluation", forgery.mia_goal, TODAY), not_yours("Mia")),
        (dora, data(action, "dpu", forgery.mia, date(2028, 11, 2)), not_yours("Mia")),
        # A step of a meeting in another department.
        (
            anna,
            data(action, "report_draft", _planned(world, forgery.bo), NEXT_MEETING),
            NOT_ALLOWED,
        ),
        # An id of another kind of thing (Mia's goal id as a meeting: there is no such one).
        (anna, data(action, "report_draft", forgery.mia_goal, TODAY), NOT_ALLOWED),
    ]
    for user, forged, answer in cases:
        await world.bot.press_data(user, forged)
        assert world.alert() == answer, forged
    nothing_changed(world)
    assert milestones(world.bot, "dpu") == [
        (forgery.mia, SETTLED, world.ids["Lene"]),
        (forgery.bo, SETTLED, world.ids["Lene"]),
    ]


@pytest.mark.parametrize(
    ("forged", "answer"),
    [
        pytest.param("r:a:ge:1", BAD_BUTTON, id="too-few-fields"),
        pytest.param("r:a:ge:1:2:3", BAD_BUTTON, id="too-many-fields"),
        pytest.param("r:a:ge:x:739943", BAD_BUTTON, id="ref-not-a-number"),
        pytest.param("r:d:ge:01:739943", BAD_BUTTON, id="leading-zero"),
        pytest.param("r:w:GE:1:739943", BAD_BUTTON, id="upper-case-code"),
        pytest.param("r:x:ge:1:739943", OLD_BUTTON, id="unknown-action"),
        pytest.param("r:a:ge:1:0", BAD_BUTTON, id="day-zero"),
        pytest.param("r:d:ge:1:-5", BAD_BUTTON, id="negative-day"),
    ],
)
async def test_malformed_presses_get_the_standard_answer(
    world: World, forgery: Forgery, forged: str, answer: str
) -> None:
    await world.sweep()
    await world.press("Anna", "1. Udsæt 1 dag")  # a message of its own to press on
    before = snoozes(world.bot)

    await world.bot.press_data(world.user("Anna"), forged.replace(":1:", f":{forgery.mia_goal}:"))

    assert world.alert() == answer
    assert snoozes(world.bot) == before
    assert drafts(world.bot) == []


@pytest.mark.parametrize("action", ["a", "d"])  # "w" takes the same path as "d"
# 3652060 is the day after 31.12.9999 (date.max), the last day a button can name.
@pytest.mark.parametrize("due", [3652060, 99999999999999])
async def test_a_due_day_beyond_the_calendar_is_a_bad_button(
    world: World, forgery: Forgery, action: str, due: int
) -> None:
    await world.sweep()
    await world.bot.press_data(world.user("Anna"), f"r:{action}:ge:{forgery.mia_goal}:{due}")
    assert world.alert() == BAD_BUTTON
    nothing_changed(world)


@pytest.mark.parametrize("action", ["a", "d"])
@pytest.mark.parametrize("due", [date.min, date.max], ids=["1.1.1", "31.12.9999"])
async def test_the_first_and_last_day_of_the_calendar_are_days(
    world: World, forgery: Forgery, action: str, due: date
) -> None:
    """The bounds of the bad-button check: these are real days, just not the item's."""
    await world.sweep()
    await world.bot.press_data(
        world.user("Anna"), data(action, "goal_evaluation", forgery.mia_goal, due)
    )
    assert world.alert() == moved(TODAY)
    nothing_changed(world)


# --- /paamindelser --------------------------------------------------------------------------------


async def test_paamindelser_lists_overdue_and_the_next_30_days_with_buttons(world: World) -> None:
    mia = world.resident("Mia")
    goal = world.goal(mia, TODAY - timedelta(days=7), GOAL_TEXT)
    world.sub_goal(goal, TODAY + timedelta(days=10), SUB_TEXT)
    world.goal(mia, TODAY + timedelta(days=31), "Mia går til svømning")  # beyond 30 days
    world.resident("Noah", meeting=TODAY + timedelta(days=40))  # report draft in 19 days
    # Olivia's kontaktteam is Carl's alone, and Bo lives in Afd B.
    world.goal(world.resident("Olivia", team=("Carl",)), TODAY, "Olivia læser")
    bo = world.resident("Bo", team=("Bent",), dep=world.dep_b)
    world.goal(bo, TODAY, "Bo spiser med de andre")

    await world.bot.send(world.user("Anna"), "/paamindelser")

    mine = world.bot.last(world.user("Anna"))
    assert mine.text == (
        "🔔 Dine frister (overskredne og de næste 30 dage)\n\n"
        f"1. Mia: Evaluering af målet {GOAL_TEXT}\n⚠️ Fristen var 16.11.2026 – 7 dage over\n\n"
        f"2. Mia: Evaluering af delmålet {SUB_TEXT}\n🗓 Frist 3.12.2026 (om 10 dage)\n\n"
        "3. Noah: Statusrapporten skrives (statusmøde 2.1.2027)\n"
        "🗓 Frist 12.12.2026 (om 19 dage)\n\n"
        "4. Noah: Rapport og dagsorden sendes til rådgiver (statusmøde 2.1.2027)\n"
        "🗓 Frist 19.12.2026 (om 26 dage)"
    )
    assert labels(mine) == [
        "1. Evaluer nu",
        "1. Udsæt 1 dag",
        "1. Udsæt 1 uge",
        "2. Evaluer nu",
        "2. Udsæt 1 dag",
        "2. Udsæt 1 uge",
        "3. Udført",
        "3. Udsæt 1 dag",
        "3. Udsæt 1 uge",
        "4. Udført",
        "4. Udsæt 1 dag",
        "4. Udsæt 1 uge",
    ]
    # Its buttons are the digest's buttons.
    await world.press("Anna", "3. Udført", mine)
    assert world.text("Anna") == "✅ Statusrapport skrevet (udkast) er krydset af for Noah."
    await world.bot.send(world.user("Anna"), "/paamindelser")
    assert "Statusrapporten skrives" not in (world.text("Anna"))


async def test_paamindelser_logs_one_read_per_resident_it_lists(world: World) -> None:
    mia = world.resident("Mia")
    world.goal(mia, TODAY - timedelta(days=7), GOAL_TEXT)
    world.goal(mia, TODAY + timedelta(days=10), "Mia går til svømning")  # two of Mia's: one read
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=40))  # report draft in 19 days
    world.resident("Ella")  # settled: nothing of hers is listed
    world.goal(world.resident("Olivia", team=("Carl",)), TODAY, "Olivia læser")  # Carl's only
    anna = world.ids["Anna"]

    await world.bot.send(world.user("Anna"), "/paamindelser")

    assert "Olivia" not in world.text("Anna")
    assert reads(world.bot) == [
        (at(TODAY), anna, "read", mia, "/paamindelser"),
        (at(TODAY), anna, "read", noah, "/paamindelser"),
    ]
    # Each time the list is shown.
    world.bot.clock.advance(timedelta(minutes=1))
    await world.bot.send(world.user("Anna"), "/paamindelser")
    assert reads(world.bot)[2:] == [
        (at(TODAY, 10, 1), anna, "read", mia, "/paamindelser"),
        (at(TODAY, 10, 1), anna, "read", noah, "/paamindelser"),
    ]


async def test_paamindelser_listing_nothing_logs_no_read(world: World) -> None:
    world.goal(world.resident("Mia"), TODAY, GOAL_TEXT)  # Anna's and Carl's, not Dora's

    await world.bot.send(world.user("Dora"), "/paamindelser")

    assert world.text("Dora") == "🔔 Du har ingen frister de næste 30 dage og intet overskredet. 👍"
    assert reads(world.bot) == []


async def test_paamindelser_with_nothing_due(world: World) -> None:
    world.resident("Mia")  # settled: nothing due for Anna in the next 30 days

    for name in ("Anna", "Dora"):
        await world.bot.send(world.user(name), "/paamindelser")
        assert world.text(name) == (
            "🔔 Du har ingen frister de næste 30 dage og intet overskredet. 👍"
        )
        assert world.bot.last(world.user(name)).inline_keyboard is None


async def test_a_leader_sees_the_departments_escalated_items(world: World) -> None:
    mia = world.resident("Mia", meeting=TODAY + timedelta(days=31))  # held: beyond 30 days
    world.goal(mia, TODAY - timedelta(days=7), GOAL_TEXT)  # escalated: 7 days over
    world.goal(mia, TODAY - timedelta(days=6), "Mia går til svømning")  # not yet
    bo = world.resident("Bo", team=("Bent",), dep=world.dep_b)
    world.goal(bo, TODAY - timedelta(days=20), "Bo spiser med de andre")

    await world.bot.send(world.user("Lene"), "/paamindelser")

    mine = world.bot.last(world.user("Lene"))
    assert mine.text == (
        "🔔 Dine frister (overskredne og de næste 30 dage)\n\n"
        f"1. Mia: Evaluering af målet {GOAL_TEXT}\n"
        "🚨 Fristen var 16.11.2026 – 7 dage over. Ansvarlig: Anna A, Carl C\n\n"
        "2. Mia: Statusrapporten godkendes af afdelingsleder (statusmøde 24.12.2026)\n"
        "🗓 Frist 8.12.2026 (om 15 dage)"
    )
    assert labels(mine)[::3] == ["1. Evaluer nu", "2. Udført"]
    await world.bot.send(world.user("Bodil"), "/paamindelser")
    assert "Bo: Evaluering af målet Bo spiser med de andre" in world.text("Bodil")
    assert "Mia" not in world.text("Bodil")


async def test_paamindelser_has_buttons_for_the_items_a_long_digest_has_none_for(
    world: World,
) -> None:
    mia = world.resident("Mia")
    for n in range(10):
        world.goal(mia, TODAY, f"Mål nummer {n}")
    await world.sweep()
    digest = world.digest("Anna")
    assert (digest.text or "").endswith(
        "Knapperne gælder de første 8; /paamindelser har knapper til dem alle."
    )
    assert len(labels(digest)) == 8 * 3

    await world.bot.send(world.user("Anna"), "/paamindelser")

    mine = world.bot.last(world.user("Anna"))
    assert labels(mine)[::3] == [f"{n}. Evaluer nu" for n in range(1, 11)]
    assert len(labels(mine)) == 10 * 3
    assert "Knapperne" not in (mine.text or "")
    assert "mere" not in (mine.text or "")
    # The tenth item's button works like any other.
    await world.press("Anna", "10. Udsæt 1 dag", mine)
    assert world.text("Anna") == "⏸ Udsat til 24.11.2026: jeg minder dig om det igen den dag."
    assert len(snoozes(world.bot)) == 1


async def test_paamindelser_lists_25_with_buttons_and_says_how_many_more(world: World) -> None:
    mia = world.resident("Mia")
    for n in range(27):  # short titles: the 25 fit Telegram's limit with room to spare
        world.goal(mia, TODAY + timedelta(days=n), f"Mål {n:02}")

    await world.bot.send(world.user("Anna"), "/paamindelser")

    mine = world.bot.last(world.user("Anna"))
    blocks = (mine.text or "").split("\n\n")
    assert blocks[-1] == "… og 2 mere: de vises her, når nogle af de første er klaret."
    assert blocks[-2] == ("25. Mia: Evaluering af målet Mål 24\n🗓 Frist 17.12.2026 (om 24 dage)")
    assert sum(1 for b in blocks if b[:1].isdigit()) == 25
    assert labels(mine)[::3] == [f"{n}. Evaluer nu" for n in range(1, 26)]
    assert len(labels(mine)) == 25 * 3  # under Telegram's 100 buttons


async def test_paamindelser_with_long_goals_still_answers(world: World) -> None:
    mia = world.resident("Mia")
    long_goals = [
        f"Mål {n}: " + "Mia øver sig i at klare hverdagen selv. " * 40 for n in range(3)
    ]  # goal texts may be 2,000 characters long
    for text in long_goals:
        world.goal(mia, TODAY, text)

    await world.bot.send(world.user("Anna"), "/paamindelser")

    mine = world.bot.last(world.user("Anna"))
    text = mine.text or ""
    assert text.startswith("🔔 Dine frister")
    # Each goal is there, shortened to 120 characters with an ellipsis, with its buttons.
    titles = [
        line.split(": Evaluering af målet ", 1)[1]
        for line in text.splitlines()
        if ": Evaluering af målet " in line
    ]
    assert len(titles) == 3
    for shown, full in zip(sorted(titles), sorted(long_goals), strict=True):
        assert len(shown) <= 120
        assert shown.endswith("…")
        assert full.startswith(shown[:-1].rstrip())
    assert labels(mine)[::3] == ["1. Evaluer nu", "2. Evaluer nu", "3. Evaluer nu"]


# --- the 18th birthday ----------------------------------------------------------------------------


async def test_the_18th_birthday_is_listed_without_buttons(world: World) -> None:
    ella = world.resident("Ella", birth=date(2008, 11, 28))  # 18 on Saturday
    world.goal(ella, TODAY, "Ella laver mad")
    await world.sweep()

    digest = world.digest("Anna")
    assert digest.text == (
        "🔔 Påmindelser\n\n"
        "1. Ella: Evaluering af målet Ella laver mad\n⏰ Frist i dag\n\n"
        "2. Ella: Fylder 18: status én gang om året og voksenområdets skabelon (VUM) fra nu af\n"
        "🗓 Frist 28.11.2026 (om 5 dage)"
    )
    assert labels(digest) == ["1. Evaluer nu", "1. Udsæt 1 dag", "1. Udsæt 1 uge"]
    # A forged action on it does nothing but say so.
    await world.bot.press_data(
        world.user("Anna"), data("a", "birthday_18", ella, date(2026, 11, 28))
    )
    assert world.text("Anna") == "Til orientering – der er ikke noget at trykke på."
    await world.bot.send(world.user("Anna"), "/paamindelser")
    assert "Fylder 18" in world.text("Anna")
    assert labels(world.bot.last(world.user("Anna"))) == [
        "1. Evaluer nu",
        "1. Udsæt 1 dag",
        "1. Udsæt 1 uge",
    ]


async def test_an_18th_birthday_on_a_saturday_reaches_a_weekday_person_on_monday(
    world: World,
) -> None:
    ella = world.resident("Ella", birth=date(2008, 11, 28))  # 18 on Saturday 28.11.2026
    with world.bot.uow() as uow:  # Carl takes reminders at weekends; Anna keeps the defaults
        uow.reminders.set_hours(world.ids["Carl"], ReminderHours(weekends=True), world.now())
        uow.commit()
    anna = world.ids["Anna"]
    birthday = date(2026, 11, 28)
    monday = birthday + timedelta(days=2)
    key = ("birthday_18", f"resident:{ella}", birthday)
    await world.sweep()  # Monday 23.11: the heads-up
    assert (len(world.digests("Anna")), len(world.digests("Carl"))) == (1, 1)

    await world.sweep(at(birthday))
    await world.sweep(at(birthday + timedelta(days=1), 12))  # Sunday

    assert (len(world.digests("Anna")), len(world.digests("Carl"))) == (1, 2)
    assert "Fylder 18" in (world.digest("Carl").text or "")
    assert deliveries(world.bot, anna) == [(*key, "heads_up", "sent"), (*key, "due", "pending")]

    await world.sweep(at(monday, 6, 59))
    assert len(world.digests("Anna")) == 1
    await world.sweep(at(monday, 7, 0))

    assert len(world.digests("Anna")) == 2
    assert (world.digest("Anna").text or "").startswith(
        "🔔 Påmindelser\n\n"
        "1. Ella: Fylder 18: status én gang om året og voksenområdets skabelon (VUM) fra nu af\n"
    )
    assert deliveries(world.bot, anna) == [(*key, "heads_up", "sent"), (*key, "due", "sent")]
    # Once: not again that day, nor the rest of the week it stays at `due`, nor after.
    for day in range(2, 10):
        await world.sweep(at(birthday + timedelta(days=day), 15))
    assert len(world.digests("Anna")) == 2
    assert len(world.digests("Carl")) == 2
    assert deliveries(world.bot, anna) == [(*key, "heads_up", "sent"), (*key, "due", "sent")]


async def test_the_next_status_meeting_is_announced_42_days_ahead(world: World) -> None:
    mia = world.resident("Mia", meeting=None)
    held = world.meeting(mia, date(2026, 7, 5), status="held")  # the next by 5.1.2027
    world.tick(held, "meeting_held", "minutes_written", "minutes_approved", "minutes_sent")
    due = date(2027, 1, 5)
    assert (due - TODAY).days == 43

    await world.sweep()
    assert world.digests("Lene") == []
    await world.sweep(at(due - timedelta(days=42)))

    assert world.digest("Lene").text == (
        "🔔 Påmindelser\n\n1. Mia: Næste statusmøde skal planlægges\n🗓 Frist 5.1.2027 (om 42 dage)"
    )
    assert labels(world.digest("Lene")) == ["1. Planlæg", "1. Udsæt 1 dag", "1. Udsæt 1 uge"]
    assert deliveries(world.bot, world.ids["Lene"]) == [
        ("status_meeting", f"resident:{mia}", due, "heads_up", "sent")
    ]
    assert world.digests("Anna") == world.digests("Carl") == []  # the leader's task


@pytest.mark.parametrize(
    "card",
    [
        pytest.param("status", id="status-card"),
        pytest.param("digest", id="digest"),
    ],
)
async def test_udfoert_in_the_middle_of_an_evaluation_keeps_the_evaluation(
    world: World, card: str
) -> None:
    noah = world.resident("Noah", meeting=TODAY + timedelta(days=21))
    goal = world.goal(noah, TODAY, "Noah cykler selv")
    await world.sweep()
    digest = world.digest("Anna")
    await world.bot.send(world.user("Anna"), "/status noah")
    status_card = world.bot.last(world.user("Anna"))
    await world.press("Anna", "1. Evaluer nu", digest)

    if card == "digest":
        await world.press("Anna", f"{number(digest, 'Statusrapporten skrives')}. Udført", digest)
    else:
        await world.press("Anna", "✅ Udført: Rapport skrevet", status_card)
    assert [tick[1] for tick in ticks(world.bot)] == ["report_draft"]
    await world.bot.send(world.user("Anna"), "20.11.2026")

    assert drafts(world.bot) == [(goal, None, world.ids["Anna"], "progress")]
    assert world.text("Anna") == "2. Hvordan går det med at nå målet/delmålet?"
    assert count(world.bot, NoteDraft) == 0


SHOWN = {
    "done": (
        "✅ Registreret: DPU (Dansk pædagogisk udviklingsbeskrivelse) for Mia, udført 23.11.2026."
    ),
    "plan": "Mål for Mia\n⚠️ Obligatorisk mål mangler",
    "schedule": "📅 Statusmøde for Mia\n",
}


@pytest.mark.parametrize("action", ["done", "plan", "schedule"])
async def test_the_other_digest_buttons_in_the_middle_of_an_evaluation_keep_it(
    world: World, action: str
) -> None:
    """Only `Evaluer nu` enters a flow: Udført on a milestone, Se plan and Planlæg do not end
    the evaluation going on, so the next text is still its answer."""
    who = "Lene" if action == "schedule" else "Anna"
    if action == "done":
        mia = world.resident("Mia", last={"dpu": date(2024, 11, 23)})  # DPU due today
        item, label = "DPU", "Udført"
    elif action == "plan":
        mia = world.resident("Mia", enrolled=date(2026, 10, 23), settled=False)
        item, label = "Mangler obligatorisk mål", "Se plan"
    else:  # the next status meeting is the leader's to plan; the goal is escalated to her
        mia = world.resident("Mia", meeting=None)
        held = world.meeting(mia, date(2026, 5, 25), status="held")
        world.tick(held, "meeting_held", "minutes_written", "minutes_approved", "minutes_sent")
        item, label = "Næste statusmøde", "Planlæg"
    goal = world.goal(mia, TODAY - timedelta(days=8), GOAL_TEXT)
    await world.sweep()
    digest = world.digest(who)
    await world.press(who, f"{number(digest, GOAL_TEXT)}. Evaluer nu", digest)
    assert drafts(world.bot) == [(goal, None, world.ids[who], "date")]

    await world.press(who, f"{number(digest, item)}. {label}", digest)
    shown = world.text(who)
    await world.bot.send(world.user(who), "20.11.2026")

    assert shown.startswith(SHOWN[action]), shown  # the button did its own thing first
    assert drafts(world.bot) == [(goal, None, world.ids[who], "progress")]
    assert world.text(who) == "2. Hvordan går det med at nå målet/delmålet?"
    assert count(world.bot, NoteDraft) == 0
    if action == "done":
        assert milestones(world.bot, "dpu")[-1] == (mia, TODAY, world.ids["Anna"])
    if action == "schedule":
        assert meetings(world.bot, mia) == [(date(2026, 5, 25), "held")]
