"""Options shared by the app and every command, and the quick parser of the app's own."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from prodtui import __version__


def common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # On subcommands the defaults are suppressed so `prodtui --db X capture …` keeps X.
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        metavar="PATH",
        help="workspace file (default: $PRODTUI_DB, then the settings, then the user data dir)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=default,
        metavar="PATH",
        help="settings file (default: $PRODTUI_CONFIG, then the user config dir)",
    )
    parser.add_argument(
        "--lang",
        choices=["fr", "en"],
        default=default,
        help="language of the interface (default: from the settings, else fr)",
    )


def app_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"prodtui {__version__}")
    common_options(parser, suppress=False)
    parser.add_argument("--read-only", action="store_true", help="open the workspace read-only")


def app_defaults() -> dict[str, Any]:
    """What the app alone (no command) finds in its arguments besides its options: no
    handler (`func`), so `main` runs the TUI, and plain text on stdout."""
    return {"command": None, "func": None, "json_output": False}


class _Format(argparse.Action):
    """`--format`: also says whether stdout gets JSON, so that `main` escapes it as such."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        namespace.json_output = values == "json"


def format_option(parser: argparse.ArgumentParser, choices: list[str], default: str) -> None:
    parser.add_argument("--format", choices=choices, default=default, action=_Format)


class AppOnlyParser(argparse.ArgumentParser):
    """The options of the app alone; any error is left to the full parser to report."""

    def __init__(self) -> None:
        super().__init__(prog="prodtui", add_help=False)
        app_options(self)

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)
