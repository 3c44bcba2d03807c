"""The guided evaluation in the chat: /evaluer NAVN, the evidence, the questions, the decision,
the summary, and the text (and .docx) for the journal with an `Overført til journal` button."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.context import CustomContext
from bot.domain.errors import Conflict, NotFound
from bot.domain.evaluations import (
    Answers,
    EvaluationRecord,
    JournalLabels,
    format_number,
    format_rate,
    journal_heading,
    journal_sections,
    render_journal_text,
)
from bot.domain.goals import Decision, format_date
from bot.domain.notes import split_for_telegram
from bot.domain.scores import DEFAULT_SCALE, LOW_RATE_THRESHOLD, IndicatorScale, Trend
from bot.export.chart import score_chart_png, warm_up
from bot.export.docx import journal_docx
from bot.handlers.callbacks import EvaluationPress
from bot.handlers.common import handles_domain_errors
from bot.handlers.flow import TEXT, Flow, flow_step
from bot.handlers.goals import missing_mandatory_line
from bot.services import evaluations
from bot.services.evaluations import DraftView, Finished, Menu
from bot.services.plans import resolve_resident
from bot.texts import Markup, Texts, escape

log = logging.getLogger(__name__)

ANSWERING = "evaluation_answering"
PART_LIMIT = 3500  # plain characters per message part, well inside Telegram's 4096
BUTTON_LABEL = 48

# EvaluationPress actions
RESIDENT = "r"
GOAL = "g"
SUB_GOAL = "s"
VIEW = "v"
TRANSFER = "t"
TODAY = "dt"
DECIDE = "dd"
KEEP = "dk"
NEXT = "dn"
SAVE = "ds"
DISCARD = "dx"
IN_FLOW = (TODAY, DECIDE, KEEP, NEXT, SAVE, DISCARD)
DECISION_KEYS = {
    Decision.FORTSAET: "journal.decision_fortsaet",
    Decision.JUSTER: "journal.decision_juster",
    Decision.AFSLUT: "journal.decision_afslut",
}
TREND_KEYS = {
    Trend.FOR_FAA: "journal.trend_for_faa",
    Trend.STIGENDE: "journal.trend_stigende",
    Trend.FALDENDE: "journal.trend_faldende",
    Trend.STABIL: "journal.trend_stabil",
}
CHOICES: dict[str, evaluations.Choice] = {TODAY: "today", DECIDE: "decide", KEEP: "keep",
                                          NEXT: "next"}  # fmt: skip


def journal_labels(
    tx: Texts, scale: IndicatorScale = DEFAULT_SCALE, threshold: float = LOW_RATE_THRESHOLD
) -> JournalLabels:
    """Return the journal's words in the bot's language."""
    p = tx.plain
    return JournalLabels(
        title=p("journal.title"),
        resident=p("journal.resident"),
        date=p("journal.date"),
        progress=p("journal.progress"),
        effect=p("journal.effect"),
        methods=p("journal.methods"),
        changes=p("journal.changes"),
        participation=p("journal.participation"),
        decision=p("journal.decision"),
        next_evaluation=p("journal.next_evaluation"),
        no_next_evaluation=p("journal.no_next_evaluation"),
        quantitative=p("journal.quantitative"),
        period=p("journal.period"),
        note_count=p("journal.note_count"),
        missing_work=p("journal.missing_work"),
        score_count=p("journal.score_count"),
        latest_score=p("journal.latest_score"),
        mean_score=p("journal.mean_score"),
        trend=p("journal.trend"),
        response_rate=p("journal.response_rate"),
        low_rate_warning=p("journal.low_rate_warning", threshold=round(threshold * 100)),
        no_scores=p("journal.no_scores"),
        not_available=p("journal.not_available"),
        decisions={d: p(key) for d, key in DECISION_KEYS.items()},
        trends={t: p(key) for t, key in TREND_KEYS.items()},
        scale={v: scale.label(v, tx.locale) for v in scale.values},
        decimal_separator="," if tx.locale == "da" else ".",
    )


def _labels(context: CustomContext) -> JournalLabels:
    settings = context.services.settings
    return journal_labels(context.tx, settings.scale, settings.response_rate_threshold)


def _short(label: str, limit: int = BUTTON_LABEL) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _press(action: str, target: int = 0, arg: int = 0) -> str:
    return EvaluationPress(action, target, arg).pack()


# --- The menu -------------------------------------------------------------------------------


@handles_domain_errors
async def cmd_evaluer(update: Update, context: CustomContext) -> None:
    """Show what can be evaluated for a resident: /evaluer NAVN."""
    message = update.effective_message
    assert message is not None
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(context.tx("evaluations.usage"))
        return
    s = context.services
    choice = await context.read(resolve_resident, s.directory, context.me, query)
    if choice.resident_id is None:
        if not choice.candidates:
            await message.reply_text(context.tx("evaluations.none_found"))
            return
        rows = [
            [InlineKeyboardButton(name, callback_data=_press(RESIDENT, rid))]
            for rid, name in choice.candidates
        ]
        await message.reply_text(
            context.tx("evaluations.choose_resident"), reply_markup=InlineKeyboardMarkup(rows)
        )
        return
    menu = await context.read(evaluations.evaluation_menu, context.me, choice.resident_id)
    await _send_menu(update, context, menu)


_chart_warming = threading.Lock()
_chart_warm: list[threading.Thread] = []


def _warm_chart() -> None:
    """Load matplotlib in the background while the person picks a goal (once per process)."""
    with _chart_warming:
        if not _chart_warm:
            thread = threading.Thread(target=warm_up, name="chart-warm-up", daemon=True)
            _chart_warm.append(thread)
            thread.start()


async def _send_menu(update: Update, context: CustomContext, menu: Menu) -> None:
    tx = context.tx
    rows: list[list[InlineKeyboardButton]] = []
    for target in menu.targets:
        label = _short(target.label)
        if target.mine:
            text = tx.plain("evaluations.button_mine", label=label)
        elif target.draft_holder is not None:
            text = tx.plain("evaluations.button_held", name=target.draft_holder, label=label)
        elif target.next_evaluation_on is not None:
            text = tx.plain(
                "evaluations.button_due", label=label, date=format_date(target.next_evaluation_on)
            )
        else:
            text = label
        action = GOAL if target.kind == "goal" else SUB_GOAL
        rows.append([InlineKeyboardButton(text, callback_data=_press(action, target.id))])
    key = "evaluations.menu" if menu.targets else "evaluations.menu_empty"
    parts = [tx(key, resident=menu.resident_name)]
    if menu.missing:
        parts.append(missing_mandatory_line(tx, menu.missing))
    if menu.past:
        parts.append(tx("evaluations.menu_past"))
        for past in menu.past:
            parts.append(
                tx(
                    "evaluations.past_line",
                    date=format_date(past.evaluated_on),
                    label=_short(past.label, 80),
                    decision=tx.plain(DECISION_KEYS[past.decision]),
                    transferred=tx.plain("evaluations.past_transferred")
                    if past.transferred
                    else "",
                )
            )
            rows.append(
                [
                    InlineKeyboardButton(
                        tx.plain(
                            "evaluations.button_past",
                            date=format_date(past.evaluated_on),
                            label=_short(past.label, 32),
                        ),
                        callback_data=_press(VIEW, past.id),
                    )
                ]
            )
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(
        chat.id, "\n".join(parts), reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )
    if menu.targets:
        _warm_chart()


@handles_domain_errors
async def on_menu_press(update: Update, context: CustomContext) -> None:
    """A resident among candidates, a past evaluation to show, or the transfer mark."""
    query = update.callback_query
    assert query is not None
    press = EvaluationPress.parse(query.data)
    s = context.services
    if press.action == RESIDENT:
        menu = await context.read(evaluations.evaluation_menu, context.me, press.target)
        await query.answer()
        await _send_menu(update, context, menu)
    elif press.action == VIEW:
        finished = await context.run(evaluations.get_evaluation, s.clock, context.me, press.target)
        await query.answer()
        await _send_journal(update, context, finished)
    elif press.action == TRANSFER:
        finished = await context.run(
            evaluations.mark_transferred, s.clock, context.me, press.target
        )
        line = _transferred_line(context, finished)
        await query.answer(line)
        await _drop_buttons(update, context)
        await _say(update, context, context.tx("common.plain", text=line))
    else:
        await query.answer(context.tx.plain("error.bad_button"), show_alert=True)


def _transferred_line(context: CustomContext, finished: Finished) -> str:
    at = finished.transferred_at
    if at is None:
        return ""
    local = at.astimezone(context.services.tz)
    return context.tx.plain(
        "evaluations.transferred",
        name=finished.transferred_by or "?",
        date=format_date(local.date()),
        time=local.strftime("%H:%M"),
    )


# --- The flow -------------------------------------------------------------------------------


@flow_step
async def start_evaluation(update: Update, context: CustomContext) -> str:
    """Open or resume the draft on the chosen goal or sub-goal; show the evidence."""
    query = update.callback_query
    assert query is not None
    press = EvaluationPress.parse(query.data)
    if press.action not in (GOAL, SUB_GOAL):
        raise Conflict("error.bad_button")
    kind: evaluations.Kind = "goal" if press.action == GOAL else "sub_goal"
    return await open_evaluation(update, context, kind, press.target)


async def open_evaluation(
    update: Update, context: CustomContext, kind: evaluations.Kind, target_id: int
) -> str:
    """Open or resume the draft on a goal or sub-goal, show the evidence and ask the first
    open question; the flow's state to go on in. Also where `Evaluer nu` on a reminder lands."""
    s = context.services
    view = await context.run(
        evaluations.start_evaluation,
        s.clock,
        s.tz,
        context.me,
        kind,
        target_id,
        threshold=s.settings.response_rate_threshold,
    )
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert context.user_data is not None
    context.user_data.evaluation_draft_id = view.draft_id
    await _send_evidence(update, context, view)
    await _ask(update, context, view)
    return ANSWERING


