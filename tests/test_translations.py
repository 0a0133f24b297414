"""Reviewed English translations ("English on every node": docs/architecture.md, "Vocabulary").

The data files are checked against the default build of every shipped standard: every
Chinese literal must have a reviewed entry in its standard's file and an English sibling in
the published graph, and every entry must use the glossary's rendering of the terms in its
Chinese text.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from skillgraph import vocab as V
from skillgraph.loaders.translations import (
    GLOSSARY_FILE,
    PACKAGE,
    TranslationFormatError,
    Translations,
    english_tokens,
    load_translations,
    normalize_zh,
)

CODE = "4-09-07-04"  # the file the malformed-file tests copy and break
CODES = ("4-09-07-04", "4-04-05-05")  # every shipped standard has a translation file
MIN_ENTRIES = {"4-09-07-04": 1000, "4-04-05-05": 300}

# Personal names (the preface's drafters and reviewers) are not translated: a name is not
# Chinese text to render in English, and a pinyin spelling would be a guess at how each
# person writes their own name.  They stay as printed, @zh only; the English preface
# (sg:prefaceText) spells them in pinyin within its running text.
PERSON_NAMES = frozenset({V.drafter, V.reviewer})


@pytest.fixture(scope="module")
def translations():
    return load_translations(CODE)


@pytest.fixture(scope="module")
def all_translations() -> dict[str, Translations]:
    return {code: load_translations(code) for code in CODES}


@pytest.fixture(scope="module")
def default_build(tmp_path_factory: pytest.TempPathFactory):
    """The default build (every shipped standard, no source given), as published."""
    from skillgraph.build import build

    return build(None, tmp_path_factory.mktemp("all"), hermit=False)


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


def _chinese_texts(graph: Graph) -> set[str]:
    return {
        str(o)
        for _, p, o in graph
        if isinstance(o, Literal) and o.language == "zh" and p not in PERSON_NAMES
    }


# --- the shipped files ---------------------------------------------------------------


def test_the_default_build_holds_every_standard_with_a_translation_file(default_build):
    assert sorted(std.profile.code for std in default_build.standards) == sorted(CODES)


def test_every_chinese_literal_of_each_standard_has_an_entry(default_build, all_translations):
    """Each standard's own file is complete: a build of that standard alone gets English
    on every node, including the nodes it shares with other standards (levels, schools)."""
    from skillgraph.to_rdf import standard_to_graph

    for std in default_build.standards:
        code = std.profile.code
        zh = _chinese_texts(standard_to_graph(std))
        assert len(zh) > MIN_ENTRIES[code]
        missing = sorted(t for t in zh if all_translations[code].english(t) is None)
        assert not missing, (
            f"{len(missing)} Chinese literal(s) have no entry in standards/translations/"
            f"{code}.tsv (add a reviewed translation): {missing[:10]}"
        )


def test_no_chinese_literal_of_the_default_build_lacks_english(default_build):
    """Every @zh value of the published graph has an @en value for the same property, and
    no more @en values than @zh ones (two Englishes for one shared text would show here)."""
    graph = default_build.graph
    langs: dict[tuple, dict[str, int]] = defaultdict(lambda: {"zh": 0, "en": 0})
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language in ("zh", "en"):
            langs[(s, p)][o.language] += 1
    lacking = sorted(
        f"{s} {p}"
        for (s, p), n in langs.items()
        if n["zh"] and not n["en"] and p not in PERSON_NAMES
    )
    assert not lacking, f"{len(lacking)} @zh value(s) without @en: {lacking[:10]}"
    doubled = sorted(f"{s} {p}" for (s, p), n in langs.items() if n["zh"] and n["en"] > n["zh"])
    assert not doubled, f"more @en than @zh values: {doubled[:10]}"
    assert any(n["zh"] and p in PERSON_NAMES for (_, p), n in langs.items())


def test_a_text_in_two_files_has_one_english(all_translations):
    """Shared nodes (levels, schools, shared competencies) get the English of every
    standard that has them, so a text must read the same in every file."""
    seen: dict[str, tuple[str, str]] = {}
    for code, tr in all_translations.items():
        for key, entry in tr.entries.items():
            first = seen.setdefault(key, (code, entry.en))
            assert first[1] == entry.en, (
                f"{entry.zh!r}: {first[0]}.tsv has {first[1]!r}, {code}.tsv has {entry.en!r}"
            )
    shared = [k for k in all_translations[CODES[1]].entries if k in all_translations[CODE].entries]
    assert len(shared) > 50


@pytest.mark.parametrize("code", CODES)
def test_files_load_sorted_unique_and_reviewed(code, all_translations):
    tr = all_translations[code]
    assert len(tr.entries) > MIN_ENTRIES[code]
    assert len(tr.glossary) >= 100
    rows = (resources.files(PACKAGE) / f"{code}.tsv").read_text(encoding="utf-8").split("\n")
    keys = [row.split("\t")[0] for row in rows[1:] if row]
    assert keys == sorted(keys), "entries must be sorted by zh (code point order)"
    today = dt.date.today()
    assert all(e.reviewed <= today for e in tr.entries.values())


@pytest.mark.parametrize("code", CODES)
def test_glossary_renderings_are_used_consistently(code, all_translations):
    problems = all_translations[code].glossary_problems()
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


def test_glossary_fixes_the_ai_trainer_terms(translations):
    en = {t.key: t.en for t in translations.glossary}
    assert en["数据标注"] == "data annotation"
    assert en["智能训练"] == "AI training"
    assert en["算法"] == "algorithm"
    assert en["业务"] == "business"
    assert en["人机交互"] == "human-computer interaction"
    assert en["解决方案"] == "solution"
    assert en["审核"] == "audit"  # data audit, as in the carbon standard
    for note in ("智能训练", "业务（钻研）", "市场监管总局"):
        assert len(next(t for t in translations.glossary if t.key == note).note) > 40


@pytest.mark.parametrize("code", CODES)
def test_level_trade_and_occupation_names_are_those_of_the_loader(code, all_translations):
    from skillgraph.loaders.names import LEVEL_NAMES, load_names

    tr = all_translations[code]
    names = load_names(code)
    assert names.trades
    for zh, en in [*LEVEL_NAMES.values(), *((zh, v[1]) for zh, v in names.trades.items())]:
        assert tr.english(zh) == en
    occupation = next(t for t in tr.glossary if t.en == names.occupation_en)
    assert tr.english(occupation.key) == names.occupation_en


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
