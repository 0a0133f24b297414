"""SHACL validation of a curriculum graph with ``shapes/curriculum-shapes.ttl``.

Only the curriculum's own triples are validated, plus the ``rdf:type`` of each standard
node they point to: that is enough to check every link (validating the whole
standard again would cost seconds to minutes for a graph of a few hundred triples).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from rdflib import Graph, URIRef

from ..shacl import count_results
from ..validate import shacl_report_and_text
from ..vocab import RDF, SH, SKOS, KnowledgeRequirement, SkillRequirement, targetNode, teaches
from ..vocab import Competency as CompetencyClass
from .index import StandardIndex

__all__ = ["ValidationResult", "focus_nodes", "load_curriculum_shapes", "validate_curriculum"]


@dataclass(frozen=True)
class ValidationResult:
    """Same fields as ``skillgraph.validate.ValidationResult``; kept here so the curriculum
    tools do not depend on how the standard's (much larger) validation is run."""

    conforms_without_violations: bool
    violations: int
    warnings: int
    report_graph: Graph
    report_text: str

SHAPES_RESOURCE = "curriculum-shapes.ttl"


def load_curriculum_shapes() -> Graph:
    """The curriculum shapes shipped with the package.

    >>> len(load_curriculum_shapes()) > 50
    True
    """
    text = (files("skillgraph.shapes") / SHAPES_RESOURCE).read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def validate_curriculum(graph: Graph, index: StandardIndex) -> ValidationResult:
    """Validate a curriculum graph against the shapes, with the standard's node types."""
    data = Graph()
    for triple in graph:
        data.add(triple)
    targets = set(graph.objects(None, teaches)) | set(graph.objects(None, targetNode))
    for node in targets:
        iri = str(node)
        if iri in index.requirements:
            kind = index.requirements[iri].kind
            data.add((node, RDF.type, SkillRequirement if kind == "skill" else
                      KnowledgeRequirement))  # fmt: skip
        elif iri in index.competencies:
            data.add((node, RDF.type, CompetencyClass))
            data.add((node, RDF.type, SKOS.Concept))
    report_graph, report_text = shacl_report_and_text(data, load_curriculum_shapes())
    violations, warnings = count_results(report_graph)
    return ValidationResult(violations == 0, violations, warnings, report_graph, str(report_text))


def focus_nodes(result: ValidationResult) -> list[tuple[URIRef, str]]:
    """(focus node, message) of every violation, for error messages."""
    out = []
    for r in result.report_graph.subjects(SH.resultSeverity, SH.Violation):
        focus = result.report_graph.value(r, SH.focusNode)
        msgs = [m for m in result.report_graph.objects(r, SH.resultMessage)
                if getattr(m, "language", None) in (None, "en")]  # fmt: skip
        out.append((focus, str(msgs[0]) if msgs else "violation"))
    return sorted(out, key=lambda fm: str(fm[0]))
