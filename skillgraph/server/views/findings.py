"""``/findings``: every finding and SHACL warning for the drafting committee.

``/findings`` lists every standard, ``/findings/<code>`` one; ``.xlsx`` after either gives
the comment sheet (征求意见反馈表) and ``.json`` the same items as data.  The items are
read once per server from the build (the data store already loaded and the build's
``validation.ttl``, :func:`skillgraph.committee.collect`): no SHACL runs per request.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...committee import Review, collect
from ...committee.export import as_data
from ...committee.render import numbered
from ...committee.sheet import workbook_bytes
from ...committee.texts import ORIGIN, RULES
from .base import html, site

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ONE_PAGE = 2000  # items listed on /findings itself; more: the summary, one page per standard
_lock = threading.Lock()


def review(request: Request) -> Review:
    """The build's review, collected on the first request and kept with the app."""
    state = request.app.state
    with _lock:
        if getattr(state, "committee_review", None) is None:
            s = site(request)
            if s.ld.build_dir is None:
                raise HTTPException(404)
            report = ox.Store()
            path = s.ld.build_dir / "validation.ttl"
            if path.is_file():
                report.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
            state.committee_review = collect(s.ld.store, report)
        return state.committee_review


def findings_page(request: Request) -> Response:
    rest = request.path_params["rest"]  # "", ".xlsx", "/4-09-07-04", "/4-09-07-04.json" …
    if rest and not rest.startswith((".", "/")):
        raise HTTPException(404)
    stem, _, ext = rest.lstrip("/").partition(".")
    if ext not in ("", "html", "xlsx", "json") or "/" in stem:
        raise HTTPException(404)
    found = review(request)
    chosen = found.standards
    if stem:
        one = found.standard(stem)
        if one is None:
            raise HTTPException(404)
        chosen = [one]
    if ext == "xlsx":
        name = f"findings-{stem}.xlsx" if stem else "findings.xlsx"
        codes = [s.code for s in chosen] if stem else None
        return Response(workbook_bytes(found, codes), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if ext == "json":
        return JSONResponse(as_data(chosen, [] if stem else found.elsewhere))
    here = f"findings/{stem}.html" if stem else "findings.html"
    s = site(request)
    listed = stem or len(found.items) <= ONE_PAGE
    return html("findings.html", here=here, review=found, chosen=chosen, stem=stem,
                sections=[(std, numbered(std)) for std in chosen] if listed else [],
                href=s.pages.href, origin=ORIGIN, rules=RULES, too_many=not listed,
                elsewhere=[] if stem else found.elsewhere)
