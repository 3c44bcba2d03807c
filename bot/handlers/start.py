"""Joining with an invite, help, leaving flows, and what to say to unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import CustomContext
from bot.domain.access import Role
from bot.handlers.common import handles_domain_errors
from bot.handlers.onboarding import send_welcome_checklist
from bot.services import notes, staff


@handles_domain_errors
async def cmd_start(update: Update, context: CustomContext) -> None:
    """Register with `/start CODE`, or greet a person who is already registered."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    code = (context.args or [""])[0]
    tx = context.tx
    if not code:
        if context.actor is None:
            await message.reply_text(tx("access.not_registered"))
        else:
            await message.reply_text(tx("start.welcome_back", name=context.actor.display_name))
        return
    joined = await context.run(
        staff.join_with_code, context.services.clock, code, user.id, user.full_name
    )
    context.actor = joined.actor
    if joined.link_reopened:
        await message.reply_text(tx("start.welcome_back", name=joined.actor.display_name))
        return
    role = tx.plain(f"role.{joined.actor.role.value}").lower()  # mid-sentence
    await message.reply_text(
        tx("start.joined", name=joined.actor.display_name, role=role, department=joined.department)
    )
    if joined.actor.role is Role.VIKAR and joined.onboarding:
        # A substitute needs their checklist, and the few commands they can use.
        await message.reply_text(tx("help.substitute"))
        await send_welcome_checklist(update, context)
        return
    await message.reply_text(tx("help.text"))
    if joined.actor.role.is_leader:
        await message.reply_text(tx("help.leader"))


async def cmd_help(update: Update, context: CustomContext) -> None:
    """Show the short help."""
    assert update.effective_message is not None
    if context.me.role is Role.VIKAR:
        await update.effective_message.reply_text(context.tx("help.substitute"))
        return
    await update.effective_message.reply_text(context.tx("help.text"))
    if context.me.role.is_leader:
        await update.effective_message.reply_text(context.tx("help.leader"))


async def cmd_cancel(update: Update, context: CustomContext) -> None:
    """Leave whatever is going on (no flow was active if this runs)."""
    assert update.effective_message is not None
    had_draft = await context.run(notes.cancel_guided, context.services.clock, context.me)
    key = "common.cancelled" if had_draft else "common.nothing_to_cancel"
    await update.effective_message.reply_text(context.tx(key))


async def on_unknown_command(update: Update, context: CustomContext) -> None:
    """Say that a command is unknown instead of staying silent."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.tx("common.unknown_command"))


async def on_other_message(update: Update, context: CustomContext) -> None:
    """Explain that only text is taken (photos, voice, stickers are not stored)."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.tx("common.text_only"))


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the commands that work outside any flow."""
    return [
        CommandHandler("start", cmd_start),
        CommandHandler(["hjaelp", "help"], cmd_help),
    ]


def last_handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the handlers that run only when no feature took the update."""
    return [
        CommandHandler("annuller", cmd_cancel),
        MessageHandler(filters.COMMAND, on_unknown_command),
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & filters.UpdateType.MESSAGE, on_other_message
        ),
        CallbackQueryHandler(on_stale_button),
    ]


async def on_stale_button(update: Update, context: CustomContext) -> None:
    """Answer a press that no flow is waiting for (an old form's button)."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.tx.plain("error.button_expired"), show_alert=True)
