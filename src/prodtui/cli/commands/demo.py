"""`prodtui demo`: a fresh demo workspace opened in the app, or written to `--out`."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from prodtui.cli.commands import command
from prodtui.cli.exit_codes import EXIT_USAGE
from prodtui.cli.output import warn
from prodtui.i18n import t
from prodtui.paths import demo_dir

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx

KEPT = 5
"""Demo workspaces kept in the demo folder; older ones are removed."""
MAX_SCALE = 10
"""The largest `--scale` of the large workspace (`domain.sample.large_counts`)."""


def register(commands: Subparsers) -> None:
    demo = command(commands, "demo", run_demo, help=t("cli.demo"))
    demo.add_argument("--size", choices=["small", "large"], help=t("cli.demo.size"))
    demo.add_argument("--out", type=Path, metavar=t("cli.metavar.path"), help=t("cli.demo.out"))
    demo.add_argument("--seed", type=int, default=1, metavar="N", help=t("cli.demo.seed"))
    demo.add_argument("--scale", type=float, metavar="N", help=t("cli.demo.scale"))
    demo.add_argument("--last", action="store_true", help=t("cli.demo.last"))


def run_demo(args: argparse.Namespace, ctx: Ctx) -> int:
    from prodtui.sample.demo import build_demo_workspace
    from prodtui.sample.large import generate_large_workspace

    if args.last:
        if args.out or args.size:
            warn(t("demo.last_alone"))
            return EXIT_USAGE
        return reopen_last(ctx)
    if args.scale is not None and (args.size != "large" or not 0 < args.scale <= MAX_SCALE):
        warn(t("demo.scale_invalid"))
        return EXIT_USAGE
    if args.out:
        out: Path = args.out.expanduser()
        if out.exists():
            warn(t("demo.exists", path=str(out)))
            return EXIT_USAGE
        if args.size == "large":
            generate_large_workspace(out, seed=args.seed, scale=args.scale or 1.0)
        else:
            build_demo_workspace(out)
        print(out)
        return 0
    if args.size == "large":
        warn(t("demo.large_needs_out"))
        return EXIT_USAGE
    # A fresh copy each time: the demo is there to be played with. Its path is said in
    # the app and again on the terminal after it, so the morning's work can be found.
    folder = demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{datetime.now():%Y%m%d-%H%M%S-%f}.db"
    build_demo_workspace(path)
    for old in copies(folder)[:-KEPT]:
        for companion in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            companion.unlink(missing_ok=True)
    return open_copy(path, ctx, t("demo.opened", path=str(path)))


def copies(folder: Path) -> list[Path]:
    """The demo copies of `folder`, oldest first (their names hold their time)."""
    return sorted(folder.glob("demo-*.db"))


def reopen_last(ctx: Ctx) -> int:
    """`prodtui demo --last`: the latest copy as it was left."""
    folder = demo_dir()
    found = copies(folder) if folder.is_dir() else []
    if not found:
        warn(t("demo.no_copy", folder=str(folder)))
        return EXIT_USAGE
    return open_copy(found[-1], ctx, t("demo.reopened", path=str(found[-1])))


def open_copy(path: Path, ctx: Ctx, notice: str) -> int:
    from prodtui.cli.tui import run_tui

    try:
        return run_tui(path, ctx, read_only=False, notice=notice)
    finally:
        print(t("demo.left", path=str(path)))
