"""Ordered schema migrations, tracked by `PRAGMA user_version`.

Migration N is the file `NNNN_*.sql`; each runs in one transaction together with the
`user_version` bump, so a failure leaves the file at the previous version.
"""

from __future__ import annotations

import sqlite3
from importlib.resources import files


def migration_scripts() -> list[tuple[int, str]]:
    """(version, sql) pairs in order."""
    folder = files(__name__)
    scripts = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            scripts.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    scripts.sort()
    if [version for version, _ in scripts] != list(range(1, len(scripts) + 1)):
        raise RuntimeError("migrations must be numbered 1, 2, 3… without gaps")
    return scripts


LATEST_VERSION = len([n for n in files(__name__).iterdir() if n.name.endswith(".sql")])


def split_statements(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement: {current[:60]!r}")
    return statements


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    applied = 0
    for version, script in migration_scripts():
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in split_statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version:d}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied += 1
    return applied
