"""Referentials of security measures: a TOML or CSV file read and checked, record by record.

A referential is checked whole before anything is written: every invalid record is
reported with its position (`ref.toml:measure 3 (GOUV-03)`, `ref.csv:4`) and a message
from the catalogue, in one ReferentialRefused. Writing the measures into a workspace is
the store's job (`store.security.MeasureRepository.import_referential`).
"""

from __future__ import annotations

import csv
import io
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.items import MAX_TEXT
from prodtui.domain.security import CODE_PATTERN, MAX_TITLE, Category, Measure, Priority
from prodtui.domain.text import safe_line
from prodtui.exchange.files import InputMessages, read_input_file
from prodtui.i18n import t


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
