"""The PDF reader: a standard's PDF → :class:`~loaders.layout.Layout`, from page geometry.

pdfplumber (MIT) finds the tables by their ruling lines, so a §3 table gives its cells
directly: one row per work content, a function cell spanning its rows, the items of a
cell one after another (``1.1.1能够…`` ``1.1.2能够…``); a row continued on a new page has
an empty function cell.  Text outside the tables is read line by line with its position.

Everything is written as layout lines in the line form of :mod:`loaders.layout`, each with
its page and box, decided from geometry rather than guessed from text:

* a paragraph ends where the next line is indented, where the line stops short of the
  right margin, or where the next line is set in another typeface (a SimHei heading after
  SimSun text whose last line happens to fill the measure); a trailing space is written;
* the first line of a page starts with a space; the page footer is written ``— N —``;
* footnote markers are small characters (①②③ or digits) set apart on lines of their own;
  the gap such a raised marker leaves in its text line is no space; footnote bodies are
  the small lines under the short separator rule at a page's foot;
* a §3 cell's items start at a line that begins with a code of its column's depth;
* a §4 weight table is written row by row (``label v v v``) under its header words.

Limits: :data:`MAX_BYTES` and :data:`MAX_PAGES`; anything beyond, or a file pdfplumber
cannot open, is a :class:`SourceFormatError` naming the file (and page).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import CODE1, CODE2, CODE3, CONTENT, FUNCTION, KNOWLEDGE, SKILL, Cell, Piece
from .errors import SourceFormatError
from .layout import Box, Layout

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 500

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FOOTER = re.compile(r"[0-9]+|[IVXLivxl]+")
_WORK_HEADER = "职业功能"
_WEIGHT_HEADER = "技能等级"
_CODE_OF_COLUMN = {FUNCTION: CODE1, CONTENT: CODE2, SKILL: CODE3, KNOWLEDGE: CODE3}


@dataclass
class _Line:
    """A line of text outside the tables, as pdfplumber groups characters."""

    text: str
    box: Box
    size: float
    markers: list[str] = field(default_factory=list)  # footnote markers it carries
    face: str = ""  # typeface of its CJK characters (most of them), subset prefix dropped
    chars: list[dict[str, Any]] = field(default_factory=list, repr=False)


@dataclass
class _Block:
    kind: str  # "body" | "table" | "note" | "footer"
    top: float
    line: _Line | None = None
    table: Any = None
    page: Any = None


class _Writer:
    """Collects layout lines, their boxes, cells and furniture."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.boxes: dict[int, Box] = {}
        self.cells: list[Cell] = []
        self.furniture: dict[int, str] = {}
        self.page_started = False
        self.last_table: tuple[str, int] = ("", 0)  # kind and column count of the last table

    def emit(self, text: str, box: Box, *, closes: bool = False, furniture: str = "") -> int:
        lead = " " if self.page_started else ""
        self.page_started = False
        self.lines.append(f"{lead}{text}{' ' if closes else ''}")
        number = len(self.lines)
        self.boxes[number] = box
        if furniture:
            self.furniture[number] = furniture
        return number


def read_pdf(path: Path) -> Layout:
    """Read a standard's PDF; raises SourceFormatError naming the file and page."""
    import pdfplumber

    path = Path(path)
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise SourceFormatError(
            path, 1, f"PDF of {len(data):,} bytes is over the limit of {MAX_BYTES:,}"
        )
    digest = hashlib.sha256(data).hexdigest()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many types for a damaged file
        raise SourceFormatError(path, 1, f"not a readable PDF ({type(exc).__name__})") from None
    if len(pages) > MAX_PAGES:
        raise SourceFormatError(path, 1, f"{len(pages)} pages, over the limit of {MAX_PAGES}")
    writer = _Writer()
    blocks: list[list[_Block]] = []
    for number, page in enumerate(pages, 1):
        try:
            blocks.append(_page_blocks(page.dedupe_chars(), number))
        except SourceFormatError:
            raise
        except Exception as exc:
            raise SourceFormatError(
                path, 1, f"page {number}: cannot be read ({type(exc).__name__}: {exc})"
            ) from None
    _write(blocks, writer)
    if not any(line.strip() for line in writer.lines):
        raise SourceFormatError(path, 1, "the PDF has no text layer (a scan?); nothing to read")
    pdf.close()
    return Layout(
        source=path,
        sha256=digest,
        kind="pdf",
        lines=writer.lines,
        boxes=writer.boxes,
        cells=writer.cells,
        furniture=writer.furniture,
    )


