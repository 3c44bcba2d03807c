"""Leaders invite people in the chat: /inviter, pick a role, pick a department, share the link."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import CustomContext
from bot.domain.access import Role, invitable_roles
from bot.domain.errors import NotAllowed
from bot.domain.invites import deep_link
from bot.handlers.callbacks import BadCallbackData, InvitePress
from bot.handlers.common import callback_message, handles_domain_errors, safe_edit
from bot.handlers.note_views import local_datetime
from bot.services import staff

# Callback data allows short words only; these are the button codes of the roles.
ROLE_CODES = {
    Role.MEDARBEJDER: "med",
    Role.AFDELINGSLEDER: "afd",
    Role.TILBUDSLEDER: "tilb",
    Role.VIKAR: "vikar",
}
CODE_ROLES = {code: role for role, code in ROLE_CODES.items()}


@handles_domain_errors
async def cmd_inviter(update: Update, context: CustomContext) -> None:
    """Offer the roles this leader may invite."""
    roles = invitable_roles(context.me)
    if not roles:
        raise NotAllowed("invites.leaders_only")
    tx = context.tx
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tx.plain(f"role.{r.value}"), callback_data=InvitePress(ROLE_CODES[r]).pack()
                )
            ]
            for r in roles
        ]
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(tx("invites.ask_role"), reply_markup=markup)


@handles_domain_errors
async def on_invite_press(update: Update, context: CustomContext) -> None:
    """Pick the department (when there is a choice), then make the invite."""
    query = update.callback_query
    assert query is not None
    press = InvitePress.parse(query.data)
    role = CODE_ROLES.get(press.role)
    if role is None:
        raise BadCallbackData(query.data)
    if role not in invitable_roles(context.me):
        raise NotAllowed()
    tx = context.tx
    message = callback_message(update)
    department_id = press.department_id
    if department_id == 0:
        options = await context.run(staff.invite_options, context.me)
        if not options:
            raise NotAllowed("invites.no_departments")
        if len(options) > 1:
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            name, callback_data=InvitePress(press.role, dep_id).pack()
                        )
                    ]
                    for dep_id, name in options
                ]
            )
            await query.answer()
            await safe_edit(
                message, tx("invites.ask_department", role=tx.plain(f"role.{role.value}")), markup
            )
            return
        department_id = options[0][0]
    ttl = timedelta(hours=context.services.settings.invite_ttl_hours)
    invite = await context.run(
        staff.create_invite,
        context.services.clock,
        context.me,
        role,
        department_id=department_id,
        ttl=ttl,
    )
    await query.answer()
    await safe_edit(
        message,
        tx(
            "invites.created",
            role=tx.plain(f"role.{role.value}"),
            department=invite.department,
            link=deep_link(context.bot.username, invite.code),
            code=invite.code,
            expires=local_datetime(invite.expires_at, context.services.tz),
        ),
    )


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the invite handlers."""
    return [
        CommandHandler("inviter", cmd_inviter),
        CallbackQueryHandler(on_invite_press, pattern=InvitePress.pattern()),
    ]
