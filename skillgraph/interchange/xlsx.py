"""The standard as a workbook, both ways: a committee edits the tables and rebuilds.

Sheets: one per trade-level (function, work content, requirement rows in printed order:
kind, code, printed code, text zh, text en, source line, all source lines), ``weights``,
``eligibility`` and ``findings``; ``model`` holds the rest of the parsed model (profile,
preface, basic requirements, provenance maps) as JSON, so the reader gives back the same
model.  Edits to the visible sheets win over it: the tree, weights, route texts and
findings are read from their sheets.  The English column is shown for reviewers and not
read back (English comes from ``standards/translations`` at build time, as for sources).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import types
import typing
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from rdflib import Graph, Literal

from .. import model as M
from ..iris import Iris
from ..model import Standard
from ..vocab import SKOS
from .graph import InterchangeError

MODEL_SHEET = "model"
CHUNK = 30000  # characters per cell: Excel holds at most 32767
TREE_HEAD = ["kind", "code", "printed code", "text (zh)", "text (en)", "source line", "lines"]
WEIGHT_HEAD = ["trade-level", "exam", "row", "category", "percent", "source line",
               "function code", "row key"]  # fmt: skip
ELIGIBILITY_HEAD = ["rank", "route", "text", "source line"]
FINDING_HEAD = ["kind", "message", "source line", "target"]


# --- the model as JSON data, and back (any dataclass tree of skillgraph.model) -------------

def to_data(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return [[to_data(k), to_data(v)] for k, v in value.items()]
    if isinstance(value, Path):
        return str(value)
    return value


def from_data(kind: Any, data: Any) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        real = [a for a in args if a is not type(None)]
        return from_data(real[0], data) if len(real) == 1 else data
    if origin is list:
        return [from_data(args[0], v) for v in data]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], v) for v in data)
        return tuple(from_data(a, v) for a, v in zip(args, data, strict=True))
    if origin is dict:
        return {from_data(args[0], k): from_data(args[1], v) for k, v in data}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind, vars(M))
        known = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: from_data(hints[k], v) for k, v in data.items() if k in known})
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    if kind is Path:
        return Path(data)
    return data


# --- writer ---------------------------------------------------------------------------------

def _sheet_name(tl: M.TradeLevel) -> str:
    return f"{tl.trade}-L{tl.rank}"[:31] if tl.trade else f"L{tl.rank}"


def _english(graph: Graph, iri: Any) -> str:
    values = [str(o) for o in graph.objects(iri, SKOS.prefLabel)
              if isinstance(o, Literal) and o.language == "en"]  # fmt: skip
    return values[0] if values else ""


def _lines(lines: list[int]) -> str:
    return " ".join(str(n) for n in lines)


def write_workbook(std: Standard, path: Path) -> Path:
    """Write ``std`` as a workbook at ``path`` (replaced if it exists)."""
    from openpyxl import Workbook

    from ..to_rdf import standard_to_graph

    graph = standard_to_graph(std)  # for the English column only
    iris = Iris(std.profile.code)
    book = Workbook()
    book.remove(book.active)
    for tl in std.trade_levels:
        sheet = book.create_sheet(_sheet_name(tl))
        sheet.append(TREE_HEAD)
        for f in tl.functions:
            fi = iris.function(tl.trade, tl.rank, f.code)
            sheet.append(["function", f.code, f.printed_code, f.name, _english(graph, fi),
                          f.line, _lines(f.lines)])  # fmt: skip
            for w in f.contents:
                wi = iris.work_content(tl.trade, tl.rank, w.code)
                sheet.append(["content", w.code, w.printed_code, w.name, _english(graph, wi),
                              w.line, _lines(w.lines)])  # fmt: skip
                for r in [*w.skills, *w.knowledge]:
                    ri = iris.requirement(tl.trade, tl.rank, r.kind, r.code)
                    sheet.append([r.kind, r.code, r.printed_code, r.text, _english(graph, ri),
                                  r.line, _lines(r.lines)])  # fmt: skip
    weights = book.create_sheet("weights")
    weights.append(WEIGHT_HEAD)
    for tl in std.trade_levels:
        for w in tl.weights:
            weights.append([_sheet_name(tl), w.exam, w.row, w.category, w.percent, w.line,
                            w.function_code, w.row_key])  # fmt: skip
    eligibility = book.create_sheet("eligibility")
    eligibility.append(ELIGIBILITY_HEAD)
    for route in std.profile.eligibility:
        eligibility.append([route.rank, route.number, route.text, route.line])
    findings = book.create_sheet("findings")
    findings.append(FINDING_HEAD)
    for finding in std.findings:
        findings.append([finding.kind.value, finding.message, finding.line, finding.target.path])
    rest = book.create_sheet(MODEL_SHEET)
    text = json.dumps(to_data(std), ensure_ascii=False)
    rest.append(["JSON of the parsed model, in pieces; the other sheets override it"])
    for start in range(0, len(text), CHUNK):  # "|" first: a cell starting "=" is a formula
        rest.append(["|" + text[start : start + CHUNK]])
    rest.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


# --- reader ---------------------------------------------------------------------------------

def _fail(path: Path, sheet: str, row: int, message: str) -> InterchangeError:
    return InterchangeError(f"{path}: sheet {sheet!r} row {row}: {message}")


def _int(value: Any, path: Path, sheet: str, row: int, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _fail(path, sheet, row, f"{what} {value!r} is not a whole number") from None


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _line_list(value: Any) -> list[int]:
    return [int(n) for n in str(value or "").split()]


def _tree(path: Path, sheet: Any, tl: M.TradeLevel) -> None:
    rows = list(sheet.iter_rows(min_row=1, values_only=True))
    if not rows or list(rows[0][: len(TREE_HEAD)]) != TREE_HEAD:
        raise _fail(path, sheet.title, 1, f"header is not {TREE_HEAD}")
    functions: list[M.Function] = []
    for n, row in enumerate(rows[1:], start=2):
        kind, code, printed, text, _en, line, lines = (list(row) + [None] * 7)[:7]
        if kind is None and code is None and text is None:
            continue
        where = (path, sheet.title, n)
        line_no = _int(line, *where, "source line")
        common = dict(code=str(code), printed_code=_str(printed), line=line_no,
                      lines=_line_list(lines))  # fmt: skip
        if kind == "function":
            functions.append(M.Function(name=str(text), **common))
        elif kind == "content":
            if not functions:
                raise _fail(*where, "a work content before any function")
            functions[-1].contents.append(M.WorkContent(name=str(text), **common))
        elif kind in ("skill", "knowledge"):
            if not functions or not functions[-1].contents:
                raise _fail(*where, f"a {kind} requirement before any work content")
            req = M.Requirement(kind=kind, text=str(text), **common)
            content = functions[-1].contents[-1]
            (content.skills if kind == "skill" else content.knowledge).append(req)
        else:
            raise _fail(*where, f"kind {kind!r} is not function, content, skill or knowledge")
    tl.functions = functions


def read_workbook(path: Path) -> Standard:
    """The parsed model a workbook of :func:`write_workbook` holds, with its sheets' edits."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = load_workbook(path, read_only=False, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InterchangeError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    if MODEL_SHEET not in book.sheetnames:
        raise InterchangeError(f"{path}: no {MODEL_SHEET!r} sheet: not written by skillgraph")
    rows = book[MODEL_SHEET].iter_rows(min_row=2, values_only=True)
    pieces = [str(r[0]).removeprefix("|") for r in rows if r and r[0]]
    try:
        std: Standard = from_data(Standard, json.loads("".join(pieces)))
    except (ValueError, TypeError, KeyError) as exc:
        raise InterchangeError(f"{path}: sheet {MODEL_SHEET!r} is damaged ({exc})") from exc
    by_name = {_sheet_name(tl): tl for tl in std.trade_levels}
    for name, tl in by_name.items():
        if name not in book.sheetnames:
            raise InterchangeError(f"{path}: sheet {name!r} (a trade-level) is missing")
        _tree(path, book[name], tl)
    _weights(path, book, by_name)
    _eligibility(path, book, std)
    _findings(path, book, std)
    std.source_name = path.name
    std.source_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    std.source_kind = "xlsx"
    return std


