"""Career pathways over the structured eligibility conditions: the fewest years to a level.

"Which levels may I apply for now" is one SPARQL query (``queries/eligibility.rq``).  "How
do I get from here to 二级 fastest" is a shortest-path search whose edge costs (years still
to work) depend on the state reached (certificate held, years since it), which SPARQL 1.1
cannot express.  So the search runs here, in Python, and asks the graph one step at a time:
``queries/pathway.rq`` answers, for a person's facts, what every route still needs (years,
training).  Applying by a route gives a new state: that level's certificate, of this
occupation, obtained after the years waited.  Dijkstra over those states gives the route
with the fewest total years; among equally short ones the fewest trainings, then the fewest
steps, then the lowest route numbers, so the answer is deterministic.

The person's diploma, major, final-year status and apprenticeship stay as given for the
whole pathway; a training taken on the way stays completed.
"""

from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

import pyoxigraph as ox

from .catalog import load_query
from .params import bind
from .store import run_query

__all__ = ["Candidate", "Pathway", "Person", "Step", "eligible_routes", "next_steps", "pathway"]

DEFAULT_OCCUPATION = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"
EDUCATION = (
    "none", "technical-school", "senior-technical-school", "technician-college",
    "secondary-vocational-school", "higher-vocational-school", "junior-college", "bachelor",
    "master", "doctorate",
)  # fmt: skip
MAJORS = ("this", "related", "other")


@dataclass(frozen=True)
class Person:
    """What the eligibility and pathway queries ask about a person (their parameters).

    ``years_since_certificate`` None means all years of work came after the certificate.
    """

    certificate_rank: int = 0  # 0 = none, 5 = 五级 … 1 = 一级
    certificate_occupation: str = "this"  # this | related | other
    preparatory_technician: bool = False
    years_of_work: Decimal = Decimal(0)
    years_since_certificate: Decimal | None = None
    education: str = "none"
    major: str = "other"
    final_year_student: bool = False
    training_ranks: frozenset[int] = field(default_factory=frozenset)
    apprenticeship: bool = False

    def __post_init__(self) -> None:
        if self.education not in EDUCATION:
            raise ValueError(f"education must be one of {', '.join(EDUCATION)}")
        if self.major not in MAJORS or self.certificate_occupation not in MAJORS:
            raise ValueError("major and certificate_occupation are this, related or other")
        if not 0 <= self.certificate_rank <= 5:
            raise ValueError("certificate_rank is 0 (none) or 1..5")

    def params(self, *, trainings: bool = True) -> dict[str, list[str]]:
        """The query parameters (``--param``) for this person.

        >>> Person(education="bachelor", years_of_work=Decimal(1)).params()["education"]
        ['bachelor']
        """
        yes = {True: ["yes"], False: ["no"]}
        out = {
            "certificateRank": [str(self.certificate_rank)],
            "certificateOccupation": [self.certificate_occupation],
            "preparatoryTechnician": yes[self.preparatory_technician],
            "yearsOfWork": [_whole(self.years_of_work)],
            "education": [self.education],
            "major": [self.major],
            "finalYearStudent": yes[self.final_year_student],
            "apprenticeship": yes[self.apprenticeship],
        }
        if self.years_since_certificate is not None:
            out["yearsSinceCertificate"] = [_whole(self.years_since_certificate)]
        if trainings and self.training_ranks:
            out["trainingRank"] = [str(r) for r in sorted(self.training_ranks)]
        return out


def _whole(years: Decimal) -> str:
    """Years as the integer the query parameters take (partial years round down: not yet)."""
    return str(int(years))


@dataclass(frozen=True)
class Candidate:
    """One alternative of one route and what it still needs (a row of pathway.rq)."""

    rank: int
    level: str
    route: int
    alternative: int
    years_still_needed: Decimal
    training_rank: int | None  # the formal training the alternative requires, if any
    training: str  # its label (zh), "" if none
    conditions: str
    line: int


@dataclass(frozen=True)
class Step:
    """Apply for ``rank`` by this route after ``wait`` more years (at ``year`` in total)."""

    candidate: Candidate
    wait: Decimal
    year: Decimal  # years of work (in this or related occupations) when applying
    training: str  # formal training to complete first ("" if none)


