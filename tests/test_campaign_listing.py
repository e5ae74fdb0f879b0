"""Listing campaigns never reads their scopes (a closed campaign freezes thousands of case
ids), and a campaign acted on from the list is read again whole: its scopes are never
lost to a save."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.widgets import Input

from prodtui.domain.recette import Campaign, CampaignListing, CampaignState, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.store import Workspace, open_workspace
from prodtui.ui.screens.automated_run import AutomatedRunScreen
from prodtui.ui.screens.dialogs import PromptScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.runner import CampaignFormScreen
from tests.conftest import AppFactory, id_of

PASS, FAIL = ExecutionStatus.PASS, ExecutionStatus.FAIL


def scopes(ws: Workspace, campaign: Campaign | int) -> tuple[str | None, str | None]:
    """The scopes as stored: the JSON text of `pass_cases` and `frozen_cases`."""
    campaign_id = campaign if isinstance(campaign, int) else id_of(campaign)
    row = ws.conn.execute(
        "SELECT pass_cases, frozen_cases FROM campaigns WHERE id = ?", [campaign_id]
    ).fetchone()
    return row[0], row[1]


def closed_campaigns(ws: Workspace, count: int, frozen: int) -> None:
    """`count` finished campaigns of `frozen` frozen case ids each, written as a large
    workspace holds them."""
    ids = json.dumps(list(range(1, frozen + 1)))
    with ws.transaction():
        ws.conn.executemany(
            "INSERT INTO campaigns (name, state, pass_cases, frozen_cases, created_at,"
            " updated_at, version) VALUES (?, 'finished', ?, ?, '2026-01-05T09:00:00.000',"
            " '2026-01-05T09:00:00.000', 1)",
            [(f"Recette {n}", ids, ids) for n in range(count)],
        )


def test_listing_reads_no_scope(workspace: Workspace) -> None:
    closed_campaigns(workspace, 50, 2_000)
    statements: list[str] = []
    workspace.conn.set_trace_callback(statements.append)
    try:
        listed = workspace.campaigns.listing()
        names = workspace.campaigns.names()
    finally:
        workspace.conn.set_trace_callback(None)
    assert len(listed) == len(names) == 50
    assert statements and not any(
        "pass_cases" in sql or "frozen_cases" in sql or "*" in sql for sql in statements
    ), statements
    assert all(isinstance(c, CampaignListing) and c.read_only for c in listed)
    assert not any(isinstance(value, list) for c in listed for value in c.model_dump().values()), (
        "a listed campaign carries no id list"
    )


def test_listing_allocates_a_fraction_of_the_whole_campaigns(workspace: Workspace) -> None:
    """Deterministic sizes, not timings: 50 × 2,000 ids parsed are megabytes."""
    closed_campaigns(workspace, 50, 2_000)
    workspace.campaigns.listing()  # the models' validators are built on first use
    workspace.campaigns.all()

    def peak(read: Callable[[], Sequence[object]]) -> int:
        tracemalloc.start()
        try:
            kept = read()
            assert len(kept) == 50
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole, light = peak(workspace.campaigns.all), peak(workspace.campaigns.listing)
    assert whole > 3_000_000, whole
    assert light < whole / 20, (light, whole)


def test_the_list_counts_listed_campaigns_as_the_runner_does(workspace: Workspace) -> None:
    ws = workspace
    one, two, three = (ws.test_cases.add(Case(title=f"Cas {n}")) for n in range(3))
    rerun = ws.campaigns.add(Campaign(name="Re-run"))
    ws.executions.record(rerun, one, PASS)
    ws.executions.record(rerun, two, FAIL, "Montant faux")
    rerun = ws.campaigns.rerun_failed(ws.campaigns.get(id_of(rerun)))
    closed = ws.campaigns.add(Campaign(name="Close"))
    ws.executions.record(closed, three, PASS)
    closed = ws.campaigns.set_state(ws.campaigns.get(id_of(closed)), CampaignState.FINISHED)
    ws.campaigns.add(Campaign(name="Open"))
    ws.test_cases.add(Case(title="Écrit après la clôture"))
    listed = ws.campaigns.listing()
    shown = ws.executions.progress_by_campaign(listed)
    assert shown == {c.id: ws.executions.plan(ws.campaigns.get(c.id)).progress for c in listed}
    assert (shown[id_of(rerun)].total, shown[id_of(closed)].total) == (1, 3)


async def test_a_listed_campaign_edited_from_the_screen_keeps_its_scopes(
    make_app: AppFactory, workspace: Workspace
) -> None:
    ws = workspace
    one, two, three = (ws.test_cases.add(Case(title=f"Cas {n}")) for n in range(3))
    running = ws.campaigns.add(Campaign(name="Recette v2", state=CampaignState.IN_PROGRESS))
    ws.executions.record(running, one, PASS)
    ws.executions.record(running, two, FAIL, "Montant faux")
    running = ws.campaigns.rerun_failed(ws.campaigns.get(id_of(running)))
    closed = ws.campaigns.add(Campaign(name="Recette v1"))
    ws.executions.record(closed, three, PASS)
    ws.campaigns.set_state(ws.campaigns.get(id_of(closed)), CampaignState.FINISHED)
    ws.test_cases.add(Case(title="Écrit après la clôture"))
    before_running, before_closed = scopes(ws, running), scopes(ws, closed)
    assert before_running == ("[2]", None) and before_closed[1] == "[1, 2, 3]"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecetteScreen)
        assert [c.name for c in screen.campaigns] == ["Recette v2", "Recette v1"]
        # Dates and release through the form, on the running campaign (first row).
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CampaignFormScreen)
        app.screen.query_one("#cf-release", Input).value = "2.0"
        app.screen.query_one("#cf-start", Input).value = "2026-03-02"
        app.screen.query_one("#cf-end", Input).value = "2026-03-20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        # Its command.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "echo recette"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AutomatedRunScreen)
        saved = ws.campaigns.get(id_of(running))
        assert (saved.release, str(saved.end_date), saved.command) == (
            "2.0",
            "2026-03-20",
            "echo recette",
        )
        assert scopes(ws, running) == before_running
        app.pop_screen()
        await pilot.pause()
        # The finished campaign archived (second row): its frozen scope stays as it was.
        screen.select_campaign(id_of(closed))
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert ws.campaigns.get(id_of(closed)).state is CampaignState.ARCHIVED
        assert scopes(ws, closed) == before_closed
        assert scopes(ws, running) == before_running


async def test_a_campaign_changed_or_deleted_elsewhere_is_not_moved_from_the_list(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    first = ws.campaigns.add(Campaign(name="Recette v1"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        other = open_workspace(tmp_path / "workspace.db", author="Bruno")
        try:
            # Started elsewhere after the list was read: "c" does not close it from a
            # state the user never saw.
            other.campaigns.set_state(first, CampaignState.IN_PROGRESS)
            await pilot.press("c")
            await pilot.pause()
            assert ws.campaigns.get(id_of(first)).state is CampaignState.IN_PROGRESS
            said = [n.message for n in app._notifications]
            assert any("autre session" in m for m in said), said
            # Deleted elsewhere: said, and the list reloaded.
            with other.transaction():
                other.conn.execute("DELETE FROM campaigns WHERE id = ?", [id_of(first)])
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, RecetteScreen) and app.screen.campaigns == []
            said = [n.message for n in app._notifications]
            assert any("supprimé" in m for m in said), said
        finally:
            other.close()
