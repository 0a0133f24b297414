"""The counts the build stores per trade-level (skillgraph/statistics.py) and the keyset
paging of the whole-graph queries that read them (docs/scaling.md)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from skillgraph.catalog import load_query
from skillgraph.params import ParamError, bind
from skillgraph.statistics import COUNT_PROPERTIES, add_statistics
from skillgraph.store import run_query
from skillgraph.vocab import SG, TradeLevel

# Counted by SPARQL over the closed graph, independently of the Python that wrote them.
COUNTED = """
PREFIX sg: <https://w3id.org/skillgraph/ontology#>
SELECT ?tl (COUNT(DISTINCT ?f) AS ?functions) (COUNT(DISTINCT ?w) AS ?contents)
       (COUNT(DISTINCT ?s) AS ?skills) (COUNT(DISTINCT ?k) AS ?knowledge)
WHERE {
  ?tl a sg:TradeLevel .
  OPTIONAL { ?tl sg:hasFunction ?f OPTIONAL { ?f sg:hasWorkContent ?w
             OPTIONAL { ?w sg:hasRequirement ?s . ?s a sg:SkillRequirement }
             OPTIONAL { ?w sg:hasRequirement ?k . ?k a sg:KnowledgeRequirement } } }
}
GROUP BY ?tl
"""
REQUIRED = """
PREFIX sg: <https://w3id.org/skillgraph/ontology#>
SELECT ?tl (COUNT(?r) AS ?required) WHERE { ?tl a sg:TradeLevel OPTIONAL { ?tl sg:requires ?r } }
GROUP BY ?tl
"""
STORED = """
PREFIX sg: <https://w3id.org/skillgraph/ontology#>
SELECT ?tl ?functions ?contents ?skills ?knowledge ?required WHERE {
  ?tl a sg:TradeLevel ; sg:functionCount ?functions ; sg:workContentCount ?contents ;
      sg:skillRequirementCount ?skills ; sg:knowledgeRequirementCount ?knowledge ;
      sg:requiredCount ?required }
"""


@pytest.fixture(scope="module")
def store(built_all) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built_all.out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    return s


def _table(store: ox.Store, query: str) -> dict[str, dict[str, int]]:
    return {row["tl"].value: {k: int(v.value) for k, v in row.items() if k != "tl"}
            for row in run_query(store, query).rows}


def test_every_trade_level_of_the_build_has_its_five_counts(built_all) -> None:
    levels = set(built_all.graph.subjects(SG.hasFunction, None)) & set(
        built_all.graph.subjects(None, TradeLevel))
    assert len(levels) == 29
    for level in levels:
        assert all(len(list(built_all.graph.objects(level, p))) == 1 for p in COUNT_PROPERTIES)


def test_the_stored_counts_equal_the_counts_made_in_sparql(store: ox.Store) -> None:
    counted = _table(store, COUNTED)
    for tl, required in _table(store, REQUIRED).items():
        counted[tl].update(required)
    assert _table(store, STORED) == counted


def test_counting_twice_replaces_the_counts(built_all) -> None:
    graph = built_all.graph
    before = len(graph)
    add_statistics(graph)
    assert len(graph) == before


def _rows(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    text = bind(load_query(name), {k: [v] for k, v in params.items()})
    return [{k: v.value for k, v in row.items()} for row in run_query(store, text).rows]


@pytest.mark.parametrize("name", ["overview-counts", "findings"])
def test_keyset_pages_one_occupation_at_a_time_give_the_whole_answer(
        store: ox.Store, name: str) -> None:
    whole = _rows(store, name)
    pages, after = [], None
    while True:
        page = _rows(store, name, occupations="1", **({"after": after} if after else {}))
        if not page:
            break
        assert len({row["code"] for row in page}) == 1  # one occupation per page
        pages += page
        after = page[-1]["code"]
    assert len({row["code"] for row in whole}) == 2
    assert pages == whole


def test_a_page_after_the_last_code_is_empty(store: ox.Store) -> None:
    assert _rows(store, "overview-counts", after="4-09-07-04") == []


@pytest.mark.parametrize("value", ["0", "10001", "-1"])
def test_the_occupations_per_page_are_bounded(value: str) -> None:
    with pytest.raises(ParamError, match="occupations"):
        bind(load_query("overview-counts"), {"occupations": [value]})


def test_the_ladder_pictures_read_the_stored_counts_and_agree_with_a_walk(built_all) -> None:
    from skillgraph.pictures import facts
    from skillgraph.server.data import LinkedData

    ld = LinkedData.from_build(built_all.out)
    levels = [row["tl"].value for row in run_query(ld.store, STORED).rows]
    assert len(levels) == 29
    for level in levels:
        step = facts.step(ld, level)
        own = facts.own_requirements(ld, level)
        required = set(ld.iris(level, ox.NamedNode(f"{SG}requires")))
        assert (step.own, step.inherited) == (len(own), len(required - own)) != (0, 0)
