"""What joins standards: near-same competencies of different occupations, with a score.

Identically worded statements already share one ``sg:Competency`` (its IRI is a hash of
the wording).  Statements worded *almost* the same in two occupations (能审定业务指导方案 /
能够制定业务指导方案) are linked here by a ``sg:CompetencySimilarity`` node naming both and
their score: the Dice coefficient of the two texts' character bigrams, after dropping the
skill marker 能/能够 and final punctuation.  Chinese has no spaces, and bigrams are the
usual unit for comparing short Chinese texts without a segmenter.

Candidates come from an inverted index of bigrams (pairs sharing at least two), so the cost
grows with the pairs that share wording, not with all pairs; bigrams held by more than
:data:`MAX_POSTINGS` competencies (common words such as 知识) are not used to find pairs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from itertools import combinations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from . import vocab as V
from .vocab import RDF, SKOS

THRESHOLD = 0.6
MAX_POSTINGS = 2000
METHOD = "character-bigram Dice coefficient (skill marker 能/能够 and final punctuation removed)"


def _core(text: str) -> str:
    text = "".join(text.split()).rstrip("。；;.")
    for marker in ("能够", "能"):
        if text.startswith(marker):
            return text[len(marker) :]
    return text


def bigrams(text: str) -> set[str]:
    core = _core(text)
    return {core[i : i + 2] for i in range(len(core) - 1)} or {core}


def dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _competencies(graph: Graph) -> dict[URIRef, tuple[str, str, str]]:
    """competency → (occupation scheme, kind, zh wording)."""
    out: dict[URIRef, tuple[str, str, str]] = {}
    for comp in graph.subjects(RDF.type, V.Competency):
        scheme = graph.value(comp, SKOS.inScheme)
        label = next(
            (str(o) for o in graph.objects(comp, SKOS.prefLabel) if getattr(o, "language", "")
             == "zh"),
            None,
        )  # fmt: skip
        if isinstance(comp, URIRef) and scheme is not None and label:
            kind = str(comp).rsplit("/", 1)[-1].split("-")[0]
            out[comp] = (str(scheme), kind, label)
    return out


def similar_pairs(graph: Graph, threshold: float = THRESHOLD) -> list[tuple[URIRef, URIRef, float]]:
    """(a, b, score) for competencies of different occupations, same kind, score ≥ threshold."""
    comps = _competencies(graph)
    grams = {c: bigrams(t) for c, (_s, _k, t) in comps.items()}
    index: dict[tuple[str, str], list[URIRef]] = defaultdict(list)
    for comp, gs in grams.items():
        for g in gs:
            index[(comps[comp][1], g)].append(comp)
    shared: dict[tuple[URIRef, URIRef], int] = defaultdict(int)
    for posting in index.values():
        if len(posting) > MAX_POSTINGS:
            continue
        for a, b in combinations(sorted(posting), 2):
            if comps[a][0] != comps[b][0]:
                shared[(a, b)] += 1
    out = []
    for (a, b), n in shared.items():
        if n < 2 and min(len(grams[a]), len(grams[b])) > 1:
            continue
        score = dice(grams[a], grams[b])
        if score >= threshold:
            out.append((a, b, round(score, 3)))
    return sorted(out)


def add_similarities(graph: Graph, base: str) -> int:
    """Link near-same competencies across occupations; returns how many links were added."""
    pairs = similar_pairs(graph)
    for a, b, score in pairs:
        key = hashlib.sha1(f"{a}\n{b}".encode()).hexdigest()[:12]
        node = URIRef(f"{base}competency-similarity/{key}")
        graph.add((node, RDF.type, V.CompetencySimilarity))
        graph.add((node, V.similarCompetency, a))
        graph.add((node, V.similarCompetency, b))
        graph.add((node, V.similarityScore, Literal(f"{score:.3f}", datatype=XSD.decimal)))
        graph.add((node, V.similarityMethod, Literal(METHOD, lang="en")))
    return len(pairs)


__all__ = ["add_similarities", "bigrams", "dice", "similar_pairs"]
