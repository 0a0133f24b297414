"""The `skillgraph` command: a thin layer of option checks over the library.

Exit codes: 0 ok, 1 violations or errors (message on stderr), 2 usage errors (click).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .vocab import DEFAULT_DATA_BASE


class Rank(click.ParamType):
    """A national level: 1–5 or 五级 … 一级 (三级/高级工 too); ``zero`` also takes 0."""

    name = "LEVEL"

    def __init__(self, zero: bool = False) -> None:
        self.zero = zero

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        from .names import rank_of_text

        if isinstance(value, int):
            return value
        text = str(value).strip()
        if self.zero and text == "0":
            return 0
        rank = rank_of_text(text)
        if rank is None:
            self.fail(f"{text!r} is not a level: 1–5 or 五级 … 一级"
                      + (" (0: none)" if self.zero else ""), param, ctx)
        return rank


class Choice(click.Choice):
    """click's Choice, suggesting the closest choice for a misspelt one."""

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> object:
        from .names import did_you_mean

        if isinstance(value, str) and value not in self.choices:
            self.fail(f"{value!r} is not one of {', '.join(map(str, self.choices))}"
                      f"{did_you_mean(value, [str(c) for c in self.choices])}", param, ctx)
        return super().convert(value, param, ctx)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skillgraph")
def main() -> None:
    """Occupational skill standards as a reasoned, validated knowledge graph."""


@main.command()
@click.option(
    "--source",
    "sources",
    type=click.Path(path_type=Path),
    multiple=True,
    help="A standard's PDF or text file, or a directory of them; repeat for several "
    "(default: every standard shipped with skillgraph).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output directory; replaced as a whole only when the build succeeds.",
)
@click.option("--base", default=DEFAULT_DATA_BASE, show_default=True, help="Base of data IRIs.")
@click.option(
    "--hermit/--no-hermit",
    default=False,
    show_default=True,
    help="Also check ontology + data with the HermiT OWL reasoner (needs Java; ~30 s).",
)
def build(sources: tuple[Path, ...], out: Path, base: str, hermit: bool) -> None:
    """Read, reason, validate and write every standard given as one graph, dumps and reports."""
    from .build import build as run_build
    from .loaders.errors import SourceFormatError

    if not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    names = ", ".join(p.name for p in sources) or "every shipped standard"
    click.echo(f"building {names} → {out}/", err=True)
    try:
        result = run_build(
            list(sources) or None,
            out,
            base=base,
            hermit=hermit,
            progress=lambda m: click.echo(m, err=True),
        )
    except SourceFormatError as exc:
        _fail(str(exc))
    for std in result.standards:
        mine = result.review.standard(std.profile.code) if result.review else None
        click.echo(
            f"{std.profile.code} {std.profile.name}: {len(std.trade_levels)} trade-levels, "
            f"{sum(len(t.functions) for t in std.trade_levels)} functions, "
            f"{len(std.findings)} findings"
            + (f", {mine.warnings} SHACL warnings ({len(mine.items)} items for the "
               "committee: skillgraph findings)" if mine else ""),
            err=True,
        )
    click.echo(
        f"{len(result.standards)} standard(s), {len(result.graph)} triples; "
        f"{result.validation.violations} violations, {result.validation.warnings} warnings; "
        f"HermiT {result.hermit.status}",
        err=True,
    )
    click.echo(f"report: {out / 'report.md'}", err=True)
    if not result.ok:
        _fail("the graph has SHACL violations or is inconsistent: see the report")


@main.command()
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SHACL shapes file (default: the skillgraph shapes).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle"]),
    default="text",
    show_default=True,
    help="text: one line per result; turtle: the SHACL validation report graph.",
)
def validate(data: Path | None, shapes: Path | None, fmt: str) -> None:
    """SHACL report for DATA (default build/graph.ttl; .ttl .nt .jsonld .trig .rdf).

    The report's sh:conforms is SHACL's (false on any result); the exit code is 1 only on
    violations: warnings and infos do not fail.
    """
    from .validate import validate_file

    target = data or Path("build") / "graph.ttl"
    for path in (target, shapes):
        if path is not None and not path.is_file():
            hint = " (run `skillgraph build` first or name a file)" if path == target else ""
            _fail(f"{path}: no such file{hint}")
    try:
        result = validate_file(target, shapes)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    if fmt == "turtle":
        click.echo(result.report_graph.serialize(format="turtle"), nl=False)
    else:
        click.echo(result.report_text, nl=False)
    click.echo(f"{target}: {result.violations} violations, {result.warnings} warnings", err=True)
    if result.violations:
        sys.exit(1)


