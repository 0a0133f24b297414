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
