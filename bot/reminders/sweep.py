"""The sweep: the database is the source of truth, the job queue only the clock (issue 4 §3).

Every few minutes, and at start-up, one sweep:
1. plans: reads every resident's facts (a few set-based queries), asks the pure rules what is
   due and the pure stages who gets what today (bot.reminders.rules, .stages);
2. records: writes each new delivery to the outbox (`reminder_delivery`) under its unique key
   (rule, subject, due, stage, recipient) in one transaction; a key already there is skipped,
   so two sweeps, two processes or a restart never write one twice;
3. delivers: for each person with pending rows who is inside their own hours, takes the claim
   on that person (one atomic UPDATE of `reminder_person`, which only one process can win),
   sends ONE digest of everything pending for them, then marks those rows sent and gives the
   claim back in one transaction.

What survives what:
- a crash before the send: the rows are still pending; the claim is stale after `lease` and
  the next sweep (of any process) sends them;
- a crash between the send and the marking: the same, so that one digest arrives twice; this
  is the only duplicate possible, at most one message per person;
- a graceful stop: PTB waits for a running job, so each send is followed by its marking;
- two processes: the ledger's unique key and the per-person claim make each row go out once.
Rows of an item that was done (or snoozed) before it went out are cancelled, not sent.
"""

from __future__ import annotations

import asyncio
import gc
import html
import logging
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.clock import Clock
from bot.domain.calendar import within_hours
from bot.reminders.digest import Entry, digest, title
from bot.reminders.facts import facts_in_chunks
from bot.reminders.onboarding import access_item, leaders_of, step_item
from bot.reminders.rules import (
    INFORMATIONAL,
    ONBOARDING_RULES,
    RULE_ACCESS_ENDS,
    DueItem,
    ResidentFacts,
    Window,
    window_items,
)
from bot.reminders.stages import (
    AGAIN,
    ESCALATION,
    WEEKLY,
    Delivery,
    Snoozes,
    deliveries,
    heads_up_days,
    max_heads_up_days,
    reminder_window,
    stage_kind,
    stage_on,
    stage_rank,
)
from bot.storage.reminder_repositories import (
    CANCELLED,
    FAILED,
    SENT,
    PendingRow,
    Recipient,
)
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from bot.texts import Markup, Texts

log = logging.getLogger(__name__)

WEEKLY_RULE = "weekly_digest"
WEEKLY_DAY = 0  # Monday
# How long a claim on a person lasts before another process may take it over: longer than
# any send takes, rate-limit retries included.
DEFAULT_LEASE = timedelta(minutes=15)
# A snooze that ended more than this long ago no longer brings its item back once more.
SNOOZE_MEMORY_DAYS = 30
SEND_CONCURRENCY = 8
TAG = re.compile(r"<[^>]+>")
INSERT_CHUNK = 5000
# Residents whose facts are read and planned at a time (bounds the sweep's peak memory).
PLAN_CHUNK = 2000

ItemKey = tuple[str, str, date]


LiveKey = tuple[str, str, date, int]


class LiveKeys:
    """(rule, subject, due, recipient) of each of a plan's deliveries: what is still live.

    Made from the deliveries the first time it is asked, by the delivery step (a sweep with
    nothing waiting never asks); a key added before that is kept as well.
    """

    __slots__ = ("_deliveries", "_keys", "_made")

    def __init__(self, deliveries: list[Delivery]) -> None:
        self._deliveries = deliveries
        self._keys: set[LiveKey] = set()
        self._made = False

    def add(self, key: LiveKey) -> None:
        """Make a key live."""
        self._keys.add(key)

    def __contains__(self, key: object) -> bool:
        if not self._made:
            self._keys.update((d.rule, d.subject, d.due, d.recipient_id) for d in self._deliveries)
            self._made = True
        return key in self._keys


