"""A table that renders only the lines on screen and fetches its rows page by page.

Ten thousand stories scroll and filter without building ten thousand widgets or rows:
the source is asked for a count and for pages of rows, on demand. `ListTable` shows a
list already in memory the same way.

Each line is one Text drawn on demand, with no per-cell cache to rebuild: returning to a
screen repaints these tables far faster than Textual's DataTable (about 50 ms less on
the stand-up's three tables).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

PAGE = 100
MIN_SHARED = 12
SHRUNK = 6
Cell = str | Text
RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Column:
    label: str
    width: int | None = None
    """Most cells; the column takes only what its label and its first page of rows need.
    None for a column sharing the remaining width with the other such columns."""
    shrink: bool = False
    """May give up cells (down to SHRUNK) so that the shared columns keep `least`."""
    least: int = MIN_SHARED
    """Cells a shared column keeps, where shrinkable columns can give them up."""


def _cell_width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(" ".join(cell.split()))


def share_by_content(spare: int, needs: list[int]) -> list[int]:
    """Split `spare` cells between columns by content: a column needing less than an even
    share gets what it needs, the others split the rest evenly (the first ones take the
    odd cells); cells nobody needs are split evenly too."""
    widths = [0] * len(needs)
    waiting = list(range(len(needs)))
    while waiting:
        even = spare // len(waiting)
        small = [i for i in waiting if needs[i] <= even]
        if not small:
            break
        for i in small:
            widths[i] = needs[i]
            spare -= needs[i]
        waiting = [i for i in waiting if i not in small]
    takers = waiting or list(range(len(needs)))
    share, extra = divmod(spare, max(len(takers), 1))
    for rank, i in enumerate(takers):
        widths[i] += share + (1 if rank < extra else 0)
    return widths


class LazyTable(ScrollView, Generic[RowT], can_focus=True, inherit_bindings=False):
    DEFAULT_CSS = """
    LazyTable { height: 1fr; overflow-x: hidden; }
    LazyTable > .lazy-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    LazyTable:blur > .lazy-table--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    LazyTable > .lazy-table--header { text-style: bold; color: $text-accent; }
    LazyTable > .lazy-table--even { background: $surface-lighten-1 50%; }
    LazyTable:dark > .lazy-table--even { background: $surface-darken-1 40%; }
    """
    COMPONENT_CLASSES = {"lazy-table--cursor", "lazy-table--header", "lazy-table--even"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "Cursor up", show=False),
        Binding("down", "cursor(1)", "Cursor down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    # Not repainted as a whole on a move: watch_cursor repaints the two rows that change.
    cursor: reactive[int] = reactive(0, init=False, repaint=False)

    class Highlighted(Message):
        def __init__(self, table: LazyTable[Any], index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> LazyTable[Any]:
            return self.table

    class Selected(Highlighted):
        pass

    def __init__(
        self,
        columns: Sequence[Column],
        count: Callable[[], int],
        fetch: Callable[[int, int], list[RowT]],
        cells: Callable[[RowT], Sequence[Cell]],
        *,
        zebra: bool = False,
        page: int = PAGE,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.zebra = zebra
        self.page = page
        self._count_source = count
        self._fetch = fetch
        self._cells = cells
        self.row_count = 0
        self._pages: dict[int, list[RowT]] = {}
        self._needed: list[int] | None = None
        self.placed = False
        """Whether the cursor was put on its row, by a key or by the screen for the user
        (`move_to`, a `reload` given a row). Until then it stays on the first row."""

    # -- data ---------------------------------------------------------------------------------

    def reload(self, cursor: int | None = None) -> None:
        """Forget fetched pages and count again; keep the cursor on its line, or move it
        to `cursor` (a screen keeping it on its row passes the row's new index)."""
        if cursor is not None:
            self.placed = True
        self._pages.clear()
        self._needed = None
        self.row_count = self._count_source()
        # Rows are drawn to the width of the table, so the virtual width plays no part;
        # kept at 0, a resize (the first layout of a screen built ahead) changes nothing
        # of it, and costs no second layout of the whole screen.
        self.virtual_size = Size(0, self.row_count + 1)
        target = self.cursor if cursor is None else cursor
        self.set_reactive(LazyTable.cursor, max(0, min(target, self.row_count - 1)))
        self._keep_visible()
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))

    def item(self, index: int) -> RowT | None:
        """The row object at `index`, fetched with its page if needed."""
        if not 0 <= index < self.row_count:
            return None
        page = index // self.page
        if page not in self._pages:
            self._pages[page] = self._fetch(page * self.page, self.page)
        rows = self._pages[page]
        offset = index - page * self.page
        return rows[offset] if offset < len(rows) else None

    def kept(self) -> RowT | None:
        """The row to keep the cursor on when the rows change: the one under the cursor once
        the user put it there. None before: the cursor then stays on the first row, rather
        than follow a row that new ones pushed down while the list was out of sight (the
        inbox built ahead at start-up opened on its 4th row after three quick captures)."""
        return self.item(self.cursor) if self.placed else None

    def prefetch(self) -> None:
        """Fetch the page under the cursor now rather than when it is first drawn."""
        self.item(self.cursor)

    def cells_at(self, index: int) -> list[Cell]:
        """The cells shown for the row at `index` (none past the end)."""
        row = self.item(index)
        return [] if row is None else list(self._cells(row))

    # -- drawing ------------------------------------------------------------------------------

    def needed(self) -> list[int]:
        """Each column's width as its content needs it: its label and the cells of the
        first page (a fixed column within its declared width). Measured once per reload,
        so that the columns do not move as the list scrolls."""
        if self._needed is None:
            rows = [self.cells_at(i) for i in range(min(self.row_count, self.page))]
            needed = []
            for i, column in enumerate(self.columns):
                widest = max((_cell_width(row[i]) for row in rows if i < len(row)), default=0)
                width = max(widest, cell_len(column.label), 1)
                needed.append(width if column.width is None else min(column.width, width))
            self._needed = needed
        return self._needed

    def widths(self, total: int) -> list[int]:
        needed = self.needed()
        fixed = [
            n if c.width is not None else None for c, n in zip(self.columns, needed, strict=True)
        ]
        spare = total - sum(w or 0 for w in fixed) - len(self.columns)
        # On a narrow screen the shrinkable columns give cells to the shared ones first.
        wanted = sum(c.least for c in self.columns if c.width is None) - spare
        for i, column in enumerate(self.columns):
            width = fixed[i]
            if wanted <= 0 or width is None or not column.shrink:
                continue
            given = min(wanted, max(width - SHRUNK, 0))
            fixed[i], spare, wanted = width - given, spare + given, wanted - given
        shares = iter(
            share_by_content(
                max(spare, 0), [n for n, w in zip(needed, fixed, strict=True) if w is None]
            )
        )
        return [max(next(shares), SHRUNK) if w is None else w for w in fixed]

    def format(self, cells: Sequence[Cell], width: int) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        for cell, size in zip(cells, self.widths(width), strict=False):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text = (
                Text(" ".join(text.plain.split()), style=text.style) if "\n" in text.plain else text
            )
            text.truncate(size, overflow="ellipsis", pad=True)
            line.append_text(text)
            line.append(" ")
        return line

    def header(self, width: int) -> Text:
        text = self.format([c.label for c in self.columns], width)
        text.stylize(self.get_component_rich_style("lazy-table--header"))
        return text

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:  # the header stays put while the rows scroll under it
            header = self.header(width)
            header.truncate(width, pad=True)
            return Strip(list(header.render(self.app.console)), width).crop(0, width)
        index = self.scroll_offset.y + y - 1
        row = self.item(index)
        base = self.rich_style
        if row is None:
            return Strip.blank(width, base)
        text = self.format(self._cells(row), width)
        style: Style = base
        if index == self.cursor and self.app.no_color:
            # With NO_COLOR the cursor row's colours turn to greys (a red "!1" grey on
            # grey): its cells lose their colours and the row is drawn in reverse video,
            # underlined when the table is not focused.
            focused = Style(reverse=True, bold=True) if self.has_focus else Style(underline=True)
            text = Text(text.plain, style=base + focused, no_wrap=True, overflow="ellipsis")
        elif index == self.cursor:
            style = base + self.get_component_rich_style("lazy-table--cursor")
        elif self.zebra and index % 2:
            style = base + self.get_component_rich_style("lazy-table--even")
        text.stylize_before(style)
        text.truncate(width, pad=True)
        segments = list(text.render(self.app.console))
        return Strip(Segment.apply_style(segments, None), width).crop(0, width)

    # -- moving -------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.placed = True  # reload sets the cursor without coming here
        if self._keep_visible():
            self.refresh()
        else:
            # Only the two rows whose colours change: row i is drawn on virtual line i + 1.
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        self.post_message(self.Highlighted(self, new))

    def _keep_visible(self) -> bool:
        """Scroll the cursor row into view; return whether it had to scroll."""
        height = max(self.scrollable_content_region.height - 1, 1)  # minus the header line
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        else:
            return False
        return True

    def move_to(self, index: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(index, self.row_count - 1))

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_to(self.cursor + step * max(self.scrollable_content_region.height - 2, 1))

    def action_edge(self, step: int) -> None:
        self.move_to(0 if step < 0 else self.row_count - 1)

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.Selected(self, self.cursor))


class ListTable(LazyTable[RowT]):
    """A LazyTable over a list in memory: `show` replaces the rows."""

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[RowT], Sequence[Cell]],
        *,
        zebra: bool = False,
        id: str | None = None,
    ) -> None:
        self.rows: list[RowT] = []
        super().__init__(
            columns,
            count=lambda: len(self.rows),
            fetch=lambda offset, limit: self.rows[offset : offset + limit],
            cells=cells,
            zebra=zebra,
            id=id,
        )

    def show(self, rows: Sequence[RowT], cursor: int | None = None) -> None:
        self.rows = list(rows)
        self.reload(cursor)

    @property
    def selected(self) -> RowT | None:
        return self.item(self.cursor)
