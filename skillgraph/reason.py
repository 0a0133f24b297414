"""Reason stage: the entailments of the level-coverage axioms, fast and checked.

The ontology defines ``sg:requires`` by two property chains and makes
``sg:coversLowerLevel`` transitive (``ontology/skillgraph.ttl``).  Queries and the published
graph need those entailments as plain triples, but a general OWL reasoner is far too slow
for every build (owlrl takes ~20 s per standard: docs/architecture.md, "Engine facts").  So:

* :func:`materialize_closure` computes exactly those two entailments with set
  operations over the few predicates involved (milliseconds; measured faster than
  copying the triples into pyoxigraph and running a property-path CONSTRUCT), and
* :func:`check_with_hermit` runs the real OWL 2 DL reasoner (HermiT through owlready2)
  on the ontology plus a graph, to prove the axioms consistent with the data and that
  the fast closure equals what the axioms entail.  It is a test and audit tool, not a
  build step: it needs Java and takes seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from .children import python_module
from .vocab import (
    OWL,
    RDF,
    RDFS,
    SG_IRI,
    coversLowerLevel,
    hasFunction,
    hasRequirement,
    hasWorkContent,
    requires,
)

__all__ = [
    "HermitResult",
    "ReasonerError",
    "ReasonerTimeout",
    "ReasonerUnavailable",
    "check_with_hermit",
    "materialize_closure",
]

JAVA_MEMORY_MB = 1024
"""JVM heap for HermiT; one standard needs ~350 MB (docs/architecture.md, "Engine facts"),
owlready2's default is 2 GB."""


class ReasonerError(RuntimeError):
    """HermiT could not give an answer (Java error, unparsable ontology)."""


class ReasonerUnavailable(ReasonerError):
    """No Java runtime on PATH, so HermiT cannot run."""


class ReasonerTimeout(ReasonerError):
    """HermiT did not finish within the time allowed."""


def materialize_closure(graph: Graph) -> int:
    """Add the transitive closure of sg:coversLowerLevel and every entailed sg:requires.

    A level requires its own requirements (hasFunction/hasWorkContent/hasRequirement),
    any it already asserts, and everything each level it covers requires.  Works in place;
    returns the number of triples added, so a second call returns 0.

    >>> from rdflib import Graph, Namespace
    >>> from skillgraph.vocab import SG
    >>> x = Namespace("urn:x:")
    >>> g = Graph()
    >>> _ = g.add((x.l3, SG.coversLowerLevel, x.l4)).add((x.l4, SG.coversLowerLevel, x.l5))
    >>> for n in (3, 5):
    ...     _ = g.add((x[f"l{n}"], SG.hasFunction, x[f"f{n}"]))
    ...     _ = g.add((x[f"f{n}"], SG.hasWorkContent, x[f"c{n}"]))
    ...     _ = g.add((x[f"c{n}"], SG.hasRequirement, x[f"r{n}"]))
    >>> materialize_closure(g)  # l3 covers l5; l3 requires r3, r5; l4 and l5 require r5
    5
    >>> materialize_closure(g)
    0
    """

    def edges(pred: URIRef) -> dict[URIRef | BNode, set[URIRef | BNode]]:
        out: dict[URIRef | BNode, set[URIRef | BNode]] = defaultdict(set)
        for s, o in graph.subject_objects(pred):
            if not isinstance(o, Literal):
                out[s].add(o)
        return out

    covers = edges(coversLowerLevel)
    functions, contents, reqs = edges(hasFunction), edges(hasWorkContent), edges(hasRequirement)
    base = edges(requires)  # asserted sg:requires also propagate through the second chain
    for level, fns in functions.items():
        for fn in fns:
            for content in contents.get(fn, ()):
                base[level] |= reqs.get(content, set())

    reach = {level: _reachable(level, covers) for level in covers}
    new: set[tuple[URIRef | BNode, URIRef, URIRef | BNode]] = set()
    for level, below in reach.items():
        new.update((level, coversLowerLevel, lower) for lower in below)
    for level in base.keys() | reach.keys():
        own = base.get(level, set())
        inherited = (r for lower in reach.get(level, ()) for r in base.get(lower, ()))
        new.update((level, requires, r) for r in (*own, *inherited))

    added = sorted(t for t in new if t not in graph)
    for triple in added:
        graph.add(triple)
    return len(added)


def _reachable(start: URIRef | BNode, edges: dict) -> set:
    """Nodes reachable from ``start`` by one or more edges (cycle-safe depth-first search)."""
    seen: set = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


@dataclass
class HermitResult:
    """What HermiT says about ontology + graph.

    ``inferred_requires`` and ``inferred_covers`` hold every entailed (subject, object) IRI
    pair of sg:requires and sg:coversLowerLevel, asserted or inferred; both are empty when
    the ontology is inconsistent.  ``seconds`` is wall time including JVM start.
    """

    consistent: bool
    inferred_requires: set[tuple[str, str]] = field(default_factory=set)
    inferred_covers: set[tuple[str, str]] = field(default_factory=set)
    seconds: float = 0.0
    message: str = ""


