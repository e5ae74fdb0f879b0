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

What `plain`, `markup` and `lines` return wraps like French is written: never at a
no-break space, so that « : ; ! ? % » stay with the word before them, and a hint's parts
(« Échap : fermer · Entrée : ouvrir ») break after their « · » only (`Glued`).

A notification takes a `str`: it is sent with `markup=False`. Text written in the code
(a string literal, a catalogue message looked up by a literal key with nothing put in
it) may be given as it is. tests/test_display_text.py checks the whole package for it.

Characters a terminal would act on are shown as their placeholder (`for_terminal`):
text stored by an older version, or written by another tool, may still hold some.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, LiteralString, TypeVar

from rich.ansi import AnsiDecoder
from rich.segment import Segment
from rich.text import Text
from textual.content import Content
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.style import Style
    from textual.visual import RenderOptions

from prodtui.domain.text import for_terminal

T = TypeVar("T")

NARROW_NO_BREAK = "\u202f"
"""What French typography puts before « : ; ! ? % » and between thousands."""
_STAND_IN = "\u2800"
"""The blank braille pattern: one cell wide like a no-break space, but no whitespace to
the wrapping of Textual and Rich (`\\s` in a regular expression, which every Unicode
space matches, the no-break ones included)."""
_NO_BREAK = str.maketrans({NARROW_NO_BREAK: _STAND_IN, "\u00a0": _STAND_IN})
_SPACE_STAND_IN = "\ue000"
"""The same for an ordinary space that must not break (in a hint, « h : homologation »):
the first character of Unicode's private use area, one cell wide, never in a text (it is
checked), never drawn (a space is drawn in its place)."""


class Glued(Content):
    """Content that never wraps at a no-break space.

    Textual wraps Content between "words" split at whitespace, no-break spaces included,
    so a wrapped line could start with ":" or "%". Here the wrapping (the lines drawn, the
    height they take) is done on a copy where each no-break space is a stand-in of the
    same width that is no whitespace; the lines drawn get a no-break space back in the
    same cell. The text itself (`plain`, what a selection copies) is unchanged."""

    def _for_wrapping(self) -> Content | None:
        """The copy to wrap, or None when there is nothing to glue (or a stand-in is in
        the text already, which could not be told apart)."""
        text = self.plain
        if _STAND_IN in text or _SPACE_STAND_IN in text:
            return None
        glued = text.translate(_NO_BREAK)
        if " · " in glued:
            # Parts joined by « · » (a hint: « h : homologation · x : dossier »): a line
            # breaks after a « · », never before it, nor between a key and its action.
            glued = glued.replace(" · ", f"{_SPACE_STAND_IN}· ")
            glued = glued.replace(": ", f":{_SPACE_STAND_IN}")
        if glued == text:
            return None
        return Content(glued, list(self.spans), strip_control_codes=False)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        copy = self._for_wrapping()
        if copy is None:
            return super().render_strips(width, height, style, options)
        return [_restore(strip) for strip in copy.render_strips(width, height, style, options)]

    def get_height(self, rules: RulesMap, width: int) -> int:
        copy = self._for_wrapping()
        return super().get_height(rules, width) if copy is None else copy.get_height(rules, width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        copy = self._for_wrapping()
        return super().get_minimal_width(rules) if copy is None else copy.get_minimal_width(rules)


def _restore(strip: Strip) -> Strip:
    """`strip` with each stand-in drawn as the space it stands for (all are blank and
    one cell wide on a terminal)."""
    if not any(_STAND_IN in text or _SPACE_STAND_IN in text for text, _, _ in strip):
        return strip
    return Strip(
        [Segment(text.translate(_DRAWN), style, control) for text, style, control in strip],
        strip.cell_length,
    )


_DRAWN = str.maketrans({_STAND_IN: NARROW_NO_BREAK, _SPACE_STAND_IN: " "})


def glued(content: Content) -> Glued:
    """`content` wrapping as `Glued` does."""
    if isinstance(content, Glued):
        return content
    return Glued(content.plain, list(content.spans), strip_control_codes=False)


def plain(text: object) -> Content:
    """`text` (a str, or anything shown by its str) as it is, never read as markup."""
    return Glued(for_terminal(str(text)))


def markup(template: LiteralString, /, **values: object) -> Content:
    """`template` is markup written in the code; each `${name}` in it becomes the value
    `name` as plain text (whatever brackets or dollars the value holds)."""
    return glued(
        Content.from_markup(
            template, **{name: for_terminal(str(value)) for name, value in values.items()}
        )
    )


def lines(parts: Iterable[Content | str]) -> Content:
    """The parts one per line; a str part is plain text."""
    return glued(
        Content("\n").join(part if isinstance(part, Content) else plain(part) for part in parts)
    )


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
