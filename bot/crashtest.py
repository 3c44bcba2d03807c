"""Crash test: SIGKILL a bot that is saving notes, again and again; no confirmed note may be lost.

A child process runs the real Application on the in-process Bot API and a SQLite file, with a
fixed set of staff who save quick notes without pause. Every confirmation a user sees (the
card edited to "Gemt") is appended to a journal and fsynced, after the bot sent it. The
parent kills the child with SIGKILL at random moments and starts it again; each new child
first re-sends, with the same (chat_id, message_id), every note that was sent but not yet
confirmed - text and Gem press - as Telegram redelivers updates whose offset was never
acknowledged, then goes on with new notes. At the end one child drains what is left and
stops cleanly, and the parent checks that every confirmed note is stored exactly once.

Run `python -m bot.crashtest --kills 100`, or `python -m bot bench --only crash`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from bot.app import build_application
from bot.bench import (
    FIRST_USER_ID,
    NotesDriver,
    bench_rate_limiter,
    bench_settings,
    danish_names,
    make_template,
    valid_texts,
)
from bot.clock import SystemClock
from bot.fakeapi import FakeBotApi, UpdateFactory
from bot.storage.db import create_db_engine, integrity_ok

USERS = 8
RESIDENTS = 30
TEXTS_PER_USER = 40
FIRST_MESSAGE_ID = 1_000_000
"""User message ids start here, far above the ids the fake API gives the bot's own messages."""

MIN_DELAY = 0.05
MAX_DELAY = 0.5
DRAIN_TIMEOUT = 120.0
READY = b"R"

Mode = Literal["fork", "spawn"]


@dataclass
class CrashReport:
    """What the crash test did and found; lost and duplicates must both be 0."""

    kills: int
    kills_before_ready: int
    """Kills that landed while the child was still starting (build, initialize, start)."""
    mode: str
    attempted: int
    """Distinct notes sent at least once (journaled before the text update was enqueued)."""
    confirmed: int
    """Distinct notes a user saw confirmed ("Gemt") at least once."""
    confirmed_before_drain: int
    saved: int
    """Rows in diary_note."""
    saved_distinct_sources: int
    duplicates: int
    """Rows beyond one per (source_chat_id, source_message_id)."""
    lost: int
    """Confirmed notes that are not in the database."""
    unsaved_after_drain: int
    """Notes sent at least once that are still not saved after the final clean run."""
    saved_unconfirmed_at_kill: int
    """Notes the database held when a kill hit before the user saw "Gemt" (replay confirms them)."""
    replays: int
    redelivered_already_saved: int
    """Replays whose card came back already saved (the redelivered press must change nothing)."""
    integrity_ok: bool
    child_start_ms: list[float] = field(default_factory=list)
    first_start_ms: float | None = None
    child_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Tell whether the run found nothing wrong."""
        return (
            self.lost == 0
            and self.duplicates == 0
            and self.integrity_ok
            and self.unsaved_after_drain == 0
            and not self.child_errors
        )

    def summary(self) -> str:
        """Return a short human-readable report."""
        starts = sorted(self.child_start_ms)
        start_line = "no child got ready"
        if starts:
            p90 = starts[min(len(starts) - 1, int(0.9 * len(starts)))]
            start_line = (
                f"median {statistics.median(starts):.0f} ms, p90 {p90:.0f} ms, "
                f"max {starts[-1]:.0f} ms over {len(starts)} starts ({self.mode})"
            )
        lines = [
            f"Crash test: {'OK' if self.ok else 'FAILED'} in {self.seconds:.1f} s",
            f"  kills (SIGKILL)            {self.kills} "
            f"({self.kills_before_ready} during start-up)",
            f"  notes sent                 {self.attempted}",
            f"  confirmed to users         {self.confirmed} "
            f"({self.confirmed_before_drain} before the final clean run)",
            f"  saved in the database      {self.saved} "
            f"({self.saved_distinct_sources} distinct sources)",
            f"  duplicates                 {self.duplicates}",
            f"  lost (confirmed, not saved) {self.lost}",
            f"  unsaved after final run    {self.unsaved_after_drain}",
            f"  replays (redelivered)      {self.replays} "
            f"({self.redelivered_already_saved} came back already saved)",
            f"  saved but unconfirmed at a kill: {self.saved_unconfirmed_at_kill}",
            f"  PRAGMA integrity_check     {'ok' if self.integrity_ok else 'NOT OK'}",
            f"  child start (to app.start): {start_line}",
        ]
        if self.first_start_ms is not None:
            lines.append(f"  first child start (cold cache): {self.first_start_ms:.0f} ms")
        lines.extend(f"  child error: {error}" for error in self.child_errors[:5])
        return "\n".join(lines)


# --- Journals -----------------------------------------------------------------------------------


def _read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the complete records of a journal; a line torn by a kill is skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as journal:
        for line in journal:
            if not line.endswith("\n"):
                return  # torn by a kill mid-write
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def _append(journal: Any, record: dict[str, Any], *, sync: bool) -> None:
    journal.write(json.dumps(record) + "\n")
    journal.flush()
    if sync:
        os.fsync(journal.fileno())


@dataclass
class _Paths:
    """The files parent and children share."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "crash.db"

    @property
    def attempts(self) -> Path:
        return self.root / "attempts.jsonl"

    @property
    def confirmed(self) -> Path:
        return self.root / "confirmed.jsonl"

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    @property
    def texts(self) -> Path:
        return self.root / "texts.json"

    def log(self, run: int) -> Path:
        return self.root / "logs" / f"child-{run:04d}.log"


