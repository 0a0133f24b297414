"""CTDL-ASN JSON-LD per standard: the framework, its competencies, a certificate per level.

The mapping is the one ``ontology/alignments.ttl`` states:

* the standard is a ``ceasn:CompetencyFramework`` (sg:OccupationalStandard closeMatch);
* functions, work contents and requirements are ``ceasn:Competency`` (their classes are
  subclasses of it), joined by ``ceasn:hasChild`` / ``ceasn:isChildOf`` (sg:hasWorkContent and
  sg:hasRequirement are sub-properties of hasChild); functions are the framework's top
  children, since a trade-level is a credential, not a competency;
* each trade-level is a ``ceterms:Certificate`` (closeMatch).  It ``ceterms:requires`` one
  ConditionProfile whose ``ceterms:targetCompetency`` alignment objects name every
  requirement of the level (sg:requires: its own and those of the levels it covers), and one
  "申报条件" ConditionProfile whose ``ceterms:alternativeCondition`` are the routes of its
  level (sg:EligibilityCondition ⊑ ceterms:ConditionProfile), each with its alternatives
  (sg:alternative ⊑ ceterms:alternativeCondition, sg:ConditionSet ⊑ ConditionProfile).

Nodes keep our IRIs as ``@id`` and get a CTID (``ce-`` + UUID v5 of the IRI), the
identifier the Credential Registry asks for.  The document names the Credential Engine
context URL; ``CONTEXT_FILE`` is the offline context for the terms used here.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from .. import vocab as V
from ..vocab import RDF, SKOS
from .graph import StandardRef, by_position, integer, trade_levels, uuid_of

CONTEXT_URL = "https://credreg.net/ctdlasn/schema/context/json"
CONTEXT_FILE = "ctdlasn-context.json"
CATEGORY = {
    V.OccupationalFunction: {"zh": "职业功能", "en": "Occupational function"},
    V.WorkContent: {"zh": "工作内容", "en": "Work content"},
    V.SkillRequirement: {"zh": "技能要求", "en": "Skill requirement"},
    V.KnowledgeRequirement: {"zh": "相关知识要求", "en": "Knowledge requirement"},
}
EMBODIED = {V.SkillRequirement: "ceasn:skillEmbodied", V.KnowledgeRequirement:
            "ceasn:knowledgeEmbodied"}  # fmt: skip


def context() -> dict[str, Any]:
    """The offline JSON-LD context of the CTDL-ASN terms this writer uses."""
    path = resources.files("skillgraph.interchange") / "schemas" / CONTEXT_FILE
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def _langs(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    """A JSON-LD language map of the node's texts (one per language, first in order)."""
    found: dict[str, str] = {}
    for value in sorted(graph.objects(node, prop), key=str):
        if isinstance(value, Literal) and value.language and value.language not in found:
            found[value.language] = str(value)
    return found


def _ctid(iri: str) -> str:
    return f"ce-{uuid_of(iri)}"


