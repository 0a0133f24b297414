"""Parse §1 职业概况 and §2 基本要求 of a national occupational skill standard.

The PDF extraction interleaves footnote bodies with the running text at page ends, so the
text is first split into two streams (body paragraphs, footnotes) and only then read
section by section.  Signals used (the layout's line form: loaders/layout.py):

* a trailing space ends a paragraph;
* a line starting with a space right after a non-blank line starts a new page;
* a lone number line followed by a space-led line starts a footnote body; any other lone
  number line is a footnote marker inside the sentence being read;
* a whitespace-only line while a footnote is still open (its text does not end in 。)
  starts that footnote's continuation on the next page's foot.

Every non-blank line ends in the returned line map; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from skillgraph.model import (
    BasicGroup,
    EligibilityRoute,
    Finding,
    FindingKind,
    Level,
    NodeKind,
    NodeRef,
    Profile,
    TextItem,
    Trade,
)

from .errors import SourceFormatError
from .names import LEVEL_NAMES

__all__ = ["footnote_references", "parse_profile"]

REF = "#footnote/"  # Profile.lines key "<item key>#footnote/<n>" -> line of the marker

_PAGE_NUMBER = re.compile(r"[—–-]\s*\d+\s*[—–-]")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_MARKER = re.compile(rf"\d{{1,2}}|[{_CIRCLED}]")
# "1.1 职业名称", "1.职业概况", "1.9.2鉴定方式": a code, then a name starting with a CJK character
_HEADING = re.compile(r"(\d+(?:\.\d+)*)\.?\s*([\u4e00-\u9fff][^\s。；，]*)")
_END_OF_PART = re.compile(r"3\.?\s*工作要求")
_NUMERAL = "〇一二三四五六七八九"
_LEVEL = re.compile(r"([一二三四五])级/(高级技师|初级工|中级工|高级工|技师)")
_GRADES = re.compile(
    r"(?P<subject>.+?)(?:等\s*(?P<trades>[\d一二两三四五六七八九十]+)\s*个工种)?"
    r"共设(?P<count>[\d一二两三四五六七八九十]+)个等级，分别为：(?P<levels>[^。]*)。(?P<rest>.*)",
    re.S,
)
_TRADE_LIST = re.compile(
    r"本职业包含(?P<names>.+?)等?\s*(?P<count>[\d一二两三四五六七八九十]+)\s*个工种"
)
_GREEN = re.compile(r"“(?P<mark>[A-Za-z])”为绿色职业标识")
_HOURS = re.compile(r"(\d+)\s*标准学时")
_ROUTE_HEADER = re.compile(r"具备以下条件(?P<any>之一)?者，可申报(?P<level>.+?)\s*[：:]")
_NUMBERED = re.compile(r"[（(](?P<n>\d+)[）)]\s*(?P<text>.*)", re.S)
_PASS_MARK = re.compile(r"(\d+)\s*分\s*[（(]含[）)]\s*以上者?为合格")
_SUB_PART = re.compile(r"对于(?P<kind>.+?)是指：")
_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}")

_ANY_KNOWLEDGE = r".+知识"
_EXPECTED: tuple[tuple[str, str], ...] = (
    ("1", "职业概况"),
    ("1.1", "职业名称"),
    ("1.2", "职业编码"),
    ("1.3", "职业定义"),
    ("1.4", "职业技能等级"),
    ("1.5", "职业环境条件"),
    ("1.6", "职业能力特征"),
    ("1.7", "普通受教育程度"),
    ("1.8", "培训参考学时"),
    ("1.9", "职业技能鉴定要求"),
    ("1.9.1", "申报条件"),
    ("1.9.2", "(?:评价|鉴定)方式"),  # 鉴定 in the editions before 2019's template
    ("1.9.3", "监考人员、考评人员与考生配比"),
    ("1.9.4", "(?:评价|鉴定)时间"),
    ("1.9.5", "(?:评价|鉴定)场所设备"),
    ("2", "基本要求"),
    ("2.1", "职业道德"),
    ("2.1.1", "职业道德基本知识"),
    ("2.1.2", "职业守则"),
    ("2.2", "基础知识"),
)
# then 2.2.1 … 2.2.n: occupation-specific groups, all named "…知识" (at least one)
_KNOWLEDGE_GROUPS = "2.2"
_NO_TEXT = {"1", "1.9", "2", "2.1", "2.2"}  # headings directly followed by sub-headings

_SCHOOL_SLUG = {
    "技工院校": "technical-school",
    "中等职业学校": "secondary-vocational-school",
    "高等职业学校": "higher-vocational-school",
    "普通高等学校": "university",
}


# ---------------------------------------------------------------- paragraphs and streams


@dataclass
class _Para:
    """A paragraph as read: its text pieces with their lines, and footnote markers in it."""

    chunks: list[tuple[int, str]] = field(default_factory=list)
    refs: list[tuple[int, int]] = field(default_factory=list)  # (footnote number, marker line)
    closed: bool = False
    key: str = ""

    @property
    def line(self) -> int:
        return self.chunks[0][0]

    @property
    def text(self) -> str:
        return _join(self.chunks)[0]

    def line_at(self, offset: int) -> int:
        """Source line holding character ``offset`` of the joined text."""
        starts = _join(self.chunks)[1]
        line = self.chunks[0][0]
        for (no, _), start in zip(self.chunks, starts, strict=True):
            if start <= offset:
                line = no
        return line


@dataclass
class _Footnote:
    number: int
    marker_line: int
    paras: list[_Para] = field(default_factory=list)


def marker_number(text: str) -> int:
    """A footnote marker's number: ``2`` or ``②``."""
    text = text.strip()
    return _CIRCLED.index(text) + 1 if text in _CIRCLED else int(text)


