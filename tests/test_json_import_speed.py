"""The fast paths of `import json` keep every rule of the row-by-row check.

A restore checks a batch of rows a column at a time, looks at the batch's distinct text
once, takes a frozen case already checked as checked, reads a row line in the export's
own layout without the general rules, and inserts with the foreign keys checked once at
the end. Each test below puts one hostile value deep in a batch of many rows and checks
that it is refused (or cleaned) as before, naming its row, with nothing left behind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodtui.app.workspace_dump import dump_workspace, restore_workspace
from prodtui.domain.errors import ProdtuiError
from prodtui.exchange.workspace_json import DumpRefused
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import open_workspace
from tests.conftest import TODAY

COPIES = 2_600
"""Executions and audit rows added to the demo's: several batches of 1,000."""

Row = dict[str, Any]


@pytest.fixture(scope="module")
def big_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace dumped in the export's layout, with COPIES more results (each a
    copy of one of the demo's, sharing its frozen case) and COPIES more audit rows."""
    folder = tmp_path_factory.mktemp("dump")
    demo = build_demo_workspace(folder / "demo.db", today=TODAY)
    out = folder / "demo.json"
    ws = open_workspace(demo)
    try:
        with out.open("w", encoding="utf-8") as handle:
            dump_workspace(ws, handle)
    finally:
        ws.close()
    lines = out.read_text(encoding="utf-8").split("\n")
    for table in ("executions", "audit_log"):
        start = next(n for n, line in enumerate(lines) if line.startswith(f'{{"name": "{table}"'))
        header = json.loads(lines[start] + "]}")
        end = start + 1 + header["count"]
        rows = [json.loads(line.removesuffix(",")) for line in lines[start + 1 : end]]
        assert rows, table
        top = max(row[0] for row in rows)
        added = [[top + 1 + n, *rows[n % len(rows)][1:]] for n in range(COPIES)]
        header["count"] += COPIES
        lines[start] = _table_line(header)
        body = [json.dumps(row, ensure_ascii=False) + "," for row in rows + added]
        body[-1] = body[-1].removesuffix(",")
        lines[start + 1 : end] = body
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def _table_line(header: dict[str, Any]) -> str:
    """A table's opening line as the export writes it."""
    return (
        f'{{"name": {json.dumps(header["name"])}, "columns": {json.dumps(header["columns"])},'
        f' "count": {header["count"]}, "rows": ['
    )


def edited(
    source: Path, target: Path, table: str, index: int, change: Callable[[Row], None]
) -> Path:
    """A copy of the dump `source` with row `index` (from 0) of `table` changed as a
    column → value dict; returns the line number (from 1) of that row too, in `target`."""
    lines = source.read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(f'{{"name": "{table}"'))
    columns = json.loads(lines[start] + "]}")["columns"]
    line = lines[start + 1 + index]
    comma = line.endswith(",")
    row = dict(zip(columns, json.loads(line.removesuffix(",")), strict=True))
    change(row)
    lines[start + 1 + index] = json.dumps([row[c] for c in columns]) + ("," if comma else "")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def row_line(dump: Path, table: str, index: int) -> int:
    lines = dump.read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(f'{{"name": "{table}"'))
    return start + 2 + index


def refused(dump: Path, target: Path) -> list[str]:
    with pytest.raises(DumpRefused) as caught:
        restore_workspace(dump, target)
    assert not target.exists()
    assert not [p for p in target.parent.iterdir() if "restoring" in p.name]
    return caught.value.problems


def rows_of(path: Path, table: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def test_many_results_restore_as_they_were(big_dump: Path, tmp_path: Path) -> None:
    target = tmp_path / "restored.db"
    restore_workspace(big_dump, target)
    lines = big_dump.read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith('{"name": "executions"'))
    header = json.loads(lines[start] + "]}")
    expected = [
        json.loads(line.removesuffix(","))
        for line in lines[start + 1 : start + 1 + header["count"]]
    ]
    conn = sqlite3.connect(target)
    try:
        names = ", ".join(header["columns"])
        written = conn.execute(f"SELECT {names} FROM executions ORDER BY id").fetchall()
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert len(expected) > COPIES
    assert [list(row) for row in written] == expected


