"""The review as a command writes it: a terminal listing, CSV, JSON or the xlsx sheet.

Every format lists the same items in the same order, numbered as the comment sheet's
序号 (through each standard), so a count read from any of them is the build's count.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .collect import Item, Review, StandardReview
from .render import heading, numbered
from .sheet import row_values, workbook_bytes
from .texts import HEADERS, ORIGIN

FORMATS = ("table", "csv", "json", "xlsx")


class UnknownOccupation(LookupError):
    """``--occupation`` names no standard of the build; the message lists the known ones."""


def select(review: Review, occupation: str | None) -> list[StandardReview]:
    """The standards ``occupation`` names (code, name or IRI; None: every one)."""
    if occupation is None:
        return review.standards
    wanted = occupation.strip()
    for std in review.standards:
        if wanted in (std.code, std.name, std.occupation, std.document):
            return [std]
    from ..names import did_you_mean

    known = [s.code for s in review.standards] + [s.name for s in review.standards]
    raise UnknownOccupation(
        f"no standard of this build is for occupation {wanted!r}"
        f"{did_you_mean(wanted, known)} (known: {', '.join(known) or 'none'})"
    )


def item_data(number: int, i: Item) -> dict[str, Any]:
    return {"number": number, "clause": i.clause, "comment": i.comment,
            "reason": i.about.reason, "suggestion": i.suggestion, "rule": i.rule,
            "origin": i.origin, "severity": i.severity, "tradeLevel": i.group or None,
            "tradeLevelLabel": i.group_label, "node": i.node, "text": i.text,
            "code": i.code, "printedCode": i.printed or None, "line": i.line, "page": i.page,
            "message": i.message, "messageEn": i.message_en}  # fmt: skip


def as_data(chosen: list[StandardReview], elsewhere: list[Item] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"standards": [
        {"code": s.code, "name": s.name, "title": s.title, "findings": s.findings,
         "warnings": s.warnings,
         "items": [item_data(n, i) for _f, _l, rows in numbered(s) for n, i in rows]}
        for s in chosen
    ]}  # fmt: skip
    if elsewhere:
        out["elsewhere"] = [item_data(n, i) for n, i in enumerate(elsewhere, 1)]
    return out


def render(review: Review, chosen: list[StandardReview], fmt: str) -> bytes:
    """``chosen`` in ``fmt`` (one of :data:`FORMATS`); all standards chosen → the warnings
    about shared nodes too."""
    everything = len(chosen) == len(review.standards)
    elsewhere = review.elsewhere if everything else []
    if fmt == "xlsx":
        return workbook_bytes(review, None if everything else [s.code for s in chosen])
    if fmt == "json":
        text = json.dumps(as_data(chosen, elsewhere), ensure_ascii=False, indent=1) + "\n"
        return text.encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["标准", *HEADERS])
        for std in chosen:
            for _f, _l, rows in numbered(std):
                writer.writerows([std.code, *_plain(row_values(n, i))] for n, i in rows)
        writer.writerows(["", *_plain(row_values(n, i))] for n, i in enumerate(elsewhere, 1))
        return out.getvalue().encode("utf-8")
    return _table(chosen, elsewhere).encode("utf-8")


def _plain(values: list[object]) -> list[object]:
    return ["" if v is None else v for v in values]


def _table(chosen: list[StandardReview], elsewhere: list[Item]) -> str:
    lines = []
    for std in chosen:
        lines.append(f"{std.code} {std.name}: {heading(std)}")
        for _first, label, rows in numbered(std):
            lines.append(f"  {label} ({len(rows)})")
            for n, item in rows:
                lines.append(f"  {n:>4}. {item.comment}")
                where = f"line {item.line}" if item.line else ""
                if item.page:
                    where += f", page {item.page}"
                lines.append(f"        {item.about.name_zh} · {ORIGIN[item.origin]}"
                             + (f" · {where}" if where else "") + f" · {item.node}")  # fmt: skip
    if elsewhere:
        lines.append(f"not of one standard: {len(elsewhere)} warnings")
        lines += [f"  {n:>4}. {i.comment} · {i.node}" for n, i in enumerate(elsewhere, 1)]
    total = sum(len(s.items) for s in chosen) + len(elsewhere)
    lines.append(f"{total} items")
    return "\n".join(lines) + "\n"


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` and rename it into place: a killed writer leaves the
    previous file (docs/architecture.md, Invariants)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
