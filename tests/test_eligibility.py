"""Eligibility (§1.9.1, footnotes 2 and 3), training hours (§1.8) and assessment rules
(§1.9.2–§1.9.5) as data, and the `eligibility` and `training-and-exams` queries.

Every expected answer below was derived by hand from the draft's sentences; the line
numbers say where (4-09-07-04 draft as shipped).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from skillgraph.catalog import load_query
from skillgraph.loaders.eligibility import parse_route
from skillgraph.loaders.errors import SourceFormatError
from skillgraph.loaders.standard import parse_standard
from skillgraph.model import EligibilityRoute, Standard
from skillgraph.params import bind
from skillgraph.store import run_query, store_from_build
from skillgraph.vocab import RDF, SG, SKOS

ID = "https://w3id.org/skillgraph/id/"
OCC = ID + "occupation/4-09-07-04"


@pytest.fixture(scope="module")
def store(built):
    return store_from_build(built.out)


def routes(standard: Standard) -> dict[tuple[int, int], EligibilityRoute]:
    return {(r.rank, r.number): r for r in standard.profile.eligibility}


def fields(s) -> dict[str, object]:
    """The conditions a set states (what is not None/False), without number, line, labels."""
    skip = {"number", "line", "label", "label_en"}
    return {k: v for k, v in vars(s).items() if k not in skip and v not in (None, False)}


# ---------------------------------------------------------------- parsing the routes


def test_every_route_becomes_alternatives_27_in_all(standard):
    counts = {key: len(r.alternatives) for key, r in routes(standard).items()}
    assert counts == {
        (5, 1): 1, (5, 2): 1,
        (4, 1): 1, (4, 2): 1, (4, 3): 2, (4, 4): 1,
        (3, 1): 2, (3, 2): 3, (3, 3): 2, (3, 4): 2,
        (2, 1): 2, (2, 2): 3, (2, 3): 2, (2, 4): 2,
        (1, 1): 2,
    }  # fmt: skip
    assert sum(counts.values()) == 27


def test_level_3_route_1_is_certificate_with_5_years_or_4_years_and_training(standard):
    """Lines 152-158: 取得…四级…证书后，累计…5 年(含)以上，或累计…4年（含）以上，经本职业
    高级工技能正规培训…并取得结业证书 — the certificate is shared by both branches, and the
    years count from it (后)."""
    first, second = routes(standard)[(3, 1)].alternatives
    common = {"credential_rank": 4, "credential_scope": "this-or-related",
              "years_after_credential": True, "work_scope": "this-or-related"}  # fmt: skip
    assert fields(first) == {**common, "min_years": "5"}
    assert fields(second) == {**common, "min_years": "4", "training_rank": 3}
    assert (first.line, second.line) == (152, 154)  # the second starts at 或累计 on line 154


def test_level_3_route_4_shares_the_degree_between_work_and_training(standard):
    """Lines 178-182: a bachelor's degree or higher in this or a related major (final-year
    students included), with 1 year of work, or with the 高级工 formal training."""
    work, training = routes(standard)[(3, 4)].alternatives
    degree = {"education": "bachelor", "or_higher_education": True,
              "major_scope": "this-or-related", "final_year_students": True}  # fmt: skip
    assert fields(work) == {**degree, "min_years": "1", "work_scope": "this-or-related"}
    assert fields(training) == {**degree, "training_rank": 3}
    assert (work.line, training.line) == (178, 182)


def test_two_school_kinds_are_two_alternatives_and_semicolon_or_starts_a_new_one(standard):
    """Lines 160-168 (三级 (2)): 四级 certificate + 高级技工学校、技师学院 diploma (no major
    named); or 四级 certificate + a 高等职业学校 diploma in a related major of a programme
    aiming at 高级 skills."""
    senior, college, higher = routes(standard)[(3, 2)].alternatives
    cert = {"credential_rank": 4, "credential_scope": "this-or-related",
            "final_year_students": True}  # fmt: skip
    assert fields(senior) == {**cert, "education": "senior-technical-school"}
    assert fields(college) == {**cert, "education": "technician-college"}
    assert fields(higher) == {**cert, "education": "higher-vocational-school",
                              "major_scope": "this-or-related", "programme_target_rank": 3}
    assert [s.line for s in (senior, college, higher)] == [162, 162, 164]  # 164: ；或取得


def test_level_2_route_2_counts_total_years_and_knows_the_preparatory_certificate(standard):
    """Lines 217-223: 三级 certificate holders graduated from 高级技工学校/技师学院 need 3
    years in total (no 后); 预备技师证书 holders from 技师学院 need 2."""
    alts = routes(standard)[(2, 2)].alternatives
    assert [(s.education, s.credential_rank, s.preparatory_technician, s.min_years,
             s.years_after_credential) for s in alts] == [
        ("senior-technical-school", 3, False, "3", False),
        ("technician-college", 3, False, "3", False),
        ("technician-college", None, True, "2", False),
    ]  # fmt: skip
    assert alts[2].line == 221


def test_level_4_route_3_reads_across_the_footnotes_on_the_page(standard):
    """Lines 93-97 and 142-144: the sentence is interrupted by footnotes 2 and 3; the second
    alternative is a 中等及以上职业学校 diploma (so higher vocational schools count too)."""
    technical, vocational = routes(standard)[(4, 3)].alternatives
    assert fields(technical) == {"education": "technical-school",
                                 "major_scope": "this-or-related", "final_year_students": True}
    assert fields(vocational) == {"education": "secondary-vocational-school",
                                  "or_higher_education": True, "programme_target_rank": 4,
                                  "major_scope": "this-or-related", "final_year_students": True}
    assert (technical.line, vocational.line) == (93, 97)


def test_level_5_routes_are_work_or_apprenticeship(standard):
    work, apprentice = routes(standard)[(5, 1)], routes(standard)[(5, 2)]
    assert fields(work.alternatives[0]) == {"min_years": "1", "work_scope": "this-or-related"}
    assert fields(apprentice.alternatives[0]) == {
        "apprenticeship": True, "apprenticeship_scope": "this-or-related"
    }


def test_labels_say_what_a_set_requires_in_both_languages(standard):
    s = routes(standard)[(4, 4)].alternatives[0]
    assert s.label == (
        "累计从事本职业或相关职业工作3年（含）以上；经本职业中级工技能正规培训并取得结业证书"
    )
    assert s.label_en == (
        "3 years of work in this or a related occupation; formal skill training for "
        "Intermediate worker of this occupation completed"
    )


def test_a_route_the_rules_cannot_read_is_an_error_naming_its_line(tmp_path, source_lines):
    lines = list(source_lines)
    assert lines[88].startswith("后，累计从事本职业或相关职业工作 3 年")
    lines[88] = "后，累计从事本职业或相关职业工作 3 年（含）以上，并通过单位面试。 "
    src = tmp_path / "changed.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        parse_standard(src)
    assert err.value.line == 89
    assert "通过单位面试" in str(err.value)


def test_an_unknown_school_is_an_error_not_a_guess():
    route = EligibilityRoute(4, 3, "取得职业高中本专业或相关专业毕业证书。", 93)
    with pytest.raises(SourceFormatError, match="职业高中"):
        parse_route(route, {"四级/中级工": 4})


# ---------------------------------------------------------------- footnotes 2 and 3


def test_related_occupations_of_footnote_2(standard):
    occupations = standard.profile.related_occupations
    assert len(occupations) == 63
    names = [o.name for o in occupations]
    assert names[0] == "电力工程技术人员" and occupations[0].line == 101
    # names with 、 inside are one occupation each (lines 109, 115, 121, 125)
    assert "标准化、计量、质量和认证认可工程技术人员" in names
    assert "电力、热力生产和供应人员" in names
    assert "涂料、油墨、颜料及类似产品制造人员" in names
    assert "水泥、石灰、石膏及其制品制造人员" in names
    assert "石油和天然气开采与储运人员" in names  # "…人员的职业" of line 131
    assert names[-1] == "统计、会计、评估、银行、证券等经济和金融专业和服务工作的职业"
    assert occupations[-1].line == 133


def test_related_majors_of_footnote_3_per_kind_of_school(standard):
    majors = standard.profile.related_majors
    per_school = {}
    for m in majors:
        per_school.setdefault(m.school, []).append(m)
    assert {k: len(v) for k, v in per_school.items()} == {
        "技工院校": 7, "中等职业学校": 9, "高等职业学校": 25, "普通高等学校": 24
    }
    assert per_school["技工院校"][0].name == "能源类" and per_school["技工院校"][0].line == 139
    assert per_school["中等职业学校"][0].line == 188
    assert per_school["普通高等学校"][-1].name == "公共管理类"
    assert per_school["技工院校"][0].education == [
        "technical-school", "senior-technical-school", "technician-college"
    ]


# ---------------------------------------------------------------- training and assessment


def test_formal_training_per_level_with_hours_and_line(standard):
    trainings = {t.rank: (t.hours, t.line) for t in standard.profile.trainings}
    assert trainings == {5: (40, 69), 4: (80, 69), 3: (80, 69), 2: (100, 71), 1: (100, 71)}


def test_assessments_per_kind_and_level(standard):
    """Lines 251-286: theory ≥90 min; skill ≥60 min for 五/四/三级 (line 274), ≥90 for
    二/一级 (line 276); review only for 技师 and 高级技师, ≥30 min, ≥3 reviewers, odd;
    pass mark 60 of 100 for all; invigilators 1:15 (theory) and 1:5 (skill), ≥2 a room."""
    got = {
        (a.exam, a.rank): (a.min_minutes, a.pass_mark, a.max_score, a.ratio,
                           a.min_invigilators, a.min_reviewers, a.odd_reviewers, a.line)
        for a in standard.profile.assessments
    }  # fmt: skip
    theory = (90, 60, 100, "1:15", 2, None, False, 274)
    assert got == {
        **{("theory", r): theory for r in (5, 4, 3, 2, 1)},
        **{("skill", r): (60, 60, 100, "1:5", 2, None, False, 274) for r in (5, 4, 3)},
        **{("skill", r): (90, 60, 100, "1:5", 2, None, False, 276) for r in (2, 1)},
        **{("review", r): (30, 60, 100, None, None, 3, True, 278) for r in (2, 1)},
    }
    skill = next(a for a in standard.profile.assessments if a.exam == "skill")
    assert skill.venue == "标准教室或者计算机机房"
    assert skill.equipment == "满足本职业评价所需的装备、工具和模拟软件"
    assert skill.method == "笔试、机考等方式"


# ---------------------------------------------------------------- the graph


def test_condition_sets_in_the_graph(built):
    g = built.graph
    s = URIRef(OCC + "/eligibility/3/1/alternative/2")
    assert (URIRef(OCC + "/eligibility/3/1"), SG.alternative, s) in g
    assert (s, RDF.type, SG.ConditionSet) in g
    assert g.value(s, SG.requiresCredentialLevel) == URIRef(ID + "level/4")
    assert g.value(s, SG.requiresCredential) == SG.SkillLevelCertificate
    assert g.value(s, SG.credentialScope) == SG.ThisOrRelated
    assert g.value(s, SG.minYearsOfWork).toPython() == 4
    assert g.value(s, SG.yearsAfterCredential).toPython() is True
    training = g.value(s, SG.requiresFormalTraining)
    assert g.value(training, SG.appliesToLevel) == URIRef(ID + "level/3")
    assert g.value(training, SG.standardHours).toPython() == 80
    assert g.value(s, SG.sourceLine).toPython() == 154
    assert len(set(g.subjects(RDF.type, SG.ConditionSet))) == 27


def test_education_ladder_is_materialized(built):
    g = built.graph
    master = URIRef(ID + "education/master")
    assert set(g.objects(master, SG.higherEducationThan)) == {
        URIRef(ID + "education/bachelor"), URIRef(ID + "education/junior-college")
    }
    assert g.value(master, SKOS.notation) == Literal("master")


def test_footnote_lists_in_the_graph(built):
    g = built.graph
    occ = URIRef(OCC)
    assert len(set(g.objects(occ, SG.relatedOccupation))) == 63
    assert len(set(g.objects(occ, SG.relatedMajor))) == 65
    energy = URIRef(OCC + "/related-major/technical-school/1")
    assert g.value(energy, SKOS.prefLabel) is not None
    assert URIRef(ID + "education/technician-college") in set(g.objects(energy, SG.forEducation))


NEW_CLASSES = (SG.ConditionSet, SG.EducationLevel, SG.RelatedOccupation, SG.MajorCategory,
               SG.FormalTraining, SG.Assessment, SG.EligibilityCondition)  # fmt: skip


@pytest.mark.parametrize("cls", NEW_CLASSES, ids=lambda c: str(c).rsplit("#", 1)[-1])
def test_every_new_node_has_a_zh_and_an_en_label(built, cls):
    g = built.graph
    nodes = set(g.subjects(RDF.type, cls))
    assert nodes
    for node in nodes:
        langs = {o.language for o in g.objects(node, SKOS.prefLabel)}
        assert {"zh", "en"} <= langs, node


def test_shapes_catch_a_broken_condition_set(built):
    from rdflib import Graph

    from skillgraph.validate import validate

    g = Graph()
    for triple in built.graph:
        g.add(triple)
    s = URIRef(OCC + "/eligibility/3/4/alternative/2")
    g.add((s, SG.requiresEducation, URIRef(ID + "education/master")))  # two diplomas
    g.add((s, SG.yearsAfterCredential, Literal(True)))  # years after no certificate
    result = validate(g)
    assert result.violations == 2
    assert str(s) in result.report_text


# ---------------------------------------------------------------- the eligibility query


def ask(store, **facts: object) -> set[tuple[int, int, int]]:
    """(rank, route, alternative) of every alternative the person meets."""
    params: dict[str, list[str]] = {}
    for name, value in facts.items():
        values = value if isinstance(value, list) else [value]
        params[name] = [str(v) for v in values]
    rows = run_query(store, bind(load_query("eligibility"), params)).rows
    return {(int(r["rank"].value), int(r["route"].value), int(r["alternative"].value))
            for r in rows}  # fmt: skip


# Persons: (facts, expected (rank, route, alternative) set, why — from the text by hand).
PERSONS = [
    pytest.param(
        {"certificateRank": 4, "yearsOfWork": 5},
        {(5, 1, 1), (4, 1, 1), (4, 2, 1), (3, 1, 1)},
        id="cert4-5years",  # 三级 (1) line 152: 四级 certificate, then 5 years
    ),
    pytest.param(
        {"certificateRank": 4, "yearsOfWork": 4},
        {(5, 1, 1), (4, 1, 1), (4, 2, 1)},
        id="cert4-4years-no-training",  # 三级 (1) line 154: 4 years only with training
    ),
    pytest.param(
        {"certificateRank": 4, "yearsOfWork": 4, "trainingRank": 3},
        {(5, 1, 1), (4, 1, 1), (4, 2, 1), (3, 1, 2)},
        id="cert4-4years-training",  # lines 154-158: 4 years + 高级工 formal training
    ),
    pytest.param(
        {"certificateRank": 4, "yearsOfWork": 8, "yearsSinceCertificate": 3},
        {(5, 1, 1), (4, 1, 1), (4, 2, 1)},
        id="cert4-only-3-years-since",  # 三级 (1): the years count from the certificate (后)
    ),
    pytest.param(
        {"education": "bachelor", "major": "related", "yearsOfWork": 1},
        {(5, 1, 1), (3, 4, 1)},
        id="bachelor-related-1year",  # 三级 (4) line 178; 五级 (1) line 79
    ),
    pytest.param(
        {"education": "bachelor", "major": "other", "yearsOfWork": 1},
        {(5, 1, 1)},
        id="bachelor-other-major",  # 三级 (4) needs this or a related major
    ),
    pytest.param(
        {"education": "bachelor", "major": "related", "finalYearStudent": "yes",
         "trainingRank": 3},
        {(3, 4, 2)},
        id="final-year-bachelor-with-training",  # lines 178-182: 含…在校应届毕业生, 或经…培训
    ),
    pytest.param(
        {"yearsOfWork": 1},
        {(5, 1, 1)},
        id="1year-only-level-5",  # 五级 (1) line 79; 四级 (2) needs 4 years (line 91)
    ),
    pytest.param(
        {"education": "master", "major": "related", "yearsOfWork": 1},
        {(5, 1, 1), (3, 4, 1), (2, 4, 1)},
        id="master-1year",  # 二级 (4) line 233; a master is 大学本科及以上 too (三级 (4))
    ),
    pytest.param(
        {"certificateRank": 2, "yearsOfWork": 4},
        {(5, 1, 1), (4, 1, 1), (4, 2, 1), (2, 1, 1), (1, 1, 1)},
        id="cert2-4years",  # 一级 line 241; a 二级 certificate also meets lower-level ones
    ),
    pytest.param(
        {"apprenticeship": "yes"},
        {(5, 2, 1)},
        id="apprentice",  # 五级 (2) line 83: 学徒期满
    ),
    pytest.param(
        {"education": "technical-school", "major": "related"},
        {(4, 3, 1)},
        id="technical-school-related",  # 四级 (3) line 93
    ),
    pytest.param(
        {"education": "technical-school", "major": "other"},
        set(),
        id="technical-school-other-major",  # 四级 (3) needs this or a related major
    ),
    pytest.param(
        {"education": "higher-vocational-school", "major": "related"},
        {(4, 3, 2)},
        id="higher-vocational-counts-as-secondary-or-higher",  # line 97: 中等及以上职业学校
    ),
    pytest.param(
        {"certificateRank": 4, "certificateOccupation": "related", "yearsOfWork": 5},
        {(5, 1, 1), (4, 1, 1), (4, 2, 1), (3, 1, 1)},
        id="related-occupation-certificate",  # 本职业或相关职业…证书 (line 152)
    ),
    pytest.param(
        {"certificateRank": 4, "certificateOccupation": "other", "yearsOfWork": 5},
        {(5, 1, 1), (4, 2, 1)},
        id="unrelated-certificate-counts-for-nothing",
    ),
    pytest.param(
        {"preparatoryTechnician": "yes", "education": "technician-college", "yearsOfWork": 2},
        {(5, 1, 1), (2, 2, 3)},
        id="preparatory-technician",  # 二级 (2) lines 221-223: 预备技师证书 + 2 years
    ),
    pytest.param(
        {"certificateRank": 4, "education": "senior-technical-school",
         "finalYearStudent": "yes"},
        {(3, 2, 1)},
        id="cert4-final-year-senior-technical-school",  # 三级 (2) line 160-163
    ),
]


@pytest.mark.parametrize(("facts", "expected"), PERSONS)
def test_eligibility_query_answers_a_person(store, facts, expected):
    assert ask(store, **facts) == expected


def test_eligibility_rows_carry_the_route_sentence_and_line(store):
    q = bind(load_query("eligibility"), {"education": ["technical-school"], "major": ["this"]})
    (row,) = run_query(store, q).rows
    assert row["line"].value == "93"
    assert row["statement"].value.startswith("取得技工学校本专业或相关专业毕业证书")
    assert row["condition"].value == OCC + "/eligibility/4/3"


# ---------------------------------------------------------------- training-and-exams query


def test_training_and_exams_of_a_technician_level(store):
    q = bind(load_query("training-and-exams"), {})  # default: accounting, 二级
    rows = run_query(store, q).rows
    got = [(r["assessmentType"].value, int(r["minDurationMinutes"].value),
            int(r["passingScore"].value), r.get("invigilatorRatio"), int(r["line"].value))
           for r in rows]  # fmt: skip
    assert [(t, m, p, r.value if r else None, line) for t, m, p, r, line in got] == [
        ("theory exam", 90, 60, "1:15", 274),
        ("skill exam", 90, 60, "1:5", 276),
        ("comprehensive review", 30, 60, None, 278),
    ]
    assert {r["trainingHours"].value for r in rows} == {"100"}
    assert rows[2]["minReviewers"].value == "3"


def test_training_and_exams_of_level_5_has_no_review(store):
    q = bind(load_query("training-and-exams"), {"tradeLevel": [OCC + "/level/5"]})
    rows = run_query(store, q).rows
    assert [(r["assessmentType"].value, r["minDurationMinutes"].value) for r in rows] == [
        ("theory exam", "90"), ("skill exam", "60")
    ]
    assert rows[0]["trainingHours"].value == "40"
    assert rows[0]["trainingSentence"].value.startswith("五级/初级工 40标准学时")


def test_queries_have_documented_parameters():
    from skillgraph.params import parse_parameters

    for name in ("eligibility", "pathway", "training-and-exams"):
        text = load_query(name)
        assert text.startswith("# title: ")
        assert "# example: skillgraph query " + name in text
        assert parse_parameters(text)


def test_store_fixture_is_the_build(built):
    assert Path(built.out, "graph.nt").is_file()
