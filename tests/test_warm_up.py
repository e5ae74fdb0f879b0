"""The warm-up: screens and stylesheets loaded once Today is drawn, not on first visits."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

from prodtui.resources import styles_dir
from prodtui.ui.app import WARM_UP
from prodtui.ui.warm_up import screen_class, stylesheet_paths
from tests.conftest import AppFactory


def test_stylesheet_paths_are_listed_once_in_order() -> None:
    class One(Screen[None]):
        CSS_PATH = "/styles/a.tcss"

    class Two(Screen[None]):
        CSS_PATH = ["/styles/b.tcss", "/styles/a.tcss"]

    class Bare(Screen[None]):
        pass

    assert stylesheet_paths([One, Bare, Two]) == [
        PurePath("/styles/a.tcss"),
        PurePath("/styles/b.tcss"),
    ]


def test_every_warmed_screen_exists_and_its_stylesheets_ship() -> None:
    paths = stylesheet_paths(screen_class(*where) for where in WARM_UP)
    assert paths and all(Path(p).is_file() and Path(p).parent == styles_dir() for p in paths)


async def test_after_the_warm_up_a_first_visit_parses_nothing_again(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    reparses: list[int] = []
    original = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        reparses.append(1)
        original(self)

    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.6)  # seven steps of 20 ms, then the stylesheets
        sheet = app.stylesheet
        for path in stylesheet_paths(screen_class(*where) for where in WARM_UP):
            assert sheet.has_source(str(path)), path
        monkeypatch.setattr(Stylesheet, "reparse", counting)
        for key in "2i345":
            await pilot.press(key)
            await pilot.pause()
        assert reparses == [], "no first visit parsed every stylesheet again"


async def test_screens_look_the_same_with_or_without_the_warm_up(make_app: AppFactory) -> None:
    shots = []
    for warm_up in (False, True):
        app = make_app(warm_up=warm_up)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.6)
            screens = []
            for key in "2i3":
                await pilot.press(key)
                await pilot.pause()
                screens.append(app.export_screenshot())
            shots.append(screens)
    assert shots[0] == shots[1]


async def test_a_theme_changed_elsewhere_shows_on_the_screen_switched_back_to(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        standup = app.screen
        dark = standup.query_one("#standup-title").rich_style
        await pilot.press("1")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert app.screen is standup
        light = standup.query_one("#standup-title").rich_style
        assert light != dark
        assert standup.styles.background == Color.parse(app.current_theme.background)
