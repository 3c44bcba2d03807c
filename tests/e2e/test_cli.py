"""The command line: the real `python -m bot` in a subprocess, plus in-process dispatch checks."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import select

import bot.__main__ as cli
from bot.config import Settings
from bot.domain.invites import looks_like_code
from bot.fakeapi import BOT_USERNAME, FakeBotApi
from bot.storage.db import alembic_config, create_db_engine
from bot.storage.models import Department, Invite, Resident
from bot.storage.uow import UnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = [name.upper() for name in Settings.model_fields]
RESIDENTS_CSV = (
    "name,birth_date,department,enrolment_date,caseworker_name,caseworker_email\n"
    "Mia,2012-05-17,Afdeling Øst,2020-08-01,Lene Holm,lh@kommune.dk\n"
    "Bo,2015-03-03,Afdeling Øst,2024-08-12,,\n"
)


def run_cli(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in cwd with a clean set of settings, as an operator would."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    environment.update(
        PYTHONPATH=str(ROOT),
        PYTHONIOENCODING="utf-8",
        DATABASE_URL=f"sqlite:///{cwd / 'cli.db'}",
        # Whatever the developer's shell has configured, these tests run without a token.
        TELEGRAM_BOT_TOKEN="",
    )
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory: no .env, no database yet."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def cli_uow(workdir: Path) -> Iterator[UnitOfWorkFactory]:
    """Units of work on the database the CLI runs in workdir use."""
    engine = create_db_engine(f"sqlite:///{workdir / 'cli.db'}")
    yield UnitOfWorkFactory(engine)
    engine.dispose()


# --- The real command line, in a subprocess ------------------------------------------------


def test_help_lists_the_subcommands(workdir: Path) -> None:
    result = run_cli(workdir, "--help")

    assert result.returncode == 0, result.stderr
    for command in ("run", "demo", "bench", "migrate", "invite", "import"):
        assert f"\n    {command} " in result.stdout, command
    assert not (workdir / "cli.db").exists()


def test_invite_prints_the_link_and_the_code_alone_on_the_last_line(
    workdir: Path, cli_uow: UnitOfWorkFactory
) -> None:
    result = run_cli(workdir, "invite", "--role", "afdelingsleder", "--department", "Afdeling Øst")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    code = lines[-1]
    assert looks_like_code(code)
    assert f"https://t.me/<your_bot_username>?start={code}" in lines
    assert "afdelingsleder" in lines[0]
    assert "Afdeling Øst" in lines[0]
    assert "TELEGRAM_BOT_TOKEN" in result.stdout  # how to get the real username
    with cli_uow() as uow:
        invite = uow.session.exec(select(Invite)).one()
        department = uow.session.exec(select(Department)).one()
        assert invite.code_hash == hashlib.sha256(code.encode("ascii")).hexdigest()
        assert (invite.role, invite.department_id) == ("afdelingsleder", department.id)
        assert department.name == "Afdeling Øst"
        assert invite.expires_at - invite.created_at == timedelta(hours=72)
        assert (invite.used_at, invite.created_by_id) == (None, None)
    # Only the hash is stored: the code appears nowhere in the database files.
    for stored in workdir.glob("cli.db*"):
        assert code.encode("ascii") not in stored.read_bytes(), stored.name


def test_an_unknown_role_is_refused_before_anything_is_written(workdir: Path) -> None:
    result = run_cli(workdir, "invite", "--role", "chef", "--department", "Afdeling Øst")

    assert result.returncode == 2
    assert "invalid choice: 'chef'" in result.stderr
    assert "afdelingsleder" in result.stderr  # the message lists the roles that exist
    assert result.stdout == ""
    assert not (workdir / "cli.db").exists()


def test_import_residents_good_file_then_bad_file(
    workdir: Path, cli_uow: UnitOfWorkFactory
) -> None:
    (workdir / "good.csv").write_text(RESIDENTS_CSV, encoding="utf-8")
    (workdir / "bad.csv").write_text(
        "name;birth_date;department;enrolment_date\n"
        "Ida;2014-01-01;Afdeling Øst;2020-08-01\n"
        "Ida 0101;2014-01-01;Afdeling Øst;2020-08-01\n"
        "Eva;01-01-2014;Afdeling Øst;2020-08-01\n",
        encoding="utf-8",
    )

    good = run_cli(workdir, "import", "residents", "good.csv")
    bad = run_cli(workdir, "import", "residents", "bad.csv")

    assert good.returncode == 0, good.stderr
    assert good.stdout == "Residents: 2 created, 0 updated, 0 unchanged.\n"
    assert bad.returncode == 1
    assert bad.stdout == ""
    errors = bad.stderr.splitlines()
    assert errors[0].startswith("bad.csv, line 3: name: ")
    assert errors[1].startswith("bad.csv, line 4: birth_date: ")
    assert "01-01-2014" in errors[1]
    assert errors[2].startswith("Nothing was imported: 2 line(s) need fixing.")
    assert len(errors) == 3
    with cli_uow() as uow:
        names = sorted(r.display_name for r in uow.session.exec(select(Resident)))
    assert names == ["Bo", "Mia"]  # Ida on line 2 was good, but nothing of bad.csv was written


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("BOT_TIMEZONE", "Mars/Base"),
        ("INVITE_TTL_HOURS", "abc"),
    ],
)
def test_a_bad_setting_exits_2_with_one_line_naming_it(
    workdir: Path, name: str, value: str
) -> None:
    result = run_cli(workdir, "migrate", env={name: value})

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Invalid setting {name}: ")
    assert not (workdir / "cli.db").exists()


# --- Dispatch, in process (fast; the subprocess runs above cover the wiring) ----------------


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> pytest.MonkeyPatch:
    """Clear every setting, work in workdir, and use its database; return monkeypatch."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{workdir / 'cli.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    return monkeypatch


