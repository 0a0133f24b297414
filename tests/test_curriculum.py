"""Curriculum mapping: coverage, weighted coverage, gaps and hours checked against arithmetic
done by hand from the standard's text, the RDF it makes, and the SPARQL catalog's answers.

The hand-computed case targets 碳排放核算员四级 (accounting/4). Its numbers, read from
standards/4-09-07-04_carbon-emission-manager_draft.txt:

* Weights (§4.3, lines 7551–7621), 四级 column. Theory: 职业道德 5 (7551), 基础知识 20 (7553),
  F1 制定、审定统计核算方案 20 (7559), F2 统计核算和报告 25 (7561), F3 管理质量和归档文件 20
  (7563), F4 实施核查工作 10 (7565). Skill: F1 25 (7609), F2 30 (7611), F3 25 (7613), F4 20 (7615).
* Requirements (§3.3.1, lines 1601–1877), skills/knowledge per work content:
  F1: 1.1 2/2, 1.2 2/3, 1.3 3/4 → 7 S, 9 K;   F2: 2.1 2/2, 2.2 2/3, 2.3 2/3 → 6 S, 8 K;
  F3: 3.1 2/3, 3.2 2/2 → 4 S, 5 K;            F4: 4.1 2/2, 4.2 2/3 → 4 S, 5 K.   48 in all.
* 四级 covers the common 五级 (§3.1, lines 371–600): 20 S + 21 K = 41 inherited; its F2
  统计核算碳排放量 has 2.1 2/2, 2.2 2/2, 2.3 3/3 → 7 S; its skill weight is 30 (line 7399).
* Training hours (§1.8, lines 69–71): 五级 40, 四级 80 标准学时.
* "1个行业工艺或流程要点" is printed four times in 四级: K1.2.3 (line 1660), K1.3.4 (1692),
  K2.2.3 (1742), K2.3.3 (1766); one competency IRI stands for all four.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction as F
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import URIRef

from skillgraph.catalog import load_query
from skillgraph.cli import main
from skillgraph.curriculum import (
    add_to_store,
    compute_coverage,
    curriculum_to_graph,
    load_index,
    read_curriculum,
    suggest,
    validate_curriculum,
)
from skillgraph.curriculum.report import csv_files, render
from skillgraph.iris import Iris
from skillgraph.params import bind
from skillgraph.store import store_from_build
from skillgraph.vocab import SG

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "carbon-accounting-program.csv"
BASE = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/"
ACC4 = BASE + "trade/accounting/level/4"
ACC3 = BASE + "trade/accounting/level/3"
COMMON5 = BASE + "level/5"
INDUSTRY = Iris("4-09-07-04").competency("knowledge", "1个行业工艺或流程要点")

HAND = f"""course_id,course_title,hours,requirement,treatment,notes,description
T1,统计核算基础,32,碳排放核算员/4/S2.1.1,I,,
T1,统计核算基础,,碳排放核算员/4/S2.1.2,D,,
T1,,,碳排放核算员/4/K2.1.1,,,
T1,,,碳排放核算员/4/K2.1.2,,,
T2,核算方案编制,24,碳排放核算员/4/S1.1.1,M,,
T2,核算方案编制,24,碳排放核算员/4/K1.2.1,,,
T2,核算方案编制,24,{INDUSTRY},D,一个行业的工艺,
T3,碳排放入门,16,碳排放管理员/5/S2.1.1,I,,
T4,交叉课程,12,碳排放核算员/4/S2.1.1,M,,
T4,交叉课程,12,碳排放核查员/4/S1.1.1,,,
T5,碳资产管理概论,8,,,,介绍碳资产、碳排放权交易与配额管理的基本知识
"""


@pytest.fixture(scope="module")
def index(built):
    return load_index(store_from_build(built.out))


@pytest.fixture(scope="module")
def hand(tmp_path_factory, index):
    path = tmp_path_factory.mktemp("hand") / "hand.csv"
    path.write_text(HAND, encoding="utf-8")
    return read_curriculum(path, index)


@pytest.fixture(scope="module")
def cov(hand, index):
    return compute_coverage(hand.curriculum, index, ACC4)


def own_fn(cov, code):
    return next(r for r in cov.functions if r.scope == "own" and r.function.code == code)


def test_counts_the_source_gives(index):
    acc4 = index.trade_levels[ACC4]
    kinds = [[index.requirements[r].kind for r in index.functions[f].requirements]
             for f in acc4.functions]  # fmt: skip
    assert [(k.count("skill"), k.count("knowledge")) for k in kinds] == [(7, 9), (6, 8), (4, 5),
                                                                         (4, 5)]
    assert len(index.requires(ACC4)) == 48 + 41
    assert acc4.training_hours == 80 and acc4.weight_total == 200 and acc4.basic_theory_weight == 25
    in_acc4 = [index.ref(r) for r in index.competencies[str(INDUSTRY)] if r.startswith(ACC4)]
    assert sorted(in_acc4) == ["碳排放核算员/4/K1.2.3", "碳排放核算员/4/K1.3.4",
                               "碳排放核算员/4/K2.2.3", "碳排放核算员/4/K2.3.3"]  # fmt: skip


def test_own_coverage_counts_by_hand(cov):
    # covered: S2.1.1 S2.1.2 S1.1.1 | K2.1.1 K2.1.2 K1.2.1 + competency K1.2.3 K1.3.4 K2.2.3 K2.3.3
    assert (cov.own.covered, cov.own.requirements) == (3 + 7, 48)
    assert cov.own.percent == F(10, 48) * 100  # 20.83 %
    assert [(own_fn(cov, c).skills_covered, own_fn(cov, c).knowledge_covered)
            for c in "1234"] == [(1, 3), (2, 4), (0, 0), (0, 0)]  # fmt: skip


def test_weighted_coverage_by_hand(cov):
    theory = F(20) * F(3, 9) + F(25) * F(4, 8) + F(20) * 0 + F(10) * 0  # = 115/6 ≈ 19.17
    skill = F(25) * F(1, 7) + F(30) * F(2, 6) + F(25) * 0 + F(20) * 0  # = 95/7 ≈ 13.57
    assert cov.own.theory_points == theory == F(115, 6)
    assert cov.own.skill_points == skill == F(95, 7)
    assert (cov.own.theory_max, cov.own.skill_max) == (20 + 25 + 20 + 10, 25 + 30 + 25 + 20)
    assert cov.own.theory_percent == F(115, 6) / 75 * 100  # 25.56 %
    assert cov.own.skill_percent == F(95, 7)  # of 100 points
    assert cov.own.weighted_percent == (F(115, 6) + F(95, 7)) / 175 * 100 == F(55, 294) * 100


def test_inherited_coverage_is_separate_and_uses_its_own_weights(cov):
    assert (cov.inherited.covered, cov.inherited.requirements) == (1, 41)
    level5 = cov.by_level[COMMON5]
    assert level5.skill_points == F(30, 7)  # 五级 F2 skill weight 30 × 1 of its 7 skills
    assert level5.theory_points == 0


def test_gap_list_by_hand(cov):
    gaps = cov.gaps
    assert len(gaps) == (48 - 10) + (41 - 1)
    own = [g.ref.removeprefix("碳排放核算员/4/") for g in gaps if g.scope == "own"]
    # cost = weight ÷ requirements of that kind in the function, own level first:
    # F3 S 25/4=6.25; F2 S 30/6=5 and F4 S 20/4=5 (heavier function first); F3 K 20/5=4;
    # F1 S 25/7≈3.57; F2 K 25/8=3.125; F1 K 20/9≈2.22; F4 K 10/5=2
    assert own == [
        "S3.1.1", "S3.1.2", "S3.2.1", "S3.2.2",
        "S2.2.1", "S2.2.2", "S2.3.1", "S2.3.2",
        "S4.1.1", "S4.1.2", "S4.2.1", "S4.2.2",
        "K3.1.1", "K3.1.2", "K3.1.3", "K3.2.1", "K3.2.2",
        "S1.1.2", "S1.2.1", "S1.2.2", "S1.3.1", "S1.3.2", "S1.3.3",
        "K2.2.1", "K2.2.2", "K2.3.1", "K2.3.2",
        "K1.1.1", "K1.1.2", "K1.2.2", "K1.3.1", "K1.3.2", "K1.3.3",
        "K4.1.1", "K4.1.2", "K4.2.1", "K4.2.2", "K4.2.3",
    ]  # fmt: skip
    assert [g.points for g in gaps[:5]] == [F(25, 4)] * 4 + [F(5)]
    assert gaps[len(own)].scope == "inherited"  # then the common 五级


def test_hours_by_hand(cov):
    # suggested: 80 h × (theory + skill weight) / 200; 职业道德+基础知识 80 × 25/200 = 10
    assert [own_fn(cov, c).suggested_hours for c in "1234"] == [18, 22, 18, 12]
    assert cov.basic_suggested_hours[ACC4] == 10 and cov.basic_suggested_hours[COMMON5] == 5
    # planned: T1 32 h → 4 F2 requirements; T2 24 h → 6 (4 in F1, 2 in F2); T4 12 h → one
    # target requirement (F2) + one row outside the target; T3 16 h → 五级 F2; T5 unmapped
    assert [own_fn(cov, c).planned_hours for c in "1234"] == [16, 32 + 8 + 6, 0, 0]
    level5_f2 = next(r for r in cov.functions if r.level.iri == COMMON5 and r.function.code == "2")
    assert (level5_f2.planned_hours, level5_f2.suggested_hours) == (16, F(40 * 50, 200))
    assert (cov.outside_hours, cov.unmapped_hours, cov.planned_hours) == (6, 8, 92)


def test_multi_taught_and_matrix(cov):
    assert [(r.ref, r.courses) for r in cov.multi_taught] == [
        ("碳排放核算员/4/S2.1.1", {"T1": "I", "T4": "M"})]
    rows = {c.course_id: c for c in cov.courses}
    f = {code: own_fn(cov, code).function.iri for code in "12"}
    assert rows["T1"].covers == {f["2"]: 4}
    assert rows["T2"].covers == {f["1"]: 4, f["2"]: 2}
    assert rows["T4"].outside_rows == 1 and rows["T5"].covers == {}


def test_reports_carry_the_same_numbers(cov):
    md = render(cov, "md").decode()
    assert "10 of 48 covered (20.8%)" in md and "theory 19.17 of 75 points (25.6%)" in md
    data = json.loads(render(cov, "json"))
    own = data["tables"]["summary"][0]
    assert own["covered"] == 10 and own["theory points"] == pytest.approx(115 / 6)
    gaps = list(csv.DictReader(io.StringIO(csv_files(cov)["gaps.csv"].decode("utf-8-sig"))))
    assert len(gaps) == 78 and gaps[0]["requirement"] == "碳排放核算员/4/S3.1.1"
    assert gaps[0]["points"] == "6.250"
    html = render(cov, "html").decode()
    assert 'id="heatmap"' in html and "<script" not in html and "http://" not in html.replace(
        "https://w3id.org", "")  # self-contained: no CDN, no external stylesheet


def test_rdf_model_and_iris(hand, index):
    g, iri = hand.graph, hand.curriculum.iri
    assert iri == "urn:skillgraph:curriculum:hand"
    t1 = f"{iri}/course/T1"
    teaching = f"{t1}/teaches/accounting-4-skill-2.1.1"
    assert (URIRef(iri), SG.hasCourse, URIRef(t1)) in g
    assert (URIRef(teaching), SG.targetNode, URIRef(ACC4 + "/skill/2.1.1")) in g
    assert (URIRef(teaching), SG.treatment, SG.Introduced) in g
    assert (URIRef(t1), SG.teaches, URIRef(ACC4 + "/skill/2.1.1")) in g
    comp = f"{iri}/course/T2/teaches/competency-{str(INDUSTRY).rsplit('/', 1)[1]}"
    assert (URIRef(comp), SG.targetNode, INDUSTRY) in g
    assert validate_curriculum(g, index).conforms_without_violations
    again = curriculum_to_graph(hand.curriculum, index)
    assert set(again) == set(g)  # deterministic


def test_shapes_catch_a_broken_curriculum_graph(hand, index):
    g = curriculum_to_graph(hand.curriculum, index)
    g.remove((None, SG.courseHours, None))
    g.add((URIRef(hand.curriculum.iri + "/course/T1"), SG.teaches, URIRef(ACC4)))  # a level
    result = validate_curriculum(g, index)
    assert result.violations >= 5 + 1 + 1  # 5 hours, the level, teaches ≠ hasTeaching/target


def _sparql(store, name, cur_iri, target):
    q = bind(load_query(name), {"curriculum": [cur_iri], "target": [target]})
    answer = store.query(q)
    names = [v.value for v in answer.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in answer]


@pytest.mark.parametrize("sheet,target", [("hand", ACC4), ("example", ACC3), ("example", ACC4)])
def test_sparql_catalog_agrees_with_python(built, index, hand, sheet, target):
    loaded = hand if sheet == "hand" else read_curriculum(EXAMPLE, index)
    store = store_from_build(built.out)
    add_to_store(store, loaded.graph, loaded.curriculum.iri)
    cov = compute_coverage(loaded.curriculum, index, target)
    rows = _sparql(store, "curriculum-coverage", loaded.curriculum.iri, target)
    expected = []
    for r in cov.functions:
        for kind, n, c, w in (("skill", r.skills, r.skills_covered, r.skill_weight),
                              ("knowledge", r.knowledge, r.knowledge_covered, r.theory_weight)):
            if n:
                expected.append((r.level.iri, r.function.code, kind, n, c, w, float(F(w * c, n))))
    got = [(x["fromLevel"], x["functionCode"], x["kind"], int(x["requirements"]),
            int(x["coveredRequirements"]), int(x["weight"]), float(x["points"])) for x in rows]
    assert [g[:6] for g in got] == [e[:6] for e in expected]
    assert [g[6] for g in got] == pytest.approx([e[6] for e in expected], abs=1e-12)
    own_theory = sum(float(x["points"]) for x in rows if x["own"] == "true" and
                     x["kind"] == "knowledge")  # fmt: skip
    assert own_theory == pytest.approx(float(cov.own.theory_points))
    gaps = _sparql(store, "curriculum-gaps", loaded.curriculum.iri, target)
    assert [g["requirement"] for g in gaps] == [g.info.iri for g in cov.gaps]
    assert [float(g["points"]) for g in gaps] == pytest.approx([float(g.points) for g in cov.gaps])


def test_catalog_queries_run_without_a_curriculum_graph(built):
    store = store_from_build(built.out)
    gaps = _sparql(store, "curriculum-gaps", "urn:skillgraph:curriculum:none", ACC4)
    assert len(gaps) == 89  # nothing taught: everything 四级 requires


def test_suggestions_rank_the_unmapped_course(index, tmp_path):
    rows = suggest([("CEA304", "项目、区域与产品碳足迹", "32", read_curriculum(EXAMPLE, index)
                     .curriculum.course("CEA304").description)], index, ACC3, top=5)  # fmt: skip
    assert len(rows) == 5 and all(r.course_id == "CEA304" for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    # the description speaks of project/region/product-level boundaries, sources, data sheets
    assert {"碳排放核算员/3/S1.2.4", "碳排放核算员/3/S2.1.3"} <= {r.requirement for r in rows}
    assert all("项目" in r.text for r in rows)


def test_cli_report_formats_and_suggest(built, tmp_path):
    run = CliRunner()
    args = [str(EXAMPLE), "--target", "碳排放核算员/3", "--build", str(built.out)]
    md = run.invoke(main, ["curriculum", *args])
    assert md.exit_code == 0, md.output
    assert "36 of 70 covered" in md.output
    out = tmp_path / "csv"
    res = run.invoke(main, ["curriculum", *args, "--format", "csv", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["summary.csv", "functions.csv", "gaps.csv", "matrix.csv", "hours.csv", "hours-check.csv",
         "multi-taught.csv", "outside-target.csv"])  # fmt: skip
    res = run.invoke(main, ["curriculum", *args, "--suggest", "--top", "3"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout.lstrip("\ufeff"))))
    assert [r["course_id"] for r in rows] == ["CEA304"] * 3
    assert set(rows[0]) == {"course_id", "course_title", "hours", "requirement", "treatment",
                            "notes", "score"}  # fmt: skip
    trig = tmp_path / "c.trig"
    res = run.invoke(main, ["curriculum", *args, "--query", "curriculum-gaps", "--format", "csv",
                            "--rdf", str(trig)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert len(res.stdout.strip().splitlines()) == 1 + 111
    store = ox.Store()
    store.load(trig.read_bytes(), format=ox.RdfFormat.TRIG)
    assert store.contains_named_graph(ox.NamedNode("urn:skillgraph:curriculum:"
                                                   "carbon-accounting-program"))  # fmt: skip


def test_cli_target_errors_name_the_closest(built):
    res = CliRunner().invoke(main, ["curriculum", str(EXAMPLE), "--target", "碳排放核算师/3",
                                    "--build", str(built.out)])  # fmt: skip
    assert res.exit_code == 1
    assert "unknown" in res.output and "碳排放核算员" in res.output
