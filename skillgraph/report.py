"""The build report for people: report.md, report.html and provenance.tsv.

Counts are read back from the built graph with the catalog's own queries, so the report
shows what was published, not what the parser meant to publish.  The drafting committee
reads the findings; everyone can check that no line of the source was lost.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .catalog import load_query
from .model import Standard
from .store import run_query

if TYPE_CHECKING:
    from .build import HermitSummary
    from .validate import ValidationResult

EXAM_ZH = {"theory": "理论知识", "skill": "技能要求"}


def _value(term: object) -> str:
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return "" if term is None else str(term)


def overview_rows(store: ox.Store) -> list[dict[str, str]]:
    result = run_query(store, load_query("overview-counts"))
    return [{k: _value(v) for k, v in row.items()} for row in result.rows]


def provenance_summary(std: Standard, source_lines: int) -> dict[str, int]:
    owned = set(std.line_owner)
    unassigned = {n for n, _t, _r in std.unassigned}
    return {
        "lines": source_lines,
        "in_nodes": len(owned),
        "unassigned": len(unassigned - owned),
        "both": len(owned & unassigned),
    }


def write_reports(
    std: Standard,
    store: ox.Store,
    validation: ValidationResult,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
) -> dict[str, bytes]:
    rows = overview_rows(store)
    md = _markdown(std, rows, validation, hermit, asserted, inferred)
    return {
        "report.md": md.encode("utf-8"),
        "report.html": _html(std, rows, validation, hermit, asserted, inferred).encode("utf-8"),
        "provenance.tsv": _provenance_tsv(std).encode("utf-8"),
    }


def _totals(rows: list[dict[str, str]]) -> dict[str, int]:
    keys = ("functions", "workContents", "skills", "knowledge")
    return {k: sum(int(r[k]) for r in rows) for k in keys}


def _markdown(
    std: Standard,
    rows: list[dict[str, str]],
    validation: ValidationResult,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
) -> str:
    hours = std.profile.training_hours
    totals = _totals(rows)
    reasons = Counter(r for _n, _t, r in std.unassigned)
    kinds = Counter(f.kind.value for f in std.findings)
    out = [
        f"# Build report: {std.title}（{std.status}）",
        "",
        f"- Source: `{std.source_name}` (sha256 `{std.source_sha256}`)",
        f"- Occupation: {std.profile.name} {std.profile.code}",
        f"- Graph: {asserted + inferred} triples ({asserted} asserted, {inferred} inferred "
        "by the covers-lower-level closure)",
        f"- SHACL: {validation.violations} violations, {validation.warnings} warnings "
        "(warnings are defects of the draft)",
        f"- HermiT: {hermit.status}"
        + (
            f", closure agrees: {hermit.agrees_with_closure}"
            if hermit.agrees_with_closure is not None
            else ""
        )
        + (f" ({hermit.detail})" if hermit.detail else ""),
        f"- Provenance: {len(std.line_owner)} non-blank lines end in a node's text, "
        f"{len(std.unassigned)} are reported below as unassigned, none is lost",
        "",
        "## Trade-levels",
        "",
        "| trade-level | rank | functions | work contents | skills | knowledge "
        "| requires (own + covered) | training hours |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['label']} | {r['rank']} | {r['functions']} | {r['workContents']} "
            f"| {r['skills']} | {r['knowledge']} | {r['required']} "
            f"| {hours.get(int(r['rank']), '')} |"
        )
    out.append(
        f"| **total ({len(rows)} trade-levels)** | | **{totals['functions']}** "
        f"| **{totals['workContents']}** | **{totals['skills']}** | **{totals['knowledge']}** | | |"
    )
    out += ["", "## Exam weights", ""]
    out += _weights_md(std)
    out += ["", f"## Data-quality findings ({len(std.findings)})", ""]
    out += ["| kind | count |", "|---|---:|"]
    out += [f"| {k} | {n} |" for k, n in sorted(kinds.items())]
    out += ["", "| line | kind | node | message |", "|---:|---|---|---|"]
    for f in std.findings:
        out.append(f"| {f.line} | {f.kind.value} | `{f.target}` | {_md(f.message)} |")
    out += ["", "## Lines in no node", ""]
    out += ["| reason | lines |", "|---|---:|"]
    out += [f"| {r} | {n} |" for r, n in sorted(reasons.items())]
    odd = [u for u in std.unassigned if u[2] not in _FURNITURE]
    if odd:
        out += ["", "Unrecognized text (check these):", ""]
        out += [f"- line {n}: {_md(t)} ({r})" for n, t, r in odd]
    return "\n".join(out) + "\n"


_FURNITURE = {
    "table header",
    "page number",
    "weight table header",
    "weight row group",
    "weight table heading",
    "weight section heading",
    "section heading",
}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _weights_md(std: Standard) -> list[str]:
    out = ["| trade-level | exam | rows (name: %) | sum |", "|---|---|---|---:|"]
    for tl in std.trade_levels:
        for exam in ("theory", "skill"):
            cells = [w for w in tl.weights if w.exam == exam]
            if not cells:
                continue
            parts = ", ".join(f"{w.row}: {'—' if w.percent is None else w.percent}" for w in cells)
            total = sum(w.percent or 0 for w in cells)
            out.append(f"| {tl.heading} | {EXAM_ZH[exam]} | {parts} | {total} |")
    return out


def _provenance_tsv(std: Standard) -> str:
    lines = ["line\towner\treason"]
    unassigned = {n: (t, r) for n, t, r in std.unassigned}
    for n in sorted(set(std.line_owner) | set(unassigned)):
        owners = ",".join(std.line_owner.get(n, []))
        reason = unassigned.get(n, ("", ""))[1]
        lines.append(f"{n}\t{owners}\t{reason}")
    return "\n".join(lines) + "\n"


def _html(
    std: Standard,
    rows: list[dict[str, str]],
    validation: ValidationResult,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
) -> str:
    e = html.escape
    max_req = max((int(r["required"]) for r in rows), default=1) or 1
    bars = []
    for r in rows:
        own = int(r["skills"]) + int(r["knowledge"])
        req = int(r["required"])
        bars.append(
            f"<tr><th>{e(r['label'])}</th><td class=n>{own}</td><td class=n>{req}</td>"
            f"<td class=bar><span class=own style='width:{own * 100 / max_req:.1f}%'></span>"
            f"<span class=inh style='width:{(req - own) * 100 / max_req:.1f}%'></span></td></tr>"
        )
    weights = []
    for tl in std.trade_levels:
        for exam in ("theory", "skill"):
            cells = [w for w in tl.weights if w.exam == exam]
            tds = "".join(
                f"<td style='background:rgba(31,119,180,{(w.percent or 0) / 60:.2f})' "
                f"title='{e(w.row)}'>{e(w.row)}<br><b>{'—' if w.percent is None else w.percent}"
                "</b></td>"
                for w in cells
            )
            weights.append(f"<tr><th>{e(tl.heading)} {EXAM_ZH[exam]}</th>{tds}</tr>")
    findings = "".join(
        f"<tr><td class=n>{f.line}</td><td>{e(f.kind.value)}</td><td><code>{e(f.target)}"
        f"</code></td><td>{e(f.message)}</td></tr>"
        for f in std.findings
    )
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{e(std.title)} — build report</title>
<style>
body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;max-width:80rem}}
table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}
td.n{{text-align:right}} td.bar{{width:30rem}} .bar span{{display:inline-block;height:1rem}}
.own{{background:#1f77b4}} .inh{{background:#aec7e8}}
</style></head><body>
<h1>{e(std.title)}（{e(std.status)}）</h1>
<p>{asserted + inferred} triples ({asserted} asserted, {inferred} inferred);
SHACL {validation.violations} violations, {validation.warnings} warnings; HermiT {e(hermit.status)};
{len(std.findings)} data-quality findings.</p>
<h2>Requirements per trade-level</h2>
<p><span class=own style="display:inline-block;width:1rem;height:1rem"></span> own
<span class=inh style="display:inline-block;width:1rem;height:1rem"></span>
inherited from covered levels</p>
<table id=levels><tr><th>trade-level</th><th>own</th><th>requires</th><th></th></tr>
{"".join(bars)}</table>
<h2>Exam weights (%)</h2>
<table id=weights>{"".join(weights)}</table>
<h2>Data-quality findings</h2>
<table id=findings><tr><th>line</th><th>kind</th><th>node</th><th>message</th></tr>
{findings}</table>
</body></html>
"""
