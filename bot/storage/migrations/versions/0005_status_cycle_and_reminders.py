"""The status cycle, recorded milestones and the reminder ledger (issue 4).

- department: the team meeting's weekday and rhythm (a new goal is first evaluated at the
  first team meeting after it was created);
- status_meeting / status_step: meetings planned and held, and each ticked-off step;
- resident_milestone: DPU, autonomt kompas, samarbejdsaftale, IPEL/Kommunikationsforhold done;
- reminder_person: each person's hours, and the claim that lets one process deliver;
- reminder_delivery: the outbox, one row per (rule, subject, due, stage, recipient);
- reminder_snooze: `Udsæt` per person and item.

Written by hand, like 0003, so it does the same thing forever.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PLANNED = "status = 'planned'"


def upgrade() -> None:
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("team_meeting_weekday", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("team_meeting_every_weeks", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("team_meeting_anchor", sa.Date(), nullable=True))

    op.create_table(
        "status_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'cancelled')", name="ck_status_meeting_status"
        ),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scheduled_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["closed_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_status_meeting_planned",
        "status_meeting",
        ["resident_id"],
        unique=True,
        sqlite_where=sa.text(PLANNED),
        postgresql_where=sa.text(PLANNED),
    )
    op.create_index(
        "ix_status_meeting_resident_date", "status_meeting", ["resident_id", "meeting_on"]
    )

    op.create_table(
        "status_step",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["status_meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["done_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("meeting_id", "step"),
    )

    op.create_table(
        "resident_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_milestone_resident_kind", "resident_milestone", ["resident_id", "kind", "done_on"]
    )

    op.create_table(
        "reminder_person",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("weekends", sa.Boolean(), nullable=False),
        sa.Column("holidays", sa.Boolean(), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
            name="ck_reminder_person_hours",
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_id"),
    )

    op.create_table(
        "reminder_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'cancelled', 'failed')",
            name="ck_reminder_delivery_status",
        ),
        sa.ForeignKeyConstraint(["recipient_id"], ["staff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "rule", "subject", "due", "stage", "recipient_id", name="uq_reminder_delivery_key"
        ),
    )
    op.create_index(
        "ix_reminder_delivery_recipient_status", "reminder_delivery", ["recipient_id", "status"]
    )
    op.create_index("ix_reminder_delivery_status_due", "reminder_delivery", ["status", "due"])

    op.create_table(
        "reminder_snooze",
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rule", "subject", "due", "recipient_id"),
    )


def downgrade() -> None:
    op.drop_table("reminder_snooze")
    op.drop_index("ix_reminder_delivery_status_due", table_name="reminder_delivery")
    op.drop_index("ix_reminder_delivery_recipient_status", table_name="reminder_delivery")
    op.drop_table("reminder_delivery")
    op.drop_table("reminder_person")
    op.drop_index("ix_milestone_resident_kind", table_name="resident_milestone")
    op.drop_table("resident_milestone")
    op.drop_table("status_step")
    op.drop_index("ix_status_meeting_resident_date", table_name="status_meeting")
    op.drop_index("uq_status_meeting_planned", table_name="status_meeting")
    op.drop_table("status_meeting")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_column("team_meeting_anchor")
        batch_op.drop_column("team_meeting_every_weeks")
        batch_op.drop_column("team_meeting_weekday")
