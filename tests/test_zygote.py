"""Query workers forked from the zygote: ready at once, isolated, limited, reported.

Real pools (:class:`~skillgraph.server.worker.QueryPool`) on the session's build: the
zygote loads the store once and forks each worker, so a worker that replaces a demoted
or killed one answers without a store load (the pool counts forks and loads).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillgraph.server.worker import QueryPool

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "ASK { ?s ?p ?o }"
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
MEMORY_LIMIT = 1536 * 2**20


def job(query: str, client: str) -> dict[str, Any]:
    return {
        "query": query,
        "client": client,
        "max_results": 100,
        "results_format": "json",
        "graph_format": "nt",
        "not_acceptable": {"results": "not acceptable", "graph": "not acceptable"},
    }


@pytest.fixture
def make_pool(built) -> Iterator[Any]:
    pools: list[QueryPool] = []

    def make(build: Path | None = None, **options: Any) -> QueryPool:
        pool = QueryPool(build or built.out, memory_limit=MEMORY_LIMIT, **options)
        pools.append(pool)
        pool.start()
        if pool.zygote is None:
            pytest.skip(f"no zygote here: {pool.no_zygote}")
        return pool

    yield make
    for pool in pools:
        pool.close()


def run_in_background(pool: QueryPool, query: str, client: str) -> tuple[threading.Thread, dict]:
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.update(answer=pool.run(job(query, client))))
    thread.start()
    return thread, out


def test_a_cheap_query_gets_a_forked_worker_while_a_cross_join_is_demoted(make_pool):
    pool = make_pool(size=1, timeout=20, slow_after=0.3, slow_lane=1)
    assert (pool.forks, pool.loads) == (1, 0)
    thread, heavy = run_in_background(pool, HEAVY, "attacker")
    answer = pool.run(job(ASK, "reader"))  # waits for the demotion, then the fork
    assert answer.status == 200, answer.body
    assert b'"boolean":true' in answer.body
    assert thread.is_alive()  # the cross join still runs, in the slow lane
    assert pool.forks == 2 and pool.loads == 0  # its replacement was forked, not loaded
    pool.close()  # stops the cross join too
    thread.join(30)
    assert heavy["answer"].status == 500


def test_forked_workers_are_adopted_isolated_and_limited(make_pool):
    pool = make_pool(size=2, timeout=10)
    assert len(pool._all) == 2
    for worker in pool._all:
        pid = worker.proc.pid
        assert worker.proc.poll() is None
        stat = Path(f"/proc/{pid}/stat").read_text()
        assert int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid()  # ours to wait for
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
        assert line.split()[3] == str(MEMORY_LIMIT)
        if pool.not_isolated is None:
            assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
    assert pool.run(job(ASK, "a")).status == 200


def test_the_zygote_stays_single_threaded_so_forking_is_safe(make_pool):
    pool = make_pool(size=1, timeout=10)
    for client in "abc":
        assert pool.run(job(ASK, client)).status == 200
    assert pool.zygote is not None
    assert len(os.listdir(f"/proc/{pool.zygote.proc.pid}/task")) == 1
    worker = next(iter(pool._all))
    assert len(os.listdir(f"/proc/{worker.proc.pid}/task")) == 2  # main + the query thread


def test_a_forked_worker_killed_by_a_signal_reports_it(make_pool):
    pool = make_pool(size=1, timeout=10)
    assert pool.zygote is not None
    worker = pool.zygote.fork()
    assert worker.wait_ready(30) is pool.not_isolated
    os.kill(worker.proc.pid, signal.SIGSEGV)
    assert worker.proc.wait() == -signal.SIGSEGV
    worker.kill()


def test_without_the_zygote_replacements_load_the_store(make_pool):
    pool = make_pool(size=1, timeout=20, slow_after=0.3, slow_lane=1)
    assert pool.zygote is not None
    pool.zygote.proc.kill()
    pool.zygote.proc.wait()
    thread, _ = run_in_background(pool, HEAVY, "attacker")
    answer = pool.run(job(ASK, "reader"))
    assert answer.status == 200, answer.body
    assert pool.loads == 1 and pool.zygote is None and pool.no_zygote
    pool.close()
    thread.join(30)


def test_a_refused_text_is_answered_again_without_a_worker(make_pool):
    pool = make_pool(size=1, timeout=60, slow_after=60)  # no slow lane: HEAVY keeps it
    first = pool.run(job(SERVICE, "a"))
    assert first.status == 403 and first.refused
    thread, heavy = run_in_background(pool, HEAVY, "attacker")
    while not pool._idle._running:  # until the cross join holds the only worker
        threading.Event().wait(0.01)
    again = pool.run(job(SERVICE, "a"))  # no worker is free: the verdict is the pool's
    assert (again.status, again.body) == (first.status, first.body)
    assert thread.is_alive()
    pool.close()
    thread.join(30)
    assert heavy["answer"].status == 500


def _kb(pid: int, field: str) -> int:
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return int(next(line.split()[1] for line in rollup.splitlines()
                    if line.startswith(f"{field}:")))


def ten_copies(built: Any, tmp_path: Path) -> Path:
    """A build directory holding the build's graph ten times (under other IRIs)."""
    import shutil

    build = tmp_path / "build"
    shutil.copytree(built.out, build, ignore=shutil.ignore_patterns("graph.nt", "store*"))
    text = (built.out / "graph.nt").read_text(encoding="utf-8")
    with (build / "graph.nt").open("w", encoding="utf-8") as out:
        for k in range(10):
            out.write(text.replace("https://w3id.org/skillgraph/id/",
                                   f"https://w3id.org/skillgraph/id/copy{k}/"))
    return build


