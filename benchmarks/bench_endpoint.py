"""Endpoint throughput and latency: `skillgraph serve` vs Virtuoso, same dump, same mix.

Both engines are started on loopback by ``tests/engines.py`` (``start_serve``;
``virtuoso_with_build``: own ini and database, bulk load through isql, the dump's graph as
the endpoint's default graph) from the same build.  The mix is the catalog (without the
``curriculum-*`` queries, which need a curriculum graph the server does not hold) bound
with the realistic parameters of ``bench_queries``; a preflight sends each query once to
each engine and keeps those both answer with 200 and the same number of rows.

The load generator (asyncio + httpx, in this process, HTTP/1.1 keep-alive) runs C clients
(C = 1, 8, 32); each sends the mix round-robin from its own offset, one request at a time,
POST form ``query=…`` with ``Accept: application/sparql-results+json``, until the phase's
time is up or the request cap is reached (a warm-up phase first, not counted).  Every
request is timed from send to last byte; anything but a 200 with a JSON body is an error
(counted by kind).  Throughput = good answers / phase wall time.  The client shares the
2 cores with the server under test, for both engines alike.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from common import say, summary_ms

ACCEPT = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"


def endpoint_mix(build_dir: Path) -> list[tuple[str, str]]:
    from bench_queries import bound_catalog

    from skillgraph.store import store_from_build

    texts, _ = bound_catalog(store_from_build(build_dir))
    return [(name, text) for name, text in texts.items() if not name.startswith("curriculum-")]


def _rows(body: bytes) -> int | None:
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if "boolean" in doc:
        return 1
    return len(doc.get("results", {}).get("bindings", []))


async def _preflight(url: str, mix: list[tuple[str, str]]) -> dict[str, Any]:
    import httpx

    out = {}
    async with httpx.AsyncClient(timeout=120) as client:
        for name, text in mix:
            t = time.perf_counter()
            try:
                r = await client.post(url, content=urllib.parse.urlencode({"query": text}),
                                      headers={"Content-Type": FORM, "Accept": ACCEPT})
                out[name] = {"status": r.status_code, "rows": _rows(r.content),
                             "ms": round((time.perf_counter() - t) * 1000, 2)}
                if r.status_code != 200:
                    out[name]["error"] = r.text[:300]
            except httpx.HTTPError as exc:
                out[name] = {"status": None, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return out


async def _phase(url: str, mix: list[tuple[str, bytes]], clients: int, seconds: float,
                 max_requests: int, timeout_s: float) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    per_query: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    sent = 0
    headers = {"Content-Type": FORM, "Accept": ACCEPT}
    async with httpx.AsyncClient(limits=limits, timeout=timeout_s) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def one_client(offset: int) -> None:
            nonlocal sent
            k = offset
            while time.perf_counter() < deadline and sent < max_requests:
                name, body = mix[k % len(mix)]
                k += 1
                sent += 1
                t = time.perf_counter()
                try:
                    r = await client.post(url, content=body, headers=headers)
                    content = r.content
                    if r.status_code != 200:
                        errors[f"HTTP {r.status_code}"] += 1
                        continue
                    if not content.lstrip().startswith(b"{"):
                        errors["not JSON"] += 1
                        continue
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    continue
                elapsed = time.perf_counter() - t
                latencies.append(elapsed)
                per_query[name].append(elapsed)

        await asyncio.gather(*(one_client(i * len(mix) // max(clients, 1))
                               for i in range(clients)))
        wall = time.perf_counter() - start
    return {
        "clients": clients,
        "seconds": round(wall, 3),
        "requests": sent,
        "ok": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "throughput_rps": round(len(latencies) / wall, 1),
        **{k: v for k, v in summary_ms(latencies).items() if k != "runs"},
        "per_query_median_ms": {n: summary_ms(v)["median_ms"] for n, v in sorted(
            per_query.items())},
    }


def load_test(url: str, mix: list[tuple[str, str]], levels: list[int], seconds: float,
              warmup_s: float, max_requests: int, timeout_s: float = 60) -> list[dict[str, Any]]:
    bodies = [(n, urllib.parse.urlencode({"query": t}).encode()) for n, t in mix]
    out = []
    for clients in levels:
        asyncio.run(_phase(url, bodies, clients, warmup_s, max_requests, timeout_s))
        r = asyncio.run(_phase(url, bodies, clients, seconds, max_requests, timeout_s))
        say(f"    {clients:3d} clients: {r['throughput_rps']:8.1f} req/s  p50 "
            f"{r['median_ms']:7.2f} ms  p99 {r['p99_ms']:8.2f} ms  errors {r['errors']}")
        out.append(r)
    return out


def measure(build_dir: Path, work: Path, *, levels: list[int], seconds: float,
            warmup_s: float, max_requests: int, virtuoso: bool) -> dict[str, Any]:
    import engines

    mix = endpoint_mix(build_dir)
    engines_out: dict[str, Any] = {}
    preflight: dict[str, dict[str, Any]] = {}

    say("  skillgraph serve")
    # all clients come from 127.0.0.1: lift the per-client limits, this measures throughput
    server = engines.start_serve(build_dir, work / "serve.log",
                                 extra=["--client-queries", "64", "--client-queue", "256"])
    try:
        preflight["skillgraph"] = asyncio.run(_preflight(server.endpoint, mix))
        ok = [(n, t) for n, t in mix if preflight["skillgraph"][n]["status"] == 200]
        engines_out["skillgraph"] = {"endpoint": "skillgraph serve (default: 2 query workers)"}
    except Exception:
        engines.stop_serve(server)
        raise

    virtuoso_skip = None
    v_ctx = None
    if virtuoso:
        try:
            engines.virtuoso_binaries()
        except engines.EngineMissing as exc:
            virtuoso_skip = str(exc)
    else:
        virtuoso_skip = "not asked for (--no-virtuoso)"
    if virtuoso_skip is None:
        say("  Virtuoso: start and load")
        # the packaged ini, its query limits off: under load the 60 s execution limit
        # would turn slow answers into partial ones ("anytime" results), not errors
        v_ctx = engines.virtuoso_with_build(work / "virtuoso", build_dir, overrides={
            "SPARQL": {"MaxQueryExecutionTime": "0", "MaxQueryCostEstimationTime": "0",
                       "ResultSetMaxRows": "1000000"}})
        v = v_ctx.__enter__()
        preflight["virtuoso"] = asyncio.run(_preflight(v.endpoint, mix))
        ok = [(n, t) for n, t in ok if preflight["virtuoso"][n]["status"] == 200
              and preflight["virtuoso"][n]["rows"] == preflight["skillgraph"][n]["rows"]]
        engines_out["virtuoso"] = {"endpoint": "Virtuoso (packaged ini, limits off)",
                                   "load_s": round(v.timings.get("load", 0), 2),
                                   "triples": v.timings.get("triples")}
    excluded = sorted({n for n, _ in mix} - {n for n, _ in ok})
    try:
        say(f"  mix: {len(ok)} queries; excluded {excluded or 'none'}")
        say("  skillgraph serve under load")
        engines_out["skillgraph"]["levels"] = load_test(
            server.endpoint, ok, levels, seconds, warmup_s, max_requests)
        engines.stop_serve(server)
        server = None
        if v_ctx is not None:
            say("  Virtuoso under load")
            engines_out["virtuoso"]["levels"] = load_test(
                v.endpoint, ok, levels, seconds, warmup_s, max_requests)
    finally:
        if server is not None:
            engines.stop_serve(server)
        if v_ctx is not None:
            v_ctx.__exit__(None, None, None)

    ratios = []
    if "virtuoso" in engines_out:
        for ours, theirs in zip(engines_out["skillgraph"]["levels"],
                                engines_out["virtuoso"]["levels"], strict=True):
            ratios.append({
                "clients": ours["clients"],
                "throughput_ours_over_virtuoso": round(
                    ours["throughput_rps"] / max(theirs["throughput_rps"], 1e-9), 2),
                "p50_ours_over_virtuoso": round(ours["median_ms"] / max(theirs["median_ms"],
                                                                       1e-9), 2),
                "p99_ours_over_virtuoso": round(ours["p99_ms"] / max(theirs["p99_ms"], 1e-9),
                                                2),
            })
    return {
        "what": "SPARQL endpoint under concurrent clients on loopback, catalog-query mix",
        "mix": [n for n, _ in ok],
        "excluded_from_mix": excluded,
        "preflight": preflight,
        "phase_seconds": seconds,
        "warmup_seconds": warmup_s,
        "max_requests_per_phase": max_requests,
        "virtuoso_skipped": virtuoso_skip,
        "engines": engines_out,
        "ratios": ratios,
    }
