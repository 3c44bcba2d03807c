"""Pure reminder rules: a resident's facts and a day in, the due items out (issue 4 §1).

No Telegram, no database and no clock here: the caller passes `today`. Every deadline of
DOMAIN.md (Evaluations, The status cycle, Other recurring deadlines) is one rule below; month
arithmetic uses `add_months`, which clamps to the end of a shorter month (31.8 + 3 months is
30.11, 29.2 + 12 months is 28.2).

Decisions taken here (and pinned by tests/unit/test_reminder_rules.py):
- Frequencies that change at 18 (status meetings, the IPEL and Kommunikationsforhold
  evaluations) use the frequency that applies *on the due date*: the child date (base + 6
  months) is used if the resident is still under 18 on that day, otherwise the adult date
  (base + 12 months). A 17-year-old whose last status meeting was 4 months before the 18th
  birthday is therefore next due 12 months after it, not 6.
- The base of a recurring deadline is its last occurrence, else the enrolment date.
- The status cycle is a chain of steps hung on a meeting (subject `status_meeting:<id>`): before
  a planned meeting the report is drafted (21 days before), approved by the afdelingsleder (16),
  sent with the agenda to the caseworker (14); on the day the leader marks the meeting held
  (and gives the next date); after a held meeting the minutes are written (4 days after),
  approved by the leader (6) and sent (7). A ticked step is never due again. With no planned
  meeting the leaders are asked to schedule one (6 months after the last under 18, 12 from 18).
- A goal or sub-goal that was never evaluated is first due at the department's first team
  meeting after it was created, if that comes before its interval does.
- Missing mandatory goals are due a month after enrolment: a fixed date, so the reminder follows
  the calm overdue rhythm instead of becoming "new" every day.
- The 18th birthday is informational (no action, never overdue): due on the birthday (29
  February: 1 March in a common year), from a year before it up to a week after it.
- Items are returned if overdue or due within `horizon_days` (default 60) of `today`, sorted by
  due date, rule and subject. Dates are plain calendar days, so summer time does not move them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from bot.domain.dates import age_on
from bot.domain.goals import EvaluationInterval, add_months, format_date, next_evaluation_date

DEFAULT_HORIZON_DAYS = 60
ADULT_AGE = 18
CHILD_CYCLE_MONTHS = 6  # status meetings and IPEL/Kommunikationsforhold: twice a year under 18
ADULT_CYCLE_MONTHS = 12  # once a year from 18
REPORT_DRAFT_DAYS_BEFORE = 21  # internal date for the kontaktteam's draft
REPORT_APPROVED_DAYS_BEFORE = 16  # the afdelingsleder approves, leaving time to send
SENT_TO_CASEWORKER_DAYS_BEFORE = 14  # report and agenda at least 14 days before the meeting
MINUTES_DAYS_AFTER = 7  # minutes written, approved and sent within 7 days after
MINUTES_WRITTEN_DAYS_AFTER = 4  # leaving the leader time to approve and the team to send
MINUTES_APPROVED_DAYS_AFTER = 6
MANDATORY_GOALS_MONTHS = 1  # the two mandatory goals are expected a month after enrolment
BIRTHDAY_SHOWN_DAYS_AFTER = 7  # so a birthday on a day off still reaches people after it
FIRST_DPU_MONTHS = 12  # first DPU no later than 1 year after enrolment
DPU_MONTHS = 24  # then at least every 2 years
KOMPAS_MONTHS = 6  # autonomt kompas starts 6 months after enrolment
SAMARBEJDSAFTALE_MONTHS = 12  # revised at least once a year

# Rule names (stable: they are part of the delivery ledger's unique key).
RULE_GOAL_EVALUATION = "goal_evaluation"
RULE_SUB_GOAL_EVALUATION = "sub_goal_evaluation"
RULE_IPEL_EVALUATION = "ipel_evaluation"
RULE_KOMM_EVALUATION = "komm_evaluation"
RULE_STATUS_MEETING = "status_meeting"
RULE_REPORT_DRAFT = "report_draft"
RULE_REPORT_APPROVED = "report_approved"
RULE_SENT_TO_CASEWORKER = "sent_to_caseworker"
RULE_MEETING_HELD = "meeting_held"
RULE_MINUTES_WRITTEN = "minutes_written"
RULE_MINUTES_APPROVED = "minutes_approved"
RULE_MINUTES_SENT = "minutes_sent"
RULE_DPU = "dpu"
RULE_KOMPAS = "autonomt_kompas"
RULE_SAMARBEJDSAFTALE = "samarbejdsaftale"
RULE_BIRTHDAY_18 = "birthday_18"
RULE_MANDATORY_GOALS = "mandatory_goals"

# What the item's main button does: open the evaluation, tick a status step, record a
# milestone as done, schedule a status meeting, show the plan, or nothing (informational).
Action = Literal["evaluate", "tick", "done", "schedule", "plan", "none"]

STEPS_BEFORE = (RULE_REPORT_DRAFT, RULE_REPORT_APPROVED, RULE_SENT_TO_CASEWORKER, RULE_MEETING_HELD)
STEPS_AFTER = (RULE_MINUTES_WRITTEN, RULE_MINUTES_APPROVED, RULE_MINUTES_SENT)
STATUS_STEPS = STEPS_BEFORE + STEPS_AFTER
# Steps the afdelingsleder does; the kontaktteam does the others.
LEADER_STEPS = frozenset({RULE_REPORT_APPROVED, RULE_MEETING_HELD, RULE_MINUTES_APPROVED})
STEP_OFFSETS = {
    RULE_REPORT_DRAFT: -REPORT_DRAFT_DAYS_BEFORE,
    RULE_REPORT_APPROVED: -REPORT_APPROVED_DAYS_BEFORE,
    RULE_SENT_TO_CASEWORKER: -SENT_TO_CASEWORKER_DAYS_BEFORE,
    RULE_MEETING_HELD: 0,
    RULE_MINUTES_WRITTEN: MINUTES_WRITTEN_DAYS_AFTER,
    RULE_MINUTES_APPROVED: MINUTES_APPROVED_DAYS_AFTER,
    RULE_MINUTES_SENT: MINUTES_DAYS_AFTER,
}
# Milestone rules: `Udført` records the work as done today, which moves the next due date.
MILESTONE_RULES = (
    RULE_IPEL_EVALUATION,
    RULE_KOMM_EVALUATION,
    RULE_DPU,
    RULE_KOMPAS,
    RULE_SAMARBEJDSAFTALE,
)
EVALUATION_RULES = (RULE_GOAL_EVALUATION, RULE_SUB_GOAL_EVALUATION)
ACTIONS: dict[str, Action] = {
    RULE_GOAL_EVALUATION: "evaluate",
    RULE_SUB_GOAL_EVALUATION: "evaluate",
    **dict.fromkeys(MILESTONE_RULES, "done"),
    RULE_STATUS_MEETING: "schedule",
    **dict.fromkeys(STATUS_STEPS, "tick"),
    RULE_BIRTHDAY_18: "none",
    RULE_MANDATORY_GOALS: "plan",
}
INFORMATIONAL = frozenset({RULE_BIRTHDAY_18})

# Short codes for buttons (callback data has 64 bytes) and the kind of each rule's subject.
RULE_CODES: dict[str, str] = {
    RULE_GOAL_EVALUATION: "ge",
    RULE_SUB_GOAL_EVALUATION: "se",
    RULE_IPEL_EVALUATION: "ip",
    RULE_KOMM_EVALUATION: "ko",
    RULE_STATUS_MEETING: "sm",
    RULE_REPORT_DRAFT: "rd",
    RULE_REPORT_APPROVED: "ra",
    RULE_SENT_TO_CASEWORKER: "sc",
    RULE_MEETING_HELD: "mh",
    RULE_MINUTES_WRITTEN: "mw",
    RULE_MINUTES_APPROVED: "ma",
    RULE_MINUTES_SENT: "ms",
    RULE_DPU: "dp",
    RULE_KOMPAS: "ak",
    RULE_SAMARBEJDSAFTALE: "sa",
    RULE_BIRTHDAY_18: "bd",
    RULE_MANDATORY_GOALS: "mg",
}
RULES_BY_CODE = {code: rule for rule, code in RULE_CODES.items()}
SUBJECT_KINDS: dict[str, str] = {
    RULE_GOAL_EVALUATION: "goal",
    RULE_SUB_GOAL_EVALUATION: "sub_goal",
    **dict.fromkeys(STATUS_STEPS, "status_meeting"),
}


def subject_of(rule: str, ref: int) -> str:
    """Return the subject of a rule's item about a number (`goal_evaluation`, 12 → `goal:12`)."""
    return f"{SUBJECT_KINDS.get(rule, 'resident')}:{ref}"


