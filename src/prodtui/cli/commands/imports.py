"""`prodtui import WHAT`: stories (CSV, .feature), a JUnit report into a campaign, a JSON
dump restored into a new file, and a referential of security measures."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from prodtui.cli.commands import command, opened
from prodtui.cli.exit_codes import EXIT_FAILURE, EXIT_USAGE, exit_status
from prodtui.cli.output import print_problems, warn
from prodtui.cli.progress import Progress, interrupted
from prodtui.domain.errors import ProdtuiError
from prodtui.i18n import error_message, t, tn

if TYPE_CHECKING:
    from prodtui.cli.commands import Subparsers
    from prodtui.cli.context import Ctx
    from prodtui.store.workspace import Workspace


def register(imports: Subparsers) -> None:
    file = t("cli.metavar.file")
    stories = command(imports, "stories", run_import_stories, help=t("cli.import.stories"))
    stories.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar=t("cli.metavar.path"),
        help=t("cli.import.paths"),
    )
    stories.add_argument("--keep-valid", action="store_true", help=t("cli.import.keep_valid"))

    junit = command(
        imports, "junit", opened(run_import_junit, verify=True), help=t("cli.import.junit")
    )
    junit.add_argument("file", type=Path, metavar=file, help=t("cli.import.junit_file"))
    junit.add_argument(
        "--campaign",
        required=True,
        metavar=t("cli.metavar.name"),
        help=t("cli.import.campaign"),
    )
    junit.add_argument("--keep-valid", action="store_true", help=t("cli.import.junit_keep_valid"))
    junit.add_argument("--create", action="store_true", help=t("cli.import.create"))
    junit.add_argument("--tester", metavar=t("cli.metavar.name"), help=t("cli.import.tester"))

    json_import = command(imports, "json", run_import_json, help=t("cli.import.json"))
    json_import.add_argument("file", type=Path, metavar=file, help=t("cli.import.json_file"))

    measures = command(
        imports,
        "measures",
        opened(run_import_measures, verify=True),
        help=t("cli.import.measures"),
    )
    measures.add_argument("file", type=Path, metavar=file, help=t("cli.import.measures_file"))


def run_import_stories(args: argparse.Namespace, ctx: Ctx) -> int:
    """`prodtui import stories PATH… [--keep-valid]`: every problem on stderr with its
    position; nothing is written while one remains, unless `--keep-valid`."""
    from prodtui.app.stories import read_story_files
    from prodtui.store.stories import ImportRefused

    with Progress(t("bulk.reading_stories")) as reading:
        result = read_story_files([p.expanduser() for p in args.paths], reading.update)
    print_problems(result.problems)
    records = result.stories if args.keep_valid else result.importable
    if result.problems and not args.keep_valid:
        warn(tn("story.import_nothing", len(result.problems)))
        return EXIT_USAGE
    with (
        interrupted(),  # said once the bar is gone and the transaction rolled back
        ctx.workspace(verify=True) as workspace,
        Progress(t("bulk.importing_stories"), len(records)) as writing,
    ):
        try:
            outcome = workspace.stories.import_stories(
                records, keep_valid=args.keep_valid, progress=writing.update
            )
        except ImportRefused as refused:
            print_problems(refused.problems)
            warn(tn("story.import_nothing", len(refused.problems)))
            return EXIT_USAGE
    print(outcome.summary())
    return 0


def run_import_junit(args: argparse.Namespace, workspace: Workspace) -> int:
    """`prodtui import junit FILE --campaign NAME [--create] [--tester NAME] [--keep-valid]`:
    one summary line on stdout (after one saying the campaign was created); a refusal on
    stderr with exit status 2, nothing written."""
    from prodtui.app.recette import import_junit_named
    from prodtui.store.recette import JUnitImportRefused

    path = Path(args.file).expanduser()
    try:
        # ctrl+c: said once the bar is gone and the transaction rolled back.
        with interrupted(), Progress(t("bulk.importing_junit")) as progress:
            outcome, created = import_junit_named(
                workspace,
                args.campaign,
                path,
                create=bool(getattr(args, "create", False)),
                keep_valid=bool(getattr(args, "keep_valid", False)),
                tester=getattr(args, "tester", None),
                progress=progress.update,
            )
    except JUnitImportRefused as refused:
        print_problems(refused.problems)
        warn(error_message(refused))
        return EXIT_USAGE
    except (ProdtuiError, ValidationError) as error:
        warn(error_message(error))
        return exit_status(error)  # 1 for a full disk or an unreadable file
    except sqlite3.DatabaseError as error:  # the transaction was rolled back
        warn(str(error))
        return EXIT_FAILURE
    if created:
        print(t("junit.campaign_created", name=outcome.campaign))
    print_problems(outcome.skipped)
    if outcome.skipped:
        warn(tn("junit.kept_valid", len(outcome.skipped)))
    print(outcome.summary())
    return 0


def run_import_json(args: argparse.Namespace, ctx: Ctx) -> int:
    """`prodtui import json FILE --db NEW`: a refused dump lists its problems on stderr,
    one a line, before the one-line summary `main` prints."""
    from prodtui.app.workspace_dump import restore_workspace
    from prodtui.exchange.workspace_json import DumpRefused

    target = ctx.workspace_file
    try:
        with interrupted(), Progress(t("bulk.restoring_json")) as progress:
            summary = restore_workspace(
                args.file, target, author=ctx.loaded.settings.author, progress=progress.update
            )
    except DumpRefused as refused:
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        raise
    print(t("json.restored", tables=summary.tables, rows=summary.rows, path=str(target)))
    return 0


def run_import_measures(args: argparse.Namespace, workspace: Workspace) -> int:
    """`prodtui import measures FILE`: one summary line on stdout; each problem of a
    refused file on stderr with its position, exit status 2, nothing written."""
    from prodtui.exchange.referential import ReferentialRefused, read_referential

    path = Path(args.file).expanduser()
    try:
        outcome = workspace.measures.import_measures(read_referential(path), path.name)
    except ReferentialRefused as refused:
        print_problems(refused.problems)
        warn(error_message(refused))
        return EXIT_USAGE
    print(outcome.summary())
    return 0
