"""schema.org JSON-LD of an occupation and what it requires: what a search engine or a job
board reads (``build/schema-org.jsonld``).

The full graph speaks ``sg:``; consumers that know only schema.org get the occupation as a
``schema:Occupation`` with its codes as ``CategoryCode`` (the national classification and
ISCO-08), the requirements of the common entry level as ``skills``, and one
``EducationalOccupationalCredential`` per trade level whose ``competencyRequired`` lists
every requirement of that level, its own and those of the levels it covers (``sg:requires``).
Requirements are ``DefinedTerm`` items (``termCode`` = normalized code) defined once, in one
``DefinedTermSet`` per trade level and column (skill / knowledge, the two columns of the
standard, so codes are unique within a set), and referenced elsewhere by ``@id``.  The
mapping choices are those of ``ontology/alignments.ttl``; the ISCO-08 group is read from
there.  Output is a plain function of the graph, every list sorted, so builds stay
byte-identical.
"""

from __future__ import annotations

import re
from collections import defaultdict
from importlib.resources import files
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from . import vocab as V
from .iris import Iris
from .vocab import DCTERMS, DEFAULT_DATA_BASE, RDF, SKOS

__all__ = [
    "ALIGNMENTS_IRI",
    "SCHEMA_CONTEXT",
    "alignments_graph",
    "isco_categories",
    "schema_org_jsonld",
]

Json = dict[str, Any]

SCHEMA_CONTEXT = "https://schema.org"
ALIGNMENTS_IRI = "https://w3id.org/skillgraph/ontology/alignments"
ISCO_CODE_SET = "http://data.europa.eu/esco/concept-scheme/isco"
ISCO_PREFIX = "http://data.europa.eu/esco/isco/C"

# Names the graph does not carry (fixed terms of the national system), zh and en.
CN_CLASSIFICATION = {
    "zh": "中华人民共和国职业分类大典",
    "en": "Occupational Classification Dictionary of the People's Republic of China",
}
CREDENTIAL_CATEGORY = {"zh": "职业技能等级证书", "en": "vocational skill level certificate"}
SKILL_LEVELS = {"zh": "国家职业技能等级", "en": "national vocational skill levels"}
COLUMNS = {
    "skill": ({"zh": "技能要求", "en": "skill requirements"}, V.SkillRequirement),
    "knowledge": ({"zh": "相关知识要求", "en": "knowledge requirements"}, V.KnowledgeRequirement),
}
CHINA = {"zh": "中国", "en": "China"}


