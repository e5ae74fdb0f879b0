"""Full-text search over the whole workspace, through the FTS5 index of migration 5.

The triggers of `migrations/0005_search.sql` keep `search_index` in step with its
sources; this module reads it, and rebuilds it whole after a restore (which writes
without the triggers: one bulk insert instead of one per row). The index holds œ, æ
spelt oe, ae (so does the query, see `search_phrases`); snippet() re-reads the text as
written from `search_text`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from prodtui.domain.search import (
    MARK_START,
    SearchHit,
    SearchKind,
    parse_snippet,
    prefix_last,
    search_phrases,
)

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

# bm25 weights of the columns kind, ref (unindexed), key, title, body: a word in a
# title counts four times a word in a body, a typed key (US-12) more still.
RANK = "bm25(0.0, 0.0, 8.0, 4.0, 1.0)"
# Ranking costs about 2 µs per matching row; counting, about 0.06 µs. Past this many
# matches (a lone "de", a two-letter prefix) nothing is ranked: key and title matches
# come first, then body matches, newest rows first: the query stays far below 50 ms.
BROAD = 12_000
SNIPPET_TOKENS = 12
TITLE_LENGTH = 80


class SearchRepository:
    """Reads the search index; returns hits of every kind ranked together."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """The best `limit` hits for the words of `query`, best first.

        The query is plain text: each word is quoted, so FTS5 operators typed by the user
        (`"`, `*`, `-`, `:`, brackets, AND, OR, NOT) are only words; the last word, while
        it is typed, matches as a prefix. A query without a word has no hits.
        """
        expression = match_expression(query)
        if expression is None or limit <= 0:
            return []
        rows = self._ranked(expression, limit)
        return self._hits(rows)

    def count(self, query: str) -> int:
        """How many rows match `query` in all (cheap: no ranking)."""
        expression = match_expression(query)
        if expression is None:
            return 0
        return int(
            self.ws.conn.execute(
                "SELECT count(*) FROM search_index WHERE search_index MATCH ?", [expression]
            ).fetchone()[0]
        )

    def _ranked(self, expression: str, limit: int) -> list[dict[str, Any]]:
        select = (
            "SELECT rowid, kind, ref,"
            f" snippet(search_index, 4, char(2), char(3), '…', {SNIPPET_TOKENS}) AS body,"
            f" snippet(search_index, -1, char(2), char(3), '…', {SNIPPET_TOKENS}) AS best,"
            " rank FROM search_index"
        )
        if self._broad(expression):
            # Key and title matches first, newest first: ranking them, or even counting
            # them, reads every match of the word (a lone "le" ten times the large
            # workspace: 500,000 rows, 250 ms); FTS5 stops at the limit instead.
            titled = self.ws.rows(
                f"{select} WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
                [f"{{key title}} : ({expression})", limit],
            )
            seen = [row["rowid"] for row in titled]
            if len(titled) >= limit:
                return titled
            # FTS5 walks the rows newest first and stops at the limit: no ranking at all.
            rest = self.ws.rows(
                f"{select} WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
                [expression, limit + len(seen)],
            )
            skip = set(seen)
            return titled + [row for row in rest if row["rowid"] not in skip][: limit - len(seen)]
        return self.ws.rows(
            f"{select} WHERE search_index MATCH ? AND rank MATCH '{RANK}' ORDER BY rank LIMIT ?",
            [expression, limit],
        )

    def _broad(self, expression: str) -> bool:
        count = self.ws.conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT ?)",
            [expression, BROAD + 1],
        ).fetchone()[0]
        return int(count) > BROAD

    def _hits(self, rows: list[dict[str, Any]]) -> list[SearchHit]:
        refs: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            refs[row["kind"]].append(int(row["ref"]))
        details: dict[tuple[str, int], dict[str, Any]] = {}
        for kind, ids in refs.items():
            for found in DETAILS[SearchKind(kind)](self.ws, ids):
                details[(kind, int(found["id"]))] = found
        hits: list[SearchHit] = []
        for row in rows:
            detail = details.get((row["kind"], int(row["ref"])))
            if detail is None:  # the row went between the two reads
                continue
            raw = row["body"] if MARK_START in (row["body"] or "") else row["best"]
            # Runs of whitespace (line breaks between fields) become one space first.
            snippet, marks = parse_snippet(" ".join((raw or "").split()))
            hits.append(
                SearchHit(
                    kind=SearchKind(row["kind"]),
                    ref=int(row["ref"]),
                    key=detail["key"],
                    title=_one_line(detail["title"]),
                    snippet=snippet,
                    marks=marks,
                    rank=float(row["rank"]) if row["rank"] is not None else 0.0,
                    day=detail.get("day"),
                    person_id=detail.get("person_id"),
                    case_id=detail.get("case_id"),
                )
            )
        return hits


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a raw query: its phrases quoted, joined by AND (FTS5's
    implicit operator), the last word as a prefix while it is typed; None without words."""
    phrases = search_phrases(query)
    if not phrases:
        return None
    # Phrases hold only letters, digits and spaces; doubling quotes is belt and braces.
    quoted = ['"' + phrase.replace('"', '""') + '"' for phrase in phrases]
    if prefix_last(query, phrases):
        quoted[-1] += "*"
    return " ".join(quoted)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


