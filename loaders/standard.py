"""A whole standard's text → :class:`skillgraph.model.Standard`.

Order: locate the four sections; §1–§2 (profile, basic requirements); §3 tables; reviewed
errata; code normalization; §4 weights and their cross-check with the functions; then
provenance: every non-blank line ends in a node's text or in the unassigned list with a
reason.  Nothing reaches back into an earlier step.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from skillgraph.model import (
    Finding,
    FindingKind,
    Function,
    NodeKind,
    NodeRef,
    Requirement,
    Standard,
    TextItem,
    Trade,
    TradeLevel,
    Weight,
    weight_row_key,
)

from .assessment import read_assessment
from .eligibility import read_eligibility
from .errata import apply_errata, load_errata
from .errors import SourceFormatError
from .layout import Layout, read_layout
from .names import load_names
from .numbering import normalize_trade_level
from .preface import read_front
from .profile import parse_profile
from .source import SourceLine, source_lines
from .tables import NodeFinding, build_table, split_regions
from .variants import refuse_unsupported
from .weights import ParsedWeights, WeightTable, parse_weights

DEFAULT_SOURCE = "4-09-07-04_carbon-emission-manager_draft.txt"
SHIPPED_SOURCES = (DEFAULT_SOURCE, "4-04-05-05_ai-trainer_2021.pdf")
# "1  职业概况" (text extraction) or "1.职业概况" / "3工作要求" (2021 editions)
SECTION_HEADINGS = {
    1: re.compile(r"^1\.?\s*职业概况$"),
    2: re.compile(r"^2\.?\s*基本要求$"),
    3: re.compile(r"^3\.?\s*工作要求$"),
    4: re.compile(r"^4\.?\s*权重表$"),
}


def default_source() -> Path:
    """The standard text shipped with the package (a copy of the draft)."""
    return Path(str(resources.files("skillgraph.standards") / DEFAULT_SOURCE))


def shipped_sources() -> list[Path]:
    """Every standard shipped with the package, in a fixed order."""
    root = resources.files("skillgraph.standards")
    return [Path(str(root / name)) for name in SHIPPED_SOURCES]


def parse_standard(
    path: Path, *, errata: Path | None = None, names: Path | None = None
) -> Standard:
    """Read and interpret one standard (text or PDF); SourceFormatError names file and line."""
    if Path(path).suffix.lower() == ".xlsx":  # a workbook of `skillgraph export --format xlsx`
        return _read_workbook(Path(path))
    return interpret(read_layout(Path(path)), errata=errata, names=names)


def _read_workbook(path: Path) -> Standard:
    from skillgraph.interchange.graph import InterchangeError
    from skillgraph.interchange.xlsx import read_workbook

    try:
        return read_workbook(path)
    except InterchangeError as exc:
        raise SourceFormatError(path, 1, str(exc).removeprefix(f"{path}: ")) from exc


def interpret(layout: Layout, *, errata: Path | None = None, names: Path | None = None) -> Standard:
    """The national template read off a layout: the one place that decides what is what."""
    path = layout.source
    raw, digest = layout.lines, layout.sha256
    lines = source_lines(raw)
    refuse_unsupported(lines, path)
    starts = _section_starts(lines, path)
    front = read_front(lines[: starts[1]], path)
    title, status = front.title, front.status
    profile, groups, profile_findings, profile_owner = parse_profile(raw, source=str(path))
    occupation_names = load_names(profile.code, names)
    profile.name_en = occupation_names.occupation_en
    for position, trade in enumerate(profile.trades, 1):
        trade.slug, trade.name_en = occupation_names.trade(trade.name, position)
    profile = read_eligibility(profile, raw, profile_owner, source=str(path))
    profile = read_assessment(profile, raw, profile_owner, source=str(path))
    sec3 = lines[starts[3] + 1 : starts[4]]
    sec4 = lines[starts[4] + 1 :]

    trade_names = {t.name: t.slug for t in profile.trades}
    regions, trade_heads = split_regions(sec3, path, set(trade_names))
    by_key: dict[str, TradeLevel] = {}
    node_findings: list[NodeFinding] = []
    cell_nodes: list[tuple[object, object]] = []
    furniture: list[tuple[int, str, str]] = []
    trade_levels: list[TradeLevel] = []
    for region in regions:
        slug = None
        if region.trade_name is not None:
            slug = trade_names.get(region.trade_name) or occupation_names.trade(
                region.trade_name, len(trade_names) + 1
            )[0]
        built = build_table(region, slug, path, layout)
        tl = built.trade_levels[0]
        key = tl_key(tl)
        if key in by_key:
            raise SourceFormatError(path, region.heading_line, f"second table for {key}")
        by_key[key] = tl
        trade_levels.append(tl)
        node_findings.extend(built.findings)
        cell_nodes.extend(built.cell_nodes)
        furniture.extend(built.furniture)

    apply_errata(load_errata(profile.code, errata), by_key, node_findings, path)
    for tl in trade_levels:
        normalize_trade_level(tl, node_findings)
        node_findings.extend(_duplicate_texts(tl))

    weights = parse_weights(sec4, profile.name, path)
    furniture.extend(weights.furniture)
    node_findings.extend(_attach_weights(weights, by_key, trade_names, path))

    findings = list(profile_findings)
    if trade_heads:  # trades with tables of their own; else they share the occupation's
        findings.extend(_trade_findings(profile.trades, trade_heads, by_key))
    _set_trade_sections(profile.trades, trade_heads)
    refs = _node_refs(trade_levels)
    for nf in node_findings:
        findings.append(Finding(nf.kind, nf.message, nf.line, refs[id(nf.node)]))
    findings.sort(key=lambda f: (f.line, f.kind.value, f.target.path))

    owner: dict[int, list[str]] = {}
    unassigned: list[tuple[int, str, str]] = []
    for number, key in profile_owner.items():
        if number <= starts[1]:
            continue  # the title block: owned by the standard node below
        if key.startswith("ignored/"):
            unassigned.append((number, lines[number - 1].text, key.removeprefix("ignored/")))
        else:
            owner[number] = [key]
    for cell, node in cell_nodes:
        for piece in cell.pieces:  # type: ignore[attr-defined]
            owner.setdefault(piece.line, []).append(refs[id(node)].path)
    for number, entries in weights.line_owner.items():
        for table, rank, w in entries:
            tl = by_key.get(_weight_tl_key(table, rank, trade_names)) if rank else None
            owner.setdefault(number, []).append(
                NodeRef(NodeKind.WEIGHT, w.row_key, tl.trade, tl.rank, w.exam).path
                if tl and w
                else _table_path(table)
            )
    for tl in trade_levels:
        owner.setdefault(tl.line, []).append(refs[id(tl)].path)
    for name, _section, line in trade_heads:
        owner.setdefault(line, []).append(f"trade/{trade_names.get(name, name)}")
    preamble = _preamble(lines, starts[3], sec3, owner)
    for number, text, reason in furniture:
        unassigned.append((number, text, reason))
    for sl in (lines[starts[3]], lines[starts[4]]):
        unassigned.append((sl.number, sl.text, "section heading"))
    for sl in lines[: starts[1]]:
        if sl.text:
            owner.setdefault(sl.number, []).append(front.owner.get(sl.number, "standard"))
    unassigned.sort()
    return Standard(
        title=title,
        status=status,
        edition=front.edition,
        preface=front.preface,
        source_kind=layout.kind,
        pages={n: box.page for n, box in layout.boxes.items()},
        source_text=list(layout.lines) if layout.kind != "text" else [],
        source_name=path.name,
        source_sha256=digest,
        profile=profile,
        basic_groups=groups,
        trade_levels=trade_levels,
        findings=findings,
        unassigned=unassigned,
        line_owner={n: owner[n] for n in sorted(owner)},
        preamble=preamble,
    )


def tl_key(tl: TradeLevel) -> str:
    return f"{tl.trade or 'common'}/{tl.rank}"


def _section_starts(lines: list[SourceLine], path: Path) -> dict[int, int]:
    starts: dict[int, int] = {}
    for i, sl in enumerate(lines):
        for n, pattern in SECTION_HEADINGS.items():
            if n not in starts and pattern.match(sl.text):
                starts[n] = i
    for n in SECTION_HEADINGS:
        if n not in starts:
            last = max(starts.values(), default=0) + 1
            raise SourceFormatError(path, last, f"section {n} heading not found")
    order = [starts[n] for n in sorted(starts)]
    if order != sorted(order):
        raise SourceFormatError(path, starts[4] + 1, "sections 1–4 are out of order")
    return starts


def _preamble(
    lines: list[SourceLine], start: int, sec3: list[SourceLine], owner: dict[int, list[str]]
) -> list[TextItem]:
    """§3's opening sentence (higher levels cover lower ones), up to the first table."""
    parts: list[SourceLine] = []
    for sl in sec3:
        if sl.number in owner:
            break
        if sl.text:
            parts.append(sl)
    if not parts:
        return []
    for sl in parts:
        owner.setdefault(sl.number, []).append("standard/preamble")
    return [TextItem("preamble/3", "".join(sl.text for sl in parts), parts[0].number, "3")]


