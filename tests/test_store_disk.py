"""`serve --store disk`: the build's on-disk store, written once and opened read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from skillgraph.catalog import load_query
from skillgraph.params import bind
from skillgraph.store import (
    DISK_STORE_DIR,
    disk_store_fresh,
    make_disk_store,
    open_store,
    run_query,
)

ACC3 = "https://w3id.org/skillgraph/id/occupation/4-09-07-04/trade/accounting/level/3"


@pytest.fixture
def build_copy(built, tmp_path: Path) -> Path:
    """A copy of the session build this test may write its store into."""
    out = tmp_path / "build"
    shutil.copytree(built.out, out, ignore=shutil.ignore_patterns(DISK_STORE_DIR, "store.json"))
    return out


def rows(store, name: str, **params: str) -> list[dict[str, str]]:
    text = bind(load_query(name), {k: [v] for k, v in params.items()})
    return [{k: v.value for k, v in r.items()} for r in run_query(store, text).rows]


def test_the_disk_store_answers_as_the_memory_store(build_copy: Path) -> None:
    make_disk_store(build_copy)
    disk, memory = open_store(build_copy, "disk"), open_store(build_copy, "memory")
    assert len(disk) == len(memory) > 20_000
    for name, params in (("gap", {"target": ACC3}), ("overview-counts", {}),
                         ("findings", {"limit": "5", "offset": "5"})):
        assert rows(disk, name, **params) == rows(memory, name, **params)
    other = open_store(build_copy, "disk")  # read-only: several readers at once
    assert len(other) == len(disk)


def test_it_is_written_once_per_build_and_again_when_the_dump_changes(build_copy: Path) -> None:
    made = make_disk_store(build_copy)
    first = (build_copy / "store.json").stat().st_mtime_ns
    assert make_disk_store(build_copy) == made
    assert (build_copy / "store.json").stat().st_mtime_ns == first  # kept: nothing changed
    graph = build_copy / "graph.nt"
    graph.write_bytes(graph.read_bytes() + b"<urn:x> <urn:p> <urn:o> .\n")
    assert not disk_store_fresh(build_copy)
    with pytest.raises(FileNotFoundError, match="no on-disk store of this build"):
        open_store(build_copy, "disk")
    make_disk_store(build_copy)
    assert len(open_store(build_copy, "disk")) == len(open_store(build_copy, "memory"))
    assert not list(build_copy.glob("store.partial-*"))


def _workers_store_kind(build_dir: Path) -> str | None:
    """SKILLGRAPH_STORE of the query workers serving ``build_dir``, or of the zygote they
    are forked from (an on-disk store's background threads make forking unsafe: its
    workers open the store themselves)."""
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            ours = {b"skillgraph.server.zygote", b"skillgraph.server.worker"} & set(cmd)
            if ours and str(build_dir).encode() in cmd:
                env = dict(e.split(b"=", 1) for e in (proc / "environ").read_bytes().split(b"\0")
                           if b"=" in e)
                value = env.get(b"SKILLGRAPH_STORE")
                return value.decode() if value else None
        except OSError:
            continue
    raise AssertionError("no query worker or zygote process found")


@pytest.mark.parametrize(("kind", "workers_store"), [("disk", "disk"), ("hybrid", "memory")])
def test_serve_store_disk_or_hybrid_serves_queries_and_pages(
        build_copy: Path, tmp_path: Path, kind: str, workers_store: str) -> None:
    import engines

    with engines.serving(build_copy, tmp_path / "serve.log",
                         extra=["--store", kind, "--workers", "1"]) as server:
        assert disk_store_fresh(build_copy)  # the pages read it in both
        assert _workers_store_kind(build_copy) == workers_store
        answer = engines.sparql_json(server.base + "/sparql", bind(load_query("gap"),
                                                                 {"target": [ACC3]}))
        expected = rows(open_store(build_copy, "memory"), "gap", target=ACC3)
        got = [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]
        assert got == expected
        with urllib.request.urlopen(server.base + "/id/occupation/4-09-07-04", timeout=30) as r:
            assert r.status == 200 and "4-09-07-04" in r.read().decode()
        request = urllib.request.Request(server.base + "/sparql",
                                         headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as r:
            described = r.read().decode()
        memory_triples = len(open_store(build_copy, "memory"))
        assert f'"{memory_triples}"^^<http://www.w3.org/2001/XMLSchema#integer>' in described


@pytest.mark.parametrize("kind", ["disk", "hybrid"])
def test_serve_store_disk_or_hybrid_refuses_extra_data(build_copy: Path, kind: str) -> None:
    extra = build_copy / "extra.nt"
    extra.write_text("<urn:x> <urn:p> <urn:o> .\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "skillgraph.cli", "serve", "--build", str(build_copy),
         "--store", kind, "--data", str(extra), "--port", "0"],
        capture_output=True, text=True, timeout=120, env={**os.environ},
    )
    assert done.returncode == 2 and "--data needs --store memory" in done.stderr
