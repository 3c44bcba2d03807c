"""Substitute onboarding rules: due dates, step status, what gates the briefs, access ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.onboarding import (
    BRIEF_STEP_KIND,
    CODE,
    DEFAULT_CHECKLIST,
    MAX_ACCESS_DAYS,
    MAX_CODE_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_DUE_DAYS,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    TASK_STEP_KIND,
    StepFacts,
    StepOwner,
    StepStatus,
    StepTemplate,
    access_days_left,
    applies,
    briefs_open,
    first_due,
    missing_gates,
    next_due,
    overdue,
    status,
    validate_access_end,
)

TODAY = date(2026, 11, 23)


def fact(
    step_id: int,
    due_on: date,
    *,
    done_on: date | None = None,
    gates: bool = False,
    occurrence: int = 1,
    owner: StepOwner = StepOwner.VIKAR,
    kind: str = TASK_STEP_KIND,
) -> StepFacts:
    return StepFacts(
        id=step_id,
        code=f"s{step_id}",
        title=f"Step {step_id}",
        description="",
        owner=owner,
        gates_briefs=gates,
        kind=kind,
        occurrence=occurrence,
        due_on=due_on,
        done_on=done_on,
        done_by_id=1 if done_on else None,
    )


def template(*, agency_only: bool = False) -> StepTemplate:
    return StepTemplate("x", "X", "", StepOwner.LEDER, 0, agency_only=agency_only)


# --- due dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "days", "expected"),
    [
        pytest.param(date(2026, 12, 1), 0, date(2026, 12, 1), id="on-the-start-day"),
        pytest.param(date(2026, 12, 1), -3, date(2026, 11, 28), id="before-the-start"),
        pytest.param(date(2026, 3, 2), -2, date(2026, 2, 28), id="back-over-february"),
        pytest.param(date(2026, 12, 31), 1, date(2027, 1, 1), id="over-new-year"),
        pytest.param(date(2026, 11, 30), 60, date(2027, 1, 29), id="sixty-days"),
        pytest.param(date(2026, 11, 30), 90, date(2027, 2, 28), id="ninety-days"),
        pytest.param(date(2028, 2, 28), 1, date(2028, 2, 29), id="leap-day"),
    ],
)
def test_first_due_is_the_start_plus_the_offset_in_days(
    starts_on: date, days: int, expected: date
) -> None:
    assert first_due(starts_on, days) == expected


@pytest.mark.parametrize(
    ("previous", "months", "expected"),
    [
        pytest.param(date(2026, 8, 31), 6, date(2027, 2, 28), id="31.8-to-end-of-february"),
        pytest.param(date(2027, 8, 31), 6, date(2028, 2, 29), id="31.8-to-leap-day"),
        pytest.param(date(2026, 3, 31), 6, date(2026, 9, 30), id="31.3-to-30.9"),
        pytest.param(date(2026, 11, 30), 6, date(2027, 5, 30), id="30.11-keeps-the-day"),
        pytest.param(date(2026, 10, 15), 6, date(2027, 4, 15), id="over-new-year"),
        pytest.param(date(2026, 2, 28), 12, date(2027, 2, 28), id="a-year"),
    ],
)
def test_next_due_is_whole_months_on_clamped_to_the_month_end(
    previous: date, months: int, expected: date
) -> None:
    assert next_due(previous, months) == expected


# --- status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "done_on", "expected"),
    [
        pytest.param(TODAY - timedelta(days=1), None, StepStatus.OVERDUE, id="yesterday"),
        pytest.param(TODAY, None, StepStatus.DUE, id="today"),
        pytest.param(TODAY + timedelta(days=1), None, StepStatus.UPCOMING, id="tomorrow"),
        pytest.param(TODAY - timedelta(days=30), TODAY, StepStatus.DONE, id="done-late"),
        pytest.param(TODAY + timedelta(days=30), TODAY, StepStatus.DONE, id="done-early"),
    ],
)
def test_status_at_the_boundaries(due_on: date, done_on: date | None, expected: StepStatus) -> None:
    assert status(fact(1, due_on, done_on=done_on), TODAY) is expected


def test_overdue_steps_are_the_open_ones_before_today_oldest_first() -> None:
    steps = [
        fact(1, TODAY - timedelta(days=2)),
        fact(2, TODAY - timedelta(days=5)),
        fact(3, TODAY),  # due today: not overdue yet
        fact(4, TODAY - timedelta(days=9), done_on=TODAY),  # done
        fact(5, TODAY + timedelta(days=1)),
    ]
    assert [s.id for s in overdue(steps, TODAY)] == [2, 1]


# --- gating ---------------------------------------------------------------------------------


def test_only_open_first_occurrences_of_gating_steps_are_missing() -> None:
    steps = [
        fact(1, TODAY, gates=True),  # open, gates: missing
        fact(2, TODAY, gates=True, done_on=TODAY),  # done
        fact(3, TODAY + timedelta(days=180), gates=True, occurrence=2),  # a later occurrence
        fact(4, TODAY),  # does not gate
        fact(5, TODAY, gates=True, owner=StepOwner.LEDER),  # a leader's step gates too
    ]
    assert [s.id for s in missing_gates(steps)] == [1, 5]
    assert not briefs_open(steps)


def test_briefs_open_when_every_gating_first_occurrence_is_done() -> None:
    steps = [
        fact(1, TODAY, gates=True, done_on=TODAY),
        fact(3, TODAY + timedelta(days=180), gates=True, occurrence=2),
        fact(4, TODAY - timedelta(days=3)),  # overdue but not gating
    ]
    assert missing_gates(steps) == []
    assert briefs_open(steps)


def test_briefs_open_without_any_gating_step() -> None:
    assert briefs_open([])
    assert briefs_open([fact(1, TODAY)])


def test_done_tells_whether_a_step_has_a_done_date() -> None:
    assert fact(1, TODAY, done_on=TODAY).done
    assert not fact(1, TODAY).done


# --- who gets which step --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency_only", "agency", "expected"),
    [
        pytest.param(True, True, True, id="agency-step-agency-substitute"),
        pytest.param(True, False, False, id="agency-step-own-substitute"),
        pytest.param(False, True, True, id="common-step-agency-substitute"),
        pytest.param(False, False, True, id="common-step-own-substitute"),
    ],
)
def test_agency_only_steps_apply_to_agency_substitutes(
    agency_only: bool, agency: bool, expected: bool
) -> None:
    assert applies(template(agency_only=agency_only), agency=agency) is expected


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "expected"),
    [
        pytest.param(TODAY, TODAY - timedelta(days=1), "onboarding.end_in_past", id="past"),
        pytest.param(
            TODAY - timedelta(days=10),
            TODAY - timedelta(days=1),
            "onboarding.end_in_past",
            id="past-after-a-past-start",
        ),
        pytest.param(TODAY, TODAY, None, id="today-is-the-last-day"),
        pytest.param(
            TODAY + timedelta(days=7),
            TODAY + timedelta(days=6),
            "onboarding.end_before_start",
            id="before-the-start",
        ),
        pytest.param(
            TODAY + timedelta(days=7), TODAY + timedelta(days=7), None, id="a-one-day-stint"
        ),
        pytest.param(TODAY, TODAY + timedelta(days=MAX_ACCESS_DAYS), None, id="366-days"),
        pytest.param(TODAY, TODAY + timedelta(days=367), "onboarding.end_too_far", id="367-days"),
        pytest.param(
            TODAY + timedelta(days=30),
            TODAY + timedelta(days=30 + 366),
            None,
            id="366-days-from-a-later-start",
        ),
        pytest.param(
            TODAY + timedelta(days=30),
            TODAY + timedelta(days=30 + 367),
            "onboarding.end_too_far",
            id="367-days-from-a-later-start",
        ),
        pytest.param(
            TODAY - timedelta(days=20),
            TODAY + timedelta(days=366),
            None,
            id="a-past-start-counts-from-today",
        ),
    ],
)
def test_validate_access_end(starts_on: date, ends_on: date, expected: str | None) -> None:
    assert validate_access_end(starts_on, ends_on, TODAY) == expected


@pytest.mark.parametrize(
    ("ends_on", "expected"),
    [
        pytest.param(None, None, id="no-end"),
        pytest.param(TODAY + timedelta(days=3), 3, id="three-days"),
        pytest.param(TODAY, 0, id="last-day"),
        pytest.param(TODAY - timedelta(days=1), -1, id="ended"),
    ],
)
def test_access_days_left(ends_on: date | None, expected: int | None) -> None:
    assert access_days_left(ends_on, TODAY) == expected


# --- the default checklist ------------------------------------------------------------------


def test_default_checklist_codes_are_unique_and_valid() -> None:
    codes = [step.code for step in DEFAULT_CHECKLIST]
    assert len(codes) == len(set(codes))
    assert codes == [
        "bureau_tjek",
        "introforloeb",
        "regler",
        "voksenansvar",
        "overlevering",
        "foel",
        "dokumentation",
        "konflikt",
        "vikarmoede",
    ]
    for step in DEFAULT_CHECKLIST:
        assert CODE.match(step.code), step.code
        assert len(step.code) <= MAX_CODE_CHARS, step.code
        assert 0 < len(step.title) <= MAX_TITLE_CHARS, step.code
        assert len(step.description) <= MAX_DESCRIPTION_CHARS, step.code
        assert -MAX_DUE_DAYS <= step.due_days <= MAX_DUE_DAYS, step.code
        assert step.kind in {TASK_STEP_KIND, BRIEF_STEP_KIND}, step.code
    assert len(DEFAULT_CHECKLIST) <= MAX_STEPS


def test_default_checklist_has_exactly_one_brief_step_that_cannot_open_itself() -> None:
    [brief] = [s for s in DEFAULT_CHECKLIST if s.kind == BRIEF_STEP_KIND]
    assert brief.code == "overlevering"
    assert brief.owner is StepOwner.VIKAR
    assert not brief.gates_briefs
    assert brief.recurs_months is None
    # The briefs open once the gating steps are done: all of them are due no later.
    gates = [s for s in DEFAULT_CHECKLIST if s.gates_briefs]
    assert {s.code for s in gates} == {"bureau_tjek", "introforloeb", "regler", "voksenansvar"}
    assert all(s.due_days <= brief.due_days for s in gates)


def test_the_vikarmoede_is_the_one_step_that_recurs_twice_a_year() -> None:
    recurring = [s for s in DEFAULT_CHECKLIST if s.recurs_months is not None]
    assert [(s.code, s.recurs_months, s.owner) for s in recurring] == [
        ("vikarmoede", 6, StepOwner.LEDER)
    ]


def test_the_agency_check_is_agency_only_leader_owned_and_gates_the_briefs() -> None:
    agency = [s for s in DEFAULT_CHECKLIST if s.agency_only]
    assert [s.code for s in agency] == ["bureau_tjek"]
    assert agency[0].owner is StepOwner.LEDER
    assert agency[0].gates_briefs
    # An own substitute gets every step but that one.
    own = [s.code for s in DEFAULT_CHECKLIST if applies(s, agency=False)]
    assert "bureau_tjek" not in own
    assert len(own) == len(DEFAULT_CHECKLIST) - 1


def test_leader_owned_default_steps() -> None:
    leader = {s.code for s in DEFAULT_CHECKLIST if s.owner is StepOwner.LEDER}
    assert leader == {"bureau_tjek", "introforloeb", "konflikt", "vikarmoede"}


def test_step_owner_values_match_the_database_check() -> None:
    assert [o.value for o in StepOwner] == ["vikar", "leder"]
    assert [s.value for s in StepStatus] == ["done", "overdue", "due", "upcoming"]
