"""The `skillgraph` command: exit codes, messages naming file and line, output formats."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from skillgraph.cli import main


def test_build_of_a_broken_source_names_file_and_line_and_writes_nothing(tmp_path, source_lines):
    lines = [t for t in source_lines if t.strip() != "1.2  职业编码"]
    bad = tmp_path / "no-code.txt"
    bad.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--source", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output
    assert not out.exists()


def test_build_of_a_non_utf8_source_is_a_clear_error(tmp_path, source_lines):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("\n".join(source_lines).encode("gbk", errors="replace"))
    result = CliRunner().invoke(main, ["build", "--source", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output and f"{bad}:" in result.output


def test_validate_accepts_the_built_graph_in_any_format(built):
    for name in ("graph.ttl", "graph.jsonld"):
        result = CliRunner().invoke(main, ["validate", str(built.out / name)])
        assert result.exit_code == 0, result.output
        assert "0 violations" in result.output


def test_validate_exits_1_on_violations(tmp_path, built):
    broken = tmp_path / "broken.nt"
    text = (built.out / "graph.nt").read_text(encoding="utf-8")
    # every trade-level loses its skill level: our data is broken, not the draft
    kept = [t for t in text.splitlines() if "ontology#level>" not in t]
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "violations" in result.output


def test_validate_names_a_file_it_cannot_parse(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b \n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert str(bad) in result.output


def test_query_prints_sparql_json_csv_tsv_and_table(built):
    args = ["query", "overview-counts", "--build", str(built.out)]
    runner = CliRunner()
    as_json = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert as_json["head"]["vars"][:2] == ["tradeLevel", "label"]
    assert len(as_json["results"]["bindings"]) == 24
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, [*args, "--format", "csv"]).output)))
    assert rows[0]["label"] == "碳排放管理员五级/初级工" and rows[0]["functions"] == "4"
    tsv = runner.invoke(main, [*args, "--format", "tsv"]).output.splitlines()
    assert tsv[0].split("\t")[0] == "?tradeLevel" and len(tsv) == 25
    table = runner.invoke(main, [*args, "--format", "table"]).output
    assert "(24 rows)" in table


def test_query_of_a_file_and_a_bad_query(tmp_path, built):
    q = tmp_path / "count.rq"
    q.write_text(
        "PREFIX sg: <https://w3id.org/skillgraph/ontology#>\n"
        "SELECT (COUNT(?t) AS ?n) WHERE { ?t a sg:TradeLevel }",
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["query", str(q), "--build", str(built.out), "--format", "csv"])
    assert out.output.splitlines() == ["n", "24"]
    q.write_text("SELECT ?x WHERE { ?x ", encoding="utf-8")
    bad = CliRunner().invoke(main, ["query", str(q), "--build", str(built.out)])
    assert bad.exit_code == 1 and "error" in bad.output


def test_installed_command_runs_from_any_directory(tmp_path, built):
    exe = shutil.which("skillgraph") or str(
        __import__("pathlib").Path(sys.executable).with_name("skillgraph")
    )
    done = subprocess.run(
        [exe, "query", "findings", "--build", str(built.out), "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "MalformedCode" in done.stdout
