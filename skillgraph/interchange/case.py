"""1EdTech CASE 1.1 packages (CFPackage JSON): writer from the graph, reader back to RDF.

One package per standard.  The tree trade-level → function → work content → requirement is
written as CFItems joined by ``isChildOf`` associations (trade-levels are children of the
CFDocument); the level ladder as ``precedes`` (lower level precedes the next higher one); and
sg:coversLowerLevel as ``isPartOf`` from the lower level to the higher one.  CASE 1.1 defines
isPartOf as "the origin is included either physically or logically in the destination",
which is exactly what "higher levels cover the requirements of lower levels" says; isChildOf
is already the tree, and an ``ext:`` type would validate but no CASE tool would read it.
Only the direct steps are written (the build's transitive closure is inferred again from
them).

Texts: ``fullStatement`` is the Chinese text (``language`` "zh"), ``alternativeLabel`` the
English; codes are ``humanCodingScheme``, the printed order ``listEnumeration``.  Every
identifier is UUID v5 of our IRI, and every ``uri`` is that IRI, so a package re-read
gives the same nodes.  CFItemTypes name our classes (their ``uri`` is the class IRI).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from .. import vocab as V
from ..vocab import RDF, SKOS
from .graph import (
    InterchangeError,
    StandardRef,
    by_position,
    direct_cover,
    integer,
    text,
    trade_levels,
    uuid_of,
)

CASE_VERSION = "1.1"
SCHEMA_FILE = "case-v1p1-cfpackage-schema.json"

# most specific first: a node carries its superclasses too once the closure is materialised
ITEM_TYPES: dict[URIRef, tuple[str, str, str]] = {
    V.SkillRequirement: ("Skill requirement", "技能要求", "4S"),
    V.KnowledgeRequirement: ("Knowledge requirement", "相关知识要求", "4K"),
    V.WorkContent: ("Work content", "工作内容", "3"),
    V.OccupationalFunction: ("Occupational function", "职业功能", "2"),
    V.TradeLevel: ("Trade level", "职业等级（工种）", "1"),
}
CHILD_PROPERTY = {  # parent's class → property from parent to child
    V.TradeLevel: V.hasFunction,
    V.OccupationalFunction: V.hasWorkContent,
    V.WorkContent: V.hasRequirement,
}
EXTENSION = "skillgraph"  # key of our extension object on trade-level CFItems


@cache
def schema() -> dict[str, Any]:
    """The vendored CASE 1.1 CFPackage JSON Schema (see schemas/LICENSES.txt)."""
    path = resources.files("skillgraph.interchange") / "schemas" / SCHEMA_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(package: dict[str, Any]) -> list[str]:
    """Messages for every place the package breaks the CASE 1.1 schema (empty: valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(), format_checker=_format_checker())
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(package)'}: {err.message}"
        for err in sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    ]


def _format_checker() -> Any:
    """jsonschema's checker plus "uri" and "date-time", which it checks only when optional
    packages are installed: a URI needs a scheme, a date-time a time zone (RFC 3339)."""
    import jsonschema

    checker = jsonschema.FormatChecker()

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or (
            re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value) is not None
        )

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if "T" not in value.upper():
            raise ValueError("no time part")
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None

    return checker


def _item_type(graph: Graph, node: URIRef) -> URIRef:
    types = set(graph.objects(node, RDF.type))
    for cls in ITEM_TYPES:
        if cls in types:
            return cls
    raise InterchangeError(f"{node}: not a trade-level, function, work content or requirement")


def _link(iri: URIRef, title: str) -> dict[str, str]:
    return {"title": title, "identifier": uuid_of(iri), "uri": str(iri)}


def _tl_code(graph: Graph, tl: URIRef) -> str:
    level = graph.value(tl, V.level)
    rank = integer(graph, level, V.rank) if level is not None else None
    trade = graph.value(tl, V.trade)
    prefix = f"{str(trade).rsplit('/', 1)[-1]}-" if trade is not None else ""
    return f"{prefix}L{rank}"


