"""Jobs on PTB's JobQueue: the reminder sweep (started with the application, off when 0) and
the SQLite checkpoint."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from telegram.ext import Application

from bot import app as bot_app
from bot.app import CHECKPOINT_JOB, schedule_checkpoints
from bot.clock import FixedClock
from bot.domain.access import Role
from bot.reminders import job
from bot.storage.db import CHECKPOINT_INTERVAL_S, sqlite_file
from bot.storage.models import ContactTeamMember
from tests import factories, goal_factories
from tests.handlers.conftest import HarnessFactory

CPH = ZoneInfo("Europe/Copenhagen")


async def test_the_sweep_is_scheduled_every_few_minutes(harness: HarnessFactory) -> None:
    async with harness(reminder_sweep_minutes=3) as bot:
        assert bot.app is not None
        scheduled = job.schedule(bot.app)
        assert scheduled is not None
        assert scheduled.name == job.JOB_NAME
        trigger = scheduled.job.trigger
        assert trigger.interval == timedelta(minutes=3)


async def test_zero_minutes_turns_reminders_off(harness: HarnessFactory) -> None:
    async with harness(reminder_sweep_minutes=0) as bot:
        assert bot.app is not None
        assert job.schedule(bot.app) is None
        assert bot.app.job_queue is not None
        assert bot.app.job_queue.jobs() == ()


async def test_a_started_application_sends_the_digest_from_its_job(
    harness: HarnessFactory, clock: FixedClock
) -> None:
    clock.set(datetime(2027, 3, 2, 9, 0, tzinfo=CPH))  # a Tuesday morning
    async with harness() as bot:
        app = bot.app
        assert isinstance(app, Application)
        now = clock.now()
        dep = factories.department(bot.uow, "Afd A", now)
        mia = factories.resident(bot.uow, "Mia", dep, now)
        anna = factories.staff(bot.uow, 42, Role.MEDARBEJDER, [dep], now, name="Anna")
        with bot.uow() as uow:
            uow.session.add(ContactTeamMember(resident_id=mia, staff_id=anna, added_at=now))
            uow.commit()
        goal_factories.goal(bot.uow, mia, now, next_evaluation_on=date(2027, 3, 2))
        scheduled = job.schedule(app)
        assert scheduled is not None
        await app.start()
        try:
            for _ in range(200):  # the first run comes after job.FIRST_RUN (2 s)
                if bot.api.sent_texts(42):
                    break
                await asyncio.sleep(0.05)
        finally:
            await app.stop()
        texts = bot.api.sent_texts(42)
        assert len(texts) == 1
        assert "Evaluering af målet" in texts[0]
        assert "Frist i dag" in texts[0]


async def test_every_bot_process_checkpoints_its_sqlite_file(harness: HarnessFactory) -> None:
    async with harness() as bot:
        assert bot.app is not None
        scheduled = schedule_checkpoints(bot.app)
        assert scheduled is not None
        assert scheduled.name == CHECKPOINT_JOB
        assert scheduled.job.trigger.interval == timedelta(seconds=CHECKPOINT_INTERVAL_S)
        engine = bot.uow.engine
        path = sqlite_file(engine)
        assert path is not None
        rows = 2000  # a page each: past SQLite's own threshold (1,000 pages)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE filler (x TEXT)")
            connection.execute(
                sa.text("INSERT INTO filler (x) VALUES (:x)"),
                [{"x": f"{i:08d}" + "x" * 4096} for i in range(rows)],
            )
        before = path.stat().st_size
        await scheduled.run(bot.app)  # what the job queue runs every second
        assert before < rows * 4096 < path.stat().st_size  # the commit left it to the job


async def test_a_failed_checkpoint_is_logged_and_the_next_run_tries_again(
    harness: HarnessFactory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    outcomes: list[Exception | None] = [sqlite3.OperationalError("disk I/O error"), None]
    calls: list[object] = []

    def flaky_checkpoint(engine: object) -> tuple[int, int, int]:
        calls.append(engine)
        failure = outcomes.pop(0)
        if failure is not None:
            raise failure
        return (0, 0, 0)

    monkeypatch.setattr(bot_app, "checkpoint", flaky_checkpoint)
    async with harness() as bot:
        assert bot.app is not None
        scheduled = schedule_checkpoints(bot.app)
        assert scheduled is not None
        with caplog.at_level(logging.WARNING, logger=bot_app.__name__):
            await scheduled.run(bot.app)  # fails: logged, not raised
            await scheduled.run(bot.app)  # the next second's run
        assert calls == [bot.uow.engine, bot.uow.engine]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert [r.getMessage() for r in warnings] == ["WAL checkpoint failed: disk I/O error"]
        assert bot.app.job_queue is not None
        assert CHECKPOINT_JOB in [j.name for j in bot.app.job_queue.jobs()]