def _join(chunks: Iterable[tuple[int, str]]) -> tuple[str, list[int]]:
    """Join line pieces of Chinese text: no separator, except between two Latin words."""
    text, starts = "", []
    for _, piece in chunks:
        if (
            text
            and text[-1].isascii()
            and text[-1].isalnum()
            and piece[:1].isascii()
            and piece[:1].isalnum()
        ):
            text += " "
        starts.append(len(text))
        text += piece
    return text, starts


def _merge(paras: list[_Para]) -> _Para:
    """One paragraph holding the text of several (for fields printed as one sentence)."""
    return _Para(
        chunks=[c for p in paras for c in p.chunks], refs=[r for p in paras for r in p.refs]
    )


def _add_line(paras: list[_Para], no: int, raw: str) -> None:
    if not paras or paras[-1].closed:
        paras.append(_Para())
    paras[-1].chunks.append((no, raw.strip()))
    paras[-1].closed = raw != raw.rstrip()


class _Splitter:
    """Separates body paragraphs from footnote bodies interleaved at page ends."""

    def __init__(self, lines: list[str], end: int, source: str) -> None:
        self.lines = [raw.rstrip("\r") for raw in lines[:end]]
        self.source = source
        self.body: list[_Para] = []
        self.footnotes: list[_Footnote] = []
        self.ignored: dict[int, str] = {}
        self.in_foot = False
        self.after_number = False

    def run(self) -> tuple[list[_Para], list[_Footnote], dict[int, str]]:
        for i in range(len(self.lines)):
            self._take(i)
        return self.body, self.footnotes, self.ignored

    def _take(self, i: int) -> None:
        raw, no = self.lines[i], i + 1
        text = raw.strip()
        if not text:
            if raw and not self.in_foot and self._continues_footnote(i):
                self.in_foot = True
            return
        if _PAGE_NUMBER.fullmatch(text):
            self.ignored[no] = "ignored/page-number"
            return
        if self._starts_footnote(i):
            self.footnotes.append(_Footnote(marker_number(text), no))
            self.in_foot, self.after_number = True, True
            return
        if self.in_foot and not self.after_number and self._page_break(i):
            self.in_foot = False
        self.after_number = False
        if not self.in_foot and _MARKER.fullmatch(raw):
            self._attach_marker(marker_number(raw), no)
            return
        _add_line(self.footnotes[-1].paras if self.in_foot else self.body, no, raw)

    def _starts_footnote(self, i: int) -> bool:
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else ""
        return bool(_MARKER.fullmatch(self.lines[i])) and nxt[:1] == " " and bool(nxt.strip())

    def _page_break(self, i: int) -> bool:
        return self.lines[i][:1] == " " and i > 0 and bool(self.lines[i - 1].strip())

    def _continues_footnote(self, i: int) -> bool:
        """A separator line while the last footnote is unfinished: its text goes on here."""
        if not self.footnotes or not self.footnotes[-1].paras:
            return False
        if self.footnotes[-1].paras[-1].text.endswith("。"):
            return False
        j = next((k for k in range(i + 1, len(self.lines)) if self.lines[k].strip()), None)
        if j is None:
            return False
        nxt = self.lines[j]
        return not (self._starts_footnote(j) or nxt[:1] == " " or _HEADING.fullmatch(nxt.strip()))

    def _attach_marker(self, number: int, no: int) -> None:
        if not self.body:
            raise SourceFormatError(self.source, no, f"footnote marker {number} before any text")
        self.body[-1].refs.append((number, no))


