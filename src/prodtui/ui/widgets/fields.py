"""Small helpers for form widgets."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.binding import Binding
from textual.widgets import Input, Select
from textual.widgets.select import NoSelection

from prodtui.i18n import t

UNDO_STEPS = 100  # steps kept per field


class LimitedInput(Input):
    """An Input that says its limit when a key or a paste would go past it, and that
    undoes (ctrl+z) and redoes (ctrl+y) what was typed, pasted, cut or deleted.

    Textual's Input refuses an edit past the limit whole and only rings the bell: pasted
    text seemed lost. It has no undo: a letter typed over a selected title replaced it for
    good."""

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
