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


def test_upload_form_in_the_browser_shows_the_report(browser, built, skillgraph_server):
    """A designer's path: the upload page, a CSV chosen in the file input, the target picked
    from the list, submit; the report comes back with its heatmap (colored under the
    server's Content-Security-Policy, which forbids inline styles), gaps, the hours flag and
    the downloads."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_browser import _wait

    index = load_index(store_from_build(built.out))
    cov = compute_coverage(read_curriculum(EXAMPLE, index).curriculum, index, ACC3)
    browser.get(skillgraph_server.base + "/curriculum")
    form = _wait(browser, lambda d: d.find_element(By.ID, "curriculum-form"), "no upload form")
    form.find_element(By.ID, "curriculum-file").send_keys(str(EXAMPLE))
    Select(form.find_element(By.ID, "curriculum-target")).select_by_value(ACC3)
    form.find_element(By.ID, "curriculum-submit").click()
    heatmap = _wait(browser, lambda d: d.find_element(By.ID, "heatmap"), "no report came back")
    assert "碳排放核算员三级" in browser.title
    cells = heatmap.find_elements(By.CSS_SELECTOR, "td.cell")
    assert len(cells) == (len(cov.courses) + 1) * len(cov.functions)
    colors = {c.get_attribute("data-share"): c.value_of_css_property("background-color")
              for c in cells}  # fmt: skip
    assert colors["0.0000"] in ("rgb(255, 255, 255)", "rgba(255, 255, 255, 1)")
    darkest = colors[max(colors, key=float)]
    green = [int(x) for x in darkest[darkest.index("(") + 1 : darkest.index(")")].split(",")[:3]]
    assert green[1] > green[0] and green[1] > green[2]  # the stylesheet's classes applied
    gaps = browser.find_elements(By.CSS_SELECTOR, "#gap-list tbody tr")
    assert len(gaps) == len(cov.gaps)
    flag = browser.find_element(By.ID, "hours-flag").text
    assert str(cov.hours_check.planned) in flag and str(cov.hours_check.standard) in flag
    links = browser.find_elements(By.CSS_SELECTOR, "#curriculum-downloads a[download]")
    assert {a.get_attribute("download") for a in links} >= {
        "carbon-accounting-program-coverage.json", "carbon-accounting-program-gaps.csv"}
    assert all(a.get_attribute("href").startswith("data:") for a in links)
    shot = screenshot(browser, "curriculum-upload-report", max_height=2400)
    assert shot.stat().st_size > 50_000