@dataclass(slots=True)
class SweepPlan:
    """What one sweep found: today's items and deliveries, and what is still live."""

    today: date
    now: datetime
    items: dict[ItemKey, DueItem] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    live: LiveKeys = field(init=False)
    # Each department's overdue items, for the leaders' weekly overview.
    overdue_by_department: dict[int, list[DueItem]] = field(default_factory=dict)
    department_names: dict[int, str] = field(default_factory=dict)
    residents: int = 0
    # The deliveries the last recorded plan did not have (all of them when there is none):
    # what record() must write. The others are in the ledger already.
    fresh: list[Delivery] = field(default_factory=list)
    generation: int = 0  # which of the engine's plans this is
    after_recorded: bool = False  # the engine's plan before this one was recorded
    resident_deliveries: int = 0  # deliveries[:this] come from the residents' parts

    def __post_init__(self) -> None:
        self.live = LiveKeys(self.deliveries)


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What a sweep did: for logs, tests and the benchmark."""

    residents: int
    items: int
    recorded: int
    sent: int
    cancelled: int
    failed: int
    outside_hours: int
    busy: int
    plan_seconds: float
    record_seconds: float
    deliver_seconds: float


@dataclass(slots=True)
class _Tally:
    sent: int = 0
    cancelled: int = 0
    failed: int = 0
    outside_hours: int = 0
    busy: int = 0


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class ReminderEngine:
    """Plan, record and deliver reminders; one per process, shared by its sweeps."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        tz: ZoneInfo,
        texts: Texts,
        *,
        lease: timedelta = DEFAULT_LEASE,
        token: str | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.tz = tz
        self.texts = texts
        self.lease = lease
        self.token = token or uuid.uuid4().hex
        self._kept: KeptPlans | None = None  # each resident's part of the last plan
        self._plans = 0  # plans made
        self._recorded = 0  # the last plan recorded, if it is the last one made
        # The keys of the last recorded plan's deliveries that belong to no resident's part
        # (onboarding, the weekly overview): few, so record() compares them the simple way.
        self._others: set[tuple[str, str, date, str, int]] = set()
        self._running = asyncio.Lock()
        # plan() and record() run in worker threads; a sweep cancelled while its plan() runs
        # lets the lock above go while the thread goes on. This one keeps two plans (and a
        # plan and a record) from mixing the kept parts and the count of plans.
        self._planning = threading.Lock()

    # --- 1. plan ----------------------------------------------------------------------------

    def plan(self, now: datetime) -> SweepPlan:
        """Compute today's items and deliveries from the database (read-only)."""
        with self._planning:
            return self._plan(now)

    def _plan(self, now: datetime) -> SweepPlan:
        today = now.astimezone(self.tz).date()
        # The kept parts are in the ledger only when the plan they come from was recorded; a
        # plan made and not recorded (a failed sweep) makes every delivery fresh again.
        recorded = self._plans > 0 and self._recorded == self._plans
        self._plans += 1
        plan = SweepPlan(today=today, now=now, generation=self._plans, after_recorded=recorded)
        horizon = max_heads_up_days()
        leaders: dict[int, tuple[int, ...]] = {}
        with self.uow(read_only=True) as uow:
            snoozed = uow.reminders.snoozed(today)
            ended = uow.reminders.ended_snoozes(today, today - timedelta(days=SNOOZE_MEMORY_DAYS))
            plan.department_names = {d.id or 0: d.name for d in uow.org.departments()}
            # Only what can give a reminder today is built: the overdue items and those due
            # within their heads-up; the goals and sub-goals due later are not even read. A
            # chunk of residents at a time: its facts are dropped before the next chunk, so the
            # peak is one chunk's facts, not everyone's.
            within = reminder_window(today)
            # Each resident's part of the last plan: the next sweep, minutes later, mostly
            # meets the same facts and gives it again without running the rules (it is only
            # valid for the same day and snoozes; a new day or snooze starts afresh).
            kept = self._kept
            if kept is None or kept[0] != (today, snoozed, ended):
                kept = self._kept = ((today, snoozed, ended), {})
            # The plan is a few hundred thousand objects and none in a cycle: without the
            # cyclic collector, which would walk them (and the whole process) again and again.
            collecting = gc.isenabled()
            gc.disable()
            seen: set[int] = set()
            try:
                for facts in facts_in_chunks(uow, self.tz, within, PLAN_CHUNK):
                    plan.residents += len(facts)
                    seen.update(resident.resident_id for resident in facts)
                    _plan_residents(
                        plan, facts, within, snoozed, ended, leaders, kept[1], recorded=recorded
                    )
                    del facts
            finally:
                if collecting:
                    gc.enable()
            # Only this plan's parts are kept: one of a resident who has left the plan may come
            # from a plan that was never recorded, and must not pass for recorded later.
            for gone in kept[1].keys() - seen:
                del kept[1][gone]
        plan.resident_deliveries = len(plan.deliveries)
        with self.uow(read_only=True) as uow:
            _plan_onboarding(plan, uow, today, horizon, snoozed, ended, leaders)
        # The weekly overview is written on Mondays; one not yet delivered stays live all week.
        for department in plan.overdue_by_department if today.weekday() == WEEKLY_DAY else ():
            subject = f"department:{department}"
            for leader in leaders[department]:
                plan.deliveries.append(Delivery(WEEKLY_RULE, subject, today, WEEKLY, leader, None))
                plan.live.add((WEEKLY_RULE, subject, today, leader))
        return plan

    # --- 2. record --------------------------------------------------------------------------

    def record(self, plan: SweepPlan, now: datetime) -> int:
        """Write the plan's new deliveries to the outbox; return how many were new.

        The unique key is the guard. What is written: plan.fresh, the residents' deliveries
        that the last recorded plan did not have (plan() compares each resident's part with
        the one it replaces, so a sweep that meets the same facts writes nothing), and those
        of onboarding and the weekly overview that the last recorded plan did not have. The
        first sweep of a process writes everything and meets the unique key.
        """
        with self._planning:
            return self._record(plan, now)

    def _record(self, plan: SweepPlan, now: datetime) -> int:
        others = plan.deliveries[plan.resident_deliveries :]
        known = self._others if plan.after_recorded else set()
        unique = {d[:5]: d for d in plan.fresh}  # d[:5] is d.key, without a call
        for delivery in others:
            if delivery[:5] not in known:
                unique[delivery[:5]] = delivery
        fresh = list(unique.items())
        # In key order, so two processes inserting overlapping rows lock them in the same
        # order on PostgreSQL and cannot deadlock.
        fresh.sort(key=itemgetter(0))
        written = 0
        with self.uow() as uow:
            for start in range(0, len(fresh), INSERT_CHUNK):
                chunk = fresh[start : start + INSERT_CHUNK]
                written += uow.reminders.record((_row(d) for _, d in chunk), now)
            uow.commit()
        if plan.generation == self._plans:
            self._recorded = plan.generation
            self._others = {d[:5] for d in others}
        return written

    # --- 3. deliver -------------------------------------------------------------------------

    async def deliver(self, bot: Bot, plan: SweepPlan, now: datetime) -> _Tally:
        """Send each waiting person inside their hours one digest; see the module docstring."""
        recipients = await asyncio.to_thread(self._recipients, plan.today)
        local_now = now.astimezone(self.tz)
        names = await asyncio.to_thread(self._names, plan)
        tally = _Tally()
        gate = asyncio.Semaphore(SEND_CONCURRENCY)

        async def one(recipient: Recipient) -> None:
            async with gate:
                await self._deliver_to(bot, plan, now, recipient, names, tally)

        waiting = []
        for recipient in recipients:
            if within_hours(recipient.hours, local_now):
                waiting.append(one(recipient))
            else:
                tally.outside_hours += 1
        # Every person's delivery runs to its end even when another's fails, so no send is
        # left running unsupervised (a graceful stop waits for this job, not for stray tasks).
        failures = [
            outcome
            for outcome in await asyncio.gather(*waiting, return_exceptions=True)
            if isinstance(outcome, BaseException)
        ]
        for failure in failures:
            log.error("reminder delivery failed", exc_info=failure)
        if failures:
            raise failures[0]
        return tally

    def _recipients(self, today: date) -> list[Recipient]:
        with self.uow(read_only=True) as uow:
            return uow.reminders.recipients_waiting(today)

    def _names(self, plan: SweepPlan) -> dict[int, str]:
        people: set[int] = set()
        for item in plan.items.values():
            people.update(item.responsible)
        for overdue in plan.overdue_by_department.values():
            for item in overdue:
                people.update(item.responsible)
        with self.uow(read_only=True) as uow:
            return uow.staff.names(people)

    async def _deliver_to(
        self,
        bot: Bot,
        plan: SweepPlan,
        now: datetime,
        recipient: Recipient,
        names: dict[int, str],
        tally: _Tally,
    ) -> None:
        rows = await asyncio.to_thread(self._claim, recipient.staff_id)
        if rows is None:
            tally.busy += 1
            return
        live, dead = self._split(plan, recipient.staff_id, rows)
        if not live:
            await asyncio.to_thread(self._finish, recipient.staff_id, [], dead, now, None)
            tally.cancelled += len(dead)
            return
        text, markup = self._render(plan, live, names, recipient.staff_id)
        heartbeat = asyncio.create_task(self._keep_claim(recipient.staff_id))
        try:
            message = await self._send(bot, recipient, text, markup)
        except TelegramError as exc:
            if _gone(exc):
                # Blocked the bot, or the chat is gone: retrying would fail the same way.
                log.warning("reminders for staff %s not delivered: %s", recipient.staff_id, exc)
                failed = [row.id for row in live]
                await asyncio.to_thread(
                    self._finish, recipient.staff_id, failed, dead, now, None, FAILED
                )
                tally.failed += len(failed)
                return
            # A network error, flood control beyond the retries, or a message Telegram did not
            # take: the rows stay pending and the next sweep tries again. Never lost.
            level = logging.ERROR if isinstance(exc, BadRequest) else logging.WARNING
            log.log(level, "reminders for staff %s postponed: %s", recipient.staff_id, exc)
            await asyncio.to_thread(self._release, recipient.staff_id)
            return
        except BaseException:
            await asyncio.to_thread(self._release, recipient.staff_id)
            raise
        finally:
            heartbeat.cancel()
        sent = [row.id for row in live]
        await asyncio.to_thread(
            self._finish, recipient.staff_id, sent, dead, now, message.message_id
        )
        tally.sent += 1
        tally.cancelled += len(dead)

    @staticmethod
    async def _send(bot: Bot, recipient: Recipient, text: str, markup: Any) -> Message:
        """Send a digest; if Telegram refuses its HTML, send it once more as plain text."""
        try:
            return await bot.send_message(chat_id=recipient.chat_id, text=text, reply_markup=markup)
        except BadRequest as exc:
            if _gone(exc) or "parse" not in exc.message.lower():
                raise
            log.error("digest for staff %s refused as HTML: %s", recipient.staff_id, exc)
            return await bot.send_message(
                chat_id=recipient.chat_id, text=_plain(text), reply_markup=markup, parse_mode=None
            )

    async def _keep_claim(self, staff_id: int) -> None:
        """Renew the claim while a digest is on its way (rate-limit waits can be long), so
        another process never takes over a claim that is alive."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            await asyncio.to_thread(self._renew, staff_id)

    def _renew(self, staff_id: int) -> None:
        with self.uow() as uow:
            uow.reminders.renew(staff_id, self.token, self.clock.now())
            uow.commit()

    def _claim(self, staff_id: int) -> list[PendingRow] | None:
        now = self.clock.now()
        with self.uow() as uow:
            if not uow.reminders.claim(staff_id, self.token, now, now - self.lease):
                return None
            rows = uow.reminders.pending(staff_id)
            uow.commit()
            return rows

    def _release(self, staff_id: int) -> None:
        with self.uow() as uow:
            uow.reminders.release(staff_id, self.token)
            uow.commit()

    def _finish(
        self,
        staff_id: int,
        done: Sequence[int],
        dead: Sequence[int],
        now: datetime,
        message_id: int | None,
        status: str = SENT,
    ) -> None:
        with self.uow() as uow:
            uow.reminders.close(done, status, now, message_id)
            uow.reminders.close(dead, CANCELLED, now)
            uow.reminders.release(staff_id, self.token)
            uow.commit()

    @staticmethod
    def _split(
        plan: SweepPlan, staff_id: int, rows: Iterable[PendingRow]
    ) -> tuple[list[PendingRow], list[int]]:
        """Split pending rows into those still live today and those to cancel.

        A row written after this plan was made (by another process, from newer facts) is
        neither: this plan cannot judge it, so it stays pending for the next sweep.
        """
        live: list[PendingRow] = []
        dead: list[int] = []
        for row in rows:
            if row.created_at > plan.now:
                continue
            if row.rule == WEEKLY_RULE:
                # This week's overview, while the department still has something overdue.
                department = int(row.subject.rsplit(":", 1)[1])
                current = row.due == _monday(plan.today) and (
                    department in plan.overdue_by_department
                )
            else:
                current = (row.rule, row.subject, row.due, staff_id) in plan.live
            if current:
                live.append(row)
            else:
                dead.append(row.id)
        return live, dead

    def _render(
        self, plan: SweepPlan, rows: list[PendingRow], names: dict[int, str], staff_id: int
    ) -> tuple[Markup, Any]:
        """One digest: each live item once, at its latest stage, plus the weekly overview.

        An item back after a snooze shows as what it is to this person: an escalation to a
        leader who is not responsible for it, else its stage today.
        """
        latest: dict[ItemKey, str] = {}
        departments: list[int] = []
        for row in rows:
            if row.rule == WEEKLY_RULE:
                departments.append(int(row.subject.rsplit(":", 1)[1]))
                continue
            key = (row.rule, row.subject, row.due)
            if key not in latest or stage_rank(row.stage) > stage_rank(latest[key]):
                latest[key] = row.stage
        entries = []
        for key, latest_stage in latest.items():
            item = plan.items[key]
            shown = latest_stage
            if stage_kind(latest_stage) == AGAIN:
                if staff_id not in item.responsible:
                    shown = ESCALATION
                else:
                    shown = stage_on(item.rule, item.due, plan.today) or latest_stage
            entries.append(Entry(item, shown))
        sections = [self._weekly(plan, department, names) for department in sorted(departments)]
        return digest(self.texts, entries, plan.today, names, sections)

    def _weekly(self, plan: SweepPlan, department: int, names: dict[int, str]) -> str:
        """The leader's weekly overview: overdue items in the department, by resident."""
        tx = self.texts
        # Residents first, then substitutes (their onboarding steps), each by name.
        by_resident: dict[tuple[bool, str], list[DueItem]] = defaultdict(list)
        for item in plan.overdue_by_department.get(department, []):
            substitute = item.rule in ONBOARDING_RULES
            by_resident[substitute, item.params.get("name", "")].append(item)
        lines: list[str] = []
        for substitute, name in sorted(by_resident):
            heading = "reminders.weekly_substitute" if substitute else "reminders.weekly_resident"
            lines.append(tx(heading, name=name))
            for item in sorted(by_resident[substitute, name], key=lambda i: i.due):
                people = ", ".join(names[p] for p in item.responsible if p in names)
                late = (plan.today - item.due).days
                lines.append(
                    tx(
                        "reminders.weekly_line_one" if late == 1 else "reminders.weekly_line",
                        title=title(tx, item),
                        days=late,
                        people=people or tx.plain("reminders.nobody"),
                    )
                )
        return tx(
            "reminders.weekly",
            department=plan.department_names.get(department, ""),
            lines=Markup("\n".join(lines) if lines else tx("reminders.weekly_none")),
        )

    # --- the whole sweep --------------------------------------------------------------------

    async def sweep(self, bot: Bot) -> SweepReport:
        """Plan, record and deliver once; a sweep still running makes this one wait."""
        loop = asyncio.get_running_loop()
        async with self._running:
            now = self.clock.now()
            started = loop.time()
            plan = await asyncio.to_thread(self.plan, now)
            planned = loop.time()
            recorded = await asyncio.to_thread(self.record, plan, now)
            stored = loop.time()
            tally = await self.deliver(bot, plan, now)
            finished = loop.time()
        report = SweepReport(
            residents=plan.residents,
            items=len(plan.items),
            recorded=recorded,
            sent=tally.sent,
            cancelled=tally.cancelled,
            failed=tally.failed,
            outside_hours=tally.outside_hours,
            busy=tally.busy,
            plan_seconds=planned - started,
            record_seconds=stored - planned,
            deliver_seconds=finished - stored,
        )
        log.info("reminder sweep: %s", report)
        return report


