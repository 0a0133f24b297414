"""Catalog parity: every catalog query answers the same on every engine, row by row.

The catalog is plain SPARQL 1.1 so that read replicas of any engine, loaded from our dumps,
answer it unchanged (docs/endpoint.md "Query catalog"). Each catalog query, with each parameter set
of its header's examples, runs on

- ``embedded``: pyoxigraph over the build, the reference;
- ``serve``: `skillgraph serve`, asked through `skillgraph query --endpoint`;
- ``virtuoso``: Virtuoso 7.2 configured as Debian packages it (its stock query-cost and
  time limits), asked the same way;
- ``jena``: Apache Jena ARQ, SPARQL 1.1's reference implementation, from Debian's jars
  (``arq.sparql --data graph.nt --data ontology.ttl``).

Answers must be equal row by row, in order: every catalog query orders on a total order
and none depends on GROUP_CONCAT's order (both checked below), so any difference is a
wrong answer. Only the engines' own ways of writing a value are normalised
(`engines.normalize_term`): Virtuoso writes booleans as 1/0, numbers compare by value
whatever their numeric datatype, to 9 significant digits (decimal division precision
differs), language tags case-insensitively. The table goes to ``tests/w3c/RESULTS.md``.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import engines
import jena
import pytest
from click.testing import CliRunner
from results_md import read_section, write_section

from skillgraph.catalog import CatalogQuery, catalog
from skillgraph.cli import main
from skillgraph.params import bind
from skillgraph.store import result_json, store_from_build

ENGINES = {
    "serve": "`skillgraph serve`",
    "virtuoso": "Virtuoso 7.2 (stock Debian ini)",
    "jena": "Apache Jena ARQ 4.5",
}
SECTION = "catalog-parity"

Answer = dict[str, Any]
Runner = Callable[[CatalogQuery, dict[str, list[str]], str], Answer]


def case_id(q: CatalogQuery, params: dict[str, list[str]]) -> str:
    return q.name + "".join(f"[{k}={','.join(v)}]" for k, v in params.items())


CASES = [(q, p) for q in catalog() for p in q.example_params()]
CASE_IDS = [case_id(q, p) for q, p in CASES]


def remote_answer(endpoint: str, q: CatalogQuery, params: dict[str, list[str]]) -> Answer:
    """The answer through the project's own remote path: `skillgraph query --endpoint`."""
    args = ["query", q.name, "--endpoint", endpoint, "--format", "json"]
    args += [f"--param={k}={v}" for k, vs in params.items() for v in vs]
    result = CliRunner().invoke(main, args)
    if result.exit_code != 0:
        raise engines.EngineError(f"skillgraph {' '.join(args)}:\n{result.output}")
    return json.loads(result.stdout)


@dataclass
class Cell:
    status: str  # same | differs | error | not run
    detail: str = ""


@pytest.fixture(scope="session")
def embedded(built):
    return store_from_build(built.out)


def _runners(request: pytest.FixtureRequest, built, work: Path) -> tuple[
        dict[str, Runner], dict[str, str]]:
    """A runner per engine that is installed; the reason for each one that is not."""
    runners: dict[str, Runner] = {}
    missing: dict[str, str] = {}
    serve = request.getfixturevalue("skillgraph_server").endpoint
    runners["serve"] = lambda q, p, _text: remote_answer(serve, q, p)
    try:
        engines.virtuoso_binaries()
    except engines.EngineMissing as exc:
        missing["virtuoso"] = str(exc)
    else:
        virtuoso = request.getfixturevalue("virtuoso").endpoint
        runners["virtuoso"] = lambda q, p, _text: remote_answer(virtuoso, q, p)
    try:
        cp = jena.classpath(work)
    except engines.EngineMissing as exc:
        missing["jena"] = str(exc)
    else:
        data = [built.out / "graph.nt", built.out / "ontology.ttl"]
        runners["jena"] = lambda _q, _p, text: jena.arq(cp, data, text, work)
    return runners, missing


