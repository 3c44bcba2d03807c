"""Settings from the environment and `.env`; a bad value stops start-up with one clear line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.scores import DEFAULT_SCALE, IndicatorScale, ScaleLevel

DEFAULT_DATABASE_URL = "sqlite:///data/dagbogsbot.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Every setting the bot reads; see `.env.example` for the documented list."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None)
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    bot_timezone: str = "Europe/Copenhagen"
    bot_locale: Literal["da", "en"] = "da"
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 60)
    delete_note_messages: bool = True
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # NORMAL in WAL mode survives any crash of the bot process (see the crash test); FULL also
    # survives power loss, at one fsync per commit (about 3 ms each on this machine).
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    telegram_max_retries: int = Field(default=100, ge=0)
    telegram_overall_max_rate: float = Field(default=30.0, ge=0)
    undo_minutes: int = Field(default=10, ge=1, le=24 * 60)
    edit_window_hours: int = Field(default=24, ge=1, le=24 * 30)
    # The indicator scale's labels for the values 1, 2, … separated by ";" (2 to 10 of them);
    # empty: the default 1–5 from "Meget stort støttebehov" to "Intet støttebehov".
    indicator_scale: str = ""
    response_rate_warning_percent: int = Field(default=60, ge=1, le=100)
    # How often the reminder sweep runs (it also runs at start-up); 0 turns reminders off.
    reminder_sweep_minutes: int = Field(default=5, ge=0, le=60)
    # Bot processes sharing the database (bot.shards): 1 runs everything in one process; N > 1
    # starts a front that polls Telegram and N workers, each person's updates on one of them.
    bot_workers: int = Field(default=1, ge=1, le=32)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("indicator_scale")
    @classmethod
    def _scale_labels(cls, value: str) -> str:
        parse_scale(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        normalize_database_url(value)
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The zone used for everything a person reads or types."""
        return ZoneInfo(self.bot_timezone)

    @property
    def scale(self) -> IndicatorScale:
        """The indicator scale staff score sub-goals on."""
        return parse_scale(self.indicator_scale)

    @property
    def response_rate_threshold(self) -> float:
        """Below this response rate the scores cannot carry an evaluation (0–1)."""
        return self.response_rate_warning_percent / 100

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the driver this project uses."""
        return normalize_database_url(self.database_url)

    @property
    def log_level_number(self) -> int:
        """The log level as the logging module's number."""
        return int(logging.getLevelName(self.log_level))


MAX_SCALE_LEVELS = 8  # the scale is one row of buttons, and Telegram shows at most 8 in a row


def parse_scale(text: str) -> IndicatorScale:
    """Turn "label;label;…" into a scale 1…n (the same labels in both languages)."""
    if not text.strip():
        return DEFAULT_SCALE
    labels = [label.strip() for label in text.split(";")]
    if not 2 <= len(labels) <= MAX_SCALE_LEVELS or not all(labels):
        raise ValueError(
            f"give 2 to {MAX_SCALE_LEVELS} labels separated by ';', for the values 1, 2, …"
        )
    return IndicatorScale(
        tuple(ScaleLevel(value, label, label) for value, label in enumerate(labels, start=1))
    )


def normalize_database_url(url: str) -> str:
    """Turn a URL as people write it into one with this project's driver."""
    url = url.strip()
    if url.startswith("sqlite://"):
        rest = url.removeprefix("sqlite://")
        if rest and not rest.startswith("/"):
            raise ValueError("write SQLite URLs as sqlite:///relative/path.db or sqlite:////abs.db")
        return url
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    raise ValueError("only sqlite:/// and postgresql:// URLs are supported")


def sqlite_path(sqlalchemy_url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for other databases and in-memory SQLite."""
    if not sqlalchemy_url.startswith("sqlite:///"):
        return None
    path = sqlalchemy_url.removeprefix("sqlite:///")
    if not path or path == ":memory:":
        return None
    return Path(path)


class SettingsError(Exception):
    """A setting has a bad value; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation error into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
