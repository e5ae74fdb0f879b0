"""Evidence files of security measures: their SHA-256, read in chunks, and checked again.

Pure file I/O, safe in a worker thread: the results are written by the store
(`MeasureRepository.record_file` and `save_checks`) on the connection's thread.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.security import EvidenceCheck, EvidenceFile, evidence_check

HASH_CHUNK = 1024 * 1024


class FileFingerprint(BaseModel):
    path: str
    sha256: str
    size: int


def evidence_path(text: str) -> Path:
    """The path as recorded: `~` expanded, made absolute (a relative path would mean
    something else from another directory)."""
    return Path(text.strip()).expanduser().absolute()


def fingerprint(text: str) -> FileFingerprint:
    """SHA-256 and size of a regular, readable file, read in chunks; a clear
    ProdtuiError otherwise (missing, a folder or a device, unreadable). Never opens
    anything but a regular file, so a FIFO cannot block it."""
    if not text.strip():
        raise ProdtuiError("security.file_empty_path")
    path = evidence_path(text)
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise ProdtuiError("security.file_missing", path=str(path)) from error
    except OSError as error:
        raise ProdtuiError(
            "security.file_unreadable", path=str(path), detail=error.strerror or ""
        ) from error
    if not stat.S_ISREG(info.st_mode):
        raise ProdtuiError("security.file_not_regular", path=str(path))
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise ProdtuiError(
            "security.file_unreadable", path=str(path), detail=error.strerror or ""
        ) from error
    return FileFingerprint(path=str(path), sha256=digest.hexdigest(), size=size)


def current_sha256(path: str) -> str | None:
    """The file's hash now, or None when it is gone, not a regular file or unreadable."""
    try:
        return fingerprint(path).sha256
    except ProdtuiError:
        return None


def check_files(files: Sequence[EvidenceFile]) -> dict[int, EvidenceCheck]:
    """Hash every file again and compare (pure I/O: safe in a worker thread; the results
    are written by `MeasureRepository.save_checks` on the connection's thread)."""
    return {
        file.id: evidence_check(file.sha256, current_sha256(file.path))
        for file in files
        if file.id is not None
    }
