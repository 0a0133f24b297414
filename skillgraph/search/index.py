"""Writing ``search.sqlite``: one row per labelled node of the graph, an FTS5 index over it.

Read from the finished RDF graph through the vocabulary (not from the parsed model), so
a build of any number of standards is indexed the same way.  Each row carries its facets:
the occupation, trade, trade-level and rank it sits under, and its kind.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .. import vocab as v
from .tokens import bigram_text, code_token, unigram_text

SCHEMA_VERSION = "2"

# (kind, class), in the order ties in rank are broken (an occupation before its requirements)
KINDS: tuple[tuple[str, URIRef], ...] = (
    ("occupation", v.Occupation),
    ("standard", v.OccupationalStandard),
    ("trade", v.Trade),
    ("tradelevel", v.TradeLevel),
    ("function", v.OccupationalFunction),
    ("content", v.WorkContent),
    ("skill", v.SkillRequirement),
    ("knowledge", v.KnowledgeRequirement),
    ("competency", v.Competency),
)
KIND_ORDER = {kind: n for n, (kind, _) in enumerate(KINDS)}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE occupation (iri TEXT PRIMARY KEY, code TEXT, zh TEXT, en TEXT);
CREATE INDEX occupation_code ON occupation (code);
CREATE TABLE trade (iri TEXT PRIMARY KEY, occupation TEXT, zh TEXT, en TEXT);
CREATE TABLE doc (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL, kind_order INTEGER NOT NULL,
  zh TEXT, en TEXT, notation TEXT,
  occupation TEXT, trade TEXT, tradelevel TEXT, rank INTEGER
);
CREATE INDEX doc_iri ON doc (iri);
CREATE INDEX doc_facets ON doc (id, kind, occupation, trade, rank);
CREATE VIRTUAL TABLE fts USING fts5 (
  zh, zh1, en, f, content = '', tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


@dataclass(frozen=True)
class Doc:
    """One indexed node with its facets (IRIs; rank 1–5 or None)."""

    iri: str
    kind: str
    zh: str
    en: str
    notation: str
    occupation: str | None
    trade: str | None
    tradelevel: str | None
    rank: int | None


def _label(graph: Graph, node: URIRef, lang: str) -> str:
    for pred in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
        for o in graph.objects(node, pred):
            if isinstance(o, Literal) and (o.language or "") == lang:
                return str(o)
    return ""


def _one(graph: Graph, s: URIRef | None, p: URIRef) -> URIRef | None:
    if s is None:
        return None
    found = sorted(o for o in graph.objects(s, p) if isinstance(o, URIRef))
    return found[0] if found else None


def _parent(graph: Graph, p: URIRef, node: URIRef) -> URIRef | None:
    found = sorted(s for s in graph.subjects(p, node) if isinstance(s, URIRef))
    return found[0] if found else None


def docs(graph: Graph) -> Iterator[Doc]:
    """Every node of a known kind with a Chinese or English label, in ``static_order``."""
    ranks: dict[URIRef, int | None] = {}

    def rank_of(tl: URIRef | None) -> int | None:
        if tl is None:
            return None
        if tl not in ranks:
            r = _one(graph, tl, v.level)
            value = graph.value(r, v.rank) if r is not None else None
            ranks[tl] = int(value) if value is not None else None
        return ranks[tl]

    def level_of(node: URIRef, kind: str) -> URIRef | None:
        if kind == "tradelevel":
            return node
        if kind == "function":
            return _parent(graph, v.hasFunction, node)
        if kind == "content":
            fn = _parent(graph, v.hasWorkContent, node)
            return level_of(fn, "function") if fn is not None else None
        if kind in ("skill", "knowledge"):
            wc = _parent(graph, v.hasRequirement, node)
            return level_of(wc, "content") if wc is not None else None
        return None

    seen: set[URIRef] = set()
    rows: list[Doc] = []
    for kind, cls in KINDS:
        for node in graph.subjects(RDF.type, cls):
            if not isinstance(node, URIRef) or node in seen:
                continue
            zh, en = _label(graph, node, "zh"), _label(graph, node, "en")
            if not zh and not en:
                continue
            seen.add(node)
            tl = level_of(node, kind)
            occupation = trade = None
            rank = rank_of(tl)
            if tl is not None:
                occupation, trade = _one(graph, tl, v.occupation), _one(graph, tl, v.trade)
            elif kind == "occupation":
                occupation = node
            elif kind == "trade":
                occupation, trade = _one(graph, node, v.occupation), node
            elif kind == "standard":
                occupation = _one(graph, node, v.describesOccupation)
            elif kind == "competency":
                occupation, trade, rank = _competency_facets(graph, node, level_of, rank_of)
            notation = graph.value(node, SKOS.notation)
            rows.append(Doc(str(node), kind, zh, en, str(notation or ""),
                            _s(occupation), _s(trade), _s(tl), rank))  # fmt: skip
    yield from sorted(rows, key=static_order)


def static_order(d: Doc) -> tuple:
    """Row order of the index: kind, then shorter label first, then IRI.  Rowids follow it,
    so a query with too many hits to rank them all shows these first (for labels this
    short, bm25 mostly prefers the shorter label too)."""
    return (KIND_ORDER[d.kind], len(d.zh or d.en), d.iri)


def facet_token(name: str, value: str | int) -> str:
    """The ``f`` column token of one facet value: filters are part of the MATCH, so a
    filtered count is as fast as an unfiltered one (letters and digits only).

    >>> facet_token("rank", 3), facet_token("kind", "skill")
    ('r3', 'kskill')
    """
    if name == "rank":
        return f"r{value}"
    if name == "kind":
        return f"k{value}"
    return name[0] + hashlib.sha1(str(value).encode()).hexdigest()[:16]


def trade_key(name: str) -> str:
    """How trade names are compared (a filter by trade is by name, across occupations)."""
    return "".join(name.split()).casefold()


def facet_tokens(d: Doc, trade_names: dict[str, str]) -> str:
    tokens = [facet_token("kind", d.kind)]
    if (code := code_token(d.notation)) is not None:
        tokens.append(code)
    if d.rank is not None:
        tokens.append(facet_token("rank", d.rank))
    if d.occupation:
        tokens.append(facet_token("occupation", d.occupation))
    if d.trade:
        tokens.append(facet_token("trade", trade_key(trade_names.get(d.trade, d.trade))))
    return " ".join(tokens)


def _competency_facets(graph, node, level_of, rank_of):  # type: ignore[no-untyped-def]
    """A competency's facets: those its requirements share (rank: the lowest level's)."""
    levels = {level_of(r, "skill") for r in graph.subjects(v.expresses, node)} - {None}
    occupations = {_one(graph, t, v.occupation) for t in levels}
    trades = {_one(graph, t, v.trade) for t in levels}
    ranks = {rank_of(t) for t in levels} - {None}
    return (
        next(iter(occupations)) if len(occupations) == 1 else None,
        next(iter(trades)) if len(trades) == 1 else None,
        max(ranks) if ranks else None,  # 5 = 五级, the lowest level that asks for it
    )


def _s(node: URIRef | None) -> str | None:
    return None if node is None else str(node)


def facet_labels(graph: Graph) -> tuple[list[tuple], list[tuple]]:
    """(occupation rows, trade rows) for the facet tables."""
    occs = sorted(
        (str(o), str(graph.value(o, SKOS.notation) or ""), _label(graph, o, "zh"),
         _label(graph, o, "en"))
        for o in graph.subjects(RDF.type, v.Occupation) if isinstance(o, URIRef)
    )  # fmt: skip
    trades = sorted(
        (str(t), _s(_one(graph, t, v.occupation)), _label(graph, t, "zh"), _label(graph, t, "en"))
        for t in graph.subjects(RDF.type, v.Trade) if isinstance(t, URIRef)
    )  # fmt: skip
    return occs, trades


def write_index(conn: sqlite3.Connection, rows: Iterable[Doc], occupations: list[tuple],
                trades: list[tuple]) -> int:
    """Create the tables in an empty database and fill them; returns the number of rows."""
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO occupation VALUES (?, ?, ?, ?)", occupations)
    conn.executemany("INSERT INTO trade VALUES (?, ?, ?, ?)", trades)
    names = {iri: zh or en or iri for iri, _occ, zh, en in trades}
    n = 0
    batch: list[tuple] = []
    for n, d in enumerate(rows, 1):
        batch.append((n, d))
        if len(batch) >= 20_000:
            _insert(conn, batch, names)
            batch = []
    _insert(conn, batch, names)
    conn.execute("INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(1.0, 0.3, 1.0, 0.0)')")
    conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    conn.executemany("INSERT INTO meta VALUES (?, ?)",
                     [("schema", SCHEMA_VERSION), ("documents", str(n))])  # fmt: skip
    conn.commit()
    return n


def _insert(conn: sqlite3.Connection, batch: list[tuple[int, Doc]],
            trade_names: dict[str, str]) -> None:
    conn.executemany(
        "INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(n, d.iri, d.kind, KIND_ORDER[d.kind], d.zh, d.en, d.notation, d.occupation, d.trade,
          d.tradelevel, d.rank) for n, d in batch],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO fts (rowid, zh, zh1, en, f) VALUES (?, ?, ?, ?, ?)",
        [(n, bigram_text(d.zh), unigram_text(d.zh), f"{d.en} {d.notation}".strip(),
          facet_tokens(d, trade_names)) for n, d in batch],
    )  # fmt: skip


def search_index_bytes(graph: Graph) -> bytes:
    """The ``search.sqlite`` artifact of a finished graph, as bytes (the build writes every
    artifact at once, atomically).  The same graph gives the same bytes."""
    conn = sqlite3.connect(":memory:")
    try:
        occupations, trades = facet_labels(graph)
        write_index(conn, docs(graph), occupations, trades)
        conn.execute("VACUUM")
        return conn.serialize()
    finally:
        conn.close()
