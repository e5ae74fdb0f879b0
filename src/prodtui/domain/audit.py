"""The audit trail: who changed what, and when."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from prodtui.domain.text import CleanLine, CleanText


class AuditEntry(BaseModel):
    id: int | None = None
    at: datetime
    author: CleanLine
    entity: str
    entity_id: int | None
    field: str
    old: CleanText | None
    new: CleanText | None
