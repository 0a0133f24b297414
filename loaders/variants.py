"""Template variants we recognise but do not read, refused with a message naming them.

About 120 national standards follow the 专业技术人员 template (levels 初级/中级/高级, tables of
专业能力要求 instead of 技能要求).  Reading one with the skill-level template would give a
wrong graph, so it is refused at the first line that shows the variant.
"""

from __future__ import annotations

from pathlib import Path

from .errors import SourceFormatError
from .source import SourceLine

PROFESSIONAL_MARK = "专业能力要求"


def refuse_unsupported(lines: list[SourceLine], path: Path) -> None:
    for sl in lines:
        if PROFESSIONAL_MARK in sl.text.replace(" ", ""):
            raise SourceFormatError(
                path,
                sl.number,
                "this standard follows the 专业技术人员 template (初级/中级/高级, "
                "专业能力要求), which skillgraph does not read yet; only the skill-level "
                "template (五级/初级工 … 一级/高级技师, 技能要求) is supported",
            )


__all__ = ["refuse_unsupported"]
