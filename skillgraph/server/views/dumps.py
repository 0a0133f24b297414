"""Downloads straight from the build directory: dumps (``/dumps/<file>``), each standard's
interchange exports (``/exports/<code>/<file>``); and VoID/DCAT (``/void``)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from ...interchange.site import BY_NAME
from ..conneg import FORMAT_KEYS, GRAPH, lookup, negotiate, offered
from ..describe import DUMPS, Where, serialize_description, void_triples
from .base import site

DUMP_MEDIA = {name: media for name, media, _label in DUMPS}


def dump(request: Request) -> Response:
    s = site(request)
    name = request.path_params["name"]
    if name not in DUMP_MEDIA or s.ld.build_dir is None:
        raise HTTPException(404)
    path = s.ld.build_dir / name
    if not path.is_file():
        raise HTTPException(404)
    media = DUMP_MEDIA[name]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return FileResponse(path, media_type=media)


def export(request: Request) -> Response:
    """A file the build wrote under ``exports/`` (skillgraph/interchange/site.py)."""
    s = site(request)
    code, name = request.path_params["code"], request.path_params["name"]
    kind = BY_NAME.get(name)
    if kind is None or s.ld.build_dir is None or "/" in code or code.startswith("."):
        raise HTTPException(404)
    path = s.ld.build_dir / "exports" / code / name
    if not path.is_file():
        raise HTTPException(404)
    # a workbook is saved, not shown; the JSON files open in the browser
    disposition = "attachment" if name.endswith(".xlsx") else "inline"
    return FileResponse(
        path,
        media_type=kind.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{code}.{name}"'},
    )


def void(request: Request) -> Response:
    """VoID + DCAT description of the dataset, with this server's URLs."""
    s = site(request)
    ext = request.path_params.get("ext")
    if ext is None:
        media = negotiate(request.headers.get("accept"), offered(GRAPH))
        if media is None:
            return PlainTextResponse(
                "406 Not Acceptable: the dataset description is text/turtle, "
                "application/ld+json or application/n-triples\n",
                status_code=406,
            )
        key = lookup((GRAPH,), media).key
    elif ext in ("ttl", "nt", "jsonld"):
        key = ext
    else:
        raise HTTPException(404)
    root = str(request.base_url)  # ends with "/" (and includes any root path)
    where = Where(site=root, endpoint=root + "sparql")
    body = serialize_description(void_triples(s.ld, where), key)
    return Response(
        body,
        media_type=FORMAT_KEYS[key].media_type,
        headers={"Vary": "Accept", "Content-Location": f"void.{key}"},
    )
