"""Consistent copies of a workspace with SQLite's online backup API, safe while in use."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from prodtui.domain.errors import ProdtuiError, WorkspaceError
from prodtui.store.workspace import connect_read_only, inspect_existing


def backup_workspace(source: Path, target: Path | None = None) -> Path:
    """Copy `source` to `target` (default: a dated file in `backups/` beside it). A
    destination that cannot be made or written, a full disk: one `backup.failed` error,
    and no partial copy left behind."""
    source = source.expanduser()
    if not source.exists():
        raise WorkspaceError("workspace.missing", path=str(source))
    inspect_existing(source)
    if target is None:
        target = source.parent / "backups" / f"{source.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    target = target.expanduser()
    if target.is_dir():
        raise ProdtuiError("export.is_directory", path=str(target))
    if target.exists():
        raise WorkspaceError("backup.exists", path=str(target))
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as error:
        raise _failed(target, error.strerror or str(error)) from error
    try:
        src = connect_read_only(source)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
            src.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        _remove(partial)
        reason = error.strerror if isinstance(error, OSError) else None
        raise _failed(target, reason or str(error)) from error
    except BaseException:
        _remove(partial)
        raise
    return target


def _failed(target: Path, reason: str) -> ProdtuiError:
    return ProdtuiError("backup.failed", path=str(target), reason=reason)


def _remove(partial: Path) -> None:
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
