"""Curriculum → RDF, into its own named graph (see the "Curriculum" section of the ontology).

IRIs hang under the curriculum's own IRI, not the standard's base: the designer's program
is theirs to publish.  ``<curriculum>/course/<course_id>`` and
``…/course/<course_id>/teaches/<trade>-<rank>-<kind>-<code>`` (or ``competency-<key>``)
are derived from what the sheet says, so the same sheet always gives the same graph.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from .. import vocab as V
from ..serialize import to_ntriples, to_turtle
from ..vocab import DCTERMS, RDF, SKOS, XSD
from .index import StandardIndex
from .model import Course, Curriculum, Mapping

__all__ = [
    "add_to_store", "course_iri", "curriculum_to_graph", "teaching_iri", "to_trig",
    "to_turtle_bytes",
]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TREATMENT = {"I": V.Introduced, "D": V.Developed, "M": V.Mastered}


def course_iri(curriculum: str, course_id: str) -> URIRef:
    """``<curriculum>/course/<course_id>``, the id percent-encoded (ASCII, reversible).

    >>> str(course_iri("urn:x:c", "碳核算 101"))
    'urn:x:c/course/%E7%A2%B3%E6%A0%B8%E7%AE%97%20101'
    """
    return URIRef(f"{curriculum}/course/{quote(course_id, safe='-._~')}")


def teaching_iri(curriculum: str, course: Course, mapping: Mapping, index: StandardIndex) -> URIRef:
    """``…/course/<id>/teaches/accounting-4-skill-2.1.1`` (``common-5-…``, ``competency-…``);
    when the build holds several occupations, prefixed with the occupation's code
    (``4-09-07-04-common-5-…``), since common levels and trade slugs repeat across them."""
    if mapping.target_kind == "competency":
        key = "competency-" + mapping.target.rstrip("/").rsplit("/", 1)[-1]
    else:
        req = index.requirements[mapping.target]
        tl = index.trade_levels[req.trade_level]
        key = f"{tl.trade or 'common'}-{tl.rank}-{req.kind}-{req.code}"
        occupations = {_occupation(t) for t in index.trade_levels}
        if len(occupations) > 1:  # common levels and trade slugs repeat across occupations
            key = f"{_occupation(tl.iri)}-{key}"
    return URIRef(f"{course_iri(curriculum, course.course_id)}/teaches/{quote(key, safe='-._~')}")


def _occupation(trade_level: str) -> str:
    """The occupation code in a trade-level IRI (``…/occupation/4-09-07-04/…``), or ""."""
    m = re.search(r"/occupation/([^/]+)/", trade_level)
    return m.group(1) if m else ""


def _text(text: str) -> Literal:
    """A language-tagged literal: zh when the text has Chinese characters, else en."""
    return Literal(text, lang="zh" if _CJK.search(text) else "en")


def curriculum_to_graph(cur: Curriculum, index: StandardIndex) -> Graph:
    """The curriculum's triples (to be stored in the named graph ``<cur.iri>``).

    Each mapping row becomes a ``sg:Teaching`` node (target, treatment, notes, source
    row) and the bare ``sg:teaches`` triple its property chain implies.
    """
    g = Graph()
    node = URIRef(cur.iri)
    g.add((node, RDF.type, V.Curriculum))
    g.add((node, SKOS.prefLabel, _text(cur.label)))
    g.add((node, DCTERMS.source, Literal(cur.source)))
    for course in cur.courses:
        c = course_iri(cur.iri, course.course_id)
        g.add((node, V.hasCourse, c))
        g.add((c, RDF.type, V.Course))
        g.add((c, SKOS.notation, Literal(course.course_id)))
        g.add((c, SKOS.prefLabel, _text(course.title)))
        g.add((c, V.courseHours, Literal(course.hours, datatype=XSD.decimal)))
        g.add((c, V.sourceLine, Literal(course.row)))
        if course.description:
            g.add((c, DCTERMS.description, _text(course.description)))
        for note in course.notes:
            g.add((c, SKOS.note, _text(note)))
        for m in course.mappings:
            t = teaching_iri(cur.iri, course, m, index)
            target = URIRef(m.target)
            g.add((c, V.hasTeaching, t))
            g.add((c, V.teaches, target))
            g.add((t, RDF.type, V.Teaching))
            g.add((t, V.targetNode, target))
            g.add((t, V.sourceLine, Literal(m.row)))
            if m.treatment:
                g.add((t, V.treatment, _TREATMENT[m.treatment]))
            if m.notes:
                g.add((t, SKOS.note, _text(m.notes)))
    return g


def add_to_store(store: ox.Store, graph: Graph, curriculum: str) -> None:
    """Load the curriculum into ``store`` as the named graph ``<curriculum>`` (replacing it)."""
    name = ox.NamedNode(curriculum)
    if store.contains_named_graph(name):
        store.clear_graph(name)
    store.load(to_ntriples(graph), format=ox.RdfFormat.N_TRIPLES, to_graph=name)


def to_trig(graph: Graph, curriculum: str) -> bytes:
    """TriG with the curriculum in its named graph ``<curriculum>``: loadable as is into
    any SPARQL store; deterministic (quads sorted before pyoxigraph writes them)."""
    name = ox.NamedNode(curriculum)
    lines = to_ntriples(graph).decode("utf-8").splitlines()
    triples = ox.parse("\n".join(lines) + "\n", format=ox.RdfFormat.N_TRIPLES)
    quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
    prefixes = {"sg": V.SG_IRI, "skos": str(SKOS), "dcterms": str(DCTERMS), "xsd": str(XSD)}
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""


def to_turtle_bytes(graph: Graph, curriculum: str) -> bytes:
    """Turtle of the curriculum graph alone (for tools without named graphs)."""
    return to_turtle(graph, curriculum + "/")
