"""Deterministic, readable data IRIs derived from the standard's own codes
(docs/architecture.md, "IRI rules").

Layout under the configurable base (default ``https://w3id.org/skillgraph/id/``)::

    standard/4-09-07-04-draft
    level/3                                            national skill level (rank)
    occupation/4-09-07-04
    occupation/4-09-07-04/level/5                      common level (no trade)
    occupation/4-09-07-04/trade/accounting
    occupation/4-09-07-04/trade/accounting/level/3     trade-level
      …/function/2                                     occupational function
      …/content/2.1                                    work content
      …/skill/2.1.3 , …/knowledge/2.1.3                requirements
      …/weight/theory/function-2 , …/weight/skill/ethics
    occupation/4-09-07-04/basic/2.2.1                  basic requirement group
    occupation/4-09-07-04/basic/2.2.1/basic/2.2.1/3    one basic requirement (the group
                                                       repeats: published as such)
    occupation/4-09-07-04/eligibility/3/2              route (2) for rank 3
    occupation/4-09-07-04/assessment/pass-mark         assessment provision
    occupation/4-09-07-04/finding/<kind>/<line>[-n]    data-quality finding
    competency/<kind>-<hash>                           shared competency
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import URIRef

from .model import normalize_text
from .vocab import DEFAULT_DATA_BASE


@dataclass(frozen=True)
class Iris:
    """IRI factory for one occupation; ``base`` must end with '/'."""

    occupation_code: str
    base: str = DEFAULT_DATA_BASE

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def standard(self, status_slug: str = "draft") -> URIRef:
        return self._iri(f"standard/{self.occupation_code}-{status_slug}")

    def skill_level(self, rank: int) -> URIRef:
        return self._iri(f"level/{rank}")

    def occupation(self) -> URIRef:
        return self._iri(f"occupation/{self.occupation_code}")

    def _occ(self, path: str) -> URIRef:
        return self._iri(f"occupation/{self.occupation_code}/{path}")

    def trade(self, slug: str) -> URIRef:
        return self._occ(f"trade/{slug}")

    def trade_level(self, trade: str | None, rank: int) -> URIRef:
        if trade is None:
            return self._occ(f"level/{rank}")
        return self._occ(f"trade/{trade}/level/{rank}")

    @staticmethod
    def tl_path(trade: str | None, rank: int) -> str:
        return f"level/{rank}" if trade is None else f"trade/{trade}/level/{rank}"

    def function(self, trade: str | None, rank: int, code: str) -> URIRef:
        return self._occ(f"{self.tl_path(trade, rank)}/function/{code}")

    def work_content(self, trade: str | None, rank: int, code: str) -> URIRef:
        return self._occ(f"{self.tl_path(trade, rank)}/content/{code}")

    def requirement(self, trade: str | None, rank: int, kind: str, code: str) -> URIRef:
        return self._occ(f"{self.tl_path(trade, rank)}/{kind}/{code}")

    def weight(self, trade: str | None, rank: int, exam: str, row_key: str) -> URIRef:
        return self._occ(f"{self.tl_path(trade, rank)}/weight/{exam}/{row_key}")

    def basic_group(self, code: str) -> URIRef:
        return self._occ(f"basic/{code}")

    def basic_item(self, code: str, key: str) -> URIRef:
        """``key`` is the item's model key (``basic/2.1.2/1``): published IRIs repeat the
        group, ``…/basic/2.1.2/basic/2.1.2/1``, and published IRIs never change."""
        return self._occ(f"basic/{code}/{key}")

    def eligibility(self, rank: int, number: int) -> URIRef:
        return self._occ(f"eligibility/{rank}/{number}")

    def assessment(self, key: str) -> URIRef:
        return self._occ(f"assessment/{key}")

    def finding(self, kind: str, line: int, n: int = 0) -> URIRef:
        suffix = f"-{n}" if n else ""
        return self._occ(f"finding/{kind}/{line}{suffix}")

    def competency(self, kind: str, text: str) -> URIRef:
        """Same kind and same normalized wording → same competency, across trades and levels."""
        digest = hashlib.sha1(f"{kind}\n{normalize_text(text)}".encode()).hexdigest()[:12]
        return self._iri(f"competency/{kind}-{digest}")


__all__ = ["Iris", "normalize_text"]
