"""Unexpected errors: the traceback goes to a log file, the user reads one line."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from prodtui.paths import log_path


def log_unexpected_error(error: BaseException) -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        logger = logging.getLogger("prodtui")
        if not logger.handlers:
            handler = logging.FileHandler(path, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            logger.addHandler(handler)
            logger.propagate = False
        logger.error("".join(traceback.format_exception(error)))
    except OSError:
        pass  # A failing log must never hide the original error from the user.
    return path
