"""Turn the database into the rules' facts: one ResidentFacts per resident living here.

A handful of set-based reads (bot.storage.reminder_repositories and status_repositories), then
plain Python: the sweep over 10,000 residents never asks the database once per resident.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from zoneinfo import ZoneInfo

from bot.domain.goals import EvaluationInterval, MandatoryArea, missing_mandatory_areas
from bot.reminders.rules import (
    RULE_DPU,
    RULE_IPEL_EVALUATION,
    RULE_KOMM_EVALUATION,
    RULE_KOMPAS,
    RULE_SAMARBEJDSAFTALE,
    GoalFacts,
    ResidentFacts,
    TeamMeetings,
)
from bot.storage.uow import UnitOfWork

DEFAULT_ANCHOR = date(2024, 1, 1)


def load_facts(
    uow: UnitOfWork, tz: ZoneInfo, today: date, resident_ids: Sequence[int] | None = None
) -> list[ResidentFacts]:
    """Read the facts of the given residents (all living here when None); uow must be open."""
    repo = uow.reminders
    residents = repo.residents(resident_ids)
    if resident_ids is None:
        ids: list[int] | None = None
    else:
        ids = [row[0] for row in residents]
    rhythms = {
        dep: TeamMeetings(weekday, max(every, 1), anchor or DEFAULT_ANCHOR)
        for dep, weekday, every, anchor in repo.team_meetings()
    }
    leaders = repo.department_leaders(today)
    teams = repo.contact_teams(ids, today)
    goal_evaluated, sub_evaluated = repo.last_evaluations(ids)
    meetings = uow.status.meetings_for(ids)
    milestones = uow.status.milestones_for(ids)

    goals: dict[int, list[GoalFacts]] = {}
    areas: dict[int, list[MandatoryArea | None]] = {}
    intervals: dict[int, EvaluationInterval] = {}
    local_days: dict[object, date] = {}

    def local_day(moment: object) -> date:
        # Many rows share a creation time (imports); converting once per value is cheaper.
        day = local_days.get(moment)
        if day is None:
            if moment.tzinfo is None:  # type: ignore[attr-defined]
                moment = moment.replace(tzinfo=UTC)  # type: ignore[attr-defined]
            day = moment.astimezone(tz).date()  # type: ignore[attr-defined]
            local_days[moment] = day
        return day

    made: dict[tuple[int, str], EvaluationInterval] = {}
    for gid, rid, text, created_at, next_on, count, unit, area in repo.active_goals(ids):
        interval = made.get((count, unit))
        if interval is None:
            interval = made[count, unit] = EvaluationInterval(count, unit)
        intervals[gid] = interval
        areas.setdefault(rid, []).append(MandatoryArea(area) if area else None)
        goals.setdefault(rid, []).append(
            GoalFacts(
                gid,
                "goal",
                text,
                local_day(created_at),
                goal_evaluated.get(gid),
                next_on,
                interval,
                True,
            )
        )
    for sid, gid, rid, text, created_at, next_on in repo.active_sub_goals(ids):
        goals.setdefault(rid, []).append(
            GoalFacts(
                sid,
                "sub_goal",
                text,
                local_day(created_at),
                sub_evaluated.get(sid),
                next_on,
                intervals[gid],
                True,
            )
        )

    found: list[ResidentFacts] = []
    for rid, name, birth, enrolled, dep in residents:
        last, planned = meetings.get(rid, (None, None))
        done = milestones.get(rid, {})
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
                mandatory_areas_missing=tuple(
                    area.value for area in missing_mandatory_areas(areas.get(rid, ()))
                ),
                last_status_meeting=last,
                next_status_meeting=planned,
                team_meetings=rhythms.get(dep),
                last_ipel_evaluation=done.get(RULE_IPEL_EVALUATION),
                last_komm_evaluation=done.get(RULE_KOMM_EVALUATION),
                last_dpu=done.get(RULE_DPU),
                kompas_started=done.get(RULE_KOMPAS),
                last_samarbejdsaftale=done.get(RULE_SAMARBEJDSAFTALE),
            )
        )
    return found
