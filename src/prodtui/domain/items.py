"""Captured items: notes, actions, blockers, decisions, questions, ideas and risks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from prodtui.domain.base import CleanLine, CleanText, Record

MAX_TEXT = 10_000


class ItemKind(StrEnum):
    NOTE = "note"
    ACTION = "action"
    BLOCKER = "blocker"
    DECISION = "decision"
    QUESTION = "question"
    IDEA = "idea"
    RISK = "risk"

    @property
    def label_key(self) -> str:
        """The catalogue key of its name: `kind.<value>`."""
        return f"kind.{self.value}"


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Item(Record):
    """One capture. `triaged` is False while it waits in the inbox."""

    kind: ItemKind = ItemKind.NOTE
    text: CleanText = Field(min_length=1, max_length=MAX_TEXT)
    status: ItemStatus = ItemStatus.OPEN
    owner: CleanLine | None = None
    due_date: date | None = None
    story_key: CleanLine | None = None
    triaged: bool = False
    source: CleanLine = "tui"
    resolved_at: datetime | None = None
    raised_on: date | None = None
    """The day it was raised (a stand-up day); the day of capture by default."""
    resolved_on: date | None = None

    def is_open_on(self, day: date) -> bool:
        """Raised on or before `day` and not resolved before it: shown on that day."""
        if self.raised_on is None or self.raised_on > day:
            return False
        return self.resolved_on is None or self.resolved_on > day

    def age_on(self, day: date) -> int:
        """Days since it was raised, as seen on `day`."""
        return (day - self.raised_on).days if self.raised_on else 0

    @property
    def key(self) -> str:
        return f"#{self.id}"

    def is_late(self, today: date) -> bool:
        return (
            self.status is ItemStatus.OPEN and self.due_date is not None and self.due_date < today
        )
