"""Fixed names of the national framework: the five skill levels, and English names and
IRI slugs for the trades we know.  A trade not listed here still loads, under a slug
derived from its section number, so a new standard never fails for want of a name."""

from __future__ import annotations

LEVEL_RANKS = {"五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1}

LEVEL_NAMES = {
    5: ("五级/初级工", "Level 5 / Junior worker"),
    4: ("四级/中级工", "Level 4 / Intermediate worker"),
    3: ("三级/高级工", "Level 3 / Senior worker"),
    2: ("二级/技师", "Level 2 / Technician"),
    1: ("一级/高级技师", "Level 1 / Senior technician"),
}

TRADES = {
    "碳排放监测员": ("monitoring", "Carbon emission monitor"),
    "碳排放核算员": ("accounting", "Carbon emission accountant"),
    "碳排放核查员": ("verification", "Carbon emission verifier"),
    "碳排放交易员": ("trading", "Carbon emission trader"),
    "碳排放咨询员": ("consulting", "Carbon emission consultant"),
    "民航碳排放管理员": ("civil-aviation", "Civil aviation carbon emission manager"),
}


def trade_slug(name: str, section: str) -> str:
    known = TRADES.get(name)
    return known[0] if known else f"trade-{section.replace('.', '-')}"
