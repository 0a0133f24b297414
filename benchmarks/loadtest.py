"""Load test of `skillgraph serve`: mixed requests from concurrent clients, every answer checked.

Run (after ``skillgraph build --out DIR``; the server is started on 127.0.0.1 and stopped)::

    python benchmarks/loadtest.py --build DIR                      # 10,000 requests, 16 clients
    python benchmarks/loadtest.py --build DIR --requests 2000 --heavy 5 --timeout 2
    python benchmarks/loadtest.py --build DIR --url http://127.0.0.1:8000   # a running server

The mix (drawn with a fixed seed): every catalog query (``queries/*.rq``) with parameter
values read from its header (``skillgraph.params``) and from the graph (other trade-levels,
trades, competencies, keywords), sent by form POST (JSON), direct POST (TSV) and GET
(XML); linked-data documents (``/id/….html``, ``.ttl``, ``.jsonld``, ``.nt``), their bare
IRIs (303, by Accept), the index, the ontology, VoID in three formats and HEAD of each dump.
The expected answer of each request is computed once, up front, in this process: SPARQL
solutions on the same store a query worker loads (compared as multisets: row order without
ORDER BY is the engine's), documents with the server's own rendering code from the build
(compared byte for byte).

``--warm`` first sends every distinct query text once (the server keeps its verdict on
a text it has parsed), so that the run measures the steady state.  ``--heavy K`` also
sends K pathological queries (a three-way cross join), one at a time and spaced by twice
the timeout, from a client of their own: each must be stopped by the
server's ``--timeout`` (504) while the mixed clients go on; their latency is reported
separately for requests that overlapped a heavy query and for the others.

Bounded in requests and in time (``--max-seconds``; sockets time out after 60 s).  Prints
throughput, p50/p90/p99/max per kind, status counts, 5xx count and wrong answers; ``--out``
writes the same as JSON.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

LOOPBACK = "127.0.0.1"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RESULT_ACCEPT = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
DOC_MEDIA = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
# Share of each kind of request in the mix.
MIX = {"sparql": 0.4, "page": 0.35, "303": 0.1, "void": 0.075, "dump-head": 0.075}
SG = "https://w3id.org/skillgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"

Verdict = str | None  # None: the answer is right; else what is wrong


@dataclass
class Check:
    """One request of the mix and how to judge its answer."""

    kind: str
    method: str
    path: str
    verify: Callable[[int, dict[str, str], bytes], Verdict]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


# --------------------------------------------------------------------------- expected answers
def _row_key(row: Any, variables: list[str]) -> tuple[str, ...]:
    def show(term: Any) -> str:
        return "_:b" if isinstance(term, ox.BlankNode) else ("" if term is None else str(term))

    return tuple(show(row[v]) for v in variables)


def _solutions(results: Any) -> tuple[list[str], collections.Counter[tuple[str, ...]]]:
    variables = [v.value for v in results.variables]
    return variables, collections.Counter(_row_key(r, variables) for r in results)


def param_variants(store: ox.Store, text: str, rng: random.Random) -> list[dict[str, list[str]]]:
    """Parameter sets for a catalog query: its defaults, then values of the same kind.

    An IRI parameter takes other nodes of its default's rdf:type (other trade-levels,
    trades, competencies); a list parameter (``held``) the requirements of a level; a
    ``keyword`` a word cut from a competency's label.  Integer and other string parameters
    keep their defaults.  A query with another required parameter is left out.
    """
    from skillgraph.params import parse_parameters

    params = parse_parameters(text)
    if any(p.required and p.name != "keyword" for p in params):
        return []
    variants: list[dict[str, list[str]]] = [] if any(p.required for p in params) else [{}]
    type_ = ox.NamedNode(RDF_TYPE)

    def instances(cls: str) -> list[str]:
        found = store.quads_for_pattern(None, type_, ox.NamedNode(cls))
        return sorted({q.subject.value for q in found if isinstance(q.subject, ox.NamedNode)})

    for p in params:
        if p.type == "iri" and p.default and not p.is_list:
            default = ox.NamedNode(p.default[0].strip("<>"))
            classes = sorted(q.object.value for q in store.quads_for_pattern(default, type_, None))
            if classes:
                same = instances(classes[0])
                variants += [{p.name: [iri]} for iri in rng.sample(same, min(6, len(same)))]
        elif p.type == "iri" and p.is_list:
            for level in rng.sample(instances(SG + "TradeLevel"), 3):
                found = store.quads_for_pattern(
                    ox.NamedNode(level), ox.NamedNode(SG + "requires"), None
                )
                variants.append({p.name: sorted(q.object.value for q in found)[:60]})
        elif p.name == "keyword":
            labels = sorted(
                q.object.value
                for c in instances(SG + "Competency")
                for q in store.quads_for_pattern(ox.NamedNode(c), ox.NamedNode(SKOS_PREF), None)
            )
            variants += [{p.name: [label[:2]]} for label in rng.sample(labels, min(6, len(labels)))]
    return variants


def sparql_checks(
    build_dir: Path, rng: random.Random, max_results: int | None = None
) -> list[Check]:
    """Every catalog query × parameter variants × result format, with expected solutions
    (``max_results``: the server's row cap, when it is below what a query returns)."""
    from skillgraph.catalog import catalog
    from skillgraph.params import bind
    from skillgraph.server.worker import load_store

    store = load_store(build_dir)  # what a query worker loads
    checks = []
    for query in catalog():
        for values in param_variants(store, query.text, rng):
            text = bind(query.text, values)
            results = store.query(text)
            if not isinstance(results, ox.QuerySolutions):
                continue  # the catalog is SELECT queries; others are not load-tested here
            variables, expected = _solutions(results)
            verify = {
                key: _verify_solutions(query.name, media, fmt, variables, expected, max_results)
                for key, (media, fmt) in RESULT_ACCEPT.items()
            }
            form = urllib.parse.urlencode({"query": text})
            checks.append(  # each protocol method, each results format
                Check("sparql", "POST", "/sparql", verify["json"], body=form.encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "Accept": RESULT_ACCEPT["json"][0]})
            )  # fmt: skip
            checks.append(
                Check("sparql", "POST", "/sparql", verify["tsv"], body=text.encode(),
                      headers={"Content-Type": "application/sparql-query",
                               "Accept": RESULT_ACCEPT["tsv"][0]})
            )  # fmt: skip
            if len(form) < 8000:  # h11 refuses request heads over 16 KB
                checks.append(
                    Check("sparql", "GET", "/sparql?" + form, verify["xml"],
                          headers={"Accept": RESULT_ACCEPT["xml"][0]})
                )  # fmt: skip
    return checks


