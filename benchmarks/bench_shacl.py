"""SHACL engines on the W3C SHACL suites and on our build: pass/total, seconds, agreement.

    python benchmarks/bench_shacl.py [--engines skillgraph,pyshacl,pyshifty,pyrudof,jena]
                                     [--build DIR] [--runs 3]

Each engine runs through the adapters of ``tests/shacl_engines.py`` and the runner of
``tests/shacl_suite.py`` (the one CI plays for `skillgraph validate`).  On our build (the
carbon standard: ``skillgraph build``, then ``graph.ttl`` against
``shapes/skillgraph-shapes.ttl``) each engine's time includes parsing both files, and its
report is compared with `skillgraph validate`'s as the suite compares reports.  Jena SHACL
4.5 refuses our shapes (two ``sh:message`` values on one shape, which SHACL allows), so it
also runs on a copy keeping the English messages only.  An engine that is not installed
(pyrudof: ``pip install pyrudof``; Jena: Debian ``libapache-jena-java``) is skipped.

Writes ``benchmarks/results/shacl.json`` and the SHACL section of ``tests/w3c/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from common import REPO, RESULTS, machine, median, say, versions

ENGINES = ("skillgraph", "pyshacl", "pyshifty", "pyrudof", "jena")
SHAPES = REPO / "shapes" / "skillgraph-shapes.ttl"
RESULTS_MD = REPO / "tests" / "w3c" / "RESULTS.md"
WHY = {
    "skillgraph": "`skillgraph validate` (pyshifty + the two fixes in `skillgraph/shacl.py`)",
    "pyshacl": "pyshacl, no inference",
    "pyshifty": "pyshifty (`shifty.validate`, graph_mode data, no rules)",
    "pyrudof": "pyrudof, native SHACL engine",
    "jena": "Jena SHACL 4.5 (Debian `libapache-jena-java`, `shacl validate`, one JVM per run)",
}


def installed(engine: str) -> bool:
    if engine == "jena":
        from jena import available

        return available()
    module = {"skillgraph": "shifty", "pyshifty": "shifty"}.get(engine, engine)
    return importlib.util.find_spec(module) is not None


def suite(engine: str) -> dict[str, Any]:
    from shacl_engines import ENGINES as ADAPTERS
    from shacl_suite import load_cases, play

    out: dict[str, Any] = {}
    for name in ("core", "sparql"):
        outcomes = [play(c, ADAPTERS[engine]) for c in load_cases(name)]
        out[name] = {
            "passed": sum(o.passed for o in outcomes),
            "total": len(outcomes),
            "seconds": round(sum(o.seconds for o in outcomes), 2),
            "failures": {o.case.name: o.detail for o in outcomes if not o.passed},
        }
        say(f"  {engine} {name}: {out[name]['passed']}/{out[name]['total']} "
            f"in {out[name]['seconds']} s")
    return out


def on_build(engine: str, data: Path, reference: Any, runs: int) -> dict[str, Any]:
    from rdflib.compare import isomorphic
    from shacl_engines import ENGINES as ADAPTERS
    from shacl_suite import SH, difference, normalise

    out: dict[str, Any] = {}
    for label, shapes in _shape_variants(engine):
        seconds: list[float] = []
        cpu: list[float] = []
        try:
            for _ in range(runs if engine != "pyshacl" else 1):  # pyshacl: ~30 s a run
                start, start_cpu = time.perf_counter(), _cpu()
                report = ADAPTERS[engine](data, shapes)
                seconds.append(time.perf_counter() - start)
                cpu.append(_cpu() - start_cpu)
        except Exception as exc:
            out[label] = {"refused": f"{type(exc).__name__}: {str(exc).strip()[:300]}"}
            say(f"  {engine} on the build ({label}): refused: {out[label]['refused'][:120]}")
            continue
        mine = normalise(report)
        agree = isomorphic(mine, reference)
        severities = [str(s).rsplit("#", 1)[-1] for s in mine.objects(None, SH.resultSeverity)]
        out[label] = {
            "median_s": round(median(seconds), 3),
            "best_s": round(min(seconds), 3),
            "median_cpu_s": round(median(cpu), 3),
            "runs": len(seconds),
            "results": {s: severities.count(s) for s in sorted(set(severities))},
            "same_report_as_skillgraph": agree,
            "difference": "" if agree else difference(reference, mine)[:500],
        }
        say(f"  {engine} on the build ({label}): {out[label]['median_s']} s "
            f"({out[label]['median_cpu_s']} s CPU), "
            f"{out[label]['results']}, same report {agree}")
    return out


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Jena's JVM)."""
    import resource

    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime


def _shape_variants(engine: str) -> list[tuple[str, Path]]:
    variants = [("our shapes", SHAPES)]
    if engine == "jena":
        variants.append(("English messages only", _english_only(SHAPES)))
    return variants


def _english_only(shapes: Path) -> Path:
    from rdflib import Graph
    from rdflib.namespace import SH

    g = Graph().parse(shapes, format="turtle")
    for s, o in list(g.subject_objects(SH.message)):
        if getattr(o, "language", None) != "en":
            g.remove((s, SH.message, o))
    target = Path(tempfile.mkdtemp(prefix="sg-shacl-")) / "shapes-en.ttl"
    g.serialize(target, format="turtle")
    return target


