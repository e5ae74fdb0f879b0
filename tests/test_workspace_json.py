"""The whole workspace as JSON: a lossless round trip, and every refusal in one line."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from prodtui.app.workspace_dump import dump_workspace
from prodtui.cli import main
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import open_workspace
from prodtui.store.migrations import LATEST_VERSION
from prodtui.store.table_copy import data_tables
from tests.conftest import TODAY


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            shape.name: conn.execute(
                f'SELECT * FROM "{shape.name}" ORDER BY {shape.order_by}'
            ).fetchall()
            for shape in data_tables(conn)
        }
    finally:
        conn.close()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo_workspace(tmp_path / "demo.db", today=TODAY)


@pytest.fixture
def dump(demo: Path, tmp_path: Path) -> Path:
    out = tmp_path / "demo.json"
    assert main(["--db", str(demo), "export", "json", "--out", str(out)]) == 0
    return out


def test_round_trip_is_lossless_and_byte_identical(
    demo: Path, dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    restored = tmp_path / "restored.db"
    assert main(["import", "json", str(dump), "--db", str(restored)]) == 0
    assert str(restored) in capsys.readouterr().out
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    before, after = table_rows(demo), table_rows(restored)
    assert before == after
    assert before["health_reviews"] and before["responsibilities"] and before["executions"]
    assert "audit_log" in before and "drafts" in before
    again = tmp_path / "again.json"
    assert main(["--db", str(restored), "export", "json", "--out", str(again)]) == 0
    assert again.read_bytes() == dump.read_bytes()
    # Straight to stdout gives the same bytes.
    capsys.readouterr()
    assert main(["--db", str(restored), "export", "json"]) == 0
    assert capsys.readouterr().out.encode() == dump.read_bytes()
    ws = open_workspace(restored)
    try:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert ws.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        ws.close()


def test_the_dump_is_documented_json_without_virtual_tables(demo: Path, dump: Path) -> None:
    document = json.loads(dump.read_text(encoding="utf-8"))
    assert document["format"] == "prodtui-workspace"
    assert document["format_version"] == 1
    assert document["schema_version"] == LATEST_VERSION
    names = [table["name"] for table in document["tables"]]
    conn = sqlite3.connect(demo)
    virtual = [
        row[1] for row in conn.execute("PRAGMA table_list") if row[2] in ("virtual", "shadow")
    ]
    conn.close()
    assert not set(virtual) & set(names)
    assert not [n for n in names if n.startswith("sqlite_")]
    # Parents come before their children.
    for child, parent in [("standup_entries", "standups"), ("executions", "test_cases")]:
        assert names.index(parent) < names.index(child)
    for table in document["tables"]:
        assert table["count"] == len(table["rows"])
        assert all(len(row) == len(table["columns"]) for row in table["rows"])


def test_a_reformatted_dump_restores_too(demo: Path, dump: Path, tmp_path: Path) -> None:
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(dump.read_text("utf-8")), indent=2), "utf-8")
    assert main(["import", "json", str(pretty), "--db", str(tmp_path / "p.db")]) == 0
    assert table_rows(tmp_path / "p.db") == table_rows(demo)


def test_the_export_reads_one_snapshot_while_in_a_transaction(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "w.db")
    try:
        with ws.transaction():
            ws.meta.set("name", "Pendant")
            out = io.StringIO()
            summary = dump_workspace(ws, out)
        assert '["name", "Pendant"]' in out.getvalue()
        assert summary.rows >= 2
    finally:
        ws.close()


def _refused(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("prodtui: ")
    return err


def _nothing_left(folder: Path, target: Path) -> None:
    assert not target.exists()
    assert not [
        p for p in folder.iterdir() if "restoring" in p.name or p.name.startswith(target.name)
    ]


def test_an_existing_target_is_refused_and_untouched(
    dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"")
    err = _refused(capsys, ["import", "json", str(dump), "--db", str(target)])
    assert "existe déjà" in err
    assert target.read_bytes() == b""


def test_a_dump_from_a_newer_schema_is_refused(
    dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = dump.read_text("utf-8").replace(
        f'"schema_version": {LATEST_VERSION}', f'"schema_version": {LATEST_VERSION + 1}', 1
    )
    newer = tmp_path / "newer.json"
    newer.write_text(text, "utf-8")
    target = tmp_path / "new.db"
    err = _refused(capsys, ["import", "json", str(newer), "--db", str(target)])
    assert "plus récent" in err and str(LATEST_VERSION + 1) in err
    _nothing_left(tmp_path, target)
    # Reformatted, the same refusal.
    newer.write_text(json.dumps(json.loads(text)), "utf-8")
    assert "plus récent" in _refused(capsys, ["import", "json", str(newer), "--db", str(target)])


@pytest.mark.parametrize("keep", [0.5, 0.93, 0.9999])
def test_a_truncated_dump_leaves_nothing_behind(
    dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: float
) -> None:
    data = dump.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: int(len(data) * keep)])
    target = tmp_path / "new.db"
    err = _refused(capsys, ["import", "json", str(cut), "--db", str(target)])
    assert "incomplet" in err or "endommagé" in err
    _nothing_left(tmp_path, target)


def test_a_lost_line_and_a_bad_row_are_named(
    dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = dump.read_text("utf-8").splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if line.startswith('["name", '))
    lost = tmp_path / "lost.json"
    lost.write_text("".join(lines[:row] + lines[row + 1 :]), "utf-8")
    target = tmp_path / "new.db"
    err = _refused(capsys, ["import", "json", str(lost), "--db", str(target)])
    assert "meta" in err
    _nothing_left(tmp_path, target)
    # A value the app refuses: a role the people table does not know, listed on its own
    # line before the summary.
    header = next(n for n, line in enumerate(lines) if line.startswith('{"name": "people"'))
    columns = json.loads(lines[header] + "]}")["columns"]
    broken = list(lines)
    values = json.loads(broken[header + 1].rstrip().removesuffix(","))
    values[columns.index("role")] = "chef"
    broken[header + 1] = json.dumps(values, ensure_ascii=False) + ",\n"
    bad = tmp_path / "bad.json"
    bad.write_text("".join(broken), "utf-8")
    assert main(["import", "json", str(bad), "--db", str(target)]) == 2
    problem, summary = capsys.readouterr().err.splitlines()
    assert f"ligne {header + 2} (table people, enregistrement 1)\u202f: role" in problem
    assert "chef" in problem and summary.startswith("prodtui: ")
    _nothing_left(tmp_path, target)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"hello, world\n", "n'est pas du JSON"),
        (b"", "n'est pas un export"),
        (b'{"format": "autre chose", "tables": []}', "n'est pas un export"),
        (b"[1, 2, 3]", "n'est pas un export"),
        (b"\xff\xfe{}", "endommag"),
    ],
)
def test_not_json_or_not_a_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    source = tmp_path / "source.json"
    source.write_bytes(content)
    target = tmp_path / "new.db"
    assert expected in _refused(capsys, ["import", "json", str(source), "--db", str(target)])
    _nothing_left(tmp_path, target)


def test_a_missing_source_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(
        capsys, ["import", "json", str(tmp_path / "absent.json"), "--db", str(tmp_path / "n.db")]
    )
    assert "Impossible de lire" in err


def test_export_never_overwrites(
    dump: Path, demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump.read_bytes()
    assert "existe déjà" in _refused(
        capsys, ["--db", str(demo), "export", "json", "--out", str(dump)]
    )
    assert dump.read_bytes() == before


def test_a_damaged_row_is_named_by_its_line(
    dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Rows are parsed many lines at a time; a line that is not JSON is still named.
    lines = dump.read_text("utf-8").splitlines(keepends=True)
    header = next(n for n, line in enumerate(lines) if line.startswith('{"name": "audit_log"'))
    broken = list(lines)
    broken[header + 3] = '["pas", "fini",\n'
    bad = tmp_path / "bad.json"
    bad.write_text("".join(broken), "utf-8")
    target = tmp_path / "new.db"
    err = _refused(capsys, ["import", "json", str(bad), "--db", str(target)])
    assert "endommagé" in err and f"ligne {header + 4}" in err
    _nothing_left(tmp_path, target)


def test_an_export_writes_big_rows_in_small_batches(tmp_path: Path) -> None:
    """Rows of 300 kB (a closed campaign's frozen scope at ten times the large workspace
    is about 100 kB): each write holds about a megabyte, not a thousand such rows, and
    the dump reads back the same."""
    from prodtui.exchange.workspace_json import WRITE_BATCH_CHARS

    ws = open_workspace(tmp_path / "w.db", author="Camille")
    big = "x" * 300_000
    with ws.transaction():
        for n in range(12):
            ws.drafts.save(f"draft:{n}", big + str(n))

    class Sink:
        def __init__(self) -> None:
            self.writes: list[int] = []
            self.parts: list[str] = []

        def write(self, text: str) -> int:
            self.writes.append(len(text))
            self.parts.append(text)
            return len(text)

    sink = Sink()
    try:
        dump_workspace(ws, sink)
    finally:
        ws.close()
    assert max(sink.writes) <= WRITE_BATCH_CHARS + 310_000
    drafts = next(t for t in json.loads("".join(sink.parts))["tables"] if t["name"] == "drafts")
    assert sorted(row[2] for row in drafts["rows"]) == sorted(big + str(n) for n in range(12))
