"""The comment sheet (征求意见反馈表) as an xlsx workbook: one worksheet per standard.

Row 1 is the sheet's title, row 2 the usual columns (序号, 章条编号, 意见内容, 理由/依据)
followed by ours (suggestion, rule, origin, trade-level, text, line, page, IRI, English,
and an empty 处理意见 for the drafters' answer); one row per finding or warning, in the
order of the findings page.  The header stays in view (frozen), long texts wrap, the
columns have widths a reader can use, and the header row repeats on every printed page.
The bytes are the same for the same review (fixed timestamps), like every build artifact.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime

from .collect import Item, Review, StandardReview
from .texts import HEADERS, ORIGIN, SHEET_TITLE, WIDTHS

FIXED_TIME = datetime(2020, 1, 1)
_STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
HEADER_ROW = 2


def row_values(number: int, item: Item) -> list[object]:
    """The cells of one item's row, in the order of :data:`texts.HEADERS`."""
    return [
        number, item.clause, item.comment, item.about.reason, item.suggestion,
        item.about.name_zh, ORIGIN[item.origin], item.group_label, item.text,
        item.line, item.page, item.node, item.message_en, "",
    ]  # fmt: skip


def sheet_rows(items: Sequence[Item]) -> list[list[object]]:
    return [row_values(n, item) for n, item in enumerate(items, start=1)]


def workbook_bytes(review: Review, codes: Sequence[str] | None = None) -> bytes:
    """The workbook of the standards ``codes`` (default: every standard of the review, and a
    sheet 其他 for warnings about nodes of no one standard, if there are any)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    chosen = [s for s in review.standards if codes is None or s.code in codes]
    for std in chosen:
        _sheet(book, std.code, _title(std), std.items)
    if codes is None and review.elsewhere:
        _sheet(book, "其他", SHEET_TITLE, review.elsewhere)
    if not book.worksheets:  # an empty build still gives a readable (empty) sheet
        _sheet(book, "—", SHEET_TITLE, [])
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "skillgraph"
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip(out.getvalue())


def _title(std: StandardReview) -> str:
    return f"《{std.title or std.name}》{SHEET_TITLE}（{std.code}）"


def _sheet(book: object, name: str, title: str, items: Sequence[Item]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name[:31])  # type: ignore[attr-defined]
    last = get_column_letter(len(HEADERS))
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    sheet.append(list(HEADERS))
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    wrap = Alignment(vertical="top", wrap_text=True)
    for values in sheet_rows(items):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            cell.alignment = wrap
            cell.border = border
        iri = sheet.cell(sheet.max_row, HEADERS.index("节点 IRI") + 1)
        if iri.value:
            iri.hyperlink = str(iri.value)
    for n, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"  # header rows and 序号/章条编号 stay in view
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(sheet.max_row, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ``FIXED_TIME``: the same rows, the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = _MODIFIED.sub(rb"\g<1>" + _STAMP + rb"\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()
