"""skillgraph/shacl.py around the engine: the caller's blank nodes, stable report bytes,
refused shapes, and input files read with their exact terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from skillgraph.shacl import ShapesError, report_text, shacl_report
from skillgraph.validate import RDFInputError, read_ntriples, validate, validate_file

EX = "http://example.org/"
SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<{EX}S> a sh:NodeShape ; sh:targetClass <{EX}C> ;
  sh:property [ sh:path [ sh:inversePath <{EX}knows> ] ; sh:minCount 1 ] .
"""


def _data(*nodes: BNode | URIRef) -> Graph:
    g = Graph()
    for n in nodes:
        g.add((n, RDF.type, URIRef(EX + "C")))
    return g


def test_the_report_names_the_callers_blank_nodes_and_writes_the_path_out():
    b = BNode()
    report = validate(_data(b), Graph().parse(data=SHAPES, format="turtle")).report_graph
    (result,) = report.objects(None, SH.result)
    assert report.value(result, SH.focusNode) == b
    path = report.value(result, SH.resultPath)
    assert report.value(path, SH.inversePath) == URIRef(EX + "knows")


def test_the_same_input_gives_the_same_report_bytes():
    shapes = Graph().parse(data=SHAPES, format="turtle")
    data = _data(URIRef(EX + "a"), URIRef(EX + "b"))
    first = validate(data, shapes)
    again = validate(data, shapes)
    assert first.report_graph.serialize(format="turtle") == again.report_graph.serialize(
        format="turtle"
    )
    assert first.report_text == again.report_text
    assert first.violations == 2 and first.report_text.startswith(
        "Validation report: sh:conforms false; 2 violations"
    )


def test_shapes_read_from_bytes_give_the_same_report_bytes():
    """The engine's message quotes the path's blank node; its label must not be random."""
    data = _data(URIRef(EX + "a")).serialize(format="nt", encoding="utf-8")
    first, again = (shacl_report(data, SHAPES.encode()) for _ in range(2))
    assert first.serialize(format="turtle") == again.serialize(format="turtle")


def test_an_empty_report_conforms():
    report = shacl_report(Graph(), Graph().parse(data=SHAPES, format="turtle"))
    assert (None, SH.conforms, Literal(True)) in report
    assert report_text(report).startswith("Validation report: sh:conforms true; 0 violations")


def test_shapes_the_spec_forbids_are_refused():
    shapes = SHAPES + f"""<{EX}T> a sh:NodeShape ; sh:targetNode <{EX}a> ;
      sh:sparql [ sh:select "SELECT $this WHERE {{ $this ?p ?o . MINUS {{ $this ?p 1 }} }}" ] .
    """
    with pytest.raises(ShapesError, match="refused the shapes"):
        validate(_data(URIRef(EX + "a")), Graph().parse(data=shapes, format="turtle"))


def test_files_keep_their_lexical_forms(tmp_path: Path):
    """rdflib would read "1"^^xsd:boolean as "true", which activates sh:uniqueLang."""
    data = tmp_path / "d.nt"
    data.write_text(f'<{EX}i> <{EX}m> "HI"@en , "Hi"@en .\n'.replace(" ,", f" .\n<{EX}i> <{EX}m>"))
    shapes = tmp_path / "s.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<{EX}s> sh:targetNode <{EX}i> ; sh:path <{EX}m> ; sh:uniqueLang "1"^^xsd:boolean .\n'
    )
    assert validate_file(data, shapes).violations == 0
    shapes.write_text(shapes.read_text().replace('"1"^^xsd:boolean', "true"))
    assert validate_file(data, shapes).violations == 1


def test_unreadable_files_are_named_with_the_line(tmp_path: Path):
    bad = tmp_path / "bad.trig"
    bad.write_text(f"<{EX}g> {{\n<{EX}a> <{EX}b> .\n}}\n")
    with pytest.raises(RDFInputError, match=r"bad\.trig:2:\d+: cannot parse as .*line 2"):
        read_ntriples(bad)
    with pytest.raises(RDFInputError, match=r"unknown RDF file suffix '\.csv'"):
        read_ntriples(tmp_path / "x.csv")


def test_sparql_messages_keep_the_language_of_their_template():
    shapes = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
    <{EX}S> a sh:NodeShape ; sh:targetClass <{EX}C> ; sh:sparql [
      sh:select "SELECT $this ?value WHERE {{ $this a ?value }}" ;
      sh:message "{{?value}} is a class"@en , "{{?value}} 是类"@zh ] .
    """
    report = validate(_data(URIRef(EX + "a")), Graph().parse(data=shapes, format="turtle"))
    messages = set(report.report_graph.objects(None, SH.resultMessage))
    assert {(m.language, str(m).endswith(("is a class", "是类"))) for m in messages} == {
        ("en", True),
        ("zh", True),
    }
    assert report.report_text.rstrip().endswith("is a class")  # the English one
