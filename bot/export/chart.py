"""A PNG chart of a sub-goal's indicator scores over an evaluation period."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Literal

from bot.domain.scores import DEFAULT_SCALE, IndicatorScale

FIGURE_SIZE = (8.0, 4.0)  # inches; at 100 dpi an 800 x 400 picture, sharp on a phone
DPI = 100
LEFT_MARGIN = 0.30  # share of the width kept for "1 Meget stort støttebehov" and the like
LINE_COLOUR = "#1f5f99"
MEAN_COLOUR = "#666666"
MAX_TICKS = 8
_WARM_SCALE = DEFAULT_SCALE


def _day_ticks(span: int) -> list[int]:
    """Return day offsets for at most MAX_TICKS x ticks, a whole number of days apart."""
    step = max(1, -(-span // (MAX_TICKS - 1)))
    if step > 1:
        step = -(-step // 7) * 7 if step > 4 else step  # weeks read better than 5- or 9-day gaps
    return list(range(0, span + 1, step))


def _day_label(day: date) -> str:
    return f"{day.day}.{day.month}."


def warm_up() -> None:
    """Import matplotlib and load its fonts ahead of the first chart (about a second)."""
    score_chart_png([], _WARM_SCALE, "", (date(2000, 1, 1), date(2000, 1, 2)))


def score_chart_png(
    points: list[tuple[date, int]],
    scale: IndicatorScale,
    title: str,
    period: tuple[date, date],
    *,
    locale: Literal["da", "en"] = "da",
    mean_label: str = "",
    empty_text: str = "",
) -> bytes:
    """Draw scores by day as points on a line, with a dotted mean line; return PNG bytes.

    mean_label (e.g. "Gennemsnit") and empty_text (shown when there are no scores) come from
    the caller's text catalogue; the scale labels follow locale.
    """
    # Imported here: matplotlib costs about a second at start-up, and only exports need it.
    # The object API (no pyplot) keeps no global figure state, so threads can draw at once.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    start, end = period
    if end < start:
        raise ValueError("the period ends before it starts")
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((LEFT_MARGIN, 0.14, 0.97 - LEFT_MARGIN, 0.76))
    axes.set_title(title, fontsize=11, loc="left")
    # x is days since the period's start: plain floats, with ticks labelled d.m below.
    # Half a day either side: a one-day period still has a width, and edge points show whole.
    span = (end - start).days
    axes.set_xlim(-0.5, span + 0.5)
    axes.set_ylim(scale.low - 0.5, scale.high + 0.5)
    axes.set_yticks(
        list(scale.values), labels=[f"{v} {scale.label(v, locale)}" for v in scale.values]
    )
    axes.tick_params(labelsize=9)
    # The ticks show day and month only; the full period under them gives the years.
    axes.set_xlabel(f"{_day_label(start)}{start.year}–{_day_label(end)}{end.year}", fontsize=9)
    ticks = _day_ticks(span)
    axes.set_xticks(ticks, labels=[_day_label(start + timedelta(days=t)) for t in ticks])
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    if points:
        ordered = sorted(points)
        days = [float((day - start).days) for day, _ in ordered]
        values = [value for _, value in ordered]
        axes.plot(days, values, color=LINE_COLOUR, linewidth=1.2, marker="o", markersize=3.5)
        mean = sum(values) / len(values)
        axes.axhline(mean, color=MEAN_COLOUR, linestyle=":", linewidth=1.2)
        number = f"{mean:.1f}"
        if locale == "da":
            number = number.replace(".", ",")
        caption = f"{mean_label} {number}".strip()
        axes.annotate(
            caption,
            xy=(1.0, mean),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=8,
            color=MEAN_COLOUR,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.0},
        )
    elif empty_text:
        axes.text(
            0.5,
            0.5,
            empty_text,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=11,
            color=MEAN_COLOUR,
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
