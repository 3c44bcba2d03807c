"""Indexes for the reminder sweep's reads of goals and sub-goals (issue 4, performance).

The sweep reads only the goals and sub-goals that can be due inside its window: one with a
next date after the window is left out when it was evaluated lately. Both questions, "was it
evaluated after day X" and "when was it last evaluated", become one look-up in these indexes
instead of a walk through every evaluation of the goal (a goal's evaluations include those of
its sub-goals).

- ix_evaluation_goal_last: (goal_id, sub_goal_id, evaluated_on), the goal as a whole is
  sub_goal_id NULL;
- ix_evaluation_sub_goal_last: (sub_goal_id, evaluated_on).

Written by hand, like 0005, so it does the same thing forever.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_evaluation_goal_last", "evaluation", ["goal_id", "sub_goal_id", "evaluated_on"]
    )
    op.create_index("ix_evaluation_sub_goal_last", "evaluation", ["sub_goal_id", "evaluated_on"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_sub_goal_last", table_name="evaluation")
    op.drop_index("ix_evaluation_goal_last", table_name="evaluation")
