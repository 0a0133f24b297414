"""Counts per trade-level, computed once per build and stored in the graph.

How many functions, work contents, skill and knowledge requirements a level's own table
has, and how many requirements it requires in all (its own and every covered level's),
never change between builds of the same sources; counting them in SPARQL on every request
made the whole-graph `overview-counts` grow with the store (3.4 s for a page at 1,000
standards, docs/scaling.md).  They are written as ``sg:functionCount`` … on the
trade-level, after the closure (``sg:requires`` is complete then) and before reasoning and
validation, which check them like any other data (ontology/, shapes/).
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from .vocab import (
    RDF,
    KnowledgeRequirement,
    SkillRequirement,
    TradeLevel,
    functionCount,
    hasFunction,
    hasRequirement,
    hasWorkContent,
    knowledgeRequirementCount,
    requiredCount,
    requires,
    skillRequirementCount,
    workContentCount,
)

COUNT_PROPERTIES = (functionCount, workContentCount, skillRequirementCount,
                    knowledgeRequirementCount, requiredCount)


def level_counts(graph: Graph, level: URIRef) -> dict[URIRef, int]:
    """The five counts of one trade-level, by property."""
    functions = set(graph.objects(level, hasFunction))
    contents = {w for f in functions for w in graph.objects(f, hasWorkContent)}
    own = {r for w in contents for r in graph.objects(w, hasRequirement)}
    return {
        functionCount: len(functions),
        workContentCount: len(contents),
        skillRequirementCount: sum((r, RDF.type, SkillRequirement) in graph for r in own),
        knowledgeRequirementCount: sum((r, RDF.type, KnowledgeRequirement) in graph
                                       for r in own),
        requiredCount: len(set(graph.objects(level, requires))),
    }


def add_statistics(graph: Graph) -> int:
    """Write the counts of every trade-level into ``graph`` (replacing any there); returns
    the number of trade-levels counted."""
    levels = sorted(s for s in graph.subjects(RDF.type, TradeLevel) if isinstance(s, URIRef))
    for level in levels:
        for prop, n in level_counts(graph, level).items():
            graph.set((level, prop, Literal(n, datatype=XSD.integer)))
    return len(levels)
