"""The ontology: declares exactly the vocab.py terms, documents them, and stays OWL 2 DL."""

from __future__ import annotations

import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from skillgraph import vocab
from skillgraph.model import FindingKind
from skillgraph.reason import ontology_graph
from skillgraph.vocab import DCTERMS, OWL, RDF, RDFS, SG, SG_IRI, SKOS

ONTOLOGY = URIRef(vocab.ONTOLOGY_IRI)
DECLARATION_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.NamedIndividual,
    OWL.AnnotationProperty,
)
NON_SIMPLE = (SG.coversLowerLevel, SG.requires)
# Properties that apply to any node, so they have no rdfs:domain / rdfs:range on purpose.
NO_DOMAIN = {"printedCode", "sourceLine", "sourcePage", "statement", "position"}
NO_RANGE = {"affects"}
# The datatypes a sg: datatype property may have as its range (what the data writes).
DATATYPES = {vocab.XSD.integer, vocab.XSD.decimal, vocab.XSD.boolean, vocab.XSD.string,
             RDF.langString}  # fmt: skip
MAIN_CLASSES = [
    "OccupationalStandard", "Occupation", "Trade", "SkillLevel", "TradeLevel",
    "OccupationalFunction", "WorkContent", "Requirement", "Competency",
    "BasicRequirementGroup", "BasicRequirement", "ExamWeight", "ExamType",
    "EligibilityCondition", "AssessmentProvision", "Finding", "FindingKind",
]  # fmt: skip


@pytest.fixture(scope="module")
def onto() -> Graph:
    source = files("skillgraph.ontology") / "skillgraph.ttl"
    return Graph().parse(data=source.read_text(encoding="utf-8"), format="turtle")


def declared_sg_terms(onto: Graph) -> set[str]:
    return {
        str(s).removeprefix(SG_IRI)
        for t in DECLARATION_TYPES
        for s in onto.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(SG_IRI)
    }


def langs(onto: Graph, term: URIRef, prop: URIRef) -> set[str | None]:
    return {o.language for o in onto.objects(term, prop) if isinstance(o, Literal)}


def test_ontology_has_version_license_and_bilingual_metadata(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(ONTOLOGY, OWL.versionIRI) == URIRef(vocab.ONTOLOGY_IRI + "/0.1.0")
    assert onto.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert onto.value(ONTOLOGY, DCTERMS.creator) is not None
    assert onto.value(ONTOLOGY, DCTERMS.created) is not None
    assert {"zh", "en"} <= langs(onto, ONTOLOGY, DCTERMS.title)
    assert {"zh", "en"} <= langs(onto, ONTOLOGY, DCTERMS.description)


@pytest.mark.parametrize("name", vocab.declared_terms())
def test_vocab_term_is_declared_with_zh_en_labels_and_definitions(onto: Graph, name: str) -> None:
    term = SG[name]
    assert any((term, RDF.type, t) in onto for t in DECLARATION_TYPES), f"sg:{name} undeclared"
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.definition):
        assert {"zh", "en"} <= langs(onto, term, prop), f"sg:{name} lacks zh/en {prop}"
    for lang in ("zh", "en"):
        assert {o for o in onto.objects(term, RDFS.label) if o.language == lang} == {
            o for o in onto.objects(term, SKOS.prefLabel) if o.language == lang
        }, f"sg:{name}: rdfs:label and skos:prefLabel differ in @{lang}"


def test_every_sg_term_of_the_ontology_is_in_vocab_or_is_a_finding_kind(onto: Graph) -> None:
    # Documented exception: finding-kind individuals are named by model.FindingKind values.
    known = set(vocab.declared_terms()) | {k.value for k in FindingKind}
    assert declared_sg_terms(onto) - known == set()


def test_finding_kind_individuals_are_exactly_the_model_enum(onto: Graph) -> None:
    declared = {str(s).removeprefix(SG_IRI) for s in onto.subjects(RDF.type, SG.FindingKind)}
    assert declared == {k.value for k in FindingKind}
    for kind in FindingKind:
        for prop in (SKOS.prefLabel, SKOS.definition):
            assert {"zh", "en"} <= langs(onto, SG[kind.value], prop)


