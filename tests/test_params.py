"""Parameter binding: the header format, terms, where VALUES goes, and hostile values.

A value must never change the query: whatever it contains, the bound query parses to the
same algebra as with a plain value, with one VALUES row holding exactly that value.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from skillgraph.params import (
    Param,
    ParamError,
    bind,
    parse_parameters,
    query_form,
    to_term,
    where_group_start,
)

HEADER = """\
# title: t
# description: d
# parameters:
#   keyword (string, required): what to look for,
#     over two lines
#   tl (iri, default <https://example.org/tl/3>): a trade-level
#   n (integer, default 3): a count
#   held (iri, list, optional): held items
#   lang (string, optional): a language
#   label (string, default "a \\"quoted\\" text"): a default with quotes
# example: skillgraph query q
"""
QUERY = HEADER + """\
PREFIX ex: <https://example.org/{not-a-group}#>
SELECT ?s (COUNT(?x) AS ?n2) WHERE {
  ?s ex:label ?label ; ex:in ?tl ; ex:n ?n .
  OPTIONAL { ?s ex:held ?held }
  FILTER (CONTAINS(?label, ?keyword) && (!BOUND(?lang) || lang(?label) = ?lang))
} GROUP BY ?s
"""

HOSTILE = [
    'x" } ; DROP ALL ; SELECT * { ?s ?p ?o } #',
    "x' } INSERT DATA { <a> <b> <c> } #",
    'a"""b\'\'\'c',
    "line\nbreak } # and\r\n} more",
    "back\\slash\\\" } ",
    "<https://example.org/a> } UNION { ?s ?p ?o",
    "VALUES ?keyword { \"other\" }",
    "tab\tand\fform\bfeed",
    "中文 > 配额 # } {",
    "ends with a backslash \\",
]


# --- the header ---------------------------------------------------------------------
def test_parameters_are_read_from_the_header() -> None:
    params = {p.name: p for p in parse_parameters(QUERY)}
    assert list(params) == ["keyword", "tl", "n", "held", "lang", "label"]
    assert params["keyword"] == Param("keyword", "string", required=True,
                                      description="what to look for, over two lines")  # fmt: skip
    assert params["tl"].default == ("<https://example.org/tl/3>",)
    assert params["held"].is_list and not params["held"].required and not params["held"].default
    assert params["n"].signature == "n (integer, default 3)"
    assert parse_parameters("# parameters: none\nSELECT * {}") == []
    assert parse_parameters("SELECT * {}") == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#   x (iri): no required/optional/default", "exactly one of"),
        ("#   x (iri, required, default <urn:a>): both", "exactly one of"),
        ("#   x (float, required): unknown type", "malformed parameter line"),
        ("#   x iri required: no parentheses", "malformed parameter line"),
        ("#   x (iri, default <urn:a> <urn:b>): two defaults", "not a list"),
    ],
)
def test_malformed_parameter_lines_are_errors(line: str, message: str) -> None:
    with pytest.raises(ParamError, match=message):
        parse_parameters(f"# parameters:\n{line}\nSELECT * {{}}")


def test_the_old_one_line_form_is_rejected_with_the_new_one() -> None:
    with pytest.raises(ParamError, match="one parameter per line"):
        parse_parameters("# parameters: kind (optional) — a kind\nSELECT * {}")


def test_a_parameter_declared_twice_is_an_error() -> None:
    with pytest.raises(ParamError, match="declared twice"):
        parse_parameters("# parameters:\n#   x (iri, optional): a\n#   x (iri, optional): b\n")


