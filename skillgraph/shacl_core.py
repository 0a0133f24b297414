"""A quick proof that SHACL Core finds nothing, so that pyshacl need not run.

pyshacl validates a property shape once per focus node, building its constraint objects
each time: ~2–3 s per standard for our ~50 shapes, which is most of a build.  Almost every
build conforms, so :func:`core_conforms` first checks the Core constraints itself, from
per-predicate indexes of the data graph (~0.1 s).  It answers ``True`` only when pyshacl
(no inference, ``allow_warnings``, not advanced) would give **no result at all**; on any
failure, and on anything it does not model, it answers ``False`` and the caller runs
pyshacl as before, so a report is always pyshacl's own, byte for byte.

It mirrors pyshacl 0.40's semantics component by component (datatype well-formedness,
``sh:class`` through ``rdfs:subClassOf*`` in the data graph, languageIn prefix matching,
``compare_literal`` for ranges, Warning/Info nested shapes counted as conforming, …).
Supported: targets (class, node, subjectsOf, objectsOf), paths that are an IRI or
``sh:inversePath`` of one, and minCount, maxCount, datatype, class, nodeKind, min/max
Inclusive/Exclusive, min/maxLength, pattern (+flags), languageIn, uniqueLang, in, hasValue,
not, and, or, xone, node, property, qualifiedValueShape with qualifiedMin/MaxCount.
Anything else (SPARQL constraints, closed shapes, property pairs, complex paths, custom
components, implicit class targets, deactivated shapes, recursion) means "ask pyshacl".
``benchmarks/run.py`` checks the two agree on the built graph and on broken copies of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .indexed import TripleIndex
from .vocab import RDF, RDFS, SH, XSD

__all__ = ["core_conforms"]


class _Unsupported(Exception):
    """Something the quick check does not model: pyshacl decides."""


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Shape predicates that constrain nothing (pyshacl reads them for reports only).
DESCRIPTIVE = {
    RDF.type, SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, *TARGETS,
}
CONSTRAINTS = {
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern,
    SH.flags, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH["not"], SH["and"],
    SH["or"], SH.xone, SH.node, SH.property, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
}
ALLOWED_SEVERITIES = {SH.Info, SH.Warning}  # allow_warnings: such shapes "conform" when nested
SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
MAX_DEPTH = 20
_EMPTY: list[Node] = []
# rdflib namespace attribute lookups are slow; these run per value node.
_RDF_TYPE, _RDFS_SUBCLASS = RDF.type, RDFS.subClassOf
_RDFS_LITERAL, _RDFS_DATATYPE, _LANG_STRING, _XSD_STRING = (
    RDFS.Literal, RDFS.Datatype, RDF.langString, XSD.string)

# A check gets the focus node, its value nodes and the mode (see _Checker.fails); True
# means a validation result.
Check = Callable[[Node, list[Node], bool], bool]


@dataclass
class _Shape:
    node: Node
    path: tuple[str, URIRef] | None  # ("fwd" | "inv", predicate); None = node shape
    allowed: bool  # severity Info/Warning
    checks: list[Check] = field(default_factory=list)


def core_conforms(data: Graph, shapes: Graph, index: TripleIndex | None = None) -> bool:
    """True when SHACL Core validation of ``data`` against ``shapes`` has no result.

    ``False`` means "there may be results, or the shapes use something not modelled
    here": run pyshacl for the report.  ``index``: the data graph's, if already made.

    >>> core_conforms(Graph(), Graph())
    True
    """
    if data.context_aware or shapes.context_aware:  # pyshacl validates each named graph
        return False
    try:
        return _Checker(index or TripleIndex.of(data), shapes).run()
    except _Unsupported:
        return False


class _Checker:
    def __init__(self, index: TripleIndex, shapes: Graph) -> None:
        self.index = index
        self.sg = shapes
        self._shapes: dict[Node, _Shape] = {}
        self._building: set[Node] = set()
        self._superclasses: dict[Node, set[Node]] = {}

    # ------------------------------------------------------------------ data access
    # Value lists come from a graph, so each value is there once: len() counts distinct.
    def objects(self, s: Node, p: URIRef) -> list[Node]:
        return self.index.forward(p).get(s, _EMPTY)

    def subjects(self, p: URIRef, o: Node) -> list[Node]:
        return self.index.inverse(p).get(o, _EMPTY)

    def has_class(self, v: Node, cls: Node) -> bool:
        """pyshacl's ClassConstraintComponent: rdf:type/rdfs:subClassOf* in the data."""
        if isinstance(v, Literal):
            return False
        types = self.objects(v, _RDF_TYPE)
        return cls in types or any(cls in self.superclasses(t) for t in types)

    def superclasses(self, cls: Node) -> set[Node]:
        found = self._superclasses.get(cls)
        if found is None:
            found, todo = set(), [cls]
            while todo:
                for sup in self.objects(todo.pop(), _RDFS_SUBCLASS):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._superclasses[cls] = found
        return found

    def instances(self, cls: Node) -> set[Node]:
        classes, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        out: set[Node] = set()
        for c in classes:
            out.update(self.subjects(RDF.type, c))
        return out

    # ------------------------------------------------------------------ shapes graph
    def _one(self, node: Node, p: URIRef) -> Node | None:
        values = list(self.sg.objects(node, p))
        if len(values) > 1:
            raise _Unsupported(f"{node} has several {p}")
        return values[0] if values else None

    def _list(self, head: Node) -> list[Node]:
        items, seen = [], set()
        while head != RDF.nil:
            if head in seen or not isinstance(head, BNode | URIRef):
                raise _Unsupported("malformed list")
            seen.add(head)
            first = list(self.sg.objects(head, RDF.first))
            rest = list(self.sg.objects(head, RDF.rest))
            if len(first) != 1 or len(rest) != 1:
                raise _Unsupported("malformed list")
            items.append(first[0])
            head = rest[0]
        if not items:
            raise _Unsupported("empty list")
        return items

    def _check_shapes_graph(self) -> None:
        if any(True for _ in self.sg.triples((None, SH.parameter, None))):
            raise _Unsupported("custom constraint components")
        classes = {RDFS.Class, *self.sg.subjects(RDFS.subClassOf, RDFS.Class)}
        for node, cls in self.sg.subject_objects(RDF.type):
            if cls in classes and (
                SHAPE_TYPES & set(self.sg.objects(node, RDF.type))
                or any(str(p).startswith(str(SH)) for p in self.sg.predicates(node, None))
            ):
                raise _Unsupported("implicit class target")

    def shape(self, node: Node, depth: int = 0) -> _Shape:
        if node in self._shapes:
            return self._shapes[node]
        if node in self._building or depth > MAX_DEPTH:
            raise _Unsupported("recursive shapes")
        if not isinstance(node, URIRef | BNode):
            raise _Unsupported("shape is a literal")
        self._building.add(node)
        preds = set(self.sg.predicates(node, None))
        for p in preds:
            if p in DESCRIPTIVE or p in CONSTRAINTS:
                continue
            if str(p).startswith(str(SH)):
                raise _Unsupported(f"{p} is not modelled")
        severity = list(self.sg.objects(node, SH.severity))
        if len(severity) > 1:
            raise _Unsupported("several severities")
        types = set(self.sg.objects(node, RDF.type))
        path_node = self._one(node, SH.path)
        if path_node is not None and SH.NodeShape in types:
            raise _Unsupported("node shape with a path")
        if path_node is None and SH.PropertyShape in types:
            raise _Unsupported("property shape without a path")
        shape = _Shape(
            node=node,
            path=None if path_node is None else self._path(path_node),
            allowed=bool(severity) and severity[0] in ALLOWED_SEVERITIES,
        )
        shape.checks = self._compile(node, shape, depth)
        self._building.discard(node)
        self._shapes[node] = shape
        return shape

    def _path(self, path: Node) -> tuple[str, URIRef]:
        if isinstance(path, URIRef):
            return ("fwd", path)
        if isinstance(path, BNode):
            triples = list(self.sg.predicate_objects(path))
            if len(triples) == 1 and triples[0][0] == SH.inversePath:
                inner = triples[0][1]
                if isinstance(inner, URIRef):
                    return ("inv", inner)
        raise _Unsupported("complex path")

    def values(self, shape: _Shape, focus: Node) -> list[Node]:
        """The value nodes, each once; read-only (they are the index's own lists)."""
        if shape.path is None:
            return [focus]
        kind, p = shape.path
        return self.objects(focus, p) if kind == "fwd" else self.subjects(p, focus)

    # ------------------------------------------------------------------ evaluation
    def fails(self, shape: _Shape, focus: Node, *, strict: bool) -> bool:
        """Whether ``shape`` has a result for ``focus``.

        ``strict``: any result at all (a top-level shape, sh:property under one, sh:node).
        Otherwise pyshacl's conformance of a nested shape (sh:or, sh:not, …), where with
        allow_warnings a Warning or Info shape always conforms.
        """
        if not strict and shape.allowed:
            return False
        values = self.values(shape, focus)
        return any(check(focus, values, strict) for check in shape.checks)

    def run(self) -> bool:
        self._check_shapes_graph()
        tops = {s for p in TARGETS for s in self.sg.subjects(p, None)}
        for node in sorted(tops, key=str):
            shape = self.shape(node)
            for focus in self.focus_nodes(node):
                if self.fails(shape, focus, strict=True):
                    return False
        return True

    def focus_nodes(self, node: Node) -> set[Node]:
        found: set[Node] = set(self.sg.objects(node, SH.targetNode))
        for cls in self.sg.objects(node, SH.targetClass):
            found |= self.instances(cls)
        for p in self.sg.objects(node, SH.targetSubjectsOf):
            found |= set(self.index.forward(p))
        for p in self.sg.objects(node, SH.targetObjectsOf):
            found |= set(self.index.inverse(p))
        return found

    # ------------------------------------------------------------------ components
    def _compile(self, node: Node, shape: _Shape, depth: int) -> list[Check]:
        sg = self.sg
        checks: list[Check] = []
        one = self._one
        is_property = shape.path is not None

        if (n := one(node, SH.minCount)) is not None:
            checks.append(_min_count(_int(n)))
        if (n := one(node, SH.maxCount)) is not None:
            checks.append(_max_count(_int(n)))
        if (dt := one(node, SH.datatype)) is not None:
            checks.append(_each(lambda v, dt=dt: not _datatype_matches(v, dt)))
        for cls in sg.objects(node, SH["class"]):
            checks.append(_each(lambda v, cls=cls: not self.has_class(v, cls)))
        if (kind := one(node, SH.nodeKind)) is not None:
            checks.append(_each(lambda v, kind=kind: not _node_kind_matches(v, kind)))
        for p, ok in (
            (SH.minInclusive, lambda c: c >= 0),
            (SH.minExclusive, lambda c: c > 0),
            (SH.maxInclusive, lambda c: c <= 0),
            (SH.maxExclusive, lambda c: c < 0),
        ):
            for bound in sg.objects(node, p):
                if not isinstance(bound, Literal):
                    raise _Unsupported("range bound is not a literal")
                checks.append(_each(lambda v, b=bound, ok=ok: not _in_range(v, b, ok)))
        for p, ok in ((SH.minLength, lambda n, m: n >= m), (SH.maxLength, lambda n, m: n <= m)):
            for bound in sg.objects(node, p):
                if not isinstance(bound, Literal) or not isinstance(bound.value, int):
                    raise _Unsupported("length bound is not an integer")
                if bound.value < 0:
                    raise _Unsupported("negative length")
                checks.append(_each(lambda v, m=bound.value, ok=ok: not _length_ok(v, m, ok)))
        patterns = list(sg.objects(node, SH.pattern))
        if patterns:
            checks.extend(_each(lambda v, rx=rx: not _pattern_matches(v, rx))
                          for rx in _compile_patterns(patterns, list(sg.objects(node, SH.flags))))
        languages = list(sg.objects(node, SH.languageIn))
        if len(languages) > 1:
            raise _Unsupported("several sh:languageIn")
        if languages:
            need = set()
            for item in self._list(languages[0]):
                if not isinstance(item, Literal) or not isinstance(item.value, str):
                    raise _Unsupported("sh:languageIn item is not a string")
                need.add(str(item.value).lower())
            checks.append(_each(lambda v, need=need: not _language_in(v, need)))
        if (unique := one(node, SH.uniqueLang)) is not None:
            if not is_property or not isinstance(unique, Literal) or not isinstance(
                unique.value, bool
            ):
                raise _Unsupported("sh:uniqueLang misplaced or not a boolean")
            if unique.value:
                checks.append(_unique_lang)
        if (lst := one(node, SH["in"])) is not None:
            allowed = set(self._list(lst))
            checks.append(_each(lambda v, allowed=allowed: v not in allowed))
        for hv in sg.objects(node, SH.hasValue):
            checks.append(lambda _f, vs, _strict, hv=hv: not any(v == hv for v in vs))

        def nested(target: Node) -> _Shape:
            return self.shape(target, depth + 1)

        for target in sg.objects(node, SH["not"]):
            inner = nested(target)
            checks.append(_each(lambda v, s=inner: not self.fails(s, v, strict=False)))
        for lst in sg.objects(node, SH["and"]):
            members = [nested(m) for m in self._list(lst)]
            checks.append(_each(lambda v, ms=members: any(
                self.fails(m, v, strict=False) for m in ms)))
        for lst in sg.objects(node, SH["or"]):
            members = [nested(m) for m in set(self._list(lst))]
            checks.append(_each(lambda v, ms=members: all(
                self.fails(m, v, strict=False) for m in ms)))
        for lst in sg.objects(node, SH.xone):
            members = [nested(m) for m in self._list(lst)]
            checks.append(_each(lambda v, ms=members: sum(
                not self.fails(m, v, strict=False) for m in ms) != 1))
        for target in sg.objects(node, SH.node):
            inner = nested(target)
            if inner.path is not None:
                raise _Unsupported("sh:node names a property shape")
            checks.append(_each(lambda v, s=inner: self.fails(s, v, strict=True)))
        for target in sg.objects(node, SH.property):
            prop = nested(target)
            if prop.path is None:
                raise _Unsupported("sh:property names a node shape")
            # sh:property passes its results up: in a top-level shape any result below
            # is one here; nested in sh:or etc. only its conformance counts.
            checks.append(lambda _f, vs, strict, s=prop: any(
                self.fails(s, v, strict=strict) for v in vs))
        qualified = list(sg.objects(node, SH.qualifiedValueShape))
        if qualified:
            if any(True for _ in sg.objects(node, SH.qualifiedValueShapesDisjoint)):
                raise _Unsupported("qualifiedValueShapesDisjoint")
            low, high = one(node, SH.qualifiedMinCount), one(node, SH.qualifiedMaxCount)
            if low is None and high is None:
                raise _Unsupported("qualified shape without counts")
            low_n = None if low is None else _int(low)
            high_n = None if high is None else _int(high)
            for target in qualified:
                inner = nested(target)
                checks.append(lambda _f, vs, _strict, s=inner, lo=low_n, hi=high_n: _count_out_of(
                    sum(not self.fails(s, v, strict=False) for v in vs), lo, hi))
        return checks


