"""A DataTable whose columns share the table's width by content.

Textual's DataTable sizes a column without a width to its widest cell and scrolls
sideways when they do not fit: a long cell is then cut at the table's edge, with no
"…" and nothing saying more is there. Here each column takes what its label and cells
need, and one column (the longest text: notes, a description) takes what is left, its
cells ending in "…" when cut. The widths follow the table's width as it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from prodtui.ui.text import cell

FLEX_LEAST = 12
"""Cells the column taking the rest keeps, however narrow the table."""
SHRUNK = 6
"""Cells the widest other column keeps when the table is narrower still."""


def _width(content: Text | str) -> int:
    return content.cell_len if isinstance(content, Text) else cell_len(content)


def _cut(content: Text | str, width: int) -> Text:
    """The cell as drawn in `width` cells: DataTable cuts a cell at its column's edge
    with nothing to show it; here a cut ends in "…"."""
    text = cell(content) if isinstance(content, str) else content.copy()
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text


class FittedTable(DataTable[Any]):
    """Call `fill(rows)` instead of `clear()` and `add_row`: the columns are given once,
    as (key, label), with the key of the column taking the rest of the width."""

    def __init__(
        self, columns: Sequence[tuple[str, str]], flex: str, *, id: str | None = None
    ) -> None:
        super().__init__(id=id, cursor_type="row")
        self.labels = list(columns)
        self.flex = flex
        self._rows: list[tuple[Sequence[Text | str], str | None]] = []
        self._widths: list[int] = []

    def widths_for(self, total: int) -> list[int]:
        """Each column's width within `total` cells: the others as their content needs,
        the flexible one the rest (a cell of padding each side of every column)."""
        needs = [
            max([cell_len(label)] + [_width(row[i]) for row, _key in self._rows if i < len(row)])
            for i, (_key, label) in enumerate(self.labels)
        ]
        flex = [key for key, _label in self.labels].index(self.flex)
        taken = sum(need for i, need in enumerate(needs) if i != flex)
        padding = 2 * self.cell_padding * len(needs)
        needs[flex] = max(FLEX_LEAST, total - taken - padding)
        # Too narrow still: the widest other column gives up cells, cut with "…" too.
        over = sum(needs) + padding - total
        others = [i for i in range(len(needs)) if i != flex]
        if over > 0 and others:
            widest = max(others, key=lambda i: needs[i])
            needs[widest] = max(SHRUNK, needs[widest] - over)
        return needs

    def _room(self) -> int:
        # Before its first layout the table is as wide as the screen is.
        width = self.scrollable_content_region.width or self.app.size.width
        # The vertical scroll bar, shown once the rows outgrow the height.
        bar = self.styles.scrollbar_size_vertical
        return width - (bar if self.size.height and len(self._rows) >= self.size.height else 0)

    def fill(self, rows: Sequence[tuple[Sequence[Text | str], str | None]]) -> None:
        """Show `rows`, each its cells and its key; the cursor stays on its row number."""
        row = self.cursor_row
        self._rows = list(rows)
        self._build()
        if self._rows:
            self.move_cursor(row=min(max(row, 0), len(self._rows) - 1))

    def _build(self) -> None:
        widths = self.widths_for(self._room())
        if widths != self._widths or not self.columns:
            self._widths = widths
            self.clear(columns=True)
            for (key, label), width in zip(self.labels, widths, strict=True):
                self.add_column(cell(label), width=width, key=key)
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
