"""The demo workspace, the shipped referentials and the large generated workspace."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from prodtui.domain.sample import (
    DemoWorkspace,
    HomologationReferential,
    MeasureReferential,
    SampleDataError,
    add_months,
    iso_week,
    large_counts,
    parse_sample,
    working_day,
    working_days_until,
)
from prodtui.resources import sample_file
from prodtui.sample.common import (
    fresh_workspace,
    load_demo,
    load_homologation_steps,
    load_measures,
)
from prodtui.sample.demo import build_demo_workspace
from prodtui.sample.large import generate_large_workspace
from prodtui.store import open_workspace

WEDNESDAY = date(2026, 11, 25)
SUNDAY = date(2026, 11, 29)
SMALL = 0.01


# Left empty by both generators: drafts are the user's unsaved text, and evidence files
# are files on the user's own machine, which a generated workspace cannot point at.
LEFT_EMPTY = ["drafts", "measure_evidence_files"]


def filled_tables(path: Path) -> dict[str, int]:
    """Row counts of every real table; FTS shadow tables and SQLite's own are left out."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")]
        names = [
            name
            for name, _ in rows
            if not name.startswith("sqlite_")
            and name not in virtual
            and not any(name.startswith(v + "_") for v in virtual)
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def table_hash(path: Path, table: str) -> str:
    digest = hashlib.sha256()
    for row in query(path, f"SELECT * FROM {table} ORDER BY 1"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def assert_sound(path: Path) -> None:
    assert query(path, "PRAGMA foreign_key_check") == []
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    ws = open_workspace(path)  # a valid workspace the app opens as is
    ws.close()


# --- The shipped files --------------------------------------------------------------


def test_the_sample_files_validate_and_refer_to_each_other() -> None:
    demo, measures, steps = load_demo(), load_measures(), load_homologation_steps()
    demo.check_referentials(measures, steps)
    assert len(demo.people) >= 8
    assert {p.role for p in demo.people} >= {"dev", "design", "metier", "rssi", "product", "other"}
    assert len(demo.stories) >= 25
    assert {i.kind for i in demo.items} == {
        "note",
        "action",
        "blocker",
        "decision",
        "question",
        "idea",
        "risk",
    }
    assert [s.key for s in steps.steps][:2] == ["strategie", "contexte"]
    assert {"analyse_risque", "audit", "plan_action", "dossier", "commission", "decision"} <= {
        s.key for s in steps.steps
    }


def test_the_measures_referential_has_forty_measures_in_four_categories() -> None:
    measures = load_measures()
    assert len(measures.measures) >= 40
    grouped = measures.by_category()
    assert set(grouped) == {"gouvernance", "protection", "defense", "resilience"}
    assert all(len(group) >= 5 for group in grouped.values())
    assert {m.priority for m in measures.measures} == {"P1", "P2", "P3"}
    assert any(m.indispensable for m in measures.measures)
    assert any(not m.indispensable for m in measures.measures)
    assert all(m.title and m.description for m in measures.measures)


def test_every_story_tells_who_what_and_why_in_french() -> None:
    for story in load_demo().stories:
        assert story.persona and story.want and story.so_that, story.number
        if story.status not in ("idea", "refining", "abandoned"):
            assert story.acceptance.startswith("# language: fr\nFonctionnalité:"), story.number


def test_every_acceptance_criterion_is_valid_french_gherkin() -> None:
    gherkin = pytest.importorskip("gherkin.parser")
    keywords: set[str] = set()
    for story in load_demo().stories:
        if not story.acceptance:
            continue
        document = gherkin.Parser().parse(story.acceptance)
        feature = document["feature"]
        assert feature["language"] == "fr"
        for child in feature["children"]:
            block = child.get("scenario") or child.get("background")
            keywords.add(block["keyword"])
            keywords.update(step["keyword"].strip() for step in block["steps"])
            keywords.update(example["keyword"] for example in block.get("examples", []))
    assert {"Scénario", "Plan du scénario", "Exemples", "Contexte"} <= keywords
    assert {"Étant donné que", "Quand", "Alors", "Et", "Mais"} <= keywords


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[meta]\nname = "x"\n', "people: Field required"),
        (
            '[meta]\nname = "x"\nservice = "y"\nnom = 1\n[[people]]\nname = "A"\nrole = "dev"\n',
            "meta.nom: Extra inputs are not permitted",
        ),
        (
            '[meta]\nname = "x"\nservice = "y"\n[[people]]\nname = "A"\nrole = "chef"\n',
            "people[0].role",
        ),
        (
            '[meta]\nname = "x"\nservice = "y"\n[[people]]\nname = "A"\nrole = "dev"\n'
            '[[items]]\nkind = "action"\ntext = "t"\nday_offset = -1\nowner = "Zoé"\n',
            "items[0]: unknown person 'Zoé'",
        ),
        ("[meta\n", "line 1"),
    ],
)
def test_a_bad_sample_file_says_what_is_wrong_and_where(text: str, expected: str) -> None:
    with pytest.raises(SampleDataError) as caught:
        parse_sample(DemoWorkspace, text, "demo.toml")
    assert caught.value.file == "demo.toml"
    assert expected in "; ".join(caught.value.problems)


