"""Workspace-wide facts: its name, the public service it serves, whether it was set up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodtui.domain.base import CleanLine, Record
from prodtui.domain.errors import ConflictError
from prodtui.domain.text import safe_line

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

NAME = "name"
"""The service's short name: the title bar, the dossier's title, export file names."""
SETUP = "setup"
"""`done` or `skipped` once the first-start setup was answered: it is not asked again."""


class MetaValue(Record):
    """One workspace fact as a record, so that a conflict over it shows both versions."""

    key: str
    value: CleanLine = ""


class MetaRepository:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def get(self, key: str, default: str = "") -> str:
        """The value as one safe line (a file written by another tool may hold anything)."""
        row = self.ws.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return safe_line(row[0]) if row and row[0] is not None else default

    def set(self, key: str, value: str, *, expected: str | None = None) -> None:
        """Write a fact (audited). With `expected`, the value the user saw: when another
        session changed it since, ConflictError with both values, and nothing written."""
        value = safe_line(value)
        with self.ws.transaction() as db:
            old = self.get(key, default="")
            if expected is not None and old != safe_line(expected) and old != value:
                raise ConflictError(
                    "meta", MetaValue(key=key, value=value), MetaValue(key=key, value=old)
                )
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
        return self.get(NAME) or self.ws.path.stem

    @property
    def service_name(self) -> str:
        """The name the team gave the service; empty until someone does."""
        return self.get(NAME).strip()

    def setup_pending(self) -> bool:
        """The first start's questions are due: no name or no team yet, and the setup was
        neither answered nor skipped."""
        if self.get(SETUP):
            return False
        no_team = self.ws.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM people)").fetchone()[0]
        return not self.service_name or bool(no_team)
