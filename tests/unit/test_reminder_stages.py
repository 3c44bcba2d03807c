"""The delivery stages: heads-up, due, overdue every 3 days, escalation after 7 days."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from bot.reminders.rules import (
    RULE_BIRTHDAY_18,
    RULE_DPU,
    RULE_MANDATORY_GOALS,
    RULE_REPORT_DRAFT,
    DueItem,
)
from bot.reminders.stages import (
    AGAIN,
    ESCALATION,
    HEADS_UP,
    OVERDUE,
    WEEKLY,
    again_stage,
    deliveries,
    escalates,
    max_heads_up_days,
    stage_kind,
    stage_on,
    stage_rank,
)

DUE = date(2027, 3, 31)


def day(offset: int) -> date:
    return DUE + timedelta(days=offset)


@pytest.mark.parametrize(
    ("rule", "offset", "expected"),
    [
        (RULE_DPU, -8, None),
        (RULE_DPU, -7, "heads_up"),
        (RULE_DPU, -1, "heads_up"),
        (RULE_DPU, 0, "due"),
        (RULE_DPU, 1, "overdue0"),
        (RULE_DPU, 3, "overdue0"),
        (RULE_DPU, 4, "overdue1"),
        (RULE_DPU, 7, "overdue2"),
        (RULE_DPU, 100, "overdue33"),
        (RULE_REPORT_DRAFT, -15, None),
        (RULE_REPORT_DRAFT, -14, "heads_up"),
        (RULE_MANDATORY_GOALS, -1, None),
        (RULE_MANDATORY_GOALS, 0, "due"),
        (RULE_BIRTHDAY_18, -7, "heads_up"),
        (RULE_BIRTHDAY_18, 0, "due"),
        (RULE_BIRTHDAY_18, 1, "due"),  # stays at `due` a week: a birthday on a day off
        (RULE_BIRTHDAY_18, 7, "due"),
        (RULE_BIRTHDAY_18, 8, None),
    ],
)
def test_stage_on(rule: str, offset: int, expected: str | None) -> None:
    assert stage_on(rule, DUE, day(offset)) == expected


def test_a_new_overdue_stage_comes_every_third_day_only() -> None:
    stages = [stage_on(RULE_DPU, DUE, day(n)) for n in range(1, 11)]
    changes = [n for n, (a, b) in enumerate(itertools.pairwise(stages), 2) if a != b]
    assert changes == [4, 7, 10]


@pytest.mark.parametrize(
    ("rule", "offset", "expected"),
    [
        (RULE_DPU, 6, False),
        (RULE_DPU, 7, True),
        (RULE_DPU, 30, True),
        (RULE_BIRTHDAY_18, 30, False),
    ],
)
def test_escalates(rule: str, offset: int, expected: bool) -> None:
    assert escalates(rule, DUE, day(offset)) is expected


@pytest.mark.parametrize(
    ("stage", "kind"),
    [
        ("heads_up", HEADS_UP),
        ("due", "due"),
        ("overdue0", OVERDUE),
        ("overdue33", OVERDUE),
        ("escalation", ESCALATION),
        ("weekly", WEEKLY),
        (again_stage(date(2027, 3, 4)), AGAIN),
        ("again1", AGAIN),
    ],
)
def test_stage_kind(stage: str, kind: str) -> None:
    assert stage_kind(stage) == kind


def test_again_stage_names_the_snoozes_last_day() -> None:
    assert again_stage(date(2027, 3, 4)) == f"again{date(2027, 3, 4).toordinal()}"
    assert again_stage(date(2027, 3, 4)) != again_stage(date(2027, 3, 5))


def test_stage_rank_orders_the_stages() -> None:
    order = [
        "heads_up",
        "due",
        "overdue0",
        "overdue1",
        "overdue12",
        ESCALATION,
        again_stage(date(2027, 3, 4)),
        again_stage(date(2027, 3, 11)),
        WEEKLY,
    ]
    assert all(stage_rank(a) < stage_rank(b) for a, b in itertools.pairwise(order))
    assert stage_rank("overdue2") < stage_rank("overdue10")
    # By number, not by text: a snooze that ended later ranks later.
    assert stage_rank("again99") < stage_rank("again100")


def test_the_sweep_looks_as_far_ahead_as_the_longest_heads_up() -> None:
    assert max_heads_up_days() == 42  # a status meeting is to be planned six weeks ahead


def item(rule: str = RULE_DPU, responsible: tuple[int, ...] = (1, 2)) -> DueItem:
    return DueItem(rule, "resident:5", DUE, responsible, f"reminders.{rule}", {}, 5)


def test_deliveries_go_to_each_responsible_person() -> None:
    found = deliveries(item(), day(0), leaders=(9,))
    assert [(d.recipient_id, d.stage) for d in found] == [(1, "due"), (2, "due")]
    assert {d.resident_id for d in found} == {5}


def test_escalation_adds_the_leaders_once_a_week_overdue() -> None:
    found = deliveries(item(), day(7), leaders=(9, 10))
    assert [(d.recipient_id, d.stage) for d in found] == [
        (1, "overdue2"),
        (2, "overdue2"),
        (9, ESCALATION),
        (10, ESCALATION),
    ]
    # The escalation's key has no day in it: it reaches each leader once however long it lasts.
    later = deliveries(item(), day(20), leaders=(9,))
    assert {d.key for d in found if d.recipient_id == 9} == {
        d.key for d in later if d.recipient_id == 9
    }


def test_a_snooze_silences_one_person_only() -> None:
    snoozed = frozenset({(RULE_DPU, "resident:5", DUE, 2), (RULE_DPU, "resident:5", DUE, 9)})
    found = deliveries(item(), day(8), leaders=(9,), snoozed=snoozed)
    assert [(d.recipient_id, d.stage) for d in found] == [(1, "overdue2")]


def test_nothing_before_the_heads_up() -> None:
    assert deliveries(item(), day(-30), leaders=(9,)) == []


DUE_KEY = (RULE_DPU, "resident:5", DUE)


def test_a_snooze_that_ended_brings_the_item_once_more_under_a_stage_of_its_own() -> None:
    until = day(2)
    ended = {(*DUE_KEY, 2): until}
    found = deliveries(item(), day(5), leaders=(9,), ended=ended)
    assert [(d.recipient_id, d.stage) for d in found] == [
        (1, "overdue1"),
        (2, "overdue1"),
        (2, again_stage(until)),
    ]
    again = found[-1]
    assert again.key == (RULE_DPU, "resident:5", DUE, again_stage(until), 2)
    assert again.resident_id == 5
    # The same on every later day: one key, so one reminder however long the sweep runs.
    later = deliveries(item(), day(6), leaders=(9,), ended=ended)
    assert again.key in {d.key for d in later}


def test_a_snooze_that_ended_also_brings_a_leaders_escalation_once_more() -> None:
    until = day(8)
    found = deliveries(item(), day(9), leaders=(9,), ended={(*DUE_KEY, 9): until})
    assert [(d.recipient_id, d.stage) for d in found] == [
        (1, "overdue2"),
        (2, "overdue2"),
        (9, ESCALATION),
        (9, again_stage(until)),
    ]


def test_a_running_snooze_wins_over_one_that_ended() -> None:
    """Snoozed again after the first snooze ended: nothing until the new one ends."""
    key = (*DUE_KEY, 2)
    found = deliveries(item(), day(5), leaders=(9,), snoozed=frozenset({key}), ended={key: day(2)})
    assert [(d.recipient_id, d.stage) for d in found] == [(1, "overdue1")]


def test_an_ended_snooze_brings_nothing_when_the_item_has_no_stage_today() -> None:
    assert deliveries(item(), day(-30), leaders=(9,), ended={(*DUE_KEY, 1): day(-31)}) == []
    birthday = item(RULE_BIRTHDAY_18)
    ended = {(RULE_BIRTHDAY_18, "resident:5", DUE, 1): day(1)}
    assert deliveries(birthday, day(8), leaders=(9,), ended=ended) == []