# --- terms --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("https://example.org/a", "<https://example.org/a>"),
        ("<https://example.org/a>", "<https://example.org/a>"),
        ("http://example.org/a?b=c#d", "<http://example.org/a?b=c#d>"),
        ("urn:skillgraph:curriculum:x", "<urn:skillgraph:curriculum:x>"),
        ("<mailto:someone@example.org>", "<mailto:someone@example.org>"),
        ("https://w3id.org/skillgraph/id/competency/中文", "<https://w3id.org/skillgraph/id/competency/中文>"),
    ],
)  # fmt: skip
def test_iri_values(value: str, term: str) -> None:
    assert to_term(Param("t", "iri"), value) == term


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("https://example.org/a> } ; DROP ALL #", "'>'"),
        ("https://example.org/a b", "' '"),
        ("<https://example.org/a b>", "' '"),
        ('https://example.org/"x"', "'\"'"),
        ("https://example.org/{x}", "'{'"),
        ("https://example.org/a\nb", "'\\n'"),
        ("relative/path", "absolute"),
        ("<relative>", "absolute"),
        ("mailto:bare@example.org", "absolute"),
        ("", "absolute"),
    ],
)
def test_iri_values_that_are_not_safe_iris_are_rejected(value: str, named: str) -> None:
    with pytest.raises(ParamError, match="is not an absolute IRI") as err:
        to_term(Param("tl", "iri"), value)
    assert named in str(err.value) and "parameter tl" in str(err.value)


def test_integer_and_string_values() -> None:
    assert to_term(Param("n", "integer"), "-42") == "-42"
    for bad in ("4 2", "1.5", "", "3; DROP ALL"):
        with pytest.raises(ParamError, match="not an integer"):
            to_term(Param("n", "integer"), bad)
    assert to_term(Param("k", "string"), "https://example.org/a") == '"https://example.org/a"'
    assert to_term(Param("k", "string"), 'a"b\\c\nd\re\tf') == '"a\\"b\\\\c\\nd\\re\\tf"'


# --- where the VALUES block goes ----------------------------------------------------
def test_values_go_first_in_the_outermost_where_group() -> None:
    bound = bind(QUERY, {"keyword": ["配额"], "held": ["urn:a", "<urn:b>"]})
    head, body = bound.split("SELECT ?s (COUNT(?x) AS ?n2) WHERE {", 1)
    assert head == QUERY.split("SELECT ?s")[0]  # prefixes and header untouched
    assert body.startswith(  # one table: the product of the values, a row per held IRI
        ' VALUES (?keyword ?tl ?n ?held ?label) {'
        ' ("配额" <https://example.org/tl/3> 3 <urn:a> "a \\"quoted\\" text")'
        ' ("配额" <https://example.org/tl/3> 3 <urn:b> "a \\"quoted\\" text") }\n'
    )
    assert "?lang {" not in bound  # optional and not given: left unbound


PLACED = """\
# parameters:
#   held (iri, list, optional): held items
#   t (iri, required): target
SELECT ?r WHERE {
  # a comment mentioning VALUES ?held { <urn:comment> } is not a block
  ?t <urn:req> ?r .
  MINUS { VALUES ?held { <urn:as-written> } ?r <urn:expresses>? ?held }
  FILTER (?r != "VALUES ?held { }")
  MINUS { VALUES ?held{} ?r <urn:other> ?held }
}
"""


def test_a_block_the_query_writes_receives_the_values_instead_of_the_outermost_group() -> None:
    bound = bind(PLACED, {"t": ["urn:t"], "held": ["urn:a", "urn:b"]})
    assert bound.count("VALUES ?held { <urn:a> <urn:b> }") == 1
    assert "VALUES ?held{ <urn:a> <urn:b> }" in bound  # every block the query writes
    assert "<urn:as-written>" not in bound
    assert "VALUES ?held { <urn:comment> }" in bound  # comments and strings untouched
    assert '"VALUES ?held { }"' in bound
    assert "WHERE { VALUES ?t { <urn:t> }\n" in bound  # the others still go first
    assert "?held" not in bound.split("WHERE {")[1].split("\n")[0]


def test_an_optional_placed_parameter_not_given_keeps_the_rows_as_written() -> None:
    bound = bind(PLACED, {"t": ["urn:t"]})
    assert "VALUES ?held { <urn:as-written> }" in bound
    assert "VALUES ?held{}" in bound


def test_placed_values_answer_on_a_real_engine() -> None:
    store = ox.Store()
    for s, p, o in [("urn:t", "urn:req", "urn:r1"), ("urn:t", "urn:req", "urn:r2"),
                    ("urn:t", "urn:req", "urn:r3"), ("urn:r2", "urn:expresses", "urn:c2")]:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)))
    query = PLACED.replace("<urn:as-written>", "")

    def answer(held: list[str]) -> set[str]:
        text = bind(query, {"t": ["urn:t"], "held": held})
        return {row["r"].value for row in store.query(text)}

    assert answer([]) == {"urn:r1", "urn:r2", "urn:r3"}
    assert answer(["urn:r1"]) == {"urn:r2", "urn:r3"}  # the requirement itself
    assert answer(["urn:c2", "urn:r3"]) == {"urn:r1"}  # what r2 expresses, and r3


