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

The trend
---------
The workspace keeps one score per day it changed (`ScorePoint`). The trend compares the
score now with the score as it stood `TREND_DAYS` days ago (the last point on or before
that day); when the history is younger, with its oldest point, and says since when
(`score_change`). A change of less than 0.1 is flat.

Evidence files
--------------
Besides free text, evidence can be files: each is recorded with its SHA-256, its size and
when it was recorded. A later check (never on the hot path: hashing is I/O) tells whether
the file is unchanged, changed (another hash) or missing (`evidence_check`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from prodtui.domain.base import CleanLine, CleanText, Record
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.items import MAX_TEXT

# Re-exported: the statuses and the score are the checklist's, kept apart for the first
# frame.
from prodtui.domain.security_score import (  # noqa: F401 (re-exported)
    CLOSED,
    CREDIT,
    CYCLE,
    MeasureStatus,
    security_score,
)

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
    title: CleanLine = Field(min_length=1, max_length=MAX_TITLE)
    description: CleanText = Field("", max_length=MAX_TEXT)
    priority: Priority = Priority.P2
    indispensable: bool = False
    custom: bool = False
    """Added by the team rather than brought by a referential."""


class MeasureState(Record):
    """Where the workspace stands on one measure (one row of `measure_status`)."""

    measure_id: int
    status: MeasureStatus = MeasureStatus.TODO
    owner: CleanLine | None = Field(None, max_length=MAX_OWNER)
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

    model_config = ConfigDict(frozen=True, defer_build=True)

    measure: Measure
    state: MeasureState
    evidence_alert: bool = False
    """One of its evidence files was found changed or missing by the last check."""

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


# --- The trend -------------------------------------------------------------------------

TREND_DAYS = 30


@dataclass(frozen=True)
class ScorePoint:
    """The score as it stood at the end of one day (one row of the history)."""

    day: date
    overall: float | None
    categories: Mapping[Category, float | None] = field(default_factory=dict)


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"

    @property
    def arrow(self) -> str:
        """Single-cell arrows that survive SSH and narrow fonts."""
        return {"up": "↗", "down": "↘", "flat": "→"}[self.value]


@dataclass(frozen=True)
class ScoreChange:
    delta: float
    """Now minus then, rounded to one decimal."""
    since: date
    full_window: bool
    """True when the history reaches back `TREND_DAYS` days; else `since` is its oldest day."""

    @property
    def trend(self) -> Trend:
        if self.delta >= 0.1:
            return Trend.UP
        if self.delta <= -0.1:
            return Trend.DOWN
        return Trend.FLAT


def value_on(points: Sequence[ScorePoint], day: date) -> ScorePoint | None:
    """The point in force on `day`: the last one on or before it (points sorted by day)."""
    found = None
    for point in points:
        if point.day > day:
            break
        found = point
    return found


def score_change(
    points: Sequence[ScorePoint], current: float | None, today: date, days: int = TREND_DAYS
) -> ScoreChange | None:
    """How the overall score moved over the last `days` days up to `current` (the score
    now); None without a current score or any earlier point with a score."""
    if current is None:
        return None
    start = today - timedelta(days=days)
    earlier = [p for p in points if p.overall is not None and p.day < today]
    if not earlier:
        return None
    then = value_on(earlier, start)
    full = then is not None
    if then is None:
        then = earlier[0]
    assert then.overall is not None
    return ScoreChange(round(current - then.overall, 1), max(then.day, start), full)


def daily_series(
    points: Sequence[ScorePoint], current: float | None, today: date, days: int
) -> list[float]:
    """The overall score of each of the last `days` days up to today (today is `current`),
    carried forward from the point in force; days before the first point are left out."""
    series: list[float] = []
    usable = [p for p in points if p.overall is not None and p.day < today]
    for offset in range(days - 1, 0, -1):
        point = value_on(usable, today - timedelta(days=offset))
        if point is not None and point.overall is not None:
            series.append(point.overall)
    if current is not None:
        series.append(current)
    return series


def plausible_history(
    card: ScoreCard, today: date, days: int, rng: random.Random
) -> list[ScorePoint]:
    """A made-up but believable past for demo workspaces: the score climbs from about
    half its current value `days` days ago to `card` now, a step every few working days,
    with the odd setback. Deterministic for a given `rng`."""

    def toward(final: float | None, share: float, start: float) -> float | None:
        if final is None:
            return None
        value = start + (final - start) * share + rng.choice((0.0, 0.0, 0.0, -0.2, 0.1))
        return min(5.0, max(0.0, round(value, 1)))

    starts = {c: rng.uniform(0.35, 0.6) * (card.categories.get(c) or 0) for c in CATEGORIES}
    overall_start = 0.5 * (card.overall or 0)
    points: list[ScorePoint] = []
    day = today - timedelta(days=days)
    while day < today:
        if day.weekday() < 5:
            share = 1 - (today - day).days / days
            points.append(
                ScorePoint(
                    day,
                    toward(card.overall, share, overall_start),
                    {c: toward(card.categories.get(c), share, starts[c]) for c in CATEGORIES},
                )
            )
        day += timedelta(days=rng.randint(3, 9))
    return points


# --- Evidence files -----------------------------------------------------------------------

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class EvidenceCheck(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    """There, but it cannot be read (a permission, a read error)."""

    @property
    def label_key(self) -> str:
        return f"security.evidence.{self.value}"

    @property
    def alarming(self) -> bool:
        return self is not EvidenceCheck.UNCHANGED


class EvidenceFile(Record):
    """A file recorded as evidence of a measure (one row of `measure_evidence_files`)."""

    measure_status_id: int
    path: CleanLine = Field(min_length=1, max_length=4096)
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0)
    recorded_at: datetime
    last_check: EvidenceCheck | None = None
    checked_at: datetime | None = None

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


def evidence_check(recorded_sha256: str, current_sha256: str | None) -> EvidenceCheck:
    """Missing when the file cannot be found or read any more (`None`), changed when its
    hash differs from the one recorded."""
    if current_sha256 is None:
        return EvidenceCheck.MISSING
    if current_sha256 != recorded_sha256:
        return EvidenceCheck.CHANGED
    return EvidenceCheck.UNCHANGED
