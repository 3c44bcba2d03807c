"""The sweep's shortcuts change nothing: its plan equals the plain rules over every fact.

The sweep (bot.reminders.sweep.ReminderEngine.plan) reads a few residents at a time, reads only
the goals and sub-goals that can be due inside its window (a bound in SQL, see
bot.reminders.facts.evaluated_after), builds only the items that can give a reminder today
(each rule's heads-up) and skips deadlines whose base is too late to fall inside
(bot.reminders.rules.Window). Here a random world is seeded on a real database (SQLite, and
PostgreSQL for one seed) and, for several days (month ends, a leap day, a Monday with the
weekly overview), the sweep's plan is compared with the plan of the plain computation: every
resident's facts with every goal, one 42-day horizon for every rule, every deadline computed.
Items, deliveries, what is live and the weekly overview must be the same, in the same order.

The world is built around the days it is checked on, with many dates on the boundaries: last
evaluations around the SQL bound, next dates around the window's end, creation times around
local midnight, milestones and enrolments around 6, 12 and 24 months before the window's end,
18th birthdays (29 February too) around the year they are shown in.
"""

from __future__ import annotations

import random
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.domain.access import Role
from bot.domain.goals import add_months
from bot.reminders import sweep as sweep_module
from bot.reminders.facts import evaluated_after, load_departments, load_facts, spans
from bot.reminders.rules import (
    ADULT_AGE,
    ONBOARDING_RULES,
    RULE_GOAL_EVALUATION,
    STATUS_STEPS,
    goal_due_date,
    months_at_least,
    window,
)
from bot.reminders.stages import max_heads_up_days, reminder_window
from bot.reminders.sweep import (
    SNOOZE_MEMORY_DAYS,
    WEEKLY_RULE,
    ReminderEngine,
    SweepPlan,
    _plan_residents,
)
from bot.storage import models
from bot.storage.db import create_db_engine, upgrade
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import Texts
from tests.pgserver import PostgresServer

TZ = ZoneInfo("Europe/Copenhagen")
# Month ends, a leap day, the benchmark's Monday (weekly overview), summer time, the first
# days of a year (an 18th birthday last December is still shown).
DAYS = (
    date(2026, 11, 23),
    date(2027, 1, 3),
    date(2026, 8, 31),
    date(2026, 12, 31),
    date(2027, 1, 31),
    date(2027, 2, 28),
    date(2027, 3, 31),
    date(2028, 2, 29),
)
KINDS = ("ipel_evaluation", "komm_evaluation", "dpu", "autonomt_kompas", "samarbejdsaftale")
MONTHS_OF_KIND = {
    "ipel_evaluation": (6, 12),
    "komm_evaluation": (6, 12),
    "dpu": (12, 24),
    "autonomt_kompas": (6,),
    "samarbejdsaftale": (12,),
}


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    """Rows to insert, parents first, with ids given here."""

    rng: random.Random
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, **values: Any) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        if table not in {"contact_team_member", "staff_department", "status_step"}:
            values = {"id": self.ids[table], **values}
        self.rows.setdefault(table, []).append(values)
        return self.ids[table]

    def day_near(self, focus: date, spread: int) -> date:
        return focus + timedelta(days=self.rng.randint(-spread, spread))

    def moment(self, day: date) -> datetime:
        """A UTC time on a local day, often close to local midnight (the day must not slip)."""
        rng = self.rng
        hour, minute = rng.choice(((0, 1), (0, 59), (1, 30), (12, 0), (22, 59), (23, 30)))
        return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)

    def focus(self) -> date:
        """A day the world is checked on, moved to where a boundary of the window is."""
        day = self.rng.choice(DAYS)
        return day + timedelta(days=self.rng.choice((0, 0, 7, 14, 42, -1, 8, 15, 43)))


ORDER = (
    ("department", models.Department),
    ("staff", models.Staff),
    ("staff_department", models.StaffDepartment),
    ("resident", models.Resident),
    ("contact_team_member", models.ContactTeamMember),
    ("goal", models.Goal),
    ("sub_goal", models.SubGoal),
    ("evaluation", models.Evaluation),
    ("status_meeting", models.StatusMeeting),
    ("status_step", models.StatusStep),
    ("resident_milestone", models.ResidentMilestone),
)


