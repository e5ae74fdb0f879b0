"""The progress line of work in a thread worker (issue 19, point 4): shown with its label
and its count while the work runs, following the user from screen to screen, keys
answered meanwhile, gone when the work ends however it ends.

The work runs for real (real files, the real workspace); a gate holds its thread at its
first report of progress, so the line is looked at while the work is surely running.
"""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Static

from prodtui.domain.stories import Story
from prodtui.i18n import t
from prodtui.store import Workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.help import HelpScreen
from prodtui.ui.screens.security import SecurityScreen
from prodtui.ui.screens.today import TodayScreen
from prodtui.ui.widgets.key_bar import KeyBar
from prodtui.ui.widgets.work_progress import (
    ETA_AFTER,
    WorkProgress,
    WorkReport,
    run_with_progress,
    shown_report,
)
from tests.conftest import TODAY, AppFactory, found, wait_until


class Gate:
    """Holds the working thread at its first report with something done (in the stage
    named `label`, when given) until `release()`."""

    def __init__(self, label: str | None = None) -> None:
        self.label = label
        self.reached = threading.Event()
        self.released = threading.Event()

    def hold(self, report: WorkReport, done: int) -> None:
        if self.reached.is_set() or not done:
            return
        if self.label is not None and report.label != self.label:
            return
        self.reached.set()
        self.released.wait(30)  # a failed test is over sooner

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    report = WorkReport.update

    def update(self: WorkReport, done: int, total: int | None = None) -> None:
        report(self, done, total)
        held.hold(self, done)

    monkeypatch.setattr(WorkReport, "update", update)
    yield held
    held.release()  # a failed test leaves no thread waiting


def line(app: ProdtuiApp) -> WorkProgress | None:
    """The progress line, when it is on the screen in front."""
    shown = shown_report(app)
    if shown is None or not shown.is_mounted or shown.parent is not app.screen:
        return None
    return shown


def text_of(app: ProdtuiApp, part: str) -> str:
    return str(found(line(app)).query_one(f"#work-{part}", Static).render())


async def until_shown(pilot: Pilot[int], app: ProdtuiApp, label: str, count: str) -> None:
    """The line is on the screen in front with `label` and a count containing `count`."""
    await wait_until(
        pilot,
        lambda: (
            line(app) is not None
            and text_of(app, "label") == label
            and count in text_of(app, "count")
        ),
    )


async def until_gone(pilot: Pilot[int], app: ProdtuiApp) -> None:
    await wait_until(
        pilot, lambda: shown_report(app) is None and not app.screen.query(WorkProgress)
    )


async def key_answered(pilot: Pilot[int], app: ProdtuiApp) -> float:
    """Seconds from `?` to the help on screen (then closed again)."""
    start = time.perf_counter()
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
    took = time.perf_counter() - start
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
    return took


def said(app: ProdtuiApp, text: str, severity: str = "information") -> bool:
    """A toast of `severity` containing `text` is showing."""
    return any(n.severity == severity and text in str(n.message) for n in app._notifications)


def stories_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "persona", "want", "status", "points"])
        for n in range(count):
            writer.writerow([f"Story {n}", "usager", f"déposer le document {n}", "idea", "3"])
    return path


# -- the report --------------------------------------------------------------------------


def test_the_count_says_done_total_and_the_time_left() -> None:
    report = WorkReport("Import", 5000)
    assert report.counted(report.started) == t("work.count", done="0", total="5\u202f000")
    report.update(1200)
    # The first second says no time left: the first rows tell little.
    assert report.counted(report.started + ETA_AFTER / 2) == "1\u202f200 sur 5\u202f000"
    # 1,200 rows in 12 s: 3,800 more take 38 s.
    assert report.counted(report.started + 12) == "1\u202f200 sur 5\u202f000 · reste 38 s"
    assert "reste 4 min" in report.counted(report.started + 60)  # 190 s, rounded up
    report.stage("Écriture")  # a new stage counts from nothing, its total unknown
    assert (report.label, report.count) == ("Écriture", (0, None))
    assert report.counted(time.monotonic()) == ""
    report.update(300)
    assert report.counted(time.monotonic()) == "300"


