"""One tokenizer for indexing and querying: CJK as overlapping bigrams, other text as words.

SQLite's FTS5 has no Chinese word segmenter, and its trigram tokenizer cannot match a
two-character term (配额, 核查: most Chinese words).  So Chinese text is indexed as the
sequence of its overlapping character bigrams (碳排放 → 碳排 排放) and a term is looked up
as the *phrase* of its bigrams: consecutive positions, i.e. a substring match for any term
of two characters or more.  Single characters go to a unigram column.  Latin letters and
digits stay words (lower-cased and stemmed by FTS5's porter tokenizer: emission and
emissions are one word).  A code (2.1.1, 4-09-07-04) is one token of its own, since its
digits as words would be in nearly every row.
"""

from __future__ import annotations

import re

# CJK Unified Ideographs (+ extension A, compatibility ideographs)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def is_cjk(text: str) -> bool:
    return bool(_IS_CJK.match(text))


def pieces(text: str) -> list[str]:
    """Runs of CJK characters and words of other letters/digits, in order.

    >>> pieces("2~3个行业工艺, CCER 配额")
    ['2', '3', '个行业工艺', 'CCER', '配额']
    """
    return _PIECES.findall(text)


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs (a single character stays itself).

    >>> bigrams("碳排放")
    ['碳排', '排放']
    """
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def bigram_text(text: str) -> str:
    """The ``zh`` column: every CJK run as its bigrams, other words as they are."""
    out: list[str] = []
    for piece in pieces(text):
        out.extend(bigrams(piece) if is_cjk(piece) else [piece])
    return " ".join(out)


def unigram_text(text: str) -> str:
    """The ``zh1`` column: each CJK character once per occurrence (single-character terms)."""
    return " ".join(c for piece in pieces(text) if is_cjk(piece) for c in piece)


def _quoted(tokens: list[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


_CODE = re.compile(r"^\d+(?:[.\-]\d+)+$")


def code_token(code: str) -> str | None:
    """The ``f`` column token of a code, if ``code`` is one (digits joined by . or -).

    >>> code_token("2.1.1"), code_token("4-09-07-04"), code_token("3")
    ('c2d1d1', 'c4h09h07h04', None)
    """
    if not _CODE.match(code):
        return None
    return "c" + code.replace(".", "d").replace("-", "h")


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression requiring every term of ``query`` (None when it has none).

    A CJK run of two or more characters is the phrase of its bigrams in ``zh``; a single
    character is looked up in ``zh1``; a code as its token in ``f``; other words as a
    phrase in the English label or the Chinese label.  Every token is quoted, so no user
    text is read as FTS5 syntax.  No prefix queries: FTS5 merges every matching term's
    list for one, which grows with the index; whole words are read lazily.

    >>> match_expression("碳排放 配额")
    '(zh : "碳排 排放") AND (zh : "配额")'
    >>> match_expression("emission 2.1.1")
    '({zh en} : "emission") AND (f : "c2d1d1")'
    """
    parts = []
    for term in query.split():
        if (code := code_token(term)) is not None:
            parts.append(f'(f : "{code}")')
            continue
        words: list[str] = []  # consecutive non-CJK pieces of a term: one phrase
        for piece in [*pieces(term), ""]:
            if piece and not is_cjk(piece):
                words.append(piece.lower())
                continue
            if words:
                parts.append(f"({{zh en}} : {_quoted(words)})")
                words = []
            if len(piece) == 1:
                parts.append(f"(zh1 : {_quoted([piece])})")
            elif piece:
                parts.append(f"(zh : {_quoted(bigrams(piece))})")
    return " AND ".join(parts) if parts else None
