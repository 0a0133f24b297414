"""The committee's section of the build report (report.md and report.html), per standard.

Items are numbered as in the comment sheet (序号), grouped by trade-level, each with the
clause the drafters look up, what is wrong, why, and a link to the node's page.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from .collect import Item, Review, StandardReview
from .texts import ORIGIN, RULES

Href = Callable[[str], str]


def heading(std: StandardReview) -> str:
    return (f"For the drafting committee: {std.findings} findings, {std.warnings} SHACL "
            f"warnings ({len(std.items)} items)")  # fmt: skip


def summary_md(review: Review) -> str:
    """The build-wide line: how many items the committee gets, and where."""
    findings = sum(s.findings for s in review.standards)
    warnings = sum(s.warnings for s in review.standards) + len(review.elsewhere)
    line = (f"\nFor the drafting committee: {findings} findings and {warnings} SHACL warnings "
            f"({len(review.items)} items), each listed under its standard below")
    if review.elsewhere:
        line += f"; {len(review.elsewhere)} warnings are about nodes of no one standard"
    return line + ".\n"


def numbered(std: StandardReview) -> list[tuple[int, str, list[tuple[int, Item]]]]:
    """(first number, group label, [(序号, item)]) per group, numbered through the standard."""
    out, n = [], 0
    for group in std.groups:
        rows = []
        for item in group.items:
            n += 1
            rows.append((n, item))
        out.append((rows[0][0] if rows else n, group.label, rows))
    return out


def markdown(std: StandardReview) -> list[str]:
    out = [f"## {heading(std)}", ""]
    out.append("Every finding of the loader and every SHACL warning, grouped by trade-level; "
               "`skillgraph findings --format xlsx` writes them as a comment sheet "
               "(征求意见反馈表). Rules: " + ", ".join(
                   f"{RULES[r].name_zh} ({RULES[r].name_en})"
                   for r in sorted({i.rule for i in std.items})) + ".")  # fmt: skip
    for _first, label, rows in numbered(std):
        out += ["", f"### {label} ({len(rows)})", ""]
        out += ["| 序号 | 章条编号 | 意见内容 | 理由/依据 | 来源 | 行 | 页 | node |",
                "|---:|---|---|---|---|---:|---:|---|"]  # fmt: skip
        for n, item in rows:
            out.append(
                f"| {n} | {_md(item.place)} | {_md(item.comment)} | {_md(item.about.reason)} "
                f"| {ORIGIN[item.origin]} | {item.line or ''} | {item.page or ''} "
                f"| <{item.node}> |"
            )
    return out


def html_section(std: StandardReview, href: Href = lambda iri: iri) -> str:
    e = html.escape
    parts = [f"<h2 id='committee-{e(std.code)}'>{e(heading(std))}</h2>"]
    for _first, label, rows in numbered(std):
        body = "".join(
            f"<tr class='item {item.origin}' data-rule='{e(item.rule)}'><td class=n>{n}</td>"
            f"<td>{e(item.place)}</td><td><a href='{e(href(item.node))}'>{e(item.comment)}</a>"
            f"{_en(item)}</td><td>{e(item.about.reason)}</td><td>{e(ORIGIN[item.origin])}</td>"
            f"<td class=n>{item.line or ''}</td><td class=n>{item.page or ''}</td></tr>"
            for n, item in rows
        )
        parts.append(
            f"<h3>{e(label)} ({len(rows)})</h3><table class=committee><tr><th>序号</th>"
            "<th>章条编号</th><th>意见内容</th><th>理由/依据</th><th>来源</th><th>行</th>"
            f"<th>页</th></tr>{body}</table>"
        )
    return "\n".join(parts)


def _en(item: Item) -> str:
    if not item.message_en or item.message_en == item.message:
        return ""
    return f"<br><small lang=en>{html.escape(item.message_en)}</small>"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
