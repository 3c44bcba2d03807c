"""Callback data: one small frozen dataclass per button family, packed to at most 64 bytes.

Callback data comes from the client and is never trusted: parse() rejects anything that is
not exactly the packed shape, and every handler re-checks who may do what on each press.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any, ClassVar, Self, get_type_hints

MAX_CALLBACK_BYTES = 64
_WORD = re.compile(r"[a-z]{1,8}")
_INT = re.compile(r"-?[0-9]{1,15}")


class BadCallbackData(ValueError):
    """Callback data that is not what this bot packs: forged, or from an older version."""


class CallbackData:
    """Base of the button dataclasses: `prefix:field:field…` with int and short word fields."""

    PREFIX: ClassVar[str]

    def pack(self) -> str:
        """Encode for an inline button."""
        values = [str(getattr(self, f.name)) for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        data = ":".join([self.PREFIX, *values])
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        assert type(self).parse(data) == self, data  # a button that can't be parsed never works
        return data

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """A pattern that routes this family's presses to its handler."""
        return re.compile(rf"^{re.escape(cls.PREFIX)}:")

    @classmethod
    def parse(cls, data: str | None) -> Self:
        """Decode callback data, raising ValueError for anything malformed."""
        if data is None or len(data.encode()) > MAX_CALLBACK_BYTES:
            raise BadCallbackData(data)
        prefix, *parts = data.split(":")
        fields = _fields(cls)  # type: ignore[arg-type]  # classes are hashable
        if prefix != cls.PREFIX or len(parts) != len(fields):
            raise BadCallbackData(data)
        values: dict[str, Any] = {}
        for (name, is_int), raw in zip(fields, parts, strict=True):
            if is_int:
                if not _INT.fullmatch(raw):
                    raise BadCallbackData(data)
                values[name] = int(raw)
            else:
                if not _WORD.fullmatch(raw):
                    raise BadCallbackData(data)
                values[name] = raw
        parsed = cls(**values)
        if ":".join([cls.PREFIX, *(str(values[name]) for name, _ in fields)]) != data:
            raise BadCallbackData(data)  # "007" or "-0": not what pack() writes
        return parsed


@functools.cache
def _fields(cls: type[CallbackData]) -> tuple[tuple[str, bool], ...]:
    """Return (name, is an int) per field; resolving type hints is slow, so once per class."""
    hints = get_type_hints(cls)
    return tuple((f.name, hints[f.name] is int) for f in dataclasses.fields(cls))  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True, slots=True)
class NoteCardPress(CallbackData):
    """A button on a note card: save, cancel, pickers, picks and undo.

    `arg` is the page, the picked resident, type or sub-goal id, or the reason's index.
    """

    PREFIX: ClassVar[str] = "n"
    SAVE: ClassVar[str] = "s"
    CANCEL: ClassVar[str] = "x"
    RESIDENTS: ClassVar[str] = "r"
    TYPES: ClassVar[str] = "t"
    PICK_RESIDENT: ClassVar[str] = "pr"
    PICK_TYPE: ClassVar[str] = "pt"
    BACK: ClassVar[str] = "b"
    UNDO: ClassVar[str] = "u"
    SUB_GOALS: ClassVar[str] = "g"
    PICK_SUB_GOAL: ClassVar[str] = "pg"
    CLEAR_SUB_GOAL: ClassVar[str] = "xg"
    REASONS: ClassVar[str] = "w"
    PICK_REASON: ClassVar[str] = "pw"
    TYPE_REASON: ClassVar[str] = "tw"
    ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"s", "x", "r", "t", "pr", "pt", "b", "u", "g", "pg", "xg", "w", "pw", "tw"}
    )

    draft_id: int
    action: str
    arg: int = 0

    @classmethod
    def actions_pattern(cls, actions: frozenset[str]) -> re.Pattern[str]:
        """A pattern that routes the presses of some actions only (to the flow conversation)."""
        codes = "|".join(sorted(actions))
        return re.compile(rf"^{re.escape(cls.PREFIX)}:[^:]*:(?:{codes}):")


@dataclasses.dataclass(frozen=True, slots=True)
class MyNotePress(CallbackData):
    """A button in /mine: edit, delete, confirm or keep."""

    PREFIX: ClassVar[str] = "m"
    EDIT: ClassVar[str] = "e"
    DELETE: ClassVar[str] = "d"
    CONFIRM_DELETE: ClassVar[str] = "y"
    KEEP: ClassVar[str] = "k"

    action: str
    note_id: int


@dataclasses.dataclass(frozen=True, slots=True)
class ResidentNotesPress(CallbackData):
    """A resident chosen for /noter."""

    PREFIX: ClassVar[str] = "o"

    resident_id: int


