"""Coverage of a target trade-level by a curriculum: counts, exam-weighted shares, gaps, hours.

Definitions (the README's "Curriculum mapping" section says the same in prose):

* A requirement is *covered* when a course teaches it, directly or through the competency
  it expresses (a competency stands for every requirement worded the same way).
* *Own* requirements are the target's table; *inherited* ones come from the lower levels
  it covers (sg:coversLowerLevel), each weighed with its own level's weight table.
* Weighted coverage of a level = Σ over its functions of weight × covered share, with the
  theory-exam weight for knowledge requirements and the skill-exam weight for skills,
  reported in exam percentage points against the most the functions can give (the theory
  table's 职业道德 and 基础知识 rows belong to no function, so the theory maximum is below 100).
* An uncovered requirement costs ``weight ÷ (requirements of its kind in its function)``
  points of its level's weighted coverage: gaps are listed level by level (the target's
  own first, then the levels it inherits, highest first) and within a level costliest
  first, then by function weight and table order.
* Hours: a level's training hours (sg:trainingHours) are split over its weight-table rows
  in proportion to theory + skill percent; a course's hours are spread evenly over the
  target's requirements it teaches, plus one share per row mapped outside the target.
* Hours check: the curriculum's planned hours (every course) against the target's standard
  training hours; a ratio above :data:`HOURS_RATIO` or below its inverse is flagged (the
  standard's hours are a reference minimum, so a large excess is flagged as well as a
  shortfall: either the program is not aimed at this level or the sheet is wrong).
Fractions keep every number exact, so tests can compare with hand arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .index import FunctionInfo, RequirementInfo, StandardIndex, TradeLevelInfo
from .model import Curriculum

__all__ = ["HOURS_RATIO", "Coverage", "FunctionRow", "HoursCheck", "RequirementRow",
           "ScopeTotals", "compute_coverage"]

HOURS_RATIO = 2  # planned ÷ standard hours beyond which (either way) the report flags it


@dataclass
class RequirementRow:
    info: RequirementInfo
    ref: str  # 碳排放核算员/4/S2.1.1
    level: TradeLevelInfo
    function: FunctionInfo
    scope: str  # "own" | "inherited"
    weight: int  # its function's weight in its exam (theory for K, skill for S); 0 if none
    points: Fraction  # what covering it adds to its level's weighted coverage
    courses: dict[str, str | None] = field(default_factory=dict)  # course id → treatment

    @property
    def covered(self) -> bool:
        return bool(self.courses)

    def sort_key(self) -> tuple:
        """Gap order: own level first, then lower levels; costliest first; table order."""
        return (self.level.rank, self.level.iri, -self.points, -self.weight,
                self.function.position, self.info.work_content_position,
                0 if self.info.kind == "skill" else 1, self.info.position)  # fmt: skip


@dataclass
class FunctionRow:
    level: TradeLevelInfo
    function: FunctionInfo
    scope: str
    skills: int = 0
    skills_covered: int = 0
    knowledge: int = 0
    knowledge_covered: int = 0
    planned_hours: Fraction = Fraction(0)
    suggested_hours: Fraction | None = None

    @property
    def theory_weight(self) -> int:
        return self.function.theory_weight or 0

    @property
    def skill_weight(self) -> int:
        return self.function.skill_weight or 0

    @property
    def requirements(self) -> int:
        return self.skills + self.knowledge

    @property
    def covered(self) -> int:
        return self.skills_covered + self.knowledge_covered

    @property
    def theory_points(self) -> Fraction:
        return _share(self.knowledge_covered, self.knowledge) * self.theory_weight

    @property
    def skill_points(self) -> Fraction:
        return _share(self.skills_covered, self.skills) * self.skill_weight


@dataclass
class ScopeTotals:
    """Counts and weighted coverage of one scope (own, inherited) or one level."""

    requirements: int = 0
    covered: int = 0
    skills: int = 0
    skills_covered: int = 0
    knowledge: int = 0
    knowledge_covered: int = 0
    theory_points: Fraction = Fraction(0)
    theory_max: int = 0
    skill_points: Fraction = Fraction(0)
    skill_max: int = 0

    def add(self, row: FunctionRow) -> None:
        self.requirements += row.requirements
        self.covered += row.covered
        self.skills += row.skills
        self.skills_covered += row.skills_covered
        self.knowledge += row.knowledge
        self.knowledge_covered += row.knowledge_covered
        self.theory_points += row.theory_points
        self.skill_points += row.skill_points
        self.theory_max += row.theory_weight if row.knowledge else 0
        self.skill_max += row.skill_weight if row.skills else 0

    @property
    def percent(self) -> Fraction:
        return _share(self.covered, self.requirements) * 100

    @property
    def theory_percent(self) -> Fraction:
        return _share(self.theory_points, self.theory_max) * 100

    @property
    def skill_percent(self) -> Fraction:
        return _share(self.skill_points, self.skill_max) * 100

    @property
    def weighted_percent(self) -> Fraction:
        """Both exams together: points earned over points attainable."""
        points = self.theory_points + self.skill_points
        return _share(points, self.theory_max + self.skill_max) * 100


@dataclass
class CourseRow:
    course_id: str
    title: str
    hours: Fraction
    mapped_rows: int
    covers: dict[str, int] = field(default_factory=dict)  # function IRI → requirements covered
    outside_rows: int = 0  # rows naming nothing the target requires


@dataclass(frozen=True)
class HoursCheck:
    """Planned hours of the whole curriculum against the target's standard training hours."""

    planned: Fraction
    standard: int | None  # None: the standard gives no training hours for the level

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.planned, self.standard) if self.standard else None

    @property
    def flagged(self) -> bool:
        r = self.ratio
        return r is not None and (r > HOURS_RATIO or r < Fraction(1, HOURS_RATIO))

    def message(self, label: str) -> str:
        """One sentence with both figures (and the flag, when raised)."""
        planned = _hours_text(self.planned)
        if self.standard is None:
            return f"Planned hours: {planned} (the standard gives no training hours for {label})."
        text = (f"Planned hours: {planned}; standard training hours of {label}: "
                f"{self.standard}")  # fmt: skip
        if not self.flagged:
            return text + "."
        assert self.ratio is not None
        way = "more" if self.ratio > 1 else "fewer"
        return (f"{text}. FLAG: the plan has {_hours_text(self.ratio)}× the standard's hours "
                f"(far {way} than the level calls for; beyond {HOURS_RATIO}× either way): check "
                "the target level and the hours column.")  # fmt: skip


