"""Units of work on the event loop's kept connection: one transaction each, nothing carried over."""

from __future__ import annotations

import gc
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage.db import READ_ONLY
from bot.storage.models import Department
from bot.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Boom(Exception):
    """Raised inside a unit of work by the tests."""


def _names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(Department.name).order_by(Department.name)).scalars())


def test_units_take_turns_on_one_connection_each_in_its_own_transaction(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    with make_uow.on_loop() as uow:
        uow.org.get_or_create_department("Afd A", NOW)
        first = uow.connection
        uow.commit()
    with make_uow.on_loop() as uow:
        uow.org.get_or_create_department("Afd B", NOW)
        assert uow.connection is first
        # left without commit: rolled back at the end of the block
    assert not first.in_transaction()
    with make_uow.on_loop() as uow:
        assert uow.connection is first
        assert [d.name for d in uow.org.departments()] == ["Afd A"]
    assert _names(backend) == ["Afd A"]


def test_an_exception_rolls_back_and_the_next_unit_starts_clean(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    kept: list[sa.Connection] = []

    def use_case() -> None:
        with make_uow.on_loop() as uow:
            uow.org.get_or_create_department("Afd A", NOW)
            kept.append(uow.connection)
            raise Boom

    with pytest.raises(Boom):
        use_case()
    with make_uow.on_loop() as uow:
        assert uow.connection is kept[0]
        assert uow.org.department_by_name("Afd A") is None
        uow.org.get_or_create_department("Afd B", NOW)
        uow.commit()
    assert _names(backend) == ["Afd B"]


def test_a_database_error_leaves_the_kept_connection_usable(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    with make_uow.on_loop() as uow:
        uow.org.get_or_create_department("Afd A", NOW)
        uow.commit()

    def use_case() -> None:
        with make_uow.on_loop() as uow:
            uow.session.add(Department(name="Afd A", created_at=NOW))  # unique name taken
            uow.commit()

    with pytest.raises(sa.exc.IntegrityError):
        use_case()
    with make_uow.on_loop() as uow:
        uow.org.get_or_create_department("Afd B", NOW)
        uow.commit()
    assert _names(backend) == ["Afd A", "Afd B"]


def test_a_unit_inside_a_unit_gets_a_connection_of_its_own(
    backend: Engine, make_uow: UnitOfWorkFactory
) -> None:
    with make_uow.on_loop() as outer:
        outer.org.get_or_create_department("Afd A", NOW)
        with make_uow.on_loop(read_only=True) as reader:
            with make_uow.on_loop(read_only=True) as inner:
                assert inner.connection is not reader.connection
                assert inner.org.department_by_name("Afd A") is None  # not committed yet
            assert reader.connection is not outer.connection
            assert reader.org.department_by_name("Afd A") is None
        outer.commit()
    assert _names(backend) == ["Afd A"]


def test_read_only_units_keep_a_read_only_connection(make_uow: UnitOfWorkFactory) -> None:
    with make_uow.on_loop(read_only=True) as reader:
        reading = reader.connection
        assert reading.get_execution_options().get(READ_ONLY) is True
    with make_uow.on_loop() as writer:
        assert writer.connection is not reading
        assert writer.connection.get_execution_options().get(READ_ONLY) is None
    with make_uow.on_loop(read_only=True) as reader:
        assert reader.connection is reading


def test_another_thread_never_gets_the_kept_connection(make_uow: UnitOfWorkFactory) -> None:
    with make_uow.on_loop(read_only=True) as uow:
        kept = uow.connection
    seen: list[sa.Connection] = []

    def elsewhere() -> None:
        with make_uow.on_loop(read_only=True) as uow:
            seen.append(uow.connection)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert len(seen) == 1
    assert seen[0] is not kept
    assert seen[0].closed  # its own connection, closed at the end of its unit


def test_a_broken_connection_is_replaced(make_uow: UnitOfWorkFactory) -> None:
    with make_uow.on_loop(read_only=True) as uow:
        broken = uow.connection
        broken.invalidate()  # as a dropped connection is (bot.storage.prepared)
    assert broken.closed
    with make_uow.on_loop(read_only=True) as uow:
        assert uow.connection is not broken
        assert uow.org.department_by_name("Afd A") is None


def test_close_hands_the_kept_connections_back(backend: Engine) -> None:
    factory = UnitOfWorkFactory(backend)
    kept = []
    for read_only in (False, True):
        with factory.on_loop(read_only=read_only) as uow:
            kept.append(uow.connection)
    assert not any(c.closed for c in kept)

    factory.close()

    assert all(c.closed for c in kept)
    with factory.on_loop() as uow:  # still works, on a connection of its own
        uow.org.get_or_create_department("Afd A", NOW)
        own = uow.connection
        uow.commit()
    assert own.closed
    assert _names(backend) == ["Afd A"]


def test_a_factory_that_goes_away_hands_them_back_too(backend: Engine) -> None:
    factory = UnitOfWorkFactory(backend)
    with factory.on_loop(read_only=True) as uow:
        kept = uow.connection
    del factory, uow
    gc.collect()  # a connection left to the collector would warn (warnings are errors here)
    assert kept.closed
