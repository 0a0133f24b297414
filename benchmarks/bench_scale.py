"""Scale: synthetic corpora of N standards on the embedded store (pyoxigraph).

Corpus of N standards = the built graph.nt (S standards: the shipped ones) written N/S
times to one N-Triples file, streaming, copy #1 as built and copy k ≥ 2 with its IRIs and
codes rewritten: the i-th shipped occupation code (4-09-07-04, 4-04-05-05, …) becomes
9-9i-99-kkk everywhere (occupation, trades, levels, requirements, findings, standard,
notation) and competencies and their similarity links move under
``…/id/competency/9-99-99-kkk/`` and ``…/id/competency-similarity/9-99-99-kkk/`` (each copy
its own; identical wording across real standards is the exception).  The five national skill
levels and the education levels stay shared, as in a real multi-standard graph.  Rewriting
the dump's text instead of re-running the parser per copy gives the same graph shape and
takes seconds, not hours.

Each size runs in a fresh process (clean memory figures): write the corpus, then
``bulk_load`` it (+ the ontology) into an in-memory ``Store()``, and for the sizes of
``--on-disk`` (1000 by default) once more into an on-disk ``Store(path)``
(docs/architecture.md, "Engine facts": the way to keep memory low; growth is computed
between in-memory sizes only).  Reported: load time, resident memory (current and peak), the
on-disk size, and the latency of every catalog query: anchored ones with parameters pointing
into copy #1 (and ``overview-counts@occupation``, the counts of copy #1's occupation), and
the whole-graph ones (overview-counts, search, findings), whose answer grows with N by
design (N × the rows), their first page of 100 rows (``@page``) and, for overview-counts and
findings, a keyset page of 20 occupations at the start and in the middle of the store
(``@keyset-first``, ``@keyset-deep``: after ``DEEP_AFTER``; what a page costs wherever it
starts).  Queries run 3 warm-up times (fewer if slow) and then up to ``runs``
times within a time budget per query (at least 3 runs).
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from common import OCC, Timer, dir_size_mb, in_fork, median, rss_mb, run_child, say

COMPETENCY = b"/id/competency/"
SIMILARITY = b"/id/competency-similarity/"  # named by a digest of the texts: per copy too
KEYSET = ("overview-counts", "findings")  # the whole-graph queries with keyset paging
WHOLE_GRAPH = ("overview-counts", "search", "findings", "findings-by-kind", "overview-counts@page",
               "search@page", "findings@page",
               *(f"{q}@keyset-{w}" for q in KEYSET for w in ("first", "deep")))
PAGE = "100"  # rows of the @page forms: the first page of a paged whole-graph query
KEYSET_PAGE = "20"  # occupations per keyset page: @keyset-first, and @keyset-deep


def copy_code(k: int, i: int = 0) -> bytes:
    """The code of the i-th shipped standard in copy k (k ≥ 2)."""
    return f"9-9{9 - i}-99-{k:03d}".encode()


# @keyset-deep starts after the last code of the copies of the second shipped standard: the
# second half of the store's occupations (the copies of the first), wherever N puts it (at
# one copy, 2 standards, that page is empty)
DEEP_AFTER = copy_code(999, 1).decode()


def shipped_codes(build_dir: Path) -> list[bytes]:
    """The occupation codes of the build, 4-09-07-04 first (the one queries anchor in)."""
    codes = sorted(p.name for p in (build_dir / "standards").iterdir() if p.is_dir())
    first = OCC.rsplit("/", 1)[1]
    return [c.encode() for c in sorted(codes, key=lambda c: c != first)]


def copies(build_dir: Path, n: int) -> int:
    """Copies of the build that make about N standards (at least one)."""
    return max(1, round(n / len(shipped_codes(build_dir))))


def copy_text(text: bytes, k: int, codes: list[bytes]) -> bytes:
    """Copy k of the build's graph.nt: #1 as built, every later one with its own codes,
    competencies and similarity nodes."""
    if k == 1:
        return text
    copy = text.replace(COMPETENCY, COMPETENCY + copy_code(k) + b"/").replace(
        SIMILARITY, SIMILARITY + copy_code(k) + b"/")
    for i, code in enumerate(codes):
        copy = copy.replace(code, copy_code(k, i))
    return copy


def write_corpus(build_dir: Path, n: int, path: Path) -> dict[str, Any]:
    """Stream the copies for N standards of graph.nt into ``path``; bytes, seconds,
    standards."""
    text = (build_dir / "graph.nt").read_bytes()
    codes = shipped_codes(build_dir)
    count = copies(build_dir, n)
    t = Timer()
    with path.open("wb") as out:
        for k in range(1, count + 1):
            out.write(copy_text(text, k, codes))
    return {"seconds": round(t.wall, 2), "mb": round(path.stat().st_size / 2**20, 1),
            "copies": count, "standards": count * len(codes)}


def child(n: int, build_dir: Path, work: Path, runs: int, budget_s: float,
          on_disk: bool) -> dict[str, Any]:
    import pyoxigraph as ox
    from bench_queries import time_oxigraph
    from catalog_latency import realistic_params  # noqa: F401  (imports done before "before")

    from skillgraph.build import ontology_text
    from skillgraph.catalog import catalog  # noqa: F401
    from skillgraph.params import bind  # noqa: F401

    before = rss_mb()
    corpus = work / f"corpus-{n}.nt"
    gen = write_corpus(build_dir, n, corpus)
    say(f"  x{n}: corpus {gen['mb']:.0f} MB written in {gen['seconds']:.1f} s")
    store_dir = work / f"store-{n}"
    t = Timer()
    store = ox.Store(str(store_dir)) if on_disk else ox.Store()
    store.bulk_load(path=str(corpus), format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(input=ontology_text(), format=ox.RdfFormat.TURTLE)
    load = {"wall_s": round(t.wall, 2), "cpu_s": round(t.cpu, 2)}
    corpus.unlink()
    t = Timer()
    triples = len(store)
    count_s = t.wall
    memory = rss_mb()
    say(f"  x{n}: {triples:,} triples loaded in {load['wall_s']:.1f} s; "
        f"RSS {memory['rss_mb']:.0f} MB (peak {memory['peak_rss_mb']:.0f} MB)")
    texts, skipped = scale_texts(store)
    if on_disk:  # measured by processes of their own that open it read-only (see below)
        del store
    queries = {}
    limit = query_timeout(budget_s)
    for name, text in texts.items():
        if on_disk:
            try:
                r, _ = run_child([str(Path(__file__)), "--query", str(store_dir), name,
                                  str(runs), str(budget_s)], timeout=limit + 60)
            except TimeoutError:
                r = {"timeout_s": limit}
        else:
            r = in_fork(lambda text=text: time_oxigraph(store, text, runs, budget_s), limit)
        r["kind"] = "whole-graph" if name in WHOLE_GRAPH else "anchored"
        queries[name] = r
        if "median_ms" in r:
            say(f"  x{n}: {name:22} median {r['median_ms']:9.2f} ms  p95 {r['p95_ms']:9.2f} ms"
                f"  runs {r['runs']}  rows {r['rows']}")
        else:
            say(f"  x{n}: {name:22} {r}")
    out = {
        "size": n,
        "store": "on-disk Store(path)" if on_disk else "in-memory Store()",
        "triples": triples,
        "corpus": gen,
        "load": load,
        "count_s": round(count_s, 3),
        "rss_before_mb": before["rss_mb"],
        "rss_after_load_mb": memory["rss_mb"],
        "store_memory_mb": round(memory["rss_mb"] - before["rss_mb"], 1),
        "peak_rss_mb": rss_mb()["peak_rss_mb"],
        "disk_mb": dir_size_mb(store_dir) if on_disk else None,
        "skipped": skipped,
        "queries": queries,
    }
    shutil.rmtree(store_dir, ignore_errors=True)
    return out


def query_timeout(budget_s: float) -> float:
    """A query whose warm-up and runs have not finished by then is stopped (pyoxigraph
    cannot cancel one: its process is killed) and reported as a timeout."""
    return max(30.0, 6 * budget_s)


def query_child(store_dir: Path, name: str, runs: int, budget_s: float) -> dict[str, Any]:
    """One catalog query on an on-disk store opened read-only, in a process of its own."""
    import pyoxigraph as ox
    from bench_queries import time_oxigraph

    store = ox.Store.read_only(str(store_dir))
    texts, _ = scale_texts(store)
    return time_oxigraph(store, texts[name], runs, budget_s)


def scale_texts(store: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The catalog as the scale part runs it: without the curriculum queries (they need a
    curriculum graph), with the scoped forms of the whole-graph queries that have one
    (``overview-counts@occupation``, ``findings@occupation``: one occupation's rows) and
    their first page of 100 rows (``…@page``)."""
    from bench_queries import bound_catalog

    from skillgraph.catalog import load_query
    from skillgraph.params import bind

    texts, skipped = bound_catalog(store)
    texts = {k: v for k, v in texts.items() if not k.startswith("curriculum-")}
    texts["overview-counts@occupation"] = bind(load_query("overview-counts"),
                                               {"occupation": [OCC]})
    texts["findings@occupation"] = bind(load_query("findings"), {"occupation": [OCC]})
    for name, params in (("overview-counts", {}), ("findings", {}),
                         ("search", {"keyword": ["核算"]})):
        texts[f"{name}@page"] = bind(load_query(name), {**params, "limit": [PAGE]})
    for name in KEYSET:
        texts[f"{name}@keyset-first"] = bind(load_query(name), {"occupations": [KEYSET_PAGE]})
        texts[f"{name}@keyset-deep"] = bind(load_query(name), {"occupations": [KEYSET_PAGE],
                                                                "after": [DEEP_AFTER]})
    return dict(sorted(texts.items())), skipped


