"""`prodtui export stories` / `prodtui import stories`: round trips through real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodtui.cli import main
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import open_workspace
from tests.conftest import TODAY

COMPARED = ("number", "title", "persona", "want", "so_that", "status", "priority", "points")


def snapshot(path: Path) -> list[tuple[object, ...]]:
    ws = open_workspace(path)
    try:
        epics = {e.id: e.title for e in ws.epics.all()}
        return [
            (*(getattr(s, f) for f in COMPARED), epics.get(s.epic_id), s.acceptance.strip() != "")
            for s in ws.stories.page(limit=1000)
        ]
    finally:
        ws.close()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo_workspace(tmp_path / "demo.db", today=TODAY)


def test_feature_files_round_trip(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "features"
    assert main(["export", "stories", "--db", str(demo), "--out", str(out)]) == 0
    folders = {p.name for p in out.iterdir()}
    assert len(folders) >= 3 and all(name == name.lower() for name in folders)
    assert all(f.name.startswith("US-") for f in out.rglob("*.feature"))
    target = tmp_path / "imported.db"
    assert main(["import", "stories", "--db", str(target), str(out)]) == 0
    assert sorted(snapshot(target)) == sorted(snapshot(demo))


def test_csv_round_trip_needs_the_sprints(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "backlog.csv"
    assert main(["export", "stories", "--db", str(demo), "--format", "csv", "--out", str(csv)]) == 0
    target = tmp_path / "imported.db"
    assert main(["import", "stories", "--db", str(target), str(csv)]) == 2
    assert "sprint" in capsys.readouterr().err
    assert open_workspace(target).stories.count() == 0, "nothing written"
    # Into the same workspace, sprints exist: every story is updated in place.
    assert main(["import", "stories", "--db", str(demo), str(csv)]) == 0
    assert "0 story créée, 26 mises à jour" in capsys.readouterr().out


def test_invalid_records_are_each_reported_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "key,title,points\nUS-1,Bonne,5\n,Sans titre ni points valides,4\n,,3\n", encoding="utf-8"
    )
    db = tmp_path / "ws.db"
    assert main(["import", "stories", "--db", str(db), str(csv)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv:row 3" in err and "bad.csv:row 4" in err
    assert open_workspace(db).stories.count() == 0
    assert main(["import", "stories", "--db", str(db), "--keep-valid", str(csv)]) == 0
    assert [s.title for s in open_workspace(db).stories.page()] == ["Bonne"]


def test_markdown_export_and_no_overwrite(demo: Path, tmp_path: Path) -> None:
    md = tmp_path / "backlog.md"
    assert main(["export", "stories", "--db", str(demo), "--format", "md", "--out", str(md)]) == 0
    assert "US-12" in md.read_text(encoding="utf-8")
    assert main(["export", "stories", "--db", str(demo), "--format", "md", "--out", str(md)]) == 2
