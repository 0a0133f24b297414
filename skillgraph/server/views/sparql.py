"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and the query page (``/query``).

- GET ``?query=``, POST form (``query=``), POST ``application/sparql-query``.
- ``default-graph-uri`` / ``named-graph-uri`` make the query's dataset (protocol §2.1.4):
  when either is given, the default graph is the merge of the ``default-graph-uri``
  graphs (none: empty) and the named graphs are the ``named-graph-uri`` ones (none:
  none), replacing the query's own FROM / FROM NAMED.  The build (and the ontology) is
  the store's default graph, which has no IRI; named graphs exist only as loaded with
  ``serve --data FILE=GRAPH``.  Relative IRIs in a query resolve against the endpoint URL.
- Output by ``format=`` (json, xml, csv, tsv for SELECT/ASK; ttl, nt, jsonld for
  CONSTRUCT/DESCRIBE), else by Accept; 406 when the query form has no acceptable format.
- Read-only: ``update=``, ``application/sparql-update`` and an update sent as a query are
  refused with 403.  A malformed query gets 400 with the parser's message; so do bytes
  that are not UTF-8 (another ``charset`` is 415).  SERVICE (403) and queries nested or
  chained past the limits (400) are refused by the worker on the parsed query
  (:mod:`~skillgraph.server.guard`).
- A bare GET gives browsers the query page and other clients the Service Description.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ...params import ParamError
from .. import querybind
from ..conneg import FORMAT_KEYS, GRAPH, PAGE, RESULTS, lookup, negotiate, offered
from ..describe import serialize_description, service_triples
from ..pages import query_context
from ..protocol import query_form
from ..spool import SpoolResponse
from .base import html, site

READ_ONLY = (
    "403 Forbidden: this endpoint is read-only; SPARQL Update is not accepted. "
    "Rebuild the graph with `skillgraph build` to change the data."
)


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status)


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower-cased, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _form(data: bytes) -> list[tuple[str, str]]:
    """``application/x-www-form-urlencoded`` pairs; UnicodeDecodeError unless UTF-8.

    ``parse_qsl`` would put U+FFFD in place of bad percent-escaped bytes, and the query
    the engine saw would not be the one sent.
    """
    return parse_qsl(data.decode("utf-8"), keep_blank_values=True, errors="strict")


def query_page(request: Request, here: str = "query.html") -> Response:
    """Our own query page: the SPARQL editor with the catalog queries as tabs.

    ``?query=TEXT`` opens that query (the shareable URL); ``?name=NAME&PARAM=VALUE…``
    opens a catalog query with its parameters bound on the server (short references
    resolved), which is also how the page works as a plain form without JavaScript.
    """
    s = site(request)
    name = request.query_params.get("name", "")
    initial = request.query_params.get("query")
    values: dict[str, list[str]] = {}
    error = ""
    status = 200
    if name and not initial:
        try:
            query = querybind.find(s.catalog, name)
            values = querybind.given_values(query, request.query_params.multi_items())
            initial = querybind.bound_text(query, values, s.ld.store)
        except (querybind.UnknownQuery, ParamError) as exc:
            error, status = str(exc), 400
    context = query_context(
        s.catalog,
        endpoint="sparql",
        base=s.ld.base,
        max_results=s.config.max_results,
        timeout=s.config.timeout,
        initial_query=initial,
        selected=name,
        values=values,
        bind_error=error,
    )
    return html("query.html", here=here, status=status, **context)


async def bind_catalog_query(request: Request) -> Response:
    """``/query/bind?name=NAME&PARAM=VALUE…``: the catalog query's text with the values
    bound, as JSON ``{"query": …}``; 400/404 ``{"error": …}`` naming what was refused."""
    s = site(request)
    try:
        query = querybind.find(s.catalog, request.query_params.get("name", ""))
    except querybind.UnknownQuery as exc:
        return JSONResponse({"error": str(exc)}, status_code=404)
    values = querybind.given_values(query, request.query_params.multi_items())
    try:
        text = await anyio.to_thread.run_sync(querybind.bound_text, query, values, s.ld.store)
    except ParamError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"name": query.name, "query": text})


def service_description(request: Request) -> Response:
    s = site(request)
    media = negotiate(request.headers.get("accept"), [*offered(GRAPH), *offered(PAGE)])
    if media is None:
        return _error(
            406,
            "406 Not Acceptable: the service description is text/turtle, "
            "application/ld+json or application/n-triples; the query page is text/html",
        )
    fmt = lookup((GRAPH, PAGE), media)
    if fmt.key == "html":
        return query_page(request, here="sparql")
    endpoint = str(request.url.replace(query="", fragment=""))
    triples = service_triples(
        s.ld,
        endpoint,
        timeout=s.config.timeout,
        max_results=s.config.max_results,
        named_graphs=[d.graph for d in s.config.data if d.graph],
    )
    body = serialize_description(triples, fmt.key)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


