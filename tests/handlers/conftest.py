"""Fixtures for the diary-note handler tests: a team in two departments, DB and card helpers."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import FixedClock
from bot.config import Settings
from bot.domain.access import Role
from bot.fakeapi import StoredMessage
from bot.handlers.callbacks import NoteCardPress
from bot.storage.models import AuditEvent, DiaryNote, DiaryNoteRevision, DiaryType, NoteDraft
from bot.storage.uow import UnitOfWorkFactory
from tests import factories
from tests.tg import BotHarness

KOMM = "Kommunikationsforhold"
SUNDHED = "Sundhedsforhold"
IPEL = "Indflydelse på eget liv"
ADFAERD = "Følelses- og adfærdsmæssige forhold"


@dataclass(frozen=True)
class Team:
    """Afd A (Mia, Oliver, Olivia, Ella; staff 42) and Afd B (Bo; staff 43)."""

    dep_a: int
    dep_b: int
    mia: int
    oliver: int
    olivia: int
    ella: int
    bo: int
    staff_a: int
    staff_b: int
    user: dict[str, Any]
    user_b: dict[str, Any]
    types: dict[str, int]


@pytest.fixture
def uow_factory(engine: Engine) -> UnitOfWorkFactory:
    """Units of work on this test's database, independent of any running application."""
    return UnitOfWorkFactory(engine)


@pytest.fixture
def team(uow_factory: UnitOfWorkFactory, clock: FixedClock) -> Team:
    """Create the two departments, their residents and one medarbejder in each."""
    now = clock.now()
    dep_a = factories.department(uow_factory, "Afd A", now)
    dep_b = factories.department(uow_factory, "Afd B", now)
    ids = {
        name: factories.resident(uow_factory, name, dep_a, now)
        for name in ("Mia", "Oliver", "Olivia", "Ella")
    }
    bo = factories.resident(uow_factory, "Bo", dep_b, now)
    staff_a = factories.staff(uow_factory, 42, Role.MEDARBEJDER, [dep_a], now, name="Anna A")
    staff_b = factories.staff(uow_factory, 43, Role.MEDARBEJDER, [dep_b], now, name="Bent B")
    with Session(uow_factory.engine) as session:
        types = {t.name: t.id or 0 for t in session.exec(select(DiaryType))}
    return Team(
        dep_a=dep_a,
        dep_b=dep_b,
        mia=ids["Mia"],
        oliver=ids["Oliver"],
        olivia=ids["Olivia"],
        ella=ids["Ella"],
        bo=bo,
        staff_a=staff_a,
        staff_b=staff_b,
        user={"id": 42, "is_bot": False, "first_name": "Anna", "language_code": "da"},
        user_b={"id": 43, "is_bot": False, "first_name": "Bent", "language_code": "da"},
        types=types,
    )


HarnessFactory = Callable[..., AbstractAsyncContextManager[BotHarness]]


@pytest.fixture
def harness(settings: Settings, clock: FixedClock) -> HarnessFactory:
    """Build a harness with changed settings: `async with harness(delete_note_messages=False)`."""

    @asynccontextmanager
    async def build(**changes: object) -> AsyncIterator[BotHarness]:
        # Settings is frozen: a changed copy, never a mutation.
        bot = BotHarness(settings.model_copy(update=changes), clock)
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()

    return build


# --- database checks --------------------------------------------------------------------------


def all_notes(engine: Engine) -> list[DiaryNote]:
    """Return every stored note, deleted ones included, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(DiaryNote).order_by(col(DiaryNote.id))))


def all_drafts(engine: Engine) -> list[NoteDraft]:
    """Return every draft, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(NoteDraft).order_by(col(NoteDraft.id))))


def revisions(engine: Engine) -> list[DiaryNoteRevision]:
    """Return every note revision, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(DiaryNoteRevision).order_by(col(DiaryNoteRevision.id))))


def audit_events(engine: Engine, *, entity: str | None = None) -> list[AuditEvent]:
    """Return the audit trail (optionally of one entity), oldest first."""
    stmt = select(AuditEvent).order_by(col(AuditEvent.id))
    if entity is not None:
        stmt = stmt.where(AuditEvent.entity == entity)
    with Session(engine) as session:
        return list(session.exec(stmt))


def add_note(
    engine: Engine,
    *,
    author_id: int,
    resident_id: int,
    diary_type_id: int,
    text: str,
    created_at: datetime,
) -> int:
    """Store a note directly (for lists that need many notes) and return its id."""
    with Session(engine) as session:
        note = DiaryNote(
            resident_id=resident_id,
            diary_type_id=diary_type_id,
            author_id=author_id,
            text=text,
            created_at=created_at,
        )
        session.add(note)
        session.commit()
        assert note.id is not None
        return note.id


# --- chat helpers -----------------------------------------------------------------------------


def labels(message: StoredMessage) -> list[str]:
    """Return the labels of a message's inline buttons, row by row."""
    return [text for text, _ in _buttons(message)]


def _buttons(message: StoredMessage) -> list[tuple[str, str]]:
    return [
        (str(b.get("text", "")), str(b.get("callback_data", "")))
        for row in message.inline_keyboard or []
        for b in row
    ]


def button_data(message: StoredMessage, label: str) -> str:
    """Return the callback data of the button with this label."""
    for text, data in _buttons(message):
        if text == label:
            return data
    raise LookupError(f"no button {label!r} in {labels(message)}")


def card_draft_id(message: StoredMessage) -> int:
    """Return the draft a note card's buttons act on."""
    datas = {NoteCardPress.parse(data).draft_id for _, data in _buttons(message)}
    assert len(datas) == 1, datas
    return datas.pop()


def last_user_message(bot: BotHarness, user: dict[str, Any]) -> StoredMessage:
    """Return the newest message the user sent (user and bot message ids are separate ranges)."""
    mine = [m for m in bot.api.messages(user["id"], include_deleted=True) if not m.from_bot]
    assert mine, "the user has sent nothing"
    return max(mine, key=lambda m: m.message_id)


def edited_update(bot: BotHarness, original: dict[str, Any], text: str) -> dict[str, Any]:
    """Return the edited_message update Telegram sends when the user corrects a message."""
    message = copy.deepcopy(original["message"])
    message["text"] = text
    message["edit_date"] = message["date"] + 30
    message.pop("entities", None)
    return {"update_id": bot.updates.next_update_id(), "edited_message": message}


def on_edit_with(
    text_part: str, check: Callable[[], None]
) -> tuple[Callable[[Any, Any], None], list[str]]:
    """Return an API listener that runs check() when an edit containing text_part arrives."""
    seen: list[str] = []

    def listener(call: Any, _result: Any) -> None:
        if call.method == "editMessageText" and text_part in str(call.params.get("text", "")):
            check()
            seen.append(str(call.params["text"]))

    return listener, seen
