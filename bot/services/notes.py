"""Use cases for diary notes: the quick-note card, the step-by-step /note, undo, edit, lists.

A note can be attached to one of the resident's active sub-goals (a sub-goal diary note). A
note of the kind "Manglende arbejde med delmål" must name the sub-goal and say why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.domain.access import Actor, ResidentScope, can_see_resident
from bot.domain.errors import Conflict, Expired, InvalidInput, NotAllowed, NotFound
from bot.domain.goals import ScoringFrequency
from bot.domain.matching import parse_quick_note
from bot.domain.notes import MAX_NOTE_CHARS, clean_note_text, within
from bot.services.directory import Directory, ResidentDirectory
from bot.storage.models import (
    MISSING_REASON_MAX,
    DiaryNote,
    DiaryNoteRevision,
    NoteDraft,
    Resident,
    SubGoal,
)
from bot.storage.repositories import MISSING_WORK_KIND, DraftRow, SubGoalChoice
from bot.storage.uow import UnitOfWork

PICKER_PAGE_SIZE = 8
RECENT_RESIDENTS = 50
MY_NOTES_LIMIT = 10
RESIDENT_NOTES_LIMIT = 10

Picking = Literal["resident", "type", "text", "sub_goal", "reason"] | None


@dataclass(frozen=True, slots=True)
class Option:
    """A choice shown as a button."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class Card:
    """What the note card shows: the draft and what the user must choose next."""

    draft_id: int
    mode: str
    status: str
    text: str
    resident: Option | None
    diary_type: Option | None
    picking: Picking
    options: tuple[Option, ...] = ()
    suggested: bool = False
    page: int = 0
    has_more: bool = False
    note_id: int | None = None
    saved_at: datetime | None = None
    undo_until: datetime | None = None
    source_chat_id: int | None = None
    source_message_id: int | None = None
    sub_goal: Option | None = None
    reason: str | None = None
    # The type is "Manglende arbejde med delmål": a sub-goal and a reason are required.
    needs_sub_goal: bool = False
    # The resident has active sub-goals (decides whether `Delmål` is offered).
    has_sub_goals: bool = False
    # Just saved as a note on a sub-goal that is scored: offer the indicator scale.
    offer_score: bool = False

    @property
    def savable(self) -> bool:
        """Tell whether Gem is offered: resident, type and text, and what the type requires.

        A "Manglende arbejde" note needs its sub-goal and reason first, unless the resident has
        no active sub-goal: then it is saved without one and the saved card says so.
        """
        if self.resident is None or self.diary_type is None or not self.text:
            return False
        if not self.needs_sub_goal:
            return True
        if self.sub_goal is None:
            return not self.has_sub_goals
        return bool(self.reason)


@dataclass(frozen=True, slots=True)
class NoteView:
    """A saved note as lists show it."""

    id: int
    resident: str
    diary_type: str
    text: str
    created_at: datetime
    edited: bool
    changeable: bool


@dataclass(frozen=True, slots=True)
class ResidentNotes:
    """A resident's recent notes, or the residents the query might mean."""

    resident: Option | None
    notes: tuple[NoteView, ...]
    candidates: tuple[Option, ...]