def measure(build_dir: Path, work: Path, sizes: list[int], runs: int, budget_s: float,
            timeout_per_size_s: float, disk_sizes: list[int] | None = None) -> dict[str, Any]:
    """Every size in memory; the sizes also in ``disk_sizes`` once more on disk."""
    results: list[dict[str, Any]] = []
    plan = [(n, False) for n in sizes] + [(n, True) for n in sizes if n in (disk_sizes or [])]
    for n, on_disk in plan:
        t = time.perf_counter()
        try:
            answer, _ = run_child(
                [str(Path(__file__)), "--child", str(n), str(build_dir), str(work), str(runs),
                 str(budget_s), "disk" if on_disk else "memory"],
                timeout=timeout_per_size_s)
        except (TimeoutError, RuntimeError) as exc:
            say(f"  x{n}: {exc}")
            results.append({"size": n, "store": "on-disk Store(path)" if on_disk
                            else "in-memory Store()", "error": str(exc)[:2000]})
            continue
        finally:
            for leftover in (work / f"corpus-{n}.nt", work / f"store-{n}"):
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                elif leftover.exists():
                    leftover.unlink()
        answer["child_wall_s"] = round(time.perf_counter() - t, 1)
        results.append(answer)
    in_memory = [r for r in results if r.get("store", "").startswith("in-memory")]
    return {
        "what": "synthetic corpora of N standards (IRIs of the built dump rewritten per copy)",
        "sizes": results,
        "growth": growth(in_memory),
    }


