"""Reviewed English translations of a standard's Chinese texts ("English on every node").

Two data files in ``standards/translations/`` (installed as
``skillgraph.standards.translations``), both UTF-8, tab-separated, with a header row and
no quoting (a field never holds a tab or a newline):

``glossary.tsv`` — ``zh  en  note``
    The fixed domain terms, one English rendering per term.  A term whose sense depends
    on context is written ``term（sense）`` (e.g. ``审定（项目）``) and lists in its note
    the Chinese contexts in which it applies, ``contexts: 减排审定; …``; elsewhere the
    plain term applies.  The note may end with ``variants: a; b``: other English forms
    accepted for the term (inflections the light normalization does not cover, such as
    verify / verification), each one documented there.

``<occupation code>.tsv`` — ``zh  en  reviewed``
    One entry per distinct Chinese text of the graph, sorted by ``zh`` (code point
    order); ``reviewed`` is the ISO date on which a translator reviewed the entry.

Nothing is translated at run time: :meth:`Translations.english` only looks the text up.
Malformed rows, duplicate entries and a glossary term given two Englishes raise
:class:`TranslationFormatError`, naming the file and the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import SourceFormatError

__all__ = [
    "GlossaryTerm",
    "TranslationEntry",
    "TranslationFormatError",
    "Translations",
    "english_tokens",
    "load_translations",
    "normalize_zh",
]

PACKAGE = "skillgraph.standards.translations"
GLOSSARY_FILE = "glossary.tsv"
GLOSSARY_HEADER = ("zh", "en", "note")
ENTRIES_HEADER = ("zh", "en", "reviewed")

_SENSE = re.compile(r"^(?P<surface>[^（）]+)（(?P<sense>[^（）]+)）$")
_DIRECTIVE = re.compile(r"\b(variants|contexts):\s*(.*?)\s*(?=\b(?:variants|contexts):|$)")
_WORD = re.compile(r"[a-z0-9]+")


class TranslationFormatError(SourceFormatError):
    """A translation or glossary file is malformed; names the file and the line."""


def normalize_zh(text: str) -> str:
    """The lookup key of a Chinese text: whitespace runs collapsed, and dropped where they
    touch a non-ASCII character (line-break and layout artifacts of the draft).

    >>> normalize_zh(" 累计从事本职业工作 2年（含）以上 ")
    '累计从事本职业工作2年（含）以上'
    >>> normalize_zh("ISO  14064 标准")
    'ISO 14064标准'
    """
    out = ""
    for part in text.split():
        if out and out[-1].isascii() and part[0].isascii():
            out += " "
        out += part
    return out


def _stem(word: str) -> str:
    """Light English normalization: plural -s/-es/-ies, -ing, -ed and a final -e.

    >>> [_stem(w) for w in ("approving", "approved", "approve", "processes", "industries")]
    ['approv', 'approv', 'approv', 'process', 'industry']
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def english_tokens(text: str) -> tuple[str, ...]:
    """Words of an English text, case-folded and lightly stemmed; hyphens and
    punctuation separate words, so "organization-level" = "organization level"."""
    return tuple(_stem(w) for w in _WORD.findall(text.lower()))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


@dataclass(frozen=True)
class GlossaryTerm:
    key: str  # as written in the file: "审定" or "审定（项目）"
    en: str
    note: str
    line: int
    surfaces: tuple[str, ...]  # Chinese strings that stand for the term in running text
    variants: tuple[str, ...] = ()

    def renderings(self) -> tuple[str, ...]:
        return (self.en, *self.variants)

    def rendered_in(self, en: str) -> bool:
        """Whether an English text uses this term's rendering (or a documented variant)."""
        tokens = english_tokens(en)
        return any(_contains(tokens, english_tokens(r)) for r in self.renderings())


@dataclass(frozen=True)
class TranslationEntry:
    zh: str
    en: str
    reviewed: dt.date
    line: int


@dataclass
class Translations:
    occupation_code: str
    entries: dict[str, TranslationEntry]  # normalize_zh(zh) -> entry
    glossary: list[GlossaryTerm]
    source: str = ""
    glossary_source: str = ""
    _surfaces: dict[str, GlossaryTerm] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.glossary:
            for surface in term.surfaces:
                self._surfaces[surface] = term

    def english(self, zh: str) -> str | None:
        """The reviewed English of a Chinese text (exact match after whitespace
        normalization), or None when the text has no entry."""
        entry = self.entries.get(normalize_zh(zh))
        return entry.en if entry else None

    def terms_in(self, zh: str) -> list[GlossaryTerm]:
        """Glossary terms in a Chinese text, leftmost-longest: a compound term
        (碳排放权交易) hides the shorter terms inside it (碳排放权, 交易)."""
        text, found, i = normalize_zh(zh), [], 0
        longest = max((len(s) for s in self._surfaces), default=0)
        while i < len(text):
            for n in range(min(longest, len(text) - i), 0, -1):
                term = self._surfaces.get(text[i : i + n])
                if term is not None:
                    found.append(term)
                    i += n
                    break
            else:
                i += 1
        return found

    def glossary_problems(self) -> list[str]:
        """Entries whose English does not use the glossary rendering of a term in their zh."""
        problems = []
        for entry in self.entries.values():
            for term in self.terms_in(entry.zh):
                if not term.rendered_in(entry.en):
                    problems.append(
                        f"{self.source}:{entry.line}: {entry.zh!r} contains {term.key} "
                        f"but its English lacks {term.en!r}: {entry.en!r}"
                    )
        return problems


