"""A spreadsheet template pre-filled with a target trade-level's requirements.

One row per requirement the target includes (its own table, then the levels it covers),
with its reference, kind and texts; one column per course, where the designer writes the
course's code (row 1), title (row 2) and hours (row 3) and ticks the requirements it
teaches (✓, or I / D / M for how far).  :func:`~.table.read_table` reads the sheet back
as it is (``_matrix_table``), so the filled-in template is a curriculum map.
"""

from __future__ import annotations

import io

from .index import StandardIndex, TradeLevelInfo

__all__ = ["COURSE_COLUMNS", "template_name", "template_xlsx"]

COURSE_COLUMNS = 12  # empty course columns offered; more can be added to the right
HEADER = ("要求编号 requirement", "类别 kind", "要求内容 text_zh", "英文 text_en")
KIND = {"skill": "技能 skill", "knowledge": "知识 knowledge"}
INSTRUCTIONS = [
    ("填写说明 · How to fill in this sheet", True),
    ("", False),
    ("1. 第一张表每行是目标等级（含其涵盖的较低等级）的一条要求；请勿修改 A–D 列。", False),
    ("   Each row of the first sheet is one requirement of the target level (and of the "
     "lower levels it covers); leave columns A–D as they are.", False),
    ("2. 每门课程占一列（E 列起）：第 1 行课程编号，第 2 行课程名称，第 3 行学时。", False),
    ("   One column per course (from column E): its code in row 1, title in row 2, planned "
     "hours in row 3. Add columns to the right for more courses.", False),
    ("3. 课程讲授某条要求时，在该行该列打勾（✓、x 或 1），"
     "或填写程度 I（了解）、D（熟悉）、M（掌握）。", False),
    ("   Where a course teaches a requirement, tick its cell (✓, x or 1) or write how far: "
     "I (introduced), D (developed), M (mastered).", False),
    ("4. 未填写的课程列会被忽略。保存为 .xlsx（或 CSV UTF-8）后上传或用命令行检查：", False),
    ("   Unused course columns are ignored. Save as .xlsx (or CSV UTF-8) and upload it, or "
     "run:", False),
    ("   skillgraph curriculum THIS-FILE.xlsx --target TARGET --format html --out report.html",
     False),
]


def template_name(level: TradeLevelInfo) -> str:
    """A download name: ``curriculum-template-accounting-3.xlsx``."""
    return f"curriculum-template-{level.trade or 'common'}-{level.rank}.xlsx"


def template_xlsx(index: StandardIndex, level: TradeLevelInfo) -> bytes:
    """The template for ``level`` as .xlsx bytes (nothing is written to disk)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "课程对照 Mapping"
    first = len(HEADER) + 1
    last = first + COURSE_COLUMNS - 1
    sheet.append([*HEADER, *[f"C{i}" for i in range(1, COURSE_COLUMNS + 1)]])
    sheet.append(["课程名称 course_title", "", "", "", *[""] * COURSE_COLUMNS])
    sheet.append(["学时 hours", "", "", "", *[""] * COURSE_COLUMNS])
    for iri in index.requires(level.iri):
        req = index.requirements[iri]
        sheet.append([index.ref(iri), KIND[req.kind], req.text, req.text_en])
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="E8EEF3")
    for row in sheet.iter_rows(min_row=1, max_row=3):
        for cell in row:
            cell.font, cell.fill = bold, shade
    for row in sheet.iter_rows(min_row=4, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in (("A", 26), ("B", 14), ("C", 48), ("D", 40)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=4, column=first)
    marks = ",".join(["✓", "I", "D", "M"])  # ✓ is one of the reader's TICKS
    check = DataValidation(type="list", formula1=f'"{marks}"', allow_blank=True,
                           showErrorMessage=False)  # fmt: skip
    start, end = sheet.cell(row=4, column=first), sheet.cell(row=sheet.max_row, column=last)
    check.add(f"{start.coordinate}:{end.coordinate}")
    sheet.add_data_validation(check)
    notes = book.create_sheet("填写说明 Instructions")
    notes.append([f"目标 target: {level.label} ({level.ref}) · {level.iri}"])
    hours = level.training_hours
    notes.append([f"标准培训参考学时 standard training hours: {hours if hours else '—'}"])
    for text, strong in INSTRUCTIONS:
        notes.append([text])
        if strong:
            notes.cell(row=notes.max_row, column=1).font = bold
    notes.column_dimensions["A"].width = 110
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
