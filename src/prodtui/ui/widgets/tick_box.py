"""A checkbox whose mark says ticked or not by its shape: Textual's shows the same X in
both states, told apart by colour alone (nothing with NO_COLOR or on a 16-colour
terminal)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """X when ticked, a blank when not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mark()

    def watch_value(self) -> None:
        super().watch_value()
        self._mark()

    def _mark(self) -> None:
        # BUTTON_INNER is the public class setting of the mark; set per widget here.
        self.BUTTON_INNER = "X" if self.value else " "
        self.refresh()
