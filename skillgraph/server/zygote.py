"""Query workers forked, ready, from a process that has already loaded the store.

A worker that replaces a killed or demoted one used to start a new Python, import
pyoxigraph and rdflib's parser and load the store: ~0.5 s on a quiet machine, ~3 s on a
busy one, and for that long the pool was a worker short (under 20 clients sending cross
joins a cheap query waited seconds or got 503).  The zygote does all of that once (after
leaving the network and taking the memory limit, both inherited by its children) and
then forks a worker on request: the child has the store at once, sharing its pages with
the zygote copy-on-write (pyoxigraph's in-memory store is plain memory that queries
only read).

Fork safety: the zygote never starts a thread (no query runs in it; pyoxigraph loads
and rdflib parses on the calling thread), and it checks before every fork that it has
exactly one, refusing otherwise (the pool then loads workers as before).  The child
starts its large-stack query thread after the fork.

The zygote forks twice (the middle process exits at once), so a worker is adopted by the
server, which marks itself a child subreaper (``PR_SET_CHILD_SUBREAPER``): the server can
wait for its workers' exit status (a SIGSEGV is reported as an overflowed stack) and
signal and renice them as before.

Protocol: the zygote's stdin is a ``SOCK_SEQPACKET`` Unix socket; each message is one
JSON object.  The zygote says ``{"ready": …}`` once; the server sends ``{"fork": true}``
with one socket (``SCM_RIGHTS``) that becomes the worker's stdin and stdout, and gets
``{"pid": N}`` (or ``{"error": …}``).  Run as ``python -m skillgraph.server.zygote
BUILD_DIR MEMORY_LIMIT [FILE GRAPH]...`` (by :class:`Zygote` only).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skillgraph.fanout import thread_count
from skillgraph.server.worker import (
    DEFAULT_GRAPH,
    MAX_DEPTH,
    MAX_OPERATORS,
    QUERY_STACK_BYTES,
    DataFile,
    Worker,
    WorkerError,
    _checked,
    _serve_jobs,
    isolate_network,
    load_store,
)

from ..children import python_module

PR_SET_CHILD_SUBREAPER = 36
_MESSAGE_BYTES = 64 * 1024


def become_subreaper() -> str | None:
    """Adopt orphaned descendants (the zygote's workers); None, or why not."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0:
            return None
        return f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}"
    except (OSError, AttributeError) as exc:
        return f"no prctl(2) here ({exc})"


# --------------------------------------------------------------------------- zygote side
def _send(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], list(fds))
    else:
        sock.send(data)


def zygote_main(build_dir: Path, memory_limit: int = 0, data: Sequence[DataFile] = ()) -> None:
    """Leave the network, take the memory limit, load the store; then fork workers."""
    control = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)  # stray prints go to stderr (the server's stdout carries its URL)
    os.close(null)
    not_isolated = isolate_network()
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        store = load_store(build_dir, data)
        _checked("ASK {}", MAX_DEPTH, MAX_OPERATORS)  # import the parser once, for all
    except Exception as exc:  # reported to the server, which fails to start
        _send(control, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    triples = len(store)  # once, before any fork (see _serve_jobs)
    _send(control, {"ready": True, "triples": triples, "not_isolated": not_isolated})
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, _MESSAGE_BYTES, 1)
        except OSError:
            return
        if not message:  # the server closed its end
            return
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            _send(control, {"error": "a fork request carries exactly one socket"})
            continue
        threads = thread_count()
        if threads != 1:
            os.close(fds[0])
            _send(control, {"error": f"the zygote runs {threads} threads; forking is unsafe"})
            continue
        _send(control, _fork(control, fds[0], store, not_isolated, triples))


def _fork(control: socket.socket, channel: int, store: Any, not_isolated: str | None,
          triples: int) -> dict:
    """Fork a worker on ``channel`` (closed here); its pid, or the error."""
    read_pid, write_pid = os.pipe()
    try:
        middle = os.fork()
    except OSError as exc:
        for fd in (read_pid, write_pid, channel):
            os.close(fd)
        return {"error": f"fork: {exc}"}
    if middle == 0:  # the middle process: fork the worker, tell its pid, exit
        code = 1
        try:
            os.close(read_pid)
            worker = os.fork()
            if worker == 0:
                os.close(write_pid)
                _become_worker(control, channel, store, not_isolated, triples)  # no return
            os.write(write_pid, str(worker).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_pid)
    os.close(channel)
    with os.fdopen(read_pid, "rb") as pipe:
        told = pipe.read()
    os.waitpid(middle, 0)  # the worker is an orphan now: the server (a subreaper) adopts it
    if not told:
        return {"error": "the forked worker did not start"}
    return {"pid": int(told)}


