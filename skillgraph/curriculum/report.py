"""Coverage → Markdown, self-contained HTML (heatmap, gap list), JSON and CSV tables.

All formats are built from one set of tables (:func:`tables`), so they cannot disagree;
numbers are shown rounded (1 decimal) but computed exactly (see :mod:`.coverage`).
"""

from __future__ import annotations

import csv
import html
import io
import json
from fractions import Fraction
from typing import Any

from .coverage import Coverage, FunctionRow, ScopeTotals
from .table import neutralise

__all__ = ["FORMATS", "csv_files", "html_body", "render", "stylesheet", "tables", "title"]

FORMATS = ("md", "html", "csv", "json")
Table = tuple[list[str], list[list[Any]]]


def fmt(value: Any, digits: int = 1) -> str:
    """A cell as text: Fractions rounded half-up, None as —.

    >>> fmt(Fraction(125, 6)), fmt(Fraction(5, 2), 0), fmt(None)
    ('20.8', '3', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        scaled = value * 10**digits
        q = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
        text = f"{abs(q) // 10**digits}" + (f".{abs(q) % 10**digits:0{digits}d}" if digits else "")
        return ("-" if q < 0 else "") + text
    return str(value)


def _num(value: Any) -> Any:
    """A JSON number: Fractions as floats (exact values are in the Python API)."""
    return float(value) if isinstance(value, Fraction) else value


def _scope_row(name: str, label: str, s: ScopeTotals) -> list[Any]:
    return [name, label, s.requirements, s.covered, s.percent, f"{s.skills_covered}/{s.skills}",
            f"{s.knowledge_covered}/{s.knowledge}", s.theory_points, s.theory_max,
            s.theory_percent, s.skill_points, s.skill_max, s.skill_percent,
            s.weighted_percent]  # fmt: skip


def tables(cov: Coverage) -> dict[str, Table]:
    """Every table of the report, keyed by its CSV file name (without .csv)."""
    summary_head = ["scope", "level", "requirements", "covered", "covered %", "skills",
                    "knowledge", "theory points", "theory max", "theory %", "skill points",
                    "skill max", "skill %", "weighted %"]  # fmt: skip
    summary = [_scope_row("own", cov.target.label, cov.own)]
    for level in cov.levels[1:]:
        summary.append(_scope_row("inherited", level.label, cov.by_level[level.iri]))
    if len(cov.levels) > 1:
        summary.append(_scope_row("inherited", "all lower levels", cov.inherited))
    fn_head = ["scope", "level", "function", "name", "skills covered", "skills",
               "knowledge covered", "knowledge", "theory weight", "skill weight",
               "theory points", "skill points", "planned hours", "suggested hours"]  # fmt: skip
    functions = [
        [r.scope, r.level.label, r.function.code, r.function.name, r.skills_covered, r.skills,
         r.knowledge_covered, r.knowledge, r.function.theory_weight, r.function.skill_weight,
         r.theory_points, r.skill_points, r.planned_hours, r.suggested_hours]
        for r in cov.functions
    ]  # fmt: skip
    gap_head = ["rank", "points", "weight", "requirement", "kind", "scope", "level",
                "function", "work content", "text", "iri"]  # fmt: skip
    gaps = [
        [i, g.points, g.weight, g.ref, g.info.kind, g.scope, g.level.label,
         f"{g.function.code} {g.function.name}",
         f"{g.info.work_content_code} {g.info.work_content_name}", g.info.text, g.info.iri]
        for i, g in enumerate(cov.gaps, 1)
    ]  # fmt: skip
    fn_keys = [(r.function.iri, _fn_label(cov, r)) for r in cov.functions]
    matrix_head = ["course", "title", "hours", *[label for _, label in fn_keys]]
    matrix = [
        [c.course_id, c.title, c.hours,
         *[f"{c.covers.get(iri, 0)}/{_fn(cov, iri).requirements}" for iri, _ in fn_keys]]
        for c in cov.courses
    ]  # fmt: skip
    hours_head = ["scope", "level", "row", "planned hours", "suggested hours", "difference"]
    hours: list[list[Any]] = []
    for level in cov.levels:
        scope = "own" if level is cov.target else "inherited"
        basic = cov.basic_suggested_hours[level.iri]
        hours.append([scope, level.label, "职业道德 + 基础知识", None, basic, None])
        for r in cov.functions:
            if r.level is level:
                diff = None if r.suggested_hours is None else r.planned_hours - r.suggested_hours
                hours.append([scope, level.label, f"{r.function.code} {r.function.name}",
                              r.planned_hours, r.suggested_hours, diff])  # fmt: skip
        hours.append([scope, level.label, f"training hours of {level.label}", None,
                      level.training_hours, None])  # fmt: skip
    hours.append(["", "", "outside the target", cov.outside_hours, None, None])
    hours.append(["", "", "courses without mapping", cov.unmapped_hours, None, None])
    hours.append(["", "", "all courses", cov.planned_hours, None, None])
    multi_head = ["requirement", "scope", "text", "courses", "treatments"]
    multi = [
        [r.ref, r.scope, r.info.text, len(r.courses), "; ".join(
            f"{c} ({t})" if t else c for c, t in r.courses.items())]
        for r in cov.multi_taught
    ]  # fmt: skip
    outside_head = ["course", "row", "reference", "why"]
    outside = [
        [c.course_id, m.row, m.ref, "not required by " + cov.target.label]
        for c in cov.curriculum.courses for m in c.mappings
        if not any(r in _required(cov) for r in m.requirements)
    ]  # fmt: skip
    check = cov.hours_check
    hours_check_head = ["level", "planned hours", "standard training hours", "ratio", "flagged",
                        "message"]  # fmt: skip
    hours_check = [[cov.target.label, check.planned, check.standard, check.ratio,
                    "yes" if check.flagged else "no", check.message(cov.target.label)]]
    return {
        "summary": (summary_head, summary),
        "functions": (fn_head, functions),
        "gaps": (gap_head, gaps),
        "matrix": (matrix_head, matrix),
        "hours": (hours_head, hours),
        "hours-check": (hours_check_head, hours_check),
        "multi-taught": (multi_head, multi),
        "outside-target": (outside_head, outside),
    }


def _required(cov: Coverage) -> set[str]:
    return {r.info.iri for r in cov.requirements}


def _fn(cov: Coverage, iri: str):
    return next(r for r in cov.functions if r.function.iri == iri)


def _fn_label(cov: Coverage, row: FunctionRow) -> str:
    prefix = "" if row.level is cov.target else f"{row.level.trade_name}{row.level.rank}级 "
    return f"{prefix}{row.function.code} {row.function.name}"


def csv_files(cov: Coverage) -> dict[str, bytes]:
    """One UTF-8 CSV (with BOM, so Excel reads the Chinese) per table."""
    out = {}
    for name, (head, rows) in tables(cov).items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(head)
        w.writerows([[_csv_cell(v) for v in row] for row in rows])
        out[f"{name}.csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return out


def _csv_cell(value: Any) -> str:
    """A value for CSV; text from the designer's sheet cannot become a formula."""
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else fmt(value, 3)


