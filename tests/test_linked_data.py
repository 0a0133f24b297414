"""Linked data on the server: dereferencing IRIs, pages, the ontology, dumps, VoID."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import time

import pyoxigraph as ox
import pytest
from html_links import parse_links

from skillgraph.interchange.site import EXPORTS

ID = "https://w3id.org/skillgraph/id/"
OCC = "occupation/4-09-07-04"
ACC3 = f"{OCC}/trade/accounting/level/3"
REQ = f"{ACC3}/skill/2.1.1"  # line 2025: "2.1.1 能编制 2~3 个行业组织层级的统计核算基础数据收集表"
REQ_TEXT = "能编制2~3个行业组织层级的统计核算基础数据收集表"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def section(text: str, ident: str) -> str:
    """The HTML of <section ... id="ident"> … </section>."""
    start = text.index(f'id="{ident}"')
    return text[start : text.index("</section>", start)]


def breadcrumbs(text: str) -> str:
    start = text.index('class="breadcrumbs"')
    return text[start : text.index("</nav>", start)]


def plain(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment))


# --- dereferencing ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "suffix", "media"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "text/html"),
        ("text/turtle", "ttl", "text/turtle"),
        ("application/ld+json", "jsonld", "application/ld+json"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("*/*", "ttl", "text/turtle"),
        (None, "ttl", "text/turtle"),
    ],
)
def test_requirement_iri_redirects_303_to_the_negotiated_document(
    server_client, accept, suffix, media
):
    headers = {"Accept": accept} if accept else {}
    r = server_client.get(f"/id/{REQ}", headers=headers, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"2.1.1.{suffix}"
    assert r.headers["vary"] == "Accept"
    doc = server_client.get(f"/id/{REQ}", headers=headers)  # follows the 303
    assert doc.status_code == 200
    assert str(doc.url).endswith(f"/id/{REQ}.{suffix}")
    assert doc.headers["content-type"].startswith(media)


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
     ("nt", ox.RdfFormat.N_TRIPLES)],
)
def test_requirement_documents_hold_its_description(server_client, suffix, fmt):
    # the suffix decides, whatever Accept says
    r = server_client.get(f"/id/{REQ}.{suffix}", headers={"Accept": "text/html"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=fmt))
    spo = {(t.subject.value, t.predicate.value, t.object.value) for t in triples}
    assert (ID + REQ, PREF_LABEL, REQ_TEXT) in spo
    # incoming links too: its work content and the trade-levels that require it
    assert (ID + f"{ACC3}/content/2.1", "https://w3id.org/skillgraph/ontology#hasRequirement",
            ID + REQ) in spo
    assert (ID + ACC3, "https://w3id.org/skillgraph/ontology#requires", ID + REQ) in spo
    assert 'rel="alternate"' in r.headers["link"]


def test_requirement_html_page(server_client):
    r = server_client.get(f"/id/{REQ}.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert REQ_TEXT in r.text
    links = parse_links(r.text)
    assert links.alternates == {
        "text/turtle": "2.1.1.ttl",
        "application/ld+json": "2.1.1.jsonld",
        "application/n-triples": "2.1.1.nt",
    }
    crumbs = plain(breadcrumbs(r.text))
    for label in ("碳排放管理员", "碳排放核算员", "碳排放核算员三级/高级工", "统计核算和报告",
                  "收集统计核算基础数据"):
        assert label in crumbs
    assert "../content/2.1.html" in links.hrefs  # parent
    assert "2.1.2.html" in links.hrefs  # next sibling
    assert "../../3.html" in links.hrefs  # required by its own level


def test_unacceptable_accept_is_406(server_client):
    r = server_client.get(f"/id/{REQ}", headers={"Accept": "image/png"}, follow_redirects=False)
    assert r.status_code == 406
    assert "2.1.1.ttl" in r.text


@pytest.mark.parametrize(
    "path", ["/id/occupation/nope", "/id/occupation/nope.html", f"/id/{REQ}.pdf", "/nothing"]
)
def test_unknown_iri_is_404_with_a_page_for_browsers(server_client, path):
    r = server_client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert "404" in r.text and r.headers["content-type"].startswith("text/html")
    r = server_client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/plain")


# --- trade-level page: coverage, what it adds -------------------------------------------
@pytest.fixture(scope="module")
def acc3_page(server_client) -> str:
    r = server_client.get(f"/id/{ACC3}.html")
    assert r.status_code == 200
    return r.text


def test_trade_level_breadcrumbs_lead_through_occupation_and_trade(acc3_page):
    nav = breadcrumbs(acc3_page)
    hrefs = parse_links(nav).hrefs
    assert hrefs == ["../../../../../../index.html", "../../../../4-09-07-04.html",
                     "../../accounting.html"]
    assert "碳排放管理员" in nav and "碳排放核算员" in nav


def test_trade_level_covers_accounting_4_and_the_common_5(acc3_page, source_lines):
    # the text: 3.3.1 四级/中级工 (line 1601) below 3.3.2 三级/高级工 (line 1881) in 3.3
    assert source_lines[1600].split() == ["3.3.1", "四级/中级工"]
    assert source_lines[1880].split() == ["3.3.2", "三级/高级工"]
    coverage = section(acc3_page, "adds")
    covers = acc3_page[acc3_page.index("涵盖 / covers") : acc3_page.index("被涵盖于")]
    assert parse_links(covers).hrefs == ["4.html", "../../../level/5.html"]
    # nearest = the covered level with the lowest rank number
    assert "相对于 <a href=\"4.html\">碳排放核算员四级/中级工</a>" in coverage
    covered_by = acc3_page[acc3_page.index("被涵盖于") : acc3_page.index("全部要求")]
    assert parse_links(covered_by).hrefs == ["2.html", "1.html"]


def test_trade_level_adds_its_own_table_marking_what_the_level_below_already_requires(
    acc3_page, standard, source_lines
):
    adds = section(acc3_page, "adds")
    text = plain(adds)
    # hand-read from the source: level 3 skill 2.1.1 (line 2025) is there ...
    assert source_lines[2024].startswith("2.1.1 能编制 2~3 个行业组织")
    assert REQ_TEXT in text
    # ... level 4 skill 1.3.1 (line 1668, "能标定组织层级统计核算和报告的范围") is not
    assert source_lines[1667].startswith("1.3.1 能标定组织层级统计核")
    assert "能标定组织层级统计核算和报告的范围" not in text
    # level 3 knowledge 1.2.1 (line 1952) repeats level 4 knowledge 1.2.1 (line 1652): ↺
    assert source_lines[1651].startswith("1.2.1 组织层级排放设施和排放")
    assert source_lines[1951].startswith("1.2.1 组织层级排放设施和排放")
    restated = re.search(r'<li class="restated">.*?3/knowledge/1\.2\.1\.html.*?</li>', adds, re.S)
    assert restated and "4/knowledge/1.2.1.html" in restated.group(0)
    # the counts are those of the parsed table
    tl = next(t for t in standard.trade_levels if t.trade == "accounting" and t.rank == 3)
    skills = sum(len(c.skills) for f in tl.functions for c in f.contents)
    knowledge = sum(len(c.knowledge) for f in tl.functions for c in f.contents)
    summary = plain(adds[adds.index('class="summary"') :])
    assert f"{len(tl.functions)} 项职业功能" in summary
    assert f"{skills} 条技能要求，{knowledge} 条相关知识要求" in summary
    assert adds.count('<li class="new">') + adds.count('<li class="restated">') == (
        skills + knowledge
    )


def test_common_level_page_says_it_covers_nothing(server_client):
    r = server_client.get(f"/id/{OCC}/level/5.html")
    assert r.status_code == 200
    assert "最低等级" in r.text
    covered_by = r.text[r.text.index("被涵盖于") : r.text.index("全部要求")]
    assert len(parse_links(covered_by).hrefs) == 23  # every other trade-level (transitively)


# --- other kinds of page ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (OCC, ["碳排放管理员", "Carbon Emission Manager", "碳排放核算员三级/高级工", "工种与等级"]),
        (f"{OCC}/trade/accounting", ["碳排放核算员", "碳排放核算员一级/高级技师"]),
        (f"{ACC3}/function/2", ["统计核算和报告", "收集统计核算基础数据", REQ_TEXT]),
        (f"{ACC3}/content/2.1", ["收集统计核算基础数据", REQ_TEXT]),
        (f"{OCC}/finding/DuplicateNumber/6454", ["相关知识要求编号“1.1.2”重复", "6454"]),
        ("level/3", ["三级/高级工"]),
    ],
)
def test_pages_of_each_kind(server_client, path, expected):
    r = server_client.get(f"/id/{path}.html")
    assert r.status_code == 200
    for text in expected:
        assert text in r.text, text


def test_function_page_links_previous_and_next_function(server_client):
    links = parse_links(server_client.get(f"/id/{ACC3}/function/2.html").text).hrefs
    assert "1.html" in links and "3.html" in links and "../../3.html" in links


def test_findings_are_shown_on_the_node_they_affect(server_client):
    r = server_client.get(f"/id/{OCC}/trade/civil-aviation/level/3/knowledge/1.1.4.html")
    assert "Findings on this node" in r.text
    assert "../../../../../finding/DuplicateNumber/6454.html" in parse_links(r.text).hrefs


def test_competency_page_lists_the_requirements_expressing_it(server_client):
    ttl = server_client.get(f"/id/{REQ}.ttl").content
    comp = next(
        t.object.value for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)
        if t.predicate.value.endswith("#expresses")
    )
    r = server_client.get("/id/" + comp[len(ID):] + ".html")
    assert r.status_code == 200 and "碳排放核算员三级/高级工 技能 2.1.1" in r.text


def test_label_with_markup_is_escaped_and_odd_schemes_are_not_linked(built, tmp_path):
    """A label holding <script> is shown as text, never run; a javascript: IRI is no link."""
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    build = tmp_path / "build"
    shutil.copytree(built.out, build)
    evil = '<script>alert("x")</script>'
    with (build / "graph.nt").open("a", encoding="utf-8") as f:
        f.write(f'<{ID}{REQ}> <{PREF_LABEL}> "{evil.replace(chr(34), chr(92) + chr(34))}"@en .\n')
        f.write(f"<{ID}{REQ}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
                "<javascript:alert(1)> .\n")
    with TestClient(create_app(ServerConfig(build, workers=1))) as client:
        for path in (f"/id/{REQ}.html", f"/id/{ACC3}/content/2.1.html"):
            page = client.get(path).text
            assert evil not in page
            assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        page = client.get(f"/id/{REQ}.html").text
        assert "javascript:alert(1)" in page  # shown as text ...
        assert not any(u.startswith("javascript:") for u in parse_links(page).urls)  # no link


# --- index, ontology, query page, dumps, VoID -----------------------------------------------
def test_index_links_trade_levels_query_page_dumps_and_void(server_client):
    r = server_client.get("/")
    assert r.status_code == 200
    hrefs = parse_links(r.text).hrefs
    assert f"id/{ACC3}.html" in hrefs
    assert f"id/{OCC}/level/5.html" in hrefs
    for target in ("query.html", "sparql", "void.ttl", "ontology.html", "dumps/graph.ttl",
                   "dumps/graph.nt", "dumps/graph.jsonld", "dumps/ontology.ttl"):
        assert target in hrefs, target
    assert len([h for h in hrefs if "/finding/" in h]) == 22
    assert server_client.get("/index.html").text == r.text


def test_every_link_on_the_index_and_a_trade_level_page_resolves(server_client, acc3_page):
    from urllib.parse import urljoin

    for page_url, text in (("http://127.0.0.1:8000/", server_client.get("/").text),
                           (f"http://127.0.0.1:8000/id/{ACC3}.html", acc3_page)):
        for href in set(parse_links(text).urls):
            if href.startswith(("http://www.w3.org/", "http://purl.org/", "https://w3id.org/")):
                continue  # links to vocabulary terms served elsewhere
            url = urljoin(page_url, href).split("#")[0]
            assert url.startswith("http://127.0.0.1:8000/"), f"off-site link {href}"
            r = server_client.get(url, headers={"Accept": "text/html"})
            assert r.status_code == 200, (page_url, href)


def test_ontology_redirects_and_serves_html_and_rdf(server_client):
    r = server_client.get("/ontology", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "ontology.html"
    page = server_client.get("/ontology.html").text
    assert 'id="TradeLevel"' in page and 'id="coversLowerLevel"' in page
    for suffix, fmt in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                        ("jsonld", ox.RdfFormat.JSON_LD)):
        r = server_client.get(f"/ontology.{suffix}")
        assert r.status_code == 200
        subjects = {t.subject.value for t in ox.parse(r.content, format=fmt)}
        assert "https://w3id.org/skillgraph/ontology#TradeLevel" in subjects


def test_query_page_offers_the_catalog_and_fetches_nothing_from_elsewhere(server_client):
    from skillgraph.catalog import catalog

    r = server_client.get("/query")
    assert r.status_code == 200
    for q in catalog():
        assert q.title in htmllib.unescape(r.text)
    assert 'id="catalog-data"' in r.text
    for url in parse_links(r.text).urls:
        assert "://" not in url, url
    js = server_client.get("/static/query.js")
    assert js.status_code == 200 and "fetch(" in js.text and "://" not in js.text


@pytest.mark.parametrize(
    ("name", "media"),
    [("graph.ttl", "text/turtle"), ("graph.nt", "application/n-triples"),
     ("graph.jsonld", "application/ld+json"), ("ontology.ttl", "text/turtle")],
)
def test_dumps_are_served_from_the_build(server_client, built, name, media):
    r = server_client.get(f"/dumps/{name}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert r.content == (built.out / name).read_bytes()


def test_unknown_dump_is_404(server_client):
    assert server_client.get("/dumps/report.md").status_code == 404


def test_void_describes_dataset_dumps_and_endpoint(server_client, built):
    r = server_client.get("/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = [(t.subject.value, t.predicate.value, t.object.value)
         for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE)]
    void, dcat = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#"
    root = "http://127.0.0.1:8000/"
    ds = root + "void.ttl#dataset"
    lines = (built.out / "graph.nt").read_text(encoding="utf-8").count("\n")

    def objects(s: str, p: str) -> set[str]:
        return {o for s2, p2, o in g if s2 == s and p2 == p}

    assert objects(ds, void + "triples") == {str(lines)}
    assert objects(ds, void + "sparqlEndpoint") == {root + "sparql"}
    assert objects(ds, void + "uriSpace") == {ID}
    assert "https://w3id.org/skillgraph/ontology" in objects(ds, void + "vocabulary")
    assert objects(ds, void + "dataDump") == {
        root + "dumps/graph.ttl", root + "dumps/graph.nt", root + "dumps/graph.jsonld"
    }
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert dcat + "Dataset" in objects(ds, rdf_type)
    dists = objects(ds, dcat + "distribution")
    assert len(dists) == 4 + len(EXPORTS)  # the dumps, then the one standard's exports
    for d in dists:
        assert objects(d, "http://purl.org/dc/terms/license") == {
            "https://creativecommons.org/licenses/by/4.0/"
        }
        assert len(objects(d, dcat + "mediaType")) == 1
        assert server_client.get(next(iter(objects(d, dcat + "downloadURL")))).status_code == 200
    for suffix in ("jsonld", "nt"):
        assert server_client.get(f"/void.{suffix}").status_code == 200


def test_pages_render_fast(server_client):
    """Measured on the session build (2 slow cores): the largest pages stay well under 1 s."""
    for path in (f"/id/{ACC3}.html", f"/id/{OCC}.html", "/", f"/id/{REQ}.html"):
        started = time.perf_counter()
        assert server_client.get(path).status_code == 200
        assert time.perf_counter() - started < 1.0, path
