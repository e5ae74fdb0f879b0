#!/usr/bin/env python3
"""prodtui against a bare Textual app, in the same run, on the large workspace.

    .venv/bin/python benchmarks/run.py            # 11 rounds, about 4 minutes
    .venv/bin/python benchmarks/run.py --quick    # 3 rounds, a smoke run
    .venv/bin/python benchmarks/run.py --scale 10 # on ten times the large workspace

Every figure comes from `first_paint.py` beside this file, which starts a command in a
private tmux server and polls the screen until a marker appears. Each round runs the bare
app and prodtui one launch each, alternating which goes first, so the machine's drift
hits both alike; the figures are medians over the rounds and the ratios are ratios of
medians. Results go to benchmarks/out/results.json and a Markdown table to stdout; the
targets and the figures are in benchmarks/README.md.

Stdlib only (prodtui is run as a command). Needs tmux.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import first_paint as fp  # beside this file: benchmarks/ is not a package

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
OUT = BENCH_DIR / "out"
LARGE_DB = OUT / "large.db"
LARGE_INFO = OUT / "large.json"  # how long the generation took, kept for later runs
RESULTS = OUT / "results.json"
SCALE = 1.0  # `--scale`: N times the large workspace, in out/large-xN.db (use_scale)
# Above this size a capture reuses one copy for the whole run: copying a ×10 file (2 GB)
# before each launch would cost more than the run. Each capture adds one row to it.
COPY_EACH_CAPTURE_UP_TO = 1 << 30
BARE_APP = BENCH_DIR / "bare_app.py"

# Markers are regexes. Each one was chosen from `first_paint.py --trace` / `--dump-screen`;
# see benchmarks/README.md.
#
# The bare app draws Header + Static first and its Footer (bindings) one frame later:
# the screen is complete once the footer's "^p palette" is there.
BARE_FIRST_FRAME = re.escape("Hello, bare Textual app")
BARE_COMPLETE = re.escape("^p palette")
# prodtui's Today screen first shows its text, data included, then ~25 ms later the
# tile borders and the header icon: complete once the inbox tile has its border and count.
PRODTUI_FIRST_FRAME = r"captures? à trier"
PRODTUI_COMPLETE = r"│ \d+ captures? à trier"
# The palette's command list (not only its input) is drawn.
BARE_PALETTE = re.escape("Quit the application")
BARE_TABLE_SCREEN = re.escape("Some words of row 0")  # bare_app.py's table screen, key `2`
# Its commands are listed by name since the palette speaks French: "Quitter prodtui" is
# no longer among the first lines. `\s` before a colon: a space, or the narrow no-break
# space of French typography.
PRODTUI_PALETTE = r"Aller à\s:\sAujourd'hui"
# The footer always says "Capture rapide": the overlay is recognised by its placeholder.
CAPTURE_OVERLAY = re.escape("+ action @qui vendredi")
INBOX_SCREEN = r"Boîte de réception\s:"  # title of the inbox screen, with its count
# The stand-up screen: its title ("… — 0/15 ont parlé") and, further down, the title of
# its blockers table, both drawn once the day's data is in.
STANDUP_SCREEN = r"(?s)\d+/\d+ ont parlé.*Bloquants ouverts ce jour \(\d+\)"
# The recette's list of campaigns (its title, then its header); the security checklist
# (its score, then its table's header); the roadmap (its title, then its first lane).
RECETTE_SCREEN = r"(?s)Recette\s:\s[\d\s\u202f]+campagnes.*Campagne\s+Version"
SECURITY_SCREEN = r"(?s)Indice de sécurité.*Code\s+Preuve\s+Mesure"
ROADMAP_SCREEN = r"(?s)Feuille de route · De .*Épopées et versions"
CAPTURED = re.escape("Capturé")  # title of the toast shown once the capture is saved
# The backlog, then its preview pane (right of the `▏` border) on story US-n: the preview
# follows the cursor, drawn once the moved cursor is.
STORIES_SCREEN = r"Backlog\s:\s\d+ stories"
PREVIEW_OF = r"▏ US-{n} \S"
CAPTURE_TEXT = "+ bench capture @bob demain"

WIDTH, HEIGHT = 120, 40
KEY_DELAY = 0.5  # idle time after first paint, and between the steps of a sequence
HOLD = 2.0  # idle time after first paint before VmHWM is read: the warm-up is over by then
KEY_REPS = 3  # keystroke measurements per launch where a key undoes the other
GIVE_UP_AFTER = 2  # failures in a row before a measurement is skipped for the other rounds


# -- measurements ---------------------------------------------------------------------------


@dataclass
class Metric:
    """One figure: samples over the rounds, for one app."""

    name: str
    unit: str = "ms"
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def summary(self) -> dict[str, Any]:
        values = self.samples
        return {
            "unit": self.unit,
            "n": len(values),
            "median": _round(self.median),
            "min": _round(min(values)) if values else None,
            "max": _round(max(values)) if values else None,
            "p90": _round(_percentile(values, 90)) if values else None,
            "samples": [_round(v) for v in values],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _round3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = (len(ordered) - 1) * pct / 100
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


@dataclass
class Bench:
    args: argparse.Namespace
    prodtui: list[str]
    bare: list[str]
    metrics: dict[str, Metric] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    launches: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # in a row, per measurement

    def gave_up(self, name: str) -> bool:
        """After two failures in a row (usually a marker the app no longer shows), the
        measurement is skipped: each failure costs a whole timeout."""
        return self.failures.get(name, 0) >= GIVE_UP_AFTER

    def outcome(self, name: str, ok: bool) -> None:
        self.failures[name] = 0 if ok else self.failures.get(name, 0) + 1
        if self.gave_up(name):
            self.warn(f"{name}: failed {GIVE_UP_AFTER} times in a row, skipped from now on")

    def metric(self, name: str, unit: str = "ms") -> Metric:
        return self.metrics.setdefault(name, Metric(name, unit))

    def add(self, name: str, value: float | None, unit: str = "ms") -> None:
        metric = self.metric(name, unit)
        if value is not None:
            metric.samples.append(value)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        print(f"  warning: {message}", file=sys.stderr, flush=True)


def measure(bench: Bench, label: str, spec: fp.Launch) -> fp.Result:
    """One launch; its warnings and error are the run's."""
    bench.launches += 1
    try:
        result = fp.launch(spec)
    except Exception as error:  # a lost launch, not a lost run
        result = fp.Result(error=f"{type(error).__name__}: {error}")
    if result.error:
        bench.warn(f"{label}: {result.error}")
        if bench.args.verbose and result.screen:
            print(result.screen, file=sys.stderr)
    for message in result.warnings:
        bench.warn(f"{label}: {message}")
    return result


