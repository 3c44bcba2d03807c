"""How a reminder digest looks: its items, "when" lines, buttons and limits (bot/reminders/digest).

Pure: Texts and DueItems in, Telegram HTML and an inline keyboard out. The items come from the
real rules (bot.reminders.rules.due_items), so every rule's title and parameters are covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from telegram import InlineKeyboardMarkup

import bot.reminders.digest as digest_module
from bot.clock import FixedClock
from bot.domain.goals import EvaluationInterval, IntervalUnit
from bot.domain.onboarding import StepOwner
from bot.fakeapi import MAX_TEXT_LENGTH, parse_html
from bot.handlers.callbacks import MAX_CALLBACK_BYTES, ReminderPress
from bot.reminders.digest import (
    MAX_ITEMS_IN_TEXT,
    MAX_ITEMS_WITH_BUTTONS,
    SECTION_BUDGET,
    TEXT_BUDGET,
    TITLE_CHARS,
    Entry,
    clip,
    digest,
    press,
    render_items,
    title,
    when,
)
from bot.reminders.onboarding import StepFact, access_item, step_item
from bot.reminders.rules import (
    INFORMATIONAL,
    RULE_CODES,
    RULE_GOAL_EVALUATION,
    RULE_MANDATORY_GOALS,
    RULE_SUB_GOAL_EVALUATION,
    RULES_BY_CODE,
    DueItem,
    GoalFacts,
    MeetingFacts,
    ResidentFacts,
    due_items,
    subject_of,
)
from bot.reminders.sweep import ReminderEngine, SweepPlan
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import Locale, Texts

TODAY = date(2026, 11, 23)
DA = Texts("da")
EN = Texts("en")
NAMES = {1: "Anna A", 2: "Carl C", 3: "Lene L"}
BIG = 10**15 - 1  # the largest id the callback data format carries (15 digits)


def interval() -> EvaluationInterval:
    return EvaluationInterval(3, IntervalUnit.MONTHS)


def goal_facts(gid: int, text: str, kind: str = "goal") -> GoalFacts:
    return GoalFacts(
        id=gid,
        kind="goal" if kind == "goal" else "sub_goal",
        text=text,
        created_on=date(2026, 1, 5),
        last_evaluated_on=date(2026, 8, 23),
        next_evaluation_on=TODAY,
        interval=interval(),
        active=True,
    )


def resident(
    rid: int = 7,
    name: str = "Mia",
    *,
    goal_text: str = "Mia taler i hele sætninger",
    planned: bool = True,
) -> ResidentFacts:
    """A resident with an item of every rule: two meetings (steps before and after), or no
    planned meeting (the status meeting to schedule); 18 in a month; no mandatory goals."""
    return ResidentFacts(
        resident_id=rid,
        name=name,
        birth_date=date(2008, 12, 20),
        enrolment_date=date(2024, 1, 8),
        department_id=1,
        contact_team_ids=(1, 2),
        leader_ids=(3,),
        goals=(goal_facts(BIG, goal_text), goal_facts(BIG - 1, goal_text + " (delmål)", "sub")),
        mandatory_areas_missing=("skole", "sociale_relationer"),
        last_status_meeting=MeetingFacts(BIG - 2, date(2026, 6, 1)),
        next_status_meeting=MeetingFacts(BIG - 3, date(2026, 12, 14)) if planned else None,
    )


def all_items(name: str = "Mia", goal_text: str = "Mia taler i hele sætninger") -> list[DueItem]:
    """One item of every rule (the status meeting to plan from a second, unplanned self)."""
    items = due_items(resident(name=name, goal_text=goal_text), TODAY, 5000)
    unplanned = resident(name=name, goal_text=goal_text, planned=False)
    items += [i for i in due_items(unplanned, TODAY, 5000) if i.rule == "status_meeting"]
    return items + onboarding_items(TODAY)


def onboarding_items(due: date) -> list[DueItem]:
    """A substitute's own step, a step the leaders confirm, and the end of access (issue 5)."""
    leaders = {7: (1, 2)}
    own = StepFact(
        BIG - 4, 9, "Peter", "E-learning: Lov om voksenansvar", StepOwner.VIKAR, due, (7,)
    )
    confirm = replace(own, step_id=BIG - 5, title="Introforløb", owner=StepOwner.LEDER)
    return [
        step_item(own, leaders),
        step_item(confirm, leaders),
        access_item(BIG - 6, "Peter", due),
    ]