def _verify_solutions(
    name: str,
    media: str,
    fmt: ox.QueryResultsFormat,
    variables: list[str],
    expected: collections.Counter[tuple[str, ...]],
    max_results: int | None = None,
) -> Callable[[int, dict[str, str], bytes], Verdict]:
    cut = max_results is not None and sum(expected.values()) > max_results

    def verify(status: int, headers: dict[str, str], body: bytes) -> Verdict:
        if status != 200:
            return f"{name}: status {status}: {body[:200]!r}"
        if not headers.get("content-type", "").startswith(media):
            return f"{name}: content-type {headers.get('content-type')!r}, asked {media}"
        if headers.get("x-results-truncated") != (str(max_results) if cut else None):
            return f"{name}: X-Results-Truncated {headers.get('x-results-truncated')!r}"
        got_vars, got = _solutions(ox.parse_query_results(body, format=fmt))
        if got_vars != variables:
            return f"{name}: variables {got_vars} != {variables}"
        if cut:  # the first max_results rows the engine gave: any of the expected ones
            if sum(got.values()) != max_results or got - expected:
                return f"{name}: cut answer is not {max_results} of the expected rows"
        elif got != expected:
            return f"{name}: {sum(got.values())} rows, {sum(expected.values())} expected, differ"
        return None

    return verify


