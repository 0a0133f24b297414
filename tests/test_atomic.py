"""Nothing lost: a killed or failed build leaves the previous output intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from skillgraph.atomic import recover, write_files

DEAD_PID = 2**22 + 12345  # above the default pid_max: never a live process


def test_a_build_killed_midway_leaves_the_previous_output(tmp_path):
    out = tmp_path / "build"
    write_files(out, {"graph.nt": b"previous\n"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "skillgraph.cli", "build", "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # kill it once it is busy: after the RDF stage
        if line.strip().startswith("closure"):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert (out / "graph.nt").read_bytes() == b"previous\n"
    write_files(out, {"graph.nt": b"next\n"})  # the next writer cleans up after the dead one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_an_interrupted_swap_is_undone_by_the_next_run(tmp_path):
    out = tmp_path / "site"
    old = tmp_path / f".site.old-{DEAD_PID}-swap"
    old.mkdir()
    (old / "index.html").write_text("old", encoding="utf-8")
    stale = tmp_path / f".site.tmp-{DEAD_PID}-abc"
    stale.mkdir()
    recover(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failing_writer_changes_nothing(tmp_path):
    out = tmp_path / "out"
    write_files(out, {"a.txt": b"1"})

    def boom(_tmp: Path) -> None:
        raise RuntimeError("disk full")

    from skillgraph.atomic import replace_directory

    with pytest.raises(RuntimeError):
        replace_directory(out, boom)
    assert (out / "a.txt").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
