"""Each goal and sub-goal carries the day of its latest evaluation; indexes for the sweep.

The reminder sweep asks two things of every active goal and sub-goal: when was it last
evaluated, and was it evaluated after day X (to leave out those that cannot be due). Asked of
the evaluation table, that is two index look-ups per row, some 300,000 at 10,000 residents;
asked of a column on the row itself it is none.

- goal.last_evaluated_on: the latest evaluated_on of the goal as a whole (sub_goal_id NULL);
- sub_goal.last_evaluated_on: the latest evaluated_on of the sub-goal;
- filled from the evaluations already there;
- kept by the database, not by the code: a trigger on evaluation moves it forward on an
  insert (on PostgreSQL a concurrent insert re-checks the row it waited for, so the later
  day wins whatever the commit order) and recomputes it from the evaluations on an update
  or a delete (on PostgreSQL after locking the rows it writes, so the max() sees what a
  concurrent writer committed). Every way an evaluation is written (the guided
  evaluation, an import, the sample plan, a test's own rows) keeps it right. An update that
  changes none of evaluated_on, goal_id, sub_goal_id (marking it transferred) touches no goal;
- ix_goal_due and ix_sub_goal_due: the sweep's filter (status, next date, last evaluation)
  answered from the index; a goal's row is read only when it can be due;
- ix_goal_mandatory: which mandatory areas a resident's active goals cover, and
  ix_status_meeting_held: a resident's latest held meeting, each from the index alone.

Written by hand, like 0005, so it does the same thing forever.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# One statement per target: `row` is NEW or OLD. The goal as a whole is sub_goal_id NULL.
_RECOMPUTE_GOAL = (
    "UPDATE goal SET last_evaluated_on = (SELECT max(e.evaluated_on) FROM evaluation e"
    " WHERE e.goal_id = {row}.goal_id AND e.sub_goal_id IS NULL)"
    " WHERE id = {row}.goal_id AND {row}.sub_goal_id IS NULL;"
)
_RECOMPUTE_SUB_GOAL = (
    "UPDATE sub_goal SET last_evaluated_on = (SELECT max(e.evaluated_on) FROM evaluation e"
    " WHERE e.sub_goal_id = {row}.sub_goal_id) WHERE id = {row}.sub_goal_id;"
)
# An insert only moves the day forward, and only rewrites a row it moves. On PostgreSQL an
# insert that waited for another's lock on the row re-checks the condition on the row as that
# one left it, so the later day wins whatever the commit order.
_LATER = " AND (last_evaluated_on IS NULL OR last_evaluated_on < NEW.evaluated_on);"
_ADVANCE = (
    "UPDATE goal SET last_evaluated_on = NEW.evaluated_on"
    " WHERE id = NEW.goal_id AND NEW.sub_goal_id IS NULL" + _LATER + " UPDATE sub_goal SET"
    " last_evaluated_on = NEW.evaluated_on WHERE id = NEW.sub_goal_id" + _LATER
)
# PostgreSQL: before a recomputation, wait for the rows it writes. The max() that follows is
# then a new statement with a new snapshot (READ COMMITTED), which sees what a concurrent
# writer of the same goal committed; in the UPDATE alone it would not.
_LOCK = (
    "PERFORM 1 FROM goal WHERE id = {row}.goal_id AND {row}.sub_goal_id IS NULL FOR UPDATE;"
    " PERFORM 1 FROM sub_goal WHERE id = {row}.sub_goal_id FOR UPDATE;"
)


def _recompute(row: str, *, lock: bool = False) -> str:
    first = _LOCK.format(row=row) + " " if lock else ""
    return first + _RECOMPUTE_GOAL.format(row=row) + " " + _RECOMPUTE_SUB_GOAL.format(row=row)


def upgrade() -> None:
    op.add_column("goal", sa.Column("last_evaluated_on", sa.Date(), nullable=True))
    op.add_column("sub_goal", sa.Column("last_evaluated_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE goal SET last_evaluated_on = (SELECT max(e.evaluated_on) FROM evaluation e"
        " WHERE e.goal_id = goal.id AND e.sub_goal_id IS NULL)"
    )
    op.execute(
        "UPDATE sub_goal SET last_evaluated_on = (SELECT max(e.evaluated_on) FROM evaluation e"
        " WHERE e.sub_goal_id = sub_goal.id)"
    )
    op.create_index(
        "ix_goal_due",
        "goal",
        [
            "resident_id",
            "status",
            "next_evaluation_on",
            "last_evaluated_on",
            "interval_count",
            "interval_unit",
        ],
    )
    op.create_index(
        "ix_sub_goal_due",
        "sub_goal",
        ["goal_id", "status", "next_evaluation_on", "last_evaluated_on"],
    )
    op.create_index("ix_goal_mandatory", "goal", ["resident_id", "mandatory_area", "status"])
    op.create_index(
        "ix_status_meeting_held", "status_meeting", ["resident_id", "status", "meeting_on", "id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION evaluation_last_day() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF TG_OP = 'INSERT' THEN {_ADVANCE}\n"
            "  ELSIF TG_OP = 'UPDATE' THEN\n"
            f"    {_recompute('OLD', lock=True)} {_recompute('NEW', lock=True)}\n"
            f"  ELSE {_recompute('OLD', lock=True)}\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
        op.execute(
            "CREATE TRIGGER tr_evaluation_last_day AFTER INSERT"
            " OR UPDATE OF evaluated_on, goal_id, sub_goal_id OR DELETE"
            " ON evaluation FOR EACH ROW EXECUTE FUNCTION evaluation_last_day()"
        )
    else:
        op.execute(
            "CREATE TRIGGER tr_evaluation_last_day_insert AFTER INSERT ON evaluation BEGIN "
            f"{_ADVANCE} END"
        )
        op.execute(
            "CREATE TRIGGER tr_evaluation_last_day_update AFTER UPDATE OF evaluated_on, goal_id,"
            f" sub_goal_id ON evaluation BEGIN {_recompute('OLD')} {_recompute('NEW')} END"
        )
        op.execute(
            "CREATE TRIGGER tr_evaluation_last_day_delete AFTER DELETE ON evaluation BEGIN "
            f"{_recompute('OLD')} END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_evaluation_last_day ON evaluation")
        op.execute("DROP FUNCTION evaluation_last_day()")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER tr_evaluation_last_day_{event}")
    op.drop_index("ix_status_meeting_held", table_name="status_meeting")
    op.drop_index("ix_goal_mandatory", table_name="goal")
    op.drop_index("ix_sub_goal_due", table_name="sub_goal")
    op.drop_index("ix_goal_due", table_name="goal")
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy: a copied goal table would be dropped,
    # and with foreign keys on, dropping it deletes every evaluation with it.
    op.execute("ALTER TABLE sub_goal DROP COLUMN last_evaluated_on")
    op.execute("ALTER TABLE goal DROP COLUMN last_evaluated_on")