def launch(bench: Bench, command: list[str], marker: str, **options: Any) -> fp.Launch:
    return fp.Launch(
        tuple(command), marker, width=WIDTH, height=HEIGHT, timeout=bench.args.timeout, **options
    )


def first_paint(bench: Bench, app: str, command: list[str], complete: str, first: str) -> None:
    name = f"first paint {app}"
    if bench.gave_up(name):
        return
    spec = launch(bench, command, complete, milestones=(first,), hold=HOLD)
    result = measure(bench, name, spec)
    bench.outcome(name, result.paint_ms is not None)
    bench.add(f"paint.{app}", result.paint_ms)
    bench.add(f"first_frame.{app}", result.milestones_ms.get(first))
    hwm, rss = result.hwm_kb, result.rss_at_paint_kb
    bench.add(f"hwm.{app}", hwm / 1024 if hwm else None, "MB")
    bench.add(f"rss_at_paint.{app}", rss / 1024 if rss else None, "MB")
    bench.add(f"cpu_at_paint.{app}", result.cpu_at_paint_ms)


def keyed(
    bench: Bench,
    name: str,
    command: list[str],
    marker: str,
    keys: str,
    after: str,
    reset: str | None = None,
) -> None:
    """Keys sent after first paint; with `reset`, the first press and the later ones
    (after the reset keys undid the first) are kept apart: the first may import and
    compose what the later ones reuse. Keys are tmux key names, shell-split ('C-p')."""
    if bench.gave_up(name):
        return
    press = fp.Step("press", tuple(shlex.split(keys)), after, pause=KEY_DELAY)
    steps = [press]
    if reset:
        undo = fp.Step("reset", tuple(shlex.split(reset)), after, absent=True)
        steps += [undo, press] * (KEY_REPS - 1)
    result = measure(bench, name, launch(bench, command, marker, steps=tuple(steps)))
    latencies = result.step_ms("press")
    bench.outcome(name, bool(latencies) and not result.error)
    if latencies:
        bench.add(f"{name}.first", latencies[0])
        if reset and len(latencies) > 1:
            bench.add(f"{name}.again", statistics.median(latencies[1:]))
    elif result.paint_ms is not None or result.error:
        bench.add(f"{name}.first", None)


