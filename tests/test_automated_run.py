"""Automated suite runs: their output kept in bounded memory and shown faithfully, their
state recorded in the workspace, and the run owned by the app rather than its screen.

The end-to-end tests with signals are in tests/test_e2e_run_signals.py.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.style import Style
from textual import events
from textual.widgets import Input, Static

from prodtui.app.suite_run import MAX_LINE, OutputRing
from prodtui.app.workspace_dump import export_json_file, restore_workspace
from prodtui.domain.recette import Campaign, CommandRun, RunState
from prodtui.store import Workspace, open_workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.automated_run import AutomatedRunScreen, QuitWhileRunningScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.text import ansi
from prodtui.ui.widgets.run_output import RunOutput
from tests.conftest import AppFactory, found, wait_until

PYTHON = sys.executable


@pytest.fixture
def campaign(workspace: Workspace) -> Campaign:
    return workspace.campaigns.add(Campaign(name="Recette v2", release="2.0"))


async def start_suite(app: ProdtuiApp, pilot, command: str) -> AutomatedRunScreen:
    """`4`, `a`, the command typed, Enter: the run's screen."""
    await pilot.press("4")
    await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
    await pilot.press("a")
    await wait_until(pilot, lambda: app.screen.query(Input))
    app.screen.query_one(Input).value = command
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, AutomatedRunScreen))
    screen = app.screen
    assert isinstance(screen, AutomatedRunScreen)
    return screen


async def until_drawn(pilot, screen: AutomatedRunScreen) -> None:
    """Until the screen has drawn the run's end: it looks at the run thirty times a second,
    so its status line and output can lag a frame behind `finished`."""
    status = screen.query_one("#auto-status", Static)
    await wait_until(
        pilot, lambda: screen.finished and str(status.content) == screen.status_text, timeout=60
    )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for good; only its parent's wait is missing.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def wait_gone(pid: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        assert time.monotonic() < deadline, f"process {pid} is still there"
        time.sleep(0.05)


def child_command(pid_file: Path) -> str:
    """A suite that starts a child (sleeping, its pid written down), then waits for it."""
    return f"sleep 300 & echo $! > {pid_file}; echo lancé; wait"


