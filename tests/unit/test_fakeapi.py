"""Drive a real telegram.Bot through FakeBotApi and parse UpdateFactory output with PTB."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.fakeapi import (
    BOT_ID,
    BOT_USERNAME,
    FIRST_BOT_MESSAGE_ID,
    NOT_MODIFIED,
    ApiCall,
    FakeBotApi,
    UpdateFactory,
)

TOKEN = "123456:TEST-token"
CHAT = 4242


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs]
    )


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi(clock=lambda: 1_700_000_000.0)


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    telegram_bot = Bot(TOKEN, request=api, get_updates_request=FakeBotApi())
    async with telegram_bot:
        yield telegram_bot


async def test_get_me_identifies_the_demo_bot(bot: Bot, api: FakeBotApi) -> None:
    assert bot.id == BOT_ID
    assert bot.username == BOT_USERNAME
    assert bot.bot.is_bot
    assert bot.bot.can_join_groups is True
    assert [call.method for call in api.calls] == ["getMe"]


async def test_send_edit_delete_round_trip(bot: Bot, api: FakeBotApi) -> None:
    sent = await bot.send_message(CHAT, "Hej", reply_markup=keyboard(("Ja", "yes"), ("Nej", "no")))
    assert sent.message_id == FIRST_BOT_MESSAGE_ID
    assert sent.text == "Hej"
    assert sent.chat.id == CHAT
    assert sent.chat.type == "private"
    assert sent.from_user is not None
    assert sent.from_user.id == BOT_ID
    assert sent.date == dtm.datetime.fromtimestamp(1_700_000_000, tz=dtm.UTC)
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[1][0].callback_data == "no"

    stored = api.last_message_with_buttons(CHAT)
    assert stored is not None
    assert stored.message_id == sent.message_id
    assert api.buttons(stored) == [("Ja", "yes"), ("Nej", "no")]

    edited = await bot.edit_message_text("Farvel", chat_id=CHAT, message_id=sent.message_id)
    assert isinstance(edited, type(sent))
    assert edited.text == "Farvel"
    # Editing without reply_markup removes the keyboard, as on Telegram.
    assert edited.reply_markup is None
    assert api.last_message_with_buttons(CHAT) is None
    stored_after_edit = api.message(CHAT, sent.message_id)
    assert stored_after_edit is not None
    assert stored_after_edit.text == "Farvel"

    assert await bot.delete_message(CHAT, sent.message_id) is True
    stored_after_delete = api.message(CHAT, sent.message_id)
    assert stored_after_delete is not None
    assert stored_after_delete.deleted
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Igen", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_reply_markup(CHAT, 999_999, reply_markup=keyboard(("a", "b")))
    assert api.sent_texts(CHAT) == ["Hej", "Farvel"]
    assert [call.ok for call in api.calls_to("editMessageText")] == [True, False]


async def test_message_ids_increase_per_chat(bot: Bot) -> None:
    first = await bot.send_message(1, "a")
    second = await bot.send_message(1, "b")
    other_chat = await bot.send_message(2, "c")
    assert (first.message_id, second.message_id) == (FIRST_BOT_MESSAGE_ID, FIRST_BOT_MESSAGE_ID + 1)
    assert other_chat.message_id == FIRST_BOT_MESSAGE_ID


async def test_good_html_is_parsed_into_text_and_entities(bot: Bot, api: FakeBotApi) -> None:
    html = (
        '<b>Fed</b> &amp; <i>kursiv</i> &lt;3 <a href="https://example.org/?a=1&amp;b=2">link</a>'
        ' <span class="tg-spoiler">hemmelig</span> &#128512;'
    )
    sent = await bot.send_message(CHAT, html, parse_mode="HTML")
    assert sent.text == "Fed & kursiv <3 link hemmelig 😀"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 3),
        ("italic", 6, 6),
        ("text_link", 16, 4),
        ("spoiler", 21, 8),
    ]
    assert sent.entities[2].url == "https://example.org/?a=1&b=2"
    stored = api.message(CHAT, sent.message_id)
    assert stored is not None
    assert stored.raw_text == html
    assert stored.text == sent.text
    assert stored.parse_mode == "HTML"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("<b>ufærdig", "Can't find end tag"),
        ("1 < 2", 'Unsupported start tag ""'),
        ("Jensen &foo; Hansen", "Unsupported HTML entity"),
        ("a > b", "Unexpected '>'"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ("linje<br>linje", 'Unsupported start tag "br"'),
        ("</b>", "Unexpected end tag"),
    ],
)
async def test_bad_html_is_rejected(bot: Bot, api: FakeBotApi, html: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as caught:
        await bot.send_message(CHAT, html, parse_mode="HTML")
    assert reason.lower() in caught.value.message.lower()
    assert api.messages(CHAT) == []
    assert api.calls_to("sendMessage") == [ApiCall("sendMessage", api.calls[-1].params, ok=False)]


async def test_lenient_html_mode_keeps_bare_ampersand_and_gt_like_the_server() -> None:
    api = FakeBotApi(strict_html=False)
    async with Bot(TOKEN, request=api, get_updates_request=FakeBotApi()) as lenient:
        sent = await lenient.send_message(CHAT, "a > b &foo; <b>c</b>", parse_mode="HTML")
        assert sent.text == "a > b &foo; c"
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await lenient.send_message(CHAT, "1 < 2", parse_mode="HTML")


async def test_text_without_parse_mode_is_not_parsed(bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "<b>1 < 2 & 3</b>")
    assert sent.text == "<b>1 < 2 & 3</b>"
    assert sent.entities == ()


async def test_text_length_is_counted_after_entity_parsing(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    fits = await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert fits.text == "x" * 4096
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "&amp;" * 4097, parse_mode="HTML")


async def test_empty_and_blank_text_are_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CHAT, "")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CHAT, "  \n <b> </b>", parse_mode="HTML")


async def test_callback_data_is_limited_to_64_utf8_bytes(bot: Bot, api: FakeBotApi) -> None:
    ok = await bot.send_message(CHAT, "ok", reply_markup=keyboard(("x", "a" * 64)))
    assert ok.reply_markup is not None
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "for lang", reply_markup=keyboard(("x", "a" * 65)))
    # 33 characters, but 66 bytes in UTF-8.
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "for lang", reply_markup=keyboard(("x", "ø" * 33)))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.edit_message_reply_markup(
            CHAT, ok.message_id, reply_markup=keyboard(("x", "b" * 65))
        )
    assert [m.message_id for m in api.messages(CHAT)] == [ok.message_id]


async def test_identical_edit_is_not_modified(bot: Bot, api: FakeBotApi) -> None:
    markup = keyboard(("Gem", "save"))
    sent = await bot.send_message(CHAT, "<b>Note</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified") as caught:
        await bot.edit_message_text(
            "<b>Note</b>",
            chat_id=CHAT,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    # PTB strips "Bad Request: " and capitalizes the rest.
    assert caught.value.message == NOT_MODIFIED.removeprefix("Bad Request: ").capitalize()
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=markup)
    # Same text but a different keyboard is a real change.
    changed = await bot.edit_message_text(
        "<b>Note</b>",
        chat_id=CHAT,
        message_id=sent.message_id,
        parse_mode="HTML",
        reply_markup=keyboard(("Slet", "delete")),
    )
    assert not isinstance(changed, bool)
    assert changed.edit_date is not None
    stored = api.message(CHAT, sent.message_id)
    assert stored is not None
    assert api.buttons(stored) == [("Slet", "delete")]


async def test_user_messages_can_be_deleted_but_not_edited(bot: Bot, api: FakeBotApi) -> None:
    factory = UpdateFactory(api)
    update = factory.message(factory.user(CHAT), "min pinkode 1234")
    message_id = update["message"]["message_id"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=message_id)
    assert await bot.delete_message(CHAT, message_id) is True
    stored = api.message(CHAT, message_id)
    assert stored is not None
    assert stored.deleted
    assert not stored.from_bot


async def test_flood_control_raises_retry_after(
    bot: Bot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next(1, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hej")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert api.messages(CHAT) == []
    assert api.calls[-1] == ApiCall("sendMessage", api.calls[-1].params, ok=False)
    assert api.sent_texts() == []

    sent = await bot.send_message(CHAT, "hej")
    assert sent.text == "hej"
    assert api.sent_texts() == ["hej"]


async def test_flood_control_can_target_methods(
    bot: Bot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without it PTB warns while constructing RetryAfter, and warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    sent = await bot.send_message(CHAT, "a")
    api.fail_next(2, methods={"editMessageText"})
    await bot.send_message(CHAT, "b")
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.edit_message_text("c", chat_id=CHAT, message_id=sent.message_id)
    edited = await bot.edit_message_text("c", chat_id=CHAT, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "c"


async def test_blocked_chat_is_forbidden(bot: Bot, api: FakeBotApi) -> None:
    api.block_chat(CHAT)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(CHAT, "påmindelse")


async def test_unknown_method_is_not_found(bot: Bot, api: FakeBotApi) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": CHAT})
    assert api.calls[-1].method == "sendHologram"
    assert not api.calls[-1].ok


async def test_commands_are_stored_per_scope_and_language(bot: Bot) -> None:
    danish = [BotCommand("ny", "Ny note"), BotCommand("hjaelp", "Hjælp")]
    await bot.set_my_commands(danish, language_code="da")
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(CHAT))
    assert [c.command for c in await bot.get_my_commands(language_code="da")] == ["ny", "hjaelp"]
    assert await bot.get_my_commands() == ()
    scoped = await bot.get_my_commands(scope=BotCommandScopeChat(CHAT))
    assert [c.command for c in scoped] == ["admin"]
    await bot.delete_my_commands(language_code="da")
    assert await bot.get_my_commands(language_code="da") == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Ny-Note", "x")])


async def test_documents_keep_their_bytes(bot: Bot, api: FakeBotApi) -> None:
    sent = await bot.send_document(
        CHAT, b"dato;note\n", filename="noter.csv", caption="<b>Eksport</b>", parse_mode="HTML"
    )
    assert sent.document is not None
    assert sent.document.file_name == "noter.csv"
    assert sent.caption == "Eksport"
    stored = api.message(CHAT, sent.message_id)
    assert stored is not None
    assert stored.file is not None
    assert stored.file.data == b"dato;note\n"
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=sent.message_id)


async def test_listeners_see_successful_calls_only(bot: Bot, api: FakeBotApi) -> None:
    seen: list[tuple[str, Any]] = []
    api.add_listener(lambda call, result: seen.append((call.method, result)))
    sent = await bot.send_message(CHAT, "hej")
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT, "")
    await bot.send_chat_action(CHAT, "typing")
    assert [method for method, _ in seen] == ["sendMessage", "sendChatAction"]
    assert seen[0][1]["message_id"] == sent.message_id
    assert seen[1][1] is True


async def test_latency_is_awaited_per_call() -> None:
    api = FakeBotApi(latency=0.03)
    async with Bot(TOKEN, request=api, get_updates_request=FakeBotApi()) as slow:
        started = time.perf_counter()
        await asyncio.gather(*(slow.send_message(CHAT, str(i)) for i in range(10)))
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.03
    # Concurrent calls overlap rather than queue behind one another.
    assert elapsed < 0.03 * 10
    assert sorted(m.message_id for m in api.messages(CHAT)) == list(
        range(FIRST_BOT_MESSAGE_ID, FIRST_BOT_MESSAGE_ID + 10)
    )


async def test_get_updates_returns_nothing_quickly(bot: Bot) -> None:
    started = time.perf_counter()
    assert await bot.get_updates(timeout=10) == ()
    assert time.perf_counter() - started < 1


async def test_update_factory_command_message_parses(bot: Bot) -> None:
    factory = UpdateFactory(clock=lambda: 1_700_000_123.0)
    user = factory.user(77, "Mette", username="mette")
    update = Update.de_json(factory.message(user, "/ny Anna har sovet godt"), bot)
    assert update.message is not None
    assert update.message.text == "/ny Anna har sovet godt"
    assert update.message.entities[0].type == "bot_command"
    assert (update.message.entities[0].offset, update.message.entities[0].length) == (0, 3)
    assert update.message.chat.type == "private"
    assert update.message.chat.id == 77
    assert update.effective_user is not None
    assert update.effective_user.language_code == "da"
    assert update.message.date == dtm.datetime.fromtimestamp(1_700_000_123, tz=dtm.UTC)

    addressed = factory.message(user, f"/start@{BOT_USERNAME}")
    assert addressed["message"]["entities"][0]["length"] == len(f"/start@{BOT_USERNAME}")
    plain = factory.message(user, "bare tekst")
    assert "entities" not in plain["message"]
    ids = [u["message"]["message_id"] for u in (update.to_dict(), addressed, plain)]
    assert ids == [1, 2, 3]
    assert addressed["update_id"] == update.update_id + 1


async def test_update_factory_group_message_and_bot_added(bot: Bot) -> None:
    factory = UpdateFactory()
    user = factory.user(5, "Lars")
    group = factory.group_chat(100, "Bosted Solsikken")
    update = Update.de_json(factory.message(user, "/start", chat=group), bot)
    assert update.effective_chat is not None
    assert update.effective_chat.type == "group"
    assert update.effective_chat.id == -100
    added = Update.de_json(factory.my_chat_member(user, group), bot)
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.status == "member"
    assert added.my_chat_member.old_chat_member.status == "left"
    assert added.my_chat_member.new_chat_member.user.id == BOT_ID


async def test_update_factory_callback_parses_and_can_be_answered(
    bot: Bot, api: FakeBotApi
) -> None:
    factory = UpdateFactory(api)
    user = factory.user(CHAT)
    sent = await bot.send_message(CHAT, "Vælg", reply_markup=keyboard(("Ja", "confirm:1")))
    data = factory.callback(user, "confirm:1", api.message_dict(CHAT, sent.message_id))
    update = Update.de_json(data, bot)
    query = update.callback_query
    assert query is not None
    assert query.data == "confirm:1"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert query.message.chat.id == CHAT
    assert await query.answer("Gemt") is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()
    pressed = factory.press(user, "Ja")
    assert pressed["callback_query"]["data"] == "confirm:1"
    assert pressed["callback_query"]["id"] != data["callback_query"]["id"]
    with pytest.raises(ValueError, match=r"(?i)no button"):
        factory.callback(user, "forged", api.message_dict(CHAT, sent.message_id))


async def test_application_handlers_run_against_the_fake() -> None:
    api = FakeBotApi()
    factory = UpdateFactory(api)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id,
            "<b>Velkommen</b>",
            parse_mode="HTML",
            reply_markup=keyboard(("Videre", "next")),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text("Færdig")

    application = (
        ApplicationBuilder().token(TOKEN).request(api).get_updates_request(FakeBotApi()).build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    user = factory.user(CHAT)
    async with application:
        await application.process_update(
            Update.de_json(factory.message(user, "/start"), application.bot)
        )
        await application.process_update(
            Update.de_json(factory.press(user, "Videre"), application.bot)
        )
    assert api.sent_texts(CHAT) == ["<b>Velkommen</b>", "Færdig"]
    final = api.message(CHAT, FIRST_BOT_MESSAGE_ID)
    assert final is not None
    assert final.text == "Færdig"
    assert api.last_message_with_buttons(CHAT) is None
