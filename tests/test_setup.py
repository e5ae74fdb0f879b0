"""The first start of a workspace: the service's name, your name and the team, asked once
in one short form, keyboard only; Escape skips it for good; a name changed meanwhile in
another session is a conflict showing both."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from prodtui.config import load_settings
from prodtui.domain.people import Person
from prodtui.domain.setup import team_names
from prodtui.i18n import set_language
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import DISCARDED
from prodtui.store.meta import NAME, SETUP
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConfirmScreen, ConflictScreen
from prodtui.ui.screens.setup import SetupScreen
from prodtui.ui.screens.today import TodayScreen
from tests.conftest import TODAY, wait_until
from tests.test_app import messages
from tests.test_palette_and_help import palette_lines

SETTINGS = """\
# Réglages de Camille
theme = "textual-dark"  # sombre
"""


def first_start(workspace: Workspace, config: Path) -> ProdtuiApp:
    """The app as `prodtui` starts it: with the first-start questions when due."""
    return ProdtuiApp(workspace, load_settings(config), config, today=lambda: TODAY, setup=True)


async def setup_shown(pilot: Pilot[int], app: ProdtuiApp) -> SetupScreen:
    """The questions, asked once the first screen is drawn."""
    await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen) and app.screen.is_mounted)
    assert isinstance(app.screen, SetupScreen), f"no setup, {app.screen!r} instead"
    return app.screen


def test_the_team_is_typed_in_one_go() -> None:
    text = "Léa Martin, Karim Benali\nSophie  Durand ; léa martin\n\n,Paul"
    assert team_names(text) == ["Léa Martin", "Karim Benali", "Sophie Durand", "Paul"]
    # Someone already in the team is not added twice, whatever the case or accents.
    assert team_names("lea MARTIN, Inès", ["Léa Martin"]) == ["Inès"]


async def test_a_new_workspace_is_set_up_from_the_keyboard(
    tmp_path: Path, workspace: Workspace
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SETTINGS, encoding="utf-8")
    app = first_start(workspace, config)
    assert app.title == "prodtui"  # not the file's name, "workspace"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await setup_shown(pilot, app)
        assert screen.focused is screen.query_one("#setup-name", Input)
        await pilot.press(*"Répit Aidants", "enter")
        author = screen.query_one("#setup-author", Input)
        assert screen.focused is author
        author.value = ""
        await pilot.press(*"Camille Martin", "tab")
        assert screen.focused is screen.query_one("#setup-team", TextArea)
        await pilot.press(*"Léa Martin, Karim Benali", "enter", *"Sophie Durand")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert app.title == "prodtui — Répit Aidants"
        assert any("3 personnes ajoutées" in m for m in messages(app))
        await pilot.pause()
        tile = str(app.screen.query_one("#tile-standup").render())
        assert "Léa, Karim, Sophie" in tile
    assert workspace.meta.get(NAME) == "Répit Aidants"
    assert [p.name for p in workspace.people.all()] == [
        "Léa Martin",
        "Karim Benali",
        "Sophie Durand",
    ]
    # Your name: in your settings file (its comments kept), and the author from now on.
    assert config.read_text(encoding="utf-8") == SETTINGS + 'author = "Camille Martin"\n'
    assert workspace.author == "Camille Martin"
    assert workspace.drafts.all() == []
    # Answered: the next start goes straight to Today.
    again = first_start(workspace, config)
    async with again.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert isinstance(again.screen, TodayScreen)


async def test_escape_skips_and_it_is_not_asked_again(tmp_path: Path, workspace: Workspace) -> None:
    config = tmp_path / "config.toml"
    app = first_start(workspace, config)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await setup_shown(pilot, app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert any("palette" in m for m in messages(app))
    assert workspace.meta.get(SETUP) == "skipped"
    assert not config.exists() and workspace.people.all() == []
    again = first_start(workspace, config)
    async with again.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert isinstance(again.screen, TodayScreen)


async def test_escape_after_typing_asks_first(tmp_path: Path, workspace: Workspace) -> None:
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await setup_shown(pilot, app)
        await pilot.press(*"Répit")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#setup-name", Input).value == "Répit"
    assert workspace.meta.get(SETUP) == ""


@pytest.mark.parametrize("ready", ["named with a team", "read-only", "not the command"])
async def test_the_questions_are_asked_only_when_due(
    tmp_path: Path, workspace: Workspace, ready: str
) -> None:
    config = tmp_path / "config.toml"
    if ready == "named with a team":
        workspace.meta.set(NAME, "Répit Aidants")
        workspace.people.add(Person(name="Léa Martin"))
        app = first_start(workspace, config)
    elif ready == "read-only":
        workspace.close()
        read_only = open_workspace(tmp_path / "workspace.db", read_only=True)
        app = first_start(read_only, config)
    else:  # tests and tools build the app without the first-start questions
        app = ProdtuiApp(workspace, load_settings(config), config, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, TodayScreen)


async def test_a_team_without_a_name_is_asked_for_the_name_only(
    tmp_path: Path, workspace: Workspace
) -> None:
    workspace.people.add(Person(name="Léa Martin"))
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await setup_shown(pilot, app)
        shown = " ".join(str(w.render()) for w in screen.query("Static"))
        assert "Déjà dans l'équipe\u202f: Léa Martin" in shown
        await pilot.press(*"Répit Aidants", "tab", "tab", *"léa martin, Inès", "ctrl+s")
        await pilot.pause()
    assert [p.name for p in workspace.people.all()] == ["Léa Martin", "Inès"]


async def test_a_name_given_meanwhile_elsewhere_shows_both(
    tmp_path: Path, workspace: Workspace
) -> None:
    """Two people open the new workspace at once; the second to save sees both names."""
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await setup_shown(pilot, app)
        await pilot.press(*"Répit Aidants")
        other = open_workspace(workspace.path, author="Karim")
        other.meta.set(NAME, "Aide au répit")
        other.close()
        await pilot.press("ctrl+s")
        await pilot.pause()
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        assert conflict.mine == {"Nom du service": "Répit Aidants"}
        assert conflict.theirs == {"Nom du service": "Aide au répit"}
        await pilot.press("t")  # theirs: mine goes to the history
        await pilot.pause()
        assert app.screen is not screen
    assert workspace.meta.get(NAME) == "Aide au répit"
    assert workspace.meta.get(SETUP) == "done"
    kept = workspace.rows(
        "SELECT old FROM audit_log WHERE entity = 'meta' AND field = ?", [DISCARDED]
    )
    assert ["Répit Aidants" in row["old"] for row in kept] == [True]


async def test_keeping_mine_over_a_name_given_elsewhere(
    tmp_path: Path, workspace: Workspace
) -> None:
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await setup_shown(pilot, app)
        await pilot.press(*"Répit Aidants")
        other = open_workspace(workspace.path, author="Karim")
        other.meta.set(NAME, "Aide au répit")
        other.close()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("m")
        await pilot.pause()
        assert app.title == "prodtui — Répit Aidants"
    assert workspace.meta.get(NAME) == "Répit Aidants"


async def test_the_palette_opens_the_questions_again(tmp_path: Path, workspace: Workspace) -> None:
    workspace.meta.set(NAME, "Répit Aidants")
    workspace.meta.set(SETUP, "done")
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await palette_lines(pilot, "Configurer", "Configurer")
        await pilot.press("enter")
        screen = await setup_shown(pilot, app)
        assert screen.query_one("#setup-name", Input).value == "Répit Aidants"
        await pilot.press("escape")  # closes, writes nothing
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    assert workspace.meta.get(SETUP) == "done"


async def test_in_english(tmp_path: Path, workspace: Workspace) -> None:
    set_language("en")
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await setup_shown(pilot, app)
        shown = " ".join(str(w.render()) for w in screen.query("Static, Label"))
        assert "Welcome to prodtui" in shown and "Service name" in shown


async def test_an_invalid_settings_file_keeps_your_name_for_the_session(
    tmp_path: Path, workspace: Workspace
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("theme = sombre\n", encoding="utf-8")  # not TOML
    app = first_start(workspace, config)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await setup_shown(pilot, app)
        screen.query_one("#setup-author", Input).value = "Camille Martin"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("cette session seulement" in m for m in messages(app))
    assert workspace.author == "Camille Martin"
    assert config.read_text(encoding="utf-8") == "theme = sombre\n"


async def test_a_name_too_long_is_said_and_nothing_is_written(
    tmp_path: Path, workspace: Workspace
) -> None:
    app = first_start(workspace, tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await setup_shown(pilot, app)
        screen.query_one("#setup-team", TextArea).load_text("Léa Martin, " + "x" * 130)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        error = screen.query_one("#setup-error")
        assert error.display and "120 caractères au plus" in str(error.render())
    assert workspace.people.all() == [] and workspace.meta.get(SETUP) == ""
