"""The parsed model: what the loaders read out of a standard, before any RDF.

Every item keeps the source line it came from, so the RDF, the findings and the
provenance check can all point back into the text.  Codes come in two forms: the
normalized ``code`` (fits its place in the table) and ``printed_code`` (as printed,
kept only where it differs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class FindingKind(str, Enum):
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


@dataclass
class Finding:
    """One defect of the draft, attached to the node it affects (by its model path)."""

    kind: FindingKind
    message: str
    line: int
    target: str  # model path of the affected node, e.g. "accounting/3/S1.2.1" or "profile/hours"


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


@dataclass
class Standard:
    """A whole standard as parsed; the single input of the RDF step."""

    title: str
    status: str  # 征求意见稿
    source_name: str
    source_sha256: str
    profile: Profile
    basic_groups: list[BasicGroup]
    trade_levels: list[TradeLevel]
    findings: list[Finding]
    unassigned: list[tuple[int, str, str]]  # (line, text, reason) of lines in no node
    line_owner: dict[int, list[str]]  # line -> model paths of the nodes holding its text
    preamble: list[TextItem] = field(default_factory=list)  # §3's covers-lower-level sentence