def test_a_measure_code_must_match_its_category() -> None:
    text = sample_file("measures.toml").replace('code = "GOUV-01"', 'code = "PROT-99"', 1)
    with pytest.raises(SampleDataError, match="should start with GOUV-"):
        parse_sample(MeasureReferential, text, "measures.toml")
    with pytest.raises(SampleDataError, match="given more than once"):
        parse_sample(
            HomologationReferential,
            "[[steps]]\nkey = 'a'\ntitle = 't'\ndescription = 'd'\n" * 2,
            "homologation_steps.toml",
        )


def test_a_demo_naming_an_unknown_measure_is_refused() -> None:
    text = sample_file("demo.toml").replace('code = "GOUV-01"', 'code = "GOUV-77"', 1)
    demo = parse_sample(DemoWorkspace, text, "demo.toml")
    with pytest.raises(SampleDataError, match="unknown measure 'GOUV-77'"):
        demo.check_referentials(load_measures(), load_homologation_steps())


# --- Dates relative to today ----------------------------------------------------------


def test_working_days_skip_weekends() -> None:
    assert working_day(WEDNESDAY, 0) == WEDNESDAY
    assert working_day(SUNDAY, 0) == date(2026, 11, 27)  # the Friday before
    assert working_day(date(2026, 11, 30), -1) == date(2026, 11, 27)  # Monday back to Friday
    assert working_day(date(2026, 11, 27), 1) == date(2026, 11, 30)
    days = working_days_until(SUNDAY, 12)
    assert len(days) == 12 and days[-1] == date(2026, 11, 27)
    assert all(d.weekday() < 5 for d in days) and days == sorted(set(days))


def test_week_labels_and_months() -> None:
    assert iso_week(date(2026, 11, 25)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 27), -24) == date(2024, 11, 27)


# --- The demo workspace -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_workspace(tmp_path_factory.mktemp("demo") / "demo.db", today=WEDNESDAY)


def test_the_demo_fills_every_table_but_drafts_and_evidence_files(demo_db: Path) -> None:
    counts = filled_tables(demo_db)
    empty = sorted(name for name, n in counts.items() if n == 0)
    assert empty == LEFT_EMPTY
    assert counts["stories"] >= 25 and counts["standups"] >= 10
    assert counts["measures"] >= 40 and counts["measure_status"] == counts["measures"]
    assert_sound(demo_db)


def test_the_demo_is_built_quickly(tmp_path: Path) -> None:
    started = time.perf_counter()
    build_demo_workspace(tmp_path / "demo.db")
    assert time.perf_counter() - started < 5  # about 0.1 s; generous for slow machines


