"""Writing exported files: whole or not at all, never over an existing file by surprise."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prodtui.domain.errors import ProdtuiError


def write_new_text(path: Path, text: str, *, overwrite: bool = False) -> Path:
    """Write `text` to `path` atomically; refuse an existing file unless `overwrite`."""
    if path.is_dir():
        raise ProdtuiError("export.is_directory", path=str(path))
    if path.exists() and not overwrite:
        raise ProdtuiError("export.exists", path=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise ProdtuiError(
            "export.failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    return path
