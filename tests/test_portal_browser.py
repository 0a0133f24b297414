"""Search and pictures in a real browser (headless Chromium against `skillgraph serve`).

Screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

from typing import Any

from test_browser import ARTIFACTS, _wait, screenshot

LEVEL = "/id/occupation/4-09-07-04/trade/accounting/level/3.html"


def test_search_box_to_results_to_a_facet(browser, skillgraph_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(skillgraph_server.base + "/")
    box = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "header .search-box input"),
                "no search box in the header")
    box.send_keys("核查", Keys.ENTER)
    summary = _wait(browser, lambda d: d.find_element(By.ID, "search-summary"), "no results")
    total = int(summary.text.split()[0])
    assert total > 100
    marks = browser.find_elements(By.CSS_SELECTOR, "ol.hits mark")
    assert marks and all(m.text == "核查" for m in marks)
    screenshot(browser, "search-results")
    facet = browser.find_element(By.CSS_SELECTOR, '[data-facet="level"] li a')
    count = int(facet.find_element(By.XPATH, "..").find_element(By.CLASS_NAME, "count").text)
    facet.click()
    narrowed = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".active-filters"),
                     "facet link did not filter")
    assert "level:" in narrowed.text
    assert int(browser.find_element(By.ID, "search-summary").text.split()[0]) == count < total
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits li a")
    first.click()
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1"), "hit link broken")
    assert "/id/" in browser.current_url


def _box(el: Any) -> dict[str, float]:
    return el.rect


def test_pictures_render_on_the_trade_level_page(browser, skillgraph_server):
    from selenium.webdriver.common.by import By

    browser.get(skillgraph_server.base + LEVEL)
    pics = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.pictures svg")
                 or None, "no pictures")
    assert [p.get_attribute("data-picture") for p in pics] == ["ladder", "progression",
                                                               "blueprint"]
    for p in pics:
        assert _box(p)["width"] > 300 and _box(p)["height"] > 100
    # the browser lays the bars out with the widths the numbers say (own : inherited)
    own = [r for r in pics[0].find_elements(By.CSS_SELECTOR, "rect.own")]
    inherited = pics[0].find_elements(By.CSS_SELECTOR, "rect.inherited")
    assert len(own) == len(inherited) == 5
    texts = [t.text for t in pics[0].find_elements(By.TAG_NAME, "text") if " = " in t.text]
    o, i = (int(x) for x in texts[0].split(" = ")[0].split(" + "))  # 一级, on top
    ratio = _box(own[0])["width"] / (_box(own[0])["width"] + _box(inherited[0])["width"])
    assert abs(ratio - o / (o + i)) < 0.01
    # Chinese labels are drawn with a CJK font: a 12 px glyph is about 12 px wide
    label = next(t for t in pics[0].find_elements(By.TAG_NAME, "text") if t.text.startswith("一级"))
    assert _box(label)["width"] > 10 * len(label.text)
    section = browser.find_element(By.CSS_SELECTOR, "section.pictures")
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(str(ARTIFACTS / "pictures-trade-level-accounting-3.png"))
    browser.get(skillgraph_server.base + "/pictures/ladder/occupation/4-09-07-04.svg")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg svg")) == 6
    screenshot(browser, "pictures-occupation-ladders")


def test_the_ontology_documentation_page_in_both_languages(browser, skillgraph_server):
    """/ontology negotiates to the documentation; a term's anchor, both labels and its
    axioms show; screenshots for a person to look at."""
    from selenium.webdriver.common.by import By

    browser.get(skillgraph_server.base + "/ontology")
    _wait(browser, lambda d: d.find_element(By.ID, "classes"), "no class section")
    assert browser.current_url.endswith("/ontology.html")
    screenshot(browser, "ontology-docs")
    browser.get(skillgraph_server.base + "/ontology.html#requires")
    term = browser.find_element(By.ID, "requires")
    labels = {e.get_attribute("lang"): e.text for e in term.find_elements(By.CSS_SELECTOR,
                                                                           "h3 .label")}
    assert labels == {"zh": "要求", "en": "requires"}
    assert "sg:hasFunction ∘ sg:hasWorkContent ∘ sg:hasRequirement" in term.text
    assert term.rect["width"] > 300
    ARTIFACTS.mkdir(exist_ok=True)
    term.screenshot(str(ARTIFACTS / "ontology-docs-requires.png"))
