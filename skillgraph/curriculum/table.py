"""Reading the spreadsheet itself: CSV (UTF-8, BOM or not) or .xlsx, into plain rows.

Row numbers are the ones a designer sees in Excel or LibreOffice (header = row 1), and
columns are named by header and letter, so every error can point at one cell.

Input is bounded (:class:`Limits`, listed in the README's "Security" section): the file's
size, its rows, each cell's length, and for an .xlsx (a zip) its uncompressed size and
compression ratio, checked from the zip directory before anything is parsed.  Without
them a 50 MB CSV ended in a MemoryError and an .xlsx expanding to 1 GB ran for minutes
at 4 GB.  Each limit, when passed, is an error naming the file and the limit.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

__all__ = ["HEADER_ALIASES", "LIMITS", "CurriculumError", "Issue", "Limits", "Table",
           "accepted_headers", "column_letter", "neutralise", "read_table"]

REQUIRED = ("course_id", "course_title", "hours", "requirement")
OPTIONAL = ("treatment", "notes", "description")


@dataclass(frozen=True)
class Limits:
    """What a curriculum file may hold (a course plan has tens to hundreds of rows)."""

    max_file_bytes: int = 5 * 2**20
    max_rows: int = 5_000
    max_cell_chars: int = 5_000
    max_unzipped_bytes: int = 50 * 2**20  # an .xlsx, all parts uncompressed
    max_zip_ratio: int = 100  # uncompressed / compressed, per part and in all


LIMITS = Limits()
# Cells a spreadsheet would read as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell for a CSV file meant to be opened in a spreadsheet: one that would start a
    formula gets a leading apostrophe, so it is shown as text.

    >>> neutralise("=1+2"), neutralise("@SUM(A1)"), neutralise("Carbon 101")
    ("'=1+2", "'@SUM(A1)", 'Carbon 101')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True)
class Issue:
    """One problem in one cell (or in the file, when ``row`` is 0)."""

    file: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", column {self.column}"
        value = f" {self.value!r}:" if self.value else ""
        return f"{self.file}: {where}:{value} {self.message}"


class CurriculumError(ValueError):
    """The curriculum cannot be read; ``issues`` lists every problem found, cell by cell."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class Table:
    file: str
    columns: dict[str, str]  # canonical column name → "C (hours)" for messages
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row, canonical column → text)
    # the template layout: (row, column, course id) → where that value is, for messages
    cells: dict[tuple[int, str, str], str] = field(default_factory=dict)

    def where(self, row: int, column: str, course_id: str = "") -> str:
        """How a message names the cell of ``column`` in ``row`` (of ``course_id``)."""
        return self.cells.get((row, column, course_id)) or self.columns.get(column, column)


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(27)
    ('A', 'Z', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# Every header a designer may write for a column, English or Chinese (compared after NFKC,
# case folding and "-"/blank → "_"): the one table of accepted spellings.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "course_id": ("course_id", "course", "course_code", "course_no", "id", "课程编号", "课程代码",
                  "课程号", "课程代号", "编号"),
    "course_title": ("course_title", "title", "course_name", "name", "课程名称", "课程名",
                     "名称", "课程"),
    "hours": ("hours", "planned_hours", "hour", "学时", "课时", "学时数", "课时数", "计划学时",
              "总学时"),
    "requirement": ("requirement", "requirements", "reference", "ref", "要求", "对应要求",
                    "要求编号", "标准要求", "对应标准要求", "对应标准", "能力要求"),
    "treatment": ("treatment", "depth", "程度", "培养程度", "教学程度", "掌握程度", "要求程度"),
    "notes": ("notes", "note", "comment", "comments", "备注", "说明"),
    "description": ("description", "summary", "课程描述", "课程简介", "课程说明", "简介", "描述"),
}
_ALIAS_OF = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return "_".join(text.replace("-", " ").split())


# The template's layout (one row per requirement, one column per course; see
# :mod:`.template`): its header column and the requirement's descriptive columns.
MATRIX_ROWS = ("requirement", "course_title", "hours")  # column A of rows 1, 2, 3
MATRIX_INFO: dict[str, tuple[str, ...]] = {
    "kind": ("kind", "类别", "类型"),
    "text_zh": ("text_zh", "text", "要求内容", "内容", "中文"),
    "text_en": ("text_en", "english", "英文", "英文内容"),
}
_INFO_OF = {alias: name for name, aliases in MATRIX_INFO.items() for alias in aliases}
TICKS = frozenset({"✓", "✔", "√", "x", "1", "y", "yes", "true", "是", "○", "●"})


def _canonical(header: str, aliases: dict[str, str] = _ALIAS_OF) -> str:
    """The column a header names: an alias of :data:`HEADER_ALIASES`, else the header folded.

    A bilingual header names the column when one of its parts does.

    >>> _canonical("学时"), _canonical("课程名称 / Course title"), _canonical("Planned hours")
    ('hours', 'course_title', 'hours')
    """
    text = _fold(header)
    if text in aliases:
        return aliases[text]
    parts = [_fold(p) for p in re.split(r"[/／|()（）\n]+", unicodedata.normalize("NFKC", header))]
    found = {aliases[p] for p in parts if p in aliases}
    if len(found) == 1:
        return found.pop()
    words = [w for w in re.split(r"[\s/|()（）]+", unicodedata.normalize("NFKC", header)) if w]
    found = {aliases[_fold(w)] for w in words if _fold(w) in aliases}
    return found.pop() if len(found) == 1 else text


