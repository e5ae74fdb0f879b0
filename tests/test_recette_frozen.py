"""A finished or archived campaign keeps the cases it had when it was closed: cases written
later change neither its scope nor its counts, in the store, the list, the report and a
dump; reopening it lets its scope follow the cases again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from prodtui.app.recette import campaign_report
from prodtui.app.workspace_dump import export_json_file, restore_workspace
from prodtui.domain.recette import Campaign, CampaignState, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.store import Workspace, open_workspace
from prodtui.store.migrations import migration_scripts, split_statements
from prodtui.ui.screens.recette import RecetteScreen
from tests.conftest import AppFactory, id_of

PASS, FAIL, BLOCKED = ExecutionStatus.PASS, ExecutionStatus.FAIL, ExecutionStatus.BLOCKED
FINISHED, ARCHIVED = CampaignState.FINISHED, CampaignState.ARCHIVED


def add_cases(ws: Workspace, count: int, first: int = 1) -> list[Case]:
    return [ws.test_cases.add(Case(title=f"Cas {n}")) for n in range(first, first + count)]


def listed(ws: Workspace, campaign: Campaign) -> tuple[int, int]:
    """(done, total) as the list of campaigns shows them."""
    [stored] = [c for c in ws.campaigns.all() if c.id == campaign.id]
    shown = ws.executions.progress_by_campaign([stored])[id_of(stored)]
    assert shown == ws.executions.plan(stored).progress, "the list and the runner agree"
    return shown.done, shown.total


def a_run_campaign(ws: Workspace) -> Campaign:
    """Four cases, three of them run (a pass, a failure, a block)."""
    one, two, three, _ = add_cases(ws, 4)
    campaign = ws.campaigns.add(Campaign(name="Recette v1.4"))
    ws.executions.record(campaign, one, PASS)
    ws.executions.record(campaign, two, FAIL, "Montant faux")
    ws.executions.record(campaign, three, BLOCKED, "Serveur de test arrêté")
    return ws.campaigns.get(id_of(campaign))


def test_cases_added_after_the_end_do_not_change_a_closed_campaign(workspace: Workspace) -> None:
    ws = workspace
    campaign = a_run_campaign(ws)
    running = ws.campaigns.add(Campaign(name="Recette v1.5"))
    assert listed(ws, campaign) == (3, 4)
    finished = ws.campaigns.set_state(campaign, FINISHED)
    add_cases(ws, 3, first=5)
    assert listed(ws, finished) == (3, 4), "terminée 3/4 stays 3/4"
    assert len(ws.campaigns.scope(finished)) == 4
    assert listed(ws, running) == (0, 7), "an open campaign takes the new cases"
    report = campaign_report(ws, finished)
    assert "| sans résultat | 1 |" in report
    # Archived later: still the cases it had when it finished.
    archived = ws.campaigns.set_state(finished, ARCHIVED)
    add_cases(ws, 1, first=8)
    assert listed(ws, archived) == (3, 4)
    # Reopened: the scope follows the cases again, and is frozen anew when closed again.
    reopened = ws.campaigns.set_state(archived, CampaignState.PLANNED)
    assert reopened.frozen_cases is None
    assert listed(ws, reopened) == (3, 8)
    closed = ws.campaigns.set_state(reopened, FINISHED)
    add_cases(ws, 1, first=9)
    assert listed(ws, closed) == (3, 8)


def test_a_re_run_pass_freezes_its_own_cases(workspace: Workspace) -> None:
    ws = workspace
    campaign = ws.campaigns.rerun_failed(a_run_campaign(ws))
    assert listed(ws, campaign) == (0, 2)  # the failure and the block
    finished = ws.campaigns.set_state(campaign, FINISHED)
    add_cases(ws, 2, first=5)
    assert listed(ws, finished) == (0, 2)
    assert ws.executions.plan(finished).scope == finished.frozen_cases


def test_a_deleted_case_never_run_leaves_the_frozen_scope(workspace: Workspace) -> None:
    ws = workspace
    campaign = ws.campaigns.set_state(a_run_campaign(ws), FINISHED)
    never_run = ws.test_cases.by_number(4)
    assert never_run is not None
    ws.test_cases.delete(never_run)
    assert listed(ws, campaign) == (3, 3)


def test_a_dump_carries_the_frozen_scope(workspace: Workspace, tmp_path: Path) -> None:
    campaign = workspace.campaigns.set_state(a_run_campaign(workspace), FINISHED)
    add_cases(workspace, 2, first=5)
    dump = tmp_path / "dump.json"
    export_json_file(workspace, dump)
    restore_workspace(dump, tmp_path / "restored.db")
    again = open_workspace(tmp_path / "restored.db")
    try:
        assert listed(again, again.campaigns.get(id_of(campaign))) == (3, 4)
    finally:
        again.close()


async def test_the_list_shows_failures_and_blocks_apart_and_says_the_scope_is_frozen(
    make_app: AppFactory, workspace: Workspace
) -> None:
    a_run_campaign(workspace)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecetteScreen)
        header = screen.table.render_line(0).text
        assert "Échecs" in header and "Bloqués" in header
        row = screen.table.render_line(1).text.split()
        assert row[-5:] == ["3/4", "33", "%", "1", "1"], row  # rate, failures, blocks
        await pilot.press("c")  # en cours → terminée
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("4 cas" in m and "figé" in m for m in said), said
        await pilot.press("c", "c")  # archivée, then prévue: reopened
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("rouverte" in m for m in said), said


# -- a workspace closed before the scope was recorded -------------------------------------------


def _before_frozen_scopes(path: Path) -> None:
    """A workspace of the schema just before campaigns recorded their scope: a campaign
    finished on 10 March (its state change in the audit log) with a result on a case
    written later, an archived campaign whose end date says when it ended (no audit of its
    state), and one still running."""
    conn = sqlite3.connect(path, isolation_level=None)
    scripts = migration_scripts()
    frozen = next(v for v, sql in scripts if "ADD COLUMN frozen_cases" in sql)
    for version, script in scripts[: frozen - 1]:
        for statement in split_statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    for number, day in [(1, "03-01"), (2, "03-02"), (3, "03-12"), (4, "03-20")]:
        at = f"2026-{day}T09:00:00.000"
        conn.execute(
            "INSERT INTO test_cases (id, number, title, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [number, number, f"Cas {number}", at, at],
        )
    for campaign_id, name, state, end, updated in [
        (1, "v1", "finished", None, "2026-03-15T10:00:00.000"),
        (2, "v2", "archived", "2026-03-12", "2026-03-25T10:00:00.000"),
        (3, "v3", "in_progress", None, "2026-03-01T10:00:00.000"),
    ]:
        conn.execute(
            "INSERT INTO campaigns (id, name, state, end_date, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '2026-02-27T10:00:00.000', ?)",
            [campaign_id, name, state, end, updated],
        )
    conn.execute(
        "INSERT INTO audit_log (at, author, entity, entity_id, field, old, new) VALUES"
        " ('2026-03-10T17:00:00.000', 'Léa', 'campaigns', 1, 'state', 'in_progress', 'finished')"
    )
    # A result in v1 on case 4, a case dated after v1 closed: a case with a result is in.
    conn.execute(
        "INSERT INTO executions (campaign_id, case_id, status, case_snapshot, created_at)"
        " VALUES (1, 4, 'pass', ?, '2026-03-10T16:00:00.000')",
        [json.dumps({"id": 4, "number": 4, "title": "Cas 4"})],
    )
    conn.close()


@pytest.mark.parametrize("name, frozen", [("v1", [1, 2, 4]), ("v2", [1, 2, 3]), ("v3", None)])
def test_campaigns_closed_before_are_frozen_as_they_were_when_closed(
    tmp_path: Path, name: str, frozen: list[int] | None
) -> None:
    path = tmp_path / "old.db"
    _before_frozen_scopes(path)
    ws = open_workspace(path)
    try:
        campaign = ws.campaigns.named(name)
        assert campaign is not None
        assert campaign.frozen_cases == frozen
    finally:
        ws.close()