def _hours_text(value: Fraction) -> str:
    """24 → '24', 53/10 → '5.3' (one decimal, half up)."""
    tenths = (value * 20 + 1) // 2
    return f"{tenths // 10}" + (f".{tenths % 10}" if tenths % 10 else "")


@dataclass
class Coverage:
    curriculum: Curriculum
    target: TradeLevelInfo
    levels: list[TradeLevelInfo]  # target first, then the covered levels, highest first
    requirements: list[RequirementRow]  # table order, own level first
    functions: list[FunctionRow]
    own: ScopeTotals
    inherited: ScopeTotals
    by_level: dict[str, ScopeTotals]
    courses: list[CourseRow]
    basic_suggested_hours: dict[str, Fraction | None]  # level IRI → 职业道德+基础知识 share
    outside_hours: Fraction = Fraction(0)  # course hours spread onto rows outside the target
    unmapped_hours: Fraction = Fraction(0)  # hours of courses with no mapping at all

    @property
    def gaps(self) -> list[RequirementRow]:
        return sorted((r for r in self.requirements if not r.covered), key=RequirementRow.sort_key)

    @property
    def multi_taught(self) -> list[RequirementRow]:
        return [r for r in self.requirements if len(r.courses) > 1]

    @property
    def planned_hours(self) -> Fraction:
        return sum((c.hours for c in self.courses), Fraction(0))

    @property
    def hours_check(self) -> HoursCheck:
        return HoursCheck(self.planned_hours, self.target.training_hours)


