"""Parsed model → RDF (the ABox of one standard; docs/architecture.md, "To RDF").

The graph is a plain function of the :class:`~skillgraph.model.Standard`: the same model
always gives the same triples (IRIs from :mod:`skillgraph.iris`, no blank nodes), so two
builds can be diffed.  Nothing is inferred here: ``sg:coversLowerLevel`` is asserted only
to the level directly below, and ``sg:requires`` and the transitive closure are left to
the reasoning step.

Where the model contradicts itself in a way the graph cannot hold (two items minting the
same IRI, a trade-level of an undeclared trade), conversion raises ``ValueError`` naming
the source lines, instead of silently merging nodes.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from . import vocab as V
from .iris import Iris
from .loaders.translations import Translations, load_translations
from .model import (
    Function,
    NodeKind,
    NodeRef,
    Requirement,
    Standard,
    TradeLevel,
    Weight,
    WorkContent,
    weight_row_key,
)
from .vocab import DCTERMS, DEFAULT_DATA_BASE, RDF, SG, SKOS

__all__ = [
    "competency_scheme",
    "node_iri",
    "resolve_target",
    "standard_to_graph",
    "weight_row_key",
]

# Status of the document → (IRI slug, English label).
_STATUS = {
    "征求意见稿": ("draft", "draft for comments"),
    "送审稿": ("review-draft", "draft for review"),
    "报批稿": ("approval-draft", "draft for approval"),
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_EXAMS = ("theory", "skill")

LevelKey = tuple[str | None, int]  # (trade slug or None for the common level, rank)


def status_slug(status: str, edition: int | None = None) -> str:
    """IRI slug of a document: 征求意见稿 → ``draft``; a published edition → its year.

    >>> status_slug("（征求意见稿）")
    'draft'
    >>> status_slug("2021年版", 2021)
    '2021'
    """
    for key, (slug, _) in _STATUS.items():
        if key in status:
            return slug
    return str(edition) if edition else "published"


def competency_scheme(iris: Iris) -> URIRef:
    """The occupation's concept scheme of competencies (``<occupation>/competencies``)."""
    return URIRef(f"{iris.occupation()}/competencies")


def node_iri(ref: NodeRef, iris: Iris) -> URIRef:
    """IRI of the node a reference names (whether it exists is the shapes' business, so
    that a dangling ``sg:affects`` shows up in the validation report with the rest).

    >>> iris = Iris("4-09-07-04")
    >>> ref = NodeRef(NodeKind.SKILL, "1.2.1", "accounting", 3)
    >>> str(node_iri(ref, iris)).removeprefix(iris.base)
    'occupation/4-09-07-04/trade/accounting/level/3/skill/1.2.1'
    """
    k, key = ref.kind, ref.key
    if k in (NodeKind.PROFILE, NodeKind.LEVEL_ELIGIBILITY):
        return iris.occupation()
    if k is NodeKind.TRADE:
        return iris.trade(key)
    if k is NodeKind.BASIC_GROUP:
        return iris.basic_group(key)
    if k is NodeKind.BASIC_ITEM:
        return iris.basic_item(key.split("/")[1], key)  # the item's key is its whole path
    if k is NodeKind.ELIGIBILITY:
        return iris.eligibility(_rank(ref), int(key))
    if k is NodeKind.ASSESSMENT:
        return iris.assessment(key)
    trade, rank = ref.trade, _rank(ref)
    if k is NodeKind.TRADE_LEVEL:
        return iris.trade_level(trade, rank)
    if k is NodeKind.WEIGHT:
        return iris.weight(trade, rank, ref.exam, key)
    if k is NodeKind.FUNCTION:
        return iris.function(trade, rank, key)
    if k is NodeKind.WORK_CONTENT:
        return iris.work_content(trade, rank, key)
    return iris.requirement(trade, rank, "skill" if k is NodeKind.SKILL else "knowledge", key)


def _rank(ref: NodeRef) -> int:
    if ref.rank is None:
        raise ValueError(f"{ref.kind} reference without a rank: {ref}")
    return ref.rank