class DraftFields(Protocol):
    """What a card is rendered from: a NoteDraft row object or the hot path's DraftRow."""

    @property
    def id(self) -> int | None: ...
    @property
    def author_id(self) -> int: ...
    @property
    def resident_id(self) -> int | None: ...
    @property
    def diary_type_id(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def source_chat_id(self) -> int | None: ...
    @property
    def source_message_id(self) -> int | None: ...
    @property
    def note_id(self) -> int | None: ...
    @property
    def sub_goal_id(self) -> int | None: ...
    @property
    def missing_reason(self) -> str | None: ...


def _own_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> NoteDraft:
    # Locked: two processes pressing the same card wait for each other instead of racing.
    draft = uow.drafts.get(draft_id, lock=True)
    if draft is None:
        raise NotFound("notes.card_gone")
    if draft.author_id != actor.staff_id:
        raise NotAllowed("notes.not_your_card")
    return draft


def _open_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> NoteDraft:
    draft = _own_draft(uow, actor, draft_id)
    if draft.status != "open":
        raise Conflict("notes.card_closed")
    return draft


def _visible_resident(uow: UnitOfWork, actor: Actor, resident_id: int) -> Resident:
    resident = uow.residents.get(resident_id)
    if resident is None or resident.id is None:
        raise NotAllowed()
    scope = ResidentScope(resident.id, resident.department_id, resident.moved_out_on is None)
    if not can_see_resident(actor, scope):
        raise NotAllowed()
    if resident.moved_out_on is not None:
        raise Conflict("notes.resident_moved_out", name=resident.display_name)
    return resident


def _resident_sub_goal(uow: UnitOfWork, resident_id: int, sub_goal_id: int) -> SubGoal:
    """Return an active sub-goal of an active goal of this resident (button data is forged)."""
    sub_goal = uow.goals.get_sub_goal(sub_goal_id)
    goal = uow.goals.get(sub_goal.goal_id) if sub_goal is not None else None
    if sub_goal is None or goal is None or goal.resident_id != resident_id:
        raise NotAllowed()
    if sub_goal.status != "active" or goal.status != "active":
        raise Conflict("notes.sub_goal_ended")
    return sub_goal


def _clean_reason(text: str) -> str:
    reason = clean_note_text(text)
    if not reason:
        raise InvalidInput("notes.reason_empty")
    if len(reason) > MISSING_REASON_MAX:
        raise InvalidInput("notes.reason_too_long", limit=MISSING_REASON_MAX)
    return reason


def _resident_picker(
    uow: UnitOfWork, actor: Actor, residents: ResidentDirectory, page: int
) -> tuple[tuple[Option, ...], bool]:
    recent = [
        rid
        for rid in uow.residents.recent_for_author(actor.staff_id, RECENT_RESIDENTS)
        if rid in residents.names
    ]
    seen = set(recent)
    ordered = recent + [rid for rid in residents.order if rid not in seen]
    start = max(page, 0) * PICKER_PAGE_SIZE
    chunk = ordered[start : start + PICKER_PAGE_SIZE]
    options = tuple(Option(rid, residents.names[rid]) for rid in chunk)
    return options, start + PICKER_PAGE_SIZE < len(ordered)


def _card(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft: DraftFields,
    *,
    picking: Picking = None,
    page: int = 0,
    suggestions: tuple[Option, ...] = (),
    undo_window: timedelta = timedelta(minutes=10),
    resident_name: str | None = None,
    saved_at: datetime | None = None,
    has_sub_goals: bool | None = None,
    sub_goal_label: str | None = None,
    offer_score: bool = False,
) -> Card:
    """Build the card; what the caller already knows (names, save time …) is not read again."""
    assert draft.id is not None
    types = directory.types(uow, clock.now())
    resident = None
    if draft.resident_id is not None:
        if resident_name is None:
            row = uow.residents.get(draft.resident_id)
            resident_name = row.display_name if row else "?"
        resident = Option(draft.resident_id, resident_name)
    diary_type = None
    kind = None
    if draft.diary_type_id is not None:
        name = types.names.get(draft.diary_type_id)
        kind = types.kinds.get(draft.diary_type_id)
        if name is None:
            row_type = uow.diary_types.get(draft.diary_type_id)
            name = row_type.name if row_type else "?"
            kind = row_type.kind if row_type else None
        diary_type = Option(draft.diary_type_id, name)
    needs_sub_goal = kind == MISSING_WORK_KIND
    sub_goal = None
    if draft.sub_goal_id is not None:
        if sub_goal_label is None:
            row_sub_goal = uow.goals.get_sub_goal(draft.sub_goal_id)
            sub_goal_label = row_sub_goal.text if row_sub_goal else "?"
        sub_goal = Option(draft.sub_goal_id, sub_goal_label)
    reason = draft.missing_reason if needs_sub_goal else None
    if draft.status != "open":
        if saved_at is None and draft.note_id is not None:
            note = uow.notes.get(draft.note_id)
            saved_at = note.created_at if note else None
        return Card(
            draft_id=draft.id,
            mode=draft.mode,
            status=draft.status,
            text=draft.text,
            resident=resident,
            diary_type=diary_type,
            picking=None,
            note_id=draft.note_id,
            saved_at=saved_at,
            undo_until=saved_at + undo_window if saved_at else None,
            source_chat_id=draft.source_chat_id,
            source_message_id=draft.source_message_id,
            sub_goal=sub_goal,
            reason=reason,
            needs_sub_goal=needs_sub_goal,
            offer_score=offer_score,
        )
    if picking is None:
        if resident is None:
            picking = "resident"
        elif diary_type is None:
            picking = "type"
        elif not draft.text:
            picking = "text"
    choices: list[SubGoalChoice] | None = None
    if (
        draft.resident_id is not None
        and picking in (None, "sub_goal")
        and (picking == "sub_goal" or (has_sub_goals is None and sub_goal is None))
    ):
        # Never on a plain quick note's path: there the draft's INSERT told has_sub_goals.
        choices = uow.drafts.sub_goal_choices(draft.resident_id)
        has_sub_goals = bool(choices)
    if picking is None and needs_sub_goal:
        if sub_goal is None and has_sub_goals:
            picking = "sub_goal"
            if choices is None:
                assert draft.resident_id is not None
                choices = uow.drafts.sub_goal_choices(draft.resident_id)
        elif sub_goal is not None and not reason:
            picking = "reason"
    options: tuple[Option, ...] = ()
    has_more = False
    suggested = False
    if picking == "resident":
        if suggestions:
            options, suggested = suggestions, True
        else:
            options, has_more = _resident_picker(uow, actor, directory.residents(uow, actor), page)
    elif picking == "type":
        if suggestions:
            options, suggested = suggestions, True
        else:
            options = tuple(Option(tid, types.names[tid]) for tid in types.order)
    elif picking == "sub_goal":
        options = tuple(Option(c.id, c.text) for c in choices or ())
    return Card(
        draft_id=draft.id,
        mode=draft.mode,
        status=draft.status,
        text=draft.text,
        resident=resident,
        diary_type=diary_type,
        picking=picking,
        options=options,
        suggested=suggested,
        page=page,
        has_more=has_more,
        sub_goal=sub_goal,
        reason=reason,
        needs_sub_goal=needs_sub_goal,
        has_sub_goals=bool(has_sub_goals) or sub_goal is not None,
    )


def _store_card(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft: NoteDraft,
    **card: Any,
) -> Card:
    """Commit a changed draft and return its card (the tail of every card step)."""
    draft.updated_at = clock.now()
    uow.session.add(draft)
    rendered = _card(uow, clock, directory, actor, draft, **card)
    uow.commit()
    return rendered


def start_quick_note(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    chat_id: int,
    message_id: int,
    text: str,
) -> Card:
    """Make a draft from a free-text message; a redelivered message shows the same card."""
    text = clean_note_text(text)
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("notes.too_long", limit=MAX_NOTE_CHARS)
    with uow:
        residents = directory.residents(uow, actor)
        if len(residents.index) == 0:
            raise InvalidInput("notes.no_residents")
        types = directory.types(uow, clock.now())
        parsed = parse_quick_note(text, residents.index, types.index)
        body = clean_note_text(parsed.body)
        if not body:
            raise InvalidInput("notes.empty_body")
        now = clock.now()
        resident_id = parsed.resident.match.id if parsed.resident.match else None
        type_id = parsed.diary_type.match.id if parsed.diary_type.match else None
        inserted = uow.drafts.insert_from_message(
            {
                "author_id": actor.staff_id,
                "resident_id": resident_id,
                "diary_type_id": type_id,
                "text": body,
                "mode": "quick",
                "status": "open",
                "source_chat_id": chat_id,
                "source_message_id": message_id,
                "created_at": now,
                "updated_at": now,
            }
        )
        if inserted is None:
            # A redelivered message, or another process handling it right now: its draft.
            existing = uow.drafts.by_source(chat_id, message_id)
            if existing is None:
                raise Conflict("notes.card_closed")
            return _card(uow, clock, directory, _check_owner(existing, actor), existing)
        draft_id, has_sub_goals = inserted
        draft = DraftRow(
            id=draft_id,
            author_id=actor.staff_id,
            resident_id=resident_id,
            diary_type_id=type_id,
            text=body,
            mode="quick",
            status="open",
            source_chat_id=chat_id,
            source_message_id=message_id,
            note_id=None,
        )
        suggestions: tuple[Option, ...] = ()
        picking: Picking = None
        if resident_id is None and parsed.resident.status == "uncertain":
            picking = "resident"
            suggestions = tuple(Option(c.id, c.name) for c in parsed.resident.candidates)
        elif type_id is None and parsed.diary_type.status == "uncertain":
            picking = "type"
            suggestions = tuple(Option(c.id, c.name) for c in parsed.diary_type.candidates)
        card = _card(
            uow,
            clock,
            directory,
            actor,
            draft,
            picking=picking,
            suggestions=suggestions,
            resident_name=residents.names.get(resident_id) if resident_id is not None else None,
            has_sub_goals=has_sub_goals,
        )
        uow.commit()
        return card


def _check_owner(draft: NoteDraft, actor: Actor) -> Actor:
    if draft.author_id != actor.staff_id:
        raise NotAllowed("notes.not_your_card")
    return actor


def show_card(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    *,
    picking: Picking = None,
    page: int = 0,
    undo_window: timedelta = timedelta(minutes=10),
) -> Card:
    """Render a draft's card, optionally with a picker open (Skift beboer / type / Delmål)."""
    with uow:
        draft = _own_draft(uow, actor, draft_id)
        if draft.status != "open":
            picking = None
        if picking == "sub_goal":
            _check_sub_goal_step(uow, actor, draft)
        return _card(
            uow,
            clock,
            directory,
            actor,
            draft,
            picking=picking,
            page=page,
            undo_window=undo_window,
        )


def pick_resident(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    resident_id: int,
) -> Card:
    """Set the draft's resident after checking, again, that the actor may see them."""
    with uow:
        draft = _open_draft(uow, actor, draft_id)
        _visible_resident(uow, actor, resident_id)
        if draft.resident_id != resident_id:
            # A sub-goal belongs to one resident: another resident starts without one.
            draft.sub_goal_id = None
            draft.missing_reason = None
        draft.resident_id = resident_id
        return _store_card(uow, clock, directory, actor, draft)


def pick_type(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    type_id: int,
) -> Card:
    """Set the draft's diary type (an active one)."""
    with uow:
        draft = _open_draft(uow, actor, draft_id)
        diary_type = uow.diary_types.get(type_id)
        if diary_type is None or not diary_type.active:
            raise NotFound()
        draft.diary_type_id = type_id
        if diary_type.kind != MISSING_WORK_KIND:
            draft.missing_reason = None  # only "Manglende arbejde" notes say why
        return _store_card(uow, clock, directory, actor, draft)


def _check_sub_goal_step(uow: UnitOfWork, actor: Actor, draft: NoteDraft) -> None:
    """Refuse the sub-goal picker where it does not apply (forged or stale buttons)."""
    if draft.resident_id is None:
        raise InvalidInput("notes.choose_resident_first")
    resident = _visible_resident(uow, actor, draft.resident_id)
    if not uow.drafts.sub_goal_choices(draft.resident_id):
        raise InvalidInput("notes.no_sub_goals", name=resident.display_name)


def _require_missing_work(uow: UnitOfWork, draft: NoteDraft) -> None:
    diary_type = uow.diary_types.get(draft.diary_type_id) if draft.diary_type_id else None
    if diary_type is None or diary_type.kind != MISSING_WORK_KIND:
        raise Conflict("notes.reason_not_asked")
    if draft.sub_goal_id is None:
        raise InvalidInput("notes.choose_sub_goal")


def pick_sub_goal(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    sub_goal_id: int,
) -> Card:
    """Attach the draft to an active sub-goal of its resident, whom the actor must see."""
    with uow:
        draft = _open_draft(uow, actor, draft_id)
        if draft.resident_id is None:
            raise InvalidInput("notes.choose_resident_first")
        _visible_resident(uow, actor, draft.resident_id)
        sub_goal = _resident_sub_goal(uow, draft.resident_id, sub_goal_id)
        draft.sub_goal_id = sub_goal_id
        return _store_card(uow, clock, directory, actor, draft, sub_goal_label=sub_goal.text)


def clear_sub_goal(
    uow: UnitOfWork, clock: Clock, directory: Directory, actor: Actor, draft_id: int
) -> Card:
    """Detach the draft from its sub-goal: it is saved as a plain note."""
    with uow:
        draft = _open_draft(uow, actor, draft_id)
        draft.sub_goal_id = None
        return _store_card(uow, clock, directory, actor, draft)


def clear_reason(
    uow: UnitOfWork, clock: Clock, directory: Directory, actor: Actor, draft_id: int
) -> Card:
    """Drop the reason of a "Manglende arbejde" draft so that the card asks for a new one."""
    with uow:
        draft = _open_draft(uow, actor, draft_id)
        if draft.resident_id is None:
            raise InvalidInput("notes.choose_resident_first")
        _visible_resident(uow, actor, draft.resident_id)
        _require_missing_work(uow, draft)
        draft.missing_reason = None
        return _store_card(uow, clock, directory, actor, draft)


def _set_reason(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft: NoteDraft,
    reason: str,
) -> Card:
    if draft.resident_id is None:
        raise InvalidInput("notes.choose_resident_first")
    _visible_resident(uow, actor, draft.resident_id)
    _require_missing_work(uow, draft)
    assert draft.sub_goal_id is not None
    sub_goal = _resident_sub_goal(uow, draft.resident_id, draft.sub_goal_id)
    draft.missing_reason = reason
    draft.updated_at = clock.now()
    uow.session.add(draft)
    return _card(uow, clock, directory, actor, draft, sub_goal_label=sub_goal.text)


def give_reason(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    reason: str,
) -> Card:
    """Say why work on the sub-goal did not happen (a "Manglende arbejde" note)."""
    reason = _clean_reason(reason)
    with uow:
        draft = _open_draft(uow, actor, draft_id)
        card = _set_reason(uow, clock, directory, actor, draft, reason)
        uow.commit()
        return card


def give_typed_reason(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int | None,
    text: str,
) -> Card | None:
    """Put a typed reason on the card that asked for it; None when that card no longer waits."""
    if draft_id is None:
        return None
    with uow:
        draft = uow.drafts.awaiting_reason(draft_id, actor.staff_id, MISSING_WORK_KIND)
        if draft is None:
            return None
        card = _set_reason(uow, clock, directory, actor, draft, _clean_reason(text))
        uow.commit()
        return card


def save_note(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    *,
    undo_window: timedelta,
) -> Card:
    """Store the draft as a note in one transaction; pressing twice saves once."""
    with uow:
        # One query for the draft (locked), its resident, its type and any note made from it.
        found = uow.drafts.save_context(draft_id, lock=True)
        if found is None:
            raise NotFound("notes.card_gone")
        draft = found.draft
        if draft.author_id != actor.staff_id:
            raise NotAllowed("notes.not_your_card")
        if draft.status == "saved":
            return _card(
                uow,
                clock,
                directory,
                actor,
                draft,
                undo_window=undo_window,
                resident_name=found.resident_name,
                saved_at=found.note_created_at,
                sub_goal_label=found.sub_goal_text,
            )
        if draft.status != "open":
            raise Conflict("notes.card_closed")
        if draft.resident_id is None or draft.diary_type_id is None or not draft.text:
            raise InvalidInput("notes.incomplete")
        if found.resident_department_id is None:
            raise NotAllowed()
        moved_out = found.resident_moved_out_on is not None
        scope = ResidentScope(draft.resident_id, found.resident_department_id, not moved_out)
        if not can_see_resident(actor, scope):
            raise NotAllowed()
        if moved_out:
            raise Conflict("notes.resident_moved_out", name=found.resident_name)
        if not found.type_active:
            raise NotFound()
        missing_work = found.type_kind == MISSING_WORK_KIND
        if draft.sub_goal_id is not None:
            if found.goal_resident_id != draft.resident_id:
                raise NotAllowed()
            if found.sub_goal_status != "active" or found.goal_status != "active":
                raise Conflict("notes.sub_goal_ended")
        elif missing_work and found.resident_has_sub_goals:
            raise InvalidInput("notes.choose_sub_goal")
        # A resident without active sub-goals: the note is kept without one (the saved card says
        # that the type needs a sub-goal), rather than losing what the person wrote.
        if missing_work and draft.sub_goal_id is not None and not draft.missing_reason:
            raise InvalidInput("notes.choose_reason")
        now = clock.now()
        values = {
            "resident_id": draft.resident_id,
            "diary_type_id": draft.diary_type_id,
            "author_id": actor.staff_id,
            "text": draft.text,
            "created_at": now,
            "deleted": False,
            "source_chat_id": draft.source_chat_id,
            "source_message_id": draft.source_message_id,
        }
        if draft.sub_goal_id is not None:
            # Only a sub-goal note names these: a plain note's INSERT stays the same statement.
            values["sub_goal_id"] = draft.sub_goal_id
            values["missing_reason"] = draft.missing_reason if missing_work else None
        try:
            note_id = uow.notes.insert(values)
        except IntegrityError:
            # Another process saved this message first: the unique source key says so.
            uow.rollback()
            raise Conflict("notes.already_saved") from None
        uow.drafts.mark_saved(draft.id, note_id, now)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="create",
            entity="diary_note",
            entity_id=note_id,
            resident_id=draft.resident_id,
            detail="" if draft.sub_goal_id is None else f"sub_goal={draft.sub_goal_id}",
        )
        card = _card(
            uow,
            clock,
            directory,
            actor,
            replace(draft, status="saved", note_id=note_id),
            undo_window=undo_window,
            resident_name=found.resident_name,
            saved_at=now,
            sub_goal_label=found.sub_goal_text,
            offer_score=draft.sub_goal_id is not None
            and not missing_work
            and found.sub_goal_frequency != ScoringFrequency.NONE,
        )
        uow.commit()
        return card


