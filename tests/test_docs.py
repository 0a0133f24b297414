"""Docs that cannot drift: every CLI command and option written in the docs exists, every
catalog query is documented, the generated tables are the ones in the docs, links resolve,
and nothing cites a document outside the repository (CONTRIBUTING.md, "Docs that cannot
drift")."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from skillgraph.catalog import catalog
from skillgraph.cli import main

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
CLI_PAGE = DOCS / "cli.md"
USER_PAGES = ("endpoint", "curriculum", "publishing", "committee")  # a page per kind of user


def _doc_files() -> list[Path]:
    return [README, REPO / "CONTRIBUTING.md", *sorted(DOCS.glob("*.md"))]


def test_every_cli_command_is_in_the_cli_page():
    text = CLI_PAGE.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"skillgraph {name}" in text, f"docs/cli.md does not document `skillgraph {name}`"


COMMAND_LINE = re.compile(r"^\s*(?:\$\s*)?skillgraph\s+([a-z]+)\b(.*)$")


def _command_lines(text: str):
    """(command, the rest of its line and continuation lines) of every `skillgraph CMD`
    line inside the code blocks of a Markdown text."""
    in_code, pending = False, None
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if not in_code:
            continue
        if pending is not None:  # a continuation of the line before
            pending[1].append(line)
            if not line.rstrip().endswith("\\") and not line.startswith(" " * 10):
                yield pending[0], " ".join(pending[1])
                pending = None
            continue
        m = COMMAND_LINE.match(line)
        if m:
            pending = (m.group(1), [m.group(2)])
            if not line.rstrip().endswith("\\"):
                yield pending[0], " ".join(pending[1])
                pending = None


def test_every_option_the_docs_write_exists():
    """`skillgraph CMD … --flag` in any code block of the docs names a real option of CMD."""
    options = {name: {o for p in cmd.params for o in getattr(p, "opts", [])}
               for name, cmd in main.commands.items()}  # fmt: skip
    wrong, seen = [], 0
    for path in _doc_files():
        for command, rest in _command_lines(path.read_text(encoding="utf-8")):
            rest = rest.split("#")[0]  # a comment after the command
            assert command in options, f"{path.name}: no command `skillgraph {command}`"
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                seen += 1
                if flag not in options[command] and flag != "--help":
                    wrong.append(f"{path.relative_to(REPO)}: skillgraph {command} {flag}")
    assert seen > 40
    assert wrong == []


def test_the_option_check_catches_an_unknown_flag():
    text = "```sh\nskillgraph build --sauce x\nskillgraph query a \\\n  --param k=v\n```\n"
    assert list(_command_lines(text)) == [("build", " --sauce x"), ("query", " a \\   --param k=v")]


def test_the_readme_is_short_and_leads_to_a_page_per_user():
    text = README.read_text(encoding="utf-8")
    before_tables = text[: text.index("## Performance targets")]
    assert len(before_tables.split()) < 450, "README is read in two minutes: move detail to docs/"
    for page in USER_PAGES:
        assert f"(docs/{page}.md)" in text, page
        assert (DOCS / f"{page}.md").is_file(), page
    assert "pip install -e '.[test]' && ruff check . && pytest" in text  # what .ci/run runs


MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_relative_links_of_the_docs_resolve():
    broken = []
    for path in _doc_files():
        for target in MD_LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (path.parent / target.split("#")[0]).exists():
                broken.append(f"{path.relative_to(REPO)}: {target}")
    assert broken == []


def test_every_catalog_query_has_title_description_parameters_and_example():
    for q in catalog():
        assert q.title and q.description and q.parameters and q.examples, q.name


def _script(path: Path):
    """A script of the repository (not a package module) loaded as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _benchmark_report():
    return _script(REPO / "benchmarks" / "report.py")


def test_published_benchmark_tables_are_the_ones_in_the_results_files():
    """README's targets table and benchmarks/README.md's tables are generated from
    benchmarks/results/*.json (`python benchmarks/report.py --write`), never typed."""
    report = _benchmark_report()
    for name in ("build", "queries", "endpoint", "scale"):
        assert (report.RESULTS / f"{name}.json").is_file(), f"no benchmarks/results/{name}.json"
    expected = {README: report.targets_table(), README.parent / "benchmarks" / "README.md":
                report.markdown()}
    for path, (begin, end) in report.MARKERS.items():
        text = path.read_text(encoding="utf-8")
        published = text[text.index(begin) + len(begin):text.index(end)].strip()
        assert published == expected[path].strip(), (
            f"{path.name} is out of date: run python benchmarks/report.py --write")


def test_the_query_table_is_generated_from_every_query_header():
    """`python scripts/query_table.py --write` after adding or changing a query."""
    script = _script(REPO / "scripts" / "query_table.py")
    text = (DOCS / "endpoint.md").read_text(encoding="utf-8")
    assert script.published(text) == script.table().strip(), (
        "docs/endpoint.md's query table is out of date: run python scripts/query_table.py --write")
    for q in catalog():
        assert f"| `{q.name}` |" in script.table(), q.name


