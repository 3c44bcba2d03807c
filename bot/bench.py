"""Benchmarks: quick notes end to end, name resolution, peak memory, the reminder sweep, and
the crash test.

Run `python -m bot bench` (or `python -m bot.bench`); `--help` lists the options. Speed and
memory targets live here, never in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import platform
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Defaults, ExtBot

from bot import bench_workers
from bot.app import OFFLINE_TOKEN, BotApplication, build_application
from bot.clock import FixedClock, SystemClock
from bot.config import Settings
from bot.domain.access import Role
from bot.domain.goals import (
    EvaluationInterval,
    IntervalUnit,
    add_months,
    next_evaluation_date,
)
from bot.domain.matching import (
    DEFAULT_DIARY_TYPES,
    Candidate,
    CandidateIndex,
    parse_quick_note,
)
from bot.fakeapi import ApiCall, FakeBotApi, UpdateFactory
from bot.reminders.facts import facts_in_chunks
from bot.reminders.rules import (
    ADULT_CYCLE_MONTHS,
    DPU_MONTHS,
    FIRST_DPU_MONTHS,
    KOMPAS_MONTHS,
    LEADER_STEPS,
    RULE_DPU,
    RULE_IPEL_EVALUATION,
    RULE_KOMM_EVALUATION,
    RULE_KOMPAS,
    RULE_SAMARBEJDSAFTALE,
    SAMARBEJDSAFTALE_MONTHS,
    STATUS_STEPS,
    STEP_OFFSETS,
    STEPS_AFTER,
    STEPS_BEFORE,
    TeamMeetings,
    cycle_due,
)
from bot.reminders.stages import reminder_window
from bot.reminders.sweep import PLAN_CHUNK, ReminderEngine
from bot.services.directory import Directory
from bot.storage import models
from bot.storage.db import create_db_engine, upgrade
from bot.storage.models import Resident, Staff
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import Texts

JSONDict = dict[str, Any]

MAX_RETRIES = 3
"""Retries the benchmark's rate limiter allows (the fake API never floods, so none are used)."""

WAIT_TIMEOUT = 60.0
"""Seconds a simulated user waits for the card or the confirmation before the run fails."""

FIRST_USER_ID = 500_001
SAVED_MARK = "Gemt"
_GEM_DATA = re.compile(r"^n:\d+:s:0$")
_UNDO_DATA = re.compile(r"^n:\d+:u:0$")

# Targets (see benchmarks/README.md).
TARGET_INSTANT_RATE = 300.0
TARGET_INSTANT_P99_MS = 25.0
TARGET_SLOW_RATE = 100.0
TARGET_SLOW_P99_MS = 300.0
TARGET_RESOLVE_P50_MS = 1.0
TARGET_RSS_MB = 150.0
TARGET_EVIDENCE_P50_MS = 50.0
TARGET_CHART_P50_MS = 300.0
TARGET_SWEEP_S = 1.0
TARGET_SWEEP_RSS_MB = 200.0
TARGET_SWEEP_RESIDENTS = 10_000

# --- Realistic Danish data ------------------------------------------------------------------

FIRST_NAMES: tuple[str, ...] = (
    "Mia", "Emma", "Ida", "Sofia", "Freja", "Clara", "Laura", "Alma", "Ella", "Anna",
    "Josefine", "Karla", "Alberte", "Olivia", "Maja", "Agnes", "Lærke", "Sofie", "Nora",
    "Astrid", "Frida", "Liva", "Esther", "Signe", "Caroline", "Mathilde", "Emilie", "Julie",
    "Sara", "Cecilie", "Nanna", "Amalie", "Rosa", "Asta", "Vigga", "Ellen", "Luna",
    "Isabella", "Victoria", "Marie", "Anne Sofie", "Anne Mette", "Mille", "Naja", "Thea",
    "William", "Noah", "Oscar", "Lucas", "Carl", "Victor", "Malthe", "Alfred", "Emil",
    "Aksel", "Valdemar", "Elias", "Magnus", "Oliver", "August", "Arthur", "Frederik", "Felix",
    "Anton", "Johan", "Villads", "Theo", "Mads", "Mikkel", "Rasmus", "Søren", "Jonas",
    "Kasper", "Mathias", "Sebastian", "Tobias", "Nikolaj", "Christian", "Jakob", "Benjamin",
    "Storm", "Bertram", "Asger", "Ali", "Ahmed", "Mohammed", "Yusuf", "Bo", "Ib", "Åge",
    "Jens", "Niels", "Ole", "Peter", "Hans Christian", "Mads Emil", "Lauge", "Sigurd",
    "Halfdan", "Bjørn", "Ejnar", "Gustav", "Konrad", "Loke", "Marius", "Otto", "Silas",
)  # fmt: skip
INITIALS = "ABDEFGHJKLMNOPRSTVØ"
BODIES: tuple[str, ...] = (
    "pegede på saft",
    "har været glad hele formiddagen og spillede fodbold med de andre",
    "ville ikke i bad i aften, vi aftalte i morgen tidlig",
    "fortalte om weekenden hos mor – god stemning",
    "spiste kun lidt til frokost, klagede over ondt i maven",
    "var ked af det efter telefonsamtale med far",
    "gik selv til bussen og kom hjem til tiden",
    "lavede lektier i en time uden hjælp",
    "blev vred over skærmtid, faldt til ro efter en snak",
    "sov uroligt, vågnede kl. 3 og kunne ikke falde i søvn igen",
    "valgte selv aftensmad og hjalp med at dække bord",
    "har fået ny ven i klassen, de legede efter skole",
    "tog sin medicin uden at blive mindet om det",
    "brugte piktogrammer til at vise at hun ville ud",
    "skulle holdes fast i 2 min. pga. slag mod personale, se magtskema",
)  # fmt: skip