def _verify_bytes(
    what: str, media: str, expected: bytes, extra: dict[str, str] | None = None
) -> Callable[[int, dict[str, str], bytes], Verdict]:
    def verify(status: int, headers: dict[str, str], body: bytes) -> Verdict:
        if status != 200:
            return f"{what}: status {status}"
        if not headers.get("content-type", "").startswith(media):
            return f"{what}: content-type {headers.get('content-type')!r}"
        for name, value in (extra or {}).items():
            if headers.get(name) != value:
                return f"{what}: {name} {headers.get(name)!r} != {value!r}"
        if body != expected:
            return f"{what}: body differs ({len(body)} bytes, {len(expected)} expected)"
        return None

    return verify


def _verify_redirect(what: str, location: str) -> Callable[[int, dict[str, str], bytes], Verdict]:
    def verify(status: int, headers: dict[str, str], body: bytes) -> Verdict:
        if status != 303 or headers.get("location") != location:
            return f"{what}: {status} to {headers.get('location')!r}, expected 303 to {location}"
        return None

    return verify


def page_checks(
    build_dir: Path, base_url: str, rng: random.Random, sample: int = 80
) -> list[Check]:
    """Linked-data documents, 303s, index, ontology, VoID and dump HEADs, with expected bytes."""
    from skillgraph.server.data import LinkedData, ontology_bytes, serialize
    from skillgraph.server.describe import (
        DUMPS,
        Where,
        dump_list,
        serialize_description,
        void_triples,
    )
    from skillgraph.server.pages import Pages
    from skillgraph.server.render import render

    ld = LinkedData.from_build(build_dir)
    pages = Pages(ld)
    resources = ld.resources()
    levels = [
        q.subject.value
        for q in ld.store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SG + "TradeLevel")
        )
    ]
    chosen = sorted(set(rng.sample(resources, min(sample, len(resources)))) | set(levels))
    checks: list[Check] = []
    for iri in chosen:
        path = ld.path_for(iri)
        name = path.rsplit("/", 1)[-1]
        for key, media in DOC_MEDIA.items():
            if key == "html":
                page = pages.resource(iri)
                body = render("resource.html", here=page.here, live=True, page=page).encode()
            else:
                body = serialize(ld.description(iri), key, base=ld.base)
            checks.append(
                Check("page", "GET", f"/id/{_quote(path)}.{key}", _verify_bytes(path, media, body))
            )
        accept = rng.choice(list(DOC_MEDIA.items()))
        checks.append(
            Check(
                "303",
                "GET",
                f"/id/{_quote(path)}",
                _verify_redirect(path, f"{name}.{accept[0]}"),
                headers={"Accept": accept[1]},
            )
        )
    index = render(
        "index.html", here="index.html", live=True, dumps=dump_list(build_dir), **pages.index()
    ).encode()
    checks.append(Check("page", "GET", "/", _verify_bytes("index", "text/html", index)))
    checks.append(
        Check(
            "page",
            "GET",
            "/ontology.ttl",
            _verify_bytes("ontology", "text/turtle", ontology_bytes(build_dir)),
        )
    )
    root = base_url.rstrip("/") + "/"
    triples = void_triples(ld, Where(site=root, endpoint=root + "sparql"))
    for key in ("ttl", "nt", "jsonld"):
        body = serialize_description(triples, key)
        checks.append(
            Check("void", "GET", f"/void.{key}", _verify_bytes(f"void.{key}", DOC_MEDIA[key], body))
        )
    checks.append(
        Check(
            "void",
            "GET",
            "/void",
            _verify_bytes("void", "application/n-triples", serialize_description(triples, "nt")),
            headers={"Accept": "application/n-triples"},
        )
    )
    for name, media, _label in DUMPS:
        file = build_dir / name
        if file.is_file():
            size = str(file.stat().st_size)
            checks.append(
                Check(
                    "dump-head",
                    "HEAD",
                    f"/dumps/{name}",
                    _verify_bytes(f"HEAD {name}", media, b"", {"content-length": size}),
                )
            )
    return checks


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/")


def plan(
    build_dir: Path, base_url: str, *, seed: int = 7, max_results: int | None = None
) -> list[Check]:
    """Every distinct request of the mix with its expected answer (computed here, once);
    ``max_results``: the server's ``--max-results`` when it is not the default."""
    rng = random.Random(seed)
    return sparql_checks(build_dir, rng, max_results) + page_checks(build_dir, base_url, rng)


