"""For the drafting committee: every finding and SHACL warning, in the build report, on
``/findings``, from ``skillgraph findings`` and in the comment sheet, with the same counts.

Expected counts come from the parsed model (the loader's findings) and from an independent
reading of ``validation.txt`` (one line per SHACL result), never from the review itself.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from rdflib import Graph
from rdflib.namespace import RDF

from skillgraph.cli import main
from skillgraph.committee import collect_build
from skillgraph.committee.sheet import row_values, workbook_bytes
from skillgraph.committee.texts import HEADERS, PATH_RULES, RULES, SHAPE_RULES
from skillgraph.validate import load_shapes
from skillgraph.vocab import SG

CODES = ("4-09-07-04", "4-04-05-05")
BASE = "https://w3id.org/skillgraph/id/"
SH = "http://www.w3.org/ns/shacl#"
AI_PDF = Path(__file__).resolve().parent.parent / "standards" / "4-04-05-05_ai-trainer_2021.pdf"


def shacl_lines(build: Path) -> list[tuple[str, str, str, str]]:
    """(severity, focus, shape, message) of every line of validation.txt."""
    lines = (build / "validation.txt").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(x.split("\t")[i] for i in (0, 1, 2, 4)) for x in lines]  # type: ignore[misc]


def expected(built_all, code: str) -> tuple[int, int]:
    """(findings, warnings) of one standard: the model's findings, and the validation.txt
    lines that are not violations and whose focus node is under the occupation's IRI."""
    std = next(s for s in built_all.standards if s.profile.code == code)
    occupation = f"{BASE}occupation/{code}"
    warnings = sum(
        1 for severity, focus, _s, _m in shacl_lines(built_all.out)
        if severity != "Violation" and (focus == occupation or focus.startswith(occupation + "/"))
    )  # fmt: skip
    return len(std.findings), warnings


@pytest.fixture(scope="module")
def review(built_all):
    return collect_build(built_all.out)


def test_the_review_holds_every_finding_and_every_warning(built_all, review):
    assert [s.code for s in review.standards] == sorted(CODES)
    total_warnings = 0
    for code in CODES:
        findings, warnings = expected(built_all, code)
        assert warnings > 0
        mine = review.standard(code)
        assert (mine.findings, mine.warnings) == (findings, warnings)
        total_warnings += warnings
        # the build's own result (what `skillgraph build` prints) is the same review
        theirs = built_all.review.standard(code)
        assert (theirs.findings, theirs.warnings) == (findings, warnings)
    assert total_warnings + len(review.elsewhere) == built_all.validation.warnings
    # every item has its text, a clause, Chinese words and a node of the graph
    nodes = {s for s, _p, _o in built_all.graph.triples((None, RDF.type, None))}
    for item in review.items:
        assert item.comment and item.clause and item.about.reason and item.suggestion
        assert re.search(r"[\u4e00-\u9fff]", item.comment + item.about.reason)
        assert any(str(n) == item.node for n in nodes), item.node
        assert item.line is not None


def test_each_shacl_warning_is_listed_about_its_node(built_all, review):
    """Read validation.txt: the node is the first <IRI> of the message (the repeated
    requirement of a DuplicateText result) or the focus node."""
    wanted = Counter()
    for severity, focus, _shape, message in shacl_lines(built_all.out):
        if severity != "Violation":
            named = re.findall(r"<([^>]+)>", message)
            wanted[named[0] if named else focus] += 1
    listed = Counter(i.node for i in review.items if i.origin == "shacl")
    assert listed == wanted


def test_each_finding_is_listed_with_its_line_and_kind(built_all, review):
    for code in CODES:
        std = next(s for s in built_all.standards if s.profile.code == code)
        wanted = Counter((f.line, f.kind.value) for f in std.findings)
        listed = Counter((i.line, i.rule) for i in review.standard(code).items
                         if i.origin == "finding")  # fmt: skip
        assert listed == wanted