def _md(text: str) -> str:
    """Text for a Markdown table cell: HTML escaped (Markdown passes HTML through), and
    ``|`` escaped so that it cannot split the cell."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def render(cov: Coverage, fmt_name: str) -> bytes:
    """The report in ``md``, ``html`` or ``json`` (``csv`` is several files: csv_files)."""
    if fmt_name == "md":
        return _markdown(cov).encode("utf-8")
    if fmt_name == "html":
        return _html(cov).encode("utf-8")
    if fmt_name == "json":
        data = {
            "curriculum": cov.curriculum.iri,
            "target": cov.target.iri,
            "hours": {"planned": _num(cov.hours_check.planned),
                      "standard": cov.hours_check.standard,
                      "ratio": _num(cov.hours_check.ratio),
                      "flagged": cov.hours_check.flagged,
                      "message": cov.hours_check.message(cov.target.label)},
            "tables": {
                name: [dict(zip(head, [_num(v) for v in row], strict=True)) for row in rows]
                for name, (head, rows) in tables(cov).items()
            },
        }
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    raise ValueError(f"unknown report format {fmt_name!r} (one of {', '.join(FORMATS)})")


def _headline(cov: Coverage) -> list[str]:
    o = cov.own
    lines = [
        f"Own requirements of {cov.target.label}: {o.covered} of {o.requirements} covered "
        f"({fmt(o.percent)}%).",
        f"Weighted: theory {fmt(o.theory_points, 2)} of {o.theory_max} points "
        f"({fmt(o.theory_percent)}%), skill {fmt(o.skill_points, 2)} of {o.skill_max} points "
        f"({fmt(o.skill_percent)}%), both exams {fmt(o.weighted_percent)}%.",
    ]
    if len(cov.levels) > 1:
        i = cov.inherited
        lines.append(f"Inherited from lower levels: {i.covered} of {i.requirements} covered "
                     f"({fmt(i.percent)}%).")  # fmt: skip
    lines.append(cov.hours_check.message(cov.target.label))
    return lines


def _markdown(cov: Coverage) -> str:
    out = [f"# Curriculum coverage: {_md(cov.curriculum.label)} → {_md(cov.target.label)}",
           "", f"- curriculum: `{cov.curriculum.iri}` ({_md(cov.curriculum.source)})",
           f"- target: `{cov.target.iri}`", ""]  # fmt: skip
    out += [f"{_md(line)}  " for line in _headline(cov)] + [""]
    titles = {
        "summary": "Summary", "functions": "Per function",
        "gaps": "Gaps (uncovered; own level first, then costliest first)",
        "matrix": "Courses × functions (requirements covered / in the function)",
        "hours": "Hours: planned against suggested by the weights",
        "hours-check": "Hours: planned against the standard's training hours",
        "multi-taught": "Requirements taught by several courses",
        "outside-target": "Mappings outside the target",
    }  # fmt: skip
    for name, (head, rows) in tables(cov).items():
        out += [f"## {titles[name]}", ""]
        if not rows:
            out += ["(none)", ""]
            continue
        cols = [i for i, h in enumerate(head) if h != "iri"]
        out.append("| " + " | ".join(head[i] for i in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for row in rows:
            cells = [_md(fmt(row[i], 2)) for i in cols]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


PAGE_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;
margin:1.5rem;color:#1b1b1b;max-width:80rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #d0d0d0;padding:.25rem .45rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}
"""
CSS = """
.report table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
.report th,.report td{border:1px solid #d0d0d0;padding:.25rem .45rem;vertical-align:top}
.report th{background:#f3f3f3;text-align:left}.report{overflow-x:auto}
td.n{text-align:right;font-variant-numeric:tabular-nums}
#heatmap td.cell{text-align:center;min-width:4.5rem;font-variant-numeric:tabular-nums}
#heatmap th.fn{max-width:8rem;font-weight:normal;font-size:.8rem}
#heatmap th.lv{text-align:center;background:#e8eef3}#heatmap td.zero{color:#aaa}
#heatmap tr.total th,#heatmap tr.total td{border-top:2px solid #555}
.legend span{display:inline-block;width:2.2rem;text-align:center;border:1px solid #ccc;
font-size:.75rem}
.headline p{margin:.2rem 0}.meta{color:#555;font-size:.85rem}
.headline p.flag{background:#fff3cd;border-left:4px solid #c77700;padding:.2rem .5rem}
"""
HEAT_STEPS = 20  # heatmap colors: one class per 5 % (classes, not style attributes, so the
# page keeps working under the server's Content-Security-Policy, which forbids inline styles)


