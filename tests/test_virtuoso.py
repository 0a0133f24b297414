"""The catalog gives the same answers on Virtuoso and `skillgraph serve` as on the embedded store.

docs/architecture.md ("Engine facts"): read replicas of any SPARQL 1.1 engine, loaded from
our dumps, answer the same catalog unchanged. Each catalog query runs with each of its
header's example parameters, embedded (the reference) and through the project's remote path
against the engine; the answers must be equal as multisets of rows (order is not compared:
ties in ORDER BY may fall either way), terms compared as `engines.normalize_term` documents
(numbers by value whatever their numeric type, booleans as 1/0, lang tags
case-insensitively) and GROUP_CONCAT columns as sorted lists of parts (SPARQL leaves their
order open).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import engines
import pytest
from click.testing import CliRunner

from skillgraph.catalog import CatalogQuery, catalog
from skillgraph.cli import main
from skillgraph.store import result_json, store_from_build

# Engine differences the catalog cannot avoid, as (engine, test id or query name) -> reason,
# the test id being the query name plus its bound params as in CASES; a non-strict xfail,
# so an XPASS in the summary says the entry can go.  (search.rq was rewritten with a path
# form Virtuoso 7.2.5 answers right: its alternative-path OPTIONAL under two VALUES blocks
# never matched.)
KNOWN: dict[tuple[str, str], str] = {
    ("virtuoso", "eligibility"): (
        "Virtuoso 7.2.5 answers the eligibility query nondeterministically: in some runs "
        "(about 1 in 6 per person) it adds route alternatives whose diploma filter should "
        "reject them — e.g. the 四级 route (3) 技工学校 / 中等职业学校 alternatives for a "
        "master's graduate, or 三级 route (2) for a person without that diploma — "
        "apparently a plan-dependent order of the FILTERs and the OPTIONALs that bind "
        "their variables (not isolated further). The embedded store and `skillgraph "
        "serve` always give the hand-derived answers (tests/test_eligibility.py)"
    ),
}

CASES = [
    pytest.param(q, p, id=q.name + "".join(f"[{k}={','.join(v)}]" for k, v in p.items()))
    for q in catalog()
    for p in q.example_params()
]


def bound_text(q: CatalogQuery, params: dict[str, list[str]]) -> str:
    """The query text with parameters bound as the CLI binds them."""
    from skillgraph.params import bind

    return bind(q.text, params)


def remote_answer(endpoint: str, q: CatalogQuery, params: dict[str, list[str]]) -> Any:
    """The answer through the project's own remote path: `skillgraph query --endpoint`."""
    args = ["query", q.name, "--endpoint", endpoint, "--format", "json"]
    args += [f"--param={k}={v}" for k, vs in params.items() for v in vs]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, f"skillgraph {' '.join(args)}:\n{result.output}"
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def embedded(built):
    return store_from_build(built.out)


@pytest.fixture(scope="session", params=["virtuoso", "serve"])
def engine_endpoint(request: pytest.FixtureRequest) -> str:
    """SPARQL endpoint URL of each engine under test (each skips when unavailable)."""
    if request.param == "virtuoso":
        return str(request.getfixturevalue("virtuoso").endpoint)
    return str(request.getfixturevalue("skillgraph_server").endpoint)


def test_virtuoso_default_graph_holds_exactly_the_dumps(virtuoso, embedded):
    """Without FROM, Virtuoso must see our triples and none of its own system graphs."""
    assert virtuoso.timings["triples"] == len(embedded)
    assert virtuoso.home.is_dir() and Path(virtuoso.home, "virtuoso.ini").is_file()


def test_virtuoso_listens_on_loopback_only(virtuoso):
    ini = Path(virtuoso.home, "virtuoso.ini").read_text()
    assert f"ServerPort = 127.0.0.1:{virtuoso.sql_port}" in ini
    assert f"ServerPort = 127.0.0.1:{virtuoso.http_port}" in ini


@pytest.mark.parametrize(("query", "params"), CASES)
def test_catalog_query_answers_as_embedded(request, engine_endpoint, embedded, query, params):
    engine = request.node.callspec.params["engine_endpoint"]
    test_id = request.node.callspec.id.split("-", 1)[-1]
    if reason := KNOWN.get((engine, test_id)) or KNOWN.get((engine, query.name)):
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))
    text = bound_text(query, params)
    expected = json.loads(result_json(embedded, text))
    got = remote_answer(engine_endpoint, query, params)
    diff = engines.diff_answers(expected, got, concat=engines.group_concat_columns(text))
    assert not diff, f"{query.name} {params} on {engine_endpoint}:\n{diff}"
