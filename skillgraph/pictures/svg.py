"""Drawing the pictures as self-contained SVG: text, rects and links, no script, no
external resources.  Every text is escaped; sizes follow the data (one row per level,
function or weight row), so a standard with other trades or functions draws the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from .facts import RANK_NAMES, Blueprint, Ladder, Progression

Link = Callable[[str], str] | None
FONT = "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Microsoft YaHei', sans-serif"
OWN, INHERITED, NEW, RESTATED, THEORY, SKILL = (
    "#1f4e3d", "#a9c8b8", "#2e7d4f", "#c4c9cc", "#3566a8", "#d9822b")  # fmt: skip
LABEL_W, BAR_W, ROW_H, TOP = 230, 330, 30, 58


def _text(x: float, y: float, text: str, *, size: int = 13, weight: str = "normal",
          anchor: str = "start", fill: str = "#222", cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}" fill="{fill}"{extra}>{escape(text)}</text>')


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str = "",
          cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    tip = f"<title>{escape(title)}</title>" if title else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
            f'fill="{fill}"{extra}>{tip}</rect>')


def _linked(body: str, href: str | None) -> str:
    return f"<a href={quoteattr(href)}>{body}</a>" if href else body


def _document(kind: str, title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture {kind}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" data-picture="{kind}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        + "".join(body) + "</svg>\n"
    )


def text_width(text: str, size: int = 12) -> float:
    """Approximate drawn width: CJK and full-width characters one em, others ~0.6 em."""
    return sum(size if ord(c) > 0x2E80 else size * 0.6 for c in text)


def _legend(x: float, y: float, items: list[tuple[str, str]]) -> list[str]:
    out = []
    for color, label in items:
        out.append(_rect(x, y - 10, 12, 12, color))
        out.append(_text(x + 16, y, label, size=12, fill="#445"))
        x += 28 + text_width(label)
    return out


def ladder_svg(lad: Ladder, link: Link = None) -> str:
    """Levels 五级 (bottom) → 一级 (top); per level a bar: own requirements (dark) and
    those inherited from the levels it covers (light)."""
    labels = {s.iri: f"{RANK_NAMES.get(s.rank, s.rank)} {s.label}" for s in lad.steps}
    left = max([10 + (s.rank - 1) * 12 + text_width(labels[s.iri]) + 12 for s in lad.steps]
               + [LABEL_W])
    width = int(left + BAR_W + 130)
    height = TOP + ROW_H * len(lad.steps) + 20
    most = max([s.own + s.inherited for s in lad.steps] + [1])
    body = [_text(10, 22, f"{lad.label}：等级阶梯 / level ladder", size=15, weight="bold"),
            *_legend(10, 44, [(OWN, "本级 / own"), (INHERITED, "涵盖下级 / inherited")])]
    for i, s in enumerate(reversed(lad.steps)):  # 一级 on top
        y = TOP + i * ROW_H
        current = s.iri == lad.current
        indent = (s.rank - 1) * 12  # a staircase: lower levels step in
        label = labels[s.iri]
        body.append(_linked(_text(10 + indent, y + 19, label, size=12,
                                  weight="bold" if current else "normal"),
                            link(s.iri) if link else None))  # fmt: skip
        own_w = BAR_W * s.own / most
        inh_w = BAR_W * s.inherited / most
        body.append(_rect(left, y + 5, own_w, ROW_H - 10, OWN,
                          f"{s.label}: {s.own} own requirements", "own"))
        body.append(_rect(left + own_w, y + 5, inh_w, ROW_H - 10, INHERITED,
                          f"{s.label}: {s.inherited} inherited requirements", "inherited"))
        if current:
            body.append(f'<rect x="{left - 3}" y="{y + 2}" width="{own_w + inh_w + 6:.1f}" '
                        f'height="{ROW_H - 4}" fill="none" stroke="#e0a000" stroke-width="2"/>')
        body.append(_text(left + own_w + inh_w + 8, y + 19,
                          f"{s.own} + {s.inherited} = {s.own + s.inherited}", size=12))
    desc = "; ".join(f"{RANK_NAMES.get(s.rank, s.rank)}: own {s.own}, inherited {s.inherited}"
                     for s in lad.steps)  # fmt: skip
    return _document("ladder", f"{lad.label} level ladder", desc, width, height, body)


def progression_svg(prog: Progression, link: Link = None) -> str:
    """Per function of the higher level: requirements new over the lower level (green)
    and those restating a competency the lower level already requires (grey)."""
    width = LABEL_W + BAR_W + 150
    height = TOP + ROW_H * len(prog.functions) + 20
    most = max([f.new + f.restated for f in prog.functions] + [1])
    title = (f"{prog.lower.label} → {prog.higher.label}")
    body = [_text(10, 22, f"进阶 / progression：{title}", size=15, weight="bold"),
            *_legend(10, 44, [(NEW, "新增 / new"), (RESTATED, "下级已要求 / already below")])]
    for i, f in enumerate(prog.functions):
        y = TOP + i * ROW_H
        name = f.label if len(f.label) <= 14 else f.label[:13] + "…"
        body.append(_text(10, y + 19, f"{f.code} {name}", size=12))
        new_w = BAR_W * f.new / most
        body.append(_rect(LABEL_W, y + 5, new_w, ROW_H - 10, NEW,
                          f"{f.label}: {f.new} new", "new"))
        body.append(_rect(LABEL_W + new_w, y + 5, BAR_W * f.restated / most, ROW_H - 10,
                          RESTATED, f"{f.label}: {f.restated} already required below",
                          "restated"))
        body.append(_text(LABEL_W + BAR_W * (f.new + f.restated) / most + 8, y + 19,
                          f"+{f.new} / ↺{f.restated}", size=12))
    desc = "; ".join(f"function {f.code}: {f.new} new, {f.restated} restated"
                     for f in prog.functions)  # fmt: skip
    return _document("progression", title, desc, width, height, body)


def blueprint_svg(bp: Blueprint, link: Link = None) -> str:
    """The exam blueprint: per row (职业道德, 基础知识, functions by code) the theory and
    skill exam weights as two bars; "—" where the standard prints a dash."""
    pair_h = 36
    width = LABEL_W + BAR_W + 90
    height = TOP + pair_h * len(bp.rows) + 20
    body = [_text(10, 22, f"{bp.label}：考核权重 / exam blueprint", size=15, weight="bold"),
            *_legend(10, 44, [(THEORY, "理论知识 / theory"), (SKILL, "操作技能 / skill")])]
    for i, r in enumerate(bp.rows):
        y = TOP + i * pair_h
        name = r.label if len(r.label) <= 14 else r.label[:13] + "…"
        body.append(_text(10, y + 21, f"{r.code} {name}".strip(), size=12))
        for j, (pct, na, color, exam) in enumerate(
                ((r.theory, r.theory_na, THEORY, "theory"), (r.skill, r.skill_na, SKILL, "skill"))):
            by = y + 4 + j * 14
            if pct is not None:
                w = BAR_W * pct / 100
                body.append(_rect(LABEL_W, by, w, 12, color, f"{r.label}: {exam} {pct}%", exam))
                body.append(_text(LABEL_W + w + 6, by + 11, f"{pct}%", size=11))
            elif na:
                body.append(_text(LABEL_W + 4, by + 11, "—", size=11, fill="#778"))
    desc = "; ".join(f"{r.label}: theory {'—' if r.theory is None else r.theory}, skill "
                     f"{'—' if r.skill is None else r.skill}" for r in bp.rows)  # fmt: skip
    return _document("blueprint", f"{bp.label} exam blueprint", desc, width, height, body)
