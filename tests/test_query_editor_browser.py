"""The query page's editor (vendored YASGUI) in headless Chromium against `skillgraph serve`.

What only a browser shows: the page loads nothing from another host and the CSP blocks
nothing, the editor highlights and completes the project's prefixes, a catalog tab's
parameter form binds a short reference and runs, rows carry labels on every page of the
table, Ctrl+Enter runs, the download links give CSV and JSON, and the shareable URL brings
the query back.  Expected counts are read from the standard's text (`test_build.raw_counts`).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from typing import Any

import pytest
from test_browser import WAIT, screenshot
from test_build import raw_counts

import skillgraph.catalog
from skillgraph.server.querybind import editor_prefixes

ACCOUNTING = "碳排放核算员"

# Installed before any script of the page runs: CSP violations and script errors are kept
# where the test can read them.
WATCH = """window.__sg = {csp: [], errors: []};
document.addEventListener('securitypolicyviolation',
  e => window.__sg.csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));
window.addEventListener('error', e => window.__sg.errors.push(String(e.message)));"""
ACTIVE = ".tabPanel.active"
DATA_BASE = "https://w3id.org/skillgraph/id/"  # the build's data base (docs/architecture.md)


@pytest.fixture(scope="module")
def text_counts(source_lines: list[str]) -> dict[tuple[str, int], dict[str, int]]:
    return raw_counts(source_lines)


@pytest.fixture(scope="module")
def page(browser: Any, skillgraph_server: Any) -> Any:
    """The browser, with the watcher installed on every new document."""
    marker = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    browser.set_window_size(1400, 1000)
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                            {"identifier": marker["identifier"]})


def _wait(driver: Any, condition: Any, message: str) -> Any:
    """Poll ``condition``; an element gone because the page navigated meanwhile (a form
    was submitted) only means: not yet."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.1,
                         ignored_exceptions=[StaleElementReferenceException]).until(
        condition, message)


def open_editor(driver: Any, url: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url)
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{ACTIVE} .CodeMirror"),
          "the editor did not appear")