def _state(paths: _Paths) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]], int]:
    """Return the notes sent (source -> text), those confirmed, and the next free message id."""
    attempts = {
        (int(r["chat"]), int(r["msg"])): str(r["text"]) for r in _read_journal(paths.attempts)
    }
    confirmed = {(int(r["chat"]), int(r["msg"])) for r in _read_journal(paths.confirmed)}
    next_id = max((msg for _, msg in attempts), default=FIRST_MESSAGE_ID - 1) + 1
    return attempts, confirmed, next_id


# --- The child ----------------------------------------------------------------------------------


async def _child(paths: _Paths, ready_fd: int) -> None:
    """Run the bot and the users: replay what is unconfirmed, then save new notes."""
    plan = json.loads(paths.plan.read_text(encoding="utf-8"))
    texts: dict[str, list[str]] = json.loads(paths.texts.read_text(encoding="utf-8"))
    api = FakeBotApi()
    factory = UpdateFactory(api)
    app = build_application(
        bench_settings(f"sqlite:///{paths.db}"),
        request=api,
        clock=SystemClock(),
        rate_limiter=bench_rate_limiter(),
        migrate=False,
    )
    replays: dict[int, list[tuple[int, str]]] = {}
    for chat_id, message_id, text in plan["replay"]:
        replays.setdefault(int(chat_id), []).append((int(message_id), str(text)))
    next_id = int(plan["next_message_id"])
    drain = bool(plan["drain"])
    rng = random.Random(int(plan["seed"]))
    with (
        paths.attempts.open("a", encoding="utf-8") as attempts,
        paths.confirmed.open("a", encoding="utf-8") as confirmed,
    ):
        async with app:
            await app.start()
            os.write(ready_fd, READY)
            driver = NotesDriver(app, api, factory)

            def confirm(*, replay: bool) -> Callable[[int, int, bool], None]:
                def journal(chat_id: int, message_id: int, already_saved: bool) -> None:
                    # The user has just seen "Gemt": record it before anything else happens.
                    record = {
                        "chat": chat_id,
                        "msg": message_id,
                        "replay": replay,
                        "already_saved": already_saved,
                    }
                    _append(confirmed, record, sync=True)

                return journal

            async def one_user(position: int) -> None:
                nonlocal next_id
                chat_id = FIRST_USER_ID + position
                user = factory.user(chat_id, f"Bruger{position}")
                own = texts[str(chat_id)]
                for message_id, text in replays.get(chat_id, []):
                    await driver.interaction(
                        user, text, message_id=message_id, on_saved=confirm(replay=True)
                    )
                while not drain:
                    message_id = next_id
                    next_id += 1
                    text = rng.choice(own)
                    # Written before sending: what Telegram holds until the bot acknowledges it.
                    _append(
                        attempts, {"chat": chat_id, "msg": message_id, "text": text}, sync=False
                    )
                    await driver.interaction(
                        user, text, message_id=message_id, on_saved=confirm(replay=False)
                    )

            try:
                await asyncio.gather(*(one_user(i) for i in range(len(texts))))
            finally:
                await app.stop()
    services = app.bot_data.services
    if services is not None:
        services.uow.close()


