"""Recette use cases: a campaign found by the name the user typed, its report, and a
JUnit report recorded into it."""

from __future__ import annotations

from contextlib import suppress
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from prodtui.domain.errors import NotFoundError, ProdtuiError
from prodtui.domain.recette import Campaign
from prodtui.exchange.recette_report import case_of, recette_report
from prodtui.i18n import t

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from prodtui.domain.stories import Story
    from prodtui.store.recette import AutomatedImport, ReportResults
    from prodtui.store.workspace import Workspace


def named_campaign(workspace: Workspace, name: str) -> Campaign:
    """The campaign called `name` (case does not matter); refused when there is none."""
    campaign = workspace.campaigns.named(name)
    if campaign is None:
        raise ProdtuiError("recette.campaign_unknown", name=name)
    return campaign


def campaign_report(workspace: Workspace, campaign: Campaign) -> str:
    """The report of `campaign` as stored now: its latest results, and only the cases and
    stories they name (read in chunks by the repositories, not the whole workspace)."""
    assert campaign.id is not None
    campaign = workspace.campaigns.get(campaign.id)  # its state may have moved since read
    latest = workspace.executions.latest_per_case(campaign)
    numbers = {n for e in latest.values() if isinstance(n := e.case_snapshot.get("number"), int)}
    cases = {
        case.id: case
        for case in workspace.test_cases.by_numbers(numbers).values()
        if case.id is not None and case.id in latest
    }
    stories: dict[int, Story] = {}
    for story_id in {case_of(e, cases).story_id for e in latest.values()}:
        if story_id is None:
            continue
        with suppress(NotFoundError):  # a deleted story: its cases count as "no story"
            stories[story_id] = workspace.stories.get(story_id)
    # Case ids only (not rows): which cases of the current pass are still waiting.
    scope = workspace.campaigns.scope(campaign)
    without_result = sum(1 for case_id in scope if case_id not in latest)
    return recette_report(campaign, cases, latest, stories, without_result=without_result)


def import_junit(
    workspace: Workspace,
    campaign: Campaign,
    path: Path,
    *,
    keep_valid: bool = False,
    tester: str | None = None,
) -> AutomatedImport:
    """Read `path` and record its results in `campaign`, in one transaction, in the name of
    `tester` (by default "automatique", in the interface language)."""
    from prodtui.store.recette import CampaignReadOnly

    if campaign.read_only:  # said before reading a possibly large file
        raise CampaignReadOnly(campaign)
    return _record(workspace, campaign, _read(path), keep_valid=keep_valid, tester=tester)


def import_junit_named(
    workspace: Workspace,
    name: str,
    path: Path,
    *,
    create: bool = False,
    keep_valid: bool = False,
    tester: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[AutomatedImport, bool]:
    """`prodtui import junit`: the report at `path` into the campaign called `name`, made
    first when it is missing and `create` is set (a pipeline feeding a fresh workspace).
    Returns the outcome and whether the campaign was made. A refused report writes nothing,
    not even the campaign."""
    from prodtui.store.recette import CampaignReadOnly

    campaign = workspace.campaigns.named(name)
    if campaign is None and not create:
        raise _unknown_campaign(workspace, name)
    if campaign is not None and campaign.read_only:  # said before reading the file
        raise CampaignReadOnly(campaign)
    report = _read(path)
    with workspace.transaction():
        # Read again: another session may have made it while the file was read.
        campaign = workspace.campaigns.named(name)
        created = campaign is None
        if campaign is None:
            campaign = workspace.campaigns.add(Campaign(name=name.strip()))
        outcome = _record(
            workspace, campaign, report, keep_valid=keep_valid, tester=tester, progress=progress
        )
    return outcome, created


def _read(path: Path) -> ReportResults:
    """The report's results, parsed one by one and kept only as far as the import needs
    them: neither the report's tree nor a model per test stands whole in memory. The whole
    file is parsed (and refused, if it is) before anything is written."""
    # Imported here: the JUnit parser is only needed by an import, not by the screens.
    from prodtui.exchange.junit import read_junit_results
    from prodtui.store.recette import ReportResults

    return ReportResults(read_junit_results(path))


def _record(
    workspace: Workspace,
    campaign: Campaign,
    report: ReportResults,
    *,
    keep_valid: bool,
    tester: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> AutomatedImport:
    from prodtui.store.recette import recette

    # Nobody sat at these tests: the results are the automated run's, unless the pipeline
    # names itself (`--tester ci`).
    who = (tester or "").strip() or t("junit.tester_automatic")
    return recette(workspace).executions.import_automated(
        campaign, report, keep_valid=keep_valid, tester=who, progress=progress
    )


CLOSEST = 3
"""How many campaigns an unknown name suggests."""


def _unknown_campaign(workspace: Workspace, name: str) -> ProdtuiError:
    """The refusal of a campaign name nobody wrote, naming the closest existing ones and
    the `--create` flag."""
    wanted = name.strip().casefold()
    scored = [
        (SequenceMatcher(None, wanted, campaign.name.casefold()).ratio(), campaign.name)
        for campaign in workspace.campaigns.listing()
    ]
    # difflib's own threshold of a close match; the best first, ties in name order.
    closest = [n for score, n in sorted(scored, key=lambda p: (-p[0], p[1])) if score >= 0.6]
    if not closest:
        return ProdtuiError("junit.campaign_unknown", name=name)
    names = ", ".join(t("junit.campaign_quoted", name=n) for n in closest[:CLOSEST])
    return ProdtuiError("junit.campaign_unknown_close", name=name, names=names)