def _rows(text: str, where: str, header: tuple[str, ...], min_fields: int):
    """(line number, fields) of each data row; checks the header and the field count."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise TranslationFormatError(where, 1, "header must be " + "<TAB>".join(header))
    for number, line in enumerate(lines[1:], 2):
        if line.endswith("\r"):
            raise TranslationFormatError(where, number, "CR line ending (use LF)")
        fields = line.split("\t")
        if not min_fields <= len(fields) <= len(header):
            raise TranslationFormatError(
                where,
                number,
                f"expected {len(header)} tab-separated fields {header}, found {len(fields)}",
            )
        fields += [""] * (len(header) - len(fields))
        for name, value in zip(header, fields, strict=True):
            if value != value.strip():
                raise TranslationFormatError(where, number, f"{name} has surrounding whitespace")
        yield number, fields


def parse_glossary(text: str, where: str) -> list[GlossaryTerm]:
    terms: list[GlossaryTerm] = []
    by_key: dict[str, GlossaryTerm] = {}
    by_surface: dict[str, GlossaryTerm] = {}
    for number, (zh, en, note) in _rows(text, where, GLOSSARY_HEADER, 2):
        if not zh or not en:
            raise TranslationFormatError(where, number, "empty zh or en")
        directives: dict[str, tuple[str, ...]] = {}
        for name, value in _DIRECTIVE.findall(note):
            items = tuple(v.strip() for v in value.rstrip(".").split(";") if v.strip())
            if not items or name in directives:
                raise TranslationFormatError(where, number, f"bad '{name}:' list in note")
            directives[name] = items
        sense = _SENSE.match(zh)
        if sense:
            surface = sense["surface"]
            contexts = directives.get("contexts", ())
            if not contexts:
                raise TranslationFormatError(
                    where, number, f"sense term {zh} needs 'contexts: …' in its note"
                )
            bad = [c for c in contexts if surface not in c]
            if bad:
                raise TranslationFormatError(
                    where, number, f"context {bad[0]!r} does not contain {surface!r}"
                )
            surfaces = contexts
        else:
            if "contexts" in directives:
                raise TranslationFormatError(
                    where, number, f"'contexts:' only for a sense term like {zh}（…）"
                )
            surfaces = (zh,)
        if zh in by_key:
            first = by_key[zh]
            if first.en != en:
                problem = f"glossary term {zh} has two Englishes: {first.en!r} and {en!r}"
            else:
                problem = f"glossary term {zh} is listed twice"
            raise TranslationFormatError(where, number, f"{problem} (first at line {first.line})")
        term = GlossaryTerm(zh, en, note, number, surfaces, directives.get("variants", ()))
        for surface in surfaces:
            if surface in by_surface:
                raise TranslationFormatError(
                    where,
                    number,
                    f"{surface!r} already stands for glossary term {by_surface[surface].key} "
                    f"(line {by_surface[surface].line})",
                )
            by_surface[surface] = term
        by_key[zh] = term
        terms.append(term)
    return terms


def parse_entries(text: str, where: str) -> dict[str, TranslationEntry]:
    entries: dict[str, TranslationEntry] = {}
    for number, (zh, en, reviewed) in _rows(text, where, ENTRIES_HEADER, 3):
        if not zh or not en:
            raise TranslationFormatError(where, number, "empty zh or en")
        try:
            date = dt.date.fromisoformat(reviewed)
        except ValueError:
            raise TranslationFormatError(
                where, number, f"reviewed must be an ISO date (YYYY-MM-DD), not {reviewed!r}"
            ) from None
        key = normalize_zh(zh)
        if key in entries:
            raise TranslationFormatError(
                where, number, f"duplicate entry for {zh!r} (first at line {entries[key].line})"
            )
        entries[key] = TranslationEntry(zh, en, date, number)
    return entries


def _check_against_glossary(
    entries: dict[str, TranslationEntry], glossary: list[GlossaryTerm], where: str
) -> None:
    """An entry that is exactly a glossary term must carry the term's English."""
    for term in glossary:
        if len(term.surfaces) != 1 or term.surfaces[0] != term.key:
            continue
        entry = entries.get(normalize_zh(term.key))
        if entry is None:
            continue
        if english_tokens(entry.en) not in {english_tokens(r) for r in term.renderings()}:
            raise TranslationFormatError(
                where,
                entry.line,
                f"glossary term {term.key} is {term.en!r} (glossary line {term.line}), "
                f"but this entry gives {entry.en!r}",
            )


def _read(name: str, path: Path | None) -> tuple[str, str]:
    if path is not None:
        return path.read_text(encoding="utf-8"), str(path)
    res = resources.files(PACKAGE) / name
    if not res.is_file():
        raise FileNotFoundError(f"no translation file {name} in {PACKAGE}")
    return res.read_text(encoding="utf-8"), str(res)


def load_translations(occupation_code: str, *, directory: Path | None = None) -> Translations:
    """The glossary and the reviewed translations of one occupation's standard.

    Reads ``glossary.tsv`` and ``<occupation_code>.tsv`` from the installed package
    (``directory`` overrides it, for tests).  Raises :class:`TranslationFormatError`
    for a malformed row, a duplicate entry, a glossary term with two Englishes, or an
    entry that is a glossary term but is translated otherwise.
    """
    gtext, gwhere = _read(GLOSSARY_FILE, directory / GLOSSARY_FILE if directory else None)
    name = f"{occupation_code}.tsv"
    etext, ewhere = _read(name, directory / name if directory else None)
    glossary = parse_glossary(gtext, gwhere)
    entries = parse_entries(etext, ewhere)
    _check_against_glossary(entries, glossary, ewhere)
    return Translations(occupation_code, entries, glossary, ewhere, gwhere)
