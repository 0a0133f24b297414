"""§1.9.1 申报条件 and footnotes 2, 3 as data: each route as alternatives of AND-ed conditions.

The profile parser keeps each numbered route as one sentence.  Here the sentence is read
by rules, so that "may this person apply for 三级" becomes a check of fields instead of
reading Chinese:

1. A route splits into independent alternatives at ``；或`` (each restates its conditions,
   e.g. 四级 (3): a technical-school diploma; or a vocational-school diploma).
2. Each of those splits again at ``，或``.  There the first part's *qualifying* conditions
   (a certificate held, a diploma, an apprenticeship) are shared by every branch, and the
   *accumulating* ones (years of work, formal training) are the branch itself: 三级 (1)
   "取得四级证书后，累计5年，或累计4年，经高级工培训…" is certificate + 5 years, or
   certificate + 4 years + training.  A later branch naming its own qualifying condition
   shares nothing.
3. Each part is read as a sequence of condition phrases (certificate, work, training,
   apprenticeship, education), every one found by a pattern of the template wording; the
   connectives left over (并, 具有, 取得, 的, punctuation) are all that may remain.  Any other
   leftover text is a :class:`SourceFormatError` naming its line: a route the rules cannot
   structure is never guessed at.
4. A diploma of several school kinds (高级技工学校、技师学院) is one alternative per kind.

Footnote 2 (related occupations) and footnote 3 (related majors per kind of school) become
lists with the line of each item.  The school and degree names map onto a small fixed
vocabulary of education levels (:data:`EDUCATION_LEVELS`), the only table here; an
unknown name is an error, not a guess.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from skillgraph.model import (
    ConditionSet,
    EducationLevel,
    EligibilityRoute,
    Level,
    Profile,
    RelatedMajor,
    RelatedOccupation,
)

from .errors import SourceFormatError
from .names import LEVEL_NAMES
from .profile import footnote_references as footnote_refs

__all__ = [
    "EDUCATION_LEVELS",
    "LocatedText",
    "describe",
    "level_ranks",
    "located",
    "parse_route",
    "read_eligibility",
]

# slug, name as printed, English, slug of the level directly below in the same ladder.
# Three ladders: 技工院校 (技工学校 < 高级技工学校 < 技师学院), vocational schools
# (中等 < 高等职业学校) and degrees (大学专科 < 大学本科 < 硕士 < 博士); "及以上" climbs one.
EDUCATION_LEVELS: tuple[tuple[str, str, str, str | None], ...] = (
    ("technical-school", "技工学校", "Technical school", None),
    ("senior-technical-school", "高级技工学校", "Senior technical school", "technical-school"),
    ("technician-college", "技师学院", "Technician college", "senior-technical-school"),
    ("secondary-vocational-school", "中等职业学校", "Secondary vocational school", None),
    ("higher-vocational-school", "高等职业学校", "Higher vocational school",
     "secondary-vocational-school"),
    ("junior-college", "大学专科", "Junior college programme", None),
    ("bachelor", "大学本科", "Bachelor's degree programme", "junior-college"),
    ("master", "硕士研究生", "Master's degree programme", "bachelor"),
    ("doctorate", "博士研究生", "Doctoral degree programme", "master"),
)  # fmt: skip
_EDUCATION_BY_NAME = {name: slug for slug, name, _en, _below in EDUCATION_LEVELS}
_EDUCATION_BY_NAME["大专"] = "junior-college"  # the short name some editions print

# Footnote 3's kinds of school → the education levels whose majors its list applies to.
SCHOOL_KINDS = {
    "技工院校": ("technical-school", "senior-technical-school", "technician-college"),
    "中等职业学校": ("secondary-vocational-school",),
    "高等职业学校": ("higher-vocational-school",),
    "普通高等学校": ("junior-college", "bachelor", "master", "doctorate"),
}
SCHOOL_KINDS_EN = {
    "技工院校": "technical schools and colleges",
    "中等职业学校": "secondary vocational schools",
    "高等职业学校": "higher vocational schools",
    "普通高等学校": "general institutions of higher education",
}

_SCOPES = {"本职业或相关职业": "this-or-related", "本职业": "this",
           "本专业或相关专业": "this-or-related", "本专业": "this"}  # fmt: skip
_OCC_SCOPE = r"(?P<scope>本职业或相关职业|本职业)"
_CREDENTIAL = re.compile(
    r"取得" + _OCC_SCOPE + r"(?:(?P<level>[一二三四五]级/[\u4e00-\u9fff]+?)职业资格证书"
    r"(?:[（(]技能等级证书[）)])?|(?P<prep>预备技师)证书)(?P<after>后)?"
)
_WORK = re.compile(
    r"累计从事" + _OCC_SCOPE + r"工作\s*(?P<years>\d+(?:\.\d+)?)\s*年\s*[（(]含[）)]\s*以上"
)
_TRAINING = re.compile(
    r"经本职业(?P<level>[\u4e00-\u9fff]+?)技能正规培训达规定标准学时数\s*[，,]\s*并取得结业证书"
)
_APPRENTICE = re.compile(_OCC_SCOPE + r"学徒期满")
_SCHOOL = r"[^，；、（）()§\s]*?(?:学校|学院|专科|本科|研究生|大专)(?:及以上)?"
_EDUCATION = re.compile(
    r"(?:经评估论证、以(?P<target>[^，；、§]+?)技能为培养目标的)?"
    rf"(?P<schools>{_SCHOOL}(?:、{_SCHOOL})*)"
    r"(?P<major>本专业或相关专业|本专业)?(?P<kind>毕业证书|毕业生)"
    r"(?P<final>\s*[（(]含尚未取得毕业证书的在校应届毕业生[）)])?"
)
_CONNECTIVES = re.compile(r"并具有|并取得|具有|取得|并|的|[，,、。；;§\s]")
_SCHOOL_PREFIX = re.compile(r"^(?:并具有|并取得|具有|取得|的|并)")
_ALTERNATIVES = re.compile(r"；\s*或")
_BRANCHES = re.compile(r"[，,]\s*或")
_RELATED_OCCUPATIONS = re.compile(r"相关职业是指(?P<body>.+?)[，,]\s*下同。?$", re.S)
# the 2021 wording: 相关职业：A、B、C等职业，下同。 (names end in 人员, 员 or 师)
_RELATED_OCCUPATIONS_LIST = re.compile(r"相关职业[：:](?P<body>.+?)等职业[，,]\s*下同。?$", re.S)
# the 2021 wording of a majors note, for the school its marker follows: 相关专业：A类、B类等专业
_RELATED_MAJORS_LIST = re.compile(r"相关专业[：:](?P<body>.+?)等专业[，,]\s*下同[；;。]?$")
# school names as routes print them → the footnote-3 kind of school they belong to
_ROUTE_SCHOOLS = (
    ("高级技工学校", "技工院校"), ("技工学校", "技工院校"), ("技师学院", "技工院校"),
    ("中等及以上职业学校", "中等职业学校"), ("中等职业学校", "中等职业学校"),
    ("高等职业学校", "高等职业学校"), ("大专", "普通高等学校"), ("大学专科", "普通高等学校"),
    ("大学本科", "普通高等学校"), ("研究生", "普通高等学校"),
)  # fmt: skip
_RELATED_MAJORS = re.compile(
    r"对于(?P<school>.+?)是指[：:](?P<body>.+?)等专业[，,]\s*下同[；;。]?$"
)
_OCCUPATION_GROUPS = re.compile(r"[，,]\s*以及|；")


# ---------------------------------------------------------------- text with its lines


@dataclass(frozen=True)
class LocatedText:
    """A text joined from source lines, able to say which line holds a character.

    The profile parser keeps paragraphs as joined strings; to give every alternative (and
    every list item) its own source line, the lines an item owns are joined again the same
    way (no separator, except a space between two Latin letters or digits).
    """

    text: str
    starts: tuple[tuple[int, int], ...]  # (offset, line) of each joined line

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start <= offset:
                line = number
        return line


def located(key: str, lines: list[str], owner: dict[int, str]) -> LocatedText:
    """The text of the lines the profile parser gave to ``key`` (footnote markers skipped).

    >>> t = located("k", ["甲", "1", "乙 丙", "x"], {1: "k", 2: "k", 3: "k", 4: "other"})
    >>> t.text, t.line_at(0), t.line_at(1)
    ('甲乙 丙', 1, 3)
    """
    text, starts = "", []
    for number in sorted(n for n, k in owner.items() if k == key):
        piece = lines[number - 1].strip()
        if not piece or piece.isdigit():  # a footnote marker inside the sentence
            continue
        if (
            text
            and text[-1].isascii()
            and text[-1].isalnum()
            and piece[0].isascii()
            and (piece[0].isalnum())
        ):
            text += " "
        starts.append((len(text), number))
        text += piece
    return LocatedText(text, tuple(starts))


def level_ranks(profile: Profile) -> dict[str, int]:
    """Every way the text names a level → its rank: 三级/高级工, 三级, 高级工, 高级.

    >>> from skillgraph.model import Level
    >>> p = Profile("n", "c", "", False, [Level(2, "二级/技师", "")], [], "", "", "", {}, "",
    ...             [], [], [], 60)
    >>> sorted(level_ranks(p).items())
    [('二级', 2), ('二级/技师', 2), ('技师', 2)]
    """
    names: dict[str, int] = {}
    for level in profile.levels:
        number, _, short = level.name.partition("/")
        for name in (level.name, number, short, short.removesuffix("工")):
            if name:
                names.setdefault(name, level.rank)
    return names


# ---------------------------------------------------------------- one route


@dataclass
class _Atom:
    kind: str  # credential | work | training | apprenticeship | education
    start: int  # offset in the route text
    data: dict[str, object] = field(default_factory=dict)

    @property
    def qualifying(self) -> bool:
        return self.kind in ("credential", "education", "apprenticeship")


class _RouteReader:
    """Reads one route sentence; ``fail`` raises with the line of an offset."""

    def __init__(
        self,
        route: EligibilityRoute,
        where: LocatedText | None,
        ranks: dict[str, int],
        source: str,
        levels: dict[int, Level],
    ) -> None:
        self.route, self.ranks, self.source, self.levels = route, ranks, source, levels
        self.base = -1 if where is None else where.text.find(route.text.strip())
        self.where = where

    def line(self, offset: int) -> int:
        if self.where is None or self.base < 0:
            return self.route.line
        return self.where.line_at(self.base + offset)

    def fail(self, offset: int, problem: str) -> SourceFormatError:
        return SourceFormatError(
            self.source,
            self.line(offset),
            f"{self.route.rank} 级申报条件（{self.route.number}）: {problem}",
        )

    def rank(self, name: str, offset: int) -> int:
        if name not in self.ranks:
            raise self.fail(offset, f"unknown level {name!r}")
        return self.ranks[name]

    def read(self) -> list[ConditionSet]:
        text = self.route.text.rstrip().rstrip("。.")
        sets: list[tuple[int, list[_Atom]]] = []
        for start, end in _spans(text, _ALTERNATIVES):
            parts = [(s, self.atoms(text[s:e], s)) for s, e in _spans(text[:end], _BRANCHES, start)]
            shared = [a for a in parts[0][1] if a.qualifying]
            own = [a for a in parts[0][1] if not a.qualifying]
            if own or len(parts) == 1:
                sets.append((parts[0][0], shared + own))
            for offset, atoms in parts[1:]:
                if any(a.qualifying for a in atoms):
                    sets.append((offset, atoms))
                elif not atoms:
                    raise self.fail(offset, "nothing after 或")
                else:
                    sets.append((offset, shared + atoms))
        out: list[ConditionSet] = []
        for offset, atoms in sets:
            for expanded in self.expand(offset, atoms):
                zh, en = describe(expanded, self.levels)
                out.append(
                    dataclasses.replace(expanded, number=len(out) + 1, label=zh, label_en=en)
                )
        return out

    def atoms(self, part: str, offset: int) -> list[_Atom]:
        """Condition phrases of one part, in text order; leftover text is an error."""
        found: list[_Atom] = []
        rest = part
        for kind, pattern in (
            ("credential", _CREDENTIAL),
            ("work", _WORK),
            ("training", _TRAINING),
            ("apprenticeship", _APPRENTICE),
            ("education", _EDUCATION),
        ):
            for m in pattern.finditer(rest):
                found.append(_Atom(kind, offset + m.start(), m.groupdict()))
            rest = pattern.sub(lambda m: "§" * len(m[0]), rest)
        leftover = _CONNECTIVES.sub("", rest)
        if leftover:
            at = offset + rest.index(leftover[0])
            raise self.fail(at, f"cannot read {leftover!r} in {part!r}")
        if not found:
            raise self.fail(offset, f"no condition in {part!r}")
        return sorted(found, key=lambda a: a.start)

    def expand(self, offset: int, atoms: list[_Atom]) -> list[ConditionSet]:
        """One ConditionSet, or one per school kind of a diploma naming several."""
        kinds = [a.kind for a in atoms]
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                raise self.fail(offset, f"two {kind} conditions in one alternative")
        base = ConditionSet(number=0, line=self.line(offset))
        schools: list[tuple[int, str]] = [(offset, "")]
        credential = next((a for a in atoms if a.kind == "credential"), None)
        for atom in atoms:
            d = atom.data
            if atom.kind == "credential":
                base.credential_scope = _SCOPES[str(d["scope"])]
                if d["prep"]:
                    base.preparatory_technician = True
                else:
                    base.credential_rank = self.rank(str(d["level"]), atom.start)
            elif atom.kind == "work":
                base.min_years = str(d["years"])
                base.work_scope = _SCOPES[str(d["scope"])]
                base.years_after_credential = bool(credential and credential.data["after"])
            elif atom.kind == "training":
                base.training_rank = self.rank(str(d["level"]), atom.start)
            elif atom.kind == "apprenticeship":
                base.apprenticeship = True
                base.apprenticeship_scope = _SCOPES[str(d["scope"])]
            else:
                base.major_scope = _SCOPES[str(d["major"])] if d["major"] else None
                base.final_year_students = bool(d["final"])
                if d["target"]:
                    base.programme_target_rank = self.rank(str(d["target"]), atom.start)
                schools = self.schools(str(d["schools"]), atom.start)
        out = []
        for at, name in schools:
            item = dataclasses.replace(base)
            if len(schools) > 1:  # one alternative per school kind: its line is the name's
                item.line = self.line(at)
            if name:
                item.or_higher_education = "及以上" in name
                item.education = _EDUCATION_BY_NAME.get(name.replace("及以上", ""))
                if item.education is None:
                    raise self.fail(at, f"unknown kind of school or degree {name!r}")
            out.append(item)
        return out

    def schools(self, text: str, offset: int) -> list[tuple[int, str]]:
        out, at = [], offset
        for piece in text.split("、"):
            prefix = _SCHOOL_PREFIX.match(piece)
            skip = len(prefix[0]) if prefix else 0
            out.append((at + skip, piece[skip:]))
            at += len(piece) + 1
        return out


def _spans(text: str, sep: re.Pattern[str], start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``text[start:]`` between separators."""
    spans, at = [], start
    for m in sep.finditer(text, start):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(text)))
    return spans


