"""Evaluations of goals and sub-goals: the questions, the evidence and the journal text."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from bot.domain.goals import Decision, format_date
from bot.domain.scores import ScoreSummary, Trend

# The steps of a guided evaluation, in the order of seed 001's evaluation box.
EVALUATION_QUESTIONS: tuple[str, ...] = (
    "date",
    "progress",
    "effect",
    "methods",
    "changes",
    "participation",
)
EMPTY_ANSWER = "-"  # an unanswered question still shows its heading in the journal


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the evaluation rests on: the sub-goal diary, missing work and the scores."""

    period_start: date
    period_end: date
    note_count: int  # notes in the sub-goal diary (delmålsdagbog) in the period
    latest_notes: tuple[tuple[datetime, str, str], ...] = ()  # (when, author, text)
    missing_work: tuple[tuple[date, str], ...] = ()  # (local day, reason), oldest first
    scores: ScoreSummary | None = None  # None for a goal, or a sub-goal without scoring

    def to_dict(self) -> dict[str, Any]:
        """Return the evidence as JSON-ready data (the snapshot stored with the evaluation)."""
        return {
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "note_count": self.note_count,
            "latest_notes": [
                [when.isoformat(), author, text] for when, author, text in self.latest_notes
            ],
            "missing_work": [[day.isoformat(), reason] for day, reason in self.missing_work],
            "scores": None if self.scores is None else _summary_to_dict(self.scores),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        """Rebuild evidence from the data to_dict returned."""
        scores = data.get("scores")
        return cls(
            period_start=date.fromisoformat(data["period_start"]),
            period_end=date.fromisoformat(data["period_end"]),
            note_count=int(data["note_count"]),
            latest_notes=tuple(
                (datetime.fromisoformat(when), str(author), str(text))
                for when, author, text in data.get("latest_notes", ())
            ),
            missing_work=tuple(
                (date.fromisoformat(day), str(reason))
                for day, reason in data.get("missing_work", ())
            ),
            scores=None if scores is None else _summary_from_dict(scores),
        )


def _summary_to_dict(summary: ScoreSummary) -> dict[str, Any]:
    return {field.name: getattr(summary, field.name) for field in fields(summary)}


def _summary_from_dict(data: Mapping[str, Any]) -> ScoreSummary:
    values = {field.name: data[field.name] for field in fields(ScoreSummary)}
    values["trend"] = Trend(values["trend"])
    return ScoreSummary(**values)


@dataclass(frozen=True, slots=True)
class Answers:
    """The kontaktteam's answers; the field names are EVALUATION_QUESTIONS after "date"."""

    progress: str
    effect: str
    methods: str
    changes: str
    participation: str


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """A finished evaluation, ready to be laid out for the journal."""

    target_label: str  # e.g. "Delmål: Mia bruger sit talekort ved måltider"
    resident_name: str
    evaluated_on: date
    answers: Answers
    decision: Decision
    next_evaluation_on: date | None  # None when the goal ends (afslut)
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class JournalLabels:
    """The words of the journal text in one language, taken from the text catalogue.

    Every value is final plain text (no placeholders, no HTML). `decisions` and `trends` name
    each enum member; `scale` names the score values (it may be empty).
    """

    title: str  # Evaluering af mål og delmål
    resident: str  # Beboer
    date: str  # Dato for evaluering
    progress: str  # Hvordan det går med at nå målet/delmålet
    effect: str  # Virkning for barnet/den unge
    methods: str  # Refleksioner over metoder/fremgangsmåde
    changes: str  # Om evalueringen giver anledning til ændringer i mål, delmål, ...
    participation: str  # Barnets/den unges og forældres/værges deltagelse
    decision: str  # Beslutning
    next_evaluation: str  # Næste evaluering
    no_next_evaluation: str  # Ingen: målet afsluttes
    quantitative: str  # Kvantitativt grundlag
    period: str  # Periode
    note_count: str  # Noter i delmålsdagbogen
    missing_work: str  # Manglende arbejde med delmål
    score_count: str  # Antal scores
    latest_score: str  # Seneste score
    mean_score: str  # Gennemsnit
    trend: str  # Udvikling
    response_rate: str  # Svarprocent
    low_rate_warning: str  # the whole warning sentence, threshold already filled in
    no_scores: str  # Ingen scoring af dette mål
    not_available: str  # ikke relevant
    decisions: Mapping[Decision, str]
    trends: Mapping[Trend, str]
    scale: Mapping[int, str]
    decimal_separator: str = ","
    percent_suffix: str = " %"


def format_number(value: float, labels: JournalLabels) -> str:
    """Format a number with one decimal and the language's decimal separator: 3,4."""
    return f"{value:.1f}".replace(".", labels.decimal_separator)


def format_rate(rate: float, labels: JournalLabels) -> str:
    """Format a response rate as whole percent, rounded down so 59.9 % never shows as 60 %."""
    # The epsilon keeps 0.29 (28.999… in binary) at 29.
    return f"{math.floor(rate * 100 + 1e-9)}{labels.percent_suffix}"


def _clean(text: str) -> str:
    """Return answer text with uniform line ends and no trailing blanks, or a dash if empty."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned = "\n".join(line.rstrip() for line in lines).strip("\n")
    return cleaned if cleaned.strip() else EMPTY_ANSWER


def _quantitative(evidence: Evidence, labels: JournalLabels) -> str:
    period = f"{format_date(evidence.period_start)}–{format_date(evidence.period_end)}"
    lines = [
        f"{labels.period}: {period}",
        f"{labels.note_count}: {evidence.note_count}",
        f"{labels.missing_work}: {len(evidence.missing_work)}",
    ]
    lines += [
        f"- {format_date(day)}: {' '.join(reason.split())}"
        if reason.strip()
        else f"- {format_date(day)}"
        for day, reason in evidence.missing_work
    ]
    summary = evidence.scores
    if summary is None:
        lines.append(labels.no_scores)
        return "\n".join(lines)
    na = labels.not_available
    latest = na
    if summary.latest is not None:
        name = labels.scale.get(summary.latest)
        latest = f"{summary.latest} ({name})" if name else str(summary.latest)
    mean = na if summary.mean is None else format_number(summary.mean, labels)
    rate = na
    if summary.response_rate is not None:
        counts = f"{summary.scored_slots}/{summary.opportunities}"
        rate = f"{format_rate(summary.response_rate, labels)} ({counts})"
    lines += [
        f"{labels.score_count}: {summary.count}",
        f"{labels.latest_score}: {latest}",
        f"{labels.mean_score}: {mean}",
        f"{labels.trend}: {labels.trends[summary.trend]}",
        f"{labels.response_rate}: {rate}",
    ]
    if summary.low:
        lines.append(labels.low_rate_warning)
    return "\n".join(lines)


def journal_sections(record: EvaluationRecord, labels: JournalLabels) -> list[tuple[str, str]]:
    """Return the journal text as (heading, body) pairs in the order of the evaluation box."""
    answers = record.answers
    next_on = (
        labels.no_next_evaluation
        if record.next_evaluation_on is None
        else format_date(record.next_evaluation_on)
    )
    sections = [
        (labels.date, format_date(record.evaluated_on)),
        (labels.progress, _clean(answers.progress)),
        (labels.effect, _clean(answers.effect)),
        (labels.methods, _clean(answers.methods)),
        (labels.changes, _clean(answers.changes)),
        (labels.participation, _clean(answers.participation)),
        (labels.decision, labels.decisions[record.decision]),
        (labels.next_evaluation, next_on),
    ]
    if record.evidence is not None:
        sections.append((labels.quantitative, _quantitative(record.evidence, labels)))
    return sections


def journal_heading(record: EvaluationRecord, labels: JournalLabels) -> list[str]:
    """Return the lines above the sections: title, resident and what was evaluated."""
    return [
        labels.title,
        f"{labels.resident}: {' '.join(record.resident_name.split())}",
        " ".join(record.target_label.split()),
    ]


def render_journal_text(record: EvaluationRecord, labels: JournalLabels) -> str:
    """Lay an evaluation out as plain text that pastes cleanly into the journal."""
    blocks = ["\n".join(journal_heading(record, labels))]
    blocks += [f"{heading}\n{body}" for heading, body in journal_sections(record, labels)]
    return "\n\n".join(blocks) + "\n"