# ---------------------------------------------------------------------- value checks
def _each(bad: Callable[[Node], bool]) -> Check:
    return lambda _focus, values, _strict: any(bad(v) for v in values)


def _min_count(n: int) -> Check:
    return lambda _focus, values, _strict: n > 0 and len(values) < n


def _max_count(n: int) -> Check:
    return lambda _focus, values, _strict: len(values) > n


def _count_out_of(count: int, low: int | None, high: int | None) -> bool:
    return (high is not None and count > high) or (low is not None and count < low)


def _int(node: Node) -> int:
    if not isinstance(node, Literal) or not isinstance(node.value, int) or isinstance(
        node.value, bool
    ):
        raise _Unsupported("count is not an integer")
    return node.value


def _datatype_matches(v: Node, rule: Node) -> bool:
    """pyshacl 0.40 DatatypeConstraintComponent, verbatim in effect."""
    if not isinstance(v, Literal):
        return False
    datatype = v.datatype
    if datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v, rule)
    if rule == _RDFS_LITERAL:
        return True
    if rule == _RDFS_DATATYPE and datatype:
        return True
    if datatype is None and v.language is None and rule == _XSD_STRING:
        return _actual_datatype(v, rule)
    if rule == _LANG_STRING and v.language:
        return _actual_datatype(v, rule)
    return False


