"""Use cases of substitute onboarding (issue 5): the checklist, invites, briefs, access.

One unit of work per use case. Nothing a button carries is trusted: every press names a step
or a resident by number, and each use case re-reads it and checks who may act on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.clock import Clock, local_today
from bot.domain.access import Actor, Role, can_invite
from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.goals import format_date
from bot.domain.onboarding import (
    BRIEF_STEP_KIND,
    CODE,
    MAX_CODE_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_DUE_DAYS,
    MAX_RECUR_MONTHS,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    START_DAYS_BACK,
    TASK_STEP_KIND,
    StepFacts,
    StepOwner,
    StepTemplate,
    applies,
    briefs_open,
    first_due,
    missing_gates,
    next_due,
    overdue,
    validate_access_end,
    validate_start,
)
from bot.services.imports import ImportResult, read_csv
from bot.services.plans import visible_resident
from bot.storage.models import Invite, OnboardingStep, Staff, Substitute
from bot.storage.onboarding_repositories import SubstituteRow, step_facts, template_of
from bot.storage.uow import UnitOfWork
from bot.texts import Locale, plain

TEMPLATE_COLUMNS = ("code", "title", "owner", "due_days")
TEMPLATE_OPTIONAL_COLUMNS = ("description", "gates_briefs", "recurs_months", "agency_only", "kind")
YES = frozenset({"ja", "j", "yes", "y", "1", "x", "true"})
NO = frozenset({"nej", "n", "no", "0", "", "false"})
OWNERS = {
    "vikar": StepOwner.VIKAR,
    "substitute": StepOwner.VIKAR,
    "leder": StepOwner.LEDER,
    "leader": StepOwner.LEDER,
}
KINDS = (TASK_STEP_KIND, BRIEF_STEP_KIND)
# What a brief shows of the latest notes: the diary types on how to meet the resident.
BRIEF_NOTE_TYPES = ("Kommunikationsforhold", "Indflydelse på eget liv")
BRIEF_NOTES_PER_TYPE = 3
EXTEND_DAYS = {"w": 7, "m": 30}


# --- the checklist --------------------------------------------------------------------------


def _flag(value: str) -> bool:
    folded = value.strip().casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise InvalidInput("onboarding.import_flag", value=value)


def _int(value: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise InvalidInput("onboarding.import_number", value=value, low=low, high=high) from None
    if not low <= number <= high:
        raise InvalidInput("onboarding.import_number", value=value, low=low, high=high)
    return number


def template_row(cells: dict[str, str]) -> StepTemplate:
    """Validate one CSV row of the checklist; InvalidInput names the first problem."""
    code = cells["code"].strip().lower()
    if not code or len(code) > MAX_CODE_CHARS or not CODE.match(code):
        raise InvalidInput("onboarding.import_code", value=cells["code"], limit=MAX_CODE_CHARS)
    title = " ".join(cells["title"].split())
    if not title or len(title) > MAX_TITLE_CHARS:
        raise InvalidInput("onboarding.import_title", limit=MAX_TITLE_CHARS)
    description = " ".join(cells.get("description", "").split())
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidInput("onboarding.import_description", limit=MAX_DESCRIPTION_CHARS)
    owner = OWNERS.get(cells["owner"].strip().casefold())
    if owner is None:
        raise InvalidInput("onboarding.import_owner", value=cells["owner"])
    due_days = _int(cells["due_days"], -MAX_DUE_DAYS, MAX_DUE_DAYS)
    recurs_text = cells.get("recurs_months", "").strip()
    recurs = _int(recurs_text, 1, MAX_RECUR_MONTHS) if recurs_text else None
    kind = cells.get("kind", "").strip().lower() or TASK_STEP_KIND
    if kind not in KINDS:
        raise InvalidInput("onboarding.import_kind", value=cells["kind"])
    gates = _flag(cells.get("gates_briefs", ""))
    if kind == BRIEF_STEP_KIND and (gates or owner is not StepOwner.VIKAR or recurs):
        # Reading the briefs cannot be what opens them, and only the substitute reads.
        raise InvalidInput("onboarding.import_brief_kind")
    return StepTemplate(
        code=code,
        title=title,
        description=description,
        owner=owner,
        due_days=due_days,
        gates_briefs=gates,
        recurs_months=recurs,
        agency_only=_flag(cells.get("agency_only", "")),
        kind=kind,
    )


def import_checklist(
    uow: UnitOfWork, clock: Clock, stream: TextIO, *, locale: Locale = "en"
) -> ImportResult:
    """Replace the facility's checklist with a CSV file: all rows or none.

    Steps are matched by `code`; a step missing from the file is taken off the checklist
    (substitutes who already have it keep it). Substitutes who joined earlier keep their
    steps as they were given (see bot.domain.onboarding).
    """
    rows, errors = read_csv(stream, TEMPLATE_COLUMNS, TEMPLATE_OPTIONAL_COLUMNS, locale=locale)
    result = ImportResult(errors=errors)
    if errors:
        return result
    steps: list[StepTemplate] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            step = template_row(row.cells)
        except InvalidInput as exc:
            result.errors.append((row.line, plain(exc.text_key, locale, **exc.params)))
            continue
        if step.code in seen:
            result.errors.append(
                (row.line, plain("onboarding.import_repeated", locale, line=seen[step.code]))
            )
            continue
        seen[step.code] = row.line
        steps.append(step)
    if not rows:
        result.errors.append((1, plain("onboarding.import_empty", locale)))
    elif len(rows) > MAX_STEPS:
        result.errors.append((1, plain("onboarding.import_too_many", locale, limit=MAX_STEPS)))
    if result.errors:
        return result
    with uow:
        created, updated, unchanged, deactivated = uow.onboarding.replace_templates(
            steps, clock.now()
        )
        uow.audit.record(
            at=clock.now(),
            actor_id=None,
            action="update",
            entity="onboarding_template",
            detail=f"import created={created} updated={updated} removed={deactivated}",
        )
        uow.commit()
    result.created, result.updated, result.unchanged = created, updated, unchanged
    return result


def checklist_template(uow: UnitOfWork, actor: Actor) -> list[StepTemplate]:
    """Return the facility's checklist (leaders only)."""
    if not actor.role.is_leader:
        raise NotAllowed("onboarding.leaders_only")
    with uow:
        return [template_of(row) for row in uow.onboarding.templates()]


