"""Two real `prodtui` processes on one workspace file, each in its own tmux: a conflict on
one story, and live refresh while the command line writes captures in a loop."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.test_e2e_tmux import PRODTUI, Terminal

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run([str(PRODTUI), "demo", "--out", str(db)], check=True, capture_output=True)
    return db


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Terminal, Terminal]]:
    homes = [tmp_path / "home-a", tmp_path / "home-b"]
    for home in homes:
        home.mkdir()
    a, b = Terminal(homes[0]), Terminal(homes[1])
    yield a, b
    a.kill_server()
    b.kill_server()


def story_title(db: Path, number: int) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT title FROM stories WHERE number = ?", [number]).fetchone()
    finally:
        conn.close()
    return str(row[0])


def draft(db: Path, key: str) -> str | None:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT content FROM drafts WHERE key = ?", [key]).fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def wait_until(check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.mark.parametrize("choice", ["t", "m", "f"])
def test_the_second_to_save_sees_both_versions_and_neither_is_lost(
    demo: Path, tmp_path: Path, sessions: tuple[Terminal, Terminal], choice: str
) -> None:
    db = tmp_path / "ws.db"
    shutil.copy(demo, db)
    a, b = sessions
    for term in sessions:
        term.start(f"{PRODTUI} --db {db}", width=120, height=45)
    for term in sessions:
        term.wait_for("Boîte de réception")
        term.keys("3")
    for term in sessions:
        term.wait_for("Backlog")
        term.keys("e")  # US-12, the first story of the backlog, in its editor
    for term in sessions:
        term.wait_for("Story US-12")
    # The cursor is at the end of the title: home and ctrl+k empty it, then each types.
    for term in sessions:
        term.keys("Home", "C-k")
    a.type("Titre de Alice")
    b.type("Titre de Bruno")
    a.wait_for("Titre de Alice")
    b.wait_for("Titre de Bruno")
    a.keys("C-s")
    wait_until(lambda: story_title(db, 12) == "Titre de Alice", "A's save")
    b.keys("C-s")
    b.wait_for("L'autre version", "Titre de Alice", "Titre de Bruno")  # the dialog shows both
    b.keys(choice)
    if choice == "f":
        # Both texts in the editor, saved as merged by hand.
        b.wait_for("Titre de Bruno — autre version — Titre de Alice")
        b.keys("C-s")
        wait_until(lambda: "Titre de Bruno" in story_title(db, 12), "the merge saved")
        title = story_title(db, 12)
        assert "Titre de Alice" in title and "Titre de Bruno" in title
        return
    kept, aside = (
        ("Titre de Bruno", "Titre de Alice")
        if choice == "m"
        else ("Titre de Alice", "Titre de Bruno")
    )
    wait_until(lambda: story_title(db, 12) == kept, f"the story holds {kept!r}")
    # The version set aside is in the story's history, in both sessions.
    # B first: its list shows once its choice is written (for `t` the story already held
    # A's title, so the wait above proves nothing about B's choice).
    for name, term in (("B", b), ("A", a)):
        term.wait_for(f"US-12 {kept}")  # back on the list, refreshed
        term.keys("h")
        try:
            term.wait_for("Historique d'US-12", timeout=5)
        except AssertionError as error:
            raise AssertionError(f"session {name}: {error}") from None
        term.wait_for(aside)
    assert "Traceback" not in a.screen() + b.screen()


# Captures in the load test. Each run is a new Python process, 0.28 to 0.37 s on two cores
# with both sessions open: the 500 of the issue take about 140 s (and pass), 100 keep the
# test near 40 s. PRODTUI_LOAD_CAPTURES=500 runs them all.
LOAD_CAPTURES = int(os.environ.get("PRODTUI_LOAD_CAPTURES", "100"))
TYPED = "Pouvoir suivre chaque demande d'aide au répit du dépôt à la décision sans relancer"


def today_count(screen: str) -> int | None:
    for line in screen.splitlines():
        if "captures à trier" in line:
            words = line.split("│")[1].split()
            return int(words[0])
    return None


def test_live_refresh_holds_while_the_command_line_writes_captures(
    demo: Path, tmp_path: Path, sessions: tuple[Terminal, Terminal]
) -> None:
    db = tmp_path / "ws.db"
    shutil.copy(demo, db)
    today, editor = sessions
    for term in sessions:
        term.start(f"{PRODTUI} --db {db}", width=120, height=45)
    for term in sessions:
        term.wait_for("Boîte de réception")
    before = today_count(today.wait_for("captures à trier"))
    assert before is not None
    editor.keys("3", "n")
    editor.wait_for("Nouvelle story")

    log = tmp_path / "captures.log"
    loop = subprocess.Popen(
        [
            "sh",
            "-c",
            f'for i in $(seq {LOAD_CAPTURES}); do "{PRODTUI}" --db "{db}" capture "note $i"'
            f' || echo "CAPTURE-FAILED $i"; done',
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    started = time.monotonic()
    screens: list[str] = []
    typed = 0
    try:
        # One word at a time into the new story's title while the captures go on.
        words = TYPED.split(" ")
        while loop.poll() is None:
            if typed < len(words):
                editor.type(("" if typed == 0 else " ") + words[typed])
                typed += 1
            screens.append(today.screen())
            screens.append(editor.screen())
            time.sleep(0.3)
        finished = time.monotonic()
    finally:
        if loop.poll() is None:
            loop.kill()
    took = finished - started
    for word in words[typed:]:
        editor.type(" " + word)
    assert loop.returncode == 0
    errors = log.read_text(encoding="utf-8")
    assert "CAPTURE-FAILED" not in errors and "locked" not in errors, errors
    for screen in screens:
        assert "locked" not in screen and "verrouill" not in screen, screen

    # The Today screen counts every capture within a second of the last one.
    expected = before + LOAD_CAPTURES
    while today_count(today.screen()) != expected:
        if time.monotonic() - finished > 1.0:
            raise AssertionError(
                f"Today shows {today_count(today.screen())} captures, not {expected}, "
                f"{time.monotonic() - finished:.1f} s after the last of {LOAD_CAPTURES} "
                f"({took:.1f} s)"
            )
        time.sleep(0.05)

    # No key lost: the draft and the field hold every character typed.
    wait_until(lambda: draft(db, "story:new:title") == TYPED, "the title's draft")
    editor.wait_for(TYPED)


def capture_text(db: Path, number: int) -> str | None:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT text FROM items WHERE id = ?", [number]).fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def set_aside(db: Path, number: int) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT old FROM audit_log WHERE entity = 'items' AND entity_id = ?"
            " AND field = '(discarded)'",
            [number],
        ).fetchall()
    finally:
        conn.close()
    return " ".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("choice", ["m", "t"])
def test_a_capture_deleted_by_the_other_session_is_recreated_or_kept_aside(
    demo: Path, tmp_path: Path, sessions: tuple[Terminal, Terminal], choice: str
) -> None:
    db = tmp_path / "ws.db"
    shutil.copy(demo, db)
    a, b = sessions
    for term in sessions:
        term.start(f"{PRODTUI} --db {db}", width=100, height=30)
    for term in sessions:
        term.wait_for("Boîte de réception")
        term.keys("i")
    for term in sessions:
        term.wait_for("Boîte de réception\u202f: ")  # the inbox's own title
    b.keys("e")  # the newest capture, #37, in its editor
    b.wait_for("Modifier #37")
    b.type("Selon Bruno : ")
    b.wait_for("Selon Bruno : ")
    a.keys("d")  # A deletes it meanwhile
    wait_until(lambda: capture_text(db, 37) is None, "A's delete")
    b.keys("C-s")
    b.wait_for("supprimé cet élément", "Selon Bruno")  # B sees mine beside the deletion
    b.keys(choice)
    if choice == "m":
        wait_until(lambda: (capture_text(db, 37) or "").startswith("Selon Bruno"), "recreated")
        b.wait_for("recréée")
    else:
        wait_until(lambda: "Selon Bruno" in set_aside(db, 37), "mine in the history")
        assert capture_text(db, 37) is None, "it stays deleted"
    assert "Traceback" not in a.screen() + b.screen()
