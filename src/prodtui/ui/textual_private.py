"""Every private name of Textual (8.2) that prodtui uses, each where no public way exists.

Each use is wrapped here with the reason it is needed; tests/test_textual_private.py checks
that every name still exists with the shape assumed, so a Textual upgrade that changes one
fails there, loudly, rather than somewhere in a screen.

Also private, and kept outside this module because they are overrides, not calls:
`ProdtuiApp._handle_exception` (ui/app.py). Textual has no public hook for an unhandled
error; the override logs it, sets the line the user reads (`exit_message`) and calls
Textual's own `_handle_exception`. `Palette._start_no_matches_countdown`
(ui/localised.py), which calls `show_no_matches_later` here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widget import AwaitMount
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.app import App
    from textual.message import Message
    from textual.screen import Screen


def mount_offscreen(app: App[Any], screen: Screen[Any]) -> AwaitMount:
    """Compose and mount `screen` without showing it (ui/warm_up.py builds screens ahead of
    their first visit). `App.install_screen` only names a screen; Textual starts it when it
    is shown, with `App._register`, which is called here."""
    return AwaitMount(screen, app._register(app, screen))


def mark_styles_current(screen: Screen[Any]) -> None:
    """Tell Textual that a new screen's styles match the app's stylesheet as it is now.

    A new screen has no widget styled yet: they will be styled as they mount, with the
    stylesheet as it is then. Textual compares the screen's `_css_update_count` with the
    app's and, when behind, re-parses the whole stylesheet and restyles every widget of the
    app on the first visit to a screen, and again on the second (the count is recorded only
    for a mounted screen): about 40 ms each time. There is no public way to say so."""
    screen._css_update_count = screen.app._css_update_count


def was_stopped(message: Message) -> bool:
    """Whether a handler stopped `message` (`Message.stop()` sets the flag; nothing public
    reads it back)."""
    return message._stop_propagation


def exit_message(error: Exception, renderable: RenderableType) -> None:
    """Have the app, stopped by `error`, print `renderable` rather than a traceback.

    `App._handle_exception` exits through the public `panic(error)` when the error has a
    `__rich__` (Rich's protocol: the renderable that stands for an object), and prints a
    full traceback otherwise. It keeps the error itself for `run_test` to raise again."""
    vars(error)["__rich__"] = lambda: renderable


def show_no_matches_later(palette: CommandPalette, search_value: str, prompt: str) -> None:
    """What `CommandPalette._start_no_matches_countdown` does, with `prompt` for its words.

    Textual writes "No matches found", in English, from a timer set inside that private
    method; the palette of ui/localised.py overrides it with this. The same countdown, the
    same option id (Textual removes that option by its id when hits come in)."""
    palette._stop_no_matches_countdown()

    def show() -> None:
        if search_value:
            message = Text(prompt, style="not bold", justify="center")
            option = Option(message, disabled=True, id=palette._NO_MATCHES)
            palette.query_one(CommandList).add_option(option)
        # With nothing typed, the palette lists what it can discover: no "no match" then.
        palette._list_visible = bool(search_value)

    palette._no_matches_timer = palette.set_timer(palette._NO_MATCHES_COUNTDOWN, show)
