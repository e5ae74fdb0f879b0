"""How a key binding is named where it is shown (the key bar, the help screen).

Our bindings are declared with a catalogue key as their description (`"key.save"`) and
translated where they are shown, in the language of the moment. The bindings of Textual's
own widgets carry English descriptions: those we know have a message of their own. The
names of the keys (`esc`, `shift`, `pgup`…) are said in the user's language too.
"""

from __future__ import annotations

import re

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
    # Input, TextArea, Select, the command palette and the other widgets of Textual 8.2
    # (tests/test_palette_and_help.py fails on a description this table does not know).
    "Copy": "textual.Copy",
    "Cursor Down": "textual.Cursor down",
    "Cursor Up": "textual.Cursor up",
    "Cursor down select": "textual.Cursor down select",
    "Cursor left select": "textual.Cursor left select",
    "Cursor left word select": "textual.Cursor left word select",
    "Cursor line end": "textual.Cursor line end",
    "Cursor line end select": "textual.Cursor line end select",
    "Cursor line start": "textual.Cursor line start",
    "Cursor line start select": "textual.Cursor line start select",
    "Cursor page down": "textual.Page down",
    "Cursor page up": "textual.Page up",
    "Cursor right select": "textual.Cursor right select",
    "Cursor right word select": "textual.Cursor right word select",
    "Cursor to next ancestor": "textual.Cursor to next ancestor",
    "Cursor to next sibling": "textual.Cursor to next sibling",
    "Cursor to parent": "textual.Cursor to parent",
    "Cursor to previous sibling": "textual.Cursor to previous sibling",
    "Cursor up select": "textual.Cursor up select",
    "Cursor word left": "textual.Cursor word left",
    "Cursor word right": "textual.Cursor word right",
    "Cut": "textual.Cut",
    "Cut selected text": "textual.Cut",
    "Delete all to the left": "textual.Delete all to the left",
    "Delete all to the right": "textual.Delete all to the right",
    "Delete character left": "textual.Delete character left",
    "Delete character right": "textual.Delete character right",
    "Delete left to start of word": "textual.Delete left to start of word",
    "Delete line": "textual.Delete line",
    "Delete right to start of word": "textual.Delete right to start of word",
    "Delete to line end": "textual.Delete to line end",
    "Delete to line start": "textual.Delete to line start",
    "Dismiss menu": "textual.Dismiss menu",
    "Down": "textual.Down",
    "Exit the command palette": "textual.Exit the command palette",
    "Expand or collapse all": "textual.Expand or collapse all",
    "Go to bottom": "textual.Last",
    "Go to end": "textual.Go to end",
    "Go to start": "textual.Go to start",
    "Go to top": "textual.First",
    "Move cursor left": "textual.Cursor left",
    "Move cursor left a word": "textual.Cursor word left",
    "Move cursor left a word and select": "textual.Cursor left word select",
    "Move cursor left and select": "textual.Cursor left select",
    "Move cursor right a word": "textual.Cursor word right",
    "Move cursor right a word and select": "textual.Cursor right word select",
    "Move cursor right and select": "textual.Cursor right select",
    "Move cursor right or accept the completion suggestion": "textual.Cursor right or accept",
    "Next command": "textual.Next command",
    "Next option": "textual.Next option",
    "Next page": "textual.Page down",
    "Next tab": "textual.Next tab",
    "Open link": "textual.Open link",
    "Paste": "textual.Paste",
    "Paste text from the clipboard": "textual.Paste",
    "Press button": "textual.Press button",
    "Previous command": "textual.Previous command",
    "Previous option": "textual.Previous option",
    "Previous page": "textual.Page up",
    "Previous tab": "textual.Previous tab",
    "Quit": "key.quit",
    "Redo": "textual.Redo",
    "Select all": "textual.Select all",
    "Select line": "textual.Select line",
    "Select line end": "textual.Cursor line end select",
    "Select line start": "textual.Cursor line start select",
    "Show menu": "textual.Show menu",
    "Submit": "textual.Submit",
    "Toggle": "textual.Toggle",
    "Toggle collapsible": "textual.Toggle collapsible",
    "Toggle option": "textual.Toggle",
    "Undo": "textual.Undo",
    "Up": "textual.Up",
    "palette": "textual.palette",
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


KEY_NAMES = {
    "esc": "keyname.esc",
    "shift": "keyname.shift",
    "home": "keyname.home",
    "end": "keyname.end",
    "pgup": "keyname.pgup",
    "pgdn": "keyname.pgdn",
    "del": "keyname.del",
    "insert": "keyname.insert",
    "space": "keyname.space",
    "tab": "keyname.tab",
}
"""The key names Textual writes in English, each with its catalogue message."""

_KEY_NAME = re.compile(r"\b(" + "|".join(KEY_NAMES) + r")\b")


def key_display(display: str) -> str:
    """Textual's display of a key (`shift+tab`, `esc`, `^end`) with the key names in the
    user's language (`Maj+Tab`, `Échap`, `^Fin` in French)."""
    return _KEY_NAME.sub(lambda match: t(KEY_NAMES[match.group(1)]), display)
