"""Full-text search: the index the build writes, checked against the graph it came from."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from skillgraph import vocab as v
from skillgraph.cli import main
from skillgraph.search import SearchError, search, search_index_bytes
from skillgraph.search.index import KINDS


def zh_labelled(graph, needle: str) -> set[str]:
    """Oracle: IRIs of indexed nodes whose Chinese label contains ``needle`` (a plain scan)."""
    kinds = {cls for _, cls in KINDS}
    found = set()
    pairs = [pair for p in (SKOS.prefLabel, DCTERMS.title) for pair in graph.subject_objects(p)]
    for s, o in pairs:
        if (isinstance(o, Literal) and o.language == "zh" and needle in str(o)
                and isinstance(s, URIRef) and set(graph.objects(s, RDF.type)) & kinds):
            found.add(str(s))
    return found


@pytest.fixture(scope="module")
def index(built):
    return built.out / "search.sqlite"


def test_the_build_writes_an_index_of_every_labelled_node(built, index):
    conn = sqlite3.connect(index)
    kinds = dict(conn.execute("SELECT kind, count(*) FROM doc GROUP BY kind").fetchall())
    g = built.graph
    assert kinds["tradelevel"] == len(set(g.subjects(RDF.type, v.TradeLevel)))
    assert kinds["skill"] == len(set(g.subjects(RDF.type, v.SkillRequirement)))
    assert kinds["knowledge"] == len(set(g.subjects(RDF.type, v.KnowledgeRequirement)))
    assert kinds["competency"] == len(set(g.subjects(RDF.type, v.Competency)))
    assert kinds["occupation"] == 1 and kinds["trade"] == 6 and kinds["standard"] == 1


def test_the_index_is_deterministic(built, index):
    assert search_index_bytes(built.graph) == index.read_bytes()


@pytest.mark.parametrize("term", ["配额", "核查", "碳排放核算员", "统计核算数据"])
def test_chinese_terms_of_two_or_more_characters_find_exactly_the_labels_holding_them(
        built, index, term):
    result = search(index, term, limit=200)
    assert result.total == len(zh_labelled(built.graph, term)) > 0
    assert {h.iri for h in result.hits} <= zh_labelled(built.graph, term)
    assert all(term in h.label for h in result.hits)


def test_a_single_character_and_several_terms(built, index):
    assert search(index, "碳", limit=1).total == len(zh_labelled(built.graph, "碳"))
    both = zh_labelled(built.graph, "核算") & zh_labelled(built.graph, "数据")
    assert search(index, "核算 数据").total == len(both)


def test_english_words_match_by_stem(index):
    result = search(index, "allowance")
    assert result.total > 0 and all("llowance" in h.label_en for h in result.hits)
    assert search(index, "emission").total == search(index, "Emissions").total > 0


def test_ranking_puts_the_named_thing_first(index):
    hits = search(index, "碳排放核算员").hits
    assert hits[0].kind == "trade" and hits[0].label == "碳排放核算员"
    assert search(index, "carbon emission manager").hits[0].kind in ("occupation", "standard")


def test_facets_count_every_hit_and_filters_narrow_them(index):
    result = search(index, "核查", limit=5)
    assert sum(f.count for f in result.facets["kind"]) == result.total > len(result.hits)
    level3 = next(f for f in result.facets["level"] if f.label == "三级")
    narrowed = search(index, "核查", level="三级", limit=200)
    assert narrowed.total == level3.count and all(h.rank == 3 for h in narrowed.hits)
    trade = search(index, "核查", trade="碳排放核查员", kind="skill", limit=200)
    assert trade.hits and all(
        h.trade_label == "碳排放核查员" and h.kind == "skill" for h in trade.hits)
    assert search(index, "核查", occupation="4-09-07-04").total == result.total
    assert search(index, "核查", trade="核查员").total == search(
        index, "核查", trade="碳排放核查员").total  # a unique part of a name is enough


def test_codes_are_searchable(index):
    hits = search(index, "2.1.1", limit=200).hits
    assert hits and all(h.notation == "2.1.1" for h in hits)
    assert [h.kind for h in search(index, "4-09-07-04").hits] == ["occupation"]


def test_bad_input_is_a_clear_error(index, tmp_path):
    with pytest.raises(SearchError, match="nothing to search"):
        search(index, " ,, ")
    with pytest.raises(SearchError, match="did you mean function"):
        search(index, "核查", kind="fnction")
    with pytest.raises(SearchError, match="did you mean 碳排放核查员 or 碳排放核算员"):
        search(index, "核查", trade="碳排放核")  # part of two names → suggestions
    with pytest.raises(SearchError, match="rank 1–5"):
        search(index, "核查", level="六级")
    with pytest.raises(SearchError, match="no search index"):
        search(tmp_path / "search.sqlite", "核查")
    assert search(index, '"x" OR NEAR(').total == 0  # FTS5 syntax is never read from input


def test_cli_search_table_and_json(built):
    runner = CliRunner()
    args = ["search", "配额", "--build", str(built.out)]
    table = runner.invoke(main, [*args, "--limit", "3"])
    assert table.exit_code == 0, table.output
    assert "(3 of 14 hits)" in table.output and "trade: 碳排放交易员 14" in table.output
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert data["total"] == 14 and data["hits"][0]["iri"].startswith("https://")
    bad = runner.invoke(main, [*args, "--kind", "skil"])
    assert bad.exit_code == 1 and "did you mean skill" in bad.output


def test_more_hits_than_can_be_ranked_or_counted(built, index, monkeypatch):
    from skillgraph.search import query

    monkeypatch.setattr(query, "RANK_LIMIT", 50)
    big = search(index, "核查", limit=200)
    assert big.total == len(zh_labelled(built.graph, "核查")) > 50 and big.total_exact
    assert not big.ranked and big.facets_sampled == 50
    assert sum(f.count for f in big.facets["kind"]) == 50
    order = [query.KIND_ORDER[h.kind] for h in big.hits]
    assert order == sorted(order)  # static order: kind first
    assert {h.iri for h in big.hits} <= zh_labelled(built.graph, "核查")
    monkeypatch.setattr(query, "COUNT_LIMIT", 200)
    capped = search(index, "核查")
    assert capped.total == 200 and not capped.total_exact
