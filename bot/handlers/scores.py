"""Indicator scores in the chat: /score NAVN, the scale as one row of buttons, one-tap scores."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import CustomContext
from bot.domain.goals import ScoringFrequency, format_date
from bot.domain.notes import shorten
from bot.domain.scores import IndicatorScale, Slot
from bot.handlers.callbacks import BadCallbackData, ScorePress
from bot.handlers.common import callback_message, handles_domain_errors, safe_edit
from bot.handlers.flow import Flow
from bot.services import scores
from bot.services.scores import ScoreGiven, ScoreMenu, ScoreTarget
from bot.texts import Markup, Texts

log = logging.getLogger(__name__)

BUTTON_LABEL_CHARS = 40  # a sub-goal's text on a button; the message shows more
MESSAGE_LABEL_CHARS = 300


def scale_lines(tx: Texts, scale: IndicatorScale) -> Markup:
    """Render the scale's labels, one line per value (buttons are too narrow for them)."""
    return Markup(
        "\n".join(
            tx("scores.scale_line", value=value, label=scale.label(value, tx.locale))
            for value in scale.values
        )
    )


def scale_row(sub_goal_id: int, scale: IndicatorScale) -> InlineKeyboardMarkup:
    """Return the scale as ONE row of buttons that each store a score with one tap."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    str(value),
                    callback_data=ScorePress(ScorePress.SCORE, sub_goal_id, value).pack(),
                )
                for value in scale.values
            ]
        ]
    )


def after_note_scale(
    tx: Texts, scale: IndicatorScale, sub_goal_id: int, resident: str, sub_goal: str
) -> tuple[Markup, InlineKeyboardMarkup]:
    """Render the offer of a score that follows a saved sub-goal note."""
    text = tx(
        "scores.after_note",
        resident=resident,
        sub_goal=shorten(sub_goal, MESSAGE_LABEL_CHARS),
        scale=scale_lines(tx, scale),
    )
    return text, scale_row(sub_goal_id, scale)


def _slot(tx: Texts, frequency: ScoringFrequency, slot: Slot) -> str:
    if frequency is ScoringFrequency.WEEKLY:
        iso = slot.day.isocalendar()
        return tx.plain("scores.slot_week", week=iso.week, year=iso.year)
    if frequency is ScoringFrequency.PER_SHIFT:
        shift = slot.key.split("/", 1)[1]
        return tx.plain("scores.slot_shift", shift=shift, day=format_date(slot.day))
    return tx.plain("scores.slot_day", day=format_date(slot.day))


def _prompt(
    tx: Texts, scale: IndicatorScale, target: ScoreTarget
) -> tuple[Markup, InlineKeyboardMarkup]:
    current = (
        tx("scores.current", score=target.current) if target.current is not None else Markup("")
    )
    text = tx(
        "scores.ask_score",
        resident=target.resident,
        sub_goal=shorten(target.sub_goal, MESSAGE_LABEL_CHARS),
        slot=_slot(tx, target.frequency, target.slot),
        scale=scale_lines(tx, scale),
        current=current,
    )
    return text, scale_row(target.sub_goal_id, scale)


def _given(
    tx: Texts, scale: IndicatorScale, given: ScoreGiven
) -> tuple[Markup, InlineKeyboardMarkup]:
    target = given.target
    key = "scores.saved" if given.previous is None else "scores.replaced"
    text = tx(
        key,
        old=given.previous,
        score=given.score,
        label=scale.label(given.score, tx.locale),
        resident=target.resident,
        slot=_slot(tx, target.frequency, target.slot),
        sub_goal=shorten(target.sub_goal, MESSAGE_LABEL_CHARS),
        scale=scale_lines(tx, scale),
    )
    # The row stays: a mis-tap is corrected with one more tap (it replaces the score).
    return text, scale_row(target.sub_goal_id, scale)


def _menu(tx: Texts, menu: ScoreMenu) -> tuple[Markup, InlineKeyboardMarkup | None]:
    if menu.resident is None:
        if not menu.candidates:
            return tx("scores.no_resident"), None
        rows = [
            [InlineKeyboardButton(name, callback_data=ScorePress(ScorePress.RESIDENT, rid).pack())]
            for rid, name in menu.candidates
        ]
        return tx("scores.which_resident"), InlineKeyboardMarkup(rows)
    if not menu.sub_goals:
        return tx("scores.no_sub_goals", resident=menu.resident), None
    rows = [
        [
            InlineKeyboardButton(
                shorten(text, BUTTON_LABEL_CHARS),
                callback_data=ScorePress(ScorePress.SUB_GOAL, sid).pack(),
            )
        ]
        for sid, text in menu.sub_goals
    ]
    return tx("scores.pick_sub_goal", resident=menu.resident), InlineKeyboardMarkup(rows)


@handles_domain_errors
async def cmd_score(update: Update, context: CustomContext) -> None:
    """List a resident's scored sub-goals: /score NAVN."""
    message = update.effective_message
    assert message is not None
    query_text = " ".join(context.args or []).strip()
    if not query_text:
        await message.reply_text(context.tx("scores.usage"))
        return
    s = context.services
    menu = await context.run(scores.score_menu, s.clock, s.directory, context.me, query=query_text)
    text, markup = _menu(context.tx, menu)
    await message.reply_text(text, reply_markup=markup)


@handles_domain_errors
async def on_score_press(update: Update, context: CustomContext) -> None:
    """Act on a /score button, re-checking the presser's access to the sub-goal every time."""
    query = update.callback_query
    assert query is not None
    press = ScorePress.parse(query.data)
    s, tx, me = context.services, context.tx, context.me
    if press.action == ScorePress.RESIDENT:
        menu = await context.run(
            scores.score_menu, s.clock, s.directory, me, resident_id=press.target
        )
        text, markup = _menu(tx, menu)
        await asyncio.gather(query.answer(), safe_edit(callback_message(update), text, markup))
    elif press.action == ScorePress.SUB_GOAL:
        target = await context.run(scores.score_prompt, s.clock, s.tz, me, press.target)
        text, markup = _prompt(tx, s.settings.scale, target)
        await asyncio.gather(query.answer(), safe_edit(callback_message(update), text, markup))
    elif press.action == ScorePress.SCORE:
        given = await context.run(
            scores.give_score, s.clock, s.tz, me, press.target, press.value, scale=s.settings.scale
        )
        log.info("score given by staff %s", me.staff_id)
        toast = (
            tx.plain("scores.saved_toast", score=given.score)
            if given.previous is None
            else tx.plain("scores.replaced_toast", old=given.previous, score=given.score)
        )
        text, markup = _given(tx, s.settings.scale, given)
        await asyncio.gather(query.answer(toast), safe_edit(callback_message(update), text, markup))
    else:
        raise BadCallbackData(query.data)


def flow() -> Flow:
    """Return this feature's guided flow: none, every step is one tap."""
    return Flow(entry_points=[])


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the /score command and its buttons."""
    return [
        CommandHandler("score", cmd_score),
        CallbackQueryHandler(on_score_press, pattern=ScorePress.pattern()),
    ]
