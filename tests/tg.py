"""The bot harness: the real Application on the fake Bot API, driven by Telegram-shaped updates."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.app import BotApplication, build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.context import Services
from bot.fakeapi import FakeBotApi, StoredMessage, UpdateFactory
from bot.storage.uow import UnitOfWorkFactory


class BotHarness:
    """Build, drive, inspect and restart the application, as Telegram would talk to it."""

    def __init__(self, settings: Settings, clock: FixedClock) -> None:
        self.settings = settings
        self.clock = clock
        self.api = FakeBotApi(clock=lambda: clock.now().timestamp())
        self.updates = UpdateFactory(self.api, clock=lambda: clock.now().timestamp())
        self.app: BotApplication | None = None

    async def start(self) -> None:
        """Build and initialise the application (as `run` does before polling)."""
        self.app = build_application(
            self.settings, request=self.api, clock=self.clock, migrate=False
        )
        await self.app.initialize()

    async def stop(self) -> None:
        """Shut down as a graceful stop does: persistence is flushed, connections closed."""
        if self.app is not None:
            await self.app.shutdown()
            services = self.app.bot_data.services
            if services is not None:
                services.uow.close()
            self.app = None

    async def restart(self) -> None:
        """Stop and build a new application on the same database and chat state."""
        await self.stop()
        await self.start()

    @property
    def services(self) -> Services:
        """The running application's services."""
        assert self.app is not None
        assert self.app.bot_data.services is not None
        return self.app.bot_data.services

    @property
    def uow(self) -> UnitOfWorkFactory:
        """Units of work on the application's database."""
        return self.services.uow

    def user(self, user_id: int, first_name: str = "Test") -> dict[str, Any]:
        """Return a Telegram user dict."""
        return self.updates.user(user_id, first_name)

    async def process(self, data: dict[str, Any]) -> None:
        """Feed one update dict through the real handler chain."""
        assert self.app is not None
        await self.app.process_update(Update.de_json(data, self.app.bot))

    async def send(self, user: dict[str, Any], text: str) -> None:
        """The user sends a text message (commands get their entity, as from Telegram)."""
        await self.process(self.updates.message(user, text))

    async def press(self, user: dict[str, Any], label: str) -> None:
        """The user presses the button with this label on the newest keyboard in their chat."""
        await self.process(self.updates.press(user, label))

    async def press_data(
        self, user: dict[str, Any], data: str, message_id: int | None = None
    ) -> None:
        """Send a callback with arbitrary (possibly forged) data on a bot message."""
        chat_id = user["id"]
        if message_id is None:
            last = self.api.messages(chat_id)
            assert last, "the bot has sent nothing in this chat yet"
            message_id = last[-1].message_id
        message = self.api.message_dict(chat_id, message_id)
        await self.process(self.updates.callback(user, data, message, check_buttons=False))

    def last(self, user: dict[str, Any]) -> StoredMessage:
        """Return the newest bot message in the user's chat."""
        messages = [m for m in self.api.messages(user["id"]) if m.from_bot]
        assert messages, "the bot has sent nothing in this chat"
        return messages[-1]

    def texts(self, user: dict[str, Any]) -> list[str]:
        """Return the texts of the bot's messages in the user's chat, oldest first."""
        return [m.text or "" for m in self.api.messages(user["id"]) if m.from_bot]

    def alerts(self) -> list[str]:
        """Return the texts of callback answers shown to users, oldest first."""
        return [c.params.get("text", "") for c in self.api.calls_to("answerCallbackQuery") if c.ok]