# ---------------------------------------------------------------- one page → blocks


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _page_blocks(page: Any, number: int) -> list[_Block]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    outside = page.filter(
        lambda o: o.get("object_type") != "char" or not any(_inside(o, b) for b in boxes)
    )
    raw = outside.extract_text_lines(return_chars=True, strip=True)
    body_size = _body_size(raw)
    rule = _footnote_rule(page, boxes)
    footer_top = page.height * 0.9
    blocks: list[_Block] = []
    pending_markers: list[tuple[float, str, float]] = []
    lines: list[_Line] = []
    for tl in raw:
        text = tl["text"].strip()
        if not text:
            continue
        box = Box(number, tl["x0"], tl["top"], tl["x1"], tl["bottom"])
        size = max(c["size"] for c in tl["chars"])
        if tl["top"] >= footer_top and _FOOTER.fullmatch(text.replace(" ", "")):
            blocks.append(_Block("footer", tl["top"], _Line(text.replace(" ", ""), box, size)))
            continue
        if rule is not None and tl["top"] > rule:
            blocks.append(_Block("note", tl["top"], _Line(text, box, size)))
            continue
        if size < body_size * 0.8 and all(ch in CIRCLED or ch.isdigit() for ch in text):
            pending_markers.append((tl["bottom"], text, tl["x0"]))  # superscript marker line
            continue
        markers = [ch for ch in text if ch in CIRCLED]
        clean = "".join(ch for ch in text if ch not in CIRCLED).strip()
        line = _Line(clean, box, size, markers, _face(tl["chars"]), tl["chars"])
        lines.append(line)
        blocks.append(_Block("body", tl["top"], line))
    for bottom, text, x0 in pending_markers:  # to the body line it stands over
        near = [ln for ln in lines if ln.box.bottom >= bottom]
        if near:
            target = min(near, key=lambda ln: ln.box.top)
            target.markers.extend(ch for ch in text if not ch.isspace())
            target.text = _close_gap(target, x0)
    for table in tables:
        blocks.append(_Block("table", table.bbox[1], table=table, page=page))
    order = {"body": 0, "table": 0, "note": 1, "footer": 2}
    blocks.sort(key=lambda b: (order[b.kind], b.top))
    return blocks


def _close_gap(line: _Line, x0: float) -> str:
    """``line``'s text without the space pdfplumber wrote where a raised marker at ``x0`` stood.

    The marker was lifted onto a line of its own, so the body line has a gap there, which
    text extraction renders as a space (相关专业毕业证书 （含 in the AI trainer's 1.9.1).
    The text is walked along the line's characters to find the space at that gap; any
    character the walk cannot match leaves the text as it is.
    """
    chars, out, j, dropped = line.chars, [], 0, False
    for ch in line.text:
        while j < len(chars) and chars[j]["text"] in CIRCLED and ch != chars[j]["text"]:
            j += 1  # an inline marker, already taken out of the text
        if j < len(chars) and ch == chars[j]["text"]:
            out.append(ch)
            j += 1
        elif (ch == " " and not dropped and 0 < j < len(chars)
              and chars[j - 1]["x1"] <= x0 + 1 and chars[j]["x0"] >= x0 + 2):
            dropped = True  # the marker's gap
        else:
            out.append(ch)
    return "".join(out)


def _face(chars: list[dict[str, Any]]) -> str:
    """The typeface most of a line's CJK characters are set in ("" if it has none).

    Only CJK characters count: digits and Latin letters are often set in another font
    (Times New Roman, Calibri) inside a SimSun paragraph.
    """
    faces = Counter(
        str(c.get("fontname", "")).split("+")[-1] for c in chars if c["text"] >= "\u2e80"
    )
    return faces.most_common(1)[0][0] if faces else ""