def test_named_individuals_have_their_classes(onto: Graph) -> None:
    assert (SG.TheoryExam, RDF.type, SG.ExamType) in onto
    assert (SG.SkillExam, RDF.type, SG.ExamType) in onto
    for category in (SG.Ethics, SG.BaseKnowledge):
        assert (category, RDF.type, SKOS.Concept) in onto


def test_properties_have_domain_and_range_except_documented_any_node_ones(onto: Graph) -> None:
    props = {
        str(p).removeprefix(SG_IRI)
        for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in onto.subjects(RDF.type, t)
    }
    assert {p for p in props if onto.value(SG[p], RDFS.domain) is None} == NO_DOMAIN
    assert {p for p in props if onto.value(SG[p], RDFS.range) is None} == NO_RANGE
    for p in NO_DOMAIN | NO_RANGE:
        assert "on purpose" in str(onto.value(SG[p], RDFS.comment)), f"sg:{p}: say why"


def datatype_ranges(onto: Graph) -> dict[URIRef, URIRef]:
    """sg: datatype property → its rdfs:range, as the ontology declares them."""
    return {p: onto.value(p, RDFS.range) for p in onto.subjects(RDF.type, OWL.DatatypeProperty)
            if isinstance(p, URIRef) and str(p).startswith(SG_IRI)}  # fmt: skip


def test_datatype_properties_range_over_the_datatypes_the_data_uses(onto: Graph) -> None:
    ranges = datatype_ranges(onto)
    assert len(ranges) > 30
    assert {p: r for p, r in ranges.items() if r not in DATATYPES} == {}


def test_the_built_data_writes_each_datatype_property_with_its_range(onto: Graph, built) -> None:
    """Derived from the ontology, not a list: a new property is checked as soon as the
    build writes it (a language-tagged text for rdf:langString, else that datatype)."""
    wrong = {}
    for p, range_ in datatype_ranges(onto).items():
        for o in built.graph.objects(None, p):
            ok = isinstance(o, Literal) and (
                o.language is not None if range_ == RDF.langString
                else (o.datatype or vocab.XSD.string) == range_ and o.language is None)
            if not ok:
                wrong[p] = (o, range_)
    assert wrong == {}


@pytest.mark.parametrize("shapes_file", ["skillgraph-shapes.ttl", "curriculum-shapes.ttl"])
def test_shapes_ask_each_datatype_property_for_its_ontology_range(onto, shapes_file) -> None:
    shapes = Graph().parse(
        data=(files("skillgraph.shapes") / shapes_file).read_text(encoding="utf-8"),
        format="turtle")  # fmt: skip
    ranges = datatype_ranges(onto)
    sh = vocab.SH
    checked = [(path, d) for shape, d in shapes.subject_objects(sh.datatype)
               if (path := shapes.value(shape, sh.path)) in ranges]  # fmt: skip
    assert checked, f"{shapes_file} checks no datatype property"
    assert [(str(p), str(d)) for p, d in checked if d != ranges[p]] == []


def test_requires_is_defined_by_own_chain_and_covered_levels_chain(onto: Graph) -> None:
    chains = {tuple(Collection(onto, c)) for c in onto.objects(SG.requires, OWL.propertyChainAxiom)}
    assert chains == {
        (SG.hasFunction, SG.hasWorkContent, SG.hasRequirement),
        (SG.coversLowerLevel, SG.requires),
    }


def test_covers_lower_level_is_transitive_and_documents_the_consultant_decision(
    onto: Graph,
) -> None:
    assert (SG.coversLowerLevel, RDF.type, OWL.TransitiveProperty) in onto
    assert onto.value(SG.coversLowerLevel, RDFS.domain) == SG.TradeLevel
    assert onto.value(SG.coversLowerLevel, RDFS.range) == SG.TradeLevel
    comment = " ".join(str(c) for c in onto.objects(SG.coversLowerLevel, RDFS.comment))
    assert "咨询员" in comment
    assert "Level 3 covers the common Level 5 directly" in comment


