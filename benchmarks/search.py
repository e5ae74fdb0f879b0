#!/usr/bin/env python3
"""Global search on the large workspace (the target: under 50 ms at the 95th percentile).

Runs about 200 queries of the kinds people type (single words as written and without
accents, the first letters of a word, two words, rare and common words) through
`SearchRepository.search`, on a copy of `benchmarks/out/large.db` (made, or made again
when its schema is older than the migrations, as `run.py` does). Prints p50 / p95 / max
overall and by kind of query, the size of the index, and writes `out/search.json`.

`--scale N` runs on N times the large workspace (`out/large-xN.db`, made as `run.py
--scale N` makes it) and writes `out/search-xN.json`. `--db PATH` uses another workspace
instead (generated there first with `prodtui demo --size large` when missing): for a
schema changed within a migration, which `run.py` cannot tell from the version, without
replacing the shared `large.db`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # run.py sits beside this file, it is not a package
from run import (
    OUT,
    _companions,
    ensure_large_workspace,
    find_prodtui,
    fresh_copy,
)

from prodtui.store import open_workspace

TARGET_P95_MS = 50.0
WORD = re.compile(r"[^\W\d_]{4,}")
# How many queries of each kind (200 in all).
PLAN = {
    "word": 50,
    "word without accents": 30,
    "prefix (3-6 letters)": 40,
    "two words": 40,
    "rare word": 20,
    "common word": 20,
}


def fold(text: str) -> str:
    """The text without its accents, as typed on a keyboard without them."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def sample_texts(conn: Any, rng: random.Random, count: int) -> list[str]:
    """Texts people wrote, from every kind the index holds."""
    sources = [
        "SELECT title || ' ' || want FROM stories",
        "SELECT text FROM items",
        "SELECT yesterday || ' ' || today FROM standup_entries",
        "SELECT comment FROM executions WHERE comment <> ''",
        "SELECT title || ' ' || description FROM measures",
        "SELECT title FROM risks",
    ]
    texts: list[str] = []
    for sql in sources:
        rows = [r[0] for r in conn.execute(sql) if r[0]]
        texts += rng.sample(rows, min(len(rows), count))
    return texts


def build_queries(conn: Any, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts = sample_texts(conn, rng, 200)
    words = [w for text in texts for w in WORD.findall(text)]
    accented = [w for w in words if fold(w) != w]
    pairs = [ws for text in texts if len(ws := WORD.findall(text)) >= 2]
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab"
        " USING fts5vocab(main, search_index, row)"
    )
    vocab = conn.execute(
        "SELECT term, doc FROM temp.search_vocab WHERE length(term) >= 3 AND term GLOB '[a-z]*'"
    ).fetchall()
    vocab.sort(key=lambda row: row[1])
    rare = [term for term, doc in vocab if doc <= 5]
    common = [term for term, _ in vocab[-60:]]
    queries: list[tuple[str, str]] = []
    for _ in range(PLAN["word"]):
        queries.append(("word", rng.choice(words) + " "))
    for _ in range(PLAN["word without accents"]):
        queries.append(("word without accents", fold(rng.choice(accented or words)).upper()))
    for _ in range(PLAN["prefix (3-6 letters)"]):
        word = rng.choice(words)
        queries.append(("prefix (3-6 letters)", word[: rng.randint(3, min(6, len(word)))]))
    for _ in range(PLAN["two words"]):
        pair = rng.choice(pairs)
        first = rng.randrange(len(pair) - 1)
        queries.append(("two words", f"{pair[first]} {pair[first + 1]}"))
    for _ in range(PLAN["rare word"]):
        queries.append(("rare word", rng.choice(rare)))
    for _ in range(PLAN["common word"]):
        queries.append(("common word", rng.choice(common) + " "))
    rng.shuffle(queries)
    return queries


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "max_ms": round(max(values), 2),
    }


def index_size(conn: Any) -> dict[str, float]:
    # The index and the text it keeps for snippets (search_text, migration 5).
    rows = conn.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%' OR name LIKE 'search_text%'"
    ).fetchone()
    total = conn.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
    return {
        "index_mb": round((rows[0] or 0) / 2**20, 1),
        "file_mb": round(total.fetchone()[0] / 2**20, 1),
        "indexed_rows": conn.execute("SELECT count(*) FROM search_index").fetchone()[0],
    }


