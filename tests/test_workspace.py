"""Opening, creating, refusing and migrating workspace files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from prodtui.domain.errors import ReadOnlyWorkspaceError, WorkspaceError
from prodtui.domain.items import Item
from prodtui.store import migrations as migrations_module
from prodtui.store import open_workspace
from prodtui.store.migrations import LATEST_VERSION, split_statements


def test_new_workspace_is_private_wal_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "ws.db"
    ws = open_workspace(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn = ws.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"people", "items", "stories", "executions", "drafts", "audit_log"} <= tables
    ws.close()


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    open_workspace(path).close()
    ws = open_workspace(path)
    assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    ws.close()


@pytest.mark.parametrize(
    "content", [b"hello, this is a text file\n" * 10, b"SQLite format 2\x00" + b"\x00" * 200]
)
def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(path)
    assert caught.value.key == "workspace.not_sqlite"
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (y)")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(path)
    assert caught.value.key == "workspace.too_new"
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_file_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    ws = open_workspace(path)
    ws.items.add(Item(text="déjà là"))
    ws.close()
    path.chmod(0o400)
    ws = open_workspace(path)
    assert ws.read_only
    assert [i.text for i in ws.items.inbox()] == ["déjà là"]
    with pytest.raises(ReadOnlyWorkspaceError):
        ws.items.add(Item(text="refusé"))
    ws.close()


def test_a_file_the_user_cannot_write_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root (as in CI) may write any file, so the permission check itself is stood in for.
    path = tmp_path / "ro.db"
    open_workspace(path).close()
    monkeypatch.setattr("prodtui.store.workspace._writable", lambda _: False)
    ws = open_workspace(path)
    assert ws.read_only
    with pytest.raises(ReadOnlyWorkspaceError):
        ws.items.add(Item(text="refusé"))
    ws.close()


def test_read_only_on_request(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    open_workspace(path).close()
    before = path.read_bytes()
    ws = open_workspace(path, read_only=True)
    assert ws.read_only
    with pytest.raises(ReadOnlyWorkspaceError):
        ws.items.add(Item(text="refusé"))
    ws.close()
    assert path.read_bytes() == before


def test_a_failing_migration_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ws.db"
    open_workspace(path).close()
    real = migrations_module.migration_scripts()
    broken = "CREATE TABLE half_done (x);\nTHIS IS NOT SQL;\n"
    monkeypatch.setattr(
        migrations_module, "migration_scripts", lambda: [*real, (LATEST_VERSION + 1, broken)]
    )
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(path)
    assert caught.value.key == "workspace.migration_failed"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert (
        conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0]
        == 0
    )
    conn.close()


def test_statements_are_split_with_trigger_bodies_whole() -> None:
    script = (
        "-- comment\nCREATE TABLE a (x);\n\nCREATE TRIGGER t BEFORE DELETE ON a\n"
        "BEGIN\n    SELECT RAISE(ABORT, 'no');\nEND;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(tmp_path)
    assert caught.value.key == "workspace.is_directory"


def test_executions_are_append_only(workspace) -> None:
    db = workspace.db
    stamp = "2026-11-27T10:00:00"
    with workspace.transaction():
        db["campaigns"].insert({"name": "R1", "created_at": stamp, "updated_at": stamp})
        db["test_cases"].insert(
            {"number": 1, "title": "t", "created_at": stamp, "updated_at": stamp}
        )
        db["executions"].insert(
            {
                "campaign_id": 1,
                "case_id": 1,
                "status": "pass",
                "case_snapshot": "{}",
                "created_at": stamp,
            }
        )
    with pytest.raises(sqlite3.IntegrityError), workspace.transaction():
        db.execute("UPDATE executions SET status = 'fail'")
    with pytest.raises(sqlite3.IntegrityError), workspace.transaction():
        db.execute("DELETE FROM executions")
    assert db.execute("SELECT status FROM executions").fetchone()[0] == "pass"