# --- inviting and joining --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubstituteInvite:
    """What a leader chose for a substitute's invite (the department is the invite's)."""

    starts_on: date
    access_ends_on: date
    agency: bool
    resident_ids: tuple[int, ...]


def check_start(starts_on: date, today: date) -> None:
    """Refuse a start date long past or far ahead."""
    reason = validate_start(starts_on, today)
    if reason is not None:
        raise InvalidInput(reason, days=START_DAYS_BACK)


def check_substitute_terms(wanted: SubstituteInvite, today: date) -> None:
    """Refuse terms a substitute's invite cannot have (before anything is written)."""
    check_start(wanted.starts_on, today)
    reason = validate_access_end(wanted.starts_on, wanted.access_ends_on, today)
    if reason is not None:
        raise InvalidInput(reason)
    if not wanted.resident_ids:
        raise InvalidInput("onboarding.no_residents")


def attach_substitute_terms(uow: UnitOfWork, invite: Invite, wanted: SubstituteInvite) -> None:
    """Store a substitute invite's terms on it (inside create_invite's unit of work)."""
    assert invite.id is not None
    for resident_id in wanted.resident_ids:
        resident = uow.residents.get(resident_id)
        if resident is None or resident.moved_out_on is not None:
            raise NotFound("onboarding.resident_gone")
        if resident.department_id != invite.department_id:
            raise InvalidInput("onboarding.resident_other_department", name=resident.display_name)
    invite.starts_on = wanted.starts_on
    invite.access_ends_on = wanted.access_ends_on
    invite.agency = wanted.agency
    uow.session.add(invite)
    uow.onboarding.set_invite_residents(invite.id, wanted.resident_ids)