@flow_step
async def take_answer(update: Update, context: CustomContext) -> str:
    """Store a typed answer in the draft and ask the next question."""
    message = update.effective_message
    assert message is not None and message.text is not None and context.user_data is not None
    draft_id = context.user_data.evaluation_draft_id
    if draft_id is None:
        raise NotFound("evaluations.draft_gone")
    s = context.services
    view = await context.run(
        evaluations.answer_text,
        s.clock,
        s.tz,
        context.me,
        draft_id,
        message.text,
        threshold=s.settings.response_rate_threshold,
    )
    await _ask(update, context, view)
    return ANSWERING


@flow_step
async def on_flow_press(update: Update, context: CustomContext) -> str | int:
    """A button inside the evaluation: today, the decision, keep, the next date, save, discard."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    press = EvaluationPress.parse(query.data)
    if press.action not in IN_FLOW:
        raise Conflict("error.bad_button")
    s, me, draft_id = context.services, context.me, press.target
    if press.action == SAVE:
        finished = await context.run(
            evaluations.finish_evaluation,
            s.clock,
            s.tz,
            me,
            draft_id,
            threshold=s.settings.response_rate_threshold,
        )
        await query.answer()
        context.user_data.evaluation_draft_id = None
        await _drop_buttons(update, context)
        await _say(update, context, context.tx("evaluations.saved"))
        await _send_journal(update, context, finished)
        return ConversationHandler.END
    if press.action == DISCARD:
        await context.run(evaluations.discard_draft, s.clock, me, draft_id)
        await query.answer()
        context.user_data.evaluation_draft_id = None
        await _drop_buttons(update, context)
        await _say(update, context, context.tx("evaluations.discarded"))
        return ConversationHandler.END
    view = await context.run(
        evaluations.choose,
        s.clock,
        s.tz,
        me,
        draft_id,
        CHOICES[press.action],
        press.arg,
        threshold=s.settings.response_rate_threshold,
    )
    await query.answer()
    # The press belongs to this person's draft (checked by the use case): continue with it,
    # also when the conversation state was lost (a restart inside the persistence interval).
    context.user_data.evaluation_draft_id = view.draft_id
    await _drop_buttons(update, context)
    await _ask(update, context, view)
    return ANSWERING


async def _drop_buttons(update: Update, context: CustomContext) -> None:
    """Take the buttons off the answered question so an old step cannot be pressed again."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    try:
        await context.bot.edit_message_reply_markup(
            query.message.chat.id, query.message.message_id, reply_markup=None
        )
    except TelegramError:  # cosmetic only: the draft has moved on already
        log.debug("could not remove the buttons of an answered step")


