"""`prodtui --help` and every command's help speak the user's language: French by
default, English with `--lang en` or the settings' `language = "en"`; argparse's own
English words (its usage prefix, its headings, its errors) never reach a French user."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from prodtui.cli.options import user_error

PRODTUI = Path(sys.executable).with_name("prodtui")
NARROW = "\u202f"

COMMANDS = [
    [],
    ["capture"],
    ["demo"],
    ["export"],
    *(["export", what] for what in ("standup", "stories", "recette", "dossier", "raci")),
    *(["export", what] for what in ("json", "roadmap")),
    ["import"],
    *(["import", what] for what in ("stories", "junit", "json", "measures")),
    ["search"],
    ["backup"],
]

# argparse's scaffolding, and English words a French help must not hold once the option
# names, the choices ({md,json}) and the environment variables are set aside.
SCAFFOLDING = re.compile(r"usage:|options:|show this|positional arguments|show program")
ENGLISH = re.compile(
    r"\b(the|of|and|to|with|from|into|show|default|write|workspace|file|help)\b", re.I
)
FRENCH = re.compile(
    r"\b(le|la|les|des|du|une|et|ou|avec|dans|pour|afficher|fichier|défaut|Utilisation)\b"
    r"|[«»\u202f]"
)


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user types it: a clean HOME, no settings, 80 columns."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PRODTUI_", "XDG_")) and name not in ("LANG", "LC_ALL")
    }
    env.update(HOME=str(home), COLUMNS="80", LC_ALL="C.UTF-8")
    return subprocess.run(
        [str(PRODTUI), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def words(text: str) -> str:
    """The help's prose: option names, choices, `$VARIABLES`, metavars and file
    extensions set aside."""
    text = re.sub(r"--?[\w-]+|\{[^}]*\}|\$\w+|\b[A-Z][A-Z-]+\b|\.\w+", " ", text)
    # The command and format names are the same in both languages.
    return re.sub(r"\b(prodtui|capture|demo|export|import|search|backup|small|large)\b", " ", text)


def french_typography_problems(text: str) -> list[str]:
    """What breaks the catalogue's rules: a narrow no-break space before « : ; ! ? », and
    inside « guillemets »."""
    problems = [m.group() for m in re.finditer(r"\S{0,12}(?<=\S)[:;!?](?=\s|$)", text)]
    problems += [m.group() for m in re.finditer(r".{0,12}[ \u00a0][:;!?]", text)]
    problems += [m.group() for m in re.finditer(r"« |«\S| »|\S»", text)]
    return problems


def has_path(argv: list[str]) -> str:
    return " ".join(argv) or "prodtui"


@pytest.mark.parametrize("argv", COMMANDS, ids=has_path)
def test_the_help_is_french_by_default(argv: list[str], tmp_path: Path) -> None:
    result = run(*argv, "--help", home=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Utilisation\u202f: prodtui") and "Options\u202f:" in out
    assert SCAFFOLDING.search(out) is None
    assert ENGLISH.findall(words(out)) == []
    assert french_typography_problems(out) == []
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("argv", COMMANDS, ids=has_path)
def test_the_help_is_english_with_lang_en(argv: list[str], tmp_path: Path) -> None:
    result = run("--lang", "en", *argv, "--help", home=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Usage: prodtui") and "Options:" in out
    assert FRENCH.findall(words(out)) == []
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("argv", [[], ["import", "junit"], ["search"]], ids=has_path)
def test_the_help_follows_the_settings_language(argv: list[str], tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('language = "en"\n', encoding="utf-8")
    english = run("--config", str(settings), *argv, "--help", home=tmp_path)
    assert english.returncode == 0, english.stderr
    assert (
        english.stdout.startswith("Usage: prodtui") and FRENCH.findall(words(english.stdout)) == []
    )
    # `--lang` wins over the settings, wherever it is written.
    french = run(*argv, "--help", "--config", str(settings), "--lang", "fr", home=tmp_path)
    assert french.stdout.startswith("Utilisation\u202f:")


def test_the_help_lists_every_command_and_option(tmp_path: Path) -> None:
    out = run("--help", home=tmp_path).stdout
    for word in ("capture", "demo", "export", "import", "search", "backup", "--db", "--lang"):
        assert word in out
    assert "Commandes\u202f:" in out and "prodtui COMMANDE --help" in out
    junit = run("import", "junit", "--help", home=tmp_path).stdout
    assert "Arguments\u202f:\n  FICHIER" in junit and "--campaign NOM" in junit
    assert "« automatique »".replace(" ", NARROW) in junit


@pytest.mark.parametrize(
    ("argv", "french", "english"),
    [
        (["bogus"], "Commande inconnue : « bogus » (commandes : capture, demo,", "Unknown command"),
        (["--lang", "de"], "Option --lang : choix invalide « de » (choix possibles : fr, en)", ""),
        (
            ["demo", "--size", "huge"],
            "Option --size : choix invalide « huge » (choix possibles : small, large)",
            "Option --size: invalid choice: 'huge' (choose from small, large)",
        ),
        (
            ["export", "recette"],
            "Argument obligatoire manquant : --campaign. Aide : prodtui export recette --help",
            "Missing required argument: --campaign. Help: prodtui export recette --help",
        ),
        (["export"], "Argument obligatoire manquant : CONTENU", "Missing required argument: WHAT"),
        (["search", "x", "--limit", "dix"], "Option --limit : valeur invalide « dix »", "invalid"),
        (["capture", "x", "--nope"], "Argument non reconnu : --nope", "Unrecognized argument"),
    ],
)
def test_a_usage_error_is_one_translated_line(
    argv: list[str], french: str, english: str, tmp_path: Path
) -> None:
    result = run(*argv, home=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("prodtui: ") and french in line.replace(NARROW, " ")
    assert "Traceback" not in result.stderr and SCAFFOLDING.search(line) is None
    assert french_typography_problems(line.removeprefix("prodtui:")) == []
    if english:  # `--lang de` itself is the error: no language was given
        result = run("--lang", "en", *argv, home=tmp_path)
        [line] = result.stderr.splitlines()
        assert result.returncode == 2 and english in line and NARROW not in line


def test_an_argparse_message_it_cannot_read_is_kept_as_it_is() -> None:
    assert user_error("one of the arguments --a --b is required") == (
        "one of the arguments --a --b is required"
    )
