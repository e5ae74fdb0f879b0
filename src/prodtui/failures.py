"""Exit statuses of the `prodtui` command, and what the user reads when the environment
fails (a full disk, a permission, a damaged file) instead of a traceback.

The statuses, defined here once and documented in the README:

- 0: done;
- 1: the environment failed: a full disk, a permission denied, a damaged workspace, an
  unreadable file, an unexpected error (its traceback is in the log);
- 2: what was asked is refused: a bad option or value, an invalid file content, an
  existing file that would be overwritten;
- 130: interrupted (ctrl+c).
"""

from __future__ import annotations

import errno
import sqlite3

from prodtui.domain.errors import ProdtuiError, ReadOnlyWorkspaceError, WorkspaceError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# Refusals that say the environment failed, not that the request was wrong.
ENVIRONMENT_KEYS = frozenset(
    {
        "workspace.unreadable",
        "workspace.cannot_create",
        "workspace.migration_failed",
        "workspace.read_only_old",
        "workspace.damaged",
        "workspace.write_failed",
        "export.failed",
        "backup.failed",
        "input.unreadable",
        "json.cannot_read",
        "junit.unreadable",
        "security.file_unreadable",
        "failure.disk_full",
        "failure.permission",
        "failure.damaged",
        "failure.read_only",
        "failure.io",
        "failure.memory",
        "failure.recursion",
        "failure.unexpected",
    }
)

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


def exit_status(error: BaseException) -> int:
    """1 when the environment failed, 2 when the request itself was refused."""
    if isinstance(error, ReadOnlyWorkspaceError):
        return EXIT_FAILURE
    if isinstance(error, ProdtuiError):
        return EXIT_FAILURE if error.key in ENVIRONMENT_KEYS else EXIT_USAGE
    if callable(getattr(error, "errors", None)):  # pydantic's ValidationError: bad input
        return EXIT_USAGE
    return EXIT_FAILURE


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
