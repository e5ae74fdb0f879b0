"""A restore writes without the search triggers and the plain indexes, then puts them back
and rebuilds the search index in bulk: the file it leaves must be the one the triggers
would have made. Real SQLite files: a demo workspace filled through the repositories,
dumped and restored by the command."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from prodtui.cli import main
from prodtui.domain.items import Item
from prodtui.domain.roadmap import Milestone, MilestoneKind
from prodtui.domain.stories import Story
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import open_workspace
from tests.conftest import TODAY

QUERIES = ["coeur", "cœur", "oeuvre", "Æsop", "securite", "US-1", "TC-", "démo", "relan", "de"]


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """The demo, plus text with the ligatures the triggers fold (œ, æ) in several kinds."""
    path = build_demo_workspace(tmp_path / "demo.db", today=TODAY)
    ws = open_workspace(path)
    try:
        ws.stories.add(Story(title="Le cœur du dépôt", want="une Œuvre, un Ætat, une æquipe"))
        ws.items.add(Item(text="Relancer le service sur le cœur de métier"))
        ws.milestones.create(
            Milestone(name="Démo Æsop", day=date(2026, 12, 4), kind=MilestoneKind.DEMO)
        )
    finally:
        ws.close()
    return path


@pytest.fixture
def restored(filled: Path, tmp_path: Path) -> Path:
    dump = tmp_path / "dump.json"
    assert main(["--db", str(filled), "export", "json", "--out", str(dump)]) == 0
    target = tmp_path / "restored.db"
    assert main(["import", "json", str(dump), "--db", str(target)]) == 0
    return target


def _index_terms(path: Path) -> list[tuple[object, ...]]:
    """Every token FTS5 holds: term, row, column and offset (fts5vocab 'instance')."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, search_index, instance)"
        )
        return conn.execute(
            "SELECT term, doc, col, offset FROM temp.terms ORDER BY 1, 2, 3, 4"
        ).fetchall()
    finally:
        conn.close()


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_rebuilt_index_is_what_the_triggers_made(filled: Path, restored: Path) -> None:
    text = "SELECT rowid, kind, ref, key, title, body FROM search_text ORDER BY rowid"
    assert _query(restored, text) == _query(filled, text)
    assert {row[1] for row in _query(filled, text)} == {
        "story",
        "capture",
        "standup",
        "execution",
        "measure",
        "risk",
        "milestone",
    }
    terms = _index_terms(filled)
    assert _index_terms(restored) == terms
    # The ligatures are folded in the index as the triggers fold them.
    assert any(term == "coeur" for term, *_ in terms)
    assert not any("œ" in str(term) or "æ" in str(term) for term, *_ in terms)


def test_search_finds_the_same_hits_ranked_the_same(filled: Path, restored: Path) -> None:
    before, after = open_workspace(filled), open_workspace(restored)
    try:
        for query in QUERIES:
            assert after.search.search(query) == before.search.search(query), query
        assert before.search.search("coeur") and before.search.search("aesop")
    finally:
        before.close()
        after.close()


def test_triggers_and_indexes_are_back_and_the_file_is_in_wal(filled: Path, restored: Path) -> None:
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    assert _query(restored, schema) == _query(filled, schema)
    assert _query(restored, "PRAGMA journal_mode") == [("wal",)]
    assert _query(restored, "PRAGMA integrity_check") == [("ok",)]
    # The triggers work again: a new capture is found.
    ws = open_workspace(restored)
    try:
        ws.items.add(Item(text="Préparer le comité de pilotage"))
        assert [hit.key for hit in ws.search.search("pilotage")]
    finally:
        ws.close()