# ---------------------------------------------------------------- headings and sections


@dataclass
class _Section:
    code: str
    name: str
    line: int
    paras: list[_Para] = field(default_factory=list)


def _part_end(lines: list[str], source: str) -> int:
    """Index of the §3 heading: §1–§2 are the lines before it."""
    for i, raw in enumerate(lines):
        if _END_OF_PART.fullmatch(raw.strip()):
            return i
    raise SourceFormatError(source, len(lines), "missing heading 3 工作要求 that ends §2")


def _sections(body: list[_Para], source: str, end_line: int) -> dict[str, _Section]:
    """Group body paragraphs under the expected headings, failing on a missing one."""
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    for para in body:
        heading = _HEADING.fullmatch(para.text)
        if heading:
            code, name = heading.groups()
            _check_heading(len(sections), code, name, para.line, source)
            current = sections[code] = _Section(code, name, para.line)
            para.key = "ignored/heading"
        elif current is None:
            para.key = "ignored/title"
        else:
            current.paras.append(para)
    if len(sections) < len(_EXPECTED):
        code, name = _EXPECTED[len(sections)]
        raise SourceFormatError(source, end_line, f"missing heading {code} {name}")
    if len(sections) == len(_EXPECTED):
        raise SourceFormatError(source, end_line, f"missing heading {_KNOWLEDGE_GROUPS}.1 …知识")
    return sections


def _check_heading(index: int, code: str, name: str, line: int, source: str) -> None:
    if index >= len(_EXPECTED):
        want_code = f"{_KNOWLEDGE_GROUPS}.{index - len(_EXPECTED) + 1}"
        if code != want_code or not re.fullmatch(_ANY_KNOWLEDGE, name):
            raise SourceFormatError(
                source, line, f"unexpected heading {code} {name} (expected {want_code} …知识)"
            )
        return
    want_code, want_name = _EXPECTED[index]
    if code != want_code:
        raise SourceFormatError(
            source, line, f"missing heading {want_code} {want_name} (found {code} {name})"
        )
    if not re.fullmatch(want_name, name):
        raise SourceFormatError(
            source, line, f"heading {code} should read {want_name}, found {name}"
        )


def _text_of(section: _Section, key: str, source: str) -> _Para:
    """The whole text under a heading, as one paragraph; every paragraph gets ``key``."""
    if not section.paras:
        raise SourceFormatError(
            source, section.line, f"no text under {section.code} {section.name}"
        )
    for para in section.paras:
        para.key = key
    return _merge(section.paras)


# ---------------------------------------------------------------- small readers


def _cn_int(text: str) -> int:
    """Chinese or Arabic numeral up to 99 (五 → 5, 两 → 2, 十二 → 12, 6 → 6)."""
    if text.isdigit():
        return int(text)
    text = text.replace("两", "二")
    if "十" not in text:
        return _NUMERAL.index(text)
    tens, _, units = text.partition("十")
    return (_NUMERAL.index(tens) if tens else 1) * 10 + (_NUMERAL.index(units) if units else 0)


