"""The CLI as people use it: short references, suggestions, warnings, clean output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from skillgraph.cli import main
from skillgraph.store import store_from_build

OCC = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"
ACCOUNTING_3 = OCC + "/trade/accounting/level/3"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "carbon-accounting-program.csv"
ZH_RANK = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def query(built, name: str, *args: str):
    return run("query", name, "--build", str(built.out), *args)


@pytest.mark.parametrize("ref", ["碳排放核算员/3", "碳排放核算员/三级", "accounting/3",
                                 "4-09-07-04/碳排放核算员/3", f"<{ACCOUNTING_3}>"])
def test_a_short_reference_binds_like_the_iri(built, ref):
    by_iri = query(built, "exam-blueprint", "--param", f"tradeLevel={ACCOUNTING_3}")
    by_ref = query(built, "exam-blueprint", "--param", f"tradeLevel={ref}")
    assert by_ref.exit_code == 0, by_ref.output
    assert by_ref.stdout == by_iri.stdout and "(8 rows)" in by_ref.stdout


def test_every_trade_level_of_the_build_has_a_short_reference(built):
    """Names come from the graph's labels, so every standard of a build is reachable."""
    from skillgraph.shortrefs import load_names, resolve

    store = store_from_build(built.out)
    names = load_names(store)
    rows = store.query("""PREFIX sg: <https://w3id.org/skillgraph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?tl ?name ?rank WHERE { ?tl a sg:TradeLevel ; sg:level/sg:rank ?rank ;
          sg:occupation ?occ . OPTIONAL { ?tl sg:trade ?t } BIND (COALESCE(?t, ?occ) AS ?owner)
          ?owner skos:prefLabel ?name FILTER (lang(?name) = "zh") }""")
    checked = 0
    for row in rows:
        rank = int(row["rank"].value)
        for written in (f"{row['name'].value}/{rank}", f"{row['name'].value}/{ZH_RANK[rank]}"):
            assert resolve(store, written, names) == row["tl"].value, written
        checked += 1
    assert checked == 24


def test_a_requirement_and_an_occupation_by_name(built):
    from skillgraph.shortrefs import resolve

    store = store_from_build(built.out)
    assert resolve(store, "碳排放核算员/3/S2.2.1") == ACCOUNTING_3 + "/skill/2.2.1"
    assert resolve(store, "碳排放管理员") == resolve(store, "4-09-07-04") == OCC


def test_a_reference_to_nothing_is_refused_with_suggestions(built):
    r = query(built, "exam-blueprint", "--param", "tradeLevel=碳排放核算/3")
    assert r.exit_code == 2 and "did you mean 碳排放核算员/3" in r.output
    r = query(built, "exam-blueprint", "--param", "tradeLevel=碳排放咨询员/4")
    assert r.exit_code == 2 and "no level 4 of 碳排放咨询员" in r.output


def test_an_iri_that_matches_nothing_warns_on_stderr(built):
    r = query(built, "exam-blueprint", "--param", f"tradeLevel={OCC}/trade/accounting/level/9")
    assert r.exit_code == 0  # the query ran: the answer is empty, and the warning says why
    assert "(0 rows)" in r.stdout and "warning: --param tradeLevel:" in r.stderr
    assert "occurs nowhere" in r.stderr


def test_choices_and_names_are_checked_with_suggestions(built):
    r = query(built, "eligibility", "--param", "major=releated")
    assert r.exit_code == 2 and "did you mean related?" in r.output
    r = query(built, "eligibility", "--param", "majr=related")
    assert r.exit_code == 2 and "unknown parameter majr; did you mean major?" in r.output
    r = query(built, "overveiw-counts")
    assert r.exit_code == 1 and "did you mean overview-counts?" in r.output
    r = run("pathway", "--build", str(built.out), "--target", "3", "--major", "releated")
    assert r.exit_code == 2 and "did you mean related?" in r.output
    assert query(built, "eligibility", "--param", "major=related").exit_code == 0


def test_a_missing_query_file_is_named(built, tmp_path):
    missing = tmp_path / "my-question.rq"
    r = query(built, str(missing))
    assert r.exit_code == 1 and f"{missing}: no such file" in r.output


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_every_output_ends_with_a_newline(built, fmt):
    r = query(built, "overview-counts", "--format", fmt)
    assert r.exit_code == 0 and r.stdout.endswith("\n") and not r.stdout.endswith("\n\n")


