"""Type checks of the layers that hold the rules and the data (mypy on domain and store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_domain_and_store_type_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "src/prodtui/domain", "src/prodtui/store"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
