"""Bindings are declared with message keys as descriptions and shown translated."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from prodtui.i18n import t


def translate_bindings(node: DOMNode) -> None:
    """Replace each binding's description (a message key) with its translation."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(binding, description=t(binding.description), tooltip=t(binding.tooltip))
            if binding.description
            else binding
            for binding in bindings
        ]
