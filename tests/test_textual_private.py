"""The private Textual names of ui/textual_private.py still exist with the shape assumed.

Each test here fails loudly after a Textual upgrade that changes one of them, rather than
a screen failing somewhere, or a first visit quietly getting slow again.
"""

from __future__ import annotations

import inspect

import pytest
from rich.console import RenderableType
from rich.text import Text
from textual.app import App, ComposeResult
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from prodtui.ui.textual_private import (
    exit_message,
    mark_styles_current,
    mount_offscreen,
    show_no_matches_later,
    was_stopped,
)


class Offscreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("hors écran", id="offscreen-text")


class Bare(App[None]):
    pass


def test_register_takes_a_parent_then_the_widgets() -> None:
    parameters = list(inspect.signature(App._register).parameters)
    assert parameters[:3] == ["self", "parent", "widgets"]


async def test_a_screen_mounted_off_screen_is_composed_but_not_shown() -> None:
    app = Bare()
    async with app.run_test() as pilot:
        screen = Offscreen()
        app.install_screen(screen, "offscreen")
        await mount_offscreen(app, screen)
        await pilot.pause()
        assert screen.is_mounted and screen.query_one("#offscreen-text")
        assert app.screen is not screen


async def test_the_css_update_count_is_an_int_on_the_app_and_on_screens() -> None:
    app = Bare()
    async with app.run_test() as pilot:
        screen = Offscreen()
        assert isinstance(app._css_update_count, int)
        assert isinstance(screen._css_update_count, int)
        app.stylesheet.update(app)  # what a theme change does: the count moves on
        await pilot.pause()
        mark_styles_current(screen)
        assert screen._css_update_count == app._css_update_count


def test_a_stopped_message_says_so() -> None:
    message = Message()
    assert isinstance(message._stop_propagation, bool)
    assert not was_stopped(message)
    message.stop()
    assert was_stopped(message)


class Failing(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.panicked: list[object] = []

    def panic(self, *renderables: RenderableType) -> None:
        self.panicked += renderables
        super().panic(*renderables)

    def on_mount(self) -> None:
        self.call_later(self.fail)

    def fail(self) -> None:
        raise RuntimeError("panne")

    def _handle_exception(self, error: Exception) -> None:
        exit_message(error, Text("une ligne"))
        super()._handle_exception(error)


async def test_an_error_with_an_exit_message_leaves_through_panic_and_is_raised_again() -> None:
    app = Failing()
    with pytest.raises(RuntimeError, match="panne"):
        async with app.run_test() as pilot:
            await pilot.pause()
    assert app.return_code == 1
    [error] = app.panicked
    assert isinstance(error, RuntimeError)
    assert error.__rich__().plain == "une ligne"  # type: ignore[attr-defined]


def test_the_palettes_no_match_countdown_has_the_names_and_shape_assumed() -> None:
    parameters = list(inspect.signature(CommandPalette._start_no_matches_countdown).parameters)
    assert parameters == ["self", "search_value"]
    assert callable(CommandPalette._stop_no_matches_countdown)
    assert isinstance(CommandPalette._NO_MATCHES, str)
    assert isinstance(CommandPalette._NO_MATCHES_COUNTDOWN, float)
    assert "_list_visible" in vars(CommandPalette)  # a reactive of the palette
    assert "_no_matches_timer" in inspect.getsource(CommandPalette.__init__)


class WithPalette(App[None]):
    pass


class Worded(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        show_no_matches_later(self, search_value, "Rien de tel")


async def test_the_no_match_line_is_ours_and_goes_when_hits_come() -> None:
    app = WithPalette()
    async with app.run_test() as pilot:
        app.push_screen(Worded())
        await pilot.pause()
        await pilot.press(*"zzzq")
        options = app.screen.query_one(CommandList)
        for _ in range(40):
            await pilot.pause(0.05)
            if options.option_count:
                break
        only = options.get_option_at_index(0)
        assert only.id == CommandPalette._NO_MATCHES and only.disabled
        assert "Rien de tel" in str(only.prompt)
        await pilot.press(*["backspace"] * 4, *"quit")  # Textual's own "Quit" command
        for _ in range(40):
            await pilot.pause(0.05)
            if options.option_count and options.get_option_at_index(0).id is None:
                break
        assert all(
            options.get_option_at_index(i).id != CommandPalette._NO_MATCHES
            for i in range(options.option_count)
        )
