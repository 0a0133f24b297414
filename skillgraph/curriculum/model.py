"""A curriculum as read from a designer's spreadsheet, before any RDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

TREATMENTS = {"I": "introduced", "D": "developed", "M": "mastered"}


@dataclass(frozen=True)
class Mapping:
    """One row ``course × requirement``: what the course teaches, and how far."""

    row: int  # spreadsheet row (the header is row 1)
    ref: str  # as written
    target: str  # requirement or competency IRI
    target_kind: str  # "requirement" | "competency"
    requirements: tuple[str, ...]  # requirement IRIs the target stands for
    treatment: str | None = None  # "I" | "D" | "M"
    notes: str = ""


@dataclass
class Course:
    course_id: str
    title: str
    hours: Decimal
    row: int  # first row of the course
    description: str = ""
    notes: list[str] = field(default_factory=list)  # notes of rows without a requirement
    mappings: list[Mapping] = field(default_factory=list)


@dataclass
class Curriculum:
    iri: str
    label: str
    source: str  # file name (no directory: the graph must not depend on where it was read)
    courses: list[Course]

    def course(self, course_id: str) -> Course:
        return next(c for c in self.courses if c.course_id == course_id)
