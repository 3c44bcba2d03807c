"""Turn the database into the rules' facts: one ResidentFacts per resident living here.

A handful of set-based reads (bot.storage.reminder_repositories and status_repositories), then
plain Python: the sweep over 10,000 residents never asks the database once per resident.

The sweep reads a chunk of residents at a time (a span of ids) and only the goals and
sub-goals that can be due inside its window (`goals_due_by`): most were evaluated lately and
are due months ahead, and reading them would only build items it throws away. The mandatory
areas are still read from every active goal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.goals import EvaluationInterval, MandatoryArea, missing_mandatory_areas
from bot.reminders.rules import (
    GOAL_MAX_MONTHS,
    MILESTONE_RULES,
    RULE_DPU,
    RULE_GOAL_EVALUATION,
    RULE_IPEL_EVALUATION,
    RULE_KOMM_EVALUATION,
    RULE_KOMPAS,
    RULE_SAMARBEJDSAFTALE,
    RULE_SUB_GOAL_EVALUATION,
    GoalFacts,
    GoalKind,
    ResidentFacts,
    TeamMeetings,
    Window,
    months_at_least,
)
from bot.storage.reminder_repositories import Span
from bot.storage.uow import UnitOfWork

DEFAULT_ANCHOR = date(2024, 1, 1)


def spans(ids: Sequence[int], size: int) -> Iterator[Span]:
    """Cut sorted resident ids into spans (first id, last id) of at most size residents."""
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk[0], chunk[-1]


def facts_in_chunks(
    uow: UnitOfWork, tz: ZoneInfo, within: Window, size: int
) -> Iterator[list[ResidentFacts]]:
    """Read the facts of everyone living here, size residents at a time (a span of ids), with
    only the goals and sub-goals that can be due inside the window; uow must be open."""
    today = within.today
    goals_due_by = max(
        within.last_day(RULE_GOAL_EVALUATION), within.last_day(RULE_SUB_GOAL_EVALUATION)
    )
    departments = load_departments(uow, today)
    for span in spans(uow.reminders.living_ids(), size):
        yield load_facts(
            uow, tz, today, span=span, goals_due_by=goals_due_by, departments=departments
        )


def evaluated_after(due_by: date) -> date:
    """Return the day after which an evaluation keeps a goal from being due by due_by,
    unless its next date says otherwise.

    A goal last evaluated later is due at min(next date, last + 3 months) (goal_due_date: the
    team meeting counts only before the first evaluation), and 3 months are more than
    months_at_least(3) days: after due_by. So a goal with a next date after due_by and an
    evaluation after this day cannot be due by due_by.
    """
    return due_by - months_at_least(GOAL_MAX_MONTHS)


@dataclass(frozen=True, slots=True)
class Departments:
    """What the residents of each department share: its team meetings and its leaders."""

    team_meetings: dict[int, TeamMeetings]
    leaders: dict[int, tuple[int, ...]]


def load_departments(uow: UnitOfWork, today: date) -> Departments:
    """Read every department's team meetings and active afdelingsledere; uow must be open."""
    return Departments(
        {
            dep: TeamMeetings(weekday, max(every, 1), anchor or DEFAULT_ANCHOR)
            for dep, weekday, every, anchor in uow.reminders.team_meetings()
        },
        uow.reminders.department_leaders(today),
    )


def load_facts(
    uow: UnitOfWork,
    tz: ZoneInfo,
    today: date,
    resident_ids: Sequence[int] | None = None,
    *,
    span: Span | None = None,
    goals_due_by: date | None = None,
    departments: Departments | None = None,
) -> list[ResidentFacts]:
    """Read the facts of the given residents (all living here when None; with span, those
    living here whose ids are from span[0] to span[1]); uow must be open.

    goals_due_by: leave out the goals and sub-goals that cannot be due on or before that day
    (see evaluated_after); all of them when None. departments: as load_departments reads
    them (read here when None), for a caller that reads many chunks of residents.
    """
    repo = uow.reminders
    residents = repo.residents(
        resident_ids, span=span, milestones=MILESTONE_RULES, areas=tuple(MandatoryArea)
    )
    ids = None if resident_ids is None else [row[0] for row in residents]
    if departments is None:
        departments = load_departments(uow, today)
    rhythms = departments.team_meetings
    leaders = departments.leaders
    teams = repo.contact_teams(ids, today, span=span)
    meetings = uow.status.meetings_for(ids, span=span)
    after = None if goals_due_by is None else evaluated_after(goals_due_by)
    goal_rows = repo.active_goals(ids, span=span, due_by=goals_due_by, evaluated_after=after)
    sub_goal_rows = repo.active_sub_goals(
        ids, span=span, due_by=goals_due_by, evaluated_after=after
    )

    # Many rows share a creation time (imports) and an interval: each is made once.
    local_days: dict[datetime, date] = {}
    intervals: dict[tuple[int, str], EvaluationInterval] = {}
    goals: dict[int, list[GoalFacts]] = {}
    batches: tuple[tuple[GoalKind, list[Any]], ...] = (
        ("goal", goal_rows),
        ("sub_goal", sub_goal_rows),
    )
    for kind, rows in batches:
        for ref, rid, text, created_at, next_on, count, unit, last in rows:
            created_on = local_days.get(created_at)
            if created_on is None:
                aware = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
                created_on = local_days[created_at] = aware.astimezone(tz).date()
            interval = intervals.get((count, unit))
            if interval is None:
                interval = intervals[count, unit] = EvaluationInterval(count, unit)
            facts = GoalFacts(ref, kind, text, created_on, last, next_on, interval, True)
            goals.setdefault(rid, []).append(facts)

    found: list[ResidentFacts] = []
    kinds = len(MILESTONE_RULES)
    ipel, komm, dpu, kompas, aftale = (
        MILESTONE_RULES.index(kind)
        for kind in (
            RULE_IPEL_EVALUATION,
            RULE_KOMM_EVALUATION,
            RULE_DPU,
            RULE_KOMPAS,
            RULE_SAMARBEJDSAFTALE,
        )
    )
    # Which mandatory areas are missing, by which ones are covered: a handful of answers.
    missing: dict[tuple[object, ...], tuple[str, ...]] = {}
    for rid, name, birth, enrolled, dep, *more in residents:
        last_meeting, planned = meetings.get(rid, (None, None))
        covered = tuple(more[kinds:])
        gaps = missing.get(covered)
        if gaps is None:
            gaps = missing[covered] = tuple(
                area.value
                for area in missing_mandatory_areas(
                    area for area, has in zip(MandatoryArea, covered, strict=True) if has
                )
            )
        found.append(
            ResidentFacts(
                resident_id=rid,
                name=name,
                birth_date=birth,
                enrolment_date=enrolled,
                department_id=dep,
                contact_team_ids=teams.get(rid, ()),
                leader_ids=leaders.get(dep, ()),
                goals=tuple(goals.get(rid, ())),
                mandatory_areas_missing=gaps,
                last_status_meeting=last_meeting,
                next_status_meeting=planned,
                team_meetings=rhythms.get(dep),
                last_ipel_evaluation=more[ipel],
                last_komm_evaluation=more[komm],
                last_dpu=more[dpu],
                kompas_started=more[kompas],
                last_samarbejdsaftale=more[aftale],
            )
        )
    return found
