"""A day's stand-up as text, for `prodtui export standup` (and any screen that wants it)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from prodtui.exchange.standup import standup_json, standup_markdown

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


def standup_export(ws: Workspace, day: date, fmt: str) -> str:
    """The stand-up of `day` in Markdown, or in JSON when `fmt` is "json"."""
    standup = ws.standups.day(day)
    return standup_json(standup) if fmt == "json" else standup_markdown(standup)
