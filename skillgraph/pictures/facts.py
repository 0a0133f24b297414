"""What the pictures show, read from the graph through the sg: vocabulary.

A trade-level's *own* requirements are those of its own table (sg:hasFunction →
sg:hasWorkContent → sg:hasRequirement); the ones it *inherits* are the rest of what it
sg:requires (the requirements of the levels it covers).  Works on the
:class:`~skillgraph.server.data.LinkedData` view of a build (a pyoxigraph store).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import vocab as v

if TYPE_CHECKING:
    from ..server.data import LinkedData

RANK_NAMES = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}


def term(uri: str) -> ox.NamedNode:
    return ox.NamedNode(str(uri))


def natural(text: str) -> tuple:
    """Numeric order of codes: 2 < 10, 1.2.9 < 1.2.10 (code points would say 10 < 2)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                 for p in re.split(r"(\d+)", text) if p)  # fmt: skip


@dataclass
class Step:
    """One level of a ladder."""

    iri: str
    rank: int
    label: str
    own: int
    inherited: int
    common: bool = False  # the occupation's level shared by every trade (no sg:trade)


@dataclass
class Ladder:
    iri: str  # the trade (or the occupation, for a standard without trades)
    label: str
    steps: list[Step]  # 五级 → 一级
    current: str | None = None  # a trade-level to highlight


@dataclass
class FunctionChange:
    code: str
    label: str
    new: int
    restated: int


@dataclass
class Progression:
    lower: Step
    higher: Step
    functions: list[FunctionChange] = field(default_factory=list)


@dataclass
class BlueprintRow:
    label: str
    code: str  # the function's code, "" for ethics/base knowledge/unassessed rows
    theory: int | None  # percent; None = no row in that table
    skill: int | None
    theory_na: bool = False  # the row is printed "—" (not assessed)
    skill_na: bool = False


@dataclass
class Blueprint:
    iri: str
    label: str
    rows: list[BlueprintRow]


def rank_of(ld: LinkedData, trade_level: str) -> int | None:
    levels = ld.iris(trade_level, term(v.level))
    return ld.integer(levels[0], term(v.rank)) if levels else None


def own_requirements(ld: LinkedData, trade_level: str) -> set[str]:
    return {
        r
        for f in ld.iris(trade_level, term(v.hasFunction))
        for c in ld.iris(f, term(v.hasWorkContent))
        for r in ld.iris(c, term(v.hasRequirement))
    }


def step(ld: LinkedData, trade_level: str) -> Step:
    """The counts the build stored on the level (skillgraph/statistics.py: a level requires
    its own requirements, so the inherited ones are the rest), else counted by walking the
    graph (one made without them): on the on-disk store a walk is thousands of lookups."""
    stored = [ld.integer(trade_level, term(p)) for p in
              (v.skillRequirementCount, v.knowledgeRequirementCount, v.requiredCount)]
    if None not in stored:
        skills, knowledge, required_n = stored
        own_n, inherited = skills + knowledge, required_n - skills - knowledge
    else:
        own = own_requirements(ld, trade_level)
        own_n, inherited = len(own), len(set(ld.iris(trade_level, term(v.requires))) - own)
    return Step(trade_level, rank_of(ld, trade_level) or 0, ld.label(trade_level), own_n,
                inherited, not ld.iris(trade_level, term(v.trade)))  # fmt: skip


def _is_trade_level(ld: LinkedData, iri: str) -> bool:
    return str(v.TradeLevel) in ld.types(iri)


def ladder(ld: LinkedData, node: str, current: str | None = None) -> Ladder:
    """The ladder of a trade (its levels, and the occupation's common levels for ranks
    the trade has none of) or of an occupation without trades (its common levels)."""
    if str(v.Trade) in ld.types(node):
        occupation = next(iter(ld.iris(node, term(v.occupation))), None)
        levels = {rank_of(ld, t): t for t in ld.subjects(term(v.trade), node)}
    else:
        occupation, levels = node, {}
    if occupation is not None:
        for t in ld.subjects(term(v.occupation), occupation):
            if _is_trade_level(ld, t) and not ld.iris(t, term(v.trade)):
                levels.setdefault(rank_of(ld, t), t)
    steps = [step(ld, levels[r]) for r in (5, 4, 3, 2, 1) if r in levels]
    return Ladder(node, ld.label(node), steps, current)