def test_the_resident_has_an_item_of_every_rule() -> None:
    assert {item.rule for item in all_items()} == set(RULE_CODES)


def plain(html: str) -> str:
    text, _ = parse_html(html, strict=True)
    return text


def labels(markup: InlineKeyboardMarkup | None) -> list[str]:
    if markup is None:
        return []
    return [button.text for row in markup.inline_keyboard for button in row]


def item(
    due: date, rule: str = RULE_GOAL_EVALUATION, responsible: Sequence[int] = (1, 2)
) -> DueItem:
    [found] = [i for i in all_items() if i.rule == rule]  # one of each
    return replace(found, due=due, responsible=tuple(responsible))


# --- buttons --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", sorted(RULE_CODES))
@pytest.mark.parametrize("due", [date(1, 1, 1), TODAY, date(9999, 12, 31)])
def test_every_buttons_data_parses_back_to_its_item_and_fits_64_bytes(rule: str, due: date) -> None:
    shown = replace(item(TODAY, rule), due=due)
    for action in ReminderPress.ACTIONS:
        packed = press(action, shown)
        assert len(packed.encode()) <= MAX_CALLBACK_BYTES
        parsed = ReminderPress.parse(packed)
        assert parsed.action == action
        assert RULES_BY_CODE[parsed.rule] == shown.rule
        assert subject_of(RULES_BY_CODE[parsed.rule], parsed.ref) == shown.subject
        assert date.fromordinal(parsed.due) == shown.due


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "da",
            {
                "evaluate": "Evaluer nu",
                "tick": "Udført",
                "done": "Udført",
                "step": "Udført",
                "schedule": "Planlæg",
                "plan": "Se plan",
                "day": "Udsæt 1 dag",
                "week": "Udsæt 1 uge",
            },
        ),
        (
            "en",
            {
                "evaluate": "Evaluate now",
                "tick": "Done",
                "step": "Done",
                "done": "Done",
                "schedule": "Schedule",
                "plan": "See plan",
                "day": "Snooze 1 day",
                "week": "Snooze 1 week",
            },
        ),
    ],
)
def test_each_item_has_its_action_and_the_two_snoozes_the_birthday_none(
    locale: Locale, expected: dict[str, str]
) -> None:
    tx = Texts(locale)
    items = all_items()
    entries = [Entry(i, "due") for i in items]
    blocks, rows = render_items(tx, entries, TODAY, NAMES, with_buttons=len(entries))

    assert len(blocks) == len(items)
    by_number = {int(row[0].text.split(".")[0]): row for row in rows}
    for number, shown in enumerate(items, start=1):
        if shown.rule in INFORMATIONAL:  # the 18th birthday, a substitute's access end
            assert number not in by_number
            continue
        row = by_number[number]
        assert [b.text for b in row] == [
            f"{number}. {expected[shown.action]}",
            f"{number}. {expected['day']}",
            f"{number}. {expected['week']}",
        ]
        assert [b.callback_data for b in row] == [
            press(action, shown) for action in ("a", "d", "w")
        ]
    assert len(rows) == len(items) - len(INFORMATIONAL)


