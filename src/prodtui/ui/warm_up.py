"""What the first visit to each screen would load, loaded while the user reads the first one.

A first visit imports the screen's module and reads its stylesheet. Textual (8.2) then
parses every stylesheet of the app again, from scratch, and restyles every widget of
every screen: about 40 ms each time, on the key press. Here, once the first screen is
drawn, every stylesheet is read and parsed once; then each main screen not opened yet is
built off screen with its data, so that its first visit only lays it out and draws it, as
a return to it does; last, the modules of the overlays are imported.

Each step is one message on the event loop: keys typed meanwhile are handled between two
steps, never more than one step (tens of milliseconds) late. What would make a step long
is split: each screen's module is imported in a step of its own, a screen built ahead
reads its data in the next step, and the recette counts its progress in a thread worker.
At ten times the large workspace no step then takes more than about 40 ms
(benchmarks/README.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from importlib import import_module
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from prodtui.ui.errors import log_unexpected_error
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.textual_private import mount_offscreen
from prodtui.ui.widgets.lazy_table import LazyTable

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

Step = Callable[[], Awaitable[object] | object]


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


def opened(app: App[Any], mode: str) -> bool:
    """Whether the mode's screen exists already (it was opened, or built here)."""
    if mode == app.current_mode:
        return True
    try:
        app.get_screen_stack(mode)  # a mode gets its stack when first opened
    except KeyError:
        return False
    return True


async def prebuild(app: App[Any], mode: str, make: Callable[[], Screen]) -> Screen | None:
    """Build the screen of a mode not opened yet, off screen, and make the mode use it;
    `load_data` then reads what it shows.

    The screen is installed under a name of its own and the mode is added again with that
    name: Textual then shows this very screen on the first visit. Textual starts a screen
    (composes and mounts it) only when it is shown; `mount_offscreen` does it here.
    """
    if opened(app, mode):
        return None
    screen = make()
    name = f"prebuilt-{mode}"
    app.install_screen(screen, name)
    await mount_offscreen(app, screen)
    if not app.is_running:
        return None
    if opened(app, mode):  # opened by the user meanwhile: this one is not needed
        app.uninstall_screen(name)
        await screen.remove()
        return None
    await app.remove_mode(mode)
    app.add_mode(mode, name)
    return screen


def load_data(app: App[Any], screen: Screen) -> None:
    """Read what a screen built ahead shows (the first visit then reloads only if the
    workspace changed since), unless the user opened it meanwhile and it read then. On
    the event loop, on the app's connection: a thread of its own with a connection of
    its own would hold about 1 MB more for the rest of the session."""
    if not app.is_running or not screen.is_attached:
        return
    try:
        if isinstance(screen, ProdtuiScreen):
            screen.reload_if_changed()
        for table in screen.query(LazyTable):
            table.prefetch()
    except Exception as error:
        # A head start only: the first visit reads again, and a lasting fault shows there;
        # the other screens are still built ahead.
        log_unexpected_error(error)


class WarmUp:
    """The steps, run one per message once `start` is called."""

    def __init__(
        self,
        app: App[Any],
        *,
        stylesheets: Sequence[PurePath] = (),
        imports: Iterable[str] = (),
        screens: Iterable[tuple[str, Callable[[], Screen]]] = (),
        modules: Iterable[str] = (),
        done: Callable[[], object] | None = None,
    ) -> None:
        self.app = app
        self.busy = False
        self._then: Callable[[], object] | None = None
        self.built: list[Screen] = []
        self.steps: list[Step] = [lambda: load_stylesheets(app, stylesheets)]
        # The screens' modules first, one per step: 20 ms or so each, as long again as
        # building a screen, which would otherwise make its step twice as long.
        self.steps += [self._import_step(module) for module in imports]
        self.steps += [self._prebuild_step(mode, make) for mode, make in screens]
        self.steps += [self._import_step(module) for module in modules]
        self.done = done
        if done is not None:
            self.steps.append(done)

    def _prebuild_step(self, mode: str, make: Callable[[], Screen]) -> Step:
        async def step() -> None:
            if (screen := await prebuild(self.app, mode, make)) is not None:
                self.built.append(screen)
                # Its data in a step of its own: building and reading at ten times the
                # large workspace would hold a key typed meanwhile for both.
                if self._then is None:  # unless the warm-up was stopped meanwhile
                    self.steps.insert(0, lambda: load_data(self.app, screen))

        return step

    @staticmethod
    def _import_step(module: str) -> Step:
        return lambda: import_module(module)

    def start(self) -> None:
        self.app.call_later(self.step)

    def stop_then(self, then: Callable[[], object]) -> None:
        """Run no more steps; call `then` now, or once the step under way is over (a screen
        half built when the app closes would fail in the middle of its mounting)."""
        self.steps.clear()
        if self.busy:
            self._then = then
        else:
            then()

    async def step(self) -> None:
        if not self.app.is_running or not self.steps:
            return
        self.busy = True
        try:
            result = self.steps.pop(0)()
            if isinstance(result, Awaitable):
                await result
        except Exception as error:
            # What failed here fails again, visibly, where the user opens it; the app
            # itself must not stop over a head start.
            log_unexpected_error(error)
            self.steps = self.steps[-1:] if self.done is not None else []
        finally:
            self.busy = False
        if self._then is not None:
            self._then()
            return
        # The next step is posted once the event loop has run what waits on it: a key read
        # during this step is posted to the app by the loop (the driver reads keys in a
        # thread), and would come after the next step if that were posted right away.
        asyncio.get_running_loop().call_soon(self.app.call_later, self.step)
