"""Copying a workspace table by table: the SQL under the JSON dump and its restore.

The dump reads every data table of one consistent snapshot, row by row; the restore
writes rows into a new workspace in one transaction and checks the foreign keys at the
end. The format of the file lives in `prodtui.exchange.workspace_json`: here only plain
Python values cross the boundary (tuples of cells, table shapes, row indexes).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodtui.store.search import SEARCH_TRIGGER_PREFIX, rebuild_search_index

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: list[str]
    order_by: str


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def data_tables(conn: sqlite3.Connection) -> list[TableShape]:
    """The workspace's own tables, parents before children along foreign keys (ties by
    name); SQLite's internal tables, virtual tables and their shadow tables left out."""
    listed = conn.execute("PRAGMA main.table_list").fetchall()
    # (schema, name, type, ncol, without_rowid, strict); virtual and shadow tables have
    # their own types, SQLite's internal ones a reserved prefix.
    names = {row[1]: bool(row[4]) for row in listed if row[2] == "table"}
    names = {n: wr for n, wr in names.items() if not n.startswith("sqlite_")}
    parents = {
        name: {
            fk[2]
            for fk in conn.execute(f"PRAGMA foreign_key_list({quote(name)})")
            if fk[2] != name and fk[2] in names
        }
        for name in names
    }
    ordered: list[str] = []
    remaining = sorted(names)
    while remaining:
        ready = [n for n in remaining if parents[n] <= set(ordered)] or remaining[:1]
        ordered.append(ready[0])
        remaining.remove(ready[0])
    shapes = []
    for name in ordered:
        info = conn.execute(f"PRAGMA table_xinfo({quote(name)})").fetchall()
        # (cid, name, type, notnull, default, pk, hidden): generated columns are hidden.
        columns = [column[1] for column in info if column[6] == 0]
        if names[name]:
            keys = sorted((column[5], column[1]) for column in info if column[5] > 0)
            order_by = ", ".join(quote(key) for _, key in keys)
        else:
            order_by = "rowid"
        shapes.append(TableShape(name, columns, order_by))
    return shapes


# --- Reading ---------------------------------------------------------------------------


class Snapshot:
    """One read transaction over a workspace: its schema version, its data tables, and
    each table's rows streamed from the cursor."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.schema_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        self.tables = data_tables(conn)

    def count(self, table: TableShape) -> int:
        return int(self._conn.execute(f"SELECT count(*) FROM {quote(table.name)}").fetchone()[0])

    def rows(self, table: TableShape) -> Iterator[tuple[Any, ...]]:
        """The table's rows in `table.columns` order, by rowid (or primary key)."""
        return self._conn.execute(
            f"SELECT {', '.join(map(quote, table.columns))} FROM {quote(table.name)}"
            f" ORDER BY {table.order_by}"
        )


@contextlib.contextmanager
def read_snapshot(ws: Workspace) -> Iterator[Snapshot]:
    """A consistent view of the whole workspace, even while other sessions write."""
    conn = ws.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # a read transaction: one snapshot for every table
    try:
        yield Snapshot(conn)
    finally:
        if own and conn.in_transaction:
            conn.execute("COMMIT")


# --- Writing ---------------------------------------------------------------------------


