"""The SPARQL 1.1 Protocol endpoint: methods, formats, negotiation, errors, limits.

Most tests go through the in-process client (``server_client``); the ``live_server``
tests talk real HTTP to `skillgraph serve --port 0` on loopback.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from skillgraph.server.conneg import negotiate
from skillgraph.server.protocol import query_form

SG = "https://w3id.org/skillgraph/ontology#"
TRADES = f"PREFIX sg: <{SG}> SELECT ?t WHERE {{ ?t a sg:Trade }} ORDER BY ?t"
CONSTRUCT = (
    f"PREFIX sg: <{SG}> CONSTRUCT {{ ?t a sg:Trade }} WHERE {{ ?t a sg:Trade }}"
)
ASK = f"ASK {{ ?s a <{SG}TradeLevel> }}"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
N_TRADES = 6


def trades_of(body: dict) -> list[str]:
    return [row["t"]["value"] for row in body["results"]["bindings"]]


# --- protocol methods ------------------------------------------------------------------
def test_get_with_query_parameter_returns_results_json(server_client):
    r = server_client.get("/sparql", params={"query": TRADES})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert len(trades_of(r.json())) == N_TRADES


def test_post_form_urlencoded_query(server_client):
    r = server_client.post("/sparql", data={"query": TRADES})
    assert r.status_code == 200
    assert len(trades_of(r.json())) == N_TRADES


def test_post_direct_sparql_query_body(server_client):
    r = server_client.post(
        "/sparql", content=TRADES.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 200
    assert len(trades_of(r.json())) == N_TRADES


def test_post_with_other_content_type_is_415(server_client):
    r = server_client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    assert "application/sparql-query" in r.text


def test_post_without_query_is_400(server_client):
    r = server_client.post("/sparql", data={"nothing": "here"})
    assert r.status_code == 400


def test_two_queries_in_one_request_are_400(server_client):
    r = server_client.get("/sparql?" + urllib.parse.urlencode([("query", ASK), ("query", ASK)]))
    assert r.status_code == 400
    assert "exactly one query" in r.text


def test_default_and_named_graph_uri_are_accepted_and_name_empty_graphs(server_client):
    """All data is in the default graph: naming a graph selects an empty one."""
    r = server_client.get("/sparql", params={"query": ASK})
    assert r.json()["boolean"] is True
    r = server_client.get(
        "/sparql", params={"query": ASK, "default-graph-uri": "https://example.org/g"}
    )
    assert r.status_code == 200 and r.json()["boolean"] is False
    q = "ASK { GRAPH ?g { ?s ?p ?o } }"
    r = server_client.post(
        "/sparql", data={"query": q, "named-graph-uri": "https://example.org/g"}
    )
    assert r.status_code == 200 and r.json()["boolean"] is False


# --- result formats ------------------------------------------------------------------
SELECT_FORMATS = [
    ("application/sparql-results+json", "json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
    ("text/csv", "csv", "text/csv"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
]


def parse_solutions(body: bytes, key: str) -> list[str]:
    if key == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["t"]
        return [r[0] for r in rows[1:]]
    fmt = {"json": "JSON", "xml": "XML", "tsv": "TSV"}[key]
    parsed = ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, fmt))
    return [s["t"].value for s in parsed]


@pytest.mark.parametrize(("accept", "key", "media"), SELECT_FORMATS)
def test_select_in_each_results_format_by_accept(server_client, accept, key, media):
    r = server_client.get("/sparql", params={"query": TRADES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert r.headers["vary"] == "Accept"
    trades = parse_solutions(r.content, key)
    assert len(trades) == N_TRADES and trades == sorted(trades)


@pytest.mark.parametrize(("accept", "key", "media"), SELECT_FORMATS)
def test_select_in_each_results_format_by_format_parameter(server_client, accept, key, media):
    r = server_client.get(
        "/sparql", params={"query": TRADES, "format": key}, headers={"Accept": "text/turtle"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert len(parse_solutions(r.content, key)) == N_TRADES


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_ask_in_each_results_format(server_client, key):
    r = server_client.get("/sparql", params={"query": ASK, "format": key})
    assert r.status_code == 200
    assert b"true" in r.content


@pytest.mark.parametrize(
    ("accept", "key", "fmt"),
    [
        ("text/turtle", "ttl", ox.RdfFormat.TURTLE),
        ("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_in_each_graph_format(server_client, accept, key, fmt):
    for headers, params in (
        ({"Accept": accept}, {"query": CONSTRUCT}),
        ({}, {"query": CONSTRUCT, "format": key}),
    ):
        r = server_client.get("/sparql", params=params, headers=headers)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(accept)
        triples = list(ox.parse(r.content, format=fmt))
        assert len(triples) == N_TRADES


def test_describe_returns_turtle_by_default(server_client):
    iri = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting"
    r = server_client.get("/sparql", params={"query": f"DESCRIBE <{iri}>"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    labels = [
        t.object.value
        for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE)
        if t.predicate.value.endswith("prefLabel")
    ]
    assert "碳排放核算员" in labels


# --- content negotiation -----------------------------------------------------------------
RESULTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
DOCS = ["text/turtle", "application/ld+json", "text/html"]


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, RESULTS, "application/sparql-results+json"),  # no header: server's first
        ("", RESULTS, "application/sparql-results+json"),
        ("*/*", RESULTS, "application/sparql-results+json"),
        ("text/csv", RESULTS, "text/csv"),
        ("text/*", RESULTS, "text/csv"),
        ("application/sparql-results+xml, text/csv", RESULTS, "application/sparql-results+xml"),
        ("text/csv;q=0.5, application/sparql-results+xml", RESULTS,
         "application/sparql-results+xml"),  # q beats order
        ("text/csv;q=0.5, */*;q=0.1", RESULTS, "text/csv"),
        ("text/csv;q=0, */*", RESULTS, "application/sparql-results+json"),  # q=0 excludes
        ("TEXT/CSV", RESULTS, "text/csv"),  # case-insensitive
        ("text/csv ; q=0.9 , application/sparql-results+json;q=0.8", RESULTS, "text/csv"),
        ("text/csv;q=abc", RESULTS, None),  # malformed q counts as 0
        ("image/png", RESULTS, None),
        ("text/turtle", RESULTS, None),
        # a browser
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", DOCS, "text/html"),
        ("application/ld+json, text/turtle", DOCS, "application/ld+json"),  # order breaks ties
        ("text/turtle;q=0.9, application/ld+json;q=0.9", DOCS, "text/turtle"),
        ("text/*;q=0.5, text/html;q=0.1", DOCS, "text/turtle"),  # specific range wins for html
        ("*/*", DOCS, "text/turtle"),
        ("text/html", [], None),
    ],
)
def test_negotiate_table(accept, offered, expected):
    assert negotiate(accept, offered) == expected


def test_select_asked_only_as_graph_format_is_406(server_client):
    r = server_client.get("/sparql", params={"query": TRADES}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_construct_asked_as_csv_is_406(server_client):
    r = server_client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406
    assert "text/turtle" in r.text


def test_unknown_format_parameter_is_400(server_client):
    r = server_client.get("/sparql", params={"query": TRADES, "format": "yaml"})
    assert r.status_code == 400
    assert "json" in r.text


# --- errors: malformed, updates ---------------------------------------------------------
def test_malformed_query_is_400_with_the_parser_message(server_client):
    r = server_client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p "})
    assert r.status_code == 400
    assert r.text.startswith("Malformed query:")
    assert len(r.text) > len("Malformed query: \n")  # the parser says where and what


UPDATE = f"PREFIX sg: <{SG}> INSERT DATA {{ sg:x sg:y sg:z }}"


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/sparql", data={"update": UPDATE}),
        lambda c: c.get("/sparql", params={"update": UPDATE}),
        lambda c: c.post(
            "/sparql", content=UPDATE.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        lambda c: c.post("/sparql", data={"query": UPDATE}),
        lambda c: c.post(
            "/sparql", content=b"# comment\nDELETE WHERE { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-query"},
        ),
    ],
    ids=["form-update", "get-update", "sparql-update-body", "update-as-query", "delete-direct"],
)
def test_updates_are_refused_403_and_change_nothing(server_client, send):
    before = server_client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    r = send(server_client)
    assert r.status_code == 403
    assert "read-only" in r.text
    after = server_client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert before.json() == after.json()


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * {}", "select"),
        ("  ask {}", "ask"),
        ("BASE <http://x/#a> PREFIX a: <http://x/a#> CONSTRUCT {} WHERE {}", "construct"),
        ("PREFIX : <http://x/>\n# SELECT\nDESCRIBE :a", "describe"),
        ("PREFIX sg: <x#> LOAD <http://example.org/>", "update"),
        ("WITH <g> DELETE { } WHERE { }", "update"),
        ("CLEAR ALL", "update"),
        ("nonsense", None),
        ("", None),
    ],
)
def test_query_form_reads_past_the_prologue(text, form):
    assert query_form(text) == form


# --- bare GET: UI or service description -----------------------------------------------
def test_bare_get_from_a_browser_is_the_query_ui(server_client):
    r = server_client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert 'id="query-form"' in r.text and "overview-counts" in r.text


def test_bare_get_otherwise_is_the_service_description(server_client):
    r = server_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = "http://127.0.0.1:8000/sparql"
    spo = {(t.subject.value, t.predicate.value, t.object.value) for t in triples}
    assert (endpoint, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", sd + "Service") in spo
    assert (endpoint, sd + "endpoint", endpoint) in spo
    assert (endpoint, sd + "supportedLanguage", sd + "SPARQL11Query") in spo
    formats = {o for s, p, o in spo if p == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    r = server_client.get("/sparql")  # no Accept at all: Turtle too
    assert r.headers["content-type"].startswith("text/turtle")


# --- CORS ------------------------------------------------------------------------------
def test_cors_allows_any_origin_on_answers(server_client):
    r = server_client.get(
        "/sparql", params={"query": ASK}, headers={"Origin": "https://example.org"}
    )
    assert r.headers["access-control-allow-origin"] == "*"
    assert "X-Results-Truncated" in r.headers["access-control-expose-headers"]
    assert server_client.get("/").headers["access-control-allow-origin"] == "*"


def test_cors_preflight_options(server_client):
    r = server_client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert r.headers["access-control-allow-headers"] == "content-type"


# --- row limit ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def capped_client(built):
    """A second app whose answers are capped at 5 rows."""
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(built.out, max_results=5, workers=1))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_row_limit_truncates_and_says_so_in_a_header(capped_client, key):
    q = f"SELECT ?t WHERE {{ ?t a <{SG}TradeLevel> }} ORDER BY ?t"
    r = capped_client.get("/sparql", params={"query": q, "format": key})
    assert r.status_code == 200
    assert r.headers["x-results-truncated"] == "5"
    if key == "csv":
        assert len(r.text.strip().splitlines()) == 1 + 5
    else:
        fmt = getattr(ox.QueryResultsFormat, {"json": "JSON", "xml": "XML", "tsv": "TSV"}[key])
        assert len(list(ox.parse_query_results(r.content, fmt))) == 5


def test_row_limit_applies_to_construct_triples(capped_client):
    q = f"CONSTRUCT {{ ?t a <{SG}TradeLevel> }} WHERE {{ ?t a <{SG}TradeLevel> }}"
    r = capped_client.get("/sparql", params={"query": q, "format": "nt"})
    assert r.headers["x-results-truncated"] == "5"
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) == 5


def test_answers_within_the_limit_carry_no_truncation_header(capped_client):
    r = capped_client.get("/sparql", params={"query": f"SELECT ?t {{ ?t a <{SG}Occupation> }}"})
    assert "x-results-truncated" not in r.headers
    assert len(r.json()["results"]["bindings"]) == 1


# --- end to end: `skillgraph serve` on loopback ------------------------------------------
def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_live_server_answers_get_post_and_direct_post(live_server):
    q = urllib.parse.quote(TRADES)
    status, _, body = fetch(f"{live_server}/sparql?query={q}")
    assert status == 200 and len(trades_of(json.loads(body))) == N_TRADES
    form = urllib.parse.urlencode({"query": TRADES}).encode()
    status, _, body = fetch(
        f"{live_server}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and len(trades_of(json.loads(body))) == N_TRADES
    status, _, body = fetch(
        f"{live_server}/sparql", TRADES.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert status == 200 and body.decode().splitlines()[0] == "t"


def test_live_server_caps_rows_at_max_results(live_server):
    q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    status, headers, body = fetch(f"{live_server}/sparql?query={q}")
    assert status == 200
    assert headers["x-results-truncated"] == "1000"
    assert len(json.loads(body)["results"]["bindings"]) == 1000


def test_timeout_stops_a_heavy_query_while_other_clients_are_served(live_server):
    """A cross join runs into --timeout 1.5 (504); a simple query sent meanwhile is answered
    at once by the other worker; afterwards the pool is whole again."""
    heavy: dict[str, object] = {}

    def run_heavy() -> None:
        started = time.monotonic()
        heavy["answer"] = fetch(f"{live_server}/sparql?query={urllib.parse.quote(HEAVY)}")
        heavy["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_heavy)
    thread.start()
    simple_times = []
    for _ in range(5):  # while the heavy one runs
        started = time.monotonic()
        status, _, body = fetch(f"{live_server}/sparql?query={urllib.parse.quote(ASK)}")
        simple_times.append(time.monotonic() - started)
        assert status == 200 and json.loads(body)["boolean"] is True
    thread.join(timeout=30)
    status, _, body = heavy["answer"]  # type: ignore[misc]
    assert status == 504
    assert "timeout of 1.5 s" in body.decode()
    assert 1.4 <= heavy["seconds"] < 6  # type: ignore[operator]
    assert max(simple_times) < 1.0, simple_times
    # the killed worker is replaced: two queries at once both run
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                fetch(f"{live_server}/sparql?query={urllib.parse.quote(ASK)}")[0]
            )
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [200] * 4


# --- refusals that protect the server --------------------------------------------------
def test_query_sent_as_update_parameter_gets_a_hint(server_client):
    """SPARQLWrapper sends a query as update= when a comment says e.g. "add up"."""
    r = server_client.post("/sparql", data={"update": "# do not add up\n" + TRADES})
    assert r.status_code == 403
    assert "holds a SELECT query" in r.text and "query=" in r.text


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", True),
        ("select * { service silent ?endpoint { ?s ?p ?o } }", True),
        ('SELECT ?service WHERE { ?service ?p "SERVICE" } # SERVICE', False),
        (f"PREFIX ex: <{SG}> SELECT * {{ ?s ex:SERVICE ?o }} LIMIT 1", False),
    ],
)
def test_federated_service_queries_are_refused(server_client, text, refused):
    """The endpoint never fetches from other hosts on a client's behalf."""
    r = server_client.get("/sparql", params={"query": text})
    if refused:
        assert r.status_code == 403 and "SERVICE" in r.text
    else:
        assert r.status_code == 200, r.text


