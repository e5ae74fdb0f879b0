"""A DataTable whose columns share the table's width by content.

Textual's DataTable sizes a column without a width to its widest cell and scrolls
sideways when they do not fit: a long cell is then cut at the table's edge, with no
"…" and nothing saying more is there. Here each column takes what its label and cells
need, and one column (the longest text: notes, a description) takes what is left, its
cells ending in "…" when cut. The widths follow the table's width as it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from prodtui.ui.text import cell

FLEX_LEAST = 12
"""Cells the column taking the rest keeps, however narrow the table."""
OTHER_SHARE = 2
"""Another column takes at most half the table: a hostile long cell there (a name of
120 characters) is cut rather than leaving the column taking the rest its least."""
SHRUNK = 6
"""Cells another column keeps when the table is narrower still."""


class Ending(NamedTuple):
    """A cell whose end (a mark, a count) stays whole when the cell is cut: `text`, a
    space, then `end`."""

    text: str
    end: str


Row = tuple[Sequence[Text | str | Ending], str | None]
"""A row as given to `fill`: its cells (plain text, styled Text, text with an end kept
whole) and its key."""


_ONE_LINE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\v": " ", "\f": " "})


class _Cell(NamedTuple):
    text: Text
    kept: int
    """How many characters at its end stay whole when it is cut."""


def _as_cell(content: Text | str | Ending) -> _Cell:
    # Plain text goes through `cell` (never markup, terminal controls shown as such),
    # on one line: a line break or a tab would be drawn as nothing, out of the width.
    if isinstance(content, Ending):
        end = " " + content.end.translate(_ONE_LINE)
        return _Cell(cell(content.text.translate(_ONE_LINE) + end), len(end))
    if isinstance(content, str):
        return _Cell(cell(content.translate(_ONE_LINE)), 0)
    return _Cell(content, 0)


def _cut(content: _Cell, width: int) -> Text:
    """The cell drawn in `width` cells: DataTable cuts a cell at its column's edge with
    nothing to show it; here a cut ends in "…". The cell keeps its whole text (what
    `get_row_at` reads), only its drawing is cut; a kept end is cut here."""
    text, kept = content
    if text.cell_len <= width:
        return text
    if kept and width > text[-kept:].cell_len + 1:
        end = text[-kept:]
        head = text[:-kept]
        head.truncate(width - end.cell_len, overflow="ellipsis")
        return head + end
    text = text.copy()
    text.overflow = "ellipsis"
    text.no_wrap = True
    return text


def _shrink(needs: list[int], others: list[int], over: int) -> None:
    """Take `over` cells from the `others` columns, the widest first, levelling them
    down to no less than SHRUNK."""
    while over > 0:
        top = max((needs[i] for i in others), default=0)
        if top <= SHRUNK:
            break
        tied = [i for i in others if needs[i] == top]
        below = max([needs[i] for i in others if needs[i] < top] + [SHRUNK])
        step = min(top - below, -(-over // len(tied)))
        for i in tied:
            needs[i] -= step
        over -= step * len(tied)


class FittedTable(DataTable[Any]):
    """Call `fill(rows)` instead of `clear()` and `add_row`: the columns are given once,
    as (key, label), with the key of the column taking the rest of the width. Rows stay
    one line each; the cursor stays on its row number across a fill and a resize."""

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        flex: str,
        *,
        yields: Sequence[str] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`yields`: the keys of the columns that give up cells first when the table is
        too narrow for all (a count in words rather than a date)."""
        super().__init__(id=id, classes=classes, cursor_type="row")
        self.labels = list(columns)
        self.flex = flex
        self.yields = list(yields)
        self._rows: list[tuple[list[_Cell], str | None]] = []
        self._widths: list[int] = []

    def widths_for(self, total: int) -> list[int]:
        """Each column's width within `total` cells: the others as their content needs,
        the flexible one the rest (a cell of padding each side of every column)."""
        needs = [
            max(
                [cell(label).cell_len]
                + [cells[i].text.cell_len for cells, _ in self._rows if i < len(cells)]
            )
            for i, (_key, label) in enumerate(self.labels)
        ]
        keys = [key for key, _label in self.labels]
        flex = keys.index(self.flex)
        others = [i for i in range(len(needs)) if i != flex]
        padding = 2 * self.cell_padding * len(needs)
        room = total - padding
        for i in others:
            needs[i] = min(needs[i], max(SHRUNK, room // OTHER_SHARE))
        # Still too narrow: the others give up cells, those named first, then the widest
        # first, cut with "…" too.
        for key in self.yields:
            _shrink(needs, [keys.index(key)], sum(needs[i] for i in others) + FLEX_LEAST - room)
        _shrink(needs, others, sum(needs[i] for i in others) + FLEX_LEAST - room)
        needs[flex] = max(FLEX_LEAST, room - sum(needs[i] for i in others))
        return needs

    def _room(self) -> int:
        # Before its first layout the table is as wide as the screen is.
        width = self.content_region.width or self.app.size.width
        # The vertical scroll bar, shown once the rows outgrow the height (the header
        # takes a line).
        bar = self.styles.scrollbar_size_vertical
        height = self.content_region.height
        return width - (bar if height and len(self._rows) + self.show_header > height else 0)

    def fill(self, rows: Sequence[Row]) -> None:
        """Show `rows`, each its cells and its key; the cursor stays on its row number."""
        row = self.cursor_row
        self._rows = [([_as_cell(content) for content in cells], key) for cells, key in rows]
        self._build()
        if self._rows:
            self.move_cursor(row=min(max(row, 0), len(self._rows) - 1))

    def _build(self) -> None:
        widths = self.widths_for(self._room())
        if widths != self._widths or not self.columns:
            self._widths = widths
            self.clear(columns=True)
            for (key, label), width in zip(self.labels, widths, strict=True):
                self.add_column(_cut(_Cell(cell(label), 0), width), width=width, key=key)
        else:
            self.clear()
        for cells, row_key in self._rows:
            cut = [
                _cut(content, width) for content, width in zip(cells, self._widths, strict=False)
            ]
            self.add_row(*cut, key=row_key)

    def on_resize(self, event: events.Resize) -> None:
        if self.widths_for(self._room()) != self._widths:
            row = self.cursor_row
            self._build()
            if self._rows:
                self.move_cursor(row=min(row, len(self._rows) - 1))
