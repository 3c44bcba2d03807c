"""Shared by the plan features (/maal, /kontaktteam, /score, /evaluer): who the resident is
and whether the acting person may see, own or lead their plan."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.domain.access import (
    Actor,
    ResidentScope,
    can_assign_contact_team,
    can_score,
    can_see_resident,
    owns_plan,
)
from bot.domain.errors import Conflict, NotAllowed
from bot.services.directory import Directory
from bot.storage.models import Resident
from bot.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ResidentChoice:
    """The resident a typed name means, or the residents it might mean (never a guess)."""

    resident_id: int | None
    name: str | None
    candidates: tuple[tuple[int, str], ...]


def resolve_resident(
    uow: UnitOfWork, directory: Directory, actor: Actor, query: str
) -> ResidentChoice:
    """Resolve a typed name among the residents the actor may see (opens the unit of work)."""
    with uow:
        residents = directory.residents(uow, actor)
    words = query.split()
    resolution = residents.index.resolve(words, max_words=len(words) or 1)
    if resolution.status == "sure" and resolution.match is not None:
        return ResidentChoice(resolution.match.id, resolution.match.name, ())
    found = resolution.candidates or residents.index.search(query)
    return ResidentChoice(None, None, tuple((c.id, c.name) for c in found))


def _scope(resident: Resident) -> ResidentScope:
    assert resident.id is not None
    return ResidentScope(resident.id, resident.department_id, resident.moved_out_on is None)


def visible_resident(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    """Return a resident the actor may see (NotAllowed otherwise, also for unknown ids)."""
    resident = uow.residents.get(resident_id)
    if resident is None or not can_see_resident(actor, _scope(resident)):
        raise NotAllowed()
    return resident


def owns_resident_plan(uow: UnitOfWork, actor: Actor, resident: Resident) -> bool:
    """Tell whether the actor owns this resident's plan: kontaktteam or a department leader."""
    assert resident.id is not None
    on_team = uow.contact_teams.is_member(resident.id, actor.staff_id)
    return owns_plan(actor, _scope(resident), on_contact_team=on_team)


def owned_resident(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    """Return a resident whose plan the actor owns: kontaktteam or a leader of the department."""
    resident = visible_resident(uow, actor, resident_id)
    if not owns_resident_plan(uow, actor, resident):
        raise NotAllowed("plans.not_owner")
    return resident


def led_resident(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    """Return a resident whose kontaktteam the actor may choose (a leader of the department)."""
    resident = visible_resident(uow, actor, resident_id)
    if not can_assign_contact_team(actor, _scope(resident)):
        raise NotAllowed("plans.not_leader")
    return resident


def scorable_resident(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    """Return a resident the actor may score (visible and living here)."""
    resident = visible_resident(uow, actor, resident_id)
    if not can_score(actor, _scope(resident)):
        raise Conflict("notes.resident_moved_out", name=resident.display_name)
    return resident


def audit(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    resident_id: int,
    detail: str = "",
) -> None:
    """Write one audit event of a plan feature (goals, the status cycle), never with text."""
    uow.audit.record(
        at=clock.now(),
        actor_id=actor.staff_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        resident_id=resident_id,
        detail=detail,
    )
