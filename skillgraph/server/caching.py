"""HTTP caching for `skillgraph serve`: ETag and Last-Modified from the build, 304 answers.

The server answers from one build loaded at start and never changed (the store is
read-only), and its code is deterministic, so a GET's answer is a function of the build,
the code, the request line and the headers it is negotiated on (Accept; the scheme and host
the public URL pins). The ETag is a digest of exactly those, so it can be computed and
compared before any work is done: a matching ``If-None-Match`` is answered ``304`` without
rendering the page or running the query. ``If-Modified-Since`` is compared with the build's
time (the newer of ``graph.nt`` and ``ontology.ttl``), and only on answers that are 200
(RFC 9110 §13.1.3), so a client's guess never turns a 404 into a 304.

What carries validators: every 200 answer to GET or HEAD, pages, documents, dumps, VoID and
GET ``/sparql`` (the same query on the same read-only store gives the same answer; its ETag
is weak, since an answer without ``ORDER BY`` promises its rows, not their order). Not:
POST (not a cacheable read), ``/search`` (its index file may be swapped under a running
server: ``views/search.py`` reopens it) and ``/static`` (Starlette's StaticFiles does
its own conditional answers from the files). ``Cache-Control: no-cache`` makes caches
revalidate every time: the server cannot know when the next build comes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..digests import build_digest, code_digest

UNCACHED_PREFIXES = ("/static/", "/search")
WEAK_PATHS = ("/sparql",)
CACHE_CONTROL = b"no-cache"
# headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5)
KEPT_ON_304 = {b"etag", b"last-modified", b"vary", b"cache-control", b"content-location"}


class BuildValidators:
    """The digest and time of one build as served by this code."""

    def __init__(self, build_dir: Path) -> None:
        self.digest = f"{build_digest(build_dir)}-{code_digest()}"
        times = [p.stat().st_mtime for p in (build_dir / "graph.nt", build_dir / "ontology.ttl")
                 if p.is_file()]  # fmt: skip
        stamp = int(max(times)) if times else 0
        self.modified = datetime.fromtimestamp(stamp, UTC)
        self.last_modified = format_datetime(self.modified, usegmt=True)

    def etag(self, scope: Scope) -> str:
        """The validator of this request's answer: build + code + what the answer varies on."""
        headers = dict(scope["headers"])
        h = hashlib.sha256(self.digest.encode())
        for part in (
            scope.get("scheme", "http"),
            headers.get(b"host", b"").decode("latin-1"),
            scope.get("root_path", "") + scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            headers.get(b"accept", b"").decode("latin-1"),
        ):
            h.update(b"\0" + part.encode("utf-8", "surrogateescape"))
        tag = f'"{h.hexdigest()[:24]}"'
        return "W/" + tag if scope["path"].startswith(WEAK_PATHS) else tag


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): ``W/`` is ignored on both sides."""
    mine = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == mine for t in if_none_match.split(","))


def _any(if_none_match: str) -> bool:
    """``If-None-Match: *``: matches when there is a current answer, i.e. a 200."""
    return any(t.strip() == "*" for t in if_none_match.split(","))


def _not_after(if_modified_since: str, modified: datetime) -> bool:
    """Whether the build is not newer than the client's date (an unreadable date: False)."""
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified <= since


class ConditionalGetMiddleware:
    """ETag / Last-Modified on cacheable answers; 304 for a matching precondition."""

    def __init__(self, app: ASGIApp, build_dir: Path) -> None:
        self.app = app
        self.validators = BuildValidators(build_dir)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(UNCACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        v = self.validators
        etag = v.etag(scope)
        headers = dict(scope["headers"])
        inm = headers.get(b"if-none-match")
        ims = headers.get(b"if-modified-since")
        own = [
            (b"etag", etag.encode()),
            (b"last-modified", v.last_modified.encode()),
            (b"cache-control", CACHE_CONTROL),
        ]
        if inm is not None and _matches(inm.decode("latin-1"), etag):
            # the tag names this exact request on this build: its answer was a 200 and,
            # the build and code being unchanged, still is (nothing is run)
            await _send_304(send, [*own, (b"vary", b"Accept")])
            return
        star = inm is not None and _any(inm.decode("latin-1"))
        since = ims.decode("latin-1") if inm is None and ims is not None else None
        state = {"304": False}

        async def with_validators(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)
                    return
                kept = [(k, val) for k, val in message.get("headers", [])
                        if k not in (b"etag", b"last-modified", b"cache-control")]  # fmt: skip
                if star or (since is not None and _not_after(since, v.modified)):
                    state["304"] = True
                    await _send_304(send, [*own, *(h for h in kept if h[0] in KEPT_ON_304)])
                    return
                await send({**message, "headers": [*kept, *own]})
                return
            if not state["304"]:
                await send(message)

        await self.app(scope, receive, with_validators)


async def _send_304(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
