"""SPARQL queries in worker processes, so that a runaway query can be stopped.

pyoxigraph cannot cancel a running query, and a query holds its thread until it ends.
So the server runs every SPARQL query in one of a few worker processes, each with its
own in-memory copy of the graph.  A query that outlives the timeout has its worker
killed (SIGKILL) and replaced in the background while the other workers go on answering.
Workers are forked, store loaded, from the zygote (:mod:`skillgraph.server.zygote`), so a
replacement is ready at once; without one each worker loads the store itself.

Protocol between server and worker: length-prefixed pickle frames on the worker's
stdin/stdout (pipes, or a socket for a forked worker).  The worker imports pyoxigraph,
rdflib's SPARQL parser (the query check, :mod:`skillgraph.server.guard`) and the
standard library only.

Nothing a worker runs may reach another host.  The guard refuses SERVICE on the parsed
query; as a second wall each worker (or the zygote, for the workers it forks) moves into
a network namespace of its own (:func:`isolate_network`) before it loads anything: there
it has no interface, not even loopback, so no query, whatever the engine makes of it, can
connect anywhere.

Run as ``python -m skillgraph.server.worker BUILD_DIR MEMORY_LIMIT [FILE GRAPH]...``
(by :class:`QueryPool` only; GRAPH ``-`` = the default graph).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import json
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from skillgraph.server.fair import FairPool, TooMany
from skillgraph.server.guard import MAX_DEPTH, MAX_OPERATORS

from ..children import python_module

if TYPE_CHECKING:
    from skillgraph.server.zygote import Zygote

_HEADER = struct.Struct("!I")
# Queries run on a thread with this stack: Oxigraph and rdflib's parser recurse over the
# query's syntax tree, and 8 MB (the default) overflows at ~2,500 nested groups (guard.py).
QUERY_STACK_BYTES = 64 * 2**20
# Oxigraph on that stack holds 10,000 nested or chained constructs of every kind measured
# (groups, brackets, UNION, BIND, OPTIONAL, +, &&, paths, triples): so any text this short.
ENGINE_SAFE_CHARS = 10_000
DEFAULT_GRAPH = "-"  # in a DataFile: load into the default graph

# format key → (pyoxigraph format name, canonical media type)
RESULT_FORMATS = {
    "json": ("JSON", "application/sparql-results+json"),
    "xml": ("XML", "application/sparql-results+xml"),
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "tsv": ("TSV", "text/tab-separated-values; charset=utf-8"),
}
GRAPH_FORMATS = {
    "ttl": ("TURTLE", "text/turtle; charset=utf-8"),
    "nt": ("N_TRIPLES", "application/n-triples"),
    "jsonld": ("JSON_LD", "application/ld+json"),
}
PREFIXES = {
    "sg": "https://w3id.org/skillgraph/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
TRUNCATED_HEADER = "X-Results-Truncated"  # rows (or triples) sent, when some were cut
TRUNCATED_BYTES_HEADER = "X-Results-Truncated-Bytes"  # the byte cap, when it cut them
DEFAULT_MAX_ANSWER_BYTES = 32 * 2**20
INLINE_BYTES = 256 * 2**10  # longer answers go through a spool file, not the pipe


@dataclass
class Answer:
    """What the server sends back for one query: ``body``, or a spool file at ``path``
    (the server streams it to the client and deletes it)."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None
    checked: bool = False  # the query passed the guard (the pool remembers it)
    refused: bool = False  # the guard refused it (the pool remembers that too)


def text_answer(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode(), headers or {})


