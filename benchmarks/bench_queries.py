"""Latency of every catalog query at 1×: embedded pyoxigraph vs rdflib's in-memory store.

Both engines get the same bound text (``skillgraph.params.bind`` with the realistic
parameters of ``catalog_latency.py``) and the same data: the build's graph.nt +
ontology.ttl in the default graph, and the example curriculum
(``examples/carbon-accounting-program.csv``, target 碳排放核算员/3) as its named graph for
the two ``curriculum-*`` queries (rdflib needs a ``Dataset`` for GRAPH; the other queries run
on a plain ``Graph``).  A run = parse + plan + evaluate + read every term of every row.

rdflib runs in a worker process: some queries take minutes there, and a Python thread
cannot be stopped, so a query that outlives its time limit has its worker killed (and
replaced) and is reported as a timeout.  pyoxigraph: 3 warm-up runs, then ``runs``.
rdflib: one warm-up run unless it was slow, then as many runs as fit in ``budget_s``.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import OCC, Timer, say, summary_ms

CURRICULUM_CSV = "examples/carbon-accounting-program.csv"
CURRICULUM_TARGET = "碳排放核算员/3"
EXTRA_PARAMS = {  # catalog_latency.realistic_params covers the older queries
    "eligibility": {"certificateRank": ["4"], "yearsOfWork": ["6"]},
    "pathway": {"certificateRank": ["4"], "yearsOfWork": ["6"]},
    "training-and-exams": {"tradeLevel": [f"{OCC}/trade/accounting/level/2"]},
}


def catalog_params(store: Any) -> dict[str, dict[str, list[str]]]:
    from catalog_latency import realistic_params

    return {**realistic_params(store), **EXTRA_PARAMS}


def bound_catalog(store: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(name → bound query text, name → why skipped) for every catalog query."""
    from skillgraph.catalog import catalog, load_query
    from skillgraph.params import ParamError, bind

    params = catalog_params(store)
    texts, skipped = {}, {}
    for q in catalog():
        try:
            texts[q.name] = bind(load_query(q.name), params.get(q.name, {}))
        except ParamError as exc:
            skipped[q.name] = str(exc)
    return texts, skipped


def curriculum_trig(build_dir: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "skillgraph.cli", "curriculum", CURRICULUM_CSV, "--target",
         CURRICULUM_TARGET, "--build", str(build_dir), "--rdf", str(out)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return out


def oxigraph_store(build_dir: Path, trig: Path | None) -> Any:
    import pyoxigraph as ox

    from skillgraph.store import store_from_build

    store = store_from_build(build_dir)
    if trig is not None:
        store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    return store


def time_oxigraph(store: Any, text: str, runs: int, budget_s: float = 60.0) -> dict[str, Any]:
    """3 warm-up runs, then ``runs`` (fewer if they pass ``budget_s``)."""
    from catalog_latency import run_once

    rows = 0
    start = time.perf_counter()
    for _ in range(3):
        _, _, rows = run_once(store, text)
        if time.perf_counter() - start > budget_s / 4:
            break
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < runs and (len(wall) < 3 or time.perf_counter() - start < budget_s):
        w, c, rows = run_once(store, text)
        wall.append(w / 1000)
        cpu.append(c / 1000)
    return {**summary_ms(wall), "median_cpu_ms": summary_ms(cpu)["median_ms"], "rows": rows}


# --------------------------------------------------------------------------- rdflib worker
def _rdflib_worker(conn: Any, build_dir: str, trig: str | None) -> None:
    import logging
    import warnings

    from rdflib import Dataset, Graph

    logging.getLogger("rdflib").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    graph = Graph()
    graph.parse(Path(build_dir) / "graph.nt", format="nt")
    graph.parse(Path(build_dir) / "ontology.ttl", format="turtle")
    dataset = None
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        text, runs, budget_s, needs_dataset = job
        if needs_dataset and dataset is None:
            dataset = Dataset()
            dataset.default_context.parse(Path(build_dir) / "graph.nt", format="nt")
            dataset.default_context.parse(Path(build_dir) / "ontology.ttl", format="turtle")
            if trig:
                dataset.parse(trig, format="trig")
        target = dataset if needs_dataset else graph
        try:
            samples, rows = [], 0

            def once(target: Any = target, text: str = text) -> float:
                nonlocal rows
                t = time.perf_counter()
                n = 0
                for row in target.query(text):
                    n += 1
                    for _term in row:
                        pass
                rows = n
                return time.perf_counter() - t

            first = once()
            start = time.perf_counter()
            if first > budget_s / 3:
                samples = [first]
            else:
                while len(samples) < runs and (
                    len(samples) < 3 or time.perf_counter() - start < budget_s
                ):
                    samples.append(once())
            conn.send(("ok", samples, rows))
        except Exception as exc:  # report the engine's error, keep serving
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))