def _duplicate_texts(tl: TradeLevel) -> list[NodeFinding]:
    out: list[NodeFinding] = []
    for fn in tl.functions:
        for wc in fn.contents:
            for items in (wc.skills, wc.knowledge):
                seen: dict[str, Requirement] = {}
                for req in items:
                    if req.text in seen:
                        first = seen[req.text]
                        out.append(
                            NodeFinding(
                                FindingKind.DUPLICATE_TEXT,
                                f"{req.code} 与 {first.code} 文字相同 / {req.code} repeats the "
                                f"text of {first.code}: {req.text}",
                                req.line,
                                req,
                            )
                        )
                    else:
                        seen[req.text] = req
    return out


def _weight_tl_key(table: WeightTable, rank: int, trade_names: dict[str, str]) -> str:
    if table.trade_name is None:
        return f"common/{rank}"
    return f"{trade_names.get(table.trade_name, table.trade_name)}/{rank}"


def _table_path(table: WeightTable) -> str:
    return f"weights/{table.trade_name or 'common'}/{table.exam}"


def _attach_weights(
    parsed: ParsedWeights,
    by_key: dict[str, TradeLevel],
    trade_names: dict[str, str],
    path: Path,
) -> list[NodeFinding]:
    """Give each trade-level its weight cells and cross-check rows with its functions."""
    out: list[NodeFinding] = []
    for table in parsed.tables:
        for rank in table.ranks:
            key = _weight_tl_key(table, rank, trade_names)
            tl = by_key.get(key)
            if tl is None:
                raise SourceFormatError(path, table.line, f"weight table column for unknown {key}")
            cells = table.weights.get(rank, [])
            out.extend(_match_functions(tl, cells))
            for w in cells:
                w.row_key = weight_row_key(w)  # the one key the graph's IRI uses too
            tl.weights.extend(cells)
            assessed = [w.percent for w in cells if w.percent is not None]
            printed_total, total_line = table.totals.get(rank, (None, table.line))
            if sum(assessed) != 100 or (printed_total is not None and printed_total != 100):
                out.append(
                    NodeFinding(
                        FindingKind.WEIGHT_SUM,
                        f"{key} {'理论知识' if table.exam == 'theory' else '技能要求'}权重合计为 "
                        f"{sum(assessed)}（表中印 {printed_total}），不是 100 / {table.exam} "
                        f"weights of {key} add up to {sum(assessed)} (printed total "
                        f"{printed_total}), not 100",
                        total_line,
                        tl,
                    )
                )
    return out


