"""Content negotiation: one table of media types and one pure function that picks one.

Every response that comes in several formats (SPARQL results, RDF documents, pages)
asks :func:`negotiate` with the media types it can produce, in the server's order of
preference, and then looks the winner up in :data:`MEDIA_TYPES`.  Keeping both here
means the whole format space of the server can be read in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RESULTS = "results"  # SELECT / ASK answers
GRAPH = "graph"  # CONSTRUCT / DESCRIBE answers and RDF documents
PAGE = "page"  # HTML


@dataclass(frozen=True)
class Format:
    """One output format: its ``format=`` / file-suffix key and canonical media type."""

    key: str
    media_type: str
    kind: str


# media type (as a client may write it in Accept) → format.  The first row of each key
# is the canonical media type sent back in Content-Type.
MEDIA_TYPES: dict[tuple[str, str], Format] = {}
_TABLE: tuple[tuple[str, str, str], ...] = (
    # kind, key, media type
    (RESULTS, "json", "application/sparql-results+json"),
    (RESULTS, "xml", "application/sparql-results+xml"),
    (RESULTS, "csv", "text/csv"),
    (RESULTS, "tsv", "text/tab-separated-values"),
    (RESULTS, "json", "application/json"),
    (RESULTS, "xml", "application/xml"),
    (RESULTS, "xml", "text/xml"),
    (GRAPH, "ttl", "text/turtle"),
    (GRAPH, "jsonld", "application/ld+json"),
    (GRAPH, "nt", "application/n-triples"),
    (GRAPH, "ttl", "application/x-turtle"),
    (GRAPH, "jsonld", "application/json"),
    (GRAPH, "nt", "text/plain"),
    (PAGE, "html", "text/html"),
    (PAGE, "html", "application/xhtml+xml"),
)
CANONICAL: dict[str, str] = {}
for _kind, _key, _media in _TABLE:
    CANONICAL.setdefault(_key, _media)
    MEDIA_TYPES[(_kind, _media)] = Format(_key, CANONICAL[_key], _kind)

FORMAT_KEYS: dict[str, Format] = {f.key: f for f in MEDIA_TYPES.values()}


def offered(*kinds: str) -> list[str]:
    """Media types of the given kinds in table order (= the server's preference)."""
    return [media for kind in kinds for (k, media) in MEDIA_TYPES if k == kind]


def lookup(kinds: Sequence[str], media_type: str) -> Format:
    """The format a negotiated media type stands for (first kind that has it)."""
    for kind in kinds:
        if (kind, media_type) in MEDIA_TYPES:
            return MEDIA_TYPES[(kind, media_type)]
    raise KeyError(media_type)


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each element of an Accept header.

    Malformed q-values count as q=0 (not acceptable) rather than failing the request.
    """
    ranges = []
    for position, element in enumerate((header or "").split(",")):
        parts = [p.strip() for p in element.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def negotiate(accept_header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None when none is acceptable.

    RFC 9110 §12.5.1: each offered type takes the q of the most specific range that
    matches it (``type/sub`` over ``type/*`` over ``*/*``); the highest q wins, ties go
    to the range written first in the header, then to the server's order in ``offered``.
    No (or an empty) Accept header accepts anything, so the first offered type wins.

    >>> negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", ["text/turtle", "text/html"])
    'text/html'
    >>> negotiate("application/ld+json;q=0", ["application/ld+json"]) is None
    True
    """
    if not offered:
        return None
    ranges = parse_accept(accept_header)
    if not ranges:
        return offered[0]
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, media in enumerate(offered):
        m_type = media.lower().partition("/")[0]
        match = None  # (specificity, q, position)
        for rng, q, position in ranges:
            r_type, _, r_sub = rng.partition("/")
            if rng == media.lower():
                spec = 2
            elif r_type == m_type and r_sub == "*":
                spec = 1
            elif rng == "*/*":
                spec = 0
            else:
                continue
            if match is None or spec > match[0]:
                match = (spec, q, position)
        if match is None or match[1] <= 0:
            continue
        key = (-match[1], match[2], order)
        if best is None or key < best:
            best, chosen = key, media
    return chosen