def sequence(bench: Bench, name: str, command: list[str], marker: str, steps: list[Step]) -> None:
    """Several timed steps in one launch, each from its keys to its marker, with a pause
    before each one, like a person (the draft's 250 ms debounce has fired by Enter)."""
    if bench.gave_up(name):
        return
    timed = tuple(
        fp.Step(step.name, (step.keys,), step.after, literal=step.literal, pause=KEY_DELAY)
        for step in steps
    )
    result = measure(bench, name, launch(bench, command, marker, steps=timed))
    bench.outcome(name, result.paint_ms is not None and not result.error)
    for step, ms in result.steps:
        bench.add(f"{name}.{step}", ms)


@dataclass(frozen=True)
class Step:
    name: str
    keys: str  # one key name, or the text typed when `literal`
    after: str
    literal: bool = False


# -- the workspace --------------------------------------------------------------------------


def use_scale(scale: float) -> None:
    """Work on N times the large workspace: its own file, info and results, so that the
    ×1 and ×N files live side by side in out/."""
    global SCALE, LARGE_DB, LARGE_INFO, RESULTS
    SCALE = scale
    if scale != 1:
        suffix = f"-x{scale:g}"
        LARGE_DB = OUT / f"large{suffix}.db"
        LARGE_INFO = OUT / f"large{suffix}.json"
        RESULTS = OUT / f"results{suffix}.json"