class _Writer:
    def __init__(self, graph: Graph, ref: StandardRef, changed: datetime) -> None:
        self.graph, self.ref = graph, ref
        self.changed = changed.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.items: list[dict[str, Any]] = []
        self.associations: list[dict[str, Any]] = []
        self.titles: dict[URIRef, str] = {}

    def title(self, node: URIRef) -> str:
        return text(self.graph, node, SKOS.prefLabel, "zh") or str(node)

    def document(self) -> dict[str, Any]:
        g, std = self.graph, self.ref.standard
        title = text(g, std, DCTERMS.title, "zh") or self.ref.code
        self.titles[std] = title
        issued = sorted(str(o) for o in g.objects(std, V.issuedBy) if o.language == "zh")
        status_en = text(g, std, V.status, "en") or ""
        edition = integer(g, std, V.edition)
        doc: dict[str, Any] = {
            "identifier": uuid_of(std),
            "uri": str(std),
            "frameworkType": "National occupational skill standard (国家职业技能标准)",
            "caseVersion": CASE_VERSION,
            "creator": "；".join(issued) or "（来源未载明发布机关）",
            "title": title,
            "lastChangeDateTime": self.changed,
            "description": text(g, std, DCTERMS.title, "en") or title,
            "subject": [text(g, self.ref.occupation, SKOS.prefLabel, "zh") or self.ref.code],
            "subjectURI": [_link(self.ref.occupation, self.ref.code)],
            "language": "zh",
            "version": str(edition) if edition else (text(g, std, V.status, "zh") or ""),
            "adoptionStatus": "Draft" if "draft" in status_en.lower() else "Adopted",
            "notes": f"Source {g.value(std, DCTERMS.source)} (sha256 "
            f"{g.value(std, V.sourceSha256)}); written by skillgraph from its RDF graph.",
        }
        return {k: v for k, v in doc.items() if v != ""}

    def item(self, node: URIRef, parent: URIRef, sequence: int) -> None:
        g = self.graph
        cls = _item_type(g, node)
        title = self.title(node)
        self.titles[node] = title
        code = _tl_code(g, node) if cls == V.TradeLevel else g.value(node, SKOS.notation)
        item: dict[str, Any] = {
            "identifier": uuid_of(node),
            "fullStatement": title,
            "CFItemType": ITEM_TYPES[cls][0],
            "uri": str(node),
            "language": "zh",
            "CFItemTypeURI": _link(cls, ITEM_TYPES[cls][0]),
            "lastChangeDateTime": self.changed,
        }
        english = text(g, node, SKOS.prefLabel, "en")
        if english:
            item["alternativeLabel"] = english
        if code is not None:
            item["humanCodingScheme"] = str(code)
        position = integer(g, node, V.position)
        if position is not None:
            item["listEnumeration"] = str(position)
        if cls == V.TradeLevel:
            ext = {"level": g.value(node, V.level), "trade": g.value(node, V.trade)}
            item["extensions"] = {EXTENSION: {k: str(v) for k, v in ext.items() if v is not None}}
        self.items.append(item)
        self.associate("isChildOf", node, parent, sequence)
        prop = CHILD_PROPERTY.get(cls)
        if prop is not None:
            for n, child in enumerate(by_position(g, list(g.objects(node, prop))), start=1):
                self.item(child, node, n)

    def associate(
        self, kind: str, origin: URIRef, destination: URIRef, sequence: int | None = None
    ) -> None:
        ident = uuid_of(f"{origin} {kind} {destination}")
        assoc: dict[str, Any] = {
            "identifier": ident,
            "associationType": kind,
            "uri": f"urn:uuid:{ident}",
            "originNodeURI": _link(origin, self.titles[origin]),
            "destinationNodeURI": _link(destination, self.titles[destination]),
            "lastChangeDateTime": self.changed,
        }
        if sequence is not None:
            assoc["sequenceNumber"] = sequence
        self.associations.append(assoc)

    def package(self) -> dict[str, Any]:
        doc = self.document()
        levels = trade_levels(self.graph, self.ref.occupation)
        for n, tl in enumerate(levels, start=1):
            self.item(tl, self.ref.standard, n)
        for high, low in direct_cover(self.graph, levels):
            self.associate("precedes", low, high)
            self.associate("isPartOf", low, high)
        return {
            "CFDocument": doc,
            "CFItems": self.items,
            "CFAssociations": self.associations,
            "CFDefinitions": {"CFItemTypes": [self.item_type(c) for c in ITEM_TYPES]},
        }

    def item_type(self, cls: URIRef) -> dict[str, Any]:
        en, zh, code = ITEM_TYPES[cls]
        return {
            "identifier": uuid_of(cls),
            "uri": str(cls),
            "title": en,
            "description": f"{zh} / {en} ({cls.removeprefix(V.SG_IRI)} in the skillgraph "
            "ontology)",
            "hierarchyCode": code,
            "typeCode": cls.removeprefix(V.SG_IRI),
            "lastChangeDateTime": self.changed,
        }


