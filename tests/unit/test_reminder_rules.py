"""Reminder rules (issue 4 §1): table tests with real calendar edges."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.domain.goals import EvaluationInterval, IntervalUnit, add_months
from bot.reminders import rules
from bot.reminders.rules import (
    DueItem,
    GoalFacts,
    ResidentFacts,
    cycle_due,
    due_items,
    eighteenth_birthday,
    goal_due_date,
)

TEAM = (11, 12)
LEADERS = (21, 12)  # 12 is in both: listed once, in the team's place
BOTH = (11, 12, 21)
MONTHS_3 = EvaluationInterval(3, IntervalUnit.MONTHS)
MONTH_1 = EvaluationInterval(1, IntervalUnit.MONTHS)
WEEKS_13 = EvaluationInterval(13, IntervalUnit.WEEKS)
D = date


def goal(**changes: object) -> GoalFacts:
    base = GoalFacts(
        id=7,
        kind="goal",
        text="Går selv i skole",
        created_on=D(2026, 8, 31),
        last_evaluated_on=None,
        next_evaluation_on=None,
        interval=MONTHS_3,
        active=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def resident(**changes: object) -> ResidentFacts:
    base = ResidentFacts(
        resident_id=3,
        name="Ida",
        birth_date=D(2012, 5, 10),
        enrolment_date=D(2025, 1, 10),
        department_id=1,
        contact_team_ids=(11, 12),
        leader_ids=(21, 12),
        last_status_meeting=D(2026, 9, 1),
        next_status_meeting=D(2027, 3, 1),
        last_ipel_evaluation=D(2026, 9, 1),
        last_komm_evaluation=D(2026, 9, 1),
        last_dpu=D(2026, 1, 5),
        kompas_started=D(2025, 7, 10),
        last_samarbejdsaftale=D(2026, 9, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def by_rule(items: list[DueItem], rule: str) -> list[DueItem]:
    return [item for item in items if item.rule == rule]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 8, 31), 3, D(2026, 11, 30)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 2, 29), 6, D(2024, 8, 29)),
        (D(2026, 11, 30), -12, D(2025, 11, 30)),
    ],
)
def test_month_arithmetic_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, D(2026, 11, 30)),  # created 31 August + 3 months
        ({"last_evaluated_on": D(2026, 1, 31), "interval": MONTH_1},
         D(2026, 2, 28)),
        ({"last_evaluated_on": D(2026, 11, 30), "interval": WEEKS_13},
         D(2027, 2, 28)),  # 13 weeks would be 1 March: the 3-month ceiling wins
        ({"interval": EvaluationInterval(2, IntervalUnit.WEEKS)}, D(2026, 9, 14)),
        ({"next_evaluation_on": D(2026, 10, 1)}, D(2026, 10, 1)),
        ({"next_evaluation_on": D(2027, 1, 15)}, D(2026, 11, 30)),  # never later than + 3 months
        ({"created_on": D(2024, 2, 29)}, D(2024, 5, 29)),
        ({"created_on": D(2023, 11, 29)}, D(2024, 2, 29)),
    ],
)  # fmt: skip
def test_goal_due_date(changes: dict[str, object], expected: date) -> None:
    assert goal_due_date(goal(**changes)) == expected


def test_goal_and_sub_goal_items_go_to_the_kontaktteam() -> None:
    facts = resident(
        goals=(
            goal(),
            goal(id=8, kind="sub_goal", text="Smører madpakke", created_on=D(2026, 9, 15)),
        )
    )
    items = [i for i in due_items(facts, D(2026, 11, 1)) if not i.subject.startswith("resident")]
    assert [(i.rule, i.subject, i.due, i.responsible, i.title_key) for i in items] == [
        ("goal_evaluation", "goal:7", D(2026, 11, 30), TEAM, "reminders.goal_evaluation"),
        ("sub_goal_evaluation", "sub_goal:8", D(2026, 12, 15), TEAM,
         "reminders.sub_goal_evaluation"),
    ]  # fmt: skip
    assert items[0].params == {"name": "Ida", "date": "30.11.2026", "text": "Går selv i skole"}
    assert items[0].key == ("goal_evaluation", "goal:7", D(2026, 11, 30))


def test_an_ended_goal_yields_nothing() -> None:
    facts = resident(goals=(goal(active=False),))
    items = due_items(facts, D(2027, 6, 1), horizon_days=3650)
    assert [item for item in items if item.subject.startswith(("goal:", "sub_goal:"))] == []


# Born 15 June 2009: 18 on 15 June 2027.
BORN = D(2009, 6, 15)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (D(2026, 6, 1), D(2026, 12, 1)),  # plainly a child: + 6 months
        (D(2026, 11, 15), D(2027, 5, 15)),  # + 6 still before the birthday: child rhythm
        (D(2026, 12, 14), D(2027, 6, 14)),  # due the day before the birthday: still a child
        (D(2026, 12, 15), D(2027, 12, 15)),  # due on the birthday: adult rhythm
        (D(2027, 2, 15), D(2028, 2, 15)),  # 4 months before 18: + 6 would be an adult's, so + 12
        (D(2027, 8, 31), D(2028, 8, 31)),  # an adult: + 12 months
        (D(2026, 8, 31), D(2027, 2, 28)),  # month end, child
    ],
)
def test_cycle_uses_the_frequency_that_applies_on_the_due_date(base: date, expected: date) -> None:
    assert cycle_due(base, BORN) == expected


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (D(2009, 6, 15), D(2027, 6, 15)),
        (D(2008, 2, 29), D(2026, 3, 1)),  # common year: 1 March, as age_on
        (D(2004, 2, 29), D(2022, 3, 1)),
    ],
)
def test_eighteenth_birthday(born: date, expected: date) -> None:
    assert eighteenth_birthday(born) == expected


def test_18th_birthday_between_two_status_meetings_switches_the_frequency() -> None:
    facts = resident(
        birth_date=BORN, last_status_meeting=D(2027, 2, 15), next_status_meeting=None,
        last_ipel_evaluation=D(2027, 2, 15), last_komm_evaluation=D(2026, 11, 15),
    )  # fmt: skip
    items = due_items(facts, D(2027, 2, 20), horizon_days=400)
    assert [i.due for i in by_rule(items, "status_meeting")] == [D(2028, 2, 15)]
    assert by_rule(items, "status_meeting")[0].responsible == LEADERS
    assert [i.due for i in by_rule(items, "ipel_evaluation")] == [D(2028, 2, 15)]
    assert [i.due for i in by_rule(items, "komm_evaluation")] == [D(2027, 5, 15)]


def test_status_cycle_counts_from_enrolment_without_a_last_meeting() -> None:
    facts = resident(
        enrolment_date=D(2026, 8, 31), last_status_meeting=None, next_status_meeting=None
    )
    items = due_items(facts, D(2027, 1, 15))
    assert [i.due for i in by_rule(items, "status_meeting")] == [D(2027, 2, 28)]
    assert by_rule(items, "minutes_written") == []


@pytest.mark.parametrize(
    ("rule", "due", "responsible"),
    [
        ("report_draft", D(2026, 3, 25), TEAM),  # 21 days before, across the summer-time change
        ("report_approved", D(2026, 3, 30), LEADERS),
        ("sent_to_caseworker", D(2026, 4, 1), TEAM),
        ("minutes_written", D(2026, 4, 22), TEAM),
    ],
)
def test_report_stages_around_a_scheduled_meeting(
    rule: str, due: date, responsible: tuple[int, ...]
) -> None:
    facts = resident(last_status_meeting=D(2025, 10, 15), next_status_meeting=D(2026, 4, 15))
    items = by_rule(due_items(facts, D(2026, 3, 1)), rule)
    meeting_items = [i for i in items if i.params["meeting"] == "15.4.2026"]
    assert [(i.due, i.responsible, i.title_key) for i in meeting_items] == [
        (due, responsible, f"reminders.{rule}")
    ]


def test_minutes_of_the_last_meeting_are_due_a_week_after_it() -> None:
    facts = resident(last_status_meeting=D(2026, 9, 1), next_status_meeting=D(2027, 3, 1))
    items = by_rule(due_items(facts, D(2026, 9, 2)), "minutes_written")
    assert [(i.due, i.params["meeting"]) for i in items] == [(D(2026, 9, 8), "1.9.2026")]
    assert by_rule(due_items(facts, D(2026, 9, 2)), "status_meeting") == []


@pytest.mark.parametrize(
    ("changes", "rule", "due", "responsible"),
    [
        ({"enrolment_date": D(2024, 2, 29), "last_dpu": None}, "dpu", D(2025, 2, 28), TEAM),
        ({"last_dpu": D(2024, 8, 31)}, "dpu", D(2026, 8, 31), TEAM),
        ({"enrolment_date": D(2024, 2, 29), "kompas_started": None}, "autonomt_kompas",
         D(2024, 8, 29), TEAM),
        ({"enrolment_date": D(2024, 2, 29), "last_samarbejdsaftale": None}, "samarbejdsaftale",
         D(2025, 2, 28), BOTH),
        ({"last_samarbejdsaftale": D(2025, 8, 31)}, "samarbejdsaftale", D(2026, 8, 31), BOTH),
        ({"enrolment_date": D(2024, 2, 29), "last_ipel_evaluation": None}, "ipel_evaluation",
         D(2024, 8, 29), TEAM),
        ({"enrolment_date": D(2024, 2, 29), "last_komm_evaluation": None}, "komm_evaluation",
         D(2024, 8, 29), TEAM),
    ],
)  # fmt: skip
def test_recurring_deadlines_and_who_is_responsible(
    changes: dict[str, object], rule: str, due: date, responsible: tuple[int, ...]
) -> None:
    items = by_rule(due_items(resident(**changes), D(2026, 9, 1)), rule)
    assert [(i.due, i.responsible, i.subject, i.title_key) for i in items] == [
        (due, responsible, "resident:3", f"reminders.{rule}")
    ]


def test_autonomt_kompas_only_while_not_started() -> None:
    facts = resident(kompas_started=D(2025, 7, 10))
    assert by_rule(due_items(facts, D(2026, 9, 1), horizon_days=3650), "autonomt_kompas") == []


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (D(2026, 3, 14), False),  # more than a year before
        (D(2026, 3, 15), True),  # exactly a year before
        (D(2027, 3, 15), True),  # the birthday itself
        (D(2027, 3, 16), False),  # after the birthday
    ],
)
def test_18th_birthday_is_informational_within_the_year_before(today: date, shown: bool) -> None:
    facts = resident(birth_date=D(2009, 3, 15))
    items = by_rule(due_items(facts, today, horizon_days=400), "birthday_18")
    assert [(i.due, i.responsible) for i in items] == ([(D(2027, 3, 15), BOTH)] if shown else [])


def test_missing_mandatory_goals_are_due_today_for_team_and_leaders() -> None:
    facts = resident(mandatory_areas_missing=("ipel", "kommunikation"))
    items = by_rule(due_items(facts, D(2026, 10, 5)), "mandatory_goals")
    assert [(i.due, i.responsible, i.params["areas"]) for i in items] == [
        (D(2026, 10, 5), BOTH, "ipel, kommunikation")
    ]
    assert by_rule(due_items(resident(), D(2026, 10, 5)), "mandatory_goals") == []


@pytest.mark.parametrize(
    ("today", "horizon", "returned"),
    [
        (D(2026, 10, 1), 60, True),  # due 30.11: exactly 60 days ahead
        (D(2026, 9, 30), 60, False),  # 61 days ahead
        (D(2026, 9, 30), 61, True),
        (D(2027, 5, 1), 60, True),  # long overdue: still returned
        (D(2026, 11, 30), 0, True),  # due today
        (D(2026, 11, 29), 0, False),
    ],
)
def test_horizon(today: date, horizon: int, returned: bool) -> None:
    items = due_items(resident(goals=(goal(),)), today, horizon_days=horizon)
    assert bool(by_rule(items, "goal_evaluation")) is returned


def test_default_horizon_and_order() -> None:
    items = due_items(resident(goals=(goal(),)), D(2026, 10, 1))
    assert rules.DEFAULT_HORIZON_DAYS == 60
    assert all(item.due <= D(2026, 11, 30) for item in items)
    assert items == sorted(items, key=lambda i: (i.due, i.rule, i.subject))


def test_rules_module_is_pure() -> None:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    forbidden = ("telegram", "sqlalchemy", "sqlmodel", "bot.storage", "bot.clock")
    assert not [name for name in imported if name.startswith(forbidden)]
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"now", "today", "utcnow"}
