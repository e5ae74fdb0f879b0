"""What Textual itself shows, in the user's language.

The command palette: its placeholder, its "no match" line, and its commands matched with
or without accents (`securite` finds « Sécurité », `theme` finds « Thème »); the theme
picker's placeholder; the names of the keys wherever a key is shown (`Échap`, `Maj+Tab`);
the toast of ctrl+c. Textual's own commands (Keys, Screenshot…) are not offered:
`ProdtuiApp.get_system_commands` lists prodtui's only. The descriptions of Textual's
bindings are translated where they are shown (ui/keys.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import ClassVar

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, Matcher, Provider, ProviderSource
from textual.content import Content
from textual.system_commands import SystemCommandsProvider
from textual.theme import ThemeProvider

from prodtui.i18n import t
from prodtui.ui.keys import key_display
from prodtui.ui.textual_private import show_no_matches_later


def fold(text: str) -> str:
    """`text` in lower case and without accents, one character for each of its characters
    (so a match found in the folded text is at the same place in the text shown)."""
    return "".join(_fold(character) for character in text)


@lru_cache(maxsize=4096)
def _fold(character: str) -> str:
    return unicodedata.normalize("NFD", character.lower())[0]


class FoldingMatcher(Matcher):
    """Textual's fuzzy matcher, blind to case and accents; a name is shown as text."""

    def match(self, candidate: str) -> float:
        return self.fuzzy_search.match(fold(self.query), fold(candidate))[0]

    def highlight(self, candidate: str) -> Content:
        # Textual reads the candidate as markup; a command's name is text.
        content = Content(candidate)
        _score, offsets = self.fuzzy_search.match(fold(self.query), fold(candidate))
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(self.match_style, offset, offset + 1)
        return content


class Commands(SystemCommandsProvider):
    """The app's commands (`get_system_commands`), found with or without accents."""

    def matcher(self, user_input: str, case_sensitive: bool = False) -> Matcher:
        return FoldingMatcher(
            user_input, match_style=self.match_style, case_sensitive=case_sensitive
        )


class Palette(CommandPalette):
    """Textual's command palette, in the user's language."""

    def __init__(
        self,
        providers: ProviderSource | None = None,
        *,
        placeholder: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(providers, placeholder=placeholder or t("palette.placeholder"), id=id)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        show_no_matches_later(self, search_value, t("palette.no_matches"))


class LocalisedApp(App[int]):
    """An app whose palette, theme picker and key names speak the user's language."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {Commands}

    def get_key_display(self, binding: Binding) -> str:
        return key_display(super().get_key_display(binding))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(
            Palette(providers=[ThemeProvider], placeholder=t("palette.theme_placeholder"))
        )

    def action_help_quit(self) -> None:
        # ctrl+c out of a text field: say how to quit (Textual says it in English).
        for key, active in self.active_bindings.items():
            if active.binding.action.removeprefix("app.") == "quit":
                self.notify(
                    t("app.quit_hint", key=self.get_key_display(active.binding) or key),
                    title=t("app.quit_hint_title"),
                    markup=False,
                )
                return