GoalKind = Literal["goal", "sub_goal"]


@dataclass(frozen=True, slots=True)
class TeamMeetings:
    """A department's team meeting: a weekday (0 = Monday), every N weeks from an anchor week."""

    weekday: int = 1
    every_weeks: int = 1
    anchor: date = date(2024, 1, 1)  # a Monday; week 0 of the rhythm

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6 or self.every_weeks < 1:
            raise ValueError(f"bad team meeting rhythm: {self.weekday}, {self.every_weeks}")

    def first_after(self, day: date) -> date:
        """Return the first team meeting strictly after day."""
        anchor_monday = self.anchor - timedelta(days=self.anchor.weekday())
        candidate = day + timedelta(days=1)
        candidate += timedelta(days=(self.weekday - candidate.weekday()) % 7)
        weeks = (candidate - anchor_monday).days // 7
        candidate += timedelta(weeks=(-weeks) % self.every_weeks)
        return candidate


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """A status meeting: its id, date and the steps already ticked off."""

    id: int
    on: date
    done: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GoalFacts:
    """What the rules need to know about one goal or sub-goal."""

    id: int
    kind: GoalKind
    text: str
    created_on: date
    last_evaluated_on: date | None
    next_evaluation_on: date | None
    interval: EvaluationInterval
    active: bool


