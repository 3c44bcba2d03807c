"""What handlers receive: typed services, the acting person, and per-user flow data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.domain.access import Actor
from bot.services.directory import Directory
from bot.storage.db import SQLITE_BUSY_TIMEOUT_MS, has_write_lock, try_write_lock
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from bot.texts import Texts

if TYPE_CHECKING:
    from bot.reminders.sweep import ReminderEngine

P = ParamSpec("P")
QUICK_RETRY_S = 0.0005
"""How often run_quick tries a busy write lock again (a note's write takes about 1 ms)."""
R = TypeVar("R")


@dataclass
class UserData:
    """Per-person flow data kept by the persistence (typed, JSON-serialisable)."""

    editing_note_id: int | None = None
    resident_form: dict[str, str] = field(default_factory=dict)
    goal_form: dict[str, str] = field(default_factory=dict)
    contact_team_resident_id: int | None = None
    evaluation_draft_id: int | None = None
    reason_draft_id: int | None = None  # the note card waiting for a typed reason
    status_resident_id: int | None = None  # whose status meeting a typed date is for
    # A substitute's invite being made: department, start, residents, agency (JSON values).
    substitute_invite: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserData:
        """Rebuild from what to_json returned, ignoring unknown keys."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Services:
    """Everything a handler may use, assembled once in build_application."""

    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    directory: Directory
    texts: Texts

    @property
    def tz(self) -> ZoneInfo:
        """The display time zone."""
        return self.settings.tz


class BotData:
    """Application-wide data; holds the services (never persisted)."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.group_chats_told: set[int] = set()
        self.reminders: ReminderEngine | None = None
        # CustomContext.run_quick: this process's quick writes, first come first served.
        self.quick_writes = asyncio.Lock()
        # A long-running bot process freezes its start-up heap (bot.app.freeze_startup_heap).
        self.freeze_heap = False


class CustomContext(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    """The callback context with typed access to services and the acting person."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.actor: Actor | None = None

    @property
    def services(self) -> Services:
        """The application's services."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not configured")
        return services

    @property
    def tx(self) -> Texts:
        """The text catalogue in the bot's locale."""
        return self.services.texts

    @property
    def me(self) -> Actor:
        """The acting person; the auth guard guarantees one for every handler it lets through."""
        if self.actor is None:
            raise RuntimeError("no actor on this update")
        return self.actor

    @property
    def today(self) -> date:
        """Today in the bot's time zone."""
        return self.services.clock.now().astimezone(self.services.tz).date()

    @property
    def undo_window(self) -> timedelta:
        """How long Fortryd works after saving."""
        return timedelta(minutes=self.services.settings.undo_minutes)

    @property
    def edit_window(self) -> timedelta:
        """How long a note can be edited or deleted by its author."""
        return timedelta(hours=self.services.settings.edit_window_hours)

    async def run(
        self, fn: Callable[Concatenate[UnitOfWork, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run a use case with a fresh unit of work in a worker thread."""
        # The database calls are blocking; a worker thread keeps the event loop free for
        # everybody else's updates while this one waits on the disk or the network.
        return await asyncio.to_thread(fn, self.services.uow(), *args, **kwargs)

    async def run_quick(
        self, fn: Callable[Concatenate[UnitOfWork, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run a small write use case (a few indexed statements) at once when it can, else
        like run().

        For the writes every note makes (the draft, Gem). On a SQLite file whose write lock is
        free this instant, the use case runs here on the event loop's thread: about a
        millisecond of CPU, and the lock is held for exactly that long. In a worker thread the
        holder also waits for the interpreter lock while the loop runs other people's updates,
        which stretches every write and, with several bot processes (bot.shards), makes the
        others wait for it. While another writer holds the lock the loop serves other updates;
        this process's quick writes queue in arrival order (BotData.quick_writes) and the
        first of them tries again every QUICK_RETRY_S. Past SQLite's busy timeout the use case
        runs in a worker thread like run(), where SQLite reports the database as locked as it
        would for any writer. On PostgreSQL, on an in-memory database and with
        SQLITE_SYNCHRONOUS=FULL (an fsync per commit) every write runs in a worker thread, as
        run() does. The loop never waits for another writer; it does run this write's own
        statements and commit (the bot's WAL checkpoints are a job in a worker thread,
        bot.app.checkpoint_job; a commit copies the WAL itself only past a backstop).

        (Waiting in a worker thread instead, as an earlier version did after 50 ms, made it
        worse: the waiting thread holds this process's share of the lock, so every later
        write also went to a thread, and two bot processes settled into writing only from
        threads.)
        """
        factory = self.services.uow
        on_loop = self.services.settings.sqlite_synchronous == "NORMAL"
        if not (on_loop and has_write_lock(factory.engine)):
            return await asyncio.to_thread(fn, factory(), *args, **kwargs)
        loop = asyncio.get_running_loop()
        async with self.bot_data.quick_writes:
            give_up = loop.time() + SQLITE_BUSY_TIMEOUT_MS / 1000
            while (held := try_write_lock(factory.engine)) is None:
                if loop.time() >= give_up:
                    return await asyncio.to_thread(fn, factory(), *args, **kwargs)
                await asyncio.sleep(QUICK_RETRY_S)
            with held:
                return fn(factory.on_loop(), *args, **kwargs)

    async def read(
        self, fn: Callable[Concatenate[UnitOfWork, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run a read-only use case: a snapshot that never waits for writers."""
        return await asyncio.to_thread(fn, self.services.uow(read_only=True), *args, **kwargs)

    async def read_quick(
        self, fn: Callable[Concatenate[UnitOfWork, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run a small indexed read at once on a local SQLite file, else like read().

        For the lookups every update makes (who is acting). A WAL reader never waits for a
        writer, and the read takes ~0.1 ms of CPU, less than a hop to a worker thread and
        back; it holds the GIL either way. On PostgreSQL the read is a network round trip,
        so it goes to a worker thread.
        """
        factory = self.services.uow
        if factory.engine.dialect.name == "sqlite":
            return fn(factory.on_loop(read_only=True), *args, **kwargs)
        return await asyncio.to_thread(fn, factory(read_only=True), *args, **kwargs)
