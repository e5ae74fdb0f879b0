"""What the first visit to each screen would load, loaded while the user reads the first one.

A first visit imports the screen's module and reads its stylesheet. Textual (8.2) then
parses every stylesheet of the app again, from scratch, and restyles every widget of
every screen: about 40 ms each time, on the key press. Done here, step by step on the
event loop once the first screen is drawn, it is done once, for all screens together.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

# Seconds between two steps: keys typed meanwhile are handled between them.
STEP_PAUSE = 0.02


def screen_class(module: str, name: str) -> type[Screen]:
    screen: type[Screen] = getattr(import_module(f"prodtui.ui.screens.{module}"), name)
    return screen


def stylesheet_paths(screens: Iterable[type[Screen]]) -> list[PurePath]:
    """The stylesheet files of these screens, each once, in order."""
    paths: list[PurePath] = []
    for screen in screens:
        declared = screen.CSS_PATH
        for path in declared if isinstance(declared, list) else [declared] if declared else []:
            if PurePath(path) not in paths:
                paths.append(PurePath(path))
    return paths


def load_stylesheets(app: App[Any], paths: Iterable[PurePath]) -> bool:
    """Read the stylesheets the app does not have yet, then parse and restyle once.
    Returns whether anything was read."""
    new = [p for p in paths if not app.stylesheet.has_source(str(p), "")]
    for path in new:
        app.stylesheet.read(path)
    if new:
        # parse() rather than Textual's reparse(): the same rules, but parsed into the
        # app's own cache, so that a widget's CSS added later is the only one parsed then.
        app.stylesheet.parse()
        app.stylesheet.update(app)
    return bool(new)


class WarmUp:
    """Import the screens one per step, then load all their stylesheets in one step."""

    def __init__(self, app: App[Any], screens: Iterable[tuple[str, str]]) -> None:
        self.app = app
        self.pending = list(screens)
        self.loaded: list[type[Screen]] = []

    def start(self) -> None:
        self.app.set_timer(STEP_PAUSE, self.step)

    def step(self) -> None:
        if not self.app.is_running:
            return
        if self.pending:
            self.loaded.append(screen_class(*self.pending.pop(0)))
            self.app.set_timer(STEP_PAUSE, self.step)
            return
        load_stylesheets(self.app, stylesheet_paths(self.loaded))
