"""The whole workspace as JSON: a lossless dump, and its restore into a new file.

The shape (format version 1)
----------------------------
One JSON document, written one row per line so that both sides stream it table by table
and a large workspace never sits in memory whole::

    {"format": "prodtui-workspace", "format_version": 1, "schema_version": 6, "tables": [
    {"name": "meta", "columns": ["key", "value"], "count": 2, "rows": [
    ["name", "Démarches simplifiées"],
    ["service", "…"]
    ]},
    {"name": "people", "columns": ["id", "name", …], "count": 0, "rows": [
    ]}
    ]}

- `schema_version` is the workspace's `PRAGMA user_version`; a dump from a newer schema
  than this program knows is refused.
- `tables` holds every table of the workspace — SQLite's own tables, FTS5 virtual
  tables and their shadow tables excepted (found from the schema by
  `prodtui.store.table_copy`, so a new index needs no change here: its triggers fill it
  again on restore) — parents before children along foreign keys, ties by name.
- Each table lists its columns, its row count (a lost line is noticed) and its rows as
  arrays in `columns` order, by rowid. Values are JSON null, numbers and strings as
  SQLite holds them; a BLOB would be `{"$blob": "<base64>"}`.
- The dump carries no export time: the same workspace always gives the same bytes, so
  two dumps compare with `diff` (the file's date tells when it was written).

Any JSON tool may reformat the file: the restore then reads it whole instead of line by
line. A restore always creates a new file, through `open_workspace` (migrations, mode
0600), fills it in one transaction and moves it into place only once complete.

The SQL of both sides (the snapshot, the tables in order, the inserts and the
foreign-key check) is in `prodtui.store.table_copy`; this module holds the format.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.exchange.files import (
    JSON_DUMP_LIMIT,
    SafeWriter,
    for_json_terminal,
    open_input_file,
    text_stream,
)
from prodtui.exchange.workspace_rows import TableCheck, validation_reasons
from prodtui.i18n import t
from prodtui.store.migrations import LATEST_VERSION
from prodtui.store.table_copy import Restore, RowRefused, read_snapshot, restoring

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

FORMAT = "prodtui-workspace"
FORMAT_VERSION = 1
BATCH = 1_000
MAX_PROBLEMS = 20
"""Row problems listed before a restore stops reading: the first ones say enough."""
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(", ", ": "), default=lambda value: _blob(value)
)


def _blob(value: Any) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"$blob": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot write {type(value).__name__} in a dump")


@dataclass(frozen=True)
class DumpSummary:
    tables: int
    rows: int


# --- Export --------------------------------------------------------------------------------


def dump_workspace(ws: Workspace, out: IO[str]) -> DumpSummary:
    """Write the whole workspace to `out`, table by table, from one consistent snapshot."""
    with read_snapshot(ws) as snapshot:
        tables = snapshot.tables
        out.write(
            f'{{"format": "{FORMAT}", "format_version": {FORMAT_VERSION},'
            f' "schema_version": {snapshot.schema_version}, "tables": [\n'
        )
        total = 0
        for n, table in enumerate(tables):
            count = snapshot.count(table)
            out.write(
                f'{{"name": {_ENCODER.encode(table.name)},'
                f' "columns": {_ENCODER.encode(table.columns)}, "count": {count}, "rows": [\n'
            )
            written = 0
            encode = _ENCODER.encode
            for row in snapshot.rows(table):
                written += 1
                out.write(encode(row))
                out.write(",\n" if written < count else "\n")
            if written != count:  # pragma: no cover - the snapshot holds the count
                raise RuntimeError(f"{table.name}: {written} rows read, {count} counted")
            total += count
            out.write("]},\n" if n < len(tables) - 1 else "]}\n")
        out.write("]}\n")
    return DumpSummary(tables=len(tables), rows=total)


def export_json_file(ws: Workspace, path: Path) -> DumpSummary:
    """Dump into a new file `path` (mode 0600: it holds everything); an existing path is
    refused, and a failed dump leaves no file behind."""
    path = path.expanduser()
    if path.exists() or path.is_symlink():
        raise ProdtuiError("export.exists", path=str(path))
    temporary = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            summary = dump_workspace(ws, SafeWriter(handle, for_json_terminal))
        _move_into_place(Path(temporary), path, "export.exists")
    except OSError as error:
        raise ProdtuiError(
            "export.failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    finally:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
    return summary


def _move_into_place(temporary: Path, path: Path, exists_key: str) -> None:
    """A hard link never replaces an existing file, so two writers cannot overwrite each
    other; the temporary name is removed by the caller."""
    try:
        os.link(temporary, path)
    except FileExistsError as error:
        raise ProdtuiError(exists_key, path=str(path)) from error
    except OSError:  # a file system without hard links
        if path.exists():
            raise ProdtuiError(exists_key, path=str(path)) from None
        os.replace(temporary, path)


# --- Reading a dump ------------------------------------------------------------------------


class DumpHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["prodtui-workspace"]
    format_version: int = Field(ge=1)
    schema_version: int = Field(ge=1)


class TableHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    columns: list[str] = Field(min_length=1)
    count: int = Field(ge=0)


class _DumpTable(TableHeader):
    rows: list[list[Any]]


class _DumpDocument(DumpHeader):
    tables: list[_DumpTable]


Row = tuple[int | None, list[Any]]
"""A row and the line it is on (None when the file was read whole)."""


class DumpReader:
    """Reads a dump from an open text file: line by line when it has the layout the
    export writes, else (reformatted by some tool) whole."""

    def __init__(self, handle: IO[str], source: str) -> None:
        self.handle = handle
        self.source = source
        self.line = 0
        self._document: _DumpDocument | None = None
        first = self._next_line()
        try:
            self.header = self._streamed_header(first)
        except (ValueError, ValidationError):
            self.header = self._whole(first)

    # -- errors -----------------------------------------------------------------------------

    def damaged(self, detail: str, line: int | None = None) -> ProdtuiError:
        return ProdtuiError("json.damaged", path=self.source, line=line or self.line, detail=detail)

    def truncated(self) -> ProdtuiError:
        return ProdtuiError("json.truncated", path=self.source, line=self.line)

    # -- the two ways of reading ------------------------------------------------------------

    def _next_line(self) -> str:
        try:
            text = self.handle.readline()
        except UnicodeDecodeError as error:
            raise self.damaged(t("json.not_utf8"), self.line + 1) from error
        if text:
            self.line += 1
        return text

    def loads(self, text: str) -> Any:
        """`json.loads`, with nesting too deep for the parser refused in one line."""
        try:
            return json.loads(text)
        except RecursionError:
            raise ProdtuiError("json.too_deep", path=self.source) from None

    def _streamed_header(self, first: str) -> DumpHeader:
        if not first.startswith('{"format": '):
            raise ValueError("not the streamed layout")
        data = self.loads(first + "]}")
        if not isinstance(data, dict) or data.get("tables") != []:
            raise ValueError("not the streamed layout")
        return DumpHeader.model_validate(data)

    def _whole(self, first: str) -> DumpHeader:
        try:
            text = first + self.handle.read()
        except UnicodeDecodeError as error:
            raise self.damaged(t("json.not_utf8")) from error
        if not text.strip():
            raise ProdtuiError("json.not_dump", path=self.source)
        try:
            data = self.loads(text)
        except json.JSONDecodeError as error:
            if error.pos >= len(text.rstrip()):
                raise ProdtuiError("json.truncated", path=self.source, line=error.lineno) from None
            raise ProdtuiError(
                "json.not_json", path=self.source, line=error.lineno, detail=error.msg
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ProdtuiError("json.not_dump", path=self.source)
        try:
            header = DumpHeader.model_validate({k: v for k, v in data.items() if k != "tables"})
        except ValidationError as error:
            detail = "; ".join(validation_reasons(error))
            raise ProdtuiError("json.bad_header", path=self.source, detail=detail) from None
        check_versions(header, self.source)
        try:
            self._document = _DumpDocument.model_validate(data)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise self.damaged(f"{where}: {problem['msg']}", line=0) from None
        return header

    def tables(self) -> Iterator[tuple[TableHeader, Iterator[Row]]]:
        """Each table's header and its rows; each row iterator must be used up before
        the next table is asked for."""
        if self._document is not None:
            for dumped in self._document.tables:
                yield dumped, ((None, row) for row in dumped.rows)
            return
        while True:
            text = self._next_line()
            if not text:
                raise self.truncated()
            stripped = text.strip()
            if stripped == "]}":
                self._expect_end()
                return
            table = self._table_header(stripped)
            last = self._rows_holder()
            yield table, self._rows(table, last)
            if last[0] == "]}":
                text = self._next_line()
                if not text:
                    raise self.truncated()
                if text.strip() != "]}":
                    raise self.damaged(t("json.expected_end"))
                self._expect_end()
                return

    @staticmethod
    def _rows_holder() -> list[str]:
        return [""]

    def _table_header(self, stripped: str) -> TableHeader:
        try:
            data = self.loads(stripped + "]}")
            header = TableHeader.model_validate(data)
        except (ValueError, ValidationError) as error:
            raise self.damaged(t("json.expected_table")) from error
        if data.get("rows") != []:
            raise self.damaged(t("json.expected_table"))
        return header

    def _rows(self, table: TableHeader, last: list[str]) -> Iterator[Row]:
        found = 0
        while True:
            text = self._next_line()
            if not text:
                raise self.truncated()
            stripped = text.strip()
            if stripped in ("]}", "]},"):
                last[0] = stripped
                break
            if not text.endswith("\n"):
                raise self.truncated()  # the file stops in the middle of a row
            try:
                row = self.loads(stripped.removesuffix(","))
            except ValueError as error:
                raise self.damaged(str(error)) from error
            found += 1
            yield self.line, row
        if found != table.count:
            raise self.damaged(
                t("json.count_mismatch", table=table.name, expected=table.count, found=found)
            )

    def _expect_end(self) -> None:
        rest = self.handle.read()
        if rest.strip():
            raise self.damaged(t("json.trailing"), self.line + 1)


def check_versions(header: DumpHeader, source: str) -> None:
    if header.format_version > FORMAT_VERSION:
        raise ProdtuiError(
            "json.format_too_new",
            path=source,
            version=header.format_version,
            supported=FORMAT_VERSION,
        )
    if header.schema_version > LATEST_VERSION:
        raise ProdtuiError(
            "json.too_new", path=source, version=header.schema_version, supported=LATEST_VERSION
        )


# --- Restore -------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$blob"} and isinstance(value["$blob"], str):
            return base64.b64decode(value["$blob"], validate=True)
        raise ValueError("an object is not a value")
    if isinstance(value, list):
        raise ValueError("a list is not a value")
    return value


def restore_workspace(source: Path, target: Path, *, author: str = "") -> DumpSummary:
    """Restore the dump `source` into the new workspace file `target`.

    Refused before anything is created: an existing `target`, a file that is not a dump,
    a dump of a newer schema. Refused after: a damaged or truncated dump, a row the
    schema rejects — the new file is then removed. An older dump's rows are inserted
    into the current schema: missing columns take their defaults.
    """
    from prodtui.store.workspace import open_workspace

    target = target.expanduser()
    if target.exists() or target.is_symlink():
        raise ProdtuiError("json.target_exists", path=str(target))
    name = str(source)
    # Only a regular file of a sane size: a FIFO cannot hang the restore, nor /dev/zero
    # fill the memory.
    handle = text_stream(open_input_file(source.expanduser(), JSON_DUMP_LIMIT))
    with handle:
        reader = DumpReader(handle, name)
        check_versions(reader.header, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary_name = tempfile.mkstemp(
            prefix=f".{target.name}.restoring-", dir=target.parent
        )
        os.close(fd)
        temporary = Path(temporary_name)
        try:
            ws = open_workspace(temporary, author=author)
            try:
                summary = _fill(ws, reader, name)
            finally:
                ws.close()
            _move_into_place(temporary, target, "json.target_exists")
        finally:
            for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
                leftover.unlink(missing_ok=True)
    return summary


class DumpRefused(ProdtuiError):
    """Rows of the dump break the app's rules: each is listed (the first MAX_PROBLEMS),
    nothing was restored."""

    def __init__(self, source: str, problems: list[str]) -> None:
        key = "json.refused_first" if len(problems) >= MAX_PROBLEMS else "json.refused"
        super().__init__(key, path=source, count=len(problems))
        self.problems = problems


class _Problems:
    """The row problems found so far; once there is one, nothing more is written."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []

    def add(self, line: int | None, table: str, row: int, reason: str) -> None:
        if line is None:
            where = {"path": self.source, "table": table, "row": row}
            self.found.append(t("json.row_problem_whole", reason=reason, **where))
        else:
            where = {"path": self.source, "line": line, "table": table, "row": row}
            self.found.append(t("json.row_problem", reason=reason, **where))

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_PROBLEMS


