"""The virtuoso benchmark part's own pieces, without starting Virtuoso (its end-to-end run at
one standard is in tests/test_benchmarks_smoke.py): the corpus files are the scale part's
corpus, the memory settings reach the ini, and the table says when rows differ."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_scale  # noqa: E402
import bench_virtuoso  # noqa: E402
import engines  # noqa: E402
import report  # noqa: E402


def test_corpus_files_are_the_scale_corpus_split_by_copies(built, tmp_path):
    codes = bench_scale.shipped_codes(built.out)
    n = 7 * len(codes)  # standards: 7 copies of the build
    whole = tmp_path / "whole.nt"
    bench_scale.write_corpus(built.out, n, whole)
    made = bench_virtuoso.write_corpus_files(built.out, n, tmp_path / "parts", per_file=3)
    files = [Path(f) for f in made["files"]]
    assert [f.name for f in files] == ["corpus-0001.nt", "corpus-0002.nt", "corpus-0003.nt"]
    assert b"".join(f.read_bytes() for f in files) == whole.read_bytes()
    one = (built.out / "graph.nt").read_bytes()
    assert files[0].read_bytes().startswith(one)  # copy #1 is the build itself
    seventh = bench_scale.copy_text(one, 7, codes)
    assert bench_scale.copy_code(7) in seventh and files[2].read_bytes() == seventh


def test_the_stated_memory_settings_are_the_ones_virtuoso_gets(tmp_path):
    if not engines.STOCK_INI.is_file():
        pytest.skip(engines.STOCK_INI_MISSING)
    ini = engines.stock_virtuoso_ini(
        engines.STOCK_INI.read_text(encoding="utf-8", errors="replace"), home=tmp_path,
        sql_port=1111, http_port=8890, dirs_allowed=[tmp_path],
        overrides=bench_virtuoso.VIRTUOSO_INI)
    for section, keys in bench_virtuoso.VIRTUOSO_INI.items():
        for key, value in keys.items():
            assert engines.ini_value(ini, section, key) == value, (section, key)
            assert f"{key} = {value}" in bench_virtuoso.ini_changes()


def _size(rows_match: dict[str, bool | None]) -> dict:
    queries = {name: {"kind": "anchored", "median_ms": 3.0, "max_ms": 4.0, "rows": 5,
                      "expected_rows": None if ok is None else 5 if ok else 6,
                      "rows_match": ok} for name, ok in rows_match.items()}
    checked = [ok for ok in rows_match.values() if ok is not None]
    return {"size": 1, "triples": 30000, "load": {"wall_s": 1.0, "checkpoint_s": 0.2,
            "loaders": 2}, "db_mb": 60.0, "rss_after_start_mb": 3000.0,
            "rss_after_load_mb": 3010.0, "rss_after_queries_mb": 3100.0,
            "expected": {"store": "x"}, "rows_checked": len(checked),
            "rows_all_match": bool(checked) and all(checked) and len(checked) == len(queries),
            "queries": queries}


def _doc(size: dict) -> dict:
    return {"engine": "Virtuoso", "sizes": [size], "date": "2026-12-06T00:00:00",
            "machine": {"cpus": 2, "cpu": "x", "load_average": [1, 1, 1],
                        "load_average_end": [1, 1, 1]}, "versions": {"git": "abc"}}


def test_the_table_names_the_queries_whose_rows_differ():
    table = report.virtuoso_table(_doc(_size({"gap": True, "ladder": False})), None)
    assert "differ: ladder" in table and "| yes |" not in table
    assert "| yes |" in report.virtuoso_table(_doc(_size({"gap": True})), None)
    unchecked = _size({"gap": None})
    unchecked["expected"] = {"store": None, "not_checked": "needs 12 GB; 3 available"}
    assert "not checked: needs 12 GB" in report.virtuoso_table(_doc(unchecked), None)


def test_a_query_cut_at_the_server_limit_is_stopped_not_a_row_difference():
    size = _size({"gap": True, "search": None})
    size["queries"]["search"] = {"kind": "whole-graph", "timeout_s": 120.0, "rows_match": None,
                                 "expected_rows": 460000, "stopped": "Stopped: S1TAT"}
    table = report.virtuoso_table(_doc(size), None)
    assert "yes (1 of 2 answered)" in table and "> 120000 (stopped)" in table
    old_form = {"kind": "whole-graph", "error": "RuntimeError: HTTP 200 S1TAT timeout",
                "expected_rows": 460000, "rows_match": False}  # before "timeout_s" was kept
    size["queries"]["search"] = old_form
    table = report.virtuoso_table(_doc(size), None)
    assert "yes (1 of 2 answered)" in table and "stopped (time limit)" in table