def build_world(seed: int, residents: int) -> World:
    """Return a random world of departments, staff and residents with everything the rules
    read, dated around DAYS."""
    w = World(random.Random(seed))
    rng = w.rng
    now = datetime(2026, 1, 1, tzinfo=UTC)
    departments = []
    staff_by_department: dict[int, list[int]] = {}
    for d in range(3):
        dep = w.add(
            "department",
            name=f"Afdeling {d}",
            created_at=now,
            team_meeting_weekday=rng.randrange(7),
            team_meeting_every_weeks=rng.choice((1, 1, 2, 3)),
            team_meeting_anchor=rng.choice((None, date(2025, 3, 5), date(2026, 9, 17))),
        )
        departments.append(dep)
        people = []
        for n in range(6):
            leader = n < 2
            staff = w.add(
                "staff",
                telegram_user_id=1000 + len(w.rows.get("staff", ())),
                display_name=f"Person {d}.{n}",
                role=(Role.AFDELINGSLEDER if leader else Role.MEDARBEJDER).value,
                active=rng.random() > 0.15,
                created_at=now,
                # Only past ends: a last day in the sweep's window would be a substitute's item.
                access_ends_on=rng.choice((None, None, None, date(2026, 6, 1))),
            )
            w.add("staff_department", staff_id=staff, department_id=dep)
            people.append(staff)
        staff_by_department[dep] = people
    author = 1
    for r in range(residents):
        dep = rng.choice(departments)
        focus = w.focus()
        birth = _birth(w, focus)
        enrolled = _enrolment(w, focus, birth)
        rid = w.add(
            "resident",
            display_name=f"Beboer {r}",
            birth_date=birth,
            department_id=dep,
            enrolment_date=enrolled,
            moved_out_on=date(2026, 5, 1) if rng.random() < 0.1 else None,
            created_at=now,
            updated_at=now,
        )
        for position, staff in enumerate(rng.sample(staff_by_department[dep], rng.randint(0, 3))):
            w.add(
                "contact_team_member",
                resident_id=rid,
                staff_id=staff,
                added_at=now + timedelta(minutes=rng.choice((position, -position, 0))),
                added_by_id=None,
            )
        for g in range(rng.choice((0, 1, 2, 3, 4, 5))):
            _goal(w, rid, author, g)
        _meetings(w, rid, author)
        _milestones(w, rid, author, enrolled)
    _boundaries(w, departments[0], author)
    return w


def _boundaries(w: World, dep: int, author: int) -> None:
    """Residents exactly on the edges: an 18th birthday shown from a year before it to a week
    after, and milestones whose next date is the last day of the window or the day after."""
    for day in DAYS:
        edges = [day + timedelta(days=k) for k in (-8, -7, 0, 365, 366)]
        for birthday in edges:
            born = birthday.replace(year=birthday.year - ADULT_AGE, day=min(birthday.day, 28))
            w.add(
                "resident",
                display_name=f"Grænse {w.ids['resident']}",
                birth_date=born,
                department_id=dep,
                enrolment_date=day - timedelta(days=20),
                moved_out_on=None,
                created_at=w.moment(day),
                updated_at=w.moment(day),
            )
        for kind in KINDS:
            for months in MONTHS_OF_KIND[kind]:
                for last_day in (day + timedelta(days=7), day + timedelta(days=8)):
                    rid = w.add(
                        "resident",
                        display_name=f"Milepæl {w.ids['resident']}",
                        birth_date=day - timedelta(days=12 * 365),
                        department_id=dep,
                        enrolment_date=day - timedelta(days=1000),
                        moved_out_on=None,
                        created_at=w.moment(day),
                        updated_at=w.moment(day),
                    )
                    w.add(
                        "resident_milestone",
                        resident_id=rid,
                        kind=kind,
                        done_on=add_months(last_day, -months),
                        recorded_by_id=author,
                        recorded_at=w.moment(day),
                    )


def _birth(w: World, focus: date) -> date:
    rng = w.rng
    draw = rng.random()
    if draw < 0.25:  # 18 around the days checked, often just when it is shown or not
        shift = rng.choice((-8, -7, -6, 0, 364, 365, 366, 367, rng.randint(-380, 380)))
        birthday = focus + timedelta(days=shift)
        if birthday.month == 2 and birthday.day == 29:
            birthday -= timedelta(days=1)
        return birthday.replace(year=birthday.year - ADULT_AGE)
    if draw < 0.3:  # born on a leap day (18 on 1 March 2026), or just around one
        return rng.choice((date(2008, 2, 29), date(2009, 2, 28), date(2010, 3, 1)))
    return focus - timedelta(days=rng.randint(10 * 365, 21 * 365))