def test_functional_properties_are_the_single_valued_ones(onto: Graph) -> None:
    functional = set(onto.subjects(RDF.type, OWL.FunctionalProperty))
    assert {SG.rank, SG.level, SG.trade, SG.weightPercent} <= functional
    assert SG.sourceLine not in functional


def test_non_simple_roles_appear_in_no_axiom_that_owl2_dl_reserves_for_simple_roles(
    onto: Graph,
) -> None:
    restricted = set(onto.objects(None, OWL.onProperty))
    disjoint = set(onto.subjects(OWL.propertyDisjointWith)) | set(
        onto.objects(None, OWL.propertyDisjointWith)
    )
    simple_only = (
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
    )
    for prop in NON_SIMPLE:
        assert prop not in restricted and prop not in disjoint
        assert not any((prop, RDF.type, t) in onto for t in simple_only)
    assert (None, RDF.type, OWL.AllDisjointProperties) not in onto


def test_main_classes_are_pairwise_disjoint_and_skill_knowledge_split_requirement(
    onto: Graph,
) -> None:
    groups = [
        {str(m).removeprefix(SG_IRI) for m in Collection(onto, onto.value(node, OWL.members))}
        for node in onto.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert set(MAIN_CLASSES) in groups
    union = onto.value(SG.Requirement, OWL.disjointUnionOf)
    assert isinstance(union, BNode)
    assert set(Collection(onto, union)) == {SG.SkillRequirement, SG.KnowledgeRequirement}
    assert (SG.Competency, RDFS.subClassOf, SKOS.Concept) in onto
    assert (SKOS.Concept, OWL.disjointWith, None) not in onto  # keeps skos:Concept safe


PROFILE_CHECK = """
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.profiles.*;
public class ProfileCheck {
  public static void main(String[] a) throws Exception {
    var o = OWLManager.createOWLOntologyManager()
        .loadOntologyFromOntologyDocument(new java.io.File(a[0]));
    var r = new OWL2DLProfile().checkOntology(o);
    for (OWLProfileViolation v : r.getViolations()) System.out.println(v);
    System.out.println(r.isInProfile() ? "IN-OWL2-DL" : "NOT-IN-OWL2-DL");
  }
}
"""


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="the OWL API profile check needs Java")
def test_ontology_is_in_the_owl2_dl_profile(tmp_path: Path) -> None:
    """OWL API's own OWL 2 DL checker, from the HermiT jar that ships with owlready2.

    It runs on the OWL API 3 variant of the ontology (rdf:PlainLiteral for rdf:langString),
    as that OWL API predates rdf:langString.
    """
    import owlready2

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    (tmp_path / "ProfileCheck.java").write_text(PROFILE_CHECK, encoding="utf-8")
    ontology_graph(owlapi3=True).serialize(tmp_path / "onto.owl", format="xml")
    run = subprocess.run(
        ["java", "-cp", str(jar), str(tmp_path / "ProfileCheck.java"), str(tmp_path / "onto.owl")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.stdout.strip().splitlines()[-1:] == ["IN-OWL2-DL"], run.stdout + run.stderr


def test_every_term_the_code_spells_as_a_string_is_a_vocab_term(onto: Graph) -> None:
    """The server names terms as sg("…") strings (pyoxigraph nodes); each must be a term of
    skillgraph/vocab.py and declared in the ontology, so a misspelt one fails here."""
    import re
    from pathlib import Path

    package = Path(vocab.__file__).parent
    spelled = {
        m.group(1)
        for path in package.rglob("*.py")
        for m in re.finditer(r'\bsg\("([A-Za-z]+)"\)', path.read_text(encoding="utf-8"))
    }
    assert len(spelled) > 20
    assert {t for t in spelled if not hasattr(vocab, t)} == set()
    declared = {str(s).removeprefix(str(SG)) for s in onto.subjects() if str(s).startswith(str(SG))}
    assert spelled - declared == set()
