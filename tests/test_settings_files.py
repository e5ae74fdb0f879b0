"""The settings file is read like any file the user names: a FIFO, a device or a huge file
given as `--config` is one warning, and prodtui goes on with its defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from prodtui.config import SETTINGS_FILE_LIMIT, load_settings

PRODTUI = Path(sys.executable).parent / "prodtui"


def capture_with_config(tmp_path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    return subprocess.run(
        [str(PRODTUI), "--config", str(config), "--db", str(tmp_path / "ws.db"), "capture", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "huge"])
def test_a_settings_path_that_is_no_settings_file_is_one_warning(tmp_path: Path, kind: str) -> None:
    config = tmp_path / "config.toml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "device":
        config = Path("/dev/zero")
    elif kind == "folder":
        config.mkdir()
    else:
        with config.open("wb") as handle:  # sparse: large without using the disk
            handle.truncate(SETTINGS_FILE_LIMIT + 1)
    result = capture_with_config(tmp_path, config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("prodtui:")]
    assert str(config) in warning
    assert result.stdout.rstrip().endswith(": x")


def test_a_missing_settings_file_means_the_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "absent.toml")
    assert loaded.problem is None and loaded.settings.language == "fr"
