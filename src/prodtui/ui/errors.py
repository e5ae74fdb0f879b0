"""Unexpected errors: the traceback goes to a log file, the user reads one line."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path

from prodtui import __version__
from prodtui.paths import log_path


def log_unexpected_error(error: BaseException) -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{datetime.now().isoformat(timespec='seconds')} prodtui {__version__}\n")
            log.write("".join(traceback.format_exception(error)))
            log.write("\n")
    except OSError:
        pass  # A failing log must never hide the original error from the user.
    return path
