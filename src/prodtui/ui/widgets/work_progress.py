"""Progress of long work running in a thread worker: one line above the key bar with
what is being done, a bar (filling when the work knows its total, sweeping otherwise),
how much is done and the time left.

The work reports through a plain callback, `report.update(done, total=None)`: the same
shape as the command line's `Progress.update`, so the app, store and exchange functions
that take `progress=` serve both front ends. The callback only stores two numbers (any
thread may call it, as often as it likes); the event loop reads them ten times a second,
so the bar costs the same whether the work reports a row or a million. The line follows
the user from screen to screen and goes away when the work ends, however it ends: the
worker's end is watched too, so a worker cancelled before it ran leaves no bar behind.

    worker = run_with_progress(screen, t("bulk.exporting_json"), work, group="json-export")

where `work(report)` runs in the thread and passes `report.update` on as `progress=`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from prodtui.i18n import file_size, number, t
from prodtui.ui.text import plain

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.timer import Timer
    from textual.worker import Worker

T = TypeVar("T")

TICK = 0.1
"""Seconds between two looks at the reports: at most ten updates of the line a second."""
SHOW_AFTER = 0.3
"""Work that ends sooner shows no bar at all, rather than a flash."""
ETA_AFTER = 1.0
"""Seconds of work before the time left is said: the first rows tell little."""


class WorkReport:
    """What one piece of work has done. `update` and `stage` may be called from any
    thread: each writes a single attribute, which the event loop reads on its tick."""

    def __init__(self, label: str, total: int | None = None, *, sizes: bool = False) -> None:
        self.sizes = sizes
        """Counts are bytes (shown as `12 Mo`), not rows."""
        self.created = time.monotonic()
        self._stage: tuple[str, float] = (label, self.created)
        self._count: tuple[int, int | None] = (0, total)
        self.ended = False
        self.worker: Worker[Any] | None = None

    @property
    def label(self) -> str:
        return self._stage[0]

    @property
    def started(self) -> float:
        """When the current stage started: its rate, and so its time left, count from it."""
        return self._stage[1]

    @property
    def count(self) -> tuple[int, int | None]:
        """Done, and the total when known."""
        return self._count

    def update(self, done: int, total: int | None = None) -> None:
        """`done` so far; `total` when the work knows it (kept until told otherwise)."""
        self._count = (done, self._count[1] if total is None else total)

    def stage(self, label: str, total: int | None = None) -> None:
        """A new step of the same work (reading, then writing): its label, count from 0."""
        self._count = (0, total)
        self._stage = (label, time.monotonic())

    def end(self) -> None:
        self.ended = True

    @property
    def finished(self) -> bool:
        return self.ended or (self.worker is not None and self.worker.is_finished)

    def counted(self, now: float) -> str:
        """`1 200 sur 5 000 · reste 12 s`, `1 200`, or nothing before the first row."""
        done, total = self._count
        shown = file_size if self.sizes else _whole
        if total is None:
            return shown(done) if done else ""
        text = t("work.count", done=shown(done), total=shown(total))
        elapsed = now - self.started
        if done and elapsed >= ETA_AFTER and total > done:
            text = t("work.with_left", count=text, left=_duration((total - done) * elapsed / done))
        return text


def _whole(value: int) -> str:
    return number(value, 0)


def _duration(seconds: float) -> str:
    """`reste 12 s`, `reste 3 min`: minutes rounded up, so the time left never lies short."""
    if seconds < 60:
        return t("work.left_seconds", seconds=max(1, round(seconds)))
    return t("work.left_minutes", minutes=int(-(-seconds // 60)))


class WorkProgress(Horizontal):
    """The line itself: label, bar, count. Mounted on the screen in front, above its key
    bar (the bottom margin keeps the key bar's line free: two docks on one edge overlap)."""

    DEFAULT_CSS = """
    WorkProgress {
        dock: bottom;
        height: 1;
        margin-bottom: 1;
        background: $panel;
        & > #work-label {
            width: auto;
            max-width: 40%;
            height: 1;
            padding: 0 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            text-style: bold;
        }
        & > ProgressBar {
            width: 1fr;
            height: 1;
            & > Bar { width: 1fr; }
        }
        & > #work-count {
            width: auto;
            height: 1;
            padding: 0 1;
            text-wrap: nowrap;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[str, str, int, int | None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="work-label", markup=False)
        yield ProgressBar(total=None, show_percentage=False, show_eta=False)
        yield Static("", id="work-count", markup=False)

    def show(self, report: WorkReport, others: int, now: float) -> None:
        """Draw `report`; `others` more pieces of work are running (`+1`)."""
        label = report.label if not others else t("work.others", label=report.label, others=others)
        done, total = report.count
        count = report.counted(now)
        shown = (label, count, done, total)
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one("#work-label", Static).update(plain(label))  # a file's name, as typed
        self.query_one("#work-count", Static).update(plain(count))
        self.query_one(ProgressBar).update(total=total, progress=done)


class _Tracker:
    """The reports of one app and the line that shows them."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.reports: list[WorkReport] = []
        self.line: WorkProgress | None = None
        self.timer: Timer | None = None

    def add(self, report: WorkReport) -> None:
        self.reports.append(report)
        if self.timer is None:
            self.timer = self.app.set_interval(TICK, self.tick, name="work-progress")

    def tick(self) -> None:
        self.reports = [report for report in self.reports if not report.finished]
        now = time.monotonic()
        due = [report for report in self.reports if now - report.created >= SHOW_AFTER]
        if not due:
            self._remove_line()
            if not self.reports and self.timer is not None:
                self.timer.stop()
                self.timer = None
            return
        screen = self.app.screen
        if self.line is None or not self.line.is_attached or self.line.screen is not screen:
            # The user went to another screen (or a dialog opened): the line goes along.
            self._remove_line()
            self.line = WorkProgress()
            screen.mount(self.line)
        if self.line.is_mounted:
            self.line.show(due[-1], len(due) - 1, now)

    def _remove_line(self) -> None:
        if self.line is not None:
            if self.line.is_attached:
                self.line.remove()
            self.line = None


_trackers: WeakKeyDictionary[App[Any], _Tracker] = WeakKeyDictionary()


def track(
    app: App[Any], label: str, total: int | None = None, *, sizes: bool = False
) -> WorkReport:
    """A new report shown on `app` until its `end()` (call on the event loop)."""
    report = WorkReport(label, total, sizes=sizes)
    tracker = _trackers.get(app)
    if tracker is None:
        tracker = _trackers[app] = _Tracker(app)
    tracker.add(report)
    return report


def shown_report(app: App[Any]) -> WorkProgress | None:
    """The line on the screen now, if any (for tests and for screens that ask)."""
    tracker = _trackers.get(app)
    return None if tracker is None else tracker.line


def run_with_progress(
    owner: DOMNode,
    label: str,
    work: Callable[[WorkReport], T],
    *,
    group: str,
    name: str = "",
    exclusive: bool = False,
    total: int | None = None,
    sizes: bool = False,
) -> Worker[T]:
    """Run `work(report)` in a thread worker of `owner` (a screen, or the app for work
    that outlives its screen), its progress on the line until it ends."""
    report = track(owner.app, label, total, sizes=sizes)

    def run() -> T:
        try:
            return work(report)
        finally:
            report.end()

    worker: Worker[T] = owner.run_worker(
        run, thread=True, group=group, name=name, exclusive=exclusive
    )
    report.worker = worker
    return worker