def read_pid(pid_file: Path, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "the suite never wrote its child's pid"
        time.sleep(0.05)
    return int(pid_file.read_text())


def colour(style: str | Style | None) -> int | None:
    """The ANSI colour number of a style (1 red, 2 green, 3 yellow)."""
    assert isinstance(style, Style) and style.color is not None
    return style.color.number


# -- the output ring ----------------------------------------------------------------------


def test_the_ring_keeps_the_last_lines_and_counts_the_others() -> None:
    ring = OutputRing(keep=100)
    data = "".join(f"ligne {n}\n" for n in range(1000)).encode()
    for start in range(0, len(data), 777):  # chunks cut anywhere, mid-line included
        ring.feed(data[start : start + 777])
    ring.close()
    assert ring.total == 1000 and ring.dropped == 900
    assert list(ring.lines) == [f"ligne {n}" for n in range(900, 1000)]


def test_blank_lines_are_kept_and_the_last_line_needs_no_line_feed() -> None:
    ring = OutputRing(keep=10)
    ring.feed(b"un\n\n\ndeux\r\ntrois")
    assert list(ring.lines) == ["un", "", "", "deux"]
    ring.close()
    assert list(ring.lines) == ["un", "", "", "deux", "trois"]


def test_a_progress_bar_shows_its_last_state() -> None:
    ring = OutputRing(keep=10)
    ring.feed(b"10 %\r50 %\r100 %\nfin\n")
    assert list(ring.lines) == ["100 %", "fin"]


def test_utf8_cut_between_chunks_and_invalid_bytes() -> None:
    ring = OutputRing(keep=10)
    text = "préfecture ✓\n".encode()
    ring.feed(text[:3])  # "pr" and the first byte of "é"
    ring.feed(text[3:] + b"\xff\xfe\n")
    assert list(ring.lines) == ["préfecture ✓", "\ufffd\ufffd"]


def test_an_endless_line_is_kept_in_pieces() -> None:
    ring = OutputRing(keep=10)
    for _ in range(5):
        ring.feed(b"x" * (MAX_LINE + 300))
    assert all(len(line) == MAX_LINE for line in ring.lines)
    assert ring.total == 5 * (MAX_LINE + 300) // MAX_LINE
    ring.feed(b"y" * (3 * MAX_LINE) + b"\n")
    assert max(map(len, ring.lines)) == MAX_LINE and ring.width == MAX_LINE


def test_a_colour_left_set_goes_on_to_the_next_lines_until_reset() -> None:
    ring = OutputRing(keep=10)
    ring.feed(b"\x1b[33mjaune\npuis encore\x1b[0m normal\nnormal\n\x1b[38;5;0mnoir\nnoir\n")
    assert [ansi(line).plain for line in ring.lines] == [
        "jaune",
        "puis encore normal",
        "normal",
        "noir",
        "noir",
    ]
    assert colour(ansi(ring.lines[1]).spans[0].style) == 3  # yellow
    assert not ansi(ring.lines[2]).spans
    assert ansi(ring.lines[4]).spans, "38;5;0 is a colour, not a reset"


# -- what a line of output shows ----------------------------------------------------------


def test_colours_are_rendered_and_other_sequences_shown() -> None:
    text = ansi("\x1b[31mKO\x1b[0m ok \x1b[1;32mvert\x1b[0m\x1b[2J\x1b]0;titre\x07\x1b[5A\ttab")
    assert text.plain == "KO ok vert␛[2J␛]0;titre␇␛[5A    tab"
    styles = {text.plain[span.start : span.end]: span.style for span in text.spans}
    assert colour(styles["KO"]) == 1  # red
    assert colour(styles["vert"]) == 2 and Style.normalize(str(styles["vert"])).startswith("bold")
    assert "\x1b" not in text.plain and "\x07" not in text.plain
    assert text.no_wrap


def test_a_bidi_override_or_a_c1_control_is_shown_as_a_sign() -> None:
    assert ansi("a\u202eb\x9bc").plain == "a\ufffdb\ufffdc"


# -- the workspace records each run's state -------------------------------------------------


def test_a_run_records_its_state_owner_and_output_file(
    workspace: Workspace, campaign: Campaign
) -> None:
    run = workspace.command_runs.start(campaign, "pytest", owner_pid=4242)
    assert run.state is RunState.RUNNING and run.owner_pid == 4242
    assert run.log_path == str(workspace.path.with_name("workspace.db.runs") / f"{run.id}.log")
    ended = workspace.command_runs.finish(run, None, "fin", state=RunState.STOPPED)
    assert ended.state is RunState.STOPPED and ended.ended_at is not None
    other = workspace.command_runs.start(campaign, "pytest")
    unlogged = workspace.command_runs.finish(other, 0, "", log_kept=False)
    assert unlogged.state is RunState.FINISHED and unlogged.log_path is None
    imported = workspace.command_runs.mark_imported(unlogged)
    assert imported.state is RunState.IMPORTED


def test_the_next_start_hears_once_of_runs_cut_short_and_not_of_live_ones(
    workspace: Workspace, campaign: Campaign
) -> None:
    dead, live, mine = 999_001, 999_002, 999_003
    orphan = workspace.command_runs.start(campaign, "pytest", owner_pid=dead)
    elsewhere = workspace.command_runs.start(campaign, "pytest", owner_pid=live)
    signalled = workspace.command_runs.start(campaign, "pytest", owner_pid=mine)
    workspace.command_runs.finish(
        signalled, None, "", state=RunState.INTERRUPTED, notice_pending=True
    )
    workspace.command_runs.finish(workspace.command_runs.start(campaign, "ok"), 0, "")

    told = workspace.command_runs.to_report(lambda pid: pid == live)
    assert [run.id for run in told] == [orphan.id, signalled.id]
    cut_short = workspace.command_runs.get(found(orphan.id))
    assert cut_short.state is RunState.INTERRUPTED and cut_short.ended_at is not None
    assert workspace.command_runs.get(found(elsewhere.id)).state is RunState.RUNNING
    assert workspace.command_runs.to_report(lambda pid: pid == live) == [], "said once"


def test_the_migration_marks_runs_never_ended_as_running(tmp_path: Path) -> None:
    from prodtui.store.migrations import migration_scripts, split_statements

    path = tmp_path / "v8.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in migration_scripts():
        if version > 8:
            break
        for statement in split_statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO campaigns (name, created_at, updated_at)"
        " VALUES ('v1', '2026-01-01', '2026-01-01')"
    )
    conn.execute(
        "INSERT INTO command_runs (campaign_id, command, started_at)"
        " VALUES (1, 'pytest', '2026-01-02')"
    )
    conn.execute(
        "INSERT INTO command_runs (campaign_id, command, started_at, ended_at, exit_code)"
        " VALUES (1, 'pytest', '2026-01-02', '2026-01-02T00:01', 0)"
    )
    conn.close()
    ws = open_workspace(path, author="Camille")
    try:
        assert [run.state for run in ws.command_runs.of_campaign(1)] == [
            RunState.FINISHED,
            RunState.RUNNING,
        ]
        [told] = ws.command_runs.to_report(lambda pid: True)
        assert told.owner_pid is None and told.command == "pytest"
    finally:
        ws.close()


