"""Evaluations: the question order, the evidence snapshot and the journal text."""

from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from datetime import UTC, date, datetime

import pytest

from bot.domain.evaluations import (
    EMPTY_ANSWER,
    EVALUATION_QUESTIONS,
    Answers,
    EvaluationRecord,
    Evidence,
    JournalLabels,
    format_number,
    format_rate,
    journal_sections,
    render_journal_text,
)
from bot.domain.goals import Decision
from bot.domain.scores import DEFAULT_SCALE, ScoreSummary, Trend

# The labels a caller builds from the text catalogue; here written out as the spec gives them.
DA = JournalLabels(
    title="Evaluering af mål og delmål",
    resident="Beboer",
    date="Dato for evaluering",
    progress="Hvordan det går med at nå målet/delmålet",
    effect="Virkning for barnet/den unge",
    methods="Refleksioner over metoder/fremgangsmåde",
    changes=(
        "Om evalueringen giver anledning til ændringer i mål, delmål, metode eller fremgangsmåde"
    ),
    participation="Barnets/den unges og forældres/værges deltagelse",
    decision="Beslutning",
    next_evaluation="Næste evaluering",
    no_next_evaluation="Ingen: målet afsluttes",
    quantitative="Kvantitativt grundlag",
    period="Periode",
    note_count="Noter i delmålsdagbogen",
    missing_work="Manglende arbejde med delmål",
    score_count="Antal scores",
    latest_score="Seneste score",
    mean_score="Gennemsnit",
    trend="Udvikling",
    response_rate="Svarprocent",
    low_rate_warning="Svarprocenten er under 60 %: tallene kan ikke bære evalueringen.",
    no_scores="Delmålet scores ikke.",
    not_available="ikke relevant",
    decisions={Decision.FORTSAET: "Fortsæt", Decision.JUSTER: "Justér", Decision.AFSLUT: "Afslut"},
    trends={
        Trend.FOR_FAA: "for få scores",
        Trend.STIGENDE: "stigende",
        Trend.FALDENDE: "faldende",
        Trend.STABIL: "stabil",
    },
    scale={level.value: level.label_da for level in DEFAULT_SCALE.levels},
)
EN = replace(
    DA,
    period="Period",
    mean_score="Mean",
    response_rate="Response rate",
    decimal_separator=".",
    percent_suffix="%",
)
FIVE_HEADINGS = [DA.date, DA.progress, DA.effect, DA.methods, DA.changes]

SUMMARY = ScoreSummary(
    count=45,
    latest=4,
    mean=3.4222,
    trend=Trend.STIGENDE,
    response_rate=45 / 62,
    low=False,
    scored_slots=45,
    opportunities=62,
)
EVIDENCE = Evidence(
    period_start=date(2026, 9, 1),
    period_end=date(2026, 11, 23),
    note_count=14,
    latest_notes=((datetime(2026, 11, 20, 9, 30, tzinfo=UTC), "Ole", "Mia pegede på saften."),),
    missing_work=((date(2026, 10, 3), "Sygdom"), (date(2026, 10, 12), "")),
    scores=SUMMARY,
)
ANSWERS = Answers(
    progress="Mia bruger talekortet ved frokost.\nOfte uden hjælp.",
    effect="Hun er roligere ved bordet.",
    methods="Vi venter roligt på svaret.",
    changes="Ingen ændringer.",
    participation="Mia pegede på kortene; mor deltog i mødet.",
)
RECORD = EvaluationRecord(
    target_label="Delmål: Mia bruger sit talekort ved måltider",
    resident_name="Mia",
    evaluated_on=date(2026, 11, 23),
    answers=ANSWERS,
    decision=Decision.FORTSAET,
    next_evaluation_on=date(2027, 2, 23),
    evidence=EVIDENCE,
)


def block_under(text: str, heading: str) -> str:
    """Return the lines between a heading line and the next blank line."""
    lines = text.split("\n")
    start = lines.index(heading) + 1
    end = lines.index("", start)
    return "\n".join(lines[start:end])


# --- questions and answers ---------------------------------------------------------------


