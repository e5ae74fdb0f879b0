"""`prodtui capture TEXT…`: one line into the inbox, with the quick-capture syntax."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from prodtui.cli.commands import command
from prodtui.cli.exit_codes import EXIT_USAGE
from prodtui.cli.output import warn
from prodtui.i18n import t

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx


def register(commands: Subparsers) -> None:
    capture = command(commands, "capture", run_capture, help=t("cli.capture"))
    capture.add_argument(
        "text", nargs="+", metavar=t("cli.metavar.text"), help=t("cli.capture.text")
    )


def run_capture(args: argparse.Namespace, ctx: Ctx) -> int:
    from prodtui.domain.capture import parse_capture
    from prodtui.texts import describe_item

    ctx.warn_settings()
    line = " ".join(args.text)
    parsed = parse_capture(line, date.today())
    if not parsed.text:
        warn(t("capture.empty"))
        return EXIT_USAGE
    with ctx.workspace(verify=True) as workspace:
        item = workspace.items.capture(parsed, source="cli")
    for problem in parsed.problems:
        warn(t(problem))
    print(describe_item(item))
    return 0
