"""The curriculum upload page on a real `skillgraph serve` (127.0.0.1): a sheet posted as a
multipart form comes back as the same report the CLI writes (page, JSON, CSV), a template
downloaded from the server is accepted back, every input limit and bad file gets an error
page naming the file, row or limit (never a traceback), and nothing is left on disk."""

from __future__ import annotations

import base64
import csv
import html
import io
import os
import pickle
import re
import zipfile
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from skillgraph.curriculum import compute_coverage, load_index, read_curriculum
from skillgraph.curriculum.report import csv_files, render
from skillgraph.curriculum.table import LIMITS
from skillgraph.server.mapping import MappingBusy, MappingFailed, MappingPool
from skillgraph.store import store_from_build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "carbon-accounting-program.csv"
CARBON = "https://w3id.org/skillgraph/id/occupation/4-09-07-04"
ACC3 = f"{CARBON}/trade/accounting/level/3"
MAX_BODY_KB = 6 * 1024  # above the curriculum file limit (5 MB), so that limit is reachable
HEADER = "course_id,course_title,hours,requirement\n"


@pytest.fixture(scope="module")
def spool(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(built, tmp_path_factory, spool):
    """A server whose temporary directory is ``spool``, so a test can see what it leaves."""
    import engines

    log = tmp_path_factory.mktemp("curriculum-serve") / "serve.log"
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(spool)
    try:
        with engines.serving(built.out, log, extra=["--max-body", str(MAX_BODY_KB)]) as srv:
            yield srv.base
    finally:
        if old is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = old


@pytest.fixture(scope="module")
def index(built):
    return load_index(store_from_build(built.out))


@pytest.fixture(scope="module")
def shard(built) -> bytes:
    """What the server sends a mapping worker: the target's standard, indexed and pickled."""
    return pickle.dumps(load_index(store_from_build(built.out), [CARBON]))


@pytest.fixture(scope="module")
def coverage(index):
    return compute_coverage(read_curriculum(EXAMPLE, index).curriculum, index, ACC3)


def post(server: str, name: str, data: bytes, target: str = "碳排放核算员/三级",
         fmt: str | None = None) -> httpx.Response:  # fmt: skip
    form = {"target": target, **({"format": fmt} if fmt else {})}
    return httpx.post(f"{server}/curriculum", files={"file": (name, data)}, data=form,
                      timeout=120)  # fmt: skip


def left_behind(spool: Path) -> list[Path]:
    """What the server left in its temporary directory, besides the (empty) spool directory
    of its SPARQL answers, which lives as long as the server."""
    answers = [p for p in spool.glob("skillgraph-answers-*") if p.is_dir()]
    return sorted({*spool.iterdir(), *(f for d in answers for f in d.iterdir())} - set(answers))


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_form_lists_every_trade_level_of_the_served_graph(server, index):
    r = httpx.get(f"{server}/curriculum")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in r.headers
    options = re.findall(r'<select name="target" id="curriculum-target".*?</select>', r.text,
                         re.S)[0]  # fmt: skip
    values = re.findall(r'<option value="([^"]+)"', options)  # IRIs: names may repeat
    assert sorted(values) == sorted(index.trade_levels)
    assert 'enctype="multipart/form-data"' in r.text
    assert f"{LIMITS.max_rows:,}" in r.text and f"{MAX_BODY_KB} KB" in r.text


def test_upload_returns_the_report_the_cli_writes(server, coverage):
    r = post(server, EXAMPLE.name, EXAMPLE.read_bytes())
    assert r.status_code == 200, text_of(r.text)[:2000]
    assert 'id="heatmap"' in r.text
    gaps = re.findall(r"<tr>", r.text.split('id="gap-list"')[1].split("</table>")[0])
    assert len(gaps) - 1 == len(coverage.gaps)  # minus the header row
    check = coverage.hours_check
    flag = text_of(r.text.split('id="hours-flag"')[1].split("</p>")[0])
    assert f"Planned hours: {check.planned}" in flag and f": {check.standard}. FLAG" in flag
    links = dict(re.findall(r'<a href="(data:[^"]+)" download="([^"]+)"', r.text))
    files = {name: base64.b64decode(href.split("base64,", 1)[1]) for href, name in links.items()}
    stem = EXAMPLE.stem
    assert files.pop(f"{stem}-coverage.json") == render(coverage, "json")
    assert files == {f"{stem}-{name}": data for name, data in csv_files(coverage).items()}


def test_second_post_answers_with_the_downloads(server, coverage):
    r = post(server, EXAMPLE.name, EXAMPLE.read_bytes(), fmt="json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert "attachment" in r.headers["content-disposition"]
    assert r.content == render(coverage, "json")
    r = post(server, EXAMPLE.name, EXAMPLE.read_bytes(), fmt="csv")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == csv_files(coverage)


def test_template_from_the_server_is_accepted_back(server, index):
    r = httpx.get(f"{server}/curriculum/template", params={"target": "碳排放核算员/高级工"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    assert "curriculum-template-accounting-3.xlsx" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    assert sheet.max_row == 3 + len(index.requires(ACC3))
    sheet["E1"], sheet["E2"], sheet["E3"], sheet["E4"], sheet["E5"] = "K1", "核算", 40, "✓", "M"
    buf = io.BytesIO()
    book.save(buf)
    page = post(server, "填好的模板.xlsx", buf.getvalue())
    assert page.status_code == 200, text_of(page.text)[:2000]
    body = page.text.split('id="heatmap"')[1].split("</table>")[0].split("<tbody>")[1]
    assert "K1 核算" in body and body.count("<tr") == 2  # the course, then all courses


def test_template_needs_a_known_target(server):
    r = httpx.get(f"{server}/curriculum/template", params={"target": "碳排放核算员/9"})
    assert r.status_code == 400 and "碳排放核算员/9" in text_of(r.text)


def csv_bytes(rows: int = 1, cell: str = "碳排放核算员/3/S2.2.1") -> bytes:
    return (HEADER + "".join(f"C{i},课程,8,{cell}\n" for i in range(rows))).encode()


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buf.getvalue()


def broken_sheet() -> bytes:
    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()[: 2000]


LIMIT_CASES = {
    # name: (file name, bytes, status, fragments of the page's text)
    "file size": ("big.csv", HEADER.encode() + b"x" * (LIMITS.max_file_bytes + 10), 400,
                  ["big.csv", f"the limit is {LIMITS.max_file_bytes:,}"]),
    "rows": ("rows.csv", csv_bytes(LIMITS.max_rows + 5), 400,
             ["rows.csv", f"more than {LIMITS.max_rows:,} rows"]),
    "cell length": ("cell.csv", csv_bytes(1, "x" * (LIMITS.max_cell_chars + 1)), 400,
                    ["cell.csv", "row 2", f"characters; the limit is {LIMITS.max_cell_chars:,}"]),
    "unzipped size": ("bomb.xlsx", zip_bytes({"xl/worksheets/sheet1.xml":
                                             b"0" * (LIMITS.max_unzipped_bytes + 1)}), 400,
                      ["bomb.xlsx", f"the limit is {LIMITS.max_unzipped_bytes:,}"]),
    "ratio": ("ratio.xlsx", zip_bytes({"xl/worksheets/sheet1.xml": b"0" * 4_000_000}), 400,
              ["ratio.xlsx", f"the limit is {LIMITS.max_zip_ratio}:1"]),
    "old xls": ("plan.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, 400, ["save it as .xlsx"]),
    "pdf": ("plan.pdf", b"%PDF-1.4", 400, ["unsupported file type", "expected .csv or .xlsx"]),
    "damaged xlsx": ("broken.xlsx", b"PK\x03\x04 not really", 400,
                     ["broken.xlsx", "not a readable .xlsx file"]),
    "cut xlsx": ("cut.xlsx", broken_sheet(), 400, ["cut.xlsx", "not a readable .xlsx file"]),
    "gbk csv": ("gbk.csv", (HEADER + "C1,统计核算,8,碳排放核算员/3/S2.2.1\n").encode("gbk"), 400,
                ["gbk.csv", "row 2", "are not UTF-8", "GBK/GB18030"]),
    "bad cell": ("cells.csv", (HEADER + "C1,统计核算,八,碳排放核算员/3/S2.2.9\n").encode(), 400,
                 ["cells.csv: 2 problem(s)", "row 2", "column C (hours)", "positive number",
                  "column D (requirement)", "closest: 碳排放核算员/3/S2.2.1"]),
    "empty": ("empty.csv", b"", 400, ["empty.csv", "no header row"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
def test_limits_and_bad_files_get_an_error_page(server, spool, case):
    name, data, status, fragments = LIMIT_CASES[case]
    r = post(server, name, data)
    page = text_of(r.text)
    assert r.status_code == status, page[:1500]
    assert r.headers["content-type"].startswith("text/html")
    for fragment in fragments:
        assert fragment in page, page[:3000]
    assert "Traceback" not in page and "skillgraph-upload-" not in page
    assert 'id="curriculum-form"' in r.text  # the form is there to try again
    assert left_behind(spool) == []  # nothing kept, not even the spooled copy


def test_body_over_the_server_cap_is_refused_before_reading(server, spool):
    r = post(server, "huge.csv", b"x" * (MAX_BODY_KB * 1024 + 1))
    assert r.status_code == 413 and f"{MAX_BODY_KB} KB" in r.text
    assert left_behind(spool) == []


@pytest.mark.parametrize(("form", "fragment"), [
    ({"target": "碳排放核算员/三级"}, "choose a file"),
    ({"target": "碳排放核算师/3", "file": True}, "no trade named '碳排放核算师'"),
    ({"target": "", "file": True}, "choose the target trade-level"),
    ({"target": "三级", "file": True}, "rank 3 of several trades"),
    ({"target": "碳排放核算员/3", "format": "pdf", "file": True}, "format 'pdf'"),
])  # fmt: skip
def test_bad_form_fields_are_named(server, form, fragment):
    files = {"file": (EXAMPLE.name, EXAMPLE.read_bytes())} if form.pop("file", False) else None
    r = httpx.post(f"{server}/curriculum", data=form, files=files, timeout=60)
    assert r.status_code == 400 and fragment in text_of(r.text)


def test_chinese_headers_and_target_through_the_form(server):
    sheet = "课程编号,课程名称,学时,对应要求\nC1,核算实务,80,碳排放核算员/三级/S2.2.1\n"
    r = post(server, "中文表头.csv", sheet.encode(), target="碳排放核算员三级/高级工")
    assert r.status_code == 200, text_of(r.text)[:1500]
    assert "Planned hours: 80; standard training hours" in text_of(r.text)
    assert 'id="hours-flag"' not in r.text


def test_report_stylesheet_is_served(server):
    r = httpx.get(f"{server}/curriculum/report.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert "#heatmap td.h20" in r.text and "body{" not in r.text


def test_mapping_pool_stops_a_mapping_over_its_time_and_recovers(shard):
    pool = MappingPool(timeout=0.001)
    try:
        with pytest.raises(MappingFailed, match="took longer than"):
            pool.run(EXAMPLE.name, EXAMPLE.read_bytes(), ACC3, shard)
        pool.timeout = 120
        answer = pool.run(EXAMPLE.name, EXAMPLE.read_bytes(), ACC3, shard)
        assert answer["report"].hours_flagged
        taken = pool._idle.get()  # the one worker is in use by someone else
        pool.wait = 0.05
        with pytest.raises(MappingBusy, match="busy"):
            pool.run(EXAMPLE.name, EXAMPLE.read_bytes(), ACC3, shard)
        pool._idle.put(taken)
    finally:
        pool.close()
    assert not pool._all


def test_mapping_worker_is_sent_the_index_and_never_loads_the_store(built, tmp_path):
    """The worker maps with the index it is sent alone: the build it came from can be gone
    (at 1,000 standards loading the store again took a minute and gigabytes)."""
    import shutil

    copy = tmp_path / "build"
    shutil.copytree(built.out, copy)
    shard = pickle.dumps(load_index(store_from_build(copy), [CARBON]))
    pool = MappingPool()
    shutil.rmtree(copy)
    try:
        answer = pool.run(EXAMPLE.name, EXAMPLE.read_bytes(), ACC3, shard)
        assert answer["report"].hours_flagged
    finally:
        pool.close()


def test_mapping_pool_reports_bad_sheets_as_issues(shard):
    pool = MappingPool()
    try:
        rows = list(csv.reader(io.StringIO(csv_bytes(1, "nowhere/3/S1.1.1").decode())))
        data = "\n".join(",".join(r) for r in rows).encode()
        answer = pool.run("x.csv", data, ACC3, shard)
        (issue,) = answer["issues"]
        assert issue.file == "x.csv" and issue.row == 2 and "no trade named" in issue.message
    finally:
        pool.close()


# --------------------------------------------------------------------------- many standards
COPIES = 25  # × 24 trade-levels: past the picker's PICKER_ALL, so an occupation comes first


def copy_iri(iri: str, k: int) -> str:
    return iri.replace("/occupation/4-09-07-04", f"/occupation/9-99-99-{k:02d}")


@pytest.fixture(scope="module")
def many(built, tmp_path_factory):
    """A server holding COPIES copies of the standard, each under its own occupation code
    (the names repeat, as trade names may across real standards): a national server in
    miniature."""
    import shutil

    import engines

    out = tmp_path_factory.mktemp("many") / "build"
    shutil.copytree(built.out, out, ignore=shutil.ignore_patterns("store", "store.json",
                                                                  "graph.nt"))  # fmt: skip
    text = (built.out / "graph.nt").read_text(encoding="utf-8")
    with (out / "graph.nt").open("w", encoding="utf-8") as graph:
        for k in range(COPIES):
            graph.write(copy_iri(text, k) if k else text)
    log = tmp_path_factory.mktemp("curriculum-many") / "serve.log"
    with engines.serving(out, log) as srv:
        yield srv.base


def select_values(page: str, name: str) -> list[str]:
    found = re.findall(rf'<select name="{name}" id="curriculum-{name}".*?</select>', page, re.S)
    return re.findall(r'<option value="([^"]+)"', found[0]) if found else []


def test_with_many_standards_the_picker_asks_for_the_occupation_first(many):
    r = httpx.get(f"{many}/curriculum")
    assert r.status_code == 200
    occupations = select_values(r.text, "occupation")
    assert len(occupations) == COPIES and CARBON in occupations
    assert select_values(r.text, "target") == []  # no level before an occupation
    assert "choose the occupation first" in r.text
    assert len(r.content) < 64 * 1024  # not every trade-level of every standard


def test_an_occupation_or_a_target_lists_that_standards_levels(many, index):
    seventh = copy_iri(CARBON, 7)
    r = httpx.get(f"{many}/curriculum", params={"occupation": seventh})
    assert sorted(select_values(r.text, "target")) == sorted(
        copy_iri(iri, 7) for iri in index.trade_levels
    )
    r = httpx.get(f"{many}/curriculum", params={"target": copy_iri(ACC3, 7)})
    assert re.search(rf'<option value="{re.escape(seventh)}" selected>', r.text)
    assert re.search(rf'<option value="{re.escape(copy_iri(ACC3, 7))}" selected>', r.text)


def test_an_upload_is_mapped_against_its_targets_standard_alone(many, coverage):
    """The sheet names 碳排放核算员/3/…, a trade every copy has: against the target's own
    standard the names are unambiguous, and the report is the single standard's."""
    r = post(many, EXAMPLE.name, EXAMPLE.read_bytes(), target=copy_iri(ACC3, 7), fmt="json")
    assert r.status_code == 200, text_of(r.text.partition('id="curriculum-error"')[2])[:2000]
    expected = render(coverage, "json").decode()
    assert r.content.decode() == copy_iri(expected, 7)


def test_in_the_browser_the_occupation_then_its_level_then_the_report(browser, many):
    """A designer on a national server: the occupation picked first, its levels offered,
    one picked, the sheet uploaded, the report back (screenshots of both steps)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_browser import _wait, screenshot

    browser.get(many + "/curriculum")
    pick = _wait(browser, lambda d: d.find_element(By.ID, "occupation-form"), "no picker")
    Select(pick.find_element(By.ID, "curriculum-occupation")).select_by_value(copy_iri(CARBON, 7))
    pick.find_element(By.ID, "occupation-submit").click()
    form = _wait(browser, lambda d: d.find_element(By.ID, "curriculum-form"), "no upload form")
    target = Select(_wait(browser, lambda d: d.find_element(By.ID, "curriculum-target")
                          if len(d.find_elements(By.CSS_SELECTOR, "#curriculum-target option")) > 1
                          else None, "no levels after the occupation"))  # fmt: skip
    screenshot(browser, "curriculum-many-standards-levels")
    target.select_by_value(copy_iri(ACC3, 7))
    form = browser.find_element(By.ID, "curriculum-form")
    form.find_element(By.ID, "curriculum-file").send_keys(str(EXAMPLE))
    form.find_element(By.ID, "curriculum-submit").click()
    _wait(browser, lambda d: d.find_element(By.ID, "heatmap"), "no report came back")
    assert "碳排放核算员三级" in browser.title
    screenshot(browser, "curriculum-many-standards-report", max_height=1600)


def test_the_mapping_worker_maps_whatever_the_servers_working_directory(
    shard, tmp_path, monkeypatch
):
    """Started in a checkout after `pip install .`, the worker imported the checkout's
    skillgraph/ (no skillgraph.shapes there) and every upload answered 500."""
    (tmp_path / "skillgraph").mkdir()
    (tmp_path / "skillgraph" / "__init__.py").write_text("raise ImportError('shadowed')\n")
    monkeypatch.chdir(tmp_path)
    pool = MappingPool()
    try:
        answer = pool.run(EXAMPLE.name, EXAMPLE.read_bytes(), ACC3, shard)
        assert answer["report"].hours_flagged, answer
    finally:
        pool.close()
