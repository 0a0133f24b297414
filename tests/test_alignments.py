"""ontology/alignments.ttl: every mapping has its reason, names only real sg: terms, keeps
the ontology OWL 2 DL, and HermiT finds ontology + alignments (+ the built graph) consistent
with every sg: class satisfiable, i.e. no two of our disjoint classes made equivalent."""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from skillgraph.reason import check_with_hermit, ontology_graph
from skillgraph.schemaorg import ALIGNMENTS_IRI
from skillgraph.vocab import ONTOLOGY_IRI, OWL, RDF, RDFS, SG, SG_IRI, SKOS, requires

NO_JAVA = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs `java` on PATH")
SCHEMA = "https://schema.org/"
CTDL = "https://purl.org/ctdl/terms/"
CTDLASN = "https://purl.org/ctdlasn/terms/"
ESCO = "http://data.europa.eu/esco/model#"
ISCO = "http://data.europa.eu/esco/isco/C"
OCCUPATION = URIRef("https://w3id.org/skillgraph/id/occupation/4-09-07-04")
LOGICAL = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
ANNOTATIONS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
               SKOS.relatedMatch)  # fmt: skip
MAPPINGS = LOGICAL + ANNOTATIONS


def read_alignments() -> Graph:
    text = (files("skillgraph.ontology") / "alignments.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def read_core() -> Graph:
    text = (files("skillgraph.ontology") / "skillgraph.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="module")
def align() -> Graph:
    return read_alignments()


@pytest.fixture(scope="module")
def core() -> Graph:
    return read_core()


def mapping_triples(g: Graph) -> set[tuple[URIRef, URIRef, URIRef]]:
    """Triples that map one of our terms (or the occupation) to an external one."""
    return {
        (s, p, o)
        for p in MAPPINGS
        for s, o in g.subject_objects(p)
        if isinstance(s, URIRef) and isinstance(o, URIRef)
    }


def merged_ontology(tmp: Path, *extra: tuple) -> Path:
    """Core + alignments in one file for HermiT: the owl:imports (which would be fetched)
    and the module's own header dropped, optional extra triples added."""
    g = read_core() + read_alignments()
    g.remove((URIRef(ALIGNMENTS_IRI), None, None))
    for triple in extra:
        g.add(triple)
    path = tmp / "ontology+alignments.ttl"
    g.serialize(path, format="turtle", encoding="utf-8")
    return path


def sg_classes(g: Graph) -> list[URIRef]:
    return sorted(
        c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and c.startswith(SG_IRI)
    )


def disjoint_pairs(g: Graph) -> set[frozenset[URIRef]]:
    pairs: set[frozenset[URIRef]] = set()
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    for a, b in g.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in g.objects(None, OWL.disjointUnionOf):
        members = list(Collection(g, node))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    return pairs


# the file ---------------------------------------------------------------------------------
def test_alignments_parse_as_turtle_and_are_an_ontology_importing_ours(align: Graph) -> None:
    module = URIRef(ALIGNMENTS_IRI)
    assert (module, RDF.type, OWL.Ontology) in align
    assert ALIGNMENTS_IRI == "https://w3id.org/skillgraph/ontology/alignments"
    assert set(align.objects(module, OWL.imports)) == {URIRef(ONTOLOGY_IRI)}
    titles = {o.language for o in align.objects(module, URIRef("http://purl.org/dc/terms/title"))}
    assert titles == {"zh", "en"}


def test_alignments_ship_as_package_data() -> None:
    assert (files("skillgraph.ontology") / "alignments.ttl").is_file()
    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    assert '"skillgraph.ontology" = ["*.ttl"]' in pyproject.read_text(encoding="utf-8")


def test_every_mapping_carries_its_reason_and_every_reason_a_mapping(align: Graph) -> None:
    reasons: dict[tuple, list[Literal]] = defaultdict(list)
    for ax in align.subjects(RDF.type, OWL.Axiom):
        key = tuple(align.value(ax, p) for p in
                    (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))  # fmt: skip
        reasons[key].extend(align.objects(ax, RDFS.comment))
    mappings = mapping_triples(align)
    assert len(mappings) >= 30
    for triple in sorted(mappings):
        comments = [c for c in reasons.get(triple, []) if c.language == "en" and len(c) > 40]
        assert comments, f"no reason for {triple}"
    assert set(reasons) - mappings == set(), "a reason annotates a triple that is not asserted"


def test_every_sg_term_mapped_is_declared_in_the_ontology(align: Graph, core: Graph) -> None:
    declared = {s for s, t in core.subject_predicates() if t == RDF.type}
    mapped = {s for s, _, _ in mapping_triples(align) if s.startswith(SG_IRI)}
    assert mapped - declared == set()
    assert len(mapped) >= 20


def test_external_terms_are_in_the_vocabularies_we_checked(align: Graph) -> None:
    allowed = (SCHEMA, CTDL, CTDLASN, ESCO, ISCO, "http://data.europa.eu/esco/skill-type/",
               str(SKOS))  # fmt: skip
    for s, _, o in mapping_triples(align):
        assert str(o).startswith(allowed), f"{s} → {o}"


def test_the_relations_chosen_on_purpose(align: Graph) -> None:
    def has(s: URIRef, p: URIRef, o: str) -> bool:
        return (s, p, URIRef(o)) in align

    assert has(SG.Occupation, RDFS.subClassOf, SCHEMA + "Occupation")
    assert has(SG.Occupation, RDFS.subClassOf, CTDL + "Occupation")
    assert has(SG.Occupation, SKOS.closeMatch, ESCO + "Occupation")  # ours are not ESCO concepts
    assert has(SG.Trade, RDFS.subClassOf, SCHEMA + "Occupation")
    assert has(SG.Requirement, RDFS.subClassOf, CTDLASN + "Competency")
    assert has(SG.Requirement, SKOS.closeMatch, SCHEMA + "DefinedTerm")
    assert has(SG.Competency, SKOS.closeMatch, ESCO + "Skill")
    assert has(SG.EligibilityCondition, RDFS.subClassOf, CTDL + "ConditionProfile")
    assert has(SG.requires, SKOS.closeMatch, SCHEMA + "competencyRequired")
    assert has(SG.hasRequirement, RDFS.subPropertyOf, CTDLASN + "hasChild")
    # ISCO-08: one broader unit group (the category), related ones that are not
    assert set(align.objects(OCCUPATION, SKOS.broadMatch)) == {URIRef(ISCO + "2133")}
    assert set(align.objects(OCCUPATION, SKOS.relatedMatch)) == {
        URIRef(ISCO + "3257"), URIRef(ISCO + "3311")}  # fmt: skip
    assert align.value(URIRef(ISCO + "2133"), RDFS.label) == Literal(
        "Environmental protection professionals", lang="en"
    )
    # no equivalence: nothing external means exactly what one of ours means
    for p in (OWL.equivalentClass, OWL.equivalentProperty, SKOS.exactMatch):
        assert align.value(predicate=p) is None, p


def test_external_terms_in_logical_axioms_are_declared_so_the_file_stays_dl(align: Graph) -> None:
    for _s, p, o in align:
        if p in (RDFS.subClassOf, OWL.equivalentClass) and not isinstance(o, BNode):
            assert (o, RDF.type, OWL.Class) in align, o
        if p in (RDFS.subPropertyOf, OWL.equivalentProperty):
            assert (o, RDF.type, OWL.ObjectProperty) in align, o
    for p in ANNOTATIONS:
        if align.value(predicate=p) is not None:
            assert (p, RDF.type, OWL.AnnotationProperty) in align, p


def test_no_disjoint_pair_of_ours_is_told_sub_or_equivalent_through_externals(
    align: Graph, core: Graph
) -> None:
    """Structural guard, before HermiT: follow told subClassOf and equivalentClass (both
    ways) across core and alignments; no class may reach one it is disjoint with."""
    g = core + align
    up: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in g.subject_objects(RDFS.subClassOf):
        up[a].add(b)
    for a, b in g.subject_objects(OWL.equivalentClass):
        up[a].add(b)
        up[b].add(a)

    def reach(start: URIRef) -> set[URIRef]:
        seen, stack = set(), [start]
        while stack:
            for nxt in up.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    pairs = disjoint_pairs(core)
    assert frozenset((SG.Occupation, SG.Trade)) in pairs
    for pair in pairs:
        a, b = sorted(pair)
        assert b not in reach(a) and a not in reach(b), f"{a} and {b} are disjoint"


# OWL 2 DL profile and HermiT ---------------------------------------------------------------
@pytest.mark.java
@NO_JAVA
def test_ontology_with_alignments_is_in_the_owl2_dl_profile(tmp_path: Path) -> None:
    import owlready2
    from test_ontology import PROFILE_CHECK

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    (tmp_path / "ProfileCheck.java").write_text(PROFILE_CHECK, encoding="utf-8")
    merged = merged_ontology(tmp_path)
    ontology_graph(merged, owlapi3=True).serialize(tmp_path / "onto.owl", format="xml")
    run = subprocess.run(
        ["java", "-cp", str(jar), str(tmp_path / "ProfileCheck.java"), str(tmp_path / "onto.owl")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.stdout.strip().splitlines()[-1:] == ["IN-OWL2-DL"], run.stdout + run.stderr


def probes(classes: list[URIRef]) -> Graph:
    """One fresh individual per class: consistent iff every class is satisfiable."""
    g = Graph()
    for cls in classes:
        g.add((URIRef(f"urn:skillgraph:probe:{cls.removeprefix(SG_IRI)}"), RDF.type, cls))
    return g


@pytest.mark.java
@NO_JAVA
def test_hermit_every_sg_class_stays_satisfiable_with_the_alignments(
    tmp_path: Path, core: Graph
) -> None:
    classes = sg_classes(core)
    assert SG.Trade in classes and SG.Requirement in classes
    result = check_with_hermit(probes(classes), ontology_path=merged_ontology(tmp_path))
    assert result.consistent, result.message


@pytest.mark.java
@NO_JAVA
def test_hermit_probe_catches_disjoint_classes_made_equivalent_through_an_external(
    tmp_path: Path, core: Graph
) -> None:
    """The test above has teeth: this is the mistake it must catch."""
    occupation = URIRef(SCHEMA + "Occupation")
    bad = merged_ontology(
        tmp_path,
        (SG.Occupation, OWL.equivalentClass, occupation),
        (SG.Trade, OWL.equivalentClass, occupation),
    )
    result = check_with_hermit(probes([SG.Occupation, SG.Trade]), ontology_path=bad)
    assert not result.consistent


@pytest.mark.java
@NO_JAVA
def test_hermit_finds_ontology_alignments_and_built_graph_consistent(
    tmp_path: Path, built
) -> None:
    result = check_with_hermit(built.graph, ontology_path=merged_ontology(tmp_path), timeout_s=300)
    assert result.consistent, result.message
    # the alignments add no sg:requires: HermiT's entailments still equal the fast closure
    closure = {(str(s), str(o)) for s, o in built.graph.subject_objects(requires)}
    assert result.inferred_requires == closure
