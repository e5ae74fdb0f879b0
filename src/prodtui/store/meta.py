"""Workspace-wide facts: its name, the public service it serves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodtui.domain.text import safe_line

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


class MetaRepository:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def get(self, key: str, default: str = "") -> str:
        """The value as one safe line (a file written by another tool may hold anything)."""
        row = self.ws.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return safe_line(row[0]) if row and row[0] is not None else default

    def set(self, key: str, value: str) -> None:
        value = safe_line(value)
        with self.ws.transaction() as db:
            old = self.get(key, default="")
            if old == value:
                return
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            self.ws.audit.record("meta", None, key, old or None, value)

    @property
    def workspace_name(self) -> str:
        return self.get("name") or self.ws.path.stem
