"""The `prodtui` command: the workspace in the terminal, plus scriptable subcommands.

This module is the path of every start: it parses the app's own options without building
the parsers of the commands (`prodtui.cli.parser`), and runs the TUI (`prodtui.cli.tui`)
when no command is given, else the command's handler (`args.func`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from prodtui.cli.exit_codes import EXIT_INTERRUPTED
from prodtui.cli.options import AppOnlyParser, app_defaults, language_of
from prodtui.cli.output import json_stdout, report, safe_streams
from prodtui.i18n import set_language
from prodtui.paths import config_path

if TYPE_CHECKING:
    from prodtui.cli.commands import Handler


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Opening the app, with its options only, is the common case: it is parsed without
    building the parsers of every subcommand (a few ms of the first paint). Anything
    else (a command, `--help`, an error) goes to the full parser, built in the user's
    language."""
    tokens = sys.argv[1:] if argv is None else argv
    args: argparse.Namespace | None
    try:
        args, rest = AppOnlyParser().parse_known_args(tokens)
    except argparse.ArgumentError:
        args, rest = None, tokens
    if rest:
        # The help and the errors speak the user's language: `--lang` or the settings'.
        set_language(language_of(args))
        return build_parser().parse_args(tokens)
    assert args is not None
    for name, value in app_defaults().items():
        setattr(args, name, value)
    return args


def build_parser() -> argparse.ArgumentParser:
    from prodtui.cli.parser import build_parser

    return build_parser()


def main(argv: list[str] | None = None) -> int:
    """Run the command. Whatever happens, the user reads one line per problem, never a
    traceback (unexpected errors leave theirs in the private log), and nothing printed
    holds a character the terminal would act on (text stored by an older version, a
    value echoed back): stdout and stderr escape it, JSON as `\\uXXXX`."""
    with safe_streams():
        try:
            status = _main(argv)
            sys.stdout.flush()  # a full disk or a closed pipe on stdout is said here
            return status
        except SystemExit:
            raise
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        except BaseException as error:
            return report(error, "")


def _main(argv: list[str] | None) -> int:
    args = parse_args(argv)
    if args.func is None:  # no command: the app itself
        from prodtui.cli.tui import collection_paused, run_app

        with collection_paused():  # from the settings on: see `collection_paused`
            return _run(args, run_app)
    if args.json_output:
        json_stdout()
    return _run(args, args.func)


def _run(args: argparse.Namespace, handler: Handler) -> int:
    from prodtui.cli.context import Ctx
    from prodtui.config import load_settings

    cfg_path = config_path(args.config)
    loaded = load_settings(cfg_path)
    set_language(args.lang or loaded.settings.language)
    ctx = Ctx(args, loaded, cfg_path)
    try:
        return handler(args, ctx)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:
        return report(error, ctx.workspace_file)
