"""The query page's editor over HTTP: the vendored YASGUI files, the parameter binding the
page's forms use (``/query/bind`` and ``/query?name=…``), and the page as a plain form.

The browser side (the editor really running, offline) is tests/test_query_editor_browser.py.
"""

from __future__ import annotations

import fnmatch
import hashlib
import html as htmllib
import json
import re
import tomllib
from pathlib import Path

import pytest
from html_links import parse_links

from skillgraph.catalog import catalog
from skillgraph.params import bind, parse_parameters
from skillgraph.server.hygiene import CSP, EDITOR_STYLES

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "skillgraph" / "static" / "vendor" / "yasgui"
# the IRI rules (docs/architecture.md, "IRI rules") for 碳排放核算员 三级
ACCOUNTING_3 = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting/level/3"


def page_data(text: str) -> dict:
    m = re.search(r'<script type="application/json" id="catalog-data">(.*?)</script>', text, re.S)
    assert m, "no catalog data in the page"
    return json.loads(m.group(1))


def textarea(text: str) -> str:
    m = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', text, re.S)
    assert m, "no query textarea"
    return htmllib.unescape(m.group(1))


# --------------------------------------------------------------------------- vendored files
def test_vendored_files_match_the_hashes_vendored_md_records():
    notes = (VENDOR / "VENDORED.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(
        r"\| `(yasgui\.min\.(?:js|css))` \|.*sha256 `([0-9a-f]{64})`", notes))
    assert set(recorded) == {"yasgui.min.js", "yasgui.min.css"}, recorded
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "codemirror" in (VENDOR / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")


def test_the_csp_allows_exactly_the_style_texts_the_vendored_editor_adds():
    """A new YASGUI whose column resizer writes other styles must update EDITOR_STYLES
    (else the browser test sees a CSP violation); the CSP never says 'unsafe-inline'."""
    js = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    assert f"createStyle(a,`{EDITOR_STYLES[0]}`)" in js
    assert "`*{cursor:`+n.opt.dragCursor+`!important}`" in js and "dragCursor:`col-resize`" in js
    assert EDITOR_STYLES[1] == "*{cursor:col-resize!important}"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert CSP.count("'sha256-") == len(EDITOR_STYLES)


def test_package_data_ships_every_static_file():
    """pyproject's package-data globs cover every file under skillgraph/static (a wheel
    built from it holds the vendored editor)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["skillgraph"]
    static = ROOT / "skillgraph" / "static"
    files = [p.relative_to(ROOT / "skillgraph").as_posix() for p in static.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert "static/vendor/yasgui/yasgui.min.js" in files
    # setuptools' globs do not cross "/": match each glob against the same depth only
    missing = [f for f in files if not any(
        fnmatch.fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)]
    assert missing == []


# --------------------------------------------------------------------------- the page
def test_query_page_loads_the_editor_from_this_site_only(server_client):
    r = server_client.get("/query")
    assert r.status_code == 200
    links = parse_links(r.text)
    assert "static/vendor/yasgui/yasgui.min.js" in r.text
    assert "static/vendor/yasgui/yasgui.min.css" in r.text
    for url in links.urls:
        assert "://" not in url, url
    for path in ("/static/vendor/yasgui/yasgui.min.js", "/static/vendor/yasgui/yasgui.min.css"):
        asset = server_client.get(path)
        assert asset.status_code == 200
        assert asset.content == (VENDOR / path.rsplit("/", 1)[1]).read_bytes()


def test_page_data_declares_every_catalog_parameter_and_the_project_prefixes(server_client):
    data = page_data(server_client.get("/query").text)
    by_name = {q["name"]: q for q in data["queries"]}
    assert list(by_name) == [q.name for q in catalog()]
    for q in catalog():
        assert [p["name"] for p in by_name[q.name]["params"]] == \
            [p.name for p in parse_parameters(q.text)]
    prefixes = data["prefixes"]
    assert prefixes["sg"] == "https://w3id.org/skillgraph/ontology#"
    assert prefixes["id"] == "https://w3id.org/skillgraph/id/"
    assert all("prefix.cc" not in ns for ns in prefixes.values())


def test_plain_form_binds_a_short_reference_on_the_server(server_client):
    """Without JavaScript: pick a query, fill its form (a GET to /query), get the bound text
    in the query form, which sends it to the endpoint."""
    r = server_client.get("/query", params={"name": "requirements"})
    assert r.status_code == 200
    assert 'name="tradeLevel"' in r.text and 'action="sparql"' in r.text
    r = server_client.get("/query", params={"name": "requirements",
                                            "tradeLevel": "碳排放核算员/三级"})
    assert r.status_code == 200
    text = textarea(r.text)
    query = next(q for q in catalog() if q.name == "requirements")
    assert text == bind(query.text, {"tradeLevel": [ACCOUNTING_3]})
    assert 'value="碳排放核算员/三级"' in r.text
    rows = server_client.get("/sparql", params={"query": text, "format": "json"}).json()
    assert rows["results"]["bindings"], "the bound query found nothing"


def test_plain_form_names_a_reference_that_names_nothing(server_client):
    r = server_client.get("/query", params={"name": "requirements",
                                            "tradeLevel": "碳排放核算员/<script>alert(1)</script>"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'id="bind-error"' in r.text and "parameter tradeLevel" in r.text
    assert "<script>alert" not in r.text
    r = server_client.get("/query", params={"name": "requirments"})
    assert r.status_code == 400 and "did you mean requirements" in r.text


# --------------------------------------------------------------------------- /query/bind
@pytest.mark.parametrize("ref", ["碳排放核算员/3", "碳排放核算员/三级", "accounting/3",
                                 ACCOUNTING_3, f"<{ACCOUNTING_3}>"])
def test_bind_resolves_short_references_as_the_cli_does(server_client, ref):
    r = server_client.get("/query/bind", params={"name": "exam-blueprint", "tradeLevel": ref})
    assert r.status_code == 200, r.text
    query = next(q for q in catalog() if q.name == "exam-blueprint")
    assert r.json()["query"] == bind(query.text, {"tradeLevel": [ACCOUNTING_3]})


def test_bind_blank_values_take_the_defaults_and_lists_repeat(server_client):
    query = next(q for q in catalog() if q.name == "gap")
    r = server_client.get("/query/bind", params={"name": "gap", "target": " "})
    assert r.json()["query"] == bind(query.text, {})
    held = [f"{ACCOUNTING_3}/skill/1.1.1", f"{ACCOUNTING_3}/skill/1.1.2"]
    r = server_client.get("/query/bind", params=[("name", "gap"), ("held", held[0]),
                                                 ("held", held[1])])
    assert r.json()["query"] == bind(query.text, {"held": held})


def test_bind_refuses_with_the_reason_and_the_closest_names(server_client):
    r = server_client.get("/query/bind", params={"name": "exam-blueprint",
                                                 "tradeLevel": "碳排放核算员/9"})
    assert r.status_code == 400
    assert "parameter tradeLevel" in r.json()["error"] and "is not a level" in r.json()["error"]
    r = server_client.get("/query/bind", params={"name": "exam-blueprint",
                                                 "tradeLevel": "碳排放核算/3"})
    assert r.status_code == 400 and "碳排放核算员/3" in r.json()["error"]
    r = server_client.get("/query/bind", params={"name": "eligibility", "major": "releated"})
    assert r.status_code == 400 and "related" in r.json()["error"]
    r = server_client.get("/query/bind", params={"name": "exam-blueprnt"})
    assert r.status_code == 404 and "did you mean exam-blueprint" in r.json()["error"]
