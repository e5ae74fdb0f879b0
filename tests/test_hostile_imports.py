"""Hostile files given to the imports: every value is checked with the app's own models
before anything is written, every refusal is one line (or one line per problem, then
one), and control characters become visible placeholders on the way in."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodtui.app.recette import import_junit
from prodtui.app.stories import read_story_files
from prodtui.app.workspace_dump import dump_workspace
from prodtui.config import load_settings
from prodtui.domain.recette import Campaign, CampaignState
from prodtui.exchange.referential import ReferentialRefused, read_referential
from prodtui.exchange.workspace_rows import MODELS
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.store.recette import recette
from prodtui.store.table_copy import data_tables
from tests.conftest import TODAY, AppFactory

PRODTUI = Path(sys.executable).parent / "prodtui"
HOSTILE = "Titre \x1b[2J\x1b]52;c;ZWNobyBwd24K\x07 \x9b31m fin \u202etxet"
"""An escape sequence (clear screen, write the clipboard), a one-byte CSI and a bidi
override: what a terminal would act on."""
CLEANED = "Titre ␛[2J␛]52;c;ZWNobyBwd24K␇ \ufffd31m fin \ufffdtxet"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PRODTUI), *args], capture_output=True, text=True, timeout=120)


def one_line_refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The status is 2 and stderr is a single `prodtui: …` line, without a traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("prodtui: "), result.stderr
    return lines[0]


# --- import json -----------------------------------------------------------------------------


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    """The demo workspace dumped in the streamed layout the export writes."""
    demo = build_demo_workspace(tmp_path / "demo.db", today=TODAY)
    out = tmp_path / "demo.json"
    ws = open_workspace(demo)
    try:
        with out.open("w", encoding="utf-8") as handle:
            dump_workspace(ws, handle)
    finally:
        ws.close()
    return out


Edit = Callable[[dict[str, Any]], None]


def edit_dump(path: Path, edits: dict[str, dict[int, Edit]]) -> Path:
    """Change rows of the streamed dump in place, keeping its layout: `edits` maps a
    table to {row index: a function changing the row as a column → value dict}."""
    lines = path.read_text(encoding="utf-8").split("\n")
    table, columns, index = "", [], -1
    for n, line in enumerate(lines):
        if line.startswith('{"name": '):
            header = json.loads(line + "]}")
            table, columns, index = header["name"], header["columns"], -1
            continue
        if not line.startswith("[") or table not in edits:
            continue
        index += 1
        change = edits[table].get(index)
        if change is None:
            continue
        comma = line.endswith(",")
        row = dict(zip(columns, json.loads(line.removesuffix(",")), strict=True))
        change(row)
        lines[n] = json.dumps([row[c] for c in columns]) + ("," if comma else "")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def setter(**values: Any) -> Edit:
    return lambda row: row.update(values)


def reformatted(path: Path) -> Path:
    """The same dump as some JSON tool would rewrite it (read whole, not line by line)."""
    whole = path.with_name("whole.json")
    whole.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=1))
    return whole


def test_rows_of_the_wrong_type_or_range_are_refused_with_their_table_and_row(
    dump: Path, tmp_path: Path
) -> None:
    edit_dump(
        dump,
        {
            "stories": {0: setter(points="beaucoup"), 1: setter(number=-7)},
            "people": {0: setter(active="yes")},
            "sprints": {0: setter(start_date="pas une date")},
            "items": {2: setter(due_date="2026-02-30")},
        },
    )
    target = tmp_path / "restored.db"
    result = run("import", "json", str(dump), "--db", str(target))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    *problems, summary = result.stderr.splitlines()
    assert summary.startswith("prodtui: ") and "5 problèmes" in summary
    assert len(problems) == 5
    text = "\n".join(problems)
    for table, column, value in (
        ("stories", "points", "beaucoup"),
        ("stories", "number", "-7"),
        ("people", "active", "yes"),
        ("sprints", "start_date", "pas une date"),
        ("items", "due_date", "2026-02-30"),
    ):
        line = next(p for p in problems if f"table {table}" in p and column in p)
        assert value in line, text
    assert "enregistrement 1 " in problems[0] or "enregistrement 1)" in text
    assert not target.exists()
    assert list(tmp_path.glob(".restored.db*")) == []


def test_the_whole_layout_is_checked_the_same_way(dump: Path, tmp_path: Path) -> None:
    edit_dump(dump, {"stories": {3: setter(points=4)}})
    result = run("import", "json", str(reformatted(dump)), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2
    *problems, summary = result.stderr.splitlines()
    assert len(problems) == 1 and "table stories" in problems[0] and "points" in problems[0]
    assert "1 problème" in summary
    assert not (tmp_path / "r.db").exists()


def test_at_most_twenty_problems_are_listed(dump: Path, tmp_path: Path) -> None:
    edit_dump(dump, {"stories": {n: setter(priority="urgent") for n in range(30)}})
    result = run("import", "json", str(dump), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert sum("table stories" in line for line in lines) == 20
    assert lines[-1].startswith("prodtui: ") and "20" in lines[-1]


def test_references_and_snapshots_are_checked(dump: Path, tmp_path: Path) -> None:
    edit_dump(
        dump,
        {
            "executions": {
                0: setter(case_snapshot='{"title": ""}'),
                1: setter(case_snapshot="pas du json"),
            },
            "campaigns": {0: setter(pass_cases='["un"]')},
            "security_score_history": {0: setter(categories='{"inconnue": 9}')},
        },
    )
    result = run("import", "json", str(dump), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2
    *problems, _ = result.stderr.splitlines()
    tables = [p.split("table ")[1].split(",")[0] for p in problems]
    assert sorted(set(tables)) == ["campaigns", "executions", "security_score_history"]
    assert tables.count("executions") == 2
    assert any("case_snapshot.title" in p for p in problems)
    # A row whose parent is missing: named once the rows themselves are fine.
    fresh = tmp_path / "fresh.json"
    build_demo_workspace(tmp_path / "again.db", today=TODAY)
    assert (
        run("--db", str(tmp_path / "again.db"), "export", "json", "--out", str(fresh)).returncode
        == 0
    )
    edit_dump(fresh, {"stories": {0: setter(epic_id=9999)}})
    line = one_line_refusal(run("import", "json", str(fresh), "--db", str(tmp_path / "r.db")))
    assert "stories" in line and "epics" in line


def test_an_overlong_title_in_a_dump_says_the_limit(dump: Path, tmp_path: Path) -> None:
    edit_dump(dump, {"stories": {0: setter(title="T" * 301)}})
    result = run("import", "json", str(dump), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2
    assert "300 caractères au plus" in result.stderr.splitlines()[0]


def test_hostile_text_is_cleaned_and_the_restored_workspace_opens_and_exports(
    dump: Path, tmp_path: Path
) -> None:
    edit_dump(
        dump,
        {
            "stories": {0: setter(title=HOSTILE, description=f"ligne 1\r\n{HOSTILE}\tfin")},
            "people": {0: setter(name=HOSTILE)},
            "meta": {0: setter(value=HOSTILE)},
            "audit_log": {0: setter(author=HOSTILE)},
        },
    )
    target = tmp_path / "restored.db"
    result = run("import", "json", str(dump), "--db", str(target))
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(target)
    try:
        story = conn.execute(
            "SELECT title, description FROM stories ORDER BY id LIMIT 1"
        ).fetchone()
        assert story == (CLEANED, f"ligne 1\n{CLEANED}\tfin")
        assert conn.execute("SELECT name FROM people ORDER BY id LIMIT 1").fetchone() == (CLEANED,)
        assert conn.execute("SELECT value FROM meta ORDER BY rowid LIMIT 1").fetchone() == (
            CLEANED,
        )
        author = conn.execute("SELECT author FROM audit_log ORDER BY id LIMIT 1").fetchone()[0]
        assert author == CLEANED
    finally:
        conn.close()
    out = tmp_path / "stories.csv"
    exported = run("--db", str(target), "export", "stories", "--format", "csv", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert CLEANED.split(" ")[1] in out.read_text(encoding="utf-8")
    again = tmp_path / "again.json"
    assert run("--db", str(target), "export", "json", "--out", str(again)).returncode == 0


async def test_a_restored_workspace_opens_its_backlog(
    dump: Path, tmp_path: Path, make_app: AppFactory
) -> None:
    from prodtui.ui.screens.stories import StoriesScreen

    edit_dump(dump, {"stories": {0: setter(title=HOSTILE)}})
    target = tmp_path / "restored.db"
    assert run("import", "json", str(dump), "--db", str(target)).returncode == 0
    ws = open_workspace(target)
    try:
        app = make_app(ws=ws)
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("3")
            await pilot.pause()
            assert isinstance(app.screen, StoriesScreen)
            assert app.screen.table.row_count > 0
    finally:
        ws.close()


@pytest.mark.parametrize("whole", [False, True], ids=["streamed", "whole"])
def test_deep_nesting_in_a_dump_is_one_line(dump: Path, tmp_path: Path, whole: bool) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    edit_dump(dump, {"stories": {0: lambda row: row.update(title="x")}})
    text = dump.read_text(encoding="utf-8")
    if whole:
        text = text.replace('"tables": [', f'"deep": {deep}, "tables": [', 1)
        text = text.replace("\n", "")
    else:
        lines = text.split("\n")
        row = next(n for n, line in enumerate(lines) if line.startswith("["))
        lines[row] = deep + ","
        text = "\n".join(lines)
    dump.write_text(text, encoding="utf-8")
    line = one_line_refusal(run("import", "json", str(dump), "--db", str(tmp_path / "r.db")))
    assert "imbriqu" in line
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize("version", [-5, 0, '"huit"', 2.5])
@pytest.mark.parametrize("whole", [False, True], ids=["streamed", "whole"])
def test_a_bad_schema_version_is_one_line(
    dump: Path, tmp_path: Path, version: object, whole: bool
) -> None:
    text = dump.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    first = first.replace(
        f'"schema_version": {json.loads(first + "]}")["schema_version"]}',
        f'"schema_version": {version}',
    )
    dump.write_text(first + "\n" + rest, encoding="utf-8")
    source = reformatted(dump) if whole else dump
    line = one_line_refusal(run("import", "json", str(source), "--db", str(tmp_path / "r.db")))
    assert "schema_version" in line


@pytest.mark.parametrize(
    ("column", "value"),
    [("id", 10**30), ("rank", "NaN"), ("title", "\ud800"), ("capacity", True)],
    ids=["huge", "nan", "surrogate", "bool-as-number"],
)
def test_values_sqlite_cannot_hold_are_refused(
    dump: Path, tmp_path: Path, column: str, value: Any
) -> None:
    table = "sprints" if column == "capacity" else "stories"
    text = dump.read_text(encoding="utf-8")
    edit_dump(dump, {table: {0: setter(**{column: value})}})
    if value == "NaN":  # Python's json reads the bare NaN token
        dump.write_text(dump.read_text(encoding="utf-8").replace('"NaN"', "NaN"), encoding="utf-8")
    assert dump.read_text(encoding="utf-8") != text
    result = run("import", "json", str(dump), "--db", str(tmp_path / "r.db"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    *problems, _ = result.stderr.splitlines()
    assert len(problems) == 1 and column in problems[0] and f"table {table}" in problems[0]


# --- settings --------------------------------------------------------------------------------


def test_deeply_nested_settings_are_one_warning(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("keymap = " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    result = run("--config", str(config), "capture", "--db", str(tmp_path / "ws.db"), "note")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [warning] = result.stderr.splitlines()
    assert warning.startswith("prodtui: ") and "imbriqu" in warning
    loaded = load_settings(config)
    assert loaded.problem is not None and not loaded.writable


def test_the_author_setting_reaches_the_audit_log_cleaned(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('author = "Camille\\u001b[2J\\u009b\\u202e"\n', encoding="utf-8")
    assert load_settings(config).settings.author == "Camille␛[2J\ufffd\ufffd"
    db = tmp_path / "ws.db"
    result = run("--config", str(config), "capture", "--db", str(db), "note")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    try:
        authors = {row[0] for row in conn.execute("SELECT author FROM audit_log")}
    finally:
        conn.close()
    assert authors == {"Camille␛[2J\ufffd\ufffd"}


# --- import measures -------------------------------------------------------------------------


def test_a_deeply_nested_referential_is_one_line(tmp_path: Path) -> None:
    referential = tmp_path / "ref.toml"
    referential.write_text("x = " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    result = run("import", "measures", str(referential), "--db", str(tmp_path / "ws.db"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "imbriqu" in result.stderr


MEASURE = """
[[measures]]
code = "EQ-1"
category = "protection"
title = "Chiffrer \\u001b[31m les \\u009b sauvegardes \\u202e"
description = "{description}"
"""


def test_referential_text_is_cleaned_and_an_overlong_description_is_reported(
    tmp_path: Path, workspace: Workspace
) -> None:
    referential = tmp_path / "ref.toml"
    referential.write_text(MEASURE.format(description="D" * 10_001), encoding="utf-8")
    with pytest.raises(ReferentialRefused) as refused:
        read_referential(referential)
    [problem] = refused.value.problems
    assert "10000" in problem.message.replace("\u202f", "").replace(" ", "")
    assert problem.position.startswith("ref.toml:measure 1")
    referential.write_text(MEASURE.format(description="ok \\u001b"), encoding="utf-8")
    [measure] = read_referential(referential)
    assert measure.title == "Chiffrer ␛[31m les \ufffd sauvegardes \ufffd"
    assert measure.description == "ok ␛"


# --- import stories --------------------------------------------------------------------------


def test_epic_and_sprint_names_are_checked_before_anything_is_written(tmp_path: Path) -> None:
    stories = tmp_path / "stories.csv"
    stories.write_text(
        "title,epic,sprint,points\n"
        f"Une histoire,{'E' * 201},,\n"
        f"Une autre,,{'S' * 121},\n"
        "Une troisième,,,beaucoup\n"
        "Une bonne,Dépôt,,3\n",
        encoding="utf-8",
    )
    db = tmp_path / "ws.db"
    result = run("import", "stories", str(stories), "--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    *problems, summary = result.stderr.splitlines()
    assert [p.split(": ", 1)[0] for p in problems] == [
        "stories.csv:row 2",
        "stories.csv:row 3",
        "stories.csv:row 4",
    ]
    assert "200 caractères au plus" in problems[0] and "épopée" in problems[0]
    assert "120 caractères au plus" in problems[1] and "sprint" in problems[1]
    assert summary.startswith("prodtui: ")
    ws = open_workspace(db)
    try:
        assert ws.stories.page() == [] and ws.epics.all() == []
    finally:
        ws.close()


def test_a_feature_epic_over_the_limit_is_reported(tmp_path: Path) -> None:
    feature = tmp_path / "US-1-x.feature"
    feature.write_text(
        f"# épopée: {'E' * 201}\nFonctionnalité: US-1 Déposer un dossier\n", encoding="utf-8"
    )
    result = read_story_files([feature])
    assert result.stories == []
    [problem] = result.problems
    assert problem.position == "US-1-x.feature:1"
    assert "200 caractères au plus" in problem.message


def test_control_characters_in_story_files_become_placeholders(
    tmp_path: Path, workspace: Workspace
) -> None:
    csv_file = tmp_path / "stories.csv"
    csv_file.write_text(
        f'title,epic,description\n"{HOSTILE}","{HOSTILE}","a\r\nb {HOSTILE}"\n', encoding="utf-8"
    )
    feature = tmp_path / "US-7-x.feature"
    feature.write_text(
        f"# épopée: {HOSTILE}\nFonctionnalité: US-7 {HOSTILE}\n  {HOSTILE}\n", encoding="utf-8"
    )
    result = read_story_files([csv_file, feature])
    assert result.problems == []
    workspace.stories.import_stories(result.importable)
    first, second = workspace.stories.page()
    assert first.title == CLEANED and first.description == f"a\nb {CLEANED}"
    assert second.title == CLEANED and second.description == CLEANED
    assert [epic.title for epic in workspace.epics.all()] == [CLEANED]
    assert result.problems == []


def test_problem_messages_quote_values_cleaned(tmp_path: Path) -> None:
    csv_file = tmp_path / "stories.csv"
    csv_file.write_text("title,status\nUne histoire,\x1b[2Jfaite\n", encoding="utf-8")
    [problem] = read_story_files([csv_file]).problems
    assert "\x1b" not in problem.message and "␛[2Jfaite" in problem.message


# --- import junit ----------------------------------------------------------------------------


def test_long_junit_names_and_control_characters_are_imported_cleaned(
    tmp_path: Path, workspace: Workspace
) -> None:
    campaign = recette(workspace).campaigns.add(
        Campaign(name="Recette 1", state=CampaignState.IN_PROGRESS)
    )
    report = tmp_path / "report.xml"
    report.write_text(
        '<?xml version="1.0"?>\n<testsuites><testsuite>'
        f'<testcase name="{"n" * 1500}" classname="{"c" * 1500}">'
        '<failure message="&#x9b;31m boom \u202e">trace</failure></testcase>'
        '<testcase name="t &#x85; &#x2066;x" classname="suite"/>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    outcome = import_junit(workspace, campaign, report)
    assert not outcome.skipped
    cases = recette(workspace).test_cases.page()
    assert len(cases) == 2
    assert all(len(case.automation_key or "") <= 2000 for case in cases)
    assert {case.title for case in cases if case.title.startswith("t ")} == {"t \ufffd \ufffdx"}
    comments = [
        row[0] for row in workspace.conn.execute("SELECT comment FROM executions ORDER BY id")
    ]
    assert comments[0] == "\ufffd31m boom \ufffd\n\ntrace"  # the message, then the body


def test_every_table_and_column_of_the_workspace_is_checked(workspace: Workspace) -> None:
    """A table or column a migration adds must get its check: the restore would
    otherwise write it unchecked."""
    for shape in data_tables(workspace.conn):
        assert shape.name in MODELS, shape.name
        assert set(shape.columns) <= set(MODELS[shape.name].model_fields), shape.name
