"""The curriculum template: an .xlsx pre-filled with a target's requirements and a column
per course; filled in, it is read back as a curriculum map, by the library and the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from skillgraph.cli import main
from skillgraph.curriculum import CurriculumError, load_index, read_curriculum
from skillgraph.curriculum.template import COURSE_COLUMNS, template_xlsx
from skillgraph.store import store_from_build

ACC3 = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting/level/3"


@pytest.fixture(scope="module")
def index(built):
    return load_index(store_from_build(built.out))


@pytest.fixture(scope="module")
def template(index) -> bytes:
    return template_xlsx(index, index.trade_levels[ACC3])


def test_template_lists_every_requirement_of_the_target_with_its_texts(index, template):
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert grid[0][:4] == ["要求编号 requirement", "类别 kind", "要求内容 text_zh", "英文 text_en"]
    assert grid[0][4:] == [f"C{i}" for i in range(1, COURSE_COLUMNS + 1)]
    assert [grid[1][0], grid[2][0]] == ["课程名称 course_title", "学时 hours"]
    wanted = index.requires(ACC3)  # own table first, then the covered levels
    assert [r[0] for r in grid[3:]] == [index.ref(i) for i in wanted]
    for row, iri in zip(grid[3:], wanted, strict=True):
        req = index.requirements[iri]
        assert row[2] == req.text and (row[3] or "") == req.text_en
        assert row[1] == ("技能 skill" if req.kind == "skill" else "知识 knowledge")
        assert all(v is None for v in row[4:])  # nothing ticked
    assert any(r[3] for r in grid[3:])  # the reviewed English texts are there
    notes = [r[0] for r in book.worksheets[1].iter_rows(values_only=True)]
    assert ACC3 in notes[0] and "80" in notes[1]
    assert any("I (introduced)" in (n or "") for n in notes)


def fill(template: bytes, path: Path, index) -> dict[str, list[tuple[str, str | None]]]:
    """Fill in two courses as a designer would; returns what each should map."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    refs = [index.ref(i) for i in index.requires(ACC3)]
    sheet["E1"], sheet["E2"], sheet["E3"] = "CEA301", "核算实务", 48
    sheet["F1"], sheet["F2"], sheet["F3"] = "CEA302", "数据质量", "16"
    marks = {("E", 0): "✓", ("E", 1): "M", ("E", 5): "x", ("F", 1): "1", ("F", len(refs) - 1): "I"}
    for (col, i), mark in marks.items():
        sheet[f"{col}{i + 4}"] = mark
    book.save(path)
    return {
        "CEA301": [(refs[0], None), (refs[1], "M"), (refs[5], None)],
        "CEA302": [(refs[1], None), (refs[-1], "I")],
    }


def test_filled_template_reads_back_as_a_curriculum(tmp_path, index, template):
    path = tmp_path / "plan.xlsx"
    expected = fill(template, path, index)
    cur = read_curriculum(path, index).curriculum
    got = {c.course_id: [(m.ref, m.treatment) for m in c.mappings] for c in cur.courses}
    assert got == expected  # the ten unused course columns are skipped
    titles = [(c.title, str(c.hours)) for c in cur.courses]
    assert titles == [("核算实务", "48"), ("数据质量", "16")]


def test_filled_template_as_csv_reads_the_same(tmp_path, index, template):
    path = tmp_path / "plan.xlsx"
    expected = fill(template, path, index)
    sheet = load_workbook(path).worksheets[0]
    import csv

    csv_path = tmp_path / "plan.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r]
                                  for r in sheet.iter_rows(values_only=True)])  # fmt: skip
    cur = read_curriculum(csv_path, index).curriculum
    assert {c.course_id: [(m.ref, m.treatment) for m in c.mappings]
            for c in cur.courses} == expected  # fmt: skip


def test_bad_template_cells_are_named_by_cell(tmp_path, index, template):
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet["E1"], sheet["E3"], sheet["E5"] = "CEA301", "三十", "maybe"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(CurriculumError) as exc:
        read_curriculum(path, index)
    message = str(exc.value)
    assert f"{path}: row 2, column E3 (hours): '三十': hours must be a positive number" in message
    assert "column E2 (course_title): course CEA301 needs a title" in message
    assert "row 5, column E (CEA301): 'maybe': treatment must be I" in message


def test_cli_writes_the_template(tmp_path, built, index, template):
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(main, ["curriculum", "--template", "碳排放核算员/三级", "-o", str(out),
                                    "--build", str(built.out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    grid = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert grid == list(load_workbook(io.BytesIO(template)).worksheets[0]
                        .iter_rows(values_only=True))  # fmt: skip
    assert f"{len(index.requires(ACC3))} requirements" in res.output


@pytest.mark.parametrize(("args", "message"), [
    (["--template", "碳排放核算员/9", "-o", "t.xlsx"], "--template '碳排放核算员/9': malformed"),
    (["--template", "碳排放核算员/3", "-o", "t.csv"], "name it .xlsx"),
    (["--template", "碳排放核算员/3"], "--template needs --out FILE.xlsx"),
    (["plan.csv", "--template", "碳排放核算员/3", "-o", "t.xlsx"], "give no MAP or --target"),
    ([], "give MAP and --target"),
])  # fmt: skip
def test_cli_template_errors(tmp_path, built, args, message):
    res = CliRunner().invoke(main, ["curriculum", *[str(tmp_path / a) if a.endswith(
        (".xlsx", ".csv")) else a for a in args], "--build", str(built.out)])  # fmt: skip
    assert res.exit_code in (1, 2) and message in res.output, res.output
    assert list(tmp_path.iterdir()) == []
