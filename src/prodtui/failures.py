"""What the user reads when the environment fails (a full disk, a permission, a damaged
file) instead of a traceback: SQLite and OS errors made into one-line refusals. The exit
statuses they lead to are `prodtui.cli.exit_codes`."""

from __future__ import annotations

import errno
import sqlite3

from prodtui.domain.errors import ProdtuiError, WorkspaceError

# SQLite's primary result codes (https://sqlite.org/rescode.html) for the environment.
_SQLITE_KEYS = {
    3: "failure.permission",  # SQLITE_PERM
    7: "failure.memory",  # SQLITE_NOMEM
    8: "failure.read_only",  # SQLITE_READONLY
    10: "failure.io",  # SQLITE_IOERR
    11: "failure.damaged",  # SQLITE_CORRUPT
    13: "failure.disk_full",  # SQLITE_FULL
    14: "failure.io",  # SQLITE_CANTOPEN
    26: "failure.damaged",  # SQLITE_NOTADB
}
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def sqlite_failure_key(error: sqlite3.Error) -> str | None:
    """The message key for an SQLite error caused by the environment, else None (a
    constraint, a bug: not the user's disk)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else _SQLITE_KEYS.get(code & 0xFF)


def as_user_error(error: BaseException, path: object = "") -> ProdtuiError | None:
    """The one line the user reads for `error`, or None when it is truly unexpected.
    `path` is the file concerned when the caller knows it."""
    if isinstance(error, ProdtuiError):
        return error
    if isinstance(error, sqlite3.Error):
        key = sqlite_failure_key(error)
        return ProdtuiError(key, path=str(path), reason=str(error)) if key else None
    if isinstance(error, OSError):
        where = error.filename if error.filename is not None else path
        reason = error.strerror or str(error)
        if error.errno in _FULL:
            return ProdtuiError("failure.disk_full", path=str(where), reason=reason)
        if error.errno in _DENIED:
            return ProdtuiError("failure.permission", path=str(where), reason=reason)
        return ProdtuiError("failure.io", path=str(where), reason=reason)
    if isinstance(error, MemoryError):
        return ProdtuiError("failure.memory", path=str(path), reason="")
    if isinstance(error, RecursionError):
        return ProdtuiError("failure.recursion", path=str(path), reason="")
    return None


def workspace_write_error(error: sqlite3.Error, path: object) -> WorkspaceError | None:
    """A write to the workspace failed for a reason of the environment: the error the
    user reads (the transaction is rolled back), else None."""
    key = sqlite_failure_key(error)
    if key is None:
        return None
    if key == "failure.damaged":
        return WorkspaceError("workspace.damaged", path=str(path), reason=str(error))
    if key == "failure.disk_full":
        return WorkspaceError("failure.disk_full", path=str(path), reason=str(error))
    return WorkspaceError("workspace.write_failed", path=str(path), reason=str(error))