def cancel_draft(
    uow: UnitOfWork, clock: Clock, directory: Directory, actor: Actor, draft_id: int
) -> Card:
    """Drop an open draft; nothing is stored as a note."""
    with uow:
        draft = _own_draft(uow, actor, draft_id)
        if draft.status == "open":
            draft.status = "cancelled"
            draft.updated_at = clock.now()
            uow.session.add(draft)
        card = _card(uow, clock, directory, actor, draft)
        uow.commit()
        return card


def undo_save(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    draft_id: int,
    *,
    undo_window: timedelta,
) -> Card:
    """Take back a note saved from this card within the undo window (kept, marked deleted)."""
    with uow:
        draft = _own_draft(uow, actor, draft_id)
        if draft.status == "undone":
            return _card(uow, clock, directory, actor, draft, undo_window=undo_window)
        if draft.status != "saved" or draft.note_id is None:
            raise Conflict("notes.card_closed")
        note = uow.notes.get(draft.note_id)
        now = clock.now()
        if note is None or not within(note.created_at, now, undo_window):
            raise Expired("notes.undo_expired")
        _soft_delete(uow, actor, note, now, detail="undo")
        draft.status = "undone"
        draft.updated_at = now
        uow.session.add(draft)
        card = _card(uow, clock, directory, actor, draft, undo_window=undo_window)
        uow.commit()
        return card


