"""Curriculum input as Chinese designers write it: Chinese (and bilingual) headers, ranks
named 三级 / 高级工, and the check of planned against the standard's training hours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillgraph.cli import main
from skillgraph.curriculum import (
    CurriculumError,
    RefError,
    compute_coverage,
    load_index,
    read_curriculum,
    resolve,
    resolve_level,
)
from skillgraph.curriculum.index import TradeLevelInfo, load_directory
from skillgraph.curriculum.report import render, tables
from skillgraph.curriculum.table import HEADER_ALIASES, read_table
from skillgraph.store import store_from_build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "carbon-accounting-program.csv"
ROWS = ["C1,统计核算基础,32,碳排放核算员/4/S2.1.1,I,,",
        "C1,统计核算基础,32,碳排放核算员/4/K2.1.1,,,"]
ONE = "C1,统计核算基础,{},碳排放核算员/4/S2.1.1"


@pytest.fixture(scope="module")
def index(built):
    return load_index(store_from_build(built.out))


def sheet(tmp_path: Path, header: str, rows=ROWS, name: str = "plan.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header", [
    "课程编号,课程名称,学时,要求,程度,备注,课程描述",
    "课程代码,课程名称,课时,对应要求,掌握程度,说明,简介",
    "课程编号 course_id,课程名称 / Course title,学时（hours）,对应要求 requirement,程度,备注,描述",
    "Course ID,Course Name,Planned hours,Requirement,Treatment,Notes,Description",
])  # fmt: skip
def test_chinese_and_bilingual_headers_read_as_the_english_ones(tmp_path, index, header):
    english = read_curriculum(sheet(tmp_path, "course_id,course_title,hours,requirement,"
                                    "treatment,notes,description", name="en.csv"), index)
    other = read_curriculum(sheet(tmp_path, header), index)
    assert [(c.course_id, c.title, c.hours, [(m.target, m.treatment) for m in c.mappings])
            for c in other.curriculum.courses] == [
        (c.course_id, c.title, c.hours, [(m.target, m.treatment) for m in c.mappings])
        for c in english.curriculum.courses]  # fmt: skip
    assert other.curriculum.courses[0].mappings[0].treatment == "I"


def test_error_messages_name_the_chinese_header(tmp_path, index):
    path = sheet(tmp_path, "课程编号,课程名称,学时,要求", [ONE.format("三十二")])
    with pytest.raises(CurriculumError) as exc:
        read_curriculum(path, index)
    assert "row 2, column C (hours): '三十二'" in str(exc.value)


def test_unknown_header_lists_the_accepted_ones_and_the_likely_typo(tmp_path, index):
    path = sheet(tmp_path, "课程编号,课程名称,学时数x,对应要求", [ONE.format(32)])
    with pytest.raises(CurriculumError) as exc:
        read_table(path)
    message = str(exc.value)
    assert "missing column hours (accepted headers: " + ", ".join(HEADER_ALIASES["hours"]) + ")" \
        in message
    assert "column C is headed '学时数x': did you mean hours?" in message
    far = sheet(tmp_path, "课程编号,课程名称,周次,对应要求", [ONE.format(1)], name="far.csv")
    with pytest.raises(CurriculumError) as exc:
        read_table(far)
    assert "the header has unknown column(s) C '周次'" in str(exc.value)
    assert "did you mean" not in str(exc.value)


def test_two_spellings_of_one_column_are_refused(tmp_path):
    path = sheet(tmp_path, "课程编号,编号,课程名称,学时,要求", ["C1," + ONE.format(32)])
    with pytest.raises(CurriculumError, match="column course_id appears twice"):
        read_table(path)


ACC3 = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting/level/3"


@pytest.mark.parametrize("text", [
    "碳排放核算员/3", "碳排放核算员/三级", "碳排放核算员/3级", "碳排放核算员/高级工",
    "碳排放核算员/三级/高级工", "碳排放核算员／三级", "碳排放核算员三级", "碳排放核算员三级/高级工",
    "accounting/senior worker", "accounting/Level 3", ACC3,
])  # fmt: skip
def test_target_ranks_by_any_name_of_the_level(index, text):
    assert resolve_level(text, index).iri == ACC3


def test_rank_names_come_from_the_graph(index):
    assert index.rank_names["高级工"] == 3 and index.rank_names["技师"] == 2
    assert index.rank_names["senior technician"] == 1


def test_bare_rank_is_ambiguous_when_several_trades_have_it(index):
    with pytest.raises(RefError) as exc:
        resolve_level("三级", index)
    assert exc.value.kind == "ambiguous"
    assert "碳排放核算员/3" in exc.value.suggestions
    (five,) = [tl for tl in index.trade_levels.values() if tl.rank == 5]  # the common level
    assert resolve_level("五级", index).iri == five.iri == resolve_level("初级工", index).iri


def test_unknown_rank_word_is_malformed(index):
    with pytest.raises(RefError, match=r"rank '六级'.*must be 1–5"):
        resolve_level("碳排放核算员/六级", index)


def test_requirement_references_take_rank_names(index):
    iri = resolve("碳排放核算员/3/S2.2.1", index).iri
    assert resolve("碳排放核算员/三级/S2.2.1", index).iri == iri
    assert resolve("碳排放核算员/高级工/s2.2.1", index).iri == iri
    assert resolve("碳排放核算员/三级/高级工/S2.2.1", index).iri == iri


def test_cli_target_in_chinese(built, tmp_path):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(main, ["curriculum", str(EXAMPLE), "--target", "碳排放核算员/高级工",
                                    "--build", str(built.out), "--format", "json",
                                    "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["target"] == ACC3


def test_planned_hours_far_from_the_standard_are_flagged(built, index):
    cur = read_curriculum(EXAMPLE, index).curriculum
    planned = sum(c.hours for c in cur.courses)  # every course of the sheet
    standard = index.trade_levels[ACC3].training_hours
    assert planned / standard > 2
    cov = compute_coverage(cur, index, ACC3)
    check = cov.hours_check
    assert (check.planned, check.standard, check.flagged) == (planned, standard, True)
    md = render(cov, "md").decode()
    assert f"Planned hours: {planned}; standard training hours of 碳排放核算员三级/高级工: " \
           f"{standard}. FLAG" in md
    page = render(cov, "html").decode()
    assert 'id="hours-flag"' in page and f"{planned}" in page
    data = json.loads(render(cov, "json"))
    assert data["hours"]["planned"] == planned and data["hours"]["standard"] == standard
    assert data["hours"]["flagged"] is True
    assert data["tables"]["hours-check"][0]["flagged"] == "yes"


def test_planned_hours_near_the_standard_are_not_flagged(tmp_path, index):
    standard = index.trade_levels[ACC3].training_hours
    path = sheet(tmp_path, "课程编号,课程名称,学时,要求",
                 [f"C1,核算,{standard},碳排放核算员/三级/S2.2.1"])  # fmt: skip
    cov = compute_coverage(read_curriculum(path, index).curriculum, index, ACC3)
    assert not cov.hours_check.flagged
    assert "FLAG" not in render(cov, "md").decode()
    assert 'id="hours-flag"' not in render(cov, "html").decode()
    (row,) = tables(cov)["hours-check"][1]
    assert row[1:5] == [standard, standard, 1, "no"]


def test_docs_page_lists_every_header_limit_and_bound():
    """docs/curriculum.md is the designers' reference: it must name every accepted header
    and every limit the code applies, with the code's values."""
    from skillgraph.curriculum.table import LIMITS
    from skillgraph.server.mapping import DEFAULT_TIMEOUT, DEFAULT_WAIT

    text = (Path(__file__).resolve().parent.parent / "docs" / "curriculum.md").read_text(
        encoding="utf-8")
    for name, aliases in HEADER_ALIASES.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} "))
        assert f"| {', '.join(aliases)} |" in row, name
    for value in (f"{LIMITS.max_file_bytes:,} bytes", f"| rows | {LIMITS.max_rows:,} |",
                  f"| characters in a cell | {LIMITS.max_cell_chars:,} |",
                  f"{LIMITS.max_unzipped_bytes:,} bytes", f"{LIMITS.max_zip_ratio}:1",
                  f"stopped after {DEFAULT_TIMEOUT:g} seconds",
                  f"busy for {DEFAULT_WAIT:g} seconds"):  # fmt: skip
        assert value in text, value


