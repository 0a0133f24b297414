"""SHACL Core and SHACL-SPARQL validation by the shifty engine (PyPI ``pyshifty``).

Why shifty, and the measurements behind the choice, are in docs/committee.md ("SHACL engine"):
it passes the W3C SHACL core and SPARQL suites (``tests/w3c/shacl/``) and validates a
standard in about half a second, SPARQL constraints included.  Two things are done around
it, each because the suite shows the engine needs it:

* graphs are handed over as N-Triples with rdflib's own blank-node labels, which the
  engine keeps, so the report's blank nodes are the caller's (``sh:focusNode``,
  ``sh:value``, ``sh:sourceShape``), and a blank-node ``sh:resultPath`` whose path triples
  the report leaves out gets them copied from the shapes graph;
* ``sh:uniqueLang`` values other than ``true`` are dropped before validation: the spec
  activates the constraint for ``true`` only, the engine for any true boolean (``"1"``).

It also gives SHACL-SPARQL result messages back the language tag of their ``sh:message``
(the engine drops it when it fills in ``{?var}``; our shapes say everything in zh and en).

The report is returned with blank-node labels derived from its content, so that the same
input (the same bytes, or the same graphs) always gives the same report bytes: the build's
artifacts are byte-identical.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .vocab import RDF, SH, XSD

__all__ = [
    "ShapesError",
    "count_results",
    "ntriples_of_file",
    "report_text",
    "shacl_report",
    "turtle_of",
]

_TRUE = Literal("true", datatype=XSD.boolean)
_XSD_STRING = str(XSD.string)
_OX_TRUE = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))


class ShapesError(ValueError):
    """The engine refuses the shapes graph (e.g. SPARQL the SHACL spec does not allow)."""


def turtle_of(graph: Graph) -> bytes:
    """``graph`` as N-Triples-style Turtle keeping rdflib's blank-node labels (``_:N…``)."""
    return "".join(
        f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph.triples((None, None, None))
    ).encode("utf-8")


def shacl_report(data: Graph | bytes, shapes: Graph | bytes) -> Graph:
    """The SHACL validation report of ``data`` against ``shapes``.

    Each is an rdflib graph, or Turtle/N-Triples bytes with absolute IRIs (what
    :func:`ntriples_of_file` reads; bytes keep each literal's lexical form, which rdflib
    normalizes on parsing: ``"1"`` of xsd:boolean becomes ``"true"``).  Every result is
    reported whatever its severity, and ``sh:conforms`` is false as soon as there is one
    (as the SHACL spec defines it).
    Raises :class:`ShapesError` when the engine refuses the shapes.
    """
    from shifty._shifty import PreparedValidator  # the wrapper's rdflib round trip drops labels

    data_bytes = data if isinstance(data, bytes) else turtle_of(data)
    if isinstance(shapes, bytes):
        shape_triples = _activated(shapes, relabel=True)
    else:  # keep the caller's labels: the report's sh:sourceShape blank nodes are theirs
        shape_triples = _activated(turtle_of(shapes), relabel=False)
    try:
        validator = PreparedValidator(
            ox.serialize(shape_triples, format=ox.RdfFormat.N_TRIPLES), None, "turtle", None
        )
        result = validator.validate_w3c(
            data_bytes,
            None,
            "turtle",
            graph_mode="data",
            run_infer=False,
            minimum_severity="info",
            sort_results=True,
            on_unsupported="error",
        )
    except Exception as exc:  # the engine raises plain ValueError/RuntimeError on refusal
        raise ShapesError(f"the SHACL engine refused the shapes: {exc}") from exc
    report = _rdflib_graph(ox.parse(result.report_turtle.encode(), format=ox.RdfFormat.TURTLE))
    _copy_missing_paths(report, shape_triples)
    _restore_languages(report, shape_triples)
    return _canonical(report)


def ntriples_of_file(path: Path, fmt: ox.RdfFormat) -> bytes:
    """An RDF file as N-Triples (the union of its graphs; relative IRIs against the file's
    own URI); ``SyntaxError`` names the line."""
    with path.open("rb") as f:
        quads = ox.parse(f, format=fmt, base_iri=path.absolute().as_uri())
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _activated(shapes: bytes, *, relabel: bool) -> list[ox.Triple]:
    """The shapes' triples without ``sh:uniqueLang`` values that do not activate it.

    ``relabel``: name blank nodes s1, s2, … in reading order (the parser's own names are
    random, and an engine message may quote a shape's blank node).
    """
    unique_lang = ox.NamedNode(str(SH.uniqueLang))
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def fixed(term: Any) -> Any:
        if relabel and isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"s{len(names) + 1}"))
        return term

    return [
        ox.Triple(fixed(q.subject), q.predicate, fixed(q.object))
        for q in ox.parse(shapes, format=ox.RdfFormat.TURTLE)
        if q.predicate != unique_lang or q.object == _OX_TRUE
    ]


