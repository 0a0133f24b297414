"""Answering a search on ``search.sqlite``: ranked hits (FTS5 bm25) and facet counts.

Filters (occupation, trade, level, kind) accept what a person types (a code, a Chinese or
English name, 三级 or 3) and are checked against the index, with the closest values
suggested for one that matches nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..names import closest, did_you_mean, rank_of_text
from .index import KIND_ORDER, facet_token, trade_key
from .tokens import match_expression

__all__ = ["KIND_LABELS", "Facet", "Hit", "SearchError", "SearchResult", "search"]

MAX_LIMIT = 200
RANK_LIMIT = 500  # more hits than this: static order, facets of the first this many
COUNT_LIMIT = 5000  # hits counted; beyond, the total is "more than COUNT_LIMIT"
KIND_LABELS = {
    "occupation": "职业 / occupation",
    "standard": "标准 / standard",
    "trade": "工种 / trade",
    "tradelevel": "等级 / trade-level",
    "function": "职业功能 / function",
    "content": "工作内容 / work content",
    "skill": "技能要求 / skill",
    "knowledge": "相关知识 / knowledge",
    "competency": "能力项 / competency",
}
RANK_LABELS = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}


class SearchError(ValueError):
    """An empty query, a filter value the index does not hold, a missing index."""


@dataclass
class Hit:
    iri: str
    kind: str
    label: str
    label_en: str
    notation: str
    occupation: str | None
    occupation_label: str
    trade: str | None
    trade_label: str
    tradelevel: str | None
    rank: int | None
    score: float

    def as_json(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Facet:
    """One value of a facet with its number of hits (``value`` is what a filter takes)."""

    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[Facet]]
    filters: dict[str, str] = field(default_factory=dict)
    limit: int = 20
    offset: int = 0
    ranked: bool = True  # False: more than RANK_LIMIT hits, listed in static order
    facets_sampled: int = 0  # > 0: facets count the first this many hits only
    total_exact: bool = True  # False: there are more than ``total`` (= COUNT_LIMIT) hits

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "filters": self.filters,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "ranked": self.ranked,
            "facetsSampled": self.facets_sampled,
            "totalExact": self.total_exact,
            "hits": [h.as_json() for h in self.hits],
            "facets": {
                name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
                for name, values in self.facets.items()
            },
        }


def open_index(path: Path) -> sqlite3.Connection:
    """A read-only connection; ``SearchError`` when the build has no index."""
    if not path.is_file():
        raise SearchError(f"{path}: no search index (run `skillgraph build` to write it)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SearchError(f"{path}: not a skillgraph search index ({exc})") from None
    return conn


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _resolve_occupation(conn: sqlite3.Connection, text: str) -> list[str]:
    exact = [r[0] for r in conn.execute(
        "SELECT iri FROM occupation WHERE iri = ?1 OR code = ?1 OR zh = ?1 OR en = ?1",
        [text.strip()])]  # fmt: skip
    if exact:
        return exact
    rows = conn.execute("SELECT iri, code, zh, en FROM occupation").fetchall()
    found = _matching(rows, text)
    if not found:
        names = [r[2] or r[3] or r[1] for r in rows] + [r[1] for r in rows if r[1]]
        raise SearchError(_unknown("occupation", text, names))
    return found


def _resolve_trade(conn: sqlite3.Connection, text: str) -> list[str]:
    """The trade names (keys) ``text`` names: a filter by trade is by name."""
    rows = [(zh or en, zh, en) for zh, en in conn.execute("SELECT DISTINCT zh, en FROM trade")]
    found = _matching(rows, text)
    if not found:
        raise SearchError(_unknown("trade", text, sorted({r[0] for r in rows})))
    return [trade_key(name) for name in found]


def _matching(rows: list[tuple], text: str) -> list[str]:
    """First cells of the rows one of whose names is ``text``; else of the rows whose name
    contains it, when that is one name (核查员 → 碳排放核查员)."""
    key = _fold(text)
    exact = [r[0] for r in rows if key in {_fold(x or "") for x in r}]
    if exact:
        return exact
    partial = {r[0]: r[1] for r in rows for x in r[1:] if x and key in _fold(x)}
    return list(partial) if len(set(partial.values())) == 1 else []


def _unknown(what: str, text: str, known: list[str]) -> str:
    near = closest(text, known)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"no {what} {text!r} in the index{hint}"


def _filters(conn: sqlite3.Connection, occupation: str | None, trade: str | None,
             level: str | None, kind: str | None) -> str:
    """The filters as an FTS5 expression over the facet tokens (``""`` for none)."""
    groups: list[list[str]] = []
    if occupation:
        groups.append([facet_token("occupation", i) for i in _resolve_occupation(conn, occupation)])
    if trade:
        groups.append([facet_token("trade", k) for k in _resolve_trade(conn, trade)])
    if level:
        rank = rank_of_text(level)
        if rank is None:
            raise SearchError(f"level {level!r}: give a rank 1–5 or 五级 … 一级")
        groups.append([facet_token("rank", rank)])
    if kind:
        if kind not in KIND_ORDER:
            raise SearchError(f"no kind {kind!r}; kinds: {', '.join(KIND_ORDER)}"
                              + did_you_mean(kind, list(KIND_ORDER)))
        groups.append([facet_token("kind", kind)])
    return "".join(" AND (" + " OR ".join(f'f : "{t}"' for t in g) + ")" for g in groups)


SELECT_HIT = (
    "SELECT d.iri, d.kind, d.zh, d.en, d.notation, d.occupation, o.zh, o.en, d.trade, t.zh, t.en, "
    "d.tradelevel, d.rank, {score} FROM {source} JOIN doc d ON d.id = m.rowid "
    "LEFT JOIN occupation o ON o.iri = d.occupation LEFT JOIN trade t ON t.iri = d.trade "
    "ORDER BY {order}"
)


def search(index: Path | sqlite3.Connection, text: str, *, occupation: str | None = None,
           trade: str | None = None, level: str | None = None, kind: str | None = None,
           limit: int = 20, offset: int = 0) -> SearchResult:
    """The hits for ``text`` (every term must match) with the filters, best first, and
    facet counts.

    Up to ``RANK_LIMIT`` hits are ranked by bm25 and counted exactly per facet.  A query
    with more hits (a common word over many standards) lists them in the index's static
    order (kind, shorter label first) and counts the facets of the first ``RANK_LIMIT``
    of them (``facets_sampled``); the total is counted up to ``COUNT_LIMIT``
    (``total_exact``).  FTS5 walks its lists in rowid order and stops at a LIMIT, so the
    cost of a query stays bounded however many standards the index holds.
    """
    expression = match_expression(text)
    if expression is None:
        raise SearchError("nothing to search for: type a word (Chinese or English) or a code")
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    conn = open_index(index) if isinstance(index, Path) else index
    try:
        expression = f"({expression}){_filters(conn, occupation, trade, level, kind)}"
        total = conn.execute(
            "SELECT count(*) FROM (SELECT rowid FROM fts WHERE fts MATCH ? LIMIT ?)",
            [expression, COUNT_LIMIT + 1]).fetchone()[0]  # fmt: skip
        ranked = total <= RANK_LIMIT
        if ranked:
            source = "(SELECT rowid, rank FROM fts WHERE fts MATCH ?) m"
            sql = SELECT_HIT.format(score="m.rank", source=source,
                                    order="m.rank, d.kind_order, d.id LIMIT ? OFFSET ?")
        else:
            source = "(SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid LIMIT ? OFFSET ?) m"
            sql = SELECT_HIT.format(score="0.0", source=source, order="d.id")
        rows = conn.execute(sql, [expression, limit, offset]).fetchall()
        groups = conn.execute(
            "SELECT d.kind, d.occupation, d.trade, d.rank, count(*) FROM (SELECT rowid FROM fts "
            "WHERE fts MATCH ? ORDER BY rowid LIMIT ?) m JOIN doc d INDEXED BY doc_facets "
            "ON d.id = m.rowid GROUP BY 1, 2, 3, 4", [expression, RANK_LIMIT]).fetchall()
        facets = _facets(conn, groups)
    finally:
        if isinstance(index, Path):
            conn.close()
    hits = [
        Hit(r[0], r[1], r[2] or r[3], r[3] or "", r[4] or "", r[5], r[6] or r[7] or "",
            r[8], r[9] or r[10] or "", r[11], r[12], round(-r[13], 4))
        for r in rows
    ]  # fmt: skip
    used = {k: val for k, val in (("occupation", occupation), ("trade", trade),
                                  ("level", level), ("kind", kind)) if val}  # fmt: skip
    return SearchResult(text, min(total, COUNT_LIMIT), hits, facets, used, limit, offset,
                        ranked=ranked, facets_sampled=0 if ranked else RANK_LIMIT,
                        total_exact=total <= COUNT_LIMIT)


def _labels(conn: sqlite3.Connection, table: str, columns: str, iris: set[str]) -> dict:
    if not iris:
        return {}
    marks = ",".join("?" * len(iris))
    return {r[0]: r[1:] for r in conn.execute(
        f"SELECT iri, {columns} FROM {table} WHERE iri IN ({marks})", sorted(iris))}  # fmt: skip


def _facets(conn: sqlite3.Connection, groups: list[tuple]) -> dict[str, list[Facet]]:
    counts: dict[str, Counter] = {k: Counter() for k in ("kind", "occupation", "trade", "level")}
    occ_names = _labels(conn, "occupation", "code, zh, en", {g[1] for g in groups if g[1]})
    trade_names = _labels(conn, "trade", "zh, en", {g[2] for g in groups if g[2]})
    for kind, occ, trade, rank, n in groups:
        counts["kind"][kind] += n
        if occ:
            counts["occupation"][occ] += n
        if trade:
            zh, en = trade_names.get(trade, (None, None))
            counts["trade"][zh or en or trade] += n
        if rank:
            counts["level"][rank] += n

    def occupation(iri: str) -> tuple[str, str]:
        code, zh, en = occ_names.get(iri, (None, None, None))
        return code or iri, zh or en or code or iri

    return {
        "kind": [Facet(k, KIND_LABELS[k], n) for k, n in
                 sorted(counts["kind"].items(), key=lambda kv: KIND_ORDER[kv[0]])],
        "occupation": [Facet(*occupation(o), n) for o, n in counts["occupation"].most_common()],
        "trade": [Facet(t, t, n) for t, n in counts["trade"].most_common()],
        "level": [Facet(str(r), RANK_LABELS.get(r, str(r)), n)
                  for r, n in sorted(counts["level"].items(), reverse=True)],
    }  # fmt: skip
