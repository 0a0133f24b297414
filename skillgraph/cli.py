"""The `skillgraph` command: a thin layer of option checks over the library.

Exit codes: 0 ok, 1 violations or errors (message on stderr), 2 usage errors (click).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .vocab import DEFAULT_DATA_BASE


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
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Standard text file (default: the 4-09-07-04 draft shipped with skillgraph).",
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
def build(source: Path | None, out: Path, base: str, hermit: bool) -> None:
    """Parse, reason, validate and write the graph, dumps and reports to OUT."""
    from .build import build as run_build
    from .loaders.errors import SourceFormatError
    from .loaders.standard import default_source

    if not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    src = source or default_source()
    if not src.is_file():
        _fail(f"{src}: no such file")
    click.echo(f"building {src.name} → {out}/", err=True)
    try:
        result = run_build(
            src, out, base=base, hermit=hermit, progress=lambda m: click.echo(m, err=True)
        )
    except SourceFormatError as exc:
        _fail(str(exc))
    std = result.standard
    click.echo(
        f"{len(std.trade_levels)} trade-levels, "
        f"{sum(len(t.functions) for t in std.trade_levels)} functions, "
        f"{result.asserted + result.inferred} triples; "
        f"{result.validation.violations} violations, {result.validation.warnings} warnings, "
        f"{len(std.findings)} findings; HermiT {result.hermit.status}",
        err=True,
    )
    click.echo(f"report: {out / 'report.md'}", err=True)
    if not result.ok:
        _fail("the graph has SHACL violations or is inconsistent: see the report")


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def validate(file: Path | None) -> None:
    """SHACL report for FILE (default build/graph.ttl); exit 1 on violations."""
    from .validate import validate_file

    target = file or Path("build") / "graph.ttl"
    if not target.is_file():
        _fail(f"{target}: no such file (run `skillgraph build` first or name a file)")
    try:
        result = validate_file(target)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    click.echo(result.report_text)
    click.echo(f"{target}: {result.violations} violations, {result.warnings} warnings", err=True)
    if result.violations:
        sys.exit(1)


@main.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
    default="table",
    show_default=True,
)
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Build directory whose graph is queried.",
)
def query(query: str, fmt: str, build_dir: Path) -> None:
    """Run a catalog query (by NAME) or a FILE.rq on the built graph."""
    from .catalog import load_query
    from .results import render
    from .store import store_from_build

    try:
        text = load_query(query)
        store = store_from_build(build_dir)
        output = render(store, text, fmt)
    except (FileNotFoundError, SyntaxError, ValueError) as exc:
        _fail(str(exc))
    sys.stdout.buffer.write(output)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
