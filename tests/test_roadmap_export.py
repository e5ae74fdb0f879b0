"""Milestones as records (versioned, audited, searchable, dumped), the roadmap read from
the workspace, and `prodtui export roadmap` run as installed, its output parsed back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from prodtui.domain.errors import ConflictError
from prodtui.domain.roadmap import Milestone, MilestoneKind, WarningKind, default_window
from prodtui.domain.search import SearchKind
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from tests.conftest import id_of

PRODTUI = Path(sys.executable).parent / "prodtui"
# Mermaid gantt: `name :tags, start, end` with end a day or a length (`0d`).
GANTT_TASK = re.compile(
    r"^    [^:;#]+ :(?:(?:milestone|done|active), )*\d{4}-\d{2}-\d{2}, (?:0d|\d{4}-\d{2}-\d{2})$"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The command reads the real date: the demo is built around it too.
    return build_demo_workspace(tmp_path_factory.mktemp("roadmap") / "demo.db", today=date.today())


def export(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PRODTUI), "export", "roadmap", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- milestones are records ---------------------------------------------------------------


def test_a_milestone_is_versioned_audited_and_searchable(workspace: Workspace) -> None:
    repo = workspace.milestones
    saved = repo.create(
        Milestone(name="Comité de pilotage", day=date(2027, 2, 3), kind="committee")
    )
    assert saved.version == 1
    moved = repo.save(saved.edit(day=date(2027, 2, 10)))
    assert moved.version == 2 and moved.day == date(2027, 2, 10)
    # Another session saved first: refused with both versions.
    with pytest.raises(ConflictError) as refused:
        repo.save(saved.edit(name="Comité stratégique"))
    assert refused.value.theirs.day == date(2027, 2, 10)
    history = workspace.rows(
        "SELECT field, old, new FROM audit_log WHERE entity = 'milestones' ORDER BY id"
    )
    assert [h["field"] for h in history] == ["(created)", "day"]
    assert history[1]["old"] == "2027-02-03" and history[1]["new"] == "2027-02-10"
    (hit,) = workspace.search.search("comite")
    assert hit.kind is SearchKind.MILESTONE and hit.ref == saved.id and hit.day == moved.day
    repo.delete(id_of(moved), moved.version)
    assert workspace.search.search("comite") == []


def test_the_roadmap_reads_the_window_and_the_warnings(workspace: Workspace) -> None:
    today = date(2026, 11, 27)
    workspace.milestones.create(
        Milestone(name="Mise en production 1.6.0", day=today + timedelta(days=20), kind="release")
    )
    sprint = workspace.db.table("sprints").insert(
        {
            "name": "Sprint 16",
            "start_date": "2026-11-23",
            "end_date": "2026-12-06",
            "capacity": 10,
            "created_at": "x",
            "updated_at": "x",
        }
    )
    for number, points in ((1, 8), (2, 5)):
        workspace.db.table("stories").insert(
            {
                "number": number,
                "title": f"Story {number}",
                "points": points,
                "sprint_id": sprint.last_pk,
                "rank": number,
                "created_at": "x",
                "updated_at": "x",
            }
        )
    data = workspace.roadmap.window(default_window(today))
    assert [s.committed for s in data.sprints] == [13]
    assert [m.name for m in data.milestones] == ["Mise en production 1.6.0"]
    assert [w.kind for w in workspace.roadmap.warnings(today)] == [WarningKind.SPRINT_OVER_CAPACITY]
    assert workspace.dashboard.security(today).roadmap_warnings == 1


def test_milestones_go_through_the_json_dump_and_back(demo: Path, tmp_path: Path) -> None:
    dumped, restored = tmp_path / "dump.json", tmp_path / "restored.db"
    run = [str(PRODTUI), "--db", str(demo), "export", "json", "--out", str(dumped)]
    assert subprocess.run(run, capture_output=True, check=False, timeout=120).returncode == 0
    back = [str(PRODTUI), "import", "json", str(dumped), "--db", str(restored)]
    assert subprocess.run(back, capture_output=True, check=False, timeout=120).returncode == 0
    ws = open_workspace(restored)
    try:
        kinds = {m.kind for m in ws.milestones.all()}
        assert kinds == {MilestoneKind.RELEASE, MilestoneKind.COMMITTEE, MilestoneKind.DEMO}
        assert ws.search.search("pilotage")[0].kind is SearchKind.MILESTONE
        assert any(e.target_date is not None for e in ws.epics.all())
    finally:
        ws.close()


# --- the export -----------------------------------------------------------------------------


def test_markdown_has_a_table_per_lane_and_a_gantt_chart(demo: Path) -> None:
    done = export("--db", str(demo))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# Feuille de route — Répit Aidants\n")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[1:] == [
        "Épopées et versions",
        "Sprints",
        "Campagnes de recette",
        "Homologation",
        "Sécurité",
        "Jalons",
        "Diagramme de Gantt",
    ]
    # The demo's milestones raise warnings, said with their dates.
    warnings = re.findall(r"^- (.+)$", text, re.MULTILINE)
    assert any("La date prévue pour « Comité de pilotage »" in w for w in warnings)
    assert any("La campagne « Recette v1.6 » finit le" in w for w in warnings)
    # Each lane's table has its header and one row per item.
    assert text.count("| Élément | Début | Fin | État |") == 6
    assert "| Mise en production 1.6.0 |" in text
    gantt = text.split("```mermaid\n", 1)[1].split("```", 1)[0].splitlines()
    assert gantt[:3] == [
        "gantt",
        "    title Feuille de route — Répit Aidants",
        "    dateFormat YYYY-MM-DD",
    ]
    tasks = [line for line in gantt[3:] if not line.startswith("    section ")]
    assert tasks and all(GANTT_TASK.match(line) for line in tasks), tasks
    assert "    Mise en production 1.6.0 :milestone, " in "\n".join(tasks)


def test_json_is_the_same_lanes_and_warnings(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "roadmap.json"
    done = export(
        "--db",
        str(demo),
        "--format",
        "json",
        "--from",
        "2026-01",
        "--months",
        "24",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "prodtui-roadmap" and document["format_version"] == 1
    assert document["from"] == "2026-01" and document["months"] == 24
    assert [lane["lane"] for lane in document["lanes"]] == [
        "epics",
        "sprints",
        "campaigns",
        "homologation",
        "security",
        "milestones",
    ]
    kinds = {w["kind"] for w in document["warnings"]}
    assert {"campaign_after_release", "release_after_expiry", "measures_unplanned"} <= kinds
    milestones = {i["label"]: i for i in document["lanes"][5]["items"]}
    assert milestones["Comité de pilotage"]["state"] == "committee"
    assert milestones["Comité de pilotage"]["ref"]["kind"] == "milestone"
    epics = document["lanes"][0]["items"]
    assert all("points_done" in e and "points_planned" in e for e in epics)
    # The file exists now: a second export refuses to overwrite it.
    again = export("--db", str(demo), "--format", "json", "--out", str(out))
    assert again.returncode == 2 and again.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2027-13"], "n'est pas un mois"),
        (["--from", "janvier"], "n'est pas un mois"),
        (["--months", "0"], "de 1 à 120"),
        (["--months", "121"], "de 1 à 120"),
    ],
)
def test_a_bad_window_is_refused_in_one_line(demo: Path, args: list[str], message: str) -> None:
    done = export("--db", str(demo), *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_english_on_request(demo: Path) -> None:
    done = export("--db", str(demo), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "## Epics and releases" in done.stdout and "## Gantt chart" in done.stdout