@pytest.mark.parametrize(
    ("query", "rest"),
    [
        ("SELECT * { ?s ?p ?o }", " ?s ?p ?o }"),
        ('SELECT * WHERE { ?s ?p "{WHERE}" }', ' ?s ?p "{WHERE}" }'),
        ("# WHERE { in a comment\nSELECT * WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("PREFIX a: <http://x/{}> SELECT * WHERE { ?s a:p ?o }", " ?s a:p ?o }"),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", " ?s ?p ?o }"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("ASK { ?s ?p ?o }", " ?s ?p ?o }"),
        ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
         " { SELECT ?s WHERE { ?s ?p ?o } } }"),
        ("SELECT ?where WHERE { ?where ?p '''{'''}", " ?where ?p '''{'''}"),
    ],
)  # fmt: skip
def test_the_outermost_where_group_is_found(query: str, rest: str) -> None:
    assert query[where_group_start(query) :] == rest


def test_no_where_group_is_an_error_only_when_there_is_something_to_bind() -> None:
    describe = "# parameters:\n#   x (iri, required): x\nDESCRIBE <urn:a>"
    with pytest.raises(ParamError, match="no WHERE group"):
        bind(describe, {"x": ["urn:b"]})
    assert bind("DESCRIBE <urn:a>", {}) == "DESCRIBE <urn:a>"


def test_query_form() -> None:
    assert query_form(QUERY) == "SELECT"
    assert query_form('# CONSTRUCT\nPREFIX x: <http://x/ASK#> ASK { ?s ?p "SELECT" }') == "ASK"
    assert query_form("INSERT DATA { <a> <b> <c> }") == ""


# --- errors naming what is wrong ----------------------------------------------------
def test_unknown_parameters_are_listed_with_the_query_parameters() -> None:
    with pytest.raises(ParamError) as err:
        bind(QUERY, {"keyword": ["x"], "tradeLevel": ["urn:a"]})
    message = str(err.value)
    assert "unknown parameter tradeLevel" in message
    assert "keyword (string, required)" in message and "held (iri, list, optional)" in message
    with pytest.raises(ParamError, match="parameters: none"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"x": ["1"]})


def test_a_required_parameter_without_value_is_an_error() -> None:
    with pytest.raises(ParamError, match="parameter keyword is required"):
        bind(QUERY, {})


def test_a_single_valued_parameter_given_twice_is_an_error() -> None:
    with pytest.raises(ParamError, match="takes one value, got 2"):
        bind(QUERY, {"keyword": ["a", "b"]})


# --- hostile values cannot change the query -----------------------------------------
SIMPLE = """\
# parameters:
#   keyword (string, required): text
PREFIX ex: <https://example.org/>
SELECT ?s WHERE { ?s ex:label ?label FILTER (CONTAINS(?label, ?keyword)) }
"""
SENTINEL = "<the parameter value>"


def _shape(node: object, value: str) -> object:
    """The algebra as nested tuples, the literal holding ``value`` replaced by a marker."""
    if isinstance(node, Literal) and str(node) == value:
        return SENTINEL
    if isinstance(node, CompValue):
        return (node.name, tuple(sorted((k, _shape(v, value)) for k, v in node.items())))
    if isinstance(node, dict):
        return tuple(sorted((repr(k), _shape(v, value)) for k, v in node.items()))
    if isinstance(node, list | tuple):
        return tuple(_shape(x, value) for x in node)
    if isinstance(node, set | frozenset):
        return tuple(sorted(repr(x) for x in node))
    return repr(node)


def _algebra(query: str, value: str) -> object:
    return _shape(translateQuery(parseQuery(query)).algebra, value)


