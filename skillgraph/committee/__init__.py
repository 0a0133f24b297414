"""For the drafting committee: every finding and SHACL warning of a build, with its text,
grouped by standard and trade-level (:mod:`.collect`), as report sections (:mod:`.render`)
and as a comment sheet in Chinese (:mod:`.sheet`); the words are in :mod:`.texts`."""

from .collect import Group, Item, Review, StandardReview, collect, collect_build

__all__ = ["Group", "Item", "Review", "StandardReview", "collect", "collect_build"]
