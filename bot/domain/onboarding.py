"""Substitute onboarding (issue 5): the checklist, its due dates, and what gates the briefs.

Pure: no database, no Telegram, no clock (the caller passes `today`).

Decisions taken here (pinned by tests/unit/test_onboarding.py):
- A step's due date is the substitute's start date plus the step's offset in days (negative
  offsets are steps to finish before the first shift). A recurring step (the vikarmøde, twice
  a year) gets its next occurrence `recurs_months` after the previous one's due date, created
  when the previous one is done: there is always exactly one open occurrence.
- A substitute's steps are a snapshot of the facility's checklist on the day they joined: a
  later edit of the checklist does not move the steps of someone already started (what they
  were told stays true); it applies to the next substitute.
- Steps owned by the leader are confirmed by a leader (the intro, the agency check ...); the
  substitute sees them as "waiting for the leader".
- Briefs on residents open once every step that gates them is done (first occurrence).
- Access lasts up to and including its end date (`access_ends_on`); from the day after, the
  substitute sees nothing (bot.domain.access.Actor.has_access).
- The agency-only step (the leader's check of conflict management, use-of-force rules and
  self-determination knowledge, 003 annex A point 4) is given only to agency substitutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.goals import add_months

MAX_CODE_CHARS = 32
MAX_TITLE_CHARS = 120
MAX_DESCRIPTION_CHARS = 500
MAX_DUE_DAYS = 366  # a step more than a year from the start date is not onboarding
MAX_RECUR_MONTHS = 24
MAX_STEPS = 40
# Substitutes are invited for a stretch of work; a leader extends access when it goes on.
MAX_ACCESS_DAYS = 366
# A substitute who already started may be invited late, but not for a start long past; an
# invite for a start more than a year ahead is a typo.
START_DAYS_BACK = 30
START_DAYS_AHEAD = 366
CODE = re.compile(r"^[a-z0-9_]+$")

# The step whose completion is reading the brief of every assigned resident (DOMAIN.md step 7).
BRIEF_STEP_KIND = "brief"
TASK_STEP_KIND = "task"


class StepOwner(StrEnum):
    """Who completes a step: the substitute, or a leader who confirms it."""

    VIKAR = "vikar"
    LEDER = "leder"


class StepStatus(StrEnum):
    """Where a step stands for the people looking at it."""

    DONE = "done"
    OVERDUE = "overdue"
    DUE = "due"  # due today
    UPCOMING = "upcoming"


@dataclass(frozen=True, slots=True)
class StepTemplate:
    """One step of the facility's checklist."""

    code: str
    title: str
    description: str
    owner: StepOwner
    due_days: int
    gates_briefs: bool = False
    recurs_months: int | None = None
    agency_only: bool = False
    kind: str = TASK_STEP_KIND


# The default checklist of DOMAIN.md (Substitutes), from seed 003 and its annex A. Offsets are
# days from the start date: what gives insight before meeting the residents is due by day 0
# and gates the briefs; courses and e-learning that take longer follow in the first weeks.
DEFAULT_CHECKLIST: tuple[StepTemplate, ...] = (
    StepTemplate(
        "bureau_tjek",
        "Bureauvikar: kompetencer bekræftet",
        "Lederen bekræfter, at konflikthåndtering, reglerne om magtanvendelse og viden om "
        "selvbestemmelse er opdateret (bilag A, punkt 4).",
        StepOwner.LEDER,
        0,
        gates_briefs=True,
        agency_only=True,
    ),
    StepTemplate(
        "introforloeb",
        "Introforløb for tilkaldevikarer",
        "Målgruppen, tilbuddets metoder og tilgange.",
        StepOwner.LEDER,
        0,
        gates_briefs=True,
    ),
    StepTemplate(
        "regler",
        "Læst: selv- og medbestemmelse, forebyggelse af overgreb, alenearbejde",
        "Tilbuddets retningslinjer om selv- og medbestemmelsesret, forebyggelse af overgreb "
        "og regler for alenearbejde.",
        StepOwner.VIKAR,
        0,
        gates_briefs=True,
    ),
    StepTemplate(
        "voksenansvar",
        "E-learning: Lov om voksenansvar",
        "Reglerne om magtanvendelse og andre indgreb i selvbestemmelsesretten.",
        StepOwner.VIKAR,
        0,
        gates_briefs=True,
    ),
    StepTemplate(
        "overlevering",
        "Overlevering: læs briefen om hver beboer",
        "Aktuelle mål, delmål og indsatser for de beboere, du skal arbejde med. Markeres "
        "udført, når du har trykket Læst på alle.",
        StepOwner.VIKAR,
        1,
        kind=BRIEF_STEP_KIND,
    ),
    StepTemplate(
        "foel",
        "Føl-dage med en fastansat kollega",
        "Følg en fast medarbejder hos beboerne, før du arbejder alene.",
        StepOwner.VIKAR,
        7,
    ),
    StepTemplate(
        "dokumentation",
        "E-learning: Dokumentation",
        "Hvordan vi dokumenterer i dagbog og journal.",
        StepOwner.VIKAR,
        14,
    ),
    StepTemplate(
        "konflikt",
        "Konflikthåndtering (kursus)",
        "Lederen bekræfter, at kurset er gennemført.",
        StepOwner.LEDER,
        60,
    ),
    StepTemplate(
        "vikarmoede",
        "Vikarmøde",
        "Vikarmøder holdes to gange om året.",
        StepOwner.LEDER,
        90,
        recurs_months=6,
    ),
)


