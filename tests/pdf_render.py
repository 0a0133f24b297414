"""Render a standard, described as data, to a PDF in the national layout (a test helper).

The property test of the PDF reader (tests/test_pdf_property.py) generates standards as
:class:`StandardSpec`, renders them here and reads them back.  The layout copies the
published AI-trainer PDF (standards/4-04-05-05_ai-trainer_2021.pdf), measured with
pdfplumber: A4; text block x 90–505; body 12 pt on a 23.4 pt line pitch, first lines
indented two characters, headings flush left; page number (9 pt) centred at the foot,
roman in the 说明 preface; §3 one ruled four-column table per trade-level (column widths
78/92/161/89 pt, 10.5 pt text on a 15.6 pt pitch, cells centred vertically, the function
cell spanning its work-content rows, items of a cell numbered 1.1.1…); §4 ruled weight
tables with a two-column 技能等级/项目 corner, a row-group column, ``-`` where a level is not
assessed, and a 合计 row.

Tables are split over pages by platypus, which asks :class:`WorkTable` to split itself.
platypus's own :class:`~reportlab.platypus.Table` split does not fit these tables: it
refuses to split inside a row span (a whole function moves to the next page, leaving the
header orphaned) and with ``splitInRow`` it drops rows of spanned tables (measured with
reportlab 4.x).  So :class:`WorkTable` cuts where Word does: between work-content rows (the
continuation has an empty function cell and no header, as in the real PDF, i.e.
``repeatRows=0``) or, when ``row_split`` is on (Word's "allow row to break across pages"),
inside a row, the items of its requirement cells continuing on the next page.  Each part is
drawn as a platypus Table with GRID ruling and SPAN.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

LEVELS = {
    5: "五级/初级工",
    4: "四级/中级工",
    3: "三级/高级工",
    2: "二级/技师",
    1: "一级/高级技师",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

PAGE_W, PAGE_H = A4
TABLE_X = 84.6  # tables start 5.4 pt left of the text block (Word's cell margin)
TEXT_X, TEXT_RIGHT = 90.0, 505.3
TOP, BOTTOM = 72.0, 120.0  # the real text block starts at ~74; footnotes below ~729
NOTE_RULE, NOTE_TOP, NOTE_PITCH = 729.0, 736.3, 11.6  # the footnote rule and 9 pt notes
CIRCLED = "①②③④⑤⑥⑦⑧⑨"
WORK_COLUMNS = (78.4, 92.0, 161.0, 89.0)
PAD = 5.4


# ---------------------------------------------------------------- the description


@dataclass(frozen=True)
class Content:
    name: str
    skills: tuple[str, ...]  # texts without codes; a skill starts with 能
    knowledge: tuple[str, ...]


@dataclass(frozen=True)
class Function:
    name: str
    contents: tuple[Content, ...]


@dataclass(frozen=True)
class LevelTable:
    """One trade-level's §3 table and its two weight columns."""

    trade: int | None  # 0-based index into StandardSpec.trades; None: the occupation's level
    rank: int
    functions: tuple[Function, ...]
    theory: tuple[int, int, tuple[int, ...]]  # 职业道德, 基础知识, one percent per function
    skill: tuple[int, ...]  # one percent per function


@dataclass(frozen=True)
class Trade:
    name: str
    ranks: tuple[int, ...]  # 5 … 1, in table order


@dataclass(frozen=True)
class StandardSpec:
    name: str
    code: str
    ranks: tuple[int, ...]  # the occupation's levels, 5 … 1 order
    tables: tuple[LevelTable, ...]  # in §3 order
    trades: tuple[Trade, ...] = ()
    split_by_trade: bool = False  # tables per trade (3.2 X / 3.2.1 四级/中级工 …)
    preface: bool = True  # cover and 说明 before the standard
    row_split: bool = False  # rows may break across pages
    level_on_new_page: bool = True  # each trade-level table starts a page (as the AI trainer)
    gaps: tuple[float, ...] = ()  # extra space before each table (moves the page breaks)
    footnotes: tuple[str, ...] = ()  # ① on the lowest level's route (1), ② on the next one's
    hours: dict[int, int] = field(default_factory=dict)


