"""Safe binding of catalog-query parameters: values become RDF terms in a ``VALUES`` block.

A value is never pasted into the query text where it could be read as SPARQL: each is
turned into one RDF term (an IRI, an integer or an escaped string literal) and the terms
of a parameter become the rows of ``VALUES ?name { … }`` (several parameters: one table,
``VALUES (?a ?b) { (…) }``, see `values_table`), inserted as the first element of
the query's outermost WHERE group.  There the engine can start from the bound nodes (an
anchored query stays at milliseconds: docs/architecture.md, "Engine facts"), and the
parameter is in scope for the whole group.  The same bound text runs on the embedded store
and on any SPARQL 1.1 endpoint.

Parameters are declared in the query's header, one per line::

    # parameters:
    #   tradeLevel (iri, default <https://w3id.org/skillgraph/id/…/level/3>): the trade-level
    #     continuation lines (indented further) extend the description
    #   held (iri, list, optional): requirement or competency IRIs
    #   keyword (string, required): text to look for
    # parameters: none

``NAME (TYPE[, list][, one of VALUE …][, required | , optional | , default VALUE …]): DESCRIPTION``

* NAME is the SPARQL variable the values bind (``?NAME``); letters, digits, ``_``.
* TYPE is ``iri`` (``<…>`` or a bare absolute ``http:``/``https:``/``urn:`` IRI),
  ``integer`` (``-?digits``) or ``string`` (any text; always a plain string literal).
* ``list``: the parameter may be given several times; each value is one VALUES row.
* ``one of "a" "b" …``: the only values accepted (a misspelt one is refused, with the
  closest suggested).
* ``required``: no default, must be given; ``optional``: no default, and when not given
  no VALUES block is added, so ``?NAME`` stays unbound (the query tests ``BOUND``);
  ``default V …``: used when not given (``<IRI>``, ``"string"`` or an integer).

Paging: an ``integer`` parameter named ``limit`` or ``offset`` is not a variable but the
number of the query's own top-level ``LIMIT n`` / ``OFFSET n`` clause (which the query must
write; its number is the default): ``bind`` replaces that number, checked to be at most
:data:`MAX_LIMIT` rows per page and not negative.  The whole-graph queries page this way
(docs/scaling.md).  Keyset paging, whose pages cost the same wherever they start: an
``integer`` parameter named ``occupations`` is the number of the ``LIMIT n`` of the query's
first sub-SELECT, which picks the page's occupations after a code given as ``after``.

Only the outermost group sees the bound variable: a sub-SELECT or the right side of a
MINUS is evaluated on its own.  A query that needs the values there writes the block
itself, ``VALUES ?NAME { … }`` (its rows as written are what the query means when an
optional parameter is not given); ``bind`` then puts the values in that block instead.
CONTRIBUTING.md, "Writing catalog queries", has what was measured on Oxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

from .names import did_you_mean

__all__ = ["MAX_LIMIT", "SLICE_PARAMS", "Param", "ParamError", "bind", "parse_parameters",
           "query_form", "to_term", "values_table"]

# paging parameters: bound as the number of the query's own LIMIT / OFFSET clause;
# ``occupations`` sets the LIMIT of the sub-SELECT that picks a page's occupations (keyset
# paging with ``after``: docs/scaling.md)
SLICE_PARAMS = {"limit": "LIMIT", "offset": "OFFSET", "occupations": "LIMIT"}
NESTED_SLICES = {"occupations"}  # the LIMIT of the first sub-SELECT, not the top-level one
MAX_LIMIT = 10_000  # rows per page: the server's default --max-results

TYPES = ("iri", "string", "integer")

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DEFAULT_VALUE = r'<[^>]*>|"(?:[^"\\]|\\.)*"|-?\d+'
_PARAM_LINE = re.compile(
    rf"^#\s+(?P<name>{_NAME})\s*\(\s*(?P<type>{'|'.join(TYPES)})"
    rf"(?P<mods>(?:\s*,\s*(?:list|required|optional|(?:default|one\s+of)"
    rf"(?:\s+(?:{_DEFAULT_VALUE}))+))*)"
    r"\s*\)\s*:\s*(?P<desc>.*)$"
)
_MOD = re.compile(
    rf"list|required|optional|(?:default|one\s+of)((?:\s+(?:{_DEFAULT_VALUE}))+)")
_DEFAULT_ITEM = re.compile(_DEFAULT_VALUE)
_HEADER_FIELD = re.compile(r"^#\s*(title|description|parameters|example):\s*(.*)$")

# SPARQL 1.1 IRIREF: '<' ([^<>"{}|^`\]-[#x00-#x20])* '>'; we also require an absolute IRI.
_IRI_BODY = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*$')
_BARE_IRI = re.compile(r"^(?:https?://|urn:)", re.IGNORECASE)
_INTEGER = re.compile(r"^-?\d+$")
_IRIREF_AT = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


class ParamError(ValueError):
    """A parameter is unknown, missing, repeated, ill-typed or not a safe term."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a catalog query."""

    name: str
    type: str
    is_list: bool = False
    required: bool = False
    default: tuple[str, ...] = ()
    description: str = ""
    choices: tuple[str, ...] = ()  # ``one of "a" "b"``: the only values accepted

    @property
    def signature(self) -> str:
        """Short form for listings, e.g. ``tradeLevel (iri, default <…>)``."""
        mods = [self.type] + (["list"] if self.is_list else [])
        if self.choices:
            mods.append("one of " + " ".join(f'"{c}"' for c in self.choices))
        if self.default:
            mods.append("default " + " ".join(self.default))
        else:
            mods.append("required" if self.required else "optional")
        return f"{self.name} ({', '.join(mods)})"


