"""Security measures, their state in the workspace, and the security score.

A measure comes from a referential (the shipped one, an imported one) or from the team
(`custom`); the workspace keeps its own copy of every measure, so editing a referential
file changes no workspace. Each measure has one state: status, owner, due date, how it
is done, evidence, comment, the justification of a measure that does not apply, and the
story that plans it.

The security score
------------------
An index from 0 to 5, computed per category and overall, from the measures that apply
(a measure marked "Non applicable" is left out of both numerator and denominator)::

    score = 5 × (2 × done_ind + done_rec) / (2 × n_ind + n_rec)

- `n_ind`, `n_rec`: how many indispensable and recommended (not indispensable) measures
  apply;
- `done_ind`, `done_rec`: the same measures counted 1 when "Faite", 0.5 when
  "Partielle", 0 otherwise ("À lancer", "Non prise en compte");
- an indispensable measure weighs twice a recommended one;
- the result is rounded half up to one decimal (2.25 → 2.3); with no applicable measure
  there is no score (None).

The validity the score suggests for the homologation (`suggested_validity`), from the
rounded score: below 2 → 6 months; from 2 (included) to 3 → 12 months; from 3 (included)
to 4 → 24 months; 4 and above → 36 months. So 1.99 → 6, 2.0 → 12, 2.99 → 12, 3.0 → 24,
4.0 → 36, 5.0 → 36.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field, model_validator

from prodtui.domain.base import CleanText, Record
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.items import MAX_TEXT

CODE_PATTERN = r"^[A-Z][A-Z0-9]{0,9}-[0-9]{1,4}$"
"""`GOUV-01`, `PROT-12`, or a team's own `EQ-1`."""
MAX_TITLE = 200
MAX_OWNER = 120


class Category(StrEnum):
    GOUVERNANCE = "gouvernance"
    PROTECTION = "protection"
    DEFENSE = "defense"
    RESILIENCE = "resilience"

    @property
    def label_key(self) -> str:
        """The catalogue key of its name: `security.category.<value>`."""
        return f"security.category.{self.value}"


CATEGORIES: tuple[Category, ...] = tuple(Category)
"""The display order of the checklist."""


class Priority(StrEnum):
    """P1 before going live, P2 within the year, P3 to plan."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


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

    @property
    def label(self) -> str:
        """The French label, as the homologation dossier names it."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[MeasureStatus, str] = {
    MeasureStatus.TODO: "À lancer",
    MeasureStatus.IGNORED: "Non prise en compte",
    MeasureStatus.PARTIAL: "Partielle",
    MeasureStatus.DONE: "Faite",
    MeasureStatus.NOT_APPLICABLE: "Non applicable",
}

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


def next_status(status: MeasureStatus) -> MeasureStatus:
    """todo → partial → done → ignored → todo; a measure that does not apply goes back to
    todo (leaving "Non applicable" needs no justification, entering it does)."""
    if status not in CYCLE:
        return MeasureStatus.TODO
    return CYCLE[(CYCLE.index(status) + 1) % len(CYCLE)]


class JustificationRequired(ProdtuiError):
    """A measure marked "Non applicable" must say why."""

    def __init__(self, code: str = "") -> None:
        super().__init__("security.justification_required", code=code)


class MeasureCodeTaken(ProdtuiError):
    def __init__(self, code: str) -> None:
        super().__init__("security.code_taken", code=code)


class Measure(Record):
    """A measure of the workspace's own copy of its referential."""

    code: str = Field(pattern=CODE_PATTERN)
    category: Category
    title: CleanText = Field(min_length=1, max_length=MAX_TITLE)
    description: CleanText = Field("", max_length=MAX_TEXT)
    priority: Priority = Priority.P2
    indispensable: bool = False
    custom: bool = False
    """Added by the team rather than brought by a referential."""


class MeasureState(Record):
    """Where the workspace stands on one measure (one row of `measure_status`)."""

    measure_id: int
    status: MeasureStatus = MeasureStatus.TODO
    owner: CleanText | None = Field(None, max_length=MAX_OWNER)
    due_date: date | None = None
    how: CleanText = Field("", max_length=MAX_TEXT)
    evidence: CleanText = Field("", max_length=MAX_TEXT)
    comment: CleanText = Field("", max_length=MAX_TEXT)
    justification: CleanText = Field("", max_length=MAX_TEXT)
    story_id: int | None = None

    @model_validator(mode="after")
    def _not_applicable_is_justified(self) -> MeasureState:
        if self.status is MeasureStatus.NOT_APPLICABLE and not self.justification.strip():
            raise ValueError("a measure that does not apply needs a justification")
        return self

    def is_late(self, today: date) -> bool:
        """The due date is past and the measure is neither done nor set aside as N/A."""
        return self.due_date is not None and self.due_date < today and self.status not in CLOSED


class MeasureEntry(BaseModel):
    """One line of the checklist: a measure and its state."""

    model_config = ConfigDict(frozen=True)

    measure: Measure
    state: MeasureState

    @property
    def code(self) -> str:
        return self.measure.code

    @property
    def status(self) -> MeasureStatus:
        return self.state.status

    def is_late(self, today: date) -> bool:
        return self.state.is_late(today)


# --- Progress and score -----------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a set of measures is: `total` counts the applicable ones only."""

    done: int = 0
    partial: int = 0
    total: int = 0
    not_applicable: int = 0

    @property
    def share(self) -> float:
        """Done plus half the partial ones, over the applicable ones (0 when none apply)."""
        return (self.done + self.partial / 2) / self.total if self.total else 0.0


def progress(statuses: Iterable[MeasureStatus]) -> Progress:
    done = partial = total = not_applicable = 0
    for status in statuses:
        if status is MeasureStatus.NOT_APPLICABLE:
            not_applicable += 1
            continue
        total += 1
        done += status is MeasureStatus.DONE
        partial += status is MeasureStatus.PARTIAL
    return Progress(done=done, partial=partial, total=total, not_applicable=not_applicable)


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


def suggested_validity(score: float) -> int:
    """Months of validity the score suggests: <2 → 6, [2, 3) → 12, [3, 4) → 24, ≥4 → 36."""
    if score < 2:
        return 6
    if score < 3:
        return 12
    if score < 4:
        return 24
    return 36


@dataclass(frozen=True)
class ScoreCard:
    """Scores and progress per category (every category present, in display order) and
    overall."""

    overall: float | None
    overall_progress: Progress
    categories: dict[Category, float | None] = field(default_factory=dict)
    category_progress: dict[Category, Progress] = field(default_factory=dict)

    @property
    def suggested_validity(self) -> int | None:
        return None if self.overall is None else suggested_validity(self.overall)


def scorecard(entries: Iterable[MeasureEntry]) -> ScoreCard:
    by_category: dict[Category, list[MeasureEntry]] = {c: [] for c in CATEGORIES}
    everything: list[MeasureEntry] = []
    for entry in entries:
        by_category[entry.measure.category].append(entry)
        everything.append(entry)

    def pairs(chosen: list[MeasureEntry]) -> list[tuple[bool, MeasureStatus]]:
        return [(e.measure.indispensable, e.state.status) for e in chosen]

    return ScoreCard(
        overall=security_score(pairs(everything)),
        overall_progress=progress(e.state.status for e in everything),
        categories={c: security_score(pairs(chosen)) for c, chosen in by_category.items()},
        category_progress={
            c: progress(e.state.status for e in chosen) for c, chosen in by_category.items()
        },
    )
