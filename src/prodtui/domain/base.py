"""What every stored, editable record has."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from prodtui.domain.text import CleanLine, CleanText, clean_text

__all__ = ["CleanLine", "CleanText", "Record", "clean_text"]


class Record(BaseModel):
    """A row the user can edit: saved with optimistic concurrency on `version`."""

    # Validators are built on first use, not at import: most models are not needed for
    # the first screen, and building them all cost tens of milliseconds at start-up.
    model_config = ConfigDict(validate_assignment=True, defer_build=True)

    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0

    def edit(self, **changes: Any) -> Self:
        """A copy with `changes`, validated like user input (`model_copy` does not validate)."""
        return self.model_validate(self.model_dump() | changes)
