"""The quick-note benchmark over several bot processes (BOT_WORKERS, bot.shards).

The driver, in the benchmark's process, plays Telegram and the front: it builds each update
as Telegram sends it, picks the worker with `bot.shards.shard_of` and writes the update to
that worker's input with `bot.shards.encode`, exactly as the front does. Each worker is
`python -m bot.bench_workers`: the real application served by `bot.shards.serve`, answering
through an in-process fake Bot API, which reports the calls a user waits for (the card, the
"Gemt" edit, the deleted source message) back to the driver, one JSON line each on stdout.
All processes share one SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from bot.fakeapi import ApiCall, FakeBotApi, UpdateFactory
from bot.shards import encode, ignore_stop_signals, serve, shard_of, stdin_reader

JSONDict = dict[str, Any]


# --- The worker process -------------------------------------------------------------------------


class _Reports:
    """What a worker reports to the driver, one JSON line each, never blocking the event loop.

    A blocking write to stdout stalled the worker's loop whenever the driver (on the same two
    cores) had not yet read the pipe: ~160 µs per write on average, three writes per note, all
    of it latency the bot itself does not have (its answers go to Telegram asynchronously).
    The pipe's transport buffers instead and writes as the pipe drains.

    Reports made in one turn of the event loop go out in one write: "Gemt" and the deleted
    source of a note are one wake-up of the driver, not two. Each write to the pipe wakes the
    driver's process on the other core, which costs the writing worker ~0.1 ms of CPU on this
    virtual machine (py-spy: 5.8 % of a worker's time went to three writes per note). A bot
    answering the real Bot API wakes no local process; this is the benchmark's cost, kept
    small so that it does not crowd out the bot's.
    """

    def __init__(self) -> None:
        self._writer: asyncio.StreamWriter | None = None
        self._pending: list[bytes] = []

    async def open(self, pipe: IO[bytes] | IO[str] | None = None) -> None:
        """Connect stdout (or another pipe) as a non-blocking pipe of the running loop."""
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, pipe if pipe is not None else sys.stdout
        )
        # No high-water mark: write() never waits, and drain() waits until all is written.
        transport.set_write_buffer_limits(high=0)
        self._writer = asyncio.StreamWriter(transport, protocol, None, loop)

    def emit(self, event: JSONDict) -> None:
        """Queue one report; it is written at the end of this turn of the event loop."""
        assert self._writer is not None
        if not self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
        self._pending.append(json.dumps(event, separators=(",", ":")).encode() + b"\n")

    def _flush(self) -> None:
        if self._pending and self._writer is not None:
            self._writer.write(b"".join(self._pending))
        self._pending.clear()

    async def close(self) -> None:
        """Write out what is buffered."""
        if self._writer is not None:
            self._flush()
            await self._writer.drain()
            self._writer.close()


def worker_main(argv: Sequence[str]) -> int:
    """Serve updates from stdin on a fake Bot API; report what users wait for on stdout."""
    from bot.bench import (  # noqa: PLC0415  (no import cycle)
        SAVED_MARK,
        bench_application,
        on_start_up_sweep,
    )

    ignore_stop_signals()

    db_url, index, latency = argv[0], int(argv[1]), float(argv[2])
    api = FakeBotApi(latency=latency)
    reports = _Reports()
    _emit = reports.emit

    def on_call(call: ApiCall, result: Any) -> None:
        params = call.params
        if call.method == "sendMessage" and isinstance(result, dict):
            _emit({"e": "card", "chat": int(params["chat_id"]), "message": result})
        elif call.method == "editMessageText" and SAVED_MARK in str(params.get("text", "")):
            _emit({"e": "saved", "chat": int(params["chat_id"])})
        elif call.method == "deleteMessage":
            _emit({"e": "deleted", "chat": int(params["chat_id"]), "id": int(params["message_id"])})
        api.calls.clear()  # nothing reads the call log: keep the fake's memory out of it

    def on_update(data: JSONDict) -> None:
        # Telegram knows the messages people send; the fake learns them here, so that the bot
        # can delete a note's source message as it does in production.
        message = data.get("message")
        if isinstance(message, dict):
            chat = message["chat"]
            api.record_incoming(
                int(chat["id"]), int(message["message_id"]), message.get("text"),
                chat=chat, from_user=message.get("from"),
            )  # fmt: skip

    api.add_listener(on_call)
    app = bench_application(db_url, api, primary=index == 0, polling=False, freeze_heap=True)
    if index == 0:
        on_start_up_sweep(app, lambda: _emit({"e": "swept"}))

    async def main() -> int:
        await reports.open()
        try:
            return await serve(app, await stdin_reader(), on_update)
        finally:
            await reports.close()

    asyncio.run(main())
    return 0


# --- The driver --------------------------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    """Return a process's CPU time so far (user + system) from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def process_peak_rss_kib(pid: int) -> int:
    """Return a process's peak RSS (VmHWM) in KiB from /proc (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


@dataclass(frozen=True)
class Timing:
    """One note as the user lived it (seconds)."""

    total: float
    card: float
    gem: float


class ShardedDriver:
    """Simulated staff against worker processes: note, card, Gem, "Gemt", source deleted."""

    def __init__(self, workers: list[asyncio.subprocess.Process]) -> None:
        self.workers = workers
        self.factory = UpdateFactory()
        self.confirmations = 0
        self._cards: dict[int, asyncio.Future[JSONDict]] = {}
        self._saved: dict[int, asyncio.Future[None]] = {}
        self._deleted: dict[tuple[int, int], asyncio.Future[None]] = {}
        self.swept = asyncio.Event()  # the primary worker's start-up reminder sweep is done
        self._readers = [asyncio.ensure_future(self._read(w)) for w in workers]

    async def _read(self, worker: asyncio.subprocess.Process) -> None:
        assert worker.stdout is not None
        while line := await worker.stdout.readline():
            event = json.loads(line)
            kind = event["e"]
            if kind == "swept":
                self.swept.set()
                continue
            chat = int(event["chat"])
            future: asyncio.Future[Any] | None
            if kind == "card":
                future = self._cards.pop(chat, None)
                value: Any = event["message"]
            elif kind == "saved":
                future, value = self._saved.pop(chat, None), None
            else:
                future, value = self._deleted.pop((chat, int(event["id"])), None), None
            if future is not None and not future.done():
                future.set_result(value)

    def _send(self, update: JSONDict) -> None:
        worker = self.workers[shard_of(update, len(self.workers))]
        assert worker.stdin is not None
        worker.stdin.write(encode(update))

    async def interaction(self, user: JSONDict, text: str) -> Timing:
        """Send one note, press Gem on its card, wait for "Gemt" and the source's deletion."""
        from bot.bench import WAIT_TIMEOUT, BenchFailure, gem_button  # noqa: PLC0415

        chat_id = int(user["id"])
        loop = asyncio.get_running_loop()
        card_future: asyncio.Future[JSONDict] = loop.create_future()
        self._cards[chat_id] = card_future
        started = time.perf_counter()
        update = self.factory.message(user, text)
        source_id = int(update["message"]["message_id"])
        deleted: asyncio.Future[None] = loop.create_future()
        self._deleted[(chat_id, source_id)] = deleted
        self._send(update)
        card = await asyncio.wait_for(card_future, WAIT_TIMEOUT)
        carded = time.perf_counter()
        data = gem_button(card)
        if data is None:
            raise BenchFailure(f"no Gem button on the answer to {text!r}: {card.get('text')!r}")
        saved: asyncio.Future[None] = loop.create_future()
        self._saved[chat_id] = saved
        pressed = time.perf_counter()
        self._send(self.factory.callback(user, data, card))
        await asyncio.wait_for(saved, WAIT_TIMEOUT)
        done = time.perf_counter()
        self.confirmations += 1
        await asyncio.wait_for(deleted, WAIT_TIMEOUT)
        return Timing(done - started, carded - started, done - pressed)

    async def close(self) -> list[int]:
        """Close the workers' input, wait for them, and return their peak RSS (KiB)."""
        peaks = [process_peak_rss_kib(w.pid) for w in self.workers]
        for worker in self.workers:
            assert worker.stdin is not None
            worker.stdin.close()
        codes = await asyncio.gather(*(w.wait() for w in self.workers))
        await asyncio.gather(*self._readers)
        if any(codes):
            raise RuntimeError(f"a benchmark worker failed: exit statuses {codes}")
        return peaks

    def worker_cpu_seconds(self) -> float:
        """CPU time of all workers so far."""
        return sum(process_cpu_seconds(w.pid) for w in self.workers)


async def start_workers(
    db_url: str, count: int, latency: float
) -> list[asyncio.subprocess.Process]:
    """Start count benchmark workers on one database."""
    command = (sys.executable, "-m", "bot.bench_workers", db_url)
    return [
        await asyncio.create_subprocess_exec(
            *command,
            str(index),
            str(latency),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for index in range(count)
    ]


if __name__ == "__main__":
    raise SystemExit(worker_main(sys.argv[1:]))
