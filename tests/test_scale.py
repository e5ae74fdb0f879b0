"""The large workspace at any scale (`prodtui demo --size large --scale N`): written in
batches, with the counts, versions, audit trail and campaign scopes of the full one.

The ten-times workspace itself is for the benchmarks (benchmarks/README.md); these tests
use small scales and stay quick.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from prodtui.domain.sample import large_counts
from prodtui.i18n import t
from prodtui.sample.large import generate_large_workspace
from prodtui.store import open_workspace
from prodtui.store.base import CREATED
from prodtui.store.recette import FREEZE_CLOSED

PRODTUI = Path(sys.executable).parent / "prodtui"
SMALL = 0.01
# The tables that grow with the scale (people, measures, steps… stay as they are).
GROWING = (
    "standups",
    "standup_entries",
    "sprints",
    "campaigns",
    "stories",
    "test_cases",
    "executions",
    "items",
    "audit_log",
    "health_reviews",
)


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    return int(rows(path, f"SELECT count(*) FROM {table}")[0][0])


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_large_workspace(tmp_path_factory.mktemp("scale") / "small.db", scale=SMALL)


def test_twice_the_scale_writes_twice_the_rows(small: Path, tmp_path: Path) -> None:
    double = generate_large_workspace(tmp_path / "double.db", scale=2 * SMALL)
    expected = large_counts(2 * SMALL)
    for table in GROWING:
        assert count(double, table) == getattr(expected, table), table
    for table in ("standups", "standup_entries", "stories", "test_cases", "executions", "items"):
        assert count(double, table) == 2 * count(small, table), table
    assert count(double, "people") == count(small, "people") == 15
    assert rows(double, "PRAGMA integrity_check") == [("ok",)]
    assert rows(double, "PRAGMA foreign_key_check") == []


def test_versions_count_the_changes_kept_in_the_audit_trail(small: Path) -> None:
    # Every creation is in the trail; a record's version is 1 + its changes kept there,
    # and its last change dates it.
    for table in ("stories", "items"):
        wrong = rows(
            small,
            f"SELECT r.id, r.version, r.updated_at, count(a.id), max(a.at) FROM {table} AS r"
            " LEFT JOIN audit_log AS a ON a.entity = ? AND a.entity_id = r.id"
            "  AND a.field != ?"
            " GROUP BY r.id"
            " HAVING r.version != 1 + count(a.id)"
            "  OR r.updated_at != max(r.created_at, coalesce(max(a.at), ''))",
            (table, CREATED),
        )
        assert wrong == [], table
        created = rows(
            small,
            f"SELECT count(*) FROM {table} AS r WHERE NOT EXISTS (SELECT 1 FROM audit_log AS a"
            " WHERE a.entity = ? AND a.entity_id = r.id AND a.field = ?)",
            (table, CREATED),
        )
        assert created == [(0,)], table
    changed = rows(small, "SELECT count(*) FROM audit_log WHERE field != ?", (CREATED,))[0][0]
    assert changed > 0
    # In time order, with an author from the team for every row.
    trail = rows(small, "SELECT at, author FROM audit_log ORDER BY id")
    assert [at for at, _ in trail] == sorted(at for at, _ in trail)
    team = {name for (name,) in rows(small, "SELECT name FROM people")}
    assert {author for _, author in trail} <= team
    # Nothing of the generator's scaffolding is left in the file.
    assert rows(small, "SELECT name FROM sqlite_temp_master") == []


def test_closed_campaigns_keep_the_scope_the_rule_gives(small: Path, tmp_path: Path) -> None:
    # The generator writes each closed campaign's scope itself (the rule's query is
    # quadratic in campaigns x cases); it must be what the rule would have written.
    written = rows(small, "SELECT id, frozen_cases FROM campaigns ORDER BY id")
    assert sum(frozen is None for _, frozen in written) == 1  # the campaign in progress
    copy = tmp_path / "copy.db"
    conn = sqlite3.connect(small)
    conn.execute("VACUUM INTO ?", (str(copy),))
    conn.close()
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE campaigns SET frozen_cases = NULL")
    conn.execute(FREEZE_CLOSED)
    conn.commit()
    conn.close()
    assert rows(copy, "SELECT id, frozen_cases FROM campaigns ORDER BY id") == written


def test_the_scaled_workspace_opens_in_the_app_as_the_full_one_does(small: Path) -> None:
    ws = open_workspace(small)
    try:
        assert ws.items.count_inbox() == 25
    finally:
        ws.close()


def demo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRODTUI), "demo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def test_the_command_writes_the_scale_asked(tmp_path: Path) -> None:
    result = demo("--size", "large", "--scale", "0.02", "--out", "x.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "x.db"
    assert count(tmp_path / "x.db", "stories") == large_counts(0.02).stories
    label = rows(tmp_path / "x.db", "SELECT value FROM meta WHERE key = 'sample'")
    assert label == [("large seed=1 scale=0.02",)]


@pytest.mark.parametrize(
    "args",
    [
        ["--size", "large", "--scale", "0"],
        ["--size", "large", "--scale", "11"],
        ["--size", "large", "--scale", "-1"],
        ["--size", "large", "--scale", "nan"],
        ["--scale", "2"],
        ["--size", "small", "--scale", "2"],
    ],
)
def test_a_scale_out_of_range_or_without_large_is_refused(args: list[str], tmp_path: Path) -> None:
    result = demo(*args, "--out", "x.db", cwd=tmp_path)
    assert result.returncode == 2
    # In French by default; the catalogue's text, as its typography is the catalogue's.
    assert result.stderr == f"prodtui: {t('demo.scale_invalid')}\n"
    assert "--scale s'emploie avec --size large" in result.stderr
    assert list(tmp_path.iterdir()) == []
