"""Fair share and HTTP hygiene of `skillgraph serve`, on the real server over loopback.

Per-client limits (429 with Retry-After), the fair hand-out of workers, the public URL
that Host and X-Forwarded-* cannot change, security headers, HEAD /sparql, and the
header timeout that closes connections which never finish their request.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse

import pytest
from starlette.testclient import TestClient

from skillgraph.server.app import ServerConfig, create_app
from skillgraph.server.fair import LIGHT_WINDOW, FairPool, TooMany
from skillgraph.server.hygiene import CSP

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "ASK { ?s ?p ?o }"


# --------------------------------------------------------------------------- fair pool
def _taker(pool: FairPool[str], order: list[str], timeout: float = 10):
    """A client thread's body: take a worker (waiting up to ``timeout``), note the order,
    give it back."""

    def wait(client: str) -> None:
        item = pool.take(client, timeout)
        order.append(client)
        assert item is not None
        pool.done(client)
        pool.put(item)

    return wait


def test_the_client_that_used_workers_least_goes_first():
    pool: FairPool[str] = FairPool(per_client=1, queue=4)
    pool.charge("greedy", 30.0)
    order: list[str] = []
    wait = _taker(pool, order)
    greedy = threading.Thread(target=wait, args=("greedy",))
    greedy.start()
    time.sleep(0.2)  # greedy waits first …
    modest = threading.Thread(target=wait, args=("modest",))
    modest.start()
    time.sleep(0.2)
    pool.put("worker")  # … but the one free worker goes to modest
    greedy.join(5)
    modest.join(5)
    assert order == ["modest", "greedy"]


def test_waiting_longer_does_not_put_a_client_before_one_that_used_less():
    """20 clients sending cross joins wait for seconds each; a cheap query arriving later
    still goes first (counting the wait put it behind all of them)."""
    pool: FairPool[str] = FairPool(per_client=1, queue=4)
    pool.charge("greedy", 0.3)  # less than greedy will have waited
    order: list[str] = []
    wait = _taker(pool, order)
    greedy = threading.Thread(target=wait, args=("greedy",))
    greedy.start()
    time.sleep(0.8)  # greedy waits 0.8 s, more than its 0.3 s of use …
    modest = threading.Thread(target=wait, args=("modest",))
    modest.start()
    time.sleep(0.2)
    pool.put("worker")  # … and still the one free worker goes to modest
    greedy.join(5)
    modest.join(5)
    assert order == ["modest", "greedy"]


def _race(pool: FairPool[str], first: str, waited: float, second: str, timeout: float):
    """``first`` waits ``waited`` s, then ``second`` asks too; one worker is put: the order."""
    order: list[str] = []
    wait = _taker(pool, order, timeout)
    threads = [threading.Thread(target=wait, args=(first,))]
    threads[0].start()
    time.sleep(waited)
    threads.append(threading.Thread(target=wait, args=(second,)))
    threads[1].start()
    time.sleep(0.1)
    pool.put("worker")
    for t in threads:
        t.join(5)
    return order


def test_a_light_query_waiting_half_its_time_goes_before_one_that_used_less():
    """Under 16 light clients on 3 workers the one that happened to use a little more was
    passed over until its wait ran out (503); past half of it, it goes first."""
    pool: FairPool[str] = FairPool(per_client=1, queue=4)
    pool.charge("busier", 0.3)  # light: no long query
    assert _race(pool, "busier", 0.7, "modest", timeout=1.2) == ["busier", "modest"]


def test_a_heavy_query_gets_no_precedence_for_waiting():
    pool: FairPool[str] = FairPool(per_client=1, queue=4)
    pool.charge("cross-join", 1.0, long=True)
    assert _race(pool, "cross-join", 0.7, "modest", timeout=1.2) == ["modest", "cross-join"]


def _reserve_after_a_light_query(light_window: float = LIGHT_WINDOW) -> FairPool[str]:
    """One worker, kept in reserve (reserve=1); a light client has just used it and given
    it back, and a client with one long query (past the slow-lane threshold) is heavy."""
    pool: FairPool[str] = FairPool(per_client=1, queue=4, reserve=1, light_window=light_window)
    pool.charge("cross-join", 1.0, long=True)
    pool.put("w1")
    assert pool.take("light", 0.3) == "w1"
    pool.done("light")
    pool.put("w1")
    return pool


def test_a_waiting_query_gets_the_reserve_once_no_light_client_is_about():
    """The hand-out order changes with time alone: the reserved worker goes to a heavy
    client already waiting once the light one has been quiet for the window, without
    waiting for another worker to come back."""
    pool = _reserve_after_a_light_query(light_window=0.3)
    started = time.monotonic()
    assert pool.take("cross-join", 2.0) == "w1"
    assert time.monotonic() - started < 1.0


def test_one_long_query_keeps_a_client_from_the_reserved_worker():
    pool = _reserve_after_a_light_query()
    assert pool.take("cross-join", 0.3) is None  # the last worker is kept for the light
    assert pool.take("light", 0.3) == "w1"


def test_the_reserve_is_not_kept_when_no_light_client_is_about():
    """On an overloaded machine every query runs long; an idle reserve would only waste a
    worker while all of them wait."""
    pool = _reserve_after_a_light_query(light_window=0.2)
    assert pool.take("cross-join", 0.1) is None  # the light client asked 0.1 s ago
    time.sleep(0.3)
    assert pool.take("cross-join", 0.3) == "w1"  # none in the last 0.2 s


def test_a_client_past_its_queue_is_refused_at_once():
    pool: FairPool[str] = FairPool(per_client=1, queue=2)
    waiting = [threading.Thread(target=pool.take, args=("a", 1.0)) for _ in range(2)]
    for t in waiting:
        t.start()
    time.sleep(0.2)
    with pytest.raises(TooMany):
        pool.take("a", 1.0)
    assert pool.take("b", 0.1) is None  # another client waits (and times out) as usual
    for t in waiting:
        t.join(5)


def _post(base: str, query: str, source: str) -> tuple[int, dict[str, str], str]:
    parsed = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(
        parsed.hostname, parsed.port, timeout=60, source_address=(source, 0)
    )
    try:
        conn.request(
            "POST", "/sparql", body=query.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )  # fmt: skip
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        conn.close()


def test_one_client_flooding_gets_429_and_another_is_still_served(live_server):
    """127.0.0.5 sends 8 cross joins at once: 1 runs, 4 wait, the rest get 429 with
    Retry-After; meanwhile 127.0.0.6's cheap query is answered."""
    results: list[tuple[int, dict[str, str], str]] = []
    lock = threading.Lock()

    def flood() -> None:
        answer = _post(live_server, HEAVY, "127.0.0.5")
        with lock:
            results.append(answer)

    threads = [threading.Thread(target=flood) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    status, _, body = _post(live_server, ASK, "127.0.0.6")
    for t in threads:
        t.join(60)
    assert status == 200 and "true" in body
    refused = [r for r in results if r[0] == 429]
    assert len(refused) >= 3, [r[0] for r in results]
    assert all(int(r[1]["retry-after"]) >= 1 for r in refused)
    assert "--client-queue" in refused[0][2]
    assert all(r[0] in (429, 503, 504) for r in results)


# --------------------------------------------------------------------------- hygiene
@pytest.fixture(scope="module")
def public_client(built):
    config = ServerConfig(
        built.out, workers=1, public_url="https://skills.example.org/",
        trusted_proxies=("10.0.0.0/8",),
    )  # fmt: skip
    with TestClient(create_app(config), base_url="http://127.0.0.1:8000") as client:
        yield client


def test_absolute_urls_come_from_the_public_url_not_the_host_header(public_client):
    for headers in (
        {"Host": "evil.example"},
        {"Host": "evil.example", "X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil"},
    ):
        r = public_client.get("/void.ttl", headers=headers)
        assert r.status_code == 200
        assert "evil" not in r.text and "https://skills.example.org/" in r.text
        r = public_client.get("/sparql", headers={**headers, "Accept": "text/turtle"})
        assert "evil" not in r.text and "<https://skills.example.org/sparql>" in r.text


def test_forwarded_headers_count_only_from_a_trusted_proxy(built):
    from skillgraph.server.hygiene import PublicURLMiddleware

    seen: dict[str, object] = {}

    async def app(scope, receive, send):  # records what the middleware let through
        seen.update(client=scope["client"], scheme=scope["scheme"], headers=scope["headers"])

    mw = PublicURLMiddleware(app, None, ["10.0.0.0/8"])
    import anyio

    def call(peer: str) -> None:
        scope = {
            "type": "http", "client": (peer, 1234), "scheme": "http",
            "headers": [(b"x-forwarded-for", b"203.0.113.9, 10.1.2.3"),
                        (b"x-forwarded-proto", b"https"), (b"host", b"a")],
        }  # fmt: skip
        anyio.run(mw, scope, None, None)

    call("10.9.9.9")
    assert seen["client"] == ("203.0.113.9", 0) and seen["scheme"] == "https"
    call("198.51.100.7")
    assert seen["client"] == ("198.51.100.7", 1234) and seen["scheme"] == "http"
    assert all(not k.startswith(b"x-forwarded") for k, _ in seen["headers"])  # type: ignore[attr-defined]


def test_security_headers(server_client):
    page = server_client.get("/", headers={"Accept": "text/html"})
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and page.headers["x-frame-options"] == "DENY"
    answer = server_client.get("/sparql", params={"query": ASK})
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in answer.headers


def test_head_sparql_answers_as_get_does(live_server):
    parsed = urllib.parse.urlparse(live_server)
    for path, accept in (
        ("/sparql?" + urllib.parse.urlencode({"query": ASK}), "application/sparql-results+json"),
        ("/sparql", "text/turtle"),  # the service description
    ):
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        conn.request("GET", path, headers={"Accept": accept})
        got = conn.getresponse()
        got_body = got.read()
        conn.close()
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        conn.request("HEAD", path, headers={"Accept": accept})
        head = conn.getresponse()
        assert head.read() == b""
        conn.close()
        assert head.status == got.status == 200
        assert head.getheader("content-type") == got.getheader("content-type")
        assert got_body


def test_a_connection_that_never_finishes_its_headers_is_closed(built, tmp_path):
    import engines

    log = tmp_path / "serve.log"
    with engines.serving(built.out, log, extra=["--client-timeout", "1"]) as server:
        parsed = urllib.parse.urlparse(server.base)
        idle = socket.create_connection((parsed.hostname, parsed.port), timeout=10)
        slow = socket.create_connection((parsed.hostname, parsed.port), timeout=10)
        slow.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        started = time.monotonic()
        for sock in (idle, slow):
            assert sock.recv(100) == b""  # closed by the server
        assert time.monotonic() - started < 8
        idle.close()
        slow.close()


def test_the_last_idle_worker_is_kept_for_clients_whose_queries_were_short():
    pool: FairPool[str] = FairPool(per_client=1, queue=4, reserve=1)
    pool.charge("heavy", 5.0, long=True)
    pool.charge("busy", 50.0)  # many short queries: not heavy
    pool.put("w1")
    assert pool.take("busy", 0.3) == "w1"
    pool.put("w1")
    assert pool.take("heavy", 0.3) is None  # only the reserved worker is idle
    assert pool.take("light", 0.3) == "w1"
    pool.put("w1")
    pool.put("w2")
    assert pool.take("heavy", 0.3) in ("w1", "w2")  # two idle: one may go to heavy
