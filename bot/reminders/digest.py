"""How reminders look in the chat: one digest message per person, each item with its buttons.

Used by the sweep (the digest), by /paamindelser, and by the weekly overview to leaders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.goals import format_date
from bot.domain.notes import shorten
from bot.reminders.rules import INFORMATIONAL, RULE_CODES, RULE_MANDATORY_GOALS, DueItem
from bot.reminders.stages import DUE, ESCALATION, HEADS_UP, stage_kind
from bot.texts import Markup, Texts

# Buttons for at most this many items per digest (3 each); the rest are listed in the text.
MAX_ITEMS_WITH_BUTTONS = 8
MAX_ITEMS_IN_TEXT = 25
# Telegram takes 4,096 characters per message (counted after the HTML is parsed); the items
# stop at this budget of rendered HTML, which leaves room for the header and the footer.
TEXT_BUDGET = 3300
SECTION_BUDGET = 1500  # the leader's weekly overview, within the same message
TITLE_CHARS = 120
# ReminderPress actions (bot/handlers/callbacks.py): the item's own action, Udsæt 1 dag / uge.
ACT, DAY, WEEK = "a", "d", "w"  # a goal's text in an item (goals may hold 2,000 characters)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item as one person sees it: at which stage (or 'upcoming' in /paamindelser)."""

    item: DueItem
    stage: str


def title(tx: Texts, item: DueItem) -> Markup:
    """Return what the item is, in the reader's language."""
    params = dict(item.params)
    if "text" in params:
        # One line: a goal typed over several lines would otherwise break an overview line
        # apart (and clipping at a line end could cut inside its <i>…</i>).
        params["text"] = shorten(" ".join(params["text"].split()), TITLE_CHARS)
    if item.rule == RULE_MANDATORY_GOALS:
        params["areas"] = ", ".join(
            tx.plain(f"plans.area_{area}") for area in params.get("areas", "").split(", ") if area
        )
    return tx(item.title_key, **params)


def _people(tx: Texts, ids: Sequence[int], names: Mapping[int, str]) -> str:
    shown = [names[i] for i in ids if i in names]
    return ", ".join(shown) if shown else tx.plain("reminders.nobody")


def when(tx: Texts, entry: Entry, today: date, names: Mapping[int, str]) -> Markup:
    """Return the line that says when the item is due and how late it is."""
    item = entry.item
    days = (item.due - today).days
    shown = format_date(item.due)
    kind = stage_kind(entry.stage)
    if item.rule in INFORMATIONAL and days < 0:
        return tx("reminders.when_past", date=shown)  # for information: never "overdue"
    if kind == ESCALATION:
        people = _people(tx, item.responsible, names)
        return tx("reminders.when_escalation", date=shown, days=-days, people=people)
    if days > 1:
        return tx("reminders.when_heads_up", date=shown, days=days)
    if days == 1:
        return tx("reminders.when_tomorrow", date=shown)
    if days == 0:
        return tx("reminders.when_due")
    if days == -1:
        return tx("reminders.when_overdue_one", date=shown)
    return tx("reminders.when_overdue", date=shown, days=-days)


def press(action: str, item: DueItem) -> str:
    """Return the callback data of a button on an item."""
    # Imported here: bot.handlers imports every handler module, one of which imports this
    # module, so a module-level import would make `import bot.reminders.sweep` circular.
    from bot.handlers.callbacks import ReminderPress  # noqa: PLC0415

    return ReminderPress(
        action, RULE_CODES[item.rule], item.subject_id, item.due.toordinal()
    ).pack()


def buttons(tx: Texts, number: int, item: DueItem) -> list[InlineKeyboardButton]:
    """Return an item's buttons: its action (if any), Udsæt 1 dag, Udsæt 1 uge."""
    if item.action == "none":
        return []
    return [
        InlineKeyboardButton(
            tx.plain(f"reminders.btn_{item.action}", number=number),
            callback_data=press(ACT, item),
        ),
        InlineKeyboardButton(
            tx.plain("reminders.btn_day", number=number),
            callback_data=press(DAY, item),
        ),
        InlineKeyboardButton(
            tx.plain("reminders.btn_week", number=number),
            callback_data=press(WEEK, item),
        ),
    ]


def render_items(
    tx: Texts,
    entries: Sequence[Entry],
    today: date,
    names: Mapping[int, str],
    *,
    first_number: int = 1,
    with_buttons: int = MAX_ITEMS_WITH_BUTTONS,
    budget: int = TEXT_BUDGET,
) -> tuple[list[str], list[list[InlineKeyboardButton]]]:
    """Return the text block of each item that fits the budget (at least one), and the
    keyboard rows of the first `with_buttons` of them."""
    blocks: list[str] = []
    rows: list[list[InlineKeyboardButton]] = []
    used = 0
    for offset, entry in enumerate(entries):
        number = first_number + offset
        item = entry.item
        block = tx(
            "reminders.item",
            number=number,
            name=item.params.get("name", ""),
            title=title(tx, item),
            when=when(tx, entry, today, names),
        )
        used += len(block) + 2
        if blocks and used > budget:
            break
        blocks.append(block)
        if offset < with_buttons:
            row = buttons(tx, number, item)
            if row:
                rows.append(row)
    return blocks, rows


def clip(text: str, budget: int) -> str:
    """Cut a rendered section at its last whole line within the budget; the first line (the
    heading) is always kept whole, so a tag is never cut in half."""
    if len(text) <= budget:
        return text
    first_end = text.find("\n")
    if first_end == -1 or first_end >= budget:
        return text if first_end == -1 else text[:first_end] + "\n…"
    kept = text[:budget].rsplit("\n", 1)[0]
    return kept + "\n…"


def digest(
    tx: Texts,
    entries: Sequence[Entry],
    today: date,
    names: Mapping[int, str],
    sections: Sequence[str] = (),
) -> tuple[Markup, InlineKeyboardMarkup | None]:
    """Return one person's digest: their items (most urgent first), then any extra sections."""
    ordered = sorted(entries, key=_urgency)
    # The sections share one budget (a leader of several departments gets one overview each).
    each = SECTION_BUDGET // max(len(sections), 1)
    clipped: list[str] = []
    for number, section in enumerate(sections):
        part = clip(section, each)
        if clipped and sum(map(len, clipped)) + len(part) > 2 * SECTION_BUDGET:
            # A leader of very many departments: the headings alone would not fit.
            clipped.append(tx("reminders.more_departments", count=len(sections) - number))
            break
        clipped.append(part)
    sections = clipped
    budget = TEXT_BUDGET - sum(len(section) for section in sections)
    blocks, rows = render_items(
        tx, ordered[:MAX_ITEMS_IN_TEXT], today, names, budget=max(budget, 600)
    )
    shown = len(blocks)
    if shown > MAX_ITEMS_WITH_BUTTONS:
        blocks.append(tx("reminders.more_buttons", count=MAX_ITEMS_WITH_BUTTONS))
    if len(ordered) > shown:
        blocks.append(tx("reminders.more", count=len(ordered) - shown))
    parts: list[str] = []
    if blocks:
        parts.append(tx("reminders.digest", items=Markup("\n\n".join(blocks))))
    parts.extend(sections)
    return Markup("\n\n".join(parts)), InlineKeyboardMarkup(rows) if rows else None


def _urgency(entry: Entry) -> tuple[int, date, str, str]:
    kind = stage_kind(entry.stage)
    order = {ESCALATION: 0, DUE: 2, HEADS_UP: 3}.get(kind, 1)
    return order, entry.item.due, entry.item.params.get("name", ""), entry.item.rule
