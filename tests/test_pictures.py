"""Pictures (server-side SVG) against counts read independently from the standard's text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest
from test_build import raw_counts

SVG = "{http://www.w3.org/2000/svg}"
OCC = "/id/occupation/4-09-07-04"
ACCOUNTING = OCC + "/trade/accounting"
PIC = "/pictures/{kind}/" + "occupation/4-09-07-04/trade/accounting{rest}.svg"


@pytest.fixture(scope="module")
def text_counts(source_lines):
    return raw_counts(source_lines)


def svg_of(client, kind: str, rest: str = "") -> ET.Element:
    r = client.get(PIC.format(kind=kind, rest=rest))
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    return ET.fromstring(r.text)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")]


def test_the_ladder_shows_own_and_inherited_counts_of_each_level(server_client, text_counts):
    root = svg_of(server_client, "ladder")
    sums = [t for t in texts(root) if re.fullmatch(r"\d+ \+ \d+ = \d+", t)]
    own = [text_counts[("碳排放管理员", 5)]]
    own += [text_counts[("碳排放核算员", r)] for r in (4, 3, 2, 1)]
    own_n = [c["skills"] + c["knowledge"] for c in own]
    expected = [f"{o} + {sum(own_n[:i])} = {sum(own_n[: i + 1])}" for i, o in enumerate(own_n)]
    assert sums == list(reversed(expected))  # 一级 on top
    labels = [t for t in texts(root) if t.startswith(("五级", "四级", "三级", "二级", "一级"))]
    assert [x[:2] for x in labels] == ["一级", "二级", "三级", "四级", "五级"]


def test_bars_are_proportional_to_the_counts(server_client):
    root = svg_of(server_client, "ladder", "/level/3")
    own = [float(r.get("width")) for r in root.iter(SVG + "rect") if r.get("class") == "own"]
    inh = [float(r.get("width")) for r in root.iter(SVG + "rect")
           if r.get("class") == "inherited"]
    sums = [tuple(map(int, re.findall(r"\d+", t))) for t in texts(root)
            if re.fullmatch(r"\d+ \+ \d+ = \d+", t)]
    for w_own, w_inh, (o, i, _) in zip(own, inh, sums, strict=True):
        assert abs(w_own / (w_own + w_inh) - o / (o + i)) < 0.005  # one scale for both parts
    assert root.find(f".//{SVG}rect[@stroke='#e0a000']") is not None  # this level marked


def test_the_progression_splits_each_function_of_the_level(server_client, text_counts):
    root = svg_of(server_client, "progression", "/level/3")
    title = root.find(SVG + "title").text
    assert "四级" in title and "三级" in title
    parts = [tuple(map(int, m)) for t in texts(root)
             if (m := re.fullmatch(r"\+(\d+) / ↺(\d+)", t) and re.findall(r"\d+", t))]
    c = text_counts[("碳排放核算员", 3)]
    assert len(parts) == c["functions"] and sum(a + b for a, b in parts) == c["skills"] + c[
        "knowledge"]
    codes = [t.split()[0] for t in texts(root) if re.match(r"^\d+ ", t)]
    assert codes == sorted(codes, key=int)


def test_the_blueprint_is_in_function_order_and_sums_to_100(server_client):
    root = svg_of(server_client, "blueprint", "/level/3")
    rows = [t for t in texts(root) if not t.endswith("%") and t != "—"][3:]  # after legend
    assert rows[:2] == ["职业道德", "基础知识"]
    codes = [int(r.split()[0]) for r in rows if r.split()[0].isdigit()]
    assert codes == [1, 2, 3, 4]
    theory = [int(r.get("width") and re.search(r"(\d+)%", r.find(SVG + "title").text).group(1))
              for r in root.iter(SVG + "rect") if r.get("class") == "theory"]
    skill = [int(re.search(r"(\d+)%", r.find(SVG + "title").text).group(1))
             for r in root.iter(SVG + "rect") if r.get("class") == "skill"]
    assert sum(theory) == 100 and sum(skill) == 100


def test_exam_weight_rows_on_the_page_are_in_function_order(server_client):
    page = server_client.get(ACCOUNTING + "/level/2.html").text
    table = page[page.index("权重 / Exam weights"):]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table)
    theory = [row for exam, row, _ in rows if exam == rows[0][0]]
    assert theory[:2] == ["职业道德", "基础知识"]
    fn_names = []
    for n in range(1, 10):
        r = server_client.get(f"{ACCOUNTING}/level/2/function/{n}.nt")
        if r.status_code != 200:
            break
        fn_names.append(re.search(r'core#prefLabel> "([^"]+)"@zh', r.text).group(1))
    assert len(fn_names) >= 5
    assert [row for row in theory if row in fn_names] == fn_names  # 1, 2, 3 … not code points


def test_pages_inline_their_pictures(server_client):
    level = server_client.get(ACCOUNTING + "/level/3.html").text
    assert [k for k in ("ladder", "progression", "blueprint")
            if f'data-picture="{k}"' in level] == ["ladder", "progression", "blueprint"]
    page_url = f"http://127.0.0.1:8000{ACCOUNTING}/level/3.html"
    svg_links = [urljoin(page_url, h) for h in re.findall(r'href="([^"]+)" type="image/svg', level)]
    assert len(svg_links) == 3
    for url in svg_links:  # the standalone pictures are the inlined ones
        r = server_client.get(url)
        assert r.status_code == 200
        assert all(f">{t}</text>" in level for t in texts(ET.fromstring(r.text)))
    trade = server_client.get(ACCOUNTING + ".html").text
    assert trade.count('data-picture="ladder"') == 1
    occupation = server_client.get(OCC + ".html").text
    assert occupation.count('data-picture="ladder"') == 6  # one per trade
    ET.fromstring(server_client.get("/pictures/ladder/occupation/4-09-07-04.svg").text)


def test_pictures_of_nothing_are_404(server_client):
    for url in ("/pictures/blueprint/occupation/4-09-07-04.svg",
                "/pictures/chart/occupation/4-09-07-04/trade/accounting.svg",
                "/pictures/ladder/occupation/9-99-99-99.svg",
                "/pictures/ladder/occupation/4-09-07-04/trade/accounting"):
        assert server_client.get(url).status_code == 404, url
