"""Each standard's interchange files on the site: written by the build, linked from the
index, the occupation's and the standard's pages, served at /exports/<code>/<name> with
their media types, and listed in VoID/DCAT as distributions.

Runs on the default build (every shipped standard), so every standard is checked.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
from html_links import parse_links
from rdflib import Graph, URIRef

from skillgraph.interchange.case import read_case, schema_errors
from skillgraph.interchange.ctdl import read_ctdl
from skillgraph.interchange.graph import standards_in
from skillgraph.interchange.site import EXPORTS, XLSX_MEDIA
from skillgraph.interchange.xlsx import read_workbook

ROOT = "http://127.0.0.1:8000/"
DCAT = "http://www.w3.org/ns/dcat#"
SG = "https://w3id.org/skillgraph/ontology#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def client(both: Path):
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(both, timeout=20, workers=1))
    with TestClient(app, base_url=ROOT.rstrip("/")) as c:
        yield c


@pytest.fixture(scope="module")
def refs(loaded):
    """(code, standard page path, occupation page path) of every standard of the build."""
    graph, _ = loaded
    base = "https://w3id.org/skillgraph/"
    out = [(r.code, str(r.standard)[len(base):] + ".html", str(r.occupation)[len(base):] + ".html")
           for r in standards_in(graph)]  # fmt: skip
    assert len(out) == 2
    return out


def export_links(page: str, page_url: str) -> dict[str, str]:
    """file name → absolute URL of every export link of a page."""
    found = {}
    for href in parse_links(page).hrefs:
        url = urljoin(page_url, href)
        if "/exports/" in url:
            found[url.split("/exports/", 1)[1]] = url
    return found


def requirements(graph: Graph, occupation) -> set[str]:
    """The skill and knowledge requirements under an occupation's IRI."""
    kinds = {SG + "SkillRequirement", SG + "KnowledgeRequirement"}
    found = {str(s) for s, _, o in graph.triples((None, RDF_TYPE, None)) if str(o) in kinds}
    return {s for s in found if s.startswith(str(occupation) + "/")}


def check_export(client, code: str, name: str, url: str, loaded) -> None:
    """The file answers 200 with its media type and reads back with our own reader."""
    r = client.get(url)
    kind = next(k for k in EXPORTS if k.name == name)
    assert r.status_code == 200, url
    assert r.headers["content-type"].split(";")[0] == kind.media_type, url
    graph, _ = loaded
    occupation = next(ref.occupation for ref in standards_in(graph) if ref.code == code)
    if name == "case.json":
        package = json.loads(r.content)
        assert schema_errors(package) == []
        assert requirements(read_case(package), occupation) == requirements(graph, occupation)
    elif name == "ctdl.jsonld":
        document = json.loads(r.content)
        assert document["@graph"][0]["ceasn:codedNotation"] == code
        assert len(read_ctdl(document)) > 100
    else:
        assert r.headers["content-type"] == XLSX_MEDIA
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            assert "xl/workbook.xml" in z.namelist()


@pytest.mark.parametrize("where", ["standard", "occupation", "index"])
def test_every_standard_page_links_each_export_and_the_links_resolve(
    client, refs, loaded, where
):
    for code, standard_page, occupation_page in refs:
        path = {"standard": standard_page, "occupation": occupation_page, "index": ""}[where]
        page_url = ROOT + path
        r = client.get(page_url)
        assert r.status_code == 200
        links = export_links(r.text, page_url)
        expected = {f"{code}/{k.name}" for k in EXPORTS}
        assert expected <= set(links), (where, code, sorted(links))
        if where == "index":
            continue  # the same URLs as the pages: fetched once below
        for key in sorted(expected):
            check_export(client, code, key.split("/")[1], links[key], loaded)
        rdf = [h for h in parse_links(r.text).hrefs if "dumps/graph." in h]
        for href in rdf:
            assert client.get(urljoin(page_url, href)).status_code == 200


def test_the_workbook_reads_back_to_the_same_standard(both: Path, refs):
    for code, _, _ in refs:
        std = read_workbook(both / "exports" / code / "workbook.xlsx")
        assert std.profile.code == code


def test_built_exports_equal_the_export_command_apart_from_the_change_time(both, loaded):
    from skillgraph.interchange.case import write_case

    graph, changed = loaded
    for ref in standards_in(graph):
        built = json.loads((both / "exports" / ref.code / "case.json").read_bytes())
        fresh = write_case(graph, ref, changed)
        stamp = built["CFDocument"]["lastChangeDateTime"]
        fresh_text = json.dumps(fresh, sort_keys=True)
        again = json.loads(fresh_text.replace(fresh["CFDocument"]["lastChangeDateTime"], stamp))
        assert again == built


def test_the_change_time_is_the_source_time_not_the_build_time(tmp_path, monkeypatch):
    """SOURCE_DATE_EPOCH, else the source file's time: rebuilding changes no byte."""
    from skillgraph.interchange.site import source_time

    src = tmp_path / "s.txt"
    src.write_text("x", encoding="utf-8")
    os.utime(src, (1_700_000_000, 1_700_000_000))
    assert source_time(src).isoformat() == "2023-11-14T22:13:20+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert source_time(src).isoformat() == "1970-01-02T00:00:00+00:00"


def test_unknown_exports_are_404(client, refs):
    code = refs[0][0]
    for path in (f"/exports/{code}/graph.nt", "/exports/0-00-00-00/case.json",
                 f"/exports/{code}/../case.json", "/exports/%2e%2e/case.json",
                 f"/exports/{code}/%2e%2e%2fgraph.nt"):
        assert client.get(path).status_code == 404, path


def test_void_lists_each_export_as_a_distribution_that_resolves(client, refs):
    r = client.get("/void.ttl")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    downloads = {
        t.object.value for t in triples if t.predicate == ox.NamedNode(DCAT + "downloadURL")
    }
    media = {t.subject.value: t.object.value for t in triples
             if t.predicate == ox.NamedNode(DCAT + "mediaType")}  # fmt: skip
    for code, _, _ in refs:
        for kind in EXPORTS:
            url = f"{ROOT}exports/{code}/{kind.name}"
            assert url in downloads, url
            dist = next(t.subject.value for t in triples if t.object == ox.NamedNode(url)
                        and t.predicate == ox.NamedNode(DCAT + "downloadURL"))  # fmt: skip
            assert media[dist].endswith(kind.media_type)
            assert client.get(url).status_code == 200
    assert Graph().parse(data=r.text, format="turtle")  # plain Turtle for other tools too
