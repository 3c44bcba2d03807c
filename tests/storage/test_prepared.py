"""Prepared statements: the hot path's Core statements on the DBAPI cursor read and write
exactly what Core does, fail as Core fails, and share the unit of work's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.domain.access import Role
from bot.storage import prepared, repositories
from bot.storage.models import AuditEvent, DiaryNote, Staff
from bot.storage.uow import UnitOfWorkFactory
from tests import factories
from tests.sql_log import statements

NOW = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> dict[str, int]:
    dep = factories.department(make_uow, "Afd A", NOW)
    other = factories.department(make_uow, "Afd B", NOW)
    anne = factories.staff(
        make_uow, 42, Role.VIKAR, [dep, other], NOW, access_ends_on=date(2026, 12, 24)
    )
    mia = factories.resident(make_uow, "Mia", dep, NOW)
    with make_uow() as uow:
        diary_type = uow.diary_types.by_name("Skoleforhold")
        assert diary_type is not None
        assert diary_type.id is not None
        return {"dep": dep, "other": other, "anne": anne, "mia": mia, "type": diary_type.id}


def _note(world: dict[str, int], message_id: int) -> dict[str, Any]:
    return {
        "resident_id": world["mia"],
        "diary_type_id": world["type"],
        "author_id": world["anne"],
        "text": "pegede på saft",
        "created_at": NOW,
        "deleted": False,
        "source_chat_id": 42,
        "source_message_id": message_id,
    }


def _both(engine: Engine, stmt: sa.Executable, params: dict[str, Any]) -> tuple[Any, Any]:
    """Rows of one statement through prepared and through Core, in one transaction."""
    with engine.connect() as connection, connection.begin():
        fast = list(prepared.execute(connection, stmt, params))
        core = [tuple(row) for row in connection.execute(stmt, params)]
        return fast, core


@pytest.mark.parametrize(
    "name",
    [
        "_ACTOR_ROW",
        "_ACTOR_DEPARTMENTS",
        "_ACTOR_ASSIGNED",
        "_SAVE_CONTEXT",
        "_SAVE_CONTEXT_LOCKED",
        "_MARK_SAVED",
        "_INSERT_NOTE",
        "_INSERT_AUDIT",
        "_SUB_GOAL_CHOICES",
    ],
)
def test_the_hot_path_statements_have_a_plan(backend: Engine, name: str) -> None:
    # If SQLAlchemy changes under us, these fall back to Core: correct, but the note slows
    # down by ~30 µs a statement. This test says so instead of the benchmark.
    stmt = getattr(repositories, name)
    names = {
        "_ACTOR_ROW": ("uid",),
        "_ACTOR_DEPARTMENTS": ("sid",),
        "_ACTOR_ASSIGNED": ("sid",),
        "_SAVE_CONTEXT": ("draft_id",),
        "_SAVE_CONTEXT_LOCKED": ("draft_id",),
        "_MARK_SAVED": ("draft_id", "note_id", "now"),
        "_INSERT_NOTE": tuple(_note({"mia": 1, "type": 1, "anne": 1}, 1)),
        "_INSERT_AUDIT": (
            ("at", "actor_id", "action", "entity", "entity_id", "resident_id", "detail")
        ),
        "_SUB_GOAL_CHOICES": ("resident_id",),
    }[name]
    assert prepared.plan_for(stmt, backend.dialect, dict.fromkeys(names)) is not None


def test_the_draft_insert_and_the_fingerprints_have_plans(backend: Engine) -> None:
    stmt = repositories._INSERT_DRAFT[backend.dialect.name]
    names = ("author_id", "text", "mode", "status", "created_at", "updated_at")
    assert prepared.plan_for(stmt, backend.dialect, dict.fromkeys(names)) is not None
    for scope in ("departments", "assigned"):
        fingerprint = repositories._FINGERPRINT_BY_SCOPE[scope]
        for ids in ([], [1], [1, 2, 3]):
            assert prepared.plan_for(fingerprint, backend.dialect, {"ids": ids}) is not None


def test_python_defaults_go_through_core(backend: Engine) -> None:
    # note_draft.mode and .status have Python-side defaults: Core fills them in.
    draft = repositories._INSERT_DRAFT[backend.dialect.name]
    names = {"author_id": 1, "text": "x"}
    assert prepared.plan_for(draft, backend.dialect, names) is None


def test_reads_convert_types_as_core_does(backend: Engine, world: dict[str, int]) -> None:
    fast, core = _both(backend, repositories._ACTOR_ROW, {"uid": 42})
    assert fast == core
    [(staff_id, _name, role, active, ends)] = fast
    assert (staff_id, role, active, ends) == (world["anne"], "vikar", True, date(2026, 12, 24))
    assert type(active) is bool  # SQLite stores 1: the Boolean type's processor ran
    fast, core = _both(backend, repositories._ACTOR_DEPARTMENTS, {"sid": world["anne"]})
    assert sorted(fast) == sorted(core) == sorted([(world["dep"],), (world["other"],)])


@pytest.mark.parametrize("lists", [((), ()), (("dep",), ("other",)), (("other", "dep"), ())])
def test_in_lists_of_every_length_read_as_core_reads_them(
    backend: Engine, world: dict[str, int], lists: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    # One statement, several list lengths in turn: each length has its own plan.
    stmt = repositories._FINGERPRINT_BY_SCOPE["departments"]
    for names in lists:
        fast, core = _both(backend, stmt, {"ids": [world[n] for n in names]})
        assert fast == core
        assert fast[0][0] == ("dep" in names)
        assert (fast[0][1] is not None) == ("dep" in names)


def test_a_written_row_reads_back_the_same_through_the_orm(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    with make_uow() as uow:
        note_id = uow.notes.insert(_note(world, 7))
        uow.audit.record(at=NOW, actor_id=world["anne"], action="create", entity="diary_note")
        uow.commit()

    with make_uow(read_only=True) as uow:
        note = uow.session.get(DiaryNote, note_id)
        assert note is not None
        # Aware UTC with microseconds in, aware UTC with microseconds out, on both databases.
        assert (note.created_at, note.text, note.deleted) == (NOW, "pegede på saft", False)
        [event] = uow.session.exec(select(AuditEvent)).all()
        assert (event.at, event.detail) == (NOW, "")


def test_values_compiled_into_the_statement_are_sent(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    with make_uow() as uow:
        card = uow.drafts.insert_from_message(
            {
                "author_id": world["anne"],
                "resident_id": world["mia"],
                "diary_type_id": world["type"],
                "text": "x",
                "mode": "quick",
                "status": "open",
                "source_chat_id": 42,
                "source_message_id": 8,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        assert card is not None
        note_id = uow.notes.insert(_note(world, 8))
        uow.drafts.mark_saved(card[0], note_id, NOW)  # status="saved" is part of the statement
        uow.commit()
    with make_uow(read_only=True) as uow:
        found = uow.drafts.save_context(card[0], lock=False)
    assert found is not None
    assert (found.draft.status, found.draft.note_id, found.note_created_at) == (
        "saved",
        note_id,
        NOW,
    )


def test_a_constraint_violation_is_sqlalchemys_integrity_error(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    with make_uow() as uow:
        uow.notes.insert(_note(world, 9))
        uow.commit()
    with make_uow() as uow, pytest.raises(sa.exc.IntegrityError) as raised:
        uow.notes.insert(_note(world, 9))  # the same source message
    assert raised.value.hide_parameters  # note text never reaches a log through the error
    assert "pegede" not in str(raised.value)


def test_a_missing_parameter_fails_as_core_fails(backend: Engine, world: dict[str, int]) -> None:
    with backend.connect() as connection, pytest.raises(sa.exc.StatementError, match="uid"):
        prepared.execute(connection, repositories._ACTOR_ROW, {})


def test_a_watcher_sees_every_statement(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    with statements(backend) as seen, make_uow(read_only=True) as uow:
        assert uow.staff.actor(42) is not None
    # Who, their departments, their residents (a substitute): three queries, each seen once.
    assert sum("staff.telegram_user_id" in s for s in seen) == 1
    assert sum("FROM staff_department" in s for s in seen) == 1
    assert sum("FROM resident_assignment" in s for s in seen) == 1


def test_no_rows_and_too_many_rows_fail_as_sqlalchemy_says(
    backend: Engine, world: dict[str, int]
) -> None:
    with backend.connect() as connection:
        departments = prepared.execute(
            connection, repositories._ACTOR_DEPARTMENTS, {"sid": world["anne"]}
        )
        nobody = prepared.execute(connection, repositories._ACTOR_ROW, {"uid": 7})
        assert nobody.first() is None
        with pytest.raises(sa.exc.NoResultFound):
            nobody.one()
        with pytest.raises(sa.exc.MultipleResultsFound):
            departments.one()


# --- the unit of work's one transaction -----------------------------------------------------


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        notes = connection.execute(sa.select(sa.func.count()).select_from(DiaryNote)).scalar()
        staff = connection.execute(sa.select(sa.func.count()).select_from(Staff)).scalar()
        return int(notes or 0), int(staff or 0)


def _staff(telegram_user_id: int) -> Staff:
    return Staff(telegram_user_id=telegram_user_id, display_name="Bo", role="vikar", created_at=NOW)


def test_core_and_orm_writes_commit_together(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    before = _counts(backend)
    with make_uow() as uow:
        uow.notes.insert(_note(world, 10))  # prepared, before the session exists
        uow.staff.add(_staff(77), [world["dep"]])  # the ORM, same transaction
        uow.notes.insert(_note(world, 11))  # prepared again, after the ORM's flush
    assert _counts(backend) == before  # no commit: all three undone
    with make_uow() as uow:
        uow.notes.insert(_note(world, 10))
        uow.staff.add(_staff(77), [world["dep"]])
        uow.notes.insert(_note(world, 11))
        uow.commit()
    assert _counts(backend) == (before[0] + 2, before[1] + 1)


def test_rollback_undoes_prepared_writes_and_the_unit_goes_on(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    before = _counts(backend)
    with make_uow() as uow:
        uow.notes.insert(_note(world, 12))
        uow.rollback()
        uow.notes.insert(_note(world, 13))  # a new transaction
        uow.commit()
        uow.notes.insert(_note(world, 14))  # and another, never committed
    assert _counts(backend) == (before[0] + 1, before[1])
    with make_uow(read_only=True) as uow:
        assert uow.notes.by_source(42, 13) is not None
        assert uow.notes.by_source(42, 12) is None
        assert uow.notes.by_source(42, 14) is None


def test_a_session_made_after_core_work_commits_that_work_too(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    # The session joins the transaction only when it first talks to the database; a session
    # that merely exists when commit() comes must not leave the Core writes uncommitted.
    before = _counts(backend)
    with make_uow() as uow:
        uow.notes.insert(_note(world, 15))
        assert uow.session.get_bind() is not None  # made, never used
        uow.commit()
    assert _counts(backend) == (before[0] + 1, before[1])
    with make_uow() as uow:
        uow.notes.insert(_note(world, 16))
        assert uow.session.get_bind() is not None
        uow.rollback()
        uow.commit()
    assert _counts(backend) == (before[0] + 1, before[1])


def test_a_value_its_type_refuses_fails_as_core_fails(
    backend: Engine, make_uow: UnitOfWorkFactory, world: dict[str, int]
) -> None:
    naive = {**_note(world, 17), "created_at": NOW.replace(tzinfo=None)}
    with backend.connect() as connection, pytest.raises(sa.exc.StatementError):
        connection.execute(repositories._INSERT_NOTE, naive)
    with make_uow() as uow, pytest.raises(sa.exc.StatementError):
        uow.notes.insert(naive)


def test_text_statements_go_through_core(backend: Engine) -> None:
    assert prepared.plan_for(sa.text("SELECT 1"), backend.dialect, {}) is None
    with backend.connect() as connection:
        assert prepared.execute(connection, sa.text("SELECT 1 AS one")).rows == [(1,)]


def test_a_long_parameter_name_finds_its_value(backend: Engine, world: dict[str, int]) -> None:
    # PostgreSQL truncates a bind name past 63 characters in the SQL; the value is still
    # looked up by the parameter's own key first, as Core looks it up.
    key = "the_telegram_user_id_of_the_person_we_are_looking_for_right_now_please"
    stmt = (
        sa.select(sa.literal_column("1"))
        .where(sa.column("telegram_user_id") == sa.bindparam(key))
        .select_from(sa.table("staff"))
    )
    fast, core = _both(backend, stmt, {key: 42})
    assert fast == core == [(1,)]
    fast, core = _both(backend, stmt, {key: 7})
    assert fast == core == []
