"""`python -m bot import goals FILE.csv`, run for real in a subprocess as an operator would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.storage.db import create_db_engine
from bot.storage.models import Goal, SubGoal
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.test_cli import RESIDENTS_CSV, run_cli

GOALS_CSV = (
    "resident_name,resident_birth_date,ref,goal_text,rationale,goal_type,contexts,"
    "mandatory_area,start_date,end_date,interval,sub_goal_text,sub_goal_method,scoring_frequency\n"
    "Mia,2012-05-17,HP-1,Mia går i skole hver dag,Kommunens formål,udviklingsmaal,"
    "Skoleforhold,skole,2026-09-01,2027-08-31,3 måneder,Mia møder til første time,"
    "Vækning kl. 7,daily\n"
    "Mia,2012-05-17,HP-1,Mia går i skole hver dag,Kommunens formål,udviklingsmaal,"
    "Skoleforhold,skole,2026-09-01,2027-08-31,3 måneder,Mia læser,Højtlæsning,weekly\n"
    "Bo,2015-03-03,HP-1,Bo leger med andre,,Vedligeholdelsesmål,venskab;fritid,"
    "sociale_relationer,2026-10-01,2027-09-30,6 uger,,,\n"
)
BAD_CSV = (
    "resident_name,resident_birth_date,ref,goal_text,rationale,goal_type,contexts,"
    "mandatory_area,start_date,end_date,interval\n"
    "Mia,2012-05-17,HP-7,Et godt mål,,andet,Skoleforhold,,2026-09-01,2027-08-31,2 mdr\n"
    "Mia,2012-05-17,HP-8,Et mål,,smart,Skoleforhold,,2026-09-01,2026-08-31,2 mdr\n"
    "Sofie,2012-05-17,HP-9,Et mål,,andet,Skoleforhold,,2026-09-01,2027-08-31,2 mdr\n"
)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory: no .env, no database yet."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def cli_uow(workdir: Path) -> Iterator[UnitOfWorkFactory]:
    """Units of work on the database the CLI runs in workdir use."""
    engine = create_db_engine(f"sqlite:///{workdir / 'cli.db'}")
    yield UnitOfWorkFactory(engine)
    engine.dispose()


def test_help_names_the_goal_columns(workdir: Path) -> None:
    listing = run_cli(workdir, "import", "--help")
    result = run_cli(workdir, "import", "goals", "--help")

    assert listing.returncode == 0, listing.stderr
    assert "\n    goals " in listing.stdout
    assert result.returncode == 0, result.stderr
    assert (
        "resident_name, resident_birth_date, ref, goal_text, rationale, goal_type, contexts, "
        "mandatory_area, start_date, end_date, interval\n"
    ) in result.stdout
    assert "sub_goal_text, sub_goal_method, scoring_frequency\n" in result.stdout


def test_import_goals_twice_then_a_bad_file(workdir: Path, cli_uow: UnitOfWorkFactory) -> None:
    (workdir / "residents.csv").write_text(RESIDENTS_CSV, encoding="utf-8")
    (workdir / "goals.csv").write_text(GOALS_CSV, encoding="utf-8")
    (workdir / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    assert run_cli(workdir, "import", "residents", "residents.csv").returncode == 0

    first = run_cli(workdir, "import", "goals", "goals.csv")
    again = run_cli(workdir, "import", "goals", "goals.csv")
    bad = run_cli(workdir, "import", "goals", "bad.csv")

    assert first.returncode == 0, first.stderr
    assert first.stdout == ("Mål: 2 oprettet, 0 fik nye delmål, 0 uændret. Delmål: 2 oprettet.\n")
    assert again.returncode == 0, again.stderr
    assert again.stdout == ("Mål: 0 oprettet, 0 fik nye delmål, 2 uændret. Delmål: 0 oprettet.\n")
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert bad.stderr.splitlines() == [
        "bad.csv, line 3: goal_type: »smart« er ikke en måltype: brug udviklingsmaal, "
        "vedligeholdelsesmaal eller andet.",
        "bad.csv, line 3: end_date: Slutdatoen skal ligge efter startdatoen.",
        "Nothing was imported: 1 line(s) need fixing. Fix them and import the whole file again.",
    ]
    with Session(cli_uow.engine) as session:
        stored = list(session.exec(select(Goal).order_by(col(Goal.id))))
        subs = list(session.exec(select(SubGoal).order_by(col(SubGoal.id))))
    assert [(g.external_ref, g.text, g.source, g.created_by_id) for g in stored] == [
        ("HP-1", "Mia går i skole hver dag", "kommune", None),
        ("HP-1", "Bo leger med andre", "kommune", None),
    ]
    assert stored[1].goal_type == "vedligeholdelsesmaal"
    assert (stored[1].interval_count, stored[1].interval_unit) == (6, "weeks")
    assert [s.text for s in subs] == ["Mia møder til første time", "Mia læser"]
    assert all(s.start_date >= date(2026, 9, 1) for s in subs)


def test_unknown_residents_are_found_only_when_the_rows_are_valid(
    workdir: Path, cli_uow: UnitOfWorkFactory
) -> None:
    (workdir / "residents.csv").write_text(RESIDENTS_CSV, encoding="utf-8")
    (workdir / "bad.csv").write_text(
        BAD_CSV.replace("smart", "andet").replace("2026-08-31", "2026-12-31"), encoding="utf-8"
    )
    assert run_cli(workdir, "import", "residents", "residents.csv").returncode == 0

    bad = run_cli(workdir, "import", "goals", "bad.csv")

    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0] == (
        "bad.csv, line 4: Der er ingen beboer »Sofie« født 2012-05-17."
    )
    with Session(cli_uow.engine) as session:
        assert session.exec(select(Goal)).all() == []  # the good rows 2 and 3 neither
