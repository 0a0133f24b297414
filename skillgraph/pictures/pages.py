"""Which pictures a page shows: a trade its ladder; a trade-level its trade's ladder (this
level marked), its progression over the level below and its exam blueprint; an occupation
the ladder of each trade.

Each picture comes as inline SVG (links relative to the page, so a published static site
has them too) and as the site path of the same picture as a file (``pictures/…svg``,
answered by the server as ``image/svg+xml``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import vocab as v
from .facts import blueprint, ladder, ladders, progression, term
from .svg import blueprint_svg, ladder_svg, progression_svg

if TYPE_CHECKING:
    from ..server.data import LinkedData

KINDS = ("ladder", "progression", "blueprint")


@dataclass
class Picture:
    kind: str
    svg: str  # the <svg> element, safe to inline (every text escaped)
    href: str  # site path of the standalone picture


def relative(here: str, target: str) -> str:
    if "://" in target:
        return target
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def picture_svg(ld: LinkedData, kind: str, iri: str, here: str,
                href: Callable[[str], str]) -> str | None:
    """One picture of ``iri`` as SVG whose links work from site path ``here``; None when
    ``iri`` has no such picture."""
    types = set(ld.types(iri))

    def link(target: str) -> str:
        return relative(here, href(target))

    is_level = str(v.TradeLevel) in types
    if kind == "ladder":
        if is_level:
            trade = next(iter(ld.iris(iri, term(v.trade))), None)
            occupation = next(iter(ld.iris(iri, term(v.occupation))), None)
            owner = trade or occupation
            return ladder_svg(ladder(ld, owner, current=iri), link) if owner else None
        if str(v.Trade) in types:
            return ladder_svg(ladder(ld, iri), link)
        if str(v.Occupation) in types:
            return "".join(ladder_svg(lad, link) for lad in ladders(ld, iri))
        return None
    if kind == "progression" and is_level:
        prog = progression(ld, iri)
        return progression_svg(prog, link) if prog and prog.functions else None
    if kind == "blueprint" and is_level:
        bp = blueprint(ld, iri)
        return blueprint_svg(bp, link) if bp.rows else None
    return None


def pictures_for(ld: LinkedData, iri: str, here: str, href: Callable[[str], str],
                 doc_path: str) -> list[Picture]:
    """The pictures of the page at ``here`` about ``iri`` (``doc_path``: its ``id/…``)."""
    out = []
    for kind in KINDS:
        svg = picture_svg(ld, kind, iri, here, href)
        if svg:
            out.append(Picture(kind, svg, f"pictures/{kind}/{doc_path.removeprefix('id/')}.svg"))
    return out
