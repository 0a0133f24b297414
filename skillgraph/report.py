"""The build report for people: report.md, report.html and provenance.tsv.

Counts are read back from the built graph with the catalog's own queries, so the report
shows what was published, not what the parser meant to publish.  The drafting committee
reads the findings; everyone can check that no line of the source was lost.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .catalog import load_query
from .committee import Review, StandardReview
from .committee import render as committee
from .model import Standard
from .store import run_query
from .vocab import SH

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


@dataclass(frozen=True)
class Counts:
    """SHACL result counts of one standard (results whose focus node is under its IRIs)."""

    violations: int
    warnings: int


def _counts(validation: ValidationResult, prefix: str) -> Counts:
    graph = validation.report_graph
    by: Counter[str] = Counter()
    for result in graph.subjects(SH.resultSeverity, None):
        focus = graph.value(result, SH.focusNode)
        if focus is not None and str(focus).startswith(prefix):
            by[str(graph.value(result, SH.resultSeverity))] += 1
    return Counts(by[str(SH.Violation)], by[str(SH.Warning)])


def write_reports(
    standards: list[Standard],
    store: ox.Store,
    validation: ValidationResult,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
    base: str,
    review: Review | None = None,
) -> dict[str, bytes]:
    """Per standard ``standards/<code>/`` report.md, report.html, provenance.tsv (and the
    PDF reader's lines as source.txt, which its sg:sourceLine numbers count); for the whole
    build report.md and report.html (every standard, in order) and provenance.tsv.
    ``review`` (:mod:`skillgraph.committee`) adds each standard's findings and warnings
    for the drafting committee."""
    rows = overview_rows(store)
    files: dict[str, bytes] = {}
    mds, bodies, tsv = [], [], ["source\tline\towner\treason"]
    for std in standards:
        prefix = f"{base}occupation/{std.profile.code}/"
        own = [r for r in rows if r["tradeLevel"].startswith(prefix)]
        counts = _counts(validation, prefix)
        mine = review.standard(std.profile.code) if review else None
        listed = mine is None  # else the committee's section lists each finding
        md = _markdown(std, own, counts, hermit, asserted, inferred, listed=listed)
        body = _html_body(std, own, counts, hermit, asserted, inferred, listed=listed)
        if mine is not None:
            md, body = _with_committee(md, body, mine)
        folder = f"standards/{std.profile.code}"
        files[f"{folder}/report.md"] = md.encode("utf-8")
        files[f"{folder}/report.html"] = _page(f"{std.title} — build report", body)
        files[f"{folder}/provenance.tsv"] = _provenance_tsv(std).encode("utf-8")
        if std.source_text:
            files[f"{folder}/source.txt"] = ("\n".join(std.source_text) + "\n").encode("utf-8")
        mds.append(md)
        bodies.append(f"<section id='{html.escape(std.profile.code)}'>{body}</section>")
        tsv += [f"{std.source_name}\t{line}" for line in _provenance_tsv(std).splitlines()[1:]]
    head = _summary_md(standards, validation, hermit, asserted, inferred)
    if review is not None:
        head += committee.summary_md(review)
    files["report.md"] = "\n".join([head, *mds]).encode("utf-8")
    summary = _summary_html(standards)
    files["report.html"] = _page("skillgraph build report", summary + "".join(bodies))
    files["provenance.tsv"] = ("\n".join(tsv) + "\n").encode("utf-8")
    return files


def _with_committee(md: str, body: str, review: StandardReview) -> tuple[str, str]:
    """The committee's section after the rest of a standard's report."""
    return md + "\n" + "\n".join(committee.markdown(review)) + "\n", (
        body + committee.html_section(review)
    )


def _summary_md(
    standards: list[Standard],
    validation: ValidationResult,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
) -> str:
    out = [
        f"# Build report: {len(standards)} standard(s)",
        "",
        f"- Graph: {asserted + inferred} triples ({asserted} asserted, {inferred} inferred)",
        f"- SHACL over the whole graph: {validation.violations} violations, "
        f"{validation.warnings} warnings",
        f"- HermiT over the whole graph: {hermit.status}",
        "",
        "| occupation | code | standard | source | trade-levels | findings |",
        "|---|---|---|---|---:|---:|",
    ]
    out += [
        f"| {s.profile.name} | {s.profile.code} | {s.title}（{s.status}） | `{s.source_name}` "
        f"| {len(s.trade_levels)} | {len(s.findings)} |"
        for s in standards
    ]
    return "\n".join(out) + "\n"


def _summary_html(standards: list[Standard]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td><a href='#{e(s.profile.code)}'>{e(s.profile.name)}</a></td>"
        f"<td>{e(s.profile.code)}</td><td>{e(s.title)}（{e(s.status)}）</td>"
        f"<td class=n>{len(s.trade_levels)}</td><td class=n>{len(s.findings)}</td></tr>"
        for s in standards
    )
    return (
        "<h1>skillgraph build report</h1><table id=standards><tr><th>occupation</th>"
        f"<th>code</th><th>standard</th><th>trade-levels</th><th>findings</th></tr>{rows}</table>"
    )


def _totals(rows: list[dict[str, str]]) -> dict[str, int]:
    keys = ("functions", "workContents", "skills", "knowledge")
    return {k: sum(int(r[k]) for r in rows) for k in keys}


def _markdown(
    std: Standard,
    rows: list[dict[str, str]],
    validation: Counts,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
    *,
    listed: bool = True,
) -> str:
    """A standard's report; ``listed``: each finding in a table of its own (without a
    committee section, which lists them with the SHACL warnings beside)."""
    hours = std.profile.training_hours
    totals = _totals(rows)
    reasons = Counter(r for _n, _t, r in std.unassigned)
    kinds = Counter(f.kind.value for f in std.findings)
    out = [
        f"# Build report: {std.title}（{std.status}）",
        "",
        f"- Source: `{std.source_name}` (sha256 `{std.source_sha256}`)",
        f"- Occupation: {std.profile.name} {std.profile.code}",
        f"- Graph (all standards of the build): {asserted + inferred} triples ({asserted} "
        f"asserted, {inferred} inferred by the covers-lower-level closure)",
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
    if listed:
        out += ["", "| line | kind | node | message |", "|---:|---|---|---|"]
        for f in std.findings:
            out.append(f"| {f.line} | {f.kind.value} | `{f.target.path}` | {_md(f.message)} |")
    elif std.findings:
        out += ["", f"Each finding with its line and node: {_COMMITTEE_SECTION}, below."]
    out += ["", "## Lines in no node", ""]
    out += ["| reason | lines |", "|---|---:|"]
    out += [f"| {r} | {n} |" for r, n in sorted(reasons.items())]
    odd = [u for u in std.unassigned if u[2] not in _FURNITURE]
    if odd:
        out += ["", "Unrecognized text (check these):", ""]
        out += [f"- line {n}: {_md(t)} ({r})" for n, t, r in odd]
    return "\n".join(out) + "\n"


_COMMITTEE_SECTION = "“For the drafting committee”"

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


def _html_body(
    std: Standard,
    rows: list[dict[str, str]],
    validation: Counts,
    hermit: HermitSummary,
    asserted: int,
    inferred: int,
    *,
    listed: bool = True,
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
    note = ""
    if not listed and std.findings:
        link = f"<a href='#committee-{e(std.profile.code)}'>{e(_COMMITTEE_SECTION)}</a>"
        note = f"<p>Each finding with its line and node: {link}, below.</p>"
    if listed:
        findings = "<tr><th>line</th><th>kind</th><th>node</th><th>message</th></tr>" + "".join(
            f"<tr><td class=n>{f.line}</td><td>{e(f.kind.value)}</td><td><code>"
            f"{e(f.target.path)}</code></td><td>{e(f.message)}</td></tr>"
            for f in std.findings
        )
    else:
        kinds = Counter(f.kind.value for f in std.findings)
        findings = "<tr><th>kind</th><th>count</th></tr>" + "".join(
            f"<tr><td>{e(k)}</td><td class=n>{n}</td></tr>" for k, n in sorted(kinds.items()))
    code = e(std.profile.code)
    return f"""
