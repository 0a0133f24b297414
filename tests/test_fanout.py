"""`skillgraph.fanout`: items run by forked children, results back in order, failures told.

The forking cases run in a fresh interpreter: a test process may run threads (servers,
browsers), and then fan_out rightly runs the items itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from skillgraph.fanout import FanOutError, default_jobs, fan_out, resident_bytes

SQUARES = """
import json, os
from skillgraph.fanout import fan_out
seen = []
results = fan_out(lambda i: [i * i, os.getpid()], list(range(10)), 2,
                  lambda done, total, processes: seen.append([done, total, processes]))
print(json.dumps({"parent": os.getpid(), "results": results, "seen": seen}))
"""

FAILING = """
from skillgraph.fanout import FanOutError, default_jobs, fan_out, resident_bytes
def fn(i):
    if i == 7:
        raise ValueError("no square for seven")
    return i * i
try:
    fan_out(fn, list(range(10)), 2)
except FanOutError as exc:
    print(exc)
"""


def fresh(code: str, tmp_path: Path) -> str:
    """Run ``code`` in a new interpreter whose temporary directory is ``tmp_path``."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_children_share_the_items_and_results_come_back_in_order(tmp_path):
    out = json.loads(fresh(SQUARES, tmp_path))
    assert [r[0] for r in out["results"]] == [i * i for i in range(10)]
    pids = {r[1] for r in out["results"]}
    assert len(pids) == 2 and out["parent"] not in pids  # two children did the work
    assert out["seen"][-1] == [10, 10, 2]
    assert list(tmp_path.iterdir()) == []  # the results' directory is gone


BATCHES = """
import json, os
from skillgraph.fanout import fan_out
print(json.dumps(fan_out(lambda i: os.getpid(), list(range(10)), 2, batch=2)))
"""


def test_a_fresh_child_takes_each_batch(tmp_path):
    """A child lives for one batch: its private copies of the parent's pages go with it."""
    pids = json.loads(fresh(BATCHES, tmp_path))
    assert len(set(pids)) == 5
    assert [len(set(pids[i:i + 2])) for i in range(0, 10, 2)] == [1] * 5


def test_a_failing_item_stops_the_run_and_names_the_item(tmp_path):
    out = fresh(FAILING, tmp_path)
    assert out.strip() == "item 8 of 10: ValueError: no square for seven"
    assert list(tmp_path.iterdir()) == []


def test_one_job_or_a_threaded_parent_runs_the_items_here():
    mine = os.getpid()
    assert fan_out(lambda i: [i, os.getpid()], [1, 2, 3], 1) == [[1, mine], [2, mine],
                                                                  [3, mine]]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:  # forking now could copy a lock another thread holds: no fork
        assert {r[1] for r in fan_out(lambda i: [i, os.getpid()], [1, 2, 3], 2)} == {mine}
    finally:
        stop.set()
        other.join()


def test_results_are_json_values_either_way():
    assert fan_out(lambda i: (i, {"k": i}), [1], 1) == [[1, {"k": 1}]]
    with pytest.raises(TypeError):
        fan_out(lambda i: {i}, [1], 1)  # a set is no JSON value: refused here too
    assert issubclass(FanOutError, RuntimeError)


def test_no_more_jobs_than_the_memory_available_holds():
    cpus = len(os.sched_getaffinity(0))
    assert default_jobs() == cpus
    assert default_jobs(per_job_bytes=2**50) == 1  # a petabyte each: one process
    assert default_jobs(per_job_bytes=1) == cpus
    rss = resident_bytes()
    assert rss is not None and 10 * 2**20 < rss < 64 * 2**30


SLOW = """
import os, sys, time
from pathlib import Path
from skillgraph.fanout import fan_out
here = Path(sys.argv[1])
def fn(i):
    (here / f"{os.getpid()}.pid").write_text("")
    time.sleep(60)
fan_out(fn, list(range(4)), 2)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # a zombie of ours: dead, not yet reaped


def test_children_die_with_a_killed_parent(tmp_path):
    import signal
    import time

    parent = subprocess.Popen([sys.executable, "-c", SLOW, str(tmp_path)])
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("*.pid"))) < 2:
            assert time.monotonic() < deadline, "the children did not start"
            time.sleep(0.05)
        children = [int(p.stem) for p in tmp_path.glob("*.pid")]
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        while not all(_gone(pid) for pid in children):
            assert time.monotonic() < deadline, "a child outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()
