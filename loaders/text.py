"""The text reader: a standard's text extraction (one file line = one layout line)."""

from __future__ import annotations

from pathlib import Path

from .layout import Layout
from .source import read_source


def read_text(path: Path) -> Layout:
    """Decode the file (UTF-8, BOM and CRLF allowed); lines keep their numbers."""
    lines, digest = read_source(Path(path))
    return Layout(source=Path(path), sha256=digest, kind="text", lines=lines)


__all__ = ["read_text"]
