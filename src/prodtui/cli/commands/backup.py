"""`prodtui backup [--out PATH]`: a safe copy of the workspace, even while it is in use."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from prodtui.cli.commands import command
from prodtui.i18n import t

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx


def register(commands: Subparsers) -> None:
    backup = command(commands, "backup", run_backup, help=t("cli.backup"))
    backup.add_argument("--out", type=Path, metavar=t("cli.metavar.path"), help=t("cli.backup.out"))


def run_backup(args: argparse.Namespace, ctx: Ctx) -> int:
    from prodtui.store.backup import backup_workspace

    print(backup_workspace(ctx.workspace_file, args.out))
    return 0