@pytest.fixture(scope="module")
def parity(request, built, embedded, tmp_path_factory) -> dict[tuple[str, str], Cell]:
    """Every case on every engine, compared with the embedded answer; the table written."""
    runners, missing = _runners(request, built, tmp_path_factory.mktemp("jena"))
    cells: dict[tuple[str, str], Cell] = {}
    rows: dict[str, int] = {}

    def ask(engine: str, q: CatalogQuery, params: dict[str, list[str]], text: str) -> Any:
        try:
            return runners[engine](q, params, text)
        except (engines.EngineError, subprocess.TimeoutExpired) as exc:
            return exc

    # ARQ is a process per query (~2 s, mostly the JVM starting): one runs in the
    # background while the other engines answer.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = {}
        for (q, params), cid in zip(CASES, CASE_IDS, strict=True):
            text = bind(q.text, params)
            for engine in ENGINES:
                if engine in missing:
                    cells[cid, engine] = Cell("not run", missing[engine])
                elif engine == "jena":
                    pending[cid, engine] = pool.submit(ask, engine, q, params, text)
                else:
                    pending[cid, engine] = ask(engine, q, params, text)
        for (q, params), cid in zip(CASES, CASE_IDS, strict=True):
            expected = json.loads(result_json(embedded, bind(q.text, params)))
            rows[cid] = len(expected.get("results", {}).get("bindings", []))
            for engine in ENGINES:
                if engine in missing:
                    continue
                got = pending[cid, engine]
                got = got.result() if isinstance(got, Future) else got
                if isinstance(got, Exception):
                    cells[cid, engine] = Cell("error", str(got))
                    continue
                diff = engines.diff_answers(expected, got, ordered=True)
                if diff:
                    cells[cid, engine] = Cell("differs", diff)
                else:
                    kinds = engines.normalised_differences(expected, got)
                    cells[cid, engine] = Cell("same", ", ".join(kinds))
    write_section(SECTION, parity_markdown(cells, rows, missing))
    return cells


def parity_markdown(cells: dict[tuple[str, str], Cell], rows: dict[str, int],
                    missing: dict[str, str]) -> str:
    same = {e: sum(cells[c, e].status == "same" for c in CASE_IDS) for e in ENGINES}
    lines = [
        "# Catalog parity across engines",
        "",
        "Written by `tests/test_catalog_parity.py`: every catalog query (`queries/*.rq`) with "
        "each parameter set of its header's examples, on each engine, compared with the "
        "embedded store (pyoxigraph) row by row in order. Virtuoso runs with the limits of "
        "Debian's packaged `virtuoso.ini` (MaxQueryCostEstimationTime 400 s, "
        "MaxQueryExecutionTime 60 s, ResultSetMaxRows 10000); only its files and sockets "
        "are moved. Jena is Debian's `libapache-jena-java`, `arq.sparql` over "
        "`graph.nt` + `ontology.ttl`.",
        "",
        "Normalised, as the engines' own ways of writing a value (`tests/engines.py`, "
        "`normalize_term`): Virtuoso writes xsd:boolean results as 1/0; numbers compare by "
        "value whatever their numeric datatype (COUNT as xsd:integer or xsd:int, a sum as "
        "0 or 0.0), to 9 significant digits (decimal division precision differs); "
        "language tags case-insensitively; a plain literal equals its xsd:string. Nothing "
        "else: no GROUP_CONCAT parts sorted, no row order ignored.",
        "",
        f"{len(CASE_IDS)} cases: " + "; ".join(
            f"{ENGINES[e]} {same[e]}/{len(CASE_IDS)} same" for e in ENGINES) + ".",
        "",
    ]
    lines += [f"Not run: {ENGINES[e]}: {why}.\n" for e, why in missing.items()]
    lines += ["A cell says `same` when the answers are equal as written, or which "
              "normalisations made them equal.", "",
              "| query [parameters] | rows | " + " | ".join(ENGINES.values()) + " |",
              "|---|---:|" + "---|" * len(ENGINES)]

    def text(cell: Cell) -> str:
        return f"same ({cell.detail})" if cell.status == "same" and cell.detail \
            else cell.status

    for cid in CASE_IDS:
        lines.append(f"| `{cid}` | {rows[cid]} | "
                     + " | ".join(text(cells[cid, e]) for e in ENGINES) + " |")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("case", CASE_IDS)
