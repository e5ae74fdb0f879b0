"""The whole workspace to a JSON dump, and a dump restored into a new workspace file.

The format is `prodtui.exchange.workspace_json`; the SQL of both sides (the snapshot,
the tables in order, the inserts and the foreign-key check) is `prodtui.store.table_copy`.
A restore always creates a new file, through `open_workspace` (migrations, mode 0600),
fills it in one transaction and moves it into place only once complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodtui.domain.errors import ProdtuiError
from prodtui.exchange.files import (
    JSON_DUMP_LIMIT,
    SafeWriter,
    for_json_terminal,
    open_input_file,
    text_stream,
)
from prodtui.exchange.workspace_json import (
    MAX_PROBLEMS,
    DumpedTable,
    DumpReader,
    DumpRefused,
    Row,
    TableHeader,
    TextSink,
    check_versions,
    write_dump,
)
from prodtui.exchange.workspace_rows import TableCheck
from prodtui.i18n import t
from prodtui.store.migrations import LATEST_VERSION
from prodtui.store.table_copy import Restore, RowRefused, read_snapshot, restoring

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

BATCH = 1_000
"""Rows inserted at a time by a restore."""


@dataclass(frozen=True)
class DumpSummary:
    tables: int
    rows: int


# --- Export --------------------------------------------------------------------------------


def dump_workspace(
    ws: Workspace, out: TextSink, progress: Callable[[int, int], None] | None = None
) -> DumpSummary:
    """Write the whole workspace to `out`, table by table, from one consistent snapshot;
    `progress` is told the rows written and the rows in all, now and then."""
    with read_snapshot(ws) as snapshot:
        tables = snapshot.tables
        counts = [snapshot.count(table) for table in tables]
        whole = sum(counts)
        rows = write_dump(
            out,
            snapshot.schema_version,
            (
                DumpedTable(table.name, table.columns, count, snapshot.rows(table))
                for table, count in zip(tables, counts, strict=True)
            ),
            None if progress is None else (lambda done: progress(done, whole)),
        )
    return DumpSummary(tables=len(tables), rows=rows)


def export_json_file(
    ws: Workspace, path: Path, progress: Callable[[int, int], None] | None = None
) -> DumpSummary:
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
            summary = dump_workspace(ws, SafeWriter(handle, for_json_terminal), progress)
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


# --- Restore -------------------------------------------------------------------------------


def restore_workspace(
    source: Path,
    target: Path,
    *,
    author: str = "",
    progress: Callable[[int], None] | None = None,
) -> DumpSummary:
    """Restore the dump `source` into the new workspace file `target`.

    Refused before anything is created: an existing `target`, a file that is not a dump,
    a dump of a newer schema. Refused after: a damaged or truncated dump, a row the
    schema rejects — the new file is then removed. An older dump's rows are inserted
    into the current schema: missing columns take their defaults. `progress` is told the
    rows read so far after each batch.
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
        reader = DumpReader(handle, name, supported_schema=LATEST_VERSION)
        check_versions(reader.header, name, LATEST_VERSION)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary_name = tempfile.mkstemp(
            prefix=f".{target.name}.restoring-", dir=target.parent
        )
        os.close(fd)
        temporary = Path(temporary_name)
        try:
            ws = open_workspace(temporary, author=author)
            try:
                summary = _fill(ws, reader, name, progress)
                # A dump of an older schema has closed campaigns without their scope.
                ws.campaigns.freeze_closed()
            finally:
                ws.close()
            # The rows went in unsynced (`restoring`, new_file): on disk before it is seen.
            _sync(temporary)
            _move_into_place(temporary, target, "json.target_exists")
        finally:
            for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
                leftover.unlink(missing_ok=True)
    return summary


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def _fill(
    ws: Workspace, reader: DumpReader, source: str, progress: Callable[[int], None] | None
) -> DumpSummary:
    tables = rows = 0
    problems = _Problems(source)
    with restoring(ws, new_file=True) as restore:
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
            rows += _insert(restore, table, table_rows, problems, progress, rows)
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


def _insert(
    restore: Restore,
    table: TableHeader,
    rows: Iterator[Row],
    problems: _Problems,
    progress: Callable[[int], None] | None = None,
    before: int = 0,
) -> int:
    """Check each row of `table` as the app would, a batch at a time, and write the batch
    while no row of the dump has been refused; returns how many rows were read."""
    check = TableCheck(table.name, table.columns)
    width = len(table.columns)
    count = 0
    read: list[list[Any]] = []
    read_at: list[tuple[int | None, int]] = []

    def flush() -> None:
        checked = check.check_batch(read)
        positions: list[tuple[int | None, int]]
        batch: list[list[Any]]
        if not any(reasons for _, reasons in checked):  # the usual case: every row fits
            positions = list(read_at)
            batch = [values for values, _ in checked]
        else:
            positions, batch = [], []
            for (line, number), (values, reasons) in zip(read_at, checked, strict=True):
                for reason in reasons:
                    problems.add(line, table.name, number, reason)
                if not reasons:
                    positions.append((line, number))
                    batch.append(values)
        read.clear()
        read_at.clear()
        if batch and not problems.found:
            try:
                restore.insert(table.name, table.columns, batch)
            except RowRefused as refused:
                line, number = positions[refused.index]
                problems.add(line, table.name, number, refused.reason)
        if progress is not None:
            progress(before + count)

    for line, row in rows:
        count += 1
        if not isinstance(row, list) or len(row) != width:
            if read:  # the rows before it first, so that problems keep the file's order
                flush()
            problems.add(line, table.name, count, t("json.row_width", width=width))
            if problems.full:
                return count
            continue
        read.append(row)
        read_at.append((line, count))
        if len(read) >= BATCH:
            flush()
            if problems.full:
                return count
    if read:
        flush()
    return count