<h1>{e(std.title)}（{e(std.status)}）</h1>
<p>{asserted + inferred} triples ({asserted} asserted, {inferred} inferred);
SHACL {validation.violations} violations, {validation.warnings} warnings; HermiT {e(hermit.status)};
{len(std.findings)} data-quality findings.</p>
<h2>Requirements per trade-level</h2>
<p><span class=own style="display:inline-block;width:1rem;height:1rem"></span> own
<span class=inh style="display:inline-block;width:1rem;height:1rem"></span>
inherited from covered levels</p>
<table id=levels-{code} class=levels>
<tr><th>trade-level</th><th>own</th><th>requires</th><th></th></tr>
{"".join(bars)}</table>
<h2>Exam weights (%)</h2>
<table id=weights-{code} class=weights>{"".join(weights)}</table>
<h2>Data-quality findings</h2>
<table id=findings-{code} class=findings>{findings}</table>{note}
"""


def _page(title: str, body: str) -> bytes:
    e = html.escape
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;max-width:80rem}}
table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}
td.n{{text-align:right}} td.bar{{width:30rem}} .bar span{{display:inline-block;height:1rem}}
.own{{background:#1f77b4}} .inh{{background:#aec7e8}}
table.committee td{{max-width:40rem}} table.committee small{{color:#666}}
</style></head><body>
{body}
</body></html>
""".encode()
