"""HTML rendering: one jinja2 environment (autoescaped) and relative links.

Every link in a page is written relative to the page's own site path, so the same HTML
works on the live server, from a static copy under ``python -m http.server`` and under
any path prefix a publisher puts the site at.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import Any

import jinja2

from .. import __version__


def relative(here: str, target: str) -> str:
    """URL of site path ``target`` as seen from the page at site path ``here``.

    >>> relative("id/a/b.html", "id/a/b/c.html")
    'b/c.html'
    >>> relative("id/a/b.html", "index.html#x")
    '../../index.html#x'
    >>> relative("index.html", "https://example.org/")
    'https://example.org/'
    """
    if "://" in target or target.startswith(("mailto:", "#")):
        return target
    path, hash_, fragment = target.partition("#")
    start = posixpath.dirname(here) or "."
    rel = posixpath.relpath(path or here, start)
    if path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel + hash_ + fragment


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Templates shipped in ``skillgraph/templates``; autoescape on for every template."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("skillgraph", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def render(template: str, *, here: str, live: bool, **context: Any) -> str:
    """Render ``template`` for the page at site path ``here``.

    ``live`` says whether a SPARQL endpoint is served beside the pages (the server) or
    not (a published static site); pages show the endpoint links only when it is.
    """

    def url(target: str) -> str:
        return relative(here, target)

    return environment().get_template(template).render(here=here, live=live, url=url, **context)
