"""The tables. Times are stored as UTC and always come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and hand them back aware, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, _dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


def _bigint(*, nullable: bool = False, unique: bool = False, index: bool = False) -> Any:
    return Field(
        sa_column=sa.Column(sa.BigInteger(), nullable=nullable, unique=unique, index=index)
    )


MISSING_REASON_MAX = 500


class Department(SQLModel, table=True):
    """An afdeling of the offer."""

    __tablename__ = "department"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    created_at: datetime = _ts()
    # The team meeting's rhythm, for "a new goal is first evaluated at the first team meeting
    # after it was created": weekday 0 = Monday; every N weeks, counted from the anchor's week.
    team_meeting_weekday: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    team_meeting_every_weeks: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    team_meeting_anchor: date | None = Field(default=None)


class Staff(SQLModel, table=True):
    """A registered person: permanent staff, leader or substitute."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = _bigint(unique=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    active: bool = Field(default=True)
    created_at: datetime = _ts()
    access_ends_on: date | None = Field(default=None)


class StaffDepartment(SQLModel, table=True):
    """Which departments a person belongs to."""

    __tablename__ = "staff_department"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    department_id: int = Field(foreign_key="department.id", primary_key=True, ondelete="CASCADE")


class Resident(SQLModel, table=True):
    """A child or young person living at the offer; no CPR number is ever stored."""

    __tablename__ = "resident"
    __table_args__ = (
        sa.UniqueConstraint("department_id", "display_name", "birth_date", name="uq_resident"),
    )

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=80)
    birth_date: date
    department_id: int = Field(foreign_key="department.id", index=True)
    enrolment_date: date
    caseworker_name: str | None = Field(default=None, max_length=200)
    caseworker_email: str | None = Field(default=None, max_length=254)
    moved_out_on: date | None = Field(default=None)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ResidentAssignment(SQLModel, table=True):
    """A substitute's assignment to a resident: the only residents a vikar may see."""

    __tablename__ = "resident_assignment"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    resident_id: int = Field(foreign_key="resident.id", primary_key=True, ondelete="CASCADE")


class DiaryType(SQLModel, table=True):
    """A dagbogstype: data, not code, so a facility can add local types."""

    __tablename__ = "diary_type"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    kind: str = Field(default="context", max_length=32)
    builtin: bool = Field(default=False)
    active: bool = Field(default=True)
    sort_order: int = Field(default=100)


class DiaryTypeAlias(SQLModel, table=True):
    """A short word that staff type for a diary type ("komm", "ipel")."""

    __tablename__ = "diary_type_alias"

    id: int | None = Field(default=None, primary_key=True)
    diary_type_id: int = Field(foreign_key="diary_type.id", index=True, ondelete="CASCADE")
    alias: str = Field(max_length=120, unique=True)


