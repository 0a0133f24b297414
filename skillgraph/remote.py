"""Catalog queries on any SPARQL 1.1 endpoint (SPARQLWrapper), with output made here.

The read path scales out (docs/architecture.md, "Engine facts") as replicas of an existing
engine (Virtuoso, Fuseki, QLever, Oxigraph) queried with the same catalog.  The query is
POSTed and the answer is always asked for as SPARQL 1.1 Query Results JSON (graph answers as
Turtle); every output format is then written here from that one answer, so ``--format csv``
looks the same whatever the endpoint's own CSV would have been.  JSON terms are normalized
first (Virtuoso's legacy ``typed-literal``, an explicit ``xsd:string`` or ``rdf:langString``
datatype), so that the embedded store and an endpoint holding the same graph print the same
bytes.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import urllib.error
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import __version__
from .params import query_form
from .results import render_table
from .store import QueryResult

__all__ = ["RemoteError", "normalize_results", "render_results", "run_remote", "to_csv", "to_tsv"]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Term = dict[str, str]

# Turtle's bare numeric and boolean forms (SPARQL 1.1 TSV writes these without quotes).
_BARE = {
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    XSD + "double": re.compile(
        r"^[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)$"
    ),
    XSD + "boolean": re.compile(r"^(?:true|false)$"),
}
# SPARQLWrapper turns these HTTP statuses into exceptions and keeps no status code
_STATUS = {
    "QueryBadFormed": "400 (bad query)",
    "Unauthorized": "401 (unauthorized)",
    "EndPointNotFound": "404 (not found)",
    "URITooLong": "414 (URI too long)",
    "EndPointInternalError": "500 (internal error)",
}
_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class RemoteError(RuntimeError):
    """The endpoint could not be reached or refused the query; the message says which."""


@dataclass
class RemoteAnswer:
    """What the endpoint returned: query results JSON (SELECT, ASK) or triples (graph)."""

    results: dict[str, Any] | None = None
    triples: list[ox.Triple] | None = None


def _server_message(exc: SPARQLWrapperException) -> str:
    """The response body SPARQLWrapper folded into its message (it keeps no attribute)."""
    text = str(exc)
    if "Response:\n" not in text:
        return getattr(exc, "msg", text)
    raw = text.split("Response:\n", 1)[1]
    try:
        body = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw.strip()
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    return str(body).strip()


def run_remote(endpoint: str, query: str, *, timeout: float = 60.0) -> RemoteAnswer:
    """POST ``query`` to ``endpoint``; results JSON, or the triples of a graph answer.

    ``RemoteError`` names the endpoint and carries the server's message (a bad query is
    the endpoint's 400, a query it stopped its 5xx, an unreachable host the socket error).
    """
    form = query_form(query)
    client = SPARQLWrapper(endpoint, agent=f"skillgraph/{__version__}")
    client.setMethod(POST)
    client.setTimeout(int(timeout))
    client.setQuery(query)
    # SPARQLWrapper guesses the form by searching the text for keywords, comments included
    # ("loader" reads as LOAD, "add up" as ADD) and would then send it as an update
    client.queryType = form or "SELECT"
    client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
    try:
        response = client.query().response
        body = response.read()
    except SPARQLWrapperException as exc:
        status = _STATUS.get(type(exc).__name__, "error")
        raise RemoteError(f"{endpoint}: HTTP {status}: {_server_message(exc)}") from exc
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", errors="replace").strip()
        raise RemoteError(f"{endpoint}: HTTP {exc.code} {exc.reason}: {detail}") from exc
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"{endpoint}: cannot reach the endpoint ({reason})") from exc
    if form in ("CONSTRUCT", "DESCRIBE"):
        try:
            return RemoteAnswer(triples=list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
        except SyntaxError as exc:
            raise RemoteError(f"{endpoint}: the answer is not Turtle ({exc})") from exc
    try:
        results = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RemoteError(f"{endpoint}: the answer is not SPARQL results JSON ({exc})") from exc
    if not isinstance(results, dict) or not ("boolean" in results or "results" in results):
        raise RemoteError(f"{endpoint}: the answer is not SPARQL results JSON")
    return RemoteAnswer(results=normalize_results(results))


def _normalize_term(term: Term) -> Term:
    kind = term.get("type")
    value = term.get("value", "")
    if kind in ("literal", "typed-literal"):
        lang = term.get("xml:lang") or term.get("lang")
        datatype = term.get("datatype")
        if lang:
            return {"type": "literal", "value": value, "xml:lang": lang}
        if datatype and datatype not in (XSD + "string", RDF_LANG_STRING):
            return {"type": "literal", "value": value, "datatype": datatype}
        return {"type": "literal", "value": value}
    if kind == "bnode":
        return {"type": "bnode", "value": value}
    return {"type": "uri", "value": value}


def normalize_results(results: dict[str, Any]) -> dict[str, Any]:
    """SPARQL 1.1 results JSON in one canonical shape (key order, literal forms).

    >>> r = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "typed-literal",
    ...      "datatype": "http://www.w3.org/2001/XMLSchema#string", "value": "a"}}]}}
    >>> normalize_results(r)["results"]["bindings"]
    [{'x': {'type': 'literal', 'value': 'a'}}]
    """
    head = {"vars": list(results.get("head", {}).get("vars", []))}
    if "boolean" in results:
        return {"head": {}, "boolean": bool(results["boolean"])}
    rows = []
    for row in results.get("results", {}).get("bindings", []):
        rows.append({v: _normalize_term(row[v]) for v in head["vars"] if v in row})
    return {"head": head, "results": {"bindings": rows}}


def _tsv_term(term: Term) -> str:
    value = term["value"]
    if term["type"] == "uri":
        return f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    datatype = term.get("datatype")
    if datatype in _BARE and _BARE[datatype].match(value):
        return value
    quoted = '"' + "".join(_TSV_ESCAPES.get(c, c) for c in value) + '"'
    if "xml:lang" in term:
        return f"{quoted}@{term['xml:lang']}"
    return f"{quoted}^^<{datatype}>" if datatype else quoted


def to_tsv(results: dict[str, Any]) -> str:
    """SPARQL 1.1 TSV: ``?var`` header, terms in Turtle syntax, LF line ends."""
    if "boolean" in results:
        return "true\n" if results["boolean"] else "false\n"
    names = results["head"]["vars"]
    lines = ["\t".join(f"?{v}" for v in names)]
    for row in results["results"]["bindings"]:
        lines.append("\t".join(_tsv_term(row[v]) if v in row else "" for v in names))
    return "\n".join(lines) + "\n"


def to_csv(results: dict[str, Any]) -> str:
    """SPARQL 1.1 CSV: plain names, lexical values (IRIs bare, ``_:`` blank nodes), CRLF."""
    if "boolean" in results:
        return "true\r\n" if results["boolean"] else "false\r\n"
    names = results["head"]["vars"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in results["results"]["bindings"]:
        cells = []
        for v in names:
            term = row.get(v)
            if term is None:
                cells.append("")
            elif term["type"] == "bnode":
                cells.append(f"_:{term['value']}")
            else:
                cells.append(term["value"])
        writer.writerow(cells)
    return out.getvalue()


def _ox_term(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if term["type"] == "uri":
        return ox.NamedNode(term["value"])
    if term["type"] == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def _as_query_result(results: dict[str, Any]) -> QueryResult:
    if "boolean" in results:
        return QueryResult("ask", [], [], boolean=results["boolean"])
    names = results["head"]["vars"]
    rows = [{v: _ox_term(t) for v, t in row.items()} for row in results["results"]["bindings"]]
    return QueryResult("select", names, rows)


def render_results(answer: RemoteAnswer, fmt: str) -> bytes:
    """Text of a remote answer in ``fmt`` (table, json, xml, csv, tsv)."""
    if answer.triples is not None:
        if fmt == "table":
            return render_table(QueryResult("graph", [], [], triples=answer.triples)).encode()
        rdf = ox.RdfFormat.N_TRIPLES if fmt in ("csv", "tsv") else ox.RdfFormat.TURTLE
        return ox.serialize(answer.triples, format=rdf) or b""
    results = answer.results or {"head": {}, "boolean": False}
    if fmt == "table":
        return render_table(_as_query_result(results)).encode()
    if fmt == "json":
        return json.dumps(results, ensure_ascii=False, separators=(",", ":")).encode()
    if fmt == "csv":
        return to_csv(results).encode()
    if fmt == "tsv":
        return to_tsv(results).encode()
    if fmt == "xml":
        parsed = ox.parse_query_results(json.dumps(results), ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=ox.QueryResultsFormat.XML) or b""
    raise ValueError(f"unknown format {fmt!r}: table, json, xml, csv or tsv")
