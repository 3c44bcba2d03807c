"""`python -m bot import goals FILE.csv`: the municipality's goals, all rows or none.

One row per goal, or per sub-goal: rows with the same resident and ref describe one goal and
each adds its sub-goal. The key of a goal is (resident, ref); a goal that already exists is
never overwritten (staff may have edited it in the chat since): only sub-goals it lacks are
added, so importing the same file again changes nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TextIO, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.goals import (
    EvaluationInterval,
    GoalSource,
    GoalType,
    MandatoryArea,
    ScoringFrequency,
    clean_rationale,
    clean_text,
    next_evaluation_date,
)
from bot.domain.matching import fold
from bot.services.goals import ACTIVE, CONTEXT_KIND, check_dates
from bot.services.imports import IMPORT_DETAIL, ImportResult, LineError, read_csv
from bot.storage.models import DiaryTypeAlias, Goal, Resident, SubGoal
from bot.storage.uow import UnitOfWork
from bot.texts import Locale, plain

GOAL_COLUMNS = (
    "resident_name",
    "resident_birth_date",
    "ref",
    "goal_text",
    "rationale",
    "goal_type",
    "contexts",
    "mandatory_area",
    "start_date",
    "end_date",
    "interval",
)
GOAL_OPTIONAL_COLUMNS = ("sub_goal_text", "sub_goal_method", "scoring_frequency")
CONTEXT_SEPARATOR = ";"
MAX_REF_CHARS = 120  # goal.external_ref
MAX_NAME_CHARS = 80  # resident.display_name

# What may be written in the file, folded (see bot.domain.matching.fold): the stored values
# and the Danish words, so "Udviklingsmål" and "udviklingsmaal" are the same.
GOAL_TYPE_WORDS = {
    "udviklingsmaal": GoalType.UDVIKLINGSMAAL,
    "vedligeholdelsesmaal": GoalType.VEDLIGEHOLDELSESMAAL,
    "andet": GoalType.ANDET,
}
AREA_WORDS = {
    "skole": MandatoryArea.SKOLE,
    "skolegang og uddannelse": MandatoryArea.SKOLE,
    "sociale relationer": MandatoryArea.SOCIALE_RELATIONER,
    "kompetencer til sociale relationer": MandatoryArea.SOCIALE_RELATIONER,
}
FREQUENCY_WORDS = {
    "daily": ScoringFrequency.DAILY,
    "dagligt": ScoringFrequency.DAILY,
    "per shift": ScoringFrequency.PER_SHIFT,
    "hver vagt": ScoringFrequency.PER_SHIFT,
    "weekly": ScoringFrequency.WEEKLY,
    "ugentligt": ScoringFrequency.WEEKLY,
    "none": ScoringFrequency.NONE,
    "ingen": ScoringFrequency.NONE,
    "ingen scoring": ScoringFrequency.NONE,
}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

T = TypeVar("T")


@dataclass
class GoalImportResult(ImportResult):
    """What a goals import did: goals counted in created/updated/unchanged, plus sub-goals.

    updated: existing goals that got new sub-goals. kept: (line, ref) of existing goals whose
    fields in the file differ from the stored ones; they were left as they are.
    """

    sub_goals_created: int = 0
    kept: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SubGoalRow:
    """A sub-goal given on a row."""

    line: int
    text: str
    method: str
    scoring_frequency: ScoringFrequency


@dataclass(frozen=True, slots=True)
class GoalRow:
    """A validated row: the goal's fields and, optionally, one sub-goal."""

    line: int
    resident_name: str
    birth_date: date
    ref: str
    text: str
    rationale: str
    goal_type: GoalType
    contexts: tuple[str, ...]
    mandatory_area: MandatoryArea | None
    start_date: date
    end_date: date
    interval: EvaluationInterval
    sub_goal: SubGoalRow | None

    @property
    def key(self) -> tuple[str, date, str]:
        """The goal's identity in the file: resident (folded name, birth date) and ref."""
        return (fold(self.resident_name), self.birth_date, self.ref)

    @property
    def goal_fields(self) -> tuple[object, ...]:
        """What must agree between rows of one goal."""
        return (
            self.text,
            self.rationale,
            self.goal_type,
            tuple(sorted(fold(c) for c in self.contexts)),
            self.mandatory_area,
            self.start_date,
            self.end_date,
            self.interval,
        )