# --- the "when" lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "stage", "da", "en"),
    [
        (7, "heads_up", "🗓 Frist 30.11.2026 (om 7 dage)", "🗓 Due 30.11.2026 (in 7 days)"),
        (2, "heads_up", "🗓 Frist 25.11.2026 (om 2 dage)", "🗓 Due 25.11.2026 (in 2 days)"),
        (1, "heads_up", "🗓 Frist i morgen, 24.11.2026", "🗓 Due tomorrow, 24.11.2026"),
        (0, "due", "⏰ Frist i dag", "⏰ Due today"),
        (-1, "overdue0", "⚠️ Fristen var i går, 22.11.2026", "⚠️ It was due yesterday, 22.11.2026"),
        (
            -4,
            "overdue1",
            "⚠️ Fristen var 19.11.2026 – 4 dage over",
            "⚠️ It was due 19.11.2026 – 4 days overdue",
        ),
        (
            -7,
            "escalation",
            "🚨 Fristen var 16.11.2026 – 7 dage over. Ansvarlig: Anna A, Carl C",
            "🚨 It was due 16.11.2026 – 7 days overdue. Responsible: Anna A, Carl C",
        ),
        (30, "upcoming", "🗓 Frist 23.12.2026 (om 30 dage)", "🗓 Due 23.12.2026 (in 30 days)"),
    ],
)
def test_when_lines(offset: int, stage: str, da: str, en: str) -> None:
    entry = Entry(item(TODAY + timedelta(days=offset)), stage)
    assert plain(when(DA, entry, TODAY, NAMES)) == da
    assert plain(when(EN, entry, TODAY, NAMES)) == en


def test_an_escalation_names_only_the_people_it_knows_or_says_nobody() -> None:
    late = TODAY - timedelta(days=9)
    some = Entry(item(late, responsible=(2, 99)), "escalation")
    nobody = Entry(item(late, responsible=()), "escalation")
    assert plain(when(DA, some, TODAY, NAMES)).endswith("Ansvarlig: Carl C")
    assert plain(when(DA, nobody, TODAY, NAMES)).endswith("Ansvarlig: ingen i kontaktteamet")
    assert plain(when(EN, nobody, TODAY, NAMES)).endswith("Responsible: nobody on the kontaktteam")


# --- the digest -----------------------------------------------------------------------------------


def test_a_digest_shows_the_most_urgent_first() -> None:
    entries = [
        Entry(item(TODAY + timedelta(days=3)), "heads_up"),
        Entry(item(TODAY), "due"),
        Entry(item(TODAY - timedelta(days=2)), "overdue0"),
        Entry(item(TODAY - timedelta(days=8), RULE_MANDATORY_GOALS), "escalation"),
    ]
    text, markup = digest(DA, entries, TODAY, NAMES)

    assert plain(text) == (
        "🔔 Påmindelser\n\n"
        "1. Mia: Mangler obligatorisk mål: Skolegang og uddannelse, "
        "Kompetencer til sociale relationer\n"
        "🚨 Fristen var 15.11.2026 – 8 dage over. Ansvarlig: Anna A, Carl C\n\n"
        "2. Mia: Evaluering af målet Mia taler i hele sætninger\n"
        "⚠️ Fristen var 21.11.2026 – 2 dage over\n\n"
        "3. Mia: Evaluering af målet Mia taler i hele sætninger\n⏰ Frist i dag\n\n"
        "4. Mia: Evaluering af målet Mia taler i hele sætninger\n"
        "🗓 Frist 26.11.2026 (om 3 dage)"
    )
    assert [row[0].text for row in markup.inline_keyboard] == [  # type: ignore[union-attr]
        "1. Se plan",
        "2. Evaluer nu",
        "3. Evaluer nu",
        "4. Evaluer nu",
    ]


def test_the_english_digest() -> None:
    entries = [Entry(item(TODAY, RULE_MANDATORY_GOALS), "due")]
    text, markup = digest(EN, entries, TODAY, NAMES)
    assert plain(text) == (
        "🔔 Reminders\n\n"
        "1. Mia: Missing a mandatory goal: Schooling and education, "
        "Competencies for social relations\n"
        "⏰ Due today"
    )
    assert labels(markup) == ["1. See plan", "1. Snooze 1 day", "1. Snooze 1 week"]


def test_only_extra_sections_and_no_items() -> None:
    text, markup = digest(DA, [], TODAY, NAMES, ["📋 <b>Ugeoversigt</b>"])
    assert plain(text) == "📋 Ugeoversigt"
    assert markup is None


def _many(count: int) -> list[Entry]:
    return [Entry(item(TODAY - timedelta(days=n)), "due") for n in range(count)]


