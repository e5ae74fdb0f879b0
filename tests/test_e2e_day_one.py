"""Day one with the installed `prodtui` in a real terminal: a new workspace asks three
questions once and is ready to use; the demo says where its copy is and reopens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prodtui.config import load_settings
from prodtui.store import open_workspace
from tests.test_e2e_tmux import PRODTUI, Terminal

pytestmark = pytest.mark.e2e


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(home)
    yield term
    term.kill_server()


def test_a_new_workspace_asks_once_and_is_ready(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "service.db"
    terminal.start(f"{PRODTUI} --db {db}", width=80, height=24)
    terminal.wait_for("Bienvenue dans prodtui")
    terminal.type("Répit Aidants")
    terminal.keys("Enter")  # your name: $USER is offered, kept as is
    terminal.keys("Tab")
    terminal.type("Léa Martin, Karim Benali")
    terminal.keys("C-s")
    terminal.wait_for("prodtui — Répit Aidants", "Pas encore entendus\u202f: Léa, Karim")
    terminal.keys("C-q")
    terminal.wait_for("PRODTUI-EXITED 0")
    terminal.kill_server()
    settings = load_settings(terminal.home / ".config" / "prodtui" / "config.toml")
    assert settings.settings.author == "testeur"
    again = Terminal(terminal.home)
    try:
        again.start(f"{PRODTUI} --db {db}", width=80, height=24)
        screen = again.wait_for("Boîte de réception", "prodtui — Répit Aidants")
        assert "Bienvenue" not in screen
        again.keys("C-q")
        again.wait_for("PRODTUI-EXITED 0")
    finally:
        again.kill_server()
    ws = open_workspace(db)
    assert [p.name for p in ws.people.all()] == ["Léa Martin", "Karim Benali"]
    assert ws.measures.count() == 45 and ws.homologation.step_count() == 10
    ws.close()


def test_the_demo_says_where_its_copy_is_and_reopens_it(terminal: Terminal) -> None:
    terminal.start(f"{PRODTUI} demo", width=100, height=30)
    terminal.wait_for("--last")  # said in the app (the toast may wrap the command)
    terminal.keys("C-n")
    terminal.wait_for("Capture rapide")
    terminal.type("idée notée pendant la démo")
    terminal.keys("Enter")
    terminal.wait_for("Capturé")
    terminal.keys("C-q")
    screen = terminal.wait_for("PRODTUI-EXITED 0")
    # Said again on the terminal once the app is gone.
    copies = sorted((terminal.home / ".local" / "share" / "prodtui" / "demo").glob("demo-*.db"))
    assert len(copies) == 1
    assert "Votre copie de la démo est dans" in screen
    assert "prodtui demo --last" in screen
    terminal.kill_server()
    again = Terminal(terminal.home)
    try:
        again.start(f"{PRODTUI} demo --last", width=100, height=30)
        again.wait_for("Démo rouverte")
        again.keys("i")
        again.wait_for("idée notée pendant la démo")
        again.keys("C-q")
        again.wait_for("PRODTUI-EXITED 0")
    finally:
        again.kill_server()
    assert sorted(copies[0].parent.glob("demo-*.db")) == copies  # no new copy
