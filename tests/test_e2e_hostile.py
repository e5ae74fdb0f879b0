"""The installed `prodtui` on the hostile workspace, in a real terminal that obeys escape
sequences: nothing stored in the workspace writes the clipboard or reaches the terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.hostile import CONTROL, build_hostile_workspace
from tests.test_e2e_tmux import PRODTUI, Terminal

pytestmark = pytest.mark.e2e


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(home)
    yield term
    term.kill_server()


def test_hostile_text_never_acts_on_the_terminal(terminal: Terminal, tmp_path: Path) -> None:
    db = build_hostile_workspace(tmp_path / "hostile.db", today=TODAY)
    # The app starts a second late, once the terminal accepts clipboard writes (OSC 52) from
    # applications, as many terminals do: a stored sequence would land in tmux's buffers.
    terminal.start(f'sh -c "sleep 1; exec {PRODTUI} --db {db}"', width=120, height=40)
    terminal.tmux("set-option", "-s", "set-clipboard", "on")
    terminal.wait_for("Boîte de réception")
    for keys in (["i"], ["2"], ["3", "Down", "Down"], ["4"], ["5"], ["1"]):
        terminal.keys(*keys)
    terminal.keys("C-f")
    terminal.wait_for("Rechercher")
    terminal.type("rouge")
    screen = terminal.wait_for("rouge")
    assert "[bold]gras[/]" in screen or "[/]" in screen, screen
    assert CONTROL.search(screen.replace("\n", "")) is None
    terminal.keys("Escape")
    terminal.wait_gone("Rechercher")  # the search closed; ctrl+q after it, not with it
    terminal.keys("C-q")
    screen = terminal.wait_for("PRODTUI-EXITED 0")
    assert "Traceback" not in screen
    assert terminal.tmux("list-buffers").strip() == "", "a stored OSC 52 wrote the clipboard"