@pytest.mark.parametrize("count", [1, MAX_ITEMS_WITH_BUTTONS])
def test_up_to_8_items_all_have_buttons_and_no_note(count: int) -> None:
    text, markup = digest(DA, _many(count), TODAY, NAMES)
    assert markup is not None
    assert len(markup.inline_keyboard) == count
    assert "Knapperne" not in text
    assert "mere" not in plain(text)


@pytest.mark.parametrize(
    ("locale", "note"),
    [
        ("da", "Knapperne gælder de første 8; /paamindelser har knapper til dem alle."),
        ("en", "The buttons cover the first 8; /paamindelser has buttons for all of them."),
    ],
)
def test_more_than_8_items_buttons_for_the_first_8_and_a_note(locale: Locale, note: str) -> None:
    text, markup = digest(Texts(locale), _many(MAX_ITEMS_WITH_BUTTONS + 1), TODAY, NAMES)
    lines = plain(text).split("\n\n")
    assert lines[-1] == note
    assert lines[-2].startswith("9. Mia")
    assert markup is not None
    assert [row[0].text.split(".")[0] for row in markup.inline_keyboard] == [
        str(n) for n in range(1, 9)
    ]


@pytest.mark.parametrize(
    ("locale", "note"),
    [
        ("da", "… og 5 mere. Se dem alle med /paamindelser."),
        ("en", "… and 5 more. See them all with /paamindelser."),
    ],
)
def test_more_than_25_items_lists_25_and_says_how_many_more(locale: Locale, note: str) -> None:
    tx = Texts(locale)
    text, markup = digest(tx, _many(MAX_ITEMS_IN_TEXT + 5), TODAY, NAMES)
    blocks = plain(text).split("\n\n")
    assert blocks[-1] == note
    # More than 8 are shown, so the note on the buttons comes first.
    assert blocks[-2] == plain(tx("reminders.more_buttons", count=MAX_ITEMS_WITH_BUTTONS))
    assert blocks[-3].startswith("25. Mia")
    assert sum(1 for b in blocks if b[:1].isdigit()) == MAX_ITEMS_IN_TEXT
    assert markup is not None
    assert len(markup.inline_keyboard) == MAX_ITEMS_WITH_BUTTONS


HOSTILE_RESIDENT = '<b>Ole & "Søn"</b>'
HOSTILE_GOAL = "</i><script>alert(1)</script> &amp; 1 < 2 > 0"
HOSTILE_STAFF = {1: "Anna <A> & Co", 2: "</b>Carl"}


@pytest.mark.parametrize("locale", ["da", "en"])
def test_hostile_names_are_escaped_into_valid_telegram_html(locale: Locale) -> None:
    tx = Texts(locale)
    late = TODAY - timedelta(days=9)
    entries = [
        Entry(replace(i, due=late), "escalation") if n % 2 else Entry(i, "due")
        for n, i in enumerate(all_items(name=HOSTILE_RESIDENT, goal_text=HOSTILE_GOAL))
    ]
    text, _ = digest(tx, entries, TODAY, HOSTILE_STAFF, ["<b>section</b>"])

    shown_text = plain(text)  # raises on anything Telegram would refuse
    assert f"1. {HOSTILE_RESIDENT}: " in shown_text
    assert HOSTILE_GOAL in shown_text
    assert "Anna <A> & Co, </b>Carl" in shown_text


# --- Telegram's limit -----------------------------------------------------------------------------


def test_a_digest_of_long_goals_fits_one_telegram_message() -> None:
    long_text = "Mia øver sig i at klare hverdagen selv. " * 50  # 2,000 characters
    items = all_items(goal_text=long_text[:1990])  # the sub-goal adds " (delmål)"
    entries = [Entry(replace(i, due=TODAY), "due") for i in items]
    text, _ = digest(DA, entries, TODAY, NAMES)
    assert len(plain(text)) <= MAX_TEXT_LENGTH
    # Every item is listed, the goal texts shortened to 120 characters with an ellipsis.
    shown = plain(text)
    assert sum(1 for b in shown.split("\n\n") if b[:1].isdigit()) == len(items)
    assert "mere" not in shown
    for kind in ("målet", "delmålet"):
        [line] = [ln for ln in shown.splitlines() if f": Evaluering af {kind} " in ln]
        goal = line.split(f": Evaluering af {kind} ", 1)[1]
        assert TITLE_CHARS // 2 < len(goal) <= TITLE_CHARS  # cut at a word, ellipsis included
        assert goal.endswith("…")
        assert long_text.startswith(goal[:-1])


