"""The layers of docs/architecture.md are checked, not hoped for: cli > ui > app|sample >
store > exchange > wording > domain (the `layers` contract), and the older forbidden
imports (the domain is pure, nothing below the UI imports it or Textual, no SQL in the
UI or the formats)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_are_kept() -> None:
    command = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run(
        [command, "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout
    assert "Layers: cli > ui > app|sample > store > exchange > wording > domain KEPT" in (
        result.stdout
    )
    assert "Exchange formats never touch SQL KEPT" in result.stdout


def test_shell_commands_do_not_import_textual() -> None:
    # `prodtui capture` from the shell must stay quick: no UI framework on that path.
    code = (
        "import sys; from prodtui import cli; cli.build_parser(); "
        "from prodtui.domain import capture; from prodtui.store import open_workspace; "
        "print(sorted(m for m in sys.modules if m.startswith('textual')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_opening_the_app_builds_no_command_parser() -> None:
    # `prodtui` alone is the common start: its options are parsed without the commands.
    code = (
        "import sys; from prodtui.cli import parse_args; parse_args(['--read-only']); "
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('prodtui.cli.parser', 'prodtui.cli.commands', 'textual'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
