"""``/pictures/<kind>/<path>.svg``: a picture of the node ``/id/<path>`` as image/svg+xml.

Kinds: ``ladder`` (trade, trade-level, occupation), ``progression`` and ``blueprint``
(trade-level).  The same SVG is inlined in the node's page.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ...pictures.pages import KINDS, picture_svg
from .base import site


def picture(request: Request) -> Response:
    s = site(request)
    kind, path = request.path_params["kind"], request.path_params["path"]
    if kind not in KINDS or not path.endswith(".svg"):
        raise HTTPException(404)
    iri = s.ld.iri_for(path.removesuffix(".svg"))
    if not s.ld.exists(iri):
        raise HTTPException(404)
    here = f"pictures/{kind}/{path}"
    svg = picture_svg(s.ld, kind, iri, here, s.pages.href)
    if svg is None:
        raise HTTPException(404)
    if kind == "ladder" and svg.count("<svg") > 1:  # an occupation: its trades' ladders
        svg = _stack(svg)
    return Response(svg, media_type="image/svg+xml; charset=utf-8")


def _stack(svgs: str) -> str:
    """Several <svg> documents one under the other in one SVG document."""
    parts = [p for p in svgs.split("</svg>") if p.strip()]
    y, body, width = 0, [], 0
    for p in parts:
        head = p[: p.index(">") + 1]
        w = int(head.split('width="')[1].split('"')[0])
        h = int(head.split('height="')[1].split('"')[0])
        body.append(p.replace("<svg ", f'<svg y="{y}" ', 1) + "</svg>")
        y += h
        width = max(width, w)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
            f'viewBox="0 0 {width} {y}">' + "".join(body) + "</svg>\n")