def _enrolment(w: World, focus: date, birth: date) -> date:
    rng = w.rng
    months = rng.choice((1, 6, 12, 24, 36))
    around = add_months(focus, -months)
    day = w.day_near(around, rng.choice((3, 20, 400)))
    if rng.random() < 0.2:  # a month's last day
        day = add_months(day.replace(day=1), 1) - timedelta(days=1)
    return max(day, birth + timedelta(days=8 * 365))


def _goal(w: World, rid: int, author: int, position: int) -> None:
    rng = w.rng
    focus = w.focus()
    unit = rng.choice(("weeks", "months"))
    count = rng.randint(1, 13) if unit == "weeks" else rng.randint(1, 3)
    active = rng.random() > 0.15
    created = w.day_near(focus, rng.choice((10, 60, 200)))
    area = rng.choice((None, None, "skole", "sociale_relationer")) if position < 3 else None
    goal = w.add(
        "goal",
        resident_id=rid,
        text=f"Mål {rid}.{position}",
        rationale="",
        goal_type="udviklingsmaal",
        source="kommune",
        mandatory_area=area,
        start_date=created,
        end_date=created + timedelta(days=365),
        interval_count=count,
        interval_unit=unit,
        status="active" if active else "ended",
        ended_on=None if active else created + timedelta(days=30),
        end_reason=None,
        next_evaluation_on=_next_date(w, focus),
        version=1,
        created_at=w.moment(created),
        created_by_id=None,
        updated_at=w.moment(created),
        external_ref=None,
    )
    _evaluations(w, rid, goal, None, focus, author)
    for s in range(rng.choice((0, 1, 2, 3))):
        sub_focus = w.focus() if rng.random() < 0.3 else focus
        sub_created = w.day_near(sub_focus, rng.choice((10, 60, 200)))
        sub_active = rng.random() > 0.15
        sub = w.add(
            "sub_goal",
            goal_id=goal,
            text=f"Delmål {goal}.{s}",
            rationale="",
            method="",
            scoring_frequency="none",
            start_date=sub_created,
            status="active" if sub_active else "ended",
            ended_on=None if sub_active else sub_created + timedelta(days=20),
            end_reason=None,
            next_evaluation_on=_next_date(w, sub_focus),
            version=1,
            created_at=w.moment(sub_created),
            created_by_id=None,
            updated_at=w.moment(sub_created),
        )
        _evaluations(w, rid, goal, sub, sub_focus, author)


def _next_date(w: World, focus: date) -> date | None:
    """Around the window's end (7 days ahead) mostly, sometimes far off or missing."""
    rng = w.rng
    draw = rng.random()
    if draw < 0.1:
        return None
    if draw < 0.6:
        return focus + timedelta(days=7 + rng.randint(-3, 3))
    return w.day_near(focus, 200)


def _evaluations(w: World, rid: int, goal: int, sub: int | None, focus: date, author: int) -> None:
    """None, or some, the last often right around the SQL bound (88 days before the end)."""
    rng = w.rng
    count = rng.choice((0, 0, 1, 2, 3))
    bound = evaluated_after(focus + timedelta(days=7))
    days = sorted(
        rng.choice((bound + timedelta(days=rng.randint(-3, 3)), w.day_near(focus, 150)))
        for _ in range(count)
    )
    for day in days:
        for _ in range(rng.choice((1, 1, 2))):  # sometimes twice on a day
            w.add(
                "evaluation",
                resident_id=rid,
                goal_id=goal,
                sub_goal_id=sub,
                evaluated_on=day,
                period_start=day - timedelta(days=30),
                progress="p",
                effect="e",
                methods="m",
                changes="c",
                participation="d",
                decision="fortsaet",
                next_evaluation_on=day + timedelta(days=30),
                evidence="",
                created_at=w.moment(day),
                created_by_id=author,
                transferred_at=None,
                transferred_by_id=None,
            )


def _meetings(w: World, rid: int, author: int) -> None:
    rng = w.rng
    focus = w.focus()
    for _ in range(rng.choice((0, 1, 2, 3))):
        held_on = w.day_near(focus - timedelta(days=rng.choice((5, 40, 200))), 10)
        for _ in range(rng.choice((1, 1, 1, 2))):  # two held on one day: the later counts
            _meeting(w, rid, held_on, rng.choice(("held", "held", "cancelled")), author)
    if rng.random() < 0.6:
        _meeting(
            w,
            rid,
            w.day_near(focus + timedelta(days=rng.choice((0, 21, 45))), 25),
            "planned",
            author,
        )


