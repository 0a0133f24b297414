"""HTTP caching of `skillgraph serve` (a child process on 127.0.0.1): validators, 304s."""

from __future__ import annotations

import shutil
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import httpx
import pytest

from skillgraph.server.caching import BuildValidators

ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
CACHED = [
    ("/", "text/html"),
    ("/index.html", "text/html"),
    ("/id/occupation/4-09-07-04/trade/accounting/level/3.html", "text/html"),
    ("/id/occupation/4-09-07-04/trade/accounting/level/3.ttl", "text/turtle"),
    ("/id/occupation/4-09-07-04.jsonld", "application/ld+json"),
    ("/ontology.nt", "application/n-triples"),
    ("/void.ttl", "text/turtle"),
    ("/dumps/graph.nt", "application/n-triples"),
    ("/query", "text/html"),
    (ASK, "application/sparql-results+json"),
]


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server, timeout=30) as c:
        yield c


@pytest.mark.parametrize(("path", "accept"), CACHED)
def test_a_200_carries_validators_and_a_matching_if_none_match_is_304(client, path, accept):
    first = client.get(path, headers={"Accept": accept})
    assert first.status_code == 200 and first.content
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache"
    assert etag.startswith('W/"' if path.startswith("/sparql") else '"')
    again = client.get(path, headers={"Accept": accept, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["last-modified"] == modified
    # one of several tags, and a HEAD, match too
    listed = client.head(path, headers={"Accept": accept, "If-None-Match": f'"x", {etag}'})
    assert listed.status_code == 304
    # the same request again gives the same tag: it is the build's, not the moment's
    assert client.get(path, headers={"Accept": accept}).headers["etag"] == etag


@pytest.mark.parametrize(("path", "accept"), CACHED[::3])
def test_if_modified_since_is_answered_from_the_build_time(client, path, accept):
    first = client.get(path, headers={"Accept": accept})
    modified = first.headers["last-modified"]
    same = client.get(path, headers={"Accept": accept, "If-Modified-Since": modified})
    assert same.status_code == 304 and same.content == b""
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(days=1), usegmt=True)
    newer = client.get(path, headers={"Accept": accept, "If-Modified-Since": earlier})
    assert newer.status_code == 200 and newer.content == first.content
    bad = client.get(path, headers={"Accept": accept, "If-Modified-Since": "yesterday"})
    assert bad.status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 §13.1.3)
    both = client.get(path, headers={"Accept": accept, "If-None-Match": '"other"',
                                     "If-Modified-Since": modified})
    assert both.status_code == 200 and both.content == first.content


def test_each_negotiated_representation_has_its_own_tag(client):
    path = "/void"
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    assert turtle.status_code == jsonld.status_code == 200
    assert turtle.headers["etag"] != jsonld.headers["etag"]
    crossed = client.get(path, headers={"Accept": "application/ld+json",
                                        "If-None-Match": turtle.headers["etag"]})
    assert crossed.status_code == 200 and crossed.content == jsonld.content
    occupation = client.get("/id/occupation/4-09-07-04.ttl").headers["etag"]
    trade = client.get("/id/occupation/4-09-07-04/trade/accounting.ttl").headers["etag"]
    assert occupation != trade


def test_post_sparql_and_errors_carry_no_validators_and_never_304(client):
    post = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json", "If-None-Match": "*"})
    assert post.status_code == 200 and "etag" not in post.headers
    missing = client.get("/id/no/such/thing.ttl", headers={
        "If-Modified-Since": "Sun, 06 Dec 2099 00:00:00 GMT"})
    assert missing.status_code == 404 and "etag" not in missing.headers
    bad = client.get("/sparql?query=ASK%20%7B", headers={
        "If-Modified-Since": "Sun, 06 Dec 2099 00:00:00 GMT"})
    assert bad.status_code == 400 and "etag" not in bad.headers
    # "*" matches an existing answer only
    assert client.get("/id/no/such/thing.ttl", headers={"If-None-Match": "*"}).status_code == 404
    star = client.get("/id/occupation/4-09-07-04.ttl", headers={"If-None-Match": "*"})
    assert star.status_code == 304 and star.content == b"" and star.headers["etag"]
    redirect = client.get("/id/occupation/4-09-07-04", follow_redirects=False)
    assert redirect.status_code == 303 and "etag" not in redirect.headers


def test_search_and_static_files_keep_their_own_rules(client):
    search = client.get("/search?q=配额")
    assert search.status_code == 200 and "etag" not in search.headers
    style = client.get("/static/style.css")  # Starlette's StaticFiles: file-based validators
    assert style.status_code == 200
    assert client.get("/static/style.css", headers={
        "If-None-Match": style.headers["etag"]}).status_code == 304


def test_the_tag_follows_the_build_content_and_the_time_its_files(built, tmp_path):
    copy = tmp_path / "build"
    copy.mkdir()
    for name in ("graph.nt", "ontology.ttl"):
        shutil.copy2(built.out / name, copy / name)
    scope = {"type": "http", "method": "GET", "path": "/index.html", "query_string": b"",
             "scheme": "http", "headers": [(b"host", b"127.0.0.1:8000")]}
    same = BuildValidators(copy)
    assert same.etag(scope) == BuildValidators(built.out).etag(scope)
    assert same.modified.timestamp() == int((built.out / "graph.nt").stat().st_mtime)
    with (copy / "graph.nt").open("ab") as f:
        f.write(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    assert BuildValidators(copy).etag(scope) != same.etag(scope)
