"""The security checklist: the workspace's own copy of its measures and their states.

Measures live in `measures`, one state per measure in `measure_status`; the checklist is
read in one query joining both (a referential has at most a few hundred measures).
Importing a referential (TOML or CSV, read by `exchange.referential`) copies it into the
workspace: the file is never read again. Evidence files, hashed by `exchange.evidence`,
are recorded with their SHA-256 in `measure_evidence_files`; the score is kept day by
day in `security_score_history` for its trend.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from prodtui.domain.errors import NotFoundError
from prodtui.domain.security import (
    CATEGORIES,
    Category,
    EvidenceCheck,
    EvidenceFile,
    JustificationRequired,
    Measure,
    MeasureCodeTaken,
    MeasureEntry,
    MeasureState,
    MeasureStatus,
    ScoreCard,
    ScorePoint,
    scorecard,
)
from prodtui.exchange.referential import parse_referential
from prodtui.i18n import t, tn
from prodtui.resources import sample_file
from prodtui.store.base import BOOKKEEPING, Repository, now

if TYPE_CHECKING:
    from prodtui.exchange.evidence import FileFingerprint
    from prodtui.store.workspace import Workspace

SHIPPED_REFERENTIAL = "measures.toml"

_MEASURE_COLUMNS = tuple(Measure.model_fields)
_STATE_COLUMNS = tuple(MeasureState.model_fields)
_SELECT = ", ".join(
    [f"m.{name} AS m_{name}" for name in _MEASURE_COLUMNS]
    + [f"s.{name} AS s_{name}" for name in _STATE_COLUMNS]
    + [
        "EXISTS (SELECT 1 FROM measure_evidence_files AS f WHERE f.measure_status_id = s.id"
        " AND f.last_check IN ('changed', 'missing', 'unreadable')) AS evidence_alert"
    ]
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


class EvidenceSummary(BaseModel):
    """The evidence files of one measure: how many, and the result of their last check."""

    total: int = 0
    counts: dict[EvidenceCheck, int] = {}
    unchecked: int = 0
    """Recorded but never checked (a check writes a result)."""

    @property
    def alarming(self) -> int:
        return sum(n for check, n in self.counts.items() if check.alarming)


class ReferentialOutcome(BaseModel):
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []

    def summary(self) -> str:
        return t(
            "security.imported",
            added=tn("security.imported_added", len(self.added)),
            updated=tn("security.imported_updated", len(self.updated)),
            unchanged=tn("security.imported_unchanged", len(self.unchanged)),
        )


# --- The repositories ------------------------------------------------------------------


class _MeasureTable(Repository[Measure]):
    table = "measures"
    model = Measure


class _EvidenceTable(Repository[EvidenceFile]):
    table = "measure_evidence_files"
    model = EvidenceFile


class MeasureRepository(Repository[MeasureState]):
    """The checklist: states are saved here, measures through `add_custom`, `save_measure`
    and `import_referential`, evidence files through `record_file`. Every change of a
    status also upserts the day's score in the history (`today` defaults to the real
    date; the app passes its own)."""

    table = "measure_status"
    model = MeasureState

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._measures = _MeasureTable(workspace)
        self._files = _EvidenceTable(workspace)

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

    def history(self, since: date | None = None, *, today: date | None = None) -> list[ScorePoint]:
        """The day-by-day score, oldest first (from `since` on when given). A workspace
        whose history is empty while it has measures (one upgraded from before the
        history existed) gets today's score recorded first, so its trend starts now."""
        if not self.ws.read_only and self._history_missing():
            self.record_score(today)
        rows = self.ws.rows(
            "SELECT day, overall, categories FROM security_score_history"
            " WHERE day >= ? ORDER BY day",
            [since.isoformat() if since else ""],
        )
        return [_point(row) for row in rows]

    def _history_missing(self) -> bool:
        return (
            self.ws.conn.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM security_score_history)"
                " AND EXISTS (SELECT 1 FROM measures)"
            ).fetchone()[0]
            == 1
        )

    # -- writing states ---------------------------------------------------------------------

    def save(
        self,
        state: MeasureState,
        *,
        today: date | None = None,
        add_files: Sequence[FileFingerprint] = (),
        remove_files: Sequence[EvidenceFile] = (),
    ) -> MeasureState:
        """Save an edited state if nobody saved it since it was read (else ConflictError;
        `DeletedElsewhere` when another session deleted it), with the evidence files the
        form staged: all in one transaction. Each changed field goes to the audit log."""
        with self.ws.transaction():
            stored = self._row(state.id) if state.id is not None else None
            saved = self._update(state)
            for file in remove_files:
                self.remove_file(file)
            for found in add_files:
                self.record_file(saved, found)
            if stored is None or saved.status.value != stored["status"]:
                self.record_score(today)
        return saved

    def set_status(
        self,
        state: MeasureState,
        status: MeasureStatus,
        justification: str = "",
        *,
        today: date | None = None,
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
        with self.ws.transaction():
            saved = self._update(state.edit(**changes))
            self.record_score(today)
        return saved

    def record_score(self, today: date | None = None) -> ScorePoint:
        """Upsert the day's row of the score history with the score as it is now."""
        card = self.score()
        day = today or date.today()
        categories = {c.value: card.categories.get(c) for c in CATEGORIES}
        with self.ws.transaction() as db:
            db.execute(
                "INSERT INTO security_score_history (day, overall, categories, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET overall = excluded.overall,"
                " categories = excluded.categories, updated_at = excluded.updated_at",
                [day.isoformat(), card.overall, json.dumps(categories), now()],
            )
        return ScorePoint(day, card.overall, card.categories)

    # -- writing measures -------------------------------------------------------------------

    def add_custom(self, measure: Measure, *, today: date | None = None) -> MeasureEntry:
        """A measure of the team's own, with a `todo` state; its code must be free."""
        with self.ws.transaction():
            if self.entry(measure.code) is not None:
                raise MeasureCodeTaken(measure.code)
            created = self._measures._insert(measure.edit(id=None, custom=True, version=0))
            assert created.id is not None
            self._insert(MeasureState(measure_id=created.id))
            self.record_score(today)
        found = self.entry(created.code)
        assert found is not None
        return found

    def save_measure(self, measure: Measure, *, today: date | None = None) -> Measure:
        """Edit the workspace's copy of a measure (optimistic, audited). A change of what
        weighs in the score (indispensable, category) records the day's score too."""
        with self.ws.transaction():
            before = self._measures.get(measure.id) if measure.id is not None else None
            saved = self._measures._update(measure)
            if before is None or (before.indispensable, before.category) != (
                saved.indispensable,
                saved.category,
            ):
                self.record_score(today)
        return saved

    def import_referential(
        self, text: str, source: str, *, today: date | None = None
    ) -> ReferentialOutcome:
        """Copy a referential (TOML, or CSV when `source` ends in `.csv`) into the
        workspace, all or nothing (`import_measures`). Invalid records raise
        ReferentialRefused with every problem and its position, before anything is
        written."""
        return self.import_measures(parse_referential(text, source), source, today=today)

    def import_measures(
        self, measures: Sequence[Measure], source: str, *, today: date | None = None
    ) -> ReferentialOutcome:
        """Write checked measures in one transaction: a code already present has its
        measure updated (its state is kept), a new code is added with a `todo` state;
        measures absent from the list stay."""
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
            if outcome.added or outcome.updated:
                self.record_score(today)
        return outcome

    def import_shipped(self, *, today: date | None = None) -> ReferentialOutcome:
        """Copy the default referential shipped with prodtui into the workspace (a new
        workspace gets it at creation; an older one through the screen's import)."""
        return self.import_referential(
            sample_file(SHIPPED_REFERENTIAL), SHIPPED_REFERENTIAL, today=today
        )

    # -- evidence files ---------------------------------------------------------------------

    def files(self, state: MeasureState) -> list[EvidenceFile]:
        """The files recorded as evidence of a measure, in the order they were recorded."""
        rows = self.ws.rows(
            "SELECT * FROM measure_evidence_files WHERE measure_status_id = ? ORDER BY id",
            [state.id],
        )
        return [EvidenceFile.model_validate(row) for row in rows]

    def all_files(self) -> list[EvidenceFile]:
        rows = self.ws.rows("SELECT * FROM measure_evidence_files ORDER BY id")
        return [EvidenceFile.model_validate(row) for row in rows]

    def record_file(self, state: MeasureState, found: FileFingerprint) -> EvidenceFile:
        """Record a hashed file (`fingerprint`) as evidence of a measure; a path already
        recorded for it is re-recorded: the new hash is accepted. Audited."""
        if state.id is None:
            raise ValueError("an unsaved state has no evidence")
        stamp = datetime.now().replace(microsecond=0)
        with self.ws.transaction():
            rows = self.ws.rows(
                "SELECT * FROM measure_evidence_files WHERE measure_status_id = ? AND path = ?",
                [state.id, found.path],
            )
            if rows:
                current = EvidenceFile.model_validate(rows[0])
                return self._files._update(
                    current.edit(
                        sha256=found.sha256,
                        size=found.size,
                        recorded_at=stamp,
                        last_check=EvidenceCheck.UNCHANGED,
                        checked_at=stamp,
                    )
                )
            return self._files._insert(
                EvidenceFile(
                    measure_status_id=state.id,
                    path=found.path,
                    sha256=found.sha256,
                    size=found.size,
                    recorded_at=stamp,
                    last_check=EvidenceCheck.UNCHANGED,
                    checked_at=stamp,
                )
            )

    def remove_file(self, file: EvidenceFile) -> None:
        """Forget a recorded file, unless another session changed it since it was read
        (ConflictError); one already forgotten elsewhere is left gone."""
        if file.id is None or self._files._row(file.id) is None:
            return
        self._files._delete(file.id, file.version)

    def file_changed_elsewhere(self, file: EvidenceFile) -> EvidenceFile | None:
        """The file as another session recorded it since `file` was read, else None."""
        row = self._files._row(file.id) if file.id is not None else None
        if row is None:
            return None
        current = EvidenceFile.model_validate(row)
        return current if current.version != file.version else None

    def evidence_summaries(self) -> dict[int, EvidenceSummary]:
        """For each measure state with evidence files, how many and in which state."""
        summaries: dict[int, EvidenceSummary] = {}
        for row in self.ws.rows(
            "SELECT measure_status_id AS state_id, last_check, count(*) AS n"
            " FROM measure_evidence_files GROUP BY measure_status_id, last_check"
        ):
            summary = summaries.setdefault(row["state_id"], EvidenceSummary())
            summary.total += row["n"]
            if row["last_check"] is None:
                summary.unchecked += row["n"]
            else:
                summary.counts[EvidenceCheck(row["last_check"])] = row["n"]
        return summaries

    def save_checks(self, results: dict[int, EvidenceCheck]) -> int:
        """Write the outcome of a check (`check_files`): the last result and its time
        only, no new version (a check is not an edit, and must not make an open form
        conflict). Returns how many files are changed or missing."""
        stamp = datetime.now().replace(microsecond=0).isoformat()
        with self.ws.transaction() as db:
            for file_id, result in results.items():
                db.execute(
                    "UPDATE measure_evidence_files SET last_check = ?, checked_at = ? WHERE id = ?",
                    [result.value, stamp, file_id],
                )
        return sum(result.alarming for result in results.values())

    def _code_of(self, measure_id: int) -> str:
        rows = self.ws.rows("SELECT code FROM measures WHERE id = ?", [measure_id])
        if not rows:
            raise NotFoundError("measures", measure_id)
        return str(rows[0]["code"])


def _entry(row: dict[str, Any]) -> MeasureEntry:
    return MeasureEntry(
        measure=Measure.model_validate({name: row[f"m_{name}"] for name in _MEASURE_COLUMNS}),
        state=MeasureState.model_validate({name: row[f"s_{name}"] for name in _STATE_COLUMNS}),
        evidence_alert=bool(row["evidence_alert"]),
    )


def _point(row: dict[str, Any]) -> ScorePoint:
    values = json.loads(row["categories"] or "{}")
    return ScorePoint(
        date.fromisoformat(row["day"]),
        row["overall"],
        {c: values.get(c.value) for c in CATEGORIES},
    )
