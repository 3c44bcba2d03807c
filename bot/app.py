"""The composition root: build_application() is the only place the application is assembled."""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    Job,
)
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotData, CustomContext, Services, UserData
from bot.handlers import COMMANDS_DA, COMMANDS_EN, register
from bot.processor import PerUserUpdateProcessor
from bot.reminders import job as reminder_job
from bot.reminders.sweep import ReminderEngine
from bot.services.directory import Directory
from bot.storage.db import (
    CHECKPOINT_INTERVAL_S,
    checkpoint,
    create_db_engine,
    sqlite_file,
    upgrade,
)
from bot.storage.persistence import SqlPersistence
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import Texts

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "0:offline-demo"  # the fake transport accepts any token; this one is never sent

BotApplication = Application[Any, CustomContext, UserData, dict[Any, Any], BotData, Any]


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limiter: AIORateLimiter | None = None,
    migrate: bool = True,
    primary: bool = True,
    polling: bool = True,
    freeze_heap: bool = False,
) -> BotApplication:
    """Assemble the bot: database, services, persistence, processor and handlers.

    With several bot processes on one database (bot.shards), only the primary one tells
    Telegram the command list and runs the reminder sweep, and none of them polls: the front
    hands them their updates (`polling=False`).
    """
    engine = create_db_engine(
        settings.sqlalchemy_url,
        synchronous=settings.sqlite_synchronous,
        background_checkpoints=True,
    )
    if migrate:
        upgrade(engine)
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    if token is None and request is None:
        raise ValueError("a token or an offline request is needed")
    builder = (
        ApplicationBuilder()
        .token(token or OFFLINE_TOKEN)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_url(settings.telegram_api_base_url))
        .context_types(ContextTypes(context=CustomContext, user_data=UserData, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .persistence(SqlPersistence(engine))
        .concurrent_updates(PerUserUpdateProcessor())
        .rate_limiter(
            rate_limiter
            or AIORateLimiter(
                overall_max_rate=settings.telegram_overall_max_rate,
                max_retries=settings.telegram_max_retries,
            )
        )
        .post_init(_post_init if primary else _post_init_secondary)
        .post_shutdown(_post_shutdown)
    )
    if not polling:
        builder = builder.updater(None)
    if request is not None:
        builder = builder.request(request)
        if polling:
            builder = builder.get_updates_request(request)
    app: BotApplication = builder.build()
    services = Services(
        settings=settings,
        uow=UnitOfWorkFactory(engine),
        clock=clock or SystemClock(),
        directory=Directory(),
        texts=Texts(settings.bot_locale),
    )
    app.bot_data.services = services
    app.bot_data.reminders = ReminderEngine(
        services.uow, services.clock, services.tz, services.texts
    )
    app.bot_data.freeze_heap = freeze_heap
    register(app)
    return app


def file_url(api_base_url: str) -> str:
    """Return the file download URL that belongs to a Bot API base URL (…/bot → …/file/bot)."""
    if api_base_url.endswith("/bot"):
        return api_base_url.removesuffix("bot") + "file/bot"
    return api_base_url.rstrip("/") + "/file/bot"


async def _post_init(app: BotApplication) -> None:
    """Tell Telegram the command list (Danish by default, English for English clients), and
    start the reminder sweep."""
    await app.bot.set_my_commands(
        [BotCommand(c, d) for c, d in COMMANDS_DA], scope=BotCommandScopeDefault()
    )
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS_EN], language_code="en")
    reminder_job.schedule(app)
    _every_process_starts(app)


async def _post_init_secondary(app: BotApplication) -> None:
    """A secondary bot process: the primary one sets the commands and sweeps reminders."""
    log.info("secondary bot process: no command list, no reminder sweep")
    _every_process_starts(app)


def _every_process_starts(app: BotApplication) -> None:
    """The end of every bot process's start-up: WAL checkpoints, then the heap frozen."""
    schedule_checkpoints(app)
    if app.bot_data.freeze_heap:
        freeze_startup_heap()


def freeze_startup_heap() -> int:
    """Keep what start-up built out of every later garbage collection; return how many objects.

    Python, python-telegram-bot, SQLAlchemy and the models leave some 150,000 objects that live
    as long as the process. Each full collection walked all of them again: 65 to 105 ms on the
    event loop, in the middle of people's updates, every few seconds under load (each of the
    two bot processes of `python -m bot bench` at 250 notes/s). Frozen, they are never walked;
    a full collection then takes 7 to 15 ms there. Start-up's garbage is collected first. Only
    for a bot process that runs until it stops (`python -m bot run` and its workers): frozen
    objects that later become garbage in a reference cycle are never freed.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


CHECKPOINT_JOB = "wal-checkpoint"


async def checkpoint_job(context: CustomContext) -> None:
    """Copy the WAL into the SQLite file off the event loop (bot.storage.db.checkpoint)."""
    try:
        await asyncio.to_thread(checkpoint, context.services.uow.engine)
    except sqlite3.Error as exc:
        # Next second tries again; past WAL_BACKSTOP_PAGES SQLite checkpoints at commit itself.
        log.warning("WAL checkpoint failed: %s", exc)


def schedule_checkpoints(app: BotApplication) -> Job[Any] | None:
    """Checkpoint a SQLite file every CHECKPOINT_INTERVAL_S, in every bot process."""
    engine = app.bot_data.services.uow.engine if app.bot_data.services else None
    if app.job_queue is None or engine is None or sqlite_file(engine) is None:
        return None  # PostgreSQL or in-memory SQLite: nothing to copy
    return app.job_queue.run_repeating(
        checkpoint_job,
        interval=CHECKPOINT_INTERVAL_S,
        first=CHECKPOINT_INTERVAL_S,
        name=CHECKPOINT_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


async def _post_shutdown(app: BotApplication) -> None:
    """Close the database connections."""
    services = app.bot_data.services
    if services is not None:
        services.uow.close()