# --------------------------------------------------------------------------- running the load
@dataclass
class Sample:
    kind: str
    status: int
    start: float
    seconds: float
    wrong: Verdict


@dataclass
class HeavyRun:
    status: int
    start: float
    seconds: float
    body: str


@dataclass
class Report:
    """What one run measured; ``summary()`` is the JSON/printed form."""

    concurrency: int
    samples: list[Sample]
    seconds: float
    heavy: list[HeavyRun] = field(default_factory=list)
    connection_errors: list[str] = field(default_factory=list)

    @property
    def wrong(self) -> list[str]:
        return [s.wrong for s in self.samples if s.wrong]

    @property
    def server_errors(self) -> int:
        return sum(1 for s in self.samples if s.status >= 500)

    def during_heavy(self, kind: str | None = None) -> tuple[list[float], list[float]]:
        """Latencies of requests (of ``kind``, or all) that overlapped a heavy query, and
        of the others."""
        windows = [(h.start, h.start + h.seconds) for h in self.heavy]
        during, outside = [], []
        for s in self.samples:
            if kind is not None and s.kind != kind:
                continue
            end = s.start + s.seconds
            hit = any(s.start < b and end > a for a, b in windows)
            (during if hit else outside).append(s.seconds)
        return during, outside

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, list[float]] = collections.defaultdict(list)
        for s in self.samples:
            by_kind[s.kind].append(s.seconds)
        all_times = [s.seconds for s in self.samples]
        out: dict[str, Any] = {
            "requests": len(self.samples),
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "throughput_rps": round(len(self.samples) / self.seconds, 1) if self.seconds else 0,
            "latency_ms": latency(all_times),
            "by_kind": {k: {"n": len(v), **latency(v)} for k, v in sorted(by_kind.items())},
            "status": dict(sorted(collections.Counter(s.status for s in self.samples).items())),
            "server_errors_5xx": self.server_errors,
            "wrong_answers": len(self.wrong),
            "wrong_examples": self.wrong[:10],
            "connection_errors": len(self.connection_errors),
            "connection_error_examples": self.connection_errors[:5],
        }
        if self.heavy:
            during, outside = self.during_heavy()
            out["heavy"] = {
                "queries": len(self.heavy),
                "status": [h.status for h in self.heavy],
                "seconds": [round(h.seconds, 2) for h in self.heavy],
                "others_during_ms": {"n": len(during), **latency(during)},
                "others_outside_ms": {"n": len(outside), **latency(outside)},
            }
            for kind in sorted(by_kind):
                during, outside = self.during_heavy(kind)
                out["heavy"][f"{kind}_during_ms"] = {"n": len(during), **latency(during)}
                out["heavy"][f"{kind}_outside_ms"] = {"n": len(outside), **latency(outside)}
        return out


def latency(times: list[float]) -> dict[str, float]:
    """p50, p90, p99 and max in milliseconds (nearest-rank percentiles)."""
    if not times:
        return {}
    ordered = sorted(times)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000, 1)

    return {
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "max": round(ordered[-1] * 1000, 1),
        "mean": round(statistics.fmean(ordered) * 1000, 1),
    }


