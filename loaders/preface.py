"""Front matter: the title block, the document's status or edition, and the 说明 preface.

A draft's text starts with its title block (``碳排放管理员`` ``国家职业技能标准``
``（征求意见稿）``).  A published edition has a cover, a 说明 preface and then the title block
again on the first page of the standard (``（2021年版）``).  The preface says what the
standard is based on, who drafted and reviewed it and which ministries approved it: those
become metadata of the ``sg:OccupationalStandard``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from skillgraph.model import Preface, TextItem

from .errors import SourceFormatError
from .source import SourceLine

_PREFACE_HEADING = "说明"
_EDITION = re.compile(r"(\d{4})\s*年版")
_BASIS = re.compile(r"(?<!本)《([^《》]+(?:《[^《》]*》[^《》]*)*)》")  # not 本《标准》 itself
_FIELDS = {
    "drafting_organisations": re.compile(r"主要起草单位有：(?P<v>[^。]+)。"),
    "drafters": re.compile(r"主要起草人有：(?P<v>[^。]+)。"),
    "reviewing_organisations": re.compile(r"审定单位有：(?P<v>[^。]+)。"),
    "reviewers": re.compile(r"主要审定人员有：(?P<v>[^。]+)。"),
    "approved_by": re.compile(r"业经(?P<v>.+?)批准"),
}


@dataclass
class Front:
    title: str
    status: str  # as printed inside the brackets: 征求意见稿, 2021年版
    edition: int | None
    preface: Preface
    owner: dict[int, str] = field(default_factory=dict)  # line → "standard/preface/n"


def read_front(head: list[SourceLine], path: Path) -> Front:
    """Read the lines before §1: cover, preface and title block."""
    start = next(
        (i for i, sl in enumerate(head) if sl.text.replace(" ", "") == _PREFACE_HEADING), None
    )
    block = head
    preface_lines: list[SourceLine] = []
    if start is not None:
        breaks = [i for i, sl in enumerate(head) if sl.page_break and i > start]
        end = breaks[-1] if breaks else len(head)
        preface_lines, block = head[start + 1 : end], head[end:]
    texts = [sl.text for sl in block if sl.text and not sl.text.startswith("—")]
    status = next((t.strip("（）()") for t in texts if t.startswith(("（", "("))), "")
    title = "".join(t for t in texts if not t.startswith(("（", "(")))
    if not title:
        raise SourceFormatError(path, 1, "no title before section 1")
    edition = _EDITION.search(status.replace(" ", ""))
    issuers = [
        sl.text.replace(" ", "")
        for sl in head[: start or 0]
        if sl.text.replace(" ", "").startswith("中华人民共和国")
    ]
    preface, owner = _preface(preface_lines, issuers)
    return Front(title, status, int(edition[1]) if edition else None, preface, owner)


def _paragraphs(lines: list[SourceLine]) -> list[list[SourceLine]]:
    paras: list[list[SourceLine]] = []
    open_para = False
    for sl in lines:
        if not sl.text or sl.text.startswith("—"):
            continue
        if not open_para:
            paras.append([])
        paras[-1].append(sl)
        open_para = not sl.closes_cell
    return paras


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split("、") if n.strip()]


def _preface(lines: list[SourceLine], issuers: list[str]) -> tuple[Preface, dict[int, str]]:
    preface = Preface(issued_by=issuers)
    owner: dict[int, str] = {}
    for n, para in enumerate(_paragraphs(lines), 1):
        text = "".join(sl.text for sl in para)
        key = f"preface/{n}"
        preface.paragraphs.append(TextItem(key, text, para[0].number, None))
        for sl in para:
            owner[sl.number] = f"standard/{key}"
        if "为依据" in text:  # 以《通知》为依据，按照《规程》有关要求: both are its basis
            preface.basis.extend(_BASIS.findall(text))
        for name, pattern in _FIELDS.items():
            if match := pattern.search(text):
                getattr(preface, name).extend(_names(match["v"]))
    return preface, owner


__all__ = ["Front", "read_front"]
