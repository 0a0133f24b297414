"""Every finding and every SHACL warning of a build, with the text it is about.

Read from what the build published, never recomputed: the data graph (``sg:Finding`` nodes
and the nodes they affect; labels, codes, printed codes, source lines and pages) and the
SHACL validation report (its warnings and infos; violations are our bugs and fail the
build, so they are not the drafters' business).  The build report, ``skillgraph
findings`` and the server's ``/findings`` page all list what :func:`collect` returns, so
their counts agree with each other and with the build's summary line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..vocab import SG_IRI
from .texts import (
    LINE,
    OUTSIDE_LEVELS,
    PATH_RULES,
    PRINTED_AS,
    RULES,
    SEPARATOR,
    SHAPE_RULES,
    Rule,
)

SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
NOTATION = ox.NamedNode(SKOS + "notation")
DC_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
VIOLATION = SH + "Violation"
# How a node hangs under its trade-level: the parent is the subject of ``parent p node``.
UP = ("hasRequirement", "hasWorkContent", "hasFunction", "hasExamWeight")
_IRI_IN_MESSAGE = re.compile(r"<([^<>\s]+)>")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def sg(local: str) -> ox.NamedNode:
    return ox.NamedNode(SG_IRI + local)


def sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


@dataclass(frozen=True)
class Item:
    """One finding or one SHACL warning, about one node of the graph."""

    origin: str  # "finding" | "shacl"
    rule: str  # key of texts.RULES
    severity: str  # "Finding", "Warning" or "Info"
    node: str  # IRI of the node it is about (the page a reader opens)
    source: str  # IRI of the sg:Finding, or the SHACL result's focus node
    kind: str  # the node's class, as the ontology names it in Chinese
    code: str  # skos:notation ("" if none)
    printed: str  # sg:printedCode where it differs ("" if none)
    text: str  # the node's Chinese text
    line: int | None
    page: int | None
    message: str  # what is wrong, in Chinese
    message_en: str
    others: tuple[str, ...]  # codes of other nodes the defect concerns (duplicates)
    clause: str  # 章条编号: where the drafters find it
    group: str  # IRI of its trade-level; "" outside the §3 tables
    group_label: str

    @property
    def about(self) -> Rule:
        return RULES[self.rule]

    @property
    def comment(self) -> str:
        """意见内容: the node and what is wrong with it."""
        what = f"{self.kind} {self.shown_code}".strip()
        quoted = f"「{self.text}」" if self.text and self.text != self.code else ""
        return f"{what}{quoted}：{self.message}" if what or quoted else self.message

    @property
    def place(self) -> str:
        """The clause without its trade-level (for lists already grouped by trade-level)."""
        if self.group and self.clause.startswith(self.group_label + " "):
            return self.clause[len(self.group_label) + 1 :]
        return self.clause

    @property
    def shown_code(self) -> str:
        if self.printed and self.printed != self.code:
            return PRINTED_AS.format(printed=self.printed, code=self.code)
        return self.code

    @property
    def suggestion(self) -> str:
        return self.about.suggestion.format(
            code=self.code, printed=self.printed or self.code,
            others=SEPARATOR.join(self.others) or "其他条目",
        )  # fmt: skip


@dataclass
class Group:
    """The items of one trade-level (or, with ``iri`` "", of the parts outside the tables)."""

    iri: str
    label: str
    items: list[Item] = field(default_factory=list)


@dataclass
class StandardReview:
    code: str  # the occupation's code, e.g. 4-09-07-04
    name: str  # the occupation's name
    title: str  # the standard's title
    occupation: str  # IRI
    document: str  # IRI of the sg:OccupationalStandard
    groups: list[Group] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [i for g in self.groups for i in g.items]

    @property
    def findings(self) -> int:
        return sum(i.origin == "finding" for i in self.items)

    @property
    def warnings(self) -> int:
        return sum(i.origin == "shacl" for i in self.items)


@dataclass
class Review:
    """Everything the committee reads, per standard (sorted by code); ``elsewhere`` holds
    warnings about nodes of no one standard (shared competencies)."""

    standards: list[StandardReview]
    elsewhere: list[Item] = field(default_factory=list)

    def standard(self, code: str) -> StandardReview | None:
        return next((s for s in self.standards if s.code == code), None)

    @property
    def items(self) -> list[Item]:
        return [i for s in self.standards for i in s.items] + self.elsewhere


class _Graph:
    """Lookups on the data store (index scans, no SPARQL)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def objects(self, node: ox.NamedNode | ox.BlankNode, pred: ox.NamedNode) -> list:
        return sorted((q.object for q in self.store.quads_for_pattern(node, pred, None)), key=str)

    def subjects(self, pred: ox.NamedNode, obj: ox.NamedNode) -> list[ox.NamedNode]:
        found = self.store.quads_for_pattern(None, pred, obj)
        return sorted({q.subject for q in found if isinstance(q.subject, ox.NamedNode)}, key=str)

    def text(self, node: ox.NamedNode, pred: ox.NamedNode, lang: str | None = "zh") -> str:
        values = [o for o in self.objects(node, pred) if isinstance(o, ox.Literal)]
        for o in values:
            if lang is None or o.language == lang:
                return o.value
        return ""

    def integer(self, node: ox.NamedNode, pred: ox.NamedNode) -> int | None:
        value = self.text(node, pred, None)
        return int(value) if value.lstrip("-").isdigit() else None

    def label(self, node: ox.NamedNode) -> str:
        for pred in (PREF_LABEL, RDFS_LABEL, DC_TITLE):
            found = self.text(node, pred) or self.text(node, pred, None)
            if found:
                return found
        return ""

    def kind(self, node: ox.NamedNode) -> str:
        """The zh label of the node's most specific class (the ontology is in the store)."""
        labels = [self.text(t, RDFS_LABEL) for t in self.objects(node, RDF_TYPE)]
        labels = [x for x in labels if x]
        return min(labels, key=lambda x: (-len(x), x)) if labels else ""

    def trade_level(self, node: ox.NamedNode) -> ox.NamedNode | None:
        seen = 0
        current: ox.NamedNode | None = node
        while current is not None and seen < 8:
            if sg("TradeLevel") in self.objects(current, RDF_TYPE):
                return current
            parents = [p for local in UP for p in self.subjects(sg(local), current)]
            current, seen = (parents[0] if parents else None), seen + 1
        return None


