"""Settings: defaults, errors reported with their line, atomic writes."""

from __future__ import annotations

from pathlib import Path

from prodtui.config import Settings, load_settings, save_settings


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
