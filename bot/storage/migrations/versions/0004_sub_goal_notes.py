"""Sub-goal diary: a note (and the draft it comes from) may belong to a sub-goal, with a reason.

A note with sub_goal_id is a sub-goal diary note (delmålsdagbog); a note of the type
"Manglende arbejde med delmål" also says why the work did not happen (missing_reason).
Batch mode rebuilds the tables on SQLite, which cannot add a foreign key to an existing table.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("diary_note", "note_draft")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("sub_goal_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("missing_reason", sa.String(length=500), nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_sub_goal_id", "sub_goal", ["sub_goal_id"], ["id"]
            )
    with op.batch_alter_table("diary_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_note_sub_goal_created", ["sub_goal_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("diary_note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_sub_goal_created")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_sub_goal_id", type_="foreignkey")
            batch_op.drop_column("missing_reason")
            batch_op.drop_column("sub_goal_id")