def _plain(html_text: str) -> str:
    """Return Telegram HTML as plain text: tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", html_text))


def _gone(exc: TelegramError) -> bool:
    """Tell whether Telegram says the person cannot be reached at all (blocked, no chat)."""
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()


def _row(delivery: Delivery) -> dict[str, Any]:
    return {
        "rule": delivery.rule,
        "subject": delivery.subject,
        "due": delivery.due,
        "stage": delivery.stage,
        "recipient_id": delivery.recipient_id,
        "resident_id": delivery.resident_id or None,  # onboarding items have no resident
    }


# What the residents' rules gave one resident in a sweep: the facts they were given, the
# items with reminders, all those reminders, and the overdue items (for the weekly overview).
ResidentPlan = tuple[ResidentFacts, dict[ItemKey, DueItem], list[Delivery], list[DueItem]]
# Those of every resident, with the day and snoozes they hold for.
KeptPlans = tuple[
    tuple[date, Snoozes, Mapping[tuple[str, str, date, int], date]], dict[int, ResidentPlan]
]


def _plan_residents(
    plan: SweepPlan,
    facts: Sequence[ResidentFacts],
    within: Window,
    snoozed: Snoozes,
    ended: Mapping[tuple[str, str, date, int], date],
    leaders: dict[int, tuple[int, ...]],
    kept: dict[int, ResidentPlan] | None = None,
    *,
    recorded: bool = False,
) -> None:
    """Add the items and deliveries of some residents to the plan.

    kept: each resident's part of the last plan made with the same window, snoozes and
    snoozes ended (the caller checks). A resident whose facts are equal gets it again, as the
    pure rules and stages would give it; the others are planned and kept for the next time.
    recorded: that last plan was recorded, so the deliveries of the kept parts are in the
    ledger; only the others go to plan.fresh. Otherwise every delivery does.
    """
    today = within.today
    items = plan.items
    overdue = plan.overdue_by_department
    planned = plan.deliveries.extend  # each one live too (plan.live is made from them)
    fresh = plan.fresh
    for resident in facts:
        part = old = kept.get(resident.resident_id) if kept is not None else None
        if part is None or part[0] != resident:
            given: dict[ItemKey, DueItem] = {}
            reminders: list[Delivery] = []
            late: list[DueItem] = []
            for item in window_items(resident, within):
                if item.due < today and item.rule not in INFORMATIONAL:
                    # In the leaders' overview even when nobody is reminded of it (no
                    # kontaktteam yet, or everybody snoozed it).
                    late.append(item)
                found = deliveries(item, today, resident.leader_ids, snoozed, ended)
                if found:
                    given[item.rule, item.subject, item.due] = item
                    reminders += found
            part = (resident, given, reminders, late)
            if kept is not None:
                kept[resident.resident_id] = part
            if recorded and old is not None:
                before = {d[:5] for d in old[2]}  # d[:5] is d.key, without a call
                fresh += [d for d in reminders if d[:5] not in before]
            else:
                fresh += reminders
        elif not recorded:
            fresh += part[2]
        _, given, reminders, late = part
        items.update(given)
        planned(reminders)
        if late:
            department = resident.department_id
            overdue.setdefault(department, []).extend(late)
            leaders[department] = resident.leader_ids


def _plan_onboarding(
    plan: SweepPlan,
    uow: UnitOfWork,
    today: date,
    horizon: int,
    snoozed: Snoozes,
    ended: Mapping[tuple[str, str, date, int], date],
    leaders: dict[int, tuple[int, ...]],
) -> None:
    """Add substitutes' onboarding steps and access ends to the plan (bot.reminders.onboarding).

    An overdue step goes into the weekly overview of each of the substitute's departments.
    """
    department_leaders = uow.reminders.department_leaders(today)
    until = today + timedelta(days=horizon)
    items: list[tuple[DueItem, tuple[int, ...], tuple[int, ...]]] = []
    for step in uow.onboarding.open_steps(until, today):
        items.append(
            (
                step_item(step, department_leaders),
                leaders_of(step.department_ids, department_leaders),
                step.department_ids,
            )
        )
    last = today + timedelta(days=heads_up_days(RULE_ACCESS_ENDS))
    for staff_id, name, last_day in uow.onboarding.access_ending(today, last):
        items.append((access_item(staff_id, name, last_day), (), ()))
    for item, item_leaders, departments in items:
        if item.due < today and item.rule not in INFORMATIONAL:
            for department in departments:
                plan.overdue_by_department.setdefault(department, []).append(item)
                leaders[department] = department_leaders.get(department, ())
        found = deliveries(item, today, item_leaders, snoozed, ended)
        if not found:
            continue
        plan.items[item.rule, item.subject, item.due] = item
        plan.deliveries.extend(found)
        for delivery in found:
            plan.live.add((item.rule, item.subject, item.due, delivery.recipient_id))