def parse_route(
    route: EligibilityRoute,
    ranks: dict[str, int],
    *,
    where: LocatedText | None = None,
    source: str = "<text>",
    levels: dict[int, Level] | None = None,
) -> list[ConditionSet]:
    """The alternatives of one route; ``SourceFormatError`` if the rules cannot read it.

    ``ranks`` maps level names to ranks (:func:`level_ranks`); ``levels`` (rank → Level)
    names the levels in the labels, which fall back to the national names without it.

    >>> ranks = {"四级/中级工": 4, "高级工": 3}
    >>> route = EligibilityRoute(3, 1, "取得本职业或相关职业四级/中级工职业资格证书（技能等级证书）"
    ...     "后，累计从事本职业或相关职业工作 5 年(含)以上，或累计从事本职业或相关职业工作 4年"
    ...     "（含）以上，经本职业高级工技能正规培训达规定标准学时数，并取得结业证书。", 152)
    >>> [(s.credential_rank, s.min_years, s.training_rank) for s in parse_route(route, ranks)]
    [(4, '5', None), (4, '4', 3)]
    """
    return _RouteReader(route, where, ranks, source, levels or NATIONAL_LEVELS).read()


# ---------------------------------------------------------------- labels

NATIONAL_LEVELS = {rank: Level(rank, zh, en) for rank, (zh, en) in LEVEL_NAMES.items()}
_SCOPE_ZH = {"this": "本职业", "this-or-related": "本职业或相关职业"}
_SCOPE_EN = {"this": "this occupation", "this-or-related": "this or a related occupation"}
_MAJOR_ZH = {"this": "本专业", "this-or-related": "本专业或相关专业"}
_MAJOR_EN = {"this": "this major", "this-or-related": "this or a related major"}
_EDUCATION_EN = {slug: en for slug, _zh, en, _below in EDUCATION_LEVELS}
_EDUCATION_ZH = {slug: zh for slug, zh, _en, _below in EDUCATION_LEVELS}


