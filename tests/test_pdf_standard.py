"""The 2021 人工智能训练师 standard read from its official PDF.

Expected values are read off the PDF by hand (page numbers are the file's) or counted from
its table cells by pdfplumber directly, independently of skillgraph's reader: the
interpreter's counts must equal a count of the printed codes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from skillgraph.loaders.errors import SourceFormatError
from skillgraph.loaders.standard import parse_standard, shipped_sources
from skillgraph.model import Standard

pdfplumber = pytest.importorskip("pdfplumber")

CODE3 = re.compile(r"^\d+\.\d+\.\d+")


@pytest.fixture(scope="module")
def pdf_path() -> Path:
    return next(p for p in shipped_sources() if p.suffix == ".pdf")


@pytest.fixture(scope="module")
def ai(pdf_path: Path) -> Standard:
    return parse_standard(pdf_path)


def _independent_counts(pdf_path: Path) -> list[tuple[int, int, int, int]]:
    """(functions, work contents, skills, knowledge) per §3 table, from extract_tables().

    A table with the 职业功能 header starts a level; a four-column table without a header
    continues the previous one.  Skills and knowledge are counted by their printed codes;
    a cell with text but no code at all is one unnumbered item.
    """
    levels: list[list[int]] = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                if not table or len(table[0]) != 4:
                    continue
                rows = table
                if (table[0][0] or "").startswith("职业功能"):
                    levels.append([0, 0, 0, 0])
                    rows = table[1:]
                for row in rows:
                    for column, cell in enumerate(row):
                        lines = [ln for ln in (cell or "").split("\n") if ln.strip()]
                        if not lines:
                            continue
                        if column < 2:
                            levels[-1][column] += 1
                        else:
                            coded = sum(1 for ln in lines if CODE3.match(ln.strip()))
                            levels[-1][column] += coded or 1
    return [tuple(c) for c in levels]  # type: ignore[misc]


def _counts(std: Standard) -> list[tuple[int, int, int, int]]:
    out = []
    for tl in sorted(std.trade_levels, key=lambda t: -t.rank):
        contents = [wc for fn in tl.functions for wc in fn.contents]
        out.append(
            (
                len(tl.functions),
                len(contents),
                sum(len(wc.skills) for wc in contents),
                sum(len(wc.knowledge) for wc in contents),
            )
        )
    return out


def test_counts_per_level_equal_an_independent_count_of_the_pdf_cells(ai, pdf_path):
    independent = _independent_counts(pdf_path)
    assert _counts(ai) == independent
    assert independent == [(3, 6, 12, 12), (3, 6, 17, 17), (4, 8, 21, 17), (4, 8, 17, 16),
                           (4, 8, 17, 18)]  # fmt: skip


def test_one_table_per_level_as_the_occupations_common_level(ai):
    assert [(tl.trade, tl.rank) for tl in ai.trade_levels] == [(None, r) for r in (5, 4, 3, 2, 1)]
    assert [(t.name, t.slug, t.ranks) for t in ai.profile.trades] == [
        ("数据标注员", "data-annotation", [5, 4, 3, 2, 1]),
        ("人工智能算法测试员", "algorithm-testing", [5, 4, 3, 2, 1]),
    ]
    assert ai.profile.trades[0].name_en == "Data annotator"


# (rank, S|K + normalized code, text as read off the PDF by hand, file page)
HAND_READ = [
    (5, "S1.1.1", "能够利用设备、工具等完成原始业务数据采集", 8),
    (5, "S1.2.2", "能够根据数据处理要求完成业务数据汇总", 8),
    (5, "S2.1.1", "能够根据标注规范和要求，完成对文本、视觉、语音数据清洗", 8),
    (5, "K1.1.3", "数据库数据采集方法", 8),
    (5, "K3.2.1", "智能系统维护知识", 8),  # printed without a number
    (4, "S3.1.4", "能够将智能系统在真实应用场景中部署实施", 9),
    (4, "K2.2.2", "数据审核工具使用知识", 9),
    (4, "S3.2.1", "能够利用分析工具进行数据分析，输出分析报告", 10),  # row continued on p. 10
    (4, "S3.2.2", "能够根据数据分析结论对智能产品的单一功能提出优化需求", 10),
    (4, "K3.2.3", "数据分析工具使用方法", 10),
    (3, "S2.2.2", "能使用工具对算法进行训练", 11),
    (3, "K2.2.2", "算法训练工具基础原理和应用方法", 11),
    (3, "S3.2.1", "能够通过数据分析，找到单一场景下人工和智能交互的最优方式", 12),
    (3, "S3.2.2", "能够通过数据分析，设计单一场景下人工和智能交互的最优流程", 12),  # printed 3.2.1
    (3, "S4.1.2", "能够对五级/初级工、四级/中级工开展知识和技术培训", 12),
    (2, "S1.1.1", "能够综合业务流程及重难点，结合人工智能技术构建合理的业务框架", 13),
    (2, "K2.1.2", "算法训练工具和测试工具的原理和应用方法", 13),
    (2, "S3.2.2", "能将产品功能需求转化为具体的设计和实现方案，并达成项目目标", 14),
    (1, "S2.2.1", "能够对复杂的智能系统进行完整的测试和训练，并做出报告编写", 15),
    (1, "S2.2.3", "能够结合人工智能技术，对智能训练的完整体系提出优化方向，"
     "并推动训练流程和方法的更新", 15),  # 2.2.2 is missing in the PDF
    (1, "K2.2.2", "智能训练产品原理和方案优化设计方法", 15),
    (1, "K3.1.2", "跨多业务领域智能解决方案设计方法", 16),
    (1, "S4.2.2", "能够对二级/技师进行业务指导", 16),
    (1, "K4.2.2", "人工智能训练前沿理论知识", 16),
]  # fmt: skip


def _requirements(std: Standard) -> dict[tuple[int, str], object]:
    out = {}
    for tl in std.trade_levels:
        for fn in tl.functions:
            for wc in fn.contents:
                for req in [*wc.skills, *wc.knowledge]:
                    out[(tl.rank, ("S" if req.kind == "skill" else "K") + req.code)] = req
    return out


@pytest.mark.parametrize(("rank", "key", "text", "page"), HAND_READ)
def test_requirement_text_and_page_as_read_by_hand(ai, rank, key, text, page):
    req = _requirements(ai)[(rank, key)]
    assert req.text == text  # type: ignore[attr-defined]
    assert ai.pages[req.line] == page  # type: ignore[attr-defined]


def test_a_row_continued_on_a_new_page_joins_its_function(ai):
    level4 = next(tl for tl in ai.trade_levels if tl.rank == 4)
    fn = level4.functions[2]
    assert (fn.code, fn.name) == ("3", "智能系统运维")
    assert [(wc.code, wc.name) for wc in fn.contents] == [("3.1", "智能系统维护"),
                                                          ("3.2", "智能系统优化")]
    assert ai.pages[fn.line] == 9 and ai.pages[fn.contents[1].line] == 10


def test_the_published_texts_numbering_defects_are_findings(ai):
    found = Counter((f.kind.value, f.target.path) for f in ai.findings)
    assert found == Counter({
        ("MissingNumber", "common/5/K3.2.1"): 1,  # 智能系统维护知识, unnumbered
        ("DuplicateNumber", "common/3/S3.2.2"): 1,  # 3.2.1 printed twice
        ("MissingNumber", "common/1/W2.2"): 1,  # skills 2.2.1, 2.2.3: no 2.2.2
    })  # fmt: skip
    dup = _requirements(ai)[(3, "S3.2.2")]
    assert dup.printed_code == "3.2.1"  # type: ignore[attr-defined]
    assert _requirements(ai)[(5, "K3.2.1")].printed_code is None  # type: ignore[attr-defined]


def test_weights_with_dashes_are_not_assessed_rows(ai):
    by_rank = {tl.rank: tl for tl in ai.trade_levels}
    theory5 = [(w.row_key, w.percent) for w in by_rank[5].weights if w.exam == "theory"]
    assert theory5[:5] == [("ethics", 5), ("base-knowledge", 15), ("function-1", 20),
                           ("function-2", 50), ("function-3", 10)]  # fmt: skip
    skill1 = {w.row: w.percent for w in by_rank[1].weights if w.exam == "skill"}
    assert skill1["数据标注"] is None and skill1["智能系统设计"] == 40
    for tl in ai.trade_levels:
        for exam in ("theory", "skill"):
            assert sum(w.percent or 0 for w in tl.weights if w.exam == exam) == 100


def test_profile_as_worded_in_2021(ai):
    p = ai.profile
    assert (p.name, p.code, p.name_en) == ("人工智能训练师", "4-04-05-05",
                                           "Artificial Intelligence Trainer")  # fmt: skip
    assert p.training_hours == {5: 60, 4: 50, 3: 40, 2: 40, 1: 30}
    assert Counter(r.rank for r in p.eligibility) == Counter({5: 2, 4: 3, 3: 3, 2: 2, 1: 1})
    assert p.definition.endswith("辅助作业的人员。")  # the trade sentence is not the definition
    junior = [s for r in p.eligibility if r.rank == 3 for s in r.alternatives
              if s.education == "junior-college"]  # fmt: skip
    assert [(s.or_higher_education, s.min_years, s.major_scope) for s in junior] == [
        (True, "3", "this-or-related")
    ]
    assert any(s.preparatory_technician for r in p.eligibility if r.rank == 2
               for s in r.alternatives)  # fmt: skip
    assert [n.code for n in p.footnotes] == ["1", "2", "3"]  # ①②③


def test_footnotes_in_the_2021_wording_are_lists(ai):
    p = ai.profile
    assert [o.name for o in p.related_occupations] == ["人工智能工程技术人员", "呼叫中心服务员",
                                                       "电子商务师"]  # fmt: skip
    # ② stands after 技工学校…毕业证书, ③ after 中等及以上职业学校…毕业证书 (4 级 route 3)
    assert [(m.school, m.name) for m in p.related_majors] == [
        ("技工院校", "电工电子类"), ("技工院校", "信息类"),
        ("中等职业学校", "电子与信息大类"), ("中等职业学校", "医学卫生大类"),
        ("中等职业学校", "装备制造大类"), ("中等职业学校", "教育与体育大类"),
    ]  # fmt: skip


def test_assessment_rules_incl_assessors_and_minutes(ai):
    a = {(x.exam, x.rank): x for x in ai.profile.assessments}
    assert a[("theory", 5)].min_minutes == 90 and a[("skill", 5)].min_minutes == 120
    assert a[("review", 2)].min_minutes == 30 and ("review", 3) not in a
    skill = a[("skill", 4)]
    assert (skill.assessor_ratio, skill.candidates_per_assessor, skill.min_assessors,
            skill.odd_assessors) == ("1:3", 3, 3, True)  # fmt: skip
    assert a[("theory", 4)].ratio == "1:15" and a[("theory", 4)].pass_mark == 60


def test_preface_is_metadata_of_the_edition(ai):
    assert (ai.title, ai.status, ai.edition) == ("人工智能训练师国家职业技能标准", "2021年版", 2021)
    pre = ai.preface
    assert len(pre.drafting_organisations) == 13 and pre.drafting_organisations[0] == (
        "阿里巴巴（中国）有限公司"
    )
    assert len(pre.drafters) == 41 and len(pre.reviewing_organisations) == 11
    assert len(pre.reviewers) == 11
    assert pre.approved_by == ["人力资源社会保障部", "工业和信息化部"]
    assert pre.issued_by == ["中华人民共和国人力资源和社会保障部", "中华人民共和国工业和信息化部"]
    assert pre.basis == [
        "人力资源社会保障部办公厅 市场监管总局办公厅 统计局办公室"
        "关于发布智能制造工程技术人员等职业信息的通知",
        "国家职业技术技能标准编制技术规程（2018年版）",
    ]


def test_every_line_of_sections_3_and_4_ends_in_a_node_or_is_reported(ai):
    start = next(i for i, t in enumerate(ai.source_text, 1) if t.strip() == "3工作要求")
    unassigned = {n for n, _t, _r in ai.unassigned}
    for number, text in enumerate(ai.source_text, 1):
        if number >= start and text.strip():
            assert number in ai.line_owner or number in unassigned, (number, text)
    odd = [u for u in ai.unassigned if u[0] >= start and u[2] == "text outside the table's cells"]
    assert odd == []


def test_a_file_named_pdf_that_is_not_one_is_refused(tmp_path):
    fake = tmp_path / "standard.pdf"
    fake.write_text("1 职业概况\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"standard\.pdf:1: named \.pdf but not a PDF"):
        parse_standard(fake)


def test_a_damaged_pdf_is_refused_naming_the_file(tmp_path, pdf_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf_path.read_bytes()[:2000])
    with pytest.raises(SourceFormatError, match=r"broken\.pdf:1: "):
        parse_standard(broken)


def test_a_pdf_without_text_is_refused(tmp_path):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    blank = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(blank))
    c.showPage()
    c.save()
    with pytest.raises(SourceFormatError, match=r"no text layer"):
        parse_standard(blank)


def test_the_professional_template_is_refused_naming_the_variant(tmp_path, source_path):
    lines = source_path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, t in enumerate(lines) if "技能要求 相关知识要求" in t)
    lines[at] = lines[at].replace("技能要求", "专业能力要求")
    edited = tmp_path / "professional.txt"
    edited.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceFormatError, match=rf":{at + 1}: .*专业技术人员 template"):
        parse_standard(edited)
