"""Help: every key active on the screen below, global keys included, built from the bindings;
then the commands of the palette. `/` filters it all, with or without accents."""

from __future__ import annotations

from dataclasses import dataclass

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
from prodtui.ui.text import lines, markup, plain
from prodtui.ui.widgets.filter_input import FilterInput


@dataclass(frozen=True)
class Line:
    """One line of the help, with the words `/` finds it by."""

    words: str
    shown: Content

    def matches(self, query: list[str]) -> bool:
        return all(word in self.words for word in query)


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
            shown = markup(
                "  [b]${keys}[/b]  ${description}  [dim]${ids}[/dim]",
                keys=f"{', '.join(keys):>10}",
                description=description,
                ids=" / ".join(ids),
            )
            line = Line(fold(" ".join([*keys, description, *ids])), shown)
            (everywhere if is_global else here).append(line)
        palette_key = app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, ""))
        palette = Line(
            fold(f"{palette_key} {t('help.palette')}"),
            markup("  [b]${key}[/b]  ${text}", key=f"{palette_key:>10}", text=t("help.palette")),
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
        rows: list[Content] = []
        for heading, section, inline in self._sections():
            found = [line for line in section if line.matches(words)]
            found_inline = [line for line in inline if line.matches(words)]
            if not found and not found_inline:
                continue
            if rows:
                rows.append(Content())
            rows.append(markup("[b]${text}[/b]", text=t(heading)))
            rows += [line.shown for line in found]
            if found_inline:
                rows.append("  " + Content(" · ").join(line.shown for line in found_inline))
        if not rows:
            rows.append(plain(t("help.no_match", text=query.strip())))
        return lines(rows)

    @on(Input.Changed, "#help-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one("#help-keys", Static).update(self._text(event.value))

    def on_filter_input_done(self) -> None:
        self.query_one("#help-box").focus()

    def action_filter(self) -> None:
        self.query_one("#help-filter", FilterInput).open()

    def action_close(self) -> None:
        self.dismiss(None)
