"""Help: every key active on the screen below, global keys included, built from the bindings."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from prodtui.i18n import t
from prodtui.ui.keys import translate_bindings


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "key.close", id="help.close")]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help-box"):
            yield Static(t("help.title"), classes="dialog-title")
            yield Static(self._keys_text(), id="help-keys")
            yield Static(t("help.keymap_hint"), classes="dialog-hint")

    def _keys_text(self) -> str:
        screen_lines: list[str] = []
        global_lines: list[str] = []
        seen: set[tuple[str, str]] = set()
        for _key, active in self.below.active_bindings.items():
            binding: Binding = active.binding
            description = binding.description or binding.action
            if (description, binding.action) in seen and not binding.show:
                continue
            seen.add((description, binding.action))
            line = (
                f"  [b]{escape(self.app.get_key_display(binding)):>10}[/b]  {escape(description)}"
                f"  [dim]{escape(binding.id or '')}[/dim]"
            )
            (global_lines if active.node is self.app else screen_lines).append(line)
        lines = []
        if screen_lines:
            lines += [f"[b]{escape(t('help.this_screen'))}[/b]", *screen_lines, ""]
        lines += [f"[b]{escape(t('help.everywhere'))}[/b]", *global_lines]
        lines += [f"  [b]{'ctrl+p':>10}[/b]  {escape(t('help.palette'))}"]
        return "\n".join(lines)

    def action_close(self) -> None:
        self.dismiss(None)
