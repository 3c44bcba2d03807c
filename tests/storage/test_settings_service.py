"""Reminder-hours use cases (/indstillinger) on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.calendar import DEFAULT_HOURS, ReminderHours
from bot.domain.errors import InvalidInput
from bot.services import settings
from bot.services.settings import HoursChange, SettingsChanged, changed_hours
from bot.storage.models import AuditEvent, ReminderDelivery, ReminderPerson
from bot.storage.uow import UnitOfWork, UnitOfWorkFactory
from tests import factories

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class People:
    """Anna and Bent, two people in one department."""

    make_uow: UnitOfWorkFactory
    anna: Actor
    bent: Actor


def _actor(make_uow: UnitOfWorkFactory, telegram_id: int) -> Actor:
    with make_uow() as uow:
        found = uow.staff.actor(telegram_id)
    assert found is not None
    return found


@pytest.fixture
def people(make_uow: UnitOfWorkFactory) -> People:
    dep = factories.department(make_uow, "Afd A", NOW)
    factories.staff(make_uow, 42, Role.MEDARBEJDER, [dep], NOW, name="Anna A")
    factories.staff(make_uow, 43, Role.VIKAR, [dep], NOW, name="Bent B")
    return People(make_uow, _actor(make_uow, 42), _actor(make_uow, 43))


def change(
    people: People, clock: FixedClock, who: Actor, kind: HoursChange, seen: int | None = None
) -> ReminderHours:
    return settings.change_reminder_settings(people.make_uow(), clock, who, kind, seen=seen)


def stored_rows(make_uow: UnitOfWorkFactory) -> list[tuple[int, int, int, bool, bool]]:
    with Session(make_uow.engine) as session:
        rows = session.exec(select(ReminderPerson).order_by(col(ReminderPerson.staff_id)))
        return [(r.staff_id, r.start_minute, r.end_minute, r.weekends, r.holidays) for r in rows]


def audit(make_uow: UnitOfWorkFactory) -> list[tuple[int | None, str, int | None, str]]:
    stmt = (
        select(AuditEvent).where(AuditEvent.entity == "reminder_hours").order_by(col(AuditEvent.id))
    )
    with Session(make_uow.engine) as session:
        return [(e.actor_id, e.action, e.entity_id, e.detail) for e in session.exec(stmt)]


def test_defaults_until_changed_and_nothing_stored_by_reading(people: People) -> None:
    assert settings.reminder_settings(people.make_uow(), people.anna) == DEFAULT_HOURS
    assert ReminderHours(420, 1260, weekends=False, holidays=False) == DEFAULT_HOURS
    assert stored_rows(people.make_uow) == []


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param(HoursChange.START_EARLIER, ReminderHours(360, 1260), id="start-earlier"),
        pytest.param(HoursChange.START_LATER, ReminderHours(480, 1260), id="start-later"),
        pytest.param(HoursChange.END_EARLIER, ReminderHours(420, 1200), id="end-earlier"),
        pytest.param(HoursChange.END_LATER, ReminderHours(420, 1320), id="end-later"),
        pytest.param(HoursChange.WEEKENDS, ReminderHours(weekends=True), id="weekends"),
        pytest.param(HoursChange.HOLIDAYS, ReminderHours(holidays=True), id="holidays"),
    ],
)
def test_each_change_is_stored_and_audited(
    people: People, clock: FixedClock, kind: HoursChange, expected: ReminderHours
) -> None:
    clock.advance(timedelta(hours=3))
    assert change(people, clock, people.anna, kind) == expected

    # A new unit of work reads what was committed.
    assert settings.reminder_settings(people.make_uow(), people.anna) == expected
    staff_id = people.anna.staff_id
    assert stored_rows(people.make_uow) == [
        (staff_id, expected.start_minute, expected.end_minute, expected.weekends, expected.holidays)
    ]
    [(actor_id, action, entity_id, detail)] = audit(people.make_uow)
    assert (actor_id, action, entity_id) == (staff_id, "update", staff_id)
    assert detail.startswith(f"{kind.value}: 07:00-21:00 weekends=off holidays=off -> ")
    with Session(people.make_uow.engine) as session:
        row = session.get(ReminderPerson, staff_id)
        assert row is not None
        assert row.updated_at == clock.now()


def test_toggles_flip_back_and_reset_restores_the_defaults(
    people: People, clock: FixedClock
) -> None:
    change(people, clock, people.anna, HoursChange.WEEKENDS)
    change(people, clock, people.anna, HoursChange.HOLIDAYS)
    change(people, clock, people.anna, HoursChange.START_EARLIER)
    assert settings.reminder_settings(people.make_uow(), people.anna) == ReminderHours(
        360, 1260, weekends=True, holidays=True
    )
    assert change(people, clock, people.anna, HoursChange.WEEKENDS) == ReminderHours(
        360, 1260, weekends=False, holidays=True
    )

    assert change(people, clock, people.anna, HoursChange.RESET) == DEFAULT_HOURS
    assert settings.reminder_settings(people.make_uow(), people.anna) == DEFAULT_HOURS
    assert audit(people.make_uow)[-1][3] == (
        "reset: 06:00-21:00 weekends=off holidays=on -> 07:00-21:00 weekends=off holidays=off"
    )
    assert len(audit(people.make_uow)) == 5

    # "Standard" when the defaults are already set changes and records nothing.
    assert change(people, clock, people.anna, HoursChange.RESET) == DEFAULT_HOURS
    assert len(audit(people.make_uow)) == 5


def test_start_and_end_stop_at_midnight(people: People, clock: FixedClock) -> None:
    for _ in range(7):
        change(people, clock, people.anna, HoursChange.START_EARLIER)
    for _ in range(3):
        change(people, clock, people.anna, HoursChange.END_LATER)
    assert settings.reminder_settings(people.make_uow(), people.anna) == ReminderHours(0, 1440)

    with pytest.raises(InvalidInput) as earlier:
        change(people, clock, people.anna, HoursChange.START_EARLIER)
    assert earlier.value.text_key == "settings.start_earliest"
    with pytest.raises(InvalidInput) as later:
        change(people, clock, people.anna, HoursChange.END_LATER)
    assert later.value.text_key == "settings.end_latest"
    assert stored_rows(people.make_uow) == [(people.anna.staff_id, 0, 1440, False, False)]
    assert len(audit(people.make_uow)) == 10


def test_the_window_never_closes(people: People, clock: FixedClock) -> None:
    # 07:00-21:00: the start can move up to 20:00, one hour before the end, and no further.
    for _ in range(13):
        change(people, clock, people.anna, HoursChange.START_LATER)
    assert settings.reminder_settings(people.make_uow(), people.anna) == ReminderHours(1200, 1260)

    for kind in (HoursChange.START_LATER, HoursChange.END_EARLIER):
        with pytest.raises(InvalidInput) as refused:
            change(people, clock, people.anna, kind)
        assert refused.value.text_key == "settings.too_short"
        assert refused.value.params == {"start": "20:00", "end": "21:00"}
    assert stored_rows(people.make_uow) == [(people.anna.staff_id, 1200, 1260, False, False)]
    assert len(audit(people.make_uow)) == 13


@pytest.mark.parametrize(
    ("before", "kind", "after"),
    [
        # Hours set some other way than the buttons: a step stops at the bound.
        pytest.param(ReminderHours(30, 600), HoursChange.START_EARLIER, (0, 600), id="to-0"),
        pytest.param(ReminderHours(60, 1410), HoursChange.END_LATER, (60, 1440), id="to-24"),
        pytest.param(ReminderHours(570, 660), HoursChange.START_LATER, (600, 660), id="start-up"),
        pytest.param(ReminderHours(570, 660), HoursChange.END_EARLIER, (570, 630), id="end-down"),
    ],
)
def test_a_step_is_clamped(
    before: ReminderHours, kind: HoursChange, after: tuple[int, int]
) -> None:
    changed = changed_hours(before, kind)
    assert (changed.start_minute, changed.end_minute) == after


@pytest.mark.parametrize(
    ("hours", "kind", "key"),
    [
        pytest.param(ReminderHours(0, 600), HoursChange.START_EARLIER, "settings.start_earliest"),
        pytest.param(ReminderHours(60, 1440), HoursChange.END_LATER, "settings.end_latest"),
        pytest.param(ReminderHours(570, 600), HoursChange.START_LATER, "settings.too_short"),
        pytest.param(ReminderHours(570, 600), HoursChange.END_EARLIER, "settings.too_short"),
    ],
)
def test_an_impossible_step_is_refused(hours: ReminderHours, kind: HoursChange, key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        changed_hours(hours, kind)
    assert refused.value.text_key == key


def test_two_peoples_settings_are_independent(people: People, clock: FixedClock) -> None:
    change(people, clock, people.anna, HoursChange.WEEKENDS)
    change(people, clock, people.bent, HoursChange.END_EARLIER)
    change(people, clock, people.bent, HoursChange.END_EARLIER)

    assert settings.reminder_settings(people.make_uow(), people.anna) == ReminderHours(
        weekends=True
    )
    assert settings.reminder_settings(people.make_uow(), people.bent) == ReminderHours(420, 1140)
    change(people, clock, people.anna, HoursChange.RESET)
    assert settings.reminder_settings(people.make_uow(), people.bent) == ReminderHours(420, 1140)
    assert [(a, e) for a, _, e, _ in audit(people.make_uow)] == [
        (people.anna.staff_id, people.anna.staff_id),
        (people.bent.staff_id, people.bent.staff_id),
        (people.bent.staff_id, people.bent.staff_id),
        (people.anna.staff_id, people.anna.staff_id),
    ]


def test_a_press_made_against_old_settings_changes_nothing(
    people: People, clock: FixedClock
) -> None:
    # The card showed 07:00; the first tap moved it to 06:00, the second tap carries 07:00 too.
    assert change(people, clock, people.anna, HoursChange.START_EARLIER, seen=420).start_minute == (
        360
    )
    clock.advance(timedelta(seconds=1))
    with pytest.raises(SettingsChanged):
        change(people, clock, people.anna, HoursChange.START_EARLIER, seen=420)
    assert change(people, clock, people.anna, HoursChange.WEEKENDS, seen=0).weekends
    with pytest.raises(SettingsChanged):
        change(people, clock, people.anna, HoursChange.WEEKENDS, seen=0)

    assert settings.reminder_settings(people.make_uow(), people.anna) == ReminderHours(
        360, 1260, weekends=True
    )
    assert len(audit(people.make_uow)) == 2


def test_an_unknown_change_is_a_bug(people: People, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="'sideways' is not a valid HoursChange"):
        settings.change_reminder_settings(people.make_uow(), clock, people.anna, "sideways")
    assert stored_rows(people.make_uow) == []


# --- ReminderRepository.set_hours: one upsert ----------------------------------------------------

MORNINGS = ReminderHours(360, 720, weekends=True)
EVENINGS = ReminderHours(900, 1320, holidays=True)
LEASE = timedelta(minutes=15)


def person(make_uow: UnitOfWorkFactory, staff_id: int) -> tuple[object, ...] | None:
    """(start, end, weekends, holidays, claim token, claimed at, updated at), or None."""
    with Session(make_uow.engine) as session:
        row = session.get(ReminderPerson, staff_id)
        if row is None:
            return None
        return (
            row.start_minute,
            row.end_minute,
            row.weekends,
            row.holidays,
            row.claim_token,
            row.claimed_at,
            row.updated_at,
        )


def hours_row(hours: ReminderHours) -> tuple[int, int, bool, bool]:
    return hours.start_minute, hours.end_minute, hours.weekends, hours.holidays


def sweep_records(uow: UnitOfWork, staff_id: int, now: datetime) -> None:
    """What a sweep writes for a person with something due: an outbox row, and their
    reminder_person row (with the default hours) if they had none."""
    uow.reminders.record(
        [
            {
                "rule": "goal_evaluation",
                "subject": "goal:1",
                "due": date(2026, 11, 23),
                "stage": "due",
                "recipient_id": staff_id,
                "resident_id": None,
            }
        ],
        now,
    )


def pending(make_uow: UnitOfWorkFactory) -> list[tuple[int, str]]:
    with Session(make_uow.engine) as session:
        return [(r.recipient_id, r.status) for r in session.exec(select(ReminderDelivery))]


def test_set_hours_creates_the_row_of_a_person_who_has_none(people: People) -> None:
    anna = people.anna.staff_id
    assert person(people.make_uow, anna) is None

    with people.make_uow() as uow:
        uow.reminders.set_hours(anna, MORNINGS, NOW)
        uow.commit()

    assert person(people.make_uow, anna) == (*hours_row(MORNINGS), None, None, NOW)
    assert person(people.make_uow, people.bent.staff_id) is None


def test_set_hours_changes_the_row_a_sweep_created_and_keeps_its_claim(people: People) -> None:
    anna = people.anna.staff_id
    with people.make_uow() as uow:
        sweep_records(uow, anna, NOW)
        uow.commit()
    assert person(people.make_uow, anna) == (*hours_row(DEFAULT_HOURS), None, None, None)
    with people.make_uow() as uow:  # a sweep is delivering Anna's digest right now
        assert uow.reminders.claim(anna, "sweeper", NOW, NOW - LEASE)
        uow.commit()

    later = NOW + timedelta(minutes=1)
    with people.make_uow() as uow:
        uow.reminders.set_hours(anna, MORNINGS, later)
        uow.commit()

    assert person(people.make_uow, anna) == (*hours_row(MORNINGS), "sweeper", NOW, later)
    assert stored_rows(people.make_uow) == [(anna, *hours_row(MORNINGS))]
    assert pending(people.make_uow) == [(anna, "pending")]
    # The use case goes on from the stored hours.
    clock = FixedClock(later)
    assert change(people, clock, people.anna, HoursChange.START_LATER) == ReminderHours(
        420, 720, weekends=True
    )


def test_set_hours_updates_in_place_and_is_read_back_in_the_same_unit_of_work(
    people: People,
) -> None:
    anna = people.anna.staff_id
    with people.make_uow() as uow:
        assert uow.reminders.hours(anna) == DEFAULT_HOURS
        uow.reminders.set_hours(anna, MORNINGS, NOW)
        assert uow.reminders.hours(anna) == MORNINGS
        uow.commit()

    later = NOW + timedelta(hours=1)
    with people.make_uow() as uow:
        loaded = uow.session.get(ReminderPerson, anna)  # the session holds the row
        assert loaded is not None
        assert loaded.start_minute == MORNINGS.start_minute
        uow.reminders.set_hours(anna, EVENINGS, later)
        assert uow.reminders.hours(anna) == EVENINGS  # not the session's stale copy
        assert (loaded.start_minute, loaded.updated_at) == (EVENINGS.start_minute, later)
        uow.commit()

    assert stored_rows(people.make_uow) == [(anna, *hours_row(EVENINGS))]
    assert person(people.make_uow, anna) == (*hours_row(EVENINGS), None, None, later)


def wait_for_a_lock_wait(engine: Engine, seconds: float = 10.0) -> None:
    """Return once some session of this database waits for a lock (PostgreSQL)."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + seconds
    while True:
        with engine.connect() as connection:
            if connection.execute(query).scalar():
                return
        assert time.monotonic() < deadline, "nobody waited for a lock"
        time.sleep(0.01)


# The race needs two writers at once: SQLite has one writer at a time (BEGIN IMMEDIATE).
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_set_hours_while_a_sweep_is_creating_the_row(people: People, backend: Engine) -> None:
    anna = people.anna.staff_id
    failures: list[BaseException] = []

    def press_a_settings_button() -> None:
        try:
            with people.make_uow() as uow:
                uow.reminders.set_hours(anna, MORNINGS, NOW)
                uow.commit()
        except BaseException as exc:  # reported to the test below
            failures.append(exc)

    with people.make_uow() as sweep:
        sweep_records(sweep, anna, NOW)  # Anna's row is written, not yet committed
        worker = threading.Thread(target=press_a_settings_button)
        worker.start()
        try:
            wait_for_a_lock_wait(backend)  # the settings change waits for the sweep's row
        finally:
            sweep.commit()
            worker.join(10)
    assert not worker.is_alive()

    assert failures == []
    assert stored_rows(people.make_uow) == [(anna, *hours_row(MORNINGS))]
    assert person(people.make_uow, anna) == (*hours_row(MORNINGS), None, None, NOW)
    assert pending(people.make_uow) == [(anna, "pending")]
