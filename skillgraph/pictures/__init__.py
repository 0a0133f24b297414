"""Pictures of a standard as server-side SVG (no script): a trade's level ladder, the
progression between two levels by function, a trade-level's exam blueprint.

``facts`` reads what a picture shows from the graph (sg: vocabulary only, so any number
of standards); ``svg`` draws it.  Pages inline the SVG; the server also answers it as
``image/svg+xml``.
"""

from .facts import Blueprint, Ladder, Progression, blueprint, ladder, ladders, progression
from .svg import blueprint_svg, ladder_svg, progression_svg

__all__ = [
    "Blueprint",
    "Ladder",
    "Progression",
    "blueprint",
    "blueprint_svg",
    "ladder",
    "ladder_svg",
    "ladders",
    "progression",
    "progression_svg",
]
