"""What people type for things the graph names: ranks (三级, 3), near misses of names.

Shared by the CLI's short references, its choice checks and the search filters, so that
every place accepts the same spellings and suggests the same way.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["RANK_WORDS", "closest", "did_you_mean", "edit_distance", "rank_of_text"]

RANK_WORDS = {"五": 5, "四": 4, "三": 3, "二": 2, "一": 1}


def rank_of_text(text: str) -> int | None:
    """A national level's rank from ``3``, ``三级``, ``3级``, ``三``, ``三级/高级工``; else None.

    >>> [rank_of_text(t) for t in ("3", "三级", "一级/高级技师", "level 2", "6")]
    [3, 3, 1, 2, None]
    """
    t = unicodedata.normalize("NFKC", text).strip().casefold()
    t = t.split("/")[0].removeprefix("level").strip().removesuffix("级").strip()
    if re.fullmatch(r"[1-5]", t):
        return int(t)
    return RANK_WORDS.get(t)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance.

    >>> edit_distance("releated", "related")
    1
    """
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def closest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates near ``word``: those containing it (or contained in it)
    first, then those within an edit distance of about a third of its length.

    >>> closest("releated", ["this", "related", "other"])
    ['related']
    >>> closest("核算员", ["碳排放核算员", "碳排放核查员", "碳排放监测员"])
    ['碳排放核算员']
    """
    key = word.casefold()
    seen: list[str] = []
    for c in candidates:
        if c not in seen and key and (key in c.casefold() or c.casefold() in key):
            seen.append(c)
    limit = max(1, len(word) // 3)
    near = sorted(
        (edit_distance(key, c.casefold()), i, c) for i, c in enumerate(candidates)
        if c not in seen
    )  # fmt: skip
    seen += [c for d, _, c in near if d <= limit and c not in seen]
    return seen[:n]


def did_you_mean(word: str, candidates: list[str]) -> str:
    """``"; did you mean X or Y?"`` (empty when nothing is near)."""
    near = closest(word, candidates)
    return f"; did you mean {' or '.join(near)}?" if near else ""