@main.command()
@click.argument("query", required=False)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter of the query (see --list); repeat a list parameter for each value.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run on this SPARQL 1.1 endpoint instead of the built graph.",
)
@click.option(
    "--format",
    "fmt",
    type=Choice(["table", "csv", "tsv", "json", "xml"]),
    default="table",
    show_default=True,
    help="SPARQL 1.1 results formats: csv has plain values; tsv writes each term as SPARQL "
    "does (<IRI>, \"text\"@zh, 42), so IRIs and literals stay apart; json, xml.",
)
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Build directory whose graph is queried.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the catalog and exit.")
def query(
    query: str | None,
    params: tuple[str, ...],
    endpoint: str | None,
    fmt: str,
    build_dir: Path,
    list_queries: bool,
) -> None:
    """Run a catalog query (by NAME) or a FILE.rq, on the built graph or an --endpoint.

    Parameters are bound as VALUES rows in the query's WHERE group, never pasted into its
    text: --param tradeLevel=碳排放核算员/3 (a short reference: TRADE/LEVEL, 三级 or 3,
    TRADE/LEVEL/S2.2.1 for a requirement, a name or code for an occupation or trade; or
    the IRI, bare or in <…>), --param keyword=配额 (a string); a list parameter is repeated
    (--param held=IRI1 --param held=IRI2). Unset parameters take the query's defaults.
    A reference that names nothing is an error listing the closest ones; an IRI that
    occurs nowhere in the build's graph is run anyway, with a warning on stderr (exit 0).
    """
    from .catalog import catalog, load_query
    from .paramrefs import absent_iris, resolve_params
    from .params import ParamError, bind, parse_parameters

    if list_queries:
        for q in catalog():
            click.echo(f"{q.name}  {q.title}")
            try:
                for p in parse_parameters(q.text):
                    click.echo(f"    --param {p.signature}")
            except ParamError as exc:
                click.echo(f"    (malformed parameters: {exc})")
        return
    if query is None:
        raise click.UsageError("name a catalog query or a FILE.rq (or use --list)")
    values: dict[str, list[str]] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        values.setdefault(name.strip(), []).append(value)
    try:
        text = load_query(query)
    except FileNotFoundError as exc:
        _fail(str(exc))
    from .store import store_from_build

    loaded: list[object] = []

    def graph() -> object:
        if not loaded:
            has_build = (build_dir / "graph.nt").is_file()
            loaded.append(store_from_build(build_dir) if has_build or endpoint is None else None)
        return loaded[0]

    try:
        values = resolve_params(text, values, graph)  # type: ignore[arg-type]
        bound = bind(text, values)
    except ParamError as exc:
        raise click.BadParameter(str(exc), param_hint="--param") from exc
    except FileNotFoundError as exc:
        _fail(str(exc))
    if endpoint is not None:
        from .remote import RemoteError, render_results, run_remote

        try:
            output = render_results(run_remote(endpoint, bound), fmt)
        except RemoteError as exc:
            _fail(str(exc))
    else:
        from .results import render

        try:
            store = graph()
            for name, iri in absent_iris(text, values, store):  # type: ignore[arg-type]
                click.echo(f"warning: --param {name}: <{iri}> occurs nowhere in "
                           f"{build_dir}/graph.nt, so it matches nothing", err=True)
            output = render(store, bound, fmt)  # type: ignore[arg-type]
        except (FileNotFoundError, SyntaxError, ValueError) as exc:
            _fail(str(exc))
    if output and not output.endswith(b"\n"):
        output += b"\n"  # JSON and XML answers end with a newline like the others
    sys.stdout.buffer.write(output)
    sys.stdout.flush()


