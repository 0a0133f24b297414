"""Descriptions of the dataset and the endpoint: VoID + DCAT, SPARQL Service Description.

Both are made from the loaded build (triple count, dump sizes) and the URL the site is
served at.  A static site may not know its URL: then the IRIs are written relative
(``<dumps/graph.ttl>``) and resolve against wherever ``void.ttl`` is fetched from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..interchange.site import exports_in
from ..vocab import ONTOLOGY_IRI, SG_IRI
from .data import RDF_TYPE, LinkedData, sg

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPDX = "http://spdx.org/rdf/terms#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PLACEHOLDER = "site-root:/"  # stands for "wherever this file is served" (a scheme of its own,
# so that pyoxigraph relativizes only our IRIs, not http: ones)

DUMPS = (
    ("graph.ttl", "text/turtle", "Turtle"),
    ("graph.nt", "application/n-triples", "N-Triples"),
    ("graph.jsonld", "application/ld+json", "JSON-LD"),
    ("ontology.ttl", "text/turtle", "Turtle (ontology)"),
)
DESCRIPTION_PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCT,
    "sd": SD,
    "xsd": XSD,
    "sg": SG_IRI,
    "spdx": SPDX,
}


def dump_list(build_dir: Path | None) -> list[tuple[str, str, str]]:
    """(file name, media type, human size) of each dump present in the build."""
    out = []
    for name, media, _label in DUMPS:
        path = build_dir / name if build_dir else None
        if path is not None and path.is_file():
            out.append((name, media, human_size(path.stat().st_size)))
    return out


def human_size(size: int) -> str:
    """Size for people.

    >>> human_size(1536)
    '1.5 KB'
    """
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@dataclass(frozen=True)
class Where:
    """Where the site lives: its root URL (or None: unknown) and its endpoint, if any."""

    site: str | None
    endpoint: str | None

    def url(self, path: str) -> str:
        return (self.site or PLACEHOLDER) + path


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype:
        return ox.Literal(str(value), datatype=_n(datatype))
    return ox.Literal(str(value))


def void_triples(ld: LinkedData, where: Where, *, build_dumps: bool = True) -> list[ox.Triple]:
    """VoID + DCAT for the dataset: counts, URI space, vocabulary, endpoint, dumps.

    ``build_dumps=False`` leaves out the build's dump files (a published site describes
    its own compressed dumps: :mod:`skillgraph.sitedumps`)."""
    ds = _n(where.url("void.ttl#dataset"))
    t: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, _n(p), o))

    add(ds, RDF_TYPE.value, _n(VOID + "Dataset"))
    add(ds, RDF_TYPE.value, _n(DCAT + "Dataset"))
    occupations = [
        q.subject.value
        for q in ld.store.quads_for_pattern(None, RDF_TYPE, sg("Occupation"))
        if ld.is_data(q.subject.value)
    ]
    names = [ld.labels(o) for o in sorted(occupations)]
    add(
        ds,
        DCT + "title",
        _lit("国家职业技能标准知识图谱：" + "、".join(n.get("zh", "") for n in names), lang="zh"),
    )
    add(
        ds,
        DCT + "title",
        _lit("skillgraph: " + ", ".join(n.get("en", "") for n in names), lang="en"),
    )
    add(
        ds,
        DCT + "description",
        _lit(
            "National occupational skill standards of China as an RDF graph: occupations, "
            "trades, levels, functions, work contents, requirements, competencies, exam "
            "weights and the data-quality findings of the draft.",
            lang="en",
        ),
    )
    add(ds, DCT + "license", _n(LICENSE))
    for std in sorted(
        q.subject.value
        for q in ld.store.quads_for_pattern(None, RDF_TYPE, sg("OccupationalStandard"))
    ):
        add(ds, DCT + "source", _n(std))
    for occ in sorted(occupations):
        add(ds, VOID + "rootResource", _n(occ))
    add(ds, VOID + "triples", _lit(ld.data_triples, XSD + "integer"))
    add(ds, VOID + "entities", _lit(len(ld.resources()), XSD + "integer"))
    add(ds, VOID + "uriSpace", _lit(ld.base))
    add(ds, VOID + "vocabulary", _n(ONTOLOGY_IRI))
    add(ds, VOID + "vocabulary", _n("http://www.w3.org/2004/02/skos/core#"))
    add(ds, VOID + "vocabulary", _n(DCT))
    add(ds, DCAT + "landingPage", _n(where.url("index.html")))
    if where.endpoint:
        add(ds, VOID + "sparqlEndpoint", _n(where.endpoint))
        service = _n(where.endpoint)
        add(service, RDF_TYPE.value, _n(DCAT + "DataService"))
        add(service, DCAT + "endpointURL", _n(where.endpoint))
        add(service, DCAT + "servesDataset", ds)
        add(service, DCT + "conformsTo", _n("https://www.w3.org/TR/sparql11-protocol/"))
    for name, media, label in DUMPS if build_dumps else ():
        url = _n(where.url("dumps/" + name))
        dist = _n(where.url("void.ttl#dump-" + name.replace(".", "-")))
        if name.startswith("graph."):
            add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF_TYPE.value, _n(DCAT + "Distribution"))
        add(dist, DCT + "title", _lit(label, lang="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "accessURL", url)
        add(dist, DCAT + "mediaType", _n("https://www.iana.org/assignments/media-types/" + media))
        add(dist, DCT + "license", _n(LICENSE))
        if ld.build_dir is not None and (ld.build_dir / name).is_file():
            size = (ld.build_dir / name).stat().st_size
            add(dist, DCAT + "byteSize", _lit(size, XSD + "nonNegativeInteger"))
    t.extend(export_triples(ld, where, ds))
    return t


def export_triples(ld: LinkedData, where: Where, ds: ox.NamedNode) -> list[ox.Triple]:
    """A dcat:Distribution of the dataset for each standard's interchange file."""
    t: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, _n(p), o))

    for export in exports_in(ld.build_dir):
        url = _n(where.url(export.path))
        dist = _n(where.url(f"void.ttl#export-{export.code}-" + export.kind.name.replace(".", "-")))
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF_TYPE.value, _n(DCAT + "Distribution"))
        add(dist, DCT + "title", _lit(f"{export.code}: {export.kind.label}", lang="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "accessURL", url)
        media = "https://www.iana.org/assignments/media-types/" + export.kind.media_type
        add(dist, DCAT + "mediaType", _n(media))
        add(dist, DCAT + "byteSize", _lit(export.size, XSD + "nonNegativeInteger"))
        add(dist, DCT + "license", _n(LICENSE))
        if export.kind.conforms_to:
            add(dist, DCT + "conformsTo", _n(export.kind.conforms_to))
        digest = hashlib.sha256((ld.build_dir / export.path).read_bytes()).hexdigest()
        checksum = _n(where.url(f"void.ttl#export-{export.code}-{export.kind.name}-sha256"))
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE.value, _n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", _lit(digest, XSD + "hexBinary"))
    return t


def service_triples(
    ld: LinkedData,
    endpoint: str,
    *,
    timeout: float,
    max_results: int,
    named_graphs: Sequence[str] = (),
) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of the endpoint (a bare GET /sparql).

    ``named_graphs``: the graphs loaded with ``serve --data FILE=GRAPH``, listed as the
    default dataset's ``sd:namedGraph`` so that a client knows what it may name.
    """
    s = _n(endpoint)
    t: list[ox.Triple] = []

    def add(subject: ox.NamedNode | ox.BlankNode, p: str, o: object) -> None:
        t.append(ox.Triple(subject, _n(p), o))  # type: ignore[arg-type]

    add(s, RDF_TYPE.value, _n(SD + "Service"))
    add(s, SD + "endpoint", s)
    add(s, SD + "supportedLanguage", _n(SD + "SPARQL11Query"))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
    ):
        add(s, SD + "resultFormat", _n(FORMATS_NS + fmt))
    add(s, SD + "defaultEntailmentRegime", _n("http://www.w3.org/ns/entailment/Simple"))
    add(
        s,
        DCT + "description",
        _lit(
            f"Read-only SPARQL 1.1 endpoint of skillgraph. Queries stop after {timeout:g} s "
            f"(504); answers are cut to {max_results} rows or triples (header "
            "X-Results-Truncated). All data (and the ontology) is in the default graph"
            + (
                "; the named graphs are listed below."
                if named_graphs
                else "; there are no named graphs."
            ),
            lang="en",
        ),
    )
    dataset = ox.BlankNode("dataset")
    graph = ox.BlankNode("defaultGraph")
    add(s, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE.value, _n(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", graph)
    add(graph, RDF_TYPE.value, _n(SD + "Graph"))
    add(graph, VOID + "triples", _lit(ld.triples or len(ld.store), XSD + "integer"))
    for i, name in enumerate(sorted(set(named_graphs))):
        named = ox.BlankNode(f"namedGraph{i}")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF_TYPE.value, _n(SD + "NamedGraph"))
        add(named, SD + "name", _n(name))
    return t


def serialize_description(triples: list[ox.Triple], key: str, where: Where | None = None) -> bytes:
    """Turtle / N-Triples / JSON-LD; with an unknown site URL, Turtle with relative IRIs."""
    from .data import RDF_FORMATS

    ordered = sorted(triples, key=str)
    if where is not None and where.site is None:
        if key != "ttl":
            raise ValueError("relative IRIs need Turtle: give the site URL for other formats")
        text = (
            ox.serialize(
                ordered,
                format=ox.RdfFormat.TURTLE,
                prefixes=DESCRIPTION_PREFIXES,
                base_iri=PLACEHOLDER,
            )
            or b""
        )
        lines = text.decode().splitlines()
        kept = [line for line in lines if not line.startswith("@base ")]
        return ("\n".join(kept) + "\n").encode()
    prefixes = DESCRIPTION_PREFIXES if key == "ttl" else None
    return ox.serialize(ordered, format=RDF_FORMATS[key], prefixes=prefixes) or b""
