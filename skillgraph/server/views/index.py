"""The index page: the occupation overview, trade-levels, findings, links to the data."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..describe import dump_list
from .base import html, site


def index_page(request: Request) -> Response:
    s = site(request)
    return html("index.html", here="index.html", dumps=dump_list(s.ld.build_dir), **s.pages.index())
