"""The parsed model: what the loaders read out of a standard, before any RDF.

Every item keeps the source line it came from, so the RDF, the findings and the
provenance check can all point back into the text.  Codes come in two forms: the
normalized ``code`` (fits its place in the table) and ``printed_code`` (as printed,
kept only where it differs).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum


class FindingKind(StrEnum):
    """Kinds of defect in a draft; the values are the local names in the ontology."""

    PRINTED_CODE_MISFIT = "PrintedCodeMisfit"
    MALFORMED_CODE = "MalformedCode"
    DUPLICATE_NUMBER = "DuplicateNumber"
    MISSING_NUMBER = "MissingNumber"
    WORDING_CONTRADICTS_COLUMN = "WordingContradictsColumn"
    WEIGHT_SUM = "WeightSumNot100"
    PROFILE_CONTRADICTION = "ProfileContradiction"
    FUNCTION_NAME_MISMATCH = "FunctionNameMismatch"
    WEIGHT_WITHOUT_FUNCTION = "WeightWithoutFunction"
    DUPLICATE_TEXT = "DuplicateText"
    ERRATUM_APPLIED = "ErratumApplied"


class NodeKind(StrEnum):
    """Kinds of node a finding (or a provenance entry) can point at."""

    PROFILE = "profile"  # a topic of the occupation's profile (§1): the occupation node
    TRADE = "trade"
    TRADE_LEVEL = "trade-level"
    FUNCTION = "F"
    WORK_CONTENT = "W"
    SKILL = "S"
    KNOWLEDGE = "K"
    WEIGHT = "weight"
    BASIC_GROUP = "basic-group"
    BASIC_ITEM = "basic-item"
    LEVEL_ELIGIBILITY = "level-eligibility"  # a level's 具备以下条件… heading: the profile's text
    ELIGIBILITY = "eligibility"
    ASSESSMENT = "assessment"


_TABLE_NODES = (NodeKind.FUNCTION, NodeKind.WORK_CONTENT, NodeKind.SKILL, NodeKind.KNOWLEDGE)
_RANKS = ("1", "2", "3", "4", "5")
_EXAMS = ("theory", "skill")
_DOTTED = re.compile(r"^\d+(?:\.\d+)*$")


@dataclass(frozen=True)
class NodeRef:
    """The node a finding affects, by the fields its IRI is made of.

    The interpreter makes these from the nodes themselves and the RDF step reads their
    fields (``to_rdf.node_iri``): nothing is written as a string to be parsed again.
    :attr:`path` is the same reference for people (reports, ``provenance.tsv``), and
    :meth:`parse` reads such a path back (for checks over ``provenance.tsv``).

    ``key`` is the code (function, work content, requirement: ``1.2.3``), the topic
    (profile), the slug (trade), the group code (basic group), the whole item key (basic
    item), the item number (eligibility), the provision key (assessment) or the row key
    (weight).
    """

    kind: NodeKind
    key: str = ""
    trade: str | None = None
    rank: int | None = None
    exam: str = ""  # weight rows: theory | skill

    @property
    def path(self) -> str:
        """Model path, e.g. ``accounting/3/S1.2.1``, ``common/5``, ``profile/trades``."""
        k = self.kind
        if k is NodeKind.PROFILE:
            return f"profile/{self.key}"
        if k is NodeKind.TRADE:
            return f"trade/{self.key}"
        if k is NodeKind.BASIC_GROUP:
            return f"basic/{self.key}"
        if k in (NodeKind.BASIC_ITEM, NodeKind.ASSESSMENT):
            return self.key if k is NodeKind.BASIC_ITEM else f"assessment/{self.key}"
        if k is NodeKind.LEVEL_ELIGIBILITY:
            return f"eligibility/{self.rank}"
        if k is NodeKind.ELIGIBILITY:
            return f"eligibility/{self.rank}/{self.key}"
        level = f"{self.trade or 'common'}/{self.rank}"
        if k is NodeKind.TRADE_LEVEL:
            return level
        if k is NodeKind.WEIGHT:
            return f"{level}/weight/{self.exam}/{self.key}"
        return f"{level}/{k.value}{self.key}"

    @classmethod
    def parse(cls, path: str) -> NodeRef:
        """The reference a model path names; ``ValueError`` if it names none.

        >>> NodeRef.parse("accounting/3/S1.2.1")
        NodeRef(kind=<NodeKind.SKILL: 'S'>, key='1.2.1', trade='accounting', rank=3, exam='')
        >>> NodeRef.parse("common/5/W1.2").path
        'common/5/W1.2'
        """
        parts = path.split("/")
        head = parts[0]
        if head == "profile" and len(parts) >= 2:
            return cls(NodeKind.PROFILE, "/".join(parts[1:]))
        if head == "trade" and len(parts) == 2 and parts[1]:
            return cls(NodeKind.TRADE, parts[1])
        if head == "basic" and len(parts) >= 2 and parts[1]:
            if len(parts) == 2:
                return cls(NodeKind.BASIC_GROUP, parts[1])
            return cls(NodeKind.BASIC_ITEM, path)
        if head == "eligibility" and len(parts) in (2, 3) and all(p.isdigit() for p in parts[1:]):
            if len(parts) == 2:
                return cls(NodeKind.LEVEL_ELIGIBILITY, rank=int(parts[1]))
            return cls(NodeKind.ELIGIBILITY, parts[2], rank=int(parts[1]))
        if head == "assessment" and len(parts) >= 2 and parts[1]:
            return cls(NodeKind.ASSESSMENT, "/".join(parts[1:]))
        if len(parts) < 2 or not head or head in ("trade", "basic") or parts[1] not in _RANKS:
            raise ValueError(f"unknown model path {path!r}")
        trade = None if head == "common" else head
        rank = int(parts[1])
        if len(parts) == 2:
            return cls(NodeKind.TRADE_LEVEL, trade=trade, rank=rank)
        if parts[2] == "weight" and len(parts) == 5 and parts[3] in _EXAMS and parts[4]:
            return cls(NodeKind.WEIGHT, parts[4], trade, rank, parts[3])
        if len(parts) == 3 and parts[2]:
            kind = next((k for k in _TABLE_NODES if k.value == parts[2][0]), None)
            code = parts[2][1:]
            depth = {NodeKind.FUNCTION: 1, NodeKind.WORK_CONTENT: 2}.get(kind, 3)  # type: ignore[arg-type]
            if kind is not None and _DOTTED.match(code) and code.count(".") + 1 == depth:
                return cls(kind, code, trade, rank)
        raise ValueError(f"unknown model path {path!r}")


@dataclass
class Finding:
    """One defect of the draft, attached to the node it affects."""

    kind: FindingKind
    message: str
    line: int
    target: NodeRef


@dataclass
class Requirement:
    kind: str  # "skill" | "knowledge"
    code: str  # normalized, e.g. "1.2.3"
    text: str
    line: int
    printed_code: str | None = None
    lines: list[int] = field(default_factory=list)  # every source line holding its text


@dataclass
class WorkContent:
    code: str  # normalized, e.g. "1.2"
    name: str
    line: int
    printed_code: str | None = None
    skills: list[Requirement] = field(default_factory=list)
    knowledge: list[Requirement] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class Function:
    code: str  # normalized, e.g. "1"
    name: str
    line: int
    printed_code: str | None = None
    contents: list[WorkContent] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class Weight:
    """One cell of a weight table; ``percent`` is None where the table prints "—"."""

    exam: str  # "theory" | "skill"
    row: str  # row label as printed (function name, 职业道德, 基础知识)
    category: str  # "ethics" | "base-knowledge" | "function"
    percent: int | None
    line: int
    function_code: str | None = None  # set when the row matches a function of the level
    row_key: str = ""  # "ethics", "base-knowledge", "function-2", or "row-5" (5th row, no function)


@dataclass
class TradeLevel:
    """One trade at one rank; ``trade`` is None for the common level of the occupation."""

    trade: str | None  # trade slug
    rank: int  # 5 = 五级/初级工 … 1 = 一级/高级技师
    heading: str
    line: int
    functions: list[Function] = field(default_factory=list)
    weights: list[Weight] = field(default_factory=list)


@dataclass
class Trade:
    slug: str
    name: str  # 碳排放核算员
    name_en: str
    ranks: list[int]
    section: str  # "3.3"
    line: int


@dataclass
class Level:
    rank: int
    name: str  # 三级/高级工
    name_en: str


@dataclass
class TextItem:
    """A numbered or listed sentence of the profile or basic requirements."""

    key: str  # stable local key, e.g. "conduct/3"
    text: str
    line: int
    code: str | None = None


@dataclass
class BasicGroup:
    """A group of basic requirements (2.1.1 职业道德基本知识, 2.2.1 碳排放职业基础知识 …)."""

    code: str  # "2.2.1"
    name: str
    category: str  # "ethics" | "base-knowledge"
    line: int
    items: list[TextItem] = field(default_factory=list)


@dataclass
class EligibilityRoute:
    rank: int
    number: int  # (1), (2) …; 1 where the level has a single unnumbered condition
    text: str
    line: int
    # filled by loaders.eligibility: the route as alternatives, each an AND of conditions
    alternatives: list[ConditionSet] = field(default_factory=list)


@dataclass
class Profile:
    """§1 职业概况 of a standard."""

    name: str
    code: str
    definition: str
    green: bool
    levels: list[Level]
    trades: list[Trade]
    environment: str
    ability_traits: str
    education: str
    training_hours: dict[int, int]  # rank -> standard hours
    training_hours_text: str
    eligibility: list[EligibilityRoute]
    footnotes: list[TextItem]
    assessment: list[TextItem]  # methods, pass mark, ratios, durations, venues (keys say which)
    pass_mark: int
    lines: dict[str, int] = field(default_factory=dict)  # field name -> source line
    name_en: str = ""  # from the standard's names file
    # filled by loaders.eligibility and loaders.assessment (§1.8, §1.9 and footnotes 2, 3)
    education_levels: list[EducationLevel] = field(default_factory=list)
    related_occupations: list[RelatedOccupation] = field(default_factory=list)
    related_majors: list[RelatedMajor] = field(default_factory=list)
    trainings: list[FormalTraining] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)


@dataclass
class Preface:
    """The 说明 of a published edition: what it rests on, who drafted, reviewed, approved it."""

    paragraphs: list[TextItem] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)  # titles of the documents it is based on
    drafting_organisations: list[str] = field(default_factory=list)
    drafters: list[str] = field(default_factory=list)
    reviewing_organisations: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)
    approved_by: list[str] = field(default_factory=list)  # ministries
    issued_by: list[str] = field(default_factory=list)  # as printed on the cover


@dataclass
class Standard:
    """A whole standard as parsed; the single input of the RDF step."""

    title: str
    status: str  # 征求意见稿, 2021年版
    source_name: str
    source_sha256: str
    profile: Profile
    basic_groups: list[BasicGroup]
    trade_levels: list[TradeLevel]
    findings: list[Finding]
    unassigned: list[tuple[int, str, str]]  # (line, text, reason) of lines in no node
    line_owner: dict[int, list[str]]  # line -> model paths of the nodes holding its text
    preamble: list[TextItem] = field(default_factory=list)  # §3's covers-lower-level sentence
    edition: int | None = None  # 2021 for （2021年版）
    preface: Preface = field(default_factory=Preface)
    source_kind: str = "text"  # "text" | "pdf"
    pages: dict[int, int] = field(default_factory=dict)  # line → page (PDF sources)
    source_text: list[str] = field(default_factory=list)  # the reader's lines (PDF sources)


# ---------------------------------------------------------------- eligibility, training, assessment
# (§1.8 training hours, §1.9 assessment rules and §1.9.1 eligibility as data)


@dataclass
class ConditionSet:
    """One alternative of an eligibility route: conditions that must all hold together.

    A numbered route of §1.9.1 often joins several alternatives with 或; each becomes one
    ConditionSet (disjunctive normal form), so that "is this person eligible" is a check of
    each field in turn.  ``None``/``False`` means the route says nothing about that field.
    Scopes are "this" (本职业 / 本专业) or "this-or-related" (本…或相关…).
    """

    number: int  # 1, 2 … within its route, in the order of the text
    line: int  # source line where this alternative's own wording starts
    credential_rank: int | None = None  # 职业资格证书（技能等级证书） of this rank (or higher)
    preparatory_technician: bool = False  # 预备技师证书 instead of a skill-level certificate
    credential_scope: str | None = None
    min_years: str | None = None  # decimal as written ("5"), years of work at least
    years_after_credential: bool = False  # 取得…证书后，累计…: counted from the certificate
    work_scope: str | None = None
    training_rank: int | None = None  # 经本职业X级技能正规培训…并取得结业证书
    education: str | None = None  # slug of an EducationLevel
    or_higher_education: bool = False  # …及以上
    major_scope: str | None = None  # 本专业或相关专业; None = any major
    final_year_students: bool = False  # 含尚未取得毕业证书的在校应届毕业生
    programme_target_rank: int | None = None  # 经评估论证、以X技能为培养目标的…
    apprenticeship: bool = False  # 学徒期满
    apprenticeship_scope: str | None = None
    label: str = ""  # what the set requires, in Chinese and in English (for people)
    label_en: str = ""


@dataclass
class EducationLevel:
    """A kind of school or degree whose graduation certificate a route names (大学本科 …)."""

    slug: str  # "bachelor"
    name: str  # 大学本科
    name_en: str
    below: str | None = None  # slug of the level directly below it in the same ladder
    line: int | None = None  # first mention in §1.9.1, if any


@dataclass
class RelatedOccupation:
    """One occupation of footnote 2 (相关职业是指…)."""

    position: int
    name: str
    line: int


@dataclass
class RelatedMajor:
    """One category of majors of footnote 3 for one kind of school (对于技工院校是指：能源类…)."""

    school: str  # 技工院校 as printed
    school_en: str  # technical schools and colleges
    school_key: str  # slug of the footnote sub-item: technical-school, university …
    position: int  # within its school's list
    name: str  # 能源类
    line: int
    education: list[str] = field(default_factory=list)  # EducationLevel slugs it applies to


@dataclass
class FormalTraining:
    """The formal training for one level (本职业X技能正规培训) and its hours from §1.8."""

    rank: int
    hours: int | None
    line: int  # where §1.8 first states the level's hours
    text: str  # the §1.8 sentence


@dataclass
class Assessment:
    """One kind of assessment (theory, skill, review) at one level, with its rules (§1.9.2–5)."""

    exam: str  # "theory" | "skill" | "review"
    rank: int
    line: int  # where the level's duration is stated (else the methods sentence)
    method: str | None = None  # 笔试、机考等方式
    min_minutes: int | None = None
    pass_mark: int | None = None
    max_score: int | None = None  # 100 for 百分制
    ratio: str | None = None  # invigilators : candidates as printed, "1:15"
    candidates_per_invigilator: int | None = None
    min_invigilators: int | None = None  # per examination room
    min_reviewers: int | None = None
    assessor_ratio: str | None = None  # assessors : candidates as printed, "1:3"
    candidates_per_assessor: int | None = None
    min_assessors: int | None = None
    odd_assessors: bool = False
    odd_reviewers: bool = False
    venue: str | None = None
    equipment: str | None = None
    provisions: list[str] = field(default_factory=list)  # keys of the provisions it comes from


# ---------------------------------------------------------------- keys shared by every stage


def normalize_text(text: str) -> str:
    """Wording used to decide that two statements are the same (competencies, weight rows)."""
    return "".join(text.split()).rstrip("。；;")


def weight_row_key(weight: Weight) -> str:
    """Local key of a weight row: its IRI, its finding targets and provenance paths all use it.

    ASCII-only keys keep the IRIs safe as URLs and file names on the static site; a row
    matching no function is keyed by a hash of its normalized wording.

    >>> weight_row_key(Weight("theory", "职业道德", "ethics", 5, 10))
    'ethics'
    >>> weight_row_key(Weight("theory", "碳排放核算", "function", 30, 12, function_code="2"))
    'function-2'
    """
    if weight.category in ("ethics", "base-knowledge"):
        return weight.category
    if weight.function_code is not None:
        return f"function-{weight.function_code}"
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", weight.row.lower()).strip("-")
    if ascii_slug and weight.row.isascii():
        return f"row-{ascii_slug}"
    digest = hashlib.sha1(normalize_text(weight.row).encode()).hexdigest()[:8]
    return f"row-{digest}"
