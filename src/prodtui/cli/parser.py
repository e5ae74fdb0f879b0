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

    export = commands.add_parser(
        "export", help=t("cli.export"), description=sentence(t("cli.export"))
    )
    exports.register(
        export.add_subparsers(
            dest="what",
            metavar=t("cli.metavar.what"),
            required=True,
            title=heading(t("cli.section.exports")),
        )
    )

    import_ = commands.add_parser(
        "import", help=t("cli.import"), description=sentence(t("cli.import"))
    )
    imports.register(
        import_.add_subparsers(
            dest="what",
            metavar=t("cli.metavar.what"),
            required=True,
            title=heading(t("cli.section.imports")),
        )
    )

    search.register(commands)
    backup.register(commands)
    return parser