def _fill(ws: Workspace, reader: DumpReader, source: str) -> DumpSummary:
    tables = rows = 0
    problems = _Problems(source)
    with restoring(ws) as restore:
        # The dump is in foreign-key order already; the checks wait for the end, so a
        # dump some tool reordered is accepted too, and a missing parent is named.
        seen: set[str] = set()
        for table, table_rows in reader.tables():
            shape = restore.shapes.get(table.name)
            if shape is None or table.name in seen:
                raise ProdtuiError("json.unknown_table", path=source, table=table.name)
            seen.add(table.name)
            unknown = [c for c in table.columns if c not in shape.columns]
            if unknown or len(set(table.columns)) != len(table.columns):
                raise ProdtuiError(
                    "json.unknown_column", path=source, table=table.name, column=", ".join(unknown)
                )
            restore.clear(table.name)  # rows a migration seeded
            rows += _insert(restore, table, table_rows, problems)
            tables += 1
            if problems.full:
                break
        if problems.found:  # the transaction is rolled back: nothing is written
            raise DumpRefused(source, problems.found[:MAX_PROBLEMS])
        problem = restore.foreign_key_problem()
        if problem is not None:
            raise ProdtuiError(
                "json.foreign_key",
                path=source,
                table=problem.table,
                rowid=problem.rowid,
                parent=problem.parent,
            )
    return DumpSummary(tables=tables, rows=rows)


