"""SPARQL 1.1 Protocol details that do not need the engine: what form a request is.

The server decides a few things before a query reaches a worker: that an update is
refused (read-only) whichever way it is sent, and which result kind (solutions or a
graph) the query will produce, for content negotiation.
"""

from __future__ import annotations

import re

QUERY_FORMS = {"select", "ask", "construct", "describe"}
UPDATE_FORMS = {
    "insert",
    "delete",
    "load",
    "clear",
    "create",
    "drop",
    "copy",
    "move",
    "add",
    "with",
}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*:?|:")


def query_form(text: str) -> str | None:
    """``select``/``ask``/``construct``/``describe``, ``update``, or None if unrecognized.

    Reads past the prologue (BASE, PREFIX, comments; IRIs may hold ``#``) to the first
    keyword; the engine's parser still has the last word on syntax.

    >>> query_form("PREFIX sg: <https://w3id.org/skillgraph/ontology#> # hi\\nSELECT * {}")
    'select'
    >>> query_form("prefix : <http://x/> INSERT DATA { :a :b :c }")
    'update'
    """
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch == "<":
            end = text.find(">", i)
            if end < 0:
                return None
            i = end + 1
        else:
            m = _WORD.match(text, i)
            if not m:
                return None
            word = m.group(0)
            i = m.end()
            if word.lower() in ("base", "prefix") or word.endswith(":"):
                continue
            lowered = word.lower()
            if lowered in QUERY_FORMS:
                return lowered
            if lowered in UPDATE_FORMS:
                return "update"
            return None
    return None


_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'  # IRIs
    r"|#[^\n]*",  # comments
    re.S,
)
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:-])", re.I)


def uses_service(text: str) -> bool:
    """Whether a query has a SERVICE clause (federation), outside strings, IRIs, comments.

    The engine would fetch the named endpoint over HTTP: a public endpoint must not be a
    proxy to arbitrary hosts, so the server refuses such queries.

    >>> uses_service('SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT ?service { ?service ex:service "SERVICE" } # SERVICE')
    False
    """
    return bool(_SERVICE.search(_LEXICAL.sub(" ", text)))


MAX_DEPTH = 256
MAX_OPERATORS = 5_000
_OPERATOR = re.compile(
    r"[+*/|!=<>^-]|&&|(?<![\w?$:])(?:UNION|OPTIONAL|MINUS|FILTER|BIND|GRAPH)(?![\w:-])",
    re.I,
)


def complexity_error(
    text: str, *, max_depth: int = MAX_DEPTH, max_operators: int = MAX_OPERATORS
) -> str | None:
    """Why a query is too deeply nested or too long a chain for the engine, or None.

    Oxigraph parses and evaluates recursively: ~2,500 nested groups, or a chain of a
    few thousand ``BIND``/``MINUS``/``UNION``/``+``, overflow an 8 MB stack and kill the
    process (SIGSEGV) instead of raising an error.  Workers run queries on a 64 MB stack,
    which holds 10,000 of each (measured); these limits (outside strings, IRIs and
    comments) stay well below that, so such a query gets a 400, not a crashed worker.

    >>> complexity_error("SELECT * { ?s ?p ?o FILTER(?o > 1) }") is None
    True
    >>> complexity_error("ASK " + "{" * 300 + "}" * 300)
    'the query nests 300 levels deep; the limit is 256'
    """
    code = _LEXICAL.sub(" ", text)
    depth = deepest = 0
    for ch in code:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth -= 1
    if deepest > max_depth:
        return f"the query nests {deepest} levels deep; the limit is {max_depth}"
    operators = sum(1 for _ in _OPERATOR.finditer(code))
    if operators > max_operators:
        return (
            f"the query chains {operators} operators (+ - * / | ! = < > && UNION OPTIONAL "
            f"MINUS FILTER BIND GRAPH); the limit is {max_operators} (bind long lists of "
            "values with VALUES instead)"
        )
    return None
