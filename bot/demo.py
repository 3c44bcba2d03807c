"""The offline demo: a terminal chat with the real application on the in-process fake Bot API.

Nothing leaves the machine: there is no token and no network. The demo facility is kept in
``data/demo.db`` (relative to the working directory, next to but apart from the real bot's
``data/dagbogsbot.db``) so that it survives a restart, as the real bot's database does: an
evaluation draft left half-done is still there the next time ``make run`` starts the demo.

- The first run creates the file and seeds it: the department, three residents, a colleague
  (Sara), an invite the demo user (``Dig``, an afdelingsleder) opens, and then Mia's plan with
  three months of sub-goal notes and indicator scores by Dig and Sara (bot.sample_plan), with
  both on Mia's kontaktteam.
- The seeding leaves a tidy facility, so that a normal day brings no reminder (issue 4):
  every resident has the two mandatory goals (Oliver and Ella a small plan of just those),
  every goal and sub-goal a past evaluation that sets its next date, recent milestones (DPU,
  autonomt kompas, samarbejdsaftale, the IPEL and Kommunikationsforhold evaluations) and a
  planned status meeting; Dig's reminder hours are "always", so the demo works at any hour.
  REMINDER_DAYS after the seeding day Mia's daily sub-goal is due for evaluation and her
  status report (due 21 days before her meeting) gets its 14-day heads-up: nothing else.
- Later runs reuse it: Dig is already registered, so there is no invite, only a greeting.
- ``python -m bot demo --fresh`` deletes the file (and the saved attachments) and seeds anew.

Two people (issue 5): the person at the keyboard is Dig, and a line ``/som vikar`` (or
``/som peter``) makes them Peter, a new Telegram user (DEMO_SUBSTITUTE_ID) the seed does not
register: he joins with ``/start CODE`` from a substitute invite Dig makes (/inviter → Vikar),
as a real substitute would. ``/som leder`` (or ``/som dig``) switches back. ``/som`` is the
demo's, never sent to the bot (which has no such command), and who is at the keyboard is the
terminal's state only: nothing about it is stored. The transcript shows the chat of whoever
is at the keyboard, and the numbers press the buttons there (at a terminal the prompt names
Peter while he is at it); what the bot sends to the other person meanwhile is announced in
one line and printed when they are back. Switching to Peter tells his role and last day of
access, and (once a run) the ``--today`` after it, when the bot answers him only that his
access has ended; alerts (a locked brief) are printed as ``[!] text``.

Reminders: the demo runs the reminder sweep (bot.reminders.sweep) at start-up, and again
after a line typed at least a minute after the last sweep (the demo reads the terminal while
the event loop is idle, so the job queue cannot run); a digest for Dig is printed like any
bot message, its buttons numbered. The sweep's ledger lives in the demo database, so a
restart never sends a digest twice. When nothing is due the demo prints the ``--today`` that
shows Mia's two items (her planned meeting minus 35 days); when today's digest went out on an
earlier start, it says so. A demo database seeded before reminders existed (no milestone and
no status meeting for Mia) is not tidy and would flood Dig with overdue items: the demo sweeps
none there and suggests --fresh.

Telegram keeps numbering a chat's messages across bot restarts, while a new fake Bot API
would start again at 1 and the database remembers note drafts by (chat id, message id). A
later run therefore numbers its messages from above the highest message id the database has
seen, so an old draft is never taken for a new message.

Photos and documents the bot sends (the score chart, the evaluation's .docx) are printed as a
line naming the file, and the file is written to ``data/demo-files/`` (never overwriting an
earlier one: a number is added to the name) with its path printed, so it can be opened.

Tests pass ``folder=`` to run_demo to keep the whole facility in a directory of their own.
"""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TextIO, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select
from telegram import Update

from bot.app import BotApplication, build_application
from bot.clock import Clock, OffsetClock, SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.domain.access import Role
from bot.domain.calendar import ReminderHours
from bot.domain.goals import format_date
from bot.fakeapi import ApiCall, FakeBotApi, StoredMessage, UpdateFactory, UploadedFile
from bot.reminders.rules import (
    RULE_DPU,
    RULE_IPEL_EVALUATION,
    RULE_KOMM_EVALUATION,
    RULE_KOMPAS,
    RULE_REPORT_DRAFT,
    RULE_SAMARBEJDSAFTALE,
    STEP_OFFSETS,
)
from bot.reminders.stages import heads_up_days
from bot.sample_plan import SMALL_PLANS, SamplePlan, add_sample_plan, add_small_plan
from bot.sample_plan import record_evaluation as record_past_evaluation
from bot.services.staff import create_invite
from bot.storage.db import create_db_engine, upgrade
from bot.storage.models import (
    DiaryNote,
    Goal,
    NoteDraft,
    ReminderDelivery,
    Resident,
    ResidentMilestone,
    Staff,
    StatusMeeting,
    SubGoal,
)
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory

DEMO_DEPARTMENT: Final = "Demo-afdelingen"
DEMO_USER_ID: Final = 1001
DEMO_USER_NAME: Final = "Dig"
# The second person at the keyboard (/som vikar): a new Telegram user, not seeded, who joins
# with the invite the leader makes. Not 1002: that is Sara.
DEMO_SUBSTITUTE_ID: Final = 1003
DEMO_SUBSTITUTE_NAME: Final = "Peter"
LEADER_WORD: Final = "leder"
SUBSTITUTE_WORD: Final = "vikar"
# What may follow /som to become each person (the first is the one the demo suggests).
SWITCH_WORDS: Final = {
    LEADER_WORD: frozenset({LEADER_WORD, "dig", "afdelingsleder"}),
    SUBSTITUTE_WORD: frozenset({SUBSTITUTE_WORD, "peter"}),
}
DEMO_FOLDER: Final = Path("data")
DEMO_DB_NAME: Final = "demo.db"
DEMO_FILES: Final = "demo-files"
# SQLite's companions of the database file, deleted with it by --fresh.
DB_SIDECARS: Final = ("-wal", "-shm", "-journal")
COLLEAGUE_ID: Final = 1002
COLLEAGUE_NAME: Final = "Sara"
PLAN_RESIDENT: Final = "Mia"
PLAN_CONTEXT: Final = "Kommunikationsforhold"
MISSING_KIND: Final = "missing_subgoal_work"
# A restarted demo numbers its messages from above every id the database holds.
MESSAGE_ID_MARGIN: Final = 1000