class NoteDraft(SQLModel, table=True):
    """A note being composed: the card's state lives here, so its buttons survive restarts."""

    __tablename__ = "note_draft"
    __table_args__ = (
        sa.UniqueConstraint("source_chat_id", "source_message_id", name="uq_draft_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="staff.id", index=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    diary_type_id: int | None = Field(default=None, foreign_key="diary_type.id")
    text: str = Field(default="", sa_column_kwargs={"nullable": False}, sa_type=sa.Text)
    mode: str = Field(default="quick", max_length=16)
    status: str = Field(default="open", max_length=16)
    source_chat_id: int | None = _bigint(nullable=True)
    source_message_id: int | None = _bigint(nullable=True)
    card_message_id: int | None = _bigint(nullable=True)
    note_id: int | None = Field(default=None, foreign_key="diary_note.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    sub_goal_id: int | None = Field(default=None, foreign_key="sub_goal.id")
    missing_reason: str | None = Field(default=None, max_length=MISSING_REASON_MAX)


class DiaryNote(SQLModel, table=True):
    """A saved observation about one resident under one diary type."""

    __tablename__ = "diary_note"
    __table_args__ = (
        sa.UniqueConstraint("source_chat_id", "source_message_id", name="uq_note_source"),
        sa.Index("ix_note_resident_created", "resident_id", "created_at"),
        sa.Index("ix_note_author_created", "author_id", "created_at"),
        sa.Index("ix_note_sub_goal_created", "sub_goal_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id")
    diary_type_id: int = Field(foreign_key="diary_type.id")
    author_id: int = Field(foreign_key="staff.id")
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()
    edited_at: datetime | None = _ts(nullable=True)
    deleted: bool = Field(default=False)
    deleted_at: datetime | None = _ts(nullable=True)
    source_chat_id: int | None = _bigint(nullable=True)
    source_message_id: int | None = _bigint(nullable=True)
    # A sub-goal diary note (delmålsdagbog); for "Manglende arbejde med delmål", also why.
    sub_goal_id: int | None = Field(default=None, foreign_key="sub_goal.id")
    missing_reason: str | None = Field(default=None, max_length=MISSING_REASON_MAX)


class DiaryNoteRevision(SQLModel, table=True):
    """An earlier text of an edited note: edits never erase what was written."""

    __tablename__ = "diary_note_revision"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="diary_note.id", index=True)
    text: str = Field(sa_type=sa.Text)
    diary_type_id: int = Field(foreign_key="diary_type.id")
    replaced_at: datetime = _ts()
    replaced_by_id: int = Field(foreign_key="staff.id")


class Invite(SQLModel, table=True):
    """A one-time invitation; only the SHA-256 of its code is stored."""

    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=32)
    department_id: int = Field(foreign_key="department.id")
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    used_by_id: int | None = Field(default=None, foreign_key="staff.id")
    # A substitute's invite (issue 5): start date, last day of access, agency or not; the
    # residents they will work with are in invite_resident.
    starts_on: date | None = Field(default=None)
    access_ends_on: date | None = Field(default=None)
    agency: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class InviteResident(SQLModel, table=True):
    """A resident a substitute's invite assigns them to (copied to resident_assignment)."""

    __tablename__ = "invite_resident"

    invite_id: int = Field(foreign_key="invite.id", primary_key=True, ondelete="CASCADE")
    resident_id: int = Field(foreign_key="resident.id", primary_key=True, ondelete="CASCADE")


class AuditEvent(SQLModel, table=True):
    """Who created, read, edited, deleted or exported what, and when. Never holds note text."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None)
    resident_id: int | None = Field(default=None, index=True)
    detail: str = Field(default="", max_length=500)


class PersistedState(SQLModel, table=True):
    """python-telegram-bot persistence: conversation states and user data as JSON."""

    __tablename__ = "ptb_state"

    kind: str = Field(max_length=32, primary_key=True)
    key: str = Field(max_length=200, primary_key=True)
    value: str = Field(sa_type=sa.Text)


# --- Issue 3: kontaktteam, goals, sub-goals, indicator scores, evaluations --------------------
#
# Enum values (goal type, source, frequency, decision ...) are plain strings checked by the
# domain layer; CHECK constraints here only guard what would make a row meaningless.

GOAL_TEXT_MAX = 2000
EVALUATION_TEXT_MAX = 4000

# Status is 'active' or 'ended'; an active goal or sub-goal has no end date, an ended one has.
_ENDED_ON_MATCHES_STATUS = (
    "(status = 'active' AND ended_on IS NULL) OR (status = 'ended' AND ended_on IS NOT NULL)"
)


class ContactTeamMember(SQLModel, table=True):
    """One member of a resident's kontaktteam."""

    __tablename__ = "contact_team_member"

    resident_id: int = Field(foreign_key="resident.id", primary_key=True, ondelete="CASCADE")
    # Indexed: "whose kontaktteam am I on" is asked for every plan screen a person opens.
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE", index=True)
    added_at: datetime = _ts()
    added_by_id: int | None = Field(default=None, foreign_key="staff.id")


class Goal(SQLModel, table=True):
    """A goal (mål) of a resident's plan, from the municipality or the offer itself."""

    __tablename__ = "goal"
    __table_args__ = (
        # NULLs are distinct in a unique constraint: goals made in the bot have no import key.
        sa.UniqueConstraint("resident_id", "external_ref", name="uq_goal_external_ref"),
        sa.CheckConstraint(_ENDED_ON_MATCHES_STATUS, name="ck_goal_status"),
        sa.CheckConstraint(
            "(interval_unit = 'weeks' AND interval_count BETWEEN 1 AND 13)"
            " OR (interval_unit = 'months' AND interval_count BETWEEN 1 AND 3)",
            name="ck_goal_interval",
        ),
        sa.CheckConstraint("version >= 1", name="ck_goal_version"),
        # The reminder sweep's filter, answered from the index (migration 0008).
        sa.Index(
            "ix_goal_due",
            "resident_id",
            "status",
            "next_evaluation_on",
            "last_evaluated_on",
            "interval_count",
            "interval_unit",
        ),
        # The sweep: which mandatory areas a resident's active goals cover (0008).
        sa.Index("ix_goal_mandatory", "resident_id", "mandatory_area", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    text: str = Field(max_length=GOAL_TEXT_MAX)
    rationale: str = Field(default="", max_length=GOAL_TEXT_MAX)
    goal_type: str = Field(max_length=32)
    source: str = Field(max_length=16)
    mandatory_area: str | None = Field(default=None, max_length=32)
    start_date: date
    end_date: date
    interval_count: int
    interval_unit: str = Field(max_length=8)
    status: str = Field(default="active", max_length=16)
    ended_on: date | None = Field(default=None)
    end_reason: str | None = Field(default=None, max_length=GOAL_TEXT_MAX)
    next_evaluation_on: date | None = Field(default=None)
    last_evaluated_on: date | None = Field(default=None)
    """The latest evaluation of the goal as a whole: kept by the database (a trigger on
    evaluation, migration 0008), read by the reminder sweep; the code never writes it."""
    version: int = Field(default=1)
    created_at: datetime = _ts()
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    updated_at: datetime = _ts()
    external_ref: str | None = Field(default=None, max_length=120)


class GoalContext(SQLModel, table=True):
    """A plan context (diary type) a goal belongs to; a goal has one or more."""

    __tablename__ = "goal_context"

    goal_id: int = Field(foreign_key="goal.id", primary_key=True, ondelete="CASCADE")
    diary_type_id: int = Field(foreign_key="diary_type.id", primary_key=True)


class SubGoal(SQLModel, table=True):
    """A sub-goal (delmål): what staff work with day to day, and score."""

    __tablename__ = "sub_goal"
    __table_args__ = (
        sa.CheckConstraint(_ENDED_ON_MATCHES_STATUS, name="ck_sub_goal_status"),
        sa.CheckConstraint("version >= 1", name="ck_sub_goal_version"),
        sa.Index("ix_sub_goal_due", "goal_id", "status", "next_evaluation_on", "last_evaluated_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=GOAL_TEXT_MAX)
    rationale: str = Field(default="", max_length=GOAL_TEXT_MAX)
    method: str = Field(default="", max_length=GOAL_TEXT_MAX)
    scoring_frequency: str = Field(max_length=16)
    start_date: date
    status: str = Field(default="active", max_length=16)
    ended_on: date | None = Field(default=None)
    end_reason: str | None = Field(default=None, max_length=GOAL_TEXT_MAX)
    next_evaluation_on: date | None = Field(default=None)
    last_evaluated_on: date | None = Field(default=None)
    """The latest evaluation of the sub-goal, kept by the database as Goal's."""
    version: int = Field(default=1)
    created_at: datetime = _ts()
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    updated_at: datetime = _ts()


class GoalRevision(SQLModel, table=True):
    """The fields of a goal or sub-goal as they were before an edit, an end or an adjustment."""

    __tablename__ = "goal_revision"
    __table_args__ = (
        sa.CheckConstraint(
            "(goal_id IS NOT NULL AND sub_goal_id IS NULL)"
            " OR (goal_id IS NULL AND sub_goal_id IS NOT NULL)",
            name="ck_goal_revision_target",
        ),
        sa.CheckConstraint("change IN ('edit', 'end', 'adjust')", name="ck_goal_revision_change"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True, ondelete="CASCADE")
    sub_goal_id: int | None = Field(
        default=None, foreign_key="sub_goal.id", index=True, ondelete="CASCADE"
    )
    version: int
    snapshot: str = Field(sa_type=sa.Text)
    change: str = Field(max_length=16)
    changed_at: datetime = _ts()
    # None when an import changed it, as created_by_id of goal and sub_goal.
    changed_by_id: int | None = Field(default=None, foreign_key="staff.id")


class IndicatorScore(SQLModel, table=True):
    """A score of a sub-goal in one scoring slot; a later score in the slot replaces it."""

    __tablename__ = "indicator_score"
    __table_args__ = (
        sa.UniqueConstraint("sub_goal_id", "slot_key", name="uq_indicator_score_slot"),
        sa.Index("ix_indicator_score_sub_goal_date", "sub_goal_id", "slot_date"),
        sa.CheckConstraint("score >= 1", name="ck_indicator_score_score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sub_goal_id: int = Field(foreign_key="sub_goal.id", ondelete="CASCADE")
    resident_id: int = Field(foreign_key="resident.id")
    slot_key: str = Field(max_length=32)
    slot_date: date
    score: int
    author_id: int = Field(foreign_key="staff.id")
    scored_at: datetime = _ts()
    created_at: datetime = _ts()


class Evaluation(SQLModel, table=True):
    """A finished evaluation of a goal, or of one of its sub-goals when sub_goal_id is set."""

    __tablename__ = "evaluation"
    __table_args__ = (
        sa.Index("ix_evaluation_resident_evaluated", "resident_id", "evaluated_on"),
        # The reminder sweep: the last evaluation of a goal (sub_goal_id NULL) or a sub-goal,
        # and whether there is one after a day (migration 0007).
        sa.Index("ix_evaluation_goal_last", "goal_id", "sub_goal_id", "evaluated_on"),
        sa.Index("ix_evaluation_sub_goal_last", "sub_goal_id", "evaluated_on"),
        # Ending needs no next evaluation; continuing or adjusting always sets one.
        sa.CheckConstraint(
            "(decision = 'afslut' AND next_evaluation_on IS NULL)"
            " OR (decision <> 'afslut' AND next_evaluation_on IS NOT NULL)",
            name="ck_evaluation_next",
        ),
        sa.CheckConstraint(
            "(transferred_at IS NULL AND transferred_by_id IS NULL)"
            " OR (transferred_at IS NOT NULL AND transferred_by_id IS NOT NULL)",
            name="ck_evaluation_transferred",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id")
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    sub_goal_id: int | None = Field(
        default=None, foreign_key="sub_goal.id", index=True, ondelete="CASCADE"
    )
    evaluated_on: date
    period_start: date
    progress: str = Field(max_length=EVALUATION_TEXT_MAX)
    effect: str = Field(max_length=EVALUATION_TEXT_MAX)
    methods: str = Field(max_length=EVALUATION_TEXT_MAX)
    changes: str = Field(max_length=EVALUATION_TEXT_MAX)
    participation: str = Field(max_length=EVALUATION_TEXT_MAX)
    decision: str = Field(max_length=16)
    next_evaluation_on: date | None = Field(default=None)
    evidence: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()
    created_by_id: int = Field(foreign_key="staff.id")
    transferred_at: datetime | None = _ts(nullable=True)
    transferred_by_id: int | None = Field(default=None, foreign_key="staff.id")


class EvaluationDraft(SQLModel, table=True):
    """A guided evaluation in progress; one per target, so two people cannot start the same."""

    __tablename__ = "evaluation_draft"

    id: int | None = Field(default=None, primary_key=True)
    target_key: str = Field(max_length=40, unique=True)
    goal_id: int = Field(foreign_key="goal.id", ondelete="CASCADE")
    sub_goal_id: int | None = Field(default=None, foreign_key="sub_goal.id", ondelete="CASCADE")
    holder_id: int = Field(foreign_key="staff.id", index=True)
    step: str = Field(max_length=32)
    answers: str = Field(default="{}", sa_type=sa.Text)
    started_at: datetime = _ts()
    updated_at: datetime = _ts()


# --- Issue 4: the status cycle, recorded milestones and the reminder ledger -------------------


class StatusMeeting(SQLModel, table=True):
    """A status meeting with the municipality: planned, then held (or cancelled).

    At most one meeting per resident is planned at a time (a partial unique index).
    """

    __tablename__ = "status_meeting"
    __table_args__ = (
        sa.Index(
            "uq_status_meeting_planned",
            "resident_id",
            unique=True,
            sqlite_where=sa.text("status = 'planned'"),
            postgresql_where=sa.text("status = 'planned'"),
        ),
        sa.Index("ix_status_meeting_resident_date", "resident_id", "meeting_on"),
        # The reminder sweep: each resident's latest held meeting, from the index alone (0008).
        sa.Index("ix_status_meeting_held", "resident_id", "status", "meeting_on", "id"),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'cancelled')", name="ck_status_meeting_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", ondelete="CASCADE")
    meeting_on: date
    status: str = Field(default="planned", max_length=16)
    scheduled_by_id: int = Field(foreign_key="staff.id")
    scheduled_at: datetime = _ts()
    closed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    closed_at: datetime | None = _ts(nullable=True)


class StatusStep(SQLModel, table=True):
    """One ticked-off step of a status meeting's chain (report drafted, approved, sent ...)."""

    __tablename__ = "status_step"

    meeting_id: int = Field(foreign_key="status_meeting.id", primary_key=True, ondelete="CASCADE")
    step: str = Field(max_length=32, primary_key=True)
    done_by_id: int = Field(foreign_key="staff.id")
    done_at: datetime = _ts()


class ResidentMilestone(SQLModel, table=True):
    """A recurring piece of work done for a resident: DPU, autonomt kompas, samarbejdsaftale,
    the IPEL and Kommunikationsforhold evaluations. The latest per kind drives the next due."""

    __tablename__ = "resident_milestone"
    __table_args__ = (sa.Index("ix_milestone_resident_kind", "resident_id", "kind", "done_on"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", ondelete="CASCADE")
    kind: str = Field(max_length=32)
    done_on: date
    recorded_by_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime = _ts()


class ReminderPerson(SQLModel, table=True):
    """A person's reminder hours, and the claim that makes one process deliver their digest."""

    __tablename__ = "reminder_person"
    __table_args__ = (
        sa.CheckConstraint(
            "start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
            name="ck_reminder_person_hours",
        ),
    )

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    start_minute: int = Field(default=7 * 60)
    end_minute: int = Field(default=21 * 60)
    weekends: bool = Field(default=False)
    holidays: bool = Field(default=False)
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = _ts(nullable=True)
    updated_at: datetime | None = _ts(nullable=True)


class ReminderDelivery(SQLModel, table=True):
    """The outbox: one row per (rule, subject, due, stage, recipient), written before sending.

    status: 'pending' until the digest that carries it is sent ('sent'), or 'cancelled' when the
    item was done (or snoozed) before it went out.
    """

    __tablename__ = "reminder_delivery"
    __table_args__ = (
        sa.UniqueConstraint(
            "rule", "subject", "due", "stage", "recipient_id", name="uq_reminder_delivery_key"
        ),
        sa.Index("ix_reminder_delivery_recipient_status", "recipient_id", "status"),
        sa.Index("ix_reminder_delivery_status_due", "status", "due"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'cancelled', 'failed')",
            name="ck_reminder_delivery_status",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=32)
    subject: str = Field(max_length=40)
    due: date
    stage: str = Field(max_length=16)
    recipient_id: int = Field(foreign_key="staff.id", ondelete="CASCADE")
    resident_id: int | None = Field(default=None, foreign_key="resident.id", ondelete="CASCADE")
    status: str = Field(default="pending", max_length=16)
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)
    message_id: int | None = _bigint(nullable=True)


class ReminderSnooze(SQLModel, table=True):
    """`Udsæt`: one person's item stays quiet until a day."""

    __tablename__ = "reminder_snooze"

    rule: str = Field(max_length=32, primary_key=True)
    subject: str = Field(max_length=40, primary_key=True)
    due: date = Field(primary_key=True)
    recipient_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    until: date
    created_at: datetime = _ts()


class OnboardingTemplate(SQLModel, table=True):
    """One step of the facility's substitute checklist (bot.domain.onboarding).

    A step removed by an import is deactivated, not deleted: steps given earlier point at it.
    """

    __tablename__ = "onboarding_template"
    __table_args__ = (
        sa.CheckConstraint("owner IN ('vikar', 'leder')", name="ck_onboarding_template_owner"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    owner: str = Field(max_length=16)
    due_days: int
    gates_briefs: bool = Field(default=False)
    recurs_months: int | None = Field(default=None)
    agency_only: bool = Field(default=False)
    kind: str = Field(default="task", max_length=16)
    position: int = Field(default=0)
    active: bool = Field(default=True)
    updated_at: datetime = _ts()


class Substitute(SQLModel, table=True):
    """A substitute's onboarding: when they start and whether they come from an agency.

    The last day of access is staff.access_ends_on (checked on every update).
    """

    __tablename__ = "substitute"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    starts_on: date
    agency: bool = Field(default=False)
    invited_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _ts()


class OnboardingStep(SQLModel, table=True):
    """A checklist step given to one substitute (a snapshot of the template when they joined)."""

    __tablename__ = "onboarding_step"
    __table_args__ = (
        sa.UniqueConstraint(
            "staff_id", "template_id", "occurrence", name="uq_onboarding_step_occurrence"
        ),
        sa.Index("ix_onboarding_step_open", "done_on", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", ondelete="CASCADE", index=True)
    template_id: int = Field(foreign_key="onboarding_template.id")
    occurrence: int = Field(default=1)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    owner: str = Field(max_length=16)
    gates_briefs: bool = Field(default=False)
    kind: str = Field(default="task", max_length=16)
    recurs_months: int | None = Field(default=None)
    due_on: date
    done_on: date | None = Field(default=None)
    done_by_id: int | None = Field(default=None, foreign_key="staff.id")
    done_at: datetime | None = _ts(nullable=True)


class BriefRead(SQLModel, table=True):
    """`Læst`: a substitute confirmed reading a resident's brief (every read is also audited)."""

    __tablename__ = "brief_read"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    resident_id: int = Field(foreign_key="resident.id", primary_key=True, ondelete="CASCADE")
    first_read_at: datetime = _ts()
    last_read_at: datetime = _ts()
