"""The W3C SHACL test suite (``tests/w3c/shacl/``): its manifests, and the report comparison.

A case passes when the engine's validation report, normalised as the suite prescribes, is
isomorphic to the expected one: the report node with its ``sh:conforms`` and one
``sh:ValidationResult`` per result carrying ``rdf:type``, ``sh:focusNode``, ``sh:resultPath``
(with the path's own triples), ``sh:value``, ``sh:sourceShape``,
``sh:sourceConstraintComponent`` and ``sh:resultSeverity``.  Messages and ``sh:detail`` are
dropped; a blank node that is a focus node, value or source shape is a plain blank node
there, so isomorphism matches it like any other; language tags compare in lower case.  A
case whose result is ``sht:Failure`` passes when the engine refuses the shapes (raises).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

SUITE = Path(__file__).parent / "w3c" / "shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")

RESULT_FIELDS = (
    RDF.type,
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
)


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry: files to validate and the expected report (or failure)."""

    suite: str  # "core" or "sparql"
    name: str  # path of the test below its suite, e.g. "node/class-001"
    data: Path
    shapes: Path
    expected: Graph | None  # normalised report; None: the engine must refuse

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"


class EngineError(Exception):
    """The engine refused the input (any error is what a ``sht:Failure`` case expects)."""


Engine = Callable[[Path, Path], Graph]  # (data file, shapes file) → report graph


def load_cases(suite: str | None = None) -> list[Case]:
    """Every case of the suite's manifests, in manifest order (``suite``: "core"/"sparql")."""
    cases = list(_cases(SUITE / "manifest.ttl"))
    return [c for c in cases if suite is None or c.suite == suite]


def _cases(manifest: Path) -> Iterator[Case]:
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    for node in graph.subjects(RDF.type, MF.Manifest):
        for included in graph.objects(node, MF.include):
            yield from _cases(Path(str(included).removeprefix("file://")))
        for entries in graph.objects(node, MF.entries):
            for entry in Collection(graph, entries):
                yield _case(graph, entry, manifest)


def _case(graph: Graph, entry: Node, manifest: Path) -> Case:
    action = graph.value(entry, MF.action)
    data = Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://"))
    shapes = Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://"))
    result = graph.value(entry, MF.result)
    expected = None if result == SHT.Failure else normalise(graph, result)
    relative = manifest.parent.relative_to(SUITE)
    suite, *rest = relative.parts
    name = "/".join([*rest, str(entry).rsplit("/", 1)[-1]])
    return Case(suite, name, data, shapes, expected)


def normalise(graph: Graph, report: Node | None = None) -> Graph:
    """The comparable part of a validation report (see the module docstring).

    Raises ``ValueError`` unless ``graph`` holds exactly one ``sh:ValidationReport``
    (when ``report`` is not given) with one boolean ``sh:conforms``.
    """
    if report is None:
        reports = set(graph.subjects(RDF.type, SH.ValidationReport))
        if len(reports) != 1:
            raise ValueError(f"{len(reports)} sh:ValidationReport nodes, expected 1")
        report = reports.pop()
    conforms = list(graph.objects(report, SH.conforms))
    if len(conforms) != 1 or not isinstance(conforms[0], Literal):
        raise ValueError(f"sh:conforms values: {conforms}")
    out = Graph()
    root = BNode()
    out.add((root, RDF.type, SH.ValidationReport))
    out.add((root, SH.conforms, Literal(bool(conforms[0].toPython()), datatype=XSD.boolean)))
    for result in graph.objects(report, SH.result):
        copy = BNode()
        out.add((root, SH.result, copy))
        for p in RESULT_FIELDS:
            for o in graph.objects(result, p):
                out.add((copy, p, _copy_path(graph, o, out) if p == SH.resultPath else _lang(o)))
    return out


def _lang(term: Node) -> Node:
    """Language tags in lower case: RDF 1.1 compares them case-insensitively (Oxigraph, and
    so the engines built on it, lower-case them when parsing)."""
    if isinstance(term, Literal) and term.language:
        return Literal(str(term), lang=term.language.lower())
    return term


def _copy_path(graph: Graph, node: Node, out: Graph) -> Node:
    """A fresh copy of a (blank-node) property path into ``out``: lists and sh:*Path nodes.

    Each result gets its own copy, so a report that shares one path node between results
    compares equal to one that writes the path out per result (as Turtle's ``[ ]`` does).
    """
    if not isinstance(node, BNode):
        return node
    fresh = BNode()
    for p, o in graph.predicate_objects(node):
        out.add((fresh, p, _copy_path(graph, o, out)))
    return fresh


@dataclass(frozen=True)
class Outcome:
    case: Case
    passed: bool
    seconds: float
    detail: str = ""


def play(case: Case, engine: Engine) -> Outcome:
    """Run ``engine`` on ``case`` and compare; never raises for an engine's fault."""
    start = time.perf_counter()
    try:
        report = engine(case.data, case.shapes)
    except Exception as exc:  # the suite counts any error as refusing the input
        seconds = time.perf_counter() - start
        why = f"{type(exc).__name__}: {_first_line(exc)}"
        if case.expected is None:
            return Outcome(case, True, seconds, f"refused, as expected ({why})")
        return Outcome(case, False, seconds, f"failed: {why}")
    seconds = time.perf_counter() - start
    if case.expected is None:
        return Outcome(case, False, seconds, "accepted shapes the suite says must be refused")
    try:
        actual = normalise(report)
    except ValueError as exc:
        return Outcome(case, False, seconds, f"malformed report: {exc}")
    if isomorphic(actual, case.expected):
        return Outcome(case, True, seconds)
    return Outcome(case, False, seconds, difference(case.expected, actual))


def difference(expected: Graph, actual: Graph) -> str:
    """A short human account of how two normalised reports differ."""
    def summary(g: Graph) -> tuple[str, list[str]]:
        conforms = str(next(g.objects(None, SH.conforms), "?"))
        rows = []
        for r in g.objects(None, SH.result):
            fields = []
            for p in RESULT_FIELDS[1:]:
                vals = list(g.objects(r, p))
                shown = ["_:b" if isinstance(v, BNode) else _short(v) for v in vals]
                fields.append(",".join(sorted(shown)) or "-")
            rows.append(" ".join(fields))
        return conforms, sorted(rows)

    (ec, er), (ac, ar) = summary(expected), summary(actual)
    parts = []
    if ec != ac:
        parts.append(f"conforms {ac}, expected {ec}")
    missing = [r for r in er if r not in ar or er.count(r) > ar.count(r)]
    extra = [r for r in ar if r not in er or ar.count(r) > er.count(r)]
    if len(er) != len(ar):
        parts.append(f"{len(ar)} results, expected {len(er)}")
    if missing:
        parts.append("missing: " + "; ".join(dict.fromkeys(missing)))
    if extra:
        parts.append("unexpected: " + "; ".join(dict.fromkeys(extra)))
    if not parts:
        parts.append("blank-node structure differs (paths or shared nodes)")
    return " | ".join(parts)


def _short(term: Node) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text and isinstance(term, URIRef):
            text = text.rsplit(sep, 1)[-1]
            break
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
