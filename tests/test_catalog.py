"""The query catalog: every query documented in its header, and every answer checked
against the standard's text, on two backends (the embedded store and a SPARQL endpoint
over HTTP, through the same `skillgraph.remote` path as ``skillgraph query --endpoint``).

Expectations are read from the source text here (section heads, item codes, the 能 of a
skill, the weight tables, §1.8), never pasted from a run: the conventions for every test
are in CONTRIBUTING.md, "Conventions for tests".
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from skillgraph.catalog import catalog, load_query, parse_header
from skillgraph.cli import main
from skillgraph.curriculum import add_to_store, load_index, read_curriculum
from skillgraph.params import (
    SLICE_PARAMS,
    ParamError,
    bind,
    is_slice,
    parse_parameters,
    where_group_start,
)
from skillgraph.remote import RemoteError, render_results, run_remote
from skillgraph.results import render
from skillgraph.store import run_query, store_from_build

OCC = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"
EXAMPLE_CURRICULUM = Path(__file__).resolve().parent.parent / "examples" / (
    "carbon-accounting-program.csv")
# Every catalog query, with the parameters of its header's first example: a new query is
# picked up from queries/ without a list kept here (tests/test_virtuoso.py runs them all).
CATALOG = {q.name: q.example_params()[0] for q in catalog()}


def tl(trade: str | None, rank: int) -> str:
    return f"{OCC}/level/{rank}" if trade is None else f"{OCC}/trade/{trade}/level/{rank}"


# --- the source text -------------------------------------------------------------------
TRADE_HEAD = re.compile(r"^\s*3\.\d\s+(\S+员)\s*$")
LEVEL_HEAD = re.compile(r"^\s*3\.\d(?:\.\d)?\s+(\S*?)([一二三四五])级/(\S+)\s*$")
RANK = {"五": 5, "四": 4, "三": 3, "二": 2, "一": 1}
SEGMENT = re.compile(r"^\s*(\d+\.(?:\d+(?:\.\d+)*)?)\s*(.*)$")
# N.N.N, or the draft's mis-typed 2.13 (one-digit work content + item number)
ITEM_CODE = re.compile(r"^\d+\.\d+\.\d+$|^\d+\.\d\d$")
FUNCTION_HEAD = re.compile(r"^\s*\d+\.(?!\d)\s*\S")
NOISE = re.compile(r"^(?:—\s*\d+\s*—|职业功|能|工作内容\s*技能要求\s*相关知识要求)$")


@dataclass
class Section:
    """One work-requirement table of §3: a trade (None: the common 五级) at one rank."""

    trade: str | None
    rank: int
    label: str  # as the graph labels the trade-level, e.g. 碳排放核算员三级/高级工
    start: int  # 1-based line of the table's head
    end: int  # last line


@dataclass
class Item:
    code: str
    text: str  # the cell's lines joined, whitespace removed
    line: int

    @property
    def kind(self) -> str:
        return "skill" if self.text.startswith("能") else "knowledge"


def sections(lines: list[str]) -> list[Section]:
    begin = next(i for i, t in enumerate(lines) if re.match(r"^\s*3\s+工作要求\s*$", t))
    stop = next(i for i, t in enumerate(lines) if re.match(r"^\s*4\s+权重表\s*$", t))
    found: list[Section] = []
    trade = None
    for i in range(begin, stop):
        if m := TRADE_HEAD.match(lines[i]):
            trade = m.group(1)
        elif m := LEVEL_HEAD.match(lines[i]):
            own_name = m.group(1)
            label = f"{own_name or trade}{m.group(2)}级/{m.group(3)}"
            found.append(Section(None if own_name else trade, RANK[m.group(2)], label, i + 1, 0))
    for a, b in zip(found, [*found[1:], None], strict=True):
        a.end = b.start - 1 if b else stop
    return found


def section(lines: list[str], trade: str | None, rank: int) -> Section:
    return next(s for s in sections(lines) if s.trade == trade and s.rank == rank)


def items(lines: list[str], sec: Section) -> list[Item]:
    """Requirement items of a table: a cell starts with its code; wrapped lines follow."""
    segments: list[list] = []
    for n in range(sec.start + 1, sec.end + 1):
        text = lines[n - 1].strip()
        if not text or NOISE.match(text):
            continue
        if m := SEGMENT.match(text):
            segments.append([m.group(1).rstrip("."), m.group(2), n])
        elif segments:
            segments[-1][1] += text
    return [Item(c, "".join(t.split()), n) for c, t, n in segments if ITEM_CODE.match(c)]


def function_count(lines: list[str], sec: Section) -> int:
    return sum(1 for n in range(sec.start + 1, sec.end + 1) if FUNCTION_HEAD.match(lines[n - 1]))


def training_hours(lines: list[str]) -> dict[int, int]:
    """§1.8: '五级/初级工 40标准学时；四级/中级工、三级/高级工分别 80标准学时；…'."""
    start = next(i for i, t in enumerate(lines) if "培训参考学时" in t)
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^\s*1\.9\s", lines[i]))
    text = "".join(lines[start + 1 : end])
    hours: dict[int, int] = {}
    for clause in re.split(r"[；。]", text):
        if m := re.search(r"(\d+)\s*标准学时", clause):
            for rank_char in re.findall(r"([一二三四五])级/", clause):
                hours[RANK[rank_char]] = int(m.group(1))
    return hours


def weight_rows(lines: list[str], heading: str, until: str) -> list[tuple[str, int]]:
    """(row, percent) of one printed weight table, e.g. 4.1.1 理论知识权重表."""
    start = next(i for i, t in enumerate(lines) if t.strip().startswith(heading))
    rows = []
    for t in lines[start + 1 :]:
        if t.strip().startswith(until):
            break
        if (m := re.match(r"^\s*(\S.*?)\s+(\d+)\s*$", t)) and m.group(1) != "合计":
            rows.append((m.group(1), int(m.group(2))))
    return rows


def norm(text: str) -> str:
    return "".join(text.split()).rstrip("。；;")


# --- two backends ----------------------------------------------------------------------
Rows = list[dict[str, str]]


def _loopback_handler(store: ox.Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, query: str | None) -> None:
            try:
                answer = store.query(query or "")
            except SyntaxError as exc:
                return self._send(400, "text/plain; charset=utf-8", str(exc).encode())
            if isinstance(answer, ox.QueryTriples):
                body = ox.serialize(answer, format=ox.RdfFormat.TURTLE) or b""
                return self._send(200, "text/turtle", body)
            body = answer.serialize(format=ox.QueryResultsFormat.JSON) or b""
            return self._send(200, "application/sparql-results+json", body)

        def _send(self, status: int, media: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            self._answer(query.get("query", [None])[0])

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
                self._answer(body)
            else:
                self._answer(urllib.parse.parse_qs(body).get("query", [None])[0])

    return Handler


@contextmanager
def loopback_endpoint(store: ox.Store) -> Iterator[str]:
    """A minimal SPARQL 1.1 Protocol endpoint (GET, POST form or sparql-query; results
    JSON, Turtle; 400 on a bad query) over ``store`` on 127.0.0.1, in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _loopback_handler(store))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def store(built_all) -> ox.Store:
    """The default build (every shipped standard), plus the example curriculum in its own
    named graph (the default of the curriculum queries), so that every catalog query has an
    answer to compare."""
    store = store_from_build(built_all.out)
    loaded = read_curriculum(EXAMPLE_CURRICULUM, load_index(store))
    add_to_store(store, loaded.graph, loaded.curriculum.iri)
    return store