def ensure_large_workspace(prodtui: Path) -> dict[str, Any]:
    """Generate the large workspace once; later runs reuse it (it is never opened by the
    app: every measurement works on a copy)."""
    OUT.mkdir(parents=True, exist_ok=True)
    info: dict[str, Any] = {}
    if LARGE_INFO.exists():
        with contextlib.suppress(ValueError):
            info = json.loads(LARGE_INFO.read_text())
    if LARGE_DB.exists() and (outdated := _schema_behind(LARGE_DB)):
        print(f"{LARGE_DB}: {outdated}, generating it again", flush=True)
        LARGE_DB.unlink()
    if not LARGE_DB.exists():
        print(f"generating {LARGE_DB} …", flush=True)
        # Written under another name first: a failed generation leaves no half file.
        partial = LARGE_DB.with_suffix(".partial.db")
        for stale in _companions(LARGE_DB) + _companions(partial):
            stale.unlink(missing_ok=True)
        start = time.perf_counter()
        done = subprocess.run(
            [
                str(prodtui),
                "demo",
                "--size",
                "large",
                "--scale",
                f"{SCALE:g}",
                "--out",
                str(partial),
            ],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            for stale in _companions(partial):
                stale.unlink(missing_ok=True)
            raise SystemExit(f"`prodtui demo --size large` failed ({done.returncode})")
        elapsed = time.perf_counter() - start
        _checkpoint(partial)  # all in the main file, so that one file can be copied
        partial.rename(LARGE_DB)
        info = {
            "scale": SCALE,
            "generation_s": round(elapsed, 2),
            "generated_at": datetime.now().isoformat(timespec="seconds"),
        }
        LARGE_INFO.write_text(json.dumps(info, indent=1) + "\n")
    info["path"] = str(LARGE_DB)
    info["size_mb"] = round(LARGE_DB.stat().st_size / 2**20, 1)
    info["counts"] = table_counts(LARGE_DB)
    return info


def _schema_behind(path: Path) -> str:
    """Why the workspace is older than the source's migrations (opening it would migrate
    it inside the measured start-up), or "" when it is not."""
    migrations = REPO / "src" / "prodtui" / "store" / "migrations"
    numbers = [int(p.name.split("_", 1)[0]) for p in migrations.glob("[0-9]*_*.sql")]
    if not numbers:
        return ""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        return f"unreadable ({error})"
    finally:
        conn.close()
    return f"schema {version} < {max(numbers)}" if version < max(numbers) else ""


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()  # the last connection gone, SQLite removes the -wal and -shm files


def _companions(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def fresh_copy(name: str) -> Path:
    """A copy of the large workspace the app may write to (quick capture does)."""
    target = OUT / name
    if (
        name == "capture.db"
        and target.exists()
        and LARGE_DB.stat().st_size > COPY_EACH_CAPTURE_UP_TO
    ):
        return target
    for stale in _companions(target):
        stale.unlink(missing_ok=True)
    shutil.copyfile(LARGE_DB, target)
    return target


# -- the run --------------------------------------------------------------------------------


def alternate(round_no: int, *pair: Callable[[], None]) -> None:
    """Both, the bare app first on even rounds and last on odd ones."""
    for run in pair if round_no % 2 == 0 else reversed(pair):
        run()


def one_round(bench: Bench, round_no: int) -> None:
    prodtui, bare = bench.prodtui, bench.bare
    # Opening a workspace creates its -wal and -shm files but changes no row here.
    work = OUT / "work.db"
    on_work = [*prodtui, "--db", str(work)]
    alternate(
        round_no,
        lambda: first_paint(bench, "bare", bare, BARE_COMPLETE, BARE_FIRST_FRAME),
        lambda: first_paint(bench, "prodtui", on_work, PRODTUI_COMPLETE, PRODTUI_FIRST_FRAME),
    )
    alternate(
        round_no,
        lambda: keyed(bench, "palette.bare", bare, BARE_COMPLETE, "C-p", BARE_PALETTE, "Escape"),
        lambda: keyed(
            bench, "palette.prodtui", on_work, PRODTUI_COMPLETE, "C-p", PRODTUI_PALETTE, "Escape"
        ),
    )
    keyed(bench, "switch.bare", bare, BARE_COMPLETE, "2", BARE_TABLE_SCREEN, "1")
    keyed(bench, "switch.inbox", on_work, PRODTUI_COMPLETE, "i", INBOX_SCREEN, "1")
    keyed(bench, "switch.standup", on_work, PRODTUI_COMPLETE, "2", STANDUP_SCREEN, "1")
    keyed(bench, "switch.recette", on_work, PRODTUI_COMPLETE, "4", RECETTE_SCREEN, "1")
    keyed(bench, "switch.security", on_work, PRODTUI_COMPLETE, "5", SECURITY_SCREEN, "1")
    keyed(bench, "switch.roadmap", on_work, PRODTUI_COMPLETE, "6", ROADMAP_SCREEN, "1")
    # Quick capture writes: a fresh copy for each launch.
    capture_db = fresh_copy("capture.db")
    keyed(
        bench,
        "capture.all_at_once",
        [*prodtui, "--db", str(capture_db)],
        PRODTUI_COMPLETE,
        f"C-n {shlex.quote(CAPTURE_TEXT)} Enter",
        CAPTURED,
    )
    capture_db = fresh_copy("capture.db")
    typed, last = CAPTURE_TEXT[:-1], CAPTURE_TEXT[-1]
    sequence(
        bench,
        "capture",
        [*prodtui, "--db", str(capture_db)],
        PRODTUI_COMPLETE,
        [
            Step("open", "C-n", CAPTURE_OVERLAY),
            Step("type_line", typed, re.escape(typed.lstrip("+ ")), literal=True),
            Step("one_key", last, re.escape(CAPTURE_TEXT.lstrip("+ ")), literal=True),
            Step("enter_to_saved", "Enter", CAPTURED),
        ],
    )
    sequence(
        bench,
        "list",
        on_work,
        PRODTUI_COMPLETE,
        [
            Step("open", "3", PREVIEW_OF.format(n=1)),
            Step("move", "Down", PREVIEW_OF.format(n=2)),
            Step("move", "Up", PREVIEW_OF.format(n=1)),
            Step("move", "Down", PREVIEW_OF.format(n=2)),
            Step("move", "Up", PREVIEW_OF.format(n=1)),
        ],
    )


# -- report ---------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    bare: str | None
    prodtui: str
    target: str
    ratio: float | None = None
    verdict: str = ""


def _ms(metric: Metric | None) -> str:
    if metric is None or metric.median is None:
        return "n/a"
    if len(metric.samples) < 3:
        return f"{metric.median:.0f}"
    return f"{metric.median:.0f} (p90 {_percentile(metric.samples, 90):.0f})"


def _ratio(bench: Bench, name: str) -> float | None:
    bare = bench.metrics.get(f"{name}.bare")
    prodtui = bench.metrics.get(f"{name}.prodtui")
    if not bare or not prodtui or not bare.median or prodtui.median is None:
        return None
    return prodtui.median / bare.median


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "**missed**")


def build_rows(bench: Bench) -> list[Row]:
    m = bench.metrics.get
    rows: list[Row] = []

    def ratio_row(figure: str, name: str, target: str, limit: float | None, mb: bool = False):
        ratio = _ratio(bench, name)
        fmt: Callable[[Metric | None], str] = _mb if mb else _ms
        ok = None if ratio is None or limit is None else ratio <= limit
        rows.append(
            Row(figure, fmt(m(f"{name}.bare")), fmt(m(f"{name}.prodtui")), target, ratio,
                _verdict(ok))
        )  # fmt: skip

    def abs_row(figure: str, name: str, target: str, limit: float | None, bare: str | None = None):
        metric = m(name)
        median = metric.median if metric else None
        ok = None if median is None or limit is None else median < limit
        reference = m(bare) if bare else None
        ratio = None
        if reference and reference.median and median is not None:
            ratio = median / reference.median
        shown = _ms(reference) if bare else None
        rows.append(Row(figure, shown, _ms(metric), target, ratio, _verdict(ok)))

    ratio_row("first paint, screen complete (ms)", "paint", "≤ 1.5 × bare", 1.5)
    ratio_row("first frame drawn (before footer / borders) (ms)", "first_frame", "—", None)
    ratio_row("peak memory VmHWM (MB)", "hwm", "≤ 2 × bare", 2.0, mb=True)
    ratio_row("ctrl+p → palette list, first (ms)", "palette.first", "—", None)
    ratio_row("ctrl+p → palette list, again (ms)", "palette.again", "—", None)
    # The bare column of the switches is bare_app.py's own switch to a 200-row DataTable.
    first, again = "switch.bare.first", "switch.bare.again"
    abs_row(
        "switch screen `i` → inbox, first visit (ms)", "switch.inbox.first", "< 100 ms", 100, first
    )
    abs_row("switch screen `i` → inbox, again (ms)", "switch.inbox.again", "< 100 ms", 100, again)
    abs_row(
        "switch screen `2` → stand-up, first visit (ms)",
        "switch.standup.first",
        "< 100 ms",
        100,
        first,
    )
    abs_row(
        "switch screen `2` → stand-up, again (ms)", "switch.standup.again", "< 100 ms", 100, again
    )
    for key, name, label in (
        ("4", "recette", "recette"),
        ("5", "security", "security"),
        ("6", "roadmap", "roadmap"),
    ):
        for visit, reference in (("first", first), ("again", again)):
            shown = "first visit" if visit == "first" else "again"
            abs_row(
                f"switch screen `{key}` → {label}, {shown} (ms)",
                f"switch.{name}.{visit}",
                "< 100 ms",
                100,
                reference,
            )
    abs_row("ctrl+n → capture overlay (ms)", "capture.open", "—", None)
    abs_row("one key typed → echoed in the capture line", "capture.one_key", "< 50 ms", 50)
    abs_row("quick capture: Enter → saved (toast)", "capture.enter_to_saved", "< 50 ms", 50)
    abs_row("switch screen `3` → backlog and its preview, first visit (ms)", "list.open", "—", None)
    abs_row(
        "backlog: `↓` / `↑` → cursor and preview on the next story (ms)",
        "list.move",
        "< 50 ms",
        50,
    )
    abs_row(
        "quick capture: ctrl+n, 27 chars, Enter sent at once → saved",
        "capture.all_at_once.first",
        "—",
        None,
    )
    return rows


def rekey_palette(bench: Bench) -> None:
    """palette.<app>.<first|again> → palette.<first|again>.<app>, as `_ratio` expects."""
    for app in ("bare", "prodtui"):
        for when in ("first", "again"):
            metric = bench.metrics.pop(f"palette.{app}.{when}", None)
            if metric is not None:
                metric.name = f"palette.{when}.{app}"
                bench.metrics[metric.name] = metric


def _mb(metric: Metric | None) -> str:
    if metric is None or metric.median is None:
        return "n/a"
    return f"{metric.median:.1f}"


def markdown(rows: list[Row]) -> str:
    lines = [
        "| figure | bare app | prodtui | × bare | target | |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        bare = row.bare if row.bare is not None else ""
        lines.append(
            f"| {row.figure} | {bare} | {row.prodtui} | {ratio} | {row.target} | {row.verdict} |"
        )
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }
    for package in ("textual", "rich", "prodtui"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[package] = metadata.version(package)
    with contextlib.suppress(OSError):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src", "styles"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        info["git"] = head + (" + uncommitted changes in src/ or styles/" if dirty else "")
    return info


# -- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="rounds (default 11)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 rounds")
    parser.add_argument("--prodtui", type=Path, default=None,
                        help="prodtui command (default: beside this Python, or PATH)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per wait")
    parser.add_argument("--verbose", action="store_true", help="print screens on errors")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="N times the large workspace (out/large-xN.db)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=None, help="results file (JSON)")
    args = parser.parse_args(argv)
    use_scale(args.scale)
    if args.out is None:
        args.out = RESULTS
    if args.quick:
        args.rounds = 3
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def find_prodtui(given: Path | None) -> Path:
    if given is not None:
        return given.resolve()
    beside = Path(sys.executable).parent / "prodtui"
    if beside.exists():
        return beside
    found = shutil.which("prodtui")
    if found is None:
        raise SystemExit("prodtui not found: install the package or pass --prodtui")
    return Path(found)


@contextlib.contextmanager
def working_copy() -> Iterator[Path]:
    for stale in _companions(OUT / "capture.db"):  # left by a run cut short
        stale.unlink(missing_ok=True)
    path = fresh_copy("work.db")
    try:
        yield path
    finally:
        for name in ("work.db", "capture.db"):
            for stale in _companions(OUT / name):
                stale.unlink(missing_ok=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux not found (apt-get install -y tmux)", file=sys.stderr)
        return 2
    prodtui = find_prodtui(args.prodtui)
    workspace = ensure_large_workspace(prodtui)
    bench = Bench(args, prodtui=[str(prodtui)], bare=[sys.executable, str(BARE_APP)])
    # A run stopped with SIGTERM unwinds like ctrl+c: each launch stops its tmux server.
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.perf_counter()
    with working_copy():
        for round_no in range(args.rounds):
            print(f"round {round_no + 1}/{args.rounds} …", flush=True)
            one_round(bench, round_no)
    duration = time.perf_counter() - started
    rekey_palette(bench)
    rows = build_rows(bench)
    table = markdown(rows)
    env = environment()
    report: dict[str, Any] = {
        "environment": env,
        "settings": {
            "rounds": args.rounds,
            "scale": SCALE,
            "size": f"{WIDTH}x{HEIGHT}",
            "bare": bench.bare,
            "prodtui": bench.prodtui,
            "key_delay_s": KEY_DELAY,
            "hold_s": HOLD,
            "key_reps": KEY_REPS,
            "markers": {
                "bare_complete": BARE_COMPLETE,
                "bare_first_frame": BARE_FIRST_FRAME,
                "prodtui_complete": PRODTUI_COMPLETE,
                "prodtui_first_frame": PRODTUI_FIRST_FRAME,
                "bare_palette": BARE_PALETTE,
                "bare_table": BARE_TABLE_SCREEN,
                "prodtui_palette": PRODTUI_PALETTE,
                "capture_overlay": CAPTURE_OVERLAY,
                "inbox": INBOX_SCREEN,
                "standup": STANDUP_SCREEN,
                "recette": RECETTE_SCREEN,
                "security": SECURITY_SCREEN,
                "roadmap": ROADMAP_SCREEN,
                "captured": CAPTURED,
            },
        },
        "workspace": workspace,
        "duration_s": round(duration, 1),
        "launches": bench.launches,
        "metrics": {name: metric.summary() for name, metric in sorted(bench.metrics.items())},
        "ratios": {
            name: _round3(_ratio(bench, name))
            for name in ("paint", "first_frame", "hwm", "palette.first", "palette.again")
        },
        "table": [row.__dict__ for row in rows],
        "warnings": bench.warnings,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print()
    print(
        f"{args.rounds} rounds, {bench.launches} launches, {duration:.0f} s; "
        f"{env.get('cpus')} CPUs, Python {env.get('python')}, Textual {env.get('textual')}; "
        f"medians (p90 when n ≥ 3); {WIDTH}x{HEIGHT}"
    )
    print()
    print(table)
    print()
    if bench.warnings:
        print(f"{len(bench.warnings)} warning(s), see {args.out}")
    print(f"results: {args.out}")
    return 0 if not bench.warnings else 1


if __name__ == "__main__":
    sys.exit(main())