def danish_names(count: int, seed: int) -> list[str]:
    """Return count resident names like "Mia K." with duplicate first names, as in real homes."""
    rng = random.Random(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        first = rng.choice(FIRST_NAMES)
        name = f"{first} {rng.choice(INITIALS)}."
        if len(seen) < len(FIRST_NAMES) * len(INITIALS) and name in seen:
            continue  # small homes: unique names; beyond every combination, duplicates too
        seen.add(name)
        names.append(name)
    return names


def _typo(word: str, rng: random.Random) -> str:
    """Make one plausible phone typo: a swapped, dropped, doubled or wrong letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiorstn") + word[i + 1 :]


def quick_note_text(names: Sequence[str], rng: random.Random, typo_rate: float) -> tuple[str, bool]:
    """Return a quick note as staff type it ("mia k komm pegede på saft") and if it has a typo."""
    name = rng.choice(names)
    first, _, initial = name.rpartition(" ")
    typed_first = first.lower() if rng.random() < 0.8 else first
    type_name, aliases = rng.choice(DEFAULT_DIARY_TYPES)
    type_word = rng.choice((*aliases, type_name.split()[0].lower()))
    typo = rng.random() < typo_rate
    if typo:
        if rng.random() < 0.5 and len(typed_first) >= 5:
            typed_first = _typo(typed_first, rng)
        else:
            type_word = _typo(type_word, rng)
    head = f"{typed_first} {initial.rstrip('.').lower()}" if rng.random() < 0.7 else typed_first
    return f"{head} {type_word} {rng.choice(BODIES)}", typo


# --- Database ---------------------------------------------------------------------------------


def seed_database(url: str, residents: Sequence[str], telegram_ids: Sequence[int]) -> None:
    """Create one department with these residents and staff (medarbejdere) in it."""
    now = SystemClock().now()
    engine = create_db_engine(url)
    try:
        with UnitOfWorkFactory(engine)() as uow:
            department, _ = uow.org.get_or_create_department("Bench", now)
            assert department.id is not None
            for i, name in enumerate(residents):
                uow.session.add(
                    Resident(
                        display_name=name,
                        birth_date=date(2006 + i % 10, 1 + i % 12, 1 + i % 28),
                        department_id=department.id,
                        enrolment_date=date(2020, 8, 1),
                        created_at=now,
                        updated_at=now,
                    )
                )
            for tg_id in telegram_ids:
                uow.staff.add(
                    Staff(
                        telegram_user_id=tg_id,
                        display_name=f"Medarbejder {tg_id}",
                        role=Role.MEDARBEJDER.value,
                        created_at=now,
                    ),
                    [department.id],
                )
            uow.commit()
    finally:
        engine.dispose()


def make_template(path: Path, residents: Sequence[str], telegram_ids: Sequence[int]) -> float:
    """Migrate and seed a SQLite file that runs copy; return the seconds migrating took."""
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    took = time.perf_counter() - started
    engine.dispose()  # the last connection checkpoints the WAL into the file
    seed_database(url, residents, telegram_ids)
    return took


def copy_database(template: Path, target: Path) -> str:
    """Copy a checkpointed template to target and return its URL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def count_notes(url: str) -> tuple[int, int]:
    """Return (notes, distinct sources) stored in the database."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT count(*), count(DISTINCT source_chat_id || ':' || source_message_id) "
                    "FROM diary_note"
                )
            ).one()
            return int(row[0]), int(row[1])
    finally:
        engine.dispose()


def valid_texts(url: str, telegram_id: int, count: int, seed: int) -> tuple[list[str], int]:
    """Return count quick notes that resolve surely (so Gem is offered) and the typo count."""
    engine = create_db_engine(url)
    try:
        uow_factory = UnitOfWorkFactory(engine)
        directory = Directory()
        with uow_factory() as uow:
            actor = uow.staff.actor(telegram_id)
            assert actor is not None
            residents = directory.residents(uow, actor)
            types = directory.types(uow, SystemClock().now())
        names = list(residents.names.values())
    finally:
        engine.dispose()
    rng = random.Random(seed)
    texts: list[str] = []
    typos = 0
    while len(texts) < count:
        text, typo = quick_note_text(names, rng, typo_rate=0.25)
        parsed = parse_quick_note(text, residents.index, types.index)
        if parsed.resident.status == "sure" and parsed.diary_type.status == "sure" and parsed.body:
            texts.append(text)
            typos += typo
    return texts, typos


# --- Scenario (a): quick notes end to end -------------------------------------------------------


@dataclass(frozen=True)
class NotesConfig:
    """One end-to-end run."""

    name: str
    users: int
    latency: float
    notes: int
    warmup: int
    rate: float | None = None
    """Offered notes per second over all users (paced); None: each user as fast as possible."""
    workers: int = 1
    """Bot processes (BOT_WORKERS): 1 runs the bot in this process, more run bot.shards workers."""


@dataclass
class NotesResult:
    """What one end-to-end run measured."""

    name: str
    users: int
    api_rtt_ms: float
    offered_rate: float | None
    notes: int
    elapsed_s: float
    notes_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    gem_p50_ms: float
    gem_p99_ms: float
    card_p50_ms: float
    confirmations: int
    db_notes: int
    db_distinct_sources: int
    db_ok: bool
    typo_texts: int
    start_s: float
    peak_rss_kib: int
    cpu_ms_per_note: float
    """Process CPU time (all threads) per saved note: steadier than wall time on a busy host."""
    load_avg: float
    """The host's 1-minute load average when the run ended (other processes skew wall times)."""
    steal_pct: float | None = None
    """CPU time the hypervisor gave to other machines during the measured seconds, in percent
    of this machine's CPU time (steal_share); None where the kernel does not report it."""


class _Budget:
    """A shared count of interactions still to start; with `until`, also until it is set."""

    def __init__(self, total: int, until: asyncio.Event | None = None) -> None:
        self.left = total
        self.until = until
        self.deadline = time.perf_counter() + START_UP_WAIT_S

    def take(self) -> bool:
        """Claim one interaction; False when none are left."""
        if self.left <= 0:
            if self.until is None or self.until.is_set():
                return False
            if time.perf_counter() > self.deadline:
                raise BenchFailure("the bot's start-up reminder sweep never finished")
        self.left -= 1
        return True


START_UP_WAIT_S = 60.0
"""Longest warm-up while waiting for the start-up reminder sweep (bot.reminders.job.FIRST_RUN)."""


def on_start_up_sweep(app: BotApplication, done: Callable[[], None]) -> None:
    """Call done() once the bot's first reminder sweep has finished (a primary bot process).

    The sweep runs FIRST_RUN after start-up and every REMINDER_SWEEP_MINUTES after that. The
    first one also fills SQLAlchemy's statement caches (~40 ms of CPU against ~14 ms later, at
    50 residents). The warm-up lasts until it is done, under the same load, so that the
    measured seconds are the steady state of a running bot: a sweep every five minutes, none
    in a window of a few seconds.
    """
    engine = app.bot_data.reminders
    if engine is None:
        done()
        return
    sweep = engine.sweep

    async def reported(bot: Any) -> Any:
        report = await sweep(bot)
        engine.sweep = sweep  # type: ignore[method-assign]
        done()
        return report

    engine.sweep = reported  # type: ignore[method-assign]


class BenchFailure(RuntimeError):
    """The bot did not answer as a user expects (no card, no Gem button, no confirmation)."""


@dataclass(frozen=True)
class Interaction:
    """One note as the user lived it: the times and the source message it was saved from."""

    total: float
    card: float
    gem: float
    chat_id: int
    message_id: int
    already_saved: bool
    """A redelivered note whose card came back already saved ("Gemt" without a new press)."""


class NotesDriver:
    """Simulated staff: send a note, wait for the card, press Gem, wait for "Gemt"."""

    def __init__(self, app: BotApplication, api: FakeBotApi, factory: UpdateFactory) -> None:
        self.app = app
        self.api = api
        self.factory = factory
        self.confirmations = 0
        self._cards: dict[int, asyncio.Future[JSONDict]] = {}
        self._saved: dict[int, asyncio.Future[str]] = {}
        self._answers: dict[str, asyncio.Future[None]] = {}
        self._deleted: dict[tuple[int, int], asyncio.Future[None]] = {}
        self.wait_for_delete = app.bot_data.services is None or (
            app.bot_data.services.settings.delete_note_messages
        )
        api.add_listener(self._on_call)

    def _on_call(self, call: ApiCall, result: Any) -> None:
        """Resolve the future a user waits on (runs synchronously inside the fake API)."""
        if call.method == "sendMessage":
            card = self._cards.pop(int(call.params["chat_id"]), None)
            if card is not None and not card.done():
                card.set_result(result)
        elif call.method == "editMessageText" and SAVED_MARK in str(call.params.get("text", "")):
            saved = self._saved.pop(int(call.params["chat_id"]), None)
            if saved is not None and not saved.done():
                saved.set_result(str(call.params["text"]))
        elif call.method == "answerCallbackQuery":
            answered = self._answers.pop(str(call.params.get("callback_query_id")), None)
            if answered is not None and not answered.done():
                answered.set_result(None)
        elif call.method == "deleteMessage":
            key = (int(call.params["chat_id"]), int(call.params["message_id"]))
            deleted = self._deleted.pop(key, None)
            if deleted is not None and not deleted.done():
                deleted.set_result(None)
        # Nothing reads the call log; trimming it keeps the fake's memory out of the figures.
        self.api.calls.clear()

    async def put(self, data: JSONDict) -> None:
        """Hand an update to the application as the updater would."""
        await self.app.update_queue.put(Update.de_json(data, self.app.bot))

    def message_update(self, user: JSONDict, text: str, message_id: int | None) -> JSONDict:
        """Build the text update; a chosen message_id makes it a redelivery of that message."""
        if message_id is None:
            return self.factory.message(user, text)
        chat = UpdateFactory.private_chat(user)
        self.api.record_incoming(int(user["id"]), message_id, text, chat=chat, from_user=user)
        message = {
            "message_id": message_id,
            "from": dict(user),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        return {"update_id": self.factory.next_update_id(), "message": message}

    async def interaction(
        self,
        user: JSONDict,
        text: str,
        *,
        message_id: int | None = None,
        on_saved: Callable[[int, int, bool], None] | None = None,
    ) -> Interaction:
        """Send one note, press Gem on its card and wait until the card says "Gemt"."""
        # on_saved(chat_id, message_id, already_saved) runs the moment the user sees "Gemt".
        # Then the interaction waits until the bot has deleted the note's source message, the
        # last thing it does for the press, so the user's next note does not queue behind it.
        chat_id = int(user["id"])
        loop = asyncio.get_running_loop()
        card_future: asyncio.Future[JSONDict] = loop.create_future()
        self._cards[chat_id] = card_future
        started = time.perf_counter()
        update = self.message_update(user, text, message_id)
        source_id = int(update["message"]["message_id"])
        deleted: asyncio.Future[None] = loop.create_future()
        self._deleted[(chat_id, source_id)] = deleted
        await self.put(update)
        card = await asyncio.wait_for(card_future, WAIT_TIMEOUT)
        carded = time.perf_counter()
        data = gem_button(card)
        message = self.api.message_dict(chat_id, int(card["message_id"]))
        if data is None:
            undo = undo_button(card)
            if SAVED_MARK not in str(card.get("text", "")) or undo is None:
                raise BenchFailure(f"no Gem button on the answer to {text!r}: {card.get('text')!r}")
            # Saved before a crash: the card says so, and the redelivered press changes nothing.
            self.confirmations += 1
            if on_saved is not None:
                on_saved(chat_id, source_id, True)
            press = self.factory.callback(
                user, undo.replace(":u:", ":s:"), message, check_buttons=False
            )
            answered: asyncio.Future[None] = loop.create_future()
            self._answers[str(press["callback_query"]["id"])] = answered
            await self.put(press)
            await asyncio.wait_for(answered, WAIT_TIMEOUT)
            done = time.perf_counter()
            await self._wait_deleted(deleted, chat_id, source_id)
            return Interaction(
                carded - started, carded - started, done - carded, chat_id, source_id, True
            )
        saved_future: asyncio.Future[str] = loop.create_future()
        self._saved[chat_id] = saved_future
        pressed = time.perf_counter()
        await self.put(self.factory.callback(user, data, message))
        await asyncio.wait_for(saved_future, WAIT_TIMEOUT)
        done = time.perf_counter()
        self.confirmations += 1
        if on_saved is not None:
            on_saved(chat_id, source_id, False)
        await self._wait_deleted(deleted, chat_id, source_id)
        return Interaction(
            done - started, carded - started, done - pressed, chat_id, source_id, False
        )

    async def _wait_deleted(
        self, deleted: asyncio.Future[None], chat_id: int, message_id: int
    ) -> None:
        if self.wait_for_delete:
            await asyncio.wait_for(deleted, WAIT_TIMEOUT)
        self._deleted.pop((chat_id, message_id), None)


def _button_matching(message: JSONDict, pattern: re.Pattern[str]) -> str | None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if isinstance(data, str) and pattern.match(data):
                return data
    return None


def gem_button(message: JSONDict) -> str | None:
    """Return the callback data of the card's Gem button, if it has one."""
    return _button_matching(message, _GEM_DATA)


def undo_button(message: JSONDict) -> str | None:
    """Return the callback data of a saved card's Fortryd button, if it has one."""
    return _button_matching(message, _UNDO_DATA)


def bench_rate_limiter() -> AIORateLimiter:
    """Return the limiter the benchmark uses: no overall limit (private chats have none)."""
    return AIORateLimiter(overall_max_rate=0, max_retries=MAX_RETRIES)


def bench_application(
    db_url: str,
    api: FakeBotApi,
    *,
    primary: bool = True,
    polling: bool = True,
    freeze_heap: bool = False,
) -> BotApplication:
    """Build the real application as every benchmark runs it (a worker: polling=False)."""
    return build_application(
        bench_settings(db_url),
        request=api,
        clock=SystemClock(),
        rate_limiter=bench_rate_limiter(),
        migrate=False,
        primary=primary,
        polling=polling,
        freeze_heap=freeze_heap,
    )


def bench_settings(db_url: str) -> Settings:
    """Return the settings of a benchmark run."""
    return Settings(
        _env_file=None,
        database_url=db_url,
        telegram_bot_token=None,
        delete_note_messages=True,
    )


def _percentile(values: Sequence[float], q: float) -> float:
    """Return the q-quantile (0..1) of values, nearest-rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[rank]


class _Lived(Protocol):
    @property
    def total(self) -> float: ...
    @property
    def card(self) -> float: ...
    @property
    def gem(self) -> float: ...


class _Driver(Protocol):
    async def interaction(self, user: JSONDict, text: str) -> _Lived: ...


async def _users_run(
    driver: _Driver,
    users: Sequence[JSONDict],
    texts: dict[int, list[str]],
    cursor: dict[int, int],
    total: int,
    rate: float | None,
    until: asyncio.Event | None = None,
) -> list[tuple[float, float, float]]:
    """Let every user loop over their texts until total interactions are done (and, with
    `until`, until it is set)."""
    budget = _Budget(total, until)
    samples: list[tuple[float, float, float]] = []
    interval = len(users) / rate if rate else None
    origin = time.perf_counter()

    async def one_user(position: int, user: JSONDict) -> None:
        uid = int(user["id"])
        next_at = origin + (interval * position / len(users) if interval else 0.0)
        while budget.take():
            if interval is not None:
                delay = next_at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
            own = texts[uid]
            text = own[cursor[uid] % len(own)]
            cursor[uid] += 1
            done = await driver.interaction(user, text)
            samples.append((done.total, done.card, done.gem))

    await asyncio.gather(*(one_user(i, u) for i, u in enumerate(users)))
    return samples


def host_cpu_times() -> list[int] | None:
    """The host's CPU time so far by kind (the `cpu` line of /proc/stat, in ticks)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    return [int(x) for x in fields[1:]] if fields and fields[0] == "cpu" else None


STEAL_FIELD = 7
"""Index of `steal` in /proc/stat's cpu line (user nice system idle iowait irq softirq steal)."""


def steal_share(before: list[int] | None, after: list[int] | None) -> float | None:
    """The share of this machine's CPU time the hypervisor gave to others between two readings.

    A virtual machine's cores are time-shared with other machines on the same host: while a
    core is stolen, every process on it waits, which shows in latency tails, not in CPU time.
    None where /proc/stat has no steal figure or no time passed.
    """
    if before is None or after is None or min(len(before), len(after)) <= STEAL_FIELD:
        return None
    deltas = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(deltas[: STEAL_FIELD + 1])
    return deltas[STEAL_FIELD] / total if total > 0 else None


@dataclass
class _Measured:
    samples: list[tuple[float, float, float]]
    elapsed: float
    cpu: float
    confirmations: int
    start_s: float
    steal: float | None


async def _run_notes_async(
    config: NotesConfig, db_url: str, texts: dict[int, list[str]]
) -> _Measured:
    api = FakeBotApi(latency=config.latency)
    factory = UpdateFactory(api)
    users = [factory.user(FIRST_USER_ID + i, f"Bruger{i}") for i in range(config.users)]
    started = time.perf_counter()
    app = bench_application(db_url, api, freeze_heap=True)
    cursor = {int(u["id"]): 0 for u in users}
    swept = asyncio.Event()
    on_start_up_sweep(app, swept.set)
    async with app:
        # As run_polling starts a bot process: the command list, the reminder sweep and the
        # WAL checkpoints are scheduled, and the start-up heap is frozen.
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        start_s = time.perf_counter() - started
        driver = NotesDriver(app, api, factory)
        try:
            await _users_run(driver, users, texts, cursor, config.warmup, config.rate, swept)
            host_from = host_cpu_times()
            measured_from = time.perf_counter()
            cpu_from = time.process_time()
            samples = await _users_run(driver, users, texts, cursor, config.notes, config.rate)
            elapsed = time.perf_counter() - measured_from
            cpu = time.process_time() - cpu_from
            steal = steal_share(host_from, host_cpu_times())
        finally:
            await app.stop()
            gc.unfreeze()  # this process goes on to other runs: let this one's objects go
    services = app.bot_data.services
    if services is not None:
        services.uow.close()
    return _Measured(samples, elapsed, cpu, driver.confirmations, start_s, steal)


async def _run_sharded_async(
    config: NotesConfig, db_url: str, texts: dict[int, list[str]]
) -> tuple[_Measured, int]:
    """Run the users against config.workers bot processes; also return their peak RSS (KiB)."""
    factory = UpdateFactory()
    users = [factory.user(FIRST_USER_ID + i, f"Bruger{i}") for i in range(config.users)]
    started = time.perf_counter()
    workers = await bench_workers.start_workers(db_url, config.workers, config.latency)
    driver = bench_workers.ShardedDriver(workers)
    cursor = {int(u["id"]): 0 for u in users}
    try:
        # The warm-up also waits out the workers' start (their first updates queue in the pipe)
        # and the primary's start-up reminder sweep (on_start_up_sweep).
        await _users_run(driver, users, texts, cursor, config.warmup, config.rate, driver.swept)
        start_s = time.perf_counter() - started
        host_from = host_cpu_times()
        measured_from = time.perf_counter()
        cpu_from = time.process_time() + driver.worker_cpu_seconds()
        samples = await _users_run(driver, users, texts, cursor, config.notes, config.rate)
        elapsed = time.perf_counter() - measured_from
        cpu = time.process_time() + driver.worker_cpu_seconds() - cpu_from
        steal = steal_share(host_from, host_cpu_times())
    finally:
        peaks = await driver.close()
    measured = _Measured(samples, elapsed, cpu, driver.confirmations, start_s, steal)
    return measured, max(peaks)


def run_notes(
    config: NotesConfig, template: Path, workdir: Path, *, profile: Profiler | None = None
) -> NotesResult:
    """Run one end-to-end scenario on a fresh copy of the seeded database."""
    db_url = copy_database(template, workdir / config.name / "bench.db")
    texts: dict[int, list[str]] = {}
    typos = 0
    per_user = max(40, (config.notes + config.warmup) // config.users + 1)
    for i in range(config.users):
        uid = FIRST_USER_ID + i
        texts[uid], typo_count = valid_texts(db_url, uid, per_user, seed=uid)
        typos += typo_count

    async def main() -> _Measured:
        loop = asyncio.get_running_loop()
        executor = profile.executor() if profile is not None else None
        if executor is not None:
            loop.set_default_executor(executor)
        with profile.on_loop() if profile is not None else _nothing():
            return await _run_notes_async(config, db_url, texts)

    worker_peak_kib = 0
    if config.workers > 1:
        measured, worker_peak_kib = asyncio.run(_run_sharded_async(config, db_url, texts))
    else:
        measured = asyncio.run(main())
    samples, elapsed, confirmations = measured.samples, measured.elapsed, measured.confirmations
    db_notes, distinct = count_notes(db_url)
    totals = [s[0] * 1000 for s in samples]
    gems = [s[2] * 1000 for s in samples]
    cards = [s[1] * 1000 for s in samples]
    return NotesResult(
        name=config.name,
        users=config.users,
        api_rtt_ms=config.latency * 1000,
        offered_rate=config.rate,
        notes=len(samples),
        elapsed_s=elapsed,
        notes_per_s=len(samples) / elapsed if elapsed > 0 else 0.0,
        p50_ms=_percentile(totals, 0.5),
        p99_ms=_percentile(totals, 0.99),
        max_ms=max(totals, default=float("nan")),
        gem_p50_ms=_percentile(gems, 0.5),
        gem_p99_ms=_percentile(gems, 0.99),
        card_p50_ms=_percentile(cards, 0.5),
        confirmations=confirmations,
        db_notes=db_notes,
        db_distinct_sources=distinct,
        db_ok=db_notes == confirmations == distinct,
        typo_texts=typos,
        start_s=measured.start_s,
        peak_rss_kib=max(peak_rss_kib(), worker_peak_kib),
        cpu_ms_per_note=measured.cpu * 1000 / len(samples) if samples else float("nan"),
        load_avg=os.getloadavg()[0],
        steal_pct=measured.steal * 100 if measured.steal is not None else None,
    )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def notes_configs(quick: bool) -> list[NotesConfig]:
    """Return the end-to-end runs: 1 and 50 users, instant and 50 ms Bot API, plus paced runs."""
    scale = 10 if quick else 1
    return [
        NotesConfig("notes-1u-instant", 1, 0.0, 600 // scale, 60 // scale),
        NotesConfig("notes-50u-instant", 50, 0.0, 3000 // scale, 300 // scale),
        NotesConfig(
            "notes-50u-instant-paced", 50, 0.0, 1500 // scale, 150 // scale, TARGET_INSTANT_RATE
        ),
        NotesConfig("notes-1u-50ms", 1, 0.05, 60 // scale, 5),
        NotesConfig("notes-50u-50ms", 50, 0.05, 1000 // scale, 100 // scale),
        NotesConfig("notes-50u-50ms-paced", 50, 0.05, 600 // scale, 60 // scale, TARGET_SLOW_RATE),
        # The same 50 users over two bot processes (BOT_WORKERS=2, bot.shards).
        NotesConfig("notes-50u-instant-2w", 50, 0.0, 3000 // scale, 300 // scale, workers=2),
        NotesConfig(
            "notes-50u-instant-2w-paced",
            50,
            0.0,
            1500 // scale,
            150 // scale,
            TARGET_INSTANT_RATE,
            workers=2,
        ),
        NotesConfig("notes-50u-50ms-2w", 50, 0.05, 1000 // scale, 100 // scale, workers=2),
    ]


# --- Profiling ----------------------------------------------------------------------------------


class Profiler:
    """cProfile on the event loop thread and, separately, on every worker thread."""

    # With clock "cpu" each thread is timed by its own CPU time (time.thread_time), so waits
    # (the SQLite lock, the GIL, epoll) drop out and what is left is where the work goes.

    def __init__(self, clock: str = "cpu") -> None:
        self.clock = clock
        self._timer = time.thread_time if clock == "cpu" else time.perf_counter
        self.loop_profile = cProfile.Profile(self._timer)
        self.worker_profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _start_worker(self) -> None:
        profile = cProfile.Profile(self._timer)
        with self._lock:
            self.worker_profiles.append(profile)
        profile.enable()

    def executor(self) -> ThreadPoolExecutor:
        """Return a default executor (asyncio.to_thread) whose threads are profiled."""
        workers = min(32, (os.cpu_count() or 1) + 4)  # asyncio's default size
        return ThreadPoolExecutor(workers, initializer=self._start_worker)

    @contextmanager
    def on_loop(self) -> Iterator[None]:
        """Profile the event loop thread inside the block."""
        self.loop_profile.enable()
        try:
            yield
        finally:
            self.loop_profile.disable()

    def report(self, out_dir: Path, top: int, notes: int) -> str:
        """Write .prof files; return where the time goes by component and the top functions."""
        out_dir.mkdir(parents=True, exist_ok=True)
        self.loop_profile.dump_stats(out_dir / "loop.prof")
        loop = pstats.Stats(self.loop_profile)
        sections = [("event loop thread", loop)]
        if self.worker_profiles:
            for profile in self.worker_profiles:
                profile.create_stats()
            workers = pstats.Stats(self.worker_profiles[0])
            for profile in self.worker_profiles[1:]:
                workers.add(profile)
            workers.dump_stats(out_dir / "workers.prof")
            sections.append(("worker threads (asyncio.to_thread: database use cases)", workers))
        unit = "CPU" if self.clock == "cpu" else "wall"
        parts = [f"Time per saved note by component ({unit} ms; builtins charged to their caller):"]
        for title, stats in sections:
            parts.append(_components(title, stats, notes))
        for title, stats in sections:
            parts.append(_top(title, stats, top))
        return "\n".join(parts)


_StatKey = tuple[str, int, str]
_StatRow = tuple[int, int, float, float, dict[_StatKey, tuple[int, int, float, float]]]

_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("site-packages/telegram/", "python-telegram-bot"),
    ("site-packages/sqlalchemy/", "SQLAlchemy"),
    ("site-packages/sqlmodel/", "SQLModel"),
    ("site-packages/pydantic", "pydantic"),
    ("site-packages/aiolimiter", "rate limiter"),
    ("bot/fakeapi.py", "fake Bot API (benchmark transport)"),
    ("bot/bench.py", "benchmark driver (simulated users)"),
    ("bot/domain/matching.py", "bot: matching"),
    ("bot/storage/", "bot: storage"),
    ("bot/services/", "bot: services"),
    ("bot/handlers/", "bot: handlers"),
    ("bot/", "bot: other"),
    ("asyncio/", "asyncio"),
    ("concurrent/futures", "thread pool"),
    ("/copy.py", "copy.deepcopy"),
    ("json/", "json"),
    ("logging/", "logging"),
    ("threading.py", "threading"),
)


def _component(key: _StatKey) -> str:
    filename, _, func = key
    if filename == "~":
        if "sqlite3" in func:
            return "sqlite3 (C: queries, commits)"
        if "epoll" in func or "select" in func:
            return "idle (epoll)"
        return ""
    for marker, name in _COMPONENTS:
        if marker in filename:
            return name
    return "other Python (stdlib)"


def _components(title: str, stats: pstats.Stats, notes: int) -> str:
    """Sum own time by component; builtins count for the component that called them."""
    raw: dict[_StatKey, _StatRow] = stats.stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for key, (_, _, own, _, callers) in raw.items():
        name = _component(key)
        if name:
            totals[name] = totals.get(name, 0.0) + own
            continue
        called = sum(c[2] for c in callers.values())
        for caller, (_, _, caller_own, _) in callers.items():
            share = own * (caller_own / called) if called else 0.0
            owner = _component(caller) or "other builtins"
            totals[owner] = totals.get(owner, 0.0) + share
        if not callers:
            totals["other builtins"] = totals.get("other builtins", 0.0) + own
    busy = sum(v for k, v in totals.items() if k != "idle (epoll)")
    lines = [f"  {title}: {busy * 1000 / max(notes, 1):.2f} ms per note"]
    for name, value in sorted(totals.items(), key=lambda kv: kv[1], reverse=True):
        if value * 1000 / max(notes, 1) >= 0.01:
            percent = f"{100 * value / busy:5.1f}%" if name != "idle (epoll)" and busy else ""
            lines.append(f"    {value * 1000 / max(notes, 1):7.2f} ms  {percent:>6}  {name}")
    return "\n".join(lines)


def _top(title: str, stats: pstats.Stats, top: int) -> str:
    """Format the functions with the most own time, then the most cumulative time."""
    lines = [f"--- {title} ---", _stats_block(stats, "tottime", top)]
    lines.append(_stats_block(stats, "cumulative", top))
    return "\n".join(lines)


def _stats_block(stats: pstats.Stats, key: str, top: int) -> str:
    raw: dict[_StatKey, _StatRow] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in raw.values()) or 1.0
    own_time = key == "tottime"
    ranked = sorted(
        raw.items(), key=lambda item: item[1][2] if own_time else item[1][3], reverse=True
    )[:top]
    lines = [f"  by {key}: (total own time {total:.2f} s)", "    own s   cum s    calls  function"]
    for (filename, line, func), (_, calls, own, cum, _) in ranked:
        lines.append(f"  {own:7.3f} {cum:7.3f} {calls:8d}  {func}  {_short_path(filename)}:{line}")
    return "\n".join(lines)


def _short_path(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if "/bot/" in filename:
        return "bot/" + filename.rsplit("/bot/", 1)[1]
    if "python3.11/" in filename:
        return filename.split("python3.11/", 1)[1]
    return filename


# --- Components: what one note costs, piece by piece, without a profiler ----------------------


@dataclass
class ComponentResult:
    """Median cost of one call of a piece of the quick-note path, and how often a note needs it."""

    name: str
    median_us: float
    per_note: float
    where: str

    @property
    def per_note_ms(self) -> float:
        """Milliseconds this piece adds to one saved note."""
        return self.median_us * self.per_note / 1000


def _median_us(fn: Callable[[], object], repeat: int) -> float:
    timings: list[float] = []
    for _ in range(repeat):
        begin = time.perf_counter_ns()
        fn()
        timings.append((time.perf_counter_ns() - begin) / 1000)
    return statistics.median(timings)


def bench_components(template: Path, workdir: Path, repeat: int) -> list[ComponentResult]:
    """Time the pieces of one quick note one by one, in one thread, on the seeded database."""
    from bot.handlers.callbacks import NoteCardPress  # noqa: PLC0415 - handler internals
    from bot.handlers.note_views import note_card  # noqa: PLC0415
    from bot.services import notes, staff  # noqa: PLC0415

    db_url = copy_database(template, workdir / "components" / "bench.db")
    settings = bench_settings(db_url)
    engine = create_db_engine(settings.sqlalchemy_url, synchronous=settings.sqlite_synchronous)
    uow = UnitOfWorkFactory(engine)
    clock = SystemClock()
    directory = Directory()
    tx = Texts(settings.bot_locale)
    uid = FIRST_USER_ID
    texts, _ = valid_texts(db_url, uid, 50, seed=uid)
    api = FakeBotApi()
    factory = UpdateFactory(api)
    user = factory.user(uid, "Bruger")
    results: list[ComponentResult] = []

    def add(name: str, fn: Callable[[], object], per_note: float, where: str) -> None:
        fn()  # warm caches (statement cache, directory)
        results.append(ComponentResult(name, _median_us(fn, repeat), per_note, where))

    actor = staff.load_actor(uow(), uid)
    assert actor is not None
    add("load_actor (guard, every update)", lambda: staff.load_actor(uow(), uid), 2,
        "bot/handlers/access.py load_actor -> services/staff.py")  # fmt: skip
    message_id = iter(range(1, 10**9))
    drafts: list[int] = []

    def start() -> object:
        card = notes.start_quick_note(
            uow(), clock, directory, actor, uid, next(message_id), texts[len(drafts) % len(texts)]
        )
        drafts.append(card.draft_id)
        return card

    add("start_quick_note (text -> draft, commit)", start, 1, "bot/services/notes.py")
    pending = iter(list(drafts))  # one open draft per save_note call
    window = timedelta(minutes=settings.undo_minutes)
    add("save_note (Gem, commit)",
        lambda: notes.save_note(uow(), clock, directory, actor, next(pending), undo_window=window),
        1, "bot/services/notes.py")  # fmt: skip

    press = NoteCardPress(drafts[0], NoteCardPress.SAVE)
    add("NoteCardPress.pack (one button)", press.pack, 5, "bot/handlers/callbacks.py")
    add("NoteCardPress.parse (one press)", lambda: NoteCardPress.parse("n:12:s:0"), 1,
        "bot/handlers/callbacks.py")  # fmt: skip
    start()
    open_card = notes.show_card(uow(), clock, directory, actor, drafts[-1])
    add("note_card render (incl. pack)", lambda: note_card(tx, open_card, settings.tz,
        clock.now()), 2, "bot/handlers/note_views.py")  # fmt: skip
    text_update = factory.message(user, texts[0])
    add("Update.de_json (text update)", lambda: Update.de_json(text_update, None), 1,
        "telegram (the updater does this)")  # fmt: skip
    card_message = {
        "message_id": 1000,
        "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
        "chat": UpdateFactory.private_chat(user),
        "date": int(time.time()),
        "text": "Ny note",
        "reply_markup": {"inline_keyboard": [[{"text": "Gem", "callback_data": "n:1:s:0"}]]},
    }
    press_update = factory.callback(user, "n:1:s:0", card_message)
    add("Update.de_json (Gem press)", lambda: Update.de_json(press_update, None), 1,
        "telegram (the updater does this)")  # fmt: skip

    async def hop() -> float:
        loop = asyncio.get_running_loop()
        await asyncio.to_thread(int)
        timings = []
        for _ in range(repeat):
            begin = time.perf_counter_ns()
            await loop.run_in_executor(None, int)
            timings.append((time.perf_counter_ns() - begin) / 1000)
        return statistics.median(timings)

    results.append(
        ComponentResult(
            "thread hop (asyncio.to_thread, idle loop)",
            asyncio.run(hop()),
            4,
            "bot/context.py run()",
        )
    )
    engine.dispose()
    return results


def print_components(results: Sequence[ComponentResult]) -> None:
    """Print what one note costs, piece by piece."""
    print()
    print("Components of one quick note (median, one thread, no profiler; SQLite synchronous=FULL)")
    header = f"{'piece':44} {'per call':>10} {'x/note':>7} {'ms/note':>8}  where"
    print(header)
    print("-" * (len(header) + 30))
    for r in results:
        print(f"{r.name:44} {r.median_us:8.0f}us {r.per_note:7.0f} {r.per_note_ms:8.2f}  {r.where}")
    total = sum(r.per_note_ms for r in results if "render" not in r.name)
    print(
        f"  sum (render counted through its packs): {total:.2f} ms per note, before PTB's "
        "handler dispatch, the Bot API calls and persistence; 300 notes/s leaves 3.3 ms."
    )


# --- Evaluation evidence and the score chart (issue 3) ------------------------------------


@dataclass
class EvaluationResult:
    """Building a sub-goal's evidence over three months of daily notes and scores; the chart."""

    notes: int
    scores: int
    points: int
    evidence_p50_ms: float
    evidence_p99_ms: float
    chart_first_ms: float
    chart_p50_ms: float
    chart_p99_ms: float
    chart_bytes: int


def bench_evaluation(template: Path, workdir: Path, repeat: int) -> EvaluationResult:
    """Seed three months of history for one resident, then time the evidence and the chart."""
    from bot.domain.scores import DEFAULT_SCALE  # noqa: PLC0415 - this scenario only
    from bot.export.chart import score_chart_png  # noqa: PLC0415
    from bot.sample_plan import seed_sample_plan  # noqa: PLC0415
    from bot.services.evaluations import build_evidence  # noqa: PLC0415
    from bot.storage.models import Goal, SubGoal  # noqa: PLC0415

    db_url = copy_database(template, workdir / "evaluation" / "bench.db")
    settings = bench_settings(db_url)
    engine = create_db_engine(settings.sqlalchemy_url, synchronous=settings.sqlite_synchronous)
    uow = UnitOfWorkFactory(engine)
    tz = settings.tz
    today = SystemClock().now().astimezone(tz).date()
    with uow() as unit:
        types = {t.kind: t.id for t, _ in unit.diary_types.active_with_aliases()}
        names = {t.name: t.id for t, _ in unit.diary_types.active_with_aliases()}
        staff = unit.staff.actor(FIRST_USER_ID)
        assert staff is not None
    plan = seed_sample_plan(
        uow,
        resident_id=1,
        author_ids=[staff.staff_id],
        context_type_id=names["Kommunikationsforhold"] or 0,
        note_type_id=names["Kommunikationsforhold"] or 0,
        missing_type_id=types["missing_subgoal_work"] or 0,
        today=today,
        tz=tz,
        note_rate=1.0,  # a note and a score every day: the heaviest three months
        score_rate=1.0,
        missing_rate=0.0,
    )

    def evidence() -> tuple[object, tuple[tuple[date, int], ...]]:
        with uow(read_only=True) as unit:
            sub_goal = unit.session.get(SubGoal, plan.daily_sub_goal_id)
            assert sub_goal is not None
            goal = unit.session.get(Goal, sub_goal.goal_id)
            assert goal is not None
            return build_evidence(unit, tz, goal, sub_goal, today)

    evidence()  # warm the statement cache
    timings = []
    points: tuple[tuple[date, int], ...] = ()
    for _ in range(repeat):
        begin = time.perf_counter()
        _, points = evidence()
        timings.append((time.perf_counter() - begin) * 1000)

    def chart() -> bytes:
        period = (today - timedelta(days=92), today)
        return score_chart_png(list(points), DEFAULT_SCALE, "Scores", period)

    begin = time.perf_counter()
    png = chart()  # the first chart imports matplotlib and loads its fonts
    first = (time.perf_counter() - begin) * 1000
    chart_timings = []
    for _ in range(max(5, repeat // 10)):
        begin = time.perf_counter()
        chart()
        chart_timings.append((time.perf_counter() - begin) * 1000)
    engine.dispose()
    return EvaluationResult(
        notes=plan.notes,
        scores=plan.scores,
        points=len(points),
        evidence_p50_ms=statistics.median(timings),
        evidence_p99_ms=_percentile(timings, 0.99),
        chart_first_ms=first,
        chart_p50_ms=statistics.median(chart_timings),
        chart_p99_ms=_percentile(chart_timings, 0.99),
        chart_bytes=len(png),
    )


def print_evaluation(result: EvaluationResult) -> None:
    """Print the evaluation figures."""
    print()
    print(
        f"Evaluation of a daily-scored sub-goal: {result.notes} notes and {result.scores} scores "
        f"over three months ({result.points} chart points)"
    )
    print(f"  evidence: p50 {result.evidence_p50_ms:.1f} ms, p99 {result.evidence_p99_ms:.1f} ms")
    print(
        f"  chart PNG: p50 {result.chart_p50_ms:.0f} ms, p99 {result.chart_p99_ms:.0f} ms, "
        f"first call {result.chart_first_ms:.0f} ms (imports matplotlib), "
        f"{result.chart_bytes // 1024} KiB"
    )


# --- Scenario (b): resolution -------------------------------------------------------------------


@dataclass
class ResolveResult:
    """Latency of parse_quick_note against an index of some size."""

    residents: int
    build_ms: float
    queries: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    sure: int
    uncertain: int
    none: int


def type_index() -> CandidateIndex:
    """Return the index over the twelve default diary types and their aliases."""
    return CandidateIndex(
        Candidate(id=i, name=name, aliases=aliases, rank=i)
        for i, (name, aliases) in enumerate(DEFAULT_DIARY_TYPES, start=1)
    )


def bench_resolution(size: int, queries: int, seed: int) -> ResolveResult:
    """Time parse_quick_note on queries with typos against size residents."""
    names = danish_names(size, seed)
    ordered = sorted(names)
    started = time.perf_counter()
    residents = CandidateIndex(
        Candidate(id=i, name=name, rank=i) for i, name in enumerate(ordered, start=1)
    )
    build_ms = (time.perf_counter() - started) * 1000
    types = type_index()
    rng = random.Random(seed + 1)
    texts = [quick_note_text(names, rng, typo_rate=0.3)[0] for _ in range(queries)]
    for text in texts[:50]:
        parse_quick_note(text, residents, types)  # warm caches
    timings: list[float] = []
    counts = {"sure": 0, "uncertain": 0, "none": 0}
    clock = time.perf_counter_ns
    for text in texts:
        begin = clock()
        parsed = parse_quick_note(text, residents, types)
        timings.append((clock() - begin) / 1e6)
        counts[parsed.resident.status] += 1
    return ResolveResult(
        residents=size,
        build_ms=build_ms,
        queries=queries,
        p50_ms=_percentile(timings, 0.5),
        p99_ms=_percentile(timings, 0.99),
        mean_ms=statistics.fmean(timings),
        sure=counts["sure"],
        uncertain=counts["uncertain"],
        none=counts["none"],
    )


# --- Scenario (c): memory -----------------------------------------------------------------------


def peak_rss_kib() -> int:
    """Return this process's peak RSS in KiB (ru_maxrss; KiB on Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def vm_hwm_kib() -> int | None:
    """Return this process's own peak RSS from /proc (not inherited across fork and exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def current_rss_kib() -> int | None:
    """Return this process's current RSS in KiB from /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class MemoryResult:
    """Peak RSS of a fresh process that only runs the 50-user instant scenario."""

    scenario: str
    vm_hwm_kib: int | None
    ru_maxrss_kib: int
    rss_after_imports_kib: int | None
    notes: int
    seconds: float


def bench_memory(quick: bool, workdir: Path) -> MemoryResult:
    """Run scenario (a) with 50 users in a fresh interpreter and read its own peak RSS."""
    out = workdir / "memory.json"
    command = [sys.executable, "-m", "bot.bench", "--only", "notes-50u-instant", "--json", str(out)]
    if quick:
        command.append("--quick")
    started = time.perf_counter()
    # Exit status 1 only says a speed target was missed; the memory figure is still good.
    done = subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    if done.returncode not in (0, 1) or not out.exists():
        raise RuntimeError(f"the memory run failed with exit status {done.returncode}")
    seconds = time.perf_counter() - started
    data = json.loads(out.read_text(encoding="utf-8"))
    notes = data["notes"][0]["notes"] if data.get("notes") else 0
    return MemoryResult(
        scenario="notes-50u-instant",
        vm_hwm_kib=data["machine"]["vm_hwm_kib"],
        ru_maxrss_kib=data["machine"]["peak_rss_kib"],
        rss_after_imports_kib=data["machine"]["rss_after_imports_kib"],
        notes=notes,
        seconds=seconds,
    )


# --- Reminders: the sweep over many residents (issue 4) ---------------------------------------

REMINDERS_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
"""The sweeps' moment: a Monday (the leaders' weekly overviews are written too) at 10:00."""

RESIDENTS_PER_DEPARTMENT = 100
STAFF_PER_DEPARTMENT = 30  # medarbejdere; plus one afdelingsleder
GOALS_PER_RESIDENT = 5
SUB_GOALS_PER_GOAL = 2
MISS_SHARE = 0.15
"""Share of deadlines of the last MISS_DAYS that were not met yet (they are overdue today)."""
MISS_DAYS = 35
FIRST_STAFF_TELEGRAM_ID = 800_000_001

GOAL_TEXTS: tuple[str, ...] = (
    "Går selv i skole hver dag",
    "Deltager i fællesspisning mindst fire dage om ugen",
    "Kan sige fra på en god måde når noget er svært",
    "Holder kontakt med sin familie hver uge",
    "Passer sin hygiejne uden påmindelse",
    "Bruger piktogrammer til at vise sine behov",
    "Sover i sin egen seng hele natten",
    "Har en fritidsaktivitet uden for bostedet",
)  # fmt: skip
SUB_GOAL_TEXTS: tuple[str, ...] = (
    "Står selv op når vækkeuret ringer",
    "Pakker selv sin taske aftenen før",
    "Siger stop med ord i stedet for at slå",
    "Ringer selv til mor om søndagen",
    "Børster tænder morgen og aften",
    "Viser piktogram for pause når det bliver for meget",
    "Går i seng kl. 22 på hverdage",
    "Møder op til træning hver tirsdag",
)  # fmt: skip
# (count, unit) of an evaluation interval, with how often staff choose it.
INTERVALS: tuple[tuple[int, str], ...] = (
    *[(3, "months")] * 12, *[(2, "months")] * 3, (1, "months"),
    *[(6, "weeks")] * 2, (8, "weeks"), (12, "weeks"),
)  # fmt: skip


@dataclass(frozen=True)
class ReminderSeed:
    """What seed_reminders wrote."""

    residents: int
    departments: int
    staff: int
    rows: int
    seconds: float


def _history(
    rng: random.Random,
    first_due: date,
    step: Callable[[date], date],
    today: date,
    not_before: date,
) -> tuple[list[date], date]:
    """Simulate a recurring deadline: the days it was met and the next due date.

    Each due date up to today is met a few days before or after it, except that a deadline of
    the last MISS_DAYS is sometimes still open (overdue today).
    """
    done: list[date] = []
    due = first_due
    while due <= today:
        if (today - due).days <= MISS_DAYS and rng.random() < MISS_SHARE:
            break
        day = min(today, due + timedelta(days=rng.randint(-10, 4)))
        day = max(day, (done[-1] if done else not_before) + timedelta(days=1))
        if day > today:
            break
        done.append(day)
        due = step(day)
    return done, due


def _evaluated(
    rng: random.Random,
    rhythm: TeamMeetings,
    created: date,
    interval: EvaluationInterval,
    today: date,
) -> tuple[list[date], date]:
    """Evaluation days of a goal or sub-goal and its next due: the first at the first team
    meeting after it was created (or one interval on, if sooner), then every interval."""
    first = min(next_evaluation_date(created, interval), rhythm.first_after(created))
    return _history(rng, first, partial(_next_evaluation, interval=interval), today, created)


@lru_cache(maxsize=65536)
def _next_evaluation(day: date, interval: EvaluationInterval) -> date:
    return next_evaluation_date(day, interval)


@lru_cache(maxsize=65536)
def _add_months(day: date, count: int) -> date:
    return add_months(day, count)


@lru_cache(maxsize=65536)
def _local_time(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz)


def seed_reminders(path: Path, residents: int, seed: int) -> ReminderSeed:
    """Migrate a fresh SQLite file and fill it with Core bulk inserts (issue 4 benchmark).

    100 residents per department, 30 medarbejdere and one afdelingsleder each; every resident
    has a kontaktteam of 2-3, 5 active goals with 2 active sub-goals each, and a history as a
    year of real use leaves it: evaluations at each due date, held status meetings with their
    ticked steps, a planned next meeting for most, recorded milestones (IPEL and
    Kommunikationsforhold evaluations, DPU, autonomt kompas, samarbejdsaftale). A share of the
    recent deadlines is still open, so some items are overdue; a few staff have hours of their
    own (some outside 10:00). Dates are relative to REMINDERS_NOW.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    tz = REMINDERS_NOW.tzinfo
    assert isinstance(tz, ZoneInfo)
    today = REMINDERS_NOW.date()
    now = REMINDERS_NOW.astimezone(UTC)
    departments = max(1, residents // RESIDENTS_PER_DEPARTMENT)
    rows: dict[str, list[dict[str, Any]]] = {}
    written = 0
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)

    def add(table: str, **values: Any) -> None:
        rows.setdefault(table, []).append(values)

    def months(count: int) -> Callable[[date], date]:
        return partial(_add_months, count=count)

    staff_id = 0
    resident_id = 0
    goal_id = 0
    sub_goal_id = 0
    meeting_id = 0
    for dep in range(1, departments + 1):
        rhythm = TeamMeetings(rng.randrange(5), rng.choice((1, 1, 2)), date(2024, 1, 1))
        add("department", id=dep, name=f"Afdeling {dep:03d}", created_at=now,
            team_meeting_weekday=rhythm.weekday, team_meeting_every_weeks=rhythm.every_weeks,
            team_meeting_anchor=rhythm.anchor)  # fmt: skip
        team_pool: list[int] = []
        leader_id = staff_id + 1
        for i in range(STAFF_PER_DEPARTMENT + 1):
            staff_id += 1
            leader = i == 0
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}."
            add("staff", id=staff_id, telegram_user_id=FIRST_STAFF_TELEGRAM_ID + staff_id,
                display_name=name, active=True, created_at=now,
                role=(Role.AFDELINGSLEDER if leader else Role.MEDARBEJDER).value)  # fmt: skip
            add("staff_department", staff_id=staff_id, department_id=dep)
            if not leader:
                team_pool.append(staff_id)
            draw = rng.random()
            if draw < 0.16:  # hours of their own: office hours, a late shift, or weekends too
                start, end = (8, 16) if draw < 0.10 else ((14, 22) if draw < 0.14 else (7, 21))
                add("reminder_person", staff_id=staff_id, start_minute=start * 60,
                    end_minute=end * 60, weekends=draw >= 0.14, holidays=False,
                    updated_at=now)  # fmt: skip
        count = min(RESIDENTS_PER_DEPARTMENT, residents - resident_id)
        if dep == departments:
            count = residents - resident_id
        for name in danish_names(count, seed=seed * 1000 + dep):
            resident_id += 1
            rid = resident_id
            birth = today - timedelta(days=rng.randint(10 * 365, 21 * 365))
            earliest = max(birth + timedelta(days=8 * 365), today - timedelta(days=6 * 365))
            enrolled = earliest + timedelta(days=rng.randint(0, (today - earliest).days - 30))
            add("resident", id=rid, display_name=name, birth_date=birth, department_id=dep,
                enrolment_date=enrolled, created_at=now, updated_at=now)  # fmt: skip
            team = rng.sample(team_pool, rng.choice((2, 2, 3)))
            joined = _local_time(enrolled, 9, tz)
            for member in team:
                add("contact_team_member", resident_id=rid, staff_id=member, added_at=joined,
                    added_by_id=None)  # fmt: skip
            # Goals and sub-goals, created over the last year, evaluated at each due date.
            missing_area = rng.random() < 0.03
            for g in range(GOALS_PER_RESIDENT):
                goal_id += 1
                count_, unit = rng.choice(INTERVALS)
                interval = EvaluationInterval(count_, IntervalUnit(unit))
                created = max(enrolled, today - timedelta(days=rng.randint(0, 365)))
                area = None
                if g == 0 and not missing_area:
                    area = "skole"
                elif g == 1:
                    area = "sociale_relationer"

                done, due = _evaluated(rng, rhythm, created, interval, today)
                next_on = due if done else next_evaluation_date(created, interval)
                author = team[0]
                add("goal", id=goal_id, resident_id=rid, text=rng.choice(GOAL_TEXTS),
                    rationale="", goal_type="udviklingsmaal", source="kommune",
                    mandatory_area=area, start_date=created,
                    end_date=add_months(created, 12), interval_count=count_,
                    interval_unit=unit, status="active", next_evaluation_on=next_on,
                    version=1, created_at=_local_time(created, 11, tz), created_by_id=author,
                    updated_at=now)  # fmt: skip
                _evaluation_rows(add, rid, goal_id, None, created, done, interval, author, tz)
                for _ in range(SUB_GOALS_PER_GOAL):
                    sub_goal_id += 1
                    sub_created = created
                    if rng.random() < 0.3:
                        sub_created += timedelta(days=rng.randint(0, (today - created).days))
                    sub_done, sub_due = _evaluated(rng, rhythm, sub_created, interval, today)
                    sub_next = sub_due if sub_done else next_evaluation_date(sub_created, interval)
                    add("sub_goal", id=sub_goal_id, goal_id=goal_id,
                        text=rng.choice(SUB_GOAL_TEXTS), rationale="", method="",
                        scoring_frequency="daily", start_date=sub_created, status="active",
                        next_evaluation_on=sub_next, version=1,
                        created_at=_local_time(sub_created, 11, tz), created_by_id=author,
                        updated_at=now)  # fmt: skip
                    _evaluation_rows(
                        add, rid, goal_id, sub_goal_id, sub_created, sub_done, interval,
                        author, tz,
                    )  # fmt: skip
            # Status meetings: held ones every cycle since enrolment, each with every step
            # ticked; the latest held and the planned next one only partly.
            held: list[date] = []
            due = cycle_due(enrolled, birth)
            while due <= today - timedelta(days=7):
                held.append(max(due - timedelta(days=rng.randint(0, 14)), enrolled))
                due = cycle_due(held[-1], birth)
            for n, day in enumerate(held):
                meeting_id += 1
                latest = n == len(held) - 1
                add("status_meeting", id=meeting_id, resident_id=rid, meeting_on=day,
                    status="held", scheduled_by_id=leader_id,
                    scheduled_at=_local_time(day - timedelta(days=60), 12, tz),
                    closed_by_id=leader_id, closed_at=_local_time(day, 15, tz))  # fmt: skip
                for step in STATUS_STEPS:
                    step_due = day + timedelta(days=STEP_OFFSETS[step])
                    if latest and step in STEPS_AFTER:
                        late = (today - step_due).days
                        if late < 0 and rng.random() > 0.2:
                            continue  # not done yet (nor due)
                        if 0 <= late <= MISS_DAYS and rng.random() < MISS_SHARE:
                            continue  # overdue
                    who = leader_id if step in LEADER_STEPS else team[0]
                    add("status_step", meeting_id=meeting_id, step=step, done_by_id=who,
                        done_at=_local_time(min(step_due, today), 13, tz))  # fmt: skip
            if rng.random() < 0.6:
                meeting_id += 1
                on = due + timedelta(days=rng.randint(-10, 10))
                add("status_meeting", id=meeting_id, resident_id=rid, meeting_on=on,
                    status="planned", scheduled_by_id=leader_id,
                    scheduled_at=_local_time(held[-1] if held else enrolled, 15, tz),
                    closed_by_id=None, closed_at=None)  # fmt: skip
                for step in STEPS_BEFORE:
                    step_due = on + timedelta(days=STEP_OFFSETS[step])
                    late = (today - step_due).days
                    if step == "meeting_held" or late < 0:
                        continue
                    if late <= MISS_DAYS and rng.random() < MISS_SHARE:
                        continue
                    who = leader_id if step in LEADER_STEPS else team[0]
                    add("status_step", meeting_id=meeting_id, step=step, done_by_id=who,
                        done_at=_local_time(step_due, 13, tz))  # fmt: skip
            # Recorded milestones: each kind at its rhythm since enrolment.
            adult = months(ADULT_CYCLE_MONTHS)
            cycle = partial(cycle_due, birth_date=birth)
            for kind, first, step_fn in (
                (RULE_IPEL_EVALUATION, cycle_due(enrolled, birth), cycle),
                (RULE_KOMM_EVALUATION, cycle_due(enrolled, birth), cycle),
                (RULE_DPU, add_months(enrolled, FIRST_DPU_MONTHS), months(DPU_MONTHS)),
                (RULE_KOMPAS, add_months(enrolled, KOMPAS_MONTHS), adult),
                (RULE_SAMARBEJDSAFTALE, add_months(enrolled, SAMARBEJDSAFTALE_MONTHS),
                 months(SAMARBEJDSAFTALE_MONTHS)),
            ):  # fmt: skip
                done, _ = _history(rng, first, step_fn, today, enrolled)
                if kind == RULE_KOMPAS:
                    done = done[:1]  # started once
                for day in done:
                    add("resident_milestone", resident_id=rid, kind=kind, done_on=day,
                        recorded_by_id=team[0], recorded_at=_local_time(day, 14, tz))  # fmt: skip
        if dep % 10 == 0 or dep == departments:
            written += _flush_seed(engine, rows)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return ReminderSeed(
        residents=resident_id,
        departments=departments,
        staff=staff_id,
        rows=written,
        seconds=time.perf_counter() - started,
    )


_SEED_ORDER: tuple[tuple[str, Any], ...] = (
    ("department", models.Department),
    ("staff", models.Staff),
    ("staff_department", models.StaffDepartment),
    ("reminder_person", models.ReminderPerson),
    ("resident", models.Resident),
    ("contact_team_member", models.ContactTeamMember),
    ("goal", models.Goal),
    ("sub_goal", models.SubGoal),
    ("evaluation", models.Evaluation),
    ("status_meeting", models.StatusMeeting),
    ("status_step", models.StatusStep),
    ("resident_milestone", models.ResidentMilestone),
)


def _flush_seed(engine: sa.Engine, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Insert the rows gathered so far, parents first, in one transaction; return how many."""
    count = 0
    with engine.begin() as conn:
        for name, model in _SEED_ORDER:
            if rows.get(name):
                _bulk_insert(conn, _table(model), rows[name])
                count += len(rows[name])
    rows.clear()
    return count


def _bulk_insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with one executemany, the values stored as SQLAlchemy stores them.

    Core's insert() spends most of its time building and converting each row's parameters;
    here a date is stored as ISO text, an aware datetime as naive UTC text with microseconds
    (bot.storage.models.UTCDateTime on SQLite) and a bool as 0/1, straight through the driver.
    """
    columns = list(rows[0])
    unknown = set(columns) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")

    def stored(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value

    values: list[list[Any]] = []
    for column in columns:
        cells = [row[column] for row in rows]
        if any(isinstance(v, date | bool) for v in cells[:1000] if v is not None):
            memo: dict[Any, Any] = {}  # few distinct days and times: convert each once
            for i, value in enumerate(cells):
                if value is not None:
                    found = memo.get(value)
                    if found is None:
                        found = memo[value] = stored(value)
                    cells[i] = found
        values.append(cells)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    conn.exec_driver_sql(sql, list(zip(*values, strict=True)))


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def _evaluation_rows(
    add: Callable[..., None],
    resident_id: int,
    goal_id: int,
    sub_goal_id: int | None,
    created: date,
    done: Sequence[date],
    interval: EvaluationInterval,
    author: int,
    tz: ZoneInfo,
) -> None:
    """Add one evaluation row per day the goal (or sub-goal) was evaluated."""
    start = created
    for day in done:
        add("evaluation", resident_id=resident_id, goal_id=goal_id, sub_goal_id=sub_goal_id,
            evaluated_on=day, period_start=start, progress="Fremgang", effect="God effekt",
            methods="Som aftalt", changes="Ingen", participation="Deltog",
            decision="fortsaet", next_evaluation_on=next_evaluation_date(day, interval),
            evidence="", created_at=_local_time(day, 14, tz), created_by_id=author,
            transferred_at=None, transferred_by_id=None)  # fmt: skip
        start = day


@dataclass
class SweepResult:
    """The reminder sweep on one seeded database, measured in a fresh process.

    Times are medians in ms. plan = the sweep's reads (bot.reminders.facts.facts_in_chunks:
    load_facts a chunk of residents at a time, only the goals that can be due) + the pure
    rules and stages; record = writing the plan's new deliveries to the outbox. "first": an
    empty ledger (every delivery is new); "steady": the ledger already holds them and the
    engine knows its keys (what repeats every few minutes); "restart": the same in a new
    engine, whose cache of known keys starts empty.
    """

    residents: int
    departments: int
    staff: int
    goals: int
    sub_goals: int
    evaluations: int
    meetings: int
    steps: int
    milestones: int
    items: int
    deliveries: int
    recipients_planned: int
    runs: int
    facts_ms: float
    first_plan_ms: float
    first_record_ms: float
    first_total_ms: float
    first_recorded: int
    ledger_ok: bool
    steady_plan_ms: float
    steady_record_ms: float
    steady_total_ms: float
    steady_total_max_ms: float
    steady_cpu_ms: float
    """Process CPU time of a steady plan + record: steadier than wall time on a busy host."""
    restart_record_ms: float
    restart_total_ms: float
    us_per_resident: float
    """Steady plan + record per resident, in microseconds."""
    rss_after_imports_kib: int | None
    rss_before_sweeps_kib: int | None
    rss_after_sweeps_kib: int | None
    vm_hwm_sweep_kib: int | None
    """Peak RSS of the process up to the end of the sweeps (plan + record), before delivery."""
    deliver_s: float
    recipients_reached: int
    messages: int
    max_messages_per_person: int
    mean_digest_chars: float
    max_digest_chars: int
    outside_hours: int
    cancelled: int
    failed: int
    messages_per_s: float
    job_sweep_ms: float
    """The whole sweep as the job runs it (plan + record + deliver) once all was delivered."""
    job_deliver_ms: float
    vm_hwm_total_kib: int | None
    """Peak RSS including the delivery (PTB builds a Message per digest)."""
    new_rows_per_day: float = 0.0
    """Outbox rows the first sweep of each of the next three days writes (same facts)."""
    seed_s: float = 0.0
    load_avg: float = 0.0


@dataclass
class RemindersResult:
    """The reminder sweep at several sizes, each in a fresh process."""

    now: str
    sweeps: list[SweepResult] = field(default_factory=list)


def _clear_ledger(engine: sa.Engine) -> None:
    """Empty the outbox and the reminder_person rows the sweeps made (keep chosen hours)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM reminder_delivery")
        conn.exec_driver_sql("DELETE FROM reminder_person WHERE updated_at IS NULL")


def _count(engine: sa.Engine, table: str, where: str = "") -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table} {where}").scalar() or 0)


@dataclass
class _Delivered:
    seconds: float
    sent: int
    messages: int
    max_per_person: int
    mean_chars: float
    max_chars: int
    outside_hours: int
    cancelled: int
    failed: int
    job_ms: list[float]
    job_deliver_ms: list[float]


async def _deliver_and_sweep(sweeper: ReminderEngine, now: datetime, runs: int) -> _Delivered:
    """Plan and deliver to the fake Bot API, then time whole sweeps as the job runs them."""
    api = FakeBotApi()
    per_chat: Counter[int] = Counter()
    chars: list[int] = []

    def on_call(call: ApiCall, result: Any) -> None:
        if call.method == "sendMessage":
            per_chat[int(call.params["chat_id"])] += 1
            chars.append(len(str(result.get("text", ""))))  # as Telegram counts: after parsing
        api.clear()  # nothing reads the chats: keep the fake's memory out of the figures

    api.add_listener(on_call)
    bot: ExtBot[int] = ExtBot(
        OFFLINE_TOKEN,
        request=api,
        get_updates_request=api,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=sweeper.tz),
        rate_limiter=bench_rate_limiter(),
    )
    async with bot:
        plan = sweeper.plan(now)
        begin = time.perf_counter()
        tally = await sweeper.deliver(bot, plan, now)
        seconds = time.perf_counter() - begin
        del plan  # as the job drops it: one plan alive at a time
        sent_messages = sum(per_chat.values())
        most = max(per_chat.values(), default=0)
        jobs: list[float] = []
        job_deliver: list[float] = []
        for _ in range(runs):
            report = await sweeper.sweep(bot)
            jobs.append(
                (report.plan_seconds + report.record_seconds + report.deliver_seconds) * 1000
            )
            job_deliver.append(report.deliver_seconds * 1000)
    return _Delivered(
        seconds=seconds,
        sent=tally.sent,
        messages=sent_messages,
        max_per_person=most,
        mean_chars=statistics.fmean(chars) if chars else 0.0,
        max_chars=max(chars, default=0),
        outside_hours=tally.outside_hours,
        cancelled=tally.cancelled,
        failed=tally.failed,
        job_ms=jobs,
        job_deliver_ms=job_deliver,
    )


@dataclass(frozen=True)
class _Timed:
    plan_ms: float
    record_ms: float
    cpu_ms: float
    written: int
    residents: int
    items: int
    deliveries: int
    keys: int
    recipients: int

    @property
    def total_ms(self) -> float:
        return self.plan_ms + self.record_ms


def _timed_sweep(sweeper: ReminderEngine, now: datetime) -> _Timed:
    """Plan and record once; the plan is dropped on return, as the job drops it."""
    cpu = time.process_time()
    begin = time.perf_counter()
    plan = sweeper.plan(now)
    middle = time.perf_counter()
    written = sweeper.record(plan, now)
    end = time.perf_counter()
    cpu = time.process_time() - cpu
    return _Timed(
        plan_ms=(middle - begin) * 1000,
        record_ms=(end - middle) * 1000,
        cpu_ms=cpu * 1000,
        written=written,
        residents=plan.residents,
        items=len(plan.items),
        deliveries=len(plan.deliveries),
        keys=len({d.key for d in plan.deliveries}),
        recipients=len({d.recipient_id for d in plan.deliveries}),
    )


def measure_sweep(path: Path, runs: int, rss_after_imports: int | None) -> SweepResult:
    """Time plan and record (first, steady, restart), peak RSS, then delivery, on one database.

    Meant to run alone in a fresh process (`--reminders-db`), so that nothing else has raised
    its peak RSS. At most one plan and one engine (with its cache of ledger keys) are alive at
    a time, as in the bot, where the job drops each sweep's plan.
    """
    settings = bench_settings(f"sqlite:///{path}")
    engine = create_db_engine(settings.sqlalchemy_url, synchronous=settings.sqlite_synchronous)
    uow = UnitOfWorkFactory(engine)
    tz = settings.tz
    texts = Texts(settings.bot_locale)
    now = REMINDERS_NOW.astimezone(UTC)
    clock = FixedClock(now)
    today = REMINDERS_NOW.date()
    rss_before = current_rss_kib()

    facts: list[float] = []
    for _ in range(runs):
        begin = time.perf_counter()
        with uow(read_only=True) as unit:
            # What the sweep reads, chunk by chunk, each chunk dropped before the next.
            for _chunk in facts_in_chunks(unit, tz, reminder_window(today), PLAN_CHUNK):
                pass
        facts.append((time.perf_counter() - begin) * 1000)

    first: list[_Timed] = []
    ledger_ok = True
    sweeper = ReminderEngine(uow, clock, tz, texts)
    for _ in range(max(2, (runs + 1) // 2)):
        _clear_ledger(engine)
        sweeper = ReminderEngine(uow, clock, tz, texts)  # the last one's cache goes first
        first.append(_timed_sweep(sweeper, now))
        stored = _count(engine, "reminder_delivery")
        ledger_ok = ledger_ok and first[-1].written == first[-1].keys == stored
    steady = [_timed_sweep(sweeper, now) for _ in range(runs)]
    restart: list[_Timed] = []
    for _ in range(runs):
        sweeper = ReminderEngine(uow, clock, tz, texts)  # a restarted process: cache empty
        restart.append(_timed_sweep(sweeper, now))
    ledger_ok = ledger_ok and all(t.written == 0 for t in steady + restart)
    rss_after = current_rss_kib()
    hwm_sweep = vm_hwm_kib()

    delivered = asyncio.run(_deliver_and_sweep(sweeper, now, runs))
    hwm_total = vm_hwm_kib()
    # The ledger grows day by day (new stages); the engine caches every key it holds.
    grown = [_timed_sweep(sweeper, now + timedelta(days=day)).written for day in range(1, 4)]
    last = steady[-1]
    median_total = statistics.median(t.total_ms for t in steady)
    result = SweepResult(
        residents=last.residents,
        departments=_count(engine, "department"),
        staff=_count(engine, "staff"),
        goals=_count(engine, "goal", "WHERE status = 'active'"),
        sub_goals=_count(engine, "sub_goal", "WHERE status = 'active'"),
        evaluations=_count(engine, "evaluation"),
        meetings=_count(engine, "status_meeting"),
        steps=_count(engine, "status_step"),
        milestones=_count(engine, "resident_milestone"),
        items=last.items,
        deliveries=last.deliveries,
        recipients_planned=last.recipients,
        runs=runs,
        facts_ms=statistics.median(facts),
        first_plan_ms=statistics.median(t.plan_ms for t in first),
        first_record_ms=statistics.median(t.record_ms for t in first),
        first_total_ms=statistics.median(t.total_ms for t in first),
        first_recorded=first[-1].written,
        ledger_ok=ledger_ok,
        steady_plan_ms=statistics.median(t.plan_ms for t in steady),
        steady_record_ms=statistics.median(t.record_ms for t in steady),
        steady_total_ms=median_total,
        steady_total_max_ms=max(t.total_ms for t in steady),
        steady_cpu_ms=statistics.median(t.cpu_ms for t in steady),
        restart_record_ms=statistics.median(t.record_ms for t in restart),
        restart_total_ms=statistics.median(t.total_ms for t in restart),
        us_per_resident=median_total * 1000 / max(last.residents, 1),
        rss_after_imports_kib=rss_after_imports,
        rss_before_sweeps_kib=rss_before,
        rss_after_sweeps_kib=rss_after,
        vm_hwm_sweep_kib=hwm_sweep,
        deliver_s=delivered.seconds,
        recipients_reached=delivered.sent,
        messages=delivered.messages,
        max_messages_per_person=delivered.max_per_person,
        mean_digest_chars=delivered.mean_chars,
        max_digest_chars=delivered.max_chars,
        outside_hours=delivered.outside_hours,
        cancelled=delivered.cancelled,
        failed=delivered.failed,
        messages_per_s=delivered.messages / delivered.seconds if delivered.seconds else 0.0,
        job_sweep_ms=statistics.median(delivered.job_ms),
        job_deliver_ms=statistics.median(delivered.job_deliver_ms),
        vm_hwm_total_kib=hwm_total,
        new_rows_per_day=statistics.fmean(grown),
        load_avg=os.getloadavg()[0],
    )
    engine.dispose()
    return result


def reminder_sizes(quick: bool) -> tuple[int, ...]:
    """Return the resident counts the reminders scenario sweeps."""
    return (500, 1000) if quick else (1000, 5000, 10000)


def bench_reminders(quick: bool, runs: int, workdir: Path) -> RemindersResult:
    """Seed a database per size, then measure each in a fresh interpreter (--reminders-db)."""
    result = RemindersResult(now=REMINDERS_NOW.isoformat())
    for size in reminder_sizes(quick):
        path = workdir / "reminders" / f"residents-{size}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        seeded = seed_reminders(path, size, seed=4)
        print(
            f"  reminders: seeded {seeded.residents} residents, {seeded.departments} "
            f"departments, {seeded.staff} staff, {seeded.rows} rows in {seeded.seconds:.1f} s",
            flush=True,
        )
        out = path.with_suffix(".json")
        command = [
            sys.executable, "-m", "bot.bench", "--reminders-db", str(path),
            "--runs", str(runs), "--json", str(out),
        ]  # fmt: skip
        done = subprocess.run(
            command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        if done.returncode != 0 or not out.exists():
            print(done.stderr, file=sys.stderr)
            raise RuntimeError(f"the reminder sweep run failed with exit status {done.returncode}")
        _summarize_log(f"reminders-{size}", done.stderr)
        data = json.loads(out.read_text(encoding="utf-8"))
        sweep = SweepResult(**data["reminders"]["sweeps"][0])
        sweep.seed_s = seeded.seconds
        result.sweeps.append(sweep)
        print(
            f"  reminders-{size}: steady plan+record {sweep.steady_total_ms:.0f} ms "
            f"({sweep.us_per_resident:.1f} us/resident), first {sweep.first_total_ms:.0f} ms, "
            f"peak RSS {(sweep.vm_hwm_sweep_kib or 0) / 1024:.1f} MiB",
            flush=True,
        )
    return result


def _summarize_log(name: str, log: str) -> None:
    """Print what a child run logged, each distinct message once with its count."""
    lines = [line for line in log.splitlines() if line.strip()]
    if not lines:
        return
    shapes = Counter(re.sub(r"\d+", "N", line) for line in lines)
    print(f"  {name} logged {len(lines)} lines:")
    for shape, count in shapes.most_common(5):
        print(f"    {count} x {shape}")


def print_reminders(result: RemindersResult) -> None:
    """Print the sweep figures, the delivery and the growth per resident."""
    print()
    print(
        f"(d) Reminder sweep (issue 4) at {result.now}: plan = reads + rules + stages, "
        "record = new outbox rows; each size in a fresh process, SQLite file, medians"
    )
    header = (
        f"{'residents':>9} {'staff':>5} {'items':>6} {'deliv':>6} {'facts':>7} "
        f"{'1st plan':>8} {'1st rec':>8} {'1st tot':>8} {'rows':>6} "
        f"{'plan':>7} {'record':>7} {'total':>7} {'max':>7} {'cpu':>7} {'us/res':>7} "
        f"{'restart':>8} {'RSS MiB':>8} {'ok':>3} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for s in result.sweeps:
        print(
            f"{s.residents:9d} {s.staff:5d} {s.items:6d} {s.deliveries:6d} {s.facts_ms:7.0f} "
            f"{s.first_plan_ms:8.0f} {s.first_record_ms:8.0f} {s.first_total_ms:8.0f} "
            f"{s.first_recorded:6d} {s.steady_plan_ms:7.0f} {s.steady_record_ms:7.1f} "
            f"{s.steady_total_ms:7.0f} {s.steady_total_max_ms:7.0f} {s.steady_cpu_ms:7.0f} "
            f"{s.us_per_resident:7.1f} "
            f"{s.restart_total_ms:8.0f} {(s.vm_hwm_sweep_kib or 0) / 1024:8.1f} "
            f"{'yes' if s.ledger_ok else 'NO':>3} {s.load_avg:5.1f}"
        )
    print(
        "  ms; facts = the sweep's reads alone (facts_in_chunks); 1st = empty ledger (rows = "
        "new outbox rows); plan, record, total, max = steady state (ledger holds every key, "
        "the engine knows them: each sweep every few minutes), cpu = its process CPU time; "
        "us/res = steady total per resident; restart = the same in a new engine (a restarted "
        "process: its cache of known keys is empty, the unique key skips each row); RSS = the"
        " process's peak (VmHWM) through the sweeps; ok = ledger rows == distinct keys, "
        "steady writes none; load = host 1-min load average at the end."
    )
    if result.sweeps:
        s = result.sweeps[0]
        print(
            f"  data per {s.residents} residents: {s.goals} goals, {s.sub_goals} sub-goals, "
            f"{s.evaluations} evaluations, {s.meetings} status meetings, {s.steps} ticked "
            f"steps, {s.milestones} milestones; {s.departments} departments"
        )
    if result.sweeps:
        print(
            "  ledger growth (outbox rows the first sweep of each of the next three days "
            "writes, same facts): "
            + ", ".join(
                f"{s.residents}: ~{s.new_rows_per_day:.0f}/day "
                f"(~{s.new_rows_per_day * 365 / 1e6:.1f} M/year)"
                for s in result.sweeps
            )
        )
    first, last = (result.sweeps[0], result.sweeps[-1]) if result.sweeps else (None, None)
    if first is not None and last is not None and first is not last:
        growth = last.us_per_resident / first.us_per_resident if first.us_per_resident else 0.0
        cpu_growth = (last.steady_cpu_ms / last.residents) / (
            first.steady_cpu_ms / first.residents or 1.0
        )
        print(
            "  time per resident: "
            + ", ".join(f"{s.residents}: {s.us_per_resident:.1f} us" for s in result.sweeps)
            + f"; {last.residents} vs {first.residents}: x{growth:.2f} per resident "
            f"(1.00 = linear), x{last.steady_total_ms / first.steady_total_ms:.1f} in total; "
            f"CPU per resident x{cpu_growth:.2f}"
        )
    print()
    print("Delivery to the in-process fake Bot API (not in the 1 s target: Telegram allows ~30/s)")
    header = (
        f"{'residents':>9} {'reached':>7} {'msgs':>6} {'max/pp':>6} {'outside':>7} "
        f"{'cancel':>6} {'failed':>6} {'chars':>6} {'max ch':>6} {'deliver s':>9} {'msg/s':>7} "
        f"{'at 30/s':>8} {'job ms':>7} {'job dlv':>7} {'RSS MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for s in result.sweeps:
        print(
            f"{s.residents:9d} {s.recipients_reached:7d} {s.messages:6d} "
            f"{s.max_messages_per_person:6d} {s.outside_hours:7d} {s.cancelled:6d} "
            f"{s.failed:6d} {s.mean_digest_chars:6.0f} {s.max_digest_chars:6d} {s.deliver_s:9.2f} "
            f"{s.messages_per_s:7.0f} {s.messages / 30:7.0f}s {s.job_sweep_ms:7.0f} "
            f"{s.job_deliver_ms:7.0f} {(s.vm_hwm_total_kib or 0) / 1024:8.1f}"
        )
    print(
        "  reached = people sent one digest (max/pp = most messages to one person: must be 1); "
        "outside = people outside their hours at 10:00 (their rows wait); failed = rows marked "
        "failed (the digest was refused); chars, max ch = mean and longest digest sent, as "
        "Telegram counts (limit 4,096); at 30/s = the same digests under Telegram's "
        "broadcast limit; job = engine.sweep() as the JobQueue runs it once everything is "
        "delivered (plan + record + a delivery with nothing new), job dlv = its delivery "
        "part; RSS = peak including the delivery."
    )


# --- Reporting ----------------------------------------------------------------------------------


@dataclass
class Report:
    """Everything the benchmark measured, as written to --json."""

    machine: JSONDict
    notes: list[NotesResult] = field(default_factory=list)
    components: list[ComponentResult] = field(default_factory=list)
    resolution: list[ResolveResult] = field(default_factory=list)
    memory: MemoryResult | None = None
    crash: JSONDict | None = None
    evaluation: EvaluationResult | None = None
    reminders: RemindersResult | None = None
    targets: list[JSONDict] = field(default_factory=list)
    profile: str | None = None


def machine_info(rss_after_imports: int | None) -> JSONDict:
    """Describe the machine: cores, Python, platform."""
    return {
        "cores": os.cpu_count(),
        "load_avg": os.getloadavg(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "rss_after_imports_kib": rss_after_imports,
        "peak_rss_kib": peak_rss_kib(),
        "vm_hwm_kib": vm_hwm_kib(),
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def print_notes(results: Sequence[NotesResult]) -> None:
    """Print the end-to-end table."""
    print()
    print("(a) Quick notes end to end: text -> card -> Gem -> 'Gemt' edit (SQLite file, WAL)")
    header = (
        f"{'scenario':26} {'users':>5} {'rtt':>5} {'offered':>8} {'notes':>6} {'notes/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'card p50':>9} {'gem p50':>8} "
        f"{'gem p99':>8} {'cpu/note':>8} {'load':>5} {'steal':>6} {'db ok':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        offered = f"{r.offered_rate:.0f}/s" if r.offered_rate else "max"
        print(
            f"{r.name:26} {r.users:5d} {r.api_rtt_ms:4.0f}ms {offered:>8} {r.notes:6d} "
            f"{r.notes_per_s:8.1f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.max_ms:8.1f} "
            f"{r.card_p50_ms:9.1f} {r.gem_p50_ms:8.1f} {r.gem_p99_ms:8.1f} "
            f"{r.cpu_ms_per_note:6.1f}ms {r.load_avg:5.1f} {_pct(r.steal_pct):>6} "
            f"{'yes' if r.db_ok else 'NO':>6}"
        )
    print(
        "  latency = enqueue of the text update -> the 'Gemt' edit (both updates); "
        "gem = the Gem press alone; card = text -> card."
    )
    print(
        "  'max' runs: every user sends the next note the moment the last one is confirmed "
        "(closed loop, saturation): latency ~ users / throughput by construction. "
        "'paced' runs offer a fixed total rate. cpu/note = process CPU (all threads) per "
        "saved note; load = host 1-min load average at the end of the run; steal = share of "
        "this virtual machine's CPU time the hypervisor gave to other machines meanwhile "
        "(every process waits then: latency tails grow, CPU/note does not)."
    )
    if results:
        print(
            f"  app start (build + initialize + post_init + start): "
            f"{results[0].start_s * 1000:.0f} ms; "
            f"db ok = notes in the database == confirmations == distinct sources"
        )


def print_resolution(results: Sequence[ResolveResult]) -> None:
    """Print the resolution table."""
    print()
    print("(b) parse_quick_note: resident + 12 diary types, queries with ~30% typos")
    header = (
        f"{'residents':>9} {'build ms':>9} {'queries':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'mean ms':>8} {'sure':>6} {'unsure':>6} {'none':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.residents:9d} {r.build_ms:9.1f} {r.queries:8d} {r.p50_ms:8.3f} {r.p99_ms:8.3f} "
            f"{r.mean_ms:8.3f} {r.sure:6d} {r.uncertain:6d} {r.none:6d}"
        )


def print_memory(report: Report) -> None:
    """Print the peak RSS figures."""
    print()
    print("(c) Peak memory")
    own = report.machine
    print(
        f"  this process (everything it ran): ru_maxrss {own['peak_rss_kib'] / 1024:.1f} MiB, "
        f"VmHWM {_fmt((own['vm_hwm_kib'] or 0) / 1024)} MiB"
    )
    memory = report.memory
    if memory is not None:
        hwm = memory.vm_hwm_kib
        print(
            f"  fresh process running only {memory.scenario} ({memory.notes} notes): "
            f"peak RSS (VmHWM) {_fmt(hwm / 1024 if hwm else None)} MiB; "
            f"after imports {_fmt((memory.rss_after_imports_kib or 0) / 1024)} MiB"
        )
        if hwm is not None and memory.ru_maxrss_kib > hwm * 1.05:
            print(
                f"  (its ru_maxrss reads {memory.ru_maxrss_kib / 1024:.1f} MiB: Linux carries the "
                "parent's peak into a child across fork+exec, so VmHWM is the honest figure)"
            )


def evaluate_targets(report: Report) -> list[JSONDict]:
    """Compare the results with the targets; each row says PASS or MISS."""
    rows: list[JSONDict] = []
    by_name = {r.name: r for r in report.notes}

    def row(target: str, measured: float | None, ok: bool | None, unit: str) -> None:
        verdict = "n/a" if ok is None else ("PASS" if ok else "MISS")
        rows.append({"target": target, "measured": measured, "unit": unit, "result": verdict})

    saturated = by_name.get("notes-50u-instant")
    paced = by_name.get("notes-50u-instant-paced")
    single = by_name.get("notes-1u-instant")
    if saturated:
        row(
            f"instant: >= {TARGET_INSTANT_RATE:.0f} saved notes/s (50 users, max)",
            saturated.notes_per_s,
            saturated.notes_per_s >= TARGET_INSTANT_RATE,
            "notes/s",
        )
    if paced:
        keeps_up = paced.notes_per_s >= 0.95 * TARGET_INSTANT_RATE
        row(
            f"instant: p99 <= {TARGET_INSTANT_P99_MS:.0f} ms at {TARGET_INSTANT_RATE:.0f} notes/s "
            "offered (50 users)",
            paced.p99_ms,
            paced.p99_ms <= TARGET_INSTANT_P99_MS and keeps_up,
            "ms",
        )
    if single:
        row(
            f"instant: p99 <= {TARGET_INSTANT_P99_MS:.0f} ms for 1 user (unloaded)",
            single.p99_ms,
            single.p99_ms <= TARGET_INSTANT_P99_MS,
            "ms",
        )
    if saturated:
        row(
            f"instant: p99 <= {TARGET_INSTANT_P99_MS:.0f} ms with 50 users at max rate",
            saturated.p99_ms,
            saturated.p99_ms <= TARGET_INSTANT_P99_MS,
            "ms",
        )
    sharded = by_name.get("notes-50u-instant-2w")
    sharded_paced = by_name.get("notes-50u-instant-2w-paced")
    if sharded:
        row(
            f"instant, 2 bot processes: >= {TARGET_INSTANT_RATE:.0f} saved notes/s (max)",
            sharded.notes_per_s,
            sharded.notes_per_s >= TARGET_INSTANT_RATE,
            "notes/s",
        )
    if sharded_paced:
        row(
            f"instant, 2 bot processes: p99 <= {TARGET_INSTANT_P99_MS:.0f} ms at "
            f"{TARGET_INSTANT_RATE:.0f} notes/s offered",
            sharded_paced.p99_ms,
            sharded_paced.p99_ms <= TARGET_INSTANT_P99_MS
            and sharded_paced.notes_per_s >= 0.95 * TARGET_INSTANT_RATE,
            "ms",
        )
    slow = by_name.get("notes-50u-50ms")
    slow_paced = by_name.get("notes-50u-50ms-paced")
    if slow:
        row(
            f"50 ms RTT: >= {TARGET_SLOW_RATE:.0f} saved notes/s (50 users, max)",
            slow.notes_per_s,
            slow.notes_per_s >= TARGET_SLOW_RATE,
            "notes/s",
        )
        row(
            f"50 ms RTT: p99 <= {TARGET_SLOW_P99_MS:.0f} ms (50 users, max)",
            slow.p99_ms,
            slow.p99_ms <= TARGET_SLOW_P99_MS,
            "ms",
        )
    if slow_paced:
        row(
            f"50 ms RTT: p99 <= {TARGET_SLOW_P99_MS:.0f} ms at {TARGET_SLOW_RATE:.0f} notes/s "
            "offered",
            slow_paced.p99_ms,
            slow_paced.p99_ms <= TARGET_SLOW_P99_MS
            and slow_paced.notes_per_s >= 0.95 * TARGET_SLOW_RATE,
            "ms",
        )
    for r in report.notes:
        if not r.db_ok:
            row(f"{r.name}: database holds exactly the confirmed notes", 0, False, "")
    for res in report.resolution:
        if res.residents == 1000:
            row(
                f"resolution: p50 <= {TARGET_RESOLVE_P50_MS:.0f} ms at 1,000 residents",
                res.p50_ms,
                res.p50_ms <= TARGET_RESOLVE_P50_MS,
                "ms",
            )
    if report.memory is not None and report.memory.vm_hwm_kib is not None:
        mib = report.memory.vm_hwm_kib / 1024
        row(f"memory: peak RSS <= {TARGET_RSS_MB:.0f} MB (fresh process, 50 users)", mib,
            mib * 1024 * 1024 <= TARGET_RSS_MB * 1_000_000, "MiB")  # fmt: skip
    if report.evaluation is not None:
        ev = report.evaluation
        row(f"evaluation: evidence p50 <= {TARGET_EVIDENCE_P50_MS:.0f} ms (3 months daily)",
            ev.evidence_p50_ms, ev.evidence_p50_ms <= TARGET_EVIDENCE_P50_MS, "ms")  # fmt: skip
        row(f"evaluation: chart p50 <= {TARGET_CHART_P50_MS:.0f} ms", ev.chart_p50_ms,
            ev.chart_p50_ms <= TARGET_CHART_P50_MS, "ms")  # fmt: skip
    sweeps = {s.residents: s for s in report.reminders.sweeps} if report.reminders else {}
    sweep = sweeps.get(TARGET_SWEEP_RESIDENTS)
    if sweep is not None:
        seconds = sweep.steady_total_ms / 1000
        row(f"reminders: steady sweep (plan+record) median <= {TARGET_SWEEP_S:.0f} s at "
            f"{TARGET_SWEEP_RESIDENTS:,} residents", seconds, seconds <= TARGET_SWEEP_S,
            "s")  # fmt: skip
        if sweep.vm_hwm_sweep_kib is not None:
            mib = sweep.vm_hwm_sweep_kib / 1024
            row(f"reminders: peak RSS <= {TARGET_SWEEP_RSS_MB:.0f} MB (fresh process, "
                f"{TARGET_SWEEP_RESIDENTS:,} residents)", mib,
                mib * 1024 * 1024 <= TARGET_SWEEP_RSS_MB * 1_000_000, "MiB")  # fmt: skip
        if not sweep.ledger_ok or sweep.max_messages_per_person > 1:
            row("reminders: ledger rows == keys, one digest per person", 0, False, "")
    if report.crash is not None:
        ok = report.crash["lost"] == 0 and report.crash["duplicates"] == 0
        row("crash: lost == 0, duplicates == 0, integrity ok", report.crash["lost"],
            ok and report.crash["integrity_ok"], "lost")  # fmt: skip
    return rows


def print_targets(rows: Sequence[JSONDict]) -> None:
    """Print PASS/MISS per target."""
    if not rows:
        return
    print()
    print("Targets")
    for r in rows:
        measured = r["measured"]
        shown = (
            f"{measured:.3f}"
            if isinstance(measured, float) and measured < 10
            else (f"{measured:.1f}" if isinstance(measured, float) else str(measured))
        )
        print(f"  {r['result']:4}  {r['target']:68} {shown:>10} {r['unit']}")


# --- Command line -------------------------------------------------------------------------------

SCENARIOS = (
    "notes", "components", "resolve", "memory", "evaluation", "reminders", "crash", "profile",
)  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot bench",
        description="Benchmark quick notes end to end, name resolution, memory, the reminder "
        "sweep; crash test.",
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these (repeatable or comma-separated): {', '.join(SCENARIOS)}, "
        "or one notes run such as notes-50u-instant; crash and profile run only when named",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results here")
    parser.add_argument("--kills", type=int, default=100, help="SIGKILLs for the crash test")
    parser.add_argument("--seed", type=int, default=1, help="random seed (crash test)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile the 50-user instant run with cProfile (loop and worker threads); "
        "--only profile runs just that",
    )
    parser.add_argument("--profile-dir", type=Path, default=None, help="where .prof files go")
    parser.add_argument(
        "--runs", type=int, default=None, help="sweeps per size for the medians (reminders; 5)"
    )
    parser.add_argument(
        "--reminders-db",
        type=Path,
        metavar="PATH",
        help="only time the reminder sweep on this seeded SQLite file, in this process (what "
        "the reminders scenario runs in a fresh interpreter per size)",
    )
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile")
    parser.add_argument(
        "--profile-clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="time each thread by its CPU time (default) or by the wall clock (shows waits)",
    )
    return parser


def _selected(only: Sequence[str]) -> set[str]:
    names = {part.strip() for item in only for part in item.split(",") if part.strip()}
    return names or {"notes", "components", "resolve", "memory", "evaluation", "reminders"}


def main(argv: list[str]) -> int:
    """Run the benchmark; return 0, or 1 when a target is missed or a check fails."""
    rss_after_imports = current_rss_kib()
    args = _parser().parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    if args.reminders_db is not None:
        return sweep_only(args.reminders_db, runs, args.json, rss_after_imports)
    selected = _selected(args.only)
    if args.profile:
        selected.add("profile")
    configs = notes_configs(args.quick)
    unknown = selected - set(SCENARIOS) - {c.name for c in configs}
    if unknown:
        print(f"unknown benchmark: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    report = Report(machine=machine_info(rss_after_imports))
    m = report.machine
    print(
        f"Machine: {m['cores']} cores (os.cpu_count), Python {m['python']} "
        f"({m['implementation']}), {m['platform']}; load average "
        f"{' '.join(f'{x:.1f}' for x in m['load_avg'])}"
    )
    run_configs = [c for c in configs if "notes" in selected or c.name in selected]
    profiling = "profile" in selected
    needs_db = (
        bool(run_configs) or profiling or "components" in selected or "evaluation" in selected
    )
    if run_configs or profiling:
        print(
            f"Rate limiter: AIORateLimiter(overall_max_rate=0, max_retries={MAX_RETRIES}) - "
            "Telegram's overall flood limit is switched off (0 disables it) and PTB's limiter "
            "has no per-chat limit for private chats, so nothing throttles these runs."
        )
        print("Transport: bot.fakeapi.FakeBotApi in process; updates go through app.update_queue "
              "and the real PerUserUpdateProcessor.")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dagbogsbot-bench-") as tmp:
        workdir = Path(tmp)
        template = workdir / "template.db"
        if needs_db:
            names = danish_names(50, seed=7)
            ids = [FIRST_USER_ID + i for i in range(50)]
            migrate_s = make_template(template, names, ids)
            print(f"Database: SQLite file, migrations took {migrate_s * 1000:.0f} ms (once).")
        for config in run_configs:
            result = run_notes(config, template, workdir)
            report.notes.append(result)
            print(
                f"  {config.name}: {result.notes} notes, {result.notes_per_s:.1f}/s, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms",
                flush=True,
            )
        if report.notes:
            print_notes(report.notes)
        if "components" in selected:
            report.components = bench_components(template, workdir, 50 if args.quick else 300)
            print_components(report.components)
        if "resolve" in selected:
            queries = 500 if args.quick else 5000
            report.resolution = [bench_resolution(n, queries, seed=11) for n in (50, 1000, 10000)]
            print_resolution(report.resolution)
        if "evaluation" in selected:
            report.evaluation = bench_evaluation(template, workdir, 30 if args.quick else 200)
            print_evaluation(report.evaluation)
        if "reminders" in selected:
            report.reminders = bench_reminders(args.quick, runs, workdir)
            print_reminders(report.reminders)
        if "memory" in selected:
            report.memory = bench_memory(args.quick, workdir)
        if report.memory is not None or report.notes:
            report.machine = machine_info(rss_after_imports)
            print_memory(report)
        if "crash" in selected:
            from bot import crashtest  # noqa: PLC0415 - only this scenario needs it

            crash = crashtest.run_crash_test(
                args.kills, args.seed, workdir / "crash", progress=True
            )
            report.crash = asdict(crash)
            print()
            print(crash.summary())
        if profiling:
            report.profile = profile_run(args, template, workdir)
            print()
            print(report.profile)
    report.machine = machine_info(rss_after_imports)
    report.targets = evaluate_targets(report)
    print_targets(report.targets)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    missed = [r for r in report.targets if r["result"] == "MISS"]
    return 1 if missed else 0


def sweep_only(path: Path, runs: int, out: Path | None, rss_after_imports: int | None) -> int:
    """Measure the reminder sweep on one seeded database and write the report (a child run)."""
    report = Report(machine=machine_info(rss_after_imports))
    sweep = measure_sweep(path, runs, rss_after_imports)
    report.reminders = RemindersResult(now=REMINDERS_NOW.isoformat(), sweeps=[sweep])
    report.machine = machine_info(rss_after_imports)
    print_reminders(report.reminders)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return 0


def profile_run(args: argparse.Namespace, template: Path, workdir: Path) -> str:
    """Run the 50-user instant scenario under cProfile and return the top functions."""
    scale = 10 if args.quick else 2
    config = NotesConfig("profile-50u-instant", 50, 0.0, 3000 // scale, 300 // scale)
    profiler = Profiler(args.profile_clock)
    result = run_notes(config, template, workdir, profile=profiler)
    out_dir = args.profile_dir or workdir / "profile"
    header = (
        f"Profile of {config.name} ({result.notes} notes, {result.notes_per_s:.1f}/s under "
        f"cProfile; .prof files in {out_dir}):"
    )
    # Every note the profile saw: the warm-up lasts until the start-up sweep has run.
    return header + "\n" + profiler.report(out_dir, args.top, result.confirmations)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
