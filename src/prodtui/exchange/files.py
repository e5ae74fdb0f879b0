"""Files the user names: exports written whole or not at all (never over an existing file
by surprise, never with a character a terminal would act on), inputs read only when they
are regular files of a sane size (a FIFO cannot hang an import, `/dev/zero` cannot eat
the memory), and the command line's output made safe to print."""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.text import for_terminal
from prodtui.i18n import megabytes

MEGABYTE = 1_048_576
STORY_FILE_LIMIT = 20 * MEGABYTE
"""A CSV or .feature file of stories: thousands of stories fit in a few megabytes."""
JSON_DUMP_LIMIT = 512 * MEGABYTE
"""A JSON dump: the ten-year benchmark workspace (`demo --size large`) dumps to 128 MB."""


# --- Output: what a terminal may print ------------------------------------------------------

# In JSON text every one of these can only sit inside a string (the structure is ASCII),
# where `\uXXXX` means the same character: the document stays exact, and safe to `cat`.
_JSON_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def for_json_terminal(text: str) -> str:
    """JSON text with every character a terminal would act on written as `\\uXXXX`."""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class SafeWriter(io.TextIOBase):
    """A text stream that escapes what is written to it (`for_terminal`, or
    `for_json_terminal` for JSON) before passing it on: one place for everything a command
    prints, whichever module prints it."""

    def __init__(self, stream: IO[str], escape: Callable[[str], str] = for_terminal) -> None:
        super().__init__()
        self.stream = stream
        self.escape = escape

    def write(self, text: str) -> int:
        self.stream.write(self.escape(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


# --- Writing exports ------------------------------------------------------------------------


def write_new_text(path: Path, text: str, *, overwrite: bool = False, json: bool = False) -> Path:
    """Write `text` to `path` atomically; refuse an existing file unless `overwrite`.
    What a terminal would act on is escaped: the file is safe to `cat` (JSON stays exact)."""
    if path.is_dir():
        raise ProdtuiError("export.is_directory", path=str(path))
    if path.exists() and not overwrite:
        raise ProdtuiError("export.exists", path=str(path))
    text = for_json_terminal(text) if json else for_terminal(text)
    temporary = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        if temporary:  # a full disk leaves no half-written file behind
            Path(temporary).unlink(missing_ok=True)
        raise ProdtuiError(
            "export.failed", path=str(path), reason=error.strerror or str(error)
        ) from error
    return path


# --- Reading inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class InputMessages:
    """The message keys of a refused input file; each is given `path`, `reason` (and
    `detail`, the same), `size` and `limit` (in megabytes)."""

    missing: str = "input.missing"
    not_a_file: str = "input.not_a_file"
    unreadable: str = "input.unreadable"
    too_big: str = "input.too_big"


INPUT_MESSAGES = InputMessages()


def _refused(key: str, path: Path, limit: int, reason: str = "", size: int = 0) -> ProdtuiError:
    return ProdtuiError(
        key,
        path=str(path),
        reason=reason,
        detail=reason,
        size=megabytes(size),
        limit=limit // MEGABYTE,
    )


def open_input_file(
    path: Path, limit: int, *, messages: InputMessages = INPUT_MESSAGES
) -> BinaryIO:
    """Open a file the user named, for reading in binary: only a regular file of at most
    `limit` bytes. A folder, a FIFO or a device is refused before it is read (a FIFO is
    opened without blocking, so it cannot hang the command)."""
    try:
        # stat() first: opening some devices acts on them (a tape rewinds).
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _refused(messages.not_a_file, path, limit)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as error:
        raise _refused(messages.missing, path, limit, error.strerror or "") from error
    except OSError as error:
        raise _refused(messages.unreadable, path, limit, error.strerror or str(error)) from error
    try:
        info = os.fstat(fd)  # what was opened, should the path have changed meanwhile
        if not stat.S_ISREG(info.st_mode):
            raise _refused(messages.not_a_file, path, limit)
        if info.st_size > limit:
            raise _refused(messages.too_big, path, limit, size=info.st_size)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input_file(path: Path, limit: int, *, messages: InputMessages = INPUT_MESSAGES) -> bytes:
    """The bytes of a file the user named (see `open_input_file`): at most `limit + 1`
    are read, so a file that grew since it was opened is refused too."""
    with open_input_file(path, limit, messages=messages) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            reason = error.strerror or str(error)
            raise _refused(messages.unreadable, path, limit, reason) from error
    if len(data) > limit:
        raise _refused(messages.too_big, path, limit, size=len(data))
    return data


def text_stream(handle: BinaryIO, encoding: str = "utf-8") -> TextIO:
    """A binary input opened by `open_input_file`, read as text."""
    return io.TextIOWrapper(handle, encoding=encoding)
