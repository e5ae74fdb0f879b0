"""The warm-up: stylesheets, main screens and overlays loaded once Today is drawn."""

from __future__ import annotations

import asyncio
import re

import pytest
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.pilot import Pilot
from textual.widgets import Static

from prodtui.domain.items import Item
from prodtui.domain.stories import Story
from prodtui.resources import styles_dir
from prodtui.store import Workspace, open_workspace
from prodtui.ui.app import PREBUILT, ProdtuiApp
from prodtui.ui.warm_up import WarmUp
from prodtui.ui.widgets.lazy_table import LazyTable
from tests.conftest import AppFactory, found, wait_until


async def wait_warm(pilot: Pilot[int], app: ProdtuiApp) -> None:
    for _ in range(100):
        if all(f"prebuilt-{mode}" in app._installed_screens for mode in PREBUILT):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the warm-up did not finish")


async def test_after_the_warm_up_a_first_visit_parses_and_loads_nothing_again(
    make_app: AppFactory, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.items.add(Item(text="à trier"))
    workspace.stories.add(Story(title="Déposer une demande", acceptance="pas du Gherkin"))
    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_warm(pilot, app)
        for path in styles_dir().glob("*.tcss"):
            assert app.stylesheet.has_source(str(path)), path
        reparses: list[int] = []
        original = Stylesheet.reparse

        def counting(self: Stylesheet) -> None:
            reparses.append(1)
            original(self)

        monkeypatch.setattr(Stylesheet, "reparse", counting)
        built = {mode: app.get_screen(f"prebuilt-{mode}") for mode in PREBUILT}
        assert built["inbox"].query_one(LazyTable).row_count == 1, "its data is loaded"
        preview = built["stories"].query_one("#stories-preview-text", Static)
        assert "US-1" not in str(preview.render()), "no preview before the visit"
        keys = zip("2i35", ("standup", "inbox", "stories", "security"), strict=True)
        for key, mode in keys:
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is built[mode], "the screen built ahead is the one shown"
        # The recette and the roadmap are built on their first visit, their stylesheets
        # and modules already loaded.
        for key, mode in (("4", "recette"), ("6", "roadmap")):
            assert not app.is_screen_installed(f"prebuilt-{mode}")
            await pilot.press(key)

            def shown(wanted: str = mode) -> bool:
                return app.current_mode == wanted and app.screen.is_mounted

            await wait_until(pilot, shown)
        assert reparses == [], "no first visit parsed every stylesheet again"
        await pilot.press("3")
        await pilot.pause()
        assert "Déposer une demande" in str(preview.render()), "the preview once visited"


async def test_a_screen_built_ahead_shows_what_changed_since(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_warm(pilot, app)
        other = open_workspace(workspace.path)
        other.items.add(Item(text="capturé depuis le shell"))
        other.close()
        await pilot.press("i")
        await pilot.pause()
        table: LazyTable[Item] = app.screen.query_one(LazyTable)
        assert table.row_count == 1
        assert found(table.item(0)).text == "capturé depuis le shell"


async def test_a_screen_opened_before_its_turn_is_not_built_twice(
    make_app: AppFactory,
) -> None:
    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")  # at once, before the warm-up reaches the stand-up
        await pilot.pause()
        standup = app.screen
        await wait_warm_rest(pilot, app)
        assert not app.is_screen_installed("prebuilt-standup")
        await pilot.press("1", "2")
        await pilot.pause()
        assert app.screen is standup


async def wait_warm_rest(pilot: Pilot[int], app: ProdtuiApp) -> None:
    for _ in range(100):
        if app.is_screen_installed("prebuilt-security"):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the warm-up did not finish")


async def test_screens_look_the_same_with_or_without_the_warm_up(make_app: AppFactory) -> None:
    shots = []
    for warm_up in (False, True):
        app = make_app(warm_up=warm_up)
        async with app.run_test(size=(100, 30)) as pilot:
            if warm_up:
                await wait_warm(pilot, app)
            screens = []
            for key in "2i345":
                await pilot.press(key)
                await pilot.pause()
                screens.append(app.export_screenshot())
            shots.append(screens)
    assert shots[0] == shots[1]


async def test_a_theme_changed_elsewhere_shows_on_the_screen_switched_back_to(
    make_app: AppFactory,
) -> None:
    app = make_app(warm_up=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_warm(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        standup = app.screen
        dark = standup.query_one("#standup-title").rich_style
        await pilot.press("1")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("2", "3")  # a screen seen before, and one built ahead only
        await pilot.pause()
        stories = app.screen
        await pilot.press("2")
        await pilot.pause()
        assert app.screen is standup
        assert standup.query_one("#standup-title").rich_style != dark
        background = Color.parse(app.current_theme.background)
        assert standup.styles.background == background
        assert stories.styles.background == background


async def test_quitting_in_the_middle_of_a_step_waits_for_its_end(make_app: AppFactory) -> None:
    app = make_app()
    events: list[str] = []
    release = asyncio.Event()

    async def slow_step() -> None:
        events.append("step started")
        await release.wait()
        events.append("step over")

    async with app.run_test():
        warm_up = WarmUp(app)
        warm_up.steps = [slow_step, lambda: events.append("next step")]
        warm_up.start()
        await asyncio.sleep(0.05)  # not pilot.pause(): the step keeps the app busy
        assert warm_up.busy and events == ["step started"]
        warm_up.stop_then(lambda: events.append("quit"))
        await asyncio.sleep(0.05)
        assert events == ["step started"], "the step under way finishes first"
        release.set()
        await asyncio.sleep(0.05)
        assert events == ["step started", "step over", "quit"], "and no step after it"
        idle = WarmUp(app)
        idle.stop_then(lambda: events.append("at once"))
        assert events[-1] == "at once"


def test_no_two_stylesheets_style_the_same_id_or_class() -> None:
    """All stylesheets are loaded together (in file order): a selector shared by two files
    would take its look from whichever comes last."""
    owners: dict[str, list[str]] = {}
    for path in sorted(styles_dir().glob("*.tcss")):
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        heads = re.findall(r"([^{}]+)\{", css)
        names = {name for head in heads for name in re.findall(r"[#.][\w-]+", head)}
        for name in names:
            owners.setdefault(name, []).append(path.name)
    shared = {name: files for name, files in owners.items() if len(files) > 1}
    assert shared == {}


async def test_a_failing_step_is_logged_and_the_app_goes_on(
    make_app: AppFactory, isolated_home: object
) -> None:
    from prodtui.ui.errors import log_path

    app = make_app()
    events: list[str] = []

    def broken() -> None:
        raise RuntimeError("écran cassé")

    async with app.run_test() as pilot:
        warm_up = WarmUp(app, done=lambda: events.append("done"))
        warm_up.steps = [broken, lambda: events.append("next"), lambda: events.append("done")]
        warm_up.start()
        await pilot.pause(0.1)
        assert events == ["done"], "no more steps, but the last one (garbage collection on)"
        assert app.is_running
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "standup"
    assert "écran cassé" in log_path().read_text(encoding="utf-8")
