"""Spreadsheet → :class:`~.model.Curriculum`: every cell checked, every problem reported.

The loader collects all problems of a file before failing, so a designer fixes a sheet in
one pass; each names the file, row, column and value, and the closest valid references.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .index import StandardIndex
from .model import TREATMENTS, Course, Curriculum, Mapping
from .refs import RefError, resolve
from .table import CurriculumError, Issue, Table, read_table

__all__ = ["default_iri", "load_curriculum"]

_TREATMENT_WORDS = {v: k for k, v in TREATMENTS.items()}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+$")


def default_iri(path: Path) -> str:
    """``urn:skillgraph:curriculum:<file stem>``, until the designer names their own.

    >>> default_iri(Path("examples/carbon-accounting-program.csv"))
    'urn:skillgraph:curriculum:carbon-accounting-program'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not slug or not path.stem.isascii():
        slug = (slug + "-" if slug else "") + hashlib.sha1(path.stem.encode()).hexdigest()[:10]
    return f"urn:skillgraph:curriculum:{slug}"


def load_curriculum(
    path: Path, index: StandardIndex, *, iri: str | None = None, label: str | None = None
) -> Curriculum:
    """Read and check a curriculum spreadsheet; :class:`CurriculumError` lists every problem.

    ``iri`` is the curriculum's own IRI (the base of its courses' IRIs); by default
    :func:`default_iri`.  Nothing is written anywhere.
    """
    iri = (iri or default_iri(path)).rstrip("/")
    if not _IRI.match(iri):
        raise CurriculumError([Issue(str(path), 0, "", iri, "the curriculum IRI is not an "
                                     "absolute IRI (e.g. https://college.example/programs/x)")])
    table = read_table(path)
    issues: list[Issue] = []
    courses: dict[str, Course] = {}
    seen: dict[tuple[str, str], int] = {}
    for row, cells in table.rows:
        course = _course(table, row, cells, courses, issues)
        if course is None:
            continue
        ref = cells.get("requirement", "")
        treatment = _treatment(table, row, cells.get("treatment", ""), issues, course.course_id)
        notes = cells.get("notes", "")
        if not ref:
            if treatment:
                issues.append(_issue(table, row, "treatment", treatment,
                                     "a treatment needs a requirement in the same row"))
            if notes:
                course.notes.append(notes)
            continue
        try:
            resolved = resolve(ref, index)
        except RefError as exc:
            issues.append(_issue(table, row, "requirement", ref, str(exc)))
            continue
        key = (course.course_id, resolved.iri)
        if key in seen:
            issues.append(_issue(table, row, "requirement", ref, f"course {course.course_id} "
                                 f"is already mapped to it in row {seen[key]}"))  # fmt: skip
            continue
        seen[key] = row
        course.mappings.append(Mapping(row, ref, resolved.iri, resolved.kind,
                                       resolved.requirements, treatment, notes))  # fmt: skip
    if not table.rows:
        issues.append(Issue(table.file, 2, "", "", "no course rows below the header"))
    if issues:
        raise CurriculumError(issues)
    return Curriculum(iri, label or path.stem, path.name, list(courses.values()))


def _issue(
    table: Table, row: int, column: str, value: str, message: str, course_id: str = ""
) -> Issue:
    return Issue(table.file, row, table.where(row, column, course_id), value, message)


def _course(
    table: Table, row: int, cells: dict[str, str], courses: dict[str, Course], issues: list[Issue]
) -> Course | None:
    """The row's course, created on its first row; later rows must agree with it."""
    course_id = unicodedata.normalize("NFKC", cells.get("course_id", ""))
    if not course_id:
        issues.append(_issue(table, row, "course_id", "", "every row needs a course_id"))
        return None
    title = cells.get("course_title", "")
    hours_text = cells.get("hours", "")
    hours = _hours(table, row, hours_text, issues, course_id) if hours_text else None
    description = cells.get("description", "")
    course = courses.get(course_id)
    if course is None:
        if not title:
            issues.append(_issue(table, row, "course_title", "",
                                 f"course {course_id} needs a title on its first row", course_id))
        if not hours_text:
            issues.append(_issue(table, row, "hours", "",
                                 f"course {course_id} needs its hours on its first row", course_id))
        # a course with a bad first row is still kept, so its references are checked too
        # (NaN hours: the file is refused anyway, and NaN is never compared below)
        course = Course(course_id, title, hours if hours is not None else Decimal("NaN"), row,
                        description)  # fmt: skip
        courses[course_id] = course
        return course
    for column, value, known in (
        ("course_title", title, course.title),
        ("description", description, course.description),
    ):
        if value and value != known:
            issues.append(_issue(table, row, column, value, f"course {course_id} has "
                                 f"{known!r} in row {course.row}"))  # fmt: skip
    if hours is not None and not course.hours.is_nan() and hours != course.hours:
        issues.append(_issue(table, row, "hours", hours_text,
                             f"course {course_id} has {course.hours} hours in row {course.row}"))
    if description and not course.description:
        course.description = description
    return course


def _hours(
    table: Table, row: int, text: str, issues: list[Issue], course_id: str = ""
) -> Decimal | None:
    """Planned hours: a positive number (decimals allowed, e.g. 1.5)."""
    try:
        value = Decimal(unicodedata.normalize("NFKC", text).replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0:
        issues.append(_issue(table, row, "hours", text,
                             "hours must be a positive number, e.g. 32 or 1.5", course_id))
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _treatment(
    table: Table, row: int, text: str, issues: list[Issue], course_id: str = ""
) -> str | None:
    if not text:
        return None
    key = unicodedata.normalize("NFKC", text).strip()
    letter = key.upper() if key.upper() in TREATMENTS else _TREATMENT_WORDS.get(key.casefold())
    if letter is None:
        issues.append(_issue(table, row, "treatment", text,
                             "treatment must be I (introduced), D (developed), M (mastered) "
                             "or blank", course_id))
    return letter