async def _say(update: Update, context: CustomContext, text: str) -> None:
    """Send a message into the chat of the update."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text)


async def _send_evidence(update: Update, context: CustomContext, view: DraftView) -> None:
    tx, tz = context.tx, context.services.tz
    evidence = view.evidence
    labels = _labels(context)
    missing_lines = Markup(
        "".join(
            f"\n  – {format_date(day)}: {escape(' '.join(reason.split()))}".rstrip(": ")
            for day, reason in evidence.missing_work
        )
    )
    scores = Markup("")
    summary = evidence.scores
    if summary is not None:
        na = labels.not_available
        rate = na
        if summary.response_rate is not None:
            counts = f"{summary.scored_slots}/{summary.opportunities}"
            rate = f"{format_rate(summary.response_rate, labels)} ({counts})"
        scores = tx(
            "evaluations.evidence_scores",
            count=summary.count,
            latest=na if summary.latest is None else summary.latest,
            mean=na if summary.mean is None else format_number(summary.mean, labels),
            trend=labels.trends[summary.trend],
            rate=rate,
        )
        if summary.low:
            threshold = context.services.settings.response_rate_warning_percent
            scores = Markup(scores + tx("evaluations.evidence_low_rate", threshold=threshold))
    elif view.kind == "goal":
        scores = tx("evaluations.evidence_no_scores")
    latest = Markup("")
    if evidence.latest_notes:
        lines = [
            tx(
                "evaluations.evidence_note",
                date=format_date(when.astimezone(tz).date()),
                author=author,
                text=text,
            )
            for when, author, text in evidence.latest_notes
        ]
        latest = tx("evaluations.evidence_latest", notes=Markup("\n".join(lines)))
    text = tx(
        "evaluations.evidence",
        label=view.target_label,
        resident=view.resident_name,
        start=format_date(evidence.period_start),
        end=format_date(evidence.period_end),
        notes=evidence.note_count,
        missing=len(evidence.missing_work),
        missing_lines=missing_lines,
        scores=scores,
        latest=latest,
    )
    chat = update.effective_chat
    assert chat is not None
    for part in _parts(text):
        await context.bot.send_message(chat.id, part)
    if view.resumed and view.updated_at is not None:
        await context.bot.send_message(
            chat.id,
            tx("evaluations.resumed", date=format_date(view.updated_at.astimezone(tz).date())),
        )
    if summary is not None:
        png = await asyncio.to_thread(
            score_chart_png,
            list(view.chart_points),
            context.services.settings.scale,
            tx.plain(
                "evaluations.chart_title",
                start=format_date(evidence.period_start),
                end=format_date(evidence.period_end),
            ),
            (evidence.period_start, evidence.period_end),
            locale=tx.locale,
            mean_label=tx.plain("evaluations.chart_mean"),
            empty_text=tx.plain("evaluations.chart_empty"),
        )
        await context.bot.send_photo(
            chat.id,
            InputFile(png, filename="score-chart.png"),
            caption=tx(
                "evaluations.chart_caption",
                label=_short(view.target_label, 200),
                start=format_date(evidence.period_start),
                end=format_date(evidence.period_end),
            ),
        )


def _parts(text: str) -> list[str]:
    # Catalogue HTML is short; long user answers are what can push a message over the limit.
    return [text] if len(text) <= PART_LIMIT else split_for_telegram(text, PART_LIMIT)


def _draft_record(view: DraftView) -> EvaluationRecord:
    answers = view.answers
    decision = Decision(answers.get("decision", Decision.FORTSAET.value))
    next_on = answers.get("next_evaluation_on")
    evaluated = answers.get("evaluated_on")
    return EvaluationRecord(
        target_label=view.target_label,
        resident_name=view.resident_name,
        evaluated_on=date.fromisoformat(evaluated) if evaluated else view.today,
        answers=Answers(
            progress=answers.get("progress", ""),
            effect=answers.get("effect", ""),
            methods=answers.get("methods", ""),
            changes=answers.get("changes", ""),
            participation=answers.get("participation", ""),
        ),
        decision=decision,
        next_evaluation_on=date.fromisoformat(next_on) if next_on else None,
        evidence=view.evidence,
    )


async def _ask(update: Update, context: CustomContext, view: DraftView) -> None:
    """Ask the draft's current question, with its buttons."""
    tx = context.tx
    step, d = view.step, view.draft_id
    buttons: list[list[InlineKeyboardButton]] = []
    if step == "date":
        text = tx("evaluations.ask_date")
        buttons = [[InlineKeyboardButton(
            tx.plain("evaluations.button_today", date=format_date(view.today)),
            callback_data=_press(TODAY, d))]]  # fmt: skip
    elif step in evaluations.TEXT_STEPS:
        text = tx(f"evaluations.ask_{step}")
    elif step == "decision":
        text = tx("evaluations.ask_decision")
        buttons = [[
            InlineKeyboardButton(tx.plain(DECISION_KEYS[decision]),
                                 callback_data=_press(DECIDE, d, index))
            for index, decision in enumerate(Decision)
        ]]  # fmt: skip
    elif step in ("adjust_text", "adjust_method"):
        current = view.target_text if step == "adjust_text" else (view.target_method or "-")
        text = tx(f"evaluations.ask_{step}", text=current)
        buttons = [[InlineKeyboardButton(tx.plain("evaluations.button_keep"),
                                         callback_data=_press(KEEP, d))]]  # fmt: skip
    elif step == "next_date":
        proposed = format_date(view.proposed_next) if view.proposed_next else "-"
        text = tx("evaluations.ask_next_date", date=proposed)
        buttons = [[InlineKeyboardButton(tx.plain("evaluations.button_next", date=proposed),
                                         callback_data=_press(NEXT, d))]]  # fmt: skip
    else:
        summary = render_journal_text(_draft_record(view), _labels(context))
        if "new_text" in view.answers:
            summary += tx.plain("evaluations.summary_adjusted", text=view.answers["new_text"])
        if "new_method" in view.answers:
            summary += tx.plain(
                "evaluations.summary_adjusted_method", text=view.answers["new_method"]
            )
        text = tx("evaluations.summary", text=summary)
        buttons = [
            [InlineKeyboardButton(tx.plain("evaluations.button_save"),
                                  callback_data=_press(SAVE, d))],
            [InlineKeyboardButton(tx.plain("evaluations.button_discard"),
                                  callback_data=_press(DISCARD, d))],
        ]  # fmt: skip
    chat = update.effective_chat
    assert chat is not None
    parts = _parts(text)
    for part in parts[:-1]:
        await context.bot.send_message(chat.id, part)
    await context.bot.send_message(
        chat.id, parts[-1], reply_markup=InlineKeyboardMarkup(buttons) if buttons else None
    )