# ---------------------------------------------------------------- fonts


def cjk_fonts() -> list[str]:
    """CJK fonts pdfplumber reads back exactly, registered with reportlab.

    reportlab's built-in CID font STSong-Light (a Song face, like the SimSun of the body
    text) needs no file; WenQuanYi Zen Hei (a Hei face, like the SimHei of the headings;
    installed by scripts/install-test-deps.sh) is the other.
    """
    import pdfplumber
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    probe = "1.1.1能够完成数据采集（含）：，。、《》“”—－（%） 4-99-01-01 五级/初级工"
    candidates = [
        ("STSong-Light", lambda: UnicodeCIDFont("STSong-Light")),
        ("WQYZenHei", lambda: TTFont(
            "WQYZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0)),
    ]
    found: list[str] = []
    for name, make in candidates:
        try:
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(make())
            buf = io.BytesIO()
            c = canvas.Canvas(buf, pagesize=A4)
            c.setFont(name, 12)
            c.drawString(90, 700, probe)
            c.save()
            with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
                if pdf.pages[0].extract_text() == probe:
                    found.append(name)
        except Exception:  # a missing file or an unreadable font: try the next one
            continue
    return found


@dataclass
class _Styles:
    font: str  # body and tables (Song)
    heading_font: str  # headings (Hei), as in the real documents

    def __post_init__(self) -> None:
        f = self.font
        base = {"fontName": f, "wordWrap": "CJK"}
        self.body = ParagraphStyle("body", fontSize=12, leading=23.4, leftIndent=TEXT_X - TABLE_X,
                                   firstLineIndent=24, **base)
        self.flush = ParagraphStyle("flush", parent=self.body, firstLineIndent=0)
        self.route = ParagraphStyle("route", parent=self.body, firstLineIndent=30)
        self.heading = ParagraphStyle("heading", parent=self.flush, keepWithNext=1,
                                      fontName=self.heading_font)
        # a table's heading: CondPageBreak keeps it with the table's first rows (keepWithNext
        # would make platypus move a table that must split anyway to the next page)
        self.table_heading = ParagraphStyle("tableheading", parent=self.heading,
                                            keepWithNext=0)
        self.title = ParagraphStyle("title", fontSize=20, leading=31, alignment=TA_CENTER,
                                    **base)
        self.center = ParagraphStyle("center", fontSize=12, leading=23.4, alignment=TA_CENTER,
                                     **base)
        self.cell = ParagraphStyle("cell", fontSize=10.5, leading=15.6, **base)
        self.cell_center = ParagraphStyle("cellc", parent=self.cell, alignment=TA_CENTER)
        self.cell_right = ParagraphStyle("cellr", parent=self.cell, alignment=TA_RIGHT)


# ---------------------------------------------------------------- the §3 table flowable


@dataclass
class _Row:
    """One work-content row of a §3 table part: the flowables of its four cells."""

    group: int  # the function it belongs to (rows of one group share the function cell)
    cells: list[list[Paragraph]]  # function (empty unless the function text is here), …


@dataclass
class RenderStats:
    """What the rendering did, counted as parts are drawn (platypus may try splits it drops)."""

    pages: int = 0
    row_splits: int = 0  # a work-content row continued on the next page
    function_splits: int = 0  # a function's rows continued on the next page (empty cell)


class WorkTable(Flowable):
    """A §3 table (or the part of one on a page) that splits like Word's tables."""

    def __init__(self, rows: list[_Row], header: list[Paragraph] | None, row_split: bool,
                 stats: RenderStats, continues: str = ""):
        super().__init__()
        self.rows, self.header, self.row_split = rows, header, row_split
        self.stats, self.continues = stats, continues  # "", "row" or "function"
        self._table: Table | None = None

    # -- geometry
    @staticmethod
    def _height(paras: list[Paragraph], column: int) -> float:
        width = WORK_COLUMNS[column] - 2 * PAD
        return sum(p.wrap(width, 1e6)[1] for p in paras)

    def _row_heights(self) -> list[float]:
        heights = [max(self._height(c, k) for k, c in enumerate(r.cells) if k) + 2 * PAD
                   for r in self.rows]
        for i, r in enumerate(self.rows):  # a function cell taller than its rows widens them
            if r.cells[0]:
                j = i
                while j + 1 < len(self.rows) and self.rows[j + 1].group == r.group:
                    j += 1
                need = self._height(r.cells[0], 0) + 2 * PAD - sum(heights[i : j + 1])
                if need > 0:
                    heights[j] += need
        return heights

    def _header_height(self) -> float:
        return max(self._height([p], k) for k, p in enumerate(self.header)) + 2 * PAD \
            if self.header else 0.0

    def _build(self) -> Table:
        data: list[list[object]] = []
        heights: list[float] = []
        style: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), 0.48, "black"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), PAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
        ]
        if self.header:
            data.append(list(self.header))
            heights.append(self._header_height())
        first = len(data)
        data.extend([r.cells[0] or "", *r.cells[1:]] for r in self.rows)
        heights.extend(self._row_heights())
        start = first
        for i in range(first, len(data) + 1):
            end_of_group = i == len(data) or self.rows[i - first].group != \
                self.rows[start - first].group
            if end_of_group:
                if i - 1 > start:
                    style.append(("SPAN", (0, start), (0, i - 1)))
                start = i
        return Table(data, colWidths=list(WORK_COLUMNS), rowHeights=heights, repeatRows=0,
                     style=TableStyle(style), hAlign="LEFT")

    # -- the Flowable protocol
    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._table = self._build()
        return self._table.wrap(availWidth, availHeight)

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)
        if self.continues == "row":
            self.stats.row_splits += 1
        elif self.continues == "function":
            self.stats.function_splits += 1

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        heights = self._row_heights()
        room = availHeight - self._header_height()
        k = 0
        while k < len(self.rows) and heights[k] <= room:
            room -= heights[k]
            k += 1
        if k == len(self.rows):
            return [self]
        if self.row_split:
            cut = self._split_row(k, room, heights)
            if cut is not None:
                top, bottom = cut
                return [
                    WorkTable([*self.rows[:k], top], self.header, True, self.stats),
                    WorkTable([bottom, *self.rows[k + 1 :]], None, True, self.stats, "row"),
                ]
        if k == 0:
            return []  # not even one row fits: the whole table goes to the next page
        rest = [_Row(r.group, list(r.cells)) for r in self.rows[k:]]
        continues = ""
        if rest[0].group == self.rows[k - 1].group:
            rest[0].cells[0] = []  # the function cell continues, empty, on the next page
            continues = "function"
        return [WorkTable(self.rows[:k], self.header, self.row_split, self.stats),
                WorkTable(rest, None, self.row_split, self.stats, continues)]

    def _split_row(
        self, k: int, room: float, heights: list[float]
    ) -> tuple[_Row, _Row] | None:
        """Row k cut to ``room``: names stay on top, requirement items continue below."""
        row = self.rows[k]
        inner = room - 2 * PAD
        if inner < 16 or self._height(row.cells[1], 1) > inner:
            return None
        if row.cells[0]:
            above = sum(h for r, h in zip(self.rows[:k], heights, strict=False)
                        if r.group == row.group)
            if self._height(row.cells[0], 0) > above + inner:
                return None
        top: list[list[Paragraph]] = [row.cells[0], row.cells[1], [], []]
        bottom: list[list[Paragraph]] = [[], [], [], []]
        for column in (2, 3):
            width = WORK_COLUMNS[column] - 2 * PAD
            left = inner
            paras = list(row.cells[column])
            while paras:
                h = paras[0].wrap(width, 1e6)[1]
                if h <= left:
                    top[column].append(paras.pop(0))
                    left -= h
                    continue
                parts = paras[0].split(width, left)
                if len(parts) == 2:
                    top[column].append(parts[0])
                    paras[0] = parts[1]
                break
            bottom[column] = paras
        if not (top[2] or top[3]) or not (bottom[2] or bottom[3]):
            return None
        return _Row(row.group, top), _Row(row.group, bottom)


