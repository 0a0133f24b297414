"""CASE 1.1 packages of both shipped standards: valid by the 1EdTech schema, read back equal."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from skillgraph.cli import main
from skillgraph.interchange.case import read_case, schema_errors, write_case
from skillgraph.interchange.graph import InterchangeError, standards_in

# What a package carries, stated over the build graph independently of the writer: the tree
# under the occupation's trade-levels, codes, texts, order, and the direct ladder steps.
EXPECTED = """
PREFIX sg: <https://w3id.org/skillgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
CONSTRUCT {
  ?std a sg:OccupationalStandard ; dcterms:title ?title ; sg:describesOccupation ?occ .
  ?occ sg:hasTradeLevel ?tl .
  ?tl a sg:TradeLevel ; skos:prefLabel ?tlLabel ; sg:level ?level ; sg:trade ?trade ;
      sg:hasFunction ?f .
  ?f a sg:OccupationalFunction ; skos:prefLabel ?fLabel ; skos:notation ?fCode ;
     sg:position ?fPos ; sg:hasWorkContent ?w .
  ?w a sg:WorkContent ; skos:prefLabel ?wLabel ; skos:notation ?wCode ; sg:position ?wPos ;
     sg:hasRequirement ?r .
  ?r a ?kind ; skos:prefLabel ?rLabel ; skos:notation ?rCode ; sg:position ?rPos .
  ?tl sg:coversLowerLevel ?low .
}
WHERE {
  ?std sg:describesOccupation ?occ ; dcterms:title ?title . FILTER(lang(?title) = "zh")
  ?occ sg:hasTradeLevel ?tl .
  { ?tl skos:prefLabel ?tlLabel ; sg:level ?level . OPTIONAL { ?tl sg:trade ?trade } }
  UNION
  { ?tl sg:coversLowerLevel ?low .
    FILTER NOT EXISTS { ?tl sg:coversLowerLevel ?mid . ?mid sg:coversLowerLevel ?low .
                        FILTER(?mid != ?low) } }
  UNION
  { ?tl sg:hasFunction ?f . ?f skos:prefLabel ?fLabel ; skos:notation ?fCode ;
        sg:position ?fPos }
  UNION
  { ?tl sg:hasFunction/sg:hasWorkContent ?w . ?f sg:hasWorkContent ?w .
    ?w skos:prefLabel ?wLabel ; skos:notation ?wCode ; sg:position ?wPos }
  UNION
  { ?tl sg:hasFunction/sg:hasWorkContent ?w . ?w sg:hasRequirement ?r .
    ?r a ?kind ; skos:prefLabel ?rLabel ; skos:notation ?rCode ; sg:position ?rPos .
    VALUES ?kind { sg:SkillRequirement sg:KnowledgeRequirement } }
}
"""


@pytest.fixture(scope="module")
def packages(loaded) -> dict[str, dict]:
    graph, changed = loaded
    return {ref.code: write_case(graph, ref, changed) for ref in standards_in(graph)}


def test_both_standards_exported(packages: dict[str, dict]) -> None:
    assert sorted(packages) == ["4-04-05-05", "4-09-07-04"]


@pytest.mark.parametrize("code", ["4-04-05-05", "4-09-07-04"])
def test_package_is_valid_case_1_1(packages: dict[str, dict], code: str) -> None:
    assert schema_errors(packages[code]) == []


@pytest.mark.parametrize("code", ["4-04-05-05", "4-09-07-04"])
def test_round_trip_same_requirements(loaded, packages: dict[str, dict], code: str) -> None:
    graph, _ = loaded
    occ = next(r for r in standards_in(graph) if r.code == code)
    expected = Graph()
    for triple in graph.query(EXPECTED):
        if triple[0] == occ.standard or str(triple[0]).startswith(str(occ.occupation)):
            expected.add(triple)
    got = read_case(json.loads(json.dumps(packages[code])))  # as a file would give it
    missing, extra = set(expected) - set(got), set(got) - set(expected)
    assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])
    assert len(got) > 1000


def test_counts_and_identifiers(loaded, packages: dict[str, dict]) -> None:
    graph, _ = loaded
    pkg = packages["4-09-07-04"]
    kinds = [i["CFItemType"] for i in pkg["CFItems"]]
    assert kinds.count("Trade level") == 24
    assert kinds.count("Occupational function") == 94
    ids = [i["identifier"] for i in pkg["CFItems"] + pkg["CFAssociations"]]
    assert len(ids) == len(set(ids))
    children = [a for a in pkg["CFAssociations"] if a["associationType"] == "isChildOf"]
    assert len(children) == len(pkg["CFItems"])  # every item has exactly one parent
    # the same graph gives the same identifiers: UUID v5 of the IRI
    again = write_case(graph, standards_in(graph, "4-09-07-04")[0], loaded[1])
    assert [i["identifier"] for i in again["CFItems"]] == [i["identifier"] for i in pkg["CFItems"]]


def test_ladder_of_ai_trainer(packages: dict[str, dict]) -> None:
    pkg = packages["4-04-05-05"]
    code = {i["uri"]: i.get("humanCodingScheme") for i in pkg["CFItems"]}
    steps = sorted(
        (code[a["originNodeURI"]["uri"]], code[a["destinationNodeURI"]["uri"]])
        for a in pkg["CFAssociations"]
        if a["associationType"] == "precedes"
    )
    assert steps == [("L2", "L1"), ("L3", "L2"), ("L4", "L3"), ("L5", "L4")]
    part_of = [a for a in pkg["CFAssociations"] if a["associationType"] == "isPartOf"]
    assert len(part_of) == 4


def test_schema_rejects_broken_packages(packages: dict[str, dict]) -> None:
    pkg = copy.deepcopy(packages["4-04-05-05"])
    del pkg["CFItems"][0]["fullStatement"]
    pkg["CFAssociations"][0]["associationType"] = "covers"
    pkg["CFDocument"]["lastChangeDateTime"] = "yesterday"
    errors = schema_errors(pkg)
    assert any("fullStatement" in e for e in errors)
    assert any(e.startswith("CFAssociations/0/associationType") for e in errors)
    assert any(e.startswith("CFDocument/lastChangeDateTime") for e in errors)
    with pytest.raises(InterchangeError, match=r"not a valid CASE 1\.1 package"):
        read_case(pkg)


def test_cli_export(both: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--format", "case", "--build", str(both),
                                  "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["4-04-05-05.case.json", "4-09-07-04.case.json"]
    one = tmp_path / "ai.json"
    result = runner.invoke(main, ["export", "--format", "case", "--build", str(both),
                                  "--occupation", "4-04-05-05", "--out", str(one)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert schema_errors(json.loads(one.read_text(encoding="utf-8"))) == []
    result = runner.invoke(main, ["export", "--format", "case", "--build", str(both),
                                  "--occupation", "9-99"])  # fmt: skip
    assert result.exit_code == 1
    assert "9-99" in result.output and "4-09-07-04" in result.output


def test_reader_maps_item_types_by_title_and_rejects_unknown(packages: dict[str, dict]) -> None:
    pkg = copy.deepcopy(packages["4-04-05-05"])
    for item in pkg["CFItems"]:  # as another tool might write it: type by name only
        del item["CFItemTypeURI"]
    assert set(read_case(pkg)) == set(read_case(packages["4-04-05-05"]))
    pkg["CFItems"][3]["CFItemType"] = "Chapter"
    with pytest.raises(InterchangeError, match="'Chapter' is not one of"):
        read_case(pkg)