class RdflibWorker:
    def __init__(self, build_dir: Path, trig: Path | None) -> None:
        self.args = (str(build_dir), str(trig) if trig else None)
        self.ctx = mp.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self.conn, child_conn = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_rdflib_worker, args=(child_conn, *self.args),
                                     daemon=True)
        self.proc.start()
        if not self.conn.poll(300) or self.conn.recv() != "ready":
            raise RuntimeError("rdflib worker did not load the graph")

    def run(self, text: str, runs: int, budget_s: float, timeout_s: float,
            dataset: bool) -> dict[str, Any]:
        self.conn.send((text, runs, budget_s, dataset))
        if not self.conn.poll(timeout_s + budget_s):
            self.proc.kill()
            self.proc.join()
            self._start()
            return {"timeout_s": timeout_s}
        answer = self.conn.recv()
        if answer[0] != "ok":
            return {"error": answer[1]}
        return {**summary_ms(answer[1]), "rows": answer[2]}

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()


def measure(build_dir: Path, work: Path, *, runs: int, rdflib_runs: int,
            rdflib_budget_s: float, rdflib_timeout_s: float) -> dict[str, Any]:
    try:
        trig: Path | None = curriculum_trig(build_dir, work / "curriculum.trig")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        say(f"  no curriculum graph ({exc}); curriculum-* queries run without one")
        trig = None
    t = Timer()
    store = oxigraph_store(build_dir, trig)
    ox_load = t.wall
    texts, skipped = bound_catalog(store)
    t = Timer()
    worker = RdflibWorker(build_dir, trig)
    rdflib_load = t.wall
    results: dict[str, Any] = {}
    try:
        for name, text in texts.items():
            ox_r = time_oxigraph(store, text, runs)
            rl_r = worker.run(text, rdflib_runs, rdflib_budget_s, rdflib_timeout_s,
                              dataset=name.startswith("curriculum-"))
            entry: dict[str, Any] = {"pyoxigraph": ox_r, "rdflib": rl_r}
            if "median_ms" in rl_r:
                entry["rdflib_over_pyoxigraph"] = round(
                    rl_r["median_ms"] / max(ox_r["median_ms"], 1e-3), 1)
                entry["same_rows"] = rl_r["rows"] == ox_r["rows"]
            results[name] = entry
            rl_text = (f"{rl_r['median_ms']:9.1f} ms" if "median_ms" in rl_r
                       else f"timeout > {rl_r['timeout_s']:.0f} s" if "timeout_s" in rl_r
                       else "error")
            say(f"  {name:22} pyoxigraph {ox_r['median_ms']:8.2f} ms (p95 "
                f"{ox_r['p95_ms']:7.2f})  rdflib {rl_text}  rows {ox_r['rows']}")
    finally:
        worker.close()
    return {
        "what": "catalog query latency at 1x (one standard), same bound text on both engines",
        "triples": len(store),
        "load_s": {"pyoxigraph": round(ox_load, 3), "rdflib": round(rdflib_load, 3)},
        "runs": {"pyoxigraph": runs, "rdflib_max": rdflib_runs,
                 "rdflib_budget_s": rdflib_budget_s, "rdflib_timeout_s": rdflib_timeout_s},
        "curriculum_graph": CURRICULUM_CSV if trig else None,
        "skipped": skipped,
        "queries": results,
    }
