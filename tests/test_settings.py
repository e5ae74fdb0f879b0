"""Settings: defaults, errors reported with their line, atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from prodtui.config import Settings, SettingsNotSaved, load_settings, save_settings
from prodtui.i18n import error_message
from prodtui.store import Workspace


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "none.toml")
    assert loaded.settings == Settings()
    assert loaded.settings.language == "fr"
    assert loaded.problem is None and loaded.writable


def test_a_valid_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'author = "Camille Martin"\nlanguage = "en"\ntheme = "textual-light"\n'
        '[keymap]\ncapture = "ctrl+k"\n',
        encoding="utf-8",
    )
    settings = load_settings(path).settings
    assert settings.author == "Camille Martin"
    assert settings.language == "en"
    assert settings.keymap == {"capture": "ctrl+k"}


def test_broken_toml_is_reported_with_its_line_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = 'author = "Camille"\n\ntheme = textual-dark\n'
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.problem is not None and loaded.problem.line == 3
    assert not loaded.writable
    assert path.read_text(encoding="utf-8") == text


def test_a_wrong_value_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('author = "Camille"\n# langue\nlanguage = "de"\n', encoding="utf-8")
    problem = load_settings(path).problem
    assert problem is not None
    assert problem.line == 3
    assert "language" in problem.detail


def test_an_unknown_setting_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[stuff]\nx = 1\n", encoding="utf-8")
    problem = load_settings(path).problem
    assert problem is not None and problem.line == 1


def test_save_then_load_round_trips_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "dir" / "config.toml"
    settings = Settings(
        author="Léa",
        language="en",
        theme="nord",
        keymap={"help": "f2"},
        default_workspace=Path("/srv/ws.db"),
    )
    save_settings(settings, path)
    assert load_settings(path).settings == settings
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


# -- the file stays the user's ----------------------------------------------------------------

USERS_FILE = """\
# Mes réglages prodtui, écrits à la main.
author = "Camille Martin"   # dans le journal et comme testeuse

[keymap]  # mes raccourcis
capture = "ctrl+k"          # la capture rapide
"""


def test_saving_a_key_keeps_the_comments_the_order_and_the_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    settings = load_settings(path).settings.model_copy(update={"theme": "nord"})
    save_settings(settings, path, ["theme"])
    text = path.read_text(encoding="utf-8")
    # The new key comes before the first table, everything else as written.
    assert text == USERS_FILE.replace(
        "# dans le journal et comme testeuse\n",
        '# dans le journal et comme testeuse\ntheme = "nord"\n',
    )
    assert load_settings(path).settings == settings


def test_a_changed_value_keeps_its_comment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    loaded = load_settings(path).settings
    save_settings(loaded.model_copy(update={"author": "Léa Roux"}), path, ["author"])
    assert path.read_text(encoding="utf-8") == USERS_FILE.replace("Camille Martin", "Léa Roux")
    keymap = loaded.keymap | {"capture": "ctrl+j", "help": "f2"}
    save_settings(loaded.model_copy(update={"keymap": keymap}), path, ["keymap"])
    text = path.read_text(encoding="utf-8")
    assert 'capture = "ctrl+j"          # la capture rapide\nhelp = "f2"\n' in text
    assert "[keymap]  # mes raccourcis\n" in text


def test_only_the_keys_named_are_written(tmp_path: Path) -> None:
    """The app saves the theme with the settings it read at start: an author typed into
    the file meanwhile (in an editor) is not put back as it was."""
    path = tmp_path / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    at_start = load_settings(path).settings
    path.write_text(USERS_FILE.replace("Camille Martin", "Camille Martin-Roux"), encoding="utf-8")
    save_settings(at_start.model_copy(update={"theme": "nord"}), path, ["theme"])
    saved = load_settings(path).settings
    assert (saved.author, saved.theme) == ("Camille Martin-Roux", "nord")


def test_a_new_file_holds_only_what_was_set(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings(Settings(author="Léa"), path)
    assert path.read_text(encoding="utf-8") == 'author = "Léa"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    path.chmod(0o644)
    save_settings(Settings(theme="nord"), path, ["theme"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_symlinked_file_is_written_through_the_link(tmp_path: Path) -> None:
    """Settings kept in a dotfiles repository and linked into ~/.config: the link stays,
    its target is updated, and no temporary file is left on either side."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "prodtui.toml"
    target.write_text(USERS_FILE, encoding="utf-8")
    config = tmp_path / "config"
    config.mkdir()
    link = config / "config.toml"
    link.symlink_to(target)
    save_settings(Settings(theme="nord"), link, ["theme"])
    assert link.is_symlink() and link.resolve() == target
    assert 'theme = "nord"' in target.read_text(encoding="utf-8")
    assert "# Mes réglages prodtui" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in dotfiles.iterdir()) == ["prodtui.toml"]
    assert sorted(p.name for p in config.iterdir()) == ["config.toml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_a_read_only_folder_is_a_clear_refusal_and_the_file_is_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    folder.chmod(0o555)
    try:
        with pytest.raises(SettingsNotSaved) as refused:
            save_settings(Settings(theme="nord"), path, ["theme"])
    finally:
        folder.chmod(0o755)
    message = error_message(refused.value)
    assert message.startswith(f"Réglages non enregistrés dans {path}\u202f: "), message
    assert message.endswith("Ils valent pour cette session seulement.")
    assert path.read_text(encoding="utf-8") == USERS_FILE
    assert [p.name for p in folder.iterdir()] == ["config.toml"]


def test_a_folder_that_cannot_be_made_is_a_clear_refusal(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("a file where a folder should be\n", encoding="utf-8")
    path = tmp_path / "config" / "config.toml"
    with pytest.raises(SettingsNotSaved) as refused:
        save_settings(Settings(theme="nord"), path, ["theme"])
    assert error_message(refused.value).startswith(f"Réglages non enregistrés dans {path}\u202f: ")


async def test_the_app_says_why_a_theme_was_not_saved(tmp_path: Path, workspace: Workspace) -> None:
    from prodtui.ui.app import ProdtuiApp

    folder = tmp_path / "config"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    app = ProdtuiApp(workspace, load_settings(path), path)
    # Once read, the folder goes, and a file takes its name: nothing can be written there.
    path.unlink()
    folder.rmdir()
    folder.write_text("a file where a folder should be\n", encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith(f"Réglages non enregistrés dans {path}") for m in messages)
        assert app.settings.theme == "nord"  # for the session


async def test_a_theme_chosen_in_the_app_keeps_the_users_file(
    tmp_path: Path, workspace: Workspace
) -> None:
    from prodtui.ui.app import ProdtuiApp

    path = tmp_path / "config.toml"
    path.write_text(USERS_FILE, encoding="utf-8")
    app = ProdtuiApp(workspace, load_settings(path), path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    text = path.read_text(encoding="utf-8")
    assert text == USERS_FILE.replace("testeuse\n", 'testeuse\ntheme = "nord"\n')
