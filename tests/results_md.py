"""Sections of ``tests/w3c/RESULTS.md``, each written by the test that measures it.

Several test modules report into one file (the SPARQL Protocol suite, the catalog parity
across engines, …); each owns the text between its two markers and rewrites only that, so
running one module never erases another's table.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).parent / "w3c" / "RESULTS.md"


def write_section(key: str, markdown: str, path: Path = RESULTS) -> None:
    """Put ``markdown`` between the ``key`` markers of ``path`` (appended if absent)."""
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        text = head + block + ("\n" + tail if tail else "")
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + block
    path.write_text(text, encoding="utf-8")


def read_section(key: str, path: Path = RESULTS) -> str:
    """The text between the ``key`` markers; empty when the section is absent."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    if begin not in text or end not in text:
        return ""
    return text.split(begin, 1)[1].split(end, 1)[0].strip()