def test_a_dump_carries_the_state_and_refuses_an_unknown_one(
    workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    run = workspace.command_runs.start(campaign, "pytest", owner_pid=12)
    workspace.command_runs.finish(run, None, "x", state=RunState.STOPPED, notice_pending=True)
    dump = tmp_path / "dump.json"
    export_json_file(workspace, dump)
    restored = restore_workspace(dump, tmp_path / "restored.db")
    assert restored
    ws = open_workspace(tmp_path / "restored.db", author="Camille")
    try:
        [back] = ws.command_runs.of_campaign(found(campaign.id))
    finally:
        ws.close()
    original = workspace.command_runs.get(found(run.id))
    assert back == original and back.state is RunState.STOPPED and back.notice_pending
    bad = dump.read_text(encoding="utf-8").replace('"stopped"', '"perdu"', 1)
    (tmp_path / "bad.json").write_text(bad, encoding="utf-8")
    from prodtui.exchange.workspace_json import DumpRefused

    with pytest.raises(DumpRefused) as refused:
        restore_workspace(tmp_path / "bad.json", tmp_path / "bad.db")
    [problem] = refused.value.problems
    assert "command_runs" in problem and "state" in problem and "perdu" in problem


# -- in the app ------------------------------------------------------------------------------


async def test_a_flood_is_kept_to_the_last_lines_with_a_mark_and_a_full_file(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    lines = "sys.stdout.writelines(f'ligne {n}\\n' for n in range(200000))"
    flood = f'{PYTHON} -c "import sys; {lines}"'
    app = make_app("run_output_lines = 5000\n")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start_suite(app, pilot, flood)
        await until_drawn(pilot, screen)
        output = screen.query_one(RunOutput)
        shown = output.lines
        assert len(shown) == 5001, "5,000 lines and the mark"
        assert shown[0].startswith("195\u202f000 lignes plus anciennes non affichées")
        assert shown[1] == "ligne 195000" and shown[-1] == "ligne 199999"
        assert "195\u202f000 lignes plus anciennes" in str(output.border_title)
        [run] = workspace.command_runs.of_campaign(campaign)
        log = Path(found(run.log_path))
        assert str(log) in screen.status_text, "the file's path is shown"
    with log.open("rb") as handle:
        assert sum(1 for _ in handle) == 200_000
    assert run.state is RunState.FINISHED and run.output_tail.endswith("ligne 199999")
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def rss_mb() -> float:
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * resource.getpagesize() / 1_048_576


async def test_memory_stays_bounded_and_keys_are_answered_during_a_flood(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    flood = (
        f'{PYTHON} -c "import sys\nfor n in range(2000000): '
        f"sys.stdout.write('\\x1b[32mligne %d\\x1b[0m %s\\n' % (n, 'x' * 60))\""
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        before = rss_mb()
        screen = await start_suite(app, pilot, flood)
        await wait_until(pilot, lambda: screen.run.output.total > 100_000, timeout=60)
        output = screen.query_one(RunOutput)
        latencies = []
        for key in ["up", "end"] * 5:
            # A key as the terminal sends it (Pilot's press waits for an idle app, which
            # it is not during a flood), then the time until it moved the view: `up`
            # leaves the end of the output, `end` follows it again.
            def moved(key: str = key) -> bool:
                at_end = output.scroll_y >= output.max_scroll_y
                return not at_end if key == "up" else at_end

            started = time.perf_counter()
            app.post_message(events.Key(key, None))
            while not moved() and time.perf_counter() - started < 5:
                await asyncio.sleep(0.001)
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)
        peak = rss_mb()
        await pilot.press("k")
        await wait_until(pilot, lambda: screen.finished, timeout=30)
    # Under 50 ms in the benchmark; a test machine may be loaded.
    assert sorted(latencies)[len(latencies) // 2] < 0.1 and max(latencies) < 0.5, latencies
    assert peak - before < 50, (before, peak)


async def test_scrolled_up_the_lines_in_view_stay_as_older_ones_are_dropped(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    command = f"seq 1 150; while [ ! -e {go} ]; do sleep 0.05; done; seq 151 200"
    app = make_app("run_output_lines = 100\n")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start_suite(app, pilot, command)
        output = screen.query_one(RunOutput)
        # Held by the run and taken in by the widget (at its next look).
        await wait_until(
            pilot,
            lambda: (
                output.lines[-1:] == ["150"] and output.virtual_size.height == len(output.lines)
            ),
        )

        def top() -> str:
            return "".join(segment.text for segment in output.render_line(0)).strip()

        await pilot.press("up", "up", "up", "up", "up")
        await wait_until(pilot, lambda: top().isdigit() and int(top()) < 150)
        shown = top()
        assert shown.isdigit() and int(shown) < 150
        go.touch()
        await until_drawn(pilot, screen)
        assert output.lines[1] == "101", "50 more lines dropped"
        assert top() == shown, "the view did not move with them"


async def test_escape_leaves_the_run_going_and_a_brings_it_back(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start_suite(app, pilot, child_command(pid_file))
        child = read_pid(pid_file)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        await pilot.press("1")
        await pilot.pause(0.3)  # what must not happen: a fixed pause is right
        assert pid_alive(child) and not screen.finished, "neither Escape nor 1 stops it"
        [run] = workspace.command_runs.of_campaign(campaign)
        assert run.state is RunState.RUNNING
        await pilot.press("4", "a")
        await wait_until(pilot, lambda: isinstance(app.screen, AutomatedRunScreen))
        again = app.screen
        assert isinstance(again, AutomatedRunScreen) and again.run is screen.run
        assert "lancé" in again.query_one(RunOutput).lines
        await pilot.press("k")
        await wait_until(pilot, lambda: again.finished)
        assert "Arrêtée à la demande." in again.status_text
        wait_gone(child)
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.state is RunState.STOPPED and run.exit_code is None


async def test_quitting_while_a_suite_runs_asks_then_stops_it(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start_suite(app, pilot, child_command(pid_file))
        child = read_pid(pid_file)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitWhileRunningScreen))
        await pilot.press("escape")  # stay
        await wait_until(pilot, lambda: isinstance(app.screen, AutomatedRunScreen))
        assert app.is_running and pid_alive(child)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitWhileRunningScreen))
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running)
    wait_gone(child, timeout=1)
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.state is RunState.STOPPED and not run.notice_pending


async def test_quitting_can_wait_for_the_end_of_the_suite(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start_suite(app, pilot, f"while [ ! -e {go} ]; do sleep 0.05; done; echo fini")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitWhileRunningScreen))
        await pilot.press("f")
        await pilot.pause(0.3)  # what must not happen: a fixed pause is right
        assert app.is_running, "it waits"
        go.touch()
        await wait_until(pilot, lambda: not app.is_running)
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.state is RunState.FINISHED and run.exit_code == 0 and "fini" in run.output_tail


async def test_a_signal_stops_the_suite_and_quits_and_the_next_start_says_so(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    from prodtui.ui.run_ownership import signalled

    pid_file = tmp_path / "child.pid"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await start_suite(app, pilot, child_command(pid_file))
        child = read_pid(pid_file)
        started = time.monotonic()
        signalled(app, signal.SIGTERM)
        await wait_until(pilot, lambda: not app.is_running)
        assert time.monotonic() - started < 2
    wait_gone(child, timeout=1)
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.state is RunState.INTERRUPTED and run.notice_pending

    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app._notifications)
        [toast] = [n.message for n in app._notifications]
        assert "«\u202fRecette v2\u202f»" in toast and "n'a pas été suivie jusqu'au bout" in toast
        assert found(run.log_path) in toast
    assert not workspace.command_runs.get(found(run.id)).notice_pending


async def test_a_run_left_running_by_a_dead_prodtui_is_reported_at_start(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    run = workspace.command_runs.start(campaign, "pytest", owner_pid=gone.pid)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app._notifications)
        assert any("n'a pas été suivie" in n.message for n in app._notifications)
    assert workspace.command_runs.get(found(run.id)).state is RunState.INTERRUPTED


async def test_the_summary_stays_whole_in_the_header_after_the_run(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    from tests.test_display_text import screen_text

    long_name = "suite-" + "x" * 150
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start_suite(app, pilot, f"echo {long_name}")
        await until_drawn(pilot, screen)
        shown = screen_text(app)
    assert "Terminée (code de sortie 0)" in shown
    assert "Aucun rapport JUnit écrit\u202f: rien n'a été importé." in shown, shown
    header = shown.split("╭")[0]
    assert long_name in header.replace("\n", "").replace(" ", ""), "the command wraps, whole"


async def test_the_output_is_drawn_in_colour_with_no_escape_reaching_the_terminal(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    command = r"printf '\033[31mrouge\033[0m normal\n\n\033[2Jfin\033]0;titre\007\n'"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await start_suite(app, pilot, command)
        await until_drawn(pilot, screen)
        output = screen.query_one(RunOutput)
        assert output.lines == ["rouge normal", "", "␛[2Jfin␛]0;titre␇"]
        drawn = [output.render_line(y) for y in range(3)]
        segments = [(s.text, s.style) for s in drawn[0]]
        [red] = [style for text, style in segments if text == "rouge"]
        assert colour(red) == 1
        [normal] = [style for text, style in segments if text == " normal"]
        assert red is not None and normal is not None and normal.color != red.color
        assert "".join(s.text for s in drawn[1]).strip() == "", "the blank line is kept"
        assert all("\x1b" not in s.text and "\x07" not in s.text for line in drawn for s in line)


async def test_the_run_ended_unseen_is_told_in_a_toast(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await start_suite(app, pilot, f"while [ ! -e {go} ]; do sleep 0.05; done")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        go.touch()
        await wait_until(
            pilot,
            lambda: any("rien n'a été importé" in n.message for n in app._notifications),
        )


def test_a_run_is_a_command_run(workspace: Workspace, campaign: Campaign) -> None:
    """The model reads a row as the store writes it (defaults for older rows)."""
    run = CommandRun(campaign_id=1, command="x", started_at="2026-01-01T00:00")
    assert run.state is RunState.FINISHED and run.log_path is None and not run.notice_pending
