"""Consistent copies of a workspace with SQLite's online backup API, safe while in use."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from prodtui.domain.errors import WorkspaceError
from prodtui.store.workspace import inspect_existing


def backup_workspace(source: Path, target: Path | None = None) -> Path:
    """Copy `source` to `target` (default: a dated file in `backups/` beside it)."""
    source = source.expanduser()
    if not source.exists():
        raise WorkspaceError("workspace.missing", path=str(source))
    inspect_existing(source)
    if target is None:
        target = source.parent / "backups" / f"{source.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    target = target.expanduser()
    if target.exists():
        raise WorkspaceError("backup.exists", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
            src.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
