"""The W3C SHACL core and SPARQL test suites (``tests/w3c/shacl/``) against `skillgraph validate`.

Every ``sht:Validate`` case of both manifests runs through what ``skillgraph validate DATA
--shapes SHAPES`` runs (:func:`skillgraph.validate.validate_file`), and its report is compared
with the expected one as :mod:`shacl_suite` describes.  Other engines are measured with the
same runner by ``benchmarks/bench_shacl.py`` (tables in ``tests/w3c/RESULTS.md``).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD
from shacl_engines import skillgraph_engine
from shacl_suite import SH, Case, load_cases, normalise, play

from skillgraph.cli import main

CASES = load_cases()


def test_both_manifests_are_read_whole():
    assert sum(c.suite == "core" for c in CASES) == 98
    assert sum(c.suite == "sparql" for c in CASES) == 22
    assert sum(c.expected is None for c in CASES) == 7  # sht:Failure: the shapes are refused
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_w3c_shacl_case(case: Case):
    outcome = play(case, skillgraph_engine)
    assert outcome.passed, f"{case.id}: {outcome.detail}"


# --------------------------------------------------------------------------- the comparison
def _report(*results: dict, conforms: bool | None = None) -> Graph:
    g = Graph()
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    ok = not results if conforms is None else conforms
    g.add((report, SH.conforms, Literal(ok, datatype=XSD.boolean)))
    for fields in results:
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        for p, o in fields.items():
            g.add((r, SH[p], o))
    return g


EX = "http://example.org/"
ONE = {"focusNode": URIRef(EX + "a"), "resultSeverity": SH.Violation,
       "sourceConstraintComponent": SH.MinCountConstraintComponent}  # fmt: skip


def test_the_comparison_tells_reports_apart():
    expected = normalise(_report(ONE))
    assert isomorphic(normalise(_report(ONE)), expected)
    assert not isomorphic(normalise(_report()), expected)  # a result missing
    assert not isomorphic(normalise(_report(ONE, ONE)), expected)  # a result twice
    assert not isomorphic(normalise(_report(ONE, conforms=True)), expected)
    warning = {**ONE, "resultSeverity": SH.Warning}
    assert not isomorphic(normalise(_report(warning)), expected)
    tagged = normalise(_report({**ONE, "value": Literal("y", lang="zh-Hans")}))
    assert isomorphic(normalise(_report({**ONE, "value": Literal("y", lang="zh-hans")})), tagged)
    assert not isomorphic(normalise(_report({**ONE, "value": Literal("y", lang="zh")})), tagged)


def test_the_comparison_ignores_messages_and_details_but_not_paths():
    with_message = _report({**ONE, "resultMessage": Literal("say")})
    assert isomorphic(normalise(with_message), normalise(_report(ONE)))
    detailed = _report({**ONE, "detail": BNode()})
    assert isomorphic(normalise(detailed), normalise(_report(ONE)))
    path = BNode()
    g = _report({**ONE, "resultPath": path})
    g.add((path, SH.inversePath, URIRef(EX + "p")))
    shared = _report({**ONE, "resultPath": path}, {**ONE, "resultPath": path})
    shared.add((path, SH.inversePath, URIRef(EX + "p")))
    two = _report({**ONE, "resultPath": BNode()}, {**ONE, "resultPath": BNode()})
    for r in list(two.objects(None, SH.resultPath)):
        two.add((r, SH.inversePath, URIRef(EX + "p")))
    assert isomorphic(normalise(shared), normalise(two))  # one path node or one per result
    assert not isomorphic(normalise(g), normalise(_report(ONE)))
    assert not isomorphic(normalise(_report({**ONE, "resultPath": BNode()})), normalise(g))


def test_a_refusal_passes_only_where_the_suite_expects_one(tmp_path):
    case = next(c for c in CASES if c.expected is None)
    assert play(case, skillgraph_engine).passed
    refuses = play(CASES[0], lambda d, s: (_ for _ in ()).throw(ValueError("no")))
    assert not refuses.passed and "ValueError: no" in refuses.detail


# --------------------------------------------------------------------------- the command
def test_validate_writes_the_report_graph_as_turtle():
    case = next(c for c in CASES if c.name == "path/path-complex-002")
    result = CliRunner().invoke(
        main, ["validate", str(case.data), "--shapes", str(case.shapes), "--format", "turtle"]
    )
    assert result.exit_code == 1  # its results are violations
    report = Graph().parse(data=result.stdout, format="turtle")
    assert isomorphic(normalise(report), case.expected)


def test_warnings_make_the_report_non_conforming_but_do_not_fail_the_command(tmp_path):
    data = tmp_path / "data.trig"
    data.write_text(
        f"<{EX}g1> {{ <{EX}a> a <{EX}C> . }}\n<{EX}g2> {{ <{EX}b> a <{EX}C> . }}\n",
        encoding="utf-8",
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<{EX}S> a sh:NodeShape ; sh:targetClass <{EX}C> ;\n"
        f"  sh:property [ sh:path <{EX}name> ; sh:minCount 1 ; sh:severity sh:Warning ] .\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["validate", str(data), "--shapes", str(shapes), "--format", "turtle"]
    )
    assert result.exit_code == 0, result.output
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    focus = set(report.objects(None, SH.focusNode))  # both graphs of the TriG file
    assert {str(f) for f in focus} == {f"{EX}a", f"{EX}b"}
    assert "0 violations, 2 warnings" in result.stderr


def test_validate_names_shapes_the_engine_refuses(tmp_path):
    case = next(c for c in CASES if c.name == "pre-binding/unsupported-sparql-001")
    result = CliRunner().invoke(main, ["validate", str(case.data), "--shapes", str(case.shapes)])
    assert result.exit_code == 1
    assert "refused the shapes" in result.output
