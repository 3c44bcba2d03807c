"""Feature handlers, registered in one ordered list by register().

Groups, in the order PTB runs them for each update:
  -30  private chats only          -20  who is this (refuse strangers)
  1    the one persistent conversation holding every guided flow (bot/handlers/flow.py); a
       step that takes the update stops the groups after it, and any other command quietly
       ends the flow and goes on to the next groups
  50   stateless commands and buttons; each stops the groups after it once it ran
  100  the last resort: quick note from free text, /annuller, unknown commands, old buttons
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler

from bot.context import CustomContext
from bot.handlers import (
    access,
    errors,
    evaluations,
    goals,
    invites,
    notes,
    onboarding,
    reminders,
    residents,
    scores,
    settings,
    start,
    status,
)
from bot.handlers.flow import build_conversation

FLOW_GROUP = 1
STATELESS_GROUP = 50
LAST_GROUP = 100

COMMANDS_DA = [
    ("note", "Skriv en note trin for trin"),
    ("mine", "Mine seneste noter"),
    ("noter", "Noter om en beboer: /noter NAVN"),
    ("score", "Giv et delmål en score: /score NAVN"),
    ("maal", "Mål og delmål: /maal NAVN"),
    ("kontaktteam", "Kontaktteam (ledere): /kontaktteam NAVN"),
    ("paamindelser", "Mine påmindelser og frister"),
    ("status", "Statuscyklus: /status NAVN"),
    ("statusmoede", "Planlæg statusmøde (ledere): /statusmoede NAVN"),
    ("indstillinger", "Hvornår jeg får påmindelser"),
    ("beboere", "Beboere (ledere)"),
    ("inviter", "Inviter en kollega eller vikar (ledere)"),
    ("vikarer", "Vikarer og deres tjekliste (ledere)"),
    ("tjekliste", "Min tjekliste (vikarer)"),
    ("annuller", "Afbryd det, du er i gang med"),
    ("hjaelp", "Kort hjælp"),
]
COMMANDS_EN = [
    ("note", "Write a note step by step"),
    ("mine", "My latest notes"),
    ("noter", "Notes on a resident: /noter NAME"),
    ("score", "Score a sub-goal: /score NAME"),
    ("maal", "Goals and sub-goals: /maal NAME"),
    ("kontaktteam", "Kontaktteam (leaders): /kontaktteam NAME"),
    ("paamindelser", "My reminders and deadlines"),
    ("status", "Status cycle: /status NAME"),
    ("statusmoede", "Schedule a status meeting (leaders): /statusmoede NAME"),
    ("indstillinger", "When I get reminders"),
    ("beboere", "Residents (leaders)"),
    ("inviter", "Invite a colleague or substitute (leaders)"),
    ("vikarer", "Substitutes and their checklist (leaders)"),
    ("tjekliste", "My checklist (substitutes)"),
    ("annuller", "Cancel what you are doing"),
    ("hjaelp", "Short help"),
]


def _stopping(
    handler: BaseHandler[Update, CustomContext, object],
) -> BaseHandler[Update, CustomContext, object]:
    """Make a handler end the update's processing, so no last-resort handler answers too."""
    callback: Callable[[Update, CustomContext], Awaitable[object]] = handler.callback

    @functools.wraps(callback)
    async def run_then_stop(update: Update, context: CustomContext) -> object:
        await callback(update, context)
        raise ApplicationHandlerStop

    handler.callback = run_then_stop
    return handler


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler to the application, in order."""
    for group, guard in access.guards():
        app.add_handler(guard, group=group)
    flows = [
        notes.flow(),
        residents.flow(),
        goals.flow(),
        scores.flow(),
        evaluations.flow(),
        status.flow(),
        settings.flow(),
        reminders.flow(),
        onboarding.flow(),
    ]
    app.add_handler(build_conversation(flows), group=FLOW_GROUP)
    stateless = [
        *start.handlers(),
        *notes.handlers(),
        *invites.handlers(),
        *residents.handlers(),
        *goals.handlers(),
        *scores.handlers(),
        *evaluations.handlers(),
        *status.handlers(),
        *settings.handlers(),
        *reminders.handlers(),
        *onboarding.handlers(),
    ]
    app.add_handlers([_stopping(h) for h in stateless], group=STATELESS_GROUP)
    app.add_handlers([notes.quick_note_handler(), *start.last_handlers()], group=LAST_GROUP)
    app.add_error_handler(errors.on_error)
