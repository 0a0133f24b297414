"""§3 tables of the real draft: requirements read off the source text by hand.

Each expected text below was read from the numbered lines of
standards/4-09-07-04_carbon-emission-manager_draft.txt (line given), joined across line
and page breaks by a person; spaces next to Chinese characters are typesetting and are
dropped.  Many are the hard cases: cells split by a page break with other cells in
between, two cells on one line, codes printed wrong.
"""

from __future__ import annotations

import pytest

from skillgraph.model import Standard

# (trade-level, node, normalized code, expected text, first source line)
HAND_READ = [
    ("common/5", "S", "1.1.1", "能阅读监测计划或方案", 394),
    ("common/5", "S", "1.2.3", "能对监测设备进行基本管理", 422),  # printed 1.1.3
    ("common/5", "F", "4", "交易碳排放权", 556),  # 4.交/易碳 … page break … 排放/权
    ("common/5", "W", "4.1", "识别碳排放权交易主体", 560),
    ("common/5", "S", "4.1.2", "能识别和选择碳排放权交易标的物", 577),  # after the break
    ("common/5", "K", "4.1.2", "碳排放权交易标的物种类", 572),
    (
        "monitoring/4",
        "K",
        "1.1.1",
        "组织机构图、厂区分布图、工艺流程图、设施台帐、监测设备和计量器具台帐、"
        "数据内部质量控制和质量保证相关规定",
        631,
    ),
    ("monitoring/4", "K", "1.2.2", "测量仪器和测量方法的基本原理和信息", 663),
    ("monitoring/4", "F", "2", "执行监测计划或方案", 667),  # 划或方 / 案 as two cells
    ("monitoring/4", "S", "2.2.2", "能识别监测设备异常", 715),  # two items on one run
    ("monitoring/4", "S", "2.2.3", "能识别监测设备的测量误差", 717),
    (
        "monitoring/3",
        "S",
        "3.2.2",
        "能根据核算、核查要求以保守性原则处理监测设备最大的允许误差",
        1028,
    ),
    (
        "monitoring/2",
        "K",
        "2.3.4",
        "项目监测报告中抽样方案实施情况和温室气体减排量的编制要求",
        1223,
    ),
    ("monitoring/1", "S", "4.1.3", "能培训二级及以下级别的碳排放监测员", 1578),
    ("accounting/4", "S", "1.2.1", "能识别1个行业组织层级的排放设施和排放源", 1644),
    ("accounting/4", "K", "3.2.2", "统计核算归档文件的整理方法", 1819),  # after — 19 —
    ("accounting/3", "K", "3.2.2", "统计核算数据检查和验证的方法", 2199),  # ends at 2210
    ("accounting/3", "S", "3.2.2", "能修正组织层级统计核算数据", 2206),
    ("accounting/2", "K", "3.1.3", "统计核算质量管理体系优化和改进方法", 2566),
    ("accounting/1", "F", "1", "制定、审定统计核算方案", 2732),  # … 核算方 / 案 1.2制定统
    ("accounting/1", "W", "1.2", "制定统计核算工作方案", 2757),
    ("verification/3", "S", "2.3.2", "能阐释和修正组织层级核查结论", 3395),
    ("verification/2", "S", "2.2.4", "能出具和审定区域层级限产核查结论", 3591),
    ("verification/2", "S", "5.2.2", "能指导三级及以下级别的碳排放核查员业务", 3781),
    ("trading/4", "S", "3.2.2", "能收集和整理碳排放权交易市场核心要素信息", 4137),
    ("trading/2", "K", "1.2.2", "能制定碳排放权交易主体合规性管理体系的内容和要点", 4665),
    ("trading/1", "F", "1", "碳排放权交易市场分析", 4905),  # 1.碳排/放权交 … 易市场/分析
    ("trading/1", "S", "1.1.2", "能审核碳排放权交易市场内外部环境分析结论", 4928),
    (
        "consulting/3",
        "K",
        "2.1.3",
        "碳排放管理、双碳规划、产品碳足迹等各类项目的测试工作范围和内容",
        5202,
    ),  # printed 2.13
    (
        "consulting/3",
        "S",
        "2.2.4",
        "能根据书面调研情况提出现场调研、测试工作的补充内容和要点",
        5239,
    ),
    ("consulting/1", "F", "1", "咨询工作实施", 5824),
    (
        "civil-aviation/4",
        "S",
        "2.1.1",
        "能从快速存储记录器（QAR）、飞机通讯寻址与报告系统（ACARS）、飞行任务书、"
        "生产统计系统、地面能耗统计系统等航空器飞行活动及地面活动数据源中收集、整理数据",
        6171,
    ),
    ("civil-aviation/3", "S", "1.2.2", "能识别监测数据的不确定性，校核监测数据准确度", 6470),
    ("civil-aviation/3", "K", "1.1.4", "监测活动对接内容和范围", 6454),  # printed 1.1.2 again
    ("civil-aviation/2", "K", "4.1.2", "国际民航组织CORSIA政策内容和要点", 7030),
    (
        "civil-aviation/2",
        "S",
        "4.3.2",
        "能使用国内、国际碳排放权交易工具，执行国内、国际碳市场交易",
        7046,
    ),  # printed 4.1.2
    ("civil-aviation/1", "W", "1.2", "执行履约操作", 7212),  # printed 1.3 (erratum)
    ("civil-aviation/1", "S", "1.2.1", "能组合和优化国内外碳排放注册、登记和结算工具", 7216),
]