def _header_lines(query_text: str) -> list[str]:
    lines = []
    for line in query_text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def parse_parameters(query_text: str) -> list[Param]:
    """The parameters a query's header declares; ``ParamError`` for a malformed line.

    >>> q = '# parameters:\\n#   n (integer, default 3): how many\\nSELECT ?n {}'
    >>> parse_parameters(q)[0].signature
    'n (integer, default 3)'
    """
    params: list[Param] = []
    field = None
    for line in _header_lines(query_text):
        if m := _HEADER_FIELD.match(line):
            field = m.group(1)
            rest = m.group(2).strip()
            if field == "parameters" and rest and rest.lower() != "none":
                raise ParamError(
                    f"'# parameters: {rest}': declare one parameter per line below it "
                    "('#   name (type, default …): description') or write 'none'"
                )
            continue
        if field != "parameters" or not line.strip("# \t"):
            continue
        if m := _PARAM_LINE.match(line):
            params.append(_param_from_match(m))
        elif params and re.match(r"^#\s{3,}", line):
            last = params[-1]
            desc = f"{last.description} {line.lstrip('#').strip()}".strip()
            params[-1] = Param(last.name, last.type, last.is_list, last.required,
                               last.default, desc, last.choices)
        else:
            raise ParamError(f"malformed parameter line {line!r}: expected "
                             "'#   name (iri|string|integer[, list][, required|optional|"
                             "default VALUE]): description'")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ParamError(f"a parameter is declared twice: {', '.join(names)}")
    return params


def _param_from_match(m: re.Match[str]) -> Param:
    mods = [x.group(0) for x in _MOD.finditer(m.group("mods"))]
    is_list = "list" in mods
    required = "required" in mods
    defaults: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    for mod in mods:
        if mod.startswith("default"):
            defaults = tuple(d.group(0) for d in _DEFAULT_ITEM.finditer(mod[len("default"):]))
        elif mod.startswith("one"):
            choices = tuple(_default_value(d.group(0))
                            for d in _DEFAULT_ITEM.finditer(re.sub(r"^one\s+of", "", mod)))
    name = m.group("name")
    kinds = sum([required, "optional" in mods, bool(defaults)])
    if kinds != 1:
        raise ParamError(f"parameter {name}: say exactly one of required, optional, default …")
    if len(defaults) > 1 and not is_list:
        raise ParamError(f"parameter {name}: several defaults but not a list")
    if choices and any(_default_value(d) not in choices for d in defaults):
        raise ParamError(f"parameter {name}: its default is not one of its values")
    return Param(name, m.group("type"), is_list, required, defaults, m.group("desc").strip(),
                 choices)


def _default_value(raw: str) -> str:
    """A default as written in the header (``<iri>``, ``"text"``, ``3``) → the value text."""
    if raw.startswith('"'):
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw


def to_term(param: Param, value: str) -> str:
    """One value → the SPARQL text of one RDF term of the parameter's type.

    IRIs must be absolute and hold only IRIREF characters (else ``ParamError`` naming the
    offending ones); strings escape ``\\`` ``"`` CR LF TAB BS FF as ECHARs, so nothing in
    a value can end the literal.  An engine that expands ``\\u`` escapes before parsing
    (rdflib does, SPARQL 1.1 §19.2) may read ``\\u0022`` in a value as ``\\"``: the
    value changes there, the query never does.

    >>> to_term(Param("k", "string"), 'say "hi" }')
    '"say \\\\"hi\\\\" }"'
    >>> to_term(Param("t", "iri"), "https://example.org/a")
    '<https://example.org/a>'
    """
    if param.type == "iri":
        body = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        if not (value.startswith("<") or _BARE_IRI.match(value)) or not _IRI_BODY.match(body):
            bad = sorted({c for c in body if c in '<>"{}|^`\\' or ord(c) <= 0x20})
            why = (
                f"it contains {', '.join(repr(c) for c in bad)}"
                if bad
                else "write <IRI> or a bare absolute http(s):// or urn: IRI"
            )
            raise ParamError(f"parameter {param.name}: {value!r} is not an absolute IRI ({why})")
        return f"<{body}>"
    if param.choices and value not in param.choices:
        raise ParamError(f"parameter {param.name}: {value!r} is not one of "
                         f"{', '.join(param.choices)}{did_you_mean(value, list(param.choices))}")
    if param.type == "integer":
        if not _INTEGER.match(value):
            raise ParamError(f"parameter {param.name}: {value!r} is not an integer")
        return value
    return '"' + "".join(_ECHAR.get(c, c) for c in value) + '"'


