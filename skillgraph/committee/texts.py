"""Every Chinese (and English) text of the committee's findings list and comment sheet.

One table, so that the sheet, the build report, the server page and docs/committee.md say
the same thing: a rule (what kind of defect) has a name, a reason (理由/依据: the drafting
rule the text breaks) and a suggestion (修改建议: what the drafters could do).  Findings
name their rule by their sg:FindingKind; SHACL warnings by their shape (a SPARQL or node
shape) or, for a property shape, by its path.  ``tests/test_committee.py`` checks that
every finding kind of the ontology and every warning shape of ``shapes/`` has a rule here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One kind of defect.  ``suggestion`` may name ``{code}``, ``{printed}``, ``{others}``."""

    name_zh: str
    name_en: str
    reason: str  # 理由/依据, in Chinese
    suggestion: str  # 修改建议, in Chinese
    meaning_en: str  # for docs/committee.md and the page's legend


RULES: dict[str, Rule] = {
    "PrintedCodeMisfit": Rule(
        "印刷编号与位置不符", "printed code misfit",
        "条目编号应由所属上级条目的编号加顺序号组成（如工作内容 1.2 下的技能要求编为 "
        "1.2.1、1.2.2……），印刷编号与其所在位置不符。",
        "将编号 {printed} 改为 {code}。",
        "The printed code does not fit the item's place in the table; the graph uses the "
        "normalized code and keeps the printed one.",
    ),
    "MalformedCode": Rule(
        "编号格式错误", "malformed code",
        "编号各级之间以“.”分隔，每级为一个顺序号（如 2.1.3）。",
        "将编号 {printed} 改为 {code}。",
        "A code is not well formed (2.13 for 2.1.3); read by its place.",
    ),
    "DuplicateNumber": Rule(
        "编号重复", "duplicate number",
        "同一工作内容中同类要求的编号应唯一，编号重复无法准确引用。",
        "将重复的编号 {printed} 改为 {code}。",
        "Two items of one column share a number; the later one is renumbered.",
    ),
    "MissingNumber": Rule(
        "编号缺失", "missing number",
        "编号应从 1 起连续排列，不得跳号或漏编。",
        "补全或顺延编号，使编号连续。",
        "A number is missing from a numbered sequence, or an item has no number.",
    ),
    "WordingContradictsColumn": Rule(
        "表述与所在栏目不符", "wording contradicts column",
        "技能要求以“能……”表述可观察的操作能力，相关知识要求列出应掌握的知识点，两栏不应混写。",
        "将该条移入技能要求栏，或改写为知识点的表述。",
        "An item is worded like the other column (a knowledge item that begins with 能).",
    ),
    "WeightSumNot100": Rule(
        "比重合计不等于 100%", "weights do not sum to 100",
        "比重表中各项比重之和应为 100%。",
        "核对并调整各项比重，使合计为 100%。",
        "The exam weights of one table do not add up to 100%.",
    ),
    "ProfileContradiction": Rule(
        "职业概况表述前后矛盾", "profile contradiction",
        "职业概况中同一事项只能有一种规定，数量、学时、条件等应前后一致。",
        "统一该事项的表述。",
        "Two statements of the profile (§1) contradict each other or leave a level out.",
    ),
    "FunctionNameMismatch": Rule(
        "比重表项目名称与职业功能不一致", "function name mismatch",
        "比重表中的项目应与工作要求中的职业功能一一对应、名称一致。",
        "统一比重表与工作要求中的职业功能名称。",
        "A weight row's name differs from the name of the function it weighs.",
    ),
    "WeightWithoutFunction": Rule(
        "比重表项目无对应职业功能", "weight without function",
        "比重表中有比重的项目应对应工作要求中的一个职业功能。",
        "删除该比重项目，或在工作要求中补充对应的职业功能。",
        "An assessed weight row matches no function of its trade-level.",
    ),
    "DuplicateText": Rule(
        "条目文字重复", "duplicate text",
        "同一等级的工作要求中同一内容只应出现一次，重复条目会使培训和考核内容重复计算。",
        "删除重复条目，或改写使其与 {others} 区分。",
        "Identical wording twice: the loader reports a repeat within one work content, the "
        "SHACL shape every pair within one trade-level.",
    ),
    "ErratumApplied": Rule(
        "已按勘误处理", "erratum applied",
        "该处原文有误，图谱已按审核过的勘误处理，请在正式文本中更正。",
        "按勘误更正原文。",
        "A reviewed correction (standards/errata/) was applied to the text as printed.",
    ),
    "EmptyFunction": Rule(
        "职业功能下无工作内容", "function without work content",
        "每个职业功能应至少包含一项工作内容。",
        "补充工作内容，或删除该职业功能。",
        "An occupational function has no work content.",
    ),
    "EmptyWorkContent": Rule(
        "工作内容下无要求", "work content without requirements",
        "每项工作内容应列出技能要求和相关知识要求。",
        "补充技能要求和相关知识要求。",
        "A work content has no skill or knowledge requirement.",
    ),
    "MissingTrainingHours": Rule(
        "未给出培训参考学时", "no training hours",
        "培训参考学时应对每个等级给出学时。",
        "补充该等级的培训参考学时。",
        "The training-hours sentence gives no hours for a level.",
    ),
    "MissingDuration": Rule(
        "未给出考核时间", "no assessment duration",
        "鉴定时间应对各等级的理论知识考试和技能考核分别作出规定。",
        "补充该项考核的时间。",
        "The draft states no duration for an assessment.",
    ),
    "MissingPassMark": Rule(
        "未给出合格分数", "no pass mark",
        "考核成绩应规定合格分数（如百分制 60 分及以上为合格）。",
        "补充该项考核的合格分数。",
        "The draft states no pass mark for an assessment.",
    ),
    "OtherWarning": Rule(
        "其他形状警告", "other warning",
        "SHACL 形状检查发现的起草问题（见英文说明）。",
        "核对该处原文。",
        "A SHACL warning of a shape this table does not name yet.",
    ),
}

