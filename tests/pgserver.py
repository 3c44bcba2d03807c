"""Start a throwaway PostgreSQL server for the test-suite, without any pytest plugin."""

from __future__ import annotations

import atexit
import contextlib
import glob
import grp
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import quote

import psycopg
from psycopg import sql

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"
HOST = "127.0.0.1"
# Unix socket paths are limited to 107 bytes; ".s.PGSQL.65535.lock" needs 20 of them.
_MAX_SOCKET_DIR_LEN = 80
_START_ATTEMPTS = 3
_LOG_TAIL_LINES = 40
_INSTALL_HINT = "run scripts/ensure-postgres (or: apt-get install postgresql)"


class PostgresServerError(RuntimeError):
    """Raised when the throwaway PostgreSQL server cannot be set up, started or used."""


def _has_server_binaries(bindir: Path) -> bool:
    """Tell whether bindir holds initdb, pg_ctl and postgres."""
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_BINARIES)


def _version_key(bindir: Path) -> tuple[int, ...]:
    """Sort key for /usr/lib/postgresql/<version>/bin so that the newest version wins."""
    version = bindir.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def find_pg_bindir() -> Path | None:
    """Return the directory holding the PostgreSQL server binaries, or None."""
    on_path = shutil.which("initdb")
    if on_path is not None:
        # Debian puts symlinks (e.g. /usr/local/bin) next to nothing else; resolve them.
        candidate = Path(on_path).resolve().parent
        if _has_server_binaries(candidate):
            return candidate
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        candidate = Path(result.stdout.strip())
        if result.returncode == 0 and candidate.is_absolute() and _has_server_binaries(candidate):
            return candidate
    debian_dirs = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    for candidate in sorted(debian_dirs, key=_version_key, reverse=True):
        if _has_server_binaries(candidate):
            return candidate
    return None


def _free_port() -> int:
    """Ask the kernel for a currently unused TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _can_traverse(path: Path, user: pwd.struct_passwd) -> bool:
    """Tell whether user may enter every directory from / down to path (ignoring ACLs)."""
    for directory in (path, *path.parents):
        st = directory.stat()
        if st.st_uid == user.pw_uid:
            allowed = st.st_mode & stat.S_IXUSR
        elif st.st_gid == user.pw_gid or user.pw_name in _group_members(st.st_gid):
            allowed = st.st_mode & stat.S_IXGRP
        else:
            allowed = st.st_mode & stat.S_IXOTH
        if not allowed:
            return False
    return True


def _group_members(gid: int) -> list[str]:
    """Return the supplementary members of a group (empty if the group is unknown)."""
    try:
        return list(grp.getgrgid(gid).gr_mem)
    except KeyError:
        return []


def _chown_tree(root: Path, user: pwd.struct_passwd) -> None:
    """Recursively hand root over to user so the unprivileged server can write there."""
    os.chown(root, user.pw_uid, user.pw_gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), user.pw_uid, user.pw_gid, follow_symlinks=False)


def _subprocess_env() -> dict[str, str]:
    """Environment for initdb/pg_ctl: English messages, no stray libpq/PG* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    # A LANG naming an uninstalled locale makes initdb fail; English logs are greppable.
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    return env


