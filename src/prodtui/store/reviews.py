"""The weekly review's answers: one row per (week, question), audited like every edit."""

from __future__ import annotations

import sqlite3
from datetime import date
from enum import Enum

from prodtui.domain.errors import ConflictError
from prodtui.domain.review import (
    QUESTIONS,
    TREND_WEEKS,
    HealthReview,
    ReviewAnswer,
    ReviewQuestion,
    Trend,
    trend,
    week_of,
    weeks_until,
)
from prodtui.store.base import Repository


class Latest(Enum):
    """The answer as stored now (`ReviewRepository.answer` without what the user saw)."""

    LATEST = "latest"


LATEST = Latest.LATEST


class ReviewRepository(Repository[HealthReview]):
    table = "health_reviews"
    model = HealthReview

    # -- reading ----------------------------------------------------------------------------

    def week(self, week: str) -> dict[ReviewQuestion, HealthReview]:
        """The answers of one week, by question (unanswered questions are missing)."""
        rows = self.ws.rows("SELECT * FROM health_reviews WHERE week = ?", [week])
        answers = [HealthReview.model_validate(row) for row in rows]
        return {a.question: a for a in answers}

    def pending(self, today: date) -> bool:
        """True while this week's review has a question without an answer."""
        count = self.ws.conn.execute(
            "SELECT count(*) FROM health_reviews WHERE week = ? AND question IN ("
            + ", ".join("?" * len(QUESTIONS))
            + ")",
            [week_of(today), *(q.value for q in QUESTIONS)],
        ).fetchone()[0]
        return int(count) < len(QUESTIONS)

    def answered_before(self) -> bool:
        """Whether any week was ever reviewed in this workspace."""
        return self.ws.conn.execute("SELECT 1 FROM health_reviews LIMIT 1").fetchone() is not None

    def history(
        self, question: ReviewQuestion, *, before: str | None = None, limit: int = 12
    ) -> list[HealthReview]:
        """One question's answers, newest week first, a page at a time: pass the oldest
        week of a page as `before` for the next one."""
        rows = self.ws.rows(
            "SELECT * FROM health_reviews WHERE question = ? AND week < ?"
            " ORDER BY week DESC LIMIT ?",
            [question.value, before or "9999", limit],
        )
        return [HealthReview.model_validate(row) for row in rows]

    def marks(self, weeks: list[str]) -> dict[ReviewQuestion, list[ReviewAnswer | None]]:
        """For each question, its answer in each of `weeks` (None when unanswered), in the
        order of `weeks`; one query over the span."""
        found: dict[tuple[str, str], ReviewAnswer] = {}
        if weeks:
            for week, question, answer in self.ws.conn.execute(
                "SELECT week, question, answer FROM health_reviews WHERE week BETWEEN ? AND ?",
                [min(weeks), max(weeks)],
            ):
                found[(week, question)] = ReviewAnswer(answer)
        return {q: [found.get((week, q.value)) for week in weeks] for q in QUESTIONS}

    def trend(self, question: ReviewQuestion, week: str) -> Trend | None:
        """The question's trend over the `TREND_WEEKS` weeks ending at `week`."""
        return trend(self.marks(weeks_until(week, TREND_WEEKS))[question])

    def trends(self, week: str) -> dict[ReviewQuestion, Trend | None]:
        marks = self.marks(weeks_until(week, TREND_WEEKS))
        return {q: trend(answers) for q, answers in marks.items()}

    # -- writing ----------------------------------------------------------------------------

    def save(self, review: HealthReview) -> HealthReview:
        """Insert a new answer or update a read one (optimistic, audited). Answering a
        question another session answered first, for the same week, is a conflict."""
        if review.id is not None:
            return self._update(review)
        try:
            return self._insert(review)
        except sqlite3.IntegrityError as error:
            theirs = self.week(review.week).get(review.question)
            if theirs is None:
                raise
            raise ConflictError(self.table, review, theirs) from error

    def answer(
        self,
        week: str,
        question: ReviewQuestion,
        answer: ReviewAnswer,
        comment: str | None = None,
        *,
        seen: HealthReview | Latest | None = LATEST,
    ) -> HealthReview:
        """Answer a question of a week, keeping its comment unless one is given.

        `seen` is the answer the user was shown (None: unanswered). A screen passes it, so
        that an answer another session saved meanwhile is a ConflictError, never silently
        overwritten. Without it (a script, the demo) the stored answer is read and updated."""
        with self.ws.transaction():
            current = self.week(week).get(question) if seen is LATEST else seen
            if current is None:
                return self.save(
                    HealthReview(week=week, question=question, answer=answer, comment=comment or "")
                )
            changes: dict[str, object] = {"answer": answer}
            if comment is not None:
                changes["comment"] = comment
            return self.save(current.edit(**changes))
