"""Placeholder filled in by this feature's work: its flow and its stateless handlers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import CustomContext
from bot.handlers.flow import Flow


def flow() -> Flow:
    """Return this feature's guided flow."""
    return Flow(entry_points=[])


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return this feature's stateless handlers."""
    return []
