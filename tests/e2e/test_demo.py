"""The offline demo end to end: a scripted person at the terminal, reading what the bot printed.

Every test keeps the demo's facility in a folder of its own (run_demo's ``folder=``); running
the demo twice on one folder is what restarting ``make run`` does.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from bot import __main__ as cli
from bot import demo
from bot.demo import DRAFT_WAITING, FRESH, GOODBYE, demo_clock, run_demo
from bot.storage.models import (
    DiaryNote,
    Evaluation,
    EvaluationDraft,
    Goal,
    IndicatorScore,
    ReminderDelivery,
    ReminderPerson,
    Resident,
    ResidentMilestone,
    Staff,
    StatusMeeting,
)

# Every test runs in an empty directory: a demo that ignored folder= would show up there.
pytestmark = pytest.mark.usefixtures("no_default_folder")
ROOT = Path(__file__).resolve().parents[2]
BUTTON_LINE = re.compile(r"^  \[\d+\] ")
BUTTON_CELL = re.compile(r"\[(\d+)\] (.+?)(?=   \[\d+\] |$)")
SAVED_CARD = "✅ Gemt kl."
MINE_TITLE = "Dine seneste noter"
WELCOME = "Velkommen, Dig! Du er registreret som afdelingsleder i Demo-afdelingen."
WELCOME_BACK = "(Velkommen tilbage, Dig! Du er allerede registreret"
INVITE = re.compile(r"\(Du åbner invitationslinket: /start [\w-]{20,}\)")
SUB_GOAL = "Delmål: Mia bruger sit talekort ved måltider"
MANDATORY_AREAS = ["skole", "sociale_relationer"]
ANSWERS = (
    "Mia bruger talekortet ved de fleste måltider.",
    "Færre konflikter ved bordet.",
    "Faste billeder virker bedre end nye.",
    "Ingen ændringer; metoden fortsætter.",
    "Mia pegede selv på sine billeder.",
)
JOURNAL_HEADINGS = (
    "Dato for evaluering",
    "Hvordan det går med at nå målet/delmålet",
    "Virkning for barnet/den unge",
    "Refleksioner over metoder/fremgangsmåde",
    "Om evalueringen giver anledning til ændringer i mål, delmål, metode eller fremgangsmåde",
)

Step = str | Callable[[str], str]
Row = TypeVar("Row", bound=SQLModel)


def press(label: str, *, containing: bool = False) -> Callable[[str], str]:
    """Return a step that types the number of `label` on the newest keyboard printed so far.

    With containing=True any button whose label contains `label` will do.
    """

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
            if text == label or text.endswith(" " + label) or (containing and label in text):
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


def run(
    steps: list[Step], folder: Path, *, today: date | None = None, fresh: bool = False
) -> tuple[int, str, ScriptedInput]:
    """Run the demo on folder with a scripted person; return exit code, output and the input."""
    output = io.StringIO()
    terminal = ScriptedInput(steps, output)
    code = run_demo(today=today, stdin=terminal, stdout=output, folder=folder, fresh=fresh)
    return code, output.getvalue(), terminal


def goodbye(folder: Path) -> str:
    """Return the last lines the demo prints when it keeps its data in folder."""
    return GOODBYE.format(db=folder / "demo.db")


def last_block(output: str, title: str) -> str:
    """Return the text from the last occurrence of title to the end of the output."""
    index = output.rfind(title)
    assert index >= 0, f"{title!r} not in the output"
    return output[index:].split("\n\n", 2)[1]


def rows(folder: Path, model: type[Row], *where: Any) -> list[Row]:
    """Read rows of one table straight from the demo's database file."""
    engine = sa.create_engine(f"sqlite:///{folder / 'demo.db'}")
    try:
        with Session(engine) as session:
            return list(session.exec(select(model).where(*where)))
    finally:
        engine.dispose()


def typed_notes(folder: Path) -> list[DiaryNote]:
    """Return the notes written in the chat (the seeded history has no source message)."""
    notes = rows(folder, DiaryNote, col(DiaryNote.source_message_id).is_not(None))
    return sorted(notes, key=lambda note: note.id or 0)


def test_a_session_registers_saves_lists_and_edits_notes(folder: Path) -> None:
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
        ],
        folder,
    )

    assert code == 0
    assert INVITE.search(output)
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
    assert output.rstrip().endswith(goodbye(folder))
    # /quit ends the demo: the line after it is never read.
    assert terminal.typed[-1] == "/quit"
    # The notes are kept for the next run.
    assert [n.text for n in typed_notes(folder)] == [
        "pegede på saft ved frokost",
        "sov dårligt",
        "læste to sider højt",
    ]