def write_case(graph: Graph, ref: StandardRef, changed: datetime) -> dict[str, Any]:
    """The CFPackage of one standard of the graph; ``changed`` is every lastChangeDateTime."""
    return _Writer(graph, ref, changed).package()


def _type_of(item: dict[str, Any]) -> URIRef:
    by_uri = {str(c): c for c in ITEM_TYPES}
    by_title = {t[0]: c for c, t in ITEM_TYPES.items()}
    uri = (item.get("CFItemTypeURI") or {}).get("uri")
    cls = by_uri.get(uri) if uri else by_title.get(item.get("CFItemType", ""))
    if cls is None:
        raise InterchangeError(
            f"CFItem {item.get('identifier')}: item type {uri or item.get('CFItemType')!r} is "
            f"not one of {', '.join(t[0] for t in ITEM_TYPES.values())}"
        )
    return cls


def read_case(package: dict[str, Any]) -> Graph:
    """RDF of a CFPackage written by :func:`write_case`: the tree, texts, codes and ladder.

    The package is checked against the CASE 1.1 schema first; the nodes are the ``uri`` of
    each object.  What the package does not carry (source lines, weights, eligibility)
    is not invented.
    """
    try:
        errors = schema_errors(package)
    except ImportError:  # jsonschema is a test dependency; without it the reader checks keys
        errors = []
    if errors:
        shown = "; ".join(errors[:5])
        raise InterchangeError(f"not a valid CASE 1.1 package ({len(errors)} errors): {shown}")
    try:
        return _read(package)
    except InterchangeError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise InterchangeError(f"not a CASE package of skillgraph's shape: {exc!r}") from exc


def _read(package: dict[str, Any]) -> Graph:
    graph = Graph()
    graph.bind("sg", V.SG)
    doc = package["CFDocument"]
    std = URIRef(doc["uri"])
    lang = doc.get("language", "zh")
    graph.add((std, RDF.type, V.OccupationalStandard))
    graph.add((std, DCTERMS.title, Literal(doc["title"], lang=lang)))
    subjects = doc.get("subjectURI") or []
    occupation = URIRef(subjects[0]["uri"]) if subjects else None
    if occupation is not None:
        graph.add((std, V.describesOccupation, occupation))
    types: dict[str, URIRef] = {doc["uri"]: V.OccupationalStandard}
    for item in package.get("CFItems", []):
        node, cls = URIRef(item["uri"]), _type_of(item)
        types[item["uri"]] = cls
        item_lang = item.get("language", lang)
        graph.add((node, RDF.type, cls))
        graph.add((node, SKOS.prefLabel, Literal(item["fullStatement"], lang=item_lang)))
        if "alternativeLabel" in item:
            graph.add((node, SKOS.prefLabel, Literal(item["alternativeLabel"], lang="en")))
        if "humanCodingScheme" in item and cls != V.TradeLevel:
            graph.add((node, SKOS.notation, Literal(item["humanCodingScheme"])))
        if "listEnumeration" in item:
            position = Literal(int(item["listEnumeration"]), datatype=XSD.integer)
            graph.add((node, V.position, position))
        ext = (item.get("extensions") or {}).get(EXTENSION, {})
        for key, prop in (("level", V.level), ("trade", V.trade)):
            if key in ext:
                graph.add((node, prop, URIRef(ext[key])))
    for assoc in package.get("CFAssociations", []):
        origin = assoc["originNodeURI"]["uri"]
        dest = assoc["destinationNodeURI"]["uri"]
        kind = assoc["associationType"]
        if kind == "isChildOf":
            parent = types.get(dest)
            if parent == V.OccupationalStandard:
                if occupation is not None:
                    graph.add((occupation, V.hasTradeLevel, URIRef(origin)))
            elif parent in CHILD_PROPERTY:
                graph.add((URIRef(dest), CHILD_PROPERTY[parent], URIRef(origin)))
            else:
                raise InterchangeError(
                    f"CFAssociation {assoc['identifier']}: isChildOf to {dest}, which is no "
                    "CFItem or CFDocument of this package"
                )
        elif kind == "isPartOf" and types.get(origin) == types.get(dest) == V.TradeLevel:
            graph.add((URIRef(dest), V.coversLowerLevel, URIRef(origin)))
    return graph
