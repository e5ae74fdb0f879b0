"""The roadmap screen driven with real keys: 6, the arrows, z, t, n, Enter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from prodtui.domain.roadmap import Milestone, MilestoneKind, RowKind, TargetKind, Zoom
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.roadmap import MilestoneFormScreen, RoadmapScreen
from prodtui.ui.screens.security import SecurityScreen
from prodtui.ui.screens.stories import StoriesScreen
from tests.conftest import TODAY, AppFactory, found, wait_until
from tests.test_search_ui import type_query


def demo_workspace(tmp_path: Path) -> Workspace:
    return open_workspace(build_demo_workspace(tmp_path / "demo.db", today=TODAY), author="Camille")


async def test_six_shows_the_warnings_and_the_lanes(make_app: AppFactory, tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path)
    app = make_app(ws=ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        title = str(screen.query_one("#roadmap-title").render())
        assert "D'août 2026 à nov. 2027" in title and "par mois" in title
        assert "alertes" in title
        view = screen.view
        assert len(view.periods) == 16 and view.periods[view.period].contains(TODAY)
        warnings = [line.warning for line in view.lines if line.warning is not None]
        assert len(warnings) == len(screen.warnings) >= 2
        # The first line selected is the first warning; its sentence is in the detail.
        assert view.selected is not None and view.selected.warning is warnings[0]
        # Line by line: a drawn line holds the lane's heading.
        drawn = [view.render_line(y).text for y in range(view.size.height)]
        assert any("Épopées et versions" in line for line in drawn)
    ws.close()  # once the app is gone: its watcher reads the file until then


async def test_arrows_move_in_time_and_between_items(make_app: AppFactory, tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path)
    app = make_app(ws=ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        view = screen.view
        start = view.period
        await pilot.press("right", "right")
        assert view.period == start + 2
        # Past the last month, the window follows.
        first = found(screen.window).start
        await pilot.press(*["right"] * 20)
        await pilot.pause()
        assert found(screen.window).start > first
        assert view.period == len(view.periods) - 1
        await pilot.press("t")
        await pilot.pause()
        assert found(screen.window).start == first and view.periods[view.period].contains(TODAY)
        # PgDn goes to the first epic, down to the next item, whatever the lane.
        await pilot.press("pagedown")
        row = found(found(view.selected).row)
        assert row.kind is RowKind.EPIC
        await pilot.press("pagedown")
        assert found(found(view.selected).row).kind is RowKind.SPRINT
        await pilot.press("up")
        assert found(found(view.selected).row).kind is RowKind.EPIC
        detail = str(screen.query_one("#roadmap-detail").render())
        assert "points faits" in detail and "Entrée\u202f: les stories de l'épopée" in detail
        # z: quarters, the cursor still on today's.
        await pilot.press("z")
        await pilot.pause()
        assert screen.zoom is Zoom.QUARTER and len(view.periods) == 8
        assert view.periods[view.period].contains(TODAY)
        assert "par trimestre" in str(screen.query_one("#roadmap-title").render())
        await pilot.press("z")
        await pilot.pause()
        assert screen.zoom is Zoom.MONTH and view.periods[view.period].contains(TODAY)
    ws.close()  # once the app is gone: its watcher reads the file until then


async def test_n_adds_a_milestone_that_shows_on_the_time_line(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MilestoneFormScreen)
        assert form.query_one("#mf-day", Input).value == TODAY.isoformat()
        await pilot.press(*"Mise en production 2.0", "tab")
        day = form.query_one("#mf-day", Input)
        day.value = ""
        await pilot.press(*"2027-03-15", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        (saved,) = workspace.milestones.all()
        assert saved.name == "Mise en production 2.0" and saved.day == date(2027, 3, 15)
        assert saved.kind is MilestoneKind.RELEASE
        assert isinstance(screen, RoadmapScreen)
        selected = found(screen.view.selected)
        assert selected.row is not None and selected.row.title == "Mise en production 2.0"
        # e edits it; Enter on it too.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MilestoneFormScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_bad_date_is_said_and_nothing_is_written(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MilestoneFormScreen)
        await pilot.press(*"Démo", "tab")
        form.query_one("#mf-day", Input).value = ""
        await pilot.press(*"bientôt", "ctrl+s")
        await pilot.pause()
        assert "n'est pas une date" in str(form.query_one("#mf-error").render())
        assert workspace.milestones.all() == []


async def test_enter_opens_the_item_where_it_lives(make_app: AppFactory, tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path)
    app = make_app(ws=ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        view = screen.view

        async def open_first(kind: TargetKind) -> None:
            await pilot.press("6")
            await pilot.pause()
            index = next(
                i
                for i, line in enumerate(view.lines)
                if line.row is not None and line.row.target.kind is kind
            )
            view.cursor = index
            await pilot.press("enter")
            await pilot.pause()

        await open_first(TargetKind.EPIC)
        stories = app.screen
        assert isinstance(stories, StoriesScreen) and stories.filter.epic_id is not None
        await open_first(TargetKind.CAMPAIGN)
        recette = app.screen
        assert isinstance(recette, RecetteScreen)
        await open_first(TargetKind.MEASURE)
        security = app.screen
        assert isinstance(security, SecurityScreen)
        entry = found(security.selected())
        assert entry.state.due_date is not None
        await open_first(TargetKind.HOMOLOGATION)
        from prodtui.ui.screens.homologation import HomologationScreen

        assert isinstance(app.screen, HomologationScreen)
    ws.close()  # once the app is gone: its watcher reads the file until then


async def test_d_sets_an_epic_target_date(make_app: AppFactory, tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path)
    app = make_app(ws=ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        await pilot.press("pagedown")
        epic_id = found(found(screen.view.selected).row).target.id
        await pilot.press("d")
        await pilot.pause()
        field = app.screen.query_one("#prompt-input", Input)
        field.value = ""
        await pilot.press(*"2027-04-30", "enter")
        await pilot.pause()
        assert ws.epics.get(found(epic_id)).target_date == date(2027, 4, 30)
        history = ws.rows(
            "SELECT new FROM audit_log WHERE entity = 'epics' AND field = 'target_date'"
        )
        assert history[-1]["new"] == "2027-04-30"
    ws.close()  # once the app is gone: its watcher reads the file until then


async def test_search_opens_a_milestone_on_the_roadmap(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.milestones.create(
        Milestone(name="Comité de pilotage", day=date(2027, 9, 20), kind="committee")
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+f")
        await type_query(pilot, "pilotage")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, RoadmapScreen) and app.screen.is_mounted
        )
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        selected = found(screen.view.selected)
        assert selected.row is not None and selected.row.title == "Comité de pilotage"


async def test_month_names_are_french_abbreviations_where_they_fit(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """« juin » and « juil » in five cells, « juin » and « juil. » in six: never « jun »
    or « jul », which are not French (three letters are left for four cells only)."""
    ws = demo_workspace(tmp_path)
    app = make_app(ws=ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await wait_until(pilot, lambda: isinstance(app.screen, RoadmapScreen))
        screen = app.screen
        assert isinstance(screen, RoadmapScreen)
        for width in (120, 140):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            months = screen.view.render_line(1).text.split()
            assert "juin" in months and not {"jun", "jul"} & set(months), (width, months)
            assert {"juil", "juil."} & set(months), (width, months)
    ws.close()
