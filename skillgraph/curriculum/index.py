"""What the curriculum tools need to know about a built standard, read from its graph.

Reading the index from the built graph (not from the parsed model) lets `skillgraph
curriculum --build DIR` work on any build, whatever its data IRI base, and keeps the
curriculum tools downstream of validation, like every other read path (docs/architecture.md,
"Surfaces").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

__all__ = [
    "FunctionInfo",
    "RequirementInfo",
    "StandardIndex",
    "TradeLevelInfo",
    "load_directory",
    "load_index",
]

PREFIXES = """PREFIX sg: <https://w3id.org/skillgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass
class RequirementInfo:
    iri: str
    kind: str  # "skill" | "knowledge"
    code: str  # normalized, "2.2.1"
    text: str
    position: int  # within its work content's column
    competency: str
    function: str  # function IRI
    work_content_code: str
    work_content_name: str
    work_content_position: int
    trade_level: str  # IRI of the trade-level whose table holds it
    line: int | None = None
    text_en: str = ""  # the reviewed English translation, where there is one

    @property
    def letter(self) -> str:
        return "S" if self.kind == "skill" else "K"


@dataclass
class FunctionInfo:
    iri: str
    code: str
    name: str
    position: int
    trade_level: str
    theory_weight: int | None = None  # None: no weight row or "—" (not assessed)
    skill_weight: int | None = None
    requirements: list[str] = field(default_factory=list)  # IRIs in table order


@dataclass
class TradeLevelInfo:
    iri: str
    trade: str | None  # slug; None for the common level of the occupation
    trade_name: str  # 碳排放核算员, or the occupation's name for the common level
    trade_name_en: str
    rank: int
    label: str  # 碳排放核算员四级/中级工
    training_hours: int | None
    covers: set[str] = field(default_factory=set)  # every lower trade-level (transitive)
    functions: list[str] = field(default_factory=list)  # IRIs in table order
    basic_theory_weight: int = 0  # 职业道德 + 基础知识 rows of the theory table
    weight_total: int = 0  # every printed percent of both tables (200 when both sum to 100)
    occupation: str = ""  # IRI of its occupation
    occupation_name: str = ""  # 碳排放管理员

    @property
    def ref(self) -> str:
        """``碳排放核算员/4``: how a designer names it in a spreadsheet."""
        return f"{self.trade_name}/{self.rank}"


@dataclass
class StandardIndex:
    occupation_name: str
    occupation_name_en: str
    trade_levels: dict[str, TradeLevelInfo]
    functions: dict[str, FunctionInfo]
    requirements: dict[str, RequirementInfo]
    competencies: dict[str, list[str]]  # competency IRI → requirement IRIs expressing it
    # every name of a national level in the graph (三级, 高级工, senior worker …) → its rank
    rank_names: dict[str, int] = field(default_factory=dict)

    def ref(self, requirement: str) -> str:
        """``碳排放核算员/3/S2.2.1``: the spreadsheet form of a requirement IRI."""
        req = self.requirements[requirement]
        return f"{self.trade_levels[req.trade_level].ref}/{req.letter}{req.code}"

    def level_of(self, trade: str | None, rank: int) -> TradeLevelInfo | None:
        for tl in self.trade_levels.values():
            if tl.trade == trade and tl.rank == rank:
                return tl
        return None

    def requires(self, trade_level: str) -> list[str]:
        """Requirement IRIs a trade-level includes: own table first, then covered levels."""
        tl = self.trade_levels[trade_level]
        levels = [tl, *sorted((self.trade_levels[c] for c in tl.covers), key=lambda t: t.rank)]
        return [r for lv in levels for f in lv.functions for r in self.functions[f].requirements]


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    answer = store.query(PREFIXES + query)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [{n: sol[n].value for n in names if sol[n] is not None} for sol in answer]


def _values(var: str, iris: Iterable[str]) -> str:
    """``VALUES ?var { <a> <b> }``, each IRI checked by the engine's own term parser."""
    return f"VALUES ?{var} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}"


