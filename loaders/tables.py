"""§3 工作要求: trade-level tables → functions, work contents, skill and knowledge items.

Cells come from :mod:`cells`; here they become a tree in the order the table puts them.
Skill or knowledge is decided by column position and numbering, cross-checked with the
wording: within a work content the skills come first, then the knowledge items, and a page
break starts both columns again.  An item worded as a skill (能…) that sits in the
knowledge run, continuing the knowledge numbering, is kept as knowledge with a finding.
Codes are kept as printed here; :mod:`numbering` normalizes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from skillgraph.model import FindingKind, Function, Requirement, TradeLevel, WorkContent

from .cells import CONTENT, FUNCTION, KNOWLEDGE, SKILL, Cell, TableScan, scan_table, strip_code
from .errors import SourceFormatError
from .names import LEVEL_RANKS
from .source import PAGE_NUMBER, SourceLine

if TYPE_CHECKING:
    from .layout import Layout

TRADE_HEADING = re.compile(r"^3\.(\d+)\s*([\u4e00-\u9fff]\S*?)$")
LEVEL_HEADING = re.compile(r"^3\.(\d+)\.(\d+)\s*([一二三四五]级/\S+)$")
# "3.1  碳排放管理员五级/初级工" (a common level named by the occupation) or "3.1五级/初级工"
COMMON_HEADING = re.compile(r"^3\.(\d+)\s*(\S*?)([一二三四五]级/\S+)$")


@dataclass
class TableRegion:
    trade_name: str | None  # None for the common level
    section: str  # "3.3" of the trade ("3.1" for the common level)
    rank: int
    heading: str
    heading_line: int
    lines: list[SourceLine]


@dataclass
class NodeFinding:
    """A finding about a model node; its path is known only once codes are normalized."""

    kind: FindingKind
    message: str
    line: int
    node: object


@dataclass
class ParsedTables:
    trade_levels: list[TradeLevel]
    trades: list[tuple[str, str, int]]  # (name, section, heading line)
    cell_nodes: list[tuple[Cell, object]] = field(default_factory=list)  # cell -> model node
    furniture: list[tuple[int, str, str]] = field(default_factory=list)
    findings: list[NodeFinding] = field(default_factory=list)


def split_regions(
    lines: list[SourceLine], path: Path, trade_names: set[str]
) -> tuple[list[TableRegion], list]:
    """Cut §3 into one region per trade-level table, by the 3.x / 3.x.y headings.

    A 3.x heading that names no level is a trade when §1 names it; any other such heading
    must be followed by 3.x.y level headings (checked there), so a trade §1 forgot still
    loads and is reported by the profile check.
    """
    regions: list[TableRegion] = []
    trades: list[tuple[str, str, int]] = []
    trade: tuple[str, str, int] | None = None
    current: TableRegion | None = None
    for sl in lines:
        if m := LEVEL_HEADING.match(sl.text):
            if trade is None or m.group(1) != trade[1].split(".")[1]:
                raise SourceFormatError(
                    path, sl.number, f"level heading {sl.text!r} outside a trade"
                )
            current = _region(trade[0], trade[1], m.group(3), sl, path)
            regions.append(current)
        elif (m := COMMON_HEADING.match(sl.text)) and m.group(3).split("/")[0] in LEVEL_RANKS:
            current = _region(None, f"3.{m.group(1)}", m.group(3), sl, path)
            regions.append(current)
            trade = None
        elif (m := TRADE_HEADING.match(sl.text)) and (
            m.group(2) in trade_names or _starts_levels(lines, sl)
        ):
            trade = (m.group(2), f"3.{m.group(1)}", sl.number)
            trades.append(trade)
            current = None
        elif current is not None:
            current.lines.append(sl)
    if not regions:
        raise SourceFormatError(
            path, lines[0].number if lines else 1, "§3 has no trade-level table"
        )
    return regions, trades


def _starts_levels(lines: list[SourceLine], heading: SourceLine) -> bool:
    """Is the next non-blank line a 3.x.y level heading (so this 3.x heading is a trade)?"""
    after = (sl for sl in lines if sl.number > heading.number and sl.text)
    nxt = next(after, None)
    return nxt is not None and bool(LEVEL_HEADING.match(nxt.text))


def _region(trade: str | None, section: str, level: str, sl: SourceLine, path: Path) -> TableRegion:
    rank = LEVEL_RANKS.get(level.split("/")[0])
    if rank is None:
        raise SourceFormatError(path, sl.number, f"unknown skill level {level!r}")
    return TableRegion(trade, section, rank, sl.text, sl.number, [])


@dataclass
class _ContentState:
    node: WorkContent
    page: int = -1  # page of the last item; a new page restarts skill-then-knowledge
    phase: int = SKILL
    last_number: dict[int, int] = field(default_factory=lambda: {SKILL: 0, KNOWLEDGE: 0})


def build_table(
    region: TableRegion, trade_slug: str | None, path: Path, layout: Layout | None = None
) -> ParsedTables:
    """One trade-level's tree from its region, codes as printed.

    Cells come from the layout where the reader saw the table's ruling lines (a PDF), else
    they are joined from the region's lines (:func:`loaders.cells.scan_table`).
    """
    scan = _geometric_scan(region, layout) if layout and layout.cells else scan_table(region.lines)
    tl = TradeLevel(
        trade=trade_slug, rank=region.rank, heading=region.heading, line=region.heading_line
    )
    out = ParsedTables([tl], [], furniture=list(scan.furniture))
    function: Function | None = None
    state: _ContentState | None = None
    for cell in scan.cells:
        if cell.column == FUNCTION:
            function = Function(
                cell.printed_code, strip_code(cell.text, cell.printed_code), cell.line
            )
            tl.functions.append(function)
            out.cell_nodes.append((cell, function))
            state = None
        elif cell.column == CONTENT:
            if function is None:
                raise SourceFormatError(path, cell.line, "work content before any function")
            wc = WorkContent(cell.printed_code, strip_code(cell.text, cell.printed_code), cell.line)
            function.contents.append(wc)
            out.cell_nodes.append((cell, wc))
            state = _ContentState(wc)
        else:
            if state is None:
                raise SourceFormatError(path, cell.line, "requirement before any work content")
            req = _requirement(cell, state, out.findings)
            out.cell_nodes.append((cell, req))
    for cell, node in out.cell_nodes:
        node.lines = sorted({p.line for p in cell.pieces})  # type: ignore[attr-defined]
    return out


def _geometric_scan(region: TableRegion, layout: Layout) -> TableScan:
    """The layout's cells in this region; every other line of it is furniture with a reason."""
    numbers = [sl.number for sl in region.lines]
    if not numbers:
        return TableScan()
    cells = layout.cells_between(numbers[0], numbers[-1])
    held = {p.line for c in cells for p in c.pieces}
    furniture = [
        (sl.number, sl.text, layout.furniture.get(sl.number) or _why_not_content(sl.text))
        for sl in region.lines
        if sl.text and sl.number not in held
    ]
    return TableScan(cells=cells, furniture=furniture)