@pytest.mark.parametrize(
    "today", [WEDNESDAY, date(2026, 11, 28), SUNDAY, date(2026, 11, 30), date(2031, 2, 4)]
)
def test_the_demo_always_looks_current(tmp_path: Path, today: date) -> None:
    path = build_demo_workspace(tmp_path / "demo.db", today=today)
    days = [date.fromisoformat(str(d)) for (d,) in query(path, "SELECT day FROM standups")]
    assert len(days) == 10
    assert max(days) == working_day(today, 0)
    assert all(d.weekday() < 5 for d in days) and min(days) >= today - timedelta(days=16)
    iso = today.isoformat()
    current = query(
        path, "SELECT name FROM sprints WHERE start_date <= ? AND end_date >= ?", (iso, iso)
    )
    assert len(current) == 1
    running = query(
        path,
        "SELECT name FROM campaigns WHERE state = 'in_progress'"
        " AND start_date <= ? AND end_date >= ?",
        (iso, iso),
    )
    assert running == [("Recette v1.5",)]
    ws = open_workspace(path)
    try:
        assert ws.meta.workspace_name == "Répit Aidants"
        assert ws.items.count_inbox() >= 5
        late = [i for i in ws.items.open_actions_due(today) if i.is_late(today)]
        assert len(late) >= 2
        assert ws.items.open_blockers()
        assert len(ws.people.all(active_only=True)) == 8
    finally:
        ws.close()
    ((decided, months),) = query(
        path, "SELECT decided_on, validity_months FROM homologation_decisions"
    )
    expiry = add_months(date.fromisoformat(str(decided)), int(str(months)))
    assert today < expiry <= today + timedelta(days=60)  # the renewal is due soon
    weeks = [w for (w,) in query(path, "SELECT DISTINCT week FROM health_reviews ORDER BY week")]
    assert weeks[-1] == iso_week(today)


@pytest.mark.parametrize("today", [WEDNESDAY, date(2026, 11, 28), SUNDAY, date(2026, 11, 30)])
def test_the_demo_story_holds_on_any_day_of_the_week(tmp_path: Path, today: date) -> None:
    path = build_demo_workspace(tmp_path / "demo.db", today=today)
    # Work is done on working days, and numbers follow time.
    for table in ("items", "executions", "standups", "standup_entries", "stories"):
        stamps = [str(at) for (at,) in query(path, f"SELECT created_at FROM {table} ORDER BY id")]
        assert all(date.fromisoformat(at[:10]).weekday() < 5 for at in stamps), table
        if table in ("items", "executions", "standups"):
            assert stamps == sorted(stamps), table
    # In the running campaign, TC-7 failed then passed the next day; TC-16 still fails.
    latest = query(
        path,
        "SELECT c.number, e.status FROM executions e JOIN test_cases c ON c.id = e.case_id"
        " JOIN campaigns k ON k.id = e.campaign_id WHERE k.name = 'Recette v1.5'"
        " AND e.id = (SELECT max(id) FROM executions x WHERE x.case_id = e.case_id"
        " AND x.campaign_id = e.campaign_id)",
    )
    assert dict(latest)[7] == "pass"
    assert dict(latest)[16] == "fail"
    runs = query(path, "SELECT exit_code FROM command_runs ORDER BY started_at")
    assert runs == [(1,), (0,)]


def test_the_demo_history_is_dated_and_audited(demo_db: Path) -> None:
    created = query(demo_db, "SELECT count(*) FROM audit_log WHERE field = '(created)'")[0][0]
    # Every editable record was audited; logs (executions, command runs, the score's
    # daily history) are not records.
    logs = ("audit_log", "drafts", "executions", "command_runs", "meta", "security_score_history")
    editable = sum(n for t, n in filled_tables(demo_db).items() if t not in logs)
    assert created == editable
    assert query(demo_db, "SELECT DISTINCT author FROM audit_log") == [("demo",)]
    mismatched = query(
        demo_db,
        "SELECT s.number FROM stories s JOIN audit_log a ON a.entity = 'stories'"
        " AND a.entity_id = s.id AND a.field = '(created)' WHERE a.at <> s.created_at",
    )
    assert mismatched == []
    captured = [c for (c,) in query(demo_db, "SELECT created_at FROM items ORDER BY id")]
    assert captured == sorted(captured)  # capture numbers follow time


def test_each_execution_freezes_its_case(demo_db: Path) -> None:
    rows = query(
        demo_db,
        "SELECT e.case_snapshot, c.number, c.title, c.steps FROM executions e"
        " JOIN test_cases c ON c.id = e.case_id",
    )
    assert rows
    for snapshot, number, title, steps in rows:
        frozen = json.loads(str(snapshot))
        assert (frozen["number"], frozen["title"], frozen["steps"]) == (number, title, steps)


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    for name, content in (("empty.db", b""), ("notes.db", b"precious")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(FileExistsError):
            build_demo_workspace(path)
        with pytest.raises(FileExistsError):
            generate_large_workspace(path, scale=SMALL)
        assert path.read_bytes() == content


def test_a_failed_build_leaves_no_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    with pytest.raises(RuntimeError), fresh_workspace(path, "demo") as ws:
        ws.db.execute("INSERT INTO meta (key, value) VALUES ('name', 'x')")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


# --- Finding the demo again (the copy opened in the app: see test_e2e_day_one.py) --------

PRODTUI = Path(sys.executable).parent / "prodtui"


def demo_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRODTUI), "demo", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_reopening_with_no_copy_yet_says_what_to_do(isolated_home: Path) -> None:
    result = demo_command("--last")
    assert result.returncode == 2
    folder = isolated_home / "xdg_data_home" / "prodtui" / "demo"
    assert result.stderr == (
        f"prodtui: Aucune copie de la démo dans {folder}\u202f: lancez d'abord prodtui demo.\n"
    )


