"""The audit trail: who changed what, and when."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class AuditEntry(BaseModel):
    id: int | None = None
    at: datetime
    author: str
    entity: str
    entity_id: int | None
    field: str
    old: str | None
    new: str | None