_Row = TypeVar("_Row", Goal, SubGoal)

# The reminder story. The report's heads-up comes 21 + 14 = 35 days before the status meeting.
REPORT_DUE_IN: Final = heads_up_days(RULE_REPORT_DRAFT)
REPORT_HEADS_UP: Final = -STEP_OFFSETS[RULE_REPORT_DRAFT] + REPORT_DUE_IN
# Days after the seeding day when Mia's daily sub-goal is due for evaluation and her status
# report gets its heads-up. A next evaluation lies at most three months after the last one,
# so the sub-goal's last evaluation (EVALUATION_SPAN days before) stays after the start of the
# seeded history, which leaves about seven weeks of notes to evaluate on the seeding day.
REMINDER_DAYS: Final = 35
EVALUATION_SPAN: Final = 89  # days: within three months of any day
# When every other goal and sub-goal is next due, in days after seeding (in turn): after the
# reminder day and its 7-day heads-up window, and within three months of a past evaluation.
OTHER_EVALUATIONS: Final = (56, 63, 70, 77)
# Each resident's planned status meeting, in days after seeding: Mia's makes her report's
# heads-up fall on the reminder day; Oliver's and Ella's come well after.
STATUS_MEETING_DAYS: Final = {
    "Mia": REMINDER_DAYS + REPORT_HEADS_UP,
    "Oliver": REMINDER_DAYS + REPORT_HEADS_UP + 28,
    "Ella": REMINDER_DAYS + REPORT_HEADS_UP + 56,
}
# Milestones recorded for every resident, in days before seeding (kompas: when it started).
MILESTONES_DONE: Final = (
    (RULE_DPU, 120),
    (RULE_KOMPAS, 300),
    (RULE_SAMARBEJDSAFTALE, 60),
    (RULE_IPEL_EVALUATION, 45),
    (RULE_KOMM_EVALUATION, 45),
)
SMALL_PLAN_DAYS: Final = 120  # Oliver's and Ella's plans started this long before seeding
ALWAYS: Final = ReminderHours(0, 24 * 60, weekends=True, holidays=True)
SOCIAL_CONTEXT: Final = "Venskabsforhold"
# How often the running demo sweeps (checked after each line typed).
SWEEP_EVERY: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class DemoResident:
    """A made-up resident; dates are counted back from the demo's today so ages stay real."""

    name: str
    age: int
    birthday: tuple[int, int]
    years_living_here: int
    moved_in: tuple[int, int]

    def birth_date(self, today: date) -> date:
        """Return the birth date that gives this age (give or take the birthday) today."""
        return _safe_date(today.year - self.age, *self.birthday)

    def enrolment_date(self, today: date) -> date:
        """Return the day the resident moved in."""
        return _safe_date(today.year - self.years_living_here, *self.moved_in)


DEMO_RESIDENTS: Final = (
    DemoResident("Mia", 11, (3, 14), 4, (8, 1)),
    DemoResident("Oliver", 14, (9, 2), 6, (1, 15)),
    DemoResident("Ella", 9, (6, 21), 2, (2, 1)),
)

QUIT_WORDS: Final = frozenset({"/quit", "/exit", "quit", "exit"})
BUTTON_NUMBER: Final = re.compile(r"\d{1,3}", re.ASCII)
# `/som vikar`, `/som leder`: a line for the demo, never sent to the bot (it has no /som).
SWITCH: Final = re.compile(r"/som(?:\s+(?P<who>\S+))?", re.IGNORECASE)
# Bot API calls that bring something new to a chat (those that announce themselves when the
# chat's person is away).
NEWS: Final = frozenset({"sendMessage", "sendDocument", "sendPhoto", "editMessageText"})
INDENT: Final = "  "
PROMPT: Final = "> "

