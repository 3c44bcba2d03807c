"""Use cases for people: who is acting, invites, and joining with an invite code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.domain.access import Actor, Role, can_invite
from bot.domain.errors import Conflict, Expired, InvalidInput, NotAllowed, NotFound
from bot.domain.invites import hash_invite_code, looks_like_code, new_invite_code
from bot.services.onboarding import (
    SubstituteInvite,
    attach_substitute_terms,
    check_substitute_terms,
    start_substitute,
)
from bot.storage.models import Invite, Staff
from bot.storage.uow import UnitOfWork

MAX_DEPARTMENT_NAME = 120  # the column's length


@dataclass(frozen=True, slots=True)
class NewInvite:
    """An invite just made: the code is shown once and never stored."""

    code: str
    role: Role
    department: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Joined:
    """The outcome of /start CODE."""

    actor: Actor
    department: str
    already_registered: bool
    link_reopened: bool = False
    onboarding: bool = False  # a substitute with a checklist


def load_actor(uow: UnitOfWork, telegram_user_id: int) -> Actor | None:
    """Return the registered person behind a Telegram user id, or None."""
    with uow:
        return uow.staff.actor(telegram_user_id)


def create_invite(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor | None,
    role: Role,
    *,
    department_id: int | None = None,
    department_name: str | None = None,
    ttl: timedelta,
    substitute: SubstituteInvite | None = None,
    today: date | None = None,
) -> NewInvite:
    """Make a one-time invite; actor None means the command line (the operator).

    A substitute's invite carries their terms (start, residents, agency, last day of access);
    `today` (the local day) is then required to check them.
    """
    if substitute is not None:
        if role is not Role.VIKAR or today is None:
            raise ValueError("substitute terms belong on a vikar invite, with today")
        check_substitute_terms(substitute, today)
    with uow:
        now = clock.now()
        if department_name is not None:
            if not department_name.strip():
                raise InvalidInput("staff.department_name_empty")
            if len(department_name.strip()) > MAX_DEPARTMENT_NAME:
                raise InvalidInput("staff.department_name_too_long", limit=MAX_DEPARTMENT_NAME)
            department, _ = uow.org.get_or_create_department(department_name, now)
        elif department_id is not None:
            found = uow.org.department(department_id)
            if found is None:
                raise NotFound()
            department = found
        else:
            raise InvalidInput("staff.department_missing")
        assert department.id is not None
        if actor is not None and not can_invite(actor, role, department.id):
            raise NotAllowed()
        code = new_invite_code()
        invite = uow.invites.add(
            Invite(
                code_hash=hash_invite_code(code),
                role=role.value,
                department_id=department.id,
                created_by_id=actor.staff_id if actor else None,
                created_at=now,
                expires_at=now + ttl,
            )
        )
        if substitute is not None:
            attach_substitute_terms(uow, invite, substitute)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id if actor else None,
            action="create",
            entity="invite",
            entity_id=invite.id,
            detail=f"role={role.value}",
        )
        uow.commit()
        return NewInvite(code, role, department.name, invite.expires_at)


def join_with_code(
    uow: UnitOfWork, clock: Clock, code: str, telegram_user_id: int, display_name: str
) -> Joined:
    """Register a Telegram user with an invite; a code works once and expires."""
    code = code.strip()
    if not looks_like_code(code):
        raise InvalidInput("staff.invite_invalid")
    with uow:
        now = clock.now()
        invite = uow.invites.by_hash(hash_invite_code(code))
        if invite is None:
            raise InvalidInput("staff.invite_invalid")
        department = uow.org.department(invite.department_id)
        assert department is not None and department.id is not None
        existing = uow.staff.by_telegram_id(telegram_user_id)
        if invite.used_at is not None:
            if existing is not None and invite.used_by_id == existing.id:
                # The same person opened their link again: they are simply registered.
                actor = uow.staff.actor(telegram_user_id)
                assert actor is not None
                return Joined(actor, department.name, already_registered=True, link_reopened=True)
            raise Conflict("staff.invite_used")
        if now > invite.expires_at:
            raise Expired("staff.invite_expired")
        if existing is not None and existing.id is not None:
            # A known person using a new invite joins one more department; role stays.
            uow.staff.add_department(existing.id, department.id)
            staff = existing
        else:
            staff = uow.staff.add(
                Staff(
                    telegram_user_id=telegram_user_id,
                    display_name=display_name.strip()[:200] or str(telegram_user_id),
                    role=invite.role,
                    created_at=now,
                ),
                [department.id],
            )
        invite.used_at = now
        invite.used_by_id = staff.id
        uow.session.add(invite)
        if invite.role == Role.VIKAR.value and invite.starts_on is not None:
            if staff.role != Role.VIKAR.value:
                # Permanent staff keep their role; a substitute's terms do not apply to them.
                raise Conflict("onboarding.invite_not_for_staff")
            start_substitute(uow, staff, invite, now)
        uow.audit.record(
            at=now,
            actor_id=staff.id,
            action="create",
            entity="registration",
            entity_id=invite.id,
            detail=f"role={invite.role}",
        )
        uow.flush()
        actor = uow.staff.actor(telegram_user_id)
        assert actor is not None
        uow.commit()
        return Joined(
            actor,
            department.name,
            existing is not None,
            onboarding=uow.onboarding.substitute(actor.staff_id) is not None,
        )


def invite_options(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """Return (id, name) of the departments the actor may invite into."""
    with uow:
        ids = None if actor.role is Role.TILBUDSLEDER else actor.department_ids
        return [(d.id or 0, d.name) for d in uow.org.departments(ids)]