def load_index(store: ox.Store, occupations: Collection[str] | None = None) -> StandardIndex:
    """Index the standards held in ``store``'s default graph (one or many occupations);
    with ``occupations`` (IRIs), only theirs.

    A common level (no trade) is named by its own occupation (``人工智能训练师/3``), so
    references stay unambiguous however many standards the build holds.  Scoped, every
    query starts from the occupations' own nodes, so its cost does not grow with the
    store: the server indexes only the standard an upload targets (all 1,000 standards
    took 1 min in memory and 11–13 min on disk; docs/scaling.md, "Curriculum uploads").
    Raises ``ValueError`` when the store holds no occupation (e.g. an empty build), or
    none of ``occupations``.
    """
    scope = "" if occupations is None else _values("occ", sorted(occupations))
    occ_zh, occ_en = _first_occupation(store, scope)
    levels = _trade_levels(store, scope, occ_zh, occ_en)
    scoped = occupations is not None
    tl_scope = _values("tl", levels) if scoped else ""
    for row in _rows(store, f"SELECT ?tl ?b WHERE {{ {tl_scope} ?tl sg:coversLowerLevel ?b }}"):
        if row["tl"] in levels:
            levels[row["tl"]].covers.add(row["b"])
    functions: dict[str, FunctionInfo] = {}
    for row in _rows(
        store,
        f"""SELECT ?tl ?fn ?code ?name ?pos WHERE {{ {tl_scope}
          ?tl sg:hasFunction ?fn . ?fn skos:notation ?code ; sg:position ?pos ;
          skos:prefLabel ?name FILTER (lang(?name) = "zh") }} ORDER BY ?tl ?pos""",
    ):
        if row["tl"] not in levels:
            continue
        functions[row["fn"]] = FunctionInfo(
            row["fn"], row["code"], row["name"], int(row["pos"]), row["tl"]
        )
        levels[row["tl"]].functions.append(row["fn"])
    for row in _rows(
        store,
        f"""SELECT ?tl ?exam ?percent ?of WHERE {{ {tl_scope}
          ?tl sg:hasExamWeight ?w . ?w sg:exam ?exam .
          OPTIONAL {{ ?w sg:weightPercent ?percent }} OPTIONAL {{ ?w sg:weightOf ?of }} }}""",
    ):
        if row["tl"] not in levels:
            continue
        percent = int(row["percent"]) if "percent" in row else None
        levels[row["tl"]].weight_total += percent or 0
        target = row.get("of", "")
        theory = row["exam"].endswith("#TheoryExam")
        if target in functions:
            if theory:
                functions[target].theory_weight = percent
            else:
                functions[target].skill_weight = percent
        elif target.endswith(("#Ethics", "#BaseKnowledge")) and theory and percent:
            levels[row["tl"]].basic_theory_weight += percent
    fn_scope = _values("fn", functions) if scoped else ""
    requirements: dict[str, RequirementInfo] = {}
    competencies: dict[str, list[str]] = {}
    for row in _rows(
        store,
        f"""SELECT ?fn ?wcCode ?wcName ?wcPos ?r ?class ?code ?text ?pos ?comp ?line ?en
        WHERE {{ {fn_scope}
          # no VALUES table here: Oxigraph joins one with `?r a ?class` over the whole
          # store (2.2 s at 100 standards against 30 ms for FILTER and BIND)
          ?fn sg:hasWorkContent ?wc . ?wc sg:hasRequirement ?r .
          ?wc skos:notation ?wcCode ; sg:position ?wcPos ;
              skos:prefLabel ?wcName FILTER (lang(?wcName) = "zh")
          ?r a ?class ; skos:notation ?code ; sg:position ?pos ; sg:expresses ?comp ;
             skos:prefLabel ?text FILTER (lang(?text) = "zh")
          FILTER (?class IN (sg:SkillRequirement, sg:KnowledgeRequirement))
          BIND (IF(?class = sg:SkillRequirement, 1, 2) AS ?order)
          OPTIONAL {{ ?r sg:sourceLine ?line }}
          OPTIONAL {{ ?r skos:prefLabel ?en FILTER (lang(?en) = "en") }}
        }} ORDER BY ?fn ?wcPos ?order ?pos""",
    ):
        fn = functions.get(row["fn"])
        if fn is None:
            continue
        req = RequirementInfo(
            iri=row["r"],
            kind="skill" if row["class"].endswith("#SkillRequirement") else "knowledge",
            code=row["code"],
            text=row["text"],
            position=int(row["pos"]),
            competency=row["comp"],
            function=fn.iri,
            work_content_code=row["wcCode"],
            work_content_name=row["wcName"],
            work_content_position=int(row["wcPos"]),
            trade_level=fn.trade_level,
            line=int(row["line"]) if "line" in row else None,
            text_en=row.get("en", ""),
        )
        requirements[req.iri] = req
        fn.requirements.append(req.iri)
        competencies.setdefault(req.competency, []).append(req.iri)
    return StandardIndex(
        occ_zh, occ_en, levels, functions, requirements, competencies, _rank_names(store)
    )


