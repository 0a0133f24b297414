"""§4 权重表: theory and skill exam weights per trade and level.

Each table is a header (技能等级 / 项目 / one column per level, printed over two lines
such as ``四级/`` ``中级工`` ``（%）``), row-group labels (基本要求, 相关知识要求,
技能要求, each broken over two lines) and rows ``label v v v v`` where a long label can
wrap and leave its values alone on the next line.  ``—`` means not assessed at that level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from skillgraph.model import Weight

from .errors import SourceFormatError
from .names import LEVEL_RANKS
from .source import PAGE_NUMBER, SourceLine

SECTION = re.compile(r"^4\.(\d+)\s+(\S+)$")
# "4.1.1 理论知识权重表" under a trade's 4.1, or "4.1理论知识权重表" (tables not split by trade)
TABLE = re.compile(r"^4\.(\d+)(?:\.(\d+))?\s*(理论知识|技能要求)权重表$")
LEVEL_HEAD = re.compile(r"^([一二三四五]级)/$")
VALUE = re.compile(r"^(\d+|—+|-+)$")
GROUPS = {"基本要求": None, "相关知识要求": "function", "技能要求": "function"}
HEADER_WORDS = {"技能等级", "项目", "（%）", "(%)"}
BASIC_ROWS = {"职业道德": "ethics", "基础知识": "base-knowledge"}
TOTAL = "合计"


@dataclass
class WeightTable:
    trade_name: str | None  # None = the occupation's common level table
    exam: str  # "theory" | "skill"
    line: int
    ranks: list[int] = field(default_factory=list)
    weights: dict[int, list[Weight]] = field(default_factory=dict)  # rank -> cells
    totals: dict[int, tuple[int, int]] = field(default_factory=dict)  # rank -> (printed, line)


@dataclass
class ParsedWeights:
    tables: list[WeightTable]
    line_owner: dict[int, list[tuple[WeightTable, int | None, Weight | None]]]
    furniture: list[tuple[int, str, str]]


def parse_weights(lines: list[SourceLine], occupation_name: str, path: Path) -> ParsedWeights:
    tables: list[WeightTable] = []
    owner: dict[int, list] = {}
    furniture: list[tuple[int, str, str]] = []
    section_trade: str | None = None
    table: WeightTable | None = None
    pending: list[SourceLine] = []  # label lines waiting for their values
    level_open = False
    for sl in lines:
        if not sl.text:
            continue
        if PAGE_NUMBER.match(sl.text):
            furniture.append((sl.number, sl.text, "page number"))
            continue
        if m := SECTION.match(sl.text):
            name = m.group(2)
            section_trade = None if name.startswith(occupation_name + "（") else name
            furniture.append((sl.number, sl.text, "weight section heading"))
            table = None
            continue
        if m := TABLE.match(sl.text):
            exam = "theory" if m.group(3) == "理论知识" else "skill"
            table = WeightTable(section_trade, exam, sl.number)
            tables.append(table)
            furniture.append((sl.number, sl.text, "weight table heading"))
            pending, level_open = [], False
            continue
        if table is None:
            furniture.append((sl.number, sl.text, "text outside a weight table"))
            continue
        if m := LEVEL_HEAD.match(sl.text):
            table.ranks.append(LEVEL_RANKS[m.group(1)])
            level_open = True
            furniture.append((sl.number, sl.text, "weight table header"))
            continue
        if sl.text in HEADER_WORDS or (level_open and _is_level_title(sl.text)):
            level_open = level_open and sl.text not in HEADER_WORDS
            furniture.append((sl.number, sl.text, "weight table header"))
            continue
        level_open = False
        label, values = _split_row(sl.text)
        if not values:
            pending.append(sl)
            if "".join(p.text for p in pending) in GROUPS:
                furniture.extend((p.number, p.text, "weight row group") for p in pending)
                pending = []
            continue
        label_lines = [*pending, sl] if label else pending
        full_label = "".join(p.text for p in pending) + label
        pending = []
        if len(values) != len(table.ranks):
            raise SourceFormatError(
                path,
                sl.number,
                f"weight row {full_label!r} has {len(values)} values for "
                f"{len(table.ranks)} level columns",
            )
        if full_label == TOTAL:
            for rank, value in zip(table.ranks, values, strict=True):
                table.totals[rank] = (_percent(value) or 0, sl.number)
            for p in {*(p.number for p in label_lines), sl.number}:  # 合计 may wrap alone
                owner.setdefault(p, []).append((table, None, None))
            continue
        category = BASIC_ROWS.get(full_label, "function")
        for rank, value in zip(table.ranks, values, strict=True):
            w = Weight(table.exam, full_label, category, _percent(value), sl.number)
            table.weights.setdefault(rank, []).append(w)
            owner.setdefault(sl.number, []).append((table, rank, w))
        for p in label_lines:
            if p.number != sl.number:
                owner.setdefault(p.number, []).extend(
                    (table, rank, w) for rank in table.ranks for w in table.weights[rank][-1:]
                )
    for sl in pending:
        furniture.append((sl.number, sl.text, "unrecognized text in a weight table"))
    return ParsedWeights(tables, owner, furniture)


def _is_level_title(text: str) -> bool:
    return text in {"初级工", "中级工", "高级工", "技师", "高级技师"}


def _split_row(text: str) -> tuple[str, list[str]]:
    tokens = text.split()
    values: list[str] = []
    while tokens and VALUE.match(tokens[-1]):
        values.insert(0, tokens.pop())
    return "".join(tokens), values


def _percent(value: str) -> int | None:
    return int(value) if value.isdigit() else None
