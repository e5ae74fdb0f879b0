"""`prodtui export WHAT`: the stand-up, the stories, a recette report, the homologation
dossier, the responsibilities, the whole workspace as JSON and the roadmap."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from prodtui.cli.commands import command, opened
from prodtui.cli.exit_codes import EXIT_USAGE
from prodtui.cli.options import format_option
from prodtui.cli.output import export_text, warn
from prodtui.cli.progress import Progress, interrupted
from prodtui.i18n import t, tn

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx
    from prodtui.store.workspace import Workspace


def register(exports: Subparsers) -> None:
    path = t("cli.metavar.path")
    out_help = t("cli.export.out")

    standup = command(exports, "standup", run_export_standup, help=t("cli.export.standup"))
    standup.add_argument("--date", metavar=t("cli.metavar.day"), help=t("cli.export.date"))
    format_option(standup, ["md", "json"], "md")
    standup.add_argument("--out", type=Path, metavar=path, help=t("cli.export.standup_out"))

    stories = command(exports, "stories", run_export_stories, help=t("cli.export.stories"))
    stories.add_argument(
        "--format",
        choices=["feature", "md", "csv"],
        default="feature",
        help=t("cli.format", default="feature"),
    )
    stories.add_argument(
        "--out", type=Path, metavar=path, required=True, help=t("cli.export.stories_out")
    )

    recette = command(exports, "recette", opened(run_export_recette), help=t("cli.export.recette"))
    recette.add_argument(
        "--campaign",
        required=True,
        metavar=t("cli.metavar.name"),
        help=t("cli.export.campaign"),
    )
    recette.add_argument("--out", type=Path, metavar=path, help=out_help)

    dossier = command(exports, "dossier", run_export_dossier, help=t("cli.export.dossier"))
    dossier.add_argument("--out", type=Path, metavar=path, help=out_help)

    raci = command(exports, "raci", opened(run_export_raci), help=t("cli.export.raci"))
    raci.add_argument("--out", type=Path, metavar=path, help=out_help)

    json_export = command(
        exports, "json", opened(run_export_json), json_output=True, help=t("cli.export.json")
    )
    json_export.add_argument("--out", type=Path, metavar=path, help=out_help)

    roadmap = command(exports, "roadmap", opened(run_export_roadmap), help=t("cli.export.roadmap"))
    format_option(roadmap, ["md", "json"], "md")
    roadmap.add_argument(
        "--from", dest="first", metavar=t("cli.metavar.month"), help=t("cli.export.from")
    )
    roadmap.add_argument("--months", type=int, metavar="N", help=t("cli.export.months"))
    roadmap.add_argument("--out", type=Path, metavar=path, help=out_help)


def run_export_standup(args: argparse.Namespace, ctx: Ctx) -> int:
    """`prodtui export standup [--date DAY] [--format md|json] [--out PATH]`."""
    from prodtui.app.standup import standup_export
    from prodtui.domain.capture import parse_day
    from prodtui.exchange.files import write_new_text

    ctx.warn_settings()
    day = date.today()
    if args.date:
        parsed = parse_day(args.date, day)
        if parsed is None:
            warn(t("standup.bad_date", value=args.date))
            return EXIT_USAGE
        day = parsed
    with ctx.workspace() as workspace:
        text = standup_export(workspace, day, args.format)
    if args.out:
        write_new_text(args.out.expanduser(), text, json=args.format == "json")
        print(args.out)
    else:
        sys.stdout.write(text)
    return 0


def run_export_stories(args: argparse.Namespace, ctx: Ctx) -> int:
    """`prodtui export stories --format feature|md|csv --out PATH`."""
    from prodtui.app.stories import write_stories

    with ctx.workspace() as workspace:
        written = write_stories(workspace, args.format, args.out.expanduser())
    print(tn("story.exported", written, path=str(args.out)))
    return 0


def run_export_recette(args: argparse.Namespace, workspace: Workspace) -> int:
    """`prodtui export recette --campaign NAME [--out PATH]`: the report on stdout, or in a
    new file."""
    from prodtui.app.recette import campaign_report, named_campaign

    def report() -> str:
        return campaign_report(workspace, named_campaign(workspace, args.campaign))

    return export_text(workspace, getattr(args, "out", None), report)


def run_export_dossier(args: argparse.Namespace, ctx: Ctx) -> int:
    """`prodtui export dossier [--out PATH]`: the dossier on stdout, or in a new file."""
    from prodtui.app.dossier import workspace_dossier

    today = date.today()
    with ctx.workspace() as workspace:
        return export_text(
            workspace, getattr(args, "out", None), lambda: workspace_dossier(workspace, today)
        )


def run_export_raci(args: argparse.Namespace, ws: Workspace) -> int:
    """`prodtui export raci [--out PATH]`: stdout, or a new file whose path is printed."""
    from prodtui.app.responsibilities import responsibilities_report

    return export_text(ws, getattr(args, "out", None), lambda: responsibilities_report(ws))


def run_export_json(args: argparse.Namespace, ws: Workspace) -> int:
    """`prodtui export json [--out PATH]`: stdout, or a new file whose path is printed."""
    from prodtui.app.workspace_dump import dump_workspace, export_json_file

    out = getattr(args, "out", None)
    stopped = interrupted("bulk.export_interrupted") if out else contextlib.nullcontext()
    with stopped, Progress(t("bulk.exporting_json")) as progress:
        if out:
            summary = export_json_file(ws, Path(out), progress.update)
        else:
            dump_workspace(ws, sys.stdout, progress.update)
    if out:
        print(t("json.exported", tables=summary.tables, rows=summary.rows, path=str(out)))
    else:
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.flush()
    return 0


def run_export_roadmap(args: argparse.Namespace, ws: Workspace) -> int:
    """`prodtui export roadmap [--format md|json] [--from YYYY-MM] [--months N] [--out PATH]`:
    stdout, or a new file whose path is printed."""
    from prodtui.app.roadmap import roadmap_export
    from prodtui.domain.roadmap import MAX_MONTHS, Window, default_window, parse_month

    today = date.today()
    window = default_window(today)
    first = parse_month(args.first) if args.first else window.first
    if first is None:
        warn(t("roadmap.bad_from", value=args.first))
        return EXIT_USAGE
    months = window.months if args.months is None else args.months
    if not 1 <= months <= MAX_MONTHS:
        warn(t("roadmap.bad_months", value=months, most=MAX_MONTHS))
        return EXIT_USAGE
    chosen = Window(first, months)
    return export_text(
        ws, getattr(args, "out", None), lambda: roadmap_export(ws, chosen, today, args.format)
    )