def test_sizes_are_counted_in_bytes() -> None:
    report = WorkReport("Lecture", 3 * 1024 * 1024, sizes=True)
    report.update(1024 * 1024)
    assert report.counted(report.started) == "1,0\u00a0Mo sur 3,0\u00a0Mo"


# -- the line ----------------------------------------------------------------------------


async def test_the_line_follows_the_screens_keys_are_answered_and_it_goes(
    make_app: AppFactory,
) -> None:
    release = threading.Event()

    def work(report: WorkReport) -> str:
        report.update(3, 10)
        release.wait(60)
        report.update(10)
        return "fini"

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        worker = run_with_progress(app, "Travail", work, group="test")
        try:
            await until_shown(pilot, app, "Travail", "3 sur 10")
            bar = found(line(app)).query_one(ProgressBar)
            assert (bar.total, bar.progress) == (10, 3)
            # At 80×24 the line fits, on the line above the key bar, with its count whole.
            progress = found(line(app))
            keys = app.screen.query_one(KeyBar)
            assert progress.region.width == 80 and progress.region.y == keys.region.y - 1 == 22
            count = progress.query_one("#work-count", Static)
            assert count.region.right <= 80 and count.region.width >= len("3 sur 10")
            # A key is answered while the work runs, and the line goes along to the help.
            assert await key_answered(pilot, app) < 1.0
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            await until_shown(pilot, app, "Travail", "3 sur 10")
            await pilot.press("escape")
            await pilot.press("3")  # and to another screen
            await wait_until(pilot, lambda: app.current_mode == "stories")
            await until_shown(pilot, app, "Travail", "3 sur 10")
        finally:
            release.set()
        await until_gone(pilot, app)
        assert worker.result == "fini"


async def test_quick_work_shows_no_line_and_a_cancelled_worker_leaves_none(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        run_with_progress(app, "Vite", lambda report: None, group="test")
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)  # longer than the delay before a line shows: none came
        assert shown_report(app) is None
        # Two at once: the line names the latest and counts the other; a cancelled one
        # (its thread never started, its finally never ran) goes away all the same.
        release = threading.Event()
        first = run_with_progress(app, "Un", lambda report: release.wait(60), group="a")
        second = run_with_progress(app, "Deux", lambda report: release.wait(60), group="b")
        await until_shown(pilot, app, "Deux (+1)", "")
        release.set()
        await until_gone(pilot, app)
        assert first.is_finished and second.is_finished


# -- the work it shows -------------------------------------------------------------------


async def test_a_story_import_shows_its_rows_and_the_keys_stay_free(
    make_app: AppFactory, workspace: Workspace, gate: Gate, tmp_path: Path
) -> None:
    gate.label = t("bulk.importing_stories")
    source = stories_csv(tmp_path / "backlog.csv", 1200)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "x")
        await pilot.pause()
        await pilot.press("up", "enter")  # import (the last choice)
        await wait_until(pilot, lambda: bool(app.screen.query(Input)))
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        # Written in batches of 500: held after the first.
        await until_shown(pilot, app, t("bulk.importing_stories"), "500 sur 1\u202f200")
        assert gate.reached.is_set()
        await pilot.press("escape", "1")  # the dialog closed, then Today
        await wait_until(pilot, lambda: isinstance(app.screen, TodayScreen))
        await until_shown(pilot, app, t("bulk.importing_stories"), "500 sur 1\u202f200")
        gate.release()
        await until_gone(pilot, app)
        # The dialog was closed: the outcome is said where the user is.
        await wait_until(pilot, lambda: said(app, "1\u202f200 stories créées"))
    assert workspace.stories.count() == 1200


