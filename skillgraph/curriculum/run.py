"""What `skillgraph curriculum` does, as one library call that writes nothing until the end.

Everything (reading, checking, validating, computing, rendering) happens in memory first;
only then are the outputs written, each to a temporary file beside it and renamed, so an
error anywhere leaves no file behind and an existing output is never half-overwritten.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..serialize import to_ntriples
from ..store import store_from_build
from . import read_curriculum
from .coverage import compute_coverage
from .index import load_index
from .rdf import add_to_store, to_trig, to_turtle_bytes
from .refs import resolve_level
from .report import csv_files, render
from .suggest import suggest
from .table import neutralise

__all__ = ["CurriculumRun", "run_curriculum", "run_template", "write_outputs"]

QUERY_FORMATS = {"md": "table", "csv": "csv", "json": "json"}


@dataclass
class CurriculumRun:
    """What to write: ``files`` (path → bytes) and ``stdout``; plus a one-line summary."""

    files: dict[Path, bytes] = field(default_factory=dict)
    stdout: bytes = b""
    summary: str = ""


def run_curriculum(
    sheet: Path,
    *,
    target: str,
    build_dir: Path,
    fmt: str = "md",
    out: Path | None = None,
    suggestions: bool = False,
    top: int = 5,
    iri: str | None = None,
    rdf: Path | None = None,
    query: str | None = None,
) -> CurriculumRun:
    """Read ``sheet``, check it against the build, and prepare the asked-for outputs.

    Raises ``CurriculumError`` (cells), ``RefError`` (target), ``FileNotFoundError`` (no
    build), ``ValueError`` (an option combination that cannot work).
    """
    store = store_from_build(build_dir)
    index = load_index(store)
    level = resolve_level(target, index)
    loaded = read_curriculum(sheet, index, iri=iri)
    cur = loaded.curriculum
    run = CurriculumRun()
    if rdf is not None:
        suffix = rdf.suffix.lower()
        writers = {".trig": lambda: to_trig(loaded.graph, cur.iri),
                   ".ttl": lambda: to_turtle_bytes(loaded.graph, cur.iri),
                   ".nt": lambda: to_ntriples(loaded.graph)}  # fmt: skip
        if suffix not in writers:
            raise ValueError(f"--rdf {rdf}: use .trig (named graph), .ttl or .nt")
        run.files[rdf] = writers[suffix]()
    if suggestions:
        unmapped = [(c.course_id, c.title, str(c.hours), c.description)
                    for c in cur.courses if not c.mappings]  # fmt: skip
        rows = suggest(unmapped, index, level.iri, top=top)
        taught: dict[str, list[str]] = {}
        for c in cur.courses:
            for m in c.mappings:
                for r in m.requirements:
                    taught.setdefault(r, []).append(c.course_id)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["course_id", "course_title", "hours", "requirement", "treatment", "notes",
                    "score"])  # fmt: skip
        for s in rows:
            also = taught.get(s.iri)
            note = f"suggested: {s.text}" + (f" (already taught by {', '.join(also)})"
                                             if also else "")  # fmt: skip
            w.writerow([neutralise(s.course_id), neutralise(s.course_title), s.hours,
                        s.requirement, "", neutralise(note), f"{s.score:.3f}"])  # fmt: skip
        _emit(run, out, ("\ufeff" + buf.getvalue()).encode("utf-8"))
        run.summary = (f"{len(rows)} suggestions for {len(unmapped)} course(s) without a "
                       f"mapping, against {level.label}")  # fmt: skip
        return run
    if query is not None:
        from ..catalog import load_query
        from ..params import bind, parse_parameters
        from ..results import render as render_query

        if fmt not in QUERY_FORMATS:
            raise ValueError(f"--query answers in {', '.join(QUERY_FORMATS)}, not {fmt}")
        text = load_query(query)
        declared = {p.name for p in parse_parameters(text)}
        values = {"curriculum": [cur.iri], "target": [level.iri]}
        add_to_store(store, loaded.graph, cur.iri)
        bound = bind(text, {k: v for k, v in values.items() if k in declared})
        _emit(run, out, render_query(store, bound, QUERY_FORMATS[fmt]))
        run.summary = f"{query} on {cur.iri} (graph) and {level.label}"
        return run
    cov = compute_coverage(cur, index, level.iri)
    if fmt == "csv":
        if out is None or out.is_file():
            raise ValueError("--format csv writes one file per table: give --out DIR")
        for name, data in csv_files(cov).items():
            run.files[out / name] = data
    else:
        _emit(run, out, render(cov, fmt))
    o = cov.own
    run.summary = (f"{level.label}: {o.covered}/{o.requirements} own requirements covered, "
                   f"{len(cov.gaps)} gaps (own and inherited)")  # fmt: skip
    return run


def run_template(target: str, *, build_dir: Path, out: Path) -> CurriculumRun:
    """The .xlsx template pre-filled with ``target``'s requirements, to be written to ``out``.

    Raises ``RefError`` (target), ``FileNotFoundError`` (no build), ``ValueError`` (not .xlsx).
    """
    from .template import template_xlsx

    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"--out {out}: the template is a workbook; name it .xlsx")
    index = load_index(store_from_build(build_dir))
    level = resolve_level(target, index)
    run = CurriculumRun(files={out: template_xlsx(index, level)})
    run.summary = (f"template for {level.label}: {len(index.requires(level.iri))} requirements, "
                   "a column per course to tick")  # fmt: skip
    return run


def _emit(run: CurriculumRun, out: Path | None, data: bytes) -> None:
    if out is None:
        run.stdout = data
    else:
        run.files[out] = data


def write_outputs(run: CurriculumRun) -> None:
    """Write every file atomically (temp file beside it, then rename)."""
    for path, data in run.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual mode
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
