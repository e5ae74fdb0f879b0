"""JUnit reports into a campaign: the file is read and checked by `exchange.junit`, the
results written here in one transaction."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.exchange.junit import read_junit
from prodtui.failures import EXIT_FAILURE, EXIT_USAGE, exit_status
from prodtui.i18n import error_message, tn
from prodtui.store.recette import AutomatedImport, CampaignReadOnly, JUnitImportRefused, recette

if TYPE_CHECKING:
    from prodtui.domain.recette import Campaign
    from prodtui.store.workspace import Workspace


def import_junit(
    workspace: Workspace, campaign: Campaign, path: Path, *, keep_valid: bool = False
) -> AutomatedImport:
    """Read `path` and record its results in `campaign`, in one transaction."""
    if campaign.read_only:  # said before reading a possibly large file
        raise CampaignReadOnly(campaign)
    report = read_junit(path)
    return recette(workspace).executions.import_automated(
        campaign, report.results, keep_valid=keep_valid
    )


def run_import_junit(args: argparse.Namespace, workspace: Workspace) -> int:
    """`prodtui import junit FILE --campaign NAME [--keep-valid]`: one summary line on
    stdout; a refusal on stderr with exit status 2, nothing written."""
    path = Path(args.file).expanduser()
    try:
        campaign = recette(workspace).campaigns.named(args.campaign)
        if campaign is None:
            raise ProdtuiError("recette.campaign_unknown", name=args.campaign)
        outcome = import_junit(
            workspace, campaign, path, keep_valid=bool(getattr(args, "keep_valid", False))
        )
    except JUnitImportRefused as refused:
        for problem in refused.problems:
            print(f"{problem.position}: {problem.message}", file=sys.stderr)
        print(f"prodtui: {error_message(refused)}", file=sys.stderr)
        return EXIT_USAGE
    except (ProdtuiError, ValidationError) as error:
        print(f"prodtui: {error_message(error)}", file=sys.stderr)
        return exit_status(error)  # 1 for a full disk or an unreadable file
    except sqlite3.DatabaseError as error:  # the transaction was rolled back
        print(f"prodtui: {error}", file=sys.stderr)
        return EXIT_FAILURE
    for problem in outcome.skipped:
        print(f"{problem.position}: {problem.message}", file=sys.stderr)
    if outcome.skipped:
        kept = tn("junit.kept_valid", len(outcome.skipped))
        print(f"prodtui: {kept}", file=sys.stderr)
    print(outcome.summary())
    return 0