# --------------------------------------------------------------------------- worker side
def _write_frame(out: BinaryIO, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _read_frame(inp: BinaryIO) -> Any:
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError("pipe closed")
    (size,) = _HEADER.unpack(head)
    data = inp.read(size)
    if len(data) < size:
        raise EOFError("pipe closed")
    return pickle.loads(data)


@dataclass(frozen=True)
class DataFile:
    """An extra RDF file for the endpoint (``serve --data FILE[=GRAPH]``).

    ``graph`` is a named graph IRI, or None for the default graph.
    """

    path: Path
    graph: str | None = None


def load_store(build_dir: Path, data: Sequence[DataFile] = ()) -> Any:
    """Data graph + ontology in one default graph, as the server's pages see them; then
    each extra data file into its named graph (or the default graph)."""
    import pyoxigraph as ox

    from skillgraph.store import STORE_ENV, open_store

    kind = os.environ.get(STORE_ENV, "memory")  # `serve --store`
    if kind == "disk" and data:
        raise ValueError("--data needs the in-memory store (--store memory)")
    store = open_store(build_dir, kind)
    for extra in data:
        fmt = ox.RdfFormat.from_extension(extra.path.suffix.lstrip("."))
        if fmt is None:
            raise ValueError(f"{extra.path}: unknown RDF format (use .nt, .ttl, .nq, .trig, …)")
        if extra.graph is None:  # triples to the default graph, quads to their own graphs
            store.bulk_load(path=str(extra.path), format=fmt)
        elif fmt.supports_datasets:
            raise ValueError(f"{extra.path}: {fmt.name} names its own graphs; leave out =GRAPH")
        else:
            store.bulk_load(path=str(extra.path), format=fmt, to_graph=ox.NamedNode(extra.graph))
    return store


def _term_json(term: Any) -> dict[str, Any]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def isolate_network() -> str | None:
    """Leave the host's network: unshare into a new, empty network namespace.

    As root (or with CAP_SYS_ADMIN) a network namespace alone; otherwise a user namespace
    with it, where the kernel allows unprivileged ones.  Must run before any thread
    starts (a user namespace needs a single-threaded process; threads started later
    inherit the namespace).  Returns None when isolated, else why not (the server warns
    and serves on, protected by the query check alone).
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as exc:
        return f"no unshare(2) here ({exc})"
    reasons = []
    for flags, what in ((CLONE_NEWNET, "network"), (CLONE_NEWUSER | CLONE_NEWNET, "user+network")):
        if unshare(flags) == 0:
            return None
        reasons.append(f"{what} namespace: {os.strerror(ctypes.get_errno())}")
    return "; ".join(reasons)


@functools.lru_cache(maxsize=512)
def _checked(text: str, max_depth: int, max_operators: int) -> tuple[int, str] | None:
    """The guard's verdict on a query text: None to run it, or (status, message).

    Cached in the worker as well, for texts the pool does not keep (longer than
    :data:`VERDICT_MAX_CHARS`): rdflib parses a catalog query in ~50 ms.
    """
    from skillgraph.server import guard

    try:
        guard.inspect(text, max_depth=max_depth, max_operators=max_operators)
    except guard.Refused as exc:
        return exc.status, exc.message
    except guard.Unreadable as exc:
        return 0, str(exc)
    return None


def _unreadable(text: str, reason: str, isolated: bool) -> Answer:
    """400 for a query the guard could not parse, with the engine's message if it has one.

    The engine parses it on an empty store only in an isolated worker (a query the guard
    cannot read must not run where it could reach the network), and only when it is
    short enough that the engine's parser cannot overflow its stack on it.
    """
    if isolated and len(text) <= ENGINE_SAFE_CHARS:
        import pyoxigraph as ox

        try:
            answer = ox.Store().query(text)
        except SyntaxError as exc:
            return text_answer(400, f"Malformed query: {exc}")
        except Exception:  # any other engine error: the guard's message
            pass
        else:
            del answer
            return text_answer(
                400,
                "Unsupported query: the server's query check (rdflib's SPARQL 1.1 parser) "
                f"cannot read it, so it is not run: {reason}",
            )
    return text_answer(400, f"Malformed query: {reason}")


def execute(store: Any, job: dict[str, Any], *, isolated: bool = False) -> Answer:
    """:func:`_execute`, its answer marked when the query passed the guard."""
    answer = _execute(store, job, isolated=isolated)
    answer.checked = not answer.refused and (answer.status < 400 or answer.status in (406, 504))
    return answer


def _execute(store: Any, job: dict[str, Any], *, isolated: bool = False) -> Answer:
    """Check one query job (:mod:`~skillgraph.server.guard`), then run it on ``store``:
    negotiate by query form, cap rows, serialize."""
    import pyoxigraph as ox

    verdict = None if job.get("checked") else _checked(
        job["query"],
        job.get("max_depth", MAX_DEPTH),
        job.get("max_operators", MAX_OPERATORS),
    )
    if verdict is not None:
        status, message = verdict
        refusal = (
            _unreadable(job["query"], message, isolated)
            if status == 0
            else text_answer(status, message)
        )
        refusal.refused = True
        return refusal
    limit: int = job["max_results"]
    max_bytes: int = job.get("max_bytes", DEFAULT_MAX_ANSWER_BYTES)
    options: dict[str, Any] = {}
    if job.get("base_iri"):
        options["base_iri"] = job["base_iri"]
    default_graph = job.get("default_graph") or []
    named_graphs = job.get("named_graphs") or []
    if default_graph or named_graphs:
        # SPARQL 1.1 Protocol 2.1.4: a dataset given in the request replaces the query's
        # FROM / FROM NAMED as a whole; a list left out is empty, not the query's.
        try:
            options["default_graph"] = [ox.NamedNode(i) for i in default_graph]
            options["named_graphs"] = [ox.NamedNode(i) for i in named_graphs]
        except ValueError as exc:
            return text_answer(400, f"Bad graph IRI: {exc}")
    try:
        answer = store.query(job["query"], **options)
    except SyntaxError as exc:
        return text_answer(400, f"Malformed query: {exc}")
    if isinstance(answer, (ox.QuerySolutions, ox.QueryBoolean)):
        key = job.get("results_format")
        if key is None:
            return text_answer(406, job["not_acceptable"]["results"])
        name, media = RESULT_FORMATS[key]
        fmt = getattr(ox.QueryResultsFormat, name)
        if isinstance(answer, ox.QueryBoolean):
            if key in ("csv", "tsv"):  # no boolean in the CSV/TSV results spec: one cell
                return Answer(200, media, f"_askResult\n{str(bool(answer)).lower()}\n".encode())
            return Answer(200, media, answer.serialize(format=fmt) or b"")
        variables = [v.value for v in answer.variables]
        rows, cut = _json_rows(answer, variables, limit, max_bytes)

        def solutions(n: int) -> bytes:
            head = json.dumps({"head": {"vars": variables}}, ensure_ascii=False)[:-1]
            body = (head + ', "results": {"bindings": [' + ", ".join(rows[:n]) + "]}}").encode()
            if key != "json":
                parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                body = parsed.serialize(format=fmt) or b""
            return body

        return _capped(media, solutions, len(rows), cut, limit, max_bytes, job)
    key = job.get("graph_format")
    if key is None:
        return text_answer(406, job["not_acceptable"]["graph"])
    name, media = GRAPH_FORMATS[key]
    triples, cut = _sized_triples(answer, limit, max_bytes)
    prefixes = PREFIXES if key == "ttl" else None
    rdf_format = getattr(ox.RdfFormat, name)

    def graph(n: int) -> bytes:
        return ox.serialize(triples[:n], format=rdf_format, prefixes=prefixes) or b""

    return _capped(media, graph, len(triples), cut, limit, max_bytes, job)


def _term_size(term: Any) -> int:
    value = getattr(term, "value", None)
    return len(value) if isinstance(value, str) else len(str(term))


def _json_rows(
    solutions: Iterable[Any], variables: list[str], limit: int, max_bytes: int
) -> tuple[list[str], str | None]:
    """Solutions as JSON objects, at most ``limit`` of them and ``max_bytes`` in all;
    and what cut them (``"rows"``, ``"bytes"`` or None).  A value is measured before it
    is copied, so one huge literal costs no more than its own size."""
    rows: list[str] = []
    total = 0
    for sol in solutions:
        if len(rows) == limit:
            return rows, "rows"
        if total + sum(_term_size(t) for t in sol if t is not None) > max_bytes:
            return rows, "bytes"
        # a solution iterates its values in variable order: one pass, no lookups by name
        row = json.dumps(
            {v: _term_json(t) for v, t in zip(variables, sol, strict=True) if t is not None},
            ensure_ascii=False,
        )
        total += len(row) + 2
        if total > max_bytes:
            return rows, "bytes"
        rows.append(row)
    return rows, None


def _sized_triples(
    triples: Iterable[Any], limit: int, max_bytes: int
) -> tuple[list[Any], str | None]:
    """At most ``limit`` triples and about ``max_bytes`` of N-Triples; what cut them."""
    taken: list[Any] = []
    total = 0
    for triple in triples:
        if len(taken) == limit:
            return taken, "rows"
        total += sum(_term_size(t) for t in triple) + 12
        if total > max_bytes:
            return taken, "bytes"
        taken.append(triple)
    return taken, None


def _capped(
    media: str,
    serialize: Any,
    count: int,
    cut: str | None,
    limit: int,
    max_bytes: int,
    job: dict[str, Any],
) -> Answer:
    """Serialize the first ``count`` items; if the format makes that over ``max_bytes``,
    fewer; say in headers what was cut.  Long answers go to a spool file."""
    body = serialize(count)
    while len(body) > max_bytes and count:
        count = min(count - 1, int(count * max_bytes / len(body) * 0.95))
        body = serialize(count)
        cut = "bytes"
    headers: dict[str, str] = {}
    if cut:
        headers[TRUNCATED_HEADER] = str(limit if cut == "rows" else count)
    if cut == "bytes":
        headers[TRUNCATED_BYTES_HEADER] = str(max_bytes)
    return _spooled(Answer(200, media, body, headers), job.get("spool_dir"))


def _spooled(answer: Answer, spool_dir: str | None) -> Answer:
    """Move a long body to a file in ``spool_dir``, so that neither the pipe nor the
    server's memory holds it while a slow client reads."""
    if spool_dir is None or len(answer.body) <= INLINE_BYTES:
        return answer
    import tempfile

    with tempfile.NamedTemporaryFile(dir=spool_dir, prefix="answer-", delete=False) as f:
        f.write(answer.body)
    answer.path, answer.body = f.name, b""
    return answer


def worker_main(build_dir: Path, memory_limit: int = 0, data: Sequence[DataFile] = ()) -> None:
    """Load the store, say ready, then answer jobs until stdin closes.

    ``memory_limit`` (bytes, 0 = none) caps the address space: a query that needs more
    makes the allocator abort the worker, which the pool reports and replaces.  Without
    it one ORDER BY over a cross join grows by ~400 MB/s until the timeout.  The loop
    runs on a thread with a :data:`QUERY_STACK_BYTES` stack (see there), in a network
    namespace of its own (:func:`isolate_network`).
    """
    not_isolated = isolate_network()
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    threading.stack_size(QUERY_STACK_BYTES)
    loop = threading.Thread(
        target=_serve_jobs,
        args=(functools.partial(load_store, build_dir, data), not_isolated),
        name="sparql-queries",
    )
    loop.start()
    loop.join()


def _serve_jobs(load: Callable[[], Any], not_isolated: str | None,
                triples: int | None = None) -> None:
    """Say ready once ``load()`` has the store, then answer jobs on stdin/stdout.

    ``triples``: the store's size when the caller knows it.  A worker forked from the
    zygote is told it: counting reads every quad, and on Oxigraph's in-memory store a read
    of every quad writes to every page, so the count alone turned all the store's pages the
    worker shared with the zygote into a private copy (1,000 standards: 4.3 GB per worker;
    docs/scaling.md)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    inp = os.fdopen(0, "rb")
    try:
        store = load()
        _checked("ASK {}", MAX_DEPTH, MAX_OPERATORS)  # load the parser before the first query
    except Exception as exc:  # reported to the server, which fails to start
        _write_frame(out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    if triples is None:
        triples = len(store)
    _write_frame(out, {"ready": True, "triples": triples, "not_isolated": not_isolated})
    isolated = not_isolated is None

    def answer(job: dict[str, Any]) -> Answer:
        try:
            return execute(store, job, isolated=isolated)
        except Exception as exc:  # the query failed in the engine: answer, keep serving
            return text_answer(500, f"Query failed: {type(exc).__name__}: {exc}")

    answer_jobs(inp, out, answer)


def answer_jobs(inp: BinaryIO, out: BinaryIO, answer: Callable[[Any], object]) -> None:
    """A worker's loop: read a job frame, write its answer's frame, until stdin closes."""
    while True:
        try:
            job = _read_frame(inp)
        except EOFError:
            return
        _write_frame(out, answer(job))


# --------------------------------------------------------------------------- server side
class WorkerError(RuntimeError):
    """A worker could not start, or died while answering."""


class Worker:
    """One worker process and its pipes."""

    def __init__(
        self, build_dir: Path, memory_limit: int = 0, data: Sequence[DataFile] = ()
    ) -> None:
        extra = [a for d in data for a in (str(d.path), d.graph or DEFAULT_GRAPH)]
        self.proc = subprocess.Popen(
            python_module("skillgraph.server.worker", str(build_dir), str(memory_limit), *extra),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin: BinaryIO = self.proc.stdin
        self.stdout: BinaryIO = self.proc.stdout
        self.faults_at_start: int | None = None  # forked workers: see private_growth

    @classmethod
    def adopt(cls, proc: Any, channel: socket.socket) -> Worker:
        """A worker forked by the zygote (:mod:`~skillgraph.server.zygote`): ``proc`` is
        its process handle, ``channel`` a socket to its stdin and stdout."""
        worker = cls.__new__(cls)
        worker.proc = proc
        worker.stdin = os.fdopen(os.dup(channel.fileno()), "wb", buffering=0)
        worker.stdout = os.fdopen(channel.detach(), "rb", buffering=0)
        worker.faults_at_start = None
        return worker

    def wait_ready(self, timeout: float) -> str | None:
        """Wait for the worker's hello; why it is not network-isolated, or None if it is."""
        hello = self._receive(timeout)
        if hello is None or not hello.get("ready"):
            self.kill()
            reason = "timed out" if hello is None else hello.get("error")
            raise WorkerError(f"query worker did not start: {reason}")
        faults = getattr(self.proc, "minor_faults", None)  # forked workers only
        self.faults_at_start = faults() if faults is not None else None
        return hello.get("not_isolated")

    def private_growth(self) -> int | None:
        """Bytes a forked worker may have made its own since its hello: minor faults ×
        page size, an upper bound (pages freed since still count).  None for a worker
        that loaded the store itself (all its memory is its own, capped by
        ``--memory-limit``)."""
        faults = getattr(self.proc, "minor_faults", None)
        if faults is None or self.faults_at_start is None:
            return None
        now = faults()
        return None if now is None else (now - self.faults_at_start) * PAGE_BYTES

    def _receive(self, timeout: float) -> Any:
        ready, _, _ = select.select([self.stdout], [], [], max(timeout, 0))
        if not ready:
            return None
        return _read_frame(_Exact(self.stdout))

    def ask(self, job: dict[str, Any], timeout: float) -> Answer | None:
        """The worker's answer, or None when it has not answered within ``timeout``."""
        try:
            _write_frame(self.stdin, job)
            return self._receive(timeout)
        except (OSError, EOFError, ValueError) as exc:  # ValueError: closed by close()
            code = self.proc.wait()
            raise WorkerError(f"the query worker stopped (exit status {code})") from exc

    def wait(self, timeout: float) -> Answer | None:
        """Go on waiting for the answer to the job last asked."""
        try:
            return self._receive(timeout)
        except (OSError, EOFError, ValueError) as exc:  # ValueError: closed by close()
            code = self.proc.wait()
            raise WorkerError(f"the query worker stopped (exit status {code})") from exc

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


class _Exact:
    """Blocking exact-size reads from an unbuffered pipe."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw

    def read(self, n: int) -> bytes:
        chunks = []
        while n:
            chunk = self.raw.read(n)
            if not chunk:
                break
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)


VERDICT_ENTRIES = 4096  # query texts whose guard verdict the pool keeps
VERDICT_MAX_CHARS = 64 * 1024  # … each at most this long
SLOW_NICE = 10  # the niceness a worker gets once its query counts as slow
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# a forked worker that has made this much of the zygote's memory its own is replaced by a
# fresh fork (on Oxigraph's in-memory store a scan writes to the pages it reads)
DEFAULT_PRIVATE_LIMIT = 512 * 2**20


class QueryPool:
    """A fixed number of workers; each query borrows one, a timed-out one is replaced.

    ``run`` blocks (call it from a thread): it waits up to ``timeout`` for an idle worker
    (503 "busy" otherwise), then up to ``timeout`` for the answer (504 otherwise, and the
    worker is killed and replaced).

    Idle workers go to waiting queries by :class:`~skillgraph.server.fair.FairPool`: per
    client (``client`` in the job) at most ``per_client`` running and ``queue`` waiting
    (429 beyond), the client that used the least worker time lately first.

    A query still running after ``slow_after`` seconds (catalog queries take milliseconds)
    moves to the slow lane: its worker is reniced to :data:`SLOW_NICE` and a fresh worker,
    forked from the zygote (:mod:`~skillgraph.server.zygote`: the store already loaded),
    takes its place in the pool at once, so that one pathological query does not halve
    the capacity left for everyone else (measured under 16 clients: SPARQL p99 1.2 s
    instead of 0.5 s while a cross join ran).  The slow worker is retired when its query
    ends.  The slow lane holds ``slow_lane`` queries (default ``size``); a query that turns
    slow while it is full is stopped (503, Retry-After), so long queries can never hold
    the workers short ones need.

    The guard's verdict on a query text is kept here, in the server, for
    :data:`VERDICT_ENTRIES` texts: a text that passed is not parsed again by any worker (a
    fork or replacement included), one that was refused is answered without a worker.
    Where the zygote cannot run (no ``PR_SET_CHILD_SUBREAPER``, or it fails), each worker
    loads the store itself, as before (``loads`` counts those, ``forks`` the others).

    A forked worker shares the zygote's store copy-on-write, but a query that scans
    makes the pages it reads the worker's own (a whole copy of the store after a full
    scan).  Queries slower than ``slow_after`` retire their worker anyway; after any
    other, a worker whose minor page faults since its hello exceed ``private_limit``
    bytes is retired and replaced by a fresh fork (``recycled`` counts them), so the
    server holds at most one store plus ``size`` × ``private_limit`` (and the slow lane's
    workers until their queries end).
    """

    def __init__(
        self,
        build_dir: Path,
        *,
        size: int = 2,
        timeout: float = 10.0,
        memory_limit: int = 0,
        data: Sequence[DataFile] = (),
        slow_after: float | None = None,
        slow_lane: int | None = None,
        per_client: int = 1,
        queue: int = 4,
        private_limit: int = DEFAULT_PRIVATE_LIMIT,
    ) -> None:
        self.build_dir = build_dir
        self.private_limit = private_limit
        self.recycled = 0  # forked workers replaced for the memory they made their own
        self.data = tuple(data)
        self.size = size
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.slow_after = min(1.0, timeout / 4) if slow_after is None else slow_after
        self.slow_lane = size if slow_lane is None else slow_lane
        # one worker kept for clients whose queries have been short (with 2 or more)
        self._idle: FairPool[Worker] = FairPool(per_client, queue, reserve=min(1, size - 1))
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._spares = 0  # slow queries whose worker has already been replaced
        self.replaced = 0
        self.forks = 0  # workers forked from the zygote, ready at once
        self.loads = 0  # workers that loaded the store themselves
        self.zygote: Zygote | None = None
        self.no_zygote: str | None = None  # why workers load the store themselves, if they do
        self.not_isolated: str | None = None  # why workers can reach the network, if they can
        self.spool_dir: str | None = None  # long answers, from workers to the server
        # the guard's verdict per query text (with the limits): None = passed (not parsed
        # again by any worker), else the refusal, answered without a worker
        self._verdicts: collections.OrderedDict[tuple[Any, ...], Answer | None] = (
            collections.OrderedDict()
        )

    @property
    def load_timeout(self) -> float:
        """Seconds a worker (or the zygote) may take to load the store: 60, plus a second
        per 10 MB of the dumps (1,000 standards, 3 GB: loaded in ~60 s on a quiet machine,
        given 360)."""
        files = [self.build_dir / "graph.nt", *(d.path for d in self.data)]
        size = sum(f.stat().st_size for f in files if f.is_file())
        return 60.0 + size / 10e6

    def start(self, ready_timeout: float | None = None) -> None:
        import tempfile

        if ready_timeout is None:
            ready_timeout = self.load_timeout
        self.spool_dir = tempfile.mkdtemp(prefix="skillgraph-answers-")
        try:
            self._start_zygote(ready_timeout)
            workers = [self._spawn() for _ in range(self.size)]
            for worker in workers:
                self.not_isolated = worker.wait_ready(ready_timeout)
                self._idle.put(worker)
        except BaseException:  # one failed to load: stop the others too
            self.close()
            raise

    def _start_zygote(self, ready_timeout: float) -> None:
        """Start the zygote, or note why workers will load the store themselves."""
        from skillgraph.server.zygote import Zygote, become_subreaper

        self.no_zygote = become_subreaper()
        if self.no_zygote is not None:
            return
        zygote = Zygote(self.build_dir, self.memory_limit, self.data)
        self.not_isolated = zygote.wait_ready(ready_timeout)  # a bad build raises here
        if self._closed:
            zygote.close()
        else:
            self.zygote = zygote

    def _spawn(self) -> Worker:
        """A new worker: forked from the zygote, or (without one) loading the store."""
        worker = None
        zygote = self.zygote
        if zygote is not None:
            try:
                worker = zygote.fork()
            except WorkerError as exc:  # the zygote died or cannot fork: load from now on
                print(f"skillgraph serve: {exc}; query workers load the store themselves "
                      "from now on", file=sys.stderr, flush=True)  # fmt: skip
                self.no_zygote, self.zygote = str(exc), None
                zygote.close()
        forked = worker is not None
        if worker is None:
            worker = Worker(self.build_dir, self.memory_limit, self.data)
        with self._lock:
            self.forks += forked
            self.loads += not forked
            self._all.add(worker)
        return worker

    def _retire(self, worker: Worker, *, replace: bool = True) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if replace:
            self._replace_in_background()

    def _replace_in_background(self) -> None:
        if self._closed:
            return
        self.replaced += 1
        threading.Thread(target=self._replace, daemon=True, name="sparql-worker-spawn").start()

    def _demote(self, worker: Worker) -> bool:
        """Renice a slow query's worker; True if a fresh one was started in its place."""
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.proc.pid, SLOW_NICE)
        with self._lock:
            if self._closed or self._spares >= self.slow_lane:
                return False
            self._spares += 1
        self._replace_in_background()
        return True

    def _replace(self) -> None:
        try:
            worker = self._spawn()
            worker.wait_ready(self.load_timeout)
        except (WorkerError, OSError) as exc:
            print(f"skillgraph serve: {exc}", file=sys.stderr, flush=True)
            return
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def run(self, job: dict[str, Any]) -> Answer:
        key = (job["query"], job.get("max_depth"), job.get("max_operators"))
        with self._lock:
            checked = key in self._verdicts
            if checked:
                self._verdicts.move_to_end(key)
                refusal = self._verdicts[key]
                if refusal is not None:
                    return dataclasses.replace(refusal, headers=dict(refusal.headers))
        job = {**job, "spool_dir": self.spool_dir, "checked": checked}
        client = job.get("client", "")
        started = time.monotonic()
        retry = {"Retry-After": str(max(1, round(self.timeout)))}
        try:
            worker = self._idle.take(client, self.timeout)
        except TooMany:
            return text_answer(
                429,
                f"429 Too Many Requests: you have {self._idle.per_client} queries running "
                f"and {self._idle.queue} waiting (serve --client-queries, --client-queue); "
                "wait for their answers.",
                retry,
            )
        if worker is None:
            return text_answer(
                503, f"All {self.size} query workers are busy; try again later.", retry
            )
        ran = time.monotonic()
        released = False

        def release() -> None:  # the client's place in the fast lane is free again
            nonlocal released
            if not released:
                released = True
                self._idle.done(client)

        try:
            answer = self._ask(worker, job, started, ran, retry, release)
            if (answer.checked or answer.refused) and not checked:
                self._remember(key, None if answer.checked else answer)
            return answer
        finally:
            spent = time.monotonic() - ran
            self._idle.charge(client, spent, long=spent >= self.slow_after)
            release()

    def _remember(self, key: tuple[Any, ...], refusal: Answer | None) -> None:
        """Keep the guard's verdict on a query text (short enough to keep)."""
        if len(key[0]) > VERDICT_MAX_CHARS:
            return
        with self._lock:
            self._verdicts[key] = refusal
            while len(self._verdicts) > VERDICT_ENTRIES:
                self._verdicts.popitem(last=False)

    def _ask(
        self, worker: Worker, job: dict[str, Any], started: float, ran: float,
        retry: dict[str, str], release: Any,
    ) -> Answer:  # fmt: skip
        slow = replaced = False
        try:
            answer = worker.ask(job, min(self.slow_after, self.timeout))
            if answer is None and self.slow_after < self.timeout:
                slow, replaced = True, self._demote(worker)
                if not replaced:  # the slow lane is full: stop it, free the worker
                    self._end_slow(worker, retire=True, replaced=False)
                    return text_answer(
                        503,
                        f"Query stopped after {self.slow_after:g} s: the {self.slow_lane} "
                        "places for long queries are taken (serve --slow-lane); try again "
                        "later, or narrow it down (anchor it at a node, add LIMIT).",
                        retry,
                    )
                release()  # in the slow lane now: the client may send its next query
                answer = worker.wait(self.timeout - (time.monotonic() - ran))
        except WorkerError as exc:
            code = worker.proc.returncode
            self._end_slow(worker, retire=True, replaced=replaced)
            if code == -signal.SIGSEGV:
                return text_answer(
                    500,
                    f"Query failed: {exc}: the engine overflowed its stack (a query nested "
                    "or chained too deeply?)",
                )
            limit = (
                f"; each worker may use {self.memory_limit // 2**20} MB"
                if self.memory_limit
                else ""
            )
            return text_answer(500, f"Query failed: {exc}: out of memory?{limit}")
        self._end_slow(worker, retire=answer is None or slow, replaced=replaced)
        if answer is None:
            elapsed = time.monotonic() - started
            return text_answer(
                504,
                f"Query stopped: it ran longer than the server's timeout of {self.timeout:g} s "
                f"({elapsed:.1f} s). Narrow it down (anchor it at a node, add LIMIT) or use "
                "the dumps.",
            )
        return answer

    def _end_slow(self, worker: Worker, *, retire: bool, replaced: bool) -> None:
        """Give the worker back, or retire it (replacing it unless that is done already)."""
        if replaced:
            with self._lock:
                self._spares -= 1
        if not retire and not replaced:
            grown = worker.private_growth()
            if grown is not None and grown > self.private_limit:
                retire = True
                with self._lock:
                    self.recycled += 1
        if retire:
            self._retire(worker, replace=not replaced)
        else:
            self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in [*workers, *self._idle.drain()]:
            worker.kill()
        zygote, self.zygote = self.zygote, None
        if zygote is not None:
            zygote.close()
        if self.spool_dir:
            import shutil

            shutil.rmtree(self.spool_dir, ignore_errors=True)


if __name__ == "__main__":
    # Import by name so that pickled answers name skillgraph.server.worker.Answer.
    from skillgraph.server.worker import DataFile as _DataFile
    from skillgraph.server.worker import worker_main as _worker_main

    _args = sys.argv[3:]
    _data = [
        _DataFile(Path(f), None if g == DEFAULT_GRAPH else g)
        for f, g in zip(_args[::2], _args[1::2], strict=True)
    ]
    _worker_main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0, _data)
