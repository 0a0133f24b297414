"""Short references people type where the CLI asks for an IRI, resolved against the graph.

* ``碳排放核算员/3``, ``碳排放核算员/三级``, ``accounting/3``, ``人工智能训练师/2``: a
  trade-level, by the Chinese or English name (or IRI slug) of its trade, or of its
  occupation for a level common to all trades and for an occupation without trades;
  ``4-04-05-05/人工智能训练师/2`` picks the occupation when a name is in several;
* ``碳排放核算员/3/S2.2.1`` (``K…`` for knowledge): a requirement of that trade-level;
* ``碳排放管理员``, ``4-09-07-04``, ``碳排放核算员``: an occupation or a trade.

Every name comes from the graph's labels and codes (nothing is hard-coded), so a build
of any set of standards is understood.  A reference naming nothing raises
:class:`RefNotFound` with the closest valid references.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from .names import closest, rank_of_text

__all__ = ["LevelName", "Names", "RefNotFound", "is_iri", "load_names", "resolve"]

PREFIXES = """PREFIX sg: <https://w3id.org/skillgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_SCHEME = re.compile(r"^<?[A-Za-z][A-Za-z0-9+.\-]*:")


class RefNotFound(ValueError):
    """A short reference that names nothing (or several things) in the graph."""

    def __init__(self, ref: str, why: str, suggestions: list[str]) -> None:
        self.suggestions = suggestions
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{ref!r}: {why}{hint}")


@dataclass
class LevelName:
    iri: str
    rank: int
    occupation: str
    owner_names: set[str]  # names of its trade (or of its occupation for a common level)
    display: str  # 碳排放核算员/3


@dataclass
class Names:
    """Every name the graph gives occupations, trades and trade-levels."""

    levels: list[LevelName] = field(default_factory=list)
    occupations: dict[str, set[str]] = field(default_factory=dict)  # IRI → names (+ code)
    trades: dict[str, set[str]] = field(default_factory=dict)  # IRI → names (+ slug)
    display: dict[str, str] = field(default_factory=dict)  # IRI → the name shown
    trade_occupation: dict[str, str] = field(default_factory=dict)

    def code(self, occupation: str) -> str:
        """An occupation's code (4-09-07-04), else its name."""
        codes = [n for n in self.occupations.get(occupation, set())
                 if re.fullmatch(r"[\d\-]+", n)]  # fmt: skip
        return codes[0] if codes else self.display.get(occupation, occupation)