# ---------------------------------------------------------------- the document


class _Numbering(Flowable):
    """Zero-size marker: pages from here on are numbered in ``style`` starting at 1."""

    def __init__(self, state: dict[str, object], style: str):
        super().__init__()
        self.state, self.style = state, style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.state["style"] = self.style
        self.state["first"] = self.canv.getPageNumber()


class _Noted(Paragraph):
    """A paragraph carrying footnote markers: its notes go to the foot of its page.

    It never splits (a marker and its note stay on one page); drawing it files the notes.
    """

    def __init__(self, text: str, style: ParagraphStyle, notes: list[str],
                 state: dict[str, object]):
        super().__init__(text, style)
        self.notes, self.state = notes, state

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        super().draw()
        pages: dict[int, list[str]] = self.state.setdefault("notes", {})  # type: ignore[assignment]
        pages.setdefault(self.canv.getPageNumber(), []).extend(self.notes)


def _footer(state: dict[str, object], font: str):
    def draw(canv, doc) -> None:
        notes = state.get("notes", {}).get(canv.getPageNumber(), [])  # type: ignore[union-attr]
        if notes:
            canv.setLineWidth(0.5)
            canv.line(TEXT_X, PAGE_H - NOTE_RULE, TEXT_X + 144, PAGE_H - NOTE_RULE)
            canv.setFont(font, 9)
            for i, note in enumerate(notes):
                canv.drawString(TEXT_X, PAGE_H - NOTE_TOP - 7.7 - i * NOTE_PITCH, note)
        style = state.get("style")
        if not style:
            return
        n = canv.getPageNumber() - int(state["first"]) + 1  # type: ignore[arg-type]
        text = ROMAN[n - 1] if style == "roman" else str(n)
        canv.setFont(font, 9)
        canv.drawCentredString(PAGE_W / 2, PAGE_H - 780.2, text)

    return draw