def _level_name(match: re.Match[str]) -> str:
    return f"{match[1]}级/{match[2]}"


def _rank(match: re.Match[str]) -> int:
    return _NUMERAL.index(match[1])


def _finding(kind: FindingKind, zh: str, en: str, line: int, target: NodeRef) -> Finding:
    return Finding(kind=kind, message=f"{zh} / {en}", line=line, target=target)


def _footnote_items(footnotes: list[_Footnote]) -> list[TextItem]:
    """One item per footnote; 对于…是指： paragraphs become their own sub-items."""
    items: list[TextItem] = []
    for note in footnotes:
        base = f"footnote/{note.number}"
        current: TextItem | None = None
        for para in note.paras:
            part = _SUB_PART.match(para.text)
            if part or current is None:
                key = base
                if part:
                    key = f"{base}/{_SCHOOL_SLUG.get(part['kind'], part['kind'])}"
                code = None if part else str(note.number)
                current = TextItem(key=key, text=para.text, line=para.line, code=code)
                items.append(current)
            else:
                current.text += para.text
            para.key = current.key
    return items


# ---------------------------------------------------------------- §1 fields


@dataclass
class _Ctx:
    source: str
    findings: list[Finding] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)


def _name(section: _Section, footnotes: list[TextItem], ctx: _Ctx) -> tuple[str, bool]:
    """Occupation name without its green mark; green only where a footnote explains it."""
    para = _text_of(section, "profile/name", ctx.source)
    name, mark = para.text, None
    tail = re.fullmatch(r"(?P<name>.+?)\s+(?P<mark>[A-Za-z])", name)
    if tail:
        name, mark = tail["name"], tail["mark"]
    explained = {m["mark"] for item in footnotes for m in _GREEN.finditer(item.text)}
    for number, line in para.refs:
        ctx.lines[f"profile/name{REF}{number}"] = line
    ctx.lines["name"] = para.line
    if mark:
        ctx.lines["green"] = para.line
    return name, mark is not None and mark in explained


def _code(section: _Section, ctx: _Ctx) -> str:
    para = _text_of(section, "profile/code", ctx.source)
    if not _CODE.fullmatch(para.text):
        raise SourceFormatError(ctx.source, para.line, f"not an occupation code: {para.text}")
    ctx.lines["code"] = para.line
    return para.text


def _field(section: _Section, name: str, ctx: _Ctx) -> str:
    """A one-sentence profile field (definition, environment …), joined across lines."""
    para = _text_of(section, "profile/" + name.replace("_", "-"), ctx.source)
    ctx.lines[name] = para.line
    return para.text


# ---------------------------------------------------------------- §1.4 levels and trades


def _grades(section: _Section, ctx: _Ctx) -> tuple[list[Level], list[Trade]]:
    """Levels from the 本职业共设… sentence; trades from the …等N个工种共设… sentences."""
    levels: list[Level] = []
    trades: list[Trade] = []
    for para in section.paras:
        match = _GRADES.fullmatch(para.text)
        if not match:
            raise SourceFormatError(ctx.source, para.line, f"cannot read the sentence {para.text}")
        topic = "levels" if match["subject"] == "本职业" else "trades"
        para.key = f"profile/{topic}"
        _check_count(match, "count", len(_LEVEL.findall(match["levels"])), para, topic, ctx)
        if match["subject"] == "本职业":
            ctx.lines.setdefault("levels", para.line)
            levels += [
                Level(_rank(m), _level_name(m), LEVEL_NAMES[_rank(m)][1])
                for m in _LEVEL.finditer(match["levels"])
            ]
        else:
            ctx.lines.setdefault("trades", para.line)
            trades += _trades_of(match, para, ctx)
    if not levels:
        raise SourceFormatError(ctx.source, section.line, "no 本职业共设…个等级 sentence in 1.4")
    for position, trade in enumerate(trades, 1):
        trade.slug = f"trade-{position}"  # by position; the names file gives the real slugs
    return levels, trades


