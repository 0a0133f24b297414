"""`skillgraph export`: one file per standard of a build, in an interchange format."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import DCTERMS

from .graph import InterchangeError, StandardRef, load_build, standards_in

Writer = Callable[[Graph, StandardRef, datetime], Any]


def _writers() -> dict[str, tuple[Writer, str]]:
    from .case import write_case
    from .ctdl import write_ctdl

    return {"case": (write_case, ".case.json"), "ctdl": (write_ctdl, ".ctdl.jsonld")}


FORMATS = ("case", "ctdl", "xlsx")


def export(
    build_dir: Path,
    fmt: str,
    occupation: str | None = None,
    out: Path | None = None,
    source: Path | None = None,
) -> list[Path]:
    """Write each standard (or the one of ``occupation``) and return the files written.

    ``out`` is a directory (default ``build_dir/interchange``), or, when one standard is
    written, a file name ending in .json or .jsonld.
    """
    if fmt == "xlsx":
        return export_workbooks(build_dir, occupation, out, source)
    writer, suffix = _writers()[fmt]
    graph, changed = load_build(build_dir)
    refs = standards_in(graph, occupation)
    if not refs:
        raise InterchangeError(f"{build_dir}: the build holds no standard")
    target = out if out is not None else build_dir / "interchange"
    as_file = out is not None and out.suffix.lower() in (".json", ".jsonld") and not out.is_dir()
    if as_file and len(refs) > 1:
        raise InterchangeError(
            f"{out}: {len(refs)} standards to write; name a directory or pass --occupation"
        )
    written = []
    for ref in refs:
        data = writer(graph, ref, changed)
        path = target if as_file else target / f"{ref.code}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=1)
        path.write_text(body + "\n", encoding="utf-8")
        written.append(path)
    return written


def export_workbooks(
    build_dir: Path, occupation: str | None, out: Path | None, source: Path | None
) -> list[Path]:
    """Workbooks hold the parsed model, so they are written from the standards' sources:
    ``source``, or the shipped source each standard of the build was read from."""
    from ..loaders.errors import SourceFormatError
    from ..loaders.standard import parse_standard, shipped_sources
    from .xlsx import write_workbook

    if source is not None:
        paths = [source]
    else:
        graph, _ = load_build(build_dir)
        shipped = {p.name: p for p in shipped_sources()}
        paths = []
        for ref in standards_in(graph, occupation):
            name = str(graph.value(ref.standard, DCTERMS.source) or "")
            if name not in shipped:
                raise InterchangeError(
                    f"{ref.code}: read from {name!r}, which is not shipped: pass --source FILE"
                )
            paths.append(shipped[name])
    as_file = out is not None and out.suffix.lower() == ".xlsx"
    if as_file and len(paths) > 1:
        raise InterchangeError(f"{out}: {len(paths)} standards; name a directory or --occupation")
    target = out if out is not None else build_dir / "interchange"
    written = []
    for path in paths:
        try:
            std = parse_standard(path)
        except SourceFormatError as exc:
            raise InterchangeError(str(exc)) from exc
        if source is not None and occupation not in (None, std.profile.code):
            raise InterchangeError(f"{path}: holds {std.profile.code}, not {occupation}")
        dest = target if as_file else target / f"{std.profile.code}.xlsx"
        written.append(write_workbook(std, dest))
    return written
