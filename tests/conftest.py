"""Session fixtures: the real standard is parsed and built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgraph.loaders.standard import default_source, parse_standard
from skillgraph.model import Standard


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
    timeout (1.5 s) and row cap (1000); yields the base URL (no trailing slash)."""
    import select
    import subprocess
    import sys
    import time
    import urllib.request

    log = tmp_path_factory.mktemp("live-server") / "serve.log"
    cmd = [sys.executable, "-m", "skillgraph.cli", "serve", "--port", "0",
           "--build", str(built.out), "--timeout", "1.5", "--max-results", "1000"]
    with log.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        url = proc.stdout.readline().decode().strip().rstrip("/") if ready else ""
        assert url.startswith("http://127.0.0.1:"), f"no URL printed: {log.read_text()}"
        while True:  # poll until the endpoint answers; no fixed sleep
            try:
                with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, f"server died: {log.read_text()}"
            assert time.monotonic() < deadline, f"server did not answer: {log.read_text()}"
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