def _body_size(raw: list[dict[str, Any]]) -> float:
    sizes = sorted(c["size"] for tl in raw for c in tl["chars"])
    return sizes[len(sizes) // 2] if sizes else 12.0


def _footnote_rule(page: Any, boxes: list[tuple[float, float, float, float]]) -> float | None:
    """Top of the short rule that separates footnotes from the text, if the page has one."""
    for edge in page.lines:
        horizontal = abs(edge["top"] - edge["bottom"]) < 1
        short = (edge["x1"] - edge["x0"]) < page.width * 0.4
        low = edge["top"] > page.height * 0.5
        if horizontal and short and low and not any(_inside(edge, b) for b in boxes):
            return float(edge["top"])
    return None


# ---------------------------------------------------------------- blocks → layout lines


def _write(pages: list[list[_Block]], w: _Writer) -> None:
    body = [b.line for blocks in pages for b in blocks if b.kind == "body" and b.line]
    following = {id(a): b for a, b in itertools.pairwise(body)}
    margins = _margins(body)
    for blocks in pages:
        w.page_started = True
        notes = [b.line for b in blocks if b.kind == "note" and b.line]
        for block in blocks:
            if block.kind == "body" and block.line:
                line = block.line
                nxt = following.get(id(line))
                closes = _closes(line, nxt, margins, blocks)
                w.emit(line.text, line.box, closes=closes)
                for marker in line.markers:
                    w.emit(marker, line.box, furniture="")
            elif block.kind == "table":
                _write_table(block.table, block.page, w)
            elif block.kind == "note" and block.line:
                _write_note(block.line, notes, w)
            elif block.kind == "footer" and block.line:
                w.emit(f"— {block.line.text} —", block.line.box, furniture="page number")


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The text block's left edge (most common line start) and right edge (long lines)."""
    if not lines:
        return (0.0, 0.0)
    starts = Counter(round(ln.box.x0) for ln in lines)
    ends = sorted(ln.box.x1 for ln in lines)
    return (float(starts.most_common(1)[0][0]), ends[int(len(ends) * 0.9)])


def _closes(
    line: _Line, nxt: _Line | None, margins: tuple[float, float], blocks: list[_Block]
) -> bool:
    """Does the paragraph end with this line? (next line indented, this one short, or a table)"""
    left, right = margins
    if nxt is None or abs(nxt.size - line.size) > 1:
        return True
    table_between = any(
        b.kind == "table" and line.box.top < b.top < (nxt.box.top if nxt.box.page ==
                                                          line.box.page else 1e9)
        for b in blocks
    )
    if table_between:
        return True
    if line.face and nxt.face and line.face != nxt.face:
        return True  # a heading (SimHei) after body text (SimSun), or the other way round
    short = line.box.x1 < right - line.size * 1.2
    indented = nxt.box.x0 > left + nxt.size * 0.6
    return short or indented


def _write_note(line: _Line, notes: list[_Line], w: _Writer) -> None:
    """A footnote line: ``① text`` starts a note (marker line, then a space-led line)."""
    text = line.text
    index = notes.index(line)
    nxt = notes[index + 1] if index + 1 < len(notes) else None
    closes = nxt is None or nxt.text[:1] in CIRCLED
    if text[:1] in CIRCLED:
        w.emit(text[0], line.box)
        body = text[1:].strip()
        w.page_started = True  # the body of a note is written space-led
        w.emit(body, line.box, closes=closes)
    else:
        w.emit(text, line.box, closes=closes)


def _cell_lines(page: Any, bbox: tuple[float, float, float, float], number: int) -> list[_Line]:
    inner = page.filter(lambda o: o.get("object_type") != "char" or _inside(o, bbox))
    out = []
    for tl in inner.extract_text_lines(return_chars=True, strip=True):
        if not (bbox[1] <= (tl["top"] + tl["bottom"]) / 2 <= bbox[3]):
            continue
        if not (bbox[0] <= (tl["x0"] + tl["x1"]) / 2 <= bbox[2]):
            continue
        text = tl["text"].strip()
        if text:
            box = Box(number, tl["x0"], tl["top"], tl["x1"], tl["bottom"])
            out.append(_Line(text, box, max(c["size"] for c in tl["chars"])))
    return out


def _row_texts(table: Any) -> list[list[str | None]]:
    return table.extract()


def _write_table(table: Any, page: Any, w: _Writer) -> None:
    texts = _row_texts(table)
    head = " ".join(t or "" for t in texts[0]) if texts else ""
    number = int(page.page_number)
    columns = max((len(row) for row in texts), default=0)
    kind = "work" if _WORK_HEADER in head else "weight" if _WEIGHT_HEADER in head else ""
    if not kind and w.last_table[1] == columns:
        kind = w.last_table[0]  # a table continued on a new page repeats no header
    w.last_table = (kind, columns)
    if kind == "work":
        _write_work_table(table, page, number, w)
    elif kind == "weight":
        _write_weight_table(table, page, number, w)
    else:
        for row in table.rows:
            for bbox in row.cells:
                if bbox is None:
                    continue
                for ln in _cell_lines(page, bbox, number):
                    w.emit(ln.text, ln.box, closes=True)


def _write_work_table(table: Any, page: Any, number: int, w: _Writer) -> None:
    """§3 table rows → layout lines and geometric cells, one cell per item of a column."""
    for r, row in enumerate(table.rows):
        cells = list(row.cells)[:4]
        if r == 0 and _WORK_HEADER in " ".join(ln.text for b in cells if b
                                                for ln in _cell_lines(page, b, number)):
            lines = [ln for b in cells if b for ln in _cell_lines(page, b, number)]
            for ln in lines:
                w.emit(ln.text, ln.box, closes=True, furniture="table header")
            continue
        continued_row = True
        for column, bbox in enumerate(cells):
            if bbox is None:
                continue
            lines = _cell_lines(page, bbox, number)
            if column in (FUNCTION, CONTENT) and lines:
                continued_row = False
            _write_items(lines, column, number, continued_row and r <= 1, w)


def _write_items(lines: list[_Line], column: int, page: int, continued: bool, w: _Writer) -> None:
    """Split a cell into items at lines starting with a code of the column's depth."""
    pattern = _CODE_OF_COLUMN[column]
    items: list[list[_Line]] = []
    for ln in lines:
        if pattern.match(ln.text) or not items:
            items.append([ln])
        else:
            items[-1].append(ln)
    for i, item in enumerate(items):
        numbers = [
            w.emit(ln.text, ln.box, closes=(k == len(item) - 1)) for k, ln in enumerate(item)
        ]
        pieces = [Piece(n, ln.text) for n, ln in zip(numbers, item, strict=True)]
        match = pattern.match(item[0].text)
        code = match.group(1) if match else ""
        if column == FUNCTION and match:
            code = item[0].text.split(".")[0]
        prior = [c for c in w.cells if c.column == column]
        if not match and i == 0 and continued and prior:
            prior[-1].pieces.extend(pieces)  # the rest of an item cut by the page break
            continue
        w.cells.append(
            Cell(column, code, pieces, page, open=False, malformed=False, from_geometry=True)
        )


def _write_weight_table(table: Any, page: Any, number: int, w: _Writer) -> None:
    """§4 rows as ``label v v v`` lines under the header words, as the weights reader reads."""
    for r, row in enumerate(table.rows):
        cells = list(row.cells)
        cell_lines = [(_cell_lines(page, b, number) if b else []) for b in cells]
        if r == 0:
            for lines in cell_lines:
                for ln in lines:
                    w.emit(ln.text, ln.box, closes=True, furniture="weight table header")
            continue
        group, label_cell, values = cell_lines[0], cell_lines[1], cell_lines[2:]
        for ln in group:
            w.emit(ln.text, ln.box, closes=True)
        label = "".join(ln.text for ln in label_cell)
        value_texts = [" ".join(ln.text for ln in v) for v in values]
        parts = [p for p in [label, *value_texts] if p]
        if not parts:
            continue
        boxes = [ln.box for lines in cell_lines[1:] for ln in lines] or [ln.box for ln in group]
        box = Box(
            number,
            min(b.x0 for b in boxes),
            min(b.top for b in boxes),
            max(b.x1 for b in boxes),
            max(b.bottom for b in boxes),
        )
        w.emit(" ".join(parts), box, closes=True)


__all__ = ["MAX_BYTES", "MAX_PAGES", "read_pdf"]
