"""Global search driven with the real keys: ctrl+f from anywhere, results as you type,
`enter` opens the hit in its own screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, OptionList, TextArea

from prodtui.domain.items import Item
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.domain.search import SearchKind
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Story
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.store.stories import StoryFilter
from prodtui.ui.screens.search import SearchScreen
from tests.conftest import TODAY, AppFactory, found, wait_until
from tests.test_palette_and_help import palette_lines


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(build_demo_workspace(tmp_path / "demo.db", today=TODAY), author="Camille")
    yield ws
    ws.close()


def searched(app) -> bool:
    """The search screen has searched for what is typed: it does so a moment after the
    last key."""
    screen = app.screen
    return isinstance(screen, SearchScreen) and screen.is_mounted and screen._pending is None


async def opened(pilot, screen_type: type[Screen[Any]]) -> None:
    """Until the hit is open: its screen is reached after the next refresh."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type) and app.screen.is_mounted)


async def type_query(pilot, text: str) -> None:
    await pilot.press(*text)
    await wait_until(pilot, lambda: searched(pilot.app))


def shown(app) -> list[str]:
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return [f"{hit.kind.value} {hit.key}" for hit in screen.hits]


async def test_ctrl_f_from_today_finds_without_accents(make_app: AppFactory, demo: Workspace):
    app = make_app(ws=demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#search-input", Input).has_focus
        await type_query(pilot, "securite")
        hits = app.screen.hits
        assert hits and all(hit.marks for hit in hits)
        assert any("sécurité" in hit.snippet.lower() or "sécurité" in hit.title for hit in hits)
        options = app.screen.query_one("#search-results", OptionList)
        assert options.option_count == len(hits)
        assert options.highlighted == 0
        status = str(app.screen.query_one("#search-status").render())
        assert "résultat" in status
        # Results keep coming as the query changes; nothing matches, it says so.
        await type_query(pilot, "zzz")
        assert app.screen.hits == []
        assert "Aucun résultat" in str(app.screen.query_one("#search-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        assert app.current_mode == "today"


async def test_ctrl_f_from_inside_an_editor(make_app: AppFactory, demo: Workspace) -> None:
    from prodtui.ui.screens.story_editor import StoryEditorScreen

    app = make_app(ws=demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditorScreen)
        assert isinstance(app.focused, Input | TextArea)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        # A second ctrl+f does not stack another search.
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert sum(isinstance(s, SearchScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor


@pytest.fixture
def backlog(workspace: Workspace) -> Workspace:
    for n in range(1, 30):
        workspace.stories.add(Story(title=f"Story de remplissage {n}"))
    workspace.stories.add(
        Story(title="Déclarer une échéance", description="Le délai légal de réponse")
    )
    return workspace


async def test_enter_opens_the_story_in_the_stories_screen(
    make_app: AppFactory, backlog: Workspace
) -> None:
    from prodtui.ui.screens.stories import StoriesScreen

    target = backlog.stories.by_key("US-30")
    assert target is not None
    app = make_app(ws=backlog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "echeance")
        assert shown(app) == ["story US-30"]
        await pilot.press("enter")
        await opened(pilot, StoriesScreen)
        assert app.current_mode == "stories"
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        selected = screen.selected()
        assert selected is not None and selected.id == target.id


async def test_a_filter_hiding_the_story_is_cleared(
    make_app: AppFactory, backlog: Workspace
) -> None:
    from prodtui.ui.screens.stories import StoriesScreen

    app = make_app(ws=backlog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "slash", *"remplissage 1", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoriesScreen) and screen.filter.text
        await pilot.press("ctrl+f")
        await type_query(pilot, "delai legal")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.filter == StoryFilter()
        assert screen.query_one("#stories-filter", Input).value == ""
        selected = screen.selected()
        assert selected is not None and selected.key == "US-30"


async def test_up_down_and_enter_open_a_capture_in_its_editor(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.item_editor import ItemEditorScreen

    first = workspace.items.add(Item(text="Appeler la mairie de Bourges"))
    second = workspace.items.add(Item(text="Appeler la mairie de Vierzon", triaged=True))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "mairie")
        assert sorted(shown(app)) == sorted([f"capture {first.key}", f"capture {second.key}"])
        assert isinstance(app.screen, SearchScreen)
        hits = app.screen.hits
        await pilot.press("down", "down", "up", "down")
        await pilot.press("enter")
        await opened(pilot, ItemEditorScreen)
        assert app.current_mode == "inbox"
        assert isinstance(app.screen, ItemEditorScreen)
        assert app.screen.item.id == hits[1].ref


async def test_a_standup_entry_opens_its_day_and_person(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.standup import StandupScreen

    lea = workspace.people.add(Person(name="Léa"))
    bob = workspace.people.add(Person(name="Bob"))
    assert lea.id is not None and bob.id is not None
    day = date(2026, 11, 20)
    workspace.standups.save_entry(day, StandupEntry(person_id=lea.id, today="Atelier"))
    workspace.standups.save_entry(day, StandupEntry(person_id=bob.id, today="Maquette du tunnel"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "tunnel")
        assert shown(app) == ["standup 2026-11-20"]
        await pilot.press("enter")
        await opened(pilot, StandupScreen)
        screen = app.screen
        assert isinstance(screen, StandupScreen)
        assert screen.day == day
        assert found(screen.selected_person()).person.id == bob.id


async def test_an_execution_opens_the_history_of_its_case(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.execution_log import ExecutionLogScreen

    case = workspace.test_cases.add(Case(title="Déposer une demande"))
    campaign = workspace.campaigns.add(Campaign(name="Recette 2.3"))
    workspace.executions.record(campaign, case, ExecutionStatus.FAIL, "Bouton grisé")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "grise")
        assert shown(app) == [f"execution {case.key}"]
        await pilot.press("enter")
        await opened(pilot, ExecutionLogScreen)
        assert app.current_mode == "recette"
        assert isinstance(app.screen, ExecutionLogScreen)
        assert app.screen.where.case_id == case.id


async def test_a_measure_opens_in_the_security_screen(make_app: AppFactory, demo: Workspace):
    from prodtui.ui.screens.security import SecurityScreen

    app = make_app(ws=demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "PROT-03")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert (screen.hits[0].kind, screen.hits[0].key) == (SearchKind.MEASURE, "PROT-03")
        await pilot.press("enter")
        await opened(pilot, SecurityScreen)
        security = app.screen
        assert isinstance(security, SecurityScreen)
        assert found(security.selected()).code == "PROT-03"


async def test_a_risk_opens_in_the_risks_screen(make_app: AppFactory, workspace: Workspace):
    from prodtui.ui.screens.risks import RisksScreen

    with workspace.transaction() as db:
        risk_id = db.execute(
            "INSERT INTO risks (title, criterion, likelihood, severity, treatment,"
            " created_at, updated_at) VALUES ('Indisponibilité du fournisseur d''identité',"
            " 'availability', 3, 3, '', '2026-11-20T09:00:00.000',"
            " '2026-11-20T09:00:00.000')"
        ).lastrowid
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "fournisseur")
        assert shown(app) == [f"risk R-{risk_id}"]
        await pilot.press("enter")
        await opened(pilot, RisksScreen)
        assert isinstance(app.screen, RisksScreen)
        assert app.screen.select == risk_id


async def test_search_from_the_palette_and_in_the_help(make_app: AppFactory) -> None:
    from prodtui.ui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        assert "^f" in text and "Rechercher" in text and "search" in text
        await pilot.press("escape")
        await palette_lines(pilot, "Rechercher", "Rechercher")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert isinstance(app.screen, SearchScreen)


async def test_search_at_80_by_24(make_app: AppFactory, demo: Workspace) -> None:
    app = make_app(ws=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "audit")
        results = app.screen.query_one("#search-results", OptionList)
        assert results.size.height >= 4  # room for at least two hits
        assert app.screen.query_one("#search-input", Input).region.width > 40
