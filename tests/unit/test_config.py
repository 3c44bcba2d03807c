"""Settings: URL normalisation, defaults, one-line errors naming the setting, .env files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_API_BASE_URL,
    DEFAULT_DATABASE_URL,
    Settings,
    SettingsError,
    load_settings,
    normalize_database_url,
    sqlite_path,
)

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = sorted(name.upper() for name in Settings.model_fields)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run every test with no setting in the environment and no .env in the working directory."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///rel.db", "sqlite:///rel.db"),
        ("sqlite:///data/dagbogsbot.db", "sqlite:///data/dagbogsbot.db"),
        ("sqlite:////abs.db", "sqlite:////abs.db"),
        ("sqlite://", "sqlite://"),
        ("  sqlite:///rel.db \n", "sqlite:///rel.db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgres://u:p@h:5433/db", "postgresql+psycopg://u:p@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_urls_get_this_projects_driver(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "mysql://u:p@h/db",
        "sqlite://rel.db",  # the host form: a relative path needs three slashes
        "postgresql+asyncpg://u@h/db",
        "http://example.org",
        "dagbogsbot.db",
        "",
    ],
)
def test_other_database_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"sqlite|postgresql"):
        normalize_database_url(bad)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///rel.db", Path("rel.db")),
        ("sqlite:////abs/x.db", Path("/abs/x.db")),
        ("sqlite:///:memory:", None),
        ("sqlite://", None),
        ("postgresql+psycopg://u@h/db", None),
    ],
)
def test_sqlite_path(url: str, path: Path | None) -> None:
    assert sqlite_path(url) == path


def test_defaults_without_environment_or_env_file() -> None:
    settings = load_settings()

    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == DEFAULT_API_BASE_URL
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.sqlalchemy_url == "sqlite:///data/dagbogsbot.db"
    assert settings.bot_timezone == "Europe/Copenhagen"
    assert settings.tz.key == "Europe/Copenhagen"
    assert settings.bot_locale == "da"
    assert settings.invite_ttl_hours == 72
    assert settings.delete_note_messages is True
    assert settings.log_level == "INFO"
    assert settings.log_level_number == 20
    assert settings.sqlite_synchronous == "NORMAL"
    assert settings.telegram_max_retries == 100
    assert settings.telegram_overall_max_rate == 30.0
    assert settings.undo_minutes == 10
    assert settings.edit_window_hours == 24


def test_postgres_url_from_the_environment_gets_the_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://dagbog:secret@db/dagbog")

    settings = load_settings()

    assert settings.database_url == "postgres://dagbog:secret@db/dagbog"
    assert settings.sqlalchemy_url == "postgresql+psycopg://dagbog:secret@db/dagbog"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("DATABASE_URL", "sqlite://rel.db"),
        ("BOT_TIMEZONE", "Mars/Base"),
        ("BOT_TIMEZONE", "../etc/passwd"),
        ("INVITE_TTL_HOURS", "abc"),
        ("INVITE_TTL_HOURS", "0"),
        ("INVITE_TTL_HOURS", "1441"),
        ("BOT_LOCALE", "de"),
        ("LOG_LEVEL", "LOUD"),
        ("SQLITE_SYNCHRONOUS", "OFF"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot"),
        ("TELEGRAM_MAX_RETRIES", "-1"),
        ("TELEGRAM_OVERALL_MAX_RATE", "fast"),
        ("DELETE_NOTE_MESSAGES", "maybe"),
        ("UNDO_MINUTES", "0"),
        ("EDIT_WINDOW_HOURS", "721"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert message.startswith(f"Invalid setting {name}: ")
    assert "\n" not in message
    # pydantic's own error is suppressed: its text would repeat the value, maybe a password.
    assert caught.value.__suppress_context__


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_token_means_no_token(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", blank)

    assert load_settings().telegram_bot_token is None


def test_a_token_is_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET")

    settings = load_settings()

    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123456:SECRET"
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings)


def test_env_file_in_the_working_directory_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "BOT_LOCALE=en\nUNDO_MINUTES=5\nTELEGRAM_BOT_TOKEN=\n", encoding="utf-8"
    )
    monkeypatch.setenv("UNDO_MINUTES", "7")

    settings = load_settings()

    assert (settings.bot_locale, settings.undo_minutes) == ("en", 7)
    assert settings.telegram_bot_token is None


def test_overrides_win_over_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_LOCALE", "da")

    assert load_settings(bot_locale="en").bot_locale == "en"
    with pytest.raises(SettingsError, match=r"^Invalid setting UNDO_MINUTES: "):
        load_settings(undo_minutes=0)


def _example_settings() -> list[tuple[str, str]]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return [(name, value) for name, value in pairs]


def test_env_example_lists_every_setting_once_with_its_default() -> None:
    example = _example_settings()

    assert sorted(name for name, _ in example) == SETTING_NAMES
    assert dict(example)["TELEGRAM_BOT_TOKEN"] == ""
    assert Settings(_env_file=ROOT / ".env.example") == Settings(_env_file=None)  # type: ignore[call-arg]


def test_env_example_documents_each_setting_in_a_comment_above_it() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            comment = lines[index - 1]
            assert comment.startswith(f"# Example: {name}="), f"{name} has no example"
            above = lines[max(0, index - 6) : index]
            assert any(c.startswith("# Default:") for c in above), f"{name} has no default"


def test_the_default_scale_and_warning_threshold() -> None:
    settings = load_settings(_env_file=None)
    assert settings.scale.values == (1, 2, 3, 4, 5)
    assert settings.scale.label(1) == "Meget stort støttebehov"
    assert settings.response_rate_threshold == 0.6


def test_a_local_scale_and_threshold() -> None:
    settings = load_settings(
        _env_file=None,
        indicator_scale="Ikke endnu; Med meget hjælp ;Med lidt hjælp;Selv",
        response_rate_warning_percent=75,
    )
    assert settings.scale.values == (1, 2, 3, 4)
    assert [settings.scale.label(v) for v in (2, 4)] == ["Med meget hjælp", "Selv"]
    assert settings.scale.label(3, "en") == "Med lidt hjælp"
    assert settings.response_rate_threshold == 0.75


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("indicator_scale", "Kun én"),
        ("indicator_scale", "a;;b"),
        ("indicator_scale", ";".join(f"trin {n}" for n in range(9))),
        ("response_rate_warning_percent", 0),
        ("response_rate_warning_percent", 101),
    ],
)
def test_a_bad_scale_or_threshold_stops_start_up_naming_the_setting(
    name: str, value: object
) -> None:
    with pytest.raises(SettingsError, match=name.upper()):
        load_settings(_env_file=None, **{name: value})