def _case(change: Callable[[Row], None]) -> Callable[[Row], None]:
    """A change of the result's frozen case (its JSON text), one field at a time."""

    def edit(row: Row) -> None:
        case = json.loads(row["case_snapshot"])
        change(case)
        row["case_snapshot"] = json.dumps(case, ensure_ascii=False, sort_keys=True)

    return edit


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda row: row.update(automated=7), "automated"),
        (lambda row: row.update(automated=True), None),  # JSON true is 1: accepted
        (lambda row: row.update(duration_s=-1.5), "duration_s"),
        (lambda row: row.update(campaign_id=2**63), "campaign_id"),
        (lambda row: row.update(pass_number=0), "pass_number"),
        (lambda row: row.update(created_at="hier"), "created_at"),
        (lambda row: row.update(created_at="2024-02-30T10:00:00"), "created_at"),
        (lambda row: row.update(status="gagné"), "status"),
        (lambda row: row.update(comment="\ud800"), "comment"),
        (lambda row: row.update(tester=None), "tester"),
        (_case(lambda case: case.update(importance="urgente")), "case_snapshot.importance"),
        (_case(lambda case: case.update(title="")), "case_snapshot.title"),
        (_case(lambda case: case.pop("title")), "case_snapshot.title"),
    ],
)
def test_a_hostile_result_deep_in_a_batch_is_named(
    big_dump: Path, tmp_path: Path, change: Callable[[Row], None], column: str | None
) -> None:
    """Row 1,700 of the results: in the second batch, its frozen case shared with many
    rows already checked (a case differing by one field is checked again)."""
    index = 1_699
    dump = edited(big_dump, tmp_path / "bad.json", "executions", index, change)
    target = tmp_path / "new.db"
    if column is None:
        restore_workspace(dump, target)
        return
    problems = refused(dump, target)
    assert len(problems) == 1
    line = row_line(dump, "executions", index)
    assert f"ligne {line} (table executions, enregistrement {index + 1})" in problems[0]
    assert f"\u202f: {column}" in problems[0]


def test_a_missing_parent_is_named_though_keys_are_checked_at_the_end(
    big_dump: Path, tmp_path: Path
) -> None:
    dump = edited(
        big_dump, tmp_path / "orphan.json", "executions", 2_000, lambda r: r.update(case_id=10**9)
    )
    target = tmp_path / "new.db"
    with pytest.raises(ProdtuiError) as caught:
        restore_workspace(dump, target)
    assert caught.value.key == "json.foreign_key"
    assert caught.value.params["table"] == "executions"
    assert not target.exists()


def test_control_characters_deep_in_a_batch_are_cleaned(big_dump: Path, tmp_path: Path) -> None:
    audit, result = 2_100, 1_500

    def hostile_audit(row: Row) -> None:
        row.update(author="Ana\x1b[31m", new="avant\x07\tpuis\r\nfin\u202e")

    dump = edited(big_dump, tmp_path / "a.json", "audit_log", audit, hostile_audit)
    dump = edited(
        dump,
        tmp_path / "b.json",
        "executions",
        result,
        lambda row: row.update(comment="KO\x1b]0;titre\x07", tester="Léa\u2066"),
    )
    target = tmp_path / "new.db"
    restore_workspace(dump, target)
    by_id = {row[0]: row for row in rows_of(target, "audit_log")}
    source = json.loads(
        dump.read_text(encoding="utf-8").split("\n")[row_line(dump, "audit_log", audit) - 1][:-1]
    )
    written = by_id[source[0]]
    assert "Ana\u241b[31m" in written
    assert "avant\u2407\tpuis\nfin\ufffd" in written
    results = {row[0]: row for row in rows_of(target, "executions")}
    line = dump.read_text(encoding="utf-8").split("\n")[row_line(dump, "executions", result) - 1]
    kept = results[json.loads(line.removesuffix(","))[0]]
    assert "KO\u241b]0;titre\u2407" in kept and "Léa\ufffd" in kept
    # Only those rows changed: the others are written as they were read.
    assert sum("\u241b" in str(row) for row in results.values()) == 1


def test_a_row_line_in_another_layout_is_still_read(big_dump: Path, tmp_path: Path) -> None:
    lines = big_dump.read_text(encoding="utf-8").split("\n")
    line = row_line(big_dump, "executions", 1_200) - 1
    lines[line] = "  " + lines[line].removesuffix(",") + " ,  "  # spaces around it
    dump = tmp_path / "spaced.json"
    dump.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "new.db"
    assert restore_workspace(dump, target).rows > 2 * COPIES
    start = next(n for n, text in enumerate(lines) if text.startswith('{"name": "executions"'))
    assert len(rows_of(target, "executions")) == json.loads(lines[start] + "]}")["count"]
    # A line holding two rows is still refused as damaged, by its number.
    lines[line] = lines[line].strip().removesuffix(",").strip() + ", [1],"
    dump.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ProdtuiError) as caught:
        restore_workspace(dump, tmp_path / "other.db")
    assert caught.value.params.get("line") == line + 1
