"""Bulk work: imports that cost the same per row whatever their size, progress on stderr,
and a failure half-way (a bad row near the end, ctrl+c, a full disk) that leaves the
workspace exactly as it was, with a message."""

from __future__ import annotations

import csv
import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prodtui.app.stories import read_story_files
from prodtui.store import open_workspace
from prodtui.store.workspace import Workspace
from tests.environment import file_size_limit

PRODTUI = Path(sys.executable).parent / "prodtui"


def stories_csv(path: Path, count: int, *, bad_row: int | None = None) -> Path:
    """`count` stories (keyless, spread over a few epics); row `bad_row` (the header is
    row 1) has points no story can have."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "persona", "want", "status", "points", "epic"])
        for n in range(count):
            points = "4" if n + 2 == bad_row else str((1, 2, 3, 5, 8)[n % 5])
            writer.writerow(
                [f"Story {n}", "usager", f"déposer le document {n}", "idea", points, f"E{n % 7}"]
            )
    return path


def queries_per_import(ws: Workspace, path: Path) -> int:
    """How many SELECTs the import of `path` runs (triggers and inserts aside)."""
    records = read_story_files([path]).importable
    selects: list[str] = []
    ws.conn.set_trace_callback(
        lambda sql: selects.append(sql) if sql.lstrip().upper().startswith("SELECT") else None
    )
    try:
        ws.stories.import_stories(records)
    finally:
        ws.conn.set_trace_callback(None)
    return len(selects)


def test_a_stories_import_reads_the_workspace_per_batch_not_per_row(
    workspace: Workspace, tmp_path: Path
) -> None:
    small = queries_per_import(workspace, stories_csv(tmp_path / "small.csv", 1_000))
    large = queries_per_import(workspace, stories_csv(tmp_path / "large.csv", 4_000))
    # A query per row would add thousands; a query per batch of 500 adds a handful.
    assert large - small < 20, (small, large)
    assert large < 60


def test_a_stories_import_keeps_numbers_ranks_and_updates_in_file_order(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    rows = [["key", "title"]]
    rows += [["", f"Nouvelle {n}"] for n in range(1_200)]
    rows += [["US-3", "Troisième, mise à jour"], ["US-5000", "Clé libre"], ["", "Après"]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    outcome = workspace.stories.import_stories(read_story_files([path]).importable)
    assert len(outcome.created) == 1_202 and outcome.updated == ["US-3"]
    stories = workspace.stories.page(limit=2_000)
    assert [s.number for s in stories[:3]] == [1, 2, 3]
    assert stories[2].title == "Troisième, mise à jour" and stories[2].version == 2
    assert [(s.number, s.title) for s in stories[-2:]] == [(5000, "Clé libre"), (5001, "Après")]
    ranks = [s.rank for s in stories]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert len(workspace.search.search("Clé libre")) == 1
    created = workspace.conn.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'stories' AND field = '(created)'"
    ).fetchone()[0]
    assert created == 1_202


def fingerprint(path: Path) -> str:
    """Every row of every table: the workspace's content, whatever its file layout."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in sorted(tables):
            for row in sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"'))):
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    open_workspace(path).close()
    return path


def run(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRODTUI), "--lang", "fr", *args], capture_output=True, text=True, **options
    )  # type: ignore[call-overload]


def test_a_bad_row_near_the_end_writes_nothing_and_is_named(db: Path, tmp_path: Path) -> None:
    before = fingerprint(db)
    source = stories_csv(tmp_path / "bad.csv", 3_000, bad_row=2_999)
    done = run("import", "stories", str(source), "--db", str(db))
    assert done.returncode == 2
    assert "bad.csv:row 2999" in done.stderr
    assert fingerprint(db) == before


def test_ctrl_c_half_way_leaves_the_workspace_as_it_was(db: Path, tmp_path: Path) -> None:
    before = fingerprint(db)
    source = stories_csv(tmp_path / "many.csv", 60_000)
    process = subprocess.Popen(
        [str(PRODTUI), "--lang", "fr", "import", "stories", str(source), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupted once the transaction is open: the write lock is taken.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        probe = sqlite3.connect(db, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
        except sqlite3.OperationalError:
            break  # the import holds the lock
        finally:
            probe.close()
        time.sleep(0.05)
    assert process.poll() is None, "the import ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "rien n'a été écrit" in err
    assert "Traceback" not in err
    assert fingerprint(db) == before


def test_a_full_disk_half_way_leaves_the_workspace_as_it_was(db: Path, tmp_path: Path) -> None:
    before = fingerprint(db)
    size = db.stat().st_size
    source = stories_csv(tmp_path / "many.csv", 5_000)
    done = run(
        "import",
        "stories",
        str(source),
        "--db",
        str(db),
        preexec_fn=file_size_limit(size + 256 * 1024),
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert fingerprint(db) == before


def test_progress_is_a_plain_line_now_and_then_off_a_terminal(db: Path, tmp_path: Path) -> None:
    source = stories_csv(tmp_path / "some.csv", 2_000)
    done = run("import", "stories", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    # Under a second of work: nothing but what the command always said.
    assert done.stderr == ""
    assert "2\u202f000 stories créées" in done.stdout


def test_off_a_terminal_progress_says_rows_rate_and_time_left_in_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from prodtui.cli import progress as module
    from prodtui.i18n import set_language

    set_language("fr")
    out = io.StringIO()
    monkeypatch.setattr(module, "DELAY", 0.0)
    monkeypatch.setattr(module, "EVERY", 3600.0)
    with module.Progress("Import des stories", 1_000, stream=out) as progress:
        for done in range(0, 1_001, 100):
            progress.update(done)
    assert out.getvalue() == ""  # not yet a line's worth of time: no flood
    monkeypatch.setattr(module, "EVERY", 0.0)
    with module.Progress("Import des stories", 1_000, stream=out) as progress:
        progress.update(250)
    line = out.getvalue()
    assert line.startswith("Import des stories\u202f: 250 sur 1\u202f000 lignes, ")
    assert "lignes par seconde, reste " in line and line.endswith(" s\n")
    assert "\x1b" not in line
    set_language("en")
    try:
        english = io.StringIO()
        with module.Progress("Stories import", 12_000, stream=english) as progress:
            progress.update(2_500)
        assert english.getvalue().startswith("Stories import: 2,500 of 12,000 rows, ")
    finally:
        set_language("fr")
