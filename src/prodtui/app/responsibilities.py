"""The responsibilities (RACI) table of a workspace, written by `exchange.responsibilities`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodtui.exchange.responsibilities import raci_markdown

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


def responsibilities_report(ws: Workspace) -> str:
    return raci_markdown(ws.responsibilities.all(), ws.meta.workspace_name)
