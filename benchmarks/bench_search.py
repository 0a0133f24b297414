"""Search: query latency of ``build/search.sqlite`` at N standards (1, 100, 1000).

The index of N standards is built from the documents of the real build, copied N times
the way bench_scale.py copies the graph: copy #1 as built, copy k ≥ 2 with the occupation
code 4-09-07-04 → 9-99-99-kkk in every IRI and code and competencies moved under
``…/id/competency/9-99-99-kkk/``; labels stay, so a term matches N times as many nodes.
The index is written to a file with the build's own code (``write_index``) and searched
with ``skillgraph.search.search`` as the CLI and the server call it (a read-only
connection opened per query).  Each query of ``QUERIES`` runs ``runs`` times after one
warm-up; reported per size: the median and the slowest of all runs, and per query its
median and hit count.

    python benchmarks/bench_search.py [--sizes 1,100,1000] [--runs 15] [--build DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, machine, median, run_measured, say, summary_ms, write_result

TARGET_MEDIAN_MS = 20
CODE = "4-09-07-04"
COMPETENCY = "/id/competency/"
# (name, text, filters): what people type — two-character terms, longer ones, one
# character, English, a code, filtered searches and a miss
QUERIES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("配额", "配额", {}),
    ("核查", "核查", {}),
    ("监测", "监测", {}),
    ("碳排放核算员", "碳排放核算员", {}),
    ("统计核算数据", "统计核算数据", {}),
    ("核算 数据", "核算 数据", {}),
    ("碳", "碳", {}),
    ("emission", "emission", {}),
    ("verification report", "verification report", {}),
    ("2.1.1", "2.1.1", {}),
    ("核查 level=3", "核查", {"level": "3"}),
    ("核算 trade", "核算", {"trade": "碳排放核算员"}),
    ("配额 occupation", "配额", {"occupation": CODE}),
    ("miss", "航天器", {}),
)


def copy_code(k: int) -> str:
    return f"9-99-99-{k:03d}"


def _rewrite(text: str | None, code: str) -> str | None:
    if text is None:
        return None
    return text.replace(CODE, code).replace(COMPETENCY, COMPETENCY + code + "/")


def copies(docs: list[Any], n: int) -> Iterator[Any]:
    """Every document N times, in the index's static order (each document's copies
    together: the order ``docs`` would give the N-standard graph)."""
    for d in docs:
        yield d
        for k in range(2, n + 1):
            code = copy_code(k)
            yield replace(d, iri=_rewrite(d.iri, code), notation=d.notation.replace(CODE, code),
                          occupation=_rewrite(d.occupation, code), trade=_rewrite(d.trade, code),
                          tradelevel=_rewrite(d.tradelevel, code))


def build_index(build_dir: Path, n: int, path: Path) -> dict[str, Any]:
    from rdflib import Graph

    from skillgraph.search.index import docs, facet_labels, write_index

    graph = Graph().parse(build_dir / "graph.nt", format="nt")
    base = list(docs(graph))
    occs, trades = facet_labels(graph)
    occs_n = occs + [(_rewrite(o[0], copy_code(k)), copy_code(k), o[2], o[3])
                     for k in range(2, n + 1) for o in occs]
    trades_n = trades + [(_rewrite(t[0], copy_code(k)), _rewrite(t[1], copy_code(k)), t[2], t[3])
                         for k in range(2, n + 1) for t in trades]
    t = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    count = write_index(conn, copies(base, n), occs_n, trades_n)
    conn.close()
    return {"documents": count, "build_s": round(time.perf_counter() - t, 2),
            "index_mb": round(path.stat().st_size / 2**20, 1)}


def time_queries(path: Path, runs: int, reuse: bool) -> dict[str, Any]:
    """``reuse``: one open connection, as the server keeps per thread; else a connection
    opened per query, as ``skillgraph search`` does."""
    from skillgraph.search import search
    from skillgraph.search.query import open_index

    conn = open_index(path) if reuse else None
    per_query: dict[str, Any] = {}
    samples: list[float] = []
    for name, text, filters in QUERIES:
        result = search(conn or path, text, **filters)  # warm-up
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            search(conn or path, text, **filters)
            times.append(time.perf_counter() - t)
        samples += times
        per_query[name] = {**summary_ms(times), "hits": result.total,
                           "hits_exact": result.total_exact, "ranked": result.ranked}
        say(f"    {name:24} median {per_query[name]['median_ms']:8.2f} ms  "
            f"max {per_query[name]['max_ms']:8.2f} ms  hits {result.total}"
            f"{'' if result.total_exact else '+'}")
    if conn is not None:
        conn.close()
    medians = {k: v["median_ms"] for k, v in per_query.items()}
    slowest = max(medians, key=medians.__getitem__)
    return {
        "median_ms": round(median(s * 1000 for s in samples), 3),
        "slowest_query": slowest,
        "slowest_median_ms": medians[slowest],
        "slowest_run_ms": round(max(samples) * 1000, 3),
        "all_runs": summary_ms(samples),
        "queries": per_query,
    }


def measure(build_dir: Path, work: Path, sizes: list[int], runs: int) -> dict[str, Any]:
    results = []
    for n in sizes:
        path = work / f"search-{n}.sqlite"
        say(f"  x{n}: writing the index")
        built = build_index(build_dir, n, path)
        say(f"  x{n}: {built['documents']:,} documents, {built['index_mb']} MB in "
            f"{built['build_s']} s")
        say(f"  x{n}: server (one connection)")
        server = time_queries(path, runs, reuse=True)
        say(f"  x{n}: CLI (a connection per query)")
        cli = time_queries(path, runs, reuse=False)
        path.unlink()
        results.append({"size": n, **built, "server": server, "cli": cli,
                        "target_met": server["median_ms"] <= TARGET_MEDIAN_MS})
    return {"what": "search.sqlite of N synthetic copies of the built standard",
            "target_median_ms": TARGET_MEDIAN_MS, "runs_per_query": runs, "sizes": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,100,1000")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--build", type=Path, default=None, help="a build directory [a fresh build]")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    started = machine()
    with tempfile.TemporaryDirectory(prefix="sg-bench-search-") as tmp:
        work = Path(tmp)
        build_dir = args.build
        if build_dir is None:
            build_dir = work / "build"
            run_measured([sys.executable, "-m", "skillgraph.cli", "build", "--out",
                          str(build_dir)], timeout=600)
        payload = measure(build_dir, work, sizes, args.runs)
    write_result(args.out, "search", payload, started, sys.argv[1:] if argv is None else argv)
    return 0 if all(s["target_met"] for s in payload["sizes"]) else 1


if __name__ == "__main__":
    sys.exit(main())
