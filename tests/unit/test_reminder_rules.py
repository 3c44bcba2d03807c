"""Reminder rules (issue 4 §1): table tests with real calendar edges."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import get_args

import pytest

from bot.domain.goals import EvaluationInterval, IntervalUnit, add_months
from bot.domain.onboarding import StepOwner
from bot.reminders import rules
from bot.reminders.onboarding import StepFact, access_item, step_item
from bot.reminders.rules import (
    DueItem,
    GoalFacts,
    MeetingFacts,
    ResidentFacts,
    TeamMeetings,
    cycle_due,
    due_items,
    eighteenth_birthday,
    goal_due_date,
    status_chain,
)

TEAM = (11, 12)
LEADERS = (21, 12)  # 12 is in both: listed once, in the team's place
BOTH = (11, 12, 21)
MONTHS_3 = EvaluationInterval(3, IntervalUnit.MONTHS)
MONTH_1 = EvaluationInterval(1, IntervalUnit.MONTHS)
WEEKS_13 = EvaluationInterval(13, IntervalUnit.WEEKS)
WEEK_1 = EvaluationInterval(1, IntervalUnit.WEEKS)
D = date
ALL_STEPS = frozenset(rules.STATUS_STEPS)
HELD = MeetingFacts(1, D(2026, 9, 1), ALL_STEPS)  # held, every step ticked off
PLANNED = MeetingFacts(2, D(2027, 3, 1))
TUESDAYS = TeamMeetings()  # weekly on Tuesday


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
        last_status_meeting=HELD,
        next_status_meeting=PLANNED,
        last_ipel_evaluation=D(2026, 9, 1),
        last_komm_evaluation=D(2026, 9, 1),
        last_dpu=D(2026, 1, 5),
        kompas_started=D(2025, 7, 10),
        last_samarbejdsaftale=D(2026, 9, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def by_rule(items: list[DueItem], rule: str) -> list[DueItem]:
    return [item for item in items if item.rule == rule]


def by_subject(items: list[DueItem], subject: str) -> list[DueItem]:
    return [item for item in items if item.subject == subject]


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
def test_goal_due_date_without_team_meetings(changes: dict[str, object], expected: date) -> None:
    assert goal_due_date(goal(**changes)) == expected
    assert goal_due_date(goal(**changes), None) == expected


# --- Team meetings ----------------------------------------------------------------------------

FORTNIGHTLY = TeamMeetings(weekday=1, every_weeks=2)  # Tuesdays of even weeks from 1.1.2024
THURSDAYS_2 = TeamMeetings(weekday=3, every_weeks=2, anchor=D(2026, 1, 5))  # 8.1.2026, 22.1, ...
EVERY_3 = TeamMeetings(weekday=0, every_weeks=3, anchor=D(2027, 1, 4))


@pytest.mark.parametrize(
    ("team_meetings", "day", "expected"),
    [
        # weekly on Tuesday
        (TUESDAYS, D(2026, 8, 31), D(2026, 9, 1)),  # Monday: the next day
        (TUESDAYS, D(2026, 9, 1), D(2026, 9, 8)),  # a meeting day itself: the next one
        (TUESDAYS, D(2026, 9, 2), D(2026, 9, 8)),
        (TUESDAYS, D(2027, 2, 27), D(2027, 3, 2)),  # across a month end
        (TUESDAYS, D(2026, 12, 30), D(2027, 1, 5)),  # across a year end
        (TUESDAYS, D(2028, 2, 28), D(2028, 2, 29)),  # leap day
        (TeamMeetings(weekday=6), D(2027, 10, 30), D(2027, 10, 31)),  # summer time ends
        # every 2 weeks: only the anchor's weeks count
        (FORTNIGHTLY, D(2024, 1, 1), D(2024, 1, 2)),  # the anchor week's Tuesday
        (FORTNIGHTLY, D(2024, 1, 2), D(2024, 1, 16)),
        (FORTNIGHTLY, D(2026, 8, 31), D(2026, 9, 8)),  # 1.9 is an odd week: skipped
        (FORTNIGHTLY, D(2026, 9, 8), D(2026, 9, 22)),  # a meeting day itself: two weeks on
        (THURSDAYS_2, D(2026, 1, 7), D(2026, 1, 8)),
        (THURSDAYS_2, D(2026, 1, 8), D(2026, 1, 22)),
        (THURSDAYS_2, D(2026, 1, 9), D(2026, 1, 22)),
        (THURSDAYS_2, D(2025, 12, 20), D(2025, 12, 25)),  # before the anchor: same rhythm
        (THURSDAYS_2, D(2026, 12, 24), D(2027, 1, 7)),  # a meeting day, across the year end
        (THURSDAYS_2, D(2026, 12, 31), D(2027, 1, 7)),  # 31.12 is an odd week: skipped
        # every 3 weeks on Monday from 4.1.2027: 8.3, 29.3, 19.4, ... (summer time from 28.3)
        (EVERY_3, D(2027, 3, 27), D(2027, 3, 29)),
        (EVERY_3, D(2027, 3, 28), D(2027, 3, 29)),
        (EVERY_3, D(2027, 3, 29), D(2027, 4, 19)),  # a meeting day itself: three weeks on
    ],
)  # fmt: skip
def test_team_meetings_first_after(team_meetings: TeamMeetings, day: date, expected: date) -> None:
    assert team_meetings.first_after(day) == expected


@pytest.mark.parametrize(
    ("changes", "team_meetings", "expected"),
    [
        # never evaluated: the first team meeting after creation, when sooner
        ({}, TUESDAYS, D(2026, 9, 1)),  # created Monday 31.8
        ({"kind": "sub_goal"}, TUESDAYS, D(2026, 9, 1)),
        ({"created_on": D(2026, 9, 1)}, TUESDAYS, D(2026, 9, 8)),  # created at a meeting
        ({"kind": "sub_goal", "created_on": D(2026, 12, 30)}, TUESDAYS, D(2027, 1, 5)),
        ({}, FORTNIGHTLY, D(2026, 9, 8)),
        # ... but not when the interval or planned date comes first
        ({"interval": WEEK_1}, TeamMeetings(every_weeks=4, anchor=D(2026, 9, 7)),
         D(2026, 9, 7)),  # team meeting 8.9, interval 7.9
        ({"created_on": D(2026, 8, 25), "next_evaluation_on": D(2026, 8, 28)}, TUESDAYS,
         D(2026, 8, 28)),
        # once evaluated the rule no longer applies
        ({"last_evaluated_on": D(2026, 9, 15)}, TUESDAYS, D(2026, 12, 15)),
        ({"kind": "sub_goal", "last_evaluated_on": D(2026, 9, 15)}, TUESDAYS, D(2026, 12, 15)),
        ({"last_evaluated_on": D(2026, 9, 15), "next_evaluation_on": D(2026, 10, 15)},
         TUESDAYS, D(2026, 10, 15)),
    ],
)  # fmt: skip
def test_a_new_goal_is_due_at_the_first_team_meeting(
    changes: dict[str, object], team_meetings: TeamMeetings, expected: date
) -> None:
    assert goal_due_date(goal(**changes), team_meetings) == expected


def test_due_items_use_the_departments_team_meetings() -> None:
    facts = resident(
        team_meetings=TUESDAYS,
        goals=(
            goal(),
            goal(id=8, kind="sub_goal", text="Smører madpakke", created_on=D(2026, 9, 15)),
            goal(id=9, last_evaluated_on=D(2026, 9, 15)),
        ),
    )
    items = [i for i in due_items(facts, D(2026, 9, 1), horizon_days=120) if i.action == "evaluate"]
    assert [(i.rule, i.subject, i.due) for i in items] == [
        ("goal_evaluation", "goal:7", D(2026, 9, 1)),
        ("sub_goal_evaluation", "sub_goal:8", D(2026, 9, 22)),
        ("goal_evaluation", "goal:9", D(2026, 12, 15)),
    ]


# --- Goals --------------------------------------------------------------------------------------


def test_goal_and_sub_goal_items_go_to_the_kontaktteam() -> None:
    facts = resident(
        goals=(
            goal(),
            goal(id=8, kind="sub_goal", text="Smører madpakke", created_on=D(2026, 9, 15)),
        )
    )
    items = [i for i in due_items(facts, D(2026, 11, 1)) if i.action == "evaluate"]
    assert [(i.rule, i.subject, i.due, i.responsible, i.title_key) for i in items] == [
        ("goal_evaluation", "goal:7", D(2026, 11, 30), TEAM, "reminders.goal_evaluation"),
        ("sub_goal_evaluation", "sub_goal:8", D(2026, 12, 15), TEAM,
         "reminders.sub_goal_evaluation"),
    ]  # fmt: skip
    assert items[0].params == {"name": "Ida", "date": "30.11.2026", "text": "Går selv i skole"}
    assert items[0].key == ("goal_evaluation", "goal:7", D(2026, 11, 30))
    assert [(i.subject_id, i.resident_id) for i in items] == [(7, 3), (8, 3)]


def test_an_ended_goal_yields_nothing() -> None:
    facts = resident(goals=(goal(active=False),), team_meetings=TUESDAYS)
    items = due_items(facts, D(2027, 6, 1), horizon_days=3650)
    assert [item for item in items if item.subject.startswith(("goal:", "sub_goal:"))] == []


# --- The 18-year switch -------------------------------------------------------------------------

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


def test_18th_birthday_after_the_last_held_meeting_switches_the_frequency() -> None:
    facts = resident(
        birth_date=BORN, last_status_meeting=MeetingFacts(1, D(2027, 2, 15), ALL_STEPS),
        next_status_meeting=None, last_ipel_evaluation=D(2027, 2, 15),
        last_komm_evaluation=D(2026, 11, 15),
    )  # fmt: skip
    items = due_items(facts, D(2027, 2, 20), horizon_days=400)
    assert [i.due for i in by_rule(items, "status_meeting")] == [D(2028, 2, 15)]
    assert by_rule(items, "status_meeting")[0].responsible == LEADERS
    assert [i.due for i in by_rule(items, "ipel_evaluation")] == [D(2028, 2, 15)]
    assert [i.due for i in by_rule(items, "komm_evaluation")] == [D(2027, 5, 15)]


@pytest.mark.parametrize(
    ("planned", "next_after_it"),
    [
        (D(2026, 12, 14), D(2027, 6, 14)),  # + 6 lands the day before 18: child rhythm
        (D(2026, 12, 15), D(2027, 12, 15)),  # + 6 lands on the birthday: adult rhythm
        (D(2027, 5, 20), D(2028, 5, 20)),  # planned before 18, + 6 after: + 12
        (D(2027, 7, 1), D(2028, 7, 1)),  # held after 18
    ],
)
def test_18th_birthday_between_two_status_meetings_counts_from_the_planned_one(
    planned: date, next_after_it: date
) -> None:
    last = MeetingFacts(1, D(2026, 8, 1), ALL_STEPS)  # + 6 months = 1.2.2027, still a child
    upcoming = MeetingFacts(2, planned)
    facts = resident(birth_date=BORN, last_status_meeting=last, next_status_meeting=upcoming)
    before = due_items(facts, D(2026, 8, 2), horizon_days=800)
    # While the meeting is planned its chain runs, and nobody is asked to schedule one
    # (the last held meeting alone would have made one due on 1.2.2027).
    assert by_rule(before, "status_meeting") == []
    assert [i.rule for i in by_subject(before, "status_meeting:2")] == list(rules.STEPS_BEFORE)
    # Once held, the planned meeting is the base, with the frequency that applies then.
    held = replace(upcoming, done=ALL_STEPS)
    after = due_items(
        replace(facts, last_status_meeting=held, next_status_meeting=None),
        planned,
        horizon_days=800,
    )
    assert [i.due for i in by_rule(after, "status_meeting")] == [next_after_it]


def test_18th_birthday_shows_between_the_held_and_the_planned_meeting() -> None:
    facts = resident(
        birth_date=BORN,
        last_status_meeting=MeetingFacts(1, D(2026, 12, 1), ALL_STEPS),
        next_status_meeting=MeetingFacts(2, D(2027, 6, 1)),
    )
    items = due_items(facts, D(2027, 5, 1))
    assert [(i.rule, i.due) for i in items if i.rule in {"birthday_18", "meeting_held"}] == [
        ("meeting_held", D(2027, 6, 1)),
        ("birthday_18", D(2027, 6, 15)),
    ]


# --- The status chain ---------------------------------------------------------------------------

# (meeting day, due dates of the 7 steps in STATUS_STEPS order); dates are calendar days, so
# the summer-time changes (28.3.2027 and 31.10.2027 in Europe/Copenhagen) do not move them.
CHAINS = [
    (D(2027, 4, 18), (D(2027, 3, 28), D(2027, 4, 2), D(2027, 4, 4), D(2027, 4, 18),
                      D(2027, 4, 22), D(2027, 4, 24), D(2027, 4, 25))),  # draft on 28.3
    (D(2027, 3, 21), (D(2027, 2, 28), D(2027, 3, 5), D(2027, 3, 7), D(2027, 3, 21),
                      D(2027, 3, 25), D(2027, 3, 27), D(2027, 3, 28))),  # minutes sent on 28.3
    (D(2027, 11, 21), (D(2027, 10, 31), D(2027, 11, 5), D(2027, 11, 7), D(2027, 11, 21),
                       D(2027, 11, 25), D(2027, 11, 27), D(2027, 11, 28))),  # draft on 31.10
    (D(2027, 10, 27), (D(2027, 10, 6), D(2027, 10, 11), D(2027, 10, 13), D(2027, 10, 27),
                       D(2027, 10, 31), D(2027, 11, 2), D(2027, 11, 3))),  # minutes on 31.10
    (D(2027, 3, 10), (D(2027, 2, 17), D(2027, 2, 22), D(2027, 2, 24), D(2027, 3, 10),
                      D(2027, 3, 14), D(2027, 3, 16), D(2027, 3, 17))),  # across February
    (D(2027, 1, 5), (D(2026, 12, 15), D(2026, 12, 20), D(2026, 12, 22), D(2027, 1, 5),
                     D(2027, 1, 9), D(2027, 1, 11), D(2027, 1, 12))),  # reports the year before
    (D(2027, 12, 28), (D(2027, 12, 7), D(2027, 12, 12), D(2027, 12, 14), D(2027, 12, 28),
                       D(2028, 1, 1), D(2028, 1, 3), D(2028, 1, 4))),  # minutes the year after
]  # fmt: skip


@pytest.mark.parametrize(("on", "dues"), CHAINS)
def test_status_chain_dates(on: date, dues: tuple[date, ...]) -> None:
    chain = status_chain(MeetingFacts(5, on))
    assert chain == [(step, due, False) for step, due in zip(rules.STATUS_STEPS, dues, strict=True)]


@pytest.mark.parametrize(("on", "dues"), CHAINS)
def test_planned_meeting_carries_the_steps_before_and_held_meeting_the_minutes(
    on: date, dues: tuple[date, ...]
) -> None:
    expected = dict(zip(rules.STATUS_STEPS, dues, strict=True))
    today = D(2026, 11, 1)
    planned = resident(last_status_meeting=None, next_status_meeting=MeetingFacts(5, on))
    items = by_subject(due_items(planned, today, horizon_days=800), "status_meeting:5")
    assert [(i.rule, i.due) for i in items] == [(s, expected[s]) for s in rules.STEPS_BEFORE]
    assert all(i.params["meeting"] == f"{on.day}.{on.month}.{on.year}" for i in items)
    held = resident(last_status_meeting=MeetingFacts(5, on), next_status_meeting=None)
    items = by_subject(due_items(held, today, horizon_days=800), "status_meeting:5")
    assert [(i.rule, i.due) for i in items] == [(s, expected[s]) for s in rules.STEPS_AFTER]


@pytest.mark.parametrize(
    ("step", "responsible"),
    [
        ("report_draft", TEAM),
        ("report_approved", LEADERS),
        ("sent_to_caseworker", TEAM),
        ("meeting_held", LEADERS),
        ("minutes_written", TEAM),
        ("minutes_approved", LEADERS),
        ("minutes_sent", TEAM),
    ],
)
def test_who_does_each_status_step(step: str, responsible: tuple[int, ...]) -> None:
    facts = resident(
        last_status_meeting=MeetingFacts(4, D(2027, 3, 21)),
        next_status_meeting=MeetingFacts(5, D(2027, 4, 18)),
    )
    items = by_rule(due_items(facts, D(2027, 3, 20)), step)
    subject = "status_meeting:5" if step in rules.STEPS_BEFORE else "status_meeting:4"
    assert [(i.subject, i.responsible, i.action, i.title_key) for i in items] == [
        (subject, responsible, "tick", f"reminders.{step}")
    ]
    assert (step in rules.LEADER_STEPS) is (responsible == LEADERS)


@pytest.mark.parametrize(
    ("done", "left_before", "left_after"),
    [
        ((), rules.STEPS_BEFORE, rules.STEPS_AFTER),
        (("report_draft",), ("report_approved", "sent_to_caseworker", "meeting_held"),
         rules.STEPS_AFTER),
        (("report_draft", "report_approved", "sent_to_caseworker"), ("meeting_held",),
         rules.STEPS_AFTER),
        (("report_approved",), ("report_draft", "sent_to_caseworker", "meeting_held"),
         rules.STEPS_AFTER),  # ticked out of order: still gone
        (("minutes_written",), rules.STEPS_BEFORE, ("minutes_approved", "minutes_sent")),
        (("minutes_written", "minutes_approved", "minutes_sent"), rules.STEPS_BEFORE, ()),
        (rules.STATUS_STEPS, (), ()),
    ],
)  # fmt: skip
def test_ticked_steps_are_never_due(
    done: tuple[str, ...], left_before: tuple[str, ...], left_after: tuple[str, ...]
) -> None:
    held = MeetingFacts(4, D(2026, 10, 1), frozenset(done))
    planned = MeetingFacts(5, D(2027, 3, 1), frozenset(done))
    facts = resident(last_status_meeting=held, next_status_meeting=planned)
    items = due_items(facts, D(2027, 6, 1))  # long after both: every open step is overdue
    assert tuple(i.rule for i in by_subject(items, "status_meeting:5")) == left_before
    assert tuple(i.rule for i in by_subject(items, "status_meeting:4")) == left_after
    assert [(step, ticked) for step, _, ticked in status_chain(planned)] == [
        (step, step in done) for step in rules.STATUS_STEPS
    ]


def test_a_held_meetings_steps_before_are_not_due_again() -> None:
    held = MeetingFacts(4, D(2026, 9, 1), frozenset({"meeting_held"}))  # report never ticked
    facts = resident(last_status_meeting=held, next_status_meeting=None)
    items = by_subject(due_items(facts, D(2026, 9, 2)), "status_meeting:4")
    assert [(i.rule, i.due, i.responsible) for i in items] == [
        ("minutes_written", D(2026, 9, 5), TEAM),
        ("minutes_approved", D(2026, 9, 7), LEADERS),
        ("minutes_sent", D(2026, 9, 8), TEAM),
    ]
    assert items[0].params == {"name": "Ida", "date": "5.9.2026", "meeting": "1.9.2026"}
    assert {i.subject_id for i in items} == {4}


@pytest.mark.parametrize(
    ("last", "upcoming", "expected"),
    [
        (HELD, None, [D(2027, 3, 1)]),  # 6 months after the last held meeting (under 18)
        (None, None, [D(2025, 7, 10)]),  # none held yet: 6 months after enrolment
        (MeetingFacts(1, D(2026, 8, 31), ALL_STEPS), None, [D(2027, 2, 28)]),  # month end
        (HELD, PLANNED, []),  # a meeting is planned: nothing to schedule
        (None, PLANNED, []),
    ],
)
def test_scheduling_reminder_only_when_no_meeting_is_planned(
    last: MeetingFacts | None, upcoming: MeetingFacts | None, expected: list[date]
) -> None:
    facts = resident(last_status_meeting=last, next_status_meeting=upcoming)
    items = by_rule(due_items(facts, D(2025, 1, 10), horizon_days=3650), "status_meeting")
    assert [i.due for i in items] == expected
    assert all(
        (i.subject, i.responsible, i.action) == ("resident:3", LEADERS, "schedule") for i in items
    )


# --- Other recurring deadlines ------------------------------------------------------------------


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
    assert [(i.due, i.responsible, i.subject, i.title_key, i.action) for i in items] == [
        (due, responsible, "resident:3", f"reminders.{rule}", "done")
    ]


def test_autonomt_kompas_only_while_not_started() -> None:
    facts = resident(kompas_started=D(2025, 7, 10))
    assert by_rule(due_items(facts, D(2026, 9, 1), horizon_days=3650), "autonomt_kompas") == []


@pytest.mark.parametrize(
    ("born", "today", "shown"),
    [
        (D(2009, 3, 15), D(2026, 3, 14), None),  # more than a year before
        (D(2009, 3, 15), D(2026, 3, 15), D(2027, 3, 15)),  # exactly a year before
        (D(2009, 3, 15), D(2027, 3, 15), D(2027, 3, 15)),  # the birthday itself
        # A week after it, so a birthday on a day off still reaches people; never overdue.
        (D(2009, 3, 15), D(2027, 3, 22), D(2027, 3, 15)),
        (D(2009, 3, 15), D(2027, 3, 23), None),
        (D(2008, 2, 29), D(2026, 3, 1), D(2026, 3, 1)),  # 29 February: 1 March
        (D(2008, 2, 29), D(2026, 3, 9), None),
    ],
)
def test_18th_birthday_is_informational_within_the_year_before(
    born: date, today: date, shown: date | None
) -> None:
    facts = resident(birth_date=born)
    items = by_rule(due_items(facts, today, horizon_days=400), "birthday_18")
    expected = [] if shown is None else [(shown, BOTH, "none")]
    assert [(i.due, i.responsible, i.action) for i in items] == expected
    assert all(i.rule in rules.INFORMATIONAL for i in items)
    assert all(today <= i.due + timedelta(days=7) for i in items)


@pytest.mark.parametrize(
    ("enrolled", "today", "due"),
    [
        (D(2025, 1, 10), D(2025, 1, 10), D(2025, 2, 10)),  # the day of enrolment
        (D(2025, 1, 10), D(2025, 2, 10), D(2025, 2, 10)),
        (D(2025, 1, 10), D(2026, 10, 5), D(2025, 2, 10)),  # long after: the same fixed date
        (D(2025, 1, 31), D(2025, 3, 1), D(2025, 2, 28)),  # month end
        (D(2024, 1, 31), D(2024, 3, 1), D(2024, 2, 29)),
    ],
)
def test_missing_mandatory_goals_are_due_a_month_after_enrolment(
    enrolled: date, today: date, due: date
) -> None:
    facts = resident(enrolment_date=enrolled, mandatory_areas_missing=("ipel", "kommunikation"))
    items = by_rule(due_items(facts, today), "mandatory_goals")
    assert [(i.due, i.responsible, i.params["areas"], i.action) for i in items] == [
        (due, BOTH, "ipel, kommunikation", "plan")
    ]
    assert by_rule(due_items(resident(enrolment_date=enrolled), today), "mandatory_goals") == []


# --- Items, actions and order -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [("goal:12", 12), ("sub_goal:8", 8), ("status_meeting:5", 5), ("resident:3", 3)],
)
def test_due_item_subject_id(subject: str, expected: int) -> None:
    item = DueItem("dpu", subject, D(2026, 1, 1), TEAM, "reminders.dpu")
    assert item.subject_id == expected


def _residents_covering_every_rule() -> list[ResidentFacts]:
    goals = (goal(), goal(id=8, kind="sub_goal"))
    common = {
        "resident_id": 42,
        "goals": goals,
        "birth_date": D(2009, 6, 15),
        "kompas_started": None,
        "mandatory_areas_missing": ("skole",),
        "last_status_meeting": MeetingFacts(4, D(2026, 9, 1)),
    }
    return [
        resident(**common, next_status_meeting=MeetingFacts(5, D(2027, 3, 1))),
        resident(**common, next_status_meeting=None),
    ]


def test_every_rule_has_an_action_and_every_item_a_literal_action() -> None:
    constants = {
        value
        for name, value in vars(rules).items()
        if name.startswith("RULE_") and isinstance(value, str)
    }
    assert constants == set(rules.ACTIONS)  # a new RULE_ without an ACTIONS entry fails here
    assert set(rules.RULE_CODES) == constants  # ... and one without a button code
    assert len(set(rules.RULE_CODES.values())) == len(constants)
    assert set(rules.ACTIONS.values()) <= set(get_args(rules.Action))
    assert {r for r, a in rules.ACTIONS.items() if a == "none"} == rules.INFORMATIONAL
    items = [
        item
        for facts in _residents_covering_every_rule()
        for item in due_items(facts, D(2026, 9, 1), horizon_days=3650)
    ]
    # ... and a new rule firing here (onboarding items come from bot.reminders.onboarding)
    assert {item.rule for item in items} == set(rules.ACTIONS) - rules.ONBOARDING_RULES
    assert all(item.resident_id == 42 for item in items)
    fact = StepFact(5, 9, "Peter", "Introforløb", StepOwner.VIKAR, D(2026, 9, 1), (7,))
    items += [
        step_item(fact, {7: (1,)}),
        step_item(replace(fact, owner=StepOwner.LEDER), {7: (1,)}),
        access_item(9, "Peter", D(2026, 9, 30)),
    ]
    assert {item.rule for item in items} == set(rules.ACTIONS)
    assert all(item.action in get_args(rules.Action) for item in items)
    assert all(item.title_key == f"reminders.{item.rule}" for item in items)
    assert all(item.subject == rules.subject_of(item.rule, item.subject_id) for item in items)


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
    facts = resident(goals=(goal(),), last_status_meeting=MeetingFacts(1, D(2026, 9, 20)))
    items = due_items(facts, D(2026, 10, 1))
    assert rules.DEFAULT_HORIZON_DAYS == 60
    assert len(items) >= 4
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
