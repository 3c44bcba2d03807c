"""The command line: run the bot, the offline demo, benchmarks, migrations, invites, imports."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest

from bot.app import build_application, file_url
from bot.clock import SystemClock
from bot.config import Settings, SettingsError, load_settings, sqlite_path
from bot.domain.access import Role
from bot.domain.dates import WEEKDAY_NAMES_DA, parse_danish_date, parse_weekday
from bot.domain.errors import DomainError
from bot.domain.invites import deep_link
from bot.services.departments import set_team_meetings
from bot.services.goal_imports import (
    GOAL_COLUMNS,
    GOAL_OPTIONAL_COLUMNS,
    GoalImportResult,
    import_goals,
)
from bot.services.imports import ImportResult, import_diary_types, import_residents
from bot.services.onboarding import SubstituteInvite, import_checklist, residents_by_name
from bot.services.staff import create_invite
from bot.storage.db import create_db_engine, current_revision, upgrade
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import plain

NO_TOKEN_DEMO = (
    "No TELEGRAM_BOT_TOKEN configured: starting the offline demo. Put the token from "
    "@BotFather in .env (see .env.example) to run the real bot."
)
NO_TOKEN_RUN = (
    "No TELEGRAM_BOT_TOKEN configured: put the token from @BotFather in .env "
    "(see .env.example), or run `python -m bot demo` for the offline demo."
)
USERNAME_PLACEHOLDER = "<your_bot_username>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# httpx logs every request URL at INFO, and Bot API URLs contain the token.
QUIET_LOGGERS = ("httpx", "httpcore")

GOALS_HELP = f"""Import the municipality's goals from a CSV file (UTF-8, comma or semicolon).

Columns (header on line 1):
  {", ".join(GOAL_COLUMNS)}
optional:
  {", ".join(GOAL_OPTIONAL_COLUMNS)}

resident_name and resident_birth_date (YYYY-MM-DD) identify the resident; ref is the
municipality's id of the goal. goal_type: udviklingsmaal, vedligeholdelsesmaal or andet.
contexts: diary type names or aliases separated by ';'. mandatory_area: skole,
sociale_relationer or empty. start_date, end_date: YYYY-MM-DD. interval: e.g. "3 måneder",
"6 uger" (at most 3 months). One sub-goal per row (scoring_frequency: daily, per_shift,
weekly or none); rows with the same resident and ref make one goal.
All rows or none; a goal already imported is never overwritten, only new sub-goals are added.
"""

ONBOARDING_HELP = """Replace the substitutes' checklist with a CSV file (UTF-8, comma or semicolon).

Columns (header on line 1): code, title, owner, due_days
optional: description, gates_briefs, recurs_months, agency_only, kind

