"""SHACL validation of a skillgraph graph (:mod:`skillgraph.shacl`; docs/committee.md,
"SHACL engine").

The report is SHACL's own: ``sh:conforms`` is false as soon as there is any result.  Our
rule on top of it: violations mean our data is broken and fail a build (and
``skillgraph validate``'s exit code); warnings are defects of the draft itself (see
``shapes/skillgraph-shapes.ttl``) and never fail.  No inference runs: the shapes target
concrete classes, so the ABox alone, or the reasoned closure, validates as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .indexed import TripleIndex
from .shacl import ShapesError, count_results, ntriples_of_file, report_text, shacl_report

__all__ = [
    "RDFInputError",
    "ShapesError",
    "ValidationResult",
    "load_shapes",
    "read_ntriples",
    "validate",
    "validate_file",
]

SHAPES_RESOURCE = "skillgraph-shapes.ttl"

# File suffix → syntax; .trig is read as the union of its graphs.
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


class RDFInputError(ValueError):
    """An RDF file cannot be read; the message names the file (and the parser's line)."""


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of one SHACL run; ``conforms_without_violations`` ignores warnings.

    ``report_graph`` is the SHACL validation report (its ``sh:conforms`` is the spec's:
    false when there are warnings too); ``warnings`` counts warnings and infos.
    """

    conforms_without_violations: bool
    violations: int
    warnings: int
    report_graph: Graph
    report_text: str


def shapes_turtle() -> bytes:
    """The Turtle of the shapes shipped with the package (through importlib.resources)."""
    return (files("skillgraph.shapes") / SHAPES_RESOURCE).read_bytes()


def load_shapes() -> Graph:
    """The shapes graph shipped with the package.

    >>> len(load_shapes()) > 100
    True
    """
    return Graph().parse(data=shapes_turtle(), format="turtle")


def validate(
    data: Graph,
    shapes: Graph | None = None,
    *,
    index: TripleIndex | None = None,
    store: ox.Store | None = None,
) -> ValidationResult:
    """Validate ``data`` against ``shapes`` (default: the skillgraph shapes).

    ``store`` (a pyoxigraph store holding exactly ``data``) saves writing ``data`` out
    again: the engine reads its N-Triples dump.  ``index`` is accepted for the build's
    sake and not needed any more.  Raises :class:`ShapesError` if the engine refuses the
    shapes.

    >>> result = validate(Graph())
    >>> result.conforms_without_violations, result.violations, result.warnings
    (True, 0, 0)
    """
    del index  # the engine reads N-Triples; no rdflib lookups are left to speed up
    source: Graph | bytes = data
    if store is not None:
        source = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return _result(shacl_report(source, shapes_turtle() if shapes is None else shapes))


def _result(report: Graph) -> ValidationResult:
    violations, warnings = count_results(report)
    return ValidationResult(
        conforms_without_violations=violations == 0,
        violations=violations,
        warnings=warnings,
        report_graph=report,
        report_text=report_text(report),
    )


def shacl_report_and_text(data: Graph, shapes: Graph) -> tuple[Graph, str]:
    """The report graph and its text form, for callers with their own result type."""
    report = shacl_report(data, shapes)
    return report, report_text(report)


def read_ntriples(path: str | Path) -> bytes:
    """An RDF file (syntax by suffix; .trig: the union of its graphs) as N-Triples.

    Literals keep their lexical form (rdflib would normalize them).  Raises
    :class:`RDFInputError` naming the file and the parser's line for an unknown suffix
    or a syntax error; ``OSError`` if unreadable.
    """
    path = Path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_FORMATS))
        raise RDFInputError(f"{path}: unknown RDF file suffix {path.suffix!r} (known: {known})")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        return ntriples_of_file(path, fmt)
    except SyntaxError as exc:
        raise RDFInputError(_located(path, fmt.name, str(exc))) from exc
    except UnicodeDecodeError as exc:
        raise RDFInputError(f"{path}: not UTF-8: {exc}") from exc


_POSITION = re.compile(r"line (\d+) column (\d+)")


def _located(path: Path, syntax: str, message: str) -> str:
    """``FILE:LINE:COLUMN: message`` where the parser says where (editors jump there)."""
    at = _POSITION.search(message)
    where = f"{path}:{at[1]}:{at[2]}" if at else f"{path}"
    return f"{where}: cannot parse as {syntax}: {message}"


def validate_file(path: str | Path, shapes: str | Path | None = None) -> ValidationResult:
    """Validate the RDF file ``path`` against ``shapes`` (a file; default: ours).

    Files are read by :func:`read_ntriples` (errors as there); the engine sees their
    exact terms.
    """
    shapes_input = shapes_turtle() if shapes is None else read_ntriples(shapes)
    report = shacl_report(read_ntriples(path), shapes_input)
    return _result(report)
