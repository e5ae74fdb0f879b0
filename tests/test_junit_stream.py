"""A JUnit report is imported as a stream: its results are parsed one by one, kept only as
far as each case's result needs, and written exactly as the whole list would be; the
shortcuts taken per test (results built without a second check, rows written from the
first new case's) give what the full checks give."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import AutomatedResult, Campaign, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.exchange.junit import iter_junit, parse_junit
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import audit_summary
from prodtui.store.recette import (
    _VARYING,
    ReportResults,
    _FilledJson,
    _snapshot_json,
    recette,
)

HOSTILE_NAMES = [
    'guillemets "doubles" et \\ barre',
    "accents éèà, œuvre, emoji 🚀, espace\u00a0insécable",
    "séparateurs\u2028de\u2029ligne",
    "contrôles \x1b[31m rouge \x07 cloche \x9b csi",
    "bidi \u202e inversé \u2066 isolé",
    "tab\tet\nretour\r\nfin",
    "TC-99 inconnu",
    "cent % et %s, %(nom)s",
    "",
]


def xml_attribute(text: str) -> str:
    """`text` as an XML attribute value (controls other than tab and line breaks cannot be
    written in XML 1.0: they are left out)."""
    kept = "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)
    return (
        kept.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def hostile_report() -> bytes:
    cases = []
    for n, name in enumerate(HOSTILE_NAMES):
        body = ""
        if n % 3 == 0:
            body = f'<failure message="{xml_attribute(name)}">trace {n}\x7f</failure>'
        elif n % 3 == 1:
            body = "<skipped/>"
        cases.append(
            f'<testcase classname="c{n}" name="{xml_attribute(name)}" time="{n}.25">{body}'
            "</testcase>"
        )
    return f"<testsuite>{''.join(cases)}</testsuite>".encode()


def test_parsed_results_are_what_the_model_check_would_make() -> None:
    results = parse_junit(hostile_report()).results
    assert len(results) == len(HOSTILE_NAMES)
    for result in results:
        checked = AutomatedResult.model_validate(result.model_dump())
        assert checked.model_dump() == result.model_dump()
    # XML 1.0 has no C0 control but tab and line breaks; C1, DEL and bidi marks get through.
    assert "\x9b" not in results[3].name and "\ufffd" in results[3].name
    assert "\u202e" not in results[4].name
    assert "\x7f" not in results[0].comment and "␡" in results[0].comment


@pytest.mark.parametrize("name", HOSTILE_NAMES[:-1])
def test_rows_written_from_the_first_new_case_encode_as_each_row_would(name: str) -> None:
    from prodtui.domain.text import safe_line

    def row(number: int, title: str) -> dict[str, Any]:
        key = f"c::{title}"
        return {
            "number": number,
            "title": title,
            "steps": f"Test automatisé : {key}",
            "expected": "",
            "story_id": None,
            "tags": "",
            "importance": "medium",
            "automated": True,
            "needs_review": False,
            "automation_key": key,
            "id": number + 7,
            "version": 1,
            "created_at": "2026-01-01T00:00:00",
            "updated_at": "2026-01-01T00:00:00",
        }

    first, other = row(1, "premier"), row(123_456, safe_line(name))
    for encode in (_snapshot_json, audit_summary):
        filled = _FilledJson(encode, first, _VARYING)
        assert filled(other) == encode(other)
        assert json.loads(filled(other)) == json.loads(encode(other))
    # A row outside what the template knows is encoded in full.
    odd = other | {"title": None}
    assert _FilledJson(_snapshot_json, first, _VARYING)(odd) == _snapshot_json(odd)


def interleaved_report() -> bytes:
    """Tests naming TC-1 spread through the report; a class's tests between them; one test
    twice (its results combine); TC-2 named once."""
    lines = ["<testsuites><testsuite name='s'>"]
    for n in range(1_300):
        name = "TC-1 connexion" if n % 400 == 5 else f"t_{n % 1_100}"
        body = '<failure message="attendu 200">trace</failure>' if n % 9 == 0 else ""
        kind = f"c{n % 1_100 % 7}"
        lines.append(f'<testcase classname="{kind}" name="{name}" time="0.5">{body}</testcase>')
    lines.append("<testcase classname='x' name='TC-2 lecture'><error message='ko'/></testcase>")
    lines.append("</testsuite></testsuites>")
    return "\n".join(lines).encode()


def written(ws: Workspace) -> list[tuple[Any, ...]]:
    """Everything an import writes, timestamps aside."""
    conn = ws.conn
    return [
        *conn.execute(
            "SELECT id, number, title, steps, automation_key, version FROM test_cases ORDER BY id"
        ),
        *conn.execute(
            "SELECT entity, entity_id, field, new FROM audit_log WHERE entity = 'test_cases'"
            " ORDER BY id"
        ),
        *conn.execute(
            "SELECT case_id, status, comment, tester, duration_s, automated, case_snapshot,"
            " pass_number FROM executions ORDER BY id"
        ),
        *conn.execute("SELECT rowid, kind, key, body FROM search_text ORDER BY rowid"),
    ]


def prepared(path: Path) -> tuple[Workspace, Campaign]:
    ws = open_workspace(path)
    rc = recette(ws)
    rc.test_cases.add(Case(title="Connexion", steps="1. Se connecter"))
    rc.test_cases.add(Case(title="Lecture", steps="1. Lire"))
    return ws, rc.campaigns.add(Campaign(name="Recette"))


def test_a_streamed_report_writes_what_the_whole_list_writes(tmp_path: Path) -> None:
    data = interleaved_report()
    outcomes = []
    rows = []
    for name, results in (
        ("list", lambda: parse_junit(data).results),
        ("stream", lambda: iter_junit(data)),
        ("grouped", lambda: ReportResults(iter_junit(data))),
    ):
        ws, campaign = prepared(tmp_path / f"{name}.db")
        try:
            # Twice: the second import finds the cases the first created.
            first = recette(ws).executions.import_automated(campaign, results(), tester="ci")
            second = recette(ws).executions.import_automated(campaign, results(), tester="ci")
            outcomes.append((first, second))
            rows.append(written(ws))
        finally:
            ws.close()
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert rows[0] == rows[1] == rows[2]
    first, second = outcomes[0]
    # t_0 … t_1099 but the three places of TC-1 under 1,100 (t_5 comes back at 1,105).
    assert first.linked == ["TC-1", "TC-2"] and first.recorded == 1_098 + 2
    assert len(first.created) == 1_098 and second.created == []
    assert second.reused == first.created
    assert first.counts[ExecutionStatus.BLOCKED] == 1
    # t_0 failed (n = 0) and passed (n = 1,100): one result, the worst, times summed.
    ws = open_workspace(tmp_path / "stream.db")
    try:
        case = recette(ws).test_cases.by_automation_key("c0::t_0")
        assert case is not None
        (latest, *_) = recette(ws).executions.history(case)
        assert latest.status is ExecutionStatus.FAIL and latest.duration_s == 1.0
    finally:
        ws.close()


def test_a_report_refused_at_its_end_writes_nothing_though_read_as_a_stream(
    workspace: Workspace,
) -> None:
    campaign = recette(workspace).campaigns.add(Campaign(name="Recette"))
    before = written(workspace)
    data = interleaved_report().replace(b"</testsuite></testsuites>", b"</testsuite><oops>")
    with pytest.raises(ProdtuiError) as refused:
        recette(workspace).executions.import_automated(campaign, iter_junit(data))
    assert refused.value.key == "junit.truncated"
    assert written(workspace) == before
    assert recette(workspace).campaigns.get(campaign.id or 0).pass_number == 1


def big_report(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("<testsuites><testsuite name='bulk'>\n")
        for n in range(count):
            handle.write(f'<testcase classname="suite.m{n % 200}" name="test_{n:06d}" time="0.01"')
            failed = n % 50 == 0
            handle.write('><failure message="KO">t</failure></testcase>\n' if failed else "/>\n")
        handle.write("</testsuite></testsuites>\n")
    return path


def test_the_memory_of_an_import_grows_by_a_few_hundred_bytes_per_test(tmp_path: Path) -> None:
    """Parsed whole, a result weighed 1.3 KB and the report's 10,000 tests stood at once
    beside their batch (14 MB and more); streamed, what is kept per test is its key and
    result (about 300 bytes)."""
    data = big_report(tmp_path / "report.xml", 10_000).read_bytes()
    ws = open_workspace(tmp_path / "w.db")
    try:
        campaign = recette(ws).campaigns.add(Campaign(name="Recette"))
        tracemalloc.start()
        try:
            outcome = recette(ws).executions.import_automated(campaign, iter_junit(data))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        ws.close()
    assert outcome.recorded == 10_000
    assert peak < 8 * 1024 * 1024, peak / 1024 / 1024
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert conn.execute("SELECT count(*) FROM executions").fetchone()[0] == 10_000