def test_tsv_is_sparql_1_1_tsv(built, tmp_path):
    """Header ?var; IRIs in <>, literals quoted with their language tag, integers bare."""
    r = query(built, "overview-counts", "--format", "tsv")
    lines = r.stdout.splitlines()
    head = lines[0].split("\t")
    assert all(h.startswith("?") for h in head)
    row = dict(zip(head, lines[1].split("\t"), strict=True))
    assert re.fullmatch(r"<https://[^>]+>", row["?tradeLevel"])
    assert re.fullmatch(r'"[^"]+"@zh', row["?label"]) and row["?functions"].isdigit()
    q = tmp_path / "escape.rq"
    q.write_text('SELECT ?x WHERE { BIND ("a\\tb\\nc \\"d\\"" AS ?x) }', encoding="utf-8")
    assert query(built, str(q), "--format", "tsv").stdout == '?x\n"a\\tb\\nc \\"d\\""\n'


def test_pathway_json_has_numbers_and_takes_level_words(built):
    r = run("pathway", "--build", str(built.out), "--target", "三级", "--certificate", "四级",
            "--years", "3", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert isinstance(data["totalYears"], int) and data["target"] == 3
    assert all(isinstance(s["year"], int) and isinstance(s["wait"], int) for s in data["steps"])


def test_pathway_from_a_higher_certificate_is_already_there(built):
    r = run("pathway", "--build", str(built.out), "--target", "3", "--certificate", "2")
    assert r.exit_code == 0, r.output
    assert "already there" in r.stdout and "total: 0 years" in r.stdout
    other = run("pathway", "--build", str(built.out), "--target", "3", "--certificate", "2",
                "--certificate-of", "other", "--years", "10")
    assert other.exit_code == 0 and "apply for 三级" in other.stdout


def test_pathway_occupation_by_name(built):
    by_name = run("pathway", "--build", str(built.out), "--target", "4",
                  "--occupation", "碳排放管理员")
    by_iri = run("pathway", "--build", str(built.out), "--target", "4", "--occupation", OCC)
    assert by_name.exit_code == 0 and by_name.stdout == by_iri.stdout
    bad = run("pathway", "--build", str(built.out), "--target", "4", "--occupation", "碳排放")
    assert bad.exit_code == 2 and "did you mean" in bad.output


def test_curriculum_target_takes_a_level_word(built, tmp_path):
    args = ["curriculum", str(EXAMPLE), "--build", str(built.out), "--format", "json"]
    word = run(*args, "--target", "碳排放核算员/三级")
    digit = run(*args, "--target", "碳排放核算员/3")
    assert word.exit_code == 0, word.output
    assert word.stdout == digit.stdout


def test_validate_reads_the_trig_curriculum_writes(built, tmp_path):
    trig = tmp_path / "c.trig"
    r = run("curriculum", str(EXAMPLE), "--build", str(built.out), "--target", "碳排放核算员/3",
            "--rdf", str(trig), "--out", str(tmp_path / "r.md"))
    assert r.exit_code == 0, r.output
    v = run("validate", str(trig))
    assert v.exit_code == 0, v.output
    assert f"{trig}: 0 violations" in v.output


def test_a_turtle_syntax_error_names_file_line_and_column_without_bytes(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d \"unterminated .\n",
                   encoding="utf-8")
    r = run("validate", str(bad))
    assert r.exit_code == 1
    assert re.search(rf"{re.escape(str(bad))}:3:\d+: ", r.output), r.output
    assert "b'" not in r.output and "\\n" not in r.output


def test_served_turtle_has_no_escaped_slashes(server_client):
    ttl = server_client.get("/id/occupation/4-09-07-04/trade/accounting/level/3.ttl").text
    nt = server_client.get("/id/occupation/4-09-07-04/trade/accounting/level/3.nt").text
    assert "\\/" not in ttl and f"<{ACCOUNTING_3}>" in ttl
    a = rdflib.Graph().parse(data=ttl, format="turtle")
    b = rdflib.Graph().parse(data=nt, format="nt")
    assert set(a) == set(b) and len(a) > 10


def test_one_of_in_a_parameter_header():
    from skillgraph.params import ParamError, bind, parse_parameters

    q = ('# parameters:\n#   major (string, one of "this" "related" "other", default "other"): m\n'
         "SELECT ?major WHERE { }")
    (p,) = parse_parameters(q)
    assert p.choices == ("this", "related", "other") and p.default == ('"other"',)
    assert 'one of "this" "related" "other"' in p.signature
    assert 'VALUES ?major { "related" }' in bind(q, {"major": ["related"]})
    with pytest.raises(ParamError, match="did you mean related"):
        bind(q, {"major": ["releated"]})
    with pytest.raises(ParamError, match="default is not one of"):
        parse_parameters(q.replace('default "other"', 'default "any"'))