def _node(std: Standard, tl_key: str, column: str, code: str):
    trade, rank = tl_key.split("/")
    tl = next(t for t in std.trade_levels if (t.trade or "common") == trade and t.rank == int(rank))
    for fn in tl.functions:
        if column == "F" and fn.code == code:
            return fn.name, fn.line
        for wc in fn.contents:
            if column == "W" and wc.code == code:
                return wc.name, wc.line
            items = {"S": wc.skills, "K": wc.knowledge}.get(column, [])
            for req in items:
                if req.code == code:
                    return req.text, req.line
    raise AssertionError(f"no {column}{code} in {tl_key}")


@pytest.mark.parametrize(
    ("tl_key", "column", "code", "expected", "line"),
    HAND_READ,
    ids=[f"{t}/{c}{n}" for t, c, n, _e, _l in HAND_READ],
)
def test_requirement_text_matches_hand_reading(standard, tl_key, column, code, expected, line):
    text, first_line = _node(standard, tl_key, column, code)
    assert text == expected
    assert first_line == line


def test_hand_reading_covers_every_trade_and_page_break_cases():
    assert len(HAND_READ) >= 30
    trades = {key.split("/")[0] for key, *_ in HAND_READ}
    assert trades == {
        "common",
        "monitoring",
        "accounting",
        "verification",
        "trading",
        "consulting",
        "civil-aviation",
    }


def test_printed_codes_are_kept_where_they_differ(standard):
    tl = next(t for t in standard.trade_levels if t.trade == "civil-aviation" and t.rank == 3)
    wc = tl.functions[0].contents[1]
    assert [(r.code, r.printed_code) for r in wc.skills] == [
        ("1.2.1", None),
        ("1.2.2", "2.2.2"),
        ("1.2.3", "2.2.3"),
    ]


def test_knowledge_worded_as_skill_stays_in_knowledge_column(standard):
    tl = next(t for t in standard.trade_levels if t.trade == "trading" and t.rank == 2)
    wc = tl.functions[0].contents[1]
    assert [r.code for r in wc.skills] == ["1.2.1", "1.2.2"]
    assert [r.code for r in wc.knowledge] == ["1.2.1", "1.2.2"]


def test_a_page_break_restarts_the_skill_column(standard):
    """accounting/3 3.2: knowledge 3.2.2 is cut by a page break, then skill 3.2.2 is printed."""
    tl = next(t for t in standard.trade_levels if t.trade == "accounting" and t.rank == 3)
    wc = tl.functions[2].contents[1]
    assert [r.line for r in wc.skills] == [2191, 2206]
    assert [r.lines for r in wc.knowledge] == [[2195, 2197], [2199, 2210]]


def test_functions_per_trade_level_in_order(standard):
    names = {
        (t.trade or "common", t.rank): [f.name for f in t.functions] for t in standard.trade_levels
    }
    assert names[("common", 5)] == [
        "实施监测计划或方案",
        "统计核算碳排放量",
        "实施核查计划或方案",
        "交易碳排放权",
    ]
    assert names[("civil-aviation", 2)] == [
        "民航监测计划制定和实施",
        "民航统计核算及报告编制",
        "民航碳排放核查组织与实施",
        "碳排放履约",
        "技术管理",
        "培训与指导",
    ]
    assert len(standard.trade_levels) == 24
    assert sum(len(t.functions) for t in standard.trade_levels) == 94