def _meeting(w: World, rid: int, on: date, status: str, author: int) -> None:
    rng = w.rng
    meeting = w.add(
        "status_meeting",
        resident_id=rid,
        meeting_on=on,
        status=status,
        scheduled_by_id=author,
        scheduled_at=w.moment(on - timedelta(days=60)),
        closed_by_id=None if status == "planned" else author,
        closed_at=None if status == "planned" else w.moment(on),
    )
    for step in STATUS_STEPS:
        if rng.random() < 0.5:
            w.add(
                "status_step",
                meeting_id=meeting,
                step=step,
                done_by_id=author,
                done_at=w.moment(on),
            )


def _milestones(w: World, rid: int, author: int, enrolled: date) -> None:
    rng = w.rng
    for kind in KINDS:
        for _ in range(rng.choice((0, 0, 1, 2))):
            focus = w.focus()
            months = rng.choice(MONTHS_OF_KIND[kind])
            day = w.day_near(add_months(focus, -months), rng.choice((2, 5, 60)))
            w.add(
                "resident_milestone",
                resident_id=rid,
                kind=kind,
                done_on=max(day, enrolled),
                recorded_by_id=author,
                recorded_at=w.moment(day),
            )


def insert_world(engine: Engine, world: World) -> None:
    with engine.begin() as conn:
        for name, model in ORDER:
            if world.rows.get(name):
                conn.execute(_table(model).insert(), world.rows[name])
        if conn.dialect.name == "postgresql":  # the ids were given: move the sequences past them
            for name, _model in ORDER:
                if world.rows.get(name) and "id" in world.rows[name][0]:
                    sequence = f"pg_get_serial_sequence('{name}', 'id')"
                    conn.execute(sa.text(f"SELECT setval({sequence}, {world.ids[name]})"))


# --- the two plans ----------------------------------------------------------------------------


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10), TZ).astimezone(UTC)


def sweeper(uow: UnitOfWorkFactory) -> ReminderEngine:
    return ReminderEngine(uow, FixedClock(at_ten(DAYS[0])), TZ, Texts("da"))


def plain_plan(uow: UnitOfWorkFactory, day: date) -> SweepPlan:
    """Every resident's facts with every goal, one horizon for every rule, nothing skipped."""
    plan = SweepPlan(today=day, now=at_ten(day))
    with uow(read_only=True) as unit:
        snoozed = unit.reminders.snoozed(day)
        ended = unit.reminders.ended_snoozes(day, day - timedelta(days=SNOOZE_MEMORY_DAYS))
        facts = load_facts(unit, TZ, day)
    plain = window(day, max_heads_up_days(), skip=False)
    _plan_residents(plan, facts, plain, snoozed, ended, {})
    plan.residents = len(facts)
    return plan


def residents_part(plan: SweepPlan) -> dict[str, Any]:
    """What the residents' rules put in a plan (not the substitutes' onboarding items)."""

    def ours(rule: str) -> bool:
        return rule not in ONBOARDING_RULES and rule != WEEKLY_RULE

    return {
        "residents": plan.residents,
        "items": [(k, v) for k, v in plan.items.items() if ours(k[0])],
        "deliveries": [d for d in plan.deliveries if ours(d.rule)],
        "overdue": {
            dep: [i for i in items if ours(i.rule)]
            for dep, items in plan.overdue_by_department.items()
        },
    }


def assert_same_plans(uow: UnitOfWorkFactory, engine: ReminderEngine, day: date) -> SweepPlan:
    """Compare the engine's plan for a day with the plain one; return the plain one."""
    fast = engine.plan(at_ten(day))
    plain = plain_plan(uow, day)
    got, expected = residents_part(fast), residents_part(plain)
    assert got["items"], "a world without items checks nothing"
    for part in ("residents", "items", "deliveries", "overdue"):
        assert got[part] == expected[part], f"{part} differ on {day}"
    # Live: each delivery's item for its recipient, nothing else.
    for d in expected["deliveries"]:
        assert (d.rule, d.subject, d.due, d.recipient_id) in fast.live
        assert (d.rule, d.subject, d.due, -1) not in fast.live
    # The weekly overview (Mondays) follows from the overdue items: to each department's
    # leaders.
    weekly = {(d.subject, d.recipient_id) for d in fast.deliveries if d.rule == WEEKLY_RULE}
    with uow(read_only=True) as unit:
        leaders = load_departments(unit, day).leaders
    assert weekly == {
        (f"department:{dep}", leader)
        for dep in plain.overdue_by_department
        for leader in leaders.get(dep, ())
        if day.weekday() == 0
    }
    return plain


