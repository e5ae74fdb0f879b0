"""Unexpected errors: the traceback goes to a private log file, the user reads one line.

The log says where the code failed, not what the user typed: it is readable by its owner
only (0600, in a 0700 folder), it never holds local variables, and each exception's
message is cut to a few hundred characters (enough to locate the problem, not a record's
text), with anything a terminal would act on shown as a placeholder.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from prodtui import __version__
from prodtui.domain.text import for_terminal
from prodtui.paths import log_path, private_dir

MESSAGE_LIMIT = 300
"""Characters kept of each exception's message."""


def log_unexpected_error(error: BaseException) -> Path:
    path = log_path()
    try:
        private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            os.fchmod(fd, 0o600)  # a log written by an older version may be 0644
            log.write(f"{datetime.now().isoformat(timespec='seconds')} prodtui {__version__}\n")
            log.write("".join(describe(error)))
            log.write("\n")
    except OSError:
        pass  # A failing log must never hide the original error from the user.
    return path


def describe(error: BaseException) -> list[str]:
    """The traceback of `error` and of the errors it was raised from, as Python prints
    it, but with each message cut to `MESSAGE_LIMIT` characters."""
    return _lines(traceback.TracebackException.from_exception(error, capture_locals=False))


def _lines(exc: traceback.TracebackException, seen: set[int] | None = None) -> list[str]:
    seen = seen if seen is not None else set()
    seen.add(id(exc))
    lines: list[str] = []
    if exc.__cause__ is not None and id(exc.__cause__) not in seen:
        lines += _lines(exc.__cause__, seen)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif (
        exc.__context__ is not None
        and not exc.__suppress_context__
        and id(exc.__context__) not in seen
    ):
        lines += _lines(exc.__context__, seen)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    if exc.stack:
        lines.append("Traceback (most recent call last):\n")
        lines += exc.stack.format()
    message = "".join(exc.format_exception_only()).rstrip("\n")
    if len(message) > MESSAGE_LIMIT:
        message = f"{message[:MESSAGE_LIMIT]}… ({len(message)} characters)"
    lines.append(for_terminal(message) + "\n")
    return lines
