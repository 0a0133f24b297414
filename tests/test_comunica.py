"""A third-party client: Comunica runs docs/endpoint.md's example queries against the server.

docs/endpoint.md "Querying the endpoint" shows what a client may ask. Comunica (npm
``@comunica/query-sparql`` 4, installed by ``scripts/install-test-deps.sh`` with ``npm ci``
into ``tests/node/``; nothing is downloaded here) asks the same, two ways: with the
endpoint as a SPARQL source, and by dereferencing a resource's IRI under ``/id/`` (content
negotiation to an RDF document, which Comunica then queries itself). Each answer must
equal the embedded store's answer to the same query (language tags included: with the
``rdf-data-factory`` Comunica 4.5 resolves to, every tag was lost, hence the override in
``tests/node/package.json``, README "Dependencies").
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import engines
import pytest

from skillgraph.catalog import load_query
from skillgraph.params import bind
from skillgraph.store import result_json, store_from_build

HERE = Path(__file__).resolve().parent
README = HERE.parent / "docs" / "endpoint.md"  # the page for people querying the graph
COMUNICA = HERE / "node" / "node_modules" / ".bin" / "comunica-sparql"
BASE = "https://w3id.org/skillgraph/"


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Querying the endpoint")
    return text[start: text.index("\n## ", start)]


def readme_queries() -> dict[str, str]:
    """The SPARQL queries the endpoint page's section shows (curl form, SPARQLWrapper)."""
    section = readme_section()
    found = {"curl": re.search(r"--data-urlencode 'query=(.*?)'", section, re.S),
             "SPARQLWrapper": re.search(r'setQuery\("""(.*?)"""\)', section, re.S)}
    missing = [k for k, m in found.items() if not m]
    assert not missing, f"docs/endpoint.md 'Querying the endpoint' lost its {missing} example"
    return {k: m.group(1) for k, m in found.items() if m}


def readme_catalog_example() -> tuple[str, dict[str, list[str]]]:
    """The catalog query the endpoint page runs with `--endpoint`, and its parameters."""
    m = re.search(r"skillgraph query (\S+) --endpoint .*?\n```", readme_section(), re.S)
    assert m, ("docs/endpoint.md 'Querying the endpoint' lost its `skillgraph query --endpoint` "
               "example")
    params: dict[str, list[str]] = {}
    for k, v in re.findall(r"--param (\w+)=(\S+)", m.group(0)):
        params.setdefault(k, []).append(v)
    return m.group(1), params


def readme_resource() -> str:
    """The /id/ path the endpoint page dereferences with curl."""
    m = re.search(r"http://127\.0\.0\.1:8000/(id/\S+)", readme_section())
    assert m, "docs/endpoint.md 'Querying the endpoint' lost its dereferencing example"
    return m.group(1)


@pytest.fixture(scope="module")
def comunica() -> str:
    if not shutil.which("node"):
        pytest.skip("node not installed: apt-get install nodejs npm")
    if not COMUNICA.is_file():
        pytest.skip("Comunica not installed: bash scripts/install-test-deps.sh "
                    "(npm ci in tests/node)")
    return str(COMUNICA)


@pytest.fixture(scope="module")
def embedded(built):
    return store_from_build(built.out)


def comunica_answer(binary: str, source: str, query: str) -> dict[str, Any]:
    done = subprocess.run(
        [binary, source, "-t", "application/sparql-results+json", query],
        capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("example", ["curl", "SPARQLWrapper"])
def test_readme_query_through_the_endpoint(comunica, skillgraph_server, embedded, example):
    query = readme_queries()[example]
    got = comunica_answer(comunica, f"sparql@{skillgraph_server.endpoint}", query)
    expected = json.loads(result_json(embedded, query))
    assert expected["results"]["bindings"], "the example answers nothing: nothing compared"
    assert not engines.diff_answers(expected, got), engines.diff_answers(expected, got)


def test_readme_catalog_query_through_the_endpoint(comunica, skillgraph_server, embedded):
    """The endpoint page's catalog example, bound as `skillgraph query` binds it; in order."""
    name, params = readme_catalog_example()
    query = bind(load_query(name), params)
    got = comunica_answer(comunica, f"sparql@{skillgraph_server.endpoint}", query)
    expected = json.loads(result_json(embedded, query))
    assert expected["results"]["bindings"]
    diff = engines.diff_answers(expected, got, ordered=True)
    assert not diff, diff


def test_readme_resource_by_dereferencing_its_iri(comunica, skillgraph_server, embedded):
    """Comunica fetches the resource's document from /id/… and queries it: what it states
    about the resource is what the store holds."""
    path = readme_resource()
    query = f"SELECT ?p ?o WHERE {{ <{BASE}{path}> ?p ?o }}"
    got = comunica_answer(comunica, f"{skillgraph_server.base}/{path}", query)
    expected = json.loads(result_json(embedded, query))
    assert len(expected["results"]["bindings"]) > 3
    assert not engines.diff_answers(expected, got), engines.diff_answers(expected, got)
