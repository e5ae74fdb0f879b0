"""The `prodtui` command against hostile text, hostile files and a hostile environment:
nothing stored reaches the terminal raw, every failure is one line with a documented exit
status (2: the request is refused, 1: the environment failed), nothing hangs or eats the
memory, nothing is cut silently."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from prodtui.sample.demo import build_demo_workspace
from prodtui.store import open_workspace
from tests.conftest import TODAY
from tests.environment import (
    damage,
    drop_root_file_access,
    file_size_limit,
    read_only_folder,
)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    yield from read_only_folder(tmp_path)


PRODTUI = Path(sys.executable).parent / "prodtui"

# What an older version could have stored: an OSC 52 clipboard write, a clear screen,
# the one-byte C1 CSI, a bidi override and isolate, DEL.
HOSTILE = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\u202eenvers\u2066iso\u2069 del\x7f fin"
# Characters a terminal acts on (line feeds and tabs aside).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
KIB_64 = 65_536


def run(
    *args: str,
    preexec: Callable[[], None] | None = None,
    stdout: int | None = None,
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    """The installed command, with the test's HOME and XDG folders (see conftest)."""
    return subprocess.run(
        [str(PRODTUI), *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "LANG": "C.UTF-8"},
        preexec_fn=preexec,
        timeout=timeout,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single `prodtui: …` line a failure must print, and nothing else."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("prodtui: "), result.stderr
    return result.stderr


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo_workspace(tmp_path / "demo.db", today=TODAY)


def store_hostile(path: Path) -> None:
    """Hostile text written straight into the file, as an older version could have."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE stories SET title = ? || ' ' || title", [HOSTILE])
        conn.execute("UPDATE items SET text = ? || ' ' || text", [HOSTILE])
        conn.execute("UPDATE campaigns SET name = ? || ' ' || name", [HOSTILE])
        conn.execute("UPDATE risks SET title = ? || ' ' || title", [HOSTILE])
        conn.execute("UPDATE responsibilities SET activity = ? || ' ' || activity", [HOSTILE])
        conn.execute("UPDATE standup_entries SET today = ? || ' ' || today", [HOSTILE])
    conn.close()


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


# --- Hostile text on the way out -------------------------------------------------------------


def test_stored_escape_sequences_are_shown_never_sent(demo: Path, tmp_path: Path) -> None:
    store_hostile(demo)
    # The name as stored (a model would show it with placeholders).
    [(campaign,)] = sqlite3.connect(demo).execute("SELECT name FROM campaigns LIMIT 1")
    day = TODAY.isoformat()
    printing = [
        ["search", "envers"],
        ["export", "standup", "--date", day],
        ["export", "recette", "--campaign", campaign],
        ["export", "dossier"],
        ["export", "raci"],
    ]
    for args in printing:
        result = run("--db", str(demo), *args)
        assert result.returncode == 0, (args, result.stderr)
        assert CONTROL.search(result.stdout + result.stderr) is None, args
        assert "␛]52;c;cHduZWQ=␇␛[2J" in result.stdout, args  # shown, as placeholders
    out = tmp_path / "exports"
    for fmt in ("feature", "md", "csv"):
        result = run(
            "--db", str(demo), "export", "stories", "--format", fmt, "--out", str(out / fmt)
        )
        assert result.returncode == 0, result.stderr
    for args in (
        ["--out", str(out / "standup.md")],
        ["--format", "json", "--out", str(out / "s.json")],
    ):
        assert run("--db", str(demo), "export", "standup", "--date", day, *args).returncode == 0
    written = files_under(out)
    assert len(written) > 5
    for path in written:
        assert CONTROL.search(path.read_text(encoding="utf-8")) is None, path


def test_json_stays_exact_and_safe_to_print(demo: Path, tmp_path: Path) -> None:
    store_hostile(demo)
    day = TODAY.isoformat()
    dump = run("--db", str(demo), "export", "json")
    found = run("--db", str(demo), "search", "envers", "--format", "json")
    standup = run("--db", str(demo), "export", "standup", "--date", day, "--format", "json")
    saved = tmp_path / "standup.json"
    assert run("--db", str(demo), "export", "standup", "--date", day, "--format", "json",
               "--out", str(saved)).returncode == 0  # fmt: skip
    for text in (dump.stdout, found.stdout, standup.stdout, saved.read_text(encoding="utf-8")):
        assert text and CONTROL.search(text) is None
    assert "\\u009b31m\\u202eenvers\\u2066iso\\u2069 del\\u007f" in dump.stdout  # escaped
    assert any("␛]52;c;" in hit["title"] for hit in json.loads(found.stdout))  # as shown
    assert json.loads(standup.stdout) == json.loads(saved.read_text(encoding="utf-8"))
    document = json.loads(dump.stdout)
    [stories] = [table for table in document["tables"] if table["name"] == "stories"]
    title = stories["columns"].index("title")
    assert all(row[title].startswith(HOSTILE) for row in stories["rows"])  # the data, exactly


def test_values_echoed_in_errors_are_escaped(demo: Path, tmp_path: Path) -> None:
    unknown = run("--db", str(demo), "export", "recette", "--campaign", HOSTILE)
    assert unknown.returncode == 2
    assert "␛]52;c;" in one_line(unknown) and CONTROL.search(unknown.stderr.rstrip("\n")) is None
    bad_choice = run("--lang", "\x1b[2J\x1b]0;titre\x07")
    assert bad_choice.returncode == 2 and "choix invalide" in bad_choice.stderr
    assert CONTROL.search(bad_choice.stderr.replace("\n", "")) is None
    folder = tmp_path / "dossier\x1b[31m"
    folder.mkdir()
    not_a_file = run("--db", str(folder), "search", "x")
    assert not_a_file.returncode == 2
    assert "dossier␛[31m" in one_line(not_a_file)
    assert CONTROL.search(not_a_file.stderr.rstrip("\n")) is None


# --- Nothing cut silently --------------------------------------------------------------------


def test_a_capture_over_the_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    db = tmp_path / "ws.db"
    too_long = run("--db", str(db), "capture", "a" * 10_005)
    assert too_long.returncode == 2
    assert "10000" in one_line(too_long)
    assert not db.exists() or open_workspace(db).items.inbox() == []
    at_the_limit = run("--db", str(db), "capture", "a" * 10_000)
    assert at_the_limit.returncode == 0, at_the_limit.stderr
    [item] = open_workspace(db).items.inbox()
    assert len(item.text) == 10_000


# --- Destinations that fail ------------------------------------------------------------------


def test_backup_to_a_place_that_cannot_be_made(demo: Path) -> None:
    result = run("--db", str(demo), "backup", "--out", "/dev/null/sauvegarde.db")
    assert result.returncode == 1
    assert "/dev/null/sauvegarde.db" in one_line(result)


def test_backup_into_a_folder_that_cannot_be_written(demo: Path, read_only_dir: Path) -> None:
    target = read_only_dir / "copie.db"
    result = run("--db", str(demo), "backup", "--out", str(target), preexec=drop_root_file_access)
    assert result.returncode == 1
    assert str(target) in one_line(result)
    assert list(read_only_dir.iterdir()) == []


def test_a_full_disk_is_one_line_and_nothing_half_written(demo: Path, tmp_path: Path) -> None:
    size = demo.stat().st_size
    before = demo.read_bytes()
    capture = run("--db", str(demo), "capture", "+ relancer", preexec=file_size_limit(KIB_64))
    assert capture.returncode == 1
    assert "rien n'a été modifié" in one_line(capture)
    assert demo.stat().st_size == size and demo.read_bytes() == before
    ws = open_workspace(demo)
    assert not any("relancer" in item.text for item in ws.items.inbox())
    ws.close()

    csv = tmp_path / "stories.csv"
    rows = "".join(f"Histoire {n};usager;faire {n};gagner du temps\n" for n in range(200))
    csv.write_text("title;persona;want;so_that\n" + rows, encoding="utf-8")
    imported = run(
        "--db", str(demo), "import", "stories", str(csv), preexec=file_size_limit(KIB_64)
    )
    assert imported.returncode == 1
    assert "rien n'a été modifié" in one_line(imported)

    backup = tmp_path / "copie.db"
    copy = run(
        "--db", str(demo), "backup", "--out", str(backup), preexec=file_size_limit(size // 2)
    )
    assert copy.returncode == 1
    assert str(backup) in one_line(copy)
    assert not backup.exists() and not list(tmp_path.glob(".copie.db*"))

    dump = tmp_path / "dump.json"
    exported = run("--db", str(demo), "export", "json", "--out", str(dump),
                   preexec=file_size_limit(size // 4))  # fmt: skip
    assert exported.returncode == 1
    assert str(dump) in one_line(exported)
    assert not dump.exists()


def test_a_full_stdout_is_one_line(demo: Path) -> None:
    with open("/dev/full", "w") as full:
        for args in (["search", "dossier"], ["export", "json"], ["export", "dossier"]):
            result = run("--db", str(demo), *args, stdout=full.fileno())
            assert result.returncode == 1, (args, result.stderr)
            assert "disque est plein" in one_line(result), args


# --- A damaged workspace ---------------------------------------------------------------------


def test_a_damaged_workspace_is_refused_for_writing_in_one_line(demo: Path) -> None:
    damage(demo, "items")
    before = demo.read_bytes()
    capture = run("--db", str(demo), "capture", "+ relancer")
    assert capture.returncode == 1
    assert "endommagé" in one_line(capture)
    assert demo.read_bytes() == before
    dump = run("--db", str(demo), "export", "json")
    assert dump.returncode == 1
    one_line(dump)
    standup = run("--db", str(demo), "export", "standup", "--date", TODAY.isoformat())
    assert standup.returncode == 1
    one_line(standup)
    search = run("--db", str(demo), "search", "dossier")
    assert "Traceback" not in search.stderr and search.returncode in (0, 1)
    assert demo.read_bytes() == before


# --- A workspace that cannot be written ------------------------------------------------------


def test_a_workspace_in_a_read_only_folder_is_read(read_only_dir: Path, tmp_path: Path) -> None:
    read_only_dir.chmod(0o755)
    db = build_demo_workspace(read_only_dir / "ws.db", today=TODAY)
    read_only_dir.chmod(0o555)
    before = sorted(read_only_dir.iterdir())
    drop = drop_root_file_access
    for args in (["search", "dossier"], ["--read-only", "search", "dossier"], ["export", "raci"]):
        result = run("--db", str(db), *args, preexec=drop)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout, args
    capture = run("--db", str(db), "capture", "+ relancer", preexec=drop)
    assert capture.returncode == 1
    assert "lecture seule" in one_line(capture)
    assert sorted(read_only_dir.iterdir()) == before  # not even a -wal or -shm


# --- Inputs that are not regular files -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["import", "stories"],
        ["import", "measures"],
        ["import", "junit", "--campaign", "Recette v1.5"],
        ["import", "json"],
    ],
    ids=lambda command: command[1],
)
def test_inputs_that_are_not_regular_files_are_refused_at_once(
    command: list[str], demo: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "tube.csv"
    os.mkfifo(fifo)
    target = ["--db", str(tmp_path / "neuf.db")] if command[1] == "json" else ["--db", str(demo)]
    folder = [] if command[1] == "stories" else [tmp_path]  # stories: a folder of .feature
    for source in (fifo, Path("/dev/zero"), *folder):
        result = run(*target, *command, str(source), timeout=20)
        assert result.returncode == 2, (source, result.stderr)
        assert "Traceback" not in result.stderr
        assert "fichier ordinaire" in result.stderr or "n'est pas un fichier" in result.stderr
        assert str(source) in result.stderr
    assert not (tmp_path / "neuf.db").exists()


@pytest.mark.parametrize(
    ("command", "suffix", "limit"),
    [
        (["import", "stories"], ".csv", "20 Mo"),
        (["import", "json"], ".json", "512 Mo"),
        (["import", "measures"], ".toml", "5 Mo"),
    ],
    ids=["stories", "json", "measures"],
)
def test_an_oversized_input_is_refused_with_the_limit(
    command: list[str], suffix: str, limit: str, demo: Path, tmp_path: Path
) -> None:
    huge = tmp_path / f"enorme{suffix}"
    with huge.open("wb") as handle:  # sparse: a few bytes on disk, 600 MB by size
        handle.truncate(600 * 1_048_576)
    target = ["--db", str(tmp_path / "neuf.db")] if command[1] == "json" else ["--db", str(demo)]
    result = run(*target, *command, str(huge), timeout=20)
    assert result.returncode == 2
    assert limit in result.stderr and "Traceback" not in result.stderr
