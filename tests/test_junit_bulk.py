"""A JUnit report of thousands of tests is written per batch: the workspace is read a
batch at a time, whatever the size of the report, and the results are those of a
test-by-test import."""

from __future__ import annotations

from pathlib import Path

from prodtui.domain.recette import Campaign, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.exchange.junit import parse_junit
from prodtui.store import Workspace
from prodtui.store.recette import recette


def report(count: int, *, prefix: str = "t") -> bytes:
    """`count` tests of 7 classes; every tenth fails; test 3 names TC-1."""
    lines = ['<?xml version="1.0"?>', "<testsuites><testsuite name='s'>"]
    for n in range(count):
        name = "TC-1 connexion" if n == 3 else f"{prefix}_{n}"
        body = '<failure message="attendu 200">trace</failure>' if n % 10 == 0 else ""
        lines.append(f'<testcase classname="c{n % 7}" name="{name}" time="0.5">{body}</testcase>')
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines).encode()


def selects_of_import(ws: Workspace, data: bytes, campaign: Campaign) -> int:
    """How many SELECTs the import of `data` runs (triggers and inserts aside)."""
    results = parse_junit(data).results
    selects: list[str] = []
    ws.conn.set_trace_callback(
        lambda sql: selects.append(sql) if sql.lstrip().upper().startswith("SELECT") else None
    )
    try:
        recette(ws).executions.import_automated(campaign, results, tester="ci")
    finally:
        ws.conn.set_trace_callback(None)
    return len(selects)


def test_a_junit_import_reads_the_workspace_per_batch_not_per_test(workspace: Workspace) -> None:
    rc = recette(workspace)
    rc.test_cases.add(Case(title="Connexion", steps="1. Se connecter"))
    campaign = rc.campaigns.add(Campaign(name="Recette"))
    small = selects_of_import(workspace, report(1_000, prefix="a"), campaign)
    large = selects_of_import(workspace, report(4_000, prefix="b"), campaign)
    # A query per test would add thousands; a query per batch of 500 adds a handful.
    assert large - small < 20, (small, large)
    assert large < 60


def test_a_large_report_creates_numbers_audit_and_results_in_report_order(
    workspace: Workspace,
) -> None:
    rc = recette(workspace)
    rc.test_cases.add(Case(title="Connexion", steps="1. Se connecter"))
    campaign = rc.campaigns.add(Campaign(name="Recette"))
    outcome = rc.executions.import_automated(campaign, parse_junit(report(1_200)).results)
    assert outcome.recorded == 1_200 and outcome.linked == ["TC-1"]
    assert outcome.created[:3] == ["TC-2", "TC-3", "TC-4"] and len(outcome.created) == 1_199
    assert outcome.counts[ExecutionStatus.FAIL] == 120
    case = rc.test_cases.by_automation_key("c2::t_1199")
    assert case is not None and case.number == 1_200 and case.version == 1
    log = rc.executions.log(limit=1)[0]
    assert log.case_id == case.id and log.case_snapshot["number"] == 1_200
    assert log.tester == workspace.author and log.automated and log.duration_s == 0.5
    created = workspace.conn.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'test_cases' AND field = '(created)'"
    ).fetchone()[0]
    assert created == 1_200  # the case added by hand, and the report's
    # A failure's comment is searchable under its case's key, as one by one.
    assert any(hit.key == "TC-2" for hit in workspace.search.search("attendu"))
    # A second import finds the same cases again: none created, one result each more.
    again = rc.executions.import_automated(campaign, parse_junit(report(1_200)).results)
    assert again.created == [] and len(again.reused) == 1_199
    assert rc.executions.count() == 2_400


def test_a_testcase_nested_in_another_keeps_report_order(tmp_path: Path) -> None:
    data = (
        b"<testsuite><testcase name='outer'><testcase name='inner'/></testcase>"
        b"<testcase name='last'/></testsuite>"
    )
    assert [r.name for r in parse_junit(data).results] == ["outer", "inner", "last"]
