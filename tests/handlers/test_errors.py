"""The global error handler: a Danish apology, nothing half-saved, and no note text in the log.

A service function is replaced by one that crashes: that is how a bug looks from the handler's
side, and the error handler is what is under test here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from bot.domain.access import Role
from bot.services import notes as notes_service
from bot.services import residents as residents_service
from bot.storage.models import AuditEvent, DiaryNote, NoteDraft, Resident
from tests import factories
from tests.tg import BotHarness

SORRY = "Beklager, noget gik galt. Intet er gemt halvt – prøv igen om lidt."
NOTE_TEXT = "tegnede en blå hest med venstre hånd"


@dataclass
class Org:
    dep: int
    mia: int


@pytest.fixture
def org(bot: BotHarness) -> Org:
    now = bot.clock.now()
    dep = factories.department(bot.uow, "Afd A", now)
    mia = factories.resident(bot.uow, "Mia", dep, now)
    factories.staff(bot.uow, 2, Role.MEDARBEJDER, [dep], now, name="Ole")
    factories.staff(bot.uow, 1, Role.AFDELINGSLEDER, [dep], now, name="Karen")
    return Org(dep, mia)


def crash(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise RuntimeError("simulated bug")


def count(bot: BotHarness, model: Any) -> int:
    with Session(bot.uow.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def stored(bot: BotHarness) -> dict[str, int]:
    return {m.__name__: count(bot, m) for m in (NoteDraft, DiaryNote, AuditEvent, Resident)}


def logged_at_info_or_above(caplog: pytest.LogCaptureFixture) -> str:
    """Return everything logged at INFO or above as a log file would hold it, tracebacks too."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO)


async def test_crash_in_a_use_case_gets_the_apology_and_is_logged(
    bot: BotHarness,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(notes_service, "start_quick_note", crash)
    user = bot.user(2, "Ole")
    before = stored(bot)

    await bot.send(user, f"mia komm {NOTE_TEXT}")

    assert bot.texts(user) == [SORRY]
    assert stored(bot) == before
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["bot.handlers.errors"]
    assert errors[0].exc_info is not None
    assert errors[0].exc_info[0] is RuntimeError
    assert "RuntimeError" in errors[0].getMessage()
    log_text = logged_at_info_or_above(caplog)
    assert NOTE_TEXT not in log_text
    assert "hest" not in log_text


async def test_crash_in_the_middle_of_a_transaction_leaves_nothing_behind(
    bot: BotHarness,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    # The draft is added and flushed before the card is built: a crash there must roll back.
    monkeypatch.setattr(notes_service, "_card", crash)
    user = bot.user(2, "Ole")
    before = stored(bot)

    await bot.send(user, f"mia komm {NOTE_TEXT}")

    assert bot.texts(user) == [SORRY]
    assert stored(bot) == before
    assert NOTE_TEXT not in logged_at_info_or_above(caplog)


async def test_crash_while_saving_from_the_card_saves_nothing(
    bot: BotHarness,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    user = bot.user(2, "Ole")
    await bot.send(user, f"mia komm {NOTE_TEXT}")
    card = bot.last(user).text
    # save_note adds the note and the audit row, then renders the card: crash there.
    monkeypatch.setattr(notes_service, "_card", crash)
    start = len(bot.api.calls)

    await bot.press(user, "Gem")

    answers = [c for c in bot.api.calls[start:] if c.method == "answerCallbackQuery" and c.ok]
    assert [(c.params.get("text"), c.params.get("show_alert")) for c in answers] == [(SORRY, True)]
    assert count(bot, DiaryNote) == 0
    assert count(bot, AuditEvent) == 0
    with Session(bot.uow.engine) as session:
        assert [d.status for d in session.exec(select(NoteDraft))] == ["open"]
    assert bot.last(user).text == card
    assert NOTE_TEXT not in logged_at_info_or_above(caplog)

    monkeypatch.undo()
    await bot.press(user, "Gem")
    assert count(bot, DiaryNote) == 1


async def test_apology_that_cannot_be_delivered_is_only_logged(
    bot: BotHarness,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(notes_service, "start_quick_note", crash)
    user = bot.user(2, "Ole")
    bot.api.block_chat(2)

    await bot.send(user, f"mia komm {NOTE_TEXT}")

    assert bot.texts(user) == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.name for r in warnings] == ["bot.handlers.errors"]


async def test_a_crash_does_not_break_the_next_update(
    bot: BotHarness, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = bot.user(2, "Ole")
    monkeypatch.setattr(notes_service, "start_quick_note", crash)
    await bot.send(user, f"mia komm {NOTE_TEXT}")
    monkeypatch.undo()

    await bot.send(user, f"mia komm {NOTE_TEXT}")
    await bot.press(user, "Gem")

    with Session(bot.uow.engine) as session:
        assert [n.text for n in session.exec(select(DiaryNote))] == [NOTE_TEXT]


@pytest.mark.parametrize("flow", ["note", "resident-name"])
async def test_crash_in_a_flow_step_is_not_followed_by_a_quick_note(
    bot: BotHarness, org: Org, monkeypatch: pytest.MonkeyPatch, flow: str
) -> None:
    if flow == "note":
        user = bot.user(2, "Ole")
        await bot.send(user, "/note")
        monkeypatch.setattr(notes_service, "give_guided_text", crash)
    else:
        user = bot.user(1, "Karen")
        await bot.send(user, "/beboere")
        await bot.press(user, "➕ Tilføj beboer")
        monkeypatch.setattr(residents_service, "validate_name", crash)
    drafts_before = count(bot, NoteDraft)
    sent_before = len(bot.texts(user))

    await bot.send(user, f"mia komm {NOTE_TEXT}")

    assert bot.texts(user)[sent_before:] == [SORRY]
    assert count(bot, NoteDraft) == drafts_before


async def test_database_failure_does_not_put_the_note_text_in_the_log(
    bot: BotHarness, org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with bot.uow.engine.begin() as conn:
        # The database refuses the write, as a full disk or a broken constraint would.
        conn.execute(
            sa.text(
                "CREATE TRIGGER refuse_drafts BEFORE INSERT ON note_draft "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    user = bot.user(2, "Ole")

    await bot.send(user, f"mia komm {NOTE_TEXT}")

    assert bot.texts(user) == [SORRY]
    assert count(bot, NoteDraft) == 0
    assert NOTE_TEXT not in logged_at_info_or_above(caplog)


async def test_crash_on_a_button_is_answered_and_logged_once(
    bot: BotHarness,
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    user = bot.user(2, "Ole")
    await bot.send(user, f"mia komm {NOTE_TEXT}")
    monkeypatch.setattr(notes_service, "save_note", crash)
    start = len(bot.api.calls)

    await bot.press(user, "Gem")

    answers = [c for c in bot.api.calls[start:] if c.method == "answerCallbackQuery"]
    assert [(c.ok, c.params.get("text")) for c in answers] == [(True, SORRY)]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