class _Writer:
    def __init__(self, graph: Graph, ref: StandardRef, changed: datetime) -> None:
        self.graph, self.ref, self.changed = graph, ref, changed.date().isoformat()
        self.nodes: list[dict[str, Any]] = []
        self.framework = str(ref.standard)
        self.top: list[str] = []

    def competency(self, node: URIRef, cls: URIRef, parent: URIRef | None, children: list[URIRef]):
        g = self.graph
        out: dict[str, Any] = {
            "@id": str(node),
            "@type": "ceasn:Competency",
            "ceterms:ctid": _ctid(node),
            "ceasn:competencyText": _langs(g, node, SKOS.prefLabel),
            "ceasn:competencyCategory": CATEGORY[cls],
            "ceasn:isPartOf": self.framework,
            "ceasn:inLanguage": ["zh", "en"],
        }
        code = g.value(node, SKOS.notation)
        if code is not None:
            out["ceasn:codedNotation"] = str(code)
        position = integer(g, node, V.position)
        if position is not None:
            out["ceasn:listID"] = str(position)
        if cls in (V.OccupationalFunction, V.WorkContent):
            out["ceasn:competencyLabel"] = out["ceasn:competencyText"]
        if parent is None:
            out["ceasn:isTopChildOf"] = self.framework
            self.top.append(str(node))
        else:
            out["ceasn:isChildOf"] = str(parent)
        if children:
            out["ceasn:hasChild"] = [str(c) for c in children]
        competency = g.value(node, V.expresses)
        if cls in EMBODIED and competency is not None:
            out[EMBODIED[cls]] = str(competency)
        self.nodes.append(out)

    def tree(self, tl: URIRef) -> None:
        g = self.graph
        for function in by_position(g, list(g.objects(tl, V.hasFunction))):
            contents = by_position(g, list(g.objects(function, V.hasWorkContent)))
            self.competency(function, V.OccupationalFunction, None, contents)
            for content in contents:
                reqs = by_position(g, list(g.objects(content, V.hasRequirement)))
                self.competency(content, V.WorkContent, function, reqs)
                for req in reqs:
                    skill = (req, RDF.type, V.SkillRequirement) in g
                    kind = V.SkillRequirement if skill else V.KnowledgeRequirement
                    self.competency(req, kind, content, [])

    def certificate(self, tl: URIRef, routes: dict[Node, list[URIRef]]) -> dict[str, Any]:
        g = self.graph
        required = sorted(r for r in g.objects(tl, V.requires) if isinstance(r, URIRef))
        competencies = {
            "@id": f"{tl}#requirements",
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": {"zh": "技能要求与相关知识要求",
                             "en": "Skill and knowledge requirements"},
            "ceterms:targetCompetency": [self.alignment(r) for r in required],
        }
        level = g.value(tl, V.level)
        eligibility = {
            "@id": f"{tl}#eligibility",
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": {"zh": "申报条件", "en": "Eligibility to apply"},
            "ceterms:alternativeCondition": [str(r) for r in routes.get(level, [])],
        }
        return {
            "@id": str(tl),
            "@type": "ceterms:Certificate",
            "ceterms:ctid": _ctid(tl),
            "ceterms:name": _langs(g, tl, SKOS.prefLabel),
            "ceterms:requires": [competencies, eligibility],
        }

    def alignment(self, req: URIRef) -> dict[str, Any]:
        g = self.graph
        out = {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:targetNode": str(req),
            "ceterms:targetNodeName": _langs(g, req, SKOS.prefLabel),
            "ceterms:targetFramework": self.framework,
        }
        code = g.value(req, SKOS.notation)
        if code is not None:
            out["ceterms:codedNotation"] = str(code)
        return out

    def routes(self) -> dict[Node, list[URIRef]]:
        """Routes per skill level, written once each with their alternatives."""
        g = self.graph
        by_level: dict[Node, list[URIRef]] = {}
        conditions = [c for c in g.objects(self.ref.occupation, V.hasEligibilityCondition)]
        for route in sorted(c for c in conditions if isinstance(c, URIRef)):
            by_level.setdefault(g.value(route, V.forLevel), []).append(route)
            alternatives = by_position(g, list(g.objects(route, V.alternative)))
            self.nodes.append({
                "@id": str(route),
                "@type": "ceterms:ConditionProfile",
                "ceterms:ctid": _ctid(route),
                "ceterms:name": _langs(g, route, SKOS.prefLabel),
                "ceterms:description": _langs(g, route, V.statement),
                "ceterms:alternativeCondition": [str(a) for a in alternatives],
            })  # fmt: skip
            for alt in alternatives:
                profile: dict[str, Any] = {
                    "@id": str(alt),
                    "@type": "ceterms:ConditionProfile",
                    "ceterms:ctid": _ctid(alt),
                    "ceterms:description": _langs(g, alt, SKOS.prefLabel),
                }
                years = g.value(alt, V.minYearsOfWork)
                if years is not None:
                    profile["ceterms:yearsOfExperience"] = str(years)
                self.nodes.append(profile)
        return by_level

    def document(self) -> dict[str, Any]:
        g, std = self.graph, self.ref.standard
        levels = trade_levels(g, self.ref.occupation)
        for tl in levels:
            self.tree(tl)
        routes = self.routes()
        certificates = [self.certificate(tl, routes) for tl in levels]
        framework = {
            "@id": str(std),
            "@type": "ceasn:CompetencyFramework",
            "ceterms:ctid": _ctid(std),
            "ceasn:name": _langs(g, std, DCTERMS.title),
            "ceasn:description": _langs(g, self.ref.occupation, SKOS.definition),
            "ceasn:inLanguage": ["zh", "en"],
            "ceasn:codedNotation": self.ref.code,
            "ceasn:dateModified": self.changed,
            "ceasn:hasTopChild": self.top,
        }
        return {"@context": CONTEXT_URL, "@graph": [framework, *self.nodes, *certificates]}


def write_ctdl(graph: Graph, ref: StandardRef, changed: datetime) -> dict[str, Any]:
    """The CTDL-ASN JSON-LD document of one standard of the graph."""
    return _Writer(graph, ref, changed).document()


def read_ctdl(document: dict[str, Any]) -> Graph:
    """RDF of a CTDL-ASN document, its context resolved from the offline copy (no network)."""
    doc = dict(document)
    if doc.get("@context") == CONTEXT_URL:
        doc["@context"] = context()
    graph = Graph()
    graph.parse(data=json.dumps(doc, ensure_ascii=False), format="json-ld")
    return graph
