"""The roadmap as both front ends read it: its lanes over a window and its warnings, and
the export of both."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from prodtui.domain.roadmap import Lane, RoadmapWarning, Row, Window, lanes

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


def roadmap_view(
    workspace: Workspace, window: Window, today: date
) -> tuple[dict[Lane, list[Row]], list[RoadmapWarning]]:
    """The lanes of `window` and every warning (the warnings look ahead of today whatever
    the window shows)."""
    with workspace.reading():
        shown = lanes(workspace.roadmap.window(window), window)
        return shown, workspace.roadmap.warnings(today)


def roadmap_export(workspace: Workspace, window: Window, today: date, fmt: str) -> str:
    """`md` (one table per lane and a Mermaid gantt chart) or `json`."""
    from prodtui.exchange.roadmap import roadmap_json, roadmap_markdown

    shown, warnings = roadmap_view(workspace, window, today)
    if fmt == "json":
        return roadmap_json(shown, warnings, window, today)
    service = workspace.meta.get("name") or ""
    return roadmap_markdown(shown, warnings, window, today, service)