@dataclass(frozen=True, slots=True)
class ResidentFacts:
    """What the rules need to know about one resident (dates are None when not yet happened)."""

    resident_id: int
    name: str
    birth_date: date
    enrolment_date: date
    department_id: int
    contact_team_ids: tuple[int, ...]
    leader_ids: tuple[int, ...]
    goals: tuple[GoalFacts, ...] = ()
    mandatory_areas_missing: tuple[str, ...] = ()
    last_status_meeting: MeetingFacts | None = None
    next_status_meeting: MeetingFacts | None = None
    team_meetings: TeamMeetings | None = None
    last_ipel_evaluation: date | None = None
    last_komm_evaluation: date | None = None
    last_dpu: date | None = None
    kompas_started: date | None = None
    last_samarbejdsaftale: date | None = None


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing due: which rule, about what, when, for whom, and how to show it."""

    rule: str
    subject: str
    due: date
    responsible: tuple[int, ...]
    title_key: str
    params: dict[str, str] = field(default_factory=dict)
    resident_id: int = 0

    @property
    def action(self) -> Action:
        """What the item's main button does."""
        return ACTIONS[self.rule]

    @property
    def subject_id(self) -> int:
        """The number in the subject (`goal:12` → 12)."""
        return int(self.subject.rsplit(":", 1)[1])

    @property
    def key(self) -> tuple[str, str, date]:
        """Return (rule, subject, due): the item's part of the delivery ledger's key."""
        return self.rule, self.subject, self.due


def eighteenth_birthday(birth_date: date) -> date:
    """Return the 18th birthday (born 29 February: 1 March in a common year, as age_on)."""
    year = birth_date.year + ADULT_AGE
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def cycle_due(base: date, birth_date: date) -> date:
    """Return the next date of a twice-a-year-under-18, yearly-from-18 deadline after base.

    The frequency that applies on the due date wins: base + 6 months if the resident is still
    under 18 then, otherwise base + 12 months.
    """
    child = add_months(base, CHILD_CYCLE_MONTHS)
    if age_on(birth_date, child) < ADULT_AGE:
        return child
    return add_months(base, ADULT_CYCLE_MONTHS)


def goal_due_date(goal: GoalFacts, team_meetings: TeamMeetings | None = None) -> date:
    """Return when a goal or sub-goal is next to be evaluated (at most 3 months after the base).

    One never evaluated is due at the first team meeting after it was created, if sooner.
    """
    base = goal.last_evaluated_on or goal.created_on
    if goal.next_evaluation_on is None:
        due = next_evaluation_date(base, goal.interval)  # interval, capped at 3 months
    else:
        due = min(goal.next_evaluation_on, add_months(base, 3))
    if goal.last_evaluated_on is None and team_meetings is not None:
        due = min(due, team_meetings.first_after(goal.created_on))
    return due


