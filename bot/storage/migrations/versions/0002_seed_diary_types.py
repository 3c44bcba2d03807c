"""Seed the twelve diary types of the individual plan, with aliases for quick typing.

The list is frozen here on purpose: a migration must do the same thing forever, whatever
later code says. Facilities add local types with `python -m bot import diary-types`.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TYPES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Familieforhold", "context", ("familie",)),
    ("Sundhedsforhold", "context", ("sundhed", "helbred")),
    ("Kommunikationsforhold", "context", ("komm", "kommunikation")),
    ("Indflydelse på eget liv", "context", ("ipel", "indflydelse")),
    ("Følelses- og adfærdsmæssige forhold", "context", ("adfærd", "følelser")),
    ("Identitetsforhold", "context", ("identitet",)),
    ("Selvstændighedsforhold", "context", ("selvst", "selvstændighed")),
    ("Skoleforhold", "context", ("skole",)),
    ("Fritidsforhold", "context", ("fritid",)),
    ("Venskabsforhold", "context", ("venskab", "venner")),
    ("Magtanvendelse", "use_of_force", ("magt",)),
    ("Manglende arbejde med delmål", "missing_subgoal_work", ("delmål",)),
)

diary_type = sa.table(
    "diary_type",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("builtin", sa.Boolean),
    sa.column("active", sa.Boolean),
    sa.column("sort_order", sa.Integer),
)
diary_type_alias = sa.table(
    "diary_type_alias",
    sa.column("diary_type_id", sa.Integer),
    sa.column("alias", sa.String),
)


def upgrade() -> None:
    conn = op.get_bind()
    for order, (name, kind, aliases) in enumerate(TYPES, start=1):
        type_id = conn.execute(
            sa.insert(diary_type)
            .values(name=name, kind=kind, builtin=True, active=True, sort_order=order * 10)
            .returning(diary_type.c.id)
        ).scalar_one()
        for alias in aliases:
            conn.execute(sa.insert(diary_type_alias).values(diary_type_id=type_id, alias=alias))


def downgrade() -> None:
    conn = op.get_bind()
    names = [name for name, _, _ in TYPES]
    ids = sa.select(diary_type.c.id).where(diary_type.c.name.in_(names))
    conn.execute(sa.delete(diary_type_alias).where(diary_type_alias.c.diary_type_id.in_(ids)))
    conn.execute(sa.delete(diary_type).where(diary_type.c.name.in_(names)))
