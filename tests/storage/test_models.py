"""The tables on both backends: aware UTC times, unique keys, foreign keys, SQLite pragmas."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.pool import PoolProxiedConnection
from sqlmodel import Session, select

from bot.domain.access import Role
from bot.storage.db import SQLITE_BUSY_TIMEOUT_MS, create_db_engine
from bot.storage.models import Department, DiaryNote, DiaryType, Staff
from bot.storage.uow import UnitOfWorkFactory
from tests import factories

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(make_uow: UnitOfWorkFactory) -> dict[str, int]:
    """A department with one resident, one member of staff and the first seeded diary type."""
    dep = factories.department(make_uow, "Afd A", NOW)
    with make_uow() as uow:
        type_id = uow.diary_types.active_with_aliases()[0][0].id
    assert type_id is not None
    return {
        "department": dep,
        "resident": factories.resident(make_uow, "Mia", dep, NOW),
        "staff": factories.staff(make_uow, 42, Role.MEDARBEJDER, [dep], NOW),
        "type": type_id,
    }


def _note(world: dict[str, int], **overrides: object) -> DiaryNote:
    values: dict[str, object] = {
        "resident_id": world["resident"],
        "diary_type_id": world["type"],
        "author_id": world["staff"],
        "text": "sov godt",
        "created_at": NOW,
    }
    values.update(overrides)
    return DiaryNote(**values)


# --- UTCDateTime -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "local",
    [
        datetime(2026, 7, 1, 14, 30, 15, 123456, tzinfo=CPH),  # summer time, UTC+2
        datetime(2026, 1, 15, 8, 5, tzinfo=CPH),  # winter time, UTC+1
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=CPH),  # the repeated hour, second time
        datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC),
    ],
    ids=["summer", "winter", "dst-fold", "utc"],
)
def test_aware_datetime_round_trips_as_utc(backend: Engine, local: datetime) -> None:
    with Session(backend) as session:
        session.add(Department(name="Afd A", created_at=local))
        session.commit()

    with Session(backend) as session:
        stored = session.exec(select(Department)).one().created_at

    # Compare as UTC: Python never calls a time in a repeated hour equal across zones (PEP 495).
    assert stored == local.astimezone(UTC)
    assert stored.timestamp() == local.timestamp()
    assert stored.tzinfo is UTC


def test_stored_time_is_utc_in_the_database(backend: Engine) -> None:
    summer = datetime(2026, 7, 1, 14, 30, tzinfo=CPH)
    with Session(backend) as session:
        session.add(Department(name="Afd A", created_at=summer))
        session.commit()

    with backend.connect() as conn:
        if backend.dialect.name == "sqlite":
            raw = conn.execute(sa.text("SELECT created_at FROM department")).scalar_one()
            assert raw.startswith("2026-07-01 12:30:00")
        else:
            hour = conn.execute(
                sa.text("SELECT extract(hour FROM created_at AT TIME ZONE 'UTC') FROM department")
            ).scalar_one()
            assert hour == 12


def test_utc_ordering_ignores_the_offset_it_was_given_in(backend: Engine) -> None:
    # 13:00 in Copenhagen (12:00 UTC) is earlier than 12:30 UTC, whatever the wall clocks say.
    with Session(backend) as session:
        session.add(Department(name="later", created_at=datetime(2026, 1, 15, 12, 30, tzinfo=UTC)))
        session.add(Department(name="earlier", created_at=datetime(2026, 1, 15, 13, 0, tzinfo=CPH)))
        session.commit()

    with Session(backend) as session:
        names = session.exec(select(Department.name).order_by(Department.created_at)).all()

    assert names == ["earlier", "later"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize("zone", ["Europe/Copenhagen", "Pacific/Auckland"], ids=str)
def test_postgresql_session_time_zone_does_not_matter(backend: Engine, zone: str) -> None:
    summer = datetime(2026, 7, 1, 14, 30, tzinfo=CPH)
    with backend.connect() as conn:
        conn.execute(sa.text(f"SET TIME ZONE '{zone}'"))
        with Session(bind=conn) as session:
            session.add(Department(name="Afd A", created_at=summer))
            session.flush()
            stored = session.exec(
                select(Department.created_at).execution_options(populate_existing=True)
            ).one()
        assert conn.execute(sa.text("SHOW TIME ZONE")).scalar_one() == zone
        conn.rollback()

    assert stored == summer.astimezone(UTC)
    assert stored.tzinfo is UTC


def test_naive_datetime_is_refused(backend: Engine) -> None:
    naive = datetime(2026, 7, 1, 14, 30)  # noqa: DTZ001 (the point of the test)
    with Session(backend) as session:
        session.add(Department(name="Afd A", created_at=naive))
        with pytest.raises(StatementError, match="naive datetime") as caught:
            session.commit()
    assert isinstance(caught.value.orig, ValueError)

    with Session(backend) as session:
        assert session.exec(select(Department)).all() == []


def test_null_time_stays_null(backend: Engine, world: dict[str, int]) -> None:
    with Session(backend) as session:
        session.add(_note(world, edited_at=None))
        session.commit()

    with Session(backend) as session:
        note = session.exec(select(DiaryNote)).one()
    assert note.edited_at is None
    assert note.created_at == NOW


# --- Keys ------------------------------------------------------------------------------------


def test_second_note_from_the_same_message_is_refused(
    backend: Engine, world: dict[str, int]
) -> None:
    with Session(backend) as session:
        session.add(_note(world, source_chat_id=7, source_message_id=100))
        session.commit()

    with Session(backend) as session:
        session.add(_note(world, source_chat_id=7, source_message_id=100, text="igen"))
        with pytest.raises(IntegrityError):
            session.commit()

    with Session(backend) as session:
        assert len(session.exec(select(DiaryNote)).all()) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [((7, 100), (7, 101)), ((7, 100), (8, 100)), ((None, None), (None, None))],
    ids=["other-message", "other-chat", "no-source"],
)
def test_notes_from_different_or_no_messages_are_allowed(
    backend: Engine,
    world: dict[str, int],
    first: tuple[int | None, int | None],
    second: tuple[int | None, int | None],
) -> None:
    with Session(backend) as session:
        for chat_id, message_id in (first, second):
            session.add(_note(world, source_chat_id=chat_id, source_message_id=message_id))
        session.commit()

    with Session(backend) as session:
        assert len(session.exec(select(DiaryNote)).all()) == 2


def test_telegram_ids_beyond_32_bits_fit(backend: Engine, world: dict[str, int]) -> None:
    big_user = 7_123_456_789
    big_chat = -1_002_233_445_566
    with Session(backend) as session:
        session.add(
            Staff(telegram_user_id=big_user, display_name="B", role="vikar", created_at=NOW)
        )
        session.add(_note(world, source_chat_id=big_chat, source_message_id=2**40))
        session.commit()

    with Session(backend) as session:
        assert session.exec(select(Staff.id).where(Staff.telegram_user_id == big_user)).one()
        assert session.exec(select(DiaryNote.source_chat_id)).one() == big_chat


@pytest.mark.parametrize(
    "missing",
    ["resident_id", "diary_type_id", "author_id"],
    ids=["resident", "diary-type", "author"],
)
def test_foreign_keys_are_enforced(backend: Engine, world: dict[str, int], missing: str) -> None:
    with Session(backend) as session:
        session.add(_note(world, **{missing: 999_999}))
        with pytest.raises(IntegrityError):
            session.commit()

    with Session(backend) as session:
        assert session.exec(select(DiaryNote)).all() == []


def test_deleting_a_diary_type_cascades_to_its_aliases(backend: Engine) -> None:
    with Session(backend) as session:
        komm = session.exec(
            select(DiaryType).where(DiaryType.name == "Kommunikationsforhold")
        ).one()
        session.delete(komm)
        session.commit()

    with backend.connect() as conn:
        aliases = set(conn.execute(sa.text("SELECT alias FROM diary_type_alias")).scalars())
    assert "komm" not in aliases
    assert "kommunikation" not in aliases
    assert "familie" in aliases


def test_unique_resident_per_department_name_and_birth_date(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    dep = factories.department(make_uow, "Afd A", NOW)
    factories.resident(make_uow, "Mia", dep, NOW, birth_date=date(2012, 5, 17))
    factories.resident(make_uow, "Mia", dep, NOW, birth_date=date(2013, 5, 17))

    with pytest.raises(IntegrityError):
        factories.resident(make_uow, "Mia", dep, NOW, birth_date=date(2012, 5, 17))


# --- SQLite connection settings ----------------------------------------------------------------


@pytest.fixture
def sqlite_engines(tmp_path: Path) -> Iterator[dict[str, Engine]]:
    """Engines on one SQLite file, one per synchronous setting."""
    url = f"sqlite:///{tmp_path / 'pragmas.db'}"
    engines = {mode: create_db_engine(url, synchronous=mode) for mode in ("NORMAL", "FULL")}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.mark.parametrize(("synchronous", "level"), [("NORMAL", 1), ("FULL", 2)], ids=str)
def test_sqlite_pragmas_on_every_pooled_connection(
    sqlite_engines: dict[str, Engine], synchronous: str, level: int
) -> None:
    engine = sqlite_engines[synchronous]
    # Two connections at once, so that the second is a new one from the pool, not a reuse.
    # Raw DBAPI connections: an SQLAlchemy connection would start with BEGIN IMMEDIATE, and
    # the second would wait for the first one's write lock.
    first, second = engine.raw_connection(), engine.raw_connection()
    try:
        assert first.driver_connection is not second.driver_connection
        for conn in (first, second):
            assert _pragma(conn, "journal_mode") == "wal"
            assert _pragma(conn, "foreign_keys") == 1
            busy = _pragma(conn, "busy_timeout")
            assert busy == SQLITE_BUSY_TIMEOUT_MS
            assert busy >= 10_000
            assert _pragma(conn, "synchronous") == level
    finally:
        first.close()
        second.close()


def _pragma(conn: PoolProxiedConnection, name: str) -> object:
    cursor = conn.cursor()
    try:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]
    finally:
        cursor.close()


def test_sqlite_refuses_an_unknown_synchronous_mode(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NORMAL or FULL"):
        create_db_engine(f"sqlite:///{tmp_path / 'x.db'}", synchronous="OFF")


def test_sqlite_creates_the_directory_of_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "bot.db"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()
    assert path.exists()


def test_in_memory_sqlite_shares_one_database_across_sessions() -> None:
    engine = create_db_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT x FROM t").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_created_at_can_be_compared_with_the_clock(backend: Engine, world: dict[str, int]) -> None:
    # Services compare stored times with clock.now(): a naive value coming back would raise.
    with Session(backend) as session:
        session.add(_note(world))
        session.commit()
    with Session(backend) as session:
        note = session.exec(select(DiaryNote)).one()
    assert NOW + timedelta(minutes=5) - note.created_at == timedelta(minutes=5)
