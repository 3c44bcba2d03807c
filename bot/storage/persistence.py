"""python-telegram-bot persistence on the bot's own database: conversations and user data."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.context import BotData, UserData
from bot.storage.db import READ_ONLY, write_lock
from bot.storage.models import PersistedState

CONVERSATION = "conversation"
USER_DATA = "user_data"
_UNKNOWN = object()
DEFAULT_UPDATE_INTERVAL = 1.0  # seconds; flows are small, so writing them often is cheap


class SqlPersistence(BasePersistence[UserData, dict[Any, Any], BotData]):
    """Store PTB conversation states and user data as JSON rows in `ptb_state`."""

    def __init__(self, engine: Engine, update_interval: float = DEFAULT_UPDATE_INTERVAL) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._engine = engine
        # What the table holds, as far as this process knows: what it loaded and wrote. Once a
        # kind is loaded, a key it does not hold is known to be absent.
        self._written: dict[tuple[str, str], str | None] = {}
        self._loaded: set[str] = set()

    def _stored(self, kind: str, key: str) -> object:
        return self._written.get((kind, key), None if kind in self._loaded else _UNKNOWN)

    def _load(self, kind: str) -> dict[str, str]:
        with Session(self._engine) as session:
            session.connection(execution_options={READ_ONLY: True})
            rows = session.exec(select(PersistedState).where(PersistedState.kind == kind))
            return {row.key: row.value for row in rows}

    def _write(self, kind: str, key: str, value: str | None) -> None:
        # Only through _write_changed, which has checked on the loop that this is a change.
        with write_lock(self._engine), Session(self._engine) as session:
            row = session.get(PersistedState, (kind, key))
            if value is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(PersistedState(kind=kind, key=key, value=value))
            else:
                row.value = value
                session.add(row)
            session.commit()
        self._written[(kind, key)] = value

    async def get_user_data(self) -> dict[int, UserData]:
        """Load every person's flow data."""
        rows = await asyncio.to_thread(self._load, USER_DATA)
        self._written.update({(USER_DATA, k): v for k, v in rows.items()})
        self._loaded.add(USER_DATA)
        return {int(k): UserData.from_json(json.loads(v)) for k, v in rows.items()}

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        """Store one person's flow data (an empty one is removed)."""
        value = None if data == UserData() else json.dumps(data.to_json())
        await self._write_changed(USER_DATA, str(user_id), value)

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing to refresh: this process is the one that writes user data."""

    async def drop_user_data(self, user_id: int) -> None:
        """Forget one person's flow data."""
        await self._write_changed(USER_DATA, str(user_id), None)

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        """Chat data is not stored."""
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Chat data is not stored."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Chat data is not stored."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not stored."""

    async def get_bot_data(self) -> BotData:
        """Bot data is not stored (it holds the services): start empty."""
        return BotData()

    async def update_bot_data(self, data: BotData) -> None:
        """Bot data is not stored."""

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        """Bot data is not stored."""

    async def get_callback_data(self) -> CDCData | None:
        """Arbitrary callback data is not used: buttons carry their own small data."""
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        """Arbitrary callback data is not used."""

    async def get_conversations(self, name: str) -> ConversationDict:
        """Load the states of one conversation handler."""
        rows = await asyncio.to_thread(self._load, CONVERSATION)
        self._written.update({(CONVERSATION, k): v for k, v in rows.items()})
        self._loaded.add(CONVERSATION)
        prefix = name + "|"
        result: dict[ConversationKey, object] = {}
        for key, value in rows.items():
            if key.startswith(prefix):
                result[tuple(json.loads(key[len(prefix) :]))] = json.loads(value)
        return result

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store one conversation's state; None (ended) removes it."""
        row_key = f"{name}|{json.dumps(list(key))}"
        value = None if new_state is None else json.dumps(new_state)
        await self._write_changed(CONVERSATION, row_key, value)

    async def _write_changed(self, kind: str, key: str, value: str | None) -> None:
        # PTB hands over every person who sent an update each second, changed or not (50 a
        # second per process in the benchmark): what is stored already never leaves the loop.
        if self._stored(kind, key) != value:
            await asyncio.to_thread(self._write, kind, key, value)

    async def flush(self) -> None:
        """Everything is written as it happens."""
