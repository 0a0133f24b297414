"""Many standards in one build: the two real ones plus N synthetic copies.

A synthetic standard is the carbon draft's text with another occupation code (9-99-NN-NN),
so each is parsed, converted and validated in full and mints its own IRIs.  The
build runs as the CLI does (``python -m skillgraph.cli build --source DIR``), twice: cold
(empty parse cache) and warm (every source unchanged, read from the cache).  Reported: wall
and CPU time, peak RSS, triples, cache hits, and the per-stage times the build prints.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from common import run_measured, say

STAGES = ("parse", "rdf", "closure", "hermit", "validation", "serialization")


def make_corpus(folder: Path, n: int) -> list[Path]:
    """The shipped standards plus ``n`` synthetic copies of the carbon draft's text."""
    from skillgraph.loaders.standard import shipped_sources

    folder.mkdir(parents=True, exist_ok=True)
    real = shipped_sources()
    for src in real:
        shutil.copy(src, folder / src.name)
    text = next(p for p in real if p.suffix == ".txt").read_text(encoding="utf-8")
    for i in range(n):
        code = f"9-99-{i // 100:02d}-{i % 100:02d}"
        copy = text.replace("4-09-07-04", code)  # its own IRIs; names, errata: none of its own
        (folder / f"{code}_synthetic.txt").write_text(copy, encoding="utf-8")
    return sorted(folder.iterdir())


def _stages(stderr: str) -> dict[str, float]:
    out = {}
    for stage in STAGES:
        m = re.search(rf"^\s+{stage}\s+(\d+) ms$", stderr, re.M)
        if m:
            out[stage] = int(m.group(1)) / 1000
    return out


def _build(corpus: Path, out: Path, cache: Path, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "skillgraph.cli", "build", "--source", str(corpus),
           "--out", str(out)]  # fmt: skip
    os.environ["XDG_CACHE_HOME"] = str(cache)  # the child inherits it: an isolated cache
    measured = run_measured(cmd, timeout=timeout, keep_stderr=True)
    log = measured.pop("stderr")
    measured["stages_s"] = _stages(log)
    measured["cached"] = log.count("unchanged (cached)")
    return measured


def measure(work: Path, synthetic: int, timeout: float = 3600) -> dict[str, Any]:
    corpus = work / "many-sources"
    files = make_corpus(corpus, synthetic)
    cache = work / "many-cache"
    shutil.rmtree(cache, ignore_errors=True)
    runs = {}
    for label in ("cold", "warm"):
        out = work / f"many-build-{label}"
        say(f"many: {label} build of {len(files)} standards")
        start = time.perf_counter()
        runs[label] = _build(corpus, out, cache, timeout)
        runs[label]["wall_s"] = round(time.perf_counter() - start, 2)
        graph = out / "graph.nt"
        runs[label]["triples"] = sum(1 for _ in graph.open("rb")) if graph.is_file() else None
        say(f"  {runs[label]['wall_s']:.1f} s, peak {runs[label]['peak_rss_mb']:.0f} MB")
    return {
        "standards": len(files),
        "real": 2,
        "synthetic": synthetic,
        "command": "python -m skillgraph.cli build --source DIR --out OUT",
        "runs": runs,
    }


__all__ = ["make_corpus", "measure"]
