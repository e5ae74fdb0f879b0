"""The app itself, run from the command line: `prodtui` with no command, and `prodtui demo`."""

from __future__ import annotations

import argparse
import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

from prodtui.cli.context import Ctx
from prodtui.cli.output import raw_streams


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Start-up allocates many long-lived objects (Textual, pydantic schemas): collecting
    garbage meanwhile is wasted time. The app turns collection back on once warmed up
    (`ProdtuiApp._collect_again`); this turns it back on whatever happens."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_app(args: argparse.Namespace, ctx: Ctx) -> int:
    """`prodtui [--db PATH] [--read-only]`: the workspace in the terminal."""
    return run_tui(ctx.workspace_file, ctx, read_only=args.read_only)


def run_tui(path: Path, ctx: Ctx, *, read_only: bool, notice: str = "") -> int:
    """The app on the workspace at `path`; `notice` is said once the first screen is up.
    A workspace without a name or a team gets the first-start questions."""
    with collection_paused():
        workspace = ctx.open_ws(path, read_only=read_only)
        from prodtui.ui.app import ProdtuiApp  # once open: a refused file is said sooner

        app = ProdtuiApp(workspace, ctx.loaded, ctx.cfg_path, warm_up=True, setup=True)
        if notice:
            app.notify(notice, timeout=12, markup=False)  # shown once the app runs
        try:
            with raw_streams():
                app.run()
        finally:
            workspace.close()
        return app.return_code or 0