def resolve_target(path: str, iris: Iris) -> URIRef:
    """IRI of the node a model path (as printed in ``provenance.tsv``) names.

    >>> iris = Iris("4-09-07-04")
    >>> str(resolve_target("common/5/W1.2", iris)).removeprefix(iris.base)
    'occupation/4-09-07-04/level/5/content/1.2'
    """
    return node_iri(NodeRef.parse(path), iris)


def covered_levels(trade_levels: list[TradeLevel]) -> dict[LevelKey, LevelKey]:
    """(trade, rank) → the (trade, rank) directly below it, as asserted by sg:coversLowerLevel.

    A trade-level covers the next lower rank (higher number) of its own trade; the lowest
    rank of a trade covers the next lower common level (trade None), e.g. consulting 3 →
    common 5 when the trade starts at 三级.

    >>> tls = [TradeLevel(None, 5, "", 1), TradeLevel("a", 4, "", 2), TradeLevel("a", 3, "", 3)]
    >>> covered_levels(tls)
    {('a', 4): (None, 5), ('a', 3): ('a', 4)}
    """
    present = {(tl.trade, tl.rank) for tl in trade_levels}
    covered: dict[LevelKey, LevelKey] = {}
    for trade, rank in sorted(present, key=lambda k: (k[0] or "", -k[1])):
        own = sorted(r for t, r in present if t == trade and r > rank)
        common = sorted(r for t, r in present if t is None and r > rank)
        if own:
            covered[(trade, rank)] = (trade, own[0])
        elif common:
            covered[(trade, rank)] = (None, common[0])
    return covered


