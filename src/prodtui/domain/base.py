"""What every stored, editable record has."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> Any:
    """Multi-line text as stored: control characters (a pasted escape sequence, a bell)
    are dropped, line breaks normalised; tabs and line breaks are kept."""
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


CleanText = Annotated[str, BeforeValidator(clean_text)]


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
