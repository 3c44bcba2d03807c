"""Rules for diary notes: windows for undo and edits, and fitting text into Telegram."""

from __future__ import annotations

from datetime import datetime, timedelta

TELEGRAM_TEXT_LIMIT = 4096
CARD_TEXT_LIMIT = 3000  # room left on a card for resident, type and labels
LIST_TEXT_LIMIT = 200  # one note in a list such as /mine
MAX_NOTE_CHARS = 20_000  # a note this long is a paste accident; nothing typed on a phone is
ELLIPSIS = "…"


def within(created_at: datetime, now: datetime, window: timedelta) -> bool:
    """Tell whether now is still inside window after created_at."""
    return created_at <= now <= created_at + window


def shorten(text: str, limit: int) -> str:
    """Return text cut to at most limit characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def split_for_telegram(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split text into parts of at most limit characters, preferring line and word breaks."""
    if limit < 2:
        raise ValueError("limit too small")
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        part = rest[:cut].rstrip()
        if part:  # leading white space must not become an empty message
            parts.append(part)
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def clean_note_text(text: str) -> str:
    """Trim surrounding white space; inner line breaks are the author's and stay."""
    return text.strip()
