"""Unsaved editor text kept in the workspace until it is saved or discarded."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from prodtui.domain.text import CleanLine, CleanText


class Draft(BaseModel):
    key: str
    """Which editor the text belongs to, for instance `capture` or `item:12:text`."""
    label: CleanLine = ""
    content: CleanText
    updated_at: datetime | None = None