def ladders(ld: LinkedData, occupation: str) -> list[Ladder]:
    """One ladder per trade of an occupation (in code order); one for the occupation
    itself when it has no trades."""
    trades = ld.iris(occupation, term(v.hasTrade))
    if not trades:
        return [ladder(ld, occupation)]
    ordered = sorted(trades, key=lambda t: (natural(ld.text(t, term(v.SKOS.notation)) or ""), t))
    return [ladder(ld, t) for t in ordered]


def functions_in_order(ld: LinkedData, trade_level: str) -> list[str]:
    """A trade-level's functions by their code's numeric value."""
    return sorted(ld.iris(trade_level, term(v.hasFunction)),
                  key=lambda f: (natural(ld.text(f, term(v.SKOS.notation)) or ""), f))  # fmt: skip


def nearest_lower(ld: LinkedData, trade_level: str) -> str | None:
    covered = ld.iris(trade_level, term(v.coversLowerLevel))
    return min(covered, key=lambda t: (rank_of(ld, t) or 9, t)) if covered else None


def progression(ld: LinkedData, higher: str, lower: str | None = None) -> Progression | None:
    """Per function of ``higher``: its requirements new over ``lower`` (default: the level
    directly below) and those whose competency ``lower`` already requires."""
    lower = lower or nearest_lower(ld, higher)
    if lower is None:
        return None
    below = {c for r in ld.iris(lower, term(v.requires)) for c in ld.iris(r, term(v.expresses))}
    changes = []
    for f in functions_in_order(ld, higher):
        reqs = [r for c in ld.iris(f, term(v.hasWorkContent))
                for r in ld.iris(c, term(v.hasRequirement))]  # fmt: skip
        restated = sum(1 for r in reqs if set(ld.iris(r, term(v.expresses))) & below)
        changes.append(FunctionChange(ld.text(f, term(v.SKOS.notation)) or "", ld.label(f),
                                      len(reqs) - restated, restated))  # fmt: skip
    return Progression(step(ld, lower), step(ld, higher), changes)


def weight_order(ld: LinkedData, weight: str) -> tuple:
    """Where a weight row sits: 职业道德, 基础知识, then the functions by numeric code,
    then rows printed without a function (in source order)."""
    of = next(iter(ld.iris(weight, term(v.weightOf))), None)
    line = ld.integer(weight, term(v.sourceLine)) or 0
    if of == str(v.EthicsCategory):
        return (0, (), line)
    if of == str(v.BaseKnowledgeCategory):
        return (1, (), line)
    if of is not None:
        return (2, natural(ld.text(of, term(v.SKOS.notation)) or ""), line)
    return (3, (), line, ld.text(weight, term(v.weightRow)) or "")


def blueprint(ld: LinkedData, trade_level: str) -> Blueprint:
    """The two weight tables of a trade-level as rows in function order."""
    rows: dict[str, BlueprintRow] = {}
    order: dict[str, tuple] = {}
    for w in ld.iris(trade_level, term(v.hasExamWeight)):
        label = ld.text(w, term(v.weightRow)) or ""
        of = next(iter(ld.iris(w, term(v.weightOf))), None)
        code = (ld.text(of, term(v.SKOS.notation)) or "") if of else ""
        row = rows.setdefault(label, BlueprintRow(label, code, None, None))
        key = weight_order(ld, w)
        order[label] = min(order.get(label, key), key)
        pct = ld.integer(w, term(v.weightPercent))
        na = ld.text(w, term(v.notAssessed)) == "true"
        if str(v.TheoryExam) in ld.iris(w, term(v.exam)):
            row.theory, row.theory_na = pct, na
        else:
            row.skill, row.skill_na = pct, na
    ordered = sorted(rows.values(), key=lambda r: order[r.label])
    return Blueprint(trade_level, ld.label(trade_level), ordered)
