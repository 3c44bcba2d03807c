"""Leaders manage residents in the chat: /beboere to list, add, edit and move out."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import CustomContext
from bot.domain.dates import parse_danish_date
from bot.domain.errors import InvalidInput, NotAllowed
from bot.handlers.callbacks import ResidentPress
from bot.handlers.common import callback_message, handles_domain_errors, safe_edit
from bot.handlers.flow import TEXT, Flow, flow_step, reset_flow_data
from bot.services import residents
from bot.services.residents import EDITABLE_FIELDS, ResidentView
from bot.texts import Markup, Texts

ASK_NAME, ASK_BIRTH, ASK_ENROLMENT, ASK_DEPARTMENT, ASK_CONFIRM, ASK_VALUE, ASK_MOVE_OUT = (
    "ask_name", "ask_birth", "ask_enrolment", "ask_department", "ask_confirm", "ask_value",
    "ask_move_out",
)  # fmt: skip
DATE_FIELDS = {"birth_date", "enrolment_date"}


def _press(action: str, resident_id: int = 0, arg: int = 0) -> str:
    return ResidentPress(action, resident_id, arg).pack()


def _fmt(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def _resident_text(tx: Texts, view: ResidentView) -> Markup:
    status = (
        tx.plain("residents.moved_out_on", date=_fmt(view.moved_out_on))
        if view.moved_out_on
        else ""
    )
    return tx(
        "residents.card",
        name=view.name,
        birth=_fmt(view.birth_date),
        enrolment=_fmt(view.enrolment_date),
        department=view.department,
        caseworker=view.caseworker_name or "–",
        email=view.caseworker_email or "–",
        status=status,
    )


def _resident_markup(tx: Texts, view: ResidentView) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                tx.plain(f"residents.field_{f}"),
                callback_data=_press(ResidentPress.EDIT, view.id, i),
            )
        ]
        for i, f in enumerate(EDITABLE_FIELDS)
    ]
    if view.moved_out_on is None:
        rows.append(
            [
                InlineKeyboardButton(
                    tx.plain("residents.btn_move_out"),
                    callback_data=_press(ResidentPress.MOVE_OUT, view.id),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                tx.plain("residents.btn_list"), callback_data=_press(ResidentPress.LIST)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def _require_leader(context: CustomContext) -> None:
    if not context.me.role.is_leader:
        raise NotAllowed("residents.leaders_only")


async def _list(context: CustomContext) -> tuple[Markup, InlineKeyboardMarkup]:
    tx = context.tx
    views = await context.run(residents.list_residents, context.me)
    rows = [
        [
            InlineKeyboardButton(
                v.name + (" " + tx.plain("residents.moved_out_mark") if v.moved_out_on else ""),
                callback_data=_press(ResidentPress.OPEN, v.id),
            )
        ]
        for v in views[:40]
    ]
    rows.append(
        [
            InlineKeyboardButton(
                tx.plain("residents.btn_add"), callback_data=_press(ResidentPress.ADD)
            )
        ]
    )
    key = "residents.list_title" if views else "residents.list_empty"
    return tx(key, count=len(views)), InlineKeyboardMarkup(rows)


@handles_domain_errors
async def cmd_beboere(update: Update, context: CustomContext) -> None:
    """List the residents with buttons to open each one or add a new one."""
    _require_leader(context)
    text, markup = await _list(context)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


@handles_domain_errors
async def on_resident_press(update: Update, context: CustomContext) -> None:
    """Open a resident, or go back to the list (buttons that need no typing)."""
    query = update.callback_query
    assert query is not None
    press = ResidentPress.parse(query.data)
    _require_leader(context)
    message = callback_message(update)
    if press.action == ResidentPress.OPEN:
        view = await context.run(residents.get_resident, context.me, press.resident_id)
        await query.answer()
        await safe_edit(
            message, _resident_text(context.tx, view), _resident_markup(context.tx, view)
        )
    elif press.action == ResidentPress.LIST:
        text, markup = await _list(context)
        await query.answer()
        await safe_edit(message, text, markup)
    else:
        await query.answer(context.tx.plain("error.button_expired"), show_alert=True)


def _form(context: CustomContext) -> dict[str, str]:
    assert context.user_data is not None
    return context.user_data.resident_form


@flow_step
async def start_add(update: Update, context: CustomContext) -> str:
    """Start adding a resident: ask for the name."""
    _require_leader(context)
    departments = await context.run(residents.manageable_departments, context.me)
    if not departments:
        raise NotAllowed("residents.no_departments")
    reset_flow_data(context)
    form = _form(context)
    form["mode"] = "add"
    assert update.callback_query is not None
    await update.callback_query.answer()
    await callback_message(update).reply_text(context.tx("residents.ask_name"))
    return ASK_NAME


@flow_step
async def take_name(update: Update, context: CustomContext) -> str:
    """Take the name, then ask for the birth date."""
    assert update.effective_message is not None and update.effective_message.text is not None
    _form(context)["name"] = residents.validate_name(update.effective_message.text)
    await update.effective_message.reply_text(context.tx("residents.ask_birth"))
    return ASK_BIRTH


@flow_step
async def take_birth(update: Update, context: CustomContext) -> str:
    """Take the birth date, then ask for the enrolment date."""
    assert update.effective_message is not None and update.effective_message.text is not None
    born = parse_danish_date(update.effective_message.text, context.today)
    residents.validate_birth_date(born, context.today)
    _form(context)["birth"] = born.isoformat()
    await update.effective_message.reply_text(context.tx("residents.ask_enrolment"))
    return ASK_ENROLMENT


@flow_step
async def take_enrolment(update: Update, context: CustomContext) -> str:
    """Take the enrolment date, then ask for the department (or confirm at once)."""
    assert update.effective_message is not None and update.effective_message.text is not None
    form = _form(context)
    enrolled = parse_danish_date(update.effective_message.text, context.today)
    residents.validate_enrolment(enrolled, date.fromisoformat(form["birth"]), context.today)
    form["enrolment"] = enrolled.isoformat()
    departments = await context.run(residents.manageable_departments, context.me)
    if len(departments) == 1:
        form["department_id"] = str(departments[0][0])
        form["department"] = departments[0][1]
        await _ask_confirm(update, context)
        return ASK_CONFIRM
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name, callback_data=_press(ResidentPress.DEPARTMENT, 0, dep_id))]
            for dep_id, name in departments
        ]
    )
    await update.effective_message.reply_text(
        context.tx("residents.ask_department"), reply_markup=markup
    )
    return ASK_DEPARTMENT


async def _ask_confirm(update: Update, context: CustomContext) -> None:
    form, tx = _form(context), context.tx
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tx.plain("residents.btn_confirm"), callback_data=_press(ResidentPress.CONFIRM)
                ),
                InlineKeyboardButton(
                    tx.plain("residents.btn_cancel"), callback_data=_press(ResidentPress.CANCEL)
                ),
            ]
        ]
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        tx(
            "residents.confirm_add",
            name=form["name"],
            birth=_fmt(date.fromisoformat(form["birth"])),
            enrolment=_fmt(date.fromisoformat(form["enrolment"])),
            department=form["department"],
        ),
        reply_markup=markup,
    )


@flow_step
async def take_department(update: Update, context: CustomContext) -> str:
    """Take the department from its button, then confirm."""
    query = update.callback_query
    assert query is not None
    press = ResidentPress.parse(query.data)
    departments = dict(await context.run(residents.manageable_departments, context.me))
    if press.arg not in departments:
        raise NotAllowed()
    form = _form(context)
    form["department_id"] = str(press.arg)
    form["department"] = departments[press.arg]
    await query.answer()
    await _ask_confirm(update, context)
    return ASK_CONFIRM


@flow_step
async def take_confirm(update: Update, context: CustomContext) -> int:
    """Save the new resident, or drop the form."""
    query = update.callback_query
    assert query is not None
    press = ResidentPress.parse(query.data)
    form = _form(context)
    message = callback_message(update)
    if press.action != ResidentPress.CONFIRM:
        form.clear()
        await query.answer()
        await safe_edit(message, context.tx("common.cancelled"))
        return ConversationHandler.END
    view = await context.run(
        residents.add_resident,
        context.services.clock,
        context.me,
        department_id=int(form["department_id"]),
        name=form["name"],
        birth_date=date.fromisoformat(form["birth"]),
        enrolment_date=date.fromisoformat(form["enrolment"]),
        today=context.today,
    )
    form.clear()
    await query.answer()
    await safe_edit(
        message, context.tx("residents.added", name=view.name, department=view.department)
    )
    return ConversationHandler.END


@flow_step
async def start_edit(update: Update, context: CustomContext) -> str:
    """Start editing one field of a resident: ask for the new value."""
    query = update.callback_query
    assert query is not None
    press = ResidentPress.parse(query.data)
    _require_leader(context)
    if not 0 <= press.arg < len(EDITABLE_FIELDS):
        raise InvalidInput("error.bad_button")
    view = await context.run(residents.get_resident, context.me, press.resident_id)
    reset_flow_data(context)
    form = _form(context)
    form.update(mode="edit", resident_id=str(view.id), field=EDITABLE_FIELDS[press.arg])
    await query.answer()
    field_label = context.tx.plain(f"residents.field_{EDITABLE_FIELDS[press.arg]}")
    await callback_message(update).reply_text(
        context.tx("residents.ask_value", field=field_label, name=view.name)
    )
    return ASK_VALUE


@flow_step
async def take_value(update: Update, context: CustomContext) -> int:
    """Save the new value of the field."""
    message = update.effective_message
    assert message is not None and message.text is not None
    form = _form(context)
    field = form.get("field", "")
    value: str | date = message.text
    if field in DATE_FIELDS:
        value = parse_danish_date(message.text, context.today)
    view = await context.run(
        residents.edit_resident,
        context.services.clock,
        context.me,
        int(form["resident_id"]),
        field,
        value,
        today=context.today,
    )
    form.clear()
    await message.reply_text(
        _resident_text(context.tx, view), reply_markup=_resident_markup(context.tx, view)
    )
    return ConversationHandler.END


@flow_step
async def start_move_out(update: Update, context: CustomContext) -> str:
    """Start moving a resident out: ask for the date (today is one tap)."""
    query = update.callback_query
    assert query is not None
    press = ResidentPress.parse(query.data)
    _require_leader(context)
    view = await context.run(residents.get_resident, context.me, press.resident_id)
    reset_flow_data(context)
    form = _form(context)
    form.update(mode="move_out", resident_id=str(view.id))
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    context.tx.plain("residents.btn_today"),
                    callback_data=_press(ResidentPress.MOVE_OUT_TODAY, view.id),
                )
            ]
        ]
    )
    await query.answer()
    await callback_message(update).reply_text(
        context.tx("residents.ask_move_out", name=view.name), reply_markup=markup
    )
    return ASK_MOVE_OUT


@flow_step
async def take_move_out(update: Update, context: CustomContext) -> int:
    """Move the resident out on the typed date, or today from the button."""
    form = _form(context)
    query = update.callback_query
    if query is not None:
        # The button names its resident: an "I dag" under an older question means that one.
        resident_id = ResidentPress.parse(query.data).resident_id
        on = context.today
    else:
        assert update.effective_message is not None and update.effective_message.text is not None
        resident_id = int(form["resident_id"])
        on = parse_danish_date(update.effective_message.text, context.today)
    view = await context.run(
        residents.move_out,
        context.services.clock,
        context.me,
        resident_id,
        on,
        today=context.today,
    )
    if query is not None:
        await query.answer()  # only now: a refusal above must still be able to answer the press
    form.clear()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.tx("residents.moved_out", name=view.name, date=_fmt(on))
    )
    return ConversationHandler.END


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the stateless resident handlers."""
    return [
        CommandHandler("beboere", cmd_beboere),
        CallbackQueryHandler(on_resident_press, pattern=r"^b:[ol]:"),
    ]


def flow() -> Flow:
    """Return the resident flows: add, edit a field, move out."""
    return Flow(
        entry_points=[
            CallbackQueryHandler(start_add, pattern=r"^b:a:"),
            CallbackQueryHandler(start_edit, pattern=r"^b:e:"),
            CallbackQueryHandler(start_move_out, pattern=r"^b:m:"),
        ],
        states={
            ASK_NAME: [MessageHandler(TEXT, take_name)],
            ASK_BIRTH: [MessageHandler(TEXT, take_birth)],
            ASK_ENROLMENT: [MessageHandler(TEXT, take_enrolment)],
            ASK_DEPARTMENT: [CallbackQueryHandler(take_department, pattern=r"^b:d:")],
            ASK_CONFIRM: [CallbackQueryHandler(take_confirm, pattern=r"^b:[cx]:")],
            ASK_VALUE: [MessageHandler(TEXT, take_value)],
            ASK_MOVE_OUT: [
                MessageHandler(TEXT, take_move_out),
                CallbackQueryHandler(take_move_out, pattern=r"^b:mt:"),
            ],
        },
    )
