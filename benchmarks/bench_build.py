"""`skillgraph build` of the shipped standard: time per stage, end to end, peak memory; and a
check that the build's fast paths give exactly what the reference code gives.

Each run is a fresh process (imports and OS file cache warm after the first): the
per-stage figures come from ``build()``'s progress callback (wall and this process's CPU
time per stage), the end-to-end ones from running ``python -m skillgraph.cli build`` (wall
and CPU from ``os.wait4``, peak RSS = the child's ``ru_maxrss``).

Equivalence (``check_fast_paths``): on the built graph, Turtle and JSON-LD from the indexed
serializers equal rdflib's own serialization byte for byte, and the build's SHACL report
(:mod:`skillgraph.shacl`) is the one pyshacl writes — the same results, compared as the W3C
SHACL suite compares reports (``tests/shacl_suite.py``) — on the graph and on randomly
broken copies of a small standard.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import REPO, Timer, median, rss_mb, run_child, run_measured, say

STAGES = ("parse", "rdf", "closure", "validation", "serialization")


# --------------------------------------------------------------------------- child process
def child(out: Path) -> dict[str, Any]:
    """One build in this (fresh) process: import time, per-stage wall/CPU, peak RSS."""
    t = Timer()
    from skillgraph.build import build
    from skillgraph.loaders.standard import default_source

    imports = {"wall_s": t.wall, "cpu_s": t.cpu}
    marks: list[tuple[str, float, float]] = []

    stage_names = {"parse", "rdf", "closure", "hermit", "validation", "serialization"}

    def progress(message: str) -> None:
        name = message.split()[0]
        if name in stage_names:  # other lines (a source read, joins found) are within one
            marks.append((name, time.perf_counter(), time.process_time()))

    start = (time.perf_counter(), time.process_time())
    result = build(default_source(), out, hermit=False, progress=progress)
    stages: dict[str, dict[str, float]] = {}
    prev_wall, prev_cpu = start
    for name, wall, cpu in marks:
        stages[name] = {"wall_s": wall - prev_wall, "cpu_s": cpu - prev_cpu}
        prev_wall, prev_cpu = wall, cpu
    return {
        "imports": imports,
        "stages": stages,
        "build_wall_s": prev_wall - start[0],
        "build_cpu_s": prev_cpu - start[1],
        "triples": len(result.graph),
        "violations": result.validation.violations,
        "warnings": result.validation.warnings,
        **rss_mb(),
    }


# --------------------------------------------------------------------------- parent
def _carbon() -> Path:
    from skillgraph.loaders.standard import default_source

    return default_source()


def measure(work: Path, runs: int, timeout: float = 300) -> dict[str, Any]:
    """``runs`` in-process stage measurements and ``runs`` CLI builds, interleaved.

    The parse cache is off (SKILLGRAPH_NO_CACHE) so every run reads its sources anew."""
    os.environ["SKILLGRAPH_NO_CACHE"] = "1"
    in_process: list[dict[str, Any]] = []
    cli: list[dict[str, float]] = []
    for i in range(runs):
        answer, _ = run_child([str(Path(__file__)), "--child", str(work / f"stages-{i}")],
                              timeout=timeout)
        in_process.append(answer)
        # not from the repository: there ``python -m`` would put it first on sys.path
        # the one standard the target is about (the default build reads every shipped
        # standard: benchmarks/bench_many.py measures many in one build)
        cli.append(run_measured([sys.executable, "-m", "skillgraph.cli", "build", "--source",
                                 str(_carbon()), "--out", str(work / f"cli-{i}")],
                                timeout=timeout, cwd=work))
        say(f"  build run {i + 1}/{runs}: stages {answer['build_wall_s']:.2f} s wall "
            f"({answer['build_cpu_s']:.2f} s CPU), CLI {cli[-1]['wall_s']:.2f} s wall "
            f"({cli[-1]['cpu_s']:.2f} s CPU), peak {cli[-1]['peak_rss_mb']:.0f} MB")
    names = [s for s in STAGES if all(s in r["stages"] for r in in_process)]
    return {
        "runs": runs,
        "stages": {
            s: {
                "median_wall_s": round(median(r["stages"][s]["wall_s"] for r in in_process), 3),
                "median_cpu_s": round(median(r["stages"][s]["cpu_s"] for r in in_process), 3),
            }
            for s in names
        },
        "build_call": {
            "median_wall_s": round(median(r["build_wall_s"] for r in in_process), 3),
            "median_cpu_s": round(median(r["build_cpu_s"] for r in in_process), 3),
            "median_peak_rss_mb": median(r["peak_rss_mb"] for r in in_process),
        },
        "imports": {
            "median_wall_s": round(median(r["imports"]["wall_s"] for r in in_process), 3),
        },
        "cli_end_to_end": {
            "command": "python -m skillgraph.cli build --source <carbon draft> --out DIR",
            "median_wall_s": round(median(r["wall_s"] for r in cli), 3),
            "median_cpu_s": round(median(r["cpu_s"] for r in cli), 3),
            "median_peak_rss_mb": median(r["peak_rss_mb"] for r in cli),
            "wall_s": [round(r["wall_s"], 3) for r in cli],
        },
        "triples": in_process[0]["triples"],
        "violations": in_process[0]["violations"],
        "warnings": in_process[0]["warnings"],
    }


# --------------------------------------------------------------------------- equivalence
def _reference_jsonld(graph: Any, base: str) -> bytes:
    """The JSON-LD writer as it was before the indexed path (rdflib text, parsed back)."""
    from skillgraph.serialize import jsonld_context

    ctx = jsonld_context(base)
    doc = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])

    def canon(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: canon(v) for k, v in node.items()}
        if isinstance(node, list):
            return sorted((canon(v) for v in node),
                          key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        return node

    canonical = {"@context": ctx,
                 "@graph": sorted((canon(n) for n in nodes), key=lambda n: str(n.get("@id")))}
    return (json.dumps(canonical, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def check_fast_paths(work: Path, mutations: int, seed: int = 1) -> dict[str, Any]:
    from rdflib.compare import isomorphic
    from shacl_suite import normalise  # tests/shacl_suite.py

    from skillgraph.build import build
    from skillgraph.indexed import TripleIndex
    from skillgraph.loaders.standard import default_source
    from skillgraph.serialize import to_jsonld, to_turtle
    from skillgraph.validate import load_shapes, validate
    from skillgraph.vocab import DEFAULT_DATA_BASE, SH

    graph = build(default_source(), work / "equivalence", hermit=False).graph
    index = TripleIndex.of(graph)
    shapes = load_shapes()
    out: dict[str, Any] = {
        "turtle_identical": to_turtle(graph, DEFAULT_DATA_BASE, index)
        == graph.serialize(format="turtle", encoding="utf-8"),
        "jsonld_identical": to_jsonld(graph, DEFAULT_DATA_BASE, index)
        == _reference_jsonld(graph, DEFAULT_DATA_BASE),
    }
    t = Timer()
    ours = validate(graph).report_graph
    ours_s = t.wall
    t = Timer()
    reference = pyshacl_report(graph, shapes)
    out["shacl_on_standard"] = {
        "results": len(list(ours.objects(None, SH.result))),
        "pyshacl_results": len(list(reference.objects(None, SH.result))),
        "agree": isomorphic(normalise(ours), normalise(reference)),
        "skillgraph_s": round(ours_s, 3),
        "pyshacl_s": round(t.wall, 3),
    }
    out["shacl_on_broken_copies"] = fuzz_validation(mutations, seed, shapes)
    out["ok"] = (out["turtle_identical"] and out["jsonld_identical"]
                 and out["shacl_on_standard"]["agree"]
                 and out["shacl_on_broken_copies"]["disagree"] == 0)
    return out


def pyshacl_report(data: Any, shapes: Any) -> Any:
    """pyshacl's report, run as the suite runner runs it (no inference, all results)."""
    from pyshacl import validate as pyshacl_validate

    return pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=False,
                            allow_warnings=False, meta_shacl=False)[1]


