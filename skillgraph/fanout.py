"""Run one function over many items in forked processes that share the parent's store.

`skillgraph publish` renders each standard's pages from one loaded store: ~4.5 s of CPU per
standard, so 1,000 standards took 75 minutes on one core.  Loading the store again per
process would cost a minute and gigabytes each; a fork shares it copy-on-write, so the
children start at once.  At most ``jobs`` children run; each takes the next ``batch`` of
items, writes each result as JSON to a private directory (renamed into place, so a
half-written result is never read) and exits, and a fresh child takes the next batch.
The parent shows progress by counting results and reads them back in the items' order,
so the outcome does not depend on ``jobs`` or ``batch``.

Memory: a child makes its own every page it writes, and reading writes more than one
would think (Python's reference counts and garbage collector; Oxigraph's in-memory store
writes to the pages it reads).  ``gc.freeze()`` before forking keeps the collector off
the parent's objects, and a child lives for one batch only, so each holds at most what a
batch touched, however many items there are (measured at 1,000 standards: ~1.9 GB per
child after 25 standards, growing, when children lived for every ``jobs``-th item).

Fork safety: the parent forks only while it runs a single thread (``/proc/self/task``;
pyoxigraph loads and parses on the calling thread), else it runs the items itself, as it
does for ``jobs`` 1 or a single item.  A child that fails stops the others; its message
(never a traceback) is raised as :class:`FanOutError`.  A child dies with its parent
(``PR_SET_PDEATHSIG``): a killed run leaves nothing running.
"""

from __future__ import annotations

import gc
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

__all__ = ["FanOutError", "default_jobs", "fan_out", "resident_bytes", "thread_count"]

T = TypeVar("T")
Progress = Callable[[int, int, int], None]  # (items done, items in all, processes)

POLL_S = 0.1
BATCH = 20  # items per child before a fresh fork takes over
PR_SET_PDEATHSIG = 1


class FanOutError(RuntimeError):
    """A child failed; the message says which item and why."""


def thread_count() -> int:
    """Threads of this process, as the kernel counts them (not only Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def default_jobs(per_job_bytes: int = 0) -> int:
    """The CPUs this process may run on, and no more processes than the memory available
    holds at ``per_job_bytes`` each (0: not counted)."""
    try:
        cpus = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        cpus = max(1, os.cpu_count() or 1)
    available = _meminfo_bytes("MemAvailable")
    if per_job_bytes > 0 and available is not None:
        return max(1, min(cpus, available // per_job_bytes))
    return cpus


def resident_bytes() -> int | None:
    """This process's resident memory (``/proc/self/status``), None where unknown."""
    return _meminfo_bytes("VmRSS", "/proc/self/status")


def _meminfo_bytes(field: str, path: str = "/proc/meminfo") -> int | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def fan_out(fn: Callable[[T], Any], items: Sequence[T], jobs: int,
            progress: Progress | None = None, *, batch: int = BATCH) -> list[Any]:
    """``[fn(item) for item in items]``, run by up to ``jobs`` forked children (``batch``
    items each) when it is safe; each result must survive a JSON round trip (lists come
    back as lists)."""
    say = progress or (lambda _done, _all, _processes: None)
    jobs = min(jobs, len(items))
    if jobs <= 1 or not hasattr(os, "fork") or thread_count() != 1:
        results = []
        for i, item in enumerate(items):
            results.append(json.loads(json.dumps(fn(item))))  # the same values either way
            say(i + 1, len(items), 1)
        return results
    batch = max(1, min(batch, -(-len(items) // jobs)))  # every child busy from the start
    batches = [range(i, min(i + batch, len(items))) for i in range(0, len(items), batch)]
    scratch = Path(tempfile.mkdtemp(prefix="skillgraph-fanout-"))
    children: dict[int, range] = {}
    parent = os.getpid()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the parent's objects stay out of the children's collections
        shown = -1
        while batches or children:
            while batches and len(children) < jobs:
                part = batches.pop(0)
                pid = os.fork()
                if pid == 0:
                    _child(fn, items, part, scratch, parent)  # never returns
                children[pid] = part
            _reap(children, scratch)
            done = sum(1 for p in scratch.iterdir() if p.suffix == ".json"
                       and not p.name.startswith("."))
            if done != shown:
                say(done, len(items), jobs)
                shown = done
            if children:
                time.sleep(POLL_S)
        return [json.loads((scratch / f"{i}.json").read_text(encoding="utf-8"))
                for i in range(len(items))]
    finally:
        for pid in children:
            _kill(pid)
        gc.unfreeze()
        shutil.rmtree(scratch, ignore_errors=True)


def _child(fn: Callable[[T], Any], items: Sequence[T], part: range, scratch: Path,
           parent: int) -> None:
    code = 1
    i = part.start
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent stops us on Ctrl-C
        _die_with(parent)
        for i in part:
            data = json.dumps(fn(items[i]), ensure_ascii=False)
            tmp = scratch / f".{i}.json"
            tmp.write_text(data, encoding="utf-8")
            tmp.rename(scratch / f"{i}.json")
        code = 0
    except BaseException as exc:  # told to the parent, which raises it
        with open(scratch / f"error-{part.start}", "w", encoding="utf-8") as out:
            out.write(f"item {i + 1} of {len(items)}: {type(exc).__name__}: {exc}")
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (a killed publish leaves no renderers running)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl(2) here: the parent's finally still stops us when it can
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _reap(children: dict[int, range], scratch: Path) -> None:
    """Reap the children that ended; raise the first failure."""
    for pid in list(children):
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended == 0:
            continue
        part = children.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            error = scratch / f"error-{part.start}"
            why = (error.read_text(encoding="utf-8") if error.is_file()
                   else f"the process for items {part.start + 1}–{part.stop} stopped "
                        f"(exit status {code}; out of memory?)")
            raise FanOutError(why)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