def describe(s: ConditionSet, levels: dict[int, Level]) -> tuple[str, str]:
    """What a condition set requires, in Chinese and English, for labels and listings.

    >>> s = ConditionSet(1, 1, credential_rank=4, credential_scope="this-or-related",
    ...                  min_years="4", years_after_credential=True,
    ...                  work_scope="this-or-related", training_rank=3)
    >>> zh, en = describe(s, NATIONAL_LEVELS)
    >>> zh.split("；")[1]
    '取得证书后累计从事本职业或相关职业工作4年（含）以上'
    >>> en.split("; ")
    ['Level 4 / Intermediate worker certificate of this or a related occupation', \
'4 years of work in this or a related occupation since the certificate', \
'formal skill training for Senior worker of this occupation completed']
    """
    zh: list[str] = []
    en: list[str] = []

    def short(rank: int) -> tuple[str, str]:
        level = levels[rank]
        return level.name.partition("/")[2] or level.name, level.name_en.partition(" / ")[2]

    if s.credential_scope:
        scope_zh, scope_en = _SCOPE_ZH[s.credential_scope], _SCOPE_EN[s.credential_scope]
        if s.preparatory_technician:
            zh.append(f"持{scope_zh}预备技师证书")
            en.append(f"preparatory technician certificate of {scope_en}")
        elif s.credential_rank is not None:
            level = levels[s.credential_rank]
            zh.append(f"持{scope_zh}{level.name}职业资格证书（技能等级证书）")
            en.append(f"{level.name_en} certificate of {scope_en}")
    if s.education:
        target_zh = target_en = ""
        if s.programme_target_rank is not None:
            level = levels[s.programme_target_rank]
            target_zh = f"以{level.name}技能为培养目标的"
            target_en = f", programme aiming at {level.name_en} skills"
        major_zh = _MAJOR_ZH[s.major_scope] if s.major_scope else ""
        major_en = f" in {_MAJOR_EN[s.major_scope]}" if s.major_scope else ""
        higher = ("及以上", " or higher") if s.or_higher_education else ("", "")
        final = ("（含在校应届毕业生）", ", final-year students included")
        final = final if s.final_year_students else ("", "")
        zh.append(f"{target_zh}{_EDUCATION_ZH[s.education]}{higher[0]}{major_zh}毕业证书{final[0]}")
        school_en = _EDUCATION_EN[s.education].lower()
        en.append(f"diploma of a {school_en}{higher[1]}{major_en}{target_en}{final[1]}")
    if s.apprenticeship and s.apprenticeship_scope:
        zh.append(f"{_SCOPE_ZH[s.apprenticeship_scope]}学徒期满")
        en.append(f"apprenticeship in {_SCOPE_EN[s.apprenticeship_scope]} completed")
    if s.min_years is not None and s.work_scope:
        years = f"{s.min_years} year{'' if s.min_years == '1' else 's'}"
        after = ("取得证书后", " since the certificate") if s.years_after_credential else ("", "")
        zh.append(f"{after[0]}累计从事{_SCOPE_ZH[s.work_scope]}工作{s.min_years}年（含）以上")
        en.append(f"{years} of work in {_SCOPE_EN[s.work_scope]}{after[1]}")
    if s.training_rank is not None:
        name_zh, name_en = short(s.training_rank)
        zh.append(f"经本职业{name_zh}技能正规培训并取得结业证书")
        en.append(f"formal skill training for {name_en} of this occupation completed")
    text_en = "; ".join(en)
    return "；".join(zh), text_en[:1].upper() + text_en[1:]


