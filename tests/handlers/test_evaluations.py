"""The guided evaluation in the chat: evidence, the five questions, the decision, the summary,
saving in one transaction, drafts that survive restarts and /annuller, and who may evaluate."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.domain.access import Role
from bot.fakeapi import UploadedFile
from bot.handlers.callbacks import EvaluationPress
from bot.storage.models import (
    DiaryNote,
    Evaluation,
    EvaluationDraft,
    Goal,
    GoalRevision,
    IndicatorScore,
    SubGoal,
)
from tests import factories, goal_factories
from tests.handlers.conftest import HarnessFactory, Team, audit_events
from tests.tg import BotHarness

TODAY = date(2026, 11, 23)  # the clock fixture's day in Copenhagen
NOT_OWNER = "Det er kun beboerens kontaktteam og afdelingens ledere, der arbejder med målene."
SUB_GOAL_TEXT = "Mia bruger sit talekort ved måltider"
ANSWERS = (
    "Mia bruger talekortet ved de fleste måltider.",
    "Færre konflikter ved bordet.",
    "Faste billeder virker bedre end nye.",
    "Metoden justeres: billederne flyttes til bordet.",
    "Mia pegede selv på sine billeder; mor deltog på telefon.",
)


@dataclass(frozen=True)
class Plan:
    goal: int
    sub_goal: int
    leader: dict[str, Any]
    colleague: dict[str, Any]


@pytest.fixture
def plan(bot: BotHarness, team: Team) -> Plan:
    """Mia has a goal with a daily-scored sub-goal; Anna (42) and Carl (44) are her team."""
    now = bot.clock.now()
    goal_id = goal_factories.goal(
        bot.uow, team.mia, now, text="Mia kommunikerer sine ønsker", start_date=date(2026, 9, 1)
    )
    sub_id = goal_factories.sub_goal(
        bot.uow,
        goal_id,
        now,
        text=SUB_GOAL_TEXT,
        scoring_frequency="daily",
        start_date=date(2026, 9, 1),
    )
    factories.staff(bot.uow, 44, Role.MEDARBEJDER, [team.dep_a], now, name="Carl C")
    factories.staff(bot.uow, 45, Role.AFDELINGSLEDER, [team.dep_a], now, name="Lene L")
    with bot.uow() as uow:
        staff_carl = uow.staff.by_telegram_id(44)
        assert staff_carl is not None
        assert staff_carl.id is not None
        uow.contact_teams.add(team.mia, team.staff_a, added_at=now, added_by_id=None)
        uow.contact_teams.add(team.mia, staff_carl.id, added_at=now, added_by_id=None)
        uow.commit()
    _seed_evidence(bot, team, sub_id)
    return Plan(
        goal=goal_id,
        sub_goal=sub_id,
        leader=bot.user(45, "Lene"),
        colleague=bot.user(44, "Carl"),
    )


def _seed_evidence(bot: BotHarness, team: Team, sub_goal_id: int) -> None:
    """Ten days of sub-goal notes and scores, and one missing-work note with a reason."""
    with Session(bot.uow.engine) as session:
        missing_type = next(
            t for name, t in team.types.items() if name == "Manglende arbejde med delmål"
        )
        for day in range(10):
            at = datetime(2026, 11, 10 + day, 10, 0, tzinfo=bot.clock.now().tzinfo)
            session.add(
                DiaryNote(
                    resident_id=team.mia,
                    diary_type_id=team.types["Kommunikationsforhold"],
                    author_id=team.staff_a,
                    text=f"Dag {day}: pegede på billedet af saft",
                    created_at=at,
                    sub_goal_id=sub_goal_id,
                )
            )
            session.add(
                IndicatorScore(
                    sub_goal_id=sub_goal_id,
                    resident_id=team.mia,
                    slot_key=(at.date()).isoformat(),
                    slot_date=at.date(),
                    score=2 + day // 4,
                    author_id=team.staff_a,
                    scored_at=at,
                    created_at=at,
                )
            )
        session.add(
            DiaryNote(
                resident_id=team.mia,
                diary_type_id=missing_type,
                author_id=team.staff_a,
                text="Ingen tid i dag",
                created_at=datetime(2026, 11, 21, 12, 0, tzinfo=bot.clock.now().tzinfo),
                sub_goal_id=sub_goal_id,
                missing_reason="Personalemangel",
            )
        )
        session.commit()


def _drafts(bot: BotHarness) -> list[EvaluationDraft]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(EvaluationDraft)))


def _evaluations(bot: BotHarness) -> list[Evaluation]:
    with Session(bot.uow.engine) as session:
        return list(session.exec(select(Evaluation).order_by(col(Evaluation.id))))


def _sub_goal(bot: BotHarness, sub_goal_id: int) -> SubGoal:
    with Session(bot.uow.engine) as session:
        row = session.get(SubGoal, sub_goal_id)
        assert row is not None
        return row


async def _open_sub_goal(bot: BotHarness, user: dict[str, Any]) -> None:
    await bot.send(user, "/evaluer Mia")
    await bot.press(user, _button_label(bot, user, SUB_GOAL_TEXT[:20]))


def _button_label(bot: BotHarness, user: dict[str, Any], starts: str) -> str:
    for message in reversed(bot.api.messages(user["id"])):
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if starts in button["text"]:
                    return str(button["text"])
    raise AssertionError(f"no button containing {starts!r}")


async def _answer_all(bot: BotHarness, user: dict[str, Any]) -> None:
    for answer in ANSWERS:
        await bot.send(user, answer)


async def test_a_team_member_evaluates_a_sub_goal_from_evidence_to_journal(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user, "/evaluer Mia")
    menu = bot.last(team.user)
    assert menu.text is not None
    assert "Evaluering – Mia" in menu.text
    # Mia's only goal is neither of the two mandatory ones: the menu says so, as /maal does.
    assert "Obligatorisk mål mangler" in menu.text
    await bot.press(team.user, _button_label(bot, team.user, SUB_GOAL_TEXT[:20]))

    texts = bot.texts(team.user)
    evidence = next(t for t in texts if t.startswith("🎯 Delmål"))
    assert "Noter i delmålsdagbogen: 10" in evidence
    assert "Manglende arbejde med delmål: 1" in evidence
    assert "21.11.2026: Personalemangel" in evidence
    # Ten daily scores over 1.9.–23.11. (84 days): far too few to carry the evaluation.
    assert "Svarprocent: 11 % (10/84)" in evidence
    assert "under 60 %" in evidence
    [photo] = bot.api.calls_to("sendPhoto")
    assert photo.ok
    assert bot.last(team.user).text is not None
    assert bot.last(team.user).text.startswith("1. Dato for evaluering")

    await bot.press(team.user, "I dag (23.11.2026)")
    assert bot.last(team.user).text == "2. Hvordan går det med at nå målet/delmålet?"
    await _answer_all(bot, team.user)
    assert (bot.last(team.user).text or "").startswith("Beslutning")
    await bot.press(team.user, "Justér")
    assert (bot.last(team.user).text or "").startswith("Justér teksten")
    await bot.send(team.user, "Mia bruger talekortet ved alle måltider")
    assert (bot.last(team.user).text or "").startswith("Justér fremgangsmåde og metode")
    await bot.press(team.user, "Behold")
    assert (bot.last(team.user).text or "").startswith("Næste evaluering")
    await bot.press(team.user, "Brug 23.2.2027")
    summary = bot.last(team.user).text or ""
    assert summary.startswith("📋 Opsummering")
    assert "Næste evaluering\n23.2.2027" in summary
    assert _evaluations(bot) == []  # nothing is saved before Gem

    await bot.press(team.user, "💾 Gem evaluering")

    [evaluation] = _evaluations(bot)
    assert evaluation.sub_goal_id == plan.sub_goal
    assert evaluation.evaluated_on == TODAY
    assert evaluation.period_start == date(2026, 9, 1)
    assert (evaluation.progress, evaluation.effect, evaluation.methods) == ANSWERS[:3]
    assert (evaluation.changes, evaluation.participation) == ANSWERS[3:]
    assert evaluation.decision == "juster"
    assert evaluation.next_evaluation_on == date(2027, 2, 23)
    assert evaluation.created_by_id == team.staff_a
    sub_goal = _sub_goal(bot, plan.sub_goal)
    assert sub_goal.text == "Mia bruger talekortet ved alle måltider"
    assert sub_goal.version == 2
    assert sub_goal.next_evaluation_on == date(2027, 2, 23)
    with Session(bot.uow.engine) as session:
        [revision] = session.exec(select(GoalRevision)).all()
    assert (revision.sub_goal_id, revision.change, revision.version) == (plan.sub_goal, "adjust", 1)
    assert SUB_GOAL_TEXT in revision.snapshot
    assert _drafts(bot) == []

    journal = next(t for t in bot.texts(team.user) if t.startswith("Evaluering af mål og delmål"))
    headings = [
        "Dato for evaluering\n23.11.2026",
        "Hvordan det går med at nå målet/delmålet\n" + ANSWERS[0],
        "Virkning for barnet/den unge\n" + ANSWERS[1],
        "Refleksioner over metoder/fremgangsmåde\n" + ANSWERS[2],
        "Om evalueringen giver anledning til ændringer i mål, delmål, metode eller "
        "fremgangsmåde\n" + ANSWERS[3],
    ]
    positions = [journal.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Beslutning\nJustér" in journal
    [document] = bot.api.calls_to("sendDocument")
    assert document.ok

    await bot.press(team.user, "📥 Overført til journal")
    [evaluation] = _evaluations(bot)
    assert evaluation.transferred_by_id == team.staff_a
    assert evaluation.transferred_at == bot.clock.now()
    assert bot.texts(team.user)[-1] == "✅ Overført til journal af Anna A 23.11.2026 kl. 10:00."
    assert [e.action for e in audit_events(bot.uow.engine, entity="evaluation")] == [
        "create",
        "transfer",
    ]


async def test_the_docx_holds_the_journal_text(bot: BotHarness, team: Team, plan: Plan) -> None:
    await _open_sub_goal(bot, team.user)
    await bot.press(team.user, "I dag (23.11.2026)")
    await _answer_all(bot, team.user)
    await bot.press(team.user, "Fortsæt")
    await bot.press(team.user, "Brug 23.2.2027")
    await bot.press(team.user, "💾 Gem evaluering")

    [call] = bot.api.calls_to("sendDocument")
    [upload] = [v for v in call.params.values() if isinstance(v, UploadedFile)]
    assert upload.filename == "evaluering-Mia-2026-11-23.docx"
    with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "Virkning for barnet/den unge" in xml
    assert "Færre konflikter ved bordet." in xml


async def test_a_draft_survives_a_restart_and_is_resumed(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await _open_sub_goal(bot, team.user)
    await bot.press(team.user, "I dag (23.11.2026)")
    await bot.send(team.user, ANSWERS[0])

    await bot.restart()

    # The conversation state came back: the next text is the next answer, not a quick note.
    await bot.send(team.user, ANSWERS[1])
    assert bot.last(team.user).text == "4. Refleksioner over metoder/fremgangsmåde"
    [draft] = _drafts(bot)
    assert draft.step == "methods"

    # Days later, after /annuller: /evaluer offers the draft, and it goes on where it stopped.
    await bot.send(team.user, "/annuller")
    assert bot.last(team.user).text == (
        "Evalueringen er sat på pause – dine svar er gemt i kladden. "
        "Fortsæt med /evaluer og beboerens navn."
    )
    assert len(_drafts(bot)) == 1
    bot.clock.advance(timedelta(days=3))
    await bot.send(team.user, "/evaluer Mia")
    await bot.press(team.user, _button_label(bot, team.user, "Kladde"))
    texts = bot.texts(team.user)
    assert any(t.startswith("↩️ Du fortsætter din kladde fra 23.11.2026") for t in texts)
    assert bot.last(team.user).text == "4. Refleksioner over metoder/fremgangsmåde"
    await bot.send(team.user, ANSWERS[2])
    await bot.send(team.user, ANSWERS[3])
    await bot.send(team.user, ANSWERS[4])
    await bot.press(team.user, "Afslut")
    summary = bot.last(team.user).text or ""
    assert "Næste evaluering\nIngen – målet afsluttes" in summary
    await bot.press(team.user, "💾 Gem evaluering")

    [evaluation] = _evaluations(bot)
    assert evaluation.progress == ANSWERS[0]
    assert evaluation.evaluated_on == TODAY  # the date answered before the restart
    assert evaluation.next_evaluation_on is None
    sub_goal = _sub_goal(bot, plan.sub_goal)
    assert (sub_goal.status, sub_goal.ended_on) == ("ended", TODAY)


async def test_a_second_person_is_told_who_holds_the_draft(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await _open_sub_goal(bot, team.user)

    await _open_sub_goal(bot, plan.colleague)

    assert bot.alerts()[-1] == (
        "Anna A er i gang med at evaluere dette (kladde fra 23.11.2026). Tal sammen først."
    )
    [draft] = _drafts(bot)
    assert draft.holder_id == team.staff_a
    # Carl cannot answer in Anna's draft with her buttons either.
    await bot.press_data(plan.colleague, EvaluationPress("dt", draft.id or 0).pack())
    assert bot.alerts()[-1] == "Det er ikke din kladde."
    assert _drafts(bot)[0].step == "date"


async def test_a_goal_evaluation_that_ends_the_goal_ends_its_sub_goals(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(plan.leader, "/evaluer Mia")
    await bot.press(plan.leader, _button_label(bot, plan.leader, "Mål: Mia kommunikerer"))
    evidence = next(t for t in bot.texts(plan.leader) if t.startswith("🎯 Mål"))
    assert "Noter i delmålsdagbogen: 10" in evidence  # the sub-goals' diaries together
    assert "Svarprocent: 11 % (10/84)" in evidence  # and their scores, pooled
    assert len(bot.api.calls_to("sendPhoto")) == 1
    await bot.send(plan.leader, "20.11.2026")
    await _answer_all(bot, plan.leader)
    await bot.press(plan.leader, "Afslut")
    await bot.press(plan.leader, "💾 Gem evaluering")

    [evaluation] = _evaluations(bot)
    assert (evaluation.goal_id, evaluation.sub_goal_id) == (plan.goal, None)
    assert evaluation.evaluated_on == date(2026, 11, 20)
    with Session(bot.uow.engine) as session:
        goal = session.get(Goal, plan.goal)
        sub_goal = session.get(SubGoal, plan.sub_goal)
    assert goal is not None
    assert sub_goal is not None
    assert (goal.status, goal.ended_on) == ("ended", date(2026, 11, 20))
    assert sub_goal.status == "ended"


async def test_bad_dates_are_refused_and_the_step_is_kept(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await _open_sub_goal(bot, team.user)
    await bot.send(team.user, "24.11.2026")
    assert bot.last(team.user).text == "Evalueringsdatoen kan ikke ligge i fremtiden."
    await bot.send(team.user, "hmm")
    assert _drafts(bot)[0].step == "date"
    await bot.send(team.user, "22.11.2026")
    assert _drafts(bot)[0].step == "progress"
    await _answer_all(bot, team.user)
    await bot.press(team.user, "Fortsæt")
    await bot.send(team.user, "1.6.2027")
    assert bot.last(team.user).text == (
        "Næste evaluering skal ligge senest 22.2.2027 (højst 3 måneder)."
    )
    await bot.send(team.user, "   ")
    assert _drafts(bot)[0].step == "next_date"
    await bot.send(team.user, "15.1.2027")
    assert _drafts(bot)[0].step == "summary"
    await bot.press(team.user, "💾 Gem evaluering")
    [evaluation] = _evaluations(bot)
    assert evaluation.next_evaluation_on == date(2027, 1, 15)


async def test_an_old_button_cannot_rewrite_a_passed_step(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await _open_sub_goal(bot, team.user)
    await bot.press(team.user, "I dag (23.11.2026)")
    [draft] = _drafts(bot)
    await bot.press_data(team.user, EvaluationPress("dt", draft.id or 0).pack())
    assert bot.alerts()[-1] == "Den knap hører til et tidligere trin. Se den seneste besked."
    await bot.press_data(team.user, EvaluationPress("dd", draft.id or 0, 7).pack())
    assert _drafts(bot)[0].step == "progress"


async def test_a_medarbejder_outside_the_team_may_not_evaluate(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    outsider = bot.user(46, "Ole")
    factories.staff(bot.uow, 46, Role.MEDARBEJDER, [team.dep_a], bot.clock.now(), name="Ole O")
    await bot.send(outsider, "/evaluer Mia")
    assert bot.last(outsider).text == NOT_OWNER
    await bot.press_data(outsider, EvaluationPress("s", plan.sub_goal).pack())
    assert bot.alerts()[-1] == NOT_OWNER
    assert _drafts(bot) == []


async def test_staff_of_another_department_cannot_find_or_forge_their_way_in(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await bot.send(team.user_b, "/evaluer Mia")
    assert bot.last(team.user_b).text == (
        "Jeg fandt ingen beboer med det navn blandt dine beboere."
    )
    for data in (
        EvaluationPress("s", plan.sub_goal).pack(),
        EvaluationPress("g", plan.goal).pack(),
        EvaluationPress("r", team.mia).pack(),
    ):
        await bot.press_data(team.user_b, data)
        assert bot.alerts()[-1] == "Det har du ikke adgang til."
    assert _drafts(bot) == []
    await bot.press_data(team.user_b, "e:s:xyz")
    await bot.press_data(team.user_b, "e:zz:1:0")
    assert _drafts(bot) == []
    assert audit_events(bot.uow.engine, entity="evaluation_evidence") == []


async def test_a_past_evaluation_is_shown_again_and_a_stranger_cannot_view_it(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await _open_sub_goal(bot, team.user)
    await bot.press(team.user, "I dag (23.11.2026)")
    await _answer_all(bot, team.user)
    await bot.press(team.user, "Fortsæt")
    await bot.press(team.user, "Brug 23.2.2027")
    await bot.press(team.user, "💾 Gem evaluering")
    [evaluation] = _evaluations(bot)

    await bot.send(plan.leader, "/evaluer Mia")
    menu = bot.last(plan.leader).text or ""
    assert "Seneste evalueringer" in menu
    assert "23.11.2026 – Delmål: Mia bruger sit talekort ved måltider – Fortsæt" in menu
    await bot.press(plan.leader, _button_label(bot, plan.leader, "📄 23.11.2026"))
    assert len(bot.api.calls_to("sendDocument")) == 2

    await bot.send(team.user_b, "/hjaelp")  # a bot message to put the forged buttons on
    await bot.press_data(team.user_b, EvaluationPress("v", evaluation.id or 0).pack())
    await bot.press_data(team.user_b, EvaluationPress("t", evaluation.id or 0).pack())
    assert bot.alerts()[-2:] == ["Det har du ikke adgang til.", "Det har du ikke adgang til."]
    assert _evaluations(bot)[0].transferred_at is None


async def test_a_draft_on_a_sub_goal_ended_meanwhile_cannot_be_finished(
    bot: BotHarness, team: Team, plan: Plan
) -> None:
    await _open_sub_goal(bot, team.user)
    await bot.press(team.user, "I dag (23.11.2026)")
    with bot.uow() as uow:
        sub_goal = uow.goals.get_sub_goal(plan.sub_goal)
        assert sub_goal is not None
        sub_goal.status, sub_goal.ended_on = "ended", TODAY
        uow.session.add(sub_goal)
        uow.commit()

    await bot.send(team.user, ANSWERS[0])

    assert bot.last(team.user).text == (
        "Målet eller delmålet er afsluttet og kan ikke evalueres igen."
    )
    [draft] = _drafts(bot)
    assert draft.step == "progress"
    await bot.press_data(team.user, EvaluationPress("dx", draft.id or 0).pack())
    assert _drafts(bot) == []
    assert _evaluations(bot) == []


async def test_the_warning_threshold_and_the_scale_are_settings(
    bot: BotHarness, team: Team, plan: Plan, harness: HarnessFactory
) -> None:
    async with harness(
        response_rate_warning_percent=10, indicator_scale="Ikke endnu;Med hjælp;Selv"
    ) as local:
        await _open_sub_goal(local, team.user)
        evidence = next(t for t in local.texts(team.user) if t.startswith("🎯 Delmål"))
        assert "Svarprocent: 11 % (10/84)" in evidence
        assert "Svarprocenten er under" not in evidence  # 11 % is above a 10 % threshold

        await local.send(team.user, "/score Mia")
        await local.press(team.user, _button_label(local, team.user, SUB_GOAL_TEXT[:20]))
        scale_row = local.last(team.user).reply_markup or {}
        labels = [b["text"] for b in scale_row["inline_keyboard"][0]]
        assert labels == ["1", "2", "3"]
        assert "1 = Ikke endnu\n2 = Med hjælp\n3 = Selv" in (local.last(team.user).text or "")
        await local.press_data(team.user, f"s:v:{plan.sub_goal}:4")  # on the default scale only
        assert local.alerts()[-1] == "Scoren skal være mellem 1 og 3."
