"""The workspace file and the files around it when things go wrong: a full disk, a damaged
page, a folder that cannot be written, inputs that are not files, the private log."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodtui.cli import main
from prodtui.domain.capture import parse_capture
from prodtui.domain.errors import ProdtuiError, ReadOnlyWorkspaceError, WorkspaceError
from prodtui.exchange.files import read_input_file
from prodtui.paths import log_path
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.store.backup import backup_workspace
from prodtui.ui.errors import MESSAGE_LIMIT, log_unexpected_error
from tests.conftest import TODAY, AppFactory, wait_until
from tests.environment import damage, drop_root_file_access, read_only_folder


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    yield from read_only_folder(tmp_path)


LINE = "+ relancer la DSI"


def fill_the_disk(workspace: Workspace) -> int:
    """SQLite's own limit on the file's pages, set to what it holds now, then lines
    captured until the room left in those pages is used up: the next capture fails with
    the real SQLITE_FULL, "database or disk is full". Returns how many fitted."""
    [(pages,)] = workspace.conn.execute("PRAGMA page_count")
    workspace.conn.execute(f"PRAGMA max_page_count = {pages}")
    for count in range(10_000):
        try:
            workspace.items.capture(parse_capture(LINE, TODAY))
        except WorkspaceError:
            return count
    raise AssertionError("the disk never filled up")


def notifications(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


# --- A full disk -----------------------------------------------------------------------------


def test_a_full_disk_is_a_message_and_the_workspace_goes_on(workspace: Workspace) -> None:
    fitted = fill_the_disk(workspace)
    with pytest.raises(WorkspaceError) as full:
        workspace.items.capture(parse_capture(LINE, TODAY))
    assert full.value.key == "failure.disk_full"
    assert not workspace.conn.in_transaction
    assert len(workspace.items.inbox()) == fitted  # nothing half written
    workspace.conn.execute("PRAGMA max_page_count = 1000000")  # room again
    workspace.items.capture(parse_capture(LINE, TODAY))
    assert len(workspace.items.inbox()) == fitted + 1


async def test_quick_capture_on_a_full_disk_keeps_the_line_as_a_draft(
    make_app: AppFactory, workspace: Workspace
) -> None:
    fitted = fill_the_disk(workspace)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.press(*LINE)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any("gardée en brouillon" in message for message in notifications(app))
        )
        assert app.crash_message == "" and app.is_running
        shown = notifications(app)
        assert any("disque est plein" in message for message in shown), shown
        assert any("gardée en brouillon" in message for message in shown), shown
    assert len(workspace.items.inbox()) == fitted
    draft = workspace.drafts.get("capture")
    assert draft is not None and draft.content == LINE


async def test_a_draft_that_cannot_be_written_is_said_not_a_crash(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.capture import CaptureScreen
    from prodtui.ui.widgets.drafts import DraftInput

    fitted = fill_the_disk(workspace)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        field = app.screen.query_one(DraftInput)
        pasted = ("une ligne collée " * 600)[:10_000]  # the most the field takes, 11 kB: no room
        field.value = pasted
        # Said once the draft's debounce has fired.
        await wait_until(
            pilot, lambda: any("disque est plein" in message for message in notifications(app))
        )
        assert app.crash_message == "" and app.is_running
        assert sum("disque est plein" in message for message in notifications(app)) == 1
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any("reste dans le champ" in message for message in notifications(app))
        )
        assert app.crash_message == "" and app.is_running
        assert any("reste dans le champ" in message for message in notifications(app))
        assert isinstance(app.screen, CaptureScreen)  # the line is still there to copy
        assert app.screen.query_one(DraftInput).value == pasted
    assert len(workspace.items.inbox()) == fitted
    assert workspace.drafts.get("capture") is None


# --- A damaged workspace ---------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo_workspace(tmp_path / "demo.db", today=TODAY)


def test_a_damaged_file_is_found_and_refused_for_writing(demo: Path) -> None:
    assert open_workspace(demo, verify=True).integrity_problem() is None
    damage(demo, "audit_log")
    before = demo.read_bytes()
    with pytest.raises(WorkspaceError) as refused:
        open_workspace(demo, verify=True)
    assert refused.value.key == "workspace.damaged"
    assert "\n" not in refused.value.params["reason"]
    reading = open_workspace(demo, read_only=True)  # what is left can still be read
    assert reading.items.inbox()
    reading.close()
    assert demo.read_bytes() == before


async def test_a_damaged_file_opens_read_only_in_the_app(make_app: AppFactory, demo: Path) -> None:
    from prodtui.ui.screens.capture import CaptureScreen

    damage(demo, "audit_log")  # not read by the first screen
    workspace = open_workspace(demo)
    app = make_app(ws=workspace)
    async with app.run_test() as pilot:
        # The check runs off the event loop, after first paint.
        await wait_until(
            pilot, lambda: any("endommagé" in message for message in notifications(app))
        )
        assert workspace.read_only
        assert any("endommagé" in message for message in notifications(app))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureScreen)
        assert app.is_running and app.crash_message == ""
    with pytest.raises(ReadOnlyWorkspaceError):
        workspace.items.capture(parse_capture("+ relancer", TODAY))
    workspace.close()


# --- A workspace that cannot be written ------------------------------------------------------

READ_ONLY_CHECK = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from prodtui.config import load_settings
    from prodtui.store import open_workspace
    from prodtui.ui.app import ProdtuiApp

    ws = open_workspace(Path(sys.argv[1]))
    print("read_only", ws.read_only, "items", len(ws.items.inbox()))

    async def run() -> None:
        settings = Path(sys.argv[2])
        app = ProdtuiApp(ws, load_settings(settings), settings)
        async with app.run_test() as pilot:
            await pilot.pause()
            print("banner", bool(app.screen.query(".read-only-banner")))
            print("crash", repr(app.crash_message))

    asyncio.run(run())
    """
)


