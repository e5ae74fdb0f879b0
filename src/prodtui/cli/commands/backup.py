"""`prodtui backup [--out PATH]`: a safe copy of the workspace, even while it is in use."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from prodtui.cli.commands import command

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx


def register(commands: Subparsers) -> None:
    backup = command(
        commands, "backup", run_backup, help="copy the workspace safely, even while in use"
    )
    backup.add_argument("--out", type=Path, metavar="PATH")


def run_backup(args: argparse.Namespace, ctx: Ctx) -> int:
    from prodtui.store.backup import backup_workspace

    print(backup_workspace(ctx.workspace_file, args.out))
    return 0
