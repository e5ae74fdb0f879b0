"""The keys of the screen, on its last line: what Textual's Footer shows, drawn cheaply.

Textual's Footer is one widget per key, composed again whenever the bindings change (on
every screen switch, every change of focus): styling and laying out those widgets took
from 40 ms (the inbox) to over 100 ms (the stand-up) of each switch. Here the whole line
is one piece of text, written again only when the keys shown change.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from prodtui.i18n import t
from prodtui.ui.keys import binding_label


class _Keys(Static):
    """The keys bound on the screen, each with its description; cut at the right edge."""

    COMPONENT_CLASSES = {"keys--key", "keys--description", "keys--disabled"}
    DEFAULT_CSS = """
    _Keys {
        width: 1fr;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $footer-background;
        & > .keys--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys--disabled {
            text-style: dim;
        }
    }
    """


class _Palette(Static):
    DEFAULT_CSS = """
    _Palette {
        width: auto;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        border-left: vkey $foreground 20%;
        padding: 0 1;
    }
    """


def typing_into(widget: Widget | None) -> bool:
    """Whether keys typed go into `widget` as text (an Input or a TextArea). TextArea is
    recognised by its name: importing its module here would cost the first frame about
    4 ms, for a check that is false until an editor is opened."""
    if isinstance(widget, Input):
        return True
    return widget is not None and any(cls.__name__ == "TextArea" for cls in type(widget).__mro__)


Key = tuple[str, str, bool]
"""A key as shown: its display (`^s`), its description, whether it is enabled."""


def key_cells(key: Key) -> int:
    """Cells a key takes on the bar: ` ^s ` then `Enregistrer `."""
    return cell_len(key[0]) + cell_len(key[1]) + 3


def fitted(keys: tuple[Key, ...], width: int, more: Key) -> tuple[Key, ...]:
    """The keys that fit in `width` cells, in order (a screen binds its most useful keys
    first), and `more` (the help, which lists every key) last when some are left out."""
    if width <= 0 or sum(map(key_cells, keys)) <= width:
        return keys
    room, kept = width - key_cells(more), []
    for key in keys:
        if key_cells(key) <= room:  # a shorter key further on may still fit
            room -= key_cells(key)
            kept.append(key)
    return (*kept, more)


class KeyBar(Horizontal):
    """The screen's keys at the bottom, then the command palette's key at the right."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[tuple[Key, ...], Key | None, int, Key] | None = None

    def compose(self) -> ComposeResult:
        yield _Keys()
        yield _Palette()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._update)

    def on_resize(self) -> None:
        self.call_after_refresh(self._update)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            self._update()

    def shown(self) -> tuple[tuple[Key, ...], Key | None]:
        """The keys shown, in order and one per action as in Textual's Footer, and the
        command palette's key."""
        app = self.app
        keys: list[Key] = []
        palette: Key | None = None
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            shown = (app.get_key_display(binding), binding_label(binding), enabled)
            if binding.key == app.COMMAND_PALETTE_BINDING:
                palette = shown if app.ENABLE_COMMAND_PALETTE else None
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append(shown)
        return tuple(keys), palette

    def _more(self) -> Key:
        """The help's key, as the last entry when keys are left out: `?`, or the help's
        own key (f1) where `?` would be typed into a field."""
        typing = typing_into(self.screen.focused)
        key = "?"
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "help" and (typing == (binding.key != "question_mark")):
                key = self.app.get_key_display(binding)
                break
        return key, t("keybar.more"), True

    def _update(self) -> None:
        if not self.is_mounted:
            return
        widget = self.query_one(_Keys)
        corner = self.query_one(_Palette)
        keys, palette = self.shown()
        # The palette's corner is drawn beside the keys: " ^p commandes" and its border.
        room = self.size.width - (cell_len(f"{palette[0]} {palette[1]}") + 3 if palette else 0)
        more = self._more()
        shown = (keys, palette, room, more)
        if shown == self._shown:
            return  # the usual case on a change of focus: nothing to draw again
        self._shown = shown
        keys = fitted(keys, room, more)
        key_style = widget.get_component_rich_style("keys--key")
        text_style = widget.get_component_rich_style("keys--description")
        dim = widget.get_component_rich_style("keys--disabled")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for key, description, enabled in keys:
            line.append(f" {key} ", key_style if enabled else key_style + dim)
            line.append(f"{description} ", text_style if enabled else text_style + dim)
        widget.update(line)
        corner.display = palette is not None
        if palette is not None:
            corner.update(Text.assemble((palette[0], key_style), f" {palette[1]}"))