# SHACL shapes (local name of the node shape) and property-shape paths → rule.
SHAPE_RULES = {
    "PrintedCodeMisfitShape": "PrintedCodeMisfit",
    "DuplicateTextShape": "DuplicateText",
    "WeightSumShape": "WeightSumNot100",
    "WeightWithoutFunctionShape": "WeightWithoutFunction",
    "EmptyFunctionShape": "EmptyFunction",
    "EmptyWorkContentShape": "EmptyWorkContent",
    "FormalTrainingHoursShape": "MissingTrainingHours",
    "AssessmentRulesStatedShape": "MissingDuration",
}
PATH_RULES = {
    "hasWorkContent": "EmptyFunction",
    "hasRequirement": "EmptyWorkContent",
    "standardHours": "MissingTrainingHours",
    "minDurationMinutes": "MissingDuration",
    "passingScore": "MissingPassMark",
}

# The comment sheet: the usual 征求意见反馈表 columns first, then ours.
SHEET_TITLE = "征求意见反馈表"
HEADERS = (
    "序号", "章条编号", "意见内容", "理由/依据", "修改建议", "问题类型", "来源",
    "工种等级", "原文", "源文件行号", "页码", "节点 IRI", "说明（英文）", "处理意见",
)
WIDTHS = (6, 30, 50, 40, 30, 18, 12, 24, 40, 10, 6, 50, 50, 20)

ORIGIN = {"finding": "解析发现", "shacl": "SHACL 检查"}
ORIGIN_EN = {"finding": "finding", "shacl": "SHACL warning"}
OUTSIDE_LEVELS = "职业概况及其他"  # group of items not under a trade-level (§1, §2, …)
OUTSIDE_LEVELS_EN = "profile and other parts"
LINE = "第 {line} 行"
PAGE = "第 {page} 页"
PRINTED_AS = "{printed}（应为 {code}）"
SEPARATOR = "、"