def test_the_layout_table_names_every_top_level_folder():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    layout = text[text.index("## Layout"):text.index("## Invariants")]
    folders = {p.name for p in REPO.iterdir() if p.is_dir() and (p.name == ".ci" or (
        not p.name.startswith(".") and not p.name.endswith(".egg-info")
        and p.name not in {"build", "site", "test-artifacts", "__pycache__"}))}
    folders |= {f"skillgraph/{p.name}" for p in (REPO / "skillgraph").iterdir()
                if p.is_dir() and p.name != "__pycache__"}  # fmt: skip
    assert {f for f in folders if f"`{f}/" not in layout and f"`{f}`" not in layout} == set()


# Citations of documents outside the repository (a design document, a style guide, the
# shared folder beside a checkout, an issue tracker). The pattern is assembled from parts
# so that this file does not match itself.
OUTSIDE = re.compile("|".join([
    r"\b" + "DES" + r"IGN(?:\.md|\s*§\s*\d*)",
    "design " + "card",
    r"\b" + "STY" + r"LE(?:\.md|\s*§\s*\d*|\s+\")",
    r"\.\./" + "shared",
    r"\b[Ii]ssue\s+#?\d+",
]))  # fmt: skip
CITING_SUFFIXES = {".py", ".md", ".rq", ".ttl", ".toml", ".html", ".js", ".css", ".sh", ".tsv"}
SKIPPED_DIRS = {".git", ".venv", "build", "site", "test-artifacts", "__pycache__", ".hypothesis",
                ".pytest_cache", ".ruff_cache", "node_modules"}  # fmt: skip
# Citations in folders being rewritten elsewhere, to be reworded there: file → the texts
# matched, in order. The test fails while an entry no longer matches, so the list only
# shrinks (line numbers are not pinned, so edits around them do not break it).
PENDING: dict[str, list[str]] = {}


def _citing_files():
    for path in sorted(REPO.rglob("*")):
        rel = path.relative_to(REPO)
        if any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in rel.parts):
            continue
        if rel.parts[:2] == ("tests", "w3c"):
            continue  # the W3C suite, kept unchanged
        if path.is_file() and (path.suffix in CITING_SUFFIXES or rel.as_posix() == ".ci/run"):
            yield rel.as_posix(), path


def test_nothing_cites_a_document_outside_the_repository():
    """Code and docs cite sections of this repository's own docs (architecture, README,
    CONTRIBUTING)."""
    found: dict[str, list[tuple[str, str]]] = {}  # file → (text matched, "line: text")
    for rel, path in _citing_files():
        if rel == "tests/test_docs.py":
            continue  # its patterns and examples
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in OUTSIDE.finditer(line):
                found.setdefault(rel, []).append((m.group(0), f"{n}: {line.strip()}"))
    problems = []
    for rel in sorted(set(found) | set(PENDING)):
        hits = found.get(rel, [])
        if [text for text, _ in hits] != PENDING.get(rel, []):
            problems += [f"{rel}:{where}" for _, where in hits] or [
                f"{rel}: reworded, remove it from PENDING"]
    assert problems == [], "cite a section of docs/architecture.md, README or CONTRIBUTING.md"


def test_the_citation_check_catches_each_kind():
    for line in ["see DES" "IGN §7", "as fixed by the design " "card", "(iss" "ue 5)",
                 "STY" "LE §11", "../sha" "red/DESIGN.md"]:  # fmt: skip
        assert OUTSIDE.search(line), line
    for line in ["§1.9.1 申报条件", "the issue is", "designed for", "STYLE of code"]:
        assert not OUTSIDE.search(line), line


def _headings(path: Path) -> set[str]:
    """Section names of a Markdown file: "### 2. Template interpreter (`loaders/`) → …" is
    cited as "Template interpreter"."""
    names = set()
    for h in re.findall(r"^#+ (.*)$", path.read_text(encoding="utf-8"), flags=re.M):
        name = re.sub(r"^\d+\.\s*", "", h).split(" (")[0].strip()
        names |= {name, name.replace("`", "")}
    return names


CITED_DOCS = {"README": README, "CONTRIBUTING": REPO / "CONTRIBUTING.md"} | {
    f"docs/{p.name}": p for p in DOCS.glob("*.md")}  # fmt: skip
CITATION = re.compile(
    r'(docs/[a-z-]+\.md|README|CONTRIBUTING)(?:\.md)?(?:,|\s*\(|\s)\s*'
    r'(?:"([A-Z][^"]{1,60})"|([A-Z][A-Za-z ]+?)[),.;:])')


def test_cited_sections_exist():
    """Every 'docs/architecture.md, "Section"' (or README / CONTRIBUTING.md) citation names
    a heading of that file, so a renamed section cannot leave a citation dangling."""
    headings = {doc: _headings(path) for doc, path in CITED_DOCS.items()}
    found, missing = 0, set()
    for rel, path in _citing_files():
        if rel == "tests/test_docs.py":
            continue  # its examples are not citations
        text = re.sub(r"\s*\n\s*(?:#\s*)?", " ", path.read_text(encoding="utf-8"))
        for m in CITATION.finditer(text):
            quoted, bare = m.group(2), m.group(3)
            if bare and not m.group(1).startswith("docs/"):
                continue  # "README has …": prose, not a section name
            found += 1
            if m.group(1) not in headings or (quoted or bare).strip() not in headings[m.group(1)]:
                missing.add((rel, m.group(1), quoted or bare))
    assert found > 30
    assert missing == set()