def _request(conn: http.client.HTTPConnection, check: Check) -> tuple[int, dict[str, str], bytes]:
    conn.request(check.method, check.path, body=check.body, headers=check.headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _client_connection(host: str, port: int, address: str | None) -> http.client.HTTPConnection:
    """A keep-alive connection from loopback ``address`` (127.0.0.0/8 is all loopback), so
    that each client counts as its own to the server's per-client limits."""
    source = (address, 0) if address and host == LOOPBACK else None
    return http.client.HTTPConnection(host, port, timeout=60, source_address=source)


def warm(base_url: str, checks: list[Check], clients: int = 3) -> tuple[float, list[str]]:
    """Send every distinct SPARQL text of ``checks`` once (its direct POST), from
    ``clients`` connections; the seconds it took and any wrong answers.

    The server parses a query text it has not seen (~50 ms) and keeps the verdict, so the
    first pass over a plan is slower than the rest: a run after ``warm`` measures the
    steady state, where the effect of a heavy query on the others is not mixed up with the
    cold start."""
    parsed = urllib.parse.urlparse(base_url)
    host, port = parsed.hostname or LOOPBACK, parsed.port or 80
    todo = iter([
        c for c in checks
        if c.kind == "sparql" and c.headers.get("Content-Type") == "application/sparql-query"
    ])  # fmt: skip
    lock = threading.Lock()
    wrong: list[str] = []

    def client(number: int) -> None:
        address = f"127.0.1.{2 + number}"  # not run()'s clients
        conn = _client_connection(host, port, address)
        try:
            while True:
                with lock:
                    check = next(todo, None)
                if check is None:
                    return
                try:
                    verdict = check.verify(*_request(conn, check))
                except (OSError, http.client.HTTPException) as exc:
                    verdict = f"{type(exc).__name__}: {exc}"
                    conn.close()
                    conn = _client_connection(host, port, address)
                if verdict:
                    with lock:
                        wrong.append(verdict)
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(i,), name=f"warm-{i}") for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, wrong