def test_a_short_title_is_not_shortened_and_a_long_one_ends_in_an_ellipsis() -> None:
    exact = "x" * TITLE_CHARS
    longer = "x" * (TITLE_CHARS + 1)
    assert plain(title(DA, replace(item(TODAY), params={"name": "Mia", "text": exact}))) == (
        f"Evaluering af målet {exact}"
    )
    shortened = plain(title(DA, replace(item(TODAY), params={"name": "Mia", "text": longer})))
    assert shortened == f"Evaluering af målet {'x' * (TITLE_CHARS - 1)}…"


def test_a_hostile_goal_is_shortened_before_it_is_escaped() -> None:
    """Cut after escaping, `&amp;` could lose its `;` and the message would be refused."""
    hostile = "&" * 500
    entry = Entry(replace(item(TODAY), params={"name": "Mia", "text": hostile}), "due")
    text, _ = digest(DA, [entry], TODAY, NAMES)
    assert f"målet {'&' * (TITLE_CHARS - 1)}…\n" in plain(text)  # valid HTML: plain parses it


def _long(count: int) -> list[Entry]:
    """count items, each with a goal text long enough to be shortened."""
    text = "Mia øver sig i at klare hverdagen selv. " * 10
    return [
        Entry(replace(item(TODAY - timedelta(days=n)), params={"name": "Mia", "text": text}), "due")
        for n in range(count)
    ]


@pytest.mark.parametrize("locale", ["da", "en"])
def test_items_stop_at_the_text_budget_and_the_rest_are_counted(locale: Locale) -> None:
    tx = Texts(locale)
    entries = _long(MAX_ITEMS_IN_TEXT)
    text, markup = digest(tx, entries, TODAY, NAMES)

    blocks = text.split("\n\n")
    items = [b for b in blocks[1:] if b[:1].isdigit()]
    left_out = len(entries) - len(items)
    assert 0 < len(items) < MAX_ITEMS_IN_TEXT
    assert blocks[-1] == tx("reminders.more", count=left_out)
    # The items kept fit the budget; the next one would not have.
    oldest_first = sorted(entries, key=lambda e: e.item.due)  # the most urgent first
    every, _ = render_items(tx, oldest_first, TODAY, NAMES, budget=10**9)
    assert every[: len(items)] == items
    used = sum(len(b) + 2 for b in items)
    assert used <= TEXT_BUDGET < used + len(every[len(items)]) + 2
    assert len(plain(text)) <= MAX_TEXT_LENGTH
    # Buttons for the first 8, and the note on them since more than 8 are shown.
    assert len(items) > MAX_ITEMS_WITH_BUTTONS
    assert blocks[-2] == tx("reminders.more_buttons", count=MAX_ITEMS_WITH_BUTTONS)
    assert markup is not None
    assert len(markup.inline_keyboard) == MAX_ITEMS_WITH_BUTTONS


def test_no_note_on_the_buttons_when_8_or_fewer_items_are_shown() -> None:
    """Items too long for more than 8 in the budget: all of them have buttons."""
    text = "Mia øver sig i at klare hverdagen selv. " * 10
    entries = [
        Entry(
            replace(
                item(TODAY - timedelta(days=n)),
                params={"name": "Ole " * 100, "text": text},  # names are not shortened
            ),
            "due",
        )
        for n in range(12)
    ]
    shown, markup = digest(DA, entries, TODAY, NAMES)
    blocks = plain(shown).split("\n\n")
    items = [b for b in blocks if b[:1].isdigit()]
    assert len(items) <= MAX_ITEMS_WITH_BUTTONS
    assert "Knapperne" not in plain(shown)
    assert blocks[-1] == f"… og {12 - len(items)} mere. Se dem alle med /paamindelser."
    assert markup is not None
    assert len(markup.inline_keyboard) == len(items)


