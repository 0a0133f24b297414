"""Curriculum mapping: a designer's spreadsheet of courses → RDF, coverage, gaps, suggestions.

Stages, each a plain function (docs/architecture.md, "Surfaces"): :func:`read_table` (file) →
:func:`load_curriculum` (checked rows) → :func:`curriculum_to_graph` (RDF, validated by
:func:`validate_curriculum`) → :func:`compute_coverage` → ``report.render``;
:func:`suggest` ranks requirements for courses without a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .coverage import Coverage, compute_coverage
from .index import StandardIndex, load_directory, load_index
from .loader import default_iri, load_curriculum
from .model import Course, Curriculum, Mapping
from .rdf import add_to_store, curriculum_to_graph, to_trig
from .refs import RefError, resolve, resolve_level
from .shacl import focus_nodes, validate_curriculum
from .suggest import Suggestion, suggest
from .table import CurriculumError, Issue, read_table

__all__ = [
    "Course",
    "Coverage",
    "Curriculum",
    "CurriculumError",
    "Issue",
    "LoadedCurriculum",
    "Mapping",
    "RefError",
    "StandardIndex",
    "Suggestion",
    "add_to_store",
    "compute_coverage",
    "curriculum_to_graph",
    "default_iri",
    "load_curriculum",
    "load_directory",
    "load_index",
    "read_curriculum",
    "read_table",
    "resolve",
    "resolve_level",
    "suggest",
    "to_trig",
    "validate_curriculum",
]


@dataclass
class LoadedCurriculum:
    curriculum: Curriculum
    graph: Graph


def read_curriculum(
    path: Path, index: StandardIndex, *, iri: str | None = None, label: str | None = None
) -> LoadedCurriculum:
    """Spreadsheet → checked curriculum → SHACL-valid graph; :class:`CurriculumError` if not.

    A graph that breaks a shape means the loader itself is wrong (the sheet was already
    checked cell by cell), so the violations are reported against the file as a whole.
    """
    cur = load_curriculum(path, index, iri=iri, label=label)
    graph = curriculum_to_graph(cur, index)
    result = validate_curriculum(graph, index)
    if not result.conforms_without_violations:
        found = focus_nodes(result)
        raise CurriculumError([Issue(str(path), 0, "", str(n), f"SHACL: {m}") for n, m in found])
    return LoadedCurriculum(cur, graph)
