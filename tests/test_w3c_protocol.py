"""The W3C SPARQL 1.1 Protocol tests, played against a real `skillgraph serve`.

``tests/w3c/sparql11-protocol/`` is the suite's manifest and data, unchanged (w3c/rdf-tests
commit ad541a5; ``tests/w3c/SOURCE.md``, ``LICENSE.md``).  Each case is a list of HTTP
requests with the status class, result format and boolean its answers must have.  A case
that names data (``ut:graphData``) runs on a server started with that data in named graphs
(``serve --data FILE=GRAPH``, GRAPH = the entry's label); the others on the plain server.
The manifest's ``/sparql/`` path prefix is replaced by this server's ``/sparql``, as the
manifest says to.

The endpoint is read-only, so the update cases that expect an update to succeed do not
apply: they are still played, and must get the refusal (403, "read-only").  The update
cases that expect a 4xx apply like any other.  The table of outcomes is written to
``tests/w3c/RESULTS.md`` (deterministic: no ports, no timings).

Also a script: ``python tests/test_w3c_protocol.py --build DIR`` prints the table.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from results_md import write_section

HERE = Path(__file__).resolve().parent
SUITE = HERE / "w3c" / "sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"
RESULTS = HERE / "w3c" / "RESULTS.md"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"

RESULT_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
READ_ONLY_REASON = "SPARQL Update on a read-only endpoint"
Graphs = tuple[tuple[Path, str], ...]  # (data file, graph IRI) pairs a case names


@dataclass
class Request:
    """One ``ht:Request`` of a case and what its answer must be."""

    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: list[str]  # e.g. ["2xx", "3xx"]
    boolean: bool | None = None
    result_format: str | None = None  # "boolean" | "tabular" | "RDF"


@dataclass
class Case:
    """One ``mf:ProtocolTest``: its id, name, the data it needs and its requests."""

    id: str
    name: str
    graphs: Graphs
    requests: list[Request]

    @property
    def kind(self) -> str:
        return "update" if "update" in self.id else "query"

    @property
    def applies(self) -> bool:
        """False for an update the suite expects to succeed: this endpoint is read-only."""
        return not (self.kind == "update" and "2xx" in self.requests[0].statuses)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def summary(self) -> str:
        first = self.body.decode("utf-8", errors="replace").strip().splitlines()
        text = first[0][:90] if first else ""
        return f"{self.status} {self.media or '-'}" + (f": {text}" if text else "")


@dataclass
class Outcome:
    case: Case
    answers: list[Answer] = field(default_factory=list)
    failure: str | None = None  # None: passed (or, for a case that does not apply, refused)


# --------------------------------------------------------------------------- the manifest
class _Graph:
    """Just enough of the manifest graph: objects, one object, RDF lists."""

    def __init__(self, path: Path) -> None:
        self.store = ox.Store()
        self.store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())

    def objects(self, s: ox.NamedNode | ox.BlankNode, p: str) -> list[ox.Term]:
        return [q.object for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None)]

    def one(self, s: ox.NamedNode | ox.BlankNode, p: str) -> ox.Term | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def items(self, head: ox.Term | None) -> list[ox.Term]:
        out = []
        while isinstance(head, ox.NamedNode | ox.BlankNode) and head.value != RDF + "nil":
            first = self.one(head, RDF + "first")
            if first is not None:
                out.append(first)
            head = self.one(head, RDF + "rest")
        return out


def load_manifest(path: Path = MANIFEST) -> list[Case]:
    """Every entry of the manifest, in its order."""
    g = _Graph(path)
    manifest = ox.NamedNode(path.as_uri())
    cases = []
    for entry in g.items(g.one(manifest, MF + "entries")):
        assert isinstance(entry, ox.NamedNode)
        graphs = []
        for data in g.objects(entry, UT + "graphData"):
            assert isinstance(data, ox.BlankNode)
            file, label = g.one(data, UT + "graph"), g.one(data, RDFS + "label")
            assert file is not None and label is not None
            graphs.append((Path(urllib.parse.urlparse(file.value).path), label.value))
        action = g.one(entry, MF + "action")
        assert isinstance(action, ox.BlankNode)
        requests = [_request(g, r) for r in g.items(g.one(action, HT + "requests"))]
        name = g.one(entry, MF + "name")
        cases.append(
            Case(
                entry.value.rsplit("#", 1)[-1],
                name.value if name else "",
                tuple(sorted(graphs)),
                requests,
            )
        )
    return cases


def _request(g: _Graph, node: ox.Term) -> Request:
    assert isinstance(node, ox.BlankNode)
    body = None
    content = g.one(node, HT + "body")
    if isinstance(content, ox.BlankNode):
        chars = g.one(content, CNT + "chars")
        encoding = g.one(content, CNT + "characterEncoding")
        assert chars is not None
        body = chars.value.encode(encoding.value if encoding else "utf-8")
    headers = {}
    for h in g.items(g.one(node, HT + "headers")):
        assert isinstance(h, ox.BlankNode)
        name, value = g.one(h, HT + "fieldName"), g.one(h, HT + "fieldValue")
        assert name is not None and value is not None
        headers[name.value] = value.value
    resp = g.one(node, HT + "resp")
    assert isinstance(resp, ox.BlankNode)
    statuses = sorted(
        s.value.removeprefix(HTS + "StatusCode") for s in g.objects(resp, MF + "expectedStatus")
    )
    boolean = g.one(resp, MF + "expectedBoolean")
    fmt = g.one(resp, MF + "expectedFormat")
    method, path = g.one(node, HT + "methodName"), g.one(node, HT + "absolutePath")
    assert method is not None and path is not None
    return Request(
        method.value,
        path.value,
        body,
        headers,
        statuses,
        None if boolean is None else boolean.value == "true",
        None if fmt is None else fmt.value,
    )


# --------------------------------------------------------------------------- playing a case
def play(base_url: str, request: Request) -> Answer:
    """Send the request as written (raw path, body bytes, headers; nothing added but
    Host and Content-Length), with the manifest's ``/sparql/`` prefix made ours."""
    path = request.path
    if path.startswith("/sparql/"):
        path = "/sparql" + path[len("/sparql/") :]
    parsed = urllib.parse.urlparse(base_url)
    conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=60)
    try:
        conn.putrequest(request.method, path, skip_accept_encoding=True)
        for name, value in request.headers.items():
            conn.putheader(name, value)
        if request.body is not None:
            conn.putheader("Content-Length", str(len(request.body)))
        conn.endheaders(request.body)
        response = conn.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


