"""The embedded store (pyoxigraph) and running SPARQL on it.

pyoxigraph loads a standard in well under a second and answers anchored queries in
milliseconds (docs/architecture.md, "Engine facts"), so every read path — the query command,
the build report and the server — goes through one ``Store`` loaded from the built
artifacts.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

GRAPH_FILE = "graph.nt"
ONTOLOGY_FILE = "ontology.ttl"
DISK_STORE_DIR = "store"  # build/store/: the on-disk store (`serve --store disk`)
DISK_STAMP_FILE = "store.json"  # build/store.json: what build/store/ was made from
STORE_KINDS = ("memory", "disk")  # what a process opens (`serve --store hybrid` mixes them)
STORE_ENV = "SKILLGRAPH_STORE"  # how `serve --store` reaches its query workers


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


def _stamp(build_dir: Path) -> dict[str, object]:
    """What an on-disk store is made from: graph.nt's size and time, the ontology's digest
    and the engine version (another version may not read the files)."""
    graph = build_dir / GRAPH_FILE
    st = graph.stat()
    return {
        "graph": [st.st_size, st.st_mtime_ns],
        "ontology": hashlib.sha256(ontology_bytes(build_dir)).hexdigest(),
        "pyoxigraph": ox.__version__,
    }


def disk_store_fresh(build_dir: Path) -> bool:
    """True when build/store/ holds this build's graph.nt and ontology."""
    stamp = build_dir / DISK_STAMP_FILE
    if not (build_dir / DISK_STORE_DIR).is_dir() or not stamp.is_file():
        return False
    try:
        made = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return {k: made.get(k) for k in ("graph", "ontology", "pyoxigraph")} == _stamp(build_dir)


def make_disk_store(build_dir: Path) -> Path:
    """Build/store/: graph.nt + ontology in an on-disk pyoxigraph store, made once per
    build (kept while graph.nt and the ontology are unchanged), so that `serve --store disk`
    opens it instead of loading the dump into memory (docs/scaling.md: ~1/5 of the memory
    at 1,000 standards).  Written beside and renamed into place: a reader never sees half a
    store."""
    target = build_dir / DISK_STORE_DIR
    if disk_store_fresh(build_dir):
        return target
    stamp = _stamp(build_dir)  # FileNotFoundError for a missing graph.nt, before any work
    partial = build_dir / f"{DISK_STORE_DIR}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    print(f"skillgraph: writing the on-disk store {target} (once per build)", file=sys.stderr)
    store = ox.Store(str(partial))
    store.bulk_load(path=str(build_dir / GRAPH_FILE), format=ox.RdfFormat.N_TRIPLES)
    data_triples = len(store)
    store.bulk_load(input=ontology_bytes(build_dir), format=ox.RdfFormat.TURTLE)
    store.flush()
    stamp["triples"] = len(store)  # counting an on-disk store reads all of it: once, here
    del store  # closes the database before it is moved
    (build_dir / DISK_STAMP_FILE).unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    stamp["data_triples"] = data_triples
    (build_dir / DISK_STAMP_FILE).write_text(json.dumps(stamp), encoding="utf-8")
    return target


def disk_data_triples(build_dir: Path) -> int:
    """Triples of graph.nt in build/store/ (the ontology's not counted)."""
    made = json.loads((build_dir / DISK_STAMP_FILE).read_text(encoding="utf-8"))
    return int(made["data_triples"])


def disk_triples(build_dir: Path) -> int:
    """Every triple in build/store/ (data and ontology)."""
    made = json.loads((build_dir / DISK_STAMP_FILE).read_text(encoding="utf-8"))
    return int(made.get("triples", made["data_triples"]))


def open_store(build_dir: Path, kind: str = "memory") -> ox.Store:
    """The build's data graph + ontology: loaded into memory, or ("disk") build/store/
    opened read-only, which several processes may do at once (make it first:
    `make_disk_store`)."""
    if kind == "memory":
        return store_from_build(build_dir)
    if kind != "disk":
        raise ValueError(f"store kind {kind!r}: use one of {', '.join(STORE_KINDS)}")
    if not disk_store_fresh(build_dir):
        raise FileNotFoundError(
            f"{build_dir / DISK_STORE_DIR}: no on-disk store of this build "
            "(`skillgraph serve --store disk` writes it)")
    return ox.Store.read_only(str(build_dir / DISK_STORE_DIR))


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