def accepted_headers(name: str) -> str:
    """The spellings accepted for column ``name``, for messages and the docs.

    >>> accepted_headers("hours")
    'hours, planned_hours, hour, 学时, 课时, 学时数, 课时数, 计划学时, 总学时'
    """
    return ", ".join(HEADER_ALIASES[name])


def _too_big(path: Path, row: int, what: str) -> CurriculumError:
    return CurriculumError([Issue(str(path), row, "", "", what)])


def read_table(path: Path, limits: Limits = LIMITS) -> Table:
    """Rows of a curriculum spreadsheet; :class:`CurriculumError` for an unreadable file.

    Checks here are about the file, not the content: size limits, encoding, format,
    header (every required column present, none twice).  Empty rows are skipped.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise CurriculumError([Issue(str(path), 0, "", "", "no such file")])
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise _too_big(path, 0, f"the file has {size:,} bytes; the limit is "
                       f"{limits.max_file_bytes:,} (a curriculum sheet is far smaller)")
    if suffix == ".csv":
        grid = _csv_grid(path, limits)
    elif suffix in (".xlsx", ".xlsm"):
        grid = _xlsx_grid(path, limits)
    else:
        why = "save it as .xlsx" if suffix == ".xls" else "expected .csv or .xlsx"
        raise CurriculumError([Issue(str(path), 0, "", "", f"unsupported file type; {why}")])
    if not grid or not any(grid[0]):
        raise CurriculumError([Issue(str(path), 1, "", "", "no header row: the first row must "
                                     f"name the columns {', '.join(REQUIRED + OPTIONAL)}")])
    if _is_matrix(grid):
        return _matrix_table(path, grid, limits)
    header = [_canonical(h) for h in grid[0]]
    columns: dict[str, str] = {}
    issues: list[Issue] = []
    for i, name in enumerate(header):
        if not name:
            continue
        if name in columns:
            issues.append(Issue(str(path), 1, column_letter(i), grid[0][i],
                                f"column {name} appears twice"))  # fmt: skip
        columns[name] = f"{column_letter(i)} ({name})"
    unknown = [(i, grid[0][i]) for i, name in enumerate(header)
               if name and name not in HEADER_ALIASES]  # fmt: skip
    for name in REQUIRED:
        if name not in columns:
            issues.append(Issue(str(path), 1, name, "", _missing(name, unknown)))
    if issues:
        raise CurriculumError(issues)
    _check_cells(path, grid, limits)
    rows = []
    for number, cells in enumerate(grid[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((number, {
            name: (cells[i].strip() if i < len(cells) else "")
            for i, name in enumerate(header) if name
        }))  # fmt: skip
    return Table(str(path), columns, rows)


def _check_cells(path: Path, grid: list[list[str]], limits: Limits) -> None:
    long_cells = [
        Issue(str(path), number, column_letter(i), cell[:40] + "…",
              f"the cell has {len(cell):,} characters; the limit is {limits.max_cell_chars:,}")
        for number, cells in enumerate(grid, 1)
        for i, cell in enumerate(cells)
        if len(cell) > limits.max_cell_chars
    ]  # fmt: skip
    if long_cells:
        raise CurriculumError(long_cells[:20])


def _is_matrix(grid: list[list[str]]) -> bool:
    """The template's layout: column A says requirement, course title, hours in rows 1–3."""
    return len(grid) >= 3 and all(
        row and _canonical(row[0]) == name for row, name in zip(grid, MATRIX_ROWS, strict=False)
    )


def _matrix_table(path: Path, grid: list[list[str]], limits: Limits) -> Table:
    """The template layout as the loader's rows: per course, one row with its title and
    hours, then one row per requirement ticked in its column (a tick ✓ / x / 1, or the
    treatment I, D, M).  Columns headed by :data:`MATRIX_INFO` (kind, texts) are not
    courses; a course column with no title, hours or tick (an unused one) is skipped."""
    _check_cells(path, grid, limits)
    width = max(len(r) for r in grid)
    cell = lambda r, c: grid[r][c].strip() if c < len(grid[r]) else ""  # noqa: E731
    table = Table(str(path), {"requirement": "A (requirement)"}, [])
    for c in range(1, width):
        if _canonical(grid[0][c] if c < len(grid[0]) else "", _INFO_OF) in MATRIX_INFO:
            continue
        ticks = [r for r in range(3, len(grid)) if cell(r, c)]
        course_id, title, hours = cell(0, c), cell(1, c), cell(2, c)
        if not (title or hours or ticks):
            continue
        letter = column_letter(c)
        table.rows.append((2, {"course_id": course_id, "course_title": title, "hours": hours}))
        for column, row in (("course_id", 1), ("course_title", 2), ("hours", 3)):
            table.cells[(2, column, course_id)] = f"{letter}{row} ({column})"
        for r in ticks:
            mark = cell(r, c)
            treatment = "" if unicodedata.normalize("NFKC", mark).casefold() in TICKS else mark
            table.rows.append((r + 1, {"course_id": course_id, "requirement": cell(r, 0),
                                       "treatment": treatment}))  # fmt: skip
            table.cells[(r + 1, "treatment", course_id)] = f"{letter} ({course_id or 'course'})"
    return table


