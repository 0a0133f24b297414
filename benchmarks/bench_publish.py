"""Publishing at scale: `skillgraph publish` of synthetic corpora of N standards.

A corpus of N is bench_scale's (the built graph.nt written N times, copy k with its codes
and competencies moved under 9-99-99-kkk) plus the build's ontology, as a build directory.
Per size, in a fresh process: a first (full) publish; a re-publish with nothing changed;
a re-publish with one label of the last standard changed (the one requirement's wording).
Reported: files and bytes of the site (and per standard), seconds (and per standard),
files written by each re-publish, which groups were rendered, and the largest PSS of all
the processes (sampled every 5 s: the publishing process and its renderers; the first
publish is the largest).  Publishing renders in
one process per CPU (``jobs``; CPU seconds count the forked renderers too); at size 10 a
full publish in one process is measured beside it (``full_one_process``), and at size 1
the former layout (``all_formats``: JSON-LD and N-Triples per node too).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from common import Timer, run_child, say

REQ_TEXT = "能编制2~3个行业组织层级的统计核算基础数据收集表".encode()
REWORDED = "能编制3~4个行业组织层级的统计核算基础数据收集表".encode()


def make_build(build_dir: Path, n: int, out: Path, *, reword_last: bool = False) -> None:
    """A build directory of about ``n`` standards (graph.nt + ontology.ttl): the scale
    part's copies of the build (every shipped code rewritten per copy)."""
    from bench_scale import copies, copy_text, shipped_codes

    out.mkdir(parents=True, exist_ok=True)
    text = (build_dir / "graph.nt").read_bytes()
    assert REQ_TEXT in text, "the shipped standard's requirement 2.1.1 is not in graph.nt"
    codes, count = shipped_codes(build_dir), copies(build_dir, n)
    with (out / "graph.nt").open("wb") as f:
        for k in range(1, count + 1):
            copy = copy_text(text, k, codes)
            if reword_last and k == count:
                copy = copy.replace(REQ_TEXT, REWORDED)
            f.write(copy)
    shutil.copy(build_dir / "ontology.ttl", out / "ontology.ttl")


def _run(site: Path, build: Path, **kw: Any) -> dict[str, Any]:
    from skillgraph.publish import publish

    t = Timer()
    r = publish(site, build, **kw)
    return {"wall_s": round(t.wall, 2), "cpu_s": round(t.cpu_all, 2), "files": r.files,
            "bytes": r.bytes, "pages": r.pages, "written": r.written, "removed": r.removed,
            "full": r.full, "rendered": len(r.rendered), "skipped": len(r.skipped),
            "jobs": r.jobs}


def child(n: int, build_dir: Path, work: Path) -> dict[str, Any]:
    """One size: build dirs, the three publishes (and the former layout at size 1)."""
    base, changed = work / f"pub-build-{n}", work / f"pub-build-{n}-changed"
    make_build(build_dir, n, base)
    make_build(build_dir, n, changed, reword_last=True)
    site = work / f"pub-site-{n}"
    out: dict[str, Any] = {"standards": n}
    say(f"  publish x{n}: full")
    out["full"] = _run(site, base)
    out["jobs"] = out["full"]["jobs"]
    say(f"  publish x{n}: {out['full']['wall_s']:.0f} s; again, unchanged")
    out["unchanged"] = _run(site, base)
    say(f"  publish x{n}: one standard changed")
    out["one_changed"] = _run(site, changed)
    if n == 10:
        say("  publish x10: full, in one process")
        out["full_one_process"] = _run(work / "pub-site-one", base, jobs=1)
        shutil.rmtree(work / "pub-site-one", ignore_errors=True)
    if n == 1:
        say("  publish x1: former layout (four files per node)")
        out["all_formats"] = _run(work / "pub-site-all", base, all_formats=True)
        shutil.rmtree(work / "pub-site-all", ignore_errors=True)
    out["per_standard"] = {
        "files": round(out["full"]["files"] / n),
        "mb": round(out["full"]["bytes"] / n / 2**20, 2),
        "full_s": round(out["full"]["wall_s"] / n, 2),
    }
    for d in (base, changed, site):
        shutil.rmtree(d, ignore_errors=True)
    return out


def measure(build_dir: Path, work: Path, sizes: list[int]) -> dict[str, Any]:
    results = []
    for n in sizes:
        say(f"publish: {n} standard(s)")
        try:  # a full publish takes ~4.5 s per standard on one core, re-publishes ~0.4 s
            doc, _wall = run_child(
                ["benchmarks/bench_publish.py", str(n), str(build_dir), str(work)],
                timeout=max(1800, 12 * n), memory_every=5)
        except (TimeoutError, RuntimeError) as exc:
            doc = {"standards": n, "error": str(exc)}
        results.append(doc)
    return {"corpus": "bench_scale's synthetic copies of the built graph, as a build directory",
            "sizes": results}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    n, build, scratch = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(child(n, build, scratch)))
