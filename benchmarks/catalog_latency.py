"""Latency of every catalog query on the embedded store (pyoxigraph), with realistic params.

Run (after ``skillgraph build --out DIR``)::

    python benchmarks/catalog_latency.py --build DIR [--runs 50] [--scale 1 20]
        [--out benchmarks/results/catalog-latency.json]

Each query is bound with the parameters a user would pass (the largest trade-level, a
holder of 核算员四级 asking what 三级 adds, …), run a few times to warm up, then ``--runs``
times; a run is parse + plan + evaluate + reading every term of every solution, i.e. what
a caller pays.  Each ``--scale N`` loads N copies of the graph under distinct IRI bases
(the parameters point into copy 0): a query anchored on its VALUES-bound parameters should
not grow with the store (docs/architecture.md, "Engine facts"), while ``search``,
``findings`` and ``overview-counts`` scan the whole graph by design.

Writes machine (with its load average), date, versions and, per scale and query,
median_ms, p95_ms (wall clock), median_cpu_ms (this process's CPU time, steadier when
other work shares the machine), runs and rows, as JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

from skillgraph.catalog import catalog, load_query
from skillgraph.params import bind
from skillgraph.store import GRAPH_FILE, store_from_build

OCC = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"
DATA_BASE = "https://w3id.org/skillgraph/id/"


def tl(trade: str | None, rank: int) -> str:
    return f"{OCC}/level/{rank}" if trade is None else f"{OCC}/trade/{trade}/level/{rank}"


def realistic_params(store: ox.Store) -> dict[str, dict[str, list[str]]]:
    """Per query, the parameters of a realistic call (gap: a 四级 holder's 89 requirements)."""
    held = [
        s["r"].value
        for s in store.query(f"SELECT ?r WHERE {{ <{tl('accounting', 4)}> "
                             "<https://w3id.org/skillgraph/ontology#requires> ?r }")
    ]
    return {
        "requirements": {"tradeLevel": [tl("civil-aviation", 1)]},
        "progression": {"from": [tl("accounting", 4)], "to": [tl("accounting", 1)]},
        "ladder": {"trade": [f"{OCC}/trade/accounting"]},
        "gap": {"target": [tl("accounting", 1)], "held": held},
        "shared-competencies": {"a": [tl("monitoring", 2)], "b": [tl("accounting", 2)]},
        "unique-competencies": {"a": [tl("monitoring", 2)], "b": [tl("accounting", 2)]},
        "competency-usage": {},
        "exam-blueprint": {"tradeLevel": [tl("accounting", 3)]},
        "search": {"keyword": ["核算"]},
        "findings": {},
        "overview-counts": {},
    }


def scaled_store(build_dir: Path, scale: int) -> ox.Store:
    """The build's store plus scale-1 copies of its data graph under other IRI bases."""
    store = store_from_build(build_dir)
    text = (build_dir / GRAPH_FILE).read_text(encoding="utf-8")
    for i in range(1, scale):
        copy = text.replace(DATA_BASE, f"{DATA_BASE}copy{i}/")
        store.bulk_load(input=copy.encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


def run_once(store: ox.Store, query: str) -> tuple[float, float, int]:
    """(wall ms, CPU ms of this process, rows); CPU time is steadier on a shared machine."""
    start, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for solution in store.query(query):
        rows += 1
        for _term in solution:  # read every term, as a caller does
            pass
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, rows


def measure(store: ox.Store, query: str, runs: int) -> dict[str, float | int]:
    for _ in range(3):
        *_, rows = run_once(store, query)
    samples = [run_once(store, query) for _ in range(runs)]
    wall = sorted(s[0] for s in samples)
    p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
    return {
        "median_ms": round(statistics.median(wall), 3),
        "p95_ms": round(p95, 3),
        "median_cpu_ms": round(statistics.median(s[1] for s in samples), 3),
        "runs": runs,
        "rows": rows,
    }


def machine() -> dict[str, object]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "cpu": cpu or platform.processor(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=Path("build"), help="build directory")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument(
        "--scale", type=int, nargs="+", default=[1], help="copies of the graph in the store"
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent / "results" / "catalog-latency.json",
    )
    args = ap.parse_args(argv)
    host = machine()  # load average before the runs; the end's is added below
    scales = {}
    for scale in args.scale:
        store = scaled_store(args.build, scale)
        params = realistic_params(store)
        results = {}
        for q in catalog():
            if q.name not in params:  # e.g. curriculum-*: needs a curriculum graph loaded
                continue
            bound = bind(load_query(q.name), params[q.name])
            results[q.name] = r = measure(store, bound, args.runs)
            print(f"x{scale:<4} {q.name:22} median {r['median_ms']:8.2f} ms"
                  f"  p95 {r['p95_ms']:8.2f} ms  cpu {r['median_cpu_ms']:8.2f} ms"
                  f"  rows {r['rows']}", file=sys.stderr)
        scales[str(scale)] = {"triples": len(store), "queries": results}
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {**host, "load_average_end": machine()["load_average"]},
        "versions": {
            "python": platform.python_version(),
            "pyoxigraph": version("pyoxigraph"),
            "skillgraph": version("skillgraph"),
        },
        "runs": args.runs,
        "not_measured": sorted({q.name for q in catalog()} - set(params)),
        "params": {k: {p: v if len(v) < 5 else [*v[:2], f"… {len(v)} values"]
                       for p, v in ps.items()} for k, ps in params.items()},
        "scales": scales,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
