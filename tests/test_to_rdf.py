"""Model → RDF: IRIs, level coverage, shared competencies, findings, determinism."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from skillgraph import vocab as V
from skillgraph.iris import Iris
from skillgraph.model import (
    BasicGroup,
    ConditionSet,
    EligibilityRoute,
    Finding,
    FindingKind,
    Function,
    Level,
    NodeKind,
    NodeRef,
    Profile,
    Requirement,
    Standard,
    TextItem,
    Trade,
    TradeLevel,
    Weight,
    WorkContent,
)
from skillgraph.to_rdf import covered_levels, resolve_target, standard_to_graph
from skillgraph.vocab import RDF, SKOS

CODE = "4-09-07-04"
IRIS = Iris(CODE)
SHARED_SKILL = "能识别排放源"


def _weights(line: int) -> list[Weight]:
    """Theory 5 + 20 + 75 = 100; skill: ethics and base knowledge not assessed, function 100."""
    return [
        Weight("theory", "职业道德", "ethics", 5, line),
        Weight("theory", "基础知识", "base-knowledge", 20, line + 1),
        Weight("theory", "碳排放核算", "function", 75, line + 2, function_code="1"),
        Weight("skill", "职业道德", "ethics", None, line),
        Weight("skill", "基础知识", "base-knowledge", None, line + 1),
        Weight("skill", "碳排放核算", "function", 100, line + 2, function_code="1"),
    ]


def _level(trade: str | None, rank: int, line: int, skill: str, printed: str | None = None):
    """A trade-level with one function, one work content, two skills and one knowledge item."""
    content = WorkContent(
        "1.1",
        "排放源识别",
        line + 2,
        skills=[
            Requirement("skill", "1.1.1", skill, line + 3),
            Requirement("skill", "1.1.2", f"能编制{rank}级报告", line + 4, printed_code=printed),
        ],
        knowledge=[Requirement("knowledge", "1.1.1", "排放源分类方法", line + 3)],
    )
    function = Function("1", "碳排放核算", line + 1, contents=[content])
    return TradeLevel(trade, rank, f"heading {rank}", line, [function], _weights(line + 10))


def small_standard() -> Standard:
    """Common 五级; accounting at 四级 and 三级; consulting only at 三级 (starts above common)."""
    levels = [Level(5, "五级/初级工", "Level 5"), Level(4, "四级/中级工", "Level 4"),
              Level(3, "三级/高级工", "Level 3")]
    trades = [
        Trade("accounting", "碳排放核算员", "Carbon Emission Accountant", [4, 3], "3.2", 200),
        Trade("consulting", "碳排放咨询员", "Carbon Emission Consultant", [3], "3.3", 300),
    ]
    profile = Profile(
        name="碳排放管理员",
        code=CODE,
        definition="从事碳排放管理的人员。",
        green=True,
        levels=levels,
        trades=trades,
        environment="室内",
        ability_traits="具有一定的学习能力",
        education="高中毕业（或同等学力）",
        training_hours={5: 120, 4: 100, 3: 80},
        training_hours_text="五级120标准学时",
        eligibility=[
            EligibilityRoute(5, 1, "累计从事本职业工作1年", 50, [
                ConditionSet(1, 50, min_years="1", work_scope="this",
                             label="本职业工作1年", label_en="1 year in this occupation")]),
            EligibilityRoute(3, 2, "取得四级证书后工作4年", 52, [
                ConditionSet(1, 52, credential_rank=4, credential_scope="this", min_years="4",
                             years_after_credential=True, work_scope="this",
                             label="四级证书后4年",
                             label_en="4 years after a level-4 certificate")]),
        ],
        footnotes=[TextItem("footnote/1", "相关职业：环境监测员", 60)],
        assessment=[TextItem("assessment/pass-mark", "均实行百分制，60分及以上为合格", 70)],
        pass_mark=60,
        lines={"name": 3, "code": 4},
    )
    basic = [BasicGroup("2.1.1", "职业道德基本知识", "ethics", 100,
                        [TextItem("1", "遵纪守法", 101, "1"), TextItem("2", "诚实守信", 102, "2")])]
    return Standard(
        title="国家职业技能标准 碳排放管理员",
        status="征求意见稿",
        source_name="draft.txt",
        source_sha256="0" * 64,
        profile=profile,
        basic_groups=basic,
        trade_levels=[
            _level(None, 5, 110, "能填写排放台账"),
            _level("accounting", 4, 210, SHARED_SKILL),
            _level("accounting", 3, 230, "能核算排放量", printed="1.1.3"),
            _level("consulting", 3, 310, SHARED_SKILL),
        ],
        findings=[
            Finding(FindingKind.PRINTED_CODE_MISFIT, "编号与位置不符 / printed code misfits", 234,
                    NodeRef(NodeKind.SKILL, "1.1.2", "accounting", 3)),
            Finding(FindingKind.PRINTED_CODE_MISFIT, "又一处 / another one", 234,
                    NodeRef(NodeKind.WORK_CONTENT, "1.1", "accounting", 3)),
            Finding(FindingKind.WEIGHT_SUM, "weights do not sum to 100", 320,
                    NodeRef(NodeKind.TRADE_LEVEL, trade="consulting", rank=3)),
        ],
        unassigned=[],
        line_owner={},
    )


@pytest.fixture(scope="module")
def graph() -> Graph:
    return standard_to_graph(small_standard())


def test_requirement_iri_follows_iris_module_and_is_typed_by_kind(graph: Graph) -> None:
    skill = IRIS.requirement("accounting", 3, "skill", "1.1.1")
    knowledge = IRIS.requirement("accounting", 3, "knowledge", "1.1.1")
    assert str(skill).endswith("occupation/4-09-07-04/trade/accounting/level/3/skill/1.1.1")
    assert (skill, RDF.type, V.SkillRequirement) in graph
    assert (knowledge, RDF.type, V.KnowledgeRequirement) in graph
    content = IRIS.work_content("accounting", 3, "1.1")
    assert (content, V.hasRequirement, skill) in graph
    assert (IRIS.function("accounting", 3, "1"), V.hasWorkContent, content) in graph


def test_each_level_covers_only_the_level_directly_below(graph: Graph) -> None:
    edges = {(s, o) for s, o in graph.subject_objects(V.coversLowerLevel)}
    tl = IRIS.trade_level
    assert edges == {
        (tl("accounting", 3), tl("accounting", 4)),
        (tl("accounting", 4), tl(None, 5)),
        (tl("consulting", 3), tl(None, 5)),
    }


def test_lowest_rank_of_trade_covers_next_common_level_skipping_gaps() -> None:
    tls = [TradeLevel(None, 5, "", 1), TradeLevel("m", 4, "", 2), TradeLevel("m", 2, "", 3)]
    assert covered_levels(tls) == {("m", 4): (None, 5), ("m", 2): ("m", 4)}


def test_common_level_has_occupation_and_no_trade(graph: Graph) -> None:
    common = IRIS.trade_level(None, 5)
    assert (common, V.occupation, IRIS.occupation()) in graph
    assert graph.value(common, V.trade) is None
    assert (common, SKOS.prefLabel, Literal("碳排放管理员五级/初级工", lang="zh")) in graph
    assert (common, V.trainingHours, Literal(120)) in graph


def test_trade_level_label_joins_trade_and_level_names(graph: Graph) -> None:
    node = IRIS.trade_level("accounting", 3)
    assert (node, SKOS.prefLabel, Literal("碳排放核算员三级/高级工", lang="zh")) in graph
    assert (node, V.trade, IRIS.trade("accounting")) in graph
    assert (node, V.level, IRIS.skill_level(3)) in graph


def test_identical_text_in_two_trade_levels_shares_one_competency(graph: Graph) -> None:
    a = graph.value(IRIS.requirement("accounting", 4, "skill", "1.1.1"), V.expresses)
    b = graph.value(IRIS.requirement("consulting", 3, "skill", "1.1.1"), V.expresses)
    assert a == b == IRIS.competency("skill", SHARED_SKILL)
    assert list(graph.objects(a, SKOS.prefLabel)) == [Literal(SHARED_SKILL, lang="zh")]
    assert (a, RDF.type, SKOS.Concept) in graph
    scheme = graph.value(a, SKOS.inScheme)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph


def test_same_text_of_other_kind_is_another_competency() -> None:
    assert IRIS.competency("skill", "x") != IRIS.competency("knowledge", "x")


def test_printed_code_kept_only_where_it_differs(graph: Graph) -> None:
    assert set(graph.subject_objects(V.printedCode)) == {
        (IRIS.requirement("accounting", 3, "skill", "1.1.2"), Literal("1.1.3"))
    }


def test_weights_carry_percent_or_not_assessed_and_point_to_their_row(graph: Graph) -> None:
    fn = IRIS.weight("accounting", 3, "theory", "function-1")
    assert (fn, V.weightPercent, Literal(75)) in graph
    assert (fn, V.weightOf, IRIS.function("accounting", 3, "1")) in graph
    assert (fn, V.exam, V.TheoryExam) in graph
    ethics = IRIS.weight("accounting", 3, "skill", "ethics")
    assert (ethics, V.notAssessed, Literal(True)) in graph
    assert (ethics, V.weightOf, V.EthicsCategory) in graph
    assert graph.value(ethics, V.weightPercent) is None


def test_findings_affect_the_nodes_their_paths_name(graph: Graph) -> None:
    first = IRIS.finding("PrintedCodeMisfit", 234)
    second = IRIS.finding("PrintedCodeMisfit", 234, 1)
    assert (first, V.affects, IRIS.requirement("accounting", 3, "skill", "1.1.2")) in graph
    assert (second, V.affects, IRIS.work_content("accounting", 3, "1.1")) in graph
    assert (first, V.findingKind, V.SG.PrintedCodeMisfit) in graph
    standard = IRIS.standard()
    assert set(graph.objects(standard, V.hasFinding)) == {
        first, second, IRIS.finding("WeightSumNot100", 320)
    }


def test_bilingual_finding_message_is_split_by_language(graph: Graph) -> None:
    messages = set(graph.objects(IRIS.finding("PrintedCodeMisfit", 234), V.message))
    assert messages == {Literal("编号与位置不符", lang="zh"),
                        Literal("printed code misfits", lang="en")}
    english_only = set(graph.objects(IRIS.finding("WeightSumNot100", 320), V.message))
    assert english_only == {Literal("weights do not sum to 100", lang="en")}


def test_draft_status_gets_an_english_label(graph: Graph) -> None:
    assert set(graph.objects(IRIS.standard(), V.status)) == {
        Literal("征求意见稿", lang="zh"), Literal("draft for comments", lang="en")
    }


def test_profile_items_become_linked_nodes(graph: Graph) -> None:
    occ = IRIS.occupation()
    assert (occ, V.hasEligibilityCondition, IRIS.eligibility(3, 2)) in graph
    assert (IRIS.eligibility(3, 2), V.forLevel, IRIS.skill_level(3)) in graph
    provision = IRIS.assessment("pass-mark")
    assert (occ, V.hasAssessmentProvision, provision) in graph
    assert (provision, V.provisionType, Literal("pass-mark")) in graph
    assert (occ, SKOS.note, Literal("相关职业：环境监测员", lang="zh")) in graph
    group = IRIS.basic_group("2.1.1")
    assert (group, V.hasBasicRequirement, IRIS.basic_item("2.1.1", "2")) in graph
    assert (IRIS.basic_item("2.1.1", "2"), V.position, Literal(2)) in graph
    assert (occ, V.sourceLine, Literal(3)) in graph


def test_conversion_is_deterministic() -> None:
    def dump() -> list[str]:
        text = standard_to_graph(small_standard()).serialize(format="nt")
        return sorted(line for line in text.splitlines() if line)

    first, second = dump(), dump()
    assert first == second
    assert not any(line.startswith("_:") or " _:" in line for line in first)


def test_base_is_configurable() -> None:
    g = standard_to_graph(small_standard(), base="http://example.org/id/")
    assert (URIRef(f"http://example.org/id/occupation/{CODE}"), RDF.type, V.Occupation) in g


def test_two_items_with_one_normalized_code_are_refused() -> None:
    std = small_standard()
    content = std.trade_levels[0].functions[0].contents[0]
    content.skills[1].code = "1.1.1"
    with pytest.raises(ValueError, match="two items map to"):
        standard_to_graph(std)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("accounting/3", IRIS.trade_level("accounting", 3)),
        ("accounting/3/S1.2.1", IRIS.requirement("accounting", 3, "skill", "1.2.1")),
        ("accounting/3/K1.2.1", IRIS.requirement("accounting", 3, "knowledge", "1.2.1")),
        ("common/5/W1.2", IRIS.work_content(None, 5, "1.2")),
        ("common/5/F2", IRIS.function(None, 5, "2")),
        ("consulting/3/weight/theory/function-2",
         IRIS.weight("consulting", 3, "theory", "function-2")),
        ("profile/hours", IRIS.occupation()),
        ("trade/accounting", IRIS.trade("accounting")),
        ("basic/2.2.1", IRIS.basic_group("2.2.1")),
        # the item's key is its whole path: the IRI the graph mints (…/basic/2.2.1/basic/2.2.1/3)
        ("basic/2.2.1/3", IRIS.basic_item("2.2.1", "basic/2.2.1/3")),
        ("eligibility/3/2", IRIS.eligibility(3, 2)),
    ],
)
def test_resolve_target_maps_model_paths_to_iris(path: str, expected: URIRef) -> None:
    assert resolve_target(path, IRIS) == expected


@pytest.mark.parametrize(
    "path",
    ["", "accounting", "accounting/7", "accounting/3/X1", "accounting/3/S1.2",
     "accounting/3/F", "common/5/weight/oral/ethics", "trade/", "trade/a/b", "basic"],
)
def test_resolve_target_rejects_unknown_paths(path: str) -> None:
    with pytest.raises(ValueError, match="unknown model path"):
        resolve_target(path, IRIS)
