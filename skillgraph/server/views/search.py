"""``/search?q=…``: the full-text index of the build as a page (facet links) or JSON.

JSON at ``/search.json`` or for a client whose Accept prefers ``application/json``.
The index is ``search.sqlite`` of the build directory, opened read-only per request.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...search import SearchError, SearchResult, search
from ...search.query import KIND_LABELS, RANK_LABELS, open_index
from ...search.tokens import pieces
from ..conneg import negotiate
from .base import html, site

FILTERS = ("occupation", "trade", "level", "kind")
PAGE_SIZE = 20
_local = threading.local()  # one read-only connection per worker thread (warm page cache)


def connection(path: Path) -> sqlite3.Connection:
    """This thread's connection to ``path``, reopened when the file was replaced."""
    stat = path.stat() if path.is_file() else None
    key = (str(path), stat.st_ino if stat else None, stat.st_mtime_ns if stat else None)
    cached = getattr(_local, "index", None)
    if cached is None or cached[0] != key:
        if cached is not None:
            cached[1].close()
        _local.index = (key, open_index(path))
    return _local.index[1]


@dataclass
class Shown:
    """One hit as the page shows it: label split into marked/unmarked pieces."""

    href: str
    kind: str
    parts: list[tuple[str, bool]]
    label_en: str
    notation: str
    where: str


def marked(label: str, query: str) -> list[tuple[str, bool]]:
    """``label`` cut into (text, matched) pieces: the query's terms are marked.

    >>> marked("碳排放配额分配", "配额")
    [('碳排放', False), ('配额', True), ('分配', False)]
    """
    terms = sorted({p for p in pieces(query)}, key=len, reverse=True)
    if not terms:
        return [(label, False)]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out: list[tuple[str, bool]] = []
    at = 0
    for m in pattern.finditer(label):
        if m.start() > at:
            out.append((label[at : m.start()], False))
        out.append((m.group(0), True))
        at = m.end()
    if at < len(label):
        out.append((label[at:], False))
    return out


def _link(params: dict[str, str], **change: str | None) -> str:
    new = {**params, **change}
    return "search?" + urlencode({k: v for k, v in new.items() if v})


def search_page(request: Request) -> Response:
    """HTML (default) or JSON answer to ``?q=`` with the filters of ``FILTERS``."""
    s = site(request)
    q = request.query_params.get("q", "").strip()
    filters = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    wants_json = request.url.path.endswith(".json") or negotiate(
        request.headers.get("accept"), ["text/html", "application/json"]) == "application/json"
    result: SearchResult | None = None
    error = ""
    status = 200
    if q:
        path = s.ld.build_dir / "search.sqlite" if s.ld.build_dir else None
        try:
            if path is None:
                raise SearchError("this server has no build directory, so no search index")
            result = search(connection(path), q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                            **{k: v or None for k, v in filters.items()})  # fmt: skip
        except SearchError as exc:
            error, status = str(exc), 400
    if wants_json:
        if error or not q:
            return JSONResponse({"error": error or "give a query: ?q=…"}, status_code=400)
        assert result is not None
        return JSONResponse(result.as_json(), headers={"Vary": "Accept"})
    params = {"q": q, **filters}
    context: dict[str, object] = {"q": q, "error": error, "result": result, "facets": [],
                                  "hits": [], "pages": {}}
    if result is not None:
        context["hits"] = [
            Shown(s.pages.href(h.iri), KIND_LABELS[h.kind], marked(h.label, q), h.label_en,
                  h.notation, " · ".join(x for x in (h.trade_label or h.occupation_label,
                                                     RANK_LABELS.get(h.rank or 0, "")) if x))
            for h in result.hits
        ]  # fmt: skip
        context["facets"] = [
            (name, [(f.label, f.count, _link(params, **{name: f.value}, page=None),
                     filters[name] == f.value) for f in values])
            for name, values in result.facets.items() if values
        ]  # fmt: skip
        last = (result.total - 1) // PAGE_SIZE + 1
        context["pages"] = {
            "current": page, "last": last,
            "previous": _link(params, page=str(page - 1)) if page > 1 else None,
            "next": _link(params, page=str(page + 1)) if page < last else None,
        }  # fmt: skip
    context["filters"] = [(k, v, _link(params, **{k: None}, page=None))
                          for k, v in filters.items() if v]  # fmt: skip
    context["json_href"] = "search.json?" + urlencode({k: v for k, v in params.items() if v})
    return html("search.html", here="search", status=status, headers={"Vary": "Accept"},
                **context)
