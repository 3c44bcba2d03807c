"""SqlPersistence: conversation states and user data survive a restart; ended ones disappear."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotData, UserData
from bot.fakeapi import FakeBotApi, UpdateFactory
from bot.storage.models import PersistedState
from bot.storage.persistence import CONVERSATION, USER_DATA, SqlPersistence
from tests.sql_log import statements

BIG_USER = 7_123_456_789  # Telegram ids no longer fit in 32 bits
GROUP_CHAT = -1_002_233_445_566


def _rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(PersistedState.kind, PersistedState.key).order_by(  # type: ignore[call-overload]
                PersistedState.kind, PersistedState.key
            )
        ).all()
    return [(kind, key) for kind, key in rows]


async def test_conversation_states_survive_a_restart(backend: Engine) -> None:
    before = SqlPersistence(backend)
    await before.update_conversation("note", (42, 42), 1)
    await before.update_conversation("note", (GROUP_CHAT, BIG_USER), "ask_type")
    await before.update_conversation("resident", (42, 42), 3)

    after = SqlPersistence(backend)

    assert await after.get_conversations("note") == {
        (42, 42): 1,
        (GROUP_CHAT, BIG_USER): "ask_type",
    }
    assert await after.get_conversations("resident") == {(42, 42): 3}
    assert await after.get_conversations("unknown") == {}


async def test_conversation_names_sharing_a_prefix_stay_apart(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_conversation("note", (1, 1), 1)
    await persistence.update_conversation("note_edit", (1, 1), 2)

    restarted = SqlPersistence(backend)

    assert await restarted.get_conversations("note") == {(1, 1): 1}
    assert await restarted.get_conversations("note_edit") == {(1, 1): 2}


async def test_a_new_state_replaces_the_old_one(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_conversation("note", (42, 42), 1)
    await persistence.update_conversation("note", (42, 42), 2)

    assert await SqlPersistence(backend).get_conversations("note") == {(42, 42): 2}
    assert len(_rows(backend)) == 1


async def test_ending_a_conversation_deletes_its_row(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_conversation("note", (42, 42), 1)
    await persistence.update_conversation("note", (43, 43), 1)

    await persistence.update_conversation("note", (42, 42), None)

    assert await SqlPersistence(backend).get_conversations("note") == {(43, 43): 1}
    assert _rows(backend) == [(CONVERSATION, "note|[43, 43]")]


async def test_ending_an_unknown_conversation_is_harmless(backend: Engine) -> None:
    persistence = SqlPersistence(backend)

    await persistence.update_conversation("note", (42, 42), None)

    assert _rows(backend) == []


async def test_user_data_survives_a_restart(backend: Engine) -> None:
    before = SqlPersistence(backend)
    await before.update_user_data(42, UserData(editing_note_id=7))
    await before.update_user_data(
        BIG_USER, UserData(resident_form={"name": "Anne Sofie Ø.", "birth_date": "2012-05-17"})
    )

    after = SqlPersistence(backend)

    assert await after.get_user_data() == {
        42: UserData(editing_note_id=7),
        BIG_USER: UserData(resident_form={"name": "Anne Sofie Ø.", "birth_date": "2012-05-17"}),
    }


async def test_changed_user_data_replaces_the_stored_one(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_user_data(42, UserData(editing_note_id=7))
    await persistence.update_user_data(42, UserData(editing_note_id=8))

    assert await SqlPersistence(backend).get_user_data() == {42: UserData(editing_note_id=8)}
    assert _rows(backend) == [(USER_DATA, "42")]


async def test_empty_user_data_deletes_its_row(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_user_data(42, UserData(editing_note_id=7))
    await persistence.update_user_data(43, UserData(editing_note_id=9))

    await persistence.update_user_data(42, UserData())

    assert await SqlPersistence(backend).get_user_data() == {43: UserData(editing_note_id=9)}
    assert _rows(backend) == [(USER_DATA, "43")]


async def test_empty_user_data_for_an_unknown_user_writes_nothing(backend: Engine) -> None:
    await SqlPersistence(backend).update_user_data(42, UserData())

    assert _rows(backend) == []


async def test_what_is_stored_already_is_not_written_again(backend: Engine) -> None:
    # PTB hands every person who sent an update to the persistence each second, changed or
    # not: after the start-up load, nothing unchanged may reach the database.
    earlier = SqlPersistence(backend)
    await earlier.update_user_data(42, UserData(editing_note_id=7))
    await earlier.update_conversation("note", (42, 42), 1)
    persistence = SqlPersistence(backend)
    await persistence.get_user_data()
    await persistence.get_conversations("note")

    with statements(backend) as sent:
        await persistence.update_user_data(42, UserData(editing_note_id=7))  # as stored
        await persistence.update_user_data(43, UserData())  # nothing stored, nothing to store
        await persistence.update_conversation("note", (42, 42), 1)
        await persistence.update_conversation("note", (43, 43), None)
    assert sent == []

    with statements(backend) as sent:
        await persistence.update_user_data(42, UserData(editing_note_id=8))
    assert sent != []
    assert await SqlPersistence(backend).get_user_data() == {42: UserData(editing_note_id=8)}


async def test_drop_user_data_forgets_the_person(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_user_data(42, UserData(editing_note_id=7))

    await persistence.drop_user_data(42)

    assert await SqlPersistence(backend).get_user_data() == {}


async def test_stored_user_data_with_unknown_keys_still_loads(backend: Engine) -> None:
    # A row written by an older or newer version of the bot must not stop the start-up.
    with backend.begin() as conn:
        conn.execute(
            sa.insert(PersistedState).values(
                kind=USER_DATA, key="42", value='{"editing_note_id": 3, "retired_field": true}'
            )
        )

    assert await SqlPersistence(backend).get_user_data() == {42: UserData(editing_note_id=3)}


async def test_conversations_and_user_data_do_not_mix(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_conversation("note", (42, 42), 1)
    await persistence.update_user_data(42, UserData(editing_note_id=7))

    await persistence.update_conversation("note", (42, 42), None)

    restarted = SqlPersistence(backend)
    assert await restarted.get_conversations("note") == {}
    assert await restarted.get_user_data() == {42: UserData(editing_note_id=7)}


async def test_chat_bot_and_callback_data_are_not_stored(backend: Engine) -> None:
    persistence = SqlPersistence(backend)
    await persistence.update_chat_data(1, {"x": 1})
    await persistence.update_bot_data(BotData())
    await persistence.flush()

    assert await persistence.get_chat_data() == {}
    assert isinstance(await persistence.get_bot_data(), BotData)
    assert await persistence.get_callback_data() is None
    assert _rows(backend) == []
    assert persistence.store_data.user_data
    assert not persistence.store_data.chat_data
    assert not persistence.store_data.bot_data
    assert not persistence.store_data.callback_data


# --- Through python-telegram-bot: a persistent conversation across an application restart ----

WAITING = 1


async def _begin(update: Update, context: CallbackContext[Any, UserData, Any, BotData]) -> int:
    """Remember something for the person and wait for their answer."""
    context.user_data.editing_note_id = 5  # type: ignore[union-attr]
    return WAITING


def _application(engine: Engine, api: FakeBotApi, answers: list[int | None]) -> Application:  # type: ignore[type-arg]
    async def answer(update: Update, context: CallbackContext[Any, UserData, Any, BotData]) -> int:
        """Record what the flow remembered, forget it and end the conversation."""
        assert context.user_data is not None
        answers.append(context.user_data.editing_note_id)
        context.user_data.editing_note_id = None
        return ConversationHandler.END

    app = (
        ApplicationBuilder()
        .token("123456:offline")
        .request(api)
        .get_updates_request(api)
        .context_types(ContextTypes(user_data=UserData, bot_data=BotData))
        .persistence(SqlPersistence(engine))
        .build()
    )
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", _begin)],
            states={WAITING: [MessageHandler(filters.TEXT & ~filters.COMMAND, answer)]},
            fallbacks=[],
            name="flow",
            persistent=True,
        )
    )
    return app


async def test_a_conversation_continues_after_an_application_restart(backend: Engine) -> None:
    api = FakeBotApi()
    updates = UpdateFactory(api)
    user = updates.user(BIG_USER)
    answers: list[int | None] = []

    first = _application(backend, api, answers)
    async with first:
        await first.process_update(Update.de_json(updates.message(user, "/start"), first.bot))
    # Shutting down wrote the state, as a graceful stop does.
    assert _rows(backend) == [
        (CONVERSATION, f"flow|[{BIG_USER}, {BIG_USER}]"),
        (USER_DATA, str(BIG_USER)),
    ]

    second = _application(backend, api, answers)
    async with second:
        await second.process_update(Update.de_json(updates.message(user, "svar"), second.bot))

    assert answers == [5]
    assert _rows(backend) == []
