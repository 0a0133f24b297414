"""Errors raised by the loaders: one type per kind of failure, each carrying its source line."""

from __future__ import annotations

from os import PathLike

__all__ = ["SourceFormatError"]


class SourceFormatError(Exception):
    """The source text does not have the shape a loader needs (e.g. a heading is missing).

    It names the file and the line so that the draft, not the parser, can be fixed.

    >>> str(SourceFormatError("draft.txt", 18, "missing heading 1.2 职业编码"))
    'draft.txt:18: missing heading 1.2 职业编码'
    """

    def __init__(self, path: str | PathLike[str], line: int, problem: str) -> None:
        super().__init__(path, line, problem)
        self.path = path
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"