def _word(value: str, words: dict[str, T], key: str) -> T:
    found = words.get(fold(value))
    if found is None:
        raise InvalidInput(key, value=value)
    return found


def _iso_date(value: str) -> date:
    """Read a date as the other imports do: ISO, 2026-11-23."""
    if not value:
        raise InvalidInput("import.required")
    if not ISO_DATE.match(value):
        raise InvalidInput("import.date_format", value=value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("import.date_format", value=value) from None


def _end_after(start: date, value: str) -> None:
    check_dates(start, _iso_date(value))


def _required(value: str, clean: Callable[[str], T]) -> T:
    if not value.strip():
        raise InvalidInput("import.required")
    return clean(value)


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidInput("import.required")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput("import.too_long", limit=MAX_NAME_CHARS)
    return name


def _ref(value: str) -> str:
    ref = value.strip()
    if not ref:
        raise InvalidInput("import.required")
    if len(ref) > MAX_REF_CHARS:
        raise InvalidInput("import.too_long", limit=MAX_REF_CHARS)
    return ref


def _contexts(value: str) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for part in value.split(CONTEXT_SEPARATOR):
        name = " ".join(part.split())
        if name:
            found.setdefault(fold(name), name)
    if not found:
        raise InvalidInput("import.required")
    return tuple(found.values())


class _Row:
    """Collects the problems of one row, column by column."""

    def __init__(self, cells: dict[str, str], locale: Locale) -> None:
        self.cells = cells
        self.locale = locale
        self.problems: list[str] = []

    def take(self, column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.cells.get(column, ""))
        except InvalidInput as exc:
            self.problems.append(f"{column}: {plain(exc.text_key, self.locale, **exc.params)}")
            return None


def _sub_goal(row: _Row, line: int) -> SubGoalRow | None:
    text = row.cells.get("sub_goal_text", "").strip()
    method = row.cells.get("sub_goal_method", "").strip()
    frequency = row.cells.get("scoring_frequency", "").strip()
    if not text:
        if method or frequency:
            row.problems.append(plain("plans.import_sub_without_text", row.locale))
        return None
    clean = row.take("sub_goal_text", clean_text)
    clean_method = row.take("sub_goal_method", clean_rationale)
    chosen = row.take(
        "scoring_frequency",
        lambda v: _required(v, lambda w: _word(w, FREQUENCY_WORDS, "plans.import_frequency")),
    )
    if clean is None or clean_method is None or chosen is None:
        return None
    return SubGoalRow(line, clean, clean_method, chosen)


def parse_goals(stream: TextIO, *, locale: Locale = "en") -> tuple[list[GoalRow], list[LineError]]:
    """Validate a goals file without the database; collect every error with its line."""
    rows, errors = read_csv(stream, GOAL_COLUMNS, GOAL_OPTIONAL_COLUMNS, locale=locale)
    parsed: list[GoalRow] = []
    first_of_goal: dict[tuple[str, date, str], GoalRow] = {}
    sub_lines: dict[tuple[tuple[str, date, str], str], int] = {}
    for csv_row in rows:
        row = _Row(csv_row.cells, locale)
        name = row.take("resident_name", _name)
        birth = row.take("resident_birth_date", _iso_date)
        ref = row.take("ref", _ref)
        text = row.take("goal_text", clean_text)
        rationale = row.take("rationale", clean_rationale)
        goal_type = row.take(
            "goal_type",
            lambda v: _required(v, lambda w: _word(w, GOAL_TYPE_WORDS, "plans.import_goal_type")),
        )
        contexts = row.take("contexts", _contexts)
        area_text = csv_row.cells.get("mandatory_area", "").strip()
        area = (
            row.take("mandatory_area", lambda v: _word(v, AREA_WORDS, "plans.import_area"))
            if area_text
            else None
        )
        start = row.take("start_date", _iso_date)
        end = row.take("end_date", _iso_date)
        interval = row.take("interval", lambda v: _required(v, EvaluationInterval.parse))
        if start is not None and end is not None:
            row.take("end_date", functools.partial(_end_after, start))
        sub_goal = _sub_goal(row, csv_row.line)
        if row.problems:
            errors.extend((csv_row.line, problem) for problem in row.problems)
            continue
        assert name is not None and birth is not None and ref is not None
        assert text is not None and rationale is not None and goal_type is not None
        assert contexts is not None and start is not None and end is not None
        assert interval is not None
        goal = GoalRow(
            line=csv_row.line,
            resident_name=name,
            birth_date=birth,
            ref=ref,
            text=text,
            rationale=rationale,
            goal_type=goal_type,
            contexts=contexts,
            mandatory_area=area,
            start_date=start,
            end_date=end,
            interval=interval,
            sub_goal=sub_goal,
        )
        first = first_of_goal.setdefault(goal.key, goal)
        if first is not goal and first.goal_fields != goal.goal_fields:
            errors.append(
                (
                    goal.line,
                    plain("plans.import_goal_differs", locale, ref=goal.ref, line=first.line),
                )
            )
            continue
        if sub_goal is not None:
            seen = sub_lines.setdefault((goal.key, sub_goal.text), goal.line)
            if seen != goal.line:
                errors.append((goal.line, plain("plans.import_duplicate_sub", locale, line=seen)))
                continue
        parsed.append(goal)
    errors.sort(key=lambda error: error[0])
    return parsed, errors


def _resident_index(uow: UnitOfWork) -> dict[tuple[str, date], list[Resident]]:
    # Folded in Python: SQLite's lower() leaves Æ, Ø and Å alone.
    index: dict[tuple[str, date], list[Resident]] = {}
    for resident in uow.session.exec(select(Resident)):
        index.setdefault((fold(resident.display_name), resident.birth_date), []).append(resident)
    return index


def _context_index(uow: UnitOfWork) -> dict[str, int]:
    """Map folded names and aliases of the active plan contexts to their diary type ids."""
    types = [t for t, _ in uow.diary_types.active_with_aliases() if t.kind == CONTEXT_KIND]
    index = {fold(t.name): t.id or 0 for t in types}
    ids = set(index.values())
    for alias in uow.session.exec(select(DiaryTypeAlias)):
        if alias.diary_type_id in ids:
            index.setdefault(fold(alias.alias), alias.diary_type_id)
    return index


def _resident_problem(found: list[Resident]) -> str | None:
    """Return why the residents found for a row's name and birth date are not one to use."""
    if not found:
        return "plans.import_no_resident"
    if len(found) > 1:
        return "plans.import_many_residents"
    if found[0].moved_out_on is not None:
        return "plans.import_moved_out"
    return None


@dataclass
class _PlannedGoal:
    first: GoalRow
    resident: Resident
    context_ids: tuple[int, ...]
    existing: Goal | None
    new_subs: list[SubGoalRow] = field(default_factory=list)


def _plan(
    uow: UnitOfWork, rows: list[GoalRow], locale: Locale
) -> tuple[list[_PlannedGoal], list[LineError]]:
    """Match rows to residents, contexts and stored goals; nothing is written here."""
    residents = _resident_index(uow)
    contexts = _context_index(uow)
    planned: dict[tuple[str, date, str], _PlannedGoal] = {}
    errors: list[LineError] = []
    for row in rows:
        goal = planned.get(row.key)
        if goal is None:
            found = residents.get((fold(row.resident_name), row.birth_date), [])
            birth = row.birth_date.isoformat()
            problem = _resident_problem(found)
            if problem is not None:
                errors.append(
                    (row.line, plain(problem, locale, name=row.resident_name, birth=birth))
                )
                continue
            unknown = [c for c in row.contexts if fold(c) not in contexts]
            if unknown:
                errors.extend(
                    (row.line, plain("plans.import_context_unknown", locale, value=c))
                    for c in unknown
                )
                continue
            resident = found[0]
            assert resident.id is not None
            goal = _PlannedGoal(
                first=row,
                resident=resident,
                context_ids=tuple(sorted({contexts[fold(c)] for c in row.contexts})),
                existing=uow.goals.by_external_ref(resident.id, row.ref),
            )
            planned[row.key] = goal
        if row.sub_goal is None:
            continue
        if goal.existing is not None:
            assert goal.existing.id is not None
            stored = {s.text for s in uow.goals.sub_goals_of(goal.existing.id, include_ended=True)}
            if row.sub_goal.text in stored:
                continue
            if goal.existing.status != ACTIVE:
                errors.append((row.line, plain("plans.import_goal_ended", locale, ref=row.ref)))
                continue
        goal.new_subs.append(row.sub_goal)
    return list(planned.values()), errors


def _differs(uow: UnitOfWork, goal: Goal, planned: _PlannedGoal) -> bool:
    row = planned.first
    assert goal.id is not None
    stored_contexts = tuple(sorted(t.id or 0 for t in uow.goals.contexts(goal.id)))
    return (
        goal.text,
        goal.rationale,
        goal.goal_type,
        goal.mandatory_area,
        goal.start_date,
        goal.end_date,
        (goal.interval_count, goal.interval_unit),
        stored_contexts,
    ) != (
        row.text,
        row.rationale,
        row.goal_type.value,
        row.mandatory_area.value if row.mandatory_area else None,
        row.start_date,
        row.end_date,
        (row.interval.count, row.interval.unit.value),
        planned.context_ids,
    )


def import_goals(
    uow: UnitOfWork, clock: Clock, stream: TextIO, *, tz: ZoneInfo, locale: Locale = "en"
) -> GoalImportResult:
    """Create the municipality's goals and sub-goals from a CSV file; nothing if a row is bad."""
    rows, errors = parse_goals(stream, locale=locale)
    if errors:
        return GoalImportResult(errors=errors)
    result = GoalImportResult()
    with uow:
        planned, errors = _plan(uow, rows, locale)
        if errors:
            errors.sort(key=lambda error: error[0])
            return GoalImportResult(errors=errors)
        now = clock.now()
        today = now.astimezone(tz).date()
        for item in planned:
            row, resident = item.first, item.resident
            assert resident.id is not None
            goal = item.existing
            if goal is None:
                goal = uow.goals.add(
                    Goal(
                        resident_id=resident.id,
                        text=row.text,
                        rationale=row.rationale,
                        goal_type=row.goal_type.value,
                        source=GoalSource.KOMMUNE.value,
                        mandatory_area=row.mandatory_area.value if row.mandatory_area else None,
                        start_date=row.start_date,
                        end_date=row.end_date,
                        interval_count=row.interval.count,
                        interval_unit=row.interval.unit.value,
                        next_evaluation_on=next_evaluation_date(row.start_date, row.interval),
                        created_at=now,
                        created_by_id=None,
                        updated_at=now,
                        external_ref=row.ref,
                    )
                )
                assert goal.id is not None
                uow.goals.set_contexts(goal.id, item.context_ids)
                _audit(uow, now, "goal", goal.id, resident.id)
                result.created += 1
            else:
                if _differs(uow, goal, item):
                    result.kept.append((row.line, row.ref))
                if item.new_subs:
                    result.updated += 1
                else:
                    result.unchanged += 1
            assert goal.id is not None
            # A sub-goal starts when it enters the plan here (not back at the goal's start):
            # its scores and response rate count from the day it can be worked with.
            sub_start = max(today, goal.start_date)
            interval = EvaluationInterval(goal.interval_count, goal.interval_unit)  # type: ignore[arg-type]
            for sub in item.new_subs:
                added = uow.goals.add_sub_goal(
                    SubGoal(
                        goal_id=goal.id,
                        text=sub.text,
                        rationale="",
                        method=sub.method,
                        scoring_frequency=sub.scoring_frequency.value,
                        start_date=sub_start,
                        next_evaluation_on=next_evaluation_date(sub_start, interval),
                        created_at=now,
                        created_by_id=None,
                        updated_at=now,
                    )
                )
                _audit(uow, now, "sub_goal", added.id, resident.id)
                result.sub_goals_created += 1
        uow.commit()
    return result


def _audit(uow: UnitOfWork, now: datetime, entity: str, entity_id: int | None, rid: int) -> None:
    uow.audit.record(
        at=now,
        actor_id=None,
        action="create",
        entity=entity,
        entity_id=entity_id,
        resident_id=rid,
        detail=IMPORT_DETAIL,
    )
