"""A mood alone is not a word: Today and the stand-up screen say who spoke by the text of
their entry, and a blocker raised today is 'today' old, never '0 j'."""

from __future__ import annotations

from prodtui.domain.people import Person, Role
from prodtui.domain.standup import StandupEntry
from prodtui.store import Workspace
from prodtui.ui.screens.standup import StandupScreen
from prodtui.ui.widgets.lazy_table import LazyTable
from tests.conftest import TODAY, AppFactory


def test_todays_tile_lists_a_mood_alone_as_not_heard_yet(workspace: Workspace) -> None:
    lea, karim = (
        workspace.people.add(Person(name=name, role=Role.DEV)) for name in ("Léa", "Karim")
    )
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=lea.id, today="Recette"))
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=karim.id, mood=4))
    tile = workspace.dashboard.standup(TODAY)
    assert tile.spoke == ["Léa"]
    assert tile.waiting == ["Karim"]


async def test_a_blocker_raised_today_reads_today_not_zero_days(
    make_app: AppFactory, workspace: Workspace
) -> None:
    lea = workspace.people.add(Person(name="Léa", role=Role.DEV))
    workspace.standups.raise_blocker(TODAY, lea, "Certificat expiré")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, StandupScreen)
        cells = [
            str(cell)
            for table in app.screen.query(LazyTable).results()
            for row in range(20)
            if table.item(row) is not None
            for cell in table.cells_at(row)
        ]
        assert "auj." in cells, cells
        assert "0 j" not in cells
