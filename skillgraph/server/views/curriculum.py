"""``/curriculum``: map a curriculum spreadsheet onto a trade-level in the browser.

- ``GET /curriculum``: the upload form (file, target picker of the served graph's
  trade-levels, format) and the template download.  The picker needs only the
  trade-levels (``load_directory``); an upload or a template indexes the standard of its
  target alone (``load_index`` of its occupation, kept for the next ones), so the first
  upload takes a second, not minutes, however many standards the server holds.
- ``POST /curriculum`` (multipart): the coverage report as a page (heatmap, gaps, hours),
  with its JSON and CSV downloads as ``data:`` links; ``format=json`` or ``format=csv``
  answers with the download itself.  Nothing is stored: the form is parsed by Starlette
  (python-multipart) into memory or an anonymous temporary file, and the mapping runs in
  a worker process (``server/mapping.py``) under the curriculum loader's input limits;
  the server's request-body cap (``serve --max-body``) applies before any of them.
- ``GET /curriculum/template?target=…``: the .xlsx template pre-filled with the target's
  requirements (``curriculum/template.py``), which the upload reads back as it is.
- ``GET /curriculum/report.css``: the report's stylesheet (the page may not inline it:
  the Content-Security-Policy forbids inline styles).
"""

from __future__ import annotations

import base64
import contextlib
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import anyio
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...curriculum.index import StandardIndex, TradeLevelInfo, load_directory, load_index
from ...curriculum.refs import RefError, resolve_level
from ...curriculum.report import stylesheet
from ...curriculum.table import LIMITS, Issue
from ...curriculum.template import template_name, template_xlsx
from ...curriculum.upload import SUFFIXES, MappedReport, clean_name, zip_csv
from ..mapping import MappingBusy, MappingFailed, MappingPool
from .base import html, site

__all__ = ["ROUTES"]

