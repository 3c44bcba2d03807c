"""Repositories of the plan: kontaktteams, goals and sub-goals, scores, evaluations. No commits.

Where two units of work can race for the same row (a second score in one slot, two people
starting an evaluation of the same target, a member added twice) the unique constraints of
the tables decide, and the IntegrityError reaches the caller at flush: retrying the use case
in a new unit of work then finds the row the other one made.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import col, select

from bot.storage.base import Repository
from bot.storage.models import (
    ContactTeamMember,
    DiaryNote,
    DiaryType,
    Evaluation,
    EvaluationDraft,
    Goal,
    GoalContext,
    GoalRevision,
    IndicatorScore,
    Staff,
    SubGoal,
)


def _one_target(goal_id: int | None, sub_goal_id: int | None) -> None:
    if (goal_id is None) == (sub_goal_id is None):
        raise ValueError("give exactly one of goal_id and sub_goal_id")


class ContactTeamRepository(Repository):
    """The kontaktteam of each resident."""

    def members(self, resident_id: int) -> list[Staff]:
        """Return the members of a resident's kontaktteam, by name."""
        stmt = (
            select(Staff)
            .join(ContactTeamMember, col(ContactTeamMember.staff_id) == col(Staff.id))
            .where(ContactTeamMember.resident_id == resident_id)
            .order_by(col(Staff.display_name), col(Staff.id))
        )
        return list(self.session.exec(stmt))

    def is_member(self, resident_id: int, staff_id: int) -> bool:
        """Tell whether a person is on a resident's kontaktteam."""
        return self.session.get(ContactTeamMember, (resident_id, staff_id)) is not None

    def residents_of(self, staff_id: int) -> list[int]:
        """Return the ids of the residents whose kontaktteam a person is on."""
        stmt = (
            select(ContactTeamMember.resident_id)
            .where(ContactTeamMember.staff_id == staff_id)
            .order_by(col(ContactTeamMember.resident_id))
        )
        return list(self.session.exec(stmt))

    def add(
        self, resident_id: int, staff_id: int, *, added_at: datetime, added_by_id: int | None
    ) -> bool:
        """Put a person on a resident's kontaktteam; False when already there.

        Two units of work adding the same person at once: the second gets IntegrityError.
        """
        if self.is_member(resident_id, staff_id):
            return False
        self.session.add(
            ContactTeamMember(
                resident_id=resident_id,
                staff_id=staff_id,
                added_at=added_at,
                added_by_id=added_by_id,
            )
        )
        self.session.flush()
        return True

    def remove(self, resident_id: int, staff_id: int) -> bool:
        """Take a person off a resident's kontaktteam; False when they were not on it."""
        row = self.session.get(ContactTeamMember, (resident_id, staff_id))
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True