class _Builder:
    """Holds the graph while one standard is converted; guards against IRI collisions."""

    def __init__(self, std: Standard, base: str) -> None:
        self.std = std
        self.iris = Iris(std.profile.code, base)
        self.g = Graph()
        self.g.bind("sg", SG)
        self.g.bind("skos", SKOS)
        self.g.bind("dcterms", DCTERMS)
        self.minted: dict[URIRef, int] = {}
        self.competency_labels: set[URIRef] = set()

    # helpers --------------------------------------------------------------------------
    def node(self, iri: URIRef, cls: URIRef, line: int | None) -> URIRef:
        """Type a new node; a second item minting the same IRI is a model error."""
        if iri in self.minted:
            raise ValueError(
                f"two items map to {iri} (source lines {self.minted[iri]} and {line}); "
                "their normalized codes must differ"
            )
        self.minted[iri] = line or 0
        self.g.add((iri, RDF.type, cls))
        if line is not None:
            self.g.add((iri, V.sourceLine, Literal(line)))
            page = self.std.pages.get(line)
            if page is not None:
                self.g.add((iri, V.sourcePage, Literal(page)))
        return iri

    def text(self, s: URIRef, p: URIRef, text: str | None, lang: str = "zh") -> None:
        """Add a language-tagged literal, skipping empty text (no empty labels in the graph)."""
        if text and text.strip():
            self.g.add((s, p, Literal(text.strip(), lang=lang)))

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        self.g.add((s, p, o))

    # sections -------------------------------------------------------------------------
    def build(self) -> Graph:
        std, iris = self.std, self.iris
        occ = self.occupation()
        slug = status_slug(std.status, std.edition)
        doc = self.node(iris.standard(slug), V.OccupationalStandard, None)
        self.text(doc, DCTERMS.title, std.title)
        self.text(doc, V.status, std.status)
        for key, (_, label_en) in _STATUS.items():
            if key in std.status:
                self.text(doc, V.status, label_en, "en")
        if slug == str(std.edition):
            self.text(doc, V.status, f"{std.edition} edition", "en")
        self.add(doc, DCTERMS.source, Literal(std.source_name))
        self.add(doc, V.sourceSha256, Literal(std.source_sha256))
        self.add(doc, V.sourceKind, Literal(std.source_kind))
        self.preface(doc)
        self.add(doc, V.describesOccupation, occ)
        self.skill_levels()
        self.trades(occ)
        covered = covered_levels(std.trade_levels)
        for tl in std.trade_levels:
            self.trade_level(occ, tl, covered.get((tl.trade, tl.rank)))
        self.basic(occ)
        self.eligibility(occ)
        self.assessment(occ)
        self.findings(doc)
        return self.g

    def preface(self, doc: URIRef) -> None:
        """The 说明 of a published edition as metadata of the document."""
        std, pre = self.std, self.std.preface
        if std.edition is not None:
            self.add(doc, V.edition, Literal(std.edition))
        for prop, values in (
            (V.basedOn, pre.basis),
            (V.draftingOrganisation, pre.drafting_organisations),
            (V.drafter, pre.drafters),
            (V.reviewingOrganisation, pre.reviewing_organisations),
            (V.reviewer, pre.reviewers),
            (V.approvedBy, pre.approved_by),
            (V.issuedBy, pre.issued_by),
        ):
            for value in dict.fromkeys(values):
                self.text(doc, prop, value)
        if pre.paragraphs:
            self.text(doc, V.prefaceText, "\n".join(p.text for p in pre.paragraphs))

    def occupation(self) -> URIRef:
        p, iris = self.std.profile, self.iris
        lines = p.lines
        line = lines.get("name", lines.get("code", min(lines.values(), default=None)))
        occ = self.node(iris.occupation(), V.Occupation, line)
        self.text(occ, SKOS.prefLabel, p.name)
        self.text(occ, SKOS.prefLabel, p.name_en, "en")
        self.add(occ, SKOS.notation, Literal(p.code))
        self.text(occ, SKOS.definition, p.definition)
        self.add(occ, V.greenOccupation, Literal(p.green))
        self.text(occ, V.workEnvironment, p.environment)
        self.text(occ, V.abilityTraits, p.ability_traits)
        self.text(occ, V.educationLevel, p.education)
        self.add(occ, V.passMark, Literal(p.pass_mark))
        for note in p.footnotes:
            self.text(occ, SKOS.note, note.text)
        scheme = competency_scheme(iris)
        self.node(scheme, SKOS.ConceptScheme, None)
        self.text(scheme, SKOS.prefLabel, f"{p.name}职业能力")
        en = p.name_en
        if en:
            self.text(scheme, SKOS.prefLabel, f"Competencies of the {en}", "en")
        return occ

    def skill_levels(self) -> None:
        ranks = {lv.rank: lv for lv in self.std.profile.levels}
        ranks_used = set(ranks) | {tl.rank for tl in self.std.trade_levels}
        for rank in sorted(ranks_used):
            lv = self.node(self.iris.skill_level(rank), V.SkillLevel, None)
            self.add(lv, V.rank, Literal(rank))
            self.add(lv, SKOS.notation, Literal(str(rank)))
            if rank in ranks:
                self.text(lv, SKOS.prefLabel, ranks[rank].name)
                self.text(lv, SKOS.prefLabel, ranks[rank].name_en, "en")

    def trades(self, occ: URIRef) -> None:
        for t in self.std.profile.trades:
            tr = self.node(self.iris.trade(t.slug), V.Trade, t.line)
            self.add(occ, V.hasTrade, tr)
            self.add(tr, V.occupation, occ)
            self.text(tr, SKOS.prefLabel, t.name)
            self.text(tr, SKOS.prefLabel, t.name_en, "en")
            if t.section:
                self.add(tr, SKOS.notation, Literal(t.section))

    def trade_level(self, occ: URIRef, tl: TradeLevel, below: LevelKey | None) -> None:
        p, iris = self.std.profile, self.iris
        trades = {t.slug: t for t in p.trades}
        levels = {lv.rank: lv for lv in p.levels}
        node = self.node(iris.trade_level(tl.trade, tl.rank), V.TradeLevel, tl.line)
        self.add(occ, V.hasTradeLevel, node)
        self.add(node, V.occupation, occ)
        self.add(node, V.level, iris.skill_level(tl.rank))
        if tl.trade is None:
            name, name_en = p.name, p.name_en
        else:
            if tl.trade not in trades:
                raise ValueError(
                    f"trade-level at line {tl.line} names undeclared trade {tl.trade!r}"
                )
            self.add(node, V.trade, iris.trade(tl.trade))
            name, name_en = trades[tl.trade].name, trades[tl.trade].name_en
        level = levels.get(tl.rank)
        if level is not None:
            self.text(node, SKOS.prefLabel, f"{name}{level.name}")
            if name_en and level.name_en:
                self.text(node, SKOS.prefLabel, f"{name_en}, {level.name_en}", "en")
        if tl.rank in p.training_hours:
            self.add(node, V.trainingHours, Literal(p.training_hours[tl.rank]))
        if below is not None:
            self.add(node, V.coversLowerLevel, iris.trade_level(*below))
        for pos, fn in enumerate(tl.functions, 1):
            self.add(node, V.hasFunction, self.function(tl, fn, pos))
        for w in tl.weights:
            self.add(node, V.hasExamWeight, self.weight(tl, w))

    def _coded(self, iri: URIRef, cls: URIRef, item, label: str, pos: int) -> URIRef:
        node = self.node(iri, cls, item.line)
        self.text(node, SKOS.prefLabel, label)
        self.add(node, SKOS.notation, Literal(item.code))
        if item.printed_code is not None:
            self.add(node, V.printedCode, Literal(item.printed_code))
        self.add(node, V.position, Literal(pos))
        return node

    def function(self, tl: TradeLevel, fn: Function, pos: int) -> URIRef:
        iri = self.iris.function(tl.trade, tl.rank, fn.code)
        node = self._coded(iri, V.OccupationalFunction, fn, fn.name, pos)
        for cpos, wc in enumerate(fn.contents, 1):
            self.add(node, V.hasWorkContent, self.content(tl, wc, cpos))
        return node

    def content(self, tl: TradeLevel, wc: WorkContent, pos: int) -> URIRef:
        iri = self.iris.work_content(tl.trade, tl.rank, wc.code)
        node = self._coded(iri, V.WorkContent, wc, wc.name, pos)
        # position counts within each column (skills 1…n, knowledge 1…m), as printed
        for column in (wc.skills, wc.knowledge):
            for rpos, req in enumerate(column, 1):
                self.add(node, V.hasRequirement, self.requirement(tl, req, rpos))
        return node

    def requirement(self, tl: TradeLevel, req: Requirement, pos: int) -> URIRef:
        if req.kind not in ("skill", "knowledge"):
            raise ValueError(f"requirement at line {req.line} has unknown kind {req.kind!r}")
        cls = V.SkillRequirement if req.kind == "skill" else V.KnowledgeRequirement
        iri = self.iris.requirement(tl.trade, tl.rank, req.kind, req.code)
        node = self._coded(iri, cls, req, req.text, pos)
        comp = self.iris.competency(req.kind, req.text)
        if comp not in self.competency_labels:  # first wording seen names the competency
            self.competency_labels.add(comp)
            self.add(comp, RDF.type, V.Competency)
            self.add(comp, RDF.type, SKOS.Concept)
            self.add(comp, SKOS.inScheme, competency_scheme(self.iris))
            self.text(comp, SKOS.prefLabel, req.text)
        self.add(node, V.expresses, comp)
        return node

    def weight(self, tl: TradeLevel, w: Weight) -> URIRef:
        if w.exam not in _EXAMS:
            raise ValueError(f"weight at line {w.line} has unknown exam {w.exam!r}")
        iri = self.iris.weight(tl.trade, tl.rank, w.exam, weight_row_key(w))
        node = self.node(iri, V.ExamWeight, w.line)
        self.add(node, V.exam, V.TheoryExam if w.exam == "theory" else V.SkillExam)
        self.add(node, V.weightRow, Literal(w.row))
        if w.percent is None:
            self.add(node, V.notAssessed, Literal(True))
        else:
            self.add(node, V.weightPercent, Literal(w.percent))
        if w.category == "ethics":
            self.add(node, V.weightOf, V.EthicsCategory)
        elif w.category == "base-knowledge":
            self.add(node, V.weightOf, V.BaseKnowledgeCategory)
        elif w.function_code is not None:
            self.add(node, V.weightOf, self.iris.function(tl.trade, tl.rank, w.function_code))
        return node

    def basic(self, occ: URIRef) -> None:
        for grp in self.std.basic_groups:
            node = self.node(self.iris.basic_group(grp.code), V.BasicRequirementGroup, grp.line)
            self.add(occ, V.hasBasicRequirementGroup, node)
            self.add(node, SKOS.notation, Literal(grp.code))
            self.text(node, SKOS.prefLabel, grp.name)
            category = V.EthicsCategory if grp.category == "ethics" else V.BaseKnowledgeCategory
            self.add(node, V.basicCategory, category)
            for pos, item in enumerate(grp.items, 1):
                iri = self.iris.basic_item(grp.code, item.key)
                it = self.node(iri, V.BasicRequirement, item.line)
                self.add(node, V.hasBasicRequirement, it)
                self.text(it, SKOS.prefLabel, item.text)
                self.add(it, SKOS.notation, Literal(item.code or item.key))
                self.add(it, V.position, Literal(pos))

    def eligibility(self, occ: URIRef) -> None:
        """Routes (sg:EligibilityCondition), each with its alternatives (sg:ConditionSet),
        the education levels they name, and footnotes 2 and 3 as concept lists."""
        p, iris = self.std.profile, self.iris
        levels = {lv.rank: lv for lv in p.levels}
        scopes = {"this": V.ThisOnly, "this-or-related": V.ThisOrRelated}
        education = {e.slug: URIRef(f"{iris.base}education/{e.slug}") for e in p.education_levels}
        for e in p.education_levels:
            node = self.node(education[e.slug], V.EducationLevel, e.line)
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.notation, Literal(e.slug))
            self.text(node, SKOS.prefLabel, e.name)
            self.text(node, SKOS.prefLabel, e.name_en, "en")
            below = {x.slug: x.below for x in p.education_levels}
            lower = e.below
            while lower is not None:  # the transitive closure, so queries need no path
                self.add(node, V.higherEducationThan, education[lower])
                lower = below.get(lower)
        for route in p.eligibility:
            iri = iris.eligibility(route.rank, route.number)
            node = self.node(iri, V.EligibilityCondition, route.line)
            self.add(occ, V.hasEligibilityCondition, node)
            self.add(node, V.forLevel, iris.skill_level(route.rank))
            self.add(node, V.routeNumber, Literal(route.number))
            self.text(node, V.statement, route.text)
            if route.rank in levels:
                self.text(
                    node, SKOS.prefLabel, f"{levels[route.rank].name}申报条件（{route.number}）"
                )
                self.text(
                    node,
                    SKOS.prefLabel,
                    f"{levels[route.rank].name_en}, eligibility route ({route.number})",
                    "en",
                )
            for s in route.alternatives:
                alt = self.node(URIRef(f"{iri}/alternative/{s.number}"), V.ConditionSet, s.line)
                self.add(node, V.alternative, alt)
                self.add(alt, V.position, Literal(s.number))
                self.text(alt, SKOS.prefLabel, s.label)
                self.text(alt, SKOS.prefLabel, s.label_en, "en")
                if s.preparatory_technician:
                    self.add(alt, V.requiresCredential, V.PreparatoryTechnicianCertificate)
                elif s.credential_rank is not None:
                    self.add(alt, V.requiresCredential, V.SkillLevelCertificate)
                    self.add(alt, V.requiresCredentialLevel, iris.skill_level(s.credential_rank))
                if s.credential_scope:
                    self.add(alt, V.credentialScope, scopes[s.credential_scope])
                if s.min_years is not None:
                    self.add(alt, V.minYearsOfWork, Literal(s.min_years, datatype=V.XSD.decimal))
                    self.add(alt, V.yearsAfterCredential, Literal(s.years_after_credential))
                if s.work_scope:
                    self.add(alt, V.workScope, scopes[s.work_scope])
                if s.training_rank is not None:
                    training = URIRef(f"{iris.occupation()}/training/level/{s.training_rank}")
                    self.add(alt, V.requiresFormalTraining, training)
                if s.education:
                    self.add(alt, V.requiresEducation, education[s.education])
                    self.add(alt, V.orHigherEducation, Literal(s.or_higher_education))
                    self.add(alt, V.acceptsFinalYearStudents, Literal(s.final_year_students))
                if s.major_scope:
                    self.add(alt, V.majorScope, scopes[s.major_scope])
                if s.programme_target_rank is not None:
                    target = iris.skill_level(s.programme_target_rank)
                    self.add(alt, V.programmeTargetLevel, target)
                if s.apprenticeship:
                    self.add(alt, V.requiresApprenticeship, Literal(True))
                if s.apprenticeship_scope:
                    self.add(alt, V.apprenticeshipScope, scopes[s.apprenticeship_scope])
        en = p.name_en
        if p.related_occupations:
            scheme = self.node(URIRef(f"{iris.occupation()}/related-occupations"),
                               SKOS.ConceptScheme, None)  # fmt: skip
            self.text(scheme, SKOS.prefLabel, f"{p.name}相关职业")
            if en:
                self.text(scheme, SKOS.prefLabel, f"Related occupations of the {en}", "en")
            for ro in p.related_occupations:
                iri = URIRef(f"{iris.occupation()}/related-occupation/{ro.position}")
                item = self.node(iri, V.RelatedOccupation, ro.line)
                self.add(item, RDF.type, SKOS.Concept)
                self.add(item, SKOS.inScheme, scheme)
                self.add(item, V.position, Literal(ro.position))
                self.text(item, SKOS.prefLabel, ro.name)
                self.add(occ, V.relatedOccupation, item)
        schemes: dict[str, URIRef] = {}
        for rm in p.related_majors:
            if rm.school_key not in schemes:
                schemes[rm.school_key] = scheme = self.node(
                    URIRef(f"{iris.occupation()}/related-majors/{rm.school_key}"),
                    SKOS.ConceptScheme,
                    None,
                )
                self.text(scheme, SKOS.prefLabel, f"{p.name}相关专业（{rm.school}）")
                if en:
                    label_en = f"Related majors of the {en} ({rm.school_en})"
                    self.text(scheme, SKOS.prefLabel, label_en, "en")
            iri = URIRef(f"{iris.occupation()}/related-major/{rm.school_key}/{rm.position}")
            item = self.node(iri, V.MajorCategory, rm.line)
            self.add(item, RDF.type, SKOS.Concept)
            self.add(item, SKOS.inScheme, schemes[rm.school_key])
            self.add(item, V.position, Literal(rm.position))
            self.text(item, SKOS.prefLabel, rm.name)
            for slug in rm.education:
                self.add(item, V.forEducation, education[slug])
            self.add(occ, V.relatedMajor, item)

    def assessment(self, occ: URIRef) -> None:
        """Provisions as sentences (sg:AssessmentProvision); formal trainings per level and
        assessments per kind and level (sg:FormalTraining, sg:Assessment) as typed nodes."""
        p, iris = self.std.profile, self.iris
        for item in p.assessment:
            key = item.key.removeprefix("assessment/")
            node = self.node(iris.assessment(key), V.AssessmentProvision, item.line)
            self.add(occ, V.hasAssessmentProvision, node)
            self.add(node, V.provisionType, Literal(key.split("/")[0]))
            self.text(node, V.statement, item.text)
            if item.code:
                self.add(node, SKOS.notation, Literal(item.code))
        levels = {lv.rank: lv for lv in p.levels}
        for t in p.trainings:
            node = self.node(URIRef(f"{iris.occupation()}/training/level/{t.rank}"),
                             V.FormalTraining, t.line)  # fmt: skip
            self.add(occ, V.hasFormalTraining, node)
            self.add(node, V.appliesToLevel, iris.skill_level(t.rank))
            if t.hours is not None:
                self.add(node, V.standardHours, Literal(t.hours))
            self.text(node, V.statement, t.text)
            if t.rank in levels:
                level = levels[t.rank]
                short = level.name.partition("/")[2] or level.name
                short_en = level.name_en.partition(" / ")[2] or level.name_en
                self.text(node, SKOS.prefLabel, f"{p.name}{short}技能正规培训")
                en = p.name_en or "this occupation"
                self.text(
                    node, SKOS.prefLabel, f"Formal skill training of the {en} for {short_en}", "en"
                )
        exams = {
            "theory": (V.TheoryExam, "理论知识考试", "theory knowledge examination"),
            "skill": (V.SkillExam, "技能考核", "skills assessment"),
            "review": (V.ComprehensiveReview, "综合评审", "comprehensive review"),
        }
        for a in p.assessments:
            exam, zh, en_name = exams[a.exam]
            node = self.node(iris.assessment(f"{a.exam}/level/{a.rank}"), V.Assessment, a.line)
            self.add(occ, V.hasAssessment, node)
            self.add(node, V.assessmentType, exam)
            self.add(node, V.appliesToLevel, iris.skill_level(a.rank))
            if a.rank in levels:
                self.text(node, SKOS.prefLabel, f"{levels[a.rank].name}{zh}")
                self.text(node, SKOS.prefLabel, f"{levels[a.rank].name_en}, {en_name}", "en")
            self.text(node, V.assessmentMethod, a.method)
            for prop, value in (
                (V.minDurationMinutes, a.min_minutes),
                (V.passingScore, a.pass_mark),
                (V.maxScore, a.max_score),
                (V.maxCandidatesPerInvigilator, a.candidates_per_invigilator),
                (V.minInvigilatorsPerRoom, a.min_invigilators),
                (V.minReviewers, a.min_reviewers),
                (V.maxCandidatesPerAssessor, a.candidates_per_assessor),
                (V.minAssessors, a.min_assessors),
            ):
                if value is not None:
                    self.add(node, prop, Literal(value))
            if a.ratio:
                self.add(node, V.invigilatorRatio, Literal(a.ratio))
            if a.min_reviewers is not None:
                self.add(node, V.oddNumberOfReviewers, Literal(a.odd_reviewers))
            if a.assessor_ratio:
                self.add(node, V.assessorRatio, Literal(a.assessor_ratio))
            if a.min_assessors is not None:
                self.add(node, V.oddNumberOfAssessors, Literal(a.odd_assessors))
            self.text(node, V.venue, a.venue)
            self.text(node, V.requiredEquipment, a.equipment)
            for key in dict.fromkeys(a.provisions):
                self.add(node, V.statedIn, iris.assessment(key))

    def findings(self, doc: URIRef) -> None:
        seen: dict[tuple[str, int], int] = {}
        for f in self.std.findings:
            n = seen.get((f.kind.value, f.line), 0)
            seen[(f.kind.value, f.line)] = n + 1
            node = self.node(self.iris.finding(f.kind.value, f.line, n), V.Finding, f.line)
            self.add(doc, V.hasFinding, node)
            self.add(node, V.findingKind, SG[f.kind.value])
            for text, lang in split_message(f.message):
                self.text(node, V.message, text, lang)
            self.add(node, V.affects, node_iri(f.target, self.iris))


