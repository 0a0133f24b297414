"""``/findings`` on a real `skillgraph serve` (127.0.0.1) over the default build, and the page
in headless Chromium (screenshot in test-artifacts/)."""

from __future__ import annotations

import html
import io
import re
import urllib.error
import urllib.request

import pytest
from html_links import parse_links
from openpyxl import load_workbook
from test_committee import CODES, expected

from skillgraph.committee.texts import HEADERS


@pytest.fixture(scope="module")
def served(built_all, tmp_path_factory):
    import engines

    log = tmp_path_factory.mktemp("committee-serve") / "serve.log"
    with engines.serving(built_all.out, log) as server:
        yield server.base


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def items_on(page: str) -> list[str]:
    return re.findall(r'<tr class="item (finding|shacl)"', page)


def test_findings_page_lists_every_item_of_every_standard(built_all, served):
    status, media, body = get(served + "/findings")
    assert status == 200 and media.startswith("text/html")
    page = body.decode("utf-8")
    total = sum(sum(expected(built_all, c)) for c in CODES)
    assert len(items_on(page)) == total
    for code in CODES:
        findings, warnings = expected(built_all, code)
        row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S)[1]
        assert [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', row)] == [
            findings, warnings, findings + warnings]
        status, _m, one = get(f"{served}/findings/{code}")
        assert status == 200
        listed = items_on(one.decode("utf-8"))
        assert (listed.count("finding"), listed.count("shacl")) == (findings, warnings)
    assert 'href="findings.html"' in get(served + "/")[2].decode("utf-8")  # in the header


def test_each_item_links_to_its_resource_page(served):
    status, _m, body = get(served + "/findings/4-09-07-04")
    page = body.decode("utf-8")
    nodes = re.findall(r'data-node="([^"]+)"', page)
    hrefs = [html.unescape(h) for h in parse_links(page).hrefs if "/id/" in h or
             h.startswith("id/")]  # fmt: skip
    assert len(set(hrefs)) == len(set(nodes))
    base = served + "/findings/"
    for href in sorted(set(hrefs))[:: max(1, len(set(hrefs)) // 8)]:  # a spread of them
        url = urllib.request.urljoin(base, href)
        status, media, doc = get(url)
        assert status == 200 and media.startswith("text/html"), url
        iri = "https://w3id.org/skillgraph/id/" + url.split("/id/", 1)[1].removesuffix(".html")
        assert iri in nodes and html.escape(iri) in doc.decode("utf-8")


def test_comment_sheet_download(built_all, served):
    status, media, body = get(served + "/findings.xlsx")
    assert status == 200 and media.startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == sorted(CODES)
    for code in CODES:
        rows = list(book[code].iter_rows(values_only=True))
        assert rows[1] == HEADERS and len(rows) - 2 == sum(expected(built_all, code))
    status, _m, one = get(served + "/findings/4-04-05-05.xlsx")
    assert load_workbook(io.BytesIO(one)).sheetnames == ["4-04-05-05"]
    page = get(served + "/findings/4-04-05-05")[2].decode("utf-8")
    assert 'href="4-04-05-05.xlsx"' in page and 'href="../findings.xlsx"' in page


def test_unknown_standards_and_formats_are_404(served):
    for path in ("/findings/9-99-99-99", "/findings.pdf", "/findingsx", "/findings/a/b"):
        assert get(served + path)[0] == 404, path


def test_findings_page_in_the_browser(browser, served, built_all):
    from selenium.webdriver.common.by import By
    from test_browser import _wait, screenshot

    browser.get(served + "/")
    link = _wait(browser, lambda d: d.find_element(By.LINK_TEXT, "问题清单 / Findings"),
                 "no findings link in the header")
    link.click()
    _wait(browser, lambda d: d.find_element(By.ID, "committee-summary"), "no summary table")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.item")
    assert len(rows) == sum(sum(expected(built_all, c)) for c in CODES)
    screenshot(browser, "findings")
    browser.find_element(By.CSS_SELECTOR, '#committee-summary tr[data-code="4-09-07-04"] a').click()
    _wait(browser, lambda d: "/findings/4-09-07-04" in d.current_url, "filter link broken")
    section = browser.find_element(By.ID, "standard-4-09-07-04")
    assert "碳排放核算员三级/高级工" in section.text and "2~3个行业工艺或流程要点" in section.text
    wide = section.find_element(By.CSS_SELECTOR, "table.findings-table")
    assert wide.rect["width"] <= browser.execute_script("return window.innerWidth")
    screenshot(browser, "findings-4-09-07-04")
    first = section.find_element(By.CSS_SELECTOR, "tr.item td a")
    first.click()
    _wait(browser, lambda d: "/id/" in d.current_url, "item link broken")
    assert browser.find_element(By.TAG_NAME, "h1").text


def test_a_build_with_many_items_lists_them_per_standard(server_client, built, monkeypatch):
    """Past ONE_PAGE items /findings keeps to its summary; each standard's page lists all."""
    import skillgraph.server.views.findings as view

    whole = server_client.get("/findings").text
    findings, warnings = expected(built, "4-09-07-04")
    assert len(items_on(whole)) == findings + warnings
    monkeypatch.setattr(view, "ONE_PAGE", findings + warnings - 1)
    short = server_client.get("/findings").text
    assert items_on(short) == [] and 'id="choose-a-standard"' in short
    assert len(items_on(server_client.get("/findings/4-09-07-04").text)) == findings + warnings
