"""The unit of work: commits only when told, rolls back otherwise; repositories never commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.domain.access import Role
from bot.storage.models import (
    AuditEvent,
    Department,
    DiaryNote,
    DiaryNoteRevision,
    DiaryType,
    DiaryTypeAlias,
    Invite,
    NoteDraft,
    Resident,
    Staff,
    StaffDepartment,
)
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from tests import factories

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Boom(Exception):
    """Raised inside a unit of work by the tests."""


def _count(engine: Engine, model: type[SQLModel]) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(model)).scalar_one())


def test_commit_stores(backend: Engine, make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        department, created = uow.org.get_or_create_department("Afd A", NOW)
        uow.commit()

    assert created
    # expire_on_commit=False: what a use case returns stays readable after the block.
    assert department.name == "Afd A"
    assert department.id is not None
    with make_uow() as uow:
        found = uow.org.department_by_name("afd a")
        # Read inside the block: the rollback at its end expires what this unit loaded.
        assert found is not None
        assert found.id == department.id


def test_leaving_without_commit_rolls_back(backend: Engine, make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        department, _ = uow.org.get_or_create_department("Afd A", NOW)
        assert department.id is not None  # flushed: the row existed inside the transaction
        assert uow.org.department_by_name("Afd A") is not None

    assert _count(backend, Department) == 0


def test_exception_rolls_back_and_propagates(backend: Engine, make_uow: UnitOfWorkFactory) -> None:
    def use_case() -> None:
        with make_uow() as uow:
            uow.org.get_or_create_department("Afd A", NOW)
            raise Boom

    with pytest.raises(Boom):
        use_case()

    assert _count(backend, Department) == 0


def test_exception_after_commit_keeps_what_was_committed(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    def use_case() -> None:
        with make_uow() as uow:
            uow.org.get_or_create_department("Afd A", NOW)
            uow.commit()
            uow.org.get_or_create_department("Afd B", NOW)
            raise Boom

    with pytest.raises(Boom):
        use_case()

    with make_uow() as uow:
        assert [d.name for d in uow.org.departments()] == ["Afd A"]


def test_a_database_error_rolls_back_the_whole_unit(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    factories.department(make_uow, "Afd A", NOW)

    def use_case() -> None:
        with make_uow() as uow:
            uow.org.get_or_create_department("Afd B", NOW)
            uow.session.add(Department(name="Afd A", created_at=NOW))  # unique name taken
            uow.commit()

    with pytest.raises(sa.exc.IntegrityError):
        use_case()

    with make_uow() as uow:
        assert [d.name for d in uow.org.departments()] == ["Afd A"]


def test_session_is_closed_after_the_block(backend: Engine) -> None:
    uow = UnitOfWork(backend)
    with uow:
        assert uow.session.is_active
    with pytest.raises(RuntimeError, match="outside its with-block"):
        _ = uow.session
    with pytest.raises(RuntimeError, match="outside its with-block"):
        uow.commit()


def test_a_unit_of_work_can_be_entered_again(backend: Engine, make_uow: UnitOfWorkFactory) -> None:
    uow = make_uow()
    with uow:
        uow.org.get_or_create_department("Afd A", NOW)
        uow.commit()
    with uow:
        assert uow.org.department_by_name("Afd A") is not None


def test_factory_makes_independent_units(backend: Engine, make_uow: UnitOfWorkFactory) -> None:
    first, second = make_uow(), make_uow()
    assert first is not second
    assert make_uow.engine is backend


# --- Repositories never commit ----------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Committed rows that repository writes below refer to."""

    department: int
    staff: int
    resident: int
    diary_type: int
    note: int


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> World:
    dep = factories.department(make_uow, "Afd A", NOW)
    staff = factories.staff(make_uow, 42, Role.MEDARBEJDER, [dep], NOW)
    resident = factories.resident(make_uow, "Mia", dep, NOW)
    with make_uow() as uow:
        diary_type = uow.diary_types.by_name("Skoleforhold")
        assert diary_type is not None
        assert diary_type.id is not None
        note = uow.notes.add(
            DiaryNote(
                resident_id=resident,
                diary_type_id=diary_type.id,
                author_id=staff,
                text="første",
                created_at=NOW,
            )
        )
        uow.commit()
        assert note.id is not None
    return World(dep, staff, resident, diary_type.id, note.id)