def split_message(message: str) -> list[tuple[str, str]]:
    """``"中文 / English"`` → zh and en parts; otherwise one part tagged by its script.

    >>> split_message("编号重复 / duplicate number")
    [('编号重复', 'zh'), ('duplicate number', 'en')]
    """
    zh, sep, en = message.partition(" / ")
    if sep and _CJK.search(zh) and not _CJK.search(en):
        return [(zh.strip(), "zh"), (en.strip(), "en")]
    return [(message.strip(), "zh" if _CJK.search(message) else "en")]


def standard_to_graph(
    std: Standard, *, base: str = DEFAULT_DATA_BASE, translations: Translations | None = None
) -> Graph:
    """The ABox of one parsed standard; deterministic, no inference (docs/architecture.md,
    "To RDF" and "IRI rules").

    ``base`` is the data IRI base (ends with '/'), configurable for publishers;
    ``translations`` (an input of the build, see :func:`load_translations_if_any`) give
    every @zh literal its reviewed English; without them the graph has only what the model
    carries.  Raises ``ValueError`` when two model items would share an IRI or a path is
    malformed.
    """
    if not base.endswith("/"):
        raise ValueError(f"data IRI base must end with '/': {base!r}")
    graph = _Builder(std, base).build()
    if translations is not None:
        add_english(graph, translations)
    return graph


def load_translations_if_any(occupation_code: str) -> Translations | None:
    """The reviewed translations shipped for an occupation, if there are any."""
    try:
        return load_translations(occupation_code)
    except FileNotFoundError:
        return None


def add_english(graph: Graph, translations: Translations) -> int:
    """Give every @zh literal its reviewed English where the node has no @en for that
    property yet (finding messages already carry their own English); returns how many."""
    added = []
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language == "zh":
            has_en = any(
                isinstance(x, Literal) and x.language == "en" for x in graph.objects(s, p)
            )
            en = None if has_en else translations.english(str(o))
            if en:
                added.append((s, p, Literal(en, lang="en")))
    for triple in added:
        graph.add(triple)
    return len(added)
