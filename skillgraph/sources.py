"""Reading many standards: which files, in parallel, and not again when unchanged.

Each source is read and interpreted on its own (a process per core), and the parsed model
is cached under its content: the SHA-256 of the source bytes plus a digest of the reader
and interpreter code and their data files (names, errata).  An unchanged source with
unchanged code is not parsed again; any change to either misses the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

from .loaders.errors import SourceFormatError
from .loaders.standard import parse_standard, shipped_sources
from .model import Standard

SOURCE_SUFFIXES = (".pdf", ".txt", ".xlsx")
MAX_SOURCES = 2000

Progress = Callable[[str], None]


def expand_sources(given: Iterable[Path]) -> list[Path]:
    """Files named, and the .pdf/.txt/.xlsx files of directories named (sorted); default:
    every shipped standard."""
    given = list(given)
    out: list[Path] = []
    for path in given:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES)
            if not found:
                raise SourceFormatError(path, 1, "directory holds no .pdf or .txt standard")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise SourceFormatError(path, 1, "no such file or directory")
    if not given:
        out = shipped_sources()
    if len(out) > MAX_SOURCES:
        raise SourceFormatError(out[0], 1, f"{len(out)} sources, over the limit of {MAX_SOURCES}")
    return list(dict.fromkeys(out))


def code_digest() -> str:
    """Digest of everything that decides a parse besides the source: code and data files."""
    h = hashlib.sha256()
    for package in ("skillgraph.loaders", "skillgraph.standards.names",
                    "skillgraph.standards.errata"):  # fmt: skip
        root = resources.files(package)
        for entry in sorted(root.iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".py", ".toml")):
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    h.update((resources.files("skillgraph") / "model.py").read_bytes())
    return h.hexdigest()[:16]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "skillgraph" / "parsed"


def _cache_key(path: Path, code: str) -> str:
    return f"{hashlib.sha256(path.read_bytes()).hexdigest()}-{code}"


def _parse(path: Path) -> Standard:
    return parse_standard(path)


def read_standards(
    sources: list[Path],
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[list[Standard], int]:
    """Parsed models of ``sources`` in their order, and how many came from the cache.

    ``cache_dir=None`` uses the default cache; pass a path to isolate, or set
    ``SKILLGRAPH_NO_CACHE=1`` to read everything anew.
    """
    say = progress or (lambda _m: None)
    use_cache = not os.environ.get("SKILLGRAPH_NO_CACHE")
    cache = cache_dir or default_cache_dir()
    code = code_digest()
    results: dict[int, Standard] = {}
    todo: list[int] = []
    keys = {}
    for i, path in enumerate(sources):
        keys[i] = _cache_key(path, code)
        hit = cache / f"{keys[i]}.pickle"
        if use_cache and hit.is_file():
            try:
                results[i] = pickle.loads(hit.read_bytes())  # our own cache files only
                say(f"  {path.name}: unchanged (cached)")
                continue
            except Exception:  # a damaged entry is read anew
                pass
        todo.append(i)
    cached = len(results)
    n = workers or min(len(todo), os.cpu_count() or 1)
    if len(todo) > 1 and n > 1:
        with ProcessPoolExecutor(max_workers=n) as pool:
            for i, std in zip(todo, pool.map(_parse, [sources[i] for i in todo]), strict=True):
                results[i] = std
                say(f"  {sources[i].name}: read")
    else:
        for i in todo:
            results[i] = _parse(sources[i])
            say(f"  {sources[i].name}: read")
    if use_cache:
        cache.mkdir(parents=True, exist_ok=True)
        for i in todo:
            _write_atomically(cache / f"{keys[i]}.pickle", pickle.dumps(results[i]))
    standards = [results[i] for i in range(len(sources))]
    _check_distinct(standards, sources)
    return standards, cached


def _check_distinct(standards: list[Standard], sources: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for std, path in zip(standards, sources, strict=True):
        code = std.profile.code
        if code in seen:
            raise SourceFormatError(
                path, 1, f"a second standard for occupation {code} (the first is {seen[code]})"
            )
        seen[code] = path


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


__all__ = ["expand_sources", "read_standards"]