@dataclasses.dataclass(frozen=True, slots=True)
class InvitePress(CallbackData):
    """A step of /inviter: the role, then the department."""

    PREFIX: ClassVar[str] = "i"

    role: str
    department_id: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ResidentPress(CallbackData):
    """A button in /beboere: open, add, edit a field, move out, pick a department, confirm."""

    PREFIX: ClassVar[str] = "b"
    OPEN: ClassVar[str] = "o"
    ADD: ClassVar[str] = "a"
    EDIT: ClassVar[str] = "e"
    MOVE_OUT: ClassVar[str] = "m"
    MOVE_OUT_TODAY: ClassVar[str] = "mt"
    DEPARTMENT: ClassVar[str] = "d"
    CONFIRM: ClassVar[str] = "c"
    CANCEL: ClassVar[str] = "x"
    LIST: ClassVar[str] = "l"

    action: str
    resident_id: int = 0
    arg: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ContactTeamPress(CallbackData):
    """A button in /kontaktteam: add or remove a staff member on a resident's team."""

    PREFIX: ClassVar[str] = "k"
    ADD: ClassVar[str] = "a"
    REMOVE: ClassVar[str] = "r"
    SHOW: ClassVar[str] = "s"

    action: str
    resident_id: int
    staff_id: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class GoalPress(CallbackData):
    """A button in /maal: open, add, edit or end a goal or sub-goal, and the form's choices.

    `target` is a resident, goal or sub-goal id depending on the action; `arg` is the
    chosen option (a diary type id, an enum's index, a field's index).
    """

    PREFIX: ClassVar[str] = "g"
    OPEN: ClassVar[str] = "o"  # target: resident (chosen among candidates)
    NEW: ClassVar[str] = "n"  # target: resident
    SUB: ClassVar[str] = "s"  # target: goal (a new sub-goal of it)
    EDIT: ClassVar[str] = "e"  # target: goal
    EDIT_SUB: ClassVar[str] = "es"  # target: sub-goal
    END: ClassVar[str] = "x"  # target: goal
    END_SUB: ClassVar[str] = "xs"  # target: sub-goal
    # The form's choices; target: what the flow works on, so an older question's are refused.
    FIELD: ClassVar[str] = "f"
    TYPE: ClassVar[str] = "t"
    SOURCE: ClassVar[str] = "k"
    CONTEXT: ClassVar[str] = "c"  # arg: a diary type id
    DONE: ClassVar[str] = "d"
    AREA: ClassVar[str] = "m"
    TODAY: ClassVar[str] = "i"
    INTERVAL: ClassVar[str] = "v"  # arg: months
    FREQUENCY: ClassVar[str] = "q"
    SKIP: ClassVar[str] = "p"
    REASON: ClassVar[str] = "r"
    SAVE: ClassVar[str] = "g"
    CANCEL: ClassVar[str] = "a"

    action: str
    target: int
    arg: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ScorePress(CallbackData):
    """A /score button: the resident meant, the sub-goal to score, or a score given with one tap.

    `target` is a resident id (RESIDENT) or a sub-goal id; `value` is the score (SCORE).
    """

    PREFIX: ClassVar[str] = "s"
    RESIDENT: ClassVar[str] = "r"
    SUB_GOAL: ClassVar[str] = "g"
    SCORE: ClassVar[str] = "v"
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"r", "g", "v"})

    action: str
    target: int
    value: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class EvaluationPress(CallbackData):
    """A button in /evaluer: pick the goal or sub-goal, resume, decide, confirm, transfer."""

    PREFIX: ClassVar[str] = "e"

    action: str
    target: int = 0
    arg: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ReminderPress(CallbackData):
    """A button on a reminder: its action, or `Udsæt`.

    The item is named by its rule's short code (bot.reminders.rules.RULE_CODES), the number in
    its subject (goal, sub-goal, status meeting or resident id) and its due date as an ordinal.
    The handler recomputes the item from the database: a press on an item already done, moved
    or not the presser's is answered, never acted on.
    """

    PREFIX: ClassVar[str] = "r"
    ACT: ClassVar[str] = "a"  # the item's own action: evaluate, tick, done, schedule, plan
    DAY: ClassVar[str] = "d"  # Udsæt 1 dag
    WEEK: ClassVar[str] = "w"  # Udsæt 1 uge
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"a", "d", "w"})

    action: str
    rule: str
    ref: int
    due: int


@dataclasses.dataclass(frozen=True, slots=True)
class StatusPress(CallbackData):
    """A button of /statusmoede and /status: pick a date, mark held, cancel, tick a step.

    `target` is a resident id (picking a date for a new meeting) or a meeting id; `arg` is a
    date as an ordinal (DATE) or a step's index in bot.reminders.rules.STATUS_STEPS (TICK).
    """

    PREFIX: ClassVar[str] = "t"

    action: str
    target: int
    arg: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class SettingsPress(CallbackData):
    """A button in /indstillinger: move the start or end of my reminder hours, toggle days."""

    PREFIX: ClassVar[str] = "p"

    action: str
    arg: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class OnboardingPress(CallbackData):
    """A button of substitute onboarding: /tjekliste, a brief, /vikarer, the vikar invite.

    `target` is a step, resident or substitute (staff) id; `arg` a date as an ordinal, a number
    of days, or a yes/no. The use cases re-read and check every one of them.
    """

    PREFIX: ClassVar[str] = "v"

    action: str
    target: int = 0
    arg: int = 0
