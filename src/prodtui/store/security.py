"""The security checklist: the workspace's own copy of its measures and their states.

Measures live in `measures`, one state per measure in `measure_status`; the checklist is
read in one query joining both (a referential has at most a few hundred measures).
Importing a referential (TOML or CSV) copies it into the workspace: the file is never
read again. Evidence files are recorded with their SHA-256 in `measure_evidence_files`;
the score is kept day by day in `security_score_history` for its trend.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat
import tomllib
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodtui.domain.errors import NotFoundError, ProdtuiError
from prodtui.domain.items import MAX_TEXT
from prodtui.domain.security import (
    CATEGORIES,
    CODE_PATTERN,
    MAX_TITLE,
    Category,
    EvidenceCheck,
    EvidenceFile,
    JustificationRequired,
    Measure,
    MeasureCodeTaken,
    MeasureEntry,
    MeasureState,
    MeasureStatus,
    Priority,
    ScoreCard,
    ScorePoint,
    evidence_check,
    scorecard,
)
from prodtui.domain.text import safe_line
from prodtui.exchange.files import InputMessages, read_input_file
from prodtui.i18n import t, tn
from prodtui.resources import sample_file
from prodtui.store.base import BOOKKEEPING, Repository, now

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

SHIPPED_REFERENTIAL = "measures.toml"

_MEASURE_COLUMNS = tuple(Measure.model_fields)
_STATE_COLUMNS = tuple(MeasureState.model_fields)
_SELECT = ", ".join(
    [f"m.{name} AS m_{name}" for name in _MEASURE_COLUMNS]
    + [f"s.{name} AS s_{name}" for name in _STATE_COLUMNS]
    + [
        "EXISTS (SELECT 1 FROM measure_evidence_files AS f WHERE f.measure_status_id = s.id"
        " AND f.last_check IN ('changed', 'missing')) AS evidence_alert"
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

    def summary(self) -> str:
        return t(
            "security.imported",
            added=tn("security.imported_added", len(self.added)),
            updated=tn("security.imported_updated", len(self.updated)),
            unchanged=tn("security.imported_unchanged", len(self.unchanged)),
        )


REFERENTIAL_COLUMNS = ("code", "category", "title", "description", "priority", "indispensable")
REQUIRED_COLUMNS = frozenset({"code", "category", "title"})
MAX_REFERENTIAL_BYTES = 5 * 1024 * 1024
_REFERENTIAL_FILE = InputMessages(
    missing="security.file_missing",
    not_a_file="security.file_not_regular",
    unreadable="security.file_unreadable",
    too_big="security.import_too_big",
)
_TRUE = frozenset({"oui", "o", "true", "vrai", "yes", "1"})
_FALSE = frozenset({"non", "n", "false", "faux", "no", "0", ""})


class _ReferentialMeasure(BaseModel):
    """One `[[measures]]` table of a referential file (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    category: Category
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    description: str = Field("", max_length=MAX_TEXT)
    priority: Priority = Priority.P2
    indispensable: bool = False


def _problem_message(problem: Any) -> str:
    """A record's validation problem in the user's language, naming the value refused."""
    kind = problem.get("type", "")
    value = problem.get("input")
    shown = safe_line(value if isinstance(value, str) else str(value))
    field = safe_line(".".join(str(part) for part in problem.get("loc", ())))
    if kind == "missing":
        return t("security.import_missing", field=field)
    if kind == "extra_forbidden":
        return t("security.import_unknown_key", key=field)
    if kind == "string_too_short":
        return t("security.import_empty", field=field)
    if kind == "string_too_long":
        limit = (problem.get("ctx") or {}).get("max_length", MAX_TITLE)
        return t("security.import_too_long", field=field, max=limit)
    if field == "code":
        return t("security.import_bad_code", value=shown)
    if field == "category":
        return t("security.import_bad_category", value=shown)
    if field == "priority":
        return t("security.import_bad_priority", value=shown)
    if field == "indispensable":
        return t("security.import_bad_flag", value=shown)
    return t("error.invalid", field=field, detail=problem.get("msg", ""))


class _Records:
    """Checks records one by one and collects every problem, with its position."""

    def __init__(self, duplicate_key: str) -> None:
        self.problems: list[ReferentialProblem] = []
        self.measures: list[Measure] = []
        self.first_seen: dict[str, str] = {}
        self.duplicate_key = duplicate_key

    def add(self, record: Any, position: str, where: str) -> None:
        """`where` names the record in a duplicate message (measure 3, line 3)."""
        try:
            parsed = _ReferentialMeasure.model_validate(record)
        except ValidationError as error:
            self.problems += [
                ReferentialProblem(
                    position=position,
                    message=_problem_message(problem),
                    field=".".join(str(part) for part in problem["loc"]) or None,
                )
                for problem in error.errors()
            ]
            return
        if parsed.code in self.first_seen:
            self.problems.append(
                ReferentialProblem(
                    position=position,
                    message=t(self.duplicate_key, code=parsed.code, n=self.first_seen[parsed.code]),
                    field="code",
                )
            )
            return
        try:  # the workspace's own rules, should they be stricter than the file's
            measure = Measure.model_validate(parsed.model_dump())
        except ValidationError as error:
            self.problems += [
                ReferentialProblem(position=position, message=_problem_message(problem))
                for problem in error.errors()
            ]
            return
        self.first_seen[parsed.code] = where
        self.measures.append(measure)


def parse_referential(text: str, source: str) -> list[Measure]:
    """The measures of a referential, CSV when `source` ends in `.csv`, else TOML; every
    invalid record is reported with its position, in one ReferentialRefused."""
    if source.lower().endswith(".csv"):
        return parse_referential_csv(text, source)
    return parse_referential_toml(text, source)


def parse_referential_toml(text: str, source: str) -> list[Measure]:
    """The measures of a TOML referential (`[[measures]]` tables with code, category,
    title, description, priority, indispensable)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReferentialRefused(
            source, [ReferentialProblem(position=source, message=str(error))]
        ) from error
    except RecursionError:  # tomllib recurses once per nested array or table
        raise ReferentialRefused(
            source, [ReferentialProblem(position=source, message=t("import.too_deep"))]
        ) from None
    records = _Records("security.import_duplicate")
    records.problems += [
        ReferentialProblem(
            position=source, message=t("security.import_unknown_key", key=safe_line(key)), field=key
        )
        for key in data
        if key != "measures"
    ]
    found = data.get("measures")
    if not isinstance(found, list) or not found:
        records.problems.append(
            ReferentialProblem(position=source, message=t("security.import_no_measures"))
        )
        raise ReferentialRefused(source, records.problems)
    for n, record in enumerate(found, start=1):
        code = record.get("code") if isinstance(record, dict) else None
        shown = f" ({safe_line(code)})" if isinstance(code, str) else ""
        position = f"{source}:measure {n}{shown}"
        records.add(record, position, str(n))
    if records.problems:
        raise ReferentialRefused(source, records.problems)
    return records.measures


def _header_name(cell: str) -> str:
    return cell.strip().lstrip("\ufeff").strip().lower()


def _category_value(cell: str) -> str:
    """`Défense`, `DEFENSE` or `defense` → `defense`: spreadsheet users write the label."""
    bare = unicodedata.normalize("NFKD", cell.strip().lower())
    return "".join(c for c in bare if not unicodedata.combining(c))


def parse_referential_csv(text: str, source: str) -> list[Measure]:
    """The measures of a CSV referential: a header line naming the columns (code,
    category, title required; description, priority, indispensable optional; any order,
    any case), then one measure per record. The delimiter is `;` when the header holds
    one (what a French spreadsheet writes), else `,`. The category may be written as its
    label (`Défense`); indispensable accepts oui/non, true/false, 1/0 (empty is non).
    Positions are `source:LINE`, the line where the record starts."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = _Records("security.import_duplicate_line")
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ReferentialRefused(
            source, [ReferentialProblem(position=f"{source}:1", message=str(error))]
        ) from error
    if header is None or not any(cell.strip() for cell in header):
        raise ReferentialRefused(
            source, [ReferentialProblem(position=source, message=t("security.import_no_measures"))]
        )
    columns = [_header_name(cell) for cell in header]
    for name in columns:
        if name not in REFERENTIAL_COLUMNS:
            records.problems.append(
                ReferentialProblem(
                    position=f"{source}:1",
                    message=t("security.import_unknown_column", column=safe_line(name) or "''"),
                    field=name,
                )
            )
    for name in REFERENTIAL_COLUMNS:
        if name in REQUIRED_COLUMNS and name not in columns:
            records.problems.append(
                ReferentialProblem(
                    position=f"{source}:1",
                    message=t("security.import_missing_column", column=name),
                    field=name,
                )
            )
        elif columns.count(name) > 1:
            records.problems.append(
                ReferentialProblem(
                    position=f"{source}:1",
                    message=t("security.import_repeated_column", column=name),
                    field=name,
                )
            )
    if records.problems:  # every record would be wrong the same way: say it once
        raise ReferentialRefused(source, records.problems)
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            records.problems.append(
                ReferentialProblem(position=f"{source}:{start}", message=str(error))
            )
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        code = cells[columns.index("code")].strip() if len(cells) > columns.index("code") else ""
        position = f"{source}:{start}" + (f" ({safe_line(code)})" if code else "")
        if len(cells) > len(columns):
            records.problems.append(
                ReferentialProblem(
                    position=position,
                    message=t(
                        "security.import_extra_cells", count=len(cells), expected=len(columns)
                    ),
                )
            )
            continue
        record: dict[str, Any] = {
            name: cell.strip() for name, cell in zip(columns, cells, strict=False)
        }
        if "category" in record:
            record["category"] = _category_value(record["category"])
        if "priority" in record:
            record["priority"] = record["priority"].upper() or Priority.P2.value
        if "indispensable" in record:
            flag = record["indispensable"].lower()
            if flag in _TRUE or flag in _FALSE:
                record["indispensable"] = flag in _TRUE
        records.add(record, position, str(start))
    if records.problems:
        raise ReferentialRefused(source, records.problems)
    if not records.measures:
        raise ReferentialRefused(
            source, [ReferentialProblem(position=source, message=t("security.import_no_measures"))]
        )
    return records.measures


def read_referential(path: Path) -> list[Measure]:
    """Read and check a referential file (TOML, or CSV by its `.csv` suffix); the name
    given is the one used in positions. Unreadable or oversized files are refused whole."""
    path = Path(path).expanduser()
    data = read_input_file(path, MAX_REFERENTIAL_BYTES, messages=_REFERENTIAL_FILE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProdtuiError("security.import_not_utf8", path=str(path)) from error
    return parse_referential(text, path.name)


# --- Evidence files: hashing (I/O, run off the event loop) ---------------------------------

HASH_CHUNK = 1024 * 1024


class FileFingerprint(BaseModel):
    path: str
    sha256: str
    size: int


def evidence_path(text: str) -> Path:
    """The path as recorded: `~` expanded, made absolute (a relative path would mean
    something else from another directory)."""
    return Path(text.strip()).expanduser().absolute()


def fingerprint(text: str) -> FileFingerprint:
    """SHA-256 and size of a regular, readable file, read in chunks; a clear
    ProdtuiError otherwise (missing, a folder or a device, unreadable). Never opens
    anything but a regular file, so a FIFO cannot block it."""
    if not text.strip():
        raise ProdtuiError("security.file_empty_path")
    path = evidence_path(text)
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise ProdtuiError("security.file_missing", path=str(path)) from error
    except OSError as error:
        raise ProdtuiError(
            "security.file_unreadable", path=str(path), detail=error.strerror or ""
        ) from error
    if not stat.S_ISREG(info.st_mode):
        raise ProdtuiError("security.file_not_regular", path=str(path))
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise ProdtuiError(
            "security.file_unreadable", path=str(path), detail=error.strerror or ""
        ) from error
    return FileFingerprint(path=str(path), sha256=digest.hexdigest(), size=size)


def current_sha256(path: str) -> str | None:
    """The file's hash now, or None when it is gone, not a regular file or unreadable."""
    try:
        return fingerprint(path).sha256
    except ProdtuiError:
        return None


def check_files(files: Sequence[EvidenceFile]) -> dict[int, EvidenceCheck]:
    """Hash every file again and compare (pure I/O: safe in a worker thread; the results
    are written by `MeasureRepository.save_checks` on the connection's thread)."""
    return {
        file.id: evidence_check(file.sha256, current_sha256(file.path))
        for file in files
        if file.id is not None
    }


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

    def save(self, state: MeasureState, *, today: date | None = None) -> MeasureState:
        """Save an edited state if nobody saved it since it was read (else ConflictError);
        each changed field goes to the audit log."""
        with self.ws.transaction():
            before = self.get(state.id).status if state.id is not None else None
            saved = self._update(state)
            if saved.status is not before:
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

    def import_shipped(self) -> ReferentialOutcome:
        """Copy the default referential shipped with prodtui into the workspace."""
        return self.import_referential(sample_file(SHIPPED_REFERENTIAL), SHIPPED_REFERENTIAL)

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
        """Forget a recorded file, unless another session changed it since it was read."""
        if file.id is not None:
            self._files._delete(file.id, file.version)

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
