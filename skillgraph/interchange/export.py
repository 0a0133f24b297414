"""`skillgraph export`: one file per standard of a build, in an interchange format."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rdflib import Graph

from .graph import InterchangeError, StandardRef, load_build, standards_in

Writer = Callable[[Graph, StandardRef, datetime], Any]


def _writers() -> dict[str, tuple[Writer, str]]:
    from .case import write_case
    from .ctdl import write_ctdl

    return {"case": (write_case, ".case.json"), "ctdl": (write_ctdl, ".ctdl.jsonld")}


FORMATS = ("case", "ctdl")


def export(
    build_dir: Path, fmt: str, occupation: str | None = None, out: Path | None = None
) -> list[Path]:
    """Write each standard (or the one of ``occupation``) and return the files written.

    ``out`` is a directory (default ``build_dir/interchange``), or a file name when one
    standard is written.
    """
    writer, suffix = _writers()[fmt]
    graph, changed = load_build(build_dir)
    refs = standards_in(graph, occupation)
    if not refs:
        raise InterchangeError(f"{build_dir}: the build holds no standard")
    target = out if out is not None else build_dir / "interchange"
    as_file = out is not None and out.suffix != "" and not out.is_dir()
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
