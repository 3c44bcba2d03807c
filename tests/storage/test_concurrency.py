"""Concurrent use cases on both backends: double saves, double joins, many writers at once.

Threads stand in for the bot's worker threads (and for a second bot process): each use case
opens its own unit of work, so each thread has its own connection and transaction. A
threading.Barrier releases them at the same moment; nothing here sleeps (the timeouts only
turn a hang into a failure).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.clock import FixedClock
from bot.config import sqlite_path
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict
from bot.services import notes, staff
from bot.services.directory import Directory
from bot.storage.db import try_write_lock
from bot.storage.models import DiaryNote, Invite, NoteDraft, Staff
from bot.storage.uow import UnitOfWorkFactory
from tests import factories

UNDO = timedelta(minutes=10)
JOIN_TIMEOUT = 120  # seconds; only reached if a thread hangs, which is itself a failure
ROUNDS = 10  # independent races per test, so that a lucky interleaving cannot hide a bug


@dataclass(frozen=True)
class Outcome:
    """What one thread got: a value or an exception, never both."""

    value: object = None
    error: BaseException | None = None

    @property
    def kind(self) -> str:
        return "ok" if self.error is None else type(self.error).__name__


def together(count: int, work: Callable[[int], object]) -> list[Outcome]:
    """Run work(0..count-1) in count threads released at once; collect every outcome."""
    barrier = threading.Barrier(count)
    outcomes: list[Outcome] = [Outcome()] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[index] = Outcome(value=work(index))
        except BaseException as exc:  # reported, not lost in the thread
            outcomes[index] = Outcome(error=exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def _count(engine: Engine, model: type[SQLModel], *where: sa.ColumnElement[bool]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(sa.func.count()).select_from(model).where(*where)).one())


@dataclass
class World:
    """One department with one resident and some people who write about her."""

    uow: UnitOfWorkFactory
    clock: FixedClock
    directory: Directory
    department: int
    writers: list[Actor]


@pytest.fixture
def world(make_uow: UnitOfWorkFactory, clock: FixedClock) -> World:
    now = clock.now()
    dep = factories.department(make_uow, "Afd A", now)
    factories.resident(make_uow, "Mia", dep, now)
    writers = []
    for telegram_id in range(100, 108):
        factories.staff(make_uow, telegram_id, Role.MEDARBEJDER, [dep], now)
        actor = staff.load_actor(make_uow(), telegram_id)
        assert actor is not None
        writers.append(actor)
    return World(make_uow, clock, Directory(), dep, writers)


def _start(world: World, message_id: int, actor: Actor | None = None) -> notes.Card:
    return notes.start_quick_note(
        world.uow(),
        world.clock,
        world.directory,
        actor or world.writers[0],
        actor.telegram_user_id if actor else 1,
        message_id,
        "mia komm pegede på saft",
    )


def _save(world: World, draft_id: int, actor: Actor | None = None) -> notes.Card:
    return notes.save_note(
        world.uow(),
        world.clock,
        world.directory,
        actor or world.writers[0],
        draft_id,
        undo_window=UNDO,
    )


# --- The same draft saved twice at once --------------------------------------------------------


def test_two_saves_of_one_draft_store_one_note(backend: Engine, world: World) -> None:
    message_ids = range(1000, 1000 + ROUNDS)
    cards = [_start(world, message_id) for message_id in message_ids]

    results = [together(2, lambda _, card=card: _save(world, card.draft_id)) for card in cards]

    for message_id, card, outcomes in zip(message_ids, cards, results, strict=True):
        unexpected = [o.error for o in outcomes if o.error and not isinstance(o.error, Conflict)]
        assert unexpected == [], f"message {message_id}: {unexpected!r}"
        saved = [o.value for o in outcomes if isinstance(o.value, notes.Card)]
        assert saved, "nobody saved the note"
        assert all(c.status == "saved" for c in saved)
        assert len({c.note_id for c in saved}) == 1
        with Session(backend) as session:
            stored = session.exec(
                select(DiaryNote.id).where(DiaryNote.source_message_id == message_id)
            ).all()
            draft = session.get(NoteDraft, card.draft_id)
            assert draft is not None
            assert (draft.status, draft.note_id) == ("saved", saved[0].note_id)
        assert stored == [saved[0].note_id]
    assert _count(backend, DiaryNote) == ROUNDS


def test_two_quick_notes_from_one_message_make_one_draft(backend: Engine, world: World) -> None:
    # A redelivered message handled by two bot processes at once (e.g. during a restart).

    results = [
        together(2, lambda _, message_id=message_id: _start(world, message_id))
        for message_id in range(2000, 2000 + ROUNDS)
    ]

    for outcomes in results:
        unexpected = [o.error for o in outcomes if o.error and not isinstance(o.error, Conflict)]
        assert unexpected == []
        cards = [o.value for o in outcomes if isinstance(o.value, notes.Card)]
        assert cards, "nobody got a card"
        assert len({c.draft_id for c in cards}) == 1
    assert _count(backend, NoteDraft) == ROUNDS


# --- One invite used twice at once --------------------------------------------------------------


def test_two_joins_with_one_code_register_one_person(backend: Engine, world: World) -> None:
    staff_before = _count(backend, Staff)
    codes = [
        staff.create_invite(
            world.uow(),
            world.clock,
            None,
            Role.VIKAR,
            department_id=world.department,
            ttl=timedelta(hours=1),
        ).code
        for _ in range(ROUNDS)
    ]

    for round_number, code in enumerate(codes):
        users = (5000 + 2 * round_number, 5001 + 2 * round_number)
        outcomes = together(
            2,
            lambda i, code=code, users=users: staff.join_with_code(
                world.uow(), world.clock, code, users[i], f"Vikar {users[i]}"
            ),
        )

        assert sorted(o.kind for o in outcomes) == ["Conflict", "ok"], outcomes
        loser = next(o.error for o in outcomes if o.error is not None)
        assert isinstance(loser, Conflict)
        assert loser.text_key == "staff.invite_used"
        winner = next(o.value for o in outcomes if o.error is None)
        assert isinstance(winner, staff.Joined)
        with Session(backend) as session:
            registered = session.exec(
                select(Staff.telegram_user_id).where(col(Staff.telegram_user_id).in_(users))
            ).all()
        assert registered == [winner.actor.telegram_user_id]
    assert _count(backend, Staff) == staff_before + ROUNDS
    assert _count(backend, Invite, col(Invite.used_at).is_not(None)) == ROUNDS


# --- Many writers ------------------------------------------------------------------------------

NOTES_PER_WRITER = 32  # 256 notes in all


def test_eight_writers_store_every_note(backend: Engine, world: World) -> None:
    # On SQLite every transaction starts with BEGIN IMMEDIATE and waits out the busy timeout,
    # so writers queue up instead of failing with "database is locked".
    def write(index: int) -> list[int]:
        actor = world.writers[index]
        saved = []
        for n in range(NOTES_PER_WRITER):
            card = _start(world, 10_000 + n, actor)
            note = _save(world, card.draft_id, actor)
            assert note.note_id is not None
            saved.append(note.note_id)
        return saved

    outcomes = together(len(world.writers), write)

    errors = [o.error for o in outcomes if o.error is not None]
    assert errors == []
    ids = [note_id for o in outcomes for note_id in cast(list[int], o.value)]
    assert len(set(ids)) == len(world.writers) * NOTES_PER_WRITER
    assert _count(backend, DiaryNote) == len(world.writers) * NOTES_PER_WRITER
    for actor in world.writers:
        assert _count(backend, DiaryNote, DiaryNote.author_id == actor.staff_id) == NOTES_PER_WRITER


# --- SQLite locking -----------------------------------------------------------------------------


def _other_connection(engine: Engine) -> sqlite3.Connection:
    """A plain sqlite3 connection to the same file that gives up at once when locked."""
    path = sqlite_path(str(engine.url))
    assert path is not None
    return sqlite3.connect(path, timeout=0, isolation_level=None)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_transaction_takes_the_write_lock_when_it_begins(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    other = _other_connection(backend)
    try:
        with make_uow() as uow:
            # Only a read so far, yet no other writer may start: no lock upgrade can fail later.
            assert uow.org.departments() == []
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            # WAL: plain readers are not held up by the writer.
            assert other.execute("SELECT count(*) FROM department").fetchone() == (0,)

        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


# --- The write lock across processes (several bot processes, bot.shards) ----------------------

_HOLDER = """
import sys
from bot.storage.db import create_db_engine, write_lock
engine = create_db_engine(sys.argv[1])
with write_lock(engine):
    print("held", flush=True)
    sys.stdin.readline()
