"""The interchange exports of each standard as files of the build: ``exports/<code>/<name>``.

``skillgraph build`` writes them (it holds the graph and the parsed models, so nothing is
read twice and the server stays a read-only file server); ``skillgraph serve`` answers
``/exports/<code>/<name>`` from the build directory and ``skillgraph publish`` copies them,
so the live site and a static copy offer the same bytes at the same paths.

Deterministic like every build artifact: the records' change time (CASE
``lastChangeDateTime``, CTDL ``dateModified``, the workbook's properties) is when the
standard's source last changed (its file time, or ``SOURCE_DATE_EPOCH`` when set, as for
reproducible builds), never the time of the build; the workbook's zip entries carry it too.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from ..model import Standard
from .graph import standards_in

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportKind:
    name: str  # file name under exports/<code>/
    media_type: str
    label: str  # for people (pages, DCAT titles)
    conforms_to: str | None  # the specification, for DCAT


EXPORTS = (
    ExportKind("case.json", "application/json", "CASE 1.1 package",
               "https://www.imsglobal.org/spec/case/v1p1"),
    ExportKind("ctdl.jsonld", "application/ld+json", "CTDL-ASN (JSON-LD)",
               "https://credreg.net/ctdlasn/terms"),
    ExportKind("workbook.xlsx", XLSX_MEDIA, "工作簿 / Workbook (xlsx)", None),
)  # fmt: skip
BY_NAME = {e.name: e for e in EXPORTS}


@dataclass(frozen=True)
class ExportFile:
    """One export present in a build: what pages and DCAT say about it."""

    code: str
    kind: ExportKind
    size: int

    @property
    def path(self) -> str:
        """Site path (and path under the build directory)."""
        return f"exports/{self.code}/{self.kind.name}"


def source_time(path: Path) -> datetime:
    """When a source last changed: ``SOURCE_DATE_EPOCH`` if set, else the file's time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else int(path.stat().st_mtime)
    return datetime.fromtimestamp(seconds, tz=UTC)


def export_files(graph: Graph, standards: Sequence[tuple[Standard, datetime]]) -> dict[str, bytes]:
    """``exports/<code>/<name>`` → bytes for each standard (with its change time)."""
    from .case import write_case
    from .ctdl import write_ctdl

    refs = {ref.code: ref for ref in standards_in(graph)}
    files: dict[str, bytes] = {}
    for std, changed in standards:
        code = std.profile.code
        ref = refs.get(code)
        if ref is None:  # a standard the graph does not describe has nothing to export
            continue
        files[f"exports/{code}/case.json"] = _json(write_case(graph, ref, changed))
        files[f"exports/{code}/ctdl.jsonld"] = _json(write_ctdl(graph, ref, changed))
        files[f"exports/{code}/workbook.xlsx"] = workbook_bytes(std, changed)
    return files


def _json(data: object) -> bytes:
    """As ``skillgraph export`` writes it."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def workbook_bytes(std: Standard, changed: datetime) -> bytes:
    """The standard's workbook with ``changed`` as its time everywhere openpyxl puts now."""
    from .xlsx import write_workbook

    with tempfile.TemporaryDirectory() as tmp:
        data = write_workbook(std, Path(tmp) / "book.xlsx").read_bytes()
    return _fixed_time(data, changed)


def _fixed_time(xlsx: bytes, changed: datetime) -> bytes:
    stamp = changed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)",
                                  rf"\g<1>{stamp}\g<2>", text)  # fmt: skip
                body = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=changed.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


def exports_in(build_dir: Path | None, code: str | None = None) -> list[ExportFile]:
    """The exports a build holds (of one occupation ``code``, or all), in a stable order."""
    root = build_dir / "exports" if build_dir is not None else None
    if root is None or not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if code is not None and folder.name != code:
            continue
        for kind in EXPORTS:
            path = folder / kind.name
            if path.is_file():
                found.append(ExportFile(folder.name, kind, path.stat().st_size))
    return found
