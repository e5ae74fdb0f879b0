"""Evidence files of security measures: their SHA-256, read in chunks, and checked again.

Pure file I/O, safe in a worker thread: the results are written by the store
(`MeasureRepository.save_files` and `save_checks`) on the connection's thread.

A path is recorded as typed, made absolute and normalised: `~` expanded, a relative
path taken from the folder prodtui was started in (as a shell would), `.` and `..`
removed. A symbolic link is kept as given (the link is what the team named); the file
it leads to is shown beside it (`resolved_targets`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.security import EvidenceCheck, EvidenceFile, evidence_check

HASH_CHUNK = 256 * 1024
"""Small enough that the event loop gets the GIL back often while a big file is hashed."""

_GONE = {errno.ENOENT, errno.ENOTDIR}
"""The file, or a folder on its way, is not there."""
_UNREADABLE_KEYS = {
    errno.EACCES: "security.file_denied",
    errno.EPERM: "security.file_denied",
    errno.ELOOP: "security.file_loop",
    errno.ENAMETOOLONG: "security.file_too_long",
    errno.EIO: "security.file_io",
}
"""Why a file cannot be read, said in the user's language (never the system's English);
any other reason is `security.file_unreadable_code`, naming the system's code."""
UNREADABLE = frozenset({*_UNREADABLE_KEYS.values(), "security.file_unreadable_code"})


class FileFingerprint(BaseModel):
    path: str
    sha256: str
    size: int


def evidence_path(text: str) -> Path:
    """The path as recorded: `~` expanded, made absolute from the current folder, `.` and
    `..` removed. A `..` after a symbolic link leaves the folder the link leads to (as
    the system would), so only that link is followed; any other link stays as given."""
    path = Path(text.strip()).expanduser().absolute()
    normal = Path(path.anchor)
    for part in path.parts[1:]:
        if part == "..":
            try:
                if normal.is_symlink():
                    normal = normal.resolve()
            except OSError:  # unreadable on the way: keep it lexical
                pass
            normal = normal.parent
        elif part != ".":
            normal = normal / part
    return normal


def unreadable(path: Path, error: OSError) -> ProdtuiError:
    """The refusal the user reads for `error`, met reading `path`: missing, or unreadable
    with the reason from the catalogue (an unknown one named by its system code)."""
    if error.errno in _GONE:
        return ProdtuiError("security.file_missing", path=str(path))
    key = _UNREADABLE_KEYS.get(error.errno or 0)
    if key is not None:
        return ProdtuiError(key, path=str(path))
    code = errno.errorcode.get(error.errno or 0, str(error.errno))
    return ProdtuiError("security.file_unreadable_code", path=str(path), code=code)


def fingerprint(text: str, progress: Callable[[int, int], None] | None = None) -> FileFingerprint:
    """SHA-256 and size of a regular, readable file, read in chunks; a clear
    ProdtuiError otherwise (missing, a folder or a device, unreadable). Never opens
    anything but a regular file, so a FIFO cannot block it. `progress` is told the bytes
    read and the file's size, after each chunk."""
    if not text.strip():
        raise ProdtuiError("security.file_empty_path")
    path = evidence_path(text)
    try:
        info = path.stat()
    except OSError as error:
        raise unreadable(path, error) from error
    if not stat.S_ISREG(info.st_mode):
        raise ProdtuiError("security.file_not_regular", path=str(path))
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(size, max(size, info.st_size))  # a file may grow as it is read
    except OSError as error:
        raise unreadable(path, error) from error
    return FileFingerprint(path=str(path), sha256=digest.hexdigest(), size=size)


def check_file(file: EvidenceFile) -> EvidenceCheck:
    """The state of a recorded file now: unchanged, changed, missing (gone, or no longer
    a regular file) or unreadable (there, but a permission or a read error stops it)."""
    try:
        found = fingerprint(file.path)
    except ProdtuiError as error:
        if error.key in UNREADABLE:
            return EvidenceCheck.UNREADABLE
        return EvidenceCheck.MISSING
    return evidence_check(file.sha256, found.sha256)


def check_files(
    files: Sequence[EvidenceFile], progress: Callable[[int, int], None] | None = None
) -> dict[int, EvidenceCheck]:
    """Hash every file again and compare (pure I/O: safe in a worker thread; the results
    are written by `MeasureRepository.save_checks` on the connection's thread).
    `progress` is told the files checked and the files in all, after each one."""
    results: dict[int, EvidenceCheck] = {}
    for done, file in enumerate(files, start=1):
        if file.id is not None:
            results[file.id] = check_file(file)
        if progress is not None:
            progress(done, len(files))
    return results


def resolved_targets(paths: Iterable[str]) -> dict[str, str]:
    """For each path that is or goes through a symbolic link, the file it leads to."""
    targets: dict[str, str] = {}
    for path in paths:
        try:
            target = os.path.realpath(path, strict=True)
        except (OSError, ValueError):
            continue
        if target != path:
            targets[path] = target
    return targets
