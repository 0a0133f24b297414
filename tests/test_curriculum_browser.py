"""The curriculum HTML report in a real browser: it opens from a file (self-contained, no
network), draws the courses × functions heatmap with colors that follow the covered share,
and lists the gaps. The screenshot goes to test-artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

from test_browser import screenshot

from skillgraph.curriculum import compute_coverage, load_index, read_curriculum
from skillgraph.curriculum.report import render
from skillgraph.store import store_from_build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "carbon-accounting-program.csv"
ACC3 = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting/level/3"


def test_html_report_shows_the_heatmap_and_gaps(browser, built, tmp_path):
    from selenium.webdriver.common.by import By

    index = load_index(store_from_build(built.out))
    cov = compute_coverage(read_curriculum(EXAMPLE, index).curriculum, index, ACC3)
    page = tmp_path / "report.html"
    page.write_bytes(render(cov, "html"))
    browser.get(page.as_uri())
    assert "碳排放核算员三级" in browser.title
    heatmap = browser.find_element(By.ID, "heatmap")
    rows = heatmap.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(cov.courses) + 1  # one per course, then all courses
    cells = heatmap.find_elements(By.CSS_SELECTOR, "td.cell")
    assert len(cells) == (len(cov.courses) + 1) * len(cov.functions) == 12 * 12
    # the rendered background follows the share: white when nothing, green when covered
    colors = {c.get_attribute("data-share"): c.value_of_css_property("background-color")
              for c in cells}  # fmt: skip
    assert colors["0.0000"] in ("rgb(255, 255, 255)", "rgba(255, 255, 255, 1)")
    shares = sorted(float(s) for s in colors if float(s) > 0)
    darkest = colors[f"{shares[-1]:.4f}"]
    green = [int(x) for x in darkest[darkest.index("(") + 1 : darkest.index(")")].split(",")[:3]]
    assert green[1] > green[0] and green[1] > green[2]  # green channel dominates
    gaps = browser.find_elements(By.CSS_SELECTOR, "#gap-list tbody tr")
    assert len(gaps) == len(cov.gaps) == 111
    assert heatmap.size["width"] > 600 and heatmap.size["height"] > 300
    shot = screenshot(browser, "curriculum-report", max_height=2400)
    assert shot.stat().st_size > 50_000