class RowRefused(Exception):
    """The schema refused a row of a batch: its index in the batch, and SQLite's reason."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(index, reason)
        self.index = index
        self.reason = reason


@dataclass(frozen=True)
class ForeignKeyProblem:
    """A row whose parent is missing: its table, its rowid and the parent table."""

    table: str
    rowid: int | None
    parent: str


class Restore:
    """Rows going into a workspace inside `restoring`, batch by batch."""

    def __init__(self, conn: sqlite3.Connection, shapes: list[TableShape]) -> None:
        self._conn = conn
        self.shapes = {shape.name: shape for shape in shapes}

    def clear(self, table: str) -> None:
        """Remove the rows a migration seeded, so the dump's own rows take their place."""
        if self._conn.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1").fetchone():
            self._conn.execute(f"DELETE FROM {quote(table)}")

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert `rows` (cells in `columns` order) all or none; a refused row raises
        RowRefused naming it."""
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))})"
            f" VALUES ({', '.join('?' * len(columns))})"
        )
        conn = self._conn
        conn.execute("SAVEPOINT restore_batch")
        try:
            conn.executemany(sql, rows)
        except (sqlite3.Error, OverflowError):
            # Find the row the schema refused, to name it.
            conn.execute("ROLLBACK TO restore_batch")
            for index, values in enumerate(rows):
                try:
                    conn.execute(sql, values)
                except (sqlite3.Error, OverflowError) as error:
                    raise RowRefused(index, str(error)) from error
            raise  # pragma: no cover - a batch that fails fails on one of its rows
        finally:
            conn.execute("RELEASE restore_batch")

    def foreign_key_problem(self) -> ForeignKeyProblem | None:
        problem = self._conn.execute("PRAGMA foreign_key_check").fetchone()
        if problem is None:
            return None
        return ForeignKeyProblem(table=problem[0], rowid=problem[1], parent=problem[2])


@contextlib.contextmanager
def restoring(ws: Workspace, *, new_file: bool = False) -> Iterator[Restore]:
    """One write transaction for a whole restore: committed when the block ends without
    an error, then checkpointed so the file stands alone; rolled back otherwise.

    `new_file`: the workspace is a brand-new file that no other connection sees and that
    is thrown away unless the restore completes. The rollback journal then stays in
    memory and nothing is synced (the caller syncs the finished file); the search
    triggers and the plain (non-unique) indexes are set aside while rows go in, and put
    back at the end: one sorted build of each index and one bulk insert into the search
    index cost a fraction of keeping them up to date row by row. While its data tables
    are empty, the foreign keys are not enforced row by row either: no delete can then
    cascade, and `Restore.foreign_key_problem` checks every row at the end all the same.
    """
    conn = ws.conn
    shapes = data_tables(conn)
    unenforced = new_file and not any(
        conn.execute(f"SELECT 1 FROM {quote(shape.name)} LIMIT 1").fetchone() for shape in shapes
    )
    if new_file:
        conn.execute("PRAGMA journal_mode = MEMORY").fetchone()
        conn.execute("PRAGMA synchronous = OFF")
    if unenforced:  # outside a transaction, or SQLite ignores it
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with ws.transaction():
            # Deferring the foreign-key checks to the commit also accepts rows in another
            # order; `foreign_key_problem` then names the row before the caller commits.
            conn.execute("PRAGMA defer_foreign_keys = ON")
            set_aside = _set_aside(conn) if new_file else []
            yield Restore(conn, shapes)
            if new_file:
                for sql in set_aside:
                    conn.execute(sql)
                rebuild_search_index(conn)
    finally:
        if unenforced:
            conn.execute("PRAGMA foreign_keys = ON")
        if new_file:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
    if not new_file:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _set_aside(conn: sqlite3.Connection) -> list[str]:
    """Drop the search triggers and the plain indexes; returns the SQL that makes them
    again. Unique indexes stay: they refuse a duplicate row as it is inserted, by name."""
    trigger_names = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ?",
        [len(SEARCH_TRIGGER_PREFIX), SEARCH_TRIGGER_PREFIX],
    ).fetchall()
    plain = {
        index[1]
        for table in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for index in conn.execute(f"PRAGMA index_list({quote(table[0])})").fetchall()
        # (seq, name, unique, origin, partial): origin "c" is a CREATE INDEX.
        if index[2] == 0 and index[3] == "c"
    }
    indexes = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        if name in plain
    ]
    for name, _ in trigger_names:
        conn.execute(f"DROP TRIGGER {quote(name)}")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {quote(name)}")
    return [sql for _, sql in indexes] + [sql for _, sql in trigger_names]