def test_one_course_may_teach_the_same_code_of_two_occupations(tmp_path, built_all):
    """With several standards in the build, common levels (``common-5``) and codes repeat
    across occupations; one course teaching both must still give two teaching nodes."""
    both = load_index(store_from_build(built_all.out))
    names = sorted({tl.trade_name for tl in both.trade_levels.values() if tl.trade is None})
    assert len(names) >= 2
    rows = [f"C1,通识,8,{name}/5/K2.1.1" for name in names[:2]]
    path = sheet(tmp_path, "course_id,course_title,hours,requirement", rows)
    loaded = read_curriculum(path, both)  # SHACL would refuse two rows on one node
    (course,) = loaded.curriculum.courses
    assert len({m.target for m in course.mappings}) == 2


def test_the_index_of_one_standard_is_the_whole_index_restricted_to_it(built_all):
    """What the server maps an upload against: its target's standard alone, indexed from
    that occupation's nodes (the whole index of 1,000 standards took minutes)."""
    store = store_from_build(built_all.out)
    whole = load_index(store)
    occupations = {tl.occupation for tl in whole.trade_levels.values()}
    assert len(occupations) >= 2 and "" not in occupations
    for occ in occupations:
        one = load_index(store, [occ])
        levels = {iri for iri, tl in whole.trade_levels.items() if tl.occupation == occ}
        assert one.trade_levels == {iri: whole.trade_levels[iri] for iri in levels}
        assert one.functions == {
            iri: fn for iri, fn in whole.functions.items() if fn.trade_level in levels
        }
        assert one.requirements == {
            iri: r for iri, r in whole.requirements.items() if r.trade_level in levels
        }
        assert one.competencies == {
            comp: reqs for comp, reqs in whole.competencies.items()
            if whole.requirements[reqs[0]].trade_level in levels
        }  # fmt: skip
        assert one.rank_names == whole.rank_names
    assert load_index(store, occupations) == whole
    with pytest.raises(ValueError, match="none of the occupations"):
        load_index(store, ["https://example.org/no-such-occupation"])


def test_the_directory_lists_every_trade_level_and_resolves_targets(built_all):
    """The server's picker and target resolution: every trade-level with its occupation,
    names and hours, no requirements."""
    store = store_from_build(built_all.out)
    whole, directory = load_index(store), load_directory(store)
    assert directory.requirements == {} and directory.functions == {}

    def card(tl: TradeLevelInfo) -> tuple:
        return tl.occupation, tl.ref, tl.label, tl.rank, tl.training_hours, tl.trade_name_en

    assert {i: card(t) for i, t in directory.trade_levels.items()} == {
        i: card(t) for i, t in whole.trade_levels.items()
    }
    for iri, tl in whole.trade_levels.items():
        assert resolve_level(tl.label, directory).iri == iri