@main.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--occupation", default=None,
              help="Only this occupation: its code (4-09-07-04), name or IRI.")
@click.option("--trade", default=None, help="Only this trade: its Chinese or English name.")
@click.option("--level", default=None, help="Only this level: 5 … 1 or 五级 … 一级.")
@click.option("--kind", default=None,
              help="Only this kind: occupation, standard, trade, tradelevel, function, content, "
                   "skill, knowledge, competency.")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True,
              help="Hits to show.")
@click.option("--format", "fmt", type=Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Build directory (its search.sqlite).")
def search(text: tuple[str, ...], occupation: str | None, trade: str | None, level: str | None,
           kind: str | None, limit: int, fmt: str, build_dir: Path) -> None:
    """Full-text search of every standard in the build (Chinese or English; every word
    must match), best first, with counts per occupation, trade, level and kind."""
    import json

    from .loaders.source import display_width
    from .search import SearchError
    from .search import search as run_search
    from .search.query import RANK_LABELS

    try:
        result = run_search(build_dir / "search.sqlite", " ".join(text), occupation=occupation,
                            trade=trade, level=level, kind=kind, limit=limit)  # fmt: skip
    except SearchError as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return
    for h in result.hits:
        where = " ".join(x for x in (h.trade_label or h.occupation_label,
                                     RANK_LABELS.get(h.rank or 0, "")) if x)  # fmt: skip
        head = f"{h.kind:<10} {h.notation:<7} {h.label}"
        click.echo(f"{head}{' ' * max(1, 60 - display_width(head))}{where}")
        click.echo(f"{'':18} {h.iri}")
    shown = f"{len(result.hits)} of {result.total}" if result.total > len(result.hits) else \
        str(result.total)
    click.echo(f"({shown} hit{'s' if result.total != 1 else ''})")
    for name, facet in result.facets.items():
        if facet:
            click.echo(f"{name}: " + ", ".join(f"{f.label} {f.count}" for f in facet[:8]))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port; 0 picks a free one (the URL is printed).",
)
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Build directory to serve.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
    help="Seconds a SPARQL query may run before it is stopped (504).",
)
@click.option(
    "--max-results", type=click.IntRange(min=1), default=10_000, show_default=True,
    help="Rows (or triples) per answer; longer ones are cut (X-Results-Truncated header).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True,
    help="Query worker processes (queries that may run at once).",
)
@click.option(
    "--memory-limit", type=click.IntRange(min=0), default=2048, show_default=True,
    help="MB of memory per query worker (0: no limit); a query needing more fails (500).",
)
@click.option(
    "--max-body", "max_body_kb", type=click.IntRange(min=1), default=1024, show_default=True,
    help="KB a request body (or query string) may have; more is refused (413 / 414).",
)
@click.option(
    "--max-answer", "max_answer_mb", type=click.IntRange(min=1), default=32, show_default=True,
    help="MB one answer may have; longer ones are cut to whole rows (X-Results-Truncated and "
    "X-Results-Truncated-Bytes headers).",
)
@click.option(
    "--client-queries", type=click.IntRange(min=1), default=1, show_default=True,
    help="Queries one client (address) may have running at once.",
)
@click.option(
    "--client-queue", type=click.IntRange(min=1), default=4, show_default=True,
    help="Queries one client may have waiting for a worker; more get 429 with Retry-After.",
)
@click.option(
    "--slow-lane", type=click.IntRange(min=0), default=None,
    help="Queries past 1 s (or a quarter of --timeout) that may run on, beside the workers; "
    "a query turning slow when all are taken is stopped (503). [default: --workers]",
)
@click.option(
    "--client-timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
    help="Seconds a client has to send its request headers, to send its body (408), and "
    "to accept each 64 KB of an answer (else the connection is closed).",
)
@click.option(
    "--keep-alive", type=click.FloatRange(min=1), default=5.0, show_default=True,
    help="Seconds an idle keep-alive connection stays open.",
)
@click.option(
    "--max-connections", type=click.IntRange(min=1), default=512, show_default=True,
    help="Open connections at once; more are answered 503.",
)
@click.option(
    "--public-url", default=None, metavar="ORIGIN",
    help="https://host[:port]/ the public reaches the server at, for absolute URLs (VoID, "
    "service description). [default: the address bound; never the Host header]",
)
@click.option(
    "--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS[/BITS]",
    help="A reverse proxy whose X-Forwarded-For/-Proto are believed (client address for "
    "the per-client limits). Repeatable; none by default.",
)
@click.option(
    "--max-depth", type=click.IntRange(min=1, max=1000), default=256, show_default=True,
    help="Nesting (groups, sub-selects, brackets) a query may have, counted on the parsed "
    "query; deeper is refused (400).",
)
@click.option(
    "--max-operators", type=click.IntRange(min=1, max=10_000), default=5000, show_default=True,
    help="Operators (patterns, UNION/BIND/FILTER, chain links) per parsed query; more is "
    "refused (400). The engine's stack holds 10,000.",
)
@click.option(
    "--data", "data_specs", multiple=True, metavar="FILE[=GRAPH_IRI]",
    help="Also load an RDF file (.nt, .ttl, .nq, .trig, …) for the endpoint only, into the "
    "named graph GRAPH_IRI or, without it, the default graph. Repeatable.",
)
@click.option("--base", default=None, help="Base of data IRIs [default: the one the build used].")
@click.option(
    "--store", "store_kind", type=click.Choice(["memory", "disk", "hybrid"]), default="memory",
    show_default=True,
    help="memory: load the build into the page process and the query workers; disk: write "
    "BUILD/store/ once per build and open it read-only everywhere (far less memory, slower "
    "queries); hybrid: query workers in memory, pages from BUILD/store/ (one copy in memory: "
    "for many standards; docs/scaling.md).",
)
def serve(
    host: str, port: int, build_dir: Path, timeout: float, max_results: int, workers: int,
    memory_limit: int, max_body_kb: int, max_answer_mb: int, client_queries: int,
    client_queue: int, slow_lane: int | None, client_timeout: float, keep_alive: float,
    max_connections: int, public_url: str | None, trusted_proxies: tuple[str, ...],
    max_depth: int, max_operators: int,
    data_specs: tuple[str, ...], base: str | None, store_kind: str,
) -> None:
    """Serve the build: SPARQL endpoint (/sparql), linked-data pages (/id/…), dumps, VoID."""
    import re

    import pyoxigraph as ox

    from .server.app import ServerConfig
    from .server.app import serve as run_server
    from .server.worker import DataFile

    if base is not None and not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    from .server.hygiene import Networks, parse_public_url

    if public_url is not None:
        try:
            parse_public_url(public_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--public-url") from None
    try:
        Networks(trusted_proxies)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--trusted-proxy") from None
    if not (build_dir / "graph.nt").is_file():
        _fail(f"{build_dir / 'graph.nt'} not found: run `skillgraph build` or pass --build DIR")
    data = []
    for spec in data_specs:
        # FILE=GRAPH splits at the first "=" followed by an IRI scheme (paths may hold "=")
        m = re.match(r"^(.+?)=([A-Za-z][A-Za-z0-9+.\-]*:.*)$", spec)
        path, graph = (Path(m.group(1)), m.group(2)) if m else (Path(spec), None)
        if not path.is_file():
            raise click.BadParameter(f"{path}: no such file", param_hint="--data")
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        if fmt is None:
            raise click.BadParameter(f"{path}: unknown RDF format", param_hint="--data")
        if graph is not None and fmt.supports_datasets:
            raise click.BadParameter(f"{path} names its own graphs: no =GRAPH", param_hint="--data")
        try:
            if graph is not None:
                ox.NamedNode(graph)
            for _ in ox.parse(path=path, format=fmt):  # syntax errors here, not in workers
                pass
        except (SyntaxError, ValueError) as exc:
            raise click.BadParameter(f"{spec}: {exc}", param_hint="--data") from None
        data.append(DataFile(path.resolve(), graph))
    if store_kind in ("disk", "hybrid"):
        if data:
            raise click.BadParameter("--data needs --store memory", param_hint="--data")
        from .store import STORE_ENV, make_disk_store

        try:
            make_disk_store(build_dir)
        except OSError as exc:
            _fail(f"cannot write the on-disk store under {build_dir}: {exc}")
        # the query workers inherit it: hybrid's workers load the build into memory
        os.environ[STORE_ENV] = "disk" if store_kind == "disk" else "memory"
    config = ServerConfig(
        build_dir, base, timeout, max_results, workers, memory_limit, tuple(data), max_body_kb,
        max_answer_mb=max_answer_mb, max_depth=max_depth, max_operators=max_operators,
        client_queries=client_queries, client_queue=client_queue, slow_lane=slow_lane,
        client_timeout=client_timeout, keep_alive=keep_alive, max_connections=max_connections,
        public_url=public_url, trusted_proxies=trusted_proxies, store=store_kind,
    )
    try:
        run_server(config, host=host, port=port, announce=lambda url: click.echo(url))
    except OSError as exc:
        _fail(f"cannot serve on {host}:{port}: {exc}")


@main.command()
@click.option(
    "--site",
    "site_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory: written whole the first time, then only what changed.",
)
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Build directory to publish.",
)
@click.option("--base", default=None, help="Base of data IRIs [default: the one the build used].")
@click.option("--site-url", default=None, help="URL the site will be served at (VoID IRIs).")
@click.option("--endpoint", default=None, help="A live SPARQL endpoint for the query page, VoID.")
@click.option("--all-formats", is_flag=True,
              help="Also write JSON-LD and N-Triples beside each page's Turtle.")
