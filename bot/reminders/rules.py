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
- Status-cycle steps are computed from the meeting dates alone; ticking a step off is recorded
  outside these rules (issue 4 §2) and the sweep drops ticked steps. The report stages and the
  minutes follow the scheduled next meeting; the minutes of the last meeting are also due.
- The 18th birthday is informational: due on the birthday (29 February: 1 March in a common
  year), only from a year before it up to the day itself.
- Items are returned if overdue or due within `horizon_days` (default 60) of `today`, sorted by
  due date, rule and subject. Dates are plain calendar days, so summer time does not move them.
"""

from __future__ import annotations

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
RULE_MINUTES_WRITTEN = "minutes_written"
RULE_DPU = "dpu"
RULE_KOMPAS = "autonomt_kompas"
RULE_SAMARBEJDSAFTALE = "samarbejdsaftale"
RULE_BIRTHDAY_18 = "birthday_18"
RULE_MANDATORY_GOALS = "mandatory_goals"

GoalKind = Literal["goal", "sub_goal"]


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
    last_status_meeting: date | None = None
    next_status_meeting: date | None = None
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


def goal_due_date(goal: GoalFacts) -> date:
    """Return when a goal or sub-goal is next to be evaluated (at most 3 months after the base)."""
    base = goal.last_evaluated_on or goal.created_on
    latest = next_evaluation_date(base, goal.interval)  # interval, capped at 3 months
    if goal.next_evaluation_on is None:
        return latest
    return min(goal.next_evaluation_on, add_months(base, 3))


def _people(*groups: tuple[int, ...]) -> tuple[int, ...]:
    """Join groups of staff ids, keeping the first occurrence's order."""
    return tuple(dict.fromkeys(person for group in groups for person in group))


def _all_items(facts: ResidentFacts, today: date) -> list[DueItem]:
    team = facts.contact_team_ids
    leaders = facts.leader_ids
    both = _people(team, leaders)
    subject = f"resident:{facts.resident_id}"
    name = {"name": facts.name}
    items: list[DueItem] = []

    def add(rule: str, due: date, responsible: tuple[int, ...], **params: str) -> None:
        shown = {**name, "date": format_date(due), **params}
        items.append(DueItem(rule, subject, due, responsible, f"reminders.{rule}", shown))

    for goal in facts.goals:
        if not goal.active:
            continue
        rule = RULE_GOAL_EVALUATION if goal.kind == "goal" else RULE_SUB_GOAL_EVALUATION
        due = goal_due_date(goal)
        params = {**name, "date": format_date(due), "text": goal.text}
        goal_subject = f"{goal.kind}:{goal.id}"
        items.append(DueItem(rule, goal_subject, due, team, f"reminders.{rule}", params))

    birth = facts.birth_date
    enrolled = facts.enrolment_date
    add(RULE_IPEL_EVALUATION, cycle_due(facts.last_ipel_evaluation or enrolled, birth), team)
    add(RULE_KOMM_EVALUATION, cycle_due(facts.last_komm_evaluation or enrolled, birth), team)

    if facts.next_status_meeting is None:
        add(RULE_STATUS_MEETING, cycle_due(facts.last_status_meeting or enrolled, birth), leaders)
    else:
        meeting = facts.next_status_meeting
        for rule, offset, people in (
            (RULE_REPORT_DRAFT, -REPORT_DRAFT_DAYS_BEFORE, team),
            (RULE_REPORT_APPROVED, -REPORT_APPROVED_DAYS_BEFORE, leaders),
            (RULE_SENT_TO_CASEWORKER, -SENT_TO_CASEWORKER_DAYS_BEFORE, team),
            (RULE_MINUTES_WRITTEN, MINUTES_DAYS_AFTER, team),
        ):
            add(rule, meeting + timedelta(days=offset), people, meeting=format_date(meeting))
    last = facts.last_status_meeting
    if last is not None and last != facts.next_status_meeting:
        minutes_due = last + timedelta(days=MINUTES_DAYS_AFTER)
        add(RULE_MINUTES_WRITTEN, minutes_due, team, meeting=format_date(last))

    if facts.last_dpu is None:
        add(RULE_DPU, add_months(enrolled, FIRST_DPU_MONTHS), team)
    else:
        add(RULE_DPU, add_months(facts.last_dpu, DPU_MONTHS), team)
    if facts.kompas_started is None:
        add(RULE_KOMPAS, add_months(enrolled, KOMPAS_MONTHS), team)
    aftale_base = facts.last_samarbejdsaftale or enrolled
    add(RULE_SAMARBEJDSAFTALE, add_months(aftale_base, SAMARBEJDSAFTALE_MONTHS), both)

    birthday = eighteenth_birthday(birth)
    if add_months(birthday, -12) <= today <= birthday:
        add(RULE_BIRTHDAY_18, birthday, both)
    if facts.mandatory_areas_missing:
        add(RULE_MANDATORY_GOALS, today, both, areas=", ".join(facts.mandatory_areas_missing))
    return items


def due_items(
    facts: ResidentFacts, today: date, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> list[DueItem]:
    """Return the resident's items that are overdue or due within horizon_days of today."""
    until = today + timedelta(days=horizon_days)
    found = [item for item in _all_items(facts, today) if item.due <= until]
    return sorted(found, key=lambda item: (item.due, item.rule, item.subject))
