"""What Textual itself shows, in the user's language: the palette (its placeholder, its
"no match", its commands found with or without accents), the help of every key, Textual's
widgets' keys included, and the names of the keys; no markup shown as text anywhere."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from prodtui.i18n import set_language
from prodtui.ui.keys import TEXTUAL_KEYS, binding_label
from prodtui.ui.localised import FoldingMatcher, fold
from prodtui.ui.screens.help import HelpScreen
from tests.conftest import AppFactory, wait_until

# What Textual writes itself, in English, that must not reach a French user.
ENGLISH = (
    "Search for commands",
    "No matches found",
    "Search for themes",
    "Quit the application",
    "Change the current theme",
    "Screenshot",
    "Move cursor",
    "Delete character",
    "Submit",
    "Paste text",
    "Focus Next",
    "Do you want to quit",
)


def shown(visual: object) -> str:
    if isinstance(visual, Content | Text):
        return visual.plain
    return str(visual)


async def palette_lines(pilot: Pilot[int], typed: str, wanted: str | None = None) -> list[str]:
    """Open the palette, type `typed`, and read the options it lists once its search is
    over (and `wanted` among them: "no match" is said a moment after). Enter then picks
    the first of them."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(
        pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen.is_mounted
    )
    palette = app.screen
    await pilot.press(*typed)
    await pilot.pause()  # the search starts on the field's change message

    def listed() -> list[str]:
        options = palette.query_one(CommandList)
        return [shown(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

    def searched() -> bool:
        # A worker lists the hits in batches: all of them once it is done.
        return not [worker for worker in app.workers if worker.node is palette]

    await wait_until(
        pilot,
        lambda: searched() and (any(wanted in line for line in listed()) if wanted else listed()),
    )
    return listed()


def placeholder(app: App[Any]) -> str:
    return str(app.screen.query_one(Input).placeholder)


async def test_the_palette_speaks_french_and_finds_without_accents(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        found = await palette_lines(pilot, "securite", "Sécurité")
        assert placeholder(app) == "Rechercher une commande…"
        assert any("Aller à\u202f: Sécurité" in line for line in found)
        await pilot.press("escape")
        found = await palette_lines(pilot, "theme", "Thème")
        assert any(line.startswith("Thème") for line in found)
        await pilot.press("escape")
        found = await palette_lines(pilot, "zzzq", "Aucune")
        assert found == ["Aucune commande ne correspond"]
        await pilot.press("escape")
        # With nothing typed: prodtui's commands only, none of Textual's in English.
        found = await palette_lines(pilot, "")
        text = "\n".join(found)
        assert "Aller à\u202f: Aujourd'hui" in text
        assert not [word for word in ("Keys", "Screenshot", "Maximize", *ENGLISH) if word in text]
        await pilot.press("escape")
        # The theme picker, chosen by name without its accent.
        await palette_lines(pilot, "theme", "Thème")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert placeholder(app) == "Choisir un thème…"


async def test_the_palette_in_english_on_request(make_app: AppFactory) -> None:
    set_language("en")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        found = await palette_lines(pilot, "zzzq", "No command")
        assert placeholder(app) == "Search for a command…"
        assert found == ["No command matches"]


async def test_ctrl_c_says_how_to_quit_in_french(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        [toast] = app._notifications  # what Textual shows as a toast
        assert toast.message == "Pour quitter prodtui, appuyez sur ^q."
        assert toast.title == "Quitter\u202f?"


def test_matching_ignores_accents_and_case_and_shows_names_as_text() -> None:
    assert fold("Sécurité — Œuvre Ç") == "securite — œuvre c"
    assert len(fold("Éé İ")) == len("Éé İ")
    matcher = FoldingMatcher("secu")
    assert matcher.match("Aller à : Sécurité") > 0
    assert matcher.match("Aller à : Recette") == 0
    highlighted = matcher.highlight("Aller à : Sécurité")
    assert highlighted.plain == "Aller à : Sécurité"
    styled = {span.start for span in highlighted.spans}
    assert styled == {10, 11, 12, 13}  # S, é, c, u
    assert FoldingMatcher("b").highlight("[b]gras[/b]").plain == "[b]gras[/b]"


def textual_bindings() -> dict[str, str]:
    """Every description of a binding of Textual's screens and widgets (8.2), by where."""
    import textual.command
    import textual.containers
    import textual.screen
    import textual.widgets

    modules: list[Any] = [textual.screen, textual.command, textual.containers]
    for module in pkgutil.walk_packages(textual.widgets.__path__, "textual.widgets."):
        modules.append(importlib.import_module(module.name))
    found: dict[str, str] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__.startswith("textual"):
                for binding in vars(value).get("BINDINGS", []):
                    if isinstance(binding, Binding) and binding.description:
                        found[binding.description] = f"{value.__name__} {binding.key}"
    return found


def test_every_key_of_textuals_widgets_is_translated() -> None:
    """A Textual upgrade that adds a key to a widget fails here rather than show English."""
    unknown = {d: where for d, where in textual_bindings().items() if d not in TEXTUAL_KEYS}
    assert unknown == {}
    for language in ("fr", "en"):
        set_language(language)
        for description in TEXTUAL_KEYS:
            label = binding_label(Binding("x", "x", description))
            assert label and (language == "en" or label != description), description


async def help_text(pilot: Pilot[int]) -> str:
    await pilot.press("f1")
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, HelpScreen) and pilot.app.screen.is_mounted
    )
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen), type(screen).__name__
    return "\n".join(shown(widget.render()) for widget in screen.query(Static))


async def test_the_story_editors_help_is_french_down_to_the_text_fields_own_keys(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("3", "n")
        await pilot.pause()
        in_title = await help_text(pilot)
        await pilot.press("escape", "shift+tab")  # into the criteria: a TextArea
        await pilot.pause()
        in_criteria = await help_text(pilot)
    for text in (in_title, in_criteria):
        assert not [word for word in ENGLISH if word in text], text
        assert "Échap" in text and "esc " not in text
    assert "à gauche" in in_title and "valider" in in_title and "coller" in in_title
    assert "annuler la modification" in in_title  # ctrl+z in a one-line field too
    assert "effacer la ligne" in in_criteria and "annuler la modification" in in_criteria


async def test_the_help_filters_keys_and_commands_without_accents(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await help_text(pilot)
        keys = app.screen.query_one("#help-keys", Static)
        await pilot.press("slash", *"securite")
        await pilot.pause()
        text = shown(keys.render())
        assert "Aller à\u202f: Sécurité" in text and "Sécurité  go.security" in text
        assert "Capture rapide" not in text
        await pilot.press(*["backspace"] * 8, *"theme")
        await pilot.pause()
        assert "Thème" in shown(keys.render())
        await pilot.press(*["backspace"] * 5, *"xyzzy")
        await pilot.pause()
        assert shown(keys.render()) == (
            "Aucune touche ni commande ne correspond à «\u202fxyzzy\u202f»."
        )
        # Escape leaves the filter, escape again the help.
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


SCREENS = [
    ("today", ["1"]),
    ("standup", ["2"]),
    ("stories", ["3"]),
    ("story editor", ["3", "n"]),
    ("recette", ["4"]),
    ("security", ["5"]),
    ("inbox", ["i"]),
    ("capture", ["ctrl+n"]),
    ("search", ["ctrl+f"]),
]
PALETTE_SCREENS = ["Revue hebdomadaire", "Responsabilités", "Risques de sécurité", "Homologation"]


@pytest.mark.parametrize(("name", "keys"), SCREENS, ids=[name for name, _ in SCREENS])
async def test_no_markup_shows_in_a_screens_help(
    make_app: AppFactory, name: str, keys: list[str]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        text = await help_text(pilot)
    assert "[/" not in text and "[b]" not in text and "[dim]" not in text, text
    assert not [word for word in ENGLISH if word in text], text


async def test_no_markup_shows_in_the_palette_nor_in_the_help_of_its_screens(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        listed = "\n".join(await palette_lines(pilot, ""))
        assert "[/" not in listed and "[b]" not in listed
        await pilot.press("escape")
        for command in PALETTE_SCREENS:
            before = app.screen
            await palette_lines(pilot, command, command)
            await pilot.press("enter")

            def opened(before: Screen[Any] = before) -> bool:
                screen = app.screen
                return (
                    screen is not before
                    and not isinstance(screen, CommandPalette)
                    and screen.is_mounted
                )

            await wait_until(pilot, opened)
            text = await help_text(pilot)
            assert "[/" not in text and "[b]" not in text, (command, text)
            assert not [word for word in ENGLISH if word in text], (command, text)
            await pilot.press("escape", "escape")
            await pilot.pause()
