"""Unsaved editor text, written as the user types so a crash loses nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodtui.domain.drafts import Draft
from prodtui.store.base import now

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


class DraftRepository:
    # Drafts are scratch copies, not records: they are not audited.
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def save(self, key: str, content: str, label: str = "") -> None:
        if self.ws.read_only:
            return
        with self.ws.transaction() as db:
            db.execute(
                "INSERT INTO drafts (key, label, content, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET label = excluded.label,"
                " content = excluded.content, updated_at = excluded.updated_at",
                [key, label, content, now()],
            )

    def get(self, key: str) -> Draft | None:
        rows = self.ws.rows("SELECT * FROM drafts WHERE key = ?", [key])
        return Draft.model_validate(rows[0]) if rows else None

    def discard(self, key: str) -> None:
        if self.ws.read_only:
            return
        with self.ws.transaction() as db:
            db.execute("DELETE FROM drafts WHERE key = ?", [key])

    def all(self) -> list[Draft]:
        """Newest first; drafts of the same second in the order they were first written,
        newest first, so that the list is the same at every start."""
        return [
            Draft.model_validate(row)
            for row in self.ws.rows("SELECT * FROM drafts ORDER BY updated_at DESC, rowid DESC")
        ]
