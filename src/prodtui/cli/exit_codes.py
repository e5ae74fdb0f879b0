"""Exit statuses of the `prodtui` command, defined here once and documented in the README:

- 0: done;
- 1: the environment failed: a full disk, a permission denied, a damaged workspace, an
  unreadable file, an unexpected error (its traceback is in the log);
- 2: what was asked is refused: a bad option or value, an invalid file content, an
  existing file that would be overwritten;
- 130: interrupted (ctrl+c).
"""

from __future__ import annotations

from prodtui.domain.errors import ProdtuiError, ReadOnlyWorkspaceError

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


def exit_status(error: BaseException) -> int:
    """1 when the environment failed, 2 when the request itself was refused."""
    if isinstance(error, ReadOnlyWorkspaceError):
        return EXIT_FAILURE
    if isinstance(error, ProdtuiError):
        return EXIT_FAILURE if error.key in ENVIRONMENT_KEYS else EXIT_USAGE
    if callable(getattr(error, "errors", None)):  # pydantic's ValidationError: bad input
        return EXIT_USAGE
    return EXIT_FAILURE