FORMATS = ("html", "json", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_lock = threading.Lock()


SHARDS_KEPT = 16  # standards whose index the server keeps for the next upload
# up to this many trade-levels the picker lists them all; beyond, an occupation is chosen
# first (1,000 standards have ~14,500: a page of several MB)
PICKER_ALL = 300


@dataclass
class _State:
    directory: StandardIndex  # every trade-level, no requirements: the picker, the targets
    pool: MappingPool
    store: Any  # the pages' store, which the standards are indexed from
    # derived from the directory: every trade-level in the picker's order (by occupation or
    # trade name, 五级 → 一级), the occupations (IRI, name) by name, each one's levels
    levels: list[TradeLevelInfo] = field(init=False)
    occupations: list[tuple[str, str]] = field(init=False)
    by_occupation: dict[str, list[TradeLevelInfo]] = field(init=False)
    shards: OrderedDict[str, tuple[StandardIndex, bytes]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.levels = sorted(self.directory.trade_levels.values(),
                             key=lambda t: (t.trade_name, -t.rank))  # fmt: skip
        self.by_occupation = {}
        for tl in self.levels:
            self.by_occupation.setdefault(tl.occupation, []).append(tl)
        names = {tl.occupation: tl.occupation_name or tl.occupation for tl in self.levels}
        self.occupations = sorted(names.items(), key=lambda item: (item[1], item[0]))

    @property
    def occupation_first(self) -> bool:
        """Too many trade-levels for one list: the page asks for the occupation first."""
        return len(self.levels) > PICKER_ALL

    def picker(self, target: str, occupation: str) -> tuple[list[TradeLevelInfo], str]:
        """The trade-levels the page offers, and the occupation chosen: all of them on a
        small server; else those of ``occupation``, or of the target's (none before one
        is chosen)."""
        if not self.occupation_first:
            return self.levels, ""
        if target:
            with contextlib.suppress(RefError):
                occupation = resolve_level(target, self.directory).occupation
        return self.by_occupation.get(occupation, []), occupation

    def index_of(self, level: TradeLevelInfo) -> tuple[StandardIndex, bytes]:
        """The index of ``level``'s standard and its pickle (what the mapping worker is
        sent), made on first use; the last :data:`SHARDS_KEPT` are kept."""
        with self.lock:
            found = self.shards.get(level.occupation)
            if found is not None:
                self.shards.move_to_end(level.occupation)
                return found
        index = load_index(self.store, [level.occupation])
        found = index, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        with self.lock:
            self.shards[level.occupation] = found
            while len(self.shards) > SHARDS_KEPT:
                self.shards.popitem(last=False)
        return found


def _state(request: Request) -> _State:
    return state_of(request.app)


def state_of(app: Any) -> _State:
    """The served graph's trade-levels (for the picker and targets) and the mapping pool,
    made once and kept with the app: by :func:`prepare` as the server starts, or by the
    first request that needs them."""
    with _lock:
        found = getattr(app.state, "curriculum", None)
        if found is None:
            s = app.state.site
            directory = load_directory(s.ld.store)
            pool = MappingPool(memory_limit=s.config.memory_limit_mb * 2**20)
            found = app.state.curriculum = _State(directory, pool, s.ld.store)
    return found


def prepare(app: Any) -> None:
    """Read the trade-levels ahead of the first visitor, on a thread of the server's start
    (17 s from a cold on-disk store of 1,000 standards; 0.1 s for a hundred in memory).  A
    failure is left for that visitor's request to meet and report."""
    with contextlib.suppress(Exception):
        state_of(app)


def _page(request: Request, state: _State, *, status: int = 200, occupation: str = "",
          **context: Any) -> Response:  # fmt: skip
    levels, occupation = state.picker(context.get("target", ""), occupation)
    defaults: dict[str, Any] = {
        "levels": levels, "occupation": occupation,
        "occupations": state.occupations if state.occupation_first else [],
        "target": "", "fmt": "html", "issues": [], "error": "",
        "report": None, "downloads": [], "limits": LIMITS,
        "max_body_kb": site(request).config.max_body_kb, "suffixes": SUFFIXES,
    }  # fmt: skip
    return html("curriculum.html", here="curriculum", status=status, **{**defaults, **context})


async def curriculum_page(request: Request) -> Response:
    state = await anyio.to_thread.run_sync(_state, request)
    if request.method == "GET":
        target = request.query_params.get("target", "")
        occupation = request.query_params.get("occupation", "")
        return _page(request, state, target=target, occupation=occupation)
    return await _upload(request, state)


async def _upload(request: Request, state: _State) -> Response:
    try:
        async with request.form(max_files=1, max_fields=8, max_part_size=64 * 1024) as form:
            target = str(form.get("target") or "").strip()
            fmt = str(form.get("format") or "html").strip()
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return _page(request, state, status=400, target=target, fmt=fmt,
                             error="选择一个文件 / choose a file (.csv or .xlsx) to upload")
            name = clean_name(upload.filename)
            data = await upload.read(LIMITS.max_file_bytes + 1)
    except HTTPException as exc:  # the body cap, hit while the body was being read
        return _page(request, state, status=exc.status_code, error=str(exc.detail))
    except Exception as exc:  # a malformed multipart body (python-multipart says why)
        return _page(request, state, status=400, error=f"the form could not be read ({exc})")
    if fmt not in FORMATS:
        return _page(request, state, status=400, target=target,
                     error=f"format {fmt!r}: one of {', '.join(FORMATS)}")
    try:
        level = resolve_level(target, state.directory) if target else None
    except RefError as exc:
        return _page(request, state, status=400, target=target, fmt=fmt,
                     error=f"目标 target {target!r}: {exc}")
    if level is None:
        return _page(request, state, status=400, fmt=fmt,
                     error="选择目标等级 / choose the target trade-level")
    try:
        _, index = await anyio.to_thread.run_sync(state.index_of, level)
        answer = await anyio.to_thread.run_sync(state.pool.run, name, data, level.iri, index)
    except MappingBusy as exc:
        return _page(request, state, status=503, target=target, fmt=fmt,
                     error=f"{exc}; try again in a few seconds")
    except MappingFailed as exc:
        return _page(request, state, status=503, target=target, fmt=fmt, error=str(exc))
    except Exception as exc:  # e.g. the pipe to the worker broke: an answer, not a traceback
        return _page(request, state, status=500, target=target, fmt=fmt,
                     error=f"the mapping failed ({type(exc).__name__}: {exc})")
    if "failed" in answer:
        return _page(request, state, status=500, target=target, fmt=fmt, error=answer["failed"])
    if "issues" in answer:
        issues: list[Issue] = answer["issues"]
        return _page(request, state, status=400, target=target, fmt=fmt, issues=issues,
                     error=f"{name}: {len(issues)} problem(s); nothing was kept")
    report: MappedReport = answer["report"]
    stem = name.rsplit(".", 1)[0] or "curriculum"
    if fmt == "json":
        return _download(report.json, "application/json", f"{stem}-coverage.json")
    if fmt == "csv":
        return _download(zip_csv(report.csv), "application/zip", f"{stem}-coverage-csv.zip")
    downloads = [(f"{stem}-coverage.json", _data_url(report.json, "application/json"))]
    downloads += [(f"{stem}-{fname}", _data_url(data, "text/csv"))
                  for fname, data in report.csv.items()]  # fmt: skip
    return _page(request, state, target=target, report=report, downloads=downloads)


def _data_url(data: bytes, media: str) -> str:
    return f"data:{media};charset=utf-8;base64,{base64.b64encode(data).decode()}"


def _download(data: bytes, media: str, filename: str) -> Response:
    return Response(data, media_type=media, headers=_attachment(filename))


def _attachment(filename: str) -> dict[str, str]:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                   f"filename*=UTF-8''{quote(filename)}"}  # fmt: skip


async def template_download(request: Request) -> Response:
    state = await anyio.to_thread.run_sync(_state, request)
    target = request.query_params.get("target", "").strip()
    try:
        level = resolve_level(target, state.directory) if target else None
    except RefError as exc:
        return _page(request, state, status=400, target=target,
                     error=f"目标 target {target!r}: {exc}")
    if level is None:
        return _page(request, state, status=400, error="选择目标等级 / choose the target "
                     "trade-level for the template")  # fmt: skip
    index, _ = await anyio.to_thread.run_sync(state.index_of, level)
    data = await anyio.to_thread.run_sync(template_xlsx, index, index.trade_levels[level.iri])
    return _download(data, XLSX, template_name(level))


def report_css(request: Request) -> Response:
    return Response(stylesheet(standalone=False), media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


ROUTES = [
    Route("/curriculum", curriculum_page, methods=["GET", "POST"]),
    Route("/curriculum/template", template_download, methods=["GET"]),
    Route("/curriculum/report.css", report_css, methods=["GET"]),
]
