"""§1.8 training hours and §1.9.2–§1.9.5 assessment rules as data.

The profile parser keeps these provisions as sentences (``assessment/methods``,
``…/pass-mark``, ``…/invigilators``, ``…/durations``, ``…/venues``).  Here each is read
clause by clause (clauses end at ；or 。) into one :class:`~skillgraph.model.Assessment`
per kind of assessment and level, so that "how long is the 二级 skill exam" is a lookup:

* methods: ``评价分为A、B以及C`` names the kinds; a clause ``A以…等方式…`` gives A's
  method; ``C主要针对技师和高级技师`` limits C to those levels (the others apply to all);
* pass mark: ``A、B和C均实行百分制，成绩皆达 60分（含）以上者为合格``;
* invigilators: ``A中的监考人员与考生配比不低于 1:15，且每个考场不少于 2名监考人员`` and
  ``C委员为 3人（含）以上单数``;
* durations: ``A时间不少于 90 分钟`` or, per level, ``B时间：L1、L2分别不少于 60分钟，…``;
* venues: ``A、B在…进行，其中B应具有…`` and ``C在…进行``.

The kinds are named by the template's three terms (:data:`EXAMS`); a clause about
anything else, or one the patterns do not read, is a :class:`SourceFormatError` naming
its line.  Training: one :class:`~skillgraph.model.FormalTraining` per level with the
hours §1.8 gives it (already read by the profile parser) and the line of its first mention.
"""

from __future__ import annotations

import dataclasses
import re

from skillgraph.model import Assessment, FormalTraining, Profile, TextItem

from .eligibility import LocatedText, level_ranks, located
from .errors import SourceFormatError

__all__ = ["EXAMS", "read_assessment"]

# The template's names of the three kinds of assessment → keys (sg:TheoryExam, sg:SkillExam,
# sg:ComprehensiveReview).
EXAMS = {"理论知识考试": "theory", "技能考核": "skill", "综合评审": "review"}
_EXAM = "|".join(sorted(EXAMS, key=len, reverse=True))
_LIST = re.compile(r"、|以及|和|及")
_KINDS = re.compile(r"(?:评价|鉴定)?分为(?P<list>[^。]+)")
_METHOD = re.compile(r"(?:以|采取|采用)(?P<method>[^，；。]+?等方式)")
_COLON = r"[:：∶]"  # ASCII, full-width, or U+2236 RATIO as some editions print it
_FOR_LEVELS = re.compile(r"主要针对(?P<levels>[^，；。]+)")
_PASS = re.compile(
    r"(?P<list>[^。；]+?)均实行(?P<scale>百分制)?[，,]\s*成绩皆达\s*(?P<mark>\d+)\s*分\s*"
    r"[（(]含[）)]\s*以上者?为合格"
)
_RATIO = re.compile(
    rf"(?P<exam>{_EXAM})中的监考人员与考生配比不低于\s*(?P<a>\d+)\s*{_COLON}\s*(?P<b>\d+)"
    r"[，,]\s*且每个考场不少于\s*(?P<n>\d+)\s*名监考人员"
)
_ASSESSORS = re.compile(
    rf"(?P<exam>{_EXAM})中的考评人员与考生配比(?:不低于)?\s*(?P<a>\d+)\s*{_COLON}\s*(?P<b>\d+)"
    r"[，,]\s*且考评人员为\s*(?P<n>\d+)\s*人\s*(?:[（(]含[）)])?\s*以上(?P<odd>单数)?"
)
_PANEL = re.compile(
    rf"(?P<exam>{_EXAM})委员为\s*(?P<n>\d+)\s*人\s*[（(]含[）)]\s*以上(?P<odd>单数)?"
)
_DURATION = re.compile(rf"(?P<exam>{_EXAM})时间(?P<rest>.+)")
_MINUTES = re.compile(r"(?:分别)?不少于\s*(?P<min>\d+)\s*(?:分钟|min)$")
_VENUE = re.compile(
    rf"(?P<list>(?:{_EXAM})(?:、(?:{_EXAM}))*)在(?P<venue>.+?)进行"
    rf"(?:[，,]\s*其中(?P<exam>{_EXAM})应具有(?P<equipment>.+))?"
)


def _clauses(text: str, sep: str = "；。") -> list[tuple[int, str]]:
    """(offset, clause) of a sentence split at the given punctuation, blanks dropped."""
    out = []
    for m in re.finditer(rf"[^{sep}]+", text):
        if m[0].strip():
            out.append((m.start() + len(m[0]) - len(m[0].lstrip()), m[0].strip()))
    return out


def _names(text: str) -> list[str]:
    return [n.strip() for n in _LIST.split(text) if n.strip()]


