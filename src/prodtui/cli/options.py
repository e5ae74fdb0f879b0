"""Options shared by the app and every command, the quick parser of the app's own, and the
parser that speaks the user's language (`Parser`): its help, headings and errors come
from the catalogue, through argparse's public API only."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from prodtui import __version__
from prodtui.i18n import t, tn


def heading(title: str) -> str:
    """A section title as the catalogue writes it (« Options : », "Options:"), without
    the colon argparse adds itself: French keeps its narrow no-break space before it."""
    return title.removesuffix(":")


def sentence(text: str) -> str:
    """A help line (« ouvrir … ») as the description its command's own help opens on."""
    return text[:1].upper() + text[1:]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, with the usage line's prefix in the user's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = t("cli.usage") + " "
        super().add_usage(usage, actions, groups, prefix)


class Parser(argparse.ArgumentParser):
    """A parser in the user's language: its own `-h/--help`, its arguments and options
    under translated headings, and a one-line translated error. The commands' subparsers
    are of this class too (argparse makes them of their parent's class)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs["add_help"] = False  # argparse's own says "show this help message and exit"
        super().__init__(**kwargs)
        # Both groups replace argparse's "positional arguments" and "options"; an empty
        # group is not shown.
        self.arguments = self.add_argument_group(heading(t("cli.section.arguments")))
        self.options = self.add_argument_group(heading(t("cli.section.options")))
        self.options.add_argument("-h", "--help", action="help", help=t("cli.help"))

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """Each argument under its translated heading: an option under « Options », a
        positional argument under « Arguments »."""
        option = bool(args) and str(args[0])[:1] in self.prefix_chars
        return (self.options if option else self.arguments).add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """One line, as every other refusal of the command (`prodtui: …`), in the user's
        words, with where to find the help; exit status 2 as argparse's."""
        line = t("cli.error.line", message=user_error(message), prog=self.prog)
        self.exit(2, f"prodtui: {line}\n")


# argparse's messages (Python 3.11 to 3.13), read by pattern: one it does not know is
# kept as argparse wrote it.
_ARGUMENT = re.compile(r"argument (?P<name>.+?): (?P<problem>.+)", re.S)
_CHOICE = re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", re.S)
_INVALID = re.compile(r"invalid \S+ value: (?P<value>.+)", re.S)
_EXPLICIT = re.compile(r"ignored explicit argument (?P<value>.+)", re.S)
_REQUIRED = re.compile(r"the following arguments are required: (?P<names>.+)", re.S)
_UNRECOGNIZED = re.compile(r"unrecognized arguments: (?P<names>.+)", re.S)
_AMBIGUOUS = re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", re.S)


def _unquoted(value: str) -> str:
    """A value argparse quoted with `repr` (its escapes kept), without the quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _names(text: str) -> list[str]:
    return [_unquoted(name) for name in re.split(r",? ", text.strip()) if name]


def user_error(message: str) -> str:
    """argparse's `message` in the user's words."""
    if match := _ARGUMENT.fullmatch(message):
        name, problem = match["name"], match["problem"]
        if (choice := _CHOICE.fullmatch(problem)) and name == t("cli.metavar.command"):
            return t(
                "cli.error.command",
                value=_unquoted(choice["value"]),
                choices=", ".join(_names(choice["choices"])),
            )
        said = _problem(problem)
        if name.startswith("-"):
            return t("cli.error.option", name=name, problem=said)
        return t("cli.error.argument", name=name, problem=said)
    if match := _REQUIRED.fullmatch(message):
        names = match["names"].split(", ")
        return tn("cli.error.required", len(names), names=", ".join(names))
    if match := _UNRECOGNIZED.fullmatch(message):
        names = match["names"].split(" ")
        return tn("cli.error.unrecognized", len(names), names=" ".join(names))
    if match := _AMBIGUOUS.fullmatch(message):
        return t("cli.error.ambiguous", option=match["option"], matches=match["matches"])
    return message


def _problem(problem: str) -> str:
    """What argparse found wrong with one argument, in the user's words."""
    if match := _CHOICE.fullmatch(problem):
        choices = ", ".join(_names(match["choices"]))
        return t("cli.error.choice", value=_unquoted(match["value"]), choices=choices)
    if problem == "expected one argument":
        return t("cli.error.one_value")
    if problem == "expected at least one argument":
        return t("cli.error.values")
    if match := _INVALID.fullmatch(problem):
        return t("cli.error.invalid_value", value=_unquoted(match["value"]))
    if match := _EXPLICIT.fullmatch(problem):
        return t("cli.error.no_value", value=_unquoted(match["value"]))
    return problem


def common_options(
    parser: argparse.ArgumentParser, *, suppress: bool, described: bool = True
) -> None:
    """`--db`, `--config`, `--lang`. Only a parser whose help may be shown is `described`:
    the quick parser of the app's options reads no catalogue."""
    # On subcommands the defaults are suppressed so `prodtui --db X capture …` keeps X.
    default = argparse.SUPPRESS if suppress else None
    path = t("cli.metavar.path") if described else None
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        metavar=path,
        help=t("cli.option.db") if described else None,
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=default,
        metavar=path,
        help=t("cli.option.config") if described else None,
    )
    parser.add_argument(
        "--lang",
        choices=["fr", "en"],
        default=default,
        help=t("cli.option.lang") if described else None,
    )


def app_options(parser: argparse.ArgumentParser, *, described: bool = True) -> None:
    parser.add_argument(
        "--version",
        action="version",
        version=f"prodtui {__version__}",
        help=t("cli.version") if described else None,
    )
    common_options(parser, suppress=False, described=described)
    parser.add_argument(
        "--read-only",
        action="store_true",
        help=t("cli.option.read_only") if described else None,
    )


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
    parser.add_argument(
        "--format",
        choices=choices,
        default=default,
        action=_Format,
        help=t("cli.format", default=default),
    )


class AppOnlyParser(argparse.ArgumentParser):
    """The options of the app alone; any error is left to the full parser to report.
    Its help is never shown (`-h` is left to the full parser): it reads no catalogue."""

    def __init__(self) -> None:
        super().__init__(prog="prodtui", add_help=False)
        app_options(self, described=False)

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def language_of(args: argparse.Namespace | None) -> str:
    """The language the help and the errors of the full parser speak: `--lang`, else
    the settings' (from `--config`, `$PRODTUI_CONFIG` or the user's config dir)."""
    from prodtui.config import load_settings
    from prodtui.paths import config_path

    if args is not None and args.lang:
        return str(args.lang)
    return load_settings(config_path(args.config if args else None)).settings.language
