"""NO_COLOR (and 16-colour terminals): the selected row, checkboxes, priorities and
warnings are told apart by shape or text, not by colour alone.

Textual reads NO_COLOR when the app is built and then turns every colour to a grey
(its Monochrome filter) on the way to the terminal: the tests set the variable, build
the app, and look at what is drawn once through that filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.filter import Monochrome
from textual.widgets import DataTable

from prodtui.domain.items import Item, ItemKind
from prodtui.domain.people import Person, Role
from prodtui.store import Workspace
from prodtui.ui.widgets.lazy_table import LazyTable
from prodtui.ui.widgets.tick_box import TickBox
from tests.conftest import TODAY, AppFactory


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def grey(segments: list[Segment]) -> list[Segment]:
    return Monochrome().apply(segments, Color(0, 0, 0))


def reversed_all(segments: list[Segment]) -> bool:
    shown = [s for s in grey(segments) if s.text.strip()]
    return bool(shown) and all(s.style is not None and s.style.reverse for s in shown)


async def test_the_selected_row_is_reversed_with_its_priority_readable(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """In the selected row the blockers' '!1' was grey on grey."""
    lea = workspace.people.add(Person(name="Léa Martin", role=Role.DEV))
    workspace.people.add(Person(name="Marc Roux", role=Role.DEV))
    workspace.standups.raise_blocker(TODAY - timedelta(days=1), lea, "Pas d'accès")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.no_color
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#standup-people", LazyTable)
        table.focus()
        table.move_to(0)
        await pilot.pause()
        selected = list(table.render_line(1))
        other = list(table.render_line(2))
        assert "Léa Martin" in "".join(s.text for s in selected)
        assert "!1" in "".join(s.text for s in selected), "the count is text"
        assert reversed_all(selected), "the cursor row is in reverse video"
        assert not any(s.style and s.style.reverse for s in grey(other))
        app.screen.set_focus(None)
        await pilot.pause()
        blurred = [s for s in grey(list(table.render_line(1))) if s.text.strip()]
        assert all(s.style is not None and s.style.underline for s in blurred)


async def test_checkboxes_differ_by_their_mark(make_app: AppFactory, workspace: Workspace) -> None:
    """Ticked or not, Textual's checkbox shows the same X in another colour."""
    workspace.items.add(Item(text="Relire la note", kind=ItemKind.ACTION))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        done = app.screen.query_one("#item-done", TickBox)
        assert not done.value and "X" not in str(done.render())
        done.toggle()
        await pilot.pause()
        assert done.value and "X" in str(done.render())


async def test_the_raci_cursor_is_reversed(make_app: AppFactory, workspace: Workspace) -> None:
    from prodtui.domain.responsibilities import Responsibility

    workspace.responsibilities.add(Responsibility(activity="Décider de la feuille de route"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        style = table.get_component_styles("datatable--cursor")
        assert "reverse" in str(style.text_style)


async def test_statuses_and_priorities_are_text(make_app: AppFactory, workspace: Workspace) -> None:
    from prodtui.domain.stories import Priority, Story, StoryStatus

    workspace.stories.add(Story(title="Déposer", priority=Priority.MUST, status=StoryStatus.READY))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one("#stories-table", LazyTable)
        line = "".join(s.text for s in table.render_line(1))
        assert "Prête" in line and " M " in line
        assert reversed_all(list(table.render_line(1)))
