"""Small helpers for form widgets."""

from __future__ import annotations

from typing import Any, TypeVar

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.widgets import Input, Select
from textual.widgets.select import NoSelection

from prodtui.i18n import t
from prodtui.ui.text import plain

UNDO_STEPS = 100  # steps kept per field
ELLIPSIS = "…"
# What a placeholder cut after a word does not end on before its "…".
CUT_TRAIL = " ,;:(–-/"


def fit_placeholder(text: str, width: int) -> str:
    """`text` whole if it fits in `width` cells, else its start with "…": cut after a word
    when one ends in the second half, within the word otherwise."""
    if width <= 0 or cell_len(text) <= width:
        return text
    kept, used = "", 0
    for char in text:
        used += cell_len(char)
        if used > width - 1:
            break
        kept += char
    rest = text[len(kept) :]
    if not rest.startswith(" "):
        space = kept.rfind(" ")
        if space >= len(kept) // 2:
            kept = kept[:space]
    return kept.rstrip(CUT_TRAIL) + ELLIPSIS if kept.strip(CUT_TRAIL) else ELLIPSIS


class LimitedInput(Input):
    """An Input that says its limit when a key or a paste would go past it, and that
    undoes (ctrl+z) and redoes (ctrl+y) what was typed, pasted, cut or deleted.

    Textual's Input refuses an edit past the limit whole and only rings the bell: pasted
    text seemed lost. It has no undo: a letter typed over a selected title replaced it for
    good.

    Textual wraps a placeholder wider than the field and draws its first line: "Prénom ou
    no". The placeholder is cut to the field's width with "…" whenever its size changes;
    the whole text is kept, shown as the tooltip when cut."""

    BINDINGS = [
        Binding("ctrl+z", "undo", "textual.Undo", show=False),
        Binding("ctrl+y", "redo", "textual.Redo", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The value and cursor before each step, and those undone.
        self._undo: list[tuple[str, int]] = []
        self._redo: list[tuple[str, int]] = []
        self._typing_at: int | None = None  # where the word being typed goes on

    @property
    def full_placeholder(self) -> str:
        """The placeholder as given, before it is cut to the field's width."""
        return getattr(self, "_full_placeholder", "")

    def validate_placeholder(self, placeholder: str) -> str:
        self._full_placeholder = placeholder
        width = self.scrollable_content_region.width if self.is_mounted else 0
        shown = fit_placeholder(placeholder, width)
        # The tooltip is ours only while it carries a cut placeholder.
        if shown != placeholder:
            self.tooltip = plain(placeholder)  # a tooltip's text would be read as markup
        elif getattr(self, "_placeholder_tooltip", False):
            self.tooltip = None
        self._placeholder_tooltip = shown != placeholder
        return shown

    def on_resize(self, _event: events.Resize) -> None:
        self.placeholder = self.full_placeholder  # cut anew to the new width

    def replace(self, text: str, start: int, end: int) -> None:
        if self.max_length:
            first, last = sorted((max(0, start), min(len(self.value), end)))
            if len(self.value) - (last - first) + len(text) > self.max_length:
                self.notify(
                    t("input.too_long", max=self.max_length), severity="warning", markup=False
                )
        before = (self.value, self.cursor_position)
        super().replace(text, start, end)
        if self.value == before[0]:
            return  # refused, or nothing changed
        # One step per word typed: a character typed where the last one went goes with it
        # (the first one may replace a selection: one ctrl+z brings the selection back).
        typed = len(text) == 1
        if not (typed and start == self._typing_at):
            self._undo = [*self._undo[-UNDO_STEPS + 1 :], before]
            self._redo.clear()
        self._typing_at = start + 1 if typed and not text.isspace() else None

    def action_undo(self) -> None:
        self._step(self._undo, self._redo)

    def action_redo(self) -> None:
        self._step(self._redo, self._undo)

    def _step(self, back: list[tuple[str, int]], forth: list[tuple[str, int]]) -> None:
        if not back:
            self.app.bell()
            return
        forth.append((self.value, self.cursor_position))
        self._typing_at = None
        self.value, self.cursor_position = back.pop()


ValueT = TypeVar("ValueT")


def select_value(select: Select[ValueT]) -> ValueT | None:
    """The chosen value, or None when the Select shows its prompt."""
    value = select.value
    return None if isinstance(value, NoSelection) else value