def tab(driver: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    for link in driver.find_elements(By.CSS_SELECTOR, ".tabsList .tab a"):
        if link.text.split("\n")[0].strip() == name:
            link.click()
            return
    raise AssertionError(f"no tab {name!r}")


def editor_value(driver: Any) -> str:
    return driver.execute_script(
        f"return document.querySelector('{ACTIVE} .CodeMirror').CodeMirror.getValue()")


def wait_rows(driver: Any, before: str = "") -> int:
    """The row count the status line reports once a run has finished."""
    from selenium.webdriver.common.by import By

    def done(d: Any) -> str | bool:
        text = d.find_element(By.ID, "status").text
        return text != before and ("rows" in text or "error" in text) and text

    text = _wait(driver, done, "the query did not finish")
    assert "rows" in text, text
    return int(text.split()[0])


def table(driver: Any) -> list[dict[str, Any]]:
    """The active tab's result rows on the current page: per column the cell's text and,
    for an IRI, its ``href`` target and the label shown beside it."""
    script = f"""
      const t = document.querySelector('{ACTIVE} .yasr table.dataTable');
      const head = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
      return [...t.querySelectorAll('tbody tr')].map(tr => {{
        const row = {{}};
        [...tr.children].forEach((td, i) => {{
          const a = td.querySelector('a.iri');
          const label = td.querySelector('.sg-label');
          row[head[i]] = {{text: td.textContent, iri: a ? a.dataset.iri : null,
                          label: label ? label.textContent : null}};
        }});
        return row;
      }});"""
    return driver.execute_script(script)


def literal(cell: dict[str, Any]) -> str:
    """The lexical form of a literal as YASR shows it: ``"text"@zh`` → ``text``."""
    m = re.match(r'^\s*"(.*)"(?:@[\w-]+|\^\^.*)?\s*$', cell["text"], re.S)
    return m.group(1) if m else cell["text"].strip()


def offsite(driver: Any, origin: str) -> list[str]:
    """Every URL the page loaded (navigation and resources) that is not on ``origin``."""
    urls = driver.execute_script(
        "return performance.getEntries().map(e => e.name).filter(n => /^[a-z]+:/.test(n))")
    return [u for u in urls if not u.startswith(origin + "/")]


def test_editor_loads_offline_highlights_and_completes_project_prefixes(page, skillgraph_server):
    from selenium.webdriver.common.by import By

    base = skillgraph_server.base
    open_editor(page, base + "/query")
    assert page.find_element(By.ID, "query-form").is_displayed() is False, "plain form shown"
    _wait(page, lambda d: {k.text for k in d.find_elements(
        By.CSS_SELECTOR, f"{ACTIVE} .CodeMirror .cm-keyword")} >= {"PREFIX", "SELECT", "WHERE"},
        "no highlighting: the keywords are not marked")
    catalog = [q.name for q in skillgraph.catalog.catalog()]
    tabs = [t.text.split("\n")[0].strip() for t in
            page.find_elements(By.CSS_SELECTOR, ".tabsList .tab a")]
    assert tabs[1:] == catalog, tabs

    # completion: after PREFIX, the project's prefixes (never a remote list) are offered
    page.execute_script(f"const cm = document.querySelector('{ACTIVE} .CodeMirror').CodeMirror;"
                        "cm.setValue(''); cm.focus();")
    page.find_element(By.CSS_SELECTOR, f"{ACTIVE} .CodeMirror textarea").send_keys("PREFIX s")
    offered = sorted(f"{p}: <{ns}>" for p, ns in editor_prefixes(DATA_BASE).items()
                     if p.startswith("s"))
    _wait(page, lambda d: sorted(e.text for e in d.find_elements(
        By.CSS_SELECTOR, ".CodeMirror-hints li")) == offered, "the prefixes were not offered")

    # typing `sg:` in the query adds the project's PREFIX line
    page.execute_script(f"document.querySelector('{ACTIVE} .CodeMirror').CodeMirror"
                        ".setValue('SELECT * WHERE { ?s a ')")
    page.execute_script(f"const cm = document.querySelector('{ACTIVE} .CodeMirror').CodeMirror;"
                        "cm.focus(); cm.setCursor(cm.lineCount(), 0);")
    area = page.find_element(By.CSS_SELECTOR, f"{ACTIVE} .CodeMirror textarea")
    area.send_keys("sg:")
    _wait(page, lambda d: "PREFIX sg: <https://w3id.org/skillgraph/ontology#>" in
          editor_value(d), "typing sg: did not add the project's prefix")
    area.send_keys("TradeLevel . ?s skos:prefLabel ?l }")
    _wait(page, lambda d: "PREFIX skos:" in editor_value(d), "skos: was not completed")
    screenshot(page, "query-editor")
    assert offsite(page, base) == []
    assert page.execute_script("return window.__sg") == {"csp": [], "errors": []}


def test_catalog_tab_binds_a_short_reference_and_pages_rows_with_labels(
        page, skillgraph_server, text_counts):
    """requirements of 碳排放核算员/3: its own table's and the covered 四级 and common 五级
    ones, as counted in the source text; every requirement IRI shows its text as label."""
    from selenium.webdriver.common.by import By

    base = skillgraph_server.base
    open_editor(page, base + "/query")
    tab(page, "requirements")
    field = _wait(page, lambda d: d.find_element(By.CSS_SELECTOR, "#param-form [name=tradeLevel]"),
                  "no parameter form")
    field.send_keys(f"{ACCOUNTING}/三级")
    page.find_element(By.CSS_SELECTOR, "#param-form button[type=submit]").click()
    rows = wait_rows(page)

    common = [k for k in text_counts if k[1] == 5]
    assert len(common) == 1, common
    levels = [(ACCOUNTING, 3), (ACCOUNTING, 4), common[0]]
    own = text_counts[(ACCOUNTING, 3)]["skills"] + text_counts[(ACCOUNTING, 3)]["knowledge"]
    assert rows == sum(text_counts[k]["skills"] + text_counts[k]["knowledge"] for k in levels)
    assert "VALUES ?tradeLevel" in editor_value(page)
    assert "/trade/accounting/level/3>" in editor_value(page)

    seen: list[dict[str, Any]] = []
    while True:  # every page of the table, each labelled once drawn
        _wait(page, lambda d: all(r["requirement"]["label"] for r in table(d)),
              "labels did not appear beside the requirement IRIs")
        shown = table(page)
        assert 0 < len(shown) <= 50
        seen += shown
        nxt = page.find_elements(By.CSS_SELECTOR, f"{ACTIVE} .dt-paging-button.next:not(.disabled)")
        if not nxt:
            break
        first = shown[0]["requirement"]["iri"]
        nxt[0].click()
        _wait(page, lambda d, first=first: table(d)[0]["requirement"]["iri"] != first,
              "the next page did not show")
    assert len(seen) == rows and len({r["requirement"]["iri"] for r in seen}) == rows
    for r in seen:
        assert r["requirement"]["label"] == literal(r["text"]), r
    assert sum(literal(r["own"]) == "true" for r in seen) == own
    # a data IRI opens this site's page for it
    link = page.find_element(By.CSS_SELECTOR, f"{ACTIVE} .yasr a.iri[data-iri]")
    assert link.get_attribute("href").startswith(base + "/id/occupation/4-09-07-04/")
    screenshot(page, "query-editor-catalog-tab")

    # a reference that names nothing: the form says so, with the closest ones
    field = page.find_element(By.CSS_SELECTOR, "#param-form [name=tradeLevel]")
    field.clear()
    field.send_keys(f"{ACCOUNTING}/9")
    page.find_element(By.CSS_SELECTOR, "#param-form button[type=submit]").click()
    error = _wait(page, lambda d: d.find_element(By.ID, "param-error").text, "no error shown")
    assert "tradeLevel" in error and "'9' is not a level" in error, error
    assert offsite(page, base) == []
    assert page.execute_script("return window.__sg") == {"csp": [], "errors": []}


def test_ctrl_enter_runs_and_downloads_and_shareable_url(page, skillgraph_server, text_counts):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base = skillgraph_server.base
    open_editor(page, base + "/query")
    query = ("PREFIX sg: <https://w3id.org/skillgraph/ontology#>\n"
             "SELECT ?level WHERE { ?level a sg:TradeLevel ; sg:occupation "
             "<https://w3id.org/skillgraph/id/occupation/4-09-07-04> } ORDER BY ?level")
    page.execute_script(f"document.querySelector('{ACTIVE} .CodeMirror').CodeMirror"
                        ".setValue(arguments[0])", query)
    page.find_element(By.CSS_SELECTOR, f"{ACTIVE} .CodeMirror textarea").send_keys(
        Keys.CONTROL, Keys.ENTER)
    assert wait_rows(page) == len(text_counts)

    # the download links run the same query on the endpoint
    for fmt in ("csv", "json"):
        href = page.find_element(By.ID, f"download-{fmt}").get_attribute("href")
        assert href.startswith(base + "/sparql?")
        with urllib.request.urlopen(href, timeout=WAIT) as answer:  # loopback only
            body = answer.read().decode("utf-8")
            media = answer.headers["Content-Type"]
        if fmt == "csv":
            assert media.startswith("text/csv")
            rows = list(csv.reader(io.StringIO(body)))
            assert rows[0] == ["level"] and len(rows) - 1 == len(text_counts)
        else:
            assert "json" in media
            assert len(json.loads(body)["results"]["bindings"]) == len(text_counts)

    # the shareable URL brings the query back in a fresh page
    share = page.find_element(By.ID, "share-link").get_attribute("href")
    assert share.startswith(base + "/query?query=")
    open_editor(page, share)
    assert editor_value(page) == query
    screenshot(page, "query-editor-shared")

    # a catalog tab's binding is shared as its name and parameters
    open_editor(page, base + "/query")
    tab(page, "ladder")
    page.find_element(By.CSS_SELECTOR, "#param-form [name=trade]").send_keys(ACCOUNTING)
    page.find_element(By.CSS_SELECTOR, "#param-form button[type=submit]").click()
    wait_rows(page)
    bound = editor_value(page)
    share = page.find_element(By.ID, "share-link").get_attribute("href")
    assert "name=ladder" in share and "trade=" in share, share
    open_editor(page, share)
    assert editor_value(page) == bound
    assert page.find_element(By.CSS_SELECTOR, "#param-form [name=trade]").get_attribute(
        "value") == ACCOUNTING
    assert offsite(page, base) == []
    assert page.execute_script("return window.__sg") == {"csp": [], "errors": []}


def test_without_javascript_the_page_is_a_working_plain_form(page, skillgraph_server, text_counts):
    """Scripts off: pick a catalog query, fill its parameter with a short reference (the
    server binds it), run the shown query to the endpoint as CSV."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base = skillgraph_server.base
    page.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        page.get(base + "/query")
        assert page.find_element(By.ID, "editor").is_displayed() is False
        Select(page.find_element(By.ID, "catalog-select")).select_by_value("requirements")
        page.find_element(By.CSS_SELECTOR, "#catalog-form button[type=submit]").click()
        field = _wait(page, lambda d: d.find_element(By.CSS_SELECTOR,
                                                     "#catalog-form [name=tradeLevel]"),
                      "no parameter field after picking the query")
        field.send_keys(f"{ACCOUNTING}/3")
        page.find_element(By.CSS_SELECTOR, "#catalog-form button[type=submit]").click()
        _wait(page, lambda d: "VALUES ?tradeLevel" in (
            d.find_element(By.ID, "query").get_attribute("value") or ""), "nothing was bound")
        screenshot(page, "query-without-javascript")
        Select(page.find_element(By.NAME, "format")).select_by_value("json")
        page.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
        body = _wait(page, lambda d: d.find_element(By.TAG_NAME, "body").text.strip().startswith(
            "{") and d.find_element(By.TAG_NAME, "body").text, "no answer from the endpoint")
        own = text_counts[(ACCOUNTING, 3)]["skills"] + text_counts[(ACCOUNTING, 3)]["knowledge"]
        rows = json.loads(body)["results"]["bindings"]
        assert sum(r["own"]["value"] == "true" for r in rows) == own
        assert page.current_url.startswith(base + "/sparql?query=")
    finally:
        page.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