def start_substitute(uow: UnitOfWork, staff: Staff, invite: Invite, now: datetime) -> None:
    """A substitute joined with their invite: assignments, access end and their checklist.

    Runs inside join_with_code's unit of work. A person who was a substitute before keeps
    their checklist; the new invite adds residents and sets the new last day of access.
    """
    assert staff.id is not None and invite.id is not None and invite.starts_on is not None
    uow.onboarding.assign(staff.id, uow.onboarding.invite_residents(invite.id))
    staff.access_ends_on = invite.access_ends_on
    uow.session.add(staff)
    if uow.onboarding.substitute(staff.id) is not None:
        uow.flush()
        return
    uow.onboarding.add_substitute(
        Substitute(
            staff_id=staff.id,
            starts_on=invite.starts_on,
            agency=invite.agency,
            invited_by_id=invite.created_by_id,
            created_at=now,
        )
    )
    for row in uow.onboarding.templates():
        template = template_of(row)
        if not applies(template, agency=invite.agency):
            continue
        assert row.id is not None
        uow.onboarding.add_step(
            OnboardingStep(
                staff_id=staff.id,
                template_id=row.id,
                occurrence=1,
                title=template.title,
                description=template.description,
                owner=template.owner.value,
                gates_briefs=template.gates_briefs,
                kind=template.kind,
                recurs_months=template.recurs_months,
                due_on=first_due(invite.starts_on, template.due_days),
            )
        )


# --- the substitute's side -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResidentBriefState:
    """An assigned resident and whether the substitute has confirmed reading the brief."""

    resident_id: int
    name: str
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class Checklist:
    """One substitute's checklist as they (or a leader) see it."""

    staff_id: int
    name: str
    today: date
    starts_on: date
    agency: bool
    access_ends_on: date | None
    steps: tuple[StepFacts, ...]
    residents: tuple[ResidentBriefState, ...]
    names: dict[int, str]  # who ticked steps

    @property
    def briefs_open(self) -> bool:
        """Tell whether the briefs are open (every gating step done)."""
        return briefs_open(self.steps)

    @property
    def missing_gates(self) -> list[StepFacts]:
        """The gating steps still to do."""
        return missing_gates(self.steps)

    @property
    def overdue(self) -> list[StepFacts]:
        """The overdue steps, oldest first."""
        return overdue(self.steps, self.today)


def _checklist(uow: UnitOfWork, staff_id: int, today: date) -> Checklist:
    staff = uow.staff.get(staff_id)
    substitute = uow.onboarding.substitute(staff_id)
    if staff is None:
        raise NotAllowed("onboarding.not_substitute")
    if substitute is None:
        # A substitute registered before checklists existed (or without a substitute invite).
        raise NotAllowed("onboarding.no_checklist")
    steps = tuple(step_facts(step) for step in uow.onboarding.steps(staff_id))
    reads = uow.onboarding.reads([staff_id]).get(staff_id, {})
    residents = []
    for resident_id in uow.onboarding.assigned(staff_id):
        resident = uow.residents.get(resident_id)
        if resident is None or resident.moved_out_on is not None:
            continue
        residents.append(
            ResidentBriefState(resident_id, resident.display_name, reads.get(resident_id))
        )
    residents.sort(key=lambda r: r.name)
    names = uow.staff.names(s.done_by_id for s in steps if s.done_by_id is not None)
    return Checklist(
        staff_id=staff_id,
        name=staff.display_name,
        today=today,
        starts_on=substitute.starts_on,
        agency=substitute.agency,
        access_ends_on=staff.access_ends_on,
        steps=steps,
        residents=tuple(residents),
        names=names,
    )


def my_checklist(uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor) -> Checklist:
    """`/tjekliste`: the substitute's own steps, done and due, and their residents' briefs."""
    if actor.role is not Role.VIKAR:
        raise NotAllowed("onboarding.not_substitute")
    with uow:
        return _checklist(uow, actor.staff_id, local_today(clock, tz))


