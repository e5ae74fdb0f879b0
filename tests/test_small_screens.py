"""Text uses the width it has, and every screen reads down to 60×20: Today's tiles wrap
while they have room, stack and scroll when they have too little; the navigation bar
abbreviates; the key bar keeps the most useful keys."""

from __future__ import annotations

from datetime import timedelta

from textual.geometry import Region
from textual.widgets import Static

from prodtui.domain.items import Item, ItemKind
from prodtui.domain.people import Person, Role
from prodtui.store import Workspace
from tests.conftest import TODAY, AppFactory

TEAM = ("Claire Dumoulin", "Hélène Marchand", "Julien Ferreira", "Amina Belkacem", "Thomas Roux")


def tile(app: object, name: str) -> Static:
    return app.screen.query_one(f"#tile-{name}", Static)  # type: ignore[attr-defined]


def tile_lines(app: object, name: str) -> list[str]:
    """The tile's lines of text, as given to it."""
    return str(tile(app, name).render()).splitlines()


def drawn(app: object, name: str) -> list[str]:
    """The tile's lines as drawn, inside its border."""
    shown = tile(app, name)
    strips = shown.render_lines(Region(0, 0, *shown.outer_size))
    return [strip.text.strip("│ ") for strip in strips[1:-1]]


def team(workspace: Workspace) -> None:
    for name in TEAM:
        workspace.people.add(Person(name=name, role=Role.DEV))


async def test_a_tile_wraps_its_text_while_it_has_room(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """'Pas encore entendus : Claire, Hél…' was cut above eight empty lines."""
    team(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = " ".join(drawn(app, "standup"))
        assert "Claire, Hélène, Julien, Amina, Thomas" in text
        assert "…" not in text


async def test_long_rows_wrap_or_are_cut_to_show_the_most_rows(
    make_app: AppFactory, workspace: Workspace
) -> None:
    long = "Relancer le bureau juridique sur la durée de conservation"
    for n in range(3):
        workspace.items.add(
            Item(text=f"{long} {n}", kind=ItemKind.ACTION, due_date=TODAY - timedelta(days=n))
        )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        lines = tile_lines(app, "actions")
        assert sum(1 for line in lines if line[0] in "⚠•") == 3
        assert not any("de plus" in line for line in lines), "room for all three, wrapped"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        lines = tile_lines(app, "actions")
        # Three lines: the count, one row cut to its line with an ellipsis, what is left.
        assert len(lines) == 3 and lines[-1] == "+2 de plus"
        assert drawn(app, "actions")[1].endswith("…")


async def test_tiles_stack_and_scroll_on_a_small_screen(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """At 50×16 Today showed empty boxes: the tiles now stack, each as tall as its text."""
    team(workspace)
    app = make_app()
    async with app.run_test(size=(50, 16)) as pilot:
        await pilot.pause()
        await pilot.pause()
        scroll = app.screen.query_one("#today-scroll")
        tiles = list(app.screen.query(".tile"))
        assert len({t.region.x for t in tiles if t.region}) <= 1, "one column"
        for shown in tiles:
            # Every line of its text, none hidden, nor an empty box.
            assert shown.content_size.height >= len(str(shown.render()).splitlines()), shown.id
        assert scroll.max_scroll_y > 0
        # The keyboard scrolls it: the last tile comes into view.
        last = app.screen.query_one("#tile-security")
        scroll.focus()
        await pilot.press("end")
        await pilot.pause()
        await pilot.pause()
        assert last.region.bottom <= scroll.region.bottom and last.region.height > 2


async def test_tiles_stack_when_rows_of_tiles_would_be_too_short(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#today-grid").has_class("stacked")
        await pilot.resize_terminal(90, 14)
        await pilot.pause()
        assert app.screen.query_one("#today-grid").has_class("stacked")


async def test_the_navigation_bar_abbreviates_to_keys(make_app: AppFactory) -> None:
    """At 70×20 the bar was cut after 'i À': narrower, it names the other screens by their
    key, and the current one in full."""
    from prodtui.ui.screens.base import NavBar

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()

        def bar() -> str:
            shown = app.screen.query_one(NavBar)
            return shown.render_lines(Region(0, 0, shown.size.width, 1))[0].text.rstrip()

        assert "1 Aujourd'hui" in bar() and "6 Feuille de route" in bar() and "i À trier" in bar()
        for width in (80, 70, 60):
            await pilot.resize_terminal(width, 20)
            await pilot.pause()
            assert bar().split() == ["1", "2", "3", "Stories", "4", "5", "6", "i"], width
        await pilot.resize_terminal(30, 20)
        await pilot.pause()
        assert bar().split() == ["1", "2", "3", "4", "5", "6", "i"]


async def test_the_story_editor_at_80_by_24(make_app: AppFactory, workspace: Workspace) -> None:
    """Selects wrapped mid-word ('(indispensa / ble)'), the Gherkin area showed six lines
    and its error was below the fold."""
    from textual.widgets import Select, TextArea

    from prodtui.domain.stories import Priority, Story

    workspace.stories.add(Story(title="Déposer une demande", priority=Priority.MUST))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        priority = screen.query_one("#story-priority", Select)
        assert priority.outer_size.height == 1, "compact: one line, not three or four"
        area = screen.query_one("#story-acceptance", TextArea)
        assert area.size.height >= 10
        area.focus()
        await pilot.press(*"Scénario cassé")
        await pilot.pause(0.5)
        status = screen.query_one("#story-gherkin")
        assert "✗" in str(status.render())
        assert status.region.bottom <= 23, "the error is in view, above the key bar"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert priority.outer_size.height == 3, "framed again where there is room"
        assert area.size.height >= 16, "the areas take the height left (14 before)"


async def test_raci_names_are_whole_beside_a_short_activity(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """'Instructrices…' stood beside an 80-cell activity column."""
    from textual.widgets import DataTable

    from prodtui.domain.responsibilities import Responsibility

    workspace.responsibilities.add(
        Responsibility(activity="Conduire la recette", other_party="Instructrices pilotes")
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        row = table.get_row_at(0)
        assert str(row[-1]).endswith("Instructrices pilotes")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        row = app.screen.query_one(DataTable).get_row_at(0)
        # Too narrow for both: they share the width, each cut with an ellipsis.
        assert str(row[0]).endswith("…") and str(row[-1]).endswith("…")
        assert len(str(row[0])) >= 15 and len(str(row[-1])) >= 15


async def test_the_navigation_bar_keeps_names_with_a_space_less(make_app: AppFactory) -> None:
    from prodtui.i18n import set_language
    from prodtui.ui.screens.base import NavBar

    set_language("en")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = app.screen.query_one(NavBar)
        line = shown.render_lines(Region(0, 0, 80, 1))[0].text
        assert "1 Today  2 Stand-up" in line and "i Inbox" in line
