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

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from bot.reminders.rules import (
    ACTIONS,
    INFORMATIONAL,
    RULE_ACCESS_ENDS,
    RULE_MANDATORY_GOALS,
    RULE_REPORT_DRAFT,
    RULE_STATUS_MEETING,
    DueItem,
    Window,
    window,
)

HEADS_UP_DAYS = 7
# The kontaktteam needs more than a week to write a status report; a meeting must be planned
# six weeks ahead for its chain (report 21 days before) to be met; a missing mandatory goal
# has a fixed, long-past date for most residents, so a heads-up would say nothing.
HEADS_UP_BY_RULE: dict[str, int] = {
    RULE_REPORT_DRAFT: 14,
    RULE_STATUS_MEETING: 42,
    RULE_MANDATORY_GOALS: 0,
    RULE_ACCESS_ENDS: 3,  # the substitute is told 3 days before their last day
}
# An informational item (the 18th birthday) stays at its `due` stage this many days, so one
# that falls on a day the person gets nothing (a weekend) still reaches them after it.
INFORMATIONAL_DAYS = 7
OVERDUE_EVERY_DAYS = 3
ESCALATE_AFTER_DAYS = 7

HEADS_UP = "heads_up"
DUE = "due"
OVERDUE = "overdue"
ESCALATION = "escalation"
WEEKLY = "weekly"
# `Udsæt`: when a snooze ends the item comes once more, whatever its stage, under a key of
# its own (`again` + the snooze's last day as an ordinal), so an already-sent stage is no bar.
AGAIN = "again"

# The order in which a digest shows one item's stages: the latest wins.
_RANK = {HEADS_UP: 0, DUE: 1, OVERDUE: 2, ESCALATION: 3, AGAIN: 4, WEEKLY: 5}


def heads_up_days(rule: str) -> int:
    """Return how many days before the due date the rule's heads-up comes."""
    return HEADS_UP_BY_RULE.get(rule, HEADS_UP_DAYS)


def max_heads_up_days() -> int:
    """Return the longest heads-up of any rule: how far ahead the sweep must look."""
    return max(HEADS_UP_DAYS, *HEADS_UP_BY_RULE.values())


def reminder_window(today: date) -> Window:
    """Return the items that can give a reminder today: the overdue ones, and those due
    within their rule's heads-up (one due later has no stage yet, see stage_on)."""
    return window(today, max_heads_up_days(), {rule: heads_up_days(rule) for rule in ACTIONS})


def stage_on(rule: str, due: date, today: date) -> str | None:
    """Return the item's stage for its responsible people on a day, or None (not yet)."""
    days = (today - due).days
    if days < 0:
        return HEADS_UP if -days <= heads_up_days(rule) else None
    if days == 0:
        return DUE
    if rule in INFORMATIONAL:
        return DUE if days <= INFORMATIONAL_DAYS else None
    return f"{OVERDUE}{(days - 1) // OVERDUE_EVERY_DAYS}"


def escalates(rule: str, due: date, today: date) -> bool:
    """Tell whether the item is far enough overdue to go to the afdelingsleder."""
    return rule not in INFORMATIONAL and (today - due).days >= ESCALATE_AFTER_DAYS


def stage_kind(stage: str) -> str:
    """Return the stage without its number (`overdue3` → `overdue`, `again739000` → `again`)."""
    for numbered in (OVERDUE, AGAIN):
        if stage.startswith(numbered):
            return numbered
    return stage


def stage_rank(stage: str) -> tuple[int, int]:
    """Order stages: heads-up < due < overdue0 < overdue1 < ... < escalation < again."""
    kind = stage_kind(stage)
    number = int(stage[len(kind) :]) if kind in (OVERDUE, AGAIN) else 0
    return _RANK[kind], number


def again_stage(until: date) -> str:
    """Return the stage of the one reminder that follows a snooze ending on `until`."""
    return f"{AGAIN}{until.toordinal()}"


class Delivery(NamedTuple):
    """One reminder for one person: the ledger's unique key plus what the digest shows.

    A named tuple, not a frozen dataclass: a sweep makes ~9 of them a resident, and a tuple is
    built several times faster.
    """

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


Snoozes = frozenset[tuple[str, str, date, int]]


def deliveries(
    item: DueItem,
    today: date,
    leaders: tuple[int, ...],
    snoozed: Snoozes = frozenset(),
    ended: Mapping[tuple[str, str, date, int], date] | None = None,
) -> list[Delivery]:
    """Return the reminders an item gives today: its stage to each responsible person, and
    the escalation to each leader once it is 7 days overdue. A person who snoozed the item
    gets nothing until the snooze ends (`snoozed`), then one reminder more (`ended`: the
    last day of each snooze that has run out)."""
    rule = item.rule
    subject = item.subject
    due = item.due
    resident = item.resident_id
    stage = stage_on(rule, due, today)
    if stage is None:
        return []
    found = [Delivery(rule, subject, due, stage, person, resident) for person in item.responsible]
    if escalates(rule, due, today):
        found += [Delivery(rule, subject, due, ESCALATION, leader, resident) for leader in leaders]
    if not snoozed and not ended:
        return found
    kept: list[Delivery] = []
    for delivery in found:
        key = (rule, subject, due, delivery.recipient_id)
        if key in snoozed:
            continue
        kept.append(delivery)
        if ended and key in ended:
            again = again_stage(ended[key])
            kept.append(Delivery(rule, subject, due, again, delivery.recipient_id, resident))
    return kept