def test_a_query_over_the_memory_limit_fails_and_the_worker_is_replaced(built):
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(built.out, workers=1, timeout=30, memory_limit_mb=600))
    with TestClient(app) as client:
        big = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
        started = time.monotonic()
        r = client.get("/sparql", params={"query": big})
        assert r.status_code == 500
        assert "out of memory" in r.text and "600 MB" in r.text
        assert time.monotonic() - started < 20
        r = client.get("/sparql", params={"query": ASK})  # waits for the replacement
        assert r.status_code == 200 and r.json()["boolean"] is True


# --- byte cap and spooled answers ----------------------------------------------------------
BIG_ROWS = (
    "SELECT ?a ?b ?c WHERE { ?a ?p ?b . ?c ?q ?d } LIMIT 9000"  # ~1.5 MB of JSON
)
# one literal of 10^7 characters, from a 200-byte query
HUGE_LITERAL = (
    'SELECT ?out WHERE { BIND("xxxxxxxxxx" AS ?a) '
    + " ".join(
        f"BIND(CONCAT({', '.join([f'?{x}'] * 10)}) AS ?{y})"
        for x, y in zip("abcdef", "bcdefg", strict=True)
    )
    + " BIND(?g AS ?out) }"
)


@pytest.fixture(scope="module")
def byte_capped_client(built):
    """An app whose answers are capped at 1 MB."""
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(built.out, max_answer_mb=1, workers=1, timeout=30))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_byte_cap_cuts_whole_rows_and_says_so(byte_capped_client, key):
    r = byte_capped_client.get("/sparql", params={"query": BIG_ROWS, "format": key})
    assert r.status_code == 200
    assert len(r.content) <= 2**20
    assert r.headers["x-results-truncated-bytes"] == str(2**20)
    kept = int(r.headers["x-results-truncated"])
    assert 1000 < kept < 9000
    if key == "csv":
        assert len(r.text.strip().splitlines()) == 1 + kept
    else:
        fmt = getattr(ox.QueryResultsFormat, {"json": "JSON", "xml": "XML", "tsv": "TSV"}[key])
        assert len(list(ox.parse_query_results(r.content, fmt))) == kept


def test_byte_cap_applies_to_graphs_and_to_one_huge_value(byte_capped_client):
    q = "CONSTRUCT { ?a ?p ?b . ?c ?p ?b } WHERE { ?a ?p ?b . ?c ?q ?d } LIMIT 9000"
    r = byte_capped_client.get("/sparql", params={"query": q, "format": "nt"})
    assert r.status_code == 200 and len(r.content) <= 2**20
    assert r.headers["x-results-truncated-bytes"] == str(2**20)
    r = byte_capped_client.get("/sparql", params={"query": HUGE_LITERAL})
    assert r.status_code == 200 and len(r.content) < 1000
    assert r.json()["results"]["bindings"] == []
    assert r.headers["x-results-truncated"] == "0"


def test_long_answers_are_streamed_from_a_spool_file_that_is_then_removed(server_client):
    import os

    pool = server_client.app.state.site.pool
    r = server_client.get("/sparql", params={"query": BIG_ROWS, "format": "csv"})
    assert r.status_code == 200 and len(r.content) > 256 * 1024
    assert int(r.headers["content-length"]) == len(r.content)
    assert "x-results-truncated" not in r.headers
    assert os.listdir(pool.spool_dir) == []
