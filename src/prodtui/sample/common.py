"""What the demo and the large workspace share: the sample files, timestamps, a fresh file.

The sample files (`sample_data/`) are read with `importlib.resources`; a workspace is
only ever written to a new path, and removed again when filling it fails.
"""

from __future__ import annotations

import contextlib
import errno
import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from prodtui.domain.recette import CASE_SNAPSHOT_FIELDS
from prodtui.domain.sample import (
    DemoWorkspace,
    HomologationReferential,
    MeasureDefinition,
    MeasureReferential,
    parse_sample,
)
from prodtui.domain.security import (
    Category,
    Measure,
    MeasureEntry,
    MeasureState,
    MeasureStatus,
    plausible_history,
    scorecard,
)
from prodtui.resources import sample_file
from prodtui.store.workspace import Workspace, open_workspace

DEMO_FILE = "demo.toml"
MEASURES_FILE = "measures.toml"
STEPS_FILE = "homologation_steps.toml"

RANK_STEP = 1000  # gaps between ranks leave room to move a story without renumbering


# --- Score history -------------------------------------------------------------------------


def seed_score_history(conn: sqlite3.Connection, today: date, *, days: int, seed: int = 7) -> int:
    """Give a freshly built demo workspace a believable score history ending at its
    current score (`domain.security.plausible_history`); returns the rows written."""
    statuses = conn.execute(
        "SELECT m.category, m.indispensable, s.status FROM measures AS m"
        " JOIN measure_status AS s ON s.measure_id = m.id"
    ).fetchall()
    card = scorecard(
        MeasureEntry(
            measure=Measure(
                code="X-1", category=Category(category), title="x", indispensable=bool(ind)
            ),
            state=MeasureState(measure_id=0, status=MeasureStatus(status), justification="x"),
        )
        for category, ind, status in statuses
    )
    points = plausible_history(card, today, days, random.Random(seed))
    stamp = f"{today.isoformat()}T00:00:00.000"
    conn.executemany(
        "INSERT OR REPLACE INTO security_score_history (day, overall, categories, updated_at)"
        " VALUES (?, ?, ?, ?)",
        [
            (
                p.day.isoformat(),
                p.overall,
                json.dumps({c.value: v for c, v in p.categories.items()}),
                stamp,
            )
            for p in points
        ],
    )
    return len(points)


# --- Reading the sample files ----------------------------------------------------------


def load_measures() -> MeasureReferential:
    """The default referential of security measures shipped with prodtui."""
    return parse_sample(MeasureReferential, sample_file(MEASURES_FILE), MEASURES_FILE)


def load_homologation_steps() -> HomologationReferential:
    """The ordered steps of a homologation shipped with prodtui."""
    return parse_sample(HomologationReferential, sample_file(STEPS_FILE), STEPS_FILE)


def load_demo() -> DemoWorkspace:
    return parse_sample(DemoWorkspace, sample_file(DEMO_FILE), DEMO_FILE)


def measure_row(measure: MeasureDefinition) -> dict[str, Any]:
    """A shipped measure as a row of `measures` (both sample workspaces copy them all)."""
    return {
        "code": measure.code,
        "category": measure.category,
        "title": measure.title,
        "description": measure.description,
        "priority": measure.priority,
        "indispensable": int(measure.indispensable),
        "custom": 0,
    }


def case_snapshot(case: dict[str, Any]) -> str:
    """The frozen copy of a test case stored with each execution."""
    return json.dumps(
        {name: case[name] for name in CASE_SNAPSHOT_FIELDS}, ensure_ascii=False, sort_keys=True
    )


def stamp(day: date, clock: str = "09:00", seconds: int = 0) -> str:
    """A timestamp in the format the repositories write (`store.base.now`)."""
    return f"{day.isoformat()}T{clock}:{seconds:02d}.000"


def refuse_existing(path: Path) -> Path:
    path = Path(path).expanduser()
    if path.exists() or path.is_symlink():
        raise FileExistsError(errno.EEXIST, "refusing to overwrite an existing file", str(path))
    return path


@contextlib.contextmanager
def fresh_workspace(path: Path, author: str) -> Iterator[Workspace]:
    """Create the workspace; if filling it fails, remove the half-made file."""
    ws = open_workspace(path, author=author)
    try:
        yield ws
    except BaseException:
        ws.close()
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        raise
    ws.close()
