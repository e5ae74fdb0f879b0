"""The installed `prodtui` in a real terminal (tmux): capture, quit, kill -9, SIGHUP."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodtui.store import open_workspace
from tests.conftest import found

pytestmark = pytest.mark.e2e

PRODTUI = Path(sys.executable).parent / "prodtui"

if shutil.which("tmux") is None:
    if os.environ.get("PRODTUI_REQUIRE_TMUX"):
        raise RuntimeError("tmux is required for the end-to-end tests (apt-get install -y tmux)")
    pytest.skip("tmux is not installed", allow_module_level=True)


class Terminal:
    """One tmux server of our own, one window running a shell command."""

    def __init__(self, home: Path) -> None:
        self.socket = f"prodtui-test-{uuid.uuid4().hex[:8]}"
        self.home = home

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return result.stdout

    def start(self, command: str, *, width: int = 100, height: int = 30) -> None:
        env = (
            f"env -i HOME={self.home} PATH={PRODTUI.parent}:/usr/bin:/bin TERM=xterm-256color "
            f"LANG=C.UTF-8 USER=testeur "
        )
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            str(width),
            "-y",
            str(height),
            f"sh -c '{env}{command}; echo PRODTUI-EXITED $?; sleep 60'",
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "main")

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        """The screen once every text is on it at the same time: a screen caught
        mid-paint may hold the first line of a frame and not the rest."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} never all appeared; screen was:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 20) -> str:
        """The screen once `text` has left it. Keys sent after an Escape must wait for
        what the Escape closes: sent close behind it, on a loaded machine, the app reads
        them with it as one key (Escape then `3` is alt+3)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never went; screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def app_pid(self) -> int:
        shell = int(self.tmux("display", "-p", "-t", "main", "#{pane_pid}").strip())
        result = subprocess.run(
            ["pgrep", "-P", str(shell), "-f", "prodtui"], capture_output=True, text=True
        )
        return int(result.stdout.split()[0])

    def kill_server(self) -> None:
        self.tmux("kill-server")


def wait_for_draft(db: Path, content: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT content FROM drafts WHERE key = 'capture'").fetchone()
        except sqlite3.OperationalError:
            row = None
        finally:
            conn.close()
        if row and row[0] == content:
            return
        time.sleep(0.1)
    raise AssertionError(f"the draft {content!r} never reached {db}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(home)
    yield term
    term.kill_server()


def test_capture_quit_and_read_back(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "ws.db"
    terminal.start(f"{PRODTUI} --db {db}")
    terminal.wait_for("Bienvenue dans prodtui")  # a new workspace's questions: later
    terminal.keys("Escape")
    terminal.wait_gone("Bienvenue dans prodtui")
    terminal.wait_for("Boîte de réception")
    terminal.keys("C-n")
    terminal.wait_for("Capture rapide")
    terminal.type("+ envoyer le compte-rendu au métier @lea demain #US-7")
    terminal.wait_for("US-7")
    terminal.keys("Enter")
    terminal.wait_for("Capturé")
    terminal.keys("C-q")
    screen = terminal.wait_for("PRODTUI-EXITED 0")
    # Back on the normal screen, not the application's alternate one.
    assert terminal.tmux("display", "-p", "-t", "main", "#{alternate_on}").strip() == "0"
    assert "Traceback" not in screen
    ws = open_workspace(db)
    [item] = ws.items.inbox()
    assert item.text == "envoyer le compte-rendu au métier @lea demain #US-7"
    assert item.kind.value == "action" and item.story_key == "US-7"
    ws.close()


def test_keys_sent_in_one_burst_reach_the_form_they_open(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "ws.db"
    terminal.start(f"{PRODTUI} --db {db}", width=120, height=40)
    terminal.wait_for("Bienvenue dans prodtui")  # a new workspace's questions: later
    terminal.keys("Escape")
    terminal.wait_gone("Bienvenue dans prodtui")
    terminal.wait_for("Questions laissées de côté")
    terminal.keys("5", "h")
    terminal.wait_for("Suivi et renouvellement")
    # One write to the terminal, as a slow SSH link delivers keys: `n` opens the form,
    # the text and each Tab follow before it is even drawn, ctrl+s saves it.
    terminal.keys("n", "Point RGPD avec le DPD", "Tab", "2027-01-15", "Tab", "AIPD", "C-s")
    terminal.wait_for("Point RGPD avec le DPD")
    terminal.keys("C-q")
    terminal.wait_for("PRODTUI-EXITED 0")
    ws = open_workspace(db)
    step = ws.homologation.steps()[-1]
    assert (step.title, str(step.date), step.notes) == (
        "Point RGPD avec le DPD",
        "2027-01-15",
        "AIPD",
    )
    ws.close()


@pytest.mark.parametrize("how", ["kill -9", "SIGHUP"])
def test_typed_text_survives_a_kill(terminal: Terminal, tmp_path: Path, how: str) -> None:
    db = tmp_path / "ws.db"
    terminal.start(f"{PRODTUI} --db {db}")
    terminal.wait_for("Bienvenue dans prodtui")  # a new workspace's questions: later
    terminal.keys("Escape")
    terminal.wait_gone("Bienvenue dans prodtui")
    terminal.wait_for("Boîte de réception")
    terminal.keys("C-n")
    terminal.wait_for("Capture rapide")
    terminal.type("! la préprod ne répond plus depuis ce matin")
    terminal.wait_for("ce matin")
    # The draft is written a quarter of a second after the last key; wait until it is in
    # the file (another process reading it, as after a crash), then kill.
    wait_for_draft(db, "! la préprod ne répond plus depuis ce matin")
    pid = terminal.app_pid()
    os.kill(pid, signal.SIGKILL if how == "kill -9" else signal.SIGHUP)
    terminal.wait_for("PRODTUI-EXITED")
    terminal.kill_server()

    again = Terminal(terminal.home)
    try:
        again.start(f"{PRODTUI} --db {db}")
        again.wait_for("Entrée\u202f: reprendre")  # the drafts dialog
        again.keys("Enter")
        again.wait_for(  # the capture overlay, with the draft back
            "Échap\u202f: garder en brouillon", "la préprod ne répond plus depuis ce matin"
        )
        again.keys("Enter")
        again.wait_for("Capturé")
        again.keys("C-q")
        again.wait_for("PRODTUI-EXITED 0")
    finally:
        again.kill_server()
    ws = open_workspace(db)
    assert [i.text for i in ws.items.inbox()] == ["la préprod ne répond plus depuis ce matin"]
    assert ws.drafts.all() == []
    ws.close()


def test_sigterm_restores_the_terminal_and_keeps_unsaved_text(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "ws.db"
    terminal.start(f"{PRODTUI} --db {db}")
    terminal.wait_for("Bienvenue dans prodtui")  # a new workspace's questions: later
    terminal.keys("Escape")
    terminal.wait_gone("Bienvenue dans prodtui")
    terminal.wait_for("Boîte de réception")
    terminal.keys("C-n")
    terminal.wait_for("Capture rapide")
    terminal.type("+ tapé juste avant l'arrêt")
    terminal.wait_for("avant l'arrêt")
    os.kill(terminal.app_pid(), signal.SIGTERM)  # at once: still within the debounce window
    terminal.wait_for("PRODTUI-EXITED 0")
    assert terminal.tmux("display", "-p", "-t", "main", "#{alternate_on}").strip() == "0"
    ws = open_workspace(db)
    assert found(ws.drafts.get("capture")).content == "+ tapé juste avant l'arrêt"
    ws.close()


def test_refused_file_prints_one_line_and_leaves_the_terminal_clean(
    terminal: Terminal, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("pas une base\n", encoding="utf-8")
    terminal.start(f"{PRODTUI} --db {bad}")
    screen = terminal.wait_for("PRODTUI-EXITED 2")
    assert "n'est pas un espace de travail prodtui" in screen
    assert "Traceback" not in screen
