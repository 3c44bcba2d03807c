"""The reminder sweep on PTB's JobQueue: APScheduler is only the clock (issue 4 §3).

One repeating job per process (and one run at start-up); the job keeps no reminder of its own:
every sweep recomputes what is due from the database, so nothing lives in the scheduler that
a crash could lose.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application, Job

from bot.context import CustomContext

log = logging.getLogger(__name__)

JOB_NAME = "reminder-sweep"
FIRST_RUN = timedelta(seconds=2)


async def sweep_job(context: CustomContext) -> None:
    """Run one sweep; a failure is logged and the next run tries again."""
    engine = context.bot_data.reminders
    if engine is None:
        return
    await engine.sweep(context.bot)


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> Job[Any] | None:
    """Start the repeating sweep (at start-up, then every REMINDER_SWEEP_MINUTES)."""
    services = app.bot_data.services
    minutes = services.settings.reminder_sweep_minutes
    if minutes == 0 or app.job_queue is None or app.bot_data.reminders is None:
        log.info("reminders are off")
        return None
    return app.job_queue.run_repeating(
        sweep_job,
        interval=timedelta(minutes=minutes),
        first=FIRST_RUN,
        name=JOB_NAME,
        # A sweep that overruns makes the next one wait rather than run twice at once.
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