class PostgresServer:
    """A private PostgreSQL server listening on 127.0.0.1 with trust authentication."""

    def __init__(
        self,
        *,
        bindir: Path,
        base_dir: Path,
        runtime_dir: Path,
        owns_runtime_dir: bool,
        run_as: pwd.struct_passwd | None,
    ) -> None:
        """Remember paths; use start() to actually create a server."""
        self.bindir = bindir
        self.base_dir = base_dir
        self.runtime_dir = runtime_dir
        self.data_dir = runtime_dir / "data"
        self.log_path = runtime_dir / "pg.log"
        self.host = HOST
        self.port = 0
        self.startup_seconds = 0.0
        self._owns_runtime_dir = owns_runtime_dir
        self._run_as = run_as
        self._running = False

    @classmethod
    def start(cls, base_dir: Path) -> PostgresServer:
        """Initialise a cluster under base_dir, start it on a free port and return it."""
        started_at = time.monotonic()
        bindir = find_pg_bindir()
        if bindir is None:
            raise PostgresServerError(
                f"PostgreSQL server binaries ({', '.join(SERVER_BINARIES)}) not found; "
                + _INSTALL_HINT
            )
        base_dir = Path(base_dir).resolve()
        base_dir.mkdir(parents=True, exist_ok=True)
        run_as = cls._unprivileged_user()
        runtime_dir, owns_runtime_dir = cls._choose_runtime_dir(base_dir, run_as)
        server = cls(
            bindir=bindir,
            base_dir=base_dir,
            runtime_dir=runtime_dir,
            owns_runtime_dir=owns_runtime_dir,
            run_as=run_as,
        )
        # Registered before initdb so that a half-started server is cleaned up, too.
        atexit.register(server.stop)
        try:
            server._initdb()
            server._start_postmaster()
        except BaseException:
            server.stop()
            raise
        server.startup_seconds = time.monotonic() - started_at
        return server

    @staticmethod
    def _unprivileged_user() -> pwd.struct_passwd | None:
        """Return the account to run the server as when we are root (PostgreSQL refuses root)."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresServerError(
                f"running as root but there is no '{SUPERUSER}' user to run the server as; "
                + _INSTALL_HINT
            ) from None

    @staticmethod
    def _choose_runtime_dir(base_dir: Path, run_as: pwd.struct_passwd | None) -> tuple[Path, bool]:
        """Use base_dir when the server can reach it, else a fresh directory under /tmp."""
        reachable = run_as is None or _can_traverse(base_dir, run_as)
        if reachable and len(str(base_dir)) <= _MAX_SOCKET_DIR_LEN:
            if run_as is not None:
                _chown_tree(base_dir, run_as)
            return base_dir, False
        # pytest's /tmp/pytest-of-root is 0700, so the postgres user cannot enter it; rather
        # than loosening pytest's directory, keep the cluster in a short private dir of its own.
        tmp_root = tempfile.gettempdir()
        if run_as is not None and not _can_traverse(Path(tmp_root), run_as):
            tmp_root = "/tmp"
        runtime_dir = Path(tempfile.mkdtemp(prefix="pgserver-", dir=tmp_root))
        if run_as is not None:
            os.chown(runtime_dir, run_as.pw_uid, run_as.pw_gid)
        return runtime_dir, True

    def _command(self, program: str, *args: str) -> list[str]:
        """Build an argv for a server binary, dropping root privileges when needed."""
        argv = [str(self.bindir / program), *args]
        if self._run_as is None:
            return argv
        return ["runuser", "-u", self._run_as.pw_name, "--", *argv]

    def _run(
        self, program: str, *args: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a server binary and return its result without raising on failure."""
        return subprocess.run(
            self._command(program, *args),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=_subprocess_env(),
            # The caller's cwd (e.g. /root) may be unreadable for the postgres user.
            cwd=self.runtime_dir,
        )

    def _fail(self, what: str, result: subprocess.CompletedProcess[str]) -> PostgresServerError:
        """Build an error that carries the command output and the tail of the server log."""
        output = (result.stdout + result.stderr).strip()
        return PostgresServerError(
            f"{what} failed (exit {result.returncode}): {shlex.join(result.args)}\n"
            f"{output}\n--- last lines of the server log (kept as {self.base_dir / 'pg.log'}) ---\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """Return the last lines of the server log (empty if there is none yet)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _initdb(self) -> None:
        """Create the cluster; --no-sync because a crash simply means a new test run."""
        result = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        if result.returncode != 0:
            raise self._fail("initdb", result)

    def _start_postmaster(self) -> None:
        """Start the server, retrying when another process grabbed the chosen port meanwhile."""
        for attempt in range(1, _START_ATTEMPTS + 1):
            self.port = _free_port()
            options = " ".join(
                [
                    f"-c listen_addresses={HOST}",
                    f"-p {self.port}",
                    f"-k {shlex.quote(str(self.runtime_dir))}",
                    # Durability is pointless for throwaway data and costs seconds per run.
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                ]
            )
            result = self._run(
                "pg_ctl",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                "-o",
                options,
                "start",
            )
            if result.returncode == 0:
                self._running = True
                return
            port_taken = "Address already in use" in self.log_tail()
            if not port_taken or attempt == _START_ATTEMPTS:
                raise self._fail("pg_ctl start", result)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the default 'postgres' database."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of the database called name."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{quote(name, safe='')}"

    def conninfo(self, name: str = "postgres") -> str:
        """libpq connection string for psycopg.connect()."""
        return psycopg.conninfo.make_conninfo(
            host=self.host, port=self.port, user=SUPERUSER, dbname=name, connect_timeout=10
        )

    def _admin_execute(self, statement: sql.Composed) -> None:
        """Run a statement that cannot live inside a transaction (CREATE/DROP DATABASE)."""
        if not self._running:
            raise PostgresServerError("the PostgreSQL server is not running")
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        self._admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, kicking out leftover connections (e.g. undisposed engine pools)."""
        self._admin_execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    @property
    def running(self) -> bool:
        """Whether start() succeeded and stop() has not been called since."""
        return self._running

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove private temp dirs; safe to call twice."""
        atexit.unregister(self.stop)
        if self.data_dir.joinpath("postmaster.pid").exists():
            result = self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w")
            # Exit 1 with "PID file ... does not exist" just means it was already down.
            if result.returncode != 0 and self.data_dir.joinpath("postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")
        self._running = False
        if self._owns_runtime_dir and self.runtime_dir.exists():
            # Keep the log next to the caller's other artefacts for post-mortems.
            with contextlib.suppress(OSError):
                shutil.copyfile(self.log_path, self.base_dir / "pg.log")
            shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        """Allow `with PostgresServer.start(path) as server:`."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server when leaving the with-block."""
        self.stop()
