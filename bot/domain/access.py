"""Who may see and do what: roles, the acting person, and the rules that check them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    """A person's role at the offer (the UI terms of DOMAIN.md)."""

    MEDARBEJDER = "medarbejder"
    AFDELINGSLEDER = "afdelingsleder"
    TILBUDSLEDER = "tilbudsleder"
    VIKAR = "vikar"

    @property
    def is_leader(self) -> bool:
        """Tell whether the role leads a department or the whole offer."""
        return self in {Role.AFDELINGSLEDER, Role.TILBUDSLEDER}


@dataclass(frozen=True, slots=True)
class Actor:
    """The registered person behind an update, loaded afresh for every update."""

    staff_id: int
    telegram_user_id: int
    display_name: str
    role: Role
    department_ids: frozenset[int]
    assigned_resident_ids: frozenset[int] = frozenset()
    active: bool = True
    access_ends_on: date | None = None

    def has_access(self, today: date) -> bool:
        """Tell whether the person may use the bot at all today."""
        if not self.active:
            return False
        return self.access_ends_on is None or today <= self.access_ends_on


@dataclass(frozen=True, slots=True)
class ResidentScope:
    """What access rules need to know about a resident."""

    resident_id: int
    department_id: int
    active: bool = True


def can_see_resident(actor: Actor, resident: ResidentScope) -> bool:
    """Tell whether the actor may see this resident and write notes on them."""
    if actor.role is Role.TILBUDSLEDER:
        return True
    if actor.role is Role.VIKAR:
        return resident.resident_id in actor.assigned_resident_ids
    return resident.department_id in actor.department_ids


def can_manage_residents(actor: Actor, department_id: int) -> bool:
    """Tell whether the actor may add, edit or move out residents of the department."""
    if actor.role is Role.TILBUDSLEDER:
        return True
    return actor.role is Role.AFDELINGSLEDER and department_id in actor.department_ids


def invitable_roles(actor: Actor) -> tuple[Role, ...]:
    """Return the roles this actor may invite people into."""
    if actor.role is Role.TILBUDSLEDER:
        return (Role.MEDARBEJDER, Role.VIKAR, Role.AFDELINGSLEDER, Role.TILBUDSLEDER)
    if actor.role is Role.AFDELINGSLEDER:
        return (Role.MEDARBEJDER, Role.VIKAR)
    return ()


def can_invite(actor: Actor, role: Role, department_id: int) -> bool:
    """Tell whether the actor may invite someone with this role into this department."""
    if role not in invitable_roles(actor):
        return False
    return actor.role is Role.TILBUDSLEDER or department_id in actor.department_ids


def can_assign_contact_team(actor: Actor, resident: ResidentScope) -> bool:
    """Tell whether the actor may choose the resident's kontaktteam (their leaders)."""
    return can_manage_residents(actor, resident.department_id)


def owns_plan(actor: Actor, resident: ResidentScope, *, on_contact_team: bool) -> bool:
    """Tell whether the actor owns the resident's goals: kontaktteam or a department leader.

    Owners create, edit and end goals and sub-goals and evaluate them. A substitute never
    owns a plan, even when put on a team by mistake.
    """
    if not can_see_resident(actor, resident) or actor.role is Role.VIKAR:
        return False
    return on_contact_team or can_manage_residents(actor, resident.department_id)


def can_score(actor: Actor, resident: ResidentScope) -> bool:
    """Tell whether the actor may give indicator scores (everyone who may write notes)."""
    return can_see_resident(actor, resident) and resident.active
