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


class Department(SQLModel, table=True):
    """An afdeling of the offer."""

    __tablename__ = "department"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    created_at: datetime = _ts()


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


class DiaryNote(SQLModel, table=True):
    """A saved observation about one resident under one diary type."""

    __tablename__ = "diary_note"
    __table_args__ = (
        sa.UniqueConstraint("source_chat_id", "source_message_id", name="uq_note_source"),
        sa.Index("ix_note_resident_created", "resident_id", "created_at"),
        sa.Index("ix_note_author_created", "author_id", "created_at"),
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
