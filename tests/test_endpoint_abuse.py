"""Abuse of the server: malformed and oversized requests, updates, path traversal, markup.

Each test says what a hostile or careless client sends and what it must get: a 4xx with a
message that says why, nothing served from outside the intended directories, no markup
of theirs rendered as ours.  Paths are sent byte for byte over a raw socket to the real
`skillgraph serve` (``live_server``, 127.0.0.1): an HTTP client library would normalize
``..`` and percent-escapes before the server ever saw them.
"""

from __future__ import annotations

import csv
import http.client
import shutil
import socket
import urllib.parse

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from skillgraph.cli import main
from skillgraph.server.app import ServerConfig, create_app
from skillgraph.server.guard import MAX_DEPTH

SG = "https://w3id.org/skillgraph/ontology#"
OCC = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
XSS = "</textarea><script>alert('x')</script>"
# What a file outside the served directories would show if it leaked.
LEAK_MARKERS = (b"root:x:0:0", b"[project]", b"[build-system]", b"def ", b"import ")


def raw(base: str, head: bytes, *body_parts: bytes, timeout: float = 20) -> tuple[int, dict, bytes]:
    """Send bytes as they are (request line, headers, body parts) and read the answer."""
    parsed = urllib.parse.urlparse(base)
    sock = socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
    try:
        sock.sendall(head)
        for part in body_parts:
            try:
                sock.sendall(part)
            except OSError:  # the server answered and closed before reading it all
                break
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        sock.close()


def raw_get(base: str, path: bytes, accept: bytes = b"*/*") -> tuple[int, dict, bytes]:
    return raw(
        base, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept
        + b"\r\nConnection: close\r\n\r\n",
    )  # fmt: skip


def count_triples(client: TestClient) -> str:
    return client.get("/sparql", params={"query": COUNT}).json()["results"]["bindings"][0]["n"][
        "value"
    ]


# --------------------------------------------------------------------------- malformed SPARQL
MALFORMED = [
    "SELECT ?s WHERE { ?s ?p }",
    "SELEKT * WHERE { ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p "no end }',
    "SELECT * WHERE { ?s undeclared:p ?o }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
    "ASK {",
    "",
]


@pytest.mark.parametrize("query", MALFORMED)
@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_malformed_sparql_is_400_with_the_parser_message(live_server, query, method):
    with pytest.raises(SyntaxError) as parser:
        ox.Store().query(query)
    data = urllib.parse.urlencode({"query": query}).encode()
    if method == "GET":
        status, headers, body = raw_get(live_server, b"/sparql?" + data)
    else:
        ctype, payload = (
            (b"application/x-www-form-urlencoded", data)
            if method == "POST-form"
            else (b"application/sparql-query", query.encode())
        )
        status, headers, body = raw(
            live_server,
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ctype
            + b"\r\nContent-Length: " + str(len(payload)).encode()
            + b"\r\nConnection: close\r\n\r\n",
            payload,
        )  # fmt: skip
    assert status == 400
    assert headers["content-type"].startswith("text/plain")
    assert body.decode() == f"Malformed query: {parser.value}\n"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("SELECT * WHERE " + "{" * 20000 + "}" * 20000, "nests or chains too deeply"),
        ("SELECT * WHERE { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }", "too deeply"),
        ("ASK { ?s ?p " + "[ ?p " * 20000 + "1" + " ]" * 20000 + " }", "too deeply"),
        ("ASK { ?s ?p " + "(" * 20000 + "1" + ")" * 20000 + " }", "too deeply"),
        ("SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1), "nests 257 levels"),
    ],
    ids=["braces", "parentheses", "blank-nodes", "collections", "one-past-the-limit"],
)
def test_queries_nested_past_the_limits_are_400_not_a_crash(server_client, query, says):
    """20,000 nested groups killed a worker with SIGSEGV (stack overflow) before."""
    r = server_client.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400 and says in r.text, r.text
    assert server_client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


