"""One rule for showing text: what the user typed or imported reaches the screen as text,
never as markup.

Textual reads a `str` handed to a widget (Static, Label, an option, a Select choice, a
DataTable cell, a notification) as markup: `[b]`, `[/]`, `[link=…]`, `$variable` would
be interpreted, vanish, or stop the app with a MarkupError. So widgets are given:

- `plain(text)`: the text exactly as it is;
- `markup(template, **values)`: markup written here in the code (a literal), where each
  `${name}` is replaced by its value as plain text, after the markup is read;
- `lines(parts)`: pieces shown one per line;
- `cell(text)`, `choices(pairs)`: the same for the widgets drawn by Rich (DataTable
  cells and columns, Select choices, which Rich Text also lets the user find by typing);
- `ansi(line)`: a line a command printed, its colours (SGR sequences) rendered.

A notification takes a `str`: it is sent with `markup=False`. Text written in the code
(a string literal, a catalogue message looked up by a literal key with nothing put in
it) may be given as it is. tests/test_display_text.py checks the whole package for it.

Characters a terminal would act on are shown as their placeholder (`for_terminal`):
text stored by an older version, or written by another tool, may still hold some.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import LiteralString, TypeVar

from rich.ansi import AnsiDecoder
from rich.text import Text
from textual.content import Content

from prodtui.domain.text import for_terminal

T = TypeVar("T")


def plain(text: object) -> Content:
    """`text` (a str, or anything shown by its str) as it is, never read as markup."""
    return Content(for_terminal(str(text)))


def markup(template: LiteralString, /, **values: object) -> Content:
    """`template` is markup written in the code; each `${name}` in it becomes the value
    `name` as plain text (whatever brackets or dollars the value holds)."""
    return Content.from_markup(
        template, **{name: for_terminal(str(value)) for name, value in values.items()}
    )


def lines(parts: Iterable[Content | str]) -> Content:
    """The parts one per line; a str part is plain text."""
    return Content("\n").join(part if isinstance(part, Content) else plain(part) for part in parts)


def cell(text: object, style: str = "") -> Text:
    """A DataTable cell or column label as plain text, on one line (the table cuts it)."""
    return Text(for_terminal(str(text)), style=style, no_wrap=True, end="")


def choices(pairs: Iterable[tuple[str, T]]) -> list[tuple[Text, T]]:
    """Select choices shown as plain text."""
    return [(Text(for_terminal(label)), value) for label, value in pairs]


# A colour or text style (SGR), the one kind of escape sequence a command's output may
# apply; any other sequence (cursor moves, screen clears, titles, links) is shown.
_SGR = re.compile(r"\x1b\[[0-9;:]*m")


def ansi(line: str) -> Text:
    """One line of a command's output: its colours and styles rendered by Rich's ANSI
    decoder, every other control character or sequence shown as its placeholder."""
    kept: list[str] = []
    start = 0
    for match in _SGR.finditer(line):
        kept.append(for_terminal(line[start : match.start()]))
        kept.append(match.group())
        start = match.end()
    kept.append(for_terminal(line[start:]))
    text = AnsiDecoder().decode_line("".join(kept))
    text.no_wrap = True
    text.end = ""
    text.expand_tabs()
    return text