def _tokens(text: str, variables: bool = False) -> Iterator[tuple[int, str]]:
    """(offset, token) of the words and brackets of a query, skipping comments, strings,
    IRIs and (unless ``variables``: then as ``?name``) variables, so that a ``{`` or
    ``WHERE`` inside them does not count."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<" and (m := _IRIREF_AT.match(text, i)):
            i = m.end()
        elif c in "?$":
            start = i
            i += 1
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
            if variables:
                yield start, "?" + text[start + 1 : i]
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_-.:"):
                j += 1
            yield i, text[i:j].upper()
            i = j
        else:
            if c in "{}()":
                yield i, c
            i += 1


def query_form(query_text: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (the first such keyword); "" if there is none.

    >>> query_form("# SELECT in a comment\\nPREFIX a: <http://x/ASK> CONSTRUCT WHERE { }")
    'CONSTRUCT'
    """
    return next((tok for _, tok in _tokens(query_text) if tok in _FORMS), "")


def where_group_start(query_text: str) -> int:
    """Offset just after the ``{`` that opens the query's outermost WHERE group.

    Only brackets outside comments, strings and IRIs count; a CONSTRUCT template's braces
    and an expression's braces in the SELECT clause (``(EXISTS { … } AS ?x)``) are skipped.

    >>> q = 'PREFIX x: <http://x/{}> SELECT ?a WHERE { ?a ?b "{" }'
    >>> q[where_group_start(q):]
    ' ?a ?b "{" }'
    """
    braces = parens = 0
    form = None
    seen_where = template_done = False
    for i, tok in _tokens(query_text):
        if tok == "(":
            parens += 1
        elif tok == ")":
            parens -= 1
        elif tok == "{":
            if braces == 0 and parens == 0:
                if form == "CONSTRUCT" and not seen_where and not template_done:
                    template_done = True
                elif form is not None:
                    return i + 1
            braces += 1
        elif tok == "}":
            braces -= 1
        elif braces == 0 and parens == 0:
            if form is None and tok in _FORMS:
                form = tok
            elif tok == "WHERE":
                seen_where = True
    raise ParamError("the query has no WHERE group to bind parameters in")