def _soft_delete(
    uow: UnitOfWork, actor: Actor, note: DiaryNote, now: datetime, *, detail: str = ""
) -> None:
    # Kept and marked: the audit trail and the journal hand-over must still see the note.
    note.deleted = True
    note.deleted_at = now
    uow.session.add(note)
    uow.audit.record(
        at=now,
        actor_id=actor.staff_id,
        action="delete",
        entity="diary_note",
        entity_id=note.id,
        resident_id=note.resident_id,
        detail=detail,
    )


def start_guided_note(uow: UnitOfWork, clock: Clock, directory: Directory, actor: Actor) -> Card:
    """Open a step-by-step draft (/note), closing any earlier one of the same person."""
    with uow:
        if len(directory.residents(uow, actor).index) == 0:
            raise InvalidInput("notes.no_residents")
        now = clock.now()
        while (old := uow.drafts.open_guided(actor.staff_id)) is not None:
            old.status = "cancelled"
            old.updated_at = now
            uow.session.add(old)
            uow.flush()
        draft = uow.drafts.add(
            NoteDraft(author_id=actor.staff_id, mode="guided", created_at=now, updated_at=now)
        )
        card = _card(uow, clock, directory, actor, draft)
        uow.commit()
        return card


def give_guided_text(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    chat_id: int,
    message_id: int,
    text: str,
) -> Card | None:
    """Put typed text on the open step-by-step draft; None when there is none."""
    text = clean_note_text(text)
    if not text:
        raise InvalidInput("notes.empty_body")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("notes.too_long", limit=MAX_NOTE_CHARS)
    with uow:
        existing = uow.drafts.by_source(chat_id, message_id)
        if existing is not None:
            return _card(uow, clock, directory, _check_owner(existing, actor), existing)
        draft = uow.drafts.open_guided(actor.staff_id)
        if draft is None:
            return None
        draft.text = text
        draft.source_chat_id = chat_id
        draft.source_message_id = message_id
        return _store_card(uow, clock, directory, actor, draft)


