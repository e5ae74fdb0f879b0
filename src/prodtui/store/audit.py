"""The audit trail, written in the same transaction as each change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prodtui.domain.audit import AuditEntry
from prodtui.domain.base import Record
from prodtui.store.base import BOOKKEEPING, DISCARDED, audit_summary, now, to_text

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


class AuditRepository:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def record(self, entity: str, entity_id: int | None, field: str, old: Any, new: Any) -> None:
        self.ws.conn.execute(
            "INSERT INTO audit_log (at, author, entity, entity_id, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [now(), self.ws.author, entity, entity_id, field, to_text(old), to_text(new)],
        )

    def keep_discarded(
        self, entity: str, record: Record, aside: dict[str, str] | None = None
    ) -> None:
        """Write `record`, the version the user did not keep in a conflict, whole to the
        log of `entity`, with the text that went with it (`aside`, a reason given for a
        status change): it stays readable in the record's history."""
        row = record.model_dump(mode="json", exclude=set(BOOKKEEPING)) | (aside or {})
        with self.ws.transaction():
            self.record(entity, record.id, DISCARDED, audit_summary(row), None)

    def ever_written(self, entity: str) -> bool:
        """Whether any row of `entity` was ever created, changed or deleted."""
        found = self.ws.conn.execute(
            "SELECT 1 FROM audit_log WHERE entity = ? LIMIT 1", [entity]
        ).fetchone()
        return found is not None

    def history(
        self, entity: str, entity_id: int, *, limit: int = 100, before_id: int | None = None
    ) -> list[AuditEntry]:
        """The newest changes of one row first, one page at a time."""
        rows = self.ws.rows(
            "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? AND id < ?"
            " ORDER BY id DESC LIMIT ?",
            [entity, entity_id, before_id if before_id is not None else 2**62, limit],
        )
        return [AuditEntry.model_validate(row) for row in rows]
