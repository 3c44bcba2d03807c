"""Fixtures of the demo tests: where the demo keeps its facility, and an empty working directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where this test's demo keeps its database and files, as data/ is for `make run`."""
    return tmp_path / "data"


@pytest.fixture
def no_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Run the test in an empty directory: a demo that ignored folder= would show up here."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield
    assert list(work.iterdir()) == []
