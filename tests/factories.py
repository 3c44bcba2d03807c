"""Factories: departments, staff and residents written straight to the database."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.access import Role
from bot.storage.models import Department, Resident, ResidentAssignment, Staff
from bot.storage.uow import UnitOfWorkFactory


def department(uow_factory: UnitOfWorkFactory, name: str, now: datetime) -> int:
    """Create a department (or find it) and return its id."""
    with uow_factory() as uow:
        dep, _ = uow.org.get_or_create_department(name, now)
        uow.commit()
        assert dep.id is not None
        return dep.id


def staff(
    uow_factory: UnitOfWorkFactory,
    telegram_user_id: int,
    role: Role,
    department_ids: list[int],
    now: datetime,
    *,
    name: str = "Test Person",
    assigned: list[int] | None = None,
    active: bool = True,
    access_ends_on: date | None = None,
) -> int:
    """Register a person directly and return their staff id."""
    with uow_factory() as uow:
        person = uow.staff.add(
            Staff(
                telegram_user_id=telegram_user_id,
                display_name=name,
                role=role.value,
                active=active,
                created_at=now,
                access_ends_on=access_ends_on,
            ),
            department_ids,
        )
        assert person.id is not None
        for resident_id in assigned or []:
            uow.session.add(ResidentAssignment(staff_id=person.id, resident_id=resident_id))
        uow.commit()
        return person.id


def resident(
    uow_factory: UnitOfWorkFactory,
    name: str,
    department_id: int,
    now: datetime,
    *,
    birth_date: date = date(2012, 5, 17),
    enrolment_date: date = date(2020, 8, 1),
    moved_out_on: date | None = None,
) -> int:
    """Create a resident and return their id."""
    with uow_factory() as uow:
        row = uow.residents.add(
            Resident(
                display_name=name,
                birth_date=birth_date,
                department_id=department_id,
                enrolment_date=enrolment_date,
                moved_out_on=moved_out_on,
                created_at=now,
                updated_at=now,
            )
        )
        uow.commit()
        assert row.id is not None
        return row.id


__all__ = ["Department", "department", "resident", "staff"]
