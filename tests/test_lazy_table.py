"""The line-by-line table: column widths, the cursor, zebra rows and the in-memory list."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from prodtui.ui.widgets.lazy_table import MIN_SHARED, SHRUNK, Column, LazyTable, ListTable


def table(*columns: Column, cells: str = "x" * 40) -> ListTable[str]:
    """A table of one row whose cells are wider than any column."""
    shown: ListTable[str] = ListTable(list(columns), lambda row: [row] * len(columns))
    shown.rows, shown.row_count = [cells], 1
    return shown


def test_fixed_columns_keep_their_width_and_the_shared_ones_split_the_rest() -> None:
    widths = table(Column("a", 10), Column("b"), Column("c"), Column("d", 4)).widths(61)
    # 61 cells less 14 fixed and 4 separators: 43, the first shared column takes the odd one.
    assert widths == [10, 22, 21, 4]


def test_shrinkable_columns_give_cells_to_the_shared_ones_on_a_narrow_screen() -> None:
    columns = (Column("kind", 10, shrink=True), Column("due", 12), Column("who", 14, shrink=True))
    wide = table(*columns, Column("text")).widths(80)
    assert wide == [10, 12, 14, 40], "room enough: nothing shrinks"
    narrow = table(*columns, Column("text")).widths(40)
    assert narrow[1] == 12, "a column that may not shrink keeps its width"
    assert narrow[3] == MIN_SHARED
    assert sum(narrow) + 4 == 40
    tiny = table(*columns, Column("text")).widths(20)
    assert tiny[:3] == [SHRUNK, 12, SHRUNK], "never below SHRUNK"


def test_fixed_columns_take_only_what_their_label_and_cells_need() -> None:
    """The backlog's title had 15 cells at 120 columns while the key, priority and points
    columns stood half empty: a column is as wide as its widest cell of the first page or
    its label, within its declared width; the shared column gets the rest."""
    shown: ListTable[str] = ListTable(
        [Column("Clé", 8), Column("Titre"), Column("Prio", 6), Column("Épopée", 14)],
        lambda row: ["US-12", row, "M", "Instruction par les agents"],
    )
    shown.rows, shown.row_count = ["Tableau de bord des délais"], 1
    assert shown.widths(60) == [5, 60 - 5 - 4 - 14 - 4, 4, 14]


def test_a_shared_column_may_ask_for_more_than_the_default() -> None:
    columns = (Column("epic", 14, shrink=True), Column("sprint", 10, shrink=True))
    widths = table(Column("title", least=24), *columns).widths(40)
    assert widths[0] == 24 and sum(widths) + 3 == 40


class Harness(App[None]):
    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield ListTable([Column("#", 4), Column("text")], self.cells, zebra=True, id="list")

    def cells(self, row: str) -> list[str]:
        return [str(self.rows.index(row)), row]

    def on_mount(self) -> None:
        self.query_one(ListTable).show(self.rows)
        self.query_one(ListTable).focus()

    def on_lazy_table_selected(self, event: LazyTable.Selected) -> None:
        self.selected.append(event.index)


async def test_keys_move_the_cursor_and_enter_selects_the_row() -> None:
    app = Harness([f"ligne {n}" for n in range(50)])
    async with app.run_test(size=(40, 12)) as pilot:
        table: ListTable[str] = app.query_one(ListTable)
        await pilot.press("down", "down")
        assert table.cursor == 2 and table.selected == "ligne 2"
        await pilot.press("end")
        assert table.cursor == 49
        assert table.scroll_offset.y > 0, "the cursor row is scrolled into view"
        assert "ligne 49" in table.render_line(table.size.height - 1).text
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [49]
        table.show(app.rows[:3])
        assert table.cursor == 2, "a shorter list keeps the cursor on its last row"


async def test_the_header_stays_and_odd_rows_are_striped() -> None:
    app = Harness(["un", "deux", "trois"])
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        table: ListTable[str] = app.query_one(ListTable)
        assert table.render_line(0).text.startswith("# text")
        await pilot.press("down", "down")  # the cursor away from rows 0 and 1

        def background(y: int) -> object:
            return next(iter(table.render_line(y))).style.bgcolor  # type: ignore[union-attr]

        assert background(1) != background(2), "row 1 (the second) is striped"
        assert background(1) == background(4), "blank lines past the end are plain"


async def test_a_cursor_move_repaints_two_rows_not_the_table() -> None:
    app = Harness([f"ligne {n}" for n in range(50)])
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table: ListTable[str] = app.query_one(ListTable)
        asked: list[tuple[Region, ...]] = []
        whole = table.refresh

        def refresh(*regions: Region, **options: bool) -> ListTable[str]:
            asked.append(regions)
            return whole(*regions, **options)

        table.refresh = refresh  # type: ignore[method-assign]
        table.cursor = 3
        assert len(asked) == 2 and all(regions for regions in asked), "two rows, by region"
        asked.clear()
        table.cursor = 40  # out of view: the table scrolls, and is drawn again as a whole
        assert () in asked


async def test_a_resize_leaves_the_virtual_size_alone() -> None:
    """Rows are drawn to the table's width: a resize (a screen built ahead, shown for the
    first time) must not make Textual lay the whole screen out a second time."""
    app = Harness([f"ligne {n}" for n in range(50)])
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table: ListTable[str] = app.query_one(ListTable)
        before = table.virtual_size
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert table.virtual_size == before == (0, 51)
        row = table.render_line(4).text
        assert "ligne 3" in row and len(row) == table.scrollable_content_region.width > 60


def test_shared_columns_share_by_content() -> None:
    """An empty 'yesterday' column gave half the width away beside a cut 'today'."""
    shown: ListTable[str] = ListTable(
        [Column("who", 6), Column("yesterday"), Column("today")],
        lambda row: ["Inès", "", row],
    )
    shown.rows, shown.row_count = ["x" * 60], 1
    assert shown.widths(60) == [4, 9, 60 - 4 - 9 - 3]
    shown.rows = ["Relire"]
    shown.reload()
    wide = shown.widths(60)
    assert wide[1] >= len("yesterday") and wide[2] >= len("Relire")
    assert sum(wide) + 3 == 60, "cells nobody needs are still shared out"