def test_forked_workers_share_the_zygotes_store_until_they_scan_it(make_pool, built, tmp_path):
    """A worker is told the store's size: counting it reads every quad, which on Oxigraph's
    in-memory store writes to every page, and made each worker a private copy of the
    store (docs/scaling.md, "Memory or disk: serve --store")."""
    pool = make_pool(ten_copies(built, tmp_path), size=2, timeout=20)
    store_kb = _kb(pool.zygote.proc.pid, "Rss")
    assert pool.zygote.triples > 200_000 and store_kb > 80_000
    for worker in pool._all:
        assert _kb(worker.proc.pid, "Private_Dirty") < store_kb / 3
    assert pool.run(job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "a")).status == 200
    scanned = max(_kb(w.proc.pid, "Private_Dirty") for w in pool._all)
    assert scanned > store_kb / 3  # what a scan does to the worker that ran it
    assert pool.recycled == 0  # under the default limit (512 MB) at this size
    for worker in pool._all:  # the pool's cheap measure bounds the real one
        growth = worker.private_growth()
        assert growth is not None
        assert growth >= (_kb(worker.proc.pid, "Private_Dirty") - 8 * 1024) * 1024


def test_a_worker_that_made_the_store_its_own_is_replaced_by_a_fresh_fork(
    make_pool, built, tmp_path
):
    """Past ``private_limit`` a worker is retired after its answer and a fresh fork takes
    its place: the server holds one store plus a bounded part per worker."""
    import time

    pool = make_pool(ten_copies(built, tmp_path), size=1, timeout=20)
    store_kb = _kb(pool.zygote.proc.pid, "Rss")
    pool.private_limit = store_kb * 1024 // 3
    (first,) = [w.proc.pid for w in pool._all]
    assert pool.run(job(ASK, "a")).status == 200
    assert [w.proc.pid for w in pool._all] == [first] and pool.recycled == 0
    assert pool.run(job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "a")).status == 200
    assert pool.recycled == 1
    deadline = time.monotonic() + 20
    while not (pids := [w.proc.pid for w in pool._all]) or pids == [first]:
        assert time.monotonic() < deadline, "no fresh worker"
        time.sleep(0.05)
    (fresh,) = pids
    assert _kb(fresh, "Private_Dirty") < store_kb / 3
    assert pool.forks == 2 and pool.loads == 0
    answer = pool.run(job(ASK, "a"))
    assert answer.status == 200 and b'"boolean":true' in answer.body
