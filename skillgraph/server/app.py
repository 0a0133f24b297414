"""The web app: one route table over the views, the shared state, and ``serve``.

Read the URL space here: every route the server answers is in ``ROUTES`` (one module per
view in ``views/``, as docs/architecture.md, "Stages and their contracts", lists).
The app is an ASGI (Starlette) app: pages run in its thread pool on the main process's
store, SPARQL queries in a :class:`~skillgraph.server.worker.QueryPool` of processes.
"""

from __future__ import annotations

import contextlib
import copy
import socket
import sys
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..catalog import CatalogQuery, catalog
from .caching import ConditionalGetMiddleware
from .data import LinkedData
from .guard import MAX_DEPTH, MAX_OPERATORS
from .hygiene import PublicURLMiddleware, SecurityHeadersMiddleware, timed_protocol
from .pages import Pages
from .views import curriculum, dumps, findings, index, pictures, resource, search, sparql
from .views.curriculum import ROUTES as CURRICULUM_ROUTES
from .worker import TRUNCATED_BYTES_HEADER, TRUNCATED_HEADER, DataFile, QueryPool

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_LIMIT_MB = 2048
DEFAULT_MAX_BODY_KB = 1024
DEFAULT_MAX_ANSWER_MB = 32
DEFAULT_CLIENT_TIMEOUT = 20.0


@dataclass
class ServerConfig:
    """What ``skillgraph serve`` was asked for."""

    build_dir: Path
    base: str | None = None  # data IRI base; None = the one the build used
    timeout: float = DEFAULT_TIMEOUT
    max_results: int = DEFAULT_MAX_RESULTS
    workers: int = DEFAULT_WORKERS
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB  # per query worker; 0 = none
    data: tuple[DataFile, ...] = ()  # extra RDF for the endpoint (serve --data)
    max_body_kb: int = DEFAULT_MAX_BODY_KB  # request body and query string; more → 413/414
    max_answer_mb: int = DEFAULT_MAX_ANSWER_MB  # bytes of one answer; more are cut
    client_timeout: float = DEFAULT_CLIENT_TIMEOUT  # s to send headers/body, read a chunk
    public_url: str | None = None  # origin for absolute URLs; None = as requested (tests)
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-* are believed
    client_queries: int = 1  # queries one client may have running at once
    client_queue: int = 4  # … and waiting; more → 429
    slow_lane: int | None = None  # long queries running at once; None = workers
    max_connections: int = 512  # open connections; more → 503
    keep_alive: float = 5.0  # s an idle keep-alive connection stays open
    max_depth: int = MAX_DEPTH  # nesting of groups, sub-selects, brackets; more → 400
    max_operators: int = MAX_OPERATORS  # patterns and chain links per query; more → 400
    store: str = "memory"  # "disk": build/store/ opened read-only (serve --store disk);
    # "hybrid": the pages from build/store/, the query workers in memory


@dataclass
class Site:
    """State every view shares: the loaded build, page builder, query pool, catalog."""

    config: ServerConfig
    ld: LinkedData
    pages: Pages
    pool: QueryPool
    catalog: list[CatalogQuery]


ROUTES = [
    Route("/", index.index_page, methods=["GET"]),
    Route("/index.html", index.index_page, methods=["GET"]),
    Route("/query", sparql.query_page, methods=["GET"]),
    Route("/query.html", sparql.query_page, methods=["GET"]),
    Route("/query/bind", sparql.bind_catalog_query, methods=["GET"]),
    Route("/sparql", sparql.endpoint, methods=["GET", "POST"]),
    Route("/search", search.search_page, methods=["GET"]),
    Route("/search.json", search.search_page, methods=["GET"]),
    Route("/pictures/{kind}/{path:path}", pictures.picture, methods=["GET"]),
    *CURRICULUM_ROUTES,
    Route("/findings{rest:path}", findings.findings_page, methods=["GET"]),
    Route("/id/{path:path}", resource.data_resource, methods=["GET"]),
    Route("/ontology", resource.ontology, methods=["GET"]),
    Route("/ontology.{ext}", resource.ontology, methods=["GET"]),
    Route("/void", dumps.void, methods=["GET"]),
    Route("/void.{ext}", dumps.void, methods=["GET"]),
    Route("/dumps/{name}", dumps.dump, methods=["GET"]),
    Route("/exports/{code}/{name}", dumps.export, methods=["GET"]),
    Mount("/static", StaticFiles(packages=[("skillgraph", "static")]), name="static"),
]


