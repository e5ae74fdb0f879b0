"""The installed `prodtui` in tmux while an automated suite floods its output: SIGTERM,
SIGHUP or ctrl+q end the app and everything the suite started, within two seconds, and
the workspace says what became of the run."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodtui.domain.recette import Campaign
from prodtui.store import open_workspace
from prodtui.store.meta import SETUP
from tests.test_e2e_tmux import PRODTUI, Terminal

pytestmark = pytest.mark.e2e


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(home)
    yield term
    term.kill_server()


def flooding_suite(pid_file: Path) -> str:
    """A suite that starts a sleeping child (its pid written down), then writes lines in
    colour as fast as it can."""
    flood = (
        "import itertools, sys\n"
        "for n in itertools.count(): sys.stdout.write('\\x1b[32mligne %d\\x1b[0m\\n' % n)"
    )
    return f'sleep 300 & echo $! > {pid_file}; exec {sys.executable} -c "{flood}"'


def gone(pid: int) -> bool:
    """No such process, or a zombie (ended; only its parent's wait is missing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return True
    return state == "Z"


def start_flood(terminal: Terminal, tmp_path: Path) -> tuple[Path, int, int]:
    """prodtui on a workspace whose campaign's suite floods; `4`, `a`, Enter. The
    workspace, the app's pid and the suite's child's pid."""
    db = tmp_path / "ws.db"
    pid_file = tmp_path / "child.pid"
    ws = open_workspace(db, author="Camille")
    ws.campaigns.add(Campaign(name="Recette v2", command=flooding_suite(pid_file)))
    # The first start's questions were skipped: an Escape followed closely by `4` on a
    # loaded machine would reach the app as one key, alt+4.
    ws.meta.set(SETUP, "skipped")
    ws.close()
    terminal.start(f"{PRODTUI} --db {db}", width=120, height=40)
    terminal.wait_for("à trier")  # Today
    terminal.keys("4")
    terminal.wait_for("Recette v2")
    terminal.keys("a")
    terminal.wait_for("Commande de la suite automatisée")
    terminal.keys("Enter")
    terminal.wait_for("lignes plus anciennes non affichées", timeout=30)
    deadline = time.monotonic() + 10
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline, "the suite never wrote its child's pid"
        time.sleep(0.05)
    return db, terminal.app_pid(), int(pid_file.read_text())


def run_row(db: Path) -> tuple[str, int]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        state, pending = conn.execute("SELECT state, notice_pending FROM command_runs").fetchone()
    finally:
        conn.close()
    return state, pending


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_a_flood_ends_the_app_and_the_suite_within_two_seconds(
    terminal: Terminal, tmp_path: Path, signum: signal.Signals
) -> None:
    db, app, child = start_flood(terminal, tmp_path)
    assert not gone(child)
    sent = time.monotonic()
    os.kill(app, signum)
    while not (gone(app) and gone(child)):
        assert time.monotonic() - sent < 2, f"app gone: {gone(app)}, child gone: {gone(child)}"
        time.sleep(0.02)
    terminal.wait_for("PRODTUI-EXITED 0")
    assert run_row(db) == ("interrupted", 1)

    # The next start says what became of it, once.
    terminal.kill_server()
    again = Terminal(terminal.home)
    try:
        again.start(f"{PRODTUI} --db {db}", width=120, height=40)
        again.wait_for("suivie jusqu'au bout")
    finally:
        again.kill_server()
    assert run_row(db) == ("interrupted", 0)


def test_ctrl_q_during_a_flood_asks_then_stops_the_suite(
    terminal: Terminal, tmp_path: Path
) -> None:
    db, app, child = start_flood(terminal, tmp_path)
    terminal.keys("C-q")
    terminal.wait_for("avant de quitter\u202f?")
    assert not gone(app) and not gone(child), "the question is asked first"
    terminal.keys("q")
    terminal.wait_for("PRODTUI-EXITED 0", timeout=10)
    deadline = time.monotonic() + 2
    while not gone(child):
        assert time.monotonic() < deadline, "the suite's child outlived the app"
        time.sleep(0.02)
    assert run_row(db) == ("stopped", 0)