def leads_substitute(uow: UnitOfWork, actor: Actor, staff_id: int) -> bool:
    """Tell whether the actor leads a department of the substitute (or the whole offer)."""
    if actor.role is Role.TILBUDSLEDER:
        return True
    if actor.role is not Role.AFDELINGSLEDER:
        return False
    rows = uow.onboarding.substitutes(actor.department_ids)
    return any(row.staff_id == staff_id for row in rows)


@dataclass(frozen=True, slots=True)
class StepDone:
    """A step ticked: which, and the next occurrence of a recurring one."""

    step: StepFacts
    next_due: date | None
    substitute_id: int
    substitute_name: str


def complete_step(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, step_id: int
) -> StepDone:
    """Tick a step: the substitute their own steps, a leader of theirs the leader's steps.

    A step done already (by a colleague pressing at the same moment) is reported, not redone.
    """
    now = clock.now()
    today = local_today(clock, tz)
    with uow:
        step = uow.onboarding.step(step_id, lock=True)
        if step is None:
            raise NotAllowed()
        owner = StepOwner(step.owner)
        own = step.staff_id == actor.staff_id
        leader = not own and leads_substitute(uow, actor, step.staff_id)
        if not own and not leader:
            raise NotAllowed()
        if owner is StepOwner.LEDER and not leader:
            raise NotAllowed("onboarding.leader_step")
        if owner is StepOwner.VIKAR and not own:
            raise NotAllowed("onboarding.substitute_step")
        if step.kind == BRIEF_STEP_KIND:
            raise Conflict("onboarding.brief_step")
        if step.done_on is not None:
            by = uow.staff.names([step.done_by_id] if step.done_by_id else []).get(
                step.done_by_id or 0, ""
            )
            raise Conflict("onboarding.already_done", name=by, date=format_date(step.done_on))
        following = _tick(uow, step, actor.staff_id, today, now)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="update",
            entity="onboarding_step",
            entity_id=step.id,
            detail=f"done staff={step.staff_id}",
        )
        staff = uow.staff.get(step.staff_id)
        assert staff is not None
        uow.commit()
        return StepDone(step_facts(step), following, step.staff_id, staff.display_name)


def _tick(
    uow: UnitOfWork, step: OnboardingStep, by: int, today: date, now: datetime
) -> date | None:
    """Mark a step done; a recurring one gets its next occurrence. Returns that due date."""
    step.done_on = today
    step.done_by_id = by
    step.done_at = now
    uow.session.add(step)
    if not step.recurs_months:
        uow.flush()
        return None
    due = next_due(step.due_on, step.recurs_months)
    while due <= today:
        due = next_due(due, step.recurs_months)  # a meeting long overdue: the next one ahead
    uow.onboarding.add_step(
        OnboardingStep(
            staff_id=step.staff_id,
            template_id=step.template_id,
            occurrence=step.occurrence + 1,
            title=step.title,
            description=step.description,
            owner=step.owner,
            gates_briefs=step.gates_briefs,
            kind=step.kind,
            recurs_months=step.recurs_months,
            due_on=due,
        )
    )
    return due


# --- briefs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BriefSubGoal:
    """A sub-goal in a brief: what, and how we work with it."""

    text: str
    method: str


@dataclass(frozen=True, slots=True)
class BriefGoal:
    """A current goal in a brief, with its active sub-goals."""

    text: str
    sub_goals: tuple[BriefSubGoal, ...]


@dataclass(frozen=True, slots=True)
class Brief:
    """Need to know about one resident, read-only."""

    resident_id: int
    name: str
    goals: tuple[BriefGoal, ...]
    notes: tuple[tuple[str, datetime, str], ...]  # (diary type, written, text)
    read_at: datetime | None


def _open_brief(uow: UnitOfWork, actor: Actor, resident_id: int) -> tuple[str, int]:
    """Check that the actor may read this resident's brief; return (name, id)."""
    if actor.role is not Role.VIKAR:
        raise NotAllowed("onboarding.not_substitute")
    resident = visible_resident(uow, actor, resident_id)  # assigned residents only
    steps = [step_facts(step) for step in uow.onboarding.steps(actor.staff_id)]
    missing = missing_gates(steps)
    if missing:
        raise NotAllowed("onboarding.brief_locked", steps="; ".join(s.title for s in missing))
    if resident.moved_out_on is not None:
        raise Conflict("notes.resident_moved_out", name=resident.display_name)
    assert resident.id is not None
    return resident.display_name, resident.id