def _definition(section: _Section, ctx: _Ctx) -> tuple[str, list[_Para]]:
    """1.3's definition, and its 本职业包含X、Y两个工种 sentence if it has one.

    That sentence names trades whose tables are not split by trade: the occupation's
    levels are theirs too (see :func:`_listed_trades`).
    """
    listed = [p for p in section.paras if _TRADE_LIST.match(p.text)]
    rest = _Section(section.code, section.name, section.line,
                    [p for p in section.paras if p not in listed])
    text = _field(rest, "definition", ctx)
    for para in listed:
        para.key = "profile/trades"
    return text, listed


def _listed_trades(listed: list[_Para], levels: list[Level], ctx: _Ctx) -> list[Trade]:
    trades: list[Trade] = []
    for para in listed:
        match = _TRADE_LIST.match(para.text)
        assert match is not None
        names = match["names"].split("、")
        stated = _cn_int(match["count"])
        if stated != len(names):
            ctx.findings.append(
                _finding(
                    FindingKind.PROFILE_CONTRADICTION,
                    f"句中称{match['count']}个工种，却列出{len(names)}个",
                    f"the sentence states {stated} trades but lists {len(names)}",
                    para.line,
                    NodeRef(NodeKind.PROFILE, "trades"),
                )
            )
        ctx.lines.setdefault("trades", para.line)
        offset = match.start("names")
        for name in names:
            slug = f"trade-{len(trades) + 1}"
            ranks = [lv.rank for lv in levels]
            trades.append(Trade(slug, name, "", ranks, "", para.line_at(offset)))
            offset += len(name) + 1
    return trades


def _trades_of(match: re.Match[str], para: _Para, ctx: _Ctx) -> list[Trade]:
    names = match["subject"].split("、")
    if match["trades"]:
        _check_count(match, "trades", len(names), para, "trades", ctx)
    common = {
        _rank(m)
        for s in match["rest"].split("。")
        if "不分工种" in s
        for m in _LEVEL.finditer(s.split("不分工种")[0])
    }
    ranks = [r for r in (_rank(m) for m in _LEVEL.finditer(match["levels"])) if r not in common]
    trades, offset = [], match.start("subject")
    for name in names:
        # slugs and English names come from the standard's names file (the interpreter)
        slug = f"trade-{len(trades) + 1}"
        trades.append(Trade(slug, name, "", list(ranks), "", para.line_at(offset)))
        offset += len(name) + 1
    return trades


def _check_count(
    match: re.Match[str], group: str, listed: int, para: _Para, topic: str, ctx: _Ctx
) -> None:
    """A stated count (五个等级, 五个工种) must equal the number of names listed after it."""
    stated = _cn_int(match[group])
    if stated != listed:
        what = ("等级", "levels") if group == "count" else ("工种", "trades")
        ctx.findings.append(
            _finding(
                FindingKind.PROFILE_CONTRADICTION,
                f"句中称{match[group]}个{what[0]}，却列出{listed}个",
                f"the sentence states {stated} {what[1]} but lists {listed}",
                para.line_at(match.start(group)),
                NodeRef(NodeKind.PROFILE, topic),
            )
        )


def _check_trade_footnote(trades: list[Trade], footnotes: list[TextItem], ctx: _Ctx) -> None:
    """The footnote listing the trades must agree with §1.4 on their names and number."""
    for item in footnotes:
        match = _TRADE_LIST.search(item.text)
        if not match:
            continue
        listed = match["names"].split("、")
        stated = _cn_int(match["count"])
        in_text = {t.name for t in trades}
        if set(listed) != in_text or stated != len(listed) or stated != len(trades):
            ctx.findings.append(
                _finding(
                    FindingKind.PROFILE_CONTRADICTION,
                    f"脚注{item.key.split('/')[1]}称{stated}个工种（{'、'.join(listed)}），"
                    f"1.4节列出{len(trades)}个（{'、'.join(t.name for t in trades)}）",
                    f"{item.key} states {stated} trades ({len(listed)} named) but §1.4 "
                    f"defines {len(trades)}",
                    item.line,
                    NodeRef(NodeKind.PROFILE, "trades"),
                )
            )


# ---------------------------------------------------------------- §1.8 training hours


