"""``/search`` on the live app: HTML with facet links, JSON, a search box on every page."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

from html_links import parse_links


def facet_hrefs(page: str) -> list[str]:
    return [h for h in parse_links(page).hrefs if h.startswith("search?")]


def test_search_page_lists_ranked_hits_with_facet_links(server_client):
    r = server_client.get("/search", params={"q": "核查"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<mark>核查</mark>" in r.text
    data = server_client.get("/search.json", params={"q": "核查"}).json()
    assert f"{data['total']} 条结果" in r.text
    level3 = next(h for h in facet_hrefs(r.text)
                  if parse_qs(urlsplit(h).query).get("level") == ["3"])
    narrowed = server_client.get("/" + html.unescape(level3))
    assert narrowed.status_code == 200
    n3 = next(f["count"] for f in data["facets"]["level"] if f["value"] == "3")
    assert f"{n3} 条结果" in narrowed.text
    assert "level: 3 ×" in narrowed.text  # the active filter, with a link removing it


def test_hits_link_to_their_pages(server_client):
    r = server_client.get("/search", params={"q": "碳排放核算员", "kind": "trade"})
    hrefs = [h for h in parse_links(r.text).hrefs if h.startswith("id/")]
    assert hrefs and server_client.get("/" + hrefs[0]).status_code == 200


def test_search_json_by_path_and_by_accept(server_client):
    by_path = server_client.get("/search.json", params={"q": "配额"})
    by_accept = server_client.get("/search", params={"q": "配额"},
                                  headers={"Accept": "application/json"})
    assert by_path.json() == by_accept.json()
    assert by_path.json()["total"] == 14
    assert {"kind", "occupation", "trade", "level"} == set(by_path.json()["facets"])


def test_bad_filters_are_400_with_the_reason(server_client):
    r = server_client.get("/search.json", params={"q": "核查", "kind": "skil"})
    assert r.status_code == 400 and "did you mean skill" in r.json()["error"]
    page = server_client.get("/search", params={"q": "核查", "level": "9"})
    assert page.status_code == 400 and "rank 1–5" in page.text
    assert server_client.get("/search.json").status_code == 400


def test_every_page_has_a_search_box(server_client):
    for path in ("/", "/query", "/ontology.html", "/search",
                 "/id/occupation/4-09-07-04/trade/accounting/level/3.html"):
        r = server_client.get(path)
        assert r.status_code == 200, path
        assert 'class="search-box"' in r.text and 'name="q"' in r.text, path