def load_directory(store: ox.Store) -> StandardIndex:
    """Every trade-level of the store (with its occupation) and the names of the national
    levels, without functions or requirements: enough to list and resolve targets (the
    server's picker); the index to map against is :func:`load_index` of the target's
    occupation."""
    occ_zh, occ_en = _first_occupation(store, "")
    levels = _trade_levels(store, "", occ_zh, occ_en)
    return StandardIndex(occ_zh, occ_en, levels, {}, {}, {}, _rank_names(store))


def _first_occupation(store: ox.Store, scope: str) -> tuple[str, str]:
    """The Chinese and English names of the first occupation (of ``scope``, or of all)."""
    occ = _rows(
        store,
        f"""SELECT ?occ ?zh ?en WHERE {{ {scope} ?occ a sg:Occupation ; skos:prefLabel ?zh .
        FILTER (lang(?zh) = "zh") OPTIONAL {{ ?occ skos:prefLabel ?en FILTER (lang(?en) = "en") }}
        }} ORDER BY ?occ LIMIT 1""",
    )
    if not occ:
        if scope:
            raise ValueError("the graph holds none of the occupations asked for")
        raise ValueError("the graph holds no sg:Occupation: is it a skillgraph build?")
    return occ[0]["zh"], occ[0].get("en", "")


def _trade_levels(
    store: ox.Store, scope: str, occ_zh: str, occ_en: str
) -> dict[str, TradeLevelInfo]:
    """The trade-levels (of the occupations ``scope`` binds to ``?occ``, or all)."""
    levels: dict[str, TradeLevelInfo] = {}
    for row in _rows(
        store,
        f"""SELECT ?tl ?occ ?rank ?trade ?tzh ?ten ?label ?hours ?ozh ?oen WHERE {{ {scope}
          ?tl a sg:TradeLevel ; sg:occupation ?occ ; sg:level/sg:rank ?rank .
          OPTIONAL {{ ?occ skos:prefLabel ?ozh FILTER (lang(?ozh) = "zh") }}
          OPTIONAL {{ ?occ skos:prefLabel ?oen FILTER (lang(?oen) = "en") }}
          OPTIONAL {{ ?tl skos:prefLabel ?label FILTER (lang(?label) = "zh") }}
          OPTIONAL {{ ?tl sg:trainingHours ?hours }}
          OPTIONAL {{ ?tl sg:trade ?trade .
                     OPTIONAL {{ ?trade skos:prefLabel ?tzh FILTER (lang(?tzh) = "zh") }}
                     OPTIONAL {{ ?trade skos:prefLabel ?ten FILTER (lang(?ten) = "en") }} }}
        }} ORDER BY ?tl""",
    ):
        trade = row.get("trade")
        levels[row["tl"]] = TradeLevelInfo(
            iri=row["tl"],
            trade=trade.rstrip("/").rsplit("/", 1)[-1] if trade else None,
            trade_name=row.get("tzh", "") if trade else row.get("ozh", occ_zh),
            trade_name_en=row.get("ten", "") if trade else row.get("oen", occ_en),
            rank=int(row["rank"]),
            label=row.get("label", ""),
            training_hours=int(row["hours"]) if "hours" in row else None,
            occupation=row["occ"],
            occupation_name=row.get("ozh", ""),
        )
    return levels


def _rank_names(store: ox.Store) -> dict[str, int]:
    """Names of the national levels from their labels (``三级/高级工``, ``Level 3 / Senior
    worker``): the whole label and each part, NFKC-normalized and case-folded."""
    import unicodedata

    names: dict[str, int] = {}
    for row in _rows(store, "SELECT ?rank ?label WHERE { ?l a sg:SkillLevel ; sg:rank ?rank ; "
                            "skos:prefLabel ?label }"):  # fmt: skip
        label = unicodedata.normalize("NFKC", row["label"]).casefold()
        for name in (label, *label.split("/")):
            if name.strip():
                names[" ".join(name.split())] = int(row["rank"])
    return names
