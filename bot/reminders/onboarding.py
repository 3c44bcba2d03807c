"""Substitute onboarding through the reminder engine (issue 5 §3): pure, like bot.reminders.rules.

- A step the substitute does (`onboarding_step`) reminds the substitute, with the usual
  stages: heads-up 7 days before, on the day, then every 3 days; from 7 days overdue it is
  escalated to the afdelingsledere of the substitute's departments.
- A step a leader confirms (`onboarding_confirm`) reminds those leaders.
- `access_ends`: the substitute is told 3 days before, and on, their last day of access.
Overdue steps of both kinds are in the leaders' weekly overview (under "Vikar NAME").
Items have no resident (resident_id 0): the subject is the step (`onboarding_step:<id>`) or the
substitute (`staff:<id>`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.goals import format_date
from bot.domain.onboarding import StepOwner
from bot.reminders.rules import (
    RULE_ACCESS_ENDS,
    RULE_ONBOARDING_CONFIRM,
    RULE_ONBOARDING_STEP,
    DueItem,
)


@dataclass(frozen=True, slots=True)
class StepFact:
    """An open step of a substitute who has access (bot.storage OpenStep, without storage)."""

    step_id: int
    staff_id: int
    name: str
    title: str
    owner: StepOwner
    due_on: date
    department_ids: tuple[int, ...]


def leaders_of(
    department_ids: Sequence[int], leaders: Mapping[int, tuple[int, ...]]
) -> tuple[int, ...]:
    """The afdelingsledere of the substitute's departments, each once."""
    return tuple(dict.fromkeys(p for d in department_ids for p in leaders.get(d, ())))


def step_item(step: StepFact, leaders: Mapping[int, tuple[int, ...]]) -> DueItem:
    """Return the reminder item of an open onboarding step."""
    own = step.owner is StepOwner.VIKAR
    rule = RULE_ONBOARDING_STEP if own else RULE_ONBOARDING_CONFIRM
    return DueItem(
        rule,
        f"onboarding_step:{step.step_id}",
        step.due_on,
        (step.staff_id,) if own else leaders_of(step.department_ids, leaders),
        f"reminders.{rule}",
        {"name": step.name, "step": step.title, "date": format_date(step.due_on)},
        0,
    )


def access_item(staff_id: int, name: str, last_day: date) -> DueItem:
    """Return the item that tells a substitute their access is about to end."""
    return DueItem(
        RULE_ACCESS_ENDS,
        f"staff:{staff_id}",
        last_day,
        (staff_id,),
        f"reminders.{RULE_ACCESS_ENDS}",
        {"name": name, "date": format_date(last_day)},
        0,
    )
