"""Curriculum uploads mapped in worker processes: bounded in number, time and memory.

An upload is parsed by openpyxl or csv, validated with SHACL and rendered: seconds of CPU
on a bad day, and a crafted sheet must not be able to hold the server.  So each upload
runs in a process of a small pool (``size``, one by default: the machine's other cores
answer SPARQL); a mapping that outlives ``timeout`` seconds is killed and its worker
replaced, and a client who finds every worker busy for ``wait`` seconds gets 503.  Each
job carries the index of the target's standard (``curriculum.load_index`` of its
occupation, made and kept by the server, pickled once): the worker never loads the store,
so it starts at once and holds one standard's index, however many standards the server
serves (loading the store again took ~60 s and ~5 GB at 1,000 standards).  It caps its address
space like the query workers and leaves the network (``worker.isolate_network``): it
opens only the temporary copy of the upload (``curriculum.upload``), never a file a
client names.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from ..children import python_module

__all__ = ["MappingBusy", "MappingFailed", "MappingPool"]

DEFAULT_TIMEOUT = 60.0
DEFAULT_WAIT = 5.0


class MappingBusy(RuntimeError):
    """Every mapping worker stayed busy for the whole wait."""


class MappingFailed(RuntimeError):
    """The mapping ran out of time or memory, or its worker died."""


def _worker_main(memory_limit: int) -> None:
    """Say ready, then map uploads until stdin closes."""
    from .worker import _write_frame, answer_jobs, isolate_network

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    inp = os.fdopen(0, "rb")
    isolate_network()
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    from ..curriculum.upload import UploadError, map_upload

    _write_frame(out, {"ready": True})

    def answer(job: dict[str, Any]) -> dict[str, Any]:
        try:
            index = pickle.loads(job["index"])  # made by the server, from the build
            return {"report": map_upload(job["name"], job["data"], job["target"], index)}
        except UploadError as exc:
            return {"issues": exc.issues}
        except MemoryError:
            return {"failed": "the mapping needed more memory than the server allows"}
        except Exception as exc:  # a bug: say what, keep serving
            return {"failed": f"the mapping failed ({type(exc).__name__}: {exc})"}

    answer_jobs(inp, out, answer)


@dataclass(eq=False)  # kept in a set: hashed by identity
class _Worker:
    proc: subprocess.Popen[bytes]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, obj: object) -> None:
        from .worker import _write_frame

        assert self.proc.stdin is not None
        _write_frame(self.proc.stdin, obj)

    def receive(self, timeout: float) -> Any:
        """The next frame, or None when none came within ``timeout`` seconds."""
        from .worker import _Exact, _read_frame

        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0))
        return _read_frame(_Exact(self.proc.stdout)) if ready else None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()


class MappingPool:
    """``size`` mapping workers, started on first use (most servers never map a sheet)."""

    def __init__(
        self,
        *,
        size: int = 1,
        timeout: float = DEFAULT_TIMEOUT,
        wait: float = DEFAULT_WAIT,
        memory_limit: int = 0,
        start_timeout: float = 30.0,
    ) -> None:
        self.size = size
        self.timeout = timeout
        self.wait = wait
        self.memory_limit = memory_limit
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self._idle.put(None)  # a free place; the worker starts when first taken
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        weakref.finalize(self, MappingPool._kill_all, self._all, self._lock)

    def _spawn(self) -> _Worker:
        proc = subprocess.Popen(
            python_module("skillgraph.server.mapping", str(self.memory_limit)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )  # fmt: skip
        worker = _Worker(proc)
        with self._lock:
            self._all.add(worker)
        try:
            hello = worker.receive(self.start_timeout)
        except (EOFError, OSError):
            hello = {"error": "it stopped while starting"}
        if hello is None or not hello.get("ready"):
            self._retire(worker)
            why = "it did not start in time" if hello is None else hello.get("error")
            raise MappingFailed(f"the curriculum worker could not start: {why}")
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def run(self, name: str, data: bytes, target: str, index: bytes) -> dict[str, Any]:
        """Map one upload onto the trade-level ``target`` (IRI) of the standard ``index``
        (a pickled ``StandardIndex``): ``{"report": MappedReport}`` or ``{"issues": […]}``.

        Blocking (call it from a thread).  Raises :class:`MappingBusy` when no worker is
        free within ``wait`` seconds, :class:`MappingFailed` on timeout or a dead worker.
        """
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise MappingBusy(f"every curriculum worker is busy (the server maps "
                              f"{self.size} sheet(s) at a time)") from None  # fmt: skip
        keep: _Worker | None = None
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._retire(worker)
                worker = self._spawn()
            try:
                worker.send({"name": name, "data": data, "target": target, "index": index})
                answer = worker.receive(self.timeout)
            except (EOFError, OSError):
                code = worker.proc.poll()
                self._retire(worker)
                raise MappingFailed("the mapping stopped its worker (out of memory? exit "
                                    f"status {code}); it was replaced") from None  # fmt: skip
            if answer is None:
                self._retire(worker)
                raise MappingFailed(f"the mapping took longer than {self.timeout:g} s and "
                                    "was stopped")  # fmt: skip
            keep = worker
            return answer
        finally:
            self._idle.put(keep)  # None: a fresh worker is started by the next upload

    def close(self) -> None:
        MappingPool._kill_all(self._all, self._lock)

    @staticmethod
    def _kill_all(workers: set[_Worker], lock: threading.Lock) -> None:
        with lock:
            found = list(workers)
            workers.clear()
        for w in found:
            w.kill()


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]))
