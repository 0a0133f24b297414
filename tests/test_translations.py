"""Reviewed English translations ("English on every node": docs/architecture.md, "Vocabulary").

The data files are checked against a fresh build: every Chinese literal of the graph must
have a reviewed entry, and every entry must use the glossary's rendering of the terms in
its Chinese text.
"""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Literal

from skillgraph.loaders.translations import (
    GLOSSARY_FILE,
    PACKAGE,
    TranslationFormatError,
    english_tokens,
    load_translations,
    normalize_zh,
)

CODE = "4-09-07-04"


@pytest.fixture(scope="module")
def translations():
    return load_translations(CODE)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped translation files."""
    src = resources.files(PACKAGE)
    for name in (GLOSSARY_FILE, f"{CODE}.tsv"):
        with resources.as_file(src / name) as path:
            shutil.copy(path, tmp_path / name)
    return tmp_path


def _write_entries(directory: Path, rows: list[str]) -> Path:
    path = directory / f"{CODE}.tsv"
    path.write_text("zh\ten\treviewed\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


# --- the shipped files ---------------------------------------------------------------


def test_every_chinese_literal_of_the_build_has_an_entry(built, translations):
    zh = {str(o) for o in built.graph.objects() if isinstance(o, Literal) and o.language == "zh"}
    assert len(zh) > 1000
    missing = sorted(t for t in zh if translations.english(t) is None)
    assert not missing, (
        f"{len(missing)} Chinese literal(s) have no entry in standards/translations/{CODE}.tsv "
        f"(add a reviewed translation): {missing[:10]}"
    )


def test_files_load_sorted_unique_and_reviewed(translations):
    assert len(translations.entries) > 1000
    assert len(translations.glossary) >= 100
    rows = (resources.files(PACKAGE) / f"{CODE}.tsv").read_text(encoding="utf-8").split("\n")
    keys = [row.split("\t")[0] for row in rows[1:] if row]
    assert keys == sorted(keys), "entries must be sorted by zh (code point order)"
    today = dt.date.today()
    assert all(e.reviewed <= today for e in translations.entries.values())


def test_glossary_renderings_are_used_consistently(translations):
    problems = translations.glossary_problems()
    assert not problems, "\n".join(problems[:20])


def test_glossary_fixes_the_domain_terms(translations):
    en = {t.key: t.en for t in translations.glossary}
    assert en["核算"] == "accounting"
    assert en["核查"] == "verification"
    assert en["监测"] == "monitoring"
    assert en["排放因子"] == "emission factor"
    assert en["活动水平"] == en["活动水平数据"] == "activity data"
    assert en["配额"] == "allowance"
    assert en["配额清缴"] == "allowance surrender"
    assert en["方法学"] == "methodology"
    assert en["碳排放权"] == "carbon emission rights"
    assert en["碳排放权交易"] == "carbon emission trading"
    assert en["履约"] == "compliance"
    assert en["审定"] == "review and approve"
    assert en["审定（项目）"] == "validation"
    assert en["核证"] == "verification"
    assert en["双碳"] == "dual-carbon"
    for key in ("组织层级", "项目层级", "区域层级", "产品层级"):
        assert en[key].endswith("-level")
    for note in ("碳排放权", "审定（项目）", "核证"):
        assert len(next(t for t in translations.glossary if t.key == note).note) > 40


def test_level_and_trade_names_are_those_of_the_loader(translations):
    from skillgraph.loaders.names import LEVEL_NAMES, TRADES

    for zh, en in [*LEVEL_NAMES.values(), *((zh, v[1]) for zh, v in TRADES.items())]:
        assert translations.english(zh) == en


def test_context_picks_the_sense_of_a_term(translations):
    def keys(zh: str) -> list[str]:
        return [t.key for t in translations.terms_in(zh)]

    assert "审定（项目）" in keys("能实施减排审定项目的现场访问")
    assert "审定（项目）" in keys("项目层级减排量审定及核证")
    assert "审定" in keys("审定项目层级监测报告")
    assert "审定（项目）" not in keys("审定项目层级监测报告")
    # a compound hides the shorter terms inside it
    assert keys("碳排放权交易方案") == ["碳排放权交易", "方案"]


def test_lookup_normalizes_whitespace_only(translations):
    text = "累计从事本职业或相关职业工作 1年（含）以上。"
    assert translations.english(text) is not None
    assert translations.english("累计从事本职业或相关职业工作1年（含）以上。") == (
        translations.english(text)
    )
    assert translations.english("  " + text.replace(" ", "\n") + " ") is not None
    assert translations.english("累计从事本职业工作 1年（含）以上。") is None
    assert normalize_zh("ISO  14064 标准") == "ISO 14064标准"


def test_light_normalization_is_not_a_loophole(translations):
    term = next(t for t in translations.glossary if t.key == "审定")
    assert term.rendered_in("Reviewing and approving monitoring plans")
    assert term.rendered_in("review and approval methods")  # documented variant
    assert not term.rendered_in("Able to approve monitoring plans")
    level = next(t for t in translations.glossary if t.key == "组织层级")
    assert level.rendered_in("organization level data")
    assert not level.rendered_in("organizational data")
    assert english_tokens("Emission factors") == english_tokens("emission factor")


# --- malformed files -------------------------------------------------------------------


def test_malformed_row_names_file_and_line(data_dir):
    _write_entries(data_dir, ["一\tone\t2026-01-01", "二\ttwo"])
    with pytest.raises(TranslationFormatError) as err:
        load_translations(CODE, directory=data_dir)
    assert err.value.line == 3
    assert f"{CODE}.tsv:3:" in str(err.value)
    assert "3 tab-separated fields" in str(err.value)


def test_bad_review_date_is_an_error(data_dir):
    _write_entries(data_dir, ["一\tone\tyesterday"])
    with pytest.raises(TranslationFormatError, match=r":2: reviewed must be an ISO date"):
        load_translations(CODE, directory=data_dir)


def test_duplicate_entry_is_an_error_even_across_whitespace(data_dir):
    _write_entries(data_dir, ["工作 1年\tone year\t2026-01-01", "工作1年\ta year\t2026-01-01"])
    with pytest.raises(TranslationFormatError, match=r":3: duplicate entry .*first at line 2"):
        load_translations(CODE, directory=data_dir)


def test_glossary_term_with_two_englishes_is_an_error(data_dir):
    path = data_dir / GLOSSARY_FILE
    text = path.read_text(encoding="utf-8") + "核查\taudit\t\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TranslationFormatError) as err:
        load_translations(CODE, directory=data_dir)
    assert err.value.line == text.count("\n")
    assert "核查 has two Englishes" in str(err.value)


def test_entry_contradicting_the_glossary_is_an_error(data_dir):
    _write_entries(data_dir, ["现场核查\tSite audit\t2026-01-01"])
    with pytest.raises(TranslationFormatError, match=r":2: glossary term 现场核查"):
        load_translations(CODE, directory=data_dir)


def test_sense_term_needs_its_contexts(data_dir):
    path = data_dir / GLOSSARY_FILE
    path.write_text(
        path.read_text(encoding="utf-8") + "监测（航空）\tflight monitoring\tno contexts\n",
        encoding="utf-8",
    )
    with pytest.raises(TranslationFormatError, match=r"needs 'contexts: …'"):
        load_translations(CODE, directory=data_dir)
