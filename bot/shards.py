"""Several bot processes on one database: a front polls Telegram, workers handle the updates.

One Python process uses one core: python-telegram-bot, SQLAlchemy and the handlers share one
interpreter lock. With `BOT_WORKERS=N` (N > 1) `python -m bot run` starts a front and N
worker processes (`python -m bot worker`), all on the same database:

- The front polls Telegram for updates and never parses them into objects: it reads who sent
  each one (`shard_of`) and writes it, one JSON object per line, to that person's worker. A
  person's updates therefore always reach the same worker, in order, where the
  PerUserUpdateProcessor keeps them in order as in a single process; different people are
  handled on different cores.
- Each worker is the whole bot without a poller: it answers through the Bot API itself. Only
  worker 0 (the primary) sets the command list and runs the reminder sweep.
- The database is the only shared state. On SQLite, writers of all processes queue on one
  lock (bot.storage.db.write_lock); flow state is per person and a person stays on one worker.
- An update counts as delivered once it is written to its worker; Telegram is told so with
  the next poll, as python-telegram-bot's own poller does. On Ctrl-C or SIGTERM the front
  stops polling and closes the workers' input; each worker finishes what it has read, then
  exits. A worker that dies stops the whole bot with exit status 1, so that the service
  manager restarts it cleanly (its unread updates are lost, as they are when a single bot
  process is killed).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.app import BotApplication

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]

POLL_TIMEOUT = 30
"""Seconds a getUpdates long poll waits for news (as python-telegram-bot's poller)."""

MAX_BACKOFF = 30.0
"""Longest pause between failed polls."""

LINE_LIMIT = 4 * 1024 * 1024
"""Longest update a worker reads (one JSON line); Telegram's are a few kilobytes."""

WORKER_EXIT_GRACE = 120.0
"""Seconds the front waits for the workers to finish their updates when it stops (a Telegram
flood wait while answering may take a minute)."""


def sender_of(update: Mapping[str, Any]) -> int | None:
    """Return whose update this is, from Telegram's JSON: the sender, else the chat.

    The same order as bot.processor.ordering_key (effective user, else effective chat), read
    without building python-telegram-bot's objects.
    """
    chat_id: int | None = None
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        for field in ("from", "user"):
            person = value.get(field)
            if isinstance(person, dict) and isinstance(person.get("id"), int):
                return int(person["id"])
        if chat_id is None:
            chat = value.get("chat")
            if not isinstance(chat, dict):
                message = value.get("message")
                chat = message.get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                chat_id = int(chat["id"])
    return chat_id


def shard_of(update: Mapping[str, Any], workers: int) -> int:
    """Return the worker (0 … workers-1) that handles this update: always the same per person."""
    sender = sender_of(update)
    return 0 if sender is None else sender % workers


def encode(update: Mapping[str, Any]) -> bytes:
    """One update as one line (json.dumps escapes newlines inside strings)."""
    # ASCII escapes: a lone surrogate (possible after json.loads of "\\ud800") still encodes.
    return json.dumps(update, separators=(",", ":")).encode() + b"\n"


# --- The worker --------------------------------------------------------------------------------


async def feed(
    app: BotApplication,
    reader: asyncio.StreamReader,
    on_update: Callable[[JSONDict], None] | None = None,
) -> int:
    """Put every update read (one JSON object per line) into the application until EOF.

    Returns how many were handed on. A line that is not an update is logged and skipped.
    """
    count = 0
    while line := await reader.readline():
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            update = Update.de_json(data, app.bot)
        except (ValueError, TypeError, KeyError):
            log.exception("skipped a line that is not a Telegram update")
            continue
        if on_update is not None:
            on_update(data)
        await app.update_queue.put(update)
        count += 1
    return count


async def serve(
    app: BotApplication,
    reader: asyncio.StreamReader,
    on_update: Callable[[JSONDict], None] | None = None,
) -> int:
    """Run the application on the updates read until EOF, then stop it after they are done.

    The same life cycle as run_polling, post_init (command list, reminder sweep) and
    post_shutdown (closing the database) included.
    """
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            count = await feed(app, reader, on_update)
            # Every update read is handled to the end before the application stops (without
            # this, stop() met the last ones still queued and PTB warned that it starts them
            # as tasks it does not wait for; tests/handlers/test_shards_worker.py).
            await app.update_queue.join()
            return count
        finally:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def stdin_reader() -> asyncio.StreamReader:
    """Return a stream reader on this process's standard input."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    return reader


def ignore_stop_signals() -> None:
    """Leave stopping to the front (it closes this worker's input).

    Ctrl-C in a terminal, and SIGTERM from a service manager that signals the whole process
    group, also reach the workers; the front then stops polling and closes their input, and
    each finishes every update it has read. Called first thing in a worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_worker(app: BotApplication, index: int) -> int:
    """Serve the updates the front writes to standard input; return the exit status."""

    async def main() -> int:
        return await serve(app, await stdin_reader())

    count = asyncio.run(main())
    log.info("worker %d done after %d updates", index, count)
    return 0


# --- The front ---------------------------------------------------------------------------------


class UpdatesBot(Bot):
    """A Bot that fetches updates as Telegram's JSON, without building objects from them."""

    async def raw_updates(self, offset: int | None, poll_seconds: int) -> list[JSONDict]:
        """Long-poll getUpdates and return the updates as they came."""
        data: JSONDict = {"timeout": poll_seconds}
        if offset is not None:
            data["offset"] = offset
        result = await self._post("getUpdates", data, read_timeout=poll_seconds + 10)
        return [u for u in result if isinstance(u, dict)] if isinstance(result, list) else []


class Front:
    """Poll Telegram and hand each update to its worker process."""

    def __init__(self, bot: UpdatesBot, workers: list[asyncio.subprocess.Process]) -> None:
        self.bot = bot
        self.workers = workers
        self.stopping = asyncio.Event()
        self.offset: int | None = None
        self.delivered = 0
        # One waiter each for the whole run (a new wait() per poll would pile up in asyncio).
        self._exits = [asyncio.ensure_future(w.wait()) for w in workers]
        self._stop = asyncio.ensure_future(self.stopping.wait())

    async def deliver(self, updates: list[JSONDict]) -> None:
        """Write updates to their workers (in order per worker) and wait until written."""
        touched: set[int] = set()
        for update in updates:
            index = shard_of(update, len(self.workers))
            stdin = self.workers[index].stdin
            assert stdin is not None
            stdin.write(encode(update))
            touched.add(index)
            if isinstance(update.get("update_id"), int):
                self.offset = int(update["update_id"]) + 1
        for index in touched:
            stdin = self.workers[index].stdin
            assert stdin is not None
            await stdin.drain()  # waits only when a worker's pipe (64 KiB) is full
        self.delivered += len(updates)

    def _worker_died(self) -> int | None:
        for index, process in enumerate(self.workers):
            if process.returncode is not None:
                return index
        return None

    async def poll(self) -> int:
        """Poll until stopped or a worker dies; return the exit status."""
        backoff = 1.0
        while not self.stopping.is_set():
            dead = self._worker_died()
            if dead is not None:
                log.error(
                    "worker %d exited with status %s: stopping", dead, self.workers[dead].returncode
                )
                return 1
            fetch = asyncio.ensure_future(self.bot.raw_updates(self.offset, POLL_TIMEOUT))
            await asyncio.wait(
                [fetch, self._stop, *self._exits], return_when=asyncio.FIRST_COMPLETED
            )
            if not fetch.done():
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await fetch
                continue
            try:
                updates = fetch.result()
            except RetryAfter as exc:
                wait = exc.retry_after
                await self._pause(wait if isinstance(wait, int) else wait.total_seconds())
                continue
            except Conflict:
                log.error("another bot instance polls with this token; retrying")
                await self._pause(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
                continue
            except (TimedOut, NetworkError) as exc:
                log.warning("polling failed (%s); retrying in %.0f s", type(exc).__name__, backoff)
                await self._pause(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
                continue
            backoff = 1.0
            if updates:
                try:
                    await self.deliver(updates)
                except (BrokenPipeError, ConnectionResetError):
                    continue  # a worker died: reported at the top of the loop
        return 0

    async def acknowledge(self) -> None:
        """Tell Telegram that everything delivered is done with (as PTB's poller does at stop)."""
        if self.offset is None:
            return
        try:
            await self.bot.raw_updates(self.offset, 0)
        except (TimedOut, NetworkError) as exc:
            log.warning("could not confirm the last updates (%s): they may come again", exc)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    async def close(self) -> None:
        """Close the workers' input and wait until they have finished (then kill)."""
        for waiter in (self._stop, *self._exits):
            waiter.cancel()
        for process in self.workers:
            if process.stdin is not None and not process.stdin.is_closing():
                process.stdin.close()
        try:
            await asyncio.wait_for(
                asyncio.gather(*(p.wait() for p in self.workers)), WORKER_EXIT_GRACE
            )
        except TimeoutError:
            for process in self.workers:
                if process.returncode is None:
                    log.error("worker (pid %d) did not stop in time: killed", process.pid)
                    process.kill()
            await asyncio.gather(*(p.wait() for p in self.workers))


async def spawn_workers(count: int) -> list[asyncio.subprocess.Process]:
    """Start `python -m bot worker` count times, each reading updates on its input."""
    return [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "worker",
            "--index",
            str(index),
            "--workers",
            str(count),
            stdin=asyncio.subprocess.PIPE,
        )
        for index in range(count)
    ]


async def run_front(bot: UpdatesBot, count: int) -> int:
    """Start the workers, poll until Ctrl-C or SIGTERM, and stop the workers cleanly."""
    workers = await spawn_workers(count)
    front = Front(bot, workers)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, front.stopping.set)
    status = 1
    try:
        async with bot:
            # Polling and a webhook exclude each other; run_polling removes a webhook too.
            await bot.delete_webhook()
            log.info("front polling for %d worker processes", count)
            status = await front.poll()
            if status == 0:
                await front.acknowledge()
    finally:
        await front.close()
        log.info("front stopped after %d updates", front.delivered)
    return status


def updates_bot(token: str, base_url: str, base_file_url: str) -> UpdatesBot:
    """Return the front's bot: one connection, long reads for the long poll."""
    request = HTTPXRequest(connection_pool_size=2, read_timeout=POLL_TIMEOUT + 10)
    return UpdatesBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=request,
        get_updates_request=request,
    )