def collect(data: ox.Store, report: ox.Store) -> Review:
    """The committee's review of one build: ``data`` holds the data graph and the ontology
    (for the Chinese class names), ``report`` the SHACL validation report."""
    g = _Graph(data)
    reviews: list[StandardReview] = []
    for doc in g.subjects(RDF_TYPE, sg("OccupationalStandard")):
        occupations = [o for o in g.objects(doc, sg("describesOccupation"))
                       if isinstance(o, ox.NamedNode)]  # fmt: skip
        occ = occupations[0] if occupations else doc
        code = g.text(occ, NOTATION, None) or occ.value.rsplit("/", 1)[-1]
        reviews.append(
            StandardReview(code, g.label(occ), g.text(doc, DC_TITLE), occ.value, doc.value)
        )
    reviews.sort(key=lambda r: r.code)
    items: dict[str, list[Item]] = {r.code: [] for r in reviews}
    elsewhere: list[Item] = []
    for r in reviews:
        for finding in g.objects(ox.NamedNode(r.document), sg("hasFinding")):
            if isinstance(finding, ox.NamedNode):
                items[r.code].append(_finding(g, finding))
    for result in _warnings(report):
        item = _warning(g, report, result)
        owner = next((r for r in reviews if _under(item.source, r.occupation)), None)
        (items[owner.code] if owner else elsewhere).append(item)
    for r in reviews:
        r.groups = _grouped(g, items[r.code])
    return Review(reviews, sorted(elsewhere, key=_order))


def collect_build(build_dir: Path) -> Review:
    """:func:`collect` over a build directory (``graph.nt``, ``ontology.ttl``,
    ``validation.ttl``); ``FileNotFoundError`` names a missing file."""
    from ..store import data_store, ontology_bytes

    data = data_store(build_dir)
    data.bulk_load(input=ontology_bytes(build_dir), format=ox.RdfFormat.TURTLE)
    report_file = build_dir / "validation.ttl"
    if not report_file.is_file():
        raise FileNotFoundError(f"{report_file} not found: run `skillgraph build` first")
    report = ox.Store()
    report.bulk_load(path=str(report_file), format=ox.RdfFormat.TURTLE)
    return collect(data, report)


def _under(iri: str, occupation: str) -> bool:
    return iri == occupation or iri.startswith(occupation + "/")


def _warnings(report: ox.Store) -> list[ox.NamedNode | ox.BlankNode]:
    results = []
    for q in report.quads_for_pattern(None, sh("resultSeverity"), None):
        if q.object.value != VIOLATION:
            results.append(q.subject)
    return results


def _messages(literals: list) -> tuple[str, str]:
    """(zh, en) of a message; a zh literal "中文 / English" is split at the slash."""
    zh = next((o.value for o in literals if getattr(o, "language", None) == "zh"), "")
    en = next((o.value for o in literals if getattr(o, "language", None) in ("en", None)), "")
    head, sep, tail = zh.partition(" / ")
    if sep and _CJK.search(head):
        zh, en = head, en or tail
    return zh, en