@click.option("--full", is_flag=True, help="Rewrite the whole site, changed or not.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes rendering the standards [default: one per CPU].")
def publish(
    site_dir: Path, build_dir: Path, base: str | None, site_url: str | None, endpoint: str | None,
    all_formats: bool, full: bool, jobs: int | None,
) -> None:
    """Write the linked-data site as static files any web server can serve."""
    from .publish import publish as run_publish

    if base is not None and not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    if site_url is not None and not site_url.endswith("/"):
        site_url += "/"
    if not (build_dir / "graph.nt").is_file():
        _fail(f"{build_dir / 'graph.nt'} not found: run `skillgraph build` or pass --build DIR")
    from .fanout import FanOutError

    try:
        result = run_publish(site_dir, build_dir, base=base, site_url=site_url,
                             endpoint=endpoint, all_formats=all_formats, full=full, jobs=jobs,
                             progress=lambda m: click.echo(m, err=True))  # fmt: skip
    except FanOutError as exc:
        _fail(f"publish failed, the site is as it was: {exc}")
    if not result.full:
        click.echo(f"{len(result.rendered)} group(s) rendered, {len(result.skipped)} unchanged; "
                   f"{result.written} files written, {result.removed} removed", err=True)
    click.echo(f"{result.pages} resources, {result.files} files → {site_dir}/", err=True)


