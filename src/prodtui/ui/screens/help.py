"""Help: every key active on the screen below, global keys included, built from the bindings;
then the commands of the palette. `/` filters it all, with or without accents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from prodtui.i18n import t
from prodtui.ui.keys import binding_label
from prodtui.ui.localised import fold
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import Glued, glued, markup, plain
from prodtui.ui.widgets.filter_input import FilterInput

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.strip import Strip
    from textual.style import Style
    from textual.visual import RenderOptions

KEYS_WIDTH = 10  # cells of the keys column, right-aligned
INDENT = 2  # cells before a row of the help
GAP = 2  # cells between the keys and the description
NARROWEST = 12  # cells a description needs beside its keys; else it wraps from the left


@dataclass(frozen=True)
class Line:
    """One line of the help, with the words `/` finds it by, and where its wrapped part
    goes: under its description, not under its keys."""

    words: str
    shown: Content
    indent: int = INDENT

    def matches(self, query: list[str]) -> bool:
        return all(word in self.words for word in query)


class Rows(Glued):
    """The help's rows, each wrapped under itself: a description wider than the help goes
    on under the description (at 60 columns "today.security" went to column 0, under the
    keys). The text itself (`plain`, what a selection copies) is the rows unwrapped."""

    def __init__(self, rows: list[tuple[Content, int]]) -> None:
        joined = Content("\n").join(row for row, _indent in rows)
        super().__init__(joined.plain, list(joined.spans), strip_control_codes=False)
        # One indent per line of the text (a row holds no line break, but be sure).
        self._indents = [
            indent for row, indent in rows for _line in range(row.plain.count("\n") + 1)
        ]
        self._laid_out: tuple[int, Glued] | None = None

    def _lay_out(self, width: int) -> Glued:
        """The rows broken into lines of at most `width` cells, each continuation indented."""
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1]
        out: list[Content] = []
        for line, indent in zip(self.split("\n", allow_blank=True), self._indents, strict=True):
            if line.cell_length <= width:
                out.append(line)
                continue
            if width - indent < NARROWEST:
                indent = INDENT
            for number, (start, end) in enumerate(_breaks(line.plain, width, width - indent)):
                piece = line[start:end]
                out.append(Content(" " * indent) + piece if number else piece)
        laid_out = glued(Content("\n").join(out))
        self._laid_out = (width, laid_out)
        return laid_out

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._lay_out(width).render_strips(width, height, style, options)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._lay_out(width).get_height(rules, width)


def _breaks(text: str, first: int, then: int) -> list[tuple[int, int]]:
    """Where `text` is cut into lines of `first` cells then `then` cells: after a word,
    never at a no-break space (« : » stays with its word), within a word too long."""
    spaces = [i for i, char in enumerate(text) if char == " "]
    pieces: list[tuple[int, int]] = []
    start, width = 0, first
    while start < len(text):
        end, cells = start, 0
        while end < len(text) and cells + cell_len(text[end]) <= width:
            cells += cell_len(text[end])
            end += 1
        if end < len(text):
            # The last space that ends a word, past the line's own leading spaces.
            lead = len(text[start:]) - len(text[start:].lstrip(" "))
            ends = (i for i in spaces if start + lead < i <= end and text[i - 1] != " ")
            end = max(ends, default=max(end, start + 1))
        pieces.append((start, end))
        start = end
        while start < len(text) and text[start] == " ":
            start += 1
        width = then
    return pieces


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "key.close", id="help.close"),
        Binding("slash", "filter", "key.filter", id="help.filter"),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help-box"):
            yield Static(plain(t("help.title")), classes="dialog-title")
            yield Static(plain(t("help.filter_hint")), id="help-filter-hint", classes="dialog-hint")
            yield FilterInput(t("help.filter_placeholder"), id="help-filter")
            yield Static(self._text(""), id="help-keys")
            yield Static(plain(t("help.keymap_hint")), classes="dialog-hint")

    def _sections(self) -> list[tuple[str, list[Line], list[Line]]]:
        """By heading, lines shown one per row then short entries shown in one paragraph:
        our bindings (they have ids, the keymap can change them) by screen and global; the
        palette's key and its commands; the widgets' own moving keys."""
        app = self.app
        # One line per action: its keys and binding ids side by side (f1, ? → help).
        grouped: dict[tuple[bool, str, str], tuple[list[str], list[str]]] = {}
        moving: dict[str, list[str]] = {}  # description → its keys (^c, super+c → copy)
        for _key, active in self.below.active_bindings.items():
            binding: Binding = active.binding
            description = binding_label(binding) or binding.action
            key = app.get_key_display(binding)
            if not binding.id:
                keys = moving.setdefault(description, [])
                if key not in keys:
                    keys.append(key)
                continue
            group = grouped.setdefault((active.node is app, description, binding.action), ([], []))
            group[0].append(key)
            group[1].append(binding.id)
        here: list[Line] = []
        everywhere: list[Line] = []
        for (is_global, description, _action), (keys, ids) in grouped.items():
            # The ids are what config.toml's [keymap] changes a key by (see the hint below).
            shown_keys = f"{', '.join(keys):>{KEYS_WIDTH}}"
            shown = markup(
                "  [b]${keys}[/b]  ${description}  [dim]${ids}[/dim]",
                keys=shown_keys,
                description=description,
                ids=" / ".join(ids),
            )
            indent = INDENT + cell_len(shown_keys) + GAP
            line = Line(fold(" ".join([*keys, description, *ids])), shown, indent)
            (everywhere if is_global else here).append(line)
        palette_key = app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, ""))
        shown_key = f"{palette_key:>{KEYS_WIDTH}}"
        palette = Line(
            fold(f"{palette_key} {t('help.palette')}"),
            markup("  [b]${key}[/b]  ${text}", key=shown_key, text=t("help.palette")),
            INDENT + cell_len(shown_key) + GAP,
        )
        commands = [
            Line(fold(f"{command.title} {command.help}"), plain(command.title))
            for command in app.get_system_commands(self.below)
        ]
        moves = [
            Line(
                fold(f"{' '.join(keys)} {description}"),
                markup("[b]${keys}[/b] ${label}", keys=", ".join(keys), label=description),
            )
            for description, keys in moving.items()
        ]
        return [
            ("help.this_screen", here, []),
            ("help.everywhere", everywhere, []),
            ("help.commands", [palette], commands),
            ("help.moving", [], moves),
        ]

    def _text(self, query: str) -> Content:
        words = fold(query).split()
        rows: list[tuple[Content, int]] = []
        for heading, section, inline in self._sections():
            found = [line for line in section if line.matches(words)]
            found_inline = [line for line in inline if line.matches(words)]
            if not found and not found_inline:
                continue
            if rows:
                rows.append((Content(), 0))
            rows.append((markup("[b]${text}[/b]", text=t(heading)), 0))
            rows += [(line.shown, line.indent) for line in found]
            if found_inline:
                inline_row = "  " + Content(" · ").join(line.shown for line in found_inline)
                rows.append((inline_row, INDENT))
        if not rows:
            rows.append((plain(t("help.no_match", text=query.strip())), 0))
        return Rows(rows)

    @on(Input.Changed, "#help-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one("#help-keys", Static).update(self._text(event.value))

    def on_filter_input_done(self) -> None:
        self.query_one("#help-box").focus()

    def action_filter(self) -> None:
        self.query_one("#help-filter", FilterInput).open()

    def action_close(self) -> None:
        self.dismiss(None)