def _training_hours(
    section: _Section, levels: list[Level], ctx: _Ctx
) -> tuple[dict[int, int], str]:
    """Hours per rank, read clause by clause; a level stated twice is a finding."""
    para = _text_of(section, "profile/training-hours", ctx.source)
    text, hours, seen = para.text, {}, {}
    names = {lv.rank: lv.name for lv in levels}
    for clause in re.finditer(r"[^；;。]+", text):
        value = _HOURS.search(clause[0])
        for mention in _LEVEL.finditer(clause[0]) if value else ():
            rank, line = _rank(mention), para.line_at(clause.start() + mention.start())
            if rank in hours:
                _hours_twice(
                    names.get(rank, _level_name(mention)),
                    seen[rank],
                    line,
                    (hours[rank], int(value[1])),
                    ctx,
                )
            else:
                hours[rank], seen[rank] = int(value[1]), line
    for rank, name in names.items():
        if rank not in hours:
            ctx.findings.append(
                _finding(
                    FindingKind.PROFILE_CONTRADICTION,
                    f"培训参考学时未给出{name}的学时",
                    f"the training-hours sentence gives no hours for {name}",
                    para.line,
                    NodeRef(NodeKind.PROFILE, "training-hours"),
                )
            )
    ctx.lines["training_hours"] = ctx.lines["training_hours_text"] = para.line
    return hours, text


def _hours_twice(name: str, first: int, line: int, values: tuple[int, int], ctx: _Ctx) -> None:
    ctx.findings.append(
        _finding(
            FindingKind.PROFILE_CONTRADICTION,
            f"培训参考学时一句两次给出{name}的学时（第{first}行、第{line}行）",
            f"the training-hours sentence states {name} twice (lines {first} and {line})",
            line,
            NodeRef(NodeKind.PROFILE, "training-hours"),
        )
    )
    if values[0] != values[1]:
        ctx.findings.append(
            _finding(
                FindingKind.PROFILE_CONTRADICTION,
                f"培训参考学时对{name}给出不同学时：{values[0]}与{values[1]}",
                f"the training-hours sentence gives {name} two different values: "
                f"{values[0]} and {values[1]} hours",
                line,
                NodeRef(NodeKind.PROFILE, "training-hours"),
            )
        )


# ---------------------------------------------------------------- §1.9.1 eligibility


def _eligibility(section: _Section, levels: list[Level], ctx: _Ctx) -> list[EligibilityRoute]:
    """Routes per 具备以下条件(之一)者，可申报X block; a single unnumbered one is route 1."""
    routes: list[EligibilityRoute] = []
    rank, any_of, expected = 0, False, 1
    for para in section.paras:
        header = _ROUTE_HEADER.fullmatch(para.text)
        if header:
            rank, any_of, expected = _route_rank(header, para, ctx), bool(header["any"]), 1
            para.key = f"eligibility/{rank}"
            ctx.lines.setdefault("eligibility", para.line)
            continue
        if not rank:
            raise SourceFormatError(ctx.source, para.line, "condition before any 可申报… line")
        number, text = _numbered(
            para, expected, any_of, NodeRef(NodeKind.LEVEL_ELIGIBILITY, rank=rank), ctx
        )
        expected = number + 1
        para.key = f"eligibility/{rank}/{number}"
        routes.append(EligibilityRoute(rank=rank, number=number, text=text, line=para.line))
        for note, line in para.refs:
            ctx.lines[f"{para.key}{REF}{note}"] = line
    _check_every_rank(routes, levels, section.line, ctx)
    return routes


def _route_rank(header: re.Match[str], para: _Para, ctx: _Ctx) -> int:
    level = _LEVEL.search(header["level"])
    if not level:
        raise SourceFormatError(ctx.source, para.line, f"unknown level {header['level']}")
    return _rank(level)


def _check_every_rank(
    routes: list[EligibilityRoute], levels: list[Level], line: int, ctx: _Ctx
) -> None:
    covered = {r.rank for r in routes}
    for level in levels:
        if level.rank not in covered:
            ctx.findings.append(
                _finding(
                    FindingKind.PROFILE_CONTRADICTION,
                    f"申报条件未给出{level.name}的条件",
                    f"no eligibility conditions are given for {level.name}",
                    line,
                    NodeRef(NodeKind.LEVEL_ELIGIBILITY, rank=level.rank),
                )
            )


