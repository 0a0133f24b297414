"""The embedded store (pyoxigraph) and running SPARQL on it.

pyoxigraph loads a standard in well under a second and answers anchored queries in
milliseconds (docs/architecture.md, "Engine facts"), so every read path — the query command,
the build report and the server — goes through one ``Store`` loaded from the built
artifacts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

GRAPH_FILE = "graph.nt"
ONTOLOGY_FILE = "ontology.ttl"


@dataclass
class QueryResult:
    """A SELECT/ASK/CONSTRUCT answer in a form every output format can be made from."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str]
    rows: list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None


def store_from_graph(graph: Graph) -> ox.Store:
    """An in-memory store holding an rdflib graph (N-Triples round trip: fast, exact)."""
    store = ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    return store


def data_store(build_dir: Path) -> ox.Store:
    """An in-memory store with a build's data graph only (graph.nt)."""
    graph_file = build_dir / GRAPH_FILE
    if not graph_file.is_file():
        raise FileNotFoundError(
            f"{graph_file} not found: run `skillgraph build` first (or pass --build DIR)"
        )
    store = ox.Store()
    store.bulk_load(path=str(graph_file), format=ox.RdfFormat.N_TRIPLES)
    return store


def ontology_bytes(build_dir: Path | None) -> bytes:
    """The ontology Turtle of a build, or the packaged one."""
    if build_dir is not None and (build_dir / ONTOLOGY_FILE).is_file():
        return (build_dir / ONTOLOGY_FILE).read_bytes()
    return (resources.files("skillgraph.ontology") / "skillgraph.ttl").read_bytes()


def store_from_build(build_dir: Path) -> ox.Store:
    """An in-memory store with a build's data graph and the ontology."""
    store = data_store(build_dir)
    store.bulk_load(input=ontology_bytes(build_dir), format=ox.RdfFormat.TURTLE)
    return store


def run_query(store: ox.Store, query: str) -> QueryResult:
    """Run SPARQL; SyntaxError (with the parser's message) on a bad query."""
    answer = store.query(query)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        # a solution iterates its values in variable order: one pass, no lookups by name
        rows = [{n: v for n, v in zip(variables, sol, strict=True) if v is not None}
                for sol in answer]
        return QueryResult("select", variables, rows)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", [], [], boolean=bool(answer))
    return QueryResult("graph", [], [], triples=list(answer))


def result_json(store: ox.Store, query: str) -> bytes:
    """SPARQL 1.1 Query Results JSON, as serialized by the engine itself."""
    answer = store.query(query)
    buf = io.BytesIO()
    answer.serialize(buf, ox.QueryResultsFormat.JSON)
    return buf.getvalue()