def stylesheet(*, standalone: bool = True) -> str:
    """The report's CSS: tables, and the heatmap's color classes ``h0`` … ``h20``; with
    the page's own rules (fonts, margins) for the self-contained file, without them for
    the server's page, which has the site's stylesheet."""
    steps = "".join(f"#heatmap td.h{i},.legend span.h{i}{{{_heat(Fraction(i, HEAT_STEPS))}}}"
                    for i in range(HEAT_STEPS + 1))  # fmt: skip
    return (PAGE_CSS if standalone else "") + CSS + steps + "\n"


def _heat(share: Fraction) -> str:
    """Background for a covered share: white (0) → deep green (1)."""
    a = float(share)
    r, g, b = (round(255 + (c - 255) * a) for c in (26, 127, 55))
    fg = ";color:#fff" if a > 0.55 else ""  # else the stylesheet's (grey for empty cells)
    return f"background:rgb({r},{g},{b}){fg}"


def _heat_class(share: Fraction) -> str:
    return f"h{round(share * HEAT_STEPS)}"


def title(cov: Coverage) -> str:
    return f"课程覆盖 Curriculum coverage: {cov.curriculum.label} → {cov.target.label}"


def _html(cov: Coverage) -> str:
    """A self-contained page (its stylesheet inline): opens from a file, no network."""
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{html.escape(title(cov))}</title><style>{stylesheet()}</style></head><body>",
        html_body(cov), "</body></html>\n",
    ])  # fmt: skip


