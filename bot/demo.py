"""The offline demo: a terminal chat with the real application on the in-process fake Bot API.

Nothing leaves the machine: there is no token and no network, the facility lives in a fresh
SQLite file in a temporary directory, and that directory is removed when the demo ends.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TextIO
from zoneinfo import ZoneInfo

from telegram import Update

from bot.app import BotApplication, build_application
from bot.clock import Clock, OffsetClock, SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.domain.access import Role
from bot.fakeapi import ApiCall, FakeBotApi, StoredMessage, UpdateFactory
from bot.services.staff import create_invite
from bot.storage.models import Resident
from bot.storage.uow import UnitOfWorkFactory

DEMO_DEPARTMENT: Final = "Demo-afdelingen"
DEMO_USER_ID: Final = 1001
DEMO_USER_NAME: Final = "Dig"
DEMO_DB_NAME: Final = "demo.db"


@dataclass(frozen=True, slots=True)
class DemoResident:
    """A made-up resident; dates are counted back from the demo's today so ages stay real."""

    name: str
    age: int
    birthday: tuple[int, int]
    years_living_here: int
    moved_in: tuple[int, int]

    def birth_date(self, today: date) -> date:
        """Return the birth date that gives this age (give or take the birthday) today."""
        return _safe_date(today.year - self.age, *self.birthday)

    def enrolment_date(self, today: date) -> date:
        """Return the day the resident moved in."""
        return _safe_date(today.year - self.years_living_here, *self.moved_in)


DEMO_RESIDENTS: Final = (
    DemoResident("Mia", 11, (3, 14), 4, (8, 1)),
    DemoResident("Oliver", 14, (9, 2), 6, (1, 15)),
    DemoResident("Ella", 9, (6, 21), 2, (2, 1)),
)

QUIT_WORDS: Final = frozenset({"/quit", "/exit", "quit", "exit"})
BUTTON_NUMBER: Final = re.compile(r"\d{1,3}", re.ASCII)
INDENT: Final = "  "

INTRO: Final = """\
Dagbogsbot – offline demo
=========================
Du chatter med den rigtige bot i terminalen, som om du var i Telegram.
(You are chatting with the real bot in the terminal, as if you were in Telegram.)

  • Skriv en note som i Telegram, fx:  mia komm pegede på saft ved frokost
  • Skriv et tal for at trykke på en knap, fx  1  for [1] Gem
  • /mine viser dine noter, /hjaelp giver hjælp, /quit afslutter
  (Type notes, numbers press buttons, /hjaelp for help, /quit to leave.)

Der er en demo-afdeling med tre beboere: Mia, Oliver og Ella.
Intet forlader din maskine, og alt slettes, når demoen slutter.
(No data leaves this machine; everything is deleted when the demo ends.)"""
GOODBYE: Final = (
    "Demoen er slut – alle demo-data er slettet. Farvel!\n"
    "(The demo has ended; all demo data is deleted.)"
)
OPEN_INVITE: Final = "(Du åbner invitationslinket: /start {code})"
YOU_PRESS: Final = "(Du trykker på [{number}] {label})"
YOU_WRITE: Final = "Dig: {text}"
BOT_SAYS: Final = "Dagbogsbot:"
BOT_EDITS: Final = "Dagbogsbot (ændrer en besked ovenfor):"
BOT_SENDS_FILE: Final = "Dagbogsbot sender en fil: {name}"
TOAST: Final = "({text})"
ALERT: Final = "[!] {text}"
YOUR_MESSAGE_DELETED: Final = "(din besked er slettet fra chatten)"
BOT_MESSAGE_DELETED: Final = "(botten har slettet en af sine beskeder)"
OLDER_BUTTONS: Final = "(Knapperne på en tidligere besked gælder nu:)"
NO_BUTTONS: Final = "Der er ingen knapper at trykke på lige nu. (No buttons to press right now.)"
BAD_NUMBER: Final = "Der er ingen knap nummer {number} – vælg 1–{count}. (No such button.)"
LINK_BUTTON: Final = "Den knap åbner et link: {url}"
SETTINGS_FAILED: Final = "Demoen kan ikke starte: {error}"