def workspace_at(path: Path) -> dict[str, Any]:
    """The workspace at `path`, generated there first when missing."""
    info: dict[str, Any] = {"path": str(path)}
    if not path.exists():
        print(f"generating {path} …", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [str(find_prodtui(None)), "demo", "--size", "large", "--out", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        info["generation_s"] = round(time.perf_counter() - start, 2)
    info["size_mb"] = round(path.stat().st_size / 2**20, 1)
    return info


def copy_workspace(source: Path, target: Path) -> None:
    """A copy of `source` as one file, whatever its -wal holds (SQLite's backup)."""
    for stale in _companions(target):
        stale.unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7, help="seed of the query sample")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the queries")
    parser.add_argument("--out", type=Path, default=None, help="default out/search.json")
    parser.add_argument("--db", type=Path, help="workspace to use instead of out/large.db")
    parser.add_argument("--scale", type=float, default=1.0, help="as run.py's --scale")
    args = parser.parse_args(argv)
    run.use_scale(args.scale)
    if args.out is None:
        args.out = OUT / ("search.json" if args.scale == 1 else f"search-x{args.scale:g}.json")

    if args.db is None:
        workspace_info = ensure_large_workspace(find_prodtui(None))
        copy = fresh_copy("search.db")
    else:
        workspace_info = workspace_at(args.db.resolve())
        copy = args.db.resolve().with_suffix(".search.db")
        copy_workspace(args.db.resolve(), copy)
    try:
        ws = open_workspace(copy, read_only=True)
        try:
            queries = build_queries(ws.conn, args.seed)
            start = time.perf_counter()
            ws.search.search(queries[0][1])
            cold_ms = (time.perf_counter() - start) * 1000
            for _, query in queries[:20]:  # warm the page cache, as a session would be
                ws.search.search(query)
            times: dict[str, list[float]] = {kind: [] for kind in PLAN}
            hits: dict[str, list[int]] = {kind: [] for kind in PLAN}
            for _ in range(args.rounds):
                for kind, query in queries:
                    start = time.perf_counter()
                    found = ws.search.search(query)
                    times[kind].append((time.perf_counter() - start) * 1000)
                    hits[kind].append(len(found))
            size = index_size(ws.conn)
        finally:
            ws.close()
    finally:
        for stale in _companions(copy):
            stale.unlink(missing_ok=True)

    every = [t for values in times.values() for t in values]
    overall = summary(every)
    report = {
        "workspace": {k: workspace_info.get(k) for k in ("generation_s", "size_mb", "path")},
        "queries": len(queries),
        "rounds": args.rounds,
        "cold_first_query_ms": round(cold_ms, 1),
        "overall": overall,
        "by_kind": {
            kind: summary(values) | {"mean_hits": round(statistics.mean(hits[kind]), 1)}
            for kind, values in times.items()
        },
        "index": size,
        "examples": [query for _, query in queries[:12]],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")

    name = Path(str(workspace_info["path"])).name
    print(f"{name}: generated in {workspace_info.get('generation_s')} s, "
          f"{size['file_mb']} MB, search index {size['index_mb']} MB "
          f"({size['indexed_rows']:,} rows)")  # fmt: skip
    print(f"{len(queries)} queries × {args.rounds} rounds; first query, cold: {cold_ms:.1f} ms")
    print()
    print("| queries | n | p50 (ms) | p95 (ms) | max (ms) | hits (mean) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, row in report["by_kind"].items():
        print(f"| {kind} | {row['n']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']}"
              f" | {row['mean_hits']} |")  # fmt: skip
    print(f"| **all** | {overall['n']} | {overall['p50_ms']} | **{overall['p95_ms']}** |"
          f" {overall['max_ms']} | |")  # fmt: skip
    met = overall["p95_ms"] < TARGET_P95_MS
    print()
    print(f"p95 {overall['p95_ms']} ms: target < {TARGET_P95_MS:g} ms {'met' if met else 'MISSED'}")
    print(f"results: {args.out}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