INTRO: Final = """\
Dagbogsbot – offline demo
=========================
Du chatter med den rigtige bot i terminalen, som om du var i Telegram.
(You are chatting with the real bot in the terminal, as if you were in Telegram.)

  • Skriv en note som i Telegram, fx:  mia komm pegede på saft ved frokost
  • Skriv et tal for at trykke på en knap, fx  1  for [1] Gem
  • /mine viser dine noter, /hjaelp giver hjælp, /quit afslutter
  (Type notes, numbers press buttons, /hjaelp for help, /quit to leave.)
  • /maal Mia viser Mias plan: mål og delmål
  • /evaluer Mia evaluerer et mål eller delmål ud fra noter og scorer siden sidste evaluering
  (/maal Mia shows Mia's plan, with three months of history; /evaluer Mia evaluates a goal
  on the notes and scores since its last evaluation.)
  • Botten sender selv én samlet påmindelse, når en frist nærmer sig; /paamindelser viser
    dine frister. I demoen er dine påmindelsestider »altid« (også aften, weekend og
    helligdage), så det virker når som helst; /indstillinger ændrer dem.
  (The bot sends one reminder digest when a deadline comes near; /paamindelser lists yours.
  Your reminder hours are "always" in the demo, so reminders work at any hour.)
  • En vikar: /inviter → Vikar giver en kode; /som vikar gør dig til Peter, der skriver
    /start KODE og får sin tjekliste; /som leder gør dig til dig selv igen.
  (Invite a substitute, then /som vikar to be Peter, who joins with /start CODE;
  /som leder switches back.)

Der er en demo-afdeling med tre beboere: Mia, Oliver og Ella. Du er afdelingsleder og er
med i Mias kontaktteam sammen med Sara.
(A demo department with three residents; you lead it and are on Mia's contact team.)

Intet forlader din maskine. Demo-data gemmes i {db} mellem kørsler, så en kladde
venter på dig næste gang; python -m bot demo --fresh starter forfra. Filer fra botten
(graf, .docx) lægges i {files}.
(Nothing leaves this machine. Demo data is kept in {db} between runs; --fresh starts
over. Files the bot sends are saved in {files}.)"""
GOODBYE: Final = (
    "Demoen er slut – dine demo-data er gemt i {db} til næste gang "
    "(--fresh starter forfra). Farvel!\n"
    "(The demo has ended; demo data is kept in {db} between runs; --fresh starts over.)"
)
FRESH: Final = (
    "(--fresh: de gamle demo-data er slettet, demoen starter forfra.)\n"
    "(--fresh: the old demo data is deleted; the demo starts over.)"
)
OPEN_INVITE: Final = "(Du åbner invitationslinket: /start {code})"
WELCOME_BACK: Final = (
    "(Velkommen tilbage, {name}! Du er allerede registreret, og demoen fortsætter med dine "
    "gemte data.)\n"
    "(Welcome back: you are registered already; the demo goes on with your saved data.)"
)
DRAFT_WAITING: Final = (
    "(Du har en evaluering i gang – skriv /evaluer Mia og tryk på din kladde for at fortsætte.)\n"
    "(An evaluation draft is waiting: /evaluer Mia, then press your draft.)"
)
YOU_PRESS: Final = "(Du trykker på [{number}] {label})"
YOU_WRITE: Final = "{name}: {text}"
BOT_SAYS: Final = "Dagbogsbot:"
BOT_EDITS: Final = "Dagbogsbot (ændrer en besked ovenfor):"
BOT_SENDS_FILE: Final = "Dagbogsbot sender en fil: {name}"
BOT_SENDS_PHOTO: Final = "Dagbogsbot sender et billede: {name}"
FILE_SAVED: Final = "(Gemt som {path} – åbn den derfra. Saved there for you to open.)"
FILE_NOT_SAVED: Final = "(Filen kunne ikke gemmes: {error}. The file could not be saved.)"
TOAST: Final = "({text})"
ALERT: Final = "[!] {text}"
YOUR_MESSAGE_DELETED: Final = "(din besked er slettet fra chatten)"
BOT_MESSAGE_DELETED: Final = "(botten har slettet en af sine beskeder)"
OLDER_BUTTONS: Final = "(Knapperne på en tidligere besked gælder nu:)"
NO_BUTTONS: Final = "Der er ingen knapper at trykke på lige nu. (No buttons to press right now.)"
BAD_NUMBER: Final = "Der er ingen knap nummer {number} – vælg 1–{count}. (No such button.)"
SWITCHED: Final = "— Du er nu {name} ({who}) —"
WHO_NEW: Final = "ny bruger, ikke registreret endnu"
WHO_UNTIL: Final = "{role}, adgang til og med {date}"
WHO_ENDED: Final = "{role}, adgangen sluttede {date}"
NOT_JOINED: Final = (
    "({name} har ikke brugt botten endnu. Han tager imod en vikar-invitation fra lederen\n"
    "(/inviter → Vikar) ved at skrive /start KODE her.)\n"
    "({name} has not joined yet: he takes a substitute invite with /start CODE here.)"
)
ACCESS_ENDS: Final = (
    "(Efter {date} ser {name} intet i botten. Prøv det: python -m bot demo --today {iso}\n"
    "og så /som vikar. Try it with --today {iso}.)"
)
SWITCH_HELP: Final = (
    "Skriv /som leder eller /som vikar for at skifte person. "
    "(Type /som leder or /som vikar to switch.)"
)
AWAY_NOTICE: Final = "(Dagbogsbot har skrevet til {name} – /som {word} viser det.)"
WHILE_AWAY: Final = "(Mens du var væk, skrev Dagbogsbot:)"
KEYBOARD_NOW: Final = "(Tallene trykker nu på disse knapper:)"
LINK_BUTTON: Final = "Den knap åbner et link: {url}"
SETTINGS_FAILED: Final = "Demoen kan ikke starte: {error}"
NOTHING_DUE: Final = (
    "(Ingen påmindelser til dig i dag: afdelingen er ajour. Vil du se dem, så start demoen\n"
    "med uret flyttet frem til {day}: så skal Mias delmål evalueres, og hendes statusrapport\n"
    "skal skrives om {days} dage.)\n"
    "(No reminders for you today: the department is up to date. To see them, move the clock\n"
    "to {day}: Mia's sub-goal is due for evaluation then, her status report in {days} days.)\n"
    "    python -m bot demo --today {iso}"
)
ALREADY_SENT: Final = (
    "(Dagens påmindelser fik du ved en tidligere start; botten sender dem ikke igen.\n"
    "/paamindelser viser, hvad der venter.)\n"
    "(You got today's reminders on an earlier start; the bot never sends them twice.\n"
    "/paamindelser lists what is waiting.)"
)
WAITING_FOR_HOURS: Final = (
    "(Du har påmindelser, der venter på dine påmindelsestider (/indstillinger);\n"
    "/paamindelser viser dem nu.)\n"
    "(Reminders are waiting for your reminder hours; /paamindelser lists them now.)"
)
OLD_DATA: Final = (
    "(Dine demo-data er fra før påmindelserne, så demoen sender ingen. python -m bot demo\n"
    "--fresh giver en ny, ryddelig afdeling, hvor du kan prøve dem.)\n"
    "(Your demo data predates reminders, so the demo sends none; --fresh seeds a tidy\n"
    "facility to try them in.)"
)
DATABASE_FAILED: Final = (
    "Demoen kan ikke bruge {db}: {error}\n"
    "Prøv python -m bot demo --fresh for at starte forfra. (Try --fresh to start over.)"
)