def render(spec: StandardSpec, path: Path, fonts: list[str]) -> RenderStats:
    """Write ``spec`` as a PDF at ``path`` in the national layout.

    ``fonts``: from :func:`cjk_fonts`; the first sets the body, the last the headings.
    """
    font = fonts[0]
    st = _Styles(font, fonts[-1])
    stats = RenderStats()
    state: dict[str, object] = {}
    story: list[Flowable] = []
    if spec.preface:
        story += _cover(spec, st)
        story += [PageBreak(), _Numbering(state, "roman"), *_preface(spec, st), PageBreak()]
    story += [_Numbering(state, "arabic"), *_title(spec, st), *_profile(spec, st, state),
              *_basic(st), *_work(spec, st, stats), *_weights(spec, st)]
    frame = Frame(TABLE_X, BOTTOM, TEXT_RIGHT - TABLE_X + 1, PAGE_H - TOP - BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(str(path), pagesize=A4, title=spec.name)
    doc.addPageTemplates([PageTemplate("page", [frame], onPageEnd=_footer(state, font))])
    doc.build(story)
    stats.pages = doc.page
    return stats


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _cover(spec: StandardSpec, st: _Styles) -> list[Flowable]:
    return [
        Spacer(1, 100), _p("国家职业技能标准", st.title), _p(f"职业编码：{spec.code}", st.center),
        Spacer(1, 60), _p(spec.name, st.title), _p("（2021年版）", st.center), Spacer(1, 220),
        _p("中华人民共和国人力资源和社会保障部", st.center), _p("制定", st.center),
    ]


def _preface(spec: StandardSpec, st: _Styles) -> list[Flowable]:
    levels = "、".join(LEVELS[r] for r in spec.ranks)
    return [
        _p("说 明", st.center),
        _p("为规范从业者从业行为，引导职业教育培训方向，根据《中华人民共和国劳动法》有关规定，"
           f"人力资源社会保障部组织有关专家，制定了《{spec.name}国家职业技能标准（2021年版）》"
           "(以下简称《标准》)。", st.body),
        _p(f"一、本《标准》依据有关规定将本职业分为{levels}{_cn(len(spec.ranks))}个等级，"
           "包括职业概况、基本要求、工作要求和权重表四个方面的内容。", st.body),
        _p("二、本《标准》的主要起草单位有：某某职业技能鉴定指导中心、某某职业技术学院。"
           "主要起草人有：张三、李四、王五。", st.body),
        _p("三、本《标准》业经人力资源社会保障部批准，自公布之日起施行。", st.body),
    ]


def _title(spec: StandardSpec, st: _Styles) -> list[Flowable]:
    return [_p(spec.name, st.title), _p("国家职业技能标准", st.title),
            _p("（2021年版）", st.center)]


def _cn(n: int) -> str:
    return "〇一两三四五六七八九"[n] if n < 10 else str(n)


def _profile(spec: StandardSpec, st: _Styles, state: dict[str, object]) -> list[Flowable]:
    h, b = st.heading, st.body
    levels = "、".join(LEVELS[r] for r in spec.ranks)
    out = [_p("1.职业概况", h), _p("1.1 职业名称", h), _p(spec.name, b), _p("1.2 职业编码", h),
           _p(spec.code, b), _p("1.3 职业定义", h),
           _p(f"从事{spec.name}相关工作，进行数据管理、流程设计和质量检查的人员。", b)]
    if spec.trades and not spec.split_by_trade:
        names = "、".join(t.name for t in spec.trades)
        out.append(_p(f"本职业包含{names}{_cn(len(spec.trades))}个工种。", b))
    out += [_p("1.4 职业技能等级", h),
            _p(f"本职业共设{len(spec.ranks)}个等级，分别为：{levels}。", b)]
    if spec.split_by_trade:
        out += [_p(s, b) for s in _trade_sentences(spec)]
    out += [
        _p("1.5 职业环境条件", h), _p("室内，常温。", b),
        _p("1.6 职业能力特征", h),
        _p("具有一定的学习能力、表达能力、计算能力；空间感、色觉正常。", b),
        _p("1.7 普通受教育程度", h), _p("初中毕业（或相当文化程度）。", b),
        _p("1.8 培训参考学时", h),
        _p("；".join(f"{LEVELS[r]}{spec.hours.get(r, 40)}标准学时" for r in spec.ranks) + "。",
           b),
        _p("1.9 职业技能鉴定要求", h), _p("1.9.1 申报条件", h),
    ]
    notes = [f"{CIRCLED[i]} {text}" for i, text in enumerate(spec.footnotes)]
    for rank in spec.ranks:
        out += _routes(rank, spec.ranks, st, notes, state)
    out += _assessment(spec.ranks, st)
    return out


def _assessment(ranks: tuple[int, ...], st: _Styles) -> list[Flowable]:
    """1.9.2–1.9.5; the comprehensive review only where the standard has 技师 levels."""
    h, b = st.heading, st.body
    review = [LEVELS[r].split("/")[1] for r in ranks if r <= 2]
    kinds = "理论知识考试、技能考核以及综合评审" if review else "理论知识考试和技能考核"
    methods = (f"分为{kinds}。理论知识考试以笔试、机考等方式为主，主要考核从业人员从事本职业"
               "应掌握的基本要求和相关知识要求；技能考核主要采用现场操作、模拟操作等方式进行，"
               "主要考核从业人员从事本职业应具备的技能水平")
    if review:
        methods += (f"；综合评审主要针对{'和'.join(review)}，通常采取审阅申报材料、答辩等方式"
                    "进行全面评议和审查")
    graded = "理论知识考试、技能考核和综合评审均" if review else "理论知识考试和技能考核均"
    staff = ("理论知识考试中的监考人员与考生配比不低于1∶15，且每个考场不少于2名监考人员；"
             "技能考核中的考评人员与考生配比1∶3，且考评人员为3人以上单数")
    times = "理论知识考试时间不少于90 min，技能考核时间不少于120 min。"
    venues = "理论知识考试在标准教室进行，技能考核在具有计算机网络环境的实验室进行"
    if review:
        staff += "；综合评审委员为3人（含）以上单数"
        times += "综合评审时间不少于30 min。"
        venues += "，综合评审在标准教室或会议室进行"
    return [
        _p("1.9.2 鉴定方式", h), _p(methods + "。", b),
        _p(f"{graded}实行百分制，成绩皆达60分（含）以上者为合格。", b),
        _p("1.9.3 监考人员、考评人员与考生配比", h), _p(staff + "。", b),
        _p("1.9.4 鉴定时间", h), _p(times, b),
        _p("1.9.5 鉴定场所设备", h), _p(venues + "。", b),
    ]


def _trade_sentences(spec: StandardSpec) -> list[str]:
    """§1.4 for trades with tables of their own: one sentence per run of trades alike."""
    common = [r for r in spec.ranks if not any(r in t.ranks for t in spec.trades)]
    out: list[str] = []
    i = 0
    while i < len(spec.trades):
        j = i
        while j + 1 < len(spec.trades) and spec.trades[j + 1].ranks == spec.trades[i].ranks:
            j += 1
        group = spec.trades[i : j + 1]
        ranks = [r for r in spec.ranks if r in group[0].ranks or r in common]
        names = "、".join(t.name for t in group)
        count = f"等{_cn(len(group))}个工种" if len(group) > 1 else ""
        text = (f"{names}{count}共设{_cn(len(ranks))}个等级，分别为："
                f"{'、'.join(LEVELS[r] for r in ranks)}。")
        if common and any(r in ranks for r in common):
            shared = "、".join(LEVELS[r] for r in common)
            text += f"其中，{shared}不分工种，统称{spec.name}{shared}。"
        out.append(text)
        i = j + 1
    return out


def _routes(
    rank: int, ranks: tuple[int, ...], st: _Styles, notes: list[str], state: dict[str, object]
) -> list[Flowable]:
    """The 申报条件 of one level; footnote ① marks the lowest level's first route, ② the
    next level's diploma route."""
    lower = rank + 1
    second_with_note = lower in ranks and lower + 1 not in ranks and len(notes) > 1
    if rank == 1 and lower in ranks and not second_with_note:
        return [_p("具备以下条件者，可申报一级/高级技师：", st.route),
                _p("取得本职业或相关职业二级/技师职业资格证书后，累计从事本职业或相关职业工作"
                   "4年（含）以上。", st.body)]
    head = _p(f"具备以下条件之一者，可申报{LEVELS[rank]}：", st.route)
    if lower not in ranks:  # the lowest level of this standard
        first = f"（1）累计从事本职业或相关职业{{}}工作{6 - rank}年（含）以上。"
        return [head, _marked(first, notes[:1], st, state),
                _p("（2）本职业或相关职业学徒期满。", st.body)]
    out = [head,
           _p(f"（1）取得本职业或相关职业{LEVELS[lower]}职业资格证书后，累计从事本职业或相关"
              "职业工作3年（含）以上。", st.body),
           _p(f"（2）累计从事本职业或相关职业工作{8 - rank}年（含）以上。", st.body)]
    if second_with_note:  # the second level of this standard
        out.append(_marked("（3）取得技工学校本专业或相关专业{}毕业证书（含尚未取得毕业证书的"
                           "在校应届毕业生）。", notes[1:2], st, state))
    return out


def _marked(text: str, notes: list[str], st: _Styles, state: dict[str, object]) -> Flowable:
    """``text`` with a superscript marker at ``{}`` for each note (none: plain text)."""
    if not notes:
        return _p(text.format(""), st.body)
    # as in the AI trainer: ① raised and small (text extraction sets it on a line of its
    # own), ② nearly on the line (extraction keeps it inside the text)
    markers = "".join(
        f'<super size="8" rise="8">{n[0]}</super>' if n[0] == CIRCLED[0]
        else f'<super size="10" rise="1">{n[0]}</super>' for n in notes)
    return _Noted(text.format(markers), st.body, notes, state)


def _basic(st: _Styles) -> list[Flowable]:
    h, b = st.heading, st.body
    return [
        PageBreak(), _p("2.基本要求", h), _p("2.1 职业道德", h), _p("2.1.1 职业道德基本知识", h),
        _p("2.1.2 职业守则", h), _p("（1）诚实公正，严谨求是。", b),
        _p("（2）遵章守法，恪尽职守。", b), _p("2.2 基础知识", h), _p("2.2.1 通用知识", h),
        _p("（1）计算机操作知识。", b), _p("（2）常用办公软件使用知识。", b),
        _p("2.2.2 相关法律、法规知识", h), _p("（1）《中华人民共和国劳动法》相关知识。", b),
        _p("（2）《中华人民共和国劳动合同法》相关知识。", b),
    ]


def _work(spec: StandardSpec, st: _Styles, stats: RenderStats) -> list[Flowable]:
    levels = "、".join(LEVELS[r] for r in spec.ranks)
    out: list[Flowable] = [
        PageBreak(), _p("3工作要求", st.heading),
        _p(f"本标准对{levels}的技能要求和相关知识要求依次递进，高级别涵盖低级别的要求。",
           st.body),
    ]
    section = 0
    trade_sections: dict[int, int] = {}
    level_in_trade: dict[int, int] = {}
    for n, table in enumerate(spec.tables):
        if n and spec.level_on_new_page:
            out.append(PageBreak())
        gap = spec.gaps[n] if n < len(spec.gaps) else 0.0
        out.append(CondPageBreak(110))  # heading, table header and a row stay together
        if gap:
            out.append(Spacer(1, gap))
        if table.trade is None or not spec.split_by_trade:
            section += 1
            name = spec.name if spec.split_by_trade else ""
            out.append(_p(f"3.{section}{name}{LEVELS[table.rank]}", st.table_heading))
        else:
            if table.trade not in trade_sections:
                section += 1
                trade_sections[table.trade] = section
                out.append(_p(f"3.{section} {spec.trades[table.trade].name}",
                              st.table_heading))
            level_in_trade[table.trade] = level_in_trade.get(table.trade, 0) + 1
            code = f"3.{trade_sections[table.trade]}.{level_in_trade[table.trade]}"
            out.append(_p(f"{code} {LEVELS[table.rank]}", st.table_heading))
        out.append(_work_table(table, spec.row_split, st, stats))
    return out


def _work_table(
    table: LevelTable, row_split: bool, st: _Styles, stats: RenderStats
) -> WorkTable:
    header = [_p(t, st.cell_center) for t in ("职业功能", "工作内容", "技能要求", "相关知识要求")]
    rows: list[_Row] = []
    for f, fn in enumerate(table.functions, 1):
        for c, content in enumerate(fn.contents, 1):
            cells = [
                [_p(f"{f}.{fn.name}", st.cell_center)] if c == 1 else [],
                [_p(f"{f}.{c}{content.name}", st.cell)],
                [_p(f"{f}.{c}.{i}{t}", st.cell) for i, t in enumerate(content.skills, 1)],
                [_p(f"{f}.{c}.{i}{t}", st.cell) for i, t in enumerate(content.knowledge, 1)],
            ]
            rows.append(_Row(f, cells))
    return WorkTable(rows, header, row_split, stats)


# ---------------------------------------------------------------- §4 weights


def weight_groups(spec: StandardSpec) -> list[tuple[str | None, list[LevelTable]]]:
    """The §4 sections: (trade name or None, its level tables), in §3 order."""
    groups: dict[int | None, list[LevelTable]] = {}
    for t in spec.tables:
        groups.setdefault(t.trade if spec.split_by_trade else None, []).append(t)
    return [(None if k is None else spec.trades[k].name, v) for k, v in groups.items()]


def weight_rows(tables: list[LevelTable], exam: str) -> list[tuple[str, list[int | None]]]:
    """Rows (label, percent per level column) of one weight table, 合计 excluded."""
    names: list[str] = []
    for t in tables:
        names += [f.name for f in t.functions if f.name not in names]
    rows: list[tuple[str, list[int | None]]] = []
    if exam == "theory":
        rows.append(("职业道德", [t.theory[0] for t in tables]))
        rows.append(("基础知识", [t.theory[1] for t in tables]))
    for name in names:
        values: list[int | None] = []
        for t in tables:
            percents = t.theory[2] if exam == "theory" else t.skill
            by_name = {f.name: p for f, p in zip(t.functions, percents, strict=True)}
            values.append(by_name.get(name))
        rows.append((name, values))
    return rows


def _weights(spec: StandardSpec, st: _Styles) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), _p("4权重表", st.heading)]
    groups = weight_groups(spec)
    for g, (trade, tables) in enumerate(groups, 1):
        prefix = f"4.{g}"
        if spec.split_by_trade:
            title = trade or f"{spec.name}（{'、'.join(LEVELS[t.rank][:2] for t in tables)}）"
            out.append(_p(f"4.{g} {title}", st.heading))
        for e, (exam, word) in enumerate((("theory", "理论知识"), ("skill", "技能要求")), 1):
            code = f"{prefix}.{e}" if spec.split_by_trade else f"4.{e}"
            out.append(KeepTogether([_p(f"{code}{' ' if spec.split_by_trade else ''}"
                                        f"{word}权重表", st.heading),
                                     _weight_table(tables, exam, st)]))
    return out