@main.command()
@click.argument("sheet", metavar="MAP", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", default=None,
              help="Trade-level aimed at: TRADE/RANK (碳排放核算员/3, 碳排放核算员/三级, "
                   "碳排放管理员/五级) or its IRI.")
@click.option("--template", "template_target", default=None, metavar="TARGET",
              help="Instead: write an .xlsx template pre-filled with TARGET's requirements "
                   "(a column per course to tick) to --out; MAP is not read.")
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Build directory of the standard.",
)
@click.option("--format", "fmt", type=Choice(["md", "html", "csv", "json"]), default="md",
              show_default=True,
              help="Report format; csv writes one file per table into --out DIR.")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Output file (a directory for --format csv); default: standard output.")
@click.option("--suggest", "suggestions", is_flag=True,
              help="Instead of the report: CSV rows (the input's columns + score) proposing "
                   "requirements for each course without a mapping.")
@click.option("--top", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Suggestions per course.")
@click.option("--iri", default=None,
              help="The curriculum's own IRI, base of its courses' IRIs "
                   "[default: urn:skillgraph:curriculum:<file stem>].")
@click.option("--rdf", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the curriculum graph: .trig (in its named graph), .ttl or .nt.")
@click.option("--query", default=None,
              help="Instead of the report: a catalog query (curriculum-coverage, "
                   "curriculum-gaps) or FILE.rq, with curriculum and target bound, on the "
                   "build plus the curriculum as its named graph (--format md|csv|json).")
def curriculum(
    sheet: Path | None, target: str | None, template_target: str | None, build_dir: Path,
    fmt: str, out: Path | None, suggestions: bool, top: int, iri: str | None,
    rdf: Path | None, query: str | None,
) -> None:  # fmt: skip
    """Coverage of a trade-level's requirements by the courses of a curriculum MAP (.csv/.xlsx).

    MAP has one row per course × requirement: course_id, course_title, hours, requirement
    (TRADE/RANK/S|K CODE, a requirement IRI or a competency IRI), treatment (I/D/M), notes,
    description (Chinese headers such as 课程编号, 课程名称, 学时, 要求 are accepted); or it is
    a filled-in --template. On any error nothing is written and every bad cell is listed.
    """
    from .curriculum import CurriculumError, RefError
    from .curriculum.run import run_curriculum, run_template, write_outputs

    if template_target is not None:
        if sheet is not None or target is not None:
            raise click.UsageError("--template TARGET writes a template; give no MAP or --target")
        if out is None:
            raise click.UsageError("--template needs --out FILE.xlsx")
        try:
            run = run_template(_rank_digits(template_target), build_dir=build_dir, out=out)
            write_outputs(run)
        except RefError as exc:
            _fail(f"--template {template_target!r}: {exc}")
        except (FileNotFoundError, ValueError, OSError) as exc:
            _fail(str(exc))
        click.echo(f"wrote {out}", err=True)
        click.echo(run.summary, err=True)
        return
    if sheet is None or target is None:
        raise click.UsageError("give MAP and --target TRADE/RANK (or --template TARGET)")
    target = _rank_digits(target)
    try:
        run = run_curriculum(sheet, target=target, build_dir=build_dir, fmt=fmt, out=out,
                             suggestions=suggestions, top=top, iri=iri, rdf=rdf, query=query)
        write_outputs(run)
    except RefError as exc:
        _fail(f"--target {target!r}: {exc}")
    except (CurriculumError, FileNotFoundError, SyntaxError, ValueError, OSError) as exc:
        _fail(str(exc))
    if run.stdout:
        sys.stdout.buffer.write(run.stdout)
        sys.stdout.flush()
    for path in run.files:
        click.echo(f"wrote {path}", err=True)
    click.echo(run.summary, err=True)


@main.command()
@click.option("--target", "target_rank", required=True, type=Rank(),
              help="Level to reach: 5 or 五级 (初级工) … 1 or 一级 (高级技师).")
@click.option("--certificate", "certificate_rank", type=Rank(zero=True), default="0",
              show_default=True, help="Level of the highest certificate held (3, 三级); 0: none.")
@click.option("--certificate-of", "certificate_occupation", default="this", show_default=True,
              type=Choice(["this", "related", "other"]),
              help="Occupation of that certificate: this, a related one (footnote 2), other.")
@click.option("--preparatory-technician", is_flag=True, help="A 预备技师证书 is held.")
@click.option("--years", type=click.IntRange(min=0), default=0, show_default=True,
              help="Years of work in this or a related occupation so far.")
@click.option("--years-since-certificate", type=click.IntRange(min=0), default=None,
              help="Of those, years since the certificate [default: all of them].")
@click.option("--education", default="none", show_default=True,
              type=Choice(["none", "technical-school", "senior-technical-school",
                                 "technician-college", "secondary-vocational-school",
                                 "higher-vocational-school", "junior-college", "bachelor",
                                 "master", "doctorate"]),
              help="Highest diploma held (or being finished, with --final-year).")
@click.option("--major", default="other", show_default=True,
              type=Choice(["this", "related", "other"]),
              help="The diploma's major: this one, a related one (footnote 3), other.")
@click.option("--final-year", is_flag=True, help="A final-year student without the diploma yet.")
@click.option("--training", "trainings", multiple=True, type=Rank(),
              help="Rank of a formal training already completed; repeat for several.")
@click.option("--apprenticeship", is_flag=True, help="An apprenticeship has been completed.")
@click.option("--no-training", is_flag=True,
              help="Leave out the routes that need a formal training.")
@click.option("--occupation", default="https://w3id.org/skillgraph/id/occupation/4-09-07-04",
              show_default=True, help="The occupation: its name, code (4-09-07-04) or IRI.")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Build directory of the graph.")
@click.option("--format", "fmt", type=Choice(["table", "json"]), default="table",
              show_default=True)
def pathway(
    target_rank: int, certificate_rank: int, certificate_occupation: str,
    preparatory_technician: bool, years: int, years_since_certificate: int | None,
    education: str, major: str, final_year: bool, trainings: tuple[int, ...],
    apprenticeship: bool, no_training: bool, occupation: str, build_dir: Path, fmt: str,
) -> None:  # fmt: skip
    """The route with the fewest years of work from where a person stands to a level.

    A shortest-path search in Python over the graph's structured eligibility conditions,
    one step at a time with the `pathway` catalog query (SPARQL 1.1 cannot search paths
    whose costs it computes). Exit 1 when no sequence of routes reaches the level.
    """
    import json
    from decimal import Decimal

    from .pathway import Person
    from .pathway import pathway as find_pathway
    from .store import store_from_build

    person = Person(
        certificate_rank=certificate_rank,
        certificate_occupation=certificate_occupation,
        preparatory_technician=preparatory_technician,
        years_of_work=Decimal(years),
        years_since_certificate=(
            None if years_since_certificate is None else Decimal(years_since_certificate)
        ),
        education=education,
        major=major,
        final_year_student=final_year,
        training_ranks=frozenset(trainings),
        apprenticeship=apprenticeship,
    )
    from .shortrefs import RefNotFound, resolve

    try:
        store = store_from_build(build_dir)
        occupation = resolve(store, occupation, want="occupation")
        found = find_pathway(store, person, target_rank, occupation=occupation,
                             allow_training=not no_training)  # fmt: skip
    except RefNotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--occupation") from None
    except (FileNotFoundError, SyntaxError, ValueError) as exc:
        _fail(str(exc))
    if found is None:
        _fail(f"no sequence of eligibility routes reaches level {target_rank} from this start")
    if not found.steps:
        held = f"a level {certificate_rank} certificate of this occupation"
        if fmt == "json":
            click.echo(json.dumps({"target": target_rank, "totalYears": 0, "steps": [],
                                   "reached": held}, ensure_ascii=False, indent=1))  # fmt: skip
        else:
            click.echo(f"already there: {held} is at or above level {target_rank}")
            click.echo("total: 0 years of work")
        return
    steps = [
        {"year": _number(s.year), "wait": _number(s.wait), "rank": s.candidate.rank,
         "level": s.candidate.level, "route": s.candidate.route,
         "alternative": s.candidate.alternative, "training": s.training,
         "conditions": s.candidate.conditions, "line": s.candidate.line}
        for s in found.steps
    ]  # fmt: skip
    if fmt == "json":
        data = {"target": target_rank, "totalYears": _number(found.total_years), "steps": steps}
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for n, s in enumerate(steps, 1):
        first = f" complete {s['training']}, then" if s["training"] else ""
        click.echo(
            f"{n}. year {s['year']} (+{s['wait']}):{first} apply for {s['level']} by route "
            f"({s['route']}) alternative {s['alternative']} (line {s['line']}): "
            f"{s['conditions']}"
        )
    click.echo(f"total: {found.total_years} years of work")

def _rank_digits(ref: str) -> str:
    """``碳排放核算员/三级`` → ``碳排放核算员/3`` (the level as the curriculum reads it)."""
    from .names import rank_of_text
    from .shortrefs import is_iri

    head, sep, tail = ref.strip().rpartition("/")
    rank = rank_of_text(tail) if sep and not is_iri(ref) else None
    return f"{head}/{rank}" if rank is not None else ref


def _number(value: object) -> int | float:
    """A Decimal count of years as a JSON number (an int when whole)."""
    from decimal import Decimal

    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["case", "ctdl", "xlsx"]), required=True,
              help="case: 1EdTech CASE 1.1 package (JSON); ctdl: CTDL-ASN (JSON-LD); "
              "xlsx: the standard as a workbook `build --source` reads back.")
