"""Progress of a long command on stderr: a bar on a terminal, a plain line now and then
otherwise.

Nothing shows for work that ends within `DELAY` seconds, so quick commands print what
they always printed. On a terminal, Rich draws the bar (rows done, rate, time left) and
removes it at the end; elsewhere (a pipe, a CI log) one line every `EVERY` seconds says
the same in words, never a flood. Rich is imported only when a bar is drawn, so
`prodtui capture` stays quick.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any

from prodtui.i18n import number, t

DELAY = 1.0
"""Seconds of work before anything is shown."""
EVERY = 5.0
"""Seconds between two plain lines."""


class Progress:
    """`with Progress(label, total) as progress: … progress.update(done)`; `total` may be
    set later (`update(done, total)`) or stay unknown (rows and rate only)."""

    def __init__(
        self, label: str, total: int | None = None, *, stream: IO[str] | None = None
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self._said = self.started
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self.started < DELAY:
            return
        if self._terminal():
            self._draw()
        elif now - self._said >= EVERY:
            self._said = now
            print(self.line(now - self.started), file=self.stream, flush=True)

    def line(self, elapsed: float) -> str:
        """`Import des stories : 12000 sur 100000 lignes, 5300 lignes/s, reste 15 s`."""
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.total:
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            return t(
                "bulk.progress_line",
                label=self.label,
                done=number(self.done, 0),
                total=number(self.total, 0),
                rate=number(rate, 0),
                left=number(left, 0),
            )
        return t(
            "bulk.progress_line_open",
            label=self.label,
            done=number(self.done, 0),
            rate=number(rate, 0),
        )

    def _terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def _draw(self) -> None:
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            # The bar's own escape sequences go to the terminal itself, not through the
            # SafeWriter that escapes what commands print; its words are the catalogue's.
            console = Console(file=getattr(self.stream, "stream", self.stream))
            self._bar = Bar(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                # Counts written as the language writes numbers: « 17 000 sur 100 000 ».
                TextColumn("{task.fields[count]}", markup=False),
                TextColumn(t("bulk.progress_rate", rate="{task.fields[rate]}"), markup=False),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, rate="0", count="")
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        self._bar.update(
            self._task,
            completed=self.done,
            total=self.total,
            rate=number(rate, 0),
            count=self._count(),
        )

    def _count(self) -> str:
        done = number(self.done, 0)
        if self.total is None:
            return done
        return t("bulk.progress_count", done=done, total=number(self.total, 0))


@contextlib.contextmanager
def interrupted(key: str = "bulk.interrupted") -> Iterator[None]:
    """ctrl+c during work in one transaction: the transaction is rolled back on the way
    out, and the user reads that nothing was written (the exit status stays 130)."""
    try:
        yield
    except KeyboardInterrupt:
        print(t(key), file=sys.stderr, flush=True)
        raise