def child_main(root: Path, ready_fd: int) -> int:
    """Run the bot as a child process (forked or spawned) and return its exit status."""
    log = _Paths(root).log(int(json.loads(_Paths(root).plan.read_text("utf-8"))["run"]))
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    # A forked child inherits the parent's warning filters (pytest turns warnings into
    # errors); the bot in production only logs them.
    warnings.resetwarnings()
    warnings.simplefilter("default")
    try:
        asyncio.run(_child(_Paths(root), ready_fd))
    except BaseException as exc:  # the parent reads the log
        sys.stderr.write(f"child failed: {type(exc).__name__}: {exc}\n")
        sys.stderr.flush()
        return 3
    return 0


# --- The parent ---------------------------------------------------------------------------------


class _Child:
    """One running child and the pipe on which it says it is ready."""

    def __init__(self, paths: _Paths, mode: Mode) -> None:
        read_fd, write_fd = os.pipe()
        self.read_fd = read_fd
        self.started = time.perf_counter()
        self.ready_at: float | None = None
        self.process: subprocess.Popen[bytes] | None = None
        if mode == "fork":
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the child
                status = 3
                try:
                    os.close(read_fd)
                    status = child_main(paths.root, write_fd)
                finally:
                    os._exit(status)
            self.pid = pid
        else:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.crashtest", "--child", str(paths.root), str(write_fd)],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
            )
            self.pid = self.process.pid
        os.close(write_fd)

    def wait_ready(self, until: float) -> bool:
        """Wait until the child is ready or the deadline passes; tell whether it is ready."""
        while self.ready_at is None:
            left = until - time.perf_counter()
            if left <= 0:
                return False
            readable, _, _ = select.select([self.read_fd], [], [], left)
            if readable:
                if os.read(self.read_fd, 1) == READY:
                    self.ready_at = time.perf_counter()
                else:
                    return False  # the child died before it got ready
        return True

    def kill(self) -> int:
        """SIGKILL the child and reap it; return its wait status."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        return self.reap()

    def reap(self, timeout: float | None = None) -> int:
        """Wait for the child to end; return its exit status (negative: killed by that signal)."""
        try:
            if self.process is not None:
                try:
                    return self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    return self.process.wait()
            deadline = None if timeout is None else time.perf_counter() + timeout
            while True:
                pid, status = os.waitpid(self.pid, os.WNOHANG if deadline else 0)
                if pid == self.pid:
                    return os.waitstatus_to_exitcode(status)
                if deadline is not None and time.perf_counter() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    deadline = None
                else:
                    time.sleep(0.01)
        finally:
            os.close(self.read_fd)

    @property
    def start_ms(self) -> float | None:
        """Milliseconds from spawn to the application running, if it got there."""
        return None if self.ready_at is None else (self.ready_at - self.started) * 1000


def _write_plan(paths: _Paths, run: int, seed: int, *, drain: bool) -> int:
    """Tell the next child what to replay and where new message ids start; return replays."""
    attempts, confirmed, next_id = _state(paths)
    replay = [
        [chat, msg, text] for (chat, msg), text in attempts.items() if (chat, msg) not in confirmed
    ]
    plan = {"run": run, "seed": seed, "drain": drain, "replay": replay, "next_message_id": next_id}
    tmp = paths.plan.with_suffix(".tmp")
    tmp.write_text(json.dumps(plan), encoding="utf-8")
    tmp.replace(paths.plan)
    return len(replay)


def _saved_sources(paths: _Paths) -> list[tuple[int, int]]:
    engine = create_db_engine(f"sqlite:///{paths.db}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT source_chat_id, source_message_id FROM diary_note")
            ).all()
        return [(int(chat), int(msg)) for chat, msg in rows]
    finally:
        engine.dispose()


def _prepare(paths: _Paths, seed: int) -> None:
    """Migrate and seed the database once; children start with migrate=False."""
    paths.root.mkdir(parents=True, exist_ok=True)
    for stale in (paths.db, paths.attempts, paths.confirmed, paths.plan):
        stale.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        paths.db.with_name(paths.db.name + suffix).unlink(missing_ok=True)
    ids = [FIRST_USER_ID + i for i in range(USERS)]
    make_template(paths.db, danish_names(RESIDENTS, seed), ids)
    texts = {
        str(uid): valid_texts(f"sqlite:///{paths.db}", uid, TEXTS_PER_USER, seed + uid)[0]
        for uid in ids
    }
    paths.texts.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")


def run_crash_test(
    kills: int,
    seed: int,
    workdir: Path,
    *,
    mode: Mode | None = None,
    progress: bool = False,
) -> CrashReport:
    """Kill a note-saving bot `kills` times, restart it with replays, and check the database."""
    started = time.perf_counter()
    chosen: Mode = mode or ("fork" if hasattr(os, "fork") else "spawn")
    paths = _Paths(workdir)
    _prepare(paths, seed)
    rng = random.Random(seed)
    starts: list[float] = []
    errors: list[str] = []
    before_ready = 0
    replays = 0
    saved_unconfirmed: set[tuple[int, int]] = set()
    for run in range(kills):
        replays += _write_plan(paths, run, seed * 1_000_003 + run, drain=False)
        child = _Child(paths, chosen)
        delay = rng.uniform(MIN_DELAY, MAX_DELAY)
        deadline = child.started + delay
        if child.wait_ready(deadline):
            time.sleep(max(0.0, deadline - time.perf_counter()))
        status = child.kill()
        if child.start_ms is not None:
            starts.append(child.start_ms)
        else:
            before_ready += 1
        if status != -signal.SIGKILL:
            errors.append(
                f"run {run}: child ended with {status} before the kill; see {paths.log(run)}"
            )
        _, confirmed, _ = _state(paths)
        saved_unconfirmed |= set(_saved_sources(paths)) - confirmed
        if progress and (run + 1) % 10 == 0:
            sys.stdout.write(f"  crash test: {run + 1}/{kills} kills\n")
            sys.stdout.flush()
    _, confirmed_before_drain, _ = _state(paths)
    replays += _write_plan(paths, kills, seed, drain=True)
    child = _Child(paths, chosen)
    child.wait_ready(time.perf_counter() + DRAIN_TIMEOUT)
    if child.start_ms is not None:
        starts.append(child.start_ms)
    status = child.reap(DRAIN_TIMEOUT)
    if status != 0:
        errors.append(f"final run: child ended with {status}; see {paths.log(kills)}")
    attempts, confirmed, _ = _state(paths)
    saved = _saved_sources(paths)
    saved_set = set(saved)
    already = sum(1 for r in _read_journal(paths.confirmed) if r.get("already_saved"))
    engine = create_db_engine(f"sqlite:///{paths.db}")
    try:
        integrity = integrity_ok(engine)
    finally:
        engine.dispose()
    return CrashReport(
        kills=kills,
        kills_before_ready=before_ready,
        mode=chosen,
        attempted=len(attempts),
        confirmed=len(confirmed),
        confirmed_before_drain=len(confirmed_before_drain),
        saved=len(saved),
        saved_distinct_sources=len(saved_set),
        duplicates=len(saved) - len(saved_set),
        lost=len(confirmed - saved_set),
        unsaved_after_drain=len(set(attempts) - saved_set),
        saved_unconfirmed_at_kill=len(saved_unconfirmed),
        replays=replays,
        redelivered_already_saved=already,
        integrity_ok=integrity,
        child_start_ms=starts,
        first_start_ms=starts[0] if starts else None,
        child_errors=errors,
        seconds=time.perf_counter() - started,
    )


def main(argv: list[str]) -> int:
    """Run the crash test from the command line; 0 when nothing was lost or duplicated."""
    parser = argparse.ArgumentParser(prog="python -m bot.crashtest", description=__doc__)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the files here")
    parser.add_argument("--mode", choices=("fork", "spawn"), default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "FD"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(Path(args.child[0]), int(args.child[1]))
    with tempfile.TemporaryDirectory(prefix="dagbogsbot-crash-") as tmp:
        workdir = args.workdir or Path(tmp)
        report = run_crash_test(args.kills, args.seed, workdir, mode=args.mode, progress=True)
    sys.stdout.write(report.summary() + "\n")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
