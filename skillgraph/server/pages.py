"""What an HTML page shows: plain values built from :class:`LinkedData`, no HTML.

The templates only lay these values out, so the live server and ``skillgraph publish``
render the same page from the same context.  Links are *site paths* (``id/…/3.html``,
``ontology.html#TradeLevel``) that the renderer turns into relative URLs, which is what
lets a published site work under any web server and any path prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..catalog import CatalogQuery
from ..interchange.site import ExportFile, exports_in
from ..ontodocs import ontology_docs
from ..pictures.facts import weight_order
from ..pictures.pages import pictures_for
from ..store import ontology_bytes
from ..vocab import ONTOLOGY_IRI, SG_IRI
from .data import NOTATION, RDF_TYPE, SKOS, LinkedData, local_name, sg
from .describe import dump_list, human_size

# Kinds of data page, by rdf:type (first match wins).
KINDS = (
    ("Occupation", "occupation"),
    ("Trade", "trade"),
    ("TradeLevel", "tradelevel"),
    ("OccupationalFunction", "function"),
    ("WorkContent", "content"),
    ("SkillRequirement", "requirement"),
    ("KnowledgeRequirement", "requirement"),
    ("Competency", "competency"),
    ("Finding", "finding"),
    ("OccupationalStandard", "standard"),
)

# How to find a node's parent, tried in order: (predicate, direction).  "in" = the parent
# is the subject of ``parent pred node``; "out" = the object of ``node pred parent``.
PARENT_RULES = (
    ("hasRequirement", "in"),
    ("hasWorkContent", "in"),
    ("hasFunction", "in"),
    ("hasExamWeight", "in"),
    ("hasBasicRequirement", "in"),
    ("hasBasicRequirementGroup", "in"),
    ("hasEligibilityCondition", "in"),
    ("hasAssessmentProvision", "in"),
    ("hasFinding", "in"),
    ("trade", "out"),
    ("occupation", "out"),
    ("describesOccupation", "out"),
)
SKOS_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")

SHORT = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    SKOS: "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    SG_IRI: "sg:",
}
MAX_VALUES = 60  # values per property shown in a page's statement table


@dataclass
class Link:
    """A link to a node: ``href`` is a site path (or an absolute URL off the site)."""

    href: str
    label: str
    label_en: str | None = None
    notation: str | None = None
    iri: str = ""


@dataclass
class Value:
    """One object of a statement: a link, or a literal with its language / datatype."""

    link: Link | None = None
    text: str = ""
    lang: str = ""
    datatype: str = ""


@dataclass
class Statement:
    predicate: Link
    values: list[Value]
    more: int = 0  # values left out (the RDF documents have them all)


@dataclass
class FindingView:
    link: Link
    kind: Link | None
    message: str
    message_en: str | None
    line: int | None
    affects: list[Link] = field(default_factory=list)


@dataclass
class RequirementItem:
    link: Link
    kind: str  # "skill" | "knowledge"
    restated: list[Link] = field(default_factory=list)  # lower requirements, same competency


@dataclass
class ContentBlock:
    link: Link
    skills: list[RequirementItem]
    knowledge: list[RequirementItem]


@dataclass
class FunctionBlock:
    link: Link
    contents: list[ContentBlock]


@dataclass
class Alternate:
    key: str
    media_type: str
    href: str


@dataclass
class ResourcePage:
    iri: str
    kind: str
    here: str  # site path of this document
    title: str
    title_en: str | None
    types: list[Link]
    notation: str | None
    breadcrumbs: list[Link]
    parent: Link | None
    previous: Link | None
    next: Link | None
    children_title: str
    children: list[Link]
    alternates: list[Alternate]
    findings: list[FindingView]
    statements: list[Statement]
    referenced_by: list[Statement]
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    extra: dict[str, object] = field(default_factory=dict)  # kind-specific sections


DOC_FORMATS = (
    ("ttl", "text/turtle"),
    ("jsonld", "application/ld+json"),
    ("nt", "application/n-triples"),
)


DumpLinks = Callable[[str], list[tuple[str, str, str]]]  # occupation code → dumps to link


class Pages:
    """Builds page contexts for one :class:`LinkedData`.

    ``dump_links`` names the RDF dumps a standard's page links beside its exports (path
    under ``dumps/``, media type, size or ""): by default the build's whole-graph files,
    which the live server serves; the static site has its own (per standard, gzip'd).
    """

    def __init__(self, ld: LinkedData, dump_links: DumpLinks | None = None) -> None:
        self.ld = ld
        self.dump_links = dump_links

    # --- links --------------------------------------------------------------------
    def href(self, iri: str) -> str:
        """Site path of the HTML page describing ``iri`` (absolute IRI when off-site)."""
        if self.ld.is_data(iri):
            return "id/" + self.ld.path_for(iri) + ".html"
        if iri == ONTOLOGY_IRI:
            return "ontology.html"
        if iri.startswith(SG_IRI):
            return "ontology.html#" + iri[len(SG_IRI) :]
        if iri.startswith(("http://", "https://")):
            return iri
        return ""  # no link for other schemes (javascript:, data:, urn: …)

    def link(self, iri: str, label: str | None = None) -> Link:
        labels = self.ld.labels(iri)
        text = label or labels.get("zh") or labels.get("") or labels.get("en")
        if text is None:  # findings, eligibility routes, provisions: their sentence
            text = (
                self.ld.text(iri, sg("message"), "zh")
                or self.ld.text(iri, sg("statement"), "zh")
                or short(iri)
            )
        return Link(
            self.href(iri),
            text,
            labels.get("en") if labels.get("en") != text else None,
            self.ld.text(iri, NOTATION),
            iri,
        )

    def sort_key(self, iri: str) -> tuple:
        """Source order: sg:position, else the code, else the source line."""
        pos = self.ld.integer(iri, sg("position"))
        line = self.ld.integer(iri, sg("sourceLine"))
        return (
            pos if pos is not None else 10**9,
            natural(self.ld.text(iri, NOTATION) or ""),
            line if line is not None else 10**9,
            iri,
        )

    def term_key(self, term: object) -> tuple:
        if isinstance(term, ox.NamedNode):
            return (0, *self.sort_key(term.value))
        return (1, 0, (), str(term))

    def sorted_links(self, iris: list[str]) -> list[Link]:
        return [self.link(i) for i in sorted(iris, key=self.sort_key)]

    # --- structure ----------------------------------------------------------------
    def kind(self, iri: str) -> str:
        types = set(self.ld.types(iri))
        for local, kind in KINDS:
            if SG_IRI + local in types:
                return kind
        return "other"

    def parent(self, iri: str) -> tuple[str, str, str] | None:
        """(parent IRI, predicate local name, direction) of a node, if it has one."""
        for local, direction in PARENT_RULES:
            if direction == "in":
                found = self.ld.subjects(sg(local), iri)
            else:
                found = [o for o in self.ld.iris(iri, sg(local)) if self.ld.is_data(o)]
            if found:
                return found[0], local, direction
        scheme = [o for o in self.ld.iris(iri, SKOS_IN_SCHEME) if self.ld.is_data(o)]
        if scheme:
            return scheme[0], "inScheme", "out"
        return None

    def ancestors(self, iri: str) -> list[str]:
        chain: list[str] = []
        current = self.parent(iri)
        while current is not None and current[0] not in chain and len(chain) < 12:
            chain.append(current[0])
            current = self.parent(current[0])
        return list(reversed(chain))

    def siblings(self, iri: str) -> tuple[Link | None, Link | None]:
        """Previous and next node under the same parent, in sg:position (or code) order."""
        up = self.parent(iri)
        if up is None:
            return None, None
        parent, local, direction = up
        if self.kind(iri) == "tradelevel" or local == "inScheme":
            return None, None  # levels: see covered/covering; competencies have no order
        if direction == "in":
            peers = self.ld.iris(parent, sg(local))
        else:
            peers = self.ld.subjects(sg(local), parent)
        mine = set(self.ld.types(iri))
        peers = [p for p in peers if set(self.ld.types(p)) == mine]
        ordered = sorted(peers, key=self.sort_key)
        if iri not in ordered:
            return None, None
        i = ordered.index(iri)
        prev = self.link(ordered[i - 1]) if i > 0 else None
        nxt = self.link(ordered[i + 1]) if i + 1 < len(ordered) else None
        return prev, nxt

    def rank(self, trade_level: str) -> int | None:
        level = self.ld.iris(trade_level, sg("level"))
        return self.ld.integer(level[0], sg("rank")) if level else None

    def children(self, iri: str, kind: str) -> tuple[str, list[Link]]:
        if kind == "occupation":
            return "工种 / Trades", self.sorted_links(self.ld.iris(iri, sg("hasTrade")))
        if kind == "trade":
            levels = self.ld.subjects(sg("trade"), iri)
            return "等级 / Levels", [
                self.link(t) for t in sorted(levels, key=lambda t: -(self.rank(t) or 0))
            ]
        if kind == "tradelevel":
            return "职业功能 / Functions", self.sorted_links(self.ld.iris(iri, sg("hasFunction")))
        if kind == "function":
            return "工作内容 / Work contents", self.sorted_links(
                self.ld.iris(iri, sg("hasWorkContent"))
            )
        if kind == "content":
            return "要求 / Requirements", self.requirement_links(iri)
        return "", []

    def requirement_links(self, content: str) -> list[Link]:
        reqs = self.ld.iris(content, sg("hasRequirement"))
        return [self.link(r) for r in sorted(reqs, key=self.requirement_order)]

    def requirement_order(self, iri: str) -> tuple:
        kind = 0 if SG_IRI + "SkillRequirement" in self.ld.types(iri) else 1
        return (kind, *self.sort_key(iri))

    # --- findings and statements --------------------------------------------------
    def finding(self, iri: str) -> FindingView:
        kind = self.ld.iris(iri, sg("findingKind"))
        return FindingView(
            self.link(iri, label=local_name(iri)),
            self.link(kind[0]) if kind else None,
            self.ld.text(iri, sg("message"), "zh") or self.ld.text(iri, sg("message")) or "",
            self.ld.text(iri, sg("message"), "en"),
            self.ld.integer(iri, sg("sourceLine")),
            [self.link(a) for a in self.ld.iris(iri, sg("affects"))],
        )

    def findings_on(self, iri: str) -> list[FindingView]:
        found = self.ld.subjects(sg("affects"), iri)
        views = [self.finding(f) for f in found]
        return sorted(views, key=lambda f: (f.line or 0, f.link.iri))

    def all_findings(self) -> list[FindingView]:
        found = [
            q.subject.value
            for q in self.ld.store.quads_for_pattern(None, RDF_TYPE, sg("Finding"))
            if self.ld.is_data(q.subject.value)
        ]
        return sorted((self.finding(f) for f in found), key=lambda f: (f.line or 0, f.link.iri))

    def value(self, term: object) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(link=self.link(term.value))
        if isinstance(term, ox.Literal):
            dt = term.datatype.value if term.datatype else ""
            shown = (
                ""
                if term.language or dt.endswith("#string") or dt.endswith("#langString")
                else short(dt)
            )
            return Value(text=term.value, lang=term.language or "", datatype=shown)
        return Value(text=str(term))

    def statements(self, iri: str) -> tuple[list[Statement], list[Statement]]:
        node = ox.NamedNode(iri)
        out: dict[str, list[object]] = {}
        for q in self.ld.store.quads_for_pattern(node, None, None):
            out.setdefault(q.predicate.value, []).append(q.object)
        inc: dict[str, list[object]] = {}
        for q in self.ld.store.quads_for_pattern(None, None, node):
            inc.setdefault(q.predicate.value, []).append(q.subject)

        def build(table: dict[str, list[object]]) -> list[Statement]:
            rows = []
            for pred in sorted(table, key=lambda p: (p != RDF_TYPE.value, short(p))):
                terms = sorted(table[pred], key=self.term_key)
                shown = [self.value(t) for t in terms[:MAX_VALUES]]
                rows.append(
                    Statement(self.link(pred, label=short(pred)), shown, len(terms) - len(shown))
                )
            return rows

        return build(out), build(inc)

    # --- pages --------------------------------------------------------------------
    def resource(self, iri: str) -> ResourcePage:
        ld = self.ld
        kind = self.kind(iri)
        labels = ld.labels(iri)
        title = labels.get("zh") or labels.get("") or labels.get("en") or local_name(iri)
        if kind == "finding":
            title = ld.text(iri, sg("message"), "zh") or local_name(iri)
        doc = "id/" + ld.path_for(iri)
        chain = self.ancestors(iri)
        up = self.parent(iri)
        previous, nxt = self.siblings(iri)
        children_title, children = self.children(iri, kind)
        statements, referenced = self.statements(iri)
        page = ResourcePage(
            iri=iri,
            kind=kind,
            here=doc + ".html",
            title=title,
            title_en=labels.get("en") if labels.get("en") != title else None,
            types=[self.link(t) for t in ld.types(iri)],
            notation=ld.text(iri, NOTATION),
            breadcrumbs=[self.link(a) for a in chain],
            parent=self.link(up[0]) if up else None,
            previous=previous,
            next=nxt,
            children_title=children_title,
            children=children,
            alternates=[Alternate(k, m, f"{doc}.{k}") for k, m in DOC_FORMATS],
            findings=self.findings_on(iri),
            statements=statements,
            referenced_by=referenced,
        )
        page.facts = self.facts(iri)
        extra = getattr(self, f"extra_{kind}", None)
        if extra is not None:
            page.extra = extra(iri)
        page.extra["pictures"] = pictures_for(ld, iri, page.here, self.href, doc)
        if kind == "standard":
            page.extra["exports"] = self.exports(iri)
        return page

    def facts(self, iri: str) -> list[tuple[str, str]]:
        ld = self.ld
        facts = []
        for local, label in (
            ("printedCode", "印刷编号 / printed code"),
            ("rank", "等级序号 / rank"),
            ("trainingHours", "培训参考学时 / training hours"),
            ("sourceLine", "源文本行号 / source line"),
        ):
            values = sorted(
                {o.value for o in ld.objects(iri, sg(local)) if isinstance(o, ox.Literal)},
                key=natural,
            )
            if values:
                facts.append((label, ", ".join(values)))
        return facts

    def extra_occupation(self, iri: str) -> dict[str, object]:
        ld = self.ld
        common = [
            t
            for t in ld.subjects(sg("occupation"), iri)
            if SG_IRI + "TradeLevel" in ld.types(t) and not ld.iris(t, sg("trade"))
        ]
        return {
            "definition": ld.text(iri, ox.NamedNode(SKOS + "definition"), "zh"),
            "profile": [
                (label, ld.text(iri, sg(local), "zh"))
                for local, label in (
                    ("workEnvironment", "职业环境条件 / work environment"),
                    ("abilityTraits", "职业能力特征 / ability traits"),
                    ("educationLevel", "普通受教育程度 / education"),
                )
                if ld.text(iri, sg(local), "zh")
            ],
            "grid": self.level_grid(iri),
            "common_levels": [self.link(t) for t in sorted(common)],
            "basic_groups": self.sorted_links(ld.iris(iri, sg("hasBasicRequirementGroup"))),
            "standards": [self.link(s) for s in ld.subjects(sg("describesOccupation"), iri)],
            "exports": self.exports(iri),
        }

    def exports(self, iri: str) -> dict[str, object]:
        """Downloads of an occupation or its standard: its interchange files
        (``exports/<code>/``, written by the build) and the RDF dumps they come from."""
        ld = self.ld
        occupation = iri
        if SG_IRI + "OccupationalStandard" in ld.types(iri):
            occupation = next(iter(ld.iris(iri, sg("describesOccupation"))), iri)
        code = ld.text(occupation, NOTATION)
        files: list[ExportFile] = exports_in(ld.build_dir, code) if code else []
        if self.dump_links is not None:
            dumps = self.dump_links(code) if code else []
        else:
            dumps = [d for d in dump_list(ld.build_dir) if d[0].startswith("graph.")]
        shown = [(f, human_size(f.size)) for f in files]
        return {"files": shown, "dumps": dumps} if files or dumps else {}

    def level_grid(self, occupation: str) -> dict[str, object]:
        """Trades × ranks (5 → 1) of an occupation, each cell a trade-level link or None."""
        ranks = [5, 4, 3, 2, 1]
        common: dict[int, Link] = {}  # levels not split by trade, shown in every row
        for tl in self.ld.subjects(sg("occupation"), occupation):
            if SG_IRI + "TradeLevel" in self.ld.types(tl) and not self.ld.iris(tl, sg("trade")):
                r = self.rank(tl)
                if r is not None:
                    common[r] = self.link(tl, label="共同 / common")
        rows = []
        for trade in sorted(self.ld.iris(occupation, sg("hasTrade")), key=self.sort_key):
            cells: dict[int, Link] = dict(common)
            for tl in self.ld.subjects(sg("trade"), trade):
                r = self.rank(tl)
                if r is not None:
                    cells[r] = self.link(tl)
            rows.append((self.link(trade), [cells.get(r) for r in ranks]))
        levels = {}
        for r in ranks:
            lv = self.ld.iri_for(f"level/{r}")
            levels[r] = self.link(lv) if self.ld.exists(lv) else Link("", str(r))
        return {"ranks": [levels[r] for r in ranks], "rows": rows}

    def extra_trade(self, iri: str) -> dict[str, object]:
        return {}

    def extra_tradelevel(self, iri: str) -> dict[str, object]:
        ld = self.ld
        covered = ld.iris(iri, sg("coversLowerLevel"))
        covering = ld.subjects(sg("coversLowerLevel"), iri)
        by_rank = sorted(covered, key=lambda t: (self.rank(t) or 9, t))
        nearest = by_rank[0] if by_rank else None
        below: dict[str, list[str]] = {}  # competency → requirements of the nearest level
        if nearest:
            for req in ld.iris(nearest, sg("requires")):
                for comp in ld.iris(req, sg("expresses")):
                    below.setdefault(comp, []).append(req)
        blocks = []
        counts = {"functions": 0, "contents": 0, "skill": 0, "knowledge": 0, "restated": 0}
        for fn in sorted(ld.iris(iri, sg("hasFunction")), key=self.sort_key):
            counts["functions"] += 1
            contents = []
            for wc in sorted(ld.iris(fn, sg("hasWorkContent")), key=self.sort_key):
                counts["contents"] += 1
                items: dict[str, list[RequirementItem]] = {"skill": [], "knowledge": []}
                for req in sorted(ld.iris(wc, sg("hasRequirement")), key=self.requirement_order):
                    kind = "skill" if SG_IRI + "SkillRequirement" in ld.types(req) else "knowledge"
                    lower = [r for c in ld.iris(req, sg("expresses")) for r in below.get(c, [])]
                    counts[kind] += 1
                    counts["restated"] += bool(lower)
                    items[kind].append(
                        RequirementItem(
                            self.link(req), kind, [self.requirement_link(r) for r in sorted(lower)]
                        )
                    )
                contents.append(ContentBlock(self.link(wc), items["skill"], items["knowledge"]))
            blocks.append(FunctionBlock(self.link(fn), contents))
        own = counts["skill"] + counts["knowledge"]
        required = len(ld.iris(iri, sg("requires")))
        return {
            "covers": [self.link(t) for t in by_rank],
            "covered_by": [
                self.link(t) for t in sorted(covering, key=lambda t: (-(self.rank(t) or 0), t))
            ],
            "nearest": self.link(nearest) if nearest else None,
            "blocks": blocks,
            "counts": counts,
            "own": own,
            "new": own - counts["restated"],
            "required": required,
            "inherited": required - own,
            "weights": self.weights(iri),
        }

    def requirement_link(self, req: str) -> Link:
        """A requirement named by where it sits (trade-level + code), not by its wording."""
        chain = self.ancestors(req)
        level = next((a for a in chain if self.kind(a) == "tradelevel"), None)
        kind = "技能" if SG_IRI + "SkillRequirement" in self.ld.types(req) else "知识"
        code = self.ld.text(req, NOTATION) or local_name(req)
        where = self.ld.label(level) if level else ""
        link = self.link(req)
        link.label = f"{where} {kind} {code}".strip()
        link.label_en = None
        return link

    def weights(self, trade_level: str) -> list[tuple[str, str, str]]:
        """(exam, row, percent) rows of a trade-level's weight tables."""
        rows = []
        weights = self.ld.iris(trade_level, sg("hasExamWeight"))
        theory = SG_IRI + "TheoryExam"  # the theory table first, as the standard prints it
        for w in sorted(weights, key=lambda w: (
                theory not in self.ld.iris(w, sg("exam")), weight_order(self.ld, w))):
            exam = self.ld.iris(w, sg("exam"))
            pct = self.ld.text(w, sg("weightPercent"))
            rows.append(
                (
                    self.ld.label(exam[0]) if exam else "",
                    self.ld.text(w, sg("weightRow")) or "",
                    f"{pct}%" if pct is not None else "—",
                )
            )
        return rows

    def extra_function(self, iri: str) -> dict[str, object]:
        contents = []
        for wc in sorted(self.ld.iris(iri, sg("hasWorkContent")), key=self.sort_key):
            contents.append((self.link(wc), self.requirement_links(wc)))
        weights = []
        for w in self.ld.subjects(sg("weightOf"), iri):
            exam = self.ld.iris(w, sg("exam"))
            pct = self.ld.text(w, sg("weightPercent"))
            weights.append((self.ld.label(exam[0]) if exam else "", f"{pct}%" if pct else "—"))
        return {"contents": contents, "weights": sorted(weights)}

    def extra_content(self, iri: str) -> dict[str, object]:
        return {}

    def extra_requirement(self, iri: str) -> dict[str, object]:
        ld = self.ld
        comps = ld.iris(iri, sg("expresses"))
        same = sorted({r for c in comps for r in ld.subjects(sg("expresses"), c)} - {iri})
        required_by = ld.subjects(sg("requires"), iri)
        return {
            "requirement_kind": "技能要求 / skill"
            if SG_IRI + "SkillRequirement" in ld.types(iri)
            else "相关知识要求 / knowledge",
            "competency": [self.link(c) for c in comps],
            "same_competency": [self.requirement_link(r) for r in same],
            "required_by": [
                self.link(t) for t in sorted(required_by, key=lambda t: (self.rank(t) or 0, t))
            ],
        }

    def extra_competency(self, iri: str) -> dict[str, object]:
        reqs = self.ld.subjects(sg("expresses"), iri)
        return {"expressed_by": [self.requirement_link(r) for r in reqs]}

    def extra_finding(self, iri: str) -> dict[str, object]:
        view = self.finding(iri)
        affected = [(a, [self.link(x) for x in self.ancestors(a.iri)]) for a in view.affects]
        return {"finding": view, "affected": affected}

    # --- site-wide pages ----------------------------------------------------------
    def index(self) -> dict[str, object]:
        ld = self.ld
        occupations = []
        for q in ld.store.quads_for_pattern(None, RDF_TYPE, sg("Occupation")):
            iri = q.subject.value
            if ld.is_data(iri):
                occupations.append((self.link(iri), self.extra_occupation(iri)))
        occupations.sort(key=lambda o: o[0].iri)
        return {
            "occupations": occupations,
            "findings": self.all_findings(),
            "triples": ld.data_triples,
            "base": ld.base,
        }


def ontology_page_context(build_dir: Path | None) -> dict[str, object]:
    """What ``ontology.html`` shows: the documentation of the build's ontology."""
    return {
        "onto": ontology_docs(ontology_bytes(build_dir)),
        "alternates": DOC_FORMATS,
    }

EXAMPLE_QUERY = """PREFIX sg: <https://w3id.org/skillgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?tradeLevel ?label WHERE {
  ?tradeLevel a sg:TradeLevel ; skos:prefLabel ?label .
  FILTER (lang(?label) = "zh")
}
ORDER BY ?label
"""


def runnable_text(query: CatalogQuery) -> str:
    """A catalog query with its parameters' defaults bound, as `skillgraph query NAME`
    runs it; the text as written when it cannot be bound (a required parameter)."""
    try:
        from ..params import bind
    except ImportError:
        return query.text
    try:
        return bind(query.text, {})
    except ValueError:
        return query.text


def query_context(
    queries: list[CatalogQuery],
    *,
    endpoint: str,
    base: str,
    max_results: int = 0,
    timeout: float = 0,
    initial_query: str | None = None,
    selected: str = "",
    values: dict[str, list[str]] | None = None,
    bind_error: str = "",
) -> dict[str, object]:
    """The query page: catalog queries (embedded as JSON for the page's script) with their
    parameters, the editor's prefixes, and the catalog query the URL picked (``selected``,
    with the ``values`` given for its parameters)."""
    from .querybind import declared, editor_prefixes, param_json

    chosen = next((q for q in queries if q.name == selected), None)
    return {
        "catalog": queries,
        "catalog_json": {
            "queries": [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "parameters": q.parameters,
                    "params": [param_json(p) for p in declared(q)],
                    "text": runnable_text(q),
                }
                for q in queries
            ],
            "prefixes": editor_prefixes(base),
            "selected": chosen.name if chosen else "",
            "values": values or {},
        },
        "selected": chosen,
        "selected_params": [param_json(p) for p in declared(chosen)] if chosen else [],
        "values": values or {},
        "bind_error": bind_error,
        "endpoint": endpoint,
        "base": base,
        "max_results": max_results,
        "timeout": f"{timeout:g}",
        "initial_query": initial_query or (runnable_text(chosen) if chosen else EXAMPLE_QUERY),
    }


def short(iri: str) -> str:
    """``sg:TradeLevel`` for a known namespace, else the IRI itself."""
    for ns, prefix in SHORT.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return prefix + iri[len(ns) :]
    return iri


def natural(text: str) -> tuple:
    """Sort key that orders 1.2.10 after 1.2.9."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