# ---------------------------------------------------------------- footnotes 2 and 3


def _related_occupations(where: LocatedText, line: int, source: str) -> list[RelatedOccupation]:
    """Footnote 2: names end in 人员 (or 职业); a piece that does not joins the next with 、.

    The 2021 wording (相关职业：A、B等职业) lists occupation names, each one piece.
    """
    listed = _RELATED_OCCUPATIONS_LIST.search(where.text)
    if listed:
        out, at = [], listed.start("body")
        for name in listed["body"].split("、"):
            out.append(RelatedOccupation(len(out) + 1, name.strip(), where.line_at(at)))
            at += len(name) + 1
        return out
    match = _RELATED_OCCUPATIONS.search(where.text)
    if not match:
        raise SourceFormatError(source, line, "footnote 2 is not a 相关职业是指…，下同。 list")
    body, base = match["body"], match.start("body")
    out: list[RelatedOccupation] = []
    for start, end in _spans(body, _OCCUPATION_GROUPS):
        pending, pending_at, at = "", start, start
        for piece in body[start:end].split("、"):
            if not pending:
                pending_at = at
            pending = f"{pending}、{piece}" if pending else piece
            at += len(piece) + 1
            name = re.sub(r"(人员)的职业$", r"\1", pending)
            if name.endswith(("人员", "职业")):
                out.append(RelatedOccupation(len(out) + 1, name, where.line_at(base + pending_at)))
                pending = ""
        if pending:
            at = where.line_at(base + pending_at)
            raise SourceFormatError(source, at, f"cannot read related occupation {pending!r}")
    return out


