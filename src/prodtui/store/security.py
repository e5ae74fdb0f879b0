"""The security checklist: the workspace's own copy of its measures and their states.

Measures live in `measures`, one state per measure in `measure_status`; the checklist is
read in one query joining both (a referential has at most a few hundred measures).
Importing a referential copies it into the workspace: the file is never read again.
"""

from __future__ import annotations

import tomllib
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodtui.domain.errors import NotFoundError, ProdtuiError
from prodtui.domain.security import (
    CATEGORIES,
    CODE_PATTERN,
    MAX_TITLE,
    Category,
    JustificationRequired,
    Measure,
    MeasureCodeTaken,
    MeasureEntry,
    MeasureState,
    MeasureStatus,
    Priority,
    ScoreCard,
    scorecard,
)
from prodtui.i18n import t
from prodtui.resources import sample_file
from prodtui.store.base import BOOKKEEPING, Repository

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

SHIPPED_REFERENTIAL = "measures.toml"

_MEASURE_COLUMNS = tuple(Measure.model_fields)
_STATE_COLUMNS = tuple(MeasureState.model_fields)
_SELECT = ", ".join(
    [f"m.{name} AS m_{name}" for name in _MEASURE_COLUMNS]
    + [f"s.{name} AS s_{name}" for name in _STATE_COLUMNS]
)
_CATEGORY_ORDER = (
    "CASE m.category "
    + " ".join(f"WHEN '{category.value}' THEN {n}" for n, category in enumerate(CATEGORIES))
    + " END"
)
_OPEN = "s.status NOT IN ('done', 'not_applicable')"


class MeasureFilter(BaseModel):
    """The checklist's filters; they combine (AND)."""

    late: bool = False
    """Due date before `today` and neither done nor N/A (`MeasureState.is_late`)."""
    owner: str | None = None
    """"Mine": the measures whose owner is exactly this name."""
    indispensable_not_done: bool = False
    """Indispensable, and neither done nor N/A (Partielle is not done)."""
    no_owner: bool = False
    no_plan: bool = False
    """Indispensable, not done, and planned in no story: the roadmap's blind spots."""
    story_id: int | None = None
    """The measures a story carries."""
    category: Category | None = None

    def where(self, today: date | None) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.late:
            if today is None:
                raise ValueError("the late filter needs today's date")
            clauses.append(f"s.due_date IS NOT NULL AND s.due_date < :today AND {_OPEN}")
            params["today"] = today.isoformat()
        if self.owner is not None:
            clauses.append("s.owner = :owner")
            params["owner"] = self.owner.strip()
        if self.indispensable_not_done:
            clauses.append(f"m.indispensable = 1 AND {_OPEN}")
        if self.no_owner:
            clauses.append("(s.owner IS NULL OR trim(s.owner) = '')")
        if self.no_plan:
            clauses.append(f"m.indispensable = 1 AND s.story_id IS NULL AND {_OPEN}")
        if self.story_id is not None:
            clauses.append("s.story_id = :story_id")
            params["story_id"] = self.story_id
        if self.category is not None:
            clauses.append("m.category = :category")
            params["category"] = self.category.value
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


# --- Importing a referential ----------------------------------------------------------


class ReferentialProblem(BaseModel):
    position: str
    """`ref.toml:measure 3 (GOUV-03)`, or `ref.toml` for the file as a whole."""
    message: str
    field: str | None = None


class ReferentialRefused(ProdtuiError):
    """The referential has invalid records: each is reported, nothing was written."""

    def __init__(self, source: str, problems: list[ReferentialProblem]) -> None:
        super().__init__("security.import_refused", source=source, count=len(problems))
        self.source = source
        self.problems = problems


class ReferentialOutcome(BaseModel):
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []


class _ReferentialMeasure(BaseModel):
    """One `[[measures]]` table of a referential file (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    category: Category
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    description: str = ""
    priority: Priority = Priority.P2
    indispensable: bool = False


def parse_referential(text: str, source: str) -> list[Measure]:
    """The measures of a TOML referential (`[[measures]]` tables with code, category,
    title, description, priority, indispensable); every invalid record is reported with
    its position, in one ReferentialRefused."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReferentialRefused(
            source, [ReferentialProblem(position=source, message=str(error))]
        ) from error
    problems = [
        ReferentialProblem(
            position=source, message=t("security.import_unknown_key", key=key), field=key
        )
        for key in data
        if key != "measures"
    ]
    records = data.get("measures")
    if not isinstance(records, list) or not records:
        problems.append(
            ReferentialProblem(position=source, message=t("security.import_no_measures"))
        )
        raise ReferentialRefused(source, problems)
    measures: list[Measure] = []
    first_seen: dict[str, int] = {}
    for n, record in enumerate(records, start=1):
        code = record.get("code") if isinstance(record, dict) else None
        position = f"{source}:measure {n}" + (f" ({code})" if isinstance(code, str) else "")
        try:
            parsed = _ReferentialMeasure.model_validate(record)
        except ValidationError as error:
            problems += [
                ReferentialProblem(
                    position=position,
                    message=problem["msg"],
                    field=".".join(str(part) for part in problem["loc"]) or None,
                )
                for problem in error.errors()
            ]
            continue
        if parsed.code in first_seen:
            problems.append(
                ReferentialProblem(
                    position=position,
                    message=t(
                        "security.import_duplicate", code=parsed.code, n=first_seen[parsed.code]
                    ),
                    field="code",
                )
            )
            continue
        first_seen[parsed.code] = n
        measures.append(Measure.model_validate(parsed.model_dump()))
    if problems:
        raise ReferentialRefused(source, problems)
    return measures