class GoalRepository(Repository):
    """Goals, their plan contexts, sub-goals and the history of both."""

    def goals_of(self, resident_id: int, *, include_ended: bool = False) -> list[Goal]:
        """Return a resident's goals, oldest start first; active ones only unless asked."""
        stmt = select(Goal).where(Goal.resident_id == resident_id)
        if not include_ended:
            stmt = stmt.where(Goal.status == "active")
        return list(self.session.exec(stmt.order_by(col(Goal.start_date), col(Goal.id))))

    def get(self, goal_id: int, *, lock: bool = False) -> Goal | None:
        """Return a goal by id; lock=True holds its row until commit (PostgreSQL)."""
        return self.session.get(Goal, goal_id, with_for_update=lock)

    def by_external_ref(self, resident_id: int, ref: str) -> Goal | None:
        """Find a resident's goal by its import key."""
        stmt = select(Goal).where(Goal.resident_id == resident_id, Goal.external_ref == ref)
        return self.session.exec(stmt).first()

    def add(self, goal: Goal) -> Goal:
        """Add a goal.

        A second goal with the same (resident, external_ref) raises IntegrityError.
        """
        self.session.add(goal)
        self.session.flush()
        return goal

    def contexts(self, goal_id: int) -> list[DiaryType]:
        """Return the plan contexts (diary types) of a goal in display order."""
        stmt = (
            select(DiaryType)
            .join(GoalContext, col(GoalContext.diary_type_id) == col(DiaryType.id))
            .where(GoalContext.goal_id == goal_id)
            .order_by(col(DiaryType.sort_order), col(DiaryType.name))
        )
        return list(self.session.exec(stmt))

    def set_contexts(self, goal_id: int, diary_type_ids: Iterable[int]) -> None:
        """Make these diary types the goal's plan contexts, removing any others."""
        wanted = set(diary_type_ids)
        current = set(
            self.session.exec(
                select(GoalContext.diary_type_id).where(GoalContext.goal_id == goal_id)
            )
        )
        if current - wanted:
            self.session.exec(
                sa.delete(GoalContext).where(
                    col(GoalContext.goal_id) == goal_id,
                    col(GoalContext.diary_type_id).in_(sorted(current - wanted)),
                )
            )
        for type_id in sorted(wanted - current):
            self.session.add(GoalContext(goal_id=goal_id, diary_type_id=type_id))
        self.session.flush()

    def sub_goals_of(self, goal_id: int, *, include_ended: bool = False) -> list[SubGoal]:
        """Return a goal's sub-goals in the order they were made; active ones unless asked."""
        stmt = select(SubGoal).where(SubGoal.goal_id == goal_id)
        if not include_ended:
            stmt = stmt.where(SubGoal.status == "active")
        return list(self.session.exec(stmt.order_by(col(SubGoal.id))))

    def get_sub_goal(self, sub_goal_id: int, *, lock: bool = False) -> SubGoal | None:
        """Return a sub-goal by id; lock=True holds its row until commit (PostgreSQL)."""
        return self.session.get(SubGoal, sub_goal_id, with_for_update=lock)

    def add_sub_goal(self, sub_goal: SubGoal) -> SubGoal:
        """Add a sub-goal."""
        self.session.add(sub_goal)
        self.session.flush()
        return sub_goal

    def add_revision(
        self,
        *,
        goal_id: int | None = None,
        sub_goal_id: int | None = None,
        version: int,
        snapshot: str,
        change: str,
        changed_at: datetime,
        changed_by_id: int | None,
    ) -> GoalRevision:
        """Keep the fields (snapshot, JSON text) of a goal or sub-goal before a change."""
        _one_target(goal_id, sub_goal_id)
        revision = GoalRevision(
            goal_id=goal_id,
            sub_goal_id=sub_goal_id,
            version=version,
            snapshot=snapshot,
            change=change,
            changed_at=changed_at,
            changed_by_id=changed_by_id,
        )
        self.session.add(revision)
        self.session.flush()
        return revision

    def revisions_of(
        self, *, goal_id: int | None = None, sub_goal_id: int | None = None
    ) -> list[GoalRevision]:
        """Return the earlier versions of one goal or one sub-goal, oldest first."""
        _one_target(goal_id, sub_goal_id)
        stmt = select(GoalRevision)
        if goal_id is not None:
            stmt = stmt.where(GoalRevision.goal_id == goal_id)
        else:
            stmt = stmt.where(GoalRevision.sub_goal_id == sub_goal_id)
        return list(self.session.exec(stmt.order_by(col(GoalRevision.id))))


class ScoreRepository(Repository):
    """Indicator scores: at most one per sub-goal and scoring slot."""

    def upsert(
        self,
        *,
        sub_goal_id: int,
        resident_id: int,
        slot_key: str,
        slot_date: date,
        score: int,
        author_id: int,
        scored_at: datetime,
        now: datetime,
    ) -> tuple[IndicatorScore, int | None]:
        """Store a score in its slot, replacing the slot's earlier one; return it and the old.

        The existing row is locked (PostgreSQL) while it is replaced. When two units of work
        score an empty slot at once, the second gets IntegrityError (uq_indicator_score_slot)
        at flush; a retry then replaces the first one's score.
        """
        stmt = (
            select(IndicatorScore)
            .where(IndicatorScore.sub_goal_id == sub_goal_id, IndicatorScore.slot_key == slot_key)
            .with_for_update()
        )
        row = self.session.exec(stmt).first()
        if row is None:
            row = IndicatorScore(
                sub_goal_id=sub_goal_id,
                resident_id=resident_id,
                slot_key=slot_key,
                slot_date=slot_date,
                score=score,
                author_id=author_id,
                scored_at=scored_at,
                created_at=now,
            )
            self.session.add(row)
            self.session.flush()
            return row, None
        previous = row.score
        row.score = score
        row.author_id = author_id
        row.scored_at = scored_at
        self.session.add(row)
        self.session.flush()
        return row, previous

    def scores_between(
        self, sub_goal_id: int, start_date: date, end_date: date
    ) -> list[IndicatorScore]:
        """Return a sub-goal's scores whose slot lies in [start_date, end_date], oldest first."""
        stmt = (
            select(IndicatorScore)
            .where(
                IndicatorScore.sub_goal_id == sub_goal_id,
                col(IndicatorScore.slot_date) >= start_date,
                col(IndicatorScore.slot_date) <= end_date,
            )
            .order_by(col(IndicatorScore.scored_at), col(IndicatorScore.id))
        )
        return list(self.session.exec(stmt))