def _school_before_marker(profile: Profile, note_key: str, lines: list[str],
                          owner: dict[int, str]) -> str | None:
    """The kind of school named last before a footnote's marker in its route sentence."""
    number = note_key.split("/")[1]
    for item, ref, marker_line in footnote_refs(profile):
        if ref != f"footnote/{number}" or not item.startswith("eligibility/"):
            continue
        where = located(item, lines, owner)
        upto = "".join(
            where.text[start:end]
            for (start, line), end in zip(
                where.starts, [s for s, _ in where.starts[1:]] + [len(where.text)], strict=True
            )
            if line < marker_line
        )
        best: tuple[int, str] | None = None
        for name, kind in _ROUTE_SCHOOLS:
            at = upto.rfind(name)
            if at >= 0 and (best is None or at + len(name) > best[0]):
                best = (at + len(name), kind)
        return best[1] if best else None
    return None


def _related_majors(
    key: str, where: LocatedText, line: int, source: str, school: str | None = None
) -> list[RelatedMajor]:
    """Footnote 3, one kind of school: 对于X是指：A类、B类…等专业，下同；

    Or, in the 2021 wording, 相关专业：A类、B类等专业 for the school its marker follows.
    """
    match = _RELATED_MAJORS.search(where.text) or _RELATED_MAJORS_LIST.search(where.text)
    if not match:
        raise SourceFormatError(source, line, f"{key} is not a 对于…是指：…等专业，下同 list")
    school = match.groupdict().get("school") or school
    if school is None:
        raise SourceFormatError(source, line, f"{key}: no kind of school before its marker")
    if school not in SCHOOL_KINDS:
        raise SourceFormatError(source, line, f"unknown kind of school {school!r} in {key}")
    out, at = [], match.start("body")
    for name in match["body"].split("、"):
        if not name.endswith("类"):
            raise SourceFormatError(
                source, where.line_at(at), f"related major {name!r} is not a 类 (category)"
            )
        out.append(
            RelatedMajor(
                school=school,
                school_en=SCHOOL_KINDS_EN[school],
                school_key=key.rsplit("/", 1)[-1],
                position=len(out) + 1,
                name=name,
                line=where.line_at(at),
                education=list(SCHOOL_KINDS[school]),
            )
        )
        at += len(name) + 1
    return out