@pytest.mark.parametrize("other", [["--out", "x.db"], ["--size", "small"]])
def test_last_goes_alone(other: list[str]) -> None:
    result = demo_command("--last", *other)
    assert result.returncode == 2
    assert "--last rouvre la dernière copie de la démo" in result.stderr


def test_the_copies_are_found_newest_last(tmp_path: Path) -> None:
    from prodtui.cli.commands.demo import copies

    for stamp in ("20261127-090000-000001", "20261128-083000-000002", "20261126-170000-000003"):
        (tmp_path / f"demo-{stamp}.db").touch()
    (tmp_path / "demo-20261128-083000-000002.db-wal").touch()
    assert [p.name for p in copies(tmp_path)] == [
        "demo-20261126-170000-000003.db",
        "demo-20261127-090000-000001.db",
        "demo-20261128-083000-000002.db",
    ]


# --- The large workspace ----------------------------------------------------------------


def test_the_large_sizes_meet_the_design_figures() -> None:
    full = large_counts(1.0)
    assert full.people == 15
    assert full.standups == 2_500 and full.standup_entries == 35_000
    assert full.stories == 10_000 and full.executions == 200_000
    assert full.items == 20_000 and full.audit_log == 100_000
    small = large_counts(SMALL)
    assert small.standups == 25 and small.stories == 100 and small.executions == 2_000
    with pytest.raises(ValueError):
        large_counts(0)


def test_the_large_generator_writes_the_counts_it_promises(tmp_path: Path) -> None:
    path = generate_large_workspace(tmp_path / "large.db", scale=SMALL)
    counts = filled_tables(path)
    # The roadmap's milestones (migration 11) are the demo's, not yet the large one's.
    empty = sorted(name for name, n in counts.items() if n == 0)
    assert empty == sorted([*LEFT_EMPTY, "milestones"])
    expected = large_counts(SMALL)
    for table in (
        "people",
        "standups",
        "standup_entries",
        "sprints",
        "epics",
        "campaigns",
        "stories",
        "test_cases",
        "executions",
        "items",
        "audit_log",
        "health_reviews",
        "risks",
    ):
        assert counts[table] == getattr(expected, table), table
    assert counts["measures"] == len(load_measures().measures)
    assert_sound(path)
    # Everything happened up to the fixed "today", never after it.
    latest = query(path, "SELECT max(day) FROM standups")[0][0]
    assert latest == "2026-11-27"
    assert query(path, "SELECT max(at) FROM audit_log")[0][0] < "2026-11-28"


def test_the_large_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate_large_workspace(tmp_path / "a.db", seed=7, scale=SMALL)
    second = generate_large_workspace(tmp_path / "b.db", seed=7, scale=SMALL)
    other = generate_large_workspace(tmp_path / "c.db", seed=8, scale=SMALL)
    assert filled_tables(first) == filled_tables(second)
    tables = ("people", "stories", "standup_entries", "executions", "items", "audit_log")
    assert [table_hash(first, t) for t in tables] == [table_hash(second, t) for t in tables]
    assert table_hash(first, "stories") != table_hash(other, "stories")


def test_the_full_size_large_workspace(tmp_path: Path) -> None:
    # About 5 s and 130 MB here; the file is removed at once to spare the disk.
    path = tmp_path / "large.db"
    try:
        generate_large_workspace(path)
        counts = filled_tables(path)
        assert counts["people"] == 15
        assert counts["standups"] == 2_500
        assert counts["standup_entries"] == 35_000
        assert counts["stories"] == 10_000
        assert counts["executions"] == 200_000
        assert counts["items"] == 20_000
        assert counts["audit_log"] == 100_000
        ws = open_workspace(path)
        assert ws.items.count_inbox() == 25
        ws.close()
    finally:
        for leftover in tmp_path.iterdir():
            leftover.unlink()