def _insert(restore: Restore, table: TableHeader, rows: Iterator[Row], problems: _Problems) -> int:
    """Check each row of `table` as the app would, and write it while no row of the dump
    has been refused; returns how many rows were read."""
    check = TableCheck(table.name, table.columns)
    width = len(table.columns)
    count = 0
    positions: list[tuple[int | None, int]] = []
    batch: list[list[Any]] = []

    def flush() -> None:
        if not problems.found:
            try:
                restore.insert(table.name, table.columns, batch)
            except RowRefused as refused:
                line, number = positions[refused.index]
                problems.add(line, table.name, number, refused.reason)
        positions.clear()
        batch.clear()

    for line, row in rows:
        count += 1
        if not isinstance(row, list) or len(row) != width:
            problems.add(line, table.name, count, t("json.row_width", width=width))
        else:
            try:
                values, reasons = check.check([_cell(value) for value in row])
            except ValueError as error:
                values, reasons = [], [str(error)]
            for reason in reasons:
                problems.add(line, table.name, count, reason)
            if not reasons:
                positions.append((line, count))
                batch.append(values)
        if problems.full:
            return count
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return count


# --- The shell ------------------------------------------------------------------------------


def run_export_json(args: argparse.Namespace, ws: Workspace) -> int:
    """`prodtui export json [--out PATH]`: stdout, or a new file whose path is printed."""
    out = getattr(args, "out", None)
    if out:
        summary = export_json_file(ws, Path(out))
        print(t("json.exported", tables=summary.tables, rows=summary.rows, path=str(out)))
    else:
        dump_workspace(ws, sys.stdout)
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.flush()
    return 0


def run_import_json(source: Path, target: Path, *, author: str) -> int:
    """`prodtui import json FILE --db NEW`: a refused dump lists its problems on stderr,
    one a line, before the one-line summary the caller prints."""
    try:
        summary = restore_workspace(source, target, author=author)
    except DumpRefused as refused:
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        raise
    print(t("json.restored", tables=summary.tables, rows=summary.rows, path=str(target)))
    return 0
