"""Engine creation, SQLite pragmas, and migrations run at start-up."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

from bot.config import sqlite_path
from bot.storage import prepared

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_db_engine(
    url: str, *, synchronous: str = "NORMAL", background_checkpoints: bool = False
) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and immediate writes.

    Parameters are hidden from SQLAlchemy's error messages: they hold note text and names,
    which must never reach the log. `background_checkpoints`: the caller runs checkpoint()
    every few seconds (the bot does, as a job), so a commit does not copy the WAL into the
    database file itself (see checkpoint()).
    """
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is None:
            # In-memory SQLite exists once per connection: share that one connection.
            engine = sa.create_engine(
                url,
                connect_args={"check_same_thread": False},
                poolclass=sa.pool.StaticPool,
                hide_parameters=True,
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                pool_size=8,
                max_overflow=8,
                hide_parameters=True,
            )
        _configure_sqlite(engine, synchronous, background_checkpoints and path is not None)
        if path is not None:
            _WRITE_LOCKS[engine] = _file_lock(path)
        return engine
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=8, max_overflow=8, hide_parameters=True
    )


def _configure_sqlite(engine: Engine, synchronous: str, background_checkpoints: bool) -> None:
    if synchronous not in {"NORMAL", "FULL"}:
        raise ValueError("synchronous must be NORMAL or FULL")
    autocheckpoint = WAL_BACKSTOP_PAGES if background_checkpoints else WAL_AUTOCHECKPOINT_PAGES

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transactions out of pysqlite's hands so "begin" below decides how they start.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={autocheckpoint}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A reader in WAL mode never blocks and is never blocked: a plain snapshot. BEGIN
        # IMMEDIATE takes the write lock up front, so two writers wait for each other (busy
        # timeout) instead of one failing when it upgrades a read lock to a write lock.
        # Straight on the driver: this runs for every unit of work (bot.storage.prepared).
        read_only = conn.get_execution_options().get(READ_ONLY)
        prepared.execute_driver_sql(conn, "BEGIN" if read_only else "BEGIN IMMEDIATE")


READ_ONLY = "dagbogsbot_read_only"

# SQLite's own default: the commit that takes the WAL past this many pages copies them into
# the database file and syncs it.
WAL_AUTOCHECKPOINT_PAGES = 1000
# With background checkpoints a commit does that only past this many pages (40 MB with 4 KiB
# pages): a backstop should the checkpoint job stop, never the normal way.
WAL_BACKSTOP_PAGES = 10_000
CHECKPOINT_INTERVAL_S = 1.0


def sqlite_file(engine: Engine) -> Path | None:
    """Return the engine's SQLite file, or None for PostgreSQL and in-memory SQLite."""
    if engine.dialect.name != "sqlite":
        return None
    return sqlite_path(engine.url.render_as_string(hide_password=False))


def checkpoint(engine: Engine) -> tuple[int, int, int] | None:
    """Copy what the WAL holds into the database file; (busy, WAL pages, pages copied).

    PASSIVE: it waits for nobody and blocks nobody; pages a reader still needs stay for the
    next run. The copy and its fsync take 10 to 80 ms on this machine's disk at a thousand
    pages. Done inside a commit (SQLite's automatic checkpoint), they stall whoever commits:
    the event loop itself for a quick write (bot.context.run_quick), and every writer of
    every process waiting for the write lock meanwhile. Off a SQLite file: None.
    """
    if sqlite_file(engine) is None:
        return None
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            busy, pages, copied = cursor.fetchone() or (0, 0, 0)
        finally:
            cursor.close()
    finally:
        raw.close()
    return int(busy), int(pages), int(copied)


