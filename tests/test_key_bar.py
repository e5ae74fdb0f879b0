"""The key bar at the bottom of every screen: the keys of the screen and of the focused
widget, as the settings bind them, written again when they change."""

from __future__ import annotations

from textual.widgets import Static

from prodtui.i18n import set_language
from prodtui.ui.widgets.key_bar import KeyBar
from tests.conftest import AppFactory


def bar_text(app: object) -> str:
    bar = app.screen.query_one(KeyBar)  # type: ignore[attr-defined]
    return " ".join(str(part.render()) for part in bar.query(Static))


async def test_the_bar_shows_the_screen_keys_and_the_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert "w Revue hebdo" in text and "^n Capture rapide" in text
        assert text.rstrip().endswith("^p commandes")
        await pilot.press("3")
        await pilot.pause()
        assert "n Nouvelle" in bar_text(app) and "w Revue hebdo" not in bar_text(app)


async def test_the_bar_follows_the_focus(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert "n Nouvelle" in bar_text(app)
        await pilot.press("slash")  # into the filter line: the list's keys go away
        await pilot.pause()
        assert "n Nouvelle" not in bar_text(app) and "Filtrer" in bar_text(app)


async def test_the_bar_shows_the_keys_the_settings_bind(make_app: AppFactory) -> None:
    app = make_app('[keymap]\ncapture = "ctrl+k"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "^k Capture rapide" in bar_text(app)
        assert "^n Capture rapide" not in bar_text(app)


async def test_the_bar_stays_on_the_last_line_at_80_by_24(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in "12345i":
            await pilot.press(key)
            await pilot.pause()
            region = app.screen.query_one(KeyBar).region
            assert (region.y, region.height, region.width) == (23, 1, 80)


async def test_the_bar_names_the_keys_in_the_language_of_the_interface(
    make_app: AppFactory,
) -> None:
    """Textual names keys in English (esc, shift+tab, pgup): the bar says them as a French
    keyboard does, and in English on request."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "n")
        await pilot.pause()
        text = bar_text(app)
        assert "Échap Fermer" in text and "esc" not in text
        assert text.rstrip().endswith("^p commandes")
    set_language("en")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "n")
        await pilot.pause()
        text = bar_text(app)
        assert "esc Close" in text and text.rstrip().endswith("^p commands")


async def test_keys_that_do_not_fit_are_left_to_the_help(make_app: AppFactory) -> None:
    """The Stories bar was cut mid-word before its last keys: it now shows the keys that
    fit, whole and in the screen's order, then `?` for all the keys."""
    from prodtui.ui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.pause()
        text = bar_text(app)
        assert text.startswith(" n Nouvelle  e Modifier"), text
        assert "? toutes les touches" in text and "…" not in text
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        await pilot.pause()
        text = bar_text(app)
        assert "m Épopées et sprints" in text, "a wider bar shows more keys"
