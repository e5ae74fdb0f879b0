#!/usr/bin/env python3
"""An automated suite that writes a million lines, run from its screen, in process.

    .venv/bin/python benchmarks/automated_run.py                 # 1,000,000 lines
    .venv/bin/python benchmarks/automated_run.py --lines 200000 --plain

The app runs headless at 120×40 (`App.run_test`) on a new workspace in a temporary
folder, with one campaign whose suite is a Python one-liner: it writes `--lines` lines of
about 80 characters in colour (`--plain`: without), as fast as it can, then a JUnit
report of one test. While it runs, the benchmark samples:

- the process's memory (RSS, every 20 ms): its level on the Recette screen before the
  run, its peak during the run, and after;
- key latency: every 100 ms a key is sent as the terminal sends it and timed until the
  app has run its action (a probe binding added to the app for the benchmark, so the
  figure is the event loop's answer, not a screen's cost), and F1 (help) is opened and
  closed once a second, timed until the help screen is the current one;
- the output's rate (lines taken in per second) and, once the suite's process ended, the
  time until its report was imported.

Figures and how they compare with the targets: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.binding import Binding

from prodtui.config import load_settings
from prodtui.domain.recette import Campaign
from prodtui.store import open_workspace
from prodtui.ui.app import ProdtuiApp


class ProbeApp(ProdtuiApp):
    """prodtui with one more key, which only says when it was handled."""

    BINDINGS = [*ProdtuiApp.BINDINGS, Binding("f12", "probe", priority=True)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.probed = asyncio.Event()

    def action_probe(self) -> None:
        self.probed.set()


SUITE = """\
import sys

write = sys.stdout.write
line = "{line}"
for n in range({lines}):
    write(line % n)
sys.stdout.flush()
with open(sys.argv[1], "w") as report:
    report.write('<testsuite><testcase classname="bench" name="flood"/></testsuite>')
"""


def suite(folder: Path, lines: int, plain: bool) -> str:
    """The command of a suite writing `lines` lines, then a report of one test."""
    line = "ligne %d " if plain else "\\x1b[32mligne %d\\x1b[0m "
    script = folder / "suite.py"
    script.write_text(SUITE.format(line=line + "x" * 70 + "\\n", lines=lines))
    return f"{sys.executable} {script} {{report}}"


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1_048_576


def spread(samples: list[float]) -> str:
    if not samples:
        return "no sample (the run was too short)"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {ordered[-1]:7.1f} ms   (n={len(ordered)})"
    )


async def until(condition: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.005)


async def bench(lines: int, plain: bool, folder: Path) -> None:
    from prodtui.ui.screens.automated_run import AutomatedRunScreen
    from prodtui.ui.screens.help import HelpScreen

    ws = open_workspace(folder / "bench.db", author="bench")
    ws.campaigns.add(Campaign(name="Bench", command=suite(folder, lines, plain)))
    config = folder / "config.toml"
    app = ProbeApp(ws, load_settings(config), config)
    memory: list[float] = []
    keys: list[float] = []
    help_opened: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause(1.0)
        before = rss_mb()
        await pilot.press("a")
        await pilot.pause(0.3)
        sampling = True

        async def sample() -> None:
            while sampling:
                memory.append(rss_mb())
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        # Keys as the terminal sends them: Pilot's press waits for an idle app.
        app.post_message(events.Key("enter", None))
        await until(lambda: isinstance(app.screen, AutomatedRunScreen))
        started = time.perf_counter()
        screen = app.screen
        assert isinstance(screen, AutomatedRunScreen)
        run = screen.run
        last_help = time.perf_counter()
        while run.process is None or run.process.returncode is None:
            app.probed.clear()
            sent = time.perf_counter()
            app.post_message(events.Key("f12", None))
            await app.probed.wait()
            keys.append((time.perf_counter() - sent) * 1000)
            if time.perf_counter() - last_help > 1:
                sent = time.perf_counter()
                app.post_message(events.Key("f1", None))
                await until(lambda: isinstance(app.screen, HelpScreen))
                help_opened.append((time.perf_counter() - sent) * 1000)
                app.post_message(events.Key("escape", None))
                await until(lambda: app.screen is screen)
                last_help = time.perf_counter()
            await asyncio.sleep(0.1)
        exited = time.perf_counter()
        await until(lambda: not run.active)
        ended = time.perf_counter()
        sampling = False
        await sampler
        await pilot.pause(0.5)
        after = rss_mb()
        log = run.log_path
        taken = run.output.total
        summary = run.summary or run.error or "nothing imported"
    ws.close()
    with (log or Path("/dev/null")).open("rb") as handle:
        logged = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    print(f"lines written {lines:,}, taken in {taken:,}, in the log file {logged:,}")
    print(f"output rate {taken / (exited - started):,.0f} lines/s over {exited - started:.1f} s")
    print(f"memory: {before:.1f} MB before, peak {max(memory):.1f} MB, {after:.1f} MB after")
    print(f"        peak growth {max(memory) - before:.1f} MB")
    # The first key is sent as the run's screen is being composed and drawn.
    print(f"key (f12 probe) {spread(keys[1:])}; the first one {keys[0]:.1f} ms")
    print(f"F1, help shown  {spread(help_opened)}")
    print(f"end of the suite to its report imported: {(ended - exited) * 1000:.1f} ms")
    print(f"imported: {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--plain", action="store_true", help="no colours in the output")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prodtui-bench-") as folder:
        asyncio.run(bench(options.lines, options.plain, Path(folder)))


if __name__ == "__main__":
    main()
