"""Scale on an existing engine: the synthetic corpora of bench_scale.py in Virtuoso.

For each size N: the corpus of ``bench_scale.write_corpus`` (N copies of the built dump,
copy k's IRIs rewritten), written as several N-Triples files of ``COPIES_PER_FILE`` copies
(Virtuoso's bulk loader reads one file per loader thread), plus ontology.ttl.  A private
Virtuoso (the packaged ini, files in a temp dir, loopback only; ``VIRTUOSO_INI`` below says
what is changed and why) loads them with its documented bulk loader: ``ld_dir`` per file,
up to ``LOADERS`` ``rdf_loader_run()`` in parallel isql sessions, then ``checkpoint``.  Recorded:
load time (loaders, checkpoint, total), triples, database size on disk, the server's
resident memory when started (empty; most of it is the buffer cache it sets up), after the
load and after the queries (VmRSS, VmHWM of virtuoso-t).

Then every catalog query of the scale part (``bench_scale.scale_texts``: the same bound
text, anchored parameters pointing into copy #1, and the whole-graph ones) over SPARQL on
one keep-alive HTTP connection: a run is POST + the whole Results JSON read and parsed
(what a client pays, unlike the in-process figures of scale.json).  3 warm-ups (fewer when
slow), then up to ``runs`` runs within ``budget_s`` per query; median and slowest.

Every answer's row count is checked against the embedded store's on the same corpus file
(an in-memory pyoxigraph store in a process of its own, run before Virtuoso starts so the
two never hold memory at once; each query in a fork stopped after
``EMBEDDED_QUERY_TIMEOUT_S``, its count then unknown).  When this machine has not the memory
for that store (about 350 B per triple, ``EMBEDDED_BYTES_PER_TRIPLE``), the check says so.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench_scale import WHOLE_GRAPH, copies, copy_text, scale_texts, shipped_codes
from common import Timer, run_child, say, summary_ms

COPIES_PER_FILE = 50
# Parallel rdf_loader_run() (this machine type has 2 cores), at most one per corpus file: with
# one corpus file a second loader would only race the first for the ontology, and the order
# in which the two files are loaded then varies between loads.  Seen on Virtuoso 7.2 with two
# loaders on the one-standard corpus: `exam-blueprint` answered 10 rows instead of 8 after
# some loads of the same two files (3 of 7), so its answer depends on the load, not only on
# the triples; the row check below is what catches that.
LOADERS = 2
EMBEDDED_QUERY_TIMEOUT_S = 300.0  # per query of the embedded row count
EMBEDDED_BYTES_PER_TRIPLE = 350  # pyoxigraph in memory, measured by the scale part (8.9 GB
# for 26 M triples); the embedded check needs 1.3 x that available
# The packaged virtuoso.ini (tests/engines.py, stock_virtuoso_ini) with these changes:
VIRTUOSO_INI = {
    # the packaged ini's own line "if 8 GB system memory free": 680,000 8-KB pages of buffer
    # cache (~5.3 GB at most), 500,000 of them dirty before a flush; the packaged default
    # (10,000 pages, 80 MB) would keep only a sliver of a 20 M-triple store in memory.  On
    # this 24 GB machine that leaves room for an in-memory pyoxigraph store of the same
    # size beside it.
    "Parameters": {"NumberOfBuffers": "680000", "MaxDirtyBuffers": "500000"},
    "SPARQL": {
        # whole-graph answers grow with N (search: 460 rows per standard); the packaged
        # 10,000-row cap would cut them
        "ResultSetMaxRows": "2000000",
        # the packaged 400 s cost *estimate* can refuse a catalog query before running it
        # (docs/architecture.md, "Engine facts"): off, the time limit below bounds them
        "MaxQueryCostEstimationTime": "0",
        # a query still running after this is cut by the server (a partial "anytime"
        # answer flagged by the X-SQL-State header, or error SR171), reported as stopped
        "MaxQueryExecutionTime": "120",
    },
}


def ini_changes() -> str:
    """VIRTUOSO_INI as one line, for the results file and its table."""
    return "; ".join(f"[{section}] " + ", ".join(f"{k} = {v}" for k, v in keys.items())
                     for section, keys in VIRTUOSO_INI.items())


def write_corpus_files(build_dir: Path, n: int, directory: Path,
                       per_file: int = COPIES_PER_FILE) -> dict[str, Any]:
    """``bench_scale.write_corpus``'s copies for N standards, ``per_file`` copies to a file
    (``corpus-0001.nt`` …; their concatenation is write_corpus's file byte for byte)."""
    text = (build_dir / "graph.nt").read_bytes()
    codes, count = shipped_codes(build_dir), copies(build_dir, n)
    directory.mkdir(parents=True, exist_ok=True)
    t = Timer()
    files = []
    for first in range(1, count + 1, per_file):
        path = directory / f"corpus-{len(files) + 1:04d}.nt"
        with path.open("wb") as out:
            for k in range(first, min(count, first + per_file - 1) + 1):
                out.write(copy_text(text, k, codes))
        files.append(path)
    mb = sum(f.stat().st_size for f in files) / 2**20
    return {"seconds": round(t.wall, 2), "mb": round(mb, 1), "files": [str(f) for f in files]}


# --------------------------------------------------------------------------- Virtuoso side


def bulk_load(v: Any, files: list[Path], graph: str, loaders: int) -> dict[str, Any]:
    """``ld_dir`` every file into ``graph``, ``loaders`` parallel ``rdf_loader_run()``,
    ``checkpoint``; then ``graph`` becomes the endpoint's default graph (as
    tests/engines.py's load_virtuoso does).  Seconds per step; EngineError on any file
    the loader could not read."""
    from engines import EngineError

    t0 = time.perf_counter()
    v.isql("\n".join(f"ld_dir('{f.parent.resolve()}', '{f.name}', '{graph}');"
                     for f in files))
    t1 = time.perf_counter()
    errors: list[BaseException] = []

    def loader() -> None:
        try:
            v.isql("rdf_loader_run();", timeout=7200)
        except BaseException as exc:  # reported below, after every loader has finished
            errors.append(exc)

    threads = [threading.Thread(target=loader) for _ in range(max(1, loaders))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    t2 = time.perf_counter()
    v.isql("checkpoint;", timeout=3600)
    t3 = time.perf_counter()
    out = v.isql("\n".join([
        "delete from DB.DBA.SYS_SPARQL_HOST where SH_HOST = '*';",
        f"insert into DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) values ('*', '{graph}');",
        "select 'LOADERR', ll_file, ll_error from DB.DBA.load_list "
        "where ll_state <> 2 or ll_error is not null;",
    ]))
    if "LOADERR" in out.replace("'LOADERR'", ""):
        raise EngineError(f"virtuoso could not load every file:\n{out}")
    return {"ld_dir_s": round(t1 - t0, 2), "loaders_s": round(t2 - t1, 2),
            "checkpoint_s": round(t3 - t2, 2), "wall_s": round(t3 - t0, 2),
            "loaders": max(1, loaders), "files": len(files)}


def process_memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of another process, in MB."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            out["rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"] = round(
                int(line.split()[1]) / 1024, 1)
    return out


class Stopped(RuntimeError):
    """The server cut the query at its execution limit (or the client stopped waiting)."""


class Sparql:
    """SPARQL 1.1 Protocol POSTs on one keep-alive connection (as a client pool would)."""

    def __init__(self, endpoint: str, timeout: float) -> None:
        url = urllib.parse.urlsplit(endpoint)
        self.path = url.path
        self.conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)

    def rows(self, query: str) -> int:
        """Rows of the answer; RuntimeError on an HTTP error or a cut ("anytime") answer."""
        body = urllib.parse.urlencode({"query": query})
        self.conn.request("POST", self.path, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json"})
        r = self.conn.getresponse()
        data = r.read()
        state = r.getheader("X-SQL-State")
        if state == "S1TAT":  # Virtuoso's "anytime" answer: partial rows at the time limit
            raise Stopped(f"{r.getheader('X-SQL-Message') or 'S1TAT'}")
        if r.status == 500 and b"SR171" in data[:300]:  # "Transaction timed out": the limit
            raise Stopped(data[:120].decode(errors="replace"))
        if r.status != 200 or state:
            raise RuntimeError(f"HTTP {r.status} {state or ''} "
                               f"{r.getheader('X-SQL-Message') or data[:300]!r}".strip())
        return len(json.loads(data)["results"]["bindings"])

    def close(self) -> None:
        self.conn.close()


def time_query(client: Sparql, text: str, runs: int, budget_s: float) -> dict[str, Any]:
    """3 warm-ups (fewer once past a quarter of the budget), then up to ``runs`` runs
    within ``budget_s`` (at least 3)."""
    start = time.perf_counter()
    seen = set()
    for _ in range(3):
        seen.add(rows := client.rows(text))
        if time.perf_counter() - start > budget_s / 4:
            break
    wall = []
    start = time.perf_counter()
    while len(wall) < runs and (len(wall) < 3 or time.perf_counter() - start < budget_s):
        t = time.perf_counter()
        seen.add(rows := client.rows(text))
        wall.append(time.perf_counter() - t)
    out = {**summary_ms(wall), "rows": rows}
    if len(seen) > 1:  # the same query, the same store: a row count that varies is a finding
        out["rows_varied"] = sorted(seen)
    return out


def measure_size(n: int, build_dir: Path, work: Path, texts: dict[str, str], runs: int,
                 budget_s: float, expected: dict[str, Any]) -> dict[str, Any]:
    """Start Virtuoso, bulk-load the corpus files of size ``n``, run the catalog, stop."""
    import engines

    corpus_dir = work / f"virtuoso-corpus-{n}"
    files = sorted(corpus_dir.glob("corpus-*.nt"))
    onto = corpus_dir / "ontology.ttl"
    shutil.copyfile(build_dir / "ontology.ttl", onto)
    home = work / f"virtuoso-{n}"
    v = engines.start_virtuoso(home, dirs_allowed=[corpus_dir], overrides=VIRTUOSO_INI)
    try:
        at_start = process_memory_mb(v.proc.pid)
        load = bulk_load(v, [*files, onto], engines.VIRTUOSO_GRAPH, min(LOADERS, len(files)))
        t = Timer()
        triples = int(engines.sparql_json(v.endpoint, "SELECT (COUNT(*) AS ?n) WHERE "
                                          "{ ?s ?p ?o }", timeout=600)
                      ["results"]["bindings"][0]["n"]["value"])
        count_s = t.wall
        after_load = process_memory_mb(v.proc.pid)
        db = home / "virtuoso.db"
        say(f"  x{n}: Virtuoso loaded {triples:,} triples in {load['wall_s']:.1f} s "
            f"(checkpoint {load['checkpoint_s']:.1f} s); DB {db.stat().st_size / 2**20:.0f} MB;"
            f" RSS {after_load['rss_mb']:.0f} MB")
        queries = {}
        limit_s = float(VIRTUOSO_INI["SPARQL"]["MaxQueryExecutionTime"])
        for name, text in texts.items():
            client = Sparql(v.endpoint, timeout=limit_s + 60)
            try:
                r: dict[str, Any] = time_query(client, text, runs, budget_s)
            except (Stopped, TimeoutError) as exc:  # socket.timeout is TimeoutError
                r = {"timeout_s": limit_s, "stopped": f"{type(exc).__name__}: {exc}"[:300]}
            except (RuntimeError, OSError, ValueError, KeyError) as exc:
                r = {"error": f"{type(exc).__name__}: {exc}"[:500]}
            finally:
                client.close()
            r["kind"] = "whole-graph" if name in WHOLE_GRAPH else "anchored"
            want = expected.get("rows", {}).get(name)
            r["expected_rows"] = want
            # None: not compared (no embedded count, or no answer: stopped, error)
            r["rows_match"] = ((r["rows"] == want and "rows_varied" not in r)
                               if want is not None and "rows" in r else None)
            queries[name] = r
            if "median_ms" in r:
                flag = "" if r["rows_match"] is not False else f"  ROWS != embedded {want}"
                say(f"  x{n}: {name:26} median {r['median_ms']:9.2f} ms  max "
                    f"{r['max_ms']:9.2f} ms  runs {r['runs']}  rows {r['rows']}{flag}")
            else:
                say(f"  x{n}: {name:26} {r.get('stopped') or r.get('error')}")
        memory = process_memory_mb(v.proc.pid)
    finally:
        v.stop()
    checked = [q["rows_match"] for q in queries.values() if q["rows_match"] is not None]
    out = {
        "size": n,
        "triples": triples,
        "count_s": round(count_s, 2),
        "load": load,
        "db_mb": round(db.stat().st_size / 2**20, 1),
        "db_dir_mb": round(sum(f.stat().st_size for f in home.iterdir() if f.is_file())
                           / 2**20, 1),
        "rss_after_start_mb": at_start["rss_mb"],
        "rss_after_load_mb": after_load["rss_mb"],
        "rss_after_queries_mb": memory["rss_mb"],
        "peak_rss_mb": memory["peak_rss_mb"],
        "expected": {k: val for k, val in expected.items() if k != "rows"},
        "rows_checked": len(checked),
        "rows_all_match": bool(checked) and all(checked),  # of the queries answered
        "not_answered": sorted(k for k, q in queries.items() if "rows" not in q),
        "queries": queries,
    }
    shutil.rmtree(home, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- embedded side


def memory_available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def embedded_rows_child(corpus_dir: Path, build_dir: Path, query_timeout_s: float
                        ) -> dict[str, Any]:
    """Rows of every scale-part query on the corpus in an in-memory pyoxigraph store (the
    scale part's store: corpus + ontology), each run once, in a fork stopped after
    ``query_timeout_s`` (pyoxigraph cannot cancel a query): its rows are then not known."""
    import pyoxigraph as ox
    from catalog_latency import run_once
    from common import in_fork

    from skillgraph.build import ontology_text

    t = Timer()
    store = ox.Store()
    for f in sorted(corpus_dir.glob("corpus-*.nt")):
        store.bulk_load(path=str(f), format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(input=ontology_text(), format=ox.RdfFormat.TURTLE)
    load_s = t.wall
    texts, _ = scale_texts(store)
    rows, stopped = {}, {}
    for name, text in texts.items():
        answer = in_fork(lambda text=text: {"rows": run_once(store, text)[2]},
                         query_timeout_s)
        if "rows" in answer:
            rows[name] = answer["rows"]
        else:
            stopped[name] = answer
    return {"store": "in-memory pyoxigraph Store(), same corpus files", "load_s":
            round(load_s, 1), "triples": len(store), "rows": rows, "not_counted": stopped}


def embedded_rows(n: int, corpus_dir: Path, build_dir: Path, timeout_s: float,
                  triples_per_copy: int) -> dict[str, Any]:
    need_mb = 1.3 * n * triples_per_copy * EMBEDDED_BYTES_PER_TRIPLE / 2**20
    have_mb = memory_available_mb()
    if need_mb > have_mb:
        return {"store": None, "not_checked": f"an in-memory store of {n} standards needs "
                f"~{need_mb / 1024:.1f} GB; {have_mb / 1024:.1f} GB available"}
    try:
        answer, _ = run_child([str(Path(__file__)), "--embedded", str(corpus_dir),
                               str(build_dir), str(EMBEDDED_QUERY_TIMEOUT_S)],
                              timeout=timeout_s)
    except (TimeoutError, RuntimeError) as exc:
        return {"store": None, "not_checked": f"the embedded count did not finish: {exc}"[:500]}
    return answer


# --------------------------------------------------------------------------- the part


def measure(build_dir: Path, work: Path, sizes: list[int], runs: int, budget_s: float,
            timeout_per_size_s: float) -> dict[str, Any]:
    """Every size: corpus files, embedded row counts, Virtuoso load and catalog."""
    from skillgraph.store import store_from_build

    base = store_from_build(build_dir)
    texts, skipped = scale_texts(base)  # copy #1 is the build itself: the same bound text
    per_copy = sum(1 for line in (build_dir / "graph.nt").open("rb") if line.strip())
    del base
    results: list[dict[str, Any]] = []
    for n in sizes:
        corpus_dir = work / f"virtuoso-corpus-{n}"
        t = time.perf_counter()
        try:
            gen = write_corpus_files(build_dir, n, corpus_dir)
            say(f"  x{n}: corpus {gen['mb']:.0f} MB in {len(gen['files'])} files, "
                f"{gen['seconds']:.1f} s")
            expected = embedded_rows(n, corpus_dir, build_dir, timeout_per_size_s, per_copy)
            say(f"  x{n}: embedded rows: {expected.get('store') or expected['not_checked']}")
            answer = measure_size(n, build_dir, work, texts, runs, budget_s, expected)
            answer["corpus"] = {"seconds": gen["seconds"], "mb": gen["mb"],
                                "files": len(gen["files"])}
        except Exception as exc:  # one size failing must not lose the others
            say(f"  x{n}: {type(exc).__name__}: {exc}")
            answer = {"size": n, "error": f"{type(exc).__name__}: {exc}"[:2000]}
        finally:
            shutil.rmtree(corpus_dir, ignore_errors=True)
            shutil.rmtree(work / f"virtuoso-{n}", ignore_errors=True)
        answer["wall_s"] = round(time.perf_counter() - t, 1)
        results.append(answer)
    return {
        "what": "the synthetic corpora of the scale part bulk-loaded into Virtuoso",
        "engine": f"Virtuoso, the packaged ini with {ini_changes()}",
        "virtuoso_ini_changes": VIRTUOSO_INI,
        "copies_per_file": COPIES_PER_FILE,
        "runs": runs,
        "budget_s": budget_s,
        "skipped_queries": skipped,
        "sizes": results,
    }


def missing_reason() -> str | None:
    """Why this part cannot run here (virtuoso-t or its packaged ini absent), or None."""
    import engines

    try:
        engines.virtuoso_binaries()
    except engines.EngineMissing as exc:
        return str(exc)
    return None


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--embedded":
        print(json.dumps(embedded_rows_child(Path(sys.argv[2]), Path(sys.argv[3]),
                                             float(sys.argv[4]))), flush=True)
        os._exit(0)  # skip freeing a multi-GB store
    sys.exit("run through benchmarks/run.py --only virtuoso")
