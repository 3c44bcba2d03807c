"""Migrations: from empty to head, back to base and up again, and a schema equal to the models."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.storage.db import alembic_config, current_revision, integrity_ok, upgrade
from bot.storage.models import Department  # importing the models registers every table

HEAD = "0008"  # bump with every new migration: the tests below pin the chain

# The twelve diary types of the individual plan with their aliases, in display order. Written
# out here rather than imported from the migration, so that a changed seed fails this test.
SEEDED_TYPES = [
    ("Familieforhold", "context", ["familie"]),
    ("Sundhedsforhold", "context", ["sundhed", "helbred"]),
    ("Kommunikationsforhold", "context", ["komm", "kommunikation"]),
    ("Indflydelse på eget liv", "context", ["ipel", "indflydelse"]),
    ("Følelses- og adfærdsmæssige forhold", "context", ["adfærd", "følelser"]),
    ("Identitetsforhold", "context", ["identitet"]),
    ("Selvstændighedsforhold", "context", ["selvst", "selvstændighed"]),
    ("Skoleforhold", "context", ["skole"]),
    ("Fritidsforhold", "context", ["fritid"]),
    ("Venskabsforhold", "context", ["venskab", "venner"]),
    ("Magtanvendelse", "use_of_force", ["magt"]),
    ("Manglende arbejde med delmål", "missing_subgoal_work", ["delmål"]),
]


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _seeded(engine: Engine) -> list[tuple[str, str, list[str]]]:
    """Return the diary types in display order, each with its aliases, as stored."""
    with engine.connect() as conn:
        types = conn.execute(
            sa.text(
                "SELECT id, name, kind, builtin, active FROM diary_type ORDER BY sort_order, id"
            )
        ).all()
        aliases = conn.execute(
            sa.text("SELECT diary_type_id, alias FROM diary_type_alias ORDER BY id")
        ).all()
    assert all(row.builtin and row.active for row in types)
    by_type: dict[int, list[str]] = {}
    for type_id, alias in aliases:
        by_type.setdefault(type_id, []).append(alias)
    return [(row.name, row.kind, by_type.get(row.id, [])) for row in types]


def _schema_differences(engine: Engine) -> list[object]:
    """What `alembic check` would report: differences between the database and the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def test_upgrade_from_empty_creates_every_table(empty_backend: Engine) -> None:
    assert _tables(empty_backend) == set()
    assert current_revision(empty_backend) is None

    upgrade(empty_backend)

    assert _tables(empty_backend) == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert current_revision(empty_backend) == HEAD
    assert integrity_ok(empty_backend)


def test_upgrade_seeds_the_twelve_diary_types_with_aliases(empty_backend: Engine) -> None:
    upgrade(empty_backend)

    assert _seeded(empty_backend) == SEEDED_TYPES


def test_migrated_schema_matches_the_models(empty_backend: Engine) -> None:
    # Types and server defaults are compared too; there is no cosmetic difference to ignore
    # (AutoString(n) is reflected as VARCHAR(n), DateTime(timezone=True) as TIMESTAMP WITH
    # TIME ZONE on PostgreSQL and as DATETIME on SQLite, both of which alembic treats as equal).
    upgrade(empty_backend)

    assert _schema_differences(empty_backend) == []


def test_downgrade_to_base_and_upgrade_again(empty_backend: Engine) -> None:
    upgrade(empty_backend)

    command.downgrade(alembic_config(empty_backend), "base")

    assert _tables(empty_backend) == {"alembic_version"}
    assert current_revision(empty_backend) is None

    upgrade(empty_backend)

    assert current_revision(empty_backend) == HEAD
    assert _tables(empty_backend) == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert _seeded(empty_backend) == SEEDED_TYPES
    assert _schema_differences(empty_backend) == []


def test_downgrade_of_the_seed_keeps_local_types(empty_backend: Engine) -> None:
    upgrade(empty_backend)
    with empty_backend.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO diary_type (name, kind, builtin, active, sort_order) "
                "VALUES ('Lokal type', 'context', false, true, 500)"
            )
        )

    command.downgrade(alembic_config(empty_backend), "0001")

    with empty_backend.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM diary_type")).scalars().all()
        aliases = conn.execute(sa.text("SELECT count(*) FROM diary_type_alias")).scalar_one()
    assert names == ["Lokal type"]
    assert aliases == 0
    assert current_revision(empty_backend) == "0001"


def test_upgrade_twice_is_a_no_op(empty_backend: Engine) -> None:
    upgrade(empty_backend)
    created = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with empty_backend.begin() as conn:
        conn.execute(sa.insert(Department).values(name="Afd A", created_at=created))

    upgrade(empty_backend)

    assert current_revision(empty_backend) == HEAD
    assert _seeded(empty_backend) == SEEDED_TYPES
    with empty_backend.connect() as conn:
        departments = conn.execute(sa.text("SELECT name FROM department")).scalars().all()
        versions = conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one()
    assert departments == ["Afd A"]
    assert versions == 1


def test_schema_check_sees_a_missing_index(empty_backend: Engine) -> None:
    # The comparison above is only worth something if it notices a drift.
    upgrade(empty_backend)
    with empty_backend.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_note_author_created"))

    differences = _schema_differences(empty_backend)

    assert [(d[0], d[1].name) for d in differences] == [  # type: ignore[index]
        ("add_index", "ix_note_author_created")
    ]


def test_every_model_column_is_queryable_on_the_backend_fixture(backend: Engine) -> None:
    # The backend fixture's database is migrated (a copied template on SQLite): every column
    # the models know must exist there, or one of these selects fails.
    with backend.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            conn.execute(sa.select(*table.columns).limit(1)).all()
    assert current_revision(backend) == HEAD