def _safe_date(year: int, month: int, day: int) -> date:
    """Return the date, moving 29 February to the 28th in years without it."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


def demo_clock(today: date | None, tz: ZoneInfo) -> Clock:
    """Return the real clock, or one moved so that it is now `today` at the current time of day."""
    real = SystemClock()
    if today is None:
        return real
    now = real.now()
    local = now.astimezone(tz)
    wanted = datetime.combine(today, local.time(), tzinfo=tz)
    # Subtract in UTC: two times in the same zone would otherwise be subtracted as wall-clock
    # times, and a daylight-saving change between the dates would shift the clock by an hour.
    return OffsetClock(wanted.astimezone(UTC) - now)


def seed_facility(uow: UnitOfWorkFactory, clock: Clock, tz: ZoneInfo, invite_ttl: timedelta) -> str:
    """Create the demo department, its residents and a leader invite; return the invite code."""
    now = clock.now()
    today = now.astimezone(tz).date()
    with uow() as work:
        department, _ = work.org.get_or_create_department(DEMO_DEPARTMENT, now)
        assert department.id is not None
        for resident in DEMO_RESIDENTS:
            work.residents.add(
                Resident(
                    display_name=resident.name,
                    birth_date=resident.birth_date(today),
                    department_id=department.id,
                    enrolment_date=resident.enrolment_date(today),
                    created_at=now,
                    updated_at=now,
                )
            )
        work.commit()
        department_id = department.id
    invite = create_invite(
        uow(), clock, None, Role.AFDELINGSLEDER, department_id=department_id, ttl=invite_ttl
    )
    return invite.code


def _buttons(message: StoredMessage) -> list[list[dict[str, Any]]]:
    return [list(row) for row in message.inline_keyboard or []]


def _keyboard_key(message: StoredMessage | None) -> tuple[int, str] | None:
    if message is None:
        return None
    return message.message_id, repr(message.inline_keyboard)


class Transcript:
    """Print what the bot does in one chat as plain text, numbering the newest keyboard."""

    def __init__(self, api: FakeBotApi, chat_id: int, out: TextIO) -> None:
        self.api = api
        self.chat_id = chat_id
        self.out = out
        self._shown: tuple[int, str] | None = None

    def say(self, text: str) -> None:
        """Print a line of demo chrome."""
        self.out.write(text + "\n")
        self.out.flush()

    def latest_keyboard(self) -> StoredMessage | None:
        """Return the message whose buttons the numbers press."""
        return self.api.last_message_with_buttons(self.chat_id)

    def on_call(self, call: ApiCall, result: Any) -> None:
        """Render one successful Bot API call (the fake calls this after each one)."""
        params = call.params
        if call.method in ("sendMessage", "editMessageText") and isinstance(result, dict):
            header = BOT_SAYS if call.method == "sendMessage" else BOT_EDITS
            self._print_message(header, str(result.get("text", "")), result)
        elif call.method in ("sendDocument", "sendPhoto") and isinstance(result, dict):
            upload = params.get("document") or params.get("photo")
            name = getattr(upload, "filename", None) or str(
                (result.get("document") or {}).get("file_name", "fil")
            )
            self._print_message(
                BOT_SENDS_FILE.format(name=name), str(result.get("caption", "")), result
            )
        elif call.method == "answerCallbackQuery" and params.get("text"):
            pattern = ALERT if params.get("show_alert") else TOAST
            self.say(pattern.format(text=params["text"]))
        elif call.method == "deleteMessage":
            self._print_deletion(params)
        elif call.method == "editMessageReplyMarkup" and isinstance(result, dict):
            self._print_keyboard_if_latest(result)

    def refresh(self) -> None:
        """Show the keyboard the numbers now press, if it is not the one shown last."""
        latest = self.latest_keyboard()
        key = _keyboard_key(latest)
        if key == self._shown:
            return
        self._shown = key
        if latest is not None:
            # A newer keyboard went away (edited off or deleted), so an older one is in play.
            self.say(OLDER_BUTTONS)
            self._print_buttons(latest)

    def _print_message(self, header: str, text: str, result: dict[str, Any]) -> None:
        self.say("")
        self.say(header)
        for line in text.splitlines() or [""]:
            self.say(INDENT + line if line else "")
        self._print_keyboard_if_latest(result)

    def _print_keyboard_if_latest(self, result: dict[str, Any]) -> None:
        latest = self.latest_keyboard()
        if latest is not None and latest.message_id == result.get("message_id"):
            self._shown = _keyboard_key(latest)
            self._print_buttons(latest)

    def _print_buttons(self, message: StoredMessage) -> None:
        number = 0
        for row in _buttons(message):
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.get('text', '')}")
            self.say(INDENT + "   ".join(cells))

    def _print_deletion(self, params: dict[str, Any]) -> None:
        message_id = params.get("message_id")
        stored = (
            self.api.message(self.chat_id, int(message_id))
            if isinstance(message_id, int | str) and str(message_id).isdigit()
            else None
        )
        if stored is not None and not stored.from_bot:
            self.say(YOUR_MESSAGE_DELETED)
        else:
            self.say(BOT_MESSAGE_DELETED)


class DemoChat:
    """One person at the terminal, talking to the application through the fake Bot API."""

    def __init__(self, folder: Path, today: date | None, out: TextIO, *, echo: bool) -> None:
        self.settings: Settings = load_settings(
            _env_file=None,
            database_url=f"sqlite:///{folder / DEMO_DB_NAME}",
            telegram_bot_token=None,
        )
        self.clock = demo_clock(today, self.settings.tz)
        self.api = FakeBotApi(clock=self._timestamp)
        self.updates = UpdateFactory(self.api, clock=self._timestamp)
        self.user = self.updates.user(DEMO_USER_ID, DEMO_USER_NAME)
        self.transcript = Transcript(self.api, DEMO_USER_ID, out)
        self.api.add_listener(self.transcript.on_call)
        self.echo = echo
        self.app: BotApplication | None = None
        self._started = False

    def _timestamp(self) -> float:
        return self.clock.now().timestamp()

    def build(self) -> str:
        """Build and migrate the application, seed the facility; return the invite code."""
        self.app = build_application(self.settings, request=self.api, clock=self.clock)
        services = self.app.bot_data.services
        assert services is not None
        return seed_facility(
            services.uow,
            self.clock,
            self.settings.tz,
            timedelta(hours=self.settings.invite_ttl_hours),
        )

    async def start(self, invite_code: str) -> None:
        """Initialise the application as `run` does, then open the invite link."""
        app = self._app()
        await app.initialize()
        self._started = True
        if app.post_init is not None:
            await app.post_init(app)
        self.transcript.say("")
        self.transcript.say(OPEN_INVITE.format(code=invite_code))
        await self._process(self.updates.message(self.user, f"/start {invite_code}"))

    async def stop(self) -> None:
        """Shut down gracefully: persistence flushed, database connections closed."""
        if self.app is None:
            return
        self.api.remove_listener(self.transcript.on_call)
        if self._started:
            await self.app.shutdown()
            self._started = False
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)
        self.app = None

    async def send(self, text: str) -> None:
        """Send a text message (commands get their entity, as from Telegram)."""
        if self.echo:
            self.transcript.say("")
            self.transcript.say(YOU_WRITE.format(text=text))
        await self._process(self.updates.message(self.user, text))

    async def press(self, number: int) -> None:
        """Press button `number` (counted from 1) of the newest keyboard."""
        message = self.transcript.latest_keyboard()
        buttons = [b for row in _buttons(message) for b in row] if message else []
        if message is None or not buttons:
            self.transcript.say(NO_BUTTONS)
            return
        if not 1 <= number <= len(buttons):
            self.transcript.say(BAD_NUMBER.format(number=number, count=len(buttons)))
            return
        button = buttons[number - 1]
        self.transcript.say(YOU_PRESS.format(number=number, label=button.get("text", "")))
        data = button.get("callback_data")
        if not isinstance(data, str):
            self.transcript.say(LINK_BUTTON.format(url=button.get("url", "?")))
            return
        message_dict = self.api.message_dict(message.chat_id, message.message_id)
        await self._process(self.updates.callback(self.user, data, message_dict))

    async def handle(self, line: str) -> None:
        """Act on one line typed at the terminal: a button number or a message."""
        if BUTTON_NUMBER.fullmatch(line):
            await self.press(int(line))
        else:
            await self.send(line)

    async def _process(self, data: dict[str, Any]) -> None:
        app = self._app()
        await app.process_update(Update.de_json(data, app.bot))
        self.transcript.refresh()

    def _app(self) -> BotApplication:
        if self.app is None:
            raise RuntimeError("the demo application is not built")
        return self.app


def _read_line(source: TextIO, out: TextIO, *, prompt: bool) -> str | None:
    """Return the next line without its newline, or None at the end of input."""
    if prompt:
        out.write("\n> ")
        out.flush()
    line = source.readline()
    if not line:
        return None
    return line.rstrip("\r\n")


def _converse(runner: asyncio.Runner, chat: DemoChat, source: TextIO, out: TextIO) -> None:
    prompt = source.isatty()
    while True:
        line = _read_line(source, out, prompt=prompt)
        if line is None:
            if prompt:
                out.write("\n")
            return
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT_WORDS:
            return
        runner.run(chat.handle(text))


def run_demo(
    *, today: date | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Run the offline demo on the terminal until the person quits; return the exit code."""
    source = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    out.write(INTRO + "\n")
    with tempfile.TemporaryDirectory(prefix="dagbogsbot-demo-") as folder:
        try:
            chat = DemoChat(Path(folder), today, out, echo=not source.isatty())
        except SettingsError as exc:
            out.write(SETTINGS_FAILED.format(error=exc) + "\n")
            return 2
        # One event loop for the whole session, but input is read while it is idle: Ctrl-C at
        # the prompt is then a plain KeyboardInterrupt, and no thread is left blocked on stdin.
        # Nothing needs the loop between lines, as the demo runs no polling and no job queue.
        with asyncio.Runner() as runner:
            try:
                invite_code = chat.build()
                runner.run(chat.start(invite_code))
                _converse(runner, chat, source, out)
            except KeyboardInterrupt:
                out.write("\n")
            finally:
                runner.run(chat.stop())
    out.write("\n" + GOODBYE + "\n")
    out.flush()
    return 0
