"""``tests/w3c/RESULTS.md`` holds one section per writer (the SPARQL protocol test, the
SHACL benchmark); each rewrites its own section between HTML-comment markers and keeps
the others."""

from __future__ import annotations

import re
from pathlib import Path

ORDER = ("protocol", "shacl")  # where a section goes when it is new


def write_section(path: Path, name: str, text: str) -> None:
    """Replace (or add, in :data:`ORDER`) the section ``name`` of ``path`` with ``text``."""
    sections = read_sections(path)
    sections[name] = text.strip() + "\n"
    names = [n for n in ORDER if n in sections] + [n for n in sections if n not in ORDER]
    body = "\n".join(
        f"<!-- section: {n} -->\n{sections[n]}<!-- end of section: {n} -->\n" for n in names
    )
    path.write_text(body, encoding="utf-8")


def read_sections(path: Path) -> dict[str, str]:
    """The sections of ``path``; a file written before sections existed is "protocol"."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    found = dict(
        re.findall(r"<!-- section: (\w+) -->\n(.*?)<!-- end of section: \1 -->", text, re.S)
    )
    if not found and text.strip():
        return {"protocol": text}
    return found