def alignments_graph() -> Graph:
    """``ontology/alignments.ttl`` as shipped in the package."""
    text = (files("skillgraph.ontology") / "alignments.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def isco_categories(occupation_code: str, alignments: Graph | None = None) -> list[Json]:
    """ISCO-08 unit groups that are the occupation's category, as schema.org CategoryCodes.

    Only exact, close and broad matches are categories; related matches (e.g. 3311 for
    the trading trade) are not.  Looked up at the occupation's IRI under the default data
    base, so a rebased build keeps its mapping.

    >>> [c["codeValue"] for c in isco_categories("4-09-07-04")]
    ['2133']
    """
    g = alignments if alignments is not None else alignments_graph()
    subject = Iris(occupation_code, DEFAULT_DATA_BASE).occupation()
    groups = {
        o
        for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
        for o in g.objects(subject, p)
        if isinstance(o, URIRef) and str(o).startswith(ISCO_PREFIX)
    }
    return [
        {
            "@id": str(group),
            "@type": "CategoryCode",
            "codeValue": str(g.value(group, SKOS.notation) or str(group)[len(ISCO_PREFIX) :]),
            "name": _texts(g, group, RDFS.label),
            "inCodeSet": {"@id": ISCO_CODE_SET, "@type": "CategoryCodeSet", "name": "ISCO-08"},
        }
        for group in sorted(groups)
    ]


def schema_org_jsonld(graph: Graph, *, base: str = DEFAULT_DATA_BASE) -> Json:
    """The schema.org view of every occupation in ``graph`` (a built graph, closure included).

    ``base`` is the data IRI base the graph was built with; the DefinedTermSet of skill
    levels is ``<base>level`` (the levels are ``<base>level/<rank>``).
    """
    alignments = alignments_graph()
    view = _View(graph, base)
    nodes: list[Json] = [
        view.occupation(occ, alignments) for occ in sorted(graph.subjects(RDF.type, V.Occupation))
    ]
    nodes.append(view.level_set())
    nodes.extend(view.term_set(tl, kind) for tl in view.trade_levels for kind in COLUMNS)
    return {"@context": SCHEMA_CONTEXT, "@graph": nodes}


class _View:
    """The graph read once into the few indexes the export needs."""

    def __init__(self, graph: Graph, base: str) -> None:
        self.g = graph
        self.base = base
        self.own: dict[URIRef, dict[str, list[URIRef]]] = defaultdict(lambda: defaultdict(list))
        self.owner: dict[URIRef, URIRef] = {}
        # sort keys are asked for again and again (every credential sorts its requirements):
        # computed once per node; the graph does not change while the view exists
        self._kinds: dict[URIRef, str] = {}
        self._level_keys: dict[URIRef, tuple[str, int, str]] = {}
        self._requirement_keys: dict[URIRef, tuple] = {}
        for tl in graph.subjects(RDF.type, V.TradeLevel):
            for fn in graph.objects(tl, V.hasFunction):
                for wc in graph.objects(fn, V.hasWorkContent):
                    for req in graph.objects(wc, V.hasRequirement):
                        self.own[tl][self.kind(req)].append(req)
                        self.owner[req] = tl
        self.trade_levels = sorted(graph.subjects(RDF.type, V.TradeLevel), key=self.level_key)

    # keys ------------------------------------------------------------------------------
    def kind(self, req: URIRef) -> str:
        found = self._kinds.get(req)
        if found is None:
            found = self._kinds[req] = next(
                k for k, (_, cls) in COLUMNS.items() if (req, RDF.type, cls) in self.g
            )
        return found

    def rank(self, tl: URIRef) -> int:
        level = self.g.value(tl, V.level)
        return int(self.g.value(level, V.rank)) if level is not None else 0

    def level_key(self, tl: URIRef) -> tuple[str, int, str]:
        """Common level first, then trades by IRI; within each, the lowest level first."""
        found = self._level_keys.get(tl)
        if found is None:
            trade = self.g.value(tl, V.trade)
            found = (str(trade) if trade is not None else "", -self.rank(tl), str(tl))
            self._level_keys[tl] = found
        return found

    def requirement_key(self, req: URIRef) -> tuple:
        """By owning trade level (as :meth:`level_key`), column, then code in numeric order."""
        found = self._requirement_keys.get(req)
        if found is None:
            owner = self.owner.get(req)
            owner_key = self.level_key(owner) if owner is not None else ("", 0, "")
            code = _code_key(str(self.g.value(req, SKOS.notation)))
            found = (owner_key, list(COLUMNS).index(self.kind(req)), code, str(req))
            self._requirement_keys[req] = found
        return found

    # nodes -----------------------------------------------------------------------------
    def occupation(self, occ: URIRef, alignments: Graph) -> Json:
        code = str(self.g.value(occ, SKOS.notation))
        node: Json = {
            "@id": str(occ),
            "@type": "Occupation",
            "name": _texts(self.g, occ, SKOS.prefLabel),
            "description": _texts(self.g, occ, SKOS.definition),
            "occupationalCategory": [
                {
                    "@type": "CategoryCode",
                    "codeValue": code,
                    "name": _texts(self.g, occ, SKOS.prefLabel),
                    "inCodeSet": {"@type": "CategoryCodeSet", "name": _names(CN_CLASSIFICATION)},
                },
                *isco_categories(code, alignments),
            ],
            "educationRequirements": _texts(self.g, occ, V.educationLevel),
            "occupationLocation": {"@type": "Country", "identifier": "CN", "name": _names(CHINA)},
            "qualifications": [
                self.credential(tl) for tl in self.trade_levels if (tl, V.occupation, occ) in self.g
            ],
            "subjectOf": [
                self.standard(doc) for doc in sorted(self.g.subjects(V.describesOccupation, occ))
            ],
        }
        common = [
            tl
            for tl in self.trade_levels
            if (tl, V.occupation, occ) in self.g and self.g.value(tl, V.trade) is None
        ]
        skills = {req for tl in common for req in self.g.objects(tl, V.requires)}
        if skills:
            node["skills"] = self.refs(skills)
        return node

    def standard(self, doc: URIRef) -> Json:
        return {
            "@id": str(doc),
            "@type": "CreativeWork",
            "name": _texts(self.g, doc, DCTERMS.title),
            "creativeWorkStatus": _texts(self.g, doc, V.status),
        }

    def credential(self, tl: URIRef) -> Json:
        label = _by_language(self.g, tl, SKOS.prefLabel)
        name = {"zh": f"{CREDENTIAL_CATEGORY['zh']}（{label.get('zh', '')}）"}
        if "en" in label:
            name["en"] = f"{CREDENTIAL_CATEGORY['en'].capitalize()}: {label['en']}"
        level = self.g.value(tl, V.level)
        return {
            "@id": f"{tl}/credential",
            "@type": "EducationalOccupationalCredential",
            "name": _names(name),
            "credentialCategory": {"@type": "DefinedTerm", "name": _names(CREDENTIAL_CATEGORY)},
            "educationalLevel": {
                "@id": str(level),
                "@type": "DefinedTerm",
                "name": _texts(self.g, level, SKOS.prefLabel),
                "termCode": str(self.g.value(level, SKOS.notation) or self.rank(tl)),
                "inDefinedTermSet": {"@id": self.level_set()["@id"]},
            },
            "competencyRequired": self.refs(set(self.g.objects(tl, V.requires))),
            "about": {"@id": str(self.g.value(tl, V.occupation))},
        }

    def level_set(self) -> Json:
        return {"@id": f"{self.base}level", "@type": "DefinedTermSet", "name": _names(SKILL_LEVELS)}

    def term_set(self, tl: URIRef, kind: str) -> Json:
        column, cls = COLUMNS[kind]
        set_id = f"{tl}/{kind}"
        label = _by_language(self.g, tl, SKOS.prefLabel)
        sep = {"zh": " ", "en": ": "}
        names = {lang: f"{label[lang]}{sep[lang]}{column[lang]}" for lang in label if lang in sep}
        terms = sorted(self.own[tl][kind], key=self.requirement_key)
        return {
            "@id": set_id,
            "@type": "DefinedTermSet",
            "name": _names(names),
            "hasDefinedTerm": [
                {
                    "@id": str(req),
                    "@type": "DefinedTerm",
                    "additionalType": str(cls),
                    "name": _texts(self.g, req, SKOS.prefLabel),
                    "termCode": str(self.g.value(req, SKOS.notation)),
                    "inDefinedTermSet": {"@id": set_id},
                }
                for req in terms
            ],
        }

    def refs(self, requirements: set) -> list[Json]:
        return [{"@id": str(r)} for r in sorted(requirements, key=self.requirement_key)]


def _texts(g: Graph, s: URIRef, p: URIRef) -> list[Json]:
    """Literals of ``s p`` as JSON-LD value objects, language-tagged, sorted."""
    values = [
        {"@language": o.language, "@value": str(o)} if o.language else {"@value": str(o)}
        for o in g.objects(s, p)
        if isinstance(o, Literal)
    ]
    return sorted(values, key=lambda v: (v.get("@language", ""), v["@value"]))


def _by_language(g: Graph, s: URIRef, p: URIRef) -> dict[str, str]:
    return {o.language: str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language}


def _names(by_lang: dict[str, str]) -> list[Json]:
    return [{"@language": lang, "@value": by_lang[lang]} for lang in sorted(by_lang)]


def _code_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Codes in numeric order: 1.2.1 < 1.10.1.

    >>> sorted(["1.10.1", "1.2.1"], key=_code_key)
    ['1.2.1', '1.10.1']
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", code))
