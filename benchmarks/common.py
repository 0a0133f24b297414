"""Shared by the benchmarks: machine and version facts, statistics, result files."""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
RESULTS = BENCH / "results"
DATA_BASE = "https://w3id.org/skillgraph/id/"
OCC = DATA_BASE + "occupation/4-09-07-04"

for extra in (str(BENCH), str(REPO / "tests")):  # catalog_latency, tests/engines.py
    if extra not in sys.path:
        sys.path.insert(0, extra)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = ""
    mem_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_gb": mem_gb,
        "load_average": load_average(),
    }


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def virtuoso_version() -> str | None:
    exe = shutil.which("virtuoso-t")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-?"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in (out.stdout + out.stderr).splitlines():
        if line.startswith("Version"):
            return line.split()[1]
    return None


def git_revision() -> str | None:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        # the results files this very run writes do not make the code "uncommitted"
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", ".",
                                ":(exclude)benchmarks/results"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return f"{rev}{'+uncommitted changes' if dirty else ''}" if rev else None


def versions() -> dict[str, Any]:
    found: dict[str, Any] = {"python": platform.python_version()}
    for dist in ("skillgraph", "pyoxigraph", "rdflib", "pyshifty", "pyshacl", "starlette",
                 "uvicorn", "httpx"):
        found[dist] = _version(dist)
    found["virtuoso"] = virtuoso_version()
    found["git"] = git_revision()
    return found


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def summary_ms(samples_s: list[float]) -> dict[str, Any]:
    """median / p95 / p99 / min / max in milliseconds of samples in seconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "median_ms": round(median(ms), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "min_ms": round(min(ms), 3) if ms else None,
        "max_ms": round(max(ms), 3) if ms else None,
        "runs": len(ms),
    }


def rss_mb() -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of this process, in MB."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key = "rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"
                out[key] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def dir_size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(total / 2**20, 1)


class Timer:
    """Wall and CPU seconds of this process since construction."""

    def __init__(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        self.cpu_all0 = _cpu_with_children()

    @property
    def wall(self) -> float:
        return time.perf_counter() - self.wall0

    @property
    def cpu(self) -> float:
        return time.process_time() - self.cpu0

    @property
    def cpu_all(self) -> float:
        """CPU seconds of this process and of its children reaped since construction
        (forked workers: `skillgraph publish --jobs`)."""
        return _cpu_with_children() - self.cpu_all0


def _cpu_with_children() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def write_result(out_dir: Path, name: str, payload: dict[str, Any], started: dict[str, Any],
                 argv: list[str] | None = None) -> Path:
    """``out_dir/name.json``: the payload with date, machine (load at start and end),
    versions and the command line; written atomically."""
    doc = {
        "benchmark": name,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])]),
        "machine": {**started, "load_average_end": load_average()},
        "versions": versions(),
        **payload,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
    say(f"wrote {path}")
    return path


def tree_memory(pid: int) -> dict[str, Any]:
    """RSS and PSS (MB) summed over ``pid`` and every descendant, and per process."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    todo, procs = [pid], []
    while todo:
        p = todo.pop()
        procs.append(p)
        todo += children.get(p, [])
    rows = []
    for p in procs:
        try:
            fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", Path(f"/proc/{p}/smaps_rollup")
                                     .read_text(), re.MULTILINE))
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
        except OSError:
            continue
        rows.append({"pid": p, "cmd": cmd, "rss_mb": round(int(fields["Rss"]) / 1024),
                     "pss_mb": round(int(fields["Pss"]) / 1024)})
    return {"rss_mb": sum(r["rss_mb"] for r in rows), "pss_mb": sum(r["pss_mb"] for r in rows),
            "processes": rows}


def run_child(args: list[str], *, timeout: float, env: dict[str, str] | None = None,
              memory_every: float | None = None) -> tuple[dict[str, Any], float]:
    """Run ``python ARGS``, which prints one JSON object on its last stdout line (its
    progress goes to our stderr); returns that object and the wall seconds it took.
    ``memory_every``: sample the PSS of the child and its descendants that often (from
    here: the child stays single-threaded) and add the largest as ``peak_pss_mb``."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True,
                            env=env, cwd=REPO)
    peak = 0
    while True:
        left = timeout - (time.perf_counter() - start)
        try:
            out, _ = proc.communicate(timeout=max(0.1, min(memory_every or left, left)))
            break
        except subprocess.TimeoutExpired:
            if time.perf_counter() - start >= timeout:
                proc.kill()
                proc.communicate()
                raise TimeoutError(f"{' '.join(args[:2])}: no answer after {timeout:.0f} s"
                                   ) from None
            peak = max(peak, tree_memory(proc.pid)["pss_mb"])
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed (exit {proc.returncode}; its "
                           "messages are above)")
    lines = [line for line in out.splitlines() if line.strip()]
    doc = json.loads(lines[-1])
    if memory_every:
        doc["peak_pss_mb"] = peak
    return doc, wall


def in_fork(fn: Callable[[], dict[str, Any]], timeout: float) -> dict[str, Any]:
    """``fn()`` in a forked copy of this process (sharing its memory copy-on-write), killed
    after ``timeout`` seconds: a pyoxigraph query cannot be cancelled otherwise.  Returns
    fn's JSON-able answer, ``{"timeout_s": timeout}``, or ``{"error": …}``."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: answer through the pipe, never return into the caller's code
        os.close(read_fd)
        try:
            data = json.dumps(fn())
        except BaseException as exc:  # reported to the parent
            data = json.dumps({"error": f"{type(exc).__name__}: {exc}"[:500]})
        with os.fdopen(write_fd, "w") as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write_fd)
    deadline = time.monotonic() + timeout
    with os.fdopen(read_fd, "r") as pipe:
        if not select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"timeout_s": timeout}
        data = pipe.read()  # the child writes its whole answer at once, then exits
    os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": "the measuring process died"}


def run_measured(cmd: list[str], *, timeout: float, cwd: Path | None = None,
                 keep_stderr: bool = False) -> dict[str, Any]:
    """Run a command; its wall time, CPU time and peak RSS (os.wait4: this child only), and
    with ``keep_stderr`` the tail of what it printed there."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=cwd or REPO)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise TimeoutError(f"{cmd[:3]}: not done after {timeout:.0f} s")
        time.sleep(0.005)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # build: 1 = SHACL violations (still timed)
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}):\n{err[-3000:]}")
    measured: dict[str, Any] = {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": proc.returncode,
    }
    if keep_stderr:
        measured["stderr"] = err[-20000:]
    return measured
