"""Catalog queries with their parameters bound, for the query page.

The page's parameter forms (in the editor, and the plain form without JavaScript) send
what a person types, e.g. ``tradeLevel=碳排放核算员/3``; the server resolves short
references against the graph (:mod:`skillgraph.paramrefs`) and binds the values as
``VALUES`` terms (:mod:`skillgraph.params`), exactly as ``skillgraph query NAME --param``
does, so the page never pastes a value into query text itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from ..catalog import CatalogQuery
from ..names import did_you_mean
from ..paramrefs import resolve_params
from ..params import Param, ParamError, bind, parse_parameters
from ..serialize import PREFIXES

# Names the query page's URL uses itself; a catalog parameter of one of these names could
# not be given in that URL.
RESERVED = ("name", "query", "format")


class UnknownQuery(LookupError):
    """A name that is not in the catalog."""


def declared(query: CatalogQuery) -> list[Param]:
    """The query's parameters; none when its header is malformed (the CLI reports that)."""
    try:
        return [p for p in parse_parameters(query.text) if p.name not in RESERVED]
    except ParamError:
        return []


def param_json(param: Param) -> dict[str, object]:
    """What the page's script needs to draw one field of a parameter form."""
    return {
        "name": param.name,
        "type": param.type,
        "list": param.is_list,
        "required": param.required,
        "default": [d.strip("<>\"") for d in param.default],
        "choices": list(param.choices),
        "description": param.description,
    }


def find(queries: Sequence[CatalogQuery], name: str) -> CatalogQuery:
    for q in queries:
        if q.name == name:
            return q
    raise UnknownQuery(
        f"no query {name!r} in the catalog{did_you_mean(name, [q.name for q in queries])}"
    )


def given_values(query: CatalogQuery, pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """The declared parameters' non-blank values among URL pairs (a blank field = not given,
    so the query's default applies)."""
    names = {p.name for p in declared(query)}
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if key in names and value.strip():
            values.setdefault(key, []).append(value.strip())
    return values


def bound_text(query: CatalogQuery, values: Mapping[str, list[str]], store: ox.Store) -> str:
    """The query's text with ``values`` bound; ``ParamError`` naming the parameter and the
    closest valid references when a value is refused."""
    resolved = resolve_params(query.text, dict(values), lambda: store)
    return bind(query.text, resolved)


def editor_prefixes(data_base: str) -> dict[str, str]:
    """Prefixes the editor completes: the project's vocabularies and ``id:`` for its data
    (never a remote prefix service)."""
    return {
        **{k: v for k, v in PREFIXES.items()},
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "id": data_base,
    }