def check_with_hermit(
    graph: Graph, ontology_path: str | Path | None = None, timeout_s: float = 120
) -> HermitResult:
    """Run HermiT (owlready2) on the ontology plus the OWL-relevant part of ``graph``.

    Only what the ontology can reason about is passed: rdf:type to its classes and
    assertions of its object and datatype properties (IRIs only; annotations and blank
    nodes are left out).  HermiT runs in a child process with its own owlready2 World, so
    the timeout can end the JVM and no owlready2 global state leaks into the caller.

    >>> import shutil
    >>> from rdflib import Graph
    >>> shutil.which("java") is None or check_with_hermit(Graph()).consistent
    True
    """
    java = shutil.which("java")
    if java is None:
        raise ReasonerUnavailable("HermiT needs a Java runtime: no `java` on PATH")
    tbox = ontology_graph(ontology_path, owlapi3=True)
    for triple in owl_abox(graph, tbox):
        tbox.add(triple)

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="skillgraph-hermit-") as tmp:
        nt_path, answer_path = Path(tmp) / "input.nt", Path(tmp) / "answer.json"
        tbox.serialize(nt_path, format="nt", encoding="utf-8")
        command = python_module("skillgraph.reason", str(nt_path), java, str(answer_path))
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # own process group: a timeout ends the JVM too
        )
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReasonerTimeout(f"HermiT did not finish within {timeout_s} s") from None
        if proc.returncode != 0:
            tail = (err or out).strip()[-2000:]
            raise ReasonerError(f"HermiT worker failed ({proc.returncode}): {tail}")
        answer = json.loads(answer_path.read_text(encoding="utf-8"))
    seconds = time.perf_counter() - start
    return HermitResult(
        consistent=answer["consistent"],
        inferred_requires={tuple(p) for p in answer["requires"]},
        inferred_covers={tuple(p) for p in answer["covers"]},
        seconds=seconds,
        message=answer["message"],
    )


def ontology_graph(ontology_path: str | Path | None = None, *, owlapi3: bool = False) -> Graph:
    """The ontology (packaged ``skillgraph.ttl`` unless a path is given) as a graph.

    ``owlapi3=True`` swaps the range rdf:langString for rdf:PlainLiteral: the HermiT in
    owlready2 parses with OWL API 3, which predates rdf:langString and would otherwise
    reject it as an unknown datatype.  rdf:PlainLiteral also admits untagged strings, so
    HermiT does not check language tags (SHACL does).

    >>> g = ontology_graph(owlapi3=True)
    >>> (None, RDFS.range, RDF.langString) in g, (None, RDFS.range, RDF.PlainLiteral) in g
    (False, True)
    """
    graph = Graph()
    if ontology_path is None:
        source = files("skillgraph.ontology") / "skillgraph.ttl"
        graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    else:
        graph.parse(str(ontology_path), format="turtle")
    if owlapi3:
        graph.remove((RDF.langString, RDF.type, RDFS.Datatype))
        for prop in list(graph.subjects(RDFS.range, RDF.langString)):
            graph.remove((prop, RDFS.range, RDF.langString))
            graph.add((prop, RDFS.range, RDF.PlainLiteral))
    return graph


def owl_abox(graph: Graph, tbox: Graph) -> Iterable[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The triples of ``graph`` an OWL reasoner can use with ``tbox``, individuals declared.

    >>> from rdflib import Graph, Literal, URIRef
    >>> from skillgraph.vocab import SG, SKOS
    >>> tbox = Graph().parse(data="@prefix sg: <https://w3id.org/skillgraph/ontology#> . "
    ...     "@prefix owl: <http://www.w3.org/2002/07/owl#> . sg:rank a owl:DatatypeProperty .",
    ...     format="turtle")
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:x:l5"), SG.rank, Literal(5)))
    >>> _ = g.add((URIRef("urn:x:l5"), SKOS.prefLabel, Literal("五级", lang="zh")))
    >>> len(list(owl_abox(g, tbox)))  # the rank and a NamedIndividual declaration
    2
    """
    classes = {c for c in tbox.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    object_props = set(tbox.subjects(RDF.type, OWL.ObjectProperty))
    data_props = set(tbox.subjects(RDF.type, OWL.DatatypeProperty))
    terms = classes | object_props | data_props
    individuals: set[URIRef] = set()
    for s, p, o in graph:
        if not isinstance(s, URIRef) or s in terms:
            continue
        if (p == RDF.type and o in classes) or (p in object_props and isinstance(o, URIRef)):
            individuals.add(s)
            if p != RDF.type:
                individuals.add(o)
            yield s, p, o
        elif p in data_props and isinstance(o, Literal):
            individuals.add(s)
            yield s, p, o
    for node in sorted(individuals - terms):
        yield node, RDF.type, OWL.NamedIndividual


def _hermit_worker(nt_path: str, java: str) -> dict:
    """Child-process side of :func:`check_with_hermit`: load, reason, report as JSON data."""
    import owlready2
    from owlready2 import reasoning

    owlready2.JAVA_EXE = java
    reasoning.JAVA_MEMORY = JAVA_MEMORY_MB
    world = owlready2.World()
    world.get_ontology(Path(nt_path).as_uri()).load(format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return {
            "consistent": False,
            "requires": [],
            "covers": [],
            "message": "HermiT: the ontology and the data are inconsistent",
        }

    def pairs(local_name: str) -> list[tuple[str, str]]:
        prop = world[SG_IRI + local_name]
        return sorted((a.iri, b.iri) for a, b in prop.get_relations()) if prop else []

    req, cov = pairs("requires"), pairs("coversLowerLevel")
    return {
        "consistent": True,
        "requires": req,
        "covers": cov,
        "message": f"HermiT: consistent; {len(req)} sg:requires, "
        f"{len(cov)} sg:coversLowerLevel pairs entailed",
    }


if __name__ == "__main__":  # the child process started by check_with_hermit
    _answer = _hermit_worker(sys.argv[1], sys.argv[2])
    Path(sys.argv[3]).write_text(json.dumps(_answer), encoding="utf-8")
