#!/usr/bin/env python3
"""Bulk paths of the `prodtui` command: imports, exports and backup, timed one by one.

    .venv/bin/python benchmarks/bulk.py                 # every case, a few minutes
    .venv/bin/python benchmarks/bulk.py --only csv-10k csv-100k

Inputs are generated here (CSVs of 10,000 and 100,000 stories, a JUnit report of 50,000
tests) into benchmarks/out/bulk/; the large workspace is benchmarks/out/large.db, made
by `prodtui demo --size large --out` when missing, and ten times it (for
`export-json-x10` and `backup-x10`) benchmarks/out/large-x10.db, made with `--scale 10`
when missing. Each case runs the installed `prodtui`
command in a fresh child process, on a copy of the workspace it writes into; its peak
memory is the child's maximum resident set size (`RUSAGE_CHILDREN` read before and after,
each case in its own grandchild so the figure is its own). Prints a Markdown table.

Stdlib only (prodtui is run as a command).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

BENCH_DIR = Path(__file__).resolve().parent
OUT = BENCH_DIR / "out"
WORK = OUT / "bulk"
LARGE_DB = OUT / "large.db"
LARGE_X10 = OUT / "large-x10.db"
PRODTUI = Path(sys.executable).parent / "prodtui"


@dataclass
class Case:
    name: str
    rows: int
    prepare: Callable[[], list[str]]
    """Makes the inputs and returns the command's arguments."""


def stories_csv(count: int) -> Path:
    path = WORK / f"stories-{count}.csv"
    if path.exists():
        return path
    epics = [f"Épopée {n}" for n in range(40)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "persona", "want", "so_that", "status", "points", "epic"])
        for n in range(count):
            writer.writerow(
                [
                    f"Déposer la pièce justificative numéro {n}",
                    "usager",
                    f"joindre le document {n} à mon dossier",
                    "que l'instructeur le trouve sans me relancer",
                    ("idea", "refining", "ready", "done")[n % 4],
                    (1, 2, 3, 5, 8)[n % 5],
                    epics[n % len(epics)],
                ]
            )
    return path


def junit_report(count: int) -> Path:
    path = WORK / f"junit-{count}.xml"
    if path.exists():
        return path
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        handle.write(f'<testsuite name="bulk" tests="{count}">\n')
        for n in range(count):
            name = escape(f"test_demarche_{n:06d}")
            handle.write(f'<testcase classname="suite.module{n % 200}" name="{name}" time="0.01"')
            if n % 50 == 0:
                handle.write('><failure message="attendu 200, obtenu 500">trace</failure>')
                handle.write("</testcase>\n")
            else:
                handle.write("/>\n")
        handle.write("</testsuite>\n</testsuites>\n")
    return path


def fresh(name: str, source: Path | None = None) -> Path:
    """A workspace file for one case: a copy of `source`, or a new empty workspace."""
    path = WORK / f"{name}.db"
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    if source is not None:
        shutil.copyfile(source, path)
    return path


def gone(path: Path) -> Path:
    path.unlink(missing_ok=True)
    return path


def large() -> Path:
    if not LARGE_DB.exists():
        run([str(PRODTUI), "demo", "--size", "large", "--out", str(LARGE_DB)])
    return LARGE_DB


def large_x10() -> Path:
    """Ten times the large workspace, as `run.py --scale 10` makes it (2.5 min, 1.8 GB)."""
    if not LARGE_X10.exists():
        run([str(PRODTUI), "demo", "--size", "large", "--scale", "10", "--out", str(LARGE_X10)])
    return LARGE_X10


def large_campaign(db: Path) -> str:
    import sqlite3

    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT name FROM campaigns WHERE state = 'in_progress' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(row[0])


def cases() -> list[Case]:
    def csv_case(count: int) -> Callable[[], list[str]]:
        def prepare() -> list[str]:
            source = stories_csv(count)
            return ["import", "stories", str(source), "--db", str(fresh(f"csv-{count}"))]

        return prepare

    def junit() -> list[str]:
        db = fresh("junit", large())
        report = junit_report(50_000)
        campaign = large_campaign(db)
        return ["import", "junit", str(report), "--campaign", campaign, "--db", str(db)]

    def export_json() -> list[str]:
        out = gone(WORK / "large.json")
        return ["export", "json", "--out", str(out), "--db", str(large())]

    def export_json_x10() -> list[str]:
        # Its peak against export-json's: streamed, it must not grow with the workspace.
        out = gone(WORK / "large-x10.json")
        return ["export", "json", "--out", str(out), "--db", str(large_x10())]

    def import_json() -> list[str]:
        dump = WORK / "large.json"
        if not dump.exists():
            run([str(PRODTUI), *export_json()])
        return ["import", "json", str(dump), "--db", str(gone(WORK / "restored.db"))]

    def backup() -> list[str]:
        db = fresh("backup-source", large())
        app_open(db)
        return ["backup", "--out", str(gone(WORK / "backup.db")), "--db", str(db)]

    def backup_x10() -> list[str]:
        db = fresh("backup-source-x10", large_x10())
        app_open(db)
        return ["backup", "--out", str(gone(WORK / "backup-x10.db")), "--db", str(db)]

    return [
        Case("csv-10k", 10_000, csv_case(10_000)),
        Case("csv-100k", 100_000, csv_case(100_000)),
        Case("junit-50k", 50_000, junit),
        Case("export-json", 0, export_json),
        Case("import-json", 0, import_json),
        Case("backup", 0, backup),
        Case("export-json-x10", 0, export_json_x10),
        Case("backup-x10", 0, backup_x10),
    ]


TMUX_SESSION = "prodtui-bulk-bench"


def app_open(db: Path) -> None:
    """The app running on `db` in a private tmux server while the case runs (the backup
    is made with the app open), given a few seconds to open the workspace."""
    if shutil.which("tmux") is None:
        return
    command = f"{PRODTUI} --db {db}"
    tmux = ["tmux", "-L", TMUX_SESSION]
    subprocess.run([*tmux, "kill-server"], stderr=subprocess.DEVNULL, check=False)
    subprocess.run([*tmux, "new", "-d", "-s", "app", "-x", "120", "-y", "40", command], check=True)
    time.sleep(5)


def app_closed() -> None:
    if shutil.which("tmux") is not None:
        subprocess.run(
            ["tmux", "-L", TMUX_SESSION, "kill-server"], stderr=subprocess.DEVNULL, check=False
        )


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def measure(command: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `command`, in a child of its own so that the peak
    is this command's alone."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: runs the command, reports its own children's peak
        os.close(read)
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        message = f"{done.returncode} {seconds} {peak}\n".encode() + done.stderr[-2000:]
        os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    first, _, stderr = answer.partition(b"\n")
    code, seconds, peak = first.split()
    if code != b"0":
        raise SystemExit(f"{' '.join(command)} failed ({code.decode()}):\n{stderr.decode()}")
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", metavar="CASE", help="the cases to run")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    chosen = [c for c in cases() if not args.only or c.name in args.only]
    print("| case | rows | seconds | rows/s | peak RSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for case in chosen:
        command = [str(PRODTUI), *case.prepare()]
        try:
            seconds, peak = measure(command)
        finally:
            app_closed()
        rate = f"{case.rows / seconds:,.0f}" if case.rows else "–"
        rows = f"{case.rows:,}" if case.rows else "–"
        print(f"| {case.name} | {rows} | {seconds:.1f} | {rate} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
