"""What the five main screens share: header, read-only banner, footer, data refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from prodtui.i18n import t
from prodtui.ui.keys import translate_bindings

if TYPE_CHECKING:
    from prodtui.store import Workspace
    from prodtui.ui.app import ProdtuiApp


class WorkspaceScreen(Screen[None]):
    """A main screen. Subclasses compose their body and reload it in `refresh_data`."""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def prodtui(self) -> ProdtuiApp:
        from prodtui.ui.app import ProdtuiApp

        assert isinstance(self.app, ProdtuiApp)
        return self.app

    @property
    def workspace(self) -> Workspace:
        return self.prodtui.workspace

    def compose(self) -> ComposeResult:
        yield Header()
        if self.workspace.read_only:
            yield Static(t("workspace.read_only_banner"), classes="read-only-banner")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows from the workspace."""
