"""Type checks of the whole code base, tests included (run by the README's test command,
so CI runs them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_source_and_tests_type_check() -> None:
    # The paths and settings are those of [tool.mypy] in pyproject.toml: `mypy` alone in
    # the repository runs the same check.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