class _Reader:
    def __init__(
        self, profile: Profile, lines: list[str], owner: dict[int, str], source: str
    ) -> None:
        self.profile, self.lines, self.owner, self.source = profile, lines, owner, source
        self.ranks = level_ranks(profile)
        self.all_ranks = sorted((lv.rank for lv in profile.levels), reverse=True)

    def where(self, item: TextItem) -> LocatedText:
        found = located(item.key, self.lines, self.owner)
        if not found.text or item.text not in found.text:
            return LocatedText(item.text, ((0, item.line),))
        base = found.text.index(item.text)
        return LocatedText(item.text, tuple((s - base, n) for s, n in found.starts))

    def fail(self, where: LocatedText, offset: int, problem: str) -> SourceFormatError:
        return SourceFormatError(self.source, where.line_at(offset), problem)

    def exam(self, name: str, where: LocatedText, offset: int) -> str:
        if name not in EXAMS:
            raise self.fail(where, offset, f"unknown kind of assessment {name!r}")
        return EXAMS[name]

    def rank(self, name: str, where: LocatedText, offset: int) -> int:
        if name not in self.ranks:
            raise self.fail(where, offset, f"unknown level {name!r}")
        return self.ranks[name]

    def read(self) -> list[Assessment]:
        items = {item.key.removeprefix("assessment/"): item for item in self.profile.assessment}
        if "methods" not in items:
            raise SourceFormatError(self.source, self.profile.lines.get("assessment", 1),
                                    "no 评价分为… sentence in 1.9.2")  # fmt: skip
        table = self.methods(items["methods"])
        readers = {"pass-mark": self.pass_mark, "invigilators": self.invigilators,
                   "durations": self.durations, "venues": self.venues}  # fmt: skip
        for key, item in items.items():
            base = key.split("/")[0]
            if base in readers:
                readers[base](item, table, key)
        return [a for exam in EXAMS.values() for a in table.get(exam, {}).values()]

    def methods(self, item: TextItem) -> dict[str, dict[int, Assessment]]:
        where = self.where(item)
        table: dict[str, dict[int, Assessment]] = {}
        clauses = _clauses(item.text)
        kinds = _KINDS.match(clauses[0][1]) if clauses else None
        if not kinds:
            raise self.fail(where, 0, f"1.9.2 does not start with 评价分为…: {item.text!r}")
        for name in _names(kinds["list"]):
            exam = self.exam(name, where, clauses[0][0])
            table[exam] = {
                rank: Assessment(exam, rank, item.line, provisions=["methods"])
                for rank in self.all_ranks
            }
        for offset, clause in clauses[1:]:
            head = re.match(_EXAM, clause)
            if not head:
                raise self.fail(where, offset, f"clause about no kind of assessment: {clause!r}")
            exam = self.exam(head[0], where, offset)
            if exam not in table:
                raise self.fail(where, offset, f"{head[0]} is not among the kinds 评价分为…")
            method = _METHOD.search(clause)
            for a in table[exam].values():
                a.line = where.line_at(offset)
                a.method = method["method"] if method else None
            limit = _FOR_LEVELS.search(clause)
            if limit:
                keep = {self.rank(n, where, offset) for n in _names(limit["levels"])}
                table[exam] = {r: a for r, a in table[exam].items() if r in keep}
        return table

    def targets(
        self, table: dict[str, dict[int, Assessment]], exam: str, where: LocatedText, at: int
    ) -> list[Assessment]:
        if exam not in table:
            raise self.fail(where, at, f"rule for {exam}, which 评价分为… does not name")
        return list(table[exam].values())

    def pass_mark(self, item: TextItem, table: dict[str, dict[int, Assessment]], key: str) -> None:
        where = self.where(item)
        m = _PASS.search(item.text)
        if not m:
            raise self.fail(where, 0, f"cannot read the pass mark in {item.text!r}")
        for name in _names(m["list"]):
            for a in self.targets(table, self.exam(name, where, 0), where, 0):
                a.pass_mark = int(m["mark"])
                a.max_score = 100 if m["scale"] else None
                a.provisions.append(key)

    def invigilators(
        self, item: TextItem, table: dict[str, dict[int, Assessment]], key: str
    ) -> None:
        where = self.where(item)
        for offset, clause in _clauses(item.text):
            ratio, panel = _RATIO.fullmatch(clause), _PANEL.fullmatch(clause)
            assessors = _ASSESSORS.fullmatch(clause)
            if assessors:
                if assessors["a"] != "1":
                    raise self.fail(
                        where, offset, f"ratio {assessors['a']}:{assessors['b']} is not 1:n"
                    )
                for a in self.targets(table, EXAMS[assessors["exam"]], where, offset):
                    a.assessor_ratio = f"{assessors['a']}:{assessors['b']}"
                    a.candidates_per_assessor = int(assessors["b"])
                    a.min_assessors = int(assessors["n"])
                    a.odd_assessors = bool(assessors["odd"])
                    a.provisions.append(key)
            elif ratio:
                if ratio["a"] != "1":
                    raise self.fail(where, offset, f"ratio {ratio['a']}:{ratio['b']} is not 1:n")
                for a in self.targets(table, EXAMS[ratio["exam"]], where, offset):
                    a.ratio = f"{ratio['a']}:{ratio['b']}"
                    a.candidates_per_invigilator = int(ratio["b"])
                    a.min_invigilators = int(ratio["n"])
                    a.provisions.append(key)
            elif panel:
                for a in self.targets(table, EXAMS[panel["exam"]], where, offset):
                    a.min_reviewers = int(panel["n"])
                    a.odd_reviewers = bool(panel["odd"])
                    a.provisions.append(key)
            else:
                raise self.fail(where, offset, f"cannot read the ratio clause {clause!r}")

    def durations(self, item: TextItem, table: dict[str, dict[int, Assessment]], key: str) -> None:
        where = self.where(item)
        for offset, clause in _exam_clauses(item.text):
            m = _DURATION.fullmatch(clause)
            if not m:
                raise self.fail(where, offset, f"cannot read the duration clause {clause!r}")
            targets = {a.rank: a for a in self.targets(table, EXAMS[m["exam"]], where, offset)}
            rest, at = m["rest"], offset + m.start("rest")
            if rest.startswith(("：", ":")):
                groups = _clauses(rest[1:], "，,")
                at += 1
            else:
                groups = [(0, rest)]
            for g_at, group in groups:
                minutes = _MINUTES.search(group)
                if not minutes:
                    raise self.fail(where, at + g_at, f"no …不少于N分钟 in {group!r}")
                names = _names(group[: minutes.start()]) or None
                ranks = [self.rank(n, where, at + g_at) for n in names] if names else list(targets)
                for rank in ranks:
                    if rank not in targets:
                        raise self.fail(where, at + g_at, f"{m['exam']} has no level {rank}")
                    targets[rank].min_minutes = int(minutes["min"])
                    targets[rank].line = where.line_at(at + g_at)
                    targets[rank].provisions.append(key)

    def venues(self, item: TextItem, table: dict[str, dict[int, Assessment]], key: str) -> None:
        where = self.where(item)
        for offset, clause in _exam_clauses(item.text, _NEXT_VENUE):
            m = _VENUE.fullmatch(clause)
            if not m:
                raise self.fail(where, offset, f"cannot read the venue clause {clause!r}")
            for name in _names(m["list"]):
                for a in self.targets(table, EXAMS[name], where, offset):
                    a.venue = m["venue"]
                    a.provisions.append(key)
            if m["exam"]:
                for a in self.targets(table, EXAMS[m["exam"]], where, offset):
                    a.equipment = m["equipment"]