@dataclass(frozen=True, slots=True)
class StepFacts:
    """One step given to a substitute, as stored."""

    id: int
    code: str
    title: str
    description: str
    owner: StepOwner
    gates_briefs: bool
    kind: str
    occurrence: int
    due_on: date
    done_on: date | None = None
    done_by_id: int | None = None

    @property
    def done(self) -> bool:
        """Tell whether the step is done."""
        return self.done_on is not None


def applies(template: StepTemplate, *, agency: bool) -> bool:
    """Tell whether a checklist step is given to this substitute."""
    return agency or not template.agency_only


def first_due(starts_on: date, due_days: int) -> date:
    """Return the due date of a step's first occurrence."""
    return date.fromordinal(starts_on.toordinal() + due_days)


def next_due(previous_due: date, recurs_months: int) -> date:
    """Return the due date of a recurring step's next occurrence."""
    return add_months(previous_due, recurs_months)


def status(step: StepFacts, today: date) -> StepStatus:
    """Return where a step stands today."""
    if step.done:
        return StepStatus.DONE
    if step.due_on < today:
        return StepStatus.OVERDUE
    if step.due_on == today:
        return StepStatus.DUE
    return StepStatus.UPCOMING


def missing_gates(steps: Iterable[StepFacts]) -> list[StepFacts]:
    """Return the gating steps not yet done (their first occurrence decides)."""
    return [s for s in steps if s.gates_briefs and s.occurrence == 1 and not s.done]


def briefs_open(steps: Iterable[StepFacts]) -> bool:
    """Tell whether the substitute may read briefs: every gating step is done."""
    return not missing_gates(steps)


def overdue(steps: Iterable[StepFacts], today: date) -> list[StepFacts]:
    """Return the steps not done whose due date has passed, oldest first."""
    return sorted((s for s in steps if not s.done and s.due_on < today), key=lambda s: s.due_on)


def access_days_left(access_ends_on: date | None, today: date) -> int | None:
    """Return the days of access left after today (0: today is the last), or None: no end."""
    if access_ends_on is None:
        return None
    return (access_ends_on - today).days


def validate_start(starts_on: date, today: date) -> str | None:
    """Return a text key saying why a start date cannot be used, or None."""
    if (today - starts_on).days > START_DAYS_BACK:
        return "onboarding.start_too_early"
    if (starts_on - today).days > START_DAYS_AHEAD:
        return "onboarding.start_too_late"
    return None


def validate_access_end(starts_on: date, ends_on: date, today: date) -> str | None:
    """Return a text key saying why an access end date cannot be used, or None."""
    if ends_on < today:
        return "onboarding.end_in_past"
    if ends_on < starts_on:
        return "onboarding.end_before_start"
    if (ends_on - max(starts_on, today)).days > MAX_ACCESS_DAYS:
        return "onboarding.end_too_far"
    return None
