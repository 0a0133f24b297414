"""Ranking requirements for a course that has no mapping yet (for a person to accept).

Chinese has no spaces, so text is segmented with jieba (its dictionary ships in the wheel:
nothing is fetched) in search mode, which yields both words and their parts (核算员 and
核算), then ranked with Okapi BM25.  BM25 is ten lines here rather than a dependency:
rank-bm25's BM25Okapi floors negative IDF with an epsilon, which on a corpus this small
(tens of requirements, where a term like 碳排放 is in most of them) reorders results in
ways hard to explain; we use the non-negative Lucene IDF, ln(1 + (N − n + ½)/(n + ½)).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from .index import StandardIndex

__all__ = ["BM25", "Suggestion", "suggest", "tokenize"]

# Function words and the boilerplate of requirement statements (能…, …的方法和要点).
STOPWORDS = frozenset({
    "的", "和", "与", "及", "或", "等", "对", "在", "中", "能", "能够", "进行", "相关", "以及",
    "其", "并", "了", "为", "按", "根据", "一般", "基本", "要点", "内容", "方法", "要求", "知识",
    "课程", "本", "学习", "学生", "掌握", "了解", "熟悉",
})  # fmt: skip
# Domain words jieba's general dictionary splits (碳排放 → 碳 / 排放); kept whole as well.
DOMAIN_WORDS = ("碳排放", "温室气体", "排放源", "排放因子", "碳交易", "碳市场", "碳资产", "碳足迹",
                "碳中和", "碳达峰", "配额", "核查", "核算", "监测计划", "活动数据")  # fmt: skip
_TOKEN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z][A-Za-z0-9\-]*|\d+(?:\.\d+)?")


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens, without punctuation, numbers and stopwords.

    >>> tokenize("能编制碳排放核算报告")
    ['编制', '排放', '碳排放', '核算', '报告']
    """
    out = []
    for tok in _tokenizer().lcut_for_search(text):
        tok = tok.strip().lower()
        if tok and _TOKEN.fullmatch(tok) and not tok[0].isdigit() and tok not in STOPWORDS:
            out.append(tok)
    return out


@cache
def _tokenizer() -> Any:
    """A private jieba tokenizer with the domain words (jieba's global one stays untouched)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for word in DOMAIN_WORDS:
        tok.add_word(word, freq=100000)
    return tok


class BM25:
    """Okapi BM25 over tokenized documents (k1 = 1.5, b = 0.75, Lucene's IDF)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tfs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / len(docs) if docs else 0.0
        df = Counter(t for d in docs for t in set(d))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: list[str]) -> list[float]:
        out = []
        for tf, length in zip(self.tfs, self.lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.avg) if self.avg else self.k1
            out.append(sum(
                self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm)
                for t in query if t in tf
            ))  # fmt: skip
        return out


@dataclass(frozen=True)
class Suggestion:
    course_id: str
    course_title: str
    hours: str
    requirement: str  # 碳排放核算员/4/S2.1.1, ready to paste into the sheet
    iri: str
    text: str
    score: float


def suggest(
    courses: list[tuple[str, str, str, str]], index: StandardIndex, target: str, *, top: int = 5
) -> list[Suggestion]:
    """The ``top`` requirements of ``target`` (own and inherited) closest to each course.

    ``courses`` are (course_id, title, hours, description); a requirement's document is its
    own text with its work content's and function's names, which carry the topic words.
    Scores are BM25 rounded to 3 decimals; ties keep table order; zero scores are dropped.
    """
    reqs = index.requires(target)
    docs = []
    for r in reqs:
        info = index.requirements[r]
        fn = index.functions[info.function]
        docs.append(tokenize(f"{info.text} {info.work_content_name} {fn.name}"))
    bm25 = BM25(docs)
    out: list[Suggestion] = []
    for course_id, title, hours, description in courses:
        query = tokenize(f"{title} {title} {description}")  # the title counts twice
        scores = bm25.scores(query)
        ranked = sorted(range(len(reqs)), key=lambda i: (-round(scores[i], 3), i))
        for i in ranked[:top]:
            if scores[i] <= 0:
                break
            info = index.requirements[reqs[i]]
            out.append(Suggestion(course_id, title, hours, index.ref(reqs[i]), reqs[i],
                                  info.text, round(scores[i], 3)))  # fmt: skip
    return out