def judge(request: Request, answer: Answer) -> str | None:
    """What is wrong with the answer, or None.  The status must be in one of the expected
    classes; a "boolean" answer must be SPARQL results (JSON or XML) holding the expected
    boolean; "tabular" results in XML, JSON, CSV or TSV; "RDF" a graph syntax."""
    status_class = f"{answer.status // 100}xx"
    if status_class not in request.statuses:
        return f"status {answer.status}, expected {' or '.join(request.statuses)}"
    fmt = request.result_format
    try:
        if fmt in ("boolean", "tabular"):
            allowed = list(RESULT_MEDIA)[:2] if fmt == "boolean" else list(RESULT_MEDIA)
            if answer.media not in allowed:
                return f"content type {answer.media!r}, expected one of {allowed}"
            parsed = ox.parse_query_results(answer.body, format=RESULT_MEDIA[answer.media])
            if fmt == "boolean":
                if not isinstance(parsed, ox.QueryBoolean):
                    return "not a boolean result"
                if request.boolean is not None and bool(parsed) != request.boolean:
                    return f"boolean {bool(parsed)}, expected {request.boolean}"
            elif not isinstance(parsed, ox.QuerySolutions):
                return "not a table of solutions"
            else:
                list(parsed)
        elif fmt == "RDF":
            if answer.media not in RDF_MEDIA:
                return f"content type {answer.media!r}, expected one of {list(RDF_MEDIA)}"
            list(ox.parse(answer.body, format=RDF_MEDIA[answer.media]))
    except (SyntaxError, ValueError) as exc:
        return f"unparsable {fmt} answer: {exc}"
    return None


def run_case(base_url: str, case: Case) -> Outcome:
    """Play a case's requests in order.  A case that does not apply (an update expected to
    succeed) passes when its first request is refused as read-only (403)."""
    outcome = Outcome(case)
    if not case.applies:
        answer = play(base_url, case.requests[0])
        outcome.answers.append(answer)
        if answer.status != 403 or b"read-only" not in answer.body:
            outcome.failure = f"expected the read-only refusal (403), got {answer.summary()}"
        return outcome
    for request in case.requests:
        answer = play(base_url, request)
        outcome.answers.append(answer)
        wrong = judge(request, answer)
        if wrong:
            outcome.failure = wrong
            break
    return outcome