class _WriteLock:
    """One writer at a time over every process on a SQLite file.

    Threads of this process queue on a re-entrant lock (woken the moment it is free). The
    thread that holds it then takes an exclusive `flock` on a side file (`<db>-writelock`),
    trying every FLOCK_RETRY_S while a writer in another process (the bot's workers, the
    command line) holds it. Without it, writers poll in SQLite's busy handler, which sleeps 1
    to 100 ms between tries: two processes saving notes at once then wait for sleeps, not for
    each other. The kernel drops a `flock` when its process dies, so a killed writer never
    leaves the file locked.

    Both waits are bounded by SQLite's busy timeout: past it the writer goes on without the
    lock and SQLite itself reports "database is locked" if the other writer is still busy, as
    it would without this lock. A side file that cannot be opened (another user's, a
    read-only folder) leaves only SQLite's own locking, with a warning.
    """

    def __init__(self, path: Path) -> None:
        self._lock = threading.RLock()
        self._held = threading.local()
        self._path = path.with_name(path.name + "-writelock")
        self._database = path
        self._fd: int | None = None
        self._pid = os.getpid()
        self._unusable = False

    def _file(self) -> int | None:
        if self._unusable:
            return None
        if self._fd is None or self._pid != os.getpid():
            # A forked child needs its own open file description: flock belongs to one.
            try:
                self._fd = _open_side_file(self._path, self._database)
            except OSError as exc:
                log.warning("no cross-process write lock (%s): SQLite's own locking only", exc)
                self._unusable = True
                return None
            self._pid = os.getpid()
            weakref.finalize(self, _close_quietly, self._fd)
        return self._fd

    def _flock(self, deadline: float | None) -> bool:
        """Take the flock (deadline None: only if free now); False when not taken."""
        fd = self._file()
        if fd is None:
            return True
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if deadline is None or time.monotonic() >= deadline:
                    return False
            time.sleep(FLOCK_RETRY_S)

    def _enter(self, *, wait: bool) -> bool:
        timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
        acquired = self._lock.acquire(timeout=timeout) if wait else self._lock.acquire(False)
        if not acquired:
            if wait:
                self._push(False)  # past the timeout: on without the lock, as documented
            return False
        try:
            outermost = not any(acquired for acquired, _ in self._stack())
            if outermost and not self._flock(time.monotonic() + timeout if wait else None):
                if not wait:
                    self._lock.release()
                    return False
                # Another process held it past the busy timeout: SQLite decides from here.
                self._push(True, flocked=False)
                return True
        except BaseException:
            self._lock.release()
            raise
        self._push(True, flocked=outermost and self._fd is not None)
        return True

    def _stack(self) -> list[tuple[bool, bool]]:
        """This thread's entries, innermost last: (thread lock acquired, flock taken)."""
        stack: list[tuple[bool, bool]] | None = getattr(self._held, "stack", None)
        if stack is None:
            stack = self._held.stack = []
        return stack

    def _push(self, acquired: bool, *, flocked: bool = False) -> None:
        self._stack().append((acquired, flocked))

    def __enter__(self) -> _WriteLock:
        self._enter(wait=True)
        return self

    def try_enter(self) -> bool:
        """Take the lock only when nobody holds it, without waiting; True when taken."""
        return self._enter(wait=False)

    def __exit__(self, *_exc: object) -> None:
        acquired, flocked = self._stack().pop()
        if flocked and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        if acquired:
            self._lock.release()


FLOCK_RETRY_S = 0.0005
"""How often a writer tries the other processes' lock again while it is taken."""


def _open_side_file(path: Path, database: Path) -> int:
    """Open (or create) the lock file with the database file's mode and owner."""
    try:
        info: os.stat_result | None = database.stat()
    except OSError:
        info = None
    mode = (info.st_mode & 0o666) if info is not None else 0o600
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
    if info is not None and os.geteuid() == 0:
        # As SQLite does for -wal and -shm: a command run as root must not leave a file the
        # bot's own user cannot open.
        with contextlib.suppress(OSError):
            os.fchown(fd, info.st_uid, info.st_gid)
    return fd


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


# One lock per database file and process, shared by every engine on that file (two engines
# with a lock each would shut each other out); it lives as long as an engine uses it.
_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, _WriteLock] = weakref.WeakKeyDictionary()
_LOCKS_BY_FILE: weakref.WeakValueDictionary[Path, _WriteLock] = weakref.WeakValueDictionary()
_LOCKS_GUARD = threading.Lock()


def _file_lock(path: Path) -> _WriteLock:
    key = path.resolve()
    with _LOCKS_GUARD:
        lock = _LOCKS_BY_FILE.get(key)
        if lock is None:
            lock = _LOCKS_BY_FILE[key] = _WriteLock(key)
        return lock


def write_lock(engine: Engine) -> contextlib.AbstractContextManager[object]:
    """Return the in-process lock that writers to a SQLite file take before BEGIN IMMEDIATE.

    SQLite has one writer at a time. Writers of this process and of the others on the same
    file queue on this lock (see _WriteLock); without it they would poll in SQLite's busy
    handler, which sleeps up to 100 ms between tries. PostgreSQL locks rows itself: no lock
    there.
    """
    lock = _WRITE_LOCKS.get(engine)
    return lock if lock is not None else contextlib.nullcontext()


def try_write_lock(engine: Engine) -> contextlib.AbstractContextManager[object] | None:
    """Return the write lock already taken when it was free this instant, else None.

    For the small writes every note makes (bot.context.CustomContext.run_quick): run on the
    event loop's own thread, they hold the lock only for their own few statements, where a
    worker thread holding it would also wait its turn for the interpreter lock. None when
    someone else writes (the caller tries again) and when there is no lock (has_write_lock).
    """
    lock = _WRITE_LOCKS.get(engine)
    if lock is None or not lock.try_enter():
        return None
    return _Taken(lock)


def has_write_lock(engine: Engine) -> bool:
    """Whether writers to this engine's database queue on write_lock (a SQLite file)."""
    return engine in _WRITE_LOCKS


class _Taken:
    """A write lock already entered: `with` only releases it at the end of the block."""

    def __init__(self, lock: _WriteLock) -> None:
        self._lock = lock

    def __enter__(self) -> _Taken:
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic config that runs the packaged migrations on this engine."""
    from alembic.config import Config  # noqa: PLC0415  (alembic costs ~0.2 s to import)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command  # noqa: PLC0415  (imported only when migrating)

    with write_lock(engine):
        command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None when it has none."""
    with engine.connect() as conn:
        try:
            row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
        except sa.exc.DatabaseError:
            return None
    return None if row is None else str(row[0])


def integrity_ok(engine: Engine) -> bool:
    """Run SQLite's integrity check (other databases: True)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
