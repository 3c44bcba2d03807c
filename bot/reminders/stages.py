"""Pure delivery stages: which reminder an item is at on a day, and who gets it (issue 4 §3).

- heads-up: from `heads_up_days` before the due date (7 unless the rule says otherwise);
- due: on the due date;
- overdue: the day after, then every 3 days (stages `overdue0`, `overdue1`, ...: a new stage,
  hence a new reminder, on days 1, 4, 7, ... after the due date);
- escalation: to the department's afdelingsleder(e), once, from 7 days overdue.
An informational item (the 18th birthday) has a heads-up and a due reminder only.

A stage is part of the ledger's unique key, so each stage reaches a person at most once; a
stage missed while the bot was down is not sent late: the current one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.reminders.rules import (
    INFORMATIONAL,
    RULE_MANDATORY_GOALS,
    RULE_REPORT_DRAFT,
    DueItem,
)

HEADS_UP_DAYS = 7
# The kontaktteam needs more than a week to write a status report; a missing mandatory goal
# has a fixed, long-past date for most residents, so a heads-up would say nothing.
HEADS_UP_BY_RULE: dict[str, int] = {RULE_REPORT_DRAFT: 14, RULE_MANDATORY_GOALS: 0}
OVERDUE_EVERY_DAYS = 3
ESCALATE_AFTER_DAYS = 7

HEADS_UP = "heads_up"
DUE = "due"
OVERDUE = "overdue"
ESCALATION = "escalation"
WEEKLY = "weekly"

# The order in which a digest shows one item's stages: the latest wins.
_RANK = {HEADS_UP: 0, DUE: 1, OVERDUE: 2, ESCALATION: 3, WEEKLY: 4}


def heads_up_days(rule: str) -> int:
    """Return how many days before the due date the rule's heads-up comes."""
    return HEADS_UP_BY_RULE.get(rule, HEADS_UP_DAYS)


def max_heads_up_days() -> int:
    """Return the longest heads-up of any rule: how far ahead the sweep must look."""
    return max(HEADS_UP_DAYS, *HEADS_UP_BY_RULE.values())


def stage_on(rule: str, due: date, today: date) -> str | None:
    """Return the item's stage for its responsible people on a day, or None (not yet)."""
    days = (today - due).days
    if days < 0:
        return HEADS_UP if -days <= heads_up_days(rule) else None
    if days == 0:
        return DUE
    if rule in INFORMATIONAL:
        return None
    return f"{OVERDUE}{(days - 1) // OVERDUE_EVERY_DAYS}"


def escalates(rule: str, due: date, today: date) -> bool:
    """Tell whether the item is far enough overdue to go to the afdelingsleder."""
    return rule not in INFORMATIONAL and (today - due).days >= ESCALATE_AFTER_DAYS


def stage_kind(stage: str) -> str:
    """Return the stage without its overdue number (`overdue3` → `overdue`)."""
    return OVERDUE if stage.startswith(OVERDUE) else stage


def stage_rank(stage: str) -> tuple[int, int]:
    """Order stages: heads-up < due < overdue0 < overdue1 < ... < escalation."""
    kind = stage_kind(stage)
    number = int(stage[len(OVERDUE) :]) if kind == OVERDUE else 0
    return _RANK[kind], number


@dataclass(frozen=True, slots=True)
class Delivery:
    """One reminder for one person: the ledger's unique key plus what the digest shows."""

    rule: str
    subject: str
    due: date
    stage: str
    recipient_id: int
    resident_id: int | None

    @property
    def key(self) -> tuple[str, str, date, str, int]:
        """The ledger's unique key."""
        return self.rule, self.subject, self.due, self.stage, self.recipient_id


def deliveries(
    item: DueItem,
    today: date,
    leaders: tuple[int, ...],
    snoozed: frozenset[tuple[str, str, date, int]] = frozenset(),
) -> list[Delivery]:
    """Return the reminders an item gives today: its stage to each responsible person, and
    the escalation to each leader once it is 7 days overdue; snoozed people get nothing."""
    stage = stage_on(item.rule, item.due, today)
    if stage is None:
        return []
    found: list[Delivery] = []
    for person in item.responsible:
        if (item.rule, item.subject, item.due, person) not in snoozed:
            found.append(
                Delivery(item.rule, item.subject, item.due, stage, person, item.resident_id)
            )
    if escalates(item.rule, item.due, today):
        for leader in leaders:
            if (item.rule, item.subject, item.due, leader) not in snoozed:
                found.append(
                    Delivery(
                        item.rule, item.subject, item.due, ESCALATION, leader, item.resident_id
                    )
                )
    return found
