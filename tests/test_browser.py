"""Pages in a real browser: headless system Chromium against `skillgraph serve` on loopback.

What a browser adds over the HTTP tests: the query page's script really runs (catalog
picker, fetch to the endpoint, result table) and the pages really render. Expected numbers
come from an independent reading of the standard's text (`test_build.raw_counts`), not from
the graph. Screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_build import RANK, raw_counts

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TRADE_LEVEL = "/id/occupation/4-09-07-04/trade/accounting/level/3"
ACCOUNTING_3 = ("碳排放核算员", 3)
WAIT = 30  # seconds: generous for 2 slow cores; every wait polls and returns when ready


def _wait(driver: Any, condition: Any, message: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(condition, message)


def screenshot(driver: Any, name: str, max_height: int = 8000) -> Path:
    """The whole page (up to ``max_height`` CSS px) as a PNG in test-artifacts/.

    Chrome's WebDriver screenshot shows only the viewport; DevTools' captureBeyondViewport
    renders the full layout without resizing the window.
    """
    import base64

    ARTIFACTS.mkdir(exist_ok=True)
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height),
            "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path = ARTIFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def trade_and_rank(label: str) -> tuple[str, int]:
    """'碳排放核算员三级/高级工' → ('碳排放核算员', 3), the key of `raw_counts`."""
    char = next(k for k in RANK if f"{k}级/" in label)
    return label.split(f"{char}级/")[0], RANK[char]


@pytest.fixture(scope="module")
def text_counts(source_lines: list[str]) -> dict[tuple[str, int], dict[str, int]]:
    return raw_counts(source_lines)


def test_build_report_renders(browser, built_all):
    """The launcher itself, without the server: static pages with Chinese text render, the
    build's report listing every standard and each standard's own report."""
    from selenium.webdriver.common.by import By

    browser.get((built_all.out / "report.html").as_uri())
    table = browser.find_element(By.ID, "standards").text
    assert "碳排放管理员" in table and "人工智能训练师" in table, table
    screenshot(browser, "report")
    browser.get((built_all.out / "standards" / "4-04-05-05" / "report.html").as_uri())
    assert "人工智能训练师" in browser.title
    screenshot(browser, "report-4-04-05-05")


def test_trade_level_page_shows_its_functions(browser, skillgraph_server, text_counts):
    from selenium.webdriver.common.by import By

    browser.get(skillgraph_server.base + TRADE_LEVEL)
    h1 = _wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1"), "no h1").text
    assert "碳排放核算员" in h1 and "三级" in h1, h1
    functions = browser.find_elements(By.CSS_SELECTOR, "#adds h3")
    assert len(functions) == text_counts[ACCOUNTING_3]["functions"] == 4
    summary = browser.find_element(By.CSS_SELECTOR, "#adds .summary").text
    assert f"{text_counts[ACCOUNTING_3]['functions']} 项职业功能" in summary, summary
    screenshot(browser, "trade-level-accounting-3")


def test_query_page_runs_a_catalog_query(browser, skillgraph_server, text_counts):
    """Open the overview-counts tab of the editor, run it: one row per trade-level, counts
    as read.  (The editor is YASGUI since the query page became one; its own tests are
    tests/test_query_editor_browser.py.)"""
    import re

    from selenium.webdriver.common.by import By

    browser.get(skillgraph_server.base + "/query")
    tabs = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tabsList .tab a"),
                 "no editor tabs")
    next(t for t in tabs if t.text.split("\n")[0].strip() == "overview-counts").click()
    text = _wait(browser, lambda d: d.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"),
        "the tab has no query")
    assert "sg:functionCount" in text, "the catalog tab does not hold its query"
    browser.find_element(By.CSS_SELECTOR, "#param-form button[type=submit]").click()
    _wait(browser, lambda d: "rows" in d.find_element(By.ID, "status").text
          or "error" in d.find_element(By.ID, "status").text, "the query did not finish")
    status = browser.find_element(By.ID, "status").text
    assert status.startswith(f"{len(text_counts)} rows"), status

    table = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable")
    header = [th.get_attribute("textContent").strip()
              for th in table.find_elements(By.CSS_SELECTOR, "thead th")]

    def value(td: Any) -> str:  # YASR shows "4"^^xsd:integer, "…"@zh
        text = td.get_attribute("textContent")
        m = re.match(r'^\s*"(.*)"(?:@[\w-]+|\^\^.*)?\s*$', text, re.S)
        return m.group(1) if m else text.strip()

    rows = [
        dict(zip(header, (value(td) for td in tr.find_elements(By.TAG_NAME, "td")), strict=True))
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    shown = {
        trade_and_rank(r["label"]): {k: int(r[k]) for k in
                                     ("functions", "workContents", "skills", "knowledge")}
        for r in rows
    }
    assert shown == text_counts
    assert shown[ACCOUNTING_3]["functions"] == 4
    screenshot(browser, "query-overview-counts")