def _values_rows(query: str) -> list[dict]:
    """The rows of the VALUES blocks of a query's algebra (rdflib)."""
    rows: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "values":
                rows.extend(node["res"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list | tuple):
            for x in node:
                walk(x)

    walk(translateQuery(parseQuery(query)).algebra)
    return rows


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_yields_the_same_algebra_as_a_plain_one(value: str) -> None:
    hostile = bind(SIMPLE, {"keyword": [value]})
    plain = bind(SIMPLE, {"keyword": ["plain"]})
    assert _algebra(hostile, value) == _algebra(plain, "plain")
    rows = _values_rows(hostile)
    assert len(rows) == 1 and [str(v) for v in rows[0].values()] == [value]


@pytest.mark.parametrize("value", [*HOSTILE, "\\u0022 } #", "a\\U0000007Db"])
def test_pyoxigraph_sees_exactly_the_value_and_the_store_is_untouched(value: str) -> None:
    store = ox.Store()
    ex = "https://example.org/"
    store.add(ox.Quad(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "label"), ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode(ex + "t"), ox.NamedNode(ex + "label"), ox.Literal("other")))
    probe = "# parameters:\n#   k (string, required): k\nSELECT ?k WHERE { }"
    assert [s["k"].value for s in store.query(bind(probe, {"k": [value]}))] == [value]
    found = [s["s"].value for s in store.query(bind(SIMPLE, {"keyword": [value]}))]
    assert found == [ex + "s"]
    assert len(store) == 2


def test_rdflib_reads_backslash_u_inside_a_value_as_text_or_an_escaped_quote() -> None:
    # rdflib expands \\u escapes before parsing (SPARQL 1.1 §19.2), even after an escaped
    # backslash; our escaping keeps the result inside the string (never a closing quote)
    value = "\\u0022 } ; DROP ALL #"
    rows = _values_rows(bind(SIMPLE, {"keyword": [value]}))
    assert len(rows) == 1 and "DROP ALL" in str(next(iter(rows[0].values())))


@pytest.mark.parametrize("value", ["urn:a> } ; DROP ALL ; #", "https://example.org/a b"])
def test_a_hostile_iri_is_rejected_before_any_query_is_built(value: str) -> None:
    query = "# parameters:\n#   t (iri, required): t\nSELECT * WHERE { ?t ?p ?o }"
    with pytest.raises(ParamError, match="is not an absolute IRI"):
        bind(query, {"t": [value]})


def test_iri_and_list_values_bind_as_terms_rdflib_can_read() -> None:
    query = "# parameters:\n#   t (iri, list, required): t\nSELECT * WHERE { ?t ?p ?o }"
    rows = _values_rows(bind(query, {"t": ["urn:a", "<https://example.org/b#c>"]}))
    assert [next(iter(r.values())) for r in rows] == [
        URIRef("urn:a"),
        URIRef("https://example.org/b#c"),
    ]


PAGED = (
    "# parameters:\n#   limit (integer, default 3): page size\n"
    "#   offset (integer, default 0): rows to skip\n"
    "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 } { SELECT ?s { } LIMIT 7 } }\n"
    "ORDER BY ?n\nLIMIT 3 OFFSET 0\n"
)


def test_limit_and_offset_set_the_top_level_slice_and_page_through_the_answer() -> None:
    store = ox.Store()
    pages = [[s["n"].value for s in store.query(bind(PAGED, {"limit": ["2"], "offset": [o]}))]
             for o in ("0", "2", "4")]
    assert pages == [["1", "2"], ["3", "4"], ["5"]]
    assert "LIMIT 7" in bind(PAGED, {"limit": ["2"]})  # the sub-select's own is kept
    assert bind(PAGED, {}) == PAGED  # defaults: the clause as written


@pytest.mark.parametrize(("params", "message"), [
    ({"limit": ["0"]}, "not a page size from 1 to 10000"),
    ({"limit": ["10001"]}, "not a page size from 1 to 10000"),
    ({"offset": ["-1"]}, "is negative"),
    ({"offset": ["1; DROP ALL"]}, "is not an integer"),
])
def test_a_bad_page_is_refused_naming_the_limit(params: dict[str, list[str]],
                                                 message: str) -> None:
    with pytest.raises(ParamError, match=message):
        bind(PAGED, params)


def test_a_paging_parameter_needs_the_query_to_write_its_clause() -> None:
    query = "# parameters:\n#   limit (integer, default 3): n\nSELECT * WHERE { }"
    with pytest.raises(ParamError, match="no top-level 'LIMIT n'"):
        bind(query, {"limit": ["2"]})