def test_the_intro_and_goodbye_say_where_the_data_is_kept(folder: Path) -> None:
    _, output, _ = run([], folder)

    db = str(folder / "demo.db")
    intro = output.split("(Du åbner invitationslinket")[0]
    assert f"Demo-data gemmes i {db} mellem kørsler" in intro
    assert f"Demo data is kept in {db} between runs; --fresh starts" in intro
    assert "/evaluer Mia evaluerer et mål eller delmål ud fra noter og scorer siden sidste" in intro
    assert "/maal Mia viser Mias plan" in intro
    assert output.rstrip().endswith(goodbye(folder))
    assert f"dine demo-data er gemt i {db} til næste gang" in goodbye(folder)


def test_the_first_run_seeds_three_months_of_mias_plan(folder: Path) -> None:
    code, _, _ = run([], folder)

    assert code == 0
    [mia] = rows(folder, Resident, Resident.display_name == "Mia")
    goals = rows(folder, Goal, Goal.resident_id == mia.id)
    assert len(goals) == 3
    assert sorted(filter(None, (g.mandatory_area for g in goals))) == MANDATORY_AREAS
    notes = rows(folder, DiaryNote, col(DiaryNote.sub_goal_id).is_not(None))
    authors = {s.id: s.display_name for s in rows(folder, Staff)}
    assert {authors[n.author_id] for n in notes} == {"Dig", "Sara"}
    days = {n.created_at.date() for n in notes}
    assert max(days) - min(days) >= timedelta(days=85)
    assert len(rows(folder, IndicatorScore)) > 50


def test_an_evaluation_draft_survives_a_restart_and_ends_as_journal_text(folder: Path) -> None:
    code, first, _ = run(
        [
            "/evaluer Mia",
            press(SUB_GOAL, containing=True),
            press("I dag", containing=True),
            ANSWERS[0],
            ANSWERS[1],
        ],
        folder,
    )

    assert code == 0
    evidence = first.split("🎯 " + SUB_GOAL, 1)[1]
    notes = re.search(r"Noter i delmålsdagbogen: (\d+)", evidence)
    assert notes is not None
    assert int(notes.group(1)) > 30
    assert re.search(r"Svarprocent: \d+ % \(\d+/\d+\)", evidence)
    assert re.search(r"• [\d.]+, Sara: ", evidence)
    assert re.search(r"• [\d.]+, Dig: ", evidence)
    assert "\nDagbogsbot sender et billede: score-chart.png\n" in first
    chart = folder / "demo-files" / "score-chart.png"
    assert f"(Gemt som {chart} – åbn den derfra." in first
    assert chart.read_bytes().startswith(b"\x89PNG")
    last_question = "4. Refleksioner over metoder/fremgangsmåde\n\n"
    assert first.rstrip().endswith(last_question + goodbye(folder))
    [draft] = rows(folder, EvaluationDraft)
    assert draft.step == "methods"

    # `make run` again: the same facility, no invite, and the draft is offered.
    code, second, _ = run(
        [
            "/evaluer Mia",
            press("Kladde", containing=True),
            ANSWERS[2],
            ANSWERS[3],
            ANSWERS[4],
            press("Fortsæt"),
            press("Brug ", containing=True),
            press("Gem evaluering"),
        ],
        folder,
    )

    assert code == 0
    assert not INVITE.search(second)
    assert WELCOME not in second
    assert WELCOME_BACK in second
    assert DRAFT_WAITING in second
    assert "↩️ Du fortsætter din kladde fra" in second
    assert "✅ Evalueringen er gemt." in second
    journal = second[second.rindex("Evaluering af mål og delmål") :]
    expected = [
        (JOURNAL_HEADINGS[0], None),
        *zip(JOURNAL_HEADINGS[1:], ANSWERS[:4], strict=True),
    ]
    positions = []
    for heading, answer in expected:
        block = f"  {heading}\n  {answer}\n" if answer else f"  {heading}\n"
        assert block in journal, heading
        positions.append(journal.index(block))
    assert positions == sorted(positions)
    docx_line = re.search(r"Dagbogsbot sender en fil: (evaluering-Mia-[\d-]+\.docx)", second)
    assert docx_line is not None
    docx = folder / "demo-files" / docx_line.group(1)
    assert f"(Gemt som {docx} – åbn den derfra." in second
    with zipfile.ZipFile(docx) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "Virkning for barnet/den unge" in xml
    assert ANSWERS[1] in xml
    assert "📥 Overført til journal" in second.split(docx_line.group(0), 1)[1]
    # A second chart from the resumed draft does not overwrite the first.
    assert (folder / "demo-files" / "score-chart-2.png").exists()

    # The seeded facility has past evaluations (by Dig); this one is the chat's.
    [evaluation] = rows(folder, Evaluation, Evaluation.progress == ANSWERS[0])
    assert (evaluation.progress, evaluation.effect, evaluation.methods) == ANSWERS[:3]
    assert (evaluation.changes, evaluation.participation) == ANSWERS[3:]
    assert evaluation.decision == "fortsaet"
    assert rows(folder, EvaluationDraft) == []


