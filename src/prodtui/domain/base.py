"""What every stored, editable record has."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A row the user can edit: saved with optimistic concurrency on `version`."""

    model_config = ConfigDict(validate_assignment=True)

    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
