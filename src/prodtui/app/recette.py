"""Recette use cases: a campaign found by the name the user typed, its report, and a
JUnit report recorded into it."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from prodtui.domain.errors import NotFoundError, ProdtuiError
from prodtui.exchange.recette_report import case_of, recette_report

if TYPE_CHECKING:
    from pathlib import Path

    from prodtui.domain.recette import Campaign
    from prodtui.domain.stories import Story
    from prodtui.store.recette import AutomatedImport
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
    workspace: Workspace, campaign: Campaign, path: Path, *, keep_valid: bool = False
) -> AutomatedImport:
    """Read `path` and record its results in `campaign`, in one transaction."""
    # Imported here: the JUnit parser is only needed by an import, not by the screens.
    from prodtui.exchange.junit import read_junit
    from prodtui.store.recette import CampaignReadOnly, recette

    if campaign.read_only:  # said before reading a possibly large file
        raise CampaignReadOnly(campaign)
    report = read_junit(path)
    return recette(workspace).executions.import_automated(
        campaign, report.results, keep_valid=keep_valid
    )
