#!/usr/bin/env python3
"""The Today screen on the large workspace, in process: its queries, its refresh, its mount.

    .venv/bin/python benchmarks/today.py               # 200 rounds each
    .venv/bin/python benchmarks/today.py --rounds 50
    .venv/bin/python benchmarks/today.py --scale 10    # ten times the large workspace

The large workspace is generated as `run.py` does when it is missing, then copied to
`benchmarks/out/today.db` (the copy is migrated if the source is older, outside the
clock) and deleted at the end. Three figures, each over many rounds, median and p95:

- the repository: `DashboardRepository.snapshot(today)`, every tile's queries;
- the refresh: `TodayScreen.refresh_data()` (queries and the seven tiles' text), then the
  same followed by the repaint Textual does before the app is idle again (Pilot's pause),
  when nothing changed (no tile is updated) and when every tile changed;
- the mount: a new TodayScreen pushed, composed, filled and painted, until idle, beside
  the same for a main screen with an empty body (header, navigation bar, footer): the
  difference is what the tiles cost.

The app runs headless at 120×40 through `App.run_test`, so the figures leave out the
terminal; `run.py` measures key to screen in a real terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run  # noqa: E402  (benchmarks/run.py: where the large workspace comes from)

COPY = run.OUT / "today.db"


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   (n={len(ordered)})"


def timed(rounds: int, action: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def timed_async(rounds: int, action: Callable[[], Awaitable[object]]) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--scale", type=float, default=1.0, help="as run.py's --scale")
    args = parser.parse_args(argv)
    run.use_scale(args.scale)

    if not run.LARGE_DB.exists():
        run.ensure_large_workspace(run.find_prodtui(None))
    for stale in run._companions(COPY):
        stale.unlink(missing_ok=True)
    shutil.copyfile(run.LARGE_DB, COPY)
    try:
        return asyncio.run(measure(args.rounds))
    finally:
        for stale in run._companions(COPY):
            stale.unlink(missing_ok=True)


async def measure(rounds: int) -> int:
    from prodtui.config import load_settings
    from prodtui.sample.large import LARGE_TODAY
    from prodtui.store import open_workspace
    from prodtui.ui.app import ProdtuiApp
    from prodtui.ui.screens.base import WorkspaceScreen
    from prodtui.ui.screens.today import TodayScreen

    ws = open_workspace(COPY, author="bench")  # migrates the copy if needed: not timed
    # As `prodtui` does once started (cli/tui.py, ProdtuiApp._started): the long-lived
    # objects are frozen, so collections stay short.
    gc.collect()
    gc.freeze()
    repo = ws.dashboard
    snap = repo.snapshot(LARGE_TODAY)
    print(
        f"large workspace, today {LARGE_TODAY}: {snap.blockers.count} open blockers,"
        f" {snap.actions.count} actions due, {snap.inbox.count} to triage,"
        f" sprint {snap.sprint.name if snap.sprint else '—'},"
        f" campaign {snap.campaign.name if snap.campaign else '—'}"
        f" ({snap.campaign.progress.total if snap.campaign else 0} cases)"
    )
    timed(10, lambda: repo.snapshot(LARGE_TODAY))  # warm the page cache and the statements
    print(
        f"repository snapshot        {summary(timed(rounds, lambda: repo.snapshot(LARGE_TODAY)))}"
    )
    for name in ("standup", "blockers", "actions", "inbox", "sprint", "campaign", "security"):
        method = getattr(repo, name)
        call = (
            (lambda m=method: m(LARGE_TODAY))
            if name in ("standup", "actions", "sprint", "security")
            else method
        )
        print(f"  {name:<24} {summary(timed(rounds, call))}")

    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config.toml"
        app = ProdtuiApp(ws, load_settings(config), config, today=lambda: LARGE_TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TodayScreen)
            print(f"screen refresh_data()      {summary(timed(rounds, screen.refresh_data))}")

            async def refresh_and_paint(forget: bool) -> None:
                if forget:  # as if every tile had changed: all seven are updated
                    screen._shown.clear()
                screen.refresh_data()
                await pilot.pause()

            await timed_async(5, lambda: refresh_and_paint(True))
            for forget, label in ((False, "nothing changed"), (True, "every tile changed")):
                samples = await timed_async(rounds, functools.partial(refresh_and_paint, forget))
                print(f"refresh + repaint, {label:<18} {summary(samples)}")

            # A new screen each round, against the same main screen with an empty body.
            class EmptyScreen(WorkspaceScreen):
                mode_name = "today"

            for make, label in ((EmptyScreen, "empty main screen"), (TodayScreen, "Today screen")):
                samples = []
                for _ in range(max(rounds // 4, 10)):
                    start = time.perf_counter()
                    await app.push_screen(make())
                    await pilot.pause()
                    samples.append((time.perf_counter() - start) * 1000)
                    if make is TodayScreen:  # the tiles were filled before the clock stopped
                        tile = str(app.screen.query_one("#tile-inbox").render())
                        assert re.search(r"\d+ captures? à trier", tile), tile
                    app.pop_screen()
                    await pilot.pause()
                print(f"mount + paint, {label:<22} {summary(samples)}")
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