def fuzz_validation(n: int, seed: int, shapes: Any) -> dict[str, Any]:
    """Break a small standard's graph in 1–3 random ways, ``n`` times; compare the build's
    SHACL report with pyshacl's."""
    import logging
    import warnings

    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import isomorphic
    from rdflib.namespace import RDF, XSD
    from shacl_suite import difference, normalise  # tests/shacl_suite.py
    from test_to_rdf import small_standard  # tests/test_to_rdf.py

    from skillgraph.reason import materialize_closure
    from skillgraph.to_rdf import standard_to_graph
    from skillgraph.validate import validate
    from skillgraph.vocab import SH

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # ill-typed literals below
    warnings.simplefilter("ignore", UserWarning)
    rng = random.Random(seed)
    good = standard_to_graph(small_standard())
    materialize_closure(good)
    triples = sorted(good)
    iris = sorted({t[0] for t in triples} | {t[2] for t in triples if isinstance(t[2], URIRef)})
    literals = sorted({t[2] for t in triples if isinstance(t[2], Literal)})
    predicates = sorted({t[1] for t in triples})
    types = sorted({t[2] for t in triples if t[1] == RDF.type})
    odd_literals = [Literal("-3", datatype=XSD.integer), Literal("abc", datatype=XSD.integer),
                    Literal("101", datatype=XSD.integer), Literal("0", datatype=XSD.integer),
                    Literal("x", lang="fr"), Literal("y", lang="zh-Hans"), Literal("")]

    def mutate(g: Graph) -> str:
        s, p, o = rng.choice(triples)
        kind = rng.randrange(9)
        if kind == 0:
            g.remove((s, p, o))
        elif kind == 1:
            g.add((s, p, rng.choice(literals + odd_literals)))
        elif kind == 2:
            g.add((s, p, rng.choice(iris)))
        elif kind == 3:
            g.remove((s, p, o))
            if isinstance(o, Literal):
                g.add((s, p, rng.choice([
                    Literal(str(o)), Literal(str(o), lang=rng.choice(["zh", "en", "ZH", "de"])),
                    Literal(str(o), datatype=rng.choice([XSD.integer, XSD.string, XSD.decimal,
                                                         XSD.boolean])),
                    *odd_literals])))
            else:
                g.add((s, p, rng.choice([rng.choice(iris), Literal(str(o)), BNode()])))
        elif kind == 4:
            g.remove((s, RDF.type, None))
            g.add((s, RDF.type, rng.choice(types)))
        elif kind == 5:
            g.add((rng.choice(iris), rng.choice(predicates), o))
        elif kind == 6:
            for t in list(g.triples((s, None, None))):
                if rng.random() < 0.3:
                    g.remove(t)
        elif kind == 7:
            g.add((s, p, Literal(f"{o}x", lang="zh")))
        else:
            g.remove((s, p, o))
            g.add((rng.choice(iris), p, o))
        return str(kind)

    counts = {"cases": n, "agree": 0, "disagree": 0, "pyshacl_failed": 0, "with_results": 0}
    disagreements: list[str] = []
    failures: list[str] = []
    for _ in range(n):
        g = Graph()
        for t in triples:
            g.add(t)
        what = [mutate(g) for _ in range(rng.randint(1, 3))]
        ours = normalise(validate(g, shapes).report_graph)
        try:
            reference = normalise(pyshacl_report(g, shapes))
        except Exception as exc:  # pyshacl's rdflib SPARQL fails on some broken literals
            counts["pyshacl_failed"] += 1
            failures.append(f"mutations {what}: {type(exc).__name__}: {exc}"[:300])
            continue
        if isomorphic(ours, reference):
            counts["agree"] += 1
        else:
            counts["disagree"] += 1
            disagreements.append(f"mutations {what}: {difference(reference, ours)}")
        counts["with_results"] += (None, SH.result, None) in ours
    return {**counts, "seed": seed, "disagreement_examples": disagreements[:5],
            "pyshacl_failure_examples": failures[:3]}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(REPO / "benchmarks"))
        print(json.dumps(child(Path(sys.argv[2]))))
    else:
        with tempfile.TemporaryDirectory(prefix="sg-bench-build-") as tmp:
            print(json.dumps(measure(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 5),
                             indent=1))
