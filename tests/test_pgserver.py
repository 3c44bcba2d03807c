"""Tests for the throwaway PostgreSQL server helper used by database tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, text

try:
    from tests.pgserver import PostgresServer, find_pg_bindir
except ModuleNotFoundError:
    # Plain `pytest` (unlike `python -m pytest`) does not put the repo root on sys.path.
    from pgserver import PostgresServer, find_pg_bindir  # type: ignore[no-redef,import-not-found]


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    """Yield an engine and dispose it, so no pooled connection leaks a ResourceWarning."""
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """One server for the whole module, because initdb + startup cost about a second."""
    server = PostgresServer.start(tmp_path_factory.mktemp("pg"))
    yield server
    server.stop()


def test_finds_server_binaries() -> None:
    bindir = find_pg_bindir()
    assert bindir is not None, "PostgreSQL is not installed; run scripts/ensure-postgres"
    for name in ("initdb", "pg_ctl", "postgres"):
        assert (bindir / name).exists()


def test_url_points_at_running_server(pg: PostgresServer) -> None:
    assert pg.running
    assert pg.url == f"postgresql+psycopg://postgres@127.0.0.1:{pg.port}/postgres"
    assert pg.log_path.exists()


def test_select_version_through_sqlalchemy(pg: PostgresServer) -> None:
    with engine_for(pg.url) as engine, engine.connect() as conn:
        version = conn.execute(text("SELECT version()")).scalar_one()
    assert "PostgreSQL" in version


def test_created_databases_are_separate(pg: PostgresServer) -> None:
    url_a = pg.create_database("iso_a")
    url_b = pg.create_database("iso_b")
    try:
        assert url_a.endswith(f":{pg.port}/iso_a")
        with engine_for(url_a) as engine, engine.begin() as conn:
            conn.execute(text("CREATE TABLE note (id serial PRIMARY KEY, body text)"))
            conn.execute(text("INSERT INTO note (body) VALUES ('hej')"))
        with engine_for(url_a) as engine, engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('public.note')")).scalar() == "note"
        with engine_for(url_b) as engine, engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('public.note')")).scalar() is None
            assert conn.execute(text("SELECT current_database()")).scalar() == "iso_b"
    finally:
        pg.drop_database("iso_a")
        pg.drop_database("iso_b")


def test_drop_database_removes_it_even_with_open_connections(pg: PostgresServer) -> None:
    url = pg.create_database("doomed")
    with engine_for(url) as engine:
        # A checked-in pooled connection stays open; WITH (FORCE) must still drop the database.
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        pg.drop_database("doomed")
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(pg.conninfo("doomed")).close()


def test_stop_really_stops(tmp_path: Path) -> None:
    # A server of its own: stopping the shared module server would break the other tests.
    server = PostgresServer.start(tmp_path)
    conninfo = server.conninfo()
    with psycopg.connect(conninfo) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)

    server.stop()
    server.stop()  # idempotent

    assert not server.running
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(conninfo, connect_timeout=2).close()
    assert (tmp_path / "pg.log").exists()
    assert not server.data_dir.joinpath("postmaster.pid").exists()