print("released", flush=True)
sys.stdin.readline()
"""


def _holder(engine: Engine) -> subprocess.Popen[str]:
    """Another process that takes the write lock, then releases it on each line it reads."""
    return subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(engine.url)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_write_lock_is_shared_with_other_processes_and_dies_with_them(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    with _holder(backend) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        # Another process writes: this one cannot take the lock without waiting.
        assert try_write_lock(backend) is None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        taken = try_write_lock(backend)
        assert taken is not None
        with taken:
            # Re-entrant for this thread: the use case's own unit of work runs inside.
            with make_uow() as uow:
                assert uow.org.departments() == []
            # …and still exclusive for everybody else: other threads and other processes.
            assert _taken_elsewhere(backend) is False
            assert _try_in_another_process(backend) == "busy"
        assert _taken_elsewhere(backend) is True
        assert _try_in_another_process(backend) == "free"
        holder.stdin.write("\n")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_killed_writer_leaves_the_lock_free(backend: Engine) -> None:
    with _holder(backend) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert try_write_lock(backend) is None
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    taken = try_write_lock(backend)
    assert taken is not None
    with taken:
        pass


_TRYER = """
import sys
from bot.storage.db import create_db_engine, try_write_lock
taken = try_write_lock(create_db_engine(sys.argv[1]))
print("busy" if taken is None else "free")
"""


def _try_in_another_process(engine: Engine) -> str:
    """Whether another process could take the write lock right now: "free" or "busy"."""
    done = subprocess.run(
        [sys.executable, "-c", _TRYER, str(engine.url)],
        capture_output=True,
        text=True,
        timeout=JOIN_TIMEOUT,
        check=True,
    )
    return done.stdout.strip()


def _taken_elsewhere(engine: Engine) -> bool:
    """Whether a thread of this process could take the write lock right now."""
    result: list[bool] = []

    def attempt() -> None:
        taken = try_write_lock(engine)
        result.append(taken is not None)
        if taken is not None:
            with taken:
                pass

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(JOIN_TIMEOUT)
    return result == [True]
