"""A department's settings: the team meeting's weekday and rhythm (issue 4 §1).

A new goal or sub-goal is first evaluated at the first team meeting after it was created,
so the reminder rules need to know when the department's team meetings are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.domain.errors import InvalidInput, NotFound
from bot.reminders.rules import TeamMeetings
from bot.storage.uow import UnitOfWork

MAX_EVERY_WEEKS = 8


@dataclass(frozen=True, slots=True)
class TeamMeetingSetting:
    """A department's team meetings, and the next few of them."""

    department: str
    rhythm: TeamMeetings
    upcoming: tuple[date, ...]


def set_team_meetings(
    uow: UnitOfWork,
    clock: Clock,
    department_name: str,
    weekday: int,
    every_weeks: int,
    anchor: date,
    today: date,
) -> TeamMeetingSetting:
    """Store when a department's team meetings are (weekday, every N weeks from anchor)."""
    if not 1 <= every_weeks <= MAX_EVERY_WEEKS:
        raise InvalidInput("error.team_meeting_every", max=MAX_EVERY_WEEKS)
    rhythm = TeamMeetings(weekday, every_weeks, anchor)
    with uow:
        department = uow.org.department_by_name(department_name)
        if department is None:
            raise NotFound("error.no_department", name=department_name)
        before = (
            f"{department.team_meeting_weekday}/{department.team_meeting_every_weeks}"
            f"/{department.team_meeting_anchor}"
        )
        department.team_meeting_weekday = weekday
        department.team_meeting_every_weeks = every_weeks
        department.team_meeting_anchor = anchor
        uow.session.add(department)
        uow.audit.record(
            at=clock.now(),
            actor_id=None,
            action="update",
            entity="department",
            entity_id=department.id,
            detail=f"team meetings {before} -> {weekday}/{every_weeks}/{anchor}",
        )
        uow.commit()
        name = department.name
    upcoming: list[date] = []
    day = today - date.resolution
    for _ in range(3):
        day = rhythm.first_after(day)
        upcoming.append(day)
    return TeamMeetingSetting(name, rhythm, tuple(upcoming))
