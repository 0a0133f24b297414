"""The parser under fuzzing: mutations of the real standard never end in a traceback.

Every mutated text either parses (a Standard, with findings for what looks wrong) or is
refused with SourceFormatError naming the file and a line.  CI runs a short session; the
long run is a documented command:

    SKILLGRAPH_FUZZ_EXAMPLES=10000 pytest tests/test_fuzz_parser.py -q -p no:cacheprovider

(``-s`` shows hypothesis statistics with ``--hypothesis-show-statistics``.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillgraph.loaders.errors import SourceFormatError
from skillgraph.loaders.standard import default_source, parse_standard

SOURCE_LINES = default_source().read_text(encoding="utf-8").split("\n")
EXAMPLES = int(os.environ.get("SKILLGRAPH_FUZZ_EXAMPLES", "60"))
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

line_index = st.integers(min_value=0, max_value=len(SOURCE_LINES) - 1)
mutation = st.one_of(
    st.tuples(st.just("delete"), line_index, st.integers(1, 40)),
    st.tuples(st.just("duplicate"), line_index, st.integers(1, 40)),
    st.tuples(st.just("swap"), line_index, line_index),
    st.tuples(st.just("truncate-line"), line_index, st.integers(0, 10)),
    st.tuples(st.just("fullwidth"), line_index, st.integers(1, 60)),
    st.tuples(st.just("page-number"), line_index, st.integers(1, 99)),
    st.tuples(st.just("truncate-file"), line_index, st.just(0)),
)
encoding = st.sampled_from(["utf-8", "utf-8-sig", "crlf", "gbk"])


def mutate(lines: list[str], ops: list[tuple[str, int, int]]) -> list[str]:
    out = list(lines)
    for op, i, n in ops:
        i = min(i, len(out) - 1) if out else 0
        if not out:
            break
        if op == "delete":
            del out[i : i + n]
        elif op == "duplicate":
            out[i:i] = out[i : i + n]
        elif op == "swap":
            j = min(n, len(out) - 1)
            out[i], out[j] = out[j], out[i]
        elif op == "truncate-line":
            out[i] = out[i][:n]
        elif op == "fullwidth":
            for k in range(i, min(i + n, len(out))):
                out[k] = out[k].translate(FULLWIDTH)
        elif op == "page-number":
            out[i:i] = ["", f" — {n} — ", " "]
        elif op == "truncate-file":
            out = out[:i]
    return out


def write(path: Path, lines: list[str], enc: str) -> None:
    text = "\n".join(lines)
    if enc == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    elif enc == "gbk":
        path.write_bytes(text.encode("gbk", errors="replace"))
    else:
        path.write_bytes(text.encode(enc))


def check(path: Path) -> None:
    try:
        std = parse_standard(path)
    except SourceFormatError as exc:
        assert str(exc.path) == str(path)
        assert exc.line >= 1 and exc.problem
        assert str(exc).startswith(f"{path}:{exc.line}: ")
        return
    assert std.trade_levels, "a standard without tables must be refused, not returned"
    for f in std.findings:
        assert f.line >= 1 and f.message and f.target


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # the CI run is reproducible; the long run explores
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(mutation, min_size=1, max_size=4), enc=encoding)
def test_mutated_standard_parses_or_is_refused_with_file_and_line(tmp_path, ops, enc):
    path = tmp_path / "mutated.txt"
    write(path, mutate(SOURCE_LINES, ops), enc)
    check(path)


@pytest.mark.parametrize("enc", ["utf-8-sig", "crlf"])
def test_bom_and_crlf_give_the_same_standard(tmp_path, enc, standard):
    path = tmp_path / "variant.txt"
    write(path, SOURCE_LINES, enc)
    other = parse_standard(path)
    assert [f.name for t in other.trade_levels for f in t.functions] == [
        f.name for t in standard.trade_levels for f in t.functions
    ]
    assert [(f.kind, f.line) for f in other.findings] == [
        (f.kind, f.line) for f in standard.findings
    ]


def test_fullwidth_digits_in_codes_read_as_ascii(tmp_path, standard):
    lines = [t.translate(FULLWIDTH) if i > 370 else t for i, t in enumerate(SOURCE_LINES)]
    path = tmp_path / "fullwidth.txt"
    write(path, lines, "utf-8")
    other = parse_standard(path)
    assert sum(len(t.functions) for t in other.trade_levels) == 94


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"   \n\n  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("一份会议纪要\n\n今天讨论了预算。\n".encode(), "section 1 heading not found"),
        ("碳排放管理员".encode("gbk"), "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "not-a-standard", "gbk"],
)
def test_files_that_are_not_a_standard_get_a_clear_error(tmp_path, content, problem):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(SourceFormatError) as err:
        parse_standard(path)
    assert problem in str(err.value)
    assert str(err.value).startswith(f"{path}:")
