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
- A `Window` can give each rule a last day of its own (the sweep: its heads-up); a deadline
  whose base is too late for it to fall inside is then not even computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, timedelta
from operator import attrgetter
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
GOAL_MAX_MONTHS = 3  # a goal or sub-goal is evaluated at least every 3 months
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
# Substitute onboarding (issue 5; the items are built in bot.reminders.onboarding).
RULE_ONBOARDING_STEP = "onboarding_step"  # a step the substitute does
RULE_ONBOARDING_CONFIRM = "onboarding_confirm"  # a step a leader confirms
RULE_ACCESS_ENDS = "access_ends"  # the substitute's last day of access
ONBOARDING_RULES = frozenset({RULE_ONBOARDING_STEP, RULE_ONBOARDING_CONFIRM, RULE_ACCESS_ENDS})

# What the item's main button does: open the evaluation, tick a status step, record a
# milestone as done, schedule a status meeting, show the plan, or nothing (informational).
# "step": tick an onboarding step.
Action = Literal["evaluate", "tick", "done", "schedule", "plan", "step", "none"]

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
    RULE_ONBOARDING_STEP: "step",
    RULE_ONBOARDING_CONFIRM: "step",
    RULE_ACCESS_ENDS: "none",
}
INFORMATIONAL = frozenset({RULE_BIRTHDAY_18, RULE_ACCESS_ENDS})

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
    RULE_ONBOARDING_STEP: "ob",
    RULE_ONBOARDING_CONFIRM: "oc",
    RULE_ACCESS_ENDS: "ae",
}
RULES_BY_CODE = {code: rule for rule, code in RULE_CODES.items()}
SUBJECT_KINDS: dict[str, str] = {
    RULE_GOAL_EVALUATION: "goal",
    RULE_SUB_GOAL_EVALUATION: "sub_goal",
    **dict.fromkeys(STATUS_STEPS, "status_meeting"),
    RULE_ONBOARDING_STEP: "onboarding_step",
    RULE_ONBOARDING_CONFIRM: "onboarding_step",
    RULE_ACCESS_ENDS: "staff",
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
        # In day numbers (date.toordinal: day 1 is a Monday, so a day's weekday is (n - 1) % 7).
        anchor_monday = self.anchor.toordinal() - self.anchor.weekday()
        candidate = day.toordinal() + 1
        candidate += (self.weekday - (candidate - 1)) % 7
        weeks = (candidate - anchor_monday) // 7
        return date.fromordinal(candidate + 7 * ((-weeks) % self.every_weeks))


# The facts and items below are slots dataclasses, not frozen ones: a sweep makes tens of
# thousands of them, and a frozen dataclass takes several times as long to build. Nothing
# changes one once it is made.


@dataclass(slots=True)
class MeetingFacts:
    """A status meeting: its id, date and the steps already ticked off."""

    id: int
    on: date
    done: frozenset[str] = frozenset()


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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
    due = goal.next_evaluation_on
    if due is None:
        due = next_evaluation_date(base, goal.interval)  # interval, capped at 3 months
    elif due > base + _GOAL_MONTHS_AT_LEAST:  # else 3 months after the base are later anyway
        due = min(due, add_months(base, GOAL_MAX_MONTHS))
    if goal.last_evaluated_on is None and team_meetings is not None:
        due = min(due, team_meetings.first_after(goal.created_on))
    return due


def _people(*groups: tuple[int, ...]) -> tuple[int, ...]:
    """Join groups of staff ids, keeping the first occurrence's order."""
    return tuple(dict.fromkeys(person for group in groups for person in group))


def months_at_least(months: int) -> timedelta:
    """Return a span that never exceeds add_months(day, months) - day, whatever the day.

    add_months clamps (31.8 + 6 months is 28.2: 181 days), so this is a little below the
    shortest: 1 month 27 days (at least 28), 3 months 88 (89), 6 months 179 (181), 12 months
    362 (365). A deadline that many months after a base later than `last day - this` is
    therefore after the last day, without computing it.
    """
    return timedelta(days=months * 365 // 12 - 3)


_GOAL_MONTHS_AT_LEAST = months_at_least(GOAL_MAX_MONTHS)

# The deadlines that are whole months after a base (cycle_due: 6 months or more).
_MONTH_DEADLINES = (
    (RULE_IPEL_EVALUATION, CHILD_CYCLE_MONTHS),
    (RULE_KOMM_EVALUATION, CHILD_CYCLE_MONTHS),
    (RULE_STATUS_MEETING, CHILD_CYCLE_MONTHS),
    (RULE_DPU, FIRST_DPU_MONTHS),
    (RULE_DPU, DPU_MONTHS),
    (RULE_KOMPAS, KOMPAS_MONTHS),
    (RULE_SAMARBEJDSAFTALE, SAMARBEJDSAFTALE_MONTHS),
)


@dataclass(frozen=True, slots=True)
class Window:
    """Which items to build on a day: the overdue ones, and those due on or before each
    rule's last day (the horizon's end unless the rule has its own). Made once for many
    residents (see `window`); what it lets the rules skip is never built at all.
    """

    today: date
    until: date
    last_days: Mapping[str, date]
    # (rule, months) -> the latest base whose deadline `months` later can still fall inside.
    latest_bases: Mapping[tuple[str, int], date]
    # The latest planned (held) meeting with a step before (after) it that can fall inside.
    latest_planned: date
    latest_held: date
    # The birth years of those whose 18th birthday can be shown today.
    birth_years: range
    # Formatted due dates: few distinct days among many items.
    shown_dates: dict[date, str] = field(default_factory=dict)

    def last_day(self, rule: str) -> date:
        """Return the last due day of the rule's items that are built."""
        return self.last_days.get(rule, self.until)


def window(
    today: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    rule_days: Mapping[str, int] | None = None,
    *,
    skip: bool = True,
) -> Window:
    """Return the window of items overdue or due within horizon_days of today; a rule in
    rule_days has that many days instead (the sweep: each rule's heads-up).

    skip=False computes every deadline before looking at its date, as the rules did before
    they skipped any (the same items, only slower: for tests that compare the two).
    """
    until = today + timedelta(days=horizon_days)
    last_days = {rule: today + timedelta(days=days) for rule, days in (rule_days or {}).items()}

    def last(rule: str) -> date:
        return last_days.get(rule, until)

    if not skip:
        return Window(
            today=today,
            until=until,
            last_days=last_days,
            latest_bases=dict.fromkeys(_MONTH_DEADLINES, date.max),
            latest_planned=date.max,
            latest_held=date.max,
            birth_years=range(MINYEAR, MAXYEAR + 1),
        )
    return Window(
        today=today,
        until=until,
        last_days=last_days,
        latest_bases={
            (rule, months): last(rule) - months_at_least(months)
            for rule, months in _MONTH_DEADLINES
        },
        latest_planned=max(last(s) - timedelta(days=STEP_OFFSETS[s]) for s in STEPS_BEFORE),
        latest_held=max(last(s) - timedelta(days=STEP_OFFSETS[s]) for s in STEPS_AFTER),
        # Shown from a year before the birthday (in the year birth + 18) to a week after it.
        birth_years=range(today.year - 1 - ADULT_AGE, today.year + 2 - ADULT_AGE),
    )


_TITLE_KEYS: dict[str, str] = {}  # "reminders." + rule, made once a rule
_GOAL_TITLE = f"reminders.{RULE_GOAL_EVALUATION}"
_SUB_GOAL_TITLE = f"reminders.{RULE_SUB_GOAL_EVALUATION}"


def _all_items(facts: ResidentFacts, within: Window) -> list[DueItem]:
    team = facts.contact_team_ids
    leaders = facts.leader_ids
    resident_id = facts.resident_id
    resident_subject = f"resident:{resident_id}"
    name = facts.name
    today = within.today
    until = within.until
    last_day = within.last_days.get
    shown_dates = within.shown_dates
    latest = within.latest_bases
    items: list[DueItem] = []

    def shown(due: date) -> str:
        text = shown_dates.get(due)
        if text is None:
            text = shown_dates[due] = format_date(due)
        return text

    def add(
        rule: str,
        due: date,
        responsible: tuple[int, ...],
        subject: str = resident_subject,
        **params: str,
    ) -> None:
        if due > last_day(rule, until):
            return  # outside the window: not built at all
        title_key = _TITLE_KEYS.get(rule)
        if title_key is None:
            title_key = _TITLE_KEYS[rule] = f"reminders.{rule}"
        params = {"name": name, "date": shown(due), **params}
        items.append(DueItem(rule, subject, due, responsible, title_key, params, resident_id))

    # The goals and sub-goals first: most items are theirs, so they are built right here.
    team_meetings = facts.team_meetings
    goal_day = last_day(RULE_GOAL_EVALUATION, until)
    sub_goal_day = last_day(RULE_SUB_GOAL_EVALUATION, until)
    for goal in facts.goals:
        if goal.active:
            due = goal_due_date(goal, team_meetings)
            if goal.kind == "goal":
                if due <= goal_day:
                    rule, title_key = RULE_GOAL_EVALUATION, _GOAL_TITLE
                else:
                    continue
            elif due <= sub_goal_day:
                rule, title_key = RULE_SUB_GOAL_EVALUATION, _SUB_GOAL_TITLE
            else:
                continue
            params = {"name": name, "date": shown(due), "text": goal.text}
            subject = f"{goal.kind}:{goal.id}"
            items.append(DueItem(rule, subject, due, team, title_key, params, resident_id))

    # Each deadline some months after a base is computed only if it can fall inside the
    # window (Window.latest_bases); the rest would be thrown away by add().
    birth = facts.birth_date
    enrolled = facts.enrolment_date
    base = facts.last_ipel_evaluation or enrolled
    if base <= latest[RULE_IPEL_EVALUATION, CHILD_CYCLE_MONTHS]:
        add(RULE_IPEL_EVALUATION, cycle_due(base, birth), team)
    base = facts.last_komm_evaluation or enrolled
    if base <= latest[RULE_KOMM_EVALUATION, CHILD_CYCLE_MONTHS]:
        add(RULE_KOMM_EVALUATION, cycle_due(base, birth), team)

    upcoming = facts.next_status_meeting
    last = facts.last_status_meeting
    if upcoming is None:
        base = last.on if last is not None else enrolled
        if base <= latest[RULE_STATUS_MEETING, CHILD_CYCLE_MONTHS]:
            add(RULE_STATUS_MEETING, cycle_due(base, birth), leaders)
    elif upcoming.on <= within.latest_planned:
        _steps(add, upcoming, STEPS_BEFORE, team, leaders)
    if last is not None and last.on <= within.latest_held:
        _steps(add, last, STEPS_AFTER, team, leaders)

    if facts.last_dpu is None:
        if enrolled <= latest[RULE_DPU, FIRST_DPU_MONTHS]:
            add(RULE_DPU, add_months(enrolled, FIRST_DPU_MONTHS), team)
    elif facts.last_dpu <= latest[RULE_DPU, DPU_MONTHS]:
        add(RULE_DPU, add_months(facts.last_dpu, DPU_MONTHS), team)
    if facts.kompas_started is None and enrolled <= latest[RULE_KOMPAS, KOMPAS_MONTHS]:
        add(RULE_KOMPAS, add_months(enrolled, KOMPAS_MONTHS), team)
    base = facts.last_samarbejdsaftale or enrolled
    if base <= latest[RULE_SAMARBEJDSAFTALE, SAMARBEJDSAFTALE_MONTHS]:
        add(
            RULE_SAMARBEJDSAFTALE,
            add_months(base, SAMARBEJDSAFTALE_MONTHS),
            _people(team, leaders),
        )

    if birth.year in within.birth_years:
        birthday = eighteenth_birthday(birth)
        shown_until = birthday + timedelta(days=BIRTHDAY_SHOWN_DAYS_AFTER)
        if add_months(birthday, -12) <= today <= shown_until:
            add(RULE_BIRTHDAY_18, birthday, _people(team, leaders))
    if facts.mandatory_areas_missing:
        due = add_months(enrolled, MANDATORY_GOALS_MONTHS)
        areas = ", ".join(facts.mandatory_areas_missing)
        add(RULE_MANDATORY_GOALS, due, _people(team, leaders), areas=areas)
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


_ORDER = attrgetter("due", "rule", "subject")


def window_items(facts: ResidentFacts, within: Window) -> list[DueItem]:
    """Return the resident's items inside a window, sorted by due date, rule and subject."""
    found = _all_items(facts, within)
    found.sort(key=_ORDER)
    return found


def due_items(
    facts: ResidentFacts,
    today: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    *,
    within: Window | None = None,
) -> list[DueItem]:
    """Return the resident's items that are overdue or due within horizon_days of today, or
    inside `within` (a window of today made once for many residents, e.g. by the sweep)."""
    if within is None:
        within = window(today, horizon_days)
    elif within.today != today:
        raise ValueError(f"a window of {within.today} asked for the items of {today}")
    return window_items(facts, within)
