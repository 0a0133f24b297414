"""CTDL-ASN JSON-LD of both shipped standards: parsed offline, counted against the graph,
typed as ontology/alignments.ttl maps our classes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from skillgraph import vocab as V
from skillgraph.interchange.ctdl import read_ctdl, write_ctdl
from skillgraph.interchange.graph import standards_in

CEASN = Namespace("https://purl.org/ctdlasn/terms/")
CETERMS = Namespace("https://purl.org/ctdl/terms/")
CODES = ["4-04-05-05", "4-09-07-04"]


@pytest.fixture(scope="module")
def parsed(loaded) -> dict[str, Graph]:
    graph, changed = loaded
    return {ref.code: read_ctdl(write_ctdl(graph, ref, changed)) for ref in standards_in(graph)}


def _count(graph: Graph, query: str, occ: URIRef) -> int:
    rows = graph.query(query, initBindings={"occ": occ})
    return int(next(iter(rows))[0])


@pytest.mark.parametrize("code", CODES)
def test_counts_match_the_graph(loaded, parsed: dict[str, Graph], code: str) -> None:
    graph, _ = loaded
    occ = standards_in(graph, code)[0].occupation
    ctdl = parsed[code]
    prefix = "PREFIX sg: <https://w3id.org/skillgraph/ontology#> SELECT (COUNT(*) AS ?n) "
    functions = _count(graph, prefix + "{ ?occ sg:hasTradeLevel/sg:hasFunction ?x }", occ)
    contents = _count(graph, prefix + "{ ?occ sg:hasTradeLevel/sg:hasFunction/"
                      "sg:hasWorkContent ?x }", occ)  # fmt: skip
    requirements = _count(graph, prefix + "{ ?occ sg:hasTradeLevel/sg:hasFunction/"
                          "sg:hasWorkContent/sg:hasRequirement ?x }", occ)  # fmt: skip
    levels = _count(graph, prefix + "{ ?occ sg:hasTradeLevel ?x }", occ)
    required = _count(graph, prefix + "{ ?occ sg:hasTradeLevel/sg:requires ?x }", occ)
    routes = _count(graph, prefix + "{ ?occ sg:hasEligibilityCondition ?x }", occ)
    alternatives = _count(graph, prefix + "{ ?occ sg:hasEligibilityCondition/sg:alternative ?x }",
                          occ)  # fmt: skip
    competencies = set(ctdl.subjects(RDF.type, CEASN.Competency))
    assert len(competencies) == functions + contents + requirements
    assert len(set(ctdl.subjects(RDF.type, CETERMS.Certificate))) == levels
    assert len(set(ctdl.subjects(RDF.type, CEASN.CompetencyFramework))) == 1
    assert len(list(ctdl.triples((None, CEASN.hasChild, None)))) == contents + requirements
    assert len(list(ctdl.triples((None, CEASN.isChildOf, None)))) == contents + requirements
    assert len(list(ctdl.triples((None, CEASN.hasTopChild, None)))) == functions
    # one alignment object per (certificate, required requirement)
    assert len(list(ctdl.triples((None, CETERMS.targetNode, None)))) == required
    route_nodes = {o for s, o in ctdl.subject_objects(CETERMS.alternativeCondition)
                   if str(s).endswith("#eligibility")}  # fmt: skip
    assert len(route_nodes) == routes
    assert len(list(ctdl.triples((None, CETERMS.alternativeCondition, None)))) >= (
        routes + alternatives
    )


@pytest.mark.parametrize("code", CODES)
def test_texts_and_tree_survive(loaded, parsed: dict[str, Graph], code: str) -> None:
    graph, _ = loaded
    ctdl = parsed[code]
    for content, req in graph.subject_objects(V.hasRequirement):
        if (req, None, None) not in ctdl:
            continue  # the other standard's
        assert (content, CEASN.hasChild, req) in ctdl
        assert (req, CEASN.isChildOf, content) in ctdl
        assert set(ctdl.objects(req, CEASN.competencyText)) == set(
            graph.objects(req, SKOS.prefLabel)
        )
        assert ctdl.value(req, CEASN.codedNotation) == graph.value(req, SKOS.notation)


@pytest.mark.parametrize("code", CODES)
def test_types_agree_with_alignments(loaded, parsed: dict[str, Graph], code: str) -> None:
    """Every CTDL type given to one of our nodes is one alignments.ttl maps its class to."""
    graph, _ = loaded
    text = (resources.files("skillgraph.ontology") / "alignments.ttl").read_text("utf-8")
    alignments = Graph().parse(data=text, format="turtle")
    ours = {V.SkillRequirement: V.Requirement, V.KnowledgeRequirement: V.Requirement}
    checked = 0
    for node, ctdl_type in parsed[code].subject_objects(RDF.type):
        for cls in graph.objects(node, RDF.type):
            target = ours.get(cls, cls)
            mapped = set(alignments.objects(target, RDFS.subClassOf)) | set(
                alignments.objects(target, SKOS.closeMatch)
            )
            assert ctdl_type in mapped, (node, cls, ctdl_type)
            checked += 1
    assert checked > 200


def test_context_is_offline(loaded) -> None:
    graph, changed = loaded
    ref = standards_in(graph, "4-04-05-05")[0]
    doc = write_ctdl(graph, ref, changed)
    assert doc["@context"] == "https://credreg.net/ctdlasn/schema/context/json"
    # read_ctdl swaps in the vendored context: an unknown remote one would be fetched
    assert len(read_ctdl(doc)) > 1000


def test_cli_export_ctdl(both: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from skillgraph.cli import main

    args = ["export", "--format", "ctdl", "--build", str(both), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "4-04-05-05.ctdl.jsonld",
        "4-09-07-04.ctdl.jsonld",
    ]
    doc = json.loads((tmp_path / "4-04-05-05.ctdl.jsonld").read_text(encoding="utf-8"))
    assert CEASN.Competency in set(read_ctdl(doc).objects(None, RDF.type))
