"""A hostile environment, for real: a full disk, a folder the command cannot write, a
damaged page. Nothing is mocked: the limits are the kernel's and SQLite's own."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def file_size_limit(limit: int) -> Callable[[], None]:
    """A full disk, for real: past `limit` bytes, a write fails (EFBIG, SIGXFSZ ignored;
    SQLite reports it as an I/O error, a full disk as SQLITE_FULL: see
    test_workspace_files for that one). 64 KiB leaves room for the WAL's 32 KiB index."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def drop_root_file_access() -> None:
    """Root ignores permission bits through CAP_DAC_OVERRIDE (and CAP_DAC_READ_SEARCH):
    dropped from the bounding set, the command executed next obeys them like a user."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder the command cannot write (a fixture's body), checked: skipped only where
    permissions cannot be made to hold (root without the right to drop capabilities)."""
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    probe = [sys.executable, "-c", f"open({str(folder / 'x')!r}, 'w')"]
    folder.chmod(0o555)
    try:
        denied = subprocess.run(
            probe, preexec_fn=drop_root_file_access, capture_output=True, check=False
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"capabilities cannot be dropped here: {error}")
    if denied.returncode == 0:
        pytest.skip("this system lets the test write a 0555 folder")
    yield folder
    folder.chmod(0o755)


def damage(path: Path, table: str) -> None:
    """Overwrite the middle of the table's first page, as a failing disk would."""
    conn = sqlite3.connect(path)
    [(page,)] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table])
    [(page_size,)] = conn.execute("PRAGMA page_size")
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size + 8)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 8))