def test_the_weekly_section_is_clipped_by_whole_lines() -> None:
    lines = [f"  • linje {n:03} " + "x" * 40 for n in range(100)]
    section = "📋 <b>Ugeoversigt</b>\n" + "\n".join(lines)
    assert len(section) > SECTION_BUDGET
    text, _ = digest(DA, _many(3), TODAY, NAMES, [section])

    shown = text.split("\n\n")[-1]
    assert shown.endswith("\n…")
    kept = shown.removesuffix("\n…")
    assert len(kept) <= SECTION_BUDGET
    assert section.startswith(kept + "\n")  # whole lines, the first of them kept
    assert len(kept) + len(lines[0]) + 1 > SECTION_BUDGET  # no further whole line would fit
    assert plain(text).startswith("🔔 Påmindelser\n\n1. Mia")  # the items come first
    # A section within the budget is kept whole.
    short, _ = digest(DA, _many(3), TODAY, NAMES, ["📋 <b>Ugeoversigt</b>\n" + lines[0]])
    assert short.endswith(lines[0])


def test_a_digest_with_a_long_weekly_section_fits_one_telegram_message() -> None:
    lines = [f"  • linje {n:03} " + "x" * 100 for n in range(100)]
    section = "📋 <b>Ugeoversigt</b>\n" + "\n".join(lines)
    text, _ = digest(DA, _long(MAX_ITEMS_IN_TEXT), TODAY, NAMES, [section])
    assert len(plain(text)) <= MAX_TEXT_LENGTH
    blocks = text.split("\n\n")
    items = [b for b in blocks if b[:1].isdigit()]
    assert sum(len(b) + 2 for b in items) <= TEXT_BUDGET - SECTION_BUDGET
    assert f"… og {MAX_ITEMS_IN_TEXT - len(items)} mere." in text


def test_a_digest_with_three_long_weekly_sections_fits_one_telegram_message() -> None:
    lines = "\n".join(f"  • linje {n:03} " + "x" * 100 for n in range(100))
    sections = [f"📋 <b>Ugeoversigt, Afd {n}</b>\n{lines}" for n in "ABC"]
    text, _ = digest(DA, _long(MAX_ITEMS_IN_TEXT), TODAY, NAMES, sections)
    assert len(plain(text)) <= MAX_TEXT_LENGTH


# --- goals typed over several lines ---------------------------------------------------------------

# As people type goals: line breaks, blank lines, Windows line ends, tabs, runs of spaces; some
# longer than a title may be (cut at 120), some breaking a line after the cut.
MULTI_LINE_GOALS = [
    "Mia øver sig i at klare\nhverdagen selv",
    "Første linje\n\nAnden linje\r\nTredje\tlinje  med   mellemrum\n",
    "\n  Starter med et linjeskift og slutter med mellemrum  \n\n",
    ("Mia skal kunne smøre sin egen madpakke om morgenen\n" * 4).strip(),
    "Kort\nmål",
    "Mia deltager i fællesspisning tre gange om ugen, " * 2 + "\nog siger til, når hun er mæt",
    "- punkt et\n- punkt to\n- punkt tre\n- punkt fire\n- punkt fem\n- punkt seks",
]


def _multi_line_items(count: int) -> list[DueItem]:
    """count overdue goal and sub-goal items of seven residents, multi-line texts all."""
    found = []
    for n in range(count):
        rule = RULE_GOAL_EVALUATION if n % 3 else RULE_SUB_GOAL_EVALUATION
        shown = item(TODAY - timedelta(days=1 + n % 20), rule, responsible=(1, 2))
        found.append(
            replace(
                shown,
                subject=f"{shown.subject.split(':')[0]}:{n + 1}",
                params={
                    "name": f"Beboer {n % 7}",
                    "text": MULTI_LINE_GOALS[n % len(MULTI_LINE_GOALS)] + f"\nnr. {n}",
                },
            )
        )
    return found


