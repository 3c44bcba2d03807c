"""Conversation plumbing: one persistent conversation holds every guided flow of a person.

A person is in at most one flow at a time. Starting a flow (a command or a button) replaces
whatever flow was going on, `/annuller` leaves any of them, and another command quietly ends
the flow and is then handled as usual. Keeping all flows in one ConversationHandler is what
makes that hold: separate handlers in separate groups would each keep their own state.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, NoReturn

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import CustomContext
from bot.handlers.common import handles_domain_errors
from bot.services import notes

Step = Callable[[Update, CustomContext], Coroutine[Any, Any, object]]

# Typed text in a private chat, as a new message: an edited old message is not an answer.
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


@dataclass
class Flow:
    """One feature's part of the conversation: how it starts and its steps."""

    entry_points: list[BaseHandler[Update, CustomContext, object]]
    states: dict[object, list[BaseHandler[Update, CustomContext, object]]] = field(
        default_factory=dict
    )


def flow_step(fn: Step) -> Callable[[Update, CustomContext], Coroutine[Any, Any, NoReturn]]:
    """Wrap a conversation step: render expected failures, then stop later handler groups.

    Stopping matters: text consumed by a flow must never also become a quick note. An expected
    failure keeps the flow in its current state (None), so the person can simply try again.
    """

    guarded = handles_domain_errors(fn)

    @functools.wraps(fn)
    async def wrapper(update: Update, context: CustomContext) -> NoReturn:
        raise ApplicationHandlerStop(await guarded(update, context))

    return wrapper


def reset_flow_data(context: CustomContext) -> None:
    """Forget the data of any earlier flow; called when a flow starts or is cancelled."""
    if context.user_data is not None:
        context.user_data.editing_note_id = None
        context.user_data.resident_form.clear()
        context.user_data.goal_form.clear()
        context.user_data.contact_team_resident_id = None
        context.user_data.reason_draft_id = None
        context.user_data.status_resident_id = None
        context.user_data.substitute_invite.clear()
        # An evaluation's answers live in its draft row: leaving the flow keeps the draft.
        context.user_data.evaluation_draft_id = None


@flow_step
async def cancel_flow(update: Update, context: CustomContext) -> int:
    """Leave whatever flow is going on; nothing half-done is kept, except an evaluation draft."""
    paused_evaluation = (
        context.user_data is not None and context.user_data.evaluation_draft_id is not None
    )
    reset_flow_data(context)
    await context.run(notes.cancel_guided, context.services.clock, context.me)
    assert update.effective_message is not None
    key = "evaluations.kept" if paused_evaluation else "common.cancelled"
    await update.effective_message.reply_text(context.tx(key))
    return ConversationHandler.END


async def end_flow(_update: Update, context: CustomContext) -> int:
    """Leave the flow quietly when another command comes in; that command runs as usual."""
    reset_flow_data(context)
    return ConversationHandler.END


def build_conversation(flows: list[Flow]) -> ConversationHandler[CustomContext]:
    """Join the features' flows into the one persistent conversation."""
    entry_points: list[BaseHandler[Update, CustomContext, object]] = []
    states: dict[object, list[BaseHandler[Update, CustomContext, object]]] = {}
    for flow in flows:
        entry_points.extend(flow.entry_points)
        for state, handlers in flow.states.items():
            if state in states:
                raise ValueError(f"flow state {state!r} is defined twice")
            states[state] = handlers
    with warnings.catch_warnings():
        # PTB warns that button presses are tracked per chat, not per message. Per chat is
        # intended: one person fills in one flow at a time.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states,
            fallbacks=[
                CommandHandler("annuller", cancel_flow),
                MessageHandler(filters.COMMAND, end_flow),
            ],
            name="flows",
            persistent=True,
            allow_reentry=True,
        )