def read_brief(uow: UnitOfWork, clock: Clock, actor: Actor, resident_id: int) -> Brief:
    """A substitute opens an assigned resident's brief (only once the gating steps are done)."""
    now = clock.now()
    with uow:
        name, rid = _open_brief(uow, actor, resident_id)
        goals = []
        for goal in uow.goals.goals_of(rid):
            assert goal.id is not None
            subs = tuple(
                BriefSubGoal(sub.text, sub.method) for sub in uow.goals.sub_goals_of(goal.id)
            )
            goals.append(BriefGoal(goal.text, subs))
        notes = tuple(uow.onboarding.latest_notes(rid, BRIEF_NOTE_TYPES, BRIEF_NOTES_PER_TYPE))
        read_at = uow.onboarding.reads([actor.staff_id]).get(actor.staff_id, {}).get(rid)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="read",
            entity="brief",
            entity_id=rid,
            resident_id=rid,
        )
        uow.commit()
        return Brief(rid, name, tuple(goals), notes, read_at)


@dataclass(frozen=True, slots=True)
class BriefConfirmed:
    """`Læst` recorded; whether that finished the handover step."""

    name: str
    first_time: bool
    handover_done: bool


def confirm_brief(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, resident_id: int
) -> BriefConfirmed:
    """`Læst`: record (and log) that the substitute read the brief; the handover step is done
    when every assigned resident's brief is read."""
    now = clock.now()
    today = local_today(clock, tz)
    with uow:
        name, rid = _open_brief(uow, actor, resident_id)
        # Two briefs confirmed at once: the second waits, and then sees the first one's read,
        # so the last of them always completes the handover step.
        uow.onboarding.lock_person(actor.staff_id)
        first = uow.onboarding.record_read(actor.staff_id, rid, now)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="update",
            entity="brief_read",
            entity_id=rid,
            resident_id=rid,
        )
        reads = uow.onboarding.reads([actor.staff_id]).get(actor.staff_id, {})
        living = [
            r
            for r in uow.onboarding.assigned(actor.staff_id)
            if (found := uow.residents.get(r)) is not None and found.moved_out_on is None
        ]
        handover = False
        if all(r in reads for r in living):
            for step in uow.onboarding.steps(actor.staff_id):
                if step.kind == BRIEF_STEP_KIND and step.done_on is None:
                    _tick(uow, step, actor.staff_id, today, now)
                    handover = True
        uow.commit()
        return BriefConfirmed(name, first, handover)


# --- the leader's side -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubstituteProgress:
    """One line of /vikarer."""

    row: SubstituteRow
    done: int
    total: int
    overdue: tuple[StepFacts, ...]
    waiting_for_leader: tuple[StepFacts, ...]  # open leader steps due within a week, or late
    has_access: bool


def substitutes_overview(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor
) -> list[SubstituteProgress]:
    """`/vikarer`: each substitute of the leader's departments, overdue steps first."""
    if not actor.role.is_leader:
        raise NotAllowed("onboarding.leaders_only")
    today = local_today(clock, tz)
    with uow:
        scope = None if actor.role is Role.TILBUDSLEDER else actor.department_ids
        rows = uow.onboarding.substitutes(scope)
        steps = {
            staff_id: [step_facts(step) for step in given]
            for staff_id, given in uow.onboarding.steps_of([r.staff_id for r in rows]).items()
        }
    found = []
    for row in rows:
        facts = steps.get(row.staff_id, [])
        late = tuple(overdue(facts, today))
        waiting = tuple(
            s
            for s in facts
            if not s.done and s.owner is StepOwner.LEDER and s.due_on <= today + timedelta(days=7)
        )
        access = row.active and (row.access_ends_on is None or today <= row.access_ends_on)
        found.append(
            SubstituteProgress(
                row,
                sum(1 for s in facts if s.done),
                len(facts),
                late,
                waiting,
                access,
            )
        )
    # Those with access and overdue steps first (most overdue first), then the rest by name;
    # substitutes whose access has ended last.
    found.sort(
        key=lambda p: (
            not p.has_access,
            not p.overdue,
            p.overdue[0].due_on if p.overdue else date.max,
            p.row.name,
        )
    )
    return found