def _become_worker(
    control: socket.socket, channel: int, store: Any, not_isolated: str | None, triples: int
) -> None:
    """In the forked child: serve jobs on ``channel`` with the zygote's store; exit."""
    code = 1
    try:
        control.close()
        os.dup2(channel, 0)
        os.dup2(channel, 1)
        os.close(channel)
        threading.stack_size(QUERY_STACK_BYTES)
        loop = threading.Thread(
            target=_serve_jobs, args=(lambda: store, not_isolated, triples),
            name="sparql-queries",
        )
        loop.start()
        loop.join()
        code = 0
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)


# --------------------------------------------------------------------------- server side
class ForkedProcess:
    """A worker forked by the zygote and adopted by this process: the parts of
    :class:`subprocess.Popen` the pool uses (pid, returncode, poll, wait, kill)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._lock = threading.Lock()

    def _reap(self, flags: int) -> int | None:
        with self._lock:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, flags)
                except ChildProcessError:  # not (or no longer) ours to wait for
                    self.returncode = 0
                else:
                    if pid == self.pid:
                        self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self) -> int:
        code = self._reap(0)
        assert code is not None
        return code

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def minor_faults(self) -> int | None:
        """Minor page faults of the process so far (``/proc/PID/stat``), None if gone.

        Every page the worker makes its own (a copy-on-write break of a page shared with
        the zygote, or a fresh allocation) costs one: cheap to read (microseconds, where
        ``smaps_rollup`` walks every page table: ~10 ms per GB)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return None
        return int(stat.rpartition(")")[2].split()[7])  # field 10, minflt


class Zygote:
    """The server's handle on the zygote process: start it, fork workers, stop it."""

    def __init__(
        self, build_dir: Path, memory_limit: int = 0, data: Sequence[DataFile] = ()
    ) -> None:
        extra = [a for d in data for a in (str(d.path), d.graph or DEFAULT_GRAPH)]
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                python_module("skillgraph.server.zygote", str(build_dir), str(memory_limit),
                              *extra),
                stdin=theirs.fileno(),
            )  # fmt: skip
        finally:
            theirs.close()
        self.control = ours
        self._lock = threading.Lock()
        self.triples = 0

    def _receive(self, timeout: float | None) -> dict[str, Any]:
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(_MESSAGE_BYTES)
        except TimeoutError:
            raise WorkerError("the zygote did not answer in time") from None
        except OSError as exc:
            raise WorkerError(f"the zygote stopped ({exc})") from exc
        if not data:
            raise WorkerError(f"the zygote stopped (exit status {self.proc.wait()})")
        message: dict[str, Any] = json.loads(data)
        return message

    def wait_ready(self, timeout: float) -> str | None:
        """Wait for the zygote's hello; why it is not network-isolated, or None if it is."""
        try:
            hello = self._receive(timeout)
        except WorkerError as exc:
            self.close()
            raise WorkerError(f"query worker did not start: {exc}") from None
        if not hello.get("ready"):
            self.close()
            raise WorkerError(f"query worker did not start: {hello.get('error')}")
        self.triples = hello.get("triples", 0)
        not_isolated: str | None = hello.get("not_isolated")
        return not_isolated

    def fork(self, timeout: float = 30.0) -> Worker:
        """A new worker with the store loaded (its hello still to be read)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                try:
                    _send(self.control, {"fork": True}, [theirs.fileno()])
                except OSError as exc:
                    raise WorkerError(f"the zygote stopped ({exc})") from exc
                reply = self._receive(timeout)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        if "pid" not in reply:
            ours.close()
            raise WorkerError(f"the zygote could not fork a worker: {reply.get('error')}")
        return Worker.adopt(ForkedProcess(int(reply["pid"])), ours)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.control.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


if __name__ == "__main__":
    _args = sys.argv[3:]
    _data = [
        DataFile(Path(f), None if g == DEFAULT_GRAPH else g)
        for f, g in zip(_args[::2], _args[1::2], strict=True)
    ]
    # Import by name so that pickled answers name skillgraph.server.worker.Answer.
    from skillgraph.server.zygote import zygote_main as _zygote_main

    _zygote_main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0, _data)