async def _send_journal(update: Update, context: CustomContext, finished: Finished) -> None:
    """Send the journal text (plain, to paste) and the .docx, with the transfer button."""
    tx = context.tx
    labels = _labels(context)
    record = finished.record
    text = render_journal_text(record, labels)
    chat = update.effective_chat
    assert chat is not None
    parts = split_for_telegram(text, PART_LIMIT)
    markup = None
    if finished.transferred_at is None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            tx.plain("evaluations.button_transfer"),
            callback_data=_press(TRANSFER, finished.evaluation_id))]])  # fmt: skip
    heading = journal_heading(record, labels)
    document = journal_docx(
        heading[0], [("", "\n".join(heading[1:])), *journal_sections(record, labels)]
    )
    name = tx.plain(
        "evaluations.docx_name",
        resident="".join(c for c in record.resident_name if c.isalnum()) or "beboer",
        date=record.evaluated_on.isoformat(),
    )
    for part in parts:
        await context.bot.send_message(chat.id, tx("evaluations.journal_text", text=part))
    await context.bot.send_document(
        chat.id, InputFile(document, filename=name), reply_markup=markup
    )
    if finished.transferred_at is not None:
        await context.bot.send_message(
            chat.id, tx("common.plain", text=_transferred_line(context, finished))
        )


def handlers() -> list[BaseHandler[Update, CustomContext, object]]:
    """Return the stateless evaluation handlers: the command and the menu's buttons."""
    return [
        CommandHandler("evaluer", cmd_evaluer),
        CallbackQueryHandler(on_menu_press, pattern=r"^e:[rvt]:"),
    ]


def flow() -> Flow:
    """Return the evaluation flow: a goal or sub-goal picked, then the answers."""
    return Flow(
        entry_points=[
            CallbackQueryHandler(start_evaluation, pattern=r"^e:[gs]:"),
            CallbackQueryHandler(on_flow_press, pattern=r"^e:d[a-z]:"),
        ],
        states={
            ANSWERING: [
                MessageHandler(TEXT, take_answer),
                CallbackQueryHandler(on_flow_press, pattern=r"^e:d[a-z]:"),
            ],
        },
    )
