"""Documentation of the ontology: a LODE-style page of every term, in Chinese and English.

Made from the ontology's triples alone (``ontology.ttl`` of the build), so a term added to
``ontology/skillgraph.ttl`` is documented without touching a template.  This module builds
plain values; ``templates/ontology.html`` renders them, for the live server
(``/ontology.html``) and for ``skillgraph publish`` alike.

Why not pyLODE (README, "Dependencies"): its current release does not import (3.4.1 reads
a ``pyproject.toml`` its wheel does not ship), 3.2 and 3.3 stop with a ``TypeError`` on
this ontology's ``owl:unionOf`` domains, and 3.1.4, the last that runs, omits the named
individuals, gives ``sg:OccupationalStandard`` an empty anchor (breaking every
``ontology.html#OccupationalStandard`` link of the pages), runs the two languages' labels
together, orders union members by Python's string hashes (different bytes on every run)
and puts its style inline, which the site's Content-Security-Policy refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from .serialize import PREFIXES
from .vocab import ONTOLOGY_IRI, SG_IRI

VANN = "http://purl.org/vocab/vann/"
EXTRA_PREFIXES = {
    "rdf": str(RDF),
    "vann": VANN,
    "schema": "https://schema.org/",
}

# (section id, heading, OWL type of its terms)
SECTIONS = (
    ("classes", "类 / Classes", OWL.Class),
    ("object-properties", "对象属性 / Object properties", OWL.ObjectProperty),
    ("datatype-properties", "数据属性 / Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "注释属性 / Annotation properties", OWL.AnnotationProperty),
    ("individuals", "个体 / Named individuals", OWL.NamedIndividual),
)
CHARACTERISTICS = (
    (OWL.FunctionalProperty, "functional"),
    (OWL.InverseFunctionalProperty, "inverse functional"),
    (OWL.TransitiveProperty, "transitive"),
    (OWL.SymmetricProperty, "symmetric"),
    (OWL.AsymmetricProperty, "asymmetric"),
    (OWL.ReflexiveProperty, "reflexive"),
    (OWL.IrreflexiveProperty, "irreflexive"),
)


@dataclass(frozen=True)
class Piece:
    """A piece of a class expression or a fact: a term (linked) or an operator (text)."""

    text: str
    href: str | None = None
    title: str | None = None


@dataclass
class Fact:
    """One row of a term's table: "subclass of" → [[pieces of one value], …]."""

    name: str
    values: list[list[Piece]]


@dataclass
class Term:
    id: str  # the local name: the anchor every page links to (ontology.html#TradeLevel)
    iri: str
    label_zh: str | None
    label_en: str | None
    definition_zh: str | None
    definition_en: str | None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (language, text)
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    terms: list[Term]


@dataclass
class OntologyDocs:
    iri: str
    title_zh: str | None
    title_en: str | None
    description_zh: str | None
    description_en: str | None
    metadata: list[Fact]
    sections: list[Section]
    namespaces: list[tuple[str, str]]

    def terms(self) -> list[Term]:
        return [t for s in self.sections for t in s.terms]


def _text(g: Graph, node: Node, preds: tuple[URIRef, ...], lang: str) -> str | None:
    for pred in preds:
        values = sorted(
            str(o) for o in g.objects(node, pred) if isinstance(o, Literal) and o.language == lang
        )
        if values:
            return values[0]
    return None