def cancel_guided(uow: UnitOfWork, clock: Clock, actor: Actor) -> bool:
    """Close the person's open step-by-step draft; tell whether there was one."""
    with uow:
        draft = uow.drafts.open_guided(actor.staff_id)
        if draft is None:
            return False
        draft.status = "cancelled"
        draft.updated_at = clock.now()
        uow.session.add(draft)
        uow.commit()
        return True


def _note_views(
    uow: UnitOfWork, notes: list[DiaryNote], actor: Actor, now: datetime, window: timedelta
) -> tuple[NoteView, ...]:
    views = []
    for note in notes:
        resident = uow.residents.get(note.resident_id)
        diary_type = uow.diary_types.get(note.diary_type_id)
        views.append(
            NoteView(
                id=note.id or 0,
                resident=resident.display_name if resident else "?",
                diary_type=diary_type.name if diary_type else "?",
                text=note.text,
                created_at=note.created_at,
                edited=note.edited_at is not None,
                changeable=note.author_id == actor.staff_id
                and within(note.created_at, now, window),
            )
        )
    return tuple(views)


def my_notes(
    uow: UnitOfWork, clock: Clock, actor: Actor, *, edit_window: timedelta
) -> tuple[NoteView, ...]:
    """Return the person's own last notes (/mine); only residents they may still see."""
    with uow:
        now = clock.now()
        notes = []
        for note in uow.notes.recent_by_author(actor.staff_id, MY_NOTES_LIMIT):
            resident = uow.residents.get(note.resident_id)
            if resident is not None and can_see_resident(
                actor, ResidentScope(note.resident_id, resident.department_id)
            ):
                notes.append(note)
        views = _note_views(uow, notes, actor, now, edit_window)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="read",
            entity="own_notes",
            detail=f"count={len(views)}",
        )
        uow.commit()
        return views


