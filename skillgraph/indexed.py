"""One scan of an rdflib graph into plain dicts, read by the build's serializers and checks.

rdflib's in-memory store spends most of a lookup on per-triple context bookkeeping, and
rdflib's Turtle and JSON-LD serializers and our SHACL check look up every subject several
times: ~1 s per standard.  :class:`TripleIndex` reads the graph once (~0.1 s);
:class:`IndexedGraph` is a read-only :class:`~rdflib.Graph` over the same store and
namespace manager whose ``triples`` answers from that index, so rdflib's own serializer
code runs unchanged on it, only faster.  The graph must not change while an index of it
is in use (the build indexes it after the closure is added).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.paths import Path
from rdflib.term import Node

__all__ = ["IndexedGraph", "TripleIndex"]

Triple = tuple[Node, Node, Node]


@dataclass
class TripleIndex:
    """Every triple of a graph: in scan order, by subject, and (lazily) by predicate."""

    triples: list[Triple]
    spo: dict[Node, dict[Node, list[Node]]]
    _pso: dict[Node, dict[Node, list[Node]]] | None = field(default=None, repr=False)
    _pos: dict[Node, dict[Node, list[Node]]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, graph: Graph) -> TripleIndex:
        triples = list(graph.triples((None, None, None)))
        spo: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in triples:
            by_p = spo.get(s)
            if by_p is None:
                spo[s] = {p: [o]}
            else:
                objects = by_p.get(p)
                if objects is None:
                    by_p[p] = [o]
                else:
                    objects.append(o)
        return cls(triples, spo)

    def __len__(self) -> int:
        return len(self.triples)

    def forward(self, p: Node) -> dict[Node, list[Node]]:
        """subject → objects of predicate ``p`` (each once: a graph is a set)."""
        if self._pso is None:
            pso: dict[Node, dict[Node, list[Node]]] = {}
            for s, by_p in self.spo.items():
                for pred, objects in by_p.items():
                    found = pso.get(pred)
                    if found is None:
                        pso[pred] = {s: objects}
                    else:
                        found[s] = objects
            self._pso = pso
        return self._pso.get(p, {})

    def inverse(self, p: Node) -> dict[Node, list[Node]]:
        """object → subjects of predicate ``p`` (each once)."""
        if self._pos is None:
            self._pos = {}
        found = self._pos.get(p)
        if found is None:
            found = {}
            for s, objects in self.forward(p).items():
                for o in objects:
                    subjects = found.get(o)
                    if subjects is None:
                        found[o] = [s]
                    else:
                        subjects.append(s)
            self._pos[p] = found
        return found


class IndexedGraph(Graph):
    """A read-only view of ``graph`` whose triple lookups come from a :class:`TripleIndex`.

    It shares the graph's store (for namespace bindings), namespace manager and base, so
    prefixes and QNames are computed exactly as for the graph itself.
    """

    def __init__(self, graph: Graph, index: TripleIndex) -> None:
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
            base=graph.base,
        )
        self.index = index

    def triples(self, triple):  # type: ignore[no-untyped-def, override]
        s, p, o = triple
        if isinstance(p, Path):
            yield from super().triples(triple)
            return
        yield from self._match(s, p, o)

    def _match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        index = self.index
        if s is None and p is None and o is None:
            yield from index.triples
        elif s is not None:
            by_p = index.spo.get(s)
            if not by_p:
                return
            preds = by_p if p is None else ((p,) if p in by_p else ())
            for pred in preds:
                for obj in by_p[pred]:
                    if o is None or obj == o:
                        yield s, pred, obj
        elif p is not None:
            if o is None:
                for subj, objects in index.forward(p).items():
                    for obj in objects:
                        yield subj, p, obj
            else:
                for subj in index.inverse(p).get(o, ()):
                    yield subj, p, o
        else:
            for subj, pred, obj in index.triples:
                if obj == o:
                    yield subj, pred, obj

    def __len__(self) -> int:
        return len(self.index)

    def add(self, triple):  # type: ignore[no-untyped-def, override]
        raise TypeError("IndexedGraph is read-only")

    def remove(self, triple):  # type: ignore[no-untyped-def, override]
        raise TypeError("IndexedGraph is read-only")
