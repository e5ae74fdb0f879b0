"""Screens whose panels are still to be built say so plainly, with no made-up data."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from prodtui.i18n import t
from prodtui.ui.screens.base import WorkspaceScreen


class ComingScreen(WorkspaceScreen):
    name_key = ""

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="coming"):
            yield Static(t(f"nav.{self.name_key}"), classes="coming-title")
            yield Static(t(f"coming.{self.name_key}"), classes="coming-text")
            yield Static(t("coming.meanwhile"), classes="coming-hint")


class SecurityScreen(ComingScreen):
    name_key = mode_name = "security"