def test_duplicate_text_of_accounting_level_3_is_listed_with_its_text(built_all, source_lines,
                                                                       review):
    """The draft prints 2~3个行业工艺或流程要点 as several knowledge items of 碳排放核算员三级
    (lines 1881–2288 of the source, read here): each pair is a warning with that text."""
    text = "2~3个行业工艺或流程要点"
    codes = set()
    lines = source_lines[1880:2287]
    for n, line in enumerate(lines):
        m = re.match(r"^(\d+\.\d+\.\d+)\s*(.*)$", line)
        if not m:
            continue
        cell, rest = m[2], iter(lines[n + 1:])
        while not cell.endswith(" "):  # a cell ends with a trailing space
            cell += next(x for x in rest if x.strip())
        if cell.replace(" ", "") == text:
            codes.add(m[1])
    assert len(codes) >= 3
    level = f"{BASE}occupation/4-09-07-04/trade/accounting/level/3"
    group = next(g for g in review.standard("4-09-07-04").groups if g.iri == level)
    assert "碳排放核算员" in group.label and "三级" in group.label
    dups = [i for i in group.items if i.rule == "DuplicateText" and i.text.replace(" ", "") == text]
    assert len(dups) == len(codes) * (len(codes) - 1) // 2
    assert {i.code for i in dups} | {c for i in dups for c in i.others} == codes
    for item in dups:
        assert item.node.startswith(level + "/knowledge/")
        assert f"「{item.text}」" in item.comment and item.code in item.clause
        assert "重复" in item.message


def test_report_lists_what_the_build_counts(built_all):
    for code in CODES:
        findings, warnings = expected(built_all, code)
        folder = built_all.out / "standards" / code
        md = (folder / "report.md").read_text(encoding="utf-8")
        heading = f"{findings} findings, {warnings} SHACL warnings ({findings + warnings} items)"
        assert f"## For the drafting committee: {heading}" in md
        section = md.split("## For the drafting committee")[1]
        numbers = [int(m) for m in re.findall(r"^\| (\d+) \| ", section, re.MULTILINE)]
        assert numbers == list(range(1, findings + warnings + 1))
        page = (folder / "report.html").read_text(encoding="utf-8")
        assert page.count("<tr class='item ") == findings + warnings
        assert page.count("<tr class='item finding'") == findings
        whole = (built_all.out / "report.md").read_text(encoding="utf-8")
        assert heading in whole  # the build's report holds every standard's section
    total = sum(sum(expected(built_all, c)) for c in CODES)
    assert f"({total} items), each listed under its standard" in (
        built_all.out / "report.md").read_text(encoding="utf-8")


def test_the_sheet_reads_back_as_the_findings(built_all, review):
    data = workbook_bytes(review)
    time.sleep(1.1)  # openpyxl stamps the second of saving; the sheet must not show it
    assert data == workbook_bytes(review)  # the same review, the same bytes
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == sorted(CODES)
    for code in CODES:
        sheet = book[code]
        rows = list(sheet.iter_rows(values_only=True))
        assert "征求意见反馈表" in rows[0][0] and code in rows[0][0]
        assert rows[1][:4] == ("序号", "章条编号", "意见内容", "理由/依据")
        assert rows[1] == HEADERS
        items = review.standard(code).items
        findings, warnings = expected(built_all, code)
        assert len(rows) - 2 == len(items) == findings + warnings
        for n, (row, item) in enumerate(zip(rows[2:], items, strict=True), start=1):
            want = ["" if v is None else v for v in row_values(n, item)]
            assert [("" if v is None else v) for v in row] == want
        assert [r[0] for r in rows[2:]] == list(range(1, len(items) + 1))
        # reads well: header frozen, widths set, long texts wrapped
        assert sheet.freeze_panes == "C3"
        assert sheet.column_dimensions["C"].width >= 40
        assert sheet["C3"].alignment.wrap_text
        kinds = Counter(r[HEADERS.index("问题类型")] for r in rows[2:])
        assert set(kinds) <= {r.name_zh for r in RULES.values()}


def test_every_finding_kind_and_warning_shape_has_its_chinese_texts():
    onto = Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "skillgraph.ttl")
    kinds = {str(k).rsplit("#", 1)[1] for k in onto.subjects(RDF.type, SG.FindingKind)}
    assert kinds and kinds <= set(RULES)
    shapes = load_shapes()
    from rdflib import Namespace

    sh = Namespace(SH)
    for shape in shapes.subjects(sh.severity, sh.Warning):
        path = shapes.value(shape, sh.path)
        if path is None:
            assert SHAPE_RULES.get(str(shape).rsplit("#", 1)[1]) in RULES, shape
        else:
            assert PATH_RULES.get(str(path).rsplit("#", 1)[1]) in RULES, path
    for rule in RULES.values():
        assert re.search(r"[\u4e00-\u9fff]", rule.name_zh + rule.reason + rule.suggestion)