code: a short key (a-z, 0-9, _) that matches a step across imports. owner: vikar (the
substitute does it) or leder (a leader confirms it). due_days: days from the start date
(negative: before it). gates_briefs: ja/nej, the step must be done before the substitute may
read the residents' briefs. recurs_months: e.g. 6 for the vikarmøde twice a year.
agency_only: ja/nej, only for agency substitutes. kind: task (default) or brief (done when
the substitute has read the brief of each of their residents).
All rows or none. A step left out is taken off the checklist; substitutes who already started
keep the steps they were given.
"""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class Invocation:
    """One run of the command line: parsed arguments, settings, and arguments passed on."""

    args: argparse.Namespace
    settings: Settings
    extra: list[str]


Command = Callable[[Invocation], int]


def _iso_day(value: str) -> date:
    """A day as 2026-11-23 or as Danish staff write it (23.11.2026)."""
    try:
        return parse_danish_date(value, SystemClock().now().date())
    except DomainError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date like 2026-11-23 or 23.11.2026"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands and their arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=(
            "Dagbogsbot: diary notes for residential care homes. Without a command: run the "
            "bot if TELEGRAM_BOT_TOKEN is set, otherwise the offline demo."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (needs TELEGRAM_BOT_TOKEN)")
    demo = commands.add_parser("demo", help="try the bot offline in the terminal")
    demo.add_argument(
        "--today",
        type=_iso_day,
        metavar="DATE",
        help="pretend today is this day (2027-03-01 or 1.3.2027)",
    )
    demo.add_argument(
        "--fresh",
        action="store_true",
        help="delete the demo's data (data/demo.db) and start over with a newly seeded facility",
    )
    # No help option of its own: every argument, --help too, goes to the benchmark runner.
    commands.add_parser(
        "bench", add_help=False, help="run the benchmarks (arguments go to the runner)"
    )
    commands.add_parser("migrate", help="bring the database to the newest schema")
    worker = commands.add_parser(
        "worker",
        help="one of BOT_WORKERS bot processes; `run` starts them (updates come on stdin)",
    )
    worker.add_argument("--index", type=int, required=True, help="this worker's number, from 0")
    worker.add_argument("--workers", type=int, required=True, help="how many workers there are")
    invite = commands.add_parser(
        "invite", help="make a one-time invite link (e.g. for the first leader)"
    )
    invite.add_argument("--role", required=True, choices=[r.value for r in Role])
    invite.add_argument(
        "--department", required=True, metavar="NAME", help="created when it does not exist"
    )
    vikar = invite.add_argument_group(
        "a substitute's terms (--role vikar: all but --agency required; the department must exist)"
    )
    vikar.add_argument("--start", type=_iso_day, metavar="DATE", help="the first working day")
    vikar.add_argument(
        "--until", type=_iso_day, metavar="DATE", help="the last day of access (included)"
    )
    vikar.add_argument(
        "--residents", metavar="NAMES", help='the residents they will work with: "Mia, Noah"'
    )
    vikar.add_argument("--agency", action="store_true", help="the substitute is from an agency")
    meetings = commands.add_parser(
        "team-meetings",
        help="set when a department's team meetings are (new goals are evaluated at the first)",
    )
    meetings.add_argument("department", metavar="DEPARTMENT")
    meetings.add_argument(
        "--weekday", required=True, help="mandag … søndag (or monday … sunday, or 1–7)"
    )
    meetings.add_argument("--every", type=int, default=1, metavar="N", help="every N weeks")
    meetings.add_argument(
        "--from",
        dest="anchor",
        type=_iso_day,
        metavar="YYYY-MM-DD",
        help="a day in a week with a meeting (for --every 2 or more); default: this week",
    )
    imports = commands.add_parser("import", help="import residents, diary types or goals from CSV")
    kinds = imports.add_subparsers(dest="kind", metavar="WHAT", required=True)
    residents = kinds.add_parser(
        "residents",
        help="header: name,birth_date,department,enrolment_date[,caseworker_name,caseworker_email]",
    )
    residents.add_argument("file", type=Path, metavar="FILE.csv")
    types = kinds.add_parser(
        "diary-types", help="header: name,aliases (aliases separated by ; or |)"
    )
    types.add_argument("file", type=Path, metavar="FILE.csv")
    goals = kinds.add_parser(
        "goals",
        help="the municipality's goals and sub-goals (columns: import goals --help)",
        description=GOALS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    goals.add_argument("file", type=Path, metavar="FILE.csv")
    checklist = kinds.add_parser(
        "onboarding",
        help="the substitutes' checklist (replaces it; columns: import onboarding --help)",
        description=ONBOARDING_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    checklist.add_argument("file", type=Path, metavar="FILE.csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, load the settings and run one command."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "bench":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    command: Command = COMMANDS.get(args.command, cmd_default)
    try:
        return command(Invocation(args, settings, extra))
    except OperationalError as exc:
        # Only the driver's first line: it names host and port, never the password.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(f"Cannot use the database: {reason}", file=sys.stderr)
        return EXIT_FAILED


def cmd_default(inv: Invocation) -> int:
    """Run the bot when a token is configured, otherwise the offline demo."""
    if inv.settings.telegram_bot_token is not None:
        return cmd_run(inv)
    print(NO_TOKEN_DEMO, flush=True)
    return cmd_demo(Invocation(argparse.Namespace(today=None), inv.settings, inv.extra))


def cmd_run(inv: Invocation) -> int:
    """Run the bot with long polling until Ctrl-C or SIGTERM (BOT_WORKERS > 1: several)."""
    settings = inv.settings
    if settings.telegram_bot_token is None:
        print(NO_TOKEN_RUN, file=sys.stderr)
        return EXIT_USAGE
    if settings.bot_workers > 1 and settings.sqlalchemy_url.startswith("sqlite") and (
        sqlite_path(settings.sqlalchemy_url) is None
    ):
        print("BOT_WORKERS > 1 needs a database file or server to share", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings)
    if settings.bot_workers > 1:
        from bot import shards  # noqa: PLC0415  (only the front needs it)

        engine = create_db_engine(settings.sqlalchemy_url)
        try:
            upgrade(engine)  # once, before any worker opens the database
        finally:
            engine.dispose()
        bot = shards.updates_bot(
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_api_base_url,
            file_url(settings.telegram_api_base_url),
        )
        return asyncio.run(shards.run_front(bot, settings.bot_workers))
    app = build_application(settings, freeze_heap=True)
    app.run_polling()
    return EXIT_OK


def cmd_worker(inv: Invocation) -> int:
    """Serve the updates the front hands over on standard input (see bot.shards)."""
    from bot import shards  # noqa: PLC0415

    shards.ignore_stop_signals()  # first: a Ctrl-C while starting must not kill the worker
    args, settings = inv.args, inv.settings
    if not 0 <= args.index < args.workers:
        print("--index must be from 0 to --workers - 1", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings)
    # Telegram's overall limit is the bot's, not each process's: share it out.
    app = build_application(
        settings,
        migrate=False,
        primary=args.index == 0,
        polling=False,
        freeze_heap=True,
        rate_limiter=AIORateLimiter(
            overall_max_rate=settings.telegram_overall_max_rate / args.workers,
            max_retries=settings.telegram_max_retries,
        ),
    )
    return shards.run_worker(app, args.index)


class RedactingFormatter(logging.Formatter):
    """Format records with every occurrence of a secret replaced."""

    def __init__(self, fmt: str, secret: str) -> None:
        super().__init__(fmt)
        self._secret = secret

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then blank out the secret wherever it appears."""
        text = super().format(record)
        return text.replace(self._secret, "<token>") if self._secret else text


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level, keeping the token out of the log."""
    logging.basicConfig(level=settings.log_level_number, format=LOG_FORMAT)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Belt and braces: python-telegram-bot itself logs the API URL, token included, at DEBUG.
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(LOG_FORMAT, token))


def cmd_demo(inv: Invocation) -> int:
    """Run the offline demo in the terminal."""
    try:
        from bot.demo import run_demo  # noqa: PLC0415  (written separately; keep the CLI importable)
    except ModuleNotFoundError as exc:
        if exc.name != "bot.demo":
            raise
        print("The offline demo is not part of this build.", file=sys.stderr)
        return EXIT_FAILED
    if getattr(inv.args, "fresh", False):  # `python -m bot` without a command has no --fresh
        return run_demo(today=inv.args.today, fresh=True)
    return run_demo(today=inv.args.today)


def cmd_bench(inv: Invocation) -> int:
    """Hand the remaining arguments to the benchmark runner."""
    try:
        # Imported by name so the CLI type-checks and runs before bot/bench.py exists.
        bench = importlib.import_module("bot.bench")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.bench":
            raise
        print("The benchmarks are not part of this build.", file=sys.stderr)
        return EXIT_FAILED
    bench_main: Callable[[list[str]], int] = bench.main
    return bench_main(inv.extra)


def open_database(settings: Settings) -> Engine:
    """Create the engine and bring the schema up to date (the bot does the same at start)."""
    engine = create_db_engine(settings.sqlalchemy_url, synchronous=settings.sqlite_synchronous)
    upgrade(engine)
    return engine


def cmd_migrate(inv: Invocation) -> int:
    """Upgrade the database to the newest migration and print the revision."""
    engine = open_database(inv.settings)
    try:
        print(f"The database is at revision {current_revision(engine)} (the newest).")
    finally:
        engine.dispose()
    return EXIT_OK


async def bot_username(settings: Settings, *, request: BaseRequest | None = None) -> str | None:
    """Ask Telegram for the bot's username; None without a token or when Telegram fails."""
    if settings.telegram_bot_token is None:
        return None
    try:
        async with Bot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_api_base_url,
            request=request,
        ) as bot:
            me = await bot.get_me()
    except TelegramError:
        # The invite is already stored; a placeholder link is better than no invite.
        return None
    return me.username


