"""Names of the national framework, and the per-standard names file.

The five skill levels are national (the same in every standard), so they live here.  What
belongs to one occupation (its trades' IRI slugs and English names, the occupation's English
name) is data: ``standards/names/<code>.toml``, an input of the build like the errata.  A
trade the file does not list still loads, under the slug ``trade-<n>``, so a new standard
never fails for want of a name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import SourceFormatError

LEVEL_RANKS = {"五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1}

LEVEL_NAMES = {
    5: ("五级/初级工", "Level 5 / Junior worker"),
    4: ("四级/中级工", "Level 4 / Intermediate worker"),
    3: ("三级/高级工", "Level 3 / Senior worker"),
    2: ("二级/技师", "Level 2 / Technician"),
    1: ("一级/高级技师", "Level 1 / Senior technician"),
}


@dataclass(frozen=True)
class OccupationNames:
    """IRI slugs and English names of one occupation's printed names."""

    occupation_en: str = ""
    trades: dict[str, tuple[str, str]] = field(default_factory=dict)  # zh → (slug, en)

    def trade(self, name: str, position: int) -> tuple[str, str]:
        """(slug, English name) of a trade; unknown trades get ``trade-<position>``."""
        return self.trades.get(name, (f"trade-{position}", ""))


def load_names(occupation_code: str, path: Path | None = None) -> OccupationNames:
    """The names file of one occupation; no file means no names (slugs by position)."""
    if path is None:
        res = resources.files("skillgraph.standards.names") / f"{occupation_code}.toml"
        if not res.is_file():
            return OccupationNames()
        text, where = res.read_text(encoding="utf-8"), str(res)
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceFormatError(where, exc.lineno, f"not valid TOML: {exc.msg}") from None
    trades = {}
    for name, entry in data.get("trades", {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str):
            raise SourceFormatError(where, 1, f"trade {name!r} needs a slug string")
        trades[name] = (entry["slug"], str(entry.get("en", "")))
    slugs = [s for s, _ in trades.values()]
    if len(set(slugs)) != len(slugs):
        raise SourceFormatError(where, 1, "two trades share one slug")
    return OccupationNames(str(data.get("occupation_en", "")), trades)


__all__ = ["LEVEL_NAMES", "LEVEL_RANKS", "OccupationNames", "load_names"]
