"""Where prodtui keeps its files, with the overrides the user can give."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "prodtui"


def config_path(override: Path | None = None) -> Path:
    if override:
        return override.expanduser()
    if env := os.environ.get("PRODTUI_CONFIG"):
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def default_workspace_path() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "workspace.db"


def workspace_path(cli_value: Path | None, settings_value: Path | None) -> Path:
    """`--db` first, then `PRODTUI_DB`, then the settings, then the user data dir."""
    if cli_value:
        return cli_value.expanduser()
    if env := os.environ.get("PRODTUI_DB"):
        return Path(env).expanduser()
    if settings_value:
        return settings_value.expanduser()
    return default_workspace_path()


def state_dir() -> Path:
    return platformdirs.user_state_path(APP_NAME)


def log_path() -> Path:
    return state_dir() / "prodtui.log"


def private_dir(path: Path) -> Path:
    """Make the folder `path` (and its parents) if need be, readable by its owner only:
    what prodtui keeps there (the log) is nobody else's business."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def demo_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "demo"