def _missing(name: str, unknown: list[tuple[int, str]]) -> str:
    """Why column ``name`` is missing: what it may be called, and which unknown header of
    the file is probably meant (did you mean …)."""
    from ..names import edit_distance

    text = f"missing column {name} (accepted headers: {accepted_headers(name)})"
    best = None
    for i, header in unknown:
        folded = _fold(header)
        for alias in HEADER_ALIASES[name]:
            d = edit_distance(folded, alias)
            if d <= max(1, len(alias) // 3) and (best is None or d < best[0]):
                best = (d, i, header)
    if best is not None:
        text += f"; column {column_letter(best[1])} is headed {best[2]!r}: did you mean {name}?"
    elif unknown:
        heads = ", ".join(f"{column_letter(i)} {h!r}" for i, h in unknown)
        text += f"; the header has unknown column(s) {heads}"
    return text


def _csv_grid(path: Path, limits: Limits) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CurriculumError([_encoding_issue(path, data, exc)]) from None
    grid: list[list[str]] = []
    old = csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            if len(grid) > limits.max_rows:
                raise _too_big(path, len(grid) + 1, f"more than {limits.max_rows:,} rows; "
                               "that is the limit")  # fmt: skip
            grid.append(cells)
    except csv.Error as exc:
        raise _too_big(path, reader.line_num, f"{exc} (the limit is "
                       f"{limits.max_cell_chars:,} characters per cell)") from None
    finally:
        csv.field_size_limit(old)
    return grid


def _encoding_issue(path: Path, data: bytes, exc: UnicodeDecodeError) -> Issue:
    """Point at the row and column of the first byte that is not UTF-8."""
    start = data.rfind(b"\n", 0, exc.start) + 1
    end = data.find(b"\n", exc.start)
    line = data[start : end if end >= 0 else len(data)]
    row = data[: exc.start].count(b"\n") + 1
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")]), [])
    cells = next(csv.reader([line.decode("utf-8", "replace")]), [])
    column = ""
    for i, cell in enumerate(cells):
        if "\ufffd" in cell:
            name = _canonical(header[i]) if i < len(header) else ""
            column = f"{column_letter(i)} ({name})" if name else column_letter(i)
            break
    bad = data[exc.start : exc.start + 4]
    hint = ""
    try:
        data.decode("gb18030")
        hint = " (it reads as GBK/GB18030: save it as \"CSV UTF-8\")"
    except UnicodeDecodeError:
        hint = " (save it as \"CSV UTF-8\")"
    return Issue(str(path), row, column, "",
                 f"bytes {bad!r} at offset {exc.start} are not UTF-8{hint}")  # fmt: skip


def _check_zip(path: Path, limits: Limits) -> None:
    """An .xlsx is a zip: its declared sizes, checked before any part is inflated."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _too_big(path, 0, f"not a readable .xlsx file ({exc})") from None
    total = sum(p.file_size for p in parts)
    packed = max(1, sum(p.compress_size for p in parts))
    if total > limits.max_unzipped_bytes:
        raise _too_big(path, 0, f"the workbook unpacks to {total:,} bytes; the limit is "
                       f"{limits.max_unzipped_bytes:,}")  # fmt: skip
    worst = max(parts, key=lambda p: p.file_size / max(1, p.compress_size), default=None)
    if worst is not None and (
        worst.file_size > limits.max_zip_ratio * max(1, worst.compress_size) + 2**16
        or total > limits.max_zip_ratio * packed + 2**16
    ):
        ratio = worst.file_size // max(1, worst.compress_size)
        raise _too_big(path, 0, f"part {worst.filename} is compressed {ratio}:1; the limit "
                       f"is {limits.max_zip_ratio}:1 (a zip bomb?)")  # fmt: skip


def _xlsx_grid(path: Path, limits: Limits) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_zip(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        issue = Issue(str(path), 0, "", "", f"not a readable .xlsx file ({exc})")
        raise CurriculumError([issue]) from None
    grid: list[list[str]] = []
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            if len(grid) > limits.max_rows:
                raise _too_big(path, len(grid) + 1, f"more than {limits.max_rows:,} rows; "
                               "that is the limit")  # fmt: skip
            grid.append([_cell_text(v) for v in row[:100]])
    except CurriculumError:
        raise
    except Exception as exc:  # a damaged sheet, found while reading it
        raise _too_big(path, len(grid) + 1, f"not a readable .xlsx file ({exc})") from None
    finally:
        book.close()
    return grid


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: 32.0 → "32", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return f"{Decimal(repr(value)).normalize():f}" if value == value else "NaN"
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)