def _finding(g: _Graph, finding: ox.NamedNode) -> Item:
    kind = g.objects(finding, sg("findingKind"))
    rule = kind[0].value.rsplit("#", 1)[-1] if kind else "OtherWarning"
    affects = [o for o in g.objects(finding, sg("affects")) if isinstance(o, ox.NamedNode)]
    node = affects[0] if affects else finding
    zh, en = _messages(g.objects(finding, sg("message")))
    line = g.integer(finding, sg("sourceLine"))
    return _item(g, "finding", rule if rule in RULES else "OtherWarning", "Finding", node,
                 finding, zh or en, en, line)  # fmt: skip


def _warning(g: _Graph, report: ox.Store, result: ox.NamedNode | ox.BlankNode) -> Item:
    r = _Graph(report)
    focus = next(iter(r.objects(result, sh("focusNode"))), None)
    value = next(iter(r.objects(result, sh("value"))), None)
    shape = next(iter(r.objects(result, sh("sourceShape"))), None)
    path = next(iter(r.objects(result, sh("resultPath"))), None)
    severity = next(iter(r.objects(result, sh("resultSeverity"))))
    if isinstance(shape, ox.NamedNode):
        rule = SHAPE_RULES.get(shape.value.rsplit("#", 1)[-1], "OtherWarning")
    else:
        local = path.value.rsplit("#", 1)[-1] if isinstance(path, ox.NamedNode) else ""
        rule = PATH_RULES.get(local, "OtherWarning")
    zh, en = _messages(r.objects(result, sh("resultMessage")))
    focus_node = focus if isinstance(focus, ox.NamedNode) else ox.NamedNode("urn:x-blank")
    node = value if isinstance(value, ox.NamedNode) and g.objects(value, RDF_TYPE) else focus_node
    zh, en = _readable(g, zh), _readable(g, en)
    return _item(g, "shacl", rule, severity.value.rsplit("#", 1)[-1], node, focus_node,
                 zh or en, en, None)  # fmt: skip


def _readable(g: _Graph, message: str) -> str:
    """A SHACL message with each ``<IRI>`` of a node replaced by its class and code."""

    def name(m: re.Match[str]) -> str:
        node = ox.NamedNode(m[1])
        code = g.text(node, NOTATION, None)
        return f"{g.kind(node)} {code}".strip() if code else g.label(node) or m[1]

    return _IRI_IN_MESSAGE.sub(name, message)


def _item(
    g: _Graph, origin: str, rule: str, severity: str, node: ox.NamedNode,
    source: ox.NamedNode, message: str, message_en: str, line: int | None,
) -> Item:  # fmt: skip
    level = g.trade_level(node)
    group_label = g.label(level) if level is not None else OUTSIDE_LEVELS
    kind, code = g.kind(node), g.text(node, NOTATION, None)
    printed = g.text(node, sg("printedCode"), None)
    line = line if line is not None else g.integer(node, sg("sourceLine"))
    others = _duplicates(g, node, level) if rule == "DuplicateText" else ()
    return Item(
        origin=origin, rule=rule, severity=severity, node=node.value, source=source.value,
        kind=kind, code=code, printed=printed if printed != code else "",
        text=g.label(node), line=line, page=g.integer(node, sg("sourcePage")),
        message=message, message_en=message_en, others=others,
        clause=_clause(kind, code, printed, group_label if level is not None else "", line),
        group=level.value if level is not None else "", group_label=group_label,
    )  # fmt: skip


def _duplicates(g: _Graph, node: ox.NamedNode, level: ox.NamedNode | None) -> tuple[str, ...]:
    """Codes of the other requirements of the same trade-level with the same wording (the
    same sg:expresses competency, as the DuplicateText shape reads it)."""
    codes = set()
    for competency in g.objects(node, sg("expresses")):
        for other in g.subjects(sg("expresses"), competency):
            if other != node and g.trade_level(other) == level:
                codes.add(g.text(other, NOTATION, None))
    return tuple(sorted(codes, key=_natural))


def _clause(kind: str, code: str, printed: str, level: str, line: int | None) -> str:
    shown = PRINTED_AS.format(printed=printed, code=code) if printed and printed != code else code
    where = " ".join(x for x in (level, kind, shown) if x)
    if not level and line is not None:
        where += f"（{LINE.format(line=line)}）"
    return where


def _natural(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 10**6 for p in code.split("."))


def _order(item: Item) -> tuple:
    return (item.line or 0, item.origin, item.rule, _natural(item.code), item.node, item.message)


def _grouped(g: _Graph, items: list[Item]) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in items:
        groups.setdefault(item.group, Group(item.group, item.group_label)).items.append(item)

    def where(group: Group) -> tuple:
        if not group.iri:
            return (0, 0, "")
        line = g.integer(ox.NamedNode(group.iri), sg("sourceLine"))
        return (1, line if line is not None else 10**9, group.iri)

    out = sorted(groups.values(), key=where)
    for group in out:
        group.items.sort(key=_order)
    return out