def _match_functions(tl: TradeLevel, cells: list[Weight]) -> list[NodeFinding]:
    out: list[NodeFinding] = []
    by_name = {fn.name: fn for fn in tl.functions}
    rows = [w for w in cells if w.category == "function"]
    unmatched_fns = [fn for fn in tl.functions if fn.name not in {w.row for w in rows}]
    for w in rows:
        fn = by_name.get(w.row)
        if fn is None and w.percent is not None and len(unmatched_fns) == 1:
            fn = unmatched_fns.pop()
            out.append(
                NodeFinding(
                    FindingKind.FUNCTION_NAME_MISMATCH,
                    f"职业功能“{fn.name}”在权重表中作“{w.row}” / function {fn.code} is named "
                    f"{fn.name!r} in the table but {w.row!r} in the weight table",
                    w.line,
                    fn,
                )
            )
        if fn is not None:
            w.function_code = fn.code
            if w.percent is None:
                out.append(_unweighted(tl, fn, w.line, "权重表中为“—” / the weight table says “—”"))
        elif w.percent is not None:
            out.append(
                NodeFinding(
                    FindingKind.WEIGHT_WITHOUT_FUNCTION,
                    f"权重表行“{w.row}”有 {w.percent}% 但该级别无此职业功能 / weight row "
                    f"{w.row!r} has {w.percent}% but {tl_key(tl)} has no such function",
                    w.line,
                    tl,
                )
            )
    weighted = {w.function_code for w in rows if w.function_code}
    for fn in tl.functions:
        if fn.code not in weighted and not any(w.row == fn.name for w in rows):
            out.append(_unweighted(tl, fn, fn.line, "权重表中无此行 / no row in the weight table"))
    return out