# ---------------------------------------------------------------- entry point


def read_eligibility(
    profile: Profile, lines: list[str], owner: dict[int, str], *, source: str
) -> Profile:
    """The profile with structured eligibility: alternatives, education levels, footnotes.

    ``lines`` is the whole file and ``owner`` the line → item-key map of
    :func:`loaders.profile.parse_profile`, used to give each alternative and list item its
    line.  Raises :class:`SourceFormatError` (file and line) for a route or list item the
    rules cannot read.
    """
    ranks = level_ranks(profile)
    routes = [
        dataclasses.replace(
            route,
            alternatives=parse_route(
                route,
                ranks,
                where=located(f"eligibility/{route.rank}/{route.number}", lines, owner),
                source=source,
                levels={**NATIONAL_LEVELS, **{lv.rank: lv for lv in profile.levels}},
            ),
        )
        for route in profile.eligibility
    ]
    occupations: list[RelatedOccupation] = []
    majors: list[RelatedMajor] = []
    for note in profile.footnotes:
        where = located(note.key, lines, owner)
        if not where.text:
            where = LocatedText(note.text, ((0, note.line),))
        if note.text.startswith("相关职业是指") or note.text.startswith("相关职业"):
            occupations = _related_occupations(where, note.line, source)
        elif note.text.startswith("对于"):
            majors += _related_majors(note.key, where, note.line, source)
        elif _RELATED_MAJORS_LIST.search(where.text):
            school = _school_before_marker(profile, note.key, lines, owner)
            majors += _related_majors(note.key, where, note.line, source, school)
    used = {s.education for r in routes for s in r.alternatives if s.education}
    used |= {slug for m in majors for slug in m.education}
    first = {}
    for route in routes:
        for s in route.alternatives:
            if s.education:
                first.setdefault(s.education, s.line)
    levels = [
        EducationLevel(slug, name, en, below, first.get(slug))
        for slug, name, en, below in EDUCATION_LEVELS
        if used
    ]
    return dataclasses.replace(
        profile,
        eligibility=routes,
        education_levels=levels,
        related_occupations=occupations,
        related_majors=majors,
    )