async def endpoint(request: Request) -> Response:
    """SPARQL 1.1 Protocol: parse the request, negotiate, run the query in a worker."""
    s = site(request)
    try:
        params = _form(request.scope.get("query_string", b""))
    except UnicodeDecodeError:
        return _error(400, "400 Bad Request: the query string is not UTF-8")
    direct: str | None = None
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        ctype = content_type.split(";")[0].strip().lower()
        charset = _charset(content_type)
        if ctype == "application/sparql-query" and charset not in (None, "utf-8", "utf8"):
            return _error(
                415,
                f"415 Unsupported Media Type: charset={charset}; send the query in UTF-8",
            )
        try:
            with anyio.fail_after(s.config.client_timeout):
                body = await request.body()
        except TimeoutError:
            return _error(
                408,
                f"408 Request Timeout: the body did not arrive within "
                f"{s.config.client_timeout:g} s (serve --client-timeout)",
            )
        if ctype == "application/x-www-form-urlencoded":
            try:
                params += _form(body)
            except UnicodeDecodeError:
                return _error(400, "400 Bad Request: the form is not UTF-8")
        elif ctype == "application/sparql-query":
            try:
                direct = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                return _error(400, f"400 Bad Request: the query is not UTF-8 ({exc})")
        elif ctype == "application/sparql-update":
            return _error(403, READ_ONLY)
        else:
            return _error(
                415,
                "415 Unsupported Media Type: POST a form (application/x-www-form-urlencoded) "
                "with query=, or the query itself as application/sparql-query",
            )
    names = {k for k, _ in params}
    if "update" in names:
        sent = next(v for k, v in params if k == "update")
        form = query_form(sent)
        if form not in (None, "update"):  # e.g. SPARQLWrapper reads "add up" in a comment
            return _error(
                403,
                f"{READ_ONLY}\nThe update= parameter holds a {form.upper()} query: your client "
                "took it for an update (a keyword in a comment?). Send it as query=.",
            )
        return _error(403, READ_ONLY)
    queries = [v for k, v in params if k == "query"] + ([direct] if direct is not None else [])
    if not queries:
        if request.method in ("GET", "HEAD"):
            return service_description(request)
        return _error(
            400, "400 Bad Request: no query (send query=, or an application/sparql-query body)"
        )
    if len(queries) > 1:
        return _error(400, "400 Bad Request: exactly one query per request")
    text = queries[0]
    form = query_form(text)
    if form == "update":
        return _error(403, READ_ONLY)

    accept = request.headers.get("accept")
    formats = [v for k, v in params if k == "format"]
    if formats:
        key = formats[-1].lower()
        if key not in FORMAT_KEYS or FORMAT_KEYS[key].kind == PAGE:
            valid = ", ".join(k for k, f in FORMAT_KEYS.items() if f.kind != PAGE)
            return _error(400, f"400 Bad Request: unknown format={key!r}; use one of {valid}")
        accept = FORMAT_KEYS[key].media_type
    results_media = negotiate(accept, offered(RESULTS))
    graph_media = negotiate(accept, offered(GRAPH))
    results_key = lookup((RESULTS,), results_media).key if results_media else None
    graph_key = lookup((GRAPH,), graph_media).key if graph_media else None
    not_acceptable = {
        "results": "406 Not Acceptable: SELECT and ASK answers are "
        + ", ".join(offered(RESULTS)[:4])
        + " (or format=json|xml|csv|tsv)",
        "graph": "406 Not Acceptable: CONSTRUCT and DESCRIBE answers are "
        + ", ".join(offered(GRAPH)[:3])
        + " (or format=ttl|nt|jsonld)",
    }
    if form in ("select", "ask") and results_key is None:
        return _error(406, not_acceptable["results"])
    if form in ("construct", "describe") and graph_key is None:
        return _error(406, not_acceptable["graph"])
    job = {
        "query": text,
        "results_format": results_key,
        "graph_format": graph_key,
        "max_results": s.config.max_results,
        "max_bytes": s.config.max_answer_mb * 2**20,
        "max_depth": s.config.max_depth,
        "max_operators": s.config.max_operators,
        "default_graph": [v for k, v in params if k == "default-graph-uri" and v],
        "named_graphs": [v for k, v in params if k == "named-graph-uri" and v],
        "base_iri": _base_iri(request),
        "client": request.client.host if request.client else "",
        "not_acceptable": not_acceptable,
    }
    answer = await anyio.to_thread.run_sync(s.pool.run, job)
    headers = {"Vary": "Accept", **answer.headers}
    if answer.path is not None:
        return SpoolResponse(
            answer.path, answer.status, headers, answer.content_type, s.config.client_timeout
        )
    return Response(
        answer.body, status_code=answer.status, headers=headers, media_type=answer.content_type
    )


def _base_iri(request: Request) -> str | None:
    """The endpoint's URL, against which relative IRIs in a query resolve (protocol
    §2.1: "the service MAY use its endpoint URL"); None if it is not a valid IRI."""
    url = str(request.url.replace(query="", fragment=""))
    try:
        ox.NamedNode(url)
    except ValueError:
        return None
    return url
