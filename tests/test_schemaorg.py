"""build/schema-org.jsonld: the occupation as a search engine or job board reads it,
checked structurally against the graph it was made from."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from rdflib import Graph, URIRef

from skillgraph import vocab as V
from skillgraph.iris import Iris
from skillgraph.reason import materialize_closure
from skillgraph.schemaorg import SCHEMA_CONTEXT, schema_org_jsonld
from skillgraph.to_rdf import standard_to_graph
from skillgraph.vocab import DEFAULT_DATA_BASE, RDF, SKOS

IRIS = Iris("4-09-07-04")
OCC = str(IRIS.occupation())
COMMON_5 = IRIS.trade_level(None, 5)
ACCOUNTING_3 = IRIS.trade_level("accounting", 3)


@pytest.fixture(scope="module")
def doc(built) -> dict:
    return json.loads((built.out / "schema-org.jsonld").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nodes(doc: dict) -> dict[str, dict]:
    """Every node with an @id, nested ones included."""
    found: dict[str, dict] = {}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if "@id" in value and "@type" in value:
                assert found.setdefault(value["@id"], value) == value, value["@id"]
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc["@graph"])
    return found


def langs(values: list[dict]) -> set[str]:
    return {v["@language"] for v in values if v.get("@value")}


def ids(refs: list[dict]) -> set[str]:
    return {r["@id"] for r in refs}


def occupation(doc: dict) -> dict:
    (occ,) = [n for n in doc["@graph"] if n["@type"] == "Occupation"]
    return occ


def credential(doc: dict, tl: URIRef) -> dict:
    (cred,) = [q for q in occupation(doc)["qualifications"] if q["@id"] == f"{tl}/credential"]
    return cred


def test_the_build_writes_it_with_the_schema_org_context(doc: dict, built) -> None:
    assert doc["@context"] == SCHEMA_CONTEXT == "https://schema.org"
    assert isinstance(doc["@graph"], list)
    assert json.loads((built.out / "schema-org.jsonld").read_text()) == schema_org_jsonld(
        built.graph, base=DEFAULT_DATA_BASE
    )


def test_occupation_has_names_description_and_both_category_codes(doc: dict) -> None:
    occ = occupation(doc)
    assert occ["@id"] == OCC
    assert langs(occ["name"]) == {"zh", "en"}
    assert {"@language": "zh", "@value": "碳排放管理员"} in occ["name"]
    assert langs(occ["description"]) == {"zh", "en"}
    assert occ["occupationLocation"]["@type"] == "Country"
    assert langs(occ["educationRequirements"]) == {"zh", "en"}
    cn, isco = occ["occupationalCategory"]
    assert cn["@type"] == isco["@type"] == "CategoryCode"
    assert cn["codeValue"] == "4-09-07-04"
    assert cn["inCodeSet"]["@type"] == "CategoryCodeSet"
    assert {"@language": "zh", "@value": "中华人民共和国职业分类大典"} in cn["inCodeSet"]["name"]
    assert isco["@id"] == "http://data.europa.eu/esco/isco/C2133"
    assert isco["codeValue"] == "2133"
    assert isco["inCodeSet"] == {
        "@id": "http://data.europa.eu/esco/concept-scheme/isco",
        "@type": "CategoryCodeSet",
        "name": "ISCO-08",
    }
    (standard,) = occ["subjectOf"]
    assert {"@language": "zh", "@value": "征求意见稿"} in standard["creativeWorkStatus"]


def test_every_requirement_is_one_defined_term_in_its_set(doc: dict, nodes: dict, built) -> None:
    g = built.graph
    requirements = set(g.subjects(RDF.type, V.SkillRequirement)) | set(
        g.subjects(RDF.type, V.KnowledgeRequirement)
    )
    terms = {i: n for i, n in nodes.items() if n["@type"] == "DefinedTerm" and "termCode" in n}
    terms = {i: n for i, n in terms.items() if "additionalType" in n}  # not the skill levels
    assert set(terms) == {str(r) for r in requirements}
    sets = {n["@id"]: n for n in doc["@graph"] if n["@type"] == "DefinedTermSet"}
    for iri, term in terms.items():
        req = URIRef(iri)
        assert term["termCode"] == str(g.value(req, SKOS.notation))
        assert "zh" in langs(term["name"])
        assert (req, RDF.type, URIRef(term["additionalType"])) in g
        term_set = sets[term["inDefinedTermSet"]["@id"]]
        assert iri in ids(term_set["hasDefinedTerm"])
    for term_set in sets.values():
        if term_set.get("hasDefinedTerm"):
            codes = Counter(t["termCode"] for t in term_set["hasDefinedTerm"])
            assert max(codes.values()) == 1, term_set["@id"]  # a code identifies a term in its set
            assert langs(term_set["name"]) == {"zh", "en"}


@pytest.mark.parametrize("level", [COMMON_5, ACCOUNTING_3], ids=["common-5", "accounting-3"])
def test_every_requirement_of_the_level_appears_as_competency_required(
    doc: dict, nodes: dict, built, level: URIRef
) -> None:
    required = {str(r) for r in built.graph.objects(level, V.requires)}
    assert required, level
    assert ids(credential(doc, level)["competencyRequired"]) == required
    assert all(nodes[r]["@type"] == "DefinedTerm" for r in required)


def test_accounting_3_includes_the_levels_it_covers(doc: dict) -> None:
    required = ids(credential(doc, ACCOUNTING_3)["competencyRequired"])
    own = f"{ACCOUNTING_3}/"
    below = (f"{IRIS.trade_level('accounting', 4)}/", f"{COMMON_5}/")
    assert any(r.startswith(own) for r in required)
    assert all(any(r.startswith(b) for r in required) for b in below)
    assert ids(credential(doc, COMMON_5)["competencyRequired"]) <= required


def test_occupation_skills_are_the_common_level_requirements(doc: dict, built) -> None:
    assert ids(occupation(doc)["skills"]) == {
        str(r) for r in built.graph.objects(COMMON_5, V.requires)
    }


def test_one_credential_per_trade_level_with_level_category_and_exactly_sg_requires(
    doc: dict, built
) -> None:
    g = built.graph
    levels = sorted(g.subjects(RDF.type, V.TradeLevel))
    creds = occupation(doc)["qualifications"]
    assert len(creds) == len(levels) == 24
    for tl in levels:
        cred = credential(doc, tl)
        assert cred["@type"] == "EducationalOccupationalCredential"
        assert langs(cred["name"]) == {"zh", "en"}
        assert cred["credentialCategory"]["@type"] == "DefinedTerm"
        level = cred["educationalLevel"]
        assert level["@type"] == "DefinedTerm"
        assert level["@id"] == str(g.value(tl, V.level))
        assert level["termCode"] == str(g.value(g.value(tl, V.level), V.rank))
        assert level["inDefinedTermSet"] == {"@id": f"{DEFAULT_DATA_BASE}level"}
        assert cred["about"] == {"@id": OCC}
        assert ids(cred["competencyRequired"]) == {str(r) for r in g.objects(tl, V.requires)}


def test_it_is_json_ld_that_reads_as_schema_org_triples(doc: dict, built) -> None:
    local = dict(doc, **{"@context": {"@vocab": "https://schema.org/"}})  # no network
    g = Graph().parse(data=json.dumps(local), format="json-ld")
    schema = "https://schema.org/"
    assert (URIRef(OCC), RDF.type, URIRef(schema + "Occupation")) in g
    cred = URIRef(f"{ACCOUNTING_3}/credential")
    assert (URIRef(OCC), URIRef(schema + "qualifications"), cred) in g
    required = set(g.objects(cred, URIRef(schema + "competencyRequired")))
    assert required == set(built.graph.objects(ACCOUNTING_3, V.requires))
    assert all((r, RDF.type, URIRef(schema + "DefinedTerm")) in g for r in required)


def test_output_is_deterministic_whatever_the_triple_order(built) -> None:
    triples = list(built.graph)
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for t in triples:
        shuffled.add(t)
    first = json.dumps(schema_org_jsonld(built.graph), ensure_ascii=False, sort_keys=True)
    assert json.dumps(schema_org_jsonld(shuffled), ensure_ascii=False, sort_keys=True) == first


def test_a_rebased_build_keeps_its_iris_and_its_isco_category(standard) -> None:
    base = "https://example.org/data/"
    g = standard_to_graph(standard, base=base)
    materialize_closure(g)
    occ = occupation(schema_org_jsonld(g, base=base))
    assert occ["@id"] == f"{base}occupation/4-09-07-04"
    assert [c["codeValue"] for c in occ["occupationalCategory"]] == ["4-09-07-04", "2133"]
    assert all(q["@id"].startswith(base) for q in occ["qualifications"])
    assert occ["qualifications"][0]["educationalLevel"]["inDefinedTermSet"] == {
        "@id": f"{base}level"
    }
