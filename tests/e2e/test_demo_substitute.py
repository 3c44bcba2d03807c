"""The offline demo's substitute story (issue 5), as a new user would try it at the terminal.

The leader (Dig) invites a substitute for two residents; `/som vikar` makes the person at the
keyboard Peter, who joins with the code, ticks his steps, finds the briefs locked until the
gating steps are done and then reads one; the leader (`/som leder`) confirms her step and sees
his progress; started again after his last day of access, the demo shows Peter nothing.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import demo
from bot.demo import run_demo
from bot.storage.models import BriefRead, OnboardingStep, Staff
from tests.e2e.test_demo import (
    ScriptedInput,
    goodbye,
    press,
    rows,
    run,
)

# Every test runs in an empty directory: a demo that ignored folder= would show up there.
pytestmark = pytest.mark.usefixtures("no_default_folder")
DAY = date(2026, 11, 22)  # a Sunday; the demo clock keeps running, so the run may end on the 23rd
CODE = re.compile(r"/start ([\w-]{32})")
ACCESS_ENDS = re.compile(r"python -m bot demo --today (\d{4}-\d\d-\d\d)")
AS_PETER = "— Du er nu Peter ("
AS_DIG = "— Du er nu Dig (afdelingsleder) —"
LOCKED = "[!] Briefen åbner, når disse trin er udført: "
ENDED = "Din adgang til botten er ophørt"

INVITE_PETER = [
    "/inviter",
    press("Vikar"),
    press("I dag"),
    press("Mia"),
    press("Oliver"),
    press("Videre »"),
    press("Nej"),
    press("2 uger", containing=True),
]


def start_with_the_code(output: str) -> str:
    """Type /start with the code of the newest substitute invite printed, as Peter would."""
    invite = output.rsplit("Invitation til en vikar", 1)[1]
    found = CODE.search(invite)
    assert found is not None, invite
    return f"/start {found[1]}"


def after(output: str, marker: str) -> str:
    """Return the output after the last occurrence of marker."""
    assert marker in output, f"{marker!r} not in the output"
    return output.rsplit(marker, 1)[1]


def test_the_substitute_story_in_the_demo(folder: Path) -> None:
    code, output, _ = run(
        [
            *INVITE_PETER,
            "/som vikar",
            start_with_the_code,
            # The brief is locked until the gating steps are done.
            press("📄 Mia"),
            # Peter ticks his own gating steps; the leader's is not his to tick.
            press("Læst: selv", containing=True),
            press("Lov om voksenansvar", containing=True),
            press("📄 Mia"),
            # The leader confirms her step and sees his progress.
            "/som leder",
            "/vikarer",
            press("1. Peter"),
            press("Bekræft 1. Introforløb", containing=True),
            press("« Vikarer"),
            # Now the brief opens.
            "/som vikar",
            "/tjekliste",
            press("📄 Mia"),
            press("Læst"),
        ],
        folder,
        today=DAY,
    )

    assert code == 0
    # The intro tells the story in a line or two.
    intro = output.split("(Du åbner invitationslinket")[0]
    assert "/som vikar gør dig til Peter" in intro
    assert "/som leder gør dig til dig selv igen" in intro
    # The switch is the terminal's: never echoed as a message to the bot.
    assert "Dig: /som" not in output
    assert "Peter: /som" not in output

    # Dig's invite, and Peter before he joins.
    assert "Beboere: Mia, Oliver" in output
    joined = after(output, start_with_the_code(output))
    before = output.split("Peter: /start", 1)[0]
    assert f"{AS_PETER}ny bruger, ikke registreret endnu) —" in before
    assert "ved at skrive /start KODE her" in before
    assert "Velkommen, Peter! Du er registreret som vikar i Demo-afdelingen." in joined
    assert "Din tjekliste" in joined

    # Locked, then still locked by the leader's step alone, as an alert Peter sees.
    locked = [line for line in output.splitlines() if line.startswith(LOCKED)]
    assert len(locked) == 2
    assert "Lov om voksenansvar" in locked[0]
    assert "Introforløb" in locked[0]
    assert locked[1] == f"{LOCKED}Introforløb for tilkaldevikarer."
    assert output.split(AS_DIG, 1)[0].count("(Udført ✓)") == 2

    # The leader's chat: Peter's progress, and her confirmation.
    leader = after(output, AS_DIG)
    overview = leader.split("(Du trykker på", 1)[0]
    assert "1. Peter: 2/8 trin · adgang til og med" in overview
    assert "↳ venter på dig: Introforløb for tilkaldevikarer" in overview
    assert re.search(r"✅ 1\. Introforløb for tilkaldevikarer, udført [\d.]+ \(Dig\)", leader)
    assert "1. Peter: 3/8 trin" in leader.split("(Du trykker på [", 3)[-1]

    # Back as Peter: told when his access ends, and the brief opens read-only.
    back = after(output, AS_PETER)
    assert back.startswith("vikar, adgang til og med ")
    reading = after(back, "Peter: /tjekliste")
    assert LOCKED not in reading
    assert "Brief: Mia (kun læsning)" in reading
    assert "(Du trykker på [1] ✓ Læst)" in reading
    assert "(Læst ✓ (registreret))" in reading
    assert output.rstrip().endswith(goodbye(folder))

    # Peter is a real substitute now; who sits at the keyboard is stored nowhere.
    staff = {s.display_name: s for s in rows(folder, Staff)}
    assert sorted(staff) == ["Dig", "Peter", "Sara"]
    peter = staff["Peter"]
    assert (peter.telegram_user_id, peter.role) == (demo.DEMO_SUBSTITUTE_ID, "vikar")
    assert peter.access_ends_on is not None
    [read] = rows(folder, BriefRead)
    assert read.staff_id == peter.id
    done = rows(folder, OnboardingStep, OnboardingStep.staff_id == peter.id)
    assert sum(1 for s in done if s.done_on is not None) == 3

    # The demo names the day after his access; started then, Peter sees nothing.
    hints = ACCESS_ENDS.findall(output)
    assert hints, "the demo does not tell when Peter's access ends"
    later = date.fromisoformat(hints[-1])
    assert later == peter.access_ends_on + timedelta(days=1)

    code, output, _ = run(
        ["/som vikar", "/tjekliste", "mia komm hej"],
        folder,
        today=later,
    )

    assert code == 0
    switched = after(output, AS_PETER)
    assert switched.startswith("vikar, adgangen sluttede ")
    for typed in ("Peter: /tjekliste", "Peter: mia komm hej"):
        answer = after(output, typed).split("\n\n", 2)[1]
        assert answer.startswith(f"Dagbogsbot:\n  {ENDED}"), answer
    assert output.rstrip().endswith(goodbye(folder))


def test_news_for_the_other_person_waits_until_they_are_back(folder: Path) -> None:
    code, output, _ = run(
        [
            *INVITE_PETER,
            "/som vikar",
            start_with_the_code,
            "/som leder",
            "/vikarer",
            press("1. Peter"),
            press("Forlæng 1 uge"),
            "/som peter",
            "1",
        ],
        folder,
        today=DAY,
    )

    assert code == 0
    extended = after(output, "Forlæng 1 uge)")
    # While Dig is at the keyboard, one line says that Peter got something.
    notice = "(Dagbogsbot har skrevet til Peter – /som vikar viser det.)"
    assert extended.count(notice) == 1
    assert "Din adgang til Dagbogsbot er forlænget" not in extended.split(AS_PETER, 1)[0]
    # Back as Peter: what came, then the keyboard the numbers press (his checklist's).
    back = after(output, AS_PETER)
    assert "(Mens du var væk, skrev Dagbogsbot:)" in back
    assert "Din adgang til Dagbogsbot er forlænget til og med" in back
    keyboard = after(back, demo.KEYBOARD_NOW)
    assert keyboard.startswith("\n  [1] ✓ 2. Læst: selv")
    assert "(Du trykker på [1] ✓ 2. Læst: selv" in keyboard


def test_switching_needs_a_known_person_and_stores_nothing(folder: Path) -> None:
    code, output, _ = run(["/som", "/som nogen", "/SOM Vikar", "hej", "/som dig", "/mine"], folder)

    assert code == 0
    assert output.count(demo.SWITCH_HELP) == 2
    assert f"{AS_PETER}ny bruger, ikke registreret endnu) —" in output
    # Peter is a stranger to the bot until he takes an invite.
    stranger = after(output, "Peter: hej")
    assert "Dagbogsbot:" in stranger.split(AS_DIG, 1)[0]
    assert "Dig: /mine" in after(output, AS_DIG)
    assert sorted(s.display_name for s in rows(folder, Staff)) == ["Dig", "Sara"]


class Terminal(ScriptedInput):
    """A scripted person at a real terminal, where the demo prompts for each line."""

    def isatty(self) -> bool:
        """Tell the demo it reads from a terminal."""
        return True


def test_the_prompt_names_peter_while_he_is_at_the_keyboard(folder: Path) -> None:
    output = io.StringIO()
    terminal = Terminal(["/hjaelp", "/som vikar", "hej", "/som leder"], output)

    assert run_demo(stdin=terminal, stdout=output, folder=folder) == 0

    prompts = re.findall(r"^(.*)> ", output.getvalue(), re.MULTILINE)
    assert prompts == ["", "", "Peter ", "Peter ", ""]