def snooze_some(engine: Engine, plan: SweepPlan, rng: random.Random) -> None:
    """Snooze some of the plan's deliveries (running) and let others' snoozes have ended."""
    rows = []
    day = plan.today
    for delivery in plan.deliveries:
        draw = rng.random()
        if draw < 0.1:
            until = day + timedelta(days=1)
        elif draw < 0.2:
            until = day - timedelta(days=rng.choice((0, 3, 29)))
        else:
            continue
        rows.append(
            {
                "rule": delivery.rule,
                "subject": delivery.subject,
                "due": delivery.due,
                "recipient_id": delivery.recipient_id,
                "until": until,
                "created_at": at_ten(day),
            }
        )
    unique = {(r["rule"], r["subject"], r["due"], r["recipient_id"]): r for r in rows}
    clear_snoozes(engine)
    if unique:
        with engine.begin() as conn:
            conn.execute(_table(models.ReminderSnooze).insert(), list(unique.values()))


def clear_snoozes(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(_table(models.ReminderSnooze).delete())


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def sqlite_engine(tmp_path: Path, migrated_template: Path) -> Iterator[Engine]:
    path = tmp_path / "prefilter.db"
    shutil.copyfile(migrated_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(pg_server: PostgresServer) -> Iterator[Engine]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    engine = create_db_engine(pg_server.create_database(name))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        pg_server.drop_database(name)


def check_world(engine: Engine, seed: int, residents: int, monkeypatch: pytest.MonkeyPatch) -> None:
    insert_world(engine, build_world(seed, residents))
    uow = UnitOfWorkFactory(engine)
    # Small chunks, so the spans of ids (and a resident who moved out inside one) are tested.
    monkeypatch.setattr(sweep_module, "PLAN_CHUNK", 7)
    rng = random.Random(seed)
    # One engine all along, as in the bot: what it keeps from one sweep to the next (each
    # resident's part of the plan) must never stand in for facts that changed.
    engine_ = sweeper(uow)
    for day in DAYS:
        plain = assert_same_plans(uow, engine_, day)  # a new day: nothing kept holds
        assert_same_plans(uow, engine_, day)  # the same facts again: every part kept
        change_some(engine, rng, day)
        assert_same_plans(uow, engine_, day)
        snooze_some(engine, plain, rng)  # the deliveries' slow path: snoozed and ended
        assert_same_plans(uow, engine_, day)
        assert_same_plans(uow, sweeper(uow), day)  # a new engine (a restart) keeps nothing
        clear_snoozes(engine)


def change_some(engine: Engine, rng: random.Random, day: date) -> None:
    """Change the facts of some residents between two sweeps of a day, as people do."""
    goal, sub_goal, evaluation = (
        _table(m) for m in (models.Goal, models.SubGoal, models.Evaluation)
    )
    resident, team, meeting, step, milestone = (
        _table(m)
        for m in (
            models.Resident,
            models.ContactTeamMember,
            models.StatusMeeting,
            models.StatusStep,
            models.ResidentMilestone,
        )
    )
    now = datetime.combine(day, time(9), TZ).astimezone(UTC)
    with engine.begin() as conn:
        goals = conn.execute(sa.select(goal.c.id, goal.c.resident_id)).all()
        for goal_id, rid in rng.sample(goals, len(goals) // 10):
            if rng.random() < 0.5:  # evaluated today, next time in a month
                conn.execute(
                    evaluation.insert(),
                    {
                        "resident_id": rid,
                        "goal_id": goal_id,
                        "sub_goal_id": None,
                        "evaluated_on": day,
                        "period_start": day - timedelta(days=30),
                        "progress": "p",
                        "effect": "e",
                        "methods": "m",
                        "changes": "c",
                        "participation": "d",
                        "decision": "fortsaet",
                        "next_evaluation_on": day + timedelta(days=30),
                        "evidence": "",
                        "created_at": now,
                        "created_by_id": 1,
                        "transferred_at": None,
                        "transferred_by_id": None,
                    },
                )
                conn.execute(
                    goal.update()
                    .where(goal.c.id == goal_id)
                    .values(next_evaluation_on=day + timedelta(days=30))
                )
            else:  # its evaluations deleted (undone), or its next date moved
                conn.execute(evaluation.delete().where(evaluation.c.goal_id == goal_id))
                conn.execute(
                    goal.update()
                    .where(goal.c.id == goal_id)
                    .values(next_evaluation_on=day + timedelta(days=rng.randint(-5, 60)))
                )
        subs = conn.execute(sa.select(sub_goal.c.id)).scalars().all()
        for sub_id in rng.sample(subs, len(subs) // 10):
            conn.execute(
                sub_goal.update()
                .where(sub_goal.c.id == sub_id)
                .values(next_evaluation_on=day + timedelta(days=rng.randint(-5, 20)))
            )
        planned = (
            conn.execute(sa.select(meeting.c.id).where(meeting.c.status == "planned"))
            .scalars()
            .all()
        )
        for meeting_id in rng.sample(planned, len(planned) // 5):
            conn.execute(step.delete().where(step.c.meeting_id == meeting_id))
        people = conn.execute(sa.select(team.c.resident_id, team.c.staff_id)).all()
        for rid, staff_id in rng.sample(people, len(people) // 10):
            conn.execute(
                team.delete().where(team.c.resident_id == rid, team.c.staff_id == staff_id)
            )
        ids = conn.execute(sa.select(resident.c.id)).scalars().all()
        for rid in rng.sample(ids, len(ids) // 10):
            conn.execute(
                resident.update().where(resident.c.id == rid).values(display_name=f"Ny {rid}")
            )
            conn.execute(
                milestone.insert(),
                {
                    "resident_id": rid,
                    "kind": rng.choice(KINDS),
                    "done_on": day - timedelta(days=rng.randint(0, 400)),
                    "recorded_by_id": 1,
                    "recorded_at": now,
                },
            )


# --- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_sweeps_plan_equals_the_plain_rules_on_sqlite(
    sqlite_engine: Engine, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_world(sqlite_engine, seed, 90, monkeypatch)


def test_the_sweeps_plan_equals_the_plain_rules_on_postgresql(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_world(postgres_engine, 5, 90, monkeypatch)


@pytest.mark.parametrize("seed", [6, 7])
def test_the_narrow_read_has_every_goal_that_can_be_due(sqlite_engine: Engine, seed: int) -> None:
    """load_facts with goals_due_by: exactly the goals of the full read, none due by then
    left out (the full read's goal_due_date decides)."""
    insert_world(sqlite_engine, build_world(seed, 90))
    uow = UnitOfWorkFactory(sqlite_engine)
    for day in DAYS:
        due_by = reminder_window(day).last_day(RULE_GOAL_EVALUATION)
        with uow(read_only=True) as unit:
            everything = {f.resident_id: f for f in load_facts(unit, TZ, day)}
            departments = load_departments(unit, day)
            narrow = [
                facts
                for span in spans(unit.reminders.living_ids(), 5)
                for facts in load_facts(
                    unit, TZ, day, span=span, goals_due_by=due_by, departments=departments
                )
            ]
        assert [f.resident_id for f in narrow] == sorted(everything)
        skipped = 0
        for facts in narrow:
            full = everything[facts.resident_id]
            goals = {(g.kind, g.id): g for g in full.goals}
            read = {(g.kind, g.id): g for g in facts.goals}
            assert all(goals[key] == goal for key, goal in read.items())
            for key, goal in goals.items():
                if goal_due_date(goal, full.team_meetings) <= due_by:
                    assert key in read, f"{key} is due by {due_by} but was not read"
                skipped += key not in read
            # Everything else is the same.
            assert facts == type(full)(**{**_fields(full), "goals": facts.goals})
        assert skipped, "the narrow read left nothing out: the bound is not tested"


def _fields(facts: Any) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in facts.__slots__}


def test_months_at_least_is_never_more_than_the_months_span() -> None:
    start = date(1899, 1, 1)
    days = [start + timedelta(days=n) for n in range(0, (date(2101, 12, 31) - start).days)]
    for months in (1, 2, 3, 6, 12, 24):
        shortest = min((add_months(day, months) - day).days for day in days)
        assert months_at_least(months) < timedelta(days=shortest), months