async def test_an_import_refused_says_why_and_leaves_no_line(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("title,sprint\nUne story,Sprint inconnu\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "x")
        await pilot.pause()
        await pilot.press("up", "enter")
        await wait_until(pilot, lambda: bool(app.screen.query(Input)))
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: "Sprint inconnu" in str(app.screen.query_one("#exchange-status").render()),
        )
        await until_gone(pilot, app)
    assert workspace.stories.count() == 0


async def test_a_story_export_shows_its_reading_then_its_writing(
    make_app: AppFactory, workspace: Workspace, gate: Gate, tmp_path: Path
) -> None:
    for n in range(3):
        workspace.stories.add(Story(title=f"Story {n}", want="déposer"))
    gate.label = t("work.exporting_stories")
    out = tmp_path / "features"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "x")
        await pilot.pause()
        await pilot.press("enter")  # .feature files, one per story
        await wait_until(pilot, lambda: bool(app.screen.query(Input)))
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await until_shown(pilot, app, t("work.exporting_stories"), "1 sur 3")
        await pilot.press("escape")  # the dialog closed, the work goes on
        await wait_until(pilot, lambda: app.current_mode == "stories" and line(app) is not None)
        assert await key_answered(pilot, app) < 1.0
        gate.release()
        await until_gone(pilot, app)
        await wait_until(pilot, lambda: said(app, "3 stories"))
    assert len(list(out.rglob("*.feature"))) == 3


async def test_the_json_export_counts_its_rows(
    make_app: AppFactory, workspace: Workspace, gate: Gate, tmp_path: Path
) -> None:
    from prodtui.ui.commands import ask_json_export

    for n in range(30):
        workspace.stories.add(Story(title=f"Story {n}"))
    out = tmp_path / "dump.json"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        ask_json_export(app)
        await wait_until(pilot, lambda: bool(app.screen.query(Input)))
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await until_shown(pilot, app, t("bulk.exporting_json"), " sur ")
        assert not out.exists()
        gate.release()
        await until_gone(pilot, app)
        await wait_until(pilot, out.exists)


async def test_a_text_export_shows_its_file_and_an_error_still_says_why(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from prodtui.ui.export_worker import export_text_in_worker

    release = threading.Event()

    def build(workspace: Workspace) -> str:
        release.wait(60)
        return "# Dossier\n"

    out = tmp_path / "dossier.md"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        export_text_in_worker(app, out, build, written_key="dossier.written", group="dossier")
        try:
            # A builder counts nothing: the line names the file and sweeps.
            await until_shown(pilot, app, t("work.exporting_to", name="dossier.md"), "")
            assert found(line(app)).query_one(ProgressBar).total is None
            assert await key_answered(pilot, app) < 1.0
        finally:
            release.set()
        await until_gone(pilot, app)
        assert out.read_text(encoding="utf-8") == "# Dossier\n"
        # Again: the file is there, never written over; the toast says so.
        export_text_in_worker(app, out, build, written_key="dossier.written", group="dossier")
        await wait_until(pilot, lambda: said(app, "dossier.md", "error"))
        await until_gone(pilot, app)


async def test_an_evidence_check_counts_its_files(
    make_app: AppFactory, workspace: Workspace, gate: Gate, tmp_path: Path
) -> None:
    from prodtui.domain.security import EvidenceCheck
    from prodtui.exchange.evidence import fingerprint

    workspace.measures.import_shipped(today=TODAY)
    state = found(workspace.measures.entry("GOUV-01")).state
    for n in range(3):
        proof = tmp_path / f"preuve-{n}.txt"
        proof.write_text(f"preuve {n}", encoding="utf-8")
        workspace.measures.record_file(state, fingerprint(str(proof)))
    (tmp_path / "preuve-2.txt").write_text("changée", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await wait_until(pilot, lambda: isinstance(app.screen, SecurityScreen))
        await pilot.press("c")
        await until_shown(pilot, app, t("work.checking_evidence"), "1 sur 3")
        assert await key_answered(pilot, app) < 1.0
        gate.release()
        await until_gone(pilot, app)
        await wait_until(
            pilot,
            lambda: (
                [f.last_check for f in workspace.measures.files(state)]
                == [EvidenceCheck.UNCHANGED, EvidenceCheck.UNCHANGED, EvidenceCheck.CHANGED]
            ),
        )


async def test_a_refused_referential_says_why_and_leaves_no_line(
    make_app: AppFactory, tmp_path: Path
) -> None:
    source = tmp_path / "referentiel.csv"
    source.write_text("code,titre\nXX,\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await wait_until(pilot, lambda: isinstance(app.screen, SecurityScreen))
        await pilot.press("I")
        await wait_until(pilot, lambda: bool(app.screen.query(Input)))
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: said(app, "referentiel.csv", "error"))
        await until_gone(pilot, app)
