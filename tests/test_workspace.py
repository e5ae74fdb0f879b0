"""Opening, creating, refusing and migrating workspace files."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from prodtui.domain.errors import ReadOnlyWorkspaceError, WorkspaceError
from prodtui.domain.items import Item
from prodtui.store import migrations as migrations_module
from prodtui.store import open_workspace
from prodtui.store.migrations import LATEST_VERSION, split_statements
from prodtui.store.security import MeasureRepository


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


# -- a new workspace is ready to use ------------------------------------------------------------

PRODTUI = Path(sys.executable).parent / "prodtui"


def prodtui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRODTUI), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_a_workspace_made_by_a_command_has_the_measures_and_the_steps(tmp_path: Path) -> None:
    db = tmp_path / "nouveau.db"
    captured = prodtui("--db", str(db), "capture", "+ relancer l'hébergeur demain")
    assert captured.returncode == 0, captured.stderr
    dossier = prodtui("--db", str(db), "export", "dossier")
    assert dossier.returncode == 0, dossier.stderr
    assert "## Mesures de sécurité (45)" in dossier.stdout
    assert "| GOUV-01 | Désigner l'autorité d'homologation |" in dossier.stdout
    assert "Stratégie" in dossier.stdout  # the first homologation step
    ws = open_workspace(db)
    assert ws.measures.count() == 45 and ws.homologation.step_count() == 10
    assert [i.text for i in ws.items.inbox()] == ["relancer l'hébergeur demain"]
    ws.close()
    # Created once: the next commands add nothing again.
    assert prodtui("--db", str(db), "capture", "note").returncode == 0
    ws = open_workspace(db)
    assert ws.measures.count() == 45 and ws.homologation.step_count() == 10
    ws.close()


def test_an_existing_workspace_is_not_filled_on_open(tmp_path: Path) -> None:
    """Measures appear at creation only: a workspace kept without them (an older one, or
    one whose team chose its own referential) is left as it is; the security screen's
    import offers the shipped referential."""
    db = tmp_path / "ancien.db"
    open_workspace(db).close()
    assert prodtui("--db", str(db), "capture", "note").returncode == 0
    ws = open_workspace(db)
    assert ws.measures.count() == 0 and ws.homologation.step_count() == 0
    ws.close()


def test_an_empty_file_named_by_the_user_becomes_a_ready_workspace(tmp_path: Path) -> None:
    db = tmp_path / "vide.db"
    db.touch()
    assert prodtui("--db", str(db), "capture", "note").returncode == 0
    ws = open_workspace(db)
    assert ws.measures.count() == 45
    ws.close()


def test_samples_and_restores_are_not_given_the_shipped_referential(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "plain.db")  # what the demo, the large sample and a restore use
    assert ws.measures.count() == 0
    ws.close()


def test_a_workspace_that_cannot_be_prepared_is_not_left_half_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while copying the referential: the error is said and no file is left,
    so the next try makes a whole workspace."""
    db = tmp_path / "ws.db"

    def disk_full(self: object, **_: object) -> None:
        raise WorkspaceError("failure.disk_full", path=str(db), reason="")

    monkeypatch.setattr(MeasureRepository, "import_shipped", disk_full)
    with pytest.raises(WorkspaceError):
        open_workspace(db, ready=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    monkeypatch.undo()
    ws = open_workspace(db, ready=True)
    assert ws.measures.count() == 45
    ws.close()


def test_the_shipped_referential_can_be_imported_later_from_the_security_screen(
    tmp_path: Path,
) -> None:
    ws = open_workspace(tmp_path / "ancien.db")
    assert len(ws.measures.import_shipped().added) == 45
    again = ws.measures.import_shipped()
    assert (len(again.added), len(again.unchanged)) == (0, 45)
    ws.close()


# -- nobody named -------------------------------------------------------------------------------


def test_an_unnamed_user_is_no_question_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`$USER` unset, as in many containers: the author is empty (the screens say "non
    renseigné"), never a made-up `?`."""
    for name in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(name, "")
    ws = open_workspace(tmp_path / "ws.db")
    assert ws.author == ""
    ws.items.add(Item(text="note"))
    assert [row["author"] for row in ws.rows("SELECT author FROM audit_log")] == [""]
    ws.close()
    monkeypatch.setenv("LOGNAME", "camille")
    ws = open_workspace(tmp_path / "ws.db")
    assert ws.author == "camille"
    ws.close()


def test_the_app_keeps_a_small_page_cache_and_commands_the_default(tmp_path: Path) -> None:
    """The app's session reads a page of rows at a time: 256 KiB of SQLite page cache
    rather than 2 MB (memory the app would keep for little); commands keep the default."""
    from prodtui.store.workspace import APP_CACHE_KIB

    ws = open_workspace(tmp_path / "w.db", author="Camille")
    try:
        assert ws.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
        ws.use_small_cache()
        assert ws.conn.execute("PRAGMA cache_size").fetchone()[0] == -APP_CACHE_KIB == -256
    finally:
        ws.close()


def test_a_sibling_connection_reads_and_writes_the_same_file(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "w.db", author="Camille")
    try:
        ws.items.add(Item(text="vue par le fil"))
        reader = ws.sibling()
        writer = ws.sibling(read_only=False)
        try:
            assert reader.read_only and [i.text for i in reader.items.inbox()] == ["vue par le fil"]
            writer.items.add(Item(text="écrite par le fil"))
            assert ws.items.count() == 2
            with pytest.raises(ReadOnlyWorkspaceError):
                reader.items.add(Item(text="refusée"))
        finally:
            reader.close()
            writer.close()
    finally:
        ws.close()


def test_the_app_never_opens_its_own_file_again_outside_sqlite() -> None:
    """`open_workspace` reads the file's header with a plain file descriptor; closing it
    drops every POSIX lock the process holds on the file, SQLite's included, and another
    process could then checkpoint under the app's reads (the file was damaged so). The
    app's workers open `Workspace.sibling()` connections instead."""
    ui = Path(__file__).resolve().parent.parent / "src" / "prodtui" / "ui"
    callers = [
        str(path.relative_to(ui))
        for path in ui.rglob("*.py")
        if "open_workspace(" in path.read_text(encoding="utf-8")
    ]
    assert callers == []
