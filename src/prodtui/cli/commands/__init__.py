"""The commands of `prodtui`: each module registers its subparsers (`register`) with the
handler they run (`func`) and whether stdout gets JSON (`json_output`). Handlers import
the store, the use cases and the formats when they run, so building the parser stays
light (no Textual, no workspace)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prodtui.cli.options import Parser, common_options, sentence

if TYPE_CHECKING:
    from prodtui.cli.context import Ctx
    from prodtui.store.workspace import Workspace

    Subparsers = argparse._SubParsersAction[Parser]

Handler = Callable[[argparse.Namespace, "Ctx"], int]


def command(
    subparsers: Subparsers, name: str, handler: Handler, *, json_output: bool = False, **kw: Any
) -> argparse.ArgumentParser:
    """A subparser that runs `handler`, with the options every command takes; its help
    line is also the description its own `--help` opens on."""
    if "help" in kw:
        kw.setdefault("description", sentence(kw["help"]))
    parser = subparsers.add_parser(name, **kw)
    common_options(parser, suppress=True)
    parser.set_defaults(func=handler, json_output=json_output)
    return parser


def opened(run: Callable[[argparse.Namespace, Workspace], int], *, verify: bool = False) -> Handler:
    """A handler given the workspace named, open, and closed after it: `run` keeps the
    `(args, workspace)` signature the tests call it with. `verify` (for the commands that
    write) refuses a damaged file."""

    def handler(args: argparse.Namespace, ctx: Ctx) -> int:
        with ctx.workspace(verify=verify) as workspace:
            return run(args, workspace)

    handler.__name__ = handler.__qualname__ = run.__name__
    return handler
