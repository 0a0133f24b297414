"""Many standards, one graph: the default build holds every shipped standard.

The carbon draft's graph must stay what it was before the PDF reader came (published IRIs
never change): the golden file is its graph.nt as built at commit 994f79a, and the only
documented addition is sg:sourceKind on the standard node.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from skillgraph.catalog import load_query
from skillgraph.loaders.errors import SourceFormatError
from skillgraph.loaders.standard import shipped_sources
from skillgraph.params import bind
from skillgraph.sources import expand_sources, read_standards
from skillgraph.store import run_query

GOLDEN = Path(__file__).parent / "golden" / "carbon-graph-994f79a.nt.gz"
ID = "https://w3id.org/skillgraph/id/"
CARBON, AI = f"{ID}occupation/4-09-07-04", f"{ID}occupation/4-04-05-05"
SG = "https://w3id.org/skillgraph/ontology#"
ADDED_SINCE_994F79A = {
    f'<{ID}standard/4-09-07-04-draft> <{SG}sourceKind> "text" .',
}
# Properties added to the vocabulary since (CONTRIBUTING.md, "Add a field"): every triple
# of theirs is an addition; nothing else may change.
NEW_PROPERTIES: set[str] = {
    # the counts per trade-level written by skillgraph/statistics.py
    "functionCount", "workContentCount", "skillRequirementCount", "knowledgeRequirementCount",
    "requiredCount",
}


@pytest.fixture(scope="module")
def store(built_all) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built_all.out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    return s


def _rows(store: ox.Store, name: str, **params: str | list[str]) -> list[dict[str, str]]:
    given = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    result = run_query(store, bind(load_query(name), given))
    return [{k: getattr(v, "value", str(v)) for k, v in row.items()} for row in result.rows]


def _english_apart(lines: set[str]) -> tuple[set[str], set[str]]:
    """(triples other than English literals, subject+predicate of every English literal).

    English wording is reviewed data that may be revised (standards/translations/ records
    the review date of each entry); which nodes carry English must not change."""
    english = {ln for ln in lines if ln.endswith('"@en .')}
    return lines - english, {" ".join(ln.split(" ", 2)[:2]) for ln in english}


def test_carbon_graph_is_the_graph_before_plus_documented_additions(built):
    before = set(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8").splitlines())
    after = set((built.out / "graph.nt").read_text(encoding="utf-8").splitlines())
    (old, old_en), (new, new_en) = _english_apart(before), _english_apart(after)
    assert old - new == set()
    new_properties = {f"<{SG}{name}>" for name in NEW_PROPERTIES}
    added = {t for t in new - old if t.split(" ", 2)[1] not in new_properties}
    assert added == ADDED_SINCE_994F79A
    assert old_en == new_en


def test_the_default_build_holds_every_shipped_standard(built_all):
    assert [s.profile.code for s in built_all.standards] == ["4-09-07-04", "4-04-05-05"]
    assert built_all.validation.violations == 0
    for code in ("4-09-07-04", "4-04-05-05"):
        folder = built_all.out / "standards" / code
        assert (folder / "report.md").is_file() and (folder / "provenance.tsv").is_file()
    assert (built_all.out / "standards" / "4-04-05-05" / "source.txt").is_file()
    report = (built_all.out / "report.md").read_text(encoding="utf-8")
    assert "| 人工智能训练师 | 4-04-05-05 |" in report and "| 碳排放管理员 | 4-09-07-04 |" in report


def test_pdf_items_carry_page_and_line_of_the_published_layout(built_all, store):
    q = f"""SELECT ?line ?page WHERE {{
      <{AI}/level/4/skill/3.2.2> <{SG}sourceLine> ?line ; <{SG}sourcePage> ?page }}"""
    row = next(iter(store.query(q)))
    line, page = int(row["line"].value), int(row["page"].value)
    source = (built_all.out / "standards/4-04-05-05/source.txt").read_text(encoding="utf-8")
    assert page == 10
    assert source.split("\n")[line - 1].strip().startswith("3.2.2 能够根据数据分析结论对")


def test_edition_and_preface_are_metadata_of_the_standard(store):
    q = f"""SELECT ?edition (COUNT(DISTINCT ?org) AS ?orgs) WHERE {{
      <{ID}standard/4-04-05-05-2021> <{SG}edition> ?edition ;
        <{SG}draftingOrganisation> ?org ; <{SG}approvedBy> ?ministry .
      FILTER (lang(?org) = "zh") }} GROUP BY ?edition"""
    row = next(iter(store.query(q)))
    assert (row["edition"].value, row["orgs"].value) == ("2021", "13")


def test_tables_not_split_by_trade_are_the_occupations_levels(store):
    q = f"""SELECT ?tl WHERE {{ ?tl <{SG}occupation> <{AI}> ;
      a <{SG}TradeLevel> . FILTER NOT EXISTS {{ ?tl <{SG}trade> ?t }} }} ORDER BY ?tl"""
    assert [r["tl"].value for r in store.query(q)] == [f"{AI}/level/{n}" for n in range(1, 6)]
    trades = f"SELECT ?t WHERE {{ ?t <{SG}occupation> <{AI}> ; a <{SG}Trade> }} ORDER BY ?t"
    assert [r["t"].value for r in store.query(trades)] == [
        f"{AI}/trade/algorithm-testing", f"{AI}/trade/data-annotation"
    ]


@pytest.mark.parametrize(
    ("query", "params", "expected_rows"),
    [
        ("ladder", {"trade": f"{AI}/trade/data-annotation"}, 18),  # a row per function
        ("ladder", {"trade": AI}, 18),
        ("requirements", {"tradeLevel": f"{AI}/level/3"}, 96),
        ("exam-blueprint", {"tradeLevel": f"{AI}/level/1"}, 9),
        ("training-and-exams", {"tradeLevel": f"{AI}/level/2"}, 3),
        ("findings", {"occupation": AI}, 3),
        ("overview-counts", {"occupation": AI}, 5),
        ("gap", {"target": f"{AI}/level/4"}, 58),
    ],
)
def test_catalog_queries_answer_for_the_ai_trainer(store, query, params, expected_rows):
    assert len(_rows(store, query, **params)) == expected_rows


def test_ladder_counts_equal_the_parsed_tables(built_all, store):
    ai = built_all.standards[1]
    own = {tl.rank: sum(len(wc.skills) + len(wc.knowledge) for fn in tl.functions
                        for wc in fn.contents) for tl in ai.trade_levels}  # fmt: skip
    rows = _rows(store, "ladder", trade=AI)
    assert {int(r["rank"]): int(r["ownRequirements"]) for r in rows} == own
    required = {int(r["rank"]): int(r["required"]) for r in rows}
    assert required == {5: 24, 4: 58, 3: 96, 2: 129, 1: 164}  # own + every lower level


def test_eligibility_reads_the_2021_routes(store):
    rows = _rows(store, "eligibility", occupation=AI, education="junior-college",
                 major="related", yearsOfWork="3")  # fmt: skip
    assert sorted({int(r["rank"]) for r in rows}) == [3, 5]


def test_findings_answer_across_all_standards(store):
    rows = _rows(store, "findings")
    assert {r["occupation"] for r in rows} == {CARBON, AI}


def test_shared_across_occupations_scores_near_same_wording(store):
    rows = _rows(store, "shared-across-occupations", a=CARBON, b=AI)
    pairs = {(r["textA"], r["textB"]): float(r["score"]) for r in rows}
    assert pairs[("能审定业务指导方案", "能够制定业务指导方案")] == pytest.approx(0.857)
    assert pairs[("培训计划编制要求", "培训计划编制知识")] == pytest.approx(0.714)
    assert all(0.6 <= s < 1 for s in pairs.values())  # no identical wording between the two
    assert {r["kind"] for r in rows} == {"skill", "knowledge"}
    back = _rows(store, "shared-across-occupations", a=AI, b=CARBON)
    assert {(r["textB"], r["textA"]) for r in back} == set(pairs)


def test_same_wording_in_two_occupations_shares_one_competency(tmp_path):
    from skillgraph.joins import bigrams, dice

    near = dice(bigrams("能审定业务指导方案"), bigrams("能够制定业务指导方案"))
    assert near == pytest.approx(6 / 7)
    assert dice(bigrams("能够编写培训计划"), bigrams("能够编写培训计划。")) == 1.0


def test_sources_may_be_repeated_or_a_directory(tmp_path):
    folder = tmp_path / "standards"
    folder.mkdir()
    for src in shipped_sources():
        shutil.copy(src, folder / src.name)
    (folder / "notes.md").write_text("not a standard\n", encoding="utf-8")
    assert [p.name for p in expand_sources([folder])] == sorted(p.name for p in shipped_sources())
    assert expand_sources([]) == shipped_sources()
    with pytest.raises(SourceFormatError, match="no such file or directory"):
        expand_sources([tmp_path / "missing.pdf"])


def test_an_unchanged_source_is_not_parsed_again(tmp_path, monkeypatch):
    monkeypatch.delenv("SKILLGRAPH_NO_CACHE", raising=False)
    pdf = next(p for p in shipped_sources() if p.suffix == ".pdf")
    copy = tmp_path / pdf.name
    shutil.copy(pdf, copy)
    cache = tmp_path / "cache"
    first, hits = read_standards([copy], cache_dir=cache)
    assert hits == 0
    again, hits = read_standards([copy], cache_dir=cache)
    assert hits == 1 and again[0].trade_levels == first[0].trade_levels
    copy.write_bytes(copy.read_bytes() + b"\n% appended comment\n")  # other bytes: read anew
    _changed, hits = read_standards([copy], cache_dir=cache)
    assert hits == 0


def test_two_sources_for_one_occupation_are_refused(tmp_path):
    src = shipped_sources()[0]
    twin = tmp_path / "twin.txt"
    shutil.copy(src, twin)
    with pytest.raises(SourceFormatError, match=r"twin\.txt:1: a second standard for occupation"):
        read_standards([src, twin], cache_dir=tmp_path / "cache")


NOT_NODES = ("standard", "footnote/", "weights/")  # text of the document, footnotes, tables


def test_every_node_path_in_provenance_names_a_node_of_the_graph(built_all, store):
    from skillgraph.iris import Iris
    from skillgraph.to_rdf import resolve_target

    for std in built_all.standards:
        iris = Iris(std.profile.code)
        tsv = (built_all.out / "standards" / std.profile.code / "provenance.tsv").read_text(
            encoding="utf-8"
        )
        paths = {p for line in tsv.splitlines()[1:] for p in line.split("\t")[1].split(",") if p}
        assert any("/weight/" in p for p in paths)
        for path in sorted(paths):
            if path.startswith(NOT_NODES):
                continue
            iri = str(resolve_target(path, iris))
            found = next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None)), None)
            assert found is not None, (std.profile.code, path, iri)


def test_every_finding_names_its_node_by_reference_and_the_node_is_in_the_graph(
    built_all, store
):
    from skillgraph.iris import Iris
    from skillgraph.model import NodeRef
    from skillgraph.to_rdf import node_iri

    seen = set()
    for std in built_all.standards:
        iris = Iris(std.profile.code)
        for f in std.findings:
            assert isinstance(f.target, NodeRef), f
            assert NodeRef.parse(f.target.path) == f.target  # reports print what it names
            iri = ox.NamedNode(str(node_iri(f.target, iris)))
            assert next(iter(store.quads_for_pattern(iri, None, None)), None) is not None, f
            seen.add(f.target.kind)
    assert len(seen) >= 4, seen  # table nodes and profile topics both carry findings


@pytest.mark.java
def test_hermit_finds_both_standards_consistent_and_agrees_with_the_closure(built_all):
    from skillgraph.reason import check_with_hermit
    from skillgraph.vocab import requires

    result = check_with_hermit(built_all.graph, timeout_s=600)
    assert result.consistent
    closure = {(str(s), str(o)) for s, o in built_all.graph.subject_objects(requires)}
    assert result.inferred_requires == closure
    assert any("4-04-05-05" in s for s, _o in closure)


def test_the_home_page_lists_every_standard(built_all):
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(built_all.out, timeout=20, workers=1))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        page = client.get("/", headers={"Accept": "text/html"}).text
    assert "人工智能训练师" in page and "碳排放管理员" in page


def test_cli_build_takes_repeated_sources_and_names_each_standard(tmp_path):
    from click.testing import CliRunner

    from skillgraph.cli import main

    args = ["build", "--out", str(tmp_path / "out")]
    for src in shipped_sources():
        args += ["--source", str(src)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "4-04-05-05 人工智能训练师: 5 trade-levels" in result.output
    assert "2 standard(s)" in result.output


def test_curriculum_targets_a_level_of_the_ai_trainer(built_all, tmp_path):
    from click.testing import CliRunner

    from skillgraph.cli import main

    csv = tmp_path / "ai-program.csv"
    csv.write_text(
        "course_id,course_title,hours,requirement\n"
        "AI101,数据标注实务,48,人工智能训练师/3/S2.2.1\n"
        "AI101,数据标注实务,48,人工智能训练师/3/K2.2.1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["curriculum", str(csv), "--target", "人工智能训练师/3", "--build", str(built_all.out)],
    )
    assert result.exit_code == 0, result.output
    assert "2 of 38 covered" in result.output