_NEXT_EXAM = re.compile(rf"[，,](?=(?:{_EXAM})时间)")
_NEXT_VENUE = re.compile(rf"[，,](?=(?:{_EXAM})(?:、(?:{_EXAM}))*在)")


def _exam_clauses(text: str, split: re.Pattern[str] = _NEXT_EXAM) -> list[tuple[int, str]]:
    """Clauses, also split at a comma that starts another kind's rule (…，技能考核时间…)."""
    out: list[tuple[int, str]] = []
    for offset, clause in _clauses(text):
        at = 0
        for m in split.finditer(clause):
            out.append((offset + at, clause[at : m.start()]))
            at = m.end()
        out.append((offset + at, clause[at:]))
    return out


def _trainings(profile: Profile, lines: list[str], owner: dict[int, str]) -> list[FormalTraining]:
    """One formal training per level, with the §1.8 hours and the line of its first mention."""
    where = located("profile/training-hours", lines, owner)
    text = profile.training_hours_text
    base = where.text.find(text) if text else -1
    out = []
    for level in sorted(profile.levels, key=lambda lv: -lv.rank):
        at = text.find(level.name) if text else -1
        line = profile.lines.get("training_hours", 1)
        if at >= 0 and base >= 0:
            line = where.line_at(base + at)
        out.append(FormalTraining(level.rank, profile.training_hours.get(level.rank), line, text))
    return out


def read_assessment(
    profile: Profile, lines: list[str], owner: dict[int, str], *, source: str
) -> Profile:
    """The profile with its formal trainings (§1.8) and structured assessments (§1.9.2–5).

    ``lines`` is the whole file, ``owner`` the line → item-key map of the profile parser.
    Raises :class:`SourceFormatError` (file and line) for a clause the rules cannot read.

    >>> from importlib.resources import files
    >>> from skillgraph.loaders.profile import parse_profile
    >>> name = "4-09-07-04_carbon-emission-manager_draft.txt"
    >>> text = (files("skillgraph.standards") / name).read_text(encoding="utf-8").split("\\n")
    >>> profile, _g, _f, owner = parse_profile(text, source=name)
    >>> done = read_assessment(profile, text, owner, source=name)
    >>> [(a.exam, a.rank, a.min_minutes) for a in done.assessments if a.rank == 2]
    [('theory', 2, 90), ('skill', 2, 90), ('review', 2, 30)]
    """
    assessments = _Reader(profile, lines, owner, source).read() if profile.assessment else []
    return dataclasses.replace(
        profile, assessments=assessments, trainings=_trainings(profile, lines, owner)
    )
