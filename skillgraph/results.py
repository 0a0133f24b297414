"""Query answers as text: the engine's own SPARQL results formats, plus a terminal table."""

from __future__ import annotations

import pyoxigraph as ox

from .loaders.source import display_width
from .store import QueryResult, run_query

FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def render(store: ox.Store, query: str, fmt: str) -> bytes:
    """Text of a query's answer in ``fmt`` (table, json, xml, csv, tsv)."""
    if fmt == "table":
        return render_table(run_query(store, query)).encode()
    answer = store.query(query)
    if isinstance(answer, ox.QueryTriples):
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt in ("csv", "tsv") else ox.RdfFormat.TURTLE
        return ox.serialize(answer, format=rdf_format) or b""
    return answer.serialize(format=FORMATS[fmt]) or b""


def term_text(term: object) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def render_table(result: QueryResult) -> str:
    """An aligned table for a terminal; Chinese characters count as two columns."""
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        return "".join(f"{t}\n" for t in result.triples or [])
    header = result.variables
    rows = [[term_text(r[v]) if v in r else "" for v in header] for r in result.rows]
    widths = [
        max([display_width(h)] + [display_width(row[i]) for row in rows])
        for i, h in enumerate(header)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
