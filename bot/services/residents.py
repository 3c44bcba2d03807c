"""Use cases for residents in the chat: list, add, edit and move out (leaders only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.domain.access import Actor, ResidentScope, can_manage_residents, can_see_resident
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.storage.models import Resident
from bot.storage.uow import UnitOfWork

MAX_NAME_CHARS = 80
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EDITABLE_FIELDS = ("name", "birth_date", "enrolment_date", "caseworker_name", "caseworker_email")


@dataclass(frozen=True, slots=True)
class ResidentView:
    """A resident as the leader's screens show them."""

    id: int
    name: str
    birth_date: date
    enrolment_date: date
    department_id: int
    department: str
    caseworker_name: str | None
    caseworker_email: str | None
    moved_out_on: date | None


def validate_name(name: str) -> str:
    """Return a cleaned display name or raise InvalidInput."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("residents.name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput("residents.name_too_long", limit=MAX_NAME_CHARS)
    if any(ch.isdigit() for ch in name):
        # Digits in a name are most often a CPR number or a date typed in the wrong place.
        raise InvalidInput("residents.name_digits")
    return name


def validate_birth_date(birth_date: date, today: date) -> date:
    """Accept a birth date of a child or young person, not in the future."""
    if birth_date > today:
        raise InvalidInput("residents.birth_in_future")
    if birth_date.year < today.year - 40:
        raise InvalidInput("residents.birth_too_old")
    return birth_date


def validate_enrolment(enrolment: date, birth_date: date | None, today: date) -> date:
    """Accept an enrolment date after birth and not more than a year ahead."""
    if birth_date is not None and enrolment < birth_date:
        raise InvalidInput("residents.enrolment_before_birth")
    if enrolment.year > today.year + 1:
        raise InvalidInput("residents.enrolment_far_future")
    return enrolment


def validate_email(email: str) -> str:
    """Return a cleaned e-mail address or raise InvalidInput."""
    email = email.strip()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput("residents.email_invalid")
    return email


def _view(uow: UnitOfWork, resident: Resident) -> ResidentView:
    department = uow.org.department(resident.department_id)
    return ResidentView(
        id=resident.id or 0,
        name=resident.display_name,
        birth_date=resident.birth_date,
        enrolment_date=resident.enrolment_date,
        department_id=resident.department_id,
        department=department.name if department else "?",
        caseworker_name=resident.caseworker_name,
        caseworker_email=resident.caseworker_email,
        moved_out_on=resident.moved_out_on,
    )


def manageable_departments(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """Return the (id, name) of departments where the actor manages residents."""
    with uow:
        return [
            (d.id or 0, d.name)
            for d in uow.org.departments()
            if can_manage_residents(actor, d.id or 0)
        ]


def list_residents(uow: UnitOfWork, actor: Actor) -> list[ResidentView]:
    """Return the residents the actor may see, moved-out ones last."""
    with uow:
        rows = uow.residents.visible(actor, include_moved_out=True)
        views = [_view(uow, r) for r in rows]
    return sorted(views, key=lambda v: (v.moved_out_on is not None, v.name.lower()))


def _managed(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    resident = uow.residents.get(resident_id)
    if resident is None or resident.id is None:
        raise NotFound()
    scope = ResidentScope(resident.id, resident.department_id)
    if not can_see_resident(actor, scope) or not can_manage_residents(
        actor, resident.department_id
    ):
        raise NotAllowed()
    return resident


def _check_unique(uow: UnitOfWork, resident: Resident, name: str, birth_date: date) -> None:
    # Checked before the change is made: the query would otherwise flush it first.
    other = uow.residents.by_natural_key(resident.department_id, name, birth_date)
    if other is not None and other.id != resident.id:
        raise Conflict("residents.exists", name=name)


def get_resident(uow: UnitOfWork, actor: Actor, resident_id: int) -> ResidentView:
    """Return one resident the actor manages."""
    with uow:
        return _view(uow, _managed(uow, actor, resident_id))


def add_resident(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    *,
    department_id: int,
    name: str,
    birth_date: date,
    enrolment_date: date,
    today: date,
) -> ResidentView:
    """Add a resident to a department the actor manages, validating every field again."""
    name = validate_name(name)
    validate_birth_date(birth_date, today)
    validate_enrolment(enrolment_date, birth_date, today)
    with uow:
        if (
            not can_manage_residents(actor, department_id)
            or uow.org.department(department_id) is None
        ):
            raise NotAllowed()
        if uow.residents.by_natural_key(department_id, name, birth_date) is not None:
            raise Conflict("residents.exists", name=name)
        now = clock.now()
        resident = uow.residents.add(
            Resident(
                display_name=name,
                birth_date=birth_date,
                department_id=department_id,
                enrolment_date=enrolment_date,
                created_at=now,
                updated_at=now,
            )
        )
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="create",
            entity="resident",
            entity_id=resident.id,
            resident_id=resident.id,
        )
        view = _view(uow, resident)
        uow.commit()
        return view


def edit_resident(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    resident_id: int,
    field: str,
    value: str | date,
    *,
    today: date,
) -> ResidentView:
    """Change one field of a resident the actor manages."""
    if field not in EDITABLE_FIELDS:
        raise InvalidInput()
    with uow:
        resident = _managed(uow, actor, resident_id)
        if field == "name":
            name = validate_name(str(value))
            _check_unique(uow, resident, name, resident.birth_date)
            resident.display_name = name
        elif field == "birth_date":
            if not isinstance(value, date):
                raise InvalidInput("error.date_format", value=value)
            validate_birth_date(value, today)
            validate_enrolment(resident.enrolment_date, value, today)
            _check_unique(uow, resident, resident.display_name, value)
            resident.birth_date = value
        elif field == "enrolment_date":
            if not isinstance(value, date):
                raise InvalidInput("error.date_format", value=value)
            resident.enrolment_date = validate_enrolment(value, resident.birth_date, today)
        elif field == "caseworker_name":
            text = " ".join(str(value).split())
            if not text or len(text) > 200:
                raise InvalidInput("residents.caseworker_invalid")
            resident.caseworker_name = text
        else:
            resident.caseworker_email = validate_email(str(value))
        now = clock.now()
        resident.updated_at = now
        uow.session.add(resident)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="edit",
            entity="resident",
            entity_id=resident.id,
            resident_id=resident.id,
            detail=f"field={field}",
        )
        view = _view(uow, resident)
        uow.commit()
        return view


def move_out(
    uow: UnitOfWork, clock: Clock, actor: Actor, resident_id: int, on: date, *, today: date
) -> ResidentView:
    """Mark a resident as moved out on a day (not before enrolment, not ahead of today)."""
    with uow:
        resident = _managed(uow, actor, resident_id)
        if resident.moved_out_on is not None:
            raise Conflict("residents.already_moved_out", name=resident.display_name)
        if on < resident.enrolment_date:
            raise InvalidInput("residents.move_out_before_enrolment")
        if on > today:
            raise InvalidInput("residents.move_out_future")
        now = clock.now()
        resident.moved_out_on = on
        resident.updated_at = now
        uow.session.add(resident)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="edit",
            entity="resident",
            entity_id=resident.id,
            resident_id=resident.id,
            detail="moved_out",
        )
        view = _view(uow, resident)
        uow.commit()
        return view
