"""Run one function over many items in forked processes that share the parent's store.

`skillgraph publish` renders each standard's pages from one loaded store: ~4.5 s of CPU per
standard, so 1,000 standards took 75 minutes on one core.  Loading the store again per
process would cost a minute and gigabytes each; a fork shares it copy-on-write, so the
children start at once.  Each child takes every ``jobs``-th item (items are alike: the
shares come out even), writes each result as JSON to a private directory (renamed into
place, so a half-written result is never read) and exits; the parent shows progress by
counting results and reads them back in the items' order, so the outcome does not depend
on ``jobs``.

Fork safety: the parent forks only while it runs a single thread (``/proc/self/task``;
pyoxigraph loads and parses on the calling thread), else it runs the items itself, as it
does for ``jobs`` 1 or a single item.  A child that fails stops the others; its message
(never a traceback) is raised as :class:`FanOutError`.  Memory: reading Oxigraph's
in-memory store writes to the pages read, so the children together make at most about one
more copy of the store their own (each reads its own items' part).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["FanOutError", "default_jobs", "fan_out", "thread_count"]

T = TypeVar("T")
Progress = Callable[[int, int, int], None]  # (items done, items in all, processes)

POLL_S = 0.2


class FanOutError(RuntimeError):
    """A child failed; the message says which item and why."""


def thread_count() -> int:
    """Threads of this process, as the kernel counts them (not only Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def fan_out(fn: Callable[[T], Any], items: Sequence[T], jobs: int,
            progress: Progress | None = None) -> list[Any]:
    """``[fn(item) for item in items]``, run by ``jobs`` forked children when it is safe;
    each result must survive a JSON round trip (lists come back as lists)."""
    say = progress or (lambda _done, _all, _processes: None)
    jobs = min(jobs, len(items))
    if jobs <= 1 or not hasattr(os, "fork") or thread_count() != 1:
        results = []
        for i, item in enumerate(items):
            results.append(json.loads(json.dumps(fn(item))))  # the same values either way
            say(i + 1, len(items), 1)
        return results
    scratch = Path(tempfile.mkdtemp(prefix="skillgraph-fanout-"))
    children: dict[int, int] = {}
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        for k in range(jobs):
            pid = os.fork()
            if pid == 0:
                _child(fn, items, k, jobs, scratch)  # never returns
            children[pid] = k
        _wait(children, scratch, len(items), lambda done, total: say(done, total, jobs))
        return [json.loads((scratch / f"{i}.json").read_text(encoding="utf-8"))
                for i in range(len(items))]
    finally:
        for pid in children:
            _kill(pid)
        shutil.rmtree(scratch, ignore_errors=True)


def _child(fn: Callable[[T], Any], items: Sequence[T], k: int, jobs: int,
           scratch: Path) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent stops us on Ctrl-C
        i = k
        for i in range(k, len(items), jobs):
            data = json.dumps(fn(items[i]), ensure_ascii=False)
            part = scratch / f".{i}.json"
            part.write_text(data, encoding="utf-8")
            part.rename(scratch / f"{i}.json")
        code = 0
    except BaseException as exc:  # told to the parent, which raises it
        with open(scratch / f"error-{k}", "w", encoding="utf-8") as out:
            out.write(f"item {i + 1} of {len(items)}: {type(exc).__name__}: {exc}")
    finally:
        os._exit(code)


def _wait(children: dict[int, int], scratch: Path, total: int,
          say: Callable[[int, int], None]) -> None:
    """Reap the children, reporting progress; raise the first failure."""
    running = dict(children)
    shown = -1
    while running:
        for pid in list(running):
            done_pid, status = os.waitpid(pid, os.WNOHANG)
            if done_pid == 0:
                continue
            k = running.pop(pid)
            children.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                error = scratch / f"error-{k}"
                why = (error.read_text(encoding="utf-8") if error.is_file()
                       else f"worker {k + 1} stopped (exit status {code}; out of memory?)")
                raise FanOutError(why)
        done = sum(1 for p in scratch.iterdir() if p.name.endswith(".json")
                   and not p.name.startswith("."))
        if done != shown:
            say(done, total)
            shown = done
        if running:
            time.sleep(POLL_S)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
