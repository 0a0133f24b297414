"""Reviewed corrections of a draft that need judgement (docs/architecture.md, "Template
interpreter").

The source text is never edited.  A correction names the node by its place as printed
(trade-level and printed code) and the source line, so that a correction which no
longer matches the text fails loudly instead of silently changing something else.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from skillgraph.model import FindingKind, TradeLevel

from .errors import SourceFormatError
from .tables import NodeFinding


@dataclass(frozen=True)
class Correction:
    trade_level: str  # "civil-aviation/1" or "common/5"
    printed: str  # "W1.3": column letter (F, W, S, K) + printed code
    line: int
    code: str  # the corrected code
    reason: str
    reviewed_by: str


def load_errata(occupation_code: str, path: Path | None = None) -> list[Correction]:
    """Corrections for one occupation; no file means no corrections."""
    if path is None:
        res = resources.files("skillgraph.standards.errata") / f"{occupation_code}.toml"
        if not res.is_file():
            return []
        text, where = res.read_text(encoding="utf-8"), str(res)
    else:
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceFormatError(where, getattr(exc, "lineno", 1), f"errata file: {exc}") from None
    out = []
    for i, entry in enumerate(data.get("correction", []), 1):
        missing = {"trade_level", "printed", "line", "code", "reason", "reviewed_by"} - set(entry)
        if missing:
            raise SourceFormatError(where, 1, f"correction {i} lacks {', '.join(sorted(missing))}")
        out.append(Correction(**{k: entry[k] for k in Correction.__dataclass_fields__}))
    return out


def apply_errata(
    corrections: list[Correction],
    trade_levels: dict[str, TradeLevel],
    findings: list[NodeFinding],
    source: Path,
) -> None:
    """Set the corrected code (keeping the printed one) before numbering is normalized."""
    for c in corrections:
        tl = trade_levels.get(c.trade_level)
        node = _find(tl, c.printed, c.line) if tl else None
        if node is None:
            raise SourceFormatError(
                source, c.line, f"erratum for {c.trade_level} {c.printed} matches nothing here"
            )
        node.printed_code = node.code
        node.code = c.code
        findings.append(
            NodeFinding(
                FindingKind.ERRATUM_APPLIED,
                f"勘误：{c.printed[1:]} 改为 {c.code}。{c.reason}",
                c.line,
                node,
            )
        )


def _find(tl: TradeLevel, printed: str, line: int) -> object | None:
    column, code = printed[0], printed[1:]
    for fn in tl.functions:
        if column == "F" and fn.code == code and fn.line == line:
            return fn
        for wc in fn.contents:
            if column == "W" and wc.code == code and wc.line == line:
                return wc
            items = wc.skills if column == "S" else wc.knowledge if column == "K" else []
            for req in items:
                if req.code == code and req.line == line:
                    return req
    return None
