"""CI smoke test of the benchmarks: `benchmarks/run.py --quick` at 1× and 10× runs to the
end and writes well-formed result files.  No timing is asserted (CI machines differ); what
is asserted is that every part ran, that the figures are there, that the build's fast paths
matched the reference output and that no endpoint request failed."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PARTS = ("build", "queries", "endpoint", "scale", "search", "publish", "serve")
VIRTUOSO = shutil.which("virtuoso-t") is not None


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--sizes", "1,10",
           "--out", str(tmp / "results"), "--work", str(tmp)]
    if not VIRTUOSO:
        cmd.append("--no-virtuoso")
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=REPO)
    assert done.returncode == 0, done.stderr[-5000:]
    assert "### Build" in done.stdout  # the summary tables were printed
    out = {}
    for name in PARTS:
        doc = json.loads((tmp / "results" / f"{name}.json").read_text(encoding="utf-8"))
        assert doc["benchmark"] == name
        assert doc["date"] and doc["command"].startswith("python benchmarks/run.py")
        assert doc["machine"]["cpus"] >= 1 and len(doc["machine"]["load_average"]) == 3
        assert len(doc["machine"]["load_average_end"]) == 3
        assert doc["versions"]["pyoxigraph"] and doc["versions"]["python"]
        out[name] = doc
    virtuoso = tmp / "results" / "virtuoso.json"  # written only where Virtuoso is installed
    if virtuoso.is_file():
        out["virtuoso"] = json.loads(virtuoso.read_text(encoding="utf-8"))
    return out


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and math.isfinite(x) and x >= 0


def test_build_part(results: dict[str, Any]) -> None:
    build = results["build"]
    assert set(build["stages"]) == {"parse", "rdf", "closure", "validation", "serialization"}
    assert all(_number(s["median_wall_s"]) and _number(s["median_cpu_s"])
               for s in build["stages"].values())
    assert _number(build["cli_end_to_end"]["median_wall_s"])
    assert _number(build["cli_end_to_end"]["median_peak_rss_mb"])
    assert build["triples"] > 1000 and build["violations"] == 0
    assert build["equivalence"]["ok"], build["equivalence"]


def test_publish_part(results: dict[str, Any]) -> None:
    (size,) = results["publish"]["sizes"]  # --quick: one standard
    assert size["standards"] == 1 and size["full"]["full"] and size["full"]["files"] > 1000
    assert size["unchanged"]["rendered"] == 0 and size["unchanged"]["written"] == 0
    assert size["one_changed"]["rendered"] >= 1
    assert 0 < size["one_changed"]["written"] < size["full"]["files"]
    assert size["all_formats"]["files"] > size["full"]["files"]
    assert _number(size["full"]["wall_s"]) and _number(size["per_standard"]["mb"])


def test_queries_part(results: dict[str, Any]) -> None:
    queries = results["queries"]["queries"]
    assert {"requirements", "gap", "overview-counts"} <= set(queries)
    for q in queries.values():
        assert _number(q["pyoxigraph"]["median_ms"]) and q["pyoxigraph"]["runs"] >= 3
        assert {"median_ms", "timeout_s", "error"} & set(q["rdflib"])


def test_endpoint_part_for_skillgraph(results: dict[str, Any]) -> None:
    ours = results["endpoint"]["engines"]["skillgraph"]["levels"]
    assert [level["clients"] for level in ours] == [1, 8, 32]
    for level in ours:
        assert level["errors"] == 0, level["error_kinds"]
        assert level["ok"] > 0 and _number(level["throughput_rps"]) and _number(level["p99_ms"])


@pytest.mark.skipif(not VIRTUOSO, reason="virtuoso-opensource not installed "
                    "(apt-get install virtuoso-opensource): Virtuoso part not run")
def test_endpoint_part_for_virtuoso(results: dict[str, Any]) -> None:
    endpoint = results["endpoint"]
    theirs = endpoint["engines"]["virtuoso"]["levels"]
    assert [level["clients"] for level in theirs] == [1, 8, 32]
    assert all(level["errors"] == 0 for level in theirs)
    assert [r["clients"] for r in endpoint["ratios"]] == [1, 8, 32]
    assert all(_number(r["throughput_ours_over_virtuoso"]) for r in endpoint["ratios"])


def test_scale_part(results: dict[str, Any]) -> None:
    scale = results["scale"]
    sizes = scale["sizes"]
    assert [s["size"] for s in sizes] == [1, 10]
    assert sizes[1]["triples"] > 9 * sizes[0]["triples"]
    for s in sizes:
        assert _number(s["load"]["wall_s"]) and _number(s["peak_rss_mb"])
        assert s["queries"]["requirements"]["rows"] == sizes[0]["queries"]["requirements"]["rows"]
    assert scale["growth"][0]["size_factor"] == 10


def test_scale_part_pages_whole_graph_queries_by_keyset(results: dict[str, Any]) -> None:
    ten = results["scale"]["sizes"][1]["queries"]  # 10 occupations: one page of 20 holds all
    for name in ("overview-counts", "findings"):
        first, deep = ten[f"{name}@keyset-first"], ten[f"{name}@keyset-deep"]
        assert first["kind"] == deep["kind"] == "whole-graph"
        assert first["rows"] == ten[name]["rows"] > deep["rows"] > 0


def test_serve_part_measures_every_store_kind(results: dict[str, Any]) -> None:
    (one,) = results["serve"]["sizes"]
    assert one["size"] == 1 and _number(one["store_write_s"])
    assert set(one["kinds"]) == {"memory", "hybrid", "disk"}
    for name, kind in one["kinds"].items():
        assert _number(kind["ready_s"]) and kind["pss_mb"] > 0 and kind["rss_mb"] >= kind["pss_mb"]
        # the server and two workers, and the zygote they fork from (none on disk: the
        # on-disk store's threads make forking unsafe, so its workers open it themselves)
        assert len(kind["processes"]) >= (3 if name == "disk" else 4)
        assert all(_number(ms) for ms in kind["query_ms"].values())


def test_search_part(results: dict[str, Any]) -> None:
    search = results["search"]
    assert [s["size"] for s in search["sizes"]] == [1, 10]
    one, ten = search["sizes"]
    assert ten["documents"] == 10 * one["documents"] > 2000
    for s in search["sizes"]:
        for mode in ("server", "cli"):
            assert _number(s[mode]["median_ms"]) and _number(s[mode]["slowest_median_ms"])
            assert s[mode]["queries"]["配额"]["hits"] == 14 * s["size"]
            assert s[mode]["queries"]["miss"]["hits"] == 0


@pytest.mark.skipif(not VIRTUOSO, reason="virtuoso-opensource not installed "
                    "(apt-get install virtuoso-opensource): virtuoso part not run")
def test_virtuoso_part_bulk_loads_one_standard_and_answers_as_the_embedded_store(
        results: dict[str, Any]) -> None:
    """--quick runs the virtuoso part at one standard: the bulk loader's path end to end,
    every catalog answer's row count equal to the embedded store's on the same corpus."""
    [one] = results["virtuoso"]["sizes"]
    assert one["size"] == 1 and "error" not in one, one.get("error")
    assert one["triples"] == one["expected"]["triples"] > 20_000
    assert one["load"]["files"] == 2 and _number(one["load"]["wall_s"])  # corpus + ontology
    assert _number(one["db_mb"]) and one["rss_after_load_mb"] > 0
    assert {"gap", "requirements", "search", "overview-counts"} <= set(one["queries"])
    for name, q in one["queries"].items():
        assert _number(q["median_ms"]) and q["runs"] >= 3, name
        assert q["rows"] == q["expected_rows"] and q["rows_match"], name
    assert one["rows_checked"] == len(one["queries"]) and one["rows_all_match"]
