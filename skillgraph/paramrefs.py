"""``--param`` values as people write them: short references for IRI parameters, and a
warning for an IRI that names nothing in the graph.

Kept apart from :mod:`skillgraph.params` (which binds terms and never looks at data):
resolving a name needs the graph's labels.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from .params import ParamError, parse_parameters
from .shortrefs import Names, RefNotFound, is_iri, load_names, resolve

__all__ = ["absent_iris", "resolve_params"]


def resolve_params(query_text: str, values: dict[str, list[str]],
                   store: Callable[[], ox.Store | None]) -> dict[str, list[str]]:
    """``values`` with every short reference of an ``iri`` parameter replaced by the IRI it
    names (``碳排放核算员/3`` → the trade-level's IRI).  ``store`` gives the graph the names
    are read from, only when a reference needs it.  ``ParamError`` for a reference that
    names nothing, with the closest valid ones."""
    declared = {p.name: p for p in parse_parameters(query_text)}
    out: dict[str, list[str]] = {}
    names: Names | None = None
    graph: ox.Store | None = None
    for name, given in values.items():
        param = declared.get(name)
        if param is None or param.type != "iri":
            out[name] = given
            continue
        resolved = []
        for value in given:
            if is_iri(value):
                resolved.append(value)
                continue
            if graph is None:
                graph = store()
                if graph is None:
                    raise ParamError(f"parameter {name}: {value!r} is a short reference, which "
                                     "needs the build's graph (--build DIR); or give the IRI")
                names = load_names(graph)
            try:
                resolved.append(resolve(graph, value, names))
            except RefNotFound as exc:
                raise ParamError(f"parameter {name}: {exc}") from None
        out[name] = resolved
    return out


def absent_iris(query_text: str, values: dict[str, list[str]],
                store: ox.Store) -> list[tuple[str, str]]:
    """(parameter, IRI) of the given IRI values that occur nowhere in ``store``."""
    declared = {p.name: p for p in parse_parameters(query_text)}
    missing = []
    for name, given in values.items():
        if name not in declared or declared[name].type != "iri":
            continue
        for value in given:
            iri = value.strip().removeprefix("<").removesuffix(">")
            node = ox.NamedNode(iri)
            used = next(iter(store.quads_for_pattern(node, None, None)), None) or next(
                iter(store.quads_for_pattern(None, None, node)), None)
            if used is None:
                missing.append((name, iri))
    return missing