def cmd_invite(inv: Invocation) -> int:
    """Make a one-time invite and print its link, expiry and, on the last line, its code."""
    args, settings = inv.args, inv.settings
    role = Role(args.role)
    terms = (args.start, args.until, args.residents)
    if role is not Role.VIKAR and (any(t is not None for t in terms) or args.agency):
        print("--start, --until, --residents and --agency are for --role vikar.", file=sys.stderr)
        return EXIT_USAGE
    if role is Role.VIKAR and any(t is None for t in terms):
        print(
            "A substitute's invite needs --start, --until and --residents (and --agency for an "
            "agency substitute).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    engine = open_database(settings)
    clock = SystemClock()
    try:
        uow = UnitOfWorkFactory(engine)
        substitute: SubstituteInvite | None = None
        department_id: int | None = None
        if role is Role.VIKAR:
            names = [n for n in args.residents.split(",") if n.strip()]
            department_id, resident_ids = residents_by_name(uow(), args.department, names)
            substitute = SubstituteInvite(args.start, args.until, args.agency, resident_ids)
        invite = create_invite(
            uow(),
            clock,
            None,
            role,
            department_name=None if department_id is not None else args.department,
            department_id=department_id,
            ttl=timedelta(hours=settings.invite_ttl_hours),
            substitute=substitute,
            today=clock.now().astimezone(settings.tz).date(),
        )
    except DomainError as exc:
        print(plain(exc.text_key, "en", **exc.params), file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    username = asyncio.run(bot_username(settings))
    expires = invite.expires_at.astimezone(settings.tz)
    print(f"Invite for a new {invite.role.value} in the department {invite.department}.")
    if role is Role.VIKAR:
        print(
            f"Starts {args.start:%Y-%m-%d}, access up to and including {args.until:%Y-%m-%d}"
            f"{', from an agency' if args.agency else ''}; residents: {args.residents.strip()}."
        )
    print(
        f"Send this link to the person; it works once and expires "
        f"{expires:%Y-%m-%d %H:%M} ({settings.bot_timezone}):"
    )
    print(deep_link(username or USERNAME_PLACEHOLDER, invite.code))
    if username is None:
        print(
            f"Replace {USERNAME_PLACEHOLDER} with the bot's username; the real link is shown "
            "when TELEGRAM_BOT_TOKEN is configured and Telegram answers."
        )
    print("Or they can send the bot /start followed by this code:")
    print(invite.code)
    return EXIT_OK


def cmd_import(inv: Invocation) -> int:
    """Import a CSV file in one transaction and print what changed or why nothing did."""
    args, settings = inv.args, inv.settings
    path: Path = args.file
    try:
        # utf-8-sig drops the byte-order mark Excel puts in front of "CSV UTF-8" files.
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        print(f"Cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except UnicodeDecodeError as exc:
        print(
            f"{path} is not UTF-8 text (byte {exc.start}). In Excel, save as "
            "'CSV UTF-8 (Comma delimited)'.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    engine = open_database(settings)
    try:
        uow = UnitOfWorkFactory(engine)()
        if args.kind == "residents":
            what = "Residents"
            result = import_residents(uow, SystemClock(), io.StringIO(text), tz=settings.tz)
        elif args.kind == "goals":
            what = "Goals"
            result = import_goals(
                uow,
                SystemClock(),
                io.StringIO(text),
                tz=settings.tz,
                locale=settings.bot_locale,
            )
        elif args.kind == "onboarding":
            what = "Checklist steps"
            result = import_checklist(uow, SystemClock(), io.StringIO(text))
        else:
            what = "Diary types"
            result = import_diary_types(uow, SystemClock(), io.StringIO(text))
    finally:
        engine.dispose()
    if isinstance(result, GoalImportResult) and result.ok:
        return _report_goals(result, settings)
    return _report(what, path, result)


def _report_goals(result: GoalImportResult, settings: Settings) -> int:
    locale = settings.bot_locale
    for line, ref in result.kept:
        print(plain("plans.import_kept", locale, line=line, ref=ref))
    print(
        plain(
            "plans.import_summary",
            locale,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            sub_goals=result.sub_goals_created,
        )
    )
    return EXIT_OK


def _report(what: str, path: Path, result: ImportResult) -> int:
    if result.errors:
        for line, reason in result.errors:
            print(f"{path}, line {line}: {reason}", file=sys.stderr)
        bad = len({line for line, _ in result.errors})
        print(
            f"Nothing was imported: {bad} line(s) need fixing. Fix them and import the whole "
            "file again.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(
        f"{what}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
    )
    return EXIT_OK


def cmd_team_meetings(inv: Invocation) -> int:
    """Store a department's team meeting rhythm and print the next meetings."""
    args, settings = inv.args, inv.settings
    today = SystemClock().now().astimezone(settings.tz).date()
    engine = open_database(settings)
    try:
        weekday = parse_weekday(args.weekday)
        setting = set_team_meetings(
            UnitOfWorkFactory(engine)(),
            SystemClock(),
            args.department,
            weekday,
            args.every,
            args.anchor or today,
            today,
        )
    except DomainError as exc:
        print(plain(exc.text_key, "en", **exc.params), file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    every = "every week" if args.every == 1 else f"every {args.every} weeks"
    print(f"Team meetings in {setting.department}: {WEEKDAY_NAMES_DA[weekday]}, {every}.")
    print("Next: " + ", ".join(day.isoformat() for day in setting.upcoming))
    return EXIT_OK


COMMANDS: dict[str | None, Command] = {
    "run": cmd_run,
    "demo": cmd_demo,
    "bench": cmd_bench,
    "migrate": cmd_migrate,
    "worker": cmd_worker,
    "invite": cmd_invite,
    "import": cmd_import,
    "team-meetings": cmd_team_meetings,
}


if __name__ == "__main__":
    sys.exit(main())