def _numbered(
    para: _Para, expected: int, required: bool, target: NodeRef, ctx: _Ctx
) -> tuple[int, str]:
    """Number and text of a （n） paragraph; numbering gaps and repeats are findings."""
    match = _NUMBERED.fullmatch(para.text)
    if not match:
        if required:
            raise SourceFormatError(
                ctx.source, para.line, f"unnumbered paragraph among numbered items of {target.path}"
            )
        return expected, para.text
    number = int(match["n"])
    if number < expected:
        ctx.findings.append(
            _finding(
                FindingKind.DUPLICATE_NUMBER,
                f"编号（{number}）重复",
                f"item ({number}) repeats",
                para.line,
                target,
            )
        )
    elif number > expected:
        ctx.findings.append(
            _finding(
                FindingKind.MISSING_NUMBER,
                f"缺少编号（{expected}）",
                f"item ({expected}) is missing",
                para.line,
                target,
            )
        )
    return number, match["text"]


# ---------------------------------------------------------------- §1.9.2–1.9.5 assessment


def _assessment(sections: dict[str, _Section], ctx: _Ctx) -> tuple[list[TextItem], int]:
    """Assessment provisions as keyed items; the pass mark read from its sentence."""
    items: list[TextItem] = []
    pass_mark = None
    for para in sections["1.9.2"].paras:
        mark = _PASS_MARK.search(para.text)
        if mark and pass_mark is None:
            pass_mark = int(mark[1])
            ctx.lines["pass_mark"] = para.line
        key = "assessment/pass-mark" if mark else "assessment/methods"
        items.append(_item(key, para, items, "1.9.2"))
    for code, name in (("1.9.3", "invigilators"), ("1.9.4", "durations"), ("1.9.5", "venues")):
        for para in sections[code].paras:
            items.append(_item(f"assessment/{name}", para, items, code))
    if pass_mark is None:
        raise SourceFormatError(
            ctx.source, sections["1.9.2"].line, "no pass mark (…分（含）以上者为合格)"
        )
    if items:
        ctx.lines["assessment"] = items[0].line
    return items, pass_mark


def _item(key: str, para: _Para, earlier: list[TextItem], code: str) -> TextItem:
    """A keyed text item; a second paragraph with the same key gets "/2"."""
    count = sum(1 for item in earlier if item.key == key or item.key.startswith(key + "/"))
    para.key = key if not count else f"{key}/{count + 1}"
    return TextItem(key=para.key, text=para.text, line=para.line, code=code)


# ---------------------------------------------------------------- §2 basic requirements


def _basic_groups(sections: dict[str, _Section], ctx: _Ctx) -> list[BasicGroup]:
    """2.x.y groups; items are （n） paragraphs or, where unnumbered (laws), one per paragraph."""
    groups = []
    for code, section in sections.items():
        if not code.startswith("2.") or code.count(".") != 2:
            continue
        category = "ethics" if code.startswith("2.1.") else "base-knowledge"
        group = BasicGroup(code=code, name=section.name, category=category, line=section.line)
        numbered = any(_NUMBERED.fullmatch(p.text) for p in section.paras)
        for para in section.paras:
            n, text = _numbered(
                para, len(group.items) + 1, numbered, NodeRef(NodeKind.BASIC_GROUP, code), ctx
            )
            para.key = f"basic/{code}/{n}"
            group.items.append(
                TextItem(key=para.key, text=text, line=para.line, code=f"{code}.{n}")
            )
        groups.append(group)
    return groups


# ---------------------------------------------------------------- entry point


def _check_no_text(sections: dict[str, _Section], source: str) -> None:
    for code in sorted(_NO_TEXT):
        if sections[code].paras:
            para = sections[code].paras[0]
            raise SourceFormatError(
                source, para.line, f"text under heading {code} where none is expected"
            )