@click.option("--occupation", default=None, metavar="CODE|IRI",
              help="Only this occupation's standard [default: every standard of the build].")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Directory (one file per standard) or, for one standard, a file name "
              "[default: BUILD/interchange/].")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Build directory to export.")
@click.option("--source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="xlsx only: the standard's source [default: the shipped one].")
def export_command(
    fmt: str, occupation: str | None, out: Path | None, build_dir: Path, source: Path | None
) -> None:
    """Write each standard of a build in an interchange format.

    The formats and what each holds: docs/publishing.md, "Interchange".
    """
    from .interchange.export import export
    from .interchange.graph import InterchangeError

    try:
        written = export(build_dir, fmt, occupation=occupation, out=out, source=source)
    except (InterchangeError, OSError) as exc:
        _fail(str(exc))
    for path in written:
        click.echo(str(path))


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--occupation", default=None, metavar="CODE|IRI",
              help="The occupation compared, when a side holds several standards.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "ttl"]), default="md",
              show_default=True, help="Markdown or HTML tables, or RDF (Turtle).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of standard output.")
def diff_command(old: Path, new: Path, occupation: str | None, fmt: str, out: Path | None) -> None:
    """Compare two editions of one occupation: OLD and NEW are builds, graphs or sources."""
    from .interchange.diff import compare, load_pair, to_html, to_markdown, to_rdf
    from .interchange.graph import InterchangeError

    try:
        result = compare(*load_pair(old, new, occupation))
    except (InterchangeError, OSError) as exc:
        _fail(str(exc))
    if fmt == "ttl":
        body = to_rdf(result).serialize(format="turtle")
    else:
        body = to_markdown(result) if fmt == "md" else to_html(result)
    if out is None:
        click.echo(body, nl=False)
    else:
        out.write_text(body, encoding="utf-8")
        click.echo(str(out), err=True)


