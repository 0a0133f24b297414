"""Linked-data resources: ``/id/…`` (data IRIs) and ``/ontology``.

A data IRI names a thing (an occupation, a requirement), not a document, so it answers
``303 See Other`` to the document in the negotiated format: ``…/3`` → ``…/3.html`` for a
browser, ``…/3.ttl`` for a Turtle client (W3C "Cool URIs for the Semantic Web", 303
style; the hierarchical IRIs rule out the hash style).  The documents themselves are
plain ``200`` responses at IRI + ``.html``/``.ttl``/``.jsonld``/``.nt``, which is also
the layout of a published static site.  The ontology uses hash IRIs (``…/ontology#Trade``),
so ``/ontology`` serves the whole document (again via 303 to ``/ontology.<ext>``).
"""

from __future__ import annotations

import posixpath

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ..conneg import GRAPH, PAGE, lookup, negotiate, offered
from ..data import ontology_bytes, serialize
from ..pages import ontology_page_context
from ..render import render
from .base import html, site

DOC_KEYS = ("html", "ttl", "jsonld", "nt")
RDF_MEDIA = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
# A bare */* (curl, scripts) gets Turtle; browsers ask for text/html explicitly.
DOC_OFFER = [*offered(GRAPH)[:3], *offered(PAGE), *offered(GRAPH)[3:]]


def _links(doc_path: str, current: str) -> str:
    """Link header naming the other formats, relative to the request (prefix-safe)."""
    name = posixpath.basename(doc_path)
    parts = [
        f'<{name}.{key}>; rel="alternate"; type="{RDF_MEDIA.get(key, "text/html").split(";")[0]}"'
        for key in DOC_KEYS
        if key != current
    ]
    return ", ".join(parts)


def _see_other(request: Request, doc_path: str) -> Response:
    media = negotiate(request.headers.get("accept"), DOC_OFFER)
    if media is None:
        return not_acceptable(doc_path)
    key = lookup((GRAPH, PAGE), media).key
    return RedirectResponse(
        f"{posixpath.basename(doc_path)}.{key}",
        status_code=303,
        headers={"Vary": "Accept", "Link": _links(doc_path, "")},
    )


def not_acceptable(doc_path: str) -> Response:
    alternatives = "\n".join(f"  /{doc_path}.{k}" for k in DOC_KEYS)
    return PlainTextResponse(
        "406 Not Acceptable: this resource is available as text/html, text/turtle, "
        f"application/ld+json and application/n-triples:\n{alternatives}\n",
        status_code=406,
        headers={"Vary": "Accept"},
    )


def data_resource(request: Request) -> Response:
    """``/id/<path>`` → 303 to a document; ``/id/<path>.<ext>`` → the document."""
    s = site(request)
    path: str = request.path_params["path"]
    if s.ld.exists(s.ld.iri_for(path)):
        return _see_other(request, "id/" + path)
    stem, dot, ext = path.rpartition(".")
    if not dot or ext not in DOC_KEYS or not s.ld.exists(s.ld.iri_for(stem)):
        raise HTTPException(404)
    iri = s.ld.iri_for(stem)
    headers = {"Link": _links(stem, ext)}
    if ext == "html":
        page = s.pages.resource(iri)
        return html("resource.html", here=page.here, page=page, headers=headers)
    body = serialize(s.ld.description(iri), ext, base=s.ld.base)
    return Response(body, media_type=RDF_MEDIA[ext], headers=headers)


def ontology(request: Request) -> Response:
    """``/ontology`` → 303; ``/ontology.<ext>`` → the ontology as HTML or RDF."""
    s = site(request)
    ext = request.path_params.get("ext")
    if ext is None:
        return _see_other(request, "ontology")
    if ext not in DOC_KEYS:
        raise HTTPException(404)
    headers = {"Link": _links("ontology", ext)}
    if ext == "html":
        return html("ontology.html", here="ontology.html", headers=headers,
                    **ontology_page_context(s.ld.build_dir))
    if ext == "ttl":  # as written by hand, comments kept
        body = ontology_bytes(s.ld.build_dir)
    else:
        body = serialize(s.ld.ontology_document(), ext, base=s.ld.base)
    return Response(body, media_type=RDF_MEDIA[ext], headers=headers)


async def not_found(request: Request, exc: Exception) -> Response:
    """404 (and other HTTP errors raised by views): an HTML page for browsers."""
    status = getattr(exc, "status_code", 404)
    if status != 404:
        detail = getattr(exc, "detail", "") or ""
        return PlainTextResponse(f"{status} {detail}\n", status_code=status)
    here = request.url.path.lstrip("/") or "index.html"
    if negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html":
        s = site(request)
        path = request.url.path
        iri = s.ld.iri_for(path[len("/id/") :]) if path.startswith("/id/") else None
        body = render("not_found.html", here=here, live=True, path=path, iri=iri)
        return Response(body, status_code=404, media_type="text/html")
    return PlainTextResponse(f"404 Not Found: {request.url.path}\n", status_code=404)
