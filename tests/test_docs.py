"""Docs that cannot drift: every CLI command and every catalog query is documented."""

from __future__ import annotations

from pathlib import Path

from skillgraph.catalog import catalog
from skillgraph.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_cli_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"skillgraph {name}" in text, f"README does not document `skillgraph {name}`"


def test_every_catalog_query_has_title_description_parameters_and_example():
    for q in catalog():
        assert q.title and q.description and q.parameters and q.examples, q.name


def _benchmark_report():
    import importlib.util

    path = README.parent / "benchmarks" / "report.py"
    spec = importlib.util.spec_from_file_location("benchmark_report", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_published_benchmark_tables_are_the_ones_in_the_results_files():
    """README's targets table and benchmarks/README.md's tables are generated from
    benchmarks/results/*.json (`python benchmarks/report.py --write`), never typed."""
    report = _benchmark_report()
    for name in ("build", "queries", "endpoint", "scale"):
        assert (report.RESULTS / f"{name}.json").is_file(), f"no benchmarks/results/{name}.json"
    expected = {README: report.targets_table(), README.parent / "benchmarks" / "README.md":
                report.markdown()}
    for path, (begin, end) in report.MARKERS.items():
        text = path.read_text(encoding="utf-8")
        published = text[text.index(begin) + len(begin):text.index(end)].strip()
        assert published == expected[path].strip(), (
            f"{path.name} is out of date: run python benchmarks/report.py --write")
