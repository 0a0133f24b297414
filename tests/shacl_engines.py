"""SHACL engines as the W3C suite runner calls them: (data file, shapes file) → report graph.

Each adapter runs its engine as documented, without inference and with every result
reported, and raises :class:`~shacl_suite.EngineError` where the engine refuses the input
(what the suite's ``sht:Failure`` cases expect).  ``skillgraph`` is ours
(:func:`skillgraph.validate.validate`); the others are measured against it
(``benchmarks/bench_shacl.py``).  Jena SHACL runs from Debian's ``libapache-jena-java``
jars, one JVM per call (:mod:`jena`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph
from shacl_suite import EngineError

Engine = Callable[[Path, Path], Graph]


def _graphs(data: Path, shapes: Path) -> tuple[Graph, Graph]:
    """Parse both files; one graph when they are the same file (its blank nodes shared)."""
    data_graph = Graph().parse(data, format="turtle", publicID=data.as_uri())
    if shapes == data:
        return data_graph, data_graph
    return data_graph, Graph().parse(shapes, format="turtle", publicID=shapes.as_uri())


def skillgraph_engine(data: Path, shapes: Path) -> Graph:
    """What ``skillgraph validate DATA --shapes SHAPES`` runs."""
    from skillgraph.validate import validate_file

    return validate_file(data, shapes).report_graph


def pyshacl_engine(data: Path, shapes: Path) -> Graph:
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError

    data_graph, shapes_graph = _graphs(data, shapes)
    try:
        _, report, _ = validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=False,
            allow_warnings=False,
            meta_shacl=False,
        )
    except ReportableRuntimeError as exc:
        raise EngineError(str(exc)) from exc
    assert isinstance(report, Graph)
    return report


def pyshifty_engine(data: Path, shapes: Path) -> Graph:
    import shifty

    try:
        _, report, _ = shifty.validate(
            data,
            shapes,
            graph_mode="data",
            infer=False,
            on_unsupported="error",
            base=data.as_uri(),
        )
    except (ValueError, RuntimeError) as exc:
        raise EngineError(str(exc)) from exc
    return report


def pyrudof_engine(data: Path, shapes: Path) -> Graph:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    try:
        rudof.read_data(str(data), base=data.as_uri())
        rudof.read_shacl(str(shapes), base=shapes.as_uri())
        rudof.validate_shacl()
        text = rudof.serialize_shacl_validation_results(
            format=pyrudof.ResultShaclValidationFormat.Turtle
        )
    except pyrudof.RudofError as exc:
        raise EngineError(str(exc)) from exc
    return Graph().parse(data=text, format="turtle")


def jena_engine(data: Path, shapes: Path) -> Graph:
    from jena import jena_command

    run = subprocess.run(
        [*jena_command("shacl.shacl"), "validate", "--shapes", str(shapes), "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0 or "sh:ValidationReport" not in run.stdout:
        raise EngineError(run.stderr.strip() or run.stdout.strip() or f"exit {run.returncode}")
    return Graph().parse(data=run.stdout, format="turtle", publicID=data.as_uri())


ENGINES: dict[str, Engine] = {
    "skillgraph": skillgraph_engine,
    "pyshacl": pyshacl_engine,
    "pyshifty": pyshifty_engine,
    "pyrudof": pyrudof_engine,
    "jena": jena_engine,
}
