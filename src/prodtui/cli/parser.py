"""The full parser of `prodtui`: the app's options, and every command's subparsers, in
the user's language (set before it is built: see `prodtui.cli.parse_args`)."""

from __future__ import annotations

import argparse

from prodtui.cli.commands import backup, capture, demo, exports, imports, search
from prodtui.cli.options import Parser, app_defaults, app_options, heading, sentence
from prodtui.i18n import t


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="prodtui", description=t("cli.description"), epilog=t("cli.epilog"))
    app_options(parser)
    parser.set_defaults(**app_defaults())
    commands = parser.add_subparsers(
        dest="command", metavar=t("cli.metavar.command"), title=heading(t("cli.section.commands"))
    )
    capture.register(commands)
    demo.register(commands)

    for name, about, section, group in (
        ("export", t("cli.export"), t("cli.section.exports"), exports),
        ("import", t("cli.import"), t("cli.section.imports"), imports),
    ):
        command = commands.add_parser(name, help=about, description=sentence(about))
        group.register(
            command.add_subparsers(
                dest="what", metavar=t("cli.metavar.what"), required=True, title=heading(section)
            )
        )

    search.register(commands)
    backup.register(commands)
    return parser