def markdown(doc: dict[str, Any]) -> str:
    eng = doc["engines"]
    lines = [
        "# W3C SHACL test suites (core, SPARQL) and our build, per engine",
        "",
        f"Written by `benchmarks/bench_shacl.py` ({doc['date']}; suite: `tests/w3c/shacl/`, "
        "w3c/data-shapes ff9edb9). A case passes when the engine's report, normalised as "
        "`tests/shacl_suite.py` describes (results as a set of focus node, path, value, source "
        "shape, component and severity, blank nodes by graph isomorphism; `sh:conforms`), is "
        "isomorphic to the expected one, or, for the 7 `sht:Failure` cases, when the engine "
        "refuses the shapes. CI plays the suites for `skillgraph validate` "
        "(`tests/test_w3c_shacl.py`). Build: the carbon standard's `graph.ttl` "
        f"({doc['build_triples']:,} triples) against `shapes/skillgraph-shapes.ttl`, parsing "
        "included, median of the runs (wall, and CPU of the process and its children); "
        "\"same report\" compares with `skillgraph validate`'s "
        f"report as the suite compares reports. Machine: {doc['machine']['cpus']} CPUs, load "
        f"average {doc['machine']['load_average'][0]} at start.",
        "",
        "| engine | version | core | SPARQL | suite s | build s (CPU s) | build results "
        "| same report |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for name, e in eng.items():
        if "skipped" in e:
            lines.append(f"| {name} | — | skipped: {e['skipped']} | | | | | |")
            continue
        s = e["suite"]
        build = e["build"]
        first = build.get("our shapes", {})
        if "refused" in first and len(build) > 1:
            alt_label, alt = next((k, v) for k, v in build.items() if k != "our shapes")
            shown = f"refuses our shapes; {alt_label}: {_seconds(alt)}"
            results = _results(alt)
            same = str(alt.get("same_report_as_skillgraph", "—"))
        elif "refused" in first:
            shown, results, same = "refused", "—", "—"
        else:
            shown, results = _seconds(first), _results(first)
            same = str(first["same_report_as_skillgraph"])
        lines.append(
            f"| {name} | {e['version']} | {s['core']['passed']}/{s['core']['total']} | "
            f"{s['sparql']['passed']}/{s['sparql']['total']} | "
            f"{s['core']['seconds'] + s['sparql']['seconds']:.1f} | {shown} | {results} | {same} |"
        )
    for name, e in eng.items():
        if "skipped" in e:
            continue
        lines += ["", f"## {name}: {WHY[name]}", ""]
        failures = [(f"{k}/{c}", d) for k in ("core", "sparql")
                    for c, d in e["suite"][k]["failures"].items()]
        if failures:
            lines += ["| failed case | why |", "|---|---|"]
            lines += [f"| `{c}` | {_cell(d)} |" for c, d in failures]
        else:
            lines.append("Every case passes.")
        for label, b in e["build"].items():
            if "refused" in b:
                lines.append(f"\nOn our build ({label}): refused — {_cell(b['refused'])}")
            elif not b["same_report_as_skillgraph"]:
                lines.append(f"\nOn our build ({label}): report differs — {_cell(b['difference'])}")
    return "\n".join(lines) + "\n"


def _seconds(b: dict[str, Any]) -> str:
    return f"{b['median_s']:.2f} ({b['median_cpu_s']:.2f})" if "median_s" in b else "—"


def _results(b: dict[str, Any]) -> str:
    return ", ".join(f"{n} {s.lower()}" for s, n in b.get("results", {}).items()) or "none"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def build_graph(build: Path | None) -> Path:
    if build is not None:
        return build / "graph.ttl"
    out = Path(tempfile.mkdtemp(prefix="sg-shacl-build-")) / "build"
    subprocess.run([sys.executable, "-m", "skillgraph.cli", "build", "--out", str(out)],
                   check=True, capture_output=True)
    return out / "graph.ttl"


def main(argv: list[str] | None = None) -> int:
    from results_md import write_section
    from shacl_engines import skillgraph_engine
    from shacl_suite import normalise

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--build", type=Path, default=None, help="existing build directory")
    ap.add_argument("--runs", type=int, default=3, help="runs per engine on the build")
    args = ap.parse_args(argv)
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # the suite's ill-typed literals
    warnings.simplefilter("ignore")
    started = machine()
    data = build_graph(args.build)
    reference = normalise(skillgraph_engine(data, SHAPES))
    engines: dict[str, Any] = {}
    for name in args.engines.split(","):
        if not installed(name):
            engines[name] = {"skipped": "not installed"}
            continue
        say(f"{name}: the W3C suites, then our build")
        engines[name] = {
            "version": _engine_version(name),
            "suite": suite(name),
            "build": on_build(name, data, reference, args.runs),
        }
    from rdflib import Graph

    doc = {
        "benchmark": "shacl",
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "command": "python benchmarks/bench_shacl.py " + " ".join(argv or sys.argv[1:]),
        "machine": {**started, "load_average_end": machine()["load_average"]},
        "versions": versions(),
        "build_triples": len(Graph().parse(data, format="turtle")),
        "engines": engines,
    }
    (RESULTS / "shacl.json").write_text(
        json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_section("shacl", markdown(doc), RESULTS_MD)
    say(f"wrote {RESULTS / 'shacl.json'} and {RESULTS_MD}")
    return 0


def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    if engine == "jena":
        jar = next(Path("/usr/share/java").glob("jena-shacl-*.jar"), None)
        return jar.stem.removeprefix("jena-shacl-") if jar else "?"
    dist = {"skillgraph": "pyshifty"}.get(engine, engine)
    try:
        return version(dist) + (" (pyshifty)" if engine == "skillgraph" else "")
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