class Recorder:
    """Stand-in for a command that another module provides; records what it was given."""

    def __init__(self, returns: int) -> None:
        self.returns = returns
        self.calls: list[object] = []

    def demo(self, *, today: date | None = None) -> int:
        """Record a run_demo call."""
        self.calls.append(today)
        return self.returns

    def bench(self, argv: list[str]) -> int:
        """Record a bench main call."""
        self.calls.append(list(argv))
        return self.returns


def test_no_command_and_no_token_prints_one_line_and_starts_the_demo(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = Recorder(returns=0)
    env.setattr("bot.demo.run_demo", recorder.demo)

    code = cli.main([])

    assert code == 0
    assert recorder.calls == [None]
    out, err = capsys.readouterr()
    assert out == (
        "No TELEGRAM_BOT_TOKEN configured: starting the offline demo. Put the token from "
        "@BotFather in .env (see .env.example) to run the real bot.\n"
    )
    assert err == ""


def test_no_command_with_a_token_runs_the_bot(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[str] = []

    def fake_run(inv: cli.Invocation) -> int:
        assert inv.settings.telegram_bot_token is not None
        ran.append(inv.settings.telegram_bot_token.get_secret_value())
        return 0

    env.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    env.setattr(cli, "cmd_run", fake_run)

    assert cli.main([]) == 0
    assert ran == ["123:abc"]
    assert capsys.readouterr().out == ""


def test_demo_passes_today_through(env: pytest.MonkeyPatch) -> None:
    recorder = Recorder(returns=3)
    env.setattr("bot.demo.run_demo", recorder.demo)

    assert cli.main(["demo", "--today", "2026-02-28"]) == 3
    assert recorder.calls == [date(2026, 2, 28)]


def test_demo_refuses_a_date_it_cannot_read(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["demo", "--today", "30.02.2026"])

    assert exited.value.code == 2
    assert "'30.02.2026' is not a date like 2026-11-23 or 23.11.2026" in capsys.readouterr().err


@pytest.mark.parametrize("typed", ["2026-02-28", "28.02.2026", "28.2.2026", "28. februar 2026"])
def test_demo_takes_a_day_as_danish_staff_write_it(typed: str) -> None:
    parsed = cli.build_parser().parse_args(["demo", "--today", typed])
    assert parsed.today == date(2026, 2, 28)


def test_bench_gets_every_remaining_argument(env: pytest.MonkeyPatch) -> None:
    recorder = Recorder(returns=4)
    env.setitem(sys.modules, "bot.bench", types.SimpleNamespace(main=recorder.bench))

    assert cli.main(["bench", "--runs", "3", "quick", "-h"]) == 4
    assert cli.main(["bench"]) == 4
    assert recorder.calls == [["--runs", "3", "quick", "-h"], []]


def test_other_commands_refuse_extra_arguments(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["migrate", "--force"])

    assert exited.value.code == 2
    assert "unrecognized arguments: --force" in capsys.readouterr().err


def test_run_without_a_token_exits_2(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("No TELEGRAM_BOT_TOKEN configured")
    assert len(err.splitlines()) == 1


def test_logging_keeps_the_http_libraries_quiet_even_at_debug(env: pytest.MonkeyPatch) -> None:
    env.setenv("LOG_LEVEL", "DEBUG")
    saved = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    try:
        cli.configure_logging(cli.load_settings())
        assert logging.getLogger("httpx").level == logging.WARNING
        assert logging.getLogger("httpcore").level == logging.WARNING
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def test_migrate_prints_the_newest_revision(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    engine = create_db_engine(f"sqlite:///{workdir / 'cli.db'}")
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    engine.dispose()

    assert cli.main(["migrate"]) == 0
    assert capsys.readouterr().out == f"The database is at revision {head} (the newest).\n"


def test_an_unreachable_database_is_one_line_without_the_password(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on localhost: refused at once, no server needed.
    env.setenv("DATABASE_URL", "postgresql://dagbog:s3cret@127.0.0.1:1/dagbog")

    assert cli.main(["migrate"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Cannot use the database: ")
    assert len(err.splitlines()) == 1
    assert "s3cret" not in err


def test_import_diary_types_from_the_command_line(
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workdir: Path,
    cli_uow: UnitOfWorkFactory,
) -> None:
    (workdir / "types.csv").write_text("name,aliases\nSøvn,søvn|nat\n", encoding="utf-8")

    assert cli.main(["import", "diary-types", "types.csv"]) == 0
    assert cli.main(["import", "diary-types", "types.csv"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Diary types: 1 created, 0 updated, 0 unchanged.",
        "Diary types: 0 created, 0 updated, 1 unchanged.",
    ]
    with cli_uow() as uow:
        listed = {t.name: aliases for t, aliases in uow.diary_types.active_with_aliases()}
    assert listed["Søvn"] == ["søvn", "nat"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "Cannot read missing.csv: No such file or directory", id="missing"),
        pytest.param(
            "name;birth_date;department;enrolment_date\nMia;2012-05-17;Øst;2020-08-01\n".encode(
                "cp1252"
            ),
            "missing.csv is not UTF-8 text",
            id="excel-ansi",
        ),
    ],
)
def test_an_unreadable_file_is_one_line_and_writes_nothing(
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workdir: Path,
    content: bytes | None,
    message: str,
) -> None:
    if content is not None:
        (workdir / "missing.csv").write_bytes(content)

    assert cli.main(["import", "residents", "missing.csv"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message)
    assert len(err.splitlines()) == 1
    assert not (workdir / "cli.db").exists()


async def test_bot_username_comes_from_telegram_when_a_token_is_set(db_url: str) -> None:
    settings = Settings(_env_file=None, database_url=db_url, telegram_bot_token="123:abc")  # type: ignore[call-arg]

    assert await cli.bot_username(settings, request=FakeBotApi()) == BOT_USERNAME


async def test_bot_username_falls_back_when_telegram_fails_or_there_is_no_token(
    db_url: str,
) -> None:
    with_token = Settings(_env_file=None, database_url=db_url, telegram_bot_token="123:abc")  # type: ignore[call-arg]
    without = Settings(_env_file=None, database_url=db_url, telegram_bot_token=None)  # type: ignore[call-arg]
    api = FakeBotApi()
    api.fail_next(5, methods={"getMe"})

    assert await cli.bot_username(with_token, request=api) is None
    assert await cli.bot_username(without, request=FakeBotApi()) is None
