"""Substitute onboarding (issue 5): the checklist, substitutes, their steps and brief reads.

- onboarding_template: the facility's checklist (seeded with the default of DOMAIN.md below;
  leaders replace it with `python -m bot import onboarding FILE.csv`);
- substitute: a substitute's start date and whether they come from an agency;
- onboarding_step: the steps given to one substitute, with due dates and who did them;
- brief_read: `Læst` on a resident's brief;
- invite: a substitute's start date, last day of access and agency flag, and invite_resident,
  the residents the invite assigns.

Written by hand and the checklist frozen here, so the migration does the same thing forever.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# code, title, description, owner, due days from the start date, gates briefs, recurs every N
# months, agency substitutes only, kind
CHECKLIST: tuple[tuple[str, str, str, str, int, bool, int | None, bool, str], ...] = (
    (
        "bureau_tjek",
        "Bureauvikar: kompetencer bekræftet",
        "Lederen bekræfter, at konflikthåndtering, reglerne om magtanvendelse og viden om "
        "selvbestemmelse er opdateret (bilag A, punkt 4).",
        "leder",
        0,
        True,
        None,
        True,
        "task",
    ),
    (
        "introforloeb",
        "Introforløb for tilkaldevikarer",
        "Målgruppen, tilbuddets metoder og tilgange.",
        "leder",
        0,
        True,
        None,
        False,
        "task",
    ),
    (
        "regler",
        "Læst: selv- og medbestemmelse, forebyggelse af overgreb, alenearbejde",
        "Tilbuddets retningslinjer om selv- og medbestemmelsesret, forebyggelse af overgreb og "
        "regler for alenearbejde.",
        "vikar",
        0,
        True,
        None,
        False,
        "task",
    ),
    (
        "voksenansvar",
        "E-learning: Lov om voksenansvar",
        "Reglerne om magtanvendelse og andre indgreb i selvbestemmelsesretten.",
        "vikar",
        0,
        True,
        None,
        False,
        "task",
    ),
    (
        "overlevering",
        "Overlevering: læs briefen om hver beboer",
        "Aktuelle mål, delmål og indsatser for de beboere, du skal arbejde med. Markeres udført, "
        "når du har trykket Læst på alle.",
        "vikar",
        1,
        False,
        None,
        False,
        "brief",
    ),
    (
        "foel",
        "Føl-dage med en fastansat kollega",
        "Følg en fast medarbejder hos beboerne, før du arbejder alene.",
        "vikar",
        7,
        False,
        None,
        False,
        "task",
    ),
    (
        "dokumentation",
        "E-learning: Dokumentation",
        "Hvordan vi dokumenterer i dagbog og journal.",
        "vikar",
        14,
        False,
        None,
        False,
        "task",
    ),
    (
        "konflikt",
        "Konflikthåndtering (kursus)",
        "Lederen bekræfter, at kurset er gennemført.",
        "leder",
        60,
        False,
        None,
        False,
        "task",
    ),
    (
        "vikarmoede",
        "Vikarmøde",
        "Vikarmøder holdes to gange om året.",
        "leder",
        90,
        False,
        6,
        False,
        "task",
    ),
)

template = sa.table(
    "onboarding_template",
    sa.column("code", sa.String),
    sa.column("title", sa.String),
    sa.column("description", sa.String),
    sa.column("owner", sa.String),
    sa.column("due_days", sa.Integer),
    sa.column("gates_briefs", sa.Boolean),
    sa.column("recurs_months", sa.Integer),
    sa.column("agency_only", sa.Boolean),
    sa.column("kind", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("access_ends_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("agency", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.create_table(
        "invite_resident",
        sa.Column("invite_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["invite_id"], ["invite.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("invite_id", "resident_id"),
    )

    op.create_table(
        "onboarding_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("gates_briefs", sa.Boolean(), nullable=False),
        sa.Column("recurs_months", sa.Integer(), nullable=True),
        sa.Column("agency_only", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("owner IN ('vikar', 'leder')", name="ck_onboarding_template_owner"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )

    op.create_table(
        "substitute",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("agency", sa.Boolean(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("staff_id"),
    )

    op.create_table(
        "onboarding_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("gates_briefs", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recurs_months", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["template_id"], ["onboarding_template.id"]),
        sa.ForeignKeyConstraint(["done_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "staff_id", "template_id", "occurrence", name="uq_onboarding_step_occurrence"
        ),
    )
    op.create_index("ix_onboarding_step_staff_id", "onboarding_step", ["staff_id"])
    op.create_index("ix_onboarding_step_open", "onboarding_step", ["done_on", "due_on"])

    op.create_table(
        "brief_read",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("first_read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_id", "resident_id"),
    )

    written = datetime(2026, 11, 22, tzinfo=UTC)  # when this checklist was written
    op.bulk_insert(
        template,
        [
            {
                "code": code,
                "title": title,
                "description": description,
                "owner": owner,
                "due_days": due_days,
                "gates_briefs": gates,
                "recurs_months": recurs,
                "agency_only": agency_only,
                "kind": kind,
                "position": position * 10,
                "active": True,
                "updated_at": written,
            }
            for position, (
                code,
                title,
                description,
                owner,
                due_days,
                gates,
                recurs,
                agency_only,
                kind,
            ) in enumerate(CHECKLIST, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_table("brief_read")
    op.drop_index("ix_onboarding_step_open", table_name="onboarding_step")
    op.drop_index("ix_onboarding_step_staff_id", table_name="onboarding_step")
    op.drop_table("onboarding_step")
    op.drop_table("substitute")
    op.drop_table("onboarding_template")
    op.drop_table("invite_resident")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("agency")
        batch_op.drop_column("access_ends_on")
        batch_op.drop_column("starts_on")
