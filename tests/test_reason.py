"""Level coverage: the fast closure, and HermiT's proof that it equals the OWL axioms."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef

from skillgraph import reason
from skillgraph import vocab as v
from skillgraph.iris import Iris
from skillgraph.reason import (
    HermitResult,
    ReasonerUnavailable,
    check_with_hermit,
    materialize_closure,
    ontology_graph,
    owl_abox,
)
from skillgraph.vocab import RDF, SKOS

IRIS = Iris("4-09-07-04")
NO_JAVA = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs `java` on PATH")
# (trade, rank) -> the trade level it covers directly; None is the common level 5.
COVERAGE: dict[tuple[str | None, int], tuple[str | None, int] | None] = {
    (None, 5): None,
    ("accounting", 4): (None, 5),
    ("accounting", 3): ("accounting", 4),
    ("accounting", 2): ("accounting", 3),
    ("accounting", 1): ("accounting", 2),
    ("trading", 4): (None, 5),
    ("consulting", 3): (None, 5),  # the consultant trade has no level 4
    ("consulting", 2): ("consulting", 3),
}


def level(trade: str | None, rank: int) -> URIRef:
    return IRIS.trade_level(trade, rank)


def requirement(trade: str | None, rank: int) -> URIRef:
    return IRIS.requirement(trade, rank, "skill", "1.1.1")


def knowledge(trade: str | None, rank: int) -> URIRef:
    return IRIS.requirement(trade, rank, "knowledge", "1.1.1")


def own(trade: str | None, rank: int) -> set[URIRef]:
    return {requirement(trade, rank), knowledge(trade, rank)}


def tiny_abox() -> Graph:
    """Each trade level: one function, one work content, one skill and one knowledge item."""
    g = Graph()
    occ = IRIS.occupation()
    g.add((occ, RDF.type, v.Occupation))
    g.add((occ, v.passMark, Literal(60)))
    g.add((occ, v.workEnvironment, Literal("室内、外，常温。", lang="zh")))
    for (trade, rank), below in COVERAGE.items():
        tl, skill_level = level(trade, rank), IRIS.skill_level(rank)
        g.add((tl, RDF.type, v.TradeLevel))
        g.add((tl, SKOS.prefLabel, Literal(f"{trade or '碳排放管理员'} {rank}", lang="zh")))
        g.add((occ, v.hasTradeLevel, tl))
        g.add((tl, v.occupation, occ))
        g.add((tl, v.level, skill_level))
        g.add((tl, v.trainingHours, Literal(80)))
        g.add((skill_level, RDF.type, v.SkillLevel))
        g.add((skill_level, v.rank, Literal(rank)))
        if trade is not None:
            g.add((tl, v.trade, IRIS.trade(trade)))
            g.add((occ, v.hasTrade, IRIS.trade(trade)))
            g.add((IRIS.trade(trade), RDF.type, v.Trade))
        if below is not None:
            g.add((tl, v.coversLowerLevel, level(*below)))
        fn = IRIS.function(trade, rank, "1")
        content = IRIS.work_content(trade, rank, "1.1")
        g.add((tl, v.hasFunction, fn))
        g.add((fn, v.hasWorkContent, content))
        for req, cls in ((requirement(trade, rank), v.SkillRequirement),
                         (knowledge(trade, rank), v.KnowledgeRequirement)):  # fmt: skip
            g.add((content, v.hasRequirement, req))
            g.add((req, RDF.type, cls))
            g.add((req, v.sourceLine, Literal(100 + rank)))
            g.add((req, v.statement, Literal("能核算排放量", lang="zh")))
    return g


def required_by(g: Graph, tl: URIRef) -> set[URIRef]:
    return set(g.objects(tl, v.requires))


def iri_pairs(g: Graph, prop: URIRef) -> set[tuple[str, str]]:
    return {(str(s), str(o)) for s, o in g.subject_objects(prop)}


@pytest.fixture
def closed() -> Graph:
    g = tiny_abox()
    materialize_closure(g)
    return g


def test_level_1_requires_the_requirements_of_all_five_levels(closed: Graph) -> None:
    expected = own(None, 5).union(*(own("accounting", r) for r in (4, 3, 2, 1)))
    assert required_by(closed, level("accounting", 1)) == expected


def test_common_level_5_requires_only_its_own(closed: Graph) -> None:
    assert required_by(closed, level(None, 5)) == own(None, 5)


def test_consultant_level_3_requires_own_and_common_level_5_not_another_trades_level_4(
    closed: Graph,
) -> None:
    assert required_by(closed, level("consulting", 3)) == own("consulting", 3) | own(None, 5)


def test_covers_lower_level_closure_is_transitive(closed: Graph) -> None:
    assert set(closed.objects(level("accounting", 1), v.coversLowerLevel)) == {
        level("accounting", r) for r in (2, 3, 4)
    } | {level(None, 5)}
    assert set(closed.objects(level("consulting", 2), v.coversLowerLevel)) == {
        level("consulting", 3),
        level(None, 5),
    }


def test_materialize_closure_is_idempotent() -> None:
    g = tiny_abox()
    assert materialize_closure(g) > 0
    assert materialize_closure(g) == 0


def test_materialize_closure_returns_the_number_of_triples_added() -> None:
    g = tiny_abox()
    before = len(g)
    assert materialize_closure(g) == len(g) - before


def test_materialize_closure_propagates_asserted_requires_up_the_levels() -> None:
    g = tiny_abox()
    extra = URIRef("urn:x:asserted-requirement")
    g.add((level(None, 5), v.requires, extra))
    materialize_closure(g)
    assert extra in required_by(g, level("consulting", 2))


def test_owl_abox_keeps_only_what_the_ontology_reasons_about() -> None:
    tbox = ontology_graph()
    kept = set(owl_abox(tiny_abox(), tbox))
    assert not any(p == SKOS.prefLabel for _, p, _ in kept)
    assert (level("accounting", 4), v.coversLowerLevel, level(None, 5)) in kept
    assert (level(None, 5), RDF.type, v.OWL.NamedIndividual) in kept


def test_check_with_hermit_raises_reasoner_unavailable_without_java(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reason.shutil, "which", lambda _name: None)
    with pytest.raises(ReasonerUnavailable, match="java"):
        check_with_hermit(tiny_abox())


@pytest.fixture(scope="module")
def hermit_on_tiny_abox() -> HermitResult:
    return check_with_hermit(tiny_abox())


@pytest.mark.java
@NO_JAVA
def test_hermit_finds_ontology_and_tiny_abox_consistent(
    hermit_on_tiny_abox: HermitResult,
) -> None:
    assert hermit_on_tiny_abox.consistent, hermit_on_tiny_abox.message


@pytest.mark.java
@NO_JAVA
def test_hermit_infers_exactly_the_requires_pairs_materialize_closure_adds(
    hermit_on_tiny_abox: HermitResult, closed: Graph
) -> None:
    assert hermit_on_tiny_abox.inferred_requires == iri_pairs(closed, v.requires)
    assert hermit_on_tiny_abox.inferred_covers == iri_pairs(closed, v.coversLowerLevel)


def add_trade_that_is_a_requirement(g: Graph) -> None:
    thing = URIRef("urn:x:both")
    g.add((thing, RDF.type, v.Trade))
    g.add((thing, RDF.type, v.SkillRequirement))


def add_rank_as_text(g: Graph) -> None:
    g.add((IRIS.skill_level(5), v.rank, Literal("五")))


def add_coverage_from_a_function(g: Graph) -> None:
    g.add((IRIS.function(None, 5, "1"), v.coversLowerLevel, level(None, 5)))


@pytest.mark.java
@NO_JAVA
@pytest.mark.parametrize(
    "defect",
    [add_trade_that_is_a_requirement, add_rank_as_text, add_coverage_from_a_function],
    ids=["disjoint-classes", "datatype-range", "domain-vs-disjointness"],
)
def test_hermit_finds_inconsistency_when_data_breaks_an_axiom(
    defect: Callable[[Graph], None],
) -> None:
    g = tiny_abox()
    defect(g)
    result = check_with_hermit(g)
    assert not result.consistent
    assert result.inferred_requires == set()
