"""Bad curriculum spreadsheets: each gives one clear error naming file, row, column and value
(with the closest valid references) and writes nothing, through the library and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from skillgraph.cli import main
from skillgraph.curriculum import CurriculumError, load_index, read_curriculum
from skillgraph.store import store_from_build

HEADER = "course_id,course_title,hours,requirement,treatment,notes,description"
GOOD = "C1,统计核算基础,32,碳排放核算员/4/S2.1.1,I,,"


@pytest.fixture(scope="module")
def index(built):
    return load_index(store_from_build(built.out))


def sheet(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "map.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def error(path: Path, index) -> str:
    with pytest.raises(CurriculumError) as exc:
        read_curriculum(path, index)
    return str(exc.value)


def writes_nothing(path: Path, built) -> str:
    """Run the CLI with every output option into a fresh directory; it must stay empty."""
    out = path.parent / "out"
    out.mkdir()
    res = CliRunner().invoke(main, [
        "curriculum", str(path), "--target", "碳排放核算员/4", "--build", str(built.out),
        "--format", "html", "--out", str(out / "report.html"), "--rdf", str(out / "c.trig"),
    ])  # fmt: skip
    assert res.exit_code == 1, res.output
    assert list(out.iterdir()) == []
    return res.output


CASES = {
    # name: (bad row, expected fragments)
    "unknown code": ("C2,排放量计算,16,碳排放核算员/4/S2.2.9,,,",
                     ["row 3", "column D (requirement)", "'碳排放核算员/4/S2.2.9'",
                      "unknown reference", "has no skill requirement 2.2.9",
                      "closest: 碳排放核算员/4/S2.2.1"]),
    "unknown trade": ("C2,排放量计算,16,碳排放核算师/4/S2.2.1,,,",
                      ["row 3", "unknown reference", "no trade named '碳排放核算师'",
                       "closest: 碳排放核算员"]),
    "unknown rank": ("C2,咨询,16,碳排放咨询员/4/S1.1.1,,,",
                     ["unknown reference", "碳排放咨询员 has no level 4", "碳排放咨询员/3"]),
    "unknown iri": ("C2,排放量计算,16,https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade"
                    "/accounting/level/4/skill/2.2.9,,,",
                    ["unknown reference", "no requirement or competency has this IRI",
                     "accounting/level/4/skill/2.2.1"]),
    "malformed code": ("C2,排放量计算,16,碳排放核算员/4/S2.2,,,",
                       ["row 3", "malformed reference", "three-part code like S2.2.1"]),
    "malformed shape": ("C2,排放量计算,16,碳排放核算员 四级 S2.2.1,,,",
                        ["malformed reference", "is not TRADE/RANK/S|K CODE"]),
    "malformed rank": ("C2,排放量计算,16,碳排放核算员/7/S2.2.1,,,",
                       ["malformed reference", "rank '7'", "must be 1–5"]),
    "ambiguous kind": ("C2,排放量计算,16,碳排放核算员/4/2.2.1,,,",
                       ["row 3", "ambiguous reference", "both exist",
                        "碳排放核算员/4/S2.2.1, 碳排放核算员/4/K2.2.1"]),
    "ambiguous trade": ("C2,监测,16,管理员/5/S1.1.1,,,",
                        ["ambiguous reference", "part of several trade names",
                         "民航碳排放管理员", "碳排放管理员"]),
    "bad hours word": ("C2,排放量计算,三十二,碳排放核算员/4/S2.2.1,,,",
                       ["row 3", "column C (hours)", "'三十二'", "must be a positive number"]),
    "negative hours": ("C2,排放量计算,-4,碳排放核算员/4/S2.2.1,,,",
                       ["column C (hours)", "'-4'", "positive number"]),
    "hours with unit": ("C2,排放量计算,32h,碳排放核算员/4/S2.2.1,,,",
                        ["column C (hours)", "'32h'"]),
    "bad treatment": ("C2,排放量计算,16,碳排放核算员/4/S2.2.1,X,,",
                      ["column E (treatment)", "'X'", "I (introduced), D (developed), M"]),
    "conflicting hours": ("C1,统计核算基础,30,碳排放核算员/4/S2.1.2,,,",
                          ["row 3", "column C (hours)", "C1 has 32 hours in row 2"]),
    "duplicate mapping": ("C1,统计核算基础,32,碳排放核算员/4/s2.1.1,,,",
                          ["row 3", "already mapped to it in row 2"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_cell_is_named_with_closest_and_nothing_is_written(tmp_path, index, built, case):
    row, fragments = CASES[case]
    path = sheet(tmp_path, GOOD, row)
    message = error(path, index)
    assert message.startswith(f"{path}: row ")
    for fragment in fragments:
        assert fragment in message, message
    assert message in writes_nothing(path, built)


def test_every_bad_row_is_reported_at_once(tmp_path, index):
    path = sheet(tmp_path, GOOD, CASES["unknown code"][0].replace("C2", "C3"),
                 CASES["bad hours word"][0])  # fmt: skip
    assert len(error(path, index).splitlines()) == 2


def test_missing_column_names_what_the_header_has(tmp_path, index, built):
    path = sheet(tmp_path, "C1,统计核算基础,碳排放核算员/4/S2.1.1,I,,",
                 header="course_id,course_title,requirment,treatment,notes,description")
    message = error(path, index)
    assert f"{path}: row 1, column hours: missing column hours" in message
    assert "missing column requirement" in message and "'requirment'" in message  # the typo
    writes_nothing(path, built)


def test_non_utf8_bytes_point_at_row_and_column(tmp_path, index, built):
    path = tmp_path / "gbk.csv"
    text = "\n".join([HEADER, GOOD, "C2,排放量计算,16,碳排放核算员/4/S2.2.1,,,"]) + "\n"
    path.write_bytes(text.encode("gbk"))
    message = error(path, index)
    # the first non-ASCII cell is the course title of row 2, column B
    assert f"{path}: row 2, column B (course_title):" in message
    assert "are not UTF-8" in message and "GBK/GB18030" in message
    writes_nothing(path, built)


def test_bom_and_no_bom_read_the_same(tmp_path, index):
    plain = sheet(tmp_path, GOOD, name="plain.csv")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    a = read_curriculum(plain, index, iri="urn:x:c", label="x")
    b = read_curriculum(bom, index, iri="urn:x:c", label="x")
    assert a.curriculum.courses == b.curriculum.courses
    assert a.curriculum.courses[0].course_id == "C1"  # not "\ufeffC1"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet_ = book.active
    for row in rows:
        sheet_.append(row)
    book.save(path)
    return path


def test_xlsx_reads_like_csv_with_numeric_hours(tmp_path, index):
    head = HEADER.split(",")
    path = _xlsx(tmp_path / "map.xlsx", [
        head,
        ["C1", "统计核算基础", 32, "碳排放核算员/4/S2.1.1", "I"],
        ["C1", None, 32.0, "碳排放核算员/4/K2.1.1"],
    ])  # fmt: skip
    loaded = read_curriculum(path, index, iri="urn:x:c", label="x")
    csv_ = read_curriculum(sheet(tmp_path, GOOD, "C1,,,碳排放核算员/4/K2.1.1,,,"), index,
                           iri="urn:x:c", label="x")  # fmt: skip
    assert len(loaded.curriculum.courses[0].mappings) == 2
    strip = {"source", "sourceLine"}
    assert {t for t in loaded.graph if not any(s in str(t[1]) for s in strip)} == {
        t for t in csv_.graph if not any(s in str(t[1]) for s in strip)}


def test_xlsx_bad_cells_name_row_and_column_letter(tmp_path, index, built):
    head = HEADER.split(",")
    path = _xlsx(tmp_path / "map.xlsx", [
        head,
        ["C1", "统计核算基础", 32, "碳排放核算员/4/S2.1.1"],
        ["C2", "实训", "abc", "碳排放核算员/4/2.2.1"],
    ])  # fmt: skip
    message = error(path, index)
    assert f"{path}: row 3, column C (hours): 'abc': hours must be a positive number" in message
    assert f"{path}: row 3, column D (requirement): '碳排放核算员/4/2.2.1': ambiguous" in message
    writes_nothing(path, built)


def test_broken_xlsx_and_old_xls_are_named(tmp_path, index):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert "not a readable .xlsx file" in error(broken, index)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx" in error(old, index)
