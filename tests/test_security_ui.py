"""The security checklist driven with the real keys, on the demo workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from prodtui.config import load_settings
from prodtui.domain.security import MeasureStatus
from prodtui.store import Workspace, open_workspace
from prodtui.store.demo import build_demo_workspace
from prodtui.store.security import MeasureFilter
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import PromptScreen
from prodtui.ui.screens.security import SecurityScreen
from tests.conftest import TODAY


@pytest.fixture
def demo(tmp_path: Path) -> Workspace:
    ws = open_workspace(build_demo_workspace(tmp_path / "demo.db", today=TODAY), author="Camille")
    yield ws
    ws.close()


def app_on(ws: Workspace, tmp_path: Path) -> ProdtuiApp:
    config = tmp_path / "config.toml"
    config.write_text('author = "Claire Dumoulin"\n', encoding="utf-8")
    return ProdtuiApp(ws, load_settings(config), config, today=lambda: TODAY)


async def test_walking_the_checklist_with_keys(demo: Workspace, tmp_path: Path) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecurityScreen)
        table = screen.query_one(DataTable)
        total = table.row_count
        assert total >= 40
        assert "Indice de sécurité" in str(screen.query_one("#security-score").render())
        code = screen.selected().code
        before = screen.selected().state.status
        await pilot.press("s")
        await pilot.pause()
        assert demo.measures.entry(code).state.status is not before
        # Not applicable needs a justification.
        await pilot.press("down", "a")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Pas de données personnelles ici", "enter")
        await pilot.pause()
        second = screen.entries[1]
        assert second.state.status is MeasureStatus.NOT_APPLICABLE
        assert second.state.justification == "Pas de données personnelles ici"
        # Filters: mine (the settings' author), then none.
        await pilot.press("m")
        await pilot.pause()
        assert 0 < table.row_count < total
        assert all(e.state.owner == "Claire Dumoulin" for e in screen.entries)
        await pilot.press("m", "o")
        await pilot.pause()
        assert all(not e.state.owner for e in screen.entries)
        await pilot.press("o", "exclamation_mark")
        await pilot.pause()
        assert all(e.measure.indispensable for e in screen.entries)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        table.move_cursor(row=0)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#mf-owner").value = "Inès Garnier"
        app.screen.query_one("#mf-due").value = "31/02"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "31/02" in str(app.screen.query_one("#mf-error").render())
        app.screen.query_one("#mf-due").value = "2026-12-15"
        await pilot.press("ctrl+s")
        await pilot.pause()
    first = demo.measures.entry(code)
    assert first.state.owner == "Inès Garnier" and str(first.state.due_date) == "2026-12-15"


async def test_a_measure_planned_in_a_story_shows_on_both_screens(
    demo: Workspace, tmp_path: Path
) -> None:
    from prodtui.ui.screens.stories import StoriesScreen

    unplanned = demo.measures.entries(MeasureFilter(no_plan=True))
    assert unplanned, "the demo has indispensable measures with no plan"
    target = unplanned[0]
    story = demo.stories.page(limit=1)[0]
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5", "p")
        await pilot.pause()
        screen = app.screen
        assert {e.code for e in screen.entries} == {e.code for e in unplanned}
        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#mf-story").value = story.key
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert target.code not in {e.code for e in screen.entries}
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
        preview = str(app.screen.query_one("#stories-preview-text").render())
        assert target.code in preview
