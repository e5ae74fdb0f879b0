"""Every list opens on its first row, or on the row the user left: never on a row that
new rows pushed down while the list was out of sight."""

from __future__ import annotations

from prodtui.domain.items import Item
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign, CampaignState
from prodtui.domain.stories import Story
from prodtui.store import Workspace, open_workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.widgets.lazy_table import LazyTable
from tests.conftest import AppFactory, found
from tests.test_warm_up import wait_warm


async def test_the_inbox_built_ahead_opens_on_the_newest_capture_after_captures_elsewhere(
    make_app: AppFactory, workspace: Workspace
) -> None:
    for text in ("relancer la DSI", "appeler le RSSI", "préparer le comité", "revoir la maquette"):
        workspace.items.add(Item(text=text))
    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_warm(pilot, app)
        for line in ("note un", "note deux", "note trois"):  # from Today, quick captures
            await pilot.press("ctrl+n", *line, "enter")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        table: LazyTable[Item] = app.screen.query_one(LazyTable)
        assert table.cursor == 0
        assert found(table.item(table.cursor)).text == "note trois"
        await pilot.press("t")
        await pilot.pause()
    assert [i.text for i in workspace.items.search(inbox_only=False) if i.triaged] == ["note trois"]


def cursor_row(app: ProdtuiApp, mode: str) -> int:
    """Where the cursor of the screen's main list is."""
    from textual.widgets import DataTable

    screen = app.screen
    if mode == "security":
        return screen.query_one(DataTable).cursor_row
    name = {"standup": "#standup-people", "stories": LazyTable, "recette": "#recette-campaigns"}
    table = screen.query_one(name.get(mode, LazyTable), LazyTable)  # type: ignore[call-overload]
    return table.cursor


async def test_every_main_list_opens_on_its_first_row_whatever_was_added_out_of_sight(
    make_app: AppFactory, workspace: Workspace
) -> None:
    for name in ("Alice", "Bruno", "Chloé"):
        workspace.people.add(Person(name=name))
    for n in range(4):
        workspace.items.add(Item(text=f"capture {n}"))
        workspace.stories.add(Story(title=f"histoire {n}"))
        workspace.campaigns.add(Campaign(name=f"campagne {n}", state=CampaignState.IN_PROGRESS))
    workspace.measures.import_shipped()
    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_warm(pilot, app)
        # Another session adds rows above the first ones while no list is in sight.
        other = open_workspace(workspace.path, author="Bob")
        for n in range(3):
            other.items.add(Item(text=f"nouvelle {n}"))
            other.campaigns.add(Campaign(name=f"urgente {n}", state=CampaignState.IN_PROGRESS))
        last = other.stories.page()[-1]
        for _ in range(3):
            other.stories.move(last, None, -1)
        other.people.add(Person(name="Aaron", position=0))
        other.close()
        for key, mode in (
            ("2", "standup"),
            ("3", "stories"),
            ("4", "recette"),
            ("5", "security"),
            ("i", "inbox"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            assert cursor_row(app, mode) == 0, mode


async def test_a_list_reopens_on_the_row_the_user_left(
    make_app: AppFactory, workspace: Workspace
) -> None:
    for n in range(5):
        workspace.items.add(Item(text=f"capture {n}"))
    app = make_app(warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_warm(pilot, app)
        await pilot.press("i", "down", "down")
        await pilot.pause()
        table: LazyTable[Item] = app.screen.query_one(LazyTable)
        assert found(table.item(table.cursor)).text == "capture 2"
        await pilot.press("1", "ctrl+n", *"note nouvelle", "enter")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert table.cursor == 3
        assert found(table.item(table.cursor)).text == "capture 2", "the row left, pushed down"