def test_a_workspace_in_a_read_only_folder_opens_read_only_with_the_banner(
    read_only_dir: Path,
    tmp_path: Path,
) -> None:
    read_only_dir.chmod(0o755)
    db = build_demo_workspace(read_only_dir / "ws.db", today=TODAY)
    read_only_dir.chmod(0o555)
    before = sorted(read_only_dir.iterdir())
    result = subprocess.run(
        [sys.executable, "-c", READ_ONLY_CHECK, str(db), str(tmp_path / "config.toml")],
        preexec_fn=drop_root_file_access,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("read_only True items ") and not lines[0].endswith(" 0")
    assert "banner True" in lines and "crash ''" in lines
    assert sorted(read_only_dir.iterdir()) == before  # no -wal, no -shm


def test_a_fifo_or_a_device_is_never_a_workspace(tmp_path: Path) -> None:
    fifo = tmp_path / "tube.db"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(WorkspaceError) as refused:
            open_workspace(path)
        assert refused.value.key == "workspace.not_a_file"
        with pytest.raises(WorkspaceError) as refused:
            backup_workspace(path, tmp_path / "copie.db")
        assert refused.value.key == "workspace.not_a_file"


# --- Inputs ----------------------------------------------------------------------------------


def test_inputs_are_regular_files_within_their_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    refusals: list[str] = []

    def read_fifo() -> None:
        try:
            read_input_file(fifo, 10)
        except ProdtuiError as error:
            refusals.append(error.key)

    reader = threading.Thread(target=read_fifo, daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "a FIFO with no writer must not block"
    assert refusals == ["input.not_a_file"]
    for path in (Path("/dev/zero"), tmp_path):
        with pytest.raises(ProdtuiError) as refused:
            read_input_file(path, 10)
        assert refused.value.key == "input.not_a_file"
    small = tmp_path / "petit.csv"
    small.write_bytes(b"x" * 10)
    assert read_input_file(small, 10) == b"x" * 10
    with pytest.raises(ProdtuiError) as too_big:
        read_input_file(small, 9)
    assert too_big.value.key == "input.too_big"
    with pytest.raises(ProdtuiError) as missing:
        read_input_file(tmp_path / "absent.csv", 10)
    assert missing.value.key == "input.missing"


# --- The private log -------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_a_private_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "donnée confidentielle " * 200

    def broken(*_: object) -> int:
        raise RuntimeError(f"\x1b]52;c;x\x07 {secret}")

    monkeypatch.setattr("prodtui.cli.commands.search.run_search", broken)
    assert main(["--db", str(tmp_path / "ws.db"), "search", "x"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("prodtui: ") and "RuntimeError" in err
    path = log_path()
    assert str(path) in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    log = path.read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log and "broken" in log
    assert secret not in log and len(log) < 8_000
    assert "\x1b" not in log


def test_an_older_log_is_made_private(tmp_path: Path) -> None:
    path = log_path()
    path.parent.mkdir(parents=True)
    path.parent.chmod(0o755)
    path.write_text("ancien\n", encoding="utf-8")
    path.chmod(0o644)
    try:
        raise ValueError("x" * (MESSAGE_LIMIT * 3))
    except ValueError as error:
        assert log_unexpected_error(error) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert text.startswith("ancien\n") and "x" * (MESSAGE_LIMIT + 1) not in text


def test_the_exit_statuses_are_those_documented(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "### Exit status" in readme
    assert main(["--db", str(demo), "capture", "+ relancer"]) == 0
    assert main(["--db", str(demo), "capture", "x" * 10_001]) == 2  # the request: refused
    assert main(["--db", str(tmp_path / "absent.db"), "search", "x"]) == 2
    damage(demo, "stories")
    assert main(["--db", str(demo), "export", "json"]) == 1  # the environment failed
    assert main(["--db", str(demo), "capture", "+ relancer"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("prodtui: ") for line in err)


async def test_a_damaged_page_the_first_screen_needs_is_one_clear_line(
    make_app: AppFactory, demo: Path
) -> None:
    # What the screen cannot read it cannot show: the app stops, saying what is wrong
    # (not "unexpected error") and where a backup would help.
    damage(demo, "items")
    workspace = open_workspace(demo)
    app = make_app(ws=workspace)
    with pytest.raises(sqlite3.DatabaseError):
        async with app.run_test() as pilot:
            await pilot.pause()
    assert app.crash_message.startswith(f"{demo} est endommagé")
    assert "Restaurez une sauvegarde" in app.crash_message
    workspace.close()
