"""Two real bot processes sweep one PostgreSQL database at the same moment (issue 4 §3, §4).

The parent seeds a database, then starts two OS processes. Each builds the real application
(bot.app.build_application) on that database with a Bot on an in-process fake Bot API of its
own, says it is ready, waits for the parent's "go" (sent to both at once), sweeps once and
writes what it sent to a JSON file. Together they must have delivered every item exactly once,
in one message per person.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col
from sqlmodel import select as sql_select

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.access import Role
from bot.fakeapi import FakeBotApi
from bot.storage.db import create_db_engine, upgrade
from bot.storage.models import (
    ContactTeamMember,
    Evaluation,
    Goal,
    ReminderDelivery,
    Resident,
    Staff,
)
from bot.storage.uow import UnitOfWorkFactory
from tests.pgserver import PostgresServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs select() on pipes")

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2027, 3, 10, 10, 0, tzinfo=TZ)  # a Wednesday, inside everyone's hours
PEOPLE = 40
TWO_ITEMS_EVERY = 4  # every 4th person is also on a second resident's kontaktteam
SEND_LATENCY = 0.05  # seconds per Bot API call: a send takes a while, as over the network
WAIT_SECONDS = 60.0


# --- the child process ----------------------------------------------------------------------------


async def _child(url: str, now: datetime) -> dict[str, Any]:
    clock = FixedClock(now)
    api = FakeBotApi(clock=lambda: clock.now().timestamp(), latency=SEND_LATENCY)
    settings = Settings(
        _env_file=None,
        database_url=url,
        telegram_bot_token=None,
        telegram_overall_max_rate=1000.0,
        reminder_sweep_minutes=0,
    )
    app = build_application(settings, request=api, clock=clock, migrate=False)
    await app.initialize()
    try:
        engine = app.bot_data.reminders
        assert engine is not None
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.to_thread(sys.stdin.readline)  # "go", sent to both processes at once
        report = await engine.sweep(app.bot)
    finally:
        await app.shutdown()
        services = app.bot_data.services
        if services is not None:
            services.uow.close()
    sent = [
        {"chat_id": int(call.params["chat_id"]), "text": str(call.params["text"])}
        for call in api.calls_to("sendMessage")
        if call.ok
    ]
    return {"pid": os.getpid(), "token": engine.token, "report": asdict(report), "sent": sent}


def child_main() -> None:
    """Entry point of a child: python -c '...child_main()' URL ISO-TIME OUT-FILE."""
    url, when, out = sys.argv[1:4]
    result = asyncio.run(_child(url, datetime.fromisoformat(when)))
    Path(out).write_text(json.dumps(result))


# --- the parent -----------------------------------------------------------------------------------


@pytest.fixture
def database(pg_server: PostgresServer) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = pg_server.create_database(name)
    try:
        yield url
    finally:
        pg_server.drop_database(name)


def _seed(url: str) -> dict[int, int]:
    """Return how many items each chat is due today (one resident per person, some two)."""
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        with UnitOfWorkFactory(engine)() as uow:
            today = NOW.date()
            dep, _ = uow.org.get_or_create_department("Afd A", NOW)
            assert dep.id is not None

            def person(chat: int, name: str) -> int:
                row = Staff(
                    telegram_user_id=chat,
                    display_name=name,
                    role=Role.MEDARBEJDER.value,
                    created_at=NOW,
                )
                staff_id = uow.staff.add(row, [dep.id or 0]).id
                assert staff_id is not None
                return staff_id

            archive = person(9_999, "Arkiv")
            chats = {person(1000 + i, f"Person {i}"): 1000 + i for i in range(PEOPLE)}
            people = list(chats)
            items: Counter[int] = Counter()
            for i, staff_id in enumerate(people):
                teams = [[staff_id]]
                if i % TWO_ITEMS_EVERY == 0:
                    teams.append([staff_id, people[(i + 1) % PEOPLE]])
                for n, team in enumerate(teams):
                    resident = uow.residents.add(
                        Resident(
                            display_name=f"Beboer {i}-{n}",
                            birth_date=date(2012, 5, 17),
                            department_id=dep.id,
                            enrolment_date=today,  # nothing else due for weeks
                            created_at=NOW,
                            updated_at=NOW,
                        )
                    ).id
                    assert resident is not None
                    goal = uow.goals.add(
                        Goal(
                            resident_id=resident,
                            text="Går i skole hver dag",
                            goal_type="udviklingsmaal",
                            source="kommune",
                            start_date=today - timedelta(days=120),
                            end_date=today + timedelta(days=300),
                            interval_count=3,
                            interval_unit="months",
                            next_evaluation_on=today,
                            created_at=NOW,
                            updated_at=NOW,
                        )
                    ).id
                    assert goal is not None
                    uow.session.add_all(
                        ContactTeamMember(resident_id=resident, staff_id=s, added_at=NOW)
                        for s in team
                    )
                    uow.session.add(
                        Evaluation(
                            resident_id=resident,
                            goal_id=goal,
                            evaluated_on=today - timedelta(days=30),
                            period_start=today - timedelta(days=120),
                            progress="p",
                            effect="e",
                            methods="m",
                            changes="c",
                            participation="d",
                            decision="fortsaet",
                            next_evaluation_on=today,
                            evidence="",
                            created_at=NOW,
                            created_by_id=archive,
                        )
                    )
                    items.update(chats[s] for s in team)
            uow.commit()
        return dict(items)
    finally:
        engine.dispose()


def _start_child(url: str, out: Path) -> subprocess.Popen[str]:
    code = "from tests.e2e.test_reminder_processes import child_main; child_main()"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", code, url, NOW.isoformat(), str(out)],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], WAIT_SECONDS)
    line = child.stdout.readline() if ready else ""
    if line.strip() != "ready":
        child.kill()
        _, err = child.communicate(timeout=WAIT_SECONDS)
        pytest.fail(f"child {child.pid} did not get ready: {line!r}\n{err}")


def _finish(child: subprocess.Popen[str]) -> str:
    try:
        _, err = child.communicate(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        _, err = child.communicate()
        pytest.fail(f"child {child.pid} hung:\n{err}")
    assert child.returncode == 0, err
    return err


def test_two_processes_deliver_every_item_exactly_once(database: str, tmp_path: Path) -> None:
    due = _seed(database)
    outs = [tmp_path / "one.json", tmp_path / "two.json"]
    children = [_start_child(database, out) for out in outs]
    try:
        for child in children:
            _wait_ready(child)
        for child in children:  # both are waiting on stdin: release them together
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            _finish(child)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()

    results: list[dict[str, Any]] = [json.loads(out.read_text()) for out in outs]
    assert results[0]["pid"] != results[1]["pid"]
    assert results[0]["token"] != results[1]["token"]
    sent = [message for result in results for message in result["sent"]]
    per_chat = Counter(message["chat_id"] for message in sent)
    # One message per person, from one of the two processes, never from both.
    assert per_chat == Counter(dict.fromkeys(due, 1))
    assert sum(r["report"]["sent"] for r in results) == PEOPLE
    assert sum(r["report"]["failed"] for r in results) == 0
    # Each message carries all of that person's items, each once.
    for message in sent:
        numbered = [line for line in message["text"].splitlines() if line[:1].isdigit()]
        assert len(numbered) == due[message["chat_id"]], message
        assert len(set(numbered)) == len(numbered)

    engine = create_db_engine(database)
    try:
        with UnitOfWorkFactory(engine)(read_only=True) as uow:
            rows = list(
                uow.session.exec(sql_select(ReminderDelivery).order_by(col(ReminderDelivery.id)))
            )
            statuses = Counter(r.status for r in rows)
            keys = {(r.rule, r.subject, r.due, r.stage, r.recipient_id) for r in rows}
    finally:
        engine.dispose()
    assert statuses == Counter({"sent": sum(due.values())})
    assert len(keys) == len(rows)
    # The two really met: one found the other's claims, and both delivered some.
    assert sum(r["report"]["busy"] for r in results) > 0
    assert all(r["report"]["sent"] > 0 for r in results)
