"""keyboard_json: a keyboard of callback buttons becomes exactly the JSON PTB would send."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from telegram import (
    CallbackGame,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LoginUrl,
    WebAppInfo,
)

from bot.handlers.common import keyboard_json
from bot.handlers.note_views import note_card
from bot.services.notes import Card, Option
from bot.texts import Texts

TX = Texts("da")
TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OPTIONS = (Option(1, "Mia"), Option(2, "Malthe"), Option(3, "Æbleskive Ørn Åse"))


def _card(**changes: object) -> Card:
    values: dict[str, object] = {
        "draft_id": 12345,
        "mode": "quick",
        "status": "open",
        "text": "pegede på saft",
        "resident": Option(1, "Mia"),
        "diary_type": Option(12, "Kommunikation"),
        "picking": None,
    }
    values.update(changes)
    return Card(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "shown",
    [
        _card(),
        _card(picking="resident", options=OPTIONS, has_more=True, page=1),
        _card(picking="type", options=OPTIONS, suggested=True),
        _card(status="saved", saved_at=NOW, undo_until=NOW),
    ],
    ids=["confirm", "residents", "types", "saved"],
)
def test_a_note_cards_keyboard_is_what_ptb_sends(shown: Card) -> None:
    _, markup = note_card(TX, shown, TZ, NOW)
    assert markup is not None
    assert keyboard_json(markup) == markup.to_dict()


@pytest.mark.parametrize(
    "other",
    [
        InlineKeyboardButton("Link", url="https://example.org"),
        InlineKeyboardButton("Log ind", login_url=LoginUrl("https://example.org")),
        InlineKeyboardButton("App", web_app=WebAppInfo("https://example.org")),
        InlineKeyboardButton("Spil", callback_game=CallbackGame()),
        InlineKeyboardButton("Kopiér", copy_text=CopyTextButton("x")),
        InlineKeyboardButton("Søg", switch_inline_query_current_chat="mia"),
        InlineKeyboardButton(
            "Pæn", callback_data="n:1:s:0", icon_custom_emoji_id="5368324170671202286"
        ),
    ],
    ids=["url", "login", "web-app", "game", "copy", "inline", "emoji"],
)
def test_any_other_button_leaves_the_keyboard_to_ptb(other: InlineKeyboardButton) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Gem", callback_data="n:1:s:0")], [other]])
    assert keyboard_json(markup) is markup
