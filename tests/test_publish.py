"""`skillgraph publish`: a static site that a plain web server serves as is."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
from html_links import parse_links

from skillgraph.publish import publish
from skillgraph.sitemanifest import MANIFEST

ACC3 = "id/occupation/4-09-07-04/trade/accounting/level/3"


@pytest.fixture(scope="module")
def site(built, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("publish") / "site"
    result = publish(out, built.out)
    assert result.pages > 2000
    return out


@pytest.fixture(scope="module")
def http_site(site: Path):
    """`python -m http.server` on a free loopback port, serving the site."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
         "--directory", str(site)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()  # "Serving HTTP on 127.0.0.1 port N (…)"
        port = re.search(r"port (\d+)", line)
        assert port, line
        base = f"http://127.0.0.1:{port.group(1)}/"
        deadline = time.monotonic() + 30
        while True:  # poll until it answers
            try:
                with urllib.request.urlopen(base, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "http.server did not answer"
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_static_site_follows_index_to_trade_level_requirement_and_turtle(http_site):
    status, body = get(http_site)
    assert status == 200
    index = body.decode()
    level_href = next(h for h in parse_links(index).followed() if h.endswith(f"{ACC3}.html"))
    level_url = urljoin(http_site, level_href)
    status, body = get(level_url)
    assert status == 200 and "碳排放核算员三级/高级工" in body.decode()
    req_href = next(h for h in parse_links(body.decode()).followed()
                    if h.endswith("skill/2.1.1.html"))
    req_url = urljoin(level_url, req_href)
    status, body = get(req_url)
    assert status == 200
    page = body.decode()
    assert "能编制2~3个行业组织层级的统计核算基础数据收集表" in page
    ttl_url = urljoin(req_url, parse_links(page).alternates["text/turtle"])
    status, body = get(ttl_url)
    assert status == 200
    labels = [t.object.value for t in ox.parse(body, format=ox.RdfFormat.TURTLE)
              if t.predicate.value.endswith("#prefLabel")]
    assert "能编制2~3个行业组织层级的统计核算基础数据收集表" in labels
    for name in ("void.ttl", "dumps/graph.nt.gz", "dumps/standards/4-09-07-04.nt.gz",
                 "dumps/ontology.ttl", "ontology.html", "query.html", "static/style.css",
                 "static/vendor/yasgui/yasgui.min.js"):
        assert get(urljoin(http_site, name))[0] == 200, name


def test_every_relative_link_of_every_page_names_a_file(site: Path):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 2000
    missing = []
    for page in pages:
        rel = page.relative_to(site).as_posix()
        for href in set(parse_links(page.read_text(encoding="utf-8")).followed()):
            if "://" in href or href.startswith("#"):
                continue
            target = urljoin("http://site/" + rel, href).split("#")[0]
            path = site / target.removeprefix("http://site/")
            if not path.is_file():
                missing.append((rel, href))
    assert not missing, missing[:10]


def test_each_resource_has_html_and_turtle_and_its_page_links_only_those(site: Path):
    """JSON-LD and N-Triples per node are left to the dumps (docs/scaling.md)."""
    for suffix in ("html", "ttl"):
        assert (site / f"{ACC3}.{suffix}").is_file()
    for suffix in ("jsonld", "nt"):
        assert not (site / f"{ACC3}.{suffix}").exists()
    triples = list(ox.parse((site / f"{ACC3}.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("#coversLowerLevel") for t in triples)
    alternates = parse_links((site / f"{ACC3}.html").read_text(encoding="utf-8")).alternates
    assert set(alternates) == {"text/turtle"}


def test_all_formats_writes_json_ld_and_n_triples_per_node(built, tmp_path):
    out = tmp_path / "site"
    result = publish(out, built.out, all_formats=True)
    for suffix in ("html", "ttl", "jsonld", "nt"):
        assert (out / f"{ACC3}.{suffix}").is_file()
    triples = list(ox.parse((out / f"{ACC3}.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES))
    assert any(t.predicate.value.endswith("#coversLowerLevel") for t in triples)
    alternates = parse_links((out / f"{ACC3}.html").read_text(encoding="utf-8")).alternates
    assert set(alternates) == {"text/turtle", "application/ld+json", "application/n-triples"}
    assert result.files > 3 * result.pages


def test_void_uses_relative_iris_without_a_site_url(site: Path):
    text = (site / "void.ttl").read_text(encoding="utf-8")
    assert "<dumps/graph.nt.gz>" in text and "@base" not in text
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE,
                            base_iri="https://example.org/skills/"))
    dumps = {t.object.value for t in triples if t.predicate.value.endswith("#dataDump")}
    assert "https://example.org/skills/dumps/graph.nt.gz" in dumps
    assert not any(t.predicate.value.endswith("#sparqlEndpoint") for t in triples)


def test_static_query_page_says_it_needs_a_live_endpoint(site: Path):
    page = (site / "query.html").read_text(encoding="utf-8")
    assert "static copy" in page and "skillgraph serve" in page
    assert 'data-endpoint=""' in page


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_publish_command_is_deterministic_and_replaces_the_site_whole(built, site, tmp_path):
    """A second publish (by the command, with a site URL and an endpoint) gives the same
    bytes except where those two appear; the stale content of the target is gone."""
    from click.testing import CliRunner

    from skillgraph.cli import main

    again = tmp_path / "again"
    again.mkdir()
    (again / "stale.html").write_text("old")
    run = CliRunner().invoke(main, [
        "publish", "--site", str(again), "--build", str(built.out),
        "--endpoint", "http://127.0.0.1:8000/sparql", "--site-url", "https://example.org/skills",
    ])
    assert run.exit_code == 0, run.output
    assert not (again / "stale.html").exists()
    first, second = tree_digest(site), tree_digest(again)
    differ = {k for k in first.keys() | second.keys() if first.get(k) != second.get(k)}
    # the manifest lists the VoID copies a site URL adds
    assert differ == {"query.html", "void.ttl", "void.jsonld", "void.nt", MANIFEST}
    void = (again / "void.ttl").read_text(encoding="utf-8")
    assert "<https://example.org/skills/dumps/graph.nt.gz>" in void
    assert "<http://127.0.0.1:8000/sparql>" in void
    assert 'data-endpoint="http://127.0.0.1:8000/sparql"' in (again / "query.html").read_text()


def test_two_rendering_processes_write_the_bytes_one_writes(built_all, tmp_path):
    """`publish -j 2` forks two renderers sharing the loaded store (run in a fresh
    process: the test process may run threads, and then publish renders by itself)."""
    sites = {}
    for jobs, told in (("1", "in 1 process"), ("2", "in 2 processes")):
        sites[jobs] = tmp_path / f"site-{jobs}"
        run = subprocess.run(
            [sys.executable, "-m", "skillgraph.cli", "publish", "--site", str(sites[jobs]),
             "--build", str(built_all.out), "--jobs", jobs],
            capture_output=True, text=True, timeout=600)  # fmt: skip
        assert run.returncode == 0, run.stderr
        told_last = re.findall(r"publish: rendered (\d+) of (\d+) page groups \(one per "
                               r"standard\) (in \d+ process(?:es)?)", run.stderr)[-1]
        assert told_last[0] == told_last[1] and int(told_last[0]) >= 2, run.stderr
        assert told_last[2] == told
    assert tree_digest(sites["1"]) == tree_digest(sites["2"])


def test_failed_publish_leaves_the_old_site_and_no_temporary_files(built, tmp_path, monkeypatch):
    import skillgraph.publish as pub

    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old site")
    calls = {"n": 0}
    real = pub.render

    def failing_render(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 50:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pub, "render", failing_render)
    with pytest.raises(RuntimeError, match="disk full"):
        publish(target, built.out)
    assert (target / "index.html").read_text() == "old site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_site_holds_each_standards_exports_and_ontology_docs(built, site: Path, http_site):
    """The build's exports/<code>/ files, byte for byte, linked from the index and the
    occupation page; VoID lists them; the ontology page documents every term."""
    from skillgraph.interchange.site import EXPORTS, exports_in

    files = exports_in(built.out)
    assert {f.kind.name for f in files} == {k.name for k in EXPORTS}
    index = (site / "index.html").read_text(encoding="utf-8")
    occupation = (site / "id/occupation/4-09-07-04.html").read_text(encoding="utf-8")
    for f in files:
        assert (site / f.path).read_bytes() == (built.out / f.path).read_bytes(), f.path
        assert f.path in parse_links(index).hrefs
        assert "../../" + f.path in parse_links(occupation).hrefs
        status, body = get(urljoin(http_site, f.path))
        assert status == 200 and body == (built.out / f.path).read_bytes()
        assert f"<{f.path}>" in (site / "void.ttl").read_text(encoding="utf-8")
    ontology = (site / "ontology.html").read_text(encoding="utf-8")
    assert 'id="TradeLevel"' in ontology and 'lang="en">trade level<' in ontology
    assert '<link rel="stylesheet" href="static/style.css">' in ontology


def test_static_query_page_runs_the_editor_from_the_site_alone(browser, http_site):
    """The published query page loads the vendored editor from the site itself and opens
    the query its URL carries (the static copy has no server to put it in the page)."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    browser.get(urljoin(http_site, "query.html") + "?query=" + quote(query))
    WebDriverWait(browser, 30, poll_frequency=0.1).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror"),
        "the editor did not appear")
    value = browser.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert value == query
    urls = browser.execute_script("return performance.getEntries().map(e => e.name)"
                                  ".filter(n => /^[a-z]+:/.test(n))")
    assert [u for u in urls if not u.startswith(http_site)] == []