def _weight_table(tables: list[LevelTable], exam: str, st: _Styles) -> Table:
    cell, center = st.cell, st.cell_center
    corner = [_p("技能等级", st.cell_right), _p("项目", cell)]
    head: list[object] = [corner, ""]
    for t in tables:
        level, title = LEVELS[t.rank].split("/")
        head.append([_p(f"{level}/", center), _p(title, center), _p("（%）", center)])
    data: list[list[object]] = [head]
    rows = weight_rows(tables, exam)
    spans: list[tuple] = []
    groups = [("基本要求", 2), ("相关知识要求", len(rows) - 2)] if exam == "theory" else \
        [("技能要求", len(rows))]
    r = 1
    for label, count in groups:
        spans.append(("SPAN", (0, r), (0, r + count - 1)))
        for k in range(count):
            name, values = rows[r - 1]
            data.append([_p(label, center) if k == 0 else "", _p(name, center),
                         *[_p("-" if v is None else str(v), center) for v in values]])
            r += 1
    data.append([_p("合计", center), "", *[_p("100", center) for _ in tables]])
    widths = [34.0, 80.0] + [min(61.0, 300.0 / len(tables))] * len(tables)
    style = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.48, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (0, 0), (1, 0)),
        ("SPAN", (0, len(data) - 1), (1, len(data) - 1)),
        *spans,
    ])
    return Table(data, colWidths=widths, style=style, hAlign="LEFT")


__all__ = [
    "LEVELS",
    "Content",
    "Function",
    "LevelTable",
    "RenderStats",
    "StandardSpec",
    "Trade",
    "WorkTable",
    "cjk_fonts",
    "render",
    "weight_groups",
    "weight_rows",
]
