"""What the interchange writers share: a build's graph, its standards, stable identifiers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .. import vocab as V
from ..vocab import RDF, SKOS


class InterchangeError(ValueError):
    """Bad input to an export, import or diff: the message names the file or the value."""


def uuid_of(iri: str) -> str:
    """CASE identifiers: UUID v5 of our IRI in the URL namespace, so they never change."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, str(iri)))


def load_build(build_dir: Path) -> tuple[Graph, datetime]:
    """The graph of a build directory and the time it was written (records' change time)."""
    nt = build_dir / "graph.nt"
    if not nt.is_file():
        raise InterchangeError(f"{nt}: not found (run `skillgraph build` or pass --build DIR)")
    graph = Graph()
    try:
        graph.parse(nt, format="nt")
    except Exception as exc:  # rdflib raises several parser types
        raise InterchangeError(f"{nt}: not N-Triples ({exc})") from exc
    stamp = datetime.fromtimestamp(nt.stat().st_mtime, tz=UTC).replace(microsecond=0)
    return graph, stamp


@dataclass(frozen=True)
class StandardRef:
    """One standard of a build: its IRI, the occupation it describes and that one's code."""

    standard: URIRef
    occupation: URIRef
    code: str


def standards_in(graph: Graph, occupation: str | None = None) -> list[StandardRef]:
    """The standards of the graph, or the one whose occupation has this code or IRI."""
    found = []
    for std in sorted(graph.subjects(RDF.type, V.OccupationalStandard)):
        occ = graph.value(std, V.describesOccupation)
        if not isinstance(occ, URIRef):
            continue
        code = str(graph.value(occ, SKOS.notation) or "")
        found.append(StandardRef(URIRef(std), occ, code))
    if occupation is None:
        return found
    chosen = [s for s in found if occupation in (s.code, str(s.occupation), str(s.standard))]
    if not chosen:
        known = ", ".join(s.code for s in found) or "none"
        raise InterchangeError(f"occupation {occupation!r} is not in the build (it has: {known})")
    return chosen


def text(graph: Graph, node: Node, prop: URIRef, lang: str) -> str | None:
    """The ``lang`` literal of ``prop`` (the first in sorted order when there are several)."""
    values = sorted(
        str(o) for o in graph.objects(node, prop) if isinstance(o, Literal) and o.language == lang
    )
    return values[0] if values else None


def integer(graph: Graph, node: Node, prop: URIRef) -> int | None:
    value = graph.value(node, prop)
    return int(value) if isinstance(value, Literal) else None


def by_position(graph: Graph, nodes: list[Node]) -> list[URIRef]:
    """Children in the order the standard prints them (sg:position, then code)."""
    return sorted(
        (n for n in nodes if isinstance(n, URIRef)),
        key=lambda n: (integer(graph, n, V.position) or 0, str(graph.value(n, SKOS.notation)), n),
    )


def trade_levels(graph: Graph, occupation: URIRef) -> list[URIRef]:
    """Trade-levels of an occupation: by trade, then from the lowest level (rank 5) up."""
    nodes = [n for n in graph.objects(occupation, V.hasTradeLevel) if isinstance(n, URIRef)]

    def key(tl: URIRef) -> tuple[str, int, str]:
        level = graph.value(tl, V.level)
        rank = integer(graph, level, V.rank) if level is not None else None
        return (str(graph.value(tl, V.trade) or ""), -(rank or 0), str(tl))

    return sorted(nodes, key=key)


def direct_cover(graph: Graph, levels: list[URIRef]) -> list[tuple[URIRef, URIRef]]:
    """(higher, lower) pairs of sg:coversLowerLevel with no level between them.

    The build materialises the transitive closure; the ladder is its transitive reduction.
    """
    covers = {tl: set(graph.objects(tl, V.coversLowerLevel)) for tl in levels}
    pairs = []
    for high, lows in covers.items():
        for low in lows:
            if not any(low in covers.get(mid, ()) for mid in lows if mid != low):
                pairs.append((high, URIRef(low)))
    return sorted(pairs)
