"""§1 职业概况 and §2 基本要求 of the real draft, read by hand and pinned literally."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from skillgraph.loaders.errors import SourceFormatError
from skillgraph.loaders.profile import footnote_references, parse_profile
from skillgraph.model import FindingKind

NAME = "4-09-07-04_carbon-emission-manager_draft.txt"
LINES = (files("skillgraph.standards") / NAME).read_text(encoding="utf-8").split("\n")


def parse(lines: list[str] = LINES):
    return parse_profile(lines, source=NAME)


def edited(changes: dict[int, str]) -> list[str]:
    """The real lines with some replaced (1-based numbers), so line numbers stay put."""
    out = list(LINES)
    for number, text in changes.items():
        out[number - 1] = text
    return out


@pytest.fixture(scope="module")
def parsed():
    return parse()


@pytest.fixture(scope="module")
def profile(parsed):
    return parsed[0]


@pytest.fixture(scope="module")
def groups(parsed):
    return {g.code: g for g in parsed[1]}


def routes(profile, rank):
    return {r.number: r for r in profile.eligibility if r.rank == rank}


# ---------------------------------------------------------------- §1.1–1.7


def test_name_drops_green_mark_and_footnote_marker(profile):
    assert profile.name == "碳排放管理员"
    assert profile.lines["name"] == 14


def test_green_comes_from_the_mark_explained_in_footnote_1(profile):
    assert profile.green is True


def test_green_is_false_when_no_footnote_explains_the_mark():
    lines = edited({62: "员、民航碳排放管理员等 6个工种。 "})
    assert parse(lines)[0].green is False


def test_code_definition_environment_traits_education(profile):
    assert profile.code == "4-09-07-04"
    assert (
        profile.definition
        == "从事二氧化碳等温室气体排放监测、统计核算、核查、交易和咨询等工作的人员。"
    )
    assert profile.environment == "室内、外，常温。"
    assert profile.ability_traits == (
        "具有自主学习能力；具有较强的观察理解、独立思考、分析判断、沟通协调，以及数学运算、"
        "语言表达和文字描述等能力；具有一定的逻辑思维、风险预判能力；"
        "具有正常的视力、色觉、听觉和空间感。"
    )
    assert profile.education == "高中毕业（或同等学力）。"


def test_lines_give_the_source_line_of_each_field(profile):
    expected = {
        "name": 14, "code": 20, "definition": 24, "levels": 30, "trades": 34,
        "environment": 48, "ability_traits": 52, "education": 65, "training_hours": 69,
        "eligibility": 77, "footnotes": 60, "assessment": 251, "pass_mark": 261,
    }  # fmt: skip
    assert {k: profile.lines[k] for k in expected} == expected


# ---------------------------------------------------------------- §1.4 levels and trades


def test_five_levels_ranked_5_to_1_with_english_names(profile):
    assert [(lv.rank, lv.name, lv.name_en) for lv in profile.levels] == [
        (5, "五级/初级工", "Level 5 / Junior worker"),
        (4, "四级/中级工", "Level 4 / Intermediate worker"),
        (3, "三级/高级工", "Level 3 / Senior worker"),
        (2, "二级/技师", "Level 2 / Technician"),
        (1, "一级/高级技师", "Level 1 / Senior technician"),
    ]


def test_six_trades_with_ranks_from_the_section_1_4_sentences(profile):
    # slugs by position: the profile parser knows no occupation's names
    assert [(t.slug, t.name, t.ranks, t.section) for t in profile.trades] == [
        ("trade-1", "碳排放监测员", [4, 3, 2, 1], ""),
        ("trade-2", "碳排放核算员", [4, 3, 2, 1], ""),
        ("trade-3", "碳排放核查员", [4, 3, 2, 1], ""),
        ("trade-4", "碳排放交易员", [4, 3, 2, 1], ""),
        ("trade-5", "民航碳排放管理员", [4, 3, 2, 1], ""),
        ("trade-6", "碳排放咨询员", [3, 2, 1], ""),
    ]  # fmt: skip
    assert [t.line for t in profile.trades] == [34, 34, 34, 34, 34, 42]


def test_trade_slugs_and_english_come_from_the_standards_names_file():
    from skillgraph.loaders.standard import default_source, parse_standard

    trades = parse_standard(default_source()).profile.trades
    assert [(t.slug, t.name_en) for t in trades] == [
        ("monitoring", "Carbon emission monitor"),
        ("accounting", "Carbon emission accountant"),
        ("verification", "Carbon emission verifier"),
        ("trading", "Carbon emission trader"),
        ("civil-aviation", "Civil aviation carbon emission manager"),
        ("consulting", "Carbon emission consultant"),
    ]


def test_trade_ranks_follow_the_sentence_not_a_fixed_list():
    lines = edited({42: "碳排放咨询员共设两个等级，分别为：二级/技师、一级/高", 44: "级技师。 "})
    trades = {t.name: t for t in parse(lines)[0].trades}
    assert trades["碳排放咨询员"].ranks == [2, 1]


def test_footnote_1_agreeing_on_six_trades_gives_no_finding(parsed):
    assert [f.target.path for f in parsed[2]] == ["profile/training-hours"]


def test_footnote_1_disagreeing_on_the_trade_count_is_a_finding():
    lines = edited({62: "员、民航碳排放管理员等 7个工种。“L”为绿色职业标识。 "})
    findings = [f for f in parse(lines)[2] if f.target.path == "profile/trades"]
    assert len(findings) == 1
    assert findings[0].kind is FindingKind.PROFILE_CONTRADICTION
    assert findings[0].line == 60


def test_stated_trade_count_differing_from_the_names_listed_is_a_finding():
    lines = edited({36: "放管理员等四个工种共设五个等级，分别为：五级/初级工、四级/中级工、三"})
    findings = [f for f in parse(lines)[2] if f.target.path == "profile/trades"]
    assert [f.line for f in findings] == [36]
    assert findings[0].message.startswith("句中称四个工种，却列出5个")
    assert "states 4 trades but lists 5" in findings[0].message


# ---------------------------------------------------------------- §1.8 training hours


def test_training_hours_per_rank_and_the_full_sentence(profile):
    assert profile.training_hours == {5: 40, 4: 80, 3: 80, 2: 100, 1: 100}
    assert profile.training_hours_text == (
        "五级/初级工 40标准学时；四级/中级工、三级/高级工分别 80标准学时；"
        "三级/高级工 80标准学时；二级/技师、一级/高级技师 100标准学时。"
    )


def test_training_hours_naming_a_level_twice_is_a_finding(parsed):
    [finding] = [f for f in parsed[2] if f.target.path == "profile/training-hours"]
    assert finding.kind is FindingKind.PROFILE_CONTRADICTION
    assert finding.line == 71
    assert finding.message == (
        "培训参考学时一句两次给出三级/高级工的学时（第69行、第71行） / "
        "the training-hours sentence states 三级/高级工 twice (lines 69 and 71)"
    )


def test_training_hours_twice_with_different_values_is_a_second_finding():
    lines = edited({71: "三级/高级工 90标准学时；二级/技师、一级/高级技师 100标准学时。 "})
    profile, _, findings, _ = parse(lines)
    messages = [f.message for f in findings if f.target.path == "profile/training-hours"]
    assert len(messages) == 2
    assert "80 and 90" in messages[1]
    assert profile.training_hours[3] == 80  # the first statement is kept


# ---------------------------------------------------------------- §1.9.1 eligibility


def test_route_counts_per_rank(profile):
    counts = {rank: len(routes(profile, rank)) for rank in (5, 4, 3, 2, 1)}
    assert counts == {5: 2, 4: 4, 3: 4, 2: 4, 1: 1}
    assert all(list(routes(profile, rank)) == list(range(1, n + 1)) for rank, n in counts.items())


def test_rank_5_route_1_drops_the_footnote_2_marker(profile):
    route = routes(profile, 5)[1]
    assert route.text == "累计从事本职业或相关职业工作 1年（含）以上。"
    assert route.line == 79


def test_rank_4_route_3_joins_across_footnotes_2_and_3_and_a_page_break(profile):
    route = routes(profile, 4)[3]
    assert route.text == (
        "取得技工学校本专业或相关专业毕业证书（含尚未取得毕业证书的在校应届毕业生）；"
        "或取得经评估论证、以中级技能为培养目标的中等及以上职业学校本专业或相关专业"
        "毕业证书（含尚未取得毕业证书的在校应届毕业生）。"
    )
    assert route.line == 93


def test_rank_3_route_2_joins_across_lines(profile):
    assert routes(profile, 3)[2].text == (
        "取得本职业或相关职业四级/中级工职业资格证书（技能等级证书），并具有高级技工学校、"
        "技师学院毕业证书（含尚未取得毕业证书的在校应届毕业生）；或取得本职业或相关职业"
        "四级/中级工职业资格证书（技能等级证书），并具有经评估论证、以高级技能为培养目标的"
        "高等职业学校本专业或相关专业毕业证书（含尚未取得毕业证书的在校应届毕业生）。"
    )


def test_rank_2_routes_begin_after_footnote_3_continuation(profile):
    route = routes(profile, 2)[1]
    assert route.line == 209
    assert route.text == (
        "取得本职业或相关职业三级/高级工职业资格证书（技能等级证书）后，累计从事本职业或"
        "相关职业工作 4 年（含）以上，或累计从事本职业或相关职业工作 3年（含）以上，"
        "经本职业技师技能正规培训达规定标准学时数，并取得结业证书。"
    )


def test_rank_1_single_unnumbered_condition_is_route_1(profile):
    assert routes(profile, 1)[1].text == (
        "取得本职业或相关职业二级/技师职业资格证书（技能等级证书）后，累计从事本职业或"
        "相关职业工作 4年（含）以上，或累计从事本职业或相关职业工作 3年（含）以上，"
        "经本职业高级技师技能正规培训达规定标准学时数，并取得结业证书。"
    )


def test_footnote_markers_are_stripped_but_recorded(profile):
    assert not any("2工作" in r.text or "专业3" in r.text for r in profile.eligibility)
    assert footnote_references(profile) == [
        ("profile/name", "footnote/1", 15),
        ("eligibility/5/1", "footnote/2", 80),
        ("eligibility/4/3", "footnote/3", 94),
    ]


def test_rank_without_conditions_is_a_finding():
    lines = edited(dict.fromkeys(range(239, 248), ""))
    findings = [f for f in parse(lines)[2] if f.target.path == "eligibility/1"]
    assert len(findings) == 1
    assert findings[0].kind is FindingKind.PROFILE_CONTRADICTION
    assert "一级/高级技师" in findings[0].message


def test_skipped_condition_number_is_a_finding():
    lines = edited({91: "（3）累计从事本职业或相关职业工作 4年（含）以上。 "})
    findings = [f for f in parse(lines)[2] if f.target.path == "eligibility/4"]
    assert [(f.kind, f.line) for f in findings] == [
        (FindingKind.MISSING_NUMBER, 91),
        (FindingKind.DUPLICATE_NUMBER, 93),
    ]


# ---------------------------------------------------------------- footnotes, assessment


def test_footnotes_1_to_3_with_footnote_3_split_by_school_type(profile):
    notes = {n.key: n for n in profile.footnotes}
    assert list(notes) == [
        "footnote/1",
        "footnote/2",
        "footnote/3",
        "footnote/3/technical-school",
        "footnote/3/secondary-vocational-school",
        "footnote/3/higher-vocational-school",
        "footnote/3/university",
    ]
    assert notes["footnote/1"].text == (
        "本职业包含碳排放监测员、碳排放核算员、碳排放核查员、碳排放交易员、碳排放咨询员、"
        "民航碳排放管理员等 6个工种。“L”为绿色职业标识。"
    )
    assert notes["footnote/2"].text.startswith("相关职业是指电力工程技术人员、")
    assert notes["footnote/2"].text.endswith("等经济和金融专业和服务工作的职业，下同。")
    assert notes["footnote/3"].text == "相关专业："
    assert notes["footnote/3/technical-school"].text == (
        "对于技工院校是指：能源类、化工类、冶金类、建筑类、轻工类、电工电子类、财经商贸类等专业，下同；"
    )
    assert notes["footnote/3/secondary-vocational-school"].line == 188
    assert notes["footnote/3/university"].text.endswith("工商管理类、公共管理类等专业，下同。")


def test_assessment_provisions_and_pass_mark(profile):
    items = {a.key: a for a in profile.assessment}
    assert list(items) == [
        "assessment/methods",
        "assessment/pass-mark",
        "assessment/invigilators",
        "assessment/durations",
        "assessment/venues",
    ]
    assert profile.pass_mark == 60
    assert items["assessment/pass-mark"].text == (
        "理论知识考试、技能考核和综合评审均实行百分制，成绩皆达 60分（含）以上者为合格。"
    )
    assert items["assessment/invigilators"].text == (
        "理论知识考试中的监考人员与考生配比不低于 1:15，且每个考场不少于 2名监考人员；"
        "技能考核中的监考人员与考生配比不低于 1:5，且每个考场不少于 2名监考人员；"
        "综合评审委员为 3人（含）以上单数。"
    )
    assert items["assessment/durations"].text == (
        "理论知识考试时间不少于 90 分钟；技能考核时间：五级/初级工、四级/中级工、三级/高级工"
        "分别不少于 60分钟，二级/技师、一级/高级技师分别不少于 90分钟；综合评审时间不少于 30分钟。"
    )
    assert items["assessment/methods"].text.startswith(
        "评价分为理论知识考试、技能考核以及综合评审。"
    )
    assert items["assessment/venues"].text.endswith("综合评审在配备必要的多媒体设备的室内进行。")


# ---------------------------------------------------------------- §2 basic requirements


def test_basic_groups_with_codes_categories_and_item_counts(groups):
    assert [(g.code, g.name, g.category, len(g.items)) for g in groups.values()] == [
        ("2.1.1", "职业道德基本知识", "ethics", 0),
        ("2.1.2", "职业守则", "ethics", 7),
        ("2.2.1", "碳排放职业基础知识", "base-knowledge", 5),
        ("2.2.2", "安全生产、环境保护、消防和职业健康基础知识", "base-knowledge", 4),
        ("2.2.3", "能源管理和质量管理基础知识", "base-knowledge", 2),
        ("2.2.4", "相关法律法规知识", "base-knowledge", 12),
    ]


def test_seven_rules_of_conduct(groups):
    assert [(i.key, i.code, i.text) for i in groups["2.1.2"].items] == [
        ("basic/2.1.2/1", "2.1.2.1", "遵守国家法律、法规和有关规定。"),
        ("basic/2.1.2/2", "2.1.2.2", "爱岗敬业，忠于职守，诚实守信。"),
        ("basic/2.1.2/3", "2.1.2.3", "认真负责，注重行业形象、廉洁自律。"),
        ("basic/2.1.2/4", "2.1.2.4", "刻苦学习，钻研业务，奉献社会。"),
        ("basic/2.1.2/5", "2.1.2.5", "谦虚谨慎，团结协作，主动配合。"),
        ("basic/2.1.2/6", "2.1.2.6", "严格执行标准规范，质量意识强。"),
        ("basic/2.1.2/7", "2.1.2.7", "严格执行作业规程，安全意识强。"),
    ]


def test_twelve_laws_the_last_joined_across_two_lines(groups):
    assert [i.text for i in groups["2.2.4"].items] == [
        "《中华人民共和国民法典》相关知识。",
        "《中华人民共和国劳动法》相关知识。",
        "《中华人民共和国劳动合同法》相关知识。",
        "《中华人民共和国节约能源法》相关知识。",
        "《中华人民共和国环境保护法》相关知识。",
        "《中华人民共和国清洁生产促进法》相关知识。",
        "《中华人民共和国循环经济促进法》相关知识。",
        "《中华人民共和国安全生产法》相关知识。",
        "《中华人民共和国标准化法》相关知识。",
        "《中华人民共和国统计法》相关知识。",
        "《中华人民共和国网络安全法》相关知识。",
        "《联合国气候变化框架公约》、《京都议定书》和《巴黎协定》相关知识。",
    ]
    assert groups["2.2.4"].items[-1].key == "basic/2.2.4/12"
    assert groups["2.2.4"].items[-1].line == 362


# ---------------------------------------------------------------- provenance


def test_every_non_blank_line_of_sections_1_and_2_is_mapped(parsed):
    owner = parsed[3]
    non_blank = {n for n in range(1, 365) if LINES[n - 1].strip()}
    assert set(owner) == non_blank


def test_line_map_points_at_the_item_holding_the_text(parsed):
    owner = parsed[3]
    assert {n: owner[n] for n in (2, 12, 14, 15, 26, 80, 94, 136, 142, 188, 209, 364)} == {
        2: "ignored/title",
        12: "ignored/heading",
        14: "profile/name",
        15: "profile/name",
        26: "profile/definition",
        80: "eligibility/5/1",
        94: "eligibility/4/3",
        136: "footnote/3",
        142: "eligibility/4/3",
        188: "footnote/3/secondary-vocational-school",
        209: "eligibility/2/1",
        364: "basic/2.2.4/12",
    }


# ---------------------------------------------------------------- broken inputs


@pytest.mark.parametrize(
    ("blanked", "line", "heading"),
    [
        (18, 22, "1.2 职业编码"),
        (12, 18, "1.1 职业名称"),  # found 1.2 instead
        (265, 272, "1.9.3 监考人员、考评人员与考生配比"),
        (293, 309, "2.1.2 职业守则"),
    ],
)
def test_missing_heading_raises_naming_file_and_line(blanked, line, heading):
    with pytest.raises(SourceFormatError) as caught:
        parse(edited({blanked: ""}))
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{NAME}:{line}: missing heading {heading}")


def test_missing_heading_line_counts_lines_of_the_input_as_given():
    lines = LINES[:17] + LINES[18:]  # line 18 "1.2 职业编码" deleted: 1.3 moves to line 21
    with pytest.raises(SourceFormatError, match=r":21: missing heading 1\.2 职业编码"):
        parse(lines)


def test_misnamed_heading_raises():
    with pytest.raises(SourceFormatError, match=r":28: heading 1.4 should read 职业技能等级"):
        parse(edited({28: "1.4  职业等级 "}))


def test_missing_last_heading_of_section_2_raises():
    # 2.2.n groups are any number of …知识 headings: without 2.2.4 its unnumbered laws run
    # into 2.2.3's numbered items, which is refused at the first of them
    with pytest.raises(SourceFormatError, match=r":\d+: unnumbered paragraph among numbered "
                       r"items of basic/2\.2\.3"):
        parse(edited({339: ""}))


def test_no_knowledge_group_under_2_2_raises():
    lines = [ln for ln in LINES if not re.match(r"2\.2\.\d", ln.strip())]
    with pytest.raises(SourceFormatError, match=r"missing heading 2\.2\.1 …知识"):
        parse(lines)


def test_missing_section_3_heading_raises():
    with pytest.raises(SourceFormatError, match="missing heading 3 工作要求"):
        parse(LINES[:364])


TINY = [  # a whole §1–§2 in miniature: two levels, one route, a gap in 2.1.2
    "碳排放管理员",
    "1  职业概况",
    "1.1  职业名称",
    "测试员",
    "1.2  职业编码",
    "1-02-03-04",
    "1.3  职业定义",
    "从事测试的人员。",
    "1.4  职业技能等级",
    "本职业共设两个等级，分别为：二级/技师、一级/高级技师。",
    "1.5  职业环境条件",
    "室内。",
    "1.6  职业能力特征",
    "细心。",
    "1.7  普通受教育程度",
    "高中毕业。",
    "1.8  培训参考学时",
    "二级/技师 100标准学时。",
    "1.9  职业技能鉴定要求",
    "1.9.1  申报条件",
    "具备以下条件者，可申报二级/技师：",
    "工作 4年（含）以上。",
    "1.9.2  评价方式",
    "成绩皆达 60分（含）以上者为合格。",
    "1.9.3  监考人员、考评人员与考生配比",
    "1.9.4  评价时间",
    "1.9.5  评价场所设备",
    "2  基本要求",
    "2.1  职业道德",
    "2.1.1  职业道德基本知识",
    "2.1.2  职业守则",
    "（1）遵守法律。",
    "（3）爱岗敬业。",
    "2.2  基础知识",
    "2.2.1  甲知识",
    "2.2.2  乙知识",
    "2.2.3  丙知识",
    "2.2.4  相关法律法规知识",
    "3  工作要求",
]


def test_tiny_hand_written_profile_parses():
    text = "\n\n".join(line + " " for line in TINY)  # every line ends its paragraph
    profile, groups, findings, owner = parse_profile(text.split("\n"), source="tiny.txt")
    assert (profile.name, profile.green, profile.training_hours) == ("测试员", False, {2: 100})
    assert [f.target.path for f in findings] == [
        "profile/training-hours",  # 一级 has no hours
        "eligibility/1",  # 一级 has no conditions
        "basic/2.1.2",  # (2) is missing
    ]
    assert groups[1].items[1].key == "basic/2.1.2/3"
    assert owner[1] == "ignored/title"


def test_source_format_error_reads_path_line_problem():
    error = SourceFormatError("a.txt", 7, "missing heading 1.2 职业编码")
    assert str(error) == "a.txt:7: missing heading 1.2 职业编码"
    assert (error.path, error.line, error.problem) == ("a.txt", 7, "missing heading 1.2 职业编码")
