"""Byte-identical artifacts: Turtle, N-Triples and JSON-LD of a graph.

rdflib's serializers follow the graph's set order for some formats, so we impose our own:
N-Triples lines sorted; JSON-LD nodes sorted by @id, keys sorted and value arrays
sorted.  Two builds of the same source give the same bytes, so they can be diffed.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph

from .vocab import SG_IRI

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


def jsonld_context(data_base: str) -> dict[str, Any]:
    """The JSON-LD context published beside the dumps (context.jsonld)."""
    ctx: dict[str, Any] = {"@version": 1.1, "id": data_base, **PREFIXES}
    ctx.update(
        {
            "label": {"@id": "skos:prefLabel", "@container": "@language"},
            "notation": "skos:notation",
            "printedCode": "sg:printedCode",
            "sourceLine": {"@id": "sg:sourceLine", "@type": "xsd:integer"},
            "rank": {"@id": "sg:rank", "@type": "xsd:integer"},
            "position": {"@id": "sg:position", "@type": "xsd:integer"},
            "weightPercent": {"@id": "sg:weightPercent", "@type": "xsd:integer"},
            "trainingHours": {"@id": "sg:trainingHours", "@type": "xsd:integer"},
        }
    )
    for prop in (
        "occupation",
        "trade",
        "level",
        "hasFunction",
        "hasWorkContent",
        "hasRequirement",
        "coversLowerLevel",
        "requires",
        "expresses",
        "affects",
        "findingKind",
        "weightOf",
        "exam",
    ):
        ctx[prop] = {"@id": f"sg:{prop}", "@type": "@id"}
    return ctx


def bind_prefixes(graph: Graph, data_base: str) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("id", data_base, override=True)


def to_turtle(graph: Graph, data_base: str) -> bytes:
    bind_prefixes(graph, data_base)
    return graph.serialize(format="turtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_jsonld(graph: Graph, data_base: str) -> bytes:
    """Compacted JSON-LD with the published context, in canonical order."""
    ctx = jsonld_context(data_base)
    text = graph.serialize(format="json-ld", context=ctx, auto_compact=True)
    doc = json.loads(text)
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])
    canonical = {
        "@context": ctx,
        "@graph": sorted((_sorted_values(n) for n in nodes), key=lambda n: str(n.get("@id"))),
    }
    return (json.dumps(canonical, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def _sorted_values(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _sorted_values(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_values(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node
