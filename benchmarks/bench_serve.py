"""Serving N standards: what `skillgraph serve --store memory|hybrid|disk` holds in memory.

The scale part measures one store in one process; a server holds more: the page process
(linked-data pages, VoID, the service description) and the query workers, forked from a
zygote that loaded the store once (docs/security.md).  For each ``--serve-sizes`` corpus (the
scale part's: ``bench_scale.write_corpus``) this part makes a build directory whose
``graph.nt`` is the corpus (the rest copied from the build), starts ``skillgraph serve
--store KIND --workers 2 --memory-limit 0`` on loopback for each kind (no address-space cap:
at 1,000 standards a worker holds ~5.5 GB, above the default 2 GB), and records:

- ``ready_s``: from the start to the first answered query (loading, or writing the on-disk
  store: hybrid and disk write ``BUILD/store/`` once per build, measured apart as
  ``store_write_s``);
- resident memory of the whole process tree (server, zygote, workers): the sum of RSS, and
  the sum of PSS (``/proc/PID/smaps_rollup``: pages shared copy-on-write between the zygote
  and its workers counted once), after the queries;
- the wall time of each anchored catalog query over HTTP (median of a few), and of one
  linked-data page;
- a curriculum upload (``examples/``, the page's form): the first (the server lists the
  trade-levels, indexes the target's standard and starts the mapping worker) and the
  second, and the process tree's PSS after it (``curriculum``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from common import REPO, Timer, median, say, tree_memory

KINDS = ("memory", "hybrid", "disk")
ANCHORED = ("gap", "ladder", "eligibility", "requirements", "exam-blueprint", "pathway")
PAGE = "/id/occupation/4-09-07-04"
SHEET = REPO / "examples" / "carbon-accounting-program.csv"
# the target by IRI: a corpus of copies names each trade many times (copy 1 keeps the codes)
TARGET = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting/level/3"


def corpus_build(build_dir: Path, n: int, work: Path) -> Path:
    """A build directory serving the N-standard corpus: the build's files, graph.nt
    replaced."""
    from bench_scale import write_corpus

    out = work / f"serve-build-{n}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(build_dir, out, ignore=shutil.ignore_patterns("store", "store.json",
                                                                  "graph.nt"))
    write_corpus(build_dir, n, out / "graph.nt")
    return out


def _get(url: str, timeout: float, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[float, bytes]:
    t = time.perf_counter()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, body


def upload(url: str, timeout: float) -> tuple[float, int]:
    """Post the example sheet to ``/curriculum``: seconds and HTTP status (200: the sheet
    was mapped; the server indexes the target's standard alone, so the sheet's references
    are unambiguous however many copies the corpus holds)."""
    import httpx

    t = time.perf_counter()
    r = httpx.post(url + "/curriculum", files={"file": (SHEET.name, SHEET.read_bytes())},
                   data={"target": TARGET}, timeout=timeout)
    return time.perf_counter() - t, r.status_code


def anchored_texts(build_dir: Path) -> dict[str, str]:
    """The anchored queries as the scale part binds them (parameters into copy #1)."""
    from bench_queries import catalog_params

    from skillgraph.catalog import load_query
    from skillgraph.params import bind
    from skillgraph.store import store_from_build

    params = catalog_params(store_from_build(build_dir))
    return {name: bind(load_query(name), params.get(name, {})) for name in ANCHORED}


def serve_one(build: Path, kind: str, texts: dict[str, str], timeout_s: float
              ) -> dict[str, Any]:
    """Start `serve --store KIND`, time the first answer, measure, stop."""
    log = (build / f"serve-{kind}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "skillgraph.cli", "serve", "--build", str(build), "--store", kind,
         "--workers", "2", "--port", "0", "--timeout", "60", "--memory-limit", "0"],
        stdout=subprocess.PIPE, stderr=log, text=True, cwd=REPO, start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})  # the URL line as soon as it is printed
    t = Timer()
    try:
        url = ""
        while not url.startswith("http"):
            line = proc.stdout.readline() if proc.stdout else ""
            if not line and proc.poll() is not None:
                raise RuntimeError(f"serve --store {kind} stopped (exit {proc.returncode})")
            url = line.strip().rstrip("/")
            if t.wall > timeout_s:
                raise TimeoutError(f"serve --store {kind}: no URL after {timeout_s:.0f} s")
        body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
        while True:  # the workers load after the URL is printed
            try:
                _get(url + "/sparql", 120, body, {"Accept": "application/sparql-results+json"})
                break
            except OSError:
                if t.wall > timeout_s or proc.poll() is not None:
                    raise
                time.sleep(1)
        ready = t.wall
        queries = {}
        for name, text in texts.items():
            data = urllib.parse.urlencode({"query": text}).encode()
            runs = [_get(url + "/sparql", 120, data,
                         {"Accept": "application/sparql-results+json"})[0] for _ in range(7)]
            queries[name] = round(median(runs[2:]), 1)
        page = [_get(url + PAGE, 60, headers={"Accept": "text/html"})[0] for _ in range(5)]
        memory = tree_memory(proc.pid)
        (first, status), (again, _) = upload(url, timeout_s), upload(url, timeout_s)
        after = tree_memory(proc.pid)
        curriculum = {"first_s": round(first, 2), "again_s": round(again, 2),
                      "status": status, "pss_mb_after": after["pss_mb"]}
        return {"ready_s": round(ready, 1), **{k: memory[k] for k in ("rss_mb", "pss_mb")},
                "processes": memory["processes"], "query_ms": queries,
                "anchored_median_ms": round(median(queries.values()), 1),
                "page_ms": round(median(page[1:]), 1), "curriculum": curriculum}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def measure(build_dir: Path, work: Path, sizes: list[int], timeout_s: float = 1800
            ) -> dict[str, Any]:
    from skillgraph.store import make_disk_store

    texts = anchored_texts(build_dir)
    results = []
    for n in sizes:
        build = corpus_build(build_dir, n, work)
        t = Timer()
        make_disk_store(build)
        entry: dict[str, Any] = {"size": n, "store_write_s": round(t.wall, 1), "kinds": {}}
        say(f"  x{n}: on-disk store written in {entry['store_write_s']} s")
        for kind in KINDS:
            try:
                r = serve_one(build, kind, texts, timeout_s)
            except (OSError, RuntimeError, TimeoutError) as exc:
                r = {"error": str(exc)[:500]}
            entry["kinds"][kind] = r
            say(f"  x{n}: --store {kind}: " + (r.get("error") or (
                f"ready {r['ready_s']} s, RSS {r['rss_mb']} MB, PSS {r['pss_mb']} MB, "
                f"anchored median {r['anchored_median_ms']} ms, page {r['page_ms']} ms")))
        results.append(entry)
        if not os.environ.get("SKILLGRAPH_BENCH_KEEP"):
            shutil.rmtree(build, ignore_errors=True)
    return {"what": "skillgraph serve --workers 2 on the scale part's corpora", "sizes": results}


if __name__ == "__main__":
    if len(sys.argv) >= 3:
        print(json.dumps(measure(Path(sys.argv[1]), Path(sys.argv[2]),
                                 [int(s) for s in sys.argv[3:]] or [1]), indent=1))
    else:
        sys.exit("run through benchmarks/run.py")