def _why_not_content(text: str) -> str:
    return "page number" if PAGE_NUMBER.match(text) else "text outside the table's cells"


def _requirement(cell: Cell, state: _ContentState, findings: list[NodeFinding]) -> Requirement:
    text = strip_code(cell.text, cell.printed_code)
    number = _last_number(cell.printed_code, cell.malformed)
    if cell.page != state.page:
        state.page, state.phase = cell.page, SKILL
    worded_as_skill = text.startswith("能")
    if cell.from_geometry:  # the ruling lines say which column; the wording is only checked
        column = cell.column
    elif not worded_as_skill:
        column = KNOWLEDGE
    elif state.phase == SKILL:
        column = SKILL
    elif number == state.last_number[KNOWLEDGE] + 1 and number <= state.last_number[SKILL]:
        # in the knowledge run and continuing its numbering: the column says knowledge
        column = KNOWLEDGE
    else:
        column = SKILL
    contradicts = worded_as_skill and column == KNOWLEDGE
    state.phase = column
    state.last_number[column] = max(state.last_number[column], number)
    kind = "skill" if column == SKILL else "knowledge"
    req = Requirement(kind, cell.printed_code, text, cell.line)
    if contradicts:
        findings.append(
            NodeFinding(
                FindingKind.WORDING_CONTRADICTS_COLUMN,
                f"相关知识要求 {cell.printed_code} 以“能”开头，措辞像技能要求 / knowledge item "
                f"{cell.printed_code} is worded as a skill (begins with 能) but stands in the "
                "knowledge column and continues its numbering",
                cell.line,
                req,
            )
        )
    (state.node.skills if column == SKILL else state.node.knowledge).append(req)
    return req


def _last_number(code: str, malformed: bool) -> int:
    if not code:
        return 0  # an unnumbered item (numbering reports it)
    tail = code.split(".")[-1]
    if malformed and len(tail) > 1:
        tail = tail[1:]
    return int(tail)