def _share(part: int | Fraction, whole: int) -> Fraction:
    return Fraction(part) / whole if whole else Fraction(0)


def compute_coverage(cur: Curriculum, index: StandardIndex, target: str) -> Coverage:
    """Coverage of the trade-level ``target`` (IRI) by ``cur``; exact, in Fractions.

    tests/test_curriculum.py checks a small curriculum against arithmetic done by hand.
    """
    tl = index.trade_levels[target]
    levels = [tl, *sorted((index.trade_levels[c] for c in tl.covers), key=lambda t: t.rank)]
    reqs: dict[str, RequirementRow] = {}
    fn_rows: dict[str, FunctionRow] = {}
    for level in levels:
        scope = "own" if level is tl else "inherited"
        for f_iri in level.functions:
            fn = index.functions[f_iri]
            row = fn_rows[f_iri] = FunctionRow(level, fn, scope)
            infos = [index.requirements[r] for r in fn.requirements]
            n_kind = {k: sum(1 for i in infos if i.kind == k) for k in ("skill", "knowledge")}
            for info in infos:
                weight = (fn.skill_weight if info.kind == "skill" else fn.theory_weight) or 0
                reqs[info.iri] = RequirementRow(
                    info, index.ref(info.iri), level, fn, scope, weight,
                    Fraction(weight, n_kind[info.kind]),
                )  # fmt: skip
                if info.kind == "skill":
                    row.skills += 1
                else:
                    row.knowledge += 1
    courses: list[CourseRow] = []
    outside = unmapped = Fraction(0)
    for course in cur.courses:
        crow = CourseRow(course.course_id, course.title, Fraction(course.hours),
                         len(course.mappings))  # fmt: skip
        taught: list[str] = []
        for m in course.mappings:
            inside = [r for r in m.requirements if r in reqs]
            if not inside:
                crow.outside_rows += 1
            for r in inside:
                reqs[r].courses.setdefault(course.course_id, m.treatment)
                if r not in taught:
                    taught.append(r)
        for r in taught:
            f = reqs[r].function.iri
            crow.covers[f] = crow.covers.get(f, 0) + 1
        units = len(taught) + crow.outside_rows
        if units == 0:
            unmapped += crow.hours
        else:
            for r in taught:
                fn_rows[reqs[r].function.iri].planned_hours += crow.hours / units
            outside += crow.hours * crow.outside_rows / units
        courses.append(crow)
    for row in fn_rows.values():
        row.skills_covered = sum(
            1 for r in row.function.requirements if reqs[r].covered and reqs[r].info.kind == "skill"
        )
        row.knowledge_covered = sum(
            1 for r in row.function.requirements
            if reqs[r].covered and reqs[r].info.kind == "knowledge"
        )  # fmt: skip
        h, total = row.level.training_hours, row.level.weight_total
        if h is not None and total:
            row.suggested_hours = Fraction(h * (row.theory_weight + row.skill_weight), total)
    own, inherited = ScopeTotals(), ScopeTotals()
    by_level = {level.iri: ScopeTotals() for level in levels}
    for row in fn_rows.values():
        (own if row.scope == "own" else inherited).add(row)
        by_level[row.level.iri].add(row)
    basic = {
        level.iri: (Fraction(level.training_hours * level.basic_theory_weight, level.weight_total)
                    if level.training_hours is not None and level.weight_total else None)
        for level in levels
    }  # fmt: skip
    return Coverage(cur, tl, levels, list(reqs.values()), list(fn_rows.values()), own, inherited,
                    by_level, courses, basic, outside, unmapped)  # fmt: skip
