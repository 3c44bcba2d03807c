"""Goals, sub-goals, indicator scores and evaluations, and each resident's kontaktteam.

Written by hand; the CHECK constraints are spelled out here rather than imported from the
models, so that this migration does the same thing forever.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ENDED_ON_MATCHES_STATUS = (
    "(status = 'active' AND ended_on IS NULL) OR (status = 'ended' AND ended_on IS NOT NULL)"
)


def upgrade() -> None:
    op.create_table(
        "contact_team_member",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("resident_id", "staff_id"),
    )
    with op.batch_alter_table("contact_team_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_team_member_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("rationale", sa.String(length=2000), nullable=False),
        sa.Column("goal_type", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("mandatory_area", sa.String(length=32), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("interval_count", sa.Integer(), nullable=False),
        sa.Column("interval_unit", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=2000), nullable=True),
        sa.Column("next_evaluation_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("external_ref", sa.String(length=120), nullable=True),
        sa.CheckConstraint(ENDED_ON_MATCHES_STATUS, name="ck_goal_status"),
        sa.CheckConstraint(
            "(interval_unit = 'weeks' AND interval_count BETWEEN 1 AND 13)"
            " OR (interval_unit = 'months' AND interval_count BETWEEN 1 AND 3)",
            name="ck_goal_interval",
        ),
        sa.CheckConstraint("version >= 1", name="ck_goal_version"),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resident_id", "external_ref", name="uq_goal_external_ref"),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "goal_context",
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("diary_type_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["diary_type_id"], ["diary_type.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("goal_id", "diary_type_id"),
    )

    op.create_table(
        "sub_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("rationale", sa.String(length=2000), nullable=False),
        sa.Column("method", sa.String(length=2000), nullable=False),
        sa.Column("scoring_frequency", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=2000), nullable=True),
        sa.Column("next_evaluation_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ENDED_ON_MATCHES_STATUS, name="ck_sub_goal_status"),
        sa.CheckConstraint("version >= 1", name="ck_sub_goal_version"),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sub_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sub_goal_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("sub_goal_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(goal_id IS NOT NULL AND sub_goal_id IS NULL)"
            " OR (goal_id IS NULL AND sub_goal_id IS NOT NULL)",
            name="ck_goal_revision_target",
        ),
        sa.CheckConstraint("change IN ('edit', 'end', 'adjust')", name="ck_goal_revision_change"),
        sa.ForeignKeyConstraint(["changed_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sub_goal_id"], ["sub_goal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("goal_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_revision_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_goal_revision_sub_goal_id"), ["sub_goal_id"], unique=False
        )

    op.create_table(
        "indicator_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sub_goal_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("slot_key", sa.String(length=32), nullable=False),
        sa.Column("slot_date", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score >= 1", name="ck_indicator_score_score"),
        sa.ForeignKeyConstraint(["author_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["sub_goal_id"], ["sub_goal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sub_goal_id", "slot_key", name="uq_indicator_score_slot"),
    )
    with op.batch_alter_table("indicator_score", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_score_sub_goal_date", ["sub_goal_id", "slot_date"], unique=False
        )

    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("sub_goal_id", sa.Integer(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("progress", sa.String(length=4000), nullable=False),
        sa.Column("effect", sa.String(length=4000), nullable=False),
        sa.Column("methods", sa.String(length=4000), nullable=False),
        sa.Column("changes", sa.String(length=4000), nullable=False),
        sa.Column("participation", sa.String(length=4000), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("next_evaluation_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transferred_by_id", sa.Integer(), nullable=True),
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
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["sub_goal_id"], ["sub_goal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["transferred_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluation_sub_goal_id"), ["sub_goal_id"], unique=False
        )
        batch_op.create_index(
            "ix_evaluation_resident_evaluated", ["resident_id", "evaluated_on"], unique=False
        )

    op.create_table(
        "evaluation_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_key", sa.String(length=40), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("sub_goal_id", sa.Integer(), nullable=True),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["holder_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["sub_goal_id"], ["sub_goal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target_key"),
    )
    with op.batch_alter_table("evaluation_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_draft_holder_id"), ["holder_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_draft_holder_id"))
    op.drop_table("evaluation_draft")

    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_resident_evaluated")
        batch_op.drop_index(batch_op.f("ix_evaluation_sub_goal_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_goal_id"))
    op.drop_table("evaluation")

    with op.batch_alter_table("indicator_score", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_score_sub_goal_date")
    op.drop_table("indicator_score")

    with op.batch_alter_table("goal_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_revision_sub_goal_id"))
        batch_op.drop_index(batch_op.f("ix_goal_revision_goal_id"))
    op.drop_table("goal_revision")

    with op.batch_alter_table("sub_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sub_goal_goal_id"))
    op.drop_table("sub_goal")

    op.drop_table("goal_context")

    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_resident_id"))
    op.drop_table("goal")

    with op.batch_alter_table("contact_team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_team_member_staff_id"))
    op.drop_table("contact_team_member")