def growth(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per consecutive pair of sizes: size ratio and the ratio of each cost (≤ the size
    ratio = growing no faster than linearly)."""
    ok = [r for r in results if "error" not in r]
    out = []
    for a, b in itertools.pairwise(ok):
        factor = b["size"] / a["size"]
        queries: dict[str, float | None] = {}
        for name, qa in a["queries"].items():
            qb = b["queries"].get(name, {})
            both = "median_ms" in qa and "median_ms" in qb
            queries[name] = (round(qb["median_ms"] / max(qa["median_ms"], 1e-3), 2) if both
                             else None)  # None: a timeout (or error) at one of the sizes
        anchored = [v for k, v in queries.items()
                    if a["queries"][k]["kind"] == "anchored" and v is not None]
        out.append({
            "from": a["size"],
            "to": b["size"],
            "size_factor": factor,
            "load_time": round(b["load"]["wall_s"] / max(a["load"]["wall_s"], 1e-3), 2),
            "store_memory": round(b["store_memory_mb"] / max(a["store_memory_mb"], 1e-3), 2),
            "triples": round(b["triples"] / a["triples"], 2),
            "query_median": queries,
            "anchored_median_of_factors": round(median(anchored), 2) if anchored else None,
        })
    return out


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "--child":
        n, build_dir, work, runs, budget, kind = sys.argv[2:]
        print(json.dumps(child(int(n), Path(build_dir), Path(work), int(runs), float(budget),
                               on_disk=kind == "disk")))
    elif len(sys.argv) == 6 and sys.argv[1] == "--query":
        store_dir, name, runs, budget = sys.argv[2:]
        print(json.dumps(query_child(Path(store_dir), name, int(runs), float(budget))))
    else:
        sys.exit("run through benchmarks/run.py")