def test_findings_command_formats_agree(built_all):
    runner = CliRunner()
    out = runner.invoke(main, ["findings", "--build", str(built_all.out), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    for std in data["standards"]:
        findings, warnings = expected(built_all, std["code"])
        assert (std["findings"], std["warnings"], len(std["items"])) == (
            findings, warnings, findings + warnings)
    csv_out = runner.invoke(main, ["findings", "--build", str(built_all.out), "--format", "csv"])
    assert csv_out.output.splitlines()[0].split(",")[:5] == ["标准", *HEADERS[:4]]
    total = sum(sum(expected(built_all, c)) for c in CODES)
    table = runner.invoke(main, ["findings", "--build", str(built_all.out)])
    assert table.output.endswith(f"{total} items\n")
    one = runner.invoke(main, ["findings", "--build", str(built_all.out), "--occupation",
                               "人工智能训练师", "--format", "json"])  # fmt: skip
    assert [s["code"] for s in json.loads(one.output)["standards"]] == ["4-04-05-05"]


def test_findings_command_writes_the_sheet_and_refuses_bad_input(built_all, tmp_path):
    runner = CliRunner()
    target = tmp_path / "out" / "意见.xlsx"
    done = runner.invoke(main, ["findings", "--build", str(built_all.out), "--format", "xlsx",
                                "-o", str(target), "--occupation", "4-09-07-04"])  # fmt: skip
    assert done.exit_code == 0, done.output
    book = load_workbook(target)
    assert book.sheetnames == ["4-09-07-04"]
    assert book["4-09-07-04"].max_row - 2 == sum(expected(built_all, "4-09-07-04"))
    no_file = runner.invoke(main, ["findings", "--build", str(built_all.out), "--format", "xlsx"])
    assert no_file.exit_code == 2 and "-o FILE" in no_file.output
    typo = runner.invoke(main, ["findings", "--build", str(built_all.out),
                                "--occupation", "碳排放管里员"])  # fmt: skip
    assert typo.exit_code == 2 and "did you mean 碳排放管理员" in typo.output
    missing = runner.invoke(main, ["findings", "--build", str(tmp_path / "nothing")])
    assert missing.exit_code == 1 and "graph.nt not found" in missing.output
    assert "Traceback" not in missing.output + typo.output + no_file.output


def test_build_prints_what_the_report_and_the_sheet_list(tmp_path):
    """`skillgraph build` of the AI trainer PDF: the count it prints is the number of rows
    in its report and in the comment sheet."""
    out = tmp_path / "b"
    result = CliRunner().invoke(main, ["build", "--source", str(AI_PDF), "--out", str(out)])
    assert result.exit_code == 0, result.output
    m = re.search(r"4-04-05-05 \S+: .* (\d+) findings, (\d+) SHACL warnings \((\d+) items",
                  result.output)
    assert m, result.output
    findings, warnings, items = (int(x) for x in m.groups())
    assert findings + warnings == items
    assert warnings == sum(1 for s, *_ in shacl_lines(out) if s != "Violation")
    md = (out / "standards" / "4-04-05-05" / "report.md").read_text(encoding="utf-8")
    assert f"{findings} findings, {warnings} SHACL warnings ({items} items)" in md
    sheet = CliRunner().invoke(main, ["findings", "--build", str(out), "--format", "xlsx",
                                      "-o", str(tmp_path / "s.xlsx")])  # fmt: skip
    assert sheet.exit_code == 0
    assert load_workbook(tmp_path / "s.xlsx")["4-04-05-05"].max_row - 2 == items


def test_docs_committee_names_every_rule_and_every_sheet_column():
    """docs/committee.md cannot drift from the table of texts or from the sheet's columns."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "committee.md").read_text(
        encoding="utf-8")
    rows = dict(re.findall(r"^\| (\S[^|]*?) \| `(\w+)` \|", doc, re.MULTILINE))
    assert {v: k for k, v in rows.items()} == {k: r.name_zh for k, r in RULES.items()}
    columns = re.findall(r"^\| ([^|]+?) \| ", doc.split("## The comment sheet")[1], re.MULTILINE)
    named = {c.strip() for col in columns[1:] for c in col.split(",")}
    assert named == set(HEADERS)


def test_findings_runs_as_a_program(built_all):
    """As a user runs it (a new process), not only through click's test runner."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "skillgraph.cli", "findings", "--build",
                           str(built_all.out), "--format", "json"],
                          capture_output=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert {s["code"]: len(s["items"]) for s in data["standards"]} == {
        c: sum(expected(built_all, c)) for c in CODES}
