"""Writing exported files: whole or not at all, never over an existing file by surprise."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from prodtui.domain.errors import ProdtuiError, WorkspaceError
from prodtui.i18n import error_message

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

EXIT_FAILURE = 1
EXIT_USAGE = 2


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


def run_text_export(workspace: Workspace, out: str | Path | None, build: Callable[[], str]) -> int:
    """The command line's side of a text export. `build` reads the workspace and returns
    the text, written to stdout, or to a new file whose path is printed. A refusal is one
    line on stderr: exit status 2 for what was asked (an unknown name, an existing file),
    1 when the workspace file itself cannot be read."""
    try:
        with workspace.reading():
            text = build()
        if out:
            print(write_new_text(Path(out).expanduser(), text))
        else:
            sys.stdout.write(text)
    except WorkspaceError as error:  # the file itself is damaged: not a usage error
        print(f"prodtui: {error_message(error)}", file=sys.stderr)
        return EXIT_FAILURE
    except (ProdtuiError, ValidationError) as error:
        print(f"prodtui: {error_message(error)}", file=sys.stderr)
        return EXIT_USAGE
    return 0
