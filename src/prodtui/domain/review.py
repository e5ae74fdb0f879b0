"""The weekly product review: five questions on the health of the product practice,
answered yes / partly / no with a comment, once per ISO week.

Weeks are ISO 8601 labels such as `2026-W48` (what the demo and the schema store); they
sort in time order as text. An answer scores 2 (yes), 1 (partly) or 0 (no).

The trend of a question
-----------------------
Over the answered weeks among the last `TREND_WEEKS` (4) weeks ending at a given week,
oldest first, the newer half is compared with the older half (for three answers, the
newest with the oldest; the middle one is left out): a higher mean score is *better*,
a lower one *worse*, an equal one *same*. With fewer than two answers there is no trend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, field_validator

from prodtui.domain.base import CleanText, Record
from prodtui.domain.errors import ProdtuiError

TREND_WEEKS = 4
HISTORY_WEEKS = 8
"""How many weeks of marks the review screen shows per question."""
MAX_COMMENT = 2_000
WEEK_PATTERN = r"^\d{4}-W\d{2}$"


class ReviewQuestion(StrEnum):
    """The questions, in the order they are asked; values are the stored keys."""

    ROLES = "roles"
    TEAM_FLOW = "team_flow"
    PRACTICES = "practices"
    SECURITY_ROADMAP = "security_roadmap"
    STORIES_RECETTE = "stories_recette"

    @property
    def label_key(self) -> str:
        """The catalogue key of the full question: `review.question.<value>`."""
        return f"review.question.{self.value}"

    @property
    def short_key(self) -> str:
        """The catalogue key of its short name, for tables: `review.short.<value>`."""
        return f"review.short.{self.value}"


QUESTIONS: tuple[ReviewQuestion, ...] = tuple(ReviewQuestion)


class ReviewAnswer(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label_key(self) -> str:
        return f"review.answer.{self.value}"

    @property
    def score(self) -> int:
        return SCORES[self]

    @property
    def mark(self) -> str:
        """A single-cell symbol that survives SSH: ● yes, ◐ partly, ○ no."""
        return MARKS[self]


SCORES: dict[ReviewAnswer, int] = {ReviewAnswer.YES: 2, ReviewAnswer.PARTLY: 1, ReviewAnswer.NO: 0}
MARKS: dict[ReviewAnswer, str] = {
    ReviewAnswer.YES: "●",
    ReviewAnswer.PARTLY: "◐",
    ReviewAnswer.NO: "○",
}
NO_MARK = "·"
"""A week without an answer."""


class Trend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"

    @property
    def label_key(self) -> str:
        return f"review.trend.{self.value}"


class HealthReview(Record):
    """One answer: a question of a week."""

    week: str = Field(pattern=WEEK_PATTERN)
    question: ReviewQuestion
    answer: ReviewAnswer
    comment: CleanText = Field(default="", max_length=MAX_COMMENT)

    @field_validator("week")
    @classmethod
    def _real_week(cls, value: str) -> str:
        parse_week(value)
        return value


class BadWeek(ProdtuiError):
    def __init__(self, value: str) -> None:
        super().__init__("review.bad_week", value=value)


# --- Weeks ---------------------------------------------------------------------------------


def week_of(day: date) -> str:
    """The ISO week label of a day: `2026-W48`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(label: str) -> date:
    """The Monday of an ISO week label; BadWeek for `2026-W54` or `hello`."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", label.strip())
    if match is None:
        raise BadWeek(label)
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as error:
        raise BadWeek(label) from error


def shift_week(label: str, weeks: int) -> str:
    """The week `weeks` weeks after (or before, when negative) `label`."""
    return week_of(parse_week(label) + timedelta(weeks=weeks))


def weeks_until(label: str, count: int) -> list[str]:
    """The `count` weeks ending at `label`, oldest first."""
    return [shift_week(label, -n) for n in range(count - 1, -1, -1)]


def week_days(label: str) -> tuple[date, date]:
    """Monday and Sunday of the week."""
    monday = parse_week(label)
    return monday, monday + timedelta(days=6)


# --- Trend -------------------------------------------------------------------------------


def trend(answers: Sequence[ReviewAnswer | None]) -> Trend | None:
    """The trend of answers given oldest first (None for a week without an answer); see
    the module docstring. Pass the last `TREND_WEEKS` weeks."""
    scores = [answer.score for answer in answers if answer is not None]
    half = len(scores) // 2
    if half == 0:
        return None
    older, newer = scores[:half], scores[-half:]
    difference = sum(newer) - sum(older)  # same length: comparing sums compares means
    if difference > 0:
        return Trend.BETTER
    if difference < 0:
        return Trend.WORSE
    return Trend.SAME
