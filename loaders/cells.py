"""Reassembling table cells from PDF-extracted lines (§3 of a standard).

A §3 table has four columns: function, work content, skill, knowledge.  The extraction
prints one cell after another, each broken into short lines; a trailing space usually
closes a cell; a page break restarts every column, so the rest of a function name or a
knowledge item can come after other cells, and one line can hold the end of one cell
and the start of the next (``案 1.2制定统``).

We therefore never trust line order alone.  A coded line starts a cell, its column told by
the depth of the code and the line's width; an uncoded fragment continues the open cell
that can hold it — on a fresh page, the leftmost such column first, as the extraction
re-emits the columns left to right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .source import PAGE_NUMBER, SourceLine, display_width

FUNCTION, CONTENT, SKILL, KNOWLEDGE = 0, 1, 2, 3
COLUMN_NAMES = {
    FUNCTION: "function",
    CONTENT: "work content",
    SKILL: "skill",
    KNOWLEDGE: "knowledge",
}

# Widest line (half-width cells) each column's text can have; a wider fragment belongs to
# a wider column.  Measured on the 24 tables: function ≤ 6, work content ≤ 10,
# requirements ≤ 30.
MAX_WIDTH = {FUNCTION: 8, CONTENT: 14, SKILL: 34, KNOWLEDGE: 34}

CODE3 = re.compile(r"^(\d+\.\d+\.\d+)\s*(\S.*)$")
CODE2 = re.compile(r"^(\d+\.\d+)(?![\d.])\s*(\S.*)$")
CODE1 = re.compile(r"^(\d+)\.(?!\d)\s*(\S.*)$")
EMBEDDED = re.compile(r"^(\S+?)\s+(\d+\.\d+(?:\.\d+)?\s*[^\d\s.～~].*)$")
HEADER_WORDS = {"职业", "功能", "职业功", "能", "职业功能", "工作内容 技能要求 相关知识要求"}


@dataclass
class Piece:
    """A line, or the part of a line, that belongs to one cell."""

    line: int
    text: str


@dataclass
class Cell:
    column: int  # FUNCTION / CONTENT / SKILL / KNOWLEDGE (requirement columns provisional)
    printed_code: str
    pieces: list[Piece]
    page: int
    open: bool = True
    malformed: bool = False  # a two-part code printed where a three-part one belongs
    from_geometry: bool = False  # column read from the page's ruling lines, not guessed

    @property
    def text(self) -> str:
        return join_text([p.text for p in self.pieces])

    @property
    def line(self) -> int:
        return self.pieces[0].line


@dataclass
class TableScan:
    """The cells of one trade-level table, in the order they start, and its leftovers."""

    cells: list[Cell] = field(default_factory=list)
    furniture: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)


def join_text(parts: list[str]) -> str:
    """Join wrapped Chinese text: no space at line breaks, none around CJK characters."""
    text = "".join(parts)
    # spaces next to a CJK character or full-width punctuation are typesetting, not words
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def strip_code(text: str, code: str) -> str:
    return text[len(code) :].lstrip(" .")


def _split_embedded(text: str) -> list[str]:
    """Split ``案 1.2制定统`` into the end of one cell and the start of the next."""
    if CODE1.match(text) or CODE2.match(text) or CODE3.match(text):
        return [text]
    m = EMBEDDED.match(text)
    if m and display_width(m.group(1)) <= MAX_WIDTH[FUNCTION]:
        return [m.group(1), m.group(2)]
    return [text]


def _start(text: str) -> tuple[int, str, bool] | None:
    """Column, printed code and malformed flag of a piece that starts a cell, else None."""
    if m := CODE3.match(text):
        body = m.group(2)
        return (SKILL if body.startswith("能") else KNOWLEDGE), m.group(1), False
    if m := CODE2.match(text):
        if display_width(text) <= MAX_WIDTH[CONTENT]:
            return CONTENT, m.group(1), False
        # too wide for the work-content column: a requirement whose code lost a dot (2.13)
        body = m.group(2)
        return (SKILL if body.startswith("能") else KNOWLEDGE), m.group(1), True
    if m := CODE1.match(text):
        return FUNCTION, m.group(1), False
    return None


def scan_table(lines: list[SourceLine]) -> TableScan:
    """Cells of one table, from the line after its heading to the line before the next."""
    scan = TableScan()
    page = 0
    page_col = FUNCTION  # rightmost column reached on the current page
    last: Cell | None = None
    in_header = True
    for sl in lines:
        if not sl.text:
            continue
        if sl.page_break:
            page += 1
            page_col = FUNCTION
        if PAGE_NUMBER.match(sl.text):
            scan.furniture.append((sl.number, sl.text, "page number"))
            continue
        if in_header and sl.text in HEADER_WORDS:
            scan.furniture.append((sl.number, sl.text, "table header"))
            continue
        pieces = _split_embedded(sl.text)
        for i, text in enumerate(pieces):
            closes = sl.closes_cell or i < len(pieces) - 1
            started = _start(text)
            if started:
                in_header = False
                column, code, malformed = started
                for cell in scan.cells:
                    if cell.open and cell.column == column:
                        cell.open = False
                last = Cell(column, code, [Piece(sl.number, text)], page, malformed=malformed)
                scan.cells.append(last)
            else:
                target = _continuation_target(scan.cells, last, text, page_col) or last
                if target is None:
                    scan.furniture.append((sl.number, sl.text, "text before the first cell"))
                    continue
                target.pieces.append(Piece(sl.number, text))
                last = target
            last.open = not closes
            page_col = max(page_col, last.column)
    return scan


def _continuation_target(
    cells: list[Cell], last: Cell | None, text: str, page_col: int
) -> Cell | None:
    """The open cell an uncoded fragment continues.

    The cell just written, if still open and wide enough; otherwise (a page break or a
    cell closed early) the leftmost open column not left of where this page has got to.
    """
    width = display_width(text)
    if last is not None and last.open and width <= MAX_WIDTH[last.column]:
        return last
    candidates = [c for c in cells if c.open and width <= MAX_WIDTH[c.column]]
    if not candidates:
        return None
    right = [c for c in candidates if c.column >= page_col] or candidates
    return min(right, key=lambda c: (c.column, -cells.index(c)))
