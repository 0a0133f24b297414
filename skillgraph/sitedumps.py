"""Compressed dumps of a published site: one per standard, the shared nodes, the whole graph.

Each group's dump (:mod:`skillgraph.sitemanifest`) holds every triple whose subject is one
of its resources, as sorted N-Triples, gzip-compressed with no time stamp (the same graph,
the same bytes). Every triple of the build has a data resource as subject, so the groups'
dumps partition ``graph.nt``: the whole-graph dump is their gzip members concatenated
(RFC 1952 allows a file of several members; gzip, zcat, Python's gzip, zlib's gzread
and Java's GZIPInputStream read it as one stream), which costs a copy, not a
recompression, when one standard changes.
N-Triples because every bulk loader takes it (Virtuoso ``ld_dir``, Jena ``tdbloader``,
Oxigraph, QLever), it streams, and gzip brings it to about a twentieth.

The VoID/DCAT description names each dump as a ``dcat:Distribution`` with its size
(``dcat:byteSize``), ``dcat:compressFormat`` and SHA-256 (``spdx:checksum``), and each
standard as a ``void:subset`` of the dataset with its own dump.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .server.data import RDF_TYPE
from .server.describe import DCAT, DCT, LICENSE, SPDX, VOID, XSD, Where

IANA = "https://www.iana.org/assignments/media-types/"
NT_MEDIA = "application/n-triples"
WHOLE = "dumps/graph.nt.gz"


def group_dump_path(group: str, shared: str) -> str:
    return "dumps/shared.nt.gz" if group == shared else f"dumps/standards/{group}.nt.gz"


def group_dump(store: object, resources: Sequence[str]) -> tuple[bytes, int]:
    """Gzip'd sorted N-Triples of the triples whose subject is one of ``resources``, and
    how many there are. ``store`` is read through ``quads_for_pattern`` (so that an
    incremental publish records these lookups too)."""
    triples = sorted(
        (q.triple for iri in resources
         for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)),  # type: ignore[attr-defined]
        key=str,
    )  # fmt: skip
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return gzip.compress(text, compresslevel=6, mtime=0), len(triples)


@dataclass(frozen=True)
class Distribution:
    """One published dump file: where, what it holds, its size and SHA-256."""

    path: str  # site path, e.g. dumps/standards/4-09-07-04.nt.gz
    title: str
    media_type: str
    compressed: bool
    size: int
    sha256: str
    standard: str | None = None  # the occupation code of a per-standard dump
    triples: int | None = None

    @classmethod
    def of_file(cls, root: Path, path: str, title: str, media_type: str, *,
                standard: str | None = None, triples: int | None = None) -> Distribution:
        data = (root / path).read_bytes()
        return cls(path, title, media_type, path.endswith(".gz"), len(data),
                   hashlib.sha256(data).hexdigest(), standard, triples)  # fmt: skip


def distribution_triples(where: Where, dists: Sequence[Distribution]) -> list[ox.Triple]:
    """DCAT distributions (size, checksum, compression) of the dumps; per-standard dumps
    also as a ``void:subset`` of the dataset."""
    ds = ox.NamedNode(where.url("void.ttl#dataset"))
    t: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, ox.NamedNode(p), o))

    def lit(value: object, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype))

    for d in dists:
        url = ox.NamedNode(where.url(d.path))
        key = d.path.removeprefix("dumps/").replace("/", "-").replace(".", "-")
        dist = ox.NamedNode(where.url(f"void.ttl#dump-{key}"))
        owner = ds
        if d.standard is not None:
            owner = ox.NamedNode(where.url(f"void.ttl#standard-{d.standard}"))
            add(ds, VOID + "subset", owner)
            add(owner, RDF_TYPE.value, ox.NamedNode(VOID + "Dataset"))
            add(owner, DCT + "title", ox.Literal(f"Standard {d.standard}", language="en"))
            if d.triples is not None:
                add(owner, VOID + "triples", lit(d.triples, XSD + "integer"))
        if d.media_type == NT_MEDIA:
            add(owner, VOID + "dataDump", url)
        add(owner, DCAT + "distribution", dist)
        add(dist, RDF_TYPE.value, ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCT + "title", ox.Literal(d.title, language="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "accessURL", url)
        add(dist, DCAT + "mediaType", ox.NamedNode(IANA + d.media_type))
        if d.compressed:
            add(dist, DCAT + "compressFormat", ox.NamedNode(IANA + "application/gzip"))
        add(dist, DCT + "license", ox.NamedNode(LICENSE))
        add(dist, DCAT + "byteSize", lit(d.size, XSD + "nonNegativeInteger"))
        checksum = ox.NamedNode(where.url(f"void.ttl#dump-{key}-sha256"))
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE.value, ox.NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", lit(d.sha256, XSD + "hexBinary"))
    return t
