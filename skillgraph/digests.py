"""Digests that say whether published or served bytes can have changed.

Both `skillgraph serve` (its ETags) and `skillgraph publish` (its manifest) must know when
the same build, read by the same code with the same settings, gives the same bytes: the
build and the code are deterministic (docs/architecture.md, "Invariants"), so a digest of
their inputs stands for the output without producing it.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

CHUNK = 1 << 20
# What decides a page, a document or an answer besides the build: the package's code,
# templates, scripts, styles and queries (not the shipped standards: they are input data,
# already in the build).
CODE_SUFFIXES = (".py", ".html", ".css", ".js", ".rq", ".json", ".toml", ".tsv", ".ttl")
SKIPPED = {"__pycache__", "standards"}


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MB pieces (dumps of many standards are GBs)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _walk(entry: Traversable, prefix: str, h: hashlib._Hash) -> None:
    for child in sorted(entry.iterdir(), key=lambda e: e.name):
        if child.name in SKIPPED:
            continue
        if child.is_dir():
            _walk(child, f"{prefix}{child.name}/", h)
        elif child.name.endswith(CODE_SUFFIXES):
            data = child.read_bytes()
            h.update(f"{prefix}{child.name}\0{len(data)}\0".encode())
            h.update(data)


def code_digest() -> str:
    """Digest of the installed package's code and templates (16 hex digits)."""
    h = hashlib.sha256()
    _walk(resources.files("skillgraph"), "", h)
    return h.hexdigest()[:16]


def build_digest(build_dir: Path) -> str:
    """Digest of what a server or publisher reads from a build: the data graph and the
    ontology (the other dumps are serializations of them), 16 hex digits."""
    h = hashlib.sha256()
    for name in ("graph.nt", "ontology.ttl"):
        path = build_dir / name
        h.update(f"{name}\0{file_sha256(path) if path.is_file() else '-'}\0".encode())
    return h.hexdigest()[:16]
