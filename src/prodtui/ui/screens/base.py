"""What the five main screens share: header, read-only banner, footer, data refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from prodtui.i18n import t
from prodtui.ui.keys import translate_bindings
from prodtui.ui.text import plain
from prodtui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from prodtui.store import Workspace
    from prodtui.ui.app import ProdtuiApp


class NavBar(Static):
    """The screens and their keys, the current one highlighted."""

    def __init__(self, current: str) -> None:
        keys = {
            "today": "1",
            "standup": "2",
            "stories": "3",
            "recette": "4",
            "security": "5",
            "inbox": "i",
        }
        parts = []
        for mode, key in keys.items():
            name = t("nav.inbox_short") if mode == "inbox" else t(f"nav.{mode}")
            label = f" {key} {name} "
            parts.append(Content.styled(label, "reverse b") if mode == current else plain(label))
        super().__init__(Content(" ").join(parts), classes="nav-bar")


class WorkspaceScreen(Screen[None]):
    """A main screen. Subclasses compose their body and reload it in `refresh_data`."""

    mode_name = ""

    def __init__(self) -> None:
        super().__init__()
        self._generation: tuple[int, int] | None = None
        translate_bindings(self)
        # A new screen has no widget styled yet: they will be styled as they mount, with the
        # stylesheet as it is then. Textual (8.2) does not know that: it re-parses the whole
        # stylesheet and restyles every widget of the app on the first visit to a screen, and
        # again on the second (the count is recorded only for a mounted screen), about 40 ms
        # each time. Marking the screen current with the stylesheet avoids both; a theme
        # change later still restyles it.
        self._css_update_count = self.app._css_update_count

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
        yield NavBar(self.mode_name)
        if self.workspace.read_only:
            yield Static(t("workspace.read_only_banner"), classes="read-only-banner")
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Each time a screen is shown Textual sets its toast rack's display (hidden when
        # there is no notification). The first time, that turns the stylesheet's "none"
        # into the same value set inline, which still lays the whole screen out again:
        # one more frame on a screen's first visit. Set here, while the screen is built.
        for rack in self.query("#textual-toastrack").results():
            rack.display = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen it switches back to (about 15 ms here).
        # Nothing it would change: a theme change meanwhile restyles the whole app anyway
        # (the screen's `_css_update_count` is behind), and focus changes restyle their own
        # widgets. Handlers run subclass first, so Screen's own handler sees the flag.
        event.refresh_styles = False
        self.reload_if_changed()

    def reload_if_changed(self) -> None:
        """Reload unless the screen already shows the workspace as it is now (after a quick
        capture, the screen resumes and the app asks for a reload: one is enough)."""
        generation = self.prodtui.data_generation()
        if generation != self._generation:
            self._generation = generation
            self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows from the workspace."""
