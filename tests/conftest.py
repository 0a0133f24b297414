"""Session fixtures (the real standard is parsed and built once per test run) and the test
tiers: which tests are ``slow`` (CONTRIBUTING.md, "Test tiers").

``pytest -m "not slow"`` is the inner loop; plain ``pytest`` (CI, the README) runs all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillgraph.loaders.standard import default_source, parse_standard
from skillgraph.model import Standard

ASK_PROBE = "/sparql?query=ASK%7B%7D"  # answers 200 once a query worker is up

# The slow tier, decided here in one place rather than by decorating each test. A test is
# slow when it is marked ``java`` (HermiT and the OWL API run in a JVM: seconds to a minute
# each), asks for a fixture that starts an external program, or is in a module whose every
# test drives one. Each entry says why.
SLOW_MARKERS = {"java": "a JVM (HermiT, OWL API profile check)"}
SLOW_FIXTURES = {
    "browser": "headless Chromium",
    "virtuoso": "a Virtuoso instance loaded with the dumps",
}
SLOW_MODULES = {
    "test_benchmarks_smoke.py": "benchmarks/run.py --quick: builds, stores of 1× and 10×, "
                                "Virtuoso (about half of the whole suite's time)",
    "test_virtuoso.py": "every catalog query on Virtuoso and on `skillgraph serve`",
    "test_browser.py": "headless Chromium against `skillgraph serve`",
    "test_curriculum_browser.py": "headless Chromium",
    "test_publish.py": "publishes the whole static site (11k files) several times",
    "test_publish_incremental.py": "three builds, a dozen publishes of the static site",
    "test_endpoint_load.py": "load test: 16 clients, a query stopped by its timeout",
    "test_catalog_parity.py": "every catalog query on stock Virtuoso, Jena ARQ (a JVM per "
                              "query) and `skillgraph serve` (~90 s to start them)",
    "test_jena.py": "Jena ARQ in a JVM",
    "test_comunica.py": "Comunica (node) against `skillgraph serve`",
    "test_interchange_case.py": "CASE packages of both standards, schema-checked, read back",
    "test_interchange_ctdl.py": "CTDL-ASN of both standards through rdflib's JSON-LD parser",
    "test_interchange_xlsx.py": "workbooks of both standards written, read and rebuilt",
    "test_interchange_diff.py": "builds of edited copies of the carbon draft, compared",
    "test_http_hygiene.py": "slow and flooding clients against a live `skillgraph serve`",
    "test_curriculum_server.py": "uploads up to every input limit to a live `skillgraph serve` "
                                 "and its curriculum worker processes",
    "test_site_exports.py": "every export of both standards fetched from a live app, "
                            "schema-checked and read back",
    "test_bench_virtuoso.py": "writes scale corpora of the build",
    "test_zygote.py": "forks, crashes and replaces query worker processes",
    "test_store_disk.py": "writes the on-disk store, runs `skillgraph serve --store disk`",
    "test_endpoint_abuse.py": "hostile queries and answers against the app's query workers "
                              "(nesting, huge answers, unread streams)",
}
# The parser fuzzing runs 60 reproducible cases (seconds) in the fast tier; a long run
# (SKILLGRAPH_FUZZ_EXAMPLES above that, docs/security.md "Robustness") is slow.
if int(os.environ.get("SKILLGRAPH_FUZZ_EXAMPLES", "60")) > 60:
    SLOW_MODULES["test_fuzz_parser.py"] = "a long fuzz run (SKILLGRAPH_FUZZ_EXAMPLES)"


def slow_reason(item: pytest.Item) -> str | None:
    """Why ``item`` is in the slow tier, or None."""
    for marker, why in SLOW_MARKERS.items():
        if item.get_closest_marker(marker) is not None:
            return why
    for fixture, why in SLOW_FIXTURES.items():
        if fixture in getattr(item, "fixturenames", ()):
            return why
    return SLOW_MODULES.get(item.path.name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if slow_reason(item) is not None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def source_path() -> Path:
    return default_source()


@pytest.fixture(scope="session")
def source_lines(source_path: Path) -> list[str]:
    return source_path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def standard(source_path: Path) -> Standard:
    return parse_standard(source_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, source_path: Path):
    """A full build (parse, RDF, closure, validation, artifacts) into a temp dir."""
    from skillgraph.build import build

    out = tmp_path_factory.mktemp("build")
    return build(source_path, out, hermit=False)


@pytest.fixture(scope="session")
def built_all(tmp_path_factory: pytest.TempPathFactory):
    """The default build: every standard shipped (the carbon draft and the AI trainer PDF)."""
    from skillgraph.build import build

    return build(None, tmp_path_factory.mktemp("build-all"), hermit=False)


@pytest.fixture(scope="session")
def both(built_all) -> Path:
    """The default build's directory (every shipped standard), as the interchange tests name it."""
    return built_all.out


@pytest.fixture(scope="session")
def loaded(both: Path):
    """The default build's graph as the interchange writers read it: (graph, changed)."""
    from skillgraph.interchange.graph import load_build

    return load_build(both)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, built):
    """Virtuoso on loopback with its own ini and database, loaded from the build's dumps.

    Skips when virtuoso-opensource is not installed; the instance and its files are removed
    at the end of the session.
    """
    import engines

    try:
        engines.virtuoso_binaries()
    except engines.EngineMissing as exc:
        pytest.skip(str(exc))
    home = tmp_path_factory.mktemp("virtuoso")
    with engines.virtuoso_with_build(home, built.out) as v:
        yield v


@pytest.fixture(scope="session")
def skillgraph_server(tmp_path_factory: pytest.TempPathFactory, built):
    """`skillgraph serve --port 0` on 127.0.0.1 over the session build, as a child process."""
    import engines

    log = tmp_path_factory.mktemp("serve") / "serve.log"
    server = engines.start_serve(built.out, log)
    yield server
    engines.stop_serve(server)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Headless system Chromium (Selenium + Debian chromedriver), fresh profile; skips without."""
    import engines

    try:
        engines.chromium_binaries()
    except engines.EngineMissing as exc:
        pytest.skip(str(exc))
    home = tmp_path_factory.mktemp("chromium")
    with engines.chromium(home / "profile", home / "chromedriver.log") as driver:
        yield driver


@pytest.fixture(scope="session")
def server_client(built):
    """The server app in-process (Starlette TestClient over httpx): real routes, real
    query worker processes, lifespan run once per session."""
    from starlette.testclient import TestClient

    from skillgraph.server.app import ServerConfig, create_app

    app = create_app(ServerConfig(built.out, timeout=20, workers=2))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture(scope="session")
def live_server(built, tmp_path_factory: pytest.TempPathFactory):
    """`skillgraph serve --port 0` as a child process on 127.0.0.1 with a short query
    timeout (1.5 s), row cap (1000) and 3 query workers; yields the base URL (no trailing
    slash)."""
    import engines

    log = tmp_path_factory.mktemp("live-server") / "serve.log"
    # 3 workers: every new query text is parsed by the guard in its worker (~50 ms, more on
    # a busy machine; docs/security.md, "Refused"), so with 16 load-test clients and a
    # 1.5 s limit on waiting for a worker, 2 workers left a request or two waiting past it.
    extra = ["--timeout", "1.5", "--max-results", "1000", "--workers", "3"]
    with engines.serving(built.out, log, extra=extra, probe=ASK_PROBE) as server:
        yield server.base
