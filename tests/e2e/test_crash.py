"""SIGKILL the bot while it saves notes; nothing confirmed is lost or doubled."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.crashtest import run_crash_test

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def test_killed_bot_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Three kills at random moments, replays after each restart, then one clean run."""
    report = run_crash_test(3, seed=7, workdir=tmp_path / "crash")

    assert report.child_errors == [], report.summary()
    assert report.lost == 0, report.summary()
    assert report.duplicates == 0, report.summary()
    assert report.integrity_ok, report.summary()
    assert report.unsaved_after_drain == 0, report.summary()
    assert report.confirmed > 0, report.summary()
    assert report.saved == report.saved_distinct_sources == report.attempted, report.summary()


def test_every_note_sent_before_a_kill_is_confirmed_after_the_restart(tmp_path: Path) -> None:
    """A redelivered note, saved or not before the kill, ends up confirmed exactly once."""
    report = run_crash_test(2, seed=11, workdir=tmp_path / "crash")

    assert report.kills == 2
    assert report.confirmed == report.attempted, report.summary()
    assert report.saved == report.attempted, report.summary()
    assert report.ok, report.summary()
