"""The table of catalog queries in docs/endpoint.md, generated from the queries' own headers.

    python scripts/query_table.py            # print it
    python scripts/query_table.py --write    # and put it into docs/endpoint.md

One row per ``queries/*.rq`` (``skillgraph.catalog``): name, title, parameters as the
header declares them, and the median latency measured by ``benchmarks/run.py``
(``benchmarks/results/queries.json``, pyoxigraph at 1×; "—" until a run has measured the
query). ``--write`` replaces what lies between the ``<!-- queries:table:… -->`` markers, so
a new query is listed without typing a row; tests/test_docs.py fails when the page is out
of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "docs" / "endpoint.md"  # the page for people querying the graph
RESULTS = REPO / "benchmarks" / "results" / "queries.json"
MARKERS = ("<!-- queries:table:begin -->", "<!-- queries:table:end -->")
# Default IRIs are shown relative to the shipped occupation, or else to the data base.
SHORTEN = ("https://w3id.org/skillgraph/id/occupation/4-09-07-04/",
           "https://w3id.org/skillgraph/id/")
# A query with more parameters than this lists their names only (`query --list` has all).
MAX_DETAILED = 4


def _short(iri: str) -> str:
    for prefix in SHORTEN:
        if iri.startswith(prefix):
            return iri.removeprefix(prefix)
    return iri


def _parameter(p) -> str:  # skillgraph.params.Param
    mods = ["list"] if p.is_list else []
    if p.default:
        shown = " ".join(_short(d.strip("<>")) for d in p.default)
        mods.append(f"default `{shown}`")
    else:
        mods.append("required" if p.required else "optional")
    return f"`{p.name}` ({', '.join(mods)})"


def _parameters(params: list) -> str:
    if not params:
        return "none"
    if len(params) > MAX_DETAILED:
        names = ", ".join(f"`{p.name}`" + (" (required)" if p.required else "") for p in params)
        return f"{names} (defaults: `skillgraph query --list`)"
    return ", ".join(_parameter(p) for p in params)


def _latencies() -> dict[str, float]:
    if not RESULTS.is_file():
        return {}
    doc = json.loads(RESULTS.read_text(encoding="utf-8"))
    return {name: q["pyoxigraph"]["median_ms"] for name, q in doc["queries"].items()
            if "median_ms" in q.get("pyoxigraph", {})}  # fmt: skip


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def table() -> str:
    """The Markdown table (and its source line) for docs/endpoint.md."""
    from skillgraph.catalog import catalog
    from skillgraph.params import parse_parameters

    latency = _latencies()
    lines = ["| query | question | parameters | median ms |", "|---|---|---|---:|"]
    for q in catalog():
        title = q.title.replace("|", "\\|")
        params = _parameters(parse_parameters(q.text))
        lines.append(f"| `{q.name}` | {title} | {params} | {_ms(latency.get(q.name))} |")
    lines.append("")
    lines.append("_Generated from the headers of `queries/*.rq` by `python scripts/query_table.py "
                 "--write`; default IRIs relative to `https://w3id.org/skillgraph/id/occupation/"
                 "4-09-07-04/` (or to `…/id/`); median ms: "
                 "pyoxigraph, one standard, `benchmarks/results/queries.json`._")
    return "\n".join(lines)


def published(text: str) -> str:
    """What the page holds between the markers."""
    begin, end = MARKERS
    if begin not in text or end not in text:
        raise SystemExit(f"{README}: markers {begin} … {end} not found")
    return text[text.index(begin) + len(begin):text.index(end)].strip()


def write() -> bool:
    """Put the table into docs/endpoint.md; True when the file changed."""
    text = README.read_text(encoding="utf-8")
    begin, end = MARKERS
    new = text[: text.index(begin) + len(begin)] + "\n" + table() + "\n" + text[text.index(end):]
    if new != text:
        README.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    if "--write" in argv:
        print(f"{README}: {'updated' if write() else 'already up to date'}")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
