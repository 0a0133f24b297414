"""The standard as a workbook, both ways: both shipped standards → .xlsx → the same graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from rdflib import Graph
from rdflib.namespace import DCTERMS

from skillgraph import vocab as V
from skillgraph.build import build
from skillgraph.cli import main
from skillgraph.interchange.xlsx import from_data, read_workbook, to_data, write_workbook
from skillgraph.loaders.errors import SourceFormatError
from skillgraph.loaders.standard import parse_standard, shipped_sources
from skillgraph.model import Standard

PROVENANCE = {V.sourceKind, V.sourceSha256, DCTERMS.source}  # of the standard node only


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("books")
    return [write_workbook(parse_standard(p), folder / f"{p.stem}.xlsx") for p in shipped_sources()]


@pytest.mark.parametrize("source", shipped_sources(), ids=lambda p: p.stem)
def test_model_codec_is_lossless(source: Path) -> None:
    std = parse_standard(source)
    assert from_data(Standard, json.loads(json.dumps(to_data(std), ensure_ascii=False))) == std


def test_workbook_reads_back_the_model(books: list[Path]) -> None:
    for source, book in zip(shipped_sources(), books, strict=True):
        std, back = parse_standard(source), read_workbook(book)
        assert back.source_kind == "xlsx" and back.source_name == book.name
        back.source_name, back.source_sha256, back.source_kind = (
            std.source_name, std.source_sha256, std.source_kind)  # fmt: skip
        assert back == std


@pytest.fixture(scope="module")
def builds(books: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds of the shipped sources (a/) and of their workbooks (b/)."""
    root = tmp_path_factory.mktemp("xlsx-builds")
    from_sources = build(None, root / "a", hermit=False)
    from_books = build(books, root / "b", hermit=False)
    assert from_books.ok and from_books.asserted == from_sources.asserted
    return root


def test_round_trip_graphs_equal(builds: Path) -> None:
    """`build --source` of the workbooks gives the sources' graph, provenance kinds apart."""
    tmp_path = builds

    def triples(out: Path) -> set:
        g = Graph().parse(out / "graph.nt", format="nt")
        docs = set(g.subjects(V.RDF.type, V.OccupationalStandard))
        return {t for t in g if not (t[0] in docs and t[1] in PROVENANCE)}

    a, b = triples(tmp_path / "a"), triples(tmp_path / "b")
    assert a == b, (sorted(a - b)[:3], sorted(b - a)[:3])
    g = Graph().parse(tmp_path / "b" / "graph.nt", format="nt")
    assert {str(o) for o in g.objects(None, V.sourceKind)} == {"xlsx"}


def test_sheets_and_edits(books: list[Path], tmp_path: Path) -> None:
    carbon = next(b for b in books if b.name.startswith("4-09-07-04"))
    wb = load_workbook(carbon)
    assert {"L5", "accounting-L3", "weights", "eligibility", "findings"} <= set(wb.sheetnames)
    sheet = wb["accounting-L3"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("kind", "code", "printed code", "text (zh)", "text (en)")
    n = next(i for i, r in enumerate(rows) if r[0] == "skill") + 1
    sheet.cell(row=n, column=4, value="能编写碳排放核算报告（修订）")
    weights = wb["weights"]
    w = next(i for i, r in enumerate(weights.iter_rows(values_only=True), 1)
             if r[0] == "accounting-L3" and r[1] == "theory" and r[2] == "统计核算和报告")
    weights.cell(row=w, column=5, value=35)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    std = read_workbook(edited)
    tl = next(t for t in std.trade_levels if t.trade == "accounting" and t.rank == 3)
    assert tl.functions[0].contents[0].skills[0].text == "能编写碳排放核算报告（修订）"
    assert next(x for x in tl.weights if x.row == "统计核算和报告" and x.exam == "theory"
                ).percent == 35  # fmt: skip


def test_bad_workbooks_name_sheet_and_row(books: list[Path], tmp_path: Path) -> None:
    wb = load_workbook(books[0])
    name = next(s for s in wb.sheetnames if s.startswith("L"))
    wb[name].cell(row=3, column=1, value="chapter")
    wb[name].cell(row=3, column=6, value="x")
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(SourceFormatError, match=rf"sheet '{name}' row 3"):
        parse_standard(bad)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(SourceFormatError, match=r"not a readable \.xlsx"):
        parse_standard(junk)


def test_cli_export_xlsx(builds: Path, tmp_path: Path) -> None:
    graph_dir = builds / "a"
    runner = CliRunner()
    args = ["export", "--format", "xlsx", "--build", str(graph_dir), "--occupation",
            "4-04-05-05", "--out", str(tmp_path / "ai.xlsx")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert read_workbook(tmp_path / "ai.xlsx").profile.code == "4-04-05-05"