def html_body(cov: Coverage) -> str:
    """The report's content as an HTML fragment (for the file report and the server page)."""
    e = html.escape
    check = cov.hours_check
    headline = "".join(
        f'<p class="flag" id="hours-flag">{e(x)}</p>' if x.startswith("Planned hours")
        and check.flagged else f"<p>{e(x)}</p>" for x in _headline(cov)
    )  # fmt: skip
    parts = [
        '<div class="report">',
        f"<h1>课程覆盖 · Curriculum coverage<br>{e(cov.curriculum.label)} → "
        f"{e(cov.target.label)}</h1>",
        f'<p class="meta">curriculum <code>{e(cov.curriculum.iri)}</code> '
        f"({e(cov.curriculum.source)}) · target <code>{e(cov.target.iri)}</code></p>",
        f'<div class="headline">{headline}</div>',
    ]  # fmt: skip
    t = tables(cov)
    parts.append("<h2>Summary</h2>" + _html_table(*t["summary"]))
    # heatmap: courses × functions, colored by the share of the function's requirements covered
    parts.append('<h2 id="heatmap-title">Courses × functions (heatmap)</h2>')
    parts.append('<p class="legend">share of the function\'s requirements the course covers: '
                 + "".join(f'<span class="{_heat_class(Fraction(i, 4))}">{25 * i}%</span>'
                           for i in range(5)) + "</p>")  # fmt: skip
    groups = [(lv, [r for r in cov.functions if r.level is lv]) for lv in cov.levels]
    head = ['<table id="heatmap"><thead><tr><th rowspan="2">course</th>'
            '<th rowspan="2">hours</th>']  # fmt: skip
    for lv, rows in groups:
        if rows:
            scope = "own" if lv is cov.target else "inherited"
            head.append(f'<th class="lv" colspan="{len(rows)}">{e(lv.label)} · {scope}</th>')
    head.append("</tr><tr>")
    for _, rows in groups:
        for i, r in enumerate(rows):
            edge = " edge" if i == 0 else ""
            head.append(f'<th class="fn{edge}">{e(r.function.code)} {e(r.function.name)}</th>')
    head.append("</tr></thead><tbody>")
    parts.append("".join(head))

    def cell(n: int, total: int) -> str:
        share = Fraction(n, total) if total else Fraction(0)
        zero = " zero" if n == 0 else ""
        return (f'<td class="cell{zero} {_heat_class(share)}" data-share="{float(share):.4f}"'
                f' title="{n} of {total}">{n}/{total}</td>')

    for c in cov.courses:
        cells = [f"<tr><th>{e(c.course_id)} {e(c.title)}</th><td class='n'>{fmt(c.hours)}</td>"]
        cells += [cell(c.covers.get(r.function.iri, 0), r.requirements) for r in cov.functions]
        parts.append("".join(cells) + "</tr>")
    totals = ["<tr class='total'><th>all courses</th><td></td>"]
    totals += [cell(r.covered, r.requirements) for r in cov.functions]
    parts.append("".join(totals) + "</tr></tbody></table>")
    gh, gr = t["gaps"]
    parts.append(f'<h2 id="gaps">Gaps: {len(gr)} uncovered requirements '
                 "(own level first, then costliest first)</h2>")
    parts.append(_html_table(gh, gr, table_id="gap-list"))
    for name, heading in (("functions", "Per function"), ("hours", "Hours"),
                          ("hours-check", "Hours against the standard"),
                          ("multi-taught", "Requirements taught by several courses"),
                          ("outside-target", "Mappings outside the target")):  # fmt: skip
        parts.append(f"<h2>{heading}</h2>" + _html_table(*t[name], table_id=name))
    parts.append("</div>")
    return "\n".join(parts)


def _html_table(head: list[str], rows: list[list[Any]], table_id: str = "") -> str:
    if not rows:
        return "<p>(none)</p>"
    e = html.escape
    cols = [i for i, h in enumerate(head) if h != "iri"]
    id_attr = f' id="{table_id}"' if table_id else ""
    out = [f"<table{id_attr}><thead><tr>" + "".join(f"<th>{e(head[i])}</th>" for i in cols)
           + "</tr></thead><tbody>"]  # fmt: skip
    for row in rows:
        cells = []
        for i in cols:
            v = row[i]
            cls = ' class="n"' if isinstance(v, int | Fraction) else ""
            cells.append(f"<td{cls}>{e(fmt(v, 2))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)