def test_a_restarted_demo_numbers_messages_above_those_it_remembers(folder: Path) -> None:
    # The first run's messages: /start CODE is 1, the note 2.
    run(["mia komm første kørsel", press("Gem")], folder)

    # Numbered from 1 again, the second run's note would be 2 as well (after /hjaelp), and
    # the bot would take it for the note it saved last time.
    code, output, _ = run(["/hjaelp", "oliver sundhed anden kørsel", press("Gem")], folder)

    assert code == 0
    assert "Beboer: Oliver\n  Type: Sundhedsforhold" in output
    assert output.count(SAVED_CARD) == 1
    first, second = typed_notes(folder)
    assert (first.text, second.text) == ("første kørsel", "anden kørsel")
    assert first.source_message_id is not None
    assert second.source_message_id is not None
    assert second.source_message_id > first.source_message_id


def test_fresh_deletes_the_demo_data_and_seeds_it_again(folder: Path) -> None:
    run(["mia komm første kørsel", press("Gem")], folder)
    old_file = folder / "demo-files" / "gammel.docx"
    old_file.parent.mkdir()
    old_file.write_bytes(b"old")

    code, output, _ = run(["/mine"], folder, fresh=True)

    assert code == 0
    assert FRESH in output
    assert INVITE.search(output)
    assert WELCOME in output
    assert "første kørsel" not in output
    assert typed_notes(folder) == []
    assert not old_file.exists()
    assert len(rows(folder, Resident)) == 3
    [mia] = rows(folder, Resident, Resident.display_name == "Mia")
    assert len(rows(folder, Goal, Goal.resident_id == mia.id)) == 3
    assert sorted(s.display_name for s in rows(folder, Staff)) == ["Dig", "Sara"]


def test_today_moves_the_demo_clock(folder: Path) -> None:
    today = date(2024, 2, 29)
    code, output, _ = run(
        ["mia komm pegede på saft", press("Gem"), "/mine", "/quit"], folder, today=today
    )

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
    folder: Path,
) -> None:
    code, output, _ = run(["3", "mia komm pegede på saft", "9", press("Annullér")], folder)

    assert code == 0
    assert "Der er ingen knapper at trykke på lige nu." in output
    assert re.search(r"Der er ingen knap nummer 9 – vælg 1–\d\.", output)
    assert re.search(r"\(Du trykker på \[\d\] Annullér\)", output)
    assert "✖️ Annulleret – intet er gemt." in output
    assert SAVED_CARD not in output
    assert output.rstrip().endswith(goodbye(folder))
    assert typed_notes(folder) == []


def test_numbers_move_to_an_older_keyboard_when_the_newest_one_goes_away(folder: Path) -> None:
    code, output, _ = run(
        [
            "mia komm pegede på saft",
            press("Gem"),
            "/mine",
            "oliver fritid spillede fodbold",
            press("Annullér"),  # the card loses its buttons; /mine's are the newest again
            "1",
        ],
        folder,
    )

    assert code == 0
    after_cancel = re.split(r"\(Du trykker på \[\d\] Annullér\)", output, maxsplit=1)[1]
    assert "(Knapperne på en tidligere besked gælder nu:)\n  [1] ✏️ Ret 1   [2] 🗑 Slet 1" in (
        after_cancel
    )
    assert "(Du trykker på [1] ✏️ Ret 1)" in after_cancel
    assert "Send den nye tekst til noten om Mia (Kommunikationsforhold)." in after_cancel


def test_ctrl_c_at_the_prompt_shuts_down_and_keeps_the_data(folder: Path) -> None:
    output = io.StringIO()

    code = run_demo(stdin=InterruptedInput(), stdout=output, folder=folder)

    assert code == 0
    assert WELCOME in output.getvalue()
    assert output.getvalue().rstrip().endswith(goodbye(folder))
    assert (folder / "demo.db").exists()
    # The registration was kept: the next run greets instead of inviting.
    _, again, _ = run([], folder)
    assert WELCOME_BACK in again
    assert not INVITE.search(again)


