"""Byte-identical artifacts: Turtle, N-Triples and JSON-LD of a graph.

rdflib's serializers follow the graph's set order for some formats, so we impose our own:
N-Triples lines sorted; JSON-LD nodes sorted by @id, keys sorted and value arrays
sorted.  Two builds of the same source give the same bytes, so they can be diffed.

Speed (the build serializes ~26k triples three ways): given a
:class:`~skillgraph.indexed.TripleIndex` of the graph, rdflib's own Turtle serializer and
JSON-LD converter run on an :class:`~skillgraph.indexed.IndexedGraph`, and the Turtle
serializer remembers each IRI's prefixed name instead of recomputing it for every triple.
The output is rdflib's, byte for byte: the Turtle shortcut is taken only where rdflib's
result does not depend on lookup order (no prefix to invent, object lists in a strict total
order), otherwise rdflib runs on the graph itself.  ~1.3 s → ~0.35 s for Turtle and
~0.9 s → ~0.35 s for JSON-LD per standard.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
from decimal import Decimal
from importlib import resources
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from .indexed import IndexedGraph, TripleIndex
from .vocab import OWL, RDF, RDFS, SG_IRI, XSD

PREFIXES = {
    "sg": SG_IRI,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}


# Datatypes whose values the context types, so that they compact to plain JSON strings;
# other literals (strings, language-tagged text) need no coercion.
TYPED_RANGES = (XSD.integer, XSD.decimal, XSD.boolean)


@functools.cache
def ontology_properties() -> tuple[tuple[str, str, str | None], ...]:
    """(local name, ``owl:ObjectProperty`` or ``owl:DatatypeProperty``, range IRI or None)
    of every sg: property ``ontology/skillgraph.ttl`` declares, sorted by name.

    The JSON-LD context is made from this, so a property added to the ontology is in the
    published context without another list to edit (docs/architecture.md, "Vocabulary").
    """
    data = (resources.files("skillgraph.ontology") / "skillgraph.ttl").read_bytes()
    kinds: dict[str, str] = {}
    ranges: dict[str, str] = {}
    wanted = {str(OWL.ObjectProperty), str(OWL.DatatypeProperty)}
    for t in ox.parse(data, format=ox.RdfFormat.TURTLE):
        s = t.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(SG_IRI):
            continue
        name = s.value.removeprefix(SG_IRI)
        if t.predicate.value == str(RDF.type) and t.object.value in wanted:
            kinds[name] = t.object.value
        elif t.predicate.value == str(RDFS.range) and isinstance(t.object, ox.NamedNode):
            ranges[name] = t.object.value
    return tuple((name, kinds[name], ranges.get(name)) for name in sorted(kinds))


def jsonld_context(data_base: str) -> dict[str, Any]:
    """The JSON-LD context published beside the dumps (context.jsonld).

    One term per sg: property of the ontology, named by its local name: object properties
    take IRIs (``@type: @id``), integer, decimal and boolean properties their datatype.
    """
    ctx: dict[str, Any] = {
        "@version": 1.1,
        "id": data_base,
        **PREFIXES,
        "label": {"@id": "skos:prefLabel", "@container": "@language"},
        "notation": "skos:notation",
    }
    typed = {str(d): f"xsd:{d.removeprefix(str(XSD))}" for d in TYPED_RANGES}
    for name, kind, range_ in ontology_properties():
        if name in ctx:
            raise ValueError(f"sg:{name} would redefine the JSON-LD term {name!r}")
        if kind == str(OWL.ObjectProperty):
            ctx[name] = {"@id": f"sg:{name}", "@type": "@id"}
        elif range_ in typed:
            ctx[name] = {"@id": f"sg:{name}", "@type": typed[range_]}
        else:
            ctx[name] = f"sg:{name}"
    return ctx


def bind_prefixes(graph: Graph, data_base: str) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("id", data_base, override=True)


def to_turtle(graph: Graph, data_base: str, index: TripleIndex | None = None) -> bytes:
    """Turtle as rdflib writes it (``index``: of ``graph``, for speed; same bytes)."""
    bind_prefixes(graph, data_base)
    if index is not None and _turtle_is_order_free(graph, index):
        stream = io.BytesIO()
        try:
            _MemoTurtleSerializer(IndexedGraph(graph, index)).serialize(
                stream, base=None, encoding="utf-8"
            )
            return stream.getvalue()
        except _OrderDependent:
            pass
    return graph.serialize(format="turtle", encoding="utf-8")


class _OrderDependent(Exception):
    """rdflib's Turtle output could depend on the order triples are read in."""


