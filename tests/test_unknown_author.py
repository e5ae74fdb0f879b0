"""Nobody named: with no `author` in the settings and `$USER` unset (common in containers),
what this session writes has an empty author, shown as "non renseigné", never `?`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from prodtui.config import load_settings
from prodtui.domain.recette import Campaign, ExecutionStatus, TestCase
from prodtui.domain.stories import Story
from prodtui.store import Workspace, open_workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.execution_log import ExecutionLogScreen
from prodtui.ui.screens.story_dialogs import HistoryScreen
from prodtui.ui.widgets.lazy_table import LazyTable
from tests.conftest import TODAY


@pytest.fixture
def nobody(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    for name in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(name, "")
    return open_workspace(tmp_path / "anonyme.db")


def app_on(workspace: Workspace, tmp_path: Path) -> ProdtuiApp:
    config = tmp_path / "config.toml"
    return ProdtuiApp(workspace, load_settings(config), config, today=lambda: TODAY)


async def test_a_story_history_says_who_is_not_known(nobody: Workspace, tmp_path: Path) -> None:
    story = nobody.stories.add(Story(title="Déposer une demande"))
    app = app_on(nobody, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(HistoryScreen(story))
        await pilot.pause()
        table = app.screen.query_one("#history-table", DataTable)
        who = [str(table.get_row_at(n)[1]) for n in range(table.row_count)]
        assert who and set(who) == {"non renseigné"}
    nobody.close()


async def test_a_result_recorded_by_nobody_named(nobody: Workspace, tmp_path: Path) -> None:
    case = nobody.test_cases.add(TestCase(title="Paiement accepté"))
    campaign = nobody.campaigns.add(Campaign(name="Recette v1"))
    execution = nobody.executions.record(campaign, case, ExecutionStatus.PASS)
    assert execution.tester == ""
    app = app_on(nobody, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.push_screen(ExecutionLogScreen())
        await pilot.pause()
        cells = app.screen.query_one(LazyTable).cells_at(0)
        assert "non renseigné" in cells and "?" not in cells
    nobody.close()