def _safe_date(year: int, month: int, day: int) -> date:
    """Return the date, moving 29 February to the 28th in years without it."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


def demo_clock(today: date | None, tz: ZoneInfo) -> Clock:
    """Return the real clock, or one moved so that it is now `today` at the current time of day."""
    real = SystemClock()
    if today is None:
        return real
    now = real.now()
    local = now.astimezone(tz)
    wanted = datetime.combine(today, local.time(), tzinfo=tz)
    # Subtract in UTC: two times in the same zone would otherwise be subtracted as wall-clock
    # times, and a daylight-saving change between the dates would shift the clock by an hour.
    return OffsetClock(wanted.astimezone(UTC) - now)


def demo_database(folder: Path) -> Path:
    """Return the demo's database file in folder."""
    return folder / DEMO_DB_NAME


def reset_demo(folder: Path) -> None:
    """Delete the demo's database and saved attachments in folder (what --fresh does)."""
    database = demo_database(folder)
    for path in (database, *(database.with_name(database.name + s) for s in DB_SIDECARS)):
        path.unlink(missing_ok=True)
    shutil.rmtree(folder / DEMO_FILES, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Facility:
    """What the demo found or made in its database before the application starts."""

    invite_code: str | None
    first_message_id: int | None
    drafts_waiting: int


def seed_facility(uow: UnitOfWorkFactory, clock: Clock, tz: ZoneInfo) -> int:
    """Create the demo department, its residents and Sara unless they exist; return its id."""
    now = clock.now()
    today = now.astimezone(tz).date()
    with uow() as work:
        department, created = work.org.get_or_create_department(DEMO_DEPARTMENT, now)
        assert department.id is not None
        if created:
            # One transaction: a run stopped half-way leaves nothing half-seeded.
            for resident in DEMO_RESIDENTS:
                work.residents.add(
                    Resident(
                        display_name=resident.name,
                        birth_date=resident.birth_date(today),
                        department_id=department.id,
                        enrolment_date=resident.enrolment_date(today),
                        created_at=now,
                        updated_at=now,
                    )
                )
            work.staff.add(
                Staff(
                    telegram_user_id=COLLEAGUE_ID,
                    display_name=COLLEAGUE_NAME,
                    role=Role.MEDARBEJDER.value,
                    created_at=now,
                ),
                [department.id],
            )
            work.commit()
        return department.id


def highest_message_id(work: UnitOfWork) -> int:
    """Return the highest Telegram message id the database remembers (0 when none)."""
    highest = 0
    for column in (
        NoteDraft.source_message_id,
        NoteDraft.card_message_id,
        DiaryNote.source_message_id,
    ):
        value = work.session.exec(select(sa.func.max(column))).one()
        highest = max(highest, int(value or 0))
    return highest


def prepare_facility(
    uow: UnitOfWorkFactory, clock: Clock, tz: ZoneInfo, invite_ttl: timedelta
) -> Facility:
    """Seed what is missing; make an invite unless the demo user is registered already."""
    department_id = seed_facility(uow, clock, tz)
    with uow(read_only=True) as work:
        me = work.staff.by_telegram_id(DEMO_USER_ID)
        drafts = len(work.evaluation_drafts.drafts_of(me.id)) if me and me.id else 0
        highest = highest_message_id(work)
    code = None
    if me is None:
        invite = create_invite(
            uow(), clock, None, Role.AFDELINGSLEDER, department_id=department_id, ttl=invite_ttl
        )
        code = invite.code
    return Facility(code, highest + MESSAGE_ID_MARGIN if highest else None, drafts)


def seed_plan(uow: UnitOfWorkFactory, clock: Clock, tz: ZoneInfo) -> SamplePlan | None:
    """Give Mia her plan with three months of history and tidy the facility, once; None when
    the plan is there already.

    Needs the demo user registered: the notes and scores are Dig's and Sara's, and both are
    put on Mia's kontaktteam; the milestones, evaluations and meetings are Dig's. One
    transaction: a run stopped half-way leaves nothing half-seeded.
    """
    now = clock.now()
    with uow() as work:
        department = work.org.department_by_name(DEMO_DEPARTMENT)
        me = work.staff.by_telegram_id(DEMO_USER_ID)
        sara = work.staff.by_telegram_id(COLLEAGUE_ID)
        if department is None or me is None or me.id is None or sara is None or sara.id is None:
            return None
        assert department.id is not None
        residents = demo_residents(work, department.id)
        mia_id = residents.get(PLAN_RESIDENT)
        if mia_id is None:
            return None
        for staff_id in (me.id, sara.id):
            work.contact_teams.add(mia_id, staff_id, added_at=now, added_by_id=None)
        work.commit()
        if work.goals.goals_of(mia_id, include_ended=True):
            return None
        types = work.diary_types.active_with_aliases()
        contexts = {t.name: t.id for t, _ in types if t.id is not None}
        missing = next((t.id for t, _ in types if t.kind == MISSING_KIND), None)
        context_id = contexts.get(PLAN_CONTEXT)
        if context_id is None or missing is None:
            return None
        plan = add_sample_plan(
            work,
            resident_id=mia_id,
            author_ids=[me.id, sara.id],
            context_type_id=context_id,
            note_type_id=context_id,
            missing_type_id=missing,
            today=now.astimezone(tz).date(),
            tz=tz,
            social_context_id=contexts.get(SOCIAL_CONTEXT),
        )
        tidy_facility(work, tz, now, me.id, residents, plan, contexts)
        work.commit()
        return plan


def demo_residents(work: UnitOfWork, department_id: int) -> dict[str, int]:
    """Return the ids of the demo department's residents by name."""
    found = work.session.exec(select(Resident).where(Resident.department_id == department_id)).all()
    return {r.display_name: r.id for r in found if r.id is not None}


def tidy_facility(
    work: UnitOfWork,
    tz: ZoneInfo,
    now: datetime,
    me_id: int,
    residents: dict[str, int],
    plan: SamplePlan,
    contexts: dict[str, int],
) -> None:
    """Leave nothing due on the seeding day (see the module docstring); not committed."""
    today = now.astimezone(tz).date()
    work.reminders.set_hours(me_id, ALWAYS, now)
    for name, resident_id in residents.items():
        for kind, days_ago in MILESTONES_DONE:
            work.status.add_milestone(
                ResidentMilestone(
                    resident_id=resident_id,
                    kind=kind,
                    done_on=today - timedelta(days=days_ago),
                    recorded_by_id=me_id,
                    recorded_at=now,
                )
            )
        if name in STATUS_MEETING_DAYS:
            work.status.add_meeting(
                StatusMeeting(
                    resident_id=resident_id,
                    meeting_on=today + timedelta(days=STATUS_MEETING_DAYS[name]),
                    status="planned",
                    scheduled_by_id=me_id,
                    scheduled_at=now,
                )
            )
    goal = _get(work, Goal, plan.goal_id)
    daily = _get(work, SubGoal, plan.daily_sub_goal_id)
    featured = today + timedelta(days=REMINDER_DAYS)
    record_past_evaluation(
        work,
        tz,
        goal=goal,
        sub_goal=daily,
        evaluated_on=featured - timedelta(days=EVALUATION_SPAN),
        next_on=featured,
        author_id=me_id,
    )
    others: list[tuple[Goal, SubGoal | None]] = [
        (goal, _get(work, SubGoal, plan.weekly_sub_goal_id)),
        (goal, None),
        (_get(work, Goal, plan.school_goal_id), None),
        (_get(work, Goal, plan.social_goal_id), None),
    ]
    for name, small in SMALL_PLANS.items():
        if name in residents:
            added = add_small_plan(
                work,
                resident_id=residents[name],
                goals=small,
                context_ids=contexts,
                start=today - timedelta(days=SMALL_PLAN_DAYS),
                tz=tz,
            )
            others += [(g, None) for g in added]
    for index, (target_goal, sub_goal) in enumerate(others):
        next_on = today + timedelta(days=OTHER_EVALUATIONS[index % len(OTHER_EVALUATIONS)])
        record_past_evaluation(
            work,
            tz,
            goal=target_goal,
            sub_goal=sub_goal,
            evaluated_on=next_on - timedelta(days=EVALUATION_SPAN),
            next_on=next_on,
            author_id=me_id,
        )


def _get(work: UnitOfWork, model: type[_Row], row_id: int) -> _Row:
    row = work.session.get(model, row_id)
    assert row is not None
    return row


@dataclass(frozen=True, slots=True)
class ReminderState:
    """What the demo tells about reminders after its start-up sweep."""

    tidy: bool  # seeded with the reminder story (an older demo database is not)
    show_on: date | None  # the day Mia's two items show, from her planned meeting
    sent_today: int  # reminders delivered to Dig today (on this or an earlier start)
    pending: int  # reminders waiting for Dig's hours


def reminder_state(uow: UnitOfWorkFactory, clock: Clock, tz: ZoneInfo) -> ReminderState:
    """Read what the demo says about reminders from its database."""
    now = clock.now()
    today = now.astimezone(tz).date()
    day_start = datetime.combine(today, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    with uow(read_only=True) as work:
        department = work.org.department_by_name(DEMO_DEPARTMENT)
        me = work.staff.by_telegram_id(DEMO_USER_ID)
        residents = demo_residents(work, department.id) if department and department.id else {}
        mia_id = residents.get(PLAN_RESIDENT)
        if me is None or me.id is None or mia_id is None:
            return ReminderState(False, None, 0, 0)
        tidy = bool(
            work.session.exec(
                select(StatusMeeting.id).where(StatusMeeting.resident_id == mia_id)
            ).first()
            or work.session.exec(
                select(ResidentMilestone.id).where(ResidentMilestone.resident_id == mia_id)
            ).first()
        )
        planned = work.status.planned(mia_id)
        show_on = (
            planned.meeting_on - timedelta(days=REPORT_HEADS_UP) if planned is not None else None
        )
        mine = select(sa.func.count()).where(ReminderDelivery.recipient_id == me.id)
        sent = work.session.exec(
            mine.where(
                ReminderDelivery.status == "sent",
                ReminderDelivery.sent_at >= day_start,  # type: ignore[operator]
                ReminderDelivery.sent_at < day_start + timedelta(days=1),  # type: ignore[operator]
            )
        ).one()
        pending = work.session.exec(mine.where(ReminderDelivery.status == "pending")).one()
    return ReminderState(tidy, show_on, int(sent), int(pending))


def _buttons(message: StoredMessage) -> list[list[dict[str, Any]]]:
    return [list(row) for row in message.inline_keyboard or []]


def _keyboard_key(message: StoredMessage | None) -> tuple[int, str] | None:
    if message is None:
        return None
    return message.message_id, repr(message.inline_keyboard)


def save_attachment(folder: Path, upload: UploadedFile) -> Path:
    """Write an uploaded file into folder under its own name, never over an earlier file."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.filename).name or "fil"
    stem, suffix = Path(name).stem, Path(name).suffix
    path = folder / name
    number = 1
    while True:
        try:
            with path.open("xb") as file:  # "x": fail rather than overwrite
                file.write(upload.data)
        except FileExistsError:
            number += 1
            path = folder / f"{stem}-{number}{suffix}"
        else:
            return path


def _chat_of(call: ApiCall, result: Any) -> int | None:
    """Return the chat a Bot API call acted in, if it names one."""
    if isinstance(result, dict) and isinstance(result.get("chat"), dict):
        chat = result["chat"].get("id")
    else:
        chat = call.params.get("chat_id")
    return int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() else None


class Transcript:
    """Print what the bot does in one chat as plain text, numbering the newest keyboard.

    Photos and documents are printed as a line naming the file; with ``files`` the file is
    also written there and its path printed.

    A demo person's chat while someone else is at the keyboard (see deactivate): what the
    bot does there is kept aside, a one-line ``away_notice`` says that something came, and
    activate prints it all when the person is back.
    """

    def __init__(
        self,
        api: FakeBotApi,
        chat_id: int,
        out: TextIO,
        files: Path | None = None,
        *,
        away_notice: str | None = None,
    ) -> None:
        self.api = api
        self.chat_id = chat_id
        self.screen = out
        self.files = files
        self.away_notice = away_notice
        self.active = True
        self._away = io.StringIO()
        self._shown: tuple[int, str] | None = None
        self._buttons_last = False  # whether the last lines printed were the shown keyboard

    @property
    def out(self) -> TextIO:
        """Where this chat is printed: the terminal, or aside while the person is away."""
        return self.screen if self.active else self._away

    def say(self, text: str) -> None:
        """Print a line of demo chrome."""
        self._buttons_last = False
        self.out.write(text + "\n")
        self.out.flush()

    def latest_keyboard(self) -> StoredMessage | None:
        """Return the message whose buttons the numbers press."""
        return self.api.last_message_with_buttons(self.chat_id)

    def deactivate(self) -> None:
        """Someone else is at the keyboard now: keep this chat aside until activate."""
        self.active = False

    def activate(self) -> None:
        """Print what came while the person was away, then the keyboard the numbers press
        (unless what came ends with it)."""
        self.active = True
        missed = self._away.getvalue()
        self._away = io.StringIO()
        buttons_last = bool(missed) and self._buttons_last
        if missed:
            self.screen.write("\n" + WHILE_AWAY + "\n" + missed)
            self.screen.flush()
        latest = self.latest_keyboard()
        key = _keyboard_key(latest)
        if latest is not None and not (buttons_last and key == self._shown):
            if missed:
                self.say("")
            self.say(KEYBOARD_NOW)
            self._print_buttons(latest)
        self._shown = key

    def on_call(self, call: ApiCall, result: Any) -> None:
        """Render one successful Bot API call in this chat (the fake calls this after each
        one; a reminder digest to a colleague is not shown, and a call that names no chat,
        such as a callback's answer, belongs to the person at the keyboard)."""
        params = call.params
        chat = _chat_of(call, result)
        if chat not in (None, self.chat_id) or (chat is None and not self.active):
            return
        # Announce the first news while the person is away (the rest waits with it).
        first_news = not self.active and call.method in NEWS and not self._away.getvalue()
        if first_news and self.away_notice is not None:
            self.screen.write(self.away_notice + "\n")
            self.screen.flush()
        if call.method in ("sendMessage", "editMessageText") and isinstance(result, dict):
            header = BOT_SAYS if call.method == "sendMessage" else BOT_EDITS
            self._print_message(header, str(result.get("text", "")), result)
        elif call.method in ("sendDocument", "sendPhoto") and isinstance(result, dict):
            self._print_file(call, result)
        elif call.method == "answerCallbackQuery" and params.get("text"):
            pattern = ALERT if params.get("show_alert") else TOAST
            self.say(pattern.format(text=params["text"]))
        elif call.method == "deleteMessage":
            self._print_deletion(params)
        elif call.method == "editMessageReplyMarkup" and isinstance(result, dict):
            self._print_keyboard_if_latest(result)

    def refresh(self) -> None:
        """Show the keyboard the numbers now press, if it is not the one shown last."""
        latest = self.latest_keyboard()
        key = _keyboard_key(latest)
        if key == self._shown:
            return
        self._shown = key
        if latest is not None:
            # A newer keyboard went away (edited off or deleted), so an older one is in play.
            self.say(OLDER_BUTTONS)
            self._print_buttons(latest)

    def _print_file(self, call: ApiCall, result: dict[str, Any]) -> None:
        photo = call.method == "sendPhoto"
        upload = call.params.get("photo" if photo else "document")
        if isinstance(upload, UploadedFile):
            name = upload.filename
        else:  # sent by file_id or URL: nothing to save
            name = str((result.get("document") or {}).get("file_name", "fil"))
        header = (BOT_SENDS_PHOTO if photo else BOT_SENDS_FILE).format(name=name)
        footer = None
        if isinstance(upload, UploadedFile) and self.files is not None:
            try:
                footer = FILE_SAVED.format(path=save_attachment(self.files, upload))
            except OSError as exc:
                footer = FILE_NOT_SAVED.format(error=exc.strerror or exc)
        self._print_message(header, str(result.get("caption", "")), result, footer=footer)

    def _print_message(
        self, header: str, text: str, result: dict[str, Any], *, footer: str | None = None
    ) -> None:
        self.say("")
        self.say(header)
        lines = text.splitlines()
        if footer is not None:
            lines.append(footer)
        for line in lines or [""]:
            self.say(INDENT + line if line else "")
        self._print_keyboard_if_latest(result)

    def _print_keyboard_if_latest(self, result: dict[str, Any]) -> None:
        latest = self.latest_keyboard()
        if latest is not None and latest.message_id == result.get("message_id"):
            self._shown = _keyboard_key(latest)
            self._print_buttons(latest)

    def _print_buttons(self, message: StoredMessage) -> None:
        number = 0
        for row in _buttons(message):
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.get('text', '')}")
            self.say(INDENT + "   ".join(cells))
        self._buttons_last = True

    def _print_deletion(self, params: dict[str, Any]) -> None:
        message_id = params.get("message_id")
        stored = (
            self.api.message(self.chat_id, int(message_id))
            if isinstance(message_id, int | str) and str(message_id).isdigit()
            else None
        )
        if stored is not None and not stored.from_bot:
            self.say(YOUR_MESSAGE_DELETED)
        else:
            self.say(BOT_MESSAGE_DELETED)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """Someone the person at the terminal can be: a Telegram user and their chat."""

    name: str
    word: str  # what follows /som to become this person
    user: dict[str, Any]
    transcript: Transcript


class DemoChat:
    """The person at the terminal, talking to the application through the fake Bot API.

    They are Dig, or Peter after ``/som vikar`` (see switch); the numbers press buttons in
    the chat of whoever they are. Creating it opens the demo database in folder, brings it
    up to date and seeds what is missing; the fake Bot API then numbers messages above those
    the database remembers.
    """

    def __init__(self, folder: Path, today: date | None, out: TextIO, *, echo: bool) -> None:
        self.settings: Settings = load_settings(
            _env_file=None,
            database_url=f"sqlite:///{demo_database(folder)}",
            telegram_bot_token=None,
        )
        self.clock = demo_clock(today, self.settings.tz)
        self.facility = self._prepare()
        self.api = FakeBotApi(
            clock=self._timestamp, first_message_id=self.facility.first_message_id
        )
        self.updates = UpdateFactory(self.api, clock=self._timestamp)
        self.people = tuple(
            DemoPerson(
                name,
                word,
                self.updates.user(user_id, name),
                Transcript(
                    self.api,
                    user_id,
                    out,
                    folder / DEMO_FILES,
                    away_notice=AWAY_NOTICE.format(name=name, word=word),
                ),
            )
            for user_id, name, word in (
                (DEMO_USER_ID, DEMO_USER_NAME, LEADER_WORD),
                (DEMO_SUBSTITUTE_ID, DEMO_SUBSTITUTE_NAME, SUBSTITUTE_WORD),
            )
        )
        self.me = self.people[0]
        for person in self.people:
            self.api.add_listener(person.transcript.on_call)
            if person is not self.me:
                person.transcript.deactivate()
        self._told_access_end = False
        self.echo = echo
        self.app: BotApplication | None = None
        self._started = False
        self.reminders_on = False
        self._last_sweep: datetime | None = None

    @property
    def user(self) -> dict[str, Any]:
        """The Telegram user at the keyboard."""
        return self.me.user

    @property
    def transcript(self) -> Transcript:
        """The chat of the person at the keyboard."""
        return self.me.transcript

    def prompt(self) -> str:
        """Return the terminal's prompt: "> ", named when the person is not Dig."""
        return PROMPT if self.me is self.people[0] else f"{self.me.name} {PROMPT}"

    def _timestamp(self) -> float:
        return self.clock.now().timestamp()

    def _prepare(self) -> Facility:
        engine = create_db_engine(
            self.settings.sqlalchemy_url, synchronous=self.settings.sqlite_synchronous
        )
        try:
            upgrade(engine)
            return prepare_facility(
                UnitOfWorkFactory(engine),
                self.clock,
                self.settings.tz,
                timedelta(hours=self.settings.invite_ttl_hours),
            )
        finally:
            engine.dispose()

    def build(self) -> None:
        """Build the application on the prepared database."""
        self.app = build_application(
            self.settings, request=self.api, clock=self.clock, migrate=False
        )

    async def start(self) -> None:
        """Initialise the application as `run` does; join with the invite or greet."""
        app = self._app()
        await app.initialize()
        self._started = True
        if app.post_init is not None:
            await app.post_init(app)
        self.transcript.say("")
        code = self.facility.invite_code
        if code is not None:
            self.transcript.say(OPEN_INVITE.format(code=code))
            await self._process(self.updates.message(self.user, f"/start {code}"))
        else:
            # Registered on an earlier run. No /start: it would end a flow left half-done.
            self.transcript.say(WELCOME_BACK.format(name=DEMO_USER_NAME))
            if self.facility.drafts_waiting:
                self.transcript.say(DRAFT_WAITING)
        services = app.bot_data.services
        assert services is not None
        seed_plan(services.uow, self.clock, self.settings.tz)
        await self._first_sweep()

    async def _first_sweep(self) -> None:
        """Sweep at start-up; when no digest came, say why and how to see one."""
        services = self._app().bot_data.services
        assert services is not None
        tz = self.settings.tz
        if not reminder_state(services.uow, self.clock, tz).tidy:
            self.transcript.say("")
            self.transcript.say(OLD_DATA)
            return
        self.reminders_on = True
        if await self.sweep():
            return
        state = reminder_state(services.uow, self.clock, tz)
        today = self.clock.now().astimezone(tz).date()
        if state.sent_today:
            line = ALREADY_SENT
        elif state.pending:
            line = WAITING_FOR_HOURS
        elif state.show_on is not None and state.show_on > today:
            day = state.show_on
            line = NOTHING_DUE.format(day=format_date(day), days=REPORT_DUE_IN, iso=day.isoformat())
        else:
            return
        self.transcript.say("")
        self.transcript.say(line)

    async def sweep(self) -> bool:
        """Run one reminder sweep as the job queue would; return whether Dig got a digest."""
        app = self._app()
        engine = app.bot_data.reminders
        if engine is None or not self.reminders_on:
            return False
        before = len(self.api.sent_texts(DEMO_USER_ID))
        self._last_sweep = self.clock.now()
        try:
            await engine.sweep(app.bot)
        except Exception as exc:
            # As for a failing job: the error handlers log it, and the demo goes on.
            await app.process_error(None, exc)
        self.transcript.refresh()
        return len(self.api.sent_texts(DEMO_USER_ID)) > before

    async def sweep_if_due(self) -> None:
        """Sweep again when a minute has passed since the last sweep."""
        last = self._last_sweep
        if last is None or self.clock.now() - last >= SWEEP_EVERY:
            await self.sweep()

    async def stop(self) -> None:
        """Shut down gracefully: persistence flushed, database connections closed."""
        if self.app is None:
            return
        for person in self.people:
            self.api.remove_listener(person.transcript.on_call)
        if self._started:
            await self.app.shutdown()
            self._started = False
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)
        self.app = None

    async def send(self, text: str) -> None:
        """Send a text message (commands get their entity, as from Telegram)."""
        if self.echo:
            self.transcript.say("")
            self.transcript.say(YOU_WRITE.format(name=self.me.name, text=text))
        await self._process(self.updates.message(self.user, text))

    async def press(self, number: int) -> None:
        """Press button `number` (counted from 1) of the newest keyboard."""
        message = self.transcript.latest_keyboard()
        buttons = [b for row in _buttons(message) for b in row] if message else []
        if message is None or not buttons:
            self.transcript.say(NO_BUTTONS)
            return
        if not 1 <= number <= len(buttons):
            self.transcript.say(BAD_NUMBER.format(number=number, count=len(buttons)))
            return
        button = buttons[number - 1]
        self.transcript.say(YOU_PRESS.format(number=number, label=button.get("text", "")))
        data = button.get("callback_data")
        if not isinstance(data, str):
            self.transcript.say(LINK_BUTTON.format(url=button.get("url", "?")))
            return
        message_dict = self.api.message_dict(message.chat_id, message.message_id)
        await self._process(self.updates.callback(self.user, data, message_dict))

    async def handle(self, line: str) -> None:
        """Act on one line typed at the terminal: a button number or a message; then sweep
        if a minute has passed (after the answer, so a number typed next presses what the
        person last saw printed)."""
        switch = SWITCH.fullmatch(line)
        if switch is not None:
            self.switch(switch["who"])
        elif BUTTON_NUMBER.fullmatch(line):
            await self.press(int(line))
        else:
            await self.send(line)
        await self.sweep_if_due()

    def switch(self, word: str | None) -> None:
        """Become the person `word` names (/som vikar, /som leder): only the terminal's
        state changes; the bot knows each person by their Telegram user as ever."""
        wanted = (word or "").casefold()
        person = next(
            (p for p in self.people if wanted in SWITCH_WORDS[p.word]),
            None,
        )
        if person is None:
            self.transcript.say(SWITCH_HELP)
            return
        who, hint = self._who(person)
        self.transcript.say("")
        self.transcript.say(SWITCHED.format(name=person.name, who=who))
        if hint:
            self.transcript.say(hint)
        if person is not self.me:
            self.me.transcript.deactivate()
            self.me = person
        self.transcript.activate()

    def _who(self, person: DemoPerson) -> tuple[str, str | None]:
        """Return what the bot knows of a demo person (their role and access, or that they
        are new) and a hint: how a new person joins, or (once a run) when access ends."""
        services = self._app().bot_data.services
        assert services is not None
        with services.uow(read_only=True) as work:
            staff = work.staff.by_telegram_id(int(person.user["id"]))
            if staff is None:
                return WHO_NEW, NOT_JOINED.format(name=person.name)
            role, ends = staff.role, staff.access_ends_on
        if ends is None:
            return role, None
        today = self.clock.now().astimezone(self.settings.tz).date()
        if ends < today:
            return WHO_ENDED.format(role=role, date=format_date(ends)), None
        hint = None
        if not self._told_access_end:
            self._told_access_end = True
            after = ends + timedelta(days=1)
            hint = ACCESS_ENDS.format(
                name=person.name, date=format_date(ends), iso=after.isoformat()
            )
        return WHO_UNTIL.format(role=role, date=format_date(ends)), hint

    async def _process(self, data: dict[str, Any]) -> None:
        app = self._app()
        await app.process_update(Update.de_json(data, app.bot))
        self.transcript.refresh()

    def _app(self) -> BotApplication:
        if self.app is None:
            raise RuntimeError("the demo application is not built")
        return self.app


def _read_line(source: TextIO, out: TextIO, *, prompt: str | None) -> str | None:
    """Return the next line without its newline, or None at the end of input."""
    if prompt is not None:
        out.write("\n" + prompt)
        out.flush()
    line = source.readline()
    if not line:
        return None
    return line.rstrip("\r\n")


def _converse(runner: asyncio.Runner, chat: DemoChat, source: TextIO, out: TextIO) -> None:
    prompt = source.isatty()
    while True:
        line = _read_line(source, out, prompt=chat.prompt() if prompt else None)
        if line is None:
            if prompt:
                out.write("\n")
            return
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT_WORDS:
            return
        runner.run(chat.handle(text))


def run_demo(
    *,
    today: date | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    folder: Path | None = None,
    fresh: bool = False,
) -> int:
    """Run the offline demo on the terminal until the person quits; return the exit code.

    The facility is kept in folder (data/ in the working directory unless given) between
    runs; fresh deletes it first, so the demo is seeded anew.
    """
    source = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    where = DEMO_FOLDER if folder is None else Path(folder)
    database = demo_database(where)
    out.write(INTRO.format(db=database, files=where / DEMO_FILES) + "\n")
    try:
        if fresh:
            reset_demo(where)
            out.write("\n" + FRESH + "\n")
        where.mkdir(parents=True, exist_ok=True)
        chat = DemoChat(where, today, out, echo=not source.isatty())
    except SettingsError as exc:
        out.write(SETTINGS_FAILED.format(error=exc) + "\n")
        return 2
    except (OSError, SQLAlchemyError) as exc:
        # The driver's first line only (e.g. "file is not a database"), as the CLI does.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        out.write(DATABASE_FAILED.format(db=database, error=reason) + "\n")
        return 1
    # One event loop for the whole session, but input is read while it is idle: Ctrl-C at
    # the prompt is then a plain KeyboardInterrupt, and no thread is left blocked on stdin.
    # Nothing needs the loop between lines, as the demo runs no polling and no job queue:
    # it sweeps for reminders itself, at start-up and after a line once a minute has passed.
    with asyncio.Runner() as runner:
        try:
            chat.build()
            runner.run(chat.start())
            _converse(runner, chat, source, out)
        except KeyboardInterrupt:
            out.write("\n")
        finally:
            runner.run(chat.stop())
    out.write("\n" + GOODBYE.format(db=database) + "\n")
    out.flush()
    return 0