def _people(*groups: tuple[int, ...]) -> tuple[int, ...]:
    """Join groups of staff ids, keeping the first occurrence's order."""
    return tuple(dict.fromkeys(person for group in groups for person in group))


def _all_items(facts: ResidentFacts, today: date, until: date | None = None) -> list[DueItem]:
    team = facts.contact_team_ids
    leaders = facts.leader_ids
    both = _people(team, leaders)
    resident_subject = f"resident:{facts.resident_id}"
    name = facts.name
    items: list[DueItem] = []

    def add(
        rule: str,
        due: date,
        responsible: tuple[int, ...],
        subject: str = resident_subject,
        **params: str,
    ) -> None:
        if until is not None and due > until:
            return  # beyond the horizon: not built at all (~85% of all items)
        shown = {"name": name, "date": format_date(due), **params}
        items.append(
            DueItem(rule, subject, due, responsible, f"reminders.{rule}", shown, facts.resident_id)
        )

    for goal in facts.goals:
        if goal.active:
            rule = RULE_GOAL_EVALUATION if goal.kind == "goal" else RULE_SUB_GOAL_EVALUATION
            due = goal_due_date(goal, facts.team_meetings)
            add(rule, due, team, f"{goal.kind}:{goal.id}", text=goal.text)

    birth = facts.birth_date
    enrolled = facts.enrolment_date
    add(RULE_IPEL_EVALUATION, cycle_due(facts.last_ipel_evaluation or enrolled, birth), team)
    add(RULE_KOMM_EVALUATION, cycle_due(facts.last_komm_evaluation or enrolled, birth), team)

    upcoming = facts.next_status_meeting
    last = facts.last_status_meeting
    if upcoming is None:
        base = last.on if last is not None else enrolled
        add(RULE_STATUS_MEETING, cycle_due(base, birth), leaders)
    else:
        _steps(add, upcoming, STEPS_BEFORE, team, leaders)
    if last is not None:
        _steps(add, last, STEPS_AFTER, team, leaders)

    if facts.last_dpu is None:
        add(RULE_DPU, add_months(enrolled, FIRST_DPU_MONTHS), team)
    else:
        add(RULE_DPU, add_months(facts.last_dpu, DPU_MONTHS), team)
    if facts.kompas_started is None:
        add(RULE_KOMPAS, add_months(enrolled, KOMPAS_MONTHS), team)
    aftale_base = facts.last_samarbejdsaftale or enrolled
    add(RULE_SAMARBEJDSAFTALE, add_months(aftale_base, SAMARBEJDSAFTALE_MONTHS), both)

    birthday = eighteenth_birthday(birth)
    if add_months(birthday, -12) <= today <= birthday + timedelta(days=BIRTHDAY_SHOWN_DAYS_AFTER):
        add(RULE_BIRTHDAY_18, birthday, both)
    if facts.mandatory_areas_missing:
        due = add_months(enrolled, MANDATORY_GOALS_MONTHS)
        add(RULE_MANDATORY_GOALS, due, both, areas=", ".join(facts.mandatory_areas_missing))
    return items


def _steps(
    add: Callable[..., None],
    meeting: MeetingFacts,
    steps: tuple[str, ...],
    team: tuple[int, ...],
    leaders: tuple[int, ...],
) -> None:
    """Add a meeting's steps that are not ticked off yet."""
    subject = f"status_meeting:{meeting.id}"
    shown = format_date(meeting.on)
    for rule in steps:
        if rule not in meeting.done:
            people = leaders if rule in LEADER_STEPS else team
            add(
                rule,
                meeting.on + timedelta(days=STEP_OFFSETS[rule]),
                people,
                subject,
                meeting=shown,
            )


def status_chain(meeting: MeetingFacts) -> list[tuple[str, date, bool]]:
    """Return every step of a meeting's chain as (step, due, done), in order."""
    return [
        (rule, meeting.on + timedelta(days=STEP_OFFSETS[rule]), rule in meeting.done)
        for rule in STATUS_STEPS
    ]


def due_items(
    facts: ResidentFacts, today: date, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> list[DueItem]:
    """Return the resident's items that are overdue or due within horizon_days of today."""
    until = today + timedelta(days=horizon_days)
    found = _all_items(facts, today, until)
    return sorted(found, key=lambda item: (item.due, item.rule, item.subject))
