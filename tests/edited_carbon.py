"""Edited copies of the real 碳排放管理员 draft, for the edition-comparison tests.

Each edit is made at one place of the source, found from an anchor line, and fails loudly
when the source no longer reads as expected.
"""

from __future__ import annotations

from pathlib import Path

from skillgraph.loaders.standard import default_source

MONITORING_L1_END = " 3.3  碳排放核算员 "  # the line after the 碳排放监测员 一级 table


def _replace_before(lines: list[str], anchor: str, old: list[str], new: list[str]) -> None:
    """Replace the last run of ``old`` lines before ``anchor`` by ``new``."""
    end = lines.index(anchor)
    for start in range(end - len(old), -1, -1):
        if lines[start : start + len(old)] == old:
            lines[start : start + len(old)] = new
            return
    raise AssertionError(f"{old[0]!r}… not found before {anchor!r}")


def _replace_once(lines: list[str], old: str, new: str, after: str) -> None:
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    index = next(i for i in range(start, len(lines)) if lines[i] == old)
    lines[index] = new


def renumbered(lines: list[str]) -> None:
    """碳排放监测员 一级: skills 4.1.1 and 4.1.2 swap codes."""
    _replace_before(lines, MONITORING_L1_END, ["4.1.1能审定培训计划 "], ["4.1.2能审定培训计划 "])
    _replace_before(lines, MONITORING_L1_END, ["4.1.2能审定培训资料，制作"],
                    ["4.1.1能审定培训资料，制作"])  # fmt: skip


def reworded(lines: list[str]) -> None:
    """碳排放监测员 一级: skill 4.1.3 …碳排放监测员 → …碳排放监测人员."""
    _replace_before(lines, MONITORING_L1_END, [" 4.1.3能培训二级及以下级别", "", "的碳排放监测员 "],
                    [" 4.1.3能培训二级及以下级别", "", "的碳排放监测人员 "])  # fmt: skip


def split(lines: list[str]) -> None:
    """碳排放监测员 一级: work content 4.2 业务指导 split; its second items go to a new 4.3."""
    old = ["4.2.1能审定业务指导方案 ", "", "4.2.2能指导二级及以下级别", "",
           "的碳排放监测员业务 ", "", "4.2.1业务指导方案编制体例及", "", "要求 ", "",
           "4.2.2业务指导方法 "]  # fmt: skip
    new = ["4.2.1能审定业务指导方案 ", "4.2.1业务指导方案编制体例及", "", "要求 ", "",
           "4.3业务带教 ", "", "4.3.1能指导二级及以下级别", "", "的碳排放监测员业务 ",
           "4.3.1业务指导方法 "]  # as many lines: errata name source lines  # fmt: skip
    _replace_before(lines, MONITORING_L1_END, old, new)


def weights(lines: list[str]) -> None:
    """碳排放核算员 theory weights, 二级 column: 统计核算和报告 25 → 20,
    管理质量和归档文件 25 → 30."""
    after = "制定、审定统计核算方案 20 15 15 10"
    _replace_once(lines, "统计核算和报告 25 25 25 20 ", "统计核算和报告 25 25 20 20 ", after)
    _replace_once(lines, "管理质量和归档文件 20 20 25 25 ",
                  "管理质量和归档文件 20 20 30 25 ", after)  # fmt: skip


def edited_copy(directory: Path, *edits) -> Path:
    """A copy of the shipped carbon draft with ``edits`` applied, same file name."""
    source = default_source()
    lines = source.read_text(encoding="utf-8").split("\n")
    for edit in edits:
        edit(lines)
    out = directory / source.name
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