def test_questions_follow_the_evaluation_box() -> None:
    assert EVALUATION_QUESTIONS == (
        "date",
        "progress",
        "effect",
        "methods",
        "changes",
        "participation",
    )


def test_answers_hold_one_field_per_question_after_the_date() -> None:
    assert [field.name for field in fields(Answers)] == list(EVALUATION_QUESTIONS[1:])


# --- the journal text --------------------------------------------------------------------


def test_headings_come_in_the_order_of_the_spec() -> None:
    lines = render_journal_text(RECORD, DA).split("\n")
    order = [
        *FIVE_HEADINGS,
        DA.participation,
        DA.decision,
        DA.next_evaluation,
        DA.quantitative,
    ]
    positions = [lines.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_the_text_opens_with_title_resident_and_target() -> None:
    lines = render_journal_text(RECORD, DA).split("\n")
    assert lines[:4] == [
        "Evaluering af mål og delmål",
        "Beboer: Mia",
        "Delmål: Mia bruger sit talekort ved måltider",
        "",
    ]


@pytest.mark.parametrize(
    ("heading", "body"),
    [
        pytest.param(DA.date, "23.11.2026", id="date"),
        pytest.param(DA.progress, ANSWERS.progress, id="progress"),
        pytest.param(DA.effect, "Hun er roligere ved bordet.", id="effect"),
        pytest.param(DA.methods, "Vi venter roligt på svaret.", id="methods"),
        pytest.param(DA.changes, "Ingen ændringer.", id="changes"),
        pytest.param(DA.participation, ANSWERS.participation, id="participation"),
        pytest.param(DA.decision, "Fortsæt", id="decision"),
        pytest.param(DA.next_evaluation, "23.2.2027", id="next"),
    ],
)
def test_each_answer_stands_under_its_heading(heading: str, body: str) -> None:
    assert block_under(render_journal_text(RECORD, DA), heading) == body


def test_quantitative_block_in_danish() -> None:
    assert block_under(render_journal_text(RECORD, DA), DA.quantitative).split("\n") == [
        "Periode: 1.9.2026–23.11.2026",
        "Noter i delmålsdagbogen: 14",
        "Manglende arbejde med delmål: 2",
        "- 3.10.2026: Sygdom",
        "- 12.10.2026",
        "Antal scores: 45",
        "Seneste score: 4 (Lidt støttebehov)",
        "Gennemsnit: 3,4",
        "Udvikling: stigende",
        "Svarprocent: 72 % (45/62)",
    ]


def test_quantitative_block_in_english_uses_points_and_tight_percent() -> None:
    block = block_under(render_journal_text(RECORD, EN), EN.quantitative)
    assert "Mean: 3.4" in block
    assert "Response rate: 72% (45/62)" in block
    assert "Period: 1.9.2026–23.11.2026" in block


def test_low_response_rate_carries_the_warning() -> None:
    low = replace(SUMMARY, response_rate=0.5, low=True, scored_slots=31)
    record = replace(RECORD, evidence=replace(EVIDENCE, scores=low))
    block = block_under(render_journal_text(record, DA), DA.quantitative)
    assert block.endswith("Svarprocent: 50 % (31/62)\n" + DA.low_rate_warning)
    assert DA.low_rate_warning not in render_journal_text(RECORD, DA)


def test_a_period_without_scores_or_rate_says_so() -> None:
    empty = ScoreSummary(0, None, None, Trend.FOR_FAA, None, False, 0, 0)
    record = replace(RECORD, evidence=replace(EVIDENCE, scores=empty))
    block = block_under(render_journal_text(record, DA), DA.quantitative)
    assert "Seneste score: ikke relevant" in block
    assert "Gennemsnit: ikke relevant" in block
    assert "Udvikling: for få scores" in block
    assert "Svarprocent: ikke relevant" in block


def test_a_sub_goal_without_scoring_says_so() -> None:
    record = replace(RECORD, evidence=replace(EVIDENCE, scores=None))
    block = block_under(render_journal_text(record, DA), DA.quantitative)
    assert block.split("\n")[-1] == DA.no_scores
    assert "Svarprocent" not in block


def test_without_evidence_there_is_no_quantitative_block() -> None:
    text = render_journal_text(replace(RECORD, evidence=None), DA)
    assert DA.quantitative not in text
    assert text.endswith("Næste evaluering\n23.2.2027\n")


def test_an_ended_goal_has_no_next_evaluation() -> None:
    record = replace(RECORD, decision=Decision.AFSLUT, next_evaluation_on=None)
    text = render_journal_text(record, DA)
    assert block_under(text, DA.decision) == "Afslut"
    assert block_under(text, DA.next_evaluation) == DA.no_next_evaluation


def test_a_latest_score_off_the_label_map_shows_the_number_alone() -> None:
    record = replace(RECORD, evidence=replace(EVIDENCE, scores=replace(SUMMARY, latest=4)))
    block = block_under(render_journal_text(record, replace(DA, scale={})), DA.quantitative)
    assert "Seneste score: 4\n" in block


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        pytest.param("", EMPTY_ANSWER, id="empty"),
        pytest.param("  \n \r\n", EMPTY_ANSWER, id="blank"),
        pytest.param("a\r\nb\rc", "a\nb\nc", id="windows-and-old-mac-line-ends"),
        pytest.param("\n\nfirst  \nsecond\t\n\n", "first\nsecond", id="outer-blank-lines-trimmed"),
        pytest.param("  indented", "  indented", id="leading-spaces-kept"),
    ],
)
def test_answers_are_tidied_for_pasting(answer: str, shown: str) -> None:
    record = replace(RECORD, answers=replace(ANSWERS, effect=answer))
    assert block_under(render_journal_text(record, DA), DA.effect) == shown


