"""How a key binding is named where it is shown (the key bar, the help screen).

Our bindings are declared with a catalogue key as their description (`"key.save"`) and
translated where they are shown, in the language of the moment. The bindings of Textual's
own widgets carry English descriptions: those we know have a message of their own.
"""

from __future__ import annotations

from textual.binding import Binding

from prodtui.i18n import catalogue, t

TEXTUAL_KEYS = {
    "Cursor up": "textual.Cursor up",
    "Cursor down": "textual.Cursor down",
    "Cursor left": "textual.Cursor left",
    "Cursor right": "textual.Cursor right",
    "Page up": "textual.Page up",
    "Page down": "textual.Page down",
    "Page Up": "textual.Page Up",
    "Page Down": "textual.Page Down",
    "First": "textual.First",
    "Last": "textual.Last",
    "Top": "textual.Top",
    "Bottom": "textual.Bottom",
    "Select": "textual.Select",
    "Scroll Left": "textual.Scroll Left",
    "Scroll Right": "textual.Scroll Right",
    "Scroll Up": "textual.Scroll Up",
    "Scroll Down": "textual.Scroll Down",
    "Scroll Home": "textual.Scroll Home",
    "Scroll End": "textual.Scroll End",
    "Page Left": "textual.Page Left",
    "Page Right": "textual.Page Right",
    "Focus Next": "textual.Focus Next",
    "Focus Previous": "textual.Focus Previous",
    "Copy selected text": "textual.Copy selected text",
    "Home": "textual.Home",
    "End": "textual.End",
}
"""The descriptions of Textual's own bindings that the catalogue translates."""


def binding_label(binding: Binding) -> str:
    """The description of `binding` as the user reads it: the message of its catalogue key,
    the translation of a Textual description we know, or the description as it is."""
    description = binding.description
    if description in catalogue("fr"):  # the reference catalogue: every key is in it
        return t(description)
    if description in TEXTUAL_KEYS:
        return t(TEXTUAL_KEYS[description])
    return description
