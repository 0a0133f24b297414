"""Virtuoso as a read replica: configured as Debian packages it, loaded from our dumps.

The catalog's answers on it are compared with the embedded store's in
`tests/test_catalog_parity.py`; here, what makes that comparison mean something: the
instance runs with the packaged limits (a query the planner estimates above 400 s is
refused, not run), sees exactly our triples, listens on loopback only, and answers the
eligibility query the same way every time for every person of `tests/test_eligibility.py`.
"""

from __future__ import annotations

import urllib.error
from pathlib import Path

import engines
import pytest
from test_eligibility import PERSONS

from skillgraph.catalog import load_query
from skillgraph.params import bind
from skillgraph.store import store_from_build


def test_virtuoso_runs_with_the_packaged_limits(virtuoso):
    ini = Path(virtuoso.home, "virtuoso.ini").read_text()
    stock = engines.STOCK_INI.read_text(errors="replace")
    for key in ("MaxQueryCostEstimationTime", "MaxQueryExecutionTime", "ResultSetMaxRows"):
        assert engines.ini_value(ini, "SPARQL", key) == engines.ini_value(stock, "SPARQL", key)
    assert engines.ini_value(ini, "SPARQL", "MaxQueryCostEstimationTime") == "400"


def test_virtuoso_refuses_what_it_estimates_too_costly(virtuoso):
    """The limit is live: a query it estimates above 400 s is refused before it runs (a
    product of a few unconstrained patterns), so a catalog answer is a real answer."""
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(urllib.error.HTTPError) as info:
        engines.sparql_json(virtuoso.endpoint, query)
    assert "exceeds the limit of 400" in info.value.read().decode(errors="replace")


def test_virtuoso_default_graph_holds_exactly_the_dumps(virtuoso, built):
    """Without FROM, Virtuoso must see our triples and none of its own system graphs."""
    assert virtuoso.timings["triples"] == len(store_from_build(built.out))


def test_virtuoso_listens_on_loopback_only(virtuoso):
    ini = Path(virtuoso.home, "virtuoso.ini").read_text()
    assert engines.ini_value(ini, "Parameters", "ServerPort") == f"127.0.0.1:{virtuoso.sql_port}"
    assert engines.ini_value(ini, "HTTPServer", "ServerPort") == f"127.0.0.1:{virtuoso.http_port}"


@pytest.mark.parametrize(("facts", "expected"), PERSONS)
def test_virtuoso_eligibility_is_the_hand_derived_answer_every_time(virtuoso, facts, expected):
    """Once answered differently from run to run (an OPTIONAL joined on a parameter bound
    by one of several VALUES blocks, evaluated as if unbound in some plans); three runs."""
    params = {k: [str(x) for x in (v if isinstance(v, list) else [v])]
              for k, v in facts.items()}
    text = bind(load_query("eligibility"), params)
    for _ in range(3):
        rows = engines.sparql_json(virtuoso.endpoint, text)["results"]["bindings"]
        got = {(int(r["rank"]["value"]), int(r["route"]["value"]),
                int(r["alternative"]["value"])) for r in rows}
        assert got == expected