def _unweighted(tl: TradeLevel, fn: Function, line: int, why: str) -> NodeFinding:
    return NodeFinding(
        FindingKind.WEIGHT_WITHOUT_FUNCTION,
        f"{tl_key(tl)} 职业功能 {fn.code}“{fn.name}”没有考核权重：{why}",
        line,
        fn,
    )


def _trade_findings(
    trades: list[Trade], heads: list[tuple[str, str, int]], by_key: dict[str, TradeLevel]
) -> list[Finding]:
    """Profile (§1.4) against the tables (§3): same trades, same levels."""
    out: list[Finding] = []
    in_tables = {name for name, _s, _l in heads}
    for t in trades:
        ranks = sorted(tl.rank for key, tl in by_key.items() if key.startswith(f"{t.slug}/"))
        if t.name not in in_tables or ranks != sorted(t.ranks):
            out.append(
                Finding(
                    FindingKind.PROFILE_CONTRADICTION,
                    f"职业概况称{t.name}设 {sorted(t.ranks)} 级，第 3 部分给出 {ranks} / the "
                    f"profile gives {t.name} levels {sorted(t.ranks)}, section 3 has {ranks}",
                    t.line,
                    NodeRef(NodeKind.TRADE, t.slug),
                )
            )
    return out


def _set_trade_sections(trades: list[Trade], heads: list[tuple[str, str, int]]) -> None:
    sections = {name: section for name, section, _l in heads}
    for t in trades:
        t.section = sections.get(t.name, t.section)


def _node_refs(trade_levels: list[TradeLevel]) -> dict[int, NodeRef]:
    """Reference of every table node, keyed by id(): what findings and provenance name."""
    refs: dict[int, NodeRef] = {}
    for tl in trade_levels:
        t, r = tl.trade, tl.rank
        refs[id(tl)] = NodeRef(NodeKind.TRADE_LEVEL, trade=t, rank=r)
        for fn in tl.functions:
            refs[id(fn)] = NodeRef(NodeKind.FUNCTION, fn.code, t, r)
            for wc in fn.contents:
                refs[id(wc)] = NodeRef(NodeKind.WORK_CONTENT, wc.code, t, r)
                for req in wc.skills:
                    refs[id(req)] = NodeRef(NodeKind.SKILL, req.code, t, r)
                for req in wc.knowledge:
                    refs[id(req)] = NodeRef(NodeKind.KNOWLEDGE, req.code, t, r)
    return refs


__all__ = ["default_source", "parse_standard", "tl_key"]