def placed_values(query_text: str, name: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the rows of every ``VALUES ?name { … }`` the query itself
    writes, at any depth (outside comments and strings): where its author put the values,
    e.g. inside a MINUS, whose right side cannot see a binding made outside it.

    >>> q = 'SELECT * WHERE { ?s ?p ?o MINUS { VALUES ?o { 1 } ?s ?p ?o } }'
    >>> [q[a:b] for a, b in placed_values(q, "o")]
    [' 1 ']
    """
    spans, recent, start = [], ["", "", ""], None
    for i, tok in _tokens(query_text, variables=True):
        if start is not None:
            if tok == "}":
                spans.append((start, i))
                start = None
            continue
        recent = [*recent[1:], tok]
        if tok == "{" and recent[0] == "VALUES" and recent[1] == f"?{name}":
            start = i + 1
    return spans


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    long = text.startswith(quote * 3, i)
    delim = quote * 3 if long else quote
    j = i + len(delim)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(delim, j):
            return j + len(delim)
        if not long and text[j] in "\r\n":
            return j  # unterminated: let the engine report it
        j += 1
    return j


def bind(query_text: str, params: dict[str, list[str]]) -> str:
    """The query with its parameters bound as ``VALUES`` rows in its outermost WHERE group,
    or, for a parameter whose ``VALUES ?name { … }`` the query already writes, as the rows of
    that block (an optional parameter that is not given leaves the rows as written).

    ``params`` maps a declared parameter name to its values (several only for a ``list``
    parameter); declared defaults fill in what is not given.  ``ParamError`` names the
    problem: an unknown parameter (listing the query's own), a missing required one, a
    repeated single-valued one, or a value that is not a term of the declared type.

    >>> q = '# parameters:\\n#   t (iri, required): x\\nSELECT ?s WHERE { ?s ?p ?t }'
    >>> print(bind(q, {"t": ["https://example.org/a"]}).splitlines()[-1])
    SELECT ?s WHERE { VALUES ?t { <https://example.org/a> } ?s ?p ?t }
    """
    declared = {p.name: p for p in parse_parameters(query_text)}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        known = ", ".join(p.signature for p in declared.values()) or "none"
        hint = did_you_mean(unknown[0], list(declared)) if len(unknown) == 1 else ""
        raise ParamError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}{hint} "
            f"(this query's parameters: {known})"
        )
    blocks: list[tuple[str, list[str]]] = []
    placed: list[tuple[int, int, str]] = []
    for name, param in declared.items():
        if is_slice(param):
            values = list(params.get(name, []))
            if len(values) > 1:
                raise ParamError(f"parameter {name} takes one value, got {len(values)}")
            if values:
                placed.append((*slice_span(query_text, name), str(slice_number(param, values[0]))))
            continue
        values = list(params.get(name, []))
        if not values:
            if param.required:
                raise ParamError(
                    f"parameter {name} is required ({param.signature}): "
                    f"--param {name}=VALUE"
                )
            values = [_default_value(d) for d in param.default]
        if len(values) > 1 and not param.is_list:
            raise ParamError(f"parameter {name} takes one value, got {len(values)}")
        if values:
            terms = [to_term(param, v) for v in values]
            spans = placed_values(query_text, name)
            if spans:
                placed += [(a, b, f" {' '.join(terms)} ") for a, b in spans]
            else:
                blocks.append((name, terms))
    for a, b, rows in sorted(placed, reverse=True):
        query_text = query_text[:a] + rows + query_text[b:]
    if not blocks:
        return query_text
    at = where_group_start(query_text)
    return query_text[:at] + " " + values_table(blocks) + query_text[at:]


def is_slice(param: Param) -> bool:
    """A paging parameter: ``limit`` / ``offset`` of type integer."""
    return param.name in SLICE_PARAMS and param.type == "integer"


def slice_number(param: Param, value: str) -> int:
    """The page size or offset given, checked: ``ParamError`` names the limit."""
    text = to_term(param, value)
    number = int(text)
    if param.name in ("limit", "occupations") and not 1 <= number <= MAX_LIMIT:
        raise ParamError(f"parameter {param.name}: {number} is not a page size from 1 to "
                         f"{MAX_LIMIT}")
    if number < 0:
        raise ParamError(f"parameter {param.name}: {number} is negative")
    return number


def slice_span(query_text: str, name: str) -> tuple[int, int]:
    """(start, end) of the number after the query's top-level ``LIMIT`` / ``OFFSET`` (for
    ``occupations``: after the first sub-SELECT's ``LIMIT``).

    >>> q = 'SELECT * WHERE { { SELECT * { ?s ?p ?o } LIMIT 5 } } LIMIT 10 OFFSET 0'
    >>> a, b = slice_span(q, "limit"); q[a:b]
    '10'
    >>> a, b = slice_span(q, "occupations"); q[a:b]
    '5'
    """
    keyword = SLICE_PARAMS[name]
    nested = name in NESTED_SLICES
    depth, found = 0, None
    for i, tok in _tokens(query_text):
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif tok == keyword and (depth > 0 if nested else depth == 0):
            found = i
            if nested:
                break
    m = re.compile(rf"{keyword}\s+(\d+)", re.IGNORECASE).match(query_text, found or 0)
    if found is None or m is None:
        where = "sub-SELECT" if nested else "top-level"
        raise ParamError(f"parameter {name}: the query writes no {where} '{keyword} n' to set")
    return m.start(1), m.end(1)


def values_table(columns: list[tuple[str, list[str]]]) -> str:
    """One ``VALUES`` block for all parameters: a single table whose rows are every
    combination of the values (one row unless a list parameter has several).

    One table, not a block per parameter: Virtuoso 7.2 estimates a join of separate
    one-row blocks as a product of unknown sizes, and with its stock settings refuses a
    query holding ten of them plus an OPTIONAL (estimated 900,000 s over its 400 s limit).

    >>> values_table([("t", ["<urn:t>"])])
    'VALUES ?t { <urn:t> }'
    >>> values_table([("n", ["3"]), ("held", ["<urn:a>", "<urn:b>"])])
    'VALUES (?n ?held) { (3 <urn:a>) (3 <urn:b>) }'
    """
    if len(columns) == 1:
        name, terms = columns[0]
        return f"VALUES ?{name} {{ {' '.join(terms)} }}"
    names = " ".join(f"?{name}" for name, _ in columns)
    rows = " ".join(f"({' '.join(row)})" for row in product(*(t for _, t in columns)))
    return f"VALUES ({names}) {{ {rows} }}"
