"""Curriculum input is bounded, and its outputs cannot carry formulas or markup.

A hostile or broken sheet (too large, too many rows, a huge cell, a zip bomb posing as
.xlsx, a damaged workbook) gets one clear error naming the file and the limit, never a
traceback; course titles such as ``=HYPERLINK(…)`` come out of CSV as text, and
``<script>`` out of Markdown escaped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillgraph.cli import main
from skillgraph.curriculum.table import LIMITS, CurriculumError, Limits, read_table

HEADER = ["course_id", "course_title", "hours", "requirement", "treatment", "notes"]
TARGET = "碳排放核算员/3"
REF = "碳排放核算员/3/S2.2.1"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def error_of(path: Path, limits: Limits = LIMITS) -> str:
    with pytest.raises(CurriculumError) as exc:
        read_table(path, limits)
    return str(exc.value)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    sheet = write_csv(tmp_path / "big.csv", [["C1", "x" * 3000, "8", REF, "", ""]])
    message = error_of(sheet, Limits(max_file_bytes=1000))
    assert str(sheet) in message and "the limit is 1,000" in message


def test_too_many_rows(tmp_path):
    sheet = write_csv(tmp_path / "rows.csv", [[f"C{i}", "t", "8", REF, "", ""] for i in range(30)])
    message = error_of(sheet, Limits(max_rows=10))
    assert "more than 10 rows" in message and str(sheet) in message
    assert len(read_table(sheet).rows) == 30  # within the default


def test_a_cell_over_the_length_limit_csv_and_xlsx(tmp_path):
    sheet = write_csv(tmp_path / "cell.csv", [["C1", "x" * 500, "8", REF, "", ""]])
    message = error_of(sheet, Limits(max_cell_chars=100))
    assert "100 characters per cell" in message
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["C1", "y" * 500, 8, REF, "", ""])
    path = tmp_path / "cell.xlsx"
    book.save(path)
    message = error_of(path, Limits(max_cell_chars=100))
    assert "row 2, column B" in message and "the limit is 100" in message


def _valid_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["C1", "t", 8, REF, "", ""])
    book.save(path)
    return path


def test_an_xlsx_zip_bomb_is_refused_from_its_directory(tmp_path):
    path = _valid_xlsx(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (60 * 2**20))
    assert path.stat().st_size < 2**20
    message = error_of(path)
    assert "unpacks to" in message and f"{LIMITS.max_unzipped_bytes:,}" in message
    message = error_of(path, Limits(max_unzipped_bytes=2**30))
    assert "compressed" in message and "the limit is 100:1" in message


def test_a_damaged_xlsx_is_a_clear_error(tmp_path):
    path = _valid_xlsx(tmp_path / "ok.xlsx")
    data = bytearray(path.read_bytes())
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data[: len(data) // 2]))
    assert "not a readable .xlsx" in error_of(broken)
    junk = tmp_path / "junk.xlsx"
    with zipfile.ZipFile(junk, "w") as z:
        z.writestr("[Content_Types].xml", "<not xml")
    assert "not a readable .xlsx" in error_of(junk)


def test_the_cli_reports_a_huge_csv_without_a_traceback(built, tmp_path):
    sheet = tmp_path / "huge.csv"
    with sheet.open("w", encoding="utf-8") as f:
        f.write(",".join(HEADER) + "\n")
        row = f"C1,{'x' * 1000},8,{REF},,\n"
        f.write(row * (LIMITS.max_file_bytes // len(row.encode()) + 10))
    result = CliRunner().invoke(
        main, ["curriculum", str(sheet), "--target", TARGET, "--build", str(built.out)]
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "the limit is" in result.output


HOSTILE = [
    ("C1", "=HYPERLINK(\"http://evil.example\",\"click\")"),
    ("C2", "=cmd|' /C calc'!A0"),
    ("C3", "+1+1"),
    ("C4", "@SUM(A1:A2)"),
    ("C5", "<script>alert(1)</script>"),
]


def test_csv_outputs_neutralise_formulas_and_markdown_escapes_html(built, tmp_path):
    from skillgraph.curriculum.run import run_curriculum

    sheet = write_csv(tmp_path / "hostile.csv",
                      [[cid, title, "8", REF, "I", ""] for cid, title in HOSTILE])  # fmt: skip
    run = run_curriculum(sheet, target=TARGET, build_dir=built.out, fmt="csv", out=tmp_path)
    cells = [
        cell
        for data in run.files.values()
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))
        for cell in row
    ]
    titles = [c for c in cells if any(t in c for _, t in HOSTILE)]
    assert titles, "the titles should appear in some table"
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells if not _number(c)), titles
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
    md = run_curriculum(sheet, target=TARGET, build_dir=built.out, fmt="md").stdout.decode()
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    suggested = run_curriculum(
        write_csv(tmp_path / "unmapped.csv", [["C9", "=碳排放核算与报告", "8", "", "", ""]]),
        target=TARGET, build_dir=built.out, suggestions=True,
    ).stdout.decode("utf-8-sig")  # fmt: skip
    assert "'=碳排放核算与报告" in suggested and ",=碳排放" not in suggested


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
