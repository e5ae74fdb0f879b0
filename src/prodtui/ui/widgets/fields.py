"""Small helpers for form widgets."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select


def select_value(select: Select[Any]) -> Any:
    """The chosen value, or None when the Select shows its prompt."""
    value = select.value
    return None if value is Select.NULL else value
