"""Help: every key active on the screen below, global keys included, built from the bindings."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from prodtui.i18n import catalogue, language, t
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
            yield Static(t("help.keymap_hint"), classes="dialog-hint", markup=False)

    def _keys_text(self) -> str:
        """Our bindings (they have ids, the keymap can change them) by screen and global;
        then the widgets' own moving keys, in one compact block."""
        # One line per action: its keys and binding ids side by side (f1, ? → help).
        grouped: dict[tuple[bool, str, str], tuple[list[str], list[str]]] = {}
        moving: list[str] = []
        for _key, active in self.below.active_bindings.items():
            binding: Binding = active.binding
            description = binding.description or binding.action
            key = self.app.get_key_display(binding)
            if not binding.id:
                label = catalogue(language()).get(f"textual.{description}", description)
                moving.append(f"[b]{escape(key)}[/b] {escape(label)}")
                continue
            group = grouped.setdefault(
                (active.node is self.app, description, binding.action), ([], [])
            )
            group[0].append(key)
            group[1].append(binding.id)
        screen_lines: list[str] = []
        global_lines: list[str] = []
        for (is_global, description, _action), (keys, ids) in grouped.items():
            line = (
                f"  [b]{escape(', '.join(keys)):>10}[/b]  {escape(description)}"
                f"  [dim]{escape(' / '.join(ids))}[/dim]"
            )
            (global_lines if is_global else screen_lines).append(line)
        lines = []
        if screen_lines:
            lines += [f"[b]{escape(t('help.this_screen'))}[/b]", *screen_lines, ""]
        lines += [f"[b]{escape(t('help.everywhere'))}[/b]", *global_lines]
        lines += [f"  [b]{'ctrl+p':>10}[/b]  {escape(t('help.palette'))}"]
        if moving:
            lines += ["", f"[b]{escape(t('help.moving'))}[/b]", "  " + " · ".join(moving)]
        return "\n".join(lines)

    def action_close(self) -> None:
        self.dismiss(None)
