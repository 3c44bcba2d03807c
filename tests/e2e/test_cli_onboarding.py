"""The command line for issue 5: a substitute's invite and the checklist import, for real."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.storage.db import create_db_engine
from bot.storage.models import Invite, InviteResident, OnboardingTemplate
from bot.storage.uow import UnitOfWorkFactory
from tests.e2e.test_cli import RESIDENTS_CSV, run_cli

CHECKLIST_CSV = (
    "code;title;owner;due_days;gates_briefs;recurs_months;agency_only;description\n"
    "intro;Introforløb;leder;-3;ja;;nej;Målgruppen og metoderne\n"
    "regler;Læs reglerne;vikar;0;ja;;nej;\n"
    "moede;Vikarmøde;leder;90;nej;6;nej;To gange om året\n"
)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    (path / "residents.csv").write_text(RESIDENTS_CSV, encoding="utf-8")
    assert run_cli(path, "import", "residents", "residents.csv").returncode == 0
    return path


@pytest.fixture
def cli_uow(workdir: Path) -> Iterator[UnitOfWorkFactory]:
    engine = create_db_engine(f"sqlite:///{workdir / 'cli.db'}")
    yield UnitOfWorkFactory(engine)
    engine.dispose()


def test_substitute_invite_stores_the_terms(workdir: Path, cli_uow: UnitOfWorkFactory) -> None:
    # The CLI reads the real clock: a start three days from now is valid on any day.
    start = datetime.now(UTC).date() + timedelta(days=3)
    until = start + timedelta(days=30)
    result = run_cli(
        workdir,
        "invite",
        "--role",
        "vikar",
        "--department",
        "afdeling øst",
        "--start",
        start.strftime("%d.%m.%Y"),
        "--until",
        until.isoformat(),
        "--residents",
        "mia, Bo",
        "--agency",
    )

    assert result.returncode == 0, result.stderr
    assert "from an agency; residents: mia, Bo." in result.stdout
    with cli_uow() as uow:
        invite = uow.session.exec(select(Invite)).one()
        terms = (invite.role, invite.starts_on, invite.access_ends_on, invite.agency)
        residents = uow.session.exec(select(InviteResident.resident_id)).all()
    assert terms == (
        "vikar",
        start,
        until,
        True,
    )
    assert len(residents) == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--residents", "Mia"], "needs --start, --until and --residents"),
        (
            ["--start", "+1", "--until", "+20", "--residents", "Ida"],
            "No resident named 'Ida' lives in the department.",
        ),
        (
            ["--start", "+10", "--until", "+1", "--residents", "Mia"],
            "The last day of access cannot be before the start date.",
        ),
    ],
    ids=["missing-terms", "unknown-resident", "end-before-start"],
)
def test_substitute_invite_refuses_bad_terms(
    workdir: Path, cli_uow: UnitOfWorkFactory, extra: list[str], message: str
) -> None:
    today = datetime.now(UTC).date()
    extra = [
        (today + timedelta(days=int(a))).isoformat() if a.startswith("+") else a for a in extra
    ]
    result = run_cli(workdir, "invite", "--role", "vikar", "--department", "Afdeling Øst", *extra)

    assert result.returncode != 0
    assert message in result.stderr
    with cli_uow() as uow:
        assert uow.session.exec(select(Invite)).all() == []


def test_terms_are_only_for_substitutes(workdir: Path) -> None:
    result = run_cli(
        workdir, "invite", "--role", "medarbejder", "--department", "Afdeling Øst", "--agency"
    )
    assert result.returncode == 2
    assert "are for --role vikar" in result.stderr


def test_checklist_import_replaces_the_checklist(workdir: Path, cli_uow: UnitOfWorkFactory) -> None:
    (workdir / "checklist.csv").write_text(CHECKLIST_CSV, encoding="utf-8")

    result = run_cli(workdir, "import", "onboarding", "checklist.csv")

    assert result.returncode == 0, result.stderr
    # "regler" is a step of the default checklist too: updated, not created.
    assert "Checklist steps: 2 created, 1 updated, 0 unchanged." in result.stdout
    with cli_uow() as uow:
        active = uow.session.exec(
            select(OnboardingTemplate)
            .where(col(OnboardingTemplate.active))
            .order_by(col(OnboardingTemplate.position))
        ).all()
        shown = [(t.code, t.owner, t.due_days, t.recurs_months) for t in active]
        inactive = uow.session.exec(
            select(OnboardingTemplate).where(col(OnboardingTemplate.active).is_(False))
        ).all()
    assert shown == [
        ("intro", "leder", -3, None),
        ("regler", "vikar", 0, None),
        ("moede", "leder", 90, 6),
    ]
    assert (
        len(inactive) == 8
    )  # the rest of the default checklist's steps, kept for those who have them


def test_a_bad_checklist_changes_nothing(workdir: Path, cli_uow: UnitOfWorkFactory) -> None:
    bad = CHECKLIST_CSV + "x;Noget;chef;abc;;;;\n"
    (workdir / "checklist.csv").write_text(bad, encoding="utf-8")

    result = run_cli(workdir, "import", "onboarding", "checklist.csv")

    assert result.returncode == 1
    assert "line 5: owner must be vikar or leder (not 'chef')" in result.stderr
    assert "Nothing was imported" in result.stderr
    with cli_uow() as uow:
        codes = uow.session.exec(
            select(OnboardingTemplate.code).where(col(OnboardingTemplate.active))
        ).all()
    assert "intro" not in codes
    assert len(codes) == 9