def _rows(path: Path, book: Any, name: str, head: list[str]) -> list[tuple[int, list[Any]]]:
    if name not in book.sheetnames:
        raise InterchangeError(f"{path}: sheet {name!r} is missing")
    rows = list(book[name].iter_rows(min_row=1, values_only=True))
    if not rows or list(rows[0][: len(head)]) != head:
        raise _fail(path, name, 1, f"header is not {head}")
    return [(n, (list(r) + [None] * len(head))[: len(head)]) for n, r in enumerate(rows[1:], 2)
            if any(v is not None for v in r)]  # fmt: skip


def _weights(path: Path, book: Any, by_name: dict[str, M.TradeLevel]) -> None:
    for tl in by_name.values():
        tl.weights = []
    for n, (level, exam, row, category, percent, line, fcode, key) in _rows(
        path, book, "weights", WEIGHT_HEAD
    ):
        if level not in by_name:
            raise _fail(path, "weights", n, f"trade-level {level!r} has no sheet")
        pct = None if percent in (None, "") else _int(percent, path, "weights", n, "percent")
        by_name[level].weights.append(M.Weight(
            exam=str(exam), row=str(row), category=str(category), percent=pct,
            line=_int(line, path, "weights", n, "source line"),
            function_code=_str(fcode), row_key=str(key or ""),
        ))  # fmt: skip


def _eligibility(path: Path, book: Any, std: Standard) -> None:
    routes = {(r.rank, r.number): r for r in std.profile.eligibility}
    for n, (rank, number, text, line) in _rows(path, book, "eligibility", ELIGIBILITY_HEAD):
        key = (_int(rank, path, "eligibility", n, "rank"),
               _int(number, path, "eligibility", n, "route"))  # fmt: skip
        if key not in routes:
            raise _fail(path, "eligibility", n, f"no route {key} in the model: add routes in "
                        "the source, not here")  # fmt: skip
        routes[key].text = str(text)
        routes[key].line = _int(line, path, "eligibility", n, "source line")


def _findings(path: Path, book: Any, std: Standard) -> None:
    kinds = {k.value: k for k in M.FindingKind}
    std.findings = []
    for n, (kind, message, line, target) in _rows(path, book, "findings", FINDING_HEAD):
        if kind not in kinds:
            raise _fail(path, "findings", n, f"finding kind {kind!r} is not one of "
                        f"{', '.join(kinds)}")  # fmt: skip
        try:
            ref = M.NodeRef.parse(str(target))
        except ValueError as exc:
            raise _fail(path, "findings", n, f"node {target!r}: {exc}") from None
        std.findings.append(M.Finding(kinds[kind], str(message),
                                      _int(line, path, "findings", n, "source line"),
                                      ref))  # fmt: skip