# --- The repositories ------------------------------------------------------------------


class _MeasureTable(Repository[Measure]):
    table = "measures"
    model = Measure


class MeasureRepository(Repository[MeasureState]):
    """The checklist: states are saved here, measures through `add_custom`, `save_measure`
    and `import_referential`."""

    table = "measure_status"
    model = MeasureState

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._measures = _MeasureTable(workspace)

    # -- reading ----------------------------------------------------------------------------

    def entries(
        self, where: MeasureFilter | None = None, *, today: date | None = None
    ) -> list[MeasureEntry]:
        """The checklist by category (gouvernance, protection, defense, resilience) then
        code, filtered; `today` is needed by the late filter only."""
        clause, params = (where or MeasureFilter()).where(today)
        rows = self.ws.rows(
            f"SELECT {_SELECT} FROM measures AS m JOIN measure_status AS s"
            f" ON s.measure_id = m.id {clause} ORDER BY {_CATEGORY_ORDER}, m.code",
            params,  # type: ignore[arg-type]
        )
        return [_entry(row) for row in rows]

    def entry(self, code: str) -> MeasureEntry | None:
        rows = self.ws.rows(
            f"SELECT {_SELECT} FROM measures AS m JOIN measure_status AS s"
            " ON s.measure_id = m.id WHERE m.code = ?",
            [code.strip().upper()],
        )
        return _entry(rows[0]) if rows else None

    def count(self) -> int:
        return int(self.ws.conn.execute("SELECT count(*) FROM measures").fetchone()[0])

    def score(self) -> ScoreCard:
        """Scores and progress per category and overall (`domain.security.scorecard`)."""
        return scorecard(self.entries())

    # -- writing states ---------------------------------------------------------------------

    def save(self, state: MeasureState) -> MeasureState:
        """Save an edited state if nobody saved it since it was read (else ConflictError);
        each changed field goes to the audit log."""
        return self._update(state)

    def set_status(
        self, state: MeasureState, status: MeasureStatus, justification: str = ""
    ) -> MeasureState:
        """Change the status. "Non applicable" needs a justification: the one given, else
        the one already written; without either, JustificationRequired and nothing
        written. A justification given with another status is stored too."""
        reason = justification.strip() or state.justification.strip()
        if status is MeasureStatus.NOT_APPLICABLE and not reason:
            raise JustificationRequired(self._code_of(state.measure_id))
        changes: dict[str, Any] = {"status": status}
        if justification.strip():
            changes["justification"] = justification.strip()
        return self._update(state.edit(**changes))

    # -- writing measures -------------------------------------------------------------------

    def add_custom(self, measure: Measure) -> MeasureEntry:
        """A measure of the team's own, with a `todo` state; its code must be free."""
        with self.ws.transaction():
            if self.entry(measure.code) is not None:
                raise MeasureCodeTaken(measure.code)
            created = self._measures._insert(measure.edit(id=None, custom=True, version=0))
            assert created.id is not None
            self._insert(MeasureState(measure_id=created.id))
        found = self.entry(created.code)
        assert found is not None
        return found

    def save_measure(self, measure: Measure) -> Measure:
        """Edit the workspace's copy of a measure (optimistic, audited)."""
        return self._measures._update(measure)

    def import_referential(self, text: str, source: str) -> ReferentialOutcome:
        """Copy a TOML referential into the workspace, all or nothing: a code already
        present has its measure updated (its state is kept), a new code is added with a
        `todo` state; measures absent from the file stay. Invalid records raise
        ReferentialRefused with every problem and its position, before anything is
        written."""
        measures = parse_referential(text, source)
        outcome = ReferentialOutcome()
        with self.ws.transaction():
            for measure in measures:
                current = self.entry(measure.code)
                if current is None:
                    created = self._measures._insert(measure)
                    assert created.id is not None
                    self._insert(MeasureState(measure_id=created.id))
                    outcome.added.append(measure.code)
                    continue
                values = measure.model_dump(exclude=set(BOOKKEEPING) | {"custom"})
                edited = current.measure.edit(**values)
                if edited == current.measure:
                    outcome.unchanged.append(measure.code)
                    continue
                self._measures._update(edited)
                outcome.updated.append(measure.code)
            self.ws.audit.record(
                "measures",
                None,
                "import",
                None,
                f"{source}: +{len(outcome.added)} ~{len(outcome.updated)}",
            )
        return outcome

    def import_shipped(self) -> ReferentialOutcome:
        """Copy the default referential shipped with prodtui into the workspace."""
        return self.import_referential(sample_file(SHIPPED_REFERENTIAL), SHIPPED_REFERENTIAL)

    def _code_of(self, measure_id: int) -> str:
        rows = self.ws.rows("SELECT code FROM measures WHERE id = ?", [measure_id])
        if not rows:
            raise NotFoundError("measures", measure_id)
        return str(rows[0]["code"])


def _entry(row: dict[str, Any]) -> MeasureEntry:
    return MeasureEntry(
        measure=Measure.model_validate({name: row[f"m_{name}"] for name in _MEASURE_COLUMNS}),
        state=MeasureState.model_validate({name: row[f"s_{name}"] for name in _STATE_COLUMNS}),
    )
