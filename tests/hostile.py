"""A workspace whose every free-text column holds hostile text.

The demo workspace is built, then each free-text column is rewritten with raw SQL, as an
older version, another tool or a damaged import could have left it: markup, terminal
escape sequences (OSC 52 clipboard write, clear screen, C1 CSI), bidi overrides, NUL,
wide and right-to-left text, 10 kB lines. Each value is cut to the limit the app puts on
the field, so what is tested is text, not values the app would refuse as too long.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

from prodtui.sample.demo import build_demo_workspace

MARKUP = (
    "[bold]gras[/] [/] [link=https://exemple.invalid]lien[/link] [$x] $var"
    " [@click=app.quit()]q [brouillon"
)
ESCAPES = (
    "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[31mrouge\x9b2J\u202eenvers\u2066iso\u2069 nul\x00 del\x7f"
)
WIDE = "本番環境 🚀 デプロイ"
RTL = "مرحبا بالعالم שלום"
HOSTILE = f"{MARKUP} {ESCAPES} {WIDE} {RTL}"
LONG_LINE = (f"{HOSTILE} " + "ligne très longue " * 600)[:10_000]

# Characters a terminal acts on: none may reach the screen or a command's output.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# (table, column, the app's limit on that field). Long text columns take the 10 kB line.
COLUMNS: list[tuple[str, str, int]] = [
    ("audit_log", "author", 120),
    ("audit_log", "old", 10_000),
    ("audit_log", "new", 10_000),
    ("campaigns", "name", 200),
    ("campaigns", "release", 100),
    ("command_runs", "output_tail", 10_000),
    ("epics", "title", 200),
    ("epics", "description", 10_000),
    ("executions", "comment", 10_000),
    ("executions", "tester", 120),
    ("health_reviews", "comment", 2_000),
    ("homologation_decisions", "authority_name", 120),
    ("homologation_decisions", "authority_role", 200),
    ("homologation_steps", "title", 200),
    ("homologation_steps", "notes", 10_000),
    ("items", "text", 10_000),
    ("items", "owner", 120),
    ("measure_status", "owner", 120),
    ("measure_status", "how", 10_000),
    ("measure_status", "evidence", 10_000),
    ("measure_status", "comment", 10_000),
    ("measures", "title", 200),
    ("measures", "description", 10_000),
    ("meta", "value", 200),
    ("people", "name", 120),
    ("responsibilities", "activity", 200),
    ("responsibilities", "other_party", 40),
    ("risks", "title", 200),
    ("risks", "treatment", 10_000),
    ("risks", "owner", 120),
    ("sprints", "name", 120),
    ("standup_entries", "yesterday", 10_000),
    ("standup_entries", "today", 10_000),
    ("standups", "notes", 10_000),
    ("stories", "title", 300),
    ("stories", "persona", 300),
    ("stories", "want", 10_000),
    ("stories", "so_that", 10_000),
    ("stories", "description", 10_000),
    ("stories", "acceptance", 10_000),
    ("test_cases", "title", 300),
    ("test_cases", "steps", 10_000),
    ("test_cases", "expected", 10_000),
]


def hostile_value(row: int, limit: int) -> str:
    """A different hostile text per row (unique where the column is), within `limit`."""
    tag = f" n°{row}"
    if limit >= len(LONG_LINE) and row % 3 == 0:
        return LONG_LINE[: limit - len(tag)] + tag
    start = (row * 7) % len(HOSTILE)
    text = HOSTILE[start:] + " " + HOSTILE[:start]
    return text[: limit - len(tag)] + tag


def build_hostile_workspace(path: Path, *, today: date) -> Path:
    build_demo_workspace(path, today=today)
    conn = sqlite3.connect(path)
    try:
        with conn:
            # Append-only tables (executions) guard themselves with triggers: set aside
            # while the rows are rewritten, as a tool writing the file directly would.
            triggers = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                " AND sql LIKE '%append-only%'"
            ).fetchall()
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            for table, column, limit in COLUMNS:
                rowids = [row[0] for row in conn.execute(f"SELECT rowid FROM {table}")]
                conn.executemany(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                    [(hostile_value(rowid, limit), rowid) for rowid in rowids],
                )
            for _, sql in triggers:
                conn.execute(sql)
    finally:
        conn.close()
    return path