def _changeable_note(
    uow: UnitOfWork, actor: Actor, note_id: int, now: datetime, window: timedelta
) -> DiaryNote:
    note = uow.notes.get(note_id)
    if note is None or note.deleted:
        raise NotFound("notes.note_gone")
    if note.author_id != actor.staff_id:
        raise NotAllowed()
    _visible_resident(uow, actor, note.resident_id)
    if not within(note.created_at, now, window):
        raise Expired("notes.edit_expired")
    return note


def note_for_change(
    uow: UnitOfWork, clock: Clock, actor: Actor, note_id: int, *, edit_window: timedelta
) -> NoteView:
    """Return one of the person's own notes that they may still edit or delete."""
    with uow:
        note = _changeable_note(uow, actor, note_id, clock.now(), edit_window)
        return _note_views(uow, [note], actor, clock.now(), edit_window)[0]


def edit_note(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    note_id: int,
    text: str,
    *,
    edit_window: timedelta,
) -> NoteView:
    """Replace a note's text within the edit window; the old text is kept as a revision."""
    text = clean_note_text(text)
    if not text:
        raise InvalidInput("notes.empty_body")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("notes.too_long", limit=MAX_NOTE_CHARS)
    with uow:
        now = clock.now()
        note = _changeable_note(uow, actor, note_id, now, edit_window)
        assert note.id is not None
        if note.text != text:
            uow.notes.add_revision(
                DiaryNoteRevision(
                    note_id=note.id,
                    text=note.text,
                    diary_type_id=note.diary_type_id,
                    replaced_at=now,
                    replaced_by_id=actor.staff_id,
                )
            )
            note.text = text
            note.edited_at = now
            uow.session.add(note)
            uow.audit.record(
                at=now,
                actor_id=actor.staff_id,
                action="edit",
                entity="diary_note",
                entity_id=note.id,
                resident_id=note.resident_id,
            )
        view = _note_views(uow, [note], actor, now, edit_window)[0]
        uow.commit()
        return view


