"""SHACL shapes: the good sample conforms; each broken copy trips the shape meant for it,
with the severity rule (our bugs are violations, the draft's defects are warnings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from test_to_rdf import IRIS, small_standard

from skillgraph import vocab as V
from skillgraph.model import FindingKind
from skillgraph.to_rdf import standard_to_graph
from skillgraph.validate import (
    RDFInputError,
    ValidationResult,
    load_shapes,
    validate,
    validate_file,
)
from skillgraph.vocab import RDF, SH, SKOS

SGSH = Namespace("https://w3id.org/skillgraph/shapes#")
REQ = IRIS.requirement("accounting", 3, "skill", "1.1.1")
TL3 = IRIS.trade_level("accounting", 3)


@pytest.fixture(scope="module")
def good() -> Graph:
    return standard_to_graph(small_standard())


@pytest.fixture
def data(good: Graph) -> Graph:
    """A fresh copy of the good graph for one test to break."""
    copy = Graph()
    for triple in good:
        copy.add(triple)
    return copy


def results(res: ValidationResult) -> set[tuple]:
    """(focus, severity, source shape or None, path or None) of every result."""
    rg = res.report_graph
    return {
        (rg.value(r, SH.focusNode), rg.value(r, SH.resultSeverity), rg.value(r, SH.sourceShape),
         rg.value(r, SH.resultPath))
        for r in rg.subjects(RDF.type, SH.ValidationResult)
    }


def fired(res: ValidationResult, focus: URIRef, *, shape=None, path=None) -> set[URIRef]:
    """Severities of the results on ``focus`` from ``shape`` and/or on ``path``."""
    return {
        sev for f, sev, s, p in results(res)
        if f == focus and (shape is None or s == shape) and (path is None or p == path)
    }


def test_good_graph_has_no_violations_and_warns_only_of_the_printed_code(good: Graph) -> None:
    res = validate(good)
    assert res.conforms_without_violations, res.report_text
    assert res.violations == 0
    misprinted = IRIS.requirement("accounting", 3, "skill", "1.1.2")
    assert {(f, s) for f, _, s, _ in results(res)} == {(misprinted, SGSH.PrintedCodeMisfitShape)}


def test_printed_code_is_a_warning_not_a_violation(good: Graph, data: Graph) -> None:
    misprinted = IRIS.requirement("accounting", 3, "skill", "1.1.2")
    assert fired(validate(good), misprinted, shape=SGSH.PrintedCodeMisfitShape) == {SH.Warning}
    data.remove((misprinted, V.printedCode, None))
    res = validate(data)
    assert (res.violations, res.warnings) == (0, 0)


def test_printed_code_equal_to_notation_is_a_violation(data: Graph) -> None:
    data.add((REQ, V.printedCode, Literal("1.1.1")))
    res = validate(data)
    assert fired(res, REQ, shape=SGSH.PrintedCodeRedundantShape) == {SH.Violation}


def test_missing_label_is_a_violation(data: Graph) -> None:
    data.remove((REQ, SKOS.prefLabel, None))
    res = validate(data)
    assert not res.conforms_without_violations
    assert fired(res, REQ, shape=SGSH.zhPrefLabel, path=SKOS.prefLabel) == {SH.Violation}


def test_second_chinese_label_is_a_violation(data: Graph) -> None:
    data.add((REQ, SKOS.prefLabel, Literal("另一个标签", lang="zh")))
    assert fired(validate(data), REQ, shape=SGSH.zhPrefLabel) == {SH.Violation}


def test_requirement_code_not_under_its_work_content_is_a_violation(data: Graph) -> None:
    data.set((REQ, SKOS.notation, Literal("9.9.9")))
    res = validate(data)
    assert fired(res, REQ, shape=SGSH.RequirementShape) == {SH.Violation}


def test_work_content_code_not_under_its_function_is_a_violation(data: Graph) -> None:
    content = IRIS.work_content("accounting", 3, "1.1")
    data.set((content, SKOS.notation, Literal("2.1")))
    assert SH.Violation in fired(validate(data), content, shape=SGSH.WorkContentShape)


def test_two_requirements_with_one_code_in_a_work_content_is_a_violation(data: Graph) -> None:
    twin = URIRef(f"{REQ}-twin")
    for p, o in list(data.predicate_objects(REQ)):
        data.add((twin, p, o))
    content = IRIS.work_content("accounting", 3, "1.1")
    data.add((content, V.hasRequirement, twin))
    res = validate(data)
    assert fired(res, content, shape=SGSH.WorkContentShape) == {SH.Violation}
    # same wording twice in one level is also reported, as the draft's defect
    assert fired(res, TL3, shape=SGSH.DuplicateTextShape) == {SH.Warning}


def test_covering_a_level_of_higher_rank_is_a_violation(data: Graph) -> None:
    data.set((IRIS.skill_level(4), V.rank, Literal(2)))  # level "4" now ranks above 三级
    res = validate(data)
    assert fired(res, TL3, shape=SGSH.TradeLevelShape) == {SH.Violation}
    assert fired(res, IRIS.skill_level(4), shape=SGSH.SkillLevelShape) == {SH.Violation}


def test_covering_another_trades_level_is_a_violation(data: Graph) -> None:
    consulting = IRIS.trade_level("consulting", 3)
    data.add((consulting, V.coversLowerLevel, IRIS.trade_level("accounting", 4)))
    assert fired(validate(data), consulting, shape=SGSH.TradeLevelShape) == {SH.Violation}


def test_missing_source_line_is_a_violation(data: Graph) -> None:
    content = IRIS.work_content("accounting", 3, "1.1")
    data.remove((content, V.sourceLine, None))
    assert fired(validate(data), content, path=V.sourceLine) == {SH.Violation}


def test_trade_level_without_training_hours_is_a_violation(data: Graph) -> None:
    data.remove((TL3, V.trainingHours, None))
    assert fired(validate(data), TL3, path=V.trainingHours) == {SH.Violation}


def test_dangling_finding_target_is_a_violation(data: Graph) -> None:
    finding = IRIS.finding("PrintedCodeMisfit", 234)
    data.set((finding, V.affects, IRIS.requirement("accounting", 3, "skill", "7.7.7")))
    assert fired(validate(data), finding, shape=SGSH.FindingShape) == {SH.Violation}


def test_weights_summing_to_95_warn_without_violation(data: Graph) -> None:
    row = IRIS.weight("accounting", 3, "theory", "function-1")
    data.set((row, V.weightPercent, Literal(70)))
    res = validate(data)
    assert res.violations == 0, res.report_text
    assert fired(res, TL3, shape=SGSH.WeightSumShape) == {SH.Warning}


def test_weight_row_of_another_levels_function_is_a_violation(data: Graph) -> None:
    row = IRIS.weight("accounting", 3, "theory", "function-1")
    data.set((row, V.weightOf, IRIS.function("accounting", 4, "1")))
    assert fired(validate(data), TL3, shape=SGSH.TradeLevelShape) == {SH.Violation}


def test_assessed_weight_row_without_function_warns(data: Graph) -> None:
    row = IRIS.weight("accounting", 3, "theory", "function-1")
    data.remove((row, V.weightOf, None))
    res = validate(data)
    assert res.violations == 0, res.report_text
    assert fired(res, row, shape=SGSH.WeightWithoutFunctionShape) == {SH.Warning}


def test_duplicate_text_in_one_trade_level_warns(data: Graph) -> None:
    other = IRIS.requirement("accounting", 3, "skill", "1.1.2")
    data.set((other, V.expresses, data.value(REQ, V.expresses)))
    res = validate(data)
    assert fired(res, TL3, shape=SGSH.DuplicateTextShape) == {SH.Warning}


def test_shapes_list_every_finding_kind_of_the_model() -> None:
    shapes = load_shapes()
    prop = next(
        p for p in shapes.objects(SGSH.FindingShape, SH.property)
        if shapes.value(p, SH.path) == V.findingKind
    )
    listed = set(shapes.items(shapes.value(prop, SH["in"])))
    assert listed == {V.SG[k.value] for k in FindingKind}


def test_every_named_shape_has_an_english_message_and_a_comment() -> None:
    shapes = load_shapes()
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    for shape in named:
        assert any(m.language == "en" for m in shapes.objects(shape, SH.message)), shape
        assert shapes.value(shape, V.RDFS.comment) is not None, shape


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld", ".rdf"])
def test_validate_file_reads_each_syntax_by_suffix(
    good: Graph, tmp_path: Path, suffix: str
) -> None:
    fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml"}[suffix]
    path = tmp_path / f"graph{suffix}"
    path.write_text(good.serialize(format=fmt), encoding="utf-8")
    res = validate_file(path)
    assert (res.violations, res.warnings) == (0, 1)


def test_validate_file_names_the_file_for_an_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "graph.csv"
    path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(RDFInputError, match=r"graph\.csv.*unknown RDF file suffix"):
        validate_file(path)


def test_validate_file_keeps_the_parsers_line_number(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;;; ]\n", "utf-8")
    with pytest.raises(RDFInputError) as err:
        validate_file(path)
    assert re.search(r"broken\.ttl:3:\d+: ", str(err.value)), err.value  # FILE:LINE:COLUMN