def fold(text: str) -> str:
    """How names are compared: NFKC (full-width ／ and digits), no blanks, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def is_iri(text: str) -> bool:
    """An absolute IRI (a scheme such as ``https:`` or ``urn:`` before the first ``/``)."""
    return bool(_SCHEME.match(text.strip())) and ":" in text.strip().lstrip("<").split("/")[0]


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    answer = store.query(PREFIXES + query)
    names = [v.value for v in answer.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in answer]  # type: ignore


def load_names(store: ox.Store) -> Names:
    names = Names()
    for r in _rows(store, """SELECT ?o ?label ?code WHERE { ?o a sg:Occupation .
            OPTIONAL { ?o skos:prefLabel ?label } OPTIONAL { ?o skos:notation ?code } }"""):
        found = names.occupations.setdefault(r["o"], set())
        found |= {fold(x) for x in (r.get("label"), r.get("code")) if x}
        if r.get("label") and (r["o"] not in names.display or _zh(r["label"])):
            names.display[r["o"]] = r["label"]
    for r in _rows(store, """SELECT ?t ?label WHERE { ?t a sg:Trade .
            OPTIONAL { ?t skos:prefLabel ?label } }"""):
        found = names.trades.setdefault(r["t"], {fold(r["t"].rstrip("/").rsplit("/", 1)[-1])})
        if r.get("label"):
            found.add(fold(r["label"]))
            if r["t"] not in names.display or _zh(r["label"]):
                names.display[r["t"]] = r["label"]
    for r in _rows(store, """SELECT ?tl ?rank ?occ ?trade WHERE { ?tl a sg:TradeLevel ;
            sg:level/sg:rank ?rank ; sg:occupation ?occ . OPTIONAL { ?tl sg:trade ?trade } }
            ORDER BY ?tl"""):
        owner = r.get("trade") or r["occ"]
        if r.get("trade"):
            names.trade_occupation[r["trade"]] = r["occ"]
        owner_names = names.trades.get(owner) or names.occupations.get(owner, set())
        names.levels.append(LevelName(r["tl"], int(r["rank"]), r["occ"], owner_names,
                                      f"{names.display.get(owner, owner)}/{r['rank']}"))
    return names


def _zh(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _level(names: Names, ref: str, parts: list[str]) -> LevelName:
    occ_part, owner, rank_text = (parts if len(parts) == 3 else [None, *parts])
    rank = rank_of_text(rank_text)
    if rank is None:
        raise RefNotFound(ref, f"{rank_text!r} is not a level: write 1–5 or 五级 … 一级", [])
    key = fold(owner)
    found = [lv for lv in names.levels if lv.rank == rank and key in lv.owner_names]
    if occ_part is not None:
        occ_key = fold(occ_part)
        found = [lv for lv in found if occ_key in names.occupations.get(lv.occupation, set())]
    # a trade without a level of this rank: the occupation's common level of that rank
    if not found:
        trade_occs = {names.trade_occupation.get(t) for t, n in names.trades.items() if key in n}
        found = [lv for lv in names.levels if lv.rank == rank and lv.occupation in trade_occs
                 and lv.owner_names == names.occupations.get(lv.occupation)]  # fmt: skip
    if len(found) == 1:
        return found[0]
    known = sorted({lv.display for lv in names.levels})
    if len(found) > 1:
        options = sorted(f"{names.code(lv.occupation)}/{lv.display}" for lv in found)
        raise RefNotFound(ref, "names a level in several occupations", options)
    same_owner = sorted({lv.display for lv in names.levels if key in lv.owner_names})
    if same_owner:
        raise RefNotFound(ref, f"there is no level {rank} of {owner}", same_owner)
    near = closest(f"{owner}/{rank}", known)
    raise RefNotFound(ref, "no trade or occupation of this name has levels", near)


def _requirement(store: ox.Store, level: LevelName, code_text: str, ref: str) -> str:
    m = re.fullmatch(r"([SKsk]?)(\d+(?:\.\d+)+)", code_text)
    if not m:
        raise RefNotFound(ref, f"{code_text!r} is not a requirement code (S2.2.1, K1.1.1)", [])
    kinds = {"s": "SkillRequirement", "k": "KnowledgeRequirement"}
    kind = kinds.get(m.group(1).lower(), "Requirement")
    rows = _rows(store, f"""SELECT ?r ?code ?type WHERE {{ <{level.iri}> sg:hasFunction/
        sg:hasWorkContent/sg:hasRequirement ?r . ?r skos:notation ?code ; a ?type .
        FILTER (?type IN (sg:SkillRequirement, sg:KnowledgeRequirement)) }}""")
    hits = {r["r"] for r in rows if r["code"] == m.group(2)
            and (kind == "Requirement" or r["type"].endswith(kind))}  # fmt: skip
    if len(hits) == 1:
        return hits.pop()
    letter = {"SkillRequirement": "S", "KnowledgeRequirement": "K"}
    known = sorted({f"{level.display}/{letter[r['type'].rsplit('#', 1)[1]]}{r['code']}"
                    for r in rows})  # fmt: skip
    why = "names both a skill and a knowledge requirement: add S or K" if hits else \
        f"{level.display} has no requirement {code_text}"
    return _raise(ref, why, closest(f"{level.display}/{code_text}", known))


def _raise(ref: str, why: str, near: list[str]) -> str:
    raise RefNotFound(ref, why, near)


def resolve(store: ox.Store, text: str, names: Names | None = None,
            want: str | None = None) -> str:
    """The IRI a short reference names (an IRI is returned as it is, without ``<>``);
    ``want="occupation"`` reads a single name as an occupation only."""
    ref = text.strip()
    if is_iri(ref):
        return ref.removeprefix("<").removesuffix(">")
    names = names or load_names(store)
    parts = [p for p in re.split(r"\s*[/／]\s*", unicodedata.normalize("NFKC", ref)) if p]
    if not parts:
        raise RefNotFound(text, "is empty", [])
    if len(parts) == 1:
        key = fold(parts[0])
        pool = names.occupations if want == "occupation" else {**names.occupations,
                                                               **names.trades}
        hits = [i for i, n in pool.items() if key in n]
        if len(hits) == 1:
            return hits[0]
        every = sorted({names.display.get(i, i) for i in pool})
        why = "names several occupations or trades" if hits else \
            "no occupation or trade has this name or code"
        raise RefNotFound(text, why, closest(parts[0], every))
    if len(parts) == 4 or (len(parts) == 3 and re.fullmatch(r"[SKsk]?\d+(?:\.\d+)+", parts[2])):
        level = _level(names, text, parts[:-1])
        return _requirement(store, level, parts[-1], text)
    if len(parts) in (2, 3):
        return _level(names, text, parts).iri
    raise RefNotFound(text, "is not NAME/LEVEL (碳排放核算员/3) nor an IRI", [])
