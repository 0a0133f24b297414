"""SPARQL 1.1 Protocol details that do not need the engine: what form a request is.

The server decides a few things before a query reaches a worker: that an update is
refused (read-only) whichever way it is sent, and which result kind (solutions or a
graph) the query will produce, for content negotiation.  What a query may do (SERVICE,
nesting, size) is decided in the worker on the parsed query (:mod:`.guard`), never here
on the text.
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