@dataclass(frozen=True)
class Pathway:
    start: Person
    target_rank: int
    steps: tuple[Step, ...]

    @property
    def total_years(self) -> Decimal:
        return self.steps[-1].year - self.start.years_of_work if self.steps else Decimal(0)


def _int(term: object) -> int:
    return int(str(getattr(term, "value", term)))


def _text(term: object) -> str:
    return str(getattr(term, "value", term)) if term is not None else ""


def eligible_routes(
    store: ox.Store, person: Person, *, occupation: str = DEFAULT_OCCUPATION
) -> list[tuple[int, int, int]]:
    """(rank, route, alternative) of every alternative the person meets now (eligibility.rq)."""
    params = {"occupation": [occupation], **person.params()}
    rows = run_query(store, bind(load_query("eligibility"), params)).rows
    return [(_int(r["rank"]), _int(r["route"]), _int(r["alternative"])) for r in rows]


def next_steps(
    store: ox.Store, person: Person, *, occupation: str = DEFAULT_OCCUPATION
) -> list[Candidate]:
    """What every route still needs from this person's position (pathway.rq)."""
    params = {"occupation": [occupation], **person.params(trainings=False)}
    rows = run_query(store, bind(load_query("pathway"), params)).rows
    return [
        Candidate(
            rank=_int(r["rank"]),
            level=_text(r["level"]),
            route=_int(r["route"]),
            alternative=_int(r["alternative"]),
            years_still_needed=Decimal(_text(r["yearsStillNeeded"])),
            training_rank=_int(r["trainingRankNeeded"]) if "trainingRankNeeded" in r else None,
            training=_text(r.get("trainingStillNeeded")),
            conditions=_text(r["conditions"]),
            line=_int(r["line"]),
        )
        for r in rows
    ]


def pathway(
    store: ox.Store,
    start: Person,
    target_rank: int,
    *,
    occupation: str = DEFAULT_OCCUPATION,
    allow_training: bool = True,
) -> Pathway | None:
    """The pathway with the fewest years of work from ``start`` to a certificate of
    ``target_rank``; None when no sequence of routes reaches it.

    Each state is a certificate held, the years worked and the years since the certificate;
    from a state, every route to a level above the one held (and not above the target)
    is an edge whose cost is the years it still needs.  ``allow_training=False`` leaves out
    the routes that need a formal training.
    """
    if not 1 <= target_rank <= 5:
        raise ValueError("target_rank is 1..5")
    if start.certificate_occupation == "this" and 0 < start.certificate_rank <= target_rank:
        return Pathway(start, target_rank, ())  # the certificate held is at or above it
    counter = 0  # tie-breaker that keeps the heap from comparing Person objects
    queue: list[tuple[tuple[Decimal, int, int, tuple[tuple[int, int, int], ...]], int,
                      Person, tuple[Step, ...]]] = []  # fmt: skip
    heapq.heappush(queue, ((Decimal(0), 0, 0, ()), counter, start, ()))
    seen: set[tuple[object, ...]] = set()
    while queue:
        (years, trainings, _n, routes), _c, person, steps = heapq.heappop(queue)
        if steps and steps[-1].candidate.rank == target_rank:
            return Pathway(start, target_rank, steps)
        key = (person.certificate_rank, person.years_of_work, person.years_since_certificate,
               person.training_ranks)  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        # a certificate of another occupation does not stand in for a level of this one
        held = (person.certificate_rank or 6) if person.certificate_occupation == "this" else 6
        for c in next_steps(store, person, occupation=occupation):
            if not target_rank <= c.rank < held:
                continue
            needs_training = c.training_rank is not None and (
                c.training_rank not in person.training_ranks
            )
            if needs_training and not allow_training:
                continue
            wait = c.years_still_needed.to_integral_value(ROUND_CEILING)
            year = person.years_of_work + wait
            done = person.training_ranks | ({c.training_rank} if needs_training else set())
            after = dataclasses.replace(
                person,
                certificate_rank=c.rank,
                certificate_occupation="this",
                years_of_work=year,
                years_since_certificate=Decimal(0),
                training_ranks=frozenset(r for r in done if r is not None),
            )
            step = Step(c, wait, year, c.training if needs_training else "")
            counter += 1
            priority = (
                years + wait,
                trainings + int(needs_training),
                len(steps) + 1,
                (*routes, (-c.rank, c.route, c.alternative)),
            )
            heapq.heappush(queue, (priority, counter, after, (*steps, step)))
    return None