def weekly_overview(tx: Texts, items: Sequence[DueItem]) -> str:
    """A leader's weekly overview of Afd A, rendered as the sweep renders it."""
    engine = ReminderEngine(
        cast(UnitOfWorkFactory, None),  # the overview reads nothing from the database
        FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
        ZoneInfo("Europe/Copenhagen"),
        tx,
    )
    plan = SweepPlan(
        today=TODAY,
        now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        overdue_by_department={1: list(items)},
        department_names={1: "Afd A"},
    )
    return engine._weekly(plan, 1, NAMES)


@pytest.mark.parametrize("text", MULTI_LINE_GOALS)
def test_a_goal_typed_over_several_lines_is_one_line_in_its_title(text: str) -> None:
    shown = plain(title(DA, replace(item(TODAY), params={"name": "Mia", "text": text})))
    goal = shown.removeprefix("Evaluering af målet ")
    assert "\n" not in shown
    assert goal == goal.strip()
    assert "  " not in goal
    assert "\t" not in goal
    assert "\r" not in goal
    words = " ".join(text.split())
    if len(words) <= TITLE_CHARS:
        assert goal == words
    else:  # shortened after the whitespace was collapsed
        assert goal.endswith("…")
        assert words.startswith(goal[:-1])


def test_a_digest_of_multi_line_goals_has_two_lines_an_item() -> None:
    entries = [Entry(i, "overdue0") for i in _multi_line_items(len(MULTI_LINE_GOALS))]
    text, _ = digest(DA, entries, TODAY, NAMES)
    blocks = plain(text).split("\n\n")[1:]
    assert len(blocks) == len(MULTI_LINE_GOALS)
    for block in blocks:
        what, when_line = block.split("\n")
        assert what[:1].isdigit()
        assert when_line.startswith("⚠️ Fristen var")


@pytest.mark.parametrize("locale", ["da", "en"])
def test_a_weekly_overview_of_multi_line_goals_is_one_line_an_item(locale: Locale) -> None:
    tx = Texts(locale)
    items = _multi_line_items(60)
    overview = weekly_overview(tx, items)

    lines = overview.split("\n")
    assert lines[0].startswith("📋 <b>")
    residents = [ln for ln in lines[1:] if ln.startswith("<b>")]
    entries = [ln for ln in lines[1:] if ln.startswith("  • ")]
    assert len(residents) == 7
    assert len(entries) == len(items)
    assert len(lines) == 1 + len(residents) + len(entries)
    for line in entries:  # each goal's <i>…</i> opens and closes on its own line
        assert line.count("<i>") == line.count("</i>") == 1
        plain(line)


@pytest.mark.parametrize("locale", ["da", "en"])
def test_clipping_a_weekly_overview_of_multi_line_goals_never_breaks_its_html(
    locale: Locale,
) -> None:
    overview = weekly_overview(Texts(locale), _multi_line_items(60))
    assert len(overview) > SECTION_BUDGET
    heading = len(overview.split("\n", 1)[0])

    # Every budget that keeps the heading (a shorter one cuts into it: not this fix's case).
    for budget in range(heading + 1, len(overview) + 10, 3):
        clipped = clip(overview, budget)
        plain(clipped)  # raises on an unclosed <i> (or any HTML Telegram would refuse)
        assert clipped == overview or clipped.endswith("\n…")


@pytest.mark.parametrize("sections", [1, 2, 3, 5])
def test_a_leaders_digest_with_clipped_multi_line_overviews_is_valid_html(
    monkeypatch: pytest.MonkeyPatch, sections: int
) -> None:
    items = _multi_line_items(60)
    overviews = [weekly_overview(DA, items[n::sections]) for n in range(sections)]
    entries = [Entry(i, "escalation") for i in items[:10]]
    heading = max(len(o.split("\n", 1)[0]) for o in overviews)
    for budget in range(sections * (heading + 1), 2 * SECTION_BUDGET, 37):
        monkeypatch.setattr(digest_module, "SECTION_BUDGET", budget)
        text, _ = digest(DA, entries, TODAY, NAMES, overviews)
        shown = plain(text)  # the whole message parses: no <i> left open by a cut
        assert len(shown) <= MAX_TEXT_LENGTH
        assert shown.count("📋 Ugeoversigt, Afd A") == sections
