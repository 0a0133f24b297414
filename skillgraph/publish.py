"""`skillgraph publish`: the linked-data site as static files any web server can serve.

The same pages as the live server (:mod:`skillgraph.server.pages` + templates), written
for every resource under the data base as ``id/<path>.html`` plus ``.ttl``, ``.jsonld``
and ``.nt`` beside it, with the dumps, each standard's interchange exports (written by
the build), VoID/DCAT, the ontology's documentation and a query page.  All
links are relative, so the site works from any directory of any server (including
``python -m http.server``).  A plain file server cannot do the 303 content negotiation
of bare IRIs; the README shows the two rewrite lines a server needs for that.

Written into a temporary directory beside ``site`` and swapped in at the end
(:mod:`skillgraph.atomic`, shared with the build): never a half-written site.
Deterministic: the same build gives the same bytes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .atomic import replace_directory
from .catalog import catalog
from .interchange.site import exports_in
from .server.data import LinkedData, ontology_bytes, serialize
from .server.describe import DUMPS, Where, dump_list, serialize_description, void_triples
from .server.pages import DOC_FORMATS, Pages, ontology_page_context, query_context
from .server.render import render


@dataclass
class PublishResult:
    site: Path
    pages: int  # resources published
    files: int  # files written
    seconds: float


def publish(
    site: Path,
    build_dir: Path,
    *,
    base: str | None = None,
    site_url: str | None = None,
    endpoint: str | None = None,
) -> PublishResult:
    """Write the static site for ``build_dir`` to ``site`` (replaced as a whole).

    ``site_url`` (where the site will be served) makes the VoID IRIs absolute and adds
    JSON-LD/N-Triples copies of it; ``endpoint`` is a live SPARQL endpoint the query
    page and VoID point to.
    """
    started = time.perf_counter()
    ld = LinkedData.from_build(build_dir, base=base)
    pages = Pages(ld)
    iris = ld.resources()
    count = 0

    def fill(tmp: Path) -> None:
        nonlocal count
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; a web server must read the site

        def write(path: str, data: bytes | str) -> None:
            nonlocal count
            target = tmp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
            count += 1

        for iri in iris:
            page = pages.resource(iri)
            write(page.here, render("resource.html", here=page.here, live=False, page=page))
            description = ld.description(iri)
            stem = page.here.removesuffix(".html")
            for key, _media in DOC_FORMATS:
                write(f"{stem}.{key}", serialize(description, key, base=ld.base))
        index = pages.index()
        write(
            "index.html",
            render(
                "index.html", here="index.html", live=False, dumps=dump_list(build_dir), **index
            ),
        )
        write("ontology.html", _ontology_page(build_dir))
        write("ontology.ttl", ontology_bytes(build_dir))  # as written by hand, comments kept
        for key in ("jsonld", "nt"):
            write(f"ontology.{key}", serialize(ld.ontology_document(), key, base=ld.base))
        write("query.html", _query_page(endpoint, ld.base))
        write("404.html", render("not_found.html", here="404.html", live=False, path="", iri=None))
        where = Where(site=site_url, endpoint=endpoint)
        for key in ("ttl", "jsonld", "nt") if site_url else ("ttl",):
            write(f"void.{key}", serialize_description(void_triples(ld, where), key, where))
        for name, _media, _label in DUMPS:
            if (build_dir / name).is_file():
                write(f"dumps/{name}", (build_dir / name).read_bytes())
        _write_exports(write, build_dir)
        _copy_static(resources.files("skillgraph") / "static", "static", write)

    replace_directory(site, fill)
    return PublishResult(site.resolve(), len(iris), count, time.perf_counter() - started)


def _copy_static(folder: Traversable, prefix: str, write: Callable[[str, bytes], None]) -> None:
    """The package's static files, sub-folders (the vendored editor) included."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            write(f"{prefix}/{entry.name}", entry.read_bytes())
        elif entry.is_dir() and not entry.name.startswith(("_", ".")):
            _copy_static(entry, f"{prefix}/{entry.name}", write)


def _query_page(endpoint: str | None, base: str) -> str:
    context = query_context(catalog(), endpoint=endpoint or "", base=base)
    return render("query.html", here="query.html", live=False, **context)


def _ontology_page(build_dir: Path) -> str:
    """The ontology's documentation (:mod:`skillgraph.ontodocs`), as the server shows it."""
    context = ontology_page_context(build_dir)
    return render("ontology.html", here="ontology.html", live=False, **context)


def _write_exports(write: Callable[[str, bytes], None], build_dir: Path) -> None:
    """Each standard's interchange files, at the paths the server answers them."""
    for export in exports_in(build_dir):
        write(export.path, (build_dir / export.path).read_bytes())