CHAINS = {
    "plus": lambda n: "SELECT (" + "+".join(["1"] * n) + " AS ?x) {}",
    "union": lambda n: "SELECT * {" + " UNION ".join(["{}"] * n) + "}",
    "bind": lambda n: "SELECT * {" + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + "}",
    "triples": lambda n: "SELECT * { ?s " + "; ".join(f"<x:p> ?o{i}" for i in range(n)) + "}",
    "and": lambda n: "ASK { FILTER(" + " && ".join(["true"] * n) + ") }",
}


def test_operator_and_depth_limits_are_computed_on_the_parsed_query(built):
    """Configured low, so that the parser's time does not dominate: at the limit a chain
    runs, one past it is 400 naming the limit and its flag."""
    config = ServerConfig(built.out, workers=1, timeout=30, max_operators=250, max_depth=6)
    with TestClient(create_app(config)) as client:

        def post(query: str) -> tuple[int, str]:
            r = client.post(
                "/sparql", content=query.encode(),
                headers={"Content-Type": "application/sparql-query"},
            )  # fmt: skip
            return r.status_code, r.text

        for name, chain in CHAINS.items():
            assert post(chain(100))[0] == 200, name
            status, text = post(chain(300))
            assert status == 400 and "the limit is 250" in text, (name, text)
            assert "--max-operators" in text
        assert post("ASK " + "{" * 6 + "}" * 6)[0] == 200
        status, text = post("ASK " + "{" * 7 + "}" * 7)
        assert status == 400 and "nests 7 levels" in text and "--max-depth" in text
        status, text = post("ASK { FILTER(" + "(" * 6 + "1" + ")" * 6 + ") }")
        assert status == 400 and "--max-depth" in text


