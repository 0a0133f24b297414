"""Reading a standard's text: decoding, line flags and page-break detection.

The PDF extraction leaves three signals we rely on: a trailing space usually closes a
table cell (a paragraph end); a line starting with a space directly after a non-blank
line starts a new page; page footers look like ``— 19 —``.  Decoding problems are
reported with the file and line, never guessed around silently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceFormatError

PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")


@dataclass(frozen=True)
class SourceLine:
    number: int  # 1-based line number in the file
    raw: str
    text: str  # stripped, NFC, full-width digits/periods made ASCII
    closes_cell: bool  # ended with a space: the end of a paragraph or table cell
    page_break: bool  # first line of a new page

    @property
    def width(self) -> int:
        return display_width(self.text)


_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def display_width(text: str) -> int:
    """Width in half-width cells: column widths of the PDF table show through it."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def read_source(path: Path) -> tuple[list[str], str]:
    """Decode a standard's text file; returns its lines (no line ends) and its sha256.

    Accepts UTF-8 with or without BOM and CRLF line ends; anything else is an error
    naming the first undecodable line.
    """
    data = path.read_bytes()
    if not data.strip():
        raise SourceFormatError(path, 1, "the file is empty")
    if b"\x00" in data[:4096]:
        raise SourceFormatError(path, 1, "binary data (NUL bytes), not a standard's text")
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n"), digest


def source_lines(lines: list[str]) -> list[SourceLine]:
    """Flag every line; blank lines are kept so numbers stay those of the file."""
    out: list[SourceLine] = []
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        prev = lines[i - 1] if i else ""
        page_break = bool(stripped) and raw[:1].isspace() and prev != ""
        out.append(
            SourceLine(
                number=i + 1,
                raw=raw,
                text=unicodedata.normalize("NFC", stripped).translate(_FULLWIDTH),
                closes_cell=raw != raw.rstrip(),
                page_break=page_break,
            )
        )
    return out