@main.command("findings")
@click.option("--occupation", default=None, metavar="CODE|NAME|IRI",
              help="Only this occupation's standard [default: every standard of the build].")
@click.option("--format", "fmt", type=Choice(["table", "csv", "json", "xlsx"]), default="table",
              show_default=True, help="table: for the terminal; csv/json: one record per item; "
              "xlsx: the comment sheet (征求意见反馈表), one worksheet per standard.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of standard output (required for xlsx).")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Build directory to read.")
def findings_command(occupation: str | None, fmt: str, out: Path | None, build_dir: Path) -> None:
    """Every finding and SHACL warning of a build, for the drafting committee."""
    from .committee import collect_build
    from .committee.export import UnknownOccupation, render, select

    if fmt == "xlsx" and out is None:
        raise click.UsageError("--format xlsx writes a file: give -o FILE.xlsx")
    try:
        review = collect_build(build_dir)
        chosen = select(review, occupation)
    except UnknownOccupation as exc:
        raise click.BadParameter(str(exc), param_hint="--occupation") from None
    except (OSError, ValueError, SyntaxError) as exc:
        _fail(str(exc))
    body = render(review, chosen, fmt)
    if out is None:
        click.echo(body.decode("utf-8"), nl=False)
        return
    from .committee.export import write_file

    try:
        write_file(out, body)
    except OSError as exc:
        _fail(f"{out}: cannot write: {exc}")
    click.echo(f"{out}: {sum(len(s.items) for s in chosen)} items", err=True)


if __name__ == "__main__":
    main()