def test_queries_at_the_default_depth_run(server_client):
    """At the default depth the 64 MB worker stack holds: answered, no worker lost."""
    deep = "SELECT * WHERE " + "{" * MAX_DEPTH + "}" * MAX_DEPTH
    r = server_client.post(
        "/sparql", content=deep.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 200, r.text[:200]


def test_query_text_that_is_not_utf8_is_400_not_guessed(server_client):
    r = server_client.get("/sparql?query=ASK%20%7B%7D%FF")
    assert r.status_code == 400 and "not UTF-8" in r.text
    r = server_client.post(
        "/sparql", content=b"ASK {} # \xff", headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400 and "not UTF-8" in r.text
    r = server_client.post(
        "/sparql",
        content=b"query=ASK%20%7B%7D%FE",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "not UTF-8" in r.text
    r = server_client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert r.status_code == 415 and "UTF-8" in r.text


# --------------------------------------------------------------------------- oversized requests
def test_a_body_over_one_megabyte_is_413(server_client):
    limit = 1024 * 1024
    prefix = b"query=ASK%7B%7D%23"  # ASK{}# and a comment to fill the megabyte
    ok = prefix + b"x" * (limit - len(prefix))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    r = server_client.post("/sparql", content=ok, headers=headers)
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = server_client.post("/sparql", content=ok + b"x", headers=headers)
    assert r.status_code == 413
    assert "1024 KB" in r.text and "--max-body" in r.text


def test_a_declared_large_body_is_refused_before_it_is_read(live_server):
    """Content-Length: 2 MB, only 64 KB sent: the 413 comes without waiting for the rest."""
    status, _, body = raw(
        live_server,
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n",
        b"query=ASK%7B%7D%23" + b"x" * 65536,
        timeout=5,
    )
    assert status == 413 and b"1024 KB" in body


def test_a_chunked_body_is_cut_at_the_limit(live_server):
    chunk = b"x" * 65536
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    start = b"12\r\nquery=ASK%7B%7D%23\r\n"
    part = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    status, _, _ = raw(live_server, head, start, *[part] * 20, b"0\r\n\r\n")
    assert status == 413
    status, _, body = raw(live_server, head, start, *[part] * 3, b"0\r\n\r\n")  # 192 KB: fine
    assert status == 200 and b"true" in body


def test_the_limit_is_configurable_and_covers_the_query_string(built):
    app = create_app(ServerConfig(built.out, workers=1, max_body_kb=4))
    with TestClient(app) as client:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        small = urllib.parse.urlencode({"query": "ASK {} #" + "x" * 3000})
        assert client.post("/sparql", content=small, headers=form).status_code == 200
        big = urllib.parse.urlencode({"query": "ASK {} #" + "x" * 5000})
        r = client.post("/sparql", content=big, headers=form)
        assert r.status_code == 413 and "4 KB" in r.text
        r = client.get("/sparql?" + big)
        assert r.status_code == 414 and "POST" in r.text
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--max-body" in result.output and "413" in result.output


# --------------------------------------------------------------------------- updates
UPDATE = f"PREFIX sg: <{SG}> INSERT DATA {{ sg:x sg:y sg:z }}"
UPDATES = {
    "form update=": ("POST", {"update": UPDATE}, None),
    "GET update=": ("GET", {"update": UPDATE}, None),
    "sparql-update body": ("POST", None, ("application/sparql-update", UPDATE)),
    "update in form query=": ("POST", {"query": UPDATE}, None),
    "update in GET query=": ("GET", {"query": UPDATE}, None),
    "update as sparql-query": ("POST", None, ("application/sparql-query", UPDATE)),
    "lower case, after a comment": ("POST", {"query": "# hi\ndelete where { ?s ?p ?o }"}, None),
    "LOAD a local file": ("POST", {"query": "LOAD <file:///etc/passwd>"}, None),
    "DROP ALL": ("GET", {"query": "DROP ALL"}, None),
    "WITH … DELETE": ("POST", {"query": f"WITH <{OCC}> DELETE {{ ?s ?p ?o }} WHERE {{}}"}, None),
}


@pytest.mark.parametrize("how", list(UPDATES))
def test_updates_are_refused_with_a_clear_message(server_client, how):
    method, params, direct = UPDATES[how]
    before = count_triples(server_client)
    if direct:
        r = server_client.post(
            "/sparql", content=direct[1].encode(), headers={"Content-Type": direct[0]}
        )
    elif method == "GET":
        r = server_client.get("/sparql", params=params)
    else:
        r = server_client.post("/sparql", data=params)
    assert r.status_code == 403
    assert "read-only" in r.text and "SPARQL Update is not accepted" in r.text
    assert count_triples(server_client) == before


# --------------------------------------------------------------------------- path traversal
TRAVERSALS = [
    b"/static/../../etc/passwd",
    b"/static/../../../../../../etc/passwd",
    b"/static/%2e%2e/%2e%2e/etc/passwd",
    b"/static/..%2f..%2fetc%2fpasswd",
    b"/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    b"/static/..%5c..%5cpyproject.toml",
    b"/static/..\\..\\pyproject.toml",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/static/style.css%00.html",
    b"/static/%00",
    b"/static/",
    b"/dumps/..%2fpyproject.toml",
    b"/dumps/../pyproject.toml",
    b"/dumps/%2e%2e",
    b"/dumps/%2e%2e%2fgraph.nt",
    b"/dumps/..%5cgraph.nt",
    b"/dumps/graph.nt%00",
    b"/dumps/report.md",
    b"/dumps/provenance.tsv",
    b"/dumps/validation.txt",
    b"/id/../../etc/passwd",
    b"/id/..%2f..%2fpyproject.toml",
    b"/id/%2e%2e/%2e%2e/pyproject.toml",
    b"/id/..%5c..%5cpyproject.toml",
    b"/id/%00",
    b"/id/occupation%00/4-09-07-04",
    b"/id/a%20b",
    b"/id/%3Cx%3E",
    b"/ontology.%2e%2e",
    b"/void.%00",
    b"/%2e%2e/pyproject.toml",
    b"/..%2f..%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS, ids=[p.decode(errors="replace") for p in TRAVERSALS])
def test_path_traversal_is_refused_and_serves_nothing_from_elsewhere(live_server, path):
    status, _, body = raw_get(live_server, path)
    assert status in (400, 404), (status, body[:200])
    assert not any(marker in body for marker in LEAK_MARKERS), body[:200]


def test_nul_bytes_in_the_request_line_are_400(live_server):
    for path in (b"/static/\x00", b"/id/\x00", b"/dumps/graph.nt\x00"):
        status, _, body = raw_get(live_server, path)
        assert status == 400 and not any(m in body for m in LEAK_MARKERS)


def test_the_intended_files_are_still_served(live_server, built):
    status, headers, body = raw_get(live_server, b"/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, _, body = raw_get(live_server, b"/dumps/graph.nt")
    assert status == 200 and body == (built.out / "graph.nt").read_bytes()
    status, _, _ = raw_get(live_server, b"/id/occupation/4-09-07-04.ttl")
    assert status == 200


def test_a_hostile_host_header_does_not_reach_the_answers(live_server):
    head = b"GET /void.ttl HTTP/1.1\r\nHost: <script>x</script>\r\nConnection: close\r\n\r\n"
    status, _, body = raw(live_server, head)
    assert status in (200, 400) and b"<script>" not in body


# --------------------------------------------------------------------------- markup
def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html or "&lt;/textarea&gt;&lt;script&gt;" in html


def test_query_string_echoed_by_the_query_page_is_escaped(server_client):
    r = server_client.get("/query", params={"query": XSS})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert_escaped(r.text)
    r = server_client.get("/sparql", headers={"Accept": "text/html"}, params={"q": XSS})
    assert "<script>alert" not in r.text


@pytest.mark.parametrize("path", ["/id/" + XSS, "/no/such/" + XSS, "/ontology." + XSS])
def test_the_404_page_escapes_the_path(server_client, path):
    r = server_client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in r.text and "&lt;script&gt;alert" in r.text
    r = server_client.get(path, headers={"Accept": "*/*"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/plain")


def test_the_404_page_escapes_a_raw_path_on_the_live_server(live_server):
    status, headers, body = raw_get(
        live_server, b"/id/<script>alert('x')</script>", accept=b"text/html"
    )
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert b"<script>alert" not in body and b"&lt;script&gt;alert" in body


def test_a_label_with_markup_is_shown_as_text(built, tmp_path):
    """A hostile label in the data (say, a future standard's text): escaped on its own
    page, on its parent's page and in the index."""
    build = tmp_path / "build"
    shutil.copytree(built.out, build)
    level = f"{OCC}/trade/accounting/level/3"
    label = ox.Literal("<script>alert('label')</script>", language="zh")
    with (build / "graph.nt").open("a", encoding="utf-8") as nt:
        nt.write(f"<{level}> <http://www.w3.org/2004/02/skos/core#prefLabel> {label} .\n")
    with TestClient(create_app(ServerConfig(build, workers=1))) as client:
        for path in (
            level.split("/id/")[1] + ".html",
            "occupation/4-09-07-04/trade/accounting.html",
        ):
            r = client.get("/id/" + path)
            assert r.status_code == 200, path
            assert "<script>alert" not in r.text and "&lt;script&gt;alert(&#39;label" in r.text
        r = client.get("/")
        assert "<script>alert" not in r.text


def test_curriculum_html_report_escapes_titles_and_names(built, tmp_path):
    from skillgraph.curriculum.run import run_curriculum

    name = "<img src=x onerror=alert(1)>"
    sheet = tmp_path / f"{name}.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["course_id", "course_title", "hours", "requirement", "treatment", "notes"])
        w.writerow(["C<1>", XSS, "8", "碳排放核算员/3/S2.2.1", "I", "<b>note</b>"])
    run = run_curriculum(sheet, target="碳排放核算员/3", build_dir=built.out, fmt="html")
    html = run.stdout.decode()
    assert_escaped(html)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "C<1>" not in html and "C&lt;1&gt;" in html
