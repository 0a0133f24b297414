"""What a query may do, decided on its parsed form, never on its text.

The endpoint is public and read-only, and nothing it runs may reach another host: a
SERVICE clause would make the engine POST to any address and port it names.  Checks on
the query text miss spellings the SPARQL lexer reads differently (``ex:p\\#`` is a name,
not a comment), so the query worker parses every query with rdflib's SPARQL parser,
translates it to algebra and refuses it when the algebra holds a ``ServiceGraphPattern``
(whatever the IRI's spelling, a variable, SILENT, inside EXISTS or a sub-select).
FROM / FROM NAMED and the protocol's dataset parameters only select graphs of the store
(measured: Oxigraph fetches nothing for them), so they are allowed.

Every query is parsed, however short: no test on the text stands in for the parse.
rdflib's parser is slow (~50 ms for a catalog query, 0.3 s on a busy machine), so the
verdict is kept per query text by the server's pool (:class:`~skillgraph.server.worker.
QueryPool`), not by a worker: a text is parsed once, whichever worker (or replacement)
runs it later, and a refused text is answered again without a worker.

Size limits are computed on the same parse tree: how deep groups, sub-selects and
bracketed expressions nest, and how many operators (patterns, chain links) there are.
Both parsers recurse, so the parse itself runs under :data:`RECURSION_LIMIT` on the
worker's large-stack thread: input nested past it is a RecursionError, answered 400,
never a crashed worker.  Oxigraph on that 64 MB stack holds 10,000 of each construct
(measured; 30,000 unions or 100,000 parentheses overflow it), well above these limits.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 256
MAX_OPERATORS = 5_000
# Python frames the parse may use: rdflib needs ~30 per nesting level, so 10,000 admits
# MAX_DEPTH groups and refuses 20,000 nested groups in ~0.3 s (measured).
RECURSION_LIMIT = 10_000

# Parse-tree nodes that open one nesting level (a group, a sub-select, a bracketed
# expression, a path in parentheses, a collection or blank node property list).
_NESTING = {
    "GroupGraphPatternSub",
    "SubSelect",
    "ConditionalOrExpression",
    "PathAlternative",
    "Collection",
    "BlankNodePropertyList",
}

# Terms, not operators: VALUES may list thousands of them.
_TERMS = {"pname", "literal", "PrefixDecl", "Base"}

SERVICE_REFUSED = (
    "403 Forbidden: federated queries (SERVICE) are not run by this endpoint: it does not "
    "fetch from other hosts. Query the other endpoint yourself."
)


class Refused(Exception):
    """The query parses but this endpoint will not run it (status and message for the user)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Unreadable(Exception):
    """rdflib could not parse the query (its message); the engine may say it better."""


@dataclass(frozen=True)
class Shape:
    """Measures of a parsed query."""

    depth: int
    operators: int
    service: bool


def _parse(text: str) -> tuple[Shape, Any]:
    """The parse tree's measures (taken first: translation rewrites the tree in place)
    and the algebra."""
    from rdflib.plugins.sparql import algebra
    from rdflib.plugins.sparql.parser import parseQuery

    tree = parseQuery(text)
    shape = measure(tree)
    return shape, algebra.translateQuery(tree).algebra


def _uses_service(node: Any) -> bool:
    """Whether a parse tree or algebra holds a SERVICE pattern, walked without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)
    return False


def _wraps_one(node: Any) -> bool:
    """Whether a parse-tree node only wraps one operand (``(1)``, a path of one IRI):
    no operator of its own, whatever the grammar calls it."""
    keys = list(node)
    if keys == ["expr"]:
        return True
    if keys == ["part"]:
        part = node["part"]
        return not isinstance(part, list) or len(part) == 1
    return False


def measure(tree: Any) -> Shape:
    """Depth, operator count and SERVICE use of a parse tree, walked without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    deepest = operators = 0
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, CompValue):
            operators += node.name not in _TERMS and not _wraps_one(node)
            if node.name in _NESTING:
                depth += 1
                deepest = max(deepest, depth)
            for key, value in node.items():
                if key == "triples" and isinstance(value, list):
                    # each triple pattern joins in the engine ("?s :p ?a; :q ?b" is two)
                    operators += sum(len(t) for t in value if not isinstance(t, str)) // 3
                elif key in ("other", "part") and isinstance(value, list):
                    operators += len(value) - 1  # links of a chain: 1 + 2 + 3, a/b/c
                stack.append((value, depth))
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend((item, depth) for item in node)
    return Shape(deepest, operators, _uses_service(tree))


def inspect(text: str, *, max_depth: int = MAX_DEPTH, max_operators: int = MAX_OPERATORS) -> Shape:
    """Parse ``text`` and check it: Refused (with status and message) or Unreadable.

    Call on a thread with a large stack (the worker's query thread); the recursion limit
    is set here, for the whole process, to :data:`RECURSION_LIMIT`.
    """
    sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        shape, alg = _parse(text)
    except RecursionError:
        raise Refused(
            400,
            "400 Bad Request: the query nests or chains too deeply to parse (over "
            f"{RECURSION_LIMIT} parser frames; the depth limit is {max_depth}). Flatten it, "
            "or bind long lists of values with VALUES.",
        ) from None
    except Exception as exc:  # pyparsing's ParseException, rdflib's unknown prefix, …
        raise Unreadable(str(exc).strip() or type(exc).__name__) from None
    if shape.service or _uses_service(alg):
        raise Refused(403, SERVICE_REFUSED)
    if shape.depth > max_depth:
        raise Refused(
            400,
            f"400 Bad Request: the query nests {shape.depth} levels deep (groups, "
            f"sub-selects, brackets); the limit is {max_depth} (serve --max-depth)",
        )
    if shape.operators > max_operators:
        raise Refused(
            400,
            f"400 Bad Request: the query chains {shape.operators} operators (patterns, "
            f"UNION/OPTIONAL/BIND/FILTER, + - * / && ||); the limit is {max_operators} "
            "(serve --max-operators; bind long lists of values with VALUES instead)",
        )
    return shape