# -- what each kind shows: its key and title, read from its own table -----------------------


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _stories(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(f"SELECT id, number, title FROM stories WHERE id IN ({_marks(len(ids))})", ids)
    return [{"id": r["id"], "key": f"US-{r['number']}", "title": r["title"]} for r in rows]


def _captures(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(f"SELECT id, text FROM items WHERE id IN ({_marks(len(ids))})", ids)
    return [{"id": r["id"], "key": f"#{r['id']}", "title": r["text"]} for r in rows]


def _entries(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(
        "SELECT e.id, e.person_id, s.day, p.name FROM standup_entries AS e"
        " JOIN standups AS s ON s.id = e.standup_id"
        " JOIN people AS p ON p.id = e.person_id"
        f" WHERE e.id IN ({_marks(len(ids))})",
        ids,
    )
    return [
        {
            "id": r["id"],
            "key": r["day"],
            "title": r["name"],
            "day": date.fromisoformat(r["day"]),
            "person_id": r["person_id"],
        }
        for r in rows
    ]


def _executions(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(
        "SELECT e.id, e.case_id, c.number, c.title, e.created_at FROM executions AS e"
        " JOIN test_cases AS c ON c.id = e.case_id"
        f" WHERE e.id IN ({_marks(len(ids))})",
        ids,
    )
    return [
        {
            "id": r["id"],
            "key": f"TC-{r['number']}",
            "title": r["title"],
            "day": date.fromisoformat(r["created_at"][:10]),
            "case_id": r["case_id"],
        }
        for r in rows
    ]


def _measures(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(f"SELECT id, code, title FROM measures WHERE id IN ({_marks(len(ids))})", ids)
    return [{"id": r["id"], "key": r["code"], "title": r["title"]} for r in rows]


def _risks(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(f"SELECT id, title FROM risks WHERE id IN ({_marks(len(ids))})", ids)
    return [{"id": r["id"], "key": f"R-{r['id']}", "title": r["title"]} for r in rows]


def _milestones(ws: Workspace, ids: list[int]) -> list[dict[str, Any]]:
    rows = ws.rows(f"SELECT id, name, day FROM milestones WHERE id IN ({_marks(len(ids))})", ids)
    return [
        {"id": r["id"], "key": r["day"], "title": r["name"], "day": date.fromisoformat(r["day"])}
        for r in rows
    ]


DETAILS: dict[SearchKind, Callable[[Workspace, list[int]], list[dict[str, Any]]]] = {
    SearchKind.STORY: _stories,
    SearchKind.CAPTURE: _captures,
    SearchKind.STANDUP: _entries,
    SearchKind.EXECUTION: _executions,
    SearchKind.MEASURE: _measures,
    SearchKind.RISK: _risks,
    SearchKind.MILESTONE: _milestones,
}


# -- the whole index at once: a restore fills a new file without the triggers -------------


def _folded(column: str) -> str:
    # The ligature folding of the triggers (migration 5): unicode61 leaves œ, æ alone.
    return (
        f"replace(replace(replace(replace({column}, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')"
    )


SEARCH_TRIGGER_PREFIX = "search_"
"""The triggers that keep the index in step (migrations 5 and 11) are all named so."""

_SEARCH_TEXT = (
    # The same rows, with the same rowids and text, as each kind's insert trigger writes.
    "SELECT id * 8 + 1, 'story', id, 'US-' || number, title,"
    " persona || char(10) || want || char(10) || so_that || char(10) || description"
    " || char(10) || acceptance FROM stories",
    "SELECT id * 8 + 2, 'capture', id, '#' || id, '', text FROM items",
    "SELECT id * 8 + 3, 'standup', id, '', '', yesterday || char(10) || today"
    " FROM standup_entries WHERE trim(yesterday || today) <> ''",
    "SELECT e.id * 8 + 4, 'execution', e.id, coalesce('TC-' || c.number, ''), '', e.comment"
    " FROM executions AS e LEFT JOIN test_cases AS c ON c.id = e.case_id"
    " WHERE trim(e.comment) <> ''",
    "SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,"
    " m.description || char(10) || coalesce(s.how, '') || char(10)"
    " || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')"
    " FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id",
    "SELECT id * 8 + 6, 'risk', id, 'R-' || id, title,"
    " treatment || char(10) || coalesce(owner, '') || char(10)"
    " || CASE criterion WHEN 'availability' THEN 'Disponibilité'"
    " WHEN 'integrity' THEN 'Intégrité' WHEN 'confidentiality' THEN 'Confidentialité'"
    " WHEN 'traceability' THEN 'Traçabilité' ELSE '' END FROM risks",
    "SELECT id * 8 + 7, 'milestone', id, day, name,"
    " CASE kind WHEN 'release' THEN 'Mise en production' WHEN 'committee' THEN 'Comité'"
    " WHEN 'demo' THEN 'Démo' ELSE 'Jalon' END FROM milestones",
)


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Index every source row again in a few statements, inside the caller's transaction:
    what the triggers would have written one row at a time (a test compares the two)."""
    conn.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_text")
    for select in _SEARCH_TEXT:
        conn.execute(f"INSERT INTO search_text (rowid, kind, ref, key, title, body) {select}")
    # In rowid order, as FTS5 likes its inserts; folded as the triggers fold.
    conn.execute(
        "INSERT INTO search_index (rowid, key, title, body)"
        f" SELECT rowid, {_folded('key')}, {_folded('title')}, {_folded('body')}"
        " FROM search_text ORDER BY rowid"
    )