class EvaluationRepository(Repository):
    """Finished evaluations of goals and sub-goals."""

    def add(self, evaluation: Evaluation) -> Evaluation:
        """Add an evaluation."""
        self.session.add(evaluation)
        self.session.flush()
        return evaluation

    def get(self, evaluation_id: int) -> Evaluation | None:
        """Return an evaluation by id."""
        return self.session.get(Evaluation, evaluation_id)

    def last_for_goal(self, goal_id: int) -> Evaluation | None:
        """Return the latest evaluation of the goal itself (not of one of its sub-goals)."""
        stmt = (
            select(Evaluation)
            .where(Evaluation.goal_id == goal_id, col(Evaluation.sub_goal_id).is_(None))
            .order_by(col(Evaluation.evaluated_on).desc(), col(Evaluation.id).desc())
        )
        return self.session.exec(stmt).first()

    def last_for_sub_goal(self, sub_goal_id: int) -> Evaluation | None:
        """Return the latest evaluation of a sub-goal."""
        stmt = (
            select(Evaluation)
            .where(Evaluation.sub_goal_id == sub_goal_id)
            .order_by(col(Evaluation.evaluated_on).desc(), col(Evaluation.id).desc())
        )
        return self.session.exec(stmt).first()

    def list_for_resident(self, resident_id: int, limit: int) -> list[Evaluation]:
        """Return a resident's latest evaluations of goals and sub-goals, newest first."""
        stmt = (
            select(Evaluation)
            .where(Evaluation.resident_id == resident_id)
            .order_by(col(Evaluation.evaluated_on).desc(), col(Evaluation.id).desc())
            .limit(limit)
        )
        return list(self.session.exec(stmt))

    def sub_goal_notes(
        self, sub_goal_ids: Iterable[int], start: datetime, end: datetime
    ) -> list[tuple[DiaryNote, str, str]]:
        """Return the sub-goal diary in [start, end): (note, type kind, author), oldest first.

        Deleted notes are left out; the caller splits "Manglende arbejde" notes by kind.
        """
        ids = list(sub_goal_ids)
        if not ids:
            return []
        stmt = (
            select(DiaryNote, DiaryType.kind, Staff.display_name)
            .join(DiaryType, col(DiaryType.id) == col(DiaryNote.diary_type_id))
            .join(Staff, col(Staff.id) == col(DiaryNote.author_id))
            .where(
                col(DiaryNote.sub_goal_id).in_(ids),
                col(DiaryNote.deleted).is_(False),
                col(DiaryNote.created_at) >= start,
                col(DiaryNote.created_at) < end,
            )
            .order_by(col(DiaryNote.created_at), col(DiaryNote.id))
        )
        return [(note, kind, author) for note, kind, author in self.session.exec(stmt)]

    def mark_transferred(self, evaluation_id: int, *, at: datetime, by_id: int) -> bool:
        """Record that an evaluation was put in the journal; False if it already was.

        One conditional UPDATE: of two people marking at once, only the first is recorded.
        """
        result = self.session.exec(
            sa.update(Evaluation)
            .where(col(Evaluation.id) == evaluation_id, col(Evaluation.transferred_at).is_(None))
            .values(transferred_at=at, transferred_by_id=by_id)
        )
        self.session.flush()
        return result.rowcount == 1


class EvaluationDraftRepository(Repository):
    """Evaluations in progress: at most one per target ("goal:12", "sub_goal:34")."""

    def get(self, draft_id: int, *, lock: bool = False) -> EvaluationDraft | None:
        """Return a draft by id; lock=True holds its row until commit (PostgreSQL)."""
        return self.session.get(EvaluationDraft, draft_id, with_for_update=lock)

    def by_target(self, target_key: str, *, lock: bool = False) -> EvaluationDraft | None:
        """Find the draft on a target; lock=True holds its row until commit (PostgreSQL)."""
        stmt = select(EvaluationDraft).where(EvaluationDraft.target_key == target_key)
        if lock:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def add(self, draft: EvaluationDraft) -> EvaluationDraft:
        """Add a draft.

        A second draft on the same target raises IntegrityError, also when two people start
        at the same moment: the caller reports who holds the target.
        """
        self.session.add(draft)
        self.session.flush()
        return draft

    def delete(self, draft: EvaluationDraft) -> None:
        """Remove a draft (finished or abandoned)."""
        self.session.delete(draft)
        self.session.flush()

    def drafts_of(self, holder_id: int) -> list[EvaluationDraft]:
        """Return the drafts a person holds, most recently touched first."""
        stmt = (
            select(EvaluationDraft)
            .where(EvaluationDraft.holder_id == holder_id)
            .order_by(col(EvaluationDraft.updated_at).desc(), col(EvaluationDraft.id).desc())
        )
        return list(self.session.exec(stmt))
