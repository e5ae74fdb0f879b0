"""The full parser of `prodtui`: the app's options, and every command's subparsers."""

from __future__ import annotations

import argparse

from prodtui.cli.commands import backup, capture, demo, exports, imports, search
from prodtui.cli.options import app_defaults, app_options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prodtui",
        description="A keyboard-first terminal workspace for product managers of public "
        "digital services: stand-up, user stories, recette, security.",
    )
    app_options(parser)
    parser.set_defaults(**app_defaults())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    capture.register(commands)
    demo.register(commands)

    export = commands.add_parser("export", help="export part of the workspace")
    exports.register(export.add_subparsers(dest="what", metavar="WHAT", required=True))

    import_ = commands.add_parser("import", help="import into the workspace")
    imports.register(import_.add_subparsers(dest="what", metavar="WHAT", required=True))

    search.register(commands)
    backup.register(commands)
    return parser