class CORSMiddleware:
    """``Access-Control-Allow-Origin: *`` on every response; OPTIONS answered as preflight.

    The data is public and the endpoint read-only, so any origin may query it (the
    static site's query page and other sites' JavaScript included).
    """

    ALLOW = "GET, HEAD, POST, OPTIONS"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            requested = dict(scope["headers"]).get(b"access-control-request-headers")
            headers = [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", self.ALLOW.encode()),
                (b"access-control-allow-headers", requested or b"Accept, Content-Type"),
                (b"access-control-max-age", b"86400"),
                (b"allow", self.ALLOW.encode()),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"access-control-allow-origin", b"*"))
                headers.append(
                    (
                        b"access-control-expose-headers",
                        f"{TRUNCATED_HEADER}, {TRUNCATED_BYTES_HEADER}, Retry-After, Link, "
                        "Content-Location".encode(),
                    )
                )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cors)


class BodyLimitMiddleware:
    """413 for a request body over ``max_bytes``, 414 for a longer query string.

    The endpoint reads a POST body whole before parsing it, so without a cap one client
    could make the server hold any amount of memory.  A declared Content-Length over the
    limit is answered before any of the body is read; a chunked body is counted as it
    is read and stopped at the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        return (
            f"413 Content Too Large: the request body is over the server's limit of "
            f"{self.max_bytes // 1024} KB (serve --max-body). Use the dumps for bulk access."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_bytes:
            await _plain(
                send,
                414,
                f"414 URI Too Long: the query string is over "
                f"{self.max_bytes // 1024} KB; POST the query instead.",
            )
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _plain(send, 413, self._too_large())
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._too_large())
            return message

        await self.app(scope, counted, send)


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app(config: ServerConfig) -> Starlette:
    """The ASGI app for one build; query workers start and stop with the app's lifespan."""
    # the pages read the on-disk store with `--store disk` and `--store hybrid` (whose query
    # workers hold the only in-memory copy: docs/scaling.md)
    ld = LinkedData.from_build(config.build_dir, base=config.base,
                               store_kind="memory" if config.store == "memory" else "disk")
    pool = QueryPool(
        config.build_dir,
        size=config.workers,
        timeout=config.timeout,
        memory_limit=config.memory_limit_mb * 2**20,
        data=config.data,
        slow_lane=config.slow_lane,
        per_client=config.client_queries,
        queue=config.client_queue,
    )
    site = Site(config, ld, Pages(ld), pool, catalog())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool.start()
        threading.Thread(target=curriculum.prepare, args=(app,), name="curriculum-prepare",
                         daemon=True).start()  # fmt: skip
        if pool.not_isolated:
            print(
                "skillgraph serve: WARNING: query workers could not leave the network "
                f"({pool.not_isolated}); SERVICE is still refused on the parsed query",
                file=sys.stderr,
                flush=True,
            )
        try:
            yield
        finally:
            pool.close()

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={404: resource.not_found},
    )
    app.state.site = site
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_kb * 1024)
    app.add_middleware(ConditionalGetMiddleware, build_dir=config.build_dir)  # ETag, 304
    app.add_middleware(CORSMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        PublicURLMiddleware, public_url=config.public_url, trusted=config.trusted_proxies
    )
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 = a free port), so the real URL is known before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not the default 0: accepted connections inherit it, and asyncio
    # sets TCP_NODELAY only on sockets that say they are TCP.  Without it each keep-alive
    # answer waited ~40 ms for the client's delayed ACK (Nagle), 44 ms instead of 1.5 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    config: ServerConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the server until interrupted; ``announce`` gets the URL once it is bound."""
    import dataclasses

    import uvicorn

    sock = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    if config.public_url is None:  # absolute URLs name the address bound, never the Host
        config = dataclasses.replace(config, public_url=url)
    app = create_app(config)
    (announce or (lambda u: print(u, flush=True)))(url)
    # uvicorn logs access lines to stdout by default; stdout carries only the URL here.
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="info",
            lifespan="on",
            log_config=log_config,
            http=timed_protocol(config.client_timeout),
            timeout_keep_alive=max(1, round(config.keep_alive)),
            limit_concurrency=config.max_connections,
            proxy_headers=False,  # PublicURLMiddleware decides whom to believe
            server_header=False,
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        print("skillgraph serve: stopped", file=sys.stderr, flush=True)