def test_the_text_is_plain_no_html_or_markdown() -> None:
    hostile = "<b>fed</b> & *stjerne* _under_ # hash `kode`"
    record = replace(RECORD, answers=replace(ANSWERS, methods=hostile))
    text = render_journal_text(record, DA)
    assert block_under(text, DA.methods) == hostile  # user text verbatim, not escaped
    layout = text.replace(hostile, "")
    assert not re.search(r"[<>*_#`]|&\w+;", layout)
    assert text.endswith("\n")
    assert "\r" not in text


def test_sections_match_the_text() -> None:
    sections = journal_sections(RECORD, DA)
    assert [heading for heading, _ in sections[:5]] == FIVE_HEADINGS
    text = render_journal_text(RECORD, DA)
    assert all(f"{heading}\n{body}\n" in text for heading, body in sections)


# --- number formats ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "danish", "english"),
    [
        pytest.param(45 / 62, "72 %", "72%", id="72"),
        pytest.param(0.599, "59 %", "59%", id="just-under-60-never-rounds-up"),
        pytest.param(0.29, "29 %", "29%", id="binary-fraction"),
        pytest.param(0.0, "0 %", "0%", id="none"),
        pytest.param(1.0, "100 %", "100%", id="all"),
    ],
)
def test_format_rate(rate: float, danish: str, english: str) -> None:
    assert format_rate(rate, DA) == danish
    assert format_rate(rate, EN) == english


@pytest.mark.parametrize(
    ("value", "danish", "english"),
    [
        pytest.param(3.4222, "3,4", "3.4", id="rounds-down"),
        pytest.param(3.96, "4,0", "4.0", id="rounds-up"),
        pytest.param(5.0, "5,0", "5.0", id="whole"),
    ],
)
def test_format_number(value: float, danish: str, english: str) -> None:
    assert format_number(value, DA) == danish
    assert format_number(value, EN) == english


# --- the evidence snapshot ---------------------------------------------------------------


@pytest.mark.parametrize(
    "evidence",
    [
        pytest.param(EVIDENCE, id="full"),
        pytest.param(replace(EVIDENCE, scores=None, latest_notes=(), missing_work=()), id="bare"),
    ],
)
def test_evidence_survives_a_json_round_trip(evidence: Evidence) -> None:
    stored = json.dumps(evidence.to_dict(), ensure_ascii=False)
    assert Evidence.from_dict(json.loads(stored)) == evidence


def test_evidence_json_keeps_the_trend_as_its_value() -> None:
    data = json.loads(json.dumps(EVIDENCE.to_dict()))
    assert data["scores"]["trend"] == "stigende"
    assert data["period_start"] == "2026-09-01"
