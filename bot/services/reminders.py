"""Use cases behind the reminder buttons and /paamindelser (issue 4 §3).

A button names an item by rule, subject number and due date; nothing in it is trusted. Each
press re-reads the resident's facts and recomputes the item: a press on an item that was done
or moved meanwhile is answered (by whom, or the new date), never acted on; a press by someone
who may not see the resident, or is not responsible for the item, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, local_today
from bot.domain.access import Actor
from bot.domain.errors import Conflict, InvalidInput, NotAllowed
from bot.domain.goals import format_date
from bot.domain.onboarding import StepOwner, access_days_left
from bot.reminders.digest import Entry
from bot.reminders.facts import load_departments, load_facts
from bot.reminders.onboarding import StepFact, access_item, leaders_of, step_item
from bot.reminders.rules import (
    LEADER_STEPS,
    ONBOARDING_RULES,
    RULE_ACCESS_ENDS,
    RULES_BY_CODE,
    SUBJECT_KINDS,
    DueItem,
    due_items,
    subject_of,
)
from bot.reminders.stages import ESCALATION, escalates, stage_on
from bot.services.directory import Directory
from bot.services.onboarding import leads_substitute
from bot.services.plans import owns_resident_plan, visible_resident
from bot.storage.uow import UnitOfWork

MINE_DAYS = 30  # /paamindelser: overdue items and those due within this many days
SNOOZE_DAYS = {"d": 1, "w": 7}
# How far ahead a pressed item is looked for, to tell "moved to ..." from "done".
SEARCH_DAYS = 3 * 366
UPCOMING = "upcoming"


@dataclass(frozen=True, slots=True)
class PressedItem:
    """The item a button meant, as it stands now, and who pressed."""

    item: DueItem
    resident_id: int
    leader: bool  # the presser leads the resident's department (or the offer)


def find_item(
    uow: UnitOfWork, actor: Actor, today: date, tz: ZoneInfo, code: str, ref: int, due: int
) -> PressedItem:
    """Recompute the item a button names; raise a domain error when it cannot be acted on.

    uow must be open. NotAllowed: unknown item, a resident the actor may not see, or an item
    that is not theirs; Conflict: already done ("reminders.already_done") or moved.
    """
    if not 1 <= due <= date.max.toordinal():
        raise InvalidInput("error.bad_button")  # no such day: not a button this bot made
    rule = RULES_BY_CODE.get(code)
    if rule is None:
        raise NotAllowed()
    if rule in ONBOARDING_RULES:
        return _find_onboarding_item(uow, actor, today, rule, ref, date.fromordinal(due))
    subject = subject_of(rule, ref)
    resident_id = uow.reminders.resident_of(SUBJECT_KINDS.get(rule, "resident"), ref)
    if resident_id is None:
        raise NotAllowed()
    resident = visible_resident(uow, actor, resident_id)
    facts = load_facts(uow, tz, today, [resident_id])
    if not facts:  # moved out
        raise Conflict("reminders.already_done")
    pressed_due = date.fromordinal(due)
    current = [
        item
        for item in due_items(facts[0], today, SEARCH_DAYS)
        if item.rule == rule and item.subject == subject
    ]
    item = next((i for i in current if i.due == pressed_due), None)
    leader = actor.role.is_leader and owns_resident_plan(uow, actor, resident)
    if item is None:
        if current:
            raise Conflict("reminders.moved", date=format_date(current[0].due))
        raise Conflict("reminders.already_done")
    if actor.staff_id not in item.responsible and not leader:
        if item.rule in LEADER_STEPS or item.action == "schedule":
            raise NotAllowed("reminders.not_yours_leader", name=resident.display_name)
        raise NotAllowed("reminders.not_yours", name=resident.display_name)
    return PressedItem(item, resident_id, leader)


def pressed_item(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, code: str, ref: int, due: int
) -> PressedItem:
    """Find the item a button names (opens the unit of work; read-only)."""
    with uow:
        return find_item(uow, actor, local_today(clock, tz), tz, code, ref, due)


def snooze(
    uow: UnitOfWork,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    code: str,
    ref: int,
    due: int,
    action: str,
) -> date:
    """`Udsæt 1 dag/uge`: keep the item quiet for the presser until a day; return it."""
    now = clock.now()
    today = local_today(clock, tz)
    days = SNOOZE_DAYS[action]
    with uow:
        pressed = find_item(uow, actor, today, tz, code, ref, due)
        item = pressed.item
        until = today + timedelta(days=days)
        uow.reminders.snooze(item.rule, item.subject, item.due, actor.staff_id, until, now)
        uow.reminders.cancel_item(item.rule, item.subject, item.due, actor.staff_id, now)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="update",
            entity="reminder_snooze",
            entity_id=ref,
            resident_id=pressed.resident_id or None,
            detail=f"{item.rule} {item.subject} due {item.due.isoformat()} until {until}",
        )
        uow.commit()
    return until


def my_items(
    uow: UnitOfWork,
    directory: Directory,
    clock: Clock,
    tz: ZoneInfo,
    actor: Actor,
    days: int = MINE_DAYS,
) -> tuple[date, list[Entry], dict[int, str]]:
    """Everything due for the actor: overdue, and due within `days`; leaders also see what
    is escalated to them. Returns (today, entries most urgent first, staff names)."""
    today = local_today(clock, tz)
    with uow:
        visible = list(directory.residents(uow, actor).order)
        departments = load_departments(uow, today)
        facts = load_facts(uow, tz, today, visible, departments=departments) if visible else []
        entries: list[Entry] = []
        for resident in facts:
            for item in due_items(resident, today, days):
                entry = _entry(actor, item, resident.leader_ids, today)
                if entry is not None:
                    entries.append(entry)
        entries += _my_onboarding(uow, actor, today, days, departments.leaders)
        people = {person for entry in entries for person in entry.item.responsible}
        names = uow.staff.names(people)
        # Every read of resident data is logged: one entry per resident the list shows.
        if entries:
            now = clock.now()
            for resident_id in sorted({e.item.resident_id for e in entries if e.item.resident_id}):
                uow.audit.record(
                    at=now,
                    actor_id=actor.staff_id,
                    action="read",
                    entity="reminders",
                    resident_id=resident_id,
                    detail="/paamindelser",
                )
            uow.commit()
    entries.sort(key=lambda e: (e.item.due, e.item.params.get("name", ""), e.item.rule))
    return today, entries, names


def _find_onboarding_item(
    uow: UnitOfWork, actor: Actor, today: date, rule: str, ref: int, pressed_due: date
) -> PressedItem:
    """Recompute an onboarding item (a step, or the access end) the way the sweep builds it."""
    if rule == RULE_ACCESS_ENDS:
        staff = uow.staff.get(ref)
        if ref != actor.staff_id or staff is None or staff.access_ends_on is None:
            raise NotAllowed()
        if staff.access_ends_on != pressed_due:
            raise Conflict("reminders.moved", date=format_date(staff.access_ends_on))
        return PressedItem(access_item(ref, staff.display_name, pressed_due), 0, False)
    step = uow.onboarding.step(ref)
    if step is None:
        raise NotAllowed()
    leader = actor.role.is_leader and leads_substitute(uow, actor, step.staff_id)
    if step.staff_id != actor.staff_id and not leader:
        raise NotAllowed()
    if step.done_on is not None:
        raise Conflict("reminders.already_done")
    if step.due_on != pressed_due:
        raise Conflict("reminders.moved", date=format_date(step.due_on))
    staff = uow.staff.get(step.staff_id)
    assert staff is not None and step.id is not None
    departments = tuple(uow.staff.departments_of(step.staff_id))
    fact = StepFact(
        step.id,
        step.staff_id,
        staff.display_name,
        step.title,
        StepOwner(step.owner),
        step.due_on,
        departments,
    )
    item = step_item(fact, uow.reminders.department_leaders(today))
    if actor.staff_id not in item.responsible and not leader:
        raise NotAllowed("onboarding.leader_step")
    return PressedItem(item, 0, leader)


def _entry(actor: Actor, item: DueItem, leader_ids: tuple[int, ...], today: date) -> Entry | None:
    """The actor's entry for an item: theirs, or escalated to them as a leader; else None."""
    mine = actor.staff_id in item.responsible
    escalated = actor.staff_id in leader_ids and escalates(item.rule, item.due, today)
    if not (mine or escalated):
        return None
    stage = ESCALATION if escalated and not mine else stage_on(item.rule, item.due, today)
    return Entry(item, stage or UPCOMING)


def _my_onboarding(
    uow: UnitOfWork,
    actor: Actor,
    today: date,
    days: int,
    leaders: dict[int, tuple[int, ...]],
) -> list[Entry]:
    """The onboarding items for /paamindelser: a substitute's own steps and access end; the
    steps a leader confirms, and substitutes' steps escalated to them."""
    found: list[Entry] = []
    for step in uow.onboarding.open_steps(today + timedelta(days=days), today):
        item = step_item(step, leaders)
        entry = _entry(actor, item, leaders_of(step.department_ids, leaders), today)
        if entry is not None:
            found.append(entry)
    left = access_days_left(actor.access_ends_on, today)
    if actor.access_ends_on is not None and left is not None and 0 <= left <= days:
        item = access_item(actor.staff_id, actor.display_name, actor.access_ends_on)
        found.append(Entry(item, stage_on(item.rule, item.due, today) or UPCOMING))
    return found
