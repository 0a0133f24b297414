"""The ontology's documentation page (/ontology.html): every term, both languages, links.

Expectations come from ``ontology/skillgraph.ttl`` read here with pyoxigraph (not through
:mod:`skillgraph.ontodocs`), so a term the page leaves out, or a label it loses, fails.
"""

from __future__ import annotations

import html as htmllib
import re
from importlib import resources

import pyoxigraph as ox
import pytest
from html_links import parse_links

SG = "https://w3id.org/skillgraph/ontology#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABELS = (
    ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
)
DEFINITION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#definition")
KINDS = ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "NamedIndividual")


def _ontology() -> list[ox.Triple]:
    ttl = (resources.files("skillgraph.ontology") / "skillgraph.ttl").read_bytes()
    return list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))


def _terms() -> dict[str, dict[str, dict[str, str]]]:
    """sg: term local name → {"label"/"definition" → {language → text}}."""
    triples = _ontology()
    declared = {
        t.subject.value
        for t in triples
        if t.predicate == RDF_TYPE
        and t.object in {ox.NamedNode(OWL + k) for k in KINDS}
        and isinstance(t.subject, ox.NamedNode)
        and t.subject.value.startswith(SG)
    }
    out: dict[str, dict[str, dict[str, str]]] = {
        iri[len(SG):]: {"label": {}, "definition": {}} for iri in declared
    }
    for t in triples:
        if t.subject.value not in declared or not isinstance(t.object, ox.Literal):
            continue
        slot = "label" if t.predicate in LABELS else ""
        slot = "definition" if t.predicate == DEFINITION else slot
        if slot and t.object.language:
            out[t.subject.value[len(SG):]][slot].setdefault(t.object.language, t.object.value)
    return out


TERMS = _terms()


@pytest.fixture(scope="module")
def page(server_client) -> str:
    r = server_client.get("/ontology.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    return r.text


def article(page: str, ident: str) -> str:
    start = page.index(f'<article class="term" id="{ident}">')
    return htmllib.unescape(page[start : page.index("</article>", start)])


def test_the_ontology_declares_classes_and_properties_in_both_languages():
    """The premise of the page test: terms of every kind, each labelled zh and en."""
    assert len(TERMS) > 100
    for name in ("TradeLevel", "coversLowerLevel", "sourceLine", "Ethics"):
        assert name in TERMS
    for name, texts in TERMS.items():
        assert {"zh", "en"} <= texts["label"].keys(), name


@pytest.mark.parametrize("name", sorted(TERMS))
def test_every_term_has_its_anchor_and_both_labels_and_definitions(page, name):
    text = article(page, name)
    assert f"sg:{name}" in text
    for lang in ("zh", "en"):
        assert f'lang="{lang}">{TERMS[name]["label"][lang]}<' in text, (name, lang)
        if lang in TERMS[name]["definition"]:
            assert TERMS[name]["definition"][lang] in text, (name, lang)


def test_the_page_lists_no_term_the_ontology_does_not_declare(page):
    shown = set(re.findall(r'<article class="term" id="([^"]+)">', page))
    assert shown == set(TERMS)


def test_axioms_are_written_out(page):
    """Unions, chains and characteristics come from blank nodes: no node id may leak."""
    requires = re.sub(r"<[^>]+>", "", article(page, "requires"))
    assert "sg:hasFunction ∘ sg:hasWorkContent ∘ sg:hasRequirement" in requires
    assert "transitive" in article(page, "coversLowerLevel")
    occupation = re.sub(r"<[^>]+>", "", article(page, "occupation"))
    assert "(sg:Trade ∪ sg:TradeLevel)" in occupation
    assert "_:" not in page and "anonymous expression" not in page


def test_every_in_page_link_and_every_ontology_link_of_a_data_page_has_its_anchor(
    page, server_client
):
    ids = set(re.findall(r'id="([^"]+)"', page))
    for href in parse_links(page).hrefs:
        if href.startswith("#"):
            assert href[1:] in ids, href
        elif href.startswith("ontology.html#"):
            assert href.split("#")[1] in ids, href
    trade_level = server_client.get(
        "/id/occupation/4-09-07-04/trade/accounting/level/3.html"
    ).text
    targets = [h for h in parse_links(trade_level).hrefs if "ontology.html#" in h]
    assert targets
    for href in targets:
        assert href.split("#")[1] in ids, href


def test_the_page_loads_nothing_from_another_host_and_offers_the_rdf(page, server_client):
    links = parse_links(page)
    for tag, url in links.urls_by_tag:
        if tag != "a":
            assert "://" not in url, (tag, url)
    for key, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                       ("nt", "application/n-triples")):
        assert links.alternates[media] == f"ontology.{key}"
        assert server_client.get(f"/ontology.{key}").headers["content-type"].startswith(media)


@pytest.mark.parametrize(
    ("accept", "target"),
    [("text/html", "ontology.html"), ("text/turtle", "ontology.ttl"),
     ("application/ld+json", "ontology.jsonld"), ("*/*", "ontology.ttl")],
)
def test_the_ontology_iri_still_negotiates(server_client, accept, target):
    r = server_client.get("/ontology", headers={"Accept": accept}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == target