def _rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib graph of ``triples`` keeping their blank-node labels (rdflib's parsers
    would rename them)."""
    graph = Graph()
    graph.bind("sh", SH)
    for t in triples:
        graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return graph


def _term(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # RDF 1.1: the same literal; rdflib tells apart
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term in a validation report: {term!r}")


def _copy_missing_paths(report: Graph, shape_triples: list[ox.Triple]) -> None:
    if not any(isinstance(p, BNode) for p in report.objects(None, SH.resultPath)):
        return
    shapes = _rdflib_graph(shape_triples)
    for path in set(report.objects(None, SH.resultPath)):
        if isinstance(path, BNode) and (path, None, None) not in report:
            _copy_tree(shapes, path, report)


_PATH_KINDS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
               SH.zeroOrOnePath)  # fmt: skip


def _copy_tree(source: Graph, node: Node, target: Graph) -> None:
    """Copy the triples of the property path ``node`` as SHACL reads it: a list is a
    sequence path (whatever else the node says), otherwise its one sh:*Path triple."""
    if not isinstance(node, BNode) or (node, None, None) in target:
        return
    is_list = (node, RDF.first, None) in source or node == RDF.nil
    keep = (RDF.first, RDF.rest) if is_list else _PATH_KINDS
    for p, o in source.predicate_objects(node):
        if p in keep:
            target.add((node, p, o))
            _copy_tree(source, o, target)


def _restore_languages(report: Graph, shape_triples: list[ox.Triple]) -> None:
    """Give SHACL-SPARQL result messages back the language tag of their ``sh:message``.

    The engine fills in ``{?var}`` but writes the message as a plain string; the message
    is matched against the templates of the result's source shape to find its tag.
    """
    untagged = [
        (r, m)
        for r, m in report.subject_objects(SH.resultMessage)
        if isinstance(m, Literal) and not m.language and m.datatype in (None, XSD.string)
    ]
    if not untagged:
        return
    shapes = _rdflib_graph(shape_triples)
    for result, message in untagged:
        shape = report.value(result, SH.sourceShape)
        templates = [*shapes.objects(shape, SH.message)]
        for constraint in shapes.objects(shape, SH.sparql):
            templates += shapes.objects(constraint, SH.message)
        for template in templates:
            if getattr(template, "language", None) and _fills(str(template), str(message)):
                tagged = Literal(str(message), lang=template.language)
                report.remove((result, SH.resultMessage, message))
                report.add((result, SH.resultMessage, tagged))
                break


def _fills(template: str, message: str) -> bool:
    """``message`` is ``template`` with its ``{?var}`` / ``{$var}`` slots filled in."""
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.fullmatch("(?s)" + ".*?".join(re.escape(p) for p in parts), message) is not None


def _canonical(report: Graph) -> Graph:
    """The report with blank-node labels that depend only on what each node says.

    The report node is ``_:report``; a result's label hashes its own triples (recursively,
    so nested ``sh:detail`` results and path lists too); blank nodes of the data or shapes
    (focus nodes, values, shapes) keep their labels, which are the caller's.
    """
    own = {s for s in report.subjects() if isinstance(s, BNode)}
    roots = set(report.subjects(RDF.type, SH.ValidationReport))
    names: dict[BNode, BNode] = {r: BNode("report") for r in roots}
    memo: dict[Node, str] = {}

    def digest(node: Node, trail: frozenset[Node] = frozenset()) -> str:
        if node not in own or node in trail:
            return node.n3()
        if node not in memo:
            parts = sorted(
                f"{p.n3()} {digest(o, trail | {node})}" for p, o in report.predicate_objects(node)
            )
            memo[node] = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:20]
        return memo[node]

    counts: dict[str, int] = {}
    for node in sorted(own - roots, key=digest):
        key = digest(node)
        counts[key] = counts.get(key, 0) + 1
        names[node] = BNode(f"r{key}" + ("" if counts[key] == 1 else f"x{counts[key]}"))
    out = Graph()
    out.bind("sh", SH)
    for s, p, o in report:
        out.add((names.get(s, s), p, names.get(o, o) if isinstance(o, BNode) else o))
    return out


def results(report: Graph) -> Iterable[Node]:
    """The top-level results of a report (not those nested under ``sh:detail``)."""
    return report.objects(None, SH.result)


def count_results(report: Graph) -> tuple[int, int]:
    """(violations, warnings and infos) among the top-level results."""
    violations = others = 0
    for r in results(report):
        if report.value(r, SH.resultSeverity) == SH.Violation:
            violations += 1
        else:
            others += 1
    return violations, others


def report_text(report: Graph) -> str:
    """A sorted, one-line-per-result text form of a report (English message when there is one)."""
    violations, others = count_results(report)
    conforms = next(report.objects(None, SH.conforms), _TRUE)
    lines = []
    for r in results(report):
        messages = list(report.objects(r, SH.resultMessage))
        english = [m for m in messages if getattr(m, "language", None) in ("en", None)]
        message = sorted(english or messages or [""])[0]
        path = report.value(r, SH.resultPath)
        lines.append(
            "\t".join(
                [
                    _local(report.value(r, SH.resultSeverity)),
                    _show(report.value(r, SH.focusNode)),
                    _local(report.value(r, SH.sourceShape)),
                    "" if path is None else _local(path),
                    str(message),
                ]
            )
        )
    summary = (
        f"Validation report: sh:conforms {str(conforms).lower()}; "
        f"{violations} violations, {others} warnings/infos\n"
    )
    return summary + "".join(f"{line}\n" for line in sorted(lines))


def _show(term: Node | None) -> str:
    return "" if term is None else ("_:" + str(term) if isinstance(term, BNode) else str(term))


def _local(term: Node | None) -> str:
    if term is None or isinstance(term, BNode):
        return "" if term is None else "_:" + str(term)
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text
