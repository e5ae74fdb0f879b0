"""The output of a running command, drawn from its ring of last lines.

Only the lines on screen are decoded and drawn (the Line API), so the cost of a frame does
not depend on how fast the output comes nor on how many lines are kept: new lines are
taken in at most once a frame (`sync`), however many arrived. Colours are rendered, every
other control sequence is shown (`prodtui.ui.text.ansi`); no escape sequence reaches the
terminal. When older lines were dropped, the first line and the frame's title say how
many.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from prodtui.app.suite_run import OutputRing
from prodtui.i18n import tn
from prodtui.ui.text import ansi, plain


class RunOutput(ScrollView, can_focus=True):
    """Follows the end of the output while the view is at the bottom; scrolled up, the
    lines stay where they are as new ones arrive."""

    DEFAULT_CSS = """
    RunOutput {
        background: $surface;
        color: $text;
        overflow-x: auto;
        overflow-y: scroll;
    }
    RunOutput > .run-output--mark {
        color: $text-warning;
        text-style: italic;
    }
    """
    COMPONENT_CLASSES = {"run-output--mark"}

    def __init__(self, output: OutputRing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.output = output
        self._total = -1
        self._dropped = 0
        """Lines dropped at the last `sync`."""
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        """Decoded lines by their number since the start of the output."""

    @property
    def mark(self) -> str:
        """The line saying how many older lines are not shown, or ''."""
        dropped = self.output.dropped
        return tn("runs.dropped", dropped) if dropped else ""

    def sync(self) -> None:
        """Take in the lines that arrived since the last call."""
        output = self.output
        if output.total == self._total:
            return
        following = self.scroll_y >= self.max_scroll_y
        self._total = output.total
        moved = output.dropped - self._dropped
        self._dropped = output.dropped
        height = len(output.lines) + (1 if output.dropped else 0)
        self.virtual_size = Size(output.width, height)
        # Said on the frame too: the first line is out of sight while the end is followed.
        self.border_title = plain(self.mark) if output.dropped else None
        if following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        elif moved > 0:
            # Scrolled up: the lines dropped from the top must not drag the view along.
            self.scroll_to(y=max(0, self.scroll_y - moved), animate=False, immediate=True)
        self.refresh()

    # Scrolled at once, not animated: the next `sync` must see where the user went (an
    # animation still under way reads as following the end, and the view jumps back).
    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False)

    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        style = self.rich_style
        row = scroll_y + y
        output = self.output
        if output.dropped:
            if row == 0:
                mark = self.get_component_rich_style("run-output--mark")
                line = Strip([Segment(self.mark, mark)])
                return line.crop_extend(scroll_x, scroll_x + width, style)
            row -= 1
        if not 0 <= row < len(output.lines):
            return Strip.blank(width, style)
        number_ = output.dropped + row
        cached = self._strips.get(number_)
        if cached is None:
            text = ansi(output.lines[row])
            text.stylize_before(style)
            cached = Strip(text.render(self.app.console), cell_len(text.plain))
            self._strips[number_] = cached
        return cached.crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, y)

    @property
    def lines(self) -> list[str]:
        """What the widget holds, as text shown (the mark first when there is one)."""
        shown = [ansi(line).plain for line in self.output.lines]
        return [self.mark, *shown] if self.output.dropped else shown