@pytest.fixture(scope="session")
def endpoint(store) -> Iterator[str]:
    # SWITCH TO `skillgraph serve` once it is stable: take the `live_server` fixture of
    # tests/conftest.py instead (yield f"{live_server}/sparql"); nothing else changes.
    with loopback_endpoint(store) as url:
        yield url


@pytest.fixture(params=["embedded", "remote"])
def run(request, store) -> Callable[..., Rows]:
    """run(name, **params) → rows as {variable: lexical value}, on one backend."""

    def embedded(text: str) -> Rows:
        result = run_query(store, text)
        return [{k: v.value for k, v in row.items()} for row in result.rows]

    def remote(text: str) -> Rows:
        answer = run_remote(request.getfixturevalue("endpoint"), text)
        assert answer.results is not None
        bindings = answer.results["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    execute = embedded if request.param == "embedded" else remote

    def call(name: str, **params: str | list[str]) -> Rows:
        values = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
        return execute(bind(load_query(name), values))

    return call


# --- headers ---------------------------------------------------------------------------
def header_problems(name: str, text: str) -> list[str]:
    """What a catalog query's header lacks (empty when it is complete)."""
    q = parse_header(name, text)
    problems = [f"no '# {f}:'" for f in ("title", "description") if not getattr(q, f)]
    if not any(re.match(r"^#\s*parameters:", t) for t in text.splitlines()):
        problems.append("no '# parameters:' (write 'none' when there are none)")
    if not q.examples:
        problems.append("no '# example:'")
    elif not any(name in e for e in q.examples):
        problems.append(f"no example names {name}")
    try:
        declared = parse_parameters(text)
    except ParamError as exc:
        return [*problems, str(exc)]
    body = "\n".join(t for t in text.splitlines() if not t.startswith("#"))
    problems += [f"?{p.name} is declared but not used" for p in declared
                 if not is_slice(p) and not re.search(rf"[?$]{p.name}\b", body)]  # fmt: skip
    problems += [f"{p.name} is declared but the query has no top-level {SLICE_PARAMS[p.name]}"
                 for p in declared if is_slice(p)
                 and not re.search(rf"\b{SLICE_PARAMS[p.name]}\s+\d+", body)]  # fmt: skip
    return problems


def test_header_check_catches_a_query_without_header() -> None:
    assert header_problems("bare", "SELECT * WHERE { ?s ?p ?o }") == [
        "no '# title:'",
        "no '# description:'",
        "no '# parameters:' (write 'none' when there are none)",
        "no '# example:'",
    ]
    bad = "# title: t\n# description: d\n# parameters:\n#   x (iri, required): y\n"
    assert header_problems("q", bad + "# example: skillgraph query q\nSELECT * {}") == [
        "?x is declared but not used"
    ]


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_query_has_a_complete_header_and_runs(name: str, store) -> None:
    text = load_query(name)
    assert header_problems(name, text) == []
    query = parse_header(name, text)
    for params in query.example_params():  # each example binds (ParamError otherwise),
        answer = run_query(store, bind(text, params))  # runs (SyntaxError otherwise)
        assert answer.rows or answer.triples, f"{name} {params}: an example that finds nothing"


def test_the_catalog_is_every_query_file_shipped() -> None:
    shipped = {p.stem for p in (Path(__file__).resolve().parent.parent / "queries").glob("*.rq")}
    assert set(CATALOG) == shipped


# --- answers, against the source text --------------------------------------------------
ACCOUNTING, MONITORING, CONSULTING = "碳排放核算员", "碳排放监测员", "碳排放咨询员"


def test_requirements_of_accounting_3(run, source_lines) -> None:
    acc3 = section(source_lines, ACCOUNTING, 3)
    acc4 = section(source_lines, ACCOUNTING, 4)
    common5 = section(source_lines, None, 5)
    own = items(source_lines, acc3)
    # counted by hand in lines 1881–2287: 30 skills (能…) and 40 knowledge items
    assert (acc3.start, acc3.end) == (1881, 2287)
    assert Counter(i.kind for i in own) == {"skill": 30, "knowledge": 40}
    rows = run("requirements", tradeLevel=tl("accounting", 3))
    assert Counter(r["fromLabel"] for r in rows) == {
        acc3.label: len(own),
        acc4.label: len(items(source_lines, acc4)),
        common5.label: len(items(source_lines, common5)),
    }
    own_rows = [r for r in rows if r["own"] == "true"]
    assert {(r["kind"], r["notation"]) for r in own_rows} == {
        (i.kind, i.code) for i in own
    }
    first = next(r for r in own_rows if (r["kind"], r["notation"]) == ("skill", "1.1.1"))
    (cell,) = [i for i in own if (i.kind, i.code) == ("skill", "1.1.1")]
    assert cell.line == 1904
    assert norm(first["text"]) == cell.text == "能审定组织层级统计核算目标和依据"
    assert [int(r["rank"]) for r in rows] == sorted((int(r["rank"]) for r in rows), reverse=True)


def test_progression_from_accounting_4_to_3(run, source_lines) -> None:
    acc3 = section(source_lines, ACCOUNTING, 3)
    rows = run("progression", **{"from": tl("accounting", 4), "to": tl("accounting", 3)})
    assert {r["fromLabel"] for r in rows} == {acc3.label}  # nothing of 四级 or 五级
    assert len(rows) == len(items(source_lines, acc3))
    texts = {(r["kind"], r["notation"]): norm(r["text"]) for r in rows}
    assert texts[("skill", "1.1.1")] == "能审定组织层级统计核算目标和依据"  # line 1904
    assert run("progression", **{"from": tl("accounting", 3), "to": tl("accounting", 4)}) == []


def test_progression_across_trades_drops_only_the_shared_lower_levels(run, source_lines):
    rows = run("progression", **{"from": tl("monitoring", 3), "to": tl("accounting", 3)})
    labels = Counter(r["fromLabel"] for r in rows)
    assert section(source_lines, None, 5).label not in labels
    for rank in (4, 3):
        sec = section(source_lines, ACCOUNTING, rank)
        assert labels[sec.label] == len(items(source_lines, sec))


def test_ladder_of_consulting_has_no_level_4(run, source_lines) -> None:
    hours = training_hours(source_lines)
    assert hours == {5: 40, 4: 80, 3: 80, 2: 100, 1: 100}  # §1.8, lines 67–71
    rows = levels_of(run("ladder", trade=f"{OCC}/trade/consulting"))
    assert [int(r["rank"]) for r in rows] == [5, 3, 2, 1]
    assert [int(r["trainingHours"]) for r in rows] == [hours[5], hours[3], hours[2], hours[1]]
    secs = [section(source_lines, None, 5)] + [
        section(source_lines, CONSULTING, rank) for rank in (3, 2, 1)
    ]
    assert [r["label"] for r in rows] == [s.label for s in secs]
    own = [len(items(source_lines, s)) for s in secs]
    assert [int(r["ownRequirements"]) for r in rows] == own
    # each level requires its own and all below: the running sum
    assert [int(r["required"]) for r in rows] == [sum(own[: i + 1]) for i in range(len(own))]


def levels_of(ladder: list[dict[str, str]]) -> list[dict[str, str]]:
    """The ladder's first row of each level: a row per function, levels in order."""
    firsts: dict[str, dict[str, str]] = {}
    for r in ladder:
        firsts.setdefault(r["tradeLevel"], r)
    return list(firsts.values())


def test_ladder_of_accounting_lists_its_functions(run, source_lines) -> None:
    rows = run("ladder", trade=f"{OCC}/trade/accounting")
    secs = [section(source_lines, None, 5)] + [
        section(source_lines, ACCOUNTING, rank) for rank in (4, 3, 2, 1)
    ]
    assert [r["label"] for r in levels_of(rows)] == [s.label for s in secs]
    functions = {s.label: [r["functionCode"] for r in rows if r["label"] == s.label]
                 for s in secs}
    for s in secs[:4]:  # each level's functions in table order, 1, 2, …
        n = function_count(source_lines, s)
        assert functions[s.label] == [str(i) for i in range(1, n + 1)]
    level2 = [r["function"] for r in rows if r["label"] == secs[3].label]
    assert level2[4] == "培训与指导"


def test_exam_blueprint_of_the_common_level_5(run, source_lines) -> None:
    theory = weight_rows(source_lines, "4.1.1 理论知识权重表", "4.1.2")
    skill = weight_rows(source_lines, "4.1.2 技能要求权重表", "4.2")
    # lines 7357–7405: theory 5/20/20/20/20/15, skill 25/30/25/20
    assert [p for _, p in theory] == [5, 20, 20, 20, 20, 15]
    assert [p for _, p in skill] == [25, 30, 25, 20]
    rows = run("exam-blueprint", tradeLevel=tl(None, 5))
    assert [(r["row"], int(r["theory"])) for r in rows if "theory" in r] == theory
    assert [(r["row"], int(r["skill"])) for r in rows if "skill" in r] == skill
    assert [r.get("functionCode") for r in rows] == [None, None, "1", "2", "3", "4"]


def test_exam_blueprint_marks_rows_not_assessed(run) -> None:
    rows = run("exam-blueprint", tradeLevel=tl("accounting", 3))
    not_assessed = [r for r in rows if r.get("theory") == "not assessed"]
    assert {r["row"] for r in not_assessed} == {"技术管理", "培训与指导"}
    assert all("functionCode" not in r for r in not_assessed)  # no such function at 三级
    assert rows[0]["row"] == "职业道德" and "skill" not in rows[0]


def _training_items(lines: list[str], trade: str) -> dict[str, str]:
    """kind+code → text of the 培训与指导 function (5.x) of the trade's 二级."""
    sec = section(lines, trade, 2)
    return {f"{i.kind} {i.code}": i.text for i in items(lines, sec) if i.code.startswith("5.")}


def test_shared_competencies_of_monitoring_2_and_accounting_2(run, source_lines) -> None:
    mon = _training_items(source_lines, MONITORING)
    acc = _training_items(source_lines, ACCOUNTING)
    same = {mon[k] for k in mon if acc.get(k) == mon[k]}
    different = {mon[k] for k in mon if acc.get(k) != mon[k]}
    # lines 1337–1369 and 2689–2721: the knowledge items and three of the five skills are
    # worded identically; “能培训三级及以下级别的碳排放监测员/核算员” and the 业务 one differ
    assert len(same) == 8 and len(different) == 2
    rows = run("shared-competencies", a=tl("monitoring", 2), b=tl("accounting", 2))
    shared = {norm(r["text"]) for r in rows}
    assert same <= shared
    assert not different & shared
    common5 = {norm(r["text"]) for r in run("requirements", tradeLevel=tl(None, 5))}
    assert len(common5) > 30 and common5 <= shared  # both cover the common 五级


def test_unique_competencies_are_the_complement(run, source_lines) -> None:
    mon = _training_items(source_lines, MONITORING)
    acc = _training_items(source_lines, ACCOUNTING)
    a, b = tl("monitoring", 2), tl("accounting", 2)
    unique = {norm(r["text"]) for r in run("unique-competencies", a=a, b=b)}
    shared = {norm(r["text"]) for r in run("shared-competencies", a=a, b=b)}
    assert not unique & shared
    assert {mon[k] for k in mon if acc.get(k) != mon[k]} <= unique
    everything = {norm(r["text"]) for r in run("requirements", tradeLevel=a)}
    assert unique | shared == everything
    assert run("unique-competencies", a=a, b=a) == []


def test_competency_usage_of_a_training_knowledge_item(run, source_lines) -> None:
    wording = "培训计划编制要求"
    hits = run("search", keyword=wording, lang="zh")
    (competency,) = [r["item"] for r in hits if r["type"] == "competency"]
    secs = sections(source_lines)
    own = {s.label for s in secs if any(i.text == wording for i in items(source_lines, s))}
    owners = {(s.trade, s.rank) for s in secs if s.label in own}
    # required through coverage by every higher level of an owning trade (一级 owns its own
    # 培训计划编制要求 and also covers 二级's)
    covered = {s.label for s in secs if any(t == s.trade and r > s.rank for t, r in owners)}
    rows = run("competency-usage", competency=competency)
    assert {r["label"] for r in rows if r["how"] == "own"} == own
    assert {r["label"] for r in rows if r["how"] == "covered"} == covered
    ranks = [int(r["rank"]) for r in rows]
    assert ranks == sorted(ranks, reverse=True)  # lowest level (rank 5) first


def test_search_finds_every_quota_item(run, source_lines) -> None:
    expected = {
        (s.label, i.kind, i.code)
        for s in sections(source_lines)
        for i in items(source_lines, s)
        if "配额" in i.text
    }
    lines = {i.line for s in sections(source_lines) for i in items(source_lines, s)
             if "配额" in i.text}  # fmt: skip
    assert {4770, 4792, 4800, 4804} <= lines  # 交易员二级, lines ~4770–4808
    rows = run("search", keyword="配额")
    found = {
        (r["tradeLevelLabel"], r["type"].split()[0], r["notation"])
        for r in rows
        if r["type"].endswith("requirement")
    }
    assert found == expected
    assert all("配额" in r["label"] for r in rows)
    competencies = {r["label"] for r in rows if r["type"] == "competency"}
    assert competencies == {r["label"] for r in rows if r["type"].endswith("requirement")}


def test_search_ignores_case_and_can_keep_one_language(run) -> None:
    trades = [r for r in run("search", keyword="ACCOUNTANT", lang="en") if r["type"] == "trade"]
    assert [r["item"] for r in trades] == [f"{OCC}/trade/accounting"]
    assert run("search", keyword="ACCOUNTANT", lang="zh") == []
    assert run("search", keyword='x" } ; DROP ALL ; SELECT * { ?s ?p ?o } #') == []


def test_gap_of_a_level_4_holder_is_level_3_heaviest_first(run, source_lines) -> None:
    held = [r["requirement"] for r in run("requirements", tradeLevel=tl("accounting", 4))]
    acc3 = section(source_lines, ACCOUNTING, 3)
    rows = run("gap", target=tl("accounting", 3), held=held)
    assert {r["fromLabel"] for r in rows} == {acc3.label}
    assert len(rows) == len(items(source_lines, acc3))
    weights = [int(r["weight"]) for r in rows]
    assert weights == sorted(weights, reverse=True)
    blueprint = run("exam-blueprint", tradeLevel=tl("accounting", 3))
    exam = {"knowledge": "theory", "skill": "skill"}
    for r in rows:  # theory weight for knowledge, skill weight for skills
        (cell,) = [b[exam[r["kind"]]] for b in blueprint if b["row"] == r["function"]]
        assert int(cell) == int(r["weight"])


def test_gap_counts_a_held_competency_for_every_requirement_worded_so(run, source_lines):
    acc3 = section(source_lines, ACCOUNTING, 3)
    repeated = [t for t, n in Counter(i.text for i in items(source_lines, acc3)).items() if n > 1]
    text = next(t for t in repeated if "工艺或流程要点" in t)  # 1.2.3, 1.3.4, 2.2.3, 2.3.3
    everything = run("gap", target=tl("accounting", 3))
    assert len(everything) == sum(
        len(items(source_lines, section(source_lines, t, r)))
        for t, r in [(ACCOUNTING, 3), (ACCOUNTING, 4), (None, 5)]
    )
    (competency,) = {r["competency"] for r in everything if norm(r["text"]) == text}
    one_requirement = next(r["requirement"] for r in everything if r["kind"] == "skill")
    rows = run("gap", target=tl("accounting", 3), held=[competency, one_requirement])
    assert sum(1 for i in items(source_lines, acc3) if i.text == text) == 4
    n_text = sum(
        1
        for t, r in [(ACCOUNTING, 3), (ACCOUNTING, 4), (None, 5)]
        for i in items(source_lines, section(source_lines, t, r))
        if i.text == text
    )
    assert len(rows) == len(everything) - n_text - 1
    assert one_requirement not in {r["requirement"] for r in rows}


CARBON = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"


def test_findings_of_one_kind(run, standard, built_all) -> None:
    rows = run("findings", kind="MissingNumber", occupation=CARBON)
    expected = [f for f in standard.findings if f.kind.value == "MissingNumber"]
    assert len(rows) == len(expected) > 0
    assert {r["findingKind"] for r in rows} == {"MissingNumber"}
    assert len(run("findings", occupation=CARBON)) == len(standard.findings)
    every = sum(len(s.findings) for s in built_all.standards)  # without it: every standard's
    assert len(run("findings")) == every > len(standard.findings)


def test_findings_by_kind_counts_each_standards_findings(run, built_all) -> None:
    from collections import Counter

    rows = run("findings-by-kind")
    got = {(r["occupation"].rsplit("/", 1)[1], r["findingKind"]): int(r["findings"]) for r in rows}
    expected = {(s.profile.code, kind): n for s in built_all.standards
                for kind, n in Counter(f.kind.value for f in s.findings).items()}  # fmt: skip
    assert got == expected and len(expected) > 2


def test_overview_counts_has_a_row_per_table(run, source_lines) -> None:
    rows = run("overview-counts", occupation=CARBON)
    assert [r["label"] for r in rows][:1] == [section(source_lines, None, 5).label]
    assert len(rows) == len(sections(source_lines))


def test_overview_counts_equal_the_parsed_tables(run, standard) -> None:
    from skillgraph.iris import Iris

    iris = Iris(standard.profile.code)
    rows = {r["tradeLevel"]: r for r in run("overview-counts", occupation=CARBON)}
    assert len(rows) == len(standard.trade_levels)
    for tl in standard.trade_levels:
        contents = [wc for f in tl.functions for wc in f.contents]
        row = rows[str(iris.trade_level(tl.trade, tl.rank))]
        assert int(row["functions"]) == len(tl.functions)
        assert int(row["workContents"]) == len(contents)
        assert int(row["skills"]) == sum(len(wc.skills) for wc in contents)
        assert int(row["knowledge"]) == sum(len(wc.knowledge) for wc in contents)
        assert int(row["required"]) >= int(row["skills"]) + int(row["knowledge"])


@pytest.mark.parametrize("name", ["overview-counts", "findings"])
def test_whole_graph_pages_concatenate_to_the_whole_answer(run, name: str) -> None:
    whole = run(name)
    size = max(1, len(whole) // 3)
    pages = [run(name, limit=str(size), offset=str(o)) for o in range(0, len(whole), size)]
    assert [row for page in pages for row in page] == whole and len(pages) > 1
    assert run(name, limit=str(size), offset=str(len(whole))) == []


def test_overview_counts_can_be_scoped_to_occupations(run, built_all) -> None:
    ai = "https://w3id.org/skillgraph/id/occupation/4-04-05-05"
    both = run("overview-counts", occupation=[CARBON, ai])
    assert both == run("overview-counts")  # every occupation of the store
    assert len(both) == sum(len(s.trade_levels) for s in built_all.standards)
    assert len(run("overview-counts", occupation=ai)) == 5
    assert run("overview-counts", occupation="https://example.org/no-such-occupation") == []


# --- the remote path prints what the embedded store prints -----------------------------
@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml", "table"])
@pytest.mark.parametrize("name", sorted(CATALOG))
def test_remote_output_equals_embedded_output(name: str, fmt: str, store, endpoint) -> None:
    text = bind(load_query(name), CATALOG[name])
    assert render_results(run_remote(endpoint, text), fmt) == render(store, text, fmt)


def test_remote_errors_name_the_endpoint_and_the_reason(endpoint) -> None:
    with pytest.raises(RemoteError, match=re.escape(endpoint)) as bad:
        run_remote(endpoint, "SELECT * WHERE { ?s ")
    assert "400" in str(bad.value)
    with pytest.raises(RemoteError, match="cannot reach"):
        run_remote("http://127.0.0.1:9/sparql", "ASK {}", timeout=5)


def test_remote_construct_and_ask(endpoint, store) -> None:
    trade = "<https://w3id.org/skillgraph/ontology#Trade>"
    construct = f"CONSTRUCT {{ ?t a <urn:x> }} WHERE {{ ?t a {trade} }}"
    answer = run_remote(endpoint, construct)
    assert answer.triples is not None and len(answer.triples) == 8  # 6 carbon + 2 AI trades
    assert render_results(answer, "csv") == render(store, construct, "csv")
    assert render_results(run_remote(endpoint, "ASK {}"), "json") == render(store, "ASK {}", "json")


# --- the command ------------------------------------------------------------------------
def test_query_list_prints_names_titles_and_params() -> None:
    out = CliRunner().invoke(main, ["query", "--list"]).output
    for q in catalog():
        assert f"{q.name}  {q.title}" in out
    assert "--param held (iri, list, optional)" in out


def test_query_params_from_the_command_line(built, endpoint) -> None:
    runner = CliRunner()
    args = ["query", "gap", "--build", str(built.out), "--format", "csv",
            "--param", f"target={tl('accounting', 4)}",
            "--param", f"held=<{tl(None, 5)}/skill/1.1.1>",
            "--param", f"held={tl(None, 5)}/skill/1.1.2"]  # fmt: skip
    local = runner.invoke(main, args)
    assert local.exit_code == 0, local.output
    assert "/level/5/skill/1.1.1" not in local.output
    assert "/level/5/skill/1.1.2" not in local.output
    assert "/level/5/knowledge/1.1.1" in local.output
    remote = runner.invoke(main, [*args, "--endpoint", endpoint])
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search"], "parameter keyword is required"),
        (["search", "--param", "keyword=x", "--param", "nope=1"], "unknown parameter nope"),
        (["requirements", "--param", "tradeLevel=http://x/a b"], "is not an absolute IRI"),
        (["requirements", "--param", "tradeLevel"], "is not NAME=VALUE"),
        (["ladder", "--param", "trade=urn:a", "--param", "trade=urn:b"], "takes one value"),
        ([], "name a catalog query"),
    ],
)
def test_query_usage_errors_exit_2_with_a_message(built, args, message) -> None:
    result = CliRunner().invoke(main, ["query", *args, "--build", str(built.out)])
    assert result.exit_code == 2
    assert message in result.output


def test_query_on_an_unreachable_endpoint_exits_1(built) -> None:
    result = CliRunner().invoke(
        main, ["query", "findings", "--endpoint", "http://127.0.0.1:9/sparql"]
    )
    assert result.exit_code == 1 and "cannot reach" in result.output


def test_the_binding_goes_into_the_outermost_where_group() -> None:
    for name, params in CATALOG.items():
        text = load_query(name)
        bound = bind(text, params)
        at = where_group_start(text)
        assert bound[:at] == text[:at]  # header, prefixes, projection untouched