def test_piped_input_gets_no_prompt(folder: Path) -> None:
    _, output, _ = run(["/hjaelp", "quit"], folder)

    assert "> " not in output
    assert "\nDig: /hjaelp\n" in output
    assert output.count("Sådan skriver du en note") == 2  # after joining, and for /hjaelp


def test_the_cli_passes_fresh_to_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []

    def fake_demo(**kwargs: object) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setattr("bot.demo.run_demo", fake_demo)

    assert cli.main(["demo", "--fresh"]) == 0
    assert cli.main(["demo"]) == 0
    assert calls == [{"today": None, "fresh": True}, {"today": None}]


def _python_m_bot(cwd: Path, *args: str, script: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        # Whatever the developer's shell has configured, the demo needs no token.
        "TELEGRAM_BOT_TOKEN": "",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_python_m_bot_demo_keeps_its_data_in_data_demo_db(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    script = "mia komm pegede på saft ved frokost\n1\n/quit\n"

    first = _python_m_bot(checkout, "demo", script=script)

    assert first.returncode == 0, first.stderr
    assert WELCOME in first.stdout
    assert "(Du trykker på [1] Gem)" in first.stdout
    assert SAVED_CARD in first.stdout
    assert first.stdout.rstrip().endswith(GOODBYE.format(db=Path("data") / "demo.db"))
    assert (checkout / "data" / "demo.db").exists()

    # `make run` without a token opens the same demo, which remembers the person.
    again = _python_m_bot(checkout, script="/quit\n")

    assert again.returncode == 0, again.stderr
    assert WELCOME_BACK in again.stdout
    assert WELCOME not in again.stdout
    assert sorted(p.name for p in checkout.iterdir()) == ["data"]


# --- reminders (issue 4): a calm facility, and the clock moved forward -------------------------

SEED_DAY = date(2026, 11, 22)
REMINDER_DAY = SEED_DAY + timedelta(days=demo.REMINDER_DAYS)  # 27.12.2026
DIGEST = "Dagbogsbot:\n  🔔 Påmindelser\n"
ITEM_LINE = re.compile(r"^  (\d+)\. Mia: (.+)\n  (.+)$", re.MULTILINE)


def digests(output: str) -> list[str]:
    """Return each reminder digest printed: its text and its numbered buttons."""
    found = []
    for part in output.split(DIGEST)[1:]:
        block = part.split("\n\n(", 1)[0].split("\nDagbogsbot", 1)[0]
        found.append(block.split("\n(Du trykker", 1)[0])
    return found


def deliveries(folder: Path, name: str | None = None) -> list[ReminderDelivery]:
    """Return the reminder ledger's rows (only those to one person when name is given)."""
    found = rows(folder, ReminderDelivery)
    if name is None:
        return found
    [person] = rows(folder, Staff, Staff.display_name == name)
    return [row for row in found if row.recipient_id == person.id]


def test_the_seeding_day_is_calm_and_tells_the_day_to_see_reminders(folder: Path) -> None:
    code, output, _ = run([], folder, today=SEED_DAY)

    assert code == 0
    assert digests(output) == []
    # Nothing is due for anyone: no reminder was even written to the ledger.
    assert deliveries(folder) == []
    hint = demo.NOTHING_DUE.format(day="27.12.2026", days=14, iso="2026-12-27")
    assert hint in output
    assert "    python -m bot demo --today 2026-12-27\n" in output
    # The intro says the demo's reminder hours are "always".
    intro = output.split("(Du åbner invitationslinket")[0]
    assert "I demoen er dine påmindelsestider »altid«" in intro
    assert 'Your reminder hours are "always" in the demo' in intro
    # A tidy facility: every resident has both mandatory goals, recent milestones and a
    # planned status meeting; Mia's is 70 days on (the hint is 35 days before it).
    residents = {r.id: r.display_name for r in rows(folder, Resident)}
    for resident_id, name in residents.items():
        areas = {g.mandatory_area for g in rows(folder, Goal, Goal.resident_id == resident_id)}
        assert set(MANDATORY_AREAS) <= areas, name
        milestones = rows(folder, ResidentMilestone, ResidentMilestone.resident_id == resident_id)
        kinds = {milestone.kind for milestone in milestones}
        assert kinds == {
            "dpu",
            "autonomt_kompas",
            "samarbejdsaftale",
            "ipel_evaluation",
            "komm_evaluation",
        }, name
    meetings = {residents[m.resident_id]: m.meeting_on for m in rows(folder, StatusMeeting)}
    assert meetings["Mia"] == SEED_DAY + timedelta(days=70)
    assert min(meetings["Oliver"], meetings["Ella"]) > meetings["Mia"]
    [dig] = rows(folder, Staff, Staff.display_name == "Dig")
    [hours] = rows(folder, ReminderPerson, ReminderPerson.staff_id == dig.id)
    assert (hours.start_minute, hours.end_minute, hours.weekends, hours.holidays) == (
        0,
        1440,
        True,
        True,
    )


def test_the_clock_moved_forward_brings_one_digest_and_a_restart_sends_nothing_twice(
    folder: Path,
) -> None:
    run([], folder, today=SEED_DAY)

    code, output, _ = run([press("1. Evaluer nu")], folder, today=REMINDER_DAY)

    assert code == 0
    [digest] = digests(output)
    items = ITEM_LINE.findall(digest)
    assert items == [
        ("1", "Evaluering af delmålet Mia bruger sit talekort ved måltider", "⏰ Frist i dag"),
        (
            "2",
            "Statusrapporten skrives (statusmøde 31.1.2027)",
            "🗓 Frist 10.1.2027 (om 14 dage)",
        ),
    ]
    cells = [cell for line in digest.splitlines() for cell in BUTTON_CELL.findall(line)]
    assert cells == [
        ("1", "1. Evaluer nu"),
        ("2", "1. Udsæt 1 dag"),
        ("3", "1. Udsæt 1 uge"),
        ("4", "2. Udført"),
        ("5", "2. Udsæt 1 dag"),
        ("6", "2. Udsæt 1 uge"),
    ]
    # `Evaluer nu` lands in the evaluation: the evidence, then the first question.
    pressed = output.split("(Du trykker på [1] 1. Evaluer nu)", 1)[1]
    assert "🎯 " + SUB_GOAL in pressed
    assert re.search(r"Noter i delmålsdagbogen: \d+", pressed)
    assert "1. Dato for evaluering" in pressed
    [draft] = rows(folder, EvaluationDraft)
    assert draft.sub_goal_id is not None
    # Nothing else is due for anyone: the ledger holds just these two items.
    assert {(row.rule, row.due) for row in deliveries(folder)} == {
        ("sub_goal_evaluation", REMINDER_DAY),
        ("report_draft", date(2027, 1, 10)),
    }
    sent = deliveries(folder, "Dig")
    assert sorted((row.rule, row.stage, row.status) for row in sent) == [
        ("report_draft", "heads_up", "sent"),
        ("sub_goal_evaluation", "due", "sent"),
    ]

    # Quit and start again on the same day: the ledger knows the digest went out.
    code, again, _ = run(["/quit"], folder, today=REMINDER_DAY)

    assert code == 0
    assert digests(again) == []
    assert demo.ALREADY_SENT in again
    assert "python -m bot demo --today" not in again
    assert [(row.id, row.status, row.message_id) for row in deliveries(folder, "Dig")] == [
        (row.id, row.status, row.message_id) for row in sent
    ]


def test_the_running_demo_sweeps_again_without_sending_twice(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run([], folder, today=SEED_DAY)
    # Sweep after every line, as if a minute passed between them.
    monkeypatch.setattr(demo, "SWEEP_EVERY", timedelta(0))
    swept: list[object] = []
    original = demo.DemoChat.sweep

    async def counting(chat: demo.DemoChat) -> bool:
        swept.append(chat)
        return await original(chat)

    monkeypatch.setattr(demo.DemoChat, "sweep", counting)

    code, output, _ = run(["/hjaelp", "/mine", "/hjaelp"], folder, today=REMINDER_DAY)

    assert code == 0
    assert len(swept) == 4  # at start-up and after each line
    assert len(digests(output)) == 1
    assert len(deliveries(folder, "Dig")) == 2


def test_an_older_demo_database_gets_no_reminders_but_a_hint(folder: Path) -> None:
    run([], folder, today=SEED_DAY)
    # A demo database from before reminders: no milestones, no status meetings.
    engine = sa.create_engine(f"sqlite:///{folder / 'demo.db'}")
    with engine.begin() as connection:
        connection.execute(sa.delete(ResidentMilestone))
        connection.execute(sa.delete(StatusMeeting))
    engine.dispose()

    code, output, _ = run([], folder, today=REMINDER_DAY)

    assert code == 0
    assert demo.OLD_DATA in output
    assert digests(output) == []
    assert deliveries(folder) == []