def run(
    base_url: str,
    checks: list[Check],
    *,
    requests: int,
    concurrency: int = 16,
    max_seconds: float = 900,
    seed: int = 11,
    heavy: int = 0,
    heavy_gap: float = 4.0,
) -> Report:
    """Send ``requests`` requests drawn from ``checks`` from ``concurrency`` clients.

    Stops early when ``max_seconds`` have passed.  Each client keeps one HTTP/1.1
    connection open; one that breaks is counted and reopened.  With ``heavy``, one more
    client sends that many cross joins, one at a time, ``heavy_gap`` seconds apart, starting
    once a tenth of the requests are done.
    """
    parsed = urllib.parse.urlparse(base_url)
    host, port = parsed.hostname or LOOPBACK, parsed.port or 80
    rng = random.Random(seed)
    by_kind: dict[str, list[int]] = collections.defaultdict(list)
    for i, check in enumerate(checks):
        by_kind[check.kind].append(i)
    kinds = sorted(by_kind)
    weights = [MIX.get(k, 0.05) for k in kinds]
    order = [rng.choice(by_kind[k]) for k in rng.choices(kinds, weights, k=requests)]
    lock = threading.Lock()
    next_index = iter(range(requests))
    samples: list[Sample] = []
    broken: list[str] = []
    started = time.perf_counter()
    deadline = started + max_seconds

    def client(number: int) -> None:
        address = f"127.0.0.{2 + number}"
        conn = _client_connection(host, port, address)
        while time.perf_counter() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            check = checks[order[i]]
            t0 = time.perf_counter()
            try:
                status, headers, body = _request(conn, check)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    broken.append(f"{check.method} {check.path[:80]}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = _client_connection(host, port, address)
                continue
            seconds = time.perf_counter() - t0
            wrong = check.verify(status, headers, body)
            with lock:
                samples.append(Sample(check.kind, status, t0, seconds, wrong))
        conn.close()

    heavy_runs: list[HeavyRun] = []

    def heavy_client() -> None:
        while len(samples) < requests // 10 and time.perf_counter() < deadline:
            time.sleep(0.05)
        body = urllib.parse.urlencode({"query": HEAVY}).encode()
        for _ in range(heavy):
            if time.perf_counter() > deadline or len(samples) + len(broken) >= requests:
                break
            conn = http.client.HTTPConnection(host, port, timeout=120)
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/sparql",
                    body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                response = conn.getresponse()
                text = response.read().decode(errors="replace")
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, text = 0, f"{type(exc).__name__}: {exc}"
            heavy_runs.append(HeavyRun(status, t0, time.perf_counter() - t0, text.strip()))
            conn.close()
            time.sleep(heavy_gap)

    threads = [
        threading.Thread(target=client, args=(i,), name=f"client-{i}") for i in range(concurrency)
    ]
    if heavy:
        threads.append(threading.Thread(target=heavy_client, name="heavy"))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Report(concurrency, samples, time.perf_counter() - started, heavy_runs, broken)


# --------------------------------------------------------------------------- the server
def start_server(
    build_dir: Path, log: Path, *, timeout: float = 10, extra: list[str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`skillgraph serve --port 0` on 127.0.0.1 (tests/engines.py ``start_serve``); the
    process and its URL once the endpoint answers a query (no fixed sleep)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import engines

    try:
        server = engines.start_serve(build_dir, log, extra=["--timeout", str(timeout),
                                                            *(extra or [])],
                                     probe="/sparql?query=ASK%7B%7D")
    except engines.EngineError as exc:
        raise RuntimeError(str(exc)) from None
    return server.proc, server.base


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- command line
def print_report(summary: dict[str, Any]) -> None:
    s = summary
    print(
        f"{s['requests']} requests, {s['concurrency']} clients, {s['seconds']} s: "
        f"{s['throughput_rps']} requests/s"
    )
    lat = s["latency_ms"]
    print(f"latency ms: p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  max {lat['max']}")
    for kind, k in s["by_kind"].items():
        print(f"  {kind:10s} n={k['n']:6d}  p50 {k['p50']:7.1f}  p99 {k['p99']:7.1f}  ms")
    print(f"status: {s['status']}")
    print(
        f"5xx: {s['server_errors_5xx']}  wrong answers: {s['wrong_answers']}  "
        f"connection errors: {s['connection_errors']}"
    )
    for example in s["wrong_examples"] + s["connection_error_examples"]:
        print("  ", example)
    if "heavy" in s:
        h = s["heavy"]
        print(f"heavy cross joins: {h['queries']}, status {h['status']}, seconds {h['seconds']}")
        d, o = h["others_during_ms"], h["others_outside_ms"]
        print(
            f"  others during them: n={d.get('n')} p50 {d.get('p50')} p99 {d.get('p99')} ms; "
            f"outside: n={o.get('n')} p50 {o.get('p50')} p99 {o.get('p99')} ms"
        )
        for kind in s["by_kind"]:
            d, o = h[f"{kind}_during_ms"], h[f"{kind}_outside_ms"]
            print(
                f"    {kind:10s} during: n={d.get('n')} p50 {d.get('p50')} p99 {d.get('p99')}; "
                f"outside: n={o.get('n')} p50 {o.get('p50')} p99 {o.get('p99')} ms"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=Path("build"), help="build directory")
    ap.add_argument("--url", help="test this running server instead of starting one")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-seconds", type=float, default=900, help="stop sending after this")
    ap.add_argument("--timeout", type=float, default=10, help="the started server's --timeout")
    ap.add_argument("--heavy", type=int, default=0, help="pathological queries sent meanwhile")
    ap.add_argument(
        "--warm", action="store_true",
        help="send every distinct query text once first (measure the steady state)",
    )  # fmt: skip
    ap.add_argument(
        "--max-results", type=int, default=10_000, help="the server's --max-results (row cap)"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, help="also write the report as JSON")
    args = ap.parse_args(argv)
    proc = None
    with tempfile.TemporaryDirectory(prefix="skillgraph-load-") as tmp:
        if args.url:
            url = args.url.rstrip("/")
        else:
            proc, url = start_server(
                args.build,
                Path(tmp) / "serve.log",
                timeout=args.timeout,
                extra=["--max-results", str(args.max_results)],
            )
        try:
            t0 = time.perf_counter()
            checks = plan(args.build, url, seed=args.seed, max_results=args.max_results)
            print(f"{len(checks)} distinct requests planned in {time.perf_counter() - t0:.1f} s")
            if args.warm:
                seconds, wrong = warm(url, checks)
                print(f"warmed in {seconds:.1f} s" + "".join(f"\n  {w}" for w in wrong))
            report = run(
                url,
                checks,
                requests=args.requests,
                concurrency=args.concurrency,
                max_seconds=args.max_seconds,
                seed=args.seed,
                heavy=args.heavy,
                heavy_gap=2 * args.timeout,
            )
        finally:
            if proc is not None:
                stop_server(proc)
    summary = report.summary()
    summary["machine"] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print_report(summary)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    bad = summary["server_errors_5xx"] or summary["wrong_answers"] or summary["connection_errors"]
    done = summary["requests"] == args.requests
    return 0 if done and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