def test_catalog_query_answers_as_embedded(parity, case, engine):
    cell = parity[case, engine]
    if cell.status == "not run":
        pytest.skip(cell.detail)
    assert cell.status == "same", f"{case} on {ENGINES[engine]}:\n{cell.detail}"


def test_results_table_is_written(parity):
    table = read_section(SECTION)
    for cid in CASE_IDS:
        assert f"| `{cid}` |" in table
    assert "| differs" not in table and "| error" not in table


# --------------------------------------------------------------------------- determinism


def body(q: CatalogQuery) -> str:
    """The query without its comments (a ``#`` outside an IRI or string starts one)."""
    return re.sub(r"(?m)^\s*#.*$|\s#\s.*$", "", q.text)


@pytest.mark.parametrize("q", catalog(), ids=lambda q: q.name)
def test_no_answer_depends_on_group_concat_order(q):
    """SPARQL 1.1 leaves the order of GROUP_CONCAT's parts to the engine (pyoxigraph joined
    `ladder`'s functions 4 … 1, Virtuoso 1 … 4): a list is rows, or not at all."""
    assert "GROUP_CONCAT" not in body(q).upper()


ORDER_BY = re.compile(r"(?is)\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)")
OUTER_SELECT = re.compile(r"(?m)^SELECT(\s+DISTINCT|\s+REDUCED)?\s")


def order_keys(q: CatalogQuery) -> list[str]:
    """The variables the query's (outermost, last) ORDER BY sorts on."""
    clauses = ORDER_BY.findall(body(q))
    assert clauses, f"{q.name} has no ORDER BY: its rows would come in the engine's order"
    return list(dict.fromkeys(re.findall(r"[?$](\w+)", clauses[-1])))


@pytest.mark.parametrize(("query", "params"), CASES, ids=CASE_IDS)
def test_order_by_is_a_total_order(embedded, query, params):
    """No two different rows tie on every ORDER BY key, or their order would be the
    engine's. Checked on the examples' answers with the keys projected too: projecting
    them must not add rows (a key with several values per row is no order either)."""
    keys = order_keys(query)
    text = bind(query.text, params)
    names, plain = engines.answer_rows(json.loads(result_json(embedded, text)))
    m = OUTER_SELECT.search(text)
    assert m, f"{query.name}: no SELECT at the start of a line"
    extra = " ".join(f"?{k}" for k in keys if k not in names)
    keyed = text[: m.end()] + extra + " " + text[m.end():]
    knames, rows = engines.answer_rows(json.loads(result_json(embedded, keyed)))
    assert len(rows) == len(plain), f"{query.name}: a key takes several values per row"
    at = [knames.index(k) for k in keys]
    clause = ORDER_BY.findall(body(query))[-1]
    for k, i in zip(keys, at, strict=True):  # SPARQL leaves the order of two such undefined
        tagged = any(row[i][0] == "lang" for row in rows)
        assert not tagged or re.search(rf"STR\(\s*\?{k}\s*\)", clause, re.I), (
            f"{query.name}: ORDER BY ?{k} sorts language-tagged literals; sort on STR(?{k})")
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        key = tuple(row[i] for i in at)
        other = seen.setdefault(key, row)
        assert other == row, (f"{query.name}: rows tie on ORDER BY {keys}:\n  {other}\n"
                              f"  {row}")