Write = Callable[[UnitOfWork, World], object]

WRITES: list[tuple[str, type[SQLModel], Write]] = [
    (
        "org.get_or_create_department",
        Department,
        lambda uow, _: uow.org.get_or_create_department("Afd B", NOW),
    ),
    (
        "staff.add",
        Staff,
        lambda uow, w: uow.staff.add(
            Staff(telegram_user_id=43, display_name="Bo", role="vikar", created_at=NOW),
            [w.department],
        ),
    ),
    (
        "staff.add_department",
        StaffDepartment,
        lambda uow, w: uow.staff.add_department(
            w.staff, uow.org.get_or_create_department("Afd B", NOW)[0].id or 0
        ),
    ),
    (
        "residents.add",
        Resident,
        lambda uow, w: uow.residents.add(
            Resident(
                display_name="Bo",
                birth_date=date(2011, 1, 1),
                department_id=w.department,
                enrolment_date=date(2020, 1, 1),
                created_at=NOW,
                updated_at=NOW,
            )
        ),
    ),
    (
        "diary_types.add",
        DiaryType,
        lambda uow, _: uow.diary_types.add(DiaryType(name="Lokal", sort_order=500)),
    ),
    (
        "diary_types.add_alias",
        DiaryTypeAlias,
        lambda uow, w: uow.diary_types.add_alias(w.diary_type, "lektier"),
    ),
    (
        "drafts.add",
        NoteDraft,
        lambda uow, w: uow.drafts.add(
            NoteDraft(author_id=w.staff, text="x", created_at=NOW, updated_at=NOW)
        ),
    ),
    (
        "notes.add",
        DiaryNote,
        lambda uow, w: uow.notes.add(
            DiaryNote(
                resident_id=w.resident,
                diary_type_id=w.diary_type,
                author_id=w.staff,
                text="anden",
                created_at=NOW,
            )
        ),
    ),
    (
        "notes.add_revision",
        DiaryNoteRevision,
        lambda uow, w: uow.notes.add_revision(
            DiaryNoteRevision(
                note_id=w.note,
                text="første",
                diary_type_id=w.diary_type,
                replaced_at=NOW,
                replaced_by_id=w.staff,
            )
        ),
    ),
    (
        "invites.add",
        Invite,
        lambda uow, w: uow.invites.add(
            Invite(
                code_hash="0" * 64,
                role="vikar",
                department_id=w.department,
                created_at=NOW,
                expires_at=NOW,
            )
        ),
    ),
    (
        "audit.record",
        AuditEvent,
        lambda uow, w: uow.audit.record(at=NOW, actor_id=w.staff, action="read", entity="x"),
    ),
]


@pytest.mark.parametrize(("model", "write"), [w[1:] for w in WRITES], ids=[w[0] for w in WRITES])
def test_repository_writes_are_stored_only_by_commit(
    backend: Engine, make_uow: UnitOfWorkFactory, world: World, model: type[SQLModel], write: Write
) -> None:
    before = _count(backend, model)

    with make_uow() as uow:
        write(uow, world)
        uow.flush()
        # Visible inside the unit of work: the write did happen, just not for good.
        inside = int(uow.session.exec(sa.select(sa.func.count()).select_from(model)).one()[0])
        assert inside == before + 1
    assert _count(backend, model) == before

    with make_uow() as uow:
        write(uow, world)
        uow.commit()
    assert _count(backend, model) == before + 1
