"""Rendering of note cards and note lists: catalogue texts plus inline keyboards."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.notes import CARD_TEXT_LIMIT, LIST_TEXT_LIMIT, shorten
from bot.handlers.callbacks import MyNotePress, NoteCardPress
from bot.handlers.common import button_rows
from bot.services.notes import Card, NoteView, Option
from bot.texts import Markup, Texts

OPTIONS_PER_ROW = 2
SUB_GOAL_BUTTON_CHARS = 40  # the sub-goal's own text; its goal's text is not needed here
SUB_GOAL_CARD_CHARS = 300
# The short reasons offered as buttons for "Manglende arbejde med delmål", by index (the
# button's arg); the stored reason is the label's text. The last one asks for typed text.
REASON_KEYS = (
    "notes.btn_reason_illness",
    "notes.btn_reason_staff",
    "notes.btn_reason_declined",
    "notes.btn_reason_cancelled",
)


def _button(tx: Texts, key: str, draft_id: int, action: str, arg: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        tx.plain(key), callback_data=NoteCardPress(draft_id, action, arg).pack()
    )


def _option_buttons(
    card: Card, action: str, options: tuple[Option, ...]
) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            o.label[:60], callback_data=NoteCardPress(card.draft_id, action, o.id).pack()
        )
        for o in options
    ]


def local_time(when: datetime, tz: ZoneInfo) -> str:
    """Format an instant as the clock on the wall shows it: 14:03."""
    return when.astimezone(tz).strftime("%H:%M")


def local_datetime(when: datetime, tz: ZoneInfo) -> str:
    """Format an instant as a Danish date and time: 22.11. 14:03."""
    return when.astimezone(tz).strftime("%d.%m. %H:%M")


def reason_text(tx: Texts, index: int) -> str:
    """Return the text stored for the reason button with this index (IndexError if none)."""
    if not 0 <= index < len(REASON_KEYS):
        raise IndexError(index)
    return tx.plain(REASON_KEYS[index])


def _details(tx: Texts, card: Card, resident: str, diary_type: str, body: str) -> Markup:
    if card.sub_goal is None and card.reason is None:
        return tx("notes.card_details", resident=resident, type=diary_type, text=body)
    extra = ""
    if card.sub_goal is not None:
        label = shorten(card.sub_goal.label, SUB_GOAL_CARD_CHARS)
        extra += tx("notes.card_sub_goal_line", sub_goal=label)
    if card.reason:
        extra += tx("notes.card_reason_line", reason=card.reason)
    return tx(
        "notes.card_details_plan",
        resident=resident,
        type=diary_type,
        extra=Markup(extra),
        text=body,
    )


def _sub_goal_buttons(card: Card) -> list[list[InlineKeyboardButton]]:
    return [
        [
            InlineKeyboardButton(
                shorten(o.label, SUB_GOAL_BUTTON_CHARS),
                callback_data=NoteCardPress(
                    card.draft_id, NoteCardPress.PICK_SUB_GOAL, o.id
                ).pack(),
            )
        ]
        for o in card.options
    ]


def _reason_buttons(tx: Texts, card: Card) -> list[list[InlineKeyboardButton]]:
    rows = [
        [_button(tx, key, card.draft_id, NoteCardPress.PICK_REASON, index)]
        for index, key in enumerate(REASON_KEYS)
    ]
    rows.append([_button(tx, "notes.btn_reason_other", card.draft_id, NoteCardPress.TYPE_REASON)])
    return rows


def _plan_buttons(tx: Texts, card: Card) -> list[list[InlineKeyboardButton]]:
    """Return the sub-goal row of a card ready to save (none when there is nothing to choose)."""
    if card.sub_goal is None:
        if card.has_sub_goals and not card.needs_sub_goal:
            return [[_button(tx, "notes.btn_sub_goal", card.draft_id, NoteCardPress.SUB_GOALS)]]
        return []
    change = _button(tx, "notes.btn_change_sub_goal", card.draft_id, NoteCardPress.SUB_GOALS)
    if card.needs_sub_goal:
        return [
            [change, _button(tx, "notes.btn_change_reason", card.draft_id, NoteCardPress.REASONS)]
        ]
    return [
        [
            change,
            _button(tx, "notes.btn_remove_sub_goal", card.draft_id, NoteCardPress.CLEAR_SUB_GOAL),
        ]
    ]


def note_card(
    tx: Texts, card: Card, tz: ZoneInfo, now: datetime
) -> tuple[Markup, InlineKeyboardMarkup | None]:
    """Render a note card: the draft and the buttons for its next step."""
    resident = card.resident.label if card.resident else tx.plain("notes.unknown")
    diary_type = card.diary_type.label if card.diary_type else tx.plain("notes.unknown")
    body = shorten(card.text, CARD_TEXT_LIMIT) if card.text else ""
    shortened = len(body) < len(card.text)
    details = _details(tx, card, resident, diary_type, body)
    if shortened:
        details = Markup(details + "\n" + tx("notes.card_shortened"))
    if card.status == "saved":
        saved = local_time(card.saved_at, tz) if card.saved_at else ""
        text = tx("notes.card_saved", time=saved, details=details)
        if card.needs_sub_goal and card.sub_goal is None:
            text = Markup(text + "\n\n" + tx("notes.saved_without_sub_goal", name=resident))
        buttons = []
        if card.undo_until is not None and now <= card.undo_until:
            buttons = [[_button(tx, "notes.btn_undo", card.draft_id, NoteCardPress.UNDO)]]
        return text, InlineKeyboardMarkup(buttons) if buttons else None
    if card.status == "cancelled":
        return tx("notes.card_cancelled", details=details), None
    if card.status == "undone":
        return tx("notes.card_undone", details=details), None

    cancel = [_button(tx, "notes.btn_cancel", card.draft_id, NoteCardPress.CANCEL)]
    if card.picking == "resident":
        prompt = "notes.ask_resident_suggested" if card.suggested else "notes.ask_resident"
        rows = button_rows(
            _option_buttons(card, NoteCardPress.PICK_RESIDENT, card.options), OPTIONS_PER_ROW
        )
        paging = []
        if card.page > 0:
            paging.append(
                _button(tx, "notes.btn_prev", card.draft_id, NoteCardPress.RESIDENTS, card.page - 1)
            )
        if card.has_more or card.suggested:
            paging.append(
                _button(
                    tx,
                    "notes.btn_more",
                    card.draft_id,
                    NoteCardPress.RESIDENTS,
                    card.page + 1 if not card.suggested else 0,
                )
            )
        if paging:
            rows.append(paging)
        if card.resident is not None and card.diary_type is not None and card.text:
            cancel.insert(0, _button(tx, "notes.btn_back", card.draft_id, NoteCardPress.BACK))
        rows.append(cancel)
        return tx(prompt, details=details), InlineKeyboardMarkup(rows)
    if card.picking == "type":
        prompt = "notes.ask_type_suggested" if card.suggested else "notes.ask_type"
        rows = button_rows(
            _option_buttons(card, NoteCardPress.PICK_TYPE, card.options), OPTIONS_PER_ROW
        )
        if card.suggested:
            rows.append([_button(tx, "notes.btn_all_types", card.draft_id, NoteCardPress.TYPES)])
        if card.resident is not None and card.diary_type is not None and card.text:
            cancel.insert(0, _button(tx, "notes.btn_back", card.draft_id, NoteCardPress.BACK))
        rows.append(cancel)
        return tx(prompt, details=details), InlineKeyboardMarkup(rows)
    if card.picking == "text":
        return tx("notes.ask_text", details=details), InlineKeyboardMarkup([cancel])
    change = [
        _button(tx, "notes.btn_change_resident", card.draft_id, NoteCardPress.RESIDENTS),
        _button(tx, "notes.btn_change_type", card.draft_id, NoteCardPress.TYPES),
    ]
    back = _button(tx, "notes.btn_back", card.draft_id, NoteCardPress.BACK)
    if card.picking == "sub_goal":
        rows = _sub_goal_buttons(card)
        if card.needs_sub_goal:
            prompt = "notes.ask_missing_sub_goal"
            # A required step: from here only another resident or type leads elsewhere.
            rows.append([back] if card.sub_goal is not None else change)
        else:
            prompt = "notes.ask_sub_goal"
            rows.append([back])
        rows.append(cancel)
        return tx(prompt, details=details), InlineKeyboardMarkup(rows)
    if card.picking == "reason":
        rows = _reason_buttons(tx, card)
        rows.append(
            [_button(tx, "notes.btn_change_sub_goal", card.draft_id, NoteCardPress.SUB_GOALS)]
        )
        rows.append(cancel)
        return tx("notes.ask_reason", details=details), InlineKeyboardMarkup(rows)
    rows = []
    if card.savable:
        rows.append([_button(tx, "notes.btn_save", card.draft_id, NoteCardPress.SAVE)])
    rows += [change, *_plan_buttons(tx, card), cancel]
    return tx("notes.card_confirm", details=details), InlineKeyboardMarkup(rows)


def note_list(
    tx: Texts, title: Markup, notes: tuple[NoteView, ...], tz: ZoneInfo, *, with_actions: bool
) -> tuple[Markup, InlineKeyboardMarkup | None]:
    """Render a numbered list of notes, with edit and delete buttons for changeable ones."""
    if not notes:
        return Markup(title + "\n\n" + tx("notes.list_empty")), None
    lines = [title, ""]
    buttons: list[list[InlineKeyboardButton]] = []
    for number, note in enumerate(notes, start=1):
        lines.append(
            tx(
                "notes.list_item",
                number=number,
                when=local_datetime(note.created_at, tz),
                resident=note.resident,
                type=note.diary_type,
                text=shorten(note.text, LIST_TEXT_LIMIT),
                edited=tx.plain("notes.list_edited") if note.edited else "",
            )
        )
        if with_actions and note.changeable:
            buttons.append(
                [
                    InlineKeyboardButton(
                        tx.plain("notes.btn_edit_n", number=number),
                        callback_data=MyNotePress(MyNotePress.EDIT, note.id).pack(),
                    ),
                    InlineKeyboardButton(
                        tx.plain("notes.btn_delete_n", number=number),
                        callback_data=MyNotePress(MyNotePress.DELETE, note.id).pack(),
                    ),
                ]
            )
    return Markup("\n".join(lines)), InlineKeyboardMarkup(buttons) if buttons else None
