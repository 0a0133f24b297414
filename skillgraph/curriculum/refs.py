"""Reading the references a designer writes in a spreadsheet, with helpful failures.

A reference is a requirement IRI, a competency IRI, or ``TRADE/RANK/S|K CODE`` such as
``碳排放核算员/3/S2.2.1`` (``碳排放管理员/5/K1.1.1`` for the common level).  Spreadsheets
are typed by people on Chinese keyboards, so the text is NFKC-normalized first (full-width
``／``, ``Ｓ`` and digits become ASCII) before it is read strictly.  A failure says whether
the reference is malformed, unknown or ambiguous and lists the closest valid references.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..names import edit_distance, rank_of_text
from .index import StandardIndex, TradeLevelInfo

__all__ = ["RefError", "Resolved", "closest", "edit_distance", "resolve", "resolve_level"]

_IRI = re.compile(r"^<?[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*>?$")
_CODE = re.compile(r"^([SK]?)(\d+\.\d+\.\d+)$")


class RefError(ValueError):
    """A reference that does not name exactly one requirement, competency or level."""

    def __init__(self, kind: str, message: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind  # "malformed" | "unknown" | "ambiguous"
        self.suggestions = suggestions or []
        text = f"{kind} reference: {message}"
        if self.suggestions:
            text += "; closest: " + ", ".join(self.suggestions)
        super().__init__(text)


@dataclass(frozen=True)
class Resolved:
    """What a reference names: one requirement, or one competency (and its requirements)."""

    iri: str
    kind: str  # "requirement" | "competency"
    requirements: tuple[str, ...] = field(default=())


def normalize(text: str) -> str:
    """NFKC, no surrounding or inner blanks around '/': how references are compared.

    >>> normalize(" 碳排放核算员／３／ｓ2.2.1 ")
    '碳排放核算员/3/s2.2.1'
    """
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"\s*/\s*", "/", text)


def closest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    """The ``n`` candidates nearest to ``word`` by edit distance (ties in given order).

    >>> closest("S2.2.9", ["S1.1.1", "S2.2.1", "K2.2.1", "S2.3.1"])
    ['S2.2.1', 'K2.2.1', 'S2.3.1']
    """
    ranked = sorted(enumerate(candidates), key=lambda ic: (edit_distance(word, ic[1]), ic[0]))
    return [c for _, c in ranked[:n]]


def _trade_names(index: StandardIndex) -> dict[str, set[str]]:
    """Every accepted spelling of a trade (zh name, slug, English name) → its zh names.

    The zh name identifies the trade (or, for a common level, the occupation) across every
    standard of the build; a slug such as ``trade-1`` may name trades of several."""
    names: dict[str, set[str]] = {}
    for tl in index.trade_levels.values():
        for name in (tl.trade_name, tl.trade, tl.trade_name_en):
            if name:
                names.setdefault(normalize(name).casefold(), set()).add(tl.trade_name)
    return names


def _level(index: StandardIndex, trade_text: str, rank_text: str, ref: str) -> TradeLevelInfo:
    names = _trade_names(index)
    key = normalize(trade_text).casefold()
    zh_names = sorted({tl.trade_name for tl in index.trade_levels.values()})
    if key not in names:
        partial = sorted(
            {tl.trade_name for tl in index.trade_levels.values()
             if key and key in tl.trade_name.casefold()}
        )  # fmt: skip
        if len(partial) > 1:
            raise RefError("ambiguous", f"{trade_text!r} in {ref!r} is part of several "
                           f"trade names: {', '.join(partial)}", partial)  # fmt: skip
        raise RefError(
            "unknown", f"no trade named {trade_text!r} in {ref!r}", closest(trade_text, zh_names)
        )
    if len(names[key]) > 1:
        several = sorted(names[key])
        raise RefError("ambiguous", f"{trade_text!r} in {ref!r} names several trades: "
                       f"{', '.join(several)}", several)  # fmt: skip
    (tname,) = names[key]
    rank = _rank(rank_text, index)
    if rank is None:
        raise RefError("malformed", f"rank {rank_text!r} in {ref!r} must be 1–5 (5 = 五级), "
                       "三级 or 高级工")  # fmt: skip
    level = next(
        (tl for tl in index.trade_levels.values() if tl.trade_name == tname and tl.rank == rank),
        None,
    )
    if level is None:
        ranks = sorted(tl.rank for tl in index.trade_levels.values() if tl.trade_name == tname)
        raise RefError(
            "unknown",
            f"{tname} has no level {rank} (it has {', '.join(map(str, ranks))})",
            [f"{tname}/{r}" for r in ranks],
        )
    return level


def resolve_level(text: str, index: StandardIndex) -> TradeLevelInfo:
    """A target trade-level: ``碳排放核算员/4``, ``碳排放核算员/三级``, ``accounting/高级工``,
    its label ``碳排放核算员三级``, a bare rank when only one trade has it, or its IRI.

    Raises :class:`RefError`.
    """
    ref = normalize(text)
    if _is_iri(ref):
        iri = ref.strip("<>")
        if iri in index.trade_levels:
            return index.trade_levels[iri]
        near = difflib.get_close_matches(iri, list(index.trade_levels), n=3, cutoff=0.8)
        raise RefError("unknown", f"{iri}: no trade-level has this IRI", near)
    by_label = _by_label(ref, index)
    if by_label is not None:
        return by_label
    parts = ref.split("/")
    if len(parts) == 3 and _rank(f"{parts[1]}/{parts[2]}", index) is not None:
        parts = [parts[0], f"{parts[1]}/{parts[2]}"]  # 碳排放核算员/三级/高级工
    if len(parts) == 1 or (len(parts) == 2 and _rank(ref, index) is not None):
        return _by_label_or_rank(text, ref, index)
    if len(parts) != 2 or not all(parts):
        known = [tl.ref for tl in sorted(index.trade_levels.values(), key=lambda t: t.iri)]
        raise RefError("malformed", f"{text!r} is not TRADE/RANK (e.g. 碳排放核算员/4 or "
                       "碳排放核算员/三级) nor a trade-level IRI", closest(ref, known))  # fmt: skip
    return _level(index, parts[0], parts[1], text)


def _rank(text: str, index: StandardIndex) -> int | None:
    """A rank from ``3``, ``三级``, ``3级``, ``高级工``, ``三级/高级工``, ``level 3`` (the
    level names come from the graph's labels of the national levels)."""
    key = " ".join(normalize(text).casefold().split())
    rank = index.rank_names.get(key)
    if rank is None and "/" not in key:
        rank = rank_of_text(key)
    return rank


def _by_label(ref: str, index: StandardIndex) -> TradeLevelInfo | None:
    """The trade-level labelled ``ref``: ``碳排放核算员三级/高级工`` or ``碳排放核算员三级``."""
    key = ref.casefold()
    for tl in index.trade_levels.values():
        label = normalize(tl.label).casefold()
        if label and key in (label, label.split("/")[0]):
            return tl
    return None


def _by_label_or_rank(text: str, ref: str, index: StandardIndex) -> TradeLevelInfo:
    """A target named by a bare rank (``三级``, ``高级工``): the build's one trade-level of
    that rank, else an error listing them."""
    levels = sorted(index.trade_levels.values(), key=lambda t: (t.trade_name, -t.rank))
    rank = _rank(ref, index)
    if rank is None:
        raise RefError("malformed", f"{text!r} is not TRADE/RANK (e.g. 碳排放核算员/4 or "
                       "碳排放核算员/三级) nor a trade-level IRI",
                       closest(ref, [tl.ref for tl in levels]))  # fmt: skip
    found = [tl for tl in levels if tl.rank == rank]
    if len(found) == 1:
        return found[0]
    if not found:
        raise RefError("unknown", f"no trade-level of rank {rank} in this build")
    raise RefError("ambiguous", f"{text!r} is rank {rank} of several trades: name the trade, "
                   "e.g. " + found[0].ref, [tl.ref for tl in found][:8])  # fmt: skip


def _is_iri(ref: str) -> bool:
    """An absolute IRI: a scheme before the first '/' (``https:``, ``urn:``), no blanks."""
    return bool(_IRI.match(ref)) and ":" in ref.split("/")[0]


def resolve(text: str, index: StandardIndex) -> Resolved:
    """Resolve one spreadsheet reference; :class:`RefError` says why it cannot be.

    Forms: a requirement IRI, a competency IRI (``<…>`` optional), or
    ``TRADE/RANK/S|K CODE`` with the trade's Chinese name (its slug and English name are
    accepted too), rank 1–5 or its name (三级, 高级工), S skill / K knowledge and the
    normalized code.
    """
    ref = normalize(text)
    if _is_iri(ref):
        return _resolve_iri(ref.strip("<>"), index)
    parts = ref.split("/")
    if len(parts) == 4 and _rank(f"{parts[1]}/{parts[2]}", index) is not None:
        parts = [parts[0], f"{parts[1]}/{parts[2]}", parts[3]]  # 碳排放核算员/三级/高级工/S2.2.1
    if len(parts) != 3 or not all(parts):
        raise RefError(
            "malformed",
            f"{text!r} is not TRADE/RANK/S|K CODE (e.g. 碳排放核算员/3/S2.2.1), "
            "a requirement IRI nor a competency IRI",
        )
    level = _level(index, parts[0], parts[1], text)
    code_text = parts[2].upper()
    m = _CODE.match(code_text)
    own = {
        (r.letter, r.code): r
        for f in level.functions
        for r in (index.requirements[i] for i in index.functions[f].requirements)
    }
    own_refs = [f"{level.ref}/{letter}{code}" for letter, code in own]
    if m is None:
        raise RefError(
            "malformed",
            f"code {parts[2]!r} in {text!r} must be S or K and a three-part code like S2.2.1",
            closest(f"{level.ref}/{code_text}", own_refs),
        )
    letter, code = m.groups()
    if not letter:
        both = [f"{level.ref}/{x}{code}" for x in "SK" if (x, code) in own]
        if len(both) == 2:
            raise RefError("ambiguous", f"{text!r} has no S (skill) or K (knowledge) "
                           f"before {code}: both exist", both)  # fmt: skip
        raise RefError("malformed", f"{text!r} needs S (skill) or K (knowledge) before {code}",
                       both or closest(f"{level.ref}/S{code}", own_refs))  # fmt: skip
    req = own.get((letter, code))
    if req is None:
        kind = "skill" if letter == "S" else "knowledge"
        raise RefError(
            "unknown",
            f"{level.label or level.ref} has no {kind} requirement {code}",
            closest(f"{level.ref}/{letter}{code}", own_refs),
        )
    return Resolved(req.iri, "requirement", (req.iri,))


def _resolve_iri(iri: str, index: StandardIndex) -> Resolved:
    if iri in index.requirements:
        return Resolved(iri, "requirement", (iri,))
    if iri in index.competencies:
        return Resolved(iri, "competency", tuple(index.competencies[iri]))
    candidates = [*index.requirements, *index.competencies]
    near = difflib.get_close_matches(iri, candidates, n=3, cutoff=0.8)
    if iri in index.trade_levels or iri in index.functions:
        why = "it names a trade-level or function; name a requirement or a competency"
    else:
        why = "no requirement or competency has this IRI"
    raise RefError("unknown", f"{iri}: {why}", near)
