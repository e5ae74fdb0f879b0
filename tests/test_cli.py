"""The `prodtui` command line: help, capture, refusals, backup."""

from __future__ import annotations

import gc
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from prodtui import __version__
from prodtui.cli import build_parser, main, parse_args
from prodtui.domain.items import Item, ItemKind
from prodtui.store import open_workspace
from prodtui.store.migrations import LATEST_VERSION


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = shutil.which("prodtui") or sys.executable
    prefix = [] if command.endswith("prodtui") else ["-m", "prodtui"]
    return subprocess.run([command, *prefix, *args], capture_output=True, text=True, timeout=60)


def test_help_and_version_from_the_installed_command() -> None:
    help_run = run("--help")
    assert help_run.returncode == 0
    for word in ("capture", "demo", "backup", "--db", "--config", "--lang"):
        assert word in help_run.stdout
    version_run = run("--version")
    assert version_run.returncode == 0 and __version__ in version_run.stdout


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "work.db", "--lang", "en", "--read-only"],
        ["--config", "c.toml", "--db=work.db"],
        ["--rea"],  # an abbreviation, as argparse allows
        ["--db", "capture"],  # a file named like a command
        ["--db", "w.db", "capture", "+ relancer", "@ana"],
        ["demo", "--size", "large", "--out", "big.db"],
    ],
)
def test_the_app_options_parse_as_with_the_full_parser(argv: list[str]) -> None:
    assert parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lang", "de"], "Option --lang : choix invalide « de »"),
        (["--db"], "Option --db : valeur attendue"),
        (["bogus"], "Commande inconnue : « bogus »"),
    ],
)
def test_bad_options_are_reported_by_the_full_parser(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_args(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err.replace("\u202f", " ")
    assert error.count("\n") == 1 and expected in error and "Aide : prodtui --help" in error


def test_capture_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ws.db"
    words = ["!", "l'API", "de", "paiement", "est", "en", "panne"]
    assert main(["capture", "--db", str(db), *words]) == 0
    out = capsys.readouterr().out
    assert out.startswith("#1 bloquant") and "l'API de paiement est en panne" in out
    ws = open_workspace(db)
    [item] = ws.items.inbox()
    assert item.kind is ItemKind.BLOCKER and item.source == "cli"
    ws.close()


def test_only_the_app_starts_with_garbage_collection_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Start-up of the app builds long-lived objects by the thousand: collecting meanwhile
    # is wasted. A shell command has no such start-up: it runs with collection on.
    seen: dict[str, bool] = {}

    def fake_tui(path: Path, ctx: object, *, read_only: bool) -> int:
        seen["app"] = gc.isenabled()
        return 0

    def fake_backup(args: object, ctx: object) -> int:
        seen["backup"] = gc.isenabled()
        return 0

    monkeypatch.setattr("prodtui.cli.tui.run_tui", fake_tui)
    monkeypatch.setattr("prodtui.cli.commands.backup.run_backup", fake_backup)
    assert main(["--db", str(tmp_path / "ws.db")]) == 0
    assert main(["backup", "--db", str(tmp_path / "ws.db")]) == 0
    assert seen == {"app": False, "backup": True}
    assert gc.isenabled()


def test_capture_uses_prodtui_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("PRODTUI_DB", str(db))
    assert main(["--lang", "en", "capture", "+ call the DPO tomorrow"]) == 0
    ws = open_workspace(db)
    assert ws.items.inbox()[0].kind is ItemKind.ACTION
    ws.close()


def test_an_empty_capture_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capture", "--db", str(tmp_path / "ws.db"), "+  "]) == 2
    assert "vide" in capsys.readouterr().err


def test_a_bad_date_is_reported_but_the_line_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ws.db"
    assert main(["capture", "--db", str(db), "+ livrer le 2026-02-30"]) == 0
    assert "Date impossible" in capsys.readouterr().err
    ws = open_workspace(db)
    assert ws.items.inbox()[0].text == "livrer le 2026-02-30"
    ws.close()


def test_not_sqlite_is_refused_in_one_line_with_status_2(tmp_path: Path) -> None:
    path = tmp_path / "rapport.db"
    path.write_text("ceci n'est pas une base\n" * 20, encoding="utf-8")
    before = path.read_bytes()
    result = run("--db", str(path), "capture", "x")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "SQLite" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    tui = run("--db", str(path))
    assert tui.returncode == 2 and path.read_bytes() == before


def test_a_newer_schema_is_refused_in_one_line_with_status_2(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    result = run("--lang", "en", "--db", str(path))
    assert result.returncode == 2
    assert "newer prodtui" in result.stderr and result.stderr.count("\n") == 1
    assert path.read_bytes() == before


def test_backup_is_consistent_while_another_session_writes(tmp_path: Path) -> None:
    db = tmp_path / "ws.db"
    writer = open_workspace(db)
    for n in range(50):
        writer.items.add(Item(text=f"élément {n}"))
    # A write transaction left open (uncommitted) must not leak into the copy.
    writer.conn.execute("BEGIN IMMEDIATE")
    writer.conn.execute(
        "INSERT INTO items (text, created_at, updated_at) VALUES ('pas fini', 'x', 'x')"
    )
    out = tmp_path / "copie.db"
    assert main(["backup", "--db", str(db), "--out", str(out)]) == 0
    writer.conn.execute("ROLLBACK")
    writer.close()
    copy = open_workspace(out)
    assert copy.items.count(inbox_only=False) == 50
    copy.close()
    assert main(["backup", "--db", str(db), "--out", str(out)]) == 2, "never overwrites"


def test_backup_default_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ws.db"
    open_workspace(db).close()
    assert main(["backup", "--db", str(db)]) == 0
    target = Path(capsys.readouterr().out.strip())
    assert target.parent == tmp_path / "backups" and target.exists()


def test_invalid_settings_warn_but_capture_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("language = \n", encoding="utf-8")
    db = tmp_path / "ws.db"
    assert main(["--config", str(config), "capture", "--db", str(db), "note"]) == 0
    assert "config.toml:1" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == "language = \n"


def test_export_recette_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from prodtui.sample.demo import build_demo_workspace

    db = build_demo_workspace(tmp_path / "demo.db")
    assert main(["export", "recette", "--db", str(db), "--campaign", "Recette v1.5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("#") and "Recette v1.5" in out
    assert main(["export", "recette", "--db", str(db), "--campaign", "Inconnue"]) == 2
    assert "Inconnue" in capsys.readouterr().err
