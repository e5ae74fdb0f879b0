"""What the Today dashboard needs of the security checklist, without its models: a
measure's status and the security score (defined in `prodtui.domain.security`'s
docstring, which re-exports these; imported before the first frame)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from fractions import Fraction


class MeasureStatus(StrEnum):
    TODO = "todo"
    IGNORED = "ignored"
    PARTIAL = "partial"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `security.status.<value>`."""
        return f"security.status.{self.value}"


CYCLE: tuple[MeasureStatus, ...] = (
    MeasureStatus.TODO,
    MeasureStatus.PARTIAL,
    MeasureStatus.DONE,
    MeasureStatus.IGNORED,
)
"""The one-key cycle. "Non applicable" is not in it: it needs a justification, so it is
always set explicitly."""

CLOSED = frozenset({MeasureStatus.DONE, MeasureStatus.NOT_APPLICABLE})
"""Statuses after which a due date no longer matters."""

CREDIT: dict[MeasureStatus, Fraction] = {
    MeasureStatus.DONE: Fraction(1),
    MeasureStatus.PARTIAL: Fraction(1, 2),
}


def security_score(measures: Iterable[tuple[bool, MeasureStatus]]) -> float | None:
    """The score of (indispensable, status) pairs, as the module docstring defines it."""
    weighed = Fraction(0)
    weight = 0
    for indispensable, status in measures:
        if status is MeasureStatus.NOT_APPLICABLE:
            continue
        factor = 2 if indispensable else 1
        weight += factor
        weighed += factor * CREDIT.get(status, Fraction(0))
    if weight == 0:
        return None
    exact = 5 * weighed / weight
    return math.floor(exact * 10 + Fraction(1, 2)) / 10
