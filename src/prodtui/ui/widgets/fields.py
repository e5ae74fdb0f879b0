"""Small helpers for form widgets."""

from __future__ import annotations

from typing import TypeVar

from textual.widgets import Input, Select
from textual.widgets.select import NoSelection

from prodtui.i18n import t


class LimitedInput(Input):
    """An Input that says its limit when a key or a paste would go past it. Textual's
    Input refuses such an edit whole and only rings the bell: pasted text seemed lost."""

    def replace(self, text: str, start: int, end: int) -> None:
        if self.max_length:
            first, last = sorted((max(0, start), min(len(self.value), end)))
            if len(self.value) - (last - first) + len(text) > self.max_length:
                self.notify(
                    t("input.too_long", max=self.max_length), severity="warning", markup=False
                )
        super().replace(text, start, end)


ValueT = TypeVar("ValueT")


def select_value(select: Select[ValueT]) -> ValueT | None:
    """The chosen value, or None when the Select shows its prompt."""
    value = select.value
    return None if isinstance(value, NoSelection) else value
