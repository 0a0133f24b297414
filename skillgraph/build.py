"""`skillgraph build`: sources → parsed models → one RDF graph → closure → validation → artifacts.

Everything is written into a temporary directory beside the output and swapped in at
the end (:mod:`skillgraph.atomic`), so a failed or killed build leaves the previous
output as it was.  The
artifacts are deterministic: two builds of the same source are byte-identical.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .atomic import write_files
from .committee import Review, collect
from .indexed import TripleIndex
from .joins import add_similarities
from .model import Standard
from .reason import ReasonerError, check_with_hermit, materialize_closure
from .report import write_reports
from .schemaorg import schema_org_jsonld
from .search import search_index_bytes
from .serialize import jsonld_context, to_jsonld, to_ntriples, to_turtle
from .sources import expand_sources, read_standards
from .statistics import add_statistics
from .store import store_from_graph
from .to_rdf import load_translations_if_any, standard_to_graph
from .validate import ValidationResult, validate
from .vocab import DCTERMS, DEFAULT_DATA_BASE, SG, SKOS, requires

Progress = Callable[[str], None]


@dataclass
class HermitSummary:
    status: str  # "consistent", "inconsistent", "skipped", "error"
    detail: str = ""
    seconds: float = 0.0
    agrees_with_closure: bool | None = None


@dataclass
class BuildResult:
    out: Path
    standards: list[Standard]
    graph: Graph
    asserted: int
    inferred: int
    validation: ValidationResult
    hermit: HermitSummary
    timings: dict[str, float] = field(default_factory=dict)
    cached: int = 0  # standards whose parse came from the cache
    review: Review | None = None  # every finding and warning, for the drafting committee

    @property
    def standard(self) -> Standard:
        """The first standard built (the only one when a single source is given)."""
        return self.standards[0]

    @property
    def ok(self) -> bool:
        return self.validation.violations == 0 and self.hermit.status != "inconsistent"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ontology_text() -> bytes:
    return (resources.files("skillgraph.ontology") / "skillgraph.ttl").read_bytes()


def build(
    source: Path | Sequence[Path] | None,
    out: Path,
    *,
    base: str = DEFAULT_DATA_BASE,
    hermit: bool = True,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Build every standard given (files or directories; None = every shipped one) into
    ``out`` as one graph; returns what was built and how it validated.

    Each standard is read on its own (in parallel, cached by content); the graph is their
    union.  Closure, HermiT and SHACL run over the union; reports and provenance are
    written per standard (``standards/<code>/``) and for the whole build.  Artifacts are
    written even when validation finds violations (the report says why); the caller
    decides the exit code from ``BuildResult.ok``.
    """
    say = progress or (lambda _m: None)
    timings: dict[str, float] = {}

    def stage(name: str, start: float) -> None:
        timings[name] = time.perf_counter() - start
        say(f"  {name:<13} {timings[name] * 1000:8.0f} ms")

    given = [] if source is None else [source] if isinstance(source, str | Path) else source
    t = time.perf_counter()
    sources = expand_sources([Path(p) for p in given])
    standards, cached = read_standards(sources, cache_dir=cache_dir, progress=say)
    stage("parse", t)
    t = time.perf_counter()
    graph = Graph()
    for std in standards:  # translations are an input of the build, read here
        english = load_translations_if_any(std.profile.code)
        graph += standard_to_graph(std, base=base, translations=english)
    for prefix, ns in (("sg", SG), ("skos", SKOS), ("dcterms", DCTERMS)):
        graph.bind(prefix, ns)
    joins = add_similarities(graph, base)  # what joins the standards
    say(f"  {joins} near-same competencies across occupations")
    asserted = len(graph)
    stage("rdf", t)
    t = time.perf_counter()
    inferred = materialize_closure(graph)
    stage("closure", t)
    t = time.perf_counter()
    levels = add_statistics(graph)
    say(f"  counts of {levels} trade-levels written (skillgraph.statistics)")
    stage("statistics", t)
    t = time.perf_counter()
    hermit_summary = _hermit(graph) if hermit else HermitSummary("skipped", "--no-hermit")
    stage("hermit", t)
    t = time.perf_counter()
    # one scan of the finished graph feeds validation and the serializers (skillgraph.indexed);
    # the data-only store answers the SHACL-SPARQL constraints, then the report queries
    index = TripleIndex.of(graph)
    ntriples = to_ntriples(graph, index)
    store = ox.Store()
    store.bulk_load(input=ntriples, format=ox.RdfFormat.N_TRIPLES)
    validation = validate(graph, index=index, store=store)
    stage("validation", t)
    t = time.perf_counter()
    store.bulk_load(input=ontology_text(), format=ox.RdfFormat.TURTLE)
    review = collect(store, store_from_graph(validation.report_graph))
    files = {
        "graph.ttl": to_turtle(graph, base, index),
        "graph.nt": ntriples,
        "graph.jsonld": to_jsonld(graph, base, index),
        "context.jsonld": _json(jsonld_context(base)),
        "schema-org.jsonld": _json(schema_org_jsonld(graph, base=base)),
        "ontology.ttl": ontology_text(),
        "validation.ttl": to_turtle(validation.report_graph, base),
        "validation.txt": validation.report_text.encode("utf-8"),
        "search.sqlite": search_index_bytes(graph),
    }
    files.update(
        write_reports(
            standards, store, validation, hermit_summary, asserted, inferred, base, review
        )
    )
    files.update(_exports(graph, standards, sources))
    write_files(out, files)
    stage("serialization", t)
    return BuildResult(
        out, standards, graph, asserted, inferred, validation, hermit_summary, timings, cached,
        review,
    )


def _exports(graph: Graph, standards: list[Standard], sources: list[Path]) -> dict[str, bytes]:
    """CASE, CTDL-ASN and workbook of each standard (``exports/<code>/``), for the site."""
    from .interchange.site import export_files, source_time

    dated = [(std, source_time(path)) for std, path in zip(standards, sources, strict=True)]
    return export_files(graph, dated)


def _hermit(graph: Graph) -> HermitSummary:
    try:
        result = check_with_hermit(graph)
    except ReasonerError as exc:  # no Java, timeout, worker failure: reported, not fatal
        status = "skipped" if "Java" in str(exc) else "error"
        return HermitSummary(status, str(exc))
    if not result.consistent:
        return HermitSummary("inconsistent", result.message, result.seconds)
    closure = {(str(s), str(o)) for s, o in graph.subject_objects(requires)}
    return HermitSummary(
        "consistent",
        f"{len(result.inferred_requires)} sg:requires pairs entailed",
        result.seconds,
        agrees_with_closure=closure == result.inferred_requires,
    )


def _json(data: object) -> bytes:
    import json

    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
