"""The layout: what every reader hands to the template interpreter.

A layout is the document as numbered lines in one *line form*, plus, where the reader
knows the page geometry, where each line sits and which §3 table cell it belongs to.  The
text reader's lines are the file's own; the PDF reader writes its lines in the same form
(see :mod:`loaders.pdf`), so the interpreter reads both the same way and every item keeps
a line number (``sg:sourceLine``) and, for a PDF, a page and box (``sg:sourcePage``).

The line form (the signals the text extraction of a PDF leaves, which the PDF reader
writes from geometry):

* a trailing space ends a paragraph or a table cell;
* a line starting with a space, directly after a non-blank line, starts a new page;
* page footers read ``— N —``;
* a footnote marker stands on a line of its own after the line it belongs to (``1`` or
  ``①``); a footnote body is a marker line followed by a space-led line.

``cells`` are §3 table cells read from ruling lines (PDF only).  When a layout has none,
the interpreter joins cells from the lines themselves (:mod:`loaders.cells`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cells import Cell


@dataclass(frozen=True)
class Box:
    """Where a line's text sits: 1-based page, and its box in PDF points from the top left."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Layout:
    source: Path
    sha256: str
    kind: str  # "text" | "pdf"
    lines: list[str]  # index 0 = line 1, in the line form above
    boxes: dict[int, Box] = field(default_factory=dict)  # line → box (PDF only)
    cells: list[Cell] = field(default_factory=list)  # §3 cells by geometry (PDF only)
    furniture: dict[int, str] = field(default_factory=dict)  # line → why it is no content

    def page(self, line: int) -> int | None:
        box = self.boxes.get(line)
        return box.page if box else None

    def cells_between(self, first: int, last: int) -> list[Cell]:
        """Geometric cells whose first line lies in [first, last], in reading order."""
        return [c for c in self.cells if first <= c.line <= last]


def read_layout(path: Path) -> Layout:
    """The layout of a standard's source, by its kind (PDF by its magic bytes, else text)."""
    from .errors import SourceFormatError

    path = Path(path)
    try:
        head = path.open("rb").read(5)
    except OSError as exc:
        raise SourceFormatError(path, 1, f"cannot read the file: {exc.strerror}") from None
    if head == b"%PDF-":
        from .pdf import read_pdf

        return read_pdf(path)
    if path.suffix.lower() == ".pdf":
        raise SourceFormatError(path, 1, "named .pdf but not a PDF file (no %PDF- header)")
    from .text import read_text

    return read_text(path)


__all__ = ["Box", "Layout", "read_layout"]
