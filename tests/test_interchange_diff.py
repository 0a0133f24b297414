"""Editions compared: edited copies of the real carbon draft, expected answers by hand."""

from __future__ import annotations

from pathlib import Path

import edited_carbon as E
import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from skillgraph.cli import main
from skillgraph.interchange.diff import compare, load_edition, to_html, to_markdown, to_rdf
from skillgraph.interchange.graph import InterchangeError
from skillgraph.loaders.standard import default_source

PROV = Namespace("http://www.w3.org/ns/prov#")
L1 = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/monitoring/level/1/"


def _rows(changes) -> set[tuple[str, str, str, str]]:
    return {(c.kind, c.old.code if c.old else "", c.new.code if c.new else "", c.level)
            for c in changes}  # fmt: skip


@pytest.fixture(scope="module")
def original():
    return load_edition(default_source())


@pytest.fixture(scope="module")
def all_edits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return E.edited_copy(tmp_path_factory.mktemp("edited"), E.renumbered, E.reworded, E.split,
                         E.weights)  # fmt: skip


@pytest.fixture(scope="module")
def diff(original, all_edits: Path):
    return compare(original, load_edition(all_edits))


def test_same_source_has_no_changes(original) -> None:
    d = compare(original, original)
    assert not any(d.of(w) for w in ("added", "removed", "moved", "reworded"))
    assert d.weights == [] and d.splits == [] and d.merges == []


def test_renumbered_and_split_items_are_moved(diff) -> None:
    level = "trade/monitoring/level/1"
    assert _rows(diff.of("moved")) == {
        ("skill", "4.1.1", "4.1.2", level),  # swapped codes
        ("skill", "4.1.2", "4.1.1", level),
        ("skill", "4.2.2", "4.3.1", level),  # went to the new work content
        ("knowledge", "4.2.2", "4.3.1", level),
    }
    assert all(c.score == 1.0 and not c.reworded for c in diff.of("moved"))


def test_reworded(diff) -> None:
    (change,) = diff.of("reworded")
    assert (change.kind, change.old.code, change.new.code) == ("skill", "4.1.3", "4.1.3")
    assert change.old.text.endswith("碳排放监测员") and change.new.text.endswith("碳排放监测人员")
    assert 0.8 < change.score < 1.0


def test_split_work_content(diff) -> None:
    assert _rows(diff.of("added")) == {("content", "", "4.3", "trade/monitoring/level/1")}
    assert diff.of("removed") == []
    ((old, parts),) = diff.splits
    assert (old.code, old.text) == ("4.2", "业务指导")
    assert [(p.code, p.text) for p in parts] == [("4.2", "业务指导"), ("4.3", "业务带教")]
    assert diff.merges == []


def test_changed_weights(diff) -> None:
    got = {(o.level, o.exam, o.row, o.percent, n.percent) for o, n in diff.weights}
    assert got == {
        ("trade/accounting/level/2", "TheoryExam", "统计核算和报告", 25, 20),
        ("trade/accounting/level/2", "TheoryExam", "管理质量和归档文件", 25, 30),
    }


def test_replaced_wording_is_removed_and_added(original, tmp_path: Path) -> None:
    def rewrite(lines: list[str]) -> None:
        E._replace_before(lines, E.MONITORING_L1_END, ["4.2.1能审定业务指导方案 "],
                          ["4.2.1能编写碳资产年度报告 "])  # fmt: skip

    d = compare(original, load_edition(E.edited_copy(tmp_path, rewrite)))
    level = "trade/monitoring/level/1"
    assert _rows(d.of("removed")) == {("skill", "4.2.1", "", level)}
    assert _rows(d.of("added")) == {("skill", "", "4.2.1", level)}
    assert d.of("moved") == [] and d.of("reworded") == []


def test_rdf_output(diff) -> None:
    g = Graph().parse(data=to_rdf(diff).serialize(format="turtle"), format="turtle")
    (revision,) = set(g.subjects(RDF.type, PROV.Activity))
    assert (revision, PROV.used, None) in g and (revision, PROV.generated, None) in g
    old, new = URIRef(L1 + "skill/4.2.2"), URIRef(L1 + "skill/4.3.1")
    assert (new, DCTERMS.replaces, old) in g and (old, DCTERMS.isReplacedBy, new) in g
    assert (URIRef(L1 + "content/4.3"), DCTERMS.replaces, URIRef(L1 + "content/4.2")) in g
    assert (URIRef(L1 + "content/4.3"), PROV.wasGeneratedBy, revision) in g
    reworded = URIRef(L1 + "skill/4.1.3")
    assert (reworded, DCTERMS.replaces, None) not in g  # same node, noted instead
    assert "碳排放监测人员" in str(g.value(reworded, SKOS.changeNote))
    replaces = set(g.subject_objects(DCTERMS.replaces))
    assert replaces == {(o, s) for s, o in g.subject_objects(DCTERMS.isReplacedBy)}
    assert len(replaces) == 5  # four moved requirements and the split work content


def test_markdown_and_html(diff) -> None:
    md = to_markdown(diff)
    assert "## Moved (4)" in md
    assert "| trade/accounting/level/2 | TheoryExam | 统计核算和报告 | 25 | 20 |" in md
    page = to_html(diff)
    assert page.startswith("<!DOCTYPE html>") and "<h2>Reworded (1)</h2>" in page
    assert "能培训二级及以下级别的碳排放监测人员" in page


def test_cli(all_edits: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["diff", str(default_source()), str(all_edits)])
    assert result.exit_code == 0, result.output
    assert "| moved | 4 |" in result.output
    out = tmp_path / "rev.ttl"
    args = ["diff", str(default_source()), str(all_edits), "--format", "ttl", "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    assert len(Graph().parse(out, format="turtle")) > 10
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n", encoding="utf-8")
    result = runner.invoke(main, ["diff", str(bad), str(all_edits)])
    assert result.exit_code == 1 and "x.csv" in result.output


def test_unknown_occupation(all_edits: Path) -> None:
    with pytest.raises(InterchangeError, match="9-99"):
        load_edition(all_edits, "9-99")
