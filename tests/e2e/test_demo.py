"""The offline demo end to end: a scripted person at the terminal, reading what the bot printed."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.demo import GOODBYE, demo_clock, run_demo

ROOT = Path(__file__).resolve().parents[2]
BUTTON_LINE = re.compile(r"^  \[\d+\] ")
BUTTON_CELL = re.compile(r"\[(\d+)\] (.+?)(?=   \[\d+\] |$)")
SAVED_CARD = "✅ Gemt kl."
MINE_TITLE = "Dine seneste noter"
WELCOME = "Velkommen, Dig! Du er registreret som afdelingsleder i Demo-afdelingen."

Step = str | Callable[[str], str]


def press(label: str) -> Callable[[str], str]:
    """Return a step that types the number of `label` on the newest keyboard printed so far."""

    def number_of(output: str) -> str:
        lines = output.splitlines()
        end = max((i for i, line in enumerate(lines) if BUTTON_LINE.match(line)), default=None)
        assert end is not None, f"no keyboard printed before pressing {label!r}"
        start = end
        while start > 0 and BUTTON_LINE.match(lines[start - 1]):
            start -= 1
        cells = [cell for line in lines[start : end + 1] for cell in BUTTON_CELL.findall(line)]
        for number, text in cells:
            # Labels may carry an emoji in front ("✏️ Ret 1").
            if text == label or text.endswith(" " + label):
                return str(number)
        raise AssertionError(f"no button {label!r} on the newest keyboard: {cells}")

    return number_of


class ScriptedInput(io.StringIO):
    """A terminal that types the next step only when the demo asks for a line, like a person."""

    def __init__(self, steps: list[Step], output: io.StringIO) -> None:
        super().__init__()
        self.steps = list(steps)
        self.output = output
        self.typed: list[str] = []

    def readline(self, size: int | None = -1, /) -> str:
        """Return the next scripted line, or "" (end of input) when the script is done."""
        if not self.steps:
            return ""
        step = self.steps.pop(0)
        line = step if isinstance(step, str) else step(self.output.getvalue())
        self.typed.append(line)
        return line + "\n"


class InterruptedInput(io.StringIO):
    """A terminal where the person presses Ctrl-C at the prompt."""

    def readline(self, size: int | None = -1, /) -> str:
        """Raise KeyboardInterrupt as Ctrl-C does while input() waits."""
        raise KeyboardInterrupt


def run(steps: list[Step], *, today: date | None = None) -> tuple[int, str, ScriptedInput]:
    """Run the demo with a scripted person; return exit code, output and the input."""
    output = io.StringIO()
    terminal = ScriptedInput(steps, output)
    code = run_demo(today=today, stdin=terminal, stdout=output)
    return code, output.getvalue(), terminal


def last_block(output: str, title: str) -> str:
    """Return the text from the last occurrence of title to the end of the output."""
    index = output.rfind(title)
    assert index >= 0, f"{title!r} not in the output"
    return output[index:].split("\n\n", 2)[1]


@pytest.fixture(autouse=True)
def own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the demo create its temporary directory where the test can look."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_session_registers_saves_lists_and_edits_notes(own_tempdir: Path) -> None:
    code, output, terminal = run(
        [
            "mia komm pegede på saft ved frokost",
            press("Gem"),
            "olivr sundhed sov dårligt",
            press("Gem"),
            # Three letters are too few to be sure of a typo: the bot asks, showing Ella.
            "ela skole læste en side",
            press("Ella"),
            press("Gem"),
            "/mine",
            press("Ret 1"),
            "læste to sider højt",
            "/mine",
            "/quit",
            "mia komm dette må ikke blive læst",
        ]
    )

    assert code == 0
    assert re.search(r"\(Du åbner invitationslinket: /start [\w-]{20,}\)", output)
    assert WELCOME in output
    assert output.count(SAVED_CARD) == 3
    assert output.count("(din besked er slettet fra chatten)") == 3
    for resident, diary_type in [
        ("Mia", "Kommunikationsforhold"),
        ("Oliver", "Sundhedsforhold"),
        ("Ella", "Skoleforhold"),
    ]:
        assert f"Beboer: {resident}\n  Type: {diary_type}" in output
    assert "Hvem mente du?" in output
    assert "✏️ Noten om Ella (Skoleforhold) er rettet." in output
    first_list, last_list = output.split(MINE_TITLE)[1:]
    assert "(rettet)" not in first_list
    newest = last_list.split("\n\n", 2)[1]
    assert "1. " in newest
    assert "Ella · Skoleforhold (rettet)\n  læste to sider højt" in newest
    assert "læste en side" not in newest
    assert output.rstrip().endswith(GOODBYE)
    # /quit ends the demo: the line after it is never read.
    assert terminal.typed[-1] == "/quit"
    assert list(own_tempdir.iterdir()) == []


def test_today_moves_the_demo_clock() -> None:
    today = date(2024, 2, 29)
    code, output, _ = run(["mia komm pegede på saft", press("Gem"), "/mine", "/quit"], today=today)

    assert code == 0
    assert output.count(SAVED_CARD) == 1
    listed = last_block(output, MINE_TITLE)
    # The demo clock keeps running, so a run that straddles midnight lands on 1 March.
    assert re.search(r"1\. (29\.02|01\.03)\. \d\d:\d\d · Mia", listed), listed


def test_demo_clock_keeps_the_time_of_day_on_the_chosen_day() -> None:
    tz = ZoneInfo("Europe/Copenhagen")
    # One day in summer time and one in winter time, whatever time of year the test runs.
    for today in (date(2025, 7, 1), date(2025, 12, 1)):
        shown = demo_clock(today, tz).now().astimezone(tz)
        assert shown.date() in (today, today + timedelta(days=1))
    assert demo_clock(None, tz).now().tzinfo is not None


def test_numbers_outside_the_keyboard_get_a_hint_and_end_of_input_ends_cleanly(
    own_tempdir: Path,
) -> None:
    code, output, _ = run(["3", "mia komm pegede på saft", "9", "4"])

    assert code == 0
    assert "Der er ingen knapper at trykke på lige nu." in output
    assert "Der er ingen knap nummer 9 – vælg 1–4." in output
    assert "(Du trykker på [4] Annullér)" in output
    assert "✖️ Annulleret – intet er gemt." in output
    assert SAVED_CARD not in output
    assert output.rstrip().endswith(GOODBYE)
    assert list(own_tempdir.iterdir()) == []


def test_numbers_move_to_an_older_keyboard_when_the_newest_one_goes_away() -> None:
    code, output, _ = run(
        [
            "mia komm pegede på saft",
            press("Gem"),
            "/mine",
            "oliver fritid spillede fodbold",
            press("Annullér"),  # the card loses its buttons; /mine's are the newest again
            "1",
        ]
    )

    assert code == 0
    after_cancel = output.split("(Du trykker på [4] Annullér)", 1)[1]
    assert "(Knapperne på en tidligere besked gælder nu:)\n  [1] ✏️ Ret 1   [2] 🗑 Slet 1" in (
        after_cancel
    )
    assert "(Du trykker på [1] ✏️ Ret 1)" in after_cancel
    assert "Send den nye tekst til noten om Mia (Kommunikationsforhold)." in after_cancel


def test_ctrl_c_at_the_prompt_shuts_down_and_cleans_up(own_tempdir: Path) -> None:
    output = io.StringIO()

    code = run_demo(stdin=InterruptedInput(), stdout=output)

    assert code == 0
    assert WELCOME in output.getvalue()
    assert output.getvalue().rstrip().endswith(GOODBYE)
    assert list(own_tempdir.iterdir()) == []


def test_piped_input_gets_no_prompt() -> None:
    _, output, _ = run(["/hjaelp", "quit"])

    assert "> " not in output
    assert "\nDig: /hjaelp\n" in output
    assert output.count("Sådan skriver du en note") == 2  # after joining, and for /hjaelp


def test_python_m_bot_demo_runs_from_the_command_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "TMPDIR": str(tmp_path),
        # Whatever the developer's shell has configured, the demo needs no token.
        "TELEGRAM_BOT_TOKEN": "",
    }
    script = "mia komm pegede på saft ved frokost\n1\n/quit\n"

    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert WELCOME in result.stdout
    assert "(Du trykker på [1] Gem)" in result.stdout
    assert SAVED_CARD in result.stdout
    assert result.stdout.rstrip().endswith(GOODBYE)
    assert list(tmp_path.iterdir()) == []