_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _actual_datatype(v: Literal, rule: Node) -> bool:
    expected = _PYTHON_TYPES.get(rule)
    return True if expected is None else isinstance(v.value, expected)


def _node_kind_matches(v: Node, kind: Node) -> bool:
    if isinstance(v, BNode):
        return kind in (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI)
    if isinstance(v, Literal):
        return kind in (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral)
    return kind in (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)


def _in_range(v: Node, bound: Literal, ok: Callable[[int], bool]) -> bool:
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return ok(compare_literal(v, bound))
    except (TypeError, NotImplementedError):
        return False


def _string_of(v: Node) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (
        None, _LANG_STRING, _XSD_STRING
    ):
        return str(v.value)
    return str(v)


def _length_ok(v: Node, bound: int, ok: Callable[[int, int], bool]) -> bool:
    if isinstance(v, BNode):
        return False
    return ok(len(_string_of(v)), bound)


def _compile_patterns(patterns: list[Node], flags: list[Node]) -> list[re.Pattern[str]]:
    if len(flags) > 1:
        raise _Unsupported("several sh:flags")
    re_flags = 0
    if flags:
        if not isinstance(flags[0], Literal):
            raise _Unsupported("sh:flags is not a literal")
        text = str(flags[0].value).lower()
        re_flags |= re.I if "i" in text else 0
        re_flags |= re.M if "m" in text else 0
    out = []
    for p in patterns:
        if not isinstance(p, Literal):
            raise _Unsupported("sh:pattern is not a literal")
        source = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
        try:
            out.append(re.compile(source, re_flags))
        except re.error as exc:
            raise _Unsupported(f"bad pattern {source!r}") from exc
    return out


def _pattern_matches(v: Node, rx: re.Pattern[str]) -> bool:
    return not isinstance(v, BNode) and rx.search(_string_of(v)) is not None


def _language_in(v: Node, need: set[str]) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = str(v.language).lower()
    return "*" in need or lang in need or lang.split("-")[0] in need


def _unique_lang(_focus: Node, values: Iterable[Node], _strict: bool) -> bool:
    seen: set[str] = set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            lang = str(v.language).lower()
            if lang in seen:
                return True
            seen.add(lang)
    return False