def results_markdown(outcomes: list[Outcome]) -> str:
    """The outcome table (Markdown), with the counts and the reason for cases that do not
    apply."""
    applicable = [o for o in outcomes if o.case.applies]
    passed = sum(1 for o in applicable if o.failure is None)
    not_applicable = [o for o in outcomes if not o.case.applies]
    lines = [
        "# W3C SPARQL 1.1 Protocol tests against `skillgraph serve`",
        "",
        "Written by `tests/test_w3c_protocol.py` (suite: `tests/w3c/sparql11-protocol/`, "
        "w3c/rdf-tests ad541a5).",
        "",
        f"{len(outcomes)} cases: {passed} of {len(applicable)} applicable cases pass; "
        f"{len(not_applicable)} do not apply ({READ_ONLY_REASON}: the endpoint refuses "
        "every update with 403, so an update expected to succeed cannot).",
        "",
        "| # | case | kind | data | expected | server answered | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, o in enumerate(outcomes, 1):
        req = o.case.requests[0]
        expected = " or ".join(req.statuses)
        if req.result_format:
            expected += f", {req.result_format}"
            if req.boolean is not None:
                expected += f" {str(req.boolean).lower()}"
        if len(o.case.requests) > 1:
            expected += f" (+{len(o.case.requests) - 1} more request)"
        data = ", ".join(p.name for p, _ in o.case.graphs) or "—"
        answered = "; ".join(a.summary().replace("|", "\\|") for a in o.answers)
        if not o.case.applies:
            result = (
                "not applicable: "
                + READ_ONLY_REASON
                + ("" if o.failure is None else f" — but {o.failure}")
            )
        else:
            result = "pass" if o.failure is None else f"FAIL: {o.failure}"
        lines.append(
            f"| {i} | `{o.case.id}` | {o.case.kind} | {data} | {expected} | {answered} | {result} |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- servers
@contextlib.contextmanager
def serve_with_data(build_dir: Path, graphs: Graphs, log: Path) -> Iterator[str]:
    """`skillgraph serve --port 0` on 127.0.0.1 with ``--data FILE=GRAPH`` for each graph;
    yields its URL (no trailing slash) once the endpoint answers."""
    import engines

    extra = ["--timeout", "10"]
    for file, graph in graphs:
        extra += ["--data", f"{file}={graph}"]
    with engines.serving(build_dir, log, extra=extra,
                         probe="/sparql?query=ASK%7B%7D") as server:
        yield server.base


@contextlib.contextmanager
def servers_for(
    cases: list[Case], build_dir: Path, logs: Path, plain_url: str | None = None
) -> Iterator[dict[Graphs, str]]:
    """One server per distinct set of data the cases name (``plain_url`` for none)."""
    with contextlib.ExitStack() as stack:
        urls: dict[Graphs, str] = {}
        for graphs in sorted({c.graphs for c in cases}):
            if not graphs and plain_url:
                urls[graphs] = plain_url
            else:
                log = logs / f"serve-{len(graphs)}-graphs.log"
                urls[graphs] = stack.enter_context(serve_with_data(build_dir, graphs, log))
        yield urls


def run_suite(cases: list[Case], urls: dict[Graphs, str]) -> list[Outcome]:
    """Every case, each on the server holding the data it names."""
    return [run_case(urls[c.graphs], c) for c in cases]


# --------------------------------------------------------------------------- tests
CASES = load_manifest()


ALL_DATA = max((c.graphs for c in CASES), key=len)  # data1–3 as named graphs


@pytest.fixture(scope="module")
def w3c_servers(built, skillgraph_server, tmp_path_factory) -> Iterator[dict[Graphs, str]]:
    logs = tmp_path_factory.mktemp("w3c")
    with servers_for(CASES, built.out, logs, skillgraph_server.base) as urls:
        yield urls


@pytest.fixture(scope="module")
def w3c_outcomes(w3c_servers) -> dict[str, Outcome]:
    outcomes = run_suite(CASES, w3c_servers)
    table = results_markdown(outcomes)
    write_section(RESULTS, "protocol", table)
    print("\n" + table)
    return {o.case.id: o for o in outcomes}


def test_the_manifest_is_read_whole():
    assert len(CASES) == 34
    assert sum(c.applies for c in CASES) == 27
    with_data = {c.id for c in CASES if c.graphs}
    assert "query_dataset_full" in with_data and "query_get" not in with_data


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_w3c_protocol_case(w3c_outcomes, case):
    """Each applicable case passes; each update expected to succeed is refused with 403."""
    outcome = w3c_outcomes[case.id]
    assert outcome.failure is None, (
        f"{case.id} ({case.name}): {outcome.failure}; answers: "
        + "; ".join(a.summary() for a in outcome.answers)
    )


def test_results_table_is_written(w3c_outcomes):
    text = RESULTS.read_text(encoding="utf-8")
    assert "27 of 27 applicable cases pass" in text
    assert text.count("not applicable: " + READ_ONLY_REASON) == 7


# --------------------------------------------------------------------------- beyond the suite
# The suite's named-graph cases pass even where named-graph-uri is ignored (GRAPH ?g then
# ranges over every named graph of the store); these check that the protocol's dataset
# is the query's dataset, exactly.
KASEI = "http://kasei.us/2009/09/sparql/data/"


def _select(url: str, query: str, **dataset: list[str]) -> list[str]:
    pairs = [("query", query)] + [
        (name.replace("_", "-"), iri) for name, iris in dataset.items() for iri in iris
    ]
    request = Request(
        "GET", "/sparql?" + urllib.parse.urlencode(pairs), None,
        {"Accept": "text/tab-separated-values"}, ["2xx"],
    )  # fmt: skip
    answer = play(url, request)
    assert answer.status == 200, answer.summary()
    rows = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.TSV)
    return sorted(str(next(iter(row))) for row in rows)


def _ask(url: str, query: str, **dataset: list[str]) -> bool:
    return _select(url, f"SELECT ?yes {{ BIND(true AS ?yes) FILTER EXISTS {{ {query} }} }}",
                   **dataset) != []  # fmt: skip


def test_named_graph_uri_limits_the_named_graphs(w3c_servers):
    url = w3c_servers[ALL_DATA]
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    every = [f"<{KASEI}data{i}.rdf>" for i in (1, 2, 3)]
    assert _select(url, q) == every  # no dataset given: the store's named graphs
    assert _select(url, q, named_graph_uri=[KASEI + "data1.rdf"]) == every[:1]
    assert _select(url, q, named_graph_uri=[KASEI + "nowhere"]) == []


def test_default_graph_uri_makes_the_default_graph(w3c_servers):
    url = w3c_servers[ALL_DATA]
    q = "SELECT DISTINCT ?s WHERE { ?s a ?type }"
    assert _select(url, q, default_graph_uri=[KASEI + "data3.rdf"]) == [f"<{KASEI}data3.rdf>"]
    both = _select(url, q, default_graph_uri=[KASEI + "data1.rdf", KASEI + "data2.rdf"])
    assert both == [f"<{KASEI}data1.rdf>", f"<{KASEI}data2.rdf>"]
    # without one, the default graph is the build's (and only the build's)
    assert _ask(url, "?t a <https://w3id.org/skillgraph/ontology#Trade>")
    assert not _ask(url, f"<{KASEI}data1.rdf> ?p ?o")


def test_the_protocol_dataset_replaces_from_and_from_named(w3c_servers):
    """SPARQL 1.1 Protocol §2.1.4: the request's dataset wins over the query's, whole."""
    url = w3c_servers[ALL_DATA]
    d1, d2, d3 = (KASEI + f"data{i}.rdf" for i in (1, 2, 3))
    q = f"SELECT ?s FROM <{d1}> WHERE {{ ?s ?p ?o }}"
    assert _select(url, q) == [f"<{d1}>"]
    assert _select(url, q, default_graph_uri=[d2]) == [f"<{d2}>"]
    assert _select(url, q, named_graph_uri=[d3]) == []  # default graph: the empty merge
    q = f"SELECT ?g FROM NAMED <{d1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert _select(url, q) == [f"<{d1}>"]
    assert _select(url, q, named_graph_uri=[d2]) == [f"<{d2}>"]


def test_service_description_names_the_loaded_graphs(w3c_servers):
    answer = play(
        w3c_servers[ALL_DATA], Request("GET", "/sparql", None, {"Accept": "text/turtle"}, ["2xx"])
    )
    triples = list(ox.parse(answer.body, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = sorted(t.object.value for t in triples if t.predicate.value == sd + "name")
    assert names == [KASEI + f"data{i}.rdf" for i in (1, 2, 3)]


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("missing.nt=urn:g", "no such file"),
        ("data1.nt=urn:a b", "Invalid IRI"),
        ("bad.nt", "Parser error"),
        ("data1.xyz", "unknown RDF format"),
        ("data.nq=urn:g", "names its own graphs"),
    ],
)
def test_serve_data_option_checks_files_before_starting(built, tmp_path, spec, says):
    from click.testing import CliRunner

    from skillgraph.cli import main as cli

    (tmp_path / "data1.nt").write_bytes((SUITE / "data1.nt").read_bytes())
    (tmp_path / "data1.xyz").write_bytes((SUITE / "data1.nt").read_bytes())
    (tmp_path / "data.nq").write_bytes((SUITE / "data1.nt").read_bytes())
    (tmp_path / "bad.nt").write_text("<a> <b> .\n")
    args = ["serve", "--port", "0", "--build", str(built.out), "--data", str(tmp_path / spec)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and says in result.output, result.output


def main(argv: list[str] | None = None) -> int:
    import tempfile

    ap = argparse.ArgumentParser(description="Play the W3C SPARQL 1.1 Protocol tests.")
    ap.add_argument("--build", type=Path, default=Path("build"), help="build directory")
    args = ap.parse_args(argv)
    cases = load_manifest()
    with (
        tempfile.TemporaryDirectory(prefix="skillgraph-w3c-") as tmp,
        servers_for(cases, args.build, Path(tmp)) as urls,
    ):
        outcomes = run_suite(cases, urls)
    table = results_markdown(outcomes)
    write_section(RESULTS, "protocol", table)
    print(table)
    return 0 if all(o.failure is None for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
