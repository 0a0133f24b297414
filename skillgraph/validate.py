"""SHACL validation of a skillgraph graph (docs/architecture.md, "Validation").

Violations mean our data is broken and decide conformance; warnings are defects of the draft
itself (see ``shapes/skillgraph-shapes.ttl``) and never fail a build.  pyshacl runs without
inference (~2 s vs ~11 s per standard: docs/architecture.md, "Engine facts"); the shapes
target concrete classes so the ABox alone, or the reasoned closure, validates as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .indexed import TripleIndex
from .shacl_core import core_conforms
from .shacl_sparql import (
    Result,
    canonical_report,
    results_from_report,
    run_sparql_constraints,
    split_sparql_constraints,
)
from .vocab import SH

__all__ = ["RDFInputError", "ValidationResult", "load_shapes", "validate", "validate_file"]

SHAPES_RESOURCE = "skillgraph-shapes.ttl"

# File suffix → rdflib parser name.
RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".trig": "trig",  # a dataset (what `curriculum --rdf` writes): every graph is validated
    ".nq": "nquads",
}
DATASET_FORMATS = {"trig", "nquads"}


class RDFInputError(ValueError):
    """An RDF file cannot be read; the message names the file (and the parser's line)."""


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of one SHACL run; ``conforms_without_violations`` ignores warnings."""

    conforms_without_violations: bool
    violations: int
    warnings: int
    report_graph: Graph
    report_text: str


def load_shapes() -> Graph:
    """The shapes graph shipped with the package (read through importlib.resources).

    >>> len(load_shapes()) > 100
    True
    """
    text = (files("skillgraph.shapes") / SHAPES_RESOURCE).read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def validate(
    data: Graph,
    shapes: Graph | None = None,
    *,
    index: TripleIndex | None = None,
    store: ox.Store | None = None,
) -> ValidationResult:
    """Validate ``data`` against the skillgraph shapes; warnings do not break conformance.

    SHACL Core runs in pyshacl, unless :func:`~skillgraph.shacl_core.core_conforms` shows
    it would find nothing (~0.2 s instead of ~2–3 s; any finding, or a shape feature it
    does not model, and pyshacl runs as before, so reports are pyshacl's own).  The
    SPARQL-based constraints run on pyoxigraph, once per constraint over the whole graph
    (see :mod:`skillgraph.shacl_sparql`): pyshacl runs them through rdflib's SPARQL once per
    focus node, which took ~45 s per standard.  ``index`` (of ``data``) and ``store`` (a
    pyoxigraph store holding exactly ``data``) save the build making them twice.

    >>> result = validate(Graph())
    >>> result.conforms_without_violations, result.violations, result.warnings
    (True, 0, 0)
    """
    shapes = load_shapes() if shapes is None else shapes
    core_shapes, constraints = split_sparql_constraints(shapes)
    results = [] if core_conforms(data, core_shapes, index) else pyshacl_core(data, core_shapes)
    results += run_sparql_constraints(data, constraints, store=store)
    report_graph, report_text = canonical_report(results)
    counts = {SH.Violation: 0, SH.Warning: 0}
    for r in results:
        if r.severity in counts:
            counts[r.severity] += 1
    return ValidationResult(
        conforms_without_violations=counts[SH.Violation] == 0,
        violations=counts[SH.Violation],
        warnings=counts[SH.Warning],
        report_graph=report_graph,
        report_text=report_text,
    )


def pyshacl_report(data: Graph, shapes: Graph) -> tuple[Graph, str]:
    """pyshacl's report graph and text, run as every caller here wants it: no inference
    (what is needed is materialized first), warnings allowed, every result reported."""
    from pyshacl import validate as shacl_validate  # ~0.15 s to import; often not needed

    _, report, text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=True,
        abort_on_first=False,
        meta_shacl=False,
    )
    assert isinstance(report, Graph)
    return report, str(text)


def pyshacl_core(data: Graph, core_shapes: Graph) -> list[Result]:
    """SHACL Core results of pyshacl (no inference, warnings allowed), as plain values."""
    return results_from_report(pyshacl_report(data, core_shapes)[0])


def read_rdf(path: str | Path) -> Graph:
    """Parse an RDF file, choosing the syntax by suffix (.ttl .nt .jsonld .rdf .owl).

    Raises :class:`RDFInputError` naming the file for an unknown suffix or a parse error
    (the parser's message, with its line number, is kept); ``OSError`` if unreadable.
    """
    path = Path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_FORMATS))
        raise RDFInputError(f"{path}: unknown RDF file suffix {path.suffix!r} (known: {known})")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    _check_syntax(path)
    try:
        if fmt in DATASET_FORMATS:
            graph = _union_of_graphs(path)
        else:
            graph = Graph()
            graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises parser-specific types (BadSyntax, SAX, JSON)
        message = re.sub(r"""\bb(['"])(.*?)\1""", r"\2", str(exc))  # no b'…' reprs
        raise RDFInputError(f"{path}: cannot parse as {fmt}: {message}") from exc
    return graph


def _union_of_graphs(path: Path) -> Graph:
    """Every triple of every graph of a dataset file (.trig, .nq), in one rdflib graph."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    graph = Graph()

    def term(t: object) -> Node:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        assert isinstance(t, ox.Literal)
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(t.value)  # as rdflib's own parsers read a plain literal
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    for q in ox.parse(path=path, format=fmt):
        graph.add((term(q.subject), term(q.predicate), term(q.object)))
    return graph


def _check_syntax(path: Path) -> None:
    """A syntax error as ``FILE:LINE:COLUMN: message`` (Oxigraph's parser, which reports
    the place plainly; rdflib's Turtle errors show the text as Python bytes)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        return
    try:
        for _ in ox.parse(path=path, format=fmt):
            pass
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}:{exc.offset}" if exc.lineno else str(path)
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc.args[0]))
        raise RDFInputError(f"{where}: {message}") from None


def validate_file(path: str | Path) -> ValidationResult:
    """Parse ``path`` (syntax by suffix) and validate it; see :func:`read_rdf` for errors."""
    return validate(read_rdf(path))