def substitute_checklist(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, staff_id: int
) -> Checklist:
    """A leader opens one substitute's checklist (their departments only)."""
    with uow:
        if not leads_substitute(uow, actor, staff_id):
            raise NotAllowed()
        return _checklist(uow, staff_id, local_today(clock, tz))


@dataclass(frozen=True, slots=True)
class AccessChanged:
    """A substitute's access after a leader ended or extended it."""

    staff_id: int
    name: str
    telegram_user_id: int
    access_ends_on: date
    ended: bool


def change_access(
    uow: UnitOfWork, clock: Clock, tz: ZoneInfo, actor: Actor, staff_id: int, action: str
) -> AccessChanged:
    """End a substitute's access now ("end"), or extend it by a week or a month ("w", "m")."""
    now = clock.now()
    today = local_today(clock, tz)
    with uow:
        if not leads_substitute(uow, actor, staff_id):
            raise NotAllowed()
        staff = uow.onboarding.lock_person(staff_id)  # two leaders at once: one after the other
        if staff is None or staff.role != Role.VIKAR.value:
            raise NotAllowed()
        current = staff.access_ends_on
        if action == "end":
            if current is not None and current < today:
                raise Conflict("onboarding.already_ended", name=staff.display_name)
            last_day = today - timedelta(days=1)
        elif action in EXTEND_DAYS:
            base = current if current is not None and current >= today else today
            last_day = base + timedelta(days=EXTEND_DAYS[action])
            reason = validate_access_end(today, last_day, today)
            if reason is not None:
                raise InvalidInput(reason)
        else:
            raise InvalidInput("error.bad_button")
        uow.onboarding.set_access_end(staff_id, last_day)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="update",
            entity="access",
            entity_id=staff_id,
            detail=f"{'ended' if action == 'end' else 'extended'} last_day={last_day}",
        )
        uow.commit()
        return AccessChanged(
            staff_id, staff.display_name, staff.telegram_user_id, last_day, action == "end"
        )


def department_residents(
    uow: UnitOfWork, actor: Actor, department_id: int
) -> Sequence[tuple[int, str]]:
    """Return (id, name) of the residents living in a department the actor may invite into."""
    if not can_invite(actor, Role.VIKAR, department_id):
        raise NotAllowed()
    with uow:
        return [
            (rid, name)
            for rid, name, dep in uow.residents.visible_rows(actor)
            if dep == department_id
        ]


def residents_by_name(
    uow: UnitOfWork, department_name: str, names: Sequence[str]
) -> tuple[int, tuple[int, ...]]:
    """Find a department and residents living there by their exact names (ignoring case), for
    the command line's substitute invite. InvalidInput names what was not found or ambiguous."""
    with uow:
        department = uow.org.department_by_name(department_name)
        if department is None or department.id is None:
            raise InvalidInput("onboarding.cli_no_department", name=department_name)
        living: dict[str, list[int]] = {}
        for rid, name, dep in uow.residents.visible_rows(_OPERATOR):
            if dep == department.id:
                living.setdefault(name.casefold(), []).append(rid)
        found: list[int] = []
        for name in names:
            ids = living.get(name.strip().casefold(), [])
            if not ids:
                raise InvalidInput("onboarding.cli_no_resident", name=name.strip())
            if len(ids) > 1:
                raise InvalidInput("onboarding.cli_ambiguous", name=name.strip())
            found.append(ids[0])
        return department.id, tuple(found)


# The command line acts as the operator: it sees every resident (like the head of the offer).
_OPERATOR = Actor(0, 0, "operator", Role.TILBUDSLEDER, frozenset())