class _Writer:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.prefixes = {**PREFIXES, **EXTRA_PREFIXES}
        self.prefixes.pop("sh", None)

    def label(self, node: Node, lang: str) -> str | None:
        return _text(self.g, node, (SKOS.prefLabel, RDFS.label), lang)

    def curie(self, iri: str) -> str:
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def ref(self, iri: URIRef) -> Piece:
        text = self.curie(str(iri))
        title = " / ".join(x for x in (self.label(iri, "zh"), self.label(iri, "en")) if x)
        if str(iri).startswith(SG_IRI):
            return Piece(text, "ontology.html#" + str(iri)[len(SG_IRI) :], title or None)
        return Piece(text, str(iri) if str(iri).startswith("http") else None, title or None)

    def expression(self, node: Node) -> list[Piece]:
        """A class or property expression: a name, a union/intersection, an inverse."""
        if isinstance(node, URIRef):
            return [self.ref(node)]
        if isinstance(node, Literal):
            return [Piece(str(node))]
        g = self.g
        for pred, op in ((OWL.unionOf, " ∪ "), (OWL.intersectionOf, " ∩ ")):
            members = g.value(node, pred)
            if members is not None:
                out: list[Piece] = [Piece("(")]
                for i, m in enumerate(Collection(g, members)):
                    if i:
                        out.append(Piece(op))
                    out.extend(self.expression(m))
                return [*out, Piece(")")]
        one_of = g.value(node, OWL.oneOf)
        if one_of is not None:
            out = [Piece("{")]
            for i, m in enumerate(Collection(g, one_of)):
                out.extend([Piece(", ")] if i else [])
                out.extend(self.expression(m))
            return [*out, Piece("}")]
        inverse = g.value(node, OWL.inverseOf)
        if inverse is not None:
            return [Piece("inverse of "), *self.expression(inverse)]
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            for pred, word in ((OWL.someValuesFrom, " some "), (OWL.allValuesFrom, " only ")):
                filler = g.value(node, pred)
                if filler is not None:
                    return [*self.expression(prop), Piece(word), *self.expression(filler)]
        return [Piece("(anonymous expression)")]

    def values(self, node: Node, pred: URIRef) -> list[list[Piece]]:
        return sorted(
            (self.expression(o) for o in self.g.objects(node, pred)),
            key=lambda ps: "".join(p.text for p in ps),
        )

    def inverse_values(self, node: Node, pred: URIRef) -> list[list[Piece]]:
        """Named subjects of ``?s pred node`` (subclasses, properties with this domain)."""
        subjects = {s for s in self.g.subjects(pred, node) if isinstance(s, URIRef)}
        # a class in a union domain/range counts too
        for bn in self.g.subjects(OWL.unionOf, None):
            members = self.g.value(bn, OWL.unionOf)
            if members is not None and node in list(Collection(self.g, members)):
                subjects.update(s for s in self.g.subjects(pred, bn) if isinstance(s, URIRef))
        return [[self.ref(s)] for s in sorted(subjects)]

    def facts(self, node: URIRef, kind: URIRef) -> list[Fact]:
        g = self.g
        rows: list[tuple[str, list[list[Piece]]]] = [("IRI", [[Piece(str(node))]])]
        if kind == OWL.Class:
            rows += [
                ("subclass of", self.values(node, RDFS.subClassOf)),
                ("superclass of", self.inverse_values(node, RDFS.subClassOf)),
                ("equivalent to", self.values(node, OWL.equivalentClass)),
                ("disjoint with", self.values(node, OWL.disjointWith) + self.all_disjoint(node)),
                ("disjoint union of", [self.expression(c) for c in self._lists(node)]),
                ("in domain of", self.inverse_values(node, RDFS.domain)),
                ("in range of", self.inverse_values(node, RDFS.range)),
                ("instances", [[self.ref(s)] for s in sorted(
                    s for s in g.subjects(RDF.type, node) if isinstance(s, URIRef))]),
            ]  # fmt: skip
        elif kind == OWL.NamedIndividual:
            types = [o for o in g.objects(node, RDF.type) if o != OWL.NamedIndividual]
            rows += [
                ("type", sorted(([self.ref(t)] for t in types if isinstance(t, URIRef)),
                                key=lambda ps: ps[0].text)),
                ("notation", [[Piece(str(o))] for o in sorted(g.objects(node, SKOS.notation))]),
            ]  # fmt: skip
        else:
            marks = [word for cls, word in CHARACTERISTICS if (node, RDF.type, cls) in g]
            chains = []
            for chain in sorted(g.objects(node, OWL.propertyChainAxiom), key=str):
                pieces: list[Piece] = []
                for i, p in enumerate(Collection(g, chain)):
                    if i:
                        pieces.append(Piece(" ∘ "))
                    pieces.extend(self.expression(p))
                chains.append(pieces)
            rows += [
                ("characteristics", [[Piece(m)] for m in marks]),
                ("subproperty of", self.values(node, RDFS.subPropertyOf)),
                ("superproperty of", self.inverse_values(node, RDFS.subPropertyOf)),
                ("inverse of", self.values(node, OWL.inverseOf)),
                ("property chain", sorted(chains, key=lambda ps: "".join(p.text for p in ps))),
                ("domain", self.values(node, RDFS.domain)),
                ("range", self.values(node, RDFS.range)),
            ]
        rows.append(("defined by", self.values(node, RDFS.isDefinedBy)))
        return [Fact(name, values) for name, values in rows if values]

    def all_disjoint(self, node: Node) -> list[list[Piece]]:
        """The other members of every owl:AllDisjointClasses axiom naming ``node``."""
        others: set[URIRef] = set()
        for axiom in self.g.subjects(RDF.type, OWL.AllDisjointClasses):
            for members in self.g.objects(axiom, OWL.members):
                names = list(Collection(self.g, members))
                if node in names:
                    others.update(m for m in names if isinstance(m, URIRef) and m != node)
        return [[self.ref(m)] for m in sorted(others)]

    def _lists(self, node: Node) -> list[Node]:
        out: list[Node] = []
        for lst in self.g.objects(node, OWL.disjointUnionOf):
            out.extend(Collection(self.g, lst))
        return out

    def term(self, node: URIRef, kind: URIRef) -> Term:
        g = self.g
        notes = sorted(
            (o.language or "", str(o))
            for pred in (RDFS.comment, SKOS.scopeNote, SKOS.note, SKOS.example)
            for o in g.objects(node, pred)
            if isinstance(o, Literal)
        )
        return Term(
            id=str(node)[len(SG_IRI) :],
            iri=str(node),
            label_zh=self.label(node, "zh"),
            label_en=self.label(node, "en"),
            definition_zh=_text(g, node, (SKOS.definition,), "zh"),
            definition_en=_text(g, node, (SKOS.definition,), "en"),
            notes=notes,
            facts=self.facts(node, kind),
        )

    def docs(self) -> OntologyDocs:
        g = self.g
        onto = URIRef(ONTOLOGY_IRI)
        seen: set[URIRef] = set()
        sections = []
        for sid, title, kind in SECTIONS:
            nodes = sorted(
                s
                for s in g.subjects(RDF.type, kind)
                if isinstance(s, URIRef) and str(s).startswith(SG_IRI) and s not in seen
            )
            seen.update(nodes)
            if nodes:
                sections.append(Section(sid, title, [self.term(n, kind) for n in nodes]))
        meta = [
            ("IRI", [[Piece(ONTOLOGY_IRI)]]),
            ("version IRI", self.values(onto, OWL.versionIRI)),
            ("version", [[Piece(str(v))] for v in g.objects(onto, OWL.versionInfo)]),
            ("created", [[Piece(str(v))] for v in g.objects(onto, DCTERMS.created)]),
            ("creator", [[Piece(str(v))] for v in sorted(g.objects(onto, DCTERMS.creator))]),
            ("license", self.values(onto, DCTERMS.license)),
            ("imports", self.values(onto, OWL.imports)),
            ("preferred prefix", [[Piece(str(v))] for v in g.objects(
                onto, URIRef(VANN + "preferredNamespacePrefix"))]),
            ("namespace", [[Piece(SG_IRI)]]),
        ]  # fmt: skip
        return OntologyDocs(
            iri=ONTOLOGY_IRI,
            title_zh=_text(g, onto, (DCTERMS.title,), "zh"),
            title_en=_text(g, onto, (DCTERMS.title,), "en"),
            description_zh=_text(g, onto, (DCTERMS.description,), "zh"),
            description_en=_text(g, onto, (DCTERMS.description,), "en"),
            metadata=[Fact(n, v) for n, v in meta if v],
            sections=sections,
            namespaces=sorted(self.prefixes.items()),
        )


@lru_cache(maxsize=4)
def ontology_docs(ttl: bytes) -> OntologyDocs:
    """The documentation of the ontology in ``ttl`` (cached: the server asks per request)."""
    graph = Graph()
    graph.parse(data=ttl, format="turtle")
    return _Writer(graph).docs()

