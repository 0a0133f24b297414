"""Normalizing printed codes and reporting the draft's numbering defects.

The graph holds every item where the table puts it.  Its ``code`` is made to fit that
place (a work content's code starts with its function's, a requirement's with its work
content's, unique among its siblings); the printed code is kept beside it whenever the
two differ, with a finding that says why: the printed code does not fit its place, it is
malformed (``2.13`` for ``2.1.3``), or it repeats a number.  Gaps in a sequence are
findings on the parent.  Corrections that need judgement come from the errata file and
are applied before this step.
"""

from __future__ import annotations

from skillgraph.model import FindingKind, Function, Requirement, TradeLevel, WorkContent

from .tables import NodeFinding

KIND_ZH = {"skill": "技能要求", "knowledge": "相关知识要求"}


def normalize_trade_level(tl: TradeLevel, findings: list[NodeFinding]) -> None:
    """Rewrite codes of one trade-level in place; append findings."""
    _number_siblings(tl.functions, "", tl, "职业功能", "function", findings)
    for fn in tl.functions:
        _number_siblings(fn.contents, fn.code, fn, "工作内容", "work content", findings)
        for wc in fn.contents:
            for kind, items in (("skill", wc.skills), ("knowledge", wc.knowledge)):
                _number_siblings(items, wc.code, wc, KIND_ZH[kind], kind, findings)


def _number_siblings(
    items: list[Function] | list[WorkContent] | list[Requirement],
    parent_code: str,
    parent: object,
    what_zh: str,
    what_en: str,
    findings: list[NodeFinding],
) -> None:
    prefix = f"{parent_code}." if parent_code else ""
    used: set[int] = set()
    pending: list[tuple[object, int | None, str]] = []  # (item, wanted number, reason)
    for item in items:
        printed = item.code
        wanted, reason = _wanted_number(printed, prefix)
        if reason == "malformed":
            findings.append(
                NodeFinding(
                    FindingKind.MALFORMED_CODE,
                    f"{what_zh}编号“{printed}”格式错误，应为“{prefix}{wanted}” / malformed "
                    f"{what_en} code {printed!r}: read as {prefix}{wanted}",
                    item.line,
                    item,
                )
            )
        elif reason == "unnumbered":
            findings.append(
                NodeFinding(
                    FindingKind.MISSING_NUMBER,
                    f"{what_zh}未编号，按位置编为下一号 / unnumbered {what_en}: given the next "
                    f"free number under {parent_code or 'the table'}",
                    item.line,
                    item,
                )
            )
        elif reason == "misfit":
            findings.append(
                NodeFinding(
                    FindingKind.PRINTED_CODE_MISFIT,
                    f"{what_zh}“{printed}”印在编号为“{parent_code or '—'}”的位置下，编号不符 / "
                    f"{what_en} printed as {printed!r} stands under {parent_code or 'the table'}"
                    f"; its code does not fit its place",
                    item.line,
                    item,
                )
            )
        if wanted is not None and wanted in used:
            findings.append(
                NodeFinding(
                    FindingKind.DUPLICATE_NUMBER,
                    f"{what_zh}编号“{prefix}{wanted}”重复 / duplicate {what_en} number "
                    f"{prefix}{wanted}",
                    item.line,
                    item,
                )
            )
            wanted = None
        if wanted is not None:
            used.add(wanted)
        pending.append((item, wanted, printed))
    next_free = max(used, default=0)
    for item, wanted, printed in pending:
        if wanted is None:
            next_free += 1
            wanted = next_free
        code = f"{prefix}{wanted}"
        if code != printed and printed:
            item.printed_code = printed  # type: ignore[union-attr]
        item.code = code  # type: ignore[union-attr]
    numbers = sorted(used)
    missing = [n for n in range(1, max(numbers, default=0) + 1) if n not in used]
    if missing:
        codes = "、".join(f"{prefix}{n}" for n in missing)
        findings.append(
            NodeFinding(
                FindingKind.MISSING_NUMBER,
                f"缺少{what_zh}编号 {codes} / missing {what_en} number(s) "
                f"{', '.join(f'{prefix}{n}' for n in missing)}",
                getattr(parent, "line", 0) if not isinstance(parent, TradeLevel) else parent.line,
                parent,
            )
        )


def _wanted_number(printed: str, prefix: str) -> tuple[int | None, str]:
    """The sibling number a printed code asks for, and what is wrong with it if anything."""
    if not printed:
        return None, "unnumbered"
    parts = printed.split(".")
    depth = prefix.count(".") + 1
    if len(parts) == depth:
        number = int(parts[-1])
        fits = printed.startswith(prefix) or not prefix
        return number, ("" if fits else "misfit")
    if len(parts) == depth - 1 and prefix and printed.startswith(prefix.split(".")[0] + "."):
        # a dot lost: 2.13 where 2.1.3 belongs — the digits after the parent's are ours
        joined = parts[-1]
        parent_last = prefix.rstrip(".").split(".")[-1]
        if joined.startswith(parent_last) and len(joined) > len(parent_last):
            return int(joined[len(parent_last) :]), "malformed"
    return None, "misfit"