def _turtle_is_order_free(graph: Graph, index: TripleIndex) -> bool:
    """No prefix would be invented (rdflib names ``ns1`` … in reading order), no base."""
    if graph.base is not None or any(True for _ in graph.triples((None, RDF.type, RDFS.Class))):
        return False
    predicates = {p for by_p in index.spo.values() for p in by_p}
    for p in predicates:
        if p == RDF.type or not isinstance(p, URIRef):
            continue
        try:
            graph.namespace_manager.compute_qname(p, generate=False)
        except KeyError:  # no prefix bound: rdflib would generate one
            return False
        except Exception:  # an unsplittable IRI: rdflib writes it in full
            continue
    return True


_ORDERED_VALUES = (str, int, float, Decimal, bool)


class _MemoTurtleSerializer(TurtleSerializer):
    """rdflib's TurtleSerializer, computing each prefixed name once.

    ``get_pname`` depends only on the IRI once no prefix can be generated (checked by
    :func:`_turtle_is_order_free`); its side effect (declaring the prefix) is idempotent.
    Objects are sorted with rdflib's ordering, which is total only for some lists: a list
    where it might not be (mixed datatypes, ill-typed literals, equal values) raises
    :class:`_OrderDependent` and rdflib runs on the graph itself.
    """

    def __init__(self, store: Graph) -> None:
        self._pnames: dict[tuple[Node, bool], str | None] = {}
        super().__init__(store)

    def get_pname(self, uri: Node, gen_prefix: bool = True) -> str | None:
        key = (uri, gen_prefix)
        try:
            return self._pnames[key]
        except KeyError:
            name = self._pnames[key] = super().get_pname(uri, gen_prefix)
            return name

    def sortProperties(self, properties):  # type: ignore[no-untyped-def]
        ordered = super().sortProperties(properties)
        for objects in properties.values():
            if len(objects) > 1:
                _check_strict_order(objects)
        return ordered


def _check_strict_order(objects: list[Node]) -> None:
    kinds = set()
    for o in objects:
        if isinstance(o, Literal):
            well_typed = getattr(o, "ill_typed", True) is not True
            if not well_typed or not (o.value is None or type(o.value) in _ORDERED_VALUES):
                raise _OrderDependent(o)
            kinds.add(o.datatype or XSD.string)
    if len(kinds) > 1:
        raise _OrderDependent(kinds)
    for a, b in itertools.pairwise(objects):
        if not a < b:
            raise _OrderDependent((a, b))


def to_ntriples(graph: Graph, index: TripleIndex | None = None) -> bytes:
    source = graph if index is None else IndexedGraph(graph, index)
    text = source.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_jsonld(graph: Graph, data_base: str, index: TripleIndex | None = None) -> bytes:
    """Compacted JSON-LD with the published context, in canonical order.

    rdflib's JSON-LD converter (what ``graph.serialize(format="json-ld")`` runs), read as
    Python values instead of through its JSON text; ``index`` (of ``graph``) for speed.
    """
    ctx = jsonld_context(data_base)
    source = graph if index is None else IndexedGraph(graph, index)
    # the arguments JsonLDSerializer passes (its use_native_types is a one-element tuple)
    doc = from_rdf(source, ctx, graph.base, (False,), False, auto_compact=True)
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])
    canonical = {
        "@context": ctx,
        "@graph": sorted((_sorted_values(n) for n in nodes), key=lambda n: str(n.get("@id"))),
    }
    return (json.dumps(canonical, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def _sorted_values(node: Any) -> Any:
    """JSON values as ``json.loads`` would give them back (str, not rdflib terms), with
    every array sorted."""
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dict):
        return {str(k): _sorted_values(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        items = [_sorted_values(v) for v in node]
        if len(items) < 2:
            return items
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node
