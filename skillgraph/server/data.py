"""Read access to one build for the linked-data side: lookups, descriptions, documents.

The server's pages and ``skillgraph publish`` both read the graph through one
:class:`LinkedData` over an in-memory pyoxigraph store, so a page served live and the
same page written to a static site come from the same code.  Lookups use
``quads_for_pattern`` (index scans, microseconds) rather than SPARQL: a page makes a few
hundred of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as _vocab
from ..serialize import PREFIXES
from ..store import data_store, disk_data_triples, disk_triples, ontology_bytes, open_store
from ..vocab import DEFAULT_DATA_BASE, ONTOLOGY_IRI, SG_IRI

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DC_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
NOTATION = ox.NamedNode(SKOS + "notation")


def sg(local: str) -> ox.NamedNode:
    """An ontology term as pyoxigraph names it; only terms of ``skillgraph.vocab`` (the one
    list of the ontology's names) are accepted, so a misspelt term fails at once."""
    if not hasattr(_vocab, local):
        raise KeyError(f"sg:{local} is not a term of the ontology (skillgraph/vocab.py)")
    return ox.NamedNode(SG_IRI + local)


# Serializations of documents (format key → pyoxigraph format).
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("sh", "void", "dcat")}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class LinkedData:
    """One build's data graph + ontology, and where its IRIs live.

    ``base`` is the data namespace (IRIs under it are pages of this site); the store
    holds data and ontology in the default graph, as the SPARQL endpoint sees them.
    """

    store: ox.Store
    base: str = DEFAULT_DATA_BASE
    build_dir: Path | None = None
    ontology_triples: list[ox.Triple] = field(default_factory=list)
    data_triples: int = 0
    triples: int = 0  # the store's, counted once (an on-disk store's count reads all of it)

    @classmethod
    def from_build(cls, build_dir: Path, *, base: str | None = None,
                   store_kind: str = "memory") -> LinkedData:
        """Load ``build_dir`` (or open its on-disk store: ``store_kind="disk"``); ``base``
        defaults to the one the build was made with."""
        onto = ontology_bytes(build_dir)
        ontology_triples = canonical(ox.parse(onto, format=ox.RdfFormat.TURTLE))
        if store_kind == "disk":
            store = open_store(build_dir, "disk")
            data_triples, triples = disk_data_triples(build_dir), disk_triples(build_dir)
        else:
            store = data_store(build_dir)
            data_triples = len(store)
            store.bulk_load(input=onto, format=ox.RdfFormat.TURTLE)
            triples = len(store)
        return cls(
            store,
            base or detect_base(store) or DEFAULT_DATA_BASE,
            build_dir,
            ontology_triples,
            data_triples,
            triples,
        )

    # --- IRIs -------------------------------------------------------------------
    def is_data(self, iri: str) -> bool:
        return iri.startswith(self.base)

    def iri_for(self, path: str) -> str:
        """The data IRI for a path under ``/id/`` (``occupation/4-09-07-04``)."""
        return self.base + path

    def path_for(self, iri: str) -> str:
        """The path under ``/id/`` of a data IRI."""
        return iri[len(self.base) :]

    # --- lookups ----------------------------------------------------------------
    def exists(self, iri: str) -> bool:
        """Whether the IRI is the subject of a triple; False for a string that is not an
        IRI at all (``/id/a b``, ``/id/%00``: a client's typo is a 404, not an error)."""
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None

    def objects(self, iri: str, pred: ox.NamedNode) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(ox.NamedNode(iri), pred, None)]

    def iris(self, iri: str, pred: ox.NamedNode) -> list[str]:
        """IRI objects of ``iri pred ?o``, sorted for stable output."""
        return sorted(o.value for o in self.objects(iri, pred) if isinstance(o, ox.NamedNode))

    def subjects(self, pred: ox.NamedNode, obj: str) -> list[str]:
        found = self.store.quads_for_pattern(None, pred, ox.NamedNode(obj))
        return sorted({q.subject.value for q in found if isinstance(q.subject, ox.NamedNode)})

    def one(self, iri: str, pred: ox.NamedNode) -> Term | None:
        values = sorted(self.objects(iri, pred), key=str)
        return values[0] if values else None

    def text(self, iri: str, pred: ox.NamedNode, lang: str | None = None) -> str | None:
        """A literal value, in ``lang`` when given (then only that language)."""
        for obj in sorted(self.objects(iri, pred), key=str):
            if isinstance(obj, ox.Literal) and (lang is None or obj.language == lang):
                return obj.value
        return None

    def integer(self, iri: str, pred: ox.NamedNode) -> int | None:
        value = self.text(iri, pred)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def types(self, iri: str) -> list[str]:
        return self.iris(iri, RDF_TYPE)

    def labels(self, iri: str) -> dict[str, str]:
        """Language → label (skos:prefLabel, else rdfs:label, else dcterms:title)."""
        for pred in (PREF_LABEL, RDFS_LABEL, DC_TITLE):
            out: dict[str, str] = {}
            for obj in sorted(self.objects(iri, pred), key=str):
                if isinstance(obj, ox.Literal):
                    out.setdefault(obj.language or "", obj.value)
            if out:
                return out
        return {}

    def label(self, iri: str) -> str:
        """The zh label, else any label, else the IRI's last segment."""
        labels = self.labels(iri)
        for lang in ("zh", "", "en"):
            if lang in labels:
                return labels[lang]
        return next(iter(labels.values()), local_name(iri))

    # --- documents --------------------------------------------------------------
    def description(self, iri: str) -> list[ox.Triple]:
        """The triples a resource's document holds: every triple with the IRI as subject
        or as object (a symmetric bounded description; the data has no blank nodes)."""
        node = ox.NamedNode(iri)
        triples = {q.triple for q in self.store.quads_for_pattern(node, None, None)}
        triples.update(q.triple for q in self.store.quads_for_pattern(None, None, node))
        return sorted(triples, key=str)

    def resources(self) -> list[str]:
        """Every IRI under the data base that is the subject of a triple, sorted."""
        seen = {
            q.subject.value
            for q in self.store.quads_for_pattern(None, RDF_TYPE, None)
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(self.base)
        }
        return sorted(seen)

    def ontology_document(self) -> list[ox.Triple]:
        return self.ontology_triples


def serialize(triples: Iterable[ox.Triple], key: str, *, base: str) -> bytes:
    """Triples as Turtle, N-Triples or JSON-LD (sorted: the same input, the same bytes)."""
    fmt = RDF_FORMATS[key]
    ordered = sorted(triples, key=str)
    if key == "ttl":
        # no prefix for the data IRIs: their paths hold "/", which a prefixed name must
        # escape (id:occupation\/4-09-07-04); written in full they read as in graph.ttl
        return ox.serialize(ordered, format=fmt, prefixes=TURTLE_PREFIXES) or b""
    return ox.serialize(ordered, format=fmt) or b""


def canonical(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples with blank nodes renamed by RDFC-1.0, so that their documents are the same
    bytes on every run (the ontology's lists and axioms are blank nodes)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [q.triple for q in dataset]


def detect_base(store: ox.Store) -> str | None:
    """The data base a build used: what precedes ``occupation/`` in its occupation IRI."""
    for quad in store.quads_for_pattern(None, RDF_TYPE, sg("Occupation")):
        iri = quad.subject.value
        if "occupation/" in iri:
            return iri[: iri.rindex("occupation/")]
    return None


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


ONTOLOGY = ONTOLOGY_IRI
