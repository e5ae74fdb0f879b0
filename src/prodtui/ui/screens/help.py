"""Help: every key active on the screen below, global keys included, built from the bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from prodtui.i18n import t
from prodtui.ui.keys import binding_label
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import lines, markup, plain


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "key.close", id="help.close")]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help-box"):
            yield Static(t("help.title"), classes="dialog-title")
            yield Static(self._keys_text(), id="help-keys")
            yield Static(plain(t("help.keymap_hint")), classes="dialog-hint")

    def _keys_text(self) -> Content:
        """Our bindings (they have ids, the keymap can change them) by screen and global;
        then the widgets' own moving keys, in one compact block."""
        # One line per action: its keys and binding ids side by side (f1, ? → help).
        grouped: dict[tuple[bool, str, str], tuple[list[str], list[str]]] = {}
        moving: list[Content] = []
        for _key, active in self.below.active_bindings.items():
            binding: Binding = active.binding
            description = binding_label(binding) or binding.action
            key = self.app.get_key_display(binding)
            if not binding.id:
                moving.append(markup("[b]${key}[/b] ${label}", key=key, label=description))
                continue
            group = grouped.setdefault(
                (active.node is self.app, description, binding.action), ([], [])
            )
            group[0].append(key)
            group[1].append(binding.id)
        screen_lines: list[Content] = []
        global_lines: list[Content] = []
        for (is_global, description, _action), (keys, ids) in grouped.items():
            line = markup(
                "  [b]${keys}[/b]  ${description}  [dim]${ids}[/dim]",
                keys=f"{', '.join(keys):>10}",
                description=description,
                ids=" / ".join(ids),
            )
            (global_lines if is_global else screen_lines).append(line)
        rows: list[Content] = []
        if screen_lines:
            rows += [self._heading("help.this_screen"), *screen_lines, Content()]
        rows += [self._heading("help.everywhere"), *global_lines]
        rows += [markup("  [b]${key}[/b]  ${text}", key=f"{'ctrl+p':>10}", text=t("help.palette"))]
        if moving:
            rows += [Content(), self._heading("help.moving"), "  " + Content(" · ").join(moving)]
        return lines(rows)

    @staticmethod
    def _heading(key: str) -> Content:
        return markup("[b]${text}[/b]", text=t(key))

    def action_close(self) -> None:
        self.dismiss(None)
