"""The sub-goal parts of the note card and /score: when Gem is offered, routing, reason buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.scores import DEFAULT_SCALE
from bot.handlers.callbacks import NoteCardPress, ScorePress
from bot.handlers.note_views import REASON_KEYS, note_card, reason_text
from bot.handlers.notes import STEP_ACTIONS
from bot.handlers.scores import scale_row
from bot.services.notes import Card, Option
from bot.texts import Texts

TX = Texts("da")
TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SUB_GOAL = Option(7, "Mia møder til første time")


def card(**changes: object) -> Card:
    values: dict[str, object] = {
        "draft_id": 1,
        "mode": "quick",
        "status": "open",
        "text": "ingen tid i dag",
        "resident": Option(1, "Mia"),
        "diary_type": Option(12, "Manglende arbejde med delmål"),
        "picking": None,
    }
    values.update(changes)
    return Card(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("needs", "has", "sub_goal", "reason", "savable"),
    [
        (False, False, None, None, True),  # a plain note
        (False, True, None, None, True),  # a plain note that could get a sub-goal
        (False, True, SUB_GOAL, None, True),  # a sub-goal note
        (True, True, None, None, False),  # missing work: choose the sub-goal first
        (True, True, SUB_GOAL, None, False),  # … then the reason
        (True, True, SUB_GOAL, "Sygdom", True),
        (True, False, None, None, True),  # no sub-goals: Gem says why it cannot save
    ],
    ids=["plain", "plain-offer", "sub-goal", "no-sub-goal", "no-reason", "complete", "impossible"],
)
def test_when_gem_is_offered(
    needs: bool, has: bool, sub_goal: Option | None, reason: str | None, savable: bool
) -> None:
    shown = card(needs_sub_goal=needs, has_sub_goals=has, sub_goal=sub_goal, reason=reason)

    _, markup = note_card(TX, shown, TZ, NOW)

    assert shown.savable is savable
    assert markup is not None
    assert (markup.inline_keyboard[0][0].text == "Gem") is savable


def test_a_card_without_text_is_never_savable() -> None:
    assert card(text="").savable is False
    assert card(resident=None).savable is False


@pytest.mark.parametrize("action", sorted(NoteCardPress.ACTIONS))
def test_only_the_step_actions_run_in_the_flow(action: str) -> None:
    data = NoteCardPress(12, action, 3).pack()

    routed = NoteCardPress.actions_pattern(STEP_ACTIONS).match(data) is not None

    assert routed is (action in STEP_ACTIONS)
    assert NoteCardPress.pattern().match(data)


def test_gem_never_runs_in_the_flow() -> None:
    assert NoteCardPress.SAVE not in STEP_ACTIONS
    assert NoteCardPress.CANCEL not in STEP_ACTIONS
    assert NoteCardPress.UNDO not in STEP_ACTIONS
    assert STEP_ACTIONS <= NoteCardPress.ACTIONS


def test_reason_buttons_map_to_their_labels() -> None:
    assert [reason_text(TX, i) for i in range(len(REASON_KEYS))] == [
        "Sygdom",
        "Personalemangel",
        "Barnet/den unge ønskede det ikke",
        "Aktivitet aflyst",
    ]
    for index in (-1, len(REASON_KEYS)):
        with pytest.raises(IndexError):
            reason_text(TX, index)


def test_the_scale_is_one_row_of_score_buttons() -> None:
    markup = scale_row(34, DEFAULT_SCALE)

    [row] = markup.inline_keyboard
    assert [b.text for b in row] == ["1", "2", "3", "4", "5"]
    assert [ScorePress.parse(str(b.callback_data)) for b in row] == [
        ScorePress(ScorePress.SCORE, 34, value) for value in range(1, 6)
    ]
