"""The SQL under the JSON dump: which tables in which order, one snapshot, and a restore
that names the refused row and the missing parent."""

from __future__ import annotations

import sqlite3

import pytest

from prodtui.store import Workspace
from prodtui.store.table_copy import (
    RowRefused,
    TableShape,
    data_tables,
    read_snapshot,
    restoring,
)


def test_data_tables_order_parents_first_and_leave_out_virtual_tables() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        CREATE TABLE a_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES z_parent (id),
                              total INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL);
        CREATE TABLE z_parent (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE pairs (b TEXT, a TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
        CREATE VIRTUAL TABLE finder USING fts5 (body);
        """
    )
    assert data_tables(conn) == [
        TableShape("pairs", ["b", "a"], '"a", "b"'),
        TableShape("z_parent", ["id", "name"], "rowid"),
        TableShape("a_child", ["id", "parent_id"], "rowid"),
    ]
    conn.close()


def test_the_snapshot_streams_rows_in_column_order(workspace: Workspace) -> None:
    with workspace.transaction():
        workspace.meta.set("name", "Répit")
        workspace.meta.set("service", "Aide")
    with read_snapshot(workspace) as snapshot:
        meta = next(table for table in snapshot.tables if table.name == "meta")
        assert snapshot.count(meta) == 2
        assert list(snapshot.rows(meta)) == [("name", "Répit"), ("service", "Aide")]
    assert not workspace.conn.in_transaction


def test_a_refused_row_is_named_and_nothing_is_kept(workspace: Workspace) -> None:
    with pytest.raises(RowRefused) as refused, restoring(workspace) as restore:
        restore.insert("meta", ["key", "value"], [["name", "A"]])
        restore.insert("meta", ["key", "value"], [["service", "B"], ["other", None]])
    assert refused.value.index == 1
    assert "NOT NULL" in refused.value.reason
    assert workspace.conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


def test_a_missing_parent_is_found_before_the_commit(workspace: Workspace) -> None:
    with restoring(workspace) as restore:
        restore.insert(
            "standup_entries",
            ["id", "standup_id", "person_id", "created_at", "updated_at"],
            [[7, 3, 1, "2026-11-27", "2026-11-27"]],
        )
        problem = restore.foreign_key_problem()
        restore.clear("standup_entries")  # so the commit goes through
        assert restore.foreign_key_problem() is None
    assert problem is not None
    assert problem.table == "standup_entries" and problem.rowid == 7
    assert problem.parent in ("standups", "people")