def delete_note(
    uow: UnitOfWork, clock: Clock, actor: Actor, note_id: int, *, edit_window: timedelta
) -> NoteView:
    """Mark one of the person's own notes deleted within the edit window (kept for the audit)."""
    with uow:
        now = clock.now()
        note = _changeable_note(uow, actor, note_id, now, edit_window)
        view = _note_views(uow, [note], actor, now, edit_window)[0]
        _soft_delete(uow, actor, note, now)
        uow.commit()
        return view


def resident_notes(
    uow: UnitOfWork,
    clock: Clock,
    directory: Directory,
    actor: Actor,
    *,
    query: str | None = None,
    resident_id: int | None = None,
    edit_window: timedelta,
) -> ResidentNotes:
    """Return a visible resident's recent notes (/noter NAVN), or candidates to choose from."""
    with uow:
        residents = directory.residents(uow, actor)
        if resident_id is None:
            words = (query or "").split()
            resolution = residents.index.resolve(words, max_words=len(words) or 1)
            if resolution.status == "sure" and resolution.match is not None:
                resident_id = resolution.match.id
            else:
                found = resolution.candidates or residents.index.search(query or "")
                return ResidentNotes(None, (), tuple(Option(c.id, c.name) for c in found))
        resident = _visible_resident(uow, actor, resident_id)
        assert resident.id is not None
        now = clock.now()
        notes = uow.notes.recent_for_resident(resident.id, RESIDENT_NOTES_LIMIT)
        views = _note_views(uow, notes, actor, now, edit_window)
        uow.audit.record(
            at=now,
            actor_id=actor.staff_id,
            action="read",
            entity="resident_notes",
            resident_id=resident.id,
            detail=f"count={len(views)}",
        )
        uow.commit()
        return ResidentNotes(Option(resident.id, resident.display_name), views, ())