def _line_map(
    body: list[_Para], notes: list[_Footnote], ignored: dict[int, str], source: str
) -> dict[int, str]:
    """Line → key of the item whose text it ended in; an unkeyed paragraph is a parser gap."""
    owner = dict(ignored)
    for note in notes:
        owner[note.marker_line] = f"footnote/{note.number}"
    for para in body + [p for n in notes for p in n.paras]:
        if not para.key:
            raise SourceFormatError(source, para.line, f"text assigned to no item: {para.text}")
        for no, _ in para.chunks:
            owner[no] = para.key
        for _, no in para.refs:
            owner[no] = para.key
    return dict(sorted(owner.items()))


def parse_profile(
    lines: list[str], *, source: str
) -> tuple[Profile, list[BasicGroup], list[Finding], dict[int, str]]:
    """Read §1 职业概况 and §2 基本要求 into the parsed model.

    ``lines`` is the whole file (index 0 = line 1).  Returns the profile, the basic
    requirement groups, the draft's defects found on the way, and the owner of every
    non-blank line of §1–§2 (an item key, or ``ignored/…`` for headings and page artefacts).
    Footnote markers are kept in ``Profile.lines`` as ``"<item key>#footnote/<n>"``.
    Raises SourceFormatError (file and line) when an expected heading is missing.

    >>> from importlib.resources import files
    >>> name = "4-09-07-04_carbon-emission-manager_draft.txt"
    >>> text = (files("skillgraph.standards") / name).read_text(encoding="utf-8")
    >>> profile, groups, findings, owner = parse_profile(text.split("\\n"), source=name)
    >>> profile.name, profile.code, profile.training_hours[3], owner[20]
    ('碳排放管理员', '4-09-07-04', 80, 'profile/code')
    """
    end = _part_end(lines, source)
    body, notes, ignored = _Splitter(lines, end, source).run()
    sections = _sections(body, source, end + 1)  # line of 3 工作要求
    _check_no_text(sections, source)
    ctx = _Ctx(source)
    footnotes = _footnote_items(notes)
    if footnotes:
        ctx.lines["footnotes"] = footnotes[0].line
    name, green = _name(sections["1.1"], footnotes, ctx)
    code = _code(sections["1.2"], ctx)
    definition, listed = _definition(sections["1.3"], ctx)
    levels, trades = _grades(sections["1.4"], ctx)
    if listed and not trades:
        trades = _listed_trades(listed, levels, ctx)
    _check_trade_footnote(trades, footnotes, ctx)
    environment = _field(sections["1.5"], "environment", ctx)
    traits = _field(sections["1.6"], "ability_traits", ctx)
    education = _field(sections["1.7"], "education", ctx)
    hours, hours_text = _training_hours(sections["1.8"], levels, ctx)
    routes = _eligibility(sections["1.9.1"], levels, ctx)
    assessment, pass_mark = _assessment(sections, ctx)
    groups = _basic_groups(sections, ctx)
    profile = Profile(
        name=name,
        code=code,
        definition=definition,
        green=green,
        levels=levels,
        trades=trades,
        environment=environment,
        ability_traits=traits,
        education=education,
        training_hours=hours,
        training_hours_text=hours_text,
        eligibility=routes,
        footnotes=footnotes,
        assessment=assessment,
        pass_mark=pass_mark,
        lines=ctx.lines,
    )
    return profile, groups, ctx.findings, _line_map(body, notes, ignored, source)


def footnote_references(profile: Profile) -> list[tuple[str, str, int]]:
    """(item key, footnote key, marker line) for every footnote marker in §1.

    The model has no field for references, so the parser keeps them in ``Profile.lines``.

    >>> p = Profile("n", "c", "", False, [], [], "", "", "", {}, "", [], [], [], 60,
    ...             lines={"eligibility/5/1#footnote/2": 80})
    >>> footnote_references(p)
    [('eligibility/5/1', 'footnote/2', 80)]
    """
    refs = []
    for key, line in profile.lines.items():
        item, sep, number = key.partition(REF)
        if sep:
            refs.append((item, f"footnote/{number}", line))
    return refs
