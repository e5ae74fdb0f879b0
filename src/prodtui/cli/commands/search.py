"""`prodtui search WORDS…`: stories, captures, stand-ups, recette, measures and risks."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from prodtui.cli.commands import command
from prodtui.cli.options import format_option
from prodtui.cli.output import warn
from prodtui.i18n import t

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx


def register(commands: Subparsers) -> None:
    search = command(
        commands,
        "search",
        run_search,
        help=t("cli.search"),
    )
    search.add_argument(
        "query", nargs="+", metavar=t("cli.metavar.words"), help=t("cli.search.query")
    )
    format_option(search, ["text", "json"], "text")
    search.add_argument("--limit", type=int, default=50, metavar="N", help=t("cli.search.limit"))


def run_search(args: argparse.Namespace, ctx: Ctx) -> int:
    import json

    from prodtui.domain.errors import WorkspaceError

    query = " ".join(args.query)
    try:  # read-only unless the file needs its migrations (the search index among them)
        workspace = ctx.open_ws(read_only=True)
    except WorkspaceError as error:
        if error.key != "workspace.read_only_old":
            raise
        workspace = ctx.open_ws()
    try:
        hits = workspace.search.search(query, limit=max(args.limit, 0))
    finally:
        workspace.close()
    if args.format == "json":
        fields = {"kind", "ref", "key", "title", "snippet", "marks", "rank"}
        rows = [hit.model_dump(mode="json", include=fields) for hit in hits]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        warn(t("search.none", query=query))
    for hit in hits:
        print(f"{t(hit.kind.label_key):<10} {hit.key:<12} {hit.title}")
        print(f"{'':<10} {hit.marked('**', '**')}")
    return 0
